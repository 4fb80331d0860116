/*
 * Runs a WebAssembly spec test script (.wast) through wt's public API.
 *
 *   spec_runner --wast2json PATH --folder NAME [--results DIR] [-v] X.wast
 *   spec_runner --summary DIR [--doc FILE [--update]]
 *
 * The script is converted with wabt's wast2json into a temporary directory,
 * then every command of the JSON is carried out on one store and one linker
 * (which holds the `spectest` host module and every registered instance).
 * The counts are printed as
 *
 *   spec: <folder>/<script> passed=N failed=N skipped=N
 *
 * and, with --results, written to DIR/<folder>.<script>.txt for --summary,
 * which prints the totals and checks (or rewrites, with --update) the
 * per-script table of docs/spec-tests.md. The exit
 * status is 0 only when no command failed.
 */
#define _GNU_SOURCE
#include "json.h"

#include <wt.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- skips: commands that cannot pass, each with its reason ---- */

typedef struct skip {
  const char *script; /* "<folder>/<script>" */
  int line;           /* the command's line; 0 for the whole script */
  const char *reason;
} skip_t;

static const skip_t SKIPS[] = {
    {"relaxed-simd/relaxed_dot_product", 0,
     "wast2json 1.0.32 does not know f32x4.relaxed_dot_bf16x8_add_f32x4"},
    {"relaxed-simd/i32x4_relaxed_trunc", 10,
     "2147483647.0 rounds to 2^31 in f32, out of range, so INT32_MIN is "
     "allowed too (fixed upstream later)"},
    {"relaxed-simd/i32x4_relaxed_trunc", 17,
     "the script writes INT32_MIN as 0x8000000 (typo fixed upstream later)"},
    {"relaxed-simd/i32x4_relaxed_trunc", 42,
     "the script writes INT32_MIN as 0x8000000 (typo fixed upstream later)"},
    {"relaxed-simd/relaxed_madd_nmadd", 38,
     "the script expects +2^-37 where fused nmadd gives -2^-37 (fixed "
     "upstream later)"},
    {"relaxed-simd/relaxed_madd_nmadd", 73,
     "the script expects +2^-53 where fused nmadd gives -2^-53 (fixed "
     "upstream later)"},
};

static const char *skip_reason(const char *script, int line) {
  for (size_t i = 0; i < sizeof SKIPS / sizeof SKIPS[0]; i++)
    if (strcmp(SKIPS[i].script, script) == 0 && SKIPS[i].line == line)
      return SKIPS[i].reason;
  return NULL;
}

/* ---- the state of one script ---- */

typedef struct named {
  char *name;
  wt_instance_t inst;
} named_t;

typedef struct run {
  const char *name; /* "<folder>/<script>" */
  const char *dir;  /* where wast2json wrote the modules */
  int verbose;
  wt_engine_t *engine;
  wt_store_t *store;
  wt_linker_t *linker;
  named_t *named;
  size_t nnamed;
  wt_instance_t current;
  int has_current;
  int line;
  size_t passed, failed, skipped;
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

static void pass(run_t *r) { r->passed++; }

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

static wt_error_t *define_spectest(run_t *r, int shared) {
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

static int configure(wt_config_t *c, const char *folder) {
  /* The core scripts are the 2022 specification: proposals that Wasmtime
   * turns on by default but that change what is valid are turned off. */
  wt_config_set_wasm_threads(c, false);
  wt_config_set_wasm_shared_memory(c, false);
  wt_config_set_wasm_tail_call(c, false);
  wt_config_set_wasm_multi_memory(c, false);
  wt_config_set_wasm_memory64(c, false);
  wt_config_set_wasm_relaxed_simd(c, false);
  wt_config_set_wasm_gc(c, false);
  wt_config_set_wasm_function_references(c, false);
  wt_config_set_wasm_exceptions(c, false);
  wt_config_set_wasm_wide_arithmetic(c, false);
  wt_config_set_wasm_custom_page_sizes(c, false);
  wt_config_set_wasm_stack_switching(c, false);
  if (strcmp(folder, "core") == 0 || strcmp(folder, "extended-const") == 0)
    return 1;
  if (strcmp(folder, "tail-call") == 0)
    return wt_config_set_wasm_tail_call(c, true);
  if (strcmp(folder, "multi-memory") == 0)
    return wt_config_set_wasm_multi_memory(c, true);
  if (strcmp(folder, "memory64") == 0)
    return wt_config_set_wasm_memory64(c, true);
  if (strcmp(folder, "relaxed-simd") == 0)
    return wt_config_set_wasm_relaxed_simd(c, true);
  if (strcmp(folder, "threads") == 0) /* scripts from before reference types */
    return wt_config_set_wasm_reference_types(c, false) &&
           wt_config_set_wasm_threads(c, true) &&
           wt_config_set_wasm_shared_memory(c, true);
  fprintf(stderr, "spec: unknown folder %s\n", folder);
  return 0;
}

/* wast2json flags per folder */
static const char *wast2json_flag(const char *folder) {
  if (strcmp(folder, "core") == 0)
    return NULL;
  static char flag[64];
  snprintf(flag, sizeof flag, "--enable-%s", folder);
  return flag;
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

/* Runs wast2json; on failure prints its output. */
static int convert(const char *tool, const char *flag, const char *wast,
                   const char *json, const char *log) {
  pid_t pid = fork();
  if (pid < 0)
    return 0;
  if (pid == 0) {
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    if (flag)
      execlp(tool, tool, flag, wast, "-o", json, (char *)NULL);
    else
      execlp(tool, tool, wast, "-o", json, (char *)NULL);
    fprintf(stderr, "cannot run %s: %s\n", tool, strerror(errno));
    _exit(127);
  }
  int status;
  if (waitpid(pid, &status, 0) < 0)
    return 0;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* ---- values ---- */

static uint64_t parse_u64(const char *s) { return strtoull(s, NULL, 10); }

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

/* Makes an argument value. Returns 0 with *why set for a form it does not
 * know. */
static int make_arg(run_t *r, const json_t *j, wt_val_t *out,
                    const char **why) {
  const char *type = json_str(j, "type");
  const json_t *value = json_get(j, "value");
  const char *v = value && value->type == JSON_STRING ? value->str : NULL;
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
  } else if (strcmp(type, "externref") == 0 && v) {
    if (strcmp(v, "null") == 0) {
      out->kind = WT_VAL_EXTERNREF;
      return 1;
    }
    /* ref.extern N carries N + 1, so that every N is a non-NULL pointer */
    wt_error_t *err = wt_externref_new(
        r->store, (void *)(uintptr_t)(parse_u64(v) + 1), NULL, out);
    if (err) {
      *why = "wt_externref_new failed";
      wt_error_delete(err);
      return 0;
    }
  } else if (strcmp(type, "funcref") == 0 && v && strcmp(v, "null") == 0) {
    out->kind = WT_VAL_FUNCREF;
  } else {
    *why = "argument of an unknown form";
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
  uint32_t b32;
  uint64_t b64;
  void *data = NULL;
  wt_error_t *err;
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
    err = wt_externref_data(r->store, v, &data);
    wt_error_delete(err);
    if (!data)
      snprintf(buf, cap, "externref:null");
    else
      snprintf(buf, cap, "externref:%llu",
               (unsigned long long)((uintptr_t)data - 1));
    break;
  case WT_VAL_FUNCREF:
    snprintf(buf, cap, "funcref:%s",
             wt_func_type(r->store, &v->of.funcref) ? "non-null" : "null");
    break;
  default:
    snprintf(buf, cap, "%s", wt_valkind_name(v->kind));
  }
}

/* Does the result match one expected value? */
static int value_matches(run_t *r, const json_t *j, const wt_val_t *got) {
  const char *type = json_str(j, "type");
  const json_t *value = json_get(j, "value");
  const char *v = value && value->type == JSON_STRING ? value->str : NULL;
  uint32_t b32;
  uint64_t b64;
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
  if (strcmp(type, "externref") == 0) {
    void *data = NULL;
    if (got->kind != WT_VAL_EXTERNREF || !v)
      return 0;
    wt_error_t *err = wt_externref_data(r->store, got, &data);
    if (err) {
      wt_error_delete(err);
      return 0;
    }
    if (strcmp(v, "null") == 0)
      return data == NULL;
    return data == (void *)(uintptr_t)(parse_u64(v) + 1);
  }
  if (strcmp(type, "funcref") == 0) {
    if (got->kind != WT_VAL_FUNCREF)
      return 0;
    int is_null = wt_func_type(r->store, &got->of.funcref) == NULL;
    return v && strcmp(v, "null") == 0 ? is_null : !is_null;
  }
  return 0;
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

/* ---- commands ---- */

static wt_error_t *compile_file(run_t *r, const char *file,
                                wt_module_t **out) {
  char path[4096];
  size_t len;
  snprintf(path, sizeof path, "%s/%s", r->dir, file);
  uint8_t *bytes = read_file(path, &len);
  if (!bytes)
    return wt_error_new("cannot read the module file");
  wt_error_t *err = wt_module_new(r->engine, bytes, len, out);
  free(bytes);
  return err;
}

static void cmd_module(run_t *r, const json_t *c) {
  wt_module_t *m = NULL;
  wt_instance_t inst;
  wt_error_t *err = compile_file(r, json_str(c, "filename"), &m);
  if (!err)
    err = wt_linker_instantiate(r->linker, r->store, m, &inst);
  wt_module_delete(m);
  if (err) {
    failf(r, "module", "%s error: %s", wt_error_kind_name(wt_error_kind(err)),
          brief(err));
    wt_error_delete(err);
    return;
  }
  remember(r, json_str(c, "name"), inst);
  pass(r);
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
  } else if (err) {
    failf(r, kind, "%s: %s error: %s", json_str(action, "field"),
          wt_error_kind_name(wt_error_kind(err)), brief(err));
  } else if (strcmp(kind, "action") == 0) {
    pass(r);
  } else {
    /* "either": one result, equal to any of the alternatives */
    const json_t *either = json_get(c, "either");
    const json_t *expected = json_get(c, "expected");
    size_t nexp = either ? 1 : expected ? expected->n : 0;
    int ok = nexp == nresults;
    if (either && ok) {
      ok = 0;
      for (size_t i = 0; !ok && i < either->n; i++)
        ok = value_matches(r, either->items[i], &results[0]);
    }
    for (size_t i = 0; !either && ok && i < nexp; i++)
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
  wt_error_t *err = compile_file(r, json_str(c, "filename"), &m);
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
  wt_error_t *err = compile_file(r, json_str(c, "filename"), &m);
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

static void run_command(run_t *r, const json_t *c) {
  const char *type = json_str(c, "type");
  const json_t *line = json_get(c, "line");
  r->line = line && line->type == JSON_NUMBER ? (int)line->num : 0;
  const char *reason = skip_reason(r->name, r->line);
  if (reason) {
    if (r->verbose)
      printf("  skip line %d: %s\n", r->line, reason);
    r->skipped++;
    return;
  }
  if (!type)
    failf(r, "?", "command without a type");
  else if (strcmp(type, "module") == 0)
    cmd_module(r, c);
  else if (strcmp(type, "register") == 0)
    cmd_register(r, c);
  else if (strcmp(type, "action") == 0 || strcmp(type, "assert_return") == 0 ||
           strcmp(type, "assert_trap") == 0 ||
           strcmp(type, "assert_exhaustion") == 0)
    cmd_action(r, c, type);
  else if (strcmp(type, "assert_invalid") == 0 ||
           strcmp(type, "assert_malformed") == 0)
    cmd_bad_module(r, c, type);
  else if (strcmp(type, "assert_unlinkable") == 0)
    cmd_no_instance(r, c, type, WT_ERROR_LINK);
  else if (strcmp(type, "assert_uninstantiable") == 0)
    cmd_no_instance(r, c, type, WT_ERROR_TRAP);
  else
    failf(r, type, "unknown command");
}

/* ---- a whole script ---- */

static int write_results(const char *dir, const run_t *r,
                         const char *script_reason) {
  char path[4096], file[512];
  snprintf(file, sizeof file, "%s", r->name);
  for (char *p = file; *p; p++)
    if (*p == '/')
      *p = '.';
  snprintf(path, sizeof path, "%s/%s.txt", dir, file);
  FILE *f = fopen(path, "w");
  if (!f)
    return 0;
  fprintf(f, "%s %zu %zu %zu\n", r->name, r->passed, r->failed, r->skipped);
  for (size_t i = 0; i < sizeof SKIPS / sizeof SKIPS[0]; i++)
    if (strcmp(SKIPS[i].script, r->name) == 0 &&
        (SKIPS[i].line || script_reason))
      fprintf(f, "skip %d %s\n", SKIPS[i].line, SKIPS[i].reason);
  return fclose(f) == 0;
}

static int run_script(const char *tool, const char *folder, const char *wast,
                      const char *results_dir, int verbose) {
  char name[512], base[256], tmpl[] = "/tmp/wt-spec-XXXXXX";
  const char *slash = strrchr(wast, '/');
  snprintf(base, sizeof base, "%s", slash ? slash + 1 : wast);
  char *dot = strrchr(base, '.');
  if (dot)
    *dot = '\0';
  snprintf(name, sizeof name, "%s/%s", folder, base);

  run_t r = {.name = name, .verbose = verbose};
  const char *script_reason = skip_reason(name, 0);
  int status = 1;
  if (script_reason) {
    printf("spec: %s skipped: %s\n", name, script_reason);
    r.skipped = 1;
    if (results_dir && !write_results(results_dir, &r, script_reason))
      return 1;
    return 0;
  }

  char *dir = mkdtemp(tmpl);
  if (!dir) {
    perror("mkdtemp");
    return 1;
  }
  r.dir = dir;
  char json_path[4096], log_path[4096];
  snprintf(json_path, sizeof json_path, "%s/%s.json", dir, base);
  snprintf(log_path, sizeof log_path, "%s/wast2json.log", dir);
  size_t len;
  uint8_t *text = NULL;
  json_t *doc = NULL;
  wt_config_t *config = NULL;
  char err_buf[128];
  wt_error_t *err = NULL;

  if (!convert(tool, wast2json_flag(folder), wast, json_path, log_path)) {
    uint8_t *log = read_file(log_path, &len);
    printf("spec: %s: wast2json failed:\n%s\n", name,
           log ? (char *)log : "(no output)");
    free(log);
    goto done;
  }
  if (!(text = read_file(json_path, &len)) ||
      !(doc = json_parse((char *)text, len, err_buf, sizeof err_buf))) {
    printf("spec: %s: cannot read wast2json output: %s\n", name,
           text ? err_buf : "no file");
    goto done;
  }
  config = wt_config_new();
  if (!configure(config, folder) ||
      (err = wt_engine_new(config, &r.engine)) ||
      (err = wt_store_new(r.engine, NULL, NULL, &r.store)) ||
      (err = wt_linker_new(r.engine, &r.linker)) ||
      (err = wt_linker_set_allow_shadowing(r.linker, true)) ||
      (err = define_spectest(&r, strcmp(folder, "threads") == 0))) {
    printf("spec: %s: setup failed: %s\n", name,
           err ? wt_error_message(err) : "configuration");
    goto done;
  }
  const json_t *commands = json_get(doc, "commands");
  for (size_t i = 0; commands && i < commands->n; i++)
    run_command(&r, commands->items[i]);
  status = r.failed != 0;
  if (!commands || commands->n == 0) {
    printf("spec: %s: no commands\n", name);
    status = 1;
  }
  printf("spec: %s passed=%zu failed=%zu skipped=%zu\n", name, r.passed,
         r.failed, r.skipped);
  if (results_dir && !write_results(results_dir, &r, NULL)) {
    perror(results_dir);
    status = 1;
  }

done:
  wt_error_delete(err);
  wt_linker_delete(r.linker);
  wt_store_delete(r.store);
  wt_engine_delete(r.engine);
  wt_config_delete(config);
  for (size_t i = 0; i < r.nnamed; i++)
    free(r.named[i].name);
  free(r.named);
  json_free(doc);
  free(text);
  remove_tree(dir);
  return status;
}

/* ---- totals ---- */

typedef struct row {
  char name[256];
  size_t passed, failed, skipped;
  char skips[1024];
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
    char path[4096], line[1024];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    FILE *f = fopen(path, "r");
    if (!f)
      continue;
    rows = realloc(rows, (n + 1) * sizeof *rows);
    row_t *row = &rows[n];
    memset(row, 0, sizeof *row);
    if (fscanf(f, "%255s %zu %zu %zu\n", row->name, &row->passed,
               &row->failed, &row->skipped) == 4) {
      while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        int at = 0, ln;
        if (sscanf(line, "skip %d %n", &ln, &at) == 1 && at > 0) {
          size_t used = strlen(row->skips);
          snprintf(row->skips + used, sizeof row->skips - used, "%s%s%s",
                   used ? "; " : "",
                   ln ? "" : "whole script: ", line + at);
          if (ln) {
            used = strlen(row->skips);
            snprintf(row->skips + used, sizeof row->skips - used,
                     " (line %d)", ln);
          }
        }
      }
      n++;
    }
    fclose(f);
  }
  closedir(d);
  qsort(rows, n, sizeof *rows, by_name);
  size_t tp = 0, tf = 0, ts = 0;
  for (size_t i = 0; i < n; i++) {
    tp += rows[i].passed;
    tf += rows[i].failed;
    ts += rows[i].skipped;
    if (rows[i].failed)
      printf("spec: %s failed=%zu\n", rows[i].name, rows[i].failed);
  }
  printf("spec: total scripts=%zu passed=%zu failed=%zu skipped=%zu\n", n, tp,
         tf, ts);
  int status = tf != 0 || n == 0;
  if (doc) {
    char *table = NULL;
    size_t tlen = 0;
    FILE *f = open_memstream(&table, &tlen);
    fprintf(f, "| script | passed | failed | skipped | skip reasons |\n"
               "|---|---:|---:|---:|---|\n");
    for (size_t i = 0; i < n; i++)
      fprintf(f, "| %s | %zu | %zu | %zu | %s |\n", rows[i].name,
              rows[i].passed, rows[i].failed, rows[i].skipped,
              rows[i].skips);
    fprintf(f, "| **total (%zu scripts)** | **%zu** | **%zu** | **%zu** | |\n",
            n, tp, tf, ts);
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
          "usage: spec_runner --wast2json PATH --folder NAME [--results DIR] "
          "[-v] SCRIPT.wast\n"
          "       spec_runner --summary DIR [--doc FILE [--update]]\n");
}

int main(int argc, char **argv) {
  const char *tool = "wast2json", *folder = "core", *results = NULL,
             *summary_dir = NULL, *doc = NULL, *wast = NULL;
  int verbose = 0, update = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *next = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--wast2json") == 0 && next)
      tool = argv[++i];
    else if (strcmp(a, "--folder") == 0 && next)
      folder = argv[++i];
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
  return run_script(tool, folder, wast, results, verbose);
}
