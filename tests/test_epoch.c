/* Interruption: wall-clock timeouts on top of epochs, and what happens to
 * the store afterwards. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "helpers.h"

static const char *spin_wat =
    "(module (func (export \"spin\") (loop $l (br $l)))"
    " (func (export \"seven\") (result i32) (i32.const 7)))";

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static wt_engine_t *epoch_engine(void) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_epoch_interruption(c, true));
  return engine_from(c);
}

Test(epoch, timeout_interrupts_an_endless_loop_in_bounded_time) {
  wt_engine_t *engine = epoch_engine();
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, spin_wat, &store);
  for (int round = 0; round < 3; round++) {
    OK(wt_store_set_timeout(store, 50));
    double t0 = now_ms();
    wt_error_t *err = EXPECT_KIND(
        wt_instance_call(store, &inst, "spin", NULL, 0, NULL, 0),
        WT_ERROR_TRAP);
    double took = now_ms() - t0;
    wt_trap_code_t code;
    cr_assert(wt_error_trap_code(err, &code));
    cr_assert_eq(code, WT_TRAP_INTERRUPT);
    wt_error_delete(err);
    /* Generous bounds: at least the timeout, well under a second late. */
    cr_assert_geq(took, 45.0, "interrupted after %.1f ms", took);
    cr_assert_lt(took, 1000.0, "interrupted after %.1f ms", took);
    /* The store and instance stay usable. */
    OK(wt_store_set_timeout(store, 1000));
    wt_val_t res;
    OK(wt_instance_call(store, &inst, "seven", NULL, 0, &res, 1));
    cr_assert_eq(res.of.i32, 7);
  }
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(epoch, fast_calls_finish_before_their_timeout) {
  wt_engine_t *engine = epoch_engine();
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, spin_wat, &store);
  OK(wt_store_set_timeout(store, 10000));
  wt_val_t res;
  for (int i = 0; i < 1000; i++)
    OK(wt_instance_call(store, &inst, "seven", NULL, 0, &res, 1));
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(epoch, timeouts_of_two_stores_are_independent) {
  wt_engine_t *engine = epoch_engine();
  wt_store_t *a, *b;
  wt_instance_t ia = instantiate(engine, spin_wat, &a);
  wt_instance_t ib = instantiate(engine, spin_wat, &b);
  OK(wt_store_set_timeout(a, 20));
  OK(wt_store_set_timeout(b, 60000));
  wt_error_delete(EXPECT_KIND(
      wt_instance_call(a, &ia, "spin", NULL, 0, NULL, 0), WT_ERROR_TRAP));
  wt_val_t res;
  OK(wt_instance_call(b, &ib, "seven", NULL, 0, &res, 1));
  wt_store_delete(a);
  wt_store_delete(b);
  wt_engine_delete(engine);
}

Test(epoch, timeout_needs_epoch_interruption) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  EXPECT_ERROR(wt_store_set_timeout(store, 10), WT_ERROR_CONFIG,
               "epoch_interruption");
  EXPECT_ERROR(wt_store_set_timeout(NULL, 10), WT_ERROR_MISUSE, "store");
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(epoch, engine_with_ticker_is_freed_cleanly) {
  for (int i = 0; i < 5; i++) {
    wt_engine_t *engine = epoch_engine();
    wt_store_t *store;
    OK(wt_store_new(engine, NULL, NULL, &store));
    OK(wt_store_set_timeout(store, 5));
    wt_engine_delete(engine); /* the store still holds it */
    wt_store_delete(store);   /* now the ticker stops and is joined */
  }
}

/* An epoch deadline callback that deletes its store follows the host
 * functions' rule: wasm stops at once, the outer call returns (with the
 * callback's own error if it failed), and the store is freed then, once. */
static struct {
  int calls, data_freed, env_freed;
  bool fail;
} deleting;

static void deleting_data_freed(void *p) { deleting.data_freed++; }
static void deleting_env_freed(void *p) { deleting.env_freed++; }

static wt_error_t *delete_and_go_on(void *env, wt_store_t *store,
                                    uint64_t *delta) {
  deleting.calls++;
  wt_store_delete(store);
  *delta = 1;
  return deleting.fail ? wt_error_new("the callback's own error") : NULL;
}

static void run_deleting_callback(bool fail) {
  memset(&deleting, 0, sizeof deleting);
  deleting.fail = fail;
  wt_engine_t *engine = epoch_engine();
  wt_module_t *m = compile(engine, spin_wat);
  wt_linker_t *l;
  OK(wt_linker_new(engine, &l));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, deleting_data_freed, &store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(l, store, m, &inst));
  OK(wt_store_set_epoch_deadline_callback(store, delete_and_go_on, NULL,
                                          deleting_env_freed));
  OK(wt_store_set_timeout(store, 5));
  if (fail)
    EXPECT_ERROR(wt_instance_call(store, &inst, "spin", NULL, 0, NULL, 0),
                 WT_ERROR_HOST, "the callback's own error");
  else
    EXPECT_ERROR(wt_instance_call(store, &inst, "spin", NULL, 0, NULL, 0),
                 WT_ERROR_MISUSE,
                 "epoch deadline callback: the store was deleted during a "
                 "call");
  cr_assert_eq(deleting.calls, 1, "the callback ran %d times",
               deleting.calls);
  cr_assert_eq(deleting.data_freed, 1, "the store was freed %d times",
               deleting.data_freed);
  cr_assert_eq(deleting.env_freed, 1, "the callback's env was freed %d times",
               deleting.env_freed);
  wt_linker_delete(l);
  wt_module_delete(m);
  wt_engine_delete(engine);
}

/* Bounded in time: before the rule, wasm spun on forever. */
Test(epoch, callback_that_deletes_its_store_stops_wasm, .timeout = 30) {
  run_deleting_callback(false);
}
Test(epoch, callback_that_deletes_its_store_and_fails_keeps_its_error,
     .timeout = 30) {
  run_deleting_callback(true);
}

/* Threads that keep both cores busy while a timeout runs. */
static atomic_bool busy_stop;
static void *busy(void *p) {
  volatile unsigned long n = 0;
  while (!atomic_load_explicit(&busy_stop, memory_order_relaxed))
    n++;
  return NULL;
}

/* A timeout follows the monotonic clock: a 1000 ms one fires within a few
 * milliseconds of its deadline, never before it, even with every core busy.
 * Counting sleeps instead made it 7-12% late. A loaded machine may delay
 * one attempt, so the best of three counts. */
Test(epoch, timeout_is_on_time_with_busy_cores) {
  wt_engine_t *engine = epoch_engine();
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, spin_wat, &store);
  pthread_t threads[2];
  atomic_store(&busy_stop, false);
  for (int i = 0; i < 2; i++)
    cr_assert_eq(pthread_create(&threads[i], NULL, busy, NULL), 0);
  double best = 1e9;
  for (int attempt = 0; attempt < 3 && best >= 20.0; attempt++) {
    OK(wt_store_set_timeout(store, 1000));
    double t0 = now_ms();
    expect_trap(wt_instance_call(store, &inst, "spin", NULL, 0, NULL, 0),
                WT_TRAP_INTERRUPT);
    double late = now_ms() - t0 - 1000.0;
    fprintf(stderr, "epoch: a 1000 ms timeout fired %.2f ms late\n", late);
    cr_assert_geq(late, -1.0, "the timeout fired %.2f ms early", -late);
    if (late < best)
      best = late;
  }
  atomic_store(&busy_stop, true);
  for (int i = 0; i < 2; i++)
    pthread_join(threads[i], NULL);
  cr_assert_lt(best, 20.0, "a 1000 ms timeout fired %.2f ms late at best",
               best);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

/* wasm that runs until a host function has seen 200 ms pass. */
static const char wait_wat[] =
    "(module (import \"host\" \"done\" (func $done (result i32)))"
    " (func (export \"wait\")"
    "  (loop $l (br_if $l (i32.eqz (call $done))))))";

static double wait_start;
static wt_error_t *done_after_200ms(void *env, wt_caller_t *caller,
                                    const wt_val_t *args, size_t nargs,
                                    wt_val_t *results, size_t nresults) {
  results[0].of.i32 = now_ms() - wait_start >= 200.0;
  return NULL;
}

static int huge_delta_calls;
static wt_error_t *huge_delta(void *env, wt_store_t *store, uint64_t *delta) {
  huge_delta_calls++;
  *delta = UINT64_MAX;
  return NULL;
}

/* A deadline too far to compute (UINT64_MAX ms, or ticks that would wrap
 * the epoch) means never in practice, not now. */
Test(epoch, huge_timeouts_never_fire) {
  fx_t fx;
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_epoch_interruption(c, true));
  fx_setup(&fx, c);
  OK(wt_linker_define_func(fx.linker, "host", "done", "-> i32",
                           done_after_200ms, NULL, NULL));
  wt_instance_t inst = fx_instantiate(&fx, wait_wat);
  const uint64_t huge[] = {UINT64_MAX, UINT64_MAX - 1, UINT64_MAX / 1000,
                           UINT64_MAX / 1000000, (uint64_t)1 << 62};
  for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
    OK(wt_store_set_timeout(fx.store, huge[i]));
    wait_start = now_ms();
    OK(wt_instance_call(fx.store, &inst, "wait", NULL, 0, NULL, 0));
  }
  /* The ticker runs now, so the epoch is past 0: a huge deadline in ticks
   * must not wrap to one already past. */
  OK(wt_store_set_epoch_deadline(fx.store, UINT64_MAX));
  wait_start = now_ms();
  OK(wt_instance_call(fx.store, &inst, "wait", NULL, 0, NULL, 0));
  /* Nor a huge delta from the deadline callback. */
  OK(wt_store_set_epoch_deadline_callback(fx.store, huge_delta, NULL, NULL));
  OK(wt_store_set_timeout(fx.store, 10));
  wait_start = now_ms();
  OK(wt_instance_call(fx.store, &inst, "wait", NULL, 0, NULL, 0));
  cr_assert_eq(huge_delta_calls, 1, "the callback ran %d times",
               huge_delta_calls);
  fx_teardown(&fx);
}
