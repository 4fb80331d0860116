/* Extern types: memory, table, global and extern types as plain values
 * (function types are sig.c's). */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* ---- from Wasmtime's types ---- */

bool wt__memorytype_from(const wasm_memorytype_t *t, wt_memorytype_t *out) {
  memset(out, 0, sizeof *out);
  out->min = wasmtime_memorytype_minimum(t);
  out->has_max = wasmtime_memorytype_maximum(t, &out->max);
  out->is64 = wasmtime_memorytype_is64(t);
  out->shared = wasmtime_memorytype_isshared(t);
  out->page_size_log2 = wasmtime_memorytype_page_size_log2(t);
  return true;
}

bool wt__tabletype_from(const wasm_tabletype_t *t, wt_tabletype_t *out) {
  memset(out, 0, sizeof *out);
  bool plain;
  if (!wt__kind_of(wasm_tabletype_element(t), &out->elem, &plain))
    return false;
  const wasm_limits_t *l = wasm_tabletype_limits(t);
  out->min = l->min;
  out->has_max = l->max != wasm_limits_max_default;
  out->max = out->has_max ? l->max : 0;
  return true;
}

bool wt__externtype_from(wt_engine_t *engine, const wasm_externtype_t *t,
                         wt_externtype_t *out) {
  memset(out, 0, sizeof *out);
  switch (wasm_externtype_kind(t)) {
  case WASM_EXTERN_FUNC:
    out->kind = WT_EXTERN_FUNC;
    out->of.func = wt__sig_of(engine, wasm_externtype_as_functype_const(t));
    return out->of.func != NULL;
  case WASM_EXTERN_GLOBAL: {
    const wasm_globaltype_t *g = wasm_externtype_as_globaltype_const(t);
    bool plain;
    out->kind = WT_EXTERN_GLOBAL;
    out->of.global.is_mutable = wasm_globaltype_mutability(g) == WASM_VAR;
    return wt__kind_of(wasm_globaltype_content(g), &out->of.global.kind,
                       &plain);
  }
  case WASM_EXTERN_TABLE:
    out->kind = WT_EXTERN_TABLE;
    return wt__tabletype_from(wasm_externtype_as_tabletype_const(t),
                              &out->of.table);
  case WASM_EXTERN_MEMORY:
    out->kind = WT_EXTERN_MEMORY;
    return wt__memorytype_from(wasm_externtype_as_memorytype_const(t),
                               &out->of.memory);
  case WASM_EXTERN_TAG:
    out->kind = WT_EXTERN_TAG;
    out->of.tag = wt__sig_of(
        engine, wasm_tagtype_functype(wasm_externtype_as_tagtype_const(t)));
    return out->of.tag != NULL;
  }
  out->kind = 0xff;
  return false;
}

/* ---- text ---- */

size_t wt_externtype_text(const wt_externtype_t *t, char *buf, size_t cap) {
  char tmp[160];
  const char *s = tmp;
  if (!t) {
    s = "";
  } else {
    switch (t->kind) {
    case WT_EXTERN_FUNC:
      s = t->of.func ? t->of.func->text : "(func)";
      break;
    case WT_EXTERN_GLOBAL:
      snprintf(tmp, sizeof tmp, t->of.global.is_mutable ? "(global (mut %s))"
                                                       : "(global %s)",
               wt_valkind_name(t->of.global.kind));
      break;
    case WT_EXTERN_TABLE: {
      const wt_tabletype_t *tt = &t->of.table;
      int n = snprintf(tmp, sizeof tmp, "(table %s%llu", tt->is64 ? "i64 " : "",
                       (unsigned long long)tt->min);
      if (tt->has_max)
        n += snprintf(tmp + n, sizeof tmp - (size_t)n, " %llu",
                      (unsigned long long)tt->max);
      snprintf(tmp + n, sizeof tmp - (size_t)n, " %s)",
               wt_valkind_name(tt->elem));
      break;
    }
    case WT_EXTERN_MEMORY: {
      const wt_memorytype_t *m = &t->of.memory;
      int n = snprintf(tmp, sizeof tmp, "(memory %s%llu", m->is64 ? "i64 " : "",
                       (unsigned long long)m->min);
      if (m->has_max)
        n += snprintf(tmp + n, sizeof tmp - (size_t)n, " %llu",
                      (unsigned long long)m->max);
      if (m->shared)
        n += snprintf(tmp + n, sizeof tmp - (size_t)n, " shared");
      if (m->page_size_log2 >= 64) /* no such page size: its exponent */
        n += snprintf(tmp + n, sizeof tmp - (size_t)n, " (pagesize 2^%u)",
                      (unsigned)m->page_size_log2);
      else if (m->page_size_log2 != 16)
        n += snprintf(tmp + n, sizeof tmp - (size_t)n, " (pagesize %llu)",
                      1ull << m->page_size_log2);
      snprintf(tmp + n, sizeof tmp - (size_t)n, ")");
      break;
    }
    case WT_EXTERN_TAG: {
      const char *f = t->of.tag ? t->of.tag->text : "(func)";
      snprintf(tmp, sizeof tmp, "(tag%s", f + 5); /* "(func ..." -> "(tag ..." */
      break;
    }
    default:
      s = "(unknown)";
    }
  }
  size_t len = strlen(s);
  if (buf && cap > 0) {
    size_t copy = len < cap - 1 ? len : cap - 1;
    memcpy(buf, s, copy);
    buf[copy] = '\0';
  }
  return len;
}
