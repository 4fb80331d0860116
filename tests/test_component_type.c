/* Component type reflection: imports and exports of every item kind, every
 * WIT type kind, resource identity, function types from a store, the WIT
 * text of each, and every misuse. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* ---- helpers ---- */

static wt_engine_t *new_engine(void) { return engine_from(wt_config_new()); }

static wt_component_t *component_of(wt_engine_t *engine, const char *wat) {
  wt_component_t *c = NULL;
  OK(wt_component_new_wat(engine, wat, &c));
  return c;
}

static wt_arena_t *new_arena(void) {
  wt_arena_t *a = NULL;
  OK(wt_arena_new(&a));
  return a;
}

/* The text of a type, item or function type, in a buffer of the test's. */
static char text_buf[1 << 16];

static const char *type_text(const wt_ctype_t *t) {
  size_t n = wt_ctype_text(t, text_buf, sizeof text_buf);
  cr_assert_lt(n, sizeof text_buf);
  cr_assert_eq(strlen(text_buf), n);
  return text_buf;
}

static const char *item_text(const wt_citem_t *it) {
  size_t n = wt_citem_text(it, text_buf, sizeof text_buf);
  cr_assert_lt(n, sizeof text_buf);
  cr_assert_eq(strlen(text_buf), n);
  return text_buf;
}

static const char *func_text(const wt_cfunctype_t *f) {
  size_t n = wt_cfunctype_text(f, text_buf, sizeof text_buf);
  cr_assert_lt(n, sizeof text_buf);
  cr_assert_eq(strlen(text_buf), n);
  return text_buf;
}

#define EXPECT_TEXT(got, want) cr_assert_str_eq((got), (want))

/* The item named `name` of `items`, failing the test if there is none. */
static const wt_citem_t *item_named(wt_citems_t items, const char *name) {
  for (size_t i = 0; i < items.len; i++)
    if (strcmp(items.items[i].name, name) == 0)
      return &items.items[i];
  cr_assert_fail("no item \"%s\"", name);
  return NULL;
}

/* The import `name` of the component, which must be a function. */
static wt_cfunctype_t import_func(const wt_component_t *c, wt_arena_t *a,
                                  const char *name) {
  wt_citem_t it;
  OK(wt_component_import(c, name, a, &it));
  cr_assert_eq(it.kind, WT_CITEM_FUNC, "%s is a %s", name,
               wt_citemkind_name(it.kind));
  cr_assert_str_eq(it.name, name);
  return it.of.func;
}

/* The result type of the imported function `name`. */
static const wt_ctype_t *import_result(const wt_component_t *c,
                                       wt_arena_t *a, const char *name) {
  wt_cfunctype_t f = import_func(c, a, name);
  cr_assert_eq(f.nparams, 0);
  cr_assert_not_null(f.result, "%s has no result", name);
  return f.result;
}

/* Asserts a named resource's description. */
static void expect_resource(const wt_cresource_t *r, uint32_t id,
                            const char *name, const char *scope,
                            bool imported) {
  cr_assert_eq(r->id, id, "%s: id %u, expected %u", name, (unsigned)r->id,
               (unsigned)id);
  cr_assert(r->named);
  cr_assert_str_eq(r->name, name);
  if (scope)
    cr_assert_str_eq(r->scope, scope);
  else
    cr_assert_null(r->scope, "%s: scope %s", name, r->scope);
  cr_assert_eq(r->imported, imported, "%s", name);
}

/* ---- the empty component, item kinds ---- */

Test(component_type, empty_component) {
  wt_engine_t *e = new_engine();
  wt_component_t *c = component_of(e, "(component)");
  wt_arena_t *a = new_arena();
  wt_citems_t imps = {(void *)1, 99}, exps = {(void *)1, 99};
  OK(wt_component_imports(c, a, &imps));
  OK(wt_component_exports(c, a, &exps));
  cr_assert_eq(imps.len, 0);
  cr_assert_null(imps.items);
  cr_assert_eq(exps.len, 0);
  cr_assert_null(exps.items);
  wt_arena_delete(a);
  wt_component_delete(c);
  wt_engine_delete(e);
}

Test(component_type, item_kind_names) {
  cr_assert_str_eq(wt_citemkind_name(WT_CITEM_FUNC), "func");
  cr_assert_str_eq(wt_citemkind_name(WT_CITEM_INSTANCE), "instance");
  cr_assert_str_eq(wt_citemkind_name(WT_CITEM_MODULE), "module");
  cr_assert_str_eq(wt_citemkind_name(WT_CITEM_COMPONENT), "component");
  cr_assert_str_eq(wt_citemkind_name(WT_CITEM_RESOURCE), "resource");
  cr_assert_str_eq(wt_citemkind_name(WT_CITEM_CORE_FUNC), "core func");
  cr_assert_str_eq(wt_citemkind_name(WT_CITEM_TYPE), "type");
  cr_assert_str_eq(wt_citemkind_name(0), "?");
  cr_assert_str_eq(wt_citemkind_name(8), "?");
  cr_assert_str_eq(wt_citemkind_name((wt_citemkind_t)-1), "?");
}

/* ---- value types ---- */

/* Imported functions whose results have every type Wasmtime 48 accepts
 * without extra features. Records, variants, enums and flags must be named
 * to be used, so type imports with equality bounds name them. */
static const char *const typed =
    "(component\n"
    "  (import \"p-bool\" (func (result bool)))\n"
    "  (import \"p-s8\" (func (result s8)))\n"
    "  (import \"p-u8\" (func (result u8)))\n"
    "  (import \"p-s16\" (func (result s16)))\n"
    "  (import \"p-u16\" (func (result u16)))\n"
    "  (import \"p-s32\" (func (result s32)))\n"
    "  (import \"p-u32\" (func (result u32)))\n"
    "  (import \"p-s64\" (func (result s64)))\n"
    "  (import \"p-u64\" (func (result u64)))\n"
    "  (import \"p-f32\" (func (result f32)))\n"
    "  (import \"p-f64\" (func (result f64)))\n"
    "  (import \"p-char\" (func (result char)))\n"
    "  (import \"p-string\" (func (result string)))\n"
    "  (type $rec (record (field \"a\" u8) (field \"b\" u16)))\n"
    "  (import \"rec\" (type $R (eq $rec)))\n"
    "  (type $var (variant (case \"a\") (case \"b\" u16)))\n"
    "  (import \"var\" (type $V (eq $var)))\n"
    "  (type $en (enum \"a\" \"b\" \"c\"))\n"
    "  (import \"en\" (type $E (eq $en)))\n"
    "  (type $fl (flags \"read\" \"write\" \"exec\"))\n"
    "  (import \"fl\" (type $F (eq $fl)))\n"
    "  (import \"t-bytes\" (func (result (list u8))))\n"
    "  (import \"t-strings\" (func (result (list string))))\n"
    "  (import \"t-tuple\" (func (result (tuple u16 u8))))\n"
    "  (import \"t-record\" (func (result $R)))\n"
    "  (import \"t-variant\" (func (result $V)))\n"
    "  (import \"t-enum\" (func (result $E)))\n"
    "  (import \"t-flags\" (func (result $F)))\n"
    "  (import \"t-option\" (func (result (option u8))))\n"
    "  (import \"t-ok\" (func (result (result u8))))\n"
    "  (import \"t-err\" (func (result (result (error u8)))))\n"
    "  (import \"t-unit\" (func (result (result))))\n"
    "  (import \"t-both\" (func (result (result u8 (error string)))))\n"
    "  (import \"t-nested\" (func (result\n"
    "    (list (option (tuple u32 (result string (error (list u8)))))))))\n"
    "  (type $deep (record (field \"v\" $V) (field \"rs\" (list $R))\n"
    "    (field \"o\" (option (option $E)))))\n"
    "  (import \"deep\" (type $D (eq $deep)))\n"
    "  (import \"t-deep\" (func (result (tuple $D $F))))\n"
    "  (import \"g\" (func (param \"a\" u32) (param \"b\" string)\n"
    "    (result (result u32 (error string)))))\n"
    "  (import \"nothing\" (func)))\n";

Test(component_type, primitives) {
  static const struct {
    const char *name;
    wt_cvalkind_t kind;
  } prims[] = {
      {"bool", WT_CVAL_BOOL}, {"s8", WT_CVAL_S8},       {"u8", WT_CVAL_U8},
      {"s16", WT_CVAL_S16},   {"u16", WT_CVAL_U16},     {"s32", WT_CVAL_S32},
      {"u32", WT_CVAL_U32},   {"s64", WT_CVAL_S64},     {"u64", WT_CVAL_U64},
      {"f32", WT_CVAL_F32},   {"f64", WT_CVAL_F64},     {"char", WT_CVAL_CHAR},
      {"string", WT_CVAL_STRING},
  };
  wt_engine_t *e = new_engine();
  wt_component_t *c = component_of(e, typed);
  wt_arena_t *a = new_arena();
  for (size_t i = 0; i < sizeof prims / sizeof prims[0]; i++) {
    char name[32];
    snprintf(name, sizeof name, "p-%s", prims[i].name);
    const wt_ctype_t *t = import_result(c, a, name);
    cr_assert_eq(t->kind, prims[i].kind, "%s: kind %s", name,
                 wt_cvalkind_name(t->kind));
    cr_assert_eq(t->count, 0);
    cr_assert_null(t->members);
    cr_assert_null(t->elem);
    cr_assert_null(t->err);
    EXPECT_TEXT(type_text(t), prims[i].name);
  }
  wt_arena_delete(a);
  wt_component_delete(c);
  wt_engine_delete(e);
}

Test(component_type, lists_and_tuples) {
  wt_engine_t *e = new_engine();
  wt_component_t *c = component_of(e, typed);
  wt_arena_t *a = new_arena();
  const wt_ctype_t *t = import_result(c, a, "t-bytes");
  cr_assert_eq(t->kind, WT_CVAL_LIST); /* never WT_CVAL_BYTES */
  cr_assert_eq(t->elem->kind, WT_CVAL_U8);
  EXPECT_TEXT(type_text(t), "list<u8>");
  t = import_result(c, a, "t-strings");
  cr_assert_eq(t->kind, WT_CVAL_LIST);
  cr_assert_eq(t->elem->kind, WT_CVAL_STRING);
  EXPECT_TEXT(type_text(t), "list<string>");
  t = import_result(c, a, "t-tuple");
  cr_assert_eq(t->kind, WT_CVAL_TUPLE);
  cr_assert_eq(t->count, 2);
  cr_assert_null(t->members[0].name);
  cr_assert_eq(t->members[0].type->kind, WT_CVAL_U16);
  cr_assert_null(t->members[1].name);
  cr_assert_eq(t->members[1].type->kind, WT_CVAL_U8);
  EXPECT_TEXT(type_text(t), "tuple<u16, u8>");
  wt_arena_delete(a);
  wt_component_delete(c);
  wt_engine_delete(e);
}

Test(component_type, records_variants_enums_flags) {
  wt_engine_t *e = new_engine();
  wt_component_t *c = component_of(e, typed);
  wt_arena_t *a = new_arena();
  const wt_ctype_t *t = import_result(c, a, "t-record");
  cr_assert_eq(t->kind, WT_CVAL_RECORD);
  cr_assert_eq(t->count, 2);
  cr_assert_str_eq(t->members[0].name, "a");
  cr_assert_eq(t->members[0].type->kind, WT_CVAL_U8);
  cr_assert_str_eq(t->members[1].name, "b");
  cr_assert_eq(t->members[1].type->kind, WT_CVAL_U16);
  EXPECT_TEXT(type_text(t), "record { a: u8, b: u16 }");

  t = import_result(c, a, "t-variant");
  cr_assert_eq(t->kind, WT_CVAL_VARIANT);
  cr_assert_eq(t->count, 2);
  cr_assert_str_eq(t->members[0].name, "a");
  cr_assert_null(t->members[0].type); /* no payload */
  cr_assert_str_eq(t->members[1].name, "b");
  cr_assert_eq(t->members[1].type->kind, WT_CVAL_U16);
  EXPECT_TEXT(type_text(t), "variant { a, b(u16) }");

  t = import_result(c, a, "t-enum");
  cr_assert_eq(t->kind, WT_CVAL_ENUM);
  cr_assert_eq(t->count, 3);
  static const char *const cases[] = {"a", "b", "c"};
  for (size_t i = 0; i < 3; i++) {
    cr_assert_str_eq(t->members[i].name, cases[i]);
    cr_assert_null(t->members[i].type);
  }
  EXPECT_TEXT(type_text(t), "enum { a, b, c }");

  t = import_result(c, a, "t-flags");
  cr_assert_eq(t->kind, WT_CVAL_FLAGS);
  cr_assert_eq(t->count, 3);
  static const char *const flags[] = {"read", "write", "exec"};
  for (size_t i = 0; i < 3; i++) {
    cr_assert_str_eq(t->members[i].name, flags[i]);
    cr_assert_null(t->members[i].type);
  }
  EXPECT_TEXT(type_text(t), "flags { read, write, exec }");
  wt_arena_delete(a);
  wt_component_delete(c);
  wt_engine_delete(e);
}

Test(component_type, options_and_results) {
  wt_engine_t *e = new_engine();
  wt_component_t *c = component_of(e, typed);
  wt_arena_t *a = new_arena();
  const wt_ctype_t *t = import_result(c, a, "t-option");
  cr_assert_eq(t->kind, WT_CVAL_OPTION);
  cr_assert_eq(t->elem->kind, WT_CVAL_U8);
  EXPECT_TEXT(type_text(t), "option<u8>");

  t = import_result(c, a, "t-ok");
  cr_assert_eq(t->kind, WT_CVAL_RESULT);
  cr_assert_eq(t->ok->kind, WT_CVAL_U8);
  cr_assert_null(t->err);
  EXPECT_TEXT(type_text(t), "result<u8>");

  t = import_result(c, a, "t-err");
  cr_assert_eq(t->kind, WT_CVAL_RESULT);
  cr_assert_null(t->ok);
  cr_assert_eq(t->err->kind, WT_CVAL_U8);
  EXPECT_TEXT(type_text(t), "result<_, u8>");

  t = import_result(c, a, "t-unit");
  cr_assert_eq(t->kind, WT_CVAL_RESULT);
  cr_assert_null(t->ok);
  cr_assert_null(t->err);
  EXPECT_TEXT(type_text(t), "result");

  t = import_result(c, a, "t-both");
  cr_assert_eq(t->kind, WT_CVAL_RESULT);
  cr_assert_eq(t->ok->kind, WT_CVAL_U8);
  cr_assert_eq(t->err->kind, WT_CVAL_STRING);
  EXPECT_TEXT(type_text(t), "result<u8, string>");
  wt_arena_delete(a);
  wt_component_delete(c);
  wt_engine_delete(e);
}

Test(component_type, nested_types) {
  wt_engine_t *e = new_engine();
  wt_component_t *c = component_of(e, typed);
  wt_arena_t *a = new_arena();
  const wt_ctype_t *t = import_result(c, a, "t-nested");
  EXPECT_TEXT(type_text(t),
              "list<option<tuple<u32, result<string, list<u8>>>>>");
  cr_assert_eq(t->kind, WT_CVAL_LIST);
  const wt_ctype_t *opt = t->elem;
  cr_assert_eq(opt->kind, WT_CVAL_OPTION);
  const wt_ctype_t *tup = opt->elem;
  cr_assert_eq(tup->kind, WT_CVAL_TUPLE);
  cr_assert_eq(tup->count, 2);
  const wt_ctype_t *res = tup->members[1].type;
  cr_assert_eq(res->kind, WT_CVAL_RESULT);
  cr_assert_eq(res->ok->kind, WT_CVAL_STRING);
  cr_assert_eq(res->err->kind, WT_CVAL_LIST);
  cr_assert_eq(res->err->elem->kind, WT_CVAL_U8);

  t = import_result(c, a, "t-deep");
  EXPECT_TEXT(type_text(t),
              "tuple<record { v: variant { a, b(u16) }, "
              "rs: list<record { a: u8, b: u16 }>, "
              "o: option<option<enum { a, b, c }>> }, "
              "flags { read, write, exec }>");
  cr_assert_eq(t->members[0].type->members[1].type->elem->kind,
               WT_CVAL_RECORD);
  wt_arena_delete(a);
  wt_component_delete(c);
  wt_engine_delete(e);
}

Test(component_type, function_types) {
  wt_engine_t *e = new_engine();
  wt_component_t *c = component_of(e, typed);
  wt_arena_t *a = new_arena();
  wt_cfunctype_t f = import_func(c, a, "g");
  cr_assert_eq(f.nparams, 2);
  cr_assert_str_eq(f.params[0].name, "a");
  cr_assert_eq(f.params[0].type->kind, WT_CVAL_U32);
  cr_assert_str_eq(f.params[1].name, "b");
  cr_assert_eq(f.params[1].type->kind, WT_CVAL_STRING);
  cr_assert_eq(f.result->kind, WT_CVAL_RESULT);
  cr_assert_not(f.is_async);
  EXPECT_TEXT(func_text(&f), "func(a: u32, b: string) -> result<u32, string>");
  f = import_func(c, a, "nothing");
  cr_assert_eq(f.nparams, 0);
  cr_assert_null(f.params);
  cr_assert_null(f.result);
  EXPECT_TEXT(func_text(&f), "func()");
  /* The item's text is its function type's. */
  wt_citem_t it;
  OK(wt_component_import(c, "g", a, &it));
  EXPECT_TEXT(item_text(&it), "func(a: u32, b: string) -> result<u32, string>");
  wt_arena_delete(a);
  wt_component_delete(c);
  wt_engine_delete(e);
}

Test(component_type, type_imports_with_equality_bounds_are_not_imports) {
  /* Wasmtime lists what must be supplied at instantiation: a type import
   * with an equality bound ("rec", "var", ...) needs nothing. */
  wt_engine_t *e = new_engine();
  wt_component_t *c = component_of(e, typed);
  wt_arena_t *a = new_arena();
  wt_citems_t imps;
  OK(wt_component_imports(c, a, &imps));
  cr_assert_eq(imps.len, 13 + 13 + 3, "%zu imports", imps.len);
  cr_assert_str_eq(imps.items[0].name, "p-bool");
  cr_assert_str_eq(imps.items[13].name, "t-bytes");
  cr_assert_str_eq(imps.items[imps.len - 1].name, "nothing");
  for (size_t i = 0; i < imps.len; i++)
    cr_assert_eq(imps.items[i].kind, WT_CITEM_FUNC, "%s",
                 imps.items[i].name);
  wt_citem_t it = {.name = "untouched"};
  EXPECT_ERROR(wt_component_import(c, "rec", a, &it), WT_ERROR_NOT_FOUND,
               "wt_component_import: the component imports nothing named "
               "\"rec\"");
  cr_assert_str_eq(it.name, "untouched");
  wt_arena_delete(a);
  wt_component_delete(c);
  wt_engine_delete(e);
}

Test(component_type, structural_equality) {
  /* Results of functions: the same structure is equal wherever it is, and
   * any difference (kind, member name, member type, order, a missing
   * case payload) makes types unequal. */
  static const char *const wat =
      "(component\n"
      "  (type $r1 (record (field \"a\" u8) (field \"b\" u16)))\n"
      "  (import \"r1\" (type $R1 (eq $r1)))\n"
      "  (type $r2 (record (field \"a\" u8) (field \"b\" u16)))\n"
      "  (import \"r2\" (type $R2 (eq $r2)))\n"
      "  (type $r3 (record (field \"a\" u8) (field \"c\" u16)))\n"
      "  (import \"r3\" (type $R3 (eq $r3)))\n"
      "  (type $r4 (record (field \"a\" u8) (field \"b\" u32)))\n"
      "  (import \"r4\" (type $R4 (eq $r4)))\n"
      "  (type $v1 (variant (case \"a\") (case \"b\" u16)))\n"
      "  (import \"v1\" (type $V1 (eq $v1)))\n"
      "  (type $v2 (variant (case \"a\" u16) (case \"b\" u16)))\n"
      "  (import \"v2\" (type $V2 (eq $v2)))\n"
      "  (import \"x\" (type $x (sub resource)))\n"
      "  (import \"y\" (type $y (sub resource)))\n"
      "  (import \"f-r1\" (func (result $R1)))\n"
      "  (import \"f-r2\" (func (result $R2)))\n"
      "  (import \"f-r3\" (func (result $R3)))\n"
      "  (import \"f-r4\" (func (result $R4)))\n"
      "  (import \"f-v1\" (func (result $V1)))\n"
      "  (import \"f-v2\" (func (result $V2)))\n"
      "  (import \"f-l1\" (func (result (list (option $R1)))))\n"
      "  (import \"f-l2\" (func (result (list (option $R2)))))\n"
      "  (import \"f-l3\" (func (result (list (option $R3)))))\n"
      "  (import \"f-t1\" (func (result (tuple u8 u16))))\n"
      "  (import \"f-t2\" (func (result (tuple u16 u8))))\n"
      "  (import \"f-ok\" (func (result (result u8))))\n"
      "  (import \"f-err\" (func (result (result (error u8)))))\n"
      "  (import \"f-ox\" (func (result (own $x))))\n"
      "  (import \"f-ox2\" (func (result (own $x))))\n"
      "  (import \"f-bx\" (func (param \"p\" (borrow $x))))\n"
      "  (import \"f-oy\" (func (result (own $y)))))\n";
  wt_engine_t *e = new_engine();
  wt_component_t *c = component_of(e, wat);
  wt_arena_t *a = new_arena();
#define R(name) import_result(c, a, name)
  cr_assert(wt_ctype_equal(R("f-r1"), R("f-r2")));
  cr_assert_not(wt_ctype_equal(R("f-r1"), R("f-r3")), "field name");
  cr_assert_not(wt_ctype_equal(R("f-r1"), R("f-r4")), "field type");
  cr_assert_not(wt_ctype_equal(R("f-v1"), R("f-v2")), "payload");
  cr_assert(wt_ctype_equal(R("f-l1"), R("f-l2")));
  cr_assert_not(wt_ctype_equal(R("f-l1"), R("f-l3")), "nested");
  cr_assert_not(wt_ctype_equal(R("f-t1"), R("f-t2")), "order");
  cr_assert_not(wt_ctype_equal(R("f-ok"), R("f-err")), "ok or err");
  cr_assert(wt_ctype_equal(R("f-ox"), R("f-ox2")), "same resource");
  const wt_ctype_t *bx = import_func(c, a, "f-bx").params[0].type;
  cr_assert_eq(bx->kind, WT_CVAL_BORROW);
  cr_assert_eq(bx->resource.id, R("f-ox")->resource.id);
  cr_assert_not(wt_ctype_equal(R("f-ox"), bx), "own or borrow");
  cr_assert_not(wt_ctype_equal(R("f-ox"), R("f-oy")), "other resource");
  cr_assert_not(wt_ctype_equal(R("f-r1"), R("f-v1")), "kind");
  cr_assert_not(wt_ctype_equal(R("f-r1"), NULL));
  cr_assert_not(wt_ctype_equal(NULL, R("f-r1")));
  cr_assert(wt_ctype_equal(NULL, NULL));
#undef R
  /* A caller's cyclic type equals itself, and not a copy of itself. */
  wt_ctype_t l1 = {.kind = WT_CVAL_LIST}, l2 = {.kind = WT_CVAL_LIST};
  l1.elem = &l1;
  l2.elem = &l2;
  cr_assert(wt_ctype_equal(&l1, &l1));
  cr_assert_not(wt_ctype_equal(&l1, &l2));
  wt_arena_delete(a);
  wt_component_delete(c);
  wt_engine_delete(e);
}

Test(component_type, reexported_instance_and_empty_module) {
  /* As Wasmtime's own type tests: an imported instance exporting only a
   * resource, exported again, keeps its resource; an empty core module
   * type has no imports or exports; a module import may have empty
   * names. */
  static const char *const wat =
      "(component\n"
      "  (import \"i\" (instance $i (export \"t\" (type (sub resource)))))\n"
      "  (export \"i2\" (instance $i))\n"
      "  (import \"none\" (core module))\n"
      "  (import \"m\" (core module (import \"\" \"\" (func))\n"
      "    (export \"x\" (global (mut i32))))))\n";
  wt_engine_t *e = new_engine();
  wt_component_t *c = component_of(e, wat);
  wt_arena_t *a = new_arena();
  wt_citem_t i, i2, none, m;
  OK(wt_component_import(c, "i", a, &i));
  OK(wt_component_export(c, "i2", a, &i2));
  cr_assert_eq(i.kind, WT_CITEM_INSTANCE);
  cr_assert_eq(i2.kind, WT_CITEM_INSTANCE);
  cr_assert_eq(i.of.instance.len, 1);
  cr_assert_eq(i2.of.instance.len, 1);
  const wt_citem_t *t = &i.of.instance.items[0], *t2 = &i2.of.instance.items[0];
  cr_assert_str_eq(t->name, "t");
  cr_assert_str_eq(t2->name, "t");
  expect_resource(&t->of.resource, 0, "t", "i", true);
  expect_resource(&t2->of.resource, 0, "t", "i", true);
  EXPECT_TEXT(item_text(&i2), "instance { t: resource }");
  OK(wt_component_import(c, "none", a, &none));
  cr_assert_eq(none.kind, WT_CITEM_MODULE);
  cr_assert_eq(none.of.module.nimports, 0);
  cr_assert_null(none.of.module.imports);
  cr_assert_eq(none.of.module.nexports, 0);
  cr_assert_null(none.of.module.exports);
  EXPECT_TEXT(item_text(&none), "module {}");
  OK(wt_component_import(c, "m", a, &m));
  cr_assert_eq(m.of.module.nimports, 1);
  cr_assert_str_eq(m.of.module.imports[0].module, "");
  cr_assert_eq(m.of.module.imports[0].module_len, 0);
  cr_assert_str_eq(m.of.module.imports[0].name, "");
  cr_assert_eq(m.of.module.imports[0].type.kind, WT_EXTERN_FUNC);
  cr_assert_eq(wt_functype_param_count(m.of.module.imports[0].type.of.func),
               0);
  cr_assert_eq(wt_functype_result_count(m.of.module.imports[0].type.of.func),
               0);
  cr_assert_str_eq(m.of.module.exports[0].name, "x");
  EXPECT_TEXT(item_text(&m), "module { import \"\" \"\": (func); "
                             "export \"x\": (global (mut i32)) }");
  wt_arena_delete(a);
  wt_component_delete(c);
  wt_engine_delete(e);
}

/* Map, future, stream, error-context and async functions need component
 * model features that wt's config cannot turn on yet: Wasmtime refuses
 * them. When that changes, these fail, and reflection tests of those kinds
 * against Wasmtime's types belong here. */
Test(component_type, feature_gated_types_are_refused) {
  wt_engine_t *e = new_engine();
  static const struct {
    const char *wat, *message;
  } cases[] = {
      {"(component (import \"f\" (func (result (map u32 string)))))",
       "Maps require the component model map feature"},
      {"(component (import \"f\" (func (result (future u32)))))",
       "`future` requires the component model async feature"},
      {"(component (import \"f\" (func (result (stream u8)))))",
       "`stream` requires the component model async feature"},
      {"(component (import \"f\" (func (result error-context))))",
       "`error-context` requires the component model error-context feature"},
      {"(component (import \"f\" (func async)))",
       "async component functions require the component model async "
       "feature"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    wt_component_t *c = NULL;
    EXPECT_ERROR(wt_component_new_wat(e, cases[i].wat, &c), WT_ERROR_COMPILE,
                 cases[i].message);
    cr_assert_null(c);
  }
  wt_engine_delete(e);
}

/* Types wt cannot get from Wasmtime 48 yet, built by hand: their text. */
Test(component_type, text_of_feature_gated_kinds) {
  static const wt_ctype_t u32t = {.kind = WT_CVAL_U32};
  static const wt_ctype_t u8t = {.kind = WT_CVAL_U8};
  static const wt_ctype_t str = {.kind = WT_CVAL_STRING};
  wt_ctype_t map = {.kind = WT_CVAL_MAP, .key = &u32t, .value = &str};
  EXPECT_TEXT(type_text(&map), "map<u32, string>");
  wt_ctype_t fut = {.kind = WT_CVAL_FUTURE};
  EXPECT_TEXT(type_text(&fut), "future");
  fut.elem = &u32t;
  EXPECT_TEXT(type_text(&fut), "future<u32>");
  wt_ctype_t stream = {.kind = WT_CVAL_STREAM};
  EXPECT_TEXT(type_text(&stream), "stream");
  stream.elem = &u8t;
  EXPECT_TEXT(type_text(&stream), "stream<u8>");
  wt_ctype_t ec = {.kind = WT_CVAL_ERROR_CONTEXT};
  EXPECT_TEXT(type_text(&ec), "error-context");
  wt_ctype_t lst = {.kind = WT_CVAL_LIST, .elem = &map};
  EXPECT_TEXT(type_text(&lst), "list<map<u32, string>>");
  wt_cmember_t params[] = {{"s", &stream}, {"m", &map}};
  wt_cfunctype_t f = {.nparams = 2, .params = params, .result = &fut,
                      .is_async = true};
  EXPECT_TEXT(func_text(&f),
              "async func(s: stream<u8>, m: map<u32, string>) -> future<u32>");
  f.nparams = 0;
  f.result = NULL;
  EXPECT_TEXT(func_text(&f), "async func()");
}

Test(component_type, text_of_odd_hand_built_types) {
  /* Not type kinds, missing nested types, empty composites. */
  wt_ctype_t bytes = {.kind = WT_CVAL_BYTES};
  EXPECT_TEXT(type_text(&bytes), "?");
  wt_ctype_t none = {.kind = 0};
  EXPECT_TEXT(type_text(&none), "?");
  wt_ctype_t bad = {.kind = (wt_cvalkind_t)99};
  EXPECT_TEXT(type_text(&bad), "?");
  wt_ctype_t lst = {.kind = WT_CVAL_LIST};
  EXPECT_TEXT(type_text(&lst), "list<?>");
  wt_ctype_t map = {.kind = WT_CVAL_MAP};
  EXPECT_TEXT(type_text(&map), "map<?, ?>");
  wt_ctype_t rec = {.kind = WT_CVAL_RECORD};
  EXPECT_TEXT(type_text(&rec), "record {}");
  wt_ctype_t tup = {.kind = WT_CVAL_TUPLE};
  EXPECT_TEXT(type_text(&tup), "tuple<>");
  wt_ctype_t fl = {.kind = WT_CVAL_FLAGS, .count = 2};
  EXPECT_TEXT(type_text(&fl), "flags {}"); /* members NULL: none */
  wt_ctype_t own = {.kind = WT_CVAL_OWN};
  EXPECT_TEXT(type_text(&own), "own<?>");
  wt_cmember_t m = {NULL, NULL};
  wt_ctype_t en = {.kind = WT_CVAL_ENUM, .count = 1, .members = &m};
  EXPECT_TEXT(type_text(&en), "enum { ? }");
  wt_citem_t it = {.name = "x", .kind = 0};
  EXPECT_TEXT(item_text(&it), "?");
  it.kind = WT_CITEM_INSTANCE;
  EXPECT_TEXT(item_text(&it), "instance {}");
  it.kind = WT_CITEM_COMPONENT;
  EXPECT_TEXT(item_text(&it), "component {}");
  it.kind = WT_CITEM_MODULE;
  EXPECT_TEXT(item_text(&it), "module {}");
  it.kind = WT_CITEM_CORE_FUNC;
  EXPECT_TEXT(item_text(&it), "(func)");
  it.kind = WT_CITEM_TYPE;
  EXPECT_TEXT(item_text(&it), "type ?");
}

Test(component_type, cyclic_hand_built_types_end) {
  /* A caller's type may point at itself: the text stops at depth 512. */
  wt_ctype_t loop = {.kind = WT_CVAL_LIST};
  loop.elem = &loop;
  size_t n = wt_ctype_text(&loop, NULL, 0);
  cr_assert_eq(n, 513 * strlen("list<") + strlen("...") + 513 * strlen(">"));
  char *buf = malloc(n + 1);
  cr_assert_eq(wt_ctype_text(&loop, buf, n + 1), n);
  cr_assert_eq(strncmp(buf, "list<list<", 10), 0);
  cr_assert_not_null(strstr(buf, "<...>"));
  free(buf);
  /* A wide DAG stops after 2^22 nested types. */
  wt_ctype_t levels[40];
  wt_cmember_t pairs[40][2];
  levels[0] = (wt_ctype_t){.kind = WT_CVAL_U8};
  for (int i = 1; i < 40; i++) {
    pairs[i][0] = (wt_cmember_t){NULL, &levels[i - 1]};
    pairs[i][1] = (wt_cmember_t){NULL, &levels[i - 1]};
    levels[i] = (wt_ctype_t){.kind = WT_CVAL_TUPLE, .count = 2,
                             .members = pairs[i]};
  }
  n = wt_ctype_text(&levels[39], NULL, 0);
  cr_assert_gt(n, (size_t)1 << 22);
  cr_assert_lt(n, (size_t)1 << 26);
}

/* ---- resources ---- */

/* Imported resources (top-level and in an instance), a resource defined
 * and exported, an imported one exported again, and functions that take
 * and give own and borrow handles of them. */
static const char *const resources =
    "(component\n"
    "  (import \"x\" (type $x (sub resource)))\n"
    "  (import \"wasi:io/streams@0.2.0\" (instance $io\n"
    "    (export \"input-stream\" (type $is (sub resource)))\n"
    "    (export \"read\" (func (param \"self\" (borrow $is))"
    " (param \"len\" u64)\n"
    "      (result (list u8))))))\n"
    "  (alias export $io \"input-stream\" (type $is))\n"
    "  (import \"take\" (func (param \"a\" (own $x)) (param \"b\" (borrow $x))\n"
    "    (param \"s\" (own $is))))\n"
    "  (core module $m\n"
    "    (func (export \"id\") (param i32) (result i32) local.get 0))\n"
    "  (core instance $i (instantiate $m))\n"
    "  (type $r (resource (rep i32)))\n"
    "  (export $R \"r\" (type $r))\n"
    "  (export \"x2\" (type $x))\n"
    "  (func (export \"make\") (param \"v\" u32) (result (own $R))\n"
    "    (canon lift (core func $i \"id\")))\n"
    "  (func (export \"keep\") (param \"a\" (own $x)) (result (own $x))\n"
    "    (canon lift (core func $i \"id\"))))\n";

Test(component_type, resources_imported_exported_and_reexported) {
  wt_engine_t *e = new_engine();
  wt_component_t *c = component_of(e, resources);
  wt_arena_t *a = new_arena();
  wt_citems_t imps, exps;
  OK(wt_component_imports(c, a, &imps));
  OK(wt_component_exports(c, a, &exps));
  cr_assert_eq(imps.len, 3);
  cr_assert_eq(exps.len, 4);

  /* Ids count the resource items in order: imports, then exports. */
  const wt_citem_t *x = item_named(imps, "x");
  cr_assert_eq(x->kind, WT_CITEM_RESOURCE);
  expect_resource(&x->of.resource, 0, "x", NULL, true);
  EXPECT_TEXT(item_text(x), "resource");
  const wt_citem_t *io = item_named(imps, "wasi:io/streams@0.2.0");
  cr_assert_eq(io->kind, WT_CITEM_INSTANCE);
  cr_assert_eq(io->of.instance.len, 2);
  const wt_citem_t *is = item_named(io->of.instance, "input-stream");
  cr_assert_eq(is->kind, WT_CITEM_RESOURCE);
  expect_resource(&is->of.resource, 1, "input-stream",
                  "wasi:io/streams@0.2.0", true);
  const wt_citem_t *read = item_named(io->of.instance, "read");
  cr_assert_eq(read->kind, WT_CITEM_FUNC);
  const wt_ctype_t *self = read->of.func.params[0].type;
  cr_assert_eq(self->kind, WT_CVAL_BORROW);
  expect_resource(&self->resource, 1, "input-stream",
                  "wasi:io/streams@0.2.0", true);
  EXPECT_TEXT(item_text(io),
              "instance { input-stream: resource; "
              "read: func(self: borrow<input-stream>, len: u64) -> "
              "list<u8> }");

  const wt_citem_t *take = item_named(imps, "take");
  const wt_cfunctype_t *tf = &take->of.func;
  cr_assert_eq(tf->params[0].type->kind, WT_CVAL_OWN);
  expect_resource(&tf->params[0].type->resource, 0, "x", NULL, true);
  cr_assert_eq(tf->params[1].type->kind, WT_CVAL_BORROW);
  expect_resource(&tf->params[1].type->resource, 0, "x", NULL, true);
  cr_assert_eq(tf->params[2].type->kind, WT_CVAL_OWN);
  expect_resource(&tf->params[2].type->resource, 1, "input-stream",
                  "wasi:io/streams@0.2.0", true);
  EXPECT_TEXT(item_text(take),
              "func(a: own<x>, b: borrow<x>, s: own<input-stream>)");

  /* A resource the component defines is a new one; one it exports again
   * is the imported one, named by its first item. */
  const wt_citem_t *r = item_named(exps, "r");
  cr_assert_eq(r->kind, WT_CITEM_RESOURCE);
  expect_resource(&r->of.resource, 2, "r", NULL, false);
  const wt_citem_t *x2 = item_named(exps, "x2");
  cr_assert_eq(x2->kind, WT_CITEM_RESOURCE);
  expect_resource(&x2->of.resource, 0, "x", NULL, true);
  const wt_citem_t *make = item_named(exps, "make");
  cr_assert_eq(make->of.func.result->kind, WT_CVAL_OWN);
  expect_resource(&make->of.func.result->resource, 2, "r", NULL, false);
  EXPECT_TEXT(item_text(make), "func(v: u32) -> own<r>");
  const wt_citem_t *keep = item_named(exps, "keep");
  EXPECT_TEXT(item_text(keep), "func(a: own<x>) -> own<x>");
  expect_resource(&keep->of.func.result->resource, 0, "x", NULL, true);

  /* Lookups by name give the same ids and names as the lists. */
  wt_citem_t one;
  OK(wt_component_export(c, "make", a, &one));
  expect_resource(&one.of.func.result->resource, 2, "r", NULL, false);
  OK(wt_component_export(c, "x2", a, &one));
  expect_resource(&one.of.resource, 0, "x", NULL, true);
  OK(wt_component_import(c, "take", a, &one));
  expect_resource(&one.of.func.params[2].type->resource, 1, "input-stream",
                  "wasi:io/streams@0.2.0", true);
  wt_arena_delete(a);
  wt_component_delete(c);
  wt_engine_delete(e);
}

Test(component_type, resources_inside_a_component_item) {
  /* A component type's own resource imports name the resources its
   * functions use, in the scope of the component item. */
  static const char *const wat =
      "(component\n"
      "  (import \"i\" (instance (export \"c\" (component\n"
      "    (import \"r\" (type $r (sub resource)))\n"
      "    (import \"f\" (func (param \"x\" (own $r))))\n"
      "    (export \"g\" (func (result (own $r)))))))))\n";
  wt_engine_t *e = new_engine();
  wt_component_t *c = component_of(e, wat);
  wt_arena_t *a = new_arena();
  wt_citem_t i;
  OK(wt_component_import(c, "i", a, &i));
  const wt_citem_t *comp = item_named(i.of.instance, "c");
  cr_assert_eq(comp->kind, WT_CITEM_COMPONENT);
  wt_citems_t imps = comp->of.component.imports;
  expect_resource(&item_named(imps, "r")->of.resource, 0, "r", "c", true);
  const wt_citem_t *f = item_named(imps, "f");
  expect_resource(&f->of.func.params[0].type->resource, 0, "r", "c", true);
  const wt_citem_t *g = item_named(comp->of.component.exports, "g");
  expect_resource(&g->of.func.result->resource, 0, "r", "c", true);
  EXPECT_TEXT(item_text(&i),
              "instance { c: component { import r: resource; "
              "import f: func(x: own<r>); export g: func() -> own<r> } }");
  wt_arena_delete(a);
  wt_component_delete(c);
  wt_engine_delete(e);
}

Test(component_type, resources_of_two_components_are_numbered_apart) {
  /* Two resource imports of one component differ; the same WAT compiled
   * twice numbers its resources the same way. */
  static const char *const two =
      "(component\n"
      "  (import \"a\" (type $a (sub resource)))\n"
      "  (import \"b\" (type $b (sub resource)))\n"
      "  (import \"f\" (func (param \"x\" (own $b)) (param \"y\" (own $a)))))\n";
  wt_engine_t *e = new_engine();
  wt_component_t *c1 = component_of(e, two), *c2 = component_of(e, two);
  wt_arena_t *a = new_arena();
  wt_citems_t i1, i2;
  OK(wt_component_imports(c1, a, &i1));
  OK(wt_component_imports(c2, a, &i2));
  for (int k = 0; k < 2; k++) {
    wt_citems_t imps = k ? i2 : i1;
    expect_resource(&item_named(imps, "a")->of.resource, 0, "a", NULL, true);
    expect_resource(&item_named(imps, "b")->of.resource, 1, "b", NULL, true);
    const wt_cfunctype_t *f = &item_named(imps, "f")->of.func;
    expect_resource(&f->params[0].type->resource, 1, "b", NULL, true);
    expect_resource(&f->params[1].type->resource, 0, "a", NULL, true);
  }
  wt_arena_delete(a);
  wt_component_delete(c1);
  wt_component_delete(c2);
  wt_engine_delete(e);
}

Test(component_type, too_many_resources_to_tell_apart) {
  /* n resource imports take about n * n / 2 comparisons: 4000 are fine,
   * 6000 are over the 2^24 a call may make. */
  wt_engine_t *e = new_engine();
  for (int round = 0; round < 2; round++) {
    int n = round ? 6000 : 4000;
    size_t cap = (size_t)n * 48 + 64;
    char *wat = malloc(cap);
    size_t at = (size_t)snprintf(wat, cap, "(component\n");
    for (int i = 0; i < n; i++)
      at += (size_t)snprintf(wat + at, cap - at,
                             "(import \"r%d\" (type (sub resource)))\n", i);
    snprintf(wat + at, cap - at, ")");
    wt_component_t *c = component_of(e, wat);
    free(wat);
    wt_arena_t *a = new_arena();
    wt_citems_t imps = {NULL, 0};
    if (round == 0) {
      OK(wt_component_imports(c, a, &imps));
      cr_assert_eq(imps.len, 4000);
      expect_resource(&imps.items[3999].of.resource, 3999, "r3999", NULL,
                      true);
    } else {
      EXPECT_ERROR(wt_component_imports(c, a, &imps), WT_ERROR_WASMTIME,
                   "wt_component_imports: too many resource types to tell "
                   "apart (more than 16777216 comparisons)");
      cr_assert_eq(imps.len, 0);
    }
    wt_arena_delete(a);
    wt_component_delete(c);
  }
  wt_engine_delete(e);
}

/* ---- items of every kind ---- */

/* Imports of every kind a root component may import (function, instance
 * with nested instances, a core module and a component inside, core
 * module, resource), and exports of every kind it may export (function,
 * instance, core module, resource, type). */
static const char *const kinds =
    "(component\n"
    "  (import \"f\" (func (param \"x\" u32) (result string)))\n"
    "  (import \"wasi:cli/environment@0.2.12\" (instance\n"
    "    (export \"get-environment\"\n"
    "      (func (result (list (tuple string string)))))\n"
    "    (export \"inner\" (instance (export \"g\" (func))))\n"
    "    (export \"m\" (core module\n"
    "      (import \"a\" \"b\" (func (param i32)))\n"
    "      (export \"t\" (table 1 funcref))))\n"
    "    (export \"c\" (component\n"
    "      (import \"a\" (func))\n"
    "      (export \"b\" (func (result u32)))))))\n"
    "  (import \"empty\" (instance))\n"
    "  (import \"mod\" (core module\n"
    "    (import \"env\" \"f\" (func (param i32) (result i64)))\n"
    "    (import \"env\" \"mem\" (memory 1))\n"
    "    (export \"g\" (global (mut i32)))))\n"
    "  (import \"res\" (type (sub resource)))\n"
    "  (core module $m\n"
    "    (import \"host\" \"log\" (func $log (param i32)))\n"
    "    (func (export \"answer\") (result i32) (i32.const 42))\n"
    "    (global (export \"g\") (mut i32) (i32.const 0))\n"
    "    (memory (export \"mem\") 1 2)\n"
    "    (table (export \"tab\") 2 funcref))\n"
    "  (core module $leaf (func (export \"answer\") (result i32)"
    " (i32.const 42)))\n"
    "  (core instance $i (instantiate $leaf))\n"
    "  (func $answer (result u32) (canon lift (core func $i \"answer\")))\n"
    "  (export \"answer\" (func $answer))\n"
    "  (instance $run (export \"run\" (func $answer)))\n"
    "  (export \"wasi:cli/run@0.2.12\" (instance $run))\n"
    "  (export \"code\" (core module $m))\n"
    "  (type $own (resource (rep i32)))\n"
    "  (export \"handle\" (type $own))\n"
    "  (type $e (enum \"red\" \"green\"))\n"
    "  (export \"color\" (type $e)))\n";

Test(component_type, imports_of_every_kind) {
  wt_engine_t *e = new_engine();
  wt_component_t *c = component_of(e, kinds);
  wt_arena_t *a = new_arena();
  wt_citems_t imps;
  OK(wt_component_imports(c, a, &imps));
  cr_assert_eq(imps.len, 5);
  static const char *const names[] = {"f", "wasi:cli/environment@0.2.12",
                                      "empty", "mod", "res"};
  static const wt_citemkind_t kinds_of[] = {
      WT_CITEM_FUNC, WT_CITEM_INSTANCE, WT_CITEM_INSTANCE, WT_CITEM_MODULE,
      WT_CITEM_RESOURCE};
  for (size_t i = 0; i < 5; i++) {
    cr_assert_str_eq(imps.items[i].name, names[i]);
    cr_assert_eq(imps.items[i].kind, kinds_of[i], "%s: %s", names[i],
                 wt_citemkind_name(imps.items[i].kind));
  }
  EXPECT_TEXT(item_text(&imps.items[0]), "func(x: u32) -> string");

  /* An instance with a function, an instance, a module and a component. */
  const wt_citem_t *env = &imps.items[1];
  cr_assert_eq(env->of.instance.len, 4);
  const wt_citem_t *inner = item_named(env->of.instance, "inner");
  cr_assert_eq(inner->kind, WT_CITEM_INSTANCE);
  cr_assert_eq(inner->of.instance.len, 1);
  cr_assert_str_eq(inner->of.instance.items[0].name, "g");
  cr_assert_eq(inner->of.instance.items[0].kind, WT_CITEM_FUNC);
  const wt_citem_t *m = item_named(env->of.instance, "m");
  cr_assert_eq(m->kind, WT_CITEM_MODULE);
  cr_assert_eq(m->of.module.nimports, 1);
  cr_assert_str_eq(m->of.module.imports[0].module, "a");
  cr_assert_str_eq(m->of.module.imports[0].name, "b");
  cr_assert_eq(m->of.module.imports[0].type.kind, WT_EXTERN_FUNC);
  cr_assert_eq(m->of.module.nexports, 1);
  cr_assert_str_eq(m->of.module.exports[0].name, "t");
  cr_assert_eq(m->of.module.exports[0].type.kind, WT_EXTERN_TABLE);
  const wt_citem_t *comp = item_named(env->of.instance, "c");
  cr_assert_eq(comp->kind, WT_CITEM_COMPONENT);
  cr_assert_eq(comp->of.component.imports.len, 1);
  cr_assert_str_eq(comp->of.component.imports.items[0].name, "a");
  cr_assert_eq(comp->of.component.exports.len, 1);
  cr_assert_str_eq(comp->of.component.exports.items[0].name, "b");
  EXPECT_TEXT(item_text(comp),
              "component { import a: func(); export b: func() -> u32 }");
  EXPECT_TEXT(item_text(env),
              "instance { get-environment: func() -> "
              "list<tuple<string, string>>; "
              "inner: instance { g: func() }; "
              "m: module { import \"a\" \"b\": (func (param i32)); "
              "export \"t\": (table 1 funcref) }; "
              "c: component { import a: func(); export b: func() -> u32 } }");
  EXPECT_TEXT(item_text(&imps.items[2]), "instance {}");
  cr_assert_eq(imps.items[2].of.instance.len, 0);

  /* A core module: wt's core types, functions interned by the engine. */
  const wt_cmoduletype_t *mod = &imps.items[3].of.module;
  cr_assert_eq(mod->nimports, 2);
  cr_assert_eq(mod->imports[0].module_len, 3);
  cr_assert_eq(mod->imports[0].name_len, 1);
  const wt_functype_t *ft = mod->imports[0].type.of.func;
  cr_assert_not_null(ft);
  cr_assert_eq(wt_functype_param_count(ft), 1);
  cr_assert_eq(wt_functype_param(ft, 0), WT_VAL_I32);
  cr_assert_eq(wt_functype_result(ft, 0), WT_VAL_I64);
  const wt_functype_t *same = NULL;
  OK(wt_functype_parse(e, "i32 -> i64", &same));
  cr_assert_eq(ft, same, "core function types are interned by the engine");
  cr_assert_eq(mod->imports[1].type.kind, WT_EXTERN_MEMORY);
  cr_assert_eq(mod->imports[1].type.of.memory.min, 1);
  cr_assert_eq(mod->nexports, 1);
  cr_assert_eq(mod->exports[0].type.kind, WT_EXTERN_GLOBAL);
  cr_assert_eq(mod->exports[0].type.of.global.kind, WT_VAL_I32);
  cr_assert(mod->exports[0].type.of.global.is_mutable);
  EXPECT_TEXT(item_text(&imps.items[3]),
              "module { import \"env\" \"f\": (func (param i32) (result "
              "i64)); import \"env\" \"mem\": (memory 1); "
              "export \"g\": (global (mut i32)) }");
  expect_resource(&imps.items[4].of.resource, 0, "res", NULL, true);
  wt_arena_delete(a);
  wt_component_delete(c);
  wt_engine_delete(e);
}

Test(component_type, exports_of_every_kind) {
  wt_engine_t *e = new_engine();
  wt_component_t *c = component_of(e, kinds);
  wt_arena_t *a = new_arena();
  wt_citems_t exps;
  OK(wt_component_exports(c, a, &exps));
  cr_assert_eq(exps.len, 5);
  static const char *const names[] = {"answer", "wasi:cli/run@0.2.12", "code",
                                      "handle", "color"};
  static const wt_citemkind_t kinds_of[] = {WT_CITEM_FUNC, WT_CITEM_INSTANCE,
                                            WT_CITEM_MODULE,
                                            WT_CITEM_RESOURCE, WT_CITEM_TYPE};
  static const char *const texts[] = {
      "func() -> u32",
      "instance { run: func() -> u32 }",
      "module { import \"host\" \"log\": (func (param i32)); "
      "export \"answer\": (func (result i32)); "
      "export \"g\": (global (mut i32)); export \"mem\": (memory 1 2); "
      "export \"tab\": (table 2 funcref) }",
      "resource",
      "type enum { red, green }",
  };
  for (size_t i = 0; i < 5; i++) {
    cr_assert_str_eq(exps.items[i].name, names[i]);
    cr_assert_eq(exps.items[i].kind, kinds_of[i], "%s: %s", names[i],
                 wt_citemkind_name(exps.items[i].kind));
    EXPECT_TEXT(item_text(&exps.items[i]), texts[i]);
  }
  /* The resource is the first one named (the import "res" is id 0). */
  expect_resource(&exps.items[3].of.resource, 1, "handle", NULL, false);
  const wt_ctype_t *color = exps.items[4].of.type;
  cr_assert_eq(color->kind, WT_CVAL_ENUM);
  cr_assert_eq(color->count, 2);
  cr_assert_str_eq(color->members[1].name, "green");
  wt_arena_delete(a);
  wt_component_delete(c);
  wt_engine_delete(e);
}

Test(component_type, lookup_by_name) {
  wt_engine_t *e = new_engine();
  wt_component_t *c = component_of(e, kinds);
  wt_arena_t *a = new_arena();
  wt_citem_t it;
  OK(wt_component_export(c, "wasi:cli/run@0.2.12", a, &it));
  cr_assert_str_eq(it.name, "wasi:cli/run@0.2.12");
  cr_assert_eq(it.kind, WT_CITEM_INSTANCE);
  cr_assert_eq(it.of.instance.len, 1);
  cr_assert_str_eq(it.of.instance.items[0].name, "run");
  OK(wt_component_import(c, "mod", a, &it));
  cr_assert_eq(it.kind, WT_CITEM_MODULE);
  OK(wt_component_export(c, "color", a, &it));
  cr_assert_eq(it.kind, WT_CITEM_TYPE);

  /* Imports and exports are apart; names are whole, not paths. */
  wt_citem_t keep = {.name = "kept", .kind = WT_CITEM_TYPE};
  EXPECT_ERROR(wt_component_import(c, "answer", a, &keep), WT_ERROR_NOT_FOUND,
               "wt_component_import: the component imports nothing named "
               "\"answer\"");
  EXPECT_ERROR(wt_component_export(c, "f", a, &keep), WT_ERROR_NOT_FOUND,
               "wt_component_export: the component exports nothing named "
               "\"f\"");
  EXPECT_ERROR(wt_component_export(c, "run", a, &keep), WT_ERROR_NOT_FOUND,
               "exports nothing named \"run\"");
  EXPECT_ERROR(wt_component_export(c, "", a, &keep), WT_ERROR_NOT_FOUND,
               "exports nothing named \"\"");
  cr_assert_str_eq(keep.name, "kept");
  cr_assert_eq(keep.kind, WT_CITEM_TYPE);
  wt_arena_delete(a);
  wt_component_delete(c);
  wt_engine_delete(e);
}

Test(component_type, descriptions_outlive_the_component) {
  wt_engine_t *e = new_engine();
  wt_component_t *c = component_of(e, kinds);
  wt_arena_t *a = new_arena();
  size_t before = wt_arena_used(a);
  wt_citems_t imps;
  OK(wt_component_imports(c, a, &imps));
  cr_assert_gt(wt_arena_used(a), before);
  /* Names are NUL-terminated copies in the arena. */
  const char *name = imps.items[1].name;
  wt_component_delete(c);
  cr_assert_str_eq(name, "wasi:cli/environment@0.2.12");
  EXPECT_TEXT(item_text(&imps.items[0]), "func(x: u32) -> string");
  wt_arena_reset(a);
  cr_assert_eq(wt_arena_used(a), 0);
  wt_arena_delete(a);
  wt_engine_delete(e);
}

/* ---- function types from a store ---- */

static const char *const callable =
    "(component\n"
    "  (core module $m\n"
    "    (func (export \"add\") (param i32 i32) (result i32)\n"
    "      (i32.add (local.get 0) (local.get 1)))\n"
    "    (func (export \"id\") (param i32) (result i32) (local.get 0))\n"
    "    (func (export \"drop2\") (param i32 i32))\n"
    "    (func (export \"nop\")))\n"
    "  (core instance $i (instantiate $m))\n"
    "  (type $r (resource (rep i32)))\n"
    "  (export $R \"r\" (type $r))\n"
    "  (func (export \"add\") (param \"a\" u32) (param \"b\" u32) (result u32)\n"
    "    (canon lift (core func $i \"add\")))\n"
    "  (func (export \"nop\") (canon lift (core func $i \"nop\")))\n"
    "  (func (export \"peek\") (param \"h\" (borrow $R)) (result (own $R))\n"
    "    (canon lift (core func $i \"id\")))\n"
    "  (func $run (param \"x\" (tuple u8 u16))\n"
    "    (canon lift (core func $i \"drop2\")))\n"
    "  (instance $cli (export \"run\" (func $run)))\n"
    "  (export \"wasi:cli/run@0.2.12\" (instance $cli)))\n";

typedef struct live {
  wt_engine_t *engine;
  wt_component_t *component;
  wt_component_linker_t *linker;
  wt_store_t *store;
  wt_component_instance_t inst;
  wt_arena_t *arena;
} live;

static live instantiate_callable(void) {
  live l = {0};
  l.engine = new_engine();
  l.component = component_of(l.engine, callable);
  OK(wt_component_linker_new(l.engine, &l.linker));
  OK(wt_store_new(l.engine, NULL, NULL, &l.store));
  OK(wt_component_linker_instantiate(l.linker, l.store, l.component,
                                     &l.inst));
  l.arena = new_arena();
  return l;
}

static void live_free(live *l) {
  wt_arena_delete(l->arena);
  wt_store_delete(l->store);
  wt_component_linker_delete(l->linker);
  wt_component_delete(l->component);
  wt_engine_delete(l->engine);
}

Test(component_type, func_type_from_an_instance) {
  live l = instantiate_callable();
  wt_component_func_t add, nop, peek, run;
  OK(wt_component_instance_func(l.store, &l.inst, "add", &add));
  OK(wt_component_instance_func(l.store, &l.inst, "nop", &nop));
  OK(wt_component_instance_func(l.store, &l.inst, "peek", &peek));
  const char *path[] = {"wasi:cli/run@0.2.12", "run"};
  OK(wt_component_instance_func_path(l.store, &l.inst, path, 2, &run));
  wt_cfunctype_t f;
  OK(wt_component_func_type(l.store, &add, l.arena, &f));
  cr_assert_eq(f.nparams, 2);
  cr_assert_str_eq(f.params[0].name, "a");
  cr_assert_eq(f.params[0].type->kind, WT_CVAL_U32);
  cr_assert_str_eq(f.params[1].name, "b");
  cr_assert_eq(f.result->kind, WT_CVAL_U32);
  cr_assert_not(f.is_async);
  EXPECT_TEXT(func_text(&f), "func(a: u32, b: u32) -> u32");
  OK(wt_component_func_type(l.store, &nop, l.arena, &f));
  cr_assert_eq(f.nparams, 0);
  cr_assert_null(f.result);
  EXPECT_TEXT(func_text(&f), "func()");
  OK(wt_component_func_type(l.store, &run, l.arena, &f));
  EXPECT_TEXT(func_text(&f), "func(x: tuple<u8, u16>)");
  /* Resources of a store's function have no component to name them. */
  OK(wt_component_func_type(l.store, &peek, l.arena, &f));
  const wt_cresource_t *h = &f.params[0].type->resource;
  const wt_cresource_t *o = &f.result->resource;
  cr_assert_eq(f.params[0].type->kind, WT_CVAL_BORROW);
  cr_assert_eq(f.result->kind, WT_CVAL_OWN);
  cr_assert_eq(h->id, 0);
  cr_assert_eq(o->id, 0, "the same resource type");
  cr_assert_not(h->named);
  cr_assert_not(h->imported);
  cr_assert_null(h->scope);
  cr_assert_str_eq(h->name, "#0");
  EXPECT_TEXT(func_text(&f), "func(h: borrow<#0>) -> own<#0>");
  live_free(&l);
}

Test(component_type, func_type_misuse) {
  live l = instantiate_callable();
  wt_component_func_t add;
  OK(wt_component_instance_func(l.store, &l.inst, "add", &add));
  wt_cfunctype_t f = {.nparams = 77};
  EXPECT_ERROR(wt_component_func_type(NULL, &add, l.arena, &f),
               WT_ERROR_MISUSE, "wt_component_func_type: store is NULL");
  EXPECT_ERROR(wt_component_func_type(l.store, NULL, l.arena, &f),
               WT_ERROR_MISUSE, "wt_component_func_type: func is NULL");
  EXPECT_ERROR(wt_component_func_type(l.store, &add, NULL, &f),
               WT_ERROR_MISUSE, "wt_component_func_type: arena is NULL");
  EXPECT_ERROR(wt_component_func_type(l.store, &add, l.arena, NULL),
               WT_ERROR_MISUSE, "wt_component_func_type: out is NULL");
  wt_component_func_t zero = {0};
  EXPECT_ERROR(wt_component_func_type(l.store, &zero, l.arena, &f),
               WT_ERROR_MISUSE,
               "wt_component_func_type: func belongs to another store");
  wt_store_t *other = NULL;
  OK(wt_store_new(l.engine, NULL, NULL, &other));
  wt_component_instance_t inst2;
  OK(wt_component_linker_instantiate(l.linker, other, l.component, &inst2));
  EXPECT_ERROR(wt_component_func_type(other, &add, l.arena, &f),
               WT_ERROR_MISUSE,
               "wt_component_func_type: func belongs to another store (or to "
               "a deleted one)");
  wt_store_delete(other);
  EXPECT_ERROR(wt_component_func_type(other, &add, l.arena, &f),
               WT_ERROR_MISUSE,
               "wt_component_func_type: store is not a live wt_store_t");
  wt_arena_t *dead = new_arena();
  wt_arena_delete(dead);
  EXPECT_ERROR(wt_component_func_type(l.store, &add, dead, &f),
               WT_ERROR_MISUSE, "wt_component_func_type: arena is deleted");
  cr_assert_eq(f.nparams, 77, "out is written only on success");
  /* A deleted store's function, after the store is gone. */
  wt_component_func_t gone = add;
  wt_store_delete(l.store);
  OK(wt_store_new(l.engine, NULL, NULL, &l.store));
  EXPECT_ERROR(wt_component_func_type(l.store, &gone, l.arena, &f),
               WT_ERROR_MISUSE,
               "wt_component_func_type: func belongs to another store");
  live_free(&l);
}

/* ---- misuse of the component functions ---- */

Test(component_type, component_misuse) {
  wt_engine_t *e = new_engine();
  wt_component_t *c = component_of(e, kinds);
  wt_arena_t *a = new_arena();
  wt_citems_t items = {(void *)1, 5};
  wt_citem_t it = {.name = "kept"};
  EXPECT_ERROR(wt_component_imports(NULL, a, &items), WT_ERROR_MISUSE,
               "wt_component_imports: component is NULL or deleted");
  EXPECT_ERROR(wt_component_exports(NULL, a, &items), WT_ERROR_MISUSE,
               "wt_component_exports: component is NULL or deleted");
  EXPECT_ERROR(wt_component_import(NULL, "f", a, &it), WT_ERROR_MISUSE,
               "wt_component_import: component is NULL or deleted");
  EXPECT_ERROR(wt_component_export(NULL, "answer", a, &it), WT_ERROR_MISUSE,
               "wt_component_export: component is NULL or deleted");
  EXPECT_ERROR(wt_component_imports(c, NULL, &items), WT_ERROR_MISUSE,
               "wt_component_imports: arena is NULL");
  EXPECT_ERROR(wt_component_export(c, "answer", NULL, &it), WT_ERROR_MISUSE,
               "wt_component_export: arena is NULL");
  EXPECT_ERROR(wt_component_imports(c, a, NULL), WT_ERROR_MISUSE,
               "wt_component_imports: out is NULL");
  EXPECT_ERROR(wt_component_exports(c, a, NULL), WT_ERROR_MISUSE,
               "wt_component_exports: out is NULL");
  EXPECT_ERROR(wt_component_import(c, "f", a, NULL), WT_ERROR_MISUSE,
               "wt_component_import: out is NULL");
  EXPECT_ERROR(wt_component_import(c, NULL, a, &it), WT_ERROR_MISUSE,
               "wt_component_import: name is NULL");
  EXPECT_ERROR(wt_component_export(c, NULL, a, &it), WT_ERROR_MISUSE,
               "wt_component_export: name is NULL");
  EXPECT_ERROR(wt_component_import(c, "f\xff", a, &it), WT_ERROR_MISUSE,
               "wt_component_import: name is not valid UTF-8");
  EXPECT_ERROR(wt_component_export(c, "\xc3(", a, &it), WT_ERROR_MISUSE,
               "wt_component_export: name is not valid UTF-8");

  wt_arena_t *dead = new_arena();
  wt_arena_delete(dead);
  EXPECT_ERROR(wt_component_imports(c, dead, &items), WT_ERROR_MISUSE,
               "wt_component_imports: arena is deleted");
  EXPECT_ERROR(wt_component_import(c, "f", dead, &it), WT_ERROR_MISUSE,
               "wt_component_import: arena is deleted");

  wt_component_t *gone = component_of(e, kinds);
  wt_component_delete(gone);
  EXPECT_ERROR(wt_component_exports(gone, a, &items), WT_ERROR_MISUSE,
               "wt_component_exports: component is NULL or deleted");
  EXPECT_ERROR(wt_component_import(gone, "f", a, &it), WT_ERROR_MISUSE,
               "wt_component_import: component is NULL or deleted");
  cr_assert_eq(items.len, 5, "out is written only on success");
  cr_assert_str_eq(it.name, "kept");
  wt_arena_delete(a);
  wt_component_delete(c);
  wt_engine_delete(e);
}

Test(component_type, component_outlives_its_engine_handle) {
  /* The component keeps its engine: describing it after the caller
   * deleted the engine works. */
  wt_engine_t *e = new_engine();
  wt_component_t *c = component_of(e, kinds);
  wt_engine_delete(e);
  wt_arena_t *a = new_arena();
  wt_citem_t it;
  OK(wt_component_import(c, "mod", a, &it));
  cr_assert_eq(it.of.module.nimports, 2);
  cr_assert_not_null(it.of.module.imports[0].type.of.func);
  wt_arena_delete(a);
  wt_component_delete(c);
}

/* ---- text into small buffers ---- */

Test(component_type, text_truncates_as_snprintf) {
  static const wt_ctype_t u32t = {.kind = WT_CVAL_U32};
  static const wt_ctype_t str = {.kind = WT_CVAL_STRING};
  wt_cmember_t items[] = {{NULL, &u32t}, {NULL, &str}};
  wt_ctype_t tup = {.kind = WT_CVAL_TUPLE, .count = 2, .members = items};
  const char *full = "tuple<u32, string>";
  size_t len = strlen(full);
  char buf[64];
  memset(buf, 'Z', sizeof buf);
  cr_assert_eq(wt_ctype_text(&tup, buf, 0), len);
  cr_assert_eq(buf[0], 'Z', "cap 0 writes nothing");
  cr_assert_eq(wt_ctype_text(&tup, NULL, 0), len);
  cr_assert_eq(wt_ctype_text(&tup, NULL, 10), len, "NULL buf is cap 0");
  cr_assert_eq(wt_ctype_text(&tup, buf, 1), len);
  cr_assert_str_eq(buf, "");
  cr_assert_eq(buf[1], 'Z');
  cr_assert_eq(wt_ctype_text(&tup, buf, 6), len);
  cr_assert_str_eq(buf, "tuple");
  cr_assert_eq(buf[6], 'Z');
  cr_assert_eq(wt_ctype_text(&tup, buf, len), len);
  cr_assert_str_eq(buf, "tuple<u32, string");
  cr_assert_eq(wt_ctype_text(&tup, buf, len + 1), len);
  cr_assert_str_eq(buf, full);
  /* Every cut gives the text's prefix. */
  for (size_t cap = 1; cap <= len + 1; cap++) {
    memset(buf, 'Z', sizeof buf);
    cr_assert_eq(wt_ctype_text(&tup, buf, cap), len);
    cr_assert_eq(strlen(buf), cap - 1);
    cr_assert_eq(strncmp(buf, full, cap - 1), 0);
  }
  /* NULL types write "". */
  strcpy(buf, "old");
  cr_assert_eq(wt_ctype_text(NULL, buf, sizeof buf), 0);
  cr_assert_str_eq(buf, "");
  strcpy(buf, "old");
  cr_assert_eq(wt_cfunctype_text(NULL, buf, sizeof buf), 0);
  cr_assert_str_eq(buf, "");
  strcpy(buf, "old");
  cr_assert_eq(wt_citem_text(NULL, buf, sizeof buf), 0);
  cr_assert_str_eq(buf, "");
  cr_assert_eq(wt_ctype_text(NULL, NULL, 0), 0);
}

Test(component_type, item_and_function_text_truncates) {
  /* Module items go through wt_externtype_text() in the middle of the
   * text: cuts there keep snprintf semantics too. */
  wt_engine_t *e = new_engine();
  wt_component_t *c = component_of(e, kinds);
  wt_arena_t *a = new_arena();
  wt_citem_t env, f;
  OK(wt_component_import(c, "wasi:cli/environment@0.2.12", a, &env));
  OK(wt_component_import(c, "f", a, &f));
  char full[1024], buf[1024];
  size_t len = wt_citem_text(&env, full, sizeof full);
  cr_assert_lt(len, sizeof full);
  for (size_t cap = 0; cap <= len + 1; cap++) {
    memset(buf, 'Z', sizeof buf);
    cr_assert_eq(wt_citem_text(&env, buf, cap), len, "cap %zu", cap);
    if (cap == 0) {
      cr_assert_eq(buf[0], 'Z');
      continue;
    }
    cr_assert_eq(strlen(buf), cap - 1, "cap %zu", cap);
    cr_assert_eq(strncmp(buf, full, cap - 1), 0, "cap %zu: %s", cap, buf);
    cr_assert_eq(buf[cap], 'Z', "cap %zu: wrote past the buffer", cap);
  }
  const char *ftext = "func(x: u32) -> string";
  cr_assert_eq(wt_cfunctype_text(&f.of.func, buf, 5), strlen(ftext));
  cr_assert_str_eq(buf, "func");
  cr_assert_eq(wt_cfunctype_text(&f.of.func, buf, 1), strlen(ftext));
  cr_assert_str_eq(buf, "");
  memset(buf, 'Z', sizeof buf);
  cr_assert_eq(wt_cfunctype_text(&f.of.func, buf, 0), strlen(ftext));
  cr_assert_eq(buf[0], 'Z');
  wt_arena_delete(a);
  wt_component_delete(c);
  wt_engine_delete(e);
}

Test(component_type, core_names_are_quoted) {
  static const char *const odd =
      "(component (import \"m\" (core module\n"
      "  (import \"a\\\"b\" \"c\\\\d\" (func))\n"
      "  (export \"\\00e\\0a\" (func)))))\n";
  wt_engine_t *e = new_engine();
  wt_component_t *c = component_of(e, odd);
  wt_arena_t *a = new_arena();
  wt_citem_t m;
  OK(wt_component_import(c, "m", a, &m));
  cr_assert_eq(m.of.module.exports[0].name_len, 3);
  cr_assert_eq(memcmp(m.of.module.exports[0].name, "\0e\n", 4), 0);
  EXPECT_TEXT(item_text(&m), "module { import \"a\\\"b\" \"c\\\\d\": (func); "
                             "export \"\\00e\\0a\": (func) }");
  wt_arena_delete(a);
  wt_component_delete(c);
  wt_engine_delete(e);
}

/* ---- bounds ---- */

/* Value types nested `depth` deep: lists around a u32, in items (instance
 * types) nested `items` deep. */
static char *deep_wat(int depth, int items) {
  size_t cap = (size_t)(depth + items) * 96 + 256;
  char *wat = malloc(cap);
  size_t at = (size_t)snprintf(wat, cap, "(component\n(type $t0 (list u32))\n");
  for (int i = 1; i < depth; i++)
    at += (size_t)snprintf(wat + at, cap - at, "(type $t%d (list $t%d))\n", i,
                           i - 1);
  at += (size_t)snprintf(wat + at, cap - at,
                         "(type $i0 (instance (export \"f\" (func (param "
                         "\"x\" $t%d)))))\n",
                         depth - 1);
  for (int i = 1; i < items; i++)
    at += (size_t)snprintf(wat + at, cap - at,
                           "(type $i%d (instance (export \"i\" (instance "
                           "(type $i%d)))))\n",
                           i, i - 1);
  snprintf(wat + at, cap - at, "(import \"top\" (instance (type $i%d))))\n",
           items - 1);
  return wat;
}

typedef struct deep_job {
  const wt_component_t *component;
  wt_arena_t *arena;
  wt_error_t *err;
  wt_citems_t imps;
} deep_job;

static void *describe_deep(void *p) {
  deep_job *j = p;
  j->err = wt_component_imports(j->component, j->arena, &j->imps);
  return NULL;
}

Test(component_type, deepest_types_on_a_small_stack) {
  /* Wasmtime refuses value types 101 deep; 100 (99 lists around a u32) is
   * the deepest, here inside 25 nested instance types (Wasmtime 48 does
   * not compile deeper nesting, value types included), described on a
   * thread with a 512 KiB stack. Then items alone, 120 deep. */
  wt_engine_t *e = new_engine();
  char *wat = deep_wat(100, 1);
  wt_component_t *c = NULL;
  EXPECT_ERROR(wt_component_new_wat(e, wat, &c), WT_ERROR_COMPILE,
               "type nesting is too deep");
  free(wat);
  wat = deep_wat(99, 25);
  c = component_of(e, wat);
  free(wat);
  deep_job job = {c, new_arena(), NULL, {NULL, 0}};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 512 * 1024);
  pthread_t t;
  cr_assert_eq(pthread_create(&t, &attr, describe_deep, &job), 0);
  pthread_join(t, NULL);
  pthread_attr_destroy(&attr);
  OK(job.err);
  cr_assert_eq(job.imps.len, 1);
  const wt_citem_t *it = &job.imps.items[0];
  int levels = 0;
  while (it->kind == WT_CITEM_INSTANCE) {
    cr_assert_eq(it->of.instance.len, 1);
    it = &it->of.instance.items[0];
    levels++;
  }
  cr_assert_eq(levels, 25);
  cr_assert_eq(it->kind, WT_CITEM_FUNC);
  cr_assert_str_eq(it->name, "f");
  const wt_ctype_t *ty = it->of.func.params[0].type;
  size_t len = wt_ctype_text(ty, NULL, 0);
  cr_assert_eq(len, 99 * strlen("list<") + strlen("u32") + 99);
  int lists = 0;
  while (ty->kind == WT_CVAL_LIST) {
    ty = ty->elem;
    lists++;
  }
  cr_assert_eq(lists, 99);
  cr_assert_eq(ty->kind, WT_CVAL_U32);
  size_t all = wt_citem_text(&job.imps.items[0], NULL, 0);
  cr_assert_eq(all, 24 * strlen("instance { i: ") +
                        strlen("instance { f: func(x: ") + len +
                        strlen(") }") + 24 * strlen(" }"));
  wt_arena_delete(job.arena);
  wt_component_delete(c);

  wat = deep_wat(1, 120);
  c = component_of(e, wat);
  free(wat);
  job = (deep_job){c, new_arena(), NULL, {NULL, 0}};
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 512 * 1024);
  cr_assert_eq(pthread_create(&t, &attr, describe_deep, &job), 0);
  pthread_join(t, NULL);
  pthread_attr_destroy(&attr);
  OK(job.err);
  char *want = malloc(119 * 16 + 64);
  size_t at = 0;
  for (int i = 0; i < 119; i++)
    at += (size_t)sprintf(want + at, "instance { i: ");
  at += (size_t)sprintf(want + at, "instance { f: func(x: list<u32>) }");
  for (int i = 0; i < 119; i++)
    at += (size_t)sprintf(want + at, " }");
  EXPECT_TEXT(item_text(&job.imps.items[0]), want);
  free(want);
  wt_arena_delete(job.arena);
  wt_component_delete(c);
  wt_engine_delete(e);
}

Test(component_type, largest_type_is_described_whole) {
  /* Shared type definitions make types far larger than their binary:
   * tuples of tuples 18 deep are 2^18 tuples, just under Wasmtime's
   * effective type size limit (2^19 is over it). Described as a tree. */
  wt_engine_t *e = new_engine();
  for (int round = 0; round < 2; round++) {
    int n = round ? 19 : 18;
    size_t cap = (size_t)n * 64 + 128;
    char *wat = malloc(cap);
    size_t at = (size_t)snprintf(wat, cap,
                                 "(component\n(type $t0 (tuple u32 u32))\n");
    for (int i = 1; i < n; i++)
      at += (size_t)snprintf(wat + at, cap - at,
                             "(type $t%d (tuple $t%d $t%d))\n", i, i - 1,
                             i - 1);
    snprintf(wat + at, cap - at,
             "(import \"f\" (func (param \"x\" $t%d))))\n", n - 1);
    wt_component_t *c = NULL;
    if (round == 1) {
      EXPECT_ERROR(wt_component_new_wat(e, wat, &c), WT_ERROR_COMPILE,
                   "effective type size exceeds the limit of 1000000");
      free(wat);
      break;
    }
    c = component_of(e, wat);
    free(wat);
    wt_arena_t *a = new_arena();
    wt_citem_t f;
    OK(wt_component_import(c, "f", a, &f));
    const wt_ctype_t *t = f.of.func.params[0].type;
    /* text(0) = "tuple<u32, u32>"; text(k) = "tuple<" text(k-1) ", "
     * text(k-1) ">". */
    size_t want = strlen("tuple<u32, u32>");
    for (int k = 1; k < n; k++)
      want = 2 * want + strlen("tuple<, >");
    cr_assert_eq(wt_ctype_text(t, NULL, 0), want);
    int depth = 0;
    for (const wt_ctype_t *p = t; p->kind == WT_CVAL_TUPLE;
         p = p->members[1].type)
      depth++;
    cr_assert_eq(depth, n);
    cr_assert_gt(wt_arena_used(a), ((size_t)1 << 17) * sizeof(wt_ctype_t));
    wt_arena_delete(a);
    wt_component_delete(c);
  }
  wt_engine_delete(e);
}

/* With the map switch on, map types are described like the others. */
Test(component_type, map_types) {
  wt_config_t *config = wt_config_new();
  cr_assert(wt_config_set_wasm_component_model_map(config, true));
  wt_engine_t *e = engine_from(config);
  wt_component_t *c = component_of(
      e, "(component (import \"f\" (func (param \"m\" (map string u32))"
         " (result (map u32 (list (map u8 bool)))))))");
  wt_arena_t *a = new_arena();
  wt_citem_t it;
  OK(wt_component_import(c, "f", a, &it));
  cr_assert_str_eq(item_text(&it),
                   "func(m: map<string, u32>) -> "
                   "map<u32, list<map<u8, bool>>>");
  wt_arena_delete(a);
  wt_component_delete(c);
  wt_engine_delete(e);
}
