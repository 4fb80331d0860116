/* wt_engine_t: creation, ownership of the config, epochs, Pulley, and
 * precompiled-module compatibility. */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static const char *add_wat =
    "(module (func (export \"add\") (param i32 i32) (result i32)"
    " (i32.add (local.get 0) (local.get 1))))";

static int32_t add_in(wt_engine_t *engine, int32_t a, int32_t b) {
  wt_store_t *store;
  wt_instance_t inst = instantiate(engine, add_wat, &store);
  wt_val_t args[2] = {i32v(a), i32v(b)}, res;
  OK(wt_instance_call(store, &inst, "add", args, 2, &res, 1));
  wt_store_delete(store);
  return res.of.i32;
}

Test(engine, default_engine_runs_wasm) {
  wt_engine_t *engine = NULL;
  OK(wt_engine_new(NULL, &engine));
  cr_assert_not_null(engine);
  cr_assert_eq(add_in(engine, 40, 2), 42);
  cr_assert_not(wt_engine_is_pulley(engine));
  wt_engine_delete(engine);
}

Test(engine, config_stays_callers_and_can_be_reused) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_consume_fuel(c, true));
  wt_engine_t *a = NULL, *b = NULL;
  OK(wt_engine_new(c, &a));
  OK(wt_engine_new(c, &b)); /* the same config again */
  wt_config_delete(c);      /* engines outlive it */
  wt_store_t *s;
  OK(wt_store_new(b, NULL, NULL, &s));
  OK(wt_store_set_fuel(s, 7)); /* fuel is on: the setting was applied */
  uint64_t fuel = 0;
  OK(wt_store_get_fuel(s, &fuel));
  cr_assert_eq(fuel, 7);
  wt_store_delete(s);
  wt_engine_delete(a);
  wt_engine_delete(b);
}

Test(engine, engine_may_be_deleted_before_its_store_and_module) {
  wt_engine_t *engine = NULL;
  OK(wt_engine_new(NULL, &engine));
  wt_module_t *m = compile(engine, add_wat);
  wt_linker_t *l;
  OK(wt_linker_new(engine, &l));
  wt_store_t *s;
  OK(wt_store_new(engine, NULL, NULL, &s));
  wt_engine_delete(engine);
  wt_instance_t inst;
  OK(wt_linker_instantiate(l, s, m, &inst));
  wt_val_t args[2] = {i32v(1), i32v(2)}, res;
  OK(wt_instance_call(s, &inst, "add", args, 2, &res, 1));
  cr_assert_eq(res.of.i32, 3);
  wt_store_delete(s);
  wt_linker_delete(l);
  wt_module_delete(m);
}

Test(engine, null_out_and_dead_config_are_misuse) {
  EXPECT_ERROR(wt_engine_new(NULL, NULL), WT_ERROR_MISUSE, "wt_engine_new");
  char fake[64] = {0};
  wt_engine_t *e = NULL;
  EXPECT_ERROR(wt_engine_new((wt_config_t *)fake, &e), WT_ERROR_MISUSE,
               "config");
  cr_assert_null(e);
}

Test(engine, increment_epoch_interrupts_after_deadline) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_epoch_interruption(c, true));
  wt_engine_t *engine = engine_from(c);
  wt_store_t *store;
  wt_instance_t inst = instantiate(
      engine, "(module (func (export \"f\") (result i32) (i32.const 7)))",
      &store);
  wt_val_t res;
  OK(wt_store_set_epoch_deadline(store, 2));
  wt_engine_increment_epoch(engine);
  OK(wt_instance_call(store, &inst, "f", NULL, 0, &res, 1)); /* 1 < 2 */
  cr_assert_eq(res.of.i32, 7);
  wt_engine_increment_epoch(engine);
  wt_error_t *err = EXPECT_KIND(
      wt_instance_call(store, &inst, "f", NULL, 0, &res, 1), WT_ERROR_TRAP);
  wt_trap_code_t code;
  cr_assert(wt_error_trap_code(err, &code));
  cr_assert_eq(code, WT_TRAP_INTERRUPT);
  wt_error_delete(err);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(engine, increment_epoch_ignores_null) {
  wt_engine_increment_epoch(NULL);
  cr_assert_not(wt_engine_is_pulley(NULL));
  wt_engine_delete(NULL);
}

Test(engine, pulley_engine_runs_wasm) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_target(c, "pulley64"));
  wt_engine_t *engine = engine_from(c);
  cr_assert(wt_engine_is_pulley(engine));
  cr_assert_eq(add_in(engine, 20, 22), 42);
  wt_engine_delete(engine);
}

static void serialize_add(wt_engine_t *engine, uint8_t **bytes, size_t *len) {
  wt_module_t *m = compile(engine, add_wat);
  OK(wt_module_serialize(m, bytes, len));
  wt_module_delete(m);
}

Test(engine, precompiled_compatible_with_same_settings) {
  wt_engine_t *a = engine_from(NULL), *b = engine_from(NULL);
  uint8_t *bytes;
  size_t len;
  serialize_add(a, &bytes, &len);
  OK(wt_engine_check_precompiled(b, bytes, len));
  wt_module_t *m = NULL;
  OK(wt_module_deserialize(b, bytes, len, &m));
  wt_module_delete(m);
  free(bytes);
  wt_engine_delete(a);
  wt_engine_delete(b);
}

Test(engine, precompiled_incompatible_settings_rejected) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_consume_fuel(c, true));
  wt_engine_t *fuel = engine_from(c), *plain = engine_from(NULL);
  uint8_t *bytes;
  size_t len;
  serialize_add(fuel, &bytes, &len);
  wt_error_t *err =
      EXPECT_KIND(wt_engine_check_precompiled(plain, bytes, len),
                  WT_ERROR_COMPILE);
  cr_assert(strstr(wt_error_message(err), "fuel") != NULL, "%s",
            wt_error_message(err));
  wt_error_delete(err);
  free(bytes);
  wt_engine_delete(fuel);
  wt_engine_delete(plain);
}

Test(engine, precompiled_pulley_vs_native_rejected) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_target(c, "pulley64"));
  wt_engine_t *pulley = engine_from(c), *native = engine_from(NULL);
  uint8_t *bytes;
  size_t len;
  serialize_add(pulley, &bytes, &len);
  wt_error_delete(EXPECT_KIND(wt_engine_check_precompiled(native, bytes, len),
                              WT_ERROR_COMPILE));
  free(bytes);
  wt_engine_delete(pulley);
  wt_engine_delete(native);
}

Test(engine, precompiled_garbage_and_truncation_rejected) {
  wt_engine_t *engine = engine_from(NULL);
  const uint8_t junk[] = "definitely not a precompiled module";
  wt_error_delete(EXPECT_KIND(
      wt_engine_check_precompiled(engine, junk, sizeof junk), WT_ERROR_COMPILE));
  uint8_t *bytes;
  size_t len;
  serialize_add(engine, &bytes, &len);
  wt_error_delete(EXPECT_KIND(wt_engine_check_precompiled(engine, bytes, len / 2),
                              WT_ERROR_COMPILE));
  free(bytes);
  EXPECT_ERROR(wt_engine_check_precompiled(engine, NULL, 0), WT_ERROR_MISUSE,
               "bytes");
  EXPECT_ERROR(wt_engine_check_precompiled(NULL, junk, 1), WT_ERROR_MISUSE,
               "engine");
  wt_engine_delete(engine);
}

Test(engine, version_strings) {
  cr_assert_str_eq(wt_version(), WT_VERSION_STRING);
  cr_assert_str_eq(wt_wasmtime_version(), WT_WASMTIME_VERSION);
}

Test(engine, increment_epoch_on_a_deleted_engine_is_ignored) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_epoch_interruption(c, true));
  wt_engine_t *engine = engine_from(c);
  wt_store_t *store;
  wt_instance_t inst = instantiate(
      engine, "(module (func (export \"f\") (result i32) (i32.const 7)))",
      &store);
  OK(wt_store_set_epoch_deadline(store, 1));
  /* The store keeps the engine alive, but the caller's handle is gone: the
   * increment must not reach the engine, so the deadline is not reached. */
  wt_engine_delete(engine);
  wt_engine_increment_epoch(engine);
  wt_engine_increment_epoch(engine);
  wt_val_t res;
  OK(wt_instance_call(store, &inst, "f", NULL, 0, &res, 1));
  cr_assert_eq(res.of.i32, 7);
  wt_store_delete(store);
  /* Now the engine is freed altogether; the handle is still refused. */
  wt_engine_increment_epoch(engine);
  cr_assert_not(wt_engine_is_pulley(engine));
}
