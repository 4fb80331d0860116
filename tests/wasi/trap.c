/* WASI test program: divides by zero, which traps in wasm. */
#include <stdio.h>

int main(int argc, char **argv) {
  (void)argv;
  volatile int n = 7;                 /* volatile: the compiler must divide */
  volatile int zero = argc > 1000;    /* 0 */
  printf("%d\n", n / zero);
  return 0;
}
