/*
 * Runs a WebAssembly spec test script (.wast) through wt's public API.
 *
 *   spec_runner --wasm-tools PATH --folder NAME --strategy S [--results DIR]
 *               [-v] X.wast
 *   spec_runner --summary DIR [--doc FILE [--update]]
 *
 * The script is converted with `wasm-tools json-from-wast` into a temporary
 * directory, then every command of the JSON is carried out on one store and
 * one linker (which holds the `spectest` host module and every registered
 * instance), on an engine with the features the script's folder needs and
 * the compilation strategy S (cranelift, pulley or winch). The counts are
 * printed as
 *
 *   spec: <strategy>/<folder>/<script> passed=N failed=N
 *
 * and, with --results, written to DIR/<strategy>.<folder>.<script>.txt for
 * --summary, which prints the totals per strategy and checks (or rewrites,
 * with --update) the per-script table of docs/spec-tests.md.
 *
 * A script listed in XFAILS for a strategy is expected to fail there: its
 * test passes when at least one command fails (or it cannot be converted),
 * and fails, naming the entry to remove, when the whole script passes. Any
 * other script's test passes only when every command passes.
 */
#define _GNU_SOURCE
#include "json.h"

#include <wt.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- strategies ---- */

enum {
  CRANELIFT = 1, /* Cranelift, native code */
  PULLEY = 2,    /* Cranelift's Pulley bytecode, run by Wasmtime's interpreter */
  WINCH = 4,     /* the baseline compiler */
  ALL = 7,
};

static const struct {
  const char *name;
  unsigned bit;
} STRATEGIES[] = {{"cranelift", CRANELIFT}, {"pulley", PULLEY},
                  {"winch", WINCH}};
#define NSTRATEGIES 3

static unsigned strategy_bit(const char *name) {
  for (size_t i = 0; i < NSTRATEGIES; i++)
    if (strcmp(STRATEGIES[i].name, name) == 0)
      return STRATEGIES[i].bit;
  return 0;
}

/* ---- expected failures: what Wasmtime 48 does not implement ---- */

typedef struct xfail {
  const char *script;  /* "<folder>/<script>", fnmatch pattern */
  unsigned strategies; /* where it is expected to fail */
  const char *reason;
} xfail_t;

#define WINCH_LACKS(what)                                                      \
  "uses " what ", which Winch does not implement (off under Winch)"

static const xfail_t XFAILS[] = {
    {"legacy/*", ALL,
     "legacy exception handling (try, catch, delegate, rethrow): not in "
     "Wasmtime 48; wasm-tools 1.263 cannot convert these scripts either"},
    {"custom-descriptors/binary", 0, NULL}, /* nothing of the proposal */
    {"custom-descriptors/*", ALL,
     "custom descriptors: not implemented by Wasmtime 48"},
    {"threads/*", PULLEY,
     "Wasmtime 48 refuses the threads proposal under Pulley"},
    /* Winch: the scripts that use what Winch lacks (the first error of
     * each is a module refused for the proposal). */
    {"core/array", WINCH, WINCH_LACKS("GC")},
    {"core/array_copy", WINCH, WINCH_LACKS("GC")},
    {"core/array_fill", WINCH, WINCH_LACKS("GC")},
    {"core/array_init_data", WINCH, WINCH_LACKS("GC")},
    {"core/array_init_elem", WINCH, WINCH_LACKS("GC")},
    {"core/array_new_data", WINCH, WINCH_LACKS("GC")},
    {"core/array_new_elem", WINCH, WINCH_LACKS("GC")},
    {"core/br_on_cast", WINCH, WINCH_LACKS("GC")},
    {"core/br_on_cast_fail", WINCH, WINCH_LACKS("GC")},
    {"core/br_on_non_null", WINCH, WINCH_LACKS("typed function references")},
    {"core/br_on_null", WINCH, WINCH_LACKS("typed function references")},
    {"core/br_table", WINCH, WINCH_LACKS("GC")},
    {"core/call_ref", WINCH, WINCH_LACKS("typed function references")},
    {"core/data", WINCH, WINCH_LACKS("GC")},
    {"core/elem", WINCH, WINCH_LACKS("GC and typed function references")},
    {"core/extern", WINCH, WINCH_LACKS("GC")},
    {"core/global", WINCH, WINCH_LACKS("GC and typed function references")},
    {"core/i16x8_relaxed_q15mulr_s", WINCH, WINCH_LACKS("relaxed SIMD")},
    {"core/i31", WINCH, WINCH_LACKS("GC")},
    {"core/i32x4_relaxed_trunc", WINCH, WINCH_LACKS("relaxed SIMD")},
    {"core/i8x16_relaxed_swizzle", WINCH, WINCH_LACKS("relaxed SIMD")},
    {"core/imports", WINCH, WINCH_LACKS("exceptions")},
    {"core/instance", WINCH,
     WINCH_LACKS("typed function references and exceptions")},
    {"core/linking", WINCH, WINCH_LACKS("GC and typed function references")},
    {"core/local_init", WINCH, WINCH_LACKS("GC")},
    {"core/ref", WINCH, WINCH_LACKS("GC")},
    {"core/ref_as_non_null", WINCH, WINCH_LACKS("typed function references")},
    {"core/ref_cast", WINCH, WINCH_LACKS("GC")},
    {"core/ref_eq", WINCH, WINCH_LACKS("GC")},
    {"core/ref_is_null", WINCH,
     WINCH_LACKS("GC and typed function references")},
    {"core/ref_null", WINCH, WINCH_LACKS("GC")},
    {"core/ref_test", WINCH, WINCH_LACKS("GC")},
    {"core/relaxed_dot_product", WINCH, WINCH_LACKS("relaxed SIMD")},
    {"core/relaxed_laneselect", WINCH, WINCH_LACKS("relaxed SIMD")},
    {"core/relaxed_madd_nmadd", WINCH, WINCH_LACKS("relaxed SIMD")},
    {"core/relaxed_min_max", WINCH, WINCH_LACKS("relaxed SIMD")},
    {"core/return_call", WINCH, WINCH_LACKS("tail calls")},
    {"core/return_call_indirect", WINCH, WINCH_LACKS("tail calls")},
    {"core/return_call_ref", WINCH, WINCH_LACKS("typed function references")},
    {"core/select", WINCH, WINCH_LACKS("GC")},
    {"core/struct", WINCH, WINCH_LACKS("GC")},
    {"core/table", WINCH, WINCH_LACKS("GC and typed function references")},
    {"core/table-sub", WINCH, WINCH_LACKS("typed function references")},
    {"core/table_fill", WINCH, WINCH_LACKS("GC")},
    {"core/table_fill64", WINCH, WINCH_LACKS("GC")},
    {"core/table_get", WINCH, WINCH_LACKS("GC")},
    {"core/table_get64", WINCH, WINCH_LACKS("GC")},
    {"core/table_grow", WINCH, WINCH_LACKS("GC")},
    {"core/table_grow64", WINCH, WINCH_LACKS("GC")},
    {"core/table_init", WINCH, WINCH_LACKS("GC")},
    {"core/table_init64", WINCH, WINCH_LACKS("GC")},
    {"core/table_set", WINCH, WINCH_LACKS("GC")},
    {"core/table_set64", WINCH, WINCH_LACKS("GC")},
    {"core/table_size", WINCH, WINCH_LACKS("GC")},
    {"core/table_size64", WINCH, WINCH_LACKS("GC")},
    {"core/tag", WINCH, WINCH_LACKS("GC and exceptions")},
    {"core/throw", WINCH, WINCH_LACKS("exceptions")},
    {"core/throw_ref", WINCH, WINCH_LACKS("exceptions")},
    {"core/try_table", WINCH,
     WINCH_LACKS("typed function references and exceptions")},
    {"core/type-canon", WINCH, WINCH_LACKS("GC")},
    {"core/type-equivalence", WINCH,
     WINCH_LACKS("GC and typed function references")},
    {"core/type-rec", WINCH, WINCH_LACKS("GC")},
    {"core/type-subtyping", WINCH, WINCH_LACKS("GC")},
    {"core/unreached-valid", WINCH, WINCH_LACKS("typed function references")},
    {"custom/name_annot", WINCH, WINCH_LACKS("exceptions")},
};

/* The first entry whose pattern matches decides: an entry without
 * strategies keeps a script out of the wider patterns after it. */
static const char *xfail_reason(const char *script, unsigned strategy) {
  for (size_t i = 0; i < sizeof XFAILS / sizeof XFAILS[0]; i++)
    if (fnmatch(XFAILS[i].script, script, 0) == 0)
      return XFAILS[i].strategies & strategy ? XFAILS[i].reason : NULL;
  return NULL;
}

/* ---- the state of one script ---- */

typedef struct named {
  char *name;
  wt_instance_t inst;
} named_t;

typedef struct def {
  char *name;
  wt_module_t *module;
} def_t;

typedef struct run {
  const char *name;   /* "<folder>/<script>" */
  const char *folder;
  const char *dir;    /* where wasm-tools wrote the modules */
  unsigned strategy;
  int verbose;
  wt_engine_t *engine;
  wt_store_t *store;
  wt_linker_t *linker;
  named_t *named;
  size_t nnamed;
  def_t *defs; /* module definitions, by name */
  size_t ndefs;
  wt_instance_t probe; /* the GC probe module, made on first use */
  int has_probe;
  wt_instance_t current;
  int has_current;
  int line;
  size_t passed, failed;
} run_t;

static void failf(run_t *r, const char *kind, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("  FAIL line %d %s: ", r->line, kind);
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
  r->failed++;
}

static void pass(run_t *r) {
  if (r->verbose)
    printf("  ok line %d\n", r->line);
  r->passed++;
}

/* The last line of an error's message (Wasmtime puts the backtrace first
 * and the cause last). */
static const char *brief(const wt_error_t *err) {
  const char *m = wt_error_message(err);
  const char *last = m;
  for (const char *p = m; *p; p++)
    if (*p == '\n' && p[1] && p[1] != '\n')
      last = p + 1;
  while (*last == ' ')
    last++;
  static char buf[512];
  snprintf(buf, sizeof buf, "%s", last);
  buf[strcspn(buf, "\n")] = '\0';
  return buf;
}

/* ---- spectest ---- */

static wt_error_t *spectest_print(void *env, wt_caller_t *caller,
                                  const wt_val_t *args, size_t nargs,
                                  wt_val_t *results, size_t nresults) {
  (void)env, (void)caller, (void)args, (void)nargs, (void)results,
      (void)nresults;
  return NULL;
}

static wt_error_t *define_spectest(run_t *r, int shared, int memory64) {
  static const struct {
    const char *name, *sig;
  } prints[] = {
      {"print", ""},
      {"print_i32", "i32"},
      {"print_i64", "i64"},
      {"print_f32", "f32"},
      {"print_f64", "f64"},
      {"print_i32_f32", "i32 f32"},
      {"print_f64_f64", "f64 f64"},
  };
  wt_error_t *err;
  for (size_t i = 0; i < sizeof prints / sizeof prints[0]; i++)
    if ((err = wt_linker_define_func(r->linker, "spectest", prints[i].name,
                                     prints[i].sig, spectest_print, NULL,
                                     NULL)))
      return err;

  struct {
    const char *name;
    wt_val_t val;
  } globals[4] = {{"global_i32", {.kind = WT_VAL_I32, .of.i32 = 666}},
                  {"global_i64", {.kind = WT_VAL_I64, .of.i64 = 666}},
                  {"global_f32", {.kind = WT_VAL_F32, .of.f32 = 666.6f}},
                  {"global_f64", {.kind = WT_VAL_F64, .of.f64 = 666.6}}};
  for (size_t i = 0; i < 4; i++) {
    wt_globaltype_t gt = {globals[i].val.kind, false};
    wt_extern_t item = {.kind = WT_EXTERN_GLOBAL};
    if ((err = wt_global_new(r->store, &gt, &globals[i].val, &item.of.global)) ||
        (err = wt_linker_define(r->linker, r->store, "spectest",
                                globals[i].name, &item)))
      return err;
  }

  wt_tabletype_t tt = {.elem = WT_VAL_FUNCREF, .min = 10, .has_max = true,
                       .max = 20};
  wt_val_t null_func = {.kind = WT_VAL_FUNCREF};
  wt_extern_t table = {.kind = WT_EXTERN_TABLE};
  if ((err = wt_table_new(r->store, &tt, &null_func, &table.of.table)) ||
      (err = wt_linker_define(r->linker, r->store, "spectest", "table",
                              &table)))
    return err;

  /* A 64-bit table cannot be made by the host (Wasmtime's C API has no
   * such table type): a module exports it. */
  if (memory64) {
    wt_module_t *m = NULL;
    wt_instance_t inst;
    wt_extern_t table64;
    if ((err = wt_module_new_wat(
             r->engine, "(module (table (export \"t\") i64 10 20 funcref))",
             &m)))
      return err;
    err = wt_instance_new(r->store, m, NULL, 0, &inst);
    wt_module_delete(m);
    if (err || (err = wt_instance_export(r->store, &inst, "t", &table64)) ||
        (err = wt_linker_define(r->linker, r->store, "spectest", "table64",
                                &table64)))
      return err;
  }

  wt_memorytype_t mt = {.min = 1, .has_max = true, .max = 2,
                        .page_size_log2 = 16};
  wt_extern_t memory = {.kind = WT_EXTERN_MEMORY};
  if ((err = wt_memory_new(r->store, &mt, &memory.of.memory)) ||
      (err = wt_linker_define(r->linker, r->store, "spectest", "memory",
                              &memory)))
    return err;

  if (shared) {
    wt_memorytype_t st = {.min = 1, .has_max = true, .max = 1,
                          .shared = true, .page_size_log2 = 16};
    wt_extern_t sm = {.kind = WT_EXTERN_SHARED_MEMORY};
    if ((err = wt_shared_memory_new(r->engine, &st, &sm.of.shared_memory)))
      return err;
    err = wt_linker_define(r->linker, r->store, "spectest", "shared_memory",
                           &sm);
    wt_shared_memory_delete(sm.of.shared_memory);
    if (err)
      return err;
  }
  return NULL;
}

/* ---- engine features per folder ---- */

/*
 * The features of a folder, as Wasmtime's own test harness sets them: the
 * top level (and custom/, legacy/) is Wasm 3.0, so every standard proposal
 * is on; a proposal folder turns on its proposal. The threads scripts
 * predate reference types, which are off for them. What Wasmtime turns on
 * by default but the folder does not name is turned off. Winch implements
 * neither GC, typed function references, tail calls, relaxed SIMD nor
 * exceptions: under Winch they stay off, and a script that needs them is
 * expected to fail (XFAILS).
 */
static int configure(wt_config_t *c, const char *folder, unsigned strategy) {
  int core = strcmp(folder, "core") == 0 || strcmp(folder, "custom") == 0 ||
             strcmp(folder, "legacy") == 0;
  int threads = strcmp(folder, "threads") == 0;
  int pages = strcmp(folder, "custom-page-sizes") == 0;
  int wide = strcmp(folder, "wide-arithmetic") == 0;
  int descriptors = strcmp(folder, "custom-descriptors") == 0;
  if (!core && !threads && !pages && !wide && !descriptors) {
    fprintf(stderr, "spec: unknown folder %s\n", folder);
    return 0;
  }
  int gc = (core || descriptors) && strategy != WINCH;
  int ok = 1;
  ok &= wt_config_set_wasm_bulk_memory(c, true);
  ok &= wt_config_set_wasm_multi_value(c, true);
  ok &= wt_config_set_wasm_reference_types(c, !threads);
  ok &= wt_config_set_wasm_simd(c, true);
  ok &= wt_config_set_wasm_relaxed_simd(c, core && strategy != WINCH);
  ok &= wt_config_set_wasm_multi_memory(c, core || pages);
  ok &= wt_config_set_wasm_memory64(c, core || pages);
  ok &= wt_config_set_wasm_gc(c, gc);
  ok &= wt_config_set_wasm_function_references(c, gc);
  ok &= wt_config_set_wasm_tail_call(c, gc);
  ok &= wt_config_set_wasm_exceptions(c, gc);
  ok &= wt_config_set_wasm_threads(c, threads);
  ok &= wt_config_set_wasm_shared_memory(c, threads);
  ok &= wt_config_set_wasm_custom_page_sizes(c, pages);
  ok &= wt_config_set_wasm_wide_arithmetic(c, wide);
  ok &= wt_config_set_wasm_stack_switching(c, false);
  if (strategy == PULLEY)
    ok &= wt_config_set_target(c, "pulley64");
  else
    ok &= wt_config_set_strategy(c, strategy == WINCH ? WT_STRATEGY_WINCH
                                                      : WT_STRATEGY_CRANELIFT);
  return ok;
}

/* ---- files ---- */

static uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  uint8_t *buf = NULL;
  size_t cap = 0, n = 0;
  for (;;) {
    if (n == cap) {
      cap = cap ? cap * 2 : 65536;
      uint8_t *b = realloc(buf, cap + 1);
      if (!b) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = b;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0)
      break;
  }
  fclose(f);
  buf[n] = 0;
  *len = n;
  return buf;
}

static void remove_tree(const char *dir) {
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    char path[4096];
    while ((e = readdir(d)))
      if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
      }
    closedir(d);
  }
  rmdir(dir);
}

/* Runs `wasm-tools json-from-wast`, writing the JSON and the modules into
 * `dir`; on failure the tool's output is in `log`. */
static int convert(const char *tool, const char *wast, const char *json,
                   const char *dir, const char *log) {
  pid_t pid = fork();
  if (pid < 0)
    return 0;
  if (pid == 0) {
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    execlp(tool, tool, "json-from-wast", wast, "-o", json, "--wasm-dir", dir,
           (char *)NULL);
    fprintf(stderr, "cannot run %s: %s\n", tool, strerror(errno));
    _exit(127);
  }
  int status;
  if (waitpid(pid, &status, 0) < 0)
    return 0;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* ---- host references in the any hierarchy ---- */

/*
 * What the JSON calls a host reference in the any hierarchy (`ref.host N`)
 * is, as in Wasmtime's own harness, the externref carrying N converted by
 * any.convert_extern; Wasmtime's C API has no such conversion, so this small
 * module, made in the script's store on first use, converts both ways.
 */
static const char PROBE_WAT[] =
    "(module\n"
    "  (func (export \"to_any\") (param externref) (result anyref)\n"
    "    (any.convert_extern (local.get 0)))\n"
    "  (func (export \"to_extern\") (param anyref) (result externref)\n"
    "    (extern.convert_any (local.get 0))))\n";

/* Calls the probe's export `name` with one argument and one result. */
static wt_error_t *probe(run_t *r, const char *name, const wt_val_t *arg,
                         wt_val_t *result) {
  wt_error_t *err;
  if (!r->has_probe) {
    wt_module_t *m = NULL;
    if ((err = wt_module_new_wat(r->engine, PROBE_WAT, &m)))
      return err;
    err = wt_instance_new(r->store, m, NULL, 0, &r->probe);
    wt_module_delete(m);
    if (err)
      return err;
    r->has_probe = 1;
  }
  wt_extern_t f;
  if ((err = wt_instance_export(r->store, &r->probe, name, &f)))
    return err;
  return wt_func_call(r->store, &f.of.func, arg, 1, result, 1);
}

/* What an anyref holds (WT_ANYREF_*), or -1 when wt cannot say. */
static int any_kind(run_t *r, const wt_val_t *v) {
  wt_anyref_kind_t k;
  wt_error_t *err = wt_anyref_kind(r->store, v, &k);
  if (err) {
    printf("  wt_anyref_kind: %s\n", brief(err));
    wt_error_delete(err);
    return -1;
  }
  return (int)k;
}

/* ---- values ---- */

static uint64_t parse_u64(const char *s) { return strtoull(s, NULL, 10); }

static int is_null(const wt_val_t *v) {
  static const wt_ref_t null_ref;
  static const wt_func_t null_func;
  if (v->kind == WT_VAL_FUNCREF)
    return memcmp(&v->of.funcref, &null_func, sizeof null_func) == 0;
  return memcmp(&v->of.ref, &null_ref, sizeof null_ref) == 0;
}

static int is_ref(const wt_val_t *v) {
  return v->kind == WT_VAL_FUNCREF || v->kind == WT_VAL_EXTERNREF ||
         v->kind == WT_VAL_ANYREF || v->kind == WT_VAL_EXNREF;
}

/* The N of an externref made for `ref.extern N` (it carries N + 1, so that
 * every N is a non-NULL pointer); -1 for null or a foreign externref. */
static long long extern_n(run_t *r, const wt_val_t *v) {
  void *data = NULL;
  wt_error_t *err = wt_externref_data(r->store, v, &data);
  if (err) {
    wt_error_delete(err);
    return -1;
  }
  return data ? (long long)((uintptr_t)data - 1) : -1;
}

/* The N of an anyref made for `ref.host N`; -1 otherwise. */
static long long host_n(run_t *r, const wt_val_t *v) {
  wt_val_t ext;
  if (any_kind(r, v) != WT_ANYREF_EXTERN)
    return -1;
  wt_error_t *err = probe(r, "to_extern", v, &ext);
  if (err) {
    wt_error_delete(err);
    return -1;
  }
  long long n = extern_n(r, &ext);
  wt_ref_release(r->store, &ext);
  return n;
}

static int lane_shape(const char *lane, size_t *width, int *is_float) {
  static const struct {
    const char *name;
    size_t width;
    int is_float;
  } shapes[] = {{"i8", 1, 0},  {"i16", 2, 0}, {"i32", 4, 0},
                {"i64", 8, 0}, {"f32", 4, 1}, {"f64", 8, 1}};
  for (size_t i = 0; lane && i < 6; i++)
    if (strcmp(lane, shapes[i].name) == 0) {
      *width = shapes[i].width;
      *is_float = shapes[i].is_float;
      return 1;
    }
  return 0;
}

static void put_le(uint8_t *out, uint64_t v, size_t width) {
  for (size_t i = 0; i < width; i++)
    out[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *in, size_t width) {
  uint64_t v = 0;
  for (size_t i = 0; i < width; i++)
    v |= (uint64_t)in[i] << (8 * i);
  return v;
}

/* The null value of each reference type name the JSON uses. */
static int null_kind(const char *type, wt_valkind_t *kind) {
  static const struct {
    const char *type;
    wt_valkind_t kind;
  } nulls[] = {
      {"funcref", WT_VAL_FUNCREF},     {"nullfuncref", WT_VAL_FUNCREF},
      {"externref", WT_VAL_EXTERNREF}, {"nullexternref", WT_VAL_EXTERNREF},
      {"anyref", WT_VAL_ANYREF},       {"nullref", WT_VAL_ANYREF},
      {"eqref", WT_VAL_ANYREF},        {"structref", WT_VAL_ANYREF},
      {"arrayref", WT_VAL_ANYREF},     {"i31ref", WT_VAL_ANYREF},
      {"exnref", WT_VAL_EXNREF},       {"nullexnref", WT_VAL_EXNREF},
  };
  for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
    if (strcmp(type, nulls[i].type) == 0) {
      *kind = nulls[i].kind;
      return 1;
    }
  return 0;
}

/* Makes an argument value. Returns 0 with *why set for a form it does not
 * know. */
static int make_arg(run_t *r, const json_t *j, wt_val_t *out,
                    const char **why) {
  const char *type = json_str(j, "type");
  const json_t *value = json_get(j, "value");
  const char *v = value && value->type == JSON_STRING ? value->str : NULL;
  wt_valkind_t kind;
  wt_error_t *err = NULL;
  memset(out, 0, sizeof *out);
  if (!type) {
    *why = "argument without a type";
    return 0;
  }
  if (strcmp(type, "i32") == 0 && v) {
    out->kind = WT_VAL_I32;
    out->of.i32 = (int32_t)(uint32_t)parse_u64(v);
  } else if (strcmp(type, "i64") == 0 && v) {
    out->kind = WT_VAL_I64;
    out->of.i64 = (int64_t)parse_u64(v);
  } else if (strcmp(type, "f32") == 0 && v) {
    uint32_t bits = (uint32_t)parse_u64(v);
    out->kind = WT_VAL_F32;
    memcpy(&out->of.f32, &bits, 4);
  } else if (strcmp(type, "f64") == 0 && v) {
    uint64_t bits = parse_u64(v);
    out->kind = WT_VAL_F64;
    memcpy(&out->of.f64, &bits, 8);
  } else if (strcmp(type, "v128") == 0 && value &&
             value->type == JSON_ARRAY) {
    size_t width;
    int is_float;
    if (!lane_shape(json_str(j, "lane_type"), &width, &is_float) ||
        value->n * width != 16) {
      *why = "v128 argument of an unknown lane shape";
      return 0;
    }
    out->kind = WT_VAL_V128;
    for (size_t i = 0; i < value->n; i++)
      put_le(out->of.v128 + i * width, parse_u64(value->items[i]->str),
             width);
  } else if (null_kind(type, &kind) &&
             (strncmp(type, "null", 4) == 0 || (v && strcmp(v, "null") == 0))) {
    out->kind = kind; /* ref.null of the type's hierarchy */
  } else if (strcmp(type, "externref") == 0 && v) {
    err = wt_externref_new(r->store, (void *)(uintptr_t)(parse_u64(v) + 1),
                           NULL, out);
  } else if (strcmp(type, "anyref") == 0 && v) {
    wt_val_t ext;
    if (!(err = wt_externref_new(
              r->store, (void *)(uintptr_t)(parse_u64(v) + 1), NULL, &ext))) {
      err = probe(r, "to_any", &ext, out);
      wt_ref_release(r->store, &ext);
    }
  } else {
    *why = "argument of an unknown form";
    return 0;
  }
  if (err) {
    printf("  argument: %s\n", brief(err));
    wt_error_delete(err);
    *why = "the argument could not be made";
    return 0;
  }
  return 1;
}

static int is_canonical_nan(uint64_t bits, size_t width) {
  if (width == 4)
    return (bits & 0x7fffffffu) == 0x7fc00000u;
  return (bits & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
}

static int is_arithmetic_nan(uint64_t bits, size_t width) {
  if (width == 4)
    return (bits & 0x7fc00000u) == 0x7fc00000u;
  return (bits & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
}

/* Compares one float given by its bits with an expected string: bits in
 * decimal, "nan:canonical" or "nan:arithmetic". */
static int float_matches(uint64_t bits, size_t width, const char *want) {
  if (strcmp(want, "nan:canonical") == 0)
    return is_canonical_nan(bits, width);
  if (strcmp(want, "nan:arithmetic") == 0)
    return is_arithmetic_nan(bits, width);
  uint64_t w = parse_u64(want);
  return width == 4 ? (uint32_t)bits == (uint32_t)w : bits == w;
}

static void describe(run_t *r, const wt_val_t *v, char *buf, size_t cap) {
  static const char *const any_names[] = {"null", "i31", "struct", "array",
                                          "host"};
  uint32_t b32;
  uint64_t b64;
  int k;
  switch (v->kind) {
  case WT_VAL_I32:
    snprintf(buf, cap, "i32:%u", (uint32_t)v->of.i32);
    break;
  case WT_VAL_I64:
    snprintf(buf, cap, "i64:%llu", (unsigned long long)(uint64_t)v->of.i64);
    break;
  case WT_VAL_F32:
    memcpy(&b32, &v->of.f32, 4);
    snprintf(buf, cap, "f32:%u (%g)", b32, (double)v->of.f32);
    break;
  case WT_VAL_F64:
    memcpy(&b64, &v->of.f64, 8);
    snprintf(buf, cap, "f64:%llu (%g)", (unsigned long long)b64, v->of.f64);
    break;
  case WT_VAL_V128: {
    size_t n = snprintf(buf, cap, "v128:");
    for (int i = 0; i < 16 && n + 3 < cap; i++)
      n += snprintf(buf + n, cap - n, "%02x", v->of.v128[i]);
    break;
  }
  case WT_VAL_EXTERNREF:
    if (is_null(v))
      snprintf(buf, cap, "externref:null");
    else
      snprintf(buf, cap, "externref:%lld", extern_n(r, v));
    break;
  case WT_VAL_ANYREF:
    k = is_null(v) ? WT_ANYREF_NULL : any_kind(r, v);
    snprintf(buf, cap, "anyref:%s", k >= 0 ? any_names[k] : "?");
    break;
  default:
    snprintf(buf, cap, "%s:%s", wt_valkind_name(v->kind),
             is_null(v) ? "null" : "non-null");
  }
}

/* Does the result match one expected value? */
static int value_matches(run_t *r, const json_t *j, const wt_val_t *got) {
  const char *type = json_str(j, "type");
  const json_t *value = json_get(j, "value");
  const char *v = value && value->type == JSON_STRING ? value->str : NULL;
  uint32_t b32;
  uint64_t b64;
  wt_valkind_t kind;
  if (!type)
    return 0;
  if (strcmp(type, "i32") == 0)
    return got->kind == WT_VAL_I32 && v &&
           (uint32_t)got->of.i32 == (uint32_t)parse_u64(v);
  if (strcmp(type, "i64") == 0)
    return got->kind == WT_VAL_I64 && v &&
           (uint64_t)got->of.i64 == parse_u64(v);
  if (strcmp(type, "f32") == 0) {
    if (got->kind != WT_VAL_F32 || !v)
      return 0;
    memcpy(&b32, &got->of.f32, 4);
    return float_matches(b32, 4, v);
  }
  if (strcmp(type, "f64") == 0) {
    if (got->kind != WT_VAL_F64 || !v)
      return 0;
    memcpy(&b64, &got->of.f64, 8);
    return float_matches(b64, 8, v);
  }
  if (strcmp(type, "v128") == 0) {
    size_t width;
    int is_float;
    if (got->kind != WT_VAL_V128 || !value || value->type != JSON_ARRAY ||
        !lane_shape(json_str(j, "lane_type"), &width, &is_float) ||
        value->n * width != 16)
      return 0;
    for (size_t i = 0; i < value->n; i++) {
      const char *want = value->items[i]->str;
      uint64_t lane = get_le(got->of.v128 + i * width, width);
      if (is_float ? !float_matches(lane, width, want)
                   : lane != (parse_u64(want) &
                              (width == 8 ? ~0ull
                                          : (1ull << (8 * width)) - 1)))
        return 0;
    }
    return 1;
  }
  if (strcmp(type, "either") == 0) {
    const json_t *alts = json_get(j, "values");
    for (size_t i = 0; alts && i < alts->n; i++)
      if (value_matches(r, alts->items[i], got))
        return 1;
    return 0;
  }
  if (strcmp(type, "refnull") == 0) /* a null of any hierarchy */
    return is_ref(got) && is_null(got);
  if (!null_kind(type, &kind) || got->kind != kind)
    return 0;
  /* a null of the type's hierarchy */
  if (strncmp(type, "null", 4) == 0 || (v && strcmp(v, "null") == 0))
    return is_null(got);
  if (is_null(got))
    return 0;
  /* a non-null reference, with what the type says about it */
  if (strcmp(type, "externref") == 0)
    return !v || extern_n(r, got) == (long long)parse_u64(v);
  if (strcmp(type, "anyref") == 0)
    return !v || host_n(r, got) == (long long)parse_u64(v);
  int k = kind == WT_VAL_ANYREF ? any_kind(r, got) : -1;
  if (strcmp(type, "eqref") == 0)
    return k == WT_ANYREF_I31 || k == WT_ANYREF_STRUCT || k == WT_ANYREF_ARRAY;
  if (strcmp(type, "i31ref") == 0)
    return k == WT_ANYREF_I31;
  if (strcmp(type, "structref") == 0)
    return k == WT_ANYREF_STRUCT;
  if (strcmp(type, "arrayref") == 0)
    return k == WT_ANYREF_ARRAY;
  return !v; /* funcref, exnref: any non-null one */
}

static void release_values(run_t *r, wt_val_t *vals, size_t n) {
  for (size_t i = 0; i < n; i++)
    wt_ref_release(r->store, &vals[i]);
}

/* ---- instances and actions ---- */

static const wt_instance_t *find_instance(run_t *r, const char *name) {
  if (!name)
    return r->has_current ? &r->current : NULL;
  for (size_t i = r->nnamed; i-- > 0;)
    if (strcmp(r->named[i].name, name) == 0)
      return &r->named[i].inst;
  return NULL;
}

static void remember(run_t *r, const char *name, wt_instance_t inst) {
  r->current = inst;
  r->has_current = 1;
  if (!name)
    return;
  named_t *n = realloc(r->named, (r->nnamed + 1) * sizeof *n);
  if (!n)
    abort();
  r->named = n;
  r->named[r->nnamed].name = strdup(name);
  r->named[r->nnamed].inst = inst;
  r->nnamed++;
}

/*
 * Performs an action. On return *err is the error wt reported (or NULL) and
 * *results holds *nresults values to release. Returns 0 when the action
 * could not even be attempted (*why says why).
 */
static int perform(run_t *r, const json_t *action, wt_val_t **results,
                   size_t *nresults, wt_error_t **err, const char **why) {
  const char *type = json_str(action, "type");
  const char *field = json_str(action, "field");
  const wt_instance_t *inst = find_instance(r, json_str(action, "module"));
  *results = NULL;
  *nresults = 0;
  *err = NULL;
  if (!type || !field) {
    *why = "action without a type or field";
    return 0;
  }
  if (!inst) {
    *why = "no such module";
    return 0;
  }
  /* Export names are byte strings ("\0" included): look them up by length. */
  const json_t *jfield = json_get(action, "field");
  wt_extern_t item;
  if ((*err = wt_instance_export_n(r->store, inst, jfield->str, jfield->len,
                                   &item)))
    return 1;
  bool is_get = strcmp(type, "get") == 0;
  if (item.kind != (is_get ? WT_EXTERN_GLOBAL : WT_EXTERN_FUNC)) {
    *why = is_get ? "the export is not a global" : "the export is not a function";
    return 0;
  }
  if (is_get) {
    *results = calloc(1, sizeof **results);
    *err = wt_global_get(r->store, &item.of.global, *results);
    *nresults = *err ? 0 : 1;
    return 1;
  }
  if (strcmp(type, "invoke") != 0) {
    *why = "unknown action type";
    return 0;
  }
  wt_func_t f = item.of.func;
  const wt_functype_t *ft = wt_func_type(r->store, &f);
  const json_t *jargs = json_get(action, "args");
  size_t nargs = jargs ? jargs->n : 0;
  size_t nres = wt_functype_result_count(ft);
  wt_val_t *args = calloc(nargs + 1, sizeof *args);
  *results = calloc(nres + 1, sizeof **results);
  for (size_t i = 0; i < nargs; i++)
    if (!make_arg(r, jargs->items[i], &args[i], why)) {
      release_values(r, args, i);
      free(args);
      return 0;
    }
  *err = wt_func_call(r->store, &f, args, nargs, *results, nres);
  release_values(r, args, nargs);
  free(args);
  *nresults = *err ? 0 : nres;
  return 1;
}

/* ---- traps ---- */

/* The trap code Wasmtime gives for a spec trap message, or -1 when any
 * trap is accepted. */
static int trap_code_for(const char *text) {
  static const struct {
    const char *prefix;
    int code;
  } map[] = {
      {"integer divide by zero", WT_TRAP_INTEGER_DIVISION_BY_ZERO},
      {"integer overflow", WT_TRAP_INTEGER_OVERFLOW},
      {"invalid conversion to integer", WT_TRAP_BAD_CONVERSION_TO_INTEGER},
      {"out of bounds memory access", WT_TRAP_MEMORY_OUT_OF_BOUNDS},
      {"out of bounds table access", WT_TRAP_TABLE_OUT_OF_BOUNDS},
      {"undefined element", WT_TRAP_TABLE_OUT_OF_BOUNDS},
      {"uninitialized element", WT_TRAP_INDIRECT_CALL_TO_NULL},
      {"indirect call type mismatch", WT_TRAP_BAD_SIGNATURE},
      {"unreachable", WT_TRAP_UNREACHABLE},
      {"call stack exhausted", WT_TRAP_STACK_OVERFLOW},
      {"unaligned atomic", WT_TRAP_HEAP_MISALIGNED},
      {"null function reference", WT_TRAP_NULL_REFERENCE},
      {"null structure reference", WT_TRAP_NULL_REFERENCE},
      {"null array reference", WT_TRAP_NULL_REFERENCE},
      {"null i31 reference", WT_TRAP_NULL_REFERENCE},
      {"null reference", WT_TRAP_NULL_REFERENCE},
      {"cast failure", WT_TRAP_CAST_FAILURE},
      {"out of bounds array access", WT_TRAP_ARRAY_OUT_OF_BOUNDS},
  };
  for (size_t i = 0; text && i < sizeof map / sizeof map[0]; i++)
    if (strncmp(text, map[i].prefix, strlen(map[i].prefix)) == 0)
      return map[i].code;
  return -1;
}

/* Checks that `err` is a trap matching the spec message `text`. */
static int check_trap(run_t *r, const char *kind, wt_error_t *err,
                      const char *text) {
  wt_trap_code_t code;
  if (!err) {
    failf(r, kind, "expected a trap (%s), got success", text ? text : "");
    return 0;
  }
  if (wt_error_kind(err) != WT_ERROR_TRAP) {
    failf(r, kind, "expected a trap (%s), got %s error: %s", text,
          wt_error_kind_name(wt_error_kind(err)), brief(err));
    return 0;
  }
  int want = trap_code_for(text);
  if (want >= 0 && (!wt_error_trap_code(err, &code) || (int)code != want)) {
    failf(r, kind, "expected trap code %d (%s), got: %s", want, text,
          brief(err));
    return 0;
  }
  return 1;
}

/* Checks that `err` is an exception that no handler caught, carrying the
 * exception. */
static int check_exception(run_t *r, const char *kind, wt_error_t *err) {
  if (!err) {
    failf(r, kind, "expected an uncaught exception, got success");
    return 0;
  }
  if (wt_error_kind(err) != WT_ERROR_EXCEPTION) {
    failf(r, kind, "expected an uncaught exception, got %s error: %s",
          wt_error_kind_name(wt_error_kind(err)), brief(err));
    return 0;
  }
  wt_val_t exn;
  wt_error_t *e = wt_error_exception(err, r->store, &exn);
  if (e || exn.kind != WT_VAL_EXNREF || is_null(&exn)) {
    failf(r, kind, "the exception error carries no exception%s%s",
          e ? ": " : "", e ? brief(e) : "");
    wt_error_delete(e);
    return 0;
  }
  wt_ref_release(r->store, &exn);
  return 1;
}

/* ---- commands ---- */

/* Compiles the command's module, a binary or (for "module_type": "text",
 * the quoted modules of assert_malformed and assert_invalid) text, which
 * wt_module_new() takes too. */
static wt_error_t *compile_file(run_t *r, const json_t *c, wt_module_t **out) {
  char path[4096];
  size_t len;
  const char *file = json_str(c, "filename");
  if (!file)
    return wt_error_new("the command names no module file");
  snprintf(path, sizeof path, "%s/%s", r->dir, file);
  uint8_t *bytes = read_file(path, &len);
  if (!bytes)
    return wt_error_new("cannot read the module file");
  wt_error_t *err = wt_module_new(r->engine, bytes, len, out);
  free(bytes);
  return err;
}

static void instantiated(run_t *r, const char *kind, const char *name,
                         wt_error_t *err, wt_instance_t inst) {
  if (err) {
    failf(r, kind, "%s error: %s", wt_error_kind_name(wt_error_kind(err)),
          brief(err));
    wt_error_delete(err);
    return;
  }
  remember(r, name, inst);
  pass(r);
}

static void cmd_module(run_t *r, const json_t *c) {
  wt_module_t *m = NULL;
  wt_instance_t inst;
  wt_error_t *err = compile_file(r, c, &m);
  if (!err)
    err = wt_linker_instantiate(r->linker, r->store, m, &inst);
  wt_module_delete(m);
  instantiated(r, "module", json_str(c, "name"), err, inst);
}

/* module_definition: compiles, and keeps the module under its name for
 * module_instance. */
static void cmd_module_definition(run_t *r, const json_t *c) {
  wt_module_t *m = NULL;
  wt_error_t *err = compile_file(r, c, &m);
  if (err) {
    failf(r, "module_definition", "%s error: %s",
          wt_error_kind_name(wt_error_kind(err)), brief(err));
    wt_error_delete(err);
    return;
  }
  const char *name = json_str(c, "name");
  if (!name) {
    wt_module_delete(m);
    pass(r);
    return;
  }
  def_t *d = realloc(r->defs, (r->ndefs + 1) * sizeof *d);
  if (!d)
    abort();
  r->defs = d;
  r->defs[r->ndefs].name = strdup(name);
  r->defs[r->ndefs].module = m;
  r->ndefs++;
  pass(r);
}

static void cmd_module_instance(run_t *r, const json_t *c) {
  const char *def = json_str(c, "module");
  const wt_module_t *m = NULL;
  for (size_t i = r->ndefs; def && !m && i-- > 0;)
    if (strcmp(r->defs[i].name, def) == 0)
      m = r->defs[i].module;
  if (!m) {
    failf(r, "module_instance", "no module definition %s", def ? def : "");
    return;
  }
  wt_instance_t inst;
  wt_error_t *err = wt_linker_instantiate(r->linker, r->store, m, &inst);
  instantiated(r, "module_instance", json_str(c, "instance"), err, inst);
}

static void cmd_register(run_t *r, const json_t *c) {
  const wt_instance_t *inst = find_instance(r, json_str(c, "name"));
  const char *as = json_str(c, "as");
  if (!inst || !as) {
    failf(r, "register", "no such module");
    return;
  }
  wt_error_t *err = wt_linker_define_instance(r->linker, r->store, as, inst);
  if (err) {
    failf(r, "register", "%s", brief(err));
    wt_error_delete(err);
    return;
  }
  pass(r);
}

static void cmd_action(run_t *r, const json_t *c, const char *kind) {
  wt_val_t *results;
  size_t nresults;
  wt_error_t *err;
  const char *why;
  const json_t *action = json_get(c, "action");
  if (!perform(r, action, &results, &nresults, &err, &why)) {
    failf(r, kind, "%s (%s)", why, json_str(action, "field"));
    free(results);
    return;
  }
  if (strcmp(kind, "assert_trap") == 0) {
    if (check_trap(r, kind, err, json_str(c, "text")))
      pass(r);
  } else if (strcmp(kind, "assert_exhaustion") == 0) {
    if (check_trap(r, kind, err, "call stack exhausted"))
      pass(r);
  } else if (strcmp(kind, "assert_exception") == 0) {
    if (check_exception(r, kind, err))
      pass(r);
  } else if (err) {
    failf(r, kind, "%s: %s error: %s", json_str(action, "field"),
          wt_error_kind_name(wt_error_kind(err)), brief(err));
  } else if (strcmp(kind, "action") == 0) {
    pass(r);
  } else {
    const json_t *expected = json_get(c, "expected");
    size_t nexp = expected ? expected->n : 0;
    int ok = nexp == nresults;
    for (size_t i = 0; ok && i < nexp; i++)
      ok = value_matches(r, expected->items[i], &results[i]);
    if (ok) {
      pass(r);
    } else {
      char got[256] = "", one[96];
      for (size_t i = 0; i < nresults; i++) {
        describe(r, &results[i], one, sizeof one);
        if (strlen(got) + strlen(one) + 2 < sizeof got)
          strcat(strcat(got, " "), one);
      }
      failf(r, kind, "%s: got%s (%zu values, %zu expected)",
            json_str(action, "field"), got, nresults, nexp);
    }
  }
  release_values(r, results, nresults);
  free(results);
  wt_error_delete(err);
}

/* assert_invalid, assert_malformed: the module must not compile. */
static void cmd_bad_module(run_t *r, const json_t *c, const char *kind) {
  wt_module_t *m = NULL;
  wt_error_t *err = compile_file(r, c, &m);
  if (!err) {
    wt_module_delete(m);
    failf(r, kind, "compiled, expected \"%s\"", json_str(c, "text"));
  } else if (wt_error_kind(err) != WT_ERROR_COMPILE) {
    failf(r, kind, "expected a compile error, got %s: %s",
          wt_error_kind_name(wt_error_kind(err)), brief(err));
  } else {
    pass(r);
  }
  wt_error_delete(err);
}

/* assert_unlinkable, assert_uninstantiable: compiles, fails to instantiate
 * with a link error or a trap. */
static void cmd_no_instance(run_t *r, const json_t *c, const char *kind,
                            wt_error_kind_t want) {
  wt_module_t *m = NULL;
  wt_instance_t inst;
  wt_error_t *err = compile_file(r, c, &m);
  if (err) {
    failf(r, kind, "did not compile: %s", brief(err));
    wt_error_delete(err);
    return;
  }
  err = wt_linker_instantiate(r->linker, r->store, m, &inst);
  wt_module_delete(m);
  if (want == WT_ERROR_TRAP) {
    if (check_trap(r, kind, err, json_str(c, "text")))
      pass(r);
  } else if (!err) {
    failf(r, kind, "instantiated, expected \"%s\"", json_str(c, "text"));
  } else if (wt_error_kind(err) != want) {
    failf(r, kind, "expected a %s error, got %s: %s",
          wt_error_kind_name(want), wt_error_kind_name(wt_error_kind(err)),
          brief(err));
  } else {
    pass(r);
  }
  wt_error_delete(err);
}

/*
 * assert_malformed_custom, assert_invalid_custom: the module is wrong only
 * in a custom section or an annotation, which an engine may ignore or
 * reject. Wasmtime ignores custom sections in binaries, so a binary module
 * must compile; its text parser reads annotations (@custom, @name,
 * @metadata.code.*) and rejects malformed ones, so a text module must fail
 * to compile, as for assert_malformed.
 */
static void cmd_custom(run_t *r, const json_t *c, const char *kind) {
  const char *mt = json_str(c, "module_type");
  if (mt && strcmp(mt, "text") == 0) {
    cmd_bad_module(r, c, kind);
    return;
  }
  wt_module_t *m = NULL;
  wt_error_t *err = compile_file(r, c, &m);
  if (err) {
    failf(r, kind, "%s error: %s (a binary's custom sections are ignored)",
          wt_error_kind_name(wt_error_kind(err)), brief(err));
    wt_error_delete(err);
    return;
  }
  wt_module_delete(m);
  pass(r);
}

static void run_command(run_t *r, const json_t *c) {
  const char *type = json_str(c, "type");
  const json_t *line = json_get(c, "line");
  r->line = line && line->type == JSON_NUMBER ? (int)line->num : 0;
  if (!type)
    failf(r, "?", "command without a type");
  else if (strcmp(type, "module") == 0)
    cmd_module(r, c);
  else if (strcmp(type, "module_definition") == 0)
    cmd_module_definition(r, c);
  else if (strcmp(type, "module_instance") == 0)
    cmd_module_instance(r, c);
  else if (strcmp(type, "register") == 0)
    cmd_register(r, c);
  else if (strcmp(type, "action") == 0 || strcmp(type, "assert_return") == 0 ||
           strcmp(type, "assert_trap") == 0 ||
           strcmp(type, "assert_exhaustion") == 0 ||
           strcmp(type, "assert_exception") == 0)
    cmd_action(r, c, type);
  else if (strcmp(type, "assert_invalid") == 0 ||
           strcmp(type, "assert_malformed") == 0)
    cmd_bad_module(r, c, type);
  else if (strcmp(type, "assert_invalid_custom") == 0 ||
           strcmp(type, "assert_malformed_custom") == 0)
    cmd_custom(r, c, type);
  else if (strcmp(type, "assert_unlinkable") == 0)
    cmd_no_instance(r, c, type, WT_ERROR_LINK);
  else if (strcmp(type, "assert_uninstantiable") == 0)
    cmd_no_instance(r, c, type, WT_ERROR_TRAP);
  else
    failf(r, type, "unknown command");
}

/* ---- a whole script ---- */

/* What became of a script: every command passed, some failed, it could not
 * be run at all (conversion or setup); and for an expected failure, whether
 * it failed as expected. */
static const char *outcome(const run_t *r, int ran, const char *xfail) {
  int failed = !ran || r->failed > 0;
  if (xfail)
    return failed ? "xfail" : "xpass";
  return !ran ? "broken" : failed ? "fail" : "ok";
}

static int write_results(const char *dir, const char *strategy,
                         const run_t *r, const char *state,
                         const char *xfail) {
  char path[4096], file[512];
  snprintf(file, sizeof file, "%s.%s", strategy, r->name);
  for (char *p = file; *p; p++)
    if (*p == '/')
      *p = '.';
  snprintf(path, sizeof path, "%s/%s.txt", dir, file);
  FILE *f = fopen(path, "w");
  if (!f)
    return 0;
  fprintf(f, "%s %s %zu %zu %s\n", strategy, r->name, r->passed, r->failed,
          state);
  if (xfail)
    fprintf(f, "%s\n", xfail);
  return fclose(f) == 0;
}

static int run_script(const char *tool, const char *folder,
                      const char *strategy, const char *wast,
                      const char *results_dir, int verbose) {
  char name[512], base[256], tmpl[] = "/tmp/wt-spec-XXXXXX";
  const char *slash = strrchr(wast, '/');
  snprintf(base, sizeof base, "%s", slash ? slash + 1 : wast);
  char *dot = strrchr(base, '.');
  if (dot)
    *dot = '\0';
  snprintf(name, sizeof name, "%s/%s", folder, base);

  run_t r = {.name = name, .folder = folder, .verbose = verbose,
             .strategy = strategy_bit(strategy)};
  if (!r.strategy) {
    fprintf(stderr, "spec: unknown strategy %s\n", strategy);
    return 2;
  }
  const char *xfail = xfail_reason(name, r.strategy);
  char *dir = mkdtemp(tmpl);
  if (!dir) {
    perror("mkdtemp");
    return 1;
  }
  r.dir = dir;
  char json_path[4096], log_path[4096];
  snprintf(json_path, sizeof json_path, "%s/%s.json", dir, base);
  snprintf(log_path, sizeof log_path, "%s/json-from-wast.log", dir);
  size_t len;
  uint8_t *text = NULL;
  json_t *doc = NULL;
  wt_config_t *config = NULL;
  char err_buf[128];
  wt_error_t *err = NULL;
  int ran = 0;

  if (!convert(tool, wast, json_path, dir, log_path)) {
    uint8_t *log = read_file(log_path, &len);
    printf("spec: %s: json-from-wast failed:\n%s\n", name,
           log ? (char *)log : "(no output)");
    free(log);
    goto done;
  }
  if (!(text = read_file(json_path, &len)) ||
      !(doc = json_parse((char *)text, len, err_buf, sizeof err_buf))) {
    printf("spec: %s: cannot read json-from-wast's output: %s\n", name,
           text ? err_buf : "no file");
    goto done;
  }
  config = wt_config_new();
  int memory64 = strcmp(folder, "core") == 0 ||
                 strcmp(folder, "custom-page-sizes") == 0;
  if (!configure(config, folder, r.strategy) ||
      (err = wt_engine_new(config, &r.engine)) ||
      (err = wt_store_new(r.engine, NULL, NULL, &r.store)) ||
      (err = wt_linker_new(r.engine, &r.linker)) ||
      (err = wt_linker_set_allow_shadowing(r.linker, true)) ||
      (err = define_spectest(&r, strcmp(folder, "threads") == 0, memory64))) {
    printf("spec: %s: setup failed: %s\n", name,
           err ? wt_error_message(err) : "configuration");
    goto done;
  }
  const json_t *commands = json_get(doc, "commands");
  for (size_t i = 0; commands && i < commands->n; i++)
    run_command(&r, commands->items[i]);
  ran = commands && commands->n > 0;
  if (!ran)
    printf("spec: %s: no commands\n", name);

done:;
  const char *state = outcome(&r, ran, xfail);
  printf("spec: %s/%s passed=%zu failed=%zu%s\n", strategy, name, r.passed,
         r.failed, !ran ? " (not run)" : "");
  int status = strcmp(state, "ok") != 0 && strcmp(state, "xfail") != 0;
  if (xfail)
    printf("spec: %s/%s is expected to fail (%s): %s\n", strategy, name,
           xfail, strcmp(state, "xfail") == 0
                      ? "it does"
                      : "it passed; remove its entry from XFAILS in "
                        "tests/spec/spec_runner.c");
  if (results_dir &&
      !write_results(results_dir, strategy, &r, state, xfail)) {
    perror(results_dir);
    status = 1;
  }
  wt_error_delete(err);
  wt_linker_delete(r.linker);
  wt_store_delete(r.store);
  wt_engine_delete(r.engine);
  wt_config_delete(config);
  for (size_t i = 0; i < r.nnamed; i++)
    free(r.named[i].name);
  free(r.named);
  for (size_t i = 0; i < r.ndefs; i++) {
    free(r.defs[i].name);
    wt_module_delete(r.defs[i].module);
  }
  free(r.defs);
  json_free(doc);
  free(text);
  remove_tree(dir);
  return status;
}

/* ---- totals ---- */

typedef struct row {
  char name[256];
  struct {
    int present;
    size_t passed, failed;
    char state[16];
    char reason[512];
  } s[NSTRATEGIES];
} row_t;

static int by_name(const void *a, const void *b) {
  return strcmp(((const row_t *)a)->name, ((const row_t *)b)->name);
}

/* The per-script table in docs/spec-tests.md follows this line. */
static const char DOC_MARK[] =
    "<!-- The table below is written by: spec_runner --summary DIR --doc "
    "FILE --update -->\n";

/* Checks (or with `update`, rewrites) the table that follows DOC_MARK in
 * the document at `path`. */
static int doc_table(const char *path, const char *table, int update) {
  size_t len;
  char *text = (char *)read_file(path, &len);
  char *mark = text ? strstr(text, DOC_MARK) : NULL;
  if (!mark) {
    printf("spec: %s: no table marker\n", path);
    free(text);
    return 0;
  }
  char *after = mark + strlen(DOC_MARK);
  int same = strcmp(after, table) == 0;
  if (!same && update) {
    FILE *f = fopen(path, "w");
    same = f && fwrite(text, 1, (size_t)(after - text), f) ==
                    (size_t)(after - text) &&
           fputs(table, f) >= 0;
    if (f && fclose(f) != 0)
      same = 0;
    printf("spec: %s %s\n", path, same ? "updated" : "could not be written");
  } else if (!same) {
    printf("spec: %s is out of date: rerun spec_runner --summary with "
           "--update\n", path);
  }
  free(text);
  return same;
}

static row_t *row_for(row_t **rows, size_t *n, const char *name) {
  for (size_t i = 0; i < *n; i++)
    if (strcmp((*rows)[i].name, name) == 0)
      return &(*rows)[i];
  row_t *grown = realloc(*rows, (*n + 1) * sizeof **rows);
  if (!grown)
    abort();
  *rows = grown;
  row_t *row = &grown[(*n)++];
  memset(row, 0, sizeof *row);
  snprintf(row->name, sizeof row->name, "%s", name);
  return row;
}

/* One cell of the table: the commands that passed, or what went wrong. */
static void cell(FILE *f, const row_t *row, size_t s) {
  if (!row->s[s].present) {
    fprintf(f, " |");
    return;
  }
  size_t p = row->s[s].passed, t = p + row->s[s].failed;
  const char *st = row->s[s].state;
  if (strcmp(st, "ok") == 0)
    fprintf(f, " %zu |", p);
  else if (strcmp(st, "xfail") == 0)
    fprintf(f, " expected failure (%zu of %zu) |", p, t);
  else
    fprintf(f, " **%s** (%zu of %zu) |", st, p, t);
}

static int summary(const char *dir, const char *doc, int update) {
  DIR *d = opendir(dir);
  if (!d) {
    perror(dir);
    return 1;
  }
  row_t *rows = NULL;
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (l < 5 || strcmp(e->d_name + l - 4, ".txt") != 0)
      continue;
    char path[4096], strategy[32], name[256], state[16], reason[512] = "";
    size_t passed, failed;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    FILE *f = fopen(path, "r");
    if (!f)
      continue;
    if (fscanf(f, "%31s %255s %zu %zu %15s\n", strategy, name, &passed,
               &failed, state) == 5) {
      if (fgets(reason, sizeof reason, f))
        reason[strcspn(reason, "\n")] = '\0';
      unsigned bit = strategy_bit(strategy);
      for (size_t s = 0; s < NSTRATEGIES; s++)
        if (STRATEGIES[s].bit == bit) {
          row_t *row = row_for(&rows, &n, name);
          row->s[s].present = 1;
          row->s[s].passed = passed;
          row->s[s].failed = failed;
          snprintf(row->s[s].state, sizeof row->s[s].state, "%s", state);
          snprintf(row->s[s].reason, sizeof row->s[s].reason, "%s", reason);
        }
    }
    fclose(f);
  }
  closedir(d);
  qsort(rows, n, sizeof *rows, by_name);
  int status = n == 0;
  char totals[NSTRATEGIES][256];
  for (size_t s = 0; s < NSTRATEGIES; s++) {
    size_t scripts = 0, passed = 0, failed = 0, xfail = 0, xcommands = 0,
           bad = 0;
    for (size_t i = 0; i < n; i++) {
      if (!rows[i].s[s].present)
        continue;
      const char *st = rows[i].s[s].state;
      scripts++;
      if (strcmp(st, "xfail") == 0) {
        xfail++;
        xcommands += rows[i].s[s].passed + rows[i].s[s].failed;
        continue;
      }
      passed += rows[i].s[s].passed;
      failed += rows[i].s[s].failed;
      if (strcmp(st, "ok") != 0) {
        bad++;
        printf("spec: %s/%s %s passed=%zu failed=%zu\n", STRATEGIES[s].name,
               rows[i].name, st, rows[i].s[s].passed, rows[i].s[s].failed);
      }
    }
    if (scripts == 0) {
      totals[s][0] = '\0';
      continue;
    }
    snprintf(totals[s], sizeof totals[s],
             "scripts=%zu passed=%zu failed=%zu unexpected=%zu "
             "expected-failures=%zu (%zu commands)",
             scripts, passed, failed, bad, xfail, xcommands);
    printf("spec: total %s %s\n", STRATEGIES[s].name, totals[s]);
    if (bad)
      status = 1;
  }
  if (doc) {
    char *table = NULL;
    size_t tlen = 0;
    FILE *f = open_memstream(&table, &tlen);
    fprintf(f, "Totals, per strategy:\n\n");
    for (size_t s = 0; s < NSTRATEGIES; s++)
      if (totals[s][0])
        fprintf(f, "- %s: %s\n", STRATEGIES[s].name, totals[s]);
    fprintf(f, "\nA number is the commands passed (all of the script's); "
               "an expected failure gives the commands that passed of all "
               "its commands.\n\n");
    fprintf(f, "| script | cranelift | pulley | winch | expected to fail "
               "because |\n|---|---:|---:|---:|---|\n");
    for (size_t i = 0; i < n; i++) {
      fprintf(f, "| %s |", rows[i].name);
      for (size_t s = 0; s < NSTRATEGIES; s++)
        cell(f, &rows[i], s);
      const char *last = NULL;
      for (size_t s = 0; s < NSTRATEGIES; s++) {
        const char *why = rows[i].s[s].reason;
        if (!why[0] || (last && strcmp(last, why) == 0))
          continue;
        fprintf(f, "%s %s", last ? ";" : "", why);
        last = why;
      }
      fprintf(f, " |\n");
    }
    fclose(f);
    if (!doc_table(doc, table, update))
      status = 1;
    free(table);
  }
  free(rows);
  return status;
}

static void usage(void) {
  fprintf(stderr,
          "usage: spec_runner --wasm-tools PATH --folder NAME --strategy "
          "cranelift|pulley|winch [--results DIR] [-v] SCRIPT.wast\n"
          "       spec_runner --summary DIR [--doc FILE [--update]]\n");
}

int main(int argc, char **argv) {
  const char *tool = "wasm-tools", *folder = "core", *strategy = "cranelift",
             *results = NULL, *summary_dir = NULL, *doc = NULL, *wast = NULL;
  int verbose = 0, update = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *next = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--wasm-tools") == 0 && next)
      tool = argv[++i];
    else if (strcmp(a, "--folder") == 0 && next)
      folder = argv[++i];
    else if (strcmp(a, "--strategy") == 0 && next)
      strategy = argv[++i];
    else if (strcmp(a, "--results") == 0 && next)
      results = argv[++i];
    else if (strcmp(a, "--summary") == 0 && next)
      summary_dir = argv[++i];
    else if (strcmp(a, "--doc") == 0 && next)
      doc = argv[++i];
    else if (strcmp(a, "--update") == 0)
      update = 1;
    else if (strcmp(a, "-v") == 0)
      verbose = 1;
    else if (a[0] != '-' && !wast)
      wast = a;
    else {
      usage();
      return 2;
    }
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (summary_dir)
    return summary(summary_dir, doc, update);
  if (!wast) {
    usage();
    return 2;
  }
  return run_script(tool, folder, strategy, wast, results, verbose);
}
