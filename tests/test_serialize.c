/* Precompiled modules: bytes serialized by one engine loaded into another
 * engine with the same settings, then instantiated and run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

static const char *greet_wat =
    "(module (import \"\" \"twice\" (func $twice (param i32) (result i32)))"
    " (func (export \"run\") (param i32) (result i32)"
    "   (i32.add (call $twice (local.get 0)) (i32.const 1))))";

static wt_error_t *twice(void *env, wt_caller_t *caller, const wt_val_t *args,
                         size_t nargs, wt_val_t *results, size_t nresults) {
  ++*(int *)env;
  results[0].of.i32 = args[0].of.i32 * 2;
  return NULL;
}

Test(serialize, bytes_from_one_engine_run_in_another_with_a_host_import) {
  wt_engine_t *a = engine_from(NULL);
  wt_module_t *original = compile(a, greet_wat);
  uint8_t *bytes;
  size_t len;
  OK(wt_module_serialize(original, &bytes, &len));
  /* The bytes stand alone: the engine and module that made them are gone. */
  wt_module_delete(original);
  wt_engine_delete(a);

  wt_engine_t *b = engine_from(NULL);
  wt_module_t *m = NULL;
  OK(wt_module_deserialize(b, bytes, len, &m));
  free(bytes);
  cr_assert_eq(wt_module_import_count(m), 1);
  const wt_import_t *imp = wt_module_import(m, 0);
  cr_assert_str_eq(imp->module, "");
  cr_assert_str_eq(imp->name, "twice");
  cr_assert_eq(imp->type.kind, WT_EXTERN_FUNC);
  cr_assert_eq(wt_module_export_count(m), 1);
  cr_assert_str_eq(wt_module_export(m, 0)->name, "run");

  wt_store_t *store;
  OK(wt_store_new(b, NULL, NULL, &store));
  const wt_functype_t *ft;
  OK(wt_functype_parse(b, "i32 -> i32", &ft));
  int calls = 0;
  wt_extern_t import = {.kind = WT_EXTERN_FUNC};
  OK(wt_func_new(store, ft, twice, &calls, NULL, &import.of.func));
  wt_instance_t inst;
  OK(wt_instance_new(store, m, &import, 1, &inst));
  cr_assert_eq(calls, 0, "the host function runs only when the export does");
  wt_val_t arg = i32v(20), res;
  OK(wt_instance_call(store, &inst, "run", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, 41);
  cr_assert_eq(calls, 1);

  /* The same bytes also link through a linker in the new engine. */
  wt_linker_t *linker;
  OK(wt_linker_new(b, &linker));
  OK(wt_linker_define_func(linker, "", "twice", "i32 -> i32", twice, &calls,
                           NULL));
  wt_instance_t linked;
  OK(wt_linker_instantiate(linker, store, m, &linked));
  arg = i32v(-4);
  OK(wt_instance_call(store, &linked, "run", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, -7);
  cr_assert_eq(calls, 2);

  wt_linker_delete(linker);
  wt_store_delete(store);
  wt_module_delete(m);
  wt_engine_delete(b);
}

/* A module loaded from a file does not depend on the file afterwards; the
 * file rewritten with garbage is refused as a compile error. */
Test(serialize, module_from_a_file_outlives_the_file) {
  wt_engine_t *engine = engine_from(NULL);
  wt_module_t *original = compile(engine, greet_wat);
  char path[] = "/tmp/wt-serialize-XXXXXX";
  int fd = mkstemp(path);
  cr_assert_geq(fd, 0);
  close(fd);
  OK(wt_module_serialize_file(original, path));
  wt_module_delete(original);
  wt_module_t *m = NULL;
  OK(wt_module_deserialize_file(engine, path, &m));
  FILE *f = fopen(path, "wb");
  cr_assert_not_null(f);
  fputs("not a precompiled module", f);
  fclose(f);
  wt_module_t *bad = NULL;
  EXPECT_ERROR(wt_module_deserialize_file(engine, path, &bad),
               WT_ERROR_COMPILE, "");
  cr_assert_null(bad);
  cr_assert_eq(unlink(path), 0);
  EXPECT_ERROR(wt_module_deserialize_file(engine, path, &bad), WT_ERROR_IO,
               path);

  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  int calls = 0;
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  OK(wt_linker_define_func(linker, "", "twice", "i32 -> i32", twice, &calls,
                           NULL));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  wt_val_t arg = i32v(5), res;
  OK(wt_instance_call(store, &inst, "run", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, 11);
  cr_assert_eq(calls, 1);
  wt_linker_delete(linker);
  wt_store_delete(store);
  wt_module_delete(m);
  wt_engine_delete(engine);
}
