/* WASI test program: reads all of stdin and writes it back upper-cased,
 * then the byte count on stderr. */
#include <ctype.h>
#include <stdio.h>

int main(void) {
  int c;
  long n = 0;
  while ((c = getchar()) != EOF) {
    putchar(toupper(c));
    n++;
  }
  fprintf(stderr, "%ld bytes\n", n);
  return 0;
}
