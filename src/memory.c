/* wt_memory_t: linear memories, with bounds-checked access. */
#include <string.h>

#include "internal.h"

wt_error_t *wt_memory_pages(wt_store_t *store, const wt_memory_t *mem,
                            uint64_t *pages) {
  wasmtime_memory_t raw;
  wt_error_t *err = wt__memory_arg("wt_memory_pages", store, mem, &raw);
  if (err)
    return err;
  if (!pages)
    return wt__misuse("wt_memory_pages", "pages is NULL");
  *pages = wasmtime_memory_size(store->ctx, &raw);
  return NULL;
}

wt_error_t *wt_memory_grow(wt_store_t *store, const wt_memory_t *mem,
                           uint64_t delta, uint64_t *old_pages) {
  wasmtime_memory_t raw;
  wt_error_t *err = wt__memory_arg("wt_memory_grow", store, mem, &raw);
  if (err)
    return err;
  uint64_t prev = 0;
  wasmtime_error_t *werr = wasmtime_memory_grow(store->ctx, &raw, delta, &prev);
  if (werr)
    return wt__from_wasmtime_in(WT_ERROR_WASMTIME, "wt_memory_grow", NULL,
                                werr);
  if (old_pages)
    *old_pages = prev;
  return NULL;
}

uint8_t *wt_memory_data(wt_store_t *store, const wt_memory_t *mem,
                        size_t *len) {
  wasmtime_memory_t raw;
  if (len)
    *len = 0;
  wt_error_t *err = wt__memory_arg("wt_memory_data", store, mem, &raw);
  if (err) {
    wt_error_delete(err);
    return NULL;
  }
  if (len)
    *len = wasmtime_memory_data_size(store->ctx, &raw);
  return wasmtime_memory_data(store->ctx, &raw);
}

wt_error_t *wt__bounds(const char *fn, size_t size, uint64_t offset,
                       const void *buf, size_t len) {
  if (!buf && len > 0)
    return wt__misuse(fn, "buf is NULL");
  if (offset > size || len > size - offset)
    return wt__misuse(fn,
                      "%zu bytes at offset %llu are out of bounds of a "
                      "%zu-byte memory",
                      len, (unsigned long long)offset, size);
  return NULL;
}

/* Bounds-checks [offset, offset + len) and returns the address. */
static wt_error_t *span(const char *fn, wt_store_t *store,
                        const wt_memory_t *mem, uint64_t offset,
                        const void *buf, size_t len, uint8_t **at) {
  wasmtime_memory_t raw;
  wt_error_t *err = wt__memory_arg(fn, store, mem, &raw);
  if (err)
    return err;
  size_t size = wasmtime_memory_data_size(store->ctx, &raw);
  if ((err = wt__bounds(fn, size, offset, buf, len)) != NULL)
    return err;
  *at = wasmtime_memory_data(store->ctx, &raw) + offset;
  return NULL;
}

wt_error_t *wt_memory_read(wt_store_t *store, const wt_memory_t *mem,
                           uint64_t offset, void *buf, size_t len) {
  uint8_t *at = NULL;
  wt_error_t *err = span("wt_memory_read", store, mem, offset, buf, len, &at);
  if (!err && len > 0)
    memcpy(buf, at, len);
  return err;
}

wt_error_t *wt_memory_write(wt_store_t *store, const wt_memory_t *mem,
                            uint64_t offset, const void *buf, size_t len) {
  uint8_t *at = NULL;
  wt_error_t *err = span("wt_memory_write", store, mem, offset, buf, len, &at);
  if (!err && len > 0)
    memcpy(at, buf, len);
  return err;
}

wt_error_t *wt_memory_type(wt_store_t *store, const wt_memory_t *mem,
                           wt_memorytype_t *out) {
  wasmtime_memory_t raw;
  wt_error_t *err = wt__memory_arg("wt_memory_type", store, mem, &raw);
  if (err)
    return err;
  if (!out)
    return wt__misuse("wt_memory_type", "out is NULL");
  wasm_memorytype_t *ty = wasmtime_memory_type(store->ctx, &raw);
  wt__memorytype_from(ty, out);
  wasm_memorytype_delete(ty);
  return NULL;
}

wt_error_t *wt__check_page_size(const char *fn, const wt_engine_t *engine,
                                const wt_memorytype_t *type) {
  if (type->page_size_log2 == 16 || engine->custom_pages)
    return NULL;
  return wt__misuse(fn,
                    "page_size_log2 %u needs an engine with custom page "
                    "sizes (wt_config_set_wasm_custom_page_sizes); 64 KiB pages "
                    "are page_size_log2 16",
                    (unsigned)type->page_size_log2);
}

wt_error_t *wt_memory_new(wt_store_t *store, const wt_memorytype_t *type,
                          wt_memory_t *out) {
  static const char fn[] = "wt_memory_new";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!type || !out)
    return wt__misuse(fn, "type or out is NULL");
  if (type->shared)
    return wt__misuse(fn, "shared memories are not supported by this "
                          "version of wt");
  if ((err = wt__check_page_size(fn, store->engine, type)))
    return err;
  wasm_memorytype_t *ty = NULL;
  wasmtime_error_t *werr =
      wasmtime_memorytype_new(type->min, type->has_max, type->max, type->is64,
                              false, type->page_size_log2, &ty);
  if (werr)
    return wt__from_wasmtime_in(WT_ERROR_MISUSE, fn, "invalid memory type",
                                werr);
  wasmtime_memory_t m;
  werr = wasmtime_memory_new(store->ctx, ty, &m);
  wasm_memorytype_delete(ty);
  if (werr)
    return wt__from_wasmtime_in(WT_ERROR_WASMTIME, fn, NULL, werr);
  wt__store_saw(store, m.store_id);
  *out = wt__memory_from(&m);
  return NULL;
}
