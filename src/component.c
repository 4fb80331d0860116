/* Components, the component linker, instances and their exported
 * functions. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#ifdef WASMTIME_FEATURE_COMPONENT_MODEL

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
      wasmtime_component_new(engine->raw, code, code_len, raw);
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

/* ---- the component linker ---- */

wt_error_t *wt_component_linker_new(wt_engine_t *engine,
                                    wt_component_linker_t **out) {
  static const char fn[] = "wt_component_linker_new";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  if (!out)
    return wt__misuse(fn, "out is NULL");
  wt_component_linker_t *l = wt__shell_new(sizeof *l);
  if (!l)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  l->raw = wasmtime_component_linker_new(engine->raw);
  if (!l->raw) {
    wt__retire(l);
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
  l->magic = WT_MAGIC_COMPONENT_LINKER;
  l->engine = wt__engine_ref(engine);
  *out = l;
  return NULL;
}

void wt_component_linker_delete(wt_component_linker_t *linker) {
  if (!wt__component_linker_ok(linker))
    return;
  wasmtime_component_linker_delete(linker->raw);
  wt__engine_unref(linker->engine);
  linker->magic = WT_MAGIC_DEAD;
  wt__retire(linker);
}

wt_error_t *wt_component_linker_instantiate(const wt_component_linker_t *linker,
                                            wt_store_t *store,
                                            const wt_component_t *component,
                                            wt_component_instance_t *out) {
  static const char fn[] = "wt_component_linker_instantiate";
  if (!wt__component_linker_ok(linker))
    return wt__misuse(fn, "linker is NULL or deleted");
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!wt__component_ok(component))
    return wt__misuse(fn, "component is NULL or deleted");
  if (!out)
    return wt__misuse(fn, "out is NULL");
  if (linker->engine != store->engine || component->engine != store->engine)
    return wt__misuse(fn, "linker, store and component belong to different "
                          "engines");
  if ((err = wt__stack_check(fn, store)) != NULL)
    return err;
  wasmtime_component_instance_t inst;
  wt__store_enter(store);
  wasmtime_error_t *werr = wasmtime_component_linker_instantiate(
      linker->raw, store->ctx, component->raw, &inst);
  err = wt__call_result(store, WT_ERROR_LINK, werr, NULL);
  if (!err) {
    wt__store_saw(store, inst.store_id);
    *out = wt__cinstance_from(&inst);
  }
  wt__store_leave(store);
  return err;
}

/* ---- exported functions ---- */

/* Looks up the export `path[0]`/.../`path[n-1]` and makes a function handle
 * of it. */
static wt_error_t *find_func(const char *fn, wt_store_t *store,
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
  return find_func("wt_component_instance_func", store, instance, &name, 1,
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
  return find_func(fn, store, instance, path, npath, out);
}

#else /* !WASMTIME_FEATURE_COMPONENT_MODEL */

/* Wasmtime was built without the component model: every call that can
 * fail says so. */
static wt_error_t *absent(const char *fn) {
  return wt__error(WT_ERROR_CONFIG,
                   "%s: Wasmtime was built without the component model "
                   "(crate feature component-model)",
                   fn);
}

wt_error_t *wt_component_new(wt_engine_t *engine, const uint8_t *bytes,
                             size_t len, wt_component_t **out) {
  (void)engine, (void)bytes, (void)len, (void)out;
  return absent("wt_component_new");
}
wt_error_t *wt_component_new_wat(wt_engine_t *engine, const char *wat,
                                 wt_component_t **out) {
  (void)engine, (void)wat, (void)out;
  return absent("wt_component_new_wat");
}
wt_error_t *wt_component_new_file(wt_engine_t *engine, const char *path,
                                  wt_component_t **out) {
  (void)engine, (void)path, (void)out;
  return absent("wt_component_new_file");
}
wt_error_t *wt_component_validate(wt_engine_t *engine, const uint8_t *bytes,
                                  size_t len) {
  (void)engine, (void)bytes, (void)len;
  return absent("wt_component_validate");
}
void wt_component_delete(wt_component_t *component) { (void)component; }
wt_error_t *wt_component_serialize(const wt_component_t *component,
                                   uint8_t **bytes, size_t *len) {
  (void)component, (void)bytes, (void)len;
  return absent("wt_component_serialize");
}
wt_error_t *wt_component_serialize_file(const wt_component_t *component,
                                        const char *path) {
  (void)component, (void)path;
  return absent("wt_component_serialize_file");
}
wt_error_t *wt_component_deserialize(wt_engine_t *engine, const uint8_t *bytes,
                                     size_t len, wt_component_t **out) {
  (void)engine, (void)bytes, (void)len, (void)out;
  return absent("wt_component_deserialize");
}
wt_error_t *wt_component_deserialize_file(wt_engine_t *engine,
                                          const char *path,
                                          wt_component_t **out) {
  (void)engine, (void)path, (void)out;
  return absent("wt_component_deserialize_file");
}
wt_error_t *wt_component_linker_new(wt_engine_t *engine,
                                    wt_component_linker_t **out) {
  (void)engine, (void)out;
  return absent("wt_component_linker_new");
}
void wt_component_linker_delete(wt_component_linker_t *linker) {
  (void)linker;
}
wt_error_t *wt_component_linker_instantiate(const wt_component_linker_t *linker,
                                            wt_store_t *store,
                                            const wt_component_t *component,
                                            wt_component_instance_t *out) {
  (void)linker, (void)store, (void)component, (void)out;
  return absent("wt_component_linker_instantiate");
}
wt_error_t *wt_component_instance_func(wt_store_t *store,
                                       const wt_component_instance_t *instance,
                                       const char *name,
                                       wt_component_func_t *out) {
  (void)store, (void)instance, (void)name, (void)out;
  return absent("wt_component_instance_func");
}
wt_error_t *wt_component_instance_func_path(
    wt_store_t *store, const wt_component_instance_t *instance,
    const char *const *path, size_t npath, wt_component_func_t *out) {
  (void)store, (void)instance, (void)path, (void)npath, (void)out;
  return absent("wt_component_instance_func_path");
}

#endif /* WASMTIME_FEATURE_COMPONENT_MODEL */
