/* WASI test program: prints a greeting. */
#include <stdio.h>

int main(void) {
  printf("hello from wasi\n");
  return 0;
}
