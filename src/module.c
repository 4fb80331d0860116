/* wt_module_t: compiled modules. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static wt_error_t *module_wrap(wt_engine_t *engine, wasmtime_module_t *raw,
                               wt_module_t **out) {
  wt_module_t *m = calloc(1, sizeof *m);
  if (!m) {
    wasmtime_module_delete(raw);
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
  m->magic = WT_MAGIC_MODULE;
  m->raw = raw;
  m->engine = wt__engine_ref(engine);
  *out = m;
  return NULL;
}

wt_error_t *wt_module_new(wt_engine_t *engine, const uint8_t *bytes,
                          size_t len, wt_module_t **out) {
  static const char fn[] = "wt_module_new";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  if (!bytes && len > 0)
    return wt__misuse(fn, "bytes is NULL");
  if (!out)
    return wt__misuse(fn, "out is NULL");
  static const uint8_t magic[4] = {0, 'a', 's', 'm'};
  wasm_byte_vec_t wasm = {0, NULL};
  const uint8_t *code = bytes;
  size_t code_len = len;
  if (len < 4 || memcmp(bytes, magic, 4) != 0) {
    wasmtime_error_t *err = wasmtime_wat2wasm((const char *)bytes, len, &wasm);
    if (err)
      return wt__from_wasmtime(WT_ERROR_COMPILE, err);
    code = (const uint8_t *)wasm.data;
    code_len = wasm.size;
  }
  wasmtime_module_t *raw = NULL;
  wasmtime_error_t *err = wasmtime_module_new(engine->raw, code, code_len, &raw);
  wasm_byte_vec_delete(&wasm);
  if (err)
    return wt__from_wasmtime(WT_ERROR_COMPILE, err);
  return module_wrap(engine, raw, out);
}

wt_error_t *wt_module_new_wat(wt_engine_t *engine, const char *wat,
                              wt_module_t **out) {
  if (!wat)
    return wt__misuse("wt_module_new_wat", "wat is NULL");
  return wt_module_new(engine, (const uint8_t *)wat, strlen(wat), out);
}

void wt_module_delete(wt_module_t *module) {
  if (!module || module->magic != WT_MAGIC_MODULE)
    return;
  wasmtime_module_delete(module->raw);
  wt__engine_unref(module->engine);
  module->magic = WT_MAGIC_DEAD;
  free(module);
}

wt_error_t *wt_module_serialize(const wt_module_t *module, uint8_t **bytes,
                                size_t *len) {
  static const char fn[] = "wt_module_serialize";
  if (!module || module->magic != WT_MAGIC_MODULE)
    return wt__misuse(fn, "module is NULL or deleted");
  if (!bytes || !len)
    return wt__misuse(fn, "bytes or len is NULL");
  wasm_byte_vec_t v;
  wasmtime_error_t *err = wasmtime_module_serialize(module->raw, &v);
  if (err)
    return wt__from_wasmtime(WT_ERROR_WASMTIME, err);
  uint8_t *copy = malloc(v.size ? v.size : 1);
  if (!copy) {
    wasm_byte_vec_delete(&v);
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
  memcpy(copy, v.data, v.size);
  *bytes = copy;
  *len = v.size;
  wasm_byte_vec_delete(&v);
  return NULL;
}

wt_error_t *wt_module_deserialize(wt_engine_t *engine, const uint8_t *bytes,
                                  size_t len, wt_module_t **out) {
  static const char fn[] = "wt_module_deserialize";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  if (!bytes || !out)
    return wt__misuse(fn, "bytes or out is NULL");
  wasmtime_module_t *raw = NULL;
  wasmtime_error_t *err =
      wasmtime_module_deserialize(engine->raw, bytes, len, &raw);
  if (err)
    return wt__from_wasmtime(WT_ERROR_COMPILE, err);
  return module_wrap(engine, raw, out);
}
