/* wasi_component: run a C program built as a wasi:cli/run component (WASI
 * preview 2), with arguments and captured output.
 *   ./build/examples/wasi_component PROGRAM.wasm [ARGS...]
 * The test build makes such programs of the C files in tests/wasi/, e.g.
 * build/tests/guests/wasi_hello.wasm. */
#include <stdio.h>
#include <wt.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PROGRAM.wasm [ARGS...]\n", argv[0]);
    return 2;
  }
  wt_engine_t *engine = NULL;
  wt_store_t *store = NULL;
  wt_component_linker_t *linker = NULL;
  wt_component_t *program = NULL;
  wt_wasi_t *wasi = wt_wasi_new();
  wt_error_t *err = NULL;
  /* The program sees its own arguments and writes to captured stdout. */
  if (!wasi || !wt_wasi_set_args(wasi, (size_t)argc - 1,
                                 (const char *const *)argv + 1) ||
      !wt_wasi_set_output_capture(wasi, WT_WASI_STREAM_STDOUT))
    err = wt_error_new("bad WASI settings");
  if (err || (err = wt_engine_new(NULL, &engine)) ||
      (err = wt_store_new(engine, NULL, NULL, &store)) ||
      (err = wt_store_set_wasi(store, wasi)) ||
      (err = wt_component_linker_new(engine, &linker)) ||
      (err = wt_component_linker_define_wasi(linker)) ||
      (err = wt_component_new_file(engine, argv[1], &program)))
    fprintf(stderr, "error (%s): %s\n", wt_error_kind_name(wt_error_kind(err)),
            wt_error_message(err));
  else {
    err = wt_wasi_run_component(linker, store, program);
    size_t len;
    const uint8_t *out = wt_store_wasi_output(store, WT_WASI_STREAM_STDOUT,
                                              &len);
    printf("the program wrote %zu bytes:\n%.*s", len, (int)len,
           (const char *)out);
    int status;
    if (err && wt_error_exit_status(err, &status))
      printf("it exited with status %d\n", status);
    else if (err)
      printf("it failed (%s): %s\n", wt_error_kind_name(wt_error_kind(err)),
             wt_error_message(err));
    else
      printf("it succeeded\n");
  }
  wt_component_delete(program);
  wt_component_linker_delete(linker);
  wt_store_delete(store);
  wt_engine_delete(engine);
  wt_wasi_delete(wasi);
  int failed = err != NULL;
  wt_error_delete(err);
  return failed;
}
