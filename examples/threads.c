/* threads: one engine and one compiled module shared by several threads,
 * each with its own store (a store is used by one thread at a time). */
#include <pthread.h>
#include <stdio.h>
#include <wt.h>

#define N_THREADS 4

static const char *wat =
    "(module (import \"\" \"id\" (func $id (result i32)))\n"
    "  (func (export \"square\") (result i32)\n"
    "    (i32.mul (call $id) (call $id))))";

static wt_engine_t *engine;
static wt_module_t *module;
static wt_linker_t *linker;

/* The host function returns the calling thread's number (its store data). */
static wt_error_t *id(void *env, wt_caller_t *caller, const wt_val_t *args,
                      size_t nargs, wt_val_t *results, size_t nresults) {
  results[0].of.i32 = *(int *)wt_store_data(wt_caller_store(caller));
  return NULL;
}

typedef struct {
  int number;
  int32_t result;
  wt_error_t *err;
} job;

static void *run(void *p) {
  job *j = p;
  wt_store_t *store = NULL;
  wt_instance_t instance;
  wt_val_t r;
  if (!(j->err = wt_store_new(engine, &j->number, NULL, &store)) &&
      !(j->err = wt_linker_instantiate(linker, store, module, &instance)) &&
      !(j->err = wt_instance_call(store, &instance, "square", NULL, 0, &r, 1)))
    j->result = r.of.i32;
  wt_store_delete(store);
  return NULL;
}

int main(void) {
  wt_error_t *err;
  int failed = 0;
  if ((err = wt_engine_new(NULL, &engine)) ||
      (err = wt_module_new_wat(engine, wat, &module)) ||
      (err = wt_linker_new(engine, &linker)) ||
      (err = wt_linker_define_func(linker, "", "id", "-> i32", id, NULL, NULL))) {
    fprintf(stderr, "error: %s\n", wt_error_message(err));
    wt_error_delete(err);
    failed = 1;
    goto done;
  }
  job jobs[N_THREADS];
  pthread_t threads[N_THREADS];
  int started = 0;
  for (; started < N_THREADS; started++) {
    jobs[started] = (job){started + 1, 0, NULL};
    if (pthread_create(&threads[started], NULL, run, &jobs[started]) != 0) {
      fprintf(stderr, "thread %d: cannot start\n", started + 1);
      failed = 1;
      break;
    }
  }
  for (int i = 0; i < started; i++) {
    pthread_join(threads[i], NULL);
    if (jobs[i].err) {
      fprintf(stderr, "thread %d: %s\n", i + 1, wt_error_message(jobs[i].err));
      wt_error_delete(jobs[i].err);
      failed = 1;
    } else {
      printf("thread %d: square = %d\n", jobs[i].number, jobs[i].result);
    }
  }
done:
  wt_linker_delete(linker);
  wt_module_delete(module);
  wt_engine_delete(engine);
  return failed;
}
