/* memory: read, write and grow a wasm memory from C, with bounds checks. */
#include <stdio.h>
#include <wt.h>

static const char *wat =
    "(module\n"
    "  (memory (export \"memory\") 2 3)\n"
    "  (func (export \"size\") (result i32) (memory.size))\n"
    "  (func (export \"load\") (param i32) (result i32)\n"
    "    (i32.load8_s (local.get 0)))\n"
    "  (data (i32.const 0x1000) \"\\01\\02\\03\\04\"))";

static wt_store_t *store;
static wt_instance_t instance;

/* Calls `name` with an optional i32 argument; prints a trap instead. */
static void show(const char *name, int nargs, int32_t arg) {
  wt_val_t a = {.kind = WT_VAL_I32, .of.i32 = arg}, r;
  wt_error_t *err = wt_instance_call(store, &instance, name, &a, nargs, &r, 1);
  wt_trap_code_t code;
  if (!err)
    printf("%s(%s) = %d\n", name, nargs ? "0x..." : "", r.of.i32);
  else if (wt_error_trap_code(err, &code))
    printf("%s traps: code %d (%s)\n", name, code,
           code == WT_TRAP_MEMORY_OUT_OF_BOUNDS ? "out of bounds" : "?");
  wt_error_delete(err);
}

int main(void) {
  wt_engine_t *engine = NULL;
  wt_linker_t *linker = NULL;
  wt_module_t *module = NULL;
  wt_memory_t memory;
  wt_error_t *err;
  if ((err = wt_engine_new(NULL, &engine)) ||
      (err = wt_store_new(engine, NULL, NULL, &store)) ||
      (err = wt_linker_new(engine, &linker)) ||
      (err = wt_module_new_wat(engine, wat, &module)) ||
      (err = wt_linker_instantiate(linker, store, module, &instance)) ||
      (err = wt_instance_memory(store, &instance, "memory", &memory)))
    goto done;
  size_t len;
  uint8_t *data = wt_memory_data(store, &memory, &len);
  printf("%zu bytes; data[0x1002] = %d\n", len, data[0x1002]);
  show("size", 0, 0);
  show("load", 1, 0x1003);

  uint8_t byte = 42;
  if ((err = wt_memory_write(store, &memory, 0x1003, &byte, 1)))
    goto done;
  show("load", 1, 0x1003);

  /* Out of bounds: wasm traps; a host read is a misuse error. */
  show("load", 1, 0x20000);
  wt_error_t *oob = wt_memory_read(store, &memory, 0x20000, &byte, 1);
  printf("host read at 0x20000: %s error\n",
         wt_error_kind_name(wt_error_kind(oob)));
  wt_error_delete(oob);

  /* Growth: one page fits under the maximum of 3, the next does not. */
  uint64_t old = 0;
  wt_error_t *refused = wt_memory_grow(store, &memory, 1, &old);
  printf("grow from %llu pages: %s\n", (unsigned long long)old,
         refused ? "refused" : "ok");
  wt_error_delete(refused);
  refused = wt_memory_grow(store, &memory, 1, NULL);
  printf("grow past the maximum: %s\n", refused ? "refused" : "ok");
  wt_error_delete(refused);
  show("size", 0, 0);
  show("load", 1, 0x20000);

done:
  if (err)
    fprintf(stderr, "error: %s\n", wt_error_message(err));
  wt_module_delete(module);
  wt_linker_delete(linker);
  wt_store_delete(store);
  wt_engine_delete(engine);
  wt_error_delete(err);
  return err ? 1 : 0;
}
