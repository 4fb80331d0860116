/**
 * @file wt/component.h
 * @brief The component model: components, component linkers and instances,
 * WIT values and calls (src/component.c, src/component_linker.c,
 * src/component_val.c).
 *
 * Include <wt.h>, not this file. The sections follow the source files:
 * components (src/component.c), the component linker
 * (src/component_linker.c), instances and their functions
 * (src/component.c); WIT values, arenas and calls (src/component_val.c).
 * The component model is always built in (native/ enables Wasmtime's
 * `component-model` feature).
 */
#ifndef WT_COMPONENT_H
#define WT_COMPONENT_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================== */
/* Components (src/component.c)                                              */
/* ======================================================================== */

/** A WIT value; see the WIT values section. */
typedef struct wt_cval wt_cval_t;
/**
 * Memory for the values a call returns: a call copies everything its
 * result points at (string bytes, list items, payloads) into its arena,
 * where it stays until wt_arena_reset() or wt_arena_delete() releases it
 * all at once. Host functions get one for their arguments and results.
 * An arena is not tied to a store or engine. Owned by the caller; use it
 * from one thread at a time.
 */
typedef struct wt_arena wt_arena_t;

/** A host-defined resource type; see the Resources section. */
typedef struct wt_resource_type wt_resource_type_t;

/** A compiled component. Thread-safe; may be instantiated in any store of
 * its engine. Owned by the caller; freed with wt_component_delete(). */
typedef struct wt_component wt_component_t;

/**
 * Compiles a component from `len` bytes of component binary, or of
 * component WAT text (a non-empty buffer that does not start with the wasm
 * magic number is read as text; empty input is an incomplete binary). A
 * core module is refused: it is not a component.
 *
 * Ownership: `bytes` is borrowed for the call; *out is the caller's.
 * Fails: WT_ERROR_MISUSE for a NULL or deleted engine or NULL arguments;
 * WT_ERROR_COMPILE with Wasmtime's message for invalid input;
 * Threads: any thread.
 */
WT_API WT_NODISCARD wt_error_t *wt_component_new(wt_engine_t *engine,
                                                 const uint8_t *bytes,
                                                 size_t len,
                                                 wt_component_t **out);
/** Compiles a component from NUL-terminated WAT text. As
 * wt_component_new(). */
WT_API WT_NODISCARD wt_error_t *wt_component_new_wat(wt_engine_t *engine,
                                                     const char *wat,
                                                     wt_component_t **out);
/**
 * Compiles the component in the file at `path`: a binary, or WAT text.
 * Fails: WT_ERROR_IO when the file cannot be read; otherwise as
 * wt_component_new().
 */
WT_API WT_NODISCARD wt_error_t *wt_component_new_file(wt_engine_t *engine,
                                                      const char *path,
                                                      wt_component_t **out);
/**
 * Checks that the bytes (binary or WAT) are a valid component. Wasmtime
 * has no separate validator for components, so this compiles the
 * component and drops it: it costs as much as wt_component_new().
 * Fails: WT_ERROR_MISUSE for a NULL or deleted engine or NULL bytes with a
 * nonzero `len`; WT_ERROR_COMPILE with Wasmtime's message.
 */
WT_API WT_NODISCARD wt_error_t *wt_component_validate(wt_engine_t *engine,
                                                      const uint8_t *bytes,
                                                      size_t len);
/** Frees the caller's component. NULL and a deleted component are ignored.
 * Instances made from it keep working. */
WT_API void wt_component_delete(wt_component_t *component);
/**
 * Serializes the compiled component.
 * Ownership: on success *bytes is a malloc()ed buffer of *len bytes that
 * the caller frees with free().
 * Fails: WT_ERROR_MISUSE for a NULL or deleted component or NULL out
 * parameters; WT_ERROR_WASMTIME when Wasmtime cannot serialize it.
 */
WT_API WT_NODISCARD wt_error_t *
wt_component_serialize(const wt_component_t *component, uint8_t **bytes,
                       size_t *len);
/** As wt_component_serialize(), into the file at `path`, created or
 * truncated. Fails: also WT_ERROR_IO when the file cannot be written. */
WT_API WT_NODISCARD wt_error_t *
wt_component_serialize_file(const wt_component_t *component, const char *path);
/**
 * Loads a component from wt_component_serialize() output. Only pass trusted
 * bytes: Wasmtime checks the header, version and settings but not the
 * machine code. A serialized core module is refused.
 * Ownership: `bytes` is borrowed for the call; *out is the caller's.
 * Fails: WT_ERROR_MISUSE for a NULL or deleted engine or NULL arguments;
 * WT_ERROR_COMPILE for incompatible or corrupt bytes.
 */
WT_API WT_NODISCARD wt_error_t *
wt_component_deserialize(wt_engine_t *engine, const uint8_t *bytes, size_t len,
                         wt_component_t **out);
/** As wt_component_deserialize(), from the file at `path`. The file is read
 * whole: it may be changed or removed once this returns.
 * Fails: also WT_ERROR_IO when the file cannot be read. */
WT_API WT_NODISCARD wt_error_t *
wt_component_deserialize_file(wt_engine_t *engine, const char *path,
                              wt_component_t **out);

/* ======================================================================== */
/* Component linker (src/component_linker.c); instances and their functions  */
/* (src/component.c)                                                         */
/* ======================================================================== */

/**
 * Definitions that satisfy the imports of components: host functions,
 * core modules and resource types, at the root or in named instances
 * (an interface such as "wasi:cli/environment@0.2.0" or "host"). Owned by
 * the caller; freed with wt_component_linker_delete(). Usable with every
 * store of its engine. Use it from one thread at a time.
 */
typedef struct wt_component_linker wt_component_linker_t;

/** An instance of a component in a store. Owned by the store; copy it
 * freely. Its fields are private. */
typedef struct wt_component_instance {
  uint64_t store_id_; /**< private */
  uint32_t raw_;      /**< private */
} wt_component_instance_t;

/**
 * A function a component instance exports. Owned by the store; copy it
 * freely and call it as often as needed: the export is looked up once,
 * when the handle is made. Its fields are private; a zero-filled one is no
 * function.
 */
typedef struct wt_component_func {
  uint64_t store_id_; /**< private */
  uint32_t raw1_;     /**< private */
  uint32_t raw2_;     /**< private */
} wt_component_func_t;

/**
 * A new, empty component linker for components of `engine`.
 * Ownership: *out is the caller's.
 * Fails: WT_ERROR_MISUSE for a NULL or deleted engine or NULL `out`;
 */
WT_API WT_NODISCARD wt_error_t *
wt_component_linker_new(wt_engine_t *engine, wt_component_linker_t **out);
/** Frees the linker. NULL and a deleted linker are ignored. Instances made
 * through it keep working. */
WT_API void wt_component_linker_delete(wt_component_linker_t *linker);
/**
 * Whether later definitions of a name replace earlier ones (false at
 * first: defining a name twice is WT_ERROR_LINK). NULL and a deleted
 * linker are ignored.
 */
WT_API void wt_component_linker_set_allow_shadowing(
    wt_component_linker_t *linker, bool allow);

/**
 * A component host function. `args` holds `nargs` values checked against
 * the import's type (as wt_component_func_call() gives results): strings,
 * lists and payloads point into `arena`, valid until the callback returns.
 * `results` has `nresults` slots (0 or 1), zero-filled: set each, in the
 * import's result type. A result may point at memory of the callback's or
 * of `arena` (wt_arena_alloc()); wt checks it against the type and copies
 * it once the callback returns. Return NULL on success, or an error (e.g.
 * from wt_error_new()) to make the call fail: wt takes it over, and it is
 * what the outer wt_component_func_call() returns, unchanged. A result of
 * the wrong kind or shape fails the call with WT_ERROR_MISUSE naming the
 * function ("host function host#get: result 0: expected u32, got string").
 *
 * `store` is the store of the call, usable for wt calls on it (including
 * calls into other instances of it); `arena` is the store's host arena,
 * valid during the callback only.
 */
typedef wt_error_t *(*wt_component_func_cb)(void *env, wt_store_t *store,
                                            const wt_cval_t *args,
                                            size_t nargs, wt_cval_t *results,
                                            size_t nresults,
                                            wt_arena_t *arena);

/**
 * Defines the host function `name` in the linker's instance `instance`
 * (NULL for the root, where a world's own functions are imported; an
 * instance is made on first use and shared by later definitions). The
 * import's type is Wasmtime's to check at each call: a component whose
 * import has any function type instantiates, and each call's values are
 * checked against that type. A function type with a type wt does not
 * support fails each call, with WT_ERROR_MISUSE.
 *
 * Ownership: `env` belongs to wt from here on: `finalizer` (may be NULL)
 * runs once when the linker and every instance made with it are gone, or
 * at once when this call fails. The names are copied.
 * Fails: WT_ERROR_MISUSE for a NULL or deleted linker, a NULL name or
 * callback, or names that are not UTF-8; WT_ERROR_LINK when the name is
 * taken and shadowing is off, or `instance` names something that is not an
 * instance.
 */
WT_API WT_NODISCARD wt_error_t *wt_component_linker_define_func(
    wt_component_linker_t *linker, const char *instance, const char *name,
    wt_component_func_cb cb, void *env, void (*finalizer)(void *));

/**
 * As wt_component_linker_define_func(), at the end of a path of `npath`
 * names: every name but the last is an instance nested in the one before
 * (the first in the root), the last is the function's, e.g. { "outer",
 * "inner", "f" } for an import of an instance exporting an instance
 * exporting f. At most 16 instances deep. A path of one name is the root.
 * Ownership: `path` is borrowed for the call; `env` as
 * wt_component_linker_define_func().
 * Fails: as wt_component_linker_define_func(), naming the step of the path
 * that is NULL or not UTF-8; WT_ERROR_MISUSE for a NULL or empty path or
 * one nested deeper than 16.
 */
WT_API WT_NODISCARD wt_error_t *wt_component_linker_define_func_path(
    wt_component_linker_t *linker, const char *const *path, size_t npath,
    wt_component_func_cb cb, void *env, void (*finalizer)(void *));

/**
 * Defines the core module `module` as `name` in `instance` (NULL for the
 * root), for components that import a core module.
 * Ownership: the linker keeps its own reference to the module; the caller
 * may delete `module` at once.
 * Fails: WT_ERROR_MISUSE for NULL or deleted arguments, names that are not
 * UTF-8 or a module of another engine; WT_ERROR_LINK as
 * wt_component_linker_define_func().
 */
WT_API WT_NODISCARD wt_error_t *wt_component_linker_define_module(
    wt_component_linker_t *linker, const char *instance, const char *name,
    const wt_module_t *module);

/** As wt_component_linker_define_module(), at the end of a path as for
 * wt_component_linker_define_func_path(). */
WT_API WT_NODISCARD wt_error_t *wt_component_linker_define_module_path(
    wt_component_linker_t *linker, const char *const *path, size_t npath,
    const wt_module_t *module);

/**
 * Defines every import of `component` that the linker does not define yet
 * as a function that traps when called (WT_ERROR_TRAP), so that a
 * component instantiates even when some imports are never used.
 * Fails: WT_ERROR_MISUSE for NULL or deleted arguments or a component of
 * another engine; WT_ERROR_LINK when an import is not a function (an
 * unknown resource or module import cannot be a trap).
 */
WT_API WT_NODISCARD wt_error_t *
wt_component_linker_define_unknown_imports_as_traps(
    wt_component_linker_t *linker, const wt_component_t *component);

/**
 * Defines the resource type `name` in `instance` (NULL for the root) as
 * the host type `type`, for components that import a resource type
 * (`resource file;` in an imported interface). When wasm drops the last
 * own handle of a resource of this type, its destructor runs.
 * Ownership: the linker keeps a reference to `type`; the caller may
 * delete it at once.
 * Fails: WT_ERROR_MISUSE for NULL or deleted arguments or names that are
 * not UTF-8; WT_ERROR_LINK as wt_component_linker_define_func().
 */
WT_API WT_NODISCARD wt_error_t *wt_component_linker_define_resource(
    wt_component_linker_t *linker, const char *instance, const char *name,
    wt_resource_type_t *type);

/** As wt_component_linker_define_resource(), at the end of a path as for
 * wt_component_linker_define_func_path(). */
WT_API WT_NODISCARD wt_error_t *wt_component_linker_define_resource_path(
    wt_component_linker_t *linker, const char *const *path, size_t npath,
    wt_resource_type_t *type);

/**
 * Instantiates `component` in `store`, taking its imports from the linker.
 * Ownership: *out is owned by the store.
 * Fails: WT_ERROR_MISUSE for NULL or deleted arguments or objects of
 * different engines; WT_ERROR_LINK for a missing or mismatched import;
 * WT_ERROR_TRAP when wasm run during instantiation traps.
 */
WT_API WT_NODISCARD wt_error_t *wt_component_linker_instantiate(
    const wt_component_linker_t *linker, wt_store_t *store,
    const wt_component_t *component, wt_component_instance_t *out);

/**
 * The function `name` that `instance` exports.
 * Fails: WT_ERROR_MISUSE for a bad store, an instance of another store, a
 * NULL argument, a name that is not UTF-8, or an export that is not a
 * function; WT_ERROR_NOT_FOUND when there is no export `name`;
 */
WT_API WT_NODISCARD wt_error_t *
wt_component_instance_func(wt_store_t *store,
                           const wt_component_instance_t *instance,
                           const char *name, wt_component_func_t *out);
/**
 * The function at the end of a path of `npath` export names: every name
 * but the last is an instance the previous one exports, e.g. {
 * "wasi:cli/run@0.2.12", "run" } for the function "run" of the exported
 * instance "wasi:cli/run@0.2.12". A path of one name is
 * wt_component_instance_func().
 * Ownership: `path` is borrowed for the call.
 * Fails: as wt_component_instance_func(), naming the step that failed;
 * also WT_ERROR_MISUSE for an empty path or a NULL name in it.
 */
WT_API WT_NODISCARD wt_error_t *wt_component_instance_func_path(
    wt_store_t *store, const wt_component_instance_t *instance,
    const char *const *path, size_t npath, wt_component_func_t *out);

/* ======================================================================== */
/* WIT values, arenas and calls (src/component_val.c)                        */
/* ======================================================================== */

/*
 * How the representation grows: every value stays one wt_cval_t, a kind
 * and a 16-byte union, and every value that holds other values points at
 * them (pointer and count) in memory the caller provides (for arguments,
 * read only during the call) or in the call's wt_arena_t (for results).
 * Nothing is ever freed value by value. Done so far:
 *  - list<T>: items, an array of wt_cval_t (wt_cvals_t); list<u8> as a
 *    byte span, as strings are, never one value per byte.
 *  - record and tuple: items in the type's field order (no names).
 *  - enum: a case index (wt_ccase_t, no payload); option is the case
 *    none/some, result the case ok/err, with a payload pointer (NULL for
 *    none).
 *  - variant: a case index and a payload pointer, as option and result.
 *  - flags: one 32-bit word, one bit per flag in type order (a flags type
 *    has at most 32 flags).
 *  - own and borrow: a handle of the store's resource table (see the
 *    Resources section).
 *  - map: keys and values alternating in one span of items.
 * Map kinds to Wasmtime's numbering only inside wt: numbers here are wt's.
 */

/** Kinds of WIT value that wt supports so far. Append-only: numbers are
 * never reused. 0 is no kind, so a zero-filled wt_cval_t is refused. */
typedef enum wt_cvalkind {
  WT_CVAL_BOOL = 1,    /**< bool, in `of.boolean` */
  WT_CVAL_S8 = 2,      /**< s8, in `of.s8` */
  WT_CVAL_U8 = 3,      /**< u8, in `of.u8` */
  WT_CVAL_S16 = 4,     /**< s16, in `of.s16` */
  WT_CVAL_U16 = 5,     /**< u16, in `of.u16` */
  WT_CVAL_S32 = 6,     /**< s32, in `of.s32` */
  WT_CVAL_U32 = 7,     /**< u32, in `of.u32` */
  WT_CVAL_S64 = 8,     /**< s64, in `of.s64` */
  WT_CVAL_U64 = 9,     /**< u64, in `of.u64` */
  WT_CVAL_F32 = 10,    /**< f32, in `of.f32` */
  WT_CVAL_F64 = 11,    /**< f64, in `of.f64` */
  WT_CVAL_CHAR = 12,   /**< char, a Unicode scalar value, in `of.ch` */
  WT_CVAL_STRING = 13, /**< string, UTF-8 bytes, in `of.str` */
  WT_CVAL_LIST = 14,   /**< list<T> for T other than u8, in `of.items` */
  WT_CVAL_BYTES = 15,  /**< list<u8>, a byte span, in `of.bytes` */
  WT_CVAL_RECORD = 16, /**< record, fields in declaration order, in
                            `of.items` */
  WT_CVAL_TUPLE = 17,  /**< tuple, items in type order, in `of.items` */
  WT_CVAL_ENUM = 18,   /**< enum, `of.choice.index` in declaration order */
  WT_CVAL_OPTION = 19, /**< option<T>, `of.choice`: 0 none, 1 some */
  WT_CVAL_RESULT = 20, /**< result<T, E>, `of.choice`: 0 ok, 1 err */
  WT_CVAL_VARIANT = 21, /**< variant, `of.choice`: cases in declaration
                             order */
  WT_CVAL_FLAGS = 22,  /**< flags, `of.flags`: bit i is flag i in
                            declaration order (a flags type has at most 32) */
  WT_CVAL_OWN = 23,    /**< own<R>, a resource handle, in `of.resource` */
  WT_CVAL_BORROW = 24, /**< borrow<R>, a resource handle, in `of.resource` */
  WT_CVAL_MAP = 25,    /**< map<K, V>, `of.items`: keys and values
                            alternating, k0, v0, k1, v1, ...; needs
                            wt_config_set_wasm_component_model_map() */
  WT_CVAL_FUTURE = 26, /**< future<T>: a type only; wt has no values of it */
  WT_CVAL_STREAM = 27, /**< stream<T>: a type only; wt has no values of it */
  WT_CVAL_ERROR_CONTEXT = 28, /**< error-context: a type only */
} wt_cvalkind_t;

/**
 * A span of bytes: `len` bytes at `data` (which may be NULL when `len` is
 * 0). Not NUL-terminated, and may hold NUL bytes. A plain value that
 * borrows its bytes.
 */
typedef struct wt_bytes {
  const char *data; /**< the first byte */
  size_t len;       /**< the number of bytes */
} wt_bytes_t;

struct wt_cval;

/**
 * The values a list, record or tuple holds: `len` values at `items` (which
 * may be NULL when `len` is 0). A plain value that borrows its items.
 */
typedef struct wt_cvals {
  const struct wt_cval *items; /**< the first value */
  size_t len;                  /**< the number of values */
} wt_cvals_t;

/**
 * A case of an enum, option, result or variant: its index and its payload,
 * NULL when the case has none. A plain value that borrows its payload.
 *
 * Enum cases are numbered in declaration order and have no payload.
 * Options: 0 is none (no payload), 1 is some (a payload of the option's
 * type). Results: 0 is ok, 1 is err, each with a payload exactly when the
 * result type gives that case one (`result<u32>` has an ok payload and no
 * err payload). Variant cases are numbered in declaration order, each with
 * a payload exactly when its type gives it one.
 */
typedef struct wt_ccase {
  uint32_t index;                 /**< the case */
  const struct wt_cval *payload; /**< the case's value, or NULL */
} wt_ccase_t;

/**
 * A resource handle (own or borrow) of a store: an entry of the store's
 * resource table, which wt checks on every use, so that a handle that was
 * dropped, consumed or belongs to another store is an error, not a wrong
 * resource. Copy it freely; its fields are private.
 */
typedef struct wt_resource {
  uint64_t store_id_; /**< private */
  uint32_t slot_;     /**< private */
  uint32_t gen_;      /**< private */
} wt_resource_t;

/**
 * A WIT value: a kind and the matching member of `of`. A plain value: the
 * bytes of strings and byte lists, and the values a composite value holds,
 * are not in it but borrowed (see wt_bytes_t, wt_cvals_t, wt_ccase_t),
 * from the caller for an argument and from the call's arena for a result.
 */
struct wt_cval {
  wt_cvalkind_t kind; /**< which member of `of` holds the value */
  /** The value, by kind. */
  union {
    bool boolean;    /**< WT_CVAL_BOOL */
    int8_t s8;       /**< WT_CVAL_S8 */
    uint8_t u8;      /**< WT_CVAL_U8 */
    int16_t s16;     /**< WT_CVAL_S16 */
    uint16_t u16;    /**< WT_CVAL_U16 */
    int32_t s32;     /**< WT_CVAL_S32 */
    uint32_t u32;    /**< WT_CVAL_U32 */
    int64_t s64;     /**< WT_CVAL_S64 */
    uint64_t u64;    /**< WT_CVAL_U64 */
    float f32;       /**< WT_CVAL_F32 */
    double f64;      /**< WT_CVAL_F64 */
    uint32_t ch;     /**< WT_CVAL_CHAR: a scalar value, not a surrogate */
    wt_bytes_t str;  /**< WT_CVAL_STRING: well-formed UTF-8 */
    wt_bytes_t bytes; /**< WT_CVAL_BYTES: any bytes */
    wt_cvals_t items; /**< WT_CVAL_LIST, WT_CVAL_RECORD, WT_CVAL_TUPLE */
    /** WT_CVAL_ENUM, WT_CVAL_OPTION, WT_CVAL_RESULT, WT_CVAL_VARIANT */
    wt_ccase_t choice;
    uint32_t flags;  /**< WT_CVAL_FLAGS: bit i set when flag i is */
    wt_resource_t resource; /**< WT_CVAL_OWN, WT_CVAL_BORROW */
    uint64_t reserved_[2]; /**< private: fixes the size for later kinds */
  } of;
};

/** Static WIT name of a kind ("u32", "string", ...); "?" if it is not a
 * kind. */
WT_API const char *wt_cvalkind_name(wt_cvalkind_t kind);


/**
 * A new, empty arena.
 * Ownership: *out is the caller's, freed with wt_arena_delete().
 * Fails: WT_ERROR_MISUSE for a NULL `out`.
 */
WT_API WT_NODISCARD wt_error_t *wt_arena_new(wt_arena_t **out);
/** Frees the arena and everything in it. NULL and a deleted arena are
 * ignored. */
WT_API void wt_arena_delete(wt_arena_t *arena);
/** Releases everything in the arena, which stays usable (and keeps one
 * block of memory for reuse). NULL and a deleted arena are ignored. */
WT_API void wt_arena_reset(wt_arena_t *arena);
/**
 * `size` bytes of zeroed memory in the arena, aligned for any type, valid
 * until the arena is reset or deleted; for building values (such as a copy
 * of a string) that should share the arena's lifetime. Size 0 gives a
 * valid pointer to no bytes.
 * Fails: WT_ERROR_MISUSE for a NULL or deleted arena or a NULL `out`.
 */
WT_API WT_NODISCARD wt_error_t *wt_arena_alloc(wt_arena_t *arena, size_t size,
                                               void **out);
/** Bytes the arena holds for its values now (what was allocated, with
 * alignment); 0 for NULL or a deleted arena. */
WT_API size_t wt_arena_used(const wt_arena_t *arena);

/**
 * Calls `func` with `nargs` arguments and writes its `nresults` results (a
 * component function has at most one result).
 *
 * Every argument is checked against the function's type before Wasmtime
 * sees it, values nested in it too: its kind, a string's UTF-8, a char's
 * scalar value, a tuple's length, a record's fields (one per field, in
 * declaration order), a case index and whether the case has a payload.
 * `list<u8>` is always WT_CVAL_BYTES, one byte span, in and out; other
 * lists are WT_CVAL_LIST. A function whose type holds a type wt does not
 * support yet (future, stream, error-context), at any depth, is refused. Results are written only when
 * the whole call succeeds.
 *
 * Ownership: `args`, and everything they point at, are borrowed for the
 * call. Everything a result points at (the bytes of strings and byte lists,
 * each followed by a NUL byte not counted in its length; the items of
 * lists, records and tuples; case payloads) is copied into `arena` and
 * stays there until the arena is reset or deleted; nothing is freed value
 * by value. `arena` may be NULL when the result is a scalar or an enum.
 * Fails: WT_ERROR_MISUSE, naming the function, the place ("argument 0",
 * "argument 1, field x, element 3", "argument 0, some") and what was
 * expected, for a bad store, a function of another store, a wrong count, a
 * wrong kind, a string that is not UTF-8, a char that is not a Unicode
 * scalar value, NULL data or items with a nonzero length, a tuple of the
 * wrong length, a missing or extra record field, an unknown case index, a
 * payload that is missing or given for a case without one, NULL arguments
 * or arena (when needed), a deleted arena, or a type wt does not support;
 * WT_ERROR_TRAP when wasm traps; the error a host function returned,
 * unchanged.
 *
 * A store that trapped stays trapped for components: once any wasm of the
 * store traps (a component call, a host function's error, a core module's
 * trap too), Wasmtime enters no component instance of that store again,
 * and later calls fail with WT_ERROR_TRAP "cannot enter component
 * instance". Use a new store.
 */
WT_API WT_NODISCARD wt_error_t *
wt_component_func_call(wt_store_t *store, const wt_component_func_t *func,
                       const wt_cval_t *args, size_t nargs, wt_cval_t *results,
                       size_t nresults, wt_arena_t *arena);

/**
 * Looks up the function `name` that `instance` exports and calls it: one
 * wt_component_instance_func() and one wt_component_func_call(), for calls
 * made once. Keep the function handle instead for repeated calls.
 * Fails: as those two, naming wt_component_instance_call.
 */
WT_API WT_NODISCARD wt_error_t *wt_component_instance_call(
    wt_store_t *store, const wt_component_instance_t *instance,
    const char *name, const wt_cval_t *args, size_t nargs,
    wt_cval_t *results, size_t nresults, wt_arena_t *arena);

/* ======================================================================== */
/* Resources (src/component_resource.c)                                      */
/* ======================================================================== */

/*
 * Every resource handle of wt is a wt_cval_t of kind WT_CVAL_OWN or
 * WT_CVAL_BORROW whose `of.resource` names an entry of the store's
 * resource table. Handles are checked on every use: a handle of another
 * store, of a resource that was dropped or given to wasm, or of a borrow
 * whose call has returned is WT_ERROR_MISUSE, never another resource.
 *
 * Host resources: made with wt_resource_new() from a pointer of the
 * host's (its "rep"). The host holds the own handle until it gives it to
 * wasm (an own argument, or an own result of a host function); wasm gives
 * it back the same way. Its destructor runs once: when wasm drops it, when
 * the host drops it with wt_resource_drop(), or when the store is deleted
 * with the resource still alive.
 *
 * Guest resources: come from wasm as own results or arguments (a handle
 * the host must give back to wasm as an own or drop with
 * wt_resource_drop(), exactly once) or as borrow arguments of a host
 * function (valid until that function returns).
 *
 * Borrowing: to pass a resource the host owns where borrow<R> is
 * expected, pass the same handle with kind WT_CVAL_BORROW.
 */

/** The destructor of a host resource: `rep` is the pointer given to
 * wt_resource_new(). It runs on the store's thread, inside the call that
 * dropped the resource or inside wt_store_delete(), and must not use the
 * store. */
typedef void (*wt_resource_dtor_t)(void *env, void *rep);

/**
 * A new host resource type named `name` (used in error messages) whose
 * resources are released with `dtor` (may be NULL).
 * Ownership: *out is the caller's, freed with wt_resource_type_delete();
 * linkers and live resources keep their own references. `env` belongs to
 * wt from here on: `finalizer` (may be NULL) runs once when the last
 * reference goes, or at once when this call fails.
 * Fails: WT_ERROR_MISUSE for a NULL name or out.
 * Threads: a type may be used from any thread.
 */
WT_API WT_NODISCARD wt_error_t *
wt_resource_type_new(const char *name, wt_resource_dtor_t dtor, void *env,
                     void (*finalizer)(void *), wt_resource_type_t **out);
/** Releases the caller's reference. NULL and a deleted type are ignored. */
WT_API void wt_resource_type_delete(wt_resource_type_t *type);
/** The type's name; "" for NULL or a deleted type. */
WT_API const char *wt_resource_type_name(const wt_resource_type_t *type);

/**
 * A new host resource of `type` in `store`, standing for `rep` (any
 * pointer; wt never reads it). *out is an own handle the host holds.
 * Fails: WT_ERROR_MISUSE for a bad store, a NULL or deleted type or a NULL
 * `out`.
 */
WT_API WT_NODISCARD wt_error_t *wt_resource_new(wt_store_t *store,
                                                wt_resource_type_t *type,
                                                void *rep, wt_cval_t *out);
/**
 * The rep of the host resource `handle` (an own the host holds, or a
 * borrow) stands for.
 * Fails: WT_ERROR_MISUSE for a bad store, NULL arguments, a handle that is
 * not own or borrow, is stale or of another store, a guest resource, a
 * resource of another type, or an own handle given to wasm.
 */
WT_API WT_NODISCARD wt_error_t *wt_resource_rep(wt_store_t *store,
                                                const wt_cval_t *handle,
                                                const wt_resource_type_t *type,
                                                void **rep);
/**
 * Drops an own handle the host holds: a host resource's destructor runs; a
 * guest resource is dropped in wasm (which may run its destructor there).
 * The handle is stale afterwards.
 * Fails: WT_ERROR_MISUSE for a bad store, a NULL handle, a borrow, a stale
 * handle or one of another store, or an own given to wasm; WT_ERROR_TRAP
 * when a guest destructor traps.
 */
WT_API WT_NODISCARD wt_error_t *wt_resource_drop(wt_store_t *store,
                                                 const wt_cval_t *handle);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WT_COMPONENT_H */
