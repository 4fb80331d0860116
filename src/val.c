/* wt_val_t: conversions between wt values and Wasmtime's raw values. */
#include <string.h>

#include "internal.h"

const char *wt_valkind_name(wt_valkind_t kind) {
  switch (kind) {
  case WT_I32:
    return "i32";
  case WT_I64:
    return "i64";
  case WT_F32:
    return "f32";
  case WT_F64:
    return "f64";
  case WT_V128:
    return "v128";
  case WT_FUNCREF:
    return "funcref";
  case WT_EXTERNREF:
    return "externref";
  case WT_ANYREF:
    return "anyref";
  case WT_EXNREF:
    return "exnref";
  }
  return "?";
}

wt_error_t *wt__func_wrap(wt_store_t *store, const wasmtime_func_t *raw,
                          wt_func_t *out) {
  memset(out, 0, sizeof *out);
  if (raw->store_id == 0)
    return NULL; /* null funcref */
  wt__store_saw(store, raw->store_id);
  wasm_functype_t *ty = wasmtime_func_type(store->ctx, raw);
  const wt__sig *sig = ty ? wt__sig_of(store->engine, ty) : NULL;
  if (ty)
    wasm_functype_delete(ty);
  if (!sig)
    return wt__error(WT_ERROR_WASMTIME,
                     "function type not representable (or out of memory)");
  out->store_id_ = raw->store_id;
  out->raw_ = raw->__private;
  out->sig_ = sig;
  return NULL;
}

void wt__val_to_raw(const wt_val_t *val, wasmtime_val_raw_t *raw,
                    wt_store_t *store) {
  memset(raw, 0, sizeof *raw);
  switch (val->kind) {
  case WT_I32:
    raw->i32 = val->of.i32;
    break;
  case WT_I64:
    raw->i64 = val->of.i64;
    break;
  case WT_F32:
    memcpy(&raw->f32, &val->of.f32, 4);
    break;
  case WT_F64:
    memcpy(&raw->f64, &val->of.f64, 8);
    break;
  case WT_V128:
    memcpy(raw->v128, val->of.v128, 16);
    break;
  case WT_FUNCREF:
    if (val->of.funcref.store_id_ != 0) {
      wasmtime_func_t f = {val->of.funcref.store_id_, val->of.funcref.raw_};
      raw->funcref = wasmtime_func_to_raw(store->ctx, &f);
    }
    break;
  default:
    break;
  }
}

wt_error_t *wt__val_from_raw(wt_store_t *store, wt_valkind_t kind,
                             const wasmtime_val_raw_t *raw, wt_val_t *out) {
  memset(out, 0, sizeof *out);
  out->kind = kind;
  switch (kind) {
  case WT_I32:
    out->of.i32 = raw->i32;
    break;
  case WT_I64:
    out->of.i64 = raw->i64;
    break;
  case WT_F32:
    memcpy(&out->of.f32, &raw->f32, 4);
    break;
  case WT_F64:
    memcpy(&out->of.f64, &raw->f64, 8);
    break;
  case WT_V128:
    memcpy(out->of.v128, raw->v128, 16);
    break;
  case WT_FUNCREF:
    if (raw->funcref) {
      wasmtime_func_t f;
      wasmtime_func_from_raw(store->ctx, raw->funcref, &f);
      return wt__func_wrap(store, &f, &out->of.funcref);
    }
    break;
  default:
    return wt__error(WT_ERROR_WASMTIME, "%s values are not supported",
                     wt_valkind_name(kind));
  }
  return NULL;
}

wt_error_t *wt__val_check(const char *fn, const char *what, size_t index,
                          const wt_val_t *val, wt_valkind_t kind,
                          const wt_store_t *store) {
  if (val->kind != kind)
    return wt__misuse(fn, "%s %zu is %s, expected %s", what, index,
                      wt_valkind_name(val->kind), wt_valkind_name(kind));
  if (kind == WT_FUNCREF && val->of.funcref.store_id_ != 0 &&
      val->of.funcref.store_id_ != store->id)
    return wt__misuse(fn, "%s %zu is a function of another store", what,
                      index);
  return NULL;
}
