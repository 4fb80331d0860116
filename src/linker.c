/* wt_linker_t: definitions that satisfy imports, and instantiation. */
#include <stdlib.h>

#include "internal.h"

wt_error_t *wt_linker_new(wt_engine_t *engine, wt_linker_t **out) {
  static const char fn[] = "wt_linker_new";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  if (!out)
    return wt__misuse(fn, "out is NULL");
  wt_linker_t *l = calloc(1, sizeof *l);
  if (!l || !(l->raw = wasmtime_linker_new(engine->raw))) {
    free(l);
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
  l->magic = WT_MAGIC_LINKER;
  l->engine = wt__engine_ref(engine);
  *out = l;
  return NULL;
}

void wt_linker_delete(wt_linker_t *linker) {
  if (!linker || linker->magic != WT_MAGIC_LINKER)
    return;
  wasmtime_linker_delete(linker->raw);
  wt__engine_unref(linker->engine);
  linker->magic = WT_MAGIC_DEAD;
  free(linker);
}

wt_error_t *wt_linker_instantiate(const wt_linker_t *linker, wt_store_t *store,
                                  const wt_module_t *module,
                                  wt_instance_t *out) {
  static const char fn[] = "wt_linker_instantiate";
  if (!linker || linker->magic != WT_MAGIC_LINKER)
    return wt__misuse(fn, "linker is NULL or deleted");
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!module || module->magic != WT_MAGIC_MODULE)
    return wt__misuse(fn, "module is NULL or deleted");
  if (!out)
    return wt__misuse(fn, "out is NULL");
  if (linker->engine != store->engine || module->engine != store->engine)
    return wt__misuse(fn, "linker, store and module belong to different "
                          "engines");
  wasmtime_instance_t inst;
  wasm_trap_t *trap = NULL;
  wt__store_enter(store);
  wasmtime_error_t *werr =
      wasmtime_linker_instantiate(linker->raw, store->ctx, module->raw, &inst,
                                  &trap);
  err = wt__call_result(store, WT_ERROR_LINK, werr, trap);
  if (!err) {
    wt__store_saw(store, inst.store_id);
    out->store_id_ = inst.store_id;
    out->raw_ = inst.__private;
  }
  wt__store_leave(store);
  return err;
}
