/* wt_store_t: a Wasmtime store plus what wt needs to check its use. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

__thread char wt__thread_marker;

atomic_uint wt__pending_deletes;

wt_error_t *wt_store_new(wt_engine_t *engine, void *data,
                         void (*finalizer)(void *), wt_store_t **out) {
  static const char fn[] = "wt_store_new";
  wt_error_t *err = NULL;
  if (!wt__engine_ok(engine))
    err = wt__misuse(fn, "engine is NULL or deleted");
  else if (!out)
    err = wt__misuse(fn, "out is NULL");
  wt_store_t *s = err ? NULL : wt__shell_new(sizeof *s);
  if (!err && !s)
    err = wt__error(WT_ERROR_WASMTIME, "out of memory");
  if (err) {
    if (finalizer) /* a failed call finalizes at once */
      finalizer(data);
    return err;
  }
  /* Wasmtime's store data is the wt store, so a host function can find it
   * from its caller. */
  s->raw = wasmtime_store_new(engine->raw, s, NULL);
  if (!s->raw) {
    wt__retire(s);
    if (finalizer)
      finalizer(data);
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
  s->magic = WT_MAGIC_STORE;
  s->ctx = wasmtime_store_context(s->raw);
  s->engine = wt__engine_ref(engine);
  s->stack_need = engine->max_wasm_stack + WT__STACK_HOST_MARGIN;
  s->data = data;
  s->finalizer = finalizer;
  *out = s;
  return NULL;
}

const char *wt__store_name(wt_store_t *s, const char *raw, size_t len) {
  if (s->nnames * 2 >= s->cap_names) {
    size_t cap = s->cap_names ? s->cap_names * 2 : 32;
    struct wt__name *t = calloc(cap, sizeof *t);
    if (!t)
      return NULL;
    for (size_t i = 0; i < s->cap_names; i++) {
      if (!s->names[i].raw)
        continue;
      size_t h = ((uintptr_t)s->names[i].raw >> 3) & (cap - 1);
      while (t[h].raw)
        h = (h + 1) & (cap - 1);
      t[h] = s->names[i];
    }
    free(s->names);
    s->names = t;
    s->cap_names = cap;
  }
  size_t h = ((uintptr_t)raw >> 3) & (s->cap_names - 1);
  while (s->names[h].raw) {
    if (s->names[h].raw == raw && s->names[h].len == len)
      return s->names[h].copy;
    h = (h + 1) & (s->cap_names - 1);
  }
  char *copy = malloc(len + 1);
  if (!copy)
    return NULL;
  memcpy(copy, raw, len);
  copy[len] = '\0';
  s->names[h].raw = raw;
  s->names[h].len = len;
  s->names[h].copy = copy;
  s->nnames++;
  return copy;
}

/* Frees a store. It looks deleted to every wt function from the first line:
 * finalizers run below (Wasmtime's, for externrefs, host functions and the
 * epoch callback, then the store data's) get misuse errors for it. */
static void store_free(wt_store_t *s) {
  s->magic = WT_MAGIC_DYING;
  wt__refs_free(s); /* while the Wasmtime store lives */
  wt__gc_free(s);
  wasmtime_store_delete(s->raw);
  s->raw = NULL;
  wt__wasi_free(s); /* after the Wasmtime store, whose WASI writes to it */
  wt__shared_memories_free(s);
  wt__cval_store_free(s);
  wt__resources_free(s); /* after the Wasmtime store: it may run dtors */
  for (size_t i = 0; i < s->cap_names; i++)
    free(s->names[i].copy);
  free(s->names);
  wt_error_delete(s->host_error);
  if (s->delete_pending)
    atomic_fetch_sub(&wt__pending_deletes, 1);
  if (s->finalizer)
    s->finalizer(s->data);
  wt__engine_unref(s->engine);
  s->magic = WT_MAGIC_DEAD;
  wt__retire(s);
}

void wt_store_delete(wt_store_t *store) {
  if (!store)
    return;
  if (store->magic == WT_MAGIC_FINALIZING && !store->delete_pending) {
    /* From a finalizer Wasmtime runs inside a call into the store (a
     * garbage collection): freed when that call returns. */
    store->delete_pending = true;
    atomic_fetch_add(&wt__pending_deletes, 1);
    return;
  }
  if (store->magic != WT_MAGIC_STORE)
    return;
  if (store->depth > 0) {
    store->delete_pending = true;
    store->magic = WT_MAGIC_DYING;
    atomic_fetch_add(&wt__pending_deletes, 1);
    return;
  }
  store_free(store);
}

void wt__store_free_deferred(wt_store_t *store) { store_free(store); }

void wt__store_finalize(wt_store_t *store, void (*finalizer)(void *),
                        void *data) {
  if (!finalizer)
    return;
  if (store->magic != WT_MAGIC_STORE) { /* being freed, or already marked */
    finalizer(data);
    return;
  }
  store->magic = WT_MAGIC_FINALIZING;
  finalizer(data);
  store->magic = store->delete_pending ? WT_MAGIC_DYING : WT_MAGIC_STORE;
}

void *wt_store_data(const wt_store_t *store) {
  return store && (store->magic == WT_MAGIC_STORE ||
                   store->magic == WT_MAGIC_FINALIZING)
             ? store->data
             : NULL;
}

wt_error_t *wt_store_set_data(wt_store_t *store, void *data,
                              void (*finalizer)(void *)) {
  wt_error_t *err = wt__check_store("wt_store_set_data", store);
  if (err) {
    if (finalizer) /* a failed call finalizes at once */
      finalizer(data);
    return err;
  }
  void *old = store->data;
  void (*old_finalizer)(void *) = store->finalizer;
  store->data = data;
  store->finalizer = finalizer;
  if (old_finalizer)
    old_finalizer(old);
  return NULL;
}

wt_error_t *wt__check_store(const char *fn, const wt_store_t *store) {
  if (!store)
    return wt__misuse(fn, "store is NULL");
  if (store->magic == WT_MAGIC_DYING)
    return wt__misuse(fn, "store is being deleted");
  if (store->magic == WT_MAGIC_FINALIZING)
    return wt__misuse(fn, "store is running a finalizer inside Wasmtime "
                          "(a garbage collection or a replaced callback)");
  if (store->magic != WT_MAGIC_STORE)
    return wt__misuse(fn, "store is not a live wt_store_t (deleted?)");
  /* A store is Wasmtime's to use from one thread at a time. This catches a
   * second thread arriving while the first runs wasm (not a race between
   * two threads that enter at the same instant). */
  if (store->depth > 0 && store->owner != wt__thread_tag())
    return wt__misuse(fn, "the store is running wasm on another thread");
  return NULL;
}

wt_error_t *wt__check_handle(const char *fn, const wt_store_t *store,
                             const char *what, const void *handle,
                             uint64_t store_id) {
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!handle)
    return wt__misuse(fn, "%s is NULL", what);
  if (store_id == 0 || store_id != store->id)
    return wt__misuse(fn, "%s belongs to another store (or to a deleted one)",
                      what);
  return NULL;
}

/* Whether Wasmtime refused an instantiation because of a store limit
 * (wt_store_set_limits): that is not a link error. Wasmtime words these as
 * "resource limit exceeded: <count> too high" and "<memory|table> minimum
 * size of N ... exceeds <memory|table> limits". */
static bool is_limit_error(const wasmtime_error_t *err) {
  static const char *const marks[] = {"resource limit exceeded",
                                      "exceeds memory limits",
                                      "exceeds table limits"};
  char *text = wt__wasmtime_message(err);
  bool limit = false;
  for (size_t i = 0; text && !limit && i < sizeof marks / sizeof marks[0]; i++)
    limit = strstr(text, marks[i]) != NULL;
  free(text);
  return limit;
}

wt_error_t *wt__call_result(wt_store_t *store, wt_error_kind_t kind,
                            wasmtime_error_t *err, wasm_trap_t *trap) {
  if (!err && !trap)
    return NULL;
  if (err && kind == WT_ERROR_LINK) {
    /* An error with a wasm backtrace happened while running wasm (a start
     * function's import failed, say): that is a trap, not a link error. */
    wasm_frame_vec_t frames;
    wasmtime_error_wasm_trace(err, &frames);
    if (frames.size > 0)
      kind = WT_ERROR_TRAP;
    else if (is_limit_error(err))
      kind = WT_ERROR_WASMTIME;
    wasm_frame_vec_delete(&frames);
  }
  /* An exception no handler caught is pending in the store: it is taken
   * out, so that the store is clean for the next call, and the error
   * carries it. */
  wasmtime_exnref_t exn;
  bool thrown = wasmtime_context_take_exception(store->ctx, &exn);
  if (store->host_error) {
    wt_error_t *e = store->host_error;
    store->host_error = NULL;
    if (err)
      wasmtime_error_delete(err);
    if (trap)
      wasm_trap_delete(trap);
    if (thrown)
      wasmtime_exnref_unroot(&exn);
    return e;
  }
  wt_error_t *e;
  if (trap) {
    if (err)
      wasmtime_error_delete(err);
    e = wt__from_trap(trap);
  } else {
    e = wt__from_wasmtime(kind, err);
  }
  return thrown ? wt__error_set_exn(e, &exn) : e;
}

wt_error_t *wt_store_set_fuel(wt_store_t *store, uint64_t fuel) {
  wt_error_t *err = wt__check_store("wt_store_set_fuel", store);
  if (err)
    return err;
  uint64_t left = 0;
  wasmtime_error_t *werr = wasmtime_context_get_fuel(store->ctx, &left);
  if (!werr)
    werr = wasmtime_context_set_fuel(store->ctx, fuel);
  if (werr)
    return wt__from_wasmtime(WT_ERROR_CONFIG, werr);
  store->fuel_base += store->fuel_level > left ? store->fuel_level - left : 0;
  store->fuel_level = fuel;
  return NULL;
}

wt_error_t *wt_store_fuel_consumed(const wt_store_t *store,
                                   uint64_t *consumed) {
  uint64_t left;
  wt_error_t *err = wt_store_fuel(store, &left);
  if (err)
    return err;
  if (!consumed)
    return wt__misuse("wt_store_fuel_consumed", "consumed is NULL");
  *consumed = store->fuel_base +
              (store->fuel_level > left ? store->fuel_level - left : 0);
  return NULL;
}

typedef struct epoch_cb {
  wt_epoch_cb cb;
  void *env;
  void (*finalizer)(void *);
  wt_store_t *store;
} epoch_cb;

static void epoch_cb_free(void *p) {
  epoch_cb *e = p;
  wt__store_finalize(e->store, e->finalizer, e->env);
  free(e);
}

static wasmtime_error_t *epoch_trampoline(wasmtime_context_t *ctx, void *data,
                                          uint64_t *delta,
                                          wasmtime_update_deadline_kind_t *kind) {
  epoch_cb *e = data;
  *kind = WASMTIME_UPDATE_DEADLINE_CONTINUE;
  uint64_t d = 1;
  /* The host functions' deleted-store rule (func.c): the callback is not
   * called while the store waits to be freed, and a callback that deletes
   * the store stops wasm at once (unless it failed with its own error), so
   * that the outermost call returns and frees the store. */
  wt_error_t *err = NULL;
  if (!e->store->delete_pending)
    err = e->cb(e->env, e->store, &d);
  if (!err && e->store->delete_pending)
    err = wt__misuse("epoch deadline callback",
                     "the store was deleted during a call");
  if (!err) {
    *delta = d < WT__EPOCH_NEVER ? d : WT__EPOCH_NEVER;
    return NULL;
  }
  /* The error itself goes to the caller; Wasmtime gets its message. */
  const char *m = wt_error_message(err);
  wt_error_delete(e->store->host_error);
  e->store->host_error = err;
  return wasmtime_error_new(m);
}

wt_error_t *wt_store_set_epoch_deadline_callback(wt_store_t *store, wt_epoch_cb cb,
                                             void *env,
                                             void (*finalizer)(void *)) {
  static const char fn[] = "wt_store_set_epoch_deadline_callback";
  wt_error_t *err = wt__check_store(fn, store);
  if (err) {
    if (finalizer)
      finalizer(env);
    return err;
  }
  if (!cb) {
    if (finalizer)
      finalizer(env);
    return wt__misuse(fn, "cb is NULL");
  }
  epoch_cb *e = malloc(sizeof *e);
  if (!e) {
    if (finalizer)
      finalizer(env);
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
  e->cb = cb;
  e->env = env;
  e->finalizer = finalizer;
  e->store = store;
  /* Wasmtime drops the callback this replaces, running its finalizer. */
  wt__store_enter(store);
  wasmtime_store_epoch_deadline_callback(store->raw, epoch_trampoline, e,
                                         epoch_cb_free);
  wt__store_leave(store);
  return NULL;
}

wt_error_t *wt_store_set_limits(wt_store_t *store, const wt_limits_t *l) {
  static const char fn[] = "wt_store_set_limits";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!l)
    return wt__misuse(fn, "limits is NULL");
  const int64_t v[] = {l->memory_size, l->table_elements, l->instances,
                       l->tables, l->memories};
  static const char *const names[] = {"memory_size", "table_elements",
                                      "instances", "tables", "memories"};
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
    if (v[i] < -1)
      return wt__misuse(fn, "limits->%s is %lld: a limit is -1 (none) or "
                            "at least 0", names[i], (long long)v[i]);
  wasmtime_store_limiter(store->raw, l->memory_size, l->table_elements,
                         l->instances, l->tables, l->memories);
  return NULL;
}

wt_error_t *wt_store_fuel(const wt_store_t *store, uint64_t *fuel) {
  wt_error_t *err = wt__check_store("wt_store_fuel", store);
  if (err)
    return err;
  if (!fuel)
    return wt__misuse("wt_store_fuel", "fuel is NULL");
  uint64_t left = 0;
  wasmtime_error_t *werr = wasmtime_context_get_fuel(store->ctx, &left);
  if (werr)
    return wt__from_wasmtime(WT_ERROR_CONFIG, werr);
  *fuel = left;
  return NULL;
}

wt_error_t *wt_store_set_epoch_deadline(wt_store_t *store, uint64_t ticks) {
  wt_error_t *err = wt__check_store("wt_store_set_epoch_deadline", store);
  if (err)
    return err;
  /* Wasmtime adds `ticks` to the epoch: cut it so that the sum cannot
   * wrap around to a deadline already past. */
  wasmtime_context_set_epoch_deadline(
      store->ctx, ticks < WT__EPOCH_NEVER ? ticks : WT__EPOCH_NEVER);
  return NULL;
}

wt_error_t *wt_store_gc(wt_store_t *store) {
  wt_error_t *err = wt__check_store("wt_store_gc", store);
  if (err)
    return err;
  /* Finalizers run inside; one that deletes the store has it freed here. */
  wt__store_enter(store);
  wasmtime_error_t *werr = wasmtime_context_gc(store->ctx);
  wt__store_leave(store);
  return werr ? wt__from_wasmtime(WT_ERROR_WASMTIME, werr) : NULL;
}

wt_error_t *wt_store_set_timeout(wt_store_t *store, uint64_t ms) {
  static const char fn[] = "wt_store_set_timeout";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!store->engine->epochs)
    return wt__error(WT_ERROR_CONFIG, "%s: the engine's config does not turn "
                                      "on wt_config_set_epoch_interruption", fn);
  if ((err = wt__engine_start_ticker(store->engine)) != NULL)
    return err;
  /* The deadline is an instant of the monotonic clock, turned into the
   * ticks until then; a huge timeout means never. */
  wasmtime_context_set_epoch_deadline(
      store->ctx, wt__engine_ticks_until(store->engine, ms));
  return NULL;
}
