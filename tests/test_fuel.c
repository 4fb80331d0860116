/* Fuel: what a store has before and after it is given fuel, fuel calls on an
 * engine that does not count fuel, and fuel seen and changed by a host
 * function while wasm runs. */
#include <string.h>

#include "helpers.h"

static wt_engine_t *fuel_engine(void) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_consume_fuel(c, true));
  return engine_from(c);
}

Test(fuel, new_store_has_no_fuel_and_nothing_consumed) {
  wt_engine_t *e = fuel_engine();
  wt_store_t *s = NULL;
  OK(wt_store_new(e, NULL, NULL, &s));
  uint64_t fuel = 12345, used = 12345;
  OK(wt_store_fuel(s, &fuel));
  cr_assert_eq(fuel, 0);
  OK(wt_store_fuel_consumed(s, &used));
  cr_assert_eq(used, 0);
  wt_store_delete(s);
  wt_engine_delete(e);
}

Test(fuel, get_fuel_without_fuel_counting_is_a_config_error) {
  wt_engine_t *e = NULL;
  OK(wt_engine_new(NULL, &e));
  wt_store_t *s = NULL;
  OK(wt_store_new(e, NULL, NULL, &s));
  uint64_t fuel = 777;
  EXPECT_ERROR(wt_store_fuel(s, &fuel), WT_ERROR_CONFIG, "fuel");
  cr_assert_eq(fuel, 777, "a failed read must not write the output");
  wt_store_delete(s);
  wt_engine_delete(e);
}

/* A host function that reads the store's fuel, lowers it by `remove` and
 * reads it again. */
typedef struct {
  uint64_t remove;
  uint64_t on_entry; /* fuel when the host function started */
  uint64_t lowered;  /* fuel read back after lowering it */
  int calls;
} burner;

static wt_error_t *burn(void *env, wt_caller_t *caller, const wt_val_t *args,
                        size_t nargs, wt_val_t *results, size_t nresults) {
  burner *b = env;
  wt_store_t *store = wt_caller_store(caller);
  b->calls++;
  wt_error_t *err = wt_store_fuel(store, &b->on_entry);
  if (err)
    return err;
  if (b->on_entry < b->remove)
    return wt_error_new("less fuel left than the host wants to remove");
  if ((err = wt_store_set_fuel(store, b->on_entry - b->remove)))
    return err;
  return wt_store_fuel(store, &b->lowered);
}

/* `run` calls the host function, then does a little work of its own, so wasm
 * burns fuel both before and after the host function. */
static const char *burn_wat =
    "(module (import \"h\" \"burn\" (func $burn))"
    " (func (export \"run\") (param i32) (result i32)"
    "   (call $burn)"
    "   (i32.add (i32.mul (local.get 0) (i32.const 3)) (i32.const 1))))";

static wt_instance_t burn_instance(wt_engine_t *engine, burner *b,
                                   wt_store_t **store) {
  wt_linker_t *l = NULL;
  OK(wt_linker_new(engine, &l));
  OK(wt_linker_define_func(l, "h", "burn", "", burn, b, NULL));
  wt_module_t *m = compile(engine, burn_wat);
  OK(wt_store_new(engine, NULL, NULL, store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(l, *store, m, &inst));
  wt_module_delete(m);
  wt_linker_delete(l);
  return inst;
}

static wt_error_t *run(wt_store_t *store, wt_instance_t *inst, int32_t x,
                       wt_val_t *res) {
  wt_val_t arg = i32v(x);
  return wt_instance_call(store, inst, "run", &arg, 1, res, 1);
}

static uint64_t fuel_of(wt_store_t *store) {
  uint64_t left = 0;
  OK(wt_store_fuel(store, &left));
  return left;
}

/* A call from `start` fuel in which the host function removed 10: wasm
 * burned `before` up to the host function and `after` past it. */
static void expect_call_removing_ten(const burner *b, wt_store_t *store,
                                     uint64_t start, uint64_t before,
                                     uint64_t after, uint64_t cost) {
  cr_assert_eq(b->on_entry, start - before, "wasm's cost is deterministic");
  cr_assert_eq(b->lowered, b->on_entry - 10);
  uint64_t end = fuel_of(store);
  cr_assert_eq(end, b->lowered - after);
  cr_assert_eq(end, start - cost - 10);
}

Test(fuel, host_function_removes_fuel_seen_inside_and_after) {
  wt_engine_t *engine = fuel_engine();
  burner b = {0};
  wt_store_t *store;
  wt_instance_t inst = burn_instance(engine, &b, &store);
  const uint64_t full = 1000000;
  wt_val_t res;

  /* First a call that removes nothing, to measure what wasm itself burns
   * before and after the host function. */
  OK(wt_store_set_fuel(store, full));
  OK(run(store, &inst, 7, &res));
  cr_assert_eq(res.of.i32, 22);
  uint64_t end = fuel_of(store);
  uint64_t cost = full - end;
  uint64_t before = full - b.on_entry;
  uint64_t after = b.on_entry - end;
  cr_assert_eq(b.lowered, b.on_entry);
  cr_assert_gt(before, 0, "calling the host function costs fuel");
  cr_assert_gt(after, 0, "the work after the host function costs fuel");

  /* Now the host function removes 10: it reads its own change back at once,
   * and the store ends the call 10 lower than a call that removes nothing. */
  b.remove = 10;
  OK(wt_store_set_fuel(store, full));
  OK(run(store, &inst, 7, &res));
  cr_assert_eq(res.of.i32, 22);
  expect_call_removing_ten(&b, store, full, before, after, cost);

  /* Again without refuelling: each call takes the same from what is left. */
  uint64_t start = fuel_of(store);
  OK(run(store, &inst, 7, &res));
  expect_call_removing_ten(&b, store, start, before, after, cost);
  cr_assert_eq(b.calls, 3);

  wt_store_delete(store);
  wt_engine_delete(engine);
}

static void expect_out_of_fuel(wt_error_t *err) {
  wt_error_t *e = EXPECT_KIND(err, WT_ERROR_TRAP);
  wt_trap_code_t code;
  cr_assert(wt_error_trap_code(e, &code), "%s", wt_error_message(e));
  cr_assert_eq(code, WT_TRAP_OUT_OF_FUEL, "code %d: %s", code,
               wt_error_message(e));
  /* The message is the one Wasmtime gives this trap code. */
  wt_error_t *made = wt_trap_new(WT_TRAP_OUT_OF_FUEL);
  cr_assert_not_null(made);
  cr_assert(strstr(wt_error_message(e), wt_error_message(made)) != NULL,
            "message \"%s\" lacks \"%s\"", wt_error_message(e),
            wt_error_message(made));
  cr_assert(strstr(wt_error_message(e), "all fuel consumed") != NULL, "%s",
            wt_error_message(e));
  wt_error_delete(made);
  wt_error_delete(e);
}

Test(fuel, call_with_no_fuel_traps_before_reaching_the_host_function) {
  wt_engine_t *engine = fuel_engine();
  burner b = {0};
  wt_store_t *store;
  wt_instance_t inst = burn_instance(engine, &b, &store);
  wt_val_t res;
  expect_out_of_fuel(run(store, &inst, 1, &res));
  cr_assert_eq(b.calls, 0);
  cr_assert_eq(fuel_of(store), 0);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(fuel, fuel_for_two_calls_runs_exactly_two) {
  wt_engine_t *engine = fuel_engine();
  burner b = {0};
  wt_store_t *store;
  wt_instance_t inst = burn_instance(engine, &b, &store);
  const uint64_t full = 1000000;
  wt_val_t res;
  OK(wt_store_set_fuel(store, full));
  OK(run(store, &inst, 1, &res));
  uint64_t cost = full - fuel_of(store);
  cr_assert_gt(cost, 0);

  OK(wt_store_set_fuel(store, 2 * cost));
  OK(run(store, &inst, 2, &res));
  cr_assert_eq(res.of.i32, 7);
  cr_assert_eq(fuel_of(store), cost);
  OK(run(store, &inst, 3, &res));
  cr_assert_eq(res.of.i32, 10);
  cr_assert_eq(fuel_of(store), 0);
  expect_out_of_fuel(run(store, &inst, 4, &res));
  cr_assert_eq(b.calls, 3, "the third call stopped before the host function");
  cr_assert_eq(fuel_of(store), 0);
  wt_store_delete(store);
  wt_engine_delete(engine);
}
