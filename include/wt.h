/*
 * wt: a safe, short and fast C API over the Wasmtime WebAssembly runtime.
 *
 * This header is the whole public API: anything not declared here is
 * internal and may change. See docs/design.md for the design behind it.
 *
 * Conventions that hold for every function below unless its comment says
 * otherwise:
 *
 *  - Fallible functions return `wt_error_t *`: NULL on success, otherwise an
 *    error that the caller owns and frees with wt_error_delete(). Out
 *    parameters are written only on success.
 *  - Misuse (a NULL argument, a deleted object, an object of another store, a
 *    value of the wrong type, a wrong count, an out-of-range index) returns an
 *    error of kind WT_ERROR_MISUSE whose message names the function and what
 *    was wrong. wt never lets such a call reach Wasmtime, where it could abort
 *    the process.
 *  - Names and strings are NUL-terminated UTF-8 and are copied: wt never keeps
 *    a pointer to memory the caller passed in.
 *  - Objects returned through `T **out` (engine, config, store, module,
 *    linker, error) are owned by the caller and freed with the matching
 *    `wt_T_delete`, which accepts NULL.
 *  - Values of store items (wt_func_t, wt_instance_t, ...) are small handles
 *    that the store owns: they need no freeing and are valid as long as their
 *    store lives. Using one with another store, or after its store was
 *    deleted, is detected and reported as misuse.
 */
#ifndef WT_H
#define WT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define WT_API __declspec(dllexport)
#elif defined(__GNUC__)
#define WT_API __attribute__((visibility("default")))
#else
#define WT_API
#endif

/* ------------------------------------------------------------------------ */
/* Version                                                                   */
/* ------------------------------------------------------------------------ */

#define WT_VERSION_MAJOR 0
#define WT_VERSION_MINOR 1
#define WT_VERSION_PATCH 0
#define WT_VERSION_STRING "0.1.0"
/** The Wasmtime release wt is built against (checked at build time). */
#define WT_WASMTIME_VERSION "48.0.8"

/** wt's version, e.g. "0.1.0". Static string. */
WT_API const char *wt_version(void);
/** The Wasmtime version linked in, e.g. "48.0.8". Static string. */
WT_API const char *wt_wasmtime_version(void);

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */
/* ------------------------------------------------------------------------ */

/*
 * Every failure is a wt_error_t with a kind. The list is append-only: kinds
 * are never renumbered or removed.
 */
#define WT_ERROR_KINDS(X)                                                      \
  X(MISUSE, 1, "misuse")       /* the API was called wrongly */               \
  X(COMPILE, 2, "compile")     /* invalid wasm or WAT, failed validation */   \
  X(LINK, 3, "link")           /* missing or mismatched import */             \
  X(TRAP, 4, "trap")           /* wasm trapped; see trap code, frames */      \
  X(EXIT, 5, "exit")           /* WASI proc_exit(n); see exit status */       \
  X(NOT_FOUND, 6, "not found") /* no export or item of that name */           \
  X(CONFIG, 7, "config")       /* a configuration Wasmtime rejects */         \
  X(IO, 8, "io")               /* reading or writing a file failed */         \
  X(HOST, 9, "host")           /* raised by a host function (wt_error_new) */ \
  X(WASMTIME, 10, "wasmtime")  /* any other error reported by Wasmtime */

typedef enum wt_error_kind {
#define WT_X_(name, value, text) WT_ERROR_##name = value,
  WT_ERROR_KINDS(WT_X_)
#undef WT_X_
} wt_error_kind_t;

typedef struct wt_error wt_error_t;

/*
 * Trap codes, numbered as Wasmtime numbers them. Codes Wasmtime adds later
 * pass through with their own numbers.
 */
typedef enum wt_trap_code {
  WT_TRAP_STACK_OVERFLOW = 0,
  WT_TRAP_MEMORY_OUT_OF_BOUNDS = 1,
  WT_TRAP_HEAP_MISALIGNED = 2,
  WT_TRAP_TABLE_OUT_OF_BOUNDS = 3,
  WT_TRAP_INDIRECT_CALL_TO_NULL = 4,
  WT_TRAP_BAD_SIGNATURE = 5,
  WT_TRAP_INTEGER_OVERFLOW = 6,
  WT_TRAP_INTEGER_DIVISION_BY_ZERO = 7,
  WT_TRAP_BAD_CONVERSION_TO_INTEGER = 8,
  WT_TRAP_UNREACHABLE = 9,
  WT_TRAP_INTERRUPT = 10,
  WT_TRAP_OUT_OF_FUEL = 11,
  WT_TRAP_ATOMIC_WAIT_NON_SHARED_MEMORY = 12,
  WT_TRAP_NULL_REFERENCE = 13,
  WT_TRAP_ARRAY_OUT_OF_BOUNDS = 14,
  WT_TRAP_ALLOCATION_TOO_LARGE = 15,
  WT_TRAP_CAST_FAILURE = 16,
  WT_TRAP_UNCAUGHT_EXCEPTION = 49,
} wt_trap_code_t;

/** One frame of a wasm backtrace, innermost first. Owned by its error. */
typedef struct wt_frame {
  uint32_t func_index;     /* index of the function in its module */
  const char *func_name;   /* name from the name section, or NULL */
  const char *module_name; /* module's name, or NULL */
  size_t func_offset;      /* byte offset within the function's body */
  size_t module_offset;    /* byte offset within the module's binary */
} wt_frame_t;

/** The error's kind. A NULL error gives 0. */
WT_API wt_error_kind_t wt_error_kind(const wt_error_t *error);
/** Static name of a kind ("trap", "link", ...); "unknown" if not a kind. */
WT_API const char *wt_error_kind_name(wt_error_kind_t kind);
/**
 * The message, owned by the error (valid until wt_error_delete). Wasmtime's
 * own message is kept intact. Never NULL; "" for a NULL error.
 */
WT_API const char *wt_error_message(const wt_error_t *error);
/** True, with *code set, when the error is a trap that carries a code. */
WT_API bool wt_error_trap_code(const wt_error_t *error, wt_trap_code_t *code);
/** True, with *status set, when the error is a WASI exit (kind EXIT). */
WT_API bool wt_error_exit_status(const wt_error_t *error, int *status);
/** Number of wasm backtrace frames (0 when there is none). */
WT_API size_t wt_error_frame_count(const wt_error_t *error);
/** Frame `index` (0 = innermost), or NULL when out of range. */
WT_API const wt_frame_t *wt_error_frame(const wt_error_t *error, size_t index);
/**
 * A new error of kind WT_ERROR_HOST with a copy of `message`. A host
 * function returns it to trap the calling wasm; the wasm caller's caller then
 * receives this same error back. Returns NULL only when out of memory.
 */
WT_API wt_error_t *wt_error_new(const char *message);
/**
 * A new error of kind WT_ERROR_TRAP with trap `code` and Wasmtime's message
 * for it. A host function returns it to trap with that code; the outer call
 * returns this same error. A code Wasmtime does not define gives a
 * WT_ERROR_MISUSE error instead. Returns NULL only when out of memory.
 */
WT_API wt_error_t *wt_trap_new(wt_trap_code_t code);
/** Frees the error. NULL is a no-op. */
WT_API void wt_error_delete(wt_error_t *error);

/* ------------------------------------------------------------------------ */
/* Config                                                                    */
/* ------------------------------------------------------------------------ */

/*
 * A configuration is a set of recorded settings; it is applied when an
 * engine is made from it. Setters return true when the setting is accepted.
 * A rejected setting (NULL config, a value out of range, a name that is not
 * UTF-8 or not known) returns false and is remembered: wt_engine_new() then
 * fails with it. Settings whose combination Wasmtime rejects are reported by
 * wt_engine_new() with Wasmtime's message, as WT_ERROR_CONFIG.
 *
 * wt_engine_new() only reads the config: the caller still owns it, may reuse
 * it for more engines and must free it with wt_config_delete().
 */
typedef struct wt_config wt_config_t;

/** A new config with Wasmtime's defaults. Caller frees with
 * wt_config_delete(). Returns NULL only when out of memory. */
WT_API wt_config_t *wt_config_new(void);
/** Frees the config. NULL is a no-op. Engines made from it are unaffected. */
WT_API void wt_config_delete(wt_config_t *config);

/* WebAssembly proposals, each on or off (Wasmtime's defaults otherwise). */
WT_API bool wt_config_wasm_threads(wt_config_t *config, bool enable);
WT_API bool wt_config_wasm_shared_memory(wt_config_t *config, bool enable);
WT_API bool wt_config_wasm_tail_call(wt_config_t *config, bool enable);
WT_API bool wt_config_wasm_reference_types(wt_config_t *config, bool enable);
WT_API bool wt_config_wasm_function_references(wt_config_t *config,
                                               bool enable);
WT_API bool wt_config_wasm_gc(wt_config_t *config, bool enable);
WT_API bool wt_config_wasm_simd(wt_config_t *config, bool enable);
WT_API bool wt_config_wasm_relaxed_simd(wt_config_t *config, bool enable);
WT_API bool wt_config_wasm_relaxed_simd_deterministic(wt_config_t *config,
                                                      bool enable);
WT_API bool wt_config_wasm_bulk_memory(wt_config_t *config, bool enable);
WT_API bool wt_config_wasm_multi_value(wt_config_t *config, bool enable);
WT_API bool wt_config_wasm_multi_memory(wt_config_t *config, bool enable);
WT_API bool wt_config_wasm_memory64(wt_config_t *config, bool enable);
WT_API bool wt_config_wasm_wide_arithmetic(wt_config_t *config, bool enable);
WT_API bool wt_config_wasm_branch_hinting(wt_config_t *config, bool enable);
WT_API bool wt_config_wasm_exceptions(wt_config_t *config, bool enable);
WT_API bool wt_config_wasm_custom_page_sizes(wt_config_t *config,
                                             bool enable);
WT_API bool wt_config_wasm_stack_switching(wt_config_t *config, bool enable);

/* Runtime behaviour. */
/** Generate DWARF debug information for compiled code (for debuggers). */
WT_API bool wt_config_debug_info(wt_config_t *config, bool enable);
/** Count fuel; a store then runs only while it has fuel. */
WT_API bool wt_config_consume_fuel(wt_config_t *config, bool enable);
/** Check the engine's epoch against a store's deadline (timeouts). */
WT_API bool wt_config_epoch_interruption(wt_config_t *config, bool enable);
/** Maximum native stack, in bytes, wasm may use; 0 is rejected. */
WT_API bool wt_config_max_wasm_stack(wt_config_t *config, size_t bytes);
/** Native stack size for async calls; must exceed max_wasm_stack. */
WT_API bool wt_config_async_stack_size(wt_config_t *config, size_t bytes);
/** Whether GC support (the collector and GC refs) is compiled in at all. */
WT_API bool wt_config_gc_support(wt_config_t *config, bool enable);
/** Whether Wasmtime may use signals (virtual memory) to catch traps. */
WT_API bool wt_config_signals_based_traps(wt_config_t *config, bool enable);
/** Emit native unwind information for compiled code. */
WT_API bool wt_config_native_unwind_info(wt_config_t *config, bool enable);

/* Linear memories. */
WT_API bool wt_config_memory_reservation(wt_config_t *config, uint64_t bytes);
WT_API bool wt_config_memory_guard_size(wt_config_t *config, uint64_t bytes);
WT_API bool wt_config_memory_reservation_for_growth(wt_config_t *config,
                                                    uint64_t bytes);
WT_API bool wt_config_memory_may_move(wt_config_t *config, bool enable);
WT_API bool wt_config_memory_init_cow(wt_config_t *config, bool enable);

/* Compilation. */
typedef enum wt_strategy {
  WT_STRATEGY_AUTO = 0,      /* Wasmtime picks (Cranelift) */
  WT_STRATEGY_CRANELIFT = 1, /* the optimizing compiler */
  WT_STRATEGY_WINCH = 2,     /* the fast baseline compiler */
} wt_strategy_t;
typedef enum wt_opt_level {
  WT_OPT_NONE = 0,
  WT_OPT_SPEED = 1,
  WT_OPT_SPEED_AND_SIZE = 2,
} wt_opt_level_t;
typedef enum wt_regalloc {
  WT_REGALLOC_BACKTRACKING = 0,
  WT_REGALLOC_SINGLE_PASS = 1,
} wt_regalloc_t;
typedef enum wt_profiler {
  WT_PROFILER_NONE = 0,
  WT_PROFILER_JITDUMP = 1,
  WT_PROFILER_VTUNE = 2,
  WT_PROFILER_PERFMAP = 3,
} wt_profiler_t;

WT_API bool wt_config_strategy(wt_config_t *config, wt_strategy_t strategy);
WT_API bool wt_config_opt_level(wt_config_t *config, wt_opt_level_t level);
WT_API bool wt_config_regalloc(wt_config_t *config, wt_regalloc_t algorithm);
WT_API bool wt_config_profiler(wt_config_t *config, wt_profiler_t profiler);
WT_API bool wt_config_parallel_compilation(wt_config_t *config, bool enable);
WT_API bool wt_config_cranelift_debug_verifier(wt_config_t *config,
                                               bool enable);
WT_API bool wt_config_cranelift_nan_canonicalization(wt_config_t *config,
                                                     bool enable);
/** Enable a boolean Cranelift setting by name (e.g. "has_avx"). */
WT_API bool wt_config_cranelift_flag_enable(wt_config_t *config,
                                            const char *flag);
/** Set a Cranelift setting by name to a value (e.g. "opt_level", "none"). */
WT_API bool wt_config_cranelift_flag_set(wt_config_t *config,
                                         const char *flag, const char *value);
/**
 * Compile for a target triple, e.g. "x86_64-unknown-linux-gnu" or "pulley64"
 * (the portable Pulley interpreter). An unknown triple is rejected here.
 */
WT_API bool wt_config_target(wt_config_t *config, const char *triple);
/**
 * Turn on the compilation cache. `toml_path` names a cache configuration
 * file, or NULL for Wasmtime's default settings. A file that cannot be read or
 * parsed is rejected here.
 */
WT_API bool wt_config_cache(wt_config_t *config, const char *toml_path);

/**
 * Use the pooling instance allocator (preallocated slots: fast
 * instantiation, fixed limits) instead of on-demand allocation.
 */
WT_API bool wt_config_pooling_allocator(wt_config_t *config, bool enable);
/**
 * Set one limit of the pooling allocator by the name Wasmtime gives it:
 * "total_core_instances", "total_memories", "total_tables", "total_stacks",
 * "total_gc_heaps", "total_component_instances", "max_memory_size",
 * "max_memories_per_module", "max_tables_per_module", "table_elements",
 * "max_core_instance_size", "max_component_instance_size",
 * "max_core_instances_per_component", "max_memories_per_component",
 * "max_tables_per_component", "max_unused_warm_slots",
 * "decommit_batch_size", "async_stack_keep_resident",
 * "linear_memory_keep_resident", "table_keep_resident". Also turns the
 * pooling allocator on. An unknown name or a value too large for the limit is
 * rejected.
 */
WT_API bool wt_config_pooling(wt_config_t *config, const char *limit,
                              uint64_t value);

/**
 * The message of the first setting this config rejected, or NULL if every
 * setting was accepted. Owned by the config.
 */
WT_API const char *wt_config_rejected(const wt_config_t *config);

/* ------------------------------------------------------------------------ */
/* Engine                                                                    */
/* ------------------------------------------------------------------------ */

/*
 * An engine compiles modules and is shared by stores. It is thread-safe. It
 * is reference counted internally: stores, modules and linkers keep it alive,
 * so the caller may delete it as soon as it has made them.
 */
typedef struct wt_engine wt_engine_t;

/**
 * Makes an engine from `config` (borrowed: read, not kept), or with
 * Wasmtime's defaults when `config` is NULL.
 * Fails: WT_ERROR_CONFIG for a setting the config rejected or a combination
 * Wasmtime rejects (with Wasmtime's message); never aborts.
 */
WT_API wt_error_t *wt_engine_new(const wt_config_t *config,
                                 wt_engine_t **out);
/** Drops the caller's reference. NULL is a no-op. */
WT_API void wt_engine_delete(wt_engine_t *engine);
/**
 * Advances the engine's epoch by one; stores whose epoch deadline is reached
 * are interrupted. Safe to call from any thread, including a signal-free
 * watchdog thread. Misuse (NULL or deleted engine) is ignored.
 */
WT_API void wt_engine_increment_epoch(wt_engine_t *engine);
/** True when the engine runs wasm on the Pulley interpreter. */
WT_API bool wt_engine_is_pulley(const wt_engine_t *engine);
/**
 * Whether `bytes`, made by wt_module_serialize(), can be loaded by this
 * engine. NULL when they can; otherwise an error saying why (WT_ERROR_COMPILE
 * for bytes of another Wasmtime version or incompatible settings, or that are
 * not a precompiled module at all). Only pass bytes from a trusted source.
 */
WT_API wt_error_t *wt_engine_check_precompiled(wt_engine_t *engine,
                                               const uint8_t *bytes,
                                               size_t len);

/* ------------------------------------------------------------------------ */
/* Values                                                                    */
/* ------------------------------------------------------------------------ */

/* Value kinds, numbered as Wasmtime's wasmtime_valkind_t. */
typedef uint8_t wt_valkind_t;
#define WT_I32 0
#define WT_I64 1
#define WT_F32 2
#define WT_F64 3
#define WT_V128 4
#define WT_FUNCREF 5
#define WT_EXTERNREF 6
#define WT_ANYREF 7
#define WT_EXNREF 8

/** A function in a store. Owned by the store; copy it freely. The fields
 * are private. A zero-filled wt_func_t is the null funcref. */
typedef struct wt_func {
  uint64_t store_id_;
  void *raw_;
  const void *sig_;
} wt_func_t;

/** An instance in a store. Owned by the store; copy it freely. */
typedef struct wt_instance {
  uint64_t store_id_;
  size_t raw_;
} wt_instance_t;

/** A linear memory in a store. Owned by the store; copy it freely. */
typedef struct wt_memory {
  uint64_t store_id_;
  uint32_t raw1_, raw2_;
} wt_memory_t;

/** A global in a store. Owned by the store; copy it freely. */
typedef struct wt_global {
  uint64_t store_id_;
  uint32_t raw1_, raw2_, raw3_;
} wt_global_t;

/** A table in a store. Owned by the store; copy it freely. */
typedef struct wt_table {
  uint64_t store_id_;
  uint32_t raw1_, raw2_;
} wt_table_t;

/**
 * A GC reference (externref, anyref, exnref) held for the caller in a store.
 * wt keeps the reference alive (rooted) until wt_ref_release() or until the
 * store is deleted, so it can never dangle; a released reference is detected
 * and rejected as misuse. A zero-filled wt_ref_t is the null reference.
 */
typedef struct wt_ref {
  uint64_t store_id_;
  uint32_t slot_, gen_;
} wt_ref_t;

/** A wasm value: a kind and the matching member of `of`. */
typedef struct wt_val {
  wt_valkind_t kind;
  union {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    uint8_t v128[16];
    wt_func_t funcref;
    wt_ref_t ref; /* externref, anyref, exnref */
  } of;
} wt_val_t;

/* Kinds of extern items, numbered as Wasmtime's wasmtime_extern_kind_t. */
typedef uint8_t wt_externkind_t;
#define WT_EXTERN_FUNC 0
#define WT_EXTERN_GLOBAL 1
#define WT_EXTERN_TABLE 2
#define WT_EXTERN_MEMORY 3
#define WT_EXTERN_SHARED_MEMORY 4
#define WT_EXTERN_TAG 5

/** An exception tag in a store (exceptions proposal). Owned by the store;
 * copy it freely. Tags compare by identity: see wt_tag_eq(). */
typedef struct wt_tag {
  uint64_t store_id_;
  uint32_t raw1_, raw2_;
} wt_tag_t;

/*
 * A shared linear memory (threads proposal). Unlike other items it belongs
 * to an engine, not a store, and may be used from several threads and
 * stores at once. One made with wt_shared_memory_new() is the caller's, to be
 * freed with wt_shared_memory_delete(); one that wt hands out from a store
 * (an export, a linker lookup) is owned by that store.
 */
typedef struct wt_shared_memory wt_shared_memory_t;

/** An item an instance exports or a module imports. */
typedef struct wt_extern {
  wt_externkind_t kind;
  union {
    wt_func_t func;
    wt_global_t global;
    wt_table_t table;
    wt_memory_t memory;
    wt_shared_memory_t *shared_memory;
    wt_tag_t tag;
  } of;
} wt_extern_t;

/** Static name of an extern kind: "func", "global", "table", "memory". */
WT_API const char *wt_externkind_name(wt_externkind_t kind);

/* ------------------------------------------------------------------------ */
/* Types                                                                     */
/* ------------------------------------------------------------------------ */

/*
 * A function type, interned by its engine: wt never needs it freed, and it
 * stays valid while anything of its engine (engine, store, module, linker)
 * lives. Two equal types of one engine are the same pointer.
 */
typedef struct wt_functype wt_functype_t;

/** The function type with these parameter and result kinds. */
WT_API wt_error_t *wt_functype_new(wt_engine_t *engine,
                                   const wt_valkind_t *params, size_t nparams,
                                   const wt_valkind_t *results,
                                   size_t nresults,
                                   const wt_functype_t **out);
/** The function type written as "i32 i64 -> f32" (see
 * wt_linker_define_func). Fails: WT_ERROR_MISUSE for a bad string. */
WT_API wt_error_t *wt_functype_parse(wt_engine_t *engine, const char *sig,
                                     const wt_functype_t **out);
WT_API size_t wt_functype_param_count(const wt_functype_t *type);
WT_API size_t wt_functype_result_count(const wt_functype_t *type);
/** Kind of parameter `i`; 0xff when out of range or `type` is NULL. */
WT_API wt_valkind_t wt_functype_param(const wt_functype_t *type, size_t i);
WT_API wt_valkind_t wt_functype_result(const wt_functype_t *type, size_t i);
/** WAT form, e.g. "(func (param i32 i32) (result i32))". Owned by the type. */
WT_API const char *wt_functype_text(const wt_functype_t *type);

/** A memory type (a plain value). */
typedef struct wt_memorytype {
  uint64_t min;         /* in pages */
  bool has_max;
  uint64_t max;         /* in pages, when has_max */
  bool is64;            /* a 64-bit (memory64) memory */
  bool shared;          /* a shared memory (threads) */
  uint8_t page_size_log2; /* 16 for 64 KiB pages; 0, 1-byte pages, needs
                             wt_config_wasm_custom_page_sizes */
} wt_memorytype_t;

/** A table type (a plain value). */
typedef struct wt_tabletype {
  wt_valkind_t elem; /* WT_FUNCREF, WT_EXTERNREF, ... */
  uint64_t min;
  bool has_max;
  uint64_t max;
  bool is64;
} wt_tabletype_t;

/** A global type (a plain value). */
typedef struct wt_globaltype {
  wt_valkind_t kind;
  bool mutable_;
} wt_globaltype_t;

/** The type of an extern item. */
typedef struct wt_externtype {
  wt_externkind_t kind;
  union {
    const wt_functype_t *func;
    wt_globaltype_t global;
    wt_tabletype_t table;
    wt_memorytype_t memory;
    const wt_functype_t *tag; /* a tag's payload, as a type with no results */
  } of;
} wt_externtype_t;

/**
 * Writes the WAT form of `type` ("(memory i64 1 2 shared)",
 * "(table 1 10 funcref)", "(global (mut i32))", "(func (param i32))") into
 * `buf` of `cap` bytes, always NUL-terminated when cap > 0. Returns the length
 * the full text needs (excluding the NUL), as snprintf does.
 */
WT_API size_t wt_externtype_text(const wt_externtype_t *type, char *buf,
                                 size_t cap);

/** Static WAT name of a kind: "i32", "funcref", ...; "?" if unknown. */
WT_API const char *wt_valkind_name(wt_valkind_t kind);

/* ------------------------------------------------------------------------ */
/* Store                                                                     */
/* ------------------------------------------------------------------------ */

/*
 * A store holds instances and everything they create. Use a store from one
 * thread at a time. Deleting a store frees everything in it; handles from it
 * are then rejected as misuse when used with any other store.
 */
typedef struct wt_store wt_store_t;

/**
 * A new store in `engine` (which it keeps alive). `data` is the caller's,
 * returned by wt_store_data(); `finalizer`, if not NULL, is called with it
 * exactly once when the store is deleted.
 * Fails: WT_ERROR_MISUSE for a NULL or deleted engine (the finalizer is then
 * not called).
 */
WT_API wt_error_t *wt_store_new(wt_engine_t *engine, void *data,
                                void (*finalizer)(void *), wt_store_t **out);
/**
 * Frees the store and everything in it. NULL is a no-op. Called from inside
 * one of the store's host functions, the store is freed when the outermost
 * call into it returns.
 */
WT_API void wt_store_delete(wt_store_t *store);
/** The data given to wt_store_new(), or NULL for a NULL or deleted store. */
WT_API void *wt_store_data(const wt_store_t *store);
/** Replaces the store's data; the previous data's finalizer, if any, runs
 * now. Callable from host functions. */
WT_API wt_error_t *wt_store_set_data(wt_store_t *store, void *data,
                                     void (*finalizer)(void *));

/**
 * Sets the store's fuel (requires wt_config_consume_fuel). Wasm traps with
 * WT_TRAP_OUT_OF_FUEL when it runs out.
 * Fails: WT_ERROR_MISUSE for a bad store; WT_ERROR_CONFIG when fuel is not
 * enabled in the engine's config.
 */
WT_API wt_error_t *wt_store_set_fuel(wt_store_t *store, uint64_t fuel);
/** Reads the fuel left. Fails as wt_store_set_fuel(). */
WT_API wt_error_t *wt_store_get_fuel(const wt_store_t *store, uint64_t *fuel);
/**
 * With wt_config_epoch_interruption, wasm in this store traps with
 * WT_TRAP_INTERRUPT once the engine's epoch has advanced `ticks` beyond its
 * current value. A new store's deadline is 0: it traps at once until set.
 */
WT_API wt_error_t *wt_store_set_epoch_deadline(wt_store_t *store,
                                               uint64_t ticks);

/**
 * Stops wasm in this store `ms` milliseconds from now: a call still running
 * then traps with WT_TRAP_INTERRUPT (within a few milliseconds). Needs
 * wt_config_epoch_interruption; the engine then runs a ticker thread that
 * advances its epoch every millisecond (started on first use, stopped when
 * the engine is freed). The timeout applies to everything the store runs
 * from now on, until set again; a store stays usable after an interrupt.
 * Fails: WT_ERROR_CONFIG when epoch interruption is off.
 */
WT_API wt_error_t *wt_store_set_timeout(wt_store_t *store, uint64_t ms);

/**
 * Fuel consumed in this store so far: the fuel wasm has burned. Each
 * wt_store_set_fuel() replaces the amount; what wasm burned of the amount it
 * replaces is kept, so fuel a host function takes away by setting a lower
 * amount is not counted as consumed. Fails as wt_store_set_fuel().
 */
WT_API wt_error_t *wt_store_fuel_consumed(const wt_store_t *store,
                                          uint64_t *consumed);

/**
 * Called when wasm in `store` reaches its epoch deadline, instead of
 * trapping. Return NULL and set *delta to let wasm run `*delta` more ticks;
 * return an error to stop it: the error travels to the caller of the call
 * into wasm as a host function's error does. *delta starts at 1.
 */
typedef wt_error_t *(*wt_epoch_cb)(void *env, wt_store_t *store,
                                   uint64_t *delta);
/** Installs the store's epoch deadline callback (cb must not be NULL). A
 * previous callback's finalizer runs; this one's runs when the store is
 * deleted or the callback is replaced, or at once if this call fails. */
WT_API wt_error_t *wt_store_epoch_deadline_callback(wt_store_t *store,
                                                    wt_epoch_cb cb, void *env,
                                                    void (*finalizer)(void *));

/** Limits on what a store may hold; -1 means no limit. */
typedef struct wt_limits {
  int64_t memory_size;    /* bytes per linear memory */
  int64_t table_elements; /* elements per table */
  int64_t instances;      /* instances in the store */
  int64_t tables;         /* tables of instances in the store */
  int64_t memories;       /* linear memories of instances in the store */
} wt_limits_t;
/** An initializer for wt_limits_t with no limits. */
#define WT_LIMITS_NONE {-1, -1, -1, -1, -1}
/**
 * Sets the store's limits. Growth past a limit fails (memory.grow returns
 * -1, wt_memory_grow errors) and instantiation past a count fails with a
 * WT_ERROR_WASMTIME error ("resource limit exceeded: ..."), never a link
 * error; nothing is allocated first. The counts are checked when an
 * instance is made: memories and tables made by wt_memory_new() and
 * wt_table_new() are not counted (their sizes are limited).
 */
WT_API wt_error_t *wt_store_limits(wt_store_t *store,
                                   const wt_limits_t *limits);

/* ------------------------------------------------------------------------ */
/* Module                                                                    */
/* ------------------------------------------------------------------------ */

/* A compiled module. Thread-safe; may be used with any store of its engine. */
typedef struct wt_module wt_module_t;

/**
 * Compiles a module from `len` bytes of wasm binary, or of WAT text (a
 * non-empty buffer that does not start with the wasm magic number is read
 * as text; empty input is an incomplete binary).
 * The bytes are borrowed for the duration of the call only.
 * Fails: WT_ERROR_COMPILE with Wasmtime's message for invalid input.
 */
WT_API wt_error_t *wt_module_new(wt_engine_t *engine, const uint8_t *bytes,
                                 size_t len, wt_module_t **out);
/** Compiles a module from NUL-terminated WAT text. As wt_module_new(). */
WT_API wt_error_t *wt_module_new_wat(wt_engine_t *engine, const char *wat,
                                     wt_module_t **out);
/** Frees the caller's module. NULL is a no-op. Instances keep working. */
WT_API void wt_module_delete(wt_module_t *module);
/**
 * Serializes the compiled module. On success *bytes is a malloc()ed buffer
 * of *len bytes that the caller frees with free().
 */
WT_API wt_error_t *wt_module_serialize(const wt_module_t *module,
                                       uint8_t **bytes, size_t *len);
/**
 * Loads a module from wt_module_serialize() output. Only pass trusted bytes:
 * Wasmtime checks the header, version and settings but not the machine code.
 * Fails: WT_ERROR_COMPILE for incompatible or corrupt bytes.
 */
WT_API wt_error_t *wt_module_deserialize(wt_engine_t *engine,
                                         const uint8_t *bytes, size_t len,
                                         wt_module_t **out);

/**
 * Compiles the module in the file at `path`: a wasm binary, or WAT text.
 * Fails: WT_ERROR_IO when the file cannot be read; as wt_module_new().
 */
WT_API wt_error_t *wt_module_new_file(wt_engine_t *engine, const char *path,
                                      wt_module_t **out);
/**
 * Validates wasm binary or WAT without compiling it.
 * Fails: WT_ERROR_COMPILE with Wasmtime's message.
 */
WT_API wt_error_t *wt_module_validate(wt_engine_t *engine,
                                      const uint8_t *bytes, size_t len);
/** As wt_module_serialize(), into the file at `path` (WT_ERROR_IO). */
WT_API wt_error_t *wt_module_serialize_file(const wt_module_t *module,
                                            const char *path);
/** As wt_module_deserialize(), from the file at `path`. The file is read
 * whole: it may be changed or removed once this returns. */
WT_API wt_error_t *wt_module_deserialize_file(wt_engine_t *engine,
                                              const char *path,
                                              wt_module_t **out);

/**
 * One import of a module. Strings and type are owned by the module. Wasm
 * names are byte strings that may hold NUL bytes: the strings are
 * NUL-terminated copies and the lengths give their full size in bytes.
 */
typedef struct wt_import {
  const char *module;
  const char *name;
  wt_externtype_t type;
  size_t module_len;
  size_t name_len;
} wt_import_t;

/** One export of a module. Owned by the module; `name` as for wt_import_t. */
typedef struct wt_export {
  const char *name;
  wt_externtype_t type;
  size_t name_len;
} wt_export_t;

/**
 * The module's name from its name section (`(module $name ...)`), owned by
 * the module, or NULL when it has none (modules loaded with
 * wt_module_deserialize() have none).
 */
WT_API const char *wt_module_name(const wt_module_t *module);

/** Number of imports; 0 for a NULL or deleted module. */
WT_API size_t wt_module_import_count(const wt_module_t *module);
/** Import `i` in declaration order, or NULL when out of range. */
WT_API const wt_import_t *wt_module_import(const wt_module_t *module,
                                           size_t i);
WT_API size_t wt_module_export_count(const wt_module_t *module);
WT_API const wt_export_t *wt_module_export(const wt_module_t *module,
                                           size_t i);

/* ------------------------------------------------------------------------ */
/* Host functions and calls                                                  */
/* ------------------------------------------------------------------------ */

/*
 * The context of a host function call, lent to the callback for that call
 * only. It is Wasmtime's own caller record, on the stack of the running
 * call: wt cannot tell a kept pointer from a live one, so using it after the
 * callback returns is undefined (the one misuse wt does not detect). Keep
 * wt_caller_store()'s store, or the items wt_caller_export() gives, instead:
 * those stay valid.
 */
typedef struct wt_caller wt_caller_t;

/* Definitions by (module, name), used to satisfy a module's imports
 * (functions below). */
typedef struct wt_linker wt_linker_t;

/**
 * A host function. `args` holds `nargs` values of the declared parameter
 * types; `results` holds `nresults` slots already set to the declared result
 * kinds with zero values: set their `of` members. Return NULL on success, or
 * an error (e.g. from wt_error_new()) to trap the calling wasm: the error is
 * taken over by wt and is what the outer call returns. Setting a result of
 * another kind is reported as a misuse trap.
 */
typedef wt_error_t *(*wt_func_cb)(void *env, wt_caller_t *caller,
                                  const wt_val_t *args, size_t nargs,
                                  wt_val_t *results, size_t nresults);

/** The store the calling wasm runs in. */
WT_API wt_store_t *wt_caller_store(wt_caller_t *caller);
/**
 * The calling instance's export `name` (e.g. its memory).
 * Fails: WT_ERROR_NOT_FOUND when the caller has no such export (or the
 * caller is not an instance); WT_ERROR_MISUSE for NULL arguments.
 */
WT_API wt_error_t *wt_caller_export(wt_caller_t *caller, const char *name,
                                    wt_extern_t *out);

/**
 * A host function of type `type` in `store`, callable from C and usable as an
 * import or a funcref. `env` and `finalizer` are as in
 * wt_linker_define_func(); the finalizer runs when the store is deleted.
 */
WT_API wt_error_t *wt_func_new(wt_store_t *store, const wt_functype_t *type,
                               wt_func_cb cb, void *env,
                               void (*finalizer)(void *), wt_func_t *out);
/** The function's type, or NULL for a null funcref or a foreign handle. */
WT_API const wt_functype_t *wt_func_type(wt_store_t *store,
                                         const wt_func_t *func);

/**
 * Calls `func` with `nargs` arguments, writing `nresults` results.
 * Fails: WT_ERROR_MISUSE when a count or a type is wrong (the message gives
 * the signature) or the function is not in `store`; WT_ERROR_TRAP when wasm
 * traps; a host function's own error when a host function failed.
 */
WT_API wt_error_t *wt_func_call(wt_store_t *store, const wt_func_t *func,
                                const wt_val_t *args, size_t nargs,
                                wt_val_t *results, size_t nresults);

/* ---- the typed fast path ---- */

/**
 * A raw numeric value, laid out as Wasmtime's wasmtime_val_raw_t. Used by
 * the typed fast path, where the types are known in advance.
 */
typedef union wt_raw {
  int32_t i32;
  int64_t i64;
  float f32;
  double f64;
  uint8_t v128[16];
} wt_raw_t;

/** A function whose signature was checked once, for fast calls. A copy of
 * wt_func_t plus what the fast path needs; fields are private. */
typedef struct wt_typed_func {
  uint64_t store_id_;
  void *raw_;
  const void *sig_;
  size_t n_;
} wt_typed_func_t;

/**
 * Checks once that `func` has exactly the signature `sig` (as in
 * wt_linker_define_func: "i32 i32 -> i32"; numbers and v128 only) and makes
 * a typed handle for wt_func_call_typed().
 * Fails: WT_ERROR_MISUSE naming both signatures when they differ, or when
 * the signature has reference types.
 */
WT_API wt_error_t *wt_func_typed(wt_store_t *store, const wt_func_t *func,
                                 const char *sig, wt_typed_func_t *out);
/**
 * Calls a typed function with no per-call allocation or type checks: `vals`
 * holds the arguments in order and receives the results from vals[0]; it
 * must have max(params, results) elements. The store is still checked.
 * Fails: WT_ERROR_TRAP, a host function's error, or WT_ERROR_MISUSE for a
 * handle of another store.
 */
WT_API wt_error_t *wt_func_call_typed(wt_store_t *store,
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
/** As wt_linker_define_func(), with a raw callback; `sig` may only use
 * numbers and v128. */
WT_API wt_error_t *wt_linker_define_func_raw(wt_linker_t *linker,
                                             const char *module,
                                             const char *name, const char *sig,
                                             wt_func_raw_cb cb, void *env,
                                             void (*finalizer)(void *));

/* ------------------------------------------------------------------------ */
/* Linker and instances                                                      */
/* ------------------------------------------------------------------------ */


/** A new, empty linker for modules of `engine`. */
WT_API wt_error_t *wt_linker_new(wt_engine_t *engine, wt_linker_t **out);
/** Frees the linker. NULL is a no-op. Instances keep working. */
WT_API void wt_linker_delete(wt_linker_t *linker);

/**
 * Defines a host function `module`.`name` with signature `sig`, written as
 * "PARAMS -> RESULTS" with WAT type names separated by spaces or commas:
 * "i32 i32 -> i32", "-> f64", "i64" (no results), "" (nothing). `env` is
 * passed to `cb`; `finalizer`, if not NULL, is called with `env` once, when
 * the definition is dropped (the linker and every store using it deleted) or
 * right away when this call fails.
 * Fails: WT_ERROR_MISUSE for a bad signature or NULL argument; WT_ERROR_LINK
 * when the name is already defined.
 */
WT_API wt_error_t *wt_linker_define_func(wt_linker_t *linker,
                                         const char *module, const char *name,
                                         const char *sig, wt_func_cb cb,
                                         void *env, void (*finalizer)(void *));
/**
 * Defines `item` (of `store`) as `module`.`name`.
 * Fails: WT_ERROR_MISUSE for an item of another store; WT_ERROR_LINK when
 * the name is taken and shadowing is off.
 */
WT_API wt_error_t *wt_linker_define(wt_linker_t *linker, wt_store_t *store,
                                    const char *module, const char *name,
                                    const wt_extern_t *item);
/** As wt_linker_define_func(), with a wt_functype_t instead of a string. */
WT_API wt_error_t *wt_linker_define_functype(wt_linker_t *linker,
                                             const char *module,
                                             const char *name,
                                             const wt_functype_t *type,
                                             wt_func_cb cb, void *env,
                                             void (*finalizer)(void *));
/** Defines every export of `instance` under the module name `name`. */
WT_API wt_error_t *wt_linker_define_instance(wt_linker_t *linker,
                                             wt_store_t *store,
                                             const char *name,
                                             const wt_instance_t *instance);
/**
 * Defines the exports of `module` under `name`. A command module (one that
 * exports `_start`) gets a fresh instance for each call of an export; a
 * reactor is instantiated once, now, in `store`.
 */
WT_API wt_error_t *wt_linker_define_module(wt_linker_t *linker,
                                           wt_store_t *store, const char *name,
                                           const wt_module_t *module);
/** Lets later definitions replace earlier ones of the same name (default:
 * off, a duplicate is WT_ERROR_LINK). */
WT_API wt_error_t *wt_linker_allow_shadowing(wt_linker_t *linker, bool allow);
/** Defines every import of `module` the linker lacks as a function that
 * traps when called (functions only; other kinds stay undefined). */
WT_API wt_error_t *wt_linker_define_unknown_imports_as_traps(
    wt_linker_t *linker, const wt_module_t *module);
/** Defines every import of `module` the linker lacks as a default: functions
 * return zeros, globals, memories and tables are made empty, in `store`. */
WT_API wt_error_t *wt_linker_define_unknown_imports_as_default_values(
    wt_linker_t *linker, wt_store_t *store, const wt_module_t *module);
/** The definition `module`.`name`, as an item of `store`.
 * Fails: WT_ERROR_NOT_FOUND when there is none. */
WT_API wt_error_t *wt_linker_get(const wt_linker_t *linker, wt_store_t *store,
                                 const char *module, const char *name,
                                 wt_extern_t *out);
/** The default export of module `name` ("" export or `_start`). */
WT_API wt_error_t *wt_linker_get_default(const wt_linker_t *linker,
                                         wt_store_t *store, const char *name,
                                         wt_func_t *out);

/**
 * Instantiates `module` in `store`, taking its imports from the linker.
 * Fails: WT_ERROR_LINK for a missing or mismatched import; WT_ERROR_TRAP if
 * the start function traps.
 */
WT_API wt_error_t *wt_linker_instantiate(const wt_linker_t *linker,
                                         wt_store_t *store,
                                         const wt_module_t *module,
                                         wt_instance_t *out);

/**
 * Instantiates `module` with `imports` given in the module's import order.
 * Fails: WT_ERROR_MISUSE for a wrong count, an unknown extern kind or an
 * item of another store; WT_ERROR_LINK for an item of the wrong type;
 * WT_ERROR_TRAP when the start function traps; WT_ERROR_WASMTIME past a
 * store limit (wt_store_limits).
 */
WT_API wt_error_t *wt_instance_new(wt_store_t *store,
                                   const wt_module_t *module,
                                   const wt_extern_t *imports, size_t nimports,
                                   wt_instance_t *out);
/** The export `name` of `instance`, of any kind.
 * Fails: WT_ERROR_NOT_FOUND when there is no such export. */
WT_API wt_error_t *wt_instance_export(wt_store_t *store,
                                      const wt_instance_t *instance,
                                      const char *name, wt_extern_t *out);
/**
 * As wt_instance_export(), for a name of `len` bytes that may hold NUL bytes
 * (a wasm export name is any UTF-8 string, "\0" included).
 * Fails: WT_ERROR_NOT_FOUND when there is no such export; WT_ERROR_MISUSE
 * for a NULL `name` with a nonzero `len`.
 */
WT_API wt_error_t *wt_instance_export_n(wt_store_t *store,
                                        const wt_instance_t *instance,
                                        const char *name, size_t len,
                                        wt_extern_t *out);
/**
 * Export number `index` in the module's order, with its name (borrowed from
 * the store, valid while it lives) in *name if not NULL. A name holding NUL
 * bytes has its full length in the module's wt_export_t (name_len).
 * Fails: WT_ERROR_NOT_FOUND when index is past the last export.
 */
WT_API wt_error_t *wt_instance_export_nth(wt_store_t *store,
                                          const wt_instance_t *instance,
                                          size_t index, const char **name,
                                          wt_extern_t *out);
/** Number of exports of the instance (0 on misuse). */
WT_API size_t wt_instance_export_count(wt_store_t *store,
                                       const wt_instance_t *instance);

/* A linker and module checked once, for fast repeated instantiation. */
typedef struct wt_instance_pre wt_instance_pre_t;

/**
 * Resolves every import of `module` in the linker now.
 * Fails: WT_ERROR_LINK when an import is missing or mismatched. Host
 * functions only: an import defined by an item of a store is refused.
 */
WT_API wt_error_t *wt_linker_instantiate_pre(const wt_linker_t *linker,
                                             const wt_module_t *module,
                                             wt_instance_pre_t **out);
/** Instantiates the pre-resolved module in `store`. */
WT_API wt_error_t *wt_instance_pre_instantiate(const wt_instance_pre_t *pre,
                                               wt_store_t *store,
                                               wt_instance_t *out);
/** Frees it. NULL is a no-op. */
WT_API void wt_instance_pre_delete(wt_instance_pre_t *pre);

/**
 * The exported function `name` of `instance`.
 * Fails: WT_ERROR_NOT_FOUND when there is no such export; WT_ERROR_MISUSE
 * when the export is not a function or the instance is not in `store`.
 */
WT_API wt_error_t *wt_instance_func(wt_store_t *store,
                                    const wt_instance_t *instance,
                                    const char *name, wt_func_t *out);
/** Looks up the exported function `name` and calls it: the two above. */
WT_API wt_error_t *wt_instance_call(wt_store_t *store,
                                    const wt_instance_t *instance,
                                    const char *name, const wt_val_t *args,
                                    size_t nargs, wt_val_t *results,
                                    size_t nresults);

/**
 * The exported memory `name` of `instance`.
 * Fails: WT_ERROR_NOT_FOUND when there is no such export; WT_ERROR_MISUSE
 * when it is not a memory or the instance is not in `store`.
 */
WT_API wt_error_t *wt_instance_memory(wt_store_t *store,
                                      const wt_instance_t *instance,
                                      const char *name, wt_memory_t *out);

/** The exported global `name` of `instance`. Fails as wt_instance_memory. */
WT_API wt_error_t *wt_instance_global(wt_store_t *store,
                                      const wt_instance_t *instance,
                                      const char *name, wt_global_t *out);

/* ------------------------------------------------------------------------ */
/* Global                                                                    */
/* ------------------------------------------------------------------------ */

/**
 * Reads the global's value, and optionally its type: *kind (if not NULL)
 * gets the value kind, *mutable_ (if not NULL) whether it may be set.
 */
WT_API wt_error_t *wt_global_get(wt_store_t *store, const wt_global_t *global,
                                 wt_val_t *out);
WT_API wt_error_t *wt_global_type(wt_store_t *store,
                                  const wt_global_t *global,
                                  wt_valkind_t *kind, bool *mutable_);
/**
 * Sets the global.
 * Fails: WT_ERROR_MISUSE when the global is immutable, the value's kind is
 * not the global's, or a funcref value belongs to another store.
 */
WT_API wt_error_t *wt_global_set(wt_store_t *store, const wt_global_t *global,
                                 const wt_val_t *val);

/* ------------------------------------------------------------------------ */
/* Memory                                                                    */
/* ------------------------------------------------------------------------ */

/** The memory's size in pages (64 KiB unless custom page sizes are used). */
WT_API wt_error_t *wt_memory_pages(wt_store_t *store, const wt_memory_t *mem,
                                   uint64_t *pages);
/**
 * Grows the memory by `delta` pages; *old_pages (if not NULL) receives the
 * size before. Fails: WT_ERROR_WASMTIME when the memory cannot grow that far
 * (past its maximum or a store limit), with the function's name and
 * Wasmtime's message; the memory is then unchanged.
 */
WT_API wt_error_t *wt_memory_grow(wt_store_t *store, const wt_memory_t *mem,
                                  uint64_t delta, uint64_t *old_pages);
/**
 * The memory's bytes: returns the base pointer and sets *len to the size in
 * bytes. The pointer is borrowed: it is invalidated by any growth and by any
 * call into wasm. NULL (and *len = 0) on misuse.
 */
WT_API uint8_t *wt_memory_data(wt_store_t *store, const wt_memory_t *mem,
                               size_t *len);
/**
 * Copies `len` bytes at `offset` out of the memory into `buf`.
 * Fails: WT_ERROR_MISUSE when [offset, offset+len) is not inside the memory
 * (nothing is copied) or an argument is NULL.
 */
WT_API wt_error_t *wt_memory_read(wt_store_t *store, const wt_memory_t *mem,
                                  uint64_t offset, void *buf, size_t len);
/** Copies `len` bytes from `buf` into the memory at `offset`. As above. */
WT_API wt_error_t *wt_memory_write(wt_store_t *store, const wt_memory_t *mem,
                                   uint64_t offset, const void *buf,
                                   size_t len);

/** The exported table `name` of `instance`. Fails as wt_instance_memory. */
WT_API wt_error_t *wt_instance_table(wt_store_t *store,
                                     const wt_instance_t *instance,
                                     const char *name, wt_table_t *out);

/** The memory's type. */
WT_API wt_error_t *wt_memory_type(wt_store_t *store, const wt_memory_t *mem,
                                  wt_memorytype_t *out);
/** A new memory of `type` in `store` (not shared: see wt_config_wasm_threads).
 * Fails: WT_ERROR_MISUSE for an invalid type (max < min, too large, a page
 * size other than 64 KiB without custom page sizes); WT_ERROR_WASMTIME when
 * Wasmtime refuses it (a store limit), with the function's name. */
WT_API wt_error_t *wt_memory_new(wt_store_t *store,
                                 const wt_memorytype_t *type,
                                 wt_memory_t *out);
/** A new global of `type` with value `init` in `store`. */
WT_API wt_error_t *wt_global_new(wt_store_t *store,
                                 const wt_globaltype_t *type,
                                 const wt_val_t *init, wt_global_t *out);

/* ------------------------------------------------------------------------ */
/* Tags (exceptions proposal)                                                */
/* ------------------------------------------------------------------------ */

/** A new tag in `store` whose exceptions carry values of `type`'s
 * parameters (`type` must have no results). */
WT_API wt_error_t *wt_tag_new(wt_store_t *store, const wt_functype_t *type,
                              wt_tag_t *out);
/** The tag's type, or NULL for a foreign or invalid handle. */
WT_API const wt_functype_t *wt_tag_type(wt_store_t *store,
                                        const wt_tag_t *tag);
/** Whether two tags of `store` are the same tag (identity, not type). */
WT_API bool wt_tag_eq(wt_store_t *store, const wt_tag_t *a,
                      const wt_tag_t *b);
/** The exported tag `name`. Fails as wt_instance_memory. */
WT_API wt_error_t *wt_instance_tag(wt_store_t *store,
                                   const wt_instance_t *instance,
                                   const char *name, wt_tag_t *out);

/* ------------------------------------------------------------------------ */
/* Shared memory                                                             */
/* ------------------------------------------------------------------------ */

/** A new shared memory of `type` (type->shared must be true) in `engine`,
 * which needs wt_config_wasm_threads. The caller owns it.
 * Fails: WT_ERROR_MISUSE for a NULL or deleted engine or an invalid type (as
 * for wt_memory_new(), and it must have a maximum); WT_ERROR_WASMTIME when
 * Wasmtime refuses it, with the function's name. */
WT_API wt_error_t *wt_shared_memory_new(wt_engine_t *engine,
                                        const wt_memorytype_t *type,
                                        wt_shared_memory_t **out);
/** Frees a shared memory the caller made. NULL, and memories owned by a
 * store, are ignored. Instances using it keep it alive. */
WT_API void wt_shared_memory_delete(wt_shared_memory_t *mem);
/** The exported shared memory `name` (owned by the store). */
WT_API wt_error_t *wt_instance_shared_memory(wt_store_t *store,
                                             const wt_instance_t *instance,
                                             const char *name,
                                             wt_shared_memory_t **out);
WT_API wt_error_t *wt_shared_memory_type(const wt_shared_memory_t *mem,
                                         wt_memorytype_t *out);
WT_API wt_error_t *wt_shared_memory_pages(const wt_shared_memory_t *mem,
                                          uint64_t *pages);
WT_API wt_error_t *wt_shared_memory_grow(const wt_shared_memory_t *mem,
                                         uint64_t delta, uint64_t *old_pages);
/** Base pointer and byte size; see wt_memory_data(). Other threads may write
 * the bytes at any time: use atomics where that matters. */
WT_API uint8_t *wt_shared_memory_data(const wt_shared_memory_t *mem,
                                      size_t *len);
/** Bounds-checked copies, as wt_memory_read() and wt_memory_write(). */
WT_API wt_error_t *wt_shared_memory_read(const wt_shared_memory_t *mem,
                                         uint64_t offset, void *buf,
                                         size_t len);
WT_API wt_error_t *wt_shared_memory_write(const wt_shared_memory_t *mem,
                                          uint64_t offset, const void *buf,
                                          size_t len);

/* ------------------------------------------------------------------------ */
/* Table                                                                     */
/* ------------------------------------------------------------------------ */

/** A new table of `type` with every element set to `init` (a value of the
 * element kind, e.g. a null funcref).
 * Fails: WT_ERROR_MISUSE for an element kind that is not a reference kind,
 * an init of another kind or store, or limits out of range;
 * WT_ERROR_WASMTIME past a store limit, with the function's name. */
WT_API wt_error_t *wt_table_new(wt_store_t *store, const wt_tabletype_t *type,
                                const wt_val_t *init, wt_table_t *out);
WT_API wt_error_t *wt_table_type(wt_store_t *store, const wt_table_t *table,
                                 wt_tabletype_t *out);
WT_API wt_error_t *wt_table_size(wt_store_t *store, const wt_table_t *table,
                                 uint64_t *size);
/** Element `index`. Fails: WT_ERROR_MISUSE when index >= size. */
WT_API wt_error_t *wt_table_get(wt_store_t *store, const wt_table_t *table,
                                uint64_t index, wt_val_t *out);
/** Sets element `index`. Fails: WT_ERROR_MISUSE when out of range or the
 * value's kind or store is wrong. */
WT_API wt_error_t *wt_table_set(wt_store_t *store, const wt_table_t *table,
                                uint64_t index, const wt_val_t *val);
/** Grows by `delta` elements set to `init`; *old_size gets the size before.
 * Fails: WT_ERROR_WASMTIME past the maximum or a store limit, with the
 * function's name and Wasmtime's message (table unchanged); WT_ERROR_MISUSE
 * for an init of the wrong kind. */
WT_API wt_error_t *wt_table_grow(wt_store_t *store, const wt_table_t *table,
                                 uint64_t delta, const wt_val_t *init,
                                 uint64_t *old_size);

/* ------------------------------------------------------------------------ */
/* GC references: externref, anyref (i31), exnref                            */
/* ------------------------------------------------------------------------ */

/**
 * A new externref in `store` carrying `data`; *out becomes a WT_EXTERNREF
 * value. `finalizer`, if not NULL, runs exactly once with `data` when wasm
 * and the host no longer hold the reference (at the latest when the store is
 * deleted). If this call fails, the finalizer runs at once.
 */
WT_API wt_error_t *wt_externref_new(wt_store_t *store, void *data,
                                    void (*finalizer)(void *), wt_val_t *out);
/** The host data of an externref value. Fails: WT_ERROR_MISUSE for a value
 * that is not a live externref of `store` (a null one gives NULL data). */
WT_API wt_error_t *wt_externref_data(wt_store_t *store, const wt_val_t *val,
                                     void **data);
/** An anyref holding the 31-bit integer `value` (an i31ref). */
WT_API wt_error_t *wt_anyref_i31(wt_store_t *store, uint32_t value,
                                 wt_val_t *out);
/** The integer of an i31ref value, zero-extended (or sign-extended when
 * `sign`). Fails: WT_ERROR_MISUSE when it is not an i31ref. */
WT_API wt_error_t *wt_anyref_i31_get(wt_store_t *store, const wt_val_t *val,
                                     bool sign, int32_t *out);
/**
 * Lets go of the reference in `val` early (it is otherwise held until the
 * store is deleted) and sets `val` to a null of its kind. Values of other
 * kinds are left as they are. Using a released reference is misuse.
 */
WT_API void wt_ref_release(wt_store_t *store, wt_val_t *val);
/** Runs a garbage collection in the store. */
WT_API wt_error_t *wt_store_gc(wt_store_t *store);

/* ------------------------------------------------------------------------ */
/* WASI (preview 1)                                                          */
/* ------------------------------------------------------------------------ */

/*
 * A WASI configuration: what a program sees of the world. Like wt_config_t
 * it is a set of recorded settings, read (not kept) by wt_store_set_wasi(),
 * so one may serve many stores. Setters return false for a rejected setting
 * (NULL or non-UTF-8 strings, a preopen that is not a directory), which
 * wt_store_set_wasi() then reports. By default a program gets no arguments,
 * no environment, empty stdin, discarded stdout and stderr, and no files.
 */
typedef struct wt_wasi wt_wasi_t;

typedef enum wt_wasi_stream {
  WT_WASI_STDOUT = 1,
  WT_WASI_STDERR = 2,
} wt_wasi_stream_t;

/** A new, empty WASI configuration. Free with wt_wasi_delete(). */
WT_API wt_wasi_t *wt_wasi_new(void);
WT_API void wt_wasi_delete(wt_wasi_t *wasi);
/** Sets the arguments (argv[0] is, by convention, the program's name). */
WT_API bool wt_wasi_args(wt_wasi_t *wasi, size_t argc,
                         const char *const *argv);
/** Passes the host process's own arguments through (instead of
 * wt_wasi_args). */
WT_API bool wt_wasi_inherit_args(wt_wasi_t *wasi);
/** Adds one environment variable. */
WT_API bool wt_wasi_env(wt_wasi_t *wasi, const char *name, const char *value);
/** Passes the host process's environment through (before any wt_wasi_env). */
WT_API bool wt_wasi_inherit_env(wt_wasi_t *wasi);
/** The program's stdin reads these bytes (copied). */
WT_API bool wt_wasi_stdin_bytes(wt_wasi_t *wasi, const void *bytes,
                                size_t len);
/** The program's stdin reads this file (opened by wt_store_set_wasi). */
WT_API bool wt_wasi_stdin_file(wt_wasi_t *wasi, const char *path);
/** The program's stdin, stdout and stderr are the host's. */
WT_API bool wt_wasi_inherit_stdio(wt_wasi_t *wasi);
/** The stream goes to the host's own stdout or stderr. */
WT_API bool wt_wasi_output_inherit(wt_wasi_t *wasi, wt_wasi_stream_t stream);
/** The stream is written to this file (created or truncated by
 * wt_store_set_wasi). */
WT_API bool wt_wasi_output_file(wt_wasi_t *wasi, wt_wasi_stream_t stream,
                                const char *path);
/** The stream is captured in memory; read it with wt_store_wasi_output(). */
WT_API bool wt_wasi_output_capture(wt_wasi_t *wasi, wt_wasi_stream_t stream);
/**
 * Lets the program see the host directory `host_dir` as `guest_dir`, read
 * only or, when `writable`, read and write. Paths outside the preopened
 * directories cannot be reached.
 */
WT_API bool wt_wasi_preopen(wt_wasi_t *wasi, const char *host_dir,
                            const char *guest_dir, bool writable);
/** The first rejected setting's message, or NULL. Owned by the config. */
WT_API const char *wt_wasi_rejected(const wt_wasi_t *wasi);

/**
 * Gives the store a WASI context built from `wasi` (borrowed). Replaces any
 * earlier one, and empties captured output.
 * Fails: WT_ERROR_MISUSE for a rejected setting; WT_ERROR_IO when a file
 * cannot be opened.
 */
WT_API wt_error_t *wt_store_set_wasi(wt_store_t *store, const wt_wasi_t *wasi);
/**
 * Bytes the program wrote to a captured stream so far. The pointer is owned
 * by the store and valid until the next call into wasm or wt_store_set_wasi.
 * NULL with *len 0 when the stream is not captured.
 */
WT_API const uint8_t *wt_store_wasi_output(wt_store_t *store,
                                           wt_wasi_stream_t stream,
                                           size_t *len);
/** Defines the WASI preview 1 functions ("wasi_snapshot_preview1"). */
WT_API wt_error_t *wt_linker_define_wasi(wt_linker_t *linker);
/**
 * Runs a WASI command: instantiates `module` through `linker` in `store`
 * (which needs wt_store_set_wasi) and calls its `_start`. Returning from
 * `_start` or calling proc_exit(0) is success (NULL). proc_exit(n) with n != 0
 * gives a WT_ERROR_EXIT error carrying n (wt_error_exit_status); a trap gives
 * WT_ERROR_TRAP. Other calls (wt_func_call, wt_instance_call) report every
 * proc_exit, proc_exit(0) included, as WT_ERROR_EXIT with its status: the
 * call did not return. The instance stays callable afterwards.
 */
WT_API wt_error_t *wt_wasi_run(const wt_linker_t *linker, wt_store_t *store,
                               const wt_module_t *module);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WT_H */
