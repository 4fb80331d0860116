/* Misuse: every kind of wrong call is a WT_ERROR_MISUSE error naming the
 * function, never a crash. Each Criterion test runs in its own process, so a
 * crash here fails the test instead of the suite. */
#include <string.h>

#include "helpers.h"

static const char *add_wat =
    "(module (func (export \"add\") (param i32 i32) (result i32)"
    " (i32.add (local.get 0) (local.get 1))) (memory (export \"m\") 1))";

Test(misuse, deleted_engine) {
  wt_engine_t *engine = engine_from(NULL);
  wt_engine_delete(engine);
  wt_store_t *s;
  EXPECT_ERROR(wt_store_new(engine, NULL, NULL, &s), WT_ERROR_MISUSE,
               "wt_store_new: engine is NULL or deleted");
  wt_module_t *m;
  EXPECT_ERROR(wt_module_new_wat(engine, add_wat, &m), WT_ERROR_MISUSE,
               "wt_module_new: engine is NULL or deleted");
  wt_engine_delete(engine); /* a second delete is ignored */
}

Test(misuse, deleted_engine_still_used_by_a_store_is_refused_to_the_caller) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *s;
  OK(wt_store_new(engine, NULL, NULL, &s));
  wt_engine_delete(engine); /* the store keeps it alive internally */
  wt_linker_t *l;
  EXPECT_ERROR(wt_linker_new(engine, &l), WT_ERROR_MISUSE, "deleted");
  cr_assert_not(wt_engine_is_pulley(engine));
  wt_store_delete(s);
}

Test(misuse, deleted_store) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, add_wat, &store);
  wt_func_t add;
  OK(wt_instance_func(store, &inst, "add", &add));
  wt_store_delete(store);
  wt_val_t args[2] = {i32v(1), i32v(2)}, res;
  EXPECT_ERROR(wt_func_call(store, &add, args, 2, &res, 1), WT_ERROR_MISUSE,
               "wt_func_call: store is not a live wt_store_t");
  EXPECT_ERROR(wt_store_set_fuel(store, 1), WT_ERROR_MISUSE, "store");
  cr_assert_null(wt_store_data(store));
  wt_store_delete(store); /* a second delete is ignored */
  wt_engine_delete(engine);
}

Test(misuse, deleted_module_and_linker) {
  wt_engine_t *engine = engine_from(NULL);
  wt_module_t *m = compile(engine, add_wat);
  wt_linker_t *l;
  OK(wt_linker_new(engine, &l));
  wt_store_t *s;
  OK(wt_store_new(engine, NULL, NULL, &s));
  wt_module_delete(m);
  wt_instance_t inst;
  EXPECT_ERROR(wt_linker_instantiate(l, s, m, &inst), WT_ERROR_MISUSE,
               "module is NULL or deleted");
  wt_module_t *m2 = compile(engine, add_wat);
  wt_linker_delete(l);
  EXPECT_ERROR(wt_linker_instantiate(l, s, m2, &inst), WT_ERROR_MISUSE,
               "linker is NULL or deleted");
  EXPECT_ERROR(wt_linker_define_func(l, "a", "b", "", NULL, NULL, NULL),
               WT_ERROR_MISUSE, "linker");
  wt_module_delete(m2);
  wt_store_delete(s);
  wt_engine_delete(engine);
}

Test(misuse, deleted_config_and_instance_pre) {
  wt_config_t *c = wt_config_new();
  wt_config_delete(c);
  cr_assert_not(wt_config_set_consume_fuel(c, true));
  wt_engine_t *e = NULL;
  EXPECT_ERROR(wt_engine_new(c, &e), WT_ERROR_MISUSE, "config");
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *l;
  OK(wt_linker_new(engine, &l));
  wt_module_t *m = compile(engine, add_wat);
  wt_instance_pre_t *pre;
  OK(wt_linker_instantiate_pre(l, m, &pre));
  wt_instance_pre_delete(pre);
  wt_store_t *s;
  OK(wt_store_new(engine, NULL, NULL, &s));
  wt_instance_t inst;
  EXPECT_ERROR(wt_instance_pre_instantiate(pre, s, &inst), WT_ERROR_MISUSE,
               "pre is NULL or deleted");
  wt_store_delete(s);
  wt_module_delete(m);
  wt_linker_delete(l);
  wt_engine_delete(engine);
}

Test(misuse, wrong_object_type_passed_as_another) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *s;
  OK(wt_store_new(engine, NULL, NULL, &s));
  wt_module_t *m;
  /* A store where an engine belongs: the magic number tells them apart. */
  EXPECT_ERROR(wt_module_new_wat((wt_engine_t *)s, add_wat, &m),
               WT_ERROR_MISUSE, "engine");
  wt_instance_t inst;
  wt_linker_t *l;
  OK(wt_linker_new(engine, &l));
  EXPECT_ERROR(wt_linker_instantiate(l, (wt_store_t *)engine,
                                     (wt_module_t *)l, &inst),
               WT_ERROR_MISUSE, "store");
  wt_linker_delete(l);
  wt_store_delete(s);
  wt_engine_delete(engine);
}

Test(misuse, null_arguments_everywhere) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, add_wat, &store);
  wt_func_t f;
  wt_val_t v;
  wt_memory_t mem;
  OK(wt_instance_memory(store, &inst, "m", &mem));
  EXPECT_ERROR(wt_instance_func(NULL, &inst, "add", &f), WT_ERROR_MISUSE,
               "store is NULL");
  EXPECT_ERROR(wt_instance_func(store, &inst, NULL, &f), WT_ERROR_MISUSE,
               "name");
  EXPECT_ERROR(wt_instance_func(store, &inst, "add", NULL), WT_ERROR_MISUSE,
               "out is NULL");
  EXPECT_ERROR(wt_global_get(store, NULL, &v), WT_ERROR_MISUSE, "global");
  EXPECT_ERROR(wt_table_get(store, NULL, 0, &v), WT_ERROR_MISUSE, "table");
  EXPECT_ERROR(wt_memory_write(store, &mem, 0, NULL, 4), WT_ERROR_MISUSE,
               "buf is NULL");
  EXPECT_ERROR(wt_module_new(engine, NULL, 4, NULL), WT_ERROR_MISUSE, "NULL");
  EXPECT_ERROR(wt_externref_new(NULL, NULL, NULL, &v), WT_ERROR_MISUSE,
               "store");
  EXPECT_ERROR(wt_func_new(store, NULL, NULL, NULL, NULL, &f), WT_ERROR_MISUSE,
               "type");
  EXPECT_ERROR(wt_caller_export(NULL, "x", NULL), WT_ERROR_MISUSE, "NULL");
  EXPECT_ERROR(wt_instance_new(store, NULL, NULL, 0, &inst), WT_ERROR_MISUSE,
               "module");
  cr_assert_null(wt_caller_store(NULL));
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(misuse, names_must_be_utf8) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *l;
  OK(wt_linker_new(engine, &l));
  wt_store_t *s;
  OK(wt_store_new(engine, NULL, NULL, &s));
  wt_memorytype_t mt = {.min = 1, .page_size_log2 = 16};
  wt_extern_t mem = {.kind = WT_EXTERN_MEMORY};
  OK(wt_memory_new(s, &mt, &mem.of.memory));
  EXPECT_ERROR(wt_linker_define(l, s, "\xff", "m", &mem), WT_ERROR_MISUSE,
               "UTF-8");
  EXPECT_ERROR(wt_linker_define(l, s, "env", "\xed\xa0\x80", &mem),
               WT_ERROR_MISUSE, "UTF-8"); /* a surrogate */
  wt_extern_t got;
  EXPECT_ERROR(wt_linker_get(l, s, "\xc0\xaf", "m", &got), WT_ERROR_MISUSE,
               "UTF-8"); /* an overlong encoding */
  OK(wt_linker_define(l, s, "\xc3\xa9t\xc3\xa9", "m", &mem)); /* "été" */
  OK(wt_linker_get(l, s, "\xc3\xa9t\xc3\xa9", "m", &got));
  wt_store_delete(s);
  wt_linker_delete(l);
  wt_engine_delete(engine);
}

Test(misuse, extern_of_wrong_kind_or_garbage_kind) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *l;
  OK(wt_linker_new(engine, &l));
  wt_store_t *s;
  OK(wt_store_new(engine, NULL, NULL, &s));
  wt_extern_t bogus;
  memset(&bogus, 0, sizeof bogus);
  bogus.kind = 77;
  EXPECT_ERROR(wt_linker_define(l, s, "a", "b", &bogus), WT_ERROR_MISUSE,
               "unknown extern kind");
  wt_extern_t zero_func = {.kind = WT_EXTERN_FUNC};
  EXPECT_ERROR(wt_linker_define(l, s, "a", "b", &zero_func), WT_ERROR_MISUSE,
               "another store");
  wt_store_delete(s);
  wt_linker_delete(l);
  wt_engine_delete(engine);
}

Test(misuse, value_of_unknown_kind) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, add_wat, &store);
  wt_val_t args[2] = {{.kind = 99}, i32v(1)}, res;
  EXPECT_ERROR(wt_instance_call(store, &inst, "add", args, 2, &res, 1),
               WT_ERROR_MISUSE, "argument 0 is ?, expected i32");
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(misuse, error_constructors) {
  EXPECT_ERROR(wt_trap_new((wt_trap_code_t)200), WT_ERROR_MISUSE,
               "wt_trap_new: 200 is not a trap code");
  wt_error_t *e = wt_error_new(NULL); /* not misuse: an empty message */
  cr_assert_eq(wt_error_kind(e), WT_ERROR_HOST);
  wt_error_delete(e);
}

Test(misuse, module_files_and_bytes) {
  wt_engine_t *engine = engine_from(NULL);
  wt_module_t *m = compile(engine, add_wat);
  EXPECT_ERROR(wt_module_deserialize(NULL, (const uint8_t *)"x", 1, &m),
               WT_ERROR_MISUSE, "wt_module_deserialize: engine");
  EXPECT_ERROR(wt_module_deserialize(engine, NULL, 1, &m), WT_ERROR_MISUSE,
               "wt_module_deserialize: bytes or out is NULL");
  EXPECT_ERROR(wt_module_serialize_file(m, NULL), WT_ERROR_MISUSE,
               "wt_module_serialize_file: path is NULL");
  EXPECT_ERROR(wt_module_serialize_file(NULL, "/tmp/x"), WT_ERROR_MISUSE,
               "wt_module_serialize_file: module is NULL or deleted");
  EXPECT_ERROR(wt_module_deserialize_file(NULL, "/tmp/x", &m),
               WT_ERROR_MISUSE, "wt_module_deserialize_file: engine");
  EXPECT_ERROR(wt_module_deserialize_file(engine, NULL, &m), WT_ERROR_MISUSE,
               "wt_module_deserialize_file: path is NULL");
  wt_module_delete(m);
  wt_engine_delete(engine);
}

Test(misuse, linker_module_defaults_and_pre) {
  wt_engine_t *engine = engine_from(NULL), *other = engine_from(NULL);
  wt_linker_t *l;
  OK(wt_linker_new(engine, &l));
  wt_store_t *s;
  OK(wt_store_new(engine, NULL, NULL, &s));
  wt_module_t *foreign = compile(other, add_wat);
  EXPECT_ERROR(wt_linker_define_module(l, s, "a", NULL), WT_ERROR_MISUSE,
               "wt_linker_define_module: module is NULL or deleted");
  EXPECT_ERROR(wt_linker_define_module(l, s, "a", foreign), WT_ERROR_MISUSE,
               "different engines");
  EXPECT_ERROR(wt_linker_define_module(NULL, s, "a", foreign),
               WT_ERROR_MISUSE, "wt_linker_define_module: linker");
  EXPECT_ERROR(wt_linker_define_unknown_imports_as_traps(l, NULL),
               WT_ERROR_MISUSE,
               "wt_linker_define_unknown_imports_as_traps: module");
  EXPECT_ERROR(wt_linker_define_unknown_imports_as_traps(l, foreign),
               WT_ERROR_MISUSE, "different engines");
  EXPECT_ERROR(
      wt_linker_define_unknown_imports_as_default_values(l, NULL, foreign),
      WT_ERROR_MISUSE,
      "wt_linker_define_unknown_imports_as_default_values: store is NULL");
  EXPECT_ERROR(
      wt_linker_define_unknown_imports_as_default_values(l, s, foreign),
      WT_ERROR_MISUSE, "different engines");
  wt_func_t f;
  EXPECT_ERROR(wt_linker_get_default(l, s, NULL, &f), WT_ERROR_MISUSE,
               "wt_linker_get_default: name is NULL");
  EXPECT_ERROR(wt_linker_get_default(l, NULL, "a", &f), WT_ERROR_MISUSE,
               "wt_linker_get_default: store is NULL");
  wt_instance_pre_t *pre;
  EXPECT_ERROR(wt_linker_instantiate_pre(l, foreign, &pre), WT_ERROR_MISUSE,
               "wt_linker_instantiate_pre: linker and module belong to "
               "different engines");
  EXPECT_ERROR(wt_linker_instantiate_pre(NULL, foreign, &pre),
               WT_ERROR_MISUSE, "wt_linker_instantiate_pre: linker");
  EXPECT_ERROR(wt_linker_define_wasi(NULL), WT_ERROR_MISUSE,
               "wt_linker_define_wasi: linker is NULL or deleted");
  EXPECT_ERROR(wt_wasi_run(NULL, s, foreign), WT_ERROR_MISUSE,
               "wt_linker_instantiate: linker is NULL or deleted");
  wt_module_delete(foreign);
  wt_store_delete(s);
  wt_linker_delete(l);
  wt_engine_delete(engine);
  wt_engine_delete(other);
}

Test(misuse, shared_memories) {
  wt_config_t *c = wt_config_new();
  wt_config_set_wasm_threads(c, true);
  wt_config_set_wasm_shared_memory(c, true);
  wt_engine_t *engine = engine_from(c);
  wt_memorytype_t mt = {.min = 1, .has_max = true, .max = 2, .shared = true,
                        .page_size_log2 = 16};
  wt_shared_memory_t *m;
  OK(wt_shared_memory_new(engine, &mt, &m));
  wt_shared_memory_delete(m);
  wt_memorytype_t t;
  uint64_t pages;
  uint8_t b = 0;
  /* m was deleted: its shell is still wt's, so each call can tell. */
  EXPECT_ERROR(wt_shared_memory_type(m, &t), WT_ERROR_MISUSE,
               "wt_shared_memory_type: shared memory is NULL or deleted");
  EXPECT_ERROR(wt_shared_memory_pages(NULL, &pages), WT_ERROR_MISUSE,
               "wt_shared_memory_pages: shared memory is NULL");
  EXPECT_ERROR(wt_shared_memory_grow(m, 1, NULL), WT_ERROR_MISUSE,
               "wt_shared_memory_grow: shared memory is NULL or deleted");
  EXPECT_ERROR(wt_shared_memory_write(m, 0, &b, 1), WT_ERROR_MISUSE,
               "wt_shared_memory_write: shared memory is NULL or deleted");
  EXPECT_ERROR(wt_shared_memory_read(m, 0, &b, 1), WT_ERROR_MISUSE,
               "wt_shared_memory_read: shared memory is NULL or deleted");
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, add_wat, &store);
  wt_shared_memory_t *sm;
  EXPECT_ERROR(wt_instance_shared_memory(store, &inst, "m", &sm),
               WT_ERROR_MISUSE,
               "wt_instance_shared_memory: export \"m\" is not a shared "
               "memory");
  EXPECT_ERROR(wt_instance_shared_memory(NULL, &inst, "m", &sm),
               WT_ERROR_MISUSE, "wt_instance_shared_memory: store is NULL");
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(misuse, func_from_another_store_is_misuse_not_abort) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *s1, *s2;
  wt_instance_t i1 = instantiate(engine, add_wat, &s1);
  instantiate(engine, add_wat, &s2);
  wt_func_t add1;
  OK(wt_instance_func(s1, &i1, "add", &add1));
  wt_val_t args[2] = {i32v(1), i32v(2)}, res;
  EXPECT_ERROR(wt_func_call(s2, &add1, args, 2, &res, 1), WT_ERROR_MISUSE,
               "another store");
  EXPECT_ERROR(wt_instance_func(s2, &i1, "add", &add1), WT_ERROR_MISUSE,
               "another store");
  /* A store that has made nothing yet is "another store" too. */
  wt_store_t *fresh;
  OK(wt_store_new(engine, NULL, NULL, &fresh));
  EXPECT_ERROR(wt_func_call(fresh, &add1, args, 2, &res, 1), WT_ERROR_MISUSE,
               "another store");
  wt_store_delete(fresh);
  wt_store_delete(s1);
  /* Handles of a deleted store are rejected by any live store. */
  EXPECT_ERROR(wt_func_call(s2, &add1, args, 2, &res, 1), WT_ERROR_MISUSE,
               "another store");
  wt_store_delete(s2);
  wt_engine_delete(engine);
}

Test(misuse, objects_of_different_engines_are_misuse) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_engine_t *a = engine_from(NULL);
  wt_module_t *m = compile(a, add_wat);
  wt_instance_t inst;
  EXPECT_ERROR(wt_linker_instantiate(fx.linker, fx.store, m, &inst),
               WT_ERROR_MISUSE, "different engines");
  wt_module_delete(m);
  wt_engine_delete(a);
  fx_teardown(&fx);
}
