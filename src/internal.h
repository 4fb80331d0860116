/* Private declarations shared by wt's source files. Not part of the API. */
#ifndef WT_INTERNAL_H
#define WT_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <wasmtime.h>

#include "wt.h"

#if defined(__GNUC__)
#define WT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define WT_PRINTF(a, b)
#endif

/*
 * Every object the caller owns starts with a magic number naming its type,
 * and lives in a shell that wt__shell_new carves from addresses never used
 * twice (retire.c). Deleting an object overwrites its magic number with
 * WT_MAGIC_DEAD and retires the shell, which later reads as zeros: either
 * way a use after delete is caught as misuse (docs/design.md, "Lifetimes").
 */
enum {
  WT_MAGIC_ENGINE = 0x77744531u,
  WT_MAGIC_CONFIG = 0x77744332u,
  WT_MAGIC_STORE = 0x77745333u,
  WT_MAGIC_MODULE = 0x77744d34u,
  WT_MAGIC_LINKER = 0x77744c35u,
  WT_MAGIC_PRE = 0x77745036u,
  WT_MAGIC_SHARED = 0x77745337u,
  WT_MAGIC_ERROR = 0x7774453au,
  WT_MAGIC_WASI = 0x77745739u,
  WT_MAGIC_STRUCTTYPE = 0x7774543eu,
  WT_MAGIC_ARRAYTYPE = 0x7774413fu,
  /* A store while Wasmtime runs one of its finalizers (store.c). */
  WT_MAGIC_FINALIZING = 0x7774463bu,
  WT_MAGIC_DYING = 0x77744438u,
  WT_MAGIC_DEAD = 0xdeadd00du,
};

/* ---- memories (memory.c) ---- */

/* Refuses a page size other than 64 KiB unless the engine enables custom
 * page sizes: a zero-filled wt_memorytype_t must not give 1-byte pages. */
wt_error_t *wt__check_page_size(const char *fn, const wt_engine_t *engine,
                                const wt_memorytype_t *type);

/* ---- errors (error.c) ---- */

wt_error_t *wt__error(wt_error_kind_t kind, const char *fmt, ...)
    WT_PRINTF(2, 3);
/* An exit error carrying `status` (wt_error_exit_status()). */
wt_error_t *wt__exit_error(int status, const char *fmt, ...) WT_PRINTF(2, 3);
/* A misuse error: "<fn>: <message>". */
wt_error_t *wt__misuse(const char *fn, const char *fmt, ...) WT_PRINTF(2, 3);
/* Wasmtime's message of `err` as a new string (free it), NULL when out of
 * memory. */
char *wt__wasmtime_message(const wasmtime_error_t *err);
/* Takes ownership of `err`. An exit status makes it WT_ERROR_EXIT. */
wt_error_t *wt__from_wasmtime(wt_error_kind_t kind, wasmtime_error_t *err);
/* Takes ownership of `err`: an error of `kind` whose message is
 * "<fn>: <what>: <Wasmtime's message>" ("<fn>: <Wasmtime's message>" when
 * `what` is NULL), for a call Wasmtime refuses outside wasm. */
wt_error_t *wt__from_wasmtime_in(wt_error_kind_t kind, const char *fn,
                                 const char *what, wasmtime_error_t *err);
/* Takes ownership of `trap`. */
wt_error_t *wt__from_trap(wasm_trap_t *trap);
/* Makes a Wasmtime trap carrying the error's message (and code if any). */
wasm_trap_t *wt__to_trap(const wt_error_t *error);
/* Makes `e` a WT_ERROR_EXCEPTION carrying `exn`, an owned root it takes
 * over (and unroots when the error is deleted); returns `e`. */
wt_error_t *wt__error_set_exn(wt_error_t *e, wasmtime_exnref_t *exn);
/* The exception a WT_ERROR_EXCEPTION carries (borrowed), else NULL. */
const wasmtime_exnref_t *wt__error_exn(const wt_error_t *error);

/* ---- value kinds (kinds.c) ---- */

/* Maps a value type to a wt kind; clears *plain for reference types that a
 * kind alone does not describe. False for an unknown type. */
bool wt__kind_of(const wasm_valtype_t *vt, wt_valkind_t *kind, bool *plain);
/* Whether values of the kind are GC references held in the store's table. */
static inline bool wt__is_ref_kind(wt_valkind_t k) {
  return k == WT_VAL_EXTERNREF || k == WT_VAL_ANYREF || k == WT_VAL_EXNREF;
}

/* ---- function types (sig.c) ---- */

/*
 * A function signature interned per engine: one wt__sig per distinct type,
 * never freed before the engine. `plain` is true when every parameter has a
 * type whose raw representation wt can check by kind alone (numbers, v128,
 * funcref, externref); otherwise calls go through Wasmtime's checked path.
 */
struct wt_functype {
  struct wt_functype *next;
  wasm_functype_t *type; /* owned */
  char *text;            /* "(func (param i32) (result i32))" */
  bool plain;
  bool numeric; /* numbers and v128 only: no conversions needed */
  size_t nparams, nresults;
  wt_valkind_t kinds[]; /* params then results */
};
typedef struct wt_functype wt__sig;

/* The interned signature of `type` (borrowed), or NULL when out of memory or
 * when a value type is not one wt can represent. */
const wt__sig *wt__sig_of(wt_engine_t *engine, const wasm_functype_t *type);
/* Parses "i32 i64 -> f32"; on failure returns NULL and sets *err. */
const wt__sig *wt__sig_parse(wt_engine_t *engine, const char *fn,
                             const char *text, wt_error_t **err);
/* Whether `sig` was interned by `engine`. */
bool wt__sig_of_engine(wt_engine_t *engine, const wt__sig *sig);
/* Frees the engine's signatures (when the engine itself is freed). */
void wt__sigs_free(wt_engine_t *engine);

/* ---- engine (engine.c) ---- */

struct wt_engine {
  uint32_t magic;
  atomic_bool user_deleted; /* wt_engine_delete was called */
  atomic_int refs;
  wasm_engine_t *raw;
  pthread_mutex_t lock; /* guards sigs and the ticker */
  wt__sig *sigs;
  bool epochs;          /* epoch interruption is configured */
  bool custom_pages;    /* custom page sizes are enabled */
  bool gc;              /* the GC proposal is on, with GC support */
  bool exceptions;      /* exceptions are on, with GC support */
  bool ticking;         /* the ticker thread runs */
  atomic_bool stop_ticking;
  pthread_t ticker;
  uint64_t tick_origin; /* CLOCK_MONOTONIC ns when the ticker started */
  /* Epoch ticks the ticker has given: tick k is due tick_origin + k ms. */
  _Atomic uint64_t ticks;
  size_t max_wasm_stack; /* the config's, or Wasmtime's default */
};

/* A deadline this many epoch ticks ahead never comes in practice (2^62 ms
 * is about 146 million years), and adding it to any epoch reached in
 * practice cannot wrap. Longer deadlines are cut to it. */
#define WT__EPOCH_NEVER ((uint64_t)1 << 62)

/* Starts the engine's millisecond epoch ticker if it is not running. */
wt_error_t *wt__engine_start_ticker(wt_engine_t *engine);
/* With the ticker running: how many more ticks until `ms` milliseconds from
 * now on the monotonic clock (the first tick due at or after that instant),
 * at most WT__EPOCH_NEVER. */
uint64_t wt__engine_ticks_until(wt_engine_t *engine, uint64_t ms);

wt_engine_t *wt__engine_ref(wt_engine_t *engine);
void wt__engine_unref(wt_engine_t *engine);

/* Defined in native/src/lib.rs, beside Wasmtime's C API: builds an engine
 * from `config`, which it takes ownership of whatever the outcome (as
 * wasm_engine_new_with_config does). Returns NULL and sets *out, or returns
 * Wasmtime's error (the message of a panic in Engine::new included) instead
 * of aborting; *out is then left as it was. */
wasmtime_error_t *wt_native_engine_new(wasm_config_t *config,
                                       wasm_engine_t **out);
/* native/src/lib.rs: wasmtime_component_new, with a panic inside Wasmtime
 * reported as an error instead of aborting. */
wasmtime_error_t *wt_native_component_new(const wasm_engine_t *engine,
                                          const uint8_t *buf, size_t len,
                                          wasmtime_component_t **out);
/* native/src/lib.rs: lets a WASI configuration create TCP and UDP sockets. */
void wt_native_wasi_config_allow_sockets(wasi_config_t *config);
/* native/src/lib.rs: the trap code of an error, when it is a trap (true). */
bool wt_native_error_trap_code(const wasmtime_error_t *err, uint8_t *code);

/* An engine the caller may still use: live and not deleted by the caller
 * (stores and modules may keep a deleted one alive internally). */
static inline bool wt__engine_ok(const wt_engine_t *e) {
  return e && e->magic == WT_MAGIC_ENGINE && !atomic_load(&e->user_deleted);
}

/* ---- config (config.c) ---- */

/* Builds a fresh wasm_config_t from the recorded settings. */
wasm_config_t *wt__config_build(const wt_config_t *config);
/* Checks what only the whole config shows (a linear memory and its guard
 * regions larger than the address space): true when it is fine, else false
 * with the reason in `msg` (of `cap` bytes). A NULL config is fine. */
bool wt__config_check(const wt_config_t *config, char *msg, size_t cap);
/* Whether the config turns epoch interruption on (its last setting). */
bool wt__config_epochs(const wt_config_t *config);
bool wt__config_custom_pages(const wt_config_t *config);
/* Whether an engine of the config has the GC proposal, or exceptions, and
 * the GC support both need (Wasmtime's defaults: all on). A NULL config
 * gives the defaults. */
bool wt__config_gc(const wt_config_t *config);
bool wt__config_exceptions(const wt_config_t *config);
/* The config's max_wasm_stack (its last setting), or Wasmtime's default. */
size_t wt__config_max_wasm_stack(const wt_config_t *config);
/* Wasmtime's default max_wasm_stack. */
#define WT__DEFAULT_MAX_WASM_STACK ((size_t)512 * 1024)

/* ---- store (store.c) ---- */

struct wt_store {
  uint32_t magic;
  wasmtime_store_t *raw;
  wasmtime_context_t *ctx;
  wt_engine_t *engine;
  uint64_t id; /* Wasmtime's id for this store; 0 until first seen */
  void *data;
  void (*finalizer)(void *);
  int depth;           /* calls into wasm under way */
  size_t stack_need;   /* stack a call into wasm needs (stack.c) */
  uintptr_t owner;     /* wt__thread_tag() of the thread running them,
                          while depth > 0 */
  bool delete_pending; /* wt_store_delete() was called while depth > 0 */
  wt_error_t *host_error; /* error a host function returned, in flight */
  struct wt__refs *refs;  /* GC references held for the caller: ref.c's */
  struct wt__gc *gc;      /* struct and array allocators: gc.c's */
  uint64_t fuel_base;  /* fuel consumed before the last wt_store_set_fuel */
  uint64_t fuel_level; /* fuel given by the last wt_store_set_fuel */
  struct wt_shared_memory *shared;  /* shared memories the store owns */
  struct wt__wasi_state *wasi;      /* WASI context and outputs: wasi.c's */
  wt_arena_t *host_arena; /* component host calls' values: component_val.c's */
  struct wt__shapes *shapes; /* component functions' types: component_val.c's */
  struct wt__rtable *resources; /* resource handles: component_resource.c's */
  /* NUL-terminated copies of export names, keyed by Wasmtime's pointer. */
  struct wt__name *names;
  size_t nnames, cap_names;
};

struct wt__name {
  const char *raw;
  size_t len;
  char *copy;
};

/* A NUL-terminated copy of a name Wasmtime keeps in the store (interned by
 * pointer; freed with the store). NULL when out of memory. */
const char *wt__store_name(wt_store_t *store, const char *raw, size_t len);

/* A store being deleted has WT_MAGIC_DYING until it is freed; one running
 * a finalizer inside Wasmtime has WT_MAGIC_FINALIZING. */
static inline bool wt__store_ok(const wt_store_t *s) {
  return s && s->magic == WT_MAGIC_STORE;
}

/* Records Wasmtime's id of the store the first time an item of it is seen. */
static inline void wt__store_saw(wt_store_t *s, uint64_t id) {
  if (s->id == 0)
    s->id = id;
}

/* Checks `store` is a live store; returns a misuse error naming `fn`. */
wt_error_t *wt__check_store(const char *fn, const wt_store_t *store);
/* Checks a store handle argument: a live store, a non-NULL `handle` and its
 * `store_id` the store's. Misuse messages name `fn` and the handle (`what`:
 * "memory" gives "memory is NULL", "memory belongs to another store (or to
 * a deleted one)"). */
wt_error_t *wt__check_handle(const char *fn, const wt_store_t *store,
                             const char *what, const void *handle,
                             uint64_t store_id);

/* Frees a store whose deletion was deferred while wasm ran in it. */
void wt__store_free_deferred(wt_store_t *store);
/* Runs a user's finalizer that Wasmtime calls while it holds the store (in
 * a garbage collection, or dropping a replaced callback): meanwhile the
 * store has WT_MAGIC_FINALIZING, so wt refuses it (misuse) and nothing
 * reaches Wasmtime; wt_store_delete is deferred to the end of the call into
 * the store, which callers of Wasmtime functions that may run finalizers
 * bracket with wt__store_enter and wt__store_leave. */
void wt__store_finalize(wt_store_t *store, void (*finalizer)(void *),
                        void *data);

/* How many stores, in all threads, wait for their outermost call to return
 * to be freed. While it is 0 no host call needs to look for a deleted
 * store, which keeps that check to one load (see func.c). */
extern atomic_uint wt__pending_deletes __attribute__((visibility("hidden")));

/* One byte per thread: its address tells threads apart. Read with the
 * initial-exec model it costs one instruction, where pthread_self() is a
 * call on every entry into wasm. */
extern __thread char wt__thread_marker
    __attribute__((tls_model("initial-exec")));
static inline uintptr_t wt__thread_tag(void) {
  return (uintptr_t)&wt__thread_marker;
}

/* Brackets a call into wasm: counts depth and finishes a deferred delete. */
static inline void wt__store_enter(wt_store_t *store) {
  if (store->depth++ == 0)
    store->owner = wt__thread_tag();
}
static inline void wt__store_leave(wt_store_t *store) {
  if (--store->depth == 0 && __builtin_expect(store->delete_pending, 0))
    wt__store_free_deferred(store);
}
/* Turns the outcome of a call into wasm into a wt error (or NULL). A host
 * function's own error, if one is in flight, takes precedence. */
wt_error_t *wt__call_result(wt_store_t *store, wt_error_kind_t kind,
                            wasmtime_error_t *err, wasm_trap_t *trap);

/* ---- the calling thread's stack (stack.c) ---- */

/*
 * Wasmtime lets wasm use max_wasm_stack bytes below the stack pointer of the
 * outermost call into a store and checks nothing else: on a thread whose
 * stack is smaller, deep recursion runs off the stack and crashes. So every
 * outermost call into a store first checks that the calling thread's stack
 * has max_wasm_stack plus WT__STACK_HOST_MARGIN left (the margin is for the
 * host functions wasm calls near its limit and for Wasmtime's own frames);
 * store->stack_need is the sum.
 */
#define WT__STACK_HOST_MARGIN ((size_t)64 * 1024)

/* The lowest address of the calling thread's stack: UINTPTR_MAX until it is
 * looked up (once per thread), 0 when it cannot be known. */
extern __thread uintptr_t wt__stack_floor
    __attribute__((tls_model("initial-exec")));

/* The slow path of wt__stack_check: looks the thread's stack up if not done
 * yet; a misuse error naming `fn` and the sizes when it is too small. */
wt_error_t *wt__stack_refuse(const char *fn, const wt_store_t *store,
                             uintptr_t sp);

static inline uintptr_t wt__stack_pointer(void) {
  uintptr_t sp;
#if defined(__x86_64__)
  __asm__("movq %%rsp, %0" : "=r"(sp));
#elif defined(__aarch64__)
  __asm__("mov %0, sp" : "=r"(sp));
#else
  sp = (uintptr_t)__builtin_frame_address(0);
#endif
  return sp;
}

/* Before a call into wasm (depth not yet raised): NULL when the thread's
 * stack can hold it. Costs a subtraction and a comparison. */
static inline wt_error_t *wt__stack_check(const char *fn,
                                          const wt_store_t *store) {
  uintptr_t sp = wt__stack_pointer();
  if (__builtin_expect(
          store->depth == 0 && sp - store->stack_need < wt__stack_floor, 0))
    return wt__stack_refuse(fn, store, sp);
  return NULL;
}

/* ---- GC references held for the caller (ref.c) ---- */

/* Takes ownership of a rooted reference value and gives the caller a
 * wt_ref_t for it in `out` (kind set from the value). */
wt_error_t *wt__ref_put(wt_store_t *store, wasmtime_val_t *rooted,
                        wt_val_t *out);
/* The rooted value behind a wt reference value, or a misuse error. NULL refs
 * give a value with store_id 0. The result is borrowed. */
wt_error_t *wt__ref_get(const char *fn, wt_store_t *store, const wt_val_t *v,
                        wasmtime_val_t *out);
/* Releases the reference if it is still live (no error otherwise). */
void wt__ref_drop(wt_store_t *store, const wt_ref_t *ref);
/* Unroots every reference still held and frees the table; the store frees
 * it before its Wasmtime store. */
void wt__refs_free(wt_store_t *store);

/* ---- GC objects (gc.c) and exceptions (exn.c) ---- */

/* Frees the store's struct and array allocators (store.c, when the store
 * goes, before its Wasmtime store). */
void wt__gc_free(wt_store_t *store);
/* The error of `fn` for a Wasmtime error (taken) in making or changing a
 * GC object from values wt checked by kind. With `plain` types that check
 * was exact, so it is Wasmtime's own failure (the GC heap out of memory):
 * WT_ERROR_WASMTIME. Otherwise (concrete or non-nullable reference types)
 * Wasmtime found a value of the wrong type: WT_ERROR_MISUSE, unless it ran
 * out of memory. */
wt_error_t *wt__gc_error(const char *fn, bool plain, wasmtime_error_t *err);
/* The trap that throws the exception of `error` (a WT_ERROR_EXCEPTION) into
 * the wasm calling a host function of `store`; NULL when the exception
 * belongs to another store. The error stays the caller's. */
wasm_trap_t *wt__exn_rethrow(wt_store_t *store, const wt_error_t *error);

/* ---- byte input and output (bytes.c) ---- */

/* Reads the whole file at `path` into a malloc()ed buffer; misuse for a
 * NULL path, WT_ERROR_IO (naming `fn`) when it cannot be read. */
wt_error_t *wt__file_read(const char *fn, const char *path, uint8_t **data,
                          size_t *len);
/* Creates or truncates `path` and writes `len` bytes; WT_ERROR_IO. */
wt_error_t *wt__file_write(const char *fn, const char *path,
                           const uint8_t *bytes, size_t len);
/* The binary to compile: `bytes` itself, or WAT turned into wasm in *wasm
 * (which the caller deletes); WT_ERROR_COMPILE for bad text. */
wt_error_t *wt__to_binary(const uint8_t *bytes, size_t len,
                          wasm_byte_vec_t *wasm, const uint8_t **code,
                          size_t *code_len);
/* Moves a Wasmtime byte vector into a malloc()ed buffer (freeing `v`). */
wt_error_t *wt__bytes_take(wasm_byte_vec_t *v, uint8_t **bytes, size_t *len);

/* ---- module, linker ---- */

struct wt_module {
  uint32_t magic;
  wasmtime_module_t *raw;
  wt_engine_t *engine;
  char *name; /* from the name section, or NULL */
  /* Imports and exports with wt's types, made on first use. */
  pthread_mutex_t lock;
  atomic_bool described;
  size_t nimports, nexports;
  wt_import_t *imports; /* strings owned here */
  wt_export_t *exports;
};

/* Makes the module's import and export lists if not done yet; false when
 * out of memory. */
bool wt__module_describe(wt_module_t *m);

/* Prepares a store for a linker's definitions, before the linker (or an
 * instance_pre made from it) is used with the store. */
typedef wt_error_t *(*wt__store_hook)(wt_store_t *store);

struct wt_instance_pre {
  uint32_t magic;
  wasmtime_instance_pre_t *raw;
  wt_engine_t *engine;
  uint64_t store_id;         /* as the linker's */
  wt__store_hook store_hook; /* as the linker's */
};

struct wt_linker {
  uint32_t magic;
  wasmtime_linker_t *raw;
  wt_engine_t *engine;
  uint64_t store_id; /* the store whose items it holds, 0 for none */
  wt__store_hook store_hook; /* or NULL; set by wt_linker_define_wasi */
};

/* Sets the hook every store used with the linker goes through. */
void wt__linker_set_store_hook(wt_linker_t *linker, wt__store_hook hook);

/* ---- WASI (wasi.c) ---- */

/* Frees the store's WASI state (captured output), after its Wasmtime store,
 * whose WASI context writes to it. */
void wt__wasi_free(wt_store_t *store);

/* ---- shared memories (shared_memory.c) ---- */

struct wt_shared_memory {
  uint32_t magic;
  wasmtime_sharedmemory_t *raw;
  wt_engine_t *engine;
  bool store_owned;
  struct wt_shared_memory *next; /* in its store's list */
};

/* Wraps a shared memory Wasmtime handed out (taking it) as store-owned. */
wt_shared_memory_t *wt__shared_memory_adopt(wt_store_t *store,
                                            wasmtime_sharedmemory_t *raw);
/* Frees the shared memories the store owns (when the store is freed). */
void wt__shared_memories_free(wt_store_t *store);

/* wt_caller_t is Wasmtime's wasmtime_caller_t under wt's name. */

/* ---- values, externs and types (val.c, types.c) ---- */

/* wt value <-> Wasmtime value. to_wasmtime borrows refs (no new root);
 * from_wasmtime takes ownership of the value's root. */
wt_error_t *wt__val_to_wasmtime(const char *fn, wt_store_t *store,
                                const wt_val_t *val, wasmtime_val_t *out);
wt_error_t *wt__val_from_wasmtime(wt_store_t *store, wasmtime_val_t *val,
                                  wt_val_t *out);
/* wt extern <-> Wasmtime extern, checking the store. */
wt_error_t *wt__extern_to_wasmtime(const char *fn, const wt_store_t *store,
                                   const wt_extern_t *item,
                                   wasmtime_extern_t *out);
wt_error_t *wt__extern_from_wasmtime(wt_store_t *store,
                                     wasmtime_extern_t *item,
                                     wt_extern_t *out);
/* Fills a wt extern type from Wasmtime's (borrowed). False if unsupported. */
bool wt__externtype_from(wt_engine_t *engine, const wasm_externtype_t *t,
                         wt_externtype_t *out);
bool wt__memorytype_from(const wasm_memorytype_t *t, wt_memorytype_t *out);
bool wt__tabletype_from(const wasm_tabletype_t *t, wt_tabletype_t *out);

/* Makes a wt_func_t (with its signature) from a Wasmtime func of `store`. */
wt_error_t *wt__func_wrap(wt_store_t *store, const wasmtime_func_t *raw,
                          wt_func_t *out);
/* Raw <-> wt value conversion for kinds that are `plain`. */
void wt__val_to_raw(const wt_val_t *val, wasmtime_val_raw_t *raw,
                    wt_store_t *store);
wt_error_t *wt__val_from_raw(wt_store_t *store, wt_valkind_t kind,
                             const wasmtime_val_raw_t *raw, wt_val_t *out);
/* Checks that `val` may be passed where `kind` is expected in `store`. */
wt_error_t *wt__val_check(const char *fn, const char *what, size_t index,
                          const wt_val_t *val, wt_valkind_t kind,
                          const wt_store_t *store);

/* Checks that [offset, offset + len) lies in `size` bytes and buf is set. */
wt_error_t *wt__bounds(const char *fn, size_t size, uint64_t offset,
                       const void *buf, size_t len);

/* ---- shells of caller-owned objects (retire.c) ---- */

/* Zeroed memory of at least `size` bytes (at most a page) at addresses wt
 * never handed out before; NULL when no more can be reserved. */
void *wt__shell_new(size_t size);
/* Gives back the shell of a deleted object (its magic number already
 * WT_MAGIC_DEAD). Its addresses are never reused: a stale pointer reads
 * WT_MAGIC_DEAD, or zeros once its page is released. NULL is ignored. */
void wt__retire(void *shell);
/* For tests: how many more pages of shells may be carved (fail-closed). */
void wt__shell_limit(size_t slabs);

/* ---- strings (str.c) ---- */

/* A malloc()ed copy of `s`, or NULL when out of memory. */
char *wt__strdup(const char *s);
/* Whether the `len` bytes at `s` are well-formed UTF-8. */
bool wt__utf8_valid(const char *s, size_t len);

/* ---- store handles and Wasmtime's ----
 *
 * A wt handle holds the fields of Wasmtime's under wt's own names. These
 * converters are the only code that names Wasmtime's private fields: the
 * rest of wt converts with them and never depends on Wasmtime's layouts.
 * wt__<kind>_to gives Wasmtime's form of a wt handle, wt__<kind>_from the
 * wt form of Wasmtime's, and wt__<kind>_arg checks a handle argument
 * (wt__check_handle) and converts it.
 */

static inline wasmtime_func_t wt__func_to(const wt_func_t *f) {
  wasmtime_func_t r = {.store_id = f->store_id_, .__private = f->raw_};
  return r;
}
static inline wt_func_t wt__func_from(const wasmtime_func_t *f,
                                      const wt__sig *sig) {
  wt_func_t r = {f->store_id, f->__private, sig};
  return r;
}

static inline wasmtime_instance_t wt__instance_to(const wt_instance_t *i) {
  wasmtime_instance_t r = {.store_id = i->store_id_, .__private = i->raw_};
  return r;
}
static inline wt_instance_t wt__instance_from(const wasmtime_instance_t *i) {
  wt_instance_t r = {i->store_id, i->__private};
  return r;
}

static inline wasmtime_global_t wt__global_to(const wt_global_t *g) {
  wasmtime_global_t r = {.store_id = g->store_id_,
                         .__private1 = g->raw1_,
                         .__private2 = g->raw2_,
                         .__private3 = g->raw3_};
  return r;
}
static inline wt_global_t wt__global_from(const wasmtime_global_t *g) {
  wt_global_t r = {g->store_id, g->__private1, g->__private2, g->__private3};
  return r;
}

/* Memories, tables and tags share one shape: an id and two private words. */
#define WT__HANDLE_OF_TWO(kind)                                                \
  static inline wasmtime_##kind##_t wt__##kind##_to(const wt_##kind##_t *h) {  \
    wasmtime_##kind##_t r = {                                                  \
        .store_id = h->store_id_, .__private1 = h->raw1_,                      \
        .__private2 = h->raw2_};                                               \
    return r;                                                                  \
  }                                                                            \
  static inline wt_##kind##_t wt__##kind##_from(                               \
      const wasmtime_##kind##_t *r) {                                          \
    wt_##kind##_t h = {r->store_id, r->__private1, r->__private2};             \
    return h;                                                                  \
  }
WT__HANDLE_OF_TWO(memory)
WT__HANDLE_OF_TWO(table)
WT__HANDLE_OF_TWO(tag)
#undef WT__HANDLE_OF_TWO

#define WT__HANDLE_ARG(kind, what)                                             \
  static inline wt_error_t *wt__##kind##_arg(                                  \
      const char *fn, const wt_store_t *store, const wt_##kind##_t *h,         \
      wasmtime_##kind##_t *raw) {                                              \
    wt_error_t *err =                                                          \
        wt__check_handle(fn, store, what, h, h ? h->store_id_ : 0);            \
    if (!err)                                                                  \
      *raw = wt__##kind##_to(h);                                               \
    return err;                                                                \
  }
WT__HANDLE_ARG(instance, "instance")
WT__HANDLE_ARG(memory, "memory")
WT__HANDLE_ARG(global, "global")
WT__HANDLE_ARG(table, "table")
WT__HANDLE_ARG(tag, "tag")
#undef WT__HANDLE_ARG

/* The typed fast path passes a wt_typed_func_t to Wasmtime as it is, and the
 * caller's wt_raw_t array as Wasmtime's raw values: both layouts are fixed
 * here, at compile time. */
_Static_assert(offsetof(wt_typed_func_t, store_id_) ==
                       offsetof(wasmtime_func_t, store_id) &&
                   offsetof(wt_typed_func_t, raw_) ==
                       offsetof(wasmtime_func_t, __private),
               "wt_typed_func_t must begin like wasmtime_func_t");
_Static_assert(sizeof(wt_raw_t) == sizeof(wasmtime_val_raw_t),
               "wt_raw_t must match wasmtime_val_raw_t");
_Static_assert(_Alignof(wt_raw_t) <= _Alignof(wasmtime_val_raw_t),
               "wt_raw_t alignment");
static inline const wasmtime_func_t *
wt__typed_func_raw(const wt_typed_func_t *f) {
  return (const wasmtime_func_t *)(const void *)f;
}
/* A wt_func_t begins the same way, so calls pass it to Wasmtime as it is
 * instead of copying it into a wasmtime_func_t on their stack. */
_Static_assert(offsetof(wt_func_t, store_id_) ==
                       offsetof(wasmtime_func_t, store_id) &&
                   offsetof(wt_func_t, raw_) ==
                       offsetof(wasmtime_func_t, __private),
               "wt_func_t must begin like wasmtime_func_t");
static inline const wasmtime_func_t *wt__func_raw(const wt_func_t *f) {
  return (const wasmtime_func_t *)(const void *)f;
}

/* ---- components (src/component*.c) ---- */

#ifndef WASMTIME_FEATURE_COMPONENT_MODEL
#error "wt needs Wasmtime's component-model feature, which native/ builds"
#endif

/* Magic numbers of the caller-owned component objects. */
enum {
  WT_MAGIC_COMPONENT = 0x77744b3cu,
  WT_MAGIC_COMPONENT_LINKER = 0x77744c3du,
};

struct wt_component {
  uint32_t magic;
  wasmtime_component_t *raw;
  wt_engine_t *engine;
};

struct wt_component_linker {
  uint32_t magic;
  wasmtime_component_linker_t *raw;
  wt_engine_t *engine;
  wt__store_hook store_hook; /* or NULL; set by wt_component_linker_define_wasi */
};

static inline bool wt__component_ok(const wt_component_t *c) {
  return c && c->magic == WT_MAGIC_COMPONENT;
}

static inline bool wt__component_linker_ok(const wt_component_linker_t *l) {
  return l && l->magic == WT_MAGIC_COMPONENT_LINKER;
}

static inline wasmtime_component_func_t
wt__cfunc_to(const wt_component_func_t *f) {
  wasmtime_component_func_t r = {.store_id = f->store_id_,
                                 .__private1 = f->raw1_,
                                 .__private2 = f->raw2_};
  return r;
}
static inline wt_component_func_t
wt__cfunc_from(const wasmtime_component_func_t *f) {
  wt_component_func_t r = {f->store_id, f->__private1, f->__private2};
  return r;
}
static inline wasmtime_component_instance_t
wt__cinstance_to(const wt_component_instance_t *i) {
  wasmtime_component_instance_t r = {.store_id = i->store_id_,
                                     .__private = i->raw_};
  return r;
}
static inline wt_component_instance_t
wt__cinstance_from(const wasmtime_component_instance_t *i) {
  wt_component_instance_t r = {i->store_id, i->__private};
  return r;
}
/* Looks up the function at the export path `path` (n names) of
 * `instance`, for `fn` (component.c). */
wt_error_t *wt__cfunc_find(const char *fn, wt_store_t *store,
                           const wt_component_instance_t *instance,
                           const char *const *path, size_t n,
                           wt_component_func_t *out);

/* A component host function (component_linker.c makes it, component_val.c
 * calls it). `label` names it in errors: "host function inst#name". */
typedef struct wt__chost {
  wt_component_func_cb cb;
  void *env;
  void (*finalizer)(void *);
  char label[];
} wt__chost;

/* ---- native/'s component calls (native/src/lib.rs) ----
 *
 * They read and write wt_cval_t values directly, so a call converts each
 * value once (into Wasmtime's Rust values, or for byte-list signatures not
 * at all) instead of through the C API's values too. */

/* What a conversion needs: `alloc(arena, size)` gives memory for
 * results (NULL when out of memory or without an arena); for values native/
 * reads, the resources wt's checks lowered, in the order of a depth-first
 * walk of the values (`used` counts those read). */
typedef struct wt__nio {
  void *arena;
  void *(*alloc)(void *arena, size_t size);
  wasmtime_component_resource_any_t *const *res;
  size_t nres, used;
  bool bad_utf8; /* set by native/: a string it read is not UTF-8 */
} wt__nio;

/* An exported function's type as native/ keeps it. */
typedef struct wt__nftype wt__nftype;
wt__nftype *wt_native_cfunc_type_new(const wasmtime_component_func_t *func,
                                     wasmtime_context_t *ctx);
void wt_native_cfunc_type_delete(wt__nftype *ty);
/* Calls `func` with wt values, writing its results (resources as boxed
 * wasmtime_component_resource_any_t in their first word, for wt to turn
 * into handles) with io's allocator. */
wasmtime_error_t *wt_native_cfunc_call(const wasmtime_component_func_t *func,
                                       wasmtime_context_t *ctx,
                                       const wt__nftype *ty,
                                       const wt_cval_t *args, size_t nargs,
                                       wt_cval_t *results, size_t nresults,
                                       wt__nio *io);

/* One call of a host function: `lift` writes the arguments as wt values
 * (resources boxed, as above) at `out`; `lower` reads the checked results
 * (and io's resources) into Wasmtime's. */
typedef struct wt__nhostcall {
  size_t nargs, nresults;
  wasmtime_error_t *(*lift)(struct wt__nhostcall *call, wt__nio *io,
                            wt_cval_t *out);
  wasmtime_error_t *(*lower)(struct wt__nhostcall *call, wt__nio *io,
                             const wt_cval_t *res);
  void *state;
} wt__nhostcall;

/* wt's side of every component host function (component_val.c): a shape
 * per import type the function is called with, and the call. */
typedef struct wt__nhostfns {
  void *(*shape_new)(void *data, wasmtime_component_func_type_t *ty,
                     wasmtime_error_t **err);
  void (*shape_delete)(void *shape);
  wasmtime_error_t *(*call)(void *data, wasmtime_context_t *ctx, void *shape,
                            wt__nhostcall *call);
} wt__nhostfns;
extern const wt__nhostfns wt__chost_fns;

/* As wasmtime_component_linker_instance_add_func, with wt__chost_fns and
 * `data` (a wt__chost); `finalizer(data)` runs when the definition goes,
 * or at once when this fails. */
wasmtime_error_t *wt_native_clinker_add_func(
    wasmtime_component_linker_instance_t *li, const char *name, size_t len,
    const wt__nhostfns *fns, void *data, void (*finalizer)(void *));

/* Frees the store's host arena and the shapes of the component functions
 * it called (store.c, when the store goes). */
void wt__cval_store_free(wt_store_t *store);

/* ---- resources (component_resource.c) ----
 *
 * Lowering a handle (a wt_cval_t of kind own or borrow) gives the
 * Wasmtime resource to pass, and records in `pend` what must happen once
 * the call is made: wt__res_settle(given: true) after the call (an own
 * given to wasm is the host's no more), or (given: false) when the call is
 * not made after all. Lifting a Wasmtime resource gives a handle; a borrow
 * lifted for a host function is recorded in `scope`, to end with
 * wt__res_settle() when the host function returns. Records are allocated
 * in `arena`. */
typedef struct wt__rpend wt__rpend;
wt_error_t *wt__res_lower(wt_store_t *store, const char *fn, const char *place,
                          const char *text,
                          const wasmtime_component_valtype_t *t,
                          const wt_cval_t *v, wt_arena_t *arena,
                          wt__rpend **pend,
                          wasmtime_component_resource_any_t **out);
wt_error_t *wt__res_lift(wt_store_t *store,
                         const wasmtime_component_valtype_t *t,
                         const wasmtime_component_resource_any_t *any,
                         wt_arena_t *arena, wt__rpend **scope, wt_cval_t *out);
void wt__res_settle(wt_store_t *store, wt__rpend *pend, bool given);
/* Wasmtime's destructor callback of a host resource type (env: the type). */
wasmtime_error_t *wt__res_dtor(void *env, wasmtime_context_t *ctx,
                               uint32_t rep);
void wt__res_type_ref(wt_resource_type_t *type);
void wt__res_type_unref(void *type);
bool wt__res_type_ok(const wt_resource_type_t *type);
const wasmtime_component_resource_type_t *
wt__res_type_raw(const wt_resource_type_t *type);
/* Frees the store's resource table, running the destructors of the host
 * resources still in it (store.c, when the store goes). */
void wt__resources_free(wt_store_t *store);

#endif
