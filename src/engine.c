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
  }
  wt_engine_t *e = calloc(1, sizeof *e);
  wasm_config_t *w = e ? wt__config_build(config) : NULL;
  if (!w) {
    free(e);
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
  wasmtime_error_t *werr = wt_native_engine_new(w, &e->raw);
  if (werr) {
    free(e);
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
  atomic_init(&e->stop_ticking, false);
  atomic_init(&e->user_deleted, false);
  atomic_init(&e->refs, 1);
  pthread_mutex_init(&e->lock, NULL);
  *out = e;
  return NULL;
}

static void *tick(void *p) {
  wt_engine_t *e = p;
  struct timespec ms = {0, 1000000};
  while (!atomic_load(&e->stop_ticking)) {
    nanosleep(&ms, NULL);
    wasmtime_engine_increment_epoch(e->raw);
  }
  return NULL;
}

wt_error_t *wt__engine_start_ticker(wt_engine_t *e) {
  pthread_mutex_lock(&e->lock);
  int rc = 0;
  if (!e->ticking) {
    atomic_store(&e->stop_ticking, false);
    rc = pthread_create(&e->ticker, NULL, tick, e);
    e->ticking = rc == 0;
  }
  pthread_mutex_unlock(&e->lock);
  return rc ? wt__error(WT_ERROR_WASMTIME, "cannot start the epoch ticker: %s",
                        strerror(rc))
            : NULL;
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
