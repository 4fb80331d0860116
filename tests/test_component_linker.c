/* The component linker: host functions at the root and in instances, core
 * modules, shadowing, unknown imports as traps, and errors from host
 * functions. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "wt.h"

/* A component that imports the instance "host" (add, greet) and the root
 * function "log", and exports functions that call them. A bump allocator
 * serves as realloc. */
static const char *const importer =
    "(component\n"
    "  (import \"host\" (instance $h\n"
    "    (export \"add\" (func (param \"a\" u32) (param \"b\" u32)"
    " (result u32)))\n"
    "    (export \"greet\" (func (param \"s\" string) (result string)))))\n"
    "  (import \"log\" (func $log (param \"s\" string)))\n"
    "  (core module $mem\n"
    "    (memory (export \"mem\") 1)\n"
    "    (global $next (mut i32) (i32.const 1024))\n"
    "    (func (export \"realloc\") (param i32 i32 i32 i32) (result i32)\n"
    "      (local $p i32)\n"
    "      (local.set $p (i32.and\n"
    "        (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))\n"
    "        (i32.sub (i32.const 0) (local.get 2))))\n"
    "      (global.set $next (i32.add (local.get $p) (local.get 3)))\n"
    "      (local.get $p)))\n"
    "  (core instance $mi (instantiate $mem))\n"
    "  (alias core export $mi \"mem\" (core memory $m))\n"
    "  (alias core export $mi \"realloc\" (core func $realloc))\n"
    "  (alias export $h \"add\" (func $add))\n"
    "  (alias export $h \"greet\" (func $greet))\n"
    "  (core func $add_l (canon lower (func $add)))\n"
    "  (core func $greet_l (canon lower (func $greet) (memory $m)"
    " (realloc $realloc)))\n"
    "  (core func $log_l (canon lower (func $log) (memory $m)))\n"
    "  (core instance $hi (export \"add\" (func $add_l))"
    " (export \"greet\" (func $greet_l)) (export \"log\" (func $log_l)))\n"
    "  (core module $main\n"
    "    (import \"h\" \"add\" (func $add (param i32 i32) (result i32)))\n"
    "    (import \"h\" \"greet\" (func $greet (param i32 i32 i32)))\n"
    "    (import \"h\" \"log\" (func $log (param i32 i32)))\n"
    "    (import \"m\" \"mem\" (memory 1))\n"
    "    (func (export \"add3\") (param i32 i32 i32) (result i32)\n"
    "      (call $add (call $add (local.get 0) (local.get 1)) (local.get 2)))\n"
    "    (func (export \"greet\") (param i32 i32) (result i32)\n"
    "      (call $greet (local.get 0) (local.get 1) (i32.const 32))\n"
    "      (i32.const 32))\n"
    "    (func (export \"log\") (param i32 i32)\n"
    "      (call $log (local.get 0) (local.get 1))))\n"
    "  (core instance $main (instantiate $main (with \"h\" (instance $hi))"
    " (with \"m\" (instance $mi))))\n"
    "  (func (export \"add3\") (param \"a\" u32) (param \"b\" u32)"
    " (param \"c\" u32) (result u32)\n"
    "    (canon lift (core func $main \"add3\")))\n"
    "  (func (export \"greet\") (param \"s\" string) (result string)\n"
    "    (canon lift (core func $main \"greet\") (memory $m)"
    " (realloc $realloc)))\n"
    "  (func (export \"log\") (param \"s\" string)\n"
    "    (canon lift (core func $main \"log\") (memory $m)"
    " (realloc $realloc))))\n";

typedef struct fixture {
  wt_engine_t *engine;
  wt_component_t *component;
  wt_component_linker_t *linker;
  wt_store_t *store;
  wt_component_instance_t inst;
  wt_arena_t *arena;
} fixture;

/* What the host functions saw and do. */
typedef struct host {
  int adds, logs, greets;
  uint32_t last_a, last_b;
  char logged[64];
  wt_store_t *store_seen;
  wt_error_t *fail_with;   /* add returns this error once */
  wt_cvalkind_t add_kind;  /* add's result kind (0: u32) */
  bool delete_store;       /* log deletes its store */
  fixture *nested;         /* log calls add3 of this fixture's instance */
  uint32_t nested_result;
  int finalized;
} host;

static wt_error_t *h_add(void *env, wt_store_t *store, const wt_cval_t *args,
                         size_t nargs, wt_cval_t *results, size_t nresults,
                         wt_arena_t *arena) {
  host *h = env;
  (void)arena;
  cr_assert_eq(nargs, 2);
  cr_assert_eq(nresults, 1);
  cr_assert_eq(args[0].kind, WT_CVAL_U32);
  cr_assert_eq(args[1].kind, WT_CVAL_U32);
  h->adds++;
  h->store_seen = store;
  h->last_a = args[0].of.u32;
  h->last_b = args[1].of.u32;
  if (h->fail_with) {
    wt_error_t *e = h->fail_with;
    h->fail_with = NULL;
    return e;
  }
  if (h->add_kind == WT_CVAL_STRING) {
    results[0].kind = WT_CVAL_STRING;
    results[0].of.str.data = "no";
    results[0].of.str.len = 2;
    return NULL;
  }
  if (h->add_kind == (wt_cvalkind_t)-1)
    return NULL; /* leaves the result unset */
  results[0].kind = WT_CVAL_U32;
  results[0].of.u32 = args[0].of.u32 + args[1].of.u32;
  return NULL;
}

static wt_error_t *h_greet(void *env, wt_store_t *store, const wt_cval_t *args,
                           size_t nargs, wt_cval_t *results, size_t nresults,
                           wt_arena_t *arena) {
  host *h = env;
  (void)store;
  cr_assert_eq(nargs, 1);
  cr_assert_eq(nresults, 1);
  cr_assert_eq(args[0].kind, WT_CVAL_STRING);
  h->greets++;
  size_t n = args[0].of.str.len;
  char *buf;
  wt_error_t *err = wt_arena_alloc(arena, n + 7, (void **)&buf);
  if (err)
    return err;
  memcpy(buf, "hello, ", 7);
  memcpy(buf + 7, args[0].of.str.data, n);
  results[0].kind = WT_CVAL_STRING;
  results[0].of.str.data = buf;
  results[0].of.str.len = n + 7;
  return NULL;
}

static wt_error_t *h_log(void *env, wt_store_t *store, const wt_cval_t *args,
                         size_t nargs, wt_cval_t *results, size_t nresults,
                         wt_arena_t *arena) {
  host *h = env;
  (void)results, (void)arena;
  cr_assert_eq(nargs, 1);
  cr_assert_eq(nresults, 0);
  h->logs++;
  snprintf(h->logged, sizeof h->logged, "%.*s", (int)args[0].of.str.len,
           args[0].of.str.data);
  if (h->delete_store)
    wt_store_delete(store);
  if (h->nested) {
    wt_component_func_t f;
    wt_error_t *err = wt_component_instance_func(
        h->nested->store, &h->nested->inst, "add3", &f);
    if (err)
      return err;
    wt_cval_t a[3] = {{.kind = WT_CVAL_U32, .of.u32 = 10},
                      {.kind = WT_CVAL_U32, .of.u32 = 20},
                      {.kind = WT_CVAL_U32, .of.u32 = 30}};
    wt_cval_t r = {0};
    err = wt_component_func_call(h->nested->store, &f, a, 3, &r, 1, NULL);
    if (err)
      return err;
    h->nested_result = r.of.u32;
    /* The outer call's argument is still intact after the nested call. */
    cr_assert_eq(args[0].of.str.len, strlen(h->logged));
    cr_assert(memcmp(args[0].of.str.data, h->logged, args[0].of.str.len) == 0);
  }
  return NULL;
}

static void h_finalize(void *env) { ((host *)env)->finalized++; }

static void define_all(wt_component_linker_t *linker, host *h) {
  OK(wt_component_linker_define_func(linker, "host", "add", h_add, h,
                                     h_finalize));
  OK(wt_component_linker_define_func(linker, "host", "greet", h_greet, h,
                                     h_finalize));
  OK(wt_component_linker_define_func(linker, NULL, "log", h_log, h,
                                     h_finalize));
}

static fixture setup(host *h) {
  fixture f = {0};
  f.engine = engine_from(wt_config_new());
  OK(wt_component_new_wat(f.engine, importer, &f.component));
  OK(wt_component_linker_new(f.engine, &f.linker));
  define_all(f.linker, h);
  OK(wt_store_new(f.engine, NULL, NULL, &f.store));
  OK(wt_component_linker_instantiate(f.linker, f.store, f.component, &f.inst));
  OK(wt_arena_new(&f.arena));
  return f;
}

/* A new store and instance in place of the fixture's. */
static void renew_store(fixture *f) {
  wt_store_delete(f->store);
  OK(wt_store_new(f->engine, NULL, NULL, &f->store));
  OK(wt_component_linker_instantiate(f->linker, f->store, f->component,
                                     &f->inst));
}

static void teardown(fixture *f) {
  wt_arena_delete(f->arena);
  wt_store_delete(f->store);
  wt_component_linker_delete(f->linker);
  wt_component_delete(f->component);
  wt_engine_delete(f->engine);
}

static wt_cval_t u32v(uint32_t v) {
  wt_cval_t x = {.kind = WT_CVAL_U32, .of.u32 = v};
  return x;
}

static wt_cval_t strv(const char *s) {
  wt_cval_t x = {.kind = WT_CVAL_STRING, .of.str = {s, strlen(s)}};
  return x;
}

static wt_error_t *add3(fixture *f, uint32_t a, uint32_t b, uint32_t c,
                        uint32_t *out) {
  wt_component_func_t fn;
  wt_error_t *err = wt_component_instance_func(f->store, &f->inst, "add3", &fn);
  if (err)
    return err;
  wt_cval_t args[3] = {u32v(a), u32v(b), u32v(c)}, r = {0};
  err = wt_component_func_call(f->store, &fn, args, 3, &r, 1, NULL);
  if (!err)
    *out = r.of.u32;
  return err;
}

static wt_error_t *call_str(fixture *f, const char *name, const char *s,
                            wt_cval_t *out) {
  wt_component_func_t fn;
  wt_error_t *err = wt_component_instance_func(f->store, &f->inst, name, &fn);
  if (err)
    return err;
  wt_cval_t arg = strv(s);
  return wt_component_func_call(f->store, &fn, &arg, 1, out, out ? 1 : 0,
                                f->arena);
}

Test(component_linker, host_functions_in_an_instance_and_at_the_root) {
  host h = {0};
  fixture f = setup(&h);
  uint32_t sum = 0;
  OK(add3(&f, 1, 2, 39, &sum));
  cr_assert_eq(sum, 42);
  cr_assert_eq(h.adds, 2);
  cr_assert_eq(h.last_a, 3, "the second add gets the first one's sum");
  cr_assert_eq(h.last_b, 39);
  cr_assert_eq(h.store_seen, f.store);
  wt_cval_t r = {0};
  OK(call_str(&f, "greet", "w\xc3\xb6rld", &r));
  cr_assert_eq(r.kind, WT_CVAL_STRING);
  cr_assert_eq(r.of.str.len, 13);
  cr_assert(memcmp(r.of.str.data, "hello, w\xc3\xb6rld", 13) == 0);
  OK(call_str(&f, "log", "a line", NULL));
  cr_assert_str_eq(h.logged, "a line");
  cr_assert_eq(h.logs, 1);
  /* Many calls reuse the store's host arena instead of growing it. */
  for (int i = 0; i < 2000; i++)
    OK(call_str(&f, "greet", "again", &r));
  cr_assert_eq(h.greets, 2001);
  teardown(&f);
  cr_assert_eq(h.finalized, 3, "each definition's finalizer ran once");
}

Test(component_linker, host_error_reaches_the_caller_unchanged) {
  host h = {0};
  fixture f = setup(&h);
  wt_error_t *mine = wt_error_new("the host says no");
  h.fail_with = mine;
  uint32_t sum = 7;
  wt_error_t *err = add3(&f, 1, 2, 3, &sum);
  cr_assert_eq(err, mine, "the callback's own error object comes back");
  cr_assert_str_eq(wt_error_message(err), "the host says no");
  wt_error_delete(err);
  cr_assert_eq(sum, 7, "no result on failure");
  /* After a failed call Wasmtime enters no component of that store again,
   * a new instance included; a new store works. */
  EXPECT_ERROR(add3(&f, 1, 2, 3, &sum), WT_ERROR_TRAP,
               "cannot enter component instance");
  renew_store(&f);
  OK(add3(&f, 1, 2, 3, &sum));
  cr_assert_eq(sum, 6);
  teardown(&f);
}

Test(component_linker, host_result_of_the_wrong_kind_is_misuse) {
  host h = {.add_kind = WT_CVAL_STRING};
  fixture f = setup(&h);
  uint32_t sum = 0;
  EXPECT_ERROR(add3(&f, 1, 2, 3, &sum), WT_ERROR_MISUSE,
               "host function host#add: result 0: expected u32, got string, "
               "in func(a: u32, b: u32) -> u32");
  h.add_kind = (wt_cvalkind_t)-1;
  renew_store(&f);
  EXPECT_ERROR(add3(&f, 1, 2, 3, &sum), WT_ERROR_MISUSE,
               "host function host#add: result 0: expected u32, got kind 0");
  h.add_kind = 0;
  renew_store(&f);
  OK(add3(&f, 1, 2, 3, &sum));
  cr_assert_eq(sum, 6);
  teardown(&f);
}

Test(component_linker, callback_that_deletes_its_store) {
  host h = {.delete_store = true};
  fixture f = setup(&h);
  EXPECT_ERROR(call_str(&f, "log", "bye", NULL), WT_ERROR_MISUSE,
               "host function log: the store was deleted during a call");
  cr_assert_eq(h.logs, 1);
  f.store = NULL; /* freed when the call returned */
  teardown(&f);
}

Test(component_linker, nested_host_calls_through_another_instance) {
  host h = {0};
  fixture f = setup(&h);
  /* A second instance of the same component in the same store: log calls
   * its add3, which calls add twice, inside the outer host call. */
  fixture g = f;
  OK(wt_component_linker_instantiate(f.linker, f.store, f.component, &g.inst));
  h.nested = &g;
  OK(call_str(&f, "log", "outer argument", NULL));
  cr_assert_eq(h.nested_result, 60);
  cr_assert_eq(h.adds, 2);
  cr_assert_str_eq(h.logged, "outer argument");
  teardown(&f);
}

Test(component_linker, missing_imports_and_unknown_imports_as_traps) {
  host h = {0};
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_component_t *c;
  OK(wt_component_new_wat(engine, importer, &c));
  wt_component_linker_t *l;
  OK(wt_component_linker_new(engine, &l));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_component_instance_t inst;
  EXPECT_ERROR(wt_component_linker_instantiate(l, store, c, &inst),
               WT_ERROR_LINK, "host");
  /* Only log is real; host#add and host#greet trap when called. */
  OK(wt_component_linker_define_func(l, NULL, "log", h_log, &h, NULL));
  OK(wt_component_linker_define_unknown_imports_as_traps(l, c));
  OK(wt_component_linker_instantiate(l, store, c, &inst));
  fixture f = {.engine = engine, .store = store, .inst = inst};
  OK(call_str(&f, "log", "still works", NULL));
  cr_assert_str_eq(h.logged, "still works");
  uint32_t sum = 0;
  wt_error_t *err = add3(&f, 1, 2, 3, &sum);
  cr_assert_not_null(err);
  cr_assert_eq(wt_error_kind(err), WT_ERROR_TRAP, "%s",
               wt_error_message(err));
  wt_error_delete(err);
  cr_assert_eq(h.adds, 0);
  wt_store_delete(store);
  wt_component_linker_delete(l);
  wt_component_delete(c);
  wt_engine_delete(engine);
}

Test(component_linker, shadowing) {
  host h = {0}, h2 = {0};
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_component_linker_t *l;
  OK(wt_component_linker_new(engine, &l));
  define_all(l, &h);
  EXPECT_ERROR(wt_component_linker_define_func(l, "host", "add", h_add, &h2,
                                               h_finalize),
               WT_ERROR_LINK, "add");
  cr_assert_eq(h2.finalized, 1, "a failed definition finalizes at once");
  /* A root function is not an instance. */
  EXPECT_ERROR(wt_component_linker_define_func(l, "log", "x", h_add, &h2,
                                               h_finalize),
               WT_ERROR_LINK, "log");
  cr_assert_eq(h2.finalized, 2);
  wt_component_linker_set_allow_shadowing(l, true);
  OK(wt_component_linker_define_func(l, "host", "add", h_add, &h2,
                                     h_finalize));
  wt_component_t *c;
  OK(wt_component_new_wat(engine, importer, &c));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  fixture f = {.engine = engine, .store = store};
  OK(wt_component_linker_instantiate(l, store, c, &f.inst));
  uint32_t sum = 0;
  OK(add3(&f, 1, 1, 1, &sum));
  cr_assert_eq(sum, 3);
  cr_assert_eq(h.adds, 0, "the replaced definition is not called");
  cr_assert_eq(h2.adds, 2);
  wt_component_linker_set_allow_shadowing(NULL, true); /* ignored */
  wt_store_delete(store);
  wt_component_linker_delete(l);
  cr_assert_eq(h.finalized, 3, "shadowed definitions are finalized too");
  wt_component_delete(c);
  wt_engine_delete(engine);
}

Test(component_linker, instances_outlive_the_linker) {
  host h = {0};
  fixture f = setup(&h);
  wt_component_linker_delete(f.linker);
  f.linker = NULL;
  cr_assert_eq(h.finalized, 0, "instances still hold the host functions");
  uint32_t sum = 0;
  OK(add3(&f, 2, 2, 2, &sum));
  cr_assert_eq(sum, 6);
  teardown(&f);
  cr_assert_eq(h.finalized, 3);
}

Test(component_linker, define_misuse) {
  host h = {0};
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_component_linker_t *l;
  OK(wt_component_linker_new(engine, &l));
  EXPECT_ERROR(wt_component_linker_define_func(NULL, NULL, "f", h_add, &h,
                                               h_finalize),
               WT_ERROR_MISUSE,
               "wt_component_linker_define_func: linker is NULL or deleted");
  cr_assert_eq(h.finalized, 1);
  EXPECT_ERROR(wt_component_linker_define_func(l, NULL, NULL, h_add, &h,
                                               h_finalize),
               WT_ERROR_MISUSE, "name is NULL");
  EXPECT_ERROR(wt_component_linker_define_func(l, NULL, "f", NULL, &h,
                                               h_finalize),
               WT_ERROR_MISUSE, "callback is NULL");
  EXPECT_ERROR(wt_component_linker_define_func(l, NULL, "\xc0\x80", h_add, &h,
                                               h_finalize),
               WT_ERROR_MISUSE, "name is not valid UTF-8");
  EXPECT_ERROR(wt_component_linker_define_func(l, "\xed\xa0\x80", "f", h_add,
                                               &h, h_finalize),
               WT_ERROR_MISUSE, "instance is not valid UTF-8");
  cr_assert_eq(h.finalized, 5, "every failed definition finalized its env");
  EXPECT_ERROR(wt_component_linker_define_module(l, NULL, "m", NULL),
               WT_ERROR_MISUSE, "module is NULL or deleted");
  EXPECT_ERROR(wt_component_linker_define_unknown_imports_as_traps(l, NULL),
               WT_ERROR_MISUSE, "component is NULL or deleted");
  EXPECT_ERROR(wt_component_linker_define_unknown_imports_as_traps(NULL, NULL),
               WT_ERROR_MISUSE, "linker is NULL or deleted");
  /* Objects of another engine. */
  wt_engine_t *other = engine_from(wt_config_new());
  wt_module_t *m;
  OK(wt_module_new_wat(other, "(module)", &m));
  EXPECT_ERROR(wt_component_linker_define_module(l, NULL, "m", m),
               WT_ERROR_MISUSE, "different engines");
  wt_component_t *c;
  OK(wt_component_new_wat(other, importer, &c));
  EXPECT_ERROR(wt_component_linker_define_unknown_imports_as_traps(l, c),
               WT_ERROR_MISUSE, "different engines");
  wt_component_delete(c);
  wt_module_delete(m);
  /* A deleted linker is refused, not used. */
  wt_component_linker_delete(l);
  EXPECT_ERROR(wt_component_linker_define_func(l, NULL, "f", h_add, &h, NULL),
               WT_ERROR_MISUSE, "linker is NULL or deleted");
  wt_component_linker_delete(l); /* a second delete is ignored */
  wt_engine_delete(other);
  wt_engine_delete(engine);
}

/* A component that imports a core module and instantiates it. */
static const char *const module_importer =
    "(component\n"
    "  (import \"lib\" (instance $lib\n"
    "    (export \"seven\" (core module\n"
    "      (export \"seven\" (func (result i32)))))))\n"
    "  (alias export $lib \"seven\" (core module $m))\n"
    "  (core instance $i (instantiate $m))\n"
    "  (func (export \"seven\") (result u32)\n"
    "    (canon lift (core func $i \"seven\"))))\n";

Test(component_linker, core_module_import) {
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_component_t *c;
  OK(wt_component_new_wat(engine, module_importer, &c));
  wt_component_linker_t *l;
  OK(wt_component_linker_new(engine, &l));
  wt_module_t *m;
  OK(wt_module_new_wat(engine,
                       "(module (func (export \"seven\") (result i32)"
                       " (i32.const 7)))",
                       &m));
  OK(wt_component_linker_define_module(l, "lib", "seven", m));
  wt_module_delete(m); /* the linker holds its own reference */
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_component_instance_t inst;
  OK(wt_component_linker_instantiate(l, store, c, &inst));
  wt_component_func_t fn;
  OK(wt_component_instance_func(store, &inst, "seven", &fn));
  wt_cval_t r = {0};
  OK(wt_component_func_call(store, &fn, NULL, 0, &r, 1, NULL));
  cr_assert_eq(r.kind, WT_CVAL_U32);
  cr_assert_eq(r.of.u32, 7);
  /* A module of the wrong type is a link error at instantiation. */
  wt_component_linker_t *l2;
  OK(wt_component_linker_new(engine, &l2));
  OK(wt_module_new_wat(engine, "(module (func (export \"eight\")))", &m));
  OK(wt_component_linker_define_module(l2, "lib", "seven", m));
  wt_module_delete(m);
  EXPECT_ERROR(wt_component_linker_instantiate(l2, store, c, &inst),
               WT_ERROR_LINK, "seven");
  wt_component_linker_delete(l2);
  wt_store_delete(store);
  wt_component_linker_delete(l);
  wt_component_delete(c);
  wt_engine_delete(engine);
}

/* A component importing add from the versioned interface `iface`. */
static char *versioned(const char *iface) {
  static char buf[1024];
  snprintf(buf, sizeof buf,
           "(component\n"
           "  (import \"%s\" (instance $h\n"
           "    (export \"add\" (func (param \"a\" u32) (param \"b\" u32)"
           " (result u32)))))\n"
           "  (core func $add (canon lower (func $h \"add\")))\n"
           "  (core instance $hi (export \"add\" (func $add)))\n"
           "  (core module $m\n"
           "    (import \"h\" \"add\" (func $add (param i32 i32) (result i32)))\n"
           "    (func (export \"twice\") (param i32) (result i32)\n"
           "      (call $add (local.get 0) (local.get 0))))\n"
           "  (core instance $i (instantiate $m (with \"h\" (instance $hi))))\n"
           "  (func (export \"twice\") (param \"x\" u32) (result u32)\n"
           "    (canon lift (core func $i \"twice\"))))",
           iface);
  return buf;
}

Test(component_linker, versioned_interface_names_match_by_semver) {
  host h = {0};
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_component_linker_t *l;
  OK(wt_component_linker_new(engine, &l));
  OK(wt_component_linker_define_func(l, "wt:demo/api@0.2.1", "add", h_add, &h,
                                     NULL));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  /* The same version, and a later patch release of it, link. */
  const char *ok[] = {"wt:demo/api@0.2.1", "wt:demo/api@0.2.7"};
  for (size_t i = 0; i < 2; i++) {
    wt_component_t *c;
    OK(wt_component_new_wat(engine, versioned(ok[i]), &c));
    wt_component_instance_t inst;
    OK(wt_component_linker_instantiate(l, store, c, &inst));
    wt_cval_t x = u32v(21), r = {0};
    OK(wt_component_instance_call(store, &inst, "twice", &x, 1, &r, 1, NULL));
    cr_assert_eq(r.of.u32, 42, "%s", ok[i]);
    wt_component_delete(c);
  }
  /* Another minor version, another package or no version do not. */
  const char *bad[] = {"wt:demo/api@0.3.0", "wt:other/api@0.2.1",
                       "wt:demo/api"};
  for (size_t i = 0; i < 3; i++) {
    wt_component_t *c;
    OK(wt_component_new_wat(engine, versioned(bad[i]), &c));
    wt_component_instance_t inst;
    EXPECT_ERROR(wt_component_linker_instantiate(l, store, c, &inst),
                 WT_ERROR_LINK, bad[i]);
    wt_component_delete(c);
  }
  cr_assert_eq(h.adds, 2);
  wt_store_delete(store);
  wt_component_linker_delete(l);
  wt_engine_delete(engine);
}

Test(component_linker, one_linker_for_many_stores) {
  host h = {0};
  fixture f = setup(&h);
  wt_store_t *stores[4];
  for (int i = 0; i < 4; i++) {
    OK(wt_store_new(f.engine, NULL, NULL, &stores[i]));
    fixture g = f;
    g.store = stores[i];
    OK(wt_component_linker_instantiate(f.linker, g.store, f.component,
                                       &g.inst));
    uint32_t sum = 0;
    OK(add3(&g, (uint32_t)i, 1, 1, &sum));
    cr_assert_eq(sum, (uint32_t)i + 2);
    cr_assert_eq(h.store_seen, stores[i], "the callback sees its own store");
  }
  for (int i = 0; i < 4; i++)
    wt_store_delete(stores[i]);
  cr_assert_eq(h.finalized, 0, "the linker still holds its definitions");
  teardown(&f);
  cr_assert_eq(h.finalized, 3);
}

/* An import of an instance that exports an instance. */
static const char *const nested_importer =
    "(component\n"
    "  (import \"outer\" (instance $o\n"
    "    (export \"inner\" (instance\n"
    "      (export \"seven\" (func (result u32)))))))\n"
    "  (alias export $o \"inner\" (instance $in))\n"
    "  (core func $seven (canon lower (func $in \"seven\")))\n"
    "  (core instance $hi (export \"seven\" (func $seven)))\n"
    "  (core module $m\n"
    "    (import \"h\" \"seven\" (func $s (result i32)))\n"
    "    (func (export \"run\") (result i32)\n"
    "      (i32.add (call $s) (i32.const 1))))\n"
    "  (core instance $i (instantiate $m (with \"h\" (instance $hi))))\n"
    "  (func (export \"run\") (result u32) (canon lift (core func $i \"run\"))))";

static wt_error_t *h_seven(void *env, wt_store_t *store, const wt_cval_t *args,
                           size_t nargs, wt_cval_t *results, size_t nresults,
                           wt_arena_t *arena) {
  (void)store, (void)args, (void)nargs, (void)nresults, (void)arena;
  ++*(int *)env;
  results[0] = u32v(7);
  return NULL;
}

Test(component_linker, definitions_in_nested_instances) {
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_component_t *c;
  OK(wt_component_new_wat(engine, nested_importer, &c));
  wt_component_linker_t *l;
  OK(wt_component_linker_new(engine, &l));
  int calls = 0;
  const char *path[] = {"outer", "inner", "seven"};
  OK(wt_component_linker_define_func_path(l, path, 3, h_seven, &calls, NULL));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_component_instance_t inst;
  OK(wt_component_linker_instantiate(l, store, c, &inst));
  wt_cval_t r = {0};
  OK(wt_component_instance_call(store, &inst, "run", NULL, 0, &r, 1, NULL));
  cr_assert_eq(r.of.u32, 8);
  cr_assert_eq(calls, 1);
  /* The same place again is a duplicate; a path through a function is not
   * a path through an instance. */
  EXPECT_ERROR(wt_component_linker_define_func_path(l, path, 3, h_seven,
                                                    &calls, NULL),
               WT_ERROR_LINK, "seven");
  const char *through[] = {"outer", "inner", "seven", "x"};
  EXPECT_ERROR(wt_component_linker_define_func_path(l, through, 4, h_seven,
                                                    &calls, NULL),
               WT_ERROR_LINK, "seven");
  /* A path of one name is the root; modules and resources take paths too. */
  const char *root[] = {"top"};
  OK(wt_component_linker_define_func_path(l, root, 1, h_seven, &calls, NULL));
  wt_module_t *m;
  OK(wt_module_new_wat(engine, "(module)", &m));
  const char *mp[] = {"outer", "lib", "m"};
  OK(wt_component_linker_define_module_path(l, mp, 3, m));
  wt_module_delete(m);
  wt_resource_type_t *t;
  OK(wt_resource_type_new("thing", NULL, NULL, NULL, &t));
  const char *rp[] = {"outer", "inner", "thing"};
  OK(wt_component_linker_define_resource_path(l, rp, 3, t));
  wt_resource_type_delete(t);
  /* Misuse. */
  EXPECT_ERROR(wt_component_linker_define_func_path(l, NULL, 1, h_seven, NULL,
                                                    NULL),
               WT_ERROR_MISUSE,
               "wt_component_linker_define_func_path: path is NULL or empty");
  EXPECT_ERROR(wt_component_linker_define_func_path(l, path, 0, h_seven, NULL,
                                                    NULL),
               WT_ERROR_MISUSE, "path is NULL or empty");
  const char *holes[] = {"outer", NULL, "f"};
  EXPECT_ERROR(wt_component_linker_define_module_path(l, holes, 3, m),
               WT_ERROR_MISUSE,
               "wt_component_linker_define_module_path: path[1] is NULL");
  const char *bad[] = {"outer", "\xff", "f"};
  EXPECT_ERROR(wt_component_linker_define_resource_path(l, bad, 3, t),
               WT_ERROR_MISUSE,
               "wt_component_linker_define_resource_path: path[1] is not "
               "valid UTF-8");
  const char *deep[18];
  for (int i = 0; i < 18; i++)
    deep[i] = "d";
  EXPECT_ERROR(wt_component_linker_define_func_path(l, deep, 18, h_seven, NULL,
                                                    NULL),
               WT_ERROR_MISUSE, "path has 17 instances, more than 16");
  const char *deepest[17];
  for (int i = 0; i < 17; i++)
    deepest[i] = "d";
  OK(wt_component_linker_define_func_path(l, deepest, 17, h_seven, NULL,
                                          NULL));
  wt_store_delete(store);
  wt_component_linker_delete(l);
  wt_component_delete(c);
  wt_engine_delete(engine);
}

/* A component importing the root function `f` with one parameter named
 * `param` of type `ty` (u32 or u64, whose core type is `core`) and the same
 * result, exporting `run`, which calls it. */
static char *poly_importer(const char *param, const char *ty,
                           const char *core) {
  static char buf[1024];
  snprintf(buf, sizeof buf,
           "(component\n"
           "  (import \"f\" (func $f (param \"%s\" %s) (result %s)))\n"
           "  (core func $fl (canon lower (func $f)))\n"
           "  (core instance $hi (export \"f\" (func $fl)))\n"
           "  (core module $m\n"
           "    (import \"h\" \"f\" (func $f (param %s) (result %s)))\n"
           "    (func (export \"run\") (param %s) (result %s)\n"
           "      (call $f (local.get 0))))\n"
           "  (core instance $i (instantiate $m (with \"h\" (instance $hi))))\n"
           "  (func (export \"run\") (param \"x\" %s) (result %s)\n"
           "    (canon lift (core func $i \"run\"))))",
           param, ty, ty, core, core, core, core, ty, ty);
  return buf;
}

/* f for every importer: u32 x gives x + 1 (and 13 a result of the wrong
 * kind), u64 x gives 2x. */
static wt_error_t *h_poly(void *env, wt_store_t *store, const wt_cval_t *args,
                          size_t nargs, wt_cval_t *results, size_t nresults,
                          wt_arena_t *arena) {
  (void)store, (void)arena;
  cr_assert_eq(nargs, 1);
  cr_assert_eq(nresults, 1);
  (*(int *)env)++;
  if (args[0].kind == WT_CVAL_U32 && args[0].of.u32 == 13)
    results[0] = (wt_cval_t){.kind = WT_CVAL_U64, .of.u64 = 13};
  else if (args[0].kind == WT_CVAL_U32)
    results[0] = (wt_cval_t){.kind = WT_CVAL_U32, .of.u32 = args[0].of.u32 + 1};
  else
    results[0] = (wt_cval_t){.kind = WT_CVAL_U64, .of.u64 = args[0].of.u64 * 2};
  return NULL;
}

/* One host function serves importers of different types, each call
 * checked against its own import's type (with its parameter's name). */
Test(component_linker, one_host_function_for_importers_of_different_types) {
  int calls = 0;
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_component_linker_t *l;
  OK(wt_component_linker_new(engine, &l));
  OK(wt_component_linker_define_func(l, NULL, "f", h_poly, &calls, NULL));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_component_t *c32, *c64, *cy;
  OK(wt_component_new_wat(engine, poly_importer("a", "u32", "i32"), &c32));
  OK(wt_component_new_wat(engine, poly_importer("a", "u64", "i64"), &c64));
  OK(wt_component_new_wat(engine, poly_importer("y", "u32", "i32"), &cy));
  wt_component_instance_t i32, i64, iy;
  OK(wt_component_linker_instantiate(l, store, c32, &i32));
  OK(wt_component_linker_instantiate(l, store, c64, &i64));
  OK(wt_component_linker_instantiate(l, store, cy, &iy));
  for (uint32_t k = 0; k < 3; k++) {
    wt_cval_t x = u32v(k), r = {0};
    OK(wt_component_instance_call(store, &i32, "run", &x, 1, &r, 1, NULL));
    cr_assert_eq(r.kind, WT_CVAL_U32);
    cr_assert_eq(r.of.u32, k + 1);
    wt_cval_t y = {.kind = WT_CVAL_U64, .of.u64 = (uint64_t)k << 40};
    OK(wt_component_instance_call(store, &i64, "run", &y, 1, &r, 1, NULL));
    cr_assert_eq(r.kind, WT_CVAL_U64);
    cr_assert_eq(r.of.u64, (uint64_t)k << 41);
    OK(wt_component_instance_call(store, &iy, "run", &x, 1, &r, 1, NULL));
    cr_assert_eq(r.of.u32, k + 1);
  }
  cr_assert_eq(calls, 9);
  /* The error names the import's own parameter. */
  wt_cval_t bad = u32v(13), r = {0};
  EXPECT_ERROR(wt_component_instance_call(store, &iy, "run", &bad, 1, &r, 1,
                                          NULL),
               WT_ERROR_MISUSE,
               "host function f: result 0: expected u32, got u64, in "
               "func(y: u32) -> u32");
  /* A trapped store enters no instance again: a new one for the next. */
  wt_store_delete(store);
  OK(wt_store_new(engine, NULL, NULL, &store));
  OK(wt_component_linker_instantiate(l, store, c32, &i32));
  EXPECT_ERROR(wt_component_instance_call(store, &i32, "run", &bad, 1, &r, 1,
                                          NULL),
               WT_ERROR_MISUSE,
               "host function f: result 0: expected u32, got u64, in "
               "func(a: u32) -> u32");
  wt_store_delete(store);
  wt_component_delete(c32);
  wt_component_delete(c64);
  wt_component_delete(cy);
  wt_component_linker_delete(l);
  wt_engine_delete(engine);
}
