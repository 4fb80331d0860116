/* Interruption: wall-clock timeouts on top of epochs, and what happens to
 * the store afterwards. */
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
