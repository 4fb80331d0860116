/* Every trap wasm can raise comes back with its code, Wasmtime's message and
 * a backtrace, and the store keeps working. Plus value extremes. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"

static const char *traps_wat =
    "(module $traps"
    " (memory 1) (table 2 funcref) (type $v (func)) (type $i (func (result i32)))"
    " (func $nop) (elem (i32.const 1) $nop)"
    " (func (export \"unreachable\") unreachable)"
    " (func (export \"oob\") (drop (i32.load (i32.const 65536))))"
    " (func (export \"div0\") (drop (i32.div_u (i32.const 1) (i32.const 0))))"
    " (func (export \"overflow\")"
    "   (drop (i32.div_s (i32.const 0x80000000) (i32.const -1))))"
    " (func (export \"conversion\") (drop (i32.trunc_f32_s (f32.const nan))))"
    " (func (export \"null_call\") (call_indirect (type $v) (i32.const 0)))"
    " (func (export \"bad_sig\")"
    "   (drop (call_indirect (type $i) (i32.const 1))))"
    " (func (export \"table_oob\") (call_indirect (type $v) (i32.const 5)))"
    " (func $rec (export \"stack\") (call $rec))"
    " (func (export \"ok\") (result i32) (i32.const 1)))";

static void expect_code(wt_store_t *store, const wt_instance_t *inst,
                        const char *name, wt_trap_code_t want,
                        const char *text) {
  wt_error_t *err = EXPECT_KIND(
      wt_instance_call(store, inst, name, NULL, 0, NULL, 0), WT_ERROR_TRAP);
  wt_trap_code_t code;
  cr_assert(wt_error_trap_code(err, &code), "%s: no code", name);
  cr_assert_eq(code, want, "%s: code %d, expected %d", name, code, want);
  cr_assert(strstr(wt_error_message(err), text) != NULL, "%s: %s", name,
            wt_error_message(err));
  cr_assert_geq(wt_error_frame_count(err), 1, "%s: no backtrace", name);
  cr_assert_str_eq(wt_error_frame(err, 0)->module_name, "traps");
  wt_error_delete(err);
  wt_val_t r;
  OK(wt_instance_call(store, inst, "ok", NULL, 0, &r, 1)); /* still usable */
}

Test(trap, every_wasm_trap_code) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, traps_wat, &store);
  expect_code(store, &inst, "unreachable", WT_TRAP_UNREACHABLE, "unreachable");
  expect_code(store, &inst, "oob", WT_TRAP_MEMORY_OUT_OF_BOUNDS,
              "out of bounds memory access");
  expect_code(store, &inst, "div0", WT_TRAP_INTEGER_DIVISION_BY_ZERO,
              "integer divide by zero");
  expect_code(store, &inst, "overflow", WT_TRAP_INTEGER_OVERFLOW,
              "integer overflow");
  expect_code(store, &inst, "conversion", WT_TRAP_BAD_CONVERSION_TO_INTEGER,
              "invalid conversion to integer");
  expect_code(store, &inst, "null_call", WT_TRAP_INDIRECT_CALL_TO_NULL,
              "uninitialized element");
  expect_code(store, &inst, "bad_sig", WT_TRAP_BAD_SIGNATURE,
              "indirect call type mismatch");
  expect_code(store, &inst, "table_oob", WT_TRAP_TABLE_OUT_OF_BOUNDS,
              "undefined element");
  expect_code(store, &inst, "stack", WT_TRAP_STACK_OVERFLOW,
              "call stack exhausted");
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(trap, backtrace_is_innermost_first_with_offsets) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(
      engine,
      "(module $m (func $a (export \"a\") (call $b))"
      " (func $b (call $c)) (func $c unreachable))",
      &store);
  wt_error_t *err = EXPECT_KIND(
      wt_instance_call(store, &inst, "a", NULL, 0, NULL, 0), WT_ERROR_TRAP);
  cr_assert_eq(wt_error_frame_count(err), 3);
  const char *names[] = {"c", "b", "a"};
  for (size_t i = 0; i < 3; i++) {
    const wt_frame_t *f = wt_error_frame(err, i);
    cr_assert_str_eq(f->func_name, names[i]);
    cr_assert_eq(f->func_index, 2 - i);
    cr_assert_gt(f->module_offset, 0);
  }
  /* Offsets grow with the function index here, as the bodies are in order. */
  cr_assert_gt(wt_error_frame(err, 0)->module_offset,
               wt_error_frame(err, 2)->module_offset);
  /* Wasmtime's own message, backtrace included, is kept. */
  cr_assert(strstr(wt_error_message(err), "wasm backtrace") != NULL, "%s",
            wt_error_message(err));
  wt_error_delete(err);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(trap, value_extremes_pass_unchanged) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(
      engine,
      "(module"
      " (func (export \"i32\") (param i32) (result i32) (local.get 0))"
      " (func (export \"i64\") (param i64) (result i64) (local.get 0))"
      " (func (export \"f32\") (param f32) (result f32) (local.get 0))"
      " (func (export \"f64\") (param f64) (result f64) (local.get 0)))",
      &store);
  int32_t i32s[] = {INT32_MIN, -1, 0, INT32_MAX};
  for (size_t i = 0; i < 4; i++) {
    wt_val_t a = i32v(i32s[i]), r;
    OK(wt_instance_call(store, &inst, "i32", &a, 1, &r, 1));
    cr_assert_eq(r.of.i32, i32s[i]);
  }
  int64_t i64s[] = {INT64_MIN, -1, 0, INT64_MAX};
  for (size_t i = 0; i < 4; i++) {
    wt_val_t a = i64v(i64s[i]), r;
    OK(wt_instance_call(store, &inst, "i64", &a, 1, &r, 1));
    cr_assert_eq(r.of.i64, i64s[i]);
  }
  float f32s[] = {INFINITY, -INFINITY, -0.0f, 1e-45f, 3.4028235e38f};
  for (size_t i = 0; i < 5; i++) {
    wt_val_t a = {.kind = WT_VAL_F32, .of.f32 = f32s[i]}, r;
    OK(wt_instance_call(store, &inst, "f32", &a, 1, &r, 1));
    cr_assert_eq(memcmp(&r.of.f32, &f32s[i], 4), 0, "f32 %zu", i);
  }
  double f64s[] = {INFINITY, -INFINITY, -0.0, 5e-324, 1.7976931348623157e308};
  for (size_t i = 0; i < 5; i++) {
    wt_val_t a = {.kind = WT_VAL_F64, .of.f64 = f64s[i]}, r;
    OK(wt_instance_call(store, &inst, "f64", &a, 1, &r, 1));
    cr_assert_eq(memcmp(&r.of.f64, &f64s[i], 8), 0, "f64 %zu", i);
  }
  wt_store_delete(store);
  wt_engine_delete(engine);
}

/* A start function (unnamed, index 0) calls $foo, which calls $bar, which
 * traps: instantiation fails with the whole chain as its backtrace. */
#define START_CHAIN_BODY                                                       \
  " (func (call $foo)) (func $foo (call $bar)) (func $bar unreachable)"      \
  " (start 0))"

/* Checks the trap of instantiating `wat`, whose module is called
 * `module_name` (NULL when it has none). */
static void check_start_chain(const char *wat, const char *module_name) {
  wt_engine_t *engine = engine_from(NULL);
  wt_module_t *m = compile(engine, wat);
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  wt_error_t *err = EXPECT_KIND(wt_linker_instantiate(linker, store, m, &inst),
                                WT_ERROR_TRAP);
  wt_trap_code_t code;
  cr_assert(wt_error_trap_code(err, &code));
  cr_assert_eq(code, WT_TRAP_UNREACHABLE);
  cr_assert_eq(wt_error_frame_count(err), 3);
  const char *names[] = {"bar", "foo", NULL};
  const char *msg = wt_error_message(err);
  for (size_t i = 0; i < 3; i++) {
    const wt_frame_t *f = wt_error_frame(err, i);
    cr_assert_eq(f->func_index, 2 - i, "frame %zu", i);
    if (names[i])
      cr_assert_str_eq(f->func_name, names[i]);
    else
      cr_assert_null(f->func_name, "frame %zu: %s", i, f->func_name);
    if (module_name)
      cr_assert_str_eq(f->module_name, module_name);
    else
      cr_assert_null(f->module_name);
    /* Wasmtime's report lists the frame with its offset and its name, or a
     * placeholder for what is missing. */
    char func[64], line[128];
    if (f->func_name)
      snprintf(func, sizeof func, "%s", f->func_name);
    else
      snprintf(func, sizeof func, "<wasm function %u>", f->func_index);
    snprintf(line, sizeof line, "  %3zu: %#8zx - %s!%s\n", i,
             f->module_offset, module_name ? module_name : "<unknown>", func);
    cr_assert(strstr(msg, line) != NULL, "no \"%s\" in:\n%s", line, msg);
  }
  /* Each frame sits at its call, later in the binary than its caller's. */
  cr_assert_gt(wt_error_frame(err, 0)->module_offset,
               wt_error_frame(err, 1)->module_offset);
  cr_assert_gt(wt_error_frame(err, 1)->module_offset,
               wt_error_frame(err, 2)->module_offset);
  /* Every body starts the same way (no locals, then the instruction), so
   * the instruction is at the same offset within each function. */
  for (size_t i = 1; i < 3; i++)
    cr_assert_eq(wt_error_frame(err, i)->func_offset,
                 wt_error_frame(err, 0)->func_offset);
  /* The frames come first, then the cause. */
  const char *cause = strstr(msg, "Caused by:");
  cr_assert_not_null(cause, "%s", msg);
  cr_assert(strstr(cause, "unreachable") != NULL, "%s", msg);
  cr_assert(strstr(msg, "wasm backtrace") < cause, "%s", msg);
  wt_error_delete(err);
  wt_store_delete(store);
  wt_linker_delete(linker);
  wt_module_delete(m);
  wt_engine_delete(engine);
}

Test(trap, start_function_trap_has_named_and_unnamed_frames) {
  check_start_chain("(module $module" START_CHAIN_BODY, "module");
}

Test(trap, start_function_trap_in_an_unnamed_module) {
  check_start_chain("(module" START_CHAIN_BODY, NULL);
}
