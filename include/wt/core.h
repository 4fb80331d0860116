/**
 * @file wt/core.h
 * @brief The stable core of wt: errors, engines, stores, modules, linkers,
 * instances, host functions, values and the items of a store.
 *
 * Include <wt.h>, not this file. Sections follow the source files, one
 * concept each, in the order of src/sources.cmake: errors (src/error.c),
 * config (src/config.c), engine (src/engine.c), values (src/val.c,
 * src/kinds.c), types (src/types.c, src/sig.c), store (src/store.c),
 * module (src/module.c), linker (src/linker.c), instance (src/instance.c),
 * host functions and calls (src/func.c), global (src/global.c), memory
 * (src/memory.c), shared memory (src/shared_memory.c), table
 * (src/table.c), tag (src/tag.c) and GC references (src/ref.c). The
 * conventions every declaration follows are on the first page of <wt.h>.
 */
#ifndef WT_CORE_H
#define WT_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Marks a function exported by libwt (wt is GNU C on Linux). */
#define WT_API __attribute__((visibility("default")))
/** Marks a function whose returned error must not be dropped. */
#define WT_NODISCARD __attribute__((warn_unused_result))

/** wt's version, WT_VERSION_STRING of the library linked in. Static. */
WT_API const char *wt_version(void);
/** The Wasmtime version linked in, e.g. "48.0.8". Static. */
WT_API const char *wt_wasmtime_version(void);

/* ======================================================================== */
/* Errors (src/error.c)                                                      */
/* ======================================================================== */

/**
 * The kinds of failure. The list is append-only: kinds are never renumbered
 * or removed.
 */
typedef enum wt_error_kind {
  WT_ERROR_MISUSE = 1,    /**< the API was called wrongly */
  WT_ERROR_COMPILE = 2,   /**< invalid wasm or WAT, failed validation */
  WT_ERROR_LINK = 3,      /**< a missing or mismatched import */
  WT_ERROR_TRAP = 4,      /**< wasm trapped: see the trap code, frames */
  WT_ERROR_EXIT = 5,      /**< WASI proc_exit(n): see the exit status */
  WT_ERROR_NOT_FOUND = 6, /**< no export or item of that name */
  WT_ERROR_CONFIG = 7,    /**< a configuration Wasmtime rejects */
  WT_ERROR_IO = 8,        /**< reading or writing a file failed */
  WT_ERROR_HOST = 9,      /**< raised by a host function (wt_error_new) */
  WT_ERROR_WASMTIME = 10, /**< any other error Wasmtime reports; out of memory */
  /** a wasm exception no handler caught: wt_error_exception() (<wt/gc.h>)
   * gives it; its trap code is WT_TRAP_UNCAUGHT_EXCEPTION */
  WT_ERROR_EXCEPTION = 11,
} wt_error_kind_t;

/**
 * A failure: a kind, a message, and for traps a trap code and a wasm
 * backtrace. Owned by whoever received it; freed with wt_error_delete().
 */
typedef struct wt_error wt_error_t;

/**
 * Trap codes, numbered as Wasmtime numbers them. Codes Wasmtime adds later
 * pass through with their own numbers.
 */
typedef enum wt_trap_code {
  WT_TRAP_STACK_OVERFLOW = 0,       /**< the wasm stack was exhausted */
  WT_TRAP_MEMORY_OUT_OF_BOUNDS = 1, /**< a memory access out of bounds */
  WT_TRAP_HEAP_MISALIGNED = 2,      /**< a misaligned atomic access */
  WT_TRAP_TABLE_OUT_OF_BOUNDS = 3,  /**< a table access out of bounds */
  WT_TRAP_INDIRECT_CALL_TO_NULL = 4, /**< call_indirect of a null entry */
  WT_TRAP_BAD_SIGNATURE = 5,        /**< call_indirect of the wrong type */
  WT_TRAP_INTEGER_OVERFLOW = 6,     /**< integer overflow (e.g. INT_MIN/-1) */
  WT_TRAP_INTEGER_DIVISION_BY_ZERO = 7, /**< integer division by zero */
  WT_TRAP_BAD_CONVERSION_TO_INTEGER = 8, /**< float to int out of range */
  WT_TRAP_UNREACHABLE = 9,          /**< the unreachable instruction */
  WT_TRAP_INTERRUPT = 10,           /**< an epoch deadline or timeout */
  WT_TRAP_OUT_OF_FUEL = 11,         /**< the store ran out of fuel */
  WT_TRAP_ATOMIC_WAIT_NON_SHARED_MEMORY = 12, /**< wait on unshared memory */
  WT_TRAP_NULL_REFERENCE = 13,      /**< a null reference was dereferenced */
  WT_TRAP_ARRAY_OUT_OF_BOUNDS = 14, /**< a GC array access out of bounds */
  WT_TRAP_ALLOCATION_TOO_LARGE = 15, /**< a GC allocation too large */
  WT_TRAP_CAST_FAILURE = 16,        /**< a failed reference cast */
  WT_TRAP_UNCAUGHT_EXCEPTION = 49,  /**< an exception no handler caught */
} wt_trap_code_t;

/** One frame of a wasm backtrace, innermost first. Owned by its error. */
typedef struct wt_frame {
  uint32_t func_index;     /**< index of the function in its module */
  const char *func_name;   /**< name from the name section, or NULL */
  const char *module_name; /**< the module's name, or NULL */
  size_t func_offset;      /**< byte offset within the function's body */
  size_t module_offset;    /**< byte offset within the module's binary */
} wt_frame_t;

/** The error's kind; 0 for a NULL or deleted error. Never fails. */
WT_API wt_error_kind_t wt_error_kind(const wt_error_t *error);
/** Static name of a kind ("trap", "link", ...); "unknown" if not a kind. */
WT_API const char *wt_error_kind_name(wt_error_kind_t kind);
/**
 * The error's message, owned by the error (valid until wt_error_delete()).
 * Wasmtime's own message is kept intact. Never NULL: "" for a NULL or
 * deleted error.
 */
WT_API const char *wt_error_message(const wt_error_t *error);
/** True, with *code set, when the error is a trap that carries a code, or
 * an uncaught exception (WT_ERROR_EXCEPTION), whose code is
 * WT_TRAP_UNCAUGHT_EXCEPTION; false (code untouched) otherwise or for a
 * NULL or deleted error. */
WT_API bool wt_error_trap_code(const wt_error_t *error, wt_trap_code_t *code);
/** True, with *status set, when the error is a WASI exit (WT_ERROR_EXIT);
 * false (status untouched) otherwise or for a NULL or deleted error. */
WT_API bool wt_error_exit_status(const wt_error_t *error, int *status);
/** Number of wasm backtrace frames; 0 when there is none or the error is
 * NULL or deleted. */
WT_API size_t wt_error_frame_count(const wt_error_t *error);
/** Frame `index` (0 = innermost), owned by the error; NULL when out of
 * range. */
WT_API const wt_frame_t *wt_error_frame(const wt_error_t *error, size_t index);
/**
 * A new error of kind WT_ERROR_HOST with a copy of `message` (NULL reads as
 * ""). A host function returns it to trap the calling wasm: wt takes it over
 * and the outer call returns this same error.
 *
 * Ownership: the caller's, until it returns it from a host function.
 * Fails: never returns NULL. Out of memory, it returns wt's one static
 * WT_ERROR_WASMTIME error "out of memory" (as every wt function that fails
 * then does), which wt_error_delete() leaves alone.
 */
WT_API WT_NODISCARD wt_error_t *wt_error_new(const char *message);
/**
 * A new error of kind WT_ERROR_TRAP with trap `code` and Wasmtime's message
 * for it. A host function returns it to trap with that code; the outer call
 * returns this same error.
 *
 * Ownership: as wt_error_new().
 * Fails: a code Wasmtime does not define gives a WT_ERROR_MISUSE error
 * instead; out of memory, as wt_error_new().
 */
WT_API WT_NODISCARD wt_error_t *wt_trap_new(wt_trap_code_t code);
/** Frees the error. NULL and a deleted error are ignored. */
WT_API void wt_error_delete(wt_error_t *error);

/* ======================================================================== */
/* Config (src/config.c)                                                     */
/* ======================================================================== */

/**
 * A configuration: a set of recorded settings, applied when an engine is
 * made from it. Setters return true when the setting is accepted. A rejected
 * setting (NULL config, a value out of range, a name that is not UTF-8 or
 * not known) returns false and is remembered: wt_engine_new() then fails
 * with it. Settings whose combination Wasmtime rejects are reported by
 * wt_engine_new() with Wasmtime's message, as WT_ERROR_CONFIG.
 *
 * wt_engine_new() only reads the config: the caller still owns it, may reuse
 * it for more engines and frees it with wt_config_delete(). Use a config
 * from one thread at a time. The compiler, memory and allocator settings
 * are in the advanced part, <wt/tuning.h>.
 */
typedef struct wt_config wt_config_t;

/**
 * A new config with Wasmtime's defaults.
 * Ownership: the caller's; free with wt_config_delete().
 * Fails: returns NULL only when out of memory.
 */
WT_API wt_config_t *wt_config_new(void);
/** Frees the config. NULL and a deleted config are ignored. Engines made
 * from it are unaffected. */
WT_API void wt_config_delete(wt_config_t *config);
/**
 * The message of the first setting this config rejected, or NULL if every
 * setting was accepted. Owned by the config.
 */
WT_API const char *wt_config_rejected(const wt_config_t *config);

/** The threads proposal (shared memories, atomics). */
WT_API bool wt_config_set_wasm_threads(wt_config_t *config, bool enable);
/** Shared memories without the rest of the threads proposal. */
WT_API bool wt_config_set_wasm_shared_memory(wt_config_t *config, bool enable);
/** The tail-call proposal (return_call). */
WT_API bool wt_config_set_wasm_tail_call(wt_config_t *config, bool enable);
/** The reference-types proposal (externref, several tables). */
WT_API bool wt_config_set_wasm_reference_types(wt_config_t *config,
                                               bool enable);
/** The typed function references proposal. */
WT_API bool wt_config_set_wasm_function_references(wt_config_t *config,
                                                   bool enable);
/** The GC proposal (structs, arrays, i31, casts). */
WT_API bool wt_config_set_wasm_gc(wt_config_t *config, bool enable);
/** Fixed-width SIMD (v128). */
WT_API bool wt_config_set_wasm_simd(wt_config_t *config, bool enable);
/** Relaxed SIMD. */
WT_API bool wt_config_set_wasm_relaxed_simd(wt_config_t *config, bool enable);
/** Relaxed SIMD with the same results on every platform. */
WT_API bool wt_config_set_wasm_relaxed_simd_deterministic(wt_config_t *config,
                                                          bool enable);
/** Bulk memory operations (memory.copy, memory.fill, passive segments). */
WT_API bool wt_config_set_wasm_bulk_memory(wt_config_t *config, bool enable);
/** Functions and blocks with several results. */
WT_API bool wt_config_set_wasm_multi_value(wt_config_t *config, bool enable);
/** More than one linear memory per module. */
WT_API bool wt_config_set_wasm_multi_memory(wt_config_t *config, bool enable);
/** 64-bit linear memories and tables (memory64). */
WT_API bool wt_config_set_wasm_memory64(wt_config_t *config, bool enable);
/** The wide-arithmetic proposal (i64.add128, ...). */
WT_API bool wt_config_set_wasm_wide_arithmetic(wt_config_t *config,
                                               bool enable);
/** Branch hints (a custom section Wasmtime may use). */
WT_API bool wt_config_set_wasm_branch_hinting(wt_config_t *config,
                                              bool enable);
/** Exception handling (try_table, throw, exnref). */
WT_API bool wt_config_set_wasm_exceptions(wt_config_t *config, bool enable);
/** Memories with page sizes other than 64 KiB (custom page sizes). */
WT_API bool wt_config_set_wasm_custom_page_sizes(wt_config_t *config,
                                                 bool enable);
/** The component model's map<K, V> type (WT_CVAL_MAP values). */
WT_API bool wt_config_set_wasm_component_model_map(wt_config_t *config,
                                                   bool enable);
/** The stack-switching proposal: not built into wt's Wasmtime (its
 * "stack-switching" feature is off), so only false is accepted; true is
 * rejected (returns false, and wt_engine_new() fails with WT_ERROR_CONFIG
 * saying stack switching is not built in). */
WT_API bool wt_config_set_wasm_stack_switching(wt_config_t *config,
                                               bool enable);

/** Count fuel: a store then runs wasm only while it has fuel
 * (wt_store_set_fuel()). */
WT_API bool wt_config_set_consume_fuel(wt_config_t *config, bool enable);
/** Check the engine's epoch against each store's deadline: needed by
 * wt_store_set_epoch_deadline() and wt_store_set_timeout(). */
WT_API bool wt_config_set_epoch_interruption(wt_config_t *config, bool enable);
/**
 * Maximum native stack, in bytes, that wasm may use (Wasmtime's default:
 * 512 KiB); 0 is rejected (returns false). Wasm and the host functions it
 * calls share the stack of the thread that calls into the store, so that
 * thread must have room for it: every call into wasm from outside wasm
 * (wt_func_call(), wt_func_call_typed(), instantiation, wt_wasi_run()) first
 * checks that the calling thread's stack has `bytes` plus 64 KiB left (for
 * host functions and Wasmtime's own frames), and fails with WT_ERROR_MISUSE,
 * giving both sizes, before any wasm runs if it has not. A thread with the
 * default 512 KiB therefore needs a stack of more than 576 KiB (the default
 * pthread stack of 8 MiB is ample); give small threads a smaller limit.
 */
WT_API bool wt_config_set_max_wasm_stack(wt_config_t *config, size_t bytes);

/* ======================================================================== */
/* Engine (src/engine.c)                                                     */
/* ======================================================================== */

/**
 * An engine compiles modules and is shared by stores. It is thread-safe. It
 * is reference counted internally: stores, modules and linkers keep it
 * alive, so the caller may delete it as soon as it has made them.
 */
typedef struct wt_engine wt_engine_t;

/**
 * Makes an engine from `config`, or with Wasmtime's defaults when `config`
 * is NULL.
 *
 * Ownership: `config` is borrowed (read, not kept); *out is the caller's,
 * freed with wt_engine_delete().
 * Fails: WT_ERROR_MISUSE for a NULL `out` or a deleted config;
 * WT_ERROR_CONFIG for a setting the config rejected or a combination
 * Wasmtime rejects (with Wasmtime's message); never aborts.
 * Threads: any thread.
 */
WT_API WT_NODISCARD wt_error_t *wt_engine_new(const wt_config_t *config,
                                              wt_engine_t **out);
/** Drops the caller's reference. NULL and a deleted engine are ignored. */
WT_API void wt_engine_delete(wt_engine_t *engine);
/**
 * Advances the engine's epoch by one; stores whose epoch deadline is reached
 * are interrupted. Misuse (NULL or deleted engine) is ignored.
 * Threads: safe from any thread, such as a watchdog, while others run wasm.
 */
WT_API void wt_engine_increment_epoch(wt_engine_t *engine);
/** True when the engine runs wasm on the Pulley interpreter; false for a
 * NULL or deleted engine. */
WT_API bool wt_engine_is_pulley(const wt_engine_t *engine);
/**
 * Whether `bytes`, made by wt_module_serialize(), can be loaded by this
 * engine. Only pass bytes from a trusted source.
 *
 * Ownership: `bytes` is borrowed for the call.
 * Fails: WT_ERROR_MISUSE for a NULL or deleted engine or NULL bytes;
 * WT_ERROR_COMPILE for bytes of another Wasmtime version or of incompatible
 * settings, or that are not a precompiled module at all.
 */
WT_API WT_NODISCARD wt_error_t *
wt_engine_check_precompiled(wt_engine_t *engine, const uint8_t *bytes,
                            size_t len);

/* ======================================================================== */
/* Values (src/val.c, src/kinds.c)                                          */
/* ======================================================================== */

/** Value kinds, numbered as Wasmtime's wasmtime_valkind_t. */
typedef enum wt_valkind {
  WT_VAL_I32 = 0,       /**< a 32-bit integer */
  WT_VAL_I64 = 1,       /**< a 64-bit integer */
  WT_VAL_F32 = 2,       /**< a 32-bit float */
  WT_VAL_F64 = 3,       /**< a 64-bit float */
  WT_VAL_V128 = 4,      /**< a 128-bit SIMD vector */
  WT_VAL_FUNCREF = 5,   /**< a function reference (wt_func_t) */
  WT_VAL_EXTERNREF = 6, /**< a host reference (wt_ref_t) */
  WT_VAL_ANYREF = 7,    /**< a GC reference, e.g. an i31 (wt_ref_t) */
  WT_VAL_EXNREF = 8,    /**< an exception reference (wt_ref_t) */
} wt_valkind_t;

/**
 * A function in a store. Owned by the store; copy it freely; its fields are
 * private. A zero-filled wt_func_t is the null funcref.
 */
typedef struct wt_func {
  uint64_t store_id_; /**< private */
  void *raw_;         /**< private */
  const void *sig_;   /**< private */
} wt_func_t;

/** An instance in a store. Owned by the store; copy it freely. */
typedef struct wt_instance {
  uint64_t store_id_; /**< private */
  size_t raw_;        /**< private */
} wt_instance_t;

/** A linear memory in a store. Owned by the store; copy it freely. */
typedef struct wt_memory {
  uint64_t store_id_; /**< private */
  uint32_t raw1_;     /**< private */
  uint32_t raw2_;     /**< private */
} wt_memory_t;

/** A global in a store. Owned by the store; copy it freely. */
typedef struct wt_global {
  uint64_t store_id_; /**< private */
  uint32_t raw1_;     /**< private */
  uint32_t raw2_;     /**< private */
  uint32_t raw3_;     /**< private */
} wt_global_t;

/** A table in a store. Owned by the store; copy it freely. */
typedef struct wt_table {
  uint64_t store_id_; /**< private */
  uint32_t raw1_;     /**< private */
  uint32_t raw2_;     /**< private */
} wt_table_t;

/** An exception tag in a store (exceptions proposal). Owned by the store;
 * copy it freely. Tags compare by identity: see wt_tag_eq(). */
typedef struct wt_tag {
  uint64_t store_id_; /**< private */
  uint32_t raw1_;     /**< private */
  uint32_t raw2_;     /**< private */
} wt_tag_t;

/**
 * A GC reference (externref, anyref, exnref) held for the caller in a store.
 * wt keeps the reference alive (rooted) until wt_ref_release() or until the
 * store is deleted, so it can never dangle; a released reference is
 * detected and rejected as misuse. A zero-filled wt_ref_t is the null
 * reference.
 */
typedef struct wt_ref {
  uint64_t store_id_; /**< private */
  uint32_t slot_;     /**< private */
  uint32_t gen_;      /**< private */
} wt_ref_t;

/** A wasm value: a kind and the matching member of `of`. A plain value. */
typedef struct wt_val {
  wt_valkind_t kind; /**< which member of `of` holds the value */
  /** The value, by kind. */
  union {
    int32_t i32;      /**< WT_VAL_I32 */
    int64_t i64;      /**< WT_VAL_I64 */
    float f32;        /**< WT_VAL_F32 */
    double f64;       /**< WT_VAL_F64 */
    uint8_t v128[16]; /**< WT_VAL_V128, little-endian lanes */
    wt_func_t funcref; /**< WT_VAL_FUNCREF; zero-filled for null */
    wt_ref_t ref;     /**< WT_VAL_EXTERNREF, WT_VAL_ANYREF, WT_VAL_EXNREF */
  } of;
} wt_val_t;

/** Kinds of extern items, numbered as Wasmtime's wasmtime_extern_kind_t. */
typedef enum wt_externkind {
  WT_EXTERN_FUNC = 0,          /**< a function */
  WT_EXTERN_GLOBAL = 1,        /**< a global */
  WT_EXTERN_TABLE = 2,         /**< a table */
  WT_EXTERN_MEMORY = 3,        /**< a linear memory */
  WT_EXTERN_SHARED_MEMORY = 4, /**< a shared linear memory */
  WT_EXTERN_TAG = 5,           /**< an exception tag */
} wt_externkind_t;

/**
 * A shared linear memory (threads proposal). Unlike other items it belongs
 * to an engine, not a store, and may be used from several threads and
 * stores at once. One made with wt_shared_memory_new() is the caller's, to
 * be freed with wt_shared_memory_delete(); one that wt hands out from a
 * store (an export, a linker lookup) is owned by that store.
 */
typedef struct wt_shared_memory wt_shared_memory_t;

/** An item an instance exports or a module imports: a kind and the
 * matching member of `of`. A plain value holding handles. */
typedef struct wt_extern {
  wt_externkind_t kind; /**< which member of `of` holds the item */
  /** The item, by kind. */
  union {
    wt_func_t func;                    /**< WT_EXTERN_FUNC */
    wt_global_t global;                /**< WT_EXTERN_GLOBAL */
    wt_table_t table;                  /**< WT_EXTERN_TABLE */
    wt_memory_t memory;                /**< WT_EXTERN_MEMORY */
    wt_shared_memory_t *shared_memory; /**< WT_EXTERN_SHARED_MEMORY */
    wt_tag_t tag;                      /**< WT_EXTERN_TAG */
  } of;
} wt_extern_t;

/** Static WAT name of a value kind ("i32", "funcref", ...); "?" if it is
 * not a kind. */
WT_API const char *wt_valkind_name(wt_valkind_t kind);
/** Static name of an extern kind: "func", "global", "table", "memory",
 * "shared memory" or "tag"; "?" if it is not a kind. */
WT_API const char *wt_externkind_name(wt_externkind_t kind);

/* ======================================================================== */
/* Types (src/types.c, src/sig.c)                                           */
/* ======================================================================== */

/**
 * A function type, interned by its engine: wt never needs it freed, and it
 * stays valid while anything of its engine (engine, store, module, linker)
 * lives. Two equal types of one engine are the same pointer.
 */
typedef struct wt_functype wt_functype_t;

/**
 * The function type with these parameter and result kinds.
 *
 * Ownership: the arrays are borrowed for the call; *out is owned by the
 * engine.
 * Fails: WT_ERROR_MISUSE for a NULL or deleted engine, a NULL `out`, a NULL
 * array with a nonzero count, more than 64 params or 64 results, or a kind
 * that is not a wt_valkind_t.
 */
WT_API WT_NODISCARD wt_error_t *
wt_functype_new(wt_engine_t *engine, const wt_valkind_t *params,
                size_t nparams, const wt_valkind_t *results, size_t nresults,
                const wt_functype_t **out);
/**
 * The function type written as "i32 i64 -> f32" (the signature syntax of
 * wt_linker_define_func()).
 * Ownership: *out is owned by the engine.
 * Fails: WT_ERROR_MISUSE for a bad string, a NULL argument or a deleted
 * engine.
 */
WT_API WT_NODISCARD wt_error_t *wt_functype_parse(wt_engine_t *engine,
                                                  const char *sig,
                                                  const wt_functype_t **out);
/** Number of parameters; 0 for NULL. */
WT_API size_t wt_functype_param_count(const wt_functype_t *type);
/** Number of results; 0 for NULL. */
WT_API size_t wt_functype_result_count(const wt_functype_t *type);
/** Kind of parameter `i`; 0xff when out of range or `type` is NULL. */
WT_API wt_valkind_t wt_functype_param(const wt_functype_t *type, size_t i);
/** Kind of result `i`; 0xff when out of range or `type` is NULL. */
WT_API wt_valkind_t wt_functype_result(const wt_functype_t *type, size_t i);
/** WAT form, e.g. "(func (param i32 i32) (result i32))", owned by the type;
 * "" for NULL. */
WT_API const char *wt_functype_text(const wt_functype_t *type);

/** A memory type (a plain value). */
typedef struct wt_memorytype {
  uint64_t min;   /**< minimum size, in pages */
  bool has_max;   /**< whether `max` is set */
  uint64_t max;   /**< maximum size in pages, when has_max */
  bool is64;      /**< a 64-bit (memory64) memory */
  bool shared;    /**< a shared memory (threads) */
  /** log2 of the page size: 16 for 64 KiB pages; other sizes (0 for 1-byte
   * pages) need wt_config_set_wasm_custom_page_sizes(). */
  uint8_t page_size_log2;
} wt_memorytype_t;

/** A table type (a plain value). */
typedef struct wt_tabletype {
  wt_valkind_t elem; /**< element kind: WT_VAL_FUNCREF, WT_VAL_EXTERNREF... */
  uint64_t min;      /**< minimum size, in elements */
  bool has_max;      /**< whether `max` is set */
  uint64_t max;      /**< maximum size, when has_max */
  bool is64;         /**< a 64-bit table (memory64) */
} wt_tabletype_t;

/** A global type (a plain value). */
typedef struct wt_globaltype {
  wt_valkind_t kind; /**< the value's kind */
  bool is_mutable;   /**< whether wasm and the host may set it */
} wt_globaltype_t;

/** The type of an extern item: a kind and the matching member of `of`. */
typedef struct wt_externtype {
  wt_externkind_t kind; /**< which member of `of` holds the type */
  /** The type, by kind. */
  union {
    const wt_functype_t *func; /**< WT_EXTERN_FUNC */
    wt_globaltype_t global;    /**< WT_EXTERN_GLOBAL */
    wt_tabletype_t table;      /**< WT_EXTERN_TABLE */
    /** WT_EXTERN_MEMORY and WT_EXTERN_SHARED_MEMORY */
    wt_memorytype_t memory;
    /** WT_EXTERN_TAG: the payload, as a type with no results */
    const wt_functype_t *tag;
  } of;
} wt_externtype_t;

/**
 * Writes the WAT form of `type` ("(memory i64 1 2 shared)",
 * "(table 1 10 funcref)", "(global (mut i32))", "(func (param i32))") into
 * `buf` of `cap` bytes, always NUL-terminated when cap > 0, as snprintf
 * does. Returns the length the full text needs, excluding the NUL; 0 for a
 * NULL type. A memory type whose page_size_log2 is 64 or more, which no
 * memory has, is written with "(pagesize 2^N)".
 */
WT_API size_t wt_externtype_text(const wt_externtype_t *type, char *buf,
                                 size_t cap);

/* ======================================================================== */
/* Store (src/store.c)                                                       */
/* ======================================================================== */

/**
 * A store holds instances and everything they create. Deleting a store
 * frees everything in it; handles from it are then rejected as misuse when
 * used with any other store.
 *
 * Threads: use a store from one thread at a time; a second thread entering
 * a store while it runs wasm gets WT_ERROR_MISUSE.
 */
typedef struct wt_store wt_store_t;

/**
 * A new store in `engine`, which it keeps alive. `data` is the caller's,
 * returned by wt_store_data(); `finalizer`, if not NULL, is called with it
 * exactly once when the store is deleted.
 *
 * Ownership: *out is the caller's, freed with wt_store_delete(). If this
 * call fails, `finalizer` runs at once with `data`.
 * Fails: WT_ERROR_MISUSE for a NULL or deleted engine or a NULL `out`.
 */
WT_API WT_NODISCARD wt_error_t *wt_store_new(wt_engine_t *engine, void *data,
                                             void (*finalizer)(void *),
                                             wt_store_t **out);
/**
 * Frees the store and everything in it. NULL and a deleted store are
 * ignored. Called from inside one of the store's host functions, the store
 * is freed when the outermost call into it returns: that host call then
 * traps with the WT_ERROR_MISUSE error "host function: the store was
 * deleted during a call" (unless it failed with its own error first), wasm
 * unwinds at once, and no further host function of the store is called.
 * Called from the store's epoch deadline callback, likewise: wasm stops as
 * soon as the callback returns, with "epoch deadline callback: the store
 * was deleted during a call" unless the callback returned its own error.
 *
 * Finalizers: from the moment this is called the store is deleted for
 * every wt function, so the finalizers the deletion runs (externrefs', host
 * functions' and the epoch callback's, then the store data's) get
 * WT_ERROR_MISUSE "store is being deleted" for it, and this function
 * ignores it. Called from a finalizer Wasmtime runs on a live store (see
 * wt_store_gc()), the store is freed when the wt call that ran the
 * finalizer returns.
 */
WT_API void wt_store_delete(wt_store_t *store);
/** The data given to wt_store_new() or wt_store_set_data(); NULL for a NULL
 * or deleted store (or one being deleted). It also answers from a finalizer
 * that Wasmtime runs on a live store. */
WT_API void *wt_store_data(const wt_store_t *store);
/**
 * Replaces the store's data; the previous data's finalizer, if any, runs
 * now. Callable from host functions.
 * Ownership: `finalizer`, if not NULL, runs exactly once with `data`: when
 * the data is replaced again or the store is deleted, or at once if this
 * call fails.
 * Fails: WT_ERROR_MISUSE for a bad store.
 */
WT_API WT_NODISCARD wt_error_t *wt_store_set_data(wt_store_t *store,
                                                  void *data,
                                                  void (*finalizer)(void *));

/**
 * Sets the store's fuel (needs wt_config_set_consume_fuel()). Wasm traps
 * with WT_TRAP_OUT_OF_FUEL when it runs out.
 * Fails: WT_ERROR_MISUSE for a bad store; WT_ERROR_CONFIG when fuel is not
 * enabled in the engine's config.
 */
WT_API WT_NODISCARD wt_error_t *wt_store_set_fuel(wt_store_t *store,
                                                  uint64_t fuel);
/** Reads the fuel left into *fuel. Fails as wt_store_set_fuel(), and
 * WT_ERROR_MISUSE for a NULL `fuel`. */
WT_API WT_NODISCARD wt_error_t *wt_store_fuel(const wt_store_t *store,
                                              uint64_t *fuel);
/**
 * Fuel consumed in this store so far: the fuel wasm has burned. Each
 * wt_store_set_fuel() replaces the amount; what wasm burned of the amount it
 * replaces is kept, so fuel a host function takes away by setting a lower
 * amount is not counted as consumed. Fails as wt_store_fuel().
 */
WT_API WT_NODISCARD wt_error_t *wt_store_fuel_consumed(const wt_store_t *store,
                                                       uint64_t *consumed);
/**
 * With wt_config_set_epoch_interruption(), wasm in this store traps with
 * WT_TRAP_INTERRUPT once the engine's epoch has advanced `ticks` beyond its
 * current value. A new store's deadline is 0: it traps at once until set.
 * `ticks` of 2^62 or more (UINT64_MAX included) mean never in practice.
 * Fails: WT_ERROR_MISUSE for a bad store.
 */
WT_API WT_NODISCARD wt_error_t *wt_store_set_epoch_deadline(wt_store_t *store,
                                                            uint64_t ticks);
/**
 * Stops wasm in this store `ms` milliseconds from now: a call still running
 * then traps with WT_TRAP_INTERRUPT, never before the deadline and within a
 * few milliseconds after it. The deadline is an instant of the monotonic
 * clock (CLOCK_MONOTONIC), so the time the store spends outside wasm counts
 * too. Needs wt_config_set_epoch_interruption(); the engine then runs a
 * ticker thread that advances its epoch at each millisecond of that clock
 * (started on first use, stopped when the engine is freed; a late wake-up
 * gives every tick that fell due). A timeout too long to reach (2^62 ms or
 * more, UINT64_MAX included) never fires. The timeout applies to
 * everything the store runs from now on, until set again; a store stays
 * usable after an interrupt.
 * Fails: WT_ERROR_MISUSE for a bad store; WT_ERROR_CONFIG when epoch
 * interruption is off; WT_ERROR_WASMTIME when the ticker thread cannot
 * start.
 */
WT_API WT_NODISCARD wt_error_t *wt_store_set_timeout(wt_store_t *store,
                                                     uint64_t ms);
/**
 * Called when wasm in `store` reaches its epoch deadline, instead of
 * trapping. Return NULL and set *delta to let wasm run `*delta` more ticks
 * (2^62 or more: never again); return an error to stop it: the error
 * travels to the caller of the call into wasm as a host function's error
 * does. *delta starts at 1. A callback that deletes `store` stops wasm as
 * a host function that does would (see wt_store_delete()), and no callback
 * is called for a store waiting to be freed.
 */
typedef wt_error_t *(*wt_epoch_cb)(void *env, wt_store_t *store,
                                   uint64_t *delta);
/**
 * Installs the store's epoch deadline callback. A previous callback's
 * finalizer runs (inside Wasmtime, as wt_store_gc() says); this one's runs
 * with `env` when the store is deleted or the callback is replaced, or at
 * once if this call fails.
 * Fails: WT_ERROR_MISUSE for a bad store or a NULL `cb`.
 */
WT_API WT_NODISCARD wt_error_t *
wt_store_set_epoch_deadline_callback(wt_store_t *store, wt_epoch_cb cb,
                                     void *env, void (*finalizer)(void *));

/** Limits on what a store may hold; -1 means no limit. A plain value. */
typedef struct wt_limits {
  int64_t memory_size;    /**< bytes per linear memory */
  int64_t table_elements; /**< elements per table */
  int64_t instances;      /**< instances in the store */
  int64_t tables;         /**< tables of instances in the store */
  int64_t memories;       /**< linear memories of instances in the store */
} wt_limits_t;
/** An initializer for wt_limits_t with no limits. */
#define WT_LIMITS_NONE {-1, -1, -1, -1, -1}
/**
 * Sets the store's limits. Growth past a limit fails (memory.grow returns
 * -1, wt_memory_grow() errors) and instantiation past a count fails with a
 * WT_ERROR_WASMTIME error ("resource limit exceeded: ..."), never a link
 * error; nothing is allocated first. The counts are checked when an
 * instance is made: memories and tables made by wt_memory_new() and
 * wt_table_new() are not counted (their sizes are limited).
 * Ownership: `limits` is copied.
 * Fails: WT_ERROR_MISUSE for a bad store, NULL limits, or a limit below -1
 * (the store's limits are then unchanged).
 */
WT_API WT_NODISCARD wt_error_t *wt_store_set_limits(wt_store_t *store,
                                                    const wt_limits_t *limits);
/**
 * Runs a garbage collection in the store: GC references neither wasm nor
 * the host holds are freed, and their finalizers run.
 *
 * Finalizers: Wasmtime runs externref finalizers inside its collections,
 * here or when an allocation (wt_externref_new(), wasm) finds the GC heap
 * full, and a replaced epoch callback's finalizer while it installs the
 * new one. Meanwhile every wt function given the store returns
 * WT_ERROR_MISUSE "store is running a finalizer inside Wasmtime", except
 * wt_store_data(), which answers, and wt_store_delete(), which frees the
 * store when the call that ran the finalizer returns.
 * Fails: WT_ERROR_MISUSE for a bad store.
 */
WT_API WT_NODISCARD wt_error_t *wt_store_gc(wt_store_t *store);

/* ======================================================================== */
/* Module (src/module.c)                                                     */
/* ======================================================================== */

/** A compiled module. Thread-safe; may be used with any store of its
 * engine. Owned by the caller; freed with wt_module_delete(). */
typedef struct wt_module wt_module_t;

/**
 * Compiles a module from `len` bytes of wasm binary, or of WAT text (a
 * non-empty buffer that does not start with the wasm magic number is read
 * as text; empty input is an incomplete binary).
 *
 * Ownership: `bytes` is borrowed for the call; *out is the caller's.
 * Fails: WT_ERROR_MISUSE for a NULL or deleted engine or NULL arguments;
 * WT_ERROR_COMPILE with Wasmtime's message for invalid input.
 * Threads: any thread; compiles in parallel when the config allows.
 */
WT_API WT_NODISCARD wt_error_t *wt_module_new(wt_engine_t *engine,
                                              const uint8_t *bytes,
                                              size_t len, wt_module_t **out);
/** Compiles a module from NUL-terminated WAT text. As wt_module_new(). */
WT_API WT_NODISCARD wt_error_t *wt_module_new_wat(wt_engine_t *engine,
                                                  const char *wat,
                                                  wt_module_t **out);
/**
 * Compiles the module in the file at `path`: a wasm binary, or WAT text.
 * Fails: WT_ERROR_IO when the file cannot be read; otherwise as
 * wt_module_new().
 */
WT_API WT_NODISCARD wt_error_t *wt_module_new_file(wt_engine_t *engine,
                                                   const char *path,
                                                   wt_module_t **out);
/**
 * Validates wasm binary or WAT without compiling it.
 * Fails: WT_ERROR_MISUSE for a NULL or deleted engine or NULL bytes;
 * WT_ERROR_COMPILE with Wasmtime's message.
 */
WT_API WT_NODISCARD wt_error_t *wt_module_validate(wt_engine_t *engine,
                                                   const uint8_t *bytes,
                                                   size_t len);
/** Frees the caller's module. NULL and a deleted module are ignored.
 * Instances made from it keep working. */
WT_API void wt_module_delete(wt_module_t *module);
/**
 * Serializes the compiled module.
 * Ownership: on success *bytes is a malloc()ed buffer of *len bytes that
 * the caller frees with free().
 * Fails: WT_ERROR_MISUSE for a NULL or deleted module or NULL out
 * parameters; WT_ERROR_WASMTIME when Wasmtime cannot serialize it.
 */
WT_API WT_NODISCARD wt_error_t *wt_module_serialize(const wt_module_t *module,
                                                    uint8_t **bytes,
                                                    size_t *len);
/** As wt_module_serialize(), into the file at `path`, created or truncated.
 * Fails: also WT_ERROR_IO when the file cannot be written. */
WT_API WT_NODISCARD wt_error_t *
wt_module_serialize_file(const wt_module_t *module, const char *path);
/**
 * Loads a module from wt_module_serialize() output. Only pass trusted
 * bytes: Wasmtime checks the header, version and settings but not the
 * machine code.
 * Ownership: `bytes` is borrowed for the call; *out is the caller's.
 * Fails: WT_ERROR_MISUSE for a NULL or deleted engine or NULL arguments;
 * WT_ERROR_COMPILE for incompatible or corrupt bytes.
 */
WT_API WT_NODISCARD wt_error_t *wt_module_deserialize(wt_engine_t *engine,
                                                      const uint8_t *bytes,
                                                      size_t len,
                                                      wt_module_t **out);
/** As wt_module_deserialize(), from the file at `path`. The file is read
 * whole: it may be changed or removed once this returns.
 * Fails: also WT_ERROR_IO when the file cannot be read. */
WT_API WT_NODISCARD wt_error_t *
wt_module_deserialize_file(wt_engine_t *engine, const char *path,
                           wt_module_t **out);

/**
 * One import of a module. Strings and type are owned by the module. Wasm
 * names are byte strings that may hold NUL bytes: the strings are
 * NUL-terminated copies and the lengths give their full size in bytes.
 */
typedef struct wt_import {
  const char *module;   /**< the import's module name */
  const char *name;     /**< the import's field name */
  wt_externtype_t type; /**< what the import must be */
  size_t module_len;    /**< length of `module` in bytes */
  size_t name_len;      /**< length of `name` in bytes */
} wt_import_t;

/** One export of a module. Owned by the module; `name` as in wt_import_t. */
typedef struct wt_export {
  const char *name;     /**< the export's name */
  wt_externtype_t type; /**< the exported item's type */
  size_t name_len;      /**< length of `name` in bytes */
} wt_export_t;

/**
 * The module's name from its name section (`(module $name ...)`), owned by
 * the module, or NULL when it has none (modules loaded with
 * wt_module_deserialize() have none) or for a NULL or deleted module.
 */
WT_API const char *wt_module_name(const wt_module_t *module);
/** Number of imports; 0 for a NULL or deleted module. */
WT_API size_t wt_module_import_count(const wt_module_t *module);
/** Import `i` in declaration order, owned by the module; NULL when out of
 * range, out of memory, or for a NULL or deleted module. */
WT_API const wt_import_t *wt_module_import(const wt_module_t *module,
                                           size_t i);
/** Number of exports; 0 for a NULL or deleted module. */
WT_API size_t wt_module_export_count(const wt_module_t *module);
/** Export `i` in declaration order, owned by the module; NULL when out of
 * range, out of memory, or for a NULL or deleted module. */
WT_API const wt_export_t *wt_module_export(const wt_module_t *module,
                                           size_t i);

/* ======================================================================== */
/* Linker (src/linker.c)                                                     */
/* ======================================================================== */

/**
 * Definitions by (module, name), used to satisfy a module's imports. Owned
 * by the caller; freed with wt_linker_delete(). A linker holds host
 * functions (usable with any store of its engine) and items of at most one
 * store. Use it from one thread at a time.
 */
typedef struct wt_linker wt_linker_t;

/** The context of a host function call; see the Host functions section. */
typedef struct wt_caller wt_caller_t;

/**
 * A host function. `args` holds `nargs` values of the declared parameter
 * types; `results` holds `nresults` slots already set to the declared
 * result kinds with zero values: set their `of` members. Return NULL on
 * success, or an error (e.g. from wt_error_new()) to trap the calling wasm:
 * the error is taken over by wt and is what the outer call returns. Setting
 * a result of another kind is reported as a misuse trap.
 */
typedef wt_error_t *(*wt_func_cb)(void *env, wt_caller_t *caller,
                                  const wt_val_t *args, size_t nargs,
                                  wt_val_t *results, size_t nresults);

/**
 * A new, empty linker for modules of `engine`.
 * Ownership: *out is the caller's.
 * Fails: WT_ERROR_MISUSE for a NULL or deleted engine or NULL `out`.
 */
WT_API WT_NODISCARD wt_error_t *wt_linker_new(wt_engine_t *engine,
                                              wt_linker_t **out);
/** Frees the linker. NULL and a deleted linker are ignored. Instances made
 * through it keep working. */
WT_API void wt_linker_delete(wt_linker_t *linker);
/**
 * Lets later definitions replace earlier ones of the same name (default:
 * off, a duplicate is WT_ERROR_LINK).
 * Fails: WT_ERROR_MISUSE for a NULL or deleted linker.
 */
WT_API WT_NODISCARD wt_error_t *wt_linker_set_allow_shadowing(
    wt_linker_t *linker, bool allow);
/**
 * Defines a host function `module`.`name` with signature `sig`, written as
 * "PARAMS -> RESULTS" with WAT type names separated by spaces or commas:
 * "i32 i32 -> i32", "-> f64", "i64" (no results), "" (nothing).
 *
 * Ownership: `env` is passed to `cb`; `finalizer`, if not NULL, is called
 * with `env` once, when the definition is dropped (the linker and every
 * store using it deleted), or at once if this call fails.
 * Fails: WT_ERROR_MISUSE for a bad signature or a NULL argument;
 * WT_ERROR_LINK when the name is already defined and shadowing is off.
 */
WT_API WT_NODISCARD wt_error_t *
wt_linker_define_func(wt_linker_t *linker, const char *module,
                      const char *name, const char *sig, wt_func_cb cb,
                      void *env, void (*finalizer)(void *));
/** As wt_linker_define_func(), with a wt_functype_t instead of a string.
 * Fails: also WT_ERROR_MISUSE for a type of another engine. */
WT_API WT_NODISCARD wt_error_t *
wt_linker_define_functype(wt_linker_t *linker, const char *module,
                          const char *name, const wt_functype_t *type,
                          wt_func_cb cb, void *env, void (*finalizer)(void *));
/**
 * Defines `item` (of `store`) as `module`.`name`.
 * Fails: WT_ERROR_MISUSE for NULL arguments, an item of another store, or a
 * linker that already holds items of another store; WT_ERROR_LINK when the
 * name is taken and shadowing is off.
 */
WT_API WT_NODISCARD wt_error_t *wt_linker_define(wt_linker_t *linker,
                                                 wt_store_t *store,
                                                 const char *module,
                                                 const char *name,
                                                 const wt_extern_t *item);
/** Defines every export of `instance` under the module name `name`.
 * Fails as wt_linker_define(). */
WT_API WT_NODISCARD wt_error_t *
wt_linker_define_instance(wt_linker_t *linker, wt_store_t *store,
                          const char *name, const wt_instance_t *instance);
/**
 * Defines the exports of `module` under `name`. A command module (one that
 * exports `_start`) gets a fresh instance for each call of an export; a
 * reactor is instantiated once, now, in `store`.
 * Fails as wt_linker_define(), and as wt_linker_instantiate() for a
 * reactor.
 */
WT_API WT_NODISCARD wt_error_t *
wt_linker_define_module(wt_linker_t *linker, wt_store_t *store,
                        const char *name, const wt_module_t *module);
/**
 * Defines every import of `module` the linker lacks as a function that
 * traps when called (functions only; other kinds stay undefined).
 * Fails: WT_ERROR_MISUSE for NULL or deleted arguments or a module of
 * another engine; WT_ERROR_LINK when Wasmtime refuses.
 */
WT_API WT_NODISCARD wt_error_t *
wt_linker_define_unknown_imports_as_traps(wt_linker_t *linker,
                                          const wt_module_t *module);
/**
 * Defines every import of `module` the linker lacks as a default: functions
 * return zeros; globals, memories and tables are made empty, in `store`.
 * Fails as wt_linker_define_unknown_imports_as_traps(), and as
 * wt_linker_define() for the store.
 */
WT_API WT_NODISCARD wt_error_t *
wt_linker_define_unknown_imports_as_default_values(wt_linker_t *linker,
                                                   wt_store_t *store,
                                                   const wt_module_t *module);
/**
 * The definition `module`.`name`, as an item of `store`.
 * Fails: WT_ERROR_MISUSE for NULL or deleted arguments;
 * WT_ERROR_NOT_FOUND when there is none.
 */
WT_API WT_NODISCARD wt_error_t *wt_linker_get(const wt_linker_t *linker,
                                              wt_store_t *store,
                                              const char *module,
                                              const char *name,
                                              wt_extern_t *out);
/** The default export of module `name` (the "" export or `_start`).
 * Fails as wt_linker_get(). */
WT_API WT_NODISCARD wt_error_t *wt_linker_get_default(
    const wt_linker_t *linker, wt_store_t *store, const char *name,
    wt_func_t *out);
/**
 * Instantiates `module` in `store`, taking its imports from the linker.
 * Fails: WT_ERROR_MISUSE for NULL or deleted arguments, objects of other
 * engines, or a linker holding items of another store; WT_ERROR_LINK for a
 * missing or mismatched import; WT_ERROR_TRAP (or a host function's error)
 * when the start function fails; WT_ERROR_WASMTIME past a store limit.
 */
WT_API WT_NODISCARD wt_error_t *
wt_linker_instantiate(const wt_linker_t *linker, wt_store_t *store,
                      const wt_module_t *module, wt_instance_t *out);

/**
 * A linker and a module resolved once, for fast repeated instantiation in
 * any store of the engine. Owned by the caller; freed with
 * wt_instance_pre_delete(). Thread-safe.
 */
typedef struct wt_instance_pre wt_instance_pre_t;

/**
 * Resolves every import of `module` in the linker now. Host functions only:
 * an import defined by an item of a store is refused.
 * Ownership: *out is the caller's; it does not keep the linker.
 * Fails: WT_ERROR_MISUSE for NULL or deleted arguments or a linker holding
 * store items; WT_ERROR_LINK when an import is missing or mismatched.
 */
WT_API WT_NODISCARD wt_error_t *
wt_linker_instantiate_pre(const wt_linker_t *linker, const wt_module_t *module,
                          wt_instance_pre_t **out);
/** Instantiates the pre-resolved module in `store`. Fails as
 * wt_linker_instantiate(), apart from link errors. */
WT_API WT_NODISCARD wt_error_t *
wt_instance_pre_instantiate(const wt_instance_pre_t *pre, wt_store_t *store,
                            wt_instance_t *out);
/** Frees it. NULL and a deleted one are ignored. */
WT_API void wt_instance_pre_delete(wt_instance_pre_t *pre);

/* ======================================================================== */
/* Instance (src/instance.c)                                                 */
/* ======================================================================== */

/**
 * Instantiates `module` with `imports` given in the module's import order.
 * Ownership: `imports` is borrowed for the call; *out is owned by the
 * store.
 * Fails: WT_ERROR_MISUSE for a wrong count, an unknown extern kind or an
 * item of another store; WT_ERROR_LINK for an item of the wrong type;
 * WT_ERROR_TRAP (or a host function's error) when the start function
 * fails; WT_ERROR_WASMTIME past a store limit (wt_store_set_limits()).
 */
WT_API WT_NODISCARD wt_error_t *wt_instance_new(wt_store_t *store,
                                                const wt_module_t *module,
                                                const wt_extern_t *imports,
                                                size_t nimports,
                                                wt_instance_t *out);
/**
 * The export `name` of `instance`, of any kind.
 * Fails: WT_ERROR_MISUSE for a bad store, instance or NULL argument;
 * WT_ERROR_NOT_FOUND when there is no such export.
 */
WT_API WT_NODISCARD wt_error_t *wt_instance_export(
    wt_store_t *store, const wt_instance_t *instance, const char *name,
    wt_extern_t *out);
/**
 * As wt_instance_export(), for a name of `len` bytes that may hold NUL
 * bytes (a wasm export name is any UTF-8 string, "\0" included).
 * Fails: also WT_ERROR_MISUSE for a NULL `name` with a nonzero `len`.
 */
WT_API WT_NODISCARD wt_error_t *wt_instance_export_n(
    wt_store_t *store, const wt_instance_t *instance, const char *name,
    size_t len, wt_extern_t *out);
/**
 * Export number `index` in the module's order, with its name (borrowed from
 * the store, valid while it lives) in *name if not NULL. A name holding NUL
 * bytes has its full length in the module's wt_export_t (name_len).
 * Fails: WT_ERROR_MISUSE for a bad store or instance; WT_ERROR_NOT_FOUND
 * when index is past the last export.
 */
WT_API WT_NODISCARD wt_error_t *wt_instance_export_nth(
    wt_store_t *store, const wt_instance_t *instance, size_t index,
    const char **name, wt_extern_t *out);
/** Number of exports of the instance; 0 on misuse. */
WT_API size_t wt_instance_export_count(wt_store_t *store,
                                       const wt_instance_t *instance);
/**
 * The exported function `name` of `instance`.
 * Fails: WT_ERROR_NOT_FOUND when there is no such export; WT_ERROR_MISUSE
 * when the export is not a function, the instance is not in `store`, or an
 * argument is NULL.
 */
WT_API WT_NODISCARD wt_error_t *wt_instance_func(wt_store_t *store,
                                                 const wt_instance_t *instance,
                                                 const char *name,
                                                 wt_func_t *out);
/** Looks up the exported function `name` and calls it: wt_instance_func()
 * then wt_func_call(), failing as they do. */
WT_API WT_NODISCARD wt_error_t *
wt_instance_call(wt_store_t *store, const wt_instance_t *instance,
                 const char *name, const wt_val_t *args, size_t nargs,
                 wt_val_t *results, size_t nresults);
/** The exported memory `name`. Fails as wt_instance_func(), for a memory. */
WT_API WT_NODISCARD wt_error_t *
wt_instance_memory(wt_store_t *store, const wt_instance_t *instance,
                   const char *name, wt_memory_t *out);
/** The exported shared memory `name`, owned by the store. Fails as
 * wt_instance_func(), for a shared memory. */
WT_API WT_NODISCARD wt_error_t *
wt_instance_shared_memory(wt_store_t *store, const wt_instance_t *instance,
                          const char *name, wt_shared_memory_t **out);
/** The exported global `name`. Fails as wt_instance_func(), for a global. */
WT_API WT_NODISCARD wt_error_t *
wt_instance_global(wt_store_t *store, const wt_instance_t *instance,
                   const char *name, wt_global_t *out);
/** The exported table `name`. Fails as wt_instance_func(), for a table. */
WT_API WT_NODISCARD wt_error_t *
wt_instance_table(wt_store_t *store, const wt_instance_t *instance,
                  const char *name, wt_table_t *out);
/** The exported tag `name`. Fails as wt_instance_func(), for a tag. */
WT_API WT_NODISCARD wt_error_t *wt_instance_tag(wt_store_t *store,
                                                const wt_instance_t *instance,
                                                const char *name,
                                                wt_tag_t *out);

/* ======================================================================== */
/* Host functions and calls (src/func.c)                                     */
/* ======================================================================== */

/*
 * wt_caller_t, declared with the linker, is the context of a host function
 * call, lent to the callback for that call only. It is Wasmtime's own
 * caller record, on the stack of the running call: wt cannot tell a kept
 * pointer from a live one, so using it after the callback returns is
 * undefined (the one misuse wt does not detect). Keep wt_caller_store()'s
 * store, or the items wt_caller_export() gives, instead: those stay valid.
 *
 * The stack: wasm, the host functions it calls and the wasm they call back
 * run on the stack of the thread that made the outermost call into the
 * store, within max_wasm_stack of where that call began. That call is
 * refused (WT_ERROR_MISUSE) when the thread's stack has less than
 * max_wasm_stack plus 64 KiB left; see wt_config_set_max_wasm_stack().
 */

/** The store the calling wasm runs in; NULL for a NULL caller. */
WT_API wt_store_t *wt_caller_store(wt_caller_t *caller);
/**
 * The calling instance's export `name` (e.g. its memory), as an item of the
 * caller's store.
 * Fails: WT_ERROR_NOT_FOUND when the caller has no such export (or the
 * caller is not an instance); WT_ERROR_MISUSE for NULL arguments.
 */
WT_API WT_NODISCARD wt_error_t *wt_caller_export(wt_caller_t *caller,
                                                 const char *name,
                                                 wt_extern_t *out);
/**
 * A host function of type `type` in `store`, callable from C and usable as
 * an import or a funcref.
 * Ownership: *out is owned by the store; `env` and `finalizer` are as in
 * wt_linker_define_func(); the finalizer runs when the store is deleted, or
 * at once if this call fails.
 * Fails: WT_ERROR_MISUSE for a bad store, a NULL argument or a type of
 * another engine.
 */
WT_API WT_NODISCARD wt_error_t *wt_func_new(wt_store_t *store,
                                            const wt_functype_t *type,
                                            wt_func_cb cb, void *env,
                                            void (*finalizer)(void *),
                                            wt_func_t *out);
/** The function's type, owned by the engine; NULL for a null funcref, a
 * foreign handle or a bad store. */
WT_API const wt_functype_t *wt_func_type(wt_store_t *store,
                                         const wt_func_t *func);
/**
 * Calls `func` with `nargs` arguments, writing `nresults` results. Results
 * are written only when the whole call succeeds: after a failure (a trap, a
 * host function's error, a result that cannot be converted) `results` holds
 * what it held before.
 * Ownership: `args` is borrowed; reference results are held by the store
 * for the caller (wt_ref_release()).
 * Fails: WT_ERROR_MISUSE when a count or a type is wrong (the message gives
 * the signature) or the function is not in `store`, or when the calling
 * thread's stack is too small (see wt_config_set_max_wasm_stack());
 * WT_ERROR_TRAP when wasm traps; WT_ERROR_EXIT for a WASI proc_exit; a host
 * function's own error when a host function failed.
 */
WT_API WT_NODISCARD wt_error_t *wt_func_call(wt_store_t *store,
                                             const wt_func_t *func,
                                             const wt_val_t *args, size_t nargs,
                                             wt_val_t *results,
                                             size_t nresults);

/* ======================================================================== */
/* Global (src/global.c)                                                     */
/* ======================================================================== */

/**
 * A new global of `type` with value `init` in `store`.
 * Ownership: *out is owned by the store.
 * Fails: WT_ERROR_MISUSE for a bad store, NULL arguments, an unknown kind,
 * or an init of another kind or store.
 */
WT_API WT_NODISCARD wt_error_t *wt_global_new(wt_store_t *store,
                                              const wt_globaltype_t *type,
                                              const wt_val_t *init,
                                              wt_global_t *out);
/** The global's type. Fails: WT_ERROR_MISUSE for a bad store, a global of
 * another store or a NULL argument. */
WT_API WT_NODISCARD wt_error_t *wt_global_type(wt_store_t *store,
                                               const wt_global_t *global,
                                               wt_globaltype_t *out);
/** The global's value; a reference is held by the store for the caller.
 * Fails as wt_global_type(). */
WT_API WT_NODISCARD wt_error_t *wt_global_get(wt_store_t *store,
                                              const wt_global_t *global,
                                              wt_val_t *out);
/**
 * Sets the global.
 * Fails: WT_ERROR_MISUSE when the global is immutable, the value's kind is
 * not the global's, a reference value belongs to another store, or as
 * wt_global_type().
 */
WT_API WT_NODISCARD wt_error_t *wt_global_set(wt_store_t *store,
                                              const wt_global_t *global,
                                              const wt_val_t *val);

/* ======================================================================== */
/* Memory (src/memory.c)                                                     */
/* ======================================================================== */

/**
 * A new memory of `type` in `store` (not shared: see
 * wt_shared_memory_new()).
 * Ownership: *out is owned by the store.
 * Fails: WT_ERROR_MISUSE for a bad store, NULL arguments or an invalid type
 * (max < min, too large, shared, a page size other than 64 KiB without
 * custom page sizes); WT_ERROR_WASMTIME when Wasmtime refuses it (a store
 * limit), with the function's name.
 */
WT_API WT_NODISCARD wt_error_t *wt_memory_new(wt_store_t *store,
                                              const wt_memorytype_t *type,
                                              wt_memory_t *out);
/** The memory's type. Fails: WT_ERROR_MISUSE for a bad store, a memory of
 * another store or a NULL argument. */
WT_API WT_NODISCARD wt_error_t *wt_memory_type(wt_store_t *store,
                                               const wt_memory_t *mem,
                                               wt_memorytype_t *out);
/** The memory's size in pages (64 KiB unless custom page sizes are used).
 * Fails as wt_memory_type(). */
WT_API WT_NODISCARD wt_error_t *wt_memory_pages(wt_store_t *store,
                                                const wt_memory_t *mem,
                                                uint64_t *pages);
/**
 * Grows the memory by `delta` pages; *old_pages (if not NULL) receives the
 * size before.
 * Fails: as wt_memory_type(); WT_ERROR_WASMTIME when the memory cannot grow
 * that far (past its maximum or a store limit), with the function's name
 * and Wasmtime's message; the memory is then unchanged.
 */
WT_API WT_NODISCARD wt_error_t *wt_memory_grow(wt_store_t *store,
                                               const wt_memory_t *mem,
                                               uint64_t delta,
                                               uint64_t *old_pages);
/**
 * The memory's bytes: returns the base pointer and sets *len to the size in
 * bytes. The pointer is borrowed: it is invalidated by any growth and by any
 * call into wasm. NULL (and *len = 0) on misuse.
 */
WT_API uint8_t *wt_memory_data(wt_store_t *store, const wt_memory_t *mem,
                               size_t *len);
/**
 * Copies `len` bytes at `offset` out of the memory into `buf`.
 * Fails: as wt_memory_type(); WT_ERROR_MISUSE when [offset, offset+len) is
 * not inside the memory (nothing is copied) or `buf` is NULL.
 */
WT_API WT_NODISCARD wt_error_t *wt_memory_read(wt_store_t *store,
                                               const wt_memory_t *mem,
                                               uint64_t offset, void *buf,
                                               size_t len);
/** Copies `len` bytes from `buf` into the memory at `offset`. Fails as
 * wt_memory_read(). */
WT_API WT_NODISCARD wt_error_t *wt_memory_write(wt_store_t *store,
                                                const wt_memory_t *mem,
                                                uint64_t offset,
                                                const void *buf, size_t len);

/* ======================================================================== */
/* Shared memory (src/shared_memory.c)                                       */
/* ======================================================================== */

/**
 * A new shared memory of `type` (type->shared must be true) in `engine`,
 * which needs wt_config_set_wasm_threads().
 * Ownership: *out is the caller's, freed with wt_shared_memory_delete().
 * Fails: WT_ERROR_MISUSE for a NULL or deleted engine or an invalid type
 * (as for wt_memory_new(), and it must have a maximum); WT_ERROR_WASMTIME
 * when Wasmtime refuses it, with the function's name.
 * Threads: a shared memory may be used from any thread.
 */
WT_API WT_NODISCARD wt_error_t *
wt_shared_memory_new(wt_engine_t *engine, const wt_memorytype_t *type,
                     wt_shared_memory_t **out);
/** Frees a shared memory the caller made. NULL, deleted ones and memories
 * owned by a store are ignored. Instances using it keep it alive. */
WT_API void wt_shared_memory_delete(wt_shared_memory_t *mem);
/** The memory's type. Fails: WT_ERROR_MISUSE for a NULL or deleted memory
 * or a NULL `out`. */
WT_API WT_NODISCARD wt_error_t *
wt_shared_memory_type(const wt_shared_memory_t *mem, wt_memorytype_t *out);
/** The memory's size in pages. Fails as wt_shared_memory_type(). */
WT_API WT_NODISCARD wt_error_t *
wt_shared_memory_pages(const wt_shared_memory_t *mem, uint64_t *pages);
/** Grows the memory by `delta` pages; *old_pages (if not NULL) receives the
 * size before. Fails as wt_shared_memory_type(), and WT_ERROR_WASMTIME past
 * the maximum (the memory is then unchanged). */
WT_API WT_NODISCARD wt_error_t *
wt_shared_memory_grow(const wt_shared_memory_t *mem, uint64_t delta,
                      uint64_t *old_pages);
/** Base pointer and byte size, as wt_memory_data(). Other threads may write
 * the bytes at any time: use atomics where that matters. */
WT_API uint8_t *wt_shared_memory_data(const wt_shared_memory_t *mem,
                                      size_t *len);
/** Copies `len` bytes at `offset` into `buf`, bounds-checked. Fails as
 * wt_shared_memory_type(), and WT_ERROR_MISUSE out of bounds. */
WT_API WT_NODISCARD wt_error_t *
wt_shared_memory_read(const wt_shared_memory_t *mem, uint64_t offset,
                      void *buf, size_t len);
/** Copies `len` bytes from `buf` to `offset`. Fails as
 * wt_shared_memory_read(). */
WT_API WT_NODISCARD wt_error_t *
wt_shared_memory_write(const wt_shared_memory_t *mem, uint64_t offset,
                       const void *buf, size_t len);

/* ======================================================================== */
/* Table (src/table.c)                                                       */
/* ======================================================================== */

/**
 * A new table of `type` with every element set to `init` (a value of the
 * element kind, e.g. a null funcref).
 * Ownership: *out is owned by the store.
 * Fails: WT_ERROR_MISUSE for a bad store, NULL arguments, an element kind
 * that is not a reference kind, an init of another kind or store, limits
 * out of range, or a 64-bit table (`is64`: Wasmtime's C API cannot make
 * one; a module can export one); WT_ERROR_WASMTIME past a store limit, with
 * the function's name.
 */
WT_API WT_NODISCARD wt_error_t *wt_table_new(wt_store_t *store,
                                             const wt_tabletype_t *type,
                                             const wt_val_t *init,
                                             wt_table_t *out);
/** The table's type. Fails: WT_ERROR_MISUSE for a bad store, a table of
 * another store or a NULL argument. */
WT_API WT_NODISCARD wt_error_t *wt_table_type(wt_store_t *store,
                                              const wt_table_t *table,
                                              wt_tabletype_t *out);
/** The table's size in elements. Fails as wt_table_type(). */
WT_API WT_NODISCARD wt_error_t *wt_table_size(wt_store_t *store,
                                              const wt_table_t *table,
                                              uint64_t *size);
/** Element `index`; a reference is held by the store for the caller.
 * Fails as wt_table_type(), and WT_ERROR_MISUSE when index >= size. */
WT_API WT_NODISCARD wt_error_t *wt_table_get(wt_store_t *store,
                                             const wt_table_t *table,
                                             uint64_t index, wt_val_t *out);
/** Sets element `index`. Fails as wt_table_get(), and WT_ERROR_MISUSE when
 * the value's kind or store is wrong. */
WT_API WT_NODISCARD wt_error_t *wt_table_set(wt_store_t *store,
                                             const wt_table_t *table,
                                             uint64_t index,
                                             const wt_val_t *val);
/**
 * Grows by `delta` elements set to `init`; *old_size (if not NULL) gets the
 * size before.
 * Fails: as wt_table_type(); WT_ERROR_MISUSE for an init of the wrong kind;
 * WT_ERROR_WASMTIME past the maximum or a store limit, with the function's
 * name and Wasmtime's message (the table is then unchanged).
 */
WT_API WT_NODISCARD wt_error_t *wt_table_grow(wt_store_t *store,
                                              const wt_table_t *table,
                                              uint64_t delta,
                                              const wt_val_t *init,
                                              uint64_t *old_size);

/* ======================================================================== */
/* Tag (src/tag.c)                                                           */
/* ======================================================================== */

/**
 * A new tag in `store` whose exceptions carry values of `type`'s parameters
 * (needs wt_config_set_wasm_exceptions()).
 * Ownership: *out is owned by the store.
 * Fails: WT_ERROR_MISUSE for a bad store, NULL arguments, a type with
 * results or of another engine; WT_ERROR_WASMTIME when Wasmtime refuses.
 */
WT_API WT_NODISCARD wt_error_t *wt_tag_new(wt_store_t *store,
                                           const wt_functype_t *type,
                                           wt_tag_t *out);
/** The tag's type, owned by the engine; NULL for a foreign or invalid
 * handle or a bad store. */
WT_API const wt_functype_t *wt_tag_type(wt_store_t *store,
                                        const wt_tag_t *tag);
/** Whether two tags of `store` are the same tag (identity, not type); false
 * when either is not a tag of `store`. */
WT_API bool wt_tag_eq(wt_store_t *store, const wt_tag_t *a, const wt_tag_t *b);

/* ======================================================================== */
/* GC references: externref, anyref (i31), exnref (src/ref.c)                */
/* ======================================================================== */

/**
 * A new externref in `store` carrying `data`; *out becomes a
 * WT_VAL_EXTERNREF value held by the store for the caller.
 * Ownership: `finalizer`, if not NULL, runs exactly once with `data` when
 * wasm and the host no longer hold the reference (at the latest when the
 * store is deleted), or at once if this call fails. It runs inside
 * Wasmtime, which refuses it the store (see wt_store_gc() and
 * wt_store_delete()).
 * Fails: WT_ERROR_MISUSE for a bad store or NULL `out`, or when a finalizer
 * that the allocation ran deleted the store ("a finalizer deleted the
 * store"); WT_ERROR_WASMTIME when the GC heap is out of memory.
 */
WT_API WT_NODISCARD wt_error_t *wt_externref_new(wt_store_t *store,
                                                 void *data,
                                                 void (*finalizer)(void *),
                                                 wt_val_t *out);
/** The host data of an externref value (NULL data for a null one).
 * Fails: WT_ERROR_MISUSE for a value that is not a live externref of
 * `store`, or NULL arguments. */
WT_API WT_NODISCARD wt_error_t *wt_externref_data(wt_store_t *store,
                                                  const wt_val_t *val,
                                                  void **data);
/** An anyref holding the 31-bit integer `value` (an i31ref; higher bits
 * are dropped). Fails: WT_ERROR_MISUSE for a bad store or NULL `out`. */
WT_API WT_NODISCARD wt_error_t *wt_anyref_i31(wt_store_t *store,
                                              uint32_t value, wt_val_t *out);
/** The integer of an i31ref value, zero-extended (or sign-extended when
 * `sign`). Fails: WT_ERROR_MISUSE when it is not a live i31ref of `store`,
 * or for NULL arguments. */
WT_API WT_NODISCARD wt_error_t *wt_anyref_i31_get(wt_store_t *store,
                                                  const wt_val_t *val,
                                                  bool sign, int32_t *out);
/**
 * Lets go of the reference in `val` early (it is otherwise held until the
 * store is deleted) and sets `val` to a null of its kind. Values of other
 * kinds, NULL arguments and a released reference are left as they are;
 * using a released reference elsewhere is misuse.
 */
WT_API void wt_ref_release(wt_store_t *store, wt_val_t *val);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WT_CORE_H */
