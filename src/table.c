/* wt_table_t: tables of references, with bounds and type checks. */
#include <string.h>

#include "internal.h"

static wt_valkind_t elem_kind(wt_store_t *store, const wasmtime_table_t *raw) {
  wasm_tabletype_t *ty = wasmtime_table_type(store->ctx, raw);
  wt_tabletype_t t;
  bool ok = wt__tabletype_from(ty, &t);
  wasm_tabletype_delete(ty);
  return ok ? t.elem : 0xff;
}

static wt_error_t *check_val(const char *fn, wt_store_t *store,
                             const wasmtime_table_t *raw, const wt_val_t *v,
                             wasmtime_val_t *out) {
  if (!v)
    return wt__misuse(fn, "value is NULL");
  wt_valkind_t k = elem_kind(store, raw);
  wt_error_t *err = wt__val_check(fn, "value", 0, v, k, store);
  return err ? err : wt__val_to_wasmtime(fn, store, v, out);
}

wt_error_t *wt_table_new(wt_store_t *store, const wt_tabletype_t *type,
                         const wt_val_t *init, wt_table_t *out) {
  static const char fn[] = "wt_table_new";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!type || !init || !out)
    return wt__misuse(fn, "type, init or out is NULL");
  if (type->elem > WT_VAL_EXNREF)
    return wt__misuse(fn, "element kind %u is not a value kind",
                      (unsigned)type->elem);
  if (init->kind != type->elem)
    return wt__misuse(fn, "init is %s, the table holds %s",
                      wt_valkind_name(init->kind),
                      wt_valkind_name(type->elem));
  if (type->elem != WT_VAL_FUNCREF && type->elem != WT_VAL_EXTERNREF)
    return wt__misuse(fn, "tables of %s are not supported by this version of "
                          "wt", wt_valkind_name(type->elem));
  if (type->is64)
    return wt__misuse(fn, "a 64-bit table cannot be made by the host "
                          "(Wasmtime's C API has no 64-bit table type); a "
                          "module can export one");
  if (type->min > UINT32_MAX || (type->has_max && type->max > UINT32_MAX) ||
      (type->has_max && type->max < type->min))
    return wt__misuse(fn, "limits out of range (min %llu, max %llu)",
                      (unsigned long long)type->min,
                      (unsigned long long)type->max);
  wasmtime_val_t v;
  if ((err = wt__val_check(fn, "init", 0, init, type->elem, store)) ||
      (err = wt__val_to_wasmtime(fn, store, init, &v)))
    return err;
  wasm_limits_t limits = {(uint32_t)type->min,
                          type->has_max ? (uint32_t)type->max
                                        : wasm_limits_max_default};
  wasm_tabletype_t *ty = wasm_tabletype_new(
      wasm_valtype_new(type->elem == WT_VAL_FUNCREF ? WASM_FUNCREF
                                                : WASM_EXTERNREF),
      &limits);
  wasmtime_table_t t;
  wasmtime_error_t *werr = wasmtime_table_new(store->ctx, ty, &v, &t);
  wasm_tabletype_delete(ty);
  if (werr)
    return wt__from_wasmtime_in(WT_ERROR_WASMTIME, fn, NULL, werr);
  wt__store_saw(store, t.store_id);
  *out = wt__table_from(&t);
  return NULL;
}

wt_error_t *wt_table_type(wt_store_t *store, const wt_table_t *table,
                          wt_tabletype_t *out) {
  static const char fn[] = "wt_table_type";
  wasmtime_table_t raw;
  wt_error_t *err = wt__table_arg(fn, store, table, &raw);
  if (err)
    return err;
  if (!out)
    return wt__misuse(fn, "out is NULL");
  wasm_tabletype_t *ty = wasmtime_table_type(store->ctx, &raw);
  bool ok = wt__tabletype_from(ty, out);
  wasm_tabletype_delete(ty);
  return ok ? NULL : wt__error(WT_ERROR_WASMTIME, "%s: unsupported type", fn);
}

wt_error_t *wt_table_size(wt_store_t *store, const wt_table_t *table,
                          uint64_t *size) {
  wasmtime_table_t raw;
  wt_error_t *err = wt__table_arg("wt_table_size", store, table, &raw);
  if (err)
    return err;
  if (!size)
    return wt__misuse("wt_table_size", "size is NULL");
  *size = wasmtime_table_size(store->ctx, &raw);
  return NULL;
}

wt_error_t *wt_table_get(wt_store_t *store, const wt_table_t *table,
                         uint64_t index, wt_val_t *out) {
  static const char fn[] = "wt_table_get";
  wasmtime_table_t raw;
  wt_error_t *err = wt__table_arg(fn, store, table, &raw);
  if (err)
    return err;
  if (!out)
    return wt__misuse(fn, "out is NULL");
  wasmtime_val_t v;
  if (!wasmtime_table_get(store->ctx, &raw, index, &v))
    return wt__misuse(fn, "index %llu is out of bounds of a table of %llu",
                      (unsigned long long)index,
                      (unsigned long long)wasmtime_table_size(store->ctx,
                                                              &raw));
  return wt__val_from_wasmtime(store, &v, out);
}

wt_error_t *wt_table_set(wt_store_t *store, const wt_table_t *table,
                         uint64_t index, const wt_val_t *val) {
  static const char fn[] = "wt_table_set";
  wasmtime_table_t raw;
  wt_error_t *err = wt__table_arg(fn, store, table, &raw);
  if (err)
    return err;
  wasmtime_val_t v;
  if ((err = check_val(fn, store, &raw, val, &v)) != NULL)
    return err;
  uint64_t size = wasmtime_table_size(store->ctx, &raw);
  if (index >= size)
    return wt__misuse(fn, "index %llu is out of bounds of a table of %llu",
                      (unsigned long long)index, (unsigned long long)size);
  wasmtime_error_t *werr = wasmtime_table_set(store->ctx, &raw, index, &v);
  return werr ? wt__from_wasmtime(WT_ERROR_MISUSE, werr) : NULL;
}

wt_error_t *wt_table_grow(wt_store_t *store, const wt_table_t *table,
                          uint64_t delta, const wt_val_t *init,
                          uint64_t *old_size) {
  static const char fn[] = "wt_table_grow";
  wasmtime_table_t raw;
  wt_error_t *err = wt__table_arg(fn, store, table, &raw);
  if (err)
    return err;
  wasmtime_val_t v;
  if ((err = check_val(fn, store, &raw, init, &v)) != NULL)
    return err;
  uint64_t prev = 0;
  wasmtime_error_t *werr =
      wasmtime_table_grow(store->ctx, &raw, delta, &v, &prev);
  if (werr)
    return wt__from_wasmtime_in(WT_ERROR_WASMTIME, fn, NULL, werr);
  if (old_size)
    *old_size = prev;
  return NULL;
}
