/* WASI preview 2's network policy, seen from a real guest: the component
 * sockets_probe (tests/guests/sockets/) opens TCP connections and resolves
 * names through wasi:sockets, against real sockets of this process on
 * 127.0.0.1, with and without wt_wasi_inherit_network() and
 * wt_wasi_allow_ip_name_lookup(). Every failure the guest reports is
 * "<step>: <error-code>", so the tests see which call refused and how. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "helpers.h"

/* ---- the host's side: a listening socket on 127.0.0.1 ---- */

/* A TCP socket on 127.0.0.1 at an ephemeral port: listening, with a thread
 * that accepts one connection and records what it receives until the peer
 * shuts down, or only bound (never listening), so that connecting to its
 * port is refused while no other socket can take the port. */
typedef struct listener {
  int fd;
  uint16_t port;
  pthread_t thread;
  bool running;
  bool accepted; /* the thread accepted a connection */
  bool eof;      /* and read it to its end */
  char got[8192];
  size_t len;
} listener;

static void listener_open(listener *l, bool listening) {
  memset(l, 0, sizeof *l);
  l->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  cr_assert_geq(l->fd, 0, "socket: %s", strerror(errno));
  struct sockaddr_in a = {.sin_family = AF_INET,
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  cr_assert_eq(bind(l->fd, (struct sockaddr *)&a, sizeof a), 0, "bind: %s",
               strerror(errno));
  if (listening)
    cr_assert_eq(listen(l->fd, 4), 0, "listen: %s", strerror(errno));
  socklen_t n = sizeof a;
  cr_assert_eq(getsockname(l->fd, (struct sockaddr *)&a, &n), 0);
  l->port = ntohs(a.sin_port);
}

/* Whether a connection waits to be accepted, within `ms` milliseconds. */
static bool connection_pending(const listener *l, int ms) {
  struct pollfd p = {.fd = l->fd, .events = POLLIN};
  return poll(&p, 1, ms) > 0;
}

/* The thread: one connection, read until EOF; gives up after 10 s without
 * a connection or without bytes, so that a test never hangs. */
static void *accept_one(void *arg) {
  listener *l = arg;
  if (!connection_pending(l, 10000))
    return NULL;
  int c = accept(l->fd, NULL, NULL);
  if (c < 0)
    return NULL;
  l->accepted = true;
  for (;;) {
    struct pollfd p = {.fd = c, .events = POLLIN};
    if (poll(&p, 1, 10000) <= 0)
      break;
    ssize_t n = read(c, l->got + l->len, sizeof l->got - l->len);
    if (n == 0)
      l->eof = true;
    if (n <= 0 || (l->len += (size_t)n) == sizeof l->got)
      break;
  }
  close(c);
  return NULL;
}

static void listener_start(listener *l) {
  cr_assert_eq(pthread_create(&l->thread, NULL, accept_one, l), 0);
  l->running = true;
}

static void listener_close(listener *l) {
  if (l->running)
    pthread_join(l->thread, NULL);
  l->running = false;
  close(l->fd);
}

/* ---- the guest's side ---- */

/* The guest, instantiated in a new store through a linker with
 * wt_component_linker_define_wasi(), and given a WASI context from `wasi`
 * (or, for NULL, none: the linker's empty one). */
typedef struct probe {
  wt_engine_t *engine;
  wt_component_t *component;
  wt_component_linker_t *linker;
  wt_store_t *store;
  wt_component_instance_t instance;
  wt_arena_t *arena;
} probe;

static void probe_open(probe *p, const wt_wasi_t *wasi) {
  memset(p, 0, sizeof *p);
  p->engine = engine_from(wt_config_new());
  OK(wt_component_new_file(p->engine, GUEST_DIR "/sockets_probe.wasm",
                           &p->component));
  OK(wt_component_linker_new(p->engine, &p->linker));
  OK(wt_component_linker_define_wasi(p->linker));
  OK(wt_store_new(p->engine, NULL, NULL, &p->store));
  if (wasi)
    OK(wt_store_set_wasi(p->store, wasi));
  OK(wt_component_linker_instantiate(p->linker, p->store, p->component,
                                     &p->instance));
  OK(wt_arena_new(&p->arena));
}

static void probe_close(probe *p) {
  wt_arena_delete(p->arena);
  wt_store_delete(p->store);
  wt_component_linker_delete(p->linker);
  wt_component_delete(p->component);
  wt_engine_delete(p->engine);
}

/* The text of a result's err, copied into `buf`; "" when it is ok. */
static bool settle(const wt_cval_t *r, char *buf, size_t cap) {
  cr_assert_eq(r->kind, WT_CVAL_RESULT);
  buf[0] = '\0';
  if (r->of.choice.index == 0)
    return true;
  cr_assert_eq(r->of.choice.index, 1);
  const wt_cval_t *e = r->of.choice.payload;
  cr_assert_not_null(e);
  cr_assert_eq(e->kind, WT_CVAL_STRING);
  cr_assert_lt(e->of.str.len, cap);
  memcpy(buf, e->of.str.data, e->of.str.len);
  buf[e->of.str.len] = '\0';
  return false;
}

/* Calls the guest's connect(127.0.0.1, port, message): true for ok, false
 * with the err's text in `err`. */
static bool guest_connect(probe *p, uint16_t port, const char *message,
                          char *err, size_t cap) {
  wt_cval_t ip[4];
  const uint8_t loopback[4] = {127, 0, 0, 1};
  for (int i = 0; i < 4; i++)
    ip[i] = (wt_cval_t){.kind = WT_CVAL_U8, .of.u8 = loopback[i]};
  wt_cval_t args[3] = {
      {.kind = WT_CVAL_TUPLE, .of.items = {ip, 4}},
      {.kind = WT_CVAL_U16, .of.u16 = port},
      {.kind = WT_CVAL_BYTES, .of.bytes = {message, strlen(message)}},
  };
  wt_cval_t r;
  wt_arena_reset(p->arena);
  OK(wt_component_instance_call(p->store, &p->instance, "connect", args, 3,
                                &r, 1, p->arena));
  return settle(&r, err, cap);
}

/* Calls the guest's lookup(name): true for ok, with the IPv4 addresses in
 * `addrs` ("a.b.c.d" each, separated by spaces), false with the err's text
 * in `addrs`. */
static bool guest_lookup(probe *p, const char *name, char *addrs,
                         size_t cap) {
  wt_cval_t arg = {.kind = WT_CVAL_STRING, .of.str = {name, strlen(name)}};
  wt_cval_t r;
  wt_arena_reset(p->arena);
  OK(wt_component_instance_call(p->store, &p->instance, "lookup", &arg, 1, &r,
                                1, p->arena));
  if (!settle(&r, addrs, cap))
    return false;
  const wt_cval_t *list = r.of.choice.payload;
  cr_assert_not_null(list);
  cr_assert_eq(list->kind, WT_CVAL_LIST);
  size_t used = 0;
  for (size_t i = 0; i < list->of.items.len; i++) {
    const wt_cval_t *t = &list->of.items.items[i];
    cr_assert_eq(t->kind, WT_CVAL_TUPLE);
    cr_assert_eq(t->of.items.len, 4);
    const wt_cval_t *b = t->of.items.items;
    int n = snprintf(addrs + used, cap - used, "%s%u.%u.%u.%u", i ? " " : "",
                     b[0].of.u8, b[1].of.u8, b[2].of.u8, b[3].of.u8);
    cr_assert_lt((size_t)n, cap - used);
    used += (size_t)n;
  }
  return true;
}

/* Whether `addr` is one of the space-separated addresses of `list`. */
static bool has_address(const char *list, const char *addr) {
  size_t n = strlen(addr);
  for (const char *s = list; (s = strstr(s, addr)) != NULL; s += n)
    if ((s == list || s[-1] == ' ') && (s[n] == ' ' || s[n] == '\0'))
      return true;
  return false;
}


/* What a refused connect looks like from both sides: the guest's err, and
 * no connection at the listener. */
static void refused(probe *p, const char *expected) {
  listener l;
  listener_open(&l, true);
  char err[256];
  cr_assert(!guest_connect(p, l.port, "not to be sent", err, sizeof err),
            "connect succeeded");
  cr_assert_str_eq(err, expected);
  cr_assert(!connection_pending(&l, 200), "the listener got a connection");
  listener_close(&l);
}

/* The store stays usable after the guest's failures: it calls the guest
 * again and gets an answer (whatever the answer is). */
static void still_usable(probe *p) {
  char text[256];
  (void)guest_lookup(p, "127.0.0.1", text, sizeof text);
}

/* ---- the network ---- */

/* A default wt_wasi_t, and a store given no WASI context at all, let a
 * component make no socket: Wasmtime 48 refuses TCP sockets unless TCP is
 * allowed, before any address is looked at. */
Test(wasi_sockets, network_off_refuses_tcp) {
  wt_wasi_t *w = wt_wasi_new();
  probe p;
  probe_open(&p, w);
  refused(&p, "create-tcp-socket: access-denied");
  /* A port where nothing listens answers the same: nothing got that far. */
  listener closed;
  listener_open(&closed, false);
  char err[256];
  cr_assert(!guest_connect(&p, closed.port, "x", err, sizeof err));
  cr_assert_str_eq(err, "create-tcp-socket: access-denied");
  listener_close(&closed);
  still_usable(&p);
  probe_close(&p);

  probe_open(&p, NULL);
  refused(&p, "create-tcp-socket: access-denied");
  probe_close(&p);
  wt_wasi_delete(w);
}

/* With wt_wasi_inherit_network() the guest connects to a listener on
 * 127.0.0.1, which receives exactly the bytes it wrote (more than one
 * 4096-byte write), and a closed port is a clean connection-refused, after
 * which the store serves the next connection. */
Test(wasi_sockets, inherit_network_reaches_loopback) {
  wt_wasi_t *w = wt_wasi_new();
  cr_assert(wt_wasi_inherit_network(w));
  probe p;
  probe_open(&p, w);
  char err[256];

  static char big[6001];
  for (size_t i = 0; i + 1 < sizeof big; i++)
    big[i] = (char)('a' + i % 26);
  const char *messages[] = {"hello over wasi:sockets\n", big};
  for (int m = 0; m < 2; m++) {
    listener l;
    listener_open(&l, true);
    listener_start(&l);
    cr_assert(guest_connect(&p, l.port, messages[m], err, sizeof err),
              "connect to 127.0.0.1:%u: %s", l.port, err);
    listener_close(&l);
    cr_assert(l.accepted, "the listener accepted no connection");
    cr_assert(l.eof, "the guest did not shut the connection down");
    cr_assert_eq(l.len, strlen(messages[m]));
    cr_assert(memcmp(l.got, messages[m], l.len) == 0,
              "the listener received other bytes");
  }

  listener closed;
  listener_open(&closed, false);
  cr_assert(!guest_connect(&p, closed.port, "x", err, sizeof err),
            "connect to a port where nothing listens succeeded");
  cr_assert_str_eq(err, "finish-connect: connection-refused");
  listener_close(&closed);

  /* The refusal was the guest's error, not the store's. */
  listener l;
  listener_open(&l, true);
  listener_start(&l);
  cr_assert(guest_connect(&p, l.port, "again", err, sizeof err), "%s", err);
  listener_close(&l);
  cr_assert_eq(l.len, 5);
  cr_assert(memcmp(l.got, "again", 5) == 0);
  probe_close(&p);
  wt_wasi_delete(w);
}

/* ---- name lookup ---- */

/* Without wt_wasi_allow_ip_name_lookup(w, true), resolve-addresses fails
 * at once with permanent-resolver-failure, for names and IP literals
 * alike, whether or not the network is inherited; the last setting
 * counts. */
Test(wasi_sockets, lookup_off_resolves_nothing) {
  const char *names[] = {"localhost", "127.0.0.1"};
  for (int setup = 0; setup < 4; setup++) {
    wt_wasi_t *w = wt_wasi_new();
    if (setup == 1)
      cr_assert(wt_wasi_inherit_network(w));
    if (setup == 2)
      cr_assert(wt_wasi_allow_ip_name_lookup(w, false));
    if (setup == 3) {
      cr_assert(wt_wasi_allow_ip_name_lookup(w, true));
      cr_assert(wt_wasi_allow_ip_name_lookup(w, false));
    }
    probe p;
    probe_open(&p, w);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
      char text[256];
      cr_assert(!guest_lookup(&p, names[i], text, sizeof text),
                "setup %d: %s resolved to %s", setup, names[i], text);
      cr_assert_str_eq(text, "resolve-addresses: permanent-resolver-failure",
                       "setup %d: %s", setup, names[i]);
    }
    probe_close(&p);
    wt_wasi_delete(w);
  }
  /* A store without a WASI context too. */
  probe p;
  probe_open(&p, NULL);
  char text[256];
  cr_assert(!guest_lookup(&p, "localhost", text, sizeof text));
  cr_assert_str_eq(text, "resolve-addresses: permanent-resolver-failure");
  probe_close(&p);
}

/* Whether this machine's resolver gives 127.0.0.1 for `name` (IPv4, as
 * the guest asks). */
static bool host_resolves_loopback(const char *name) {
  struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
  struct addrinfo *res = NULL;
  if (getaddrinfo(name, NULL, &hints, &res) != 0)
    return false;
  bool found = false;
  for (struct addrinfo *a = res; a; a = a->ai_next)
    if (((struct sockaddr_in *)a->ai_addr)->sin_addr.s_addr ==
        htonl(INADDR_LOOPBACK))
      found = true;
  freeaddrinfo(res);
  return found;
}

/* With wt_wasi_allow_ip_name_lookup(w, true) names resolve through the
 * host's resolver, the network inherited or not (lookup needs no socket). */
Test(wasi_sockets, lookup_on_resolves) {
  for (int network = 0; network < 2; network++) {
    wt_wasi_t *w = wt_wasi_new();
    cr_assert(wt_wasi_allow_ip_name_lookup(w, true));
    if (network)
      cr_assert(wt_wasi_inherit_network(w));
    probe p;
    probe_open(&p, w);
    char text[256];
    /* An IP literal is its own answer, without the resolver. */
    cr_assert(guest_lookup(&p, "127.0.0.1", text, sizeof text), "%s", text);
    cr_assert_str_eq(text, "127.0.0.1");
    /* A name that is not one is the guest's error; the store goes on. */
    cr_assert(!guest_lookup(&p, "", text, sizeof text));
    cr_assert_str_eq(text, "resolve-addresses: invalid-argument");
    if (!host_resolves_loopback("localhost")) {
      probe_close(&p);
      wt_wasi_delete(w);
      cr_skip_test("this machine's resolver gives no 127.0.0.1 for "
                   "\"localhost\" (getaddrinfo, AF_INET): the lookup of a "
                   "name is not checked");
    }
    cr_assert(guest_lookup(&p, "localhost", text, sizeof text),
              "network %d: localhost: %s", network, text);
    cr_assert(has_address(text, "127.0.0.1"),
              "network %d: localhost resolved to \"%s\"", network, text);
    probe_close(&p);
    wt_wasi_delete(w);
  }
}

/* ---- misuse ---- */

Test(wasi_sockets, setters_refuse_null_and_deleted) {
  cr_assert(!wt_wasi_inherit_network(NULL));
  cr_assert(!wt_wasi_allow_ip_name_lookup(NULL, true));
  cr_assert(!wt_wasi_allow_ip_name_lookup(NULL, false));
  wt_wasi_t *w = wt_wasi_new();
  wt_wasi_delete(w);
  cr_assert(!wt_wasi_inherit_network(w));
  cr_assert(!wt_wasi_allow_ip_name_lookup(w, true));
  /* A live config takes both, twice over, and records no rejection. */
  wt_wasi_t *live = wt_wasi_new();
  for (int i = 0; i < 2; i++) {
    cr_assert(wt_wasi_inherit_network(live));
    cr_assert(wt_wasi_allow_ip_name_lookup(live, true));
  }
  cr_assert_null(wt_wasi_rejected(live));
  wt_wasi_delete(live);
}
