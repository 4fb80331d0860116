/**
 * @file wt/component_type.h
 * @brief Component type reflection: the imports and exports of a component,
 * the type of a component function, every WIT type, and each of them as
 * WIT text (src/component_type.c).
 *
 * Include <wt.h>, not this file.
 *
 * Types are plain C structs that wt writes into the caller's wt_arena_t: a
 * wt_ctype_t for a WIT value type, a wt_cfunctype_t for a function type and
 * a wt_citem_t for an import or export. Everything they point at (member
 * and item names, nested types, lists of items) is in the same arena, so
 * nothing is freed type by type: wt_arena_reset() or wt_arena_delete()
 * releases it all at once. A description does not point into the component
 * or the store it came from, which may be deleted while it is read; only
 * the core function types of module items (wt_functype_t) belong to the
 * engine, as everywhere in wt. Names are NUL-terminated copies; core
 * module import and export names, which may hold NUL bytes, also carry
 * their length (wt_import_t, wt_export_t).
 *
 * Kinds reuse wt_cvalkind_t: WT_CVAL_BOOL to WT_CVAL_STRING for the
 * primitives, then WT_CVAL_LIST (list<u8> too: a list whose element is u8;
 * WT_CVAL_BYTES is a kind of value only, never of a type), WT_CVAL_RECORD,
 * WT_CVAL_TUPLE, WT_CVAL_VARIANT, WT_CVAL_ENUM, WT_CVAL_OPTION,
 * WT_CVAL_RESULT, WT_CVAL_FLAGS, WT_CVAL_OWN, WT_CVAL_BORROW, WT_CVAL_MAP,
 * WT_CVAL_FUTURE, WT_CVAL_STREAM and WT_CVAL_ERROR_CONTEXT.
 *
 * Records, variants, enums and flags have no name in Wasmtime's types (a
 * name is a property of the import or export that binds one, not of the
 * type), so their text is structural:
 *
 * | kind | text |
 * |---|---|
 * | primitives | `bool`, `s8` ... `u64`, `f32`, `f64`, `char`, `string` |
 * | list | `list<u8>`, `list<string>` |
 * | tuple | `tuple<u32, string>` |
 * | record | `record { a: u32, b: string }` |
 * | variant | `variant { none, some(u32) }` |
 * | enum | `enum { a, b }` |
 * | flags | `flags { read, write }` |
 * | option | `option<u32>` |
 * | result | `result`, `result<u32>`, `result<_, string>`, `result<u32, string>` |
 * | own, borrow | `own<name>`, `borrow<name>` |
 * | map | `map<u32, string>` |
 * | future, stream | `future`, `future<u32>`, `stream`, `stream<u8>` |
 * | error-context | `error-context` |
 * | function | `func(a: u32, b: string) -> result<u32, string>`, `async func()` |
 *
 * Resources. A resource type is known by a wt_cresource_t: an `id`, equal
 * for the same resource type and different for different ones, and a
 * `name`. wt walks the component's resource items (its imports, then its
 * exports, depth first, nested instances and components included) and the
 * first item of each resource type names it and gives its id, counting
 * from 0 in that order, so ids and names are the same in every description
 * of one component. A resource that no item names (which a valid component
 * does not have) gets the next id and the placeholder name `#<id>`. In a
 * wt_component_func_type() description, which has no component to name
 * them, resources are numbered in order of appearance and all have
 * placeholders.
 *
 * Bounds. Wasmtime refuses value types nested more than 100 deep and
 * components whose imports and exports together have an effective type
 * size over 1,000,000 (about one per type, member and item), and does not
 * compile instance or component types nested more than about 125 deep,
 * value types included. Descriptions are therefore at most that large, and
 * wt walks them recursively with a bounded depth: it refuses value types
 * nested deeper than 128 levels, or items nested deeper than 128, which
 * Wasmtime 48 never produces. Telling resource types apart compares each
 * resource item, and each own or borrow type, with the resource types seen
 * before it, at most 2^24 times a call: a component that would need more
 * (one with thousands of resource types) is refused.
 *
 * Map, async (future, stream, async functions) and error-context types
 * need component model features that wt's config does not turn on yet:
 * Wasmtime refuses components that use them, so descriptions of Wasmtime
 * 48's components never hold those kinds. wt describes them all the same,
 * and writes their text, for when they can be enabled.
 */
#ifndef WT_COMPONENT_TYPE_H
#define WT_COMPONENT_TYPE_H

#include "component.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================== */
/* Component types (src/component_type.c)                                    */
/* ======================================================================== */

/** A WIT value type, in an arena; see struct wt_ctype. */
typedef struct wt_ctype wt_ctype_t;

/**
 * A member of a composite type: a record field (name and type), a variant
 * case (name, and its payload type or NULL when it has none), an enum case
 * or a flag (name, no type), a tuple item (type, no name), or a function
 * parameter (name and type). In the arena of its description.
 */
typedef struct wt_cmember {
  const char *name;       /**< NUL-terminated; NULL for a tuple item */
  const wt_ctype_t *type; /**< NULL for enum cases, flags and cases
                               without a payload */
} wt_cmember_t;

/**
 * Which resource type an own or borrow type, or a resource item, refers to.
 * Two resources of one component (or of one wt_component_func_type()
 * description) are the same type exactly when their ids are equal. A plain
 * value; its strings are in the arena of its description.
 */
typedef struct wt_cresource {
  uint32_t id;       /**< the resource's number; see the file comment */
  bool named;        /**< whether a resource item names it */
  bool imported;     /**< whether that item is among the imports (at any
                          depth), false for exports and unnamed ones */
  const char *name;  /**< the naming item's name ("input-stream"), or the
                          placeholder "#<id>" */
  const char *scope; /**< the name of the instance or component item that
                          holds the naming item ("wasi:io/streams@0.2.0"),
                          NULL when that item is a top-level import or
                          export, or the resource is unnamed */
} wt_cresource_t;

/**
 * A WIT value type. Which fields mean something depends on `kind`:
 *  - the primitives (WT_CVAL_BOOL to WT_CVAL_STRING) and
 *    WT_CVAL_ERROR_CONTEXT: `kind` only;
 *  - WT_CVAL_RECORD, WT_CVAL_VARIANT, WT_CVAL_ENUM, WT_CVAL_FLAGS and
 *    WT_CVAL_TUPLE: `count` members at `members`, in declaration order
 *    (see wt_cmember_t);
 *  - WT_CVAL_LIST and WT_CVAL_OPTION: `elem`; WT_CVAL_FUTURE and
 *    WT_CVAL_STREAM: `elem`, NULL for a future or stream of no value;
 *  - WT_CVAL_RESULT: `ok` and `err`, each NULL when that case has no
 *    payload;
 *  - WT_CVAL_MAP: `key` and `value`;
 *  - WT_CVAL_OWN and WT_CVAL_BORROW: `resource`.
 *
 * Unused fields are zero. A type wt describes is a tree in its arena
 * (primitive types may be shared, read-only nodes). Callers may build
 * their own, e.g. to print them with wt_ctype_text().
 */
struct wt_ctype {
  wt_cvalkind_t kind;          /**< which kind of type this is */
  size_t count;                /**< the number of members */
  const wt_cmember_t *members; /**< `count` members, NULL when none */
  /** The first type parameter, by kind. */
  union {
    const wt_ctype_t *elem; /**< list, option, future and stream element */
    const wt_ctype_t *ok;   /**< result ok payload, NULL when none */
    const wt_ctype_t *key;  /**< map key */
  };
  /** The second type parameter, by kind. */
  union {
    const wt_ctype_t *err;   /**< result err payload, NULL when none */
    const wt_ctype_t *value; /**< map value */
  };
  wt_cresource_t resource; /**< own and borrow: the resource */
};

/**
 * A component function type: named parameters in order, and an optional
 * result. A plain value; what it points at is in its arena.
 */
typedef struct wt_cfunctype {
  size_t nparams;              /**< the number of parameters */
  const wt_cmember_t *params;  /**< name and type of each, NULL when none */
  const wt_ctype_t *result;    /**< the result type, NULL when none */
  bool is_async;               /**< an async function (needs the component
                                    model's async feature) */
} wt_cfunctype_t;

/** Kinds of component import and export items. Append-only; 0 is none. */
typedef enum wt_citemkind {
  WT_CITEM_FUNC = 1,      /**< a component function, `of.func` */
  WT_CITEM_INSTANCE = 2,  /**< a component instance: its exports, in
                               `of.instance` */
  WT_CITEM_MODULE = 3,    /**< a core module: its imports and exports, in
                               `of.module` */
  WT_CITEM_COMPONENT = 4, /**< a component: its imports and exports, in
                               `of.component` */
  WT_CITEM_RESOURCE = 5,  /**< a resource type, `of.resource` */
  WT_CITEM_CORE_FUNC = 6, /**< a core function, `of.core_func` */
  WT_CITEM_TYPE = 7,      /**< a value type (an exported record, enum,
                               ...), `of.type` */
} wt_citemkind_t;

/** Static name of an item kind: "func", "instance", "module", "component",
 * "resource", "core func" or "type"; "?" if it is not a kind. */
WT_API const char *wt_citemkind_name(wt_citemkind_t kind);

struct wt_citem;

/** `len` items at `items` (NULL when `len` is 0), in the order Wasmtime
 * lists them. A plain value; the items are in its arena. */
typedef struct wt_citems {
  const struct wt_citem *items; /**< the first item */
  size_t len;                   /**< the number of items */
} wt_citems_t;

/**
 * A core module type: its imports and exports in declaration order, with
 * wt's core types (see wt_import_t and wt_export_t, whose strings are here
 * in the arena). The function types in them are interned by the engine, as
 * wt_functype_t always is; one is NULL when its value types are not ones
 * wt can represent.
 */
typedef struct wt_cmoduletype {
  const wt_import_t *imports; /**< `nimports` imports */
  size_t nimports;            /**< the number of imports */
  const wt_export_t *exports; /**< `nexports` exports */
  size_t nexports;            /**< the number of exports */
} wt_cmoduletype_t;

/** A component type: its imports and exports. */
typedef struct wt_ccomponenttype {
  wt_citems_t imports; /**< what it imports */
  wt_citems_t exports; /**< what it exports */
} wt_ccomponenttype_t;

/**
 * An import or export of a component (or of an instance or component item
 * nested in one): its name, kind and type. A plain value; what it points
 * at is in its arena.
 */
typedef struct wt_citem {
  const char *name;    /**< the item's name, e.g. "wasi:cli/run@0.2.12" */
  wt_citemkind_t kind; /**< which member of `of` holds its type */
  /** The item's type, by kind. */
  union {
    wt_cfunctype_t func;           /**< WT_CITEM_FUNC */
    wt_citems_t instance;          /**< WT_CITEM_INSTANCE: its exports */
    wt_cmoduletype_t module;       /**< WT_CITEM_MODULE */
    wt_ccomponenttype_t component; /**< WT_CITEM_COMPONENT */
    wt_cresource_t resource;       /**< WT_CITEM_RESOURCE */
    const wt_functype_t *core_func; /**< WT_CITEM_CORE_FUNC, owned by the
                                         engine; NULL when wt cannot
                                         represent its value types */
    const wt_ctype_t *type;        /**< WT_CITEM_TYPE */
  } of;
} wt_citem_t;

/**
 * The imports of `component`, in the order Wasmtime lists them, each with
 * its full type (nested instances and components included).
 *
 * Ownership: everything *out points at is in `arena`, until the arena is
 * reset or deleted; it stays valid after the component is deleted. On
 * failure, what was already written into the arena stays there, unused,
 * until then.
 * Fails: WT_ERROR_MISUSE for a NULL or deleted component, a NULL or deleted
 * arena, or a NULL `out`; WT_ERROR_WASMTIME for a type deeper than wt's
 * bounds or with too many resource types (see the file comment), or out of
 * memory.
 * Threads: any thread, with an arena that no other thread uses meanwhile.
 */
WT_API WT_NODISCARD wt_error_t *
wt_component_imports(const wt_component_t *component, wt_arena_t *arena,
                     wt_citems_t *out);
/** The exports of `component`, as wt_component_imports() gives its
 * imports. Fails as wt_component_imports(). */
WT_API WT_NODISCARD wt_error_t *
wt_component_exports(const wt_component_t *component, wt_arena_t *arena,
                     wt_citems_t *out);
/**
 * The import `name` of `component` (a top-level name such as
 * "wasi:io/streams@0.2.0"; the items an instance exports are in its
 * `of.instance`).
 * Ownership: as wt_component_imports(); `name` is borrowed for the call.
 * Fails: WT_ERROR_NOT_FOUND when the component imports nothing of that
 * name; WT_ERROR_MISUSE for a NULL name or one that is not UTF-8; otherwise
 * as wt_component_imports().
 * Threads: as wt_component_imports().
 */
WT_API WT_NODISCARD wt_error_t *
wt_component_import(const wt_component_t *component, const char *name,
                    wt_arena_t *arena, wt_citem_t *out);
/** The export `name` of `component`, as wt_component_import() gives an
 * import. Fails as wt_component_import(), WT_ERROR_NOT_FOUND when the
 * component exports nothing of that name. */
WT_API WT_NODISCARD wt_error_t *
wt_component_export(const wt_component_t *component, const char *name,
                    wt_arena_t *arena, wt_citem_t *out);
/**
 * The type of `func`, a function of `store`. Its resources are numbered in
 * order of appearance and have placeholder names (see the file comment).
 * Ownership: everything *out points at is in `arena`, as in
 * wt_component_imports().
 * Fails: WT_ERROR_MISUSE for a NULL or deleted store, a NULL func or one of
 * another store (or of a deleted one), a NULL or deleted arena, or a NULL
 * `out`; WT_ERROR_WASMTIME as wt_component_imports().
 * Threads: the store's thread rules.
 */
WT_API WT_NODISCARD wt_error_t *
wt_component_func_type(wt_store_t *store, const wt_component_func_t *func,
                       wt_arena_t *arena, wt_cfunctype_t *out);

/**
 * Whether two types are the same type: the same kind, the same members
 * (names and types, in order) and type parameters, and for own and borrow
 * the same resource id (resource ids tell resources apart within the
 * descriptions of one component, or within one wt_component_func_type()
 * result, not across them). Two NULL types are equal; NULL and a type are
 * not. As for wt_ctype_text(), a caller's types deeper than 512 levels,
 * or needing more than 2^22 comparisons, compare unequal unless they are
 * the same pointer.
 */
WT_API bool wt_ctype_equal(const wt_ctype_t *a, const wt_ctype_t *b);

/**
 * Writes the WIT text of `type` (see the table in the file comment) into
 * `buf` of `cap` bytes, always NUL-terminated when cap > 0, as snprintf
 * does. Returns the length the full text needs, excluding the NUL; 0 (and
 * "") for a NULL type. `buf` may be NULL when `cap` is 0. A missing nested
 * type is written "?", as is a kind that is not a type kind (WT_CVAL_BYTES
 * included). Types wt did not make may be deeper or larger than any it
 * makes, or even cyclic: past a depth of 512, or after 2^22 nested types,
 * the rest is written "...".
 */
WT_API size_t wt_ctype_text(const wt_ctype_t *type, char *buf, size_t cap);
/** As wt_ctype_text(), for a function type:
 * `func(a: u32, b: string) -> u32`, `func()`, `async func() -> string`. */
WT_API size_t wt_cfunctype_text(const wt_cfunctype_t *type, char *buf,
                                size_t cap);
/**
 * As wt_ctype_text(), for the type of an item (its name is not written):
 *  - func: its function type, `func(x: u32) -> string`;
 *  - instance: its exports, `instance { run: func() -> u32; r: resource }`;
 *  - component: `component { import a: func(); export b: func() }`;
 *  - module: `module { import "m" "f": (func (param i32)); export "x":
 *    (global (mut i32)) }`, with wt_externtype_text() forms and core names
 *    quoted as in WAT;
 *  - resource: `resource`; core func: its WAT form, `(func (param i32))`;
 *  - type: `type` and the type, `type enum { a, b }`.
 * An empty instance, component or module is `instance {}` (and so on).
 */
WT_API size_t wt_citem_text(const wt_citem_t *item, char *buf, size_t cap);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WT_COMPONENT_TYPE_H */
