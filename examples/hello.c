/* hello: call a C function from WebAssembly. Build and run: ./build.sh */
#include <stdio.h>
#include <wt.h>

static const char *wat =
    "(module\n"
    "  (import \"\" \"hello\" (func $hello))\n"
    "  (func (export \"run\") (call $hello)))";

static wt_error_t *hello(void *env, wt_caller_t *caller, const wt_val_t *args,
                         size_t nargs, wt_val_t *results, size_t nresults) {
  puts("Hello from C!");
  return NULL;
}

int main(void) {
  wt_engine_t *engine = NULL;
  wt_store_t *store = NULL;
  wt_linker_t *linker = NULL;
  wt_module_t *module = NULL;
  wt_instance_t instance;
  wt_error_t *err;
  if ((err = wt_engine_new(NULL, &engine)) ||
      (err = wt_store_new(engine, NULL, NULL, &store)) ||
      (err = wt_linker_new(engine, &linker)) ||
      (err = wt_linker_define_func(linker, "", "hello", "", hello, NULL, NULL)) ||
      (err = wt_module_new_wat(engine, wat, &module)) ||
      (err = wt_linker_instantiate(linker, store, module, &instance)) ||
      (err = wt_instance_call(store, &instance, "run", NULL, 0, NULL, 0)))
    fprintf(stderr, "error (%s): %s\n", wt_error_kind_name(wt_error_kind(err)),
            wt_error_message(err));
  wt_module_delete(module);
  wt_linker_delete(linker);
  wt_store_delete(store);
  wt_engine_delete(engine);
  wt_error_delete(err);
  return err ? 1 : 0;
}
