/* wt_global_t: get, set, types, and the misuse cases of setting. */
#include <math.h>
#include <string.h>

#include "helpers.h"

static const char *globals_wat =
    "(module"
    " (global (export \"c\") i32 (i32.const 7))"
    " (global $v (export \"v\") (mut i64) (i64.const -1))"
    " (global (export \"f\") (mut f32) (f32.const 1.5))"
    " (global (export \"d\") (mut f64) (f64.const 2.25))"
    " (global (export \"fr\") (mut funcref) (ref.null func))"
    " (func $get (export \"get\") (result i64) (global.get $v)))";

Test(global, read_types_and_values) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, globals_wat, &store);
  wt_global_t c, v, f, d;
  OK(wt_instance_global(store, &inst, "c", &c));
  OK(wt_instance_global(store, &inst, "v", &v));
  OK(wt_instance_global(store, &inst, "f", &f));
  OK(wt_instance_global(store, &inst, "d", &d));
  wt_val_t val;
  OK(wt_global_get(store, &c, &val));
  cr_assert_eq(val.kind, WT_I32);
  cr_assert_eq(val.of.i32, 7);
  OK(wt_global_get(store, &v, &val));
  cr_assert_eq(val.kind, WT_I64);
  cr_assert_eq(val.of.i64, -1);
  OK(wt_global_get(store, &f, &val));
  cr_assert_eq(val.kind, WT_F32);
  cr_assert_float_eq(val.of.f32, 1.5f, 0);
  OK(wt_global_get(store, &d, &val));
  cr_assert_float_eq(val.of.f64, 2.25, 0);
  wt_valkind_t kind;
  bool mut;
  OK(wt_global_type(store, &c, &kind, &mut));
  cr_assert_eq(kind, WT_I32);
  cr_assert_not(mut);
  OK(wt_global_type(store, &v, &kind, &mut));
  cr_assert_eq(kind, WT_I64);
  cr_assert(mut);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(global, set_is_seen_by_wasm) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, globals_wat, &store);
  wt_global_t v;
  OK(wt_instance_global(store, &inst, "v", &v));
  wt_val_t nv = i64v(1234567890123ll), res;
  OK(wt_global_set(store, &v, &nv));
  OK(wt_instance_call(store, &inst, "get", NULL, 0, &res, 1));
  cr_assert_eq(res.of.i64, 1234567890123ll);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(global, funcref_global_round_trip) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, globals_wat, &store);
  wt_global_t fr;
  OK(wt_instance_global(store, &inst, "fr", &fr));
  wt_val_t val;
  OK(wt_global_get(store, &fr, &val));
  cr_assert_eq(val.kind, WT_FUNCREF);
  cr_assert_eq(val.of.funcref.store_id_, 0, "expected a null funcref");
  wt_func_t get;
  OK(wt_instance_func(store, &inst, "get", &get));
  wt_val_t set = {.kind = WT_FUNCREF, .of.funcref = get};
  OK(wt_global_set(store, &fr, &set));
  OK(wt_global_get(store, &fr, &val));
  wt_val_t res;
  OK(wt_func_call(store, &val.of.funcref, NULL, 0, &res, 1));
  cr_assert_eq(res.of.i64, -1);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(global, immutable_wrong_type_and_foreign_values_are_misuse) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store, *other;
  wt_instance_t inst = instantiate(engine, globals_wat, &store);
  wt_instance_t inst2 = instantiate(engine, globals_wat, &other);
  wt_global_t c, v, fr;
  OK(wt_instance_global(store, &inst, "c", &c));
  OK(wt_instance_global(store, &inst, "v", &v));
  OK(wt_instance_global(store, &inst, "fr", &fr));
  wt_val_t x = i32v(1);
  EXPECT_ERROR(wt_global_set(store, &c, &x), WT_ERROR_MISUSE, "immutable");
  EXPECT_ERROR(wt_global_set(store, &v, &x), WT_ERROR_MISUSE,
               "value 0 is i32, expected i64");
  wt_func_t foreign;
  OK(wt_instance_func(other, &inst2, "get", &foreign));
  wt_val_t fv = {.kind = WT_FUNCREF, .of.funcref = foreign};
  EXPECT_ERROR(wt_global_set(store, &fr, &fv), WT_ERROR_MISUSE,
               "another store");
  EXPECT_ERROR(wt_global_get(other, &v, &x), WT_ERROR_MISUSE, "another store");
  EXPECT_ERROR(wt_global_set(store, &v, NULL), WT_ERROR_MISUSE, "NULL");
  EXPECT_ERROR(wt_instance_global(store, &inst, "get", &v), WT_ERROR_MISUSE,
               "not a global");
  /* Nothing changed. */
  OK(wt_global_get(store, &c, &x));
  cr_assert_eq(x.of.i32, 7);
  wt_store_delete(other);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(global, new_globals_of_each_kind) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_globaltype_t gt = {.kind = WT_F64, .mutable_ = true};
  wt_val_t init = {.kind = WT_F64, .of.f64 = 1.25}, v;
  wt_global_t g;
  OK(wt_global_new(store, &gt, &init, &g));
  OK(wt_global_get(store, &g, &v));
  cr_assert_float_eq(v.of.f64, 1.25, 0);
  init.of.f64 = -3;
  OK(wt_global_set(store, &g, &init));
  OK(wt_global_get(store, &g, &v));
  cr_assert_float_eq(v.of.f64, -3, 0);
  wt_globaltype_t vt = {.kind = WT_V128};
  wt_val_t vinit = {.kind = WT_V128};
  memset(vinit.of.v128, 0xab, 16);
  OK(wt_global_new(store, &vt, &vinit, &g));
  OK(wt_global_get(store, &g, &v));
  cr_assert_eq(v.of.v128[15], 0xab);
  wt_globaltype_t et = {.kind = WT_EXTERNREF};
  wt_val_t ref;
  OK(wt_externref_new(store, (void *)9, NULL, &ref));
  OK(wt_global_new(store, &et, &ref, &g));
  OK(wt_global_get(store, &g, &v));
  void *data;
  OK(wt_externref_data(store, &v, &data));
  cr_assert_eq(data, (void *)9);
  wt_val_t wrong = i32v(1);
  EXPECT_ERROR(wt_global_new(store, &gt, &wrong, &g), WT_ERROR_MISUSE,
               "init 0 is i32, expected f64");
  wt_store_delete(store);
  wt_engine_delete(engine);
}
