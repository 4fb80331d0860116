/* Exceptions from the host: exnref values made from a tag and read back,
 * thrown by host functions, and carried by the errors of calls that end in
 * an exception no handler caught (store.c takes it out of the store). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define WT_EXN_STACK_VALS 8

static wt_error_t *check_exn_engine(const char *fn, const wt_engine_t *engine) {
  if (!engine->exceptions)
    return wt__error(WT_ERROR_CONFIG,
                     "%s: the engine has no exceptions (its config turns off "
                     "wt_config_set_wasm_exceptions or "
                     "wt_config_set_gc_support)",
                     fn);
  return NULL;
}

/* The rooted exnref behind `val` (borrowed from the store's table): a live,
 * non-null WT_VAL_EXNREF of `store`. */
static wt_error_t *exn_arg(const char *fn, wt_store_t *store,
                           const wt_val_t *val, wasmtime_exnref_t *out) {
  if (!val)
    return wt__misuse(fn, "exn is NULL");
  if (val->kind != WT_VAL_EXNREF)
    return wt__misuse(fn, "value is %s, not exnref",
                      wt_valkind_name(val->kind));
  wasmtime_val_t v;
  wt_error_t *err = wt__ref_get(fn, store, val, &v);
  if (err)
    return err;
  if (wasmtime_exnref_is_null(&v.of.exnref))
    return wt__misuse(fn, "the exnref is null");
  *out = v.of.exnref;
  return NULL;
}

wt_error_t *wt_exn_new(wt_store_t *store, const wt_tag_t *tag,
                       const wt_val_t *fields, size_t nfields,
                       wt_val_t *out) {
  static const char fn[] = "wt_exn_new";
  wasmtime_tag_t raw;
  wt_error_t *err = wt__tag_arg(fn, store, tag, &raw);
  if (err)
    return err;
  if ((nfields && !fields) || !out)
    return wt__misuse(fn, "fields or out is NULL");
  if ((err = check_exn_engine(fn, store->engine)) != NULL)
    return err;
  const wt__sig *sig = wt_tag_type(store, tag);
  if (!sig)
    return wt__error(WT_ERROR_WASMTIME,
                     "%s: the tag's type is not representable", fn);
  if (nfields != sig->nparams)
    return wt__misuse(fn, "got %zu field%s for a tag of type %s", nfields,
                      nfields == 1 ? "" : "s", sig->text);
  for (size_t i = 0; i < nfields; i++)
    if ((err = wt__val_check(fn, "field", i, &fields[i], sig->kinds[i],
                             store)) != NULL) {
      wt_error_t *e = wt__error(WT_ERROR_MISUSE, "%s, for a tag of type %s",
                                wt_error_message(err), sig->text);
      wt_error_delete(err);
      return e;
    }
  wasmtime_val_t stack[WT_EXN_STACK_VALS];
  wasmtime_val_t *vals =
      nfields <= WT_EXN_STACK_VALS ? stack : malloc(nfields * sizeof *vals);
  if (!vals)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  for (size_t i = 0; i < nfields; i++) /* checked: cannot fail */
    wt_error_delete(wt__val_to_wasmtime(fn, store, &fields[i], &vals[i]));
  wasmtime_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = WASMTIME_EXNREF;
  /* Allocating may collect garbage, running externref finalizers. */
  wt__store_enter(store);
  wasmtime_error_t *werr =
      wasmtime_exnref_new(store->ctx, &raw, vals, nfields, &v.of.exnref);
  if (werr) {
    err = wt__gc_error(fn, sig->plain, werr);
  } else if (store->delete_pending) {
    wasmtime_val_unroot(&v);
    err = wt__misuse(fn, "a finalizer deleted the store");
  } else {
    err = wt__ref_put(store, &v, out);
  }
  if (vals != stack)
    free(vals);
  wt__store_leave(store);
  return err;
}

wt_error_t *wt_exn_tag(wt_store_t *store, const wt_val_t *exn,
                       wt_tag_t *out) {
  static const char fn[] = "wt_exn_tag";
  wt_error_t *err = wt__check_store(fn, store);
  if (!err && !out)
    err = wt__misuse(fn, "out is NULL");
  wasmtime_exnref_t x;
  if (err || (err = exn_arg(fn, store, exn, &x)) != NULL)
    return err;
  wasmtime_tag_t t;
  wasmtime_error_t *werr = wasmtime_exnref_tag(store->ctx, &x, &t);
  if (werr)
    return wt__from_wasmtime_in(WT_ERROR_WASMTIME, fn, NULL, werr);
  wt__store_saw(store, t.store_id);
  *out = wt__tag_from(&t);
  return NULL;
}

wt_error_t *wt_exn_field_count(wt_store_t *store, const wt_val_t *exn,
                               size_t *count) {
  static const char fn[] = "wt_exn_field_count";
  wt_error_t *err = wt__check_store(fn, store);
  if (!err && !count)
    err = wt__misuse(fn, "count is NULL");
  wasmtime_exnref_t x;
  if (err || (err = exn_arg(fn, store, exn, &x)) != NULL)
    return err;
  *count = wasmtime_exnref_field_count(store->ctx, &x);
  return NULL;
}

wt_error_t *wt_exn_field(wt_store_t *store, const wt_val_t *exn, size_t i,
                         wt_val_t *out) {
  static const char fn[] = "wt_exn_field";
  wt_error_t *err = wt__check_store(fn, store);
  if (!err && !out)
    err = wt__misuse(fn, "out is NULL");
  wasmtime_exnref_t x;
  if (err || (err = exn_arg(fn, store, exn, &x)) != NULL)
    return err;
  size_t n = wasmtime_exnref_field_count(store->ctx, &x);
  if (i >= n)
    return wt__misuse(fn, "field %zu is out of range: the exception carries "
                          "%zu value%s", i, n, n == 1 ? "" : "s");
  wasmtime_val_t v;
  wasmtime_error_t *werr = wasmtime_exnref_field(store->ctx, &x, i, &v);
  if (werr)
    return wt__from_wasmtime_in(WT_ERROR_WASMTIME, fn, NULL, werr);
  return wt__val_from_wasmtime(store, &v, out);
}

wt_error_t *wt_exn_throw(wt_store_t *store, const wt_val_t *exn) {
  static const char fn[] = "wt_exn_throw";
  wt_error_t *err = wt__check_store(fn, store);
  wasmtime_exnref_t x;
  if (err || (err = exn_arg(fn, store, exn, &x)) != NULL)
    return err;
  /* The error's own root: the caller may release `exn` at once. */
  wasmtime_exnref_t own;
  wasmtime_exnref_clone(&x, &own);
  return wt__error_set_exn(
      wt__error(WT_ERROR_EXCEPTION, "exception thrown by the host"), &own);
}

wt_error_t *wt_error_exception(const wt_error_t *error, wt_store_t *store,
                               wt_val_t *out) {
  static const char fn[] = "wt_error_exception";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!out)
    return wt__misuse(fn, "out is NULL");
  const wasmtime_exnref_t *x = wt__error_exn(error);
  if (!x)
    return wt__misuse(fn, "the error is %s, not an uncaught exception",
                      wt_error_kind(error)
                          ? wt_error_kind_name(wt_error_kind(error))
                          : "NULL or deleted");
  if (x->store_id != store->id)
    return wt__misuse(fn, "the exception belongs to another store (or to a "
                          "deleted one)");
  wasmtime_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = WASMTIME_EXNREF;
  wasmtime_exnref_clone(x, &v.of.exnref);
  return wt__ref_put(store, &v, out);
}

wasm_trap_t *wt__exn_rethrow(wt_store_t *store, const wt_error_t *error) {
  const wasmtime_exnref_t *x = wt__error_exn(error);
  if (!x || x->store_id != store->id)
    return NULL;
  return wasmtime_context_set_exception(store->ctx, x);
}
