/* Shells of caller-owned objects: wt's own addresses, never reused. */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

/*
 * Every caller-owned object (config, engine, store, module, linker,
 * instance_pre, shared memory, error, WASI config) lives in a shell carved
 * from reservations of address space that wt makes for itself and never
 * hands out twice. A shell is never freed back to malloc, so a stale pointer
 * can never point at a newer object: it reads WT_MAGIC_DEAD while its slab
 * (one page) still holds live neighbours, and zeros once every shell of the
 * slab is dead and the page has been given back to the kernel. Either way
 * the magic number is not a live one and the use is misuse.
 *
 * Memory stays bounded: a page whose shells are all dead is released
 * (MADV_DONTNEED; it reads back as zeros from the shared zero page), and a
 * chunk whose slabs are all dead is mapped afresh, read-only, which releases
 * its page tables too. Only address space is consumed for good, in chunks of
 * WT_CHUNK_BYTES; when the kernel refuses a new chunk, creating an object
 * fails ("out of memory") rather than reusing an address.
 */
#define WT_CHUNK_BYTES ((size_t)256 << 20)

/* LeakSanitizer scans the heap, stacks and globals for pointers, not wt's
 * own mappings: a live shell's pointers to heap memory (an engine's
 * interned signatures, say) would read as leaks. When the process has the
 * LSan runtime (ASan builds, the fuzzers), each slab is registered with it
 * while it may hold live shells. Weak references: without the runtime they
 * are NULL and nothing is called. */
extern void __lsan_register_root_region(const void *p, size_t size)
    __attribute__((weak));
extern void __lsan_unregister_root_region(const void *p, size_t size)
    __attribute__((weak));
#define CARVING 0x8000u /* in live[]: the slab is still being handed out */

typedef struct chunk {
  size_t first;  /* the first slab after this header */
  size_t nslabs; /* slabs in the chunk, the header's included */
  size_t next;   /* next slab to carve */
  size_t dead;   /* slabs carved and since emptied */
  uint16_t live[]; /* per slab: shells alive, | CARVING */
} chunk;

/* Size classes: 16, 32, ... bytes, up to a page. */
enum { NCLASSES = 13 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static size_t page;
static chunk *current;
static size_t slab_budget = SIZE_MAX; /* slabs that may still be carved */
static struct {
  char *slab; /* the slab being carved, or NULL */
  size_t off; /* next free offset in it */
} classes[NCLASSES];

static chunk *chunk_of(const void *p) {
  return (chunk *)((uintptr_t)p & ~(uintptr_t)(WT_CHUNK_BYTES - 1));
}

/* Maps a chunk aligned to its size, so a shell finds its chunk's header. */
static chunk *chunk_new(void) {
  size_t span = 2 * WT_CHUNK_BYTES;
  char *p = mmap(NULL, span, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    return NULL;
  char *base = (char *)(((uintptr_t)p + WT_CHUNK_BYTES - 1) &
                        ~(uintptr_t)(WT_CHUNK_BYTES - 1));
  if (base > p)
    munmap(p, (size_t)(base - p));
  if (base + WT_CHUNK_BYTES < p + span)
    munmap(base + WT_CHUNK_BYTES, (size_t)(p + span - base - WT_CHUNK_BYTES));
  chunk *c = (chunk *)base;
  c->nslabs = WT_CHUNK_BYTES / page;
  size_t header = sizeof *c + c->nslabs * sizeof c->live[0];
  c->first = (header + page - 1) / page;
  c->next = c->first;
  return c;
}

/* Gives back a chunk none of whose shells lives, keeping its addresses:
 * a fresh read-only mapping over it reads as zeros and holds no memory. */
static void chunk_release(chunk *c) {
  mmap(c, WT_CHUNK_BYTES, PROT_READ,
       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
}

/* A slab none of whose shells lives (and that hands out no more). */
static void slab_dead(chunk *c, size_t i) {
  char *slab = (char *)c + i * page;
  if (__lsan_unregister_root_region)
    __lsan_unregister_root_region(slab, page);
  madvise(slab, page, MADV_DONTNEED);
  if (++c->dead == c->nslabs - c->first && c != current)
    chunk_release(c);
}

/* Stops carving a class's slab. */
static void slab_close(size_t cls) {
  char *slab = classes[cls].slab;
  if (!slab)
    return;
  chunk *c = chunk_of(slab);
  size_t i = (size_t)(slab - (char *)c) / page;
  c->live[i] &= (uint16_t)~CARVING;
  classes[cls].slab = NULL;
  if (c->live[i] == 0)
    slab_dead(c, i);
}

/* A fresh slab for a class, or false when no chunk can be made. */
static bool slab_open(size_t cls) {
  if (slab_budget == 0)
    return false;
  if (!current || current->next == current->nslabs) {
    chunk *old = current, *c = chunk_new();
    if (!c)
      return false;
    current = c;
    if (old && old->dead == old->nslabs - old->first)
      chunk_release(old);
  }
  size_t i = current->next++;
  slab_budget--;
  char *slab = (char *)current + i * page;
  current->live[i] = CARVING;
  if (__lsan_register_root_region)
    __lsan_register_root_region(slab, page);
  classes[cls].slab = slab;
  classes[cls].off = 0;
  return true;
}

void *wt__shell_new(size_t size) {
  size_t cls = 0;
  while (((size_t)16 << cls) < size)
    cls++;
  pthread_mutex_lock(&lock);
  if (!page) {
    long ps = sysconf(_SC_PAGESIZE);
    page = ps >= 4096 ? (size_t)ps : 4096;
  }
  size_t bytes = (size_t)16 << cls;
  void *p = NULL;
  if (cls < NCLASSES && bytes <= page) {
    if (classes[cls].slab && classes[cls].off + bytes > page)
      slab_close(cls);
    if (classes[cls].slab || slab_open(cls)) {
      p = classes[cls].slab + classes[cls].off;
      classes[cls].off += bytes;
      chunk *c = chunk_of(p);
      c->live[(size_t)((char *)p - (char *)c) / page]++;
    }
  }
  pthread_mutex_unlock(&lock);
  return p; /* zeros: its addresses were never used before */
}

void wt__retire(void *shell) {
  if (!shell)
    return;
  pthread_mutex_lock(&lock);
  chunk *c = chunk_of(shell);
  size_t i = (size_t)((char *)shell - (char *)c) / page;
  if (--c->live[i] == 0)
    slab_dead(c, i);
  pthread_mutex_unlock(&lock);
}

void wt__shell_limit(size_t slabs) {
  pthread_mutex_lock(&lock);
  slab_budget = slabs;
  pthread_mutex_unlock(&lock);
}
