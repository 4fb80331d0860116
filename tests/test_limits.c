/* The untrusted-code guide (docs/untrusted.md): its example function, run
 * against hostile and well-behaved programs. Keep run_untrusted() identical
 * to the one in the guide. Then store limits (wt_store_set_limits) on tables made
 * and grown by the host and on the number of memories. */
#include <string.h>

#include "helpers.h"

wt_error_t *run_untrusted(const uint8_t *wasm_bytes, size_t len,
                          const char *dir);

wt_error_t *run_untrusted(const uint8_t *wasm_bytes, size_t len,
                          const char *dir) {
  wt_config_t *config = wt_config_new();
  wt_config_set_consume_fuel(config, true);
  wt_config_set_epoch_interruption(config, true);
  wt_config_set_max_wasm_stack(config, 512 * 1024);

  wt_engine_t *engine = NULL;
  wt_store_t *store = NULL;
  wt_linker_t *linker = NULL;
  wt_module_t *module = NULL;
  wt_wasi_t *wasi = wt_wasi_new();
  wt_wasi_add_preopen(wasi, dir, "/data", false);
  wt_wasi_set_output_capture(wasi, WT_WASI_STREAM_STDOUT);

  wt_limits_t limits = WT_LIMITS_NONE;
  limits.memory_size = 16 << 20;
  limits.instances = 1;

  wt_error_t *err;
  if (!(err = wt_engine_new(config, &engine)) &&
      !(err = wt_module_new(engine, wasm_bytes, len, &module)) &&
      !(err = wt_store_new(engine, NULL, NULL, &store)) &&
      !(err = wt_store_set_limits(store, &limits)) &&
      !(err = wt_store_set_fuel(store, 10 * 1000 * 1000)) &&
      !(err = wt_store_set_timeout(store, 100)) &&
      !(err = wt_store_set_wasi(store, wasi)) &&
      !(err = wt_linker_new(engine, &linker)) &&
      !(err = wt_linker_define_wasi(linker)))
    err = wt_wasi_run(linker, store, module);
  /* err: NULL, or a trap (interrupt, fuel, stack, ...), an exit code, or a
   * compile or link error: wt_error_kind() tells which. */
  wt_wasi_delete(wasi);
  wt_linker_delete(linker);
  wt_module_delete(module);
  wt_store_delete(store);
  wt_engine_delete(engine);
  wt_config_delete(config);
  return err;
}

static wt_error_t *run_wat(const char *wat) {
  return run_untrusted((const uint8_t *)wat, strlen(wat), "/tmp");
}

Test(limits, guide_example_stops_an_endless_loop) {
  /* Fuel (10M) would stop it too; with timeout 100 ms, whichever comes
   * first: both are traps. */
  wt_error_t *err = EXPECT_KIND(
      run_wat("(module (func (export \"_start\") (loop $l (br $l))))"),
      WT_ERROR_TRAP);
  wt_trap_code_t code;
  cr_assert(wt_error_trap_code(err, &code));
  cr_assert(code == WT_TRAP_INTERRUPT || code == WT_TRAP_OUT_OF_FUEL);
  wt_error_delete(err);
}

Test(limits, guide_example_stops_unbounded_recursion) {
  expect_trap(run_wat("(module (func $f (export \"_start\") (call $f)))"),
              WT_TRAP_STACK_OVERFLOW);
}

Test(limits, guide_example_refuses_a_memory_hog) {
  /* 1 GiB up front: refused at instantiation by the 16 MiB limit, as a
   * limit (WT_ERROR_WASMTIME), not a trap or a link error. */
  EXPECT_ERROR(run_wat("(module (memory 16384) (func (export \"_start\")))"),
               WT_ERROR_WASMTIME,
               "memory minimum size of 16384 pages exceeds memory limits");
  /* Growing past the limit fails inside wasm: the program sees -1 and
   * chooses to trap with unreachable. */
  expect_trap(run_wat("(module (memory 1) (func (export \"_start\")"
                      " (if (i32.eq (memory.grow (i32.const 1000))"
                      "   (i32.const -1)) (then unreachable))))"),
              WT_TRAP_UNREACHABLE);
}

Test(limits, guide_example_runs_a_well_behaved_program) {
  OK(run_wat("(module (memory 1) (func (export \"_start\")"
             " (drop (memory.grow (i32.const 10)))))"));
}

Test(limits, guide_example_reports_bad_input) {
  wt_error_delete(EXPECT_KIND(run_wat("(module (func (export \"_start\") "
                                      "(i32.add)))"),
                              WT_ERROR_COMPILE));
  wt_error_delete(EXPECT_KIND(run_wat("(module (import \"evil\" \"f\" (func))"
                                      " (func (export \"_start\")))"),
                              WT_ERROR_LINK));
}

static wt_store_t *limited_store(wt_engine_t *engine,
                                 const wt_limits_t *limits) {
  wt_store_t *store = NULL;
  OK(wt_store_new(engine, NULL, NULL, &store));
  OK(wt_store_set_limits(store, limits));
  return store;
}

Test(limits, table_element_limit_applies_to_new_host_tables) {
  wt_engine_t *engine = engine_from(NULL);
  wt_limits_t limits = WT_LIMITS_NONE;
  limits.table_elements = 1;
  wt_store_t *store = limited_store(engine, &limits);
  wt_val_t null_func = {.kind = WT_VAL_FUNCREF};
  wt_tabletype_t one = {.elem = WT_VAL_FUNCREF, .min = 1};
  wt_tabletype_t two = {.elem = WT_VAL_FUNCREF, .min = 2};
  wt_table_t t;
  OK(wt_table_new(store, &one, &null_func, &t));
  uint64_t size = 0;
  OK(wt_table_size(store, &t, &size));
  cr_assert_eq(size, 1);
  wt_table_t big = {0};
  EXPECT_ERROR(wt_table_new(store, &two, &null_func, &big), WT_ERROR_WASMTIME,
               "wt_table_new: ");
  /* The store is still usable, and the limit still lets a table of one be
   * made. */
  OK(wt_table_new(store, &one, &null_func, &t));
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(limits, host_table_growth_stops_at_the_element_limit) {
  wt_engine_t *engine = engine_from(NULL);
  wt_limits_t limits = WT_LIMITS_NONE;
  limits.table_elements = 5;
  wt_store_t *store = limited_store(engine, &limits);
  wt_val_t null_ref = {.kind = WT_VAL_EXTERNREF};
  wt_tabletype_t type = {.elem = WT_VAL_EXTERNREF, .min = 0};
  wt_table_t t;
  OK(wt_table_new(store, &type, &null_ref, &t));
  uint64_t old = 99, size = 0;
  OK(wt_table_grow(store, &t, 5, &null_ref, &old));
  cr_assert_eq(old, 0);
  OK(wt_table_size(store, &t, &size));
  cr_assert_eq(size, 5);
  /* Growing by one more fails whatever the fill value, and changes nothing. */
  static int marker;
  wt_val_t ref;
  OK(wt_externref_new(store, &marker, NULL, &ref));
  old = 99;
  wt_error_delete(EXPECT_KIND(wt_table_grow(store, &t, 1, &null_ref, &old),
                              WT_ERROR_WASMTIME));
  wt_error_delete(
      EXPECT_KIND(wt_table_grow(store, &t, 1, &ref, &old), WT_ERROR_WASMTIME));
  cr_assert_eq(old, 99, "a failed grow must not write the old size");
  OK(wt_table_size(store, &t, &size));
  cr_assert_eq(size, 5, "a refused grow changed the table");
  wt_val_t v;
  EXPECT_ERROR(wt_table_get(store, &t, 5, &v), WT_ERROR_MISUSE,
               "out of bounds of a table of 5");
  /* The elements within the limit are all usable. */
  OK(wt_table_set(store, &t, 4, &ref));
  OK(wt_table_get(store, &t, 4, &v));
  void *data = NULL;
  OK(wt_externref_data(store, &v, &data));
  cr_assert_eq(data, &marker);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(limits, memory_count_limit_counts_every_instance_of_the_store) {
  wt_engine_t *engine = engine_from(NULL);
  wt_limits_t limits = WT_LIMITS_NONE;
  limits.memories = 2;
  wt_store_t *store = limited_store(engine, &limits);
  wt_linker_t *l = NULL;
  OK(wt_linker_new(engine, &l));
  wt_module_t *m = compile(engine, "(module (memory (export \"mem\") 1))");
  wt_instance_t a, b, c;
  OK(wt_linker_instantiate(l, store, m, &a));
  OK(wt_linker_instantiate(l, store, m, &b));
  /* The limit is reported as such (not as a link error), with the count. */
  EXPECT_ERROR(wt_linker_instantiate(l, store, m, &c), WT_ERROR_WASMTIME,
               "resource limit exceeded: memory count too high at 3");
  /* The two instances made before the limit was reached keep their memory. */
  wt_memory_t mem;
  uint64_t pages = 0;
  OK(wt_instance_memory(store, &b, "mem", &mem));
  OK(wt_memory_pages(store, &mem, &pages));
  cr_assert_eq(pages, 1);
  wt_module_delete(m);
  wt_linker_delete(l);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

/* The memory and table counts are checked when an instance is made: host
 * memories and tables do not count, and instances still do. */
Test(limits, counts_apply_to_instances_not_host_items) {
  wt_engine_t *engine = engine_from(NULL);
  wt_limits_t limits = WT_LIMITS_NONE;
  limits.memories = 1;
  limits.tables = 1;
  wt_store_t *store = limited_store(engine, &limits);
  wt_memorytype_t mt = {.min = 1, .page_size_log2 = 16};
  wt_tabletype_t tt = {.elem = WT_VAL_FUNCREF, .min = 1};
  wt_val_t null_func = {.kind = WT_VAL_FUNCREF};
  for (int i = 0; i < 3; i++) {
    wt_memory_t mem;
    wt_table_t table;
    OK(wt_memory_new(store, &mt, &mem));
    OK(wt_table_new(store, &tt, &null_func, &table));
  }
  wt_linker_t *l = NULL;
  OK(wt_linker_new(engine, &l));
  wt_module_t *m = compile(engine, "(module (memory 1) (table 1 funcref))");
  wt_instance_t a, b;
  OK(wt_linker_instantiate(l, store, m, &a));
  EXPECT_ERROR(wt_linker_instantiate(l, store, m, &b), WT_ERROR_WASMTIME,
               "resource limit exceeded");
  wt_module_delete(m);
  wt_linker_delete(l);
  wt_store_delete(store);
  wt_engine_delete(engine);
}
