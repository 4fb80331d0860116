/* Shared helpers for wt's tests. */
#ifndef WT_TEST_HELPERS_H
#define WT_TEST_HELPERS_H

#include <criterion/criterion.h>
#include <wt.h>

/* Asserts that an expression returning wt_error_t * succeeded. */
#define OK(expr)                                                               \
  do {                                                                         \
    wt_error_t *ok_err_ = (expr);                                              \
    cr_assert_null(ok_err_, "%s failed: %s", #expr,                            \
                   wt_error_message(ok_err_));                                 \
  } while (0)

/* Asserts that an expression fails with `kind`; yields the error (caller
 * deletes it). */
static inline wt_error_t *expect_kind_(wt_error_t *err, wt_error_kind_t kind,
                                       const char *expr) {
  cr_assert_not_null(err, "%s succeeded, expected a %s error", expr,
                     wt_error_kind_name(kind));
  cr_assert_eq(wt_error_kind(err), kind, "%s: kind %s, expected %s (%s)", expr,
               wt_error_kind_name(wt_error_kind(err)),
               wt_error_kind_name(kind), wt_error_message(err));
  return err;
}
#define EXPECT_KIND(expr, kind) expect_kind_((expr), (kind), #expr)

/* Asserts a failure of `kind` whose message contains `needle`. */
#define EXPECT_ERROR(expr, kind, needle)                                       \
  do {                                                                         \
    wt_error_t *ee_ = EXPECT_KIND(expr, kind);                                 \
    cr_assert(strstr(wt_error_message(ee_), (needle)) != NULL,                 \
              "message \"%s\" lacks \"%s\"", wt_error_message(ee_), (needle)); \
    wt_error_delete(ee_);                                                      \
  } while (0)

/* An engine from a config (deleted here), failing the test on error. */
static inline wt_engine_t *engine_from(wt_config_t *config) {
  wt_engine_t *engine = NULL;
  OK(wt_engine_new(config, &engine));
  wt_config_delete(config);
  return engine;
}

/* Compiles WAT, failing the test on error. */
static inline wt_module_t *compile(wt_engine_t *engine, const char *wat) {
  wt_module_t *m = NULL;
  OK(wt_module_new_wat(engine, wat, &m));
  return m;
}

/* Compiles and instantiates WAT without imports in a new store. */
static inline wt_instance_t instantiate(wt_engine_t *engine, const char *wat,
                                        wt_store_t **store) {
  wt_module_t *m = compile(engine, wat);
  wt_linker_t *l = NULL;
  OK(wt_linker_new(engine, &l));
  OK(wt_store_new(engine, NULL, NULL, store));
  wt_instance_t inst;
  OK(wt_linker_instantiate(l, *store, m, &inst));
  wt_linker_delete(l);
  wt_module_delete(m);
  return inst;
}

/* Asserts that `err` is a WT_ERROR_TRAP with trap code `code`, and deletes
 * it. */
static inline void expect_trap_(wt_error_t *err, wt_trap_code_t code,
                                const char *expr) {
  expect_kind_(err, WT_ERROR_TRAP, expr);
  wt_trap_code_t got;
  cr_assert(wt_error_trap_code(err, &got), "%s: trap without a code (%s)",
            expr, wt_error_message(err));
  cr_assert_eq(got, code, "%s: trap code %d, expected %d (%s)", expr,
               (int)got, (int)code, wt_error_message(err));
  wt_error_delete(err);
}
#define expect_trap(err, code) expect_trap_((err), (code), #err)

/* The usual test setting: an engine, a store of it without data, and an empty
 * linker of it.
 *
 *   fx_t fx;
 *   fx_setup(&fx, NULL);        (or a config, which fx_setup deletes)
 *   wt_instance_t inst = fx_instantiate(&fx, "(module ...)");
 *   ...
 *   fx_teardown(&fx);
 *
 * A test may delete a member itself first if it sets it to NULL. */
typedef struct fx {
  wt_engine_t *engine;
  wt_store_t *store;
  wt_linker_t *linker;
} fx_t;

static inline void fx_setup(fx_t *fx, wt_config_t *config) {
  fx->engine = engine_from(config);
  fx->store = NULL;
  fx->linker = NULL;
  OK(wt_store_new(fx->engine, NULL, NULL, &fx->store));
  OK(wt_linker_new(fx->engine, &fx->linker));
}

static inline void fx_teardown(fx_t *fx) {
  wt_store_delete(fx->store);
  wt_linker_delete(fx->linker);
  wt_engine_delete(fx->engine);
  fx->store = NULL;
  fx->linker = NULL;
  fx->engine = NULL;
}

/* Compiles WAT and instantiates it in the fixture's store through its
 * linker, failing the test on error. */
static inline wt_instance_t fx_instantiate(fx_t *fx, const char *wat) {
  wt_module_t *m = compile(fx->engine, wat);
  wt_instance_t inst;
  OK(wt_linker_instantiate(fx->linker, fx->store, m, &inst));
  wt_module_delete(m);
  return inst;
}

static inline wt_val_t i32v(int32_t v) {
  wt_val_t x = {.kind = WT_VAL_I32, .of.i32 = v};
  return x;
}
static inline wt_val_t i64v(int64_t v) {
  wt_val_t x = {.kind = WT_VAL_I64, .of.i64 = v};
  return x;
}

#endif
