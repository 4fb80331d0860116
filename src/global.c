/* wt_global_t: reading and setting globals, with type checks. */
#include <string.h>

#include "internal.h"

/* The global's kind and mutability; false for a type wt cannot represent. */
static bool global_type(wt_store_t *store, const wasmtime_global_t *raw,
                        wt_valkind_t *kind, bool *mut, bool *plain) {
  wasm_globaltype_t *ty = wasmtime_global_type(store->ctx, raw);
  *plain = true;
  bool ok = wt__kind_of(wasm_globaltype_content(ty), kind, plain);
  *mut = wasm_globaltype_mutability(ty) == WASM_VAR;
  wasm_globaltype_delete(ty);
  return ok;
}

wt_error_t *wt_global_type(wt_store_t *store, const wt_global_t *global,
                           wt_globaltype_t *out) {
  static const char fn[] = "wt_global_type";
  wasmtime_global_t raw;
  wt_error_t *err = wt__global_arg(fn, store, global, &raw);
  if (err)
    return err;
  if (!out)
    return wt__misuse(fn, "out is NULL");
  wt_valkind_t k;
  bool mut, plain;
  if (!global_type(store, &raw, &k, &mut, &plain))
    return wt__error(WT_ERROR_WASMTIME, "%s: unsupported global type", fn);
  out->kind = k;
  out->is_mutable = mut;
  return NULL;
}

wt_error_t *wt_global_get(wt_store_t *store, const wt_global_t *global,
                          wt_val_t *out) {
  static const char fn[] = "wt_global_get";
  wasmtime_global_t raw;
  wt_error_t *err = wt__global_arg(fn, store, global, &raw);
  if (err)
    return err;
  if (!out)
    return wt__misuse(fn, "out is NULL");
  wasmtime_val_t v;
  wasmtime_global_get(store->ctx, &raw, &v);
  return wt__val_from_wasmtime(store, &v, out);
}

wt_error_t *wt_global_set(wt_store_t *store, const wt_global_t *global,
                          const wt_val_t *val) {
  static const char fn[] = "wt_global_set";
  wasmtime_global_t raw;
  wt_error_t *err = wt__global_arg(fn, store, global, &raw);
  if (err)
    return err;
  if (!val)
    return wt__misuse(fn, "val is NULL");
  wt_valkind_t kind;
  bool mut, plain;
  if (!global_type(store, &raw, &kind, &mut, &plain))
    return wt__error(WT_ERROR_WASMTIME, "%s: unsupported global type", fn);
  if (!mut)
    return wt__misuse(fn, "the global is immutable");
  wasmtime_val_t v;
  if ((err = wt__val_check(fn, "value", 0, val, kind, store)) != NULL ||
      (err = wt__val_to_wasmtime(fn, store, val, &v)) != NULL)
    return err;
  wasmtime_error_t *werr = wasmtime_global_set(store->ctx, &raw, &v);
  return werr ? wt__from_wasmtime(WT_ERROR_MISUSE, werr) : NULL;
}

wt_error_t *wt_global_new(wt_store_t *store, const wt_globaltype_t *type,
                          const wt_val_t *init, wt_global_t *out) {
  static const char fn[] = "wt_global_new";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!type || !init || !out)
    return wt__misuse(fn, "type, init or out is NULL");
  if (type->kind > WT_VAL_EXNREF)
    return wt__misuse(fn, "type kind %u is not a value kind",
                      (unsigned)type->kind);
  if (type->kind > WT_VAL_EXTERNREF)
    return wt__misuse(fn, "globals of %s are not supported by this version "
                          "of wt", wt_valkind_name(type->kind));
  wasmtime_val_t v;
  if ((err = wt__val_check(fn, "init", 0, init, type->kind, store)) != NULL ||
      (err = wt__val_to_wasmtime(fn, store, init, &v)) != NULL)
    return err;
  wasm_valtype_t *vt;
  switch (type->kind) {
  case WT_VAL_V128:
    vt = wasmtime_wasm_valtype_v128();
    break;
  case WT_VAL_FUNCREF:
    vt = wasm_valtype_new(WASM_FUNCREF);
    break;
  case WT_VAL_EXTERNREF:
    vt = wasm_valtype_new(WASM_EXTERNREF);
    break;
  default:
    vt = wasm_valtype_new(type->kind); /* i32..f64 share wasm.h's numbers */
  }
  wasm_globaltype_t *gt =
      wasm_globaltype_new(vt, type->is_mutable ? WASM_VAR : WASM_CONST);
  wasmtime_global_t g;
  wasmtime_error_t *werr = wasmtime_global_new(store->ctx, gt, &v, &g);
  wasm_globaltype_delete(gt);
  if (werr)
    return wt__from_wasmtime(WT_ERROR_WASMTIME, werr);
  wt__store_saw(store, g.store_id);
  *out = wt__global_from(&g);
  return NULL;
}
