/* The wasi:sockets test guest (the world sockets of wit/sockets.wit): a TCP
 * client and a name lookup, each reporting the first step that failed and
 * the error-code it gave, so that tests/test_wasi_sockets.c can tell what
 * the host allowed. It makes no WASI preview 1 call: everything goes
 * through the wasi:sockets and wasi:io imports. */
#include <stdlib.h>
#include <string.h>

#include "sockets.h"

typedef wasi_sockets_network_error_code_t error_code;

/* The names of wasi:sockets/network's error-code cases, in declaration
 * order. */
static const char *const code_names[] = {
    "unknown",
    "access-denied",
    "not-supported",
    "invalid-argument",
    "out-of-memory",
    "timeout",
    "concurrency-conflict",
    "not-in-progress",
    "would-block",
    "invalid-state",
    "new-socket-limit",
    "address-not-bindable",
    "address-in-use",
    "remote-unreachable",
    "connection-refused",
    "connection-reset",
    "connection-aborted",
    "datagram-too-large",
    "name-unresolvable",
    "temporary-resolver-failure",
    "permanent-resolver-failure",
};

/* Sets *err to "<step>: <text>" (freed by the bindings after the call
 * returns) and returns false, for `return fail(...)`. */
static bool fail_text(sockets_string_t *err, const char *step,
                      const char *text) {
  size_t a = strlen(step), b = strlen(text);
  uint8_t *s = malloc(a + 2 + b);
  if (!s)
    abort();
  memcpy(s, step, a);
  memcpy(s + a, ": ", 2);
  memcpy(s + a + 2, text, b);
  err->ptr = s;
  err->len = a + 2 + b;
  return false;
}

static bool fail(sockets_string_t *err, const char *step, error_code code) {
  if (code < sizeof code_names / sizeof code_names[0])
    return fail_text(err, step, code_names[code]);
  return fail_text(err, step, "an error-code this guest does not know");
}

/* Blocks until the pollable is ready, and drops it. */
static void wait_for(wasi_io_poll_own_pollable_t p) {
  wasi_io_poll_method_pollable_block(wasi_io_poll_borrow_pollable(p));
  wasi_io_poll_pollable_drop_own(p);
}

/* Writes all of `message`, at most 4096 bytes per blocking-write-and-flush
 * (the most the interface promises to take at once). */
static bool write_all(wasi_io_streams_borrow_output_stream_t out,
                      const sockets_list_u8_t *message,
                      sockets_string_t *err) {
  size_t done = 0;
  while (done < message->len) {
    size_t n = message->len - done;
    if (n > 4096)
      n = 4096;
    sockets_list_u8_t chunk = {message->ptr + done, n};
    wasi_io_streams_stream_error_t e;
    if (!wasi_io_streams_method_output_stream_blocking_write_and_flush(
            out, &chunk, &e)) {
      if (e.tag == WASI_IO_STREAMS_STREAM_ERROR_CLOSED)
        return fail_text(err, "write", "closed");
      wasi_io_error_error_drop_own(e.val.last_operation_failed);
      return fail_text(err, "write", "last-operation-failed");
    }
    done += n;
  }
  return true;
}

bool exports_sockets_connect(sockets_tuple4_u8_u8_u8_u8_t *ip, uint16_t port,
                             sockets_list_u8_t *message,
                             sockets_string_t *err) {
  bool ok = false;
  wasi_sockets_network_own_network_t net =
      wasi_sockets_instance_network_instance_network();
  wasi_sockets_tcp_own_tcp_socket_t sock;
  error_code code;
  if (!wasi_sockets_tcp_create_socket_create_tcp_socket(
          WASI_SOCKETS_NETWORK_IP_ADDRESS_FAMILY_IPV4, &sock, &code)) {
    fail(err, "create-tcp-socket", code);
    goto drop_network;
  }
  wasi_sockets_tcp_borrow_tcp_socket_t s =
      wasi_sockets_tcp_borrow_tcp_socket(sock);

  wasi_sockets_network_ip_socket_address_t remote = {
      .tag = WASI_SOCKETS_NETWORK_IP_SOCKET_ADDRESS_IPV4,
      .val.ipv4 = {.port = port,
                   .address = {ip->f0, ip->f1, ip->f2, ip->f3}},
  };
  if (!wasi_sockets_tcp_method_tcp_socket_start_connect(
          s, wasi_sockets_network_borrow_network(net), &remote, &code)) {
    fail(err, "start-connect", code);
    goto drop_socket;
  }
  wasi_sockets_tcp_tuple2_own_input_stream_own_output_stream_t streams;
  for (;;) {
    wait_for(wasi_sockets_tcp_method_tcp_socket_subscribe(s));
    if (wasi_sockets_tcp_method_tcp_socket_finish_connect(s, &streams, &code))
      break;
    if (code != WASI_SOCKETS_NETWORK_ERROR_CODE_WOULD_BLOCK) {
      fail(err, "finish-connect", code);
      goto drop_socket;
    }
  }

  ok = write_all(wasi_io_streams_borrow_output_stream(streams.f1), message,
                 err);
  if (ok && !wasi_sockets_tcp_method_tcp_socket_shutdown(
                s, WASI_SOCKETS_TCP_SHUTDOWN_TYPE_BOTH, &code))
    ok = fail(err, "shutdown", code);
  /* The streams are children of the socket: they go first. */
  wasi_io_streams_output_stream_drop_own(streams.f1);
  wasi_io_streams_input_stream_drop_own(streams.f0);
drop_socket:
  wasi_sockets_tcp_tcp_socket_drop_own(sock);
drop_network:
  wasi_sockets_network_network_drop_own(net);
  sockets_list_u8_free(message);
  return ok;
}

bool exports_sockets_lookup(sockets_string_t *name,
                            sockets_list_tuple4_u8_u8_u8_u8_t *ret,
                            sockets_string_t *err) {
  bool ok = false;
  ret->ptr = NULL;
  ret->len = 0;
  size_t cap = 0;
  wasi_sockets_network_own_network_t net =
      wasi_sockets_instance_network_instance_network();
  wasi_sockets_ip_name_lookup_own_resolve_address_stream_t stream;
  error_code code;
  if (!wasi_sockets_ip_name_lookup_resolve_addresses(
          wasi_sockets_network_borrow_network(net), name, &stream, &code)) {
    fail(err, "resolve-addresses", code);
    goto drop_network;
  }
  wasi_sockets_ip_name_lookup_borrow_resolve_address_stream_t st =
      wasi_sockets_ip_name_lookup_borrow_resolve_address_stream(stream);
  for (;;) {
    wasi_sockets_ip_name_lookup_option_ip_address_t next;
    if (!wasi_sockets_ip_name_lookup_method_resolve_address_stream_resolve_next_address(
            st, &next, &code)) {
      if (code == WASI_SOCKETS_NETWORK_ERROR_CODE_WOULD_BLOCK) {
        wait_for(
            wasi_sockets_ip_name_lookup_method_resolve_address_stream_subscribe(
                st));
        continue;
      }
      fail(err, "resolve-next-address", code);
      break;
    }
    if (!next.is_some) {
      ok = true;
      break;
    }
    if (next.val.tag != WASI_SOCKETS_NETWORK_IP_ADDRESS_IPV4)
      continue;
    if (ret->len == cap) {
      cap = cap ? 2 * cap : 4;
      sockets_tuple4_u8_u8_u8_u8_t *grown =
          realloc(ret->ptr, cap * sizeof *grown);
      if (!grown) {
        fail_text(err, "lookup", "out of memory");
        break;
      }
      ret->ptr = grown;
    }
    wasi_sockets_network_ipv4_address_t a = next.val.val.ipv4;
    ret->ptr[ret->len++] = (sockets_tuple4_u8_u8_u8_u8_t){a.f0, a.f1, a.f2,
                                                          a.f3};
  }
  wasi_sockets_ip_name_lookup_resolve_address_stream_drop_own(stream);
drop_network:
  wasi_sockets_network_network_drop_own(net);
  sockets_string_free(name);
  if (!ok) {
    free(ret->ptr);
    ret->ptr = NULL;
    ret->len = 0;
  }
  return ok;
}
