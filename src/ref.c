/* GC references: the store's table of references held for the caller, and
 * externref with host data, anyref holding i31. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- the table of references held for the caller ---- */

/*
 * A store's GC references that the caller holds, by slot. Slot i holds a
 * rooted value while gens[i] is odd; releasing it unroots the value and bumps
 * the generation, so copies of a released wt_ref_t no longer match. Made on
 * the first reference the store hands out.
 */
struct wt__refs {
  wasmtime_val_t *vals;
  uint32_t *gens;
  uint32_t *free; /* released slots, reused first */
  uint32_t n, cap, nfree;
};

/* Makes room for one more slot; false when out of memory. */
static bool refs_grow(wt_store_t *store) {
  struct wt__refs *t = store->refs;
  if (!t) {
    if (!(t = calloc(1, sizeof *t)))
      return false;
    store->refs = t;
  }
  if (t->nfree > 0 || t->n < t->cap)
    return true;
  uint32_t cap = t->cap ? t->cap * 2 : 16;
  wasmtime_val_t *vals = realloc(t->vals, cap * sizeof *vals);
  if (vals)
    t->vals = vals;
  uint32_t *gens = realloc(t->gens, cap * sizeof *gens);
  if (gens)
    t->gens = gens;
  uint32_t *fr = realloc(t->free, cap * sizeof *fr);
  if (fr)
    t->free = fr;
  if (!vals || !gens || !fr)
    return false;
  t->cap = cap;
  return true;
}

wt_error_t *wt__ref_put(wt_store_t *store, wasmtime_val_t *rooted,
                        wt_val_t *out) {
  if (rooted->of.externref.store_id == 0) { /* all ref kinds share layout */
    memset(out, 0, sizeof *out);
    out->kind = rooted->kind;
    return NULL;
  }
  wt__store_saw(store, rooted->of.externref.store_id);
  if (!refs_grow(store)) {
    wasmtime_val_unroot(rooted);
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
  struct wt__refs *t = store->refs;
  uint32_t slot;
  if (t->nfree > 0) {
    slot = t->free[--t->nfree];
  } else {
    slot = t->n++;
    t->gens[slot] = 0;
  }
  t->vals[slot] = *rooted;
  t->gens[slot]++; /* odd: live */
  memset(out, 0, sizeof *out); /* written only on success */
  out->kind = rooted->kind;
  out->of.ref.store_id_ = store->id;
  out->of.ref.slot_ = slot;
  out->of.ref.gen_ = t->gens[slot];
  return NULL;
}

static bool ref_live(const wt_store_t *store, const wt_ref_t *r) {
  const struct wt__refs *t = store->refs;
  return t && r->store_id_ == store->id && r->slot_ < t->n &&
         t->gens[r->slot_] == r->gen_ && (r->gen_ & 1);
}

wt_error_t *wt__ref_get(const char *fn, wt_store_t *store, const wt_val_t *v,
                        wasmtime_val_t *out) {
  memset(out, 0, sizeof *out);
  out->kind = v->kind;
  const wt_ref_t *r = &v->of.ref;
  if (r->store_id_ == 0)
    return NULL;
  if (r->store_id_ != store->id)
    return wt__misuse(fn, "%s belongs to another store (or to a deleted one)",
                      wt_valkind_name(v->kind));
  if (!ref_live(store, r))
    return wt__misuse(fn, "%s was released", wt_valkind_name(v->kind));
  const wasmtime_val_t *held = &store->refs->vals[r->slot_];
  if (held->kind != v->kind)
    return wt__misuse(fn, "value says %s but holds %s",
                      wt_valkind_name(v->kind), wt_valkind_name(held->kind));
  *out = *held;
  return NULL;
}

void wt__ref_drop(wt_store_t *store, const wt_ref_t *r) {
  if (r->store_id_ == 0 || !ref_live(store, r))
    return;
  struct wt__refs *t = store->refs;
  wasmtime_val_unroot(&t->vals[r->slot_]);
  t->gens[r->slot_]++; /* even: free */
  t->free[t->nfree++] = r->slot_;
}

void wt__refs_free(wt_store_t *store) {
  struct wt__refs *t = store->refs;
  if (!t)
    return;
  for (uint32_t i = 0; i < t->n; i++)
    if (t->gens[i] & 1)
      wasmtime_val_unroot(&t->vals[i]);
  free(t->vals);
  free(t->gens);
  free(t->free);
  free(t);
  store->refs = NULL;
}

void wt_ref_release(wt_store_t *store, wt_val_t *val) {
  if (!wt__store_ok(store) || !val || !wt__is_ref_kind(val->kind))
    return;
  wt__ref_drop(store, &val->of.ref);
  memset(&val->of, 0, sizeof val->of);
}

/* ---- externref and anyref values ---- */

/* An externref's host data as Wasmtime holds it: the user's data and
 * finalizer, and the store, which the finalizer must refuse while Wasmtime
 * runs it (a garbage collection, or the store's teardown). */
typedef struct host_ref {
  wt_store_t *store;
  void *data;
  void (*finalizer)(void *);
} host_ref;

static void host_ref_free(void *p) {
  host_ref *h = p;
  wt__store_finalize(h->store, h->finalizer, h->data);
  free(h);
}

wt_error_t *wt_externref_new(wt_store_t *store, void *data,
                             void (*finalizer)(void *), wt_val_t *out) {
  static const char fn[] = "wt_externref_new";
  wt_error_t *err = wt__check_store(fn, store);
  if (!err && !out)
    err = wt__misuse(fn, "out is NULL");
  /* Room for the reference first: once Wasmtime holds `data`, a failure
   * could leave the finalizer to a garbage collection. */
  if (!err && !refs_grow(store))
    err = wt__error(WT_ERROR_WASMTIME, "out of memory");
  if (err) {
    if (finalizer)
      finalizer(data);
    return err;
  }
  host_ref *h = malloc(sizeof *h);
  if (!h) {
    if (finalizer)
      finalizer(data);
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
  h->store = store;
  h->data = data;
  h->finalizer = finalizer;
  wasmtime_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = WASMTIME_EXTERNREF;
  /* Allocating may collect garbage, running other externrefs' finalizers. */
  wt__store_enter(store);
  if (!wasmtime_externref_new(store->ctx, h, host_ref_free, &v.of.externref))
    err = wt__error(WT_ERROR_WASMTIME, "%s: the GC heap is out of memory",
                    fn); /* Wasmtime ran the finalizer */
  else if (store->delete_pending) {
    wasmtime_val_unroot(&v);
    err = wt__misuse(fn, "a finalizer deleted the store");
  } else
    err = wt__ref_put(store, &v, out);
  wt__store_leave(store);
  return err;
}

wt_error_t *wt_externref_data(wt_store_t *store, const wt_val_t *val,
                              void **data) {
  static const char fn[] = "wt_externref_data";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!val || !data)
    return wt__misuse(fn, "val or data is NULL");
  if (val->kind != WT_VAL_EXTERNREF)
    return wt__misuse(fn, "value is %s, not externref",
                      wt_valkind_name(val->kind));
  wasmtime_val_t v;
  if ((err = wt__ref_get(fn, store, val, &v)) != NULL)
    return err;
  const host_ref *h =
      v.of.externref.store_id == 0
          ? NULL
          : wasmtime_externref_data(store->ctx, &v.of.externref);
  *data = h ? h->data : NULL;
  return NULL;
}

wt_error_t *wt_anyref_i31(wt_store_t *store, uint32_t value, wt_val_t *out) {
  static const char fn[] = "wt_anyref_i31";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!out)
    return wt__misuse(fn, "out is NULL");
  wasmtime_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = WASMTIME_ANYREF;
  wasmtime_anyref_from_i31(store->ctx, value, &v.of.anyref);
  return wt__ref_put(store, &v, out);
}

wt_error_t *wt_anyref_i31_get(wt_store_t *store, const wt_val_t *val,
                              bool sign, int32_t *out) {
  static const char fn[] = "wt_anyref_i31_get";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!val || !out)
    return wt__misuse(fn, "val or out is NULL");
  if (val->kind != WT_VAL_ANYREF)
    return wt__misuse(fn, "value is %s, not anyref",
                      wt_valkind_name(val->kind));
  wasmtime_val_t v;
  if ((err = wt__ref_get(fn, store, val, &v)) != NULL)
    return err;
  if (v.of.anyref.store_id == 0 ||
      !wasmtime_anyref_is_i31(store->ctx, &v.of.anyref))
    return wt__misuse(fn, "the anyref is not an i31ref");
  if (sign) {
    wasmtime_anyref_i31_get_s(store->ctx, &v.of.anyref, out);
  } else {
    uint32_t u = 0;
    wasmtime_anyref_i31_get_u(store->ctx, &v.of.anyref, &u);
    *out = (int32_t)u;
  }
  return NULL;
}
