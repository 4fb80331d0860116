/* GC references: externref host data, finalizers, rooting handled by wt,
 * passing through wasm, globals and tables, i31ref. */
#include <string.h>

#include "helpers.h"

static int finals;
static void final_count(void *data) { finals++; }

static const char *ref_wat =
    "(module"
    " (global $g (export \"g\") (mut externref) (ref.null extern))"
    " (table $t (export \"t\") 2 externref)"
    " (func (export \"id\") (param externref) (result externref) (local.get 0))"
    " (func (export \"is_null\") (param externref) (result i32)"
    "   (ref.is_null (local.get 0)))"
    " (func (export \"stash\") (param externref) (global.set $g (local.get 0)))"
    " (func (export \"drop_all\")"
    "   (global.set $g (ref.null extern))"
    "   (table.set $t (i32.const 0) (ref.null extern))))";

Test(externref, round_trip_through_wasm_keeps_data) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, ref_wat, &store);
  int payload = 7;
  wt_val_t ref, out;
  OK(wt_externref_new(store, &payload, NULL, &ref));
  cr_assert_eq(ref.kind, WT_VAL_EXTERNREF);
  OK(wt_instance_call(store, &inst, "id", &ref, 1, &out, 1));
  cr_assert_eq(out.kind, WT_VAL_EXTERNREF);
  void *data = NULL;
  OK(wt_externref_data(store, &out, &data));
  cr_assert_eq(data, &payload);
  wt_val_t r;
  OK(wt_instance_call(store, &inst, "is_null", &ref, 1, &r, 1));
  cr_assert_eq(r.of.i32, 0);
  wt_val_t null = {.kind = WT_VAL_EXTERNREF};
  OK(wt_instance_call(store, &inst, "is_null", &null, 1, &r, 1));
  cr_assert_eq(r.of.i32, 1);
  OK(wt_instance_call(store, &inst, "id", &null, 1, &out, 1));
  OK(wt_externref_data(store, &out, &data));
  cr_assert_null(data);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(externref, finalizer_runs_exactly_once_at_store_delete) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, ref_wat, &store);
  finals = 0;
  wt_val_t ref;
  OK(wt_externref_new(store, NULL, final_count, &ref));
  OK(wt_instance_call(store, &inst, "stash", &ref, 1, NULL, 0));
  wt_val_t copy = ref; /* copies of a value share its hold */
  OK(wt_store_gc(store));
  cr_assert_eq(finals, 0);
  wt_ref_release(store, &copy);
  cr_assert_eq(copy.of.ref.store_id_, 0);
  OK(wt_store_gc(store));
  cr_assert_eq(finals, 0, "wasm's global still holds it");
  wt_store_delete(store);
  cr_assert_eq(finals, 1);
  wt_engine_delete(engine);
}

Test(externref, finalizer_runs_once_after_release_and_gc) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, ref_wat, &store);
  finals = 0;
  wt_val_t ref;
  OK(wt_externref_new(store, NULL, final_count, &ref));
  OK(wt_instance_call(store, &inst, "stash", &ref, 1, NULL, 0));
  wt_ref_release(store, &ref);
  OK(wt_instance_call(store, &inst, "drop_all", NULL, 0, NULL, 0));
  OK(wt_store_gc(store));
  cr_assert_eq(finals, 1);
  OK(wt_store_gc(store));
  wt_store_delete(store);
  cr_assert_eq(finals, 1, "finalizer ran %d times", finals);
  wt_engine_delete(engine);
}

Test(externref, released_reference_is_misuse) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, ref_wat, &store);
  wt_val_t ref, stale, out;
  OK(wt_externref_new(store, (void *)1, NULL, &ref));
  stale = ref;
  wt_ref_release(store, &ref);
  void *data;
  EXPECT_ERROR(wt_externref_data(store, &stale, &data), WT_ERROR_MISUSE,
               "released");
  EXPECT_ERROR(wt_instance_call(store, &inst, "id", &stale, 1, &out, 1),
               WT_ERROR_MISUSE, "released");
  /* A new reference may reuse the slot; the stale copy stays stale. */
  wt_val_t fresh;
  OK(wt_externref_new(store, (void *)2, NULL, &fresh));
  EXPECT_ERROR(wt_externref_data(store, &stale, &data), WT_ERROR_MISUSE,
               "released");
  OK(wt_externref_data(store, &fresh, &data));
  cr_assert_eq(data, (void *)2);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(externref, reference_of_another_store_is_misuse) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *s1, *s2;
  wt_instance_t i1 = instantiate(engine, ref_wat, &s1);
  instantiate(engine, ref_wat, &s2);
  finals = 0;
  wt_val_t ref, out;
  OK(wt_externref_new(s2, NULL, final_count, &ref));
  EXPECT_ERROR(wt_instance_call(s1, &i1, "id", &ref, 1, &out, 1),
               WT_ERROR_MISUSE, "another store");
  void *data;
  EXPECT_ERROR(wt_externref_data(s1, &ref, &data), WT_ERROR_MISUSE,
               "another store");
  wt_val_t num = i32v(3);
  EXPECT_ERROR(wt_externref_data(s1, &num, &data), WT_ERROR_MISUSE,
               "not externref");
  wt_store_delete(s1);
  wt_store_delete(s2);
  cr_assert_eq(finals, 1);
  wt_engine_delete(engine);
}

Test(externref, global_and_table_hold_externrefs) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, ref_wat, &store);
  wt_global_t g;
  wt_table_t t;
  OK(wt_instance_global(store, &inst, "g", &g));
  OK(wt_instance_table(store, &inst, "t", &t));
  wt_val_t ref, v;
  OK(wt_externref_new(store, (void *)0xabc, NULL, &ref));
  OK(wt_global_set(store, &g, &ref));
  OK(wt_table_set(store, &t, 1, &ref));
  wt_ref_release(store, &ref);
  void *data;
  OK(wt_global_get(store, &g, &v));
  OK(wt_externref_data(store, &v, &data));
  cr_assert_eq(data, (void *)0xabc);
  OK(wt_table_get(store, &t, 1, &v));
  OK(wt_externref_data(store, &v, &data));
  cr_assert_eq(data, (void *)0xabc);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

static wt_error_t *host_takes_ref(void *env, wt_caller_t *caller,
                                  const wt_val_t *args, size_t nargs,
                                  wt_val_t *results, size_t nresults) {
  void *data;
  wt_error_t *err = wt_externref_data(wt_caller_store(caller), &args[0], &data);
  if (err)
    return err;
  *(void **)env = data;
  results[0] = args[0]; /* hand it back to wasm */
  return NULL;
}

Test(externref, host_functions_receive_and_return_externrefs) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  void *seen = NULL;
  OK(wt_linker_define_func(linker, "h", "f", "externref -> externref",
                           host_takes_ref, &seen, NULL));
  wt_module_t *m = compile(
      engine, "(module (import \"h\" \"f\" (func $f (param externref)"
              " (result externref)))"
              " (func (export \"run\") (param externref) (result externref)"
              "   (call $f (local.get 0))))");
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  wt_val_t ref, out;
  OK(wt_externref_new(store, (void *)0x55, NULL, &ref));
  for (int i = 0; i < 1000; i++) { /* arguments lent to hosts are given back */
    OK(wt_instance_call(store, &inst, "run", &ref, 1, &out, 1));
    wt_ref_release(store, &out);
  }
  cr_assert_eq(seen, (void *)0x55);
  OK(wt_instance_call(store, &inst, "run", &ref, 1, &out, 1));
  void *data;
  OK(wt_externref_data(store, &out, &data));
  cr_assert_eq(data, (void *)0x55);
  wt_module_delete(m);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}

Test(externref, i31_anyref_round_trip) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(
      engine,
      "(module (func (export \"get\") (param anyref) (result i32)"
      "   (i31.get_s (ref.cast (ref i31) (local.get 0))))"
      " (func (export \"make\") (param i32) (result anyref)"
      "   (ref.i31 (local.get 0))))",
      &store);
  wt_val_t a, r;
  OK(wt_anyref_i31(store, 0x7fffffff, &a)); /* all 31 bits set: -1 signed */
  cr_assert_eq(a.kind, WT_VAL_ANYREF);
  OK(wt_instance_call(store, &inst, "get", &a, 1, &r, 1));
  cr_assert_eq(r.of.i32, -1);
  wt_val_t n = i32v(12345);
  OK(wt_instance_call(store, &inst, "make", &n, 1, &a, 1));
  int32_t v;
  OK(wt_anyref_i31_get(store, &a, false, &v));
  cr_assert_eq(v, 12345);
  wt_val_t neg = i32v(-5);
  OK(wt_instance_call(store, &inst, "make", &neg, 1, &a, 1));
  OK(wt_anyref_i31_get(store, &a, true, &v));
  cr_assert_eq(v, -5);
  OK(wt_anyref_i31_get(store, &a, false, &v));
  cr_assert_eq(v, 0x7ffffffb);
  wt_val_t null = {.kind = WT_VAL_ANYREF};
  EXPECT_ERROR(wt_anyref_i31_get(store, &null, false, &v), WT_ERROR_MISUSE,
               "not an i31ref");
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(externref, null_data_is_not_a_null_reference) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, ref_wat, &store);
  wt_val_t ref, r;
  OK(wt_externref_new(store, NULL, NULL, &ref)); /* carries a NULL pointer */
  OK(wt_instance_call(store, &inst, "is_null", &ref, 1, &r, 1));
  cr_assert_eq(r.of.i32, 0, "a reference to NULL data is not ref.null");
  void *data = (void *)1;
  OK(wt_externref_data(store, &ref, &data));
  cr_assert_null(data);
  wt_val_t zero = {.kind = WT_VAL_EXTERNREF, .of.ref = {0, 0, 0}};
  OK(wt_instance_call(store, &inst, "is_null", &zero, 1, &r, 1));
  cr_assert_eq(r.of.i32, 1);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(externref, table_init_grow_and_overwrite_keep_every_slot) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  int first, grown, over;
  wt_val_t a, b, c;
  OK(wt_externref_new(store, &first, NULL, &a));
  OK(wt_externref_new(store, &grown, NULL, &b));
  OK(wt_externref_new(store, &over, NULL, &c));
  wt_tabletype_t tt = {.elem = WT_VAL_EXTERNREF, .min = 10};
  wt_table_t t;
  OK(wt_table_new(store, &tt, &a, &t));
  uint64_t old, size;
  OK(wt_table_grow(store, &t, 2, &b, &old));
  cr_assert_eq(old, 10);
  OK(wt_table_set(store, &t, 7, &c));
  /* The table holds its own references: the host's may go. */
  wt_ref_release(store, &a);
  wt_ref_release(store, &b);
  wt_ref_release(store, &c);
  OK(wt_store_gc(store));
  OK(wt_table_size(store, &t, &size));
  cr_assert_eq(size, 12);
  for (uint64_t i = 0; i < size; i++) {
    void *want = i == 7 ? (void *)&over : i < 10 ? (void *)&first : &grown;
    wt_val_t v;
    void *data;
    OK(wt_table_get(store, &t, i, &v));
    cr_assert_eq(v.kind, WT_VAL_EXTERNREF);
    cr_assert_neq(v.of.ref.store_id_, 0, "slot %llu is null",
                  (unsigned long long)i);
    OK(wt_externref_data(store, &v, &data));
    cr_assert_eq(data, want, "slot %llu holds the wrong reference",
                 (unsigned long long)i);
    wt_ref_release(store, &v);
  }
  wt_store_delete(store);
  wt_engine_delete(engine);
}

struct null_seen {
  int calls;
  bool was_null;     /* the argument was the null reference */
  bool data_null;    /* wt_externref_data gave NULL */
  wt_error_t *error; /* wt_externref_data failed */
};

/* Reports what it received and hands the same value back. */
static wt_error_t *inspect_ref(void *env, wt_caller_t *caller,
                               const wt_val_t *args, size_t nargs,
                               wt_val_t *results, size_t nresults) {
  struct null_seen *s = env;
  s->calls++;
  s->was_null = args[0].kind == WT_VAL_EXTERNREF && args[0].of.ref.store_id_ == 0;
  void *data = (void *)1;
  s->error = wt_externref_data(wt_caller_store(caller), &args[0], &data);
  s->data_null = data == NULL;
  results[0] = args[0];
  return NULL;
}

Test(externref, null_made_by_wasm_reaches_the_host_as_null) {
  wt_engine_t *engine = engine_from(NULL);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  struct null_seen seen = {0};
  OK(wt_linker_define_func(linker, "h", "inspect", "externref -> externref",
                           inspect_ref, &seen, NULL));
  wt_module_t *m = compile(
      engine,
      "(module (import \"h\" \"inspect\" (func $i (param externref)"
      "   (result externref)))"
      " (func (export \"make_null\") (result externref)"
      "   (call $i (ref.null extern)))"
      " (func (export \"null_back\") (result i32)"
      "   (ref.is_null (call $i (ref.null extern))))"
      " (func (export \"id\") (param externref) (result externref)"
      "   (call $i (local.get 0))))");
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  wt_val_t out, r;
  OK(wt_instance_call(store, &inst, "make_null", NULL, 0, &out, 1));
  cr_assert_eq(seen.calls, 1);
  cr_assert_null(seen.error, "wt_externref_data of a null failed: %s",
                 wt_error_message(seen.error));
  cr_assert(seen.was_null, "wasm's ref.null reached the host as non-null");
  cr_assert(seen.data_null);
  cr_assert_eq(out.kind, WT_VAL_EXTERNREF);
  cr_assert_eq(out.of.ref.store_id_, 0, "the null came back non-null");
  void *data = (void *)1;
  OK(wt_externref_data(store, &out, &data));
  cr_assert_null(data);
  /* The null the host returns is a null to wasm too. */
  OK(wt_instance_call(store, &inst, "null_back", NULL, 0, &r, 1));
  cr_assert_eq(r.of.i32, 1);
  /* A host null passed in comes back out as null, through the host. */
  wt_val_t null = {.kind = WT_VAL_EXTERNREF};
  OK(wt_instance_call(store, &inst, "id", &null, 1, &out, 1));
  cr_assert_eq(seen.calls, 3);
  cr_assert_null(seen.error);
  cr_assert(seen.was_null);
  cr_assert_eq(out.kind, WT_VAL_EXTERNREF);
  cr_assert_eq(out.of.ref.store_id_, 0);
  wt_module_delete(m);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_engine_delete(engine);
}
