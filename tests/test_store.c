/* wt_store_t: its data and finalizer, deletion during a call, fuel
 * accounting, epoch deadline callback, limits. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

static const char *work_wat =
    "(module (memory (export \"mem\") 1)"
    " (table (export \"tab\") 1 funcref)"
    " (func (export \"count\") (param i32) (result i32) (local i32)"
    "   (block $done (loop $l"
    "     (br_if $done (i32.ge_u (local.get 1) (local.get 0)))"
    "     (local.set 1 (i32.add (local.get 1) (i32.const 1)))"
    "     (br $l)))"
    "   (local.get 1))"
    " (func (export \"grow\") (param i32) (result i32)"
    "   (memory.grow (local.get 0)))"
    " (func (export \"grow_table\") (param i32) (result i32)"
    "   (table.grow (ref.null func) (local.get 0)))"
    " (func (export \"spin\") (loop $l (br $l))))";

static wt_engine_t *fuel_engine(void) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_consume_fuel(c, true));
  return engine_from(c);
}

Test(store, fuel_consumed_accumulates_across_refills) {
  wt_engine_t *engine = fuel_engine();
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, work_wat, &store);
  uint64_t consumed = 99;
  OK(wt_store_fuel_consumed(store, &consumed));
  cr_assert_eq(consumed, 0);
  OK(wt_store_set_fuel(store, 100000));
  wt_val_t arg = i32v(100), res;
  OK(wt_instance_call(store, &inst, "count", &arg, 1, &res, 1));
  uint64_t after_one, left;
  OK(wt_store_fuel_consumed(store, &after_one));
  OK(wt_store_fuel(store, &left));
  cr_assert_gt(after_one, 100);
  cr_assert_eq(after_one + left, 100000);
  /* The same call costs the same again. */
  OK(wt_instance_call(store, &inst, "count", &arg, 1, &res, 1));
  OK(wt_store_fuel_consumed(store, &consumed));
  cr_assert_eq(consumed, 2 * after_one);
  /* Refilling keeps the count. */
  OK(wt_store_set_fuel(store, 50000));
  OK(wt_instance_call(store, &inst, "count", &arg, 1, &res, 1));
  OK(wt_store_fuel_consumed(store, &consumed));
  cr_assert_eq(consumed, 3 * after_one);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(store, out_of_fuel_then_refuel_runs_again) {
  wt_engine_t *engine = fuel_engine();
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, work_wat, &store);
  OK(wt_store_set_fuel(store, 50));
  wt_val_t arg = i32v(1000), res;
  expect_trap(wt_instance_call(store, &inst, "count", &arg, 1, &res, 1),
              WT_TRAP_OUT_OF_FUEL);
  OK(wt_store_set_fuel(store, 1000000));
  OK(wt_instance_call(store, &inst, "count", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, 1000);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

typedef struct {
  int calls;
  int stop_after;
  int finalized;
} epoch_env;

static wt_error_t *on_deadline(void *env, wt_store_t *store, uint64_t *delta) {
  epoch_env *e = env;
  if (++e->calls >= e->stop_after)
    return wt_error_new("enough ticks");
  *delta = 1;
  return NULL;
}

static void epoch_final(void *env) { ((epoch_env *)env)->finalized++; }

typedef struct {
  wt_engine_t *engine;
  atomic_bool stop;
} ticker;

static void *tick(void *p) {
  ticker *t = p;
  while (!atomic_load(&t->stop)) {
    wt_engine_increment_epoch(t->engine);
    usleep(1000);
  }
  return NULL;
}

Test(store, epoch_callback_decides_to_continue_then_stop) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_epoch_interruption(c, true));
  wt_engine_t *engine = engine_from(c);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, work_wat, &store);
  epoch_env env = {0, 3, 0};
  OK(wt_store_set_epoch_deadline_callback(store, on_deadline, &env, epoch_final));
  OK(wt_store_set_epoch_deadline(store, 1));
  ticker t = {engine, false};
  pthread_t thread;
  cr_assert_eq(pthread_create(&thread, NULL, tick, &t), 0);
  /* An endless loop: only the callback's error can end it. */
  EXPECT_ERROR(wt_instance_call(store, &inst, "spin", NULL, 0, NULL, 0),
               WT_ERROR_HOST, "enough ticks");
  atomic_store(&t.stop, true);
  pthread_join(thread, NULL);
  cr_assert_eq(env.calls, 3, "the callback let wasm continue twice");
  wt_store_delete(store);
  cr_assert_eq(env.finalized, 1);
  wt_engine_delete(engine);
}

Test(store, epoch_callback_null_is_misuse) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  epoch_env env = {0};
  EXPECT_ERROR(wt_store_set_epoch_deadline_callback(store, NULL, &env,
                                                epoch_final),
               WT_ERROR_MISUSE, "cb is NULL");
  cr_assert_eq(env.finalized, 1);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(store, memory_limit_makes_grow_fail_cleanly) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_limits_t limits = WT_LIMITS_NONE;
  limits.memory_size = 4 * 65536;
  OK(wt_store_set_limits(store, &limits));
  wt_linker_t *l;
  OK(wt_linker_new(engine, &l));
  wt_module_t *m = compile(engine, work_wat);
  wt_instance_t inst;
  OK(wt_linker_instantiate(l, store, m, &inst));
  wt_val_t arg = i32v(3), res;
  OK(wt_instance_call(store, &inst, "grow", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, 1);
  arg = i32v(1);
  OK(wt_instance_call(store, &inst, "grow", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, -1, "grew past the store's limit");
  wt_memory_t mem;
  OK(wt_instance_memory(store, &inst, "mem", &mem));
  wt_error_t *err = wt_memory_grow(store, &mem, 1, NULL);
  cr_assert_not_null(err);
  wt_error_delete(err);
  uint64_t pages;
  OK(wt_memory_pages(store, &mem, &pages));
  cr_assert_eq(pages, 4);
  wt_module_delete(m);
  wt_linker_delete(l);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(store, table_and_instance_limits) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_limits_t limits = WT_LIMITS_NONE;
  limits.table_elements = 3;
  limits.instances = 1;
  OK(wt_store_set_limits(store, &limits));
  wt_linker_t *l;
  OK(wt_linker_new(engine, &l));
  wt_module_t *m = compile(engine, work_wat);
  wt_instance_t inst;
  OK(wt_linker_instantiate(l, store, m, &inst));
  wt_val_t arg = i32v(2), res;
  OK(wt_instance_call(store, &inst, "grow_table", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, 1);
  arg = i32v(1);
  OK(wt_instance_call(store, &inst, "grow_table", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, -1);
  /* A second instance is over the count. */
  /* A second instance is over the count: a limit, not a link error. */
  wt_instance_t second;
  EXPECT_ERROR(wt_linker_instantiate(l, store, m, &second), WT_ERROR_WASMTIME,
               "resource limit exceeded: instance count too high");
  wt_module_delete(m);
  wt_linker_delete(l);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(store, memory_count_limit_refuses_instantiation) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_limits_t limits = WT_LIMITS_NONE;
  limits.memories = 0;
  OK(wt_store_set_limits(store, &limits));
  wt_linker_t *l;
  OK(wt_linker_new(engine, &l));
  wt_module_t *m = compile(engine, "(module (memory 1))");
  wt_instance_t inst;
  EXPECT_ERROR(wt_linker_instantiate(l, store, m, &inst), WT_ERROR_WASMTIME,
               "resource limit exceeded: memory count too high");
  wt_module_delete(m);
  wt_linker_delete(l);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(store, huge_memory_request_is_refused_without_allocating) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_limits_t limits = WT_LIMITS_NONE;
  limits.memory_size = 1 << 20;
  OK(wt_store_set_limits(store, &limits));
  wt_linker_t *l;
  OK(wt_linker_new(engine, &l));
  wt_module_t *m = compile(engine, "(module (memory 60000))"); /* ~3.7 GiB */
  wt_instance_t inst;
  EXPECT_ERROR(wt_linker_instantiate(l, store, m, &inst), WT_ERROR_WASMTIME,
               "memory minimum size of 60000 pages exceeds memory limits");
  wt_module_delete(m);
  wt_linker_delete(l);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(store, limits_and_gc_misuse) {
  EXPECT_ERROR(wt_store_set_limits(NULL, NULL), WT_ERROR_MISUSE, "store");
  EXPECT_ERROR(wt_store_gc(NULL), WT_ERROR_MISUSE, "store");
  uint64_t x;
  EXPECT_ERROR(wt_store_fuel_consumed(NULL, &x), WT_ERROR_MISUSE, "store");
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  EXPECT_ERROR(wt_store_set_limits(store, NULL), WT_ERROR_MISUSE, "limits");
  EXPECT_ERROR(wt_store_fuel_consumed(store, &x), WT_ERROR_CONFIG, "fuel");
  OK(wt_store_gc(store));
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(store, zero_fuel_is_legal_and_fuel_round_trips) {
  wt_engine_t *engine = fuel_engine();
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  uint64_t amounts[] = {1, 2, 0, UINT64_MAX / 2};
  for (size_t i = 0; i < 4; i++) {
    uint64_t got = 99;
    OK(wt_store_set_fuel(store, amounts[i]));
    OK(wt_store_fuel(store, &got));
    cr_assert_eq(got, amounts[i]);
  }
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(store, limits_can_be_raised_later_on_the_same_store) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_limits_t limits = WT_LIMITS_NONE;
  limits.memory_size = 0;
  OK(wt_store_set_limits(store, &limits));
  wt_memorytype_t mt = {.min = 1, .page_size_log2 = 16};
  wt_memory_t mem;
  wt_error_t *err = wt_memory_new(store, &mt, &mem);
  cr_assert_not_null(err, "a 1-page memory fit a 0-byte limit");
  wt_error_delete(err);
  limits.memory_size = 1 << 20;
  OK(wt_store_set_limits(store, &limits));
  OK(wt_memory_new(store, &mt, &mem));
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(store, timeout_stops_an_endless_start_function) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_epoch_interruption(c, true));
  wt_engine_t *engine = engine_from(c);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  OK(wt_store_set_timeout(store, 30));
  wt_linker_t *l;
  OK(wt_linker_new(engine, &l));
  wt_module_t *m =
      compile(engine, "(module (func $s (loop $l (br $l))) (start $s))");
  wt_instance_t inst;
  expect_trap(wt_linker_instantiate(l, store, m, &inst),
              WT_TRAP_INTERRUPT);
  wt_module_delete(m);
  wt_linker_delete(l);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(store, table_count_limit_refuses_instantiation) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_limits_t limits = WT_LIMITS_NONE;
  limits.tables = 1;
  OK(wt_store_set_limits(store, &limits));
  wt_linker_t *l;
  OK(wt_linker_new(engine, &l));
  wt_module_t *one = compile(engine, "(module (table 1 funcref))");
  wt_module_t *two =
      compile(engine, "(module (table 1 funcref) (table 1 funcref))");
  wt_instance_t inst;
  wt_error_t *err = wt_linker_instantiate(l, store, two, &inst);
  cr_assert_not_null(err, "two tables fit a limit of one");
  wt_error_delete(err);
  OK(wt_linker_instantiate(l, store, one, &inst));
  wt_module_delete(one);
  wt_module_delete(two);
  wt_linker_delete(l);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

static wt_error_t *peek_data(void *env, wt_caller_t *caller,
                             const wt_val_t *args, size_t nargs,
                             wt_val_t *results, size_t nresults) {
  *(void **)env = wt_store_data(wt_caller_store(caller));
  return NULL;
}

Test(store, store_made_without_data_gives_null_data_inside_and_outside_calls) {
  fx_t fx;
  fx_setup(&fx, NULL);
  /* Starts as a pointer that is not NULL, so that the host function is seen
   * to write NULL. */
  void *seen = &seen;
  OK(wt_linker_define_func(fx.linker, "h", "peek", "", peek_data, &seen,
                           NULL));
  cr_assert_null(wt_store_data(fx.store));
  wt_instance_t inst =
      fx_instantiate(&fx, "(module (import \"h\" \"peek\" (func $p))"
                          " (func (export \"run\") (call $p)))");
  OK(wt_instance_call(fx.store, &inst, "run", NULL, 0, NULL, 0));
  cr_assert_null(seen, "the host function saw data the store was not given");
  cr_assert_null(wt_store_data(fx.store));
  fx_teardown(&fx);
}

static int data_freed;
static void free_data(void *p) {
  data_freed++;
  free(p);
}

Test(store, store_data_and_finalizer_run_once) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  int *data = malloc(sizeof *data);
  *data = 9;
  data_freed = 0;
  OK(wt_store_new(engine, data, free_data, &store));
  cr_assert_eq(wt_store_data(store), data);
  wt_store_delete(store);
  cr_assert_eq(data_freed, 1);
  wt_store_delete(NULL);
  cr_assert_null(wt_store_data(NULL));
  EXPECT_ERROR(wt_store_new(NULL, NULL, NULL, &store), WT_ERROR_MISUSE,
               "engine");
  wt_engine_delete(engine);
}

static wt_error_t *delete_own_store(void *env, wt_caller_t *caller,
                                    const wt_val_t *args, size_t nargs,
                                    wt_val_t *results, size_t nresults) {
  wt_store_delete(wt_caller_store(caller));
  return NULL;
}

Test(store, deleting_store_inside_host_call_is_deferred) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  OK(wt_linker_define_func(linker, "m", "del", "", delete_own_store, NULL,
                           NULL));
  wt_module_t *m = compile(engine, "(module (import \"m\" \"del\" (func $d))"
                                   " (func (export \"f\") (call $d)))");
  wt_store_t *store;
  data_freed = 0;
  OK(wt_store_new(engine, malloc(1), free_data, &store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  EXPECT_ERROR(wt_instance_call(store, &inst, "f", NULL, 0, NULL, 0),
               WT_ERROR_MISUSE, "deleted during a call");
  cr_assert_eq(data_freed, 1); /* freed once the call returned */
  wt_module_delete(m);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

/* ---- limits: only -1 means none ---- */

Test(store, limits_below_minus_one_are_misuse_and_change_nothing) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_limits_t limits = WT_LIMITS_NONE;
  limits.memory_size = 2 * 65536;
  OK(wt_store_set_limits(fx.store, &limits));
  wt_limits_t bad = WT_LIMITS_NONE;
  bad.memory_size = -2;
  EXPECT_ERROR(wt_store_set_limits(fx.store, &bad), WT_ERROR_MISUSE,
               "limits->memory_size is -2");
  bad = (wt_limits_t)WT_LIMITS_NONE;
  bad.memories = INT64_MIN;
  EXPECT_ERROR(wt_store_set_limits(fx.store, &bad), WT_ERROR_MISUSE,
               "limits->memories");
  /* The limit set before still holds. */
  wt_instance_t inst = fx_instantiate(&fx, work_wat);
  wt_val_t arg = i32v(1), res;
  OK(wt_instance_call(fx.store, &inst, "grow", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, 1);
  OK(wt_instance_call(fx.store, &inst, "grow", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, -1, "the earlier limit was replaced");
  fx_teardown(&fx);
}

/* ---- out parameters keep their value when a call fails ---- */

Test(store, fuel_out_parameters_untouched_on_failure) {
  fx_t fx;
  fx_setup(&fx, NULL); /* fuel is off */
  uint64_t fuel = 0x5e17, consumed = 0x5e17;
  wt_error_t *err = EXPECT_KIND(wt_store_fuel(fx.store, &fuel),
                                WT_ERROR_CONFIG);
  wt_error_delete(err);
  err = EXPECT_KIND(wt_store_fuel_consumed(fx.store, &consumed),
                    WT_ERROR_CONFIG);
  wt_error_delete(err);
  err = EXPECT_KIND(wt_store_fuel(NULL, &fuel), WT_ERROR_MISUSE);
  wt_error_delete(err);
  cr_assert_eq(fuel, 0x5e17);
  cr_assert_eq(consumed, 0x5e17);
  fx_teardown(&fx);
}

Test(store, store_new_failure_leaves_out_untouched) {
  wt_store_t *sentinel = (wt_store_t *)&sentinel, *store = sentinel;
  wt_error_t *err =
      EXPECT_KIND(wt_store_new(NULL, NULL, NULL, &store), WT_ERROR_MISUSE);
  wt_error_delete(err);
  cr_assert_eq(store, sentinel);
}

/* ---- the finalizer rule: a failed call finalizes at once ---- */

static int fin_calls;
static void *fin_seen;
static void fin_count(void *data) {
  fin_calls++;
  fin_seen = data;
}
static int fin_token;

/* Asserts that the call failed with `kind` and ran the finalizer once with
 * &fin_token before returning. */
#define EXPECT_FINALIZED(expr, kind)                                           \
  do {                                                                         \
    fin_calls = 0;                                                             \
    fin_seen = NULL;                                                           \
    wt_error_t *fe_ = EXPECT_KIND(expr, kind);                                 \
    wt_error_delete(fe_);                                                      \
    cr_assert_eq(fin_calls, 1, "%s: finalizer ran %d times", #expr,           \
                 fin_calls);                                                   \
    cr_assert_eq(fin_seen, &fin_token, "%s: finalizer got other data", #expr); \
  } while (0)

static wt_error_t *nop_cb(void *env, wt_caller_t *caller,
                          const wt_val_t *args, size_t nargs,
                          wt_val_t *results, size_t nresults) {
  return NULL;
}
static wt_error_t *nop_raw(void *env, wt_caller_t *caller, wt_raw_t *vals,
                           size_t nargs, size_t nresults) {
  return NULL;
}
static wt_error_t *nop_epoch(void *env, wt_store_t *store, uint64_t *delta) {
  return NULL;
}

Test(finalizer, store_new_failure_finalizes_data) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store = NULL;
  EXPECT_FINALIZED(wt_store_new(NULL, &fin_token, fin_count, &store),
                   WT_ERROR_MISUSE);
  EXPECT_FINALIZED(wt_store_new(engine, &fin_token, fin_count, NULL),
                   WT_ERROR_MISUSE);
  wt_engine_delete(engine);
  EXPECT_FINALIZED(wt_store_new(engine, &fin_token, fin_count, &store),
                   WT_ERROR_MISUSE); /* a deleted engine */
  cr_assert_null(store);
}

Test(finalizer, store_set_data_failure_finalizes_data) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_store_delete(store);
  EXPECT_FINALIZED(wt_store_set_data(store, &fin_token, fin_count),
                   WT_ERROR_MISUSE);
  EXPECT_FINALIZED(wt_store_set_data(NULL, &fin_token, fin_count),
                   WT_ERROR_MISUSE);
  wt_engine_delete(engine);
}

Test(finalizer, func_new_failure_finalizes_env) {
  fx_t fx;
  fx_setup(&fx, NULL);
  const wt_functype_t *t;
  OK(wt_functype_parse(fx.engine, "i32 -> i32", &t));
  wt_func_t f;
  EXPECT_FINALIZED(wt_func_new(NULL, t, nop_cb, &fin_token, fin_count, &f),
                   WT_ERROR_MISUSE);
  EXPECT_FINALIZED(wt_func_new(fx.store, NULL, nop_cb, &fin_token, fin_count,
                               &f),
                   WT_ERROR_MISUSE);
  EXPECT_FINALIZED(wt_func_new(fx.store, t, NULL, &fin_token, fin_count, &f),
                   WT_ERROR_MISUSE);
  EXPECT_FINALIZED(wt_func_new(fx.store, t, nop_cb, &fin_token, fin_count,
                               NULL),
                   WT_ERROR_MISUSE);
  fx_teardown(&fx);
}

Test(finalizer, linker_definitions_failure_finalizes_env) {
  fx_t fx;
  fx_setup(&fx, NULL);
  const wt_functype_t *t;
  OK(wt_functype_parse(fx.engine, "i32", &t));
  /* Misuse. */
  EXPECT_FINALIZED(wt_linker_define_func(NULL, "m", "f", "i32", nop_cb,
                                         &fin_token, fin_count),
                   WT_ERROR_MISUSE);
  EXPECT_FINALIZED(wt_linker_define_func(fx.linker, "m", "f", "i33", nop_cb,
                                         &fin_token, fin_count),
                   WT_ERROR_MISUSE);
  EXPECT_FINALIZED(wt_linker_define_functype(fx.linker, "m", "f", NULL,
                                             nop_cb, &fin_token, fin_count),
                   WT_ERROR_MISUSE);
  EXPECT_FINALIZED(wt_linker_define_func_raw(fx.linker, "m", "f",
                                             "externref", nop_raw, &fin_token,
                                             fin_count),
                   WT_ERROR_MISUSE);
  /* Wasmtime refuses a duplicate name: a link error. */
  OK(wt_linker_define_func(fx.linker, "m", "f", "i32", nop_cb, NULL, NULL));
  EXPECT_FINALIZED(wt_linker_define_func(fx.linker, "m", "f", "i32", nop_cb,
                                         &fin_token, fin_count),
                   WT_ERROR_LINK);
  EXPECT_FINALIZED(wt_linker_define_functype(fx.linker, "m", "f", t, nop_cb,
                                             &fin_token, fin_count),
                   WT_ERROR_LINK);
  EXPECT_FINALIZED(wt_linker_define_func_raw(fx.linker, "m", "f", "i32",
                                             nop_raw, &fin_token, fin_count),
                   WT_ERROR_LINK);
  fx_teardown(&fx);
}

Test(finalizer, externref_new_failure_finalizes_data) {
  fx_t fx;
  fx_setup(&fx, NULL);
  EXPECT_FINALIZED(wt_externref_new(fx.store, &fin_token, fin_count, NULL),
                   WT_ERROR_MISUSE);
  wt_val_t v;
  EXPECT_FINALIZED(wt_externref_new(NULL, &fin_token, fin_count, &v),
                   WT_ERROR_MISUSE);
  fx_teardown(&fx);
}

Test(finalizer, epoch_callback_failure_finalizes_env) {
  fx_t fx;
  fx_setup(&fx, NULL);
  EXPECT_FINALIZED(wt_store_set_epoch_deadline_callback(
                       fx.store, NULL, &fin_token, fin_count),
                   WT_ERROR_MISUSE);
  EXPECT_FINALIZED(wt_store_set_epoch_deadline_callback(
                       NULL, nop_epoch, &fin_token, fin_count),
                   WT_ERROR_MISUSE);
  fx_teardown(&fx);
}

/* Success: the finalizer waits for the store (no double run). */
Test(finalizer, successful_calls_finalize_once_later) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  fin_calls = 0;
  OK(wt_store_new(engine, &fin_token, fin_count, &store));
  wt_val_t v;
  OK(wt_externref_new(store, &fin_token, fin_count, &v));
  OK(wt_store_set_epoch_deadline_callback(store, nop_epoch, &fin_token,
                                          fin_count));
  cr_assert_eq(fin_calls, 0);
  wt_store_delete(store);
  cr_assert_eq(fin_calls, 3);
  wt_engine_delete(engine);
}
