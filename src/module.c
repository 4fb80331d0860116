/* wt_module_t: compiled modules. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A NUL-terminated copy of a wasm name; its length in bytes in *len. */
static char *name_dup(const wasm_name_t *n, size_t *len) {
  *len = n->size;
  char *s = malloc(n->size + 1);
  if (s) {
    if (n->size)
      memcpy(s, n->data, n->size);
    s[n->size] = '\0';
  }
  return s;
}

/* Reads an unsigned LEB128 of at most 32 bits; false past `end`. */
static bool leb(const uint8_t **p, const uint8_t *end, uint32_t *out) {
  uint32_t v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (*p >= end)
      return false;
    uint8_t b = *(*p)++;
    v |= (uint32_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *out = v;
      return true;
    }
  }
  return false;
}

/* The module name from a binary's "name" custom section, or NULL. The binary
 * has already been validated by Wasmtime, but a custom section's contents are
 * not checked by it, so every read is bounds-checked here. */
static char *binary_name(const uint8_t *p, size_t len) {
  const uint8_t *end = p + len;
  p += 8; /* magic and version */
  while (p < end) {
    uint8_t id = *p++;
    uint32_t size;
    if (!leb(&p, end, &size) || size > (size_t)(end - p))
      return NULL;
    const uint8_t *sec = p, *sec_end = p + size;
    p = sec_end;
    uint32_t nlen;
    if (id != 0 || !leb(&sec, sec_end, &nlen) ||
        nlen > (size_t)(sec_end - sec) || nlen != 4 ||
        memcmp(sec, "name", 4) != 0)
      continue;
    sec += 4;
    while (sec < sec_end) {
      uint8_t sub = *sec++;
      uint32_t sub_size;
      if (!leb(&sec, sec_end, &sub_size) || sub_size > (size_t)(sec_end - sec))
        return NULL;
      if (sub == 0) {
        const uint8_t *q = sec;
        uint32_t n;
        if (!leb(&q, sec + sub_size, &n) || n > (size_t)(sec + sub_size - q))
          return NULL;
        char *name = malloc(n + 1);
        if (name) {
          memcpy(name, q, n);
          name[n] = '\0';
        }
        return name;
      }
      sec += sub_size;
    }
  }
  return NULL;
}

const char *wt_module_name(const wt_module_t *m) {
  return m && m->magic == WT_MAGIC_MODULE ? m->name : NULL;
}

static void module_free(wt_module_t *m) {
  free(m->name);
  for (size_t i = 0; i < m->nimports; i++) {
    free((char *)m->imports[i].module);
    free((char *)m->imports[i].name);
  }
  for (size_t i = 0; i < m->nexports; i++)
    free((char *)m->exports[i].name);
  free(m->imports);
  free(m->exports);
  pthread_mutex_destroy(&m->lock);
  wasmtime_module_delete(m->raw);
  wt__engine_unref(m->engine);
  m->magic = WT_MAGIC_DEAD;
  wt__retire(m);
}

/* Records the module's imports and exports with wt's types. */
static bool describe(wt_module_t *m) {
  wasm_importtype_vec_t imps;
  wasm_exporttype_vec_t exps;
  wasmtime_module_imports(m->raw, &imps);
  wasmtime_module_exports(m->raw, &exps);
  bool ok = true;
  m->imports = calloc(imps.size ? imps.size : 1, sizeof *m->imports);
  m->exports = calloc(exps.size ? exps.size : 1, sizeof *m->exports);
  ok = m->imports && m->exports;
  for (size_t i = 0; ok && i < imps.size; i++) {
    wt_import_t *w = &m->imports[i];
    const wasm_importtype_t *it = imps.data[i];
    w->module = name_dup(wasm_importtype_module(it), &w->module_len);
    w->name = name_dup(wasm_importtype_name(it), &w->name_len);
    m->nimports = i + 1;
    ok = w->module && w->name;
    if (!wt__externtype_from(m->engine, wasm_importtype_type(imps.data[i]),
                             &w->type) && w->type.kind != 0xff)
      ok = false;
  }
  for (size_t i = 0; ok && i < exps.size; i++) {
    wt_export_t *w = &m->exports[i];
    w->name = name_dup(wasm_exporttype_name(exps.data[i]), &w->name_len);
    m->nexports = i + 1;
    ok = w->name != NULL;
    if (!wt__externtype_from(m->engine, wasm_exporttype_type(exps.data[i]),
                             &w->type) && w->type.kind != 0xff)
      ok = false;
  }
  wasm_importtype_vec_delete(&imps);
  wasm_exporttype_vec_delete(&exps);
  return ok;
}

static wt_error_t *module_wrap(wt_engine_t *engine, wasmtime_module_t *raw,
                               wt_module_t **out) {
  wt_module_t *m = wt__shell_new(sizeof *m);
  if (!m) {
    wasmtime_module_delete(raw);
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
  m->magic = WT_MAGIC_MODULE;
  m->raw = raw;
  m->engine = wt__engine_ref(engine);
  pthread_mutex_init(&m->lock, NULL);
  atomic_init(&m->described, false);
  *out = m;
  return NULL;
}

bool wt__module_describe(wt_module_t *m) {
  if (atomic_load_explicit(&m->described, memory_order_acquire))
    return true;
  pthread_mutex_lock(&m->lock);
  bool ok = true;
  if (!atomic_load_explicit(&m->described, memory_order_relaxed)) {
    ok = describe(m);
    if (ok)
      atomic_store_explicit(&m->described, true, memory_order_release);
  }
  pthread_mutex_unlock(&m->lock);
  return ok;
}

static bool module_ok(const wt_module_t *m) {
  return m && m->magic == WT_MAGIC_MODULE;
}

static bool described(const wt_module_t *m) {
  return module_ok(m) && wt__module_describe((wt_module_t *)m);
}

size_t wt_module_import_count(const wt_module_t *m) {
  return described(m) ? m->nimports : 0;
}
const wt_import_t *wt_module_import(const wt_module_t *m, size_t i) {
  return described(m) && i < m->nimports ? &m->imports[i] : NULL;
}
size_t wt_module_export_count(const wt_module_t *m) {
  return described(m) ? m->nexports : 0;
}
const wt_export_t *wt_module_export(const wt_module_t *m, size_t i) {
  return described(m) && i < m->nexports ? &m->exports[i] : NULL;
}

wt_error_t *wt_module_new_file(wt_engine_t *engine, const char *path,
                               wt_module_t **out) {
  static const char fn[] = "wt_module_new_file";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  uint8_t *data;
  size_t len;
  wt_error_t *err = wt__file_read(fn, path, &data, &len);
  if (err)
    return err;
  err = wt_module_new(engine, data, len, out);
  free(data);
  return err;
}

wt_error_t *wt_module_serialize_file(const wt_module_t *module,
                                     const char *path) {
  static const char fn[] = "wt_module_serialize_file";
  if (!module || module->magic != WT_MAGIC_MODULE)
    return wt__misuse(fn, "module is NULL or deleted");
  if (!path)
    return wt__misuse(fn, "path is NULL");
  uint8_t *bytes;
  size_t len;
  wt_error_t *err = wt_module_serialize(module, &bytes, &len);
  if (err)
    return err;
  err = wt__file_write(fn, path, bytes, len);
  free(bytes);
  return err;
}

wt_error_t *wt_module_deserialize_file(wt_engine_t *engine, const char *path,
                                       wt_module_t **out) {
  static const char fn[] = "wt_module_deserialize_file";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  uint8_t *data;
  size_t len;
  wt_error_t *err = wt__file_read(fn, path, &data, &len);
  if (err)
    return err;
  err = wt_module_deserialize(engine, data, len, out);
  free(data);
  return err;
}

wt_error_t *wt_module_validate(wt_engine_t *engine, const uint8_t *bytes,
                               size_t len) {
  static const char fn[] = "wt_module_validate";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  if (!bytes && len > 0)
    return wt__misuse(fn, "bytes is NULL");
  wasm_byte_vec_t wasm;
  const uint8_t *code;
  size_t code_len;
  wt_error_t *err = wt__to_binary(bytes, len, &wasm, &code, &code_len);
  if (err)
    return err;
  wasmtime_error_t *werr = wasmtime_module_validate(engine->raw, code, code_len);
  wasm_byte_vec_delete(&wasm);
  return werr ? wt__from_wasmtime(WT_ERROR_COMPILE, werr) : NULL;
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
  wasm_byte_vec_t wasm;
  const uint8_t *code;
  size_t code_len;
  wt_error_t *werr2 = wt__to_binary(bytes ? bytes : (const uint8_t *)"", len,
                                &wasm, &code, &code_len);
  if (werr2)
    return werr2;
  wasmtime_module_t *raw = NULL;
  wasmtime_error_t *err = wasmtime_module_new(engine->raw, code, code_len, &raw);
  char *name = err ? NULL : binary_name(code, code_len);
  wasm_byte_vec_delete(&wasm);
  if (err)
    return wt__from_wasmtime(WT_ERROR_COMPILE, err);
  wt_error_t *e = module_wrap(engine, raw, out);
  if (e)
    free(name);
  else
    (*out)->name = name;
  return e;
}

wt_error_t *wt_module_new_wat(wt_engine_t *engine, const char *wat,
                              wt_module_t **out) {
  if (!wat)
    return wt__misuse("wt_module_new_wat", "wat is NULL");
  return wt_module_new(engine, (const uint8_t *)wat, strlen(wat), out);
}

void wt_module_delete(wt_module_t *module) {
  if (module_ok(module))
    module_free(module);
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
  return wt__bytes_take(&v, bytes, len);
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
