/**
 * @file wt/tuning.h
 * @brief ADVANCED: compiler, memory and allocator knobs, and the raw fast
 * paths for calls and host functions.
 *
 * Include <wt.h>, not this file.
 *
 * Everything here is for embedders who measure: the defaults in
 * <wt/core.h> suit most programs. These declarations mirror Wasmtime's own
 * knobs and may follow Wasmtime when wt moves to a newer release: unlike
 * the core, they are stable only within one minor version of wt. They keep
 * wt's other promises: a rejected setting is an error, never an abort, and
 * the fast paths still check their store.
 */
#ifndef WT_TUNING_H
#define WT_TUNING_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================== */
/* Config: tuning (src/config.c)                                             */
/* ======================================================================== */

/** Which compiler makes machine code. */
typedef enum wt_strategy {
  WT_STRATEGY_AUTO = 0,      /**< Wasmtime picks (Cranelift) */
  WT_STRATEGY_CRANELIFT = 1, /**< the optimizing compiler */
  WT_STRATEGY_WINCH = 2,     /**< the fast baseline compiler */
} wt_strategy_t;

/** How hard Cranelift optimizes. */
typedef enum wt_opt_level {
  WT_OPT_LEVEL_NONE = 0,           /**< no optimizations */
  WT_OPT_LEVEL_SPEED = 1,          /**< for speed (the default) */
  WT_OPT_LEVEL_SPEED_AND_SIZE = 2, /**< for speed and code size */
} wt_opt_level_t;

/** Cranelift's register allocator. */
typedef enum wt_regalloc {
  WT_REGALLOC_BACKTRACKING = 0, /**< better code (the default) */
  WT_REGALLOC_SINGLE_PASS = 1,  /**< faster compilation */
} wt_regalloc_t;

/** A profiler to tell about compiled code. */
typedef enum wt_profiler {
  WT_PROFILER_NONE = 0,    /**< none (the default) */
  WT_PROFILER_JITDUMP = 1, /**< perf's jitdump files */
  WT_PROFILER_VTUNE = 2,   /**< Intel VTune */
  WT_PROFILER_PERFMAP = 3, /**< perf's /tmp/perf-PID.map */
} wt_profiler_t;

/** The compiler (default WT_STRATEGY_AUTO). */
WT_API bool wt_config_set_strategy(wt_config_t *config,
                                   wt_strategy_t strategy);
/** Cranelift's optimization level. */
WT_API bool wt_config_set_opt_level(wt_config_t *config, wt_opt_level_t level);
/** Cranelift's register allocator. */
WT_API bool wt_config_set_regalloc(wt_config_t *config,
                                   wt_regalloc_t algorithm);
/** The profiler to inform of compiled code. */
WT_API bool wt_config_set_profiler(wt_config_t *config,
                                   wt_profiler_t profiler);
/** Compile functions on several threads (default on). */
WT_API bool wt_config_set_parallel_compilation(wt_config_t *config,
                                               bool enable);
/** Run Cranelift's IR verifier on everything it compiles (slow). */
WT_API bool wt_config_set_cranelift_debug_verifier(wt_config_t *config,
                                                   bool enable);
/** Canonicalize NaNs produced by float instructions (deterministic
 * results across platforms). */
WT_API bool wt_config_set_cranelift_nan_canonicalization(wt_config_t *config,
                                                         bool enable);
/** Enable a Cranelift boolean setting or preset by name (e.g. "has_avx").
 * An unknown name is rejected by wt_engine_new(). */
WT_API bool wt_config_enable_cranelift_flag(wt_config_t *config,
                                            const char *flag);
/** Set a Cranelift setting by name to a value (e.g. "opt_level", "none").
 * An unknown name or value is rejected by wt_engine_new(). */
WT_API bool wt_config_set_cranelift_flag(wt_config_t *config,
                                         const char *flag, const char *value);
/**
 * Compile for a target triple, e.g. "x86_64-unknown-linux-gnu" or
 * "pulley64" (the portable Pulley interpreter). An unknown triple is
 * rejected here.
 */
WT_API bool wt_config_set_target(wt_config_t *config, const char *triple);
/**
 * Turn on the compilation cache. `toml_path` names a cache configuration
 * file, or NULL for Wasmtime's default settings. A file that cannot be read
 * or parsed is rejected here.
 */
WT_API bool wt_config_set_cache(wt_config_t *config, const char *toml_path);
/** Generate DWARF debug information for compiled code (for debuggers). */
WT_API bool wt_config_set_debug_info(wt_config_t *config, bool enable);
/** Native stack size for async calls; must exceed max_wasm_stack. */
WT_API bool wt_config_set_async_stack_size(wt_config_t *config, size_t bytes);
/** Whether GC support (the collector and GC references) is built into the
 * engine at all; off refuses modules that need it. */
WT_API bool wt_config_set_gc_support(wt_config_t *config, bool enable);
/** Whether Wasmtime may use signals (virtual memory) to catch traps; off
 * makes compiled code check bounds explicitly. */
WT_API bool wt_config_set_signals_based_traps(wt_config_t *config,
                                              bool enable);
/** Emit native unwind information for compiled code. */
WT_API bool wt_config_set_native_unwind_info(wt_config_t *config,
                                             bool enable);

/**
 * Virtual memory reserved up front for each linear memory, in bytes.
 * Wasmtime maps each linear memory as this reservation (rounded up to the
 * host page size) between two guard regions of wt_config_set_memory_guard_size()
 * bytes, and cannot instantiate a memory whose mapping does not fit in the
 * address space of a process (128 TiB on x86-64 Linux, 256 TiB on AArch64).
 * So a value of at least that size is rejected here (returns false), and
 * wt_engine_new() fails with WT_ERROR_CONFIG when the reservation and its
 * two guard regions together do not fit (Wasmtime's defaults, 4 GiB and 32
 * MiB, count for a size not set).
 */
WT_API bool wt_config_set_memory_reservation(wt_config_t *config,
                                             uint64_t bytes);
/** Guard region before and after each linear memory, in bytes; limited as
 * wt_config_set_memory_reservation() says. */
WT_API bool wt_config_set_memory_guard_size(wt_config_t *config,
                                            uint64_t bytes);
/** Extra reservation kept for growth when a memory moves, in bytes; a value
 * not below the address space of a process is rejected, as in
 * wt_config_set_memory_reservation(). */
WT_API bool wt_config_set_memory_reservation_for_growth(wt_config_t *config,
                                                        uint64_t bytes);
/** Whether a linear memory may move when it grows past its reservation. */
WT_API bool wt_config_set_memory_may_move(wt_config_t *config, bool enable);
/** Initialize memories copy-on-write from the module's image. */
WT_API bool wt_config_set_memory_init_cow(wt_config_t *config, bool enable);

/**
 * Use the pooling instance allocator (preallocated slots: fast
 * instantiation, fixed limits) instead of on-demand allocation.
 */
WT_API bool wt_config_set_pooling_allocator(wt_config_t *config, bool enable);
/**
 * Set one limit of the pooling allocator by the name Wasmtime gives it:
 * "total_core_instances", "total_memories", "total_tables",
 * "total_stacks", "total_gc_heaps", "total_component_instances",
 * "max_memory_size", "max_memories_per_module", "max_tables_per_module",
 * "table_elements", "max_core_instance_size",
 * "max_component_instance_size", "max_core_instances_per_component",
 * "max_memories_per_component", "max_tables_per_component",
 * "max_unused_warm_slots", "decommit_batch_size",
 * "async_stack_keep_resident", "linear_memory_keep_resident",
 * "table_keep_resident". Also turns the pooling allocator on. An unknown
 * name or a value too large for the limit is rejected.
 */
WT_API bool wt_config_set_pooling_limit(wt_config_t *config,
                                        const char *limit, uint64_t value);

/* ======================================================================== */
/* Host functions and calls: the raw fast path (src/func.c)                  */
/* ======================================================================== */

/**
 * A raw numeric value, laid out as Wasmtime's wasmtime_val_raw_t (checked
 * at compile time in src/func.c). Used where the types are known in
 * advance.
 */
typedef union wt_raw {
  int32_t i32;      /**< an i32 */
  int64_t i64;      /**< an i64 */
  float f32;        /**< an f32 */
  double f64;       /**< an f64 */
  uint8_t v128[16]; /**< a v128 */
} wt_raw_t;

/**
 * A function whose signature was checked once, for fast calls: a copy of
 * wt_func_t plus what the fast path needs. Its first fields mirror
 * wt_func_t, which in turn carries Wasmtime's wasmtime_func_t, so that a
 * call reaches Wasmtime without conversion; src/func.c checks that layout
 * at compile time. This is the one public struct tied to Wasmtime's private
 * layout. Owned by the store; copy it freely; the fields are private.
 */
typedef struct wt_typed_func {
  uint64_t store_id_; /**< private */
  void *raw_;         /**< private */
  const void *sig_;   /**< private */
  size_t n_;          /**< private */
} wt_typed_func_t;

/**
 * Checks once that `func` has exactly the signature `sig` (as in
 * wt_linker_define_func(): "i32 i32 -> i32"; numbers and v128 only) and
 * makes a typed handle for wt_func_call_typed().
 * Fails: WT_ERROR_MISUSE for a bad store, NULL arguments, a null funcref or
 * a function of another store, naming both signatures when they differ, or
 * when the signature has reference types.
 */
WT_API WT_NODISCARD wt_error_t *wt_func_typed(wt_store_t *store,
                                              const wt_func_t *func,
                                              const char *sig,
                                              wt_typed_func_t *out);
/**
 * Calls a typed function with no per-call allocation or type checks: `vals`
 * holds the arguments in order and receives the results from vals[0]; it
 * must have max(params, results) elements. The store is still checked.
 * Fails: WT_ERROR_TRAP, a host function's error, or WT_ERROR_MISUSE for a
 * bad store, a handle not made by wt_func_typed() or of another store, or a
 * calling thread whose stack is too small (see
 * wt_config_set_max_wasm_stack()).
 */
WT_API WT_NODISCARD wt_error_t *wt_func_call_typed(wt_store_t *store,
                                                   const wt_typed_func_t *func,
                                                   wt_raw_t *vals);

/**
 * A host function on the fast path: `vals` holds `nargs` arguments and
 * receives `nresults` results from vals[0], as raw numbers of the declared
 * types. Return NULL, or an error to trap as with wt_func_cb.
 */
typedef wt_error_t *(*wt_func_raw_cb)(void *env, wt_caller_t *caller,
                                      wt_raw_t *vals, size_t nargs,
                                      size_t nresults);
/**
 * As wt_linker_define_func(), with a raw callback; `sig` may only use
 * numbers and v128.
 * Fails: as wt_linker_define_func(), and WT_ERROR_MISUSE for a signature
 * with reference types.
 */
WT_API WT_NODISCARD wt_error_t *
wt_linker_define_func_raw(wt_linker_t *linker, const char *module,
                          const char *name, const char *sig,
                          wt_func_raw_cb cb, void *env,
                          void (*finalizer)(void *));

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WT_TUNING_H */
