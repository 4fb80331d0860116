/* Real guest components, built from C by the build (tests/guests/,
 * cmake/guests.cmake): each compiles and validates; the `pure` guest, which
 * imports nothing, is called through wt's public API with every kind of
 * value its interface wt:test/values uses; `bench` and `kitchen` are called
 * with their imports defined as host functions, and kitchen's counter
 * resource is made, used through borrows and dropped. Results are checked
 * exactly. GUEST_DIR is where the build put the components. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#ifndef GUEST_DIR
#error "GUEST_DIR must name the directory of the built guest components"
#endif

static const char *guest_path(const char *name) {
  static char path[4096];
  snprintf(path, sizeof path, "%s/%s.wasm", GUEST_DIR, name);
  return path;
}

/* The bytes of a guest's file (malloc'ed; the caller frees them). */
static uint8_t *read_guest(const char *name, size_t *len) {
  const char *path = guest_path(name);
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f, "cannot open %s (is the guest built?)", path);
  cr_assert_eq(fseek(f, 0, SEEK_END), 0);
  long n = ftell(f);
  cr_assert_gt(n, 8, "%s is too short", path);
  rewind(f);
  uint8_t *bytes = malloc((size_t)n);
  cr_assert_not_null(bytes);
  cr_assert_eq(fread(bytes, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  *len = (size_t)n;
  return bytes;
}

/* ---- every guest compiles and validates ---- */

static void compiles_and_validates(const char *name) {
  wt_engine_t *engine = engine_from(wt_config_new());
  size_t len = 0;
  uint8_t *bytes = read_guest(name, &len);
  /* A component: layer 1 of the binary format, not a core module. */
  cr_assert_eq(memcmp(bytes, "\0asm", 4), 0, "%s: not wasm", name);
  cr_assert_eq(bytes[6], 1, "%s: not a component", name);
  OK(wt_component_validate(engine, bytes, len));
  free(bytes);
  wt_component_t *c = NULL;
  OK(wt_component_new_file(engine, guest_path(name), &c));
  cr_assert_not_null(c);
  wt_component_delete(c);
  wt_engine_delete(engine);
}

Test(guest, pure_compiles_and_validates) { compiles_and_validates("pure"); }
Test(guest, kitchen_compiles_and_validates) {
  compiles_and_validates("kitchen");
}
Test(guest, bench_compiles_and_validates) { compiles_and_validates("bench"); }
Test(guest, hello_cli_compiles_and_validates) {
  compiles_and_validates("hello_cli");
}

/* An empty linker instantiates a guest exactly when it imports nothing: the
 * others fail to link, naming their first import. */
static void needs_import(const char *name, const char *import) {
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_component_t *c = NULL;
  OK(wt_component_new_file(engine, guest_path(name), &c));
  wt_component_linker_t *linker = NULL;
  OK(wt_component_linker_new(engine, &linker));
  wt_store_t *store = NULL;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_component_instance_t inst;
  EXPECT_ERROR(wt_component_linker_instantiate(linker, store, c, &inst),
               WT_ERROR_LINK, import);
  wt_store_delete(store);
  wt_component_linker_delete(linker);
  wt_component_delete(c);
  wt_engine_delete(engine);
}

Test(guest, kitchen_imports_the_host) { needs_import("kitchen", "wt:test/host"); }
Test(guest, bench_imports_h) { needs_import("bench", "`h`"); }
Test(guest, hello_cli_imports_wasi) { needs_import("hello_cli", "wasi:"); }

/* ---- the pure guest, called ---- */

typedef struct guest {
  wt_engine_t *engine;
  wt_component_t *component;
  wt_component_linker_t *linker;
  wt_store_t *store;
  wt_component_instance_t inst;
  wt_arena_t *arena;
} guest_t;

/* The guest `name`, instantiated with the definitions `define` adds to the
 * linker (NULL: none). */
static guest_t open_guest(const char *name,
                          void (*define)(wt_component_linker_t *, void *),
                          void *env) {
  guest_t g = {0};
  g.engine = engine_from(wt_config_new());
  OK(wt_component_new_file(g.engine, guest_path(name), &g.component));
  OK(wt_component_linker_new(g.engine, &g.linker));
  if (define)
    define(g.linker, env);
  OK(wt_store_new(g.engine, NULL, NULL, &g.store));
  OK(wt_component_linker_instantiate(g.linker, g.store, g.component, &g.inst));
  OK(wt_arena_new(&g.arena));
  return g;
}

static guest_t pure_guest(void) { return open_guest("pure", NULL, NULL); }

static void guest_delete(guest_t *g) {
  wt_arena_delete(g->arena);
  wt_store_delete(g->store);
  wt_component_linker_delete(g->linker);
  wt_component_delete(g->component);
  wt_engine_delete(g->engine);
}

/* The function `name` of the exported interface `iface` (NULL: of the
 * component itself). */
static wt_component_func_t func_in(guest_t *g, const char *iface,
                                   const char *name) {
  const char *path[] = {iface, name};
  wt_component_func_t fn;
  if (iface)
    OK(wt_component_instance_func_path(g->store, &g->inst, path, 2, &fn));
  else
    OK(wt_component_instance_func(g->store, &g->inst, name, &fn));
  return fn;
}

static wt_component_func_t values_func(guest_t *g, const char *name) {
  return func_in(g, "wt:test/values", name);
}

/* Calls `iface`.`name` with `nargs` arguments; returns its result (none is
 * a zero-filled value). */
static wt_cval_t call_in(guest_t *g, const char *iface, const char *name,
                         const wt_cval_t *args, size_t nargs,
                         size_t nresults) {
  wt_component_func_t fn = func_in(g, iface, name);
  wt_cval_t out = {0};
  wt_error_t *err = wt_component_func_call(g->store, &fn, args, nargs, &out,
                                           nresults, g->arena);
  cr_assert_null(err, "%s.%s: %s", iface ? iface : "", name,
                 wt_error_message(err));
  return out;
}

/* Calls values.`name`, which returns one value. */
static wt_cval_t call(guest_t *g, const char *name, const wt_cval_t *args,
                      size_t nargs) {
  return call_in(g, "wt:test/values", name, args, nargs, 1);
}

static wt_cval_t call1(guest_t *g, const char *name, wt_cval_t arg) {
  return call(g, name, &arg, 1);
}

static wt_cval_t u8v(uint8_t v) {
  return (wt_cval_t){.kind = WT_CVAL_U8, .of.u8 = v};
}
static wt_cval_t u32v(uint32_t v) {
  return (wt_cval_t){.kind = WT_CVAL_U32, .of.u32 = v};
}
static wt_cval_t s32v(int32_t v) {
  return (wt_cval_t){.kind = WT_CVAL_S32, .of.s32 = v};
}
static wt_cval_t strv(const char *s) {
  return (wt_cval_t){.kind = WT_CVAL_STRING, .of.str = {s, strlen(s)}};
}
static wt_cval_t bytesv(const void *b, size_t len) {
  return (wt_cval_t){.kind = WT_CVAL_BYTES, .of.bytes = {b, len}};
}
static wt_cval_t itemsv(wt_cvalkind_t kind, const wt_cval_t *items,
                        size_t len) {
  return (wt_cval_t){.kind = kind, .of.items = {items, len}};
}
static wt_cval_t casev(wt_cvalkind_t kind, uint32_t index,
                       const wt_cval_t *payload) {
  return (wt_cval_t){.kind = kind, .of.choice = {index, payload}};
}
static wt_cval_t flagsv(uint32_t bits) {
  return (wt_cval_t){.kind = WT_CVAL_FLAGS, .of.flags = bits};
}

/* Asserts a string result equal to `want`. */
static void assert_str(wt_cval_t v, const char *want, size_t len) {
  cr_assert_eq(v.kind, WT_CVAL_STRING, "kind %s, expected string",
               wt_cvalkind_name(v.kind));
  cr_assert_eq(v.of.str.len, len, "length %zu, expected %zu", v.of.str.len,
               len);
  cr_assert(len == 0 || memcmp(v.of.str.data, want, len) == 0,
            "\"%.*s\", expected \"%.*s\"", (int)v.of.str.len, v.of.str.data,
            (int)len, want);
}
#define ASSERT_STR(v, lit) assert_str((v), (lit), sizeof(lit) - 1)

/* Asserts a point record (x, y). */
static void assert_point(const wt_cval_t *v, int32_t x, int32_t y) {
  cr_assert_eq(v->kind, WT_CVAL_RECORD);
  cr_assert_eq(v->of.items.len, 2);
  cr_assert_eq(v->of.items.items[0].kind, WT_CVAL_S32);
  cr_assert_eq(v->of.items.items[1].kind, WT_CVAL_S32);
  cr_assert_eq(v->of.items.items[0].of.s32, x, "x = %d, expected %d",
               v->of.items.items[0].of.s32, x);
  cr_assert_eq(v->of.items.items[1].of.s32, y, "y = %d, expected %d",
               v->of.items.items[1].of.s32, y);
}

Test(guest, pure_instantiates_without_imports) {
  guest_t g = pure_guest();
  /* Every function of the interface is there. */
  static const char *const names[] = {
      "add",  "echo",   "count",      "echo-bytes", "swap-quad", "flip",
      "shift", "describe", "birthday", "next-color", "half",     "divide",
      "check", "swap-pair", "area",    "grow",       "allow-write",
      "perms-of", "lengths"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    (void)values_func(&g, names[i]);
  const char *path[] = {"wt:test/values", "missing"};
  wt_component_func_t fn;
  EXPECT_ERROR(wt_component_instance_func_path(g.store, &g.inst, path, 2, &fn),
               WT_ERROR_NOT_FOUND, "missing");
  guest_delete(&g);
}

Test(guest, pure_add) {
  guest_t g = pure_guest();
  wt_cval_t args[2] = {u32v(40), u32v(2)};
  wt_cval_t r = call(&g, "add", args, 2);
  cr_assert_eq(r.kind, WT_CVAL_U32);
  cr_assert_eq(r.of.u32, 42);
  args[0] = u32v(UINT32_MAX);
  args[1] = u32v(3);
  cr_assert_eq(call(&g, "add", args, 2).of.u32, 2, "u32 wraps");
  guest_delete(&g);
}

Test(guest, pure_echo_strings) {
  guest_t g = pure_guest();
  ASSERT_STR(call1(&g, "echo", strv("hello")), "hello");
  ASSERT_STR(call1(&g, "echo", strv("")), "");
  ASSERT_STR(call1(&g, "echo", strv("h\xc3\xa9llo, w\xc3\xb6rld \xe2\x9c\x93")),
             "h\xc3\xa9llo, w\xc3\xb6rld \xe2\x9c\x93");
  /* 100 KiB, through the guest's allocator and back. */
  size_t n = 100 * 1024;
  char *big = malloc(n);
  cr_assert_not_null(big);
  for (size_t i = 0; i < n; i++)
    big[i] = (char)('a' + i % 26);
  wt_cval_t r =
      call1(&g, "echo", (wt_cval_t){.kind = WT_CVAL_STRING, .of.str = {big, n}});
  assert_str(r, big, n);
  cr_assert_eq(r.of.str.data[n], '\0', "results end in a NUL byte");
  free(big);
  guest_delete(&g);
}

Test(guest, pure_count_and_echo_bytes) {
  guest_t g = pure_guest();
  uint8_t all[256];
  for (int i = 0; i < 256; i++)
    all[i] = (uint8_t)i;
  wt_cval_t r = call1(&g, "count", bytesv(all, sizeof all));
  cr_assert_eq(r.kind, WT_CVAL_U32);
  cr_assert_eq(r.of.u32, 255 * 256 / 2);
  cr_assert_eq(call1(&g, "count", bytesv(NULL, 0)).of.u32, 0);
  size_t n = 1 << 20;
  uint8_t *ones = malloc(n);
  cr_assert_not_null(ones);
  memset(ones, 0xff, n);
  cr_assert_eq(call1(&g, "count", bytesv(ones, n)).of.u32, 255u * (1u << 20));
  free(ones);

  r = call1(&g, "echo-bytes", bytesv(all, sizeof all));
  cr_assert_eq(r.kind, WT_CVAL_BYTES);
  cr_assert_eq(r.of.bytes.len, sizeof all);
  cr_assert_eq(memcmp(r.of.bytes.data, all, sizeof all), 0);
  r = call1(&g, "echo-bytes", bytesv("a\0b", 3));
  cr_assert_eq(r.of.bytes.len, 3);
  cr_assert_eq(memcmp(r.of.bytes.data, "a\0b", 3), 0);
  r = call1(&g, "echo-bytes", bytesv(NULL, 0));
  cr_assert_eq(r.kind, WT_CVAL_BYTES);
  cr_assert_eq(r.of.bytes.len, 0);
  guest_delete(&g);
}

Test(guest, pure_records) {
  guest_t g = pure_guest();
  /* quad { a: u32, b: s64, c: f64, d: bool } */
  wt_cval_t fields[4] = {
      u32v(41),
      {.kind = WT_CVAL_S64, .of.s64 = -21},
      {.kind = WT_CVAL_F64, .of.f64 = 3.5},
      {.kind = WT_CVAL_BOOL, .of.boolean = true},
  };
  wt_cval_t r = call1(&g, "swap-quad", itemsv(WT_CVAL_RECORD, fields, 4));
  cr_assert_eq(r.kind, WT_CVAL_RECORD);
  cr_assert_eq(r.of.items.len, 4);
  const wt_cval_t *q = r.of.items.items;
  cr_assert_eq(q[0].kind, WT_CVAL_U32);
  cr_assert_eq(q[0].of.u32, 42);
  cr_assert_eq(q[1].kind, WT_CVAL_S64);
  cr_assert_eq(q[1].of.s64, -42);
  cr_assert_eq(q[2].kind, WT_CVAL_F64);
  cr_assert_eq(q[2].of.f64, 1.75);
  cr_assert_eq(q[3].kind, WT_CVAL_BOOL);
  cr_assert_eq(q[3].of.boolean, false);

  wt_cval_t xy[2] = {s32v(1), s32v(-2)};
  r = call1(&g, "flip", itemsv(WT_CVAL_RECORD, xy, 2));
  assert_point(&r, -2, 1);
  guest_delete(&g);
}

Test(guest, pure_list_of_records) {
  guest_t g = pure_guest();
  wt_cval_t p0[2] = {s32v(1), s32v(2)}, p1[2] = {s32v(3), s32v(4)},
            p2[2] = {s32v(-5), s32v(INT32_MAX)};
  wt_cval_t pts[3] = {itemsv(WT_CVAL_RECORD, p0, 2),
                      itemsv(WT_CVAL_RECORD, p1, 2),
                      itemsv(WT_CVAL_RECORD, p2, 2)};
  wt_cval_t args[3] = {itemsv(WT_CVAL_LIST, pts, 3), s32v(10), s32v(-1)};
  wt_cval_t r = call(&g, "shift", args, 3);
  cr_assert_eq(r.kind, WT_CVAL_LIST);
  cr_assert_eq(r.of.items.len, 3);
  assert_point(&r.of.items.items[0], 11, 1);
  assert_point(&r.of.items.items[1], 13, 3);
  assert_point(&r.of.items.items[2], 5, INT32_MAX - 1);
  args[0] = itemsv(WT_CVAL_LIST, NULL, 0);
  r = call(&g, "shift", args, 3);
  cr_assert_eq(r.kind, WT_CVAL_LIST);
  cr_assert_eq(r.of.items.len, 0);
  guest_delete(&g);
}

/* person { name: string, age: u8, tags: list<string>, home: option<point> } */
Test(guest, pure_nested_records) {
  guest_t g = pure_guest();
  wt_cval_t tags[2] = {strv("math"), strv("code")};
  wt_cval_t xy[2] = {s32v(1), s32v(-2)};
  wt_cval_t home = itemsv(WT_CVAL_RECORD, xy, 2);
  wt_cval_t ada[4] = {strv("Ada"), u8v(36), itemsv(WT_CVAL_LIST, tags, 2),
                      casev(WT_CVAL_OPTION, 1, &home)};
  wt_cval_t person = itemsv(WT_CVAL_RECORD, ada, 4);
  ASSERT_STR(call1(&g, "describe", person), "Ada (36): math,code @1,-2");
  wt_cval_t bob[4] = {strv("Bob"), u8v(0), itemsv(WT_CVAL_LIST, NULL, 0),
                      casev(WT_CVAL_OPTION, 0, NULL)};
  ASSERT_STR(call1(&g, "describe", itemsv(WT_CVAL_RECORD, bob, 4)),
             "Bob (0):  @nowhere");

  wt_cval_t r = call1(&g, "birthday", person);
  cr_assert_eq(r.kind, WT_CVAL_RECORD);
  cr_assert_eq(r.of.items.len, 4);
  const wt_cval_t *f = r.of.items.items;
  ASSERT_STR(f[0], "Ada");
  cr_assert_eq(f[1].kind, WT_CVAL_U8);
  cr_assert_eq(f[1].of.u8, 37);
  cr_assert_eq(f[2].kind, WT_CVAL_LIST);
  cr_assert_eq(f[2].of.items.len, 3);
  ASSERT_STR(f[2].of.items.items[0], "math");
  ASSERT_STR(f[2].of.items.items[1], "code");
  ASSERT_STR(f[2].of.items.items[2], "older");
  cr_assert_eq(f[3].kind, WT_CVAL_OPTION);
  cr_assert_eq(f[3].of.choice.index, 1);
  cr_assert_not_null(f[3].of.choice.payload);
  assert_point(f[3].of.choice.payload, 1, -2);

  r = call1(&g, "birthday", itemsv(WT_CVAL_RECORD, bob, 4));
  f = r.of.items.items;
  ASSERT_STR(f[0], "Bob");
  cr_assert_eq(f[1].of.u8, 1);
  cr_assert_eq(f[2].of.items.len, 1);
  ASSERT_STR(f[2].of.items.items[0], "older");
  cr_assert_eq(f[3].of.choice.index, 0);
  cr_assert_null(f[3].of.choice.payload);
  guest_delete(&g);
}

Test(guest, pure_enum) {
  guest_t g = pure_guest();
  for (uint32_t c = 0; c < 3; c++) {
    wt_cval_t r = call1(&g, "next-color", casev(WT_CVAL_ENUM, c, NULL));
    cr_assert_eq(r.kind, WT_CVAL_ENUM);
    cr_assert_eq(r.of.choice.index, (c + 1) % 3);
    cr_assert_null(r.of.choice.payload);
  }
  wt_component_func_t fn = values_func(&g, "next-color");
  wt_cval_t bad = casev(WT_CVAL_ENUM, 3, NULL), out;
  wt_error_t *err = EXPECT_KIND(
      wt_component_func_call(g.store, &fn, &bad, 1, &out, 1, g.arena),
      WT_ERROR_MISUSE);
  cr_assert(strstr(wt_error_message(err), "argument 0"), "%s",
            wt_error_message(err));
  wt_error_delete(err);
  guest_delete(&g);
}

Test(guest, pure_option) {
  guest_t g = pure_guest();
  wt_cval_t r = call1(&g, "half", u32v(10));
  cr_assert_eq(r.kind, WT_CVAL_OPTION);
  cr_assert_eq(r.of.choice.index, 1);
  cr_assert_eq(r.of.choice.payload->kind, WT_CVAL_U32);
  cr_assert_eq(r.of.choice.payload->of.u32, 5);
  r = call1(&g, "half", u32v(7));
  cr_assert_eq(r.of.choice.index, 0);
  cr_assert_null(r.of.choice.payload);

  /* option<list<u32>> */
  wt_cval_t xs[3] = {strv("a"), strv("bcd"), strv("")};
  r = call1(&g, "lengths", itemsv(WT_CVAL_LIST, xs, 3));
  cr_assert_eq(r.kind, WT_CVAL_OPTION);
  cr_assert_eq(r.of.choice.index, 1);
  const wt_cval_t *lens = r.of.choice.payload;
  cr_assert_eq(lens->kind, WT_CVAL_LIST);
  cr_assert_eq(lens->of.items.len, 3);
  cr_assert_eq(lens->of.items.items[0].of.u32, 1);
  cr_assert_eq(lens->of.items.items[1].of.u32, 3);
  cr_assert_eq(lens->of.items.items[2].of.u32, 0);
  r = call1(&g, "lengths", itemsv(WT_CVAL_LIST, NULL, 0));
  cr_assert_eq(r.of.choice.index, 0);
  guest_delete(&g);
}

Test(guest, pure_result) {
  guest_t g = pure_guest();
  wt_cval_t args[2] = {u32v(7), u32v(2)};
  wt_cval_t r = call(&g, "divide", args, 2);
  cr_assert_eq(r.kind, WT_CVAL_RESULT);
  cr_assert_eq(r.of.choice.index, 0);
  cr_assert_eq(r.of.choice.payload->kind, WT_CVAL_U32);
  cr_assert_eq(r.of.choice.payload->of.u32, 3);
  args[1] = u32v(0);
  r = call(&g, "divide", args, 2);
  cr_assert_eq(r.of.choice.index, 1);
  ASSERT_STR(*r.of.choice.payload, "division by zero");

  /* result without payloads */
  r = call1(&g, "check", u32v(4));
  cr_assert_eq(r.kind, WT_CVAL_RESULT);
  cr_assert_eq(r.of.choice.index, 0);
  cr_assert_null(r.of.choice.payload);
  r = call1(&g, "check", u32v(3));
  cr_assert_eq(r.of.choice.index, 1);
  cr_assert_null(r.of.choice.payload);
  guest_delete(&g);
}

Test(guest, pure_tuples) {
  guest_t g = pure_guest();
  wt_cval_t pair[2] = {u32v(7), strv("hello")};
  wt_cval_t r = call1(&g, "swap-pair", itemsv(WT_CVAL_TUPLE, pair, 2));
  cr_assert_eq(r.kind, WT_CVAL_TUPLE);
  cr_assert_eq(r.of.items.len, 3);
  ASSERT_STR(r.of.items.items[0], "hello");
  cr_assert_eq(r.of.items.items[1].kind, WT_CVAL_U32);
  cr_assert_eq(r.of.items.items[1].of.u32, 7);
  cr_assert_eq(r.of.items.items[2].kind, WT_CVAL_U64);
  cr_assert_eq(r.of.items.items[2].of.u64, 12);
  guest_delete(&g);
}

/* variant shape { empty, circle(u32), rect(point), label(string) }:
 * needs WT_CVAL_VARIANT. */
Test(guest, pure_variant) {
  guest_t g = pure_guest();
  wt_cval_t r10 = u32v(10);
  wt_cval_t wh[2] = {s32v(3), s32v(4)};
  wt_cval_t rect = itemsv(WT_CVAL_RECORD, wh, 2);
  wt_cval_t neg[2] = {s32v(-3), s32v(4)};
  wt_cval_t negrect = itemsv(WT_CVAL_RECORD, neg, 2);
  wt_cval_t abcd = strv("abcd");
  struct {
    wt_cval_t shape;
    uint64_t area;
  } areas[] = {
      {casev(WT_CVAL_VARIANT, 0, NULL), 0},
      {casev(WT_CVAL_VARIANT, 1, &r10), 314},
      {casev(WT_CVAL_VARIANT, 2, &rect), 12},
      {casev(WT_CVAL_VARIANT, 2, &negrect), (uint64_t)-12},
      {casev(WT_CVAL_VARIANT, 3, &abcd), 4},
  };
  for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++) {
    wt_cval_t r = call1(&g, "area", areas[i].shape);
    cr_assert_eq(r.kind, WT_CVAL_U64);
    cr_assert_eq(r.of.u64, areas[i].area, "shape %zu: area %llu, expected %llu",
                 i, (unsigned long long)r.of.u64,
                 (unsigned long long)areas[i].area);
  }

  wt_cval_t r = call1(&g, "grow", casev(WT_CVAL_VARIANT, 0, NULL));
  cr_assert_eq(r.kind, WT_CVAL_VARIANT);
  cr_assert_eq(r.of.choice.index, 0);
  cr_assert_null(r.of.choice.payload);
  r = call1(&g, "grow", casev(WT_CVAL_VARIANT, 1, &r10));
  cr_assert_eq(r.of.choice.index, 1);
  cr_assert_eq(r.of.choice.payload->kind, WT_CVAL_U32);
  cr_assert_eq(r.of.choice.payload->of.u32, 11);
  r = call1(&g, "grow", casev(WT_CVAL_VARIANT, 2, &rect));
  cr_assert_eq(r.of.choice.index, 2);
  assert_point(r.of.choice.payload, 4, 4);
  wt_cval_t hi = strv("hi"), empty = strv("");
  r = call1(&g, "grow", casev(WT_CVAL_VARIANT, 3, &hi));
  cr_assert_eq(r.of.choice.index, 3);
  ASSERT_STR(*r.of.choice.payload, "hi!");
  r = call1(&g, "grow", casev(WT_CVAL_VARIANT, 3, &empty));
  ASSERT_STR(*r.of.choice.payload, "!");

  /* A case the type lacks, and a payload of the wrong kind, are refused
   * before the guest runs. */
  wt_component_func_t fn = values_func(&g, "area");
  wt_cval_t bad = casev(WT_CVAL_VARIANT, 4, NULL), out;
  wt_error_delete(EXPECT_KIND(
      wt_component_func_call(g.store, &fn, &bad, 1, &out, 1, g.arena),
      WT_ERROR_MISUSE));
  bad = casev(WT_CVAL_VARIANT, 1, &abcd);
  wt_error_delete(EXPECT_KIND(
      wt_component_func_call(g.store, &fn, &bad, 1, &out, 1, g.arena),
      WT_ERROR_MISUSE));
  guest_delete(&g);
}

/* flags perms { read, write, exec }: needs WT_CVAL_FLAGS. */
Test(guest, pure_flags) {
  guest_t g = pure_guest();
  enum { READ = 1, WRITE = 2, EXEC = 4 };
  struct {
    uint32_t in, out;
  } allow[] = {{0, WRITE},
               {READ, READ | WRITE},
               {READ | EXEC, READ | WRITE},
               {READ | WRITE | EXEC, READ | WRITE}};
  for (size_t i = 0; i < sizeof allow / sizeof allow[0]; i++) {
    wt_cval_t r = call1(&g, "allow-write", flagsv(allow[i].in));
    cr_assert_eq(r.kind, WT_CVAL_FLAGS);
    cr_assert_eq(r.of.flags, allow[i].out, "allow-write(%u) = %u, expected %u",
                 allow[i].in, r.of.flags, allow[i].out);
  }
  static const uint32_t of_mode[8] = {0,           EXEC,        WRITE,
                                      WRITE | EXEC, READ,       READ | EXEC,
                                      READ | WRITE, READ | WRITE | EXEC};
  for (uint32_t mode = 0; mode < 8; mode++) {
    wt_cval_t r = call1(&g, "perms-of", u32v(mode));
    cr_assert_eq(r.kind, WT_CVAL_FLAGS);
    cr_assert_eq(r.of.flags, of_mode[mode], "perms-of(%u) = %u, expected %u",
                 mode, r.of.flags, of_mode[mode]);
  }
  /* A bit past the type's three flags is refused. */
  wt_component_func_t fn = values_func(&g, "allow-write");
  wt_cval_t bad = flagsv(8), out;
  wt_error_delete(EXPECT_KIND(
      wt_component_func_call(g.store, &fn, &bad, 1, &out, 1, g.arena),
      WT_ERROR_MISUSE));
  guest_delete(&g);
}

/* The guest frees what it owns: with its memory capped at 4 MiB, the calls
 * below, which move 8 MiB or more through each function, would exhaust it
 * (the guest's malloc would fail and abort, a trap) if any argument or
 * result leaked. */
Test(guest, pure_frees_what_it_owns) {
  guest_t g = pure_guest();
  wt_limits_t limits = WT_LIMITS_NONE;
  limits.memory_size = 4 << 20;
  OK(wt_store_set_limits(g.store, &limits));
  size_t big = 128 << 10, mid = 32 << 10;
  char *buf = malloc(big);
  cr_assert_not_null(buf);
  memset(buf, 'x', big);
  wt_cval_t bytes = bytesv(buf, big);
  wt_cval_t text = {.kind = WT_CVAL_STRING, .of.str = {buf, mid}};
  wt_cval_t texts[4] = {text, text, text, text};
  wt_cval_t xy[2] = {s32v(1), s32v(2)};
  wt_cval_t home = itemsv(WT_CVAL_RECORD, xy, 2);
  wt_cval_t person[4] = {text, u8v(1), itemsv(WT_CVAL_LIST, texts, 4),
                         casev(WT_CVAL_OPTION, 1, &home)};
  wt_cval_t label = casev(WT_CVAL_VARIANT, 3, &text);
  wt_cval_t pair[2] = {u32v(1), text};
  wt_cval_t zero[2] = {u32v(1), u32v(0)};
  for (int i = 0; i < 64; i++) {
    cr_assert_eq(call1(&g, "count", bytes).of.u32, 'x' * (uint32_t)big);
    cr_assert_eq(call1(&g, "echo-bytes", bytes).of.bytes.len, big);
    for (int j = 0; j < 4; j++) {
      cr_assert_eq(call1(&g, "echo", text).of.str.len, mid);
      cr_assert_eq(
          call1(&g, "describe", itemsv(WT_CVAL_RECORD, person, 4)).of.str.len,
          mid + 6 + 4 * mid + 3 + 5);
      cr_assert_eq(call1(&g, "birthday", itemsv(WT_CVAL_RECORD, person, 4))
                       .of.items.items[2]
                       .of.items.len,
                   5);
      cr_assert_eq(call1(&g, "area", label).of.u64, mid);
      cr_assert_eq(call1(&g, "grow", label).of.choice.payload->of.str.len,
                   mid + 1);
      cr_assert_eq(
          call1(&g, "swap-pair", itemsv(WT_CVAL_TUPLE, pair, 2)).kind,
          WT_CVAL_TUPLE);
      cr_assert_eq(
          call1(&g, "lengths", itemsv(WT_CVAL_LIST, texts, 4)).of.choice.index,
          1);
      cr_assert_eq(call(&g, "divide", zero, 2).of.choice.index, 1);
    }
    wt_arena_reset(g.arena);
  }
  free(buf);
  guest_delete(&g);
}

/* A compiled guest serializes and comes back, still callable. */
Test(guest, pure_serialized) {
  guest_t g = pure_guest();
  uint8_t *bytes = NULL;
  size_t len = 0;
  OK(wt_component_serialize(g.component, &bytes, &len));
  wt_component_t *again = NULL;
  OK(wt_component_deserialize(g.engine, bytes, len, &again));
  free(bytes);
  wt_component_instance_t inst;
  OK(wt_component_linker_instantiate(g.linker, g.store, again, &inst));
  const char *path[] = {"wt:test/values", "add"};
  wt_component_func_t fn;
  OK(wt_component_instance_func_path(g.store, &inst, path, 2, &fn));
  wt_cval_t args[2] = {u32v(1), u32v(2)}, out = {0};
  OK(wt_component_func_call(g.store, &fn, args, 2, &out, 1, NULL));
  cr_assert_eq(out.of.u32, 3);
  wt_component_delete(again);
  guest_delete(&g);
}

/* ---- bench and kitchen, with their imports defined by the host ---- */

/* What the host functions saw. */
typedef struct host_log {
  char lines[16][128];
  int nlines;
  uint32_t h_calls;
} host_log_t;

/* h(x) = 3x + 1 */
static wt_error_t *host_h(void *env, wt_store_t *store, const wt_cval_t *args,
                          size_t nargs, wt_cval_t *results, size_t nresults,
                          wt_arena_t *arena) {
  host_log_t *log = env;
  cr_assert_eq(nargs, 1);
  cr_assert_eq(nresults, 1);
  cr_assert_eq(args[0].kind, WT_CVAL_U32);
  log->h_calls++;
  results[0] = u32v(3 * args[0].of.u32 + 1);
  return NULL;
}

static wt_error_t *host_log(void *env, wt_store_t *store,
                            const wt_cval_t *args, size_t nargs,
                            wt_cval_t *results, size_t nresults,
                            wt_arena_t *arena) {
  host_log_t *log = env;
  cr_assert_eq(nargs, 1);
  cr_assert_eq(nresults, 0);
  cr_assert_eq(args[0].kind, WT_CVAL_STRING);
  cr_assert_lt(log->nlines, 16);
  snprintf(log->lines[log->nlines++], sizeof log->lines[0], "%.*s",
           (int)args[0].of.str.len, args[0].of.str.data);
  return NULL;
}

static void define_bench(wt_component_linker_t *linker, void *env) {
  OK(wt_component_linker_define_func(linker, NULL, "h", host_h, env, NULL));
}

static void define_host(wt_component_linker_t *linker, void *env) {
  OK(wt_component_linker_define_func(linker, "wt:test/host", "log", host_log,
                                     env, NULL));
  OK(wt_component_linker_define_func(linker, "wt:test/host", "h", host_h, env,
                                     NULL));
}

Test(guest, bench_calls) {
  host_log_t log = {0};
  guest_t g = open_guest("bench", define_bench, &log);
  wt_cval_t two[2] = {u32v(40), u32v(2)};
  wt_cval_t r = call_in(&g, NULL, "add", two, 2, 1);
  cr_assert_eq(r.kind, WT_CVAL_U32);
  cr_assert_eq(r.of.u32, 42);
  wt_cval_t s = strv("bench \xe2\x9c\x93");
  ASSERT_STR(call_in(&g, NULL, "echo", &s, 1, 1), "bench \xe2\x9c\x93");
  uint8_t all[256];
  for (int i = 0; i < 256; i++)
    all[i] = (uint8_t)i;
  wt_cval_t b = bytesv(all, sizeof all);
  cr_assert_eq(call_in(&g, NULL, "count", &b, 1, 1).of.u32, 255 * 256 / 2);
  r = call_in(&g, NULL, "echo-bytes", &b, 1, 1);
  cr_assert_eq(r.kind, WT_CVAL_BYTES);
  cr_assert_eq(r.of.bytes.len, sizeof all);
  cr_assert_eq(memcmp(r.of.bytes.data, all, sizeof all), 0);
  wt_cval_t fields[4] = {
      u32v(1),
      {.kind = WT_CVAL_S64, .of.s64 = INT64_MIN / 2},
      {.kind = WT_CVAL_F64, .of.f64 = -1.0},
      {.kind = WT_CVAL_BOOL, .of.boolean = false},
  };
  wt_cval_t quad = itemsv(WT_CVAL_RECORD, fields, 4);
  r = call_in(&g, NULL, "swap-quad", &quad, 1, 1);
  cr_assert_eq(r.kind, WT_CVAL_RECORD);
  cr_assert_eq(r.of.items.len, 4);
  cr_assert_eq(r.of.items.items[0].of.u32, 2);
  cr_assert_eq(r.of.items.items[1].of.s64, INT64_MIN);
  cr_assert_eq(r.of.items.items[2].of.f64, -0.5);
  cr_assert_eq(r.of.items.items[3].of.boolean, true);

  /* spin(n) = h(0) + ... + h(n-1) = 3 n(n-1)/2 + n, calling the host n
   * times. */
  wt_cval_t n = u32v(1000);
  r = call_in(&g, NULL, "spin", &n, 1, 1);
  cr_assert_eq(r.kind, WT_CVAL_U32);
  cr_assert_eq(r.of.u32, 3u * 1000 * 999 / 2 + 1000);
  cr_assert_eq(log.h_calls, 1000);
  n = u32v(0);
  cr_assert_eq(call_in(&g, NULL, "spin", &n, 1, 1).of.u32, 0);
  cr_assert_eq(log.h_calls, 1000);
  guest_delete(&g);
}

/* The bench guest's byte-list and string functions go through Wasmtime's
 * typed calls (native/): they check their arguments as every call does,
 * give back the arena on failure, and copy results whole. */
Test(guest, typed_calls_check_and_copy_like_every_call) {
  host_log_t log = {0};
  guest_t g = open_guest("bench", define_bench, &log);
  wt_component_func_t echo = func_in(&g, NULL, "echo");
  wt_component_func_t count = func_in(&g, NULL, "count");
  wt_component_func_t echo_bytes = func_in(&g, NULL, "echo-bytes");
  wt_cval_t r = {0};
  size_t used = wt_arena_used(g.arena);
  wt_cval_t bad = {.kind = WT_CVAL_STRING, .of.str = {"ok \xff", 4}};
  EXPECT_ERROR(wt_component_func_call(g.store, &echo, &bad, 1, &r, 1, g.arena),
               WT_ERROR_MISUSE,
               "wt_component_func_call: argument 0: string is not valid "
               "UTF-8, in func(s: string) -> string");
  wt_cval_t s = strv("fine");
  EXPECT_ERROR(wt_component_func_call(g.store, &count, &s, 1, &r, 1, NULL),
               WT_ERROR_MISUSE, "argument 0: expected list<u8>, got string");
  wt_cval_t null_bytes = bytesv(NULL, 5);
  EXPECT_ERROR(wt_component_func_call(g.store, &echo_bytes, &null_bytes, 1, &r,
                                      1, g.arena),
               WT_ERROR_MISUSE, "argument 0: bytes data is NULL");
  wt_cval_t b = bytesv("abc", 3);
  EXPECT_ERROR(wt_component_func_call(g.store, &echo_bytes, &b, 1, &r, 1,
                                      NULL),
               WT_ERROR_MISUSE, "arena is NULL");
  cr_assert_eq(wt_arena_used(g.arena), used, "failed calls take nothing");
  cr_assert_eq(r.kind, 0, "failed calls write no result");

  /* 1 MiB each way, NUL-terminated in the arena. */
  size_t n = 1 << 20;
  uint8_t *big = malloc(n);
  cr_assert_not_null(big);
  for (size_t i = 0; i < n; i++)
    big[i] = (uint8_t)(i * 7 + (i >> 9));
  b = bytesv(big, n);
  OK(wt_component_func_call(g.store, &echo_bytes, &b, 1, &r, 1, g.arena));
  cr_assert_eq(r.kind, WT_CVAL_BYTES);
  cr_assert_eq(r.of.bytes.len, n);
  cr_assert_eq(memcmp(r.of.bytes.data, big, n), 0);
  cr_assert_eq(r.of.bytes.data[n], '\0');
  cr_assert_geq(wt_arena_used(g.arena), used + n + 1);
  uint32_t sum = 0;
  for (size_t i = 0; i < n; i++)
    sum += big[i];
  OK(wt_component_func_call(g.store, &count, &b, 1, &r, 1, NULL));
  cr_assert_eq(r.kind, WT_CVAL_U32);
  cr_assert_eq(r.of.u32, sum);
  free(big);
  s = strv("\xe2\x9c\x93 after errors");
  OK(wt_component_func_call(g.store, &echo, &s, 1, &r, 1, g.arena));
  ASSERT_STR(r, "\xe2\x9c\x93 after errors");
  cr_assert_eq(r.of.str.data[r.of.str.len], '\0');
  guest_delete(&g);
}

static const char *const api = "wt:test/api";

Test(guest, kitchen_calls_the_host) {
  host_log_t log = {0};
  guest_t g = open_guest("kitchen", define_host, &log);
  wt_cval_t who = strv("Ada");
  ASSERT_STR(call_in(&g, api, "greet", &who, 1, 1), "hello, Ada");
  cr_assert_eq(log.nlines, 1);
  cr_assert_str_eq(log.lines[0], "hello, Ada");
  wt_cval_t x = u32v(5);
  wt_cval_t r = call_in(&g, api, "call-host", &x, 1, 1);
  cr_assert_eq(r.kind, WT_CVAL_U32);
  cr_assert_eq(r.of.u32, 17);
  cr_assert_eq(log.h_calls, 1);
  guest_delete(&g);
}

/* entry { key: string, value: u32 }, level, mode flags { fast, safe, loud },
 * tuples, options, result<list<u8>, string> and the variant event { idle,
 * tick(u32), put(entry), note(string) }. */
Test(guest, kitchen_values) {
  host_log_t log = {0};
  guest_t g = open_guest("kitchen", define_host, &log);
  wt_cval_t e0[2] = {strv("a"), u32v(7)}, e1[2] = {strv("bb"), u32v(30)},
            e2[2] = {strv(""), u32v(100)};
  wt_cval_t entries[3] = {itemsv(WT_CVAL_RECORD, e0, 2),
                          itemsv(WT_CVAL_RECORD, e1, 2),
                          itemsv(WT_CVAL_RECORD, e2, 2)};
  struct {
    size_t n;
    uint32_t mode, sum, level, out_mode;
  } tallies[] = {{0, 0, 0, 0, 4}, {1, 1, 7, 0, 5}, {2, 2, 37, 1, 6},
                 {3, 7, 137, 2, 7}};
  for (size_t i = 0; i < sizeof tallies / sizeof tallies[0]; i++) {
    wt_cval_t args[2] = {itemsv(WT_CVAL_LIST, entries, tallies[i].n),
                         flagsv(tallies[i].mode)};
    wt_cval_t r = call_in(&g, api, "tally", args, 2, 1);
    cr_assert_eq(r.kind, WT_CVAL_TUPLE);
    cr_assert_eq(r.of.items.len, 3);
    const wt_cval_t *t = r.of.items.items;
    cr_assert_eq(t[0].kind, WT_CVAL_U32);
    cr_assert_eq(t[0].of.u32, tallies[i].sum);
    cr_assert_eq(t[1].kind, WT_CVAL_ENUM);
    cr_assert_eq(t[1].of.choice.index, tallies[i].level);
    cr_assert_eq(t[2].kind, WT_CVAL_FLAGS);
    cr_assert_eq(t[2].of.flags, tallies[i].out_mode);
  }

  wt_cval_t args[2] = {itemsv(WT_CVAL_LIST, entries, 3), strv("bb")};
  wt_cval_t r = call_in(&g, api, "lookup", args, 2, 1);
  cr_assert_eq(r.kind, WT_CVAL_OPTION);
  cr_assert_eq(r.of.choice.index, 1);
  cr_assert_eq(r.of.choice.payload->of.u32, 30);
  args[1] = strv("");
  r = call_in(&g, api, "lookup", args, 2, 1);
  cr_assert_eq(r.of.choice.payload->of.u32, 100);
  args[1] = strv("c");
  r = call_in(&g, api, "lookup", args, 2, 1);
  cr_assert_eq(r.of.choice.index, 0);

  wt_cval_t b = bytesv("abc\0", 4);
  r = call_in(&g, api, "reverse", &b, 1, 1);
  cr_assert_eq(r.kind, WT_CVAL_RESULT);
  cr_assert_eq(r.of.choice.index, 0);
  cr_assert_eq(r.of.choice.payload->kind, WT_CVAL_BYTES);
  cr_assert_eq(r.of.choice.payload->of.bytes.len, 4);
  cr_assert_eq(memcmp(r.of.choice.payload->of.bytes.data, "\0cba", 4), 0);
  b = bytesv(NULL, 0);
  r = call_in(&g, api, "reverse", &b, 1, 1);
  cr_assert_eq(r.of.choice.index, 1);
  ASSERT_STR(*r.of.choice.payload, "empty");

  wt_cval_t tick = u32v(9), note = strv("n"), put = entries[1];
  wt_cval_t events[5] = {casev(WT_CVAL_VARIANT, 0, NULL),
                         casev(WT_CVAL_VARIANT, 0, NULL),
                         casev(WT_CVAL_VARIANT, 2, &put),
                         casev(WT_CVAL_VARIANT, 1, &tick),
                         casev(WT_CVAL_VARIANT, 3, &note)};
  wt_cval_t list = itemsv(WT_CVAL_LIST, events, 5);
  r = call_in(&g, api, "first-event", &list, 1, 1);
  cr_assert_eq(r.kind, WT_CVAL_OPTION);
  cr_assert_eq(r.of.choice.index, 1);
  const wt_cval_t *ev = r.of.choice.payload;
  cr_assert_eq(ev->kind, WT_CVAL_VARIANT);
  cr_assert_eq(ev->of.choice.index, 2);
  const wt_cval_t *entry = ev->of.choice.payload;
  cr_assert_eq(entry->kind, WT_CVAL_RECORD);
  ASSERT_STR(entry->of.items.items[0], "bb");
  cr_assert_eq(entry->of.items.items[1].of.u32, 30);
  list = itemsv(WT_CVAL_LIST, events + 3, 2);
  r = call_in(&g, api, "first-event", &list, 1, 1);
  cr_assert_eq(r.of.choice.payload->of.choice.index, 1);
  cr_assert_eq(r.of.choice.payload->of.choice.payload->of.u32, 9);
  list = itemsv(WT_CVAL_LIST, events, 2);
  r = call_in(&g, api, "first-event", &list, 1, 1);
  cr_assert_eq(r.of.choice.index, 0);
  cr_assert_eq(log.nlines, 3);
  cr_assert_str_eq(log.lines[0], "first event found");
  cr_assert_str_eq(log.lines[1], "first event found");
  cr_assert_str_eq(log.lines[2], "no event");
  guest_delete(&g);
}

/* The guest's counter resource: made by its constructor (an own handle the
 * host holds), used through borrows, merged into a new own, and dropped,
 * which runs the guest's destructor (it logs). Needs resource handles
 * (WT_CVAL_OWN and WT_CVAL_BORROW). */
Test(guest, kitchen_counter_resource) {
  host_log_t log = {0};
  guest_t g = open_guest("kitchen", define_host, &log);
  wt_cval_t start = u32v(10);
  wt_cval_t c = call_in(&g, api, "[constructor]counter", &start, 1, 1);
  cr_assert_eq(c.kind, WT_CVAL_OWN, "kind %s", wt_cvalkind_name(c.kind));
  wt_cval_t self = c;
  self.kind = WT_CVAL_BORROW;
  wt_cval_t args[2] = {self, u32v(5)};
  wt_cval_t r = call_in(&g, api, "[method]counter.add", args, 2, 1);
  cr_assert_eq(r.kind, WT_CVAL_U32);
  cr_assert_eq(r.of.u32, 15);
  cr_assert_eq(call_in(&g, api, "[method]counter.get", &self, 1, 1).of.u32,
               15);
  cr_assert_eq(call_in(&g, api, "double", &self, 1, 1).of.u32, 30);

  start = u32v(100);
  wt_cval_t d = call_in(&g, api, "[constructor]counter", &start, 1, 1);
  wt_cval_t two[2] = {self, d};
  two[1].kind = WT_CVAL_BORROW;
  wt_cval_t m = call_in(&g, api, "merge", two, 2, 1);
  cr_assert_eq(m.kind, WT_CVAL_OWN);
  wt_cval_t mb = m;
  mb.kind = WT_CVAL_BORROW;
  cr_assert_eq(call_in(&g, api, "[method]counter.get", &mb, 1, 1).of.u32, 115);

  cr_assert_eq(log.nlines, 0);
  OK(wt_resource_drop(g.store, &c));
  OK(wt_resource_drop(g.store, &d));
  OK(wt_resource_drop(g.store, &m));
  cr_assert_eq(log.nlines, 3);
  cr_assert_str_eq(log.lines[0], "drop counter 15");
  cr_assert_str_eq(log.lines[1], "drop counter 100");
  cr_assert_str_eq(log.lines[2], "drop counter 115");
  /* A dropped handle is stale. */
  wt_error_delete(EXPECT_KIND(wt_resource_drop(g.store, &c), WT_ERROR_MISUSE));
  guest_delete(&g);
}
