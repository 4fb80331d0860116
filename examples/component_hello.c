/* component_hello: a component calls a C function with a string, and C
 * calls the component with a string. Build and run: ./build.sh */
#include <stdio.h>
#include <wt.h>

/* Imports print(msg: string); exports greet(name: string), which calls
 * print("Hello, <name>!") with the greeting built in the component. */
static const char *wat =
    "(component\n"
    "  (import \"print\" (func $print (param \"msg\" string)))\n"
    "  (core module $libc\n"
    "    (memory (export \"mem\") 1)\n"
    "    (func (export \"realloc\") (param i32 i32 i32 i32) (result i32)\n"
    "      (i32.const 64)))\n"
    "  (core instance $libc (instantiate $libc))\n"
    "  (alias core export $libc \"mem\" (core memory $mem))\n"
    "  (alias core export $libc \"realloc\" (core func $realloc))\n"
    "  (core func $print_low (canon lower (func $print) (memory $mem)))\n"
    "  (core instance $host (export \"print\" (func $print_low)))\n"
    "  (core module $m\n"
    "    (import \"libc\" \"mem\" (memory 1))\n"
    "    (import \"host\" \"print\" (func $print (param i32 i32)))\n"
    "    (data (i32.const 0) \"Hello, \")\n"
    "    (func (export \"greet\") (param $p i32) (param $n i32)\n"
    "      (memory.copy (i32.const 7) (local.get $p) (local.get $n))\n"
    "      (i32.store8 (i32.add (i32.const 7) (local.get $n)) (i32.const 33))\n"
    "      (call $print (i32.const 0) (i32.add (local.get $n) (i32.const 8)))))\n"
    "  (core instance $i (instantiate $m (with \"libc\" (instance $libc))\n"
    "    (with \"host\" (instance $host))))\n"
    "  (func (export \"greet\") (param \"name\" string)\n"
    "    (canon lift (core func $i \"greet\") (memory $mem)\n"
    "      (realloc $realloc))))";

static wt_error_t *print(void *env, wt_store_t *store, const wt_cval_t *args,
                         size_t nargs, wt_cval_t *results, size_t nresults,
                         wt_arena_t *arena) {
  printf("%.*s\n", (int)args[0].of.str.len, args[0].of.str.data);
  return NULL;
}

int main(void) {
  wt_engine_t *engine = NULL;
  wt_store_t *store = NULL;
  wt_component_linker_t *linker = NULL;
  wt_component_t *component = NULL;
  wt_component_instance_t instance;
  wt_cval_t name = {WT_CVAL_STRING, .of.str = {"component", 9}};
  wt_error_t *err;
  if ((err = wt_engine_new(NULL, &engine)) ||
      (err = wt_store_new(engine, NULL, NULL, &store)) ||
      (err = wt_component_linker_new(engine, &linker)) ||
      (err = wt_component_linker_define_func(linker, NULL, "print", print,
                                             NULL, NULL)) ||
      (err = wt_component_new_wat(engine, wat, &component)) ||
      (err = wt_component_linker_instantiate(linker, store, component,
                                             &instance)) ||
      (err = wt_component_instance_call(store, &instance, "greet", &name, 1,
                                        NULL, 0, NULL)))
    fprintf(stderr, "error (%s): %s\n", wt_error_kind_name(wt_error_kind(err)),
            wt_error_message(err));
  wt_component_delete(component);
  wt_component_linker_delete(linker);
  wt_store_delete(store);
  wt_engine_delete(engine);
  wt_error_delete(err);
  return err ? 1 : 0;
}
