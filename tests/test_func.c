/* Host functions in a store, the caller, re-entrancy, multi-value, and the
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
  wt_val_t args[2] = {i32v(3), {.kind = WT_F64, .of.f64 = 2.5}}, res[2];
  OK(wt_func_call(store, &f, args, 2, res, 2));
  cr_assert_eq(res[0].kind, WT_F64);
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
  cr_assert_eq(f.kind, WT_FUNCREF);
  OK(wt_instance_call(store, &inst, "call", &f, 1, &res, 1));
  cr_assert_eq(res.of.i32, 11);
  /* A null for a non-nullable parameter is refused by Wasmtime's check. */
  wt_val_t null = {.kind = WT_FUNCREF};
  wt_error_t *err = wt_instance_call(store, &inst, "call", &null, 1, &res, 1);
  cr_assert_not_null(err);
  wt_error_delete(err);
  /* A function of the wrong type is refused too. */
  wt_func_t get;
  OK(wt_instance_func(store, &inst, "get", &get));
  wt_val_t wrong = {.kind = WT_FUNCREF, .of.funcref = get};
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
  wt_val_t a = {.kind = WT_F32}, r;
  memcpy(&a.of.f32, &bits32, 4);
  OK(wt_instance_call(store, &inst, "id32", &a, 1, &r, 1));
  uint32_t out32;
  memcpy(&out32, &r.of.f32, 4);
  cr_assert_eq(out32, bits32, "%08x", out32);
  a.kind = WT_F64;
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
  wt_val_t args[2] = {{.kind = WT_V128}, {.kind = WT_V128}}, r;
  for (int i = 0; i < 16; i++) {
    args[0].of.v128[i] = (uint8_t)i;
    args[1].of.v128[i] = (uint8_t)(i % 4 == 0 ? 1 : 0);
  }
  OK(wt_instance_call(store, &inst, "add", args, 2, &r, 1));
  cr_assert_eq(r.kind, WT_V128);
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
  wt_error_t *err = EXPECT_KIND(wt_func_call_typed(store, &tdiv, v),
                                WT_ERROR_TRAP);
  wt_trap_code_t code;
  cr_assert(wt_error_trap_code(err, &code));
  cr_assert_eq(code, WT_TRAP_INTEGER_DIVISION_BY_ZERO);
  wt_error_delete(err);
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
      cr_assert_eq(res[i].kind, WT_I64);
      cr_assert_eq(res[i].of.i64, 1000 + src);
    } else {
      cr_assert_eq(res[i].kind, WT_I32);
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
  wt_error_t *err = wt_store_get_fuel(store, &left);
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
  cr_assert(wt_config_consume_fuel(c, true));
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
