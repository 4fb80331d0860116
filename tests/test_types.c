/* Types: function types (interning, accessors, text) and extern types as
 * modules report them, with their WAT form. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"

Test(types, functype_new_and_accessors) {
  wt_engine_t *engine = engine_from(NULL);
  const wt_valkind_t params[] = {WT_VAL_I32, WT_VAL_I64, WT_VAL_F32, WT_VAL_F64, WT_VAL_V128,
                                 WT_VAL_FUNCREF, WT_VAL_EXTERNREF};
  const wt_valkind_t results[] = {WT_VAL_I64, WT_VAL_F64};
  const wt_functype_t *t = NULL;
  OK(wt_functype_new(engine, params, 7, results, 2, &t));
  cr_assert_eq(wt_functype_param_count(t), 7);
  cr_assert_eq(wt_functype_result_count(t), 2);
  for (size_t i = 0; i < 7; i++)
    cr_assert_eq(wt_functype_param(t, i), params[i]);
  cr_assert_eq(wt_functype_result(t, 1), WT_VAL_F64);
  cr_assert_eq(wt_functype_param(t, 7), 0xff);
  cr_assert_eq(wt_functype_result(t, 2), 0xff);
  cr_assert_str_eq(wt_functype_text(t),
                   "(func (param i32 i64 f32 f64 v128 funcref externref)"
                   " (result i64 f64))");
  wt_engine_delete(engine);
}

Test(types, equal_types_are_interned_once) {
  wt_engine_t *engine = engine_from(NULL);
  const wt_valkind_t p[] = {WT_VAL_I32, WT_VAL_I32}, r[] = {WT_VAL_I32};
  const wt_functype_t *a, *b, *c;
  OK(wt_functype_new(engine, p, 2, r, 1, &a));
  OK(wt_functype_parse(engine, "i32, i32 -> i32", &b));
  OK(wt_functype_parse(engine, "i32 i32 -> i64", &c));
  cr_assert_eq(a, b);
  cr_assert_neq(a, c);
  cr_assert_str_eq(wt_functype_text(a), "(func (param i32 i32) (result i32))");
  wt_engine_delete(engine);
}

Test(types, empty_and_result_only_text) {
  wt_engine_t *engine = engine_from(NULL);
  const wt_functype_t *t;
  OK(wt_functype_parse(engine, "", &t));
  cr_assert_str_eq(wt_functype_text(t), "(func)");
  OK(wt_functype_parse(engine, "-> f32", &t));
  cr_assert_str_eq(wt_functype_text(t), "(func (result f32))");
  OK(wt_functype_parse(engine, "v128", &t));
  cr_assert_str_eq(wt_functype_text(t), "(func (param v128))");
  wt_engine_delete(engine);
}

Test(types, functype_misuse) {
  wt_engine_t *engine = engine_from(NULL);
  const wt_functype_t *t = NULL;
  const wt_valkind_t bad[] = {42};
  EXPECT_ERROR(wt_functype_new(engine, bad, 1, NULL, 0, &t), WT_ERROR_MISUSE,
               "unsupported kind");
  EXPECT_ERROR(wt_functype_new(engine, NULL, 1, NULL, 0, &t), WT_ERROR_MISUSE,
               "NULL");
  EXPECT_ERROR(wt_functype_new(NULL, NULL, 0, NULL, 0, &t), WT_ERROR_MISUSE,
               "engine");
  EXPECT_ERROR(wt_functype_parse(engine, "i32 -> bogus", &t), WT_ERROR_MISUSE,
               "bad signature");
  cr_assert_null(t);
  cr_assert_eq(wt_functype_param_count(NULL), 0);
  cr_assert_str_eq(wt_functype_text(NULL), "");
  wt_engine_delete(engine);
}

static const char *typed_wat =
    "(module"
    " (import \"env\" \"f\" (func (param i32 f64) (result i64)))"
    " (import \"env\" \"g\" (global (mut f32)))"
    " (import \"env\" \"t\" (table 2 10 funcref))"
    " (import \"env\" \"m\" (memory 1 4))"
    " (memory (export \"m64\") i64 2)"
    " (memory (export \"shared\") 1 2 shared)"
    " (memory (export \"small\") 1 (pagesize 1))"
    " (table (export \"ext\") 3 externref)"
    " (global (export \"c\") i64 (i64.const 1))"
    " (func (export \"run\") (param v128) (result funcref) (ref.null func)))";

static void text_is(const wt_externtype_t *t, const char *want) {
  char buf[128];
  size_t n = wt_externtype_text(t, buf, sizeof buf);
  cr_assert_str_eq(buf, want);
  cr_assert_eq(n, strlen(want));
}

Test(types, module_imports_with_types_and_text) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_wasm_custom_page_sizes(c, true));
  wt_engine_t *engine = engine_from(c);
  wt_module_t *m = compile(engine, typed_wat);
  cr_assert_eq(wt_module_import_count(m), 4);
  const wt_import_t *f = wt_module_import(m, 0);
  cr_assert_str_eq(f->module, "env");
  cr_assert_str_eq(f->name, "f");
  cr_assert_eq(f->type.kind, WT_EXTERN_FUNC);
  text_is(&f->type, "(func (param i32 f64) (result i64))");
  const wt_import_t *g = wt_module_import(m, 1);
  cr_assert_eq(g->type.kind, WT_EXTERN_GLOBAL);
  cr_assert_eq(g->type.of.global.kind, WT_VAL_F32);
  cr_assert(g->type.of.global.is_mutable);
  text_is(&g->type, "(global (mut f32))");
  const wt_import_t *t = wt_module_import(m, 2);
  cr_assert_eq(t->type.of.table.min, 2);
  cr_assert_eq(t->type.of.table.max, 10);
  text_is(&t->type, "(table 2 10 funcref)");
  const wt_import_t *mem = wt_module_import(m, 3);
  cr_assert_eq(mem->type.of.memory.min, 1);
  cr_assert(mem->type.of.memory.has_max);
  text_is(&mem->type, "(memory 1 4)");
  cr_assert_null(wt_module_import(m, 4));
  wt_module_delete(m);
  wt_engine_delete(engine);
}

Test(types, module_exports_in_order_with_types) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_wasm_custom_page_sizes(c, true));
  wt_engine_t *engine = engine_from(c);
  wt_module_t *m = compile(engine, typed_wat);
  static const char *names[] = {"m64", "shared", "small", "ext", "c", "run"};
  static const char *texts[] = {
      "(memory i64 2)",      "(memory 1 2 shared)",
      "(memory 1 (pagesize 1))", "(table 3 externref)",
      "(global i64)",        "(func (param v128) (result funcref))"};
  cr_assert_eq(wt_module_export_count(m), 6);
  for (size_t i = 0; i < 6; i++) {
    const wt_export_t *e = wt_module_export(m, i);
    cr_assert_str_eq(e->name, names[i]);
    text_is(&e->type, texts[i]);
  }
  const wt_export_t *m64 = wt_module_export(m, 0);
  cr_assert(m64->type.of.memory.is64);
  cr_assert_not(m64->type.of.memory.has_max);
  cr_assert_eq(m64->type.of.memory.page_size_log2, 16);
  cr_assert(wt_module_export(m, 1)->type.of.memory.shared);
  cr_assert_null(wt_module_export(m, 6));
  wt_module_delete(m);
  wt_engine_delete(engine);
}

Test(types, text_truncates_like_snprintf) {
  wt_externtype_t t = {.kind = WT_EXTERN_GLOBAL,
                       .of.global = {.kind = WT_VAL_I32, .is_mutable = true}};
  char buf[8];
  size_t n = wt_externtype_text(&t, buf, sizeof buf);
  cr_assert_eq(n, strlen("(global (mut i32))"));
  cr_assert_str_eq(buf, "(global");
  cr_assert_eq(wt_externtype_text(&t, NULL, 0), n);
  cr_assert_eq(wt_externtype_text(NULL, buf, sizeof buf), 0);
  cr_assert_str_eq(buf, "");
}

/* Counts whose sum overflows size_t, and counts past the limit, are misuse:
 * never a type made from the wrapped sum. */
Test(types, functype_new_refuses_counts_past_the_limit) {
  wt_engine_t *engine = engine_from(NULL);
  const wt_valkind_t kinds[65] = {WT_VAL_I32};
  const wt_functype_t *t = NULL;
  EXPECT_ERROR(wt_functype_new(engine, kinds, SIZE_MAX, kinds, 2, &t),
               WT_ERROR_MISUSE, "at most 64 of each");
  EXPECT_ERROR(wt_functype_new(engine, kinds, 1, kinds, SIZE_MAX, &t),
               WT_ERROR_MISUSE, "at most 64 of each");
  EXPECT_ERROR(wt_functype_new(engine, kinds, 65, kinds, 0, &t),
               WT_ERROR_MISUSE, "at most 64 of each");
  cr_assert_null(t);
  OK(wt_functype_new(engine, kinds, 64, kinds, 64, &t));
  cr_assert_eq(wt_functype_param_count(t), 64);
  wt_engine_delete(engine);
}

/* A page size exponent of 64 or more has no page size to print; it is
 * written as a power, without shifting past 64 bits. */
Test(types, memory_text_with_an_impossible_page_size) {
  wt_externtype_t t = {.kind = WT_EXTERN_MEMORY,
                       .of.memory = {.min = 1, .page_size_log2 = 200}};
  char buf[64];
  wt_externtype_text(&t, buf, sizeof buf);
  cr_assert_str_eq(buf, "(memory 1 (pagesize 2^200))");
  t.of.memory.page_size_log2 = 63;
  wt_externtype_text(&t, buf, sizeof buf);
  cr_assert_str_eq(buf, "(memory 1 (pagesize 9223372036854775808))");
  t.of.memory.page_size_log2 = 0;
  wt_externtype_text(&t, buf, sizeof buf);
  cr_assert_str_eq(buf, "(memory 1 (pagesize 1))");
}

Test(types, kind_names) {
  cr_assert_str_eq(wt_valkind_name(WT_VAL_V128), "v128");
  cr_assert_str_eq(wt_valkind_name(WT_VAL_ANYREF), "anyref");
  cr_assert_str_eq(wt_valkind_name(200), "?");
  cr_assert_str_eq(wt_externkind_name(WT_EXTERN_TABLE), "table");
  cr_assert_str_eq(wt_externkind_name(9), "?");
}

Test(types, empty_import_names_are_kept) {
  wt_engine_t *engine = engine_from(NULL);
  wt_module_t *m = compile(engine, "(module (import \"\" \"\" (func))"
                                   " (import \"\" \"x\" (global i32)))");
  cr_assert_str_eq(wt_module_import(m, 0)->module, "");
  cr_assert_str_eq(wt_module_import(m, 0)->name, "");
  cr_assert_str_eq(wt_module_import(m, 1)->module, "");
  cr_assert_str_eq(wt_module_import(m, 1)->name, "x");
  wt_module_delete(m);
  wt_engine_delete(engine);
}

Test(types, export_under_the_empty_name) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_module_t *m = compile(
      engine, "(module"
              " (func (export \"f\") (param i32 f32) (result f64)"
              "   (f64.const 0))"
              " (global (export \"\") (mut i32) (i32.const 7))"
              " (memory (export \"mem\") 1)"
              " (table (export \"table\") 1 funcref))");
  cr_assert_eq(wt_module_export_count(m), 4);
  const wt_export_t *g = wt_module_export(m, 1);
  cr_assert_str_eq(g->name, "");
  cr_assert_eq(g->type.kind, WT_EXTERN_GLOBAL);
  cr_assert_eq(g->type.of.global.kind, WT_VAL_I32);
  cr_assert(g->type.of.global.is_mutable);
  text_is(&g->type, "(global (mut i32))");
  text_is(&wt_module_export(m, 0)->type,
          "(func (param i32 f32) (result f64))");
  cr_assert_str_eq(wt_module_export(m, 2)->name, "mem");
  cr_assert_eq(wt_module_export(m, 2)->type.kind, WT_EXTERN_MEMORY);
  cr_assert_str_eq(wt_module_export(m, 3)->name, "table");
  cr_assert_eq(wt_module_export(m, 3)->type.of.table.elem, WT_VAL_FUNCREF);

  wt_instance_t inst;
  OK(wt_instance_new(store, m, NULL, 0, &inst));
  wt_extern_t item;
  OK(wt_instance_export(store, &inst, "", &item));
  cr_assert_eq(item.kind, WT_EXTERN_GLOBAL);
  wt_val_t v;
  OK(wt_global_get(store, &item.of.global, &v));
  cr_assert_eq(v.kind, WT_VAL_I32);
  cr_assert_eq(v.of.i32, 7);
  const char *name = NULL;
  OK(wt_instance_export_nth(store, &inst, 1, &name, &item));
  cr_assert_str_eq(name, "");
  cr_assert_eq(item.kind, WT_EXTERN_GLOBAL);
  wt_global_t gl;
  OK(wt_instance_global(store, &inst, "", &gl));
  OK(wt_global_get(store, &gl, &v));
  cr_assert_eq(v.of.i32, 7);
  wt_module_delete(m);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

/* The memory type of import 0 of a module importing just `decl`. */
static wt_memorytype_t imported_memory(wt_engine_t *engine, const char *decl,
                                       const char *text) {
  char wat[160];
  snprintf(wat, sizeof wat, "(module (import \"env\" \"m\" %s))", decl);
  wt_module_t *m = compile(engine, wat);
  const wt_import_t *imp = wt_module_import(m, 0);
  cr_assert_not_null(imp);
  cr_assert_eq(imp->type.kind, WT_EXTERN_MEMORY);
  text_is(&imp->type, text);
  wt_memorytype_t t = imp->type.of.memory;
  wt_module_delete(m);
  return t;
}

Test(types, memory64_limits_past_32_bits_are_kept_exactly) {
  wt_engine_t *engine = engine_from(NULL);
  const uint64_t p32 = 1ull << 32;
  wt_memorytype_t t = imported_memory(engine, "(memory i64 0x100000000)",
                                      "(memory i64 4294967296)");
  cr_assert_eq(t.min, p32);
  cr_assert_not(t.has_max);
  cr_assert(t.is64);
  cr_assert_not(t.shared);
  t = imported_memory(engine, "(memory i64 0x100000000 0x100000000)",
                      "(memory i64 4294967296 4294967296)");
  cr_assert_eq(t.min, p32);
  cr_assert(t.has_max);
  cr_assert_eq(t.max, p32);
  t = imported_memory(engine, "(memory i64 0x100000000 0x100000001)",
                      "(memory i64 4294967296 4294967297)");
  cr_assert_eq(t.min, p32);
  cr_assert(t.has_max);
  cr_assert_eq(t.max, p32 + 1);
  cr_assert(t.is64);
  cr_assert_not(t.shared);
  cr_assert_eq(t.page_size_log2, 16);
  wt_engine_delete(engine);
}

Test(types, shared_memory64_with_min_equal_max_past_32_bits) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_wasm_threads(c, true));
  cr_assert(wt_config_set_wasm_shared_memory(c, true));
  cr_assert(wt_config_set_wasm_memory64(c, true));
  wt_engine_t *engine = engine_from(c);
  wt_memorytype_t t =
      imported_memory(engine, "(memory i64 0x100000000 0x100000000 shared)",
                      "(memory i64 4294967296 4294967296 shared)");
  cr_assert_eq(t.min, 1ull << 32);
  cr_assert(t.has_max);
  cr_assert_eq(t.max, 1ull << 32);
  cr_assert(t.is64);
  cr_assert(t.shared);
  wt_engine_delete(engine);
}
