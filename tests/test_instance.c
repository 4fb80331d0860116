/* wt_instance_t: explicit imports, exports by name, by index and in order,
 * start functions, and pre-instantiation. */
#include <string.h>

#include "helpers.h"

static const char *exports_wat =
    "(module"
    " (func (export \"f\") (result i32) (i32.const 1))"
    " (memory (export \"m\") 1)"
    " (global (export \"g\") i32 (i32.const 2))"
    " (table (export \"t\") 1 funcref))";

Test(instance, exports_by_name_index_and_count) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, exports_wat, &store);
  cr_assert_eq(wt_instance_export_count(store, &inst), 4);
  static const char *names[] = {"f", "m", "g", "t"};
  static const wt_externkind_t kinds[] = {WT_EXTERN_FUNC, WT_EXTERN_MEMORY,
                                          WT_EXTERN_GLOBAL, WT_EXTERN_TABLE};
  for (size_t i = 0; i < 4; i++) {
    const char *name = NULL;
    wt_extern_t item;
    OK(wt_instance_export_nth(store, &inst, i, &name, &item));
    cr_assert_str_eq(name, names[i]);
    cr_assert_eq(item.kind, kinds[i]);
    wt_extern_t by_name;
    OK(wt_instance_export(store, &inst, names[i], &by_name));
    cr_assert_eq(by_name.kind, kinds[i]);
  }
  wt_extern_t item;
  EXPECT_ERROR(wt_instance_export_nth(store, &inst, 4, NULL, &item),
               WT_ERROR_NOT_FOUND, "4");
  EXPECT_ERROR(wt_instance_export(store, &inst, "zz", &item),
               WT_ERROR_NOT_FOUND, "zz");
  wt_table_t t;
  OK(wt_instance_table(store, &inst, "t", &t));
  EXPECT_ERROR(wt_instance_table(store, &inst, "m", &t), WT_ERROR_MISUSE,
               "not a table");
  wt_store_delete(store);
  wt_engine_delete(engine);
}

static wt_error_t *seven(void *env, wt_caller_t *caller, const wt_val_t *args,
                         size_t nargs, wt_val_t *results, size_t nresults) {
  results[0].of.i32 = 7;
  return NULL;
}

static const char *importer_wat =
    "(module (import \"a\" \"f\" (func $f (result i32)))"
    " (import \"a\" \"m\" (memory 1))"
    " (func (export \"run\") (result i32)"
    "   (i32.add (call $f) (i32.load8_u (i32.const 0)))))";

Test(instance, explicit_imports_in_order) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  const wt_functype_t *ft;
  OK(wt_functype_parse(engine, "-> i32", &ft));
  wt_extern_t imports[2];
  imports[0].kind = WT_EXTERN_FUNC;
  OK(wt_func_new(store, ft, seven, NULL, NULL, &imports[0].of.func));
  wt_memorytype_t mt = {.min = 1, .page_size_log2 = 16};
  imports[1].kind = WT_EXTERN_MEMORY;
  OK(wt_memory_new(store, &mt, &imports[1].of.memory));
  uint8_t b = 5;
  OK(wt_memory_write(store, &imports[1].of.memory, 0, &b, 1));
  wt_module_t *m = compile(engine, importer_wat);
  wt_instance_t inst;
  OK(wt_instance_new(store, m, imports, 2, &inst));
  wt_val_t res;
  OK(wt_instance_call(store, &inst, "run", NULL, 0, &res, 1));
  cr_assert_eq(res.of.i32, 12);
  wt_module_delete(m);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(instance, explicit_imports_misuse_and_link_errors) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store, *other;
  OK(wt_store_new(engine, NULL, NULL, &store));
  OK(wt_store_new(engine, NULL, NULL, &other));
  wt_module_t *m = compile(engine, importer_wat);
  const wt_functype_t *ft, *wrong;
  OK(wt_functype_parse(engine, "-> i32", &ft));
  OK(wt_functype_parse(engine, "-> i64", &wrong));
  wt_memorytype_t mt = {.min = 1, .page_size_log2 = 16};
  wt_extern_t imports[2] = {{.kind = WT_EXTERN_FUNC},
                            {.kind = WT_EXTERN_MEMORY}};
  OK(wt_func_new(store, ft, seven, NULL, NULL, &imports[0].of.func));
  OK(wt_memory_new(store, &mt, &imports[1].of.memory));
  wt_instance_t inst;
  EXPECT_ERROR(wt_instance_new(store, m, imports, 1, &inst), WT_ERROR_MISUSE,
               "has 2 imports, 1 were given");
  wt_extern_t swapped[2] = {imports[1], imports[0]};
  EXPECT_ERROR(wt_instance_new(store, m, swapped, 2, &inst), WT_ERROR_MISUSE,
               "needs a func, got a memory");
  EXPECT_ERROR(wt_instance_new(other, m, imports, 2, &inst), WT_ERROR_MISUSE,
               "another store");
  OK(wt_func_new(store, wrong, seven, NULL, NULL, &imports[0].of.func));
  wt_error_delete(EXPECT_KIND(wt_instance_new(store, m, imports, 2, &inst),
                              WT_ERROR_LINK));
  wt_module_delete(m);
  wt_store_delete(other);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(instance, instance_pre_instantiates_repeatedly) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  OK(wt_linker_define_func(linker, "a", "f", "-> i32", seven, NULL, NULL));
  wt_module_t *m = compile(
      engine, "(module (import \"a\" \"f\" (func $f (result i32)))"
              " (func (export \"run\") (result i32) (call $f)))");
  wt_instance_pre_t *pre;
  OK(wt_linker_instantiate_pre(linker, m, &pre));
  wt_module_delete(m);
  wt_linker_delete(linker); /* pre keeps what it needs */
  for (int i = 0; i < 3; i++) {
    wt_store_t *s;
    OK(wt_store_new(engine, NULL, NULL, &s));
    wt_instance_t inst;
    OK(wt_instance_pre_instantiate(pre, s, &inst));
    wt_val_t res;
    OK(wt_instance_call(s, &inst, "run", NULL, 0, &res, 1));
    cr_assert_eq(res.of.i32, 7);
    wt_store_delete(s);
  }
  wt_instance_pre_delete(pre);
  wt_instance_pre_delete(NULL);
  wt_engine_delete(engine);
}

Test(instance, instance_pre_reports_missing_imports_early) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  wt_module_t *m = compile(engine, importer_wat);
  wt_instance_pre_t *pre = NULL;
  wt_error_delete(
      EXPECT_KIND(wt_linker_instantiate_pre(linker, m, &pre), WT_ERROR_LINK));
  cr_assert_null(pre);
  wt_module_delete(m);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(instance, instance_pre_with_store_items_is_bound_to_that_store) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  wt_store_t *s1, *s2;
  OK(wt_store_new(engine, NULL, NULL, &s1));
  OK(wt_store_new(engine, NULL, NULL, &s2));
  wt_memorytype_t mt = {.min = 1, .page_size_log2 = 16};
  wt_extern_t mem = {.kind = WT_EXTERN_MEMORY};
  OK(wt_memory_new(s1, &mt, &mem.of.memory));
  OK(wt_linker_define(linker, s1, "a", "m", &mem));
  OK(wt_linker_define_func(linker, "a", "f", "-> i32", seven, NULL, NULL));
  wt_module_t *m = compile(engine, importer_wat);
  wt_instance_pre_t *pre;
  OK(wt_linker_instantiate_pre(linker, m, &pre));
  wt_instance_t inst;
  EXPECT_ERROR(wt_instance_pre_instantiate(pre, s2, &inst), WT_ERROR_MISUSE,
               "another store");
  EXPECT_ERROR(wt_linker_instantiate(linker, s2, m, &inst), WT_ERROR_MISUSE,
               "another store");
  OK(wt_instance_pre_instantiate(pre, s1, &inst));
  wt_instance_pre_delete(pre);
  wt_module_delete(m);
  wt_linker_delete(linker);
  wt_store_delete(s1);
  wt_store_delete(s2);
  wt_engine_delete(engine);
}

Test(instance, import_free_module_instantiates_with_no_imports) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_module_t *m = compile(engine, "(module)");
  cr_assert_eq(wt_module_import_count(m), 0);
  wt_instance_t inst;
  OK(wt_instance_new(store, m, NULL, 0, &inst));
  cr_assert_eq(wt_instance_export_count(store, &inst), 0);
  wt_extern_t item;
  EXPECT_ERROR(wt_instance_export_nth(store, &inst, 0, NULL, &item),
               WT_ERROR_NOT_FOUND, "0");
  wt_module_delete(m);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

/* Wasm names are byte strings: "\0" is a character like any other. */
Test(instance, export_names_holding_nul_bytes) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  const char *wat =
      "(module (import \"m\\00x\" \"f\\00\" (func))"
      " (func (export \"\") (result i32) (i32.const 1))"
      " (func (export \"\\00a\\00\") (result i32) (i32.const 2))"
      " (func (export \"\\00\") (result i32) (i32.const 3)))";
  wt_module_t *m = compile(engine, wat);
  const wt_import_t *imp = wt_module_import(m, 0);
  cr_assert_eq(imp->module_len, 3);
  cr_assert_eq(memcmp(imp->module, "m\0x", 3), 0);
  cr_assert_eq(imp->name_len, 2);
  cr_assert_eq(memcmp(imp->name, "f\0", 2), 0);
  size_t lens[] = {0, 3, 1};
  for (size_t i = 0; i < 3; i++) {
    cr_assert_eq(wt_module_export(m, i)->name_len, lens[i]);
    cr_assert_eq(wt_module_export(m, i)->name[lens[i]], '\0');
  }
  wt_linker_t *l;
  OK(wt_linker_new(engine, &l));
  OK(wt_store_new(engine, NULL, NULL, &store));
  OK(wt_linker_define_unknown_imports_as_traps(l, m));
  wt_instance_t inst;
  OK(wt_linker_instantiate(l, store, m, &inst));
  /* Each name finds its own function; a C string stops at the first NUL. */
  const struct {
    const char *name;
    size_t len;
    int32_t result;
  } cases[] = {{"", 0, 1}, {"\0a\0", 3, 2}, {"\0", 1, 3}};
  for (size_t i = 0; i < 3; i++) {
    wt_extern_t item;
    OK(wt_instance_export_n(store, &inst, cases[i].name, cases[i].len, &item));
    cr_assert_eq(item.kind, WT_EXTERN_FUNC);
    wt_val_t res = {0};
    OK(wt_func_call(store, &item.of.func, NULL, 0, &res, 1));
    cr_assert_eq(res.of.i32, cases[i].result, "export %zu", i);
  }
  wt_extern_t item;
  OK(wt_instance_export_n(store, &inst, NULL, 0, &item));
  wt_val_t res = {0};
  OK(wt_func_call(store, &item.of.func, NULL, 0, &res, 1));
  cr_assert_eq(res.of.i32, 1, "NULL with length 0 is the empty name");
  EXPECT_ERROR(wt_instance_export_n(store, &inst, "\0b", 2, &item),
               WT_ERROR_NOT_FOUND, "wt_instance_export_n: no export named");
  EXPECT_ERROR(wt_instance_export_n(store, &inst, NULL, 1, &item),
               WT_ERROR_MISUSE, "wt_instance_export_n: name or out is NULL");
  EXPECT_ERROR(wt_instance_export_n(store, &inst, "", 0, NULL),
               WT_ERROR_MISUSE, "wt_instance_export_n: name or out is NULL");
  wt_linker_delete(l);
  wt_module_delete(m);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(instance, export_with_the_empty_name) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(
      engine, "(module (func (export \"\") (result i32) (i32.const 42)))",
      &store);
  cr_assert_eq(wt_instance_export_count(store, &inst), 1);
  const char *name = NULL;
  wt_extern_t nth;
  OK(wt_instance_export_nth(store, &inst, 0, &name, &nth));
  cr_assert_str_eq(name, "");
  cr_assert_eq(nth.kind, WT_EXTERN_FUNC);
  const wt_functype_t *ft = wt_func_type(store, &nth.of.func);
  cr_assert_not_null(ft);
  cr_assert_eq(wt_functype_param_count(ft), 0);
  cr_assert_eq(wt_functype_result_count(ft), 1);
  cr_assert_eq(wt_functype_result(ft, 0), WT_VAL_I32);
  wt_extern_t by_name;
  OK(wt_instance_export(store, &inst, "", &by_name));
  cr_assert_eq(by_name.kind, WT_EXTERN_FUNC);
  wt_val_t res = {0};
  OK(wt_func_call(store, &by_name.of.func, NULL, 0, &res, 1));
  cr_assert_eq(res.of.i32, 42);
  res.of.i32 = 0;
  OK(wt_instance_call(store, &inst, "", NULL, 0, &res, 1));
  cr_assert_eq(res.of.i32, 42);
  /* A name that is not exported, and an index far past the last export. */
  EXPECT_ERROR(wt_instance_export(store, &inst, "x", &by_name),
               WT_ERROR_NOT_FOUND, "\"x\"");
  EXPECT_ERROR(wt_instance_export_nth(store, &inst, 100, NULL, &by_name),
               WT_ERROR_NOT_FOUND, "100");
  wt_store_delete(store);
  wt_engine_delete(engine);
}

static wt_error_t *count_call(void *env, wt_caller_t *caller,
                              const wt_val_t *args, size_t nargs,
                              wt_val_t *results, size_t nresults) {
  ++*(int *)env;
  return NULL;
}

Test(instance, one_host_function_serves_two_instances_start_functions) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  const wt_functype_t *ft;
  OK(wt_functype_parse(engine, "", &ft));
  int calls = 0;
  wt_extern_t hello = {.kind = WT_EXTERN_FUNC};
  OK(wt_func_new(store, ft, count_call, &calls, NULL, &hello.of.func));
  wt_module_t *m = compile(engine, "(module (import \"\" \"hello\" (func $h))"
                                   " (func $s (call $h)) (start $s))");
  wt_instance_t a, b;
  OK(wt_instance_new(store, m, &hello, 1, &a));
  cr_assert_eq(calls, 1, "the start function runs once per instantiation");
  OK(wt_instance_new(store, m, &hello, 1, &b));
  cr_assert_eq(calls, 2);
  wt_module_delete(m);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(instance, too_many_imports_and_bad_extern_items_are_misuse) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_module_t *m = compile(engine, importer_wat);
  const wt_functype_t *ft;
  OK(wt_functype_parse(engine, "-> i32", &ft));
  wt_memorytype_t mt = {.min = 1, .page_size_log2 = 16};
  wt_extern_t imports[3] = {{.kind = WT_EXTERN_FUNC},
                            {.kind = WT_EXTERN_MEMORY},
                            {.kind = WT_EXTERN_MEMORY}};
  OK(wt_func_new(store, ft, seven, NULL, NULL, &imports[0].of.func));
  OK(wt_memory_new(store, &mt, &imports[1].of.memory));
  OK(wt_memory_new(store, &mt, &imports[2].of.memory));
  wt_instance_t inst;
  EXPECT_ERROR(wt_instance_new(store, m, imports, 3, &inst), WT_ERROR_MISUSE,
               "wt_instance_new: the module has 2 imports, 3 were given");
  /* An extern kind that does not exist. */
  wt_extern_t garbage[2] = {imports[0], imports[1]};
  garbage[0].kind = 0x7f;
  EXPECT_ERROR(wt_instance_new(store, m, garbage, 2, &inst), WT_ERROR_MISUSE,
               "import 0 (a.f): unknown extern kind 127");
  /* The right kind holding no item (a zeroed handle). */
  wt_extern_t empty[2] = {{.kind = WT_EXTERN_FUNC}, imports[1]};
  EXPECT_ERROR(wt_instance_new(store, m, empty, 2, &inst), WT_ERROR_MISUSE,
               "func belongs to another store");
  /* Another kind of object where the module belongs. */
  EXPECT_ERROR(wt_instance_new(store, (const wt_module_t *)store, imports, 2,
                               &inst),
               WT_ERROR_MISUSE, "module is NULL or deleted");
  OK(wt_instance_new(store, m, imports, 2, &inst));
  wt_module_delete(m);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(instance, start_function_trap_during_instantiation) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_module_t *m =
      compile(fx.engine, "(module (func $s unreachable) (start $s))");
  wt_instance_t inst;
  expect_trap(wt_linker_instantiate(fx.linker, fx.store, m, &inst),
              WT_TRAP_UNREACHABLE);
  wt_module_delete(m);
  fx_teardown(&fx);
}

Test(instance, exports_missing_or_not_functions) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_instance_t inst = fx_instantiate(
      &fx, "(module (func (export \"add\") (param i32 i32) (result i32)"
           " (i32.add (local.get 0) (local.get 1)))"
           " (memory (export \"mem\") 1))");
  wt_func_t f;
  EXPECT_ERROR(wt_instance_func(fx.store, &inst, "nope", &f),
               WT_ERROR_NOT_FOUND, "nope");
  EXPECT_ERROR(wt_instance_func(fx.store, &inst, "mem", &f), WT_ERROR_MISUSE,
               "not a function");
  EXPECT_ERROR(wt_instance_func(fx.store, NULL, "add", &f), WT_ERROR_MISUSE,
               "instance is NULL");
  fx_teardown(&fx);
}

/* Failed lookups and instantiations leave every out parameter as it was. */
Test(instance, failed_lookups_leave_out_parameters_untouched) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, exports_wat, &store);
  wt_extern_t ext, ext0;
  memset(&ext, 0x5e, sizeof ext);
  ext0 = ext;
  const char *name = "sentinel";
  wt_error_delete(EXPECT_KIND(
      wt_instance_export_nth(store, &inst, 4, &name, &ext),
      WT_ERROR_NOT_FOUND));
  EXPECT_ERROR(wt_instance_export_nth(NULL, &inst, 0, &name, &ext),
               WT_ERROR_MISUSE, "store");
  cr_assert_str_eq(name, "sentinel");
  wt_error_delete(EXPECT_KIND(wt_instance_export(store, &inst, "zz", &ext),
                              WT_ERROR_NOT_FOUND));
  wt_error_delete(EXPECT_KIND(
      wt_instance_export_n(store, &inst, "fx", 2, &ext), WT_ERROR_NOT_FOUND));
  cr_assert(memcmp(&ext, &ext0, sizeof ext) == 0);

  wt_func_t f, f0;
  memset(&f, 0x5e, sizeof f);
  f0 = f;
  EXPECT_ERROR(wt_instance_func(store, &inst, "m", &f), WT_ERROR_MISUSE,
               "not a function");
  wt_error_delete(EXPECT_KIND(wt_instance_func(store, &inst, "zz", &f),
                              WT_ERROR_NOT_FOUND));
  cr_assert(memcmp(&f, &f0, sizeof f) == 0);
  wt_memory_t m, m0;
  memset(&m, 0x5e, sizeof m);
  m0 = m;
  EXPECT_ERROR(wt_instance_memory(store, &inst, "f", &m), WT_ERROR_MISUSE,
               "not a memory");
  cr_assert(memcmp(&m, &m0, sizeof m) == 0);

  wt_module_t *mod = compile(engine, "(module (import \"a\" \"b\" (func))"
                                     " (start 0))");
  wt_instance_t out, out0;
  memset(&out, 0x5e, sizeof out);
  out0 = out;
  EXPECT_ERROR(wt_instance_new(store, mod, NULL, 0, &out), WT_ERROR_MISUSE,
               "imports");
  cr_assert(memcmp(&out, &out0, sizeof out) == 0);
  wt_module_delete(mod);
  mod = compile(engine, "(module (func unreachable) (start 0))");
  wt_error_delete(
      EXPECT_KIND(wt_instance_new(store, mod, NULL, 0, &out), WT_ERROR_TRAP));
  cr_assert(memcmp(&out, &out0, sizeof out) == 0);
  wt_module_delete(mod);
  wt_store_delete(store);
  wt_engine_delete(engine);
}
