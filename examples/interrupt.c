/* interrupt: stop wasm that runs too long, from a timer or another thread. */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <wt.h>

static const char *wat =
    "(module (func (export \"run\") (loop $forever (br $forever))))";

/* A watchdog: after 100 ms, advances the engine's epoch. */
static void *watchdog(void *engine) {
  struct timespec t = {0, 100 * 1000 * 1000};
  nanosleep(&t, NULL);
  puts("watchdog: interrupting");
  fflush(stdout);
  wt_engine_increment_epoch(engine);
  return NULL;
}

/* Runs the endless loop and says how it ended. */
static void run(wt_store_t *store, wt_instance_t *instance, const char *how) {
  wt_error_t *err = wt_instance_call(store, instance, "run", NULL, 0, NULL, 0);
  wt_trap_code_t code;
  if (wt_error_trap_code(err, &code) && code == WT_TRAP_INTERRUPT)
    printf("%s: wasm was interrupted\n", how);
  else
    printf("%s: unexpected: %s\n", how, wt_error_message(err));
  wt_error_delete(err);
}

int main(void) {
  wt_config_t *config = wt_config_new();
  wt_engine_t *engine = NULL;
  wt_store_t *store = NULL;
  wt_linker_t *linker = NULL;
  wt_module_t *module = NULL;
  wt_instance_t instance;
  wt_error_t *err;
  wt_config_set_epoch_interruption(config, true); /* a refusal: engine_new */
  if ((err = wt_engine_new(config, &engine)) ||
      (err = wt_store_new(engine, NULL, NULL, &store)) ||
      (err = wt_linker_new(engine, &linker)) ||
      (err = wt_module_new_wat(engine, wat, &module)) ||
      (err = wt_linker_instantiate(linker, store, module, &instance)))
    goto done;
  /* 1. Another thread decides: one epoch tick ends the call. */
  pthread_t thread;
  if ((err = wt_store_set_epoch_deadline(store, 1)))
    goto done;
  if (pthread_create(&thread, NULL, watchdog, engine) != 0) {
    err = wt_error_new("cannot start the watchdog thread");
    goto done;
  }
  run(store, &instance, "watchdog");
  pthread_join(thread, NULL);

  /* 2. A wall-clock timeout: wt ticks the epoch every millisecond. */
  if ((err = wt_store_set_timeout(store, 50)))
    goto done;
  run(store, &instance, "50 ms timeout");

done:
  if (err)
    fprintf(stderr, "error: %s\n", wt_error_message(err));
  wt_module_delete(module);
  wt_linker_delete(linker);
  wt_store_delete(store);
  wt_engine_delete(engine);
  wt_config_delete(config);
  wt_error_delete(err);
  return err ? 1 : 0;
}
