/* Functions: signatures, calls into wasm and host functions. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- signatures ---- */

/* Maps a Wasmtime value type to a wt kind; `plain` is cleared for reference
 * types wt cannot check by kind alone (non-nullable or concrete types). */
bool wt__kind_of(const wasm_valtype_t *vt, wt_valkind_t *kind,
                    bool *plain) {
  wasmtime_valtype_t t;
  wasmtime_valtype_new(vt, &t);
  bool ok = true;
  switch (t.kind) {
  case WASMTIME_VALTYPE_KIND_I32:
    *kind = WT_I32;
    break;
  case WASMTIME_VALTYPE_KIND_I64:
    *kind = WT_I64;
    break;
  case WASMTIME_VALTYPE_KIND_F32:
    *kind = WT_F32;
    break;
  case WASMTIME_VALTYPE_KIND_F64:
    *kind = WT_F64;
    break;
  case WASMTIME_VALTYPE_KIND_V128:
    *kind = WT_V128;
    break;
  case WASMTIME_VALTYPE_KIND_REF:
    switch (t.reftype.heaptype.kind) {
    case WASMTIME_HEAPTYPE_KIND_FUNC:
    case WASMTIME_HEAPTYPE_KIND_CONCRETE_FUNC:
    case WASMTIME_HEAPTYPE_KIND_NOFUNC:
      *kind = WT_FUNCREF;
      break;
    case WASMTIME_HEAPTYPE_KIND_EXTERN:
    case WASMTIME_HEAPTYPE_KIND_NOEXTERN:
      *kind = WT_EXTERNREF;
      break;
    case WASMTIME_HEAPTYPE_KIND_EXN:
    case WASMTIME_HEAPTYPE_KIND_CONCRETE_EXN:
    case WASMTIME_HEAPTYPE_KIND_NOEXN:
      *kind = WT_EXNREF;
      break;
    default:
      *kind = WT_ANYREF;
      break;
    }
    if (!t.reftype.nullable ||
        !(t.reftype.heaptype.kind == WASMTIME_HEAPTYPE_KIND_FUNC ||
          t.reftype.heaptype.kind == WASMTIME_HEAPTYPE_KIND_EXTERN ||
          t.reftype.heaptype.kind == WASMTIME_HEAPTYPE_KIND_ANY ||
          t.reftype.heaptype.kind == WASMTIME_HEAPTYPE_KIND_EXN))
      *plain = false;
    break;
  default:
    ok = false;
  }
  wasmtime_valtype_delete(&t);
  return ok;
}

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
  wt__sig *s = calloc(1, sizeof *s + n);
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
    if (s->kinds[i] > WT_V128)
      s->numeric = false;
  pthread_mutex_lock(&engine->lock);
  for (wt__sig *o = engine->sigs; o; o = o->next) {
    if (o->nparams == s->nparams && o->nresults == s->nresults &&
        memcmp(o->kinds, s->kinds, n) == 0 &&
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

/* Whether `sig` was interned by `engine`. */
static bool sig_of_engine(wt_engine_t *engine, const wt__sig *sig) {
  bool found = false;
  pthread_mutex_lock(&engine->lock);
  for (const wt__sig *s = engine->sigs; s && !found; s = s->next)
    found = s == sig;
  pthread_mutex_unlock(&engine->lock);
  return found;
}

static wasm_valtype_t *valtype_new(wt_valkind_t k) {
  switch (k) {
  case WT_I32:
    return wasm_valtype_new(WASM_I32);
  case WT_I64:
    return wasm_valtype_new(WASM_I64);
  case WT_F32:
    return wasm_valtype_new(WASM_F32);
  case WT_F64:
    return wasm_valtype_new(WASM_F64);
  case WT_V128:
    return wasmtime_wasm_valtype_v128();
  case WT_FUNCREF:
    return wasm_valtype_new(WASM_FUNCREF);
  case WT_EXTERNREF:
    return wasm_valtype_new(WASM_EXTERNREF);
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
  } names[] = {{"i32", WT_I32},         {"i64", WT_I64},
               {"f32", WT_F32},         {"f64", WT_F64},
               {"v128", WT_V128},       {"funcref", WT_FUNCREF},
               {"externref", WT_EXTERNREF}};
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
      items[side][counts[side]++] = valtype_new(k);
    }
    if (r < 0 || (side == 0 && *p != '\0' && !(p[0] == '-' && p[1] == '>')) ||
        (side == 1 && *p != '\0')) {
      for (int s = 0; s <= side; s++)
        for (size_t i = 0; i < counts[s]; i++)
          wasm_valtype_delete(items[s][i]);
      *err = wt__misuse(fn,
                        "bad signature \"%s\" at offset %zu: expected value "
                        "types (i32 i64 f32 f64 v128 funcref externref), "
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

/* ---- calls into wasm ---- */

#define WT_STACK_VALS 16

/* Calls through Wasmtime's checked entry point, for signatures whose
 * reference types need Wasmtime's subtype checks. */
static wt_error_t *checked_call(wt_store_t *store, const wt_func_t *func,
                                const wt__sig *sig, const wt_val_t *args,
                                wt_val_t *results) {
  static const char fn[] = "wt_func_call";
  size_t n = sig->nparams + sig->nresults;
  wasmtime_val_t *vals = calloc(n ? n : 1, sizeof *vals);
  if (!vals)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  wt_error_t *err = NULL;
  for (size_t i = 0; !err && i < sig->nparams; i++)
    err = wt__val_to_wasmtime(fn, store, &args[i], &vals[i]);
  if (!err) {
    wasmtime_func_t f = {func->store_id_, func->raw_};
    wasm_trap_t *trap = NULL;
    wasmtime_val_t *res = vals + sig->nparams;
    wt__store_enter(store);
    wasmtime_error_t *werr = wasmtime_func_call(
        store->ctx, &f, vals, sig->nparams, res, sig->nresults, &trap);
    err = wt__call_result(store, WT_ERROR_TRAP, werr, trap);
    for (size_t i = 0; i < sig->nresults; i++) {
      if (!err)
        err = wt__val_from_wasmtime(store, &res[i], &results[i]);
      else if (werr == NULL && trap == NULL)
        wasmtime_val_unroot(&res[i]);
    }
    wt__store_leave(store);
  }
  free(vals);
  return err;
}

wt_error_t *wt_func_call(wt_store_t *store, const wt_func_t *func,
                         const wt_val_t *args, size_t nargs,
                         wt_val_t *results, size_t nresults) {
  static const char fn[] = "wt_func_call";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!func)
    return wt__misuse(fn, "func is NULL");
  if (func->store_id_ == 0)
    return wt__misuse(fn, "func is a null funcref");
  if (func->store_id_ != store->id || !func->sig_)
    return wt__misuse(fn, "func belongs to another store (or to a deleted "
                          "one)");
  const wt__sig *sig = func->sig_;
  if (nargs != sig->nparams || nresults != sig->nresults)
    return wt__misuse(fn, "got %zu argument%s and %zu result%s for %s", nargs,
                      nargs == 1 ? "" : "s", nresults,
                      nresults == 1 ? "" : "s", sig->text);
  if ((nargs && !args) || (nresults && !results))
    return wt__misuse(fn, "args or results is NULL");
  for (size_t i = 0; i < nargs; i++)
    if ((err = wt__val_check(fn, "argument", i, &args[i], sig->kinds[i],
                             store)) != NULL) {
      /* Name the signature, as for a wrong count. */
      wt_error_t *e = wt__error(WT_ERROR_MISUSE, "%s, for %s",
                                wt_error_message(err), sig->text);
      wt_error_delete(err);
      return e;
    }
  if (!sig->plain)
    return checked_call(store, func, sig, args, results);

  size_t n = nargs > nresults ? nargs : nresults;
  wasmtime_val_raw_t stack[WT_STACK_VALS];
  wasmtime_val_raw_t *raw = n <= WT_STACK_VALS ? stack : malloc(n * sizeof *raw);
  if (!raw)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  for (size_t i = 0; i < nargs; i++)
    wt__val_to_raw(&args[i], &raw[i], store);
  wasmtime_func_t f = {func->store_id_, func->raw_};
  wasm_trap_t *trap = NULL;
  wt__store_enter(store);
  wasmtime_error_t *werr =
      wasmtime_func_call_unchecked(store->ctx, &f, raw, n, &trap);
  err = wt__call_result(store, WT_ERROR_TRAP, werr, trap);
  for (size_t i = 0; !err && i < nresults; i++)
    err = wt__val_from_raw(store, sig->kinds[nargs + i], &raw[i], &results[i]);
  wt__store_leave(store);
  if (raw != stack)
    free(raw);
  return err;
}

/* ---- host functions ---- */

typedef struct host_func {
  wt_func_cb cb;
  void *env;
  void (*finalizer)(void *);
  const wt__sig *sig;
} host_func;

static void host_func_free(void *p) {
  host_func *h = p;
  if (h->finalizer)
    h->finalizer(h->env);
  free(h);
}

/* The wt store of a host call: Wasmtime's store data. Asked only where it
 * is needed, so the fast paths never pay for it. */
static inline wt_store_t *caller_store(wasmtime_caller_t *caller) {
  return wasmtime_context_get_data(wasmtime_caller_context(caller));
}

static wasm_trap_t *host_trap(wt_store_t *store, wt_error_t *e) {
  wasm_trap_t *t = wt__to_trap(e);
  wt_error_delete(store->host_error);
  store->host_error = e;
  return t;
}

static wasm_trap_t *host_trampoline(void *env, wasmtime_caller_t *raw_caller,
                                    wasmtime_val_raw_t *raw, size_t n);

/* The host trampoline for signatures of numbers only: values are copied
 * between Wasmtime's raw slots and wt_val_t without conversions. Chosen at
 * definition time, so the generic trampoline below never sees these. */
static wasm_trap_t *numeric_trampoline(void *env,
                                       wasmtime_caller_t *raw_caller,
                                       wasmtime_val_raw_t *raw, size_t n) {
  (void)n;
  host_func *h = env;
  const wt__sig *sig = h->sig;
  size_t np = sig->nparams, nr = sig->nresults;
  const wt_valkind_t *kinds = sig->kinds;
  wt_val_t vals[WT_STACK_VALS];
  for (size_t i = 0; i < np; i++) {
    vals[i].kind = kinds[i];
    memcpy(&vals[i].of, &raw[i], sizeof raw[i]);
  }
  wt_val_t *results = vals + np;
  for (size_t i = 0; i < nr; i++) {
    results[i].kind = kinds[np + i];
    memset(&results[i].of, 0, sizeof raw[i]);
  }
  wt_error_t *err =
      h->cb(h->env, (wt_caller_t *)raw_caller, vals, np, results, nr);
  if (__builtin_expect(err != NULL, 0))
    return host_trap(caller_store(raw_caller), err);
  for (size_t i = 0; i < nr; i++) {
    if (__builtin_expect(results[i].kind != kinds[np + i], 0)) {
      wt_store_t *store = caller_store(raw_caller);
      return host_trap(store, wt__val_check("host function", "result", i,
                                            &results[i], kinds[np + i],
                                            store));
    }
    memcpy(&raw[i], &results[i].of, sizeof raw[i]);
  }
  wt_store_t *store = caller_store(raw_caller);
  if (__builtin_expect(store->delete_pending, 0))
    return host_trap(store, wt__misuse("host function",
                                       "the store was deleted during a call"));
  return NULL;
}

/* The trampoline a signature needs. */
static wasmtime_func_unchecked_callback_t trampoline_for(const wt__sig *sig) {
  return sig->numeric && sig->nparams + sig->nresults <= WT_STACK_VALS
             ? numeric_trampoline
             : host_trampoline;
}

static wasm_trap_t *host_trampoline(void *env, wasmtime_caller_t *raw_caller,
                                    wasmtime_val_raw_t *raw, size_t n) {
  (void)n;
  host_func *h = env;
  const wt__sig *sig = h->sig;
  wt_store_t *store = caller_store(raw_caller);
  if (store->delete_pending)
    return host_trap(store, wt__misuse("host function",
                                       "the store was deleted during a call"));
  wt_val_t stack[WT_STACK_VALS];
  size_t nvals = sig->nparams + sig->nresults;
  wt_val_t *vals = nvals <= WT_STACK_VALS ? stack : malloc(nvals * sizeof *vals);
  if (!vals)
    return host_trap(store, wt__error(WT_ERROR_WASMTIME, "out of memory"));
  wt_error_t *err = NULL;
  for (size_t i = 0; !err && i < sig->nparams; i++)
    err = wt__val_from_raw(store, sig->kinds[i], &raw[i], &vals[i]);
  wt_val_t *results = vals + sig->nparams;
  for (size_t i = 0; i < sig->nresults; i++) {
    memset(&results[i], 0, sizeof results[i]);
    results[i].kind = sig->kinds[sig->nparams + i];
  }
  if (!err)
    err = h->cb(h->env, (wt_caller_t *)raw_caller, vals, sig->nparams,
                results, sig->nresults);
  for (size_t i = 0; !err && i < sig->nresults; i++)
    err = wt__val_check("host function", "result", i, &results[i],
                        sig->kinds[sig->nparams + i], store);
  if (!err && store->delete_pending)
    err = wt__misuse("host function", "the store was deleted during a call");
  for (size_t i = 0; !err && i < sig->nresults; i++)
    wt__val_to_raw(&results[i], &raw[i], store);
  /* References passed in were lent for the call only. */
  for (size_t i = 0; i < sig->nparams; i++)
    if (vals[i].kind >= WT_EXTERNREF)
      wt__ref_drop(store, &vals[i].of.ref);
  if (vals != stack)
    free(vals);
  return err ? host_trap(store, err) : NULL;
}

/* Shared by the two define functions: `sig` or, when NULL, `sig_text`. */
static wt_error_t *define(const char *fn, wt_linker_t *linker,
                          const char *module, const char *name,
                          const wt__sig *sig, const char *sig_text,
                          wt_func_cb cb, void *env,
                          void (*finalizer)(void *)) {
  wt_error_t *err = NULL;
  if (!linker || linker->magic != WT_MAGIC_LINKER)
    err = wt__misuse(fn, "linker is NULL or deleted");
  else if (!module || !name)
    err = wt__misuse(fn, "module or name is NULL");
  else if (!wt__utf8_valid(module, strlen(module)) ||
           !wt__utf8_valid(name, strlen(name)))
    err = wt__misuse(fn, "module or name is not valid UTF-8");
  else if (!cb)
    err = wt__misuse(fn, "callback is NULL");
  else if (!sig && !sig_text)
    err = wt__misuse(fn, "type is NULL");
  if (!err && !sig)
    sig = wt__sig_parse(linker->engine, fn, sig_text, &err);
  host_func *h = err ? NULL : malloc(sizeof *h);
  if (!err && !h)
    err = wt__error(WT_ERROR_WASMTIME, "out of memory");
  if (err) {
    if (finalizer)
      finalizer(env);
    return err;
  }
  h->cb = cb;
  h->env = env;
  h->finalizer = finalizer;
  h->sig = sig;
  wasmtime_error_t *werr = wasmtime_linker_define_func_unchecked(
      linker->raw, module, strlen(module), name, strlen(name), sig->type,
      trampoline_for(sig), h, host_func_free);
  if (werr)
    return wt__from_wasmtime(WT_ERROR_LINK, werr);
  return NULL;
}

wt_error_t *wt_linker_define_func(wt_linker_t *linker, const char *module,
                                  const char *name, const char *sig_text,
                                  wt_func_cb cb, void *env,
                                  void (*finalizer)(void *)) {
  static const char fn[] = "wt_linker_define_func";
  if (!sig_text) {
    if (finalizer)
      finalizer(env);
    return wt__misuse(fn, "signature is NULL");
  }
  return define(fn, linker, module, name, NULL, sig_text, cb, env, finalizer);
}

wt_error_t *wt_linker_define_functype(wt_linker_t *linker, const char *module,
                                      const char *name,
                                      const wt_functype_t *type, wt_func_cb cb,
                                      void *env, void (*finalizer)(void *)) {
  static const char fn[] = "wt_linker_define_functype";
  if (type && linker && linker->magic == WT_MAGIC_LINKER &&
      !sig_of_engine(linker->engine, type)) {
    if (finalizer)
      finalizer(env);
    return wt__misuse(fn, "type belongs to another engine");
  }
  return define(fn, linker, module, name, type, NULL, cb, env, finalizer);
}

wt_error_t *wt_func_new(wt_store_t *store, const wt_functype_t *type,
                        wt_func_cb cb, void *env, void (*finalizer)(void *),
                        wt_func_t *out) {
  static const char fn[] = "wt_func_new";
  wt_error_t *err = wt__check_store(fn, store);
  if (!err && !type)
    err = wt__misuse(fn, "type is NULL");
  if (!err && !sig_of_engine(store->engine, type))
    err = wt__misuse(fn, "type belongs to another engine");
  if (!err && (!cb || !out))
    err = wt__misuse(fn, "callback or out is NULL");
  host_func *h = err ? NULL : malloc(sizeof *h);
  if (!err && !h)
    err = wt__error(WT_ERROR_WASMTIME, "out of memory");
  if (err) {
    if (finalizer)
      finalizer(env);
    return err;
  }
  h->cb = cb;
  h->env = env;
  h->finalizer = finalizer;
  h->sig = type;
  wasmtime_func_t f;
  wasmtime_func_new_unchecked(store->ctx, type->type, trampoline_for(type), h,
                              host_func_free, &f);
  wt__store_saw(store, f.store_id);
  out->store_id_ = f.store_id;
  out->raw_ = f.__private;
  out->sig_ = type;
  return NULL;
}

const wt_functype_t *wt_func_type(wt_store_t *store, const wt_func_t *func) {
  if (!wt__store_ok(store) || !func || func->store_id_ == 0 ||
      func->store_id_ != store->id)
    return NULL;
  return func->sig_;
}

wt_error_t *wt_caller_export(wt_caller_t *caller, const char *name,
                             wt_extern_t *out) {
  static const char fn[] = "wt_caller_export";
  if (!caller || !name || !out)
    return wt__misuse(fn, "caller, name or out is NULL");
  wasmtime_extern_t item;
  wasmtime_caller_t *raw = (wasmtime_caller_t *)caller;
  if (!wasmtime_caller_export_get(raw, name, strlen(name), &item))
    return wt__error(WT_ERROR_NOT_FOUND, "%s: the caller has no export "
                                         "named \"%s\"", fn, name);
  return wt__extern_from_wasmtime(caller_store(raw), &item, out);
}

/* A wt_caller_t is Wasmtime's caller; its store is the current store. */
wt_store_t *wt_caller_store(wt_caller_t *caller) {
  return caller ? caller_store((wasmtime_caller_t *)caller) : NULL;
}

/* ---- the typed fast path ---- */

_Static_assert(offsetof(wt_typed_func_t, store_id_) ==
                       offsetof(wasmtime_func_t, store_id) &&
                   offsetof(wt_typed_func_t, raw_) ==
                       offsetof(wasmtime_func_t, __private),
               "wt_typed_func_t must begin like wasmtime_func_t");
_Static_assert(sizeof(wt_raw_t) == sizeof(wasmtime_val_raw_t),
               "wt_raw_t must match wasmtime_val_raw_t");
_Static_assert(_Alignof(wt_raw_t) <= _Alignof(wasmtime_val_raw_t),
               "wt_raw_t alignment");

wt_error_t *wt_func_typed(wt_store_t *store, const wt_func_t *func,
                          const char *sig_text, wt_typed_func_t *out) {
  static const char fn[] = "wt_func_typed";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!func || !out)
    return wt__misuse(fn, "func or out is NULL");
  if (func->store_id_ == 0)
    return wt__misuse(fn, "func is a null funcref");
  if (func->store_id_ != store->id || !func->sig_)
    return wt__misuse(fn, "func belongs to another store (or to a deleted "
                          "one)");
  const wt__sig *want = wt__sig_parse(store->engine, fn, sig_text, &err);
  if (!want)
    return err;
  const wt__sig *have = func->sig_;
  if (want != have)
    return wt__misuse(fn, "the function is %s, not %s", have->text,
                      want->text);
  if (!have->numeric)
    return wt__misuse(fn, "%s has reference types; use wt_func_call",
                      have->text);
  out->store_id_ = func->store_id_;
  out->raw_ = func->raw_;
  out->sig_ = have;
  out->n_ = have->nparams > have->nresults ? have->nparams : have->nresults;
  return NULL;
}

/* The rare outcomes of a typed call, kept out of the hot path. */
__attribute__((cold, noinline)) static wt_error_t *
typed_misuse(wt_store_t *store, const wt_typed_func_t *func,
             const wt_raw_t *vals) {
  static const char fn[] = "wt_func_call_typed";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!func || func->sig_ == NULL)
    return wt__misuse(fn, "func is NULL or not made by wt_func_typed");
  if (!vals)
    return wt__misuse(fn, "vals is NULL");
  return wt__misuse(fn, "func belongs to another store (or to a deleted "
                        "one)");
}

__attribute__((cold, noinline)) static wt_error_t *
typed_finish(wt_store_t *store, wasmtime_error_t *werr, wasm_trap_t *trap) {
  wt_error_t *err = wt__call_result(store, WT_ERROR_TRAP, werr, trap);
  if (store->depth == 0 && store->delete_pending)
    wt__store_free_deferred(store);
  return err;
}

wt_error_t *wt_func_call_typed(wt_store_t *store, const wt_typed_func_t *func,
                               wt_raw_t *vals) {
  if (__builtin_expect(!store || !func || store->magic != WT_MAGIC_STORE ||
                           func->store_id_ != store->id || !func->sig_ ||
                           (!vals && func->n_ > 0),
                       0))
    return typed_misuse(store, func, vals);
  wasm_trap_t *trap = NULL;
  if (store->depth++ == 0)
    store->owner = wt__thread_tag();
  /* wt_typed_func_t begins with Wasmtime's {store_id, index}. */
  wasmtime_error_t *werr = wasmtime_func_call_unchecked(
      store->ctx, (const wasmtime_func_t *)func, (wasmtime_val_raw_t *)vals,
      func->n_, &trap);
  if (__builtin_expect((--store->depth == 0 && store->delete_pending) ||
                           werr != NULL || trap != NULL,
                       0))
    return typed_finish(store, werr, trap);
  return NULL;
}

typedef struct raw_host_func {
  wt_func_raw_cb cb;
  void *env;
  void (*finalizer)(void *);
  size_t nparams, nresults;
} raw_host_func;

static void raw_host_func_free(void *p) {
  raw_host_func *h = p;
  if (h->finalizer)
    h->finalizer(h->env);
  free(h);
}

static wasm_trap_t *raw_trampoline(void *env, wasmtime_caller_t *raw_caller,
                                   wasmtime_val_raw_t *raw, size_t n) {
  (void)n;
  raw_host_func *h = env;
  wt_error_t *err = h->cb(h->env, (wt_caller_t *)raw_caller, (wt_raw_t *)raw,
                          h->nparams, h->nresults);
  /* A store deleted by the callback is freed when the outermost call into
   * it returns; until then wasm may finish safely. */
  if (__builtin_expect(err == NULL, 1))
    return NULL;
  return host_trap(caller_store(raw_caller), err);
}

wt_error_t *wt_linker_define_func_raw(wt_linker_t *linker, const char *module,
                                      const char *name, const char *sig_text,
                                      wt_func_raw_cb cb, void *env,
                                      void (*finalizer)(void *)) {
  static const char fn[] = "wt_linker_define_func_raw";
  wt_error_t *err = NULL;
  if (!linker || linker->magic != WT_MAGIC_LINKER)
    err = wt__misuse(fn, "linker is NULL or deleted");
  else if (!module || !name)
    err = wt__misuse(fn, "module or name is NULL");
  else if (!wt__utf8_valid(module, strlen(module)) ||
           !wt__utf8_valid(name, strlen(name)))
    err = wt__misuse(fn, "module or name is not valid UTF-8");
  else if (!cb)
    err = wt__misuse(fn, "callback is NULL");
  const wt__sig *sig = NULL;
  if (!err)
    sig = wt__sig_parse(linker->engine, fn, sig_text, &err);
  if (!err && !sig->numeric)
    err = wt__misuse(fn, "%s has reference types; use wt_linker_define_func",
                     sig->text);
  raw_host_func *h = err ? NULL : malloc(sizeof *h);
  if (!err && !h)
    err = wt__error(WT_ERROR_WASMTIME, "out of memory");
  if (err) {
    if (finalizer)
      finalizer(env);
    return err;
  }
  h->cb = cb;
  h->env = env;
  h->finalizer = finalizer;
  h->nparams = sig->nparams;
  h->nresults = sig->nresults;
  wasmtime_error_t *werr = wasmtime_linker_define_func_unchecked(
      linker->raw, module, strlen(module), name, strlen(name), sig->type,
      raw_trampoline, h, raw_host_func_free);
  return werr ? wt__from_wasmtime(WT_ERROR_LINK, werr) : NULL;
}
