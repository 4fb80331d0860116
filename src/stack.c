/* The calling thread's stack, checked before wasm runs on it. */
#define _GNU_SOURCE
#include <pthread.h>

#include "internal.h"

__thread uintptr_t wt__stack_floor = UINTPTR_MAX;
/* The highest address of the thread's stack, once looked up. */
static __thread uintptr_t stack_top;

/* Looks the calling thread's stack up; a floor of 0 when it cannot. */
static void stack_lookup(void) {
  pthread_attr_t attr;
  void *addr = NULL;
  size_t size = 0;
  wt__stack_floor = 0;
  if (pthread_getattr_np(pthread_self(), &attr) != 0)
    return;
  if (pthread_attr_getstack(&attr, &addr, &size) == 0 && addr && size) {
    wt__stack_floor = (uintptr_t)addr;
    stack_top = (uintptr_t)addr + size;
  }
  pthread_attr_destroy(&attr);
}

__attribute__((cold, noinline)) wt_error_t *
wt__stack_refuse(const char *fn, const wt_store_t *store, uintptr_t sp) {
  if (wt__stack_floor == UINTPTR_MAX)
    stack_lookup();
  uintptr_t floor = wt__stack_floor;
  /* Running on a stack that is not the thread's own (a coroutine's, say):
   * wt cannot tell its size, so Wasmtime's own limit is all there is. */
  if (floor == 0 || sp < floor || sp > stack_top)
    return NULL;
  if (sp - store->stack_need >= floor && sp >= store->stack_need)
    return NULL;
  size_t max = store->stack_need - WT__STACK_HOST_MARGIN;
  return wt__misuse(fn,
                    "the calling thread has %zu KiB of stack left, less than "
                    "max_wasm_stack (%zu KiB) plus %zu KiB for host "
                    "functions: call from a thread with a larger stack, or "
                    "lower wt_config_set_max_wasm_stack",
                    (size_t)(sp - floor) / 1024, max / 1024,
                    WT__STACK_HOST_MARGIN / 1024);
}
