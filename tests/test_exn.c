/* Exceptions across the host boundary: exceptions made by the host and
 * caught by wasm, host functions that throw and rethrow, uncaught
 * exceptions as WT_ERROR_EXCEPTION errors carrying the exnref, and every
 * misuse. */
#include <string.h>

#include "helpers.h"

static const char *exn_wat =
    "(module"
    " (import \"host\" \"tag\" (tag $t (param i32 i64)))"
    " (import \"host\" \"throw\" (func $throw (param i32)))"
    " (import \"host\" \"nested\" (func $nested))"
    " (import \"host\" \"raw_throw\" (func $raw_throw (param i32)))"
    " (tag $other (export \"other\") (param f64))"
    " (func (export \"catch_host\") (param i32) (result i32 i64)"
    "   (block $h (result i32 i64)"
    "     (try_table (catch $t $h) (call $throw (local.get 0)))"
    "     (i32.const -1) (i64.const -1)))"
    " (func (export \"catch_raw\") (param i32) (result i32 i64)"
    "   (block $h (result i32 i64)"
    "     (try_table (catch $t $h) (call $raw_throw (local.get 0)))"
    "     (i32.const -1) (i64.const -1)))"
    " (func (export \"call_host\") (param i32) (call $throw (local.get 0)))"
    " (func (export \"catch_ref\") (param exnref) (result i32 i64)"
    "   (block $h (result i32 i64)"
    "     (try_table (catch $t $h) (throw_ref (local.get 0)))"
    "     (unreachable)))"
    " (func (export \"throw\") (param i32 i64)"
    "   (throw $t (local.get 0) (local.get 1)))"
    " (func (export \"throw_other\") (param f64)"
    "   (throw $other (local.get 0)))"
    " (func (export \"rethrow_ref\") (param exnref) (throw_ref (local.get 0)))"
    " (func (export \"catch_nested\") (result i32 i64)"
    "   (block $h (result i32 i64)"
    "     (try_table (catch $t $h) (call $nested))"
    "     (unreachable)))"
    " (func (export \"catch_all_ref\") (result exnref)"
    "   (block $h (result exnref)"
    "     (try_table (catch_all_ref $h)"
    "       (throw $t (i32.const 5) (i64.const 6)))"
    "     (unreachable)))"
    " (func (export \"add\") (param i32 i32) (result i32)"
    "   (i32.add (local.get 0) (local.get 1))))";

typedef struct exn_fx {
  fx_t fx;
  wt_tag_t tag;
  wt_instance_t inst;
} exn_fx;

/* host.throw(i32): throws tag(x, 10 * x), made by the host. */
static wt_error_t *host_throw(void *env, wt_caller_t *caller,
                              const wt_val_t *args, size_t nargs,
                              wt_val_t *results, size_t nresults) {
  exn_fx *e = env;
  wt_store_t *store = wt_caller_store(caller);
  wt_val_t fields[] = {args[0], i64v(10 * (int64_t)args[0].of.i32)}, exn;
  wt_error_t *err = wt_exn_new(store, &e->tag, fields, 2, &exn);
  if (err)
    return err;
  err = wt_exn_throw(store, &exn);
  wt_ref_release(store, &exn); /* the error holds its own */
  return err;
}

/* host.raw_throw(i32), a raw host function: throws tag(x, -x). */
static wt_error_t *host_raw_throw(void *env, wt_caller_t *caller,
                                  wt_raw_t *vals, size_t nargs,
                                  size_t nresults) {
  exn_fx *e = env;
  wt_store_t *store = wt_caller_store(caller);
  wt_val_t fields[] = {i32v(vals[0].i32), i64v(-(int64_t)vals[0].i32)}, exn;
  wt_error_t *err = wt_exn_new(store, &e->tag, fields, 2, &exn);
  return err ? err : wt_exn_throw(store, &exn);
}

/* host.nested(): calls the instance's throw(1, 2), which nothing catches
 * there, checks what it got and rethrows it by returning the error. */
static wt_error_t *host_nested(void *env, wt_caller_t *caller,
                               const wt_val_t *args, size_t nargs,
                               wt_val_t *results, size_t nresults) {
  exn_fx *e = env;
  wt_store_t *store = wt_caller_store(caller);
  wt_extern_t f;
  wt_error_t *err = wt_caller_export(caller, "throw", &f);
  if (err)
    return err;
  wt_val_t a[] = {i32v(1), i64v(2)};
  err = wt_func_call(store, &f.of.func, a, 2, NULL, 0);
  if (wt_error_kind(err) != WT_ERROR_EXCEPTION)
    return err ? err : wt_error_new("no exception");
  wt_val_t exn;
  wt_tag_t t;
  wt_error_t *e2 = wt_error_exception(err, store, &exn);
  if (!e2)
    e2 = wt_exn_tag(store, &exn, &t);
  if (e2) {
    wt_error_delete(err);
    return e2;
  }
  if (!wt_tag_eq(store, &t, &e->tag)) {
    wt_error_delete(err);
    return wt_error_new("wrong tag");
  }
  wt_ref_release(store, &exn);
  return err;
}

static void exn_setup(exn_fx *e, wt_config_t *config) {
  fx_setup(&e->fx, config);
  const wt_functype_t *ft;
  OK(wt_functype_parse(e->fx.engine, "i32 i64", &ft));
  OK(wt_tag_new(e->fx.store, ft, &e->tag));
  wt_extern_t item = {.kind = WT_EXTERN_TAG, .of.tag = e->tag};
  OK(wt_linker_define(e->fx.linker, e->fx.store, "host", "tag", &item));
  OK(wt_linker_define_func(e->fx.linker, "host", "throw", "i32", host_throw,
                           e, NULL));
  OK(wt_linker_define_func(e->fx.linker, "host", "nested", "", host_nested,
                           e, NULL));
  OK(wt_linker_define_func_raw(e->fx.linker, "host", "raw_throw", "i32",
                               host_raw_throw, e, NULL));
  e->inst = fx_instantiate(&e->fx, exn_wat);
}

/* Checks that `exn` is tag(x, y) of `e`. */
static void expect_exn(exn_fx *e, const wt_val_t *exn, int32_t x, int64_t y) {
  wt_store_t *store = e->fx.store;
  cr_assert_eq(exn->kind, WT_VAL_EXNREF);
  wt_tag_t t;
  OK(wt_exn_tag(store, exn, &t));
  cr_assert(wt_tag_eq(store, &t, &e->tag));
  size_t n;
  OK(wt_exn_field_count(store, exn, &n));
  cr_assert_eq(n, 2);
  wt_val_t v;
  OK(wt_exn_field(store, exn, 0, &v));
  cr_assert_eq(v.kind, WT_VAL_I32);
  cr_assert_eq(v.of.i32, x);
  OK(wt_exn_field(store, exn, 1, &v));
  cr_assert_eq(v.kind, WT_VAL_I64);
  cr_assert_eq(v.of.i64, y);
}

/* Checks that `err` is an uncaught exception tag(x, y), and deletes it. */
static void expect_uncaught(exn_fx *e, wt_error_t *err, int32_t x,
                            int64_t y) {
  cr_assert_not_null(err);
  cr_assert_eq(wt_error_kind(err), WT_ERROR_EXCEPTION, "%s: %s",
               wt_error_kind_name(wt_error_kind(err)), wt_error_message(err));
  wt_trap_code_t code;
  cr_assert(wt_error_trap_code(err, &code));
  cr_assert_eq(code, WT_TRAP_UNCAUGHT_EXCEPTION);
  wt_val_t exn;
  OK(wt_error_exception(err, e->fx.store, &exn));
  wt_error_delete(err);
  expect_exn(e, &exn, x, y); /* the store's hold outlives the error */
  wt_ref_release(e->fx.store, &exn);
}

/* The store works normally after an exception. */
static void expect_store_clean(exn_fx *e) {
  wt_val_t a[] = {i32v(2), i32v(3)}, r;
  OK(wt_instance_call(e->fx.store, &e->inst, "add", a, 2, &r, 1));
  cr_assert_eq(r.of.i32, 5);
  wt_val_t x = i32v(4), rr[2];
  OK(wt_instance_call(e->fx.store, &e->inst, "catch_host", &x, 1, rr, 2));
  cr_assert_eq(rr[0].of.i32, 4);
}

Test(exn, host_made_exception_is_caught_by_wasm) {
  exn_fx e;
  exn_setup(&e, NULL);
  wt_val_t fields[] = {i32v(42), i64v(-7)}, exn;
  OK(wt_exn_new(e.fx.store, &e.tag, fields, 2, &exn));
  expect_exn(&e, &exn, 42, -7);
  wt_val_t r[2];
  OK(wt_instance_call(e.fx.store, &e.inst, "catch_ref", &exn, 1, r, 2));
  cr_assert_eq(r[0].of.i32, 42);
  cr_assert_eq(r[1].of.i64, -7);
  /* passed back through wasm's throw_ref uncaught, it is the same
   * exception */
  wt_error_t *err =
      wt_instance_call(e.fx.store, &e.inst, "rethrow_ref", &exn, 1, NULL, 0);
  expect_uncaught(&e, err, 42, -7);
  expect_store_clean(&e);
  fx_teardown(&e.fx);
}

Test(exn, host_function_throws_and_wasm_catches) {
  exn_fx e;
  exn_setup(&e, NULL);
  wt_val_t x = i32v(9), r[2];
  OK(wt_instance_call(e.fx.store, &e.inst, "catch_host", &x, 1, r, 2));
  cr_assert_eq(r[0].of.i32, 9);
  cr_assert_eq(r[1].of.i64, 90);
  /* a raw host function likewise */
  OK(wt_instance_call(e.fx.store, &e.inst, "catch_raw", &x, 1, r, 2));
  cr_assert_eq(r[0].of.i32, 9);
  cr_assert_eq(r[1].of.i64, -9);
  /* uncaught, the host's exception reaches the caller */
  wt_error_t *err =
      wt_instance_call(e.fx.store, &e.inst, "call_host", &x, 1, NULL, 0);
  expect_uncaught(&e, err, 9, 90);
  expect_store_clean(&e);
  fx_teardown(&e.fx);
}

Test(exn, uncaught_wasm_exception_is_an_error_with_the_exnref) {
  exn_fx e;
  exn_setup(&e, NULL);
  wt_val_t a[] = {i32v(7), i64v(8)};
  wt_error_t *err =
      wt_instance_call(e.fx.store, &e.inst, "throw", a, 2, NULL, 0);
  cr_assert_str_eq(wt_error_kind_name(wt_error_kind(err)), "exception");
  cr_assert(strstr(wt_error_message(err), "thrown Wasm exception") != NULL,
            "%s", wt_error_message(err));
  cr_assert_geq(wt_error_frame_count(err), 1);
  /* each wt_error_exception gives a new hold on the one exception */
  wt_val_t x1, x2;
  OK(wt_error_exception(err, e.fx.store, &x1));
  OK(wt_error_exception(err, e.fx.store, &x2));
  cr_assert_neq(x1.of.ref.slot_, x2.of.ref.slot_);
  wt_ref_release(e.fx.store, &x1);
  expect_exn(&e, &x2, 7, 8);
  expect_uncaught(&e, err, 7, 8);
  expect_store_clean(&e);
  /* the exception survives a collection while the store holds it */
  err = wt_instance_call(e.fx.store, &e.inst, "throw", a, 2, NULL, 0);
  wt_val_t held;
  OK(wt_error_exception(err, e.fx.store, &held));
  wt_error_delete(err);
  OK(wt_store_gc(e.fx.store));
  expect_exn(&e, &held, 7, 8);
  /* an exception of a tag wasm defined */
  wt_val_t f = {.kind = WT_VAL_F64, .of.f64 = 2.5};
  err = wt_instance_call(e.fx.store, &e.inst, "throw_other", &f, 1, NULL, 0);
  wt_val_t o, v;
  OK(wt_error_exception(err, e.fx.store, &o));
  wt_error_delete(err);
  wt_tag_t t, other;
  OK(wt_exn_tag(e.fx.store, &o, &t));
  OK(wt_instance_tag(e.fx.store, &e.inst, "other", &other));
  cr_assert(wt_tag_eq(e.fx.store, &t, &other));
  cr_assert_not(wt_tag_eq(e.fx.store, &t, &e.tag));
  OK(wt_exn_field(e.fx.store, &o, 0, &v));
  cr_assert_eq(v.of.f64, 2.5);
  fx_teardown(&e.fx);
}

Test(exn, every_call_path_reports_the_exception) {
  exn_fx e;
  exn_setup(&e, NULL);
  wt_func_t f;
  OK(wt_instance_func(e.fx.store, &e.inst, "throw", &f));
  wt_val_t a[] = {i32v(1), i64v(2)};
  expect_uncaught(&e, wt_func_call(e.fx.store, &f, a, 2, NULL, 0), 1, 2);
  wt_typed_func_t tf;
  OK(wt_func_typed(e.fx.store, &f, "i32 i64 ->", &tf));
  wt_raw_t raw[2] = {{.i32 = 3}, {.i64 = 4}};
  expect_uncaught(&e, wt_func_call_typed(e.fx.store, &tf, raw), 3, 4);
  expect_store_clean(&e);
  /* a start function that throws fails instantiation with it */
  wt_module_t *m = compile(
      e.fx.engine, "(module (import \"host\" \"tag\" (tag $t (param i32 i64)))"
                   " (func $s (throw $t (i32.const 11) (i64.const 12)))"
                   " (start $s))");
  wt_instance_t inst;
  expect_uncaught(&e, wt_linker_instantiate(e.fx.linker, e.fx.store, m, &inst),
                  11, 12);
  wt_module_delete(m);
  expect_store_clean(&e);
  fx_teardown(&e.fx);
}

Test(exn, host_rethrows_an_exception_from_a_nested_call) {
  exn_fx e;
  exn_setup(&e, NULL);
  wt_val_t r[2];
  OK(wt_instance_call(e.fx.store, &e.inst, "catch_nested", NULL, 0, r, 2));
  cr_assert_eq(r[0].of.i32, 1);
  cr_assert_eq(r[1].of.i64, 2);
  expect_store_clean(&e);
  fx_teardown(&e.fx);
}

Test(exn, exnref_from_catch_all_ref_and_throw_ref) {
  exn_fx e;
  exn_setup(&e, NULL);
  wt_val_t exn;
  OK(wt_instance_call(e.fx.store, &e.inst, "catch_all_ref", NULL, 0, &exn,
                      1));
  expect_exn(&e, &exn, 5, 6);
  wt_val_t r[2];
  OK(wt_instance_call(e.fx.store, &e.inst, "catch_ref", &exn, 1, r, 2));
  cr_assert_eq(r[0].of.i32, 5);
  cr_assert_eq(r[1].of.i64, 6);
  /* another instance importing the tag catches it too */
  wt_instance_t second = fx_instantiate(
      &e.fx, "(module (import \"host\" \"tag\" (tag $t (param i32 i64)))"
             " (func (export \"read\") (param exnref) (result i32 i64)"
             "   (block $h (result i32 i64)"
             "     (try_table (catch $t $h) (throw_ref (local.get 0)))"
             "     (unreachable))))");
  r[0] = r[1] = i32v(0);
  OK(wt_instance_call(e.fx.store, &second, "read", &exn, 1, r, 2));
  cr_assert_eq(r[0].of.i32, 5);
  cr_assert_eq(r[1].of.i64, 6);
  fx_teardown(&e.fx);
}

Test(exn, misuse) {
  exn_fx e;
  exn_setup(&e, NULL);
  wt_store_t *s = e.fx.store;
  wt_val_t f2[] = {i32v(1), i64v(2)}, bad[] = {i32v(1), i32v(2)}, exn, v;
  EXPECT_ERROR(wt_exn_new(s, &e.tag, f2, 1, &exn), WT_ERROR_MISUSE,
               "got 1 field for a tag of type (func (param i32 i64))");
  EXPECT_ERROR(wt_exn_new(s, &e.tag, bad, 2, &exn), WT_ERROR_MISUSE,
               "field 1 is i32, expected i64, for a tag of type");
  EXPECT_ERROR(wt_exn_new(s, NULL, f2, 2, &exn), WT_ERROR_MISUSE,
               "tag is NULL");
  EXPECT_ERROR(wt_exn_new(s, &e.tag, NULL, 2, &exn), WT_ERROR_MISUSE,
               "fields or out is NULL");
  EXPECT_ERROR(wt_exn_new(s, &e.tag, f2, 2, NULL), WT_ERROR_MISUSE,
               "fields or out is NULL");
  OK(wt_exn_new(s, &e.tag, f2, 2, &exn));
  EXPECT_ERROR(wt_exn_field(s, &exn, 2, &v), WT_ERROR_MISUSE,
               "field 2 is out of range: the exception carries 2 values");
  EXPECT_ERROR(wt_exn_field(s, &exn, 0, NULL), WT_ERROR_MISUSE,
               "out is NULL");
  wt_tag_t t;
  size_t n;
  EXPECT_ERROR(wt_exn_tag(s, &exn, NULL), WT_ERROR_MISUSE, "out is NULL");
  EXPECT_ERROR(wt_exn_field_count(s, &exn, NULL), WT_ERROR_MISUSE,
               "count is NULL");
  wt_val_t null = {.kind = WT_VAL_EXNREF}, i32 = i32v(1);
  EXPECT_ERROR(wt_exn_tag(s, &null, &t), WT_ERROR_MISUSE,
               "the exnref is null");
  EXPECT_ERROR(wt_exn_field_count(s, &i32, &n), WT_ERROR_MISUSE,
               "value is i32, not exnref");
  EXPECT_ERROR(wt_exn_tag(s, NULL, &t), WT_ERROR_MISUSE, "exn is NULL");
  EXPECT_ERROR(wt_exn_throw(s, &null), WT_ERROR_MISUSE, "the exnref is null");
  EXPECT_ERROR(wt_exn_throw(s, NULL), WT_ERROR_MISUSE, "exn is NULL");
  /* released */
  wt_val_t stale = exn;
  wt_ref_release(s, &exn);
  EXPECT_ERROR(wt_exn_tag(s, &stale, &t), WT_ERROR_MISUSE,
               "exnref was released");
  EXPECT_ERROR(wt_exn_field(s, &stale, 0, &v), WT_ERROR_MISUSE,
               "exnref was released");
  EXPECT_ERROR(wt_exn_field_count(s, &stale, &n), WT_ERROR_MISUSE,
               "exnref was released");
  EXPECT_ERROR(wt_exn_throw(s, &stale), WT_ERROR_MISUSE,
               "exnref was released");
  wt_val_t r[2];
  EXPECT_ERROR(wt_instance_call(s, &e.inst, "catch_ref", &stale, 1, r, 2),
               WT_ERROR_MISUSE, "exnref was released");
  /* errors that are no exception */
  wt_error_t *plain = wt_error_new("plain");
  EXPECT_ERROR(wt_error_exception(plain, s, &v), WT_ERROR_MISUSE,
               "the error is host, not an uncaught exception");
  wt_error_delete(plain);
  EXPECT_ERROR(wt_error_exception(NULL, s, &v), WT_ERROR_MISUSE,
               "the error is NULL or deleted, not an uncaught exception");
  wt_val_t a[] = {i32v(1), i64v(2)};
  wt_error_t *err = wt_instance_call(s, &e.inst, "throw", a, 2, NULL, 0);
  EXPECT_ERROR(wt_error_exception(err, s, NULL), WT_ERROR_MISUSE,
               "out is NULL");
  wt_error_delete(err);
  fx_teardown(&e.fx);
}

Test(exn, exceptions_of_another_store_are_misuse) {
  exn_fx e, o;
  exn_setup(&e, NULL);
  fx_setup(&o.fx, NULL);
  const wt_functype_t *ft;
  OK(wt_functype_parse(o.fx.engine, "i32 i64", &ft));
  OK(wt_tag_new(o.fx.store, ft, &o.tag));
  wt_val_t f2[] = {i32v(1), i64v(2)}, exn, v;
  /* a tag of another store */
  EXPECT_ERROR(wt_exn_new(e.fx.store, &o.tag, f2, 2, &exn), WT_ERROR_MISUSE,
               "tag belongs to another store");
  OK(wt_exn_new(o.fx.store, &o.tag, f2, 2, &exn));
  wt_tag_t t;
  EXPECT_ERROR(wt_exn_tag(e.fx.store, &exn, &t), WT_ERROR_MISUSE,
               "exnref belongs to another store");
  EXPECT_ERROR(wt_exn_field(e.fx.store, &exn, 0, &v), WT_ERROR_MISUSE,
               "exnref belongs to another store");
  EXPECT_ERROR(wt_exn_throw(e.fx.store, &exn), WT_ERROR_MISUSE,
               "exnref belongs to another store");
  wt_val_t r[2];
  EXPECT_ERROR(wt_instance_call(e.fx.store, &e.inst, "catch_ref", &exn, 1,
                                r, 2),
               WT_ERROR_MISUSE, "exnref belongs to another store");
  /* an exception field of another store */
  const wt_functype_t *xt;
  wt_valkind_t xk = WT_VAL_EXNREF;
  OK(wt_functype_new(e.fx.engine, &xk, 1, NULL, 0, &xt));
  wt_tag_t xtag;
  OK(wt_tag_new(e.fx.store, xt, &xtag));
  EXPECT_ERROR(wt_exn_new(e.fx.store, &xtag, &exn, 1, &v), WT_ERROR_MISUSE,
               "field 0: exnref belongs to another store");
  /* the error of another store's exception */
  wt_error_t *err = wt_exn_throw(o.fx.store, &exn);
  cr_assert_eq(wt_error_kind(err), WT_ERROR_EXCEPTION);
  EXPECT_ERROR(wt_error_exception(err, e.fx.store, &v), WT_ERROR_MISUSE,
               "the exception belongs to another store");
  OK(wt_error_exception(err, o.fx.store, &v));
  wt_error_delete(err);
  fx_teardown(&o.fx);
  fx_teardown(&e.fx);
}

/* A host function of one store returning an exception of another. */
static wt_store_t *foreign_store;
static wt_val_t foreign_exn;
static wt_error_t *throw_foreign(void *env, wt_caller_t *caller,
                                 const wt_val_t *args, size_t nargs,
                                 wt_val_t *results, size_t nresults) {
  return wt_exn_throw(foreign_store, &foreign_exn);
}

Test(exn, a_host_function_cannot_throw_another_stores_exception) {
  fx_t a, b;
  fx_setup(&a, NULL);
  fx_setup(&b, NULL);
  const wt_functype_t *ft;
  OK(wt_functype_parse(b.engine, "i32", &ft));
  wt_tag_t tag;
  OK(wt_tag_new(b.store, ft, &tag));
  wt_val_t one = i32v(1);
  OK(wt_exn_new(b.store, &tag, &one, 1, &foreign_exn));
  foreign_store = b.store;
  OK(wt_linker_define_func(a.linker, "host", "f", "", throw_foreign, NULL,
                           NULL));
  wt_instance_t inst = fx_instantiate(
      &a, "(module (import \"host\" \"f\" (func $f))"
          " (func (export \"run\") (block $h"
          "   (try_table (catch_all $h) (call $f)))))");
  EXPECT_ERROR(wt_instance_call(a.store, &inst, "run", NULL, 0, NULL, 0),
               WT_ERROR_MISUSE,
               "host function: it returned an exception of another store");
  fx_teardown(&a);
  fx_teardown(&b);
}

Test(exn, an_engine_without_exceptions_is_a_clear_error) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_wasm_exceptions(c, false));
  fx_t fx;
  fx_setup(&fx, c);
  const wt_functype_t *ft;
  OK(wt_functype_parse(fx.engine, "i32", &ft));
  wt_tag_t tag;
  wt_error_t *err = wt_tag_new(fx.store, ft, &tag);
  if (!err) {
    wt_val_t one = i32v(1), exn;
    EXPECT_ERROR(wt_exn_new(fx.store, &tag, &one, 1, &exn), WT_ERROR_CONFIG,
                 "wt_exn_new: the engine has no exceptions");
  }
  wt_error_delete(err);
  fx_teardown(&fx);
}
