/* The deleted-store rule of host calls (docs/design.md, "Calls"), for each
 * kind of host trampoline: numeric (a wt_val_t callback of numbers only),
 * generic (a wt_val_t callback with references) and raw
 * (wt_linker_define_func_raw), and for a host function of wt_func_new.
 *
 *   - a callback that deletes its own store makes the call trap at once:
 *     wasm calls the host function twice, the second call never happens;
 *   - a callback is not called while its store waits to be freed (here an
 *     epoch deadline callback deletes the store before wasm calls the host,
 *     which stops wasm at once by the same rule);
 *   - a callback that deletes its store and fails keeps its own error;
 * and in every case the outer call returns, the store is freed exactly once
 * (its data's finalizer runs once), and so are the host function's env and
 * the externref passed through. */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

typedef enum { NUMERIC, GENERIC, RAW } host_kind;

typedef enum {
  DELETE_IN_CALLBACK, /* the callback deletes its store */
  DELETED_BEFORE,     /* the store is deleted before the callback */
  DELETE_AND_FAIL,    /* the callback deletes its store and fails */
} scenario;

/* What the callbacks saw; each test runs in its own process. */
static struct {
  scenario what;
  int calls;
  int env_freed, data_freed, ref_freed;
} seen;

static void env_freed(void *p) { seen.env_freed++; }
static void data_freed(void *p) { seen.data_freed++; }
static void ref_freed(void *p) { seen.ref_freed++; }

/* The part every callback shares. */
static wt_error_t *host_body(wt_caller_t *caller) {
  seen.calls++;
  wt_store_t *store = wt_caller_store(caller);
  cr_assert_not_null(store);
  wt_store_delete(store);
  /* The store is being deleted: it refuses further use at once. */
  EXPECT_ERROR(wt_store_gc(store), WT_ERROR_MISUSE, "being deleted");
  if (seen.what == DELETE_AND_FAIL)
    return wt_error_new("the callback's own error");
  return NULL;
}

static wt_error_t *typed_cb(void *env, wt_caller_t *caller,
                            const wt_val_t *args, size_t nargs,
                            wt_val_t *results, size_t nresults) {
  cr_assert_eq(nargs, 1);
  cr_assert_eq(nresults, 1);
  results[0].of.i32 = 7;
  return host_body(caller);
}

static wt_error_t *raw_cb(void *env, wt_caller_t *caller, wt_raw_t *vals,
                          size_t nargs, size_t nresults) {
  cr_assert_eq(nargs, 1);
  cr_assert_eq(nresults, 1);
  vals[0].i32 = 7;
  return host_body(caller);
}

/* Deletes the store while wasm runs in it and asks wasm to go on, which
 * the rule refuses. */
static wt_error_t *delete_at_deadline(void *env, wt_store_t *store,
                                      uint64_t *delta) {
  wt_store_delete(store);
  *delta = 1000000;
  return NULL;
}

/* wasm that calls the host function twice. */
static const char numbers_wat[] =
    "(module (import \"h\" \"f\" (func $f (param i32) (result i32)))"
    " (func (export \"run\") (param i32) (result i32)"
    "  (drop (call $f (local.get 0)))"
    "  (call $f (local.get 0))))";
static const char refs_wat[] =
    "(module (import \"h\" \"f\" (func $f (param externref) (result i32)))"
    " (func (export \"run\") (param externref) (result i32)"
    "  (drop (call $f (local.get 0)))"
    "  (call $f (local.get 0))))";

/* Checks the outer call's error and what ran, once the call has returned. */
static void expect_outcome(wt_error_t *err, int calls) {
  if (seen.what == DELETE_AND_FAIL)
    EXPECT_ERROR(err, WT_ERROR_HOST, "the callback's own error");
  else if (seen.what == DELETED_BEFORE) /* the epoch callback stopped wasm */
    EXPECT_ERROR(err, WT_ERROR_MISUSE,
                 "epoch deadline callback: the store was deleted during a "
                 "call");
  else
    EXPECT_ERROR(err, WT_ERROR_MISUSE,
                 "host function: the store was deleted during a call");
  cr_assert_eq(seen.calls, calls, "the callback ran %d times, expected %d",
               seen.calls, calls);
  cr_assert_eq(seen.data_freed, 1, "the store was freed %d times",
               seen.data_freed);
}

static void run(host_kind kind, scenario what) {
  memset(&seen, 0, sizeof seen);
  seen.what = what;
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_epoch_interruption(c, true));
  wt_engine_t *engine = engine_from(c);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  if (kind == RAW)
    OK(wt_linker_define_func_raw(linker, "h", "f", "i32 -> i32", raw_cb,
                                 NULL, env_freed));
  else
    OK(wt_linker_define_func(linker, "h", "f",
                             kind == GENERIC ? "externref -> i32"
                                             : "i32 -> i32",
                             typed_cb, NULL, env_freed));
  wt_module_t *m = compile(engine, kind == GENERIC ? refs_wat : numbers_wat);
  wt_store_t *store;
  OK(wt_store_new(engine, &seen, data_freed, &store));
  OK(wt_store_set_epoch_deadline(store, 1000000));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  wt_func_t f;
  OK(wt_instance_func(store, &inst, "run", &f));
  wt_val_t arg = i32v(1), result;
  if (kind == GENERIC)
    OK(wt_externref_new(store, NULL, ref_freed, &arg));
  if (what == DELETED_BEFORE) {
    /* The deadline passes as "run" starts, before it calls the host. */
    OK(wt_store_set_epoch_deadline_callback(store, delete_at_deadline, NULL,
                                            NULL));
    OK(wt_store_set_epoch_deadline(store, 1));
    wt_engine_increment_epoch(engine);
    wt_engine_increment_epoch(engine);
  }
  expect_outcome(wt_func_call(store, &f, &arg, 1, &result, 1),
                 what == DELETED_BEFORE ? 0 : 1);
  if (kind == GENERIC)
    cr_assert_eq(seen.ref_freed, 1, "the externref was freed %d times",
                 seen.ref_freed);
  wt_store_delete(store); /* already freed: a no-op */
  cr_assert_eq(seen.data_freed, 1);
  wt_module_delete(m);
  wt_linker_delete(linker);
  cr_assert_eq(seen.env_freed, 1, "the host env was freed %d times",
               seen.env_freed);
  wt_engine_delete(engine);
}

Test(host, numeric_delete_in_callback_traps_at_once) {
  run(NUMERIC, DELETE_IN_CALLBACK);
}
Test(host, numeric_not_called_in_a_deleted_store) {
  run(NUMERIC, DELETED_BEFORE);
}
Test(host, numeric_delete_then_fail_keeps_the_error) {
  run(NUMERIC, DELETE_AND_FAIL);
}

Test(host, generic_delete_in_callback_traps_at_once) {
  run(GENERIC, DELETE_IN_CALLBACK);
}
Test(host, generic_not_called_in_a_deleted_store) {
  run(GENERIC, DELETED_BEFORE);
}
Test(host, generic_delete_then_fail_keeps_the_error) {
  run(GENERIC, DELETE_AND_FAIL);
}

Test(host, raw_delete_in_callback_traps_at_once) {
  run(RAW, DELETE_IN_CALLBACK);
}
Test(host, raw_not_called_in_a_deleted_store) { run(RAW, DELETED_BEFORE); }
Test(host, raw_delete_then_fail_keeps_the_error) {
  run(RAW, DELETE_AND_FAIL);
}

/* A function of wt_func_new, called from C: the same rule, and its env goes
 * with the store. */
Test(host, store_func_delete_in_callback) {
  memset(&seen, 0, sizeof seen);
  seen.what = DELETE_IN_CALLBACK;
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, &seen, data_freed, &store));
  const wt_functype_t *ft;
  OK(wt_functype_parse(engine, "i32 -> i32", &ft));
  wt_func_t f;
  OK(wt_func_new(store, ft, typed_cb, NULL, env_freed, &f));
  wt_val_t arg = i32v(1), result;
  expect_outcome(wt_func_call(store, &f, &arg, 1, &result, 1), 1);
  cr_assert_eq(seen.env_freed, 1);
  wt_engine_delete(engine);
}
