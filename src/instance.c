/* wt_instance_t: instances and their exports. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Looks up the export whose name is the `len` bytes at `name` (checked
 * instance, non-NULL name). */
static wt_error_t *find_export(const char *fn, wt_store_t *store,
                               const wasmtime_instance_t *inst,
                               const char *name, size_t len,
                               wasmtime_extern_t *item) {
  if (!wasmtime_instance_export_get(store->ctx, inst, name, len, item))
    return wt__error(WT_ERROR_NOT_FOUND, "%s: no export named \"%.*s\"", fn,
                     (int)(len > INT_MAX ? INT_MAX : len), name);
  return NULL;
}

/* Looks up export `name` as a wt extern, checking that it has `kind` (named
 * `what` in the message); `out` is the caller's out parameter, checked
 * first. */
static wt_error_t *get_export(const char *fn, wt_store_t *store,
                              const wt_instance_t *instance, const char *name,
                              wasmtime_extern_kind_t kind, const char *what,
                              const void *out, wt_extern_t *ext) {
  if (!out)
    return wt__misuse(fn, "out is NULL");
  wasmtime_instance_t inst;
  wt_error_t *err = wt__instance_arg(fn, store, instance, &inst);
  if (err)
    return err;
  if (!name)
    return wt__misuse(fn, "name is NULL");
  wasmtime_extern_t item;
  if ((err = find_export(fn, store, &inst, name, strlen(name), &item)))
    return err;
  if (item.kind != kind) {
    wasmtime_extern_delete(&item);
    return wt__misuse(fn, "export \"%s\" is not a %s", name, what);
  }
  return wt__extern_from_wasmtime(store, &item, ext);
}

wt_error_t *wt_instance_memory(wt_store_t *store, const wt_instance_t *instance,
                               const char *name, wt_memory_t *out) {
  wt_extern_t ext;
  wt_error_t *err = get_export("wt_instance_memory", store, instance, name,
                               WASMTIME_EXTERN_MEMORY, "memory", out, &ext);
  if (!err)
    *out = ext.of.memory;
  return err;
}

wt_error_t *wt_instance_global(wt_store_t *store, const wt_instance_t *instance,
                               const char *name, wt_global_t *out) {
  wt_extern_t ext;
  wt_error_t *err = get_export("wt_instance_global", store, instance, name,
                               WASMTIME_EXTERN_GLOBAL, "global", out, &ext);
  if (!err)
    *out = ext.of.global;
  return err;
}

wt_error_t *wt_instance_func(wt_store_t *store, const wt_instance_t *instance,
                             const char *name, wt_func_t *out) {
  wt_extern_t ext;
  wt_error_t *err = get_export("wt_instance_func", store, instance, name,
                               WASMTIME_EXTERN_FUNC, "function", out, &ext);
  if (!err)
    *out = ext.of.func;
  return err;
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

wt_error_t *wt_instance_table(wt_store_t *store, const wt_instance_t *instance,
                              const char *name, wt_table_t *out) {
  wt_extern_t ext;
  wt_error_t *err = get_export("wt_instance_table", store, instance, name,
                               WASMTIME_EXTERN_TABLE, "table", out, &ext);
  if (!err)
    *out = ext.of.table;
  return err;
}

/* Looks up an export by its bytes; `fn` names the public function. */
static wt_error_t *export_bytes(const char *fn, wt_store_t *store,
                                const wt_instance_t *instance,
                                const char *name, size_t len,
                                wt_extern_t *out) {
  wasmtime_instance_t inst;
  wt_error_t *err = wt__instance_arg(fn, store, instance, &inst);
  if (err)
    return err;
  if (!name || !out)
    return wt__misuse(fn, "name or out is NULL");
  wasmtime_extern_t item;
  if ((err = find_export(fn, store, &inst, name, len, &item)))
    return err;
  return wt__extern_from_wasmtime(store, &item, out);
}

wt_error_t *wt_instance_export(wt_store_t *store, const wt_instance_t *instance,
                               const char *name, wt_extern_t *out) {
  return export_bytes("wt_instance_export", store, instance, name,
                      name ? strlen(name) : 0, out);
}

wt_error_t *wt_instance_export_n(wt_store_t *store,
                                 const wt_instance_t *instance,
                                 const char *name, size_t len,
                                 wt_extern_t *out) {
  static const char empty[] = "";
  if (!name && len == 0)
    name = empty;
  return export_bytes("wt_instance_export_n", store, instance, name, len,
                      out);
}

wt_error_t *wt_instance_export_nth(wt_store_t *store,
                                   const wt_instance_t *instance, size_t index,
                                   const char **name, wt_extern_t *out) {
  static const char fn[] = "wt_instance_export_nth";
  wasmtime_instance_t inst;
  wt_error_t *err = wt__instance_arg(fn, store, instance, &inst);
  if (err)
    return err;
  if (!out)
    return wt__misuse(fn, "out is NULL");
  wasmtime_extern_t item;
  char *n = NULL;
  size_t nlen = 0;
  if (!wasmtime_instance_export_nth(store->ctx, &inst, index, &n, &nlen,
                                    &item))
    return wt__error(WT_ERROR_NOT_FOUND, "%s: no export number %zu", fn,
                     index);
  /* Both out parameters are written only when both are known. */
  const char *copy = wt__store_name(store, n, nlen);
  if (!copy) {
    wasmtime_extern_delete(&item);
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
  wt_extern_t ext;
  if ((err = wt__extern_from_wasmtime(store, &item, &ext)))
    return err;
  if (name)
    *name = copy;
  *out = ext;
  return NULL;
}

size_t wt_instance_export_count(wt_store_t *store,
                                const wt_instance_t *instance) {
  wasmtime_instance_t inst;
  wt_error_t *err =
      wt__instance_arg("wt_instance_export_count", store, instance, &inst);
  if (err) {
    wt_error_delete(err);
    return 0;
  }
  size_t n = 0;
  wasmtime_extern_t item;
  char *name;
  size_t nlen;
  while (wasmtime_instance_export_nth(store->ctx, &inst, n, &name, &nlen,
                                      &item)) {
    wasmtime_extern_delete(&item);
    n++;
  }
  return n;
}

wt_error_t *wt_instance_new(wt_store_t *store, const wt_module_t *module,
                            const wt_extern_t *imports, size_t nimports,
                            wt_instance_t *out) {
  static const char fn[] = "wt_instance_new";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!module || module->magic != WT_MAGIC_MODULE)
    return wt__misuse(fn, "module is NULL or deleted");
  if (!out || (nimports && !imports))
    return wt__misuse(fn, "out or imports is NULL");
  if (module->engine != store->engine)
    return wt__misuse(fn, "module and store belong to different engines");
  if (!wt__module_describe((wt_module_t *)module))
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  if (nimports != module->nimports)
    return wt__misuse(fn, "the module has %zu imports, %zu were given",
                      module->nimports, nimports);
  wasmtime_extern_t stack[16];
  wasmtime_extern_t *raw =
      nimports <= 16 ? stack : malloc(nimports * sizeof *raw);
  if (!raw)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  for (size_t i = 0; !err && i < nimports; i++) {
    const wt_import_t *imp = &module->imports[i];
    bool shared_ok = imports[i].kind == WT_EXTERN_SHARED_MEMORY &&
                     imp->type.kind == WT_EXTERN_MEMORY &&
                     imp->type.of.memory.shared;
    if (imports[i].kind > WT_EXTERN_TAG)
      err = wt__misuse(fn, "import %zu (%s.%s): unknown extern kind %u", i,
                       imp->module, imp->name, (unsigned)imports[i].kind);
    else if (imports[i].kind != imp->type.kind && !shared_ok)
      err = wt__misuse(fn, "import %zu (%s.%s) needs a %s, got a %s", i,
                       imp->module, imp->name,
                       wt_externkind_name(imp->type.kind),
                       wt_externkind_name(imports[i].kind));
    else
      err = wt__extern_to_wasmtime(fn, store, &imports[i], &raw[i]);
  }
  if (!err)
    err = wt__stack_check(fn, store);
  if (!err) {
    wasmtime_instance_t inst;
    wasm_trap_t *trap = NULL;
    wt__store_enter(store);
    wasmtime_error_t *werr = wasmtime_instance_new(store->ctx, module->raw,
                                                   raw, nimports, &inst, &trap);
    err = wt__call_result(store, WT_ERROR_LINK, werr, trap);
    if (!err) {
      wt__store_saw(store, inst.store_id);
      *out = wt__instance_from(&inst);
    }
    wt__store_leave(store);
  }
  if (raw != stack)
    free(raw);
  return err;
}

wt_error_t *wt_instance_shared_memory(wt_store_t *store,
                                      const wt_instance_t *instance,
                                      const char *name,
                                      wt_shared_memory_t **out) {
  wt_extern_t ext;
  wt_error_t *err =
      get_export("wt_instance_shared_memory", store, instance, name,
                 WASMTIME_EXTERN_SHAREDMEMORY, "shared memory", out, &ext);
  if (!err)
    *out = ext.of.shared_memory;
  return err;
}

wt_error_t *wt_instance_tag(wt_store_t *store, const wt_instance_t *instance,
                            const char *name, wt_tag_t *out) {
  wt_extern_t ext;
  wt_error_t *err = get_export("wt_instance_tag", store, instance, name,
                               WASMTIME_EXTERN_TAG, "tag", out, &ext);
  if (!err)
    *out = ext.of.tag;
  return err;
}
