/* wasi:http: the guest http_fetch (tests/guests/http/) sends real HTTP/1.1
 * requests through wasi:http/outgoing-handler to a server this test runs
 * on 127.0.0.1 (a thread with a listening socket on an ephemeral port),
 * and the test checks, exactly, what the server read (method, path,
 * headers, body) and what the guest read back (status, headers, body).
 * Failures come back inside the guest as wasi:http error codes; without
 * wt_component_linker_define_wasi_http() the guest does not link. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

#ifndef GUEST_DIR
#error "GUEST_DIR must name the directory of the built guest components"
#endif

/* ---- the server ---- */

#define MAX_HEADERS 32
#define MAX_REQUESTS 4

/* One request as the server read it off the socket. */
typedef struct seen {
  char method[32], target[512];
  char names[MAX_HEADERS][64]; /* lowercased */
  char values[MAX_HEADERS][256];
  size_t nheaders;
  bool chunked; /* the body came with transfer-encoding: chunked */
  uint8_t *body;
  size_t body_len;
} seen;

/* A server that answers each request with the same response, one request
 * per connection (the response says `connection: close`). */
typedef struct server {
  int fd;
  uint16_t port;
  pthread_t thread;
  atomic_bool stop;
  /* the response */
  int status;
  const char *reason;
  const char *header, *value; /* one header of the test's, or NULL */
  const uint8_t *body;
  size_t body_len;
  unsigned delay_ms; /* before answering */
  /* what it read; written by the server thread, read after server_stop() */
  seen requests[MAX_REQUESTS];
  size_t nrequests;
  char failure[256]; /* the first thing that went wrong, or "" */
} server;

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A connection's bytes, read as needed. */
typedef struct conn {
  int fd;
  uint8_t buf[1 << 16];
  size_t start, end;
} conn;

/* Reads more bytes into c->buf; false at the end or on error. */
static bool conn_fill(conn *c) {
  if (c->start > 0) {
    memmove(c->buf, c->buf + c->start, c->end - c->start);
    c->end -= c->start;
    c->start = 0;
  }
  if (c->end == sizeof c->buf)
    return false;
  struct pollfd p = {.fd = c->fd, .events = POLLIN};
  if (poll(&p, 1, 20000) != 1)
    return false;
  ssize_t n = recv(c->fd, c->buf + c->end, sizeof c->buf - c->end, 0);
  if (n <= 0)
    return false;
  c->end += (size_t)n;
  return true;
}

/* One line ending in CRLF, without it, NUL-terminated in `line`. */
static bool conn_line(conn *c, char *line, size_t cap) {
  for (;;) {
    for (size_t i = c->start; i + 1 < c->end; i++) {
      if (c->buf[i] == '\r' && c->buf[i + 1] == '\n') {
        size_t len = i - c->start;
        if (len >= cap)
          return false;
        memcpy(line, c->buf + c->start, len);
        line[len] = '\0';
        c->start = i + 2;
        return true;
      }
    }
    if (!conn_fill(c))
      return false;
  }
}

/* Appends exactly `len` body bytes to s->body. */
static bool conn_body(conn *c, seen *s, size_t len) {
  uint8_t *b = realloc(s->body, s->body_len + len + 1);
  if (!b)
    return false;
  s->body = b;
  while (len) {
    if (c->start == c->end && !conn_fill(c))
      return false;
    size_t n = c->end - c->start;
    if (n > len)
      n = len;
    memcpy(s->body + s->body_len, c->buf + c->start, n);
    s->body_len += n;
    c->start += n;
    len -= n;
  }
  return true;
}

static const char *header_of(const seen *s, const char *name) {
  for (size_t i = 0; i < s->nheaders; i++)
    if (strcmp(s->names[i], name) == 0)
      return s->values[i];
  return NULL;
}

/* Parses one request: the request line, the headers, and a body framed
 * by content-length or chunked. Returns what is wrong, or NULL. */
static const char *read_request(conn *c, seen *s) {
  char line[1024];
  if (!conn_line(c, line, sizeof line))
    return "no request line";
  char version[16];
  if (sscanf(line, "%31s %511s %15s", s->method, s->target, version) != 3 ||
      strcmp(version, "HTTP/1.1") != 0)
    return "a request line that is not HTTP/1.1";
  for (;;) {
    if (!conn_line(c, line, sizeof line))
      return "headers cut short";
    if (line[0] == '\0')
      break;
    char *colon = strchr(line, ':');
    if (!colon || s->nheaders == MAX_HEADERS)
      return "a malformed header or too many";
    *colon = '\0';
    char *v = colon + 1;
    while (*v == ' ' || *v == '\t')
      v++;
    size_t vl = strlen(v);
    while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
      v[--vl] = '\0';
    if (strlen(line) >= sizeof s->names[0] || vl >= sizeof s->values[0])
      return "a header too long";
    for (char *p = line; *p; p++)
      *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    strcpy(s->names[s->nheaders], line);
    strcpy(s->values[s->nheaders], v);
    s->nheaders++;
  }
  const char *te = header_of(s, "transfer-encoding");
  const char *cl = header_of(s, "content-length");
  if (te && strcasecmp(te, "chunked") == 0) {
    s->chunked = true;
    for (;;) {
      if (!conn_line(c, line, sizeof line))
        return "a chunk size cut short";
      size_t n = strtoul(line, NULL, 16);
      if (n == 0)
        break;
      if (!conn_body(c, s, n) || !conn_line(c, line, sizeof line) || line[0])
        return "a chunk cut short";
    }
    if (!conn_line(c, line, sizeof line) || line[0])
      return "trailers after the last chunk";
  } else if (cl) {
    if (!conn_body(c, s, strtoul(cl, NULL, 10)))
      return "a body shorter than its content-length";
  }
  return NULL;
}

static bool send_all(int fd, const void *data, size_t len) {
  const uint8_t *p = data;
  while (len) {
    ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
    if (n <= 0)
      return false;
    p += n;
    len -= (size_t)n;
  }
  return true;
}

static void serve_one(server *srv, int fd) {
  conn *c = calloc(1, sizeof *c);
  cr_assert_not_null(c);
  c->fd = fd;
  seen *s = &srv->requests[srv->nrequests];
  const char *wrong = read_request(c, s);
  free(c);
  if (wrong) {
    if (!srv->failure[0])
      snprintf(srv->failure, sizeof srv->failure, "request %zu: %s",
               srv->nrequests, wrong);
    return;
  }
  srv->nrequests++;
  if (srv->delay_ms)
    usleep(srv->delay_ms * 1000);
  char head[1024];
  int n = snprintf(head, sizeof head,
                   "HTTP/1.1 %d %s\r\ncontent-length: %zu\r\n"
                   "connection: close\r\n",
                   srv->status, srv->reason, srv->body_len);
  if (srv->header)
    n += snprintf(head + n, sizeof head - (size_t)n, "%s: %s\r\n", srv->header,
                  srv->value);
  n += snprintf(head + n, sizeof head - (size_t)n, "\r\n");
  if (!send_all(fd, head, (size_t)n) ||
      !send_all(fd, srv->body, srv->body_len))
    snprintf(srv->failure, sizeof srv->failure, "sending the response: %s",
             strerror(errno));
}

static void *server_main(void *arg) {
  server *srv = arg;
  while (!atomic_load(&srv->stop) && srv->nrequests < MAX_REQUESTS) {
    struct pollfd p = {.fd = srv->fd, .events = POLLIN};
    if (poll(&p, 1, 50) != 1)
      continue;
    int fd = accept(srv->fd, NULL, NULL);
    if (fd < 0)
      continue;
    serve_one(srv, fd);
    close(fd);
  }
  return NULL;
}

/* A listening socket on 127.0.0.1 at a port the kernel picks; *port is
 * that port. */
static int listen_loopback(uint16_t *port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  cr_assert_geq(fd, 0, "socket: %s", strerror(errno));
  struct sockaddr_in a = {.sin_family = AF_INET,
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0, "bind: %s",
               strerror(errno));
  socklen_t len = sizeof a;
  cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
  *port = ntohs(a.sin_port);
  return fd;
}

static void server_start(server *srv) {
  srv->fd = listen_loopback(&srv->port);
  cr_assert_eq(listen(srv->fd, 8), 0, "listen: %s", strerror(errno));
  atomic_init(&srv->stop, false);
  cr_assert_eq(pthread_create(&srv->thread, NULL, server_main, srv), 0);
}

/* Stops the server and checks it saw nothing malformed. */
static void server_stop(server *srv) {
  atomic_store(&srv->stop, true);
  pthread_join(srv->thread, NULL);
  close(srv->fd);
  cr_assert_str_eq(srv->failure, "", "the server: %s", srv->failure);
}

static void server_free(server *srv) {
  for (size_t i = 0; i < MAX_REQUESTS; i++)
    free(srv->requests[i].body);
}

/* A port nothing listens on: bound, then closed. */
static uint16_t closed_port(void) {
  uint16_t port;
  close(listen_loopback(&port));
  return port;
}

/* ---- the guest ---- */

typedef struct fx_http {
  wt_engine_t *engine;
  wt_component_t *component;
  wt_component_linker_t *linker;
  wt_store_t *store;
  wt_component_instance_t inst;
  wt_component_func_t fetch;
  wt_arena_t *arena;
} fx_http;

static wt_component_t *load_guest(wt_engine_t *engine) {
  wt_component_t *c;
  OK(wt_component_new_file(engine, GUEST_DIR "/http_fetch.wasm", &c));
  return c;
}

static void guest_instantiate(fx_http *f) {
  OK(wt_component_linker_instantiate(f->linker, f->store, f->component,
                                     &f->inst));
  const char *path[] = {"wt:http-test/fetcher", "fetch"};
  OK(wt_component_instance_func_path(f->store, &f->inst, path, 2, &f->fetch));
}

/* The guest instantiated through a linker with WASI and wasi:http, in a
 * store of its own; `config` (or NULL) is deleted. With a config the
 * store's epoch deadline is first set to never, for configs with epoch
 * interruption. */
static void fx_open(fx_http *f, wt_config_t *config) {
  memset(f, 0, sizeof *f);
  bool epochs = config != NULL;
  f->engine = engine_from(config ? config : wt_config_new());
  f->component = load_guest(f->engine);
  OK(wt_component_linker_new(f->engine, &f->linker));
  OK(wt_component_linker_define_wasi(f->linker));
  OK(wt_component_linker_define_wasi_http(f->linker));
  OK(wt_store_new(f->engine, NULL, NULL, &f->store));
  if (epochs)
    OK(wt_store_set_epoch_deadline(f->store, UINT64_MAX));
  wt_wasi_t *w = wt_wasi_new();
  cr_assert(wt_wasi_inherit_network(w));
  OK(wt_store_set_wasi(f->store, w));
  wt_wasi_delete(w);
  OK(wt_arena_new(&f->arena));
  guest_instantiate(f);
}

static void fx_close(fx_http *f) {
  wt_arena_delete(f->arena);
  wt_store_delete(f->store);
  wt_component_linker_delete(f->linker);
  wt_component_delete(f->component);
  wt_engine_delete(f->engine);
}

static wt_cval_t strv(const char *s) {
  return (wt_cval_t){.kind = WT_CVAL_STRING, .of.str = {s, strlen(s)}};
}
static wt_cval_t bytesv(const void *p, size_t len) {
  return (wt_cval_t){.kind = WT_CVAL_BYTES, .of.bytes = {p, len}};
}

/* A header to send: name and value. */
typedef struct hdr {
  const char *name, *value;
} hdr;

/* What a fetch gave: ok with the response, or the guest's err text. */
typedef struct reply {
  bool ok;
  char err[256];
  uint16_t status;
  const wt_cval_t *headers; /* tuples of string and bytes, in the arena */
  size_t nheaders;
  wt_bytes_t body;
} reply;

/* Calls the guest's fetch; the call itself must succeed. */
static reply fetch(fx_http *f, const char *method, uint16_t port,
                   const char *path, const hdr *hs, size_t nh,
                   const void *body, size_t len) {
  char authority[32];
  snprintf(authority, sizeof authority, "127.0.0.1:%u", (unsigned)port);
  wt_cval_t pairs[8][2], tuples[8];
  cr_assert_leq(nh, 8);
  for (size_t i = 0; i < nh; i++) {
    pairs[i][0] = strv(hs[i].name);
    pairs[i][1] = bytesv(hs[i].value, strlen(hs[i].value));
    tuples[i] = (wt_cval_t){.kind = WT_CVAL_TUPLE, .of.items = {pairs[i], 2}};
  }
  wt_cval_t args[5] = {
      strv(method), strv(authority), strv(path),
      {.kind = WT_CVAL_LIST, .of.items = {nh ? tuples : NULL, nh}},
      bytesv(body, len)};
  wt_cval_t r;
  OK(wt_component_func_call(f->store, &f->fetch, args, 5, &r, 1, f->arena));
  cr_assert_eq(r.kind, WT_CVAL_RESULT);
  reply out = {0};
  const wt_cval_t *p = r.of.choice.payload;
  if (r.of.choice.index == 1) {
    cr_assert_eq(p->kind, WT_CVAL_STRING);
    snprintf(out.err, sizeof out.err, "%.*s", (int)p->of.str.len,
             p->of.str.data);
    return out;
  }
  cr_assert_eq(p->kind, WT_CVAL_RECORD);
  cr_assert_eq(p->of.items.len, 3);
  const wt_cval_t *fields = p->of.items.items;
  out.ok = true;
  out.status = fields[0].of.u16;
  out.headers = fields[1].of.items.items;
  out.nheaders = fields[1].of.items.len;
  out.body = fields[2].of.bytes;
  return out;
}

/* The value of the response header `name`, NUL-terminated in the arena's
 * copy, or NULL; fails the test if it comes more than once. */
static const char *reply_header(const reply *r, const char *name) {
  const char *found = NULL;
  for (size_t i = 0; i < r->nheaders; i++) {
    const wt_cval_t *t = r->headers[i].of.items.items;
    if (t[0].of.str.len == strlen(name) &&
        memcmp(t[0].of.str.data, name, t[0].of.str.len) == 0) {
      cr_assert_null(found, "header %s twice", name);
      found = t[1].of.bytes.data; /* followed by a NUL byte */
    }
  }
  return found;
}

/* ---- tests ---- */

/* A POST with a header and a binary body; a 201 with a header and a binary
 * body back. Both sides exactly. */
Test(wasi_http, post_round_trip) {
  static const uint8_t reply_body[] = "created\0\xff\x01 ok";
  server srv = {.status = 201,
                .reason = "Created",
                .header = "x-wt-reply",
                .value = "from the host",
                .body = reply_body,
                .body_len = sizeof reply_body - 1};
  server_start(&srv);
  fx_http f;
  fx_open(&f, NULL);
  static const char body[] = "name=wt&bytes=\0\x80\xfe\xff&end";
  hdr hs[] = {{"x-wt-test", "h\xc3\xa9llo, world"},
              {"content-type", "application/x-www-form-urlencoded"}};
  reply r = fetch(&f, "POST", srv.port, "/submit?x=1&y=two", hs, 2, body,
                  sizeof body - 1);
  server_stop(&srv);
  cr_assert(r.ok, "fetch failed: %s", r.err);
  /* What the server read. */
  cr_assert_eq(srv.nrequests, 1);
  const seen *s = &srv.requests[0];
  cr_assert_str_eq(s->method, "POST");
  cr_assert_str_eq(s->target, "/submit?x=1&y=two");
  cr_assert_str_eq(header_of(s, "x-wt-test"), "h\xc3\xa9llo, world");
  cr_assert_str_eq(header_of(s, "content-type"),
                   "application/x-www-form-urlencoded");
  char hostport[32], length[16];
  snprintf(hostport, sizeof hostport, "127.0.0.1:%u", (unsigned)srv.port);
  snprintf(length, sizeof length, "%zu", sizeof body - 1);
  cr_assert_str_eq(header_of(s, "host"), hostport);
  cr_assert_str_eq(header_of(s, "content-length"), length);
  cr_assert_not(s->chunked);
  cr_assert_eq(s->nheaders, 4, "host, the two headers and content-length");
  cr_assert_eq(s->body_len, sizeof body - 1);
  cr_assert_eq(memcmp(s->body, body, sizeof body - 1), 0);
  /* What the guest read. */
  cr_assert_eq(r.status, 201);
  /* The server's connection header is one Wasmtime keeps from guests. */
  cr_assert_eq(r.nheaders, 2, "content-length and x-wt-reply");
  cr_assert_str_eq(reply_header(&r, "x-wt-reply"), "from the host");
  cr_assert_str_eq(reply_header(&r, "content-length"), "13");
  cr_assert_null(reply_header(&r, "connection"));
  cr_assert_eq(r.body.len, sizeof reply_body - 1);
  cr_assert_eq(memcmp(r.body.data, reply_body, r.body.len), 0);
  fx_close(&f);
  server_free(&srv);
}

/* A byte pattern that no shift of itself matches. */
static uint8_t *pattern(size_t len, uint32_t seed) {
  uint8_t *p = malloc(len);
  cr_assert_not_null(p);
  for (size_t i = 0; i < len; i++) {
    seed = seed * 1103515245u + 12345u;
    p[i] = (uint8_t)(seed >> 16);
  }
  return p;
}

/* A GET has no body on the wire; a large response body is read through
 * many reads, waiting on the stream's pollable. Other methods travel by
 * name. */
Test(wasi_http, get_and_a_large_response) {
  size_t big = 3 * 1024 * 1024 + 17;
  uint8_t *data = pattern(big, 7);
  server srv = {.status = 200, .reason = "OK", .body = data, .body_len = big};
  server_start(&srv);
  fx_http f;
  fx_open(&f, NULL);
  reply r = fetch(&f, "GET", srv.port, "/big", NULL, 0, NULL, 0);
  cr_assert(r.ok, "fetch failed: %s", r.err);
  cr_assert_eq(r.status, 200);
  cr_assert_eq(r.body.len, big);
  cr_assert_eq(memcmp(r.body.data, data, big), 0);
  wt_arena_reset(f.arena);
  r = fetch(&f, "PURGE", srv.port, "/", NULL, 0, NULL, 0);
  cr_assert(r.ok, "fetch failed: %s", r.err);
  server_stop(&srv);
  cr_assert_eq(srv.nrequests, 2);
  cr_assert_str_eq(srv.requests[0].method, "GET");
  cr_assert_str_eq(srv.requests[0].target, "/big");
  cr_assert_null(header_of(&srv.requests[0], "content-length"));
  cr_assert_null(header_of(&srv.requests[0], "transfer-encoding"));
  cr_assert_eq(srv.requests[0].body_len, 0);
  cr_assert_eq(srv.requests[0].nheaders, 1, "host only");
  cr_assert_str_eq(srv.requests[1].method, "PURGE");
  fx_close(&f);
  server_free(&srv);
  free(data);
}

/* A request body larger than what Wasmtime buffers (1 MiB chunks, one at
 * a time): the guest writes as check-write permits, after the request is
 * sent. */
Test(wasi_http, a_large_request_body) {
  size_t big = 5 * 1024 * 1024 + 3;
  uint8_t *data = pattern(big, 11);
  server srv = {.status = 204, .reason = "No Content"};
  server_start(&srv);
  fx_http f;
  fx_open(&f, NULL);
  reply r = fetch(&f, "PUT", srv.port, "/upload", NULL, 0, data, big);
  server_stop(&srv);
  cr_assert(r.ok, "fetch failed: %s", r.err);
  cr_assert_eq(r.status, 204);
  cr_assert_eq(r.body.len, 0);
  cr_assert_eq(srv.nrequests, 1);
  cr_assert_str_eq(srv.requests[0].method, "PUT");
  cr_assert_eq(srv.requests[0].body_len, big);
  cr_assert_eq(memcmp(srv.requests[0].body, data, big), 0);
  fx_close(&f);
  server_free(&srv);
  free(data);
}

/* Nothing listens: the guest gets the error code connection-refused, as
 * its err; the call, the store and the instance are fine, and the next
 * request in the same store goes through. */
Test(wasi_http, a_closed_port_is_an_error_in_the_guest) {
  uint16_t port = closed_port();
  fx_http f;
  fx_open(&f, NULL);
  reply r = fetch(&f, "GET", port, "/", NULL, 0, NULL, 0);
  cr_assert_not(r.ok);
  cr_assert_str_eq(r.err, "connection-refused");
  /* With a body too: the write fails, the error is still the refusal. */
  r = fetch(&f, "POST", port, "/", NULL, 0, "abc", 3);
  cr_assert_not(r.ok);
  cr_assert_str_eq(r.err, "connection-refused");
  server srv = {.status = 200, .reason = "OK", .body = (const uint8_t *)"up",
                .body_len = 2};
  server_start(&srv);
  r = fetch(&f, "GET", srv.port, "/again", NULL, 0, NULL, 0);
  server_stop(&srv);
  cr_assert(r.ok, "fetch failed: %s", r.err);
  cr_assert_eq(r.body.len, 2);
  cr_assert_eq(memcmp(r.body.data, "up", 2), 0);
  cr_assert_str_eq(srv.requests[0].target, "/again");
  fx_close(&f);
  server_free(&srv);
}

/* Headers Wasmtime forbids a guest to set are refused in the guest
 * (header-error forbidden), before anything is sent. */
Test(wasi_http, forbidden_headers) {
  server srv = {.status = 200, .reason = "OK"};
  server_start(&srv);
  fx_http f;
  fx_open(&f, NULL);
  const char *names[] = {"host", "connection", "transfer-encoding", "upgrade"};
  for (size_t i = 0; i < 4; i++) {
    hdr h = {names[i], "x"};
    reply r = fetch(&f, "GET", srv.port, "/", &h, 1, NULL, 0);
    char want[64];
    snprintf(want, sizeof want, "header %s: forbidden", names[i]);
    cr_assert_not(r.ok);
    cr_assert_str_eq(r.err, want);
  }
  server_stop(&srv);
  cr_assert_eq(srv.nrequests, 0);
  fx_close(&f);
  server_free(&srv);
}

/* wasi:http reaches the network, so only a store whose WASI settings allow
 * it (wt_wasi_inherit_network()) instantiates through a linker with
 * wasi:http: a store with no WASI settings, or with settings without the
 * network, is refused before anything runs. Once allowed, the store keeps
 * its HTTP context: a later wt_store_set_wasi() replaces the WASI context
 * (the guest keeps no handles across calls, so its next request lives in
 * the new context's table) and HTTP works on. */
Test(wasi_http, http_needs_a_store_that_allows_the_network) {
  server srv = {.status = 200, .reason = "OK", .body = (const uint8_t *)"!",
                .body_len = 1};
  server_start(&srv);
  wt_engine_t *engine = engine_from(wt_config_new());
  fx_http f = {.engine = engine};
  f.component = load_guest(engine);
  OK(wt_component_linker_new(engine, &f.linker));
  OK(wt_component_linker_define_wasi(f.linker));
  OK(wt_component_linker_define_wasi_http(f.linker));
  OK(wt_arena_new(&f.arena));
  wt_component_instance_t inst;
  wt_store_t *bare;
  OK(wt_store_new(engine, NULL, NULL, &bare));
  EXPECT_ERROR(wt_component_linker_instantiate(f.linker, bare, f.component,
                                               &inst),
               WT_ERROR_MISUSE,
               "wt_component_linker_instantiate: the linker defines wasi:http, "
               "which reaches the network, and the store's WASI settings do "
               "not allow the network");
  wt_wasi_t *off = wt_wasi_new();
  cr_assert(wt_wasi_allow_ip_name_lookup(off, true));
  OK(wt_store_set_wasi(bare, off));
  EXPECT_ERROR(wt_component_linker_instantiate(f.linker, bare, f.component,
                                               &inst),
               WT_ERROR_MISUSE, "do not allow the network");
  wt_store_delete(bare);
  OK(wt_store_new(engine, NULL, NULL, &f.store));
  wt_wasi_t *on = wt_wasi_new();
  cr_assert(wt_wasi_inherit_network(on));
  OK(wt_store_set_wasi(f.store, on));
  guest_instantiate(&f);
  reply r = fetch(&f, "GET", srv.port, "/allowed", NULL, 0, NULL, 0);
  cr_assert(r.ok, "fetch failed: %s", r.err);
  OK(wt_store_set_wasi(f.store, off));
  r = fetch(&f, "GET", srv.port, "/after-set-wasi", NULL, 0, NULL, 0);
  cr_assert(r.ok, "fetch failed: %s", r.err);
  server_stop(&srv);
  cr_assert_eq(srv.nrequests, 2);
  cr_assert_str_eq(srv.requests[0].target, "/allowed");
  cr_assert_str_eq(srv.requests[1].target, "/after-set-wasi");
  wt_wasi_delete(on);
  wt_wasi_delete(off);
  fx_close(&f);
  server_free(&srv);
}

/* Without wt_component_linker_define_wasi_http() the guest does not link,
 * and the error names the interface. */
Test(wasi_http, the_guest_needs_wasi_http) {
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_component_t *c = load_guest(engine);
  wt_component_linker_t *l;
  OK(wt_component_linker_new(engine, &l));
  OK(wt_component_linker_define_wasi(l));
  wt_store_t *s;
  OK(wt_store_new(engine, NULL, NULL, &s));
  wt_component_instance_t inst;
  EXPECT_ERROR(wt_component_linker_instantiate(l, s, c, &inst), WT_ERROR_LINK,
               "wasi:http/");
  wt_store_delete(s);
  wt_component_linker_delete(l);
  wt_component_delete(c);
  wt_engine_delete(engine);
}

Test(wasi_http, define_misuse_and_shadowing) {
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_component_linker_t *l;
  OK(wt_component_linker_new(engine, &l));
  EXPECT_ERROR(wt_component_linker_define_wasi_http(NULL), WT_ERROR_MISUSE,
               "wt_component_linker_define_wasi_http: linker is NULL or deleted");
  EXPECT_ERROR(wt_component_linker_define_wasi_http(l), WT_ERROR_MISUSE,
               "the linker has no WASI preview 2: call wt_component_linker_define_wasi first");
  OK(wt_component_linker_define_wasi(l));
  OK(wt_component_linker_define_wasi_http(l));
  /* Twice: the names are taken, unless shadowing is on. */
  EXPECT_ERROR(wt_component_linker_define_wasi_http(l), WT_ERROR_LINK,
               "map entry `handle` defined twice");
  wt_component_linker_set_allow_shadowing(l, true);
  OK(wt_component_linker_define_wasi_http(l));
  /* WASI defined again after wasi:http: the HTTP functions stay, and so
   * must the stores' HTTP context; a fresh store still fetches. */
  OK(wt_component_linker_define_wasi(l));
  server srv = {.status = 200, .reason = "OK"};
  server_start(&srv);
  fx_http f = {.engine = engine, .linker = l};
  f.component = load_guest(engine);
  OK(wt_store_new(engine, NULL, NULL, &f.store));
  wt_wasi_t *w = wt_wasi_new();
  cr_assert(wt_wasi_inherit_network(w));
  OK(wt_store_set_wasi(f.store, w));
  wt_wasi_delete(w);
  OK(wt_arena_new(&f.arena));
  guest_instantiate(&f);
  reply r = fetch(&f, "GET", srv.port, "/shadowed", NULL, 0, NULL, 0);
  server_stop(&srv);
  cr_assert(r.ok, "fetch failed: %s", r.err);
  cr_assert_eq(srv.nrequests, 1);
  /* A deleted linker is refused. */
  wt_component_linker_delete(l);
  EXPECT_ERROR(wt_component_linker_define_wasi_http(l), WT_ERROR_MISUSE,
               "wt_component_linker_define_wasi_http: linker is NULL or deleted");
  f.linker = NULL;
  fx_close(&f);
  server_free(&srv);
}

/* Waiting for a response is host code, which an epoch deadline does not
 * interrupt: with a 100 ms timeout and a server that answers after 1 s,
 * the call traps with an interrupt once the wait is over and wasm runs. */
Test(wasi_http, a_timeout_takes_effect_after_the_wait) {
  server srv = {.status = 200, .reason = "OK", .delay_ms = 1000};
  server_start(&srv);
  wt_config_t *config = wt_config_new();
  cr_assert(wt_config_set_epoch_interruption(config, true));
  fx_http f;
  fx_open(&f, config);
  char authority[32];
  snprintf(authority, sizeof authority, "127.0.0.1:%u", (unsigned)srv.port);
  wt_cval_t args[5] = {strv("GET"), strv(authority), strv("/slow"),
                       {.kind = WT_CVAL_LIST}, bytesv(NULL, 0)};
  wt_cval_t r;
  OK(wt_store_set_timeout(f.store, 100));
  uint64_t start = now_ms();
  wt_error_t *err =
      wt_component_func_call(f.store, &f.fetch, args, 5, &r, 1, f.arena);
  uint64_t took = now_ms() - start;
  server_stop(&srv);
  expect_trap(err, WT_TRAP_INTERRUPT);
  cr_assert_geq(took, 1000, "the call returned after %llu ms",
                (unsigned long long)took);
  cr_assert_eq(srv.nrequests, 1);
  fx_close(&f);
  server_free(&srv);
}
