/* Function types: signatures interned per engine (wt__sig, which is
 * wt_functype_t), their parsing from text and their WAT text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- interning and text ---- */

static void append(char *buf, size_t cap, size_t *n, const char *s) {
  size_t len = strlen(s);
  if (*n + len < cap) {
    memcpy(buf + *n, s, len + 1);
    *n += len;
  }
}

static char *sig_text(const wt__sig *s) {
  size_t cap = 32 + 10 * (s->nparams + s->nresults), n = 0;
  char *buf = malloc(cap);
  if (!buf)
    return NULL;
  buf[0] = '\0';
  append(buf, cap, &n, "(func");
  for (size_t i = 0; i < s->nparams + s->nresults; i++) {
    if (i == 0 && s->nparams > 0)
      append(buf, cap, &n, " (param");
    if (i == s->nparams) {
      if (s->nparams > 0)
        append(buf, cap, &n, ")");
      append(buf, cap, &n, " (result");
    }
    append(buf, cap, &n, " ");
    append(buf, cap, &n, wt_valkind_name(s->kinds[i]));
  }
  if (s->nparams + s->nresults > 0)
    append(buf, cap, &n, ")");
  append(buf, cap, &n, ")");
  return buf;
}

static bool vec_equal(const wasm_valtype_vec_t *a,
                      const wasm_valtype_vec_t *b) {
  if (a->size != b->size)
    return false;
  for (size_t i = 0; i < a->size; i++)
    if (!wasmtime_wasm_valtype_equal(a->data[i], b->data[i]))
      return false;
  return true;
}

static bool functype_equal(const wasm_functype_t *a,
                           const wasm_functype_t *b) {
  return vec_equal(wasm_functype_params(a), wasm_functype_params(b)) &&
         vec_equal(wasm_functype_results(a), wasm_functype_results(b));
}

const wt__sig *wt__sig_of(wt_engine_t *engine, const wasm_functype_t *type) {
  const wasm_valtype_vec_t *ps = wasm_functype_params(type);
  const wasm_valtype_vec_t *rs = wasm_functype_results(type);
  size_t n = ps->size + rs->size;
  wt__sig *s = calloc(1, sizeof *s + n * sizeof s->kinds[0]);
  if (!s)
    return NULL;
  s->nparams = ps->size;
  s->nresults = rs->size;
  s->plain = true;
  bool result_plain = true;
  for (size_t i = 0; i < n; i++) {
    bool *plain = i < ps->size ? &s->plain : &result_plain;
    const wasm_valtype_t *vt =
        i < ps->size ? ps->data[i] : rs->data[i - ps->size];
    if (!wt__kind_of(vt, &s->kinds[i], plain)) {
      free(s);
      return NULL;
    }
  }
  s->numeric = true;
  for (size_t i = 0; i < n; i++)
    if (s->kinds[i] > WT_VAL_V128)
      s->numeric = false;
  pthread_mutex_lock(&engine->lock);
  for (wt__sig *o = engine->sigs; o; o = o->next) {
    if (o->nparams == s->nparams && o->nresults == s->nresults &&
        memcmp(o->kinds, s->kinds, n * sizeof s->kinds[0]) == 0 &&
        functype_equal(o->type, type)) {
      pthread_mutex_unlock(&engine->lock);
      free(s);
      return o;
    }
  }
  s->type = wasm_functype_copy(type);
  s->text = sig_text(s);
  if (!s->type || !s->text) {
    pthread_mutex_unlock(&engine->lock);
    if (s->type)
      wasm_functype_delete(s->type);
    free(s->text);
    free(s);
    return NULL;
  }
  s->next = engine->sigs;
  engine->sigs = s;
  pthread_mutex_unlock(&engine->lock);
  return s;
}

bool wt__sig_of_engine(wt_engine_t *engine, const wt__sig *sig) {
  bool found = false;
  pthread_mutex_lock(&engine->lock);
  for (const wt__sig *s = engine->sigs; s && !found; s = s->next)
    found = s == sig;
  pthread_mutex_unlock(&engine->lock);
  return found;
}

/* ---- parsing "i32 i64 -> f64" ---- */

static wasm_valtype_t *valtype_new(const wt_engine_t *engine, wt_valkind_t k) {
  switch (k) {
  case WT_VAL_I32:
    return wasm_valtype_new(WASM_I32);
  case WT_VAL_I64:
    return wasm_valtype_new(WASM_I64);
  case WT_VAL_F32:
    return wasm_valtype_new(WASM_F32);
  case WT_VAL_F64:
    return wasm_valtype_new(WASM_F64);
  case WT_VAL_V128:
    return wasmtime_wasm_valtype_v128();
  case WT_VAL_FUNCREF:
    return wasm_valtype_new(WASM_FUNCREF);
  case WT_VAL_EXTERNREF:
    return wasm_valtype_new(WASM_EXTERNREF);
  case WT_VAL_ANYREF: /* (ref null any) and (ref null exn): no wasm.h kind */
  case WT_VAL_EXNREF: {
    wasmtime_valtype_t vt;
    memset(&vt, 0, sizeof vt);
    vt.kind = WASMTIME_VALTYPE_KIND_REF;
    vt.reftype.nullable = true;
    vt.reftype.heaptype.kind = k == WT_VAL_ANYREF ? WASMTIME_HEAPTYPE_KIND_ANY
                                                  : WASMTIME_HEAPTYPE_KIND_EXN;
    return wasmtime_valtype_to_wasm(engine->raw, &vt);
  }
  }
  return NULL;
}

/* Parses one type name at *p; returns false at end of the list. */
static int parse_kind(const char **p, wt_valkind_t *k) {
  while (**p == ' ' || **p == ',' || **p == '\t')
    (*p)++;
  if (**p == '\0' || (**p == '-' && (*p)[1] == '>'))
    return 0;
  static const struct {
    const char *name;
    wt_valkind_t kind;
  } names[] = {{"i32", WT_VAL_I32},         {"i64", WT_VAL_I64},
               {"f32", WT_VAL_F32},         {"f64", WT_VAL_F64},
               {"v128", WT_VAL_V128},       {"funcref", WT_VAL_FUNCREF},
               {"externref", WT_VAL_EXTERNREF}, {"anyref", WT_VAL_ANYREF},
               {"exnref", WT_VAL_EXNREF}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    size_t len = strlen(names[i].name);
    if (strncmp(*p, names[i].name, len) == 0 &&
        ((*p)[len] == '\0' || (*p)[len] == ' ' || (*p)[len] == ',' ||
         (*p)[len] == '\t' || (*p)[len] == '-')) {
      *k = names[i].kind;
      *p += len;
      return 1;
    }
  }
  return -1;
}

const wt__sig *wt__sig_parse(wt_engine_t *engine, const char *fn,
                             const char *text, wt_error_t **err) {
  if (!text) {
    *err = wt__misuse(fn, "signature is NULL");
    return NULL;
  }
  wasm_valtype_vec_t lists[2];
  wasm_valtype_t *items[2][64];
  size_t counts[2] = {0, 0};
  const char *p = text;
  for (int side = 0; side < 2; side++) {
    wt_valkind_t k;
    int r;
    while ((r = parse_kind(&p, &k)) == 1) {
      if (counts[side] == 64) {
        r = -2;
        break;
      }
      items[side][counts[side]++] = valtype_new(engine, k);
    }
    if (r < 0 || (side == 0 && *p != '\0' && !(p[0] == '-' && p[1] == '>')) ||
        (side == 1 && *p != '\0')) {
      for (int s = 0; s <= side; s++)
        for (size_t i = 0; i < counts[s]; i++)
          wasm_valtype_delete(items[s][i]);
      *err = wt__misuse(fn,
                        "bad signature \"%s\" at offset %zu: expected value "
                        "types (i32 i64 f32 f64 v128 funcref externref "
                        "anyref exnref), "
                        "then optionally -> and result types%s",
                        text, (size_t)(p - text),
                        r == -2 ? " (at most 64 of each)" : "");
      return NULL;
    }
    if (side == 0 && *p == '-')
      p += 2;
  }
  wasm_valtype_vec_new(&lists[0], counts[0], items[0]);
  wasm_valtype_vec_new(&lists[1], counts[1], items[1]);
  wasm_functype_t *ty = wasm_functype_new(&lists[0], &lists[1]);
  const wt__sig *sig = wt__sig_of(engine, ty);
  wasm_functype_delete(ty);
  if (!sig)
    *err = wt__error(WT_ERROR_WASMTIME, "out of memory");
  return sig;
}

/* ---- freeing, with the engine ---- */

void wt__sigs_free(wt_engine_t *engine) {
  for (wt__sig *s = engine->sigs, *next; s; s = next) {
    next = s->next;
    wasm_functype_delete(s->type);
    free(s->text);
    free(s);
  }
  engine->sigs = NULL;
}

/* ---- public ---- */

wt_error_t *wt_functype_new(wt_engine_t *engine, const wt_valkind_t *params,
                            size_t nparams, const wt_valkind_t *results,
                            size_t nresults, const wt_functype_t **out) {
  static const char fn[] = "wt_functype_new";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  if (!out || (nparams && !params) || (nresults && !results))
    return wt__misuse(fn, "out, params or results is NULL");
  /* The parser's limit; checked first, so that the sums below cannot
   * overflow. */
  if (nparams > 64 || nresults > 64)
    return wt__misuse(fn, "%zu params and %zu results: at most 64 of each",
                      nparams, nresults);
  /* Build the same text form the parser reads, and parse it: one path. */
  size_t cap = 16 * (nparams + nresults) + 8, n = 0;
  char *text = malloc(cap);
  if (!text)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  text[0] = '\0';
  for (size_t i = 0; i < nparams + nresults; i++) {
    wt_valkind_t k = i < nparams ? params[i] : results[i - nparams];
    if ((unsigned)k > WT_VAL_EXNREF) {
      free(text);
      return wt__misuse(fn, "%s %zu has unsupported kind %d",
                        i < nparams ? "param" : "result",
                        i < nparams ? i : i - nparams, (int)k);
    }
    n += (size_t)snprintf(text + n, cap - n, "%s%s ",
                          i == nparams ? "-> " : "", wt_valkind_name(k));
  }
  wt_error_t *err = NULL;
  const wt__sig *sig = wt__sig_parse(engine, fn, text, &err);
  free(text);
  if (sig)
    *out = sig;
  return err;
}

wt_error_t *wt_functype_parse(wt_engine_t *engine, const char *text,
                              const wt_functype_t **out) {
  static const char fn[] = "wt_functype_parse";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  if (!out)
    return wt__misuse(fn, "out is NULL");
  wt_error_t *err = NULL;
  const wt__sig *sig = wt__sig_parse(engine, fn, text, &err);
  if (sig)
    *out = sig;
  return err;
}

size_t wt_functype_param_count(const wt_functype_t *t) {
  return t ? t->nparams : 0;
}
size_t wt_functype_result_count(const wt_functype_t *t) {
  return t ? t->nresults : 0;
}
wt_valkind_t wt_functype_param(const wt_functype_t *t, size_t i) {
  return t && i < t->nparams ? t->kinds[i] : 0xff;
}
wt_valkind_t wt_functype_result(const wt_functype_t *t, size_t i) {
  return t && i < t->nresults ? t->kinds[t->nparams + i] : 0xff;
}
const char *wt_functype_text(const wt_functype_t *t) {
  return t ? t->text : "";
}
