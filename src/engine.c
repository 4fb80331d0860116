/* wt_engine_t. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

/*
 * Wasmtime's C API creates an engine with `Engine::new(&config).unwrap()`:
 * a configuration it rejects would abort the process. wt instead builds
 * engines with wt_native_engine_new (native/src/lib.rs), which returns
 * Wasmtime's error for a rejected configuration.
 */

wt_error_t *wt_engine_new(const wt_config_t *config, wt_engine_t **out) {
  static const char fn[] = "wt_engine_new";
  if (!out)
    return wt__misuse(fn, "out is NULL");
  if (config) {
    const char *rejected = wt_config_rejected(config);
    if (rejected && strcmp(rejected, "not a live wt_config_t") == 0)
      return wt__misuse(fn, "config is not a live wt_config_t");
    if (rejected)
      return wt__error(WT_ERROR_CONFIG, "invalid configuration: %s",
                       rejected);
    char why[256];
    if (!wt__config_check(config, why, sizeof why))
      return wt__error(WT_ERROR_CONFIG, "invalid configuration: %s", why);
  }
  wt_engine_t *e = wt__shell_new(sizeof *e);
  wasm_config_t *w = e ? wt__config_build(config) : NULL;
  if (!w) {
    wt__retire(e);
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
  wasmtime_error_t *werr = wt_native_engine_new(w, &e->raw);
  if (werr) {
    wt__retire(e);
    char *m = wt__wasmtime_message(werr);
    wasmtime_error_delete(werr);
    wt_error_t *err = wt__error(WT_ERROR_CONFIG, "invalid configuration: %s",
                                m && *m ? m : "rejected by Wasmtime");
    free(m);
    return err;
  }
  e->magic = WT_MAGIC_ENGINE;
  e->epochs = config && wt__config_epochs(config);
  e->custom_pages = config && wt__config_custom_pages(config);
  e->gc = wt__config_gc(config);
  e->exceptions = wt__config_exceptions(config);
  e->max_wasm_stack =
      config ? wt__config_max_wasm_stack(config) : WT__DEFAULT_MAX_WASM_STACK;
  atomic_init(&e->stop_ticking, false);
  atomic_init(&e->user_deleted, false);
  atomic_init(&e->refs, 1);
  pthread_mutex_init(&e->lock, NULL);
  *out = e;
  return NULL;
}

static uint64_t monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * The ticker follows CLOCK_MONOTONIC: it sleeps to the absolute instant the
 * next tick is due and then gives every tick due by the clock, so a late
 * wake-up (a loaded machine) delays ticks without ever losing them, and the
 * epoch never drifts from elapsed time.
 */
static void *tick(void *p) {
  wt_engine_t *e = p;
  uint64_t given = 0;
  while (!atomic_load(&e->stop_ticking)) {
    uint64_t due_at = e->tick_origin + (given + 1) * 1000000u;
    struct timespec ts = {(time_t)(due_at / 1000000000u),
                          (long)(due_at % 1000000000u)};
    if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
      continue; /* interrupted by a signal: sleep again */
    uint64_t due = (monotonic_ns() - e->tick_origin) / 1000000u;
    while (given < due) {
      wasmtime_engine_increment_epoch(e->raw);
      atomic_store(&e->ticks, ++given);
    }
  }
  return NULL;
}

wt_error_t *wt__engine_start_ticker(wt_engine_t *e) {
  pthread_mutex_lock(&e->lock);
  int rc = 0;
  if (!e->ticking) {
    atomic_store(&e->stop_ticking, false);
    atomic_store(&e->ticks, 0);
    e->tick_origin = monotonic_ns();
    rc = pthread_create(&e->ticker, NULL, tick, e);
    e->ticking = rc == 0;
  }
  pthread_mutex_unlock(&e->lock);
  return rc ? wt__error(WT_ERROR_WASMTIME, "cannot start the epoch ticker: %s",
                        strerror(rc))
            : NULL;
}

uint64_t wt__engine_ticks_until(wt_engine_t *e, uint64_t ms) {
  /* Read the ticks given before the clock: a tick given in between makes
   * the deadline one tick later, never earlier. */
  uint64_t given = atomic_load(&e->ticks);
  uint64_t elapsed = monotonic_ns() - e->tick_origin;
  if (ms >= WT__EPOCH_NEVER || ms > (UINT64_MAX - elapsed) / 1000000u - 1)
    return WT__EPOCH_NEVER;
  /* The first tick due at or after now + ms. */
  uint64_t tick = (elapsed + ms * 1000000u + 999999u) / 1000000u;
  uint64_t ahead = tick > given ? tick - given : 0;
  return ahead < WT__EPOCH_NEVER ? ahead : WT__EPOCH_NEVER;
}

wt_engine_t *wt__engine_ref(wt_engine_t *e) {
  atomic_fetch_add(&e->refs, 1);
  return e;
}

void wt__engine_unref(wt_engine_t *e) {
  if (atomic_fetch_sub(&e->refs, 1) != 1)
    return;
  if (e->ticking) {
    atomic_store(&e->stop_ticking, true);
    pthread_join(e->ticker, NULL);
  }
  wt__sigs_free(e);
  wasm_engine_delete(e->raw);
  pthread_mutex_destroy(&e->lock);
  e->magic = WT_MAGIC_DEAD;
  wt__retire(e);
}

void wt_engine_delete(wt_engine_t *engine) {
  if (!wt__engine_ok(engine))
    return;
  bool was = false;
  if (atomic_compare_exchange_strong(&engine->user_deleted, &was, true))
    wt__engine_unref(engine);
}

void wt_engine_increment_epoch(wt_engine_t *engine) {
  if (wt__engine_ok(engine))
    wasmtime_engine_increment_epoch(engine->raw);
}

bool wt_engine_is_pulley(const wt_engine_t *engine) {
  return wt__engine_ok(engine) && wasmtime_engine_is_pulley(engine->raw);
}

wt_error_t *wt_engine_check_precompiled(wt_engine_t *engine,
                                        const uint8_t *bytes, size_t len) {
  static const char fn[] = "wt_engine_check_precompiled";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  if (!bytes)
    return wt__misuse(fn, "bytes is NULL");
  wasmtime_module_t *m = NULL;
  wasmtime_error_t *err = wasmtime_module_deserialize(engine->raw, bytes,
                                                      len, &m);
  if (err)
    return wt__from_wasmtime(WT_ERROR_COMPILE, err);
  wasmtime_module_delete(m);
  return NULL;
}

const char *wt_version(void) { return WT_VERSION_STRING; }
const char *wt_wasmtime_version(void) { return WASMTIME_VERSION; }
