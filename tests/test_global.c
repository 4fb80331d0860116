/* wt_global_t: get, set, types, and the misuse cases of setting. */
#include <math.h>
#include <stdio.h>
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
  cr_assert_eq(val.kind, WT_VAL_I32);
  cr_assert_eq(val.of.i32, 7);
  OK(wt_global_get(store, &v, &val));
  cr_assert_eq(val.kind, WT_VAL_I64);
  cr_assert_eq(val.of.i64, -1);
  OK(wt_global_get(store, &f, &val));
  cr_assert_eq(val.kind, WT_VAL_F32);
  cr_assert_float_eq(val.of.f32, 1.5f, 0);
  OK(wt_global_get(store, &d, &val));
  cr_assert_float_eq(val.of.f64, 2.25, 0);
  wt_globaltype_t gt;
  OK(wt_global_type(store, &c, &gt));
  cr_assert_eq(gt.kind, WT_VAL_I32);
  cr_assert_not(gt.is_mutable);
  OK(wt_global_type(store, &v, &gt));
  cr_assert_eq(gt.kind, WT_VAL_I64);
  cr_assert(gt.is_mutable);
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
  cr_assert_eq(val.kind, WT_VAL_FUNCREF);
  cr_assert_eq(val.of.funcref.store_id_, 0, "expected a null funcref");
  wt_func_t get;
  OK(wt_instance_func(store, &inst, "get", &get));
  wt_val_t set = {.kind = WT_VAL_FUNCREF, .of.funcref = get};
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
  wt_val_t fv = {.kind = WT_VAL_FUNCREF, .of.funcref = foreign};
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
  wt_globaltype_t gt = {.kind = WT_VAL_F64, .is_mutable = true};
  wt_val_t init = {.kind = WT_VAL_F64, .of.f64 = 1.25}, v;
  wt_global_t g;
  OK(wt_global_new(store, &gt, &init, &g));
  OK(wt_global_get(store, &g, &v));
  cr_assert_float_eq(v.of.f64, 1.25, 0);
  init.of.f64 = -3;
  OK(wt_global_set(store, &g, &init));
  OK(wt_global_get(store, &g, &v));
  cr_assert_float_eq(v.of.f64, -3, 0);
  wt_globaltype_t vt = {.kind = WT_VAL_V128};
  wt_val_t vinit = {.kind = WT_VAL_V128};
  memset(vinit.of.v128, 0xab, 16);
  OK(wt_global_new(store, &vt, &vinit, &g));
  OK(wt_global_get(store, &g, &v));
  cr_assert_eq(v.of.v128[15], 0xab);
  wt_globaltype_t et = {.kind = WT_VAL_EXTERNREF};
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

/* Whether two values have the same kind and the same bits. */
static bool same_val(const wt_val_t *a, const wt_val_t *b) {
  if (a->kind != b->kind)
    return false;
  switch (a->kind) {
  case WT_VAL_I32:
    return a->of.i32 == b->of.i32;
  case WT_VAL_I64:
    return a->of.i64 == b->of.i64;
  case WT_VAL_F32:
    return memcmp(&a->of.f32, &b->of.f32, sizeof(float)) == 0;
  case WT_VAL_F64:
    return memcmp(&a->of.f64, &b->of.f64, sizeof(double)) == 0;
  default:
    return false;
  }
}

struct shared_case {
  wt_valkind_t kind;
  wt_val_t init, fixed, from_host, from_wasm;
};

Test(global, host_global_is_shared_by_host_and_two_instances) {
  const struct shared_case cases[] = {
      {WT_VAL_I32, {.kind = WT_VAL_I32, .of.i32 = 1}, {.kind = WT_VAL_I32, .of.i32 = 40},
       {.kind = WT_VAL_I32, .of.i32 = -7}, {.kind = WT_VAL_I32, .of.i32 = INT32_MAX}},
      {WT_VAL_I64, {.kind = WT_VAL_I64, .of.i64 = 1}, {.kind = WT_VAL_I64, .of.i64 = 40},
       {.kind = WT_VAL_I64, .of.i64 = -(1ll << 40)},
       {.kind = WT_VAL_I64, .of.i64 = INT64_MAX}},
      {WT_VAL_F32, {.kind = WT_VAL_F32, .of.f32 = 1.5f},
       {.kind = WT_VAL_F32, .of.f32 = 40.25f},
       {.kind = WT_VAL_F32, .of.f32 = -7.125f},
       {.kind = WT_VAL_F32, .of.f32 = 3.0e38f}},
      {WT_VAL_F64, {.kind = WT_VAL_F64, .of.f64 = 1.5},
       {.kind = WT_VAL_F64, .of.f64 = 40.25},
       {.kind = WT_VAL_F64, .of.f64 = -7.125},
       {.kind = WT_VAL_F64, .of.f64 = 1e300}},
  };
  wt_engine_t *engine = engine_from(NULL);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const struct shared_case *c = &cases[i];
    const char *t = wt_valkind_name(c->kind);
    char wat[512];
    snprintf(wat, sizeof wat,
             "(module (import \"env\" \"m\" (global $m (mut %s)))"
             " (import \"env\" \"c\" (global $c %s))"
             " (func (export \"get\") (result %s) (global.get $m))"
             " (func (export \"get_c\") (result %s) (global.get $c))"
             " (func (export \"set\") (param %s)"
             "   (global.set $m (local.get 0))))",
             t, t, t, t, t);
    wt_module_t *m = compile(engine, wat);
    wt_store_t *store;
    OK(wt_store_new(engine, NULL, NULL, &store));
    wt_globaltype_t mt = {.kind = c->kind, .is_mutable = true};
    wt_globaltype_t ct = {.kind = c->kind, .is_mutable = false};
    wt_extern_t imports[2] = {{.kind = WT_EXTERN_GLOBAL},
                              {.kind = WT_EXTERN_GLOBAL}};
    OK(wt_global_new(store, &mt, &c->init, &imports[0].of.global));
    OK(wt_global_new(store, &ct, &c->fixed, &imports[1].of.global));
    wt_instance_t a, b;
    OK(wt_instance_new(store, m, imports, 2, &a));
    OK(wt_instance_new(store, m, imports, 2, &b));
    wt_val_t got;
    const wt_instance_t *both[2] = {&a, &b};
    for (int k = 0; k < 2; k++) {
      OK(wt_instance_call(store, both[k], "get", NULL, 0, &got, 1));
      cr_assert(same_val(&got, &c->init), "%s: instance %d missed the init",
                t, k);
      OK(wt_instance_call(store, both[k], "get_c", NULL, 0, &got, 1));
      cr_assert(same_val(&got, &c->fixed), "%s: instance %d missed the "
                "immutable global's value", t, k);
    }
    /* A host set is seen by both instances. */
    OK(wt_global_set(store, &imports[0].of.global, &c->from_host));
    for (int k = 0; k < 2; k++) {
      OK(wt_instance_call(store, both[k], "get", NULL, 0, &got, 1));
      cr_assert(same_val(&got, &c->from_host),
                "%s: instance %d missed the host's set", t, k);
    }
    /* A set by wasm in one instance is seen by the other and by the host. */
    OK(wt_instance_call(store, &a, "set", &c->from_wasm, 1, NULL, 0));
    OK(wt_instance_call(store, &b, "get", NULL, 0, &got, 1));
    cr_assert(same_val(&got, &c->from_wasm),
              "%s: the other instance missed wasm's set", t);
    OK(wt_global_get(store, &imports[0].of.global, &got));
    cr_assert(same_val(&got, &c->from_wasm), "%s: the host missed wasm's set",
              t);
    /* The immutable global kept its value throughout. */
    OK(wt_global_get(store, &imports[1].of.global, &got));
    cr_assert(same_val(&got, &c->fixed), "%s", t);
    wt_store_delete(store);
    wt_module_delete(m);
  }
  wt_engine_delete(engine);
}

Test(global, new_with_null_arguments_or_unknown_kind_is_misuse) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_globaltype_t gt = {.kind = WT_VAL_I32, .is_mutable = true};
  wt_val_t init = i32v(1);
  wt_global_t g = {0};
  EXPECT_ERROR(wt_global_new(store, NULL, &init, &g), WT_ERROR_MISUSE,
               "type, init or out is NULL");
  EXPECT_ERROR(wt_global_new(store, &gt, NULL, &g), WT_ERROR_MISUSE,
               "type, init or out is NULL");
  EXPECT_ERROR(wt_global_new(store, &gt, &init, NULL), WT_ERROR_MISUSE,
               "type, init or out is NULL");
  /* 255 is no value kind, whether or not the init claims the same kind. */
  wt_globaltype_t bad = {.kind = 255, .is_mutable = true};
  EXPECT_ERROR(wt_global_new(store, &bad, &init, &g), WT_ERROR_MISUSE,
               "wt_global_new: type kind 255 is not a value kind");
  wt_val_t bad_init = {.kind = 255};
  EXPECT_ERROR(wt_global_new(store, &bad, &bad_init, &g), WT_ERROR_MISUSE,
               "wt_global_new: type kind 255 is not a value kind");
  EXPECT_ERROR(wt_global_new(store, &gt, &bad_init, &g), WT_ERROR_MISUSE,
               "expected i32");
  cr_assert_eq(g.store_id_, 0, "a failed wt_global_new wrote its out");
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(global, unknown_export_is_not_found) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, globals_wat, &store);
  wt_global_t g;
  memset(&g, 0x5a, sizeof g);
  wt_global_t before = g;
  EXPECT_ERROR(wt_instance_global(store, &inst, "no_such_global", &g),
               WT_ERROR_NOT_FOUND, "wt_instance_global");
  EXPECT_ERROR(wt_instance_global(store, &inst, "no_such_global", &g),
               WT_ERROR_NOT_FOUND, "\"no_such_global\"");
  cr_assert(memcmp(&g, &before, sizeof g) == 0,
            "a failed lookup wrote its out");
  wt_store_delete(store);
  wt_engine_delete(engine);
}
