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

/* The name of the first type in `t` (itself or a type nested in it) that
 * wt does not support yet, NULL when it supports all of them. */
static const char *unsupported(const wasmtime_component_valtype_t *t) {
  if (!kind_of(t->kind))
    return type_name(t->kind);
  const char *bad = NULL;
  wasmtime_component_valtype_t sub;
  switch (t->kind) {
  case WASMTIME_COMPONENT_VALTYPE_LIST:
    wasmtime_component_list_type_element(t->of.list, &sub);
    bad = unsupported(&sub);
    wasmtime_component_valtype_delete(&sub);
    break;
  case WASMTIME_COMPONENT_VALTYPE_OPTION:
    wasmtime_component_option_type_ty(t->of.option, &sub);
    bad = unsupported(&sub);
    wasmtime_component_valtype_delete(&sub);
    break;
  case WASMTIME_COMPONENT_VALTYPE_RESULT:
    if (wasmtime_component_result_type_ok(t->of.result, &sub)) {
      bad = unsupported(&sub);
      wasmtime_component_valtype_delete(&sub);
    }
    if (!bad && wasmtime_component_result_type_err(t->of.result, &sub)) {
      bad = unsupported(&sub);
      wasmtime_component_valtype_delete(&sub);
    }
    break;
  case WASMTIME_COMPONENT_VALTYPE_RECORD: {
    size_t n = wasmtime_component_record_type_field_count(t->of.record);
    for (size_t i = 0; !bad && i < n; i++) {
      const char *name;
      size_t len;
      if (wasmtime_component_record_type_field_nth(t->of.record, i, &name,
                                                   &len, &sub)) {
        bad = unsupported(&sub);
        wasmtime_component_valtype_delete(&sub);
      }
    }
    break;
  }
  case WASMTIME_COMPONENT_VALTYPE_TUPLE: {
    size_t n = wasmtime_component_tuple_type_types_count(t->of.tuple);
    for (size_t i = 0; !bad && i < n; i++)
      if (wasmtime_component_tuple_type_types_nth(t->of.tuple, i, &sub)) {
        bad = unsupported(&sub);
        wasmtime_component_valtype_delete(&sub);
      }
    break;
  }
  case WASMTIME_COMPONENT_VALTYPE_MAP:
    wasmtime_component_map_type_key(t->of.map, &sub);
    bad = unsupported(&sub);
    wasmtime_component_valtype_delete(&sub);
    if (!bad) {
      wasmtime_component_map_type_value(t->of.map, &sub);
      bad = unsupported(&sub);
      wasmtime_component_valtype_delete(&sub);
    }
    break;
  case WASMTIME_COMPONENT_VALTYPE_VARIANT: {
    size_t n = wasmtime_component_variant_type_case_count(t->of.variant);
    for (size_t i = 0; !bad && i < n; i++) {
      const char *name;
      size_t len;
      bool has = false;
      if (wasmtime_component_variant_type_case_nth(t->of.variant, i, &name,
                                                   &len, &has, &sub) &&
          has) {
        bad = unsupported(&sub);
        wasmtime_component_valtype_delete(&sub);
      }
    }
    break;
  }
  default:
    break;
  }
  return bad;
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
  if (err)
    shape_free(s);
  return err;
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
  if (!shapes_put(t, f->__private1, f->__private2, s)) {
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
  /* The place, as steps written out only for an error message. */
  struct step {
    const char *fmt, *name;
    size_t len, index;
  } steps[CONV_STEPS];
  size_t depth;      /* steps taken (beyond CONV_STEPS: not kept) */
  char place[160];
} conv;

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


static wt_error_t *val_to(conv *c, const wasmtime_component_valtype_t *t,
                          const wt_cval_t *v, wasmtime_component_val_t *out);

/* Converts a payload pointer `p` of a case whose type is `t` (has_t false
 * when the case has no payload). */
static wt_error_t *payload_to(conv *c, bool has_t,
                              const wasmtime_component_valtype_t *t,
                              const wt_cval_t *p, const char *what,
                              wasmtime_component_val_t **out) {
  *out = NULL;
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
  wasmtime_component_val_t *raw = arena_take(c->arena, sizeof *raw);
  if (!raw)
    return oom();
  size_t old = place_push(c, "%.*s", what, strlen(what), 0);
  wt_error_t *err = val_to(c, t, p, raw);
  place_pop(c, old);
  *out = raw;
  return err;
}

/* Checks the value `v` against type `t` and converts it, building nested
 * values in the scratch arena; the bytes of strings are borrowed, not
 * copied (Wasmtime only reads arguments). */
static wt_error_t *val_to(conv *c, const wasmtime_component_valtype_t *t,
                          const wt_cval_t *v, wasmtime_component_val_t *out) {
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
  memset(out, 0, sizeof *out);
  if (want <= WT_CVAL_STRING)
    out->kind = (wasmtime_component_valkind_t)(want - 1);
  wt_error_t *err = NULL;
  wasmtime_component_valtype_t sub;
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
                        "%s: char U+%04X is not a Unicode scalar "
                        "value, in %s",
                        place_text(c), (unsigned)v->of.ch, text);
    out->of.character = v->of.ch;
    break;
  case WT_CVAL_STRING:
    if (!v->of.str.data && v->of.str.len > 0)
      return wt__misuse(fn, "%s: string data is NULL, in %s", place_text(c), text);
    if (!wt__utf8_valid(v->of.str.data, v->of.str.len))
      return wt__misuse(fn, "%s: string is not valid UTF-8, in %s", place_text(c),
                        text);
    out->of.string.size = v->of.str.len;
    out->of.string.data = (wasm_byte_t *)v->of.str.data;
    break;
  case WT_CVAL_BYTES: {
    size_t n = v->of.bytes.len;
    if (!v->of.bytes.data && n > 0)
      return wt__misuse(fn, "%s: bytes data is NULL, in %s", place_text(c), text);
    out->kind = WASMTIME_COMPONENT_LIST;
    wasmtime_component_val_t *items =
        n ? arena_take(c->arena, n * sizeof *items) : NULL;
    if (n && !items)
      return oom();
    for (size_t i = 0; i < n; i++) {
      items[i].kind = WASMTIME_COMPONENT_U8;
      items[i].of.u8 = (uint8_t)v->of.bytes.data[i];
    }
    out->of.list.size = n;
    out->of.list.data = items;
    break;
  }
  case WT_CVAL_LIST:
  case WT_CVAL_TUPLE: {
    size_t n = v->of.items.len;
    if (!v->of.items.items && n > 0)
      return wt__misuse(fn, "%s: items is NULL, in %s", place_text(c), text);
    size_t want_n = n;
    if (want == WT_CVAL_TUPLE) {
      want_n = wasmtime_component_tuple_type_types_count(t->of.tuple);
      if (n != want_n)
        return wt__misuse(fn, "%s: expected a tuple of %zu items, got %zu, "
                          "in %s", place_text(c), want_n, n, text);
    }
    out->kind = want == WT_CVAL_LIST ? WASMTIME_COMPONENT_LIST
                                     : WASMTIME_COMPONENT_TUPLE;
    wasmtime_component_val_t *items =
        n ? arena_take(c->arena, n * sizeof *items) : NULL;
    if (n && !items)
      return oom();
    if (want == WT_CVAL_LIST)
      wasmtime_component_list_type_element(t->of.list, &sub);
    for (size_t i = 0; !err && i < n; i++) {
      if (want == WT_CVAL_TUPLE &&
          !wasmtime_component_tuple_type_types_nth(t->of.tuple, i, &sub))
        return oom();
      size_t old = place_push(c, "element %zu", NULL, 0, i);
      err = val_to(c, &sub, &v->of.items.items[i], &items[i]);
      place_pop(c, old);
      if (want == WT_CVAL_TUPLE)
        wasmtime_component_valtype_delete(&sub);
    }
    if (want == WT_CVAL_LIST)
      wasmtime_component_valtype_delete(&sub);
    if (want == WT_CVAL_LIST) {
      out->of.list.size = n;
      out->of.list.data = items;
    } else {
      out->of.tuple.size = n;
      out->of.tuple.data = items;
    }
    break;
  }
  case WT_CVAL_RECORD: {
    size_t n = v->of.items.len;
    if (!v->of.items.items && n > 0)
      return wt__misuse(fn, "%s: items is NULL, in %s", place_text(c), text);
    size_t want_n = wasmtime_component_record_type_field_count(t->of.record);
    out->kind = WASMTIME_COMPONENT_RECORD;
    wasmtime_component_valrecord_entry_t *fields =
        want_n ? arena_take(c->arena, want_n * sizeof *fields) : NULL;
    if (want_n && !fields)
      return oom();
    for (size_t i = 0; !err && i < want_n; i++) {
      const char *name;
      size_t len;
      if (!wasmtime_component_record_type_field_nth(t->of.record, i, &name,
                                                    &len, &sub))
        return oom();
      if (i >= n)
        err = wt__misuse(fn, "%s: field %.*s is missing (got %zu of %zu "
                         "fields), in %s", place_text(c), (int)len, name, n,
                         want_n, text);
      char *copy = err ? NULL : arena_take(c->arena, len + 1);
      if (!err && !copy)
        err = oom();
      if (!err) {
        memcpy(copy, name, len);
        fields[i].name.size = len;
        fields[i].name.data = copy;
        size_t old = place_push(c, "field %.*s", name, len, 0);
        err = val_to(c, &sub, &v->of.items.items[i], &fields[i].val);
        place_pop(c, old);
      }
      wasmtime_component_valtype_delete(&sub);
    }
    if (!err && n > want_n)
      err = wt__misuse(fn, "%s: field %zu is extra (the record has %zu "
                       "fields), in %s", place_text(c), want_n, want_n, text);
    out->of.record.size = want_n;
    out->of.record.data = fields;
    break;
  }
  case WT_CVAL_ENUM: {
    size_t n = wasmtime_component_enum_type_names_count(t->of.enum_);
    uint32_t i = v->of.choice.index;
    const char *name;
    size_t len;
    if (i >= n ||
        !wasmtime_component_enum_type_names_nth(t->of.enum_, i, &name, &len))
      return wt__misuse(fn, "%s: enum case %u is unknown (the enum has %zu "
                        "cases), in %s", place_text(c), (unsigned)i, n, text);
    if (v->of.choice.payload)
      return wt__misuse(fn, "%s: an enum case has no payload, so it must be "
                        "NULL, in %s", place_text(c), text);
    char *copy = arena_take(c->arena, len + 1);
    if (!copy)
      return oom();
    memcpy(copy, name, len);
    out->kind = WASMTIME_COMPONENT_ENUM;
    out->of.enumeration.size = len;
    out->of.enumeration.data = copy;
    break;
  }
  case WT_CVAL_OPTION: {
    uint32_t i = v->of.choice.index;
    if (i > 1)
      return wt__misuse(fn, "%s: option case %u is unknown (0 is none, 1 is "
                        "some), in %s", place_text(c), (unsigned)i, text);
    out->kind = WASMTIME_COMPONENT_OPTION;
    if (i == 0) {
      err = payload_to(c, false, NULL, v->of.choice.payload, "none",
                       &out->of.option);
      break;
    }
    wasmtime_component_option_type_ty(t->of.option, &sub);
    err = payload_to(c, true, &sub, v->of.choice.payload, "some",
                     &out->of.option);
    wasmtime_component_valtype_delete(&sub);
    break;
  }
  case WT_CVAL_RESULT: {
    uint32_t i = v->of.choice.index;
    if (i > 1)
      return wt__misuse(fn, "%s: result case %u is unknown (0 is ok, 1 is "
                        "err), in %s", place_text(c), (unsigned)i, text);
    out->kind = WASMTIME_COMPONENT_RESULT;
    out->of.result.is_ok = i == 0;
    bool has = i == 0 ? wasmtime_component_result_type_ok(t->of.result, &sub)
                      : wasmtime_component_result_type_err(t->of.result, &sub);
    err = payload_to(c, has, &sub, v->of.choice.payload, i == 0 ? "ok" : "err",
                     &out->of.result.val);
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
    char *copy = arena_take(c->arena, len + 1);
    if (copy) {
      memcpy(copy, name, len);
      out->kind = WASMTIME_COMPONENT_VARIANT;
      out->of.variant.discriminant.size = len;
      out->of.variant.discriminant.data = copy;
      char what[80];
      snprintf(what, sizeof what, "case %.*s", (int)(len < 64 ? len : 64),
               name);
      err = payload_to(c, has, &sub, v->of.choice.payload, what,
                       &out->of.variant.val);
    } else {
      err = oom();
    }
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
    wasmtime_component_valmap_entry_t *entries =
        n ? arena_take(c->arena, n / 2 * sizeof *entries) : NULL;
    if (n && !entries)
      return oom();
    wasmtime_component_valtype_t kt, vt;
    wasmtime_component_map_type_key(t->of.map, &kt);
    wasmtime_component_map_type_value(t->of.map, &vt);
    for (size_t i = 0; !err && i < n / 2; i++) {
      size_t old = place_push(c, "key %zu", NULL, 0, i);
      err = val_to(c, &kt, &v->of.items.items[2 * i], &entries[i].key);
      place_pop(c, old);
      if (err)
        break;
      old = place_push(c, "value %zu", NULL, 0, i);
      err = val_to(c, &vt, &v->of.items.items[2 * i + 1], &entries[i].value);
      place_pop(c, old);
    }
    wasmtime_component_valtype_delete(&kt);
    wasmtime_component_valtype_delete(&vt);
    out->kind = WASMTIME_COMPONENT_MAP;
    out->of.map.size = n / 2;
    out->of.map.data = entries;
    break;
  }
  case WT_CVAL_OWN:
  case WT_CVAL_BORROW:
    err = wt__res_lower(c->store, fn, place_text(c), text, t, v, c->arena, &c->pend,
                        &out->of.resource);
    out->kind = WASMTIME_COMPONENT_RESOURCE;
    break;
  case WT_CVAL_FLAGS: {
    size_t n = wasmtime_component_flags_type_names_count(t->of.flags);
    uint32_t bits = v->of.flags;
    if (n < 32 && bits >> n)
      return wt__misuse(fn, "%s: flags 0x%x set a bit above the %zu flags of "
                        "the type, in %s", place_text(c), (unsigned)bits, n, text);
    size_t count = (size_t)__builtin_popcount(bits);
    wasm_name_t *names = count ? arena_take(c->arena, count * sizeof *names)
                               : NULL;
    if (count && !names)
      return oom();
    size_t k = 0;
    for (size_t i = 0; i < n && i < 32; i++) {
      if (!(bits >> i & 1))
        continue;
      const char *name;
      size_t len;
      char *copy;
      if (!wasmtime_component_flags_type_names_nth(t->of.flags, i, &name,
                                                   &len) ||
          !(copy = arena_take(c->arena, len + 1)))
        return oom();
      memcpy(copy, name, len);
      names[k].size = len;
      names[k].data = copy;
      k++;
    }
    out->kind = WASMTIME_COMPONENT_FLAGS;
    out->of.flags.size = k;
    out->of.flags.data = names;
    break;
  }
  default:
    break;
  }
  return err;
}

#undef text

static wt_error_t *bad_result(const wasmtime_component_val_t *r,
                              const wasmtime_component_valtype_t *t) {
  return wt__error(WT_ERROR_WASMTIME,
                   "Wasmtime gave a value of kind %d for a value of type %s",
                   (int)r->kind, type_name(t->kind));
}

static wt_error_t *val_from(conv *c, const wasmtime_component_valtype_t *t,
                            const wasmtime_component_val_t *r,
                            wt_cval_t *out);

/* Converts an optional payload into a new wt_cval_t in the arena. */
static wt_error_t *payload_from(conv *c, bool has_t,
                                const wasmtime_component_valtype_t *t,
                                const wasmtime_component_val_t *r,
                                const wt_cval_t **out) {
  *out = NULL;
  if (!has_t || !r)
    return NULL;
  wt_cval_t *p = arena_take(c->arena, sizeof *p);
  if (!p)
    return oom();
  *out = p;
  return val_from(c, t, r, p);
}

/* Converts a result of type `t`, copying everything it holds into the
 * arena. */
static wt_error_t *val_from(conv *c, const wasmtime_component_valtype_t *t,
                            const wasmtime_component_val_t *r,
                            wt_cval_t *out) {
  wt_cvalkind_t want = want_kind(t);
  static const wasmtime_component_valkind_t raw_kind[] = {
      [WT_CVAL_BYTES] = WASMTIME_COMPONENT_LIST,
      [WT_CVAL_LIST] = WASMTIME_COMPONENT_LIST,
      [WT_CVAL_RECORD] = WASMTIME_COMPONENT_RECORD,
      [WT_CVAL_TUPLE] = WASMTIME_COMPONENT_TUPLE,
      [WT_CVAL_ENUM] = WASMTIME_COMPONENT_ENUM,
      [WT_CVAL_OPTION] = WASMTIME_COMPONENT_OPTION,
      [WT_CVAL_RESULT] = WASMTIME_COMPONENT_RESULT,
      [WT_CVAL_VARIANT] = WASMTIME_COMPONENT_VARIANT,
      [WT_CVAL_FLAGS] = WASMTIME_COMPONENT_FLAGS,
      [WT_CVAL_OWN] = WASMTIME_COMPONENT_RESOURCE,
      [WT_CVAL_BORROW] = WASMTIME_COMPONENT_RESOURCE,
      [WT_CVAL_MAP] = WASMTIME_COMPONENT_MAP,
  };
  unsigned expect = want <= WT_CVAL_STRING ? (unsigned)want - 1
                                           : (unsigned)raw_kind[want];
  if (r->kind != expect)
    return bad_result(r, t);
  memset(out, 0, sizeof *out);
  out->kind = want;
  wt_error_t *err = NULL;
  wasmtime_component_valtype_t sub;
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
    char *copy = arena_take(c->arena, n + 1);
    if (!copy)
      return oom();
    if (n)
      memcpy(copy, r->of.string.data, n);
    copy[n] = '\0';
    out->of.str.data = copy;
    out->of.str.len = n;
    break;
  }
  case WT_CVAL_BYTES: {
    size_t n = r->of.list.size;
    char *copy = arena_take(c->arena, n + 1);
    if (!copy)
      return oom();
    for (size_t i = 0; i < n; i++) {
      if (r->of.list.data[i].kind != WASMTIME_COMPONENT_U8)
        return bad_result(&r->of.list.data[i], t);
      copy[i] = (char)r->of.list.data[i].of.u8;
    }
    copy[n] = '\0';
    out->of.bytes.data = copy;
    out->of.bytes.len = n;
    break;
  }
  case WT_CVAL_LIST:
  case WT_CVAL_TUPLE: {
    size_t n = want == WT_CVAL_LIST ? r->of.list.size : r->of.tuple.size;
    const wasmtime_component_val_t *data =
        want == WT_CVAL_LIST ? r->of.list.data : r->of.tuple.data;
    if (want == WT_CVAL_TUPLE &&
        n != wasmtime_component_tuple_type_types_count(t->of.tuple))
      return bad_result(r, t);
    wt_cval_t *items = arena_take(c->arena, n * sizeof *items);
    if (!items)
      return oom();
    if (want == WT_CVAL_LIST)
      wasmtime_component_list_type_element(t->of.list, &sub);
    for (size_t i = 0; !err && i < n; i++) {
      if (want == WT_CVAL_TUPLE &&
          !wasmtime_component_tuple_type_types_nth(t->of.tuple, i, &sub))
        return oom();
      err = val_from(c, &sub, &data[i], &items[i]);
      if (want == WT_CVAL_TUPLE)
        wasmtime_component_valtype_delete(&sub);
    }
    if (want == WT_CVAL_LIST)
      wasmtime_component_valtype_delete(&sub);
    out->of.items.items = items;
    out->of.items.len = n;
    break;
  }
  case WT_CVAL_RECORD: {
    size_t n = r->of.record.size;
    if (n != wasmtime_component_record_type_field_count(t->of.record))
      return bad_result(r, t);
    wt_cval_t *items = arena_take(c->arena, n * sizeof *items);
    if (!items)
      return oom();
    for (size_t i = 0; !err && i < n; i++) {
      const char *name;
      size_t len;
      if (!wasmtime_component_record_type_field_nth(t->of.record, i, &name,
                                                    &len, &sub))
        return oom();
      err = val_from(c, &sub, &r->of.record.data[i].val, &items[i]);
      wasmtime_component_valtype_delete(&sub);
    }
    out->of.items.items = items;
    out->of.items.len = n;
    break;
  }
  case WT_CVAL_ENUM: {
    size_t n = wasmtime_component_enum_type_names_count(t->of.enum_);
    size_t i = 0;
    for (; i < n; i++) {
      const char *name;
      size_t len;
      if (wasmtime_component_enum_type_names_nth(t->of.enum_, i, &name,
                                                 &len) &&
          len == r->of.enumeration.size &&
          memcmp(name, r->of.enumeration.data, len) == 0)
        break;
    }
    if (i == n)
      return bad_result(r, t);
    out->of.choice.index = (uint32_t)i;
    break;
  }
  case WT_CVAL_OPTION:
    out->of.choice.index = r->of.option ? 1 : 0;
    if (r->of.option) {
      wasmtime_component_option_type_ty(t->of.option, &sub);
      err = payload_from(c, true, &sub, r->of.option, &out->of.choice.payload);
      wasmtime_component_valtype_delete(&sub);
    }
    break;
  case WT_CVAL_RESULT: {
    bool ok = r->of.result.is_ok;
    out->of.choice.index = ok ? 0 : 1;
    bool has = ok ? wasmtime_component_result_type_ok(t->of.result, &sub)
                  : wasmtime_component_result_type_err(t->of.result, &sub);
    err = payload_from(c, has, &sub, r->of.result.val, &out->of.choice.payload);
    if (has)
      wasmtime_component_valtype_delete(&sub);
    break;
  }
  case WT_CVAL_VARIANT: {
    size_t n = wasmtime_component_variant_type_case_count(t->of.variant);
    const wasm_name_t *d = &r->of.variant.discriminant;
    for (size_t i = 0; i < n; i++) {
      const char *name;
      size_t len;
      bool has = false;
      if (!wasmtime_component_variant_type_case_nth(t->of.variant, i, &name,
                                                    &len, &has, &sub))
        return oom();
      bool match = len == d->size && memcmp(name, d->data, len) == 0;
      if (match) {
        out->of.choice.index = (uint32_t)i;
        err = has && !r->of.variant.val ? bad_result(r, t)
                                        : payload_from(c, has, &sub,
                                                       r->of.variant.val,
                                                       &out->of.choice.payload);
      }
      if (has)
        wasmtime_component_valtype_delete(&sub);
      if (match)
        return err;
    }
    return bad_result(r, t);
  }
  case WT_CVAL_FLAGS: {
    size_t n = wasmtime_component_flags_type_names_count(t->of.flags);
    uint32_t bits = 0;
    for (size_t k = 0; k < r->of.flags.size; k++) {
      const wasm_name_t *f = &r->of.flags.data[k];
      size_t i = 0;
      for (; i < n && i < 32; i++) {
        const char *name;
        size_t len;
        if (wasmtime_component_flags_type_names_nth(t->of.flags, i, &name,
                                                    &len) &&
            len == f->size && memcmp(name, f->data, len) == 0)
          break;
      }
      if (i == n || i == 32)
        return bad_result(r, t);
      bits |= (uint32_t)1 << i;
    }
    out->of.flags = bits;
    break;
  }
  case WT_CVAL_MAP: {
    size_t n = r->of.map.size;
    wt_cval_t *items = arena_take(c->arena, 2 * n * sizeof *items);
    if (!items)
      return oom();
    wasmtime_component_valtype_t kt, vt;
    wasmtime_component_map_type_key(t->of.map, &kt);
    wasmtime_component_map_type_value(t->of.map, &vt);
    for (size_t i = 0; !err && i < n; i++) {
      err = val_from(c, &kt, &r->of.map.data[i].key, &items[2 * i]);
      if (!err)
        err = val_from(c, &vt, &r->of.map.data[i].value, &items[2 * i + 1]);
    }
    wasmtime_component_valtype_delete(&kt);
    wasmtime_component_valtype_delete(&vt);
    out->of.items.items = items;
    out->of.items.len = 2 * n;
    break;
  }
  case WT_CVAL_OWN:
  case WT_CVAL_BORROW:
    if (!r->of.resource)
      return bad_result(r, t);
    return wt__res_lift(c->store, t, r->of.resource, c->arena, &c->pend, out);
  default:
    break;
  }
  return err;
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
    err = wt__misuse(fn, "got %zu argument%s and %zu result%s for %s", nargs,
                     nargs == 1 ? "" : "s", nresults, nresults == 1 ? "" : "s",
                     shape_text(sp));
  else if ((nargs && !args) || (nresults && !results))
    err = wt__misuse(fn, "args or results is NULL");
  else if (sp->has_result && needs_arena(&sp->result) && !arena)
    err = wt__misuse(fn, "arena is NULL, and the result is a%s %s, in %s",
                     sp->result.kind == WASMTIME_COMPONENT_VALTYPE_ENUM ||
                             sp->result.kind == WASMTIME_COMPONENT_VALTYPE_OPTION
                         ? "n"
                         : "",
                     wt_cvalkind_name(want_kind(&sp->result)), shape_text(sp));
  /* Scratch memory for the arguments' nested values, in the store's host
   * arena, given back at the end (before the store may go, with the
   * outermost call). */
  wt_arena_t *scratch = err ? NULL : host_arena(store);
  if (!err && !scratch)
    err = oom();
  arena_mark scratch_mark = arena_mark_of(scratch);
  conv c = {.fn = fn, .s = sp, .store = store, .arena = scratch};
  wasmtime_component_val_t stack[SHAPE_STACK];
  wasmtime_component_val_t *raw = stack;
  if (!err && nargs > SHAPE_STACK) {
    raw = arena_take(scratch, nargs * sizeof *raw);
    if (!raw) {
      raw = stack;
      err = oom();
    }
  }
  for (size_t i = 0; !err && i < nargs; i++) {
    c.depth = 0;
    place_push(&c, "argument %zu", NULL, 0, i);
    err = val_to(&c, &sp->params[i], &args[i], &raw[i]);
  }
  if (!err)
    err = wt__stack_check(fn, store);
  if (err)
    wt__res_settle(store, c.pend, false);
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
    wt__res_settle(store, c.pend, true);
    if (!err && nresults) {
      /* Copy into the caller's arena; on failure, give back what this
       * call took from it. */
      wt_cval_t conv_out;
      conv rc = {.fn = fn, .s = sp, .store = store, .arena = arena};
      arena_mark mark = arena_mark_of(arena);
      err = val_from(&rc, &sp->result, &res[0], &conv_out);
      if (!err)
        results[0] = conv_out;
      else
        arena_rewind(arena, mark);
      wasmtime_component_val_delete(&res[0]);
    }
    arena_rewind(scratch, scratch_mark);
    wt__store_leave(store);
  } else {
    arena_rewind(scratch, scratch_mark);
  }
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
 * A component host function's arguments are converted into the store's
 * host arena, its results checked against the import's type and copied
 * into values Wasmtime owns (Wasmtime frees what a host function returns).
 * The arena is rewound when the callback is done, so nested host calls
 * (a callback that calls into another instance of the store) stack. */

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

wasmtime_error_t *wt__chost_call(void *env, wasmtime_context_t *ctx,
                                 const wasmtime_component_func_type_t *ty,
                                 wasmtime_component_val_t *args, size_t nargs,
                                 wasmtime_component_val_t *results,
                                 size_t nresults) {
  wt__chost *h = env;
  wt_store_t *store = wasmtime_context_get_data(ctx);
  const char *fn = h->label;
  if (store->delete_pending)
    return host_fail(store, wt__misuse(fn, "the store was deleted during a "
                                           "call"));
  wt_arena_t *arena = host_arena(store);
  if (!arena)
    return host_fail(store, oom());
  shape s;
  wt_error_t *err = shape_from_type(fn, ty, &s);
  if (err)
    return host_fail(store, err);
  if (nargs != s.nparams || nresults != (s.has_result ? 1u : 0u)) {
    err = wt__error(WT_ERROR_WASMTIME,
                    "%s: Wasmtime gave %zu arguments and %zu results for %s",
                    fn, nargs, nresults, shape_text(&s));
    shape_free(&s);
    return host_fail(store, err);
  }
  arena_mark mark = arena_mark_of(arena);
  conv c = {.fn = fn, .s = &s, .store = store, .arena = arena};
  wt_cval_t *wargs = nargs ? arena_take(arena, nargs * sizeof *wargs) : NULL;
  if (nargs && !wargs)
    err = oom();
  for (size_t i = 0; !err && i < nargs; i++)
    err = val_from(&c, &s.params[i], &args[i], &wargs[i]);
  wt_cval_t wres[1];
  memset(wres, 0, sizeof wres);
  if (!err)
    err = h->cb(h->env, store, wargs, nargs, wres, nresults, arena);
  if (!err && store->delete_pending)
    err = wt__misuse(fn, "the store was deleted during a call");
  if (!err && nresults) {
    wasmtime_component_val_t tmp;
    c.depth = 0;
    place_push(&c, "result %zu", NULL, 0, 0);
    err = val_to(&c, &s.result, &wres[0], &tmp);
    if (!err)
      wasmtime_component_val_clone(&tmp, &results[0]);
  }
  /* Borrows given to the callback end here; resources it returned are
   * wasm's now (or still the host's when it failed). */
  wt__res_settle(store, c.pend, !err);
  arena_rewind(arena, mark);
  shape_free(&s);
  return err ? host_fail(store, err) : NULL;
}
