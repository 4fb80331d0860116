/* WASI test program: prints its arguments, then the variables named by
 * them (or all of the environment when there is no argument). */
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(int argc, char **argv) {
  for (int i = 0; i < argc; i++)
    printf("arg %d: %s\n", i, argv[i]);
  if (argc > 1) {
    for (int i = 1; i < argc; i++) {
      const char *v = getenv(argv[i]);
      printf("env %s=%s\n", argv[i], v ? v : "(unset)");
    }
  } else {
    for (char **e = environ; *e; e++)
      printf("env %s\n", *e);
  }
  return 0;
}
