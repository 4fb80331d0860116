/* wt_module_t: sources (bytes, WAT, files), validation, serialization. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

static const char *add_wat =
    "(module (func (export \"add\") (param i32 i32) (result i32)"
    " (i32.add (local.get 0) (local.get 1))))";

static char *temp_path(const char *suffix) {
  static char path[128];
  snprintf(path, sizeof path, "/tmp/wt-test-%d%s", (int)getpid(), suffix);
  return path;
}

static int32_t run_add(wt_engine_t *engine, wt_module_t *m) {
  wt_linker_t *l;
  wt_store_t *s;
  OK(wt_linker_new(engine, &l));
  OK(wt_store_new(engine, NULL, NULL, &s));
  wt_instance_t inst;
  OK(wt_linker_instantiate(l, s, m, &inst));
  wt_val_t args[2] = {i32v(20), i32v(22)}, res;
  OK(wt_instance_call(s, &inst, "add", args, 2, &res, 1));
  wt_store_delete(s);
  wt_linker_delete(l);
  return res.of.i32;
}

Test(module, from_wat_file_and_binary_file) {
  wt_engine_t *engine = engine_from(NULL);
  char *path = temp_path(".wat");
  FILE *f = fopen(path, "w");
  fputs(add_wat, f);
  fclose(f);
  wt_module_t *m = NULL;
  OK(wt_module_new_file(engine, path, &m));
  cr_assert_eq(run_add(engine, m), 42);
  wt_module_delete(m);
  unlink(path);
  /* A binary file (the magic number decides). */
  static const uint8_t empty[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  path = temp_path(".wasm");
  f = fopen(path, "wb");
  fwrite(empty, 1, sizeof empty, f);
  fclose(f);
  OK(wt_module_new_file(engine, path, &m));
  cr_assert_eq(wt_module_export_count(m), 0);
  wt_module_delete(m);
  unlink(path);
  wt_engine_delete(engine);
}

Test(module, missing_file_is_io_error) {
  wt_engine_t *engine = engine_from(NULL);
  wt_module_t *m = NULL;
  EXPECT_ERROR(wt_module_new_file(engine, "/nonexistent/x.wasm", &m),
               WT_ERROR_IO, "/nonexistent/x.wasm");
  EXPECT_ERROR(wt_module_new_file(engine, NULL, &m), WT_ERROR_MISUSE, "path");
  cr_assert_null(m);
  wt_engine_delete(engine);
}

Test(module, validate_accepts_valid_and_reports_invalid) {
  wt_engine_t *engine = engine_from(NULL);
  OK(wt_module_validate(engine, (const uint8_t *)add_wat, strlen(add_wat)));
  const char *bad = "(module (func (result i32) (i64.const 1)))";
  EXPECT_ERROR(wt_module_validate(engine, (const uint8_t *)bad, strlen(bad)),
               WT_ERROR_COMPILE, "type mismatch");
  const uint8_t junk[] = {0, 'a', 's', 'm', 9, 9, 9, 9};
  wt_error_delete(EXPECT_KIND(wt_module_validate(engine, junk, sizeof junk),
                              WT_ERROR_COMPILE));
  EXPECT_ERROR(wt_module_validate(NULL, junk, 1), WT_ERROR_MISUSE, "engine");
  wt_engine_delete(engine);
}

Test(module, empty_and_garbage_inputs_are_compile_errors) {
  wt_engine_t *engine = engine_from(NULL);
  wt_module_t *m = NULL;
  wt_error_delete(
      EXPECT_KIND(wt_module_new(engine, NULL, 0, &m), WT_ERROR_COMPILE));
  const uint8_t truncated[] = {0, 'a', 's', 'm', 1};
  wt_error_delete(EXPECT_KIND(
      wt_module_new(engine, truncated, sizeof truncated, &m), WT_ERROR_COMPILE));
  const uint8_t noise[] = {0xde, 0xad, 0xbe, 0xef, 0x01};
  wt_error_delete(
      EXPECT_KIND(wt_module_new(engine, noise, sizeof noise, &m),
                  WT_ERROR_COMPILE));
  cr_assert_null(m);
  wt_engine_delete(engine);
}

Test(module, serialize_round_trip_in_memory_and_file) {
  wt_engine_t *engine = engine_from(NULL);
  wt_module_t *m = compile(engine, add_wat);
  uint8_t *bytes;
  size_t len;
  OK(wt_module_serialize(m, &bytes, &len));
  cr_assert_gt(len, 0);
  wt_module_t *back = NULL;
  OK(wt_module_deserialize(engine, bytes, len, &back));
  cr_assert_eq(run_add(engine, back), 42);
  cr_assert_eq(wt_module_export_count(back), 1);
  wt_module_delete(back);
  char *path = temp_path(".cwasm");
  OK(wt_module_serialize_file(m, path));
  OK(wt_module_deserialize_file(engine, path, &back));
  cr_assert_eq(run_add(engine, back), 42);
  wt_module_delete(back);
  unlink(path);
  free(bytes);
  wt_module_delete(m);
  wt_engine_delete(engine);
}

Test(module, deserialize_rejects_corrupt_and_foreign_bytes) {
  wt_engine_t *engine = engine_from(NULL);
  wt_module_t *m = compile(engine, add_wat);
  uint8_t *bytes;
  size_t len;
  OK(wt_module_serialize(m, &bytes, &len));
  wt_module_t *back = NULL;
  wt_error_delete(EXPECT_KIND(wt_module_deserialize(engine, bytes, 16, &back),
                              WT_ERROR_COMPILE));
  /* A wasm binary is not a precompiled module. */
  const uint8_t empty[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  wt_error_delete(EXPECT_KIND(
      wt_module_deserialize(engine, empty, sizeof empty, &back),
      WT_ERROR_COMPILE));
  EXPECT_ERROR(wt_module_deserialize_file(engine, "/nonexistent", &back),
               WT_ERROR_IO, "nonexistent");
  EXPECT_ERROR(wt_module_serialize_file(m, "/nonexistent/dir/x"), WT_ERROR_IO,
               "/nonexistent/dir/x");
  cr_assert_null(back);
  free(bytes);
  wt_module_delete(m);
  wt_engine_delete(engine);
}

Test(module, deleted_module_is_misuse) {
  wt_engine_t *engine = engine_from(NULL);
  uint8_t *bytes;
  size_t len;
  EXPECT_ERROR(wt_module_serialize(NULL, &bytes, &len), WT_ERROR_MISUSE,
               "module");
  cr_assert_eq(wt_module_import_count(NULL), 0);
  cr_assert_null(wt_module_export(NULL, 0));
  wt_module_delete(NULL);
  wt_engine_delete(engine);
}

Test(module, name_from_name_section) {
  wt_engine_t *engine = engine_from(NULL);
  wt_module_t *m = compile(engine, "(module $hello (func))");
  cr_assert_str_eq(wt_module_name(m), "hello");
  wt_module_delete(m);
  m = compile(engine, "(module (func))");
  cr_assert_null(wt_module_name(m));
  uint8_t *bytes;
  size_t len;
  wt_module_t *named = compile(engine, "(module $x)");
  OK(wt_module_serialize(named, &bytes, &len));
  wt_module_t *back;
  OK(wt_module_deserialize(engine, bytes, len, &back));
  cr_assert_null(wt_module_name(back)); /* documented: not kept */
  free(bytes);
  wt_module_delete(back);
  wt_module_delete(named);
  wt_module_delete(m);
  cr_assert_null(wt_module_name(NULL));
  wt_engine_delete(engine);
}

Test(module, one_byte_inputs_are_compile_errors) {
  wt_engine_t *engine = engine_from(NULL);
  /* Neither starts with the magic number, so both are read as WAT text. */
  static const uint8_t inputs[][1] = {{0x00}, {0x01}, {'a'}};
  for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    wt_module_t *m = NULL;
    wt_error_delete(EXPECT_KIND(wt_module_new(engine, inputs[i], 1, &m),
                                WT_ERROR_COMPILE));
    cr_assert_null(m);
    wt_error_delete(EXPECT_KIND(wt_module_validate(engine, inputs[i], 1),
                                WT_ERROR_COMPILE));
  }
  wt_engine_delete(engine);
}

Test(module, validate_header_empty_and_one_byte) {
  wt_engine_t *engine = engine_from(NULL);
  static const uint8_t header[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  OK(wt_module_validate(engine, header, sizeof header));
  /* Empty input is refused, with or without a buffer, by the binary reader
   * with Wasmtime's end-of-file message; it is not taken as an empty text
   * module. */
  const uint8_t *empties[] = {NULL, header};
  for (size_t i = 0; i < 2; i++) {
    EXPECT_ERROR(wt_module_validate(engine, empties[i], 0), WT_ERROR_COMPILE,
                 "unexpected end-of-file");
    wt_module_t *m = NULL;
    EXPECT_ERROR(wt_module_new(engine, empties[i], 0, &m), WT_ERROR_COMPILE,
                 "unexpected end-of-file");
    cr_assert_null(m);
  }
  static const uint8_t one[] = {0x00};
  wt_error_delete(EXPECT_KIND(wt_module_validate(engine, one, sizeof one),
                              WT_ERROR_COMPILE));
  /* A header cut short is also refused. */
  wt_error_delete(EXPECT_KIND(wt_module_validate(engine, header, 4),
                              WT_ERROR_COMPILE));
  wt_engine_delete(engine);
}

Test(module, deleted_module_refuses_serialize_and_has_no_imports) {
  wt_engine_t *engine = engine_from(NULL);
  wt_module_t *m = compile(engine, "(module (import \"a\" \"f\" (func))"
                                   " (func (export \"g\")))");
  cr_assert_eq(wt_module_import_count(m), 1);
  cr_assert_eq(wt_module_export_count(m), 1);
  wt_module_delete(m);
  uint8_t *bytes = NULL;
  size_t len = 0;
  EXPECT_ERROR(wt_module_serialize(m, &bytes, &len), WT_ERROR_MISUSE,
               "wt_module_serialize: module is NULL or deleted");
  cr_assert_null(bytes);
  cr_assert_eq(len, 0);
  char *path = temp_path(".deleted");
  EXPECT_ERROR(wt_module_serialize_file(m, path), WT_ERROR_MISUSE,
               "wt_module_serialize_file: module is NULL or deleted");
  cr_assert_eq(access(path, F_OK), -1, "a file was created for a deleted "
                                       "module");
  cr_assert_eq(wt_module_import_count(m), 0);
  cr_assert_null(wt_module_import(m, 0));
  cr_assert_eq(wt_module_export_count(m), 0);
  cr_assert_null(wt_module_export(m, 0));
  wt_module_delete(m); /* a second delete is ignored */
  wt_engine_delete(engine);
}

Test(module, missing_payload_or_wrong_engine_is_misuse) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_module_t *m = NULL;
  EXPECT_ERROR(wt_module_new(engine, NULL, 1, &m), WT_ERROR_MISUSE,
               "wt_module_new: bytes is NULL");
  EXPECT_ERROR(wt_module_validate(engine, NULL, 1), WT_ERROR_MISUSE,
               "wt_module_validate: bytes is NULL");
  static const uint8_t header[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  /* A store where the engine belongs. */
  EXPECT_ERROR(wt_module_validate((wt_engine_t *)store, header, sizeof header),
               WT_ERROR_MISUSE, "wt_module_validate: engine is NULL or deleted");
  EXPECT_ERROR(wt_module_new((wt_engine_t *)store, header, sizeof header, &m),
               WT_ERROR_MISUSE, "wt_module_new: engine is NULL or deleted");
  cr_assert_null(m);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(module, module_from_binary_and_wat_bytes) {
  wt_engine_t *engine = engine_from(NULL);
  const uint8_t empty[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  wt_module_t *m = NULL;
  OK(wt_module_new(engine, empty, sizeof empty, &m));
  wt_module_delete(m);
  const char *wat = "(module)";
  OK(wt_module_new(engine, (const uint8_t *)wat, strlen(wat), &m));
  wt_module_delete(m);
  EXPECT_ERROR(wt_module_new(NULL, empty, sizeof empty, &m), WT_ERROR_MISUSE,
               "engine");
  EXPECT_ERROR(wt_module_new_wat(engine, NULL, &m), WT_ERROR_MISUSE, "wat");
  wt_engine_delete(engine);
}
