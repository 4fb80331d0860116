/* wt_global_t: reading and setting globals, with type checks. */
#include <string.h>

#include "internal.h"

static wt_error_t *check(const char *fn, wt_store_t *store,
                         const wt_global_t *g, wasmtime_global_t *raw) {
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!g)
    return wt__misuse(fn, "global is NULL");
  if (g->store_id_ == 0 || g->store_id_ != store->id)
    return wt__misuse(fn, "global belongs to another store (or to a deleted "
                          "one)");
  raw->store_id = g->store_id_;
  raw->__private1 = g->raw1_;
  raw->__private2 = g->raw2_;
  raw->__private3 = g->raw3_;
  return NULL;
}

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
                           wt_valkind_t *kind, bool *mutable_) {
  static const char fn[] = "wt_global_type";
  wasmtime_global_t raw;
  wt_error_t *err = check(fn, store, global, &raw);
  if (err)
    return err;
  wt_valkind_t k;
  bool mut, plain;
  if (!global_type(store, &raw, &k, &mut, &plain))
    return wt__error(WT_ERROR_WASMTIME, "%s: unsupported global type", fn);
  if (kind)
    *kind = k;
  if (mutable_)
    *mutable_ = mut;
  return NULL;
}

wt_error_t *wt_global_get(wt_store_t *store, const wt_global_t *global,
                          wt_val_t *out) {
  static const char fn[] = "wt_global_get";
  wasmtime_global_t raw;
  wt_error_t *err = check(fn, store, global, &raw);
  if (err)
    return err;
  if (!out)
    return wt__misuse(fn, "out is NULL");
  wasmtime_val_t v;
  wasmtime_global_get(store->ctx, &raw, &v);
  memset(out, 0, sizeof *out);
  out->kind = v.kind;
  switch (v.kind) {
  case WASMTIME_I32:
    out->of.i32 = v.of.i32;
    break;
  case WASMTIME_I64:
    out->of.i64 = v.of.i64;
    break;
  case WASMTIME_F32:
    memcpy(&out->of.f32, &v.of.f32, 4);
    break;
  case WASMTIME_F64:
    memcpy(&out->of.f64, &v.of.f64, 8);
    break;
  case WASMTIME_V128:
    memcpy(out->of.v128, v.of.v128, 16);
    break;
  case WASMTIME_FUNCREF:
    return wt__func_wrap(store, &v.of.funcref, &out->of.funcref);
  default:
    wasmtime_val_unroot(&v);
    memset(out, 0, sizeof *out);
    return wt__misuse(fn, "%s globals are not supported by this version of wt",
                      wt_valkind_name(v.kind));
  }
  return NULL;
}

wt_error_t *wt_global_set(wt_store_t *store, const wt_global_t *global,
                          const wt_val_t *val) {
  static const char fn[] = "wt_global_set";
  wasmtime_global_t raw;
  wt_error_t *err = check(fn, store, global, &raw);
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
  if ((err = wt__val_check(fn, "value", 0, val, kind, store)) != NULL)
    return err;
  wasmtime_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = val->kind;
  switch (val->kind) {
  case WT_I32:
    v.of.i32 = val->of.i32;
    break;
  case WT_I64:
    v.of.i64 = val->of.i64;
    break;
  case WT_F32:
    memcpy(&v.of.f32, &val->of.f32, 4);
    break;
  case WT_F64:
    memcpy(&v.of.f64, &val->of.f64, 8);
    break;
  case WT_V128:
    memcpy(v.of.v128, val->of.v128, 16);
    break;
  case WT_FUNCREF:
    v.of.funcref.store_id = val->of.funcref.store_id_;
    v.of.funcref.__private = val->of.funcref.raw_;
    break;
  default:
    return wt__misuse(fn, "%s globals are not supported by this version of wt",
                      wt_valkind_name(val->kind));
  }
  wasmtime_error_t *werr = wasmtime_global_set(store->ctx, &raw, &v);
  return werr ? wt__from_wasmtime(WT_ERROR_MISUSE, werr) : NULL;
}
