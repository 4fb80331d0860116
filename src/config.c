/*
 * wt_config_t: settings recorded in the order they were made and replayed
 * onto a fresh wasm_config_t for each engine, so that a config can be reused
 * and Wasmtime's own order-dependent rules (a target resets inferred CPU
 * features, for one) apply exactly as the caller wrote them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

typedef enum { K_BOOL, K_SIZE, K_U64, K_ENUM, K_STR } knob_type;

typedef union {
  void (*b)(wasm_config_t *, bool);
  void (*z)(wasm_config_t *, size_t);
  void (*u)(wasm_config_t *, uint64_t);
  void (*e)(wasm_config_t *, uint8_t);
} setter;

typedef enum {
  OP_SET,            /* a plain setter with a value */
  OP_TARGET,         /* s1 = triple */
  OP_FLAG_ENABLE,    /* s1 = flag */
  OP_FLAG_SET,       /* s1 = flag, s2 = value */
  OP_CACHE,          /* s1 = path or NULL */
  OP_POOLING,        /* value = on/off */
  OP_POOLING_LIMIT,  /* s1 = limit name, value */
} op_kind;

typedef struct {
  op_kind kind;
  const char *name;
  knob_type type;
  setter fn;
  uint64_t value;
  char *s1, *s2;
} op;

struct wt_config {
  uint32_t magic;
  op *ops;
  size_t nops, cap;
  char *rejected; /* first rejected setting's message */
};

wt_config_t *wt_config_new(void) {
  wt_config_t *c = wt__shell_new(sizeof *c);
  if (c)
    c->magic = WT_MAGIC_CONFIG;
  return c;
}

void wt_config_delete(wt_config_t *c) {
  if (!c || c->magic != WT_MAGIC_CONFIG)
    return;
  for (size_t i = 0; i < c->nops; i++) {
    free(c->ops[i].s1);
    free(c->ops[i].s2);
  }
  free(c->ops);
  free(c->rejected);
  c->magic = WT_MAGIC_DEAD;
  wt__retire(c);
}

const char *wt_config_rejected(const wt_config_t *c) {
  if (!c || c->magic != WT_MAGIC_CONFIG)
    return "not a live wt_config_t";
  return c->rejected;
}

static bool config_ok(const wt_config_t *c) {
  return c && c->magic == WT_MAGIC_CONFIG;
}

/* Records the first rejection and returns false. */
static bool reject(wt_config_t *c, const char *fn, const char *what) {
  if (config_ok(c) && !c->rejected) {
    size_t n = strlen(fn) + strlen(what) + 3;
    c->rejected = malloc(n);
    if (c->rejected)
      snprintf(c->rejected, n, "%s: %s", fn, what);
  }
  return false;
}

static bool push(wt_config_t *c, op o) {
  if (c->nops == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 16;
    op *ops = realloc(c->ops, cap * sizeof *ops);
    if (!ops) {
      free(o.s1);
      free(o.s2);
      return reject(c, o.name, "out of memory");
    }
    c->ops = ops;
    c->cap = cap;
  }
  c->ops[c->nops++] = o;
  return true;
}

static bool set_knob(wt_config_t *c, const char *fn, knob_type type,
                     setter s, uint64_t value) {
  if (!config_ok(c))
    return false;
  op o = {OP_SET, fn, type, s, value, NULL, NULL};
  return push(c, o);
}

/* Copies a NUL-terminated UTF-8 string argument, or rejects it. */
static bool take_str(wt_config_t *c, const char *fn, const char *what,
                     const char *s, char **out) {
  if (!s) {
    char m[96];
    snprintf(m, sizeof m, "%s is NULL", what);
    return reject(c, fn, m);
  }
  if (!wt__utf8_valid(s, strlen(s))) {
    char m[96];
    snprintf(m, sizeof m, "%s is not valid UTF-8", what);
    return reject(c, fn, m);
  }
  *out = wt__strdup(s);
  if (!*out)
    return reject(c, fn, "out of memory");
  return true;
}

/* ---- plain knobs ---- */

#define WT_BOOL_KNOBS(X)                                                       \
  X(wasm_threads, wasmtime_config_wasm_threads_set)                            \
  X(wasm_shared_memory, wasmtime_config_shared_memory_set)                     \
  X(wasm_tail_call, wasmtime_config_wasm_tail_call_set)                        \
  X(wasm_reference_types, wasmtime_config_wasm_reference_types_set)            \
  X(wasm_function_references, wasmtime_config_wasm_function_references_set)    \
  X(wasm_gc, wasmtime_config_wasm_gc_set)                                      \
  X(wasm_simd, wasmtime_config_wasm_simd_set)                                  \
  X(wasm_relaxed_simd, wasmtime_config_wasm_relaxed_simd_set)                  \
  X(wasm_relaxed_simd_deterministic,                                           \
    wasmtime_config_wasm_relaxed_simd_deterministic_set)                       \
  X(wasm_bulk_memory, wasmtime_config_wasm_bulk_memory_set)                    \
  X(wasm_multi_value, wasmtime_config_wasm_multi_value_set)                    \
  X(wasm_multi_memory, wasmtime_config_wasm_multi_memory_set)                  \
  X(wasm_memory64, wasmtime_config_wasm_memory64_set)                          \
  X(wasm_wide_arithmetic, wasmtime_config_wasm_wide_arithmetic_set)            \
  X(wasm_branch_hinting, wasmtime_config_wasm_branch_hinting_set)              \
  X(wasm_exceptions, wasmtime_config_wasm_exceptions_set)                      \
  X(wasm_custom_page_sizes, wasmtime_config_wasm_custom_page_sizes_set)        \
  X(wasm_component_model_map,                                                  \
    wasmtime_config_wasm_component_model_map_set)                              \
  X(debug_info, wasmtime_config_debug_info_set)                                \
  X(consume_fuel, wasmtime_config_consume_fuel_set)                            \
  X(epoch_interruption, wasmtime_config_epoch_interruption_set)                \
  X(gc_support, wasmtime_config_gc_support_set)                                \
  X(signals_based_traps, wasmtime_config_signals_based_traps_set)              \
  X(native_unwind_info, wasmtime_config_native_unwind_info_set)                \
  X(memory_may_move, wasmtime_config_memory_may_move_set)                      \
  X(memory_init_cow, wasmtime_config_memory_init_cow_set)                      \
  X(parallel_compilation, wasmtime_config_parallel_compilation_set)            \
  X(cranelift_debug_verifier, wasmtime_config_cranelift_debug_verifier_set)    \
  X(cranelift_nan_canonicalization,                                            \
    wasmtime_config_cranelift_nan_canonicalization_set)

#define WT_SIZE_KNOBS(X)                                                       \
  X(async_stack_size, wasmtime_config_async_stack_size_set)

#define DEFINE_BOOL(name, fn)                                                  \
  bool wt_config_set_##name(wt_config_t *c, bool v) {                              \
    setter s = {.b = fn};                                                      \
    return set_knob(c, "wt_config_set_" #name, K_BOOL, s, v);                      \
  }
#define DEFINE_SIZE(name, fn)                                                  \
  bool wt_config_set_##name(wt_config_t *c, size_t v) {                            \
    setter s = {.z = fn};                                                      \
    return set_knob(c, "wt_config_set_" #name, K_SIZE, s, v);                      \
  }
WT_BOOL_KNOBS(DEFINE_BOOL)
WT_SIZE_KNOBS(DEFINE_SIZE)

/* ---- checked knobs ---- */

bool wt_config_set_wasm_stack_switching(wt_config_t *c, bool v) {
  if (!config_ok(c))
    return false;
  if (v)
    return reject(c, __func__,
                  "stack switching is not built into wt's Wasmtime (its "
                  "\"stack-switching\" feature is off)");
  setter s = {.b = wasmtime_config_wasm_stack_switching_set};
  return set_knob(c, __func__, K_BOOL, s, v);
}

bool wt_config_set_max_wasm_stack(wt_config_t *c, size_t v) {
  if (!config_ok(c))
    return false;
  if (v == 0)
    return reject(c, __func__, "0 bytes of stack is not a valid maximum");
  setter s = {.z = wasmtime_config_max_wasm_stack_set};
  return set_knob(c, __func__, K_SIZE, s, v);
}

/*
 * Linear memory sizes. Wasmtime maps each linear memory as its reservation
 * rounded up to the host page size, between guard regions of the guard size
 * (before and after it), and fails every instantiation whose mapping does
 * not fit in the host's address space: with an overflow error when the sum
 * overflows a size_t, with mmap's ENOMEM when it exceeds the address space
 * of a process. Neither can succeed later, so wt rejects such a setting as
 * a config error: a value alone in the setter, the sum in wt_engine_new
 * (wt__config_check). WT_ADDRESS_SPACE is a process's address space on
 * 64-bit Linux: 128 TiB on x86-64, 256 TiB on AArch64.
 */
#if UINTPTR_MAX <= UINT32_MAX
#define WT_ADDRESS_SPACE ((uint64_t)UINTPTR_MAX)
#elif defined(__aarch64__)
#define WT_ADDRESS_SPACE (1ull << 48)
#else
#define WT_ADDRESS_SPACE (1ull << 47)
#endif

static bool set_memory_size(wt_config_t *c, const char *fn,
                            void (*f)(wasm_config_t *, uint64_t), uint64_t v) {
  if (!config_ok(c))
    return false;
  if (v >= WT_ADDRESS_SPACE) {
    char m[128];
    snprintf(m, sizeof m,
             "%llu bytes do not fit in the address space of a process "
             "(%llu bytes)",
             (unsigned long long)v, (unsigned long long)WT_ADDRESS_SPACE);
    return reject(c, fn, m);
  }
  setter s = {.u = f};
  return set_knob(c, fn, K_U64, s, v);
}

bool wt_config_set_memory_reservation(wt_config_t *c, uint64_t v) {
  return set_memory_size(c, __func__, wasmtime_config_memory_reservation_set,
                         v);
}
bool wt_config_set_memory_guard_size(wt_config_t *c, uint64_t v) {
  return set_memory_size(c, __func__, wasmtime_config_memory_guard_size_set,
                         v);
}
bool wt_config_set_memory_reservation_for_growth(wt_config_t *c, uint64_t v) {
  return set_memory_size(c, __func__,
                         wasmtime_config_memory_reservation_for_growth_set, v);
}

/* ---- enum knobs ---- */

static bool set_enum(wt_config_t *c, const char *fn, int v, int max,
                     void (*f)(wasm_config_t *, uint8_t)) {
  if (!config_ok(c))
    return false;
  if (v < 0 || v > max) {
    char m[64];
    snprintf(m, sizeof m, "%d is not a valid value (0..%d)", v, max);
    return reject(c, fn, m);
  }
  setter s = {.e = f};
  return set_knob(c, fn, K_ENUM, s, (uint64_t)v);
}

bool wt_config_set_strategy(wt_config_t *c, wt_strategy_t v) {
  return set_enum(c, __func__, (int)v, WT_STRATEGY_WINCH,
                  wasmtime_config_strategy_set);
}
bool wt_config_set_opt_level(wt_config_t *c, wt_opt_level_t v) {
  return set_enum(c, __func__, (int)v, WT_OPT_LEVEL_SPEED_AND_SIZE,
                  wasmtime_config_cranelift_opt_level_set);
}
bool wt_config_set_regalloc(wt_config_t *c, wt_regalloc_t v) {
  return set_enum(c, __func__, (int)v, WT_REGALLOC_SINGLE_PASS,
                  wasmtime_config_cranelift_regalloc_algorithm_set);
}
bool wt_config_set_profiler(wt_config_t *c, wt_profiler_t v) {
  return set_enum(c, __func__, (int)v, WT_PROFILER_PERFMAP,
                  wasmtime_config_profiler_set);
}

/* ---- string knobs ---- */

bool wt_config_enable_cranelift_flag(wt_config_t *c, const char *flag) {
  op o = {OP_FLAG_ENABLE, __func__, K_STR, {0}, 0, NULL, NULL};
  if (!config_ok(c) || !take_str(c, __func__, "flag", flag, &o.s1))
    return false;
  return push(c, o);
}

bool wt_config_set_cranelift_flag(wt_config_t *c, const char *flag,
                                  const char *value) {
  op o = {OP_FLAG_SET, __func__, K_STR, {0}, 0, NULL, NULL};
  if (!config_ok(c) || !take_str(c, __func__, "flag", flag, &o.s1))
    return false;
  if (!take_str(c, __func__, "value", value, &o.s2)) {
    free(o.s1);
    return false;
  }
  return push(c, o);
}

/* Tries a setting that Wasmtime checks when it is made on a scratch config,
 * so that a bad value is rejected by the setter itself. */
static bool probe_setting(wt_config_t *c, const char *fn, op_kind kind,
                          const char *arg) {
  wasm_config_t *scratch = wasm_config_new();
  if (!scratch)
    return reject(c, fn, "out of memory");
  wasmtime_error_t *err = NULL;
  if (kind == OP_TARGET)
    err = wasmtime_config_target_set(scratch, arg);
  else
    err = wasmtime_config_cache_config_load(scratch, arg);
  wasm_config_delete(scratch);
  if (!err)
    return true;
  wasm_byte_vec_t msg;
  wasmtime_error_message(err, &msg);
  char *m = malloc(msg.size + 1);
  if (m) {
    memcpy(m, msg.data, msg.size);
    m[msg.size] = '\0';
  }
  wasm_byte_vec_delete(&msg);
  wasmtime_error_delete(err);
  reject(c, fn, m ? m : "rejected by Wasmtime");
  free(m);
  return false;
}

bool wt_config_set_target(wt_config_t *c, const char *triple) {
  op o = {OP_TARGET, __func__, K_STR, {0}, 0, NULL, NULL};
  if (!config_ok(c) || !take_str(c, __func__, "triple", triple, &o.s1))
    return false;
  if (!probe_setting(c, __func__, OP_TARGET, o.s1)) {
    free(o.s1);
    return false;
  }
  return push(c, o);
}

bool wt_config_set_cache(wt_config_t *c, const char *toml_path) {
  op o = {OP_CACHE, __func__, K_STR, {0}, 0, NULL, NULL};
  if (!config_ok(c))
    return false;
  if (toml_path && !take_str(c, __func__, "path", toml_path, &o.s1))
    return false;
  if (!probe_setting(c, __func__, OP_CACHE, o.s1)) {
    free(o.s1);
    return false;
  }
  return push(c, o);
}

/* ---- pooling allocator ---- */

typedef struct {
  const char *name;
  void (*u32)(wasmtime_pooling_allocation_config_t *, uint32_t);
  void (*sz)(wasmtime_pooling_allocation_config_t *, size_t);
} pool_limit;

#define P32(n) {#n, wasmtime_pooling_allocation_config_##n##_set, NULL}
#define PSZ(n) {#n, NULL, wasmtime_pooling_allocation_config_##n##_set}
static const pool_limit pool_limits[] = {
    P32(max_unused_warm_slots),
    PSZ(decommit_batch_size),
    PSZ(async_stack_keep_resident),
    PSZ(linear_memory_keep_resident),
    PSZ(table_keep_resident),
    P32(total_component_instances),
    PSZ(max_component_instance_size),
    P32(max_core_instances_per_component),
    P32(max_memories_per_component),
    P32(max_tables_per_component),
    P32(total_memories),
    P32(total_tables),
    P32(total_stacks),
    P32(total_core_instances),
    PSZ(max_core_instance_size),
    P32(max_tables_per_module),
    PSZ(table_elements),
    P32(max_memories_per_module),
    PSZ(max_memory_size),
    P32(total_gc_heaps),
};
#undef P32
#undef PSZ

static const pool_limit *find_limit(const char *name) {
  for (size_t i = 0; i < sizeof pool_limits / sizeof pool_limits[0]; i++)
    if (strcmp(pool_limits[i].name, name) == 0)
      return &pool_limits[i];
  return NULL;
}

bool wt_config_set_pooling_allocator(wt_config_t *c, bool enable) {
  if (!config_ok(c))
    return false;
  op o = {OP_POOLING, __func__, K_BOOL, {0}, enable, NULL, NULL};
  return push(c, o);
}

bool wt_config_set_pooling_limit(wt_config_t *c, const char *limit, uint64_t value) {
  op o = {OP_POOLING_LIMIT, __func__, K_U64, {0}, value, NULL, NULL};
  if (!config_ok(c) || !take_str(c, __func__, "limit", limit, &o.s1))
    return false;
  const pool_limit *l = find_limit(o.s1);
  char m[160];
  if (!l) {
    snprintf(m, sizeof m, "unknown pooling limit \"%.100s\"", o.s1);
    free(o.s1);
    return reject(c, __func__, m);
  }
  if ((l->u32 && value > UINT32_MAX) || (l->sz && value > SIZE_MAX)) {
    snprintf(m, sizeof m, "%llu is too large for %s",
             (unsigned long long)value, l->name);
    free(o.s1);
    return reject(c, __func__, m);
  }
  return push(c, o);
}

/* ---- building ---- */

wasm_config_t *wt__config_build(const wt_config_t *c) {
  wasm_config_t *w = wasm_config_new();
  if (!w || !c)
    return w;
  bool pooling = false;
  wasmtime_pooling_allocation_config_t *pool = NULL;
  for (size_t i = 0; i < c->nops; i++) {
    const op *o = &c->ops[i];
    wasmtime_error_t *err = NULL;
    switch (o->kind) {
    case OP_SET:
      switch (o->type) {
      case K_BOOL:
        o->fn.b(w, o->value != 0);
        break;
      case K_SIZE:
        o->fn.z(w, (size_t)o->value);
        break;
      case K_U64:
        o->fn.u(w, o->value);
        break;
      case K_ENUM:
        o->fn.e(w, (uint8_t)o->value);
        break;
      case K_STR:
        break;
      }
      break;
    case OP_TARGET:
      err = wasmtime_config_target_set(w, o->s1);
      break;
    case OP_FLAG_ENABLE:
      wasmtime_config_cranelift_flag_enable(w, o->s1);
      break;
    case OP_FLAG_SET:
      wasmtime_config_cranelift_flag_set(w, o->s1, o->s2);
      break;
    case OP_CACHE:
      err = wasmtime_config_cache_config_load(w, o->s1);
      break;
    case OP_POOLING:
      pooling = o->value != 0;
      break;
    case OP_POOLING_LIMIT: {
      const pool_limit *l = find_limit(o->s1);
      if (!pool)
        pool = wasmtime_pooling_allocation_config_new();
      if (l && pool) {
        if (l->u32)
          l->u32(pool, (uint32_t)o->value);
        else
          l->sz(pool, (size_t)o->value);
      }
      pooling = true;
      break;
    }
    }
    if (err) /* checked when the setting was made; cannot recur */
      wasmtime_error_delete(err);
  }
  if (pooling) {
    if (!pool)
      pool = wasmtime_pooling_allocation_config_new();
    if (pool)
      wasmtime_pooling_allocation_strategy_set(w, pool);
  }
  if (pool)
    wasmtime_pooling_allocation_config_delete(pool);
  return w;
}

/* The last value a knob was set to; `dflt` when it was never set. */
static uint64_t u64_knob(const wt_config_t *c,
                         void (*fn)(wasm_config_t *, uint64_t),
                         uint64_t dflt) {
  uint64_t v = dflt;
  for (size_t i = 0; i < c->nops; i++)
    if (c->ops[i].kind == OP_SET && c->ops[i].fn.u == fn)
      v = c->ops[i].value;
  return v;
}

/* `v` rounded up to a multiple of the (power of two) `page`. */
static uint64_t page_up(uint64_t v, uint64_t page) {
  return (v + page - 1) & ~(page - 1);
}

bool wt__config_check(const wt_config_t *c, char *msg, size_t cap) {
  if (!c)
    return true;
  /* Wasmtime's defaults on a 64-bit host: 4 GiB and 32 MiB. */
  uint64_t res = u64_knob(c, wasmtime_config_memory_reservation_set, 1ull << 32);
  uint64_t guard =
      u64_knob(c, wasmtime_config_memory_guard_size_set, 32ull << 20);
  long ps = sysconf(_SC_PAGESIZE);
  uint64_t page = ps > 0 ? (uint64_t)ps : 4096;
  /* Each below WT_ADDRESS_SPACE (the setters), so the sum cannot wrap. */
  uint64_t total = page_up(res, page) + 2 * page_up(guard, page);
  if (total < WT_ADDRESS_SPACE)
    return true;
  snprintf(msg, cap,
           "wt_config_set_memory_reservation: a linear memory of %llu bytes "
           "between guard regions of %llu bytes does not fit in the address "
           "space of a process (%llu bytes)",
           (unsigned long long)res, (unsigned long long)guard,
           (unsigned long long)WT_ADDRESS_SPACE);
  return false;
}

/* The last value a boolean knob was set to; false when it was never set. */
static bool bool_knob(const wt_config_t *c,
                      void (*fn)(wasm_config_t *, bool)) {
  bool on = false;
  for (size_t i = 0; i < c->nops; i++)
    if (c->ops[i].kind == OP_SET && c->ops[i].fn.b == fn)
      on = c->ops[i].value != 0;
  return on;
}

bool wt__config_epochs(const wt_config_t *c) {
  return bool_knob(c, wasmtime_config_epoch_interruption_set);
}

bool wt__config_custom_pages(const wt_config_t *c) {
  return bool_knob(c, wasmtime_config_wasm_custom_page_sizes_set);
}

/* The last value a boolean knob was set to, or `dflt` when never set. */
static bool bool_knob_or(const wt_config_t *c,
                         void (*fn)(wasm_config_t *, bool), bool dflt) {
  bool on = dflt;
  for (size_t i = 0; c && i < c->nops; i++)
    if (c->ops[i].kind == OP_SET && c->ops[i].fn.b == fn)
      on = c->ops[i].value != 0;
  return on;
}

bool wt__config_gc(const wt_config_t *c) {
  return bool_knob_or(c, wasmtime_config_wasm_gc_set, true) &&
         bool_knob_or(c, wasmtime_config_gc_support_set, true);
}

bool wt__config_exceptions(const wt_config_t *c) {
  return bool_knob_or(c, wasmtime_config_wasm_exceptions_set, true) &&
         bool_knob_or(c, wasmtime_config_gc_support_set, true);
}

size_t wt__config_max_wasm_stack(const wt_config_t *c) {
  size_t bytes = WT__DEFAULT_MAX_WASM_STACK;
  for (size_t i = 0; i < c->nops; i++)
    if (c->ops[i].kind == OP_SET &&
        c->ops[i].fn.z == wasmtime_config_max_wasm_stack_set)
      bytes = (size_t)c->ops[i].value;
  return bytes;
}
