/* wt_linker_t: definitions of every kind, shadowing, lookups, modules and
 * instances as import sources, and traps for unknown imports. */
#include <string.h>

#include "helpers.h"

static wt_error_t *answer(void *env, wt_caller_t *caller, const wt_val_t *args,
                          size_t nargs, wt_val_t *results, size_t nresults) {
  results[0].of.i32 = (int32_t)(intptr_t)env;
  return NULL;
}

static const char *use_f_wat =
    "(module (import \"a\" \"f\" (func $f (result i32)))"
    " (func (export \"run\") (result i32) (call $f)))";

static int32_t run_with(wt_linker_t *linker, wt_engine_t *engine,
                        wt_store_t *store) {
  wt_module_t *m = compile(engine, use_f_wat);
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  wt_module_delete(m);
  wt_val_t res;
  OK(wt_instance_call(store, &inst, "run", NULL, 0, &res, 1));
  return res.of.i32;
}

Test(linker, shadowing_off_rejects_then_on_replaces) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  OK(wt_linker_define_func(linker, "a", "f", "-> i32", answer, (void *)1,
                           NULL));
  wt_error_delete(EXPECT_KIND(wt_linker_define_func(linker, "a", "f", "-> i32",
                                                    answer, (void *)2, NULL),
                              WT_ERROR_LINK));
  OK(wt_linker_allow_shadowing(linker, true));
  OK(wt_linker_define_func(linker, "a", "f", "-> i32", answer, (void *)3,
                           NULL));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  cr_assert_eq(run_with(linker, engine, store), 3);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(linker, define_items_of_every_kind_and_get_them_back) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_extern_t mem = {.kind = WT_EXTERN_MEMORY}, glob = {.kind = WT_EXTERN_GLOBAL},
              tab = {.kind = WT_EXTERN_TABLE};
  wt_memorytype_t mt = {.min = 1, .page_size_log2 = 16};
  OK(wt_memory_new(store, &mt, &mem.of.memory));
  wt_globaltype_t gt = {.kind = WT_I32, .mutable_ = false};
  wt_val_t g0 = i32v(40);
  OK(wt_global_new(store, &gt, &g0, &glob.of.global));
  wt_tabletype_t tt = {.elem = WT_FUNCREF, .min = 1};
  wt_val_t nullf = {.kind = WT_FUNCREF};
  OK(wt_table_new(store, &tt, &nullf, &tab.of.table));
  OK(wt_linker_define(linker, store, "env", "mem", &mem));
  OK(wt_linker_define(linker, store, "env", "g", &glob));
  OK(wt_linker_define(linker, store, "env", "t", &tab));
  OK(wt_linker_define_func(linker, "env", "f", "-> i32", answer, (void *)2,
                           NULL));
  wt_module_t *m = compile(
      engine, "(module (import \"env\" \"mem\" (memory 1))"
              " (import \"env\" \"g\" (global $g i32))"
              " (import \"env\" \"t\" (table 1 funcref))"
              " (import \"env\" \"f\" (func $f (result i32)))"
              " (func (export \"run\") (result i32)"
              "   (i32.add (global.get $g) (call $f))))");
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  wt_val_t res;
  OK(wt_instance_call(store, &inst, "run", NULL, 0, &res, 1));
  cr_assert_eq(res.of.i32, 42);
  wt_extern_t got;
  OK(wt_linker_get(linker, store, "env", "g", &got));
  cr_assert_eq(got.kind, WT_EXTERN_GLOBAL);
  wt_val_t gv;
  OK(wt_global_get(store, &got.of.global, &gv));
  cr_assert_eq(gv.of.i32, 40);
  OK(wt_linker_get(linker, store, "env", "f", &got));
  cr_assert_eq(got.kind, WT_EXTERN_FUNC);
  OK(wt_func_call(store, &got.of.func, NULL, 0, &res, 1));
  cr_assert_eq(res.of.i32, 2);
  EXPECT_ERROR(wt_linker_get(linker, store, "env", "nope", &got),
               WT_ERROR_NOT_FOUND, "env.nope");
  wt_module_delete(m);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(linker, items_of_another_store_are_misuse) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  wt_store_t *s1, *s2;
  OK(wt_store_new(engine, NULL, NULL, &s1));
  OK(wt_store_new(engine, NULL, NULL, &s2));
  wt_memorytype_t mt = {.min = 1, .page_size_log2 = 16};
  wt_extern_t m1 = {.kind = WT_EXTERN_MEMORY}, m2 = {.kind = WT_EXTERN_MEMORY};
  OK(wt_memory_new(s1, &mt, &m1.of.memory));
  OK(wt_memory_new(s2, &mt, &m2.of.memory));
  EXPECT_ERROR(wt_linker_define(linker, s2, "a", "m", &m1), WT_ERROR_MISUSE,
               "another store");
  OK(wt_linker_define(linker, s1, "a", "m", &m1));
  EXPECT_ERROR(wt_linker_define(linker, s2, "a", "m2", &m2), WT_ERROR_MISUSE,
               "holds items of another store");
  wt_extern_t got;
  EXPECT_ERROR(wt_linker_get(linker, s2, "a", "m", &got), WT_ERROR_MISUSE,
               "another store");
  wt_store_delete(s1);
  wt_store_delete(s2);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(linker, define_instance_exports_under_a_name) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_module_t *provider = compile(
      engine, "(module (func (export \"f\") (result i32) (i32.const 9)))");
  wt_instance_t pinst;
  OK(wt_linker_instantiate(linker, store, provider, &pinst));
  OK(wt_linker_define_instance(linker, store, "a", &pinst));
  cr_assert_eq(run_with(linker, engine, store), 9);
  wt_module_delete(provider);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(linker, define_module_reactor_and_get_default) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_module_t *provider = compile(
      engine, "(module (global $n (mut i32) (i32.const 0))"
              " (func (export \"f\") (result i32)"
              "   (global.set $n (i32.add (global.get $n) (i32.const 1)))"
              "   (global.get $n))"
              " (func (export \"\")))");
  OK(wt_linker_define_module(linker, store, "a", provider));
  /* A reactor is instantiated once: its state persists across calls. */
  cr_assert_eq(run_with(linker, engine, store), 1);
  cr_assert_eq(run_with(linker, engine, store), 2);
  wt_func_t def;
  OK(wt_linker_get_default(linker, store, "a", &def));
  OK(wt_func_call(store, &def, NULL, 0, NULL, 0));
  /* A name with nothing defined gets a default that does nothing. */
  wt_func_t none;
  OK(wt_linker_get_default(linker, store, "zz", &none));
  OK(wt_func_call(store, &none, NULL, 0, NULL, 0));
  wt_module_delete(provider);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(linker, unknown_imports_as_traps) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  wt_module_t *m = compile(engine, use_f_wat);
  OK(wt_linker_define_unknown_imports_as_traps(linker, m));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  wt_val_t res;
  wt_error_t *err = EXPECT_KIND(
      wt_instance_call(store, &inst, "run", NULL, 0, &res, 1), WT_ERROR_TRAP);
  cr_assert(strstr(wt_error_message(err), "a::f") != NULL ||
                strstr(wt_error_message(err), "unknown import") != NULL,
            "%s", wt_error_message(err));
  wt_error_delete(err);
  wt_module_delete(m);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(linker, define_functype_and_misuse) {
  wt_engine_t *engine = engine_from(NULL), *other = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  const wt_functype_t *ft, *foreign;
  OK(wt_functype_parse(engine, "-> i32", &ft));
  OK(wt_functype_parse(other, "-> i32", &foreign));
  EXPECT_ERROR(wt_linker_define_functype(linker, "a", "f", foreign, answer,
                                         NULL, NULL),
               WT_ERROR_MISUSE, "another engine");
  OK(wt_linker_define_functype(linker, "a", "f", ft, answer, (void *)5, NULL));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  cr_assert_eq(run_with(linker, engine, store), 5);
  EXPECT_ERROR(wt_linker_define(linker, store, "a", "x", NULL),
               WT_ERROR_MISUSE, "item is NULL");
  EXPECT_ERROR(wt_linker_allow_shadowing(NULL, true), WT_ERROR_MISUSE,
               "linker");
  EXPECT_ERROR(wt_linker_new(NULL, &linker), WT_ERROR_MISUSE, "engine");
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
  wt_engine_delete(other);
}

Test(linker, unknown_imports_as_default_values) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_module_t *m = compile(
      engine, "(module (import \"a\" \"f\" (func $f (result i64)))"
              " (import \"a\" \"g\" (global $g f64))"
              " (import \"a\" \"m\" (memory 1))"
              " (import \"a\" \"t\" (table 2 funcref))"
              " (func (export \"run\") (result i64) (call $f))"
              " (func (export \"g\") (result f64) (global.get $g))"
              " (func (export \"size\") (result i32) (memory.size)))");
  OK(wt_linker_define_unknown_imports_as_default_values(linker, store, m));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  wt_val_t r;
  OK(wt_instance_call(store, &inst, "run", NULL, 0, &r, 1));
  cr_assert_eq(r.kind, WT_I64);
  cr_assert_eq(r.of.i64, 0);
  OK(wt_instance_call(store, &inst, "g", NULL, 0, &r, 1));
  cr_assert_float_eq(r.of.f64, 0.0, 0);
  OK(wt_instance_call(store, &inst, "size", NULL, 0, &r, 1));
  cr_assert_eq(r.of.i32, 1);
  wt_module_delete(m);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(linker, global_and_table_import_mismatches_are_link_errors) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_globaltype_t const_i32 = {.kind = WT_I32}, mut_i32 = {WT_I32, true},
                  const_i64 = {.kind = WT_I64};
  wt_val_t zero32 = i32v(0), zero64 = i64v(0), nullf = {.kind = WT_FUNCREF};
  wt_extern_t g_const = {.kind = WT_EXTERN_GLOBAL},
              g_mut = {.kind = WT_EXTERN_GLOBAL},
              g_i64 = {.kind = WT_EXTERN_GLOBAL};
  OK(wt_global_new(store, &const_i32, &zero32, &g_const.of.global));
  OK(wt_global_new(store, &mut_i32, &zero32, &g_mut.of.global));
  OK(wt_global_new(store, &const_i64, &zero64, &g_i64.of.global));
  wt_module_t *wants_mut = compile(engine, "(module (import \"a\" \"g\" "
                                           "(global (mut i32))))");
  wt_module_t *wants_const = compile(engine, "(module (import \"a\" \"g\" "
                                             "(global i32)))");
  wt_instance_t inst;
  /* Mutability must match both ways, and the value type. */
  wt_error_delete(EXPECT_KIND(wt_instance_new(store, wants_mut, &g_const, 1,
                                              &inst), WT_ERROR_LINK));
  wt_error_delete(EXPECT_KIND(wt_instance_new(store, wants_const, &g_mut, 1,
                                              &inst), WT_ERROR_LINK));
  wt_error_delete(EXPECT_KIND(wt_instance_new(store, wants_const, &g_i64, 1,
                                              &inst), WT_ERROR_LINK));
  OK(wt_instance_new(store, wants_const, &g_const, 1, &inst));
  /* Tables: element type and limits. */
  wt_tabletype_t small = {.elem = WT_FUNCREF, .min = 1};
  wt_tabletype_t ext = {.elem = WT_EXTERNREF, .min = 5};
  wt_val_t nulle = {.kind = WT_EXTERNREF};
  wt_extern_t t_small = {.kind = WT_EXTERN_TABLE},
              t_ext = {.kind = WT_EXTERN_TABLE};
  OK(wt_table_new(store, &small, &nullf, &t_small.of.table));
  OK(wt_table_new(store, &ext, &nulle, &t_ext.of.table));
  wt_module_t *wants_table =
      compile(engine, "(module (import \"a\" \"t\" (table 5 funcref)))");
  wt_error_delete(EXPECT_KIND(wt_instance_new(store, wants_table, &t_small, 1,
                                              &inst), WT_ERROR_LINK));
  wt_error_delete(EXPECT_KIND(wt_instance_new(store, wants_table, &t_ext, 1,
                                              &inst), WT_ERROR_LINK));
  wt_module_delete(wants_mut);
  wt_module_delete(wants_const);
  wt_module_delete(wants_table);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

static wt_error_t *refuse(void *env, wt_caller_t *caller, const wt_val_t *args,
                          size_t nargs, wt_val_t *results, size_t nresults) {
  return wt_error_new("not during start");
}

Test(linker, host_error_in_a_start_function_reaches_instantiate) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  OK(wt_linker_define_func(linker, "h", "f", "", refuse, NULL, NULL));
  wt_module_t *m = compile(engine, "(module (import \"h\" \"f\" (func $f))"
                                   " (func $s (call $f)) (start $s))");
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  EXPECT_ERROR(wt_linker_instantiate(linker, store, m, &inst), WT_ERROR_HOST,
               "not during start");
  wt_module_delete(m);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}
