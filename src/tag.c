/* wt_tag_t: exception tags. */
#include <string.h>

#include "internal.h"

wt_error_t *wt_tag_new(wt_store_t *store, const wt_functype_t *type,
                       wt_tag_t *out) {
  static const char fn[] = "wt_tag_new";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!type || !out)
    return wt__misuse(fn, "type or out is NULL");
  if (type->nresults != 0)
    return wt__misuse(fn, "a tag's type has no results, not %s", type->text);
  wasm_tagtype_t *tt = wasm_tagtype_new(wasm_functype_copy(type->type));
  wasmtime_tag_t t;
  wasmtime_error_t *werr = wasmtime_tag_new(store->ctx, tt, &t);
  wasm_tagtype_delete(tt);
  if (werr)
    return wt__from_wasmtime(WT_ERROR_WASMTIME, werr);
  wt__store_saw(store, t.store_id);
  *out = wt__tag_from(&t);
  return NULL;
}

const wt_functype_t *wt_tag_type(wt_store_t *store, const wt_tag_t *tag) {
  wasmtime_tag_t raw;
  wt_error_t *err = wt__tag_arg("wt_tag_type", store, tag, &raw);
  if (err) {
    wt_error_delete(err);
    return NULL;
  }
  wasm_tagtype_t *tt = wasmtime_tag_type(store->ctx, &raw);
  const wt__sig *sig = wt__sig_of(store->engine, wasm_tagtype_functype(tt));
  wasm_tagtype_delete(tt);
  return sig;
}

bool wt_tag_eq(wt_store_t *store, const wt_tag_t *a, const wt_tag_t *b) {
  wasmtime_tag_t ra, rb;
  wt_error_t *err = wt__tag_arg("wt_tag_eq", store, a, &ra);
  if (!err)
    err = wt__tag_arg("wt_tag_eq", store, b, &rb);
  if (err) {
    wt_error_delete(err);
    return false;
  }
  return wasmtime_tag_eq(store->ctx, &ra, &rb);
}
