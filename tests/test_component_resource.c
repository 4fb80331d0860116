/* Component resources: host resources with their table and destructors,
 * guest resources, own and borrow handles, and every misuse of them. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "wt.h"

/* A component that imports the host resource "file" from "host" with
 * open(n) -> own<file> and size(borrow<file>) -> u32, and exports
 * functions that move files in and out. */
static const char *const host_files =
    "(component\n"
    "  (import \"host\" (instance $h\n"
    "    (export \"file\" (type $f (sub resource)))\n"
    "    (export \"open\" (func (param \"n\" u32) (result (own $f))))\n"
    "    (export \"size\" (func (param \"f\" (borrow $f)) (result u32)))))\n"
    "  (alias export $h \"file\" (type $file))\n"
    "  (alias export $h \"open\" (func $open))\n"
    "  (alias export $h \"size\" (func $size))\n"
    "  (core func $open_l (canon lower (func $open)))\n"
    "  (core func $size_l (canon lower (func $size)))\n"
    "  (core func $drop_l (canon resource.drop $file))\n"
    "  (core instance $hi (export \"open\" (func $open_l))"
    " (export \"size\" (func $size_l)) (export \"drop\" (func $drop_l)))\n"
    "  (core module $m\n"
    "    (import \"h\" \"open\" (func $open (param i32) (result i32)))\n"
    "    (import \"h\" \"size\" (func $size (param i32) (result i32)))\n"
    "    (import \"h\" \"drop\" (func $drop (param i32)))\n"
    "    (global $kept (mut i32) (i32.const 0))\n"
    "    (func (export \"roundtrip\") (param i32) (result i32)\n"
    "      (local $h i32)\n"
    "      (local.set $h (call $open (local.get 0)))\n"
    "      (call $size (local.get $h))\n"
    "      (call $drop (local.get $h)))\n"
    "    (func (export \"keep\") (param i32) (result i32) (local.get 0))\n"
    "    (func (export \"measure\") (param i32) (result i32)\n"
    "      (call $size (local.get 0))\n"
    "      (call $drop (local.get 0)))\n"
    "    (func (export \"discard\") (param i32) (call $drop (local.get 0)))\n"
    "    (func (export \"stash\") (param i32) (global.set $kept (local.get 0)))\n"
    "    (func (export \"discard2\") (param i32 i32)\n"
    "      (call $drop (local.get 0)) (call $drop (local.get 1)))\n"
    "    (func (export \"unstash\") (result i32) (global.get $kept)))\n"
    "  (core instance $i (instantiate $m (with \"h\" (instance $hi))))\n"
    "  (func (export \"roundtrip\") (param \"n\" u32) (result u32)\n"
    "    (canon lift (core func $i \"roundtrip\")))\n"
    "  (func (export \"keep\") (param \"f\" (own $file)) (result (own $file))\n"
    "    (canon lift (core func $i \"keep\")))\n"
    "  (func (export \"measure\") (param \"f\" (borrow $file)) (result u32)\n"
    "    (canon lift (core func $i \"measure\")))\n"
    "  (func (export \"discard\") (param \"f\" (own $file))\n"
    "    (canon lift (core func $i \"discard\")))\n"
    "  (func (export \"discard2\") (param \"a\" (own $file))"
    " (param \"b\" (own $file))\n"
    "    (canon lift (core func $i \"discard2\")))\n"
  "  (func (export \"stash\") (param \"f\" (own $file))\n"
    "    (canon lift (core func $i \"stash\")))\n"
    "  (func (export \"unstash\") (result (own $file))\n"
    "    (canon lift (core func $i \"unstash\"))))\n";

/* A component that defines and exports the resource "counter" (its rep is
 * the number it was made with) and counts its destructor's runs. */
static const char *const guest_counters =
    "(component\n"
    "  (core module $d\n"
    "    (global $n (mut i32) (i32.const 0))\n"
    "    (func (export \"dtor\") (param i32)\n"
    "      (global.set $n (i32.add (global.get $n) (i32.const 1))))\n"
    "    (func (export \"dtors\") (result i32) (global.get $n)))\n"
    "  (core instance $di (instantiate $d))\n"
    "  (type $c (resource (rep i32) (dtor (core func $di \"dtor\"))))\n"
    "  (core func $new (canon resource.new $c))\n"
    "  (core func $rep (canon resource.rep $c))\n"
    "  (core func $drop (canon resource.drop $c))\n"
    "  (core instance $ci (export \"new\" (func $new))"
    " (export \"rep\" (func $rep)) (export \"drop\" (func $drop)))\n"
    "  (core module $m\n"
    "    (import \"c\" \"new\" (func $new (param i32) (result i32)))\n"
    "    (import \"c\" \"rep\" (func $rep (param i32) (result i32)))\n"
    "    (import \"c\" \"drop\" (func $drop (param i32)))\n"
    "    (func (export \"make\") (param i32) (result i32)\n"
    "      (call $new (local.get 0)))\n"
    "    (func (export \"get\") (param i32) (result i32) (local.get 0))\n"
    "    (func (export \"consume\") (param i32) (result i32)\n"
    "      (local $r i32)\n"
    "      (local.set $r (call $rep (local.get 0)))\n"
    "      (call $drop (local.get 0))\n"
    "      (local.get $r)))\n"
    "  (core instance $i (instantiate $m (with \"c\" (instance $ci))))\n"
    "  (export $C \"counter\" (type $c))\n"
    "  (func (export \"make\") (param \"n\" u32) (result (own $C))\n"
    "    (canon lift (core func $i \"make\")))\n"
    "  (func (export \"get\") (param \"c\" (borrow $C)) (result u32)\n"
    "    (canon lift (core func $i \"get\")))\n"
    "  (func (export \"consume\") (param \"c\" (own $C)) (result u32)\n"
    "    (canon lift (core func $i \"consume\")))\n"
    "  (func (export \"dtors\") (result u32)\n"
    "    (canon lift (core func $di \"dtors\"))))\n";

typedef struct file {
  uint32_t size;
  int destroyed;
} file;

/* The host side: the resource type, the files it made, and what the
 * callbacks saw. */
typedef struct host {
  wt_resource_type_t *type;
  file files[8];
  int nfiles;
  int dtors;
  void *last_destroyed;
  wt_cval_t kept_borrow; /* the last borrow size() got */
  int type_finalized;
} host;

static void file_dtor(void *env, void *rep) {
  host *h = env;
  file *f = rep;
  f->destroyed++;
  h->dtors++;
  h->last_destroyed = rep;
}

static void type_finalize(void *env) { ((host *)env)->type_finalized++; }

static wt_error_t *h_open(void *env, wt_store_t *store, const wt_cval_t *args,
                          size_t nargs, wt_cval_t *results, size_t nresults,
                          wt_arena_t *arena) {
  host *h = env;
  (void)nargs, (void)nresults, (void)arena;
  file *f = &h->files[h->nfiles++];
  f->size = args[0].of.u32;
  return wt_resource_new(store, h->type, f, &results[0]);
}

static wt_error_t *h_size(void *env, wt_store_t *store, const wt_cval_t *args,
                          size_t nargs, wt_cval_t *results, size_t nresults,
                          wt_arena_t *arena) {
  host *h = env;
  (void)nargs, (void)nresults, (void)arena;
  cr_assert_eq(args[0].kind, WT_CVAL_BORROW);
  h->kept_borrow = args[0];
  void *rep;
  wt_error_t *err = wt_resource_rep(store, &args[0], h->type, &rep);
  if (err)
    return err;
  results[0].kind = WT_CVAL_U32;
  results[0].of.u32 = ((file *)rep)->size;
  return NULL;
}

typedef struct fixture {
  wt_engine_t *engine;
  wt_component_t *component;
  wt_component_linker_t *linker;
  wt_store_t *store;
  wt_component_instance_t inst;
  host h;
} fixture;

static void setup_host(fixture *f) {
  memset(f, 0, sizeof *f);
  f->engine = engine_from(wt_config_new());
  OK(wt_resource_type_new("file", file_dtor, &f->h, type_finalize,
                          &f->h.type));
  OK(wt_component_new_wat(f->engine, host_files, &f->component));
  OK(wt_component_linker_new(f->engine, &f->linker));
  OK(wt_component_linker_define_resource(f->linker, "host", "file",
                                         f->h.type));
  OK(wt_component_linker_define_func(f->linker, "host", "open", h_open, &f->h,
                                     NULL));
  OK(wt_component_linker_define_func(f->linker, "host", "size", h_size, &f->h,
                                     NULL));
  OK(wt_store_new(f->engine, NULL, NULL, &f->store));
  OK(wt_component_linker_instantiate(f->linker, f->store, f->component,
                                     &f->inst));
}

static void setup_guest(fixture *f) {
  memset(f, 0, sizeof *f);
  f->engine = engine_from(wt_config_new());
  OK(wt_component_new_wat(f->engine, guest_counters, &f->component));
  OK(wt_component_linker_new(f->engine, &f->linker));
  OK(wt_store_new(f->engine, NULL, NULL, &f->store));
  OK(wt_component_linker_instantiate(f->linker, f->store, f->component,
                                     &f->inst));
}

static void teardown(fixture *f) {
  wt_store_delete(f->store);
  wt_component_linker_delete(f->linker);
  wt_component_delete(f->component);
  wt_resource_type_delete(f->h.type);
  wt_engine_delete(f->engine);
}

/* Calls `name` with up to one argument and up to one result. */
static wt_error_t *call(fixture *f, const char *name, const wt_cval_t *arg,
                        wt_cval_t *result) {
  wt_component_func_t fn;
  wt_error_t *err = wt_component_instance_func(f->store, &f->inst, name, &fn);
  if (err)
    return err;
  return wt_component_func_call(f->store, &fn, arg, arg ? 1 : 0, result,
                                result ? 1 : 0, NULL);
}

static wt_cval_t u32v(uint32_t v) {
  wt_cval_t x = {.kind = WT_CVAL_U32, .of.u32 = v};
  return x;
}

static wt_cval_t as_borrow(wt_cval_t own) {
  own.kind = WT_CVAL_BORROW;
  return own;
}

Test(component_resource, host_resource_made_by_the_host_and_dropped_by_wasm) {
  fixture f;
  setup_host(&f);
  wt_cval_t n = u32v(5), r = {0};
  OK(call(&f, "roundtrip", &n, &r));
  cr_assert_eq(r.of.u32, 5, "size() read the file open() made");
  cr_assert_eq(f.h.nfiles, 1);
  cr_assert_eq(f.h.dtors, 1, "wasm dropped the file: its destructor ran");
  cr_assert_eq(f.h.last_destroyed, &f.h.files[0]);
  cr_assert_eq(f.h.files[0].destroyed, 1);
  teardown(&f);
  cr_assert_eq(f.h.dtors, 1, "and only once");
  cr_assert_eq(f.h.type_finalized, 1, "the type went with its last user");
}

Test(component_resource, host_resource_lent_given_and_given_back) {
  fixture f;
  setup_host(&f);
  file mine = {.size = 7};
  wt_cval_t own, r = {0};
  OK(wt_resource_new(f.store, f.h.type, &mine, &own));
  cr_assert_eq(own.kind, WT_CVAL_OWN);
  wt_cval_t b = as_borrow(own);
  OK(call(&f, "measure", &b, &r));
  cr_assert_eq(r.of.u32, 7, "a borrow of the host's own, seen by size()");
  /* keep takes the own and gives it back. */
  wt_cval_t back = {0};
  OK(call(&f, "keep", &own, &back));
  cr_assert_eq(back.kind, WT_CVAL_OWN);
  void *rep = NULL;
  OK(wt_resource_rep(f.store, &back, f.h.type, &rep));
  cr_assert_eq(rep, &mine);
  cr_assert_eq(f.h.dtors, 0);
  /* discard takes it and drops it: the destructor runs, the handle is
   * stale. */
  OK(call(&f, "discard", &back, NULL));
  cr_assert_eq(f.h.dtors, 1);
  cr_assert_eq(mine.destroyed, 1);
  EXPECT_ERROR(wt_resource_rep(f.store, &back, f.h.type, &rep),
               WT_ERROR_MISUSE, "wt_resource_rep: the resource handle is stale");
  EXPECT_ERROR(call(&f, "discard", &back, NULL), WT_ERROR_MISUSE,
               "wt_component_func_call: argument 0: the resource handle is "
               "stale");
  teardown(&f);
  cr_assert_eq(mine.destroyed, 1);
}

Test(component_resource, own_given_to_wasm_is_not_the_hosts) {
  fixture f;
  setup_host(&f);
  file mine = {.size = 3};
  wt_cval_t own;
  OK(wt_resource_new(f.store, f.h.type, &mine, &own));
  OK(call(&f, "stash", &own, NULL));
  void *rep;
  EXPECT_ERROR(wt_resource_rep(f.store, &own, f.h.type, &rep),
               WT_ERROR_MISUSE, "the own handle was given to wasm");
  EXPECT_ERROR(wt_resource_drop(f.store, &own), WT_ERROR_MISUSE,
               "the own handle was given to wasm");
  EXPECT_ERROR(call(&f, "stash", &own, NULL), WT_ERROR_MISUSE,
               "argument 0: the own handle was given to wasm");
  cr_assert_eq(f.h.dtors, 0);
  /* Back from wasm, it is the host's again. */
  wt_cval_t back = {0};
  OK(call(&f, "unstash", NULL, &back));
  OK(wt_resource_rep(f.store, &back, f.h.type, &rep));
  cr_assert_eq(rep, &mine);
  OK(wt_resource_drop(f.store, &back));
  cr_assert_eq(mine.destroyed, 1, "the host dropped it: its destructor ran");
  EXPECT_ERROR(wt_resource_drop(f.store, &back), WT_ERROR_MISUSE,
               "wt_resource_drop: the resource handle is stale");
  teardown(&f);
  cr_assert_eq(mine.destroyed, 1);
}

Test(component_resource, store_delete_destroys_live_host_resources_once) {
  fixture f;
  setup_host(&f);
  file held = {.size = 1}, lent = {.size = 2}, dropped = {.size = 3};
  wt_cval_t a, b, c;
  OK(wt_resource_new(f.store, f.h.type, &held, &a));
  OK(wt_resource_new(f.store, f.h.type, &lent, &b));
  OK(wt_resource_new(f.store, f.h.type, &dropped, &c));
  OK(call(&f, "stash", &b, NULL)); /* wasm holds it when the store goes */
  OK(wt_resource_drop(f.store, &c));
  cr_assert_eq(dropped.destroyed, 1);
  wt_store_delete(f.store);
  f.store = NULL;
  cr_assert_eq(held.destroyed, 1);
  cr_assert_eq(lent.destroyed, 1);
  cr_assert_eq(dropped.destroyed, 1);
  cr_assert_eq(f.h.dtors, 3);
  teardown(&f);
}

Test(component_resource, borrow_kept_after_its_call_is_stale) {
  fixture f;
  setup_host(&f);
  wt_cval_t n = u32v(9), r = {0};
  OK(call(&f, "roundtrip", &n, &r));
  /* size() kept its borrow; the call is over. */
  cr_assert_eq(f.h.kept_borrow.kind, WT_CVAL_BORROW);
  void *rep;
  EXPECT_ERROR(wt_resource_rep(f.store, &f.h.kept_borrow, f.h.type, &rep),
               WT_ERROR_MISUSE, "the resource handle is stale");
  /* The same for a borrow of a resource that lives on. */
  file mine = {.size = 4};
  wt_cval_t own;
  OK(wt_resource_new(f.store, f.h.type, &mine, &own));
  wt_cval_t b = as_borrow(own);
  OK(call(&f, "measure", &b, &r));
  cr_assert_eq(r.of.u32, 4);
  EXPECT_ERROR(wt_resource_rep(f.store, &f.h.kept_borrow, f.h.type, &rep),
               WT_ERROR_MISUSE, "the resource handle is stale");
  EXPECT_ERROR(wt_resource_drop(f.store, &b), WT_ERROR_MISUSE,
               "expected own, got borrow");
  OK(wt_resource_rep(f.store, &own, f.h.type, &rep));
  cr_assert_eq(rep, &mine);
  teardown(&f);
}

Test(component_resource, handle_misuse) {
  fixture f;
  setup_host(&f);
  wt_resource_type_t *other;
  OK(wt_resource_type_new("socket", NULL, NULL, NULL, &other));
  int x;
  wt_cval_t sock, r = {0};
  OK(wt_resource_new(f.store, other, &x, &sock));
  wt_cval_t b = as_borrow(sock);
  EXPECT_ERROR(call(&f, "measure", &b, &r), WT_ERROR_MISUSE,
               "argument 0: the resource is a socket, of another resource "
               "type than the borrow expected");
  EXPECT_ERROR(call(&f, "keep", &sock, &r), WT_ERROR_MISUSE,
               "argument 0: the resource is a socket");
  void *rep;
  EXPECT_ERROR(wt_resource_rep(f.store, &sock, f.h.type, &rep),
               WT_ERROR_MISUSE, "the resource is a socket, not a file");
  /* A zero-filled handle and a forged one. */
  wt_cval_t zero = {.kind = WT_CVAL_OWN};
  EXPECT_ERROR(call(&f, "keep", &zero, &r), WT_ERROR_MISUSE,
               "argument 0: the resource handle belongs to another store");
  wt_cval_t forged = sock;
  forged.of.resource.gen_ += 1;
  EXPECT_ERROR(wt_resource_rep(f.store, &forged, other, &rep),
               WT_ERROR_MISUSE, "stale");
  forged = sock;
  forged.of.resource.slot_ = 1000;
  EXPECT_ERROR(wt_resource_drop(f.store, &forged), WT_ERROR_MISUSE, "stale");
  /* A handle of another store. */
  wt_store_t *s2;
  OK(wt_store_new(f.engine, NULL, NULL, &s2));
  wt_cval_t in2;
  file f2 = {.size = 0};
  OK(wt_resource_new(s2, f.h.type, &f2, &in2));
  EXPECT_ERROR(call(&f, "keep", &in2, &r), WT_ERROR_MISUSE,
               "belongs to another store");
  EXPECT_ERROR(wt_resource_rep(f.store, &in2, f.h.type, &rep),
               WT_ERROR_MISUSE, "belongs to another store");
  wt_store_delete(s2);
  cr_assert_eq(f2.destroyed, 1, "the other store's file went with it");
  /* Kinds and NULLs. */
  wt_cval_t num = u32v(1);
  EXPECT_ERROR(call(&f, "keep", &num, &r), WT_ERROR_MISUSE,
               "argument 0: expected own, got u32");
  EXPECT_ERROR(call(&f, "measure", &sock, &r), WT_ERROR_MISUSE,
               "argument 0: expected borrow, got own");
  EXPECT_ERROR(wt_resource_rep(f.store, &num, f.h.type, &rep),
               WT_ERROR_MISUSE, "expected own or borrow, got u32");
  EXPECT_ERROR(wt_resource_rep(f.store, NULL, f.h.type, &rep),
               WT_ERROR_MISUSE, "handle or rep is NULL");
  EXPECT_ERROR(wt_resource_rep(f.store, &sock, NULL, &rep), WT_ERROR_MISUSE,
               "type is NULL or deleted");
  EXPECT_ERROR(wt_resource_new(f.store, NULL, &x, &r), WT_ERROR_MISUSE,
               "type is NULL or deleted");
  EXPECT_ERROR(wt_resource_new(f.store, other, &x, NULL), WT_ERROR_MISUSE,
               "out is NULL");
  EXPECT_ERROR(wt_resource_new(NULL, other, &x, &r), WT_ERROR_MISUSE,
               "wt_resource_new");
  EXPECT_ERROR(wt_resource_drop(f.store, NULL), WT_ERROR_MISUSE,
               "handle is NULL");
  EXPECT_ERROR(wt_resource_type_new(NULL, NULL, NULL, NULL, &other),
               WT_ERROR_MISUSE, "name is NULL");
  cr_assert_str_eq(wt_resource_type_name(other), "socket");
  cr_assert_str_eq(wt_resource_type_name(NULL), "");
  EXPECT_ERROR(wt_component_linker_define_resource(f.linker, "host", "x",
                                                   NULL),
               WT_ERROR_MISUSE, "type is NULL or deleted");
  /* The caller's reference can go while resources of the type live. */
  wt_resource_type_delete(other);
  OK(wt_resource_drop(f.store, &sock));
  teardown(&f);
}

Test(component_resource, guest_resources) {
  fixture f;
  setup_guest(&f);
  wt_cval_t n = u32v(42), own = {0}, r = {0};
  OK(call(&f, "make", &n, &own));
  cr_assert_eq(own.kind, WT_CVAL_OWN);
  wt_cval_t b = as_borrow(own);
  OK(call(&f, "get", &b, &r));
  cr_assert_eq(r.of.u32, 42, "the guest sees its rep through the borrow");
  OK(call(&f, "dtors", NULL, &r));
  cr_assert_eq(r.of.u32, 0);
  /* Given back as own: the guest drops it, its destructor runs. */
  OK(call(&f, "consume", &own, &r));
  cr_assert_eq(r.of.u32, 42);
  OK(call(&f, "dtors", NULL, &r));
  cr_assert_eq(r.of.u32, 1);
  EXPECT_ERROR(call(&f, "consume", &own, &r), WT_ERROR_MISUSE,
               "argument 0: the resource handle is stale");
  /* Dropped by the host: the guest's destructor runs in wasm. */
  n = u32v(7);
  OK(call(&f, "make", &n, &own));
  OK(wt_resource_drop(f.store, &own));
  OK(call(&f, "dtors", NULL, &r));
  cr_assert_eq(r.of.u32, 2);
  EXPECT_ERROR(wt_resource_drop(f.store, &own), WT_ERROR_MISUSE, "stale");
  /* A guest resource has no host rep. */
  OK(call(&f, "make", &n, &own));
  wt_resource_type_t *t;
  OK(wt_resource_type_new("t", NULL, NULL, NULL, &t));
  void *rep;
  EXPECT_ERROR(wt_resource_rep(f.store, &own, t, &rep), WT_ERROR_MISUSE,
               "a resource of a component, not of the host");
  /* A host resource where the guest's type is expected. */
  wt_cval_t mine;
  OK(wt_resource_new(f.store, t, &rep, &mine));
  EXPECT_ERROR(call(&f, "consume", &mine, &r), WT_ERROR_MISUSE,
               "argument 0: the resource is a t, of another resource type");
  wt_resource_type_delete(t);
  /* The store goes with a guest resource still held: nothing leaks. */
  teardown(&f);
}

Test(component_resource, guest_resource_of_another_instance_type) {
  /* Two instances of the same component define two distinct resource
   * types: a counter of one is not a counter of the other. */
  fixture f;
  setup_guest(&f);
  wt_component_instance_t second;
  OK(wt_component_linker_instantiate(f.linker, f.store, f.component, &second));
  wt_cval_t n = u32v(1), own = {0}, r = {0};
  OK(call(&f, "make", &n, &own));
  wt_component_func_t consume2;
  OK(wt_component_instance_func(f.store, &second, "consume", &consume2));
  EXPECT_ERROR(wt_component_func_call(f.store, &consume2, &own, 1, &r, 1,
                                      NULL),
               WT_ERROR_MISUSE,
               "argument 0: the resource is of another resource type than "
               "the own expected");
  OK(call(&f, "consume", &own, &r));
  cr_assert_eq(r.of.u32, 1);
  teardown(&f);
}

Test(component_resource, the_same_own_cannot_be_given_twice_in_one_call) {
  fixture f;
  setup_host(&f);
  file one = {.size = 1}, two = {.size = 2};
  wt_cval_t a, b;
  OK(wt_resource_new(f.store, f.h.type, &one, &a));
  OK(wt_resource_new(f.store, f.h.type, &two, &b));
  wt_component_func_t d2;
  OK(wt_component_instance_func(f.store, &f.inst, "discard2", &d2));
  wt_cval_t args[2] = {a, a};
  EXPECT_ERROR(wt_component_func_call(f.store, &d2, args, 2, NULL, 0, NULL),
               WT_ERROR_MISUSE,
               "argument 1: the own handle was given to wasm");
  /* The call was not made: the host still holds its resource. */
  void *rep;
  OK(wt_resource_rep(f.store, &a, f.h.type, &rep));
  cr_assert_eq(rep, &one);
  cr_assert_eq(f.h.dtors, 0);
  args[1] = b;
  OK(wt_component_func_call(f.store, &d2, args, 2, NULL, 0, NULL));
  cr_assert_eq(one.destroyed, 1);
  cr_assert_eq(two.destroyed, 1);
  teardown(&f);
}
