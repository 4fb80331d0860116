/* multi: functions with several results, in wasm and in C. */
#include <stdio.h>
#include <wt.h>

static const char *wat =
    "(module\n"
    "  (import \"\" \"f\" (func $f (param i32 i64) (result i64 i32)))\n"
    "  (func (export \"g\") (param i32 i64) (result i64 i32)\n"
    "    (call $f (local.get 0) (local.get 1))))";

/* Swaps its two arguments. */
static wt_error_t *swap(void *env, wt_caller_t *caller, const wt_val_t *args,
                        size_t nargs, wt_val_t *results, size_t nresults) {
  printf("host: f(%d, %lld)\n", args[0].of.i32, (long long)args[1].of.i64);
  results[0].of.i64 = args[1].of.i64;
  results[1].of.i32 = args[0].of.i32;
  return NULL;
}

int main(void) {
  wt_engine_t *engine = NULL;
  wt_store_t *store = NULL;
  wt_linker_t *linker = NULL;
  wt_module_t *module = NULL;
  wt_instance_t instance;
  wt_val_t args[2] = {{.kind = WT_VAL_I32, .of.i32 = 1}, {.kind = WT_VAL_I64, .of.i64 = 2}};
  wt_val_t results[2];
  wt_error_t *err;
  if (!(err = wt_engine_new(NULL, &engine)) &&
      !(err = wt_store_new(engine, NULL, NULL, &store)) &&
      !(err = wt_linker_new(engine, &linker)) &&
      !(err = wt_linker_define_func(linker, "", "f", "i32 i64 -> i64 i32", swap,
                                    NULL, NULL)) &&
      !(err = wt_module_new_wat(engine, wat, &module)) &&
      !(err = wt_linker_instantiate(linker, store, module, &instance)) &&
      !(err = wt_instance_call(store, &instance, "g", args, 2, results, 2)))
    printf("g(1, 2) = (%lld, %d)\n", (long long)results[0].of.i64,
           results[1].of.i32);
  else
    fprintf(stderr, "error: %s\n", wt_error_message(err));
  wt_module_delete(module);
  wt_linker_delete(linker);
  wt_store_delete(store);
  wt_engine_delete(engine);
  wt_error_delete(err);
  return err ? 1 : 0;
}
