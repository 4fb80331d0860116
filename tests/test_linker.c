/* wt_linker_t: definitions of every kind, shadowing and duplicates, lookups,
 * modules and instances as import sources, missing and mismatched imports,
 * and traps for unknown imports. */
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
  OK(wt_linker_set_allow_shadowing(linker, true));
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
  wt_globaltype_t gt = {.kind = WT_VAL_I32, .is_mutable = false};
  wt_val_t g0 = i32v(40);
  OK(wt_global_new(store, &gt, &g0, &glob.of.global));
  wt_tabletype_t tt = {.elem = WT_VAL_FUNCREF, .min = 1};
  wt_val_t nullf = {.kind = WT_VAL_FUNCREF};
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
  EXPECT_ERROR(wt_linker_set_allow_shadowing(NULL, true), WT_ERROR_MISUSE,
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
  cr_assert_eq(r.kind, WT_VAL_I64);
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
  wt_globaltype_t const_i32 = {.kind = WT_VAL_I32}, mut_i32 = {WT_VAL_I32, true},
                  const_i64 = {.kind = WT_VAL_I64};
  wt_val_t zero32 = i32v(0), zero64 = i64v(0), nullf = {.kind = WT_VAL_FUNCREF};
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
  /* Mutability must match both ways, and the value type; the message names
   * the import. */
  EXPECT_ERROR(wt_instance_new(store, wants_mut, &g_const, 1, &inst),
               WT_ERROR_LINK, "incompatible import type for `a::g`");
  EXPECT_ERROR(wt_instance_new(store, wants_const, &g_mut, 1, &inst),
               WT_ERROR_LINK, "incompatible import type for `a::g`");
  EXPECT_ERROR(wt_instance_new(store, wants_const, &g_i64, 1, &inst),
               WT_ERROR_LINK, "incompatible import type for `a::g`");
  OK(wt_instance_new(store, wants_const, &g_const, 1, &inst));
  /* Tables: element type and limits. */
  wt_tabletype_t small = {.elem = WT_VAL_FUNCREF, .min = 1};
  wt_tabletype_t ext = {.elem = WT_VAL_EXTERNREF, .min = 5};
  wt_val_t nulle = {.kind = WT_VAL_EXTERNREF};
  wt_extern_t t_small = {.kind = WT_EXTERN_TABLE},
              t_ext = {.kind = WT_EXTERN_TABLE};
  OK(wt_table_new(store, &small, &nullf, &t_small.of.table));
  OK(wt_table_new(store, &ext, &nulle, &t_ext.of.table));
  wt_module_t *wants_table =
      compile(engine, "(module (import \"a\" \"t\" (table 5 funcref)))");
  EXPECT_ERROR(wt_instance_new(store, wants_table, &t_small, 1, &inst),
               WT_ERROR_LINK, "incompatible import type for `a::t`");
  EXPECT_ERROR(wt_instance_new(store, wants_table, &t_ext, 1, &inst),
               WT_ERROR_LINK, "incompatible import type for `a::t`");
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

static wt_instance_t instance_of(wt_linker_t *linker, wt_engine_t *engine,
                                 wt_store_t *store, const char *wat) {
  wt_module_t *m = compile(engine, wat);
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  wt_module_delete(m);
  return inst;
}

static wt_error_t *nothing(void *env, wt_caller_t *caller, const wt_val_t *args,
                           size_t nargs, wt_val_t *results, size_t nresults) {
  return NULL;
}

Test(linker, define_instance_empty_duplicate_and_shadowed) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t empty = instance_of(linker, engine, store, "(module)");
  OK(wt_linker_define_instance(linker, store, "e", &empty));
  /* An instance without exports defines no names, so it never clashes. */
  OK(wt_linker_define_instance(linker, store, "e", &empty));
  wt_instance_t one = instance_of(
      linker, engine, store,
      "(module (func (export \"f\") (result i32) (i32.const 1)))");
  wt_instance_t two = instance_of(
      linker, engine, store,
      "(module (func (export \"f\") (result i32) (i32.const 2)))");
  OK(wt_linker_define_instance(linker, store, "a", &one));
  EXPECT_ERROR(wt_linker_define_instance(linker, store, "a", &one),
               WT_ERROR_LINK, "a::f");
  EXPECT_ERROR(wt_linker_define_instance(linker, store, "a", &two),
               WT_ERROR_LINK, "a::f");
  cr_assert_eq(run_with(linker, engine, store), 1);
  OK(wt_linker_set_allow_shadowing(linker, true));
  OK(wt_linker_define_instance(linker, store, "a", &two));
  cr_assert_eq(run_with(linker, engine, store), 2);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(linker, instantiate_resolves_by_name_and_kind) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t x =
      instance_of(linker, engine, store, "(module (func (export \"foo\")))");
  OK(wt_linker_define_instance(linker, store, "x", &x));
  OK(wt_linker_define_func(linker, "y", "z", "", nothing, NULL, NULL));
  wt_module_t *both = compile(engine, "(module (import \"x\" \"foo\" (func))"
                                      " (import \"y\" \"z\" (func)))");
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, both, &inst));
  /* A function definition does not satisfy a global import of its name. */
  wt_module_t *as_global = compile(engine,
                                   "(module (import \"x\" \"foo\" (func))"
                                   " (import \"y\" \"z\" (global i32)))");
  EXPECT_ERROR(wt_linker_instantiate(linker, store, as_global, &inst),
               WT_ERROR_LINK, "y::z");
  wt_module_t *trapping =
      compile(engine, "(module (func unreachable) (start 0))");
  expect_trap(wt_linker_instantiate(linker, store, trapping, &inst),
              WT_TRAP_UNREACHABLE);
  wt_module_t *empty = compile(engine, "(module)");
  OK(wt_linker_instantiate(linker, store, empty, &inst));
  cr_assert_eq(wt_instance_export_count(store, &inst), 0);
  wt_module_delete(empty);
  wt_module_delete(trapping);
  wt_module_delete(as_global);
  wt_module_delete(both);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(linker, memory_under_two_names_table_of_an_instance_and_empty_names) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  OK(wt_linker_define_func(linker, "", "f", "", nothing, NULL, NULL));
  wt_globaltype_t gt = {.kind = WT_VAL_I32};
  wt_val_t zero = i32v(0);
  wt_extern_t g = {.kind = WT_EXTERN_GLOBAL};
  OK(wt_global_new(store, &gt, &zero, &g.of.global));
  OK(wt_linker_define(linker, store, "", "g", &g));
  wt_memorytype_t mt = {.min = 1, .has_max = true, .max = 300,
                        .page_size_log2 = 16};
  wt_extern_t mem = {.kind = WT_EXTERN_MEMORY};
  OK(wt_memory_new(store, &mt, &mem.of.memory));
  OK(wt_linker_define(linker, store, "", "m", &mem));
  OK(wt_linker_define(linker, store, "other", "m", &mem));
  wt_instance_t tables = instance_of(linker, engine, store,
                                     "(module (table (export \"\") 1 funcref))");
  wt_extern_t tab;
  OK(wt_instance_export(store, &tables, "", &tab));
  cr_assert_eq(tab.kind, WT_EXTERN_TABLE);
  OK(wt_linker_define(linker, store, "", "t", &tab));
  wt_module_t *m = compile(engine, "(module (import \"\" \"f\" (func))"
                                   " (import \"\" \"g\" (global i32))"
                                   " (import \"\" \"t\" (table 1 funcref))"
                                   " (import \"\" \"m\" (memory 1)))");
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  wt_module_delete(m);
  /* Both names give the one memory: a byte the host writes is read by wasm
   * that imports it under the other name, and the reverse. */
  uint8_t b = 42;
  OK(wt_memory_write(store, &mem.of.memory, 7, &b, 1));
  wt_instance_t reader = instance_of(
      linker, engine, store,
      "(module (import \"other\" \"m\" (memory 1))"
      " (func (export \"load\") (param i32) (result i32)"
      "   (i32.load8_u (local.get 0)))"
      " (func (export \"store\") (param i32 i32)"
      "   (i32.store8 (local.get 0) (local.get 1))))");
  wt_val_t arg = i32v(7), res;
  OK(wt_instance_call(store, &reader, "load", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, 42);
  wt_val_t args[2] = {i32v(9), i32v(5)};
  OK(wt_instance_call(store, &reader, "store", args, 2, NULL, 0));
  wt_extern_t via_empty;
  OK(wt_linker_get(linker, store, "", "m", &via_empty));
  cr_assert_eq(via_empty.kind, WT_EXTERN_MEMORY);
  OK(wt_memory_read(store, &via_empty.of.memory, 9, &b, 1));
  cr_assert_eq(b, 5);
  /* Empty module and field names are names like any other. */
  OK(wt_linker_define_func(linker, "", "", "-> i32", answer, (void *)6, NULL));
  wt_instance_t blank = instance_of(
      linker, engine, store,
      "(module (import \"\" \"\" (func $e (result i32)))"
      " (func (export \"run\") (result i32) (call $e)))");
  OK(wt_instance_call(store, &blank, "run", NULL, 0, &res, 1));
  cr_assert_eq(res.of.i32, 6);
  OK(wt_linker_define_instance(linker, store, "x", &tables));
  EXPECT_ERROR(wt_linker_define_instance(linker, store, "x", &tables),
               WT_ERROR_LINK, "x::");
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(linker, shadowing_turned_off_again_rejects_duplicates) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  OK(wt_linker_define_func(linker, "a", "f", "-> i32", answer, (void *)1,
                           NULL));
  wt_error_delete(EXPECT_KIND(wt_linker_define_func(linker, "a", "f", "-> i32",
                                                    answer, (void *)2, NULL),
                              WT_ERROR_LINK));
  OK(wt_linker_set_allow_shadowing(linker, true));
  OK(wt_linker_define_func(linker, "a", "f", "-> i32", answer, (void *)3,
                           NULL));
  OK(wt_linker_set_allow_shadowing(linker, false));
  wt_error_delete(EXPECT_KIND(wt_linker_define_func(linker, "a", "f", "-> i32",
                                                    answer, (void *)4, NULL),
                              WT_ERROR_LINK));
  /* The refused definition changed nothing. */
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  cr_assert_eq(run_with(linker, engine, store), 3);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

/* What the host functions below saw, one entry per call. */
typedef struct seen {
  int calls;
  void *data[8];
} seen_t;

static wt_error_t *note_data(void *env, wt_caller_t *caller,
                             const wt_val_t *args, size_t nargs,
                             wt_val_t *results, size_t nresults) {
  seen_t *s = env;
  if (s->calls < 8)
    s->data[s->calls] = wt_store_data(wt_caller_store(caller));
  s->calls++;
  return NULL;
}

static wt_error_t *request_id(void *env, wt_caller_t *caller,
                              const wt_val_t *args, size_t nargs,
                              wt_val_t *results, size_t nresults) {
  const int *id = wt_store_data(wt_caller_store(caller));
  results[0].of.i32 = id ? *id : -1;
  return NULL;
}

Test(linker, one_definition_serves_many_stores_with_their_own_data) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  seen_t first = {0}, second = {0};
  OK(wt_linker_define_func(linker, "host", "note", "", note_data, &first,
                           NULL));
  OK(wt_linker_define_func(linker, "host", "id", "-> i32", request_id, NULL,
                           NULL));
  wt_module_t *m = compile(engine,
                           "(module (import \"host\" \"note\" (func $note))"
                           " (import \"host\" \"id\" (func $id (result i32)))"
                           " (func $s (call $note)) (start $s)"
                           " (func (export \"id\") (result i32) (call $id)))");
  /* Four stores with their own data and one without. */
  int ids[4] = {101, 202, 303, 404};
  enum { N = 5 };
  wt_store_t *stores[N];
  wt_instance_t insts[N];
  for (int i = 0; i < N; i++) {
    void *data = i < 4 ? (void *)&ids[i] : NULL;
    OK(wt_store_new(engine, data, NULL, &stores[i]));
    OK(wt_linker_instantiate(linker, stores[i], m, &insts[i]));
    cr_assert_eq(first.calls, i + 1, "one call per instantiation");
    cr_assert_eq(first.data[i], data, "call %d saw another store's data", i);
  }
  /* Called in another order, each store still answers with its own data. */
  for (int i = N - 1; i >= 0; i--) {
    wt_val_t res;
    OK(wt_instance_call(stores[i], &insts[i], "id", NULL, 0, &res, 1));
    cr_assert_eq(res.of.i32, i < 4 ? ids[i] : -1);
  }
  /* A shadowing definition runs instead for later instantiations. */
  OK(wt_linker_set_allow_shadowing(linker, true));
  const wt_functype_t *ft;
  OK(wt_functype_parse(engine, "", &ft));
  OK(wt_linker_define_functype(linker, "host", "note", ft, note_data, &second,
                               NULL));
  wt_instance_t again;
  OK(wt_linker_instantiate(linker, stores[1], m, &again));
  cr_assert_eq(first.calls, N);
  cr_assert_eq(second.calls, 1);
  cr_assert_eq(second.data[0], (void *)&ids[1]);
  for (int i = 0; i < N; i++)
    wt_store_delete(stores[i]);
  wt_module_delete(m);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(linker, mismatched_import_message_names_the_mismatched_import) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  OK(wt_linker_set_allow_shadowing(linker, true));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_globaltype_t mut_i32 = {WT_VAL_I32, true}, const_i32 = {.kind = WT_VAL_I32},
                  mut_i64 = {WT_VAL_I64, true};
  wt_val_t z32 = i32v(0), z64 = i64v(0), nullf = {.kind = WT_VAL_FUNCREF},
           nulle = {.kind = WT_VAL_EXTERNREF};
  wt_extern_t g_mut = {.kind = WT_EXTERN_GLOBAL},
              g_const = {.kind = WT_EXTERN_GLOBAL},
              g_i64 = {.kind = WT_EXTERN_GLOBAL};
  OK(wt_global_new(store, &mut_i32, &z32, &g_mut.of.global));
  OK(wt_global_new(store, &const_i32, &z32, &g_const.of.global));
  OK(wt_global_new(store, &mut_i64, &z64, &g_i64.of.global));
  wt_tabletype_t funcs_t = {.elem = WT_VAL_FUNCREF, .min = 10},
                 externs_t = {.elem = WT_VAL_EXTERNREF, .min = 10},
                 small_t = {.elem = WT_VAL_EXTERNREF, .min = 1};
  wt_extern_t funcs = {.kind = WT_EXTERN_TABLE},
              externs = {.kind = WT_EXTERN_TABLE},
              small = {.kind = WT_EXTERN_TABLE};
  OK(wt_table_new(store, &funcs_t, &nullf, &funcs.of.table));
  OK(wt_table_new(store, &externs_t, &nulle, &externs.of.table));
  OK(wt_table_new(store, &small_t, &nulle, &small.of.table));
  wt_module_t *m = compile(engine, "(module"
                                   " (import \"\" \"g_mut\" (global (mut i32)))"
                                   " (import \"\" \"g_const\" (global i32))"
                                   " (import \"\" \"funcs\" (table 10 funcref))"
                                   " (import \"\" \"externs\""
                                   "   (table 10 externref)))");
  struct {
    const char *name;
    const wt_extern_t *right, *wrong;
    const char *needle;
  } cases[] = {
      /* an i64 global for an i32 one */
      {"g_mut", &g_mut, &g_i64, "incompatible import type for `::g_mut`"},
      /* immutable for mutable, and mutable for immutable */
      {"g_mut", &g_mut, &g_const, "incompatible import type for `::g_mut`"},
      {"g_const", &g_const, &g_mut, "incompatible import type for `::g_const`"},
      /* an externref table for a funcref one */
      {"funcs", &funcs, &externs, "incompatible import type for `::funcs`"},
      /* a table smaller than the import's minimum */
      {"externs", &externs, &small, "incompatible import type for `::externs`"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    OK(wt_linker_define(linker, store, "", cases[i].name, cases[i].right));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    OK(wt_linker_define(linker, store, "", cases[i].name, cases[i].wrong));
    EXPECT_ERROR(wt_linker_instantiate(linker, store, m, &inst), WT_ERROR_LINK,
                 cases[i].needle);
    OK(wt_linker_define(linker, store, "", cases[i].name, cases[i].right));
  }
  OK(wt_linker_instantiate(linker, store, m, &inst));
  wt_module_delete(m);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(linker, duplicate_definition_is_link_error) {
  fx_t fx;
  fx_setup(&fx, NULL);
  OK(wt_linker_define_func(fx.linker, "m", "f", "", nothing, NULL, NULL));
  wt_error_delete(EXPECT_KIND(
      wt_linker_define_func(fx.linker, "m", "f", "", nothing, NULL, NULL),
      WT_ERROR_LINK));
  fx_teardown(&fx);
}

static const char *hello_wat =
    "(module (import \"host\" \"hello\" (func $h (param i32)))"
    " (func (export \"run\") (param i32) (call $h (local.get 0))))";

Test(linker, missing_or_mismatched_import_is_link_error) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_module_t *m = compile(fx.engine, hello_wat);
  wt_instance_t inst;
  EXPECT_ERROR(wt_linker_instantiate(fx.linker, fx.store, m, &inst),
               WT_ERROR_LINK, "hello");
  OK(wt_linker_define_func(fx.linker, "host", "hello", "i64", nothing, NULL,
                           NULL));
  EXPECT_ERROR(wt_linker_instantiate(fx.linker, fx.store, m, &inst),
               WT_ERROR_LINK, "hello");
  wt_module_delete(m);
  fx_teardown(&fx);
}
