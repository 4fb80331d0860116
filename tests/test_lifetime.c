/* Lifetimes: finalizers that use their store, deleted objects of every
 * caller-owned type, stale pointers after many deletes, running out of
 * shells. */
#include <stdio.h>
#include <string.h>

#include "helpers.h"

/* For tests: caps how many more pages of shells wt may carve. */
void wt__shell_limit(size_t slabs);

static const char *wat =
    "(module"
    " (global (export \"g\") (mut i32) (i32.const 7))"
    " (func (export \"f\") (result i32) (i32.const 42)))";

/* ---- a finalizer that uses its store ---- */

typedef enum {
  USE_EXTERNREF_NEW,
  USE_STORE_DELETE,
  USE_INSTANCE_CALL,
  USE_GLOBAL_GET,
  USE_SET_DATA,
  USE_GC,
  USE_STORE_DATA,
  USE_SET_FUEL,
} use_t;

/* What the finalizer under test does and saw. */
static struct {
  wt_store_t *store;
  wt_instance_t inst;
  wt_global_t global;
  use_t use;
  int ran;           /* how often the finalizer under test ran */
  bool failed;       /* its wt call returned an error */
  wt_error_kind_t kind;
  char message[256];
  void *data;        /* what wt_store_data returned */
  int data_finals;   /* store data finalizer runs */
  int other_finals;  /* finalizers of what the finalizer made */
} P;

static int store_data = 1;

static void other_final(void *p) { P.other_finals++; }
static void data_final(void *p) { P.data_finals++; }

static void record(wt_error_t *err) {
  P.failed = err != NULL;
  if (err) {
    P.kind = wt_error_kind(err);
    snprintf(P.message, sizeof P.message, "%s", wt_error_message(err));
    wt_error_delete(err);
  }
}

/* The finalizer under test. */
static void use_store(void *env) {
  P.ran++;
  wt_val_t v;
  wt_error_t *err = NULL;
  switch (P.use) {
  case USE_EXTERNREF_NEW:
    err = wt_externref_new(P.store, NULL, other_final, &v);
    break;
  case USE_STORE_DELETE:
    wt_store_delete(P.store);
    break;
  case USE_INSTANCE_CALL:
    err = wt_instance_call(P.store, &P.inst, "f", NULL, 0, &v, 1);
    break;
  case USE_GLOBAL_GET:
    err = wt_global_get(P.store, &P.global, &v);
    break;
  case USE_SET_DATA:
    err = wt_store_set_data(P.store, NULL, NULL);
    break;
  case USE_GC:
    err = wt_store_gc(P.store);
    break;
  case USE_STORE_DATA:
    P.data = wt_store_data(P.store);
    break;
  case USE_SET_FUEL:
    err = wt_store_set_fuel(P.store, 5);
    break;
  }
  record(err);
}

/* A store with an instance, its global and counted data, for `use`. */
static wt_engine_t *prepare(use_t use, wt_config_t *config) {
  memset(&P, 0, sizeof P);
  P.use = use;
  P.data = (void *)&P; /* not NULL: USE_STORE_DATA must overwrite it */
  wt_engine_t *engine = engine_from(config);
  P.inst = instantiate(engine, wat, &P.store);
  OK(wt_store_set_data(P.store, &store_data, data_final));
  OK(wt_instance_global(P.store, &P.inst, "g", &P.global));
  return engine;
}

/* What a finalizer run while its store is torn down must see: the store is
 * already deleted for every wt function. */
static void expect_deleted(void) {
  cr_assert_eq(P.ran, 1, "the finalizer ran %d times", P.ran);
  switch (P.use) {
  case USE_STORE_DELETE:
    cr_assert(!P.failed);
    break;
  case USE_STORE_DATA:
    cr_assert_null(P.data);
    break;
  default:
    cr_assert(P.failed, "a use of a store being deleted succeeded");
    cr_assert_eq(P.kind, WT_ERROR_MISUSE, "%s", P.message);
    cr_assert(strstr(P.message, "store is being deleted") != NULL, "%s",
              P.message);
  }
  if (P.use == USE_EXTERNREF_NEW)
    cr_assert_eq(P.other_finals, 1); /* refused: its finalizer ran */
  cr_assert_eq(P.data_finals, 1, "store data finalized %d times",
               P.data_finals);
}

/* Where the finalizer under test is attached. */
typedef enum {
  AT_EXTERNREF,  /* an externref's, run by wt_store_delete */
  AT_STORE_DATA, /* the store data's, run by wt_store_delete */
  AT_HOST_FUNC,  /* a host function's env, run by wt_store_delete */
  AT_EPOCH_CB,   /* the epoch callback's env, run by wt_store_delete */
} at_t;

static wt_error_t *epoch_cb(void *env, wt_store_t *store, uint64_t *delta) {
  return NULL;
}
static wt_error_t *host_cb(void *env, wt_caller_t *caller,
                           const wt_val_t *args, size_t nargs,
                           wt_val_t *results, size_t nresults) {
  return NULL;
}

static void teardown_case(at_t at, use_t use) {
  wt_engine_t *engine = prepare(use, NULL);
  wt_val_t ref;
  switch (at) {
  case AT_EXTERNREF:
    OK(wt_externref_new(P.store, NULL, use_store, &ref));
    break;
  case AT_STORE_DATA:
    /* The counted data's finalizer runs once, for the data replaced. */
    OK(wt_store_set_data(P.store, &store_data, use_store));
    cr_assert_eq(P.data_finals, 1);
    P.data_finals = 0;
    break;
  case AT_HOST_FUNC: {
    const wt_functype_t *type;
    OK(wt_functype_parse(engine, "->", &type));
    wt_func_t f;
    OK(wt_func_new(P.store, type, host_cb, NULL, use_store, &f));
    break;
  }
  case AT_EPOCH_CB:
    OK(wt_store_set_epoch_deadline_callback(P.store, epoch_cb, NULL,
                                            use_store));
    break;
  }
  cr_assert_eq(P.ran, 0);
  wt_store_delete(P.store);
  if (at == AT_STORE_DATA) {
    /* The finalizer under test is the store data's. */
    cr_assert_eq(P.ran, 1);
    P.data_finals = 1;
  }
  expect_deleted();
  wt_store_delete(P.store); /* deleted: ignored */
  wt_engine_delete(engine);
}

#define TEARDOWN_TESTS(at, name)                                               \
  Test(lifetime, name##_finalizer_externref_new_in_teardown) {                 \
    teardown_case(at, USE_EXTERNREF_NEW);                                      \
  }                                                                            \
  Test(lifetime, name##_finalizer_store_delete_in_teardown) {                  \
    teardown_case(at, USE_STORE_DELETE);                                       \
  }                                                                            \
  Test(lifetime, name##_finalizer_instance_call_in_teardown) {                 \
    teardown_case(at, USE_INSTANCE_CALL);                                      \
  }                                                                            \
  Test(lifetime, name##_finalizer_global_get_in_teardown) {                    \
    teardown_case(at, USE_GLOBAL_GET);                                         \
  }                                                                            \
  Test(lifetime, name##_finalizer_set_data_in_teardown) {                      \
    teardown_case(at, USE_SET_DATA);                                           \
  }                                                                            \
  Test(lifetime, name##_finalizer_gc_in_teardown) {                            \
    teardown_case(at, USE_GC);                                                 \
  }                                                                            \
  Test(lifetime, name##_finalizer_store_data_in_teardown) {                    \
    teardown_case(at, USE_STORE_DATA);                                         \
  }                                                                            \
  Test(lifetime, name##_finalizer_set_fuel_in_teardown) {                      \
    teardown_case(at, USE_SET_FUEL);                                           \
  }

TEARDOWN_TESTS(AT_EXTERNREF, externref)
TEARDOWN_TESTS(AT_STORE_DATA, store_data)
TEARDOWN_TESTS(AT_HOST_FUNC, host_func)
TEARDOWN_TESTS(AT_EPOCH_CB, epoch_callback)

/* ---- finalizers Wasmtime runs on a live store ---- */

/* What a finalizer run inside Wasmtime on a live store must see: a misuse
 * error for everything that would reach Wasmtime; wt_store_data works;
 * wt_store_delete is carried out when the call that ran the finalizer
 * returns. */
static void expect_refused_inside(void) {
  cr_assert_eq(P.ran, 1, "the finalizer ran %d times", P.ran);
  switch (P.use) {
  case USE_STORE_DELETE:
    cr_assert(!P.failed);
    cr_assert_eq(P.data_finals, 1, "the store was not freed");
    EXPECT_ERROR(wt_store_set_fuel(P.store, 1), WT_ERROR_MISUSE,
                 "not a live wt_store_t");
    wt_store_delete(P.store); /* deleted: ignored */
    P.store = NULL;
    return;
  case USE_STORE_DATA:
    cr_assert_eq(P.data, &store_data);
    break;
  default:
    cr_assert(P.failed, "a use of a store inside its GC succeeded");
    cr_assert_eq(P.kind, WT_ERROR_MISUSE, "%s", P.message);
    cr_assert(strstr(P.message, "running a finalizer inside Wasmtime") !=
                  NULL,
              "%s", P.message);
  }
  cr_assert_eq(P.data_finals, 0);
  /* The store works again once Wasmtime is done. */
  wt_val_t v;
  OK(wt_instance_call(P.store, &P.inst, "f", NULL, 0, &v, 1));
  cr_assert_eq(v.of.i32, 42);
  OK(wt_global_get(P.store, &P.global, &v));
  cr_assert_eq(v.of.i32, 7);
}

/* An externref's finalizer, run by wt_store_gc. */
static void gc_case(use_t use) {
  wt_engine_t *engine = prepare(use, NULL);
  wt_val_t ref;
  OK(wt_externref_new(P.store, NULL, use_store, &ref));
  wt_ref_release(P.store, &ref);
  OK(wt_store_gc(P.store));
  expect_refused_inside();
  wt_store_delete(P.store);
  wt_engine_delete(engine);
}

/* An epoch callback's finalizer, run when a new callback replaces it. */
static void replaced_case(use_t use) {
  wt_engine_t *engine = prepare(use, NULL);
  OK(wt_store_set_epoch_deadline_callback(P.store, epoch_cb, NULL,
                                          use_store));
  OK(wt_store_set_epoch_deadline_callback(P.store, epoch_cb, NULL, NULL));
  expect_refused_inside();
  wt_store_delete(P.store);
  wt_engine_delete(engine);
}

#define LIVE_TESTS(fn, name)                                                   \
  Test(lifetime, name##_externref_new) { fn(USE_EXTERNREF_NEW); }              \
  Test(lifetime, name##_store_delete) { fn(USE_STORE_DELETE); }                \
  Test(lifetime, name##_instance_call) { fn(USE_INSTANCE_CALL); }              \
  Test(lifetime, name##_global_get) { fn(USE_GLOBAL_GET); }                    \
  Test(lifetime, name##_set_data) { fn(USE_SET_DATA); }                        \
  Test(lifetime, name##_gc) { fn(USE_GC); }                                    \
  Test(lifetime, name##_store_data) { fn(USE_STORE_DATA); }                    \
  Test(lifetime, name##_set_fuel) { fn(USE_SET_FUEL); }

LIVE_TESTS(gc_case, externref_finalizer_in_gc)
LIVE_TESTS(replaced_case, replaced_epoch_callback_finalizer)

/* Finalizers Wasmtime runs in a garbage collection it starts itself: a host
 * function, called from wasm in a loop, makes externrefs and drops them at
 * once, until an allocation finds the GC heap full and collects. */
static wt_error_t *make_garbage(void *env, wt_caller_t *caller,
                                const wt_val_t *args, size_t nargs,
                                wt_val_t *results, size_t nresults) {
  wt_store_t *store = wt_caller_store(caller);
  wt_val_t ref;
  wt_error_t *err = wt_externref_new(store, NULL, use_store, &ref);
  if (!err)
    wt_ref_release(store, &ref);
  return err;
}

static const char *churn_wat =
    "(module (import \"host\" \"make\" (func $make))"
    " (func (export \"f\") (result i32) (i32.const 42))"
    " (func (export \"churn\") (param i32)"
    "  (loop $l (call $make)"
    "   (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))";

static wt_error_t *churn(use_t use, fx_t *fx) {
  memset(&P, 0, sizeof P);
  P.use = use;
  fx_setup(fx, NULL);
  OK(wt_linker_define_func(fx->linker, "host", "make", "->", make_garbage,
                           NULL, NULL));
  P.inst = fx_instantiate(fx, churn_wat);
  P.store = fx->store;
  OK(wt_store_set_data(fx->store, &store_data, data_final));
  wt_val_t n = i32v(100000);
  return wt_instance_call(fx->store, &P.inst, "churn", &n, 1, NULL, 0);
}

Test(lifetime, externref_finalizers_in_an_allocation_gc_refuse_the_store) {
  fx_t fx;
  OK(churn(USE_INSTANCE_CALL, &fx));
  cr_assert_gt(P.ran, 0, "no garbage collection ran during the calls");
  cr_assert(P.failed);
  cr_assert_eq(P.kind, WT_ERROR_MISUSE, "%s", P.message);
  cr_assert(strstr(P.message, "running a finalizer inside Wasmtime") != NULL,
            "%s", P.message);
  wt_val_t v;
  OK(wt_instance_call(fx.store, &P.inst, "f", NULL, 0, &v, 1));
  cr_assert_eq(v.of.i32, 42);
  fx_teardown(&fx);
  cr_assert_eq(P.ran, 100000, "%d finalizers ran", P.ran);
  cr_assert_eq(P.data_finals, 1);
}

Test(lifetime, store_deleted_by_a_finalizer_in_an_allocation_gc) {
  fx_t fx;
  EXPECT_ERROR(churn(USE_STORE_DELETE, &fx), WT_ERROR_MISUSE,
               "a finalizer deleted the store");
  /* Freed when the call into it returned, every finalizer run once. */
  cr_assert_eq(P.data_finals, 1);
  cr_assert_eq(P.other_finals, 0);
  EXPECT_ERROR(wt_store_set_fuel(fx.store, 1), WT_ERROR_MISUSE,
               "not a live wt_store_t");
  fx.store = NULL;
  fx_teardown(&fx);
}

/* ---- deleted objects of every caller-owned type ---- */

Test(lifetime, error_deleted_twice_is_ignored) {
  wt_error_t *e = wt_error_new("first");
  wt_error_delete(e);
  wt_error_delete(e);
  cr_assert_str_eq(wt_error_message(e), "");
  cr_assert_eq(wt_error_kind(e), 0);
  cr_assert_eq(wt_error_frame_count(e), 0);
  /* Many errors later, the stale pointer still names no live error. */
  wt_error_t *live = wt_error_new("live");
  for (int i = 0; i < 5000; i++)
    wt_error_delete(wt_error_new("churn"));
  wt_error_delete(e);
  cr_assert_str_eq(wt_error_message(live), "live");
  cr_assert_eq(wt_error_kind(live), WT_ERROR_HOST);
  wt_error_delete(live);
}

Test(lifetime, deleted_wasi_config_is_refused) {
  wt_wasi_t *w = wt_wasi_new();
  cr_assert(wt_wasi_set_args(w, 1, (const char *const[]){"prog"}));
  wt_wasi_delete(w);
  /* A new config never takes the deleted one's place. */
  wt_wasi_t *live = wt_wasi_new();
  cr_assert_neq(live, w);
  cr_assert(!wt_wasi_set_args(w, 1, (const char *const[]){"prog"}));
  cr_assert(!wt_wasi_add_env(w, "A", "b"));
  cr_assert(!wt_wasi_inherit_stdio(w));
  cr_assert(!wt_wasi_set_output_capture(w, 1));
  cr_assert_str_eq(wt_wasi_rejected(w), "not a live wt_wasi_t");
  wt_wasi_delete(w);
  fx_t fx;
  fx_setup(&fx, NULL);
  EXPECT_ERROR(wt_store_set_wasi(fx.store, w), WT_ERROR_MISUSE,
               "wasi is NULL or deleted");
  cr_assert_null(wt_wasi_rejected(live));
  OK(wt_store_set_wasi(fx.store, live));
  wt_wasi_delete(live);
  fx_teardown(&fx);
}

/* Deletes each caller-owned type's object twice, with thousands of objects
 * of the same type made and deleted in between, and checks the second
 * delete touches none of the live ones. */
Test(lifetime, every_type_deleted_twice_after_churn_is_ignored) {
  wt_engine_t *engine = engine_from(NULL);
  wt_memorytype_t shared_type = {
      .min = 1, .has_max = true, .max = 1, .shared = true, .page_size_log2 = 16};
  wt_config_t *tcfg = wt_config_new();
  cr_assert(wt_config_set_wasm_threads(tcfg, true));
  cr_assert(wt_config_set_wasm_shared_memory(tcfg, true));
  wt_engine_t *tengine = engine_from(tcfg);

  wt_config_t *c = wt_config_new();
  wt_engine_t *e;
  OK(wt_engine_new(NULL, &e));
  wt_module_t *m = compile(engine, wat);
  wt_linker_t *l;
  OK(wt_linker_new(engine, &l));
  wt_instance_pre_t *pre;
  OK(wt_linker_instantiate_pre(l, m, &pre));
  wt_shared_memory_t *sm;
  OK(wt_shared_memory_new(tengine, &shared_type, &sm));
  wt_wasi_t *w = wt_wasi_new();
  wt_error_t *err = wt_error_new("x");
  wt_config_delete(c);
  wt_engine_delete(e);
  wt_instance_pre_delete(pre);
  wt_linker_delete(l);
  wt_module_delete(m);
  wt_shared_memory_delete(sm);
  wt_wasi_delete(w);
  wt_error_delete(err);

  for (int i = 0; i < 2000; i++) {
    wt_config_delete(wt_config_new());
    wt_wasi_delete(wt_wasi_new());
    wt_linker_t *l2;
    OK(wt_linker_new(engine, &l2));
    wt_linker_delete(l2);
  }
  /* Live objects of each type, made after the churn. */
  wt_config_t *c2 = wt_config_new();
  wt_module_t *m2 = compile(engine, wat);
  wt_linker_t *l2;
  OK(wt_linker_new(engine, &l2));
  wt_instance_pre_t *pre2;
  OK(wt_linker_instantiate_pre(l2, m2, &pre2));
  wt_shared_memory_t *sm2;
  OK(wt_shared_memory_new(tengine, &shared_type, &sm2));
  wt_wasi_t *w2 = wt_wasi_new();

  wt_config_delete(c);
  wt_engine_delete(e);
  wt_instance_pre_delete(pre);
  wt_linker_delete(l);
  wt_module_delete(m);
  wt_shared_memory_delete(sm);
  wt_wasi_delete(w);
  wt_error_delete(err);

  cr_assert(wt_config_set_wasm_simd(c2, true));
  cr_assert(wt_wasi_inherit_stdio(w2));
  uint64_t pages = 0;
  OK(wt_shared_memory_pages(sm2, &pages));
  cr_assert_eq(pages, 1);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  OK(wt_instance_pre_instantiate(pre2, store, &inst));
  OK(wt_linker_instantiate(l2, store, m2, &inst));
  wt_val_t v;
  OK(wt_instance_call(store, &inst, "f", NULL, 0, &v, 1));
  cr_assert_eq(v.of.i32, 42);
  wt_store_delete(store);
  wt_config_delete(c2);
  wt_instance_pre_delete(pre2);
  wt_linker_delete(l2);
  wt_module_delete(m2);
  wt_shared_memory_delete(sm2);
  wt_wasi_delete(w2);
  wt_engine_delete(tengine);
  wt_engine_delete(engine);
}

/* ---- a stale store after many deletes ---- */

Test(lifetime, stale_store_never_aliases_a_live_one) {
  wt_config_t *config = wt_config_new();
  cr_assert(wt_config_set_consume_fuel(config, true));
  wt_engine_t *engine = engine_from(config);
  wt_store_t *stale;
  OK(wt_store_new(engine, NULL, NULL, &stale));
  wt_store_delete(stale);

  enum { LIVE = 1100 }; /* more than the deleted stores wt once kept */
  static int tags[LIVE];
  wt_store_t *live[LIVE];
  /* Every store made meanwhile is a live store the stale pointer must not
   * reach, whatever became of the deleted one's memory. */
  for (int i = 0; i < 5000; i++) {
    wt_store_t *s;
    OK(wt_store_new(engine, &tags[0], NULL, &s));
    OK(wt_store_set_fuel(s, (uint64_t)i));
    wt_error_t *err = wt_store_set_fuel(stale, 1);
    cr_assert_not_null(err, "cycle %d: the stale store took fuel", i);
    cr_assert_eq(wt_error_kind(err), WT_ERROR_MISUSE);
    wt_error_delete(err);
    wt_store_delete(stale); /* a no-op */
    uint64_t fuel;
    OK(wt_store_fuel(s, &fuel));
    cr_assert_eq(fuel, (uint64_t)i, "cycle %d", i);
    cr_assert_eq(wt_store_data(s), &tags[0], "cycle %d", i);
    wt_store_delete(s);
  }
  for (int i = 0; i < LIVE; i++) {
    OK(wt_store_new(engine, &tags[i], NULL, &live[i]));
    OK(wt_store_set_fuel(live[i], 1000 + (uint64_t)i));
  }
  EXPECT_ERROR(wt_store_set_fuel(stale, 1), WT_ERROR_MISUSE,
               "not a live wt_store_t");
  cr_assert_null(wt_store_data(stale));
  wt_store_delete(stale); /* a no-op, touching no live store */
  for (int i = 0; i < LIVE; i++) {
    cr_assert_eq(wt_store_data(live[i]), &tags[i]);
    uint64_t fuel;
    OK(wt_store_fuel(live[i], &fuel));
    cr_assert_eq(fuel, 1000 + (uint64_t)i);
    cr_assert_neq(live[i], stale);
    wt_store_delete(live[i]);
    EXPECT_ERROR(wt_store_set_fuel(live[i], 1), WT_ERROR_MISUSE,
                 "not a live wt_store_t");
  }
  wt_engine_delete(engine);
}

/* When wt may carve no more shells, making objects fails with an error (never
 * a NULL "success", never an old address), and works again once it may. */
Test(lifetime, out_of_shells_fails_closed) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *old;
  OK(wt_store_new(engine, NULL, NULL, &old));
  wt_store_delete(old);
  wt__shell_limit(0);
  wt_store_t *made[4096];
  size_t n = 0;
  wt_error_t *err = NULL;
  while (n < 4096) {
    wt_store_t *s = NULL;
    if ((err = wt_store_new(engine, NULL, NULL, &s)) != NULL) {
      cr_assert_null(s);
      break;
    }
    cr_assert_neq(s, old);
    made[n++] = s;
  }
  cr_assert_not_null(err, "stores were still made after the limit");
  cr_assert_eq(wt_error_kind(err), WT_ERROR_WASMTIME, "%s",
               wt_error_message(err));
  cr_assert(strstr(wt_error_message(err), "out of memory") != NULL);
  wt_error_delete(err);
  wt__shell_limit((size_t)-1);
  EXPECT_ERROR(wt_store_set_fuel(old, 1), WT_ERROR_MISUSE,
               "not a live wt_store_t");
  for (size_t i = 0; i < n; i++)
    wt_store_delete(made[i]);
  OK(wt_store_new(engine, NULL, NULL, &old));
  wt_store_delete(old);
  wt_engine_delete(engine);
}
