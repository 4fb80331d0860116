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
 * linker: each definition opens the root (and the named instance), defines
 * and closes them within one wt call, so no builder outlives it. */

/* Checks the linker and names of a definition. */
static wt_error_t *define_check(const char *fn,
                                const wt_component_linker_t *linker,
                                const char *instance, const char *name) {
  if (!wt__component_linker_ok(linker))
    return wt__misuse(fn, "linker is NULL or deleted");
  if (!name)
    return wt__misuse(fn, "name is NULL");
  if (!wt__utf8_valid(name, strlen(name)))
    return wt__misuse(fn, "name is not valid UTF-8");
  if (instance && !wt__utf8_valid(instance, strlen(instance)))
    return wt__misuse(fn, "instance is not valid UTF-8");
  return NULL;
}

/* Opens the root of the linker and, for a non-NULL `instance`, that
 * instance in it. On success *root and *inst are to be closed with
 * define_close(); *inst is the one to define in. */
static wt_error_t *define_open(const wt_component_linker_t *linker,
                               const char *instance,
                               wasmtime_component_linker_instance_t **root,
                               wasmtime_component_linker_instance_t **inst) {
  *root = wasmtime_component_linker_root(linker->raw);
  *inst = *root;
  if (!instance)
    return NULL;
  wasmtime_error_t *werr = wasmtime_component_linker_instance_add_instance(
      *root, instance, strlen(instance), inst);
  if (werr) {
    wasmtime_component_linker_instance_delete(*root);
    *root = *inst = NULL;
    return wt__from_wasmtime(WT_ERROR_LINK, werr);
  }
  return NULL;
}

static void define_close(wasmtime_component_linker_instance_t *root,
                         wasmtime_component_linker_instance_t *inst) {
  if (inst != root)
    wasmtime_component_linker_instance_delete(inst);
  wasmtime_component_linker_instance_delete(root);
}

static void chost_free(void *p) {
  wt__chost *h = p;
  if (h->finalizer)
    h->finalizer(h->env);
  free(h);
}

wt_error_t *wt_component_linker_define_func(wt_component_linker_t *linker,
                                            const char *instance,
                                            const char *name,
                                            wt_component_func_cb cb,
                                            void *env,
                                            void (*finalizer)(void *)) {
  static const char fn[] = "wt_component_linker_define_func";
  wt_error_t *err = define_check(fn, linker, instance, name);
  if (!err && !cb)
    err = wt__misuse(fn, "callback is NULL");
  wt__chost *h = NULL;
  if (!err) {
    size_t cap = sizeof "host function #" + (instance ? strlen(instance) : 0) +
                 strlen(name);
    h = malloc(sizeof *h + cap);
    if (!h)
      err = wt__error(WT_ERROR_WASMTIME, "out of memory");
    else
      snprintf(h->label, cap, "host function %s%s%s", instance ? instance : "",
               instance ? "#" : "", name);
  }
  if (err) {
    if (finalizer)
      finalizer(env);
    return err;
  }
  h->cb = cb;
  h->env = env;
  h->finalizer = finalizer;
  wasmtime_component_linker_instance_t *root, *inst;
  if ((err = define_open(linker, instance, &root, &inst)) != NULL) {
    chost_free(h);
    return err;
  }
  /* On failure Wasmtime drops `h`, which runs the finalizer. */
  wasmtime_error_t *werr = wasmtime_component_linker_instance_add_func(
      inst, name, strlen(name), wt__chost_call, h, chost_free);
  define_close(root, inst);
  return werr ? wt__from_wasmtime(WT_ERROR_LINK, werr) : NULL;
}

wt_error_t *wt_component_linker_define_module(wt_component_linker_t *linker,
                                              const char *instance,
                                              const char *name,
                                              const wt_module_t *module) {
  static const char fn[] = "wt_component_linker_define_module";
  wt_error_t *err = define_check(fn, linker, instance, name);
  if (err)
    return err;
  if (!module || module->magic != WT_MAGIC_MODULE)
    return wt__misuse(fn, "module is NULL or deleted");
  if (module->engine != linker->engine)
    return wt__misuse(fn, "module and linker belong to different engines");
  wasmtime_component_linker_instance_t *root, *inst;
  if ((err = define_open(linker, instance, &root, &inst)) != NULL)
    return err;
  wasmtime_error_t *werr = wasmtime_component_linker_instance_add_module(
      inst, name, strlen(name), module->raw);
  define_close(root, inst);
  return werr ? wt__from_wasmtime(WT_ERROR_LINK, werr) : NULL;
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

wt_error_t *wt_component_linker_define_resource(wt_component_linker_t *linker,
                                                const char *instance,
                                                const char *name,
                                                wt_resource_type_t *type) {
  static const char fn[] = "wt_component_linker_define_resource";
  wt_error_t *err = define_check(fn, linker, instance, name);
  if (err)
    return err;
  if (!wt__res_type_ok(type))
    return wt__misuse(fn, "type is NULL or deleted");
  wasmtime_component_linker_instance_t *root, *inst;
  if ((err = define_open(linker, instance, &root, &inst)) != NULL)
    return err;
  /* The linker's reference to the type; Wasmtime releases it with the
   * definition, also when this fails. */
  wt__res_type_ref(type);
  wasmtime_error_t *werr = wasmtime_component_linker_instance_add_resource(
      inst, name, strlen(name), wt__res_type_raw(type), wt__res_dtor, type,
      wt__res_type_unref);
  define_close(root, inst);
  return werr ? wt__from_wasmtime(WT_ERROR_LINK, werr) : NULL;
}
