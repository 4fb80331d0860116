/* wt_table_t: create, type, size, get, set, grow, and their misuse. */
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
  cr_assert_eq(tt.elem, WT_FUNCREF);
  cr_assert_eq(tt.min, 2);
  cr_assert(tt.has_max);
  cr_assert_eq(tt.max, 5);
  uint64_t size;
  OK(wt_table_size(store, &t, &size));
  cr_assert_eq(size, 2);
  wt_val_t v;
  OK(wt_table_get(store, &t, 0, &v));
  cr_assert_eq(v.kind, WT_FUNCREF);
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
  wt_val_t null = {.kind = WT_FUNCREF};
  EXPECT_ERROR(wt_table_set(store, &t, 2, &null), WT_ERROR_MISUSE,
               "out of bounds");
  wt_val_t num = i32v(1);
  EXPECT_ERROR(wt_table_set(store, &t, 0, &num), WT_ERROR_MISUSE,
               "i32, expected funcref");
  wt_func_t foreign;
  OK(wt_instance_func(other, &inst2, "call", &foreign));
  wt_val_t fv = {.kind = WT_FUNCREF, .of.funcref = foreign};
  EXPECT_ERROR(wt_table_set(store, &t, 0, &fv), WT_ERROR_MISUSE,
               "another store");
  EXPECT_ERROR(wt_table_size(other, &t, &(uint64_t){0}), WT_ERROR_MISUSE,
               "another store");
  EXPECT_ERROR(wt_table_grow(store, &t, 1, NULL, NULL), WT_ERROR_MISUSE,
               "NULL");
  wt_store_delete(other);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(table, new_tables_of_funcref_and_externref) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_tabletype_t tt = {.elem = WT_EXTERNREF, .min = 3};
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
  cr_assert_eq(back.elem, WT_EXTERNREF);
  cr_assert_eq(back.min, 3);
  cr_assert_not(back.has_max);
  wt_val_t fnull = {.kind = WT_FUNCREF};
  EXPECT_ERROR(wt_table_new(store, &tt, &fnull, &t), WT_ERROR_MISUSE,
               "init is funcref");
  wt_tabletype_t bad = {.elem = WT_FUNCREF, .min = 4, .has_max = true,
                        .max = 2};
  EXPECT_ERROR(wt_table_new(store, &bad, &fnull, &t), WT_ERROR_MISUSE,
               "limits");
  wt_store_delete(store);
  wt_engine_delete(engine);
}
