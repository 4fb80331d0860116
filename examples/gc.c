/* gc: a struct made in C and changed by wasm, and exceptions thrown both
 * ways across the host boundary. */
#include <stdio.h>
#include <wt.h>

static const char *wat =
    "(module\n"
    "  (type $point (struct (field (mut i32)) (field (mut i32))))\n"
    "  (import \"host\" \"oops\" (tag $oops (param i32)))\n"
    "  (import \"host\" \"fail\" (func $fail (param i32)))\n"
    "  (func (export \"double\") (param $p (ref null $point))\n"
    "    (struct.set $point 0 (local.get $p)\n"
    "      (i32.mul (struct.get $point 0 (local.get $p)) (i32.const 2)))\n"
    "    (struct.set $point 1 (local.get $p)\n"
    "      (i32.mul (struct.get $point 1 (local.get $p)) (i32.const 2))))\n"
    "  (func (export \"check\") (param i32)\n"
    "    (if (i32.lt_s (local.get 0) (i32.const 0))\n"
    "      (then (throw $oops (local.get 0)))))\n"
    "  (func (export \"catch_host\") (param i32) (result i32)\n"
    "    (block $caught (result i32)\n"
    "      (try_table (catch $oops $caught) (call $fail (local.get 0)))\n"
    "      (i32.const 0))))\n";

/* host.fail(x): throws oops(x) into the wasm that called it. */
static wt_error_t *fail(void *env, wt_caller_t *caller, const wt_val_t *args,
                        size_t nargs, wt_val_t *results, size_t nresults) {
  wt_store_t *store = wt_caller_store(caller);
  wt_val_t exn;
  wt_error_t *err = wt_exn_new(store, env, args, 1, &exn);
  if (err)
    return err;
  err = wt_exn_throw(store, &exn);
  wt_ref_release(store, &exn); /* the error holds the exception */
  return err;
}

int main(void) {
  wt_config_t *config = wt_config_new();
  wt_engine_t *engine = NULL;
  wt_store_t *store = NULL;
  wt_linker_t *linker = NULL;
  wt_module_t *module = NULL;
  wt_structtype_t *point = NULL;
  const wt_functype_t *payload;
  wt_instance_t inst;
  wt_extern_t tag = {.kind = WT_EXTERN_TAG};
  wt_val_t p, x, y, got, exn;
  wt_error_t *err;
  wt_config_set_wasm_gc(config, true);
  wt_config_set_wasm_exceptions(config, true);
  const wt_fieldtype_t fields[] = {{WT_STORAGE_I32, true},
                                   {WT_STORAGE_I32, true}};
  if (!(err = wt_engine_new(config, &engine)) &&
      !(err = wt_store_new(engine, NULL, NULL, &store)) &&
      !(err = wt_linker_new(engine, &linker)) &&
      !(err = wt_functype_parse(engine, "i32", &payload)) &&
      !(err = wt_tag_new(store, payload, &tag.of.tag)) &&
      !(err = wt_linker_define(linker, store, "host", "oops", &tag)) &&
      !(err = wt_linker_define_func(linker, "host", "fail", "i32", fail,
                                    &tag.of.tag, NULL)) &&
      !(err = wt_module_new_wat(engine, wat, &module)) &&
      !(err = wt_linker_instantiate(linker, store, module, &inst)) &&
      /* a struct of wasm's $point type (same shape, same type) */
      !(err = wt_structtype_new(engine, fields, 2, &point)) &&
      !(err = wt_struct_new(store, point,
                            (wt_val_t[]){{.kind = WT_VAL_I32, .of.i32 = 3},
                                         {.kind = WT_VAL_I32, .of.i32 = 4}},
                            2, &p)) &&
      !(err = wt_instance_call(store, &inst, "double", &p, 1, NULL, 0)) &&
      !(err = wt_struct_field(store, &p, 0, &x)) &&
      !(err = wt_struct_field(store, &p, 1, &y))) {
    printf("doubled by wasm: (%d, %d)\n", x.of.i32, y.of.i32);
    /* wasm throws, nothing catches: the error carries the exception */
    wt_val_t arg = {.kind = WT_VAL_I32, .of.i32 = -5};
    err = wt_instance_call(store, &inst, "check", &arg, 1, NULL, 0);
    if (wt_error_kind(err) == WT_ERROR_EXCEPTION) {
      wt_tag_t which;
      wt_error_t *why = err;
      if (!(err = wt_error_exception(why, store, &exn)) &&
          !(err = wt_exn_tag(store, &exn, &which)) &&
          !(err = wt_exn_field(store, &exn, 0, &got)))
        printf("check(-5): uncaught %s, oops(%d)\n",
               wt_tag_eq(store, &which, &tag.of.tag) ? "oops" : "?",
               got.of.i32);
      wt_error_delete(why);
    } else if (!err) {
      err = wt_error_new("check(-5) did not throw");
    }
    /* the host throws, wasm catches */
    arg.of.i32 = 42;
    if (!err &&
        !(err = wt_instance_call(store, &inst, "catch_host", &arg, 1, &got, 1)))
      printf("caught by wasm: oops(%d)\n", got.of.i32);
  }
  if (err)
    fprintf(stderr, "error: %s\n", wt_error_message(err));
  wt_structtype_delete(point);
  wt_module_delete(module);
  wt_linker_delete(linker);
  wt_store_delete(store);
  wt_engine_delete(engine);
  wt_config_delete(config);
  wt_error_delete(err);
  return err ? 1 : 0;
}
