/* Shared set-up for wt's libFuzzer targets. */
#ifndef WT_FUZZ_COMMON_H
#define WT_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wt.h>

/* Aborts (a finding) when wt returns an error where none is allowed. */
#define MUST(expr)                                                             \
  do {                                                                         \
    wt_error_t *must_err_ = (expr);                                            \
    if (must_err_) {                                                           \
      fprintf(stderr, "%s failed: %s\n", #expr,                                \
              wt_error_message(must_err_));                                    \
      abort();                                                                 \
    }                                                                          \
  } while (0)

/* Every error must have a kind and a message: anything else is a finding. */
static inline void check_error(wt_error_t *err) {
  if (!err)
    return;
  if (wt_error_kind(err) < WT_ERROR_MISUSE ||
      wt_error_kind(err) > WT_ERROR_WASMTIME || !wt_error_message(err)) {
    fprintf(stderr, "malformed error: kind %d\n", (int)wt_error_kind(err));
    abort();
  }
  for (size_t i = 0; i < wt_error_frame_count(err); i++)
    if (!wt_error_frame(err, i))
      abort();
  wt_error_delete(err);
}

/* Reads input bytes as a little cursor. */
typedef struct {
  const uint8_t *p;
  size_t n;
} cursor;

static inline uint64_t take(cursor *c, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes && c->n > 0; i++, c->p++, c->n--)
    v |= (uint64_t)*c->p << (8 * i);
  return v;
}

/* The shared engine: fuel on, epochs on, every proposal Wasmtime has. */
static inline wt_engine_t *fuzz_engine(void) {
  static wt_engine_t *engine;
  if (!engine) {
    wt_config_t *c = wt_config_new();
    wt_config_set_consume_fuel(c, true);
    wt_config_set_wasm_threads(c, true);
    wt_config_set_wasm_shared_memory(c, true);
    wt_config_set_wasm_memory64(c, true);
    wt_config_set_wasm_multi_memory(c, true);
    wt_config_set_wasm_tail_call(c, true);
    wt_config_set_wasm_gc(c, true);
    wt_config_set_wasm_function_references(c, true);
    wt_config_set_wasm_exceptions(c, true);
    wt_config_set_max_wasm_stack(c, 256 * 1024);
    MUST(wt_engine_new(c, &engine));
    wt_config_delete(c);
  }
  return engine;
}

#endif
