/* fuel: bound how much work wasm may do, and count what it used. */
#include <stdio.h>
#include <wt.h>

static const char *wat =
    "(module (func $fib (export \"fib\") (param i32) (result i32)\n"
    "  (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))\n"
    "    (then (local.get 0))\n"
    "    (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))\n"
    "                   (call $fib (i32.sub (local.get 0) (i32.const 2))))))))";

int main(void) {
  wt_config_t *config = wt_config_new();
  wt_engine_t *engine = NULL;
  wt_store_t *store = NULL;
  wt_linker_t *linker = NULL;
  wt_module_t *module = NULL;
  wt_instance_t instance;
  wt_error_t *err;
  wt_config_set_consume_fuel(config, true); /* a refusal: wt_engine_new */
  if ((err = wt_engine_new(config, &engine)) ||
      (err = wt_store_new(engine, NULL, NULL, &store)) ||
      (err = wt_store_set_fuel(store, 10000)) ||
      (err = wt_linker_new(engine, &linker)) ||
      (err = wt_module_new_wat(engine, wat, &module)) ||
      (err = wt_linker_instantiate(linker, store, module, &instance)))
    goto done;
  /* Larger and larger inputs until the 10000 units of fuel run out. */
  for (int n = 1;; n++) {
    uint64_t before, after;
    wt_val_t arg = {.kind = WT_VAL_I32, .of.i32 = n}, result;
    if ((err = wt_store_fuel(store, &before)))
      goto done;
    err = wt_instance_call(store, &instance, "fib", &arg, 1, &result, 1);
    wt_trap_code_t code;
    if (err && wt_error_trap_code(err, &code) && code == WT_TRAP_OUT_OF_FUEL) {
      printf("fib(%d): out of fuel\n", n);
      wt_error_delete(err); /* the expected end */
      err = NULL;
      break;
    }
    if (err || (err = wt_store_fuel(store, &after)))
      goto done;
    printf("fib(%d) = %d, using %llu fuel\n", n, result.of.i32,
           (unsigned long long)(before - after));
  }
  uint64_t consumed = 0;
  if ((err = wt_store_fuel_consumed(store, &consumed)))
    goto done;
  printf("fuel consumed in all: %llu\n", (unsigned long long)consumed);

done:
  if (err)
    fprintf(stderr, "error: %s\n", wt_error_message(err));
  wt_module_delete(module);
  wt_linker_delete(linker);
  wt_store_delete(store);
  wt_engine_delete(engine);
  wt_config_delete(config);
  wt_error_delete(err);
  return err ? 1 : 0;
}
