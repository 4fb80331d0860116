/* The `pure` world (wit/test.wit): the interface wt:test/values, every kind
 * of value wt can pass, and no imports at all (it calls no WASI function, so
 * the component needs no adapter).
 *
 * Ownership follows wit-bindgen's C bindings: an export owns its arguments
 * and frees them (the *_free helpers free nothing for empty lists and
 * strings); what it returns is freed by the generated post-return function
 * after the host has copied it, so a result may reuse an argument's memory.
 */
#include <stdlib.h>
#include <string.h>

#include "pure.h"

typedef exports_wt_test_values_point_t point_t;
typedef exports_wt_test_values_person_t person_t;
typedef exports_wt_test_values_shape_t shape_t;

/* realloc() that never returns NULL: malloc'ed memory is what the
 * bindings free. */
static void *grow_to(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p)
    abort();
  return p;
}

uint32_t exports_wt_test_values_add(uint32_t a, uint32_t b) { return a + b; }

void exports_wt_test_values_echo(pure_string_t *s, pure_string_t *ret) {
  *ret = *s; /* the argument's memory becomes the result's */
}

uint32_t exports_wt_test_values_count(pure_list_u8_t *bytes) {
  uint32_t sum = 0;
  for (size_t i = 0; i < bytes->len; i++)
    sum += bytes->ptr[i];
  pure_list_u8_free(bytes);
  return sum;
}

void exports_wt_test_values_echo_bytes(pure_list_u8_t *bytes,
                                       pure_list_u8_t *ret) {
  *ret = *bytes;
}

void exports_wt_test_values_swap_quad(exports_wt_test_values_quad_t *q,
                                      exports_wt_test_values_quad_t *ret) {
  ret->a = q->a + 1;
  ret->b = q->b * 2;
  ret->c = q->c / 2;
  ret->d = !q->d;
}

void exports_wt_test_values_flip(point_t *p, point_t *ret) {
  ret->x = p->y;
  ret->y = p->x;
}

void exports_wt_test_values_shift(exports_wt_test_values_list_point_t *ps,
                                  int32_t dx, int32_t dy,
                                  exports_wt_test_values_list_point_t *ret) {
  for (size_t i = 0; i < ps->len; i++) {
    ps->ptr[i].x += dx;
    ps->ptr[i].y += dy;
  }
  *ret = *ps; /* shifted in place */
}

/* A growing string in guest memory. */
typedef struct buf {
  char *data;
  size_t len, cap;
} buf_t;

static void put(buf_t *b, const void *bytes, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 32;
    while (cap < b->len + n)
      cap *= 2;
    b->data = grow_to(b->data, cap);
    b->cap = cap;
  }
  memcpy(b->data + b->len, bytes, n);
  b->len += n;
}

static void puts_(buf_t *b, const char *s) { put(b, s, strlen(s)); }

/* A decimal integer (no printf: it would bring in more of libc). */
static void putint(buf_t *b, long long v) {
  char tmp[24];
  size_t i = sizeof tmp;
  unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
  do {
    tmp[--i] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0)
    tmp[--i] = '-';
  put(b, tmp + i, sizeof tmp - i);
}

void exports_wt_test_values_describe(person_t *p, pure_string_t *ret) {
  buf_t b = {0};
  put(&b, p->name.ptr, p->name.len);
  puts_(&b, " (");
  putint(&b, p->age);
  puts_(&b, "): ");
  for (size_t i = 0; i < p->tags.len; i++) {
    if (i)
      puts_(&b, ",");
    put(&b, p->tags.ptr[i].ptr, p->tags.ptr[i].len);
  }
  if (p->home.is_some) {
    puts_(&b, " @");
    putint(&b, p->home.val.x);
    puts_(&b, ",");
    putint(&b, p->home.val.y);
  } else {
    puts_(&b, " @nowhere");
  }
  exports_wt_test_values_person_free(p);
  ret->ptr = (uint8_t *)b.data;
  ret->len = b.len;
}

void exports_wt_test_values_birthday(person_t *p, person_t *ret) {
  /* The name, the other tags and the home move into the result; the tag
   * list grows by one. */
  *ret = *p;
  ret->age = (uint8_t)(p->age + 1);
  size_t n = p->tags.len;
  pure_string_t *tags = grow_to(NULL, (n + 1) * sizeof *tags);
  if (n)
    memcpy(tags, p->tags.ptr, n * sizeof *tags);
  pure_string_dup(&tags[n], "older");
  if (n)
    free(p->tags.ptr);
  ret->tags.ptr = tags;
  ret->tags.len = n + 1;
}

exports_wt_test_values_color_t
exports_wt_test_values_next_color(exports_wt_test_values_color_t c) {
  return (exports_wt_test_values_color_t)((c + 1) % 3);
}

bool exports_wt_test_values_half(uint32_t x, uint32_t *ret) {
  if (x % 2)
    return false;
  *ret = x / 2;
  return true;
}

bool exports_wt_test_values_divide(uint32_t a, uint32_t b, uint32_t *ret,
                                   pure_string_t *err) {
  if (b == 0) {
    pure_string_dup(err, "division by zero");
    return false;
  }
  *ret = a / b;
  return true;
}

bool exports_wt_test_values_check(uint32_t x) { return x % 2 == 0; }

void exports_wt_test_values_swap_pair(pure_tuple2_u32_string_t *t,
                                      pure_tuple3_string_u32_u64_t *ret) {
  ret->f0 = t->f1;
  ret->f1 = t->f0;
  ret->f2 = (uint64_t)t->f0 + t->f1.len;
}

uint64_t exports_wt_test_values_area(shape_t *s) {
  uint64_t area = 0;
  switch (s->tag) {
  case EXPORTS_WT_TEST_VALUES_SHAPE_EMPTY:
    break;
  case EXPORTS_WT_TEST_VALUES_SHAPE_CIRCLE: {
    uint64_t r = s->val.circle;
    area = r * r * 355 / 113; /* pi r^2, rounded down */
    break;
  }
  case EXPORTS_WT_TEST_VALUES_SHAPE_RECT:
    area = (uint64_t)((int64_t)s->val.rect.x * s->val.rect.y);
    break;
  case EXPORTS_WT_TEST_VALUES_SHAPE_LABEL:
    area = s->val.label.len;
    break;
  }
  exports_wt_test_values_shape_free(s);
  return area;
}

void exports_wt_test_values_grow(shape_t *s, shape_t *ret) {
  *ret = *s;
  switch (s->tag) {
  case EXPORTS_WT_TEST_VALUES_SHAPE_CIRCLE:
    ret->val.circle = s->val.circle + 1;
    break;
  case EXPORTS_WT_TEST_VALUES_SHAPE_RECT:
    ret->val.rect.x = s->val.rect.x + 1;
    break;
  case EXPORTS_WT_TEST_VALUES_SHAPE_LABEL: {
    size_t n = s->val.label.len;
    uint8_t *p = grow_to(n ? s->val.label.ptr : NULL, n + 1);
    p[n] = '!';
    ret->val.label.ptr = p;
    ret->val.label.len = n + 1;
    break;
  }
  default:
    break;
  }
}

exports_wt_test_values_perms_t
exports_wt_test_values_allow_write(exports_wt_test_values_perms_t p) {
  return (exports_wt_test_values_perms_t)((p | EXPORTS_WT_TEST_VALUES_PERMS_WRITE) &
                                          ~EXPORTS_WT_TEST_VALUES_PERMS_EXEC);
}

exports_wt_test_values_perms_t exports_wt_test_values_perms_of(uint32_t mode) {
  exports_wt_test_values_perms_t p = 0;
  if (mode & 4)
    p |= EXPORTS_WT_TEST_VALUES_PERMS_READ;
  if (mode & 2)
    p |= EXPORTS_WT_TEST_VALUES_PERMS_WRITE;
  if (mode & 1)
    p |= EXPORTS_WT_TEST_VALUES_PERMS_EXEC;
  return p;
}

bool exports_wt_test_values_lengths(pure_list_string_t *xs,
                                    pure_list_u32_t *ret) {
  size_t n = xs->len;
  if (n == 0)
    return false;
  uint32_t *lens = grow_to(NULL, n * sizeof *lens);
  for (size_t i = 0; i < n; i++)
    lens[i] = (uint32_t)xs->ptr[i].len;
  pure_list_string_free(xs);
  ret->ptr = lens;
  ret->len = n;
  return true;
}
