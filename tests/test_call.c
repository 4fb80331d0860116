/* The hello slice: store, module, linker, host functions, instances, calls. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

typedef struct {
  int calls;
  int32_t last;
  int finalized;
} counter;

static wt_error_t *record(void *env, wt_caller_t *caller, const wt_val_t *args,
                          size_t nargs, wt_val_t *results, size_t nresults) {
  counter *c = env;
  c->calls++;
  c->last = nargs ? args[0].of.i32 : 0;
  cr_assert_not_null(wt_caller_store(caller));
  return NULL;
}

static void finalize(void *env) { ((counter *)env)->finalized++; }

static const char *hello_wat =
    "(module (import \"host\" \"hello\" (func $h (param i32)))"
    " (func (export \"run\") (param i32) (call $h (local.get 0))))";

Test(call, host_function_called_from_wasm_with_args) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  counter c = {0};
  OK(wt_linker_define_func(linker, "host", "hello", "i32", record, &c,
                           finalize));
  wt_module_t *m = compile(engine, hello_wat);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  wt_val_t arg = i32v(42);
  OK(wt_instance_call(store, &inst, "run", &arg, 1, NULL, 0));
  OK(wt_instance_call(store, &inst, "run", &arg, 1, NULL, 0));
  cr_assert_eq(c.calls, 2);
  cr_assert_eq(c.last, 42);
  wt_store_delete(store);
  wt_module_delete(m);
  cr_assert_eq(c.finalized, 0);
  wt_linker_delete(linker);
  cr_assert_eq(c.finalized, 1, "finalizer ran %d times", c.finalized);
  wt_engine_delete(engine);
}

static wt_error_t *add_host(void *env, wt_caller_t *caller,
                            const wt_val_t *args, size_t nargs,
                            wt_val_t *results, size_t nresults) {
  cr_assert_eq(nargs, 2);
  cr_assert_eq(nresults, 2);
  cr_assert_eq(results[0].kind, WT_I64);
  cr_assert_eq(results[1].kind, WT_F64);
  results[0].of.i64 = args[0].of.i64 + (int64_t)args[1].of.f32;
  results[1].of.f64 = 0.5;
  return NULL;
}

Test(call, host_function_multi_value_and_mixed_types) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  OK(wt_linker_define_func(linker, "m", "f", "i64, f32 -> i64, f64", add_host,
                           NULL, NULL));
  wt_module_t *m = compile(
      engine, "(module (import \"m\" \"f\" (func $f (param i64 f32) (result i64 f64)))"
              " (func (export \"g\") (param i64 f32) (result i64 f64)"
              " (call $f (local.get 0) (local.get 1))))");
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  wt_val_t args[2] = {i64v(1ll << 40), {.kind = WT_F32, .of.f32 = 2.0f}};
  wt_val_t res[2];
  OK(wt_instance_call(store, &inst, "g", args, 2, res, 2));
  cr_assert_eq(res[0].kind, WT_I64);
  cr_assert_eq(res[0].of.i64, (1ll << 40) + 2);
  cr_assert_eq(res[1].kind, WT_F64);
  cr_assert_float_eq(res[1].of.f64, 0.5, 0);
  wt_store_delete(store);
  wt_module_delete(m);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

static wt_error_t *fail_host(void *env, wt_caller_t *caller,
                             const wt_val_t *args, size_t nargs,
                             wt_val_t *results, size_t nresults) {
  return wt_error_new("host says no");
}

static wt_error_t *wrong_result_kind(void *env, wt_caller_t *caller,
                                     const wt_val_t *args, size_t nargs,
                                     wt_val_t *results, size_t nresults) {
  results[0].kind = WT_I64;
  results[0].of.i64 = 1;
  return NULL;
}

Test(call, host_error_comes_back_intact_and_store_stays_usable) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  OK(wt_linker_define_func(linker, "m", "fail", "", fail_host, NULL, NULL));
  OK(wt_linker_define_func(linker, "m", "wrong", "-> i32", wrong_result_kind,
                           NULL, NULL));
  wt_module_t *m = compile(
      engine, "(module (import \"m\" \"fail\" (func $fail))"
              " (import \"m\" \"wrong\" (func $wrong (result i32)))"
              " (func (export \"f\") (call $fail))"
              " (func (export \"w\") (result i32) (call $wrong))"
              " (func (export \"ok\") (result i32) (i32.const 5)))");
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  EXPECT_ERROR(wt_instance_call(store, &inst, "f", NULL, 0, NULL, 0),
               WT_ERROR_HOST, "host says no");
  wt_val_t res;
  EXPECT_ERROR(wt_instance_call(store, &inst, "w", NULL, 0, &res, 1),
               WT_ERROR_MISUSE, "result 0 is i64, expected i32");
  OK(wt_instance_call(store, &inst, "ok", NULL, 0, &res, 1));
  cr_assert_eq(res.of.i32, 5);
  wt_store_delete(store);
  wt_module_delete(m);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(call, bad_signature_strings_are_misuse) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  counter c = {0};
  const char *bad[] = {"i33", "i32 -> -> i32", "i32 ->i32x", "int"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    EXPECT_ERROR(wt_linker_define_func(linker, "m", "f", bad[i], record, &c,
                                       finalize),
                 WT_ERROR_MISUSE, "bad signature");
  /* The finalizer runs even when defining fails. */
  cr_assert_eq(c.finalized, 4);
  EXPECT_ERROR(wt_linker_define_func(linker, "m", "f", NULL, record, NULL,
                                     NULL),
               WT_ERROR_MISUSE, "signature is NULL");
  EXPECT_ERROR(wt_linker_define_func(linker, "m", "f", "", NULL, NULL, NULL),
               WT_ERROR_MISUSE, "callback");
  EXPECT_ERROR(wt_linker_define_func(NULL, "m", "f", "", record, NULL, NULL),
               WT_ERROR_MISUSE, "linker");
  EXPECT_ERROR(wt_linker_define_func(linker, "m", "\xc3\x28", "", record,
                                     NULL, NULL),
               WT_ERROR_MISUSE, "UTF-8");
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(call, duplicate_definition_is_link_error) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  OK(wt_linker_define_func(linker, "m", "f", "", record, NULL, NULL));
  wt_error_delete(EXPECT_KIND(
      wt_linker_define_func(linker, "m", "f", "", record, NULL, NULL),
      WT_ERROR_LINK));
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(call, missing_or_mismatched_import_is_link_error) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  wt_module_t *m = compile(engine, hello_wat);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  EXPECT_ERROR(wt_linker_instantiate(linker, store, m, &inst), WT_ERROR_LINK,
               "hello");
  OK(wt_linker_define_func(linker, "host", "hello", "i64", record, NULL, NULL));
  EXPECT_ERROR(wt_linker_instantiate(linker, store, m, &inst), WT_ERROR_LINK,
               "hello");
  wt_store_delete(store);
  wt_module_delete(m);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(call, start_function_trap_during_instantiation) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  wt_module_t *m = compile(engine, "(module (func $s unreachable) (start $s))");
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  wt_error_t *err =
      EXPECT_KIND(wt_linker_instantiate(linker, store, m, &inst), WT_ERROR_TRAP);
  wt_trap_code_t code;
  cr_assert(wt_error_trap_code(err, &code));
  cr_assert_eq(code, WT_TRAP_UNREACHABLE);
  wt_error_delete(err);
  wt_store_delete(store);
  wt_module_delete(m);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

static const char *add_wat =
    "(module (func (export \"add\") (param i32 i32) (result i32)"
    " (i32.add (local.get 0) (local.get 1)))"
    " (memory (export \"mem\") 1))";

Test(call, wrong_arity_and_types_are_misuse_naming_signature) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, add_wat, &store);
  wt_func_t add;
  OK(wt_instance_func(store, &inst, "add", &add));
  wt_val_t args[2] = {i32v(1), i64v(2)}, res;
  EXPECT_ERROR(wt_func_call(store, &add, args, 1, &res, 1), WT_ERROR_MISUSE,
               "(func (param i32 i32) (result i32))");
  EXPECT_ERROR(wt_func_call(store, &add, args, 2, &res, 0), WT_ERROR_MISUSE,
               "0 results");
  EXPECT_ERROR(wt_func_call(store, &add, args, 2, &res, 1), WT_ERROR_MISUSE,
               "argument 1 is i64, expected i32");
  EXPECT_ERROR(wt_func_call(store, &add, NULL, 2, &res, 1), WT_ERROR_MISUSE,
               "NULL");
  EXPECT_ERROR(wt_func_call(store, NULL, args, 2, &res, 1), WT_ERROR_MISUSE,
               "func is NULL");
  wt_func_t null_func;
  memset(&null_func, 0, sizeof null_func);
  EXPECT_ERROR(wt_func_call(store, &null_func, NULL, 0, NULL, 0),
               WT_ERROR_MISUSE, "null funcref");
  args[1] = i32v(2);
  OK(wt_func_call(store, &add, args, 2, &res, 1));
  cr_assert_eq(res.of.i32, 3);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(call, exports_missing_or_not_functions) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, add_wat, &store);
  wt_func_t f;
  EXPECT_ERROR(wt_instance_func(store, &inst, "nope", &f), WT_ERROR_NOT_FOUND,
               "nope");
  EXPECT_ERROR(wt_instance_func(store, &inst, "mem", &f), WT_ERROR_MISUSE,
               "not a function");
  EXPECT_ERROR(wt_instance_func(store, NULL, "add", &f), WT_ERROR_MISUSE,
               "instance is NULL");
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(call, func_from_another_store_is_misuse_not_abort) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *s1, *s2;
  wt_instance_t i1 = instantiate(engine, add_wat, &s1);
  instantiate(engine, add_wat, &s2);
  wt_func_t add1;
  OK(wt_instance_func(s1, &i1, "add", &add1));
  wt_val_t args[2] = {i32v(1), i32v(2)}, res;
  EXPECT_ERROR(wt_func_call(s2, &add1, args, 2, &res, 1), WT_ERROR_MISUSE,
               "another store");
  EXPECT_ERROR(wt_instance_func(s2, &i1, "add", &add1), WT_ERROR_MISUSE,
               "another store");
  /* A store that has made nothing yet is "another store" too. */
  wt_store_t *fresh;
  OK(wt_store_new(engine, NULL, NULL, &fresh));
  EXPECT_ERROR(wt_func_call(fresh, &add1, args, 2, &res, 1), WT_ERROR_MISUSE,
               "another store");
  wt_store_delete(fresh);
  wt_store_delete(s1);
  /* Handles of a deleted store are rejected by any live store. */
  EXPECT_ERROR(wt_func_call(s2, &add1, args, 2, &res, 1), WT_ERROR_MISUSE,
               "another store");
  wt_store_delete(s2);
  wt_engine_delete(engine);
}

Test(call, objects_of_different_engines_are_misuse) {
  wt_engine_t *a = engine_from(NULL), *b = engine_from(NULL);
  wt_module_t *m = compile(a, add_wat);
  wt_linker_t *l;
  OK(wt_linker_new(b, &l));
  wt_store_t *s;
  OK(wt_store_new(b, NULL, NULL, &s));
  wt_instance_t inst;
  EXPECT_ERROR(wt_linker_instantiate(l, s, m, &inst), WT_ERROR_MISUSE,
               "different engines");
  wt_store_delete(s);
  wt_linker_delete(l);
  wt_module_delete(m);
  wt_engine_delete(a);
  wt_engine_delete(b);
}

static int data_freed;
static void free_data(void *p) {
  data_freed++;
  free(p);
}

Test(call, store_data_and_finalizer_run_once) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  int *data = malloc(sizeof *data);
  *data = 9;
  data_freed = 0;
  OK(wt_store_new(engine, data, free_data, &store));
  cr_assert_eq(wt_store_data(store), data);
  wt_store_delete(store);
  cr_assert_eq(data_freed, 1);
  wt_store_delete(NULL);
  cr_assert_null(wt_store_data(NULL));
  EXPECT_ERROR(wt_store_new(NULL, NULL, NULL, &store), WT_ERROR_MISUSE,
               "engine");
  wt_engine_delete(engine);
}

static wt_error_t *delete_own_store(void *env, wt_caller_t *caller,
                                    const wt_val_t *args, size_t nargs,
                                    wt_val_t *results, size_t nresults) {
  wt_store_delete(wt_caller_store(caller));
  return NULL;
}

Test(call, deleting_store_inside_host_call_is_deferred) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  OK(wt_linker_define_func(linker, "m", "del", "", delete_own_store, NULL,
                           NULL));
  wt_module_t *m = compile(engine, "(module (import \"m\" \"del\" (func $d))"
                                   " (func (export \"f\") (call $d)))");
  wt_store_t *store;
  data_freed = 0;
  OK(wt_store_new(engine, malloc(1), free_data, &store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  EXPECT_ERROR(wt_instance_call(store, &inst, "f", NULL, 0, NULL, 0),
               WT_ERROR_MISUSE, "deleted during a call");
  cr_assert_eq(data_freed, 1); /* freed once the call returned */
  wt_module_delete(m);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(call, module_from_binary_and_wat_bytes) {
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

static wt_error_t *count_calls(void *env, wt_caller_t *caller,
                               const wt_val_t *args, size_t nargs,
                               wt_val_t *results, size_t nresults) {
  ++*(int *)env;
  return NULL;
}

Test(call, extra_arguments_are_misuse_naming_signature) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(
      engine,
      "(module (func (export \"add\") (param i32 i32) (result i32)"
      "   (i32.add (local.get 0) (local.get 1)))"
      " (func (export \"none\")))",
      &store);
  wt_func_t add, none;
  OK(wt_instance_func(store, &inst, "add", &add));
  OK(wt_instance_func(store, &inst, "none", &none));
  wt_val_t args[3] = {i32v(1), i32v(2), i32v(3)}, res;
  EXPECT_ERROR(wt_func_call(store, &add, args, 3, &res, 1), WT_ERROR_MISUSE,
               "wt_func_call: got 3 arguments");
  EXPECT_ERROR(wt_func_call(store, &add, args, 3, &res, 1), WT_ERROR_MISUSE,
               "(func (param i32 i32) (result i32))");
  EXPECT_ERROR(wt_instance_call(store, &inst, "add", args, 3, &res, 1),
               WT_ERROR_MISUSE, "(func (param i32 i32) (result i32))");
  /* One argument for a function that takes none. */
  EXPECT_ERROR(wt_func_call(store, &none, args, 1, NULL, 0), WT_ERROR_MISUSE,
               "for (func)");
  /* A host function is not run when given too many. */
  const wt_functype_t *ft;
  OK(wt_functype_parse(engine, "i32", &ft));
  int calls = 0;
  wt_func_t host;
  OK(wt_func_new(store, ft, count_calls, &calls, NULL, &host));
  EXPECT_ERROR(wt_func_call(store, &host, args, 2, NULL, 0), WT_ERROR_MISUSE,
               "(func (param i32))");
  cr_assert_eq(calls, 0);
  OK(wt_func_call(store, &host, args, 1, NULL, 0));
  cr_assert_eq(calls, 1);
  OK(wt_func_call(store, &add, args, 2, &res, 1));
  cr_assert_eq(res.of.i32, 3);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

/* One exported function per parameter kind, each returning 1. */
static const char *param_kinds_wat =
    "(module"
    " (func (export \"i32\") (param i32) (result i32) (i32.const 1))"
    " (func (export \"i64\") (param i64) (result i32) (i32.const 1))"
    " (func (export \"f32\") (param f32) (result i32) (i32.const 1))"
    " (func (export \"f64\") (param f64) (result i32) (i32.const 1))"
    " (func (export \"v128\") (param v128) (result i32) (i32.const 1))"
    " (func (export \"funcref\") (param funcref) (result i32) (i32.const 1))"
    " (func (export \"externref\") (param externref) (result i32)"
    "   (i32.const 1))"
    " (func (export \"pair\") (param i32 f32) (result i32) (i32.const 1)))";

Test(call, every_wrong_value_kind_is_misuse_naming_the_argument) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, param_kinds_wat, &store);
  /* A value of each kind; the funcref and externref are real (not null). */
  wt_val_t vals[WT_EXNREF + 1];
  memset(vals, 0, sizeof vals);
  for (wt_valkind_t k = 0; k <= WT_EXNREF; k++)
    vals[k].kind = k;
  vals[WT_I32].of.i32 = 1;
  vals[WT_I64].of.i64 = 1;
  vals[WT_F32].of.f32 = 1;
  vals[WT_F64].of.f64 = 1;
  OK(wt_instance_func(store, &inst, "pair", &vals[WT_FUNCREF].of.funcref));
  static int payload;
  OK(wt_externref_new(store, &payload, NULL, &vals[WT_EXTERNREF]));

  wt_func_t f;
  wt_val_t res;
  OK(wt_instance_func(store, &inst, "i32", &f));
  EXPECT_ERROR(wt_func_call(store, &f, &vals[WT_FUNCREF], 1, &res, 1),
               WT_ERROR_MISUSE, "wt_func_call: argument 0 is funcref");
  EXPECT_ERROR(wt_func_call(store, &f, &vals[WT_EXTERNREF], 1, &res, 1),
               WT_ERROR_MISUSE, "argument 0 is externref, expected i32");
  OK(wt_instance_func(store, &inst, "f32", &f));
  EXPECT_ERROR(wt_func_call(store, &f, &vals[WT_FUNCREF], 1, &res, 1),
               WT_ERROR_MISUSE, "argument 0 is funcref, expected f32");
  EXPECT_ERROR(wt_func_call(store, &f, &vals[WT_I32], 1, &res, 1),
               WT_ERROR_MISUSE, "argument 0 is i32, expected f32");
  OK(wt_instance_func(store, &inst, "i64", &f));
  EXPECT_ERROR(wt_func_call(store, &f, &vals[WT_I32], 1, &res, 1),
               WT_ERROR_MISUSE, "argument 0 is i32, expected i64");

  /* Every parameter kind against every value kind. */
  for (wt_valkind_t p = WT_I32; p <= WT_EXTERNREF; p++) {
    OK(wt_instance_func(store, &inst, wt_valkind_name(p), &f));
    for (wt_valkind_t v = 0; v <= WT_EXNREF; v++) {
      wt_error_t *err = wt_func_call(store, &f, &vals[v], 1, &res, 1);
      if (v == p) {
        cr_assert_null(err, "%s for %s: %s", wt_valkind_name(v),
                       wt_valkind_name(p), wt_error_message(err));
        cr_assert_eq(res.of.i32, 1);
        continue;
      }
      char want[128];
      snprintf(want, sizeof want,
               "wt_func_call: argument 0 is %s, expected %s, for (func (param "
               "%s) (result i32))",
               wt_valkind_name(v), wt_valkind_name(p), wt_valkind_name(p));
      cr_assert_not_null(err, "%s accepted for %s", wt_valkind_name(v),
                         wt_valkind_name(p));
      cr_assert_eq(wt_error_kind(err), WT_ERROR_MISUSE, "%s",
                   wt_error_message(err));
      cr_assert(strstr(wt_error_message(err), want), "\"%s\" lacks \"%s\"",
                wt_error_message(err), want);
      wt_error_delete(err);
    }
  }
  /* A wrong kind after a right one names its own position. */
  OK(wt_instance_func(store, &inst, "pair", &f));
  wt_val_t two[2] = {vals[WT_I32], vals[WT_EXTERNREF]};
  EXPECT_ERROR(wt_func_call(store, &f, two, 2, &res, 1), WT_ERROR_MISUSE,
               "argument 1 is externref, expected f32, for "
               "(func (param i32 f32) (result i32))");
  two[1] = vals[WT_F32];
  OK(wt_func_call(store, &f, two, 2, &res, 1));
  cr_assert_eq(res.of.i32, 1);
  wt_store_delete(store);
  wt_engine_delete(engine);
}
