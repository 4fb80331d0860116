/* The component model: components, the component linker, lookups, WIT
 * values and calls, and every misuse of them. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

/* A component with functions of every supported type, an exported
 * instance, and functions whose types wt does not support yet. */
static const char *const kitchen =
    "(component\n"
    "  (core module $m\n"
    "    (memory (export \"mem\") 8)\n"
    "    (global $next (mut i32) (i32.const 1024))\n"
    "    (func (export \"realloc\") (param i32 i32 i32 i32) (result i32)\n"
    "      (local $p i32)\n"
    "      (local.set $p (i32.and\n"
    "        (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))\n"
    "        (i32.sub (i32.const 0) (local.get 2))))\n"
    "      (global.set $next (i32.add (local.get $p) (local.get 3)))\n"
    "      (local.get $p))\n"
    "    (func (export \"add\") (param i32 i32) (result i32)\n"
    "      (i32.add (local.get 0) (local.get 1)))\n"
    "    (func (export \"id32\") (param i32) (result i32) (local.get 0))\n"
    "    (func (export \"id64\") (param i64) (result i64) (local.get 0))\n"
    "    (func (export \"idf32\") (param f32) (result f32) (local.get 0))\n"
    "    (func (export \"idf64\") (param f64) (result f64) (local.get 0))\n"
    "    (func (export \"echo\") (param i32 i32) (result i32)\n"
    "      (i32.store (i32.const 16) (local.get 0))\n"
    "      (i32.store (i32.const 20) (local.get 1))\n"
    "      (i32.const 16))\n"
    "    (func (export \"len\") (param i32 i32) (result i32) (local.get 1))\n"
    "    (func (export \"greet\") (result i32)\n"
    "      (i32.store (i32.const 16) (i32.const 32))\n"
    "      (i32.store (i32.const 20) (i32.const 2))\n"
    "      (i32.const 16))\n"
    "    (func (export \"mix\") (param i32 i32 i64 f32 i32 i32 i32)"
    " (result f64)\n"
    "      (f64.add\n"
    "        (f64.add (f64.convert_i32_s (local.get 0))\n"
    "                 (f64.convert_i32_u (local.get 1)))\n"
    "        (f64.add\n"
    "          (f64.add (f64.convert_i64_s (local.get 2))\n"
    "                   (f64.promote_f32 (local.get 3)))\n"
    "          (f64.add (f64.convert_i32_u (local.get 4))\n"
    "                   (f64.convert_i32_u (local.get 6))))))\n"
    "    (func (export \"answer\") (result i32) (i32.const 42))\n"
    "    (func (export \"boom\") unreachable)\n"
    "    (func (export \"drop2\") (param i32 i32))\n"
    "    (data (i32.const 32) \"hi\"))\n"
    "  (core instance $i (instantiate $m))\n"
    "  (func (export \"add\") (param \"a\" u32) (param \"b\" u32) (result u32)\n"
    "    (canon lift (core func $i \"add\")))\n"
    "  (func (export \"id-bool\") (param \"x\" bool) (result bool)\n"
    "    (canon lift (core func $i \"id32\")))\n"
    "  (func (export \"id-s8\") (param \"x\" s8) (result s8)\n"
    "    (canon lift (core func $i \"id32\")))\n"
    "  (func (export \"id-u8\") (param \"x\" u8) (result u8)\n"
    "    (canon lift (core func $i \"id32\")))\n"
    "  (func (export \"id-s16\") (param \"x\" s16) (result s16)\n"
    "    (canon lift (core func $i \"id32\")))\n"
    "  (func (export \"id-u16\") (param \"x\" u16) (result u16)\n"
    "    (canon lift (core func $i \"id32\")))\n"
    "  (func (export \"id-s32\") (param \"x\" s32) (result s32)\n"
    "    (canon lift (core func $i \"id32\")))\n"
    "  (func (export \"id-u32\") (param \"x\" u32) (result u32)\n"
    "    (canon lift (core func $i \"id32\")))\n"
    "  (func (export \"id-s64\") (param \"x\" s64) (result s64)\n"
    "    (canon lift (core func $i \"id64\")))\n"
    "  (func (export \"id-u64\") (param \"x\" u64) (result u64)\n"
    "    (canon lift (core func $i \"id64\")))\n"
    "  (func (export \"id-f32\") (param \"x\" f32) (result f32)\n"
    "    (canon lift (core func $i \"idf32\")))\n"
    "  (func (export \"id-f64\") (param \"x\" f64) (result f64)\n"
    "    (canon lift (core func $i \"idf64\")))\n"
    "  (func (export \"id-char\") (param \"x\" char) (result char)\n"
    "    (canon lift (core func $i \"id32\")))\n"
    "  (func (export \"echo\") (param \"s\" string) (result string)\n"
    "    (canon lift (core func $i \"echo\") (memory (core memory $i \"mem\"))\n"
    "      (realloc (core func $i \"realloc\"))))\n"
    "  (func (export \"len\") (param \"s\" string) (result u32)\n"
    "    (canon lift (core func $i \"len\") (memory (core memory $i \"mem\"))\n"
    "      (realloc (core func $i \"realloc\"))))\n"
    "  (func (export \"greet\") (result string)\n"
    "    (canon lift (core func $i \"greet\") (memory (core memory $i \"mem\"))))\n"
    "  (func (export \"mix\") (param \"a\" s8) (param \"b\" u16)"
    " (param \"c\" s64)\n"
    "    (param \"d\" f32) (param \"e\" char) (param \"f\" string)"
    " (result f64)\n"
    "    (canon lift (core func $i \"mix\") (memory (core memory $i \"mem\"))\n"
    "      (realloc (core func $i \"realloc\"))))\n"
    "  (func (export \"boom\") (canon lift (core func $i \"boom\")))\n"
    "  (func $answer (result u32) (canon lift (core func $i \"answer\")))\n"
    "  (instance $run (export \"run\" (func $answer)))\n"
    "  (export \"wasi:cli/run@0.2.12\" (instance $run))\n"
    "  (func (export \"sum\") (param \"xs\" (list u32)) (result u32)\n"
    "    (canon lift (core func $i \"len\") (memory (core memory $i \"mem\"))\n"
    "      (realloc (core func $i \"realloc\"))))\n"
    "  (func (export \"maybe\") (result (option u32))\n"
    "    (canon lift (core func $i \"greet\") (memory (core memory $i \"mem\"))))\n"
    "  (func (export \"pair\") (param \"t\" (tuple u32 u32))\n"
    "    (canon lift (core func $i \"drop2\"))))\n";

/* The smallest component binary: the magic number, version 0xd, layer 1. */
static const uint8_t empty_component[8] = {0, 'a', 's', 'm', 0x0d, 0, 1, 0};

/* An engine with the component model; skips the test when the Wasmtime
 * linked in was built without it. */
static wt_engine_t *cm_engine(void) {
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_component_t *c = NULL;
  wt_error_t *err =
      wt_component_new(engine, empty_component, sizeof empty_component, &c);
  if (err && wt_error_kind(err) == WT_ERROR_CONFIG) {
    wt_error_delete(err);
    wt_engine_delete(engine);
    cr_skip_test("Wasmtime was built without the component model");
  }
  OK(err);
  wt_component_delete(c);
  return engine;
}

/* Everything a test needs to call the kitchen component's functions. */
typedef struct fixture {
  wt_engine_t *engine;
  wt_component_t *component;
  wt_component_linker_t *linker;
  wt_store_t *store;
  wt_component_instance_t inst;
  wt_arena_t *arena;
} fixture;

static fixture setup_kitchen(void) {
  fixture f = {0};
  f.engine = cm_engine();
  OK(wt_component_new_wat(f.engine, kitchen, &f.component));
  OK(wt_component_linker_new(f.engine, &f.linker));
  OK(wt_store_new(f.engine, NULL, NULL, &f.store));
  OK(wt_component_linker_instantiate(f.linker, f.store, f.component, &f.inst));
  OK(wt_arena_new(&f.arena));
  return f;
}

static void teardown(fixture *f) {
  wt_arena_delete(f->arena);
  wt_store_delete(f->store);
  wt_component_linker_delete(f->linker);
  wt_component_delete(f->component);
  wt_engine_delete(f->engine);
}

static wt_component_func_t func_of(fixture *f, const char *name) {
  wt_component_func_t fn;
  OK(wt_component_instance_func(f->store, &f->inst, name, &fn));
  return fn;
}

static wt_cval_t u32v(uint32_t v) {
  wt_cval_t x = {.kind = WT_CVAL_U32, .of.u32 = v};
  return x;
}

static wt_cval_t strv(const char *s, size_t len) {
  wt_cval_t x = {.kind = WT_CVAL_STRING, .of.str = {s, len}};
  return x;
}

/* Calls a one-argument, one-result function. */
static wt_cval_t call1(fixture *f, const char *name, wt_cval_t arg) {
  wt_component_func_t fn = func_of(f, name);
  wt_cval_t out = {0};
  OK(wt_component_func_call(f->store, &fn, &arg, 1, &out, 1, f->arena));
  return out;
}

/* ---- components ---- */

Test(component, compile_from_text_and_binary) {
  wt_engine_t *engine = cm_engine();
  wt_component_t *c = NULL;
  OK(wt_component_new_wat(engine, kitchen, &c));
  cr_assert_not_null(c);
  wt_component_delete(c);
  c = NULL;
  OK(wt_component_new(engine, (const uint8_t *)kitchen, strlen(kitchen), &c));
  cr_assert_not_null(c);
  wt_component_delete(c);
  c = NULL;
  OK(wt_component_new(engine, empty_component, sizeof empty_component, &c));
  cr_assert_not_null(c);
  wt_component_delete(c);
  OK(wt_component_validate(engine, (const uint8_t *)kitchen, strlen(kitchen)));
  OK(wt_component_validate(engine, empty_component, sizeof empty_component));
  wt_engine_delete(engine);
}

Test(component, bad_input_is_a_compile_error) {
  wt_engine_t *engine = cm_engine();
  wt_component_t *c = (wt_component_t *)&c; /* must stay as it is */
  wt_component_t *const before = c;
  wt_error_delete(EXPECT_KIND(
      wt_component_new_wat(engine, "(component (func $f", &c),
      WT_ERROR_COMPILE));
  wt_error_delete(
      EXPECT_KIND(wt_component_new(engine, (const uint8_t *)"", 0, &c),
                  WT_ERROR_COMPILE));
  /* A core module is not a component. */
  wt_error_delete(EXPECT_KIND(wt_component_new_wat(engine, "(module)", &c),
                              WT_ERROR_COMPILE));
  static const uint8_t core_module[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  wt_error_delete(EXPECT_KIND(
      wt_component_new(engine, core_module, sizeof core_module, &c),
      WT_ERROR_COMPILE));
  /* Valid syntax, invalid component: a lift of a missing export. */
  wt_error_delete(EXPECT_KIND(
      wt_component_new_wat(engine,
                           "(component (core module $m)"
                           " (core instance $i (instantiate $m))"
                           " (func (export \"f\") (canon lift"
                           " (core func $i \"nope\"))))",
                           &c),
      WT_ERROR_COMPILE));
  cr_assert_eq(c, before, "out was written on failure");
  wt_error_delete(EXPECT_KIND(
      wt_component_validate(engine, (const uint8_t *)"(component", 10),
      WT_ERROR_COMPILE));
  wt_error_delete(EXPECT_KIND(
      wt_component_validate(engine, core_module, sizeof core_module),
      WT_ERROR_COMPILE));
  wt_error_delete(EXPECT_KIND(wt_component_validate(engine, NULL, 0),
                              WT_ERROR_COMPILE));
  wt_engine_delete(engine);
}

Test(component, compile_misuse) {
  wt_engine_t *engine = cm_engine();
  wt_component_t *c = NULL;
  EXPECT_ERROR(wt_component_new(NULL, empty_component, 8, &c),
               WT_ERROR_MISUSE, "wt_component_new: engine is NULL");
  EXPECT_ERROR(wt_component_new(engine, NULL, 8, &c), WT_ERROR_MISUSE,
               "wt_component_new: bytes is NULL");
  EXPECT_ERROR(wt_component_new(engine, empty_component, 8, NULL),
               WT_ERROR_MISUSE, "wt_component_new: out is NULL");
  EXPECT_ERROR(wt_component_new_wat(engine, NULL, &c), WT_ERROR_MISUSE,
               "wt_component_new_wat: wat is NULL");
  EXPECT_ERROR(wt_component_new_file(engine, NULL, &c), WT_ERROR_MISUSE,
               "wt_component_new_file: path is NULL");
  EXPECT_ERROR(wt_component_new_file(NULL, "x", &c), WT_ERROR_MISUSE,
               "wt_component_new_file: engine is NULL");
  EXPECT_ERROR(wt_component_validate(NULL, empty_component, 8),
               WT_ERROR_MISUSE, "wt_component_validate: engine is NULL");
  EXPECT_ERROR(wt_component_validate(engine, NULL, 3), WT_ERROR_MISUSE,
               "wt_component_validate: bytes is NULL");
  EXPECT_ERROR(wt_component_deserialize(engine, NULL, 3, &c), WT_ERROR_MISUSE,
               "wt_component_deserialize: bytes or out is NULL");
  EXPECT_ERROR(wt_component_deserialize(NULL, empty_component, 8, &c),
               WT_ERROR_MISUSE, "wt_component_deserialize: engine is NULL");
  EXPECT_ERROR(wt_component_deserialize_file(engine, NULL, &c),
               WT_ERROR_MISUSE, "wt_component_deserialize_file: path is NULL");
  EXPECT_ERROR(wt_component_serialize(NULL, NULL, NULL), WT_ERROR_MISUSE,
               "wt_component_serialize: component is NULL or deleted");
  EXPECT_ERROR(wt_component_serialize_file(NULL, "x"), WT_ERROR_MISUSE,
               "wt_component_serialize_file: component is NULL or deleted");
  OK(wt_component_new(engine, empty_component, 8, &c));
  uint8_t *bytes = NULL;
  EXPECT_ERROR(wt_component_serialize(c, &bytes, NULL), WT_ERROR_MISUSE,
               "wt_component_serialize: bytes or len is NULL");
  EXPECT_ERROR(wt_component_serialize_file(c, NULL), WT_ERROR_MISUSE,
               "wt_component_serialize_file: path is NULL");
  /* A deleted component is refused, and deleting it again is ignored. */
  wt_component_delete(c);
  size_t len = 0;
  EXPECT_ERROR(wt_component_serialize(c, &bytes, &len), WT_ERROR_MISUSE,
               "component is NULL or deleted");
  wt_component_delete(c);
  wt_component_delete(NULL);
  /* A deleted engine is refused. */
  wt_engine_delete(engine);
  EXPECT_ERROR(wt_component_new(engine, empty_component, 8, &c),
               WT_ERROR_MISUSE, "engine is NULL or deleted");
}

Test(component, serialize_round_trip) {
  fixture f = setup_kitchen();
  uint8_t *bytes = NULL;
  size_t len = 0;
  OK(wt_component_serialize(f.component, &bytes, &len));
  cr_assert_gt(len, 0);
  wt_component_t *back = NULL;
  OK(wt_component_deserialize(f.engine, bytes, len, &back));
  free(bytes);
  wt_component_instance_t inst;
  OK(wt_component_linker_instantiate(f.linker, f.store, back, &inst));
  wt_component_delete(back); /* the instance keeps working */
  wt_component_func_t add;
  OK(wt_component_instance_func(f.store, &inst, "add", &add));
  wt_cval_t args[2] = {u32v(40), u32v(2)}, out = {0};
  OK(wt_component_func_call(f.store, &add, args, 2, &out, 1, NULL));
  cr_assert_eq(out.kind, WT_CVAL_U32);
  cr_assert_eq(out.of.u32, 42);
  teardown(&f);
}

Test(component, files) {
  fixture f = setup_kitchen();
  char dir[] = "/tmp/wt-component-XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char wat[64], bin[64], bad[64];
  snprintf(wat, sizeof wat, "%s/k.wat", dir);
  snprintf(bin, sizeof bin, "%s/k.cwasm", dir);
  snprintf(bad, sizeof bad, "%s/none/k.cwasm", dir);
  FILE *out = fopen(wat, "w");
  cr_assert_not_null(out);
  fputs(kitchen, out);
  fclose(out);

  wt_component_t *c = NULL;
  OK(wt_component_new_file(f.engine, wat, &c));
  OK(wt_component_serialize_file(c, bin));
  wt_component_delete(c);
  c = NULL;
  OK(wt_component_deserialize_file(f.engine, bin, &c));
  wt_component_instance_t inst;
  OK(wt_component_linker_instantiate(f.linker, f.store, c, &inst));
  wt_component_func_t fn;
  const char *path[] = {"wasi:cli/run@0.2.12", "run"};
  OK(wt_component_instance_func_path(f.store, &inst, path, 2, &fn));
  wt_cval_t r = {0};
  OK(wt_component_func_call(f.store, &fn, NULL, 0, &r, 1, NULL));
  cr_assert_eq(r.of.u32, 42);

  EXPECT_ERROR(wt_component_serialize_file(c, bad), WT_ERROR_IO,
               "wt_component_serialize_file: cannot create");
  wt_component_delete(c);
  c = NULL;
  EXPECT_ERROR(wt_component_new_file(f.engine, bad, &c), WT_ERROR_IO,
               "wt_component_new_file: cannot open");
  EXPECT_ERROR(wt_component_deserialize_file(f.engine, bad, &c), WT_ERROR_IO,
               "wt_component_deserialize_file: cannot open");
  /* Text is not a serialized component. */
  wt_error_delete(EXPECT_KIND(wt_component_deserialize_file(f.engine, wat, &c),
                              WT_ERROR_COMPILE));
  cr_assert_null(c);
  unlink(wat);
  unlink(bin);
  rmdir(dir);
  teardown(&f);
}

Test(component, deserialize_refuses_other_bytes) {
  wt_engine_t *engine = cm_engine();
  wt_component_t *c = NULL;
  static const uint8_t junk[16] = "not an artifact";
  wt_error_delete(EXPECT_KIND(
      wt_component_deserialize(engine, junk, sizeof junk, &c),
      WT_ERROR_COMPILE));
  /* A serialized core module is not a component. */
  wt_module_t *m = compile(engine, "(module (func (export \"f\")))");
  uint8_t *bytes = NULL;
  size_t len = 0;
  OK(wt_module_serialize(m, &bytes, &len));
  wt_error_delete(EXPECT_KIND(wt_component_deserialize(engine, bytes, len, &c),
                              WT_ERROR_COMPILE));
  cr_assert_null(c);
  free(bytes);
  wt_module_delete(m);
  wt_engine_delete(engine);
}

/* ---- linker and instantiation ---- */

Test(component, instantiate_and_call_by_name) {
  fixture f = setup_kitchen();
  wt_component_func_t add = func_of(&f, "add");
  wt_cval_t args[2] = {u32v(7), u32v(35)}, out = {0};
  OK(wt_component_func_call(f.store, &add, args, 2, &out, 1, NULL));
  cr_assert_eq(out.kind, WT_CVAL_U32);
  cr_assert_eq(out.of.u32, 42);
  /* u32 wraps as in wasm. */
  args[0] = u32v(UINT32_MAX);
  args[1] = u32v(2);
  OK(wt_component_func_call(f.store, &add, args, 2, &out, 1, NULL));
  cr_assert_eq(out.of.u32, 1);
  teardown(&f);
}

Test(component, handle_is_reused_across_calls) {
  fixture f = setup_kitchen();
  wt_component_func_t add = func_of(&f, "add");
  wt_component_func_t copy = add; /* a plain value */
  uint32_t total = 0;
  for (uint32_t i = 0; i < 1000; i++) {
    wt_cval_t args[2] = {u32v(total), u32v(i)}, out = {0};
    OK(wt_component_func_call(f.store, i % 2 ? &add : &copy, args, 2, &out, 1,
                              NULL));
    total = out.of.u32;
  }
  cr_assert_eq(total, 999u * 1000u / 2u);
  teardown(&f);
}

Test(component, call_by_path) {
  fixture f = setup_kitchen();
  const char *path[] = {"wasi:cli/run@0.2.12", "run"};
  wt_component_func_t run;
  OK(wt_component_instance_func_path(f.store, &f.inst, path, 2, &run));
  wt_cval_t out = {0};
  for (int i = 0; i < 3; i++) {
    OK(wt_component_func_call(f.store, &run, NULL, 0, &out, 1, NULL));
    cr_assert_eq(out.kind, WT_CVAL_U32);
    cr_assert_eq(out.of.u32, 42);
  }
  /* A path of one name is a lookup by name. */
  const char *one[] = {"add"};
  wt_component_func_t add;
  OK(wt_component_instance_func_path(f.store, &f.inst, one, 1, &add));
  wt_cval_t args[2] = {u32v(1), u32v(2)};
  OK(wt_component_func_call(f.store, &add, args, 2, &out, 1, NULL));
  cr_assert_eq(out.of.u32, 3);
  teardown(&f);
}

Test(component, lookup_errors) {
  fixture f = setup_kitchen();
  wt_component_func_t fn = {0};
  EXPECT_ERROR(wt_component_instance_func(f.store, &f.inst, "nope", &fn),
               WT_ERROR_NOT_FOUND, "no export \"nope\"");
  /* The run function is only inside the exported instance. */
  EXPECT_ERROR(wt_component_instance_func(f.store, &f.inst, "run", &fn),
               WT_ERROR_NOT_FOUND, "no export \"run\"");
  EXPECT_ERROR(wt_component_instance_func(f.store, &f.inst,
                                          "wasi:cli/run@0.2.12", &fn),
               WT_ERROR_MISUSE, "export \"wasi:cli/run@0.2.12\" is not a "
                                "function");
  const char *missing[] = {"wasi:cli/run@0.2.12", "walk"};
  EXPECT_ERROR(
      wt_component_instance_func_path(f.store, &f.inst, missing, 2, &fn),
      WT_ERROR_NOT_FOUND,
      "export \"wasi:cli/run@0.2.12\" (path[0]) has no export \"walk\"");
  const char *through_func[] = {"add", "x"};
  EXPECT_ERROR(
      wt_component_instance_func_path(f.store, &f.inst, through_func, 2, &fn),
      WT_ERROR_NOT_FOUND, "export \"add\" (path[0]) has no export \"x\"");
  const char *first_missing[] = {"wasi:cli/walk", "run"};
  EXPECT_ERROR(
      wt_component_instance_func_path(f.store, &f.inst, first_missing, 2, &fn),
      WT_ERROR_NOT_FOUND, "no export \"wasi:cli/walk\"");
  cr_assert_eq(fn.store_id_, 0, "out was written on failure");
  teardown(&f);
}

Test(component, lookup_misuse) {
  fixture f = setup_kitchen();
  wt_component_func_t fn;
  EXPECT_ERROR(wt_component_instance_func(NULL, &f.inst, "add", &fn),
               WT_ERROR_MISUSE, "wt_component_instance_func: store is NULL");
  EXPECT_ERROR(wt_component_instance_func(f.store, NULL, "add", &fn),
               WT_ERROR_MISUSE,
               "wt_component_instance_func: instance is NULL");
  EXPECT_ERROR(wt_component_instance_func(f.store, &f.inst, NULL, &fn),
               WT_ERROR_MISUSE, "wt_component_instance_func: name is NULL");
  EXPECT_ERROR(wt_component_instance_func(f.store, &f.inst, "add", NULL),
               WT_ERROR_MISUSE, "wt_component_instance_func: out is NULL");
  EXPECT_ERROR(wt_component_instance_func(f.store, &f.inst, "a\xff", &fn),
               WT_ERROR_MISUSE,
               "wt_component_instance_func: name is not valid UTF-8");
  wt_component_instance_t zero = {0};
  EXPECT_ERROR(wt_component_instance_func(f.store, &zero, "add", &fn),
               WT_ERROR_MISUSE, "instance belongs to another store");
  EXPECT_ERROR(wt_component_instance_func_path(f.store, &f.inst, NULL, 2, &fn),
               WT_ERROR_MISUSE,
               "wt_component_instance_func_path: path is NULL or empty");
  const char *path[] = {"wasi:cli/run@0.2.12", NULL};
  EXPECT_ERROR(wt_component_instance_func_path(f.store, &f.inst, path, 0, &fn),
               WT_ERROR_MISUSE, "path is NULL or empty");
  EXPECT_ERROR(wt_component_instance_func_path(f.store, &f.inst, path, 2, &fn),
               WT_ERROR_MISUSE,
               "wt_component_instance_func_path: path[1] is NULL");
  const char *bad[] = {"\xc0\x80", "run"};
  EXPECT_ERROR(wt_component_instance_func_path(f.store, &f.inst, bad, 2, &fn),
               WT_ERROR_MISUSE, "path[0] is not valid UTF-8");
  EXPECT_ERROR(wt_component_instance_func_path(NULL, &f.inst, path, 2, &fn),
               WT_ERROR_MISUSE, "wt_component_instance_func_path: store is "
                                "NULL");
  /* An instance of another store. */
  wt_store_t *other = NULL;
  OK(wt_store_new(f.engine, NULL, NULL, &other));
  wt_component_instance_t inst2;
  OK(wt_component_linker_instantiate(f.linker, other, f.component, &inst2));
  EXPECT_ERROR(wt_component_instance_func(f.store, &inst2, "add", &fn),
               WT_ERROR_MISUSE, "instance belongs to another store");
  EXPECT_ERROR(wt_component_instance_func(other, &f.inst, "add", &fn),
               WT_ERROR_MISUSE, "instance belongs to another store");
  wt_store_delete(other);
  teardown(&f);
}

Test(component, linker_misuse) {
  fixture f = setup_kitchen();
  wt_component_linker_t *l = NULL;
  wt_component_instance_t inst;
  EXPECT_ERROR(wt_component_linker_new(NULL, &l), WT_ERROR_MISUSE,
               "wt_component_linker_new: engine is NULL or deleted");
  EXPECT_ERROR(wt_component_linker_new(f.engine, NULL), WT_ERROR_MISUSE,
               "wt_component_linker_new: out is NULL");
  EXPECT_ERROR(
      wt_component_linker_instantiate(NULL, f.store, f.component, &inst),
      WT_ERROR_MISUSE,
      "wt_component_linker_instantiate: linker is NULL or deleted");
  EXPECT_ERROR(
      wt_component_linker_instantiate(f.linker, NULL, f.component, &inst),
      WT_ERROR_MISUSE, "wt_component_linker_instantiate: store is NULL");
  EXPECT_ERROR(wt_component_linker_instantiate(f.linker, f.store, NULL, &inst),
               WT_ERROR_MISUSE,
               "wt_component_linker_instantiate: component is NULL or "
               "deleted");
  EXPECT_ERROR(
      wt_component_linker_instantiate(f.linker, f.store, f.component, NULL),
      WT_ERROR_MISUSE, "wt_component_linker_instantiate: out is NULL");
  /* Objects of another engine. */
  wt_engine_t *e2 = engine_from(wt_config_new());
  wt_store_t *s2 = NULL;
  OK(wt_store_new(e2, NULL, NULL, &s2));
  EXPECT_ERROR(
      wt_component_linker_instantiate(f.linker, s2, f.component, &inst),
      WT_ERROR_MISUSE, "linker, store and component belong to different "
                       "engines");
  wt_component_linker_t *l2 = NULL;
  OK(wt_component_linker_new(e2, &l2));
  EXPECT_ERROR(wt_component_linker_instantiate(l2, s2, f.component, &inst),
               WT_ERROR_MISUSE, "belong to different engines");
  wt_component_linker_delete(l2);
  wt_store_delete(s2);
  wt_engine_delete(e2);
  /* Deleted objects. */
  OK(wt_component_linker_new(f.engine, &l));
  wt_component_linker_delete(l);
  EXPECT_ERROR(wt_component_linker_instantiate(l, f.store, f.component, &inst),
               WT_ERROR_MISUSE, "linker is NULL or deleted");
  wt_component_linker_delete(l); /* ignored */
  wt_component_linker_delete(NULL);
  wt_component_t *c = NULL;
  OK(wt_component_new(f.engine, empty_component, 8, &c));
  wt_component_delete(c);
  EXPECT_ERROR(wt_component_linker_instantiate(f.linker, f.store, c, &inst),
               WT_ERROR_MISUSE, "component is NULL or deleted");
  teardown(&f);
}

Test(component, missing_import_is_a_link_error) {
  wt_engine_t *engine = cm_engine();
  wt_component_t *c = NULL;
  OK(wt_component_new_wat(engine, "(component (import \"f\" (func)))", &c));
  wt_component_linker_t *l = NULL;
  OK(wt_component_linker_new(engine, &l));
  wt_store_t *store = NULL;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_component_instance_t inst = {0};
  wt_error_delete(EXPECT_KIND(
      wt_component_linker_instantiate(l, store, c, &inst), WT_ERROR_LINK));
  cr_assert_eq(inst.store_id_, 0, "out was written on failure");
  wt_store_delete(store);
  wt_component_linker_delete(l);
  wt_component_delete(c);
  wt_engine_delete(engine);
}

Test(component, trap_during_instantiation) {
  wt_engine_t *engine = cm_engine();
  wt_component_t *c = NULL;
  OK(wt_component_new_wat(engine,
                          "(component (core module $m (func $s unreachable)"
                          " (start $s))"
                          " (core instance (instantiate $m)))",
                          &c));
  wt_component_linker_t *l = NULL;
  OK(wt_component_linker_new(engine, &l));
  wt_store_t *store = NULL;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_component_instance_t inst;
  wt_error_delete(EXPECT_KIND(
      wt_component_linker_instantiate(l, store, c, &inst), WT_ERROR_TRAP));
  wt_store_delete(store);
  wt_component_linker_delete(l);
  wt_component_delete(c);
  wt_engine_delete(engine);
}

/* ---- values ---- */

Test(component, every_number_in_and_out) {
  fixture f = setup_kitchen();
  wt_cval_t r;
  r = call1(&f, "id-bool", (wt_cval_t){.kind = WT_CVAL_BOOL, .of.boolean = 1});
  cr_assert_eq(r.kind, WT_CVAL_BOOL);
  cr_assert(r.of.boolean);
  r = call1(&f, "id-bool", (wt_cval_t){.kind = WT_CVAL_BOOL, .of.boolean = 0});
  cr_assert_not(r.of.boolean);
  r = call1(&f, "id-s8", (wt_cval_t){.kind = WT_CVAL_S8, .of.s8 = INT8_MIN});
  cr_assert_eq(r.kind, WT_CVAL_S8);
  cr_assert_eq(r.of.s8, INT8_MIN);
  r = call1(&f, "id-u8", (wt_cval_t){.kind = WT_CVAL_U8, .of.u8 = UINT8_MAX});
  cr_assert_eq(r.kind, WT_CVAL_U8);
  cr_assert_eq(r.of.u8, UINT8_MAX);
  r = call1(&f, "id-s16",
            (wt_cval_t){.kind = WT_CVAL_S16, .of.s16 = INT16_MIN});
  cr_assert_eq(r.kind, WT_CVAL_S16);
  cr_assert_eq(r.of.s16, INT16_MIN);
  r = call1(&f, "id-u16",
            (wt_cval_t){.kind = WT_CVAL_U16, .of.u16 = UINT16_MAX});
  cr_assert_eq(r.kind, WT_CVAL_U16);
  cr_assert_eq(r.of.u16, UINT16_MAX);
  r = call1(&f, "id-s32",
            (wt_cval_t){.kind = WT_CVAL_S32, .of.s32 = INT32_MIN});
  cr_assert_eq(r.kind, WT_CVAL_S32);
  cr_assert_eq(r.of.s32, INT32_MIN);
  r = call1(&f, "id-u32", u32v(UINT32_MAX));
  cr_assert_eq(r.kind, WT_CVAL_U32);
  cr_assert_eq(r.of.u32, UINT32_MAX);
  r = call1(&f, "id-s64",
            (wt_cval_t){.kind = WT_CVAL_S64, .of.s64 = INT64_MIN});
  cr_assert_eq(r.kind, WT_CVAL_S64);
  cr_assert_eq(r.of.s64, INT64_MIN);
  r = call1(&f, "id-u64",
            (wt_cval_t){.kind = WT_CVAL_U64, .of.u64 = UINT64_MAX});
  cr_assert_eq(r.kind, WT_CVAL_U64);
  cr_assert_eq(r.of.u64, UINT64_MAX);
  r = call1(&f, "id-f32", (wt_cval_t){.kind = WT_CVAL_F32, .of.f32 = -1.5f});
  cr_assert_eq(r.kind, WT_CVAL_F32);
  cr_assert_eq(r.of.f32, -1.5f);
  r = call1(&f, "id-f32",
            (wt_cval_t){.kind = WT_CVAL_F32, .of.f32 = -INFINITY});
  cr_assert(isinf(r.of.f32) && r.of.f32 < 0);
  r = call1(&f, "id-f64", (wt_cval_t){.kind = WT_CVAL_F64, .of.f64 = DBL_MAX});
  cr_assert_eq(r.kind, WT_CVAL_F64);
  cr_assert_eq(r.of.f64, DBL_MAX);
  r = call1(&f, "id-f64", (wt_cval_t){.kind = WT_CVAL_F64, .of.f64 = -0.0});
  cr_assert(r.of.f64 == 0 && signbit(r.of.f64));
  r = call1(&f, "id-f64", (wt_cval_t){.kind = WT_CVAL_F64, .of.f64 = NAN});
  cr_assert(isnan(r.of.f64));
  r = call1(&f, "id-char", (wt_cval_t){.kind = WT_CVAL_CHAR, .of.ch = 'A'});
  cr_assert_eq(r.kind, WT_CVAL_CHAR);
  cr_assert_eq(r.of.ch, 'A');
  r = call1(&f, "id-char",
            (wt_cval_t){.kind = WT_CVAL_CHAR, .of.ch = 0x10ffff});
  cr_assert_eq(r.of.ch, 0x10ffff);
  r = call1(&f, "id-char", (wt_cval_t){.kind = WT_CVAL_CHAR, .of.ch = 0xe000});
  cr_assert_eq(r.of.ch, 0xe000);
  r = call1(&f, "id-char", (wt_cval_t){.kind = WT_CVAL_CHAR, .of.ch = 0});
  cr_assert_eq(r.of.ch, 0);
  cr_assert_eq(wt_arena_used(f.arena), 0, "numbers use no arena memory");
  teardown(&f);
}

Test(component, strings_in_and_out) {
  fixture f = setup_kitchen();
  /* UTF-8 with a NUL byte inside: lengths, not NUL-terminated strings. */
  static const char text[] = "h\xc3\xa9llo\0w\xf0\x9f\x98\x80rld";
  wt_cval_t r = call1(&f, "echo", strv(text, sizeof text - 1));
  cr_assert_eq(r.kind, WT_CVAL_STRING);
  cr_assert_eq(r.of.str.len, sizeof text - 1);
  cr_assert_eq(memcmp(r.of.str.data, text, sizeof text - 1), 0);
  cr_assert_eq(r.of.str.data[r.of.str.len], '\0', "a NUL follows the bytes");
  cr_assert_neq(r.of.str.data, text, "the result is a copy");
  /* The empty string, with and without a data pointer. */
  r = call1(&f, "echo", strv(NULL, 0));
  cr_assert_eq(r.of.str.len, 0);
  cr_assert_not_null(r.of.str.data);
  cr_assert_eq(r.of.str.data[0], '\0');
  r = call1(&f, "echo", strv("", 0));
  cr_assert_eq(r.of.str.len, 0);
  /* A string argument with a number result. */
  r = call1(&f, "len", strv(text, sizeof text - 1));
  cr_assert_eq(r.kind, WT_CVAL_U32);
  cr_assert_eq(r.of.u32, sizeof text - 1);
  /* A long string. */
  size_t n = 200000;
  char *big = malloc(n);
  cr_assert_not_null(big);
  for (size_t i = 0; i < n; i++)
    big[i] = (char)('a' + i % 26);
  r = call1(&f, "echo", strv(big, n));
  cr_assert_eq(r.of.str.len, n);
  cr_assert_eq(memcmp(r.of.str.data, big, n), 0);
  free(big);
  /* A string result without arguments. */
  wt_component_func_t greet = func_of(&f, "greet");
  OK(wt_component_func_call(f.store, &greet, NULL, 0, &r, 1, f.arena));
  cr_assert_eq(r.of.str.len, 2);
  cr_assert_str_eq(r.of.str.data, "hi");
  teardown(&f);
}

Test(component, mixed_parameters) {
  fixture f = setup_kitchen();
  wt_component_func_t mix = func_of(&f, "mix");
  wt_cval_t args[6] = {
      {.kind = WT_CVAL_S8, .of.s8 = -3},
      {.kind = WT_CVAL_U16, .of.u16 = 60000},
      {.kind = WT_CVAL_S64, .of.s64 = -5000000000LL},
      {.kind = WT_CVAL_F32, .of.f32 = 1.5f},
      {.kind = WT_CVAL_CHAR, .of.ch = 'A'},
      strv("abcd", 4),
  };
  wt_cval_t r = {0};
  OK(wt_component_func_call(f.store, &mix, args, 6, &r, 1, NULL));
  cr_assert_eq(r.kind, WT_CVAL_F64);
  cr_assert_eq(r.of.f64, -4999939932.5);
  teardown(&f);
}

Test(component, arena_owns_results_until_reset) {
  fixture f = setup_kitchen();
  wt_cval_t a = call1(&f, "echo", strv("first", 5));
  wt_cval_t b = call1(&f, "echo", strv("second", 6));
  /* Both stay valid: one arena holds the results of many calls. */
  cr_assert_str_eq(a.of.str.data, "first");
  cr_assert_str_eq(b.of.str.data, "second");
  cr_assert_geq(wt_arena_used(f.arena), 13);
  wt_arena_reset(f.arena);
  cr_assert_eq(wt_arena_used(f.arena), 0);
  wt_cval_t c = call1(&f, "echo", strv("third", 5));
  cr_assert_str_eq(c.of.str.data, "third");
  teardown(&f);
}

Test(component, arena_api) {
  wt_arena_t *arena = NULL;
  EXPECT_ERROR(wt_arena_new(NULL), WT_ERROR_MISUSE, "wt_arena_new: out is "
                                                    "NULL");
  OK(wt_arena_new(&arena));
  cr_assert_eq(wt_arena_used(arena), 0);
  void *p = NULL, *q = NULL, *z = NULL;
  OK(wt_arena_alloc(arena, 3, &p));
  OK(wt_arena_alloc(arena, 100000, &q)); /* bigger than a block */
  OK(wt_arena_alloc(arena, 0, &z));
  cr_assert_not_null(z);
  cr_assert_eq((uintptr_t)p % _Alignof(max_align_t), 0);
  cr_assert_eq((uintptr_t)q % _Alignof(max_align_t), 0);
  cr_assert_eq(((unsigned char *)q)[99999], 0, "memory is zeroed");
  memset(q, 0xab, 100000);
  cr_assert_geq(wt_arena_used(arena), 100003);
  EXPECT_ERROR(wt_arena_alloc(arena, 8, NULL), WT_ERROR_MISUSE,
               "wt_arena_alloc: out is NULL");
  wt_arena_reset(arena);
  cr_assert_eq(wt_arena_used(arena), 0);
  OK(wt_arena_alloc(arena, 64, &p));
  for (int i = 0; i < 64; i++)
    cr_assert_eq(((unsigned char *)p)[i], 0, "reused memory is zeroed");
  EXPECT_ERROR(wt_arena_alloc(arena, SIZE_MAX, &p), WT_ERROR_WASMTIME,
               "out of memory");
  wt_arena_delete(arena);
  EXPECT_ERROR(wt_arena_alloc(arena, 8, &p), WT_ERROR_MISUSE,
               "wt_arena_alloc: arena is NULL or deleted");
  EXPECT_ERROR(wt_arena_alloc(NULL, 8, &p), WT_ERROR_MISUSE,
               "arena is NULL or deleted");
  cr_assert_eq(wt_arena_used(arena), 0);
  cr_assert_eq(wt_arena_used(NULL), 0);
  wt_arena_reset(arena); /* ignored */
  wt_arena_delete(arena);
  wt_arena_delete(NULL);
  wt_arena_reset(NULL);
}

Test(component, kind_names) {
  cr_assert_str_eq(wt_cvalkind_name(WT_CVAL_BOOL), "bool");
  cr_assert_str_eq(wt_cvalkind_name(WT_CVAL_S8), "s8");
  cr_assert_str_eq(wt_cvalkind_name(WT_CVAL_U64), "u64");
  cr_assert_str_eq(wt_cvalkind_name(WT_CVAL_F32), "f32");
  cr_assert_str_eq(wt_cvalkind_name(WT_CVAL_CHAR), "char");
  cr_assert_str_eq(wt_cvalkind_name(WT_CVAL_STRING), "string");
  cr_assert_str_eq(wt_cvalkind_name(0), "?");
  cr_assert_str_eq(wt_cvalkind_name((wt_cvalkind_t)99), "?");
  cr_assert_str_eq(wt_cvalkind_name((wt_cvalkind_t)-1), "?");
}

Test(component, trap_in_a_call) {
  fixture f = setup_kitchen();
  wt_component_func_t boom = func_of(&f, "boom");
  wt_error_t *err =
      EXPECT_KIND(wt_component_func_call(f.store, &boom, NULL, 0, NULL, 0,
                                         NULL),
                  WT_ERROR_TRAP);
  cr_assert(strstr(wt_error_message(err), "unreachable") != NULL,
            "message: %s", wt_error_message(err));
  wt_trap_code_t code;
  cr_assert(wt_error_trap_code(err, &code), "a component trap has its code");
  cr_assert_eq(code, WT_TRAP_UNREACHABLE);
  cr_assert_gt(wt_error_frame_count(err), 0, "and its wasm backtrace");
  wt_error_delete(err);
  /* A store that trapped enters no component again. */
  wt_component_func_t add0 = func_of(&f, "add");
  wt_cval_t a0[2] = {u32v(2), u32v(3)}, r0 = {0};
  err = EXPECT_KIND(wt_component_func_call(f.store, &add0, a0, 2, &r0, 1, NULL),
                    WT_ERROR_TRAP);
  cr_assert(strstr(wt_error_message(err), "cannot enter component instance"),
            "message: %s", wt_error_message(err));
  wt_error_delete(err);
  /* Another store is usable. */
  wt_store_t *s2 = NULL;
  OK(wt_store_new(f.engine, NULL, NULL, &s2));
  wt_component_instance_t inst;
  OK(wt_component_linker_instantiate(f.linker, s2, f.component, &inst));
  wt_component_func_t add;
  OK(wt_component_instance_func(s2, &inst, "add", &add));
  wt_cval_t args[2] = {u32v(2), u32v(3)}, r = {0};
  OK(wt_component_func_call(s2, &add, args, 2, &r, 1, NULL));
  cr_assert_eq(r.of.u32, 5);
  wt_store_delete(s2);
  teardown(&f);
}

/* ---- call misuse ---- */

Test(component, call_misuse_handles) {
  fixture f = setup_kitchen();
  wt_component_func_t add = func_of(&f, "add");
  wt_cval_t args[2] = {u32v(1), u32v(2)}, r = {0};
  EXPECT_ERROR(wt_component_func_call(NULL, &add, args, 2, &r, 1, NULL),
               WT_ERROR_MISUSE, "wt_component_func_call: store is NULL");
  EXPECT_ERROR(wt_component_func_call(f.store, NULL, args, 2, &r, 1, NULL),
               WT_ERROR_MISUSE, "wt_component_func_call: func is NULL");
  wt_component_func_t zero = {0};
  EXPECT_ERROR(wt_component_func_call(f.store, &zero, args, 2, &r, 1, NULL),
               WT_ERROR_MISUSE,
               "wt_component_func_call: func belongs to another store");
  /* A function of another store, live or deleted. */
  wt_store_t *s2 = NULL;
  OK(wt_store_new(f.engine, NULL, NULL, &s2));
  EXPECT_ERROR(wt_component_func_call(s2, &add, args, 2, &r, 1, NULL),
               WT_ERROR_MISUSE, "func belongs to another store");
  wt_component_instance_t inst2;
  OK(wt_component_linker_instantiate(f.linker, s2, f.component, &inst2));
  wt_component_func_t add2;
  OK(wt_component_instance_func(s2, &inst2, "add", &add2));
  EXPECT_ERROR(wt_component_func_call(f.store, &add2, args, 2, &r, 1, NULL),
               WT_ERROR_MISUSE, "func belongs to another store");
  wt_store_delete(s2);
  wt_store_t *s3 = NULL;
  OK(wt_store_new(f.engine, NULL, NULL, &s3));
  wt_component_instance_t inst3;
  OK(wt_component_linker_instantiate(f.linker, s3, f.component, &inst3));
  EXPECT_ERROR(wt_component_func_call(s3, &add2, args, 2, &r, 1, NULL),
               WT_ERROR_MISUSE, "func belongs to another store (or to a "
                                "deleted one)");
  wt_store_delete(s3);
  cr_assert_eq(r.kind, 0, "results were written on failure");
  /* A deleted arena. */
  wt_arena_t *dead = NULL;
  OK(wt_arena_new(&dead));
  wt_arena_delete(dead);
  EXPECT_ERROR(wt_component_func_call(f.store, &add, args, 2, &r, 1, dead),
               WT_ERROR_MISUSE, "wt_component_func_call: arena is deleted");
  teardown(&f);
}

Test(component, call_misuse_counts) {
  fixture f = setup_kitchen();
  wt_component_func_t add = func_of(&f, "add");
  wt_cval_t args[3] = {u32v(1), u32v(2), u32v(3)}, r = {0};
  EXPECT_ERROR(wt_component_func_call(f.store, &add, args, 1, &r, 1, NULL),
               WT_ERROR_MISUSE,
               "wt_component_func_call: got 1 argument and 1 result for "
               "func(a: u32, b: u32) -> u32");
  EXPECT_ERROR(wt_component_func_call(f.store, &add, args, 3, &r, 1, NULL),
               WT_ERROR_MISUSE, "got 3 arguments and 1 result");
  EXPECT_ERROR(wt_component_func_call(f.store, &add, args, 2, &r, 0, NULL),
               WT_ERROR_MISUSE, "got 2 arguments and 0 results");
  EXPECT_ERROR(wt_component_func_call(f.store, &add, args, 2, &r, 2, NULL),
               WT_ERROR_MISUSE, "got 2 arguments and 2 results");
  EXPECT_ERROR(wt_component_func_call(f.store, &add, NULL, 2, &r, 1, NULL),
               WT_ERROR_MISUSE,
               "wt_component_func_call: args or results is NULL");
  EXPECT_ERROR(wt_component_func_call(f.store, &add, args, 2, NULL, 1, NULL),
               WT_ERROR_MISUSE, "args or results is NULL");
  wt_component_func_t boom = func_of(&f, "boom");
  EXPECT_ERROR(wt_component_func_call(f.store, &boom, NULL, 0, &r, 1, NULL),
               WT_ERROR_MISUSE, "got 0 arguments and 1 result for func()");
  cr_assert_eq(r.kind, 0, "results were written on failure");
  teardown(&f);
}

Test(component, call_misuse_kinds) {
  fixture f = setup_kitchen();
  wt_component_func_t add = func_of(&f, "add");
  wt_cval_t r = {0};
  wt_cval_t wrong[2] = {u32v(1), {.kind = WT_CVAL_S32, .of.s32 = 2}};
  EXPECT_ERROR(wt_component_func_call(f.store, &add, wrong, 2, &r, 1, NULL),
               WT_ERROR_MISUSE,
               "wt_component_func_call: argument 1: expected u32, got s32, "
               "in func(a: u32, b: u32) -> u32");
  wt_cval_t text[2] = {strv("1", 1), u32v(2)};
  EXPECT_ERROR(wt_component_func_call(f.store, &add, text, 2, &r, 1, NULL),
               WT_ERROR_MISUSE, "argument 0: expected u32, got string");
  wt_cval_t zeroed[2] = {{0}, u32v(2)};
  EXPECT_ERROR(wt_component_func_call(f.store, &add, zeroed, 2, &r, 1, NULL),
               WT_ERROR_MISUSE,
               "argument 0: expected u32, got kind 0 (not a wt_cvalkind_t)");
  wt_cval_t unknown[2] = {u32v(1), {.kind = (wt_cvalkind_t)99}};
  EXPECT_ERROR(wt_component_func_call(f.store, &add, unknown, 2, &r, 1, NULL),
               WT_ERROR_MISUSE, "argument 1: expected u32, got kind 99");
  wt_component_func_t echo = func_of(&f, "echo");
  wt_cval_t num = u32v(5);
  EXPECT_ERROR(
      wt_component_func_call(f.store, &echo, &num, 1, &r, 1, f.arena),
      WT_ERROR_MISUSE, "argument 0: expected string, got u32, in func(s: "
                       "string) -> string");
  wt_component_func_t idc = func_of(&f, "id-char");
  EXPECT_ERROR(wt_component_func_call(f.store, &idc, &num, 1, &r, 1, NULL),
               WT_ERROR_MISUSE, "argument 0: expected char, got u32");
  cr_assert_eq(r.kind, 0, "results were written on failure");
  teardown(&f);
}

Test(component, call_misuse_strings_and_chars) {
  fixture f = setup_kitchen();
  wt_component_func_t echo = func_of(&f, "echo");
  wt_component_func_t len = func_of(&f, "len");
  wt_cval_t r = {0};
  static const char *const invalid[] = {
      "\xff",             /* never in UTF-8 */
      "\xc0\xaf",         /* overlong */
      "\xed\xa0\x80",     /* a surrogate */
      "\xf4\x90\x80\x80", /* past U+10FFFF */
      "ab\xe2\x82",       /* cut short */
  };
  for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
    wt_cval_t s = strv(invalid[i], strlen(invalid[i]));
    EXPECT_ERROR(wt_component_func_call(f.store, &echo, &s, 1, &r, 1, f.arena),
                 WT_ERROR_MISUSE,
                 "wt_component_func_call: argument 0: string is not valid "
                 "UTF-8");
    EXPECT_ERROR(wt_component_func_call(f.store, &len, &s, 1, &r, 1, NULL),
                 WT_ERROR_MISUSE, "string is not valid UTF-8");
  }
  wt_cval_t null_data = strv(NULL, 3);
  EXPECT_ERROR(
      wt_component_func_call(f.store, &echo, &null_data, 1, &r, 1, f.arena),
      WT_ERROR_MISUSE, "argument 0: string data is NULL");
  /* A string result needs an arena. */
  wt_cval_t ok = strv("x", 1);
  EXPECT_ERROR(wt_component_func_call(f.store, &echo, &ok, 1, &r, 1, NULL),
               WT_ERROR_MISUSE, "arena is NULL, and the result is a string");
  /* Chars: surrogates and values past U+10FFFF. */
  wt_component_func_t idc = func_of(&f, "id-char");
  static const uint32_t bad_chars[] = {0xd800, 0xdbff, 0xdc00, 0xdfff,
                                       0x110000, UINT32_MAX};
  for (size_t i = 0; i < sizeof bad_chars / sizeof bad_chars[0]; i++) {
    wt_cval_t c = {.kind = WT_CVAL_CHAR, .of.ch = bad_chars[i]};
    EXPECT_ERROR(wt_component_func_call(f.store, &idc, &c, 1, &r, 1, NULL),
                 WT_ERROR_MISUSE, "is not a Unicode scalar value");
  }
  wt_cval_t sur = {.kind = WT_CVAL_CHAR, .of.ch = 0xd800};
  EXPECT_ERROR(wt_component_func_call(f.store, &idc, &sur, 1, &r, 1, NULL),
               WT_ERROR_MISUSE,
               "argument 0: char U+D800 is not a Unicode scalar value");
  /* In the middle of several arguments. */
  wt_component_func_t mix = func_of(&f, "mix");
  wt_cval_t args[6] = {
      {.kind = WT_CVAL_S8, .of.s8 = 1},
      {.kind = WT_CVAL_U16, .of.u16 = 2},
      {.kind = WT_CVAL_S64, .of.s64 = 3},
      {.kind = WT_CVAL_F32, .of.f32 = 4},
      {.kind = WT_CVAL_CHAR, .of.ch = 0x110000},
      strv("ok", 2),
  };
  EXPECT_ERROR(wt_component_func_call(f.store, &mix, args, 6, &r, 1, NULL),
               WT_ERROR_MISUSE, "argument 4: char U+110000");
  args[4].of.ch = 'x';
  args[5] = strv("\x80", 1);
  EXPECT_ERROR(wt_component_func_call(f.store, &mix, args, 6, &r, 1, NULL),
               WT_ERROR_MISUSE, "argument 5: string is not valid UTF-8");
  cr_assert_eq(r.kind, 0, "results were written on failure");
  /* The function still works after all that. */
  args[5] = strv("ok", 2);
  OK(wt_component_func_call(f.store, &mix, args, 6, &r, 1, NULL));
  cr_assert_eq(r.of.f64, 1 + 2 + 3 + 4 + 'x' + 2);
  teardown(&f);
}

Test(component, former_unsupported_types_now_check) {
  fixture f = setup_kitchen();
  wt_cval_t r = {0}, arg = u32v(1);
  wt_component_func_t sum = func_of(&f, "sum");
  EXPECT_ERROR(wt_component_func_call(f.store, &sum, &arg, 1, &r, 1, f.arena),
               WT_ERROR_MISUSE,
               "argument 0: expected list, got u32, in func(xs: list) -> u32");
  wt_component_func_t pair = func_of(&f, "pair");
  EXPECT_ERROR(wt_component_func_call(f.store, &pair, &arg, 1, NULL, 0, NULL),
               WT_ERROR_MISUSE, "argument 0: expected tuple, got u32");
  wt_cval_t xs[2] = {u32v(5), u32v(6)};
  wt_cval_t t = {.kind = WT_CVAL_TUPLE, .of.items = {xs, 2}};
  OK(wt_component_func_call(f.store, &pair, &t, 1, NULL, 0, NULL));
  wt_cval_t l = {.kind = WT_CVAL_LIST, .of.items = {xs, 2}};
  OK(wt_component_func_call(f.store, &sum, &l, 1, &r, 1, NULL));
  cr_assert_eq(r.of.u32, 2, "the core function returns the length");
  teardown(&f);
}

/* ---- composite values ---- */

/* A component whose functions take and return lists, options, results,
 * records, tuples and enums. The core functions only move the flattened
 * words: "echo2" and "echo3" store their parameters at 16 and return 16,
 * which lifts them back as the same value. */
static const char *const shapes =
    "(component\n"
    "  (core module $m\n"
    "    (memory (export \"mem\") 8)\n"
    "    (global $next (mut i32) (i32.const 1024))\n"
    "    (func (export \"realloc\") (param i32 i32 i32 i32) (result i32)\n"
    "      (local $p i32)\n"
    "      (local.set $p (i32.and\n"
    "        (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))\n"
    "        (i32.sub (i32.const 0) (local.get 2))))\n"
    "      (global.set $next (i32.add (local.get $p) (local.get 3)))\n"
    "      (local.get $p))\n"
    "    (func (export \"id32\") (param i32) (result i32) (local.get 0))\n"
    "    (func (export \"echo2\") (param i32 i32) (result i32)\n"
    "      (i32.store (i32.const 16) (local.get 0))\n"
    "      (i32.store (i32.const 20) (local.get 1))\n"
    "      (i32.const 16))\n"
    "    (func (export \"echo3\") (param i32 i32 i32) (result i32)\n"
    "      (i32.store (i32.const 16) (local.get 0))\n"
    "      (i32.store (i32.const 20) (local.get 1))\n"
    "      (i32.store (i32.const 24) (local.get 2))\n"
    "      (i32.const 16))\n"
    "    (func (export \"drop2\") (param i32 i32))\n"
    "    (func (export \"drop3\") (param i32 i32 i32)))\n"
    "  (core instance $i (instantiate $m))\n"
    "  (alias core export $i \"mem\" (core memory $mem))\n"
    "  (alias core export $i \"realloc\" (core func $realloc))\n"
    "  (type $r (record (field \"x\" u32) (field \"y\" string)))\n"
    "  (export $R \"point\" (type $r))\n"
    "  (type $e (enum \"red\" \"green\" \"blue\"))\n"
    "  (export $E \"color\" (type $e))\n"
    "  (type $v (variant (case \"a\") (case \"b\" u32) (case \"c\" string)))\n"
    "  (export $V \"choice\" (type $v))\n"
    "  (type $f (flags \"p\" \"q\"))\n"
    "  (export $F \"bits\" (type $f))\n"
    "  (func (export \"id-bytes\") (param \"b\" (list u8)) (result (list u8))\n"
    "    (canon lift (core func $i \"echo2\") (memory $mem)"
    " (realloc $realloc)))\n"
    "  (func (export \"id-list\") (param \"xs\" (list u32))"
    " (result (list u32))\n"
    "    (canon lift (core func $i \"echo2\") (memory $mem)"
    " (realloc $realloc)))\n"
    "  (func (export \"id-opt\") (param \"x\" (option u32))"
    " (result (option u32))\n"
    "    (canon lift (core func $i \"echo2\") (memory $mem)"
    " (realloc $realloc)))\n"
    "  (func (export \"id-res\") (param \"x\" (result u32 (error string)))\n"
    "    (result (result u32 (error string)))\n"
    "    (canon lift (core func $i \"echo3\") (memory $mem)"
    " (realloc $realloc)))\n"
    "  (func (export \"id-unit\") (param \"x\" (result)) (result (result))\n"
    "    (canon lift (core func $i \"id32\")))\n"
    "  (func (export \"id-rec\") (param \"p\" $R) (result $R)\n"
    "    (canon lift (core func $i \"echo3\") (memory $mem)"
    " (realloc $realloc)))\n"
    "  (func (export \"id-tup\") (param \"t\" (tuple u32 u32))"
    " (result (tuple u32 u32))\n"
    "    (canon lift (core func $i \"echo2\") (memory $mem)"
    " (realloc $realloc)))\n"
    "  (func (export \"id-enum\") (param \"c\" $E) (result $E)\n"
    "    (canon lift (core func $i \"id32\")))\n"
    "  (func (export \"id-recs\") (param \"ps\" (list $R)) (result (list $R))\n"
    "    (canon lift (core func $i \"echo2\") (memory $mem)"
    " (realloc $realloc)))\n"
    "  (func (export \"id-optbytes\") (param \"x\" (option (list u8)))\n"
    "    (result (option (list u8)))\n"
    "    (canon lift (core func $i \"echo3\") (memory $mem)"
    " (realloc $realloc)))\n"
    "  (func (export \"id-variant\") (param \"v\" $V) (result $V)\n"
    "    (canon lift (core func $i \"echo3\") (memory $mem)"
    " (realloc $realloc)))\n"
    "  (func (export \"id-flags\") (param \"f\" $F) (result $F)\n"
    "    (canon lift (core func $i \"id32\")))\n"
    "  (type $f32 (flags \"f0\" \"f1\" \"f2\" \"f3\" \"f4\" \"f5\" \"f6\""
    " \"f7\" \"f8\" \"f9\" \"f10\" \"f11\" \"f12\" \"f13\" \"f14\" \"f15\""
    " \"f16\" \"f17\" \"f18\" \"f19\" \"f20\" \"f21\" \"f22\" \"f23\" \"f24\""
    " \"f25\" \"f26\" \"f27\" \"f28\" \"f29\" \"f30\" \"f31\"))\n"
    "  (export $F32 \"bits32\" (type $f32))\n"
    "  (func (export \"id-flags32\") (param \"f\" $F32) (result $F32)\n"
    "    (canon lift (core func $i \"id32\")))\n"
    "  (func (export \"get-flags\") (param \"x\" u32) (result (list $F))\n"
    "    (canon lift (core func $i \"id32\") (memory $mem)"
    " (realloc $realloc))))\n";

static fixture setup_shapes(void) {
  fixture f = {0};
  f.engine = cm_engine();
  OK(wt_component_new_wat(f.engine, shapes, &f.component));
  OK(wt_component_linker_new(f.engine, &f.linker));
  OK(wt_store_new(f.engine, NULL, NULL, &f.store));
  OK(wt_component_linker_instantiate(f.linker, f.store, f.component, &f.inst));
  OK(wt_arena_new(&f.arena));
  return f;
}

static wt_cval_t bytesv(const char *s, size_t len) {
  wt_cval_t x = {.kind = WT_CVAL_BYTES, .of.bytes = {s, len}};
  return x;
}

static wt_cval_t itemsv(wt_cvalkind_t kind, const wt_cval_t *items,
                        size_t len) {
  wt_cval_t x = {.kind = kind, .of.items = {items, len}};
  return x;
}

static wt_cval_t casev(wt_cvalkind_t kind, uint32_t index,
                       const wt_cval_t *payload) {
  wt_cval_t x = {.kind = kind, .of.choice = {index, payload}};
  return x;
}

Test(component, bytes_round_trip_as_one_span) {
  fixture f = setup_shapes();
  static const char data[] = "a\0b\xff\x80z";
  wt_cval_t r = call1(&f, "id-bytes", bytesv(data, 6));
  cr_assert_eq(r.kind, WT_CVAL_BYTES);
  cr_assert_eq(r.of.bytes.len, 6);
  cr_assert(memcmp(r.of.bytes.data, data, 6) == 0);
  cr_assert_eq(r.of.bytes.data[6], '\0', "a NUL follows the bytes");
  cr_assert_neq(r.of.bytes.data, data, "the result is a copy");
  r = call1(&f, "id-bytes", bytesv(NULL, 0));
  cr_assert_eq(r.kind, WT_CVAL_BYTES);
  cr_assert_eq(r.of.bytes.len, 0);
  cr_assert_not_null(r.of.bytes.data);
  /* A large span, still one value. */
  size_t n = 100000;
  char *big = malloc(n);
  cr_assert_not_null(big);
  for (size_t i = 0; i < n; i++)
    big[i] = (char)(i * 7);
  r = call1(&f, "id-bytes", bytesv(big, n));
  cr_assert_eq(r.of.bytes.len, n);
  cr_assert(memcmp(r.of.bytes.data, big, n) == 0);
  free(big);
  teardown(&f);
}

Test(component, lists_round_trip) {
  fixture f = setup_shapes();
  wt_cval_t xs[5];
  for (uint32_t i = 0; i < 5; i++)
    xs[i] = u32v(i * 1000 + 1);
  wt_cval_t r = call1(&f, "id-list", itemsv(WT_CVAL_LIST, xs, 5));
  cr_assert_eq(r.kind, WT_CVAL_LIST);
  cr_assert_eq(r.of.items.len, 5);
  for (size_t i = 0; i < 5; i++) {
    cr_assert_eq(r.of.items.items[i].kind, WT_CVAL_U32);
    cr_assert_eq(r.of.items.items[i].of.u32, i * 1000 + 1);
  }
  r = call1(&f, "id-list", itemsv(WT_CVAL_LIST, NULL, 0));
  cr_assert_eq(r.kind, WT_CVAL_LIST);
  cr_assert_eq(r.of.items.len, 0);
  /* A list of records holding strings. */
  wt_cval_t p0[2] = {u32v(1), strv("one", 3)};
  wt_cval_t p1[2] = {u32v(2), strv("two!", 4)};
  wt_cval_t ps[2] = {itemsv(WT_CVAL_RECORD, p0, 2),
                     itemsv(WT_CVAL_RECORD, p1, 2)};
  r = call1(&f, "id-recs", itemsv(WT_CVAL_LIST, ps, 2));
  cr_assert_eq(r.of.items.len, 2);
  const wt_cval_t *q = r.of.items.items[1].of.items.items;
  cr_assert_eq(r.of.items.items[1].kind, WT_CVAL_RECORD);
  cr_assert_eq(q[0].of.u32, 2);
  cr_assert_eq(q[1].of.str.len, 4);
  cr_assert(memcmp(q[1].of.str.data, "two!", 4) == 0);
  teardown(&f);
}

Test(component, options_and_results_round_trip) {
  fixture f = setup_shapes();
  wt_cval_t seven = u32v(7);
  wt_cval_t r = call1(&f, "id-opt", casev(WT_CVAL_OPTION, 1, &seven));
  cr_assert_eq(r.kind, WT_CVAL_OPTION);
  cr_assert_eq(r.of.choice.index, 1);
  cr_assert_not_null(r.of.choice.payload);
  cr_assert_eq(r.of.choice.payload->kind, WT_CVAL_U32);
  cr_assert_eq(r.of.choice.payload->of.u32, 7);
  r = call1(&f, "id-opt", casev(WT_CVAL_OPTION, 0, NULL));
  cr_assert_eq(r.of.choice.index, 0);
  cr_assert_null(r.of.choice.payload);
  r = call1(&f, "id-res", casev(WT_CVAL_RESULT, 0, &seven));
  cr_assert_eq(r.kind, WT_CVAL_RESULT);
  cr_assert_eq(r.of.choice.index, 0);
  cr_assert_eq(r.of.choice.payload->of.u32, 7);
  wt_cval_t msg = strv("bad news", 8);
  r = call1(&f, "id-res", casev(WT_CVAL_RESULT, 1, &msg));
  cr_assert_eq(r.of.choice.index, 1);
  cr_assert_eq(r.of.choice.payload->kind, WT_CVAL_STRING);
  cr_assert_str_eq(r.of.choice.payload->of.str.data, "bad news");
  /* A result without payloads needs no arena. */
  wt_component_func_t unit = func_of(&f, "id-unit");
  wt_cval_t a = casev(WT_CVAL_RESULT, 1, NULL), out = {0};
  OK(wt_component_func_call(f.store, &unit, &a, 1, &out, 1, f.arena));
  cr_assert_eq(out.of.choice.index, 1);
  cr_assert_null(out.of.choice.payload);
  /* option<list<u8>>. */
  wt_cval_t b = bytesv("xyz", 3);
  r = call1(&f, "id-optbytes", casev(WT_CVAL_OPTION, 1, &b));
  cr_assert_eq(r.of.choice.payload->kind, WT_CVAL_BYTES);
  cr_assert_eq(r.of.choice.payload->of.bytes.len, 3);
  cr_assert(memcmp(r.of.choice.payload->of.bytes.data, "xyz", 3) == 0);
  teardown(&f);
}

Test(component, records_tuples_and_enums_round_trip) {
  fixture f = setup_shapes();
  wt_cval_t fields[2] = {u32v(42), strv("name", 4)};
  wt_cval_t r = call1(&f, "id-rec", itemsv(WT_CVAL_RECORD, fields, 2));
  cr_assert_eq(r.kind, WT_CVAL_RECORD);
  cr_assert_eq(r.of.items.len, 2);
  cr_assert_eq(r.of.items.items[0].of.u32, 42);
  cr_assert_str_eq(r.of.items.items[1].of.str.data, "name");
  wt_cval_t pair[2] = {u32v(3), u32v(4)};
  r = call1(&f, "id-tup", itemsv(WT_CVAL_TUPLE, pair, 2));
  cr_assert_eq(r.kind, WT_CVAL_TUPLE);
  cr_assert_eq(r.of.items.len, 2);
  cr_assert_eq(r.of.items.items[0].of.u32, 3);
  cr_assert_eq(r.of.items.items[1].of.u32, 4);
  /* Enums need no arena. */
  wt_component_func_t id = func_of(&f, "id-enum");
  for (uint32_t i = 0; i < 3; i++) {
    wt_cval_t c = casev(WT_CVAL_ENUM, i, NULL), out = {0};
    OK(wt_component_func_call(f.store, &id, &c, 1, &out, 1, NULL));
    cr_assert_eq(out.kind, WT_CVAL_ENUM);
    cr_assert_eq(out.of.choice.index, i);
    cr_assert_null(out.of.choice.payload);
  }
  cr_assert_str_eq(wt_cvalkind_name(WT_CVAL_BYTES), "list<u8>");
  cr_assert_str_eq(wt_cvalkind_name(WT_CVAL_RESULT), "result");
  teardown(&f);
}

/* The arguments of wt_component_func_call() for calling `name` with the
 * one argument `arg`, writing its result to `out`. */
#define ARGS1(fx, name, arg, out)                                            \
  (fx)->store, (wt_component_func_t[]){func_of(fx, name)},                   \
      (wt_cval_t[]){arg}, 1, (out), 1, (fx)->arena

Test(component, list_misuse) {
  fixture f = setup_shapes();
  wt_cval_t v, out = {0};
  wt_cval_t xs[4] = {u32v(1), u32v(2), u32v(3), strv("x", 1)};
  v = itemsv(WT_CVAL_LIST, xs, 4);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-list", v, &out)),
               WT_ERROR_MISUSE,
               "argument 0, element 3: expected u32, got string, in func(xs:");
  v = itemsv(WT_CVAL_LIST, NULL, 2);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-list", v, &out)),
               WT_ERROR_MISUSE, "argument 0: items is NULL");
  wt_cval_t odd[1] = {{.kind = (wt_cvalkind_t)99}};
  v = itemsv(WT_CVAL_LIST, odd, 1);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-list", v, &out)),
               WT_ERROR_MISUSE,
               "argument 0, element 0: expected u32, got kind 99 (not a");
  /* list<u8> is a byte span, never a list of u8 values. */
  wt_cval_t b[1] = {{.kind = WT_CVAL_U8, .of.u8 = 1}};
  v = itemsv(WT_CVAL_LIST, b, 1);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-bytes", v, &out)),
               WT_ERROR_MISUSE, "argument 0: expected list<u8>, got list");
  v = bytesv(NULL, 3);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-bytes", v, &out)),
               WT_ERROR_MISUSE, "argument 0: bytes data is NULL");
  v = bytesv("ab", 2);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-list", v, &out)),
               WT_ERROR_MISUSE, "argument 0: expected list, got list<u8>");
  /* Nested places. */
  wt_cval_t p0[2] = {u32v(1), strv("ok", 2)};
  wt_cval_t p1[2] = {u32v(2), strv("\xc0", 1)};
  wt_cval_t ps[2] = {itemsv(WT_CVAL_RECORD, p0, 2),
                     itemsv(WT_CVAL_RECORD, p1, 2)};
  v = itemsv(WT_CVAL_LIST, ps, 2);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-recs", v, &out)),
               WT_ERROR_MISUSE,
               "argument 0, element 1, field y: string is not valid UTF-8");
  cr_assert_eq(out.kind, 0, "results were written on failure");
  teardown(&f);
}

Test(component, option_and_result_misuse) {
  fixture f = setup_shapes();
  wt_cval_t v, out = {0};
  wt_cval_t s = strv("x", 1), seven = u32v(7);
  v = casev(WT_CVAL_OPTION, 1, &s);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-opt", v, &out)),
               WT_ERROR_MISUSE, "argument 0, some: expected u32, got string");
  v = casev(WT_CVAL_OPTION, 1, NULL);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-opt", v, &out)),
               WT_ERROR_MISUSE,
               "argument 0, some: payload is NULL, expected u32");
  v = casev(WT_CVAL_OPTION, 0, &seven);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-opt", v, &out)),
               WT_ERROR_MISUSE, "argument 0, none: the case has no payload");
  v = casev(WT_CVAL_OPTION, 2, NULL);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-opt", v, &out)),
               WT_ERROR_MISUSE, "argument 0: option case 2 is unknown");
  v = seven;
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-opt", v, &out)),
               WT_ERROR_MISUSE, "argument 0: expected option, got u32");
  v = casev(WT_CVAL_RESULT, 1, &seven);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-res", v, &out)),
               WT_ERROR_MISUSE, "argument 0, err: expected string, got u32");
  v = casev(WT_CVAL_RESULT, 5, NULL);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-res", v, &out)),
               WT_ERROR_MISUSE,
               "argument 0: result case 5 is unknown (0 is ok, 1 is err)");
  v = casev(WT_CVAL_RESULT, 0, &seven);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-unit", v, &out)),
               WT_ERROR_MISUSE, "argument 0, ok: the case has no payload");
  wt_cval_t b = bytesv(NULL, 1);
  v = casev(WT_CVAL_OPTION, 1, &b);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-optbytes", v, &out)),
               WT_ERROR_MISUSE, "argument 0, some: bytes data is NULL");
  cr_assert_eq(out.kind, 0, "results were written on failure");
  teardown(&f);
}

Test(component, record_tuple_and_enum_misuse) {
  fixture f = setup_shapes();
  wt_cval_t v, out = {0};
  wt_cval_t fields[3] = {u32v(1), strv("a", 1), u32v(3)};
  v = itemsv(WT_CVAL_RECORD, fields, 1);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-rec", v, &out)),
               WT_ERROR_MISUSE,
               "argument 0: field y is missing (got 1 of 2 fields)");
  v = itemsv(WT_CVAL_RECORD, fields, 3);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-rec", v, &out)),
               WT_ERROR_MISUSE,
               "argument 0: field 2 is extra (the record has 2 fields)");
  wt_cval_t swapped[2] = {strv("a", 1), u32v(1)};
  v = itemsv(WT_CVAL_RECORD, swapped, 2);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-rec", v, &out)),
               WT_ERROR_MISUSE,
               "argument 0, field x: expected u32, got string");
  v = itemsv(WT_CVAL_TUPLE, fields, 2);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-rec", v, &out)),
               WT_ERROR_MISUSE, "argument 0: expected record, got tuple");
  v = itemsv(WT_CVAL_RECORD, NULL, 2);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-rec", v, &out)),
               WT_ERROR_MISUSE, "argument 0: items is NULL");
  v = itemsv(WT_CVAL_TUPLE, fields, 1);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-tup", v, &out)),
               WT_ERROR_MISUSE,
               "argument 0: expected a tuple of 2 items, got 1");
  wt_cval_t mixed[2] = {u32v(1), strv("a", 1)};
  v = itemsv(WT_CVAL_TUPLE, mixed, 2);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-tup", v, &out)),
               WT_ERROR_MISUSE,
               "argument 0, element 1: expected u32, got string");
  wt_component_func_t id = func_of(&f, "id-enum");
  wt_cval_t c = casev(WT_CVAL_ENUM, 3, NULL);
  EXPECT_ERROR(wt_component_func_call(f.store, &id, &c, 1, &out, 1, NULL),
               WT_ERROR_MISUSE,
               "argument 0: enum case 3 is unknown (the enum has 3 cases)");
  wt_cval_t one = u32v(1);
  c = casev(WT_CVAL_ENUM, 0, &one);
  EXPECT_ERROR(wt_component_func_call(f.store, &id, &c, 1, &out, 1, NULL),
               WT_ERROR_MISUSE, "argument 0: an enum case has no payload");
  EXPECT_ERROR(wt_component_func_call(f.store, &id, &one, 1, &out, 1, NULL),
               WT_ERROR_MISUSE, "argument 0: expected enum, got u32");
  cr_assert_eq(out.kind, 0);
  /* A composite result needs an arena. */
  wt_component_func_t tup = func_of(&f, "id-tup");
  wt_cval_t pair[2] = {u32v(1), u32v(2)};
  wt_cval_t t = itemsv(WT_CVAL_TUPLE, pair, 2);
  EXPECT_ERROR(wt_component_func_call(f.store, &tup, &t, 1, &out, 1, NULL),
               WT_ERROR_MISUSE, "arena is NULL, and the result is a tuple");
  teardown(&f);
}

Test(component, variants_round_trip) {
  fixture f = setup_shapes();
  wt_cval_t a = casev(WT_CVAL_VARIANT, 0, NULL);
  wt_cval_t r = call1(&f, "id-variant", a);
  cr_assert_eq(r.kind, WT_CVAL_VARIANT);
  cr_assert_eq(r.of.choice.index, 0);
  cr_assert_null(r.of.choice.payload);
  wt_cval_t n = u32v(0xfeedf00d);
  r = call1(&f, "id-variant", casev(WT_CVAL_VARIANT, 1, &n));
  cr_assert_eq(r.of.choice.index, 1);
  cr_assert_eq(r.of.choice.payload->kind, WT_CVAL_U32);
  cr_assert_eq(r.of.choice.payload->of.u32, 0xfeedf00d);
  wt_cval_t t = strv("h\xc3\xa9llo", 6);
  r = call1(&f, "id-variant", casev(WT_CVAL_VARIANT, 2, &t));
  cr_assert_eq(r.of.choice.index, 2);
  cr_assert_eq(r.of.choice.payload->kind, WT_CVAL_STRING);
  cr_assert_eq(r.of.choice.payload->of.str.len, 6);
  cr_assert(memcmp(r.of.choice.payload->of.str.data, "h\xc3\xa9llo", 6) == 0);
  teardown(&f);
}

Test(component, flags_round_trip) {
  fixture f = setup_shapes();
  for (uint32_t bits = 0; bits < 4; bits++) {
    wt_cval_t v = {.kind = WT_CVAL_FLAGS, .of.flags = bits};
    wt_cval_t r = call1(&f, "id-flags", v);
    cr_assert_eq(r.kind, WT_CVAL_FLAGS);
    cr_assert_eq(r.of.flags, bits);
  }
  /* All 32 flags of the largest flags type. */
  static const uint32_t wide[] = {0, 1, 0x80000000u, 0xffffffffu, 0x5a5a5a5a};
  for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++) {
    wt_cval_t v = {.kind = WT_CVAL_FLAGS, .of.flags = wide[i]};
    wt_cval_t r = call1(&f, "id-flags32", v);
    cr_assert_eq(r.of.flags, wide[i]);
  }
  teardown(&f);
}

Test(component, flags_types_have_at_most_32_flags) {
  wt_engine_t *engine = cm_engine();
  char wat[2048];
  int at = snprintf(wat, sizeof wat, "(component (type $f (flags");
  for (int i = 0; i < 33; i++)
    at += snprintf(wat + at, sizeof wat - (size_t)at, " \"f%d\"", i);
  snprintf(wat + at, sizeof wat - (size_t)at,
           ")) (export \"f\" (type $f)))");
  wt_component_t *c = NULL;
  EXPECT_ERROR(wt_component_new_wat(engine, wat, &c), WT_ERROR_COMPILE,
               "flags");
  cr_assert_null(c);
  wt_engine_delete(engine);
}

Test(component, variant_and_flags_misuse) {
  fixture f = setup_shapes();
  wt_cval_t v, out = {0};
  wt_cval_t n = u32v(1), s = strv("x", 1);
  v = casev(WT_CVAL_VARIANT, 3, NULL);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-variant", v, &out)),
               WT_ERROR_MISUSE,
               "argument 0: variant case 3 is unknown (the variant has 3 "
               "cases), in func(v: variant) -> variant");
  v = casev(WT_CVAL_VARIANT, 0, &n);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-variant", v, &out)),
               WT_ERROR_MISUSE,
               "argument 0, case a: the case has no payload, so it must be "
               "NULL");
  v = casev(WT_CVAL_VARIANT, 1, NULL);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-variant", v, &out)),
               WT_ERROR_MISUSE,
               "argument 0, case b: payload is NULL, expected u32");
  v = casev(WT_CVAL_VARIANT, 1, &s);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-variant", v, &out)),
               WT_ERROR_MISUSE,
               "argument 0, case b: expected u32, got string");
  wt_cval_t bad = strv("\xff", 1);
  v = casev(WT_CVAL_VARIANT, 2, &bad);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-variant", v, &out)),
               WT_ERROR_MISUSE,
               "argument 0, case c: string is not valid UTF-8");
  v = casev(WT_CVAL_OPTION, 1, &n);
  EXPECT_ERROR(wt_component_func_call(ARGS1(&f, "id-variant", v, &out)),
               WT_ERROR_MISUSE, "argument 0: expected variant, got option");
  wt_component_func_t fl = func_of(&f, "id-flags");
  v = (wt_cval_t){.kind = WT_CVAL_FLAGS, .of.flags = 4};
  EXPECT_ERROR(wt_component_func_call(f.store, &fl, &v, 1, &out, 1, NULL),
               WT_ERROR_MISUSE,
               "argument 0: flags 0x4 set a bit above the 2 flags of the "
               "type, in func(f: flags) -> flags");
  EXPECT_ERROR(wt_component_func_call(f.store, &fl, &n, 1, &out, 1, NULL),
               WT_ERROR_MISUSE, "argument 0: expected flags, got u32");
  cr_assert_eq(out.kind, 0, "results were written on failure");
  /* A flags result is a scalar: no arena needed. */
  v.of.flags = 3;
  OK(wt_component_func_call(f.store, &fl, &v, 1, &out, 1, NULL));
  cr_assert_eq(out.of.flags, 3);
  teardown(&f);
}

Test(component, list_of_flags_result) {
  fixture f = setup_shapes();
  /* get-flags(0) lifts the list whose (pointer, length) is at address 0 of
   * the fresh memory: (0, 0), an empty list of flags. */
  wt_cval_t r = call1(&f, "get-flags", u32v(0));
  cr_assert_eq(r.kind, WT_CVAL_LIST);
  cr_assert_eq(r.of.items.len, 0);
  teardown(&f);
}

/* Instance types nested too deep for Wasmtime's validator make it panic
 * (an assertion), which the raw C API turns into an abort: wt reports it
 * as a compile error, and the engine keeps working. */
Test(component, deeply_nested_types_are_a_compile_error) {
  wt_engine_t *engine = cm_engine();
  enum { DEPTH = 140 };
  size_t cap = 128 * DEPTH + 256, at = 0;
  char *wat = malloc(cap);
  cr_assert_not_null(wat);
  at += (size_t)snprintf(wat + at, cap - at,
                         "(component (type $i0 (instance))\n");
  for (int i = 1; i < DEPTH; i++)
    at += (size_t)snprintf(wat + at, cap - at,
                           "(type $i%d (instance (export \"i\" (instance"
                           " (type $i%d)))))\n",
                           i, i - 1);
  snprintf(wat + at, cap - at, "(import \"x\" (instance (type $i%d))))",
           DEPTH - 1);
  wt_component_t *c = NULL;
  wt_error_t *err = EXPECT_KIND(wt_component_new_wat(engine, wat, &c),
                                WT_ERROR_COMPILE);
  cr_assert_null(c);
  wt_error_delete(err);
  free(wat);
  OK(wt_component_new(engine, empty_component, sizeof empty_component, &c));
  wt_component_delete(c);
  wt_engine_delete(engine);
}

/* map<K, V> needs its config switch; values are keys and values
 * alternating. */
static const char *const maps =
    "(component\n"
    "  (core module $m\n"
    "    (memory (export \"mem\") 1)\n"
    "    (global $next (mut i32) (i32.const 1024))\n"
    "    (func (export \"realloc\") (param i32 i32 i32 i32) (result i32)\n"
    "      (local $p i32)\n"
    "      (local.set $p (i32.and\n"
    "        (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))\n"
    "        (i32.sub (i32.const 0) (local.get 2))))\n"
    "      (global.set $next (i32.add (local.get $p) (local.get 3)))\n"
    "      (local.get $p))\n"
    "    (func (export \"echo2\") (param i32 i32) (result i32)\n"
    "      (i32.store (i32.const 16) (local.get 0))\n"
    "      (i32.store (i32.const 20) (local.get 1))\n"
    "      (i32.const 16)))\n"
    "  (core instance $i (instantiate $m))\n"
    "  (alias core export $i \"mem\" (core memory $mem))\n"
    "  (alias core export $i \"realloc\" (core func $realloc))\n"
    "  (func (export \"id-map\") (param \"m\" (map string u32))\n"
    "    (result (map string u32))\n"
    "    (canon lift (core func $i \"echo2\") (memory $mem)"
    " (realloc $realloc))))\n";

Test(component, maps_round_trip) {
  wt_config_t *off = wt_config_new();
  wt_engine_t *plain = engine_from(off);
  wt_component_t *c = NULL;
  EXPECT_ERROR(wt_component_new_wat(plain, maps, &c), WT_ERROR_COMPILE, "map");
  wt_engine_delete(plain);
  wt_config_t *config = wt_config_new();
  cr_assert(wt_config_set_wasm_component_model_map(config, true));
  fixture f = {0};
  f.engine = engine_from(config);
  OK(wt_component_new_wat(f.engine, maps, &f.component));
  OK(wt_component_linker_new(f.engine, &f.linker));
  OK(wt_store_new(f.engine, NULL, NULL, &f.store));
  OK(wt_component_linker_instantiate(f.linker, f.store, f.component, &f.inst));
  OK(wt_arena_new(&f.arena));
  wt_cval_t kv[6] = {strv("one", 3), u32v(1), strv("two", 3), u32v(2),
                     strv("three", 5), u32v(3)};
  wt_cval_t m = {.kind = WT_CVAL_MAP, .of.items = {kv, 6}};
  wt_cval_t r = call1(&f, "id-map", m);
  cr_assert_eq(r.kind, WT_CVAL_MAP);
  cr_assert_eq(r.of.items.len, 6);
  for (size_t i = 0; i < 3; i++) {
    const wt_cval_t *k = &r.of.items.items[2 * i], *v = k + 1;
    cr_assert_eq(k->kind, WT_CVAL_STRING);
    cr_assert_eq(k->of.str.len, kv[2 * i].of.str.len);
    cr_assert(memcmp(k->of.str.data, kv[2 * i].of.str.data, k->of.str.len) ==
              0);
    cr_assert_eq(v->kind, WT_CVAL_U32);
    cr_assert_eq(v->of.u32, kv[2 * i + 1].of.u32);
  }
  wt_cval_t empty = {.kind = WT_CVAL_MAP, .of.items = {NULL, 0}};
  r = call1(&f, "id-map", empty);
  cr_assert_eq(r.of.items.len, 0);
  /* Misuse: an odd count, a key or value of the wrong kind. */
  wt_component_func_t id = func_of(&f, "id-map");
  wt_cval_t out = {0};
  m.of.items.len = 5;
  EXPECT_ERROR(wt_component_func_call(f.store, &id, &m, 1, &out, 1, f.arena),
               WT_ERROR_MISUSE,
               "argument 0: a map has keys and values alternating, so an "
               "even number of items, got 5, in func(m: map) -> map");
  wt_cval_t swapped[2] = {u32v(1), strv("one", 3)};
  m.of.items.items = swapped;
  m.of.items.len = 2;
  EXPECT_ERROR(wt_component_func_call(f.store, &id, &m, 1, &out, 1, f.arena),
               WT_ERROR_MISUSE, "argument 0, key 0: expected string, got u32");
  wt_cval_t badval[2] = {strv("one", 3), strv("1", 1)};
  m.of.items.items = badval;
  EXPECT_ERROR(wt_component_func_call(f.store, &id, &m, 1, &out, 1, f.arena),
               WT_ERROR_MISUSE,
               "argument 0, value 0: expected u32, got string");
  cr_assert_eq(out.kind, 0);
  teardown(&f);
}
