/* WASI preview 2: the C programs of tests/wasi/, built both as core modules
 * (preview 1) and as wasi:cli/run components (preview 2, the command
 * adapter), run with the same wt_wasi_t through wt_wasi_run() and
 * wt_wasi_run_component(): the same output, files and exit results, apart
 * from preview 2's ok/err exit. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

/* What one run gave. */
typedef struct outcome {
  wt_error_kind_t kind; /* 0 for success */
  int status;           /* for WT_ERROR_EXIT */
  wt_trap_code_t code;  /* for WT_ERROR_TRAP */
  char out[4096], err[4096];
} outcome;

static void take_output(wt_store_t *store, wt_wasi_stream_t s, char *buf,
                        size_t cap) {
  size_t len = 0;
  const uint8_t *data = wt_store_wasi_output(store, s, &len);
  cr_assert_not_null(data, "the stream was captured");
  cr_assert_lt(len, cap);
  memcpy(buf, data, len);
  buf[len] = '\0';
}

static void settle(outcome *o, wt_store_t *store, wt_error_t *err) {
  memset(o, 0, sizeof *o);
  if (err) {
    o->kind = wt_error_kind(err);
    if (!wt_error_exit_status(err, &o->status))
      o->status = -1;
    if (!wt_error_trap_code(err, &o->code))
      o->code = (wt_trap_code_t)-1;
    wt_error_delete(err);
  }
  take_output(store, WT_WASI_STREAM_STDOUT, o->out, sizeof o->out);
  take_output(store, WT_WASI_STREAM_STDERR, o->err, sizeof o->err);
}

/* Runs tests/wasi/<name>.c as a core module. */
static void run_module(wt_engine_t *engine, const char *name,
                       const wt_wasi_t *wasi, outcome *o) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s.wasm", WASI_DIR, name);
  wt_module_t *m;
  OK(wt_module_new_file(engine, path, &m));
  wt_linker_t *l;
  OK(wt_linker_new(engine, &l));
  OK(wt_linker_define_wasi(l));
  wt_store_t *s;
  OK(wt_store_new(engine, NULL, NULL, &s));
  OK(wt_store_set_wasi(s, wasi));
  settle(o, s, wt_wasi_run(l, s, m));
  wt_store_delete(s);
  wt_linker_delete(l);
  wt_module_delete(m);
}

/* Runs tests/wasi/<name>.c as a wasi:cli/run component. */
static void run_component(wt_engine_t *engine, const char *name,
                          const wt_wasi_t *wasi, outcome *o) {
  char path[512];
  snprintf(path, sizeof path, "%s/wasi_%s.wasm", GUEST_DIR, name);
  wt_component_t *c;
  OK(wt_component_new_file(engine, path, &c));
  wt_component_linker_t *l;
  OK(wt_component_linker_new(engine, &l));
  OK(wt_component_linker_define_wasi(l));
  wt_store_t *s;
  OK(wt_store_new(engine, NULL, NULL, &s));
  OK(wt_store_set_wasi(s, wasi));
  settle(o, s, wt_wasi_run_component(l, s, c));
  wt_store_delete(s);
  wt_component_linker_delete(l);
  wt_component_delete(c);
}

/* Runs the program both ways and checks they agree: the same stdout and
 * stderr, success both times, or an exit (status n for preview 1, 1 for
 * preview 2 when n != 0), or the same trap. Returns the preview 1 run. */
static outcome both(const char *name, const wt_wasi_t *wasi) {
  wt_engine_t *engine = engine_from(wt_config_new());
  outcome p1, p2;
  run_module(engine, name, wasi, &p1);
  run_component(engine, name, wasi, &p2);
  wt_engine_delete(engine);
  cr_assert_str_eq(p2.out, p1.out, "%s: stdout", name);
  cr_assert_str_eq(p2.err, p1.err, "%s: stderr", name);
  if (p1.kind == WT_ERROR_EXIT) {
    cr_assert_eq(p2.kind, WT_ERROR_EXIT, "%s: preview 2 gave %s", name,
                 wt_error_kind_name(p2.kind));
    cr_assert_eq(p2.status, 1, "%s: preview 2 exits with err, status 1",
                 name);
  } else {
    cr_assert_eq(p2.kind, p1.kind, "%s: %s against %s", name,
                 wt_error_kind_name(p2.kind), wt_error_kind_name(p1.kind));
  }
  if (p1.kind == WT_ERROR_TRAP)
    cr_assert_eq(p2.code, p1.code, "%s: trap code", name);
  return p1;
}

static wt_wasi_t *captured(void) {
  wt_wasi_t *w = wt_wasi_new();
  cr_assert(wt_wasi_set_output_capture(w, WT_WASI_STREAM_STDOUT));
  cr_assert(wt_wasi_set_output_capture(w, WT_WASI_STREAM_STDERR));
  return w;
}

Test(wasi_component, hello) {
  wt_wasi_t *w = captured();
  outcome o = both("hello", w);
  cr_assert_eq(o.kind, 0);
  cr_assert_str_eq(o.out, "hello from wasi\n");
  wt_wasi_delete(w);
}

Test(wasi_component, arguments_and_environment) {
  wt_wasi_t *w = captured();
  const char *argv[] = {"prog", "HOME", "GREETING", "NOPE"};
  cr_assert(wt_wasi_set_args(w, 4, argv));
  cr_assert(wt_wasi_add_env(w, "HOME", "/nowhere"));
  cr_assert(wt_wasi_add_env(w, "GREETING", "h\xc3\xa9llo w\xc3\xb6rld"));
  outcome o = both("args_env", w);
  cr_assert_str_eq(o.out, "arg 0: prog\narg 1: HOME\narg 2: GREETING\n"
                          "arg 3: NOPE\nenv HOME=/nowhere\n"
                          "env GREETING=h\xc3\xa9llo w\xc3\xb6rld\n"
                          "env NOPE=(unset)\n");
  wt_wasi_delete(w);
  /* Without settings: no arguments but the program's name, if any, and an
   * empty environment, both ways. */
  w = captured();
  o = both("args_env", w);
  cr_assert_null(strstr(o.out, "env "), "%s", o.out);
  wt_wasi_delete(w);
}

Test(wasi_component, stdin_bytes_and_stderr) {
  wt_wasi_t *w = captured();
  static const char in[] = "mixed Case\n\0and a NUL";
  cr_assert(wt_wasi_set_stdin_bytes(w, in, sizeof in - 1));
  outcome o = both("stdin", w);
  cr_assert_eq(o.kind, 0);
  cr_assert_str_eq(o.err, "21 bytes\n");
  cr_assert_str_eq(o.out, "MIXED CASE\n");
  wt_wasi_delete(w);
}

Test(wasi_component, exit_statuses) {
  const char *codes[] = {"0", "3", "125"};
  for (size_t i = 0; i < 3; i++) {
    wt_wasi_t *w = captured();
    const char *argv[] = {"exit", codes[i]};
    cr_assert(wt_wasi_set_args(w, 2, argv));
    outcome o = both("exit", w);
    cr_assert_str_eq(o.out, "exiting\n");
    if (i == 0)
      cr_assert_eq(o.kind, 0, "exit(0) is success both ways");
    else
      cr_assert_eq(o.status, atoi(codes[i]));
    wt_wasi_delete(w);
  }
}

/* Wasmtime's preview 1 refuses exit statuses of 126 and more (they are not
 * portable) with a trap; preview 2 has only ok and err. */
Test(wasi_component, large_exit_status) {
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_wasi_t *w = captured();
  const char *argv[] = {"exit", "255"};
  cr_assert(wt_wasi_set_args(w, 2, argv));
  outcome p1, p2;
  run_module(engine, "exit", w, &p1);
  run_component(engine, "exit", w, &p2);
  cr_assert_eq(p1.kind, WT_ERROR_TRAP);
  cr_assert_eq(p2.kind, WT_ERROR_EXIT);
  cr_assert_eq(p2.status, 1);
  cr_assert_str_eq(p1.out, "exiting\n");
  cr_assert_str_eq(p2.out, "exiting\n");
  wt_wasi_delete(w);
  wt_engine_delete(engine);
}

Test(wasi_component, traps_stay_traps) {
  wt_wasi_t *w = captured();
  outcome o = both("trap", w);
  cr_assert_eq(o.kind, WT_ERROR_TRAP);
  cr_assert_eq(o.code, WT_TRAP_INTEGER_DIVISION_BY_ZERO);
  wt_wasi_delete(w);
}

/* A fresh directory under /tmp with one file in it, and a sibling file
 * outside it. */
typedef struct sandbox {
  char root[256], dir[300], outside[300];
} sandbox;

static void sandbox_make(sandbox *b) {
  snprintf(b->root, sizeof b->root, "/tmp/wt-p2-XXXXXX");
  cr_assert_not_null(mkdtemp(b->root));
  snprintf(b->dir, sizeof b->dir, "%s/box", b->root);
  cr_assert_eq(mkdir(b->dir, 0700), 0);
  snprintf(b->outside, sizeof b->outside, "%s/secret", b->root);
  FILE *f = fopen(b->outside, "w");
  cr_assert_not_null(f);
  fputs("do not read\n", f);
  fclose(f);
  char path[400];
  snprintf(path, sizeof path, "%s/in.txt", b->dir);
  f = fopen(path, "w");
  cr_assert_not_null(f);
  fputs("file contents\n", f);
  fclose(f);
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  static char buf[1024];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

static void sandbox_remove(sandbox *b) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", b->root);
  cr_assert_eq(system(cmd), 0);
}

Test(wasi_component, files_in_preopens) {
  sandbox b;
  sandbox_make(&b);
  wt_wasi_t *w = captured();
  cr_assert(wt_wasi_add_preopen(w, b.dir, "/data", true));
  const char *cat[] = {"cat", "/data/in.txt"};
  cr_assert(wt_wasi_set_args(w, 2, cat));
  outcome o = both("cat", w);
  cr_assert_eq(o.kind, 0);
  cr_assert_str_eq(o.out, "file contents\n");
  /* Writing: both runs write the same file; the second one overwrites. */
  const char *wr[] = {"write", "/data/new.txt", "written by wasm"};
  cr_assert(wt_wasi_set_args(w, 3, wr));
  o = both("write", w);
  cr_assert_eq(o.kind, 0);
  char path[400];
  snprintf(path, sizeof path, "%s/new.txt", b.dir);
  cr_assert_str_eq(slurp(path), "written by wasm");
  wt_wasi_delete(w);
  sandbox_remove(&b);
}

Test(wasi_component, escapes_from_preopens_are_refused) {
  sandbox b;
  sandbox_make(&b);
  wt_wasi_t *w = captured();
  cr_assert(wt_wasi_add_preopen(w, b.dir, "/data", true));
  const char *up[] = {"cat", "/data/../secret"};
  cr_assert(wt_wasi_set_args(w, 2, up));
  outcome o = both("cat", w);
  cr_assert_eq(o.kind, WT_ERROR_EXIT, "cat could not open it");
  cr_assert_eq(o.status, 2);
  cr_assert_null(strstr(o.out, "do not read"));
  const char *abs[] = {"cat", b.outside};
  cr_assert(wt_wasi_set_args(w, 2, abs));
  o = both("cat", w);
  cr_assert_eq(o.status, 2);
  /* Writing outside: refused, and no file appears. */
  const char *wr[] = {"write", "/data/../escaped.txt", "x"};
  cr_assert(wt_wasi_set_args(w, 3, wr));
  o = both("write", w);
  cr_assert_eq(o.status, 2);
  char path[400];
  snprintf(path, sizeof path, "%s/escaped.txt", b.root);
  cr_assert_eq(access(path, F_OK), -1, "no file outside the preopen");
  /* A read-only preopen refuses writes both ways. */
  wt_wasi_t *ro = captured();
  cr_assert(wt_wasi_add_preopen(ro, b.dir, "/data", false));
  const char *wr2[] = {"write", "/data/ro.txt", "x"};
  cr_assert(wt_wasi_set_args(ro, 3, wr2));
  o = both("write", ro);
  cr_assert_eq(o.status, 2);
  snprintf(path, sizeof path, "%s/ro.txt", b.dir);
  cr_assert_eq(access(path, F_OK), -1);
  wt_wasi_delete(ro);
  wt_wasi_delete(w);
  sandbox_remove(&b);
}

/* A component that exports wasi:cli/run@0.2.3 whose run returns err when
 * its core function returns 1. */
static const char *run_returning(int value) {
  static char wat[512];
  snprintf(wat, sizeof wat,
           "(component\n"
           "  (core module $m (func (export \"run\") (result i32)"
           " (i32.const %d)))\n"
           "  (core instance $i (instantiate $m))\n"
           "  (func $run (result (result))"
           " (canon lift (core func $i \"run\")))\n"
           "  (instance $r (export \"run\" (func $run)))\n"
           "  (export \"wasi:cli/run@0.2.3\" (instance $r)))",
           value);
  return wat;
}

Test(wasi_component, run_results_and_misuse) {
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_component_linker_t *l;
  OK(wt_component_linker_new(engine, &l));
  OK(wt_component_linker_define_wasi(l));
  wt_store_t *s;
  OK(wt_store_new(engine, NULL, NULL, &s));
  wt_component_t *ok, *bad, *none;
  OK(wt_component_new_wat(engine, run_returning(0), &ok));
  OK(wt_component_new_wat(engine, run_returning(1), &bad));
  OK(wt_component_new_wat(engine, "(component)", &none));
  /* No wt_store_set_wasi: the store gets an empty context. */
  OK(wt_wasi_run_component(l, s, ok));
  wt_error_t *err = EXPECT_KIND(wt_wasi_run_component(l, s, bad), WT_ERROR_EXIT);
  int status = -1;
  cr_assert(wt_error_exit_status(err, &status));
  cr_assert_eq(status, 1);
  cr_assert(strstr(wt_error_message(err), "wasi:cli/run returned err"));
  wt_error_delete(err);
  EXPECT_ERROR(wt_wasi_run_component(l, s, none), WT_ERROR_NOT_FOUND,
               "exports no wasi:cli/run@0.2.x");
  EXPECT_ERROR(wt_wasi_run_component(NULL, s, ok), WT_ERROR_MISUSE,
               "wt_wasi_run_component: linker is NULL or deleted");
  EXPECT_ERROR(wt_wasi_run_component(l, NULL, ok), WT_ERROR_MISUSE,
               "wt_wasi_run_component: store is NULL");
  EXPECT_ERROR(wt_wasi_run_component(l, s, NULL), WT_ERROR_MISUSE,
               "wt_wasi_run_component: component is NULL or deleted");
  EXPECT_ERROR(wt_component_linker_define_wasi(NULL), WT_ERROR_MISUSE,
               "wt_component_linker_define_wasi: linker is NULL or deleted");
  /* Defining WASI twice is a link error unless shadowing is on. */
  wt_error_delete(EXPECT_KIND(wt_component_linker_define_wasi(l), WT_ERROR_LINK));
  wt_component_linker_set_allow_shadowing(l, true);
  OK(wt_component_linker_define_wasi(l));
  wt_component_delete(ok);
  wt_component_delete(bad);
  wt_component_delete(none);
  wt_store_delete(s);
  wt_component_linker_delete(l);
  wt_engine_delete(engine);
}

Test(wasi_component, a_program_needs_the_wasi_linker) {
  wt_engine_t *engine = engine_from(wt_config_new());
  char path[512];
  snprintf(path, sizeof path, "%s/wasi_hello.wasm", GUEST_DIR);
  wt_component_t *c;
  OK(wt_component_new_file(engine, path, &c));
  wt_component_linker_t *l;
  OK(wt_component_linker_new(engine, &l));
  wt_store_t *s;
  OK(wt_store_new(engine, NULL, NULL, &s));
  EXPECT_ERROR(wt_wasi_run_component(l, s, c), WT_ERROR_LINK, "wasi:");
  wt_store_delete(s);
  wt_component_linker_delete(l);
  wt_component_delete(c);
  wt_engine_delete(engine);
}

/* Stdin from a file and stdout and stderr to files, the same both ways. */
Test(wasi_component, stdin_and_outputs_as_files) {
  sandbox b;
  sandbox_make(&b);
  char in[400], out[2][400];
  snprintf(in, sizeof in, "%s/in.txt", b.dir);
  const char *tag[2] = {"p1", "p2"};
  char got[2][2][1024];
  for (int k = 0; k < 2; k++) {
    wt_wasi_t *w = wt_wasi_new();
    cr_assert(wt_wasi_set_stdin_file(w, in));
    snprintf(out[0], sizeof out[0], "%s/%s.out", b.root, tag[k]);
    snprintf(out[1], sizeof out[1], "%s/%s.err", b.root, tag[k]);
    cr_assert(wt_wasi_set_output_file(w, WT_WASI_STREAM_STDOUT, out[0]));
    cr_assert(wt_wasi_set_output_file(w, WT_WASI_STREAM_STDERR, out[1]));
    wt_engine_t *engine = engine_from(wt_config_new());
    char path[512];
    wt_store_t *s;
    OK(wt_store_new(engine, NULL, NULL, &s));
    OK(wt_store_set_wasi(s, w));
    if (k == 0) {
      snprintf(path, sizeof path, "%s/stdin.wasm", WASI_DIR);
      wt_module_t *m;
      OK(wt_module_new_file(engine, path, &m));
      wt_linker_t *l;
      OK(wt_linker_new(engine, &l));
      OK(wt_linker_define_wasi(l));
      OK(wt_wasi_run(l, s, m));
      wt_linker_delete(l);
      wt_module_delete(m);
    } else {
      snprintf(path, sizeof path, "%s/wasi_stdin.wasm", GUEST_DIR);
      wt_component_t *c;
      OK(wt_component_new_file(engine, path, &c));
      wt_component_linker_t *l;
      OK(wt_component_linker_new(engine, &l));
      OK(wt_component_linker_define_wasi(l));
      OK(wt_wasi_run_component(l, s, c));
      wt_component_linker_delete(l);
      wt_component_delete(c);
    }
    wt_store_delete(s); /* closes the files */
    wt_engine_delete(engine);
    wt_wasi_delete(w);
    for (int f = 0; f < 2; f++) {
      char *text = slurp(out[f]);
      cr_assert_not_null(text, "%s was written", out[f]);
      snprintf(got[k][f], sizeof got[k][f], "%s", text);
    }
  }
  cr_assert_str_eq(got[0][0], "FILE CONTENTS\n");
  cr_assert_str_eq(got[0][1], "14 bytes\n");
  cr_assert_str_eq(got[1][0], got[0][0]);
  cr_assert_str_eq(got[1][1], got[0][1]);
  sandbox_remove(&b);
}
