/* wt_engine_t, and the validation that keeps a bad config from aborting. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/*
 * Wasmtime's C API creates an engine with `Engine::new(&config).unwrap()`:
 * a configuration it rejects aborts the process. wt therefore tries a
 * non-default configuration first in a forked child, which may abort
 * harmlessly, and reads Wasmtime's message from the child's stderr. Keys of
 * configurations that passed are remembered so each is tried only once per
 * process.
 */
typedef struct valid_key {
  struct valid_key *next;
  size_t len;
  char key[];
} valid_key;

static pthread_mutex_t valid_lock = PTHREAD_MUTEX_INITIALIZER;
static valid_key *valid_keys;

static bool key_known(const char *key, size_t len) {
  bool found = false;
  pthread_mutex_lock(&valid_lock);
  for (valid_key *k = valid_keys; k && !found; k = k->next)
    found = k->len == len && memcmp(k->key, key, len) == 0;
  pthread_mutex_unlock(&valid_lock);
  return found;
}

static void key_remember(const char *key, size_t len) {
  valid_key *k = malloc(sizeof *k + len);
  if (!k)
    return;
  k->len = len;
  memcpy(k->key, key, len);
  pthread_mutex_lock(&valid_lock);
  k->next = valid_keys;
  valid_keys = k;
  pthread_mutex_unlock(&valid_lock);
}

/* Extracts Wasmtime's error from a Rust panic report. */
static char *panic_message(const char *out) {
  const char *marker = "`Err` value: ";
  const char *p = strstr(out, marker);
  if (p)
    p += strlen(marker);
  else if ((p = strstr(out, "panicked at ")) != NULL) {
    p = strchr(p, '\n');
    p = p ? p + 1 : out;
  } else
    p = out;
  const char *end = p + strlen(p);
  const char *stops[] = {"\nnote: ", "\nstack backtrace:", "\nthread '"};
  for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++) {
    const char *s = strstr(p, stops[i]);
    if (s && s < end)
      end = s;
  }
  while (end > p && (end[-1] == '\n' || end[-1] == ' '))
    end--;
  size_t n = (size_t)(end - p);
  char *m = malloc(n + 1);
  if (m) {
    memcpy(m, p, n);
    m[n] = '\0';
  }
  return m;
}

static wt_error_t *validate(const wt_config_t *config) {
  size_t len;
  char *key = wt__config_key(config, &len);
  if (!key)
    return wt__error(WT_ERROR_CONFIG, "out of memory");
  if (key_known(key, len)) {
    free(key);
    return NULL;
  }
  size_t cap = 4096, n = 0;
  char *out = malloc(cap);
  int fds[2];
  if (!out || pipe2(fds, O_CLOEXEC) != 0) {
    free(out);
    free(key);
    return wt__error(WT_ERROR_CONFIG, "cannot validate configuration: %s",
                     strerror(errno));
  }
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    free(out);
    free(key);
    return wt__error(WT_ERROR_CONFIG, "cannot validate configuration: %s",
                     strerror(errno));
  }
  if (pid == 0) {
    dup2(fds[1], 2);
    setenv("RUST_BACKTRACE", "0", 1);
    wasm_engine_t *e = wasm_engine_new_with_config(wt__config_build(config));
    _exit(e ? 0 : 1);
  }
  close(fds[1]);
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    struct pollfd p = {fds[0], POLLIN, 0};
    int r = poll(&p, 1, 1000);
    if (r < 0 && errno == EINTR)
      continue;
    if (r == 0) {
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      if (now.tv_sec - start.tv_sec > 120) {
        kill(pid, SIGKILL);
        break;
      }
      continue;
    }
    if (n + 1 >= cap) {
      char *more = realloc(out, cap * 2);
      if (!more)
        break;
      out = more;
      cap *= 2;
    }
    ssize_t got = read(fds[0], out + n, cap - n - 1);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      break;
    n += (size_t)got;
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  out[n] = '\0';
  wt_error_t *err = NULL;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    key_remember(key, len);
  } else {
    char *m = panic_message(out);
    err = wt__error(WT_ERROR_CONFIG, "invalid configuration: %s",
                    m && *m ? m : "rejected by Wasmtime");
    free(m);
  }
  free(out);
  free(key);
  return err;
}

wt_error_t *wt_engine_new(const wt_config_t *config, wt_engine_t **out) {
  static const char fn[] = "wt_engine_new";
  if (!out)
    return wt__misuse(fn, "out is NULL");
  if (config) {
    const char *rejected = wt_config_rejected(config);
    if (rejected && strcmp(rejected, "not a live wt_config_t") == 0)
      return wt__misuse(fn, "config is not a live wt_config_t");
    if (rejected)
      return wt__error(WT_ERROR_CONFIG, "invalid configuration: %s",
                       rejected);
    size_t len;
    char *key = wt__config_key(config, &len);
    free(key);
    if (len > 0) {
      wt_error_t *err = validate(config);
      if (err)
        return err;
    }
  }
  wt_engine_t *e = calloc(1, sizeof *e);
  if (!e)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  wasm_config_t *w = wt__config_build(config);
  e->raw = w ? wasm_engine_new_with_config(w) : NULL;
  if (!e->raw) {
    free(e);
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  }
  e->magic = WT_MAGIC_ENGINE;
  e->epochs = config && wt__config_epochs(config);
  e->custom_pages = config && wt__config_custom_pages(config);
  atomic_init(&e->stop_ticking, false);
  atomic_init(&e->user_deleted, false);
  atomic_init(&e->refs, 1);
  pthread_mutex_init(&e->lock, NULL);
  *out = e;
  return NULL;
}

static void *tick(void *p) {
  wt_engine_t *e = p;
  struct timespec ms = {0, 1000000};
  while (!atomic_load(&e->stop_ticking)) {
    nanosleep(&ms, NULL);
    wasmtime_engine_increment_epoch(e->raw);
  }
  return NULL;
}

wt_error_t *wt__engine_start_ticker(wt_engine_t *e) {
  pthread_mutex_lock(&e->lock);
  int rc = 0;
  if (!e->ticking) {
    atomic_store(&e->stop_ticking, false);
    rc = pthread_create(&e->ticker, NULL, tick, e);
    e->ticking = rc == 0;
  }
  pthread_mutex_unlock(&e->lock);
  return rc ? wt__error(WT_ERROR_WASMTIME, "cannot start the epoch ticker: %s",
                        strerror(rc))
            : NULL;
}

wt_engine_t *wt__engine_ref(wt_engine_t *e) {
  atomic_fetch_add(&e->refs, 1);
  return e;
}

void wt__engine_unref(wt_engine_t *e) {
  if (atomic_fetch_sub(&e->refs, 1) != 1)
    return;
  if (e->ticking) {
    atomic_store(&e->stop_ticking, true);
    pthread_join(e->ticker, NULL);
  }
  for (wt__sig *s = e->sigs, *next; s; s = next) {
    next = s->next;
    wasm_functype_delete(s->type);
    free(s->text);
    free(s);
  }
  wasm_engine_delete(e->raw);
  pthread_mutex_destroy(&e->lock);
  e->magic = WT_MAGIC_DEAD;
  wt__retire(e);
}

void wt_engine_delete(wt_engine_t *engine) {
  if (!wt__engine_ok(engine))
    return;
  bool was = false;
  if (atomic_compare_exchange_strong(&engine->user_deleted, &was, true))
    wt__engine_unref(engine);
}

void wt_engine_increment_epoch(wt_engine_t *engine) {
  if (wt__engine_ok(engine))
    wasmtime_engine_increment_epoch(engine->raw);
}

bool wt_engine_is_pulley(const wt_engine_t *engine) {
  return wt__engine_ok(engine) && wasmtime_engine_is_pulley(engine->raw);
}

wt_error_t *wt_engine_check_precompiled(wt_engine_t *engine,
                                        const uint8_t *bytes, size_t len) {
  static const char fn[] = "wt_engine_check_precompiled";
  if (!wt__engine_ok(engine))
    return wt__misuse(fn, "engine is NULL or deleted");
  if (!bytes)
    return wt__misuse(fn, "bytes is NULL");
  wasmtime_module_t *m = NULL;
  wasmtime_error_t *err = wasmtime_module_deserialize(engine->raw, bytes,
                                                      len, &m);
  if (err)
    return wt__from_wasmtime(WT_ERROR_COMPILE, err);
  wasmtime_module_delete(m);
  return NULL;
}

const char *wt_version(void) { return WT_VERSION_STRING; }
const char *wt_wasmtime_version(void) { return WASMTIME_VERSION; }
