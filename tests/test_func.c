/* Host functions in a store and in a linker, the caller, re-entrancy,
 * multi-value, calls with the wrong number or kinds of values, and the
 * checked path for typed references. */
#include <stdio.h>
#include <string.h>

#include "helpers.h"

/* Reads the caller's memory "mem" at args[0] and returns that byte + store
 * data. */
static wt_error_t *peek(void *env, wt_caller_t *caller, const wt_val_t *args,
                        size_t nargs, wt_val_t *results, size_t nresults) {
  wt_extern_t mem;
  wt_error_t *err = wt_caller_export(caller, "mem", &mem);
  if (err)
    return err;
  if (mem.kind != WT_EXTERN_MEMORY)
    return wt_error_new("mem is not a memory");
  uint8_t b;
  wt_store_t *store = wt_caller_store(caller);
  if ((err = wt_memory_read(store, &mem.of.memory, (uint64_t)args[0].of.i32,
                            &b, 1)))
    return err;
  results[0].of.i32 = b + *(int *)wt_store_data(store);
  return NULL;
}

Test(func, caller_reads_callers_memory_and_store_data) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  OK(wt_linker_define_func(linker, "h", "peek", "i32 -> i32", peek, NULL,
                           NULL));
  wt_module_t *m = compile(
      engine, "(module (import \"h\" \"peek\" (func $p (param i32) (result i32)))"
              " (memory (export \"mem\") 1) (data (i32.const 3) \"\\05\")"
              " (func (export \"run\") (result i32) (call $p (i32.const 3))))");
  int data = 100;
  wt_store_t *store;
  OK(wt_store_new(engine, &data, NULL, &store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  wt_val_t res;
  OK(wt_instance_call(store, &inst, "run", NULL, 0, &res, 1));
  cr_assert_eq(res.of.i32, 105);
  wt_module_delete(m);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

static wt_error_t *no_export(void *env, wt_caller_t *caller,
                             const wt_val_t *args, size_t nargs,
                             wt_val_t *results, size_t nresults) {
  wt_extern_t x;
  return wt_caller_export(caller, "missing", &x);
}

Test(func, caller_missing_export_error_passes_through) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  OK(wt_linker_define_func(linker, "h", "x", "", no_export, NULL, NULL));
  wt_module_t *m = compile(engine, "(module (import \"h\" \"x\" (func $x))"
                                   " (func (export \"run\") (call $x)))");
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  EXPECT_ERROR(wt_instance_call(store, &inst, "run", NULL, 0, NULL, 0),
               WT_ERROR_NOT_FOUND, "missing");
  wt_module_delete(m);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

static wt_error_t *swap(void *env, wt_caller_t *caller, const wt_val_t *args,
                        size_t nargs, wt_val_t *results, size_t nresults) {
  ++*(int *)env;
  results[0] = args[1];
  results[1] = args[0];
  return NULL;
}

static int finalized;
static void count_final(void *env) { finalized++; }

Test(func, func_new_called_directly_and_multi_value) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  const wt_functype_t *ft;
  OK(wt_functype_parse(engine, "i32 f64 -> f64 i32", &ft));
  int calls = 0;
  finalized = 0;
  wt_func_t f;
  OK(wt_func_new(store, ft, swap, &calls, count_final, &f));
  cr_assert_eq(wt_func_type(store, &f), ft);
  wt_val_t args[2] = {i32v(3), {.kind = WT_VAL_F64, .of.f64 = 2.5}}, res[2];
  OK(wt_func_call(store, &f, args, 2, res, 2));
  cr_assert_eq(res[0].kind, WT_VAL_F64);
  cr_assert_float_eq(res[0].of.f64, 2.5, 0);
  cr_assert_eq(res[1].of.i32, 3);
  cr_assert_eq(calls, 1);
  wt_store_delete(store);
  cr_assert_eq(finalized, 1);
  wt_engine_delete(engine);
}

Test(func, func_new_misuse_runs_finalizer) {
  wt_engine_t *engine = engine_from(NULL), *other = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  const wt_functype_t *foreign;
  OK(wt_functype_parse(other, "", &foreign));
  finalized = 0;
  wt_func_t f;
  EXPECT_ERROR(wt_func_new(store, foreign, swap, NULL, count_final, &f),
               WT_ERROR_MISUSE, "another engine");
  EXPECT_ERROR(wt_func_new(store, NULL, swap, NULL, count_final, &f),
               WT_ERROR_MISUSE, "type is NULL");
  cr_assert_eq(finalized, 2);
  cr_assert_null(wt_func_type(store, NULL));
  wt_store_delete(store);
  wt_engine_delete(engine);
  wt_engine_delete(other);
}

/* ---- host functions defined in a linker, called from wasm ---- */

typedef struct {
  int calls;
  int32_t last;
  int finalized;
} counter;

static wt_error_t *record(void *env, wt_caller_t *caller, const wt_val_t *args,
                          size_t nargs, wt_val_t *results, size_t nresults) {
  counter *c = env;
  c->calls++;
  c->last = nargs ? args[0].of.i32 : 0;
  cr_assert_not_null(wt_caller_store(caller));
  return NULL;
}

static void finalize(void *env) { ((counter *)env)->finalized++; }

static const char *hello_wat =
    "(module (import \"host\" \"hello\" (func $h (param i32)))"
    " (func (export \"run\") (param i32) (call $h (local.get 0))))";

Test(func, host_function_called_from_wasm_with_args) {
  fx_t fx;
  fx_setup(&fx, NULL);
  counter c = {0};
  OK(wt_linker_define_func(fx.linker, "host", "hello", "i32", record, &c,
                           finalize));
  wt_instance_t inst = fx_instantiate(&fx, hello_wat);
  wt_val_t arg = i32v(42);
  OK(wt_instance_call(fx.store, &inst, "run", &arg, 1, NULL, 0));
  OK(wt_instance_call(fx.store, &inst, "run", &arg, 1, NULL, 0));
  cr_assert_eq(c.calls, 2);
  cr_assert_eq(c.last, 42);
  wt_store_delete(fx.store);
  fx.store = NULL;
  cr_assert_eq(c.finalized, 0);
  wt_linker_delete(fx.linker);
  fx.linker = NULL;
  cr_assert_eq(c.finalized, 1, "finalizer ran %d times", c.finalized);
  fx_teardown(&fx);
}

static wt_error_t *add_host(void *env, wt_caller_t *caller,
                            const wt_val_t *args, size_t nargs,
                            wt_val_t *results, size_t nresults) {
  cr_assert_eq(nargs, 2);
  cr_assert_eq(nresults, 2);
  cr_assert_eq(results[0].kind, WT_VAL_I64);
  cr_assert_eq(results[1].kind, WT_VAL_F64);
  results[0].of.i64 = args[0].of.i64 + (int64_t)args[1].of.f32;
  results[1].of.f64 = 0.5;
  return NULL;
}

Test(func, host_function_multi_value_and_mixed_types) {
  fx_t fx;
  fx_setup(&fx, NULL);
  OK(wt_linker_define_func(fx.linker, "m", "f", "i64, f32 -> i64, f64",
                           add_host, NULL, NULL));
  wt_instance_t inst = fx_instantiate(
      &fx,
      "(module (import \"m\" \"f\" (func $f (param i64 f32) (result i64 f64)))"
      " (func (export \"g\") (param i64 f32) (result i64 f64)"
      " (call $f (local.get 0) (local.get 1))))");
  wt_val_t args[2] = {i64v(1ll << 40), {.kind = WT_VAL_F32, .of.f32 = 2.0f}};
  wt_val_t res[2];
  OK(wt_instance_call(fx.store, &inst, "g", args, 2, res, 2));
  cr_assert_eq(res[0].kind, WT_VAL_I64);
  cr_assert_eq(res[0].of.i64, (1ll << 40) + 2);
  cr_assert_eq(res[1].kind, WT_VAL_F64);
  cr_assert_float_eq(res[1].of.f64, 0.5, 0);
  fx_teardown(&fx);
}

static wt_error_t *fail_host(void *env, wt_caller_t *caller,
                             const wt_val_t *args, size_t nargs,
                             wt_val_t *results, size_t nresults) {
  return wt_error_new("host says no");
}

static wt_error_t *wrong_result_kind(void *env, wt_caller_t *caller,
                                     const wt_val_t *args, size_t nargs,
                                     wt_val_t *results, size_t nresults) {
  results[0].kind = WT_VAL_I64;
  results[0].of.i64 = 1;
  return NULL;
}

Test(func, host_error_comes_back_intact_and_store_stays_usable) {
  fx_t fx;
  fx_setup(&fx, NULL);
  OK(wt_linker_define_func(fx.linker, "m", "fail", "", fail_host, NULL, NULL));
  OK(wt_linker_define_func(fx.linker, "m", "wrong", "-> i32",
                           wrong_result_kind, NULL, NULL));
  wt_instance_t inst = fx_instantiate(
      &fx, "(module (import \"m\" \"fail\" (func $fail))"
           " (import \"m\" \"wrong\" (func $wrong (result i32)))"
           " (func (export \"f\") (call $fail))"
           " (func (export \"w\") (result i32) (call $wrong))"
           " (func (export \"ok\") (result i32) (i32.const 5)))");
  EXPECT_ERROR(wt_instance_call(fx.store, &inst, "f", NULL, 0, NULL, 0),
               WT_ERROR_HOST, "host says no");
  wt_val_t res;
  EXPECT_ERROR(wt_instance_call(fx.store, &inst, "w", NULL, 0, &res, 1),
               WT_ERROR_MISUSE, "result 0 is i64, expected i32");
  OK(wt_instance_call(fx.store, &inst, "ok", NULL, 0, &res, 1));
  cr_assert_eq(res.of.i32, 5);
  fx_teardown(&fx);
}

Test(func, bad_signature_strings_are_misuse) {
  fx_t fx;
  fx_setup(&fx, NULL);
  counter c = {0};
  const char *bad[] = {"i33", "i32 -> -> i32", "i32 ->i32x", "int"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    EXPECT_ERROR(wt_linker_define_func(fx.linker, "m", "f", bad[i], record,
                                       &c, finalize),
                 WT_ERROR_MISUSE, "bad signature");
  /* The finalizer runs even when defining fails. */
  cr_assert_eq(c.finalized, 4);
  EXPECT_ERROR(wt_linker_define_func(fx.linker, "m", "f", NULL, record, NULL,
                                     NULL),
               WT_ERROR_MISUSE, "signature is NULL");
  EXPECT_ERROR(wt_linker_define_func(fx.linker, "m", "f", "", NULL, NULL,
                                     NULL),
               WT_ERROR_MISUSE, "callback");
  EXPECT_ERROR(wt_linker_define_func(NULL, "m", "f", "", record, NULL, NULL),
               WT_ERROR_MISUSE, "linker");
  EXPECT_ERROR(wt_linker_define_func(fx.linker, "m", "\xc3\x28", "", record,
                                     NULL, NULL),
               WT_ERROR_MISUSE, "UTF-8");
  fx_teardown(&fx);
}

/* ---- calls with the wrong number or kinds of values ---- */

static const char *add_wat =
    "(module (func (export \"add\") (param i32 i32) (result i32)"
    " (i32.add (local.get 0) (local.get 1)))"
    " (memory (export \"mem\") 1))";

Test(func, wrong_arity_and_types_are_misuse_naming_signature) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_instance_t inst = fx_instantiate(&fx, add_wat);
  wt_func_t add;
  OK(wt_instance_func(fx.store, &inst, "add", &add));
  wt_val_t args[2] = {i32v(1), i64v(2)}, res;
  EXPECT_ERROR(wt_func_call(fx.store, &add, args, 1, &res, 1), WT_ERROR_MISUSE,
               "(func (param i32 i32) (result i32))");
  EXPECT_ERROR(wt_func_call(fx.store, &add, args, 2, &res, 0), WT_ERROR_MISUSE,
               "0 results");
  EXPECT_ERROR(wt_func_call(fx.store, &add, args, 2, &res, 1), WT_ERROR_MISUSE,
               "argument 1 is i64, expected i32");
  EXPECT_ERROR(wt_func_call(fx.store, &add, NULL, 2, &res, 1), WT_ERROR_MISUSE,
               "NULL");
  EXPECT_ERROR(wt_func_call(fx.store, NULL, args, 2, &res, 1), WT_ERROR_MISUSE,
               "func is NULL");
  wt_func_t null_func;
  memset(&null_func, 0, sizeof null_func);
  EXPECT_ERROR(wt_func_call(fx.store, &null_func, NULL, 0, NULL, 0),
               WT_ERROR_MISUSE, "null funcref");
  args[1] = i32v(2);
  OK(wt_func_call(fx.store, &add, args, 2, &res, 1));
  cr_assert_eq(res.of.i32, 3);
  fx_teardown(&fx);
}

static wt_error_t *count_calls(void *env, wt_caller_t *caller,
                               const wt_val_t *args, size_t nargs,
                               wt_val_t *results, size_t nresults) {
  ++*(int *)env;
  return NULL;
}

Test(func, extra_arguments_are_misuse_naming_signature) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_instance_t inst = fx_instantiate(
      &fx, "(module (func (export \"add\") (param i32 i32) (result i32)"
           "   (i32.add (local.get 0) (local.get 1)))"
           " (func (export \"none\")))");
  wt_func_t add, none;
  OK(wt_instance_func(fx.store, &inst, "add", &add));
  OK(wt_instance_func(fx.store, &inst, "none", &none));
  wt_val_t args[3] = {i32v(1), i32v(2), i32v(3)}, res;
  EXPECT_ERROR(wt_func_call(fx.store, &add, args, 3, &res, 1),
               WT_ERROR_MISUSE, "wt_func_call: got 3 arguments");
  EXPECT_ERROR(wt_func_call(fx.store, &add, args, 3, &res, 1),
               WT_ERROR_MISUSE, "(func (param i32 i32) (result i32))");
  EXPECT_ERROR(wt_instance_call(fx.store, &inst, "add", args, 3, &res, 1),
               WT_ERROR_MISUSE, "(func (param i32 i32) (result i32))");
  /* One argument for a function that takes none. */
  EXPECT_ERROR(wt_func_call(fx.store, &none, args, 1, NULL, 0),
               WT_ERROR_MISUSE, "for (func)");
  /* A host function is not run when given too many. */
  const wt_functype_t *ft;
  OK(wt_functype_parse(fx.engine, "i32", &ft));
  int calls = 0;
  wt_func_t host;
  OK(wt_func_new(fx.store, ft, count_calls, &calls, NULL, &host));
  EXPECT_ERROR(wt_func_call(fx.store, &host, args, 2, NULL, 0),
               WT_ERROR_MISUSE, "(func (param i32))");
  cr_assert_eq(calls, 0);
  OK(wt_func_call(fx.store, &host, args, 1, NULL, 0));
  cr_assert_eq(calls, 1);
  OK(wt_func_call(fx.store, &add, args, 2, &res, 1));
  cr_assert_eq(res.of.i32, 3);
  fx_teardown(&fx);
}

/* One exported function per parameter kind, each returning 1. */
static const char *param_kinds_wat =
    "(module"
    " (func (export \"i32\") (param i32) (result i32) (i32.const 1))"
    " (func (export \"i64\") (param i64) (result i32) (i32.const 1))"
    " (func (export \"f32\") (param f32) (result i32) (i32.const 1))"
    " (func (export \"f64\") (param f64) (result i32) (i32.const 1))"
    " (func (export \"v128\") (param v128) (result i32) (i32.const 1))"
    " (func (export \"funcref\") (param funcref) (result i32) (i32.const 1))"
    " (func (export \"externref\") (param externref) (result i32)"
    "   (i32.const 1))"
    " (func (export \"pair\") (param i32 f32) (result i32) (i32.const 1)))";

Test(func, every_wrong_value_kind_is_misuse_naming_the_argument) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_store_t *store = fx.store;
  wt_instance_t inst = fx_instantiate(&fx, param_kinds_wat);
  /* A value of each kind; the funcref and externref are real (not null). */
  wt_val_t vals[WT_VAL_EXNREF + 1];
  memset(vals, 0, sizeof vals);
  for (wt_valkind_t k = 0; k <= WT_VAL_EXNREF; k++)
    vals[k].kind = k;
  vals[WT_VAL_I32].of.i32 = 1;
  vals[WT_VAL_I64].of.i64 = 1;
  vals[WT_VAL_F32].of.f32 = 1;
  vals[WT_VAL_F64].of.f64 = 1;
  OK(wt_instance_func(store, &inst, "pair", &vals[WT_VAL_FUNCREF].of.funcref));
  static int payload;
  OK(wt_externref_new(store, &payload, NULL, &vals[WT_VAL_EXTERNREF]));

  wt_func_t f;
  wt_val_t res;
  OK(wt_instance_func(store, &inst, "i32", &f));
  EXPECT_ERROR(wt_func_call(store, &f, &vals[WT_VAL_FUNCREF], 1, &res, 1),
               WT_ERROR_MISUSE, "wt_func_call: argument 0 is funcref");
  EXPECT_ERROR(wt_func_call(store, &f, &vals[WT_VAL_EXTERNREF], 1, &res, 1),
               WT_ERROR_MISUSE, "argument 0 is externref, expected i32");
  OK(wt_instance_func(store, &inst, "f32", &f));
  EXPECT_ERROR(wt_func_call(store, &f, &vals[WT_VAL_FUNCREF], 1, &res, 1),
               WT_ERROR_MISUSE, "argument 0 is funcref, expected f32");
  EXPECT_ERROR(wt_func_call(store, &f, &vals[WT_VAL_I32], 1, &res, 1),
               WT_ERROR_MISUSE, "argument 0 is i32, expected f32");
  OK(wt_instance_func(store, &inst, "i64", &f));
  EXPECT_ERROR(wt_func_call(store, &f, &vals[WT_VAL_I32], 1, &res, 1),
               WT_ERROR_MISUSE, "argument 0 is i32, expected i64");

  /* Every parameter kind against every value kind. */
  for (wt_valkind_t p = WT_VAL_I32; p <= WT_VAL_EXTERNREF; p++) {
    OK(wt_instance_func(store, &inst, wt_valkind_name(p), &f));
    for (wt_valkind_t v = 0; v <= WT_VAL_EXNREF; v++) {
      wt_error_t *err = wt_func_call(store, &f, &vals[v], 1, &res, 1);
      if (v == p) {
        cr_assert_null(err, "%s for %s: %s", wt_valkind_name(v),
                       wt_valkind_name(p), wt_error_message(err));
        cr_assert_eq(res.of.i32, 1);
        continue;
      }
      char want[128];
      snprintf(want, sizeof want,
               "wt_func_call: argument 0 is %s, expected %s, for (func (param "
               "%s) (result i32))",
               wt_valkind_name(v), wt_valkind_name(p), wt_valkind_name(p));
      cr_assert_not_null(err, "%s accepted for %s", wt_valkind_name(v),
                         wt_valkind_name(p));
      cr_assert_eq(wt_error_kind(err), WT_ERROR_MISUSE, "%s",
                   wt_error_message(err));
      cr_assert(strstr(wt_error_message(err), want), "\"%s\" lacks \"%s\"",
                wt_error_message(err), want);
      wt_error_delete(err);
    }
  }
  /* A wrong kind after a right one names its own position. */
  OK(wt_instance_func(store, &inst, "pair", &f));
  wt_val_t two[2] = {vals[WT_VAL_I32], vals[WT_VAL_EXTERNREF]};
  EXPECT_ERROR(wt_func_call(store, &f, two, 2, &res, 1), WT_ERROR_MISUSE,
               "argument 1 is externref, expected f32, for "
               "(func (param i32 f32) (result i32))");
  two[1] = vals[WT_VAL_F32];
  OK(wt_func_call(store, &f, two, 2, &res, 1));
  cr_assert_eq(res.of.i32, 1);
  fx_teardown(&fx);
}

/* Re-entrancy: wasm calls the host, which calls back into wasm. */
typedef struct {
  wt_instance_t inst;
  int depth_seen;
  bool trap_at_bottom; /* make the innermost wasm divide by zero */
} reenter_env;

static wt_error_t *reenter(void *env, wt_caller_t *caller,
                           const wt_val_t *args, size_t nargs,
                           wt_val_t *results, size_t nresults) {
  reenter_env *e = env;
  int32_t n = args[0].of.i32;
  if (n > e->depth_seen)
    e->depth_seen = n;
  wt_val_t arg = i32v(n == 1 && e->trap_at_bottom ? -1 : n - 1), res;
  wt_error_t *err = wt_instance_call(wt_caller_store(caller), &e->inst, "down",
                                     &arg, 1, &res, 1);
  if (err)
    return err;
  results[0].of.i32 = res.of.i32 + 1;
  return NULL;
}

static const char *reenter_wat =
    "(module (import \"h\" \"up\" (func $up (param i32) (result i32)))"
    " (func (export \"down\") (param i32) (result i32)"
    "   (if (result i32) (i32.le_s (local.get 0) (i32.const 0))"
    "     (then (i32.div_s (i32.const 1) (i32.add (local.get 0) (i32.const 1))))"
    "     (else (call $up (local.get 0))))))";

static void reenter_setup(wt_engine_t *engine, reenter_env *env,
                          wt_store_t **store, wt_linker_t **linker) {
  OK(wt_linker_new(engine, linker));
  OK(wt_linker_define_func(*linker, "h", "up", "i32 -> i32", reenter, env,
                           NULL));
  wt_module_t *m = compile(engine, reenter_wat);
  OK(wt_store_new(engine, NULL, NULL, store));
  OK(wt_linker_instantiate(*linker, *store, m, &env->inst));
  wt_module_delete(m);
}

Test(func, reentrant_calls_nest_deeply) {
  wt_engine_t *engine = engine_from(NULL);
  reenter_env env = {0};
  wt_store_t *store;
  wt_linker_t *linker;
  reenter_setup(engine, &env, &store, &linker);
  /* 60 wasm-host-wasm levels: deep, and within the default wasm stack even
   * with the larger host frames of sanitizer builds. */
  wt_val_t arg = i32v(60), res;
  OK(wt_instance_call(store, &env.inst, "down", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, 61); /* 1/(0+1) = 1 at the bottom, +1 per level */
  cr_assert_eq(env.depth_seen, 60);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(func, trap_deep_inside_reentrant_calls_comes_out_as_trap) {
  wt_engine_t *engine = engine_from(NULL);
  reenter_env env = {0};
  wt_store_t *store;
  wt_linker_t *linker;
  reenter_setup(engine, &env, &store, &linker);
  /* Five levels down (wasm, host, wasm, ...) the innermost wasm divides by
   * zero; every host level returns the nested error unchanged. */
  env.trap_at_bottom = true;
  wt_val_t arg = i32v(5), res;
  wt_error_t *err = EXPECT_KIND(
      wt_instance_call(store, &env.inst, "down", &arg, 1, &res, 1),
      WT_ERROR_TRAP);
  wt_trap_code_t code;
  cr_assert(wt_error_trap_code(err, &code));
  cr_assert_eq(code, WT_TRAP_INTEGER_DIVISION_BY_ZERO);
  cr_assert_geq(wt_error_frame_count(err), 1);
  wt_error_delete(err);
  env.trap_at_bottom = false;
  /* The store is still usable. */
  arg = i32v(3);
  OK(wt_instance_call(store, &env.inst, "down", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, 4);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

static wt_error_t *fail_at_depth(void *env, wt_caller_t *caller,
                                 const wt_val_t *args, size_t nargs,
                                 wt_val_t *results, size_t nresults) {
  reenter_env *e = env;
  if (args[0].of.i32 == 1)
    return wt_error_new("bottom failed");
  wt_val_t arg = i32v(args[0].of.i32 - 1), res;
  wt_error_t *err = wt_instance_call(wt_caller_store(caller), &e->inst, "down",
                                     &arg, 1, &res, 1);
  if (err)
    return err; /* passes the nested error up unchanged */
  results[0] = res;
  return NULL;
}

Test(func, host_error_from_deep_nesting_reaches_the_top_intact) {
  wt_engine_t *engine = engine_from(NULL);
  reenter_env env = {0};
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  OK(wt_linker_define_func(linker, "h", "up", "i32 -> i32", fail_at_depth,
                           &env, NULL));
  wt_module_t *m = compile(engine, reenter_wat);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  OK(wt_linker_instantiate(linker, store, m, &env.inst));
  wt_val_t arg = i32v(10), res;
  EXPECT_ERROR(wt_instance_call(store, &env.inst, "down", &arg, 1, &res, 1),
               WT_ERROR_HOST, "bottom failed");
  wt_module_delete(m);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(func, typed_reference_params_use_checked_path) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(
      engine,
      "(module (type $t (func (result i32)))"
      " (func $k (type $t) (i32.const 11))"
      " (elem declare func $k)"
      " (func (export \"get\") (result (ref $t)) (ref.func $k))"
      " (func (export \"call\") (param (ref $t)) (result i32)"
      "   (call_ref $t (local.get 0))))",
      &store);
  wt_val_t f, res;
  OK(wt_instance_call(store, &inst, "get", NULL, 0, &f, 1));
  cr_assert_eq(f.kind, WT_VAL_FUNCREF);
  OK(wt_instance_call(store, &inst, "call", &f, 1, &res, 1));
  cr_assert_eq(res.of.i32, 11);
  /* A null for a non-nullable parameter is refused by Wasmtime's check. */
  wt_val_t null = {.kind = WT_VAL_FUNCREF};
  wt_error_t *err = wt_instance_call(store, &inst, "call", &null, 1, &res, 1);
  cr_assert_not_null(err);
  wt_error_delete(err);
  /* A function of the wrong type is refused too. */
  wt_func_t get;
  OK(wt_instance_func(store, &inst, "get", &get));
  wt_val_t wrong = {.kind = WT_VAL_FUNCREF, .of.funcref = get};
  err = wt_instance_call(store, &inst, "call", &wrong, 1, &res, 1);
  cr_assert_not_null(err);
  wt_error_delete(err);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(func, nan_payloads_pass_bit_for_bit) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(
      engine,
      "(module (func (export \"id32\") (param f32) (result f32) (local.get 0))"
      " (func (export \"id64\") (param f64) (result f64) (local.get 0)))",
      &store);
  uint32_t bits32 = 0x7fa00001u; /* a signalling NaN with a payload */
  uint64_t bits64 = 0xfff0000000000123ull;
  wt_val_t a = {.kind = WT_VAL_F32}, r;
  memcpy(&a.of.f32, &bits32, 4);
  OK(wt_instance_call(store, &inst, "id32", &a, 1, &r, 1));
  uint32_t out32;
  memcpy(&out32, &r.of.f32, 4);
  cr_assert_eq(out32, bits32, "%08x", out32);
  a.kind = WT_VAL_F64;
  memcpy(&a.of.f64, &bits64, 8);
  OK(wt_instance_call(store, &inst, "id64", &a, 1, &r, 1));
  uint64_t out64;
  memcpy(&out64, &r.of.f64, 8);
  cr_assert_eq(out64, bits64);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(func, v128_round_trip) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(
      engine,
      "(module (func (export \"add\") (param v128 v128) (result v128)"
      " (i32x4.add (local.get 0) (local.get 1))))",
      &store);
  wt_val_t args[2] = {{.kind = WT_VAL_V128}, {.kind = WT_VAL_V128}}, r;
  for (int i = 0; i < 16; i++) {
    args[0].of.v128[i] = (uint8_t)i;
    args[1].of.v128[i] = (uint8_t)(i % 4 == 0 ? 1 : 0);
  }
  OK(wt_instance_call(store, &inst, "add", args, 2, &r, 1));
  cr_assert_eq(r.kind, WT_VAL_V128);
  for (int i = 0; i < 16; i++)
    cr_assert_eq(r.of.v128[i], (uint8_t)(i + (i % 4 == 0)));
  wt_store_delete(store);
  wt_engine_delete(engine);
}

static const char *fast_wat =
    "(module (import \"h\" \"twice\" (func $t (param i64) (result i64)))"
    " (func (export \"add\") (param i32 i32) (result i32)"
    "   (i32.add (local.get 0) (local.get 1)))"
    " (func (export \"mix\") (param i32 i64 f32 f64) (result f64 i32)"
    "   (f64.add (f64.convert_i64_s (i64.add (i64.extend_i32_s (local.get 0))"
    "     (call $t (local.get 1))))"
    "     (f64.add (f64.promote_f32 (local.get 2)) (local.get 3)))"
    "   (i32.const 7))"
    " (func (export \"div\") (param i32) (result i32)"
    "   (i32.div_u (i32.const 1) (local.get 0)))"
    " (func (export \"ref\") (param externref)))";

static wt_error_t *twice_raw(void *env, wt_caller_t *caller, wt_raw_t *vals,
                             size_t nargs, size_t nresults) {
  cr_assert_eq(nargs, 1);
  cr_assert_eq(nresults, 1);
  if (vals[0].i64 < 0)
    return wt_error_new("negative");
  vals[0].i64 *= 2;
  return NULL;
}

static void fast_setup(wt_engine_t **engine, wt_store_t **store,
                       wt_instance_t *inst) {
  *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(*engine, &linker));
  OK(wt_linker_define_func_raw(linker, "h", "twice", "i64 -> i64", twice_raw,
                               NULL, NULL));
  wt_module_t *m = compile(*engine, fast_wat);
  OK(wt_store_new(*engine, NULL, NULL, store));
  OK(wt_linker_instantiate(linker, *store, m, inst));
  wt_module_delete(m);
  wt_linker_delete(linker);
}

Test(func, typed_fast_path_calls_and_checks_signature_once) {
  wt_engine_t *engine;
  wt_store_t *store;
  wt_instance_t inst;
  fast_setup(&engine, &store, &inst);
  wt_func_t add, mix;
  OK(wt_instance_func(store, &inst, "add", &add));
  OK(wt_instance_func(store, &inst, "mix", &mix));
  wt_typed_func_t tadd, tmix;
  OK(wt_func_typed(store, &add, "i32 i32 -> i32", &tadd));
  for (int i = 0; i < 1000; i++) {
    wt_raw_t v[2] = {{.i32 = i}, {.i32 = 1}};
    OK(wt_func_call_typed(store, &tadd, v));
    cr_assert_eq(v[0].i32, i + 1);
  }
  OK(wt_func_typed(store, &mix, "i32 i64 f32 f64 -> f64 i32", &tmix));
  wt_raw_t v[4] = {{.i32 = 1}, {.i64 = 10}, {.f32 = 0.5f}, {.f64 = 0.25}};
  OK(wt_func_call_typed(store, &tmix, v));
  cr_assert_float_eq(v[0].f64, 21.75, 0); /* 1 + 2*10 + 0.5 + 0.25 */
  cr_assert_eq(v[1].i32, 7);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(func, typed_fast_path_refuses_wrong_signature_and_refs) {
  wt_engine_t *engine;
  wt_store_t *store;
  wt_instance_t inst;
  fast_setup(&engine, &store, &inst);
  wt_func_t add, ref;
  OK(wt_instance_func(store, &inst, "add", &add));
  OK(wt_instance_func(store, &inst, "ref", &ref));
  wt_typed_func_t t;
  EXPECT_ERROR(wt_func_typed(store, &add, "i64 i32 -> i32", &t),
               WT_ERROR_MISUSE,
               "is (func (param i32 i32) (result i32)), not (func (param i64 "
               "i32) (result i32))");
  EXPECT_ERROR(wt_func_typed(store, &add, "i32 i32", &t), WT_ERROR_MISUSE,
               "not (func (param i32 i32))");
  EXPECT_ERROR(wt_func_typed(store, &ref, "externref", &t), WT_ERROR_MISUSE,
               "reference types");
  EXPECT_ERROR(wt_func_typed(store, &add, "nonsense", &t), WT_ERROR_MISUSE,
               "bad signature");
  wt_store_t *other;
  OK(wt_store_new(engine, NULL, NULL, &other));
  OK(wt_func_typed(store, &add, "i32 i32 -> i32", &t));
  wt_raw_t v[2] = {{.i32 = 1}, {.i32 = 2}};
  EXPECT_ERROR(wt_func_call_typed(other, &t, v), WT_ERROR_MISUSE,
               "another store");
  EXPECT_ERROR(wt_func_call_typed(store, &t, NULL), WT_ERROR_MISUSE,
               "vals is NULL");
  wt_typed_func_t zero;
  memset(&zero, 0, sizeof zero);
  EXPECT_ERROR(wt_func_call_typed(store, &zero, v), WT_ERROR_MISUSE,
               "wt_func_typed");
  wt_store_delete(other);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(func, typed_fast_path_traps_and_host_errors) {
  wt_engine_t *engine;
  wt_store_t *store;
  wt_instance_t inst;
  fast_setup(&engine, &store, &inst);
  wt_func_t div, mix;
  OK(wt_instance_func(store, &inst, "div", &div));
  OK(wt_instance_func(store, &inst, "mix", &mix));
  wt_typed_func_t tdiv, tmix;
  OK(wt_func_typed(store, &div, "i32 -> i32", &tdiv));
  OK(wt_func_typed(store, &mix, "i32 i64 f32 f64 -> f64 i32", &tmix));
  wt_raw_t v[4] = {{.i32 = 0}};
  expect_trap(wt_func_call_typed(store, &tdiv, v),
              WT_TRAP_INTEGER_DIVISION_BY_ZERO);
  wt_raw_t m[4] = {{.i32 = 1}, {.i64 = -1}, {.f32 = 0}, {.f64 = 0}};
  EXPECT_ERROR(wt_func_call_typed(store, &tmix, m), WT_ERROR_HOST, "negative");
  v[0].i32 = 1;
  OK(wt_func_call_typed(store, &tdiv, v));
  cr_assert_eq(v[0].i32, 1);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(func, raw_host_function_refuses_reference_signatures) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  EXPECT_ERROR(wt_linker_define_func_raw(linker, "h", "f", "externref",
                                         twice_raw, NULL, NULL),
               WT_ERROR_MISUSE, "reference types");
  EXPECT_ERROR(wt_linker_define_func_raw(linker, "h", "f", "i32", NULL, NULL,
                                         NULL),
               WT_ERROR_MISUSE, "callback");
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

static wt_error_t *reverse19(void *env, wt_caller_t *caller,
                             const wt_val_t *args, size_t nargs,
                             wt_val_t *results, size_t nresults) {
  cr_assert_eq(nargs, 19);
  cr_assert_eq(nresults, 19);
  for (size_t i = 0; i < 19; i++)
    results[i] = args[18 - i];
  return NULL;
}

Test(func, nineteen_values_each_way_in_order) {
  /* More values than wt keeps on the stack: the generic path allocates. */
  char sig[256] = "", wat[4096];
  for (int i = 0; i < 19; i++)
    strcat(sig, i % 2 ? "i64 " : "i32 ");
  strcat(sig, "->");
  for (int i = 0; i < 19; i++)
    strcat(sig, (18 - i) % 2 ? " i64" : " i32");
  char types[128] = "", rtypes[128] = "", gets[512] = "";
  for (int i = 0; i < 19; i++) {
    strcat(types, i % 2 ? " i64" : " i32");
    strcat(rtypes, (18 - i) % 2 ? " i64" : " i32");
    char g[24];
    snprintf(g, sizeof g, " (local.get %d)", i);
    strcat(gets, g);
  }
  snprintf(wat, sizeof wat,
           "(module (import \"h\" \"r\" (func $r (param%s) (result%s)))"
           " (func (export \"run\") (param%s) (result%s) (call $r%s)))",
           types, rtypes, types, rtypes, gets);
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  OK(wt_linker_define_func(linker, "h", "r", sig, reverse19, NULL, NULL));
  wt_module_t *m = compile(engine, wat);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  wt_val_t args[19], res[19];
  for (int i = 0; i < 19; i++)
    args[i] = i % 2 ? i64v(1000 + i) : i32v(i);
  OK(wt_instance_call(store, &inst, "run", args, 19, res, 19));
  for (int i = 0; i < 19; i++) {
    int src = 18 - i;
    if (src % 2) {
      cr_assert_eq(res[i].kind, WT_VAL_I64);
      cr_assert_eq(res[i].of.i64, 1000 + src);
    } else {
      cr_assert_eq(res[i].kind, WT_VAL_I32);
      cr_assert_eq(res[i].of.i32, src);
    }
  }
  wt_module_delete(m);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

static wt_error_t *give_foreign(void *env, wt_caller_t *caller,
                                const wt_val_t *args, size_t nargs,
                                wt_val_t *results, size_t nresults) {
  results[0].of.funcref = *(wt_func_t *)env;
  return NULL;
}

Test(func, host_returning_a_funcref_of_another_store_is_refused) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *other;
  wt_instance_t oinst = instantiate(
      engine, "(module (func (export \"f\")))", &other);
  wt_func_t foreign;
  OK(wt_instance_func(other, &oinst, "f", &foreign));
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  OK(wt_linker_define_func(linker, "h", "g", "-> funcref", give_foreign,
                           &foreign, NULL));
  wt_module_t *m = compile(
      engine, "(module (import \"h\" \"g\" (func $g (result funcref)))"
              " (func (export \"run\") (result funcref) (call $g)))");
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  wt_val_t r;
  EXPECT_ERROR(wt_instance_call(store, &inst, "run", NULL, 0, &r, 1),
               WT_ERROR_MISUSE, "another store");
  wt_module_delete(m);
  wt_store_delete(store);
  wt_store_delete(other);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

static wt_error_t *refuel(void *env, wt_caller_t *caller, const wt_val_t *args,
                          size_t nargs, wt_val_t *results, size_t nresults) {
  wt_store_t *store = wt_caller_store(caller);
  uint64_t left;
  wt_error_t *err = wt_store_fuel(store, &left);
  if (err)
    return err;
  *(uint64_t *)env = left;
  return wt_store_set_fuel(store, 1000000);
}

static int data_drops;
static void drop_data(void *d) { data_drops += *(int *)d; }

static wt_error_t *swap_data(void *env, wt_caller_t *caller,
                             const wt_val_t *args, size_t nargs,
                             wt_val_t *results, size_t nresults) {
  return wt_store_set_data(wt_caller_store(caller), env, drop_data);
}

Test(func, host_changes_fuel_and_store_data_during_a_call) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_consume_fuel(c, true));
  wt_engine_t *engine = engine_from(c);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  uint64_t seen = 0;
  static int second = 2;
  OK(wt_linker_define_func(linker, "h", "refuel", "", refuel, &seen, NULL));
  OK(wt_linker_define_func(linker, "h", "swap", "", swap_data, &second, NULL));
  wt_module_t *m = compile(
      engine, "(module (import \"h\" \"refuel\" (func $r))"
              " (import \"h\" \"swap\" (func $s))"
              " (func (export \"run\") (local i32)"
              "   (call $r) (call $s)"
              "   (loop $l (local.set 0 (i32.add (local.get 0) (i32.const 1)))"
              "     (br_if $l (i32.lt_u (local.get 0) (i32.const 10000))))))");
  static int first = 1;
  data_drops = 0;
  wt_store_t *store;
  OK(wt_store_new(engine, &first, drop_data, &store));
  OK(wt_store_set_fuel(store, 100));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  /* 100 units would not last 10000 iterations: the host refuels midway. */
  OK(wt_instance_call(store, &inst, "run", NULL, 0, NULL, 0));
  cr_assert_gt(seen, 0);
  cr_assert_lt(seen, 100);
  cr_assert_eq(wt_store_data(store), &second);
  cr_assert_eq(data_drops, 1, "the replaced data was finalized");
  wt_store_delete(store);
  cr_assert_eq(data_drops, 3, "the last data was finalized at delete");
  wt_module_delete(m);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

static wt_error_t *call_callers_export(void *env, wt_caller_t *caller,
                                       const wt_val_t *args, size_t nargs,
                                       wt_val_t *results, size_t nresults) {
  wt_extern_t f;
  wt_error_t *err = wt_caller_export(caller, "inc", &f);
  if (err)
    return err;
  if (f.kind != WT_EXTERN_FUNC)
    return wt_error_new("inc is not a function");
  wt_val_t arg = args[0];
  return wt_func_call(wt_caller_store(caller), &f.of.func, &arg, 1, results, 1);
}

Test(func, host_calls_a_function_the_caller_exports) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  OK(wt_linker_define_func(linker, "h", "via", "i32 -> i32",
                           call_callers_export, NULL, NULL));
  wt_module_t *m = compile(
      engine, "(module (import \"h\" \"via\" (func $via (param i32) (result i32)))"
              " (func (export \"inc\") (param i32) (result i32)"
              "   (i32.add (local.get 0) (i32.const 1)))"
              " (func (export \"run\") (param i32) (result i32)"
              "   (call $via (local.get 0))))");
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  wt_val_t a = i32v(41), r;
  OK(wt_instance_call(store, &inst, "run", &a, 1, &r, 1));
  cr_assert_eq(r.of.i32, 42);
  wt_module_delete(m);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

static wt_error_t *fail_first(void *env, wt_caller_t *caller,
                              const wt_val_t *args, size_t nargs,
                              wt_val_t *results, size_t nresults) {
  ++*(int *)env;
  return args[0].of.i32 == 0 ? wt_error_new("first call fails") : NULL;
}

Test(func, wasm_does_not_resume_after_a_host_error) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  int calls = 0;
  OK(wt_linker_define_func(linker, "h", "f", "i32", fail_first, &calls, NULL));
  wt_module_t *m = compile(
      engine, "(module (import \"h\" \"f\" (func $f (param i32)))"
              " (func (export \"run\") (call $f (i32.const 0))"
              "   (call $f (i32.const 1))))");
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  EXPECT_ERROR(wt_instance_call(store, &inst, "run", NULL, 0, NULL, 0),
               WT_ERROR_HOST, "first call fails");
  cr_assert_eq(calls, 1, "wasm went on after the host failed");
  wt_module_delete(m);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

static wt_error_t *keep_funcref(void *env, wt_caller_t *caller,
                                const wt_val_t *args, size_t nargs,
                                wt_val_t *results, size_t nresults) {
  *(wt_func_t *)env = args[0].of.funcref;
  return NULL;
}

Test(func, funcref_received_by_a_host_stays_valid_after_the_call) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  wt_func_t kept;
  memset(&kept, 0, sizeof kept);
  OK(wt_linker_define_func(linker, "h", "keep", "funcref", keep_funcref, &kept,
                           NULL));
  wt_module_t *m = compile(
      engine, "(module (import \"h\" \"keep\" (func $k (param funcref)))"
              " (func $seven (result i32) (i32.const 7)) (elem declare func $seven)"
              " (func (export \"run\") (call $k (ref.func $seven))))");
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  OK(wt_instance_call(store, &inst, "run", NULL, 0, NULL, 0));
  wt_val_t r;
  OK(wt_func_call(store, &kept, NULL, 0, &r, 1));
  cr_assert_eq(r.of.i32, 7);
  wt_module_delete(m);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

/* ---- the caller ---- */

typedef struct {
  int calls;
  wt_store_t *store;
  wt_error_kind_t mem_kind, func_kind; /* 0 when the lookup succeeded */
  char mem_message[128];
} lookup_env;

static wt_error_t *look_up_callers_exports(void *env, wt_caller_t *caller,
                                           const wt_val_t *args, size_t nargs,
                                           wt_val_t *results,
                                           size_t nresults) {
  lookup_env *e = env;
  e->calls++;
  e->store = wt_caller_store(caller);
  wt_extern_t x;
  wt_error_t *err = wt_caller_export(caller, "mem", &x);
  e->mem_kind = wt_error_kind(err);
  snprintf(e->mem_message, sizeof e->mem_message, "%s",
           wt_error_message(err));
  wt_error_delete(err);
  err = wt_caller_export(caller, "run", &x);
  e->func_kind = wt_error_kind(err);
  wt_error_delete(err);
  return NULL;
}

Test(func, caller_of_a_direct_call_has_no_instance_to_look_in) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  const wt_functype_t *ft;
  OK(wt_functype_parse(engine, "", &ft));
  lookup_env env = {0};
  wt_func_t look;
  OK(wt_func_new(store, ft, look_up_callers_exports, &env, NULL, &look));
  wt_module_t *m = compile(
      engine, "(module (import \"h\" \"look\" (func $look))"
              " (memory (export \"mem\") 1)"
              " (func (export \"run\") (call $look)))");
  wt_extern_t import = {.kind = WT_EXTERN_FUNC, .of.func = look};
  wt_instance_t inst;
  OK(wt_instance_new(store, m, &import, 1, &inst));
  /* Called by wasm, the caller is that instance and sees its exports. */
  OK(wt_instance_call(store, &inst, "run", NULL, 0, NULL, 0));
  cr_assert_eq(env.calls, 1);
  cr_assert_eq(env.mem_kind, 0, "%s", env.mem_message);
  cr_assert_eq(env.func_kind, 0);
  /* Called from C, there is no calling instance: every lookup is NOT_FOUND,
   * even of names an instance of the same store exports. */
  OK(wt_func_call(store, &look, NULL, 0, NULL, 0));
  cr_assert_eq(env.calls, 2);
  cr_assert_eq(env.store, store);
  cr_assert_eq(env.mem_kind, WT_ERROR_NOT_FOUND, "kind %s",
               wt_error_kind_name(env.mem_kind));
  cr_assert(strstr(env.mem_message, "wt_caller_export") &&
                strstr(env.mem_message, "\"mem\""),
            "%s", env.mem_message);
  cr_assert_eq(env.func_kind, WT_ERROR_NOT_FOUND);
  wt_module_delete(m);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

typedef struct {
  int calls;
  uint8_t head[4];
  wt_error_kind_t unknown_kind;
  const char *fail_with; /* when set, the callback fails with this */
  wt_error_t *made;
} start_env;

static wt_error_t *inspect_during_start(void *env, wt_caller_t *caller,
                                        const wt_val_t *args, size_t nargs,
                                        wt_val_t *results, size_t nresults) {
  start_env *e = env;
  e->calls++;
  wt_extern_t mem;
  wt_error_t *err = wt_caller_export(caller, "mem", &mem);
  if (err)
    return err;
  if (mem.kind != WT_EXTERN_MEMORY)
    return wt_error_new("mem is not a memory");
  if ((err = wt_memory_read(wt_caller_store(caller), &mem.of.memory, 0,
                            e->head, sizeof e->head)))
    return err;
  wt_extern_t x;
  err = wt_caller_export(caller, "no such export", &x);
  e->unknown_kind = wt_error_kind(err);
  wt_error_delete(err);
  if (e->fail_with)
    return e->made = wt_error_new(e->fail_with);
  return NULL;
}

Test(func, caller_in_a_start_function_sees_the_initialized_memory) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  start_env env = {0};
  OK(wt_linker_define_func(linker, "h", "inspect", "", inspect_during_start,
                           &env, NULL));
  wt_module_t *m = compile(
      engine, "(module (import \"h\" \"inspect\" (func $inspect))"
              " (memory (export \"mem\") 1) (data (i32.const 0) \"foo\")"
              " (func $start (call $inspect)) (start $start))");
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  cr_assert_eq(env.calls, 1);
  /* The data segment is in place before the start function runs. */
  cr_assert_eq(memcmp(env.head, "foo", 4), 0, "%02x %02x %02x %02x",
               env.head[0], env.head[1], env.head[2], env.head[3]);
  cr_assert_eq(env.unknown_kind, WT_ERROR_NOT_FOUND);
  /* A host error in the start function is what instantiation returns. */
  env.fail_with = "refused during start";
  wt_error_t *err = EXPECT_KIND(wt_linker_instantiate(linker, store, m, &inst),
                                WT_ERROR_HOST);
  cr_assert_eq(err, env.made, "instantiation returned a different error");
  cr_assert_str_eq(wt_error_message(err), "refused during start");
  wt_error_delete(err);
  cr_assert_eq(env.calls, 2);
  wt_module_delete(m);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

typedef struct {
  bool through_pointer; /* wt_memory_data instead of read and write */
  int seen;             /* the byte the callback found, or -1 */
} poke_env;

/* Finds the byte at args[0] in the caller's memory and replaces it with
 * args[1]. */
static wt_error_t *poke(void *env, wt_caller_t *caller, const wt_val_t *args,
                        size_t nargs, wt_val_t *results, size_t nresults) {
  poke_env *e = env;
  wt_extern_t mem;
  wt_error_t *err = wt_caller_export(caller, "mem", &mem);
  if (err)
    return err;
  wt_store_t *store = wt_caller_store(caller);
  uint64_t at = (uint32_t)args[0].of.i32;
  uint8_t value = (uint8_t)args[1].of.i32;
  if (e->through_pointer) {
    size_t len;
    uint8_t *p = wt_memory_data(store, &mem.of.memory, &len);
    if (!p || at >= len)
      return wt_error_new("no memory at that offset");
    e->seen = p[at];
    p[at] = value;
    return NULL;
  }
  uint8_t b;
  if ((err = wt_memory_read(store, &mem.of.memory, at, &b, 1)))
    return err;
  e->seen = b;
  return wt_memory_write(store, &mem.of.memory, at, &value, 1);
}

static void poke_callers_memory(bool through_pointer) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  poke_env env = {.through_pointer = through_pointer, .seen = -1};
  OK(wt_linker_define_func(linker, "h", "poke", "i32 i32", poke, &env, NULL));
  wt_module_t *m = compile(
      engine, "(module (import \"h\" \"poke\" (func $poke (param i32 i32)))"
              " (memory (export \"mem\") 1)"
              " (func (export \"run\") (param i32 i32) (result i32)"
              "   (call $poke (local.get 0) (local.get 1))"
              "   (i32.load8_u (local.get 0))))");
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  wt_memory_t mem;
  OK(wt_instance_memory(store, &inst, "mem", &mem));
  const uint8_t before = 0x21, after = 0xc4;
  OK(wt_memory_write(store, &mem, 10, &before, 1));
  wt_val_t args[2] = {i32v(10), i32v(after)}, res;
  OK(wt_instance_call(store, &inst, "run", args, 2, &res, 1));
  cr_assert_eq(env.seen, before, "the callback saw %d", env.seen);
  cr_assert_eq(res.of.i32, after, "wasm read %d after the call", res.of.i32);
  uint8_t now[3];
  OK(wt_memory_read(store, &mem, 9, now, 3));
  cr_assert_eq(now[1], after);
  cr_assert_eq(now[0], 0, "the neighbours are untouched");
  cr_assert_eq(now[2], 0, "the neighbours are untouched");
  wt_module_delete(m);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(func, callback_writes_callers_memory_and_wasm_and_host_see_it) {
  poke_callers_memory(false);
}

Test(func, callback_writes_callers_memory_through_its_data_pointer) {
  poke_callers_memory(true);
}

/* ---- funcrefs through wasm and host functions ---- */

static wt_error_t *answer(void *env, wt_caller_t *caller, const wt_val_t *args,
                          size_t nargs, wt_val_t *results, size_t nresults) {
  ++*(int *)env;
  results[0].of.i32 = 42;
  return NULL;
}

static bool is_null_funcref(const wt_func_t *f) {
  wt_func_t zero;
  memset(&zero, 0, sizeof zero);
  return memcmp(f, &zero, sizeof zero) == 0;
}

Test(func, funcref_through_a_wasm_identity_function_stays_callable) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(
      engine,
      "(module (func (export \"id\") (param funcref) (result funcref)"
      "   (local.get 0))"
      " (func (export \"is_null\") (param funcref) (result i32)"
      "   (ref.is_null (local.get 0))))",
      &store);
  const wt_functype_t *ft;
  OK(wt_functype_parse(engine, "-> i32", &ft));
  int calls = 0;
  wt_func_t host;
  OK(wt_func_new(store, ft, answer, &calls, NULL, &host));
  wt_val_t arg = {.kind = WT_VAL_FUNCREF, .of.funcref = host}, back, r;
  OK(wt_instance_call(store, &inst, "id", &arg, 1, &back, 1));
  cr_assert_eq(back.kind, WT_VAL_FUNCREF);
  cr_assert_not(is_null_funcref(&back.of.funcref));
  cr_assert_eq(wt_func_type(store, &back.of.funcref), ft);
  OK(wt_func_call(store, &back.of.funcref, NULL, 0, &r, 1));
  cr_assert_eq(r.of.i32, 42);
  cr_assert_eq(calls, 1, "the value that came back is the host function");
  OK(wt_instance_call(store, &inst, "is_null", &back, 1, &r, 1));
  cr_assert_eq(r.of.i32, 0);
  /* The null funcref goes through as null. */
  wt_val_t null = {.kind = WT_VAL_FUNCREF};
  memset(&back, 0x5a, sizeof back);
  OK(wt_instance_call(store, &inst, "id", &null, 1, &back, 1));
  cr_assert_eq(back.kind, WT_VAL_FUNCREF);
  cr_assert(is_null_funcref(&back.of.funcref));
  cr_assert_null(wt_func_type(store, &back.of.funcref));
  OK(wt_instance_call(store, &inst, "is_null", &back, 1, &r, 1));
  cr_assert_eq(r.of.i32, 1);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(func, echo_given_its_own_funcref_returns_it_with_its_type) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(
      engine,
      "(module (func (export \"echo\") (param funcref) (result funcref)"
      "   (local.get 0)))",
      &store);
  wt_func_t echo;
  OK(wt_instance_func(store, &inst, "echo", &echo));
  const wt_functype_t *ft;
  OK(wt_functype_parse(engine, "funcref -> funcref", &ft));
  wt_val_t arg = {.kind = WT_VAL_FUNCREF, .of.funcref = echo}, back;
  OK(wt_func_call(store, &echo, &arg, 1, &back, 1));
  cr_assert_eq(back.kind, WT_VAL_FUNCREF);
  cr_assert_not(is_null_funcref(&back.of.funcref));
  cr_assert_eq(wt_func_type(store, &back.of.funcref), ft);
  cr_assert_str_eq(wt_functype_text(wt_func_type(store, &back.of.funcref)),
                   "(func (param funcref) (result funcref))");
  /* What came back is the echo itself: it echoes again. */
  wt_val_t again;
  OK(wt_func_call(store, &back.of.funcref, &back, 1, &again, 1));
  cr_assert_eq(wt_func_type(store, &again.of.funcref), ft);
  wt_val_t null = {.kind = WT_VAL_FUNCREF}, none;
  OK(wt_func_call(store, &again.of.funcref, &null, 1, &none, 1));
  cr_assert(is_null_funcref(&none.of.funcref));
  wt_store_delete(store);
  wt_engine_delete(engine);
}

/* ---- results a callback leaves unset ---- */

#define ALL_KINDS "i32 i64 f32 f64 v128 funcref externref"
#define NUMERIC_KINDS "i32 i64 f32 f64 v128"

static bool is_zero_of_its_kind(const wt_val_t *v) {
  static const uint8_t zero[sizeof v->of];
  switch (v->kind) {
  case WT_VAL_I32:
  case WT_VAL_F32:
    return memcmp(&v->of, zero, 4) == 0;
  case WT_VAL_I64:
  case WT_VAL_F64:
    return memcmp(&v->of, zero, 8) == 0;
  case WT_VAL_V128:
    return memcmp(v->of.v128, zero, 16) == 0;
  case WT_VAL_FUNCREF:
    return memcmp(&v->of.funcref, zero, sizeof v->of.funcref) == 0;
  default:
    return memcmp(&v->of.ref, zero, sizeof v->of.ref) == 0;
  }
}

typedef struct {
  int calls;
  size_t nresults;
  wt_valkind_t kinds[8];
  bool zero[8];
} unset_env;

/* Looks at the result slots it is given and sets none of them. */
static wt_error_t *set_nothing(void *env, wt_caller_t *caller,
                               const wt_val_t *args, size_t nargs,
                               wt_val_t *results, size_t nresults) {
  unset_env *e = env;
  e->calls++;
  e->nresults = nresults;
  for (size_t i = 0; i < nresults && i < 8; i++) {
    e->kinds[i] = results[i].kind;
    e->zero[i] = is_zero_of_its_kind(&results[i]);
  }
  return NULL;
}

/* Bit i of check's result is set when value i arrived in wasm as zero (all
 * bits clear) or null. */
static const char *unset_wat =
    "(module"
    " (import \"h\" \"all\" (func $all (result " ALL_KINDS ")))"
    " (import \"h\" \"num\" (func $num (result " NUMERIC_KINDS ")))"
    " (func $mask (param i32 i64 f32 f64 v128) (result i32)"
    "   (i32.or (i32.or (i32.eqz (local.get 0))"
    "                   (i32.shl (i64.eqz (local.get 1)) (i32.const 1)))"
    "     (i32.or (i32.or"
    "       (i32.shl (i32.eqz (i32.reinterpret_f32 (local.get 2)))"
    "         (i32.const 2))"
    "       (i32.shl (i64.eqz (i64.reinterpret_f64 (local.get 3)))"
    "         (i32.const 3)))"
    "       (i32.shl (i32.eqz (v128.any_true (local.get 4))) (i32.const 4)))))"
    " (func (export \"check_all\") (result i32)"
    "   (local funcref externref)"
    "   (call $all) (local.set 1) (local.set 0)"
    "   (call $mask)"
    "   (i32.or (i32.shl (ref.is_null (local.get 0)) (i32.const 5))"
    "     (i32.shl (ref.is_null (local.get 1)) (i32.const 6)))"
    "   (i32.or))"
    " (func (export \"check_num\") (result i32) (call $num) (call $mask)))";

static void expect_unset_results_zero(const unset_env *e, size_t n) {
  cr_assert_eq(e->nresults, n);
  for (size_t i = 0; i < n; i++)
    cr_assert(e->zero[i], "slot %zu (%s) was not zero when given", i,
              wt_valkind_name(e->kinds[i]));
}

Test(func, results_a_callback_does_not_set_are_zeros_of_declared_kinds) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  const wt_functype_t *all_t, *num_t;
  OK(wt_functype_parse(engine, "-> " ALL_KINDS, &all_t));
  OK(wt_functype_parse(engine, "-> " NUMERIC_KINDS, &num_t));
  unset_env all_env = {0}, num_env = {0};
  wt_func_t all, num;
  OK(wt_func_new(store, all_t, set_nothing, &all_env, NULL, &all));
  OK(wt_func_new(store, num_t, set_nothing, &num_env, NULL, &num));

  /* Called from C: every result is the zero (or null) of its kind, whatever
   * the caller's array held before. */
  wt_val_t res[7];
  memset(res, 0x5a, sizeof res);
  OK(wt_func_call(store, &all, NULL, 0, res, 7));
  cr_assert_eq(all_env.calls, 1);
  expect_unset_results_zero(&all_env, 7);
  for (size_t i = 0; i < 7; i++) {
    cr_assert_eq(res[i].kind, wt_functype_result(all_t, i), "result %zu", i);
    cr_assert(is_zero_of_its_kind(&res[i]), "result %zu (%s) is not zero", i,
              wt_valkind_name(res[i].kind));
  }
  cr_assert_null(wt_func_type(store, &res[5].of.funcref));
  void *data = &data;
  OK(wt_externref_data(store, &res[6], &data));
  cr_assert_null(data);
  memset(res, 0x5a, sizeof res);
  OK(wt_func_call(store, &num, NULL, 0, res, 5));
  expect_unset_results_zero(&num_env, 5);
  for (size_t i = 0; i < 5; i++) {
    cr_assert_eq(res[i].kind, wt_functype_result(num_t, i), "result %zu", i);
    cr_assert(is_zero_of_its_kind(&res[i]), "result %zu (%s) is not zero", i,
              wt_valkind_name(res[i].kind));
  }

  /* Called from wasm: wasm gets zeros and nulls. */
  wt_module_t *m = compile(engine, unset_wat);
  wt_extern_t imports[2] = {{.kind = WT_EXTERN_FUNC, .of.func = all},
                            {.kind = WT_EXTERN_FUNC, .of.func = num}};
  wt_instance_t inst;
  OK(wt_instance_new(store, m, imports, 2, &inst));
  wt_val_t mask;
  OK(wt_instance_call(store, &inst, "check_all", NULL, 0, &mask, 1));
  cr_assert_eq(all_env.calls, 2);
  expect_unset_results_zero(&all_env, 7);
  cr_assert_eq(mask.of.i32, 0x7f, "mask %#x", mask.of.i32);
  OK(wt_instance_call(store, &inst, "check_num", NULL, 0, &mask, 1));
  cr_assert_eq(num_env.calls, 2);
  expect_unset_results_zero(&num_env, 5);
  cr_assert_eq(mask.of.i32, 0x1f, "mask %#x", mask.of.i32);
  wt_module_delete(m);
  wt_store_delete(store);
  wt_engine_delete(engine);
}


/* ---- values of every kind through host functions ---- */

/* An engine, a linker and a store; an instance once instantiated. */
typedef struct {
  wt_engine_t *engine;
  wt_linker_t *linker;
  wt_store_t *store;
  wt_instance_t inst;
} world;

static void world_open(world *w) {
  w->engine = engine_from(NULL);
  OK(wt_linker_new(w->engine, &w->linker));
  OK(wt_store_new(w->engine, NULL, NULL, &w->store));
}

static void world_instantiate(world *w, const char *wat) {
  wt_module_t *m = compile(w->engine, wat);
  OK(wt_linker_instantiate(w->linker, w->store, m, &w->inst));
  wt_module_delete(m);
}

static void world_close(world *w) {
  wt_store_delete(w->store);
  wt_linker_delete(w->linker);
  wt_engine_delete(w->engine);
}

/* How a host function gets into the linker: made in the store by
 * wt_func_new and defined as an item, or defined by the linker itself. */
typedef enum { STORE_FUNC, LINKER_FUNC } host_def;

static void define_host(world *w, host_def how, const char *name,
                        const char *sig, wt_func_cb cb, void *env) {
  if (how == LINKER_FUNC) {
    OK(wt_linker_define_func(w->linker, "h", name, sig, cb, env, NULL));
    return;
  }
  const wt_functype_t *ft;
  OK(wt_functype_parse(w->engine, sig, &ft));
  wt_func_t f;
  OK(wt_func_new(w->store, ft, cb, env, NULL, &f));
  wt_extern_t item = {.kind = WT_EXTERN_FUNC, .of.func = f};
  OK(wt_linker_define(w->linker, w->store, "h", name, &item));
}

typedef struct {
  int calls;
  void *seen_data; /* data of the externref argument, read during the call */
} echo_env;

static wt_error_t *echo_values(void *env, wt_caller_t *caller,
                               const wt_val_t *args, size_t nargs,
                               wt_val_t *results, size_t nresults) {
  echo_env *e = env;
  e->calls++;
  for (size_t i = 0; i < nargs; i++) {
    if (args[i].kind == WT_VAL_EXTERNREF) {
      wt_error_t *err =
          wt_externref_data(wt_caller_store(caller), &args[i], &e->seen_data);
      if (err)
        return err;
    }
    results[i] = args[i];
  }
  return NULL;
}

static void echo_i64_f64_externref(host_def how) {
  world w;
  world_open(&w);
  echo_env env = {0};
  define_host(&w, how, "echo", "i64 f64 externref -> i64 f64 externref",
              echo_values, &env);
  world_instantiate(
      &w, "(module (import \"h\" \"echo\" (func $e (param i64 f64 externref)"
          "   (result i64 f64 externref)))"
          " (export \"echo\" (func $e))"
          " (func (export \"via\") (param i64 f64 externref)"
          "   (result i64 f64 externref)"
          "   (call $e (local.get 0) (local.get 1) (local.get 2))))");
  static int payload;
  wt_val_t args[3] = {i64v(INT64_MIN + 5),
                      {.kind = WT_VAL_F64, .of.f64 = -1.5e300}};
  OK(wt_externref_new(w.store, &payload, NULL, &args[2]));
  /* The re-exported import directly, and wasm calling the import. */
  const char *names[] = {"echo", "via"};
  for (int k = 0; k < 2; k++) {
    wt_val_t res[3];
    memset(res, 0, sizeof res);
    env.seen_data = NULL;
    OK(wt_instance_call(w.store, &w.inst, names[k], args, 3, res, 3));
    cr_assert_eq(env.calls, k + 1, "%s", names[k]);
    cr_assert_eq(env.seen_data, &payload, "%s", names[k]);
    cr_assert_eq(res[0].kind, WT_VAL_I64);
    cr_assert_eq(res[0].of.i64, args[0].of.i64, "%s", names[k]);
    cr_assert_eq(res[1].kind, WT_VAL_F64);
    cr_assert_eq(memcmp(&res[1].of.f64, &args[1].of.f64, 8), 0, "%s",
                 names[k]);
    cr_assert_eq(res[2].kind, WT_VAL_EXTERNREF);
    void *data = NULL;
    OK(wt_externref_data(w.store, &res[2], &data));
    cr_assert_eq(data, &payload, "%s", names[k]);
  }
  world_close(&w);
}

Test(func, i64_f64_externref_echo_through_a_reexported_store_func) {
  echo_i64_f64_externref(STORE_FUNC);
}

Test(func, i64_f64_externref_echo_through_a_reexported_linker_func) {
  echo_i64_f64_externref(LINKER_FUNC);
}

typedef struct {
  int calls;
  uint8_t seen[16];
} v128_env;

/* Returns the bitwise complement of its v128 argument. */
static wt_error_t *flip_v128(void *env, wt_caller_t *caller,
                             const wt_val_t *args, size_t nargs,
                             wt_val_t *results, size_t nresults) {
  v128_env *e = env;
  e->calls++;
  memcpy(e->seen, args[0].of.v128, 16);
  for (int i = 0; i < 16; i++)
    results[0].of.v128[i] = (uint8_t)~args[0].of.v128[i];
  return NULL;
}

static wt_error_t *flip_v128_raw(void *env, wt_caller_t *caller,
                                 wt_raw_t *vals, size_t nargs,
                                 size_t nresults) {
  v128_env *e = env;
  e->calls++;
  memcpy(e->seen, vals[0].v128, 16);
  for (int i = 0; i < 16; i++)
    vals[0].v128[i] = (uint8_t)~vals[0].v128[i];
  return NULL;
}

static void v128_through_host(host_def how, bool raw) {
  world w;
  world_open(&w);
  v128_env env = {0};
  if (raw)
    OK(wt_linker_define_func_raw(w.linker, "h", "flip", "v128 -> v128",
                                 flip_v128_raw, &env, NULL));
  else
    define_host(&w, how, "flip", "v128 -> v128", flip_v128, &env);
  world_instantiate(
      &w, "(module (import \"h\" \"flip\" (func $f (param v128) (result v128)))"
          " (export \"flip\" (func $f))"
          " (func (export \"via\") (param v128) (result v128)"
          "   (call $f (local.get 0))))");
  wt_val_t arg = {.kind = WT_VAL_V128};
  for (int i = 0; i < 16; i++)
    arg.of.v128[i] = (uint8_t)(0x11 * i + 3);
  const char *names[] = {"flip", "via"};
  for (int k = 0; k < 2; k++) {
    wt_val_t res;
    memset(&res, 0, sizeof res);
    memset(env.seen, 0, sizeof env.seen);
    OK(wt_instance_call(w.store, &w.inst, names[k], &arg, 1, &res, 1));
    cr_assert_eq(env.calls, k + 1, "%s", names[k]);
    cr_assert_eq(res.kind, WT_VAL_V128);
    for (int i = 0; i < 16; i++) {
      cr_assert_eq(env.seen[i], arg.of.v128[i], "%s: byte %d in", names[k], i);
      cr_assert_eq(res.of.v128[i], (uint8_t)~arg.of.v128[i],
                   "%s: byte %d out", names[k], i);
    }
  }
  if (raw) {
    /* And from the typed fast path. */
    wt_func_t flip;
    OK(wt_instance_func(w.store, &w.inst, "flip", &flip));
    wt_typed_func_t t;
    OK(wt_func_typed(w.store, &flip, "v128 -> v128", &t));
    wt_raw_t v;
    memcpy(v.v128, arg.of.v128, 16);
    OK(wt_func_call_typed(w.store, &t, &v));
    cr_assert_eq(env.calls, 3);
    for (int i = 0; i < 16; i++)
      cr_assert_eq(v.v128[i], (uint8_t)~arg.of.v128[i], "typed: byte %d", i);
  }
  world_close(&w);
}

Test(func, v128_through_a_store_func_callback) {
  v128_through_host(STORE_FUNC, false);
}

Test(func, v128_through_a_linker_func_callback) {
  v128_through_host(LINKER_FUNC, false);
}

Test(func, v128_through_a_raw_linker_callback) {
  v128_through_host(LINKER_FUNC, true);
}

/* The numbers `give` returns, one of each numeric kind. */
static void numbers_of_every_kind(wt_val_t v[5]) {
  memset(v, 0, 5 * sizeof *v);
  v[0].kind = WT_VAL_I32;
  v[0].of.i32 = INT32_MIN + 1;
  v[1].kind = WT_VAL_I64;
  v[1].of.i64 = INT64_MAX - 1;
  v[2].kind = WT_VAL_F32;
  v[2].of.f32 = 3.5f;
  v[3].kind = WT_VAL_F64;
  v[3].of.f64 = -0.125;
  v[4].kind = WT_VAL_V128;
  for (int i = 0; i < 16; i++)
    v[4].of.v128[i] = (uint8_t)(17 * i + 1);
}

static size_t number_size(wt_valkind_t kind) {
  return kind == WT_VAL_V128 ? 16 : kind == WT_VAL_I64 || kind == WT_VAL_F64 ? 8 : 4;
}

typedef struct {
  wt_func_t target; /* the funcref `give` returns */
  int payload;      /* the externref `give` returns carries &payload */
  int gives, takes;
  size_t nargs;
  wt_val_t got[7];
  void *got_data; /* data of the externref `take` received */
} kinds_env;

static wt_error_t *give_every_kind(void *env, wt_caller_t *caller,
                                   const wt_val_t *args, size_t nargs,
                                   wt_val_t *results, size_t nresults) {
  kinds_env *e = env;
  e->gives++;
  wt_val_t numbers[5];
  numbers_of_every_kind(numbers);
  for (int i = 0; i < 5; i++)
    results[i].of = numbers[i].of;
  results[5].of.funcref = e->target;
  return wt_externref_new(wt_caller_store(caller), &e->payload, NULL,
                          &results[6]);
}

static wt_error_t *take_every_kind(void *env, wt_caller_t *caller,
                                   const wt_val_t *args, size_t nargs,
                                   wt_val_t *results, size_t nresults) {
  kinds_env *e = env;
  e->takes++;
  e->nargs = nargs;
  memcpy(e->got, args, 7 * sizeof *args);
  /* The externref is lent for the call: read its data now. */
  return wt_externref_data(wt_caller_store(caller), &args[6], &e->got_data);
}

static void every_kind_from_one_host_function_to_another(host_def how) {
  world w;
  world_open(&w);
  kinds_env env = {0};
  const wt_functype_t *target_t;
  OK(wt_functype_parse(w.engine, "-> i32", &target_t));
  int answers = 0;
  OK(wt_func_new(w.store, target_t, answer, &answers, NULL, &env.target));
  define_host(&w, how, "give", "-> " ALL_KINDS, give_every_kind, &env);
  define_host(&w, how, "take", ALL_KINDS, take_every_kind, &env);
  world_instantiate(
      &w, "(module (import \"h\" \"give\" (func $give (result " ALL_KINDS ")))"
          " (import \"h\" \"take\" (func $take (param " ALL_KINDS ")))"
          " (func (export \"run\") (call $give) (call $take)))");
  OK(wt_instance_call(w.store, &w.inst, "run", NULL, 0, NULL, 0));
  cr_assert_eq(env.gives, 1);
  cr_assert_eq(env.takes, 1);
  cr_assert_eq(env.nargs, 7);
  wt_val_t want[5];
  numbers_of_every_kind(want);
  for (int i = 0; i < 5; i++) {
    cr_assert_eq(env.got[i].kind, want[i].kind, "argument %d", i);
    cr_assert_eq(memcmp(&env.got[i].of, &want[i].of, number_size(want[i].kind)),
                 0, "argument %d (%s) changed on the way", i,
                 wt_valkind_name(want[i].kind));
  }
  cr_assert_eq(env.got[5].kind, WT_VAL_FUNCREF);
  cr_assert_eq(wt_func_type(w.store, &env.got[5].of.funcref), target_t);
  wt_val_t r;
  OK(wt_func_call(w.store, &env.got[5].of.funcref, NULL, 0, &r, 1));
  cr_assert_eq(r.of.i32, 42);
  cr_assert_eq(answers, 1, "the funcref received is the one given");
  cr_assert_eq(env.got[6].kind, WT_VAL_EXTERNREF);
  cr_assert_eq(env.got_data, &env.payload);
  world_close(&w);
}

Test(func, every_kind_from_one_store_func_to_another) {
  every_kind_from_one_host_function_to_another(STORE_FUNC);
}

Test(func, every_kind_from_one_linker_func_to_another) {
  every_kind_from_one_host_function_to_another(LINKER_FUNC);
}

/* ---- errors of store functions ---- */

static wt_error_t *fail_and_remember(void *env, wt_caller_t *caller,
                                     const wt_val_t *args, size_t nargs,
                                     wt_val_t *results, size_t nresults) {
  wt_error_t **made = env;
  return *made = wt_error_new("store func failed");
}

Test(func, store_func_error_reaches_its_caller_directly_and_through_wasm) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  const wt_functype_t *ft;
  OK(wt_functype_parse(engine, "", &ft));
  wt_error_t *made = NULL;
  wt_func_t f;
  OK(wt_func_new(store, ft, fail_and_remember, &made, NULL, &f));
  wt_error_t *err =
      EXPECT_KIND(wt_func_call(store, &f, NULL, 0, NULL, 0), WT_ERROR_HOST);
  cr_assert_eq(err, made, "the caller got another error than the callback's");
  cr_assert_str_eq(wt_error_message(err), "store func failed");
  wt_error_delete(err);

  /* As the import of an instance, given directly and through a linker. */
  wt_module_t *m = compile(engine, "(module (import \"h\" \"f\" (func $f))"
                                   " (func (export \"run\") (call $f)))");
  wt_extern_t item = {.kind = WT_EXTERN_FUNC, .of.func = f};
  wt_instance_t direct, linked;
  OK(wt_instance_new(store, m, &item, 1, &direct));
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  OK(wt_linker_define(linker, store, "h", "f", &item));
  OK(wt_linker_instantiate(linker, store, m, &linked));
  const wt_instance_t *insts[] = {&direct, &linked};
  for (int i = 0; i < 2; i++) {
    made = NULL;
    err = EXPECT_KIND(
        wt_instance_call(store, insts[i], "run", NULL, 0, NULL, 0),
        WT_ERROR_HOST);
    cr_assert_not_null(made);
    cr_assert_eq(err, made, "instance %d: another error than the callback's",
                 i);
    cr_assert_str_eq(wt_error_message(err), "store func failed");
    wt_error_delete(err);
  }
  wt_linker_delete(linker);
  wt_module_delete(m);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

/* ---- funcrefs given to wasm and returned by host functions ---- */

/* Calls the function it is given with 7. */
static wt_error_t *call_its_argument(void *env, wt_caller_t *caller,
                                     const wt_val_t *args, size_t nargs,
                                     wt_val_t *results, size_t nresults) {
  ++*(int *)env;
  wt_val_t arg = i32v(7);
  return wt_func_call(wt_caller_store(caller), &args[0].of.funcref, &arg, 1,
                      results, 1);
}

static wt_error_t *times_six(void *env, wt_caller_t *caller,
                             const wt_val_t *args, size_t nargs,
                             wt_val_t *results, size_t nresults) {
  *(int32_t *)env = args[0].of.i32;
  results[0].of.i32 = args[0].of.i32 * 6;
  return NULL;
}

Test(func, host_funcs_passed_as_funcrefs_are_called_through_a_table) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(
      engine,
      "(module (table $t (export \"t\") 1 funcref)"
      " (func (export \"call_nested\") (param funcref funcref) (result i32)"
      "   (table.set $t (i32.const 0) (local.get 0))"
      "   (call_indirect $t (param funcref) (result i32)"
      "     (local.get 1) (i32.const 0))))",
      &store);
  const wt_functype_t *caller_t, *target_t;
  OK(wt_functype_parse(engine, "funcref -> i32", &caller_t));
  OK(wt_functype_parse(engine, "i32 -> i32", &target_t));
  int calls = 0;
  int32_t seen = 0;
  wt_func_t outer, inner;
  OK(wt_func_new(store, caller_t, call_its_argument, &calls, NULL, &outer));
  OK(wt_func_new(store, target_t, times_six, &seen, NULL, &inner));
  /* wasm puts `outer` in its table and calls it with `inner`, which the
   * host then calls. */
  wt_val_t args[2] = {{.kind = WT_VAL_FUNCREF, .of.funcref = outer},
                      {.kind = WT_VAL_FUNCREF, .of.funcref = inner}},
           r;
  OK(wt_instance_call(store, &inst, "call_nested", args, 2, &r, 1));
  cr_assert_eq(r.of.i32, 42);
  cr_assert_eq(calls, 1);
  cr_assert_eq(seen, 7);
  /* The table now holds `outer`. */
  wt_table_t table;
  OK(wt_instance_table(store, &inst, "t", &table));
  wt_val_t elem;
  OK(wt_table_get(store, &table, 0, &elem));
  cr_assert_eq(elem.kind, WT_VAL_FUNCREF);
  cr_assert_eq(wt_func_type(store, &elem.of.funcref), caller_t);
  OK(wt_func_call(store, &elem.of.funcref, &args[1], 1, &r, 1));
  cr_assert_eq(r.of.i32, 42);
  cr_assert_eq(calls, 2);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

typedef struct {
  wt_func_t give;
  bool give_null;
  int calls;
} returning_env;

static wt_error_t *return_a_func(void *env, wt_caller_t *caller,
                                 const wt_val_t *args, size_t nargs,
                                 wt_val_t *results, size_t nresults) {
  returning_env *e = env;
  e->calls++;
  if (e->give_null) {
    wt_func_t null;
    memset(&null, 0, sizeof null);
    results[0].of.funcref = null;
  } else {
    results[0].of.funcref = e->give;
  }
  return NULL;
}

static const char *returning_wat =
    "(module (import \"h\" \"ret\" (func $ret (result funcref)))"
    " (export \"ret\" (func $ret))"
    " (table $t 1 funcref)"
    " (func (export \"call_returned\") (result i32)"
    "   (table.set $t (i32.const 0) (call $ret))"
    "   (call_indirect $t (result i32) (i32.const 0)))"
    " (func (export \"returned_is_null\") (result i32)"
    "   (ref.is_null (call $ret))))";

/* `give` (of type -> i32, answering 42) is made in w's store. */
static void returning_setup(world *w, returning_env *env, int *answers,
                            const wt_functype_t **give_t) {
  world_open(w);
  OK(wt_linker_define_func(w->linker, "h", "ret", "-> funcref", return_a_func,
                           env, NULL));
  OK(wt_functype_parse(w->engine, "-> i32", give_t));
  OK(wt_func_new(w->store, *give_t, answer, answers, NULL, &env->give));
  world_instantiate(w, returning_wat);
}

Test(func, host_returning_a_funcref_of_its_store_gives_a_callable_func) {
  world w;
  returning_env env = {0};
  int answers = 0;
  const wt_functype_t *give_t;
  returning_setup(&w, &env, &answers, &give_t);
  wt_val_t r;
  OK(wt_instance_call(w.store, &w.inst, "ret", NULL, 0, &r, 1));
  cr_assert_eq(env.calls, 1);
  cr_assert_eq(r.kind, WT_VAL_FUNCREF);
  cr_assert_eq(wt_func_type(w.store, &r.of.funcref), give_t);
  wt_val_t n;
  OK(wt_func_call(w.store, &r.of.funcref, NULL, 0, &n, 1));
  cr_assert_eq(n.of.i32, 42);
  cr_assert_eq(answers, 1, "the function returned is the one given");
  /* wasm can call it too. */
  OK(wt_instance_call(w.store, &w.inst, "call_returned", NULL, 0, &n, 1));
  cr_assert_eq(n.of.i32, 42);
  cr_assert_eq(answers, 2);
  OK(wt_instance_call(w.store, &w.inst, "returned_is_null", NULL, 0, &n, 1));
  cr_assert_eq(n.of.i32, 0);
  world_close(&w);
}

Test(func, host_returning_a_zero_func_gives_a_null_funcref) {
  world w;
  returning_env env = {0};
  int answers = 0;
  const wt_functype_t *give_t;
  returning_setup(&w, &env, &answers, &give_t);
  wt_val_t n;
  /* First a real function, so that a null below is not what was there. */
  OK(wt_instance_call(w.store, &w.inst, "returned_is_null", NULL, 0, &n, 1));
  cr_assert_eq(n.of.i32, 0);
  env.give_null = true;
  OK(wt_instance_call(w.store, &w.inst, "returned_is_null", NULL, 0, &n, 1));
  cr_assert_eq(n.of.i32, 1, "wasm did not get a null funcref");
  wt_val_t r;
  memset(&r, 0x5a, sizeof r);
  OK(wt_instance_call(w.store, &w.inst, "ret", NULL, 0, &r, 1));
  cr_assert_eq(r.kind, WT_VAL_FUNCREF);
  cr_assert(is_null_funcref(&r.of.funcref));
  cr_assert_null(wt_func_type(w.store, &r.of.funcref));
  EXPECT_ERROR(wt_func_call(w.store, &r.of.funcref, NULL, 0, &n, 1),
               WT_ERROR_MISUSE, "null funcref");
  /* wasm calling the null through its table traps. */
  wt_error_t *err = EXPECT_KIND(
      wt_instance_call(w.store, &w.inst, "call_returned", NULL, 0, &n, 1),
      WT_ERROR_TRAP);
  wt_trap_code_t code;
  cr_assert(wt_error_trap_code(err, &code));
  cr_assert_eq(code, WT_TRAP_INDIRECT_CALL_TO_NULL, "code %d", (int)code);
  wt_error_delete(err);
  cr_assert_eq(env.calls, 4);
  cr_assert_eq(answers, 0);
  world_close(&w);
}

/* ---- results are written only when a call succeeds ---- */

static const wt_val_t sentinel_val = {.kind = (wt_valkind_t)0x5e,
                                      .of.i64 = 0x5e5e5e5e5e5e5e5ell};

static void fill_sentinel(wt_val_t *vals, size_t n) {
  for (size_t i = 0; i < n; i++)
    vals[i] = sentinel_val;
}

static void assert_sentinel(const wt_val_t *vals, size_t n, const char *what) {
  for (size_t i = 0; i < n; i++)
    cr_assert(memcmp(&vals[i], &sentinel_val, sizeof sentinel_val) == 0,
              "%s: result %zu was written", what, i);
}

/* Calls `name` with `nargs` arguments into two sentinel results and checks
 * that it fails with `kind` and leaves them untouched. */
static void expect_untouched(fx_t *fx, const wt_instance_t *inst,
                             const char *name, const wt_val_t *args,
                             size_t nargs, wt_error_kind_t kind) {
  wt_val_t res[2];
  fill_sentinel(res, 2);
  wt_func_t f;
  OK(wt_instance_func(fx->store, inst, name, &f));
  wt_error_t *err = EXPECT_KIND(
      wt_func_call(fx->store, &f, args, nargs, res, 2), kind);
  wt_error_delete(err);
  assert_sentinel(res, 2, name);
  fill_sentinel(res, 2);
  err = EXPECT_KIND(
      wt_instance_call(fx->store, inst, name, args, nargs, res, 2), kind);
  wt_error_delete(err);
  assert_sentinel(res, 2, name);
}

Test(func, failed_calls_leave_results_untouched) {
  fx_t fx;
  fx_setup(&fx, NULL);
  OK(wt_linker_define_func(fx.linker, "m", "fail", "", fail_host, NULL, NULL));
  wt_instance_t inst = fx_instantiate(
      &fx,
      "(module (import \"m\" \"fail\" (func $fail))"
      " (func $g) (elem declare func $g)"
      /* numbers only: the unchecked path */
      " (func (export \"num_trap\") (param i32) (result i32 i64)"
      "   unreachable)"
      " (func (export \"num_host\") (param i32) (result i32 i64)"
      "   (call $fail) (i32.const 1) (i64.const 2))"
      " (func (export \"num_ok\") (param i32) (result i32 i64)"
      "   (local.get 0) (i64.const 2))"
      /* a nullable reference: still unchecked, converted */
      " (func (export \"ref_trap\") (param i32) (result i32 externref)"
      "   unreachable)"
      " (func (export \"ref_host\") (param i32) (result i32 externref)"
      "   (call $fail) (i32.const 1) (ref.null extern))"
      /* a non-nullable reference: Wasmtime's checked path */
      " (func (export \"typed_trap\") (param i32) (result i32 (ref func))"
      "   unreachable)"
      " (func (export \"typed_host\") (param i32) (result i32 (ref func))"
      "   (call $fail) (i32.const 1) (ref.func $g))"
      " (func (export \"typed_ok\") (param i32) (result i32 (ref func))"
      "   (local.get 0) (ref.func $g)))");
  wt_val_t arg = i32v(7), bad = i64v(7);
  static const char *const names[] = {"num", "ref", "typed"};
  for (size_t i = 0; i < 3; i++) {
    char name[32];
    snprintf(name, sizeof name, "%s_trap", names[i]);
    expect_untouched(&fx, &inst, name, &bad, 1, WT_ERROR_MISUSE);
    expect_untouched(&fx, &inst, name, &arg, 1, WT_ERROR_TRAP);
    snprintf(name, sizeof name, "%s_host", names[i]);
    expect_untouched(&fx, &inst, name, &arg, 1, WT_ERROR_HOST);
  }
  /* And success writes them all. */
  wt_val_t res[2];
  fill_sentinel(res, 2);
  OK(wt_instance_call(fx.store, &inst, "num_ok", &arg, 1, res, 2));
  cr_assert_eq(res[0].kind, WT_VAL_I32);
  cr_assert_eq(res[0].of.i32, 7);
  cr_assert_eq(res[1].kind, WT_VAL_I64);
  cr_assert_eq(res[1].of.i64, 2);
  fill_sentinel(res, 2);
  OK(wt_instance_call(fx.store, &inst, "typed_ok", &arg, 1, res, 2));
  cr_assert_eq(res[0].of.i32, 7);
  cr_assert_eq(res[1].kind, WT_VAL_FUNCREF);
  fx_teardown(&fx);
}

static wt_error_t *delete_store_cb(void *env, wt_caller_t *caller,
                                   const wt_val_t *args, size_t nargs,
                                   wt_val_t *results, size_t nresults) {
  wt_store_delete(wt_caller_store(caller));
  return NULL;
}

Test(func, call_whose_store_is_deleted_leaves_results_untouched) {
  fx_t fx;
  fx_setup(&fx, NULL);
  OK(wt_linker_define_func(fx.linker, "m", "del", "", delete_store_cb, NULL,
                           NULL));
  wt_instance_t inst = fx_instantiate(
      &fx, "(module (import \"m\" \"del\" (func $d))"
           " (func (export \"f\") (result i32 i64)"
           "   (call $d) (i32.const 1) (i64.const 2)))");
  wt_val_t res[2];
  fill_sentinel(res, 2);
  EXPECT_ERROR(wt_instance_call(fx.store, &inst, "f", NULL, 0, res, 2),
               WT_ERROR_MISUSE, "the store was deleted during a call");
  assert_sentinel(res, 2, "f");
  fx.store = NULL; /* freed when the call returned */
  fx_teardown(&fx);
}
