/* A plain C program made a wasi:cli/run component by the command adapter:
 * its main runs as the export wasi:cli/run's `run`, and what it prints goes
 * out through wasi:cli/stdout. */
#include <stdio.h>

int main(void) {
  printf("Hello from a wasi:cli/run component!\n");
  return 0;
}
