/* WASI preview 1: real C programs built for wasm32-wasi run through wt,
 * with arguments, environment, stdio, preopened directories and exit codes. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

typedef struct {
  wt_engine_t *engine;
  wt_linker_t *linker;
  wt_store_t *store;
  wt_module_t *module;
} prog;

static prog load(const char *name) {
  prog p;
  p.engine = engine_from(NULL);
  OK(wt_linker_new(p.engine, &p.linker));
  OK(wt_linker_define_wasi(p.linker));
  char path[512];
  snprintf(path, sizeof path, "%s/%s.wasm", WASI_DIR, name);
  OK(wt_module_new_file(p.engine, path, &p.module));
  OK(wt_store_new(p.engine, NULL, NULL, &p.store));
  return p;
}

static void unload(prog *p) {
  wt_module_delete(p->module);
  wt_store_delete(p->store);
  wt_linker_delete(p->linker);
  wt_engine_delete(p->engine);
}

/* Runs with `wasi` (deleted here), stdout and stderr captured. */
static wt_error_t *run(prog *p, wt_wasi_t *wasi) {
  cr_assert(wt_wasi_set_output_capture(wasi, WT_WASI_STREAM_STDOUT));
  cr_assert(wt_wasi_set_output_capture(wasi, WT_WASI_STREAM_STDERR));
  OK(wt_store_set_wasi(p->store, wasi));
  wt_wasi_delete(wasi);
  return wt_wasi_run(p->linker, p->store, p->module);
}

static char *output(prog *p, wt_wasi_stream_t s) {
  size_t len;
  const uint8_t *d = wt_store_wasi_output(p->store, s, &len);
  cr_assert_not_null(d);
  char *copy = malloc(len + 1);
  memcpy(copy, d, len);
  copy[len] = '\0';
  return copy;
}

static void expect_stdout(prog *p, const char *want) {
  char *got = output(p, WT_WASI_STREAM_STDOUT);
  cr_assert_str_eq(got, want);
  free(got);
}

Test(wasi, hello_prints_to_captured_stdout) {
  prog p = load("hello");
  OK(run(&p, wt_wasi_new()));
  expect_stdout(&p, "hello from wasi\n");
  unload(&p);
}

Test(wasi, arguments_and_environment) {
  prog p = load("args_env");
  wt_wasi_t *w = wt_wasi_new();
  const char *argv[] = {"args_env", "GREETING", "EMPTY", "MISSING"};
  cr_assert(wt_wasi_set_args(w, 4, argv));
  cr_assert(wt_wasi_add_env(w, "GREETING", "h\xc3\xa9llo w\xc3\xb6rld"));
  cr_assert(wt_wasi_add_env(w, "EMPTY", ""));
  OK(run(&p, w));
  expect_stdout(&p, "arg 0: args_env\narg 1: GREETING\narg 2: EMPTY\n"
                    "arg 3: MISSING\nenv GREETING=h\xc3\xa9llo w\xc3\xb6rld\n"
                    "env EMPTY=\nenv MISSING=(unset)\n");
  unload(&p);
}

Test(wasi, no_environment_unless_given_or_inherited) {
  prog p = load("args_env");
  OK(run(&p, wt_wasi_new()));
  expect_stdout(&p, "");
  wt_wasi_t *w = wt_wasi_new();
  setenv("WT_TEST_INHERITED", "yes", 1);
  cr_assert(wt_wasi_inherit_env(w));
  OK(run(&p, w));
  char *out = output(&p, WT_WASI_STREAM_STDOUT);
  cr_assert(strstr(out, "env WT_TEST_INHERITED=yes\n") != NULL, "%s", out);
  free(out);
  unload(&p);
}

Test(wasi, stdin_from_bytes_and_from_file) {
  prog p = load("stdin");
  wt_wasi_t *w = wt_wasi_new();
  cr_assert(wt_wasi_set_stdin_bytes(w, "abc\n", 4));
  OK(run(&p, w));
  expect_stdout(&p, "ABC\n");
  char *err = output(&p, WT_WASI_STREAM_STDERR);
  cr_assert_str_eq(err, "4 bytes\n");
  free(err);
  char path[] = "/tmp/wt-stdin-XXXXXX";
  int fd = mkstemp(path);
  cr_assert(write(fd, "from a file", 11) == 11);
  close(fd);
  w = wt_wasi_new();
  cr_assert(wt_wasi_set_stdin_file(w, path));
  OK(run(&p, w));
  expect_stdout(&p, "FROM A FILE");
  unlink(path);
  /* No stdin configured: the program reads nothing. */
  OK(run(&p, wt_wasi_new()));
  expect_stdout(&p, "");
  unload(&p);
}

Test(wasi, stdout_to_a_file) {
  prog p = load("hello");
  char path[] = "/tmp/wt-stdout-XXXXXX";
  close(mkstemp(path));
  wt_wasi_t *w = wt_wasi_new();
  cr_assert(wt_wasi_set_output_file(w, WT_WASI_STREAM_STDOUT, path));
  OK(wt_store_set_wasi(p.store, w));
  wt_wasi_delete(w);
  OK(wt_wasi_run(p.linker, p.store, p.module));
  size_t len = 9;
  cr_assert_null(wt_store_wasi_output(p.store, WT_WASI_STREAM_STDOUT, &len));
  cr_assert_eq(len, 0);
  FILE *f = fopen(path, "r");
  char buf[64] = {0};
  cr_assert(fread(buf, 1, sizeof buf - 1, f) > 0);
  fclose(f);
  cr_assert_str_eq(buf, "hello from wasi\n");
  unlink(path);
  unload(&p);
}

static char *make_dir(void) {
  static char dir[64];
  strcpy(dir, "/tmp/wt-wasi-XXXXXX");
  cr_assert_not_null(mkdtemp(dir));
  return dir;
}

static void rm_rf(const char *dir) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  cr_assert_eq(system(cmd), 0);
}

Test(wasi, cat_a_preopened_file) {
  prog p = load("cat");
  char *dir = make_dir();
  char path[128];
  snprintf(path, sizeof path, "%s/data.txt", dir);
  FILE *f = fopen(path, "w");
  fputs("line one\nline two\n", f);
  fclose(f);
  wt_wasi_t *w = wt_wasi_new();
  const char *argv[] = {"cat", "/sandbox/data.txt"};
  cr_assert(wt_wasi_set_args(w, 2, argv));
  cr_assert(wt_wasi_add_preopen(w, dir, "/sandbox", false));
  OK(run(&p, w));
  expect_stdout(&p, "line one\nline two\n");
  rm_rf(dir);
  unload(&p);
}

Test(wasi, write_a_file_in_a_writable_preopen) {
  prog p = load("write");
  char *dir = make_dir();
  wt_wasi_t *w = wt_wasi_new();
  const char *argv[] = {"write", "/out/result.txt", "written by wasm"};
  cr_assert(wt_wasi_set_args(w, 3, argv));
  cr_assert(wt_wasi_add_preopen(w, dir, "/out", true));
  OK(run(&p, w));
  char path[128], buf[64] = {0};
  snprintf(path, sizeof path, "%s/result.txt", dir);
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "the program did not create %s", path);
  cr_assert(fread(buf, 1, sizeof buf - 1, f) > 0);
  fclose(f);
  cr_assert_str_eq(buf, "written by wasm");
  rm_rf(dir);
  unload(&p);
}

Test(wasi, read_only_preopen_refuses_writes) {
  prog p = load("write");
  char *dir = make_dir();
  wt_wasi_t *w = wt_wasi_new();
  const char *argv[] = {"write", "/ro/nope.txt", "x"};
  cr_assert(wt_wasi_set_args(w, 3, argv));
  cr_assert(wt_wasi_add_preopen(w, dir, "/ro", false));
  wt_error_t *err = EXPECT_KIND(run(&p, w), WT_ERROR_EXIT);
  int status;
  cr_assert(wt_error_exit_status(err, &status));
  cr_assert_eq(status, 2, "expected the program's open to fail");
  wt_error_delete(err);
  char path[128];
  snprintf(path, sizeof path, "%s/nope.txt", dir);
  struct stat st;
  cr_assert_neq(stat(path, &st), 0, "a read-only preopen was written to");
  rm_rf(dir);
  unload(&p);
}

Test(wasi, paths_outside_preopens_are_refused) {
  char *dir = make_dir();
  char inner[128];
  snprintf(inner, sizeof inner, "%s/inner", dir);
  cr_assert_eq(mkdir(inner, 0700), 0);
  const char *escapes[] = {"/box/../escaped.txt", "/escaped.txt",
                           "../escaped.txt", "/etc/wt-escaped.txt"};
  for (size_t i = 0; i < sizeof escapes / sizeof escapes[0]; i++) {
    prog p = load("write");
    wt_wasi_t *w = wt_wasi_new();
    const char *argv[] = {"write", escapes[i], "x"};
    cr_assert(wt_wasi_set_args(w, 3, argv));
    cr_assert(wt_wasi_add_preopen(w, inner, "/box", true));
    wt_error_t *err = EXPECT_KIND(run(&p, w), WT_ERROR_EXIT);
    int status;
    cr_assert(wt_error_exit_status(err, &status));
    cr_assert_eq(status, 2, "%s: expected open to fail", escapes[i]);
    wt_error_delete(err);
    unload(&p);
  }
  char outside[128];
  snprintf(outside, sizeof outside, "%s/escaped.txt", dir);
  struct stat st;
  cr_assert_neq(stat(outside, &st), 0, "a file appeared outside the preopen");
  cr_assert_neq(stat("/etc/wt-escaped.txt", &st), 0);
  /* Reading outside is refused too. */
  prog p = load("cat");
  wt_wasi_t *w = wt_wasi_new();
  const char *argv[] = {"cat", "/box/../../../etc/passwd"};
  cr_assert(wt_wasi_set_args(w, 2, argv));
  cr_assert(wt_wasi_add_preopen(w, inner, "/box", false));
  wt_error_t *err = EXPECT_KIND(run(&p, w), WT_ERROR_EXIT);
  wt_error_delete(err);
  expect_stdout(&p, "");
  unload(&p);
  rm_rf(dir);
}

Test(wasi, exit_codes) {
  prog p = load("exit");
  wt_wasi_t *w = wt_wasi_new();
  const char *argv0[] = {"exit", "0"};
  cr_assert(wt_wasi_set_args(w, 2, argv0));
  OK(run(&p, w)); /* exit code 0 is success */
  expect_stdout(&p, "exiting\n");
  int codes[] = {1, 42, 125};
  for (size_t i = 0; i < 3; i++) {
    wt_store_delete(p.store); /* a command runs once per store */
    OK(wt_store_new(p.engine, NULL, NULL, &p.store));
    w = wt_wasi_new();
    char code[8];
    snprintf(code, sizeof code, "%d", codes[i]);
    const char *argv[] = {"exit", code};
    cr_assert(wt_wasi_set_args(w, 2, argv));
    wt_error_t *err = EXPECT_KIND(run(&p, w), WT_ERROR_EXIT);
    int status = -1;
    cr_assert(wt_error_exit_status(err, &status));
    cr_assert_eq(status, codes[i]);
    wt_trap_code_t tc;
    cr_assert_not(wt_error_trap_code(err, &tc), "an exit is not a trap");
    wt_error_delete(err);
  }
  unload(&p);
}

Test(wasi, trap_in_a_program_is_a_trap_not_an_exit) {
  prog p = load("trap");
  wt_error_t *err = EXPECT_KIND(run(&p, wt_wasi_new()), WT_ERROR_TRAP);
  wt_trap_code_t code;
  cr_assert(wt_error_trap_code(err, &code));
  cr_assert_eq(code, WT_TRAP_INTEGER_DIVISION_BY_ZERO);
  int status;
  cr_assert_not(wt_error_exit_status(err, &status));
  cr_assert_gt(wt_error_frame_count(err), 0);
  wt_error_delete(err);
  unload(&p);
}

Test(wasi, missing_wasi_context_or_definitions) {
  prog p = load("hello");
  /* Without wt_store_set_wasi the store gets an empty WASI context (where
   * Wasmtime alone would abort the process): the program runs, its output
   * goes nowhere. */
  OK(wt_wasi_run(p.linker, p.store, p.module));
  size_t len = 1;
  cr_assert_null(wt_store_wasi_output(p.store, WT_WASI_STREAM_STDOUT, &len));
  cr_assert_eq(len, 0);
  wt_linker_t *bare;
  OK(wt_linker_new(p.engine, &bare));
  wt_store_t *s;
  OK(wt_store_new(p.engine, NULL, NULL, &s));
  EXPECT_ERROR(wt_wasi_run(bare, s, p.module), WT_ERROR_LINK,
               "wasi_snapshot_preview1");
  wt_store_delete(s);
  wt_linker_delete(bare);
  unload(&p);
}

Test(wasi, rejected_settings) {
  wt_wasi_t *w = wt_wasi_new();
  cr_assert_null(wt_wasi_rejected(w));
  cr_assert_not(wt_wasi_add_preopen(w, "/nonexistent/dir", "/x", false));
  cr_assert(strstr(wt_wasi_rejected(w), "not a directory") != NULL);
  cr_assert_not(wt_wasi_add_env(w, "A", NULL));
  cr_assert_not(wt_wasi_set_output_capture(w, (wt_wasi_stream_t)7));
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *s;
  OK(wt_store_new(engine, NULL, NULL, &s));
  EXPECT_ERROR(wt_store_set_wasi(s, w), WT_ERROR_MISUSE, "not a directory");
  wt_wasi_delete(w);
  w = wt_wasi_new();
  cr_assert(wt_wasi_set_stdin_file(w, "/nonexistent/in.txt"));
  EXPECT_ERROR(wt_store_set_wasi(s, w), WT_ERROR_IO, "/nonexistent/in.txt");
  wt_wasi_delete(w);
  EXPECT_ERROR(wt_store_set_wasi(s, NULL), WT_ERROR_MISUSE, "wasi");
  cr_assert_not(wt_wasi_set_args(NULL, 0, NULL));
  wt_wasi_delete(NULL);
  wt_store_delete(s);
  wt_engine_delete(engine);
}

Test(wasi, exit_status_outside_the_valid_range_is_a_trap) {
  /* WASI reserves exit statuses of 126 and above; Wasmtime treats such an
   * exit as a failure inside proc_exit, so it is a trap without a status. */
  prog p = load("exit");
  wt_wasi_t *w = wt_wasi_new();
  const char *argv[] = {"exit", "200"};
  cr_assert(wt_wasi_set_args(w, 2, argv));
  wt_error_t *err = EXPECT_KIND(run(&p, w), WT_ERROR_TRAP);
  int status = -1;
  cr_assert_not(wt_error_exit_status(err, &status));
  cr_assert(strstr(wt_error_message(err), "proc_exit") != NULL, "%s",
            wt_error_message(err));
  wt_error_delete(err);
  unload(&p);
}

Test(wasi, inherited_arguments_are_the_host_programs) {
  prog p = load("args_env");
  wt_wasi_t *w = wt_wasi_new();
  cr_assert(wt_wasi_inherit_args(w));
  OK(run(&p, w));
  char *out = output(&p, WT_WASI_STREAM_STDOUT);
  /* This process's own argv[0] (from /proc) reaches the guest. */
  char self[256] = {0};
  FILE *f = fopen("/proc/self/cmdline", "r");
  cr_assert_not_null(f);
  cr_assert(fread(self, 1, sizeof self - 1, f) > 0);
  fclose(f);
  char want[300];
  snprintf(want, sizeof want, "arg 0: %s\n", self);
  cr_assert(strncmp(out, want, strlen(want)) == 0, "%s vs %s", out, want);
  free(out);
  unload(&p);
}

/* The whole content of the file at `path` (caller frees). */
static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f, "cannot open %s", path);
  char *buf = calloc(1, 4096);
  size_t n = fread(buf, 1, 4095, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

/* A module calling WASI directly: proc_exit, and fd_write / fd_close of
 * the message at offset 16. */
static const char *direct_wat =
    "(module"
    " (import \"wasi_snapshot_preview1\" \"proc_exit\""
    "   (func $exit (param i32)))"
    " (import \"wasi_snapshot_preview1\" \"fd_write\""
    "   (func $write (param i32 i32 i32 i32) (result i32)))"
    " (import \"wasi_snapshot_preview1\" \"fd_close\""
    "   (func $close (param i32) (result i32)))"
    " (memory (export \"memory\") 1)"
    " (data (i32.const 0) \"\\10\\00\\00\\00\\11\\00\\00\\00\")" /* iovec */
    " (data (i32.const 16) \"written directly\\n\")"
    " (func (export \"exit\") (param i32) (call $exit (local.get 0)))"
    " (func (export \"write\") (param i32) (result i32)"
    "   (call $write (local.get 0) (i32.const 0) (i32.const 1) (i32.const 8)))"
    " (func (export \"written\") (result i32) (i32.load (i32.const 8)))"
    " (func (export \"close\") (param i32) (result i32)"
    "   (call $close (local.get 0)))"
    " (func (export \"ok\") (result i32) (i32.const 1)))";
static const char direct_message[] = "written directly\n"; /* 0x11 bytes */

typedef struct {
  wt_engine_t *engine;
  wt_linker_t *linker;
  wt_module_t *module;
  wt_store_t *store;
  wt_instance_t inst;
} direct;

/* Instantiates direct_wat in a new store given `wasi` (deleted here). */
static direct direct_load(wt_wasi_t *wasi) {
  direct d;
  d.engine = engine_from(NULL);
  OK(wt_linker_new(d.engine, &d.linker));
  OK(wt_linker_define_wasi(d.linker));
  d.module = compile(d.engine, direct_wat);
  OK(wt_store_new(d.engine, NULL, NULL, &d.store));
  OK(wt_store_set_wasi(d.store, wasi));
  wt_wasi_delete(wasi);
  OK(wt_linker_instantiate(d.linker, d.store, d.module, &d.inst));
  return d;
}

static void direct_unload(direct *d) {
  wt_store_delete(d->store);
  wt_module_delete(d->module);
  wt_linker_delete(d->linker);
  wt_engine_delete(d->engine);
}

static void expect_exit(direct *d, int32_t status) {
  wt_val_t arg = i32v(status);
  wt_error_t *err = EXPECT_KIND(
      wt_instance_call(d->store, &d->inst, "exit", &arg, 1, NULL, 0),
      WT_ERROR_EXIT);
  int got = -1;
  cr_assert(wt_error_exit_status(err, &got));
  cr_assert_eq(got, status);
  wt_trap_code_t tc;
  cr_assert_not(wt_error_trap_code(err, &tc), "an exit is not a trap");
  char want[32];
  snprintf(want, sizeof want, "exit status %d", status);
  cr_assert(strstr(wt_error_message(err), want) != NULL, "%s",
            wt_error_message(err));
  wt_error_delete(err);
}

Test(wasi, instance_stays_callable_after_an_exit) {
  direct d = direct_load(wt_wasi_new());
  /* Called directly (not through wt_wasi_run), even a zero status comes
   * back as an exit, so the caller sees that the program stopped. */
  expect_exit(&d, 0);
  expect_exit(&d, 1);
  expect_exit(&d, 1); /* the same export again */
  wt_val_t res;
  OK(wt_instance_call(d.store, &d.inst, "ok", NULL, 0, &res, 1));
  cr_assert_eq(res.of.i32, 1);
  direct_unload(&d);
}

Test(wasi, output_file_in_a_missing_directory_is_an_io_error) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *s;
  OK(wt_store_new(engine, NULL, NULL, &s));
  const wt_wasi_stream_t streams[] = {WT_WASI_STREAM_STDOUT, WT_WASI_STREAM_STDERR};
  for (size_t i = 0; i < 2; i++) {
    wt_wasi_t *w = wt_wasi_new();
    /* The path is only opened when the context is built. */
    cr_assert(wt_wasi_set_output_file(w, streams[i], "/nonexistent/dir/out.txt"));
    cr_assert_null(wt_wasi_rejected(w));
    EXPECT_ERROR(wt_store_set_wasi(s, w), WT_ERROR_IO,
                 "/nonexistent/dir/out.txt");
    wt_wasi_delete(w);
  }
  wt_store_delete(s);
  wt_engine_delete(engine);
}

Test(wasi, stdout_and_stderr_to_files) {
  prog p = load("stdin");
  char out[] = "/tmp/wt-out-XXXXXX", err[] = "/tmp/wt-err-XXXXXX";
  close(mkstemp(out));
  close(mkstemp(err));
  wt_wasi_t *w = wt_wasi_new();
  cr_assert(wt_wasi_set_stdin_bytes(w, "some input\n", 11));
  cr_assert(wt_wasi_set_output_file(w, WT_WASI_STREAM_STDOUT, out));
  cr_assert(wt_wasi_set_output_file(w, WT_WASI_STREAM_STDERR, err));
  OK(wt_store_set_wasi(p.store, w));
  wt_wasi_delete(w);
  OK(wt_wasi_run(p.linker, p.store, p.module));
  size_t len = 9;
  cr_assert_null(wt_store_wasi_output(p.store, WT_WASI_STREAM_STDERR, &len));
  cr_assert_eq(len, 0);
  unload(&p); /* the files are complete once the store is gone */
  char *o = slurp(out), *e = slurp(err);
  cr_assert_str_eq(o, "SOME INPUT\n");
  cr_assert_str_eq(e, "11 bytes\n");
  free(o);
  free(e);
  unlink(out);
  unlink(err);
}

Test(wasi, fd_write_to_redirected_stdout_and_stderr) {
  const size_t msg_len = strlen(direct_message);
  for (int32_t fd = 1; fd <= 2; fd++) {
    char path[] = "/tmp/wt-fd-XXXXXX";
    close(mkstemp(path));
    wt_wasi_t *w = wt_wasi_new();
    cr_assert(wt_wasi_set_output_file(w, (wt_wasi_stream_t)fd, path));
    direct d = direct_load(w);
    wt_val_t arg = i32v(fd), res;
    OK(wt_instance_call(d.store, &d.inst, "write", &arg, 1, &res, 1));
    cr_assert_eq(res.of.i32, 0, "fd_write(%d) errno %d", fd, res.of.i32);
    OK(wt_instance_call(d.store, &d.inst, "written", NULL, 0, &res, 1));
    cr_assert_eq((size_t)res.of.i32, msg_len);
    OK(wt_instance_call(d.store, &d.inst, "close", &arg, 1, &res, 1));
    cr_assert_eq(res.of.i32, 0, "fd_close(%d) errno %d", fd, res.of.i32);
    direct_unload(&d);
    char *got = slurp(path);
    cr_assert_str_eq(got, direct_message, "fd %d", fd);
    free(got);
    unlink(path);
  }
}

/* Points host file descriptor `fd` at `path` (opened with `flags`); returns
 * a copy of the old descriptor to restore. */
static int redirect_fd(int fd, const char *path, int flags) {
  int saved = dup(fd);
  cr_assert_geq(saved, 0);
  int f = open(path, flags, 0600);
  cr_assert_geq(f, 0, "cannot open %s", path);
  cr_assert_eq(dup2(f, fd), fd);
  close(f);
  return saved;
}

static void restore_fd(int fd, int saved) {
  dup2(saved, fd);
  close(saved);
}

Test(wasi, inherited_stdio_is_the_host_processes) {
  char in[] = "/tmp/wt-in-XXXXXX", out[] = "/tmp/wt-out-XXXXXX",
       err[] = "/tmp/wt-err-XXXXXX";
  int fd = mkstemp(in);
  cr_assert(write(fd, "from the host\n", 14) == 14);
  close(fd);
  close(mkstemp(out));
  close(mkstemp(err));
  prog p = load("stdin");
  wt_wasi_t *w = wt_wasi_new();
  cr_assert(wt_wasi_inherit_stdio(w));
  cr_assert_null(wt_wasi_rejected(w));
  OK(wt_store_set_wasi(p.store, w));
  wt_wasi_delete(w);
  fflush(stdout);
  fflush(stderr);
  int s0 = redirect_fd(0, in, O_RDONLY);
  int s1 = redirect_fd(1, out, O_WRONLY | O_TRUNC);
  int s2 = redirect_fd(2, err, O_WRONLY | O_TRUNC);
  wt_error_t *res = wt_wasi_run(p.linker, p.store, p.module);
  restore_fd(0, s0);
  restore_fd(1, s1);
  restore_fd(2, s2);
  OK(res);
  unload(&p);
  char *o = slurp(out), *e = slurp(err);
  cr_assert_str_eq(o, "FROM THE HOST\n");
  cr_assert_str_eq(e, "14 bytes\n");
  free(o);
  free(e);
  unlink(in);
  unlink(out);
  unlink(err);
}

Test(wasi, one_stream_inherited_the_other_captured) {
  const wt_wasi_stream_t streams[] = {WT_WASI_STREAM_STDOUT, WT_WASI_STREAM_STDERR};
  for (size_t i = 0; i < 2; i++) {
    wt_wasi_stream_t inherited = streams[i], captured = streams[1 - i];
    char path[] = "/tmp/wt-host-XXXXXX";
    close(mkstemp(path));
    prog p = load("stdin");
    wt_wasi_t *w = wt_wasi_new();
    cr_assert(wt_wasi_set_stdin_bytes(w, "abc", 3));
    cr_assert(wt_wasi_set_output_inherit(w, inherited));
    cr_assert(wt_wasi_set_output_capture(w, captured));
    cr_assert_null(wt_wasi_rejected(w));
    OK(wt_store_set_wasi(p.store, w));
    wt_wasi_delete(w);
    fflush(stdout);
    fflush(stderr);
    int saved = redirect_fd((int)inherited, path, O_WRONLY | O_TRUNC);
    wt_error_t *res = wt_wasi_run(p.linker, p.store, p.module);
    restore_fd((int)inherited, saved);
    OK(res);
    char *host = slurp(path), *cap = output(&p, captured);
    const char *out_text = "ABC", *err_text = "3 bytes\n";
    cr_assert_str_eq(host, inherited == WT_WASI_STREAM_STDOUT ? out_text : err_text);
    cr_assert_str_eq(cap, captured == WT_WASI_STREAM_STDOUT ? out_text : err_text);
    size_t len = 9;
    cr_assert_null(wt_store_wasi_output(p.store, inherited, &len));
    cr_assert_eq(len, 0);
    free(host);
    free(cap);
    unload(&p);
    unlink(path);
  }
}
