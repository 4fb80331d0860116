/* wt_store_t: a Wasmtime store plus what wt needs to check its use. */
#include <stdlib.h>

#include "internal.h"

wt_error_t *wt_store_new(wt_engine_t *engine, void *data,
                         void (*finalizer)(void *), wt_store_t **out) {
  static const char fn[] = "wt_store_new";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  if (!out)
    return wt__misuse(fn, "out is NULL");
  wt_store_t *s = calloc(1, sizeof *s);
  if (!s)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  /* Wasmtime's store data is the wt store, so a host function can find it
   * from its caller. */
  s->raw = wasmtime_store_new(engine->raw, s, NULL);
  if (!s->raw) {
    free(s);
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
  s->magic = WT_MAGIC_STORE;
  s->ctx = wasmtime_store_context(s->raw);
  s->engine = wt__engine_ref(engine);
  s->data = data;
  s->finalizer = finalizer;
  *out = s;
  return NULL;
}

static void store_free(wt_store_t *s) {
  wasmtime_store_delete(s->raw);
  wt_error_delete(s->host_error);
  if (s->finalizer)
    s->finalizer(s->data);
  wt__engine_unref(s->engine);
  s->magic = WT_MAGIC_DEAD;
  free(s);
}

void wt_store_delete(wt_store_t *store) {
  if (!store || store->magic != WT_MAGIC_STORE || store->delete_pending)
    return;
  if (store->depth > 0) {
    store->delete_pending = true;
    return;
  }
  store_free(store);
}

void *wt_store_data(const wt_store_t *store) {
  return wt__store_ok(store) ? store->data : NULL;
}

wt_error_t *wt__check_store(const char *fn, const wt_store_t *store) {
  if (!store)
    return wt__misuse(fn, "store is NULL");
  if (store->magic != WT_MAGIC_STORE)
    return wt__misuse(fn, "store is not a live wt_store_t (deleted?)");
  if (store->delete_pending)
    return wt__misuse(fn, "store is being deleted");
  return NULL;
}

void wt__store_enter(wt_store_t *store) { store->depth++; }

void wt__store_leave(wt_store_t *store) {
  if (--store->depth == 0 && store->delete_pending)
    store_free(store);
}

wt_error_t *wt__call_result(wt_store_t *store, wt_error_kind_t kind,
                            wasmtime_error_t *err, wasm_trap_t *trap) {
  if (!err && !trap)
    return NULL;
  if (store->host_error) {
    wt_error_t *e = store->host_error;
    store->host_error = NULL;
    if (err)
      wasmtime_error_delete(err);
    if (trap)
      wasm_trap_delete(trap);
    return e;
  }
  if (trap) {
    if (err)
      wasmtime_error_delete(err);
    return wt__from_trap(trap);
  }
  return wt__from_wasmtime(kind, err);
}

wt_error_t *wt_store_set_fuel(wt_store_t *store, uint64_t fuel) {
  wt_error_t *err = wt__check_store("wt_store_set_fuel", store);
  if (err)
    return err;
  wasmtime_error_t *werr = wasmtime_context_set_fuel(store->ctx, fuel);
  return werr ? wt__from_wasmtime(WT_ERROR_CONFIG, werr) : NULL;
}

wt_error_t *wt_store_get_fuel(const wt_store_t *store, uint64_t *fuel) {
  wt_error_t *err = wt__check_store("wt_store_get_fuel", store);
  if (err)
    return err;
  if (!fuel)
    return wt__misuse("wt_store_get_fuel", "fuel is NULL");
  wasmtime_error_t *werr = wasmtime_context_get_fuel(store->ctx, fuel);
  return werr ? wt__from_wasmtime(WT_ERROR_CONFIG, werr) : NULL;
}

wt_error_t *wt_store_set_epoch_deadline(wt_store_t *store, uint64_t ticks) {
  wt_error_t *err = wt__check_store("wt_store_set_epoch_deadline", store);
  if (err)
    return err;
  wasmtime_context_set_epoch_deadline(store->ctx, ticks);
  return NULL;
}
