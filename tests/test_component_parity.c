/* What the reference bindings' component tests check that the other
 * component tests do not (docs/test-parity.md names the rows): every kind
 * of WIT value through a host function both ways, more than 16 flat
 * parameters, host results checked as arguments are, host resources in
 * every direction, duplicate and ill-formed linker names, exports that are
 * not functions, empty components, type items and their equality, and
 * serialized components in engines of other settings. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

/* ---- values ---- */

static wt_cval_t boolv(bool v) {
  return (wt_cval_t){.kind = WT_CVAL_BOOL, .of.boolean = v};
}
static wt_cval_t u32v(uint32_t v) {
  return (wt_cval_t){.kind = WT_CVAL_U32, .of.u32 = v};
}
static wt_cval_t u64v(uint64_t v) {
  return (wt_cval_t){.kind = WT_CVAL_U64, .of.u64 = v};
}
static wt_cval_t f32v(float v) {
  return (wt_cval_t){.kind = WT_CVAL_F32, .of.f32 = v};
}
static wt_cval_t f32bits(uint32_t bits) {
  wt_cval_t v = {.kind = WT_CVAL_F32};
  memcpy(&v.of.f32, &bits, sizeof bits);
  return v;
}
static wt_cval_t f64bits(uint64_t bits) {
  wt_cval_t v = {.kind = WT_CVAL_F64};
  memcpy(&v.of.f64, &bits, sizeof bits);
  return v;
}
static wt_cval_t charv(uint32_t c) {
  return (wt_cval_t){.kind = WT_CVAL_CHAR, .of.ch = c};
}
static wt_cval_t strn(const char *s, size_t len) {
  return (wt_cval_t){.kind = WT_CVAL_STRING, .of.str = {s, len}};
}
static wt_cval_t strv(const char *s) { return strn(s, strlen(s)); }
static wt_cval_t bytesv(const char *s, size_t len) {
  return (wt_cval_t){.kind = WT_CVAL_BYTES, .of.bytes = {s, len}};
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

/* Whether two values are the same value; floats compare by their bits, so
 * NaN equals the same NaN and -0.0 differs from 0.0. */
static bool cval_equal(const wt_cval_t *a, const wt_cval_t *b) {
  if (a->kind != b->kind)
    return false;
  switch (a->kind) {
  case WT_CVAL_BOOL:
    return a->of.boolean == b->of.boolean;
  case WT_CVAL_S8:
    return a->of.s8 == b->of.s8;
  case WT_CVAL_U8:
    return a->of.u8 == b->of.u8;
  case WT_CVAL_S16:
    return a->of.s16 == b->of.s16;
  case WT_CVAL_U16:
    return a->of.u16 == b->of.u16;
  case WT_CVAL_S32:
    return a->of.s32 == b->of.s32;
  case WT_CVAL_U32:
    return a->of.u32 == b->of.u32;
  case WT_CVAL_S64:
    return a->of.s64 == b->of.s64;
  case WT_CVAL_U64:
    return a->of.u64 == b->of.u64;
  case WT_CVAL_F32:
    return memcmp(&a->of.f32, &b->of.f32, sizeof a->of.f32) == 0;
  case WT_CVAL_F64:
    return memcmp(&a->of.f64, &b->of.f64, sizeof a->of.f64) == 0;
  case WT_CVAL_CHAR:
    return a->of.ch == b->of.ch;
  case WT_CVAL_FLAGS:
    return a->of.flags == b->of.flags;
  case WT_CVAL_STRING:
  case WT_CVAL_BYTES:
    return a->of.str.len == b->of.str.len &&
           (a->of.str.len == 0 ||
            memcmp(a->of.str.data, b->of.str.data, a->of.str.len) == 0);
  case WT_CVAL_LIST:
  case WT_CVAL_RECORD:
  case WT_CVAL_TUPLE:
  case WT_CVAL_MAP:
    if (a->of.items.len != b->of.items.len)
      return false;
    for (size_t i = 0; i < a->of.items.len; i++)
      if (!cval_equal(&a->of.items.items[i], &b->of.items.items[i]))
        return false;
    return true;
  case WT_CVAL_ENUM:
  case WT_CVAL_OPTION:
  case WT_CVAL_RESULT:
  case WT_CVAL_VARIANT:
    if (a->of.choice.index != b->of.choice.index)
      return false;
    if (!a->of.choice.payload || !b->of.choice.payload)
      return a->of.choice.payload == b->of.choice.payload;
    return cval_equal(a->of.choice.payload, b->of.choice.payload);
  default:
    return false;
  }
}

/* A short text of a value, for failure messages. */
static size_t cval_text(const wt_cval_t *v, char *buf, size_t cap) {
  size_t at = 0;
#define PUT(...)                                                               \
  do {                                                                         \
    int n_ = snprintf(buf + at, at < cap ? cap - at : 0, __VA_ARGS__);         \
    at += n_ > 0 ? (size_t)n_ : 0;                                             \
  } while (0)
#define SUB(val)                                                               \
  at += cval_text((val), buf + (at < cap ? at : cap), at < cap ? cap - at : 0)
  switch (v->kind) {
  case WT_CVAL_BOOL:
    PUT("%s", v->of.boolean ? "true" : "false");
    break;
  case WT_CVAL_S8:
  case WT_CVAL_S16:
  case WT_CVAL_S32:
  case WT_CVAL_S64:
    PUT("%lld", (long long)(v->kind == WT_CVAL_S8    ? v->of.s8
                            : v->kind == WT_CVAL_S16 ? v->of.s16
                            : v->kind == WT_CVAL_S32 ? v->of.s32
                                                     : v->of.s64));
    break;
  case WT_CVAL_U8:
  case WT_CVAL_U16:
  case WT_CVAL_U32:
  case WT_CVAL_U64:
    PUT("%llu", (unsigned long long)(v->kind == WT_CVAL_U8    ? v->of.u8
                                     : v->kind == WT_CVAL_U16 ? v->of.u16
                                     : v->kind == WT_CVAL_U32 ? v->of.u32
                                                              : v->of.u64));
    break;
  case WT_CVAL_F32:
    PUT("%a", (double)v->of.f32);
    break;
  case WT_CVAL_F64:
    PUT("%a", v->of.f64);
    break;
  case WT_CVAL_CHAR:
    PUT("U+%04X", (unsigned)v->of.ch);
    break;
  case WT_CVAL_FLAGS:
    PUT("flags 0x%x", (unsigned)v->of.flags);
    break;
  case WT_CVAL_STRING:
  case WT_CVAL_BYTES:
    PUT("\"%.*s\"(%zu)", (int)(v->of.str.len > 40 ? 40 : v->of.str.len),
        v->of.str.data ? v->of.str.data : "", v->of.str.len);
    break;
  case WT_CVAL_LIST:
  case WT_CVAL_RECORD:
  case WT_CVAL_TUPLE:
  case WT_CVAL_MAP:
    PUT("%s[", wt_cvalkind_name(v->kind));
    for (size_t i = 0; i < v->of.items.len; i++) {
      if (i)
        PUT(", ");
      SUB(&v->of.items.items[i]);
    }
    PUT("]");
    break;
  case WT_CVAL_ENUM:
  case WT_CVAL_OPTION:
  case WT_CVAL_RESULT:
  case WT_CVAL_VARIANT:
    PUT("%s case %u", wt_cvalkind_name(v->kind), (unsigned)v->of.choice.index);
    if (v->of.choice.payload) {
      PUT("(");
      SUB(v->of.choice.payload);
      PUT(")");
    }
    break;
  default:
    PUT("%s", wt_cvalkind_name(v->kind));
  }
#undef PUT
#undef SUB
  return at;
}

static const char *text_of(const wt_cval_t *v, char *buf, size_t cap) {
  cval_text(v, buf, cap);
  return buf;
}

/* ---- a host function between the caller and the guest ----
 *
 * The echo component for a WIT type T imports the host function
 * do(x: T) -> T at the root and exports call(x: T) -> T, whose core code
 * passes its flat parameters straight to do (with a return area when T
 * flattens to more than one value) and returns what do returned. So one
 * call lowers the argument into the guest, lifts it for the host, lowers
 * the host's result into the guest and lifts it for the caller. Strings
 * and lists travel through guest memory, allocated by a bump allocator
 * that fills fresh blocks with 0xde (stale bytes would show) and grows the
 * memory as needed; it traps if Wasmtime ever asks it to reallocate. T is
 * bound to a name by a type import with an equality bound, as records,
 * variants, enums and flags must be. */

/* The guest's allocator: memory, and realloc(old, old_size, align, size). */
#define LIBC_MODULE                                                            \
  "  (core module $libc\n"                                                     \
  "    (memory (export \"mem\") 1)\n"                                          \
  "    (global $next (mut i32) (i32.const 1024))\n"                            \
  "    (func (export \"realloc\") (param i32 i32 i32 i32) (result i32)\n"      \
  "      (local $p i32) (local $end i32)\n"                                    \
  "      (if (local.get 0) (then unreachable))\n"                              \
  "      (local.set $p (i32.and\n"                                             \
  "        (i32.add (global.get $next)\n"                                      \
  "                 (i32.sub (local.get 2) (i32.const 1)))\n"                  \
  "        (i32.sub (i32.const 0) (local.get 2))))\n"                          \
  "      (local.set $end (i32.add (local.get $p) (local.get 3)))\n"            \
  "      (if (i32.gt_u (local.get $end)\n"                                     \
  "                    (i32.shl (memory.size) (i32.const 16)))\n"              \
  "        (then (if (i32.eq (i32.const -1) (memory.grow (i32.sub\n"           \
  "                    (i32.shr_u\n"                                         \
  "                      (i32.add (local.get $end) (i32.const 65535))\n"      \
  "                      (i32.const 16))\n"                                    \
  "                    (memory.size))))\n"                                     \
  "                (then unreachable))))\n"                                    \
  "      (memory.fill (local.get $p) (i32.const 0xde) (local.get 3))\n"        \
  "      (global.set $next (local.get $end))\n"                                \
  "      (local.get $p)))\n"                                                   \
  "  (core instance $libc (instantiate $libc))\n"                              \
  "  (alias core export $libc \"mem\" (core memory $mem))\n"                   \
  "  (alias core export $libc \"realloc\" (core func $realloc))\n"

/* The echo component of `type` (WAT) whose flat form is `flat` (core value
 * types separated by spaces); malloc()ed. */
static char *echo_wat(const char *type, const char *flat) {
  size_t nflat = 0;
  for (const char *p = flat; *p;) {
    while (*p == ' ')
      p++;
    if (!*p)
      break;
    nflat++;
    while (*p && *p != ' ')
      p++;
  }
  cr_assert_gt(nflat, 0);
  bool retptr = nflat > 1;
  char gets[512] = "";
  size_t at = 0;
  for (size_t i = 0; i < nflat; i++)
    at += (size_t)snprintf(gets + at, sizeof gets - at, "(local.get %zu) ", i);
  cr_assert_lt(at, sizeof gets);
  size_t cap = 8192 + strlen(type) + 4 * strlen(flat);
  char *wat = malloc(cap);
  cr_assert_not_null(wat);
  int n = snprintf(
      wat, cap,
      "(component\n" LIBC_MODULE
      "  (type $t0 %s)\n"
      "  (import \"t\" (type $t (eq $t0)))\n"
      "  (import \"do\" (func $do (param \"x\" $t) (result $t)))\n"
      "  (core func $do_l (canon lower (func $do) (memory $mem)"
      " (realloc $realloc)))\n"
      "  (core module $m\n"
      "    (import \"h\" \"do\" (func $do (param %s%s)%s%s%s))\n"
      "    (func (export \"call\") (param %s) (result %s)\n"
      "      %s%s(call $do)%s))\n"
      "  (core instance $i (instantiate $m\n"
      "    (with \"h\" (instance (export \"do\" (func $do_l))))))\n"
      "  (func (export \"call\") (param \"x\" $t) (result $t)\n"
      "    (canon lift (core func $i \"call\") (memory $mem)"
      " (realloc $realloc))))\n",
      type, flat, retptr ? " i32" : "", retptr ? "" : " (result ",
      retptr ? "" : flat, retptr ? "" : ")", flat, retptr ? "i32" : flat, gets,
      retptr ? "(i32.const 16) " : "", retptr ? " (i32.const 16)" : "");
  cr_assert_lt((size_t)n, cap);
  return wat;
}

/* What the host function saw and gives back. */
typedef struct echo_host {
  const wt_cval_t *expect; /* the argument the caller passes */
  const wt_cval_t *answer; /* what do() returns */
  int calls;
  int mismatches;
  char got[512]; /* the argument of the first mismatch */
} echo_host_t;

static wt_error_t *echo_do(void *env, wt_store_t *store, const wt_cval_t *args,
                           size_t nargs, wt_cval_t *results, size_t nresults,
                           wt_arena_t *arena) {
  echo_host_t *h = env;
  (void)store, (void)arena;
  h->calls++;
  if (nargs != 1 || nresults != 1 || !cval_equal(&args[0], h->expect)) {
    if (!h->mismatches++) {
      if (nargs == 1)
        text_of(&args[0], h->got, sizeof h->got);
      else
        snprintf(h->got, sizeof h->got, "%zu arguments, %zu results", nargs,
                 nresults);
    }
  }
  if (nresults == 1)
    results[0] = *h->answer;
  return NULL;
}

typedef struct echo {
  const char *type;
  wt_engine_t *engine;
  wt_component_t *component;
  wt_component_linker_t *linker;
  wt_store_t *store;
  wt_component_instance_t inst;
  wt_component_func_t call;
  wt_arena_t *arena;
  echo_host_t host;
} echo_t;

/* A new store with an instance of the echo component, and its call(). */
static void echo_renew_store(echo_t *e) {
  wt_store_delete(e->store);
  e->store = NULL;
  OK(wt_store_new(e->engine, NULL, NULL, &e->store));
  OK(wt_component_linker_instantiate(e->linker, e->store, e->component,
                                     &e->inst));
  OK(wt_component_instance_func(e->store, &e->inst, "call", &e->call));
}

/* The echo component of `type` in an engine of `config` (deleted here). */
static void echo_open_with(echo_t *e, const char *type, const char *flat,
                           wt_config_t *config) {
  memset(e, 0, sizeof *e);
  e->type = type;
  e->engine = engine_from(config);
  char *wat = echo_wat(type, flat);
  wt_error_t *err = wt_component_new_wat(e->engine, wat, &e->component);
  cr_assert_null(err, "echo component of %s: %s\n%s", type,
                 wt_error_message(err), wat);
  free(wat);
  OK(wt_component_linker_new(e->engine, &e->linker));
  OK(wt_component_linker_define_func(e->linker, NULL, "do", echo_do, &e->host,
                                     NULL));
  OK(wt_arena_new(&e->arena));
  echo_renew_store(e);
}

static void echo_open(echo_t *e, const char *type, const char *flat) {
  echo_open_with(e, type, flat, wt_config_new());
}

static void echo_close(echo_t *e) {
  wt_arena_delete(e->arena);
  wt_store_delete(e->store);
  wt_component_linker_delete(e->linker);
  wt_component_delete(e->component);
  wt_engine_delete(e->engine);
}

/* Calls call(arg): the host must see exactly `arg`, and the caller get
 * exactly `answer`. The result slot starts as a bool: its kind is not
 * read. */
static void echo_check(echo_t *e, wt_cval_t arg, wt_cval_t answer) {
  char want[512], got[512];
  e->host.expect = &arg;
  e->host.answer = &answer;
  e->host.mismatches = 0;
  int calls = e->host.calls;
  wt_cval_t out = boolv(true);
  wt_error_t *err =
      wt_component_func_call(e->store, &e->call, &arg, 1, &out, 1, e->arena);
  cr_assert_null(err, "%s: call(%s): %s", e->type,
                 text_of(&arg, want, sizeof want), wt_error_message(err));
  cr_assert_eq(e->host.calls, calls + 1, "%s: do() ran %d times", e->type,
               e->host.calls - calls);
  cr_assert_eq(e->host.mismatches, 0, "%s: the host got %s, expected %s",
               e->type, e->host.got, text_of(&arg, want, sizeof want));
  cr_assert(cval_equal(&out, &answer), "%s: the caller got %s, expected %s",
            e->type, text_of(&out, got, sizeof got),
            text_of(&answer, want, sizeof want));
}

/* Opens the echo component of `type`, checks each (argument, answer) pair
 * of `pairs` (2 * n values), and closes it. */
static void echo_pairs(const char *type, const char *flat,
                       const wt_cval_t *pairs, size_t n) {
  echo_t e;
  echo_open(&e, type, flat);
  for (size_t i = 0; i < n; i++)
    echo_check(&e, pairs[2 * i], pairs[2 * i + 1]);
  echo_close(&e);
}
#define ECHO(type, flat, ...)                                                  \
  do {                                                                         \
    const wt_cval_t pairs_[] = {__VA_ARGS__};                                  \
    echo_pairs((type), (flat), pairs_,                                         \
               sizeof pairs_ / sizeof pairs_[0] / 2);                          \
  } while (0)

/* ---- every primitive through a host function ---- */

/* The type of `x` in call() and in the import do(), as wt reflects them,
 * must have the kind of the values that cross: wt maps Wasmtime's value
 * numbering and its type numbering (which differ) onto one. */
static void expect_reflected_kind(echo_t *e, wt_cvalkind_t kind) {
  wt_cfunctype_t ft;
  OK(wt_component_func_type(e->store, &e->call, e->arena, &ft));
  cr_assert_eq(ft.nparams, 1);
  cr_assert_eq(ft.params[0].type->kind, kind, "%s: call's parameter is %s",
               e->type, wt_cvalkind_name(ft.params[0].type->kind));
  cr_assert_eq(ft.result->kind, kind, "%s: call's result is %s", e->type,
               wt_cvalkind_name(ft.result->kind));
  wt_ctype_t bare = {.kind = kind};
  cr_assert(wt_ctype_equal(ft.params[0].type, &bare), "%s", e->type);
  wt_citem_t imp;
  OK(wt_component_import(e->component, "do", e->arena, &imp));
  cr_assert_eq(imp.kind, WT_CITEM_FUNC);
  cr_assert_eq(imp.of.func.params[0].type->kind, kind, "%s: do's parameter",
               e->type);
  cr_assert_eq(imp.of.func.result->kind, kind, "%s: do's result", e->type);
  char text[32];
  wt_ctype_text(imp.of.func.result, text, sizeof text);
  cr_assert_str_eq(text, e->type);
}

static void echo_primitive(const char *type, const char *flat,
                           wt_cvalkind_t kind, const wt_cval_t *pairs,
                           size_t n) {
  echo_t e;
  echo_open(&e, type, flat);
  expect_reflected_kind(&e, kind);
  for (size_t i = 0; i < n; i++) {
    cr_assert_eq(pairs[2 * i].kind, kind);
    echo_check(&e, pairs[2 * i], pairs[2 * i + 1]);
  }
  echo_close(&e);
}
#define PRIM(type, flat, kind, ...)                                            \
  do {                                                                         \
    const wt_cval_t pairs_[] = {__VA_ARGS__};                                  \
    echo_primitive((type), (flat), (kind), pairs_,                             \
                   sizeof pairs_ / sizeof pairs_[0] / 2);                      \
  } while (0)

#define V(k, m, v) ((wt_cval_t){.kind = (k), .of.m = (v)})

Test(component_parity, every_primitive_through_a_host_function) {
  PRIM("bool", "i32", WT_CVAL_BOOL, boolv(true), boolv(false), boolv(false),
       boolv(true));
  PRIM("s8", "i32", WT_CVAL_S8, V(WT_CVAL_S8, s8, INT8_MIN),
       V(WT_CVAL_S8, s8, INT8_MAX), V(WT_CVAL_S8, s8, -1),
       V(WT_CVAL_S8, s8, 0), V(WT_CVAL_S8, s8, 42), V(WT_CVAL_S8, s8, -42));
  PRIM("u8", "i32", WT_CVAL_U8, V(WT_CVAL_U8, u8, 0),
       V(WT_CVAL_U8, u8, UINT8_MAX), V(WT_CVAL_U8, u8, 255),
       V(WT_CVAL_U8, u8, 1));
  PRIM("s16", "i32", WT_CVAL_S16, V(WT_CVAL_S16, s16, INT16_MIN),
       V(WT_CVAL_S16, s16, INT16_MAX), V(WT_CVAL_S16, s16, -1),
       V(WT_CVAL_S16, s16, 1));
  PRIM("u16", "i32", WT_CVAL_U16, V(WT_CVAL_U16, u16, 0),
       V(WT_CVAL_U16, u16, UINT16_MAX), V(WT_CVAL_U16, u16, 65535),
       V(WT_CVAL_U16, u16, 42));
  PRIM("s32", "i32", WT_CVAL_S32, V(WT_CVAL_S32, s32, INT32_MIN),
       V(WT_CVAL_S32, s32, INT32_MAX), V(WT_CVAL_S32, s32, -1),
       V(WT_CVAL_S32, s32, 0));
  PRIM("u32", "i32", WT_CVAL_U32, u32v(34), u32v(69), u32v(UINT32_MAX),
       u32v(0));
  PRIM("s64", "i64", WT_CVAL_S64, V(WT_CVAL_S64, s64, INT64_MIN),
       V(WT_CVAL_S64, s64, INT64_MAX), V(WT_CVAL_S64, s64, -1),
       V(WT_CVAL_S64, s64, 1));
  PRIM("u64", "i64", WT_CVAL_U64, u64v(0), u64v(UINT64_MAX),
       u64v(UINT64_MAX), u64v(1ull << 63));
  /* Floats keep their bits: signed zeros, infinities, the largest and
   * smallest values, and NaNs with payloads. */
  PRIM("f32", "f32", WT_CVAL_F32, f32v(0.0f), f32v(1.0f), f32v(-1.0f),
       f32v(-0.0f), f32v(INFINITY), f32v(-INFINITY), f32v(FLT_MAX),
       f32v(FLT_TRUE_MIN), f32bits(0x7fc00000u), f32bits(0x7fc0beefu),
       f32bits(0xffc00001u), f32v(-FLT_MIN));
  PRIM("f64", "f64", WT_CVAL_F64, f64bits(0), f64bits(0x8000000000000000ull),
       f64bits(0x3ff0000000000000ull), f64bits(0xbff0000000000000ull),
       f64bits(0x7ff0000000000000ull), f64bits(0xfff0000000000000ull),
       f64bits(0x7fefffffffffffffull), f64bits(1),
       f64bits(0x7ff8000000000000ull), f64bits(0x7ff80000deadbeefull));
  /* chars: ASCII, the end of the BMP before the surrogates, the first
   * after them, and the largest scalar value. */
  PRIM("char", "i32", WT_CVAL_CHAR, charv('a'), charv(0x1f600),
       charv(0xd7ff), charv(0xe000), charv(0x10ffff), charv(0),
       charv(0xe9), charv(0xffff));
  static const char nul_inside[] = "h\xc3\xa9llo\0w\xf0\x9f\x98\x80rld";
  PRIM("string", "i32 i32", WT_CVAL_STRING, strv("hello from A!"),
       strv("hello from B!"), strv(""), strv("a"), strv("hello, world!"),
       strv(""), strn(nul_inside, sizeof nul_inside - 1),
       strv("\xe2\x9c\x93 \xf0\x9f\x98\x80"), strv("x"),
       strn(nul_inside, sizeof nul_inside - 1));
}

/* A long string each way, through guest memory that must grow. */
Test(component_parity, long_strings_through_a_host_function) {
  size_t n = 300000;
  char *in = malloc(n), *out = malloc(n);
  cr_assert(in && out);
  for (size_t i = 0; i < n; i++) {
    in[i] = (char)('a' + i % 26);
    out[i] = (char)('A' + i % 26);
  }
  echo_t e;
  echo_open(&e, "string", "i32 i32");
  for (int i = 0; i < 3; i++) {
    echo_check(&e, strn(in, n), strn(out, n / 2));
    echo_check(&e, strn(out, 7), strn(in, n));
    wt_arena_reset(e.arena);
  }
  echo_close(&e);
  free(in);
  free(out);
}

/* ---- composite values through a host function ---- */

Test(component_parity, lists_through_a_host_function) {
  wt_cval_t in3[3] = {u32v(1), u32v(2), u32v(3)};
  wt_cval_t out4[4] = {u32v(4), u32v(5), u32v(6), u32v(7)};
  wt_cval_t one[1] = {u32v(1)};
  wt_cval_t five[5] = {u32v(1), u32v(2), u32v(3), u32v(4), u32v(5)};
  ECHO("(list u32)", "i32 i32", itemsv(WT_CVAL_LIST, in3, 3),
       itemsv(WT_CVAL_LIST, out4, 4), itemsv(WT_CVAL_LIST, NULL, 0),
       itemsv(WT_CVAL_LIST, one, 1), itemsv(WT_CVAL_LIST, five, 5),
       itemsv(WT_CVAL_LIST, NULL, 0));
  /* list<u8> is one byte span each way, NUL and high bytes included. */
  ECHO("(list u8)", "i32 i32", bytesv("", 0), bytesv("a", 1),
       bytesv("hello, world!", 13), bytesv("\0\xff\x80z", 4),
       bytesv("\0\xff\x80z", 4), bytesv("", 0));
  /* list<string>, empty strings included. */
  wt_cval_t s3[3] = {strv(""), strv("a"), strv("h\xc3\xa9")};
  wt_cval_t s2[2] = {strv("x"), strv("")};
  ECHO("(list string)", "i32 i32", itemsv(WT_CVAL_LIST, s3, 3),
       itemsv(WT_CVAL_LIST, s2, 2), itemsv(WT_CVAL_LIST, NULL, 0),
       itemsv(WT_CVAL_LIST, s3, 3));
  /* list<list<string>>: lists in lists, empty ones at both depths. */
  wt_cval_t ab[2] = {strv("a"), strv("bc")}, empty_str[1] = {strv("")};
  wt_cval_t deep[1] = {strv("deep")};
  wt_cval_t outer_in[3] = {itemsv(WT_CVAL_LIST, NULL, 0),
                           itemsv(WT_CVAL_LIST, ab, 2),
                           itemsv(WT_CVAL_LIST, empty_str, 1)};
  wt_cval_t outer_out[2] = {itemsv(WT_CVAL_LIST, deep, 1),
                            itemsv(WT_CVAL_LIST, NULL, 0)};
  ECHO("(list (list string))", "i32 i32", itemsv(WT_CVAL_LIST, outer_in, 3),
       itemsv(WT_CVAL_LIST, outer_out, 2), itemsv(WT_CVAL_LIST, NULL, 0),
       itemsv(WT_CVAL_LIST, outer_in, 3));
}

Test(component_parity, nested_aggregates_through_a_host_function) {
  /* list<tuple<string, list<string>, option<result<u32, string>>>> */
  wt_cval_t tags[2] = {strv("math"), strv("")};
  wt_cval_t n7 = u32v(7), why = strv("why \xe2\x9c\x93");
  wt_cval_t ok7 = casev(WT_CVAL_RESULT, 0, &n7);
  wt_cval_t errwhy = casev(WT_CVAL_RESULT, 1, &why);
  wt_cval_t t0[3] = {strv("ada"), itemsv(WT_CVAL_LIST, tags, 2),
                     casev(WT_CVAL_OPTION, 1, &ok7)};
  wt_cval_t t1[3] = {strv(""), itemsv(WT_CVAL_LIST, NULL, 0),
                     casev(WT_CVAL_OPTION, 0, NULL)};
  wt_cval_t t2[3] = {strv("bob"), itemsv(WT_CVAL_LIST, tags + 1, 1),
                     casev(WT_CVAL_OPTION, 1, &errwhy)};
  wt_cval_t in[3] = {itemsv(WT_CVAL_TUPLE, t0, 3),
                     itemsv(WT_CVAL_TUPLE, t1, 3),
                     itemsv(WT_CVAL_TUPLE, t2, 3)};
  wt_cval_t out[2] = {itemsv(WT_CVAL_TUPLE, t2, 3),
                      itemsv(WT_CVAL_TUPLE, t0, 3)};
  ECHO("(list (tuple string (list string) (option (result u32 (error "
       "string)))))",
       "i32 i32", itemsv(WT_CVAL_LIST, in, 3), itemsv(WT_CVAL_LIST, out, 2),
       itemsv(WT_CVAL_LIST, out, 2), itemsv(WT_CVAL_LIST, NULL, 0));
}

Test(component_parity, records_and_tuples_through_a_host_function) {
  wt_cval_t r12[2] = {u64v(1), u64v(2)}, r34[2] = {u64v(3), u64v(4)};
  wt_cval_t rmax[2] = {u64v(UINT64_MAX), u64v(0)};
  ECHO("(record (field \"x\" u64) (field \"y\" u64))", "i64 i64",
       itemsv(WT_CVAL_RECORD, r12, 2), itemsv(WT_CVAL_RECORD, r34, 2),
       itemsv(WT_CVAL_RECORD, rmax, 2), itemsv(WT_CVAL_RECORD, r12, 2));
  wt_cval_t a0[2] = {u32v(0), boolv(false)}, a1[2] = {u32v(1), boolv(true)},
            a2[2] = {u32v(42), boolv(false)},
            a3[2] = {u32v(65535), boolv(true)};
  ECHO("(record (field \"a\" u32) (field \"b\" bool))", "i32 i32",
       itemsv(WT_CVAL_RECORD, a0, 2), itemsv(WT_CVAL_RECORD, a1, 2),
       itemsv(WT_CVAL_RECORD, a2, 2), itemsv(WT_CVAL_RECORD, a3, 2));
  wt_cval_t t123[3] = {u32v(1), u32v(2), u32v(3)};
  wt_cval_t t456[3] = {u32v(4), u32v(5), u32v(6)};
  ECHO("(tuple u32 u32 u32)", "i32 i32 i32", itemsv(WT_CVAL_TUPLE, t123, 3),
       itemsv(WT_CVAL_TUPLE, t456, 3));
  ECHO("(tuple u32 bool)", "i32 i32", itemsv(WT_CVAL_TUPLE, a0, 2),
       itemsv(WT_CVAL_TUPLE, a3, 2), itemsv(WT_CVAL_TUPLE, a1, 2),
       itemsv(WT_CVAL_TUPLE, a2, 2));
}

Test(component_parity, variants_and_enums_through_a_host_function) {
  /* A case of one payload type in, a case of another out (the result
   * switches to a payload that lives in guest memory). */
  wt_cval_t n123 = u32v(123), textt = strv("textt"), empty = strv("");
  ECHO("(variant (case \"aa\" u32) (case \"bb\" string))", "i32 i32 i32",
       casev(WT_CVAL_VARIANT, 0, &n123), casev(WT_CVAL_VARIANT, 1, &textt),
       casev(WT_CVAL_VARIANT, 1, &empty), casev(WT_CVAL_VARIANT, 0, &n123));
  /* Cases without payloads. */
  ECHO("(variant (case \"a\") (case \"b\"))", "i32",
       casev(WT_CVAL_VARIANT, 0, NULL), casev(WT_CVAL_VARIANT, 1, NULL),
       casev(WT_CVAL_VARIANT, 1, NULL), casev(WT_CVAL_VARIANT, 0, NULL));
  /* Payloads of the same kind of number are told apart by the case, and
   * payloads of different kinds share the flat slots. */
  wt_cval_t one = u32v(1), two = u64v(2), big = u64v(UINT64_MAX);
  ECHO("(variant (case \"a\" u32) (case \"b\" u64))", "i32 i64",
       casev(WT_CVAL_VARIANT, 0, &one), casev(WT_CVAL_VARIANT, 1, &two),
       casev(WT_CVAL_VARIANT, 1, &big), casev(WT_CVAL_VARIANT, 0, &one));
  wt_cval_t f2 = f32v(2.0f), fneg = f32bits(0x80000000u);
  ECHO("(variant (case \"a\" u32) (case \"b\" f32))", "i32 i32",
       casev(WT_CVAL_VARIANT, 0, &one), casev(WT_CVAL_VARIANT, 1, &f2),
       casev(WT_CVAL_VARIANT, 1, &fneg), casev(WT_CVAL_VARIANT, 0, &one));
  ECHO("(variant (case \"a\") (case \"b\" f32))", "i32 f32",
       casev(WT_CVAL_VARIANT, 0, NULL), casev(WT_CVAL_VARIANT, 1, &f2),
       casev(WT_CVAL_VARIANT, 1, &f2), casev(WT_CVAL_VARIANT, 0, NULL));
  ECHO("(enum \"aa\" \"bb\")", "i32", casev(WT_CVAL_ENUM, 0, NULL),
       casev(WT_CVAL_ENUM, 1, NULL));
  ECHO("(enum \"a\" \"b\" \"c\")", "i32", casev(WT_CVAL_ENUM, 0, NULL),
       casev(WT_CVAL_ENUM, 1, NULL), casev(WT_CVAL_ENUM, 1, NULL),
       casev(WT_CVAL_ENUM, 2, NULL), casev(WT_CVAL_ENUM, 2, NULL),
       casev(WT_CVAL_ENUM, 0, NULL));
}

Test(component_parity, options_and_results_through_a_host_function) {
  wt_cval_t n0 = u32v(0), n3 = u32v(3), n123 = u32v(123), n456 = u32v(456);
  /* some(0) is not none, and none goes in as well as out. */
  ECHO("(option u32)", "i32 i32", casev(WT_CVAL_OPTION, 1, &n123),
       casev(WT_CVAL_OPTION, 0, NULL), casev(WT_CVAL_OPTION, 0, NULL),
       casev(WT_CVAL_OPTION, 1, &n0), casev(WT_CVAL_OPTION, 1, &n0),
       casev(WT_CVAL_OPTION, 1, &n3));
  /* some(none) is not none. */
  wt_cval_t none = casev(WT_CVAL_OPTION, 0, NULL);
  wt_cval_t some7 = casev(WT_CVAL_OPTION, 1, (wt_cval_t[]){u32v(7)});
  ECHO("(option (option u32))", "i32 i32 i32",
       casev(WT_CVAL_OPTION, 1, &none), casev(WT_CVAL_OPTION, 0, NULL),
       casev(WT_CVAL_OPTION, 0, NULL), casev(WT_CVAL_OPTION, 1, &some7),
       casev(WT_CVAL_OPTION, 1, &some7), casev(WT_CVAL_OPTION, 1, &none));
  ECHO("(result u32 (error u32))", "i32 i32", casev(WT_CVAL_RESULT, 0, &n123),
       casev(WT_CVAL_RESULT, 1, &n456), casev(WT_CVAL_RESULT, 1, &n0),
       casev(WT_CVAL_RESULT, 0, &n0));
  wt_cval_t f1 = f32v(1.0f);
  ECHO("(result u32 (error f32))", "i32 i32", casev(WT_CVAL_RESULT, 0, &n3),
       casev(WT_CVAL_RESULT, 1, &f1), casev(WT_CVAL_RESULT, 1, &f1),
       casev(WT_CVAL_RESULT, 0, &n3));
  ECHO("(result u32)", "i32 i32", casev(WT_CVAL_RESULT, 0, &n3),
       casev(WT_CVAL_RESULT, 1, NULL), casev(WT_CVAL_RESULT, 1, NULL),
       casev(WT_CVAL_RESULT, 0, &n3));
  wt_cval_t f3 = f32v(3.0f);
  ECHO("(result (error f32))", "i32 f32", casev(WT_CVAL_RESULT, 1, &f3),
       casev(WT_CVAL_RESULT, 0, NULL), casev(WT_CVAL_RESULT, 0, NULL),
       casev(WT_CVAL_RESULT, 1, &f3));
  ECHO("(result)", "i32", casev(WT_CVAL_RESULT, 0, NULL),
       casev(WT_CVAL_RESULT, 1, NULL), casev(WT_CVAL_RESULT, 1, NULL),
       casev(WT_CVAL_RESULT, 0, NULL));
}

static void echo_refuses(echo_t *e, wt_cval_t arg, wt_cval_t answer,
                         const char *needle);

Test(component_parity, maps_through_a_host_function) {
  /* Keys and values alternate; the host answers with another map. */
  wt_cval_t in[4] = {strv("one"), u32v(1), strv("two"), u32v(2)};
  wt_cval_t out[2] = {strv("three \xe2\x9c\x93"), u32v(3)};
  wt_cval_t zero[2] = {strv(""), u32v(0)};
  wt_cval_t maps[] = {
      itemsv(WT_CVAL_MAP, in, 4),   itemsv(WT_CVAL_MAP, out, 2),
      itemsv(WT_CVAL_MAP, NULL, 0), itemsv(WT_CVAL_MAP, zero, 2),
      itemsv(WT_CVAL_MAP, zero, 2), itemsv(WT_CVAL_MAP, NULL, 0),
  };
  wt_config_t *config = wt_config_new();
  cr_assert(wt_config_set_wasm_component_model_map(config, true));
  echo_t e;
  echo_open_with(&e, "(map string u32)", "i32 i32", config);
  wt_cfunctype_t ft;
  OK(wt_component_func_type(e.store, &e.call, e.arena, &ft));
  cr_assert_eq(ft.params[0].type->kind, WT_CVAL_MAP);
  cr_assert_eq(ft.params[0].type->key->kind, WT_CVAL_STRING);
  cr_assert_eq(ft.params[0].type->value->kind, WT_CVAL_U32);
  for (size_t i = 0; i < 3; i++)
    echo_check(&e, maps[2 * i], maps[2 * i + 1]);
  /* A host result with a key left without its value is refused. */
  echo_refuses(&e, itemsv(WT_CVAL_MAP, NULL, 0), itemsv(WT_CVAL_MAP, in, 3),
               "host function do: result 0: a map has keys and values "
               "alternating, so an even number of items, got 3");
  echo_close(&e);
  /* Maps of lists of strings. */
  wt_cval_t ab[2] = {strv("a"), strv("b")};
  wt_cval_t nested[4] = {u32v(7), itemsv(WT_CVAL_LIST, ab, 2), u32v(0),
                         itemsv(WT_CVAL_LIST, NULL, 0)};
  config = wt_config_new();
  cr_assert(wt_config_set_wasm_component_model_map(config, true));
  echo_open_with(&e, "(map u32 (list string))", "i32 i32", config);
  echo_check(&e, itemsv(WT_CVAL_MAP, nested, 4),
             itemsv(WT_CVAL_MAP, nested + 2, 2));
  echo_close(&e);
}

Test(component_parity, flags_through_a_host_function) {
  /* {aa} in, {aa, bb} out; the empty set both ways. */
  ECHO("(flags \"aa\" \"bb\")", "i32", flagsv(1), flagsv(3), flagsv(0),
       flagsv(2), flagsv(3), flagsv(0));
  ECHO("(flags \"a\" \"b\" \"c\")", "i32", flagsv(1), flagsv(2), flagsv(4),
       flagsv(3), flagsv(5), flagsv(6));
  char type[1024];
  int at = snprintf(type, sizeof type, "(flags");
  for (int i = 0; i < 32; i++)
    at += snprintf(type + at, sizeof type - (size_t)at, " \"f%d\"", i);
  snprintf(type + at, sizeof type - (size_t)at, ")");
  ECHO(type, "i32", flagsv(0x80000001u), flagsv(0x7ffffffeu),
       flagsv(0xffffffffu), flagsv(0), flagsv(0), flagsv(0xffffffffu));
}

/* ---- flat parameter limits ---- */

/* sum(p0: T, ..., p<n-1>: T) -> T, imported from the host and exported:
 * up to 16 parameters are passed flat; with 17 the core functions take one
 * pointer to the parameters in guest memory instead, which call passes on
 * to do. */
static char *sum_wat(int n, const char *type, const char *core) {
  char params[2048] = "", cparams[1024] = "", gets[1024] = "";
  size_t p = 0, c = 0, g = 0;
  bool spilled = n > 16;
  for (int i = 0; i < n; i++) {
    p += (size_t)snprintf(params + p, sizeof params - p, " (param \"p%d\" %s)",
                          i, type);
    if (!spilled) {
      c += (size_t)snprintf(cparams + c, sizeof cparams - c, " %s", core);
      g += (size_t)snprintf(gets + g, sizeof gets - g, "(local.get %d) ", i);
    }
  }
  if (spilled) {
    snprintf(cparams, sizeof cparams, " i32");
    snprintf(gets, sizeof gets, "(local.get 0) ");
  }
  size_t cap = 16384;
  char *wat = malloc(cap);
  cr_assert_not_null(wat);
  int len = snprintf(
      wat, cap,
      "(component\n" LIBC_MODULE
      "  (import \"sum\" (func $sum%s (result %s)))\n"
      "  (core func $sum_l (canon lower (func $sum) (memory $mem)))\n"
      "  (core module $m\n"
      "    (import \"h\" \"sum\" (func $sum (param%s) (result %s)))\n"
      "    (func (export \"sum\") (param%s) (result %s) %s(call $sum)))\n"
      "  (core instance $i (instantiate $m\n"
      "    (with \"h\" (instance (export \"sum\" (func $sum_l))))))\n"
      "  (func (export \"sum\")%s (result %s)\n"
      "    (canon lift (core func $i \"sum\") (memory $mem)"
      " (realloc $realloc))))\n",
      params, type, cparams, core, cparams, core, gets, params, type);
  cr_assert_lt((size_t)len, cap);
  return wat;
}

typedef struct sum_host {
  int calls, bad;
  size_t nargs;
} sum_host_t;

/* Adds its arguments, which must be 1, 2, 3, ... of the result's kind. */
static wt_error_t *sum_cb(void *env, wt_store_t *store, const wt_cval_t *args,
                          size_t nargs, wt_cval_t *results, size_t nresults,
                          wt_arena_t *arena) {
  sum_host_t *h = env;
  (void)store, (void)arena, (void)nresults;
  h->calls++;
  h->nargs = nargs;
  uint64_t total = 0;
  wt_cvalkind_t kind = nargs ? args[0].kind : WT_CVAL_U32;
  for (size_t i = 0; i < nargs; i++) {
    uint64_t v = args[i].kind == WT_CVAL_U64 ? args[i].of.u64 : args[i].of.u32;
    if (args[i].kind != kind || v != i + 1)
      h->bad++;
    total += v;
  }
  results[0].kind = kind;
  if (kind == WT_CVAL_U64)
    results[0].of.u64 = total << 40;
  else
    results[0].of.u32 = (uint32_t)total;
  return NULL;
}

static void sum_check(int n, const char *type, const char *core,
                      wt_cvalkind_t kind) {
  wt_engine_t *engine = engine_from(wt_config_new());
  char *wat = sum_wat(n, type, core);
  wt_component_t *c = NULL;
  wt_error_t *err = wt_component_new_wat(engine, wat, &c);
  cr_assert_null(err, "%d %s parameters: %s", n, type, wt_error_message(err));
  free(wat);
  sum_host_t h = {0};
  wt_component_linker_t *l;
  OK(wt_component_linker_new(engine, &l));
  OK(wt_component_linker_define_func(l, NULL, "sum", sum_cb, &h, NULL));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_component_instance_t inst;
  OK(wt_component_linker_instantiate(l, store, c, &inst));
  wt_cval_t args[32], r = {0};
  for (int i = 0; i < n; i++) {
    args[i].kind = kind;
    if (kind == WT_CVAL_U64)
      args[i].of.u64 = (uint64_t)i + 1;
    else
      args[i].of.u32 = (uint32_t)i + 1;
  }
  OK(wt_component_instance_call(store, &inst, "sum", args, (size_t)n, &r, 1,
                                NULL));
  uint64_t total = (uint64_t)n * (uint64_t)(n + 1) / 2;
  cr_assert_eq(h.calls, 1);
  cr_assert_eq(h.nargs, (size_t)n);
  cr_assert_eq(h.bad, 0, "%d of %d arguments reached the host wrong", h.bad,
               n);
  cr_assert_eq(r.kind, kind);
  if (kind == WT_CVAL_U64)
    cr_assert_eq(r.of.u64, total << 40);
  else
    cr_assert_eq(r.of.u32, total);
  /* One argument short is refused before any wasm runs. */
  EXPECT_ERROR(wt_component_instance_call(store, &inst, "sum", args,
                                          (size_t)n - 1, &r, 1, NULL),
               WT_ERROR_MISUSE, "wt_component_instance_call: got ");
  cr_assert_eq(h.calls, 1);
  wt_store_delete(store);
  wt_component_linker_delete(l);
  wt_component_delete(c);
  wt_engine_delete(engine);
}

Test(component_parity, sixteen_flat_parameters_and_seventeen_spilled) {
  sum_check(16, "u64", "i64", WT_CVAL_U64);
  sum_check(16, "u32", "i32", WT_CVAL_U32);
  sum_check(17, "u32", "i32", WT_CVAL_U32);
  sum_check(30, "u64", "i64", WT_CVAL_U64);
}

/* ---- host results are checked as arguments are ---- */

/* The host returns a value that does not fit the type: the call fails with
 * a misuse error naming the host function and the place, the guest never
 * sees the value, and a new store works again. */
static void echo_refuses(echo_t *e, wt_cval_t arg, wt_cval_t answer,
                         const char *needle) {
  e->host.expect = &arg;
  e->host.answer = &answer;
  e->host.mismatches = 0;
  int calls = e->host.calls;
  wt_cval_t out = {0};
  wt_error_t *err =
      wt_component_func_call(e->store, &e->call, &arg, 1, &out, 1, e->arena);
  cr_assert_not_null(err, "%s: a bad host result was accepted", e->type);
  cr_assert_eq(wt_error_kind(err), WT_ERROR_MISUSE, "%s: %s: %s", e->type,
               wt_error_kind_name(wt_error_kind(err)), wt_error_message(err));
  cr_assert(strstr(wt_error_message(err), needle), "%s: \"%s\" lacks \"%s\"",
            e->type, wt_error_message(err), needle);
  wt_error_delete(err);
  cr_assert_eq(e->host.calls, calls + 1);
  cr_assert_eq(e->host.mismatches, 0, "%s: the host got %s", e->type,
               e->host.got);
  cr_assert_eq(out.kind, 0, "%s: a result was written on failure", e->type);
  echo_renew_store(e);
  echo_check(e, arg, arg);
}

Test(component_parity, host_results_are_checked_as_arguments_are) {
  echo_t e;
  echo_open(&e, "string", "i32 i32");
  echo_refuses(&e, strv("ok"), strn("\xff", 1),
               "host function do: result 0: string is not valid UTF-8");
  echo_refuses(&e, strv("ok"), strn("a\xed\xa0\x80", 4),
               "string is not valid UTF-8");
  echo_refuses(&e, strv("ok"), strn(NULL, 3),
               "host function do: result 0: string data is NULL");
  echo_close(&e);

  echo_open(&e, "char", "i32");
  echo_refuses(&e, charv('a'), charv(0xd800),
               "host function do: result 0: char U+D800 is not a Unicode "
               "scalar value");
  echo_refuses(&e, charv('a'), charv(0x110000), "not a Unicode scalar value");
  echo_close(&e);

  echo_open(&e, "(enum \"a\" \"b\")", "i32");
  echo_refuses(&e, casev(WT_CVAL_ENUM, 1, NULL), casev(WT_CVAL_ENUM, 2, NULL),
               "host function do: result 0: enum case 2 is unknown");
  echo_close(&e);

  echo_open(&e, "(flags \"a\" \"b\")", "i32");
  echo_refuses(&e, flagsv(1), flagsv(4),
               "host function do: result 0: flags 0x4 set a bit above the 2 "
               "flags of the type");
  echo_close(&e);

  wt_cval_t n = u32v(1), bad = strn("\xc0\x80", 2);
  echo_open(&e, "(variant (case \"a\") (case \"b\" u32) (case \"c\" string))",
            "i32 i32 i32");
  echo_refuses(&e, casev(WT_CVAL_VARIANT, 1, &n),
               casev(WT_CVAL_VARIANT, 1, NULL),
               "host function do: result 0, case b: payload is NULL");
  echo_refuses(&e, casev(WT_CVAL_VARIANT, 0, NULL),
               casev(WT_CVAL_VARIANT, 0, &n),
               "host function do: result 0, case a: the case has no payload");
  echo_refuses(&e, casev(WT_CVAL_VARIANT, 0, NULL),
               casev(WT_CVAL_VARIANT, 2, &bad),
               "host function do: result 0, case c: string is not valid "
               "UTF-8");
  echo_refuses(&e, casev(WT_CVAL_VARIANT, 0, NULL),
               casev(WT_CVAL_VARIANT, 3, NULL), "variant case 3 is unknown");
  echo_close(&e);

  wt_cval_t xs[2] = {u32v(1), strv("x")};
  echo_open(&e, "(list u32)", "i32 i32");
  echo_refuses(&e, itemsv(WT_CVAL_LIST, NULL, 0),
               itemsv(WT_CVAL_LIST, NULL, 2),
               "host function do: result 0: items is NULL");
  echo_refuses(&e, itemsv(WT_CVAL_LIST, NULL, 0), itemsv(WT_CVAL_LIST, xs, 2),
               "host function do: result 0, element 1: expected u32, got "
               "string");
  echo_close(&e);

  wt_cval_t fields[2] = {u32v(1), boolv(true)};
  echo_open(&e, "(record (field \"a\" u32) (field \"b\" bool))", "i32 i32");
  echo_refuses(&e, itemsv(WT_CVAL_RECORD, fields, 2),
               itemsv(WT_CVAL_RECORD, fields, 1),
               "host function do: result 0: field b is missing");
  echo_refuses(&e, itemsv(WT_CVAL_RECORD, fields, 2),
               itemsv(WT_CVAL_TUPLE, fields, 2),
               "host function do: result 0: expected record, got tuple");
  echo_close(&e);

  wt_cval_t nested = strn("\x80", 1);
  echo_open(&e, "(option (result u32 (error string)))", "i32 i32 i32 i32");
  echo_refuses(&e, casev(WT_CVAL_OPTION, 0, NULL),
               casev(WT_CVAL_OPTION, 1,
                     (wt_cval_t[]){casev(WT_CVAL_RESULT, 1, &nested)}),
               "host function do: result 0, some, err: string is not valid "
               "UTF-8");
  echo_close(&e);
}

/* ---- calls without values ---- */

static wt_error_t *count_cb(void *env, wt_store_t *store, const wt_cval_t *args,
                            size_t nargs, wt_cval_t *results, size_t nresults,
                            wt_arena_t *arena) {
  (void)store, (void)args, (void)results, (void)arena;
  int *calls = env;
  if (nargs == 0 && nresults == 0)
    ++*calls;
  else
    *calls = -1000;
  return NULL;
}

Test(component_parity, host_function_without_parameters_or_results) {
  static const char *const wat =
      "(component\n"
      "  (import \"x\" (func $x))\n"
      "  (core module $a (import \"\" \"x\" (func))\n"
      "    (func (export \"x\") call 0))\n"
      "  (core func $x (canon lower (func $x)))\n"
      "  (core instance $a (instantiate $a\n"
      "    (with \"\" (instance (export \"x\" (func $x))))))\n"
      "  (func (export \"x\") (canon lift (core func $a \"x\"))))\n";
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_component_t *c;
  OK(wt_component_new_wat(engine, wat, &c));
  int calls = 0;
  wt_component_linker_t *l;
  OK(wt_component_linker_new(engine, &l));
  OK(wt_component_linker_define_func(l, NULL, "x", count_cb, &calls, NULL));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_component_instance_t inst;
  OK(wt_component_linker_instantiate(l, store, c, &inst));
  wt_component_func_t x;
  OK(wt_component_instance_func(store, &inst, "x", &x));
  for (int i = 1; i <= 3; i++) {
    OK(wt_component_func_call(store, &x, NULL, 0, NULL, 0, NULL));
    cr_assert_eq(calls, i);
  }
  wt_cval_t extra = u32v(1);
  EXPECT_ERROR(wt_component_func_call(store, &x, &extra, 1, NULL, 0, NULL),
               WT_ERROR_MISUSE,
               "wt_component_func_call: got 1 argument and 0 results for "
               "func()");
  cr_assert_eq(calls, 3);
  wt_store_delete(store);
  wt_component_linker_delete(l);
  wt_component_delete(c);
  wt_engine_delete(engine);
}

/* a() has no values, b(x: u32) traps unless x is 100 (so the value
 * arrives), c() returns 101, add(x, y) adds; all found by name after the
 * component's own exports were looked up. */
Test(component_parity, calls_with_and_without_arguments_and_results) {
  static const char *const wat =
      "(component\n"
      "  (core module $a\n"
      "    (func (export \"a\"))\n"
      "    (func (export \"b\") (param i32)\n"
      "      (if (i32.ne (local.get 0) (i32.const 100)) (then unreachable)))\n"
      "    (func (export \"c\") (result i32) (i32.const 101))\n"
      "    (func (export \"add\") (param i32 i32) (result i32)\n"
      "      (i32.add (local.get 0) (local.get 1))))\n"
      "  (core instance $a (instantiate $a))\n"
      "  (func (export \"a\") (canon lift (core func $a \"a\")))\n"
      "  (func (export \"b\") (param \"x\" u32) (canon lift (core func $a "
      "\"b\")))\n"
      "  (func (export \"c\") (result u32) (canon lift (core func $a \"c\")))\n"
      "  (func (export \"add\") (param \"x\" u32) (param \"y\" u32) (result "
      "u32)\n"
      "    (canon lift (core func $a \"add\"))))\n";
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_component_t *c;
  OK(wt_component_new_wat(engine, wat, &c));
  /* Before any instance: the component's exports by name. */
  wt_arena_t *arena;
  OK(wt_arena_new(&arena));
  wt_citem_t it;
  OK(wt_component_export(c, "add", arena, &it));
  cr_assert_eq(it.kind, WT_CITEM_FUNC);
  cr_assert_eq(it.of.func.nparams, 2);
  cr_assert_str_eq(it.of.func.params[1].name, "y");
  EXPECT_ERROR(wt_component_export(c, "ff", arena, &it), WT_ERROR_NOT_FOUND,
               "exports nothing named \"ff\"");
  wt_component_linker_t *l;
  OK(wt_component_linker_new(engine, &l));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_component_instance_t inst;
  OK(wt_component_linker_instantiate(l, store, c, &inst));
  wt_component_func_t a, b, cf, add;
  OK(wt_component_instance_func(store, &inst, "a", &a));
  OK(wt_component_instance_func(store, &inst, "b", &b));
  OK(wt_component_instance_func(store, &inst, "c", &cf));
  OK(wt_component_instance_func(store, &inst, "add", &add));
  EXPECT_ERROR(wt_component_instance_func(store, &inst, "ff", &a),
               WT_ERROR_NOT_FOUND, "no export \"ff\"");
  OK(wt_component_func_call(store, &a, NULL, 0, NULL, 0, NULL));
  wt_cval_t x = u32v(100);
  OK(wt_component_func_call(store, &b, &x, 1, NULL, 0, NULL));
  /* Result slots are written, whatever they held. */
  wt_cval_t r = boolv(true);
  OK(wt_component_func_call(store, &cf, NULL, 0, &r, 1, NULL));
  cr_assert_eq(r.kind, WT_CVAL_U32);
  cr_assert_eq(r.of.u32, 101);
  wt_cval_t xy[2] = {u32v(34), u32v(35)};
  r = boolv(false);
  OK(wt_component_func_call(store, &add, xy, 2, &r, 1, NULL));
  cr_assert_eq(r.kind, WT_CVAL_U32);
  cr_assert_eq(r.of.u32, 69);
  /* A missing argument, and a result slot for a function without one. */
  EXPECT_ERROR(wt_component_func_call(store, &b, NULL, 0, NULL, 0, NULL),
               WT_ERROR_MISUSE,
               "wt_component_func_call: got 0 arguments and 0 results for "
               "func(x: u32)");
  EXPECT_ERROR(wt_component_func_call(store, &a, NULL, 0, &r, 1, NULL),
               WT_ERROR_MISUSE, "got 0 arguments and 1 result for func()");
  /* 99 reaches the guest, which traps. */
  x = u32v(99);
  expect_trap(wt_component_func_call(store, &b, &x, 1, NULL, 0, NULL),
              WT_TRAP_UNREACHABLE);
  wt_store_delete(store);
  wt_component_linker_delete(l);
  wt_arena_delete(arena);
  wt_component_delete(c);
  wt_engine_delete(engine);
}

/* ---- host resources through host functions ---- */

/* The host resource t at the root with host functions mk() -> own<t>,
 * borrow(borrow<t>), own(own<t>) and f(own<t>) -> own<t>, each exported
 * again; the borrow export drops its borrow after lending it on. */
static const char *const resource_calls =
    "(component\n"
    "  (import \"t\" (type $t (sub resource)))\n"
    "  (import \"mk\" (func $mk (result (own $t))))\n"
    "  (import \"borrow\" (func $borrow (param \"t\" (borrow $t))))\n"
    "  (import \"own\" (func $own (param \"t\" (own $t))))\n"
    "  (import \"f\" (func $f (param \"x\" (own $t)) (result (own $t))))\n"
    "  (core func $mk_l (canon lower (func $mk)))\n"
    "  (core func $borrow_l (canon lower (func $borrow)))\n"
    "  (core func $own_l (canon lower (func $own)))\n"
    "  (core func $f_l (canon lower (func $f)))\n"
    "  (core func $drop (canon resource.drop $t))\n"
    "  (core module $a\n"
    "    (import \"\" \"mk\" (func $mk (result i32)))\n"
    "    (import \"\" \"borrow\" (func $borrow (param i32)))\n"
    "    (import \"\" \"own\" (func $own (param i32)))\n"
    "    (import \"\" \"f\" (func $f (param i32) (result i32)))\n"
    "    (import \"\" \"drop\" (func $drop (param i32)))\n"
    "    (func (export \"mk\") (result i32) (call $mk))\n"
    "    (func (export \"borrow\") (param i32)\n"
    "      (call $borrow (local.get 0)) (call $drop (local.get 0)))\n"
    "    (func (export \"own\") (param i32) (call $own (local.get 0)))\n"
    "    (func (export \"call\") (param i32) (result i32)\n"
    "      (call $f (local.get 0))))\n"
    "  (core instance $a (instantiate $a (with \"\" (instance\n"
    "    (export \"mk\" (func $mk_l)) (export \"borrow\" (func $borrow_l))\n"
    "    (export \"own\" (func $own_l)) (export \"f\" (func $f_l))\n"
    "    (export \"drop\" (func $drop))))))\n"
    "  (func (export \"mk\") (result (own $t)) (canon lift (core func $a "
    "\"mk\")))\n"
    "  (func (export \"borrow\") (param \"x\" (borrow $t))\n"
    "    (canon lift (core func $a \"borrow\")))\n"
    "  (func (export \"own\") (param \"x\" (own $t))\n"
    "    (canon lift (core func $a \"own\")))\n"
    "  (func (export \"call\") (param \"x\" (own $t)) (result (own $t))\n"
    "    (canon lift (core func $a \"call\"))))\n";

typedef struct res_host {
  wt_resource_type_t *type;
  int reps[4];            /* the resources' reps point here */
  int dtors[4];           /* destructor runs per rep */
  int bad;                /* arguments of the wrong kind or rep */
  int borrows, owns, fs;  /* calls */
  void *borrowed;         /* the rep borrow() saw last */
  void *owned;            /* the rep own() saw last */
  bool keep;              /* f() keeps its argument instead of dropping it */
  bool remake;            /* own() makes a resource of rep 0 and keeps it */
  wt_cval_t kept;         /* what f() or own() kept */
} res_host_t;

static void res_dtor(void *env, void *rep) {
  res_host_t *h = env;
  h->dtors[(int *)rep - h->reps]++;
}

static wt_error_t *res_mk(void *env, wt_store_t *store, const wt_cval_t *args,
                          size_t nargs, wt_cval_t *results, size_t nresults,
                          wt_arena_t *arena) {
  res_host_t *h = env;
  (void)args, (void)nargs, (void)nresults, (void)arena;
  return wt_resource_new(store, h->type, &h->reps[1], &results[0]);
}

static wt_error_t *res_borrow(void *env, wt_store_t *store,
                              const wt_cval_t *args, size_t nargs,
                              wt_cval_t *results, size_t nresults,
                              wt_arena_t *arena) {
  res_host_t *h = env;
  (void)nargs, (void)results, (void)nresults, (void)arena;
  h->borrows++;
  if (args[0].kind != WT_CVAL_BORROW)
    h->bad++;
  /* A borrow is not the host's to drop. */
  wt_error_t *err = wt_resource_drop(store, &args[0]);
  if (!err || wt_error_kind(err) != WT_ERROR_MISUSE)
    h->bad++;
  wt_error_delete(err);
  return wt_resource_rep(store, &args[0], h->type, &h->borrowed);
}

static wt_error_t *res_own(void *env, wt_store_t *store, const wt_cval_t *args,
                           size_t nargs, wt_cval_t *results, size_t nresults,
                           wt_arena_t *arena) {
  res_host_t *h = env;
  (void)nargs, (void)results, (void)nresults, (void)arena;
  h->owns++;
  if (args[0].kind != WT_CVAL_OWN)
    h->bad++;
  wt_error_t *err = wt_resource_rep(store, &args[0], h->type, &h->owned);
  if (err)
    return err;
  /* An own argument is the host's: it drops it. */
  err = wt_resource_drop(store, &args[0]);
  if (!err && h->remake)
    err = wt_resource_new(store, h->type, &h->reps[0], &h->kept);
  return err;
}

static wt_error_t *res_f(void *env, wt_store_t *store, const wt_cval_t *args,
                         size_t nargs, wt_cval_t *results, size_t nresults,
                         wt_arena_t *arena) {
  res_host_t *h = env;
  (void)nargs, (void)nresults, (void)arena;
  h->fs++;
  void *rep = NULL;
  wt_error_t *err = wt_resource_rep(store, &args[0], h->type, &rep);
  if (err)
    return err;
  if (args[0].kind != WT_CVAL_OWN || rep != &h->reps[2])
    h->bad++;
  if (h->keep)
    h->kept = args[0]; /* the host's, also once the call returns */
  else if ((err = wt_resource_drop(store, &args[0])) != NULL)
    return err;
  return wt_resource_new(store, h->type, &h->reps[3], &results[0]);
}

typedef struct res_fx {
  wt_engine_t *engine;
  wt_component_t *component;
  wt_component_linker_t *linker;
  wt_store_t *store;
  wt_component_instance_t inst;
} res_fx_t;

static void res_open(res_fx_t *x, res_host_t *h) {
  x->engine = engine_from(wt_config_new());
  OK(wt_resource_type_new("t", res_dtor, h, NULL, &h->type));
  OK(wt_component_new_wat(x->engine, resource_calls, &x->component));
  OK(wt_component_linker_new(x->engine, &x->linker));
  OK(wt_component_linker_define_resource(x->linker, NULL, "t", h->type));
  OK(wt_component_linker_define_func(x->linker, NULL, "mk", res_mk, h, NULL));
  OK(wt_component_linker_define_func(x->linker, NULL, "borrow", res_borrow, h,
                                     NULL));
  OK(wt_component_linker_define_func(x->linker, NULL, "own", res_own, h,
                                     NULL));
  OK(wt_component_linker_define_func(x->linker, NULL, "f", res_f, h, NULL));
  OK(wt_store_new(x->engine, NULL, NULL, &x->store));
  OK(wt_component_linker_instantiate(x->linker, x->store, x->component,
                                     &x->inst));
}

static void res_close(res_fx_t *x, res_host_t *h) {
  wt_store_delete(x->store);
  wt_component_linker_delete(x->linker);
  wt_component_delete(x->component);
  wt_resource_type_delete(h->type);
  wt_engine_delete(x->engine);
}

Test(component_parity, host_resources_through_host_functions) {
  res_host_t h = {0};
  res_fx_t x;
  res_open(&x, &h);
  wt_store_t *store = x.store;
  wt_component_instance_t inst = x.inst;

  /* A resource the host made in mk() comes out of the guest as an own of
   * the host's type. */
  wt_cval_t r1 = {0};
  OK(wt_component_instance_call(store, &inst, "mk", NULL, 0, &r1, 1, NULL));
  cr_assert_eq(r1.kind, WT_CVAL_OWN);
  void *rep = NULL;
  OK(wt_resource_rep(store, &r1, h.type, &rep));
  cr_assert_eq(rep, &h.reps[1]);
  /* Lent to borrow(): the host sees a borrow of it. */
  wt_cval_t b1 = r1;
  b1.kind = WT_CVAL_BORROW;
  OK(wt_component_instance_call(store, &inst, "borrow", &b1, 1, NULL, 0,
                                NULL));
  cr_assert_eq(h.borrowed, &h.reps[1]);
  /* A resource the caller made, lent the same way. */
  wt_cval_t r0;
  OK(wt_resource_new(store, h.type, &h.reps[0], &r0));
  wt_cval_t b0 = r0;
  b0.kind = WT_CVAL_BORROW;
  OK(wt_component_instance_call(store, &inst, "borrow", &b0, 1, NULL, 0,
                                NULL));
  cr_assert_eq(h.borrowed, &h.reps[0]);
  cr_assert_eq(h.borrows, 2);
  cr_assert_eq(h.dtors[0] + h.dtors[1], 0, "lending destroys nothing");
  /* Given to own(), through the guest: the host gets an own and drops
   * it, which runs the destructor; the caller's handle is stale. */
  OK(wt_component_instance_call(store, &inst, "own", &r1, 1, NULL, 0, NULL));
  cr_assert_eq(h.owned, &h.reps[1]);
  cr_assert_eq(h.dtors[1], 1);
  EXPECT_ERROR(wt_resource_rep(store, &r1, h.type, &rep), WT_ERROR_MISUSE,
               "wt_resource_rep: the resource handle is stale");
  OK(wt_component_instance_call(store, &inst, "own", &r0, 1, NULL, 0, NULL));
  cr_assert_eq(h.owned, &h.reps[0]);
  cr_assert_eq(h.dtors[0], 1);
  cr_assert_eq(h.owns, 2);
  /* f(own 2) -> own 3: the host gets the caller's resource back through
   * the guest and drops it, the caller gets a new one. */
  wt_cval_t r2, r3 = {0};
  OK(wt_resource_new(store, h.type, &h.reps[2], &r2));
  OK(wt_component_instance_call(store, &inst, "call", &r2, 1, &r3, 1, NULL));
  cr_assert_eq(h.fs, 1);
  cr_assert_eq(h.dtors[2], 1);
  cr_assert_eq(r3.kind, WT_CVAL_OWN);
  OK(wt_resource_rep(store, &r3, h.type, &rep));
  cr_assert_eq(rep, &h.reps[3]);
  cr_assert_eq(h.dtors[3], 0);
  /* Values that are not handles are refused before the guest runs. */
  wt_cval_t one = u32v(1);
  EXPECT_ERROR(wt_component_instance_call(store, &inst, "borrow", &one, 1,
                                          NULL, 0, NULL),
               WT_ERROR_MISUSE,
               "wt_component_instance_call: argument 0: expected borrow, got "
               "u32");
  EXPECT_ERROR(wt_component_instance_call(store, &inst, "own", &one, 1, NULL,
                                          0, NULL),
               WT_ERROR_MISUSE, "argument 0: expected own, got u32");
  cr_assert_eq(h.bad, 0);
  cr_assert_eq(h.borrows + h.owns + h.fs, 5);
  /* The own still held goes with the store, its destructor once. */
  wt_store_delete(store);
  x.store = NULL;
  cr_assert_eq(h.dtors[3], 1);
  for (int i = 0; i < 4; i++)
    cr_assert_eq(h.dtors[i], 1, "rep %d destroyed %d times", i, h.dtors[i]);
  res_close(&x, &h);
}

/* A host resource the caller gives to an export as an own, and that comes
 * back to the host inside that call as the own argument of a host function,
 * is the host's once the outer call returns; a new resource that reuses its
 * slot after the host function drops it is not taken for the given one. */
Test(component_parity,
     own_given_back_to_the_host_inside_a_call_stays_the_hosts) {
  res_host_t h = {.keep = true};
  res_fx_t x;
  res_open(&x, &h);
  wt_cval_t r2, r3 = {0};
  OK(wt_resource_new(x.store, h.type, &h.reps[2], &r2));
  OK(wt_component_instance_call(x.store, &x.inst, "call", &r2, 1, &r3, 1,
                                NULL));
  cr_assert_eq(h.bad, 0);
  cr_assert_eq(h.kept.kind, WT_CVAL_OWN);
  void *rep = NULL;
  OK(wt_resource_rep(x.store, &h.kept, h.type, &rep));
  cr_assert_eq(rep, &h.reps[2]);
  OK(wt_resource_drop(x.store, &h.kept));
  cr_assert_eq(h.dtors[2], 1, "the host's drop ran the destructor");
  /* own() drops what it got and makes rep 0, which may take the freed
   * slot: the new resource is the host's. */
  h.remake = true;
  wt_cval_t r1;
  OK(wt_resource_new(x.store, h.type, &h.reps[1], &r1));
  OK(wt_component_instance_call(x.store, &x.inst, "own", &r1, 1, NULL, 0,
                                NULL));
  cr_assert_eq(h.dtors[1], 1);
  OK(wt_resource_rep(x.store, &h.kept, h.type, &rep));
  cr_assert_eq(rep, &h.reps[0]);
  OK(wt_resource_drop(x.store, &h.kept));
  cr_assert_eq(h.dtors[0], 1);
  res_close(&x, &h);
}

/* drop(own<t>) drops a host resource in the guest. */
static const char *const resource_dropper =
    "(component\n"
    "  (import \"t\" (type $t (sub resource)))\n"
    "  (core func $drop (canon resource.drop $t))\n"
    "  (core module $a\n"
    "    (import \"\" \"drop\" (func $drop (param i32)))\n"
    "    (func (export \"drop\") (param i32) (call $drop (local.get 0))))\n"
    "  (core instance $a (instantiate $a\n"
    "    (with \"\" (instance (export \"drop\" (func $drop))))))\n"
    "  (func (export \"drop\") (param \"x\" (own $t))\n"
    "    (canon lift (core func $a \"drop\"))))\n";

typedef struct dtor_log {
  void *last;
  int runs;
  int finalized;
} dtor_log_t;

static void log_dtor(void *env, void *rep) {
  dtor_log_t *d = env;
  d->last = rep;
  d->runs++;
}

static void log_finalize(void *env) { ((dtor_log_t *)env)->finalized++; }

Test(component_parity, resource_types_are_told_apart_by_object) {
  /* Two host types of the same name are different types: wt's types are
   * objects, not numbers or names. */
  dtor_log_t d1 = {0}, d2 = {0};
  wt_resource_type_t *t1, *t2;
  OK(wt_resource_type_new("t", log_dtor, &d1, log_finalize, &t1));
  OK(wt_resource_type_new("t", log_dtor, &d2, log_finalize, &t2));
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_component_t *c;
  OK(wt_component_new_wat(engine, resource_dropper, &c));
  wt_component_linker_t *l;
  OK(wt_component_linker_new(engine, &l));
  OK(wt_component_linker_define_resource(l, NULL, "t", t1));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_component_instance_t inst;
  OK(wt_component_linker_instantiate(l, store, c, &inst));
  int a = 100, b = 200;
  wt_cval_t other, mine;
  OK(wt_resource_new(store, t2, &b, &other));
  EXPECT_ERROR(wt_component_instance_call(store, &inst, "drop", &other, 1,
                                          NULL, 0, NULL),
               WT_ERROR_MISUSE,
               "wt_component_instance_call: argument 0: the resource is a t, "
               "of another resource type than the own expected");
  cr_assert_eq(d2.runs, 0);
  /* The linker's own type: the guest drops it, the destructor gets its
   * rep, once. */
  OK(wt_resource_new(store, t1, &a, &mine));
  OK(wt_component_instance_call(store, &inst, "drop", &mine, 1, NULL, 0,
                                NULL));
  cr_assert_eq(d1.runs, 1);
  cr_assert_eq(d1.last, &a);
  /* The refused one is still the host's. */
  void *rep = NULL;
  OK(wt_resource_rep(store, &other, t2, &rep));
  cr_assert_eq(rep, &b);
  EXPECT_ERROR(wt_resource_rep(store, &other, t1, &rep), WT_ERROR_MISUSE,
               "wt_resource_rep: the resource is a t, not a t");
  wt_store_delete(store);
  cr_assert_eq(d2.runs, 1, "the store destroyed the other one");
  cr_assert_eq(d2.last, &b);
  cr_assert_eq(d1.runs, 1);
  wt_component_linker_delete(l);
  wt_component_delete(c);
  wt_resource_type_delete(t1);
  wt_resource_type_delete(t2);
  cr_assert_eq(d1.finalized, 1);
  cr_assert_eq(d2.finalized, 1);
  wt_engine_delete(engine);
}

Test(component_parity, host_handles_own_and_borrow) {
  dtor_log_t d = {0};
  wt_resource_type_t *t;
  OK(wt_resource_type_new("t", log_dtor, &d, log_finalize, &t));
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  int x = 42;
  wt_cval_t own;
  OK(wt_resource_new(store, t, &x, &own));
  cr_assert_eq(own.kind, WT_CVAL_OWN);
  wt_cval_t copy = own; /* a plain value: the same handle */
  void *rep = NULL;
  OK(wt_resource_rep(store, &copy, t, &rep));
  cr_assert_eq(rep, &x);
  /* A borrow the host makes of its own resource. */
  wt_cval_t borrow = own;
  borrow.kind = WT_CVAL_BORROW;
  rep = NULL;
  OK(wt_resource_rep(store, &borrow, t, &rep));
  cr_assert_eq(rep, &x);
  EXPECT_ERROR(wt_resource_drop(store, &borrow), WT_ERROR_MISUSE,
               "wt_resource_drop: expected own, got borrow");
  cr_assert_eq(d.runs, 0);
  OK(wt_resource_drop(store, &own));
  cr_assert_eq(d.runs, 1);
  cr_assert_eq(d.last, &x);
  /* Dropped: every copy and borrow of it is stale. */
  EXPECT_ERROR(wt_resource_drop(store, &copy), WT_ERROR_MISUSE,
               "wt_resource_drop: the resource handle is stale");
  EXPECT_ERROR(wt_resource_rep(store, &borrow, t, &rep), WT_ERROR_MISUSE,
               "wt_resource_rep: the resource handle is stale");
  wt_store_delete(store);
  cr_assert_eq(d.runs, 1);
  wt_resource_type_delete(t);
  cr_assert_eq(d.finalized, 1);
  wt_engine_delete(engine);
}

/* ---- linker names ---- */

static wt_error_t *nop_cb(void *env, wt_store_t *store, const wt_cval_t *args,
                          size_t nargs, wt_cval_t *results, size_t nresults,
                          wt_arena_t *arena) {
  (void)env, (void)store, (void)args, (void)nargs, (void)results,
      (void)nresults, (void)arena;
  return NULL;
}

static void count_finalize(void *env) { ++*(int *)env; }

Test(component_parity, duplicate_names_of_every_kind_of_definition) {
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_module_t *m = compile(engine, "(module)");
  dtor_log_t d = {0};
  wt_resource_type_t *t;
  OK(wt_resource_type_new("r", NULL, &d, log_finalize, &t));
  wt_component_linker_t *l;
  OK(wt_component_linker_new(engine, &l));
  int fin = 0;
  /* Core modules: two names, then one of them again. */
  OK(wt_component_linker_define_module(l, NULL, "x", m));
  OK(wt_component_linker_define_module(l, NULL, "y", m));
  EXPECT_ERROR(wt_component_linker_define_module(l, NULL, "x", m),
               WT_ERROR_LINK, "map entry `x` defined twice");
  /* Resources. */
  OK(wt_component_linker_define_resource(l, NULL, "r", t));
  EXPECT_ERROR(wt_component_linker_define_resource(l, NULL, "r", t),
               WT_ERROR_LINK, "map entry `r` defined twice");
  /* An instance is made once and opened again by later definitions, but
   * its name is taken for everything else... */
  OK(wt_component_linker_define_func(l, "inst", "f", nop_cb, &fin,
                                     count_finalize));
  OK(wt_component_linker_define_module(l, "inst", "m", m));
  OK(wt_component_linker_define_resource(l, "inst", "r", t));
  EXPECT_ERROR(wt_component_linker_define_func(l, NULL, "inst", nop_cb, &fin,
                                               count_finalize),
               WT_ERROR_LINK, "map entry `inst` defined twice");
  cr_assert_eq(fin, 1, "the refused definition was finalized at once");
  EXPECT_ERROR(wt_component_linker_define_module(l, NULL, "inst", m),
               WT_ERROR_LINK, "`inst` defined twice");
  EXPECT_ERROR(wt_component_linker_define_resource(l, NULL, "inst", t),
               WT_ERROR_LINK, "`inst` defined twice");
  /* ... and names inside it are taken as anywhere. */
  EXPECT_ERROR(wt_component_linker_define_module(l, "inst", "m", m),
               WT_ERROR_LINK, "map entry `m` defined twice");
  EXPECT_ERROR(wt_component_linker_define_func(l, "inst", "r", nop_cb, &fin,
                                               count_finalize),
               WT_ERROR_LINK, "map entry `r` defined twice");
  cr_assert_eq(fin, 2);
  /* A module or resource is not an instance to define in. */
  EXPECT_ERROR(wt_component_linker_define_func(l, "x", "f", nop_cb, &fin,
                                               count_finalize),
               WT_ERROR_LINK, "`x` defined twice");
  EXPECT_ERROR(wt_component_linker_define_module(l, "r", "m", m),
               WT_ERROR_LINK, "`r` defined twice");
  cr_assert_eq(fin, 3);
  /* With shadowing, the same definitions replace the old ones. */
  wt_component_linker_set_allow_shadowing(l, true);
  OK(wt_component_linker_define_module(l, NULL, "x", m));
  OK(wt_component_linker_define_resource(l, NULL, "r", t));
  OK(wt_component_linker_define_module(l, "inst", "m", m));
  wt_component_linker_set_allow_shadowing(l, false);
  EXPECT_ERROR(wt_component_linker_define_module(l, NULL, "y", m),
               WT_ERROR_LINK, "map entry `y` defined twice");
  wt_module_delete(m);
  wt_resource_type_delete(t);
  cr_assert_eq(d.finalized, 0, "the linker still holds the type");
  cr_assert_eq(fin, 3, "the linker still holds inst#f");
  wt_component_linker_delete(l);
  cr_assert_eq(d.finalized, 1, "every reference the linker took is gone");
  cr_assert_eq(fin, 4);
  wt_engine_delete(engine);
}

Test(component_parity, names_that_are_not_utf8_are_refused) {
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_module_t *m = compile(engine, "(module)");
  dtor_log_t d = {0};
  wt_resource_type_t *t;
  OK(wt_resource_type_new("r", NULL, &d, log_finalize, &t));
  wt_component_linker_t *l;
  OK(wt_component_linker_new(engine, &l));
  int fin = 0;
  EXPECT_ERROR(wt_component_linker_define_func(l, NULL, "\xff", nop_cb, &fin,
                                               count_finalize),
               WT_ERROR_MISUSE,
               "wt_component_linker_define_func: name is not valid UTF-8");
  cr_assert_eq(fin, 1, "the finalizer ran at once");
  EXPECT_ERROR(wt_component_linker_define_func(l, "\xff", "f", nop_cb, &fin,
                                               count_finalize),
               WT_ERROR_MISUSE,
               "wt_component_linker_define_func: instance is not valid UTF-8");
  cr_assert_eq(fin, 2);
  EXPECT_ERROR(wt_component_linker_define_module(l, NULL, "\xff", m),
               WT_ERROR_MISUSE,
               "wt_component_linker_define_module: name is not valid UTF-8");
  EXPECT_ERROR(wt_component_linker_define_module(l, "a\xc0\x80", "m", m),
               WT_ERROR_MISUSE,
               "wt_component_linker_define_module: instance is not valid "
               "UTF-8");
  EXPECT_ERROR(wt_component_linker_define_resource(l, NULL, "\xff", t),
               WT_ERROR_MISUSE,
               "wt_component_linker_define_resource: name is not valid UTF-8");
  EXPECT_ERROR(wt_component_linker_define_resource(l, "\xed\xb0\x80", "r", t),
               WT_ERROR_MISUSE,
               "wt_component_linker_define_resource: instance is not valid "
               "UTF-8");
  /* Nothing was defined: the names are all free. */
  OK(wt_component_linker_define_module(l, NULL, "m", m));
  OK(wt_component_linker_define_resource(l, NULL, "r", t));
  OK(wt_component_linker_define_func(l, NULL, "f", nop_cb, &fin,
                                     count_finalize));
  wt_component_linker_delete(l);
  cr_assert_eq(fin, 3);
  /* The refused resource definitions kept no reference to the type. */
  cr_assert_eq(d.finalized, 0);
  wt_resource_type_delete(t);
  cr_assert_eq(d.finalized, 1);
  wt_module_delete(m);
  wt_engine_delete(engine);
}

Test(component_parity, unknown_imports_of_two_instances_become_traps) {
  static const char *const wat =
      "(component\n"
      "  (import \"a:b/c\" (instance $c (export \"f\" (func (result u32)))))\n"
      "  (import \"a:b/d\" (instance $d (export \"g\" (func))))\n"
      "  (core func $f (canon lower (func $c \"f\")))\n"
      "  (core func $g (canon lower (func $d \"g\")))\n"
      "  (core module $m\n"
      "    (import \"\" \"f\" (func $f (result i32)))\n"
      "    (import \"\" \"g\" (func $g))\n"
      "    (func (export \"f\") (result i32) (call $f))\n"
      "    (func (export \"g\") (call $g))\n"
      "    (func (export \"h\") (result i32) (i32.const 7)))\n"
      "  (core instance $i (instantiate $m (with \"\" (instance\n"
      "    (export \"f\" (func $f)) (export \"g\" (func $g))))))\n"
      "  (func (export \"f\") (result u32) (canon lift (core func $i \"f\")))\n"
      "  (func (export \"g\") (canon lift (core func $i \"g\")))\n"
      "  (func (export \"h\") (result u32) (canon lift (core func $i "
      "\"h\"))))\n";
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_component_t *c;
  OK(wt_component_new_wat(engine, wat, &c));
  wt_component_linker_t *l;
  OK(wt_component_linker_new(engine, &l));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_component_instance_t inst = {0};
  EXPECT_ERROR(wt_component_linker_instantiate(l, store, c, &inst),
               WT_ERROR_LINK, "a:b/c");
  /* One instance defined: the other is still missing. */
  int fin = 0;
  OK(wt_component_linker_define_func(l, "a:b/c", "f", nop_cb, &fin,
                                     count_finalize));
  EXPECT_ERROR(wt_component_linker_instantiate(l, store, c, &inst),
               WT_ERROR_LINK, "a:b/d");
  wt_component_linker_delete(l);
  cr_assert_eq(fin, 1);
  OK(wt_component_linker_new(engine, &l));
  OK(wt_component_linker_define_unknown_imports_as_traps(l, c));
  OK(wt_component_linker_instantiate(l, store, c, &inst));
  wt_cval_t r = {0};
  OK(wt_component_instance_call(store, &inst, "h", NULL, 0, &r, 1, NULL));
  cr_assert_eq(r.of.u32, 7);
  wt_error_t *err =
      wt_component_instance_call(store, &inst, "g", NULL, 0, NULL, 0, NULL);
  wt_error_delete(EXPECT_KIND(err, WT_ERROR_TRAP));
  /* The stubs are definitions: defining the name again needs shadowing. */
  EXPECT_ERROR(wt_component_linker_define_func(l, "a:b/d", "g", nop_cb, &fin,
                                               count_finalize),
               WT_ERROR_LINK, "map entry `g` defined twice");
  cr_assert_eq(fin, 2);
  wt_store_delete(store);
  wt_component_linker_delete(l);
  wt_component_delete(c);
  wt_engine_delete(engine);
}

/* ---- components, instances and their exports ---- */

static const uint8_t empty_component[8] = {0, 'a', 's', 'm', 0x0d, 0, 1, 0};

Test(component_parity, one_byte_inputs_and_objects_that_are_not_engines) {
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_component_t *c = NULL;
  static const uint8_t inputs[][3] = {{0}, {1}, {'a'}, {'('}, {1, 2, 3}};
  static const size_t lens[] = {1, 1, 1, 1, 3};
  for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
    wt_error_delete(EXPECT_KIND(
        wt_component_new(engine, inputs[i], lens[i], &c), WT_ERROR_COMPILE));
    wt_error_delete(EXPECT_KIND(
        wt_component_validate(engine, inputs[i], lens[i]), WT_ERROR_COMPILE));
    cr_assert_null(c, "input %zu made a component", i);
  }
  /* A store or a component where the engine belongs. */
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  EXPECT_ERROR(wt_component_new((wt_engine_t *)store, empty_component, 8, &c),
               WT_ERROR_MISUSE, "wt_component_new: engine is NULL or deleted");
  wt_component_t *real;
  OK(wt_component_new(engine, empty_component, 8, &real));
  EXPECT_ERROR(wt_component_deserialize((wt_engine_t *)real, empty_component,
                                        8, &c),
               WT_ERROR_MISUSE,
               "wt_component_deserialize: engine is NULL or deleted");
  EXPECT_ERROR(wt_component_linker_new((wt_engine_t *)real, NULL),
               WT_ERROR_MISUSE,
               "wt_component_linker_new: engine is NULL or deleted");
  cr_assert_null(c);
  wt_component_delete(real);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

/* Instantiates `wat` in a new store through an empty linker. */
typedef struct live {
  wt_engine_t *engine;
  wt_component_t *component;
  wt_component_linker_t *linker;
  wt_store_t *store;
  wt_component_instance_t inst;
  wt_arena_t *arena;
} live_t;

static live_t live_of(const char *wat) {
  live_t v = {0};
  v.engine = engine_from(wt_config_new());
  OK(wt_component_new_wat(v.engine, wat, &v.component));
  OK(wt_component_linker_new(v.engine, &v.linker));
  OK(wt_store_new(v.engine, NULL, NULL, &v.store));
  OK(wt_component_linker_instantiate(v.linker, v.store, v.component, &v.inst));
  OK(wt_arena_new(&v.arena));
  return v;
}

static void live_free(live_t *v) {
  wt_arena_delete(v->arena);
  wt_store_delete(v->store);
  wt_component_linker_delete(v->linker);
  wt_component_delete(v->component);
  wt_engine_delete(v->engine);
}

Test(component_parity, empty_components_instantiate_and_export_nothing) {
  static const char *const wats[] = {"(component)",
                                     "(component (core module))",
                                     "(component (core module $m)"
                                     " (core instance (instantiate $m)))"};
  for (size_t i = 0; i < sizeof wats / sizeof wats[0]; i++) {
    live_t v = live_of(wats[i]);
    wt_component_func_t fn = {0};
    EXPECT_ERROR(wt_component_instance_func(v.store, &v.inst, "hello", &fn),
                 WT_ERROR_NOT_FOUND,
                 "wt_component_instance_func: no export \"hello\"");
    const char *path[] = {"hello", "f"};
    EXPECT_ERROR(
        wt_component_instance_func_path(v.store, &v.inst, path, 2, &fn),
        WT_ERROR_NOT_FOUND, "no export \"hello\"");
    EXPECT_ERROR(wt_component_instance_call(v.store, &v.inst, "", NULL, 0,
                                            NULL, 0, NULL),
                 WT_ERROR_NOT_FOUND, "no export \"\"");
    wt_citems_t items;
    OK(wt_component_exports(v.component, v.arena, &items));
    cr_assert_eq(items.len, 0);
    OK(wt_component_imports(v.component, v.arena, &items));
    cr_assert_eq(items.len, 0);
    wt_citem_t it;
    EXPECT_ERROR(wt_component_export(v.component, "foo", v.arena, &it),
                 WT_ERROR_NOT_FOUND, "exports nothing named \"foo\"");
    /* Several instances of it in one store. */
    wt_component_instance_t again;
    OK(wt_component_linker_instantiate(v.linker, v.store, v.component,
                                       &again));
    live_free(&v);
  }
}

/* A core module exported at the top and inside an exported instance, an
 * exported instance of instances, and a function at the end of a path. */
static const char *const not_functions =
    "(component\n"
    "  (core module $a (func (export \"seven\") (result i32) (i32.const 7)))\n"
    "  (core instance $ai (instantiate $a))\n"
    "  (func $seven (result u32) (canon lift (core func $ai \"seven\")))\n"
    "  (export \"foo\" (core module $a))\n"
    "  (instance $x (export \"m\" (core module $a)) (export \"f\" (func "
    "$seven)))\n"
    "  (export \"x\" (instance $x))\n"
    "  (instance $inner (export \"g\" (func $seven)))\n"
    "  (instance $outer (export \"inner\" (instance $inner))"
    " (export \"m\" (core module $a)))\n"
    "  (export \"outer\" (instance $outer)))\n";

Test(component_parity, exports_that_are_not_functions) {
  live_t v = live_of(not_functions);
  /* The component's own description of them, before any call. */
  wt_citem_t it;
  OK(wt_component_export(v.component, "foo", v.arena, &it));
  cr_assert_eq(it.kind, WT_CITEM_MODULE);
  cr_assert_eq(it.of.module.nexports, 1);
  cr_assert_str_eq(it.of.module.exports[0].name, "seven");
  OK(wt_component_export(v.component, "x", v.arena, &it));
  cr_assert_eq(it.kind, WT_CITEM_INSTANCE);
  cr_assert_eq(it.of.instance.len, 2);
  cr_assert_str_eq(it.of.instance.items[0].name, "m");
  cr_assert_eq(it.of.instance.items[0].kind, WT_CITEM_MODULE);
  cr_assert_str_eq(it.of.instance.items[1].name, "f");
  cr_assert_eq(it.of.instance.items[1].kind, WT_CITEM_FUNC);
  EXPECT_ERROR(wt_component_export(v.component, "m", v.arena, &it),
               WT_ERROR_NOT_FOUND, "exports nothing named \"m\"");

  wt_component_func_t fn = {0};
  EXPECT_ERROR(wt_component_instance_func(v.store, &v.inst, "foo", &fn),
               WT_ERROR_MISUSE,
               "wt_component_instance_func: export \"foo\" is not a function");
  EXPECT_ERROR(wt_component_instance_func(v.store, &v.inst, "x", &fn),
               WT_ERROR_MISUSE, "export \"x\" is not a function");
  const char *xm[] = {"x", "m"};
  EXPECT_ERROR(wt_component_instance_func_path(v.store, &v.inst, xm, 2, &fn),
               WT_ERROR_MISUSE,
               "wt_component_instance_func_path: export \"m\" is not a "
               "function");
  /* Through a module: it has no component exports. */
  const char *foo_seven[] = {"foo", "seven"};
  EXPECT_ERROR(
      wt_component_instance_func_path(v.store, &v.inst, foo_seven, 2, &fn),
      WT_ERROR_NOT_FOUND, "export \"foo\" (path[0]) has no export \"seven\"");
  const char *xmx[] = {"x", "m", "seven"};
  EXPECT_ERROR(wt_component_instance_func_path(v.store, &v.inst, xmx, 3, &fn),
               WT_ERROR_NOT_FOUND,
               "export \"m\" (path[1]) has no export \"seven\"");
  const char *outer[] = {"outer", "inner"};
  EXPECT_ERROR(
      wt_component_instance_func_path(v.store, &v.inst, outer, 2, &fn),
      WT_ERROR_MISUSE, "export \"inner\" is not a function");
  /* A name of the inner instance is not one of the outer. */
  const char *skip[] = {"outer", "g"};
  EXPECT_ERROR(wt_component_instance_func_path(v.store, &v.inst, skip, 2, &fn),
               WT_ERROR_NOT_FOUND,
               "export \"outer\" (path[0]) has no export \"g\"");
  cr_assert_eq(fn.store_id_, 0, "out was written on failure");
  /* The functions among them are found, at every depth. */
  wt_cval_t r = {0};
  const char *xf[] = {"x", "f"};
  OK(wt_component_instance_func_path(v.store, &v.inst, xf, 2, &fn));
  OK(wt_component_func_call(v.store, &fn, NULL, 0, &r, 1, NULL));
  cr_assert_eq(r.of.u32, 7);
  const char *deep[] = {"outer", "inner", "g"};
  OK(wt_component_instance_func_path(v.store, &v.inst, deep, 3, &fn));
  r = (wt_cval_t){0};
  OK(wt_component_func_call(v.store, &fn, NULL, 0, &r, 1, NULL));
  cr_assert_eq(r.kind, WT_CVAL_U32);
  cr_assert_eq(r.of.u32, 7);
  /* A second compile of the same text: names, not indexes, so its
   * instance answers the same lookups. */
  wt_component_t *twin;
  OK(wt_component_new_wat(v.engine, not_functions, &twin));
  wt_component_instance_t inst2;
  OK(wt_component_linker_instantiate(v.linker, v.store, twin, &inst2));
  OK(wt_component_instance_func_path(v.store, &inst2, deep, 3, &fn));
  EXPECT_ERROR(wt_component_instance_func_path(v.store, &inst2, xm, 2, &fn),
               WT_ERROR_MISUSE, "export \"m\" is not a function");
  wt_component_delete(twin);
  live_free(&v);
}

/* ---- type items and type equality ---- */

/* Exported type aliases: of every primitive, and named composites. */
static const char *const aliases =
    "(component\n"
    "  (type $id u32) (export \"my-id\" (type $id))\n"
    "  (type $flag bool) (export \"flag\" (type $flag))\n"
    "  (type $count s32) (export \"count\" (type $count))\n"
    "  (type $label string) (export \"label\" (type $label))\n"
    "  (type $p0 bool) (export \"p-bool\" (type $p0))\n"
    "  (type $p1 s8) (export \"p-s8\" (type $p1))\n"
    "  (type $p2 u8) (export \"p-u8\" (type $p2))\n"
    "  (type $p3 s16) (export \"p-s16\" (type $p3))\n"
    "  (type $p4 u16) (export \"p-u16\" (type $p4))\n"
    "  (type $p5 s32) (export \"p-s32\" (type $p5))\n"
    "  (type $p6 u32) (export \"p-u32\" (type $p6))\n"
    "  (type $p7 s64) (export \"p-s64\" (type $p7))\n"
    "  (type $p8 u64) (export \"p-u64\" (type $p8))\n"
    "  (type $p9 f32) (export \"p-f32\" (type $p9))\n"
    "  (type $p10 f64) (export \"p-f64\" (type $p10))\n"
    "  (type $p11 char) (export \"p-char\" (type $p11))\n"
    "  (type $p12 string) (export \"p-string\" (type $p12))\n"
    "  (type $e1 (enum \"a\" \"b\")) (export \"e1\" (type $e1))\n"
    "  (type $e2 (enum \"a\" \"b\")) (export \"e2\" (type $e2))\n"
    "  (type $e3 (enum \"a\" \"c\")) (export \"e3\" (type $e3))\n"
    "  (type $e4 (enum \"b\" \"a\")) (export \"e4\" (type $e4))\n"
    "  (type $e5 (enum \"a\" \"b\" \"c\")) (export \"e5\" (type $e5))\n"
    "  (type $f1 (flags \"r\" \"w\")) (export \"f1\" (type $f1))\n"
    "  (type $f2 (flags \"r\" \"w\")) (export \"f2\" (type $f2))\n"
    "  (type $f3 (flags \"r\" \"x\")) (export \"f3\" (type $f3))\n"
    "  (type $f4 (flags \"w\" \"r\")) (export \"f4\" (type $f4))\n"
    "  (type $o1 (option u8)) (export \"o1\" (type $o1))\n"
    "  (type $o2 (option u8)) (export \"o2\" (type $o2))\n"
    "  (type $o3 (option u16)) (export \"o3\" (type $o3))\n"
    "  (type $o4 (option (option u8))) (export \"o4\" (type $o4))\n"
    "  (type $l1 (list u8)) (export \"l1\" (type $l1))\n"
    "  (type $l2 (list s8)) (export \"l2\" (type $l2))\n"
    "  (type $r1 (result u8)) (export \"r1\" (type $r1))\n"
    "  (type $r2 (result u8 (error u8))) (export \"r2\" (type $r2))\n"
    "  (type $r3 (result (error u8))) (export \"r3\" (type $r3))\n"
    "  (type $r4 (result)) (export \"r4\" (type $r4))\n"
    "  (core module $m (func (export \"f\") (result i32) (i32.const 1)))\n"
    "  (core instance $i (instantiate $m))\n"
    "  (func (export \"f\") (result $id) (canon lift (core func $i "
    "\"f\"))))\n";

static const wt_ctype_t *type_export(const wt_component_t *c, wt_arena_t *a,
                                     const char *name) {
  wt_citem_t it;
  OK(wt_component_export(c, name, a, &it));
  cr_assert_eq(it.kind, WT_CITEM_TYPE, "%s is a %s", name,
               wt_citemkind_name(it.kind));
  cr_assert_not_null(it.of.type);
  return it.of.type;
}

Test(component_parity, exported_type_aliases) {
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_component_t *c;
  OK(wt_component_new_wat(engine, aliases, &c));
  wt_arena_t *a;
  OK(wt_arena_new(&a));
  wt_citems_t exps;
  OK(wt_component_exports(c, a, &exps));
  /* Exports in order: the four named first, with their kinds. */
  static const struct {
    const char *name;
    wt_cvalkind_t kind;
  } first[] = {{"my-id", WT_CVAL_U32},
               {"flag", WT_CVAL_BOOL},
               {"count", WT_CVAL_S32},
               {"label", WT_CVAL_STRING}};
  cr_assert_geq(exps.len, 4);
  for (size_t i = 0; i < 4; i++) {
    cr_assert_str_eq(exps.items[i].name, first[i].name);
    cr_assert_eq(exps.items[i].kind, WT_CITEM_TYPE);
    cr_assert_eq(exps.items[i].of.type->kind, first[i].kind, "%s: %s",
                 first[i].name, wt_cvalkind_name(exps.items[i].of.type->kind));
  }
  /* The function is not a type item: its kind says so. */
  const wt_citem_t *f = &exps.items[exps.len - 1];
  cr_assert_str_eq(f->name, "f");
  cr_assert_eq(f->kind, WT_CITEM_FUNC);
  cr_assert_eq(f->of.func.result->kind, WT_CVAL_U32);
  /* Every primitive, by lookup. */
  static const struct {
    const char *name;
    wt_cvalkind_t kind;
  } prims[] = {
      {"p-bool", WT_CVAL_BOOL}, {"p-s8", WT_CVAL_S8},
      {"p-u8", WT_CVAL_U8},     {"p-s16", WT_CVAL_S16},
      {"p-u16", WT_CVAL_U16},   {"p-s32", WT_CVAL_S32},
      {"p-u32", WT_CVAL_U32},   {"p-s64", WT_CVAL_S64},
      {"p-u64", WT_CVAL_U64},   {"p-f32", WT_CVAL_F32},
      {"p-f64", WT_CVAL_F64},   {"p-char", WT_CVAL_CHAR},
      {"p-string", WT_CVAL_STRING},
  };
  size_t n = sizeof prims / sizeof prims[0];
  for (size_t i = 0; i < n; i++) {
    const wt_ctype_t *t = type_export(c, a, prims[i].name);
    cr_assert_eq(t->kind, prims[i].kind, "%s: %s", prims[i].name,
                 wt_cvalkind_name(t->kind));
    char text[64];
    wt_citem_t it;
    OK(wt_component_export(c, prims[i].name, a, &it));
    wt_citem_text(&it, text, sizeof text);
    cr_assert_str_eq(text + strlen("type "), prims[i].name + strlen("p-"));
    /* Equal to a type built by hand of the same kind, and to no other
     * primitive. */
    for (size_t j = 0; j < n; j++) {
      wt_ctype_t other = {.kind = prims[j].kind};
      cr_assert_eq(wt_ctype_equal(t, &other), i == j, "%s vs %s",
                   prims[i].name, prims[j].name);
    }
  }
  wt_arena_delete(a);
  wt_component_delete(c);
  wt_engine_delete(engine);
}

Test(component_parity, equality_of_enums_flags_options_lists_and_results) {
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_component_t *c;
  OK(wt_component_new_wat(engine, aliases, &c));
  wt_arena_t *a;
  OK(wt_arena_new(&a));
#define T(name) type_export(c, a, name)
  cr_assert(wt_ctype_equal(T("e1"), T("e2")));
  cr_assert(wt_ctype_equal(T("e1"), T("e1")));
  cr_assert_not(wt_ctype_equal(T("e1"), T("e3")), "case name");
  cr_assert_not(wt_ctype_equal(T("e1"), T("e4")), "case order");
  cr_assert_not(wt_ctype_equal(T("e1"), T("e5")), "case count");
  cr_assert(wt_ctype_equal(T("f1"), T("f2")));
  cr_assert_not(wt_ctype_equal(T("f1"), T("f3")), "flag name");
  cr_assert_not(wt_ctype_equal(T("f1"), T("f4")), "flag order");
  cr_assert_not(wt_ctype_equal(T("e1"), T("f1")), "enum or flags");
  cr_assert(wt_ctype_equal(T("o1"), T("o2")));
  cr_assert_not(wt_ctype_equal(T("o1"), T("o3")), "payload");
  cr_assert_not(wt_ctype_equal(T("o1"), T("o4")), "nesting");
  cr_assert(wt_ctype_equal(T("o4")->elem, T("o1")));
  cr_assert_not(wt_ctype_equal(T("l1"), T("l2")), "element");
  cr_assert_eq(T("l1")->kind, WT_CVAL_LIST);
  cr_assert_eq(T("l1")->elem->kind, WT_CVAL_U8);
  /* Results: all four shapes, each unequal to the others. */
  const char *rs[] = {"r1", "r2", "r3", "r4"};
  for (size_t i = 0; i < 4; i++)
    for (size_t j = 0; j < 4; j++)
      cr_assert_eq(wt_ctype_equal(T(rs[i]), T(rs[j])), i == j, "%s vs %s",
                   rs[i], rs[j]);
  cr_assert_not_null(T("r2")->ok);
  cr_assert_not_null(T("r2")->err);
  cr_assert_null(T("r3")->ok);
  cr_assert_null(T("r4")->err);
  /* Hand-built types compare by structure too. */
  static const wt_ctype_t u8t = {.kind = WT_CVAL_U8};
  static const wt_cmember_t ab[2] = {{"a", NULL}, {"b", NULL}};
  wt_ctype_t en = {.kind = WT_CVAL_ENUM, .count = 2, .members = ab};
  cr_assert(wt_ctype_equal(&en, T("e1")));
  wt_ctype_t fl = {.kind = WT_CVAL_FLAGS, .count = 2, .members = ab};
  cr_assert_not(wt_ctype_equal(&fl, T("e1")));
  wt_ctype_t opt = {.kind = WT_CVAL_OPTION, .elem = &u8t};
  cr_assert(wt_ctype_equal(&opt, T("o1")));
  wt_ctype_t res = {.kind = WT_CVAL_RESULT, .ok = &u8t, .err = &u8t};
  cr_assert(wt_ctype_equal(&res, T("r2")));
  cr_assert_not(wt_ctype_equal(&res, T("r1")));
  cr_assert_not(wt_ctype_equal(T("o1"), NULL), "a type is not nothing");
#undef T
  wt_arena_delete(a);
  wt_component_delete(c);
  wt_engine_delete(engine);
}

/* ---- serialized components and engine settings ---- */

static const char *const adder =
    "(component\n"
    "  (core module $m (func (export \"add\") (param i32 i32) (result i32)\n"
    "    (i32.add (local.get 0) (local.get 1))))\n"
    "  (core instance $i (instantiate $m))\n"
    "  (func (export \"add\") (param \"x\" u32) (param \"y\" u32)\n"
    "    (result u32) (canon lift (core func $i \"add\"))))\n";

static void expect_adds(wt_engine_t *engine, wt_component_t *c) {
  wt_component_linker_t *l;
  OK(wt_component_linker_new(engine, &l));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_component_instance_t inst;
  OK(wt_component_linker_instantiate(l, store, c, &inst));
  wt_cval_t xy[2] = {u32v(34), u32v(35)}, r = {0};
  OK(wt_component_instance_call(store, &inst, "add", xy, 2, &r, 1, NULL));
  cr_assert_eq(r.of.u32, 69);
  wt_store_delete(store);
  wt_component_linker_delete(l);
}

Test(component_parity, serialized_components_need_compatible_engines) {
  wt_engine_t *a = engine_from(wt_config_new());
  wt_component_t *c;
  OK(wt_component_new_wat(a, adder, &c));
  uint8_t *bytes = NULL;
  size_t len = 0;
  OK(wt_component_serialize(c, &bytes, &len));
  /* Another engine of the same settings loads it; the loaded component
   * is that engine's. */
  wt_engine_t *b = engine_from(wt_config_new());
  wt_component_t *in_b = NULL;
  OK(wt_component_deserialize(b, bytes, len, &in_b));
  expect_adds(b, in_b);
  wt_component_linker_t *la;
  OK(wt_component_linker_new(a, &la));
  wt_store_t *sa;
  OK(wt_store_new(a, NULL, NULL, &sa));
  wt_component_instance_t inst;
  EXPECT_ERROR(wt_component_linker_instantiate(la, sa, in_b, &inst),
               WT_ERROR_MISUSE,
               "wt_component_linker_instantiate: linker, store and component "
               "belong to different engines");
  wt_store_delete(sa);
  wt_component_linker_delete(la);
  /* Engines whose compiled code differs refuse it. */
  wt_config_t *cfg = wt_config_new();
  cr_assert(wt_config_set_consume_fuel(cfg, true));
  wt_engine_t *fuel = engine_from(cfg);
  wt_component_t *none = NULL;
  EXPECT_ERROR(wt_component_deserialize(fuel, bytes, len, &none),
               WT_ERROR_COMPILE, "fuel support");
  cfg = wt_config_new();
  cr_assert(wt_config_set_epoch_interruption(cfg, true));
  wt_engine_t *epoch = engine_from(cfg);
  EXPECT_ERROR(wt_component_deserialize(epoch, bytes, len, &none),
               WT_ERROR_COMPILE, "epoch interruption");
  cr_assert_null(none);
  /* And the other way round: what the fuel engine compiles, only an
   * engine with fuel loads. */
  wt_component_t *cf;
  OK(wt_component_new_wat(fuel, adder, &cf));
  uint8_t *fbytes = NULL;
  size_t flen = 0;
  OK(wt_component_serialize(cf, &fbytes, &flen));
  EXPECT_ERROR(wt_component_deserialize(a, fbytes, flen, &none),
               WT_ERROR_COMPILE, "fuel support");
  cfg = wt_config_new();
  cr_assert(wt_config_set_consume_fuel(cfg, true));
  wt_engine_t *fuel2 = engine_from(cfg);
  OK(wt_component_deserialize(fuel2, fbytes, flen, &none));
  wt_component_delete(none);
  /* The same holds for files. */
  char path[] = "/tmp/wt-parity-XXXXXX";
  int fd = mkstemp(path);
  cr_assert_geq(fd, 0);
  close(fd);
  OK(wt_component_serialize_file(c, path));
  none = NULL;
  EXPECT_ERROR(wt_component_deserialize_file(fuel, path, &none),
               WT_ERROR_COMPILE, "fuel support");
  OK(wt_component_deserialize_file(b, path, &none));
  expect_adds(b, none);
  wt_component_delete(none);
  unlink(path);
  free(fbytes);
  free(bytes);
  wt_component_delete(cf);
  wt_component_delete(in_b);
  wt_component_delete(c);
  wt_engine_delete(fuel2);
  wt_engine_delete(epoch);
  wt_engine_delete(fuel);
  wt_engine_delete(b);
  wt_engine_delete(a);
}
