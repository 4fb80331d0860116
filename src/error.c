/* wt_error_t: the one error type for every failure. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct wt_error {
  uint32_t magic;
  bool is_static; /* the one error that needs no memory */
  wt_error_kind_t kind;
  char *message;
  bool has_code;
  wt_trap_code_t code;
  bool has_status;
  int status;
  size_t nframes;
  wt_frame_t *frames;
  bool has_exn;          /* WT_ERROR_EXCEPTION: the exception, rooted */
  wasmtime_exnref_t exn; /* an owned root: it needs no store to unroot */
};

static char *vformat(const char *fmt, va_list ap) {
  va_list copy;
  va_copy(copy, ap);
  int n = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  if (n < 0)
    n = 0;
  char *s = malloc((size_t)n + 1);
  if (s)
    vsnprintf(s, (size_t)n + 1, fmt, ap);
  return s;
}

/* What a failure returns when not even its error can be made: a failure
 * must never look like success. Deleting it does nothing. */
static wt_error_t out_of_memory = {
    .magic = WT_MAGIC_ERROR,
    .is_static = true,
    .kind = WT_ERROR_WASMTIME,
    .message = (char *)"out of memory",
};

static wt_error_t *error_alloc(wt_error_kind_t kind, char *message) {
  wt_error_t *e = wt__shell_new(sizeof *e);
  if (!message)
    message = wt__strdup("out of memory");
  if (!e || !message) {
    free(message);
    wt__retire(e);
    return &out_of_memory;
  }
  e->magic = WT_MAGIC_ERROR;
  e->kind = kind;
  e->message = message;
  return e;
}

/* A live error, not a NULL or deleted one. */
static bool error_ok(const wt_error_t *e) {
  return e && e->magic == WT_MAGIC_ERROR;
}

wt_error_t *wt__error(wt_error_kind_t kind, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = vformat(fmt, ap);
  va_end(ap);
  return error_alloc(kind, msg);
}

wt_error_t *wt__exit_error(int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = vformat(fmt, ap);
  va_end(ap);
  wt_error_t *e = error_alloc(WT_ERROR_EXIT, msg);
  if (!e->is_static) {
    e->has_status = true;
    e->status = status;
  }
  return e;
}

wt_error_t *wt__misuse(const char *fn, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *detail = vformat(fmt, ap);
  va_end(ap);
  wt_error_t *e =
      wt__error(WT_ERROR_MISUSE, "%s: %s", fn, detail ? detail : "misuse");
  free(detail);
  return e;
}

static char *name_dup(const wasm_name_t *name) {
  if (!name || !name->data)
    return NULL;
  char *s = malloc(name->size + 1);
  if (s) {
    memcpy(s, name->data, name->size);
    s[name->size] = '\0';
  }
  return s;
}

static void take_frames(wt_error_t *e, wasm_frame_vec_t *vec) {
  if (vec->size == 0) {
    wasm_frame_vec_delete(vec);
    return;
  }
  e->frames = calloc(vec->size, sizeof *e->frames);
  if (e->frames) {
    e->nframes = vec->size;
    for (size_t i = 0; i < vec->size; i++) {
      const wasm_frame_t *f = vec->data[i];
      wt_frame_t *out = &e->frames[i];
      out->func_index = wasm_frame_func_index(f);
      out->func_offset = wasm_frame_func_offset(f);
      out->module_offset = wasm_frame_module_offset(f);
      out->func_name = name_dup(wasmtime_frame_func_name(f));
      out->module_name = name_dup(wasmtime_frame_module_name(f));
    }
  }
  wasm_frame_vec_delete(vec);
}

/* Wasmtime's message vectors may or may not end in a NUL; copy either. */
static char *message_dup(const wasm_byte_vec_t *v) {
  size_t n = v->size;
  if (n > 0 && v->data[n - 1] == '\0')
    n--;
  char *s = malloc(n + 1);
  if (s) {
    memcpy(s, v->data, n);
    s[n] = '\0';
  }
  return s;
}

char *wt__wasmtime_message(const wasmtime_error_t *err) {
  wasm_byte_vec_t msg;
  wasmtime_error_message(err, &msg);
  char *text = message_dup(&msg);
  wasm_byte_vec_delete(&msg);
  return text;
}

wt_error_t *wt__from_wasmtime(wt_error_kind_t kind, wasmtime_error_t *err) {
  wt_error_t *e = error_alloc(kind, wt__wasmtime_message(err));
  if (!e->is_static) {
    int status;
    if (wasmtime_error_exit_status(err, &status)) {
      e->kind = WT_ERROR_EXIT;
      e->has_status = true;
      e->status = status;
    }
    uint8_t code;
    if (wt_native_error_trap_code(err, &code)) {
      e->has_code = true;
      e->code = (wt_trap_code_t)code;
    }
    wasm_frame_vec_t frames;
    wasmtime_error_wasm_trace(err, &frames);
    take_frames(e, &frames);
  }
  wasmtime_error_delete(err);
  return e;
}

wt_error_t *wt__from_wasmtime_in(wt_error_kind_t kind, const char *fn,
                                 const char *what, wasmtime_error_t *err) {
  char *text = wt__wasmtime_message(err);
  wasmtime_error_delete(err);
  wt_error_t *e = wt__error(kind, "%s: %s%s%s", fn, what ? what : "",
                            what ? ": " : "", text ? text : "");
  free(text);
  return e;
}

wt_error_t *wt__from_trap(wasm_trap_t *trap) {
  wasm_message_t msg;
  wasm_trap_message(trap, &msg);
  wt_error_t *e = error_alloc(WT_ERROR_TRAP, message_dup(&msg));
  wasm_byte_vec_delete(&msg);
  if (!e->is_static) {
    wasmtime_trap_code_t code;
    if (wasmtime_trap_code(trap, &code)) {
      e->has_code = true;
      e->code = (wt_trap_code_t)code;
    }
    wasm_frame_vec_t frames;
    wasm_trap_trace(trap, &frames);
    take_frames(e, &frames);
  }
  wasm_trap_delete(trap);
  return e;
}

wt_error_t *wt__error_set_exn(wt_error_t *e, wasmtime_exnref_t *exn) {
  if (e->is_static) {
    wasmtime_exnref_unroot(exn);
    return e;
  }
  e->kind = WT_ERROR_EXCEPTION;
  e->has_exn = true;
  e->exn = *exn;
  /* Code that only looks at trap codes still sees what happened. */
  e->has_code = true;
  e->code = WT_TRAP_UNCAUGHT_EXCEPTION;
  return e;
}

const wasmtime_exnref_t *wt__error_exn(const wt_error_t *error) {
  return error_ok(error) && error->has_exn ? &error->exn : NULL;
}

wasm_trap_t *wt__to_trap(const wt_error_t *error) {
  if (error_ok(error) && error->has_code && error->kind == WT_ERROR_TRAP)
    return wasmtime_trap_new_code((wasmtime_trap_code_t)error->code);
  const char *m = error_ok(error) ? error->message : "host function failed";
  return wasmtime_trap_new(m, strlen(m));
}

/* ---- public ---- */

wt_error_kind_t wt_error_kind(const wt_error_t *error) {
  return error_ok(error) ? error->kind : (wt_error_kind_t)0;
}

const char *wt_error_kind_name(wt_error_kind_t kind) {
  switch (kind) {
  case WT_ERROR_MISUSE:
    return "misuse";
  case WT_ERROR_COMPILE:
    return "compile";
  case WT_ERROR_LINK:
    return "link";
  case WT_ERROR_TRAP:
    return "trap";
  case WT_ERROR_EXIT:
    return "exit";
  case WT_ERROR_NOT_FOUND:
    return "not found";
  case WT_ERROR_CONFIG:
    return "config";
  case WT_ERROR_IO:
    return "io";
  case WT_ERROR_HOST:
    return "host";
  case WT_ERROR_WASMTIME:
    return "wasmtime";
  case WT_ERROR_EXCEPTION:
    return "exception";
  }
  return "unknown";
}

const char *wt_error_message(const wt_error_t *error) {
  return error_ok(error) ? error->message : "";
}

bool wt_error_trap_code(const wt_error_t *error, wt_trap_code_t *code) {
  if (!error_ok(error) || !error->has_code)
    return false;
  if (code)
    *code = error->code;
  return true;
}

bool wt_error_exit_status(const wt_error_t *error, int *status) {
  if (!error_ok(error) || !error->has_status)
    return false;
  if (status)
    *status = error->status;
  return true;
}

size_t wt_error_frame_count(const wt_error_t *error) {
  return error_ok(error) ? error->nframes : 0;
}

const wt_frame_t *wt_error_frame(const wt_error_t *error, size_t index) {
  if (!error_ok(error) || index >= error->nframes)
    return NULL;
  return &error->frames[index];
}

wt_error_t *wt_error_new(const char *message) {
  return error_alloc(WT_ERROR_HOST, wt__strdup(message ? message : ""));
}

wt_error_t *wt_trap_new(wt_trap_code_t code) {
  /* Wasmtime aborts on a code it does not know. */
  if ((unsigned)code > WT_TRAP_UNCAUGHT_EXCEPTION)
    return wt__misuse("wt_trap_new", "%u is not a trap code (0..%d)",
                      (unsigned)code, WT_TRAP_UNCAUGHT_EXCEPTION);
  /* Let Wasmtime say what the code means, as it would for wasm's own trap. */
  wasm_trap_t *t = wasmtime_trap_new_code((wasmtime_trap_code_t)code);
  return wt__from_trap(t);
}

void wt_error_delete(wt_error_t *error) {
  if (!error_ok(error) || error->is_static)
    return;
  for (size_t i = 0; i < error->nframes; i++) {
    free((char *)error->frames[i].func_name);
    free((char *)error->frames[i].module_name);
  }
  free(error->frames);
  free(error->message);
  if (error->has_exn)
    wasmtime_exnref_unroot(&error->exn);
  error->magic = WT_MAGIC_DEAD;
  wt__retire(error);
}
