/* wt_val_t and wt_extern_t: conversions to and from Wasmtime's forms. */
#include <string.h>

#include "internal.h"

wt_error_t *wt__func_wrap(wt_store_t *store, const wasmtime_func_t *raw,
                          wt_func_t *out) {
  if (raw->store_id == 0) { /* null funcref */
    memset(out, 0, sizeof *out);
    return NULL;
  }
  wt__store_saw(store, raw->store_id);
  wasm_functype_t *ty = wasmtime_func_type(store->ctx, raw);
  const wt__sig *sig = ty ? wt__sig_of(store->engine, ty) : NULL;
  if (ty)
    wasm_functype_delete(ty);
  if (!sig)
    return wt__error(WT_ERROR_WASMTIME,
                     "function type not representable (or out of memory)");
  *out = wt__func_from(raw, sig);
  return NULL;
}

/* ---- raw values (the unchecked call paths) ---- */

void wt__val_to_raw(const wt_val_t *val, wasmtime_val_raw_t *raw,
                    wt_store_t *store) {
  memset(raw, 0, sizeof *raw);
  switch (val->kind) {
  case WT_VAL_I32:
    raw->i32 = val->of.i32;
    break;
  case WT_VAL_I64:
    raw->i64 = val->of.i64;
    break;
  case WT_VAL_F32:
    memcpy(&raw->f32, &val->of.f32, 4);
    break;
  case WT_VAL_F64:
    memcpy(&raw->f64, &val->of.f64, 8);
    break;
  case WT_VAL_V128:
    memcpy(raw->v128, val->of.v128, 16);
    break;
  case WT_VAL_FUNCREF:
    if (val->of.funcref.store_id_ != 0) {
      wasmtime_func_t f = wt__func_to(&val->of.funcref);
      raw->funcref = wasmtime_func_to_raw(store->ctx, &f);
    }
    break;
  case WT_VAL_EXTERNREF:
  case WT_VAL_ANYREF:
  case WT_VAL_EXNREF: {
    /* Checked by wt__val_check before any call gets here; a reference that
     * fails the check anyway becomes a null one. */
    wasmtime_val_t v;
    if (val->of.ref.store_id_ == 0)
      break;
    wt_error_t *err = wt__ref_get("", store, val, &v);
    if (err) {
      wt_error_delete(err);
      break;
    }
    if (val->kind == WT_VAL_EXTERNREF)
      raw->externref = wasmtime_externref_to_raw(store->ctx, &v.of.externref);
    else if (val->kind == WT_VAL_ANYREF)
      raw->anyref = wasmtime_anyref_to_raw(store->ctx, &v.of.anyref);
    else
      raw->exnref = wasmtime_exnref_to_raw(store->ctx, &v.of.exnref);
    break;
  }
  default:
    break;
  }
}

/* The converters below write *out only when they succeed. */

static wt_error_t *val_from_raw(wt_store_t *store, wt_valkind_t kind,
                                const wasmtime_val_raw_t *raw, wt_val_t *out) {
  memset(out, 0, sizeof *out);
  out->kind = kind;
  wasmtime_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = kind;
  switch (kind) {
  case WT_VAL_I32:
    out->of.i32 = raw->i32;
    return NULL;
  case WT_VAL_I64:
    out->of.i64 = raw->i64;
    return NULL;
  case WT_VAL_F32:
    memcpy(&out->of.f32, &raw->f32, 4);
    return NULL;
  case WT_VAL_F64:
    memcpy(&out->of.f64, &raw->f64, 8);
    return NULL;
  case WT_VAL_V128:
    memcpy(out->of.v128, raw->v128, 16);
    return NULL;
  case WT_VAL_FUNCREF:
    if (raw->funcref) {
      wasmtime_func_t f;
      wasmtime_func_from_raw(store->ctx, raw->funcref, &f);
      return wt__func_wrap(store, &f, &out->of.funcref);
    }
    return NULL;
  case WT_VAL_EXTERNREF:
    if (!raw->externref)
      return NULL;
    wasmtime_externref_from_raw(store->ctx, raw->externref, &v.of.externref);
    return wt__ref_put(store, &v, out);
  case WT_VAL_ANYREF:
    if (!raw->anyref)
      return NULL;
    wasmtime_anyref_from_raw(store->ctx, raw->anyref, &v.of.anyref);
    return wt__ref_put(store, &v, out);
  case WT_VAL_EXNREF:
    if (!raw->exnref)
      return NULL;
    wasmtime_exnref_from_raw(store->ctx, raw->exnref, &v.of.exnref);
    return wt__ref_put(store, &v, out);
  }
  return wt__error(WT_ERROR_WASMTIME, "unknown value kind %d", (int)kind);
}

wt_error_t *wt__val_from_raw(wt_store_t *store, wt_valkind_t kind,
                             const wasmtime_val_raw_t *raw, wt_val_t *out) {
  wt_val_t val;
  wt_error_t *err = val_from_raw(store, kind, raw, &val);
  if (!err)
    *out = val;
  return err;
}

/* The message of an error of `fn` without its "fn: " prefix. */
static const char *detail(const wt_error_t *err, const char *fn) {
  const char *m = wt_error_message(err);
  if (!m)
    return "out of memory";
  size_t n = strlen(fn);
  if (strncmp(m, fn, n) == 0 && m[n] == ':' && m[n + 1] == ' ')
    return m + n + 2;
  return m;
}

wt_error_t *wt__val_check(const char *fn, const char *what, size_t index,
                          const wt_val_t *val, wt_valkind_t kind,
                          const wt_store_t *store) {
  if (val->kind != kind)
    return wt__misuse(fn, "%s %zu is %s, expected %s", what, index,
                      wt_valkind_name(val->kind), wt_valkind_name(kind));
  if (kind == WT_VAL_FUNCREF && val->of.funcref.store_id_ != 0 &&
      (val->of.funcref.store_id_ != store->id || !val->of.funcref.sig_))
    return wt__misuse(fn, "%s %zu is a function of another store", what,
                      index);
  if (wt__is_ref_kind(kind) && val->of.ref.store_id_ != 0) {
    wasmtime_val_t v;
    wt_error_t *err = wt__ref_get(fn, (wt_store_t *)store, val, &v);
    if (err) {
      wt_error_t *e = wt__misuse(fn, "%s %zu: %s", what, index,
                                 detail(err, fn));
      wt_error_delete(err);
      return e;
    }
  }
  return NULL;
}

/* ---- Wasmtime values (the checked paths: globals, tables) ---- */

wt_error_t *wt__val_to_wasmtime(const char *fn, wt_store_t *store,
                                const wt_val_t *val, wasmtime_val_t *out) {
  memset(out, 0, sizeof *out);
  out->kind = val->kind;
  switch (val->kind) {
  case WT_VAL_I32:
    out->of.i32 = val->of.i32;
    return NULL;
  case WT_VAL_I64:
    out->of.i64 = val->of.i64;
    return NULL;
  case WT_VAL_F32:
    memcpy(&out->of.f32, &val->of.f32, 4);
    return NULL;
  case WT_VAL_F64:
    memcpy(&out->of.f64, &val->of.f64, 8);
    return NULL;
  case WT_VAL_V128:
    memcpy(out->of.v128, val->of.v128, 16);
    return NULL;
  case WT_VAL_FUNCREF:
    if (val->of.funcref.store_id_ != 0 &&
        (val->of.funcref.store_id_ != store->id || !val->of.funcref.sig_))
      return wt__misuse(fn, "funcref belongs to another store");
    out->of.funcref = wt__func_to(&val->of.funcref);
    return NULL;
  case WT_VAL_EXTERNREF:
  case WT_VAL_ANYREF:
  case WT_VAL_EXNREF:
    return wt__ref_get(fn, store, val, out);
  }
  return wt__misuse(fn, "unknown value kind %d", (int)val->kind);
}

static wt_error_t *val_from_wasmtime(wt_store_t *store, wasmtime_val_t *v,
                                     wt_val_t *out) {
  memset(out, 0, sizeof *out);
  out->kind = v->kind;
  switch (v->kind) {
  case WASMTIME_I32:
    out->of.i32 = v->of.i32;
    return NULL;
  case WASMTIME_I64:
    out->of.i64 = v->of.i64;
    return NULL;
  case WASMTIME_F32:
    memcpy(&out->of.f32, &v->of.f32, 4);
    return NULL;
  case WASMTIME_F64:
    memcpy(&out->of.f64, &v->of.f64, 8);
    return NULL;
  case WASMTIME_V128:
    memcpy(out->of.v128, v->of.v128, 16);
    return NULL;
  case WASMTIME_FUNCREF:
    return wt__func_wrap(store, &v->of.funcref, &out->of.funcref);
  case WASMTIME_EXTERNREF:
  case WASMTIME_ANYREF:
  case WASMTIME_EXNREF:
    return wt__ref_put(store, v, out);
  }
  wasmtime_val_unroot(v);
  return wt__error(WT_ERROR_WASMTIME, "unknown value kind %d", (int)v->kind);
}

wt_error_t *wt__val_from_wasmtime(wt_store_t *store, wasmtime_val_t *v,
                                  wt_val_t *out) {
  wt_val_t val;
  wt_error_t *err = val_from_wasmtime(store, v, &val);
  if (!err)
    *out = val;
  return err;
}

/* ---- extern items ---- */

wt_error_t *wt__extern_to_wasmtime(const char *fn, const wt_store_t *store,
                                   const wt_extern_t *item,
                                   wasmtime_extern_t *out) {
  memset(out, 0, sizeof *out);
  uint64_t id = 0;
  switch (item->kind) {
  case WT_EXTERN_FUNC:
    id = item->of.func.store_id_;
    out->of.func = wt__func_to(&item->of.func);
    break;
  case WT_EXTERN_GLOBAL:
    id = item->of.global.store_id_;
    out->of.global = wt__global_to(&item->of.global);
    break;
  case WT_EXTERN_TABLE:
    id = item->of.table.store_id_;
    out->of.table = wt__table_to(&item->of.table);
    break;
  case WT_EXTERN_MEMORY:
    id = item->of.memory.store_id_;
    out->of.memory = wt__memory_to(&item->of.memory);
    break;
  case WT_EXTERN_TAG:
    id = item->of.tag.store_id_;
    out->of.tag = wt__tag_to(&item->of.tag);
    break;
  case WT_EXTERN_SHARED_MEMORY: {
    const wt_shared_memory_t *m = item->of.shared_memory;
    if (!m || m->magic != WT_MAGIC_SHARED)
      return wt__misuse(fn, "shared memory is NULL or deleted");
    if (m->engine != store->engine)
      return wt__misuse(fn, "shared memory belongs to another engine");
    out->kind = WASMTIME_EXTERN_SHAREDMEMORY;
    out->of.sharedmemory = m->raw; /* borrowed: Wasmtime clones it */
    return NULL;
  }
  default:
    return wt__misuse(fn, "unknown extern kind %d", (int)item->kind);
  }
  if (id == 0 || id != store->id)
    return wt__misuse(fn, "%s belongs to another store (or to a deleted one)",
                      wt_externkind_name(item->kind));
  out->kind = item->kind;
  return NULL;
}

static wt_error_t *extern_from_wasmtime(wt_store_t *store,
                                        wasmtime_extern_t *item,
                                        wt_extern_t *out) {
  memset(out, 0, sizeof *out);
  out->kind = item->kind;
  switch (item->kind) {
  case WASMTIME_EXTERN_FUNC:
    return wt__func_wrap(store, &item->of.func, &out->of.func);
  case WASMTIME_EXTERN_GLOBAL:
    wt__store_saw(store, item->of.global.store_id);
    out->of.global = wt__global_from(&item->of.global);
    return NULL;
  case WASMTIME_EXTERN_TABLE:
    wt__store_saw(store, item->of.table.store_id);
    out->of.table = wt__table_from(&item->of.table);
    return NULL;
  case WASMTIME_EXTERN_MEMORY:
    wt__store_saw(store, item->of.memory.store_id);
    out->of.memory = wt__memory_from(&item->of.memory);
    return NULL;
  case WASMTIME_EXTERN_TAG:
    wt__store_saw(store, item->of.tag.store_id);
    out->of.tag = wt__tag_from(&item->of.tag);
    return NULL;
  case WASMTIME_EXTERN_SHAREDMEMORY:
    out->of.shared_memory =
        wt__shared_memory_adopt(store, item->of.sharedmemory);
    return out->of.shared_memory
               ? NULL
               : wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
  wasmtime_extern_delete(item);
  out->kind = 0xff;
  return wt__error(WT_ERROR_WASMTIME, "unknown extern kind %d",
                   (int)item->kind);
}

wt_error_t *wt__extern_from_wasmtime(wt_store_t *store,
                                     wasmtime_extern_t *item,
                                     wt_extern_t *out) {
  wt_extern_t ext;
  wt_error_t *err = extern_from_wasmtime(store, item, &ext);
  if (!err)
    *out = ext;
  return err;
}
