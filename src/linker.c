/* wt_linker_t: definitions that satisfy imports, and instantiation. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static wt_error_t *check_linker(const char *fn, const wt_linker_t *l) {
  if (!l || l->magic != WT_MAGIC_LINKER)
    return wt__misuse(fn, "linker is NULL or deleted");
  return NULL;
}

/* A linker holding items of one store cannot be used with another: Wasmtime
 * would abort. */
static wt_error_t *check_store_items(const char *fn, const wt_linker_t *l,
                                     wt_store_t *store) {
  if (l->store_id != 0 && l->store_id != store->id)
    return wt__misuse(fn, "the linker holds items of another store");
  return l->store_hook ? l->store_hook(store) : NULL;
}

/* The checks every use of a linker with a store makes: both live, one
 * engine, and the linker's store items (if any) of this store. */
static wt_error_t *check_use(const char *fn, const wt_linker_t *l,
                             wt_store_t *store) {
  wt_error_t *err = check_linker(fn, l);
  if (!err)
    err = wt__check_store(fn, store);
  if (!err && l->engine != store->engine)
    err = wt__misuse(fn, "linker and store belong to different engines");
  return err ? err : check_store_items(fn, l, store);
}

wt_error_t *wt_linker_new(wt_engine_t *engine, wt_linker_t **out) {
  static const char fn[] = "wt_linker_new";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  if (!out)
    return wt__misuse(fn, "out is NULL");
  wt_linker_t *l = wt__shell_new(sizeof *l);
  if (!l || !(l->raw = wasmtime_linker_new(engine->raw))) {
    wt__retire(l);
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
  l->magic = WT_MAGIC_LINKER;
  l->engine = wt__engine_ref(engine);
  *out = l;
  return NULL;
}

void wt__linker_set_store_hook(wt_linker_t *linker, wt__store_hook hook) {
  linker->store_hook = hook;
}

void wt_linker_delete(wt_linker_t *linker) {
  if (!linker || linker->magic != WT_MAGIC_LINKER)
    return;
  wasmtime_linker_delete(linker->raw);
  wt__engine_unref(linker->engine);
  linker->magic = WT_MAGIC_DEAD;
  wt__retire(linker);
}

wt_error_t *wt_linker_instantiate(const wt_linker_t *linker, wt_store_t *store,
                                  const wt_module_t *module,
                                  wt_instance_t *out) {
  static const char fn[] = "wt_linker_instantiate";
  wt_error_t *err = check_use(fn, linker, (wt_store_t *)store);
  if (err)
    return err;
  if (!module || module->magic != WT_MAGIC_MODULE)
    return wt__misuse(fn, "module is NULL or deleted");
  if (!out)
    return wt__misuse(fn, "out is NULL");
  if (module->engine != store->engine)
    return wt__misuse(fn, "linker, store and module belong to different "
                          "engines");
  wasmtime_instance_t inst;
  wasm_trap_t *trap = NULL;
  if ((err = wt__stack_check(fn, store)) != NULL)
    return err;
  wt__store_enter(store);
  wasmtime_error_t *werr =
      wasmtime_linker_instantiate(linker->raw, store->ctx, module->raw, &inst,
                                  &trap);
  err = wt__call_result(store, WT_ERROR_LINK, werr, trap);
  if (!err) {
    wt__store_saw(store, inst.store_id);
    *out = wt__instance_from(&inst);
  }
  wt__store_leave(store);
  return err;
}

/* Checks that `s` is a UTF-8 name. */
static wt_error_t *check_name(const char *fn, const char *what, const char *s) {
  if (!s)
    return wt__misuse(fn, "%s is NULL", what);
  if (!wt__utf8_valid(s, strlen(s)))
    return wt__misuse(fn, "%s is not valid UTF-8", what);
  return NULL;
}

wt_error_t *wt_linker_define(wt_linker_t *linker, wt_store_t *store,
                             const char *module, const char *name,
                             const wt_extern_t *item) {
  static const char fn[] = "wt_linker_define";
  wt_error_t *err = check_use(fn, linker, store);
  if (!err)
    err = check_name(fn, "module", module);
  if (!err)
    err = check_name(fn, "name", name);
  if (!err && !item)
    err = wt__misuse(fn, "item is NULL");
  wasmtime_extern_t raw;
  if (!err)
    err = wt__extern_to_wasmtime(fn, store, item, &raw);
  if (err)
    return err;
  wasmtime_error_t *werr =
      wasmtime_linker_define(linker->raw, store->ctx, module, strlen(module),
                             name, strlen(name), &raw);
  if (werr)
    return wt__from_wasmtime(WT_ERROR_LINK, werr);
  linker->store_id = store->id;
  return NULL;
}

wt_error_t *wt_linker_define_instance(wt_linker_t *linker, wt_store_t *store,
                                      const char *name,
                                      const wt_instance_t *instance) {
  static const char fn[] = "wt_linker_define_instance";
  wasmtime_instance_t inst;
  wt_error_t *err = check_use(fn, linker, store);
  if (!err)
    err = check_name(fn, "name", name);
  if (!err)
    err = wt__instance_arg(fn, store, instance, &inst);
  if (err)
    return err;
  wasmtime_error_t *werr = wasmtime_linker_define_instance(
      linker->raw, store->ctx, name, strlen(name), &inst);
  if (werr)
    return wt__from_wasmtime(WT_ERROR_LINK, werr);
  linker->store_id = store->id;
  return NULL;
}

wt_error_t *wt_linker_define_module(wt_linker_t *linker, wt_store_t *store,
                                    const char *name,
                                    const wt_module_t *module) {
  static const char fn[] = "wt_linker_define_module";
  wt_error_t *err = check_use(fn, linker, store);
  if (!err)
    err = check_name(fn, "name", name);
  if (!err && (!module || module->magic != WT_MAGIC_MODULE))
    err = wt__misuse(fn, "module is NULL or deleted");
  if (!err && module->engine != store->engine)
    err = wt__misuse(fn, "module and store belong to different engines");
  if (err)
    return err;
  if ((err = wt__stack_check(fn, store)) != NULL)
    return err;
  wt__store_enter(store);
  wasmtime_error_t *werr = wasmtime_linker_module(
      linker->raw, store->ctx, name, strlen(name), module->raw);
  err = wt__call_result(store, WT_ERROR_LINK, werr, NULL);
  if (!err && store->id != 0)
    linker->store_id = store->id;
  wt__store_leave(store);
  return err;
}

wt_error_t *wt_linker_set_allow_shadowing(wt_linker_t *linker, bool allow) {
  wt_error_t *err = check_linker("wt_linker_set_allow_shadowing", linker);
  if (!err)
    wasmtime_linker_allow_shadowing(linker->raw, allow);
  return err;
}

wt_error_t *wt_linker_define_unknown_imports_as_traps(
    wt_linker_t *linker, const wt_module_t *module) {
  static const char fn[] = "wt_linker_define_unknown_imports_as_traps";
  wt_error_t *err = check_linker(fn, linker);
  if (err)
    return err;
  if (!module || module->magic != WT_MAGIC_MODULE)
    return wt__misuse(fn, "module is NULL or deleted");
  if (module->engine != linker->engine)
    return wt__misuse(fn, "linker and module belong to different engines");
  wasmtime_error_t *werr =
      wasmtime_linker_define_unknown_imports_as_traps(linker->raw, module->raw);
  return werr ? wt__from_wasmtime(WT_ERROR_LINK, werr) : NULL;
}

wt_error_t *wt_linker_define_unknown_imports_as_default_values(
    wt_linker_t *linker, wt_store_t *store, const wt_module_t *module) {
  static const char fn[] = "wt_linker_define_unknown_imports_as_default_values";
  wt_error_t *err = check_use(fn, linker, store);
  if (err)
    return err;
  if (!module || module->magic != WT_MAGIC_MODULE)
    return wt__misuse(fn, "module is NULL or deleted");
  if (module->engine != store->engine)
    return wt__misuse(fn, "module and store belong to different engines");
  wasmtime_error_t *werr = wasmtime_linker_define_unknown_imports_as_default_values(
      linker->raw, store->ctx, module->raw);
  if (werr)
    return wt__from_wasmtime(WT_ERROR_LINK, werr);
  linker->store_id = store->id ? store->id : linker->store_id;
  return NULL;
}

wt_error_t *wt_linker_get(const wt_linker_t *linker, wt_store_t *store,
                          const char *module, const char *name,
                          wt_extern_t *out) {
  static const char fn[] = "wt_linker_get";
  wt_error_t *err = check_use(fn, linker, store);
  if (!err)
    err = check_name(fn, "module", module);
  if (!err)
    err = check_name(fn, "name", name);
  if (!err && !out)
    err = wt__misuse(fn, "out is NULL");
  if (err)
    return err;
  wasmtime_extern_t item;
  if (!wasmtime_linker_get(linker->raw, store->ctx, module, strlen(module),
                           name, strlen(name), &item))
    return wt__error(WT_ERROR_NOT_FOUND, "%s: nothing defined as %s.%s", fn,
                     module, name);
  return wt__extern_from_wasmtime(store, &item, out);
}

wt_error_t *wt_linker_get_default(const wt_linker_t *linker, wt_store_t *store,
                                  const char *name, wt_func_t *out) {
  static const char fn[] = "wt_linker_get_default";
  wt_error_t *err = check_use(fn, linker, store);
  if (!err)
    err = check_name(fn, "name", name);
  if (!err && !out)
    err = wt__misuse(fn, "out is NULL");
  if (err)
    return err;
  wasmtime_func_t f;
  wasmtime_error_t *werr = wasmtime_linker_get_default(
      linker->raw, store->ctx, name, strlen(name), &f);
  if (werr)
    return wt__from_wasmtime(WT_ERROR_NOT_FOUND, werr);
  return wt__func_wrap(store, &f, out);
}

/* ---- pre-instantiation ---- */

wt_error_t *wt_linker_instantiate_pre(const wt_linker_t *linker,
                                      const wt_module_t *module,
                                      wt_instance_pre_t **out) {
  static const char fn[] = "wt_linker_instantiate_pre";
  wt_error_t *err = check_linker(fn, linker);
  if (err)
    return err;
  if (!module || module->magic != WT_MAGIC_MODULE)
    return wt__misuse(fn, "module is NULL or deleted");
  if (!out)
    return wt__misuse(fn, "out is NULL");
  if (module->engine != linker->engine)
    return wt__misuse(fn, "linker and module belong to different engines");
  wt_instance_pre_t *pre = wt__shell_new(sizeof *pre);
  if (!pre)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  wasmtime_error_t *werr =
      wasmtime_linker_instantiate_pre(linker->raw, module->raw, &pre->raw);
  if (werr) {
    wt__retire(pre);
    return wt__from_wasmtime(WT_ERROR_LINK, werr);
  }
  pre->magic = WT_MAGIC_PRE;
  pre->engine = wt__engine_ref(linker->engine);
  pre->store_id = linker->store_id;
  pre->store_hook = linker->store_hook;
  *out = pre;
  return NULL;
}

wt_error_t *wt_instance_pre_instantiate(const wt_instance_pre_t *pre,
                                        wt_store_t *store, wt_instance_t *out) {
  static const char fn[] = "wt_instance_pre_instantiate";
  if (!pre || pre->magic != WT_MAGIC_PRE)
    return wt__misuse(fn, "pre is NULL or deleted");
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!out)
    return wt__misuse(fn, "out is NULL");
  if (pre->engine != store->engine)
    return wt__misuse(fn, "pre and store belong to different engines");
  if (pre->store_id != 0 && pre->store_id != store->id)
    return wt__misuse(fn, "the linker it came from holds items of another "
                          "store");
  if (pre->store_hook && (err = pre->store_hook(store)) != NULL)
    return err;
  wasmtime_instance_t inst;
  wasm_trap_t *trap = NULL;
  if ((err = wt__stack_check(fn, store)) != NULL)
    return err;
  wt__store_enter(store);
  wasmtime_error_t *werr =
      wasmtime_instance_pre_instantiate(pre->raw, store->ctx, &inst, &trap);
  err = wt__call_result(store, WT_ERROR_LINK, werr, trap);
  if (!err) {
    wt__store_saw(store, inst.store_id);
    *out = wt__instance_from(&inst);
  }
  wt__store_leave(store);
  return err;
}

void wt_instance_pre_delete(wt_instance_pre_t *pre) {
  if (!pre || pre->magic != WT_MAGIC_PRE)
    return;
  wasmtime_instance_pre_delete(pre->raw);
  wt__engine_unref(pre->engine);
  pre->magic = WT_MAGIC_DEAD;
  wt__retire(pre);
}
