/* GC references: externref with host data, anyref holding i31. */
#include <string.h>

#include "internal.h"

wt_error_t *wt_externref_new(wt_store_t *store, void *data,
                             void (*finalizer)(void *), wt_val_t *out) {
  static const char fn[] = "wt_externref_new";
  wt_error_t *err = wt__check_store(fn, store);
  if (!err && !out)
    err = wt__misuse(fn, "out is NULL");
  if (err) {
    if (finalizer)
      finalizer(data);
    return err;
  }
  wasmtime_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = WASMTIME_EXTERNREF;
  if (!wasmtime_externref_new(store->ctx, data, finalizer, &v.of.externref))
    return wt__error(WT_ERROR_WASMTIME, "%s: the GC heap is out of memory",
                     fn); /* Wasmtime ran the finalizer */
  return wt__ref_put(store, &v, out);
}

wt_error_t *wt_externref_data(wt_store_t *store, const wt_val_t *val,
                              void **data) {
  static const char fn[] = "wt_externref_data";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!val || !data)
    return wt__misuse(fn, "val or data is NULL");
  if (val->kind != WT_EXTERNREF)
    return wt__misuse(fn, "value is %s, not externref",
                      wt_valkind_name(val->kind));
  wasmtime_val_t v;
  if ((err = wt__ref_get(fn, store, val, &v)) != NULL)
    return err;
  *data = v.of.externref.store_id == 0
              ? NULL
              : wasmtime_externref_data(store->ctx, &v.of.externref);
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
  if (val->kind != WT_ANYREF)
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
