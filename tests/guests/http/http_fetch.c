/* The `http-fetch` world (wit/fetch.wit): one outgoing HTTP request through
 * wasi:http/outgoing-handler, the way a client written against WASI 0.2
 * does it. The request's headers are built in a `fields`, the body is
 * written to the outgoing body's stream as far as check-write allows
 * (blocking on the stream's pollable when it allows nothing), the
 * response is awaited on the future's pollable, and the response body is
 * read until the stream is closed, blocking on its pollable whenever it
 * has nothing yet. Every failure becomes the export's err: the name of the
 * wasi:http error-code or header-error case.
 *
 * Ownership follows wit-bindgen's C bindings: the export owns its
 * arguments and frees them; what it returns (malloc'ed) is freed by the
 * generated post-return function; an import borrows its arguments and
 * gives the caller what it returns. Child resources (a stream, a
 * pollable) are dropped before their parents, as wasi:http requires.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_fetch.h"

typedef http_fetch_string_t string_t;
typedef http_fetch_list_u8_t bytes_t;
typedef http_fetch_list_tuple2_string_list_u8_t header_list_t;
typedef exports_wt_http_test_fetcher_response_t response_t;
typedef wasi_http_types_error_code_t error_code_t;

/* The cases of wasi:http/types.error-code, in declaration order, spelled
 * as the WIT spells them. */
static const char *const error_names[] = {
    "DNS-timeout",
    "DNS-error",
    "destination-not-found",
    "destination-unavailable",
    "destination-IP-prohibited",
    "destination-IP-unroutable",
    "connection-refused",
    "connection-terminated",
    "connection-timeout",
    "connection-read-timeout",
    "connection-write-timeout",
    "connection-limit-reached",
    "TLS-protocol-error",
    "TLS-certificate-error",
    "TLS-alert-received",
    "HTTP-request-denied",
    "HTTP-request-length-required",
    "HTTP-request-body-size",
    "HTTP-request-method-invalid",
    "HTTP-request-URI-invalid",
    "HTTP-request-URI-too-long",
    "HTTP-request-header-section-size",
    "HTTP-request-header-size",
    "HTTP-request-trailer-section-size",
    "HTTP-request-trailer-size",
    "HTTP-response-incomplete",
    "HTTP-response-header-section-size",
    "HTTP-response-header-size",
    "HTTP-response-body-size",
    "HTTP-response-trailer-section-size",
    "HTTP-response-trailer-size",
    "HTTP-response-transfer-coding",
    "HTTP-response-content-coding",
    "HTTP-response-timeout",
    "HTTP-upgrade-failed",
    "HTTP-protocol-error",
    "loop-detected",
    "configuration-error",
    "internal-error",
};

static const char *const header_error_names[] = {"invalid-syntax", "forbidden",
                                                 "immutable"};

static void *must(void *p) {
  if (!p)
    abort();
  return p;
}

/* Sets *err to a copy of `text`; returns false, for `return fail(...)`. */
static bool fail(string_t *err, const char *text) {
  http_fetch_string_dup(err, text);
  return false;
}

/* The error code's case name, with internal-error's message when it has
 * one; frees the code. */
static bool fail_code(string_t *err, error_code_t *code) {
  char text[512];
  if (code->tag >= sizeof error_names / sizeof error_names[0])
    snprintf(text, sizeof text, "error-code %u", (unsigned)code->tag);
  else if (code->tag == WASI_HTTP_TYPES_ERROR_CODE_INTERNAL_ERROR &&
           code->val.internal_error.is_some)
    snprintf(text, sizeof text, "internal-error: %.*s",
             (int)code->val.internal_error.val.len,
             (const char *)code->val.internal_error.val.ptr);
  else
    snprintf(text, sizeof text, "%s", error_names[code->tag]);
  wasi_http_types_error_code_free(code);
  return fail(err, text);
}

static bool fail_header(string_t *err, const string_t *name,
                        wasi_http_types_header_error_t herr) {
  char text[300];
  snprintf(text, sizeof text, "header %.*s: %s", (int)name->len,
           (const char *)name->ptr,
           herr.tag < 3 ? header_error_names[herr.tag] : "header-error");
  return fail(err, text);
}

/* The error behind a stream's last-operation-failed, as an error-code
 * name when wasi:http knows it, else as the error's debug text. Drops the
 * error. */
static bool fail_stream(string_t *err, wasi_io_streams_stream_error_t *serr,
                        const char *what) {
  if (serr->tag == WASI_IO_STREAMS_STREAM_ERROR_CLOSED) {
    char text[100];
    snprintf(text, sizeof text, "%s: stream closed", what);
    return fail(err, text);
  }
  wasi_io_error_own_error_t e = serr->val.last_operation_failed;
  error_code_t code;
  if (wasi_http_types_http_error_code(wasi_io_error_borrow_error(e), &code)) {
    wasi_io_error_error_drop_own(e);
    return fail_code(err, &code);
  }
  string_t debug;
  wasi_io_error_method_error_to_debug_string(wasi_io_error_borrow_error(e),
                                             &debug);
  wasi_io_error_error_drop_own(e);
  char text[400];
  snprintf(text, sizeof text, "%s: %.*s", what, (int)debug.len,
           (const char *)debug.ptr);
  http_fetch_string_free(&debug);
  return fail(err, text);
}

static wasi_http_types_method_t method_of(const string_t *name) {
  static const char *const known[] = {"GET",     "HEAD",    "POST",
                                      "PUT",     "DELETE",  "CONNECT",
                                      "OPTIONS", "TRACE",   "PATCH"};
  wasi_http_types_method_t m = {0};
  for (uint8_t i = 0; i < 9; i++)
    if (strlen(known[i]) == name->len &&
        memcmp(known[i], name->ptr, name->len) == 0) {
      m.tag = i; /* WASI_HTTP_TYPES_METHOD_GET ... _PATCH */
      return m;
    }
  m.tag = WASI_HTTP_TYPES_METHOD_OTHER;
  m.val.other = *name; /* borrowed by set-method */
  return m;
}

/* Blocks until `p` is ready, then drops it. */
static void wait_for(wasi_io_poll_own_pollable_t p) {
  wasi_io_poll_method_pollable_block(wasi_io_poll_borrow_pollable(p));
  wasi_io_poll_pollable_drop_own(p);
}

/* Writes all of `body` to the outgoing body's stream and flushes it.
 * False with *err set when the stream fails. */
static bool write_body(wasi_http_types_borrow_outgoing_body_t ob,
                       const bytes_t *body, string_t *err) {
  wasi_http_types_own_output_stream_t out;
  if (!wasi_http_types_method_outgoing_body_write(ob, &out))
    return fail(err, "outgoing-body.write refused");
  wasi_io_streams_borrow_output_stream_t s =
      wasi_io_streams_borrow_output_stream(out);
  wasi_io_streams_stream_error_t serr;
  bool ok = true;
  size_t done = 0;
  while (ok && done < body->len) {
    uint64_t permit;
    if (!wasi_io_streams_method_output_stream_check_write(s, &permit, &serr)) {
      ok = false;
      break;
    }
    if (permit == 0) {
      wait_for(wasi_io_streams_method_output_stream_subscribe(s));
      continue;
    }
    size_t n = body->len - done;
    if (n > permit)
      n = (size_t)permit;
    bytes_t chunk = {body->ptr + done, n};
    if ((ok = wasi_io_streams_method_output_stream_write(s, &chunk, &serr)))
      done += n;
  }
  /* Flushing completes when check-write allows writing again. */
  if (ok)
    ok = wasi_io_streams_method_output_stream_flush(s, &serr);
  if (ok) {
    uint64_t permit;
    wait_for(wasi_io_streams_method_output_stream_subscribe(s));
    ok = wasi_io_streams_method_output_stream_check_write(s, &permit, &serr);
  }
  /* The request is on its way while the body is written, and the sender
   * knows its content-length: once it has every byte it may close the
   * stream. That is the end of the body, not a failure. */
  if (!ok && done == body->len &&
      serr.tag == WASI_IO_STREAMS_STREAM_ERROR_CLOSED)
    ok = true;
  wasi_io_streams_output_stream_drop_own(out);
  return ok || fail_stream(err, &serr, "request body");
}

/* Reads the incoming body to its end into *body (malloc'ed). */
static bool read_body(wasi_http_types_borrow_incoming_response_t resp,
                      bytes_t *body, string_t *err) {
  wasi_http_types_own_incoming_body_t ib;
  if (!wasi_http_types_method_incoming_response_consume(resp, &ib))
    return fail(err, "incoming-response.consume refused");
  wasi_http_types_own_input_stream_t in;
  if (!wasi_http_types_method_incoming_body_stream(
          wasi_http_types_borrow_incoming_body(ib), &in)) {
    wasi_http_types_incoming_body_drop_own(ib);
    return fail(err, "incoming-body.stream refused");
  }
  wasi_io_streams_borrow_input_stream_t s =
      wasi_io_streams_borrow_input_stream(in);
  size_t len = 0, cap = 0;
  uint8_t *data = NULL;
  wasi_io_streams_stream_error_t serr;
  bool ok = true;
  for (;;) {
    bytes_t chunk;
    if (!wasi_io_streams_method_input_stream_read(s, 64 * 1024, &chunk,
                                                  &serr)) {
      ok = serr.tag == WASI_IO_STREAMS_STREAM_ERROR_CLOSED; /* the end */
      break;
    }
    if (chunk.len == 0) { /* nothing yet */
      wait_for(wasi_io_streams_method_input_stream_subscribe(s));
      continue;
    }
    if (len + chunk.len > cap) {
      cap = cap ? cap * 2 : 64 * 1024;
      while (cap < len + chunk.len)
        cap *= 2;
      data = must(realloc(data, cap));
    }
    memcpy(data + len, chunk.ptr, chunk.len);
    len += chunk.len;
    http_fetch_list_u8_free(&chunk);
  }
  wasi_io_streams_input_stream_drop_own(in);
  /* The trailers are not read: dropping the future lets them go. */
  wasi_http_types_future_trailers_drop_own(
      wasi_http_types_static_incoming_body_finish(ib));
  if (!ok) {
    free(data);
    return fail_stream(err, &serr, "response body");
  }
  *body = (bytes_t){data, len};
  return true;
}

/* The response's headers, moved into the export's representation. */
static void take_headers(wasi_http_types_borrow_incoming_response_t resp,
                         header_list_t *out) {
  wasi_http_types_own_headers_t h =
      wasi_http_types_method_incoming_response_headers(resp);
  wasi_http_types_list_tuple2_field_name_field_value_t entries;
  wasi_http_types_method_fields_entries(wasi_http_types_borrow_fields(h),
                                        &entries);
  wasi_http_types_fields_drop_own(h);
  out->len = entries.len;
  out->ptr = entries.len ? must(malloc(entries.len * sizeof *out->ptr)) : NULL;
  for (size_t i = 0; i < entries.len; i++) {
    out->ptr[i].f0 = entries.ptr[i].f0;
    out->ptr[i].f1 = (bytes_t){entries.ptr[i].f1.ptr, entries.ptr[i].f1.len};
  }
  free(entries.ptr); /* the names and values now belong to *out */
}

static bool fetch(string_t *method, string_t *authority, string_t *path,
                  header_list_t *headers, bytes_t *body, response_t *ret,
                  string_t *err) {
  /* The request's headers. */
  wasi_http_types_own_fields_t fields = wasi_http_types_constructor_fields();
  wasi_http_types_borrow_fields_t bf = wasi_http_types_borrow_fields(fields);
  wasi_http_types_header_error_t herr;
  for (size_t i = 0; i < headers->len; i++) {
    wasi_http_types_field_value_t v = {headers->ptr[i].f1.ptr,
                                       headers->ptr[i].f1.len};
    if (!wasi_http_types_method_fields_append(bf, &headers->ptr[i].f0, &v,
                                              &herr)) {
      wasi_http_types_fields_drop_own(fields);
      return fail_header(err, &headers->ptr[i].f0, herr);
    }
  }
  if (body->len) {
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%zu", body->len);
    string_t name = {(uint8_t *)"content-length", 14};
    wasi_http_types_field_value_t v = {(uint8_t *)digits, (size_t)n};
    if (!wasi_http_types_method_fields_append(bf, &name, &v, &herr)) {
      wasi_http_types_fields_drop_own(fields);
      return fail_header(err, &name, herr);
    }
  }

  /* The request; it takes the fields over. */
  wasi_http_types_own_outgoing_request_t req =
      wasi_http_types_constructor_outgoing_request(fields);
  wasi_http_types_borrow_outgoing_request_t br =
      wasi_http_types_borrow_outgoing_request(req);
  wasi_http_types_method_t m = method_of(method);
  wasi_http_types_scheme_t scheme = {.tag = WASI_HTTP_TYPES_SCHEME_HTTP};
  const char *refused = NULL;
  if (!wasi_http_types_method_outgoing_request_set_method(br, &m))
    refused = "the method is not valid";
  else if (!wasi_http_types_method_outgoing_request_set_scheme(br, &scheme))
    refused = "the scheme is not valid";
  else if (!wasi_http_types_method_outgoing_request_set_authority(br,
                                                                 authority))
    refused = "the authority is not valid";
  else if (!wasi_http_types_method_outgoing_request_set_path_with_query(br,
                                                                       path))
    refused = "the path is not valid";
  wasi_http_types_own_outgoing_body_t ob;
  bool has_body = false;
  if (!refused && body->len) {
    if (wasi_http_types_method_outgoing_request_body(br, &ob))
      has_body = true;
    else
      refused = "outgoing-request.body refused";
  }
  if (refused) {
    wasi_http_types_outgoing_request_drop_own(req);
    return fail(err, refused);
  }

  /* Sent: the request is gone, its body is written after. */
  wasi_http_types_own_future_incoming_response_t future;
  error_code_t code;
  if (!wasi_http_outgoing_handler_handle(req, NULL, &future, &code)) {
    if (has_body)
      wasi_http_types_outgoing_body_drop_own(ob);
    return fail_code(err, &code);
  }
  string_t body_err = {0};
  bool body_ok = true;
  if (has_body) {
    body_ok = write_body(wasi_http_types_borrow_outgoing_body(ob), body,
                         &body_err);
    if (body_ok) {
      if (!wasi_http_types_static_outgoing_body_finish(ob, NULL, &code))
        body_ok = fail_code(&body_err, &code);
    } else {
      wasi_http_types_outgoing_body_drop_own(ob);
    }
  }

  /* The response: its future's pollable is ready once it is there (or
   * failed). A failure to connect shows here, and it says more than the
   * body's failure it caused. */
  wasi_http_types_borrow_future_incoming_response_t bfut =
      wasi_http_types_borrow_future_incoming_response(future);
  wait_for(wasi_http_types_method_future_incoming_response_subscribe(bfut));
  wasi_http_types_result_result_own_incoming_response_error_code_void_t got;
  bool ready =
      wasi_http_types_method_future_incoming_response_get(bfut, &got);
  wasi_http_types_future_incoming_response_drop_own(future);
  if (!ready || got.is_err) {
    http_fetch_string_free(&body_err);
    return fail(err, ready ? "the response was taken already"
                           : "the response is not ready after its pollable");
  }
  if (got.val.ok.is_err) {
    http_fetch_string_free(&body_err);
    return fail_code(err, &got.val.ok.val.err);
  }
  wasi_http_types_own_incoming_response_t resp = got.val.ok.val.ok;
  if (!body_ok) {
    wasi_http_types_incoming_response_drop_own(resp);
    *err = body_err;
    return false;
  }
  wasi_http_types_borrow_incoming_response_t bresp =
      wasi_http_types_borrow_incoming_response(resp);
  ret->status = wasi_http_types_method_incoming_response_status(bresp);
  take_headers(bresp, &ret->headers);
  bool ok = read_body(bresp, &ret->body, err);
  wasi_http_types_incoming_response_drop_own(resp);
  if (!ok)
    http_fetch_list_tuple2_string_list_u8_free(&ret->headers);
  return ok;
}

bool exports_wt_http_test_fetcher_fetch(string_t *method, string_t *authority,
                                        string_t *path, header_list_t *headers,
                                        bytes_t *body, response_t *ret,
                                        string_t *err) {
  bool ok = fetch(method, authority, path, headers, body, ret, err);
  http_fetch_string_free(method);
  http_fetch_string_free(authority);
  http_fetch_string_free(path);
  http_fetch_list_tuple2_string_list_u8_free(headers);
  http_fetch_list_u8_free(body);
  return ok;
}
