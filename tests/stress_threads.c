/*
 * Concurrency stress (a plain program, so it can run under ThreadSanitizer,
 * which Criterion's process arena does not support): threads compiling,
 * instantiating and calling at once on one engine, one store per thread,
 * with host functions, fuel, timeouts and shared atomics.
 *   stress_threads [threads] [rounds]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wt.h>

static wt_engine_t *engine;
static wt_module_t *shared_module;
static wt_linker_t *shared_linker;
static int rounds = 20;

static const char *wat =
    "(module (import \"h\" \"twice\" (func $t (param i64) (result i64)))"
    " (memory (export \"m\") 1)"
    " (func (export \"sum\") (param i32) (result i64) (local i64)"
    "   (block $d (loop $l (br_if $d (i32.eqz (local.get 0)))"
    "     (local.set 1 (i64.add (local.get 1)"
    "       (call $t (i64.extend_i32_u (local.get 0)))))"
    "     (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br $l)))"
    "   (local.get 1)))";

static wt_error_t *twice(void *env, wt_caller_t *caller, const wt_val_t *args,
                         size_t nargs, wt_val_t *results, size_t nresults) {
  results[0].of.i64 = args[0].of.i64 * 2;
  return NULL;
}

typedef struct {
  int id;
  int failures;
} worker;

static void fail(worker *w, wt_error_t *err, const char *what) {
  fprintf(stderr, "thread %d: %s: %s\n", w->id, what, wt_error_message(err));
  wt_error_delete(err);
  w->failures++;
}

static void *work(void *p) {
  worker *w = p;
  for (int r = 0; r < rounds; r++) {
    /* Compile on this thread now and then; otherwise share the module. */
    wt_module_t *module = shared_module;
    wt_error_t *err = NULL;
    if (r % 5 == w->id % 5 && (err = wt_module_new_wat(engine, wat, &module))) {
      fail(w, err, "compile");
      continue;
    }
    wt_store_t *store;
    if ((err = wt_store_new(engine, NULL, NULL, &store))) {
      fail(w, err, "store");
      continue;
    }
    wt_instance_t inst;
    if ((err = wt_store_set_fuel(store, 100000000))) {
      fail(w, err, "fuel");
    } else if ((err = wt_store_set_timeout(store, 60000))) {
      fail(w, err, "timeout");
    } else if ((err = wt_linker_instantiate(shared_linker, store, module,
                                            &inst))) {
      fail(w, err, "instantiate");
    } else {
      wt_val_t n = {.kind = WT_VAL_I32, .of.i32 = 100 + w->id}, res;
      for (int i = 0; i < 20 && !err; i++)
        err = wt_instance_call(store, &inst, "sum", &n, 1, &res, 1);
      int64_t k = 100 + w->id;
      if (err)
        fail(w, err, "call");
      else if (res.of.i64 != k * (k + 1)) {
        fprintf(stderr, "thread %d: wrong sum %lld\n", w->id,
                (long long)res.of.i64);
        w->failures++;
      }
    }
    wt_store_delete(store);
    if (module != shared_module)
      wt_module_delete(module);
  }
  return NULL;
}

int main(int argc, char **argv) {
  int nthreads = argc > 1 ? atoi(argv[1]) : 8;
  if (argc > 2)
    rounds = atoi(argv[2]);
  if (nthreads < 1 || nthreads > 64)
    nthreads = 8;
  wt_config_t *c = wt_config_new();
  wt_config_set_consume_fuel(c, true);
  wt_config_set_epoch_interruption(c, true);
  /* Compile on the calling threads (not Wasmtime's own pool): the threads
   * here are the concurrency under test. */
  wt_config_set_parallel_compilation(c, false);
  wt_error_t *err = wt_engine_new(c, &engine);
  wt_config_delete(c);
  if (!err)
    err = wt_module_new_wat(engine, wat, &shared_module);
  if (!err)
    err = wt_linker_new(engine, &shared_linker);
  if (!err)
    err = wt_linker_define_func(shared_linker, "h", "twice", "i64 -> i64",
                                twice, NULL, NULL);
  if (err) {
    fprintf(stderr, "setup: %s\n", wt_error_message(err));
    return 1;
  }
  worker ws[64];
  pthread_t ts[64];
  for (int i = 0; i < nthreads; i++) {
    ws[i] = (worker){i, 0};
    pthread_create(&ts[i], NULL, work, &ws[i]);
  }
  int failed = 0;
  for (int i = 0; i < nthreads; i++) {
    pthread_join(ts[i], NULL);
    failed += ws[i].failures != 0;
  }
  wt_linker_delete(shared_linker);
  wt_module_delete(shared_module);
  wt_engine_delete(engine);
  printf("stress: %d passed, %d failed\n", nthreads - failed, failed);
  return failed ? 1 : 0;
}
