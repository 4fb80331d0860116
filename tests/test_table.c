/* wt_table_t: create, type, size, get, set, grow, and their misuse. */
#include <stdio.h>
#include <string.h>

#include "helpers.h"

static const char *table_wat =
    "(module (table (export \"t\") 2 5 funcref)"
    " (func $one (result i32) (i32.const 1))"
    " (elem (i32.const 0) $one)"
    " (type $r (func (result i32)))"
    " (func (export \"call\") (param i32) (result i32)"
    "   (call_indirect (type $r) (local.get 0))))";

Test(table, exported_table_type_get_set_grow) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, table_wat, &store);
  wt_table_t t;
  OK(wt_instance_table(store, &inst, "t", &t));
  wt_tabletype_t tt;
  OK(wt_table_type(store, &t, &tt));
  cr_assert_eq(tt.elem, WT_VAL_FUNCREF);
  cr_assert_eq(tt.min, 2);
  cr_assert(tt.has_max);
  cr_assert_eq(tt.max, 5);
  uint64_t size;
  OK(wt_table_size(store, &t, &size));
  cr_assert_eq(size, 2);
  wt_val_t v;
  OK(wt_table_get(store, &t, 0, &v));
  cr_assert_eq(v.kind, WT_VAL_FUNCREF);
  cr_assert_neq(v.of.funcref.store_id_, 0);
  wt_val_t res;
  OK(wt_func_call(store, &v.of.funcref, NULL, 0, &res, 1));
  cr_assert_eq(res.of.i32, 1);
  OK(wt_table_get(store, &t, 1, &v));
  cr_assert_eq(v.of.funcref.store_id_, 0, "element 1 should be null");
  /* Put element 0 into slot 1: wasm's call_indirect then reaches it. */
  OK(wt_table_get(store, &t, 0, &v));
  OK(wt_table_set(store, &t, 1, &v));
  wt_val_t idx = i32v(1);
  OK(wt_instance_call(store, &inst, "call", &idx, 1, &res, 1));
  cr_assert_eq(res.of.i32, 1);
  uint64_t old;
  OK(wt_table_grow(store, &t, 3, &v, &old));
  cr_assert_eq(old, 2);
  OK(wt_table_size(store, &t, &size));
  cr_assert_eq(size, 5);
  idx = i32v(4);
  OK(wt_instance_call(store, &inst, "call", &idx, 1, &res, 1));
  cr_assert_eq(res.of.i32, 1);
  /* Past the maximum: an error, the table unchanged. */
  wt_error_t *err = wt_table_grow(store, &t, 1, &v, &old);
  cr_assert_not_null(err);
  wt_error_delete(err);
  OK(wt_table_size(store, &t, &size));
  cr_assert_eq(size, 5);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(table, out_of_range_and_wrong_values_are_misuse) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store, *other;
  wt_instance_t inst = instantiate(engine, table_wat, &store);
  wt_instance_t inst2 = instantiate(engine, table_wat, &other);
  wt_table_t t;
  OK(wt_instance_table(store, &inst, "t", &t));
  wt_val_t v;
  EXPECT_ERROR(wt_table_get(store, &t, 2, &v), WT_ERROR_MISUSE,
               "out of bounds");
  EXPECT_ERROR(wt_table_get(store, &t, UINT64_MAX, &v), WT_ERROR_MISUSE,
               "out of bounds");
  wt_val_t null = {.kind = WT_VAL_FUNCREF};
  EXPECT_ERROR(wt_table_set(store, &t, 2, &null), WT_ERROR_MISUSE,
               "out of bounds");
  wt_val_t num = i32v(1);
  EXPECT_ERROR(wt_table_set(store, &t, 0, &num), WT_ERROR_MISUSE,
               "i32, expected funcref");
  wt_func_t foreign;
  OK(wt_instance_func(other, &inst2, "call", &foreign));
  wt_val_t fv = {.kind = WT_VAL_FUNCREF, .of.funcref = foreign};
  EXPECT_ERROR(wt_table_set(store, &t, 0, &fv), WT_ERROR_MISUSE,
               "another store");
  EXPECT_ERROR(wt_table_size(other, &t, &(uint64_t){0}), WT_ERROR_MISUSE,
               "another store");
  EXPECT_ERROR(wt_table_grow(store, &t, 1, NULL, NULL), WT_ERROR_MISUSE,
               "NULL");
  /* A table type whose element kind is no value kind at all. */
  wt_tabletype_t bad = {.elem = 255, .min = 1};
  wt_val_t bad_init = {.kind = 255};
  wt_table_t made = {0};
  EXPECT_ERROR(wt_table_new(store, &bad, &bad_init, &made), WT_ERROR_MISUSE,
               "wt_table_new: element kind 255 is not a value kind");
  EXPECT_ERROR(wt_table_new(store, &bad, &null, &made), WT_ERROR_MISUSE,
               "wt_table_new: element kind 255 is not a value kind");
  cr_assert_eq(made.store_id_, 0, "a failed wt_table_new wrote its out");
  wt_store_delete(other);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(table, new_tables_of_funcref_and_externref) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_tabletype_t tt = {.elem = WT_VAL_EXTERNREF, .min = 3};
  wt_val_t init;
  OK(wt_externref_new(store, (void *)0x1234, NULL, &init));
  wt_table_t t;
  OK(wt_table_new(store, &tt, &init, &t));
  wt_val_t v;
  OK(wt_table_get(store, &t, 2, &v));
  void *data;
  OK(wt_externref_data(store, &v, &data));
  cr_assert_eq(data, (void *)0x1234);
  wt_tabletype_t back;
  OK(wt_table_type(store, &t, &back));
  cr_assert_eq(back.elem, WT_VAL_EXTERNREF);
  cr_assert_eq(back.min, 3);
  cr_assert_not(back.has_max);
  wt_val_t fnull = {.kind = WT_VAL_FUNCREF};
  EXPECT_ERROR(wt_table_new(store, &tt, &fnull, &t), WT_ERROR_MISUSE,
               "init is funcref");
  wt_tabletype_t bad = {.elem = WT_VAL_FUNCREF, .min = 4, .has_max = true,
                        .max = 2};
  EXPECT_ERROR(wt_table_new(store, &bad, &fnull, &t), WT_ERROR_MISUSE,
               "limits");
  wt_tabletype_t t64 = {.elem = WT_VAL_FUNCREF, .min = 1, .is64 = true};
  EXPECT_ERROR(wt_table_new(store, &t64, &fnull, &t), WT_ERROR_MISUSE,
               "a 64-bit table cannot be made by the host");
  wt_store_delete(store);
  wt_engine_delete(engine);
}

/* Returns 42 and counts its calls in *env. */
static wt_error_t *counted(void *env, wt_caller_t *caller, const wt_val_t *args,
                           size_t nargs, wt_val_t *results, size_t nresults) {
  (*(int *)env)++;
  results[0].of.i32 = 42;
  return NULL;
}

/* Returns the number it was made with. */
static wt_error_t *numbered(void *env, wt_caller_t *caller,
                            const wt_val_t *args, size_t nargs,
                            wt_val_t *results, size_t nresults) {
  results[0].of.i32 = (int32_t)(intptr_t)env;
  return NULL;
}

static wt_error_t *call_at(wt_store_t *store, const wt_instance_t *inst,
                           int32_t index, int32_t *out) {
  wt_val_t idx = i32v(index), res;
  wt_error_t *err = wt_instance_call(store, inst, "call", &idx, 1, &res, 1);
  if (!err)
    *out = res.of.i32;
  return err;
}

static void expect_null_call_trap(wt_store_t *store, const wt_instance_t *inst,
                                  int32_t index) {
  int32_t r;
  wt_error_t *err = EXPECT_KIND(call_at(store, inst, index, &r), WT_ERROR_TRAP);
  wt_trap_code_t code;
  cr_assert(wt_error_trap_code(err, &code));
  cr_assert_eq(code, WT_TRAP_INDIRECT_CALL_TO_NULL, "slot %d: trap %d (%s)",
               index, code, wt_error_message(err));
  wt_error_delete(err);
}

Test(table, new_funcref_table_filled_with_a_function) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  const wt_functype_t *ft;
  OK(wt_functype_parse(engine, "-> i32", &ft));
  int calls = 0;
  wt_val_t init = {.kind = WT_VAL_FUNCREF};
  OK(wt_func_new(store, ft, counted, &calls, NULL, &init.of.funcref));
  wt_tabletype_t tt = {.elem = WT_VAL_FUNCREF, .min = 3};
  wt_table_t t;
  OK(wt_table_new(store, &tt, &init, &t));
  cr_assert_eq(calls, 0, "filling a table called the function");
  uint64_t size;
  OK(wt_table_size(store, &t, &size));
  cr_assert_eq(size, 3);
  for (uint64_t i = 0; i < size; i++) {
    wt_val_t v, res;
    OK(wt_table_get(store, &t, i, &v));
    cr_assert_eq(v.kind, WT_VAL_FUNCREF);
    cr_assert_neq(v.of.funcref.store_id_, 0, "slot %llu is null",
                  (unsigned long long)i);
    cr_assert_eq(wt_func_type(store, &v.of.funcref), ft);
    OK(wt_func_call(store, &v.of.funcref, NULL, 0, &res, 1));
    cr_assert_eq(res.of.i32, 42);
    cr_assert_eq(calls, (int)i + 1);
  }
  /* Wasm importing the table reaches the same function. */
  wt_module_t *m = compile(
      engine, "(module (import \"h\" \"t\" (table 3 funcref))"
              " (type $r (func (result i32)))"
              " (func (export \"call\") (param i32) (result i32)"
              "   (call_indirect (type $r) (local.get 0))))");
  wt_extern_t imp = {.kind = WT_EXTERN_TABLE, .of.table = t};
  wt_instance_t inst;
  OK(wt_instance_new(store, m, &imp, 1, &inst));
  int32_t r;
  OK(call_at(store, &inst, 2, &r));
  cr_assert_eq(r, 42);
  cr_assert_eq(calls, 4);
  wt_module_delete(m);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(table, grow_with_init_of_wrong_kind_is_misuse) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_tabletype_t tt = {.elem = WT_VAL_FUNCREF, .min = 1, .has_max = true, .max = 2};
  wt_val_t fnull = {.kind = WT_VAL_FUNCREF};
  wt_table_t t;
  OK(wt_table_new(store, &tt, &fnull, &t));
  uint64_t size, old = 99;
  OK(wt_table_size(store, &t, &size));
  cr_assert_eq(size, 1);
  wt_val_t ext;
  OK(wt_externref_new(store, (void *)1, NULL, &ext));
  EXPECT_ERROR(wt_table_grow(store, &t, 1, &ext, &old), WT_ERROR_MISUSE,
               "value 0 is externref, expected funcref");
  wt_val_t num = i32v(0);
  EXPECT_ERROR(wt_table_grow(store, &t, 1, &num, &old), WT_ERROR_MISUSE,
               "value 0 is i32, expected funcref");
  cr_assert_eq(old, 99, "a refused grow wrote old_size");
  OK(wt_table_size(store, &t, &size));
  cr_assert_eq(size, 1, "a refused grow changed the table");
  OK(wt_table_grow(store, &t, 1, &fnull, &old));
  cr_assert_eq(old, 1);
  OK(wt_table_size(store, &t, &size));
  cr_assert_eq(size, 2);
  wt_error_delete(
      EXPECT_KIND(wt_table_grow(store, &t, 1, &fnull, &old), WT_ERROR_WASMTIME));
  OK(wt_table_size(store, &t, &size));
  cr_assert_eq(size, 2);
  /* The other way round: a funcref init for an externref table. */
  wt_tabletype_t et = {.elem = WT_VAL_EXTERNREF, .min = 1};
  wt_table_t e;
  OK(wt_table_new(store, &et, &ext, &e));
  EXPECT_ERROR(wt_table_grow(store, &e, 1, &fnull, &old), WT_ERROR_MISUSE,
               "value 0 is funcref, expected externref");
  OK(wt_table_size(store, &e, &size));
  cr_assert_eq(size, 1);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(table, exported_table_imported_by_another_instance) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t a = instantiate(
      engine,
      "(module (table $t (export \"t\") 2 funcref)"
      " (func $five (result i32) (i32.const 5))"
      " (elem declare func $five)"
      " (func (export \"install\") (param i32)"
      "   (table.set $t (local.get 0) (ref.func $five))))",
      &store);
  wt_module_t *mb = compile(
      engine, "(module (import \"a\" \"t\" (table 2 funcref))"
              " (type $r (func (result i32)))"
              " (func (export \"call\") (param i32) (result i32)"
              "   (call_indirect (type $r) (local.get 0))))");
  wt_extern_t t;
  OK(wt_instance_export(store, &a, "t", &t));
  cr_assert_eq(t.kind, WT_EXTERN_TABLE);
  wt_instance_t b;
  OK(wt_instance_new(store, mb, &t, 1, &b));
  expect_null_call_trap(store, &b, 0);
  /* Set from A's wasm... */
  wt_val_t idx = i32v(0);
  OK(wt_instance_call(store, &a, "install", &idx, 1, NULL, 0));
  int32_t r;
  OK(call_at(store, &b, 0, &r));
  cr_assert_eq(r, 5);
  /* ...and through the handle A exported. */
  const wt_functype_t *ft;
  OK(wt_functype_parse(engine, "-> i32", &ft));
  wt_val_t hf = {.kind = WT_VAL_FUNCREF};
  OK(wt_func_new(store, ft, numbered, (void *)(intptr_t)9, NULL,
                 &hf.of.funcref));
  OK(wt_table_set(store, &t.of.table, 1, &hf));
  OK(call_at(store, &b, 1, &r));
  cr_assert_eq(r, 9);
  /* It is one table, not a copy: a growth through A is reached by B. */
  uint64_t old;
  OK(wt_table_grow(store, &t.of.table, 1, &hf, &old));
  cr_assert_eq(old, 2);
  OK(call_at(store, &b, 2, &r));
  cr_assert_eq(r, 9);
  wt_module_delete(mb);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

static const char *call_table_wat =
    "(module (import \"h\" \"t\" (table 1 3 funcref))"
    " (type $r (func (result i32)))"
    " (func (export \"call\") (param i32) (result i32)"
    "   (call_indirect (type $r) (local.get 0))))";

Test(table, host_function_in_table_and_grow_with_null_or_function) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_tabletype_t tt = {.elem = WT_VAL_FUNCREF, .min = 1, .has_max = true, .max = 3};
  wt_val_t fnull = {.kind = WT_VAL_FUNCREF}, v;
  wt_table_t t;
  OK(wt_table_new(store, &tt, &fnull, &t));
  uint64_t size;
  OK(wt_table_size(store, &t, &size));
  cr_assert_eq(size, 1);
  OK(wt_table_get(store, &t, 0, &v));
  cr_assert_eq(v.kind, WT_VAL_FUNCREF);
  cr_assert_eq(v.of.funcref.store_id_, 0, "a new slot should be null");
  EXPECT_ERROR(wt_table_get(store, &t, 1, &v), WT_ERROR_MISUSE,
               "index 1 is out of bounds of a table of 1");
  const wt_functype_t *ft;
  OK(wt_functype_parse(engine, "-> i32", &ft));
  int calls = 0;
  wt_val_t hf = {.kind = WT_VAL_FUNCREF};
  OK(wt_func_new(store, ft, counted, &calls, NULL, &hf.of.funcref));
  OK(wt_table_set(store, &t, 0, &fnull));
  OK(wt_table_set(store, &t, 0, &hf));
  EXPECT_ERROR(wt_table_set(store, &t, 1, &hf), WT_ERROR_MISUSE,
               "index 1 is out of bounds of a table of 1");
  OK(wt_table_get(store, &t, 0, &v));
  cr_assert_neq(v.of.funcref.store_id_, 0);
  cr_assert_eq(wt_func_type(store, &v.of.funcref), ft);
  wt_module_t *m = compile(engine, call_table_wat);
  wt_extern_t imp = {.kind = WT_EXTERN_TABLE, .of.table = t};
  wt_instance_t inst;
  OK(wt_instance_new(store, m, &imp, 1, &inst));
  cr_assert_eq(calls, 0);
  int32_t r;
  OK(call_at(store, &inst, 0, &r));
  cr_assert_eq(r, 42);
  cr_assert_eq(calls, 1);
  /* Growing with a null init gives null slots. */
  uint64_t old;
  OK(wt_table_grow(store, &t, 1, &fnull, &old));
  cr_assert_eq(old, 1);
  OK(wt_table_get(store, &t, 1, &v));
  cr_assert_eq(v.kind, WT_VAL_FUNCREF);
  cr_assert_eq(v.of.funcref.store_id_, 0, "a slot grown with null is not");
  expect_null_call_trap(store, &inst, 1);
  /* Growing with a function fills the slot, without calling it. */
  OK(wt_table_grow(store, &t, 1, &hf, &old));
  cr_assert_eq(old, 2);
  cr_assert_eq(calls, 1);
  OK(wt_table_get(store, &t, 2, &v));
  cr_assert_eq(wt_func_type(store, &v.of.funcref), ft);
  OK(call_at(store, &inst, 2, &r));
  cr_assert_eq(r, 42);
  cr_assert_eq(calls, 2);
  wt_module_delete(m);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

#define NSLOTS 10

/* Records, at its index, the data of the externref wasm hands over. */
static wt_error_t *record_ref(void *env, wt_caller_t *caller,
                              const wt_val_t *args, size_t nargs,
                              wt_val_t *results, size_t nresults) {
  void **seen = env;
  int32_t i = args[0].of.i32;
  if (i < 0 || i >= NSLOTS)
    return wt_error_new("index out of range");
  if (args[1].of.ref.store_id_ == 0) {
    seen[i] = (void *)-1; /* a null reference */
    return NULL;
  }
  return wt_externref_data(wt_caller_store(caller), &args[1], &seen[i]);
}

Test(table, imported_host_tables_of_funcref_and_externref) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  void *seen[NSLOTS] = {0};
  OK(wt_linker_define_func(linker, "h", "record", "i32 externref",
                           record_ref, seen, NULL));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_tabletype_t ft_t = {.elem = WT_VAL_FUNCREF, .min = NSLOTS};
  wt_tabletype_t et_t = {.elem = WT_VAL_EXTERNREF, .min = NSLOTS};
  wt_val_t fnull = {.kind = WT_VAL_FUNCREF}, enull = {.kind = WT_VAL_EXTERNREF};
  wt_extern_t funcs = {.kind = WT_EXTERN_TABLE},
              refs = {.kind = WT_EXTERN_TABLE};
  OK(wt_table_new(store, &ft_t, &fnull, &funcs.of.table));
  OK(wt_table_new(store, &et_t, &enull, &refs.of.table));
  OK(wt_linker_define(linker, store, "h", "funcs", &funcs));
  OK(wt_linker_define(linker, store, "h", "refs", &refs));
  wt_module_t *m = compile(
      engine,
      "(module (import \"h\" \"funcs\" (table $f 10 funcref))"
      " (import \"h\" \"refs\" (table $e 10 externref))"
      " (import \"h\" \"record\" (func $record (param i32 externref)))"
      " (type $r (func (result i32)))"
      " (func (export \"call\") (param i32) (result i32)"
      "   (call_indirect $f (type $r) (local.get 0)))"
      " (func (export \"func_is_null\") (param i32) (result i32)"
      "   (ref.is_null (table.get $f (local.get 0))))"
      " (func (export \"extern_is_null\") (param i32) (result i32)"
      "   (ref.is_null (table.get $e (local.get 0))))"
      " (func (export \"pass\") (param i32)"
      "   (call $record (local.get 0) (table.get $e (local.get 0)))))");
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  const wt_functype_t *ft;
  OK(wt_functype_parse(engine, "-> i32", &ft));
  int data[NSLOTS];
  wt_val_t r;
  for (int32_t i = 0; i < NSLOTS; i++) {
    wt_val_t idx = i32v(i);
    OK(wt_instance_call(store, &inst, "func_is_null", &idx, 1, &r, 1));
    cr_assert_eq(r.of.i32, 1, "funcref slot %d", i);
    OK(wt_instance_call(store, &inst, "extern_is_null", &idx, 1, &r, 1));
    cr_assert_eq(r.of.i32, 1, "externref slot %d", i);
    wt_val_t f = {.kind = WT_VAL_FUNCREF}, e;
    OK(wt_func_new(store, ft, numbered, (void *)(intptr_t)(100 + i), NULL,
                   &f.of.funcref));
    OK(wt_table_set(store, &funcs.of.table, (uint64_t)i, &f));
    OK(wt_externref_new(store, &data[i], NULL, &e));
    OK(wt_table_set(store, &refs.of.table, (uint64_t)i, &e));
    wt_ref_release(store, &e);
  }
  for (int32_t i = 0; i < NSLOTS; i++) {
    wt_val_t idx = i32v(i);
    int32_t got;
    OK(call_at(store, &inst, i, &got));
    cr_assert_eq(got, 100 + i, "slot %d reached the wrong function", i);
    OK(wt_instance_call(store, &inst, "func_is_null", &idx, 1, &r, 1));
    cr_assert_eq(r.of.i32, 0);
    OK(wt_instance_call(store, &inst, "extern_is_null", &idx, 1, &r, 1));
    cr_assert_eq(r.of.i32, 0);
    OK(wt_instance_call(store, &inst, "pass", &idx, 1, NULL, 0));
    cr_assert_eq(seen[i], &data[i], "slot %d handed the wrong externref", i);
  }
  /* Back to null: wasm sees nulls again. */
  for (int32_t i = 0; i < NSLOTS; i++) {
    OK(wt_table_set(store, &funcs.of.table, (uint64_t)i, &fnull));
    OK(wt_table_set(store, &refs.of.table, (uint64_t)i, &enull));
  }
  for (int32_t i = 0; i < NSLOTS; i++) {
    wt_val_t idx = i32v(i);
    OK(wt_instance_call(store, &inst, "func_is_null", &idx, 1, &r, 1));
    cr_assert_eq(r.of.i32, 1, "funcref slot %d", i);
    OK(wt_instance_call(store, &inst, "extern_is_null", &idx, 1, &r, 1));
    cr_assert_eq(r.of.i32, 1, "externref slot %d", i);
    OK(wt_instance_call(store, &inst, "pass", &idx, 1, NULL, 0));
    cr_assert_eq(seen[i], (void *)-1, "slot %d: host got a non-null ref", i);
    expect_null_call_trap(store, &inst, i);
  }
  wt_module_delete(m);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(table, grow_from_wasm_is_seen_by_the_host) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_tabletype_t ftt = {.elem = WT_VAL_FUNCREF, .min = 10, .has_max = true,
                        .max = 20};
  wt_tabletype_t ett = {.elem = WT_VAL_EXTERNREF, .min = 10, .has_max = true,
                        .max = 20};
  wt_val_t inits[2] = {{.kind = WT_VAL_FUNCREF}, {.kind = WT_VAL_EXTERNREF}};
  wt_extern_t imports[2] = {{.kind = WT_EXTERN_TABLE},
                            {.kind = WT_EXTERN_TABLE}};
  OK(wt_table_new(store, &ftt, &inits[0], &imports[0].of.table));
  OK(wt_table_new(store, &ett, &inits[1], &imports[1].of.table));
  wt_module_t *m = compile(
      engine,
      "(module (import \"h\" \"f\" (table $f 10 20 funcref))"
      " (import \"h\" \"e\" (table $e 10 20 externref))"
      " (func (export \"grow_f\") (param i32) (result i32)"
      "   (table.grow $f (ref.null func) (local.get 0)))"
      " (func (export \"grow_e\") (param i32) (result i32)"
      "   (table.grow $e (ref.null extern) (local.get 0))))");
  wt_instance_t inst;
  OK(wt_instance_new(store, m, imports, 2, &inst));
  const char *grow[2] = {"grow_f", "grow_e"};
  for (int k = 0; k < 2; k++) {
    const wt_table_t *t = &imports[k].of.table;
    wt_val_t n = i32v(5), r;
    uint64_t size, old;
    OK(wt_instance_call(store, &inst, grow[k], &n, 1, &r, 1));
    cr_assert_eq(r.of.i32, 10, "%s", grow[k]);
    OK(wt_table_size(store, t, &size));
    cr_assert_eq(size, 15, "%s: the host missed wasm's growth", grow[k]);
    OK(wt_table_grow(store, t, 3, &inits[k], &old));
    cr_assert_eq(old, 15);
    OK(wt_table_size(store, t, &size));
    cr_assert_eq(size, 18);
    /* Past the maximum from either side: refused, the table unchanged. */
    n = i32v(3);
    OK(wt_instance_call(store, &inst, grow[k], &n, 1, &r, 1));
    cr_assert_eq(r.of.i32, -1, "%s past the maximum", grow[k]);
    old = 99;
    uint64_t delta = 3;
    wt_error_t *err = EXPECT_KIND(
        wt_table_grow(store, t, delta, &inits[k], &old), WT_ERROR_WASMTIME);
    /* Wasmtime's message, kept intact after the function's name, names the
     * refused growth. */
    char by[64];
    snprintf(by, sizeof by, "wt_table_grow: failed to grow table by `%llu`",
             (unsigned long long)delta);
    cr_assert(strstr(wt_error_message(err), by) != NULL, "\"%s\" lacks \"%s\"",
              wt_error_message(err), by);
    wt_error_delete(err);
    cr_assert_eq(old, 99);
    OK(wt_table_size(store, t, &size));
    cr_assert_eq(size, 18);
    n = i32v(2);
    OK(wt_instance_call(store, &inst, grow[k], &n, 1, &r, 1));
    cr_assert_eq(r.of.i32, 18, "%s up to the maximum", grow[k]);
    OK(wt_table_size(store, t, &size));
    cr_assert_eq(size, 20);
  }
  wt_module_delete(m);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(table, unknown_export_is_not_found) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, table_wat, &store);
  wt_table_t t;
  memset(&t, 0x5a, sizeof t);
  wt_table_t before = t;
  EXPECT_ERROR(wt_instance_table(store, &inst, "no_such_table", &t),
               WT_ERROR_NOT_FOUND, "wt_instance_table");
  EXPECT_ERROR(wt_instance_table(store, &inst, "no_such_table", &t),
               WT_ERROR_NOT_FOUND, "\"no_such_table\"");
  cr_assert(memcmp(&t, &before, sizeof t) == 0,
            "a failed lookup wrote its out");
  wt_store_delete(store);
  wt_engine_delete(engine);
}
