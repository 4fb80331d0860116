/* component_hello written against Wasmtime's raw C API, for comparing
 * lengths with examples/component_hello.c (docs/examples.md). It does the
 * same work with the same component and prints the same line; like the wt
 * version, it reports errors and frees what it made on every path. */
#include <stdio.h>
#include <string.h>
#include <wasmtime.h>

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

static wasmtime_error_t *print(void *env, wasmtime_context_t *context,
                               const wasmtime_component_func_type_t *type,
                               wasmtime_component_val_t *args, size_t nargs,
                               wasmtime_component_val_t *results,
                               size_t nresults) {
  if (nargs != 1 || args[0].kind != WASMTIME_COMPONENT_STRING)
    return wasmtime_error_new("print: expected one string");
  printf("%.*s\n", (int)args[0].of.string.size, args[0].of.string.data);
  return NULL;
}

static int report(const char *what, wasmtime_error_t *error) {
  wasm_byte_vec_t message;
  wasmtime_error_message(error, &message);
  fprintf(stderr, "error: %s: %.*s\n", what, (int)message.size, message.data);
  wasm_byte_vec_delete(&message);
  wasmtime_error_delete(error);
  return 1;
}

int main(void) {
  int status = 0;
  wasm_engine_t *engine = wasm_engine_new();
  wasmtime_store_t *store = wasmtime_store_new(engine, NULL, NULL);
  wasmtime_context_t *context = wasmtime_store_context(store);
  wasmtime_component_linker_t *linker = wasmtime_component_linker_new(engine);
  wasmtime_component_t *component = NULL;
  wasm_byte_vec_t binary = {0, NULL};
  wasmtime_error_t *error =
      wasmtime_wat2wasm(wat, strlen(wat), &binary);
  if (error) {
    status = report("parsing the component", error);
    goto done;
  }
  wasmtime_component_linker_instance_t *root =
      wasmtime_component_linker_root(linker);
  error = wasmtime_component_linker_instance_add_func(
      root, "print", strlen("print"), print, NULL, NULL);
  wasmtime_component_linker_instance_delete(root);
  if (error) {
    status = report("defining print", error);
    goto done;
  }
  error = wasmtime_component_new(engine, (const uint8_t *)binary.data,
                                 binary.size, &component);
  if (error) {
    status = report("compiling the component", error);
    goto done;
  }
  wasmtime_component_instance_t instance;
  error = wasmtime_component_linker_instantiate(linker, context, component,
                                                &instance);
  if (error) {
    status = report("instantiating", error);
    goto done;
  }
  wasmtime_component_export_index_t *index =
      wasmtime_component_instance_get_export_index(&instance, context, NULL,
                                                   "greet", strlen("greet"));
  if (!index) {
    fprintf(stderr, "error: no export greet\n");
    status = 1;
    goto done;
  }
  wasmtime_component_func_t greet;
  bool found =
      wasmtime_component_instance_get_func(&instance, context, index, &greet);
  wasmtime_component_export_index_delete(index);
  if (!found) {
    fprintf(stderr, "error: greet is not a function\n");
    status = 1;
    goto done;
  }
  wasmtime_component_val_t name;
  name.kind = WASMTIME_COMPONENT_STRING;
  wasm_name_new(&name.of.string, strlen("component"), "component");
  error = wasmtime_component_func_call(&greet, context, &name, 1, NULL, 0);
  wasmtime_component_val_delete(&name);
  if (error)
    status = report("calling greet", error);
done:
  wasm_byte_vec_delete(&binary);
  if (component)
    wasmtime_component_delete(component);
  wasmtime_component_linker_delete(linker);
  wasmtime_store_delete(store);
  wasm_engine_delete(engine);
  return status;
}
