/*
 * Concurrency stress (a plain program, so it can run under ThreadSanitizer,
 * which Criterion's process arena does not support): threads compiling,
 * instantiating and calling at once on one engine, one store per thread,
 * with host functions, fuel, timeouts and shared atomics; and, on every
 * thread at once, stores deleted from their own host functions and from
 * finalizers (externrefs' in a GC and in teardown, the store data's, host
 * functions', the epoch callback's), stale pointers deleted again, and
 * errors and WASI configs made and deleted twice.
 *   stress_threads [threads] [rounds]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wt.h>

static wt_engine_t *engine;
static wt_module_t *shared_module;
static wt_linker_t *shared_linker;
static wt_module_t *del_module; /* calls a host function that deletes */
static wt_linker_t *del_linker;
static int rounds = 20;

/* Finalizers run, counted across threads; each must run exactly once. */
static atomic_int finalizers_due, finalizers_run;

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

static void fail(worker *w, wt_error_t *err, const char *what);

static const char *del_wat =
    "(module (import \"h\" \"del\" (func $d))"
    " (func (export \"run\") (call $d) (call $d)))";

/* Deletes its own store from inside the call (the delete is deferred). */
static wt_error_t *del_self(void *env, wt_caller_t *caller,
                            const wt_val_t *args, size_t nargs,
                            wt_val_t *results, size_t nresults) {
  wt_store_delete(wt_caller_store(caller));
  return NULL;
}

/* What a finalizer is given: its store, and what to do with it. */
typedef struct {
  wt_store_t *store;
  bool delete_store;
} fin_env;

/* A finalizer that uses its store (refused, or a deferred delete), deletes
 * an error twice and counts itself. */
static void finalize(void *p) {
  fin_env *f = p;
  wt_val_t v;
  wt_error_t *err = wt_externref_new(f->store, NULL, NULL, &v);
  if (err && wt_error_kind(err) != WT_ERROR_MISUSE)
    fprintf(stderr, "finalizer: %s\n", wt_error_message(err));
  wt_error_delete(err);
  wt_error_delete(err);
  if (f->delete_store)
    wt_store_delete(f->store);
  free(f);
  atomic_fetch_add(&finalizers_run, 1);
}

static fin_env *fin_new(wt_store_t *store, bool delete_store) {
  fin_env *f = malloc(sizeof *f);
  f->store = store;
  f->delete_store = delete_store;
  atomic_fetch_add(&finalizers_due, 1);
  return f;
}

static wt_error_t *tick(void *env, wt_store_t *store, uint64_t *delta) {
  return NULL;
}
static wt_error_t *noop(void *env, wt_caller_t *caller, const wt_val_t *args,
                        size_t nargs, wt_val_t *results, size_t nresults) {
  return NULL;
}

/* One round of deletes from callbacks and finalizers; false on failure. */
static bool deletes_round(worker *w) {
  wt_store_t *store;
  wt_error_t *err;
  /* A store deleted by its own host function: the call fails as misuse. */
  if ((err = wt_store_new(engine, NULL, NULL, &store))) {
    fail(w, err, "store");
    return false;
  }
  wt_instance_t inst;
  if ((err = wt_store_set_fuel(store, 1000000)) ||
      (err = wt_store_set_timeout(store, 60000)) ||
      (err = wt_linker_instantiate(del_linker, store, del_module, &inst))) {
    fail(w, err, "instantiate");
    wt_store_delete(store);
    return false;
  }
  err = wt_instance_call(store, &inst, "run", NULL, 0, NULL, 0);
  if (!err || wt_error_kind(err) != WT_ERROR_MISUSE) {
    fail(w, err, "a call that deleted its store");
    return false;
  }
  wt_error_delete(err);
  wt_store_delete(store); /* stale: ignored */

  /* A store deleted by an externref's finalizer in wt_store_gc, with the
   * store data's, a host function's and the epoch callback's finalizers
   * run by that deletion. */
  if ((err = wt_store_new(engine, NULL, NULL, &store))) {
    fail(w, err, "store");
    return false;
  }
  const wt_functype_t *type = NULL;
  wt_func_t f;
  wt_val_t ref, kept;
  if ((err = wt_store_set_data(store, fin_new(store, true), finalize)) ||
      (err = wt_store_set_epoch_deadline_callback(
           store, tick, fin_new(store, true), finalize)) ||
      (err = wt_functype_parse(engine, "->", &type)) ||
      (err = wt_func_new(store, type, noop, fin_new(store, true), finalize,
                         &f)) ||
      (err = wt_externref_new(store, fin_new(store, false), finalize,
                              &kept)) ||
      (err = wt_externref_new(store, fin_new(store, true), finalize, &ref))) {
    fail(w, err, "finalizers");
    wt_store_delete(store);
    return false;
  }
  wt_ref_release(store, &ref);
  if ((err = wt_store_gc(store))) {
    fail(w, err, "gc");
    return false;
  }
  /* The finalizer deleted the store: it is gone now. */
  if (!(err = wt_store_set_fuel(store, 1)) ||
      wt_error_kind(err) != WT_ERROR_MISUSE) {
    fail(w, err, "a store deleted in a GC");
    return false;
  }
  wt_error_delete(err);
  wt_store_delete(store);

  /* Errors and WASI configs deleted twice. */
  wt_error_t *e = wt_error_new("twice");
  wt_error_delete(e);
  wt_error_delete(e);
  wt_wasi_t *wasi = wt_wasi_new();
  wt_wasi_delete(wasi);
  wt_wasi_delete(wasi);
  if (wt_wasi_inherit_stdio(wasi)) {
    fprintf(stderr, "thread %d: a deleted WASI config took a setting\n",
            w->id);
    return false;
  }
  return true;
}

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
    if (!deletes_round(w))
      w->failures++;
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
  if (!err)
    err = wt_module_new_wat(engine, del_wat, &del_module);
  if (!err)
    err = wt_linker_new(engine, &del_linker);
  if (!err)
    err = wt_linker_define_func(del_linker, "h", "del", "->", del_self, NULL,
                                NULL);
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
  wt_linker_delete(del_linker);
  wt_module_delete(del_module);
  wt_engine_delete(engine);
  if (atomic_load(&finalizers_run) != atomic_load(&finalizers_due)) {
    fprintf(stderr, "%d finalizers ran of %d\n", atomic_load(&finalizers_run),
            atomic_load(&finalizers_due));
    failed++;
  }
  printf("stress: %d passed, %d failed\n", nthreads - failed, failed);
  return failed ? 1 : 0;
}
