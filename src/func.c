/* Functions: calls into wasm, host functions and the typed fast path. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- calls into wasm ---- */

#define WT_STACK_VALS 16

/* Calls through Wasmtime's checked entry point, for signatures whose
 * reference types need Wasmtime's subtype checks. */
static wt_error_t *checked_call(wt_store_t *store, const wt_func_t *func,
                                const wt__sig *sig, const wt_val_t *args,
                                wt_val_t *results) {
  static const char fn[] = "wt_func_call";
  size_t n = sig->nparams + sig->nresults;
  wasmtime_val_t *vals = calloc(n ? n : 1, sizeof *vals);
  if (!vals)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  wt_error_t *err = NULL;
  for (size_t i = 0; !err && i < sig->nparams; i++)
    err = wt__val_to_wasmtime(fn, store, &args[i], &vals[i]);
  if (!err) {
    wasmtime_func_t f = wt__func_to(func);
    wasm_trap_t *trap = NULL;
    wasmtime_val_t *res = vals + sig->nparams;
    wt__store_enter(store);
    wasmtime_error_t *werr = wasmtime_func_call(
        store->ctx, &f, vals, sig->nparams, res, sig->nresults, &trap);
    err = wt__call_result(store, WT_ERROR_TRAP, werr, trap);
    for (size_t i = 0; i < sig->nresults; i++) {
      if (!err)
        err = wt__val_from_wasmtime(store, &res[i], &results[i]);
      else if (werr == NULL && trap == NULL)
        wasmtime_val_unroot(&res[i]);
    }
    wt__store_leave(store);
  }
  free(vals);
  return err;
}

/* Checks a function handle of a live store; a null funcref is not one. */
static wt_error_t *check_func(const char *fn, const wt_store_t *store,
                              const wt_func_t *func) {
  if (func->store_id_ == 0)
    return wt__misuse(fn, "func is a null funcref");
  if (func->store_id_ != store->id || !func->sig_)
    return wt__misuse(fn, "func belongs to another store (or to a deleted "
                          "one)");
  return NULL;
}

wt_error_t *wt_func_call(wt_store_t *store, const wt_func_t *func,
                         const wt_val_t *args, size_t nargs,
                         wt_val_t *results, size_t nresults) {
  static const char fn[] = "wt_func_call";
  wt_error_t *err = wt__check_store(fn, store);
  if (!err && !func)
    err = wt__misuse(fn, "func is NULL");
  if (!err)
    err = check_func(fn, store, func);
  if (err)
    return err;
  const wt__sig *sig = func->sig_;
  if (nargs != sig->nparams || nresults != sig->nresults)
    return wt__misuse(fn, "got %zu argument%s and %zu result%s for %s", nargs,
                      nargs == 1 ? "" : "s", nresults,
                      nresults == 1 ? "" : "s", sig->text);
  if ((nargs && !args) || (nresults && !results))
    return wt__misuse(fn, "args or results is NULL");
  for (size_t i = 0; i < nargs; i++)
    if ((err = wt__val_check(fn, "argument", i, &args[i], sig->kinds[i],
                             store)) != NULL) {
      /* Name the signature, as for a wrong count. */
      wt_error_t *e = wt__error(WT_ERROR_MISUSE, "%s, for %s",
                                wt_error_message(err), sig->text);
      wt_error_delete(err);
      return e;
    }
  if (!sig->plain)
    return checked_call(store, func, sig, args, results);

  size_t n = nargs > nresults ? nargs : nresults;
  wasmtime_val_raw_t stack[WT_STACK_VALS];
  wasmtime_val_raw_t *raw = n <= WT_STACK_VALS ? stack : malloc(n * sizeof *raw);
  if (!raw)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  for (size_t i = 0; i < nargs; i++)
    wt__val_to_raw(&args[i], &raw[i], store);
  wasmtime_func_t f = wt__func_to(func);
  wasm_trap_t *trap = NULL;
  wt__store_enter(store);
  wasmtime_error_t *werr =
      wasmtime_func_call_unchecked(store->ctx, &f, raw, n, &trap);
  err = wt__call_result(store, WT_ERROR_TRAP, werr, trap);
  for (size_t i = 0; !err && i < nresults; i++)
    err = wt__val_from_raw(store, sig->kinds[nargs + i], &raw[i], &results[i]);
  wt__store_leave(store);
  if (raw != stack)
    free(raw);
  return err;
}

/* ---- host functions ---- */

/* What Wasmtime keeps for a host function (its env): the user's callback,
 * `cb` or, for wt_linker_define_func_raw, `raw_cb`. */
typedef struct host_func {
  wt_func_cb cb;
  wt_func_raw_cb raw_cb;
  void *env;
  void (*finalizer)(void *);
  const wt__sig *sig;
} host_func;

static void host_func_free(void *p) {
  host_func *h = p;
  if (h->finalizer)
    h->finalizer(h->env);
  free(h);
}

/* The wt store of a host call: Wasmtime's store data. Asked only where it
 * is needed, so the fast paths never pay for it. */
static inline wt_store_t *caller_store(wasmtime_caller_t *caller) {
  return wasmtime_context_get_data(wasmtime_caller_context(caller));
}

/* Parks the error on the store, for the caller of the outermost call, and
 * gives Wasmtime a trap with its message. */
static wasm_trap_t *host_trap(wt_store_t *store, wt_error_t *e) {
  wasm_trap_t *t = wt__to_trap(e);
  wt_error_delete(store->host_error);
  store->host_error = e;
  return t;
}

/*
 * The deleted-store rule, the same for every trampoline: a callback is not
 * called while its store waits to be freed (wt_store_delete during a call),
 * and a callback that deletes its own store makes the host call trap as soon
 * as it returns, so that wasm unwinds at once to the outermost call into the
 * store, which frees it. The trap is the misuse error "the store was deleted
 * during a call", unless the call failed already (the callback returned an
 * error, or left results of the wrong kinds): that error is kept. Results
 * are not written back when the call traps.
 *
 * While no store of the process waits to be freed, checking costs one load
 * (wt__pending_deletes); only then is the caller's store looked up.
 */
__attribute__((cold, noinline)) static wasm_trap_t *
deleted_trap(wasmtime_caller_t *caller) {
  wt_store_t *store = caller_store(caller);
  if (!store->delete_pending)
    return NULL;
  return host_trap(store, wt__misuse("host function",
                                     "the store was deleted during a call"));
}

/* Before the callback: a trap if it must not be called, else NULL. */
static inline wasm_trap_t *host_enter(wasmtime_caller_t *caller) {
  if (__builtin_expect(
          atomic_load_explicit(&wt__pending_deletes, memory_order_relaxed) ==
              0,
          1))
    return NULL;
  return deleted_trap(caller);
}

/* How every trampoline starts: it returns at once if the callback must not
 * be called. */
#define HOST_ENTER(caller)                                                     \
  do {                                                                         \
    wasm_trap_t *refused_ = host_enter(caller);                                \
    if (refused_)                                                              \
      return refused_;                                                         \
  } while (0)

/* After the callback, given its error (or a result check's): the trap the
 * call ends with, or NULL to let wasm go on with the results. */
static inline wasm_trap_t *host_leave(wasmtime_caller_t *caller,
                                      wt_error_t *err) {
  if (__builtin_expect(err != NULL, 0))
    return host_trap(caller_store(caller), err);
  return host_enter(caller);
}

/* The host trampoline for signatures of numbers only: values are copied
 * between Wasmtime's raw slots and wt_val_t without conversions. Chosen at
 * definition time, so the generic trampoline below never sees these. */
static wasm_trap_t *numeric_trampoline(void *env,
                                       wasmtime_caller_t *raw_caller,
                                       wasmtime_val_raw_t *raw, size_t n) {
  host_func *h = env;
  HOST_ENTER(raw_caller);
  const wt__sig *sig = h->sig;
  size_t np = sig->nparams, nr = sig->nresults;
  const wt_valkind_t *kinds = sig->kinds;
  wt_val_t vals[WT_STACK_VALS];
  for (size_t i = 0; i < np; i++) {
    vals[i].kind = kinds[i];
    memcpy(&vals[i].of, &raw[i], sizeof raw[i]);
  }
  wt_val_t *results = vals + np;
  for (size_t i = 0; i < nr; i++) {
    results[i].kind = kinds[np + i];
    memset(&results[i].of, 0, sizeof raw[i]);
  }
  wt_error_t *err =
      h->cb(h->env, (wt_caller_t *)raw_caller, vals, np, results, nr);
  for (size_t i = 0; !err && i < nr; i++)
    if (__builtin_expect(results[i].kind != kinds[np + i], 0))
      err = wt__val_check("host function", "result", i, &results[i],
                          kinds[np + i], caller_store(raw_caller));
  wasm_trap_t *trap = host_leave(raw_caller, err);
  if (__builtin_expect(trap != NULL, 0))
    return trap;
  for (size_t i = 0; i < nr; i++)
    memcpy(&raw[i], &results[i].of, sizeof raw[i]);
  return NULL;
}

/* The host trampoline for every other signature: references are converted
 * (and lent to the callback for the call only), results checked. */
static wasm_trap_t *host_trampoline(void *env, wasmtime_caller_t *raw_caller,
                                    wasmtime_val_raw_t *raw, size_t n) {
  host_func *h = env;
  HOST_ENTER(raw_caller);
  const wt__sig *sig = h->sig;
  wt_store_t *store = caller_store(raw_caller);
  wt_val_t stack[WT_STACK_VALS];
  size_t nvals = sig->nparams + sig->nresults;
  wt_val_t *vals = nvals <= WT_STACK_VALS ? stack : malloc(nvals * sizeof *vals);
  if (!vals)
    return host_trap(store, wt__error(WT_ERROR_WASMTIME, "out of memory"));
  wt_error_t *err = NULL;
  for (size_t i = 0; !err && i < sig->nparams; i++)
    err = wt__val_from_raw(store, sig->kinds[i], &raw[i], &vals[i]);
  wt_val_t *results = vals + sig->nparams;
  for (size_t i = 0; i < sig->nresults; i++) {
    memset(&results[i], 0, sizeof results[i]);
    results[i].kind = sig->kinds[sig->nparams + i];
  }
  if (!err)
    err = h->cb(h->env, (wt_caller_t *)raw_caller, vals, sig->nparams,
                results, sig->nresults);
  for (size_t i = 0; !err && i < sig->nresults; i++)
    err = wt__val_check("host function", "result", i, &results[i],
                        sig->kinds[sig->nparams + i], store);
  wasm_trap_t *trap = host_leave(raw_caller, err);
  for (size_t i = 0; !trap && i < sig->nresults; i++)
    wt__val_to_raw(&results[i], &raw[i], store);
  /* References passed in were lent for the call only. */
  for (size_t i = 0; i < sig->nparams; i++)
    if (wt__is_ref_kind(vals[i].kind))
      wt__ref_drop(store, &vals[i].of.ref);
  if (vals != stack)
    free(vals);
  return trap;
}

/* The trampoline of wt_linker_define_func_raw: Wasmtime's slots are the
 * callback's values. */
static wasm_trap_t *raw_trampoline(void *env, wasmtime_caller_t *raw_caller,
                                   wasmtime_val_raw_t *raw, size_t n) {
  host_func *h = env;
  HOST_ENTER(raw_caller);
  wt_error_t *err =
      h->raw_cb(h->env, (wt_caller_t *)raw_caller, (wt_raw_t *)raw,
                h->sig->nparams, h->sig->nresults);
  return host_leave(raw_caller, err);
}

/* The trampoline a host function needs. */
static wasmtime_func_unchecked_callback_t trampoline_for(const host_func *h) {
  if (h->raw_cb)
    return raw_trampoline;
  return h->sig->numeric && h->sig->nparams + h->sig->nresults <= WT_STACK_VALS
             ? numeric_trampoline
             : host_trampoline;
}

/* A host function to make: where it goes (a store, for wt_func_new, or a
 * linker's module and name), its type (`sig`, or `text` to parse) and its
 * callback (`cb`, or `raw_cb` when `raw`). */
typedef struct host_def {
  const char *fn;
  bool in_store;
  wt_store_t *store;
  wt_func_t *out;
  wt_linker_t *linker;
  const char *module, *name;
  bool from_text;
  const char *text;
  const wt__sig *sig;
  bool raw;
  wt_func_cb cb;
  wt_func_raw_cb raw_cb;
  void *env;
  void (*finalizer)(void *);
} host_def;

/* Checks a definition, in this order: the store or the linker (and names),
 * the type, the callback. Sets d->sig to the type. */
static wt_error_t *host_check(host_def *d) {
  const char *fn = d->fn;
  wt_engine_t *engine;
  wt_error_t *err;
  if (d->in_store) {
    if ((err = wt__check_store(fn, d->store)) != NULL)
      return err;
    engine = d->store->engine;
  } else {
    if (!d->linker || d->linker->magic != WT_MAGIC_LINKER)
      return wt__misuse(fn, "linker is NULL or deleted");
    if (!d->module || !d->name)
      return wt__misuse(fn, "module or name is NULL");
    if (!wt__utf8_valid(d->module, strlen(d->module)) ||
        !wt__utf8_valid(d->name, strlen(d->name)))
      return wt__misuse(fn, "module or name is not valid UTF-8");
    engine = d->linker->engine;
  }
  if (d->from_text) {
    if (!(d->sig = wt__sig_parse(engine, fn, d->text, &err)))
      return err;
  } else if (!d->sig) {
    return wt__misuse(fn, "type is NULL");
  } else if (!wt__sig_of_engine(engine, d->sig)) {
    return wt__misuse(fn, "type belongs to another engine");
  }
  if (d->raw && !d->sig->numeric)
    return wt__misuse(fn, "%s has reference types; use wt_linker_define_func",
                      d->sig->text);
  if (d->in_store && (!d->cb || !d->out))
    return wt__misuse(fn, "callback or out is NULL");
  if (d->raw ? !d->raw_cb : !d->cb)
    return wt__misuse(fn, "callback is NULL");
  return NULL;
}

/* Makes the host function `d` describes. Its env belongs to wt from here
 * on: the finalizer runs at once if this fails. */
static wt_error_t *host_new(host_def *d) {
  wt_error_t *err = host_check(d);
  host_func *h = err ? NULL : malloc(sizeof *h);
  if (!err && !h)
    err = wt__error(WT_ERROR_WASMTIME, "out of memory");
  if (err) {
    if (d->finalizer)
      d->finalizer(d->env);
    return err;
  }
  h->cb = d->raw ? NULL : d->cb;
  h->raw_cb = d->raw ? d->raw_cb : NULL;
  h->env = d->env;
  h->finalizer = d->finalizer;
  h->sig = d->sig;
  if (d->in_store) {
    wasmtime_func_t f;
    wasmtime_func_new_unchecked(d->store->ctx, d->sig->type, trampoline_for(h),
                                h, host_func_free, &f);
    wt__store_saw(d->store, f.store_id);
    *d->out = wt__func_from(&f, d->sig);
    return NULL;
  }
  /* On failure Wasmtime drops `h`, which runs the finalizer. */
  wasmtime_error_t *werr = wasmtime_linker_define_func_unchecked(
      d->linker->raw, d->module, strlen(d->module), d->name, strlen(d->name),
      d->sig->type, trampoline_for(h), h, host_func_free);
  return werr ? wt__from_wasmtime(WT_ERROR_LINK, werr) : NULL;
}

wt_error_t *wt_linker_define_func(wt_linker_t *linker, const char *module,
                                  const char *name, const char *sig_text,
                                  wt_func_cb cb, void *env,
                                  void (*finalizer)(void *)) {
  host_def d = {.fn = __func__, .linker = linker, .module = module,
                .name = name, .from_text = true, .text = sig_text, .cb = cb,
                .env = env, .finalizer = finalizer};
  return host_new(&d);
}

wt_error_t *wt_linker_define_functype(wt_linker_t *linker, const char *module,
                                      const char *name,
                                      const wt_functype_t *type, wt_func_cb cb,
                                      void *env, void (*finalizer)(void *)) {
  host_def d = {.fn = __func__, .linker = linker, .module = module,
                .name = name, .sig = type, .cb = cb, .env = env,
                .finalizer = finalizer};
  return host_new(&d);
}

wt_error_t *wt_linker_define_func_raw(wt_linker_t *linker, const char *module,
                                      const char *name, const char *sig_text,
                                      wt_func_raw_cb cb, void *env,
                                      void (*finalizer)(void *)) {
  host_def d = {.fn = __func__, .linker = linker, .module = module,
                .name = name, .from_text = true, .text = sig_text,
                .raw = true, .raw_cb = cb, .env = env,
                .finalizer = finalizer};
  return host_new(&d);
}

wt_error_t *wt_func_new(wt_store_t *store, const wt_functype_t *type,
                        wt_func_cb cb, void *env, void (*finalizer)(void *),
                        wt_func_t *out) {
  host_def d = {.fn = __func__, .in_store = true, .store = store, .out = out,
                .sig = type, .cb = cb, .env = env, .finalizer = finalizer};
  return host_new(&d);
}

const wt_functype_t *wt_func_type(wt_store_t *store, const wt_func_t *func) {
  if (!wt__store_ok(store) || !func || func->store_id_ == 0 ||
      func->store_id_ != store->id)
    return NULL;
  return func->sig_;
}

wt_error_t *wt_caller_export(wt_caller_t *caller, const char *name,
                             wt_extern_t *out) {
  static const char fn[] = "wt_caller_export";
  if (!caller || !name || !out)
    return wt__misuse(fn, "caller, name or out is NULL");
  wasmtime_extern_t item;
  wasmtime_caller_t *raw = (wasmtime_caller_t *)caller;
  if (!wasmtime_caller_export_get(raw, name, strlen(name), &item))
    return wt__error(WT_ERROR_NOT_FOUND, "%s: the caller has no export "
                                         "named \"%s\"", fn, name);
  return wt__extern_from_wasmtime(caller_store(raw), &item, out);
}

/* A wt_caller_t is Wasmtime's caller; its store is the current store. */
wt_store_t *wt_caller_store(wt_caller_t *caller) {
  return caller ? caller_store((wasmtime_caller_t *)caller) : NULL;
}

/* ---- the typed fast path ---- */

wt_error_t *wt_func_typed(wt_store_t *store, const wt_func_t *func,
                          const char *sig_text, wt_typed_func_t *out) {
  static const char fn[] = "wt_func_typed";
  wt_error_t *err = wt__check_store(fn, store);
  if (!err && (!func || !out))
    err = wt__misuse(fn, "func or out is NULL");
  if (!err)
    err = check_func(fn, store, func);
  if (err)
    return err;
  const wt__sig *want = wt__sig_parse(store->engine, fn, sig_text, &err);
  if (!want)
    return err;
  const wt__sig *have = func->sig_;
  if (want != have)
    return wt__misuse(fn, "the function is %s, not %s", have->text,
                      want->text);
  if (!have->numeric)
    return wt__misuse(fn, "%s has reference types; use wt_func_call",
                      have->text);
  out->store_id_ = func->store_id_;
  out->raw_ = func->raw_;
  out->sig_ = have;
  out->n_ = have->nparams > have->nresults ? have->nparams : have->nresults;
  return NULL;
}

/* The rare outcomes of a typed call, kept out of the hot path. */
__attribute__((cold, noinline)) static wt_error_t *
typed_misuse(wt_store_t *store, const wt_typed_func_t *func,
             const wt_raw_t *vals) {
  static const char fn[] = "wt_func_call_typed";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!func || func->sig_ == NULL)
    return wt__misuse(fn, "func is NULL or not made by wt_func_typed");
  if (!vals)
    return wt__misuse(fn, "vals is NULL");
  return wt__misuse(fn, "func belongs to another store (or to a deleted "
                        "one)");
}

__attribute__((cold, noinline)) static wt_error_t *
typed_finish(wt_store_t *store, wasmtime_error_t *werr, wasm_trap_t *trap) {
  wt_error_t *err = wt__call_result(store, WT_ERROR_TRAP, werr, trap);
  if (store->depth == 0 && store->delete_pending)
    wt__store_free_deferred(store);
  return err;
}

wt_error_t *wt_func_call_typed(wt_store_t *store, const wt_typed_func_t *func,
                               wt_raw_t *vals) {
  if (__builtin_expect(!store || !func || store->magic != WT_MAGIC_STORE ||
                           func->store_id_ != store->id || !func->sig_ ||
                           (!vals && func->n_ > 0),
                       0))
    return typed_misuse(store, func, vals);
  wasm_trap_t *trap = NULL;
  if (store->depth++ == 0)
    store->owner = wt__thread_tag();
  wasmtime_error_t *werr = wasmtime_func_call_unchecked(
      store->ctx, wt__typed_func_raw(func), (wasmtime_val_raw_t *)vals,
      func->n_, &trap);
  if (__builtin_expect((--store->depth == 0 && store->delete_pending) ||
                           werr != NULL || trap != NULL,
                       0))
    return typed_finish(store, werr, trap);
  return NULL;
}
