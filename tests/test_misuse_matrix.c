/*
 * The misuse matrix: every function that takes a store and a store handle,
 * called with a NULL store, a deleted store, and a store the handle does not
 * belong to, and, as the control, with the handle's own store, where each
 * row gives the exact result the call must have. Each case is its own
 * Criterion test, in its own process, so a crash fails one case. docs/misuse.md is generated from the PROBES table
 * below and the other tests' misuse assertions by scripts/misuse_table.py.
 */
#include <string.h>

#include "helpers.h"

typedef struct fixture {
  wt_engine_t *engine;
  wt_store_t *home;  /* where every handle below comes from */
  wt_store_t *other; /* a live store of the same engine */
  wt_store_t *dead;  /* a deleted store (its shell is still wt's) */
  wt_instance_t inst;
  wt_func_t func;
  wt_typed_func_t typed;
  wt_memory_t mem;
  wt_table_t table;
  wt_global_t global;
  wt_tag_t tag;
  wt_val_t ref;
  const wt_functype_t *type;
  wt_component_t *component;
  wt_component_linker_t *clinker;
  wt_component_instance_t cinst;
  wt_component_func_t cfunc;
  wt_resource_type_t *rtype;
  wt_cval_t own; /* a host resource of home */
  wt_structtype_t *stype; /* (mut i32) */
  wt_arraytype_t *atype;  /* (mut i32) elements */
  wt_val_t strukt, array, exn; /* of home */
  wt_error_t *uncaught;        /* an exception of home */
} fixture;

/* A component exporting id(u32) -> u32 and the instance "api" with it. */
static const char *fixture_component =
    "(component\n"
    "  (core module $m (func (export \"id\") (param i32) (result i32)"
    " (local.get 0)))\n"
    "  (core instance $i (instantiate $m))\n"
    "  (func $id (param \"x\" u32) (result u32)"
    " (canon lift (core func $i \"id\")))\n"
    "  (export \"id\" (func $id))\n"
    "  (instance $api (export \"id\" (func $id)))\n"
    "  (export \"api\" (instance $api)))";

static const char *fixture_wat =
    "(module (func (export \"f\") (param i32) (result i32) (local.get 0))"
    " (memory (export \"m\") 1) (table (export \"t\") 1 funcref)"
    " (global (export \"g\") (mut i32) (i32.const 0))"
    " (tag (export \"e\")))";

static wt_error_t *nop(void *env, wt_caller_t *caller, const wt_val_t *args,
                       size_t nargs, wt_val_t *results, size_t nresults) {
  return NULL;
}

static void setup(fixture *f) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_wasm_exceptions(c, true));
  cr_assert(wt_config_set_epoch_interruption(c, true));
  f->engine = engine_from(c);
  f->inst = instantiate(f->engine, fixture_wat, &f->home);
  /* Epoch interruption is on (for the epoch rows): without a deadline ahead
   * of the epoch, every call would trap at once. */
  OK(wt_store_set_epoch_deadline(f->home, 1000000));
  OK(wt_store_new(f->engine, NULL, NULL, &f->other));
  OK(wt_store_new(f->engine, NULL, NULL, &f->dead));
  wt_store_delete(f->dead);
  OK(wt_instance_func(f->home, &f->inst, "f", &f->func));
  OK(wt_func_typed(f->home, &f->func, "i32 -> i32", &f->typed));
  OK(wt_instance_memory(f->home, &f->inst, "m", &f->mem));
  OK(wt_instance_table(f->home, &f->inst, "t", &f->table));
  OK(wt_instance_global(f->home, &f->inst, "g", &f->global));
  OK(wt_instance_tag(f->home, &f->inst, "e", &f->tag));
  OK(wt_externref_new(f->home, NULL, NULL, &f->ref));
  OK(wt_functype_parse(f->engine, "i32 -> i32", &f->type));
  OK(wt_component_new_wat(f->engine, fixture_component, &f->component));
  OK(wt_component_linker_new(f->engine, &f->clinker));
  OK(wt_component_linker_instantiate(f->clinker, f->home, f->component,
                                     &f->cinst));
  OK(wt_component_instance_func(f->home, &f->cinst, "id", &f->cfunc));
  OK(wt_resource_type_new("thing", NULL, NULL, NULL, &f->rtype));
  OK(wt_resource_new(f->home, f->rtype, f, &f->own));
  wt_fieldtype_t field = {WT_STORAGE_I32, true};
  OK(wt_structtype_new(f->engine, &field, 1, &f->stype));
  OK(wt_arraytype_new(f->engine, &field, &f->atype));
  wt_val_t one = i32v(1);
  OK(wt_struct_new(f->home, f->stype, &one, 1, &f->strukt));
  OK(wt_array_new(f->home, f->atype, 2, &one, &f->array));
  const wt_functype_t *tt;
  OK(wt_functype_parse(f->engine, "i32", &tt));
  wt_tag_t tag;
  OK(wt_tag_new(f->home, tt, &tag));
  OK(wt_exn_new(f->home, &tag, &one, 1, &f->exn));
  f->uncaught = wt_exn_throw(f->home, &f->exn);
  cr_assert_eq(wt_error_kind(f->uncaught), WT_ERROR_EXCEPTION);
}

/* Each probe makes one call with `s` in the store's place and the fixture's
 * handles (all from f->home) everywhere else. */
#define PROBE(name) static wt_error_t *name(fixture *f, wt_store_t *s)

PROBE(p_func_call) {
  wt_val_t a = i32v(1), r;
  return wt_func_call(s, &f->func, &a, 1, &r, 1);
}
PROBE(p_func_typed) {
  wt_typed_func_t t;
  return wt_func_typed(s, &f->func, "i32 -> i32", &t);
}
PROBE(p_func_call_typed) {
  wt_raw_t v[1] = {{.i32 = 1}};
  return wt_func_call_typed(s, &f->typed, v);
}
PROBE(p_func_new) {
  wt_func_t out;
  return wt_func_new(s, f->type, nop, NULL, NULL, &out);
}
PROBE(p_instance_func) {
  wt_func_t out;
  return wt_instance_func(s, &f->inst, "f", &out);
}
PROBE(p_instance_call) {
  wt_val_t a = i32v(1), r;
  return wt_instance_call(s, &f->inst, "f", &a, 1, &r, 1);
}
PROBE(p_instance_export) {
  wt_extern_t out;
  return wt_instance_export(s, &f->inst, "m", &out);
}
PROBE(p_instance_export_n) {
  wt_extern_t out;
  return wt_instance_export_n(s, &f->inst, "m", 1, &out);
}
PROBE(p_instance_export_nth) {
  wt_extern_t out;
  return wt_instance_export_nth(s, &f->inst, 0, NULL, &out);
}
PROBE(p_instance_memory) {
  wt_memory_t out;
  return wt_instance_memory(s, &f->inst, "m", &out);
}
PROBE(p_instance_table) {
  wt_table_t out;
  return wt_instance_table(s, &f->inst, "t", &out);
}
PROBE(p_instance_global) {
  wt_global_t out;
  return wt_instance_global(s, &f->inst, "g", &out);
}
PROBE(p_instance_tag) {
  wt_tag_t out;
  return wt_instance_tag(s, &f->inst, "e", &out);
}
PROBE(p_memory_pages) {
  uint64_t n;
  return wt_memory_pages(s, &f->mem, &n);
}
PROBE(p_memory_grow) { return wt_memory_grow(s, &f->mem, 1, NULL); }
PROBE(p_memory_read) {
  uint8_t b;
  return wt_memory_read(s, &f->mem, 0, &b, 1);
}
PROBE(p_memory_write) {
  uint8_t b = 1;
  return wt_memory_write(s, &f->mem, 0, &b, 1);
}
PROBE(p_memory_type) {
  wt_memorytype_t t;
  return wt_memory_type(s, &f->mem, &t);
}
PROBE(p_memory_new) {
  wt_memorytype_t t = {.min = 1, .page_size_log2 = 16};
  wt_memory_t out;
  return wt_memory_new(s, &t, &out);
}
PROBE(p_table_size) {
  uint64_t n;
  return wt_table_size(s, &f->table, &n);
}
PROBE(p_table_get) {
  wt_val_t v;
  return wt_table_get(s, &f->table, 0, &v);
}
PROBE(p_table_set) {
  wt_val_t v = {.kind = WT_VAL_FUNCREF};
  return wt_table_set(s, &f->table, 0, &v);
}
PROBE(p_table_grow) {
  wt_val_t v = {.kind = WT_VAL_FUNCREF};
  return wt_table_grow(s, &f->table, 1, &v, NULL);
}
PROBE(p_table_type) {
  wt_tabletype_t t;
  return wt_table_type(s, &f->table, &t);
}
PROBE(p_table_new) {
  wt_tabletype_t t = {.elem = WT_VAL_FUNCREF, .min = 1};
  wt_val_t v = {.kind = WT_VAL_FUNCREF};
  wt_table_t out;
  return wt_table_new(s, &t, &v, &out);
}
PROBE(p_global_get) {
  wt_val_t v;
  return wt_global_get(s, &f->global, &v);
}
PROBE(p_global_set) {
  wt_val_t v = i32v(1);
  return wt_global_set(s, &f->global, &v);
}
PROBE(p_global_type) {
  wt_globaltype_t t;
  return wt_global_type(s, &f->global, &t);
}
PROBE(p_global_new) {
  wt_globaltype_t t = {.kind = WT_VAL_I32};
  wt_val_t v = i32v(1);
  wt_global_t out;
  return wt_global_new(s, &t, &v, &out);
}
PROBE(p_tag_new) {
  const wt_functype_t *t;
  wt_error_t *err = wt_functype_parse(f->engine, "i32", &t);
  wt_tag_t out;
  return err ? err : wt_tag_new(s, t, &out);
}
PROBE(p_externref_new) {
  wt_val_t v;
  return wt_externref_new(s, NULL, NULL, &v);
}
PROBE(p_externref_data) {
  void *d;
  return wt_externref_data(s, &f->ref, &d);
}
PROBE(p_anyref_i31) {
  wt_val_t v;
  return wt_anyref_i31(s, 1, &v);
}
PROBE(p_struct_new) {
  wt_val_t one = i32v(1), out;
  return wt_struct_new(s, f->stype, &one, 1, &out);
}
PROBE(p_struct_field) {
  wt_val_t out;
  return wt_struct_field(s, &f->strukt, 0, &out);
}
PROBE(p_struct_set_field) {
  wt_val_t v = i32v(2);
  return wt_struct_set_field(s, &f->strukt, 0, &v);
}
PROBE(p_struct_type) {
  wt_structtype_t *t = NULL;
  wt_error_t *err = wt_struct_type(s, &f->strukt, &t);
  wt_structtype_delete(t);
  return err;
}
PROBE(p_array_new) {
  wt_val_t one = i32v(1), out;
  return wt_array_new(s, f->atype, 3, &one, &out);
}
PROBE(p_array_new_fixed) {
  wt_val_t two[] = {i32v(1), i32v(2)}, out;
  return wt_array_new_fixed(s, f->atype, two, 2, &out);
}
PROBE(p_array_len) {
  uint32_t n;
  return wt_array_len(s, &f->array, &n);
}
PROBE(p_array_get) {
  wt_val_t out;
  return wt_array_get(s, &f->array, 1, &out);
}
PROBE(p_array_set) {
  wt_val_t v = i32v(2);
  return wt_array_set(s, &f->array, 1, &v);
}
PROBE(p_array_type) {
  wt_arraytype_t *t = NULL;
  wt_error_t *err = wt_array_type(s, &f->array, &t);
  wt_arraytype_delete(t);
  return err;
}
PROBE(p_anyref_kind) {
  wt_anyref_kind_t k;
  return wt_anyref_kind(s, &f->strukt, &k);
}
PROBE(p_anyref_eq) {
  bool eq;
  return wt_anyref_eq(s, &f->strukt, &f->array, &eq);
}
PROBE(p_exn_new) {
  wt_val_t out;
  return wt_exn_new(s, &f->tag, NULL, 0, &out);
}
PROBE(p_exn_tag) {
  wt_tag_t t;
  return wt_exn_tag(s, &f->exn, &t);
}
PROBE(p_exn_field_count) {
  size_t n;
  return wt_exn_field_count(s, &f->exn, &n);
}
PROBE(p_exn_field) {
  wt_val_t out;
  return wt_exn_field(s, &f->exn, 0, &out);
}
PROBE(p_exn_throw) { return wt_exn_throw(s, &f->exn); }
PROBE(p_error_exception) {
  wt_val_t out;
  return wt_error_exception(f->uncaught, s, &out);
}
PROBE(p_store_set_fuel) { return wt_store_set_fuel(s, 1); }
PROBE(p_store_get_fuel) {
  uint64_t n;
  return wt_store_fuel(s, &n);
}
PROBE(p_store_fuel_consumed) {
  uint64_t n;
  return wt_store_fuel_consumed(s, &n);
}
PROBE(p_store_set_epoch_deadline) { return wt_store_set_epoch_deadline(s, 1); }
PROBE(p_store_set_timeout) { return wt_store_set_timeout(s, 1000); }
PROBE(p_store_limits) {
  wt_limits_t l = WT_LIMITS_NONE;
  return wt_store_set_limits(s, &l);
}
PROBE(p_store_gc) { return wt_store_gc(s); }
PROBE(p_store_set_data) { return wt_store_set_data(s, NULL, NULL); }
PROBE(p_store_set_wasi) {
  wt_wasi_t *w = wt_wasi_new();
  wt_error_t *err = wt_store_set_wasi(s, w);
  wt_wasi_delete(w);
  return err;
}
PROBE(p_linker_instantiate) {
  wt_linker_t *l;
  wt_module_t *m;
  wt_instance_t out;
  wt_error_t *err = wt_linker_new(f->engine, &l);
  if (!err)
    err = wt_module_new_wat(f->engine, "(module)", &m);
  if (!err) {
    err = wt_linker_instantiate(l, s, m, &out);
    wt_module_delete(m);
  }
  wt_linker_delete(l);
  return err;
}
PROBE(p_linker_define) {
  wt_linker_t *l;
  wt_extern_t item = {.kind = WT_EXTERN_MEMORY, .of.memory = f->mem};
  wt_error_t *err = wt_linker_new(f->engine, &l);
  if (!err)
    err = wt_linker_define(l, s, "a", "m", &item);
  wt_linker_delete(l);
  return err;
}
PROBE(p_linker_define_instance) {
  wt_linker_t *l;
  wt_error_t *err = wt_linker_new(f->engine, &l);
  if (!err)
    err = wt_linker_define_instance(l, s, "a", &f->inst);
  wt_linker_delete(l);
  return err;
}
PROBE(p_instance_new) {
  wt_module_t *m;
  wt_instance_t out;
  wt_error_t *err = wt_module_new_wat(f->engine, "(module)", &m);
  if (!err) {
    err = wt_instance_new(s, m, NULL, 0, &out);
    wt_module_delete(m);
  }
  return err;
}

PROBE(p_component_linker_instantiate) {
  wt_component_instance_t out;
  return wt_component_linker_instantiate(f->clinker, s, f->component, &out);
}
PROBE(p_component_instance_func) {
  wt_component_func_t out;
  return wt_component_instance_func(s, &f->cinst, "id", &out);
}
PROBE(p_component_instance_func_path) {
  static const char *const path[] = {"api", "id"};
  wt_component_func_t out;
  return wt_component_instance_func_path(s, &f->cinst, path, 2, &out);
}
PROBE(p_component_func_call) {
  wt_cval_t a = {.kind = WT_CVAL_U32, .of.u32 = 1}, r;
  return wt_component_func_call(s, &f->cfunc, &a, 1, &r, 1, NULL);
}
PROBE(p_component_instance_call) {
  wt_cval_t a = {.kind = WT_CVAL_U32, .of.u32 = 1}, r;
  return wt_component_instance_call(s, &f->cinst, "id", &a, 1, &r, 1, NULL);
}
PROBE(p_component_func_type) {
  wt_arena_t *arena;
  wt_error_t *err = wt_arena_new(&arena);
  wt_cfunctype_t type;
  if (!err)
    err = wt_component_func_type(s, &f->cfunc, arena, &type);
  wt_arena_delete(arena);
  return err;
}
PROBE(p_resource_new) {
  wt_cval_t out;
  return wt_resource_new(s, f->rtype, NULL, &out);
}
PROBE(p_resource_rep) {
  void *rep;
  return wt_resource_rep(s, &f->own, f->rtype, &rep);
}
PROBE(p_resource_drop) { return wt_resource_drop(s, &f->own); }
PROBE(p_wasi_run_component) {
  return wt_wasi_run_component(f->clinker, s, f->component);
}

/* The result a call with the home store must give: success, or an error of
 * `kind` whose message contains `text`. */
#define SUCCEEDS 0, NULL
#define FAILS(kind, text) (kind), (text)
/* The fixture's engine has fuel off. */
#define NO_FUEL FAILS(WT_ERROR_CONFIG, "fuel is not configured")

/* PROBES: function, probe, whether a foreign handle applies, and the result
 * with the home store (and with another store, for rows without a handle). */
#define WT_MISUSE_ROWS(X)                                                      \
  X(wt_func_call, p_func_call, true, SUCCEEDS)                                 \
  X(wt_func_typed, p_func_typed, true, SUCCEEDS)                               \
  X(wt_func_call_typed, p_func_call_typed, true, SUCCEEDS)                     \
  X(wt_func_new, p_func_new, false, SUCCEEDS)                                  \
  X(wt_instance_func, p_instance_func, true, SUCCEEDS)                         \
  X(wt_instance_call, p_instance_call, true, SUCCEEDS)                         \
  X(wt_instance_export, p_instance_export, true, SUCCEEDS)                     \
  X(wt_instance_export_n, p_instance_export_n, true, SUCCEEDS)                 \
  X(wt_instance_export_nth, p_instance_export_nth, true, SUCCEEDS)             \
  X(wt_instance_memory, p_instance_memory, true, SUCCEEDS)                     \
  X(wt_instance_table, p_instance_table, true, SUCCEEDS)                       \
  X(wt_instance_global, p_instance_global, true, SUCCEEDS)                     \
  X(wt_instance_tag, p_instance_tag, true, SUCCEEDS)                           \
  X(wt_instance_new, p_instance_new, false, SUCCEEDS)                          \
  X(wt_memory_pages, p_memory_pages, true, SUCCEEDS)                           \
  X(wt_memory_grow, p_memory_grow, true, SUCCEEDS)                             \
  X(wt_memory_read, p_memory_read, true, SUCCEEDS)                             \
  X(wt_memory_write, p_memory_write, true, SUCCEEDS)                           \
  X(wt_memory_type, p_memory_type, true, SUCCEEDS)                             \
  X(wt_memory_new, p_memory_new, false, SUCCEEDS)                              \
  X(wt_table_size, p_table_size, true, SUCCEEDS)                               \
  X(wt_table_get, p_table_get, true, SUCCEEDS)                                 \
  X(wt_table_set, p_table_set, true, SUCCEEDS)                                 \
  X(wt_table_grow, p_table_grow, true, SUCCEEDS)                               \
  X(wt_table_type, p_table_type, true, SUCCEEDS)                               \
  X(wt_table_new, p_table_new, false, SUCCEEDS)                                \
  X(wt_global_get, p_global_get, true, SUCCEEDS)                               \
  X(wt_global_set, p_global_set, true, SUCCEEDS)                               \
  X(wt_global_type, p_global_type, true, SUCCEEDS)                             \
  X(wt_global_new, p_global_new, false, SUCCEEDS)                              \
  X(wt_tag_new, p_tag_new, false, SUCCEEDS)                                    \
  X(wt_externref_new, p_externref_new, false, SUCCEEDS)                        \
  X(wt_externref_data, p_externref_data, true, SUCCEEDS)                       \
  X(wt_anyref_i31, p_anyref_i31, false, SUCCEEDS)                              \
  X(wt_struct_new, p_struct_new, false, SUCCEEDS)                              \
  X(wt_struct_field, p_struct_field, true, SUCCEEDS)                           \
  X(wt_struct_set_field, p_struct_set_field, true, SUCCEEDS)                   \
  X(wt_struct_type, p_struct_type, true, SUCCEEDS)                             \
  X(wt_array_new, p_array_new, false, SUCCEEDS)                                \
  X(wt_array_new_fixed, p_array_new_fixed, false, SUCCEEDS)                    \
  X(wt_array_len, p_array_len, true, SUCCEEDS)                                 \
  X(wt_array_get, p_array_get, true, SUCCEEDS)                                 \
  X(wt_array_set, p_array_set, true, SUCCEEDS)                                 \
  X(wt_array_type, p_array_type, true, SUCCEEDS)                               \
  X(wt_anyref_kind, p_anyref_kind, true, SUCCEEDS)                             \
  X(wt_anyref_eq, p_anyref_eq, true, SUCCEEDS)                                 \
  X(wt_exn_new, p_exn_new, true, SUCCEEDS)                                     \
  X(wt_exn_tag, p_exn_tag, true, SUCCEEDS)                                     \
  X(wt_exn_field_count, p_exn_field_count, true, SUCCEEDS)                     \
  X(wt_exn_field, p_exn_field, true, SUCCEEDS)                                 \
  X(wt_exn_throw, p_exn_throw, true,                                           \
    FAILS(WT_ERROR_EXCEPTION, "exception thrown by the host"))                 \
  X(wt_error_exception, p_error_exception, true, SUCCEEDS)                     \
  X(wt_store_set_fuel, p_store_set_fuel, false, NO_FUEL)                       \
  X(wt_store_fuel, p_store_get_fuel, false, NO_FUEL)                           \
  X(wt_store_fuel_consumed, p_store_fuel_consumed, false, NO_FUEL)             \
  X(wt_store_set_epoch_deadline, p_store_set_epoch_deadline, false, SUCCEEDS)  \
  X(wt_store_set_timeout, p_store_set_timeout, false, SUCCEEDS)                \
  X(wt_store_set_limits, p_store_limits, false, SUCCEEDS)                      \
  X(wt_store_gc, p_store_gc, false, SUCCEEDS)                                  \
  X(wt_store_set_data, p_store_set_data, false, SUCCEEDS)                      \
  X(wt_store_set_wasi, p_store_set_wasi, false, SUCCEEDS)                      \
  X(wt_linker_instantiate, p_linker_instantiate, false, SUCCEEDS)              \
  X(wt_linker_define, p_linker_define, true, SUCCEEDS)                         \
  X(wt_linker_define_instance, p_linker_define_instance, true, SUCCEEDS)      \
  X(wt_component_linker_instantiate, p_component_linker_instantiate, false,    \
    SUCCEEDS)                                                                  \
  X(wt_component_instance_func, p_component_instance_func, true, SUCCEEDS)     \
  X(wt_component_instance_func_path, p_component_instance_func_path, true,     \
    SUCCEEDS)                                                                  \
  X(wt_component_func_call, p_component_func_call, true, SUCCEEDS)             \
  X(wt_component_instance_call, p_component_instance_call, true, SUCCEEDS)     \
  X(wt_component_func_type, p_component_func_type, true, SUCCEEDS)             \
  X(wt_resource_new, p_resource_new, false, SUCCEEDS)                          \
  X(wt_resource_rep, p_resource_rep, true, SUCCEEDS)                           \
  X(wt_resource_drop, p_resource_drop, true, SUCCEEDS)                         \
  X(wt_wasi_run_component, p_wasi_run_component, false,                        \
    FAILS(WT_ERROR_NOT_FOUND, "exports no wasi:cli/run@0.2.x"))
/* END PROBES */

static void check_misuse(wt_error_t *err, const char *function,
                         const char *needle) {
  cr_assert_not_null(err, "%s succeeded", function);
  cr_assert_eq(wt_error_kind(err), WT_ERROR_MISUSE, "%s: %s (%s)", function,
               wt_error_kind_name(wt_error_kind(err)), wt_error_message(err));
  cr_assert(strstr(wt_error_message(err), "wt_") == wt_error_message(err),
            "%s: message does not start with a function name: %s", function,
            wt_error_message(err));
  cr_assert(strstr(wt_error_message(err), needle) != NULL,
            "%s: \"%s\" lacks \"%s\"", function, wt_error_message(err),
            needle);
  wt_error_delete(err);
}

/* The expected result: success when `kind` is 0, else a failure of `kind`
 * whose message contains `text`. */
static void check_result(wt_error_t *err, const char *function, int kind,
                         const char *text) {
  if (!kind) {
    cr_assert_null(err, "%s failed: %s (%s)", function,
                   wt_error_kind_name(wt_error_kind(err)),
                   wt_error_message(err));
    return;
  }
  cr_assert_not_null(err, "%s succeeded, expected a %s error", function,
                     wt_error_kind_name((wt_error_kind_t)kind));
  cr_assert_eq((int)wt_error_kind(err), kind, "%s: %s, expected %s (%s)",
               function, wt_error_kind_name(wt_error_kind(err)),
               wt_error_kind_name((wt_error_kind_t)kind),
               wt_error_message(err));
  cr_assert(strstr(wt_error_message(err), text) != NULL,
            "%s: \"%s\" lacks \"%s\"", function, wt_error_message(err), text);
  wt_error_delete(err);
}

/* Four tests per row, each in its own process: NULL store, deleted store,
 * another store (misuse for rows that take a handle, otherwise the row's
 * result), and the home store, which must give the row's result. */
#define WT_MISUSE_TESTS(fn, probe, handle, ...)                                \
  Test(misuse_matrix, fn##_null_store) {                                       \
    fixture f;                                                                 \
    setup(&f);                                                                 \
    check_misuse(probe(&f, NULL), #fn, "store is NULL");                       \
  }                                                                            \
  Test(misuse_matrix, fn##_deleted_store) {                                    \
    fixture f;                                                                 \
    setup(&f);                                                                 \
    check_misuse(probe(&f, f.dead), #fn, "deleted");                           \
  }                                                                            \
  Test(misuse_matrix, fn##_other_store) {                                      \
    fixture f;                                                                 \
    setup(&f);                                                                 \
    if (handle)                                                                \
      check_misuse(probe(&f, f.other), #fn, "another store");                  \
    else                                                                       \
      check_result(probe(&f, f.other), #fn, __VA_ARGS__);                      \
  }                                                                            \
  Test(misuse_matrix, fn##_home_store) {                                       \
    fixture f;                                                                 \
    setup(&f);                                                                 \
    check_result(probe(&f, f.home), #fn, __VA_ARGS__);                         \
  }
WT_MISUSE_ROWS(WT_MISUSE_TESTS)
