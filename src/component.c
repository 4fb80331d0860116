/* Components (compiling, validating, serializing) and the functions that
 * component instances export. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- components ---- */

static wt_error_t *component_wrap(wt_engine_t *engine,
                                  wasmtime_component_t *raw,
                                  wt_component_t **out) {
  wt_component_t *c = wt__shell_new(sizeof *c);
  if (!c) {
    wasmtime_component_delete(raw);
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
  c->magic = WT_MAGIC_COMPONENT;
  c->raw = raw;
  c->engine = wt__engine_ref(engine);
  *out = c;
  return NULL;
}

/* Compiles `len` bytes (binary or text) into a Wasmtime component. */
static wt_error_t *compile(wt_engine_t *engine, const uint8_t *bytes,
                           size_t len, wasmtime_component_t **raw) {
  wasm_byte_vec_t wasm;
  const uint8_t *code;
  size_t code_len;
  wt_error_t *werr = wt__to_binary(bytes, len, &wasm, &code, &code_len);
  if (werr)
    return werr;
  wasmtime_error_t *err =
      wt_native_component_new(engine->raw, code, code_len, raw);
  wasm_byte_vec_delete(&wasm);
  return err ? wt__from_wasmtime(WT_ERROR_COMPILE, err) : NULL;
}

wt_error_t *wt_component_new(wt_engine_t *engine, const uint8_t *bytes,
                             size_t len, wt_component_t **out) {
  static const char fn[] = "wt_component_new";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  if (!bytes && len > 0)
    return wt__misuse(fn, "bytes is NULL");
  if (!out)
    return wt__misuse(fn, "out is NULL");
  wasmtime_component_t *raw = NULL;
  wt_error_t *err = compile(engine, bytes, len, &raw);
  return err ? err : component_wrap(engine, raw, out);
}

wt_error_t *wt_component_new_wat(wt_engine_t *engine, const char *wat,
                                 wt_component_t **out) {
  if (!wat)
    return wt__misuse("wt_component_new_wat", "wat is NULL");
  return wt_component_new(engine, (const uint8_t *)wat, strlen(wat), out);
}

wt_error_t *wt_component_validate(wt_engine_t *engine, const uint8_t *bytes,
                                  size_t len) {
  static const char fn[] = "wt_component_validate";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  if (!bytes && len > 0)
    return wt__misuse(fn, "bytes is NULL");
  wasmtime_component_t *raw = NULL;
  wt_error_t *err = compile(engine, bytes, len, &raw);
  if (!err)
    wasmtime_component_delete(raw);
  return err;
}

void wt_component_delete(wt_component_t *component) {
  if (!wt__component_ok(component))
    return;
  wasmtime_component_delete(component->raw);
  wt__engine_unref(component->engine);
  component->magic = WT_MAGIC_DEAD;
  wt__retire(component);
}

wt_error_t *wt_component_new_file(wt_engine_t *engine, const char *path,
                                  wt_component_t **out) {
  static const char fn[] = "wt_component_new_file";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  if (!out)
    return wt__misuse(fn, "out is NULL");
  uint8_t *data;
  size_t len;
  wt_error_t *err = wt__file_read(fn, path, &data, &len);
  if (err)
    return err;
  err = wt_component_new(engine, data, len, out);
  free(data);
  return err;
}

wt_error_t *wt_component_serialize(const wt_component_t *component,
                                   uint8_t **bytes, size_t *len) {
  static const char fn[] = "wt_component_serialize";
  if (!wt__component_ok(component))
    return wt__misuse(fn, "component is NULL or deleted");
  if (!bytes || !len)
    return wt__misuse(fn, "bytes or len is NULL");
  wasm_byte_vec_t v;
  wasmtime_error_t *err = wasmtime_component_serialize(component->raw, &v);
  if (err)
    return wt__from_wasmtime(WT_ERROR_WASMTIME, err);
  return wt__bytes_take(&v, bytes, len);
}

wt_error_t *wt_component_serialize_file(const wt_component_t *component,
                                        const char *path) {
  static const char fn[] = "wt_component_serialize_file";
  if (!wt__component_ok(component))
    return wt__misuse(fn, "component is NULL or deleted");
  if (!path)
    return wt__misuse(fn, "path is NULL");
  uint8_t *bytes;
  size_t len;
  wt_error_t *err = wt_component_serialize(component, &bytes, &len);
  if (err)
    return err;
  err = wt__file_write(fn, path, bytes, len);
  free(bytes);
  return err;
}

wt_error_t *wt_component_deserialize(wt_engine_t *engine, const uint8_t *bytes,
                                     size_t len, wt_component_t **out) {
  static const char fn[] = "wt_component_deserialize";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  if (!bytes || !out)
    return wt__misuse(fn, "bytes or out is NULL");
  wasmtime_component_t *raw = NULL;
  wasmtime_error_t *err =
      wasmtime_component_deserialize(engine->raw, bytes, len, &raw);
  if (err)
    return wt__from_wasmtime(WT_ERROR_COMPILE, err);
  return component_wrap(engine, raw, out);
}

wt_error_t *wt_component_deserialize_file(wt_engine_t *engine,
                                          const char *path,
                                          wt_component_t **out) {
  static const char fn[] = "wt_component_deserialize_file";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  if (!out)
    return wt__misuse(fn, "out is NULL");
  uint8_t *data;
  size_t len;
  wt_error_t *err = wt__file_read(fn, path, &data, &len);
  if (err)
    return err;
  err = wt_component_deserialize(engine, data, len, out);
  free(data);
  return err;
}

/* ---- exported functions ---- */

/* Looks up the export `path[0]`/.../`path[n-1]` and makes a function handle
 * of it. */
wt_error_t *wt__cfunc_find(const char *fn, wt_store_t *store,
                           const wt_component_instance_t *instance,
                           const char *const *path, size_t n,
                           wt_component_func_t *out) {
  wt_error_t *err = wt__check_handle(fn, store, "instance", instance,
                                     instance ? instance->store_id_ : 0);
  if (err)
    return err;
  if (!out)
    return wt__misuse(fn, "out is NULL");
  for (size_t i = 0; i < n; i++) {
    if (!path[i])
      return n == 1 ? wt__misuse(fn, "name is NULL")
                    : wt__misuse(fn, "path[%zu] is NULL", i);
    if (!wt__utf8_valid(path[i], strlen(path[i])))
      return n == 1 ? wt__misuse(fn, "name is not valid UTF-8")
                    : wt__misuse(fn, "path[%zu] is not valid UTF-8", i);
  }
  wasmtime_component_instance_t inst = wt__cinstance_to(instance);
  wasmtime_component_export_index_t *index = NULL;
  for (size_t i = 0; i < n; i++) {
    wasmtime_component_export_index_t *next =
        wasmtime_component_instance_get_export_index(
            &inst, store->ctx, index, path[i], strlen(path[i]));
    if (index)
      wasmtime_component_export_index_delete(index);
    index = next;
    if (!index) {
      if (i == 0)
        return wt__error(WT_ERROR_NOT_FOUND, "%s: no export \"%s\"", fn,
                         path[0]);
      return wt__error(WT_ERROR_NOT_FOUND,
                       "%s: export \"%s\" (path[%zu]) has no export \"%s\"",
                       fn, path[i - 1], i - 1, path[i]);
    }
  }
  wasmtime_component_func_t f;
  bool found =
      wasmtime_component_instance_get_func(&inst, store->ctx, index, &f);
  wasmtime_component_export_index_delete(index);
  if (!found)
    return wt__misuse(fn, "export \"%s\" is not a function", path[n - 1]);
  *out = wt__cfunc_from(&f);
  return NULL;
}

wt_error_t *wt_component_instance_func(wt_store_t *store,
                                       const wt_component_instance_t *instance,
                                       const char *name,
                                       wt_component_func_t *out) {
  return wt__cfunc_find("wt_component_instance_func", store, instance, &name, 1,
                   out);
}

wt_error_t *wt_component_instance_func_path(
    wt_store_t *store, const wt_component_instance_t *instance,
    const char *const *path, size_t npath, wt_component_func_t *out) {
  static const char fn[] = "wt_component_instance_func_path";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!path || npath == 0)
    return wt__misuse(fn, "path is NULL or empty");
  return wt__cfunc_find(fn, store, instance, path, npath, out);
}
