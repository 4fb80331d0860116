/* The quarantine of deleted objects' shells (wt__retire). */
#include <stdlib.h>

#include "internal.h"

/*
 * A ring of the most recently deleted shells. A shell is freed only when
 * WT_RETIRED newer ones have arrived, so a use soon after delete still reads
 * wt's memory and finds WT_MAGIC_DEAD.
 */
#define WT_RETIRED 4096
static pthread_mutex_t retired_lock = PTHREAD_MUTEX_INITIALIZER;
static void *retired[WT_RETIRED];
static size_t retired_next;

void wt__retire(void *shell) {
  pthread_mutex_lock(&retired_lock);
  void *oldest = retired[retired_next];
  retired[retired_next] = shell;
  retired_next = (retired_next + 1) % WT_RETIRED;
  pthread_mutex_unlock(&retired_lock);
  free(oldest);
}
