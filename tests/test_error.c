/* wt_error_t: kinds, names, messages, trap codes, backtraces, host errors. */
#include <string.h>

#include "helpers.h"

Test(error, every_kind_has_a_distinct_name) {
  static const struct {
    wt_error_kind_t kind;
    const char *name;
  } kinds[] = {
      {WT_ERROR_MISUSE, "misuse"},     {WT_ERROR_COMPILE, "compile"},
      {WT_ERROR_LINK, "link"},         {WT_ERROR_TRAP, "trap"},
      {WT_ERROR_EXIT, "exit"},         {WT_ERROR_NOT_FOUND, "not found"},
      {WT_ERROR_CONFIG, "config"},     {WT_ERROR_IO, "io"},
      {WT_ERROR_HOST, "host"},         {WT_ERROR_WASMTIME, "wasmtime"},
      {WT_ERROR_EXCEPTION, "exception"},
  };
  size_t n = sizeof kinds / sizeof kinds[0];
  for (size_t i = 0; i < n; i++) {
    cr_assert_eq((int)kinds[i].kind, (int)i + 1, "kinds are numbered 1..11");
    cr_assert_str_eq(wt_error_kind_name(kinds[i].kind), kinds[i].name);
  }
  cr_assert_str_eq(wt_error_kind_name((wt_error_kind_t)0), "unknown");
  cr_assert_str_eq(wt_error_kind_name((wt_error_kind_t)12), "unknown");
  cr_assert_str_eq(wt_error_kind_name((wt_error_kind_t)999), "unknown");
}

Test(error, null_error_accessors_are_safe) {
  cr_assert_eq(wt_error_kind(NULL), 0);
  cr_assert_str_eq(wt_error_message(NULL), "");
  wt_trap_code_t code;
  int status;
  cr_assert_not(wt_error_trap_code(NULL, &code));
  cr_assert_not(wt_error_exit_status(NULL, &status));
  cr_assert_eq(wt_error_frame_count(NULL), 0);
  cr_assert_null(wt_error_frame(NULL, 0));
  wt_error_delete(NULL);
}

Test(error, host_error_keeps_message) {
  wt_error_t *e = wt_error_new("it broke");
  cr_assert_eq(wt_error_kind(e), WT_ERROR_HOST);
  cr_assert_str_eq(wt_error_message(e), "it broke");
  cr_assert_not(wt_error_trap_code(e, NULL));
  cr_assert_eq(wt_error_frame_count(e), 0);
  wt_error_delete(e);
  e = wt_error_new(NULL);
  cr_assert_str_eq(wt_error_message(e), "");
  wt_error_delete(e);
}

Test(error, compile_error_carries_wasmtime_message) {
  wt_engine_t *engine = engine_from(NULL);
  wt_module_t *m = NULL;
  EXPECT_ERROR(wt_module_new_wat(engine, "(module (func (result i32)))", &m),
               WT_ERROR_COMPILE, "type mismatch");
  EXPECT_ERROR(wt_module_new_wat(engine, "(module (fun))", &m),
               WT_ERROR_COMPILE, "expected");
  const uint8_t bad[] = {0, 'a', 's', 'm', 1, 0, 0, 0, 0xff};
  wt_error_delete(
      EXPECT_KIND(wt_module_new(engine, bad, sizeof bad, &m), WT_ERROR_COMPILE));
  cr_assert_null(m);
  wt_engine_delete(engine);
}

static const char *trap_wat =
    "(module $mod\n"
    "  (func $inner (export \"div\") (param i32) (result i32)\n"
    "    (i32.div_s (i32.const 1) (local.get 0)))\n"
    "  (func $outer (export \"outer\") (result i32)\n"
    "    (call $inner (i32.const 0)))\n"
    "  (func (export \"unreachable\") unreachable))";

Test(error, trap_has_code_message_and_backtrace) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, trap_wat, &store);
  wt_val_t res;
  wt_error_t *err = EXPECT_KIND(
      wt_instance_call(store, &inst, "outer", NULL, 0, &res, 1), WT_ERROR_TRAP);
  wt_trap_code_t code;
  cr_assert(wt_error_trap_code(err, &code));
  cr_assert_eq(code, WT_TRAP_INTEGER_DIVISION_BY_ZERO);
  cr_assert(strstr(wt_error_message(err), "integer divide by zero") != NULL,
            "%s", wt_error_message(err));
  cr_assert_eq(wt_error_frame_count(err), 2);
  const wt_frame_t *f0 = wt_error_frame(err, 0), *f1 = wt_error_frame(err, 1);
  cr_assert_eq(f0->func_index, 0);
  cr_assert_str_eq(f0->func_name, "inner");
  cr_assert_str_eq(f0->module_name, "mod");
  cr_assert_eq(f1->func_index, 1);
  cr_assert_str_eq(f1->func_name, "outer");
  cr_assert_gt(f0->module_offset, 0);
  cr_assert_gt(f1->module_offset, f0->module_offset);
  cr_assert_null(wt_error_frame(err, 2));
  int status;
  cr_assert_not(wt_error_exit_status(err, &status));
  wt_error_delete(err);

  err = EXPECT_KIND(wt_instance_call(store, &inst, "unreachable", NULL, 0,
                                     NULL, 0),
                    WT_ERROR_TRAP);
  cr_assert(wt_error_trap_code(err, &code));
  cr_assert_eq(code, WT_TRAP_UNREACHABLE);
  wt_error_delete(err);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

static wt_error_t *trap_with_code(void *env, wt_caller_t *caller,
                                  const wt_val_t *args, size_t nargs,
                                  wt_val_t *results, size_t nresults) {
  return wt_trap_new(WT_TRAP_INTEGER_OVERFLOW);
}

Test(error, host_raised_trap_code_reaches_caller) {
  wt_error_t *e = wt_trap_new(WT_TRAP_UNREACHABLE);
  cr_assert_eq(wt_error_kind(e), WT_ERROR_TRAP);
  wt_trap_code_t code;
  cr_assert(wt_error_trap_code(e, &code));
  cr_assert_eq(code, WT_TRAP_UNREACHABLE);
  cr_assert(strstr(wt_error_message(e), "unreachable") != NULL, "%s",
            wt_error_message(e));
  wt_error_delete(e);

  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  OK(wt_linker_define_func(linker, "h", "t", "", trap_with_code, NULL, NULL));
  wt_module_t *m = compile(engine, "(module (import \"h\" \"t\" (func $t))"
                                   " (func (export \"run\") (call $t)))");
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  wt_error_t *err = EXPECT_KIND(
      wt_instance_call(store, &inst, "run", NULL, 0, NULL, 0), WT_ERROR_TRAP);
  cr_assert(wt_error_trap_code(err, &code));
  cr_assert_eq(code, WT_TRAP_INTEGER_OVERFLOW);
  wt_error_delete(err);
  wt_module_delete(m);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(error, frames_without_a_name_section_have_no_names) {
  wt_engine_t *engine = engine_from(NULL);
  /* A binary without a name section: (func (export "f") unreachable) */
  static const uint8_t wasm[] = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, /* header */
      0x01, 0x04, 0x01, 0x60, 0x00, 0x00,             /* type () -> () */
      0x03, 0x02, 0x01, 0x00,                         /* func 0: type 0 */
      0x07, 0x05, 0x01, 0x01, 'f', 0x00, 0x00,        /* export "f" */
      0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b};      /* body: unreachable */
  wt_module_t *m = NULL;
  OK(wt_module_new(engine, wasm, sizeof wasm, &m));
  wt_linker_t *l;
  OK(wt_linker_new(engine, &l));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(l, store, m, &inst));
  wt_error_t *err = EXPECT_KIND(
      wt_instance_call(store, &inst, "f", NULL, 0, NULL, 0), WT_ERROR_TRAP);
  cr_assert_eq(wt_error_frame_count(err), 1);
  const wt_frame_t *f = wt_error_frame(err, 0);
  cr_assert_eq(f->func_index, 0);
  cr_assert_null(f->func_name);
  cr_assert_null(f->module_name);
  cr_assert_eq(f->module_offset, 30, "offset %zu", f->module_offset); /* the unreachable */
  wt_error_delete(err);
  wt_store_delete(store);
  wt_linker_delete(l);
  wt_module_delete(m);
  wt_engine_delete(engine);
}

/* Returns a new host error, remembering it in *env. */
static wt_error_t *fail_and_remember(void *env, wt_caller_t *caller,
                                     const wt_val_t *args, size_t nargs,
                                     wt_val_t *results, size_t nresults) {
  wt_error_t **made = env;
  *made = wt_error_new("the disk is on fire");
  return *made;
}

Test(error, host_error_object_comes_back_and_later_errors_are_fresh) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  OK(wt_linker_define_wasi(linker));
  wt_error_t *made = NULL;
  OK(wt_linker_define_func(linker, "h", "fail", "", fail_and_remember, &made,
                           NULL));
  wt_module_t *m = compile(
      engine,
      "(module (import \"h\" \"fail\" (func $fail))"
      " (import \"wasi_snapshot_preview1\" \"proc_exit\""
      "   (func $exit (param i32)))"
      " (memory (export \"memory\") 1)" /* WASI calls need it */
      " (func (export \"fail\") (call $fail))"
      " (func (export \"exit\") (call $exit (i32.const 3)))"
      " (func (export \"trap\") unreachable))");
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));

  wt_error_t *err = wt_instance_call(store, &inst, "fail", NULL, 0, NULL, 0);
  cr_assert_not_null(made);
  cr_assert_eq(err, made, "the call returned another error than the host's");
  cr_assert_eq(wt_error_kind(err), WT_ERROR_HOST);
  cr_assert_str_eq(wt_error_message(err), "the disk is on fire");
  wt_error_delete(err);

  /* Errors that follow in the same store carry nothing of it. */
  err = EXPECT_KIND(wt_instance_call(store, &inst, "exit", NULL, 0, NULL, 0),
                    WT_ERROR_EXIT);
  int status = -1;
  cr_assert(wt_error_exit_status(err, &status));
  cr_assert_eq(status, 3);
  cr_assert_null(strstr(wt_error_message(err), "disk"), "%s",
                 wt_error_message(err));
  wt_error_delete(err);
  err = EXPECT_KIND(wt_instance_call(store, &inst, "trap", NULL, 0, NULL, 0),
                    WT_ERROR_TRAP);
  wt_trap_code_t code;
  cr_assert(wt_error_trap_code(err, &code));
  cr_assert_eq(code, WT_TRAP_UNREACHABLE);
  cr_assert_null(strstr(wt_error_message(err), "disk"), "%s",
                 wt_error_message(err));
  cr_assert_eq(wt_error_frame_count(err), 1);
  wt_error_delete(err);

  /* A second failure is the host's new error object again. */
  made = NULL;
  err = wt_instance_call(store, &inst, "fail", NULL, 0, NULL, 0);
  cr_assert_not_null(made);
  cr_assert_eq(err, made);
  wt_error_delete(err);

  wt_store_delete(store);
  wt_module_delete(m);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}
