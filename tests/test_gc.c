/* GC objects from the host: struct and array types, structs and arrays
 * shared with real wasm, what an anyref holds, identity, rooting across
 * collections, and every misuse. */
#include <string.h>

#include "helpers.h"

static const char *gc_wat =
    "(module"
    " (type $point (struct (field (mut i32)) (field (mut i64))))"
    " (type $frozen (struct (field i32)))"
    " (type $bytes (array (mut i8)))"
    " (type $shorts (array (mut i16)))"
    " (type $ints (array (mut i32)))"
    " (type $consts (array i32))"
    " (func (export \"get_x\") (param (ref null $point)) (result i32)"
    "   (struct.get $point 0 (local.get 0)))"
    " (func (export \"get_y\") (param (ref null $point)) (result i64)"
    "   (struct.get $point 1 (local.get 0)))"
    " (func (export \"set_x\") (param (ref null $point) i32)"
    "   (struct.set $point 0 (local.get 0) (local.get 1)))"
    " (func (export \"make_point\") (param i32 i64) (result (ref $point))"
    "   (struct.new $point (local.get 0) (local.get 1)))"
    " (func (export \"make_frozen\") (param i32) (result (ref $frozen))"
    "   (struct.new $frozen (local.get 0)))"
    " (func (export \"cast_x\") (param anyref) (result i32)"
    "   (struct.get $point 0 (ref.cast (ref $point) (local.get 0))))"
    " (func (export \"is_point\") (param anyref) (result i32)"
    "   (ref.test (ref $point) (local.get 0)))"
    " (func (export \"is_bytes\") (param anyref) (result i32)"
    "   (ref.test (ref $bytes) (local.get 0)))"
    " (func (export \"len\") (param anyref) (result i32)"
    "   (array.len (ref.cast (ref array) (local.get 0))))"
    " (func (export \"bytes_get_s\") (param (ref null $bytes) i32) (result i32)"
    "   (array.get_s $bytes (local.get 0) (local.get 1)))"
    " (func (export \"bytes_get_u\") (param (ref null $bytes) i32) (result i32)"
    "   (array.get_u $bytes (local.get 0) (local.get 1)))"
    " (func (export \"bytes_set\") (param (ref null $bytes) i32 i32)"
    "   (array.set $bytes (local.get 0) (local.get 1) (local.get 2)))"
    " (func (export \"shorts_get_s\") (param (ref null $shorts) i32)"
    "   (result i32) (array.get_s $shorts (local.get 0) (local.get 1)))"
    " (func (export \"shorts_get_u\") (param (ref null $shorts) i32)"
    "   (result i32) (array.get_u $shorts (local.get 0) (local.get 1)))"
    " (func (export \"make_bytes\") (param i32 i32) (result (ref $bytes))"
    "   (array.new $bytes (local.get 1) (local.get 0)))"
    " (func (export \"make_ints\") (result (ref $ints))"
    "   (array.new_fixed $ints 3 (i32.const 1) (i32.const 2) (i32.const 3)))"
    " (func (export \"make_consts\") (result (ref $consts))"
    "   (array.new_fixed $consts 2 (i32.const 7) (i32.const 8)))"
    " (func (export \"ints_get\") (param (ref null $ints) i32) (result i32)"
    "   (array.get $ints (local.get 0) (local.get 1)))"
    " (func (export \"eq\") (param eqref eqref) (result i32)"
    "   (ref.eq (local.get 0) (local.get 1)))"
    " (func (export \"id\") (param anyref) (result anyref) (local.get 0))"
    " (func (export \"internalize\") (param externref) (result anyref)"
    "   (any.convert_extern (local.get 0)))"
    " (func (export \"i31\") (param i32) (result anyref)"
    "   (ref.i31 (local.get 0)))"
    " (func (export \"null\") (result anyref) (ref.null any)))";

/* A struct type of `n` fields. */
static wt_structtype_t *struct_type(wt_engine_t *engine,
                                    const wt_fieldtype_t *fields, size_t n) {
  wt_structtype_t *t = NULL;
  OK(wt_structtype_new(engine, fields, n, &t));
  return t;
}

static wt_arraytype_t *array_type(wt_engine_t *engine, wt_storage_t storage,
                                  bool is_mutable) {
  wt_fieldtype_t f = {storage, is_mutable};
  wt_arraytype_t *t = NULL;
  OK(wt_arraytype_new(engine, &f, &t));
  return t;
}

/* The host's (mut i32, mut i64) struct type, the shape of wasm's $point. */
static wt_structtype_t *point_type(wt_engine_t *engine) {
  wt_fieldtype_t f[] = {{WT_STORAGE_I32, true}, {WT_STORAGE_I64, true}};
  return struct_type(engine, f, 2);
}

static wt_val_t point(wt_store_t *store, wt_structtype_t *t, int32_t x,
                      int64_t y) {
  wt_val_t f[] = {i32v(x), i64v(y)}, s;
  OK(wt_struct_new(store, t, f, 2, &s));
  return s;
}

static int32_t call_i32(fx_t *fx, wt_instance_t *inst, const char *name,
                        const wt_val_t *args, size_t n) {
  wt_val_t r;
  OK(wt_instance_call(fx->store, inst, name, args, n, &r, 1));
  cr_assert_eq(r.kind, WT_VAL_I32);
  return r.of.i32;
}

Test(gc, struct_types_read_back) {
  wt_engine_t *engine = engine_from(NULL);
  wt_fieldtype_t f[] = {{WT_STORAGE_I8, true},     {WT_STORAGE_I16, false},
                        {WT_STORAGE_F64, true},    {WT_STORAGE_V128, false},
                        {WT_STORAGE_FUNCREF, true}, {WT_STORAGE_EXTERNREF, true},
                        {WT_STORAGE_ANYREF, true}, {WT_STORAGE_EXNREF, false}};
  wt_structtype_t *t = struct_type(engine, f, 8);
  cr_assert_eq(wt_structtype_field_count(t), 8);
  for (size_t i = 0; i < 8; i++) {
    const wt_fieldtype_t *g = wt_structtype_field(t, i);
    cr_assert_not_null(g);
    cr_assert_eq(g->storage, f[i].storage, "field %zu", i);
    cr_assert_eq(g->is_mutable, f[i].is_mutable, "field %zu", i);
  }
  cr_assert_null(wt_structtype_field(t, 8));
  cr_assert_eq(wt_storage_kind(WT_STORAGE_I8), WT_VAL_I32);
  cr_assert_eq(wt_storage_kind(WT_STORAGE_I16), WT_VAL_I32);
  cr_assert_eq(wt_storage_kind(WT_STORAGE_EXNREF), WT_VAL_EXNREF);
  cr_assert_eq((int)wt_storage_kind((wt_storage_t)99), 0xff);
  wt_structtype_t *empty = struct_type(engine, NULL, 0);
  cr_assert_eq(wt_structtype_field_count(empty), 0);
  wt_arraytype_t *a = array_type(engine, WT_STORAGE_I16, false);
  cr_assert_eq(wt_arraytype_elem(a)->storage, WT_STORAGE_I16);
  cr_assert_not(wt_arraytype_elem(a)->is_mutable);
  wt_structtype_delete(t);
  wt_structtype_delete(empty);
  wt_arraytype_delete(a);
  /* Deleted types answer quietly. */
  cr_assert_eq(wt_structtype_field_count(t), 0);
  cr_assert_null(wt_structtype_field(t, 0));
  cr_assert_null(wt_arraytype_elem(a));
  wt_structtype_delete(t);
  wt_arraytype_delete(a);
  wt_engine_delete(engine);
}

Test(gc, host_struct_read_and_written_by_wasm) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_instance_t inst = fx_instantiate(&fx, gc_wat);
  wt_structtype_t *t = point_type(fx.engine);
  wt_val_t s = point(fx.store, t, 3, -4);
  cr_assert_eq(s.kind, WT_VAL_ANYREF);
  /* wasm reads the host's values */
  cr_assert_eq(call_i32(&fx, &inst, "get_x", &s, 1), 3);
  wt_val_t y;
  OK(wt_instance_call(fx.store, &inst, "get_y", &s, 1, &y, 1));
  cr_assert_eq(y.of.i64, -4);
  /* the host sees wasm's write */
  wt_val_t args[] = {s, i32v(99)};
  OK(wt_instance_call(fx.store, &inst, "set_x", args, 2, NULL, 0));
  wt_val_t v;
  OK(wt_struct_field(fx.store, &s, 0, &v));
  cr_assert_eq(v.kind, WT_VAL_I32);
  cr_assert_eq(v.of.i32, 99);
  /* and wasm sees the host's */
  wt_val_t nv = i32v(-12);
  OK(wt_struct_set_field(fx.store, &s, 0, &nv));
  cr_assert_eq(call_i32(&fx, &inst, "get_x", &s, 1), -12);
  nv = i64v(INT64_MIN);
  OK(wt_struct_set_field(fx.store, &s, 1, &nv));
  OK(wt_instance_call(fx.store, &inst, "get_y", &s, 1, &y, 1));
  cr_assert_eq(y.of.i64, INT64_MIN);
  wt_structtype_delete(t);
  /* the struct keeps its type: it works after the type is deleted */
  cr_assert_eq(call_i32(&fx, &inst, "cast_x", &s, 1), -12);
  fx_teardown(&fx);
}

Test(gc, host_struct_is_the_wasm_type_of_the_same_shape) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_instance_t inst = fx_instantiate(&fx, gc_wat);
  wt_structtype_t *t = point_type(fx.engine);
  wt_val_t s = point(fx.store, t, 5, 6);
  /* ref.test and ref.cast to wasm's $point succeed for the host's type */
  cr_assert_eq(call_i32(&fx, &inst, "is_point", &s, 1), 1);
  cr_assert_eq(call_i32(&fx, &inst, "cast_x", &s, 1), 5);
  /* another shape (an immutable first field) is another type */
  wt_fieldtype_t f[] = {{WT_STORAGE_I32, false}, {WT_STORAGE_I64, true}};
  wt_structtype_t *other = struct_type(fx.engine, f, 2);
  wt_val_t o;
  wt_val_t fv[] = {i32v(1), i64v(2)};
  OK(wt_struct_new(fx.store, other, fv, 2, &o));
  cr_assert_eq(call_i32(&fx, &inst, "is_point", &o, 1), 0);
  wt_val_t r;
  expect_trap(wt_instance_call(fx.store, &inst, "cast_x", &o, 1, &r, 1),
              WT_TRAP_CAST_FAILURE);
  /* a parameter of type (ref null $point) refuses it before wasm runs */
  wt_error_t *err = wt_instance_call(fx.store, &inst, "get_x", &o, 1, &r, 1);
  cr_assert_not_null(err);
  cr_assert(strstr(wt_error_message(err), "type mismatch") != NULL, "%s",
            wt_error_message(err));
  wt_error_delete(err);
  /* a struct wasm made has the host type's shape and is that type */
  wt_val_t a[] = {i32v(8), i64v(9)}, w;
  OK(wt_instance_call(fx.store, &inst, "make_point", a, 2, &w, 1));
  wt_structtype_t *wt_t = NULL;
  OK(wt_struct_type(fx.store, &w, &wt_t));
  cr_assert_eq(wt_structtype_field_count(wt_t), 2);
  cr_assert_eq(wt_structtype_field(wt_t, 1)->storage, WT_STORAGE_I64);
  cr_assert(wt_structtype_field(wt_t, 1)->is_mutable);
  /* a struct made from the type read back passes as $point too */
  wt_val_t again = point(fx.store, wt_t, 10, 11);
  cr_assert_eq(call_i32(&fx, &inst, "get_x", &again, 1), 10);
  wt_structtype_delete(t);
  wt_structtype_delete(other);
  wt_structtype_delete(wt_t);
  fx_teardown(&fx);
}

Test(gc, wasm_made_structs_inspected_by_the_host) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_instance_t inst = fx_instantiate(&fx, gc_wat);
  wt_val_t a[] = {i32v(-1), i64v(1LL << 40)}, s;
  OK(wt_instance_call(fx.store, &inst, "make_point", a, 2, &s, 1));
  cr_assert_eq(s.kind, WT_VAL_ANYREF);
  wt_anyref_kind_t k;
  OK(wt_anyref_kind(fx.store, &s, &k));
  cr_assert_eq(k, WT_ANYREF_STRUCT);
  wt_val_t v;
  OK(wt_struct_field(fx.store, &s, 0, &v));
  cr_assert_eq(v.of.i32, -1);
  OK(wt_struct_field(fx.store, &s, 1, &v));
  cr_assert_eq(v.kind, WT_VAL_I64);
  cr_assert_eq(v.of.i64, 1LL << 40);
  /* an immutable field wasm defined */
  wt_val_t seven = i32v(7), fr;
  OK(wt_instance_call(fx.store, &inst, "make_frozen", &seven, 1, &fr, 1));
  wt_structtype_t *ft = NULL;
  OK(wt_struct_type(fx.store, &fr, &ft));
  cr_assert_eq(wt_structtype_field_count(ft), 1);
  cr_assert_not(wt_structtype_field(ft, 0)->is_mutable);
  OK(wt_struct_field(fx.store, &fr, 0, &v));
  cr_assert_eq(v.of.i32, 7);
  EXPECT_ERROR(wt_struct_set_field(fx.store, &fr, 0, &seven), WT_ERROR_MISUSE,
               "field 0 is immutable");
  wt_structtype_delete(ft);
  fx_teardown(&fx);
}

Test(gc, reference_fields_hold_references) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_instance_t inst = fx_instantiate(&fx, gc_wat);
  wt_fieldtype_t f[] = {{WT_STORAGE_EXTERNREF, true},
                        {WT_STORAGE_ANYREF, true},
                        {WT_STORAGE_FUNCREF, true}};
  wt_structtype_t *t = struct_type(fx.engine, f, 3);
  int payload = 1;
  wt_val_t ext, inner, fn;
  OK(wt_externref_new(fx.store, &payload, NULL, &ext));
  OK(wt_anyref_i31(fx.store, 77, &inner));
  OK(wt_instance_func(fx.store, &inst, "null", &fn.of.funcref));
  fn.kind = WT_VAL_FUNCREF;
  wt_val_t vals[] = {ext, inner, fn}, s;
  OK(wt_struct_new(fx.store, t, vals, 3, &s));
  wt_val_t v;
  OK(wt_struct_field(fx.store, &s, 0, &v));
  void *data;
  OK(wt_externref_data(fx.store, &v, &data));
  cr_assert_eq(data, &payload);
  OK(wt_struct_field(fx.store, &s, 1, &v));
  int32_t i;
  OK(wt_anyref_i31_get(fx.store, &v, false, &i));
  cr_assert_eq(i, 77);
  OK(wt_struct_field(fx.store, &s, 2, &v));
  cr_assert_eq(v.kind, WT_VAL_FUNCREF);
  wt_val_t r;
  OK(wt_func_call(fx.store, &v.of.funcref, NULL, 0, &r, 1));
  cr_assert_eq(r.kind, WT_VAL_ANYREF);
  /* a struct in a struct's anyref field, and nulls */
  OK(wt_struct_set_field(fx.store, &s, 1, &s));
  OK(wt_struct_field(fx.store, &s, 1, &v));
  bool same;
  OK(wt_anyref_eq(fx.store, &v, &s, &same));
  cr_assert(same);
  wt_val_t null_ext = {.kind = WT_VAL_EXTERNREF};
  OK(wt_struct_set_field(fx.store, &s, 0, &null_ext));
  OK(wt_struct_field(fx.store, &s, 0, &v));
  OK(wt_externref_data(fx.store, &v, &data));
  cr_assert_null(data);
  wt_structtype_delete(t);
  fx_teardown(&fx);
}

Test(gc, packed_fields_wrap_and_extend) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_instance_t inst = fx_instantiate(&fx, gc_wat);
  wt_arraytype_t *bt = array_type(fx.engine, WT_STORAGE_I8, true);
  wt_arraytype_t *st = array_type(fx.engine, WT_STORAGE_I16, true);
  wt_val_t fill = i32v(0x1ff), b; /* wraps to 0xff */
  OK(wt_array_new(fx.store, bt, 4, &fill, &b));
  wt_val_t v;
  OK(wt_array_get(fx.store, &b, 0, &v));
  cr_assert_eq(v.of.i32, 0xff, "the host reads packed values zero-extended");
  wt_val_t a0[] = {b, i32v(0)};
  cr_assert_eq(call_i32(&fx, &inst, "bytes_get_s", a0, 2), -1);
  cr_assert_eq(call_i32(&fx, &inst, "bytes_get_u", a0, 2), 255);
  wt_val_t e = i32v(-128);
  OK(wt_array_set(fx.store, &b, 1, &e));
  wt_val_t a1[] = {b, i32v(1)};
  cr_assert_eq(call_i32(&fx, &inst, "bytes_get_s", a1, 2), -128);
  cr_assert_eq(call_i32(&fx, &inst, "bytes_get_u", a1, 2), 128);
  wt_val_t a2[] = {b, i32v(2), i32v(0x17f)};
  OK(wt_instance_call(fx.store, &inst, "bytes_set", a2, 3, NULL, 0));
  OK(wt_array_get(fx.store, &b, 2, &v));
  cr_assert_eq(v.of.i32, 0x7f);
  /* i16 */
  wt_val_t elems[] = {i32v(-2), i32v(0x12345), i32v(0x8000)}, s;
  OK(wt_array_new_fixed(fx.store, st, elems, 3, &s));
  OK(wt_array_get(fx.store, &s, 0, &v));
  cr_assert_eq(v.of.i32, 0xfffe);
  OK(wt_array_get(fx.store, &s, 1, &v));
  cr_assert_eq(v.of.i32, 0x2345);
  wt_val_t s0[] = {s, i32v(0)}, s2[] = {s, i32v(2)};
  cr_assert_eq(call_i32(&fx, &inst, "shorts_get_s", s0, 2), -2);
  cr_assert_eq(call_i32(&fx, &inst, "shorts_get_u", s0, 2), 0xfffe);
  cr_assert_eq(call_i32(&fx, &inst, "shorts_get_s", s2, 2), -32768);
  cr_assert_eq(call_i32(&fx, &inst, "shorts_get_u", s2, 2), 32768);
  /* packed struct fields likewise */
  wt_fieldtype_t f[] = {{WT_STORAGE_I8, true}, {WT_STORAGE_I16, true}};
  wt_structtype_t *pt = struct_type(fx.engine, f, 2);
  wt_val_t fv[] = {i32v(-1), i32v(-1)}, p;
  OK(wt_struct_new(fx.store, pt, fv, 2, &p));
  OK(wt_struct_field(fx.store, &p, 0, &v));
  cr_assert_eq(v.of.i32, 0xff);
  OK(wt_struct_field(fx.store, &p, 1, &v));
  cr_assert_eq(v.of.i32, 0xffff);
  wt_structtype_delete(pt);
  wt_arraytype_delete(bt);
  wt_arraytype_delete(st);
  fx_teardown(&fx);
}

Test(gc, arrays_shared_with_wasm) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_instance_t inst = fx_instantiate(&fx, gc_wat);
  /* wasm makes arrays; the host reads their length, type and elements */
  wt_val_t a[] = {i32v(5), i32v(-3)}, b;
  OK(wt_instance_call(fx.store, &inst, "make_bytes", a, 2, &b, 1));
  uint32_t len;
  OK(wt_array_len(fx.store, &b, &len));
  cr_assert_eq(len, 5);
  cr_assert_eq(call_i32(&fx, &inst, "len", &b, 1), 5);
  wt_arraytype_t *bt = NULL;
  OK(wt_array_type(fx.store, &b, &bt));
  cr_assert_eq(wt_arraytype_elem(bt)->storage, WT_STORAGE_I8);
  cr_assert(wt_arraytype_elem(bt)->is_mutable);
  wt_val_t v;
  OK(wt_array_get(fx.store, &b, 4, &v));
  cr_assert_eq(v.of.i32, 0xfd);
  wt_val_t ints;
  OK(wt_instance_call(fx.store, &inst, "make_ints", NULL, 0, &ints, 1));
  for (uint32_t i = 0; i < 3; i++) {
    OK(wt_array_get(fx.store, &ints, i, &v));
    cr_assert_eq(v.of.i32, (int32_t)i + 1);
  }
  /* the host writes, wasm reads */
  wt_val_t e = i32v(42);
  OK(wt_array_set(fx.store, &ints, 2, &e));
  wt_val_t g[] = {ints, i32v(2)};
  cr_assert_eq(call_i32(&fx, &inst, "ints_get", g, 2), 42);
  /* a host array of wasm's $bytes shape is $bytes */
  wt_val_t fill = i32v(1), hb;
  OK(wt_array_new(fx.store, bt, 3, &fill, &hb));
  cr_assert_eq(call_i32(&fx, &inst, "is_bytes", &hb, 1), 1);
  cr_assert_eq(call_i32(&fx, &inst, "len", &hb, 1), 3);
  /* an empty array, and one of elements given in order */
  wt_arraytype_t *it = array_type(fx.engine, WT_STORAGE_I32, true);
  wt_val_t empty;
  OK(wt_array_new_fixed(fx.store, it, NULL, 0, &empty));
  OK(wt_array_len(fx.store, &empty, &len));
  cr_assert_eq(len, 0);
  wt_val_t el[] = {i32v(10), i32v(20), i32v(30)}, fixed;
  OK(wt_array_new_fixed(fx.store, it, el, 3, &fixed));
  wt_val_t g1[] = {fixed, i32v(1)};
  cr_assert_eq(call_i32(&fx, &inst, "ints_get", g1, 2), 20);
  /* immutable elements wasm made */
  wt_val_t consts;
  OK(wt_instance_call(fx.store, &inst, "make_consts", NULL, 0, &consts, 1));
  OK(wt_array_get(fx.store, &consts, 1, &v));
  cr_assert_eq(v.of.i32, 8);
  EXPECT_ERROR(wt_array_set(fx.store, &consts, 0, &e), WT_ERROR_MISUSE,
               "immutable");
  wt_arraytype_delete(bt);
  wt_arraytype_delete(it);
  fx_teardown(&fx);
}

Test(gc, anyref_kinds) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_instance_t inst = fx_instantiate(&fx, gc_wat);
  wt_anyref_kind_t k;
  wt_val_t v, null = {.kind = WT_VAL_ANYREF};
  OK(wt_anyref_kind(fx.store, &null, &k));
  cr_assert_eq(k, WT_ANYREF_NULL);
  OK(wt_instance_call(fx.store, &inst, "null", NULL, 0, &v, 1));
  OK(wt_anyref_kind(fx.store, &v, &k));
  cr_assert_eq(k, WT_ANYREF_NULL);
  OK(wt_anyref_i31(fx.store, 5, &v));
  OK(wt_anyref_kind(fx.store, &v, &k));
  cr_assert_eq(k, WT_ANYREF_I31);
  wt_val_t n = i32v(6);
  OK(wt_instance_call(fx.store, &inst, "i31", &n, 1, &v, 1));
  OK(wt_anyref_kind(fx.store, &v, &k));
  cr_assert_eq(k, WT_ANYREF_I31);
  wt_structtype_t *t = point_type(fx.engine);
  v = point(fx.store, t, 1, 2);
  OK(wt_anyref_kind(fx.store, &v, &k));
  cr_assert_eq(k, WT_ANYREF_STRUCT);
  OK(wt_instance_call(fx.store, &inst, "make_ints", NULL, 0, &v, 1));
  OK(wt_anyref_kind(fx.store, &v, &k));
  cr_assert_eq(k, WT_ANYREF_ARRAY);
  wt_arraytype_t *at = array_type(fx.engine, WT_STORAGE_F32, false);
  wt_val_t f = {.kind = WT_VAL_F32, .of.f32 = 1.5f};
  OK(wt_array_new(fx.store, at, 2, &f, &v));
  OK(wt_anyref_kind(fx.store, &v, &k));
  cr_assert_eq(k, WT_ANYREF_ARRAY);
  OK(wt_array_get(fx.store, &v, 1, &f));
  cr_assert_eq(f.of.f32, 1.5f);
  /* an externref made an anyref by wasm is neither */
  wt_val_t ext;
  OK(wt_externref_new(fx.store, NULL, NULL, &ext));
  OK(wt_instance_call(fx.store, &inst, "internalize", &ext, 1, &v, 1));
  OK(wt_anyref_kind(fx.store, &v, &k));
  cr_assert_eq(k, WT_ANYREF_EXTERN);
  EXPECT_ERROR(wt_struct_field(fx.store, &v, 0, &f), WT_ERROR_MISUSE,
               "a host reference, not a struct");
  wt_structtype_delete(t);
  wt_arraytype_delete(at);
  fx_teardown(&fx);
}

Test(gc, identity_as_ref_eq) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_instance_t inst = fx_instantiate(&fx, gc_wat);
  wt_structtype_t *t = point_type(fx.engine);
  wt_val_t a = point(fx.store, t, 1, 2), b = point(fx.store, t, 1, 2);
  wt_val_t back;
  OK(wt_instance_call(fx.store, &inst, "id", &a, 1, &back, 1));
  cr_assert_neq(back.of.ref.slot_, a.of.ref.slot_, "a second hold");
  bool eq;
  OK(wt_anyref_eq(fx.store, &a, &back, &eq));
  cr_assert(eq);
  OK(wt_anyref_eq(fx.store, &a, &b, &eq));
  cr_assert_not(eq, "equal contents, different structs");
  wt_val_t ab[] = {a, back}, aa[] = {a, b};
  cr_assert_eq(call_i32(&fx, &inst, "eq", ab, 2), 1);
  cr_assert_eq(call_i32(&fx, &inst, "eq", aa, 2), 0);
  wt_val_t i1, i2, i3, null = {.kind = WT_VAL_ANYREF};
  OK(wt_anyref_i31(fx.store, 9, &i1));
  OK(wt_anyref_i31(fx.store, 9, &i2));
  OK(wt_anyref_i31(fx.store, 10, &i3));
  OK(wt_anyref_eq(fx.store, &i1, &i2, &eq));
  cr_assert(eq);
  OK(wt_anyref_eq(fx.store, &i1, &i3, &eq));
  cr_assert_not(eq);
  OK(wt_anyref_eq(fx.store, &null, &null, &eq));
  cr_assert(eq);
  OK(wt_anyref_eq(fx.store, &null, &a, &eq));
  cr_assert_not(eq);
  /* still true after a collection */
  OK(wt_store_gc(fx.store));
  OK(wt_anyref_eq(fx.store, &back, &a, &eq));
  cr_assert(eq);
  wt_structtype_delete(t);
  fx_teardown(&fx);
}

/* host.bump(anyref) -> anyref: adds one to field 0 of the struct it is
 * given and returns the struct. */
static wt_error_t *bump(void *env, wt_caller_t *caller, const wt_val_t *args,
                        size_t nargs, wt_val_t *results, size_t nresults) {
  wt_store_t *store = wt_caller_store(caller);
  wt_val_t x;
  wt_error_t *err = wt_struct_field(store, &args[0], 0, &x);
  if (err)
    return err;
  x.of.i32++;
  if ((err = wt_struct_set_field(store, &args[0], 0, &x)) != NULL)
    return err;
  results[0] = args[0];
  return NULL;
}

Test(gc, host_functions_take_and_return_structs) {
  fx_t fx;
  fx_setup(&fx, NULL);
  OK(wt_linker_define_func(fx.linker, "host", "bump", "anyref -> anyref",
                           bump, NULL, NULL));
  wt_instance_t inst = fx_instantiate(
      &fx, "(module (type $point (struct (field (mut i32)) (field (mut i64))))"
           " (import \"host\" \"bump\" (func $bump (param anyref) (result anyref)))"
           " (func (export \"run\") (result i32) (local $p (ref $point))"
           "   (local.set $p (struct.new $point (i32.const 41) (i64.const 0)))"
           "   (drop (call $bump (local.get $p)))"
           "   (struct.get $point 0 (ref.cast (ref $point)"
           "     (call $bump (local.get $p))))))");
  cr_assert_eq(call_i32(&fx, &inst, "run", NULL, 0), 43);
  fx_teardown(&fx);
}

static int finals;
static void count_final(void *data) { finals++; }

Test(gc, objects_survive_collections_until_released) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_instance_t inst = fx_instantiate(&fx, gc_wat);
  wt_fieldtype_t f[] = {{WT_STORAGE_EXTERNREF, false}};
  wt_structtype_t *t = struct_type(fx.engine, f, 1);
  finals = 0;
  wt_val_t ext, s;
  OK(wt_externref_new(fx.store, &finals, count_final, &ext));
  OK(wt_struct_new(fx.store, t, &ext, 1, &s));
  wt_ref_release(fx.store, &ext); /* only the struct holds it now */
  /* many allocations and collections later the struct is intact */
  wt_structtype_t *pt = point_type(fx.engine);
  for (int i = 0; i < 2000; i++) {
    wt_val_t p = point(fx.store, pt, i, i);
    wt_ref_release(fx.store, &p);
  }
  OK(wt_store_gc(fx.store));
  OK(wt_store_gc(fx.store));
  cr_assert_eq(finals, 0);
  wt_val_t v;
  OK(wt_struct_field(fx.store, &s, 0, &v));
  void *data;
  OK(wt_externref_data(fx.store, &v, &data));
  cr_assert_eq(data, &finals);
  wt_ref_release(fx.store, &v);
  wt_val_t wasm_made;
  wt_val_t a[] = {i32v(1), i64v(2)};
  OK(wt_instance_call(fx.store, &inst, "make_point", a, 2, &wasm_made, 1));
  OK(wt_store_gc(fx.store));
  OK(wt_struct_field(fx.store, &wasm_made, 1, &v));
  cr_assert_eq(v.of.i64, 2);
  /* released, the struct goes at the next collection, and so does the
   * externref it held */
  wt_val_t stale = s;
  wt_ref_release(fx.store, &s);
  OK(wt_store_gc(fx.store));
  cr_assert_eq(finals, 1);
  EXPECT_ERROR(wt_struct_field(fx.store, &stale, 0, &v), WT_ERROR_MISUSE,
               "released");
  wt_structtype_delete(t);
  wt_structtype_delete(pt);
  fx_teardown(&fx);
}

Test(gc, the_store_reuses_one_allocator_per_type) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_instance_t inst = fx_instantiate(&fx, gc_wat);
  wt_structtype_t *t = point_type(fx.engine);
  wt_arraytype_t *at = array_type(fx.engine, WT_STORAGE_I64, true);
  /* many structs and arrays of two types, in two stores */
  wt_store_t *other;
  OK(wt_store_new(fx.engine, NULL, NULL, &other));
  for (int i = 0; i < 500; i++) {
    wt_val_t s = point(fx.store, t, i, -i);
    wt_val_t s2 = point(other, t, i, i);
    wt_val_t e = i64v(i), arr;
    OK(wt_array_new(fx.store, at, 2, &e, &arr));
    if (i == 499) {
      cr_assert_eq(call_i32(&fx, &inst, "get_x", &s, 1), 499);
      wt_val_t v;
      OK(wt_array_get(fx.store, &arr, 1, &v));
      cr_assert_eq(v.of.i64, 499);
      OK(wt_struct_field(other, &s2, 0, &v));
      cr_assert_eq(v.of.i32, 499);
    }
    wt_ref_release(fx.store, &s);
    wt_ref_release(fx.store, &arr);
    wt_ref_release(other, &s2);
  }
  wt_store_delete(other);
  wt_structtype_delete(t);
  wt_arraytype_delete(at);
  fx_teardown(&fx);
}

Test(gc, struct_misuse) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_instance_t inst = fx_instantiate(&fx, gc_wat);
  wt_structtype_t *t = point_type(fx.engine);
  wt_val_t s = point(fx.store, t, 1, 2), v, out;
  wt_val_t one[] = {i32v(1)}, wrong[] = {i32v(1), i32v(2)};
  EXPECT_ERROR(wt_struct_new(fx.store, t, one, 1, &out), WT_ERROR_MISUSE,
               "got 1 field for a struct type of 2");
  EXPECT_ERROR(wt_struct_new(fx.store, t, wrong, 2, &out), WT_ERROR_MISUSE,
               "field 1 is i32, expected i64");
  EXPECT_ERROR(wt_struct_new(fx.store, NULL, one, 1, &out), WT_ERROR_MISUSE,
               "type is NULL or deleted");
  EXPECT_ERROR(wt_struct_new(fx.store, t, NULL, 2, &out), WT_ERROR_MISUSE,
               "fields or out is NULL");
  EXPECT_ERROR(wt_struct_new(fx.store, t, wrong, 2, NULL), WT_ERROR_MISUSE,
               "fields or out is NULL");
  EXPECT_ERROR(wt_struct_field(fx.store, &s, 2, &v), WT_ERROR_MISUSE,
               "field 2 is out of range: the struct has 2 fields");
  wt_val_t i64 = i64v(1), i32 = i32v(1);
  EXPECT_ERROR(wt_struct_set_field(fx.store, &s, 0, &i64), WT_ERROR_MISUSE,
               "field 0 is i64, expected i32");
  EXPECT_ERROR(wt_struct_set_field(fx.store, &s, 5, &i32), WT_ERROR_MISUSE,
               "field 5 is out of range");
  EXPECT_ERROR(wt_struct_set_field(fx.store, &s, 0, NULL), WT_ERROR_MISUSE,
               "field is NULL");
  EXPECT_ERROR(wt_struct_field(fx.store, &s, 0, NULL), WT_ERROR_MISUSE,
               "out is NULL");
  EXPECT_ERROR(wt_struct_field(fx.store, NULL, 0, &v), WT_ERROR_MISUSE,
               "value is NULL");
  EXPECT_ERROR(wt_struct_field(fx.store, &i32, 0, &v), WT_ERROR_MISUSE,
               "value is i32, not anyref");
  wt_val_t null = {.kind = WT_VAL_ANYREF}, i31;
  EXPECT_ERROR(wt_struct_field(fx.store, &null, 0, &v), WT_ERROR_MISUSE,
               "the anyref is a null reference, not a struct");
  OK(wt_anyref_i31(fx.store, 3, &i31));
  EXPECT_ERROR(wt_struct_field(fx.store, &i31, 0, &v), WT_ERROR_MISUSE,
               "the anyref is an i31ref, not a struct");
  wt_val_t arr;
  OK(wt_instance_call(fx.store, &inst, "make_ints", NULL, 0, &arr, 1));
  EXPECT_ERROR(wt_struct_field(fx.store, &arr, 0, &v), WT_ERROR_MISUSE,
               "the anyref is an array, not a struct");
  EXPECT_ERROR(wt_struct_type(fx.store, &arr, NULL), WT_ERROR_MISUSE,
               "out is NULL");
  wt_structtype_t *st;
  EXPECT_ERROR(wt_struct_type(fx.store, &arr, &st), WT_ERROR_MISUSE,
               "not a struct");
  /* a released struct, and a released reference given as a field */
  wt_val_t stale = s;
  wt_ref_release(fx.store, &s);
  EXPECT_ERROR(wt_struct_field(fx.store, &stale, 0, &v), WT_ERROR_MISUSE,
               "anyref was released");
  EXPECT_ERROR(wt_struct_set_field(fx.store, &stale, 0, &i32),
               WT_ERROR_MISUSE, "anyref was released");
  EXPECT_ERROR(wt_struct_type(fx.store, &stale, &st), WT_ERROR_MISUSE,
               "anyref was released");
  wt_fieldtype_t af[] = {{WT_STORAGE_ANYREF, true}};
  wt_structtype_t *at = struct_type(fx.engine, af, 1);
  EXPECT_ERROR(wt_struct_new(fx.store, at, &stale, 1, &out), WT_ERROR_MISUSE,
               "field 0: anyref was released");
  wt_val_t live = point(fx.store, t, 1, 1);
  wt_val_t s1;
  OK(wt_struct_new(fx.store, at, &live, 1, &s1));
  EXPECT_ERROR(wt_struct_set_field(fx.store, &s1, 0, &stale),
               WT_ERROR_MISUSE, "field 0: anyref was released");
  /* a deleted type */
  wt_structtype_t *gone = point_type(fx.engine);
  wt_structtype_delete(gone);
  EXPECT_ERROR(wt_struct_new(fx.store, gone, wrong, 2, &out),
               WT_ERROR_MISUSE, "type is NULL or deleted");
  wt_structtype_delete(t);
  wt_structtype_delete(at);
  fx_teardown(&fx);
}

Test(gc, array_misuse) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_arraytype_t *t = array_type(fx.engine, WT_STORAGE_I32, true);
  wt_arraytype_t *frozen = array_type(fx.engine, WT_STORAGE_I32, false);
  wt_val_t fill = i32v(1), a, v, i64 = i64v(1);
  OK(wt_array_new(fx.store, t, 2, &fill, &a));
  EXPECT_ERROR(wt_array_get(fx.store, &a, 2, &v), WT_ERROR_MISUSE,
               "index 2 is out of range: the array has 2 elements");
  EXPECT_ERROR(wt_array_set(fx.store, &a, 2, &fill), WT_ERROR_MISUSE,
               "index 2 is out of range");
  EXPECT_ERROR(wt_array_set(fx.store, &a, 0, &i64), WT_ERROR_MISUSE,
               "element 0 is i64, expected i32");
  EXPECT_ERROR(wt_array_set(fx.store, &a, 0, NULL), WT_ERROR_MISUSE,
               "elem is NULL");
  EXPECT_ERROR(wt_array_get(fx.store, &a, 0, NULL), WT_ERROR_MISUSE,
               "out is NULL");
  EXPECT_ERROR(wt_array_len(fx.store, &a, NULL), WT_ERROR_MISUSE,
               "len is NULL");
  EXPECT_ERROR(wt_array_type(fx.store, &a, NULL), WT_ERROR_MISUSE,
               "out is NULL");
  EXPECT_ERROR(wt_array_new(fx.store, t, 2, &i64, &v), WT_ERROR_MISUSE,
               "element 0 is i64, expected i32");
  EXPECT_ERROR(wt_array_new(fx.store, t, 2, NULL, &v), WT_ERROR_MISUSE,
               "fill or out is NULL");
  EXPECT_ERROR(wt_array_new(fx.store, NULL, 2, &fill, &v), WT_ERROR_MISUSE,
               "type is NULL or deleted");
  wt_val_t two[] = {i32v(1), i32v(2)}, bad[] = {i32v(1), i64v(2)};
  EXPECT_ERROR(wt_array_new_fixed(fx.store, t, bad, 2, &v), WT_ERROR_MISUSE,
               "element 1 is i64, expected i32");
  EXPECT_ERROR(wt_array_new_fixed(fx.store, t, NULL, 2, &v), WT_ERROR_MISUSE,
               "elems or out is NULL");
  EXPECT_ERROR(wt_array_new_fixed(fx.store, frozen, two, 2, &v),
               WT_ERROR_MISUSE, "the elements are immutable");
  wt_val_t f1;
  OK(wt_array_new_fixed(fx.store, frozen, two, 1, &f1));
  OK(wt_array_get(fx.store, &f1, 0, &v));
  cr_assert_eq(v.of.i32, 1);
  EXPECT_ERROR(wt_array_set(fx.store, &f1, 0, &fill), WT_ERROR_MISUSE,
               "the array's elements are immutable");
  /* not arrays */
  wt_val_t i31, null = {.kind = WT_VAL_ANYREF};
  OK(wt_anyref_i31(fx.store, 1, &i31));
  uint32_t len;
  EXPECT_ERROR(wt_array_len(fx.store, &i31, &len), WT_ERROR_MISUSE,
               "the anyref is an i31ref, not an array");
  EXPECT_ERROR(wt_array_len(fx.store, &null, &len), WT_ERROR_MISUSE,
               "a null reference, not an array");
  EXPECT_ERROR(wt_array_get(fx.store, &fill, 0, &v), WT_ERROR_MISUSE,
               "value is i32, not anyref");
  wt_val_t stale = a;
  wt_ref_release(fx.store, &a);
  EXPECT_ERROR(wt_array_len(fx.store, &stale, &len), WT_ERROR_MISUSE,
               "anyref was released");
  EXPECT_ERROR(wt_array_get(fx.store, &stale, 0, &v), WT_ERROR_MISUSE,
               "anyref was released");
  EXPECT_ERROR(wt_array_set(fx.store, &stale, 0, &fill), WT_ERROR_MISUSE,
               "anyref was released");
  wt_arraytype_delete(t);
  wt_arraytype_delete(frozen);
  fx_teardown(&fx);
}

Test(gc, type_misuse) {
  wt_engine_t *engine = engine_from(NULL);
  wt_fieldtype_t f = {WT_STORAGE_I32, true}, bad = {(wt_storage_t)12, true};
  wt_structtype_t *st;
  wt_arraytype_t *at;
  EXPECT_ERROR(wt_structtype_new(NULL, &f, 1, &st), WT_ERROR_MISUSE,
               "engine is NULL or deleted");
  EXPECT_ERROR(wt_structtype_new(engine, NULL, 1, &st), WT_ERROR_MISUSE,
               "fields is NULL with 1 fields");
  EXPECT_ERROR(wt_structtype_new(engine, &f, 1, NULL), WT_ERROR_MISUSE,
               "out is NULL");
  EXPECT_ERROR(wt_structtype_new(engine, &bad, 1, &st), WT_ERROR_MISUSE,
               "field 0: 12 is not a wt_storage_t");
  EXPECT_ERROR(wt_structtype_new(engine, &f, 10001, &st), WT_ERROR_MISUSE,
               "10001 fields: a struct type has at most 10000");
  EXPECT_ERROR(wt_arraytype_new(NULL, &f, &at), WT_ERROR_MISUSE,
               "engine is NULL or deleted");
  EXPECT_ERROR(wt_arraytype_new(engine, NULL, &at), WT_ERROR_MISUSE,
               "elem or out is NULL");
  EXPECT_ERROR(wt_arraytype_new(engine, &bad, &at), WT_ERROR_MISUSE,
               "12 is not a wt_storage_t");
  /* a type of another engine */
  wt_engine_t *other = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(other, NULL, NULL, &store));
  OK(wt_structtype_new(engine, &f, 1, &st));
  OK(wt_arraytype_new(engine, &f, &at));
  wt_val_t one = i32v(1), out;
  EXPECT_ERROR(wt_struct_new(store, st, &one, 1, &out), WT_ERROR_MISUSE,
               "type belongs to another engine");
  EXPECT_ERROR(wt_array_new(store, at, 1, &one, &out), WT_ERROR_MISUSE,
               "type belongs to another engine");
  EXPECT_ERROR(wt_array_new_fixed(store, at, &one, 1, &out), WT_ERROR_MISUSE,
               "type belongs to another engine");
  /* the engine lives on while a type does */
  wt_engine_delete(engine);
  wt_store_t *s2;
  EXPECT_ERROR(wt_store_new(engine, NULL, NULL, &s2), WT_ERROR_MISUSE,
               "engine is NULL or deleted");
  cr_assert_eq(wt_structtype_field_count(st), 1);
  wt_structtype_delete(st);
  wt_arraytype_delete(at);
  wt_store_delete(store);
  wt_engine_delete(other);
}

Test(gc, references_of_another_store_are_misuse) {
  fx_t fx;
  fx_setup(&fx, NULL);
  wt_store_t *other;
  OK(wt_store_new(fx.engine, NULL, NULL, &other));
  wt_structtype_t *t = point_type(fx.engine);
  wt_val_t s = point(fx.store, t, 1, 2), v;
  wt_val_t i32 = i32v(3);
  EXPECT_ERROR(wt_struct_field(other, &s, 0, &v), WT_ERROR_MISUSE,
               "anyref belongs to another store");
  EXPECT_ERROR(wt_struct_set_field(other, &s, 0, &i32), WT_ERROR_MISUSE,
               "anyref belongs to another store");
  wt_anyref_kind_t k;
  EXPECT_ERROR(wt_anyref_kind(other, &s, &k), WT_ERROR_MISUSE,
               "anyref belongs to another store");
  bool eq;
  wt_val_t mine = point(other, t, 1, 2);
  EXPECT_ERROR(wt_anyref_eq(other, &mine, &s, &eq), WT_ERROR_MISUSE,
               "anyref belongs to another store");
  EXPECT_ERROR(wt_anyref_eq(other, &mine, &mine, NULL), WT_ERROR_MISUSE,
               "out is NULL");
  EXPECT_ERROR(wt_anyref_kind(other, &mine, NULL), WT_ERROR_MISUSE,
               "out is NULL");
  wt_val_t ext = {.kind = WT_VAL_EXTERNREF};
  EXPECT_ERROR(wt_anyref_kind(other, &ext, &k), WT_ERROR_MISUSE,
               "value is externref, not anyref");
  /* a field value of another store */
  wt_fieldtype_t af[] = {{WT_STORAGE_ANYREF, true}};
  wt_structtype_t *at = struct_type(fx.engine, af, 1);
  wt_val_t out;
  EXPECT_ERROR(wt_struct_new(other, at, &s, 1, &out), WT_ERROR_MISUSE,
               "field 0: anyref belongs to another store");
  wt_arraytype_t *arr = array_type(fx.engine, WT_STORAGE_ANYREF, true);
  EXPECT_ERROR(wt_array_new(other, arr, 1, &s, &out), WT_ERROR_MISUSE,
               "element 0: anyref belongs to another store");
  wt_val_t a;
  OK(wt_array_new(fx.store, arr, 1, &s, &a));
  uint32_t len;
  EXPECT_ERROR(wt_array_len(other, &a, &len), WT_ERROR_MISUSE,
               "anyref belongs to another store");
  EXPECT_ERROR(wt_array_set(fx.store, &a, 0, &mine), WT_ERROR_MISUSE,
               "element 0: anyref belongs to another store");
  wt_structtype_delete(t);
  wt_structtype_delete(at);
  wt_arraytype_delete(arr);
  wt_store_delete(other);
  fx_teardown(&fx);
}

Test(gc, an_engine_without_gc_is_a_clear_error) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_wasm_gc(c, false));
  wt_engine_t *engine = engine_from(c);
  wt_fieldtype_t f = {WT_STORAGE_I32, true};
  wt_structtype_t *st;
  wt_arraytype_t *at;
  EXPECT_ERROR(wt_structtype_new(engine, &f, 1, &st), WT_ERROR_CONFIG,
               "wt_structtype_new: the engine has no GC");
  EXPECT_ERROR(wt_arraytype_new(engine, &f, &at), WT_ERROR_CONFIG,
               "wt_arraytype_new: the engine has no GC");
  wt_engine_delete(engine);
  c = wt_config_new();
  cr_assert(wt_config_set_wasm_gc(c, false));
  cr_assert(wt_config_set_wasm_function_references(c, false));
  cr_assert(wt_config_set_wasm_exceptions(c, false));
  cr_assert(wt_config_set_wasm_reference_types(c, true));
  cr_assert(wt_config_set_gc_support(c, false));
  engine = engine_from(c);
  EXPECT_ERROR(wt_structtype_new(engine, &f, 1, &st), WT_ERROR_CONFIG,
               "no GC");
  wt_engine_delete(engine);
}
