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
    [WT_CVAL_STRING] = "string", [WT_CVAL_LIST] = "list",
    [WT_CVAL_BYTES] = "list<u8>", [WT_CVAL_RECORD] = "record",
    [WT_CVAL_TUPLE] = "tuple",   [WT_CVAL_ENUM] = "enum",
    [WT_CVAL_OPTION] = "option", [WT_CVAL_RESULT] = "result",
    [WT_CVAL_VARIANT] = "variant", [WT_CVAL_FLAGS] = "flags",
    [WT_CVAL_OWN] = "own",       [WT_CVAL_BORROW] = "borrow",
    [WT_CVAL_MAP] = "map",       [WT_CVAL_FUTURE] = "future",
    [WT_CVAL_STREAM] = "stream", [WT_CVAL_ERROR_CONTEXT] = "error-context",
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

/* `size` bytes, not zeroed, or NULL when out of memory. */
static void *arena_take_raw(wt_arena_t *a, size_t size) {
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
  return p;
}

/* `size` zeroed bytes, or NULL when out of memory. */
static void *arena_take(wt_arena_t *a, size_t size) {
  void *p = arena_take_raw(a, size);
  if (p)
    memset(p, 0, (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1));
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
    [WASMTIME_COMPONENT_VALTYPE_LIST] = {"list", WT_CVAL_LIST},
    [WASMTIME_COMPONENT_VALTYPE_RECORD] = {"record", WT_CVAL_RECORD},
    [WASMTIME_COMPONENT_VALTYPE_TUPLE] = {"tuple", WT_CVAL_TUPLE},
    [WASMTIME_COMPONENT_VALTYPE_VARIANT] = {"variant", WT_CVAL_VARIANT},
    [WASMTIME_COMPONENT_VALTYPE_ENUM] = {"enum", WT_CVAL_ENUM},
    [WASMTIME_COMPONENT_VALTYPE_OPTION] = {"option", WT_CVAL_OPTION},
    [WASMTIME_COMPONENT_VALTYPE_RESULT] = {"result", WT_CVAL_RESULT},
    [WASMTIME_COMPONENT_VALTYPE_FLAGS] = {"flags", WT_CVAL_FLAGS},
    [WASMTIME_COMPONENT_VALTYPE_OWN] = {"own", WT_CVAL_OWN},
    [WASMTIME_COMPONENT_VALTYPE_BORROW] = {"borrow", WT_CVAL_BORROW},
    [WASMTIME_COMPONENT_VALTYPE_FUTURE] = {"future", 0},
    [WASMTIME_COMPONENT_VALTYPE_STREAM] = {"stream", 0},
    [WASMTIME_COMPONENT_VALTYPE_ERROR_CONTEXT] = {"error-context", 0},
    [WASMTIME_COMPONENT_VALTYPE_MAP] = {"map", WT_CVAL_MAP},
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

/* A function's type as wt checks calls against it: the parameter types
 * (owned, deleted by shape_free()), the result type, and Wasmtime's type
 * for the text of error messages, which is written only when one needs
 * it. */
#define SHAPE_STACK 16
typedef struct shape {
  size_t nparams;
  bool has_result;
  bool text_done;
  wasmtime_component_valtype_t result;
  wasmtime_component_valtype_t *params; /* `stack` or malloc()ed */
  const wasmtime_component_func_type_t *ty; /* for the parameters' names */
  wasmtime_component_func_type_t *owned_ty; /* `ty` when the shape owns it */
  wt__nftype *native; /* an export's type as native/ calls it, or NULL */
  bool params_res, result_res; /* whether they may hold resource handles */
  bool invalid; /* a host import's type wt does not support (host shapes) */
  /* Whether every parameter is a number or bool (at most SHAPE_STACK),
   * whose check is its kind alone: pkind[i]. */
  bool scalar_params;
  uint8_t pkind[SHAPE_STACK];
  wasmtime_component_valtype_t stack[SHAPE_STACK];
  char text[256]; /* "func(a: u32, b: string) -> u32", cut if long */
} shape;

static void shape_free(shape *s) {
  for (size_t i = 0; i < s->nparams; i++)
    wasmtime_component_valtype_delete(&s->params[i]);
  if (s->has_result)
    wasmtime_component_valtype_delete(&s->result);
  if (s->params != s->stack)
    free(s->params);
  if (s->owned_ty)
    wasmtime_component_func_type_delete(s->owned_ty);
  wt_native_cfunc_type_delete(s->native);
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

/* A question asked of one type: non-NULL (a name for the answer) when the
 * type has what is looked for. */
typedef const char *type_test(const wasmtime_component_valtype_t *t);

/* The first non-NULL answer of `test` for `t` or a type nested in it
 * (`t` first, then its parts in order), NULL when no type has it. */
static const char *type_find(const wasmtime_component_valtype_t *t,
                             type_test *test) {
  const char *found = test(t);
  if (found)
    return found;
  wasmtime_component_valtype_t sub;
  switch (t->kind) {
  case WASMTIME_COMPONENT_VALTYPE_LIST:
    wasmtime_component_list_type_element(t->of.list, &sub);
    found = type_find(&sub, test);
    wasmtime_component_valtype_delete(&sub);
    break;
  case WASMTIME_COMPONENT_VALTYPE_OPTION:
    wasmtime_component_option_type_ty(t->of.option, &sub);
    found = type_find(&sub, test);
    wasmtime_component_valtype_delete(&sub);
    break;
  case WASMTIME_COMPONENT_VALTYPE_RESULT:
    if (wasmtime_component_result_type_ok(t->of.result, &sub)) {
      found = type_find(&sub, test);
      wasmtime_component_valtype_delete(&sub);
    }
    if (!found && wasmtime_component_result_type_err(t->of.result, &sub)) {
      found = type_find(&sub, test);
      wasmtime_component_valtype_delete(&sub);
    }
    break;
  case WASMTIME_COMPONENT_VALTYPE_RECORD: {
    size_t n = wasmtime_component_record_type_field_count(t->of.record);
    for (size_t i = 0; !found && i < n; i++) {
      const char *name;
      size_t len;
      if (wasmtime_component_record_type_field_nth(t->of.record, i, &name,
                                                   &len, &sub)) {
        found = type_find(&sub, test);
        wasmtime_component_valtype_delete(&sub);
      }
    }
    break;
  }
  case WASMTIME_COMPONENT_VALTYPE_TUPLE: {
    size_t n = wasmtime_component_tuple_type_types_count(t->of.tuple);
    for (size_t i = 0; !found && i < n; i++)
      if (wasmtime_component_tuple_type_types_nth(t->of.tuple, i, &sub)) {
        found = type_find(&sub, test);
        wasmtime_component_valtype_delete(&sub);
      }
    break;
  }
  case WASMTIME_COMPONENT_VALTYPE_MAP:
    wasmtime_component_map_type_key(t->of.map, &sub);
    found = type_find(&sub, test);
    wasmtime_component_valtype_delete(&sub);
    if (!found) {
      wasmtime_component_map_type_value(t->of.map, &sub);
      found = type_find(&sub, test);
      wasmtime_component_valtype_delete(&sub);
    }
    break;
  case WASMTIME_COMPONENT_VALTYPE_VARIANT: {
    size_t n = wasmtime_component_variant_type_case_count(t->of.variant);
    for (size_t i = 0; !found && i < n; i++) {
      const char *name;
      size_t len;
      bool has = false;
      if (wasmtime_component_variant_type_case_nth(t->of.variant, i, &name,
                                                   &len, &has, &sub) &&
          has) {
        found = type_find(&sub, test);
        wasmtime_component_valtype_delete(&sub);
      }
    }
    break;
  }
  default:
    break;
  }
  return found;
}

static const char *unsupported_here(const wasmtime_component_valtype_t *t) {
  return kind_of(t->kind) ? NULL : type_name(t->kind);
}

/* The name of the first type in `t` (itself or a type nested in it) that
 * wt does not support yet, NULL when it supports all of them. */
static const char *unsupported(const wasmtime_component_valtype_t *t) {
  return type_find(t, unsupported_here);
}

static const char *resource_here(const wasmtime_component_valtype_t *t) {
  return t->kind == WASMTIME_COMPONENT_VALTYPE_OWN ||
                 t->kind == WASMTIME_COMPONENT_VALTYPE_BORROW
             ? "resource"
             : NULL;
}

/* Whether a value of type `t` may hold a resource handle. */
static bool has_resources(const wasmtime_component_valtype_t *t) {
  return type_find(t, resource_here) != NULL;
}

/* Whether the element type of list type `t` is u8 (a byte span). */
static bool list_is_bytes(const wasmtime_component_valtype_t *t) {
  wasmtime_component_valtype_t sub;
  wasmtime_component_list_type_element(t->of.list, &sub);
  bool bytes = sub.kind == WASMTIME_COMPONENT_VALTYPE_U8;
  wasmtime_component_valtype_delete(&sub);
  return bytes;
}

/* The wt kind a value of type `t` has. */
static wt_cvalkind_t want_kind(const wasmtime_component_valtype_t *t) {
  wt_cvalkind_t k = kind_of(t->kind);
  if (k == WT_CVAL_LIST && list_is_bytes(t))
    return WT_CVAL_BYTES;
  return k;
}

/* Whether a value of type `t` needs arena memory as a result: all but
 * scalars, enums and flags do. */
static bool needs_arena(const wasmtime_component_valtype_t *t) {
  wt_cvalkind_t k = kind_of(t->kind);
  return k >= WT_CVAL_STRING && k != WT_CVAL_ENUM && k != WT_CVAL_FLAGS &&
         k != WT_CVAL_OWN && k != WT_CVAL_BORROW;
}

/* The short name of a type in a function's text: its kind, with list<u8>
 * (the byte span) told apart from other lists. */
static const char *kind_text(const wasmtime_component_valtype_t *t) {
  wt_cvalkind_t k = want_kind(t);
  return k ? wt_cvalkind_name(k) : type_name(t->kind);
}

/* The function's text, "func(a: u32, b: string) -> u32", written the
 * first time it is needed (for an error message) and kept in the shape. */
static const char *shape_text(const shape *cs) {
  shape *s = (shape *)cs;
  if (s->text_done)
    return s->text;
  size_t at = 0;
  s->text[0] = '\0';
  text_str(s, &at, "func(");
  for (size_t i = 0; i < s->nparams; i++) {
    const char *name = "";
    size_t name_len = 0;
    wasmtime_component_valtype_t vt;
    if (wasmtime_component_func_type_param_nth(s->ty, i, &name, &name_len,
                                               &vt))
      wasmtime_component_valtype_delete(&vt);
    if (i)
      text_str(s, &at, ", ");
    text_add(s, &at, name, name_len);
    text_str(s, &at, ": ");
    text_str(s, &at, kind_text(&s->params[i]));
  }
  text_str(s, &at, ")");
  if (s->has_result) {
    text_str(s, &at, " -> ");
    text_str(s, &at, kind_text(&s->result));
  }
  s->text_done = true;
  return s->text;
}

/* Reads the function's type `ty` into `s`, which refers to `ty` until it
 * is freed; a misuse error when a parameter or the result has a type wt
 * does not support yet, or the function is async. */

static wt_error_t *shape_from_type(const char *fn,
                                   const wasmtime_component_func_type_t *ty,
                                   shape *s) {
  s->params = s->stack;
  s->nparams = 0;
  s->has_result = false;
  s->text_done = false;
  s->ty = ty;
  s->owned_ty = NULL;
  s->native = NULL;
  s->params_res = s->result_res = s->invalid = s->scalar_params = false;
  wt_error_t *err = NULL;
  size_t n = wasmtime_component_func_type_param_count(ty);
  if (n > SHAPE_STACK) {
    s->params = malloc(n * sizeof *s->params);
    if (!s->params) {
      s->params = s->stack;
      return wt__error(WT_ERROR_WASMTIME, "out of memory");
    }
  }
  /* The first parameter whose type is not supported, if any. */
  const char *bad_type = NULL;
  size_t bad = 0;
  char bad_name[64] = "";
  for (size_t i = 0; i < n; i++) {
    const char *name = "";
    size_t name_len = 0;
    wasmtime_component_valtype_t *vt = &s->params[i];
    if (!wasmtime_component_func_type_param_nth(ty, i, &name, &name_len, vt))
      break;
    s->nparams = i + 1;
    const char *u = unsupported(vt);
    if (u && !bad_type) {
      bad_type = u;
      bad = i;
      snprintf(bad_name, sizeof bad_name, "%.*s",
               (int)(name_len < 60 ? name_len : 60), name);
    }
  }
  s->has_result = wasmtime_component_func_type_result(ty, &s->result);
  const char *bad_result = NULL;
  if (s->has_result)
    bad_result = unsupported(&s->result);
  if (bad_type)
    err = wt__misuse(fn,
                     "parameter %zu (\"%s\") has type %s, which wt does not "
                     "support yet, in %s",
                     bad, bad_name, bad_type, shape_text(s));
  else if (bad_result)
    err = wt__misuse(fn,
                     "the result has type %s, which wt does not support "
                     "yet, in %s",
                     bad_result, shape_text(s));
  else if (wasmtime_component_func_type_async(ty))
    err = wt__misuse(fn, "%s is async, which wt does not support yet",
                     shape_text(s));
  if (err) {
    shape_free(s);
    return err;
  }
  for (size_t i = 0; i < s->nparams && !s->params_res; i++)
    s->params_res = has_resources(&s->params[i]);
  s->scalar_params = s->nparams <= SHAPE_STACK;
  for (size_t i = 0; i < s->nparams && s->scalar_params; i++) {
    wt_cvalkind_t k = kind_of(s->params[i].kind);
    s->scalar_params = k >= WT_CVAL_BOOL && k <= WT_CVAL_F64;
    s->pkind[i] = (uint8_t)k;
  }
  s->result_res = s->has_result && has_resources(&s->result);
  return NULL;
}

static wt_error_t *oom(void) {
  return wt__error(WT_ERROR_WASMTIME, "out of memory");
}

/* ---- the store's shapes ----
 *
 * A function's type never changes, so each function a store calls has its
 * shape read once and kept until the store goes, found by the function's
 * handle. */

typedef struct shape_slot {
  uint32_t raw1, raw2;
  shape *s;
} shape_slot;

struct wt__shapes {
  shape_slot *slots; /* open addressing, a power of two */
  size_t cap, len;
};

static size_t shape_hash(uint32_t raw1, uint32_t raw2, size_t cap) {
  uint64_t h = ((uint64_t)raw1 << 32 | raw2) * 0x9e3779b97f4a7c15ull;
  return (size_t)(h >> 32) & (cap - 1);
}

static void shapes_free(struct wt__shapes *t) {
  if (!t)
    return;
  for (size_t i = 0; i < t->cap; i++)
    if (t->slots[i].s) {
      shape_free(t->slots[i].s);
      free(t->slots[i].s);
    }
  free(t->slots);
  free(t);
}

static bool shapes_put(struct wt__shapes *t, uint32_t raw1, uint32_t raw2,
                       shape *s) {
  if ((t->len + 1) * 2 > t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 64;
    shape_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
      return false;
    for (size_t i = 0; i < t->cap; i++)
      if (t->slots[i].s) {
        size_t h = shape_hash(t->slots[i].raw1, t->slots[i].raw2, cap);
        while (slots[h].s)
          h = (h + 1) & (cap - 1);
        slots[h] = t->slots[i];
      }
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
  }
  size_t h = shape_hash(raw1, raw2, t->cap);
  while (t->slots[h].s)
    h = (h + 1) & (t->cap - 1);
  t->slots[h] = (shape_slot){raw1, raw2, s};
  t->len++;
  return true;
}

/* The shape of the store's function `f`, read and kept on first use. */
static wt_error_t *shape_of(const char *fn, wt_store_t *store,
                            const wasmtime_component_func_t *f,
                            const shape **out) {
  struct wt__shapes *t = store->shapes;
  if (t && t->cap) {
    size_t h = shape_hash(f->__private1, f->__private2, t->cap);
    while (t->slots[h].s) {
      if (t->slots[h].raw1 == f->__private1 &&
          t->slots[h].raw2 == f->__private2) {
        *out = t->slots[h].s;
        return NULL;
      }
      h = (h + 1) & (t->cap - 1);
    }
  }
  if (!t && !(t = store->shapes = calloc(1, sizeof *t)))
    return oom();
  shape *s = malloc(sizeof *s);
  wasmtime_component_func_type_t *ty =
      s ? wasmtime_component_func_type(f, store->ctx) : NULL;
  if (!ty) {
    free(s);
    return oom();
  }
  wt_error_t *err = shape_from_type(fn, ty, s);
  if (err) {
    wasmtime_component_func_type_delete(ty);
    free(s);
    return err;
  }
  s->owned_ty = ty;
  s->native = wt_native_cfunc_type_new(f, store->ctx);
  if (!s->native || !shapes_put(t, f->__private1, f->__private2, s)) {
    shape_free(s);
    free(s);
    return oom();
  }
  *out = s;
  return NULL;
}

/* Whether `c` is a Unicode scalar value (not a surrogate, not too big). */
static bool scalar_ok(uint32_t c) {
  return c <= 0x10ffff && (c < 0xd800 || c > 0xdfff);
}

#define CONV_STEPS 24

/* A conversion in progress: the place of the value being converted
 * ("argument 0, field x, element 3") and memory for what it builds. */
typedef struct conv {
  const char *fn;
  const shape *s;
  wt_store_t *store;
  wt_arena_t *arena; /* arguments: scratch memory; results: the caller's */
  wt__rpend *pend;   /* resources: what to settle once the call is made */
  /* Resources the checks lowered, in the order native/ reads them. */
  wasmtime_component_resource_any_t **res;
  size_t nres, res_cap;
  /* Leave strings' UTF-8 to native/, which checks it anyway (and says so
   * in wt__nio's bad_utf8; the call then checks again, here, for the
   * message). */
  bool utf8_later;
  /* The place, as steps written out only for an error message. */
  struct step {
    const char *fmt, *name;
    size_t len, index;
  } steps[CONV_STEPS];
  size_t depth;      /* steps taken (beyond CONV_STEPS: not kept) */
  char place[160];
} conv;

/* Starts a conversion. Only the fields read before they are written are
 * set: zero-filling the whole struct (its steps and place text, about a
 * kilobyte) cost more than the rest of a scalar call's checks. */
static void conv_init(conv *c, const char *fn, const shape *s,
                      wt_store_t *store, wt_arena_t *arena) {
  c->fn = fn;
  c->s = s;
  c->store = store;
  c->arena = arena;
  c->pend = NULL;
  c->res = NULL;
  c->nres = c->res_cap = 0;
  c->depth = 0;
  c->utf8_later = false;
}

/* Appends ", <what>" (or "<what>" at the start) to the place; returns
 * the length to restore it to. */
static size_t place_push(conv *c, const char *fmt, const char *name,
                         size_t len, size_t index) {
  size_t old = c->depth;
  if (c->depth < CONV_STEPS)
    c->steps[c->depth] = (struct step){fmt, name, len, index};
  c->depth++;
  return old;
}

static void place_pop(conv *c, size_t old) { c->depth = old; }

/* The place written out: "argument 0, field x, element 3". */
static const char *place_text(conv *c) {
  size_t at = 0, cap = sizeof c->place;
  c->place[0] = '\0';
  for (size_t i = 0; i < c->depth && at < cap - 1; i++) {
    if (i >= CONV_STEPS) {
      snprintf(c->place + at, cap - at, ", ...");
      break;
    }
    const struct step *st = &c->steps[i];
    char part[96];
    if (st->name)
      snprintf(part, sizeof part, st->fmt, (int)(st->len < 64 ? st->len : 64),
               st->name);
    else
      snprintf(part, sizeof part, st->fmt, st->index);
    int w = snprintf(c->place + at, cap - at, "%s%s", i ? ", " : "", part);
    if (w > 0)
      at += (size_t)w < cap - at ? (size_t)w : cap - 1 - at;
  }
  return c->place;
}


static wt_error_t *val_check(conv *c, const wasmtime_component_valtype_t *t,
                             const wt_cval_t *v);

/* Checks a payload pointer `p` of a case whose type is `t` (has_t false
 * when the case has no payload). */
static wt_error_t *payload_check(conv *c, bool has_t,
                                 const wasmtime_component_valtype_t *t,
                                 const wt_cval_t *p, const char *what) {
  if (!has_t) {
    if (p)
      return wt__misuse(c->fn, "%s, %s: the case has no payload, so it must "
                        "be NULL, in %s", place_text(c), what, shape_text(c->s));
    return NULL;
  }
  if (!p)
    return wt__misuse(c->fn, "%s, %s: payload is NULL, expected %s, in %s",
                      place_text(c), what, wt_cvalkind_name(want_kind(t)),
                      shape_text(c->s));
  size_t old = place_push(c, "%.*s", what, strlen(what), 0);
  wt_error_t *err = val_check(c, t, p);
  place_pop(c, old);
  return err;
}

/* Keeps the resource `any` that checking a handle lowered, for the call to
 * pass in the order it met it (pend owns it). */
static wt_error_t *res_keep(conv *c, wasmtime_component_resource_any_t *any) {
  if (c->nres == c->res_cap) {
    size_t cap = c->res_cap ? 2 * c->res_cap : 8;
    wasmtime_component_resource_any_t **grown =
        arena_take(c->arena, cap * sizeof *grown);
    if (!grown)
      return oom();
    if (c->nres)
      memcpy(grown, c->res, c->nres * sizeof *grown);
    c->res = grown;
    c->res_cap = cap;
  }
  c->res[c->nres++] = any;
  return NULL;
}

/* Checks the value `v` against type `t`: everything Wasmtime's conversion
 * would abort on or misread is an error naming the place. Resource
 * handles are lowered on the way (kept in c->res, in the order of a
 * depth-first walk, which is the order native/ reads them in). */
static wt_error_t *val_check(conv *c, const wasmtime_component_valtype_t *t,
                             const wt_cval_t *v) {
  const char *fn = c->fn;
#define text shape_text(c->s)
  wt_cvalkind_t want = want_kind(t);
  if (v->kind != want) {
    if (wt_cvalkind_name(v->kind)[0] == '?')
      return wt__misuse(fn,
                        "%s: expected %s, got kind %d (not a "
                        "wt_cvalkind_t), in %s",
                        place_text(c), wt_cvalkind_name(want), (int)v->kind, text);
    return wt__misuse(fn, "%s: expected %s, got %s, in %s", place_text(c),
                      wt_cvalkind_name(want), wt_cvalkind_name(v->kind),
                      text);
  }
  wt_error_t *err = NULL;
  wasmtime_component_valtype_t sub;
  switch (want) {
  case WT_CVAL_CHAR:
    if (!scalar_ok(v->of.ch))
      return wt__misuse(fn,
                        "%s: char U+%04X is not a Unicode scalar "
                        "value, in %s",
                        place_text(c), (unsigned)v->of.ch, text);
    break;
  case WT_CVAL_STRING:
    if (!v->of.str.data && v->of.str.len > 0)
      return wt__misuse(fn, "%s: string data is NULL, in %s", place_text(c), text);
    if (!c->utf8_later && !wt__utf8_valid(v->of.str.data, v->of.str.len))
      return wt__misuse(fn, "%s: string is not valid UTF-8, in %s", place_text(c),
                        text);
    break;
  case WT_CVAL_BYTES:
    if (!v->of.bytes.data && v->of.bytes.len > 0)
      return wt__misuse(fn, "%s: bytes data is NULL, in %s", place_text(c), text);
    break;
  case WT_CVAL_LIST:
  case WT_CVAL_TUPLE: {
    size_t n = v->of.items.len;
    if (!v->of.items.items && n > 0)
      return wt__misuse(fn, "%s: items is NULL, in %s", place_text(c), text);
    if (want == WT_CVAL_TUPLE) {
      size_t want_n = wasmtime_component_tuple_type_types_count(t->of.tuple);
      if (n != want_n)
        return wt__misuse(fn, "%s: expected a tuple of %zu items, got %zu, "
                          "in %s", place_text(c), want_n, n, text);
    }
    if (want == WT_CVAL_LIST)
      wasmtime_component_list_type_element(t->of.list, &sub);
    for (size_t i = 0; !err && i < n; i++) {
      if (want == WT_CVAL_TUPLE &&
          !wasmtime_component_tuple_type_types_nth(t->of.tuple, i, &sub))
        return oom();
      size_t old = place_push(c, "element %zu", NULL, 0, i);
      err = val_check(c, &sub, &v->of.items.items[i]);
      place_pop(c, old);
      if (want == WT_CVAL_TUPLE)
        wasmtime_component_valtype_delete(&sub);
    }
    if (want == WT_CVAL_LIST)
      wasmtime_component_valtype_delete(&sub);
    break;
  }
  case WT_CVAL_RECORD: {
    size_t n = v->of.items.len;
    if (!v->of.items.items && n > 0)
      return wt__misuse(fn, "%s: items is NULL, in %s", place_text(c), text);
    size_t want_n = wasmtime_component_record_type_field_count(t->of.record);
    for (size_t i = 0; !err && i < want_n; i++) {
      const char *name;
      size_t len;
      if (!wasmtime_component_record_type_field_nth(t->of.record, i, &name,
                                                    &len, &sub))
        return oom();
      if (i >= n) {
        err = wt__misuse(fn, "%s: field %.*s is missing (got %zu of %zu "
                         "fields), in %s", place_text(c), (int)len, name, n,
                         want_n, text);
      } else {
        size_t old = place_push(c, "field %.*s", name, len, 0);
        err = val_check(c, &sub, &v->of.items.items[i]);
        place_pop(c, old);
      }
      wasmtime_component_valtype_delete(&sub);
    }
    if (!err && n > want_n)
      err = wt__misuse(fn, "%s: field %zu is extra (the record has %zu "
                       "fields), in %s", place_text(c), want_n, want_n, text);
    break;
  }
  case WT_CVAL_ENUM: {
    size_t n = wasmtime_component_enum_type_names_count(t->of.enum_);
    uint32_t i = v->of.choice.index;
    if (i >= n)
      return wt__misuse(fn, "%s: enum case %u is unknown (the enum has %zu "
                        "cases), in %s", place_text(c), (unsigned)i, n, text);
    if (v->of.choice.payload)
      return wt__misuse(fn, "%s: an enum case has no payload, so it must be "
                        "NULL, in %s", place_text(c), text);
    break;
  }
  case WT_CVAL_OPTION: {
    uint32_t i = v->of.choice.index;
    if (i > 1)
      return wt__misuse(fn, "%s: option case %u is unknown (0 is none, 1 is "
                        "some), in %s", place_text(c), (unsigned)i, text);
    if (i == 0)
      return payload_check(c, false, NULL, v->of.choice.payload, "none");
    wasmtime_component_option_type_ty(t->of.option, &sub);
    err = payload_check(c, true, &sub, v->of.choice.payload, "some");
    wasmtime_component_valtype_delete(&sub);
    break;
  }
  case WT_CVAL_RESULT: {
    uint32_t i = v->of.choice.index;
    if (i > 1)
      return wt__misuse(fn, "%s: result case %u is unknown (0 is ok, 1 is "
                        "err), in %s", place_text(c), (unsigned)i, text);
    bool has = i == 0 ? wasmtime_component_result_type_ok(t->of.result, &sub)
                      : wasmtime_component_result_type_err(t->of.result, &sub);
    err = payload_check(c, has, &sub, v->of.choice.payload,
                        i == 0 ? "ok" : "err");
    if (has)
      wasmtime_component_valtype_delete(&sub);
    break;
  }
  case WT_CVAL_VARIANT: {
    size_t n = wasmtime_component_variant_type_case_count(t->of.variant);
    uint32_t i = v->of.choice.index;
    const char *name;
    size_t len;
    bool has = false;
    if (i >= n || !wasmtime_component_variant_type_case_nth(
                      t->of.variant, i, &name, &len, &has, &sub))
      return wt__misuse(fn, "%s: variant case %u is unknown (the variant has "
                        "%zu cases), in %s", place_text(c), (unsigned)i, n, text);
    char what[80];
    snprintf(what, sizeof what, "case %.*s", (int)(len < 64 ? len : 64), name);
    err = payload_check(c, has, &sub, v->of.choice.payload, what);
    if (has)
      wasmtime_component_valtype_delete(&sub);
    break;
  }
  case WT_CVAL_MAP: {
    size_t n = v->of.items.len;
    if (!v->of.items.items && n > 0)
      return wt__misuse(fn, "%s: items is NULL, in %s", place_text(c), text);
    if (n % 2)
      return wt__misuse(fn, "%s: a map has keys and values alternating, so "
                        "an even number of items, got %zu, in %s",
                        place_text(c), n, text);
    wasmtime_component_valtype_t kt, vt;
    wasmtime_component_map_type_key(t->of.map, &kt);
    wasmtime_component_map_type_value(t->of.map, &vt);
    for (size_t i = 0; !err && i < n / 2; i++) {
      size_t old = place_push(c, "key %zu", NULL, 0, i);
      err = val_check(c, &kt, &v->of.items.items[2 * i]);
      place_pop(c, old);
      if (err)
        break;
      old = place_push(c, "value %zu", NULL, 0, i);
      err = val_check(c, &vt, &v->of.items.items[2 * i + 1]);
      place_pop(c, old);
    }
    wasmtime_component_valtype_delete(&kt);
    wasmtime_component_valtype_delete(&vt);
    break;
  }
  case WT_CVAL_OWN:
  case WT_CVAL_BORROW: {
    wasmtime_component_resource_any_t *any = NULL;
    err = wt__res_lower(c->store, fn, place_text(c), text, t, v, c->arena,
                        &c->pend, &any);
    if (!err)
      err = res_keep(c, any);
    break;
  }
  case WT_CVAL_FLAGS: {
    size_t n = wasmtime_component_flags_type_names_count(t->of.flags);
    uint32_t bits = v->of.flags;
    if (n < 32 && bits >> n)
      return wt__misuse(fn, "%s: flags 0x%x set a bit above the %zu flags of "
                        "the type, in %s", place_text(c), (unsigned)bits, n, text);
    break;
  }
  default:
    break;
  }
  return err;
}

#undef text

/* Frees the boxed Wasmtime resource native/ put in the handle `v`. */
static void res_box_free(wt_cval_t *v) {
  wasmtime_component_resource_any_t *any;
  memcpy(&any, &v->of, sizeof any);
  wasmtime_component_resource_any_delete(any);
  memset(&v->of, 0, sizeof v->of);
}

/* Turns the resources in a value native/ wrote (each a boxed Wasmtime
 * resource) into handles of the store's table, freeing the boxes. After an
 * error the rest are freed without being made handles. */
static wt_error_t *res_lift_walk(conv *c, const wasmtime_component_valtype_t *t,
                                 wt_cval_t *v, wt_error_t *err) {
  wasmtime_component_valtype_t sub;
  switch (t->kind) {
  case WASMTIME_COMPONENT_VALTYPE_OWN:
  case WASMTIME_COMPONENT_VALTYPE_BORROW: {
    if (v->kind != WT_CVAL_OWN && v->kind != WT_CVAL_BORROW)
      return err;
    wasmtime_component_resource_any_t *any;
    memcpy(&any, &v->of, sizeof any);
    if (!err) {
      wt_cval_t h;
      err = wt__res_lift(c->store, t, any, c->arena, &c->pend, &h);
      res_box_free(v);
      if (!err)
        *v = h;
    } else {
      res_box_free(v);
    }
    return err;
  }
  case WASMTIME_COMPONENT_VALTYPE_LIST:
    if (v->kind != WT_CVAL_LIST)
      return err;
    wasmtime_component_list_type_element(t->of.list, &sub);
    for (size_t i = 0; i < v->of.items.len; i++)
      err = res_lift_walk(c, &sub, (wt_cval_t *)&v->of.items.items[i], err);
    wasmtime_component_valtype_delete(&sub);
    return err;
  case WASMTIME_COMPONENT_VALTYPE_TUPLE:
    for (size_t i = 0; i < v->of.items.len; i++)
      if (wasmtime_component_tuple_type_types_nth(t->of.tuple, i, &sub)) {
        err = res_lift_walk(c, &sub, (wt_cval_t *)&v->of.items.items[i], err);
        wasmtime_component_valtype_delete(&sub);
      }
    return err;
  case WASMTIME_COMPONENT_VALTYPE_RECORD:
    for (size_t i = 0; i < v->of.items.len; i++) {
      const char *name;
      size_t len;
      if (wasmtime_component_record_type_field_nth(t->of.record, i, &name,
                                                   &len, &sub)) {
        err = res_lift_walk(c, &sub, (wt_cval_t *)&v->of.items.items[i], err);
        wasmtime_component_valtype_delete(&sub);
      }
    }
    return err;
  case WASMTIME_COMPONENT_VALTYPE_MAP: {
    wasmtime_component_valtype_t kt, vt;
    wasmtime_component_map_type_key(t->of.map, &kt);
    wasmtime_component_map_type_value(t->of.map, &vt);
    for (size_t i = 0; i + 1 < v->of.items.len; i += 2) {
      err = res_lift_walk(c, &kt, (wt_cval_t *)&v->of.items.items[i], err);
      err = res_lift_walk(c, &vt, (wt_cval_t *)&v->of.items.items[i + 1], err);
    }
    wasmtime_component_valtype_delete(&kt);
    wasmtime_component_valtype_delete(&vt);
    return err;
  }
  case WASMTIME_COMPONENT_VALTYPE_OPTION:
    if (v->of.choice.payload) {
      wasmtime_component_option_type_ty(t->of.option, &sub);
      err = res_lift_walk(c, &sub, (wt_cval_t *)v->of.choice.payload, err);
      wasmtime_component_valtype_delete(&sub);
    }
    return err;
  case WASMTIME_COMPONENT_VALTYPE_RESULT:
    if (v->of.choice.payload) {
      bool has = v->of.choice.index == 0
                     ? wasmtime_component_result_type_ok(t->of.result, &sub)
                     : wasmtime_component_result_type_err(t->of.result, &sub);
      if (has) {
        err = res_lift_walk(c, &sub, (wt_cval_t *)v->of.choice.payload, err);
        wasmtime_component_valtype_delete(&sub);
      }
    }
    return err;
  case WASMTIME_COMPONENT_VALTYPE_VARIANT:
    if (v->of.choice.payload) {
      const char *name;
      size_t len;
      bool has = false;
      if (wasmtime_component_variant_type_case_nth(
              t->of.variant, v->of.choice.index, &name, &len, &has, &sub) &&
          has) {
        err = res_lift_walk(c, &sub, (wt_cval_t *)v->of.choice.payload, err);
        wasmtime_component_valtype_delete(&sub);
      }
    }
    return err;
  default:
    return err;
  }
}

/* Where an arena stood: its newest block, that block's use, and what it
 * held in all. A NULL arena's mark is empty and rewinding to it does
 * nothing. */
typedef struct arena_mark {
  struct block *top;
  size_t top_used, used;
} arena_mark;

static arena_mark arena_mark_of(const wt_arena_t *a) {
  arena_mark m = {NULL, 0, 0};
  if (a) {
    m.top = a->blocks;
    m.top_used = a->blocks ? a->blocks->used : 0;
    m.used = a->used;
  }
  return m;
}

/* Gives back what was taken from the arena since the mark `m`. */
static void arena_rewind(wt_arena_t *a, arena_mark m) {
  if (!a)
    return;
  struct block *top = m.top;
  /* The newest (largest) of the blocks taken since is kept, empty, so
   * that calls which rewind each time do not allocate each time. */
  struct block *keep = NULL;
  while (a->blocks && a->blocks != top) {
    struct block *b = a->blocks;
    a->blocks = b->next;
    if (keep)
      free(b);
    else
      keep = b;
  }
  if (top)
    top->used = m.top_used;
  if (keep) {
    keep->used = 0;
    keep->next = a->blocks;
    a->blocks = keep;
  }
  a->used = m.used;
}

/* The store's host arena, made on first use; NULL when out of memory. It
 * holds the values of the store's calls in both directions while they run,
 * each call rewinding it to where it found it. */
static wt_arena_t *host_arena(wt_store_t *store) {
  if (!store->host_arena) {
    store->host_arena = calloc(1, sizeof *store->host_arena);
    if (store->host_arena)
      store->host_arena->magic = MAGIC_ARENA;
  }
  return store->host_arena;
}

/* native/'s allocator of result memory: `size` bytes of the arena (NULL
 * without an arena, or out of memory). Not zeroed: native/ writes every
 * byte it takes (on failure the call rewinds the arena), and zeroing a
 * 4 KiB string's copy cost as much as copying it. */
static void *nio_alloc(void *arena, size_t size) {
  return arena ? arena_take_raw(arena, size) : NULL;
}

/* The error for arguments in which native/ found a string that is not
 * UTF-8: the full check's, which names the place. */
static __attribute__((noinline, cold)) wt_error_t *
utf8_error(const conv *done, const wt_cval_t *args, size_t nargs) {
  conv c;
  conv_init(&c, done->fn, done->s, done->store, done->arena);
  wt_error_t *err = NULL;
  for (size_t i = 0; !err && i < nargs; i++) {
    c.depth = 0;
    place_push(&c, "argument %zu", NULL, 0, i);
    err = val_check(&c, &done->s->params[i], &args[i]);
  }
  wt__res_settle(c.store, c.pend, false);
  return err ? err
             : wt__error(WT_ERROR_WASMTIME, "%s: a string is not UTF-8",
                         done->fn);
}

static wt_error_t *func_call(const char *fn, wt_store_t *store,
                             const wt_component_func_t *func,
                             const wt_cval_t *args, size_t nargs,
                             wt_cval_t *results, size_t nresults,
                             wt_arena_t *arena) {
  wt_error_t *err = wt__check_handle(fn, store, "func", func,
                                     func ? func->store_id_ : 0);
  if (err)
    return err;
  if (arena && !arena_ok(arena))
    return wt__misuse(fn, "arena is deleted (or not a wt_arena_t)");
  wasmtime_component_func_t f = wt__cfunc_to(func);
  const shape *sp = NULL;
  if ((err = shape_of(fn, store, &f, &sp)) != NULL)
    return err;
  size_t want_results = sp->has_result ? 1 : 0;
  if (nargs != sp->nparams || nresults != want_results)
    return wt__misuse(fn, "got %zu argument%s and %zu result%s for %s", nargs,
                      nargs == 1 ? "" : "s", nresults,
                      nresults == 1 ? "" : "s", shape_text(sp));
  if ((nargs && !args) || (nresults && !results))
    return wt__misuse(fn, "args or results is NULL");
  if (sp->has_result && needs_arena(&sp->result) && !arena)
    return wt__misuse(fn, "arena is NULL, and the result is a%s %s, in %s",
                      sp->result.kind == WASMTIME_COMPONENT_VALTYPE_ENUM ||
                              sp->result.kind == WASMTIME_COMPONENT_VALTYPE_OPTION
                          ? "n"
                          : "",
                      wt_cvalkind_name(want_kind(&sp->result)), shape_text(sp));
  /* Scratch memory for what checking the arguments keeps (lowered
   * resources and their records), in the store's host arena, given back
   * at the end (before the store may go, with the outermost call). */
  wt_arena_t *scratch = host_arena(store);
  if (!scratch)
    return oom();
  arena_mark scratch_mark = arena_mark_of(scratch);
  conv c;
  conv_init(&c, fn, sp, store, scratch);
  c.utf8_later = true;
  /* Numbers and bools need their kind alone; a mismatch takes the full
   * check for its message. */
  bool full = !sp->scalar_params;
  for (size_t i = 0; !full && i < nargs; i++)
    full = args[i].kind != (wt_cvalkind_t)sp->pkind[i];
  for (size_t i = 0; full && !err && i < nargs; i++) {
    c.depth = 0;
    place_push(&c, "argument %zu", NULL, 0, i);
    err = val_check(&c, &sp->params[i], &args[i]);
  }
  if (!err)
    err = wt__stack_check(fn, store);
  if (err) {
    wt__res_settle(store, c.pend, false);
    arena_rewind(scratch, scratch_mark);
    return err;
  }
  /* native/ reads the arguments as they are and writes the result into
   * the caller's arena; on failure, what this call took from it goes
   * back. */
  wt__nio io = {.arena = arena, .alloc = nio_alloc, .res = c.res,
                .nres = c.nres};
  arena_mark mark = arena_mark_of(arena);
  wt_cval_t out[1];
  memset(out, 0, sizeof out);
  wt__store_enter(store);
  wasmtime_error_t *werr = wt_native_cfunc_call(
      &f, store->ctx, sp->native, args, nargs, out, nresults, &io);
  if (__builtin_expect(io.bad_utf8, 0)) {
    /* A string that is not UTF-8: nothing was called. The full check
     * names it. */
    wasmtime_error_delete(werr);
    wt__res_settle(store, c.pend, false);
    err = utf8_error(&c, args, nargs);
  } else {
    err = wt__call_result(store, WT_ERROR_TRAP, werr, NULL);
    wt__res_settle(store, c.pend, true);
  }
  if (!err && nresults && sp->result_res) {
    conv rc;
    conv_init(&rc, fn, sp, store, arena);
    err = res_lift_walk(&rc, &sp->result, &out[0], NULL);
  }
  if (!err && nresults)
    results[0] = out[0];
  else
    arena_rewind(arena, mark);
  arena_rewind(scratch, scratch_mark);
  wt__store_leave(store);
  return err;
}

wt_error_t *wt_component_func_call(wt_store_t *store,
                                   const wt_component_func_t *func,
                                   const wt_cval_t *args, size_t nargs,
                                   wt_cval_t *results, size_t nresults,
                                   wt_arena_t *arena) {
  return func_call("wt_component_func_call", store, func, args, nargs, results,
                   nresults, arena);
}

wt_error_t *wt_component_instance_call(wt_store_t *store,
                                       const wt_component_instance_t *instance,
                                       const char *name, const wt_cval_t *args,
                                       size_t nargs, wt_cval_t *results,
                                       size_t nresults, wt_arena_t *arena) {
  static const char fn[] = "wt_component_instance_call";
  wt_component_func_t f;
  wt_error_t *err = wt__cfunc_find(fn, store, instance, &name, 1, &f);
  if (err)
    return err;
  return func_call(fn, store, &f, args, nargs, results, nresults, arena);
}

/* ---- host functions ----
 *
 * native/ defines every component host function (wt_native_clinker_add_func)
 * and keeps, per definition, the import types it was called with, each
 * with wt's shape of it made once by chost_shape_new(). Per call,
 * chost_call() has native/ write the arguments as wt values into the
 * store's host arena, runs the callback, checks its results against the
 * import's type and has native/ read them into Wasmtime's values. The
 * arena is rewound when the callback is done, so nested host calls (a
 * callback that calls into another instance of the store) stack. */

void wt__cval_store_free(wt_store_t *store) {
  shapes_free(store->shapes);
  store->shapes = NULL;
  if (!store->host_arena)
    return;
  free_blocks(store->host_arena->blocks);
  free(store->host_arena);
  store->host_arena = NULL;
}

/* Parks `err` on the store for the outermost caller and gives Wasmtime an
 * error with its message. */
static wasmtime_error_t *host_fail(wt_store_t *store, wt_error_t *err) {
  wasmtime_error_t *w = wasmtime_error_new(wt_error_message(err));
  wt_error_delete(store->host_error);
  store->host_error = err;
  return w;
}

/* The shape of an import type `ty` (taken) of the host function `env`; a
 * type wt does not support gives a shape marked invalid, whose calls fail
 * with the misuse error naming the type. NULL when out of memory. */
static void *chost_shape_new(void *env, wasmtime_component_func_type_t *ty,
                             wasmtime_error_t **werr) {
  wt__chost *h = env;
  shape *s = malloc(sizeof *s);
  if (!s) {
    wasmtime_component_func_type_delete(ty);
    *werr = wasmtime_error_new("out of memory");
    return NULL;
  }
  wt_error_t *err = shape_from_type(h->label, ty, s);
  if (err) {
    wt_error_delete(err);
    s->params = s->stack;
    s->nparams = 0;
    s->has_result = false;
    s->text_done = false;
    s->native = NULL;
    s->params_res = s->result_res = s->scalar_params = false;
    s->invalid = true;
    s->ty = ty;
  }
  s->owned_ty = ty;
  return s;
}

static void chost_shape_delete(void *p) {
  shape *s = p;
  if (s) {
    shape_free(s);
    free(s);
  }
}

static wasmtime_error_t *chost_call(void *env, wasmtime_context_t *ctx,
                                    void *shape_p, wt__nhostcall *call) {
  wt__chost *h = env;
  wt_store_t *store = wasmtime_context_get_data(ctx);
  const char *fn = h->label;
  const shape *s = shape_p;
  if (store->delete_pending)
    return host_fail(store, wt__misuse(fn, "the store was deleted during a "
                                           "call"));
  if (s->invalid) {
    shape tmp;
    wt_error_t *err = shape_from_type(fn, s->ty, &tmp);
    if (!err) { /* cannot happen: the type did not change */
      shape_free(&tmp);
      err = wt__error(WT_ERROR_WASMTIME, "%s: an unsupported type", fn);
    }
    return host_fail(store, err);
  }
  wt_arena_t *arena = host_arena(store);
  if (!arena)
    return host_fail(store, oom());
  size_t nargs = call->nargs, nresults = call->nresults;
  if (nargs != s->nparams || nresults != (s->has_result ? 1u : 0u))
    return host_fail(store, wt__error(WT_ERROR_WASMTIME,
                                      "%s: Wasmtime gave %zu arguments and "
                                      "%zu results for %s",
                                      fn, nargs, nresults, shape_text(s)));
  arena_mark mark = arena_mark_of(arena);
  conv c;
  conv_init(&c, fn, s, store, arena);
  wt_error_t *err = NULL;
  /* The arguments themselves on the stack for a few (what they point at
   * is in the arena either way). */
  wt_cval_t few[4];
  wt_cval_t *wargs = nargs <= 4 ? few
                                : arena_take(arena, nargs * sizeof *wargs);
  if (!wargs)
    err = oom();
  wt__nio io = {.arena = arena, .alloc = nio_alloc};
  if (!err) {
    wasmtime_error_t *werr = call->lift(call, &io, wargs);
    if (werr)
      err = wt__from_wasmtime(WT_ERROR_WASMTIME, werr);
  }
  /* Borrows lifted here end when the callback returns (c.pend). */
  /* Only arguments native/ wrote are walked (after a failed lift the
   * rest are not values); a walk frees the boxes even after an error. */
  if (!err && s->params_res)
    for (size_t i = 0; i < nargs; i++)
      err = res_lift_walk(&c, &s->params[i], &wargs[i], err);
  wt_cval_t wres[1];
  memset(wres, 0, sizeof wres);
  if (!err)
    err = h->cb(h->env, store, wargs, nargs, wres, nresults, arena);
  if (!err && store->delete_pending)
    err = wt__misuse(fn, "the store was deleted during a call");
  if (!err && nresults) {
    c.depth = 0;
    place_push(&c, "result %zu", NULL, 0, 0);
    err = val_check(&c, &s->result, &wres[0]);
    if (!err) {
      io.res = c.res;
      io.nres = c.nres;
      io.used = 0;
      wasmtime_error_t *werr = call->lower(call, &io, wres);
      if (werr)
        err = wt__from_wasmtime(WT_ERROR_WASMTIME, werr);
    }
  }
  /* Borrows given to the callback end here; resources it returned are
   * wasm's now (or still the host's when it failed). */
  wt__res_settle(store, c.pend, !err);
  arena_rewind(arena, mark);
  return err ? host_fail(store, err) : NULL;
}

const wt__nhostfns wt__chost_fns = {
    .shape_new = chost_shape_new,
    .shape_delete = chost_shape_delete,
    .call = chost_call,
};
