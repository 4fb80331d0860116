/* Component type reflection: Wasmtime's component, function and value
 * types described as plain structs in a caller's arena, and their WIT
 * text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- item kinds ---- */

static const char *const item_kind_names[] = {
    [WT_CITEM_FUNC] = "func",           [WT_CITEM_INSTANCE] = "instance",
    [WT_CITEM_MODULE] = "module",       [WT_CITEM_COMPONENT] = "component",
    [WT_CITEM_RESOURCE] = "resource",   [WT_CITEM_CORE_FUNC] = "core func",
    [WT_CITEM_TYPE] = "type",
};

const char *wt_citemkind_name(wt_citemkind_t kind) {
  if ((unsigned)kind < sizeof item_kind_names / sizeof item_kind_names[0] &&
      item_kind_names[kind])
    return item_kind_names[kind];
  return "?";
}

/* ---- text ----
 *
 * A writer keeps the full length of the text and stores the bytes that fit
 * before the last byte of `buf`, which the caller terminates. */

typedef struct writer {
  char *buf;
  size_t cap;
  size_t len;   /* of the full text so far */
  size_t nodes; /* types written so far */
} writer;

/* Caller-built types may be cyclic or shared: these bound the work. */
#define TEXT_MAX_DEPTH 512u
#define TEXT_MAX_NODES ((size_t)1 << 22)

static void put(writer *w, const char *s, size_t n) {
  if (w->cap > 0 && w->len < w->cap - 1) {
    size_t room = w->cap - 1 - w->len;
    memcpy(w->buf + w->len, s, n < room ? n : room);
  }
  w->len += n;
}

static void puts_(writer *w, const char *s) { put(w, s, strlen(s)); }

static size_t finish(writer *w) {
  if (w->cap > 0)
    w->buf[w->len < w->cap - 1 ? w->len : w->cap - 1] = '\0';
  return w->len;
}

/* A core name in WAT's string syntax: quotes, backslashes and bytes
 * outside printable ASCII escaped as \hh. */
static void put_quoted(writer *w, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  put(w, "\"", 1);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      put(w, e, 2);
    } else if (c < 0x20 || c >= 0x7f) {
      char e[3] = {'\\', hex[c >> 4], hex[c & 15]};
      put(w, e, 3);
    } else {
      put(w, (const char *)&s[i], 1);
    }
  }
  put(w, "\"", 1);
}

static void put_name(writer *w, const char *name) {
  puts_(w, name ? name : "?");
}

static void put_type(writer *w, const wt_ctype_t *t, unsigned depth);

/* "<a, b>" with "_" for a missing first one; nothing when both are
 * missing. */
static void put_params(writer *w, const wt_ctype_t *a, const wt_ctype_t *b,
                       unsigned depth) {
  if (!a && !b)
    return;
  put(w, "<", 1);
  if (a)
    put_type(w, a, depth + 1);
  else
    put(w, "_", 1);
  if (b) {
    put(w, ", ", 2);
    put_type(w, b, depth + 1);
  }
  put(w, ">", 1);
}

/* "{ a: u32, b }" for records, variants, enums and flags. */
static void put_members(writer *w, const wt_ctype_t *t, unsigned depth,
                        bool colon) {
  if (t->count == 0 || !t->members) {
    put(w, " {}", 3);
    return;
  }
  put(w, " { ", 3);
  for (size_t i = 0; i < t->count; i++) {
    const wt_cmember_t *m = &t->members[i];
    if (i)
      put(w, ", ", 2);
    put_name(w, m->name);
    if (m->type && colon) {
      put(w, ": ", 2);
      put_type(w, m->type, depth + 1);
    } else if (m->type) {
      put(w, "(", 1);
      put_type(w, m->type, depth + 1);
      put(w, ")", 1);
    }
  }
  put(w, " }", 2);
}

static void put_type(writer *w, const wt_ctype_t *t, unsigned depth) {
  if (!t) {
    put(w, "?", 1);
    return;
  }
  if (depth > TEXT_MAX_DEPTH || ++w->nodes > TEXT_MAX_NODES) {
    put(w, "...", 3);
    return;
  }
  switch (t->kind) {
  case WT_CVAL_BOOL:
  case WT_CVAL_S8:
  case WT_CVAL_U8:
  case WT_CVAL_S16:
  case WT_CVAL_U16:
  case WT_CVAL_S32:
  case WT_CVAL_U32:
  case WT_CVAL_S64:
  case WT_CVAL_U64:
  case WT_CVAL_F32:
  case WT_CVAL_F64:
  case WT_CVAL_CHAR:
  case WT_CVAL_STRING:
  case WT_CVAL_ERROR_CONTEXT:
    puts_(w, wt_cvalkind_name(t->kind));
    break;
  case WT_CVAL_LIST:
  case WT_CVAL_OPTION:
    puts_(w, t->kind == WT_CVAL_LIST ? "list<" : "option<");
    put_type(w, t->elem, depth + 1);
    put(w, ">", 1);
    break;
  case WT_CVAL_FUTURE:
  case WT_CVAL_STREAM:
    puts_(w, wt_cvalkind_name(t->kind));
    put_params(w, t->elem, NULL, depth);
    break;
  case WT_CVAL_RESULT:
    puts_(w, "result");
    put_params(w, t->ok, t->err, depth);
    break;
  case WT_CVAL_MAP:
    puts_(w, "map<");
    put_type(w, t->key, depth + 1);
    put(w, ", ", 2);
    put_type(w, t->value, depth + 1);
    put(w, ">", 1);
    break;
  case WT_CVAL_TUPLE:
    puts_(w, "tuple<");
    for (size_t i = 0; t->members && i < t->count; i++) {
      if (i)
        put(w, ", ", 2);
      put_type(w, t->members[i].type, depth + 1);
    }
    put(w, ">", 1);
    break;
  case WT_CVAL_RECORD:
  case WT_CVAL_VARIANT:
  case WT_CVAL_ENUM:
  case WT_CVAL_FLAGS:
    puts_(w, wt_cvalkind_name(t->kind));
    put_members(w, t, depth, t->kind == WT_CVAL_RECORD);
    break;
  case WT_CVAL_OWN:
  case WT_CVAL_BORROW:
    puts_(w, t->kind == WT_CVAL_OWN ? "own<" : "borrow<");
    put_name(w, t->resource.name);
    put(w, ">", 1);
    break;
  default:
    put(w, "?", 1);
  }
}

static void put_func(writer *w, const wt_cfunctype_t *f, unsigned depth) {
  puts_(w, f->is_async ? "async func(" : "func(");
  for (size_t i = 0; f->params && i < f->nparams; i++) {
    if (i)
      put(w, ", ", 2);
    put_name(w, f->params[i].name);
    put(w, ": ", 2);
    put_type(w, f->params[i].type, depth + 1);
  }
  put(w, ")", 1);
  if (f->result) {
    put(w, " -> ", 4);
    put_type(w, f->result, depth + 1);
  }
}

static void put_item(writer *w, const wt_citem_t *it, unsigned depth);

/* Continues " { name: item; name: item" (the caller closes it), with
 * "import " or "export " before each name when `prefix` is set; *first
 * says whether nothing was written yet. */
static void put_items(writer *w, const wt_citems_t *items, const char *prefix,
                      bool *first, unsigned depth) {
  for (size_t i = 0; items->items && i < items->len; i++) {
    puts_(w, *first ? " { " : "; ");
    *first = false;
    if (prefix)
      puts_(w, prefix);
    put_name(w, items->items[i].name);
    put(w, ": ", 2);
    put_item(w, &items->items[i], depth + 1);
  }
}

/* One import ("import \"m\" \"f\": (func)", `module` not NULL) or export
 * ("export \"f\": (func)") of a core module type. */
static void put_core(writer *w, const char *module, size_t module_len,
                     const char *name, size_t name_len,
                     const wt_externtype_t *type, bool *first) {
  puts_(w, *first ? " { " : "; ");
  *first = false;
  puts_(w, module ? "import " : "export ");
  if (module) {
    put_quoted(w, module, module_len);
    put(w, " ", 1);
  }
  put_quoted(w, name ? name : "", name ? name_len : 0);
  put(w, ": ", 2);
  size_t n = wt_externtype_text(type, w->len < w->cap ? w->buf + w->len : NULL,
                                w->len < w->cap ? w->cap - w->len : 0);
  w->len += n;
}

static void put_item(writer *w, const wt_citem_t *it, unsigned depth) {
  if (depth > TEXT_MAX_DEPTH || ++w->nodes > TEXT_MAX_NODES) {
    put(w, "...", 3);
    return;
  }
  bool first = true;
  switch (it->kind) {
  case WT_CITEM_FUNC:
    put_func(w, &it->of.func, depth);
    return;
  case WT_CITEM_INSTANCE:
    puts_(w, "instance");
    put_items(w, &it->of.instance, NULL, &first, depth);
    break;
  case WT_CITEM_COMPONENT:
    puts_(w, "component");
    put_items(w, &it->of.component.imports, "import ", &first, depth);
    put_items(w, &it->of.component.exports, "export ", &first, depth);
    break;
  case WT_CITEM_MODULE: {
    const wt_cmoduletype_t *m = &it->of.module;
    puts_(w, "module");
    for (size_t i = 0; m->imports && i < m->nimports; i++) {
      const wt_import_t *imp = &m->imports[i];
      put_core(w, imp->module ? imp->module : "",
               imp->module ? imp->module_len : 0, imp->name, imp->name_len,
               &imp->type, &first);
    }
    for (size_t i = 0; m->exports && i < m->nexports; i++) {
      const wt_export_t *exp = &m->exports[i];
      put_core(w, NULL, 0, exp->name, exp->name_len, &exp->type, &first);
    }
    break;
  }
  case WT_CITEM_RESOURCE:
    puts_(w, "resource");
    return;
  case WT_CITEM_CORE_FUNC:
    puts_(w, it->of.core_func ? wt_functype_text(it->of.core_func) : "(func)");
    return;
  case WT_CITEM_TYPE:
    puts_(w, "type ");
    put_type(w, it->of.type, depth + 1);
    return;
  default:
    put(w, "?", 1);
    return;
  }
  put(w, first ? " {}" : " }", first ? 3 : 2);
}

size_t wt_ctype_text(const wt_ctype_t *type, char *buf, size_t cap) {
  writer w = {buf, buf ? cap : 0, 0, 0};
  if (type)
    put_type(&w, type, 0);
  return finish(&w);
}

size_t wt_cfunctype_text(const wt_cfunctype_t *type, char *buf, size_t cap) {
  writer w = {buf, buf ? cap : 0, 0, 0};
  if (type)
    put_func(&w, type, 0);
  return finish(&w);
}

size_t wt_citem_text(const wt_citem_t *item, char *buf, size_t cap) {
  writer w = {buf, buf ? cap : 0, 0, 0};
  if (item)
    put_item(&w, item, 0);
  return finish(&w);
}

/* ---- equality ---- */

static bool name_equal(const char *a, const char *b) {
  return a == b || (a && b && strcmp(a, b) == 0);
}

/* `left` counts the comparisons still allowed, which bounds the work for
 * types shared many times over (a caller's). */
static bool equal(const wt_ctype_t *a, const wt_ctype_t *b, unsigned depth,
                  size_t *left) {
  if (a == b)
    return true;
  if (!a || !b || a->kind != b->kind || depth > TEXT_MAX_DEPTH ||
      (*left)-- == 0)
    return false;
  switch (a->kind) {
  case WT_CVAL_LIST:
  case WT_CVAL_OPTION:
  case WT_CVAL_FUTURE:
  case WT_CVAL_STREAM:
    return equal(a->elem, b->elem, depth + 1, left);
  case WT_CVAL_RESULT:
  case WT_CVAL_MAP:
    return equal(a->ok, b->ok, depth + 1, left) &&
           equal(a->err, b->err, depth + 1, left);
  case WT_CVAL_OWN:
  case WT_CVAL_BORROW:
    return a->resource.id == b->resource.id;
  case WT_CVAL_RECORD:
  case WT_CVAL_VARIANT:
  case WT_CVAL_ENUM:
  case WT_CVAL_FLAGS:
  case WT_CVAL_TUPLE: {
    size_t n = a->members ? a->count : 0;
    if (n != (b->members ? b->count : 0))
      return false;
    for (size_t i = 0; i < n; i++)
      if (!name_equal(a->members[i].name, b->members[i].name) ||
          !equal(a->members[i].type, b->members[i].type, depth + 1, left))
        return false;
    return true;
  }
  default:
    return true;
  }
}

bool wt_ctype_equal(const wt_ctype_t *a, const wt_ctype_t *b) {
  size_t left = TEXT_MAX_NODES;
  return equal(a, b, 0, &left);
}

/* ---- descriptions ---- */

/* wt's limits on what Wasmtime already bounds (see the header). */
#define MAX_VAL_DEPTH 128u
#define MAX_ITEM_DEPTH 128u
#define MAX_COMPARES ((uint64_t)1 << 24)

/* A resource type seen in this call: Wasmtime's (a clone, owned) and
 * wt's description of it. */
typedef struct seen {
  wasmtime_component_resource_type_t *raw;
  wt_cresource_t desc;
} seen;

/* One description in progress. */
typedef struct cx {
  const char *fn;
  wt_arena_t *arena;
  wt_engine_t *engine;
  seen *res; /* malloc()ed */
  size_t nres, cap_res;
  uint64_t compares; /* left */
} cx;

static wt_error_t *oom(const cx *c) {
  return wt__error(WT_ERROR_WASMTIME, "%s: out of memory", c->fn);
}

/* `size` zeroed bytes of the arena; NULL, with *err set, when out of
 * memory. */
static void *take(const cx *c, size_t size, wt_error_t **err) {
  void *p = NULL;
  wt_error_t *e = wt_arena_alloc(c->arena, size, &p);
  if (e) {
    wt_error_delete(e);
    *err = oom(c);
    return NULL;
  }
  return p;
}

/* `n` elements of `size` bytes each: NULL for none (*err left as it is),
 * or when out of memory (*err set). */
static void *take_n(const cx *c, size_t n, size_t size, wt_error_t **err) {
  if (n == 0)
    return NULL;
  if (n > SIZE_MAX / size) {
    *err = oom(c);
    return NULL;
  }
  return take(c, n * size, err);
}

/* A NUL-terminated copy of `len` bytes in the arena. */
static wt_error_t *copy_name(const cx *c, const char *s, size_t len,
                             const char **out) {
  if (len == SIZE_MAX)
    return oom(c);
  wt_error_t *err = NULL;
  char *p = take(c, len + 1, &err);
  if (!p)
    return err;
  if (len)
    memcpy(p, s, len);
  *out = p;
  return NULL;
}

static wt_error_t *wasmtime_gave_nothing(const cx *c, const char *what,
                                         size_t i) {
  return wt__error(WT_ERROR_WASMTIME, "%s: Wasmtime gave no %s %zu", c->fn,
                   what, i);
}

static void cx_free(cx *c) {
  for (size_t i = 0; i < c->nres; i++)
    wasmtime_component_resource_type_delete(c->res[i].raw);
  free(c->res);
}

/* The name of the item whose list of items is being walked: Wasmtime's
 * bytes (valid while that item is), copied into the arena the first time
 * a resource needs it. */
typedef struct scope {
  const char *raw;
  size_t len;
  const char *copy;
} scope;

/* The description of resource type `t`: the one already seen that equals
 * it, or a new one numbered after those seen so far, named by a copy of
 * the `len` bytes at `name` when `name` is not NULL, in scope `in` (NULL at
 * the top). */
static wt_error_t *resource_of(cx *c,
                               const wasmtime_component_resource_type_t *t,
                               const char *name, size_t len, scope *in,
                               bool imported, wt_cresource_t *out) {
  for (size_t i = 0; i < c->nres; i++) {
    if (c->compares == 0)
      return wt__error(WT_ERROR_WASMTIME,
                       "%s: too many resource types to tell apart (more than "
                       "%llu comparisons)",
                       c->fn, (unsigned long long)MAX_COMPARES);
    c->compares--;
    if (wasmtime_component_resource_type_equal(c->res[i].raw, t)) {
      *out = c->res[i].desc;
      return NULL;
    }
  }
  if (c->nres >= UINT32_MAX)
    return oom(c);
  if (c->nres == c->cap_res) {
    size_t cap = c->cap_res ? c->cap_res * 2 : 8;
    seen *more = realloc(c->res, cap * sizeof *more);
    if (!more)
      return oom(c);
    c->res = more;
    c->cap_res = cap;
  }
  wt_cresource_t d = {.id = (uint32_t)c->nres, .named = name != NULL,
                      .imported = name != NULL && imported};
  wt_error_t *err = NULL;
  if (name) {
    if (in && !in->copy)
      err = copy_name(c, in->raw, in->len, &in->copy);
    d.scope = in ? in->copy : NULL;
    if (!err)
      err = copy_name(c, name, len, &d.name);
  } else {
    char tmp[16];
    int n = snprintf(tmp, sizeof tmp, "#%u", (unsigned)d.id);
    err = copy_name(c, tmp, (size_t)n, &d.name);
  }
  if (err)
    return err;
  wasmtime_component_resource_type_t *raw =
      wasmtime_component_resource_type_clone(t);
  if (!raw)
    return oom(c);
  c->res[c->nres].raw = raw;
  c->res[c->nres].desc = d;
  c->nres++;
  *out = d;
  return NULL;
}

/* Primitive types are shared, read-only nodes. */
static const wt_ctype_t primitives[] = {
    [WT_CVAL_BOOL] = {.kind = WT_CVAL_BOOL},
    [WT_CVAL_S8] = {.kind = WT_CVAL_S8},
    [WT_CVAL_U8] = {.kind = WT_CVAL_U8},
    [WT_CVAL_S16] = {.kind = WT_CVAL_S16},
    [WT_CVAL_U16] = {.kind = WT_CVAL_U16},
    [WT_CVAL_S32] = {.kind = WT_CVAL_S32},
    [WT_CVAL_U32] = {.kind = WT_CVAL_U32},
    [WT_CVAL_S64] = {.kind = WT_CVAL_S64},
    [WT_CVAL_U64] = {.kind = WT_CVAL_U64},
    [WT_CVAL_F32] = {.kind = WT_CVAL_F32},
    [WT_CVAL_F64] = {.kind = WT_CVAL_F64},
    [WT_CVAL_CHAR] = {.kind = WT_CVAL_CHAR},
    [WT_CVAL_STRING] = {.kind = WT_CVAL_STRING},
    [WT_CVAL_ERROR_CONTEXT] = {.kind = WT_CVAL_ERROR_CONTEXT},
};

/* wt's kind of each of Wasmtime's value type kinds. */
static const wt_cvalkind_t kinds[] = {
    [WASMTIME_COMPONENT_VALTYPE_BOOL] = WT_CVAL_BOOL,
    [WASMTIME_COMPONENT_VALTYPE_S8] = WT_CVAL_S8,
    [WASMTIME_COMPONENT_VALTYPE_S16] = WT_CVAL_S16,
    [WASMTIME_COMPONENT_VALTYPE_S32] = WT_CVAL_S32,
    [WASMTIME_COMPONENT_VALTYPE_S64] = WT_CVAL_S64,
    [WASMTIME_COMPONENT_VALTYPE_U8] = WT_CVAL_U8,
    [WASMTIME_COMPONENT_VALTYPE_U16] = WT_CVAL_U16,
    [WASMTIME_COMPONENT_VALTYPE_U32] = WT_CVAL_U32,
    [WASMTIME_COMPONENT_VALTYPE_U64] = WT_CVAL_U64,
    [WASMTIME_COMPONENT_VALTYPE_F32] = WT_CVAL_F32,
    [WASMTIME_COMPONENT_VALTYPE_F64] = WT_CVAL_F64,
    [WASMTIME_COMPONENT_VALTYPE_CHAR] = WT_CVAL_CHAR,
    [WASMTIME_COMPONENT_VALTYPE_STRING] = WT_CVAL_STRING,
    [WASMTIME_COMPONENT_VALTYPE_LIST] = WT_CVAL_LIST,
    [WASMTIME_COMPONENT_VALTYPE_RECORD] = WT_CVAL_RECORD,
    [WASMTIME_COMPONENT_VALTYPE_TUPLE] = WT_CVAL_TUPLE,
    [WASMTIME_COMPONENT_VALTYPE_VARIANT] = WT_CVAL_VARIANT,
    [WASMTIME_COMPONENT_VALTYPE_ENUM] = WT_CVAL_ENUM,
    [WASMTIME_COMPONENT_VALTYPE_OPTION] = WT_CVAL_OPTION,
    [WASMTIME_COMPONENT_VALTYPE_RESULT] = WT_CVAL_RESULT,
    [WASMTIME_COMPONENT_VALTYPE_FLAGS] = WT_CVAL_FLAGS,
    [WASMTIME_COMPONENT_VALTYPE_OWN] = WT_CVAL_OWN,
    [WASMTIME_COMPONENT_VALTYPE_BORROW] = WT_CVAL_BORROW,
    [WASMTIME_COMPONENT_VALTYPE_FUTURE] = WT_CVAL_FUTURE,
    [WASMTIME_COMPONENT_VALTYPE_STREAM] = WT_CVAL_STREAM,
    [WASMTIME_COMPONENT_VALTYPE_ERROR_CONTEXT] = WT_CVAL_ERROR_CONTEXT,
    [WASMTIME_COMPONENT_VALTYPE_MAP] = WT_CVAL_MAP,
};

static wt_error_t *val(cx *c, const wasmtime_component_valtype_t *t,
                       unsigned depth, const wt_ctype_t **out);

/* Describes `sub` (which it deletes) into *out. */
static wt_error_t *val_take(cx *c, wasmtime_component_valtype_t *sub,
                            unsigned depth, const wt_ctype_t **out) {
  wt_error_t *err = val(c, sub, depth, out);
  wasmtime_component_valtype_delete(sub);
  return err;
}

/* The members of a record, variant, enum, flags or tuple type. */
static wt_error_t *members(cx *c, const wasmtime_component_valtype_t *t,
                           unsigned depth, wt_ctype_t *d) {
  size_t n;
  switch (t->kind) {
  case WASMTIME_COMPONENT_VALTYPE_RECORD:
    n = wasmtime_component_record_type_field_count(t->of.record);
    break;
  case WASMTIME_COMPONENT_VALTYPE_VARIANT:
    n = wasmtime_component_variant_type_case_count(t->of.variant);
    break;
  case WASMTIME_COMPONENT_VALTYPE_ENUM:
    n = wasmtime_component_enum_type_names_count(t->of.enum_);
    break;
  case WASMTIME_COMPONENT_VALTYPE_FLAGS:
    n = wasmtime_component_flags_type_names_count(t->of.flags);
    break;
  default:
    n = wasmtime_component_tuple_type_types_count(t->of.tuple);
    break;
  }
  wt_error_t *err = NULL;
  wt_cmember_t *m = take_n(c, n, sizeof *m, &err);
  if (err)
    return err;
  d->count = n;
  d->members = m;
  for (size_t i = 0; !err && i < n; i++) {
    const char *name = NULL;
    size_t len = 0;
    bool has = true, ok;
    wasmtime_component_valtype_t sub;
    switch (t->kind) {
    case WASMTIME_COMPONENT_VALTYPE_RECORD:
      ok = wasmtime_component_record_type_field_nth(t->of.record, i, &name,
                                                    &len, &sub);
      break;
    case WASMTIME_COMPONENT_VALTYPE_VARIANT:
      ok = wasmtime_component_variant_type_case_nth(t->of.variant, i, &name,
                                                    &len, &has, &sub);
      break;
    case WASMTIME_COMPONENT_VALTYPE_ENUM:
      has = false;
      ok = wasmtime_component_enum_type_names_nth(t->of.enum_, i, &name,
                                                  &len);
      break;
    case WASMTIME_COMPONENT_VALTYPE_FLAGS:
      has = false;
      ok = wasmtime_component_flags_type_names_nth(t->of.flags, i, &name,
                                                   &len);
      break;
    default:
      ok = wasmtime_component_tuple_type_types_nth(t->of.tuple, i, &sub);
      break;
    }
    if (!ok)
      return wasmtime_gave_nothing(c, "member", i);
    if (name)
      err = copy_name(c, name, len, &m[i].name);
    if (has) {
      if (!err)
        err = val(c, &sub, depth + 1, &m[i].type);
      wasmtime_component_valtype_delete(&sub);
    }
  }
  return err;
}

/* Describes value type `t` (borrowed) at nesting `depth` into *out. */
static wt_error_t *val(cx *c, const wasmtime_component_valtype_t *t,
                       unsigned depth, const wt_ctype_t **out) {
  if (depth > MAX_VAL_DEPTH)
    return wt__error(WT_ERROR_WASMTIME,
                     "%s: a type is nested more than %u deep", c->fn,
                     MAX_VAL_DEPTH);
  wt_cvalkind_t k = t->kind < sizeof kinds / sizeof kinds[0] ? kinds[t->kind]
                                                             : 0;
  if (!k)
    return wt__error(WT_ERROR_WASMTIME,
                     "%s: Wasmtime gave a type of unknown kind %u", c->fn,
                     (unsigned)t->kind);
  if (k < sizeof primitives / sizeof primitives[0] && primitives[k].kind) {
    *out = &primitives[k];
    return NULL;
  }
  wt_error_t *err = NULL;
  wt_ctype_t *d = take(c, sizeof *d, &err);
  if (!d)
    return err;
  d->kind = k;
  wasmtime_component_valtype_t sub;
  switch (t->kind) {
  case WASMTIME_COMPONENT_VALTYPE_LIST:
    wasmtime_component_list_type_element(t->of.list, &sub);
    err = val_take(c, &sub, depth + 1, &d->elem);
    break;
  case WASMTIME_COMPONENT_VALTYPE_OPTION:
    wasmtime_component_option_type_ty(t->of.option, &sub);
    err = val_take(c, &sub, depth + 1, &d->elem);
    break;
  case WASMTIME_COMPONENT_VALTYPE_FUTURE:
    if (wasmtime_component_future_type_ty(t->of.future, &sub))
      err = val_take(c, &sub, depth + 1, &d->elem);
    break;
  case WASMTIME_COMPONENT_VALTYPE_STREAM:
    if (wasmtime_component_stream_type_ty(t->of.stream, &sub))
      err = val_take(c, &sub, depth + 1, &d->elem);
    break;
  case WASMTIME_COMPONENT_VALTYPE_RESULT:
    if (wasmtime_component_result_type_ok(t->of.result, &sub))
      err = val_take(c, &sub, depth + 1, &d->ok);
    if (!err && wasmtime_component_result_type_err(t->of.result, &sub))
      err = val_take(c, &sub, depth + 1, &d->err);
    break;
  case WASMTIME_COMPONENT_VALTYPE_MAP:
    wasmtime_component_map_type_key(t->of.map, &sub);
    err = val_take(c, &sub, depth + 1, &d->key);
    if (!err) {
      wasmtime_component_map_type_value(t->of.map, &sub);
      err = val_take(c, &sub, depth + 1, &d->value);
    }
    break;
  case WASMTIME_COMPONENT_VALTYPE_OWN:
    err = resource_of(c, t->of.own, NULL, 0, NULL, false, &d->resource);
    break;
  case WASMTIME_COMPONENT_VALTYPE_BORROW:
    err = resource_of(c, t->of.borrow, NULL, 0, NULL, false, &d->resource);
    break;
  default: /* record, variant, enum, flags, tuple */
    err = members(c, t, depth, d);
    break;
  }
  if (!err)
    *out = d;
  return err;
}

/* Describes function type `ft`; its value types count their depth from
 * 1, whatever the depth of the item that holds it. */
static wt_error_t *functype(cx *c, const wasmtime_component_func_type_t *ft,
                            wt_cfunctype_t *out) {
  wt_cfunctype_t d = {0};
  d.is_async = wasmtime_component_func_type_async(ft);
  size_t n = wasmtime_component_func_type_param_count(ft);
  wt_error_t *err = NULL;
  wt_cmember_t *params = take_n(c, n, sizeof *params, &err);
  for (size_t i = 0; !err && i < n; i++) {
    const char *name;
    size_t len;
    wasmtime_component_valtype_t sub;
    if (!wasmtime_component_func_type_param_nth(ft, i, &name, &len, &sub))
      return wasmtime_gave_nothing(c, "parameter", i);
    err = copy_name(c, name, len, &params[i].name);
    if (!err)
      err = val(c, &sub, 1, &params[i].type);
    wasmtime_component_valtype_delete(&sub);
  }
  wasmtime_component_valtype_t res;
  if (!err && wasmtime_component_func_type_result(ft, &res))
    err = val_take(c, &res, 1, &d.result);
  if (err)
    return err;
  d.nparams = n;
  d.params = params;
  *out = d;
  return NULL;
}

/* ---- lists of items ----
 *
 * The imports or exports of a component type, or the exports of an
 * instance type, read through one interface. */

enum list_kind { IMPORTS, EXPORTS, INSTANCE };

typedef struct list {
  enum list_kind kind;
  const void *ty; /* wasmtime_component_type_t or ..._instance_type_t */
} list;

static size_t list_len(const cx *c, list l) {
  const wasm_engine_t *e = c->engine->raw;
  switch (l.kind) {
  case IMPORTS:
    return wasmtime_component_type_import_count(l.ty, e);
  case EXPORTS:
    return wasmtime_component_type_export_count(l.ty, e);
  default:
    return wasmtime_component_instance_type_export_count(l.ty, e);
  }
}

static bool list_nth(const cx *c, list l, size_t i, const char **name,
                     size_t *len, wasmtime_component_item_t *item) {
  const wasm_engine_t *e = c->engine->raw;
  switch (l.kind) {
  case IMPORTS:
    return wasmtime_component_type_import_nth(l.ty, e, i, name, len, item);
  case EXPORTS:
    return wasmtime_component_type_export_nth(l.ty, e, i, name, len, item);
  default:
    return wasmtime_component_instance_type_export_nth(l.ty, e, i, name, len,
                                                       item);
  }
}

static wt_error_t *too_deep(const cx *c) {
  return wt__error(WT_ERROR_WASMTIME,
                   "%s: items are nested more than %u deep", c->fn,
                   MAX_ITEM_DEPTH);
}

/* First pass: gives every resource item in the list (at any depth) its
 * description, in order, so that the first item of a resource type names
 * it. `in` is the item holding the list, NULL at the top. */
static wt_error_t *collect(cx *c, list l, scope *in, bool imported,
                           unsigned depth);

static wt_error_t *collect_item(cx *c, const char *name, size_t len,
                                const wasmtime_component_item_t *it,
                                scope *in, bool imported, unsigned depth) {
  wt_error_t *err = NULL;
  scope inner = {name, len, NULL};
  switch (it->kind) {
  case WASMTIME_COMPONENT_ITEM_RESOURCE: {
    wt_cresource_t ignored;
    err = resource_of(c, it->of.resource, name, len, in, imported, &ignored);
    break;
  }
  case WASMTIME_COMPONENT_ITEM_COMPONENT_INSTANCE:
    err = collect(c, (list){INSTANCE, it->of.component_instance}, &inner,
                  imported, depth + 1);
    break;
  case WASMTIME_COMPONENT_ITEM_COMPONENT:
    err = collect(c, (list){IMPORTS, it->of.component}, &inner, imported,
                  depth + 1);
    if (!err)
      err = collect(c, (list){EXPORTS, it->of.component}, &inner, imported,
                    depth + 1);
    break;
  default:
    break;
  }
  return err;
}

static wt_error_t *collect(cx *c, list l, scope *in, bool imported,
                           unsigned depth) {
  if (depth > MAX_ITEM_DEPTH)
    return too_deep(c);
  size_t n = list_len(c, l);
  wt_error_t *err = NULL;
  for (size_t i = 0; !err && i < n; i++) {
    const char *name;
    size_t len;
    wasmtime_component_item_t it;
    if (!list_nth(c, l, i, &name, &len, &it))
      return wasmtime_gave_nothing(c, "item", i);
    err = collect_item(c, name, len, &it, in, imported, depth);
    wasmtime_component_item_delete(&it);
  }
  return err;
}

static wt_error_t *items(cx *c, list l, unsigned depth, wt_citems_t *out);

static wt_error_t *module_type(cx *c, const wasmtime_module_type_t *mt,
                               wt_cmoduletype_t *out) {
  const wasm_engine_t *e = c->engine->raw;
  size_t ni = wasmtime_module_type_import_count(mt, e);
  size_t ne = wasmtime_module_type_export_count(mt, e);
  wt_error_t *err = NULL;
  wt_import_t *imps = take_n(c, ni, sizeof *imps, &err);
  wt_export_t *exps = err ? NULL : take_n(c, ne, sizeof *exps, &err);
  for (size_t i = 0; !err && i < ni; i++) {
    wasm_importtype_t *it = wasmtime_module_type_import_nth(mt, e, i);
    if (!it)
      return wasmtime_gave_nothing(c, "module import", i);
    const wasm_name_t *m = wasm_importtype_module(it);
    const wasm_name_t *n = wasm_importtype_name(it);
    imps[i].module_len = m->size;
    imps[i].name_len = n->size;
    err = copy_name(c, m->data, m->size, &imps[i].module);
    if (!err)
      err = copy_name(c, n->data, n->size, &imps[i].name);
    /* A type wt cannot represent is left as the function says. */
    if (!err)
      (void)wt__externtype_from(c->engine, wasm_importtype_type(it),
                                &imps[i].type);
    wasm_importtype_delete(it);
  }
  for (size_t i = 0; !err && i < ne; i++) {
    wasm_exporttype_t *et = wasmtime_module_type_export_nth(mt, e, i);
    if (!et)
      return wasmtime_gave_nothing(c, "module export", i);
    const wasm_name_t *n = wasm_exporttype_name(et);
    exps[i].name_len = n->size;
    err = copy_name(c, n->data, n->size, &exps[i].name);
    if (!err)
      (void)wt__externtype_from(c->engine, wasm_exporttype_type(et),
                                &exps[i].type);
    wasm_exporttype_delete(et);
  }
  if (err)
    return err;
  *out = (wt_cmoduletype_t){imps, ni, exps, ne};
  return NULL;
}

/* Describes item `it` (borrowed), named `name`, into *out. */
static wt_error_t *item(cx *c, const char *name, size_t len,
                        const wasmtime_component_item_t *it, unsigned depth,
                        wt_citem_t *out) {
  if (depth > MAX_ITEM_DEPTH)
    return too_deep(c);
  wt_citem_t d = {0};
  wt_error_t *err = copy_name(c, name, len, &d.name);
  if (err)
    return err;
  switch (it->kind) {
  case WASMTIME_COMPONENT_ITEM_COMPONENT_FUNC:
    d.kind = WT_CITEM_FUNC;
    err = functype(c, it->of.component_func, &d.of.func);
    break;
  case WASMTIME_COMPONENT_ITEM_COMPONENT_INSTANCE:
    d.kind = WT_CITEM_INSTANCE;
    err = items(c, (list){INSTANCE, it->of.component_instance}, depth + 1,
                &d.of.instance);
    break;
  case WASMTIME_COMPONENT_ITEM_COMPONENT:
    d.kind = WT_CITEM_COMPONENT;
    err = items(c, (list){IMPORTS, it->of.component}, depth + 1,
                &d.of.component.imports);
    if (!err)
      err = items(c, (list){EXPORTS, it->of.component}, depth + 1,
                  &d.of.component.exports);
    break;
  case WASMTIME_COMPONENT_ITEM_MODULE:
    d.kind = WT_CITEM_MODULE;
    err = module_type(c, it->of.module, &d.of.module);
    break;
  case WASMTIME_COMPONENT_ITEM_RESOURCE:
    d.kind = WT_CITEM_RESOURCE;
    err = resource_of(c, it->of.resource, NULL, 0, NULL, false,
                      &d.of.resource);
    break;
  case WASMTIME_COMPONENT_ITEM_CORE_FUNC:
    d.kind = WT_CITEM_CORE_FUNC;
    d.of.core_func = wt__sig_of(c->engine, it->of.core_func);
    break;
  case WASMTIME_COMPONENT_ITEM_TYPE:
    d.kind = WT_CITEM_TYPE;
    err = val(c, &it->of.type, 1, &d.of.type);
    break;
  default:
    err = wt__error(WT_ERROR_WASMTIME,
                    "%s: Wasmtime gave an item of unknown kind %u", c->fn,
                    (unsigned)it->kind);
  }
  if (!err)
    *out = d;
  return err;
}

static wt_error_t *items(cx *c, list l, unsigned depth, wt_citems_t *out) {
  size_t n = list_len(c, l);
  wt_error_t *err = NULL;
  wt_citem_t *d = take_n(c, n, sizeof *d, &err);
  for (size_t i = 0; !err && i < n; i++) {
    const char *name;
    size_t len;
    wasmtime_component_item_t it;
    if (!list_nth(c, l, i, &name, &len, &it))
      return wasmtime_gave_nothing(c, "item", i);
    err = item(c, name, len, &it, depth, &d[i]);
    wasmtime_component_item_delete(&it);
  }
  if (!err)
    *out = (wt_citems_t){d, n};
  return err;
}

/* ---- public functions ---- */

/* Checks the arena and `out`; a probe of wt_arena_alloc() tells a deleted
 * arena, whose internals are component_val.c's. */
static wt_error_t *check_arena(const char *fn, wt_arena_t *arena,
                               const void *out) {
  if (!arena)
    return wt__misuse(fn, "arena is NULL");
  if (!out)
    return wt__misuse(fn, "out is NULL");
  void *p;
  wt_error_t *err = wt_arena_alloc(arena, 0, &p);
  if (err) {
    bool misuse = wt_error_kind(err) == WT_ERROR_MISUSE;
    wt_error_delete(err);
    return misuse ? wt__misuse(fn, "arena is deleted (or not a wt_arena_t)")
                  : wt__error(WT_ERROR_WASMTIME, "%s: out of memory", fn);
  }
  return NULL;
}

/* Starts a description of `component`: checks the arguments, takes its
 * type and names its resources. */
static wt_error_t *begin(cx *c, const char *fn,
                         const wt_component_t *component, const char *name,
                         bool by_name, wt_arena_t *arena, const void *out,
                         wasmtime_component_type_t **ty) {
  if (!wt__component_ok(component))
    return wt__misuse(fn, "component is NULL or deleted");
  if (by_name) {
    if (!name)
      return wt__misuse(fn, "name is NULL");
    if (!wt__utf8_valid(name, strlen(name)))
      return wt__misuse(fn, "name is not valid UTF-8");
  }
  wt_error_t *err = check_arena(fn, arena, out);
  if (err)
    return err;
  *c = (cx){.fn = fn, .arena = arena, .engine = component->engine,
            .compares = MAX_COMPARES};
  *ty = wasmtime_component_type(component->raw);
  if (!*ty)
    return oom(c);
  err = collect(c, (list){IMPORTS, *ty}, NULL, true, 1);
  if (!err)
    err = collect(c, (list){EXPORTS, *ty}, NULL, false, 1);
  if (err) {
    wasmtime_component_type_delete(*ty);
    cx_free(c);
  }
  return err;
}

static wt_error_t *list_all(const char *fn, enum list_kind kind,
                            const wt_component_t *component,
                            wt_arena_t *arena, wt_citems_t *out) {
  cx c;
  wasmtime_component_type_t *ty;
  wt_error_t *err = begin(&c, fn, component, NULL, false, arena, out, &ty);
  if (err)
    return err;
  wt_citems_t d;
  err = items(&c, (list){kind, ty}, 1, &d);
  if (!err)
    *out = d;
  wasmtime_component_type_delete(ty);
  cx_free(&c);
  return err;
}

static wt_error_t *find(const char *fn, bool imports,
                        const wt_component_t *component, const char *name,
                        wt_arena_t *arena, wt_citem_t *out) {
  cx c;
  wasmtime_component_type_t *ty;
  wt_error_t *err = begin(&c, fn, component, name, true, arena, out, &ty);
  if (err)
    return err;
  wasmtime_component_item_t it;
  size_t len = strlen(name);
  const wasm_engine_t *e = c.engine->raw;
  bool found = imports
                   ? wasmtime_component_type_import_get(ty, e, name, len, &it)
                   : wasmtime_component_type_export_get(ty, e, name, len, &it);
  if (!found) {
    err = wt__error(WT_ERROR_NOT_FOUND, "%s: the component %s nothing "
                    "named \"%s\"", fn, imports ? "imports" : "exports", name);
  } else {
    wt_citem_t d;
    err = item(&c, name, len, &it, 1, &d);
    if (!err)
      *out = d;
    wasmtime_component_item_delete(&it);
  }
  wasmtime_component_type_delete(ty);
  cx_free(&c);
  return err;
}

wt_error_t *wt_component_imports(const wt_component_t *component,
                                 wt_arena_t *arena, wt_citems_t *out) {
  return list_all("wt_component_imports", IMPORTS, component, arena, out);
}

wt_error_t *wt_component_exports(const wt_component_t *component,
                                 wt_arena_t *arena, wt_citems_t *out) {
  return list_all("wt_component_exports", EXPORTS, component, arena, out);
}

wt_error_t *wt_component_import(const wt_component_t *component,
                                const char *name, wt_arena_t *arena,
                                wt_citem_t *out) {
  return find("wt_component_import", true, component, name, arena, out);
}

wt_error_t *wt_component_export(const wt_component_t *component,
                                const char *name, wt_arena_t *arena,
                                wt_citem_t *out) {
  return find("wt_component_export", false, component, name, arena, out);
}

wt_error_t *wt_component_func_type(wt_store_t *store,
                                   const wt_component_func_t *func,
                                   wt_arena_t *arena, wt_cfunctype_t *out) {
  static const char fn[] = "wt_component_func_type";
  wt_error_t *err = wt__check_handle(fn, store, "func", func,
                                     func ? func->store_id_ : 0);
  if (err)
    return err;
  if ((err = check_arena(fn, arena, out)) != NULL)
    return err;
  cx c = {.fn = fn, .arena = arena, .engine = store->engine,
          .compares = MAX_COMPARES};
  wasmtime_component_func_t f = wt__cfunc_to(func);
  wasmtime_component_func_type_t *ft =
      wasmtime_component_func_type(&f, store->ctx);
  if (!ft)
    return oom(&c);
  wt_cfunctype_t d;
  err = functype(&c, ft, &d);
  if (!err)
    *out = d;
  wasmtime_component_func_type_delete(ft);
  cx_free(&c);
  return err;
}
