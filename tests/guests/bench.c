/* The `bench` world (wit/test.wit): small calls whose cost is mostly the
 * call itself, and `spin`, which calls the imported `h` n times.
 *
 * Ownership follows wit-bindgen's C bindings: an export owns its arguments
 * and frees them; what it returns is freed by the generated post-return
 * function, so `echo` and `echo-bytes` hand their argument's memory back.
 */
#include "bench.h"

uint32_t exports_bench_add(uint32_t a, uint32_t b) { return a + b; }

void exports_bench_echo(bench_string_t *s, bench_string_t *ret) { *ret = *s; }

uint32_t exports_bench_count(bench_list_u8_t *bytes) {
  uint32_t sum = 0;
  for (size_t i = 0; i < bytes->len; i++)
    sum += bytes->ptr[i];
  bench_list_u8_free(bytes);
  return sum;
}

void exports_bench_echo_bytes(bench_list_u8_t *bytes, bench_list_u8_t *ret) {
  *ret = *bytes;
}

void exports_bench_swap_quad(bench_quad_t *q, bench_quad_t *ret) {
  ret->a = q->a + 1;
  ret->b = q->b * 2;
  ret->c = q->c / 2;
  ret->d = !q->d;
}

uint32_t exports_bench_spin(uint32_t n) {
  uint32_t sum = 0;
  for (uint32_t i = 0; i < n; i++)
    sum += bench_h(i);
  return sum;
}
