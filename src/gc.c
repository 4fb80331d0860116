/* GC objects from the host: struct and array types, structs and arrays held
 * as anyref values in the store's reference table (ref.c), the store's
 * cache of Wasmtime's allocators, and what an anyref holds. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* wasm's limit on the fields of a struct type. */
#define WT_MAX_FIELDS 10000

struct wt_structtype {
  uint32_t magic;
  wt_engine_t *engine;
  wasmtime_struct_type_t *raw;
  bool plain; /* every field is checked exactly by kind */
  size_t nfields;
  wt_fieldtype_t *fields;
};

struct wt_arraytype {
  uint32_t magic;
  wt_engine_t *engine;
  wasmtime_array_type_t *raw;
  bool plain;
  wt_fieldtype_t elem;
};

static bool structtype_ok(const wt_structtype_t *t) {
  return t && t->magic == WT_MAGIC_STRUCTTYPE;
}

static bool arraytype_ok(const wt_arraytype_t *t) {
  return t && t->magic == WT_MAGIC_ARRAYTYPE;
}

wt_valkind_t wt_storage_kind(wt_storage_t storage) {
  switch (storage) {
  case WT_STORAGE_I8:
  case WT_STORAGE_I16:
    return WT_VAL_I32;
  case WT_STORAGE_I32:
  case WT_STORAGE_I64:
  case WT_STORAGE_F32:
  case WT_STORAGE_F64:
  case WT_STORAGE_V128:
  case WT_STORAGE_FUNCREF:
  case WT_STORAGE_EXTERNREF:
  case WT_STORAGE_ANYREF:
  case WT_STORAGE_EXNREF:
    return (wt_valkind_t)storage;
  }
  return (wt_valkind_t)0xff;
}

wt_error_t *wt__gc_error(const char *fn, bool plain, wasmtime_error_t *err) {
  char *m = wt__wasmtime_message(err);
  wasmtime_error_delete(err);
  bool oom = !m || strstr(m, "out of memory") != NULL;
  wt_error_t *e = wt__error(plain || oom ? WT_ERROR_WASMTIME : WT_ERROR_MISUSE,
                            "%s: %s", fn, m ? m : "out of memory");
  free(m);
  return e;
}

/* ---- field types, both ways ---- */

/* Wasmtime's field type for `f` (checked), whose value type the caller
 * deletes with wasmtime_field_type_delete. */
static void field_to(const wt_engine_t *engine, const wt_fieldtype_t *f,
                     wasmtime_field_type_t *out) {
  memset(out, 0, sizeof *out);
  out->mutable_ = f->is_mutable;
  if (f->storage == WT_STORAGE_I8 || f->storage == WT_STORAGE_I16) {
    out->storage.kind = f->storage == WT_STORAGE_I8
                            ? WASMTIME_STORAGE_TYPE_KIND_I8
                            : WASMTIME_STORAGE_TYPE_KIND_I16;
    return;
  }
  wasmtime_valtype_t vt;
  memset(&vt, 0, sizeof vt);
  static const wasmtime_heaptype_kind_t heap[] = {
      [WT_VAL_FUNCREF] = WASMTIME_HEAPTYPE_KIND_FUNC,
      [WT_VAL_EXTERNREF] = WASMTIME_HEAPTYPE_KIND_EXTERN,
      [WT_VAL_ANYREF] = WASMTIME_HEAPTYPE_KIND_ANY,
      [WT_VAL_EXNREF] = WASMTIME_HEAPTYPE_KIND_EXN,
  };
  wt_valkind_t k = (wt_valkind_t)f->storage;
  if (wt__is_ref_kind(k) || k == WT_VAL_FUNCREF) {
    vt.kind = WASMTIME_VALTYPE_KIND_REF;
    vt.reftype.nullable = true;
    vt.reftype.heaptype.kind = heap[k];
  } else {
    vt.kind = (wasmtime_valtype_kind_t)k; /* numbered alike */
  }
  out->storage.kind = WASMTIME_STORAGE_TYPE_KIND_VALTYPE;
  out->storage.valtype = wasmtime_valtype_to_wasm(engine->raw, &vt);
}

/* wt's form of Wasmtime's field type (borrowed); false when a value type
 * is not one wt represents. `plain` is cleared for reference types a kind
 * does not describe exactly (concrete or non-nullable). */
static bool field_from(const wasmtime_field_type_t *f, wt_fieldtype_t *out,
                       bool *plain) {
  out->is_mutable = f->mutable_;
  switch (f->storage.kind) {
  case WASMTIME_STORAGE_TYPE_KIND_I8:
    out->storage = WT_STORAGE_I8;
    return true;
  case WASMTIME_STORAGE_TYPE_KIND_I16:
    out->storage = WT_STORAGE_I16;
    return true;
  case WASMTIME_STORAGE_TYPE_KIND_VALTYPE: {
    wt_valkind_t k;
    if (!f->storage.valtype || !wt__kind_of(f->storage.valtype, &k, plain))
      return false;
    out->storage = (wt_storage_t)k;
    return true;
  }
  }
  return false;
}

static wt_error_t *check_fields(const char *fn, const wt_fieldtype_t *fields,
                                size_t n) {
  for (size_t i = 0; i < n; i++)
    if ((unsigned)wt_storage_kind(fields[i].storage) == 0xff)
      return wt__misuse(fn, "field %zu: %d is not a wt_storage_t", i,
                        (int)fields[i].storage);
  return NULL;
}

static wt_error_t *check_gc_engine(const char *fn, const wt_engine_t *engine) {
  if (!engine->gc)
    return wt__error(WT_ERROR_CONFIG,
                     "%s: the engine has no GC (its config turns off "
                     "wt_config_set_wasm_gc or wt_config_set_gc_support)",
                     fn);
  return NULL;
}

/* ---- struct types ---- */

/* A caller-owned struct type around Wasmtime's (taken); NULL when out of
 * memory or when a field is not representable (`raw` is then deleted). */
static wt_structtype_t *structtype_wrap(wt_engine_t *engine,
                                        wasmtime_struct_type_t *raw) {
  size_t n = wasmtime_struct_type_num_fields(raw);
  wt_structtype_t *t = wt__shell_new(sizeof *t);
  wt_fieldtype_t *fields = calloc(n ? n : 1, sizeof *fields);
  bool ok = t && fields, plain = true;
  for (size_t i = 0; ok && i < n; i++) {
    wasmtime_field_type_t f;
    if (!wasmtime_struct_type_field(raw, i, &f))
      ok = false;
    else {
      ok = field_from(&f, &fields[i], &plain);
      wasmtime_field_type_delete(&f);
    }
  }
  if (!ok) {
    free(fields);
    wt__retire(t);
    wasmtime_struct_type_delete(raw);
    return NULL;
  }
  t->magic = WT_MAGIC_STRUCTTYPE;
  t->engine = wt__engine_ref(engine);
  t->raw = raw;
  t->plain = plain;
  t->nfields = n;
  t->fields = fields;
  return t;
}

wt_error_t *wt_structtype_new(wt_engine_t *engine,
                              const wt_fieldtype_t *fields, size_t nfields,
                              wt_structtype_t **out) {
  static const char fn[] = "wt_structtype_new";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  if (!out || (nfields && !fields))
    return wt__misuse(fn, "out is NULL, or fields is NULL with %zu fields",
                      nfields);
  if (nfields > WT_MAX_FIELDS)
    return wt__misuse(fn, "%zu fields: a struct type has at most %d",
                      nfields, WT_MAX_FIELDS);
  wt_error_t *err = check_fields(fn, fields, nfields);
  if (!err)
    err = check_gc_engine(fn, engine);
  if (err)
    return err;
  wasmtime_field_type_t *raw = calloc(nfields ? nfields : 1, sizeof *raw);
  if (!raw)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  for (size_t i = 0; i < nfields; i++)
    field_to(engine, &fields[i], &raw[i]);
  wasmtime_struct_type_t *ty =
      wasmtime_struct_type_new(engine->raw, raw, nfields);
  for (size_t i = 0; i < nfields; i++)
    wasmtime_field_type_delete(&raw[i]);
  free(raw);
  wt_structtype_t *t = structtype_wrap(engine, ty);
  if (!t)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  *out = t;
  return NULL;
}

void wt_structtype_delete(wt_structtype_t *type) {
  if (!structtype_ok(type))
    return;
  type->magic = WT_MAGIC_DEAD;
  wasmtime_struct_type_delete(type->raw);
  free(type->fields);
  wt__engine_unref(type->engine);
  wt__retire(type);
}

size_t wt_structtype_field_count(const wt_structtype_t *type) {
  return structtype_ok(type) ? type->nfields : 0;
}

const wt_fieldtype_t *wt_structtype_field(const wt_structtype_t *type,
                                          size_t i) {
  return structtype_ok(type) && i < type->nfields ? &type->fields[i] : NULL;
}

/* ---- array types ---- */

static wt_arraytype_t *arraytype_wrap(wt_engine_t *engine,
                                      wasmtime_array_type_t *raw) {
  wt_arraytype_t *t = wt__shell_new(sizeof *t);
  wasmtime_field_type_t f;
  wasmtime_array_type_element(raw, &f);
  bool plain = true;
  bool ok = t && field_from(&f, &t->elem, &plain);
  wasmtime_field_type_delete(&f);
  if (!ok) {
    wt__retire(t);
    wasmtime_array_type_delete(raw);
    return NULL;
  }
  t->magic = WT_MAGIC_ARRAYTYPE;
  t->engine = wt__engine_ref(engine);
  t->raw = raw;
  t->plain = plain;
  return t;
}

wt_error_t *wt_arraytype_new(wt_engine_t *engine, const wt_fieldtype_t *elem,
                             wt_arraytype_t **out) {
  static const char fn[] = "wt_arraytype_new";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  if (!elem || !out)
    return wt__misuse(fn, "elem or out is NULL");
  wt_error_t *err = check_fields(fn, elem, 1);
  if (!err)
    err = check_gc_engine(fn, engine);
  if (err)
    return err;
  wasmtime_field_type_t raw;
  field_to(engine, elem, &raw);
  wasmtime_array_type_t *ty = wasmtime_array_type_new(engine->raw, &raw);
  wasmtime_field_type_delete(&raw);
  wt_arraytype_t *t = arraytype_wrap(engine, ty);
  if (!t)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  *out = t;
  return NULL;
}

void wt_arraytype_delete(wt_arraytype_t *type) {
  if (!arraytype_ok(type))
    return;
  type->magic = WT_MAGIC_DEAD;
  wasmtime_array_type_delete(type->raw);
  wt__engine_unref(type->engine);
  wt__retire(type);
}

const wt_fieldtype_t *wt_arraytype_elem(const wt_arraytype_t *type) {
  return arraytype_ok(type) ? &type->elem : NULL;
}

/* ---- the store's allocators ---- */

/*
 * Wasmtime allocates structs and arrays of a type through an allocator made
 * for a store and the type (wasmtime_struct_ref_pre_t, ..._array_...). The
 * store keeps one per type it was used with, keyed by the wt type: a wt
 * type's address is never reused (retire.c), so a key cannot come to mean
 * another type. Freed with the store.
 */
typedef struct pre_entry {
  const void *type; /* wt_structtype_t or wt_arraytype_t */
  void *pre;
  bool array;
} pre_entry;

struct wt__gc {
  pre_entry *v;
  size_t n, cap;
};

/* The store's allocator for `type`, made on first use; NULL when out of
 * memory. */
static void *pre_for(wt_store_t *store, const void *type, bool array) {
  struct wt__gc *g = store->gc;
  if (!g) {
    if (!(g = calloc(1, sizeof *g)))
      return NULL;
    store->gc = g;
  }
  for (size_t i = 0; i < g->n; i++)
    if (g->v[i].type == type)
      return g->v[i].pre;
  if (g->n == g->cap) {
    size_t cap = g->cap ? g->cap * 2 : 8;
    pre_entry *v = realloc(g->v, cap * sizeof *v);
    if (!v)
      return NULL;
    g->v = v;
    g->cap = cap;
  }
  void *pre =
      array ? (void *)wasmtime_array_ref_pre_new(
                  store->ctx, ((const wt_arraytype_t *)type)->raw)
            : (void *)wasmtime_struct_ref_pre_new(
                  store->ctx, ((const wt_structtype_t *)type)->raw);
  if (!pre)
    return NULL;
  g->v[g->n++] = (pre_entry){type, pre, array};
  return pre;
}

void wt__gc_free(wt_store_t *store) {
  struct wt__gc *g = store->gc;
  if (!g)
    return;
  for (size_t i = 0; i < g->n; i++) {
    if (g->v[i].array)
      wasmtime_array_ref_pre_delete(g->v[i].pre);
    else
      wasmtime_struct_ref_pre_delete(g->v[i].pre);
  }
  free(g->v);
  free(g);
  store->gc = NULL;
}

/* ---- objects as arguments ---- */

/* The rooted anyref behind `val` (borrowed from the store's table): a live
 * WT_VAL_ANYREF of `store`, possibly null. */
static wt_error_t *anyref_arg(const char *fn, wt_store_t *store,
                              const wt_val_t *val, wasmtime_anyref_t *out) {
  if (!val)
    return wt__misuse(fn, "value is NULL");
  if (val->kind != WT_VAL_ANYREF)
    return wt__misuse(fn, "value is %s, not anyref",
                      wt_valkind_name(val->kind));
  wasmtime_val_t v;
  wt_error_t *err = wt__ref_get(fn, store, val, &v);
  if (!err)
    *out = v.of.anyref;
  return err;
}

/* What an anyref that is not null holds. */
static wt_anyref_kind_t anyref_kind(wt_store_t *store,
                                    const wasmtime_anyref_t *a) {
  if (wasmtime_anyref_is_null(a))
    return WT_ANYREF_NULL;
  if (wasmtime_anyref_is_i31(store->ctx, a))
    return WT_ANYREF_I31;
  if (wasmtime_anyref_is_struct(store->ctx, a))
    return WT_ANYREF_STRUCT;
  if (wasmtime_anyref_is_array(store->ctx, a))
    return WT_ANYREF_ARRAY;
  return WT_ANYREF_EXTERN;
}

static const char *anyref_kind_name(wt_anyref_kind_t k) {
  switch (k) {
  case WT_ANYREF_NULL:
    return "a null reference";
  case WT_ANYREF_I31:
    return "an i31ref";
  case WT_ANYREF_STRUCT:
    return "a struct";
  case WT_ANYREF_ARRAY:
    return "an array";
  case WT_ANYREF_EXTERN:
    return "a host reference";
  }
  return "?";
}

/* The struct `val` holds, as a new root the caller unroots. */
static wt_error_t *struct_arg(const char *fn, wt_store_t *store,
                              const wt_val_t *val, wasmtime_structref_t *out) {
  wasmtime_anyref_t a;
  wt_error_t *err = anyref_arg(fn, store, val, &a);
  if (err)
    return err;
  wt_anyref_kind_t k = anyref_kind(store, &a);
  if (k != WT_ANYREF_STRUCT)
    return wt__misuse(fn, "the anyref is %s, not a struct",
                      anyref_kind_name(k));
  wasmtime_anyref_as_struct(store->ctx, &a, out);
  return NULL;
}

/* The array `val` holds, as a new root the caller unroots. */
static wt_error_t *array_arg(const char *fn, wt_store_t *store,
                             const wt_val_t *val, wasmtime_arrayref_t *out) {
  wasmtime_anyref_t a;
  wt_error_t *err = anyref_arg(fn, store, val, &a);
  if (err)
    return err;
  wt_anyref_kind_t k = anyref_kind(store, &a);
  if (k != WT_ANYREF_ARRAY)
    return wt__misuse(fn, "the anyref is %s, not an array",
                      anyref_kind_name(k));
  wasmtime_anyref_as_array(store->ctx, &a, out);
  return NULL;
}

/* Converts checked values for Wasmtime into `buf` (of `cap`) or the heap;
 * NULL when out of memory. References are borrowed. */
static wasmtime_val_t *vals_to(wt_store_t *store, const wt_val_t *vals,
                               size_t n, wasmtime_val_t *buf, size_t cap) {
  wasmtime_val_t *out = n <= cap ? buf : malloc(n * sizeof *out);
  for (size_t i = 0; out && i < n; i++) {
    wt_error_t *err = wt__val_to_wasmtime("", store, &vals[i], &out[i]);
    wt_error_delete(err); /* checked before: cannot fail */
  }
  return out;
}

/* Puts a new object (a root the call takes) into the table as an anyref,
 * unless a finalizer run by its allocation deleted the store. Called
 * between wt__store_enter and wt__store_leave. */
static wt_error_t *object_out(const char *fn, wt_store_t *store,
                              wasmtime_anyref_t *any, wt_val_t *out) {
  wasmtime_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = WASMTIME_ANYREF;
  v.of.anyref = *any;
  if (store->delete_pending) {
    wasmtime_val_unroot(&v);
    return wt__misuse(fn, "a finalizer deleted the store");
  }
  return wt__ref_put(store, &v, out);
}

#define WT_GC_STACK_VALS 8

/* ---- structs ---- */

wt_error_t *wt_struct_new(wt_store_t *store, const wt_structtype_t *type,
                          const wt_val_t *fields, size_t nfields,
                          wt_val_t *out) {
  static const char fn[] = "wt_struct_new";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!structtype_ok(type))
    return wt__misuse(fn, "type is NULL or deleted");
  if (type->engine != store->engine)
    return wt__misuse(fn, "type belongs to another engine");
  if (nfields != type->nfields)
    return wt__misuse(fn, "got %zu field%s for a struct type of %zu",
                      nfields, nfields == 1 ? "" : "s", type->nfields);
  if ((nfields && !fields) || !out)
    return wt__misuse(fn, "fields or out is NULL");
  for (size_t i = 0; i < nfields; i++)
    if ((err = wt__val_check(fn, "field", i, &fields[i],
                             wt_storage_kind(type->fields[i].storage),
                             store)) != NULL)
      return err;
  wasmtime_val_t stack[WT_GC_STACK_VALS];
  wasmtime_val_t *vals =
      vals_to(store, fields, nfields, stack, WT_GC_STACK_VALS);
  const wasmtime_struct_ref_pre_t *pre = vals ? pre_for(store, type, false)
                                              : NULL;
  if (!pre) {
    if (vals != stack)
      free(vals);
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
  wasmtime_structref_t s;
  /* Allocating may collect garbage, running externref finalizers. */
  wt__store_enter(store);
  wasmtime_error_t *werr =
      wasmtime_structref_new(store->ctx, pre, vals, nfields, &s);
  if (werr) {
    err = wt__gc_error(fn, type->plain, werr);
  } else {
    wasmtime_anyref_t any;
    wasmtime_structref_to_anyref(&s, &any);
    wasmtime_structref_unroot(&s);
    err = object_out(fn, store, &any, out);
  }
  if (vals != stack)
    free(vals);
  wt__store_leave(store);
  return err;
}

/* The field type `i` of the struct `s`, with `plain` as in field_from;
 * *n is the field count. A misuse error when `i` is out of range. */
static wt_error_t *struct_field_type(const char *fn, wt_store_t *store,
                                     const wasmtime_structref_t *s, size_t i,
                                     wt_fieldtype_t *ft, bool *plain) {
  wasmtime_struct_type_t *ty = wasmtime_structref_type(store->ctx, s);
  if (!ty)
    return wt__error(WT_ERROR_WASMTIME, "%s: the struct has no type", fn);
  size_t n = wasmtime_struct_type_num_fields(ty);
  wt_error_t *err = NULL;
  wasmtime_field_type_t f;
  if (i >= n)
    err = wt__misuse(fn, "field %zu is out of range: the struct has %zu "
                         "field%s", i, n, n == 1 ? "" : "s");
  else if (!wasmtime_struct_type_field(ty, i, &f))
    err = wt__error(WT_ERROR_WASMTIME, "%s: no field %zu", fn, i);
  else {
    if (!field_from(&f, ft, plain))
      err = wt__error(WT_ERROR_WASMTIME, "%s: field %zu has a type wt "
                                         "cannot represent", fn, i);
    wasmtime_field_type_delete(&f);
  }
  wasmtime_struct_type_delete(ty);
  return err;
}

wt_error_t *wt_struct_field(wt_store_t *store, const wt_val_t *val, size_t i,
                            wt_val_t *out) {
  static const char fn[] = "wt_struct_field";
  wt_error_t *err = wt__check_store(fn, store);
  if (!err && !out)
    err = wt__misuse(fn, "out is NULL");
  wasmtime_structref_t s;
  if (err || (err = struct_arg(fn, store, val, &s)) != NULL)
    return err;
  wt_fieldtype_t ft;
  bool plain = true;
  err = struct_field_type(fn, store, &s, i, &ft, &plain);
  wasmtime_val_t v;
  wasmtime_error_t *werr =
      err ? NULL : wasmtime_structref_field(store->ctx, &s, i, &v);
  wasmtime_structref_unroot(&s);
  if (werr)
    return wt__from_wasmtime_in(WT_ERROR_WASMTIME, fn, NULL, werr);
  return err ? err : wt__val_from_wasmtime(store, &v, out);
}

wt_error_t *wt_struct_set_field(wt_store_t *store, const wt_val_t *val,
                                size_t i, const wt_val_t *field) {
  static const char fn[] = "wt_struct_set_field";
  wt_error_t *err = wt__check_store(fn, store);
  if (!err && !field)
    err = wt__misuse(fn, "field is NULL");
  wasmtime_structref_t s;
  if (err || (err = struct_arg(fn, store, val, &s)) != NULL)
    return err;
  wt_fieldtype_t ft;
  bool plain = true;
  err = struct_field_type(fn, store, &s, i, &ft, &plain);
  if (!err && !ft.is_mutable)
    err = wt__misuse(fn, "field %zu is immutable", i);
  if (!err)
    err = wt__val_check(fn, "field", i, field, wt_storage_kind(ft.storage),
                        store);
  if (!err) {
    wasmtime_val_t v;
    vals_to(store, field, 1, &v, 1); /* checked */
    wasmtime_error_t *werr =
        wasmtime_structref_set_field(store->ctx, &s, i, &v);
    if (werr)
      err = wt__gc_error(fn, plain, werr);
  }
  wasmtime_structref_unroot(&s);
  return err;
}

wt_error_t *wt_struct_type(wt_store_t *store, const wt_val_t *val,
                           wt_structtype_t **out) {
  static const char fn[] = "wt_struct_type";
  wt_error_t *err = wt__check_store(fn, store);
  if (!err && !out)
    err = wt__misuse(fn, "out is NULL");
  wasmtime_structref_t s;
  if (err || (err = struct_arg(fn, store, val, &s)) != NULL)
    return err;
  wasmtime_struct_type_t *ty = wasmtime_structref_type(store->ctx, &s);
  wasmtime_structref_unroot(&s);
  wt_structtype_t *t = ty ? structtype_wrap(store->engine, ty) : NULL;
  if (!t)
    return wt__error(WT_ERROR_WASMTIME,
                     "%s: the type is not representable (or out of memory)",
                     fn);
  *out = t;
  return NULL;
}

/* ---- arrays ---- */

/* The checks both array constructors make; `n` values at `vals`. */
static wt_error_t *array_args(const char *fn, wt_store_t *store,
                              const wt_arraytype_t *type, const wt_val_t *vals,
                              size_t n, const wt_val_t *out) {
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!arraytype_ok(type))
    return wt__misuse(fn, "type is NULL or deleted");
  if (type->engine != store->engine)
    return wt__misuse(fn, "type belongs to another engine");
  if ((n && !vals) || !out)
    return wt__misuse(fn, "%s or out is NULL",
                      strcmp(fn, "wt_array_new") == 0 ? "fill" : "elems");
  wt_valkind_t kind = wt_storage_kind(type->elem.storage);
  for (size_t i = 0; i < n; i++)
    if ((err = wt__val_check(fn, "element", i, &vals[i], kind, store)) !=
        NULL)
      return err;
  return NULL;
}

/* Makes an array of `len` elements set to `fill` (checked) into *out. */
static wt_error_t *array_make(const char *fn, wt_store_t *store,
                              const wt_arraytype_t *type, uint32_t len,
                              const wt_val_t *fill, wasmtime_arrayref_t *out) {
  wasmtime_val_t v;
  if (fill) {
    vals_to(store, fill, 1, &v, 1); /* checked */
  } else { /* a zero of the element kind, for an empty array */
    memset(&v, 0, sizeof v);
    v.kind = wt_storage_kind(type->elem.storage);
  }
  const wasmtime_array_ref_pre_t *pre = pre_for(store, type, true);
  if (!pre)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  wasmtime_error_t *werr = wasmtime_arrayref_new(store->ctx, pre, &v, len, out);
  return werr ? wt__gc_error(fn, type->plain, werr) : NULL;
}

wt_error_t *wt_array_new(wt_store_t *store, const wt_arraytype_t *type,
                         uint32_t len, const wt_val_t *fill, wt_val_t *out) {
  static const char fn[] = "wt_array_new";
  wt_error_t *err = array_args(fn, store, type, fill, 1, out);
  if (err)
    return err;
  wasmtime_arrayref_t a;
  wt__store_enter(store);
  err = array_make(fn, store, type, len, fill, &a);
  if (!err) {
    wasmtime_anyref_t any;
    wasmtime_arrayref_to_anyref(&a, &any);
    wasmtime_arrayref_unroot(&a);
    err = object_out(fn, store, &any, out);
  }
  wt__store_leave(store);
  return err;
}

wt_error_t *wt_array_new_fixed(wt_store_t *store, const wt_arraytype_t *type,
                               const wt_val_t *elems, size_t n,
                               wt_val_t *out) {
  static const char fn[] = "wt_array_new_fixed";
  wt_error_t *err = array_args(fn, store, type, elems, n, out);
  if (err)
    return err;
  if (n > UINT32_MAX)
    return wt__misuse(fn, "%zu elements: an array has at most %u", n,
                      UINT32_MAX);
  if (n > 1 && !type->elem.is_mutable)
    return wt__misuse(fn, "the elements are immutable, so it takes at most "
                          "one element (Wasmtime's C API cannot set the "
                          "others); use wt_array_new to repeat one value");
  wasmtime_arrayref_t a;
  wt__store_enter(store);
  err = array_make(fn, store, type, (uint32_t)n, n ? &elems[0] : NULL, &a);
  for (size_t i = 1; !err && i < n; i++) {
    wasmtime_val_t v;
    vals_to(store, &elems[i], 1, &v, 1); /* checked */
    wasmtime_error_t *werr =
        wasmtime_arrayref_set(store->ctx, &a, (uint32_t)i, &v);
    if (werr) {
      err = wt__gc_error(fn, type->plain, werr);
      wasmtime_arrayref_unroot(&a);
    }
  }
  if (!err) {
    wasmtime_anyref_t any;
    wasmtime_arrayref_to_anyref(&a, &any);
    wasmtime_arrayref_unroot(&a);
    err = object_out(fn, store, &any, out);
  }
  wt__store_leave(store);
  return err;
}

/* The array `val` holds (a root the caller unroots) and its length. */
static wt_error_t *array_with_len(const char *fn, wt_store_t *store,
                                  const wt_val_t *val, wasmtime_arrayref_t *a,
                                  uint32_t *len) {
  wt_error_t *err = array_arg(fn, store, val, a);
  if (err)
    return err;
  wasmtime_error_t *werr = wasmtime_arrayref_len(store->ctx, a, len);
  if (werr) {
    wasmtime_arrayref_unroot(a);
    return wt__from_wasmtime_in(WT_ERROR_WASMTIME, fn, NULL, werr);
  }
  return NULL;
}

static wt_error_t *index_error(const char *fn, uint32_t i, uint32_t len) {
  return wt__misuse(fn, "index %u is out of range: the array has %u "
                        "element%s", i, len, len == 1 ? "" : "s");
}

wt_error_t *wt_array_len(wt_store_t *store, const wt_val_t *val,
                         uint32_t *len) {
  static const char fn[] = "wt_array_len";
  wt_error_t *err = wt__check_store(fn, store);
  if (!err && !len)
    err = wt__misuse(fn, "len is NULL");
  wasmtime_arrayref_t a;
  uint32_t n;
  if (err || (err = array_with_len(fn, store, val, &a, &n)) != NULL)
    return err;
  wasmtime_arrayref_unroot(&a);
  *len = n;
  return NULL;
}

wt_error_t *wt_array_get(wt_store_t *store, const wt_val_t *val, uint32_t i,
                         wt_val_t *out) {
  static const char fn[] = "wt_array_get";
  wt_error_t *err = wt__check_store(fn, store);
  if (!err && !out)
    err = wt__misuse(fn, "out is NULL");
  wasmtime_arrayref_t a;
  uint32_t len;
  if (err || (err = array_with_len(fn, store, val, &a, &len)) != NULL)
    return err;
  wasmtime_val_t v;
  wasmtime_error_t *werr = NULL;
  if (i >= len)
    err = index_error(fn, i, len);
  else
    werr = wasmtime_arrayref_get(store->ctx, &a, i, &v);
  wasmtime_arrayref_unroot(&a);
  if (werr)
    return wt__from_wasmtime_in(WT_ERROR_WASMTIME, fn, NULL, werr);
  return err ? err : wt__val_from_wasmtime(store, &v, out);
}

wt_error_t *wt_array_set(wt_store_t *store, const wt_val_t *val, uint32_t i,
                         const wt_val_t *elem) {
  static const char fn[] = "wt_array_set";
  wt_error_t *err = wt__check_store(fn, store);
  if (!err && !elem)
    err = wt__misuse(fn, "elem is NULL");
  wasmtime_arrayref_t a;
  uint32_t len;
  if (err || (err = array_with_len(fn, store, val, &a, &len)) != NULL)
    return err;
  wasmtime_array_type_t *ty = wasmtime_arrayref_type(store->ctx, &a);
  wt_fieldtype_t ft;
  bool plain = true;
  if (!ty) {
    err = wt__error(WT_ERROR_WASMTIME, "%s: the array has no type", fn);
  } else {
    wasmtime_field_type_t f;
    wasmtime_array_type_element(ty, &f);
    if (!field_from(&f, &ft, &plain))
      err = wt__error(WT_ERROR_WASMTIME, "%s: the element type is not "
                                         "representable", fn);
    wasmtime_field_type_delete(&f);
    wasmtime_array_type_delete(ty);
  }
  if (!err && i >= len)
    err = index_error(fn, i, len);
  if (!err && !ft.is_mutable)
    err = wt__misuse(fn, "the array's elements are immutable");
  if (!err)
    err = wt__val_check(fn, "element", i, elem, wt_storage_kind(ft.storage),
                        store);
  if (!err) {
    wasmtime_val_t v;
    vals_to(store, elem, 1, &v, 1); /* checked */
    wasmtime_error_t *werr = wasmtime_arrayref_set(store->ctx, &a, i, &v);
    if (werr)
      err = wt__gc_error(fn, plain, werr);
  }
  wasmtime_arrayref_unroot(&a);
  return err;
}

wt_error_t *wt_array_type(wt_store_t *store, const wt_val_t *val,
                          wt_arraytype_t **out) {
  static const char fn[] = "wt_array_type";
  wt_error_t *err = wt__check_store(fn, store);
  if (!err && !out)
    err = wt__misuse(fn, "out is NULL");
  wasmtime_arrayref_t a;
  if (err || (err = array_arg(fn, store, val, &a)) != NULL)
    return err;
  wasmtime_array_type_t *ty = wasmtime_arrayref_type(store->ctx, &a);
  wasmtime_arrayref_unroot(&a);
  wt_arraytype_t *t = ty ? arraytype_wrap(store->engine, ty) : NULL;
  if (!t)
    return wt__error(WT_ERROR_WASMTIME,
                     "%s: the type is not representable (or out of memory)",
                     fn);
  *out = t;
  return NULL;
}

/* ---- what an anyref holds ---- */

wt_error_t *wt_anyref_kind(wt_store_t *store, const wt_val_t *val,
                           wt_anyref_kind_t *out) {
  static const char fn[] = "wt_anyref_kind";
  wt_error_t *err = wt__check_store(fn, store);
  if (!err && !out)
    err = wt__misuse(fn, "out is NULL");
  wasmtime_anyref_t a;
  if (err || (err = anyref_arg(fn, store, val, &a)) != NULL)
    return err;
  *out = anyref_kind(store, &a);
  return NULL;
}

wt_error_t *wt_anyref_eq(wt_store_t *store, const wt_val_t *a,
                         const wt_val_t *b, bool *out) {
  static const char fn[] = "wt_anyref_eq";
  wt_error_t *err = wt__check_store(fn, store);
  if (!err && !out)
    err = wt__misuse(fn, "out is NULL");
  wasmtime_anyref_t ra, rb;
  if (err || (err = anyref_arg(fn, store, a, &ra)) != NULL ||
      (err = anyref_arg(fn, store, b, &rb)) != NULL)
    return err;
  /* The references wasm would be given: one GC reference per object (or
   * the i31 itself), as ref.eq compares. Nothing collects in between. */
  uint32_t xa = wasmtime_anyref_is_null(&ra)
                    ? 0
                    : wasmtime_anyref_to_raw(store->ctx, &ra);
  uint32_t xb = wasmtime_anyref_is_null(&rb)
                    ? 0
                    : wasmtime_anyref_to_raw(store->ctx, &rb);
  *out = xa == xb;
  return NULL;
}
