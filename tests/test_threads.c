/* Threads: one engine and module shared by many threads, each with its own
 * store; a shared memory used by two threads with atomics. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

static const char *work_wat =
    "(module (func (export \"sum\") (param i32) (result i64) (local i64)"
    "   (block $done (loop $l"
    "     (br_if $done (i32.eqz (local.get 0)))"
    "     (local.set 1 (i64.add (local.get 1) (i64.extend_i32_u"
    "       (local.get 0))))"
    "     (local.set 0 (i32.sub (local.get 0) (i32.const 1)))"
    "     (br $l)))"
    "   (local.get 1)))";

typedef struct {
  wt_engine_t *engine;
  wt_module_t *module;
  wt_linker_t *linker;
  int index;
  int64_t result;
  int failures;
} worker;

static void *work(void *p) {
  worker *w = p;
  for (int round = 0; round < 20; round++) {
    wt_store_t *store;
    wt_instance_t inst;
    wt_error_t *err = wt_store_new(w->engine, NULL, NULL, &store);
    if (!err)
      err = wt_linker_instantiate(w->linker, store, w->module, &inst);
    wt_val_t arg = {.kind = WT_VAL_I32, .of.i32 = 1000 + w->index}, res;
    for (int i = 0; !err && i < 50; i++)
      err = wt_instance_call(store, &inst, "sum", &arg, 1, &res, 1);
    if (err) {
      w->failures++;
      wt_error_delete(err);
    } else {
      w->result = res.of.i64;
    }
    wt_store_delete(store);
  }
  return NULL;
}

Test(threads, eight_threads_share_an_engine_and_a_module) {
  wt_engine_t *engine = engine_from(NULL);
  wt_module_t *module = compile(engine, work_wat);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  worker ws[8];
  pthread_t ts[8];
  for (int i = 0; i < 8; i++) {
    ws[i] = (worker){engine, module, linker, i, 0, 0};
    cr_assert_eq(pthread_create(&ts[i], NULL, work, &ws[i]), 0);
  }
  for (int i = 0; i < 8; i++) {
    pthread_join(ts[i], NULL);
    int64_t n = 1000 + i;
    cr_assert_eq(ws[i].failures, 0, "thread %d failed", i);
    cr_assert_eq(ws[i].result, n * (n + 1) / 2, "thread %d", i);
  }
  wt_linker_delete(linker);
  wt_module_delete(module);
  wt_engine_delete(engine);
}

static void *compile_many(void *p) {
  worker *w = p;
  for (int i = 0; i < 10; i++) {
    wt_module_t *m;
    wt_error_t *err = wt_module_new_wat(w->engine, work_wat, &m);
    if (err) {
      w->failures++;
      wt_error_delete(err);
      continue;
    }
    wt_module_delete(m);
  }
  return NULL;
}

Test(threads, concurrent_compilation_on_one_engine) {
  wt_engine_t *engine = engine_from(NULL);
  worker ws[4];
  pthread_t ts[4];
  for (int i = 0; i < 4; i++) {
    ws[i] = (worker){engine, NULL, NULL, i, 0, 0};
    cr_assert_eq(pthread_create(&ts[i], NULL, compile_many, &ws[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(ts[i], NULL);
    cr_assert_eq(ws[i].failures, 0);
  }
  wt_engine_delete(engine);
}

static const char *atomic_wat =
    "(module (import \"env\" \"mem\" (memory 1 1 shared))"
    " (func (export \"bump\") (param i32) (local i32)"
    "   (block $done (loop $l"
    "     (br_if $done (i32.ge_u (local.get 1) (local.get 0)))"
    "     (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))"
    "     (local.set 1 (i32.add (local.get 1) (i32.const 1)))"
    "     (br $l)))))";

typedef struct {
  wt_engine_t *engine;
  wt_module_t *module;
  wt_shared_memory_t *mem;
  int failures;
} bumper;

static void *bump(void *p) {
  bumper *b = p;
  wt_store_t *store;
  wt_linker_t *linker;
  wt_instance_t inst;
  wt_error_t *err = wt_store_new(b->engine, NULL, NULL, &store);
  if (!err)
    err = wt_linker_new(b->engine, &linker);
  wt_extern_t item = {.kind = WT_EXTERN_SHARED_MEMORY,
                      .of.shared_memory = b->mem};
  if (!err)
    err = wt_linker_define(linker, store, "env", "mem", &item);
  if (!err)
    err = wt_linker_instantiate(linker, store, b->module, &inst);
  wt_val_t n = {.kind = WT_VAL_I32, .of.i32 = 100000};
  if (!err)
    err = wt_instance_call(store, &inst, "bump", &n, 1, NULL, 0);
  if (err) {
    b->failures++;
    wt_error_delete(err);
  }
  wt_linker_delete(linker);
  wt_store_delete(store);
  return NULL;
}

Test(threads, shared_memory_atomics_from_two_threads) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_wasm_threads(c, true));
  cr_assert(wt_config_set_wasm_shared_memory(c, true));
  wt_engine_t *engine = engine_from(c);
  wt_module_t *module = compile(engine, atomic_wat);
  wt_memorytype_t mt = {.min = 1, .has_max = true, .max = 1, .shared = true,
                        .page_size_log2 = 16};
  wt_shared_memory_t *mem;
  OK(wt_shared_memory_new(engine, &mt, &mem));
  bumper bs[2] = {{engine, module, mem, 0}, {engine, module, mem, 0}};
  pthread_t ts[2];
  for (int i = 0; i < 2; i++)
    cr_assert_eq(pthread_create(&ts[i], NULL, bump, &bs[i]), 0);
  for (int i = 0; i < 2; i++) {
    pthread_join(ts[i], NULL);
    cr_assert_eq(bs[i].failures, 0);
  }
  uint32_t total;
  OK(wt_shared_memory_read(mem, 0, &total, 4));
  cr_assert_eq(total, 200000, "lost updates: %u", total);
  wt_shared_memory_delete(mem);
  wt_module_delete(module);
  wt_engine_delete(engine);
}

typedef struct {
  wt_store_t *store;
  wt_instance_t inst;
  atomic_int state; /* 1: the spinning call has started */
} shared_store;

static void *spin_in_store(void *p) {
  shared_store *s = p;
  atomic_store(&s->state, 1);
  wt_error_t *err = wt_instance_call(s->store, &s->inst, "spin", NULL, 0,
                                     NULL, 0);
  wt_error_delete(err); /* interrupted by its timeout */
  return NULL;
}

Test(threads, a_second_thread_in_a_running_store_is_misuse) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_epoch_interruption(c, true));
  wt_engine_t *engine = engine_from(c);
  shared_store s;
  s.inst = instantiate(engine,
                       "(module (func (export \"spin\") (loop $l (br $l)))"
                       " (func (export \"one\") (result i32) (i32.const 1)))",
                       &s.store);
  atomic_init(&s.state, 0);
  OK(wt_store_set_timeout(s.store, 1000));
  pthread_t t;
  cr_assert_eq(pthread_create(&t, NULL, spin_in_store, &s), 0);
  while (atomic_load(&s.state) == 0)
    ;
  usleep(100000); /* the other thread is now inside wasm */
  wt_val_t r;
  EXPECT_ERROR(wt_instance_call(s.store, &s.inst, "one", NULL, 0, &r, 1),
               WT_ERROR_MISUSE, "running wasm on another thread");
  pthread_join(t, NULL);
  /* Once it is done, this thread may use the store (with a new deadline:
   * the old one has passed). */
  OK(wt_store_set_timeout(s.store, 1000));
  OK(wt_instance_call(s.store, &s.inst, "one", NULL, 0, &r, 1));
  wt_store_delete(s.store);
  wt_engine_delete(engine);
}
