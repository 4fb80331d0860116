/* The `kitchen` world (wit/test.wit): the interface wt:test/api, with a
 * resource (counter), records, variants, enums, flags, lists, strings,
 * options, results and tuples, calling the imported wt:test/host.
 *
 * Ownership follows wit-bindgen's C bindings: an export owns its arguments
 * and frees them; what it returns is freed by the generated post-return
 * function after the host has copied it, so a result may reuse an
 * argument's memory; an import only borrows its arguments. A counter is
 * malloc'ed by its constructor and freed by its destructor, which the
 * runtime calls when the last owning handle is dropped (and which logs).
 */
#include <stdlib.h>
#include <string.h>

#include "kitchen.h"

typedef exports_wt_test_api_entry_t entry_t;
typedef exports_wt_test_api_event_t event_t;

struct exports_wt_test_api_counter_t {
  uint32_t value;
};

static void *must(void *p) {
  if (!p)
    abort();
  return p;
}

static void log_bytes(const void *bytes, size_t len) {
  kitchen_string_t msg = {(uint8_t *)bytes, len};
  wt_test_host_log(&msg);
}

static void log_str(const char *s) { log_bytes(s, strlen(s)); }

/* ---- the counter resource ---- */

exports_wt_test_api_own_counter_t
exports_wt_test_api_constructor_counter(uint32_t start) {
  exports_wt_test_api_counter_t *c = must(malloc(sizeof *c));
  c->value = start;
  return exports_wt_test_api_counter_new(c);
}

/* Logs "drop counter <value>", so the host sees the destructor run. */
void exports_wt_test_api_counter_destructor(exports_wt_test_api_counter_t *c) {
  char line[32] = "drop counter ", digits[12];
  size_t n = strlen(line), d = 0;
  uint32_t v = c->value;
  do {
    digits[d++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (d)
    line[n++] = digits[--d];
  log_bytes(line, n);
  free(c);
}

uint32_t exports_wt_test_api_method_counter_add(
    exports_wt_test_api_borrow_counter_t self, uint32_t n) {
  self->value += n;
  return self->value;
}

uint32_t
exports_wt_test_api_method_counter_get(exports_wt_test_api_borrow_counter_t self) {
  return self->value;
}

uint32_t exports_wt_test_api_double(exports_wt_test_api_borrow_counter_t c) {
  return c->value * 2;
}

exports_wt_test_api_own_counter_t
exports_wt_test_api_merge(exports_wt_test_api_borrow_counter_t a,
                          exports_wt_test_api_borrow_counter_t b) {
  return exports_wt_test_api_constructor_counter(a->value + b->value);
}

/* ---- functions ---- */

void exports_wt_test_api_greet(kitchen_string_t *name, kitchen_string_t *ret) {
  static const char hello[] = "hello, ";
  size_t n = sizeof hello - 1;
  uint8_t *s = must(malloc(n + name->len + 1));
  memcpy(s, hello, n);
  if (name->len)
    memcpy(s + n, name->ptr, name->len);
  ret->ptr = s;
  ret->len = n + name->len;
  kitchen_string_free(name);
  log_bytes(ret->ptr, ret->len);
}

uint32_t exports_wt_test_api_call_host(uint32_t x) {
  return wt_test_host_h(x) + 1;
}

void exports_wt_test_api_tally(exports_wt_test_api_list_entry_t *entries,
                               exports_wt_test_api_mode_t m,
                               exports_wt_test_api_tuple3_u32_level_mode_t *ret) {
  uint32_t sum = 0;
  for (size_t i = 0; i < entries->len; i++)
    sum += entries->ptr[i].value;
  exports_wt_test_api_list_entry_free(entries);
  ret->f0 = sum;
  ret->f1 = sum < 10    ? EXPORTS_WT_TEST_API_LEVEL_LOW
            : sum < 100 ? EXPORTS_WT_TEST_API_LEVEL_MID
                        : EXPORTS_WT_TEST_API_LEVEL_HIGH;
  ret->f2 = (exports_wt_test_api_mode_t)(m | EXPORTS_WT_TEST_API_MODE_LOUD);
}

bool exports_wt_test_api_lookup(exports_wt_test_api_list_entry_t *entries,
                                kitchen_string_t *key, uint32_t *ret) {
  bool found = false;
  for (size_t i = 0; i < entries->len && !found; i++) {
    const kitchen_string_t *k = &entries->ptr[i].key;
    if (k->len == key->len && (k->len == 0 || !memcmp(k->ptr, key->ptr, k->len))) {
      *ret = entries->ptr[i].value;
      found = true;
    }
  }
  exports_wt_test_api_list_entry_free(entries);
  kitchen_string_free(key);
  return found;
}

bool exports_wt_test_api_reverse(kitchen_list_u8_t *bytes,
                                 kitchen_list_u8_t *ret, kitchen_string_t *err) {
  if (bytes->len == 0) {
    kitchen_string_dup(err, "empty");
    return false;
  }
  for (size_t i = 0, j = bytes->len - 1; i < j; i++, j--) {
    uint8_t t = bytes->ptr[i];
    bytes->ptr[i] = bytes->ptr[j];
    bytes->ptr[j] = t;
  }
  *ret = *bytes; /* reversed in place */
  return true;
}

bool exports_wt_test_api_first_event(exports_wt_test_api_list_event_t *events,
                                     event_t *ret) {
  size_t found = events->len;
  for (size_t i = 0; i < events->len; i++) {
    if (events->ptr[i].tag != EXPORTS_WT_TEST_API_EVENT_IDLE) {
      found = i;
      break;
    }
  }
  /* The event found moves into the result; the others are freed here. */
  for (size_t i = 0; i < events->len; i++) {
    if (i != found)
      exports_wt_test_api_event_free(&events->ptr[i]);
  }
  if (found < events->len) {
    *ret = events->ptr[found];
    log_str("first event found");
  } else {
    log_str("no event");
  }
  if (events->len)
    free(events->ptr);
  return found < events->len;
}
