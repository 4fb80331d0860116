/* The component linker: host functions, core modules and resource types
 * defined at the root or in named instances, and instantiation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

wt_error_t *wt_component_linker_new(wt_engine_t *engine,
                                    wt_component_linker_t **out) {
  static const char fn[] = "wt_component_linker_new";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  if (!out)
    return wt__misuse(fn, "out is NULL");
  wt_component_linker_t *l = wt__shell_new(sizeof *l);
  if (!l)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  l->raw = wasmtime_component_linker_new(engine->raw);
  if (!l->raw) {
    wt__retire(l);
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
  l->magic = WT_MAGIC_COMPONENT_LINKER;
  l->engine = wt__engine_ref(engine);
  *out = l;
  return NULL;
}

void wt_component_linker_delete(wt_component_linker_t *linker) {
  if (!wt__component_linker_ok(linker))
    return;
  wasmtime_component_linker_delete(linker->raw);
  wt__engine_unref(linker->engine);
  linker->magic = WT_MAGIC_DEAD;
  wt__retire(linker);
}

void wt_component_linker_set_allow_shadowing(wt_component_linker_t *linker,
                                             bool allow) {
  if (wt__component_linker_ok(linker))
    wasmtime_component_linker_allow_shadowing(linker->raw, allow);
}

/* ---- definitions ----
 *
 * Wasmtime's linker instances are builders with exclusive access to the
 * linker: each definition opens the root and the instances on its path,
 * defines and closes them within one wt call, so no builder outlives it.
 *
 * A definition's place is a path: the instances it is nested in, then its
 * name ({"wasi:cli/environment@0.2.3", "get-environment"}, or {"log"} at
 * the root). */

/* Instances a definition may be nested in. */
#define DEFINE_DEPTH 16

/* A definition's place: `n` names, the instances then the definition's
 * own; `as_path` when the caller gave it as a path (it names the step that
 * is wrong), else it came as (instance or NULL, name). */
typedef struct where {
  const char *const *path;
  size_t n;
  bool as_path;
} where;

/* The place (instance or NULL, name), in `names`. */
static where where_of(const char *names[2], const char *instance,
                      const char *name) {
  names[0] = instance;
  names[1] = name;
  where w = {instance ? names : names + 1, instance ? 2 : 1, false};
  return w;
}

/* Checks the linker and the place of a definition. */
static wt_error_t *define_check(const char *fn,
                                const wt_component_linker_t *linker,
                                const where *w) {
  if (!wt__component_linker_ok(linker))
    return wt__misuse(fn, "linker is NULL or deleted");
  if (w->as_path) {
    if (!w->path || w->n == 0)
      return wt__misuse(fn, "path is NULL or empty");
    if (w->n - 1 > DEFINE_DEPTH)
      return wt__misuse(fn, "path has %zu instances, more than %d", w->n - 1,
                        DEFINE_DEPTH);
  }
  for (size_t i = 0; i < w->n; i++) {
    const char *p = w->path[i];
    bool last = i + 1 == w->n;
    if (!p)
      return w->as_path ? wt__misuse(fn, "path[%zu] is NULL", i)
                        : wt__misuse(fn, "name is NULL");
    if (!wt__utf8_valid(p, strlen(p)))
      return w->as_path ? wt__misuse(fn, "path[%zu] is not valid UTF-8", i)
                        : wt__misuse(fn, "%s is not valid UTF-8",
                                     last ? "name" : "instance");
  }
  return NULL;
}

/* The builders open for a definition: the root, then one instance per
 * step of the path. */
typedef struct opened {
  wasmtime_component_linker_instance_t *chain[DEFINE_DEPTH + 1];
  size_t n;
} opened;

static void define_close(opened *o) {
  while (o->n > 0)
    wasmtime_component_linker_instance_delete(o->chain[--o->n]);
}

/* Opens the root and the instances of the path but its last name; the
 * definition goes into o->chain[o->n - 1]. */
static wt_error_t *define_open(const wt_component_linker_t *linker,
                               const where *w, opened *o) {
  o->chain[0] = wasmtime_component_linker_root(linker->raw);
  o->n = 1;
  for (size_t i = 0; i + 1 < w->n; i++) {
    wasmtime_error_t *werr = wasmtime_component_linker_instance_add_instance(
        o->chain[o->n - 1], w->path[i], strlen(w->path[i]),
        &o->chain[o->n]);
    if (werr) {
      define_close(o);
      return wt__from_wasmtime(WT_ERROR_LINK, werr);
    }
    o->n++;
  }
  return NULL;
}

static const char *where_name(const where *w) { return w->path[w->n - 1]; }

static void chost_free(void *p) {
  wt__chost *h = p;
  if (h->finalizer)
    h->finalizer(h->env);
  free(h);
}

static wt_error_t *define_func(const char *fn, wt_component_linker_t *linker,
                               const where *w, wt_component_func_cb cb,
                               void *env, void (*finalizer)(void *)) {
  wt_error_t *err = define_check(fn, linker, w);
  if (!err && !cb)
    err = wt__misuse(fn, "callback is NULL");
  wt__chost *h = NULL;
  if (!err) {
    /* The label: "host function a#b#name". */
    size_t cap = sizeof "host function ";
    for (size_t i = 0; i < w->n; i++)
      cap += strlen(w->path[i]) + 1;
    h = malloc(sizeof *h + cap);
    if (!h) {
      err = wt__error(WT_ERROR_WASMTIME, "out of memory");
    } else {
      size_t at = (size_t)snprintf(h->label, cap, "host function ");
      for (size_t i = 0; i < w->n; i++)
        at += (size_t)snprintf(h->label + at, cap - at, "%s%s",
                               i ? "#" : "", w->path[i]);
    }
  }
  if (err) {
    if (finalizer)
      finalizer(env);
    return err;
  }
  h->cb = cb;
  h->env = env;
  h->finalizer = finalizer;
  opened o;
  if ((err = define_open(linker, w, &o)) != NULL) {
    chost_free(h);
    return err;
  }
  /* On failure Wasmtime drops `h`, which runs the finalizer. */
  const char *name = where_name(w);
  wasmtime_error_t *werr = wt_native_clinker_add_func(
      o.chain[o.n - 1], name, strlen(name), &wt__chost_fns, h, chost_free);
  define_close(&o);
  return werr ? wt__from_wasmtime(WT_ERROR_LINK, werr) : NULL;
}

wt_error_t *wt_component_linker_define_func(wt_component_linker_t *linker,
                                            const char *instance,
                                            const char *name,
                                            wt_component_func_cb cb,
                                            void *env,
                                            void (*finalizer)(void *)) {
  const char *names[2];
  where w = where_of(names, instance, name);
  return define_func("wt_component_linker_define_func", linker, &w, cb, env,
                     finalizer);
}

wt_error_t *wt_component_linker_define_func_path(
    wt_component_linker_t *linker, const char *const *path, size_t npath,
    wt_component_func_cb cb, void *env, void (*finalizer)(void *)) {
  where w = {path, npath, true};
  return define_func("wt_component_linker_define_func_path", linker, &w, cb,
                     env, finalizer);
}

static wt_error_t *define_module(const char *fn, wt_component_linker_t *linker,
                                 const where *w, const wt_module_t *module) {
  wt_error_t *err = define_check(fn, linker, w);
  if (err)
    return err;
  if (!module || module->magic != WT_MAGIC_MODULE)
    return wt__misuse(fn, "module is NULL or deleted");
  if (module->engine != linker->engine)
    return wt__misuse(fn, "module and linker belong to different engines");
  opened o;
  if ((err = define_open(linker, w, &o)) != NULL)
    return err;
  const char *name = where_name(w);
  wasmtime_error_t *werr = wasmtime_component_linker_instance_add_module(
      o.chain[o.n - 1], name, strlen(name), module->raw);
  define_close(&o);
  return werr ? wt__from_wasmtime(WT_ERROR_LINK, werr) : NULL;
}

wt_error_t *wt_component_linker_define_module(wt_component_linker_t *linker,
                                              const char *instance,
                                              const char *name,
                                              const wt_module_t *module) {
  const char *names[2];
  where w = where_of(names, instance, name);
  return define_module("wt_component_linker_define_module", linker, &w,
                       module);
}

wt_error_t *wt_component_linker_define_module_path(
    wt_component_linker_t *linker, const char *const *path, size_t npath,
    const wt_module_t *module) {
  where w = {path, npath, true};
  return define_module("wt_component_linker_define_module_path", linker, &w,
                       module);
}

wt_error_t *wt_component_linker_define_unknown_imports_as_traps(
    wt_component_linker_t *linker, const wt_component_t *component) {
  static const char fn[] = "wt_component_linker_define_unknown_imports_as_traps";
  if (!wt__component_linker_ok(linker))
    return wt__misuse(fn, "linker is NULL or deleted");
  if (!wt__component_ok(component))
    return wt__misuse(fn, "component is NULL or deleted");
  if (component->engine != linker->engine)
    return wt__misuse(fn, "component and linker belong to different engines");
  wasmtime_error_t *werr =
      wasmtime_component_linker_define_unknown_imports_as_traps(
          linker->raw, component->raw);
  return werr ? wt__from_wasmtime(WT_ERROR_LINK, werr) : NULL;
}

wt_error_t *wt_component_linker_instantiate(const wt_component_linker_t *linker,
                                            wt_store_t *store,
                                            const wt_component_t *component,
                                            wt_component_instance_t *out) {
  static const char fn[] = "wt_component_linker_instantiate";
  if (!wt__component_linker_ok(linker))
    return wt__misuse(fn, "linker is NULL or deleted");
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!wt__component_ok(component))
    return wt__misuse(fn, "component is NULL or deleted");
  if (!out)
    return wt__misuse(fn, "out is NULL");
  if (linker->engine != store->engine || component->engine != store->engine)
    return wt__misuse(fn, "linker, store and component belong to different "
                          "engines");
  if ((err = wt__stack_check(fn, store)) != NULL)
    return err;
  if (linker->store_hook && (err = linker->store_hook(store)) != NULL)
    return err;
  wasmtime_component_instance_t inst;
  wt__store_enter(store);
  wasmtime_error_t *werr = wasmtime_component_linker_instantiate(
      linker->raw, store->ctx, component->raw, &inst);
  err = wt__call_result(store, WT_ERROR_LINK, werr, NULL);
  if (!err) {
    wt__store_saw(store, inst.store_id);
    *out = wt__cinstance_from(&inst);
  }
  wt__store_leave(store);
  return err;
}

static wt_error_t *define_resource(const char *fn,
                                   wt_component_linker_t *linker,
                                   const where *w, wt_resource_type_t *type) {
  wt_error_t *err = define_check(fn, linker, w);
  if (err)
    return err;
  if (!wt__res_type_ok(type))
    return wt__misuse(fn, "type is NULL or deleted");
  opened o;
  if ((err = define_open(linker, w, &o)) != NULL)
    return err;
  /* The linker's reference to the type; Wasmtime releases it with the
   * definition, also when this fails. */
  wt__res_type_ref(type);
  const char *name = where_name(w);
  wasmtime_error_t *werr = wasmtime_component_linker_instance_add_resource(
      o.chain[o.n - 1], name, strlen(name), wt__res_type_raw(type),
      wt__res_dtor, type, wt__res_type_unref);
  define_close(&o);
  return werr ? wt__from_wasmtime(WT_ERROR_LINK, werr) : NULL;
}

wt_error_t *wt_component_linker_define_resource(wt_component_linker_t *linker,
                                                const char *instance,
                                                const char *name,
                                                wt_resource_type_t *type) {
  const char *names[2];
  where w = where_of(names, instance, name);
  return define_resource("wt_component_linker_define_resource", linker, &w,
                         type);
}

wt_error_t *wt_component_linker_define_resource_path(
    wt_component_linker_t *linker, const char *const *path, size_t npath,
    wt_resource_type_t *type) {
  where w = {path, npath, true};
  return define_resource("wt_component_linker_define_resource_path", linker,
                         &w, type);
}
