/* WIT values: kinds, arenas, and calls of component functions with their
 * checks against the function's type. */
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- kinds ---- */

static const char *const kind_names[] = {
    [WT_CVAL_BOOL] = "bool", [WT_CVAL_S8] = "s8",       [WT_CVAL_U8] = "u8",
    [WT_CVAL_S16] = "s16",   [WT_CVAL_U16] = "u16",     [WT_CVAL_S32] = "s32",
    [WT_CVAL_U32] = "u32",   [WT_CVAL_S64] = "s64",     [WT_CVAL_U64] = "u64",
    [WT_CVAL_F32] = "f32",   [WT_CVAL_F64] = "f64",     [WT_CVAL_CHAR] = "char",
    [WT_CVAL_STRING] = "string",
};

const char *wt_cvalkind_name(wt_cvalkind_t kind) {
  if ((unsigned)kind < sizeof kind_names / sizeof kind_names[0] &&
      kind_names[kind])
    return kind_names[kind];
  return "?";
}

/* ---- arenas ---- */

enum { MAGIC_ARENA = 0x77744133u };

/* Allocations are rounded up to this, which suits any C type. */
#define ARENA_ALIGN ((size_t)alignof(max_align_t))
#define ARENA_BLOCK ((size_t)4096)

struct block {
  struct block *next;
  size_t cap, used;
  alignas(max_align_t) unsigned char data[];
};

struct wt_arena {
  uint32_t magic;
  struct block *blocks; /* the newest first: allocations come from it */
  size_t used;          /* over all blocks */
};

static bool arena_ok(const wt_arena_t *a) { return a && a->magic == MAGIC_ARENA; }

wt_error_t *wt_arena_new(wt_arena_t **out) {
  if (!out)
    return wt__misuse("wt_arena_new", "out is NULL");
  wt_arena_t *a = wt__shell_new(sizeof *a);
  if (!a)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  a->magic = MAGIC_ARENA;
  *out = a;
  return NULL;
}

static void free_blocks(struct block *b) {
  while (b) {
    struct block *next = b->next;
    free(b);
    b = next;
  }
}

void wt_arena_delete(wt_arena_t *arena) {
  if (!arena_ok(arena))
    return;
  free_blocks(arena->blocks);
  arena->blocks = NULL;
  arena->magic = WT_MAGIC_DEAD;
  wt__retire(arena);
}

void wt_arena_reset(wt_arena_t *arena) {
  if (!arena_ok(arena) || !arena->blocks)
    return;
  /* Keep the newest block (the largest so far) for reuse. */
  free_blocks(arena->blocks->next);
  arena->blocks->next = NULL;
  arena->blocks->used = 0;
  arena->used = 0;
}

/* `size` zeroed bytes, or NULL when out of memory. */
static void *arena_take(wt_arena_t *a, size_t size) {
  if (size > SIZE_MAX / 2)
    return NULL;
  size_t need = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
  if (need == 0)
    need = ARENA_ALIGN;
  struct block *b = a->blocks;
  if (!b || b->cap - b->used < need) {
    size_t cap = b ? b->cap * 2 : ARENA_BLOCK;
    if (cap < need)
      cap = need;
    struct block *nb = malloc(sizeof *nb + cap);
    if (!nb)
      return NULL;
    nb->cap = cap;
    nb->used = 0;
    nb->next = b;
    a->blocks = b = nb;
  }
  void *p = b->data + b->used;
  b->used += need;
  a->used += need;
  memset(p, 0, need);
  return p;
}

wt_error_t *wt_arena_alloc(wt_arena_t *arena, size_t size, void **out) {
  static const char fn[] = "wt_arena_alloc";
  if (!arena_ok(arena))
    return wt__misuse(fn, "arena is NULL or deleted");
  if (!out)
    return wt__misuse(fn, "out is NULL");
  void *p = arena_take(arena, size);
  if (!p)
    return wt__error(WT_ERROR_WASMTIME, "%s: out of memory", fn);
  *out = p;
  return NULL;
}

size_t wt_arena_used(const wt_arena_t *arena) {
  return arena_ok(arena) ? arena->used : 0;
}

/* ---- calls ---- */

#ifdef WASMTIME_FEATURE_COMPONENT_MODEL

/* wt kinds are numbered in the order of Wasmtime's value kinds, one above
 * them, so converting a value's kind is an addition. */
_Static_assert(WT_CVAL_BOOL - 1 == WASMTIME_COMPONENT_BOOL &&
                   WT_CVAL_U8 - 1 == WASMTIME_COMPONENT_U8 &&
                   WT_CVAL_S64 - 1 == WASMTIME_COMPONENT_S64 &&
                   WT_CVAL_CHAR - 1 == WASMTIME_COMPONENT_CHAR &&
                   WT_CVAL_STRING - 1 == WASMTIME_COMPONENT_STRING,
               "wt_cvalkind_t follows Wasmtime's value kinds");

/* Names of Wasmtime's value type kinds, and the wt kind of those wt
 * supports (0 for the others). */
static const struct {
  const char *name;
  wt_cvalkind_t kind;
} type_kinds[] = {
    [WASMTIME_COMPONENT_VALTYPE_BOOL] = {"bool", WT_CVAL_BOOL},
    [WASMTIME_COMPONENT_VALTYPE_S8] = {"s8", WT_CVAL_S8},
    [WASMTIME_COMPONENT_VALTYPE_S16] = {"s16", WT_CVAL_S16},
    [WASMTIME_COMPONENT_VALTYPE_S32] = {"s32", WT_CVAL_S32},
    [WASMTIME_COMPONENT_VALTYPE_S64] = {"s64", WT_CVAL_S64},
    [WASMTIME_COMPONENT_VALTYPE_U8] = {"u8", WT_CVAL_U8},
    [WASMTIME_COMPONENT_VALTYPE_U16] = {"u16", WT_CVAL_U16},
    [WASMTIME_COMPONENT_VALTYPE_U32] = {"u32", WT_CVAL_U32},
    [WASMTIME_COMPONENT_VALTYPE_U64] = {"u64", WT_CVAL_U64},
    [WASMTIME_COMPONENT_VALTYPE_F32] = {"f32", WT_CVAL_F32},
    [WASMTIME_COMPONENT_VALTYPE_F64] = {"f64", WT_CVAL_F64},
    [WASMTIME_COMPONENT_VALTYPE_CHAR] = {"char", WT_CVAL_CHAR},
    [WASMTIME_COMPONENT_VALTYPE_STRING] = {"string", WT_CVAL_STRING},
    [WASMTIME_COMPONENT_VALTYPE_LIST] = {"list", 0},
    [WASMTIME_COMPONENT_VALTYPE_RECORD] = {"record", 0},
    [WASMTIME_COMPONENT_VALTYPE_TUPLE] = {"tuple", 0},
    [WASMTIME_COMPONENT_VALTYPE_VARIANT] = {"variant", 0},
    [WASMTIME_COMPONENT_VALTYPE_ENUM] = {"enum", 0},
    [WASMTIME_COMPONENT_VALTYPE_OPTION] = {"option", 0},
    [WASMTIME_COMPONENT_VALTYPE_RESULT] = {"result", 0},
    [WASMTIME_COMPONENT_VALTYPE_FLAGS] = {"flags", 0},
    [WASMTIME_COMPONENT_VALTYPE_OWN] = {"own", 0},
    [WASMTIME_COMPONENT_VALTYPE_BORROW] = {"borrow", 0},
    [WASMTIME_COMPONENT_VALTYPE_FUTURE] = {"future", 0},
    [WASMTIME_COMPONENT_VALTYPE_STREAM] = {"stream", 0},
    [WASMTIME_COMPONENT_VALTYPE_ERROR_CONTEXT] = {"error-context", 0},
    [WASMTIME_COMPONENT_VALTYPE_MAP] = {"map", 0},
};

static const char *type_name(wasmtime_component_valtype_kind_t k) {
  return k < sizeof type_kinds / sizeof type_kinds[0] && type_kinds[k].name
             ? type_kinds[k].name
             : "?";
}

/* The wt kind of a value type, 0 when wt does not support it yet. */
static wt_cvalkind_t kind_of(wasmtime_component_valtype_kind_t k) {
  return k < sizeof type_kinds / sizeof type_kinds[0] ? type_kinds[k].kind
                                                      : 0;
}

/* A function's type as wt checks calls against it. */
#define SHAPE_STACK 16
typedef struct shape {
  size_t nparams;
  bool has_result;
  wt_cvalkind_t result;
  wt_cvalkind_t *params; /* points at `stack` or is malloc()ed */
  wt_cvalkind_t stack[SHAPE_STACK];
  char text[256]; /* "func(a: u32, b: string) -> u32", cut if long */
} shape;

static void shape_free(shape *s) {
  if (s->params != s->stack)
    free(s->params);
}

/* Appends to the shape's text, which stays NUL-terminated (and is cut
 * with "..." when full). */
static void text_add(shape *s, size_t *at, const char *part, size_t len) {
  size_t cap = sizeof s->text;
  if (*at >= cap - 4)
    return;
  if (len > cap - 4 - *at) {
    memcpy(s->text + *at, part, cap - 4 - *at);
    memcpy(s->text + cap - 4, "...", 4);
    *at = cap;
    return;
  }
  memcpy(s->text + *at, part, len);
  *at += len;
  s->text[*at] = '\0';
}

static void text_str(shape *s, size_t *at, const char *part) {
  text_add(s, at, part, strlen(part));
}

/* Reads the function's type into `s`; a misuse error when a parameter or
 * the result has a type wt does not support yet, or the function is
 * async. */
static wt_error_t *shape_of(const char *fn, wt_store_t *store,
                            const wasmtime_component_func_t *f, shape *s) {
  s->params = s->stack;
  s->text[0] = '\0';
  wasmtime_component_func_type_t *ty =
      wasmtime_component_func_type(f, store->ctx);
  if (!ty)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  wt_error_t *err = NULL;
  size_t at = 0;
  text_str(s, &at, "func(");
  s->nparams = wasmtime_component_func_type_param_count(ty);
  if (s->nparams > SHAPE_STACK) {
    s->params = malloc(s->nparams * sizeof *s->params);
    if (!s->params) {
      s->params = s->stack;
      wasmtime_component_func_type_delete(ty);
      return wt__error(WT_ERROR_WASMTIME, "out of memory");
    }
  }
  /* The first parameter whose type is not supported, if any. */
  const char *bad_type = NULL;
  size_t bad = 0;
  char bad_name[64] = "";
  for (size_t i = 0; i < s->nparams; i++) {
    const char *name = "";
    size_t name_len = 0;
    wasmtime_component_valtype_t vt;
    if (!wasmtime_component_func_type_param_nth(ty, i, &name, &name_len,
                                                &vt)) {
      s->params[i] = 0;
      continue;
    }
    s->params[i] = kind_of(vt.kind);
    if (i)
      text_str(s, &at, ", ");
    text_add(s, &at, name, name_len);
    text_str(s, &at, ": ");
    text_str(s, &at, type_name(vt.kind));
    if (!s->params[i] && !bad_type) {
      bad_type = type_name(vt.kind);
      bad = i;
      snprintf(bad_name, sizeof bad_name, "%.*s",
               (int)(name_len < 60 ? name_len : 60), name);
    }
    wasmtime_component_valtype_delete(&vt);
  }
  text_str(s, &at, ")");
  wasmtime_component_valtype_t rt;
  s->has_result = wasmtime_component_func_type_result(ty, &rt);
  s->result = 0;
  if (s->has_result) {
    s->result = kind_of(rt.kind);
    text_str(s, &at, " -> ");
    text_str(s, &at, type_name(rt.kind));
  }
  if (bad_type)
    err = wt__misuse(fn,
                     "parameter %zu (\"%s\") has type %s, which wt does not "
                     "support yet, in %s",
                     bad, bad_name, bad_type, s->text);
  else if (s->has_result && !s->result)
    err = wt__misuse(fn,
                     "the result has type %s, which wt does not support "
                     "yet, in %s",
                     type_name(rt.kind), s->text);
  else if (wasmtime_component_func_type_async(ty))
    err = wt__misuse(fn, "%s is async, which wt does not support yet",
                     s->text);
  if (s->has_result)
    wasmtime_component_valtype_delete(&rt);
  wasmtime_component_func_type_delete(ty);
  if (err)
    shape_free(s);
  return err;
}

/* Whether `c` is a Unicode scalar value (not a surrogate, not too big). */
static bool scalar_ok(uint32_t c) {
  return c <= 0x10ffff && (c < 0xd800 || c > 0xdfff);
}

/* Checks argument `i` against its parameter kind and converts it; strings
 * are borrowed, not copied (Wasmtime only reads arguments). */
static wt_error_t *arg_to(const char *fn, const shape *s, size_t i,
                          const wt_cval_t *v, wasmtime_component_val_t *out) {
  wt_cvalkind_t want = s->params[i];
  if (v->kind != want) {
    if (wt_cvalkind_name(v->kind)[0] == '?')
      return wt__misuse(fn,
                        "argument %zu: expected %s, got kind %d (not a "
                        "wt_cvalkind_t), in %s",
                        i, wt_cvalkind_name(want), (int)v->kind, s->text);
    return wt__misuse(fn, "argument %zu: expected %s, got %s, in %s", i,
                      wt_cvalkind_name(want), wt_cvalkind_name(v->kind),
                      s->text);
  }
  memset(out, 0, sizeof *out);
  out->kind = (wasmtime_component_valkind_t)(want - 1);
  switch (want) {
  case WT_CVAL_BOOL:
    out->of.boolean = v->of.boolean;
    break;
  case WT_CVAL_S8:
    out->of.s8 = v->of.s8;
    break;
  case WT_CVAL_U8:
    out->of.u8 = v->of.u8;
    break;
  case WT_CVAL_S16:
    out->of.s16 = v->of.s16;
    break;
  case WT_CVAL_U16:
    out->of.u16 = v->of.u16;
    break;
  case WT_CVAL_S32:
    out->of.s32 = v->of.s32;
    break;
  case WT_CVAL_U32:
    out->of.u32 = v->of.u32;
    break;
  case WT_CVAL_S64:
    out->of.s64 = v->of.s64;
    break;
  case WT_CVAL_U64:
    out->of.u64 = v->of.u64;
    break;
  case WT_CVAL_F32:
    out->of.f32 = v->of.f32;
    break;
  case WT_CVAL_F64:
    out->of.f64 = v->of.f64;
    break;
  case WT_CVAL_CHAR:
    if (!scalar_ok(v->of.ch))
      return wt__misuse(fn,
                        "argument %zu: char U+%04X is not a Unicode scalar "
                        "value, in %s",
                        i, (unsigned)v->of.ch, s->text);
    out->of.character = v->of.ch;
    break;
  case WT_CVAL_STRING:
    if (!v->of.str.data && v->of.str.len > 0)
      return wt__misuse(fn, "argument %zu: string data is NULL, in %s", i,
                        s->text);
    if (!wt__utf8_valid(v->of.str.data, v->of.str.len))
      return wt__misuse(fn, "argument %zu: string is not valid UTF-8, in %s",
                        i, s->text);
    out->of.string.size = v->of.str.len;
    out->of.string.data = (wasm_byte_t *)v->of.str.data;
    break;
  }
  return NULL;
}

/* Converts a result, copying a string's bytes into the arena. */
static wt_error_t *result_from(wt_cvalkind_t want,
                               const wasmtime_component_val_t *r,
                               wt_arena_t *arena, wt_cval_t *out) {
  if ((unsigned)r->kind + 1 != (unsigned)want)
    return wt__error(WT_ERROR_WASMTIME,
                     "wt_component_func_call: Wasmtime returned a value of "
                     "kind %d for a result of type %s",
                     (int)r->kind, wt_cvalkind_name(want));
  memset(out, 0, sizeof *out);
  out->kind = want;
  switch (want) {
  case WT_CVAL_BOOL:
    out->of.boolean = r->of.boolean;
    break;
  case WT_CVAL_S8:
    out->of.s8 = r->of.s8;
    break;
  case WT_CVAL_U8:
    out->of.u8 = r->of.u8;
    break;
  case WT_CVAL_S16:
    out->of.s16 = r->of.s16;
    break;
  case WT_CVAL_U16:
    out->of.u16 = r->of.u16;
    break;
  case WT_CVAL_S32:
    out->of.s32 = r->of.s32;
    break;
  case WT_CVAL_U32:
    out->of.u32 = r->of.u32;
    break;
  case WT_CVAL_S64:
    out->of.s64 = r->of.s64;
    break;
  case WT_CVAL_U64:
    out->of.u64 = r->of.u64;
    break;
  case WT_CVAL_F32:
    out->of.f32 = r->of.f32;
    break;
  case WT_CVAL_F64:
    out->of.f64 = r->of.f64;
    break;
  case WT_CVAL_CHAR:
    out->of.ch = r->of.character;
    break;
  case WT_CVAL_STRING: {
    size_t n = r->of.string.size;
    char *copy = arena_take(arena, n + 1);
    if (!copy)
      return wt__error(WT_ERROR_WASMTIME,
                       "wt_component_func_call: out of memory");
    if (n)
      memcpy(copy, r->of.string.data, n);
    copy[n] = '\0';
    out->of.str.data = copy;
    out->of.str.len = n;
    break;
  }
  }
  return NULL;
}

wt_error_t *wt_component_func_call(wt_store_t *store,
                                   const wt_component_func_t *func,
                                   const wt_cval_t *args, size_t nargs,
                                   wt_cval_t *results, size_t nresults,
                                   wt_arena_t *arena) {
  static const char fn[] = "wt_component_func_call";
  wt_error_t *err = wt__check_handle(fn, store, "func", func,
                                     func ? func->store_id_ : 0);
  if (err)
    return err;
  if (arena && !arena_ok(arena))
    return wt__misuse(fn, "arena is deleted (or not a wt_arena_t)");
  wasmtime_component_func_t f = {.store_id = func->store_id_,
                                 .__private1 = func->raw1_,
                                 .__private2 = func->raw2_};
  shape s;
  if ((err = shape_of(fn, store, &f, &s)) != NULL)
    return err;
  size_t want_results = s.has_result ? 1 : 0;
  if (nargs != s.nparams || nresults != want_results)
    err = wt__misuse(fn, "got %zu argument%s and %zu result%s for %s", nargs,
                     nargs == 1 ? "" : "s", nresults, nresults == 1 ? "" : "s",
                     s.text);
  else if ((nargs && !args) || (nresults && !results))
    err = wt__misuse(fn, "args or results is NULL");
  else if (s.has_result && s.result == WT_CVAL_STRING && !arena)
    err = wt__misuse(fn, "arena is NULL, and the result is a string, in %s",
                     s.text);
  wasmtime_component_val_t stack[SHAPE_STACK];
  wasmtime_component_val_t *raw = stack;
  if (!err && nargs > SHAPE_STACK) {
    raw = malloc(nargs * sizeof *raw);
    if (!raw) {
      raw = stack;
      err = wt__error(WT_ERROR_WASMTIME, "out of memory");
    }
  }
  for (size_t i = 0; !err && i < nargs; i++)
    err = arg_to(fn, &s, i, &args[i], &raw[i]);
  if (!err)
    err = wt__stack_check(fn, store);
  if (!err) {
    /* Wasmtime overwrites the results, dropping what they held: start them
     * as values that own nothing. */
    wasmtime_component_val_t res[1];
    memset(res, 0, sizeof res);
    res[0].kind = WASMTIME_COMPONENT_BOOL;
    wt__store_enter(store);
    wasmtime_error_t *werr = wasmtime_component_func_call(
        &f, store->ctx, raw, nargs, res, nresults);
    err = wt__call_result(store, WT_ERROR_TRAP, werr, NULL);
    if (!err && nresults) {
      wt_cval_t conv;
      err = result_from(s.result, &res[0], arena, &conv);
      if (!err)
        results[0] = conv;
      wasmtime_component_val_delete(&res[0]);
    }
    wt__store_leave(store);
  }
  if (raw != stack)
    free(raw);
  shape_free(&s);
  return err;
}

#else /* !WASMTIME_FEATURE_COMPONENT_MODEL */

wt_error_t *wt_component_func_call(wt_store_t *store,
                                   const wt_component_func_t *func,
                                   const wt_cval_t *args, size_t nargs,
                                   wt_cval_t *results, size_t nresults,
                                   wt_arena_t *arena) {
  (void)store, (void)func, (void)args, (void)nargs, (void)results,
      (void)nresults, (void)arena;
  return wt__error(WT_ERROR_CONFIG,
                   "wt_component_func_call: Wasmtime was built without the "
                   "component model (crate feature component-model)");
}

#endif /* WASMTIME_FEATURE_COMPONENT_MODEL */
