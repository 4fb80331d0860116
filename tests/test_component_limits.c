/* The store's bounds hold for components as for core modules: fuel, epoch
 * deadlines, wall-clock timeouts, memory and table limits, instance counts
 * and the wasm stack, each against a component that would otherwise run or
 * grow without end. */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers.h"

/* spin() loops forever; hog() grows its memory a page at a time until
 * memory.grow fails and returns the pages it got; deep(n) recurses without
 * end; grow-table() grows its table until table.grow fails and returns the
 * size. */
static const char *const unruly =
    "(component\n"
    "  (core module $m\n"
    "    (memory 1)\n"
    "    (table 1 funcref)\n"
    "    (func (export \"spin\") (loop $l (br $l)))\n"
    "    (func (export \"hog\") (result i32)\n"
    "      (block $done (loop $l\n"
    "        (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))\n"
    "        (br $l)))\n"
    "      (memory.size))\n"
    "    (func $deep (export \"deep\") (param i32) (result i32)\n"
    "      (i32.add (call $deep (i32.add (local.get 0) (i32.const 1)))"
    " (i32.const 1)))\n"
    "    (func (export \"grow-table\") (result i32)\n"
    "      (block $done (loop $l\n"
    "        (br_if $done (i32.eq (table.grow (ref.null func) (i32.const 1))"
    " (i32.const -1)))\n"
    "        (br $l)))\n"
    "      (table.size)))\n"
    "  (core instance $i (instantiate $m))\n"
    "  (func (export \"spin\") (canon lift (core func $i \"spin\")))\n"
    "  (func (export \"hog\") (result u32) (canon lift (core func $i \"hog\")))\n"
    "  (func (export \"deep\") (param \"n\" u32) (result u32)"
    " (canon lift (core func $i \"deep\")))\n"
    "  (func (export \"grow-table\") (result u32)"
    " (canon lift (core func $i \"grow-table\"))))\n";

typedef struct fixture {
  wt_engine_t *engine;
  wt_component_t *component;
  wt_component_linker_t *linker;
  wt_store_t *store;
  wt_component_instance_t inst;
} fixture;

static void setup(fixture *f, wt_config_t *config, const wt_limits_t *limits,
                  uint64_t fuel) {
  memset(f, 0, sizeof *f);
  f->engine = engine_from(config);
  OK(wt_component_new_wat(f->engine, unruly, &f->component));
  OK(wt_component_linker_new(f->engine, &f->linker));
  OK(wt_store_new(f->engine, NULL, NULL, &f->store));
  if (limits)
    OK(wt_store_set_limits(f->store, limits));
  if (fuel)
    OK(wt_store_set_fuel(f->store, fuel));
  OK(wt_component_linker_instantiate(f->linker, f->store, f->component,
                                     &f->inst));
}

static void teardown(fixture *f) {
  wt_store_delete(f->store);
  wt_component_linker_delete(f->linker);
  wt_component_delete(f->component);
  wt_engine_delete(f->engine);
}

static wt_error_t *call(fixture *f, const char *name, const wt_cval_t *arg,
                        wt_cval_t *result) {
  return wt_component_instance_call(f->store, &f->inst, name, arg,
                                    arg ? 1 : 0, result, result ? 1 : 0,
                                    NULL);
}

static void expect_trap_code(wt_error_t *err, wt_trap_code_t want) {
  cr_assert_not_null(err, "the call returned");
  cr_assert_eq(wt_error_kind(err), WT_ERROR_TRAP, "%s",
               wt_error_message(err));
  wt_trap_code_t code;
  cr_assert(wt_error_trap_code(err, &code), "%s", wt_error_message(err));
  cr_assert_eq(code, want, "code %d: %s", (int)code, wt_error_message(err));
  wt_error_delete(err);
}

Test(component_limits, fuel_stops_an_endless_loop) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_consume_fuel(c, true));
  fixture f;
  setup(&f, c, NULL, 100000);
  expect_trap_code(call(&f, "spin", NULL, NULL), WT_TRAP_OUT_OF_FUEL);
  uint64_t left = 1;
  OK(wt_store_fuel(f.store, &left));
  cr_assert_eq(left, 0, "the loop burned all the fuel");
  teardown(&f);
}

Test(component_limits, epoch_deadline_stops_an_endless_loop) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_epoch_interruption(c, true));
  fixture f;
  setup(&f, c, NULL, 0);
  OK(wt_store_set_timeout(f.store, 50));
  expect_trap_code(call(&f, "spin", NULL, NULL), WT_TRAP_INTERRUPT);
  teardown(&f);
}

Test(component_limits, memory_limit_bounds_growth) {
  wt_limits_t limits = WT_LIMITS_NONE;
  limits.memory_size = 16 * 65536;
  fixture f;
  setup(&f, wt_config_new(), &limits, 0);
  wt_cval_t r = {0};
  OK(call(&f, "hog", NULL, &r));
  cr_assert_eq(r.of.u32, 16, "growth stopped at the limit: %u pages",
               r.of.u32);
  teardown(&f);
  /* Without a limit the same component gets far more. */
  setup(&f, wt_config_new(), NULL, 0);
  wt_limits_t some = WT_LIMITS_NONE;
  some.memory_size = 4096 * 65536;
  OK(wt_store_set_limits(f.store, &some));
  OK(call(&f, "hog", NULL, &r));
  cr_assert_eq(r.of.u32, 4096);
  teardown(&f);
}

Test(component_limits, table_limit_bounds_growth) {
  wt_limits_t limits = WT_LIMITS_NONE;
  limits.table_elements = 100;
  fixture f;
  setup(&f, wt_config_new(), &limits, 0);
  wt_cval_t r = {0};
  OK(call(&f, "grow-table", NULL, &r));
  cr_assert_eq(r.of.u32, 100);
  teardown(&f);
}

Test(component_limits, limits_refuse_instantiation) {
  wt_limits_t limits = WT_LIMITS_NONE;
  limits.instances = 1;
  wt_engine_t *engine = engine_from(wt_config_new());
  wt_component_t *c;
  OK(wt_component_new_wat(engine, unruly, &c));
  wt_component_linker_t *l;
  OK(wt_component_linker_new(engine, &l));
  wt_store_t *s;
  OK(wt_store_new(engine, NULL, NULL, &s));
  OK(wt_store_set_limits(s, &limits));
  wt_component_instance_t inst;
  OK(wt_component_linker_instantiate(l, s, c, &inst));
  EXPECT_ERROR(wt_component_linker_instantiate(l, s, c, &inst),
               WT_ERROR_WASMTIME, "resource limit exceeded");
  wt_store_delete(s);
  /* A memory whose minimum is past the limit. */
  wt_limits_t small = WT_LIMITS_NONE;
  small.memory_size = 1000;
  OK(wt_store_new(engine, NULL, NULL, &s));
  OK(wt_store_set_limits(s, &small));
  EXPECT_ERROR(wt_component_linker_instantiate(l, s, c, &inst),
               WT_ERROR_WASMTIME, "exceeds memory limits");
  wt_store_delete(s);
  wt_component_linker_delete(l);
  wt_component_delete(c);
  wt_engine_delete(engine);
}

Test(component_limits, unbounded_recursion_is_a_stack_overflow) {
  fixture f;
  setup(&f, wt_config_new(), NULL, 0);
  wt_cval_t n = {.kind = WT_CVAL_U32, .of.u32 = 0}, r = {0};
  expect_trap_code(call(&f, "deep", &n, &r), WT_TRAP_STACK_OVERFLOW);
  cr_assert_eq(r.kind, 0);
  teardown(&f);
}
