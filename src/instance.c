/* wt_instance_t: instances and their exports. */
#include <string.h>

#include "internal.h"

static wt_error_t *check_instance(const char *fn, const wt_store_t *store,
                                  const wt_instance_t *instance) {
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!instance)
    return wt__misuse(fn, "instance is NULL");
  if (instance->store_id_ == 0 || instance->store_id_ != store->id)
    return wt__misuse(fn, "instance belongs to another store (or to a "
                          "deleted one)");
  return NULL;
}

/* Looks up export `name`, checking that it has `kind`. */
static wt_error_t *get_export(const char *fn, wt_store_t *store,
                              const wt_instance_t *instance, const char *name,
                              wasmtime_extern_kind_t kind, const char *what,
                              wasmtime_extern_t *item) {
  wt_error_t *err = check_instance(fn, store, instance);
  if (err)
    return err;
  if (!name)
    return wt__misuse(fn, "name is NULL");
  wasmtime_instance_t inst = {instance->store_id_, instance->raw_};
  if (!wasmtime_instance_export_get(store->ctx, &inst, name, strlen(name),
                                    item))
    return wt__error(WT_ERROR_NOT_FOUND, "%s: no export named \"%s\"", fn,
                     name);
  if (item->kind != kind) {
    wasmtime_extern_delete(item);
    return wt__misuse(fn, "export \"%s\" is not a %s", name, what);
  }
  return NULL;
}

wt_error_t *wt_instance_memory(wt_store_t *store, const wt_instance_t *instance,
                               const char *name, wt_memory_t *out) {
  static const char fn[] = "wt_instance_memory";
  if (!out)
    return wt__misuse(fn, "out is NULL");
  wasmtime_extern_t item;
  wt_error_t *err = get_export(fn, store, instance, name,
                               WASMTIME_EXTERN_MEMORY, "memory", &item);
  if (err)
    return err;
  out->store_id_ = item.of.memory.store_id;
  out->raw1_ = item.of.memory.__private1;
  out->raw2_ = item.of.memory.__private2;
  return NULL;
}

wt_error_t *wt_instance_global(wt_store_t *store, const wt_instance_t *instance,
                               const char *name, wt_global_t *out) {
  static const char fn[] = "wt_instance_global";
  if (!out)
    return wt__misuse(fn, "out is NULL");
  wasmtime_extern_t item;
  wt_error_t *err = get_export(fn, store, instance, name,
                               WASMTIME_EXTERN_GLOBAL, "global", &item);
  if (err)
    return err;
  out->store_id_ = item.of.global.store_id;
  out->raw1_ = item.of.global.__private1;
  out->raw2_ = item.of.global.__private2;
  out->raw3_ = item.of.global.__private3;
  return NULL;
}

wt_error_t *wt_instance_func(wt_store_t *store, const wt_instance_t *instance,
                             const char *name, wt_func_t *out) {
  static const char fn[] = "wt_instance_func";
  if (!out)
    return wt__misuse(fn, "out is NULL");
  wasmtime_extern_t item;
  wt_error_t *err = get_export(fn, store, instance, name,
                               WASMTIME_EXTERN_FUNC, "function", &item);
  if (err)
    return err;
  return wt__func_wrap(store, &item.of.func, out);
}

wt_error_t *wt_instance_call(wt_store_t *store, const wt_instance_t *instance,
                             const char *name, const wt_val_t *args,
                             size_t nargs, wt_val_t *results,
                             size_t nresults) {
  wt_func_t f;
  wt_error_t *err = wt_instance_func(store, instance, name, &f);
  if (err)
    return err;
  return wt_func_call(store, &f, args, nargs, results, nresults);
}
