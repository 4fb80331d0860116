/* Tags (exceptions proposal): new, type, identity, import and export, and
 * an exception that escapes wasm. */
#include <string.h>

#include "helpers.h"

static wt_engine_t *exceptions_engine(void) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_wasm_exceptions(c, true));
  return engine_from(c);
}

Test(tag, new_tag_and_its_type) {
  wt_engine_t *engine = exceptions_engine();
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  const wt_functype_t *ft;
  OK(wt_functype_parse(engine, "i32", &ft));
  wt_tag_t t;
  OK(wt_tag_new(store, ft, &t));
  cr_assert_eq(wt_tag_type(store, &t), ft);
  const wt_functype_t *bad;
  OK(wt_functype_parse(engine, "i32 -> i32", &bad));
  EXPECT_ERROR(wt_tag_new(store, bad, &t), WT_ERROR_MISUSE, "no results");
  EXPECT_ERROR(wt_tag_new(store, NULL, &t), WT_ERROR_MISUSE, "NULL");
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(tag, tags_compare_by_identity) {
  wt_engine_t *engine = exceptions_engine();
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  const wt_functype_t *ft;
  OK(wt_functype_parse(engine, "i64", &ft));
  wt_tag_t a, b;
  OK(wt_tag_new(store, ft, &a));
  OK(wt_tag_new(store, ft, &b));
  wt_tag_t a2 = a;
  cr_assert(wt_tag_eq(store, &a, &a2));
  cr_assert_not(wt_tag_eq(store, &a, &b), "same type, different tags");
  cr_assert_not(wt_tag_eq(store, &a, NULL));
  wt_store_delete(store);
  wt_engine_delete(engine);
}

static const char *tag_wat =
    "(module (import \"env\" \"e\" (tag $e (param i32)))"
    " (tag $own (export \"own\"))"
    " (func (export \"throw\") (param i32) (throw $e (local.get 0)))"
    " (func (export \"catch\") (param i32) (result i32)"
    "   (block $h (result i32)"
    "     (try_table (catch $e $h) (throw $e (local.get 0)))"
    "     (i32.const -1))))";

Test(tag, import_export_and_module_types) {
  wt_engine_t *engine = exceptions_engine();
  wt_module_t *m = compile(engine, tag_wat);
  const wt_import_t *imp = wt_module_import(m, 0);
  cr_assert_eq(imp->type.kind, WT_EXTERN_TAG);
  char text[64];
  wt_externtype_text(&imp->type, text, sizeof text);
  cr_assert_str_eq(text, "(tag (param i32))");
  const wt_export_t *exp = wt_module_export(m, 0);
  cr_assert_str_eq(exp->name, "own");
  wt_externtype_text(&exp->type, text, sizeof text);
  cr_assert_str_eq(text, "(tag)");

  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  /* Without the tag, instantiation fails. */
  wt_error_delete(EXPECT_KIND(wt_instance_new(store, m, NULL, 0, &inst),
                              WT_ERROR_MISUSE));
  const wt_functype_t *ft, *wrong;
  OK(wt_functype_parse(engine, "i32", &ft));
  OK(wt_functype_parse(engine, "i64", &wrong));
  wt_extern_t tag = {.kind = WT_EXTERN_TAG};
  OK(wt_tag_new(store, wrong, &tag.of.tag));
  wt_error_delete(
      EXPECT_KIND(wt_instance_new(store, m, &tag, 1, &inst), WT_ERROR_LINK));
  OK(wt_tag_new(store, ft, &tag.of.tag));
  OK(wt_instance_new(store, m, &tag, 1, &inst));
  wt_tag_t own;
  OK(wt_instance_tag(store, &inst, "own", &own));
  cr_assert_eq(wt_functype_param_count(wt_tag_type(store, &own)), 0);
  cr_assert_eq(wt_functype_result_count(wt_tag_type(store, &own)), 0);
  cr_assert_not(wt_tag_eq(store, &own, &tag.of.tag));
  /* wasm catches its own throw of the imported tag. */
  wt_val_t arg = i32v(42), res;
  OK(wt_instance_call(store, &inst, "catch", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, 42);
  /* An exception that escapes wasm is an error carrying it, not a crash
   * (tests/test_exn.c has the rest). */
  wt_error_t *err = wt_instance_call(store, &inst, "throw", &arg, 1, NULL, 0);
  cr_assert_eq(wt_error_kind(err), WT_ERROR_EXCEPTION, "%s",
               wt_error_message(err));
  wt_val_t exn;
  OK(wt_error_exception(err, store, &exn));
  wt_tag_t thrown;
  OK(wt_exn_tag(store, &exn, &thrown));
  cr_assert(wt_tag_eq(store, &thrown, &tag.of.tag));
  wt_error_delete(err);
  wt_extern_t any;
  OK(wt_instance_export(store, &inst, "own", &any));
  cr_assert_eq(any.kind, WT_EXTERN_TAG);
  wt_module_delete(m);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(tag, tag_of_another_store_is_misuse) {
  wt_engine_t *engine = exceptions_engine();
  wt_store_t *a, *b;
  OK(wt_store_new(engine, NULL, NULL, &a));
  OK(wt_store_new(engine, NULL, NULL, &b));
  const wt_functype_t *ft;
  OK(wt_functype_parse(engine, "i32", &ft));
  wt_extern_t tag = {.kind = WT_EXTERN_TAG};
  OK(wt_tag_new(a, ft, &tag.of.tag));
  cr_assert_null(wt_tag_type(b, &tag.of.tag));
  wt_module_t *m = compile(engine, tag_wat);
  wt_instance_t inst;
  EXPECT_ERROR(wt_instance_new(b, m, &tag, 1, &inst), WT_ERROR_MISUSE,
               "another store");
  wt_module_delete(m);
  wt_store_delete(a);
  wt_store_delete(b);
  wt_engine_delete(engine);
}
