/* Arbitrary bytes as a module (wasm binary or WAT): compile, instantiate
 * with default imports, call every exported function with arguments taken
 * from the input, all under fuel and store limits. wt must never crash. */
#include "fuzz_common.h"

static void fill_args(cursor *c, const wt_functype_t *t, wt_val_t *args) {
  for (size_t i = 0; i < wt_functype_param_count(t); i++) {
    memset(&args[i], 0, sizeof args[i]);
    args[i].kind = wt_functype_param(t, i);
    switch (args[i].kind) {
    case WT_VAL_I32:
    case WT_VAL_F32:
      args[i].of.i32 = (int32_t)take(c, 4);
      break;
    case WT_VAL_I64:
    case WT_VAL_F64:
      args[i].of.i64 = (int64_t)take(c, 8);
      break;
    case WT_VAL_V128:
      for (int b = 0; b < 16; b++)
        args[i].of.v128[b] = (uint8_t)take(c, 1);
      break;
    default: /* references: null */
      break;
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  wt_engine_t *engine = fuzz_engine();
  /* The first half is the module, the rest feeds the arguments. */
  size_t split = size / 2 + (size & 1);
  wt_module_t *module = NULL;
  wt_error_t *err = wt_module_new(engine, data, split, &module);
  if (err) {
    check_error(err);
    return 0;
  }
  cursor c = {data + split, size - split};
  wt_store_t *store;
  MUST(wt_store_new(engine, NULL, NULL, &store));
  wt_limits_t limits = {16 << 20, 10000, 10, 10, 10};
  MUST(wt_store_set_limits(store, &limits));
  MUST(wt_store_set_fuel(store, 100000));
  wt_linker_t *linker;
  MUST(wt_linker_new(engine, &linker));
  check_error(
      wt_linker_define_unknown_imports_as_default_values(linker, store, module));
  wt_instance_t inst;
  err = wt_linker_instantiate(linker, store, module, &inst);
  if (!err) {
    size_t n = wt_instance_export_count(store, &inst);
    for (size_t i = 0; i < n; i++) {
      wt_extern_t item;
      const char *name;
      if ((err = wt_instance_export_nth(store, &inst, i, &name, &item))) {
        check_error(err);
        continue;
      }
      if (item.kind != WT_EXTERN_FUNC)
        continue;
      const wt_functype_t *t = wt_func_type(store, &item.of.func);
      size_t np = wt_functype_param_count(t), nr = wt_functype_result_count(t);
      if (np > 64 || nr > 64)
        continue;
      wt_val_t args[64], results[64];
      fill_args(&c, t, args);
      check_error(wt_func_call(store, &item.of.func, args, np, results, nr));
      MUST(wt_store_set_fuel(store, 100000));
    }
  }
  check_error(err);
  wt_linker_delete(linker);
  wt_store_delete(store);
  wt_module_delete(module);
  return 0;
}
