/* gcd: call a wasm function that computes a greatest common divisor. */
#include <stdio.h>
#include <wt.h>

static const char *wat =
    "(module (func (export \"gcd\") (param i32 i32) (result i32)\n"
    "  (loop $l (if (local.get 1) (then\n"
    "    (local.get 1)\n"
    "    (local.set 1 (i32.rem_u (local.get 0) (local.get 1)))\n"
    "    (local.set 0) (br $l))))\n"
    "  (local.get 0)))";

int main(void) {
  wt_engine_t *engine = NULL;
  wt_store_t *store = NULL;
  wt_linker_t *linker = NULL;
  wt_module_t *module = NULL;
  wt_instance_t instance;
  wt_val_t args[2] = {{.kind = WT_VAL_I32, .of.i32 = 6}, {.kind = WT_VAL_I32, .of.i32 = 27}};
  wt_val_t result;
  wt_error_t *err;
  if (!(err = wt_engine_new(NULL, &engine)) &&
      !(err = wt_store_new(engine, NULL, NULL, &store)) &&
      !(err = wt_linker_new(engine, &linker)) &&
      !(err = wt_module_new_wat(engine, wat, &module)) &&
      !(err = wt_linker_instantiate(linker, store, module, &instance)) &&
      !(err = wt_instance_call(store, &instance, "gcd", args, 2, &result, 1)))
    printf("gcd(6, 27) = %d\n", result.of.i32);
  else
    fprintf(stderr, "error: %s\n", wt_error_message(err));
  wt_module_delete(module);
  wt_linker_delete(linker);
  wt_store_delete(store);
  wt_engine_delete(engine);
  wt_error_delete(err);
  return err ? 1 : 0;
}
