/* Every wt_config_set_* knob: accepted values, rejected values, and the effect
 * where one can be observed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

static void check_runs(wt_config_t *c);

/* Compiles `wat` with an engine from `config` (deleted here); returns the
 * compile error or NULL. */
static wt_error_t *compile_with(wt_config_t *config, const char *wat) {
  wt_engine_t *engine = engine_from(config);
  wt_module_t *m = NULL;
  wt_error_t *err = wt_module_new_wat(engine, wat, &m);
  wt_module_delete(m);
  wt_engine_delete(engine);
  return err;
}

/* A proposal knob: the module compiles with it on and fails with it off. */
typedef bool (*knob_fn)(wt_config_t *, bool);
static void check_proposal(knob_fn knob, const char *wat,
                           void (*also_off)(wt_config_t *)) {
  wt_config_t *on = wt_config_new();
  cr_assert(knob(on, true));
  OK(compile_with(on, wat));
  wt_config_t *off = wt_config_new();
  cr_assert(knob(off, false));
  if (also_off)
    also_off(off);
  wt_error_t *err = EXPECT_KIND(compile_with(off, wat), WT_ERROR_COMPILE);
  wt_error_delete(err);
}

static void relaxed_off(wt_config_t *c) { wt_config_set_wasm_relaxed_simd(c, false); }
static void gc_off(wt_config_t *c) {
  wt_config_set_wasm_gc(c, false);
  wt_config_set_wasm_function_references(c, false);
  wt_config_set_wasm_exceptions(c, false);
}
static void threads_off(wt_config_t *c) { wt_config_set_wasm_shared_memory(c, false); }

Test(config, simd_toggle_controls_v128) {
  check_proposal(wt_config_set_wasm_simd,
                 "(module (func (result v128) (v128.const i64x2 1 2)))",
                 relaxed_off);
}

Test(config, relaxed_simd_toggle) {
  check_proposal(wt_config_set_wasm_relaxed_simd,
                 "(module (func (param v128 v128 v128) (result v128)"
                 " (f32x4.relaxed_madd (local.get 0) (local.get 1)"
                 " (local.get 2))))",
                 NULL);
}

Test(config, relaxed_simd_deterministic_accepted) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_wasm_relaxed_simd_deterministic(c, true));
  OK(compile_with(c, "(module (func (param v128 v128) (result v128)"
                     " (i8x16.relaxed_swizzle (local.get 0) (local.get 1))))"));
}

Test(config, threads_toggle_controls_shared_memory) {
  check_proposal(wt_config_set_wasm_threads, "(module (memory 1 1 shared))",
                 threads_off);
}

Test(config, shared_memory_toggle) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_wasm_threads(c, true));
  cr_assert(wt_config_set_wasm_shared_memory(c, true));
  OK(compile_with(c, "(module (memory 1 1 shared))"));
}

Test(config, tail_call_toggle) {
  check_proposal(wt_config_set_wasm_tail_call,
                 "(module (func $f (result i32) (return_call $f)))", NULL);
}

Test(config, reference_types_toggle) {
  check_proposal(wt_config_set_wasm_reference_types,
                 "(module (table 1 externref))", gc_off);
}

Test(config, function_references_toggle) {
  check_proposal(wt_config_set_wasm_function_references,
                 "(module (type $t (func)) (func (param (ref null $t))"
                 " (call_ref $t (local.get 0))))",
                 gc_off);
}

Test(config, gc_toggle) {
  check_proposal(wt_config_set_wasm_gc,
                 "(module (type $p (struct (field i32)))"
                 " (func (result (ref $p)) (struct.new $p (i32.const 1))))",
                 NULL);
}

Test(config, bulk_memory_toggle) {
  check_proposal(wt_config_set_wasm_bulk_memory,
                 "(module (memory 1) (func (memory.copy (i32.const 0)"
                 " (i32.const 1) (i32.const 1))))",
                 gc_off);
}

Test(config, multi_value_toggle) {
  check_proposal(wt_config_set_wasm_multi_value,
                 "(module (func (result i32 i32) (i32.const 1) (i32.const 2)))",
                 NULL);
}

Test(config, multi_memory_toggle) {
  check_proposal(wt_config_set_wasm_multi_memory, "(module (memory 1) (memory 1))",
                 NULL);
}

Test(config, memory64_toggle) {
  check_proposal(wt_config_set_wasm_memory64, "(module (memory i64 1))", NULL);
}

Test(config, wide_arithmetic_toggle) {
  check_proposal(wt_config_set_wasm_wide_arithmetic,
                 "(module (func (param i64 i64 i64 i64) (result i64 i64)"
                 " (i64.add128 (local.get 0) (local.get 1) (local.get 2)"
                 " (local.get 3))))",
                 NULL);
}

Test(config, exceptions_toggle) {
  check_proposal(wt_config_set_wasm_exceptions,
                 "(module (tag $e) (func (throw $e)))", NULL);
}

Test(config, custom_page_sizes_toggle) {
  check_proposal(wt_config_set_wasm_custom_page_sizes,
                 "(module (memory 1 (pagesize 1)))", NULL);
}

Test(config, branch_hinting_accepted) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_wasm_branch_hinting(c, true));
  OK(compile_with(c, "(module (func))"));
}

static const char *continuation_wat =
    "(module (type $f (func)) (type $c (cont $f)) (func $g)"
    " (elem declare func $g)"
    " (func (export \"make\") (drop (cont.new $c (ref.func $g)))))";

/* wt's Wasmtime is built without its "stack-switching" feature, so a module
 * using continuations could compile and then abort the process when run:
 * the setter refuses true, and the engine is refused with a message that
 * says why. Off, continuation types do not compile. */
Test(config, stack_switching_is_refused_as_not_built_in) {
  wt_config_t *c = wt_config_new();
  cr_assert_not(wt_config_set_wasm_stack_switching(c, true),
                "stack switching was accepted");
  wt_engine_t *e = NULL;
  EXPECT_ERROR(wt_engine_new(c, &e), WT_ERROR_CONFIG,
               "stack switching is not built into wt's Wasmtime");
  cr_assert_null(e);
  wt_config_delete(c);
  c = wt_config_new();
  cr_assert(wt_config_set_wasm_stack_switching(c, false));
  EXPECT_ERROR(compile_with(c, continuation_wat), WT_ERROR_COMPILE,
               "stack switching is disabled");
}

/* ---- runtime knobs ---- */

static const char *loop_wat =
    "(module (func (export \"spin\") (loop $l (br $l))))";

Test(config, consume_fuel_makes_calls_stop) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_consume_fuel(c, true));
  wt_engine_t *engine = engine_from(c);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, loop_wat, &store);
  OK(wt_store_set_fuel(store, 10000));
  expect_trap(wt_instance_call(store, &inst, "spin", NULL, 0, NULL, 0),
              WT_TRAP_OUT_OF_FUEL);
  uint64_t left = 1;
  OK(wt_store_fuel(store, &left));
  cr_assert_eq(left, 0);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(config, fuel_off_means_fuel_calls_fail) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  EXPECT_ERROR(wt_store_set_fuel(store, 5), WT_ERROR_CONFIG, "fuel");
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(config, epoch_interruption_interrupts) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_epoch_interruption(c, true));
  wt_engine_t *engine = engine_from(c);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, loop_wat, &store);
  OK(wt_store_set_epoch_deadline(store, 1));
  wt_engine_increment_epoch(engine);
  expect_trap(wt_instance_call(store, &inst, "spin", NULL, 0, NULL, 0),
              WT_TRAP_INTERRUPT);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

static const char *recurse_wat =
    "(module (func $r (export \"r\") (param i32) (result i32)"
    " (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))"
    " (else (i32.add (i32.const 1) (call $r (i32.sub (local.get 0)"
    " (i32.const 1))))))))";

Test(config, max_wasm_stack_small_overflows) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_max_wasm_stack(c, 64 * 1024));
  wt_engine_t *engine = engine_from(c);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, recurse_wat, &store);
  wt_val_t arg = i32v(100), res;
  OK(wt_instance_call(store, &inst, "r", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, 100);
  arg = i32v(1000000);
  expect_trap(wt_instance_call(store, &inst, "r", &arg, 1, &res, 1),
              WT_TRAP_STACK_OVERFLOW);
  /* The store stays usable. */
  arg = i32v(10);
  OK(wt_instance_call(store, &inst, "r", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, 10);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(config, max_wasm_stack_zero_is_config_error) {
  wt_config_t *c = wt_config_new();
  cr_assert_not(wt_config_set_max_wasm_stack(c, 0), "0 was accepted");
  cr_assert_not_null(wt_config_rejected(c));
  wt_engine_t *e = NULL;
  EXPECT_ERROR(wt_engine_new(c, &e), WT_ERROR_CONFIG, "max_wasm_stack");
  cr_assert_null(e);
  wt_config_delete(c);
}

Test(config, async_stack_size_below_max_stack_is_config_error) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_async_stack_size(c, 4096));
  wt_engine_t *e = NULL;
  EXPECT_ERROR(wt_engine_new(c, &e), WT_ERROR_CONFIG, "async_stack_size");
  wt_config_delete(c);
  c = wt_config_new();
  cr_assert(wt_config_set_async_stack_size(c, 4 << 20));
  wt_engine_delete(engine_from(c));
}

Test(config, disabling_simd_alone_is_reported_not_aborted) {
  wt_config_t *c = wt_config_new();
  wt_config_set_wasm_simd(c, false); /* relaxed SIMD is still on */
  wt_engine_t *e = NULL;
  EXPECT_ERROR(wt_engine_new(c, &e), WT_ERROR_CONFIG, "relaxed simd");
  wt_config_delete(c);
}

Test(config, gc_support_off_rejects_gc_modules) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_gc_support(c, false));
  gc_off(c);
  wt_error_t *err = compile_with(
      c, "(module (type $p (struct)) (func (result (ref null $p))"
         " (ref.null $p)))");
  cr_assert_not_null(err);
  wt_error_delete(err);
}

Test(config, signals_based_traps_off_still_traps_out_of_bounds) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_signals_based_traps(c, false));
  wt_engine_t *engine = engine_from(c);
  wt_store_t *store;
  wt_instance_t inst = instantiate(
      engine,
      "(module (memory 1) (func (export \"f\") (result i32)"
      " (i32.load (i32.const 70000))))",
      &store);
  wt_val_t res;
  expect_trap(wt_instance_call(store, &inst, "f", NULL, 0, &res, 1),
              WT_TRAP_MEMORY_OUT_OF_BOUNDS);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

static const char *grow_wat =
    "(module (memory 1) (func (export \"grow\") (param i32) (result i32)"
    " (memory.grow (local.get 0))))";

Test(config, memory_reservation_without_moving_limits_growth) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_memory_reservation(c, 1 << 20)); /* 16 pages */
  cr_assert(wt_config_set_memory_reservation_for_growth(c, 0));
  cr_assert(wt_config_set_memory_may_move(c, false));
  cr_assert(wt_config_set_memory_guard_size(c, 64 * 1024));
  wt_engine_t *engine = engine_from(c);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, grow_wat, &store);
  wt_val_t arg = i32v(4), res;
  OK(wt_instance_call(store, &inst, "grow", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, 1); /* old size */
  arg = i32v(100);
  OK(wt_instance_call(store, &inst, "grow", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, -1);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

/* A reservation no process can map is a config error: from the setter for a
 * value alone, from wt_engine_new for the reservation with its guards, and
 * never a link error at instantiation. */
Test(config, memory_reservation_past_the_address_space_is_config_error) {
  wt_config_t *c = wt_config_new();
  cr_assert_not(wt_config_set_memory_reservation(c, UINT64_MAX),
                "UINT64_MAX was accepted");
  wt_engine_t *e = NULL;
  EXPECT_ERROR(wt_engine_new(c, &e), WT_ERROR_CONFIG,
               "wt_config_set_memory_reservation");
  cr_assert_null(e);
  wt_config_delete(c);

  c = wt_config_new();
  cr_assert_not(wt_config_set_memory_guard_size(c, UINT64_MAX));
  EXPECT_ERROR(wt_engine_new(c, &e), WT_ERROR_CONFIG,
               "wt_config_set_memory_guard_size");
  wt_config_delete(c);

  c = wt_config_new();
  cr_assert_not(wt_config_set_memory_reservation_for_growth(c, UINT64_MAX));
  EXPECT_ERROR(wt_engine_new(c, &e), WT_ERROR_CONFIG,
               "wt_config_set_memory_reservation_for_growth");
  wt_config_delete(c);

  /* Accepted alone, but not with the default guard regions around it. */
  c = wt_config_new();
  cr_assert(wt_config_set_memory_reservation(c, (1ull << 47) - 65536));
  EXPECT_ERROR(wt_engine_new(c, &e), WT_ERROR_CONFIG,
               "does not fit in the address space");
  /* Without guards it fits. */
  cr_assert(wt_config_set_memory_guard_size(c, 0));
  OK(wt_engine_new(c, &e));
  wt_engine_delete(e);
  wt_config_delete(c);

  /* A large reservation that fits still instantiates. */
  c = wt_config_new();
  cr_assert(wt_config_set_memory_reservation(c, 8ull << 30));
  wt_engine_t *engine = engine_from(c);
  wt_store_t *store;
  instantiate(engine, "(module (memory 1))", &store);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(config, memory_may_move_allows_growth_past_reservation) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_memory_reservation(c, 1 << 20));
  cr_assert(wt_config_set_memory_may_move(c, true));
  wt_engine_t *engine = engine_from(c);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, grow_wat, &store);
  wt_val_t arg = i32v(100), res;
  OK(wt_instance_call(store, &inst, "grow", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, 1);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

/* Runs add(2, 3) with an engine from `c` and checks the result. */
static void check_runs(wt_config_t *c) {
  wt_engine_t *engine = engine_from(c);
  wt_store_t *store;
  wt_instance_t inst = instantiate(
      engine,
      "(module (func (export \"add\") (param i32 i32) (result i32)"
      " (i32.add (local.get 0) (local.get 1))))",
      &store);
  wt_val_t args[2] = {i32v(2), i32v(3)}, res;
  OK(wt_instance_call(store, &inst, "add", args, 2, &res, 1));
  cr_assert_eq(res.of.i32, 5);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(config, runtime_flags_accepted_and_run) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_debug_info(c, true));
  cr_assert(wt_config_set_native_unwind_info(c, true));
  cr_assert(wt_config_set_memory_init_cow(c, false));
  cr_assert(wt_config_set_parallel_compilation(c, false));
  cr_assert(wt_config_set_cranelift_debug_verifier(c, true));
  check_runs(c);
}

Test(config, strategies_run) {
  for (int s = WT_STRATEGY_AUTO; s <= WT_STRATEGY_WINCH; s++) {
    wt_config_t *c = wt_config_new();
    cr_assert(wt_config_set_strategy(c, (wt_strategy_t)s));
    check_runs(c);
  }
}

Test(config, opt_levels_and_regalloc_run) {
  for (int o = WT_OPT_LEVEL_NONE; o <= WT_OPT_LEVEL_SPEED_AND_SIZE; o++) {
    for (int r = WT_REGALLOC_BACKTRACKING; r <= WT_REGALLOC_SINGLE_PASS; r++) {
      wt_config_t *c = wt_config_new();
      cr_assert(wt_config_set_opt_level(c, (wt_opt_level_t)o));
      cr_assert(wt_config_set_regalloc(c, (wt_regalloc_t)r));
      check_runs(c);
    }
  }
}

Test(config, enum_out_of_range_rejected_and_reported_by_engine) {
  wt_config_t *c = wt_config_new();
  cr_assert_not(wt_config_set_strategy(c, (wt_strategy_t)9));
  cr_assert_not(wt_config_set_opt_level(c, (wt_opt_level_t)-1));
  cr_assert_not(wt_config_set_regalloc(c, (wt_regalloc_t)7));
  cr_assert_not(wt_config_set_profiler(c, (wt_profiler_t)4));
  /* The first rejection is the one reported. */
  cr_assert(strstr(wt_config_rejected(c), "wt_config_set_strategy") != NULL);
  wt_engine_t *e = NULL;
  EXPECT_ERROR(wt_engine_new(c, &e), WT_ERROR_CONFIG, "9 is not a valid");
  wt_config_delete(c);
}

Test(config, perfmap_profiler_writes_map) {
  char path[64];
  snprintf(path, sizeof path, "/tmp/perf-%d.map", (int)getpid());
  unlink(path);
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_profiler(c, WT_PROFILER_PERFMAP));
  check_runs(c);
  struct stat st;
  cr_assert_eq(stat(path, &st), 0, "%s not written", path);
  cr_assert_gt(st.st_size, 0);
  unlink(path);
}

Test(config, profiler_none_accepted) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_profiler(c, WT_PROFILER_NONE));
  check_runs(c);
}

static uint32_t nan_bits(wt_config_t *c) {
  wt_engine_t *engine = engine_from(c);
  wt_store_t *store;
  wt_instance_t inst = instantiate(
      engine,
      "(module (func (export \"nan\") (param f32) (result i32)"
      " (i32.reinterpret_f32 (f32.div (local.get 0) (local.get 0)))))",
      &store);
  wt_val_t arg = {.kind = WT_VAL_F32, .of.f32 = 0.0f}, res;
  OK(wt_instance_call(store, &inst, "nan", &arg, 1, &res, 1));
  wt_store_delete(store);
  wt_engine_delete(engine);
  return (uint32_t)res.of.i32;
}

Test(config, nan_canonicalization_gives_canonical_nan) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_cranelift_nan_canonicalization(c, true));
  cr_assert_eq(nan_bits(c), 0x7fc00000u);
#if defined(__x86_64__)
  /* x86's own 0/0 is the negative quiet NaN. */
  c = wt_config_new();
  cr_assert(wt_config_set_cranelift_nan_canonicalization(c, false));
  cr_assert_eq(nan_bits(c), 0xffc00000u);
#endif
}

Test(config, cranelift_flags) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_cranelift_flag(c, "opt_level", "none"));
  cr_assert(wt_config_enable_cranelift_flag(c, "enable_verifier"));
  check_runs(c);
}

Test(config, unknown_cranelift_flag_is_config_error) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_enable_cranelift_flag(c, "no_such_flag"));
  wt_engine_t *e = NULL;
  EXPECT_ERROR(wt_engine_new(c, &e), WT_ERROR_CONFIG, "no_such_flag");
  wt_config_delete(c);
}

Test(config, bad_cranelift_flag_value_is_config_error) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_cranelift_flag(c, "opt_level", "fastest-ever"));
  wt_engine_t *e = NULL;
  wt_error_delete(EXPECT_KIND(wt_engine_new(c, &e), WT_ERROR_CONFIG));
  wt_config_delete(c);
}

Test(config, strings_must_be_utf8_and_not_null) {
  wt_config_t *c = wt_config_new();
  cr_assert_not(wt_config_enable_cranelift_flag(c, "\xff\xfe"));
  cr_assert(strstr(wt_config_rejected(c), "UTF-8") != NULL);
  cr_assert_not(wt_config_set_cranelift_flag(c, NULL, "x"));
  cr_assert_not(wt_config_set_target(c, NULL));
  cr_assert_not(wt_config_set_pooling_limit(c, NULL, 1));
  wt_config_delete(c);
}

Test(config, target_pulley_runs_on_interpreter) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_target(c, "pulley64"));
  wt_engine_t *engine = NULL;
  OK(wt_engine_new(c, &engine));
  cr_assert(wt_engine_is_pulley(engine));
  wt_engine_delete(engine);
  check_runs(c);
}

Test(config, target_native_triple_runs) {
#if defined(__x86_64__) && defined(__linux__)
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_target(c, "x86_64-unknown-linux-gnu"));
  check_runs(c);
#endif
}

Test(config, unknown_target_rejected_by_setter) {
  wt_config_t *c = wt_config_new();
  cr_assert_not(wt_config_set_target(c, "not-a-real-triple"));
  cr_assert(strstr(wt_config_rejected(c), "wt_config_set_target") != NULL);
  wt_engine_t *e = NULL;
  wt_error_delete(EXPECT_KIND(wt_engine_new(c, &e), WT_ERROR_CONFIG));
  wt_config_delete(c);
}

Test(config, cache_with_missing_file_rejected) {
  wt_config_t *c = wt_config_new();
  cr_assert_not(wt_config_set_cache(c, "/nonexistent/wt-cache.toml"));
  cr_assert_not_null(wt_config_rejected(c));
  wt_config_delete(c);
}

Test(config, cache_stores_compiled_code) {
  char dir[] = "/tmp/wt-cache-XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char toml[128], cachedir[128];
  snprintf(cachedir, sizeof cachedir, "%s/cache", dir);
  snprintf(toml, sizeof toml, "%s/cache.toml", dir);
  FILE *f = fopen(toml, "w");
  cr_assert_not_null(f);
  fprintf(f, "[cache]\ndirectory = \"%s\"\n", cachedir);
  fclose(f);
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_cache(c, toml), "%s", wt_config_rejected(c));
  wt_engine_t *engine = engine_from(c);
  wt_module_delete(compile(engine, "(module (func (export \"x\")))"));
  wt_engine_delete(engine);
  char cmd[256];
  snprintf(cmd, sizeof cmd, "test -n \"$(find %s -type f 2>/dev/null)\"",
           cachedir);
  int found = 1;
  for (int i = 0; i < 50 && found != 0; i++) { /* the cache writes async */
    found = system(cmd);
    if (found != 0)
      usleep(100000);
  }
  cr_assert_eq(found, 0, "nothing written under %s", cachedir);
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  cr_assert_eq(system(cmd), 0);
}

Test(config, pooling_allocator_limits_instances) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_pooling_allocator(c, true));
  cr_assert(wt_config_set_pooling_limit(c, "total_core_instances", 1));
  cr_assert(wt_config_set_pooling_limit(c, "total_memories", 1));
  cr_assert(wt_config_set_pooling_limit(c, "max_memory_size", 1 << 20));
  wt_engine_t *engine = engine_from(c);
  const char *wat = "(module (memory 1))";
  wt_store_t *s1, *s2;
  instantiate(engine, wat, &s1);
  wt_module_t *m = compile(engine, wat);
  wt_linker_t *l;
  OK(wt_linker_new(engine, &l));
  OK(wt_store_new(engine, NULL, NULL, &s2));
  wt_instance_t inst;
  wt_error_t *err = wt_linker_instantiate(l, s2, m, &inst);
  cr_assert_not_null(err, "a second instance fit in a pool of one");
  cr_assert(strstr(wt_error_message(err), "concurrent") != NULL,
            "%s", wt_error_message(err));
  wt_error_delete(err);
  /* Freeing the first store frees its slot. */
  wt_store_delete(s1);
  OK(wt_linker_instantiate(l, s2, m, &inst));
  wt_store_delete(s2);
  wt_linker_delete(l);
  wt_module_delete(m);
  wt_engine_delete(engine);
}

Test(config, pooling_every_limit_name_accepted) {
  static const char *names[] = {
      "total_core_instances", "total_memories", "total_tables",
      "total_stacks", "total_gc_heaps", "total_component_instances",
      "max_memory_size", "max_memories_per_module", "max_tables_per_module",
      "table_elements", "max_core_instance_size",
      "max_component_instance_size", "max_core_instances_per_component",
      "max_memories_per_component", "max_tables_per_component",
      "max_unused_warm_slots", "decommit_batch_size",
      "async_stack_keep_resident", "linear_memory_keep_resident",
      "table_keep_resident"};
  wt_config_t *c = wt_config_new();
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    cr_assert(wt_config_set_pooling_limit(c, names[i], 8), "%s", names[i]);
  cr_assert_null(wt_config_rejected(c));
  wt_config_delete(c);
}

Test(config, pooling_unknown_or_oversized_limit_rejected) {
  wt_config_t *c = wt_config_new();
  cr_assert_not(wt_config_set_pooling_limit(c, "total_bananas", 1));
  cr_assert(strstr(wt_config_rejected(c), "total_bananas") != NULL);
  wt_config_delete(c);
  c = wt_config_new();
  cr_assert_not(wt_config_set_pooling_limit(c, "total_memories", 1ull << 40));
  cr_assert(strstr(wt_config_rejected(c), "too large") != NULL);
  wt_config_delete(c);
}

Test(config, null_config_setters_return_false) {
  cr_assert_not(wt_config_set_consume_fuel(NULL, true));
  cr_assert_not(wt_config_set_max_wasm_stack(NULL, 1));
  cr_assert_not(wt_config_set_memory_reservation(NULL, 1));
  cr_assert_not(wt_config_set_strategy(NULL, WT_STRATEGY_AUTO));
  cr_assert_not(wt_config_set_target(NULL, "pulley64"));
  cr_assert_not(wt_config_set_cache(NULL, NULL));
  cr_assert_not(wt_config_set_pooling_allocator(NULL, true));
  cr_assert_not(wt_config_enable_cranelift_flag(NULL, "x"));
  wt_config_delete(NULL);
}

Test(config, fresh_config_has_nothing_rejected) {
  wt_config_t *c = wt_config_new();
  cr_assert_null(wt_config_rejected(c));
  wt_config_delete(c);
}

/* Polls for up to five seconds until a file exists somewhere under `dir`
 * (the cache is written by a background worker). */
static bool files_appear_under(const char *dir) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "test -n \"$(find %s -type f 2>/dev/null)\"", dir);
  for (int i = 0; i < 50; i++) {
    if (system(cmd) == 0)
      return true;
    usleep(100000);
  }
  return false;
}

Test(config, default_cache_settings_accepted_and_used) {
  /* Wasmtime's default cache lives in $XDG_CACHE_HOME/wasmtime; point that
   * at a fresh directory to see the default settings take effect. */
  char dir[] = "/tmp/wt-xdg-cache-XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  cr_assert_eq(setenv("XDG_CACHE_HOME", dir, 1), 0);
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_cache(c, NULL), "%s", wt_config_rejected(c));
  cr_assert_null(wt_config_rejected(c));
  wt_engine_t *engine = engine_from(c);
  wt_module_delete(compile(engine, "(module (func (export \"y\")))"));
  wt_engine_delete(engine);
  char cachedir[128];
  snprintf(cachedir, sizeof cachedir, "%s/wasmtime", dir);
  cr_assert(files_appear_under(cachedir), "nothing written under %s",
            cachedir);
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  cr_assert_eq(system(cmd), 0);
}

Test(config, jitdump_profiler_writes_dump_file) {
  /* Wasmtime writes the dump to ./jit-<pid>.dump: run in a scratch
   * directory. */
  char dir[] = "/tmp/wt-jitdump-XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char cwd[512];
  cr_assert_not_null(getcwd(cwd, sizeof cwd));
  cr_assert_eq(chdir(dir), 0);
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_profiler(c, WT_PROFILER_JITDUMP));
  check_runs(c);
  char path[128];
  snprintf(path, sizeof path, "%s/jit-%d.dump", dir, (int)getpid());
  struct stat st;
  cr_assert_eq(stat(path, &st), 0, "%s not written", path);
  cr_assert_gt(st.st_size, 0);
  cr_assert_eq(chdir(cwd), 0);
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  cr_assert_eq(system(cmd), 0);
}

/* This build of Wasmtime has VTune support (the "profiling" feature): the
 * profiler is accepted natively and on Pulley, and code runs with it
 * (without a VTune collector attached it reports nowhere). */
Test(config, vtune_profiler_accepted_and_code_runs) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_profiler(c, WT_PROFILER_VTUNE));
  cr_assert_null(wt_config_rejected(c));
  wt_engine_t *e = NULL;
  OK(wt_engine_new(c, &e));
  cr_assert_not_null(e);
  wt_engine_delete(e);
  check_runs(c);
  c = wt_config_new();
  cr_assert(wt_config_set_profiler(c, WT_PROFILER_VTUNE));
  cr_assert(wt_config_set_target(c, "pulley64"));
  check_runs(c);
}

Test(config, deleting_twice_is_ignored) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_consume_fuel(c, true));
  wt_config_delete(c);
  wt_config_delete(c); /* a second delete is ignored */
  cr_assert_not(wt_config_set_epoch_interruption(c, true));
  wt_engine_t *e = NULL;
  EXPECT_ERROR(wt_engine_new(c, &e), WT_ERROR_MISUSE, "config");
  cr_assert_null(e);
  /* Configs made afterwards are unaffected. */
  check_runs(wt_config_new());
}
