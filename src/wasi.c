/* WASI: wt_wasi_t settings, applied to a store's WASI context (preview 1
 * and 2); the preview 1 and preview 2 linkers and runners; wasi:http. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

/* wasmtime_component_linker_add_wasi_http() and
 * wasmtime_context_set_wasi_http() exist only in a C API built with the
 * crate feature wasi-http, as native/Cargo.toml builds it. */
#ifndef WASMTIME_FEATURE_WASI_HTTP
#error "the Wasmtime C API lacks wasi-http: build it from native/ (native/build.sh)"
#endif

typedef enum { OUT_DISCARD, OUT_INHERIT, OUT_FILE, OUT_CAPTURE } out_mode;

typedef struct {
  char *host, *guest;
  bool writable;
} preopen;

struct wt_wasi {
  uint32_t magic;
  char **argv;
  size_t argc;
  bool inherit_env;
  bool inherit_args;
  char **env_names, **env_values;
  size_t nenv;
  enum { IN_EMPTY, IN_BYTES, IN_FILE, IN_INHERIT } in_mode;
  uint8_t *in_bytes;
  size_t in_len;
  char *in_path;
  out_mode out[3];
  char *out_path[3];
  preopen *preopens;
  size_t npreopens;
  bool inherit_network; /* sockets: the host's network (preview 2) */
  bool ip_name_lookup;  /* wasi:sockets/ip-name-lookup (preview 2) */
  char *rejected;
};

static bool wasi_ok(const wt_wasi_t *w) {
  return w && w->magic == WT_MAGIC_WASI;
}

static bool reject(wt_wasi_t *w, const char *fn, const char *what) {
  if (wasi_ok(w) && !w->rejected) {
    size_t n = strlen(fn) + strlen(what) + 3;
    w->rejected = malloc(n);
    if (w->rejected)
      snprintf(w->rejected, n, "%s: %s", fn, what);
  }
  return false;
}

/* A copy of a UTF-8 string argument, or NULL (after rejecting). */
static char *take(wt_wasi_t *w, const char *fn, const char *s) {
  if (!s) {
    reject(w, fn, "a string argument is NULL");
    return NULL;
  }
  if (!wt__utf8_valid(s, strlen(s))) {
    reject(w, fn, "a string argument is not valid UTF-8");
    return NULL;
  }
  char *c = wt__strdup(s);
  if (!c)
    reject(w, fn, "out of memory");
  return c;
}

wt_wasi_t *wt_wasi_new(void) {
  wt_wasi_t *w = wt__shell_new(sizeof *w);
  if (w)
    w->magic = WT_MAGIC_WASI;
  return w;
}

static void free_strings(char **v, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

void wt_wasi_delete(wt_wasi_t *w) {
  if (!wasi_ok(w))
    return;
  free_strings(w->argv, w->argc);
  free_strings(w->env_names, w->nenv);
  free_strings(w->env_values, w->nenv);
  free(w->in_bytes);
  free(w->in_path);
  for (int i = 0; i < 3; i++)
    free(w->out_path[i]);
  for (size_t i = 0; i < w->npreopens; i++) {
    free(w->preopens[i].host);
    free(w->preopens[i].guest);
  }
  free(w->preopens);
  free(w->rejected);
  w->magic = WT_MAGIC_DEAD;
  wt__retire(w);
}

const char *wt_wasi_rejected(const wt_wasi_t *w) {
  return wasi_ok(w) ? w->rejected : "not a live wt_wasi_t";
}

bool wt_wasi_set_args(wt_wasi_t *w, size_t argc, const char *const *argv) {
  static const char fn[] = "wt_wasi_set_args";
  if (!wasi_ok(w))
    return false;
  if (argc && !argv)
    return reject(w, fn, "argv is NULL");
  char **copy = calloc(argc ? argc : 1, sizeof *copy);
  if (!copy)
    return reject(w, fn, "out of memory");
  for (size_t i = 0; i < argc; i++) {
    if (!(copy[i] = take(w, fn, argv[i]))) {
      free_strings(copy, i);
      return false;
    }
  }
  free_strings(w->argv, w->argc);
  w->argv = copy;
  w->argc = argc;
  return true;
}

bool wt_wasi_add_env(wt_wasi_t *w, const char *name, const char *value) {
  static const char fn[] = "wt_wasi_add_env";
  if (!wasi_ok(w))
    return false;
  char *n = take(w, fn, name), *v = n ? take(w, fn, value) : NULL;
  char **names = v ? realloc(w->env_names, (w->nenv + 1) * sizeof *names)
                   : NULL;
  if (names)
    w->env_names = names;
  char **values =
      names ? realloc(w->env_values, (w->nenv + 1) * sizeof *values) : NULL;
  if (values)
    w->env_values = values;
  if (!values) {
    free(n);
    free(v);
    return n && v ? reject(w, fn, "out of memory") : false;
  }
  w->env_names[w->nenv] = n;
  w->env_values[w->nenv] = v;
  w->nenv++;
  return true;
}

bool wt_wasi_inherit_args(wt_wasi_t *w) {
  if (!wasi_ok(w))
    return false;
  w->inherit_args = true;
  return true;
}

bool wt_wasi_inherit_env(wt_wasi_t *w) {
  if (!wasi_ok(w))
    return false;
  w->inherit_env = true;
  return true;
}

static void clear_stdin(wt_wasi_t *w) {
  free(w->in_bytes);
  free(w->in_path);
  w->in_bytes = NULL;
  w->in_path = NULL;
  w->in_len = 0;
}

bool wt_wasi_set_stdin_bytes(wt_wasi_t *w, const void *bytes, size_t len) {
  static const char fn[] = "wt_wasi_set_stdin_bytes";
  if (!wasi_ok(w))
    return false;
  if (!bytes && len)
    return reject(w, fn, "bytes is NULL");
  uint8_t *copy = malloc(len ? len : 1);
  if (!copy)
    return reject(w, fn, "out of memory");
  if (len)
    memcpy(copy, bytes, len);
  clear_stdin(w);
  w->in_mode = IN_BYTES;
  w->in_bytes = copy;
  w->in_len = len;
  return true;
}

bool wt_wasi_set_stdin_file(wt_wasi_t *w, const char *path) {
  if (!wasi_ok(w))
    return false;
  char *p = take(w, "wt_wasi_set_stdin_file", path);
  if (!p)
    return false;
  clear_stdin(w);
  w->in_mode = IN_FILE;
  w->in_path = p;
  return true;
}

static bool stream_ok(wt_wasi_t *w, const char *fn, wt_wasi_stream_t s) {
  if (s == WT_WASI_STREAM_STDOUT || s == WT_WASI_STREAM_STDERR)
    return true;
  return reject(w, fn, "stream is neither WT_WASI_STREAM_STDOUT nor WT_WASI_STREAM_STDERR");
}

static bool set_output(wt_wasi_t *w, const char *fn, wt_wasi_stream_t s,
                       out_mode mode, const char *path) {
  if (!wasi_ok(w) || !stream_ok(w, fn, s))
    return false;
  char *p = NULL;
  if (mode == OUT_FILE && !(p = take(w, fn, path)))
    return false;
  free(w->out_path[s]);
  w->out_path[s] = p;
  w->out[s] = mode;
  return true;
}

bool wt_wasi_set_output_inherit(wt_wasi_t *w, wt_wasi_stream_t s) {
  return set_output(w, "wt_wasi_set_output_inherit", s, OUT_INHERIT, NULL);
}
bool wt_wasi_set_output_file(wt_wasi_t *w, wt_wasi_stream_t s, const char *path) {
  return set_output(w, "wt_wasi_set_output_file", s, OUT_FILE, path);
}
bool wt_wasi_set_output_capture(wt_wasi_t *w, wt_wasi_stream_t s) {
  return set_output(w, "wt_wasi_set_output_capture", s, OUT_CAPTURE, NULL);
}

bool wt_wasi_inherit_stdio(wt_wasi_t *w) {
  if (!wasi_ok(w))
    return false;
  clear_stdin(w);
  w->in_mode = IN_INHERIT;
  return wt_wasi_set_output_inherit(w, WT_WASI_STREAM_STDOUT) &&
         wt_wasi_set_output_inherit(w, WT_WASI_STREAM_STDERR);
}

bool wt_wasi_inherit_network(wt_wasi_t *w) {
  if (!wasi_ok(w))
    return false;
  w->inherit_network = true;
  return true;
}

bool wt_wasi_allow_ip_name_lookup(wt_wasi_t *w, bool allow) {
  if (!wasi_ok(w))
    return false;
  w->ip_name_lookup = allow;
  return true;
}

bool wt_wasi_add_preopen(wt_wasi_t *w, const char *host_dir, const char *guest_dir,
                     bool writable) {
  static const char fn[] = "wt_wasi_add_preopen";
  if (!wasi_ok(w))
    return false;
  char *h = take(w, fn, host_dir), *g = h ? take(w, fn, guest_dir) : NULL;
  if (!g) {
    free(h);
    return false;
  }
  struct stat st;
  if (stat(h, &st) != 0 || !S_ISDIR(st.st_mode)) {
    char m[300];
    snprintf(m, sizeof m, "%.200s is not a directory", h);
    free(h);
    free(g);
    return reject(w, fn, m);
  }
  preopen *p = realloc(w->preopens, (w->npreopens + 1) * sizeof *p);
  if (!p) {
    free(h);
    free(g);
    return reject(w, fn, "out of memory");
  }
  w->preopens = p;
  p[w->npreopens++] = (preopen){h, g, writable};
  return true;
}

/* ---- a store's WASI state ---- */

/* Output captured for the caller, kept until the store is freed. */
typedef struct {
  bool on; /* capture was asked for at least once */
  uint8_t *data;
  size_t len, cap;
} capture;

/* What a store knows of WASI; made the first time it is needed. Its address
 * never changes, so Wasmtime's output callbacks may keep pointers into it. */
struct wt__wasi_state {
  bool has_context; /* the Wasmtime store has a WASI context */
  bool has_http;    /* and a wasi:http context (kept by wt_store_set_wasi) */
  bool network;     /* its settings allow the network (inherit_network) */
  capture out[3];   /* [WT_WASI_STREAM_STDOUT], [WT_WASI_STREAM_STDERR] */
};

static struct wt__wasi_state *state_of(wt_store_t *store) {
  if (!store->wasi)
    store->wasi = calloc(1, sizeof *store->wasi);
  return store->wasi;
}

void wt__wasi_free(wt_store_t *store) {
  if (!store->wasi)
    return;
  for (int s = 0; s < 3; s++)
    free(store->wasi->out[s].data);
  free(store->wasi);
  store->wasi = NULL;
}

static ptrdiff_t capture_write(void *data, const unsigned char *buf,
                               size_t len) {
  capture *c = data;
  if (c->len + len > c->cap) {
    size_t cap = c->cap ? c->cap : 4096;
    while (cap < c->len + len)
      cap *= 2;
    uint8_t *d = realloc(c->data, cap);
    if (!d)
      return -1;
    c->data = d;
    c->cap = cap;
  }
  memcpy(c->data + c->len, buf, len);
  c->len += len;
  return (ptrdiff_t)len;
}

static wt_error_t *set_context(wt_store_t *store, struct wt__wasi_state *st,
                               wasi_config_t *c) {
  wasmtime_error_t *werr = wasmtime_context_set_wasi(store->ctx, c);
  if (werr)
    return wt__from_wasmtime(WT_ERROR_WASMTIME, werr);
  st->has_context = true;
  return NULL;
}

/* ---- applying settings to a store ---- */

wt_error_t *wt_store_set_wasi(wt_store_t *store, const wt_wasi_t *w) {
  static const char fn[] = "wt_store_set_wasi";
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!wasi_ok(w))
    return wt__misuse(fn, "wasi is NULL or deleted");
  if (w->rejected)
    return wt__misuse(fn, "%s", w->rejected);
  struct wt__wasi_state *st = state_of(store);
  wasi_config_t *c = st ? wasi_config_new() : NULL;
  if (!c)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  if (w->inherit_args)
    wasi_config_inherit_argv(c);
  else if (w->argc &&
           !wasi_config_set_argv(c, w->argc, (const char **)w->argv))
    err = wt__misuse(fn, "arguments are not valid");
  if (w->inherit_env)
    wasi_config_inherit_env(c);
  if (!err && w->nenv &&
      !wasi_config_set_env(c, w->nenv, (const char **)w->env_names,
                           (const char **)w->env_values))
    err = wt__misuse(fn, "environment is not valid");
  if (!err) {
    switch (w->in_mode) {
    case IN_BYTES: {
      wasm_byte_vec_t v;
      wasm_byte_vec_new(&v, w->in_len, (const char *)w->in_bytes);
      wasi_config_set_stdin_bytes(c, &v);
      break;
    }
    case IN_FILE:
      if (!wasi_config_set_stdin_file(c, w->in_path))
        err = wt__error(WT_ERROR_IO, "%s: cannot open %s for stdin", fn,
                        w->in_path);
      break;
    case IN_INHERIT:
      wasi_config_inherit_stdin(c);
      break;
    case IN_EMPTY:
      break;
    }
  }
  for (int s = 1; !err && s <= 2; s++) {
    switch (w->out[s]) {
    case OUT_INHERIT:
      if (s == 1)
        wasi_config_inherit_stdout(c);
      else
        wasi_config_inherit_stderr(c);
      break;
    case OUT_FILE:
      if (!(s == 1 ? wasi_config_set_stdout_file(c, w->out_path[s])
                   : wasi_config_set_stderr_file(c, w->out_path[s])))
        err = wt__error(WT_ERROR_IO, "%s: cannot open %s for writing", fn,
                        w->out_path[s]);
      break;
    case OUT_CAPTURE: {
      capture *cap = &st->out[s];
      cap->on = true;
      cap->len = 0;
      if (s == 1)
        wasi_config_set_stdout_custom(c, capture_write, cap, NULL);
      else
        wasi_config_set_stderr_custom(c, capture_write, cap, NULL);
      break;
    }
    case OUT_DISCARD:
      break;
    }
  }
  for (size_t i = 0; !err && i < w->npreopens; i++) {
    const preopen *p = &w->preopens[i];
    if (!wasi_config_preopen_dir(c, p->host, p->guest, p->writable))
      err = wt__error(WT_ERROR_IO, "%s: cannot preopen %s as %s", fn, p->host,
                      p->guest);
  }
  if (!err && w->inherit_network) {
    wasi_config_inherit_network(c);
    wt_native_wasi_config_allow_sockets(c);
  }
  if (!err && w->ip_name_lookup)
    wasi_config_allow_ip_name_lookup(c, true);
  if (err) {
    wasi_config_delete(c);
    return err;
  }
  st->network = w->inherit_network;
  /* Captures not asked for this time are emptied too. */
  for (int s = 1; s <= 2; s++)
    if (w->out[s] != OUT_CAPTURE)
      st->out[s].len = 0;
  return set_context(store, st, c);
}

/* The store hook of a linker with WASI: WASI functions abort the process
 * when their store has no WASI context, so a store without one gets an
 * empty one. */
static wt_error_t *ensure_context(wt_store_t *store) {
  if (store->wasi && store->wasi->has_context)
    return NULL;
  struct wt__wasi_state *st = state_of(store);
  wasi_config_t *c = st ? wasi_config_new() : NULL;
  if (!c)
    return wt__error(WT_ERROR_WASMTIME, "out of memory");
  return set_context(store, st, c);
}

/* The store hook of a component linker with wasi:http as well: Wasmtime's
 * wasi:http functions unwrap the store's HTTP context and its WASI context
 * (whose resource table holds the requests and responses), aborting the
 * process without either, so a store gets both before it instantiates
 * anything that could call them. The HTTP context holds no settings:
 * wt_store_set_wasi() replaces the WASI context and leaves it. */
static wt_error_t *ensure_http_context(wt_store_t *store) {
  wt_error_t *err = ensure_context(store);
  if (err)
    return err;
  /* wasi:http reaches the network: only a store that allows it. */
  if (!store->wasi->has_http && !store->wasi->network)
    return wt__misuse("wt_component_linker_instantiate",
                      "the linker defines wasi:http, which reaches the "
                      "network, and the store's WASI settings do not allow "
                      "the network (wt_wasi_inherit_network())");
  if (!store->wasi->has_http) {
    wasmtime_context_set_wasi_http(store->ctx);
    store->wasi->has_http = true;
  }
  return NULL;
}

const uint8_t *wt_store_wasi_output(wt_store_t *store, wt_wasi_stream_t s,
                                    size_t *len) {
  if (len)
    *len = 0;
  if (!wt__store_ok(store) ||
      (s != WT_WASI_STREAM_STDOUT && s != WT_WASI_STREAM_STDERR) ||
      !store->wasi || !store->wasi->out[s].on)
    return NULL;
  const capture *c = &store->wasi->out[s];
  if (len)
    *len = c->len;
  return c->data ? c->data : (const uint8_t *)"";
}

/* ---- linkers ---- */

wt_error_t *wt_linker_define_wasi(wt_linker_t *linker) {
  if (!linker || linker->magic != WT_MAGIC_LINKER)
    return wt__misuse("wt_linker_define_wasi", "linker is NULL or deleted");
  wasmtime_error_t *werr = wasmtime_linker_define_wasi(linker->raw);
  if (werr)
    return wt__from_wasmtime(WT_ERROR_LINK, werr);
  wt__linker_set_store_hook(linker, ensure_context);
  return NULL;
}

wt_error_t *wt_wasi_run(const wt_linker_t *linker, wt_store_t *store,
                        const wt_module_t *module) {
  wt_instance_t inst;
  wt_error_t *err = wt_linker_instantiate(linker, store, module, &inst);
  wt_func_t start;
  if (!err)
    err = wt_instance_func(store, &inst, "_start", &start);
  if (!err)
    err = wt_func_call(store, &start, NULL, 0, NULL, 0);
  int status;
  if (err && wt_error_exit_status(err, &status) && status == 0) {
    wt_error_delete(err);
    err = NULL;
  }
  return err;
}

/* ---- components (preview 2) ---- */

wt_error_t *wt_component_linker_define_wasi(wt_component_linker_t *linker) {
  if (!wt__component_linker_ok(linker))
    return wt__misuse("wt_component_linker_define_wasi",
                      "linker is NULL or deleted");
  wasmtime_error_t *werr = wasmtime_component_linker_add_wasip2(linker->raw);
  if (werr)
    return wt__from_wasmtime(WT_ERROR_LINK, werr);
  /* Preview 2 functions abort the process in a store without a WASI
   * context too. Defined again (with shadowing) after wasi:http, the
   * linker still holds the HTTP functions, and its stores still need
   * their HTTP context. */
  if (linker->store_hook != ensure_http_context)
    linker->store_hook = ensure_context;
  return NULL;
}

wt_error_t *wt_component_linker_define_wasi_http(wt_component_linker_t *linker) {
  static const char fn[] = "wt_component_linker_define_wasi_http";
  if (!wt__component_linker_ok(linker))
    return wt__misuse(fn, "linker is NULL or deleted");
  /* wasi:http's types use wasi:io's streams, pollables and errors, and
   * wasi:clocks' durations, which the preview 2 definitions provide. */
  if (linker->store_hook != ensure_context &&
      linker->store_hook != ensure_http_context)
    return wt__misuse(fn, "the linker has no WASI preview 2: call "
                          "wt_component_linker_define_wasi first");
  /* Set first: should Wasmtime fail after defining some of the functions
   * (wasi:http/outgoing-handler, then wasi:http/types), those are in the
   * linker, and its stores need the HTTP context all the same. */
  linker->store_hook = ensure_http_context;
  wasmtime_error_t *werr = wasmtime_component_linker_add_wasi_http(linker->raw);
  return werr ? wt__from_wasmtime(WT_ERROR_LINK, werr) : NULL;
}

/* The name of the component's `wasi:cli/run@0.2.x` export, in `arena`. */
static const char *run_export(const wt_component_t *component,
                              wt_arena_t *arena, wt_error_t **err) {
  static const char prefix[] = "wasi:cli/run@0.2.";
  wt_citems_t items;
  if ((*err = wt_component_exports(component, arena, &items)) != NULL)
    return NULL;
  for (size_t i = 0; i < items.len; i++)
    if (items.items[i].kind == WT_CITEM_INSTANCE &&
        strncmp(items.items[i].name, prefix, sizeof prefix - 1) == 0)
      return items.items[i].name;
  *err = wt__error(WT_ERROR_NOT_FOUND,
                   "wt_wasi_run_component: the component exports no "
                   "wasi:cli/run@0.2.x");
  return NULL;
}

wt_error_t *wt_wasi_run_component(const wt_component_linker_t *linker,
                                  wt_store_t *store,
                                  const wt_component_t *component) {
  static const char fn[] = "wt_wasi_run_component";
  if (!wt__component_linker_ok(linker))
    return wt__misuse(fn, "linker is NULL or deleted");
  wt_error_t *err = wt__check_store(fn, store);
  if (err)
    return err;
  if (!wt__component_ok(component))
    return wt__misuse(fn, "component is NULL or deleted");
  wt_arena_t *arena;
  if ((err = wt_arena_new(&arena)) != NULL)
    return err;
  const char *name = run_export(component, arena, &err);
  wt_component_instance_t inst;
  if (!err)
    err = wt_component_linker_instantiate(linker, store, component, &inst);
  wt_component_func_t run;
  if (!err) {
    const char *path[] = {name, "run"};
    err = wt_component_instance_func_path(store, &inst, path, 2, &run);
  }
  wt_cval_t result = {0};
  if (!err)
    err = wt_component_func_call(store, &run, NULL, 0, &result, 1, arena);
  wt_arena_delete(arena);
  int status;
  if (err && wt_error_exit_status(err, &status) && status == 0) {
    wt_error_delete(err);
    return NULL;
  }
  if (!err && result.kind == WT_CVAL_RESULT && result.of.choice.index == 1)
    return wt__exit_error(1, "%s: wasi:cli/run returned err", fn);
  return err;
}
