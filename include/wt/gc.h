/**
 * @file wt/gc.h
 * @brief GC objects and exceptions from the host: struct and array types,
 * structs, arrays, what an anyref holds, and exceptions thrown and caught
 * across the host boundary.
 *
 * Include <wt.h>, not this file. Sections follow the source files:
 * GC types, structs, arrays and anyref tests (src/gc.c), then exceptions
 * (src/exn.c). docs/gc.md describes the value model.
 *
 * The value model. A struct or an array is a WT_VAL_ANYREF value (its
 * `of.ref`), held by its store for the caller exactly like the references
 * of <wt/core.h>: rooted until wt_ref_release() or until the store is
 * deleted, so it survives wt_store_gc() and can never dangle; a released
 * reference, or one of another store, is misuse. An exception is a
 * WT_VAL_EXNREF value held the same way. Values wasm returns (results,
 * fields, globals, tables) are such values too, whatever their exact wasm
 * type: `(ref null $point)`, `structref` and `eqref` all arrive as
 * WT_VAL_ANYREF.
 *
 * Engines. GC objects need the GC proposal (wt_config_set_wasm_gc(), on by
 * default) and exceptions need wt_config_set_wasm_exceptions() (on by
 * default), both with GC support (wt_config_set_gc_support(), on by
 * default). A call that makes a type or an object on an engine without
 * them fails with WT_ERROR_CONFIG; nothing reaches Wasmtime.
 *
 * Threads: types may be used from any thread at once (they are only read
 * after they are made); objects are values of a store and follow its rule.
 */
#ifndef WT_GC_H
#define WT_GC_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================== */
/* GC types (src/gc.c)                                                       */
/* ======================================================================== */

/**
 * What a struct field or an array element stores: a value kind (numbered
 * as wt_valkind_t, so a kind converts by a cast) or a packed integer.
 * Reference storages are the nullable abstract types (funcref, externref,
 * anyref, exnref).
 */
typedef enum wt_storage {
  WT_STORAGE_I32 = WT_VAL_I32,             /**< i32 */
  WT_STORAGE_I64 = WT_VAL_I64,             /**< i64 */
  WT_STORAGE_F32 = WT_VAL_F32,             /**< f32 */
  WT_STORAGE_F64 = WT_VAL_F64,             /**< f64 */
  WT_STORAGE_V128 = WT_VAL_V128,           /**< v128 */
  WT_STORAGE_FUNCREF = WT_VAL_FUNCREF,     /**< (ref null func) */
  WT_STORAGE_EXTERNREF = WT_VAL_EXTERNREF, /**< (ref null extern) */
  WT_STORAGE_ANYREF = WT_VAL_ANYREF,       /**< (ref null any) */
  WT_STORAGE_EXNREF = WT_VAL_EXNREF,       /**< (ref null exn) */
  /** packed 8-bit integer: written from an i32 (wrapped to 8 bits), read
   * by the host as an i32 zero-extended (wasm's array.get_s and
   * struct.get_s sign-extend) */
  WT_STORAGE_I8 = 16,
  /** packed 16-bit integer, as WT_STORAGE_I8 with 16 bits */
  WT_STORAGE_I16 = 17,
} wt_storage_t;

/**
 * The type of a struct field or of an array's elements: its storage and
 * whether it may be set after the object is made. A plain value.
 *
 * Types read from an object wasm made (wt_struct_type(), wt_array_type())
 * describe a reference field of a concrete or non-nullable type, such as
 * `(ref null $point)` or `(ref func)`, by its top kind (anyref for
 * `$point`, funcref for `(ref func)`): wt checks a value for it by that
 * kind, and Wasmtime then checks the exact type, a mismatch being
 * WT_ERROR_MISUSE with Wasmtime's message.
 */
typedef struct wt_fieldtype {
  wt_storage_t storage; /**< what it stores */
  bool is_mutable;      /**< whether the host and wasm may set it */
} wt_fieldtype_t;

/** The value kind a field of `storage` reads and writes: WT_VAL_I32 for
 * the packed storages, the storage's own kind otherwise; 0xff for a value
 * that is not a wt_storage_t. */
WT_API wt_valkind_t wt_storage_kind(wt_storage_t storage);

/**
 * A struct type: an ordered list of field types, registered with an
 * engine. Owned by the caller; freed with wt_structtype_delete(). Structs
 * made from it keep their type alive by themselves.
 */
typedef struct wt_structtype wt_structtype_t;

/**
 * A new struct type of `engine` with `nfields` fields (0 is allowed).
 * Wasmtime gives a type made here and a wasm type of the same shape (a
 * final type without a supertype in a rec group of its own, such as
 * `(type $p (struct (field (mut i32))))`) one canonical type, so wasm
 * accepts such a struct as a `(ref null $p)` and ref.cast succeeds
 * (tests/test_gc.c, gc/host_struct_is_the_wasm_type_of_the_same_shape).
 *
 * Ownership: `fields` is copied; *out is the caller's, freed with
 * wt_structtype_delete().
 * Fails: WT_ERROR_MISUSE for a NULL or deleted engine, a NULL `out`, NULL
 * `fields` with a nonzero count, more than 10000 fields (wasm's limit) or
 * a storage that is not a wt_storage_t; WT_ERROR_CONFIG when the engine
 * has no GC (see the file's comment).
 * Threads: any thread.
 */
WT_API WT_NODISCARD wt_error_t *
wt_structtype_new(wt_engine_t *engine, const wt_fieldtype_t *fields,
                  size_t nfields, wt_structtype_t **out);
/** Frees the caller's struct type. NULL and a deleted type are ignored;
 * structs of the type are unaffected. */
WT_API void wt_structtype_delete(wt_structtype_t *type);
/** Number of fields; 0 for a NULL or deleted type. */
WT_API size_t wt_structtype_field_count(const wt_structtype_t *type);
/** Field `i`, owned by the type; NULL when out of range or for a NULL or
 * deleted type. */
WT_API const wt_fieldtype_t *wt_structtype_field(const wt_structtype_t *type,
                                                 size_t i);

/**
 * An array type: the type of its elements, registered with an engine.
 * Owned by the caller; freed with wt_arraytype_delete().
 */
typedef struct wt_arraytype wt_arraytype_t;

/**
 * A new array type of `engine` whose elements are of type `elem`. As for
 * structs, wasm's `(type $a (array (mut i8)))` and a host type of the same
 * element type are one type.
 *
 * Ownership: `elem` is copied; *out is the caller's, freed with
 * wt_arraytype_delete().
 * Fails: WT_ERROR_MISUSE for a NULL or deleted engine, NULL `elem` or
 * `out`, or a storage that is not a wt_storage_t; WT_ERROR_CONFIG when the
 * engine has no GC.
 * Threads: any thread.
 */
WT_API WT_NODISCARD wt_error_t *wt_arraytype_new(wt_engine_t *engine,
                                                 const wt_fieldtype_t *elem,
                                                 wt_arraytype_t **out);
/** Frees the caller's array type. NULL and a deleted type are ignored. */
WT_API void wt_arraytype_delete(wt_arraytype_t *type);
/** The element type, owned by the array type; NULL for a NULL or deleted
 * type. */
WT_API const wt_fieldtype_t *wt_arraytype_elem(const wt_arraytype_t *type);

/* ======================================================================== */
/* Structs (src/gc.c)                                                        */
/* ======================================================================== */

/**
 * A new struct of `type` in `store`, its fields set to `fields` in order;
 * *out becomes a WT_VAL_ANYREF value held by the store for the caller.
 * Each value must be of its field's kind (wt_storage_kind(): an i32 for
 * i8 and i16 fields, which keep its low bits), and a reference value must
 * be a live one of `store` or a null. The store keeps what it needs to
 * allocate structs of `type` (Wasmtime's allocator for the type), made on
 * the first struct and freed with the store, so later structs of the type
 * cost one allocation.
 *
 * Ownership: `type` and `fields` are borrowed for the call.
 * Fails: WT_ERROR_MISUSE for a bad store, a NULL or deleted type, a type
 * of another engine, a wrong count (the message gives both), NULL `fields`
 * with fields or NULL `out`, a value of the wrong kind, or a reference
 * that was released or belongs to another store; WT_ERROR_CONFIG when the
 * engine has no GC; WT_ERROR_WASMTIME when the GC heap is out of memory.
 * The allocation may collect garbage and run externref finalizers (see
 * wt_store_gc()); one that deletes the store makes this fail with
 * WT_ERROR_MISUSE "a finalizer deleted the store".
 */
WT_API WT_NODISCARD wt_error_t *wt_struct_new(wt_store_t *store,
                                              const wt_structtype_t *type,
                                              const wt_val_t *fields,
                                              size_t nfields, wt_val_t *out);
/**
 * Field `i` of the struct `val`; a reference is held by the store for the
 * caller. An i8 or i16 field reads as an i32, zero-extended.
 * Fails: WT_ERROR_MISUSE for a bad store, NULL arguments, a value that is
 * not a live struct of `store` (another kind, a null, an i31 or an array,
 * released, another store's), or `i` out of range.
 */
WT_API WT_NODISCARD wt_error_t *wt_struct_field(wt_store_t *store,
                                                const wt_val_t *val, size_t i,
                                                wt_val_t *out);
/**
 * Sets field `i` of the struct `val` to `field`, which wasm then sees.
 * Fails: as wt_struct_field(), and WT_ERROR_MISUSE for an immutable field
 * or a value that does not fit the field (as in wt_struct_new()).
 */
WT_API WT_NODISCARD wt_error_t *wt_struct_set_field(wt_store_t *store,
                                                    const wt_val_t *val,
                                                    size_t i,
                                                    const wt_val_t *field);
/**
 * The type of the struct `val` (of one made by wasm too, with concrete
 * reference fields described by their top kind: see wt_fieldtype_t). It
 * can make new structs of that same type.
 * Ownership: *out is the caller's, freed with wt_structtype_delete().
 * Fails: as wt_struct_field(), without the index.
 */
WT_API WT_NODISCARD wt_error_t *wt_struct_type(wt_store_t *store,
                                               const wt_val_t *val,
                                               wt_structtype_t **out);

/* ======================================================================== */
/* Arrays (src/gc.c)                                                         */
/* ======================================================================== */

/**
 * A new array of `type` with `len` elements, each set to `fill`; *out
 * becomes a WT_VAL_ANYREF value held by the store for the caller. The
 * store keeps the allocator of `type`, as for wt_struct_new().
 * Fails: as wt_struct_new() (`fill` checked as a field value), and
 * WT_ERROR_WASMTIME for an array too large for the GC heap.
 */
WT_API WT_NODISCARD wt_error_t *wt_array_new(wt_store_t *store,
                                             const wt_arraytype_t *type,
                                             uint32_t len,
                                             const wt_val_t *fill,
                                             wt_val_t *out);
/**
 * A new array of `type` holding the `n` values `elems`, in order (wasm's
 * array.new_fixed). Wasmtime 48's C API has no such constructor: wt makes
 * the array filled with elems[0] and sets the other elements, which an
 * immutable element type forbids, so an immutable type takes at most one
 * element here (use wt_array_new() for one value repeated).
 * Fails: as wt_array_new() for each value, and WT_ERROR_MISUSE for NULL
 * `elems` with a nonzero `n`, more than UINT32_MAX values, or more than
 * one value for an immutable element type.
 */
WT_API WT_NODISCARD wt_error_t *wt_array_new_fixed(wt_store_t *store,
                                                   const wt_arraytype_t *type,
                                                   const wt_val_t *elems,
                                                   size_t n, wt_val_t *out);
/** The number of elements of the array `val`. Fails: WT_ERROR_MISUSE for a
 * bad store, NULL arguments, or a value that is not a live array of
 * `store`. */
WT_API WT_NODISCARD wt_error_t *wt_array_len(wt_store_t *store,
                                             const wt_val_t *val,
                                             uint32_t *len);
/** Element `i` of the array `val`, as wt_struct_field() reads a field.
 * Fails: as wt_array_len(), and WT_ERROR_MISUSE when i >= the length
 * (not a trap). */
WT_API WT_NODISCARD wt_error_t *wt_array_get(wt_store_t *store,
                                             const wt_val_t *val, uint32_t i,
                                             wt_val_t *out);
/** Sets element `i` of the array `val`. Fails: as wt_array_get(), and
 * WT_ERROR_MISUSE for an immutable element type or a value that does not
 * fit it. */
WT_API WT_NODISCARD wt_error_t *wt_array_set(wt_store_t *store,
                                             const wt_val_t *val, uint32_t i,
                                             const wt_val_t *elem);
/** The type of the array `val`, as wt_struct_type() for structs.
 * Ownership: *out is the caller's, freed with wt_arraytype_delete().
 * Fails: as wt_array_len(). */
WT_API WT_NODISCARD wt_error_t *wt_array_type(wt_store_t *store,
                                              const wt_val_t *val,
                                              wt_arraytype_t **out);

/* ======================================================================== */
/* What an anyref holds (src/gc.c)                                           */
/* ======================================================================== */

/**
 * What a WT_VAL_ANYREF value refers to. The eqref values (those wasm's
 * ref.eq compares) are WT_ANYREF_I31, WT_ANYREF_STRUCT and
 * WT_ANYREF_ARRAY.
 */
typedef enum wt_anyref_kind {
  WT_ANYREF_NULL = 0,   /**< the null reference */
  WT_ANYREF_I31 = 1,    /**< an i31ref: wt_anyref_i31_get() */
  WT_ANYREF_STRUCT = 2, /**< a struct: wt_struct_field() */
  WT_ANYREF_ARRAY = 3,  /**< an array: wt_array_get() */
  /** a host reference that wasm made an anyref (any.convert_extern),
   * the one other anyref of Wasmtime 48 */
  WT_ANYREF_EXTERN = 4,
} wt_anyref_kind_t;

/**
 * What the anyref `val` holds, in *out.
 * Fails: WT_ERROR_MISUSE for a bad store, NULL arguments, a value that is
 * not a WT_VAL_ANYREF, or a reference released or of another store.
 */
WT_API WT_NODISCARD wt_error_t *wt_anyref_kind(wt_store_t *store,
                                               const wt_val_t *val,
                                               wt_anyref_kind_t *out);
/**
 * Whether the anyrefs `a` and `b` are the same reference, as wasm's ref.eq
 * says: the same struct or array (not one of equal contents), or i31refs of
 * the same value; two nulls are equal. Two values that are copies of one
 * wt_val_t, or that came back from wasm as separate values of the same
 * object, are equal. Wasmtime's C API has no identity test; wt compares
 * the references Wasmtime hands wasm for the two values, which are equal
 * exactly when ref.eq is true (they keep the objects alive until the next
 * garbage collection, as passing them to wasm would).
 * Fails: as wt_anyref_kind() for either value, and WT_ERROR_MISUSE for a
 * NULL `out`.
 */
WT_API WT_NODISCARD wt_error_t *wt_anyref_eq(wt_store_t *store,
                                             const wt_val_t *a,
                                             const wt_val_t *b, bool *out);

/* ======================================================================== */
/* Exceptions (src/exn.c)                                                    */
/* ======================================================================== */

/**
 * A new exception of `tag` carrying `fields`, which must match the tag's
 * parameters (wt_tag_type()) in count and kind; *out becomes a
 * WT_VAL_EXNREF value held by the store for the caller. Wasm catches it by
 * its tag once it is thrown: returned from a host function through
 * wt_exn_throw(), or passed to wasm's throw_ref.
 * Ownership: `tag` and `fields` are borrowed for the call.
 * Fails: WT_ERROR_MISUSE for a bad store, a NULL or foreign tag, a wrong
 * count or kind (the message gives the tag's type), a reference released
 * or of another store, or a NULL `out`; WT_ERROR_CONFIG when the engine
 * has no exceptions; WT_ERROR_WASMTIME when the GC heap is out of memory.
 * The allocation may run finalizers, as for wt_struct_new().
 */
WT_API WT_NODISCARD wt_error_t *wt_exn_new(wt_store_t *store,
                                           const wt_tag_t *tag,
                                           const wt_val_t *fields,
                                           size_t nfields, wt_val_t *out);
/** The tag of the exception `exn`, which wt_tag_eq() compares with others.
 * Fails: WT_ERROR_MISUSE for a bad store, NULL arguments, or a value that
 * is not a live, non-null exnref of `store`. */
WT_API WT_NODISCARD wt_error_t *wt_exn_tag(wt_store_t *store,
                                           const wt_val_t *exn,
                                           wt_tag_t *out);
/** The number of values the exception `exn` carries. Fails as
 * wt_exn_tag(). */
WT_API WT_NODISCARD wt_error_t *wt_exn_field_count(wt_store_t *store,
                                                   const wt_val_t *exn,
                                                   size_t *count);
/** Value `i` of the exception `exn`; a reference is held by the store for
 * the caller. Fails as wt_exn_tag(), and WT_ERROR_MISUSE when `i` is out
 * of range. */
WT_API WT_NODISCARD wt_error_t *wt_exn_field(wt_store_t *store,
                                             const wt_val_t *exn, size_t i,
                                             wt_val_t *out);
/**
 * The error a host function returns to throw the exception `exn` into the
 * wasm that called it, where a try_table with a catch for its tag (or a
 * catch_all) catches it. Uncaught, it ends the outermost call into the
 * store with a WT_ERROR_EXCEPTION error carrying it (wt_error_exception()).
 * The error holds its own root of the exception: `exn` may be released
 * once this returns. Returned anywhere but from a host function of
 * `store`, the error is just a WT_ERROR_EXCEPTION error.
 *
 * Ownership: the caller's, until it returns it from a host function.
 * Fails: never returns NULL. For a bad store, a NULL `exn`, or a value
 * that is not a live, non-null exnref of `store`, it returns a
 * WT_ERROR_MISUSE error instead, which traps the wasm.
 */
WT_API WT_NODISCARD wt_error_t *wt_exn_throw(wt_store_t *store,
                                             const wt_val_t *exn);
/**
 * The exception a WT_ERROR_EXCEPTION error carries: the one wasm threw and
 * no handler caught, by the outermost call into the store (wt_func_call(),
 * wt_instance_call(), wt_func_call_typed(), instantiation), or by a
 * nested call made from a host function. wt takes it out of the store when
 * the call returns, so the store is clean for the next call. *out becomes
 * a WT_VAL_EXNREF value held by the store for the caller (until
 * wt_ref_release() or the store is deleted); each call gives a new hold on
 * the same exception. Returning the error from a host function rethrows
 * the exception into the wasm that called it.
 *
 * The error's message is Wasmtime's; its trap code is
 * WT_TRAP_UNCAUGHT_EXCEPTION; deleting it lets go of the error's own hold.
 * Ownership: `error` is borrowed.
 * Fails: WT_ERROR_MISUSE for a bad store, a NULL `out`, an error that is
 * NULL, deleted or not of kind WT_ERROR_EXCEPTION, or an exception of
 * another store.
 */
WT_API WT_NODISCARD wt_error_t *wt_error_exception(const wt_error_t *error,
                                                   wt_store_t *store,
                                                   wt_val_t *out);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WT_GC_H */
