/* WASI test program: writes argv[2] to the file named by argv[1]; exits with
 * 2 when it cannot create it. */
#include <stdio.h>

int main(int argc, char **argv) {
  if (argc < 3)
    return 1;
  FILE *f = fopen(argv[1], "wb");
  if (!f) {
    perror(argv[1]);
    return 2;
  }
  fputs(argv[2], f);
  return fclose(f) == 0 ? 0 : 3;
}
