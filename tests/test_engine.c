/* wt_engine_t: creation, ownership of the config, epochs, Pulley, and
 * precompiled-module compatibility. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasmtime.h>

#include "helpers.h"

static const char *add_wat =
    "(module (func (export \"add\") (param i32 i32) (result i32)"
    " (i32.add (local.get 0) (local.get 1))))";

static int32_t add_in(wt_engine_t *engine, int32_t a, int32_t b) {
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, add_wat, &store);
  wt_val_t args[2] = {i32v(a), i32v(b)}, res;
  OK(wt_instance_call(store, &inst, "add", args, 2, &res, 1));
  wt_store_delete(store);
  return res.of.i32;
}

Test(engine, default_engine_runs_wasm) {
  wt_engine_t *engine = NULL;
  OK(wt_engine_new(NULL, &engine));
  cr_assert_not_null(engine);
  cr_assert_eq(add_in(engine, 40, 2), 42);
  cr_assert_not(wt_engine_is_pulley(engine));
  wt_engine_delete(engine);
}

Test(engine, config_stays_callers_and_can_be_reused) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_consume_fuel(c, true));
  wt_engine_t *a = NULL, *b = NULL;
  OK(wt_engine_new(c, &a));
  OK(wt_engine_new(c, &b)); /* the same config again */
  wt_config_delete(c);      /* engines outlive it */
  wt_store_t *s;
  OK(wt_store_new(b, NULL, NULL, &s));
  OK(wt_store_set_fuel(s, 7)); /* fuel is on: the setting was applied */
  uint64_t fuel = 0;
  OK(wt_store_fuel(s, &fuel));
  cr_assert_eq(fuel, 7);
  wt_store_delete(s);
  wt_engine_delete(a);
  wt_engine_delete(b);
}

Test(engine, engine_may_be_deleted_before_its_store_and_module) {
  wt_engine_t *engine = NULL;
  OK(wt_engine_new(NULL, &engine));
  wt_module_t *m = compile(engine, add_wat);
  wt_linker_t *l;
  OK(wt_linker_new(engine, &l));
  wt_store_t *s;
  OK(wt_store_new(engine, NULL, NULL, &s));
  wt_engine_delete(engine);
  wt_instance_t inst;
  OK(wt_linker_instantiate(l, s, m, &inst));
  wt_val_t args[2] = {i32v(1), i32v(2)}, res;
  OK(wt_instance_call(s, &inst, "add", args, 2, &res, 1));
  cr_assert_eq(res.of.i32, 3);
  wt_store_delete(s);
  wt_linker_delete(l);
  wt_module_delete(m);
}

Test(engine, null_out_and_dead_config_are_misuse) {
  EXPECT_ERROR(wt_engine_new(NULL, NULL), WT_ERROR_MISUSE, "wt_engine_new");
  char fake[64] = {0};
  wt_engine_t *e = NULL;
  EXPECT_ERROR(wt_engine_new((wt_config_t *)fake, &e), WT_ERROR_MISUSE,
               "config");
  cr_assert_null(e);
}

Test(engine, increment_epoch_interrupts_after_deadline) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_epoch_interruption(c, true));
  wt_engine_t *engine = engine_from(c);
  wt_store_t *store;
  wt_instance_t inst = instantiate(
      engine, "(module (func (export \"f\") (result i32) (i32.const 7)))",
      &store);
  wt_val_t res;
  OK(wt_store_set_epoch_deadline(store, 2));
  wt_engine_increment_epoch(engine);
  OK(wt_instance_call(store, &inst, "f", NULL, 0, &res, 1)); /* 1 < 2 */
  cr_assert_eq(res.of.i32, 7);
  wt_engine_increment_epoch(engine);
  expect_trap(wt_instance_call(store, &inst, "f", NULL, 0, &res, 1),
              WT_TRAP_INTERRUPT);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(engine, increment_epoch_ignores_null) {
  wt_engine_increment_epoch(NULL);
  cr_assert_not(wt_engine_is_pulley(NULL));
  wt_engine_delete(NULL);
}

Test(engine, pulley_engine_runs_wasm) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_target(c, "pulley64"));
  wt_engine_t *engine = engine_from(c);
  cr_assert(wt_engine_is_pulley(engine));
  cr_assert_eq(add_in(engine, 20, 22), 42);
  wt_engine_delete(engine);
}

static void serialize_add(wt_engine_t *engine, uint8_t **bytes, size_t *len) {
  wt_module_t *m = compile(engine, add_wat);
  OK(wt_module_serialize(m, bytes, len));
  wt_module_delete(m);
}

Test(engine, precompiled_compatible_with_same_settings) {
  wt_engine_t *a = engine_from(NULL), *b = engine_from(NULL);
  uint8_t *bytes;
  size_t len;
  serialize_add(a, &bytes, &len);
  OK(wt_engine_check_precompiled(b, bytes, len));
  wt_module_t *m = NULL;
  OK(wt_module_deserialize(b, bytes, len, &m));
  wt_module_delete(m);
  free(bytes);
  wt_engine_delete(a);
  wt_engine_delete(b);
}

Test(engine, precompiled_incompatible_settings_rejected) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_consume_fuel(c, true));
  wt_engine_t *fuel = engine_from(c), *plain = engine_from(NULL);
  uint8_t *bytes;
  size_t len;
  serialize_add(fuel, &bytes, &len);
  wt_error_t *err =
      EXPECT_KIND(wt_engine_check_precompiled(plain, bytes, len),
                  WT_ERROR_COMPILE);
  cr_assert(strstr(wt_error_message(err), "fuel") != NULL, "%s",
            wt_error_message(err));
  wt_error_delete(err);
  free(bytes);
  wt_engine_delete(fuel);
  wt_engine_delete(plain);
}

Test(engine, precompiled_pulley_vs_native_rejected) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_target(c, "pulley64"));
  wt_engine_t *pulley = engine_from(c), *native = engine_from(NULL);
  uint8_t *bytes;
  size_t len;
  serialize_add(pulley, &bytes, &len);
  wt_error_delete(EXPECT_KIND(wt_engine_check_precompiled(native, bytes, len),
                              WT_ERROR_COMPILE));
  free(bytes);
  wt_engine_delete(pulley);
  wt_engine_delete(native);
}

Test(engine, precompiled_garbage_and_truncation_rejected) {
  wt_engine_t *engine = engine_from(NULL);
  const uint8_t junk[] = "definitely not a precompiled module";
  wt_error_delete(EXPECT_KIND(
      wt_engine_check_precompiled(engine, junk, sizeof junk), WT_ERROR_COMPILE));
  uint8_t *bytes;
  size_t len;
  serialize_add(engine, &bytes, &len);
  wt_error_delete(EXPECT_KIND(wt_engine_check_precompiled(engine, bytes, len / 2),
                              WT_ERROR_COMPILE));
  free(bytes);
  EXPECT_ERROR(wt_engine_check_precompiled(engine, NULL, 0), WT_ERROR_MISUSE,
               "bytes");
  EXPECT_ERROR(wt_engine_check_precompiled(NULL, junk, 1), WT_ERROR_MISUSE,
               "engine");
  wt_engine_delete(engine);
}

/* The number N of the line "#define WT_VERSION_<part> N" in `text`. */
static int version_part(const char *text, const char *part) {
  char key[64];
  snprintf(key, sizeof key, "\n#define WT_VERSION_%s ", part);
  const char *at = strstr(text, key);
  cr_assert_not_null(at, "version.h has no \"%s\"", key + 1);
  return atoi(at + strlen(key));
}

/* wt's version is checked against the numbers of include/wt/version.h read
 * as text from the source tree (the file CMake takes the project version
 * from), and Wasmtime's against Wasmtime's own header. */
Test(engine, version_strings) {
  const char *slash = strrchr(__FILE__, '/');
  cr_assert_not_null(slash, "__FILE__ (%s) has no directory", __FILE__);
  char path[4096];
  snprintf(path, sizeof path, "%.*s/../include/wt/version.h",
           (int)(slash - __FILE__), __FILE__);
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "%s: %s", path, strerror(errno));
  static char text[16384];
  size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = 0;
  int major = version_part(text, "MAJOR"), minor = version_part(text, "MINOR"),
      patch = version_part(text, "PATCH");
  char want[64];
  snprintf(want, sizeof want, "%d.%d.%d", major, minor, patch);
  cr_assert_str_eq(wt_version(), want);
  cr_assert_str_eq(WT_VERSION_STRING, want);
  cr_assert_eq(WT_VERSION_MAJOR, major);
  cr_assert_eq(WT_VERSION_MINOR, minor);
  cr_assert_eq(WT_VERSION_PATCH, patch);
  cr_assert_eq(WT_VERSION_NUMBER, major * 10000 + minor * 100 + patch);
#if !(WT_VERSION_NUMBER >= 0)
#error "WT_VERSION_NUMBER is not usable in #if"
#endif

  cr_assert_str_eq(wt_wasmtime_version(), WASMTIME_VERSION);
  snprintf(want, sizeof want, "%d.%d.%d", WASMTIME_VERSION_MAJOR,
           WASMTIME_VERSION_MINOR, WASMTIME_VERSION_PATCH);
  cr_assert_str_eq(wt_wasmtime_version(), want);
  cr_assert_str_eq(WT_WASMTIME_VERSION, WASMTIME_VERSION);
}

Test(engine, increment_epoch_on_a_deleted_engine_is_ignored) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_epoch_interruption(c, true));
  wt_engine_t *engine = engine_from(c);
  wt_store_t *store;
  wt_instance_t inst = instantiate(
      engine, "(module (func (export \"f\") (result i32) (i32.const 7)))",
      &store);
  OK(wt_store_set_epoch_deadline(store, 1));
  /* The store keeps the engine alive, but the caller's handle is gone: the
   * increment must not reach the engine, so the deadline is not reached. */
  wt_engine_delete(engine);
  wt_engine_increment_epoch(engine);
  wt_engine_increment_epoch(engine);
  wt_val_t res;
  OK(wt_instance_call(store, &inst, "f", NULL, 0, &res, 1));
  cr_assert_eq(res.of.i32, 7);
  wt_store_delete(store);
  /* Now the engine is freed altogether; the handle is still refused. */
  wt_engine_increment_epoch(engine);
  cr_assert_not(wt_engine_is_pulley(engine));
}

/* ---- engines are made in this process, never in a forked child ---- */

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>

/* A lock another thread holds for the whole test. A forked child of this
 * process would need it (the pthread_atfork child handler takes it, as a
 * library's handler would) and would hang; the parent counts forks and
 * children that exit. */
static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static atomic_int forks, children_exited;
static atomic_bool stop_threads;

static void on_fork_prepare(void) { atomic_fetch_add(&forks, 1); }

static void on_fork_child(void) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += 10; /* a regression shows as slow, not as a hang */
  pthread_mutex_timedlock(&held, &until);
}

static void on_sigchld(int sig) {
  (void)sig;
  atomic_fetch_add(&children_exited, 1);
}

static void *hold_lock(void *arg) {
  pthread_mutex_lock(&held);
  atomic_store((atomic_bool *)arg, true);
  while (!atomic_load(&stop_threads))
    nanosleep(&(struct timespec){0, 1000000}, NULL);
  pthread_mutex_unlock(&held);
  return NULL;
}

static void *churn_malloc(void *arg) {
  (void)arg;
  void *slots[64] = {0};
  for (unsigned i = 0; !atomic_load(&stop_threads); i++) {
    unsigned k = (i * 2654435761u) % 64;
    free(slots[k]);
    slots[k] = malloc(16 + (i % 4096));
  }
  for (int k = 0; k < 64; k++)
    free(slots[k]);
  return NULL;
}

static double seconds_since(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

Test(engine, made_without_a_child_while_other_threads_hold_locks) {
  cr_assert_eq(pthread_atfork(on_fork_prepare, NULL, on_fork_child), 0);
  struct sigaction sa = {0};
  sa.sa_handler = on_sigchld;
  sigemptyset(&sa.sa_mask);
  cr_assert_eq(sigaction(SIGCHLD, &sa, NULL), 0);

  atomic_bool locked = false;
  pthread_t holder, churners[4];
  cr_assert_eq(pthread_create(&holder, NULL, hold_lock, &locked), 0);
  for (int i = 0; i < 4; i++)
    cr_assert_eq(pthread_create(&churners[i], NULL, churn_malloc, NULL), 0);
  while (!atomic_load(&locked))
    nanosleep(&(struct timespec){0, 1000000}, NULL);

  for (int round = 0; round < 10; round++) {
    /* A combination only Engine::new checks: reported, quickly. */
    wt_config_t *bad = wt_config_new();
    cr_assert(wt_config_set_async_stack_size(bad, 4096));
    wt_engine_t *e = NULL;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    wt_error_t *err = EXPECT_KIND(wt_engine_new(bad, &e), WT_ERROR_CONFIG);
    double took = seconds_since(&t0);
    cr_assert_lt(took, 0.5, "a rejected config took %.3f s", took);
    cr_assert_str_eq(wt_error_message(err),
                     "invalid configuration: max_wasm_stack size cannot "
                     "exceed the async_stack_size");
    cr_assert_null(e);
    wt_error_delete(err);
    wt_config_delete(bad);

    /* A non-default config that Wasmtime accepts: an engine that runs. */
    wt_config_t *good = wt_config_new();
    cr_assert(wt_config_set_cranelift_flag(good, "opt_level",
                                           round % 2 ? "speed" : "none"));
    cr_assert(wt_config_set_max_wasm_stack(good, (size_t)(256 + round) << 10));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    OK(wt_engine_new(good, &e));
    took = seconds_since(&t0);
    cr_assert_lt(took, 0.5, "an engine took %.3f s", took);
    wt_config_delete(good);
    cr_assert_eq(add_in(e, round, 1), round + 1);
    wt_engine_delete(e);
  }

  atomic_store(&stop_threads, true);
  pthread_join(holder, NULL);
  for (int i = 0; i < 4; i++)
    pthread_join(churners[i], NULL);
  cr_assert_eq(atomic_load(&forks), 0, "%d fork(s)", atomic_load(&forks));
  cr_assert_eq(atomic_load(&children_exited), 0, "%d child(ren) exited",
               atomic_load(&children_exited));
}
