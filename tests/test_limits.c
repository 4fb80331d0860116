/* The untrusted-code guide (docs/untrusted.md): its example function, run
 * against hostile and well-behaved programs. Keep run_untrusted() identical
 * to the one in the guide. */
#include <string.h>

#include "helpers.h"

wt_error_t *run_untrusted(const uint8_t *wasm_bytes, size_t len,
                          const char *dir);

wt_error_t *run_untrusted(const uint8_t *wasm_bytes, size_t len,
                          const char *dir) {
  wt_config_t *config = wt_config_new();
  wt_config_consume_fuel(config, true);
  wt_config_epoch_interruption(config, true);
  wt_config_max_wasm_stack(config, 512 * 1024);

  wt_engine_t *engine = NULL;
  wt_store_t *store = NULL;
  wt_linker_t *linker = NULL;
  wt_module_t *module = NULL;
  wt_wasi_t *wasi = wt_wasi_new();
  wt_wasi_preopen(wasi, dir, "/data", false);
  wt_wasi_output_capture(wasi, WT_WASI_STDOUT);

  wt_limits_t limits = WT_LIMITS_NONE;
  limits.memory_size = 16 << 20;
  limits.instances = 1;

  wt_error_t *err;
  if (!(err = wt_engine_new(config, &engine)) &&
      !(err = wt_module_new(engine, wasm_bytes, len, &module)) &&
      !(err = wt_store_new(engine, NULL, NULL, &store)) &&
      !(err = wt_store_limits(store, &limits)) &&
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

static void expect_trap(const char *wat, wt_trap_code_t want) {
  wt_error_t *err = EXPECT_KIND(run_wat(wat), WT_ERROR_TRAP);
  wt_trap_code_t code;
  cr_assert(wt_error_trap_code(err, &code), "%s", wt_error_message(err));
  cr_assert_eq(code, want, "code %d: %s", code, wt_error_message(err));
  wt_error_delete(err);
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
  expect_trap("(module (func $f (export \"_start\") (call $f)))",
              WT_TRAP_STACK_OVERFLOW);
}

Test(limits, guide_example_refuses_a_memory_hog) {
  /* 1 GiB up front: refused at instantiation by the 16 MiB limit. */
  wt_error_t *err = run_wat("(module (memory 16384)"
                            " (func (export \"_start\")))");
  cr_assert_not_null(err);
  cr_assert_neq(wt_error_kind(err), WT_ERROR_TRAP);
  wt_error_delete(err);
  /* Growing past the limit fails inside wasm: the program sees -1 and
   * chooses to trap with unreachable. */
  expect_trap("(module (memory 1) (func (export \"_start\")"
              " (if (i32.eq (memory.grow (i32.const 1000)) (i32.const -1))"
              "   (then unreachable))))",
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
