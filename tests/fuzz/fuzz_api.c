/* A sequence of API operations decoded from the input: stores made and
 * deleted, instances, calls, memory, table and global access, references,
 * typed calls, handles used with the wrong store, in any order. Every wt
 * call may fail, but none may crash. */
#include "fuzz_common.h"

static const char *wat =
    "(module (import \"h\" \"f\" (func $f (param i32) (result i32)))"
    " (memory (export \"m\") 1 4) (table (export \"t\") 2 10 funcref)"
    " (global (export \"g\") (mut i64) (i64.const 0))"
    " (global (export \"r\") (mut externref) (ref.null extern))"
    " (func (export \"add\") (param i32 i32) (result i32)"
    "   (i32.add (local.get 0) (call $f (local.get 1))))"
    " (func (export \"id\") (param externref) (result externref) (local.get 0))"
    " (func (export \"trap\") (param i32) (result i32)"
    "   (i32.div_u (i32.const 1) (local.get 0)))"
    " (elem (i32.const 0) func 0))";

static wt_error_t *host(void *env, wt_caller_t *caller, const wt_val_t *args,
                        size_t nargs, wt_val_t *results, size_t nresults) {
  if (args[0].of.i32 == 13)
    return wt_error_new("unlucky");
  results[0].of.i32 = args[0].of.i32 * 3;
  return NULL;
}

/* True when the call succeeded; a failure is checked and freed. */
static bool succeeded(wt_error_t *err) {
  check_error(err);
  return err == NULL;
}

#define NS 3

typedef struct {
  wt_store_t *store;
  bool live;
  wt_instance_t inst;
  bool has_inst;
  wt_val_t ref;
} slot;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static wt_module_t *module;
  static wt_linker_t *linker;
  wt_engine_t *engine = fuzz_engine();
  if (!module) {
    MUST(wt_module_new_wat(engine, wat, &module));
    MUST(wt_linker_new(engine, &linker));
    MUST(wt_linker_define_func(linker, "h", "f", "i32 -> i32", host, NULL,
                               NULL));
  }
  slot s[NS];
  memset(s, 0, sizeof s);
  cursor c = {data, size};
  int ops = 0;
  while (c.n > 0 && ops++ < 200) {
    unsigned op = (unsigned)take(&c, 1) % 16;
    slot *a = &s[take(&c, 1) % NS], *b = &s[take(&c, 1) % NS];
    wt_store_t *st = a->live ? a->store : NULL;
    wt_val_t v, r[2];
    switch (op) {
    case 0: /* new store */
      if (!a->live) {
        MUST(wt_store_new(engine, NULL, NULL, &a->store));
        MUST(wt_store_set_fuel(a->store, 1000000));
        a->live = true;
        a->has_inst = false;
        memset(&a->ref, 0, sizeof a->ref);
      }
      break;
    case 1: /* delete store; its handles stay around, stale */
      if (a->live) {
        wt_store_delete(a->store);
        a->live = false;
      }
      break;
    case 2:
      if (st) {
        wt_error_t *err = wt_linker_instantiate(linker, st, module, &a->inst);
        if (!err)
          a->has_inst = true;
        check_error(err);
      }
      break;
    case 3: { /* call add with a's store but maybe b's instance */
      wt_val_t args[2] = {{.kind = WT_VAL_I32, .of.i32 = (int32_t)take(&c, 4)},
                          {.kind = WT_VAL_I32, .of.i32 = (int32_t)take(&c, 1)}};
      if (st && (a->has_inst || b->has_inst))
        check_error(wt_instance_call(st, a->has_inst ? &a->inst : &b->inst,
                                     "add", args, take(&c, 1) % 3, r,
                                     take(&c, 1) % 2));
      break;
    }
    case 4:
      if (st && b->has_inst) {
        v = (wt_val_t){.kind = WT_VAL_I32, .of.i32 = (int32_t)take(&c, 1)};
        check_error(wt_instance_call(st, &b->inst, "trap", &v, 1, r, 1));
      }
      break;
    case 5: { /* memory access with input-chosen offsets */
      wt_memory_t m;
      if (st && b->has_inst &&
          succeeded(wt_instance_memory(st, &b->inst, "m", &m))) {
        uint8_t buf[64];
        uint64_t off = take(&c, 4) % (5 * 65536);
        size_t len = (size_t)take(&c, 1) % sizeof buf;
        if (take(&c, 1) & 1)
          check_error(wt_memory_write(st, &m, off, buf, len));
        else
          check_error(wt_memory_read(st, &m, off, buf, len));
      }
      break;
    }
    case 6: {
      wt_memory_t m;
      if (st && b->has_inst && succeeded(wt_instance_memory(st, &b->inst, "m", &m)))
        check_error(wt_memory_grow(st, &m, take(&c, 1) % 8, NULL));
      break;
    }
    case 7: { /* table get/set/grow */
      wt_table_t t;
      if (st && b->has_inst && succeeded(wt_instance_table(st, &b->inst, "t", &t))) {
        uint64_t i = take(&c, 1) % 16;
        wt_error_t *err = wt_table_get(st, &t, i, &v);
        if (!err)
          check_error(wt_table_set(st, &t, take(&c, 1) % 16, &v));
        check_error(err);
        wt_val_t null = {.kind = WT_VAL_FUNCREF};
        check_error(wt_table_grow(st, &t, take(&c, 1) % 4, &null, NULL));
      }
      break;
    }
    case 8: { /* globals, with values of any kind */
      wt_global_t g;
      if (st && b->has_inst && succeeded(wt_instance_global(st, &b->inst, "g", &g))) {
        v = (wt_val_t){.kind = (wt_valkind_t)(take(&c, 1) % 10),
                       .of.i64 = (int64_t)take(&c, 8)};
        if (v.kind == WT_VAL_FUNCREF || v.kind >= WT_VAL_EXTERNREF)
          memset(&v.of, 0, sizeof v.of);
        check_error(wt_global_set(st, &g, &v));
        check_error(wt_global_get(st, &g, &v));
      }
      break;
    }
    case 9: /* externref made in a, passed through b's instance */
      if (st) {
        check_error(wt_externref_new(st, (void *)(uintptr_t)take(&c, 2), NULL,
                                     &a->ref));
        if (b->has_inst && b->live)
          check_error(wt_instance_call(b->store, &b->inst, "id", &a->ref, 1,
                                       r, 1));
      }
      break;
    case 10:
      if (st)
        wt_ref_release(st, &a->ref);
      break;
    case 11: { /* a stale or foreign reference's data */
      void *d;
      if (st)
        check_error(wt_externref_data(st, &a->ref, &d));
      break;
    }
    case 12: { /* typed calls, right or wrong signature */
      wt_func_t f;
      if (st && b->has_inst && succeeded(wt_instance_func(st, &b->inst, "add", &f))) {
        wt_typed_func_t tf;
        const char *sig = take(&c, 1) & 1 ? "i32 i32 -> i32" : "i64 -> i32";
        wt_error_t *err = wt_func_typed(st, &f, sig, &tf);
        if (!err) {
          wt_raw_t raw[2] = {{.i32 = (int32_t)take(&c, 4)},
                             {.i32 = (int32_t)take(&c, 1)}};
          check_error(wt_func_call_typed(st, &tf, raw));
        }
        check_error(err);
      }
      break;
    }
    case 13:
      if (st)
        check_error(wt_store_gc(st));
      break;
    case 14:
      if (st)
        check_error(wt_store_set_fuel(st, take(&c, 2)));
      break;
    case 15: { /* export enumeration */
      if (st && b->has_inst) {
        wt_extern_t item;
        const char *name;
        check_error(wt_instance_export_nth(st, &b->inst, take(&c, 1) % 8,
                                           &name, &item));
      }
      break;
    }
    }
  }
  for (int i = 0; i < NS; i++)
    if (s[i].live)
      wt_store_delete(s[i].store);
  return 0;
}
