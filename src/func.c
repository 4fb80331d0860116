/* Functions: calls into wasm, host functions and the typed fast path. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- calls into wasm ---- */

#define WT_STACK_VALS 16

/* Drops the references among `n` converted values (the call failed after
 * converting them, so the caller never sees them). */
static void drop_refs(wt_store_t *store, const wt_val_t *vals, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (wt__is_ref_kind(vals[i].kind))
      wt__ref_drop(store, &vals[i].of.ref);
}

/* Calls through Wasmtime's checked entry point, for signatures whose
 * reference types need Wasmtime's subtype checks. */
__attribute__((noinline)) static wt_error_t *
checked_call(wt_store_t *store, const wt_func_t *func, const wt__sig *sig,
             const wt_val_t *args, wt_val_t *results) {
  static const char fn[] = "wt_func_call";
  size_t n = sig->nparams + sig->nresults;
  /* Results are converted into `conv` and copied out only when all of them
   * are converted: out parameters are written only on success. */
  wasmtime_val_t *vals = calloc(n ? n : 1, sizeof *vals);
  wt_val_t *conv = calloc(sig->nresults ? sig->nresults : 1, sizeof *conv);
  if (!vals || !conv) {
    free(vals);
    free(conv);
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
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
    bool called = !err;
    size_t done = 0;
    for (size_t i = 0; i < sig->nresults; i++) {
      if (!err && !(err = wt__val_from_wasmtime(store, &res[i], &conv[i])))
        done++;
      else if (called && i > done) /* not converted: still rooted */
        wasmtime_val_unroot(&res[i]);
    }
    if (err)
      drop_refs(store, conv, done);
    else if (sig->nresults > 0) /* results may be NULL without results */
      memcpy(results, conv, sig->nresults * sizeof *results);
    wt__store_leave(store);
  }
  free(vals);
  free(conv);
  return err;
}

/* A number from Wasmtime's raw slot: every member of both unions is at
 * offset 0. */
static inline void number_from_raw(wt_valkind_t kind,
                                   const wasmtime_val_raw_t *raw,
                                   wt_val_t *out) {
  out->kind = kind;
  memset(&out->of, 0, sizeof out->of);
  memcpy(&out->of, raw,
         kind == WT_VAL_V128                        ? 16
         : kind == WT_VAL_I64 || kind == WT_VAL_F64 ? 8
                                                    : 4);
}

/* The results of an unchecked call with references among them, converted
 * into a buffer first and copied to `results` only when all are. */
__attribute__((noinline)) static wt_error_t *
results_from_raw(wt_store_t *store, const wt__sig *sig,
                 const wasmtime_val_raw_t *raw, wt_val_t *results) {
  size_t nr = sig->nresults;
  const wt_valkind_t *kinds = sig->kinds + sig->nparams;
  wt_val_t stack[WT_STACK_VALS];
  wt_val_t *conv = nr <= WT_STACK_VALS ? stack : malloc(nr * sizeof *conv);
  if (!conv)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  wt_error_t *err = NULL;
  size_t done = 0;
  for (; done < nr; done++)
    if ((err = wt__val_from_raw(store, kinds[done], &raw[done], &conv[done])))
      break;
  if (err)
    drop_refs(store, conv, done);
  else if (nr > 0) /* results may be NULL without results */
    memcpy(results, conv, nr * sizeof *results);
  if (conv != stack)
    free(conv);
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

/* Values an unchecked call keeps in its own frame; more go to a larger
 * frame (WT_STACK_VALS) or to the heap. */
#define WT_SMALL_VALS 2

/*
 * The unchecked call of a plain signature, with `raw` room for the larger
 * of its argument and result counts. It is inlined into call_small and
 * call_large, which differ only in that buffer: the usual call then runs in
 * a small frame, which matters when host functions call back into wasm,
 * since every level of such a recursion holds one (docs/performance.md).
 */
/* A number into Wasmtime's raw slot: every member of both unions is at
 * offset 0. */
static inline void number_to_raw(const wt_val_t *val, wasmtime_val_raw_t *raw) {
  memset(raw, 0, sizeof *raw);
  memcpy(raw, &val->of,
         val->kind == WT_VAL_V128                             ? 16
         : val->kind == WT_VAL_I64 || val->kind == WT_VAL_F64 ? 8
                                                              : 4);
}

/* Arguments of a plain signature with references into raw slots. */
__attribute__((noinline)) static void
args_to_raw(wt_store_t *store, size_t np, const wt_val_t *args,
            wasmtime_val_raw_t *raw) {
  for (size_t i = 0; i < np; i++)
    wt__val_to_raw(&args[i], &raw[i], store);
}

/* What follows an unchecked call. It reads the signature again from `func`
 * so that the caller keeps nothing else across the call into wasm. */
static inline __attribute__((always_inline)) wt_error_t *
plain_finish(wt_store_t *store, const wt_func_t *func, wt_val_t *results,
             const wasmtime_val_raw_t *raw, wasmtime_error_t *werr,
             wasm_trap_t *trap, bool numeric) {
  wt_error_t *err = NULL;
  const wt__sig *sig = func->sig_;
  if (__builtin_expect(werr != NULL || trap != NULL, 0))
    err = wt__call_result(store, WT_ERROR_TRAP, werr, trap);
  else if (numeric) /* numbers: no conversion can fail */
    for (size_t i = 0; i < sig->nresults; i++)
      number_from_raw(sig->kinds[sig->nparams + i], &raw[i], &results[i]);
  else
    err = results_from_raw(store, sig, raw, results);
  wt__store_leave(store);
  return err;
}

/*
 * The unchecked call of a plain signature, with `raw` room for the larger
 * of its argument and result counts (`numeric`: sig->numeric, known where it
 * is inlined). It is inlined into call_small, for numbers only and a few
 * values, and call_large, for the rest: the usual call then runs in a small
 * frame, which matters when host functions call back into wasm, since every
 * level of such a recursion holds one (docs/performance.md).
 */
static inline __attribute__((always_inline)) wt_error_t *
plain_call(wt_store_t *store, const wt_func_t *func, const wt_val_t *args,
           wt_val_t *results, wasmtime_val_raw_t *raw, bool numeric) {
  const wt__sig *sig = func->sig_;
  size_t np = sig->nparams, nr = sig->nresults;
  if (numeric)
    for (size_t i = 0; i < np; i++)
      number_to_raw(&args[i], &raw[i]);
  else
    args_to_raw(store, np, args, raw);
  wasm_trap_t *trap = NULL;
  wt__store_enter(store);
  wasmtime_error_t *werr = wasmtime_func_call_unchecked(
      store->ctx, wt__func_raw(func), raw, np > nr ? np : nr, &trap);
  return plain_finish(store, func, results, raw, werr, trap, numeric);
}

__attribute__((noinline)) static wt_error_t *
call_small(wt_store_t *store, const wt_func_t *func, const wt_val_t *args,
           wt_val_t *results) {
  wasmtime_val_raw_t raw[WT_SMALL_VALS];
  return plain_call(store, func, args, results, raw, true);
}

__attribute__((noinline)) static wt_error_t *
call_large(wt_store_t *store, const wt_func_t *func, const wt_val_t *args,
           wt_val_t *results, size_t n) {
  wasmtime_val_raw_t stack[WT_STACK_VALS];
  wasmtime_val_raw_t *raw = n <= WT_STACK_VALS ? stack : malloc(n * sizeof *raw);
  if (!raw)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  const wt__sig *sig = func->sig_;
  wt_error_t *err = plain_call(store, func, args, results, raw, sig->numeric);
  if (raw != stack)
    free(raw);
  return err;
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
  if ((err = wt__stack_check(fn, store)) != NULL)
    return err;
  /* Tail calls: this frame is gone while wasm runs. */
  if (!sig->plain)
    return checked_call(store, func, sig, args, results);
  size_t n = nargs > nresults ? nargs : nresults;
  if (n <= WT_SMALL_VALS && sig->numeric)
    return call_small(store, func, args, results);
  return call_large(store, func, args, results, n);
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
 * gives Wasmtime a trap with its message; an exception (WT_ERROR_EXCEPTION)
 * is thrown instead. */
static wasm_trap_t *host_trap(wt_store_t *store, wt_error_t *e) {
  if (__builtin_expect(wt_error_kind(e) == WT_ERROR_EXCEPTION, 0)) {
    /* An exception is thrown into the calling wasm, which may catch it:
     * nothing is parked. One of another store cannot be thrown here. */
    wasm_trap_t *thrown = wt__exn_rethrow(store, e);
    wt_error_delete(e);
    if (thrown)
      return thrown;
    e = wt__misuse("host function",
                   "it returned an exception of another store");
  }
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

/*
 * The host trampolines hold the callback's wt_val_t values in their frame.
 * Each comes in sizes, chosen at definition time by the signature's count of
 * values, so that a frame holds the values a signature needs and little
 * more: a host function that calls back into wasm keeps one frame per level
 * of the recursion (docs/performance.md).
 */
#define TRAMPOLINE_OF_SIZE(name, body, cap)                                    \
  static wasm_trap_t *name(void *env, wasmtime_caller_t *raw_caller,           \
                           wasmtime_val_raw_t *raw, size_t n) {                \
    wt_val_t vals[cap];                                                        \
    return body(env, raw_caller, raw, vals, cap);                              \
  }

/* The misuse error for the first result a callback left of another kind
 * than the signature's. */
__attribute__((cold, noinline)) static wt_error_t *
result_kind_error(wasmtime_caller_t *raw_caller, const wt__sig *sig,
                  const wt_val_t *results) {
  const wt_valkind_t *kinds = sig->kinds + sig->nparams;
  for (size_t i = 0; i < sig->nresults; i++)
    if (results[i].kind != kinds[i])
      return wt__val_check("host function", "result", i, &results[i],
                           kinds[i], caller_store(raw_caller));
  return NULL;
}

/* The trap of a numeric host call that failed: the callback's error, or
 * else the misuse of a result of the wrong kind. */
__attribute__((cold, noinline)) static wasm_trap_t *
numeric_fail(wasmtime_caller_t *raw_caller, wt_error_t *err,
             const wt__sig *sig, const wt_val_t *results) {
  if (!err)
    err = result_kind_error(raw_caller, sig, results);
  return host_trap(caller_store(raw_caller), err);
}

/* The host trampoline for signatures of numbers only: values are copied
 * between Wasmtime's raw slots and wt_val_t without conversions. Chosen at
 * definition time, so the generic trampoline below never sees these. */
static inline __attribute__((always_inline)) wasm_trap_t *
numeric_body(void *env, wasmtime_caller_t *raw_caller, wasmtime_val_raw_t *raw,
             wt_val_t *vals, size_t cap) {
  host_func *h = env;
  HOST_ENTER(raw_caller);
  const wt__sig *sig = h->sig;
  size_t np = sig->nparams, nr = sig->nresults;
  const wt_valkind_t *kinds = sig->kinds;
  for (size_t i = 0; i < np; i++) {
    vals[i].kind = kinds[i];
    memcpy(&vals[i].of, &raw[i], sizeof raw[i]);
  }
  for (size_t i = 0; i < nr; i++) {
    vals[np + i].kind = kinds[np + i];
    memset(&vals[np + i].of, 0, sizeof raw[i]);
  }
  wt_error_t *err =
      h->cb(h->env, (wt_caller_t *)raw_caller, vals, np, vals + np, nr);
  /* The signature is read again from `h` rather than kept: only h, the
   * caller, raw and vals then live across the callback, in a small frame. */
  sig = h->sig;
  np = sig->nparams;
  nr = sig->nresults;
  wt_val_t *results = vals + np;
  bool wrong_kind = false;
  for (size_t i = 0; i < nr; i++)
    wrong_kind |= results[i].kind != sig->kinds[np + i];
  if (__builtin_expect(err != NULL || wrong_kind, 0))
    return numeric_fail(raw_caller, err, sig, results);
  /* Written before the deleted-store check, with no call in between: when
   * the call traps after all, Wasmtime ignores them. */
  for (size_t i = 0; i < nr; i++)
    memcpy(&raw[i], &results[i].of, sizeof raw[i]);
  return host_enter(raw_caller);
}
TRAMPOLINE_OF_SIZE(numeric_trampoline_2, numeric_body, 2)
TRAMPOLINE_OF_SIZE(numeric_trampoline_4, numeric_body, 4)
TRAMPOLINE_OF_SIZE(numeric_trampoline_16, numeric_body, WT_STACK_VALS)

/* The host trampoline for every other signature: references are converted
 * (and lent to the callback for the call only), results checked. */
static inline __attribute__((always_inline)) wasm_trap_t *
generic_body(void *env, wasmtime_caller_t *raw_caller, wasmtime_val_raw_t *raw,
             wt_val_t *stack, size_t cap) {
  host_func *h = env;
  HOST_ENTER(raw_caller);
  const wt__sig *sig = h->sig;
  wt_store_t *store = caller_store(raw_caller);
  size_t nvals = sig->nparams + sig->nresults;
  wt_val_t *vals = nvals <= cap ? stack : malloc(nvals * sizeof *vals);
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
TRAMPOLINE_OF_SIZE(host_trampoline_4, generic_body, 4)
TRAMPOLINE_OF_SIZE(host_trampoline_16, generic_body, WT_STACK_VALS)

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
  size_t nvals = h->sig->nparams + h->sig->nresults;
  if (h->sig->numeric && nvals <= WT_STACK_VALS)
    return nvals <= 2   ? numeric_trampoline_2
           : nvals <= 4 ? numeric_trampoline_4
                        : numeric_trampoline_16;
  return nvals <= 4 ? host_trampoline_4 : host_trampoline_16;
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

/* The outermost typed call on a thread whose stack may be too small (or
 * not looked up yet): wt__stack_check's slow path. */
__attribute__((cold, noinline)) static wt_error_t *
typed_stack(wt_store_t *store) {
  return wt__stack_refuse("wt_func_call_typed", store, wt__stack_pointer());
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
  if (__builtin_expect(store->depth == 0 &&
                           wt__stack_pointer() - store->stack_need <
                               wt__stack_floor,
                       0)) {
    wt_error_t *err = typed_stack(store);
    if (err)
      return err;
  }
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
