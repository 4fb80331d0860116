/* wt_shared_memory_t: shared linear memories, owned by an engine. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static wt_shared_memory_t *wrap(wt_engine_t *engine,
                                wasmtime_sharedmemory_t *raw) {
  wt_shared_memory_t *m = wt__shell_new(sizeof *m);
  if (!m) {
    wasmtime_sharedmemory_delete(raw);
    return NULL;
  }
  m->magic = WT_MAGIC_SHARED;
  m->raw = raw;
  m->engine = wt__engine_ref(engine);
  return m;
}

wt_shared_memory_t *wt__shared_memory_adopt(wt_store_t *store,
                                            wasmtime_sharedmemory_t *raw) {
  wt_shared_memory_t *m = wrap(store->engine, raw);
  if (m) {
    m->store_owned = true;
    m->next = store->shared;
    store->shared = m;
  }
  return m;
}

wt_error_t *wt_shared_memory_new(wt_engine_t *engine,
                                 const wt_memorytype_t *type,
                                 wt_shared_memory_t **out) {
  static const char fn[] = "wt_shared_memory_new";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  if (!type || !out)
    return wt__misuse(fn, "type or out is NULL");
  if (!type->shared || !type->has_max)
    return wt__misuse(fn, "the type must be shared and have a maximum");
  wt_error_t *err = wt__check_page_size(fn, engine, type);
  if (err)
    return err;
  wasm_memorytype_t *ty = NULL;
  wasmtime_error_t *werr =
      wasmtime_memorytype_new(type->min, true, type->max, type->is64, true,
                              type->page_size_log2, &ty);
  if (werr)
    return wt__from_wasmtime_in(WT_ERROR_MISUSE, fn, "invalid memory type",
                                werr);
  wasmtime_sharedmemory_t *raw = NULL;
  werr = wasmtime_sharedmemory_new(engine->raw, ty, &raw);
  wasm_memorytype_delete(ty);
  if (werr)
    return wt__from_wasmtime_in(WT_ERROR_WASMTIME, fn, NULL, werr);
  wt_shared_memory_t *m = wrap(engine, raw);
  if (!m)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  *out = m;
  return NULL;
}

static void shared_memory_free(wt_shared_memory_t *m) {
  wasmtime_sharedmemory_delete(m->raw);
  wt__engine_unref(m->engine);
  m->magic = WT_MAGIC_DEAD;
  wt__retire(m);
}

void wt__shared_memories_free(wt_store_t *store) {
  for (wt_shared_memory_t *m = store->shared, *next; m; m = next) {
    next = m->next;
    shared_memory_free(m);
  }
  store->shared = NULL;
}

void wt_shared_memory_delete(wt_shared_memory_t *m) {
  if (!m || m->magic != WT_MAGIC_SHARED || m->store_owned)
    return;
  shared_memory_free(m);
}

static wt_error_t *check(const char *fn, const wt_shared_memory_t *m) {
  if (!m || m->magic != WT_MAGIC_SHARED)
    return wt__misuse(fn, "shared memory is NULL or deleted");
  return NULL;
}

wt_error_t *wt_shared_memory_type(const wt_shared_memory_t *m,
                                  wt_memorytype_t *out) {
  wt_error_t *err = check("wt_shared_memory_type", m);
  if (err)
    return err;
  if (!out)
    return wt__misuse("wt_shared_memory_type", "out is NULL");
  wasm_memorytype_t *ty = wasmtime_sharedmemory_type(m->raw);
  wt__memorytype_from(ty, out);
  wasm_memorytype_delete(ty);
  return NULL;
}

wt_error_t *wt_shared_memory_pages(const wt_shared_memory_t *m,
                                   uint64_t *pages) {
  wt_error_t *err = check("wt_shared_memory_pages", m);
  if (err)
    return err;
  if (!pages)
    return wt__misuse("wt_shared_memory_pages", "pages is NULL");
  *pages = wasmtime_sharedmemory_size(m->raw);
  return NULL;
}

wt_error_t *wt_shared_memory_grow(const wt_shared_memory_t *m, uint64_t delta,
                                  uint64_t *old_pages) {
  wt_error_t *err = check("wt_shared_memory_grow", m);
  if (err)
    return err;
  uint64_t prev = 0;
  wasmtime_error_t *werr = wasmtime_sharedmemory_grow(m->raw, delta, &prev);
  if (werr)
    return wt__from_wasmtime_in(WT_ERROR_WASMTIME, "wt_shared_memory_grow",
                                NULL, werr);
  if (old_pages)
    *old_pages = prev;
  return NULL;
}

uint8_t *wt_shared_memory_data(const wt_shared_memory_t *m, size_t *len) {
  if (len)
    *len = 0;
  if (!m || m->magic != WT_MAGIC_SHARED)
    return NULL;
  if (len)
    *len = wasmtime_sharedmemory_data_size(m->raw);
  return wasmtime_sharedmemory_data(m->raw);
}

static wt_error_t *span(const char *fn, const wt_shared_memory_t *m,
                        uint64_t offset, const void *buf, size_t len,
                        uint8_t **at) {
  wt_error_t *err = check(fn, m);
  if (err)
    return err;
  size_t size = wasmtime_sharedmemory_data_size(m->raw);
  if ((err = wt__bounds(fn, size, offset, buf, len)) != NULL)
    return err;
  *at = wasmtime_sharedmemory_data(m->raw) + offset;
  return NULL;
}

wt_error_t *wt_shared_memory_read(const wt_shared_memory_t *m, uint64_t offset,
                                  void *buf, size_t len) {
  uint8_t *at = NULL;
  wt_error_t *err = span("wt_shared_memory_read", m, offset, buf, len, &at);
  if (!err && len > 0)
    memcpy(buf, at, len);
  return err;
}

wt_error_t *wt_shared_memory_write(const wt_shared_memory_t *m,
                                   uint64_t offset, const void *buf,
                                   size_t len) {
  uint8_t *at = NULL;
  wt_error_t *err = span("wt_shared_memory_write", m, offset, buf, len, &at);
  if (!err && len > 0)
    memcpy(at, buf, len);
  return err;
}
