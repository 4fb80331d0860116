/* The native stack: how deep a host -> wasm -> host recursion gets with wt
 * and with the raw C API (docs/performance.md, "Stack"), and the rule that a
 * thread must have room for max_wasm_stack before it enters wasm
 * (docs/untrusted.md). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <wasmtime.h>

#include "helpers.h"

/* wasm half of the recursion: f(n) calls the host's h(n + 1), which calls
 * f again. */
static const char recurse_wat[] =
    "(module (import \"host\" \"h\" (func $h (param i32) (result i32)))"
    " (func (export \"f\") (param i32) (result i32)"
    "  (call $h (i32.add (local.get 0) (i32.const 1)))))";

/* ---- through wt ---- */

static struct {
  wt_func_t f;
  int32_t deepest;
} wt_rec;

static wt_error_t *wt_h(void *env, wt_caller_t *caller, const wt_val_t *args,
                        size_t nargs, wt_val_t *results, size_t nresults) {
  if (args[0].of.i32 > wt_rec.deepest)
    wt_rec.deepest = args[0].of.i32;
  return wt_func_call(wt_caller_store(caller), &wt_rec.f, args, 1, results,
                      1);
}

static wt_error_t *wt_h_raw(void *env, wt_caller_t *caller, wt_raw_t *vals,
                            size_t nargs, size_t nresults) {
  if (vals[0].i32 > wt_rec.deepest)
    wt_rec.deepest = vals[0].i32;
  wt_typed_func_t *tf = env;
  return wt_func_call_typed(wt_caller_store(caller), tf, vals);
}

/* Levels of host calls wt reaches before the stack-overflow trap, with a
 * wt_val_t host function calling back through wt_func_call, or (raw) a raw
 * host function calling back through wt_func_call_typed. */
static int32_t wt_levels(bool raw) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_typed_func_t tf;
  if (raw)
    OK(wt_linker_define_func_raw(fx.linker, "host", "h", "i32 -> i32",
                                 wt_h_raw, &tf, NULL));
  else
    OK(wt_linker_define_func(fx.linker, "host", "h", "i32 -> i32", wt_h, NULL,
                             NULL));
  wt_instance_t inst = fx_instantiate(&fx, recurse_wat);
  OK(wt_instance_func(fx.store, &inst, "f", &wt_rec.f));
  OK(wt_func_typed(fx.store, &wt_rec.f, "i32 -> i32", &tf));
  wt_rec.deepest = 0;
  wt_val_t arg = i32v(0), res;
  expect_trap(wt_func_call(fx.store, &wt_rec.f, &arg, 1, &res, 1),
              WT_TRAP_STACK_OVERFLOW);
  fx_teardown(&fx);
  return wt_rec.deepest;
}

/* ---- through the raw C API, unchecked ---- */

static struct {
  wasmtime_func_t f;
  int32_t deepest;
} raw_rec;

static wasm_trap_t *raw_h(void *env, wasmtime_caller_t *caller,
                          wasmtime_val_raw_t *vals, size_t n) {
  if (vals[0].i32 > raw_rec.deepest)
    raw_rec.deepest = vals[0].i32;
  wasm_trap_t *trap = NULL;
  wasmtime_error_t *err = wasmtime_func_call_unchecked(
      wasmtime_caller_context(caller), &raw_rec.f, vals, 1, &trap);
  if (err) {
    trap = wasmtime_trap_new("error", 5);
    wasmtime_error_delete(err);
  }
  return trap;
}

static int32_t raw_levels(void) {
  wasm_engine_t *engine = wasm_engine_new();
  cr_assert_not_null(engine);
  wasm_byte_vec_t wasm;
  cr_assert_null(wasmtime_wat2wasm(recurse_wat, strlen(recurse_wat), &wasm));
  wasmtime_module_t *module = NULL;
  cr_assert_null(wasmtime_module_new(engine, (const uint8_t *)wasm.data,
                                     wasm.size, &module));
  wasm_byte_vec_delete(&wasm);
  wasmtime_store_t *store = wasmtime_store_new(engine, NULL, NULL);
  wasmtime_context_t *ctx = wasmtime_store_context(store);
  wasmtime_linker_t *linker = wasmtime_linker_new(engine);
  wasm_valtype_t *p = wasm_valtype_new(WASM_I32), *r = wasm_valtype_new(WASM_I32);
  wasm_functype_t *type = wasm_functype_new_1_1(p, r);
  cr_assert_null(wasmtime_linker_define_func_unchecked(
      linker, "host", 4, "h", 1, type, raw_h, NULL, NULL));
  wasm_functype_delete(type);
  wasmtime_instance_t inst;
  wasm_trap_t *trap = NULL;
  cr_assert_null(wasmtime_linker_instantiate(linker, ctx, module, &inst,
                                             &trap));
  cr_assert_null(trap);
  wasmtime_extern_t item;
  cr_assert(wasmtime_instance_export_get(ctx, &inst, "f", 1, &item));
  raw_rec.f = item.of.func;
  raw_rec.deepest = 0;
  wasmtime_val_raw_t vals[1] = {{.i32 = 0}};
  cr_assert_null(wasmtime_func_call_unchecked(ctx, &raw_rec.f, vals, 1,
                                              &trap));
  cr_assert_not_null(trap);
  wasmtime_trap_code_t code;
  cr_assert(wasmtime_trap_code(trap, &code));
  cr_assert_eq(code, WASMTIME_TRAP_CODE_STACK_OVERFLOW);
  wasm_trap_delete(trap);
  wasmtime_linker_delete(linker);
  wasmtime_store_delete(store);
  wasmtime_module_delete(module);
  wasm_engine_delete(engine);
  return raw_rec.deepest;
}

/* wt's host calls cost about the stack of the raw API's, so that wasm that
 * calls back and forth gets about as deep with wt: the raw paths (a raw
 * host function, wt_func_call_typed) at least 90% as deep as the raw API,
 * the wt_val_t paths (a wt_func_cb, wt_func_call) at least 80%, since each
 * level also holds the callback's wt_val_t values (32 bytes each, against
 * Wasmtime's 16-byte raw slots) and the raw slots of the call back into
 * wasm. Before their frames were cut, the wt_val_t paths got 47% as deep. */
Test(stack, host_recursion_reaches_the_raw_apis_depth) {
  int32_t raw = raw_levels();
  int32_t wt = wt_levels(false);
  int32_t wt_raw = wt_levels(true);
  fprintf(stderr,
          "stack: host -> wasm -> host levels with the default max_wasm_stack:"
          " raw C API %d, wt %d (wt_val_t callback, wt_func_call),"
          " wt %d (raw callback, wt_func_call_typed)\n",
          (int)raw, (int)wt, (int)wt_raw);
  cr_assert_gt(raw, 100, "the raw API reached only %d levels", (int)raw);
#if defined(__SANITIZE_ADDRESS__) || !defined(__OPTIMIZE__)
  /* Frames of unoptimized or instrumented code say nothing of wt's. */
  fprintf(stderr, "stack: not an optimized build: depths not compared\n");
  return;
#endif
  cr_assert_geq(wt * 10, raw * 8, "wt reached %d levels, the raw API %d",
                (int)wt, (int)raw);
  cr_assert_geq(wt_raw * 10, raw * 9, "wt (raw) reached %d levels, the raw "
                "API %d", (int)wt_raw, (int)raw);
}

/* ---- calls from threads with small stacks ---- */

/* Unbounded recursion in wasm alone. */
static const char deep_wat[] =
    "(module (func $f (export \"deep\") (param i32) (result i32)"
    "  (i32.add (call $f (local.get 0)) (i32.const 1))))";

/* What a thread saw; the test's thread checks it (Criterion asserts on the
 * test's own thread). */
typedef struct {
  fx_t *fx;
  wt_instance_t deep, recurse;
  wt_module_t *module;
  wt_error_t *call, *typed, *host, *instantiate;
} on_thread;

static wt_error_t *host_h(void *env, wt_caller_t *caller, const wt_val_t *args,
                          size_t nargs, wt_val_t *results, size_t nresults) {
  return wt_func_call(wt_caller_store(caller), &wt_rec.f, args, 1, results,
                      1);
}

static void *run_on_thread(void *p) {
  on_thread *t = p;
  wt_store_t *store = t->fx->store;
  wt_func_t deep;
  wt_typed_func_t typed;
  wt_val_t arg = i32v(0), res;
  if ((t->call = wt_instance_func(store, &t->deep, "deep", &deep)) != NULL)
    return NULL;
  if ((t->call = wt_func_typed(store, &deep, "i32 -> i32", &typed)) != NULL)
    return NULL;
  t->call = wt_func_call(store, &deep, &arg, 1, &res, 1);
  wt_raw_t vals[1] = {{.i32 = 0}};
  t->typed = wt_func_call_typed(store, &typed, vals);
  t->host = wt_func_call(store, &wt_rec.f, &arg, 1, &res, 1);
  wt_instance_t inst;
  t->instantiate = wt_linker_instantiate(t->fx->linker, store, t->module,
                                         &inst);
  return NULL;
}

/* Runs the calls on a thread with a stack of `kib` KiB, in an engine whose
 * max_wasm_stack is `max_kib` KiB (0: the default). */
static on_thread run_with_stack(fx_t *fx, size_t kib, size_t max_kib) {
  wt_config_t *c = wt_config_new();
  if (max_kib)
    cr_assert(wt_config_set_max_wasm_stack(c, max_kib * 1024));
  fx_setup(fx, c);
  OK(wt_linker_define_func(fx->linker, "host", "h", "i32 -> i32", host_h,
                           NULL, NULL));
  on_thread t = {.fx = fx};
  t.deep = fx_instantiate(fx, deep_wat);
  t.recurse = fx_instantiate(fx, recurse_wat);
  OK(wt_instance_func(fx->store, &t.recurse, "f", &wt_rec.f));
  t.module = compile(fx->engine, deep_wat);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  cr_assert_eq(pthread_attr_setstacksize(&attr, kib * 1024), 0);
  pthread_t thread;
  cr_assert_eq(pthread_create(&thread, &attr, run_on_thread, &t), 0);
  pthread_join(thread, NULL);
  pthread_attr_destroy(&attr);
  return t;
}

static void expect_refused(wt_error_t *err, const char *fn, size_t max_kib) {
  char sizes[64];
  snprintf(sizes, sizeof sizes, "max_wasm_stack (%zu KiB)", max_kib);
  cr_assert_not_null(err, "%s ran on a thread with too small a stack", fn);
  cr_assert_eq(wt_error_kind(err), WT_ERROR_MISUSE, "%s: %s", fn,
               wt_error_message(err));
  cr_assert(strncmp(wt_error_message(err), fn, strlen(fn)) == 0 &&
                strstr(wt_error_message(err), sizes) &&
                strstr(wt_error_message(err), "KiB of stack left"),
            "message \"%s\"", wt_error_message(err));
  wt_error_delete(err);
}

static void expect_refused_everywhere(size_t kib) {
  fx_t fx;
  on_thread t = run_with_stack(&fx, kib, 0);
  expect_refused(t.call, "wt_func_call", 512);
  expect_refused(t.typed, "wt_func_call_typed", 512);
  expect_refused(t.host, "wt_func_call", 512);
  expect_refused(t.instantiate, "wt_linker_instantiate", 512);
  /* The store is unharmed: the same calls work on this thread. */
  wt_func_t deep;
  OK(wt_instance_func(fx.store, &t.deep, "deep", &deep));
  wt_val_t arg = i32v(0), res;
  expect_trap(wt_func_call(fx.store, &deep, &arg, 1, &res, 1),
              WT_TRAP_STACK_OVERFLOW);
  wt_module_delete(t.module);
  fx_teardown(&fx);
}

/* A thread whose stack is not larger than max_wasm_stack would crash in
 * deep recursion: wt refuses the call before Wasmtime runs. */
Test(stack, a_256_kib_thread_is_refused) { expect_refused_everywhere(256); }
Test(stack, a_512_kib_thread_is_refused) { expect_refused_everywhere(512); }

static void expect_overflow_traps(size_t kib, size_t max_kib) {
  fx_t fx;
  on_thread t = run_with_stack(&fx, kib, max_kib);
  expect_trap(t.call, WT_TRAP_STACK_OVERFLOW);
  expect_trap(t.typed, WT_TRAP_STACK_OVERFLOW);
  expect_trap(t.host, WT_TRAP_STACK_OVERFLOW);
  cr_assert_null(t.instantiate, "instantiation failed: %s",
                 wt_error_message(t.instantiate));
  wt_module_delete(t.module);
  fx_teardown(&fx);
}

/* With room for max_wasm_stack and the margin, deep recursion (in wasm, and
 * through host functions) ends in a stack-overflow trap. */
Test(stack, a_large_thread_gets_the_stack_overflow_trap) {
  expect_overflow_traps(2048, 0);
}
Test(stack, a_thread_just_large_enough_gets_the_trap) {
  expect_overflow_traps(512 + 64 + 16, 0);
}
/* The rule follows the engine's max_wasm_stack. */
Test(stack, a_smaller_max_wasm_stack_fits_a_small_thread) {
  expect_overflow_traps(256, 128);
}
