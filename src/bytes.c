/* Byte input and output shared by modules and components: whole files read
 * and written, WAT turned into a binary, and Wasmtime's byte vectors handed
 * to the caller as malloc()ed buffers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

wt_error_t *wt__file_read(const char *fn, const char *path, uint8_t **data,
                          size_t *len) {
  if (!path)
    return wt__misuse(fn, "path is NULL");
  FILE *f = fopen(path, "rb");
  if (!f)
    return wt__error(WT_ERROR_IO, "%s: cannot open %s: %s", fn, path,
                     strerror(errno));
  size_t cap = 1 << 16, n = 0;
  uint8_t *buf = malloc(cap);
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap)
      break;
    uint8_t *more = realloc(buf, cap * 2);
    if (!more) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = more;
    cap *= 2;
  }
  int failed = ferror(f);
  fclose(f);
  if (!buf)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  if (failed) {
    free(buf);
    return wt__error(WT_ERROR_IO, "%s: cannot read %s", fn, path);
  }
  *data = buf;
  *len = n;
  return NULL;
}

wt_error_t *wt__file_write(const char *fn, const char *path,
                           const uint8_t *bytes, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f)
    return wt__error(WT_ERROR_IO, "%s: cannot create %s: %s", fn, path,
                     strerror(errno));
  size_t wrote = fwrite(bytes, 1, len, f);
  int closed = fclose(f);
  if (wrote != len || closed != 0)
    return wt__error(WT_ERROR_IO, "%s: cannot write %s", fn, path);
  return NULL;
}

wt_error_t *wt__to_binary(const uint8_t *bytes, size_t len,
                          wasm_byte_vec_t *wasm, const uint8_t **code,
                          size_t *code_len) {
  static const uint8_t magic[4] = {0, 'a', 's', 'm'};
  wasm->size = 0;
  wasm->data = NULL;
  *code = bytes;
  *code_len = len;
  /* Empty input goes to the binary reader, which reports the missing
   * header ("unexpected end-of-file") rather than empty text. */
  if (len == 0) {
    *code = magic;
    return NULL;
  }
  if (len >= 4 && memcmp(bytes, magic, 4) == 0)
    return NULL;
  wasmtime_error_t *err = wasmtime_wat2wasm((const char *)bytes, len, wasm);
  if (err)
    return wt__from_wasmtime(WT_ERROR_COMPILE, err);
  *code = (const uint8_t *)wasm->data;
  *code_len = wasm->size;
  return NULL;
}

wt_error_t *wt__bytes_take(wasm_byte_vec_t *v, uint8_t **bytes, size_t *len) {
  uint8_t *copy = malloc(v->size ? v->size : 1);
  if (!copy) {
    wasm_byte_vec_delete(v);
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
  memcpy(copy, v->data, v->size);
  *bytes = copy;
  *len = v->size;
  wasm_byte_vec_delete(v);
  return NULL;
}
