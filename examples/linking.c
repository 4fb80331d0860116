/* linking: one module uses another's exports, through a linker. */
#include <stdio.h>
#include <wt.h>

static const char *math_wat =
    "(module (func (export \"double\") (param i32) (result i32)\n"
    "  (i32.mul (local.get 0) (i32.const 2))))";

static const char *app_wat =
    "(module\n"
    "  (import \"math\" \"double\" (func $double (param i32) (result i32)))\n"
    "  (import \"host\" \"print\" (func $print (param i32)))\n"
    "  (func (export \"run\") (call $print (call $double (i32.const 21)))))";

static wt_error_t *print(void *env, wt_caller_t *caller, const wt_val_t *args,
                         size_t nargs, wt_val_t *results, size_t nresults) {
  printf("double(21) = %d\n", args[0].of.i32);
  return NULL;
}

int main(void) {
  wt_engine_t *engine = NULL;
  wt_store_t *store = NULL;
  wt_linker_t *linker = NULL;
  wt_module_t *math = NULL, *app = NULL;
  wt_instance_t math_instance, app_instance;
  wt_error_t *err;
  if (!(err = wt_engine_new(NULL, &engine)) &&
      !(err = wt_store_new(engine, NULL, NULL, &store)) &&
      !(err = wt_linker_new(engine, &linker)) &&
      !(err = wt_linker_define_func(linker, "host", "print", "i32", print, NULL,
                                    NULL)) &&
      !(err = wt_module_new_wat(engine, math_wat, &math)) &&
      !(err = wt_module_new_wat(engine, app_wat, &app)) &&
      !(err = wt_linker_instantiate(linker, store, math, &math_instance)) &&
      !(err = wt_linker_define_instance(linker, store, "math", &math_instance)) &&
      !(err = wt_linker_instantiate(linker, store, app, &app_instance)))
    err = wt_instance_call(store, &app_instance, "run", NULL, 0, NULL, 0);
  if (err)
    fprintf(stderr, "error: %s\n", wt_error_message(err));
  wt_module_delete(app);
  wt_module_delete(math);
  wt_linker_delete(linker);
  wt_store_delete(store);
  wt_engine_delete(engine);
  wt_error_delete(err);
  return err ? 1 : 0;
}
