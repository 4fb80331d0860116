/* serialize: compile once, save the machine code, load it without
 * compiling, and run it. */
#include <stdio.h>
#include <stdlib.h>
#include <wt.h>

static const char *wat =
    "(module (import \"\" \"hello\" (func $hello))\n"
    "  (func (export \"run\") (call $hello)))";

static wt_error_t *hello(void *env, wt_caller_t *caller, const wt_val_t *args,
                         size_t nargs, wt_val_t *results, size_t nresults) {
  puts("Hello from a deserialized module!");
  return NULL;
}

int main(void) {
  wt_engine_t *engine = NULL, *engine2 = NULL;
  wt_module_t *module = NULL, *loaded = NULL;
  wt_store_t *store = NULL;
  wt_linker_t *linker = NULL;
  wt_instance_t instance;
  uint8_t *bytes = NULL;
  size_t len = 0;
  wt_error_t *err;
  /* Compile and serialize with one engine... */
  if (!(err = wt_engine_new(NULL, &engine)) &&
      !(err = wt_module_new_wat(engine, wat, &module)) &&
      !(err = wt_module_serialize(module, &bytes, &len)))
    printf("serialized %s bytes\n", len > 1000 ? "more than 1000" : "few");
  /* ...and load them with another of the same configuration. */
  if (!err && !(err = wt_engine_new(NULL, &engine2)) &&
      !(err = wt_engine_check_precompiled(engine2, bytes, len)) &&
      !(err = wt_module_deserialize(engine2, bytes, len, &loaded)) &&
      !(err = wt_store_new(engine2, NULL, NULL, &store)) &&
      !(err = wt_linker_new(engine2, &linker)) &&
      !(err = wt_linker_define_func(linker, "", "hello", "", hello, NULL, NULL)) &&
      !(err = wt_linker_instantiate(linker, store, loaded, &instance)))
    err = wt_instance_call(store, &instance, "run", NULL, 0, NULL, 0);
  if (err)
    fprintf(stderr, "error: %s\n", wt_error_message(err));
  free(bytes);
  wt_linker_delete(linker);
  wt_store_delete(store);
  wt_module_delete(loaded);
  wt_module_delete(module);
  wt_engine_delete(engine2);
  wt_engine_delete(engine);
  wt_error_delete(err);
  return err ? 1 : 0;
}
