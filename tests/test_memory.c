/* wt_memory_t: size, growth, data pointer and bounds-checked access. */
#include <string.h>

#include "helpers.h"

static const char *mem_wat =
    "(module (memory (export \"mem\") 1 3)"
    " (func (export \"load\") (param i32) (result i32)"
    "   (i32.load8_u (local.get 0)))"
    " (func (export \"store\") (param i32 i32)"
    "   (i32.store8 (local.get 0) (local.get 1)))"
    " (func (export \"size\") (result i32) (memory.size))"
    " (data (i32.const 10) \"\\01\\02\\03\"))";

typedef struct {
  wt_engine_t *engine;
  wt_store_t *store;
  wt_instance_t inst;
  wt_memory_t mem;
} fixture;

static fixture setup(void) {
  fixture f;
  f.engine = engine_from(NULL);
  f.inst = instantiate(f.engine, mem_wat, &f.store);
  OK(wt_instance_memory(f.store, &f.inst, "mem", &f.mem));
  return f;
}

static void teardown(fixture *f) {
  wt_store_delete(f->store);
  wt_engine_delete(f->engine);
}

Test(memory, size_and_data_match_the_module) {
  fixture f = setup();
  uint64_t pages = 0;
  OK(wt_memory_pages(f.store, &f.mem, &pages));
  cr_assert_eq(pages, 1);
  size_t len = 0;
  uint8_t *data = wt_memory_data(f.store, &f.mem, &len);
  cr_assert_not_null(data);
  cr_assert_eq(len, 65536);
  cr_assert_eq(data[10], 1);
  cr_assert_eq(data[12], 3);
  teardown(&f);
}

Test(memory, host_writes_are_seen_by_wasm_and_back) {
  fixture f = setup();
  const uint8_t bytes[] = {7, 8, 9};
  OK(wt_memory_write(f.store, &f.mem, 100, bytes, sizeof bytes));
  wt_val_t arg = i32v(101), res;
  OK(wt_instance_call(f.store, &f.inst, "load", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, 8);
  wt_val_t args[2] = {i32v(65535), i32v(0xab)};
  OK(wt_instance_call(f.store, &f.inst, "store", args, 2, NULL, 0));
  uint8_t out = 0;
  OK(wt_memory_read(f.store, &f.mem, 65535, &out, 1));
  cr_assert_eq(out, 0xab);
  teardown(&f);
}

Test(memory, out_of_bounds_access_is_misuse_and_copies_nothing) {
  fixture f = setup();
  uint8_t buf[8];
  memset(buf, 0x55, sizeof buf);
  EXPECT_ERROR(wt_memory_read(f.store, &f.mem, 65535, buf, 2), WT_ERROR_MISUSE,
               "out of bounds");
  cr_assert_eq(buf[0], 0x55);
  EXPECT_ERROR(wt_memory_write(f.store, &f.mem, 65536, buf, 1),
               WT_ERROR_MISUSE, "out of bounds");
  EXPECT_ERROR(wt_memory_read(f.store, &f.mem, UINT64_MAX, buf, 1),
               WT_ERROR_MISUSE, "out of bounds");
  /* offset + len overflowing size_t must not wrap around */
  EXPECT_ERROR(wt_memory_read(f.store, &f.mem, 16, buf, SIZE_MAX - 8),
               WT_ERROR_MISUSE, "out of bounds");
  /* An empty access at the very end is fine. */
  OK(wt_memory_read(f.store, &f.mem, 65536, buf, 0));
  EXPECT_ERROR(wt_memory_read(f.store, &f.mem, 0, NULL, 1), WT_ERROR_MISUSE,
               "buf is NULL");
  teardown(&f);
}

Test(memory, grow_reports_old_size_and_fails_past_maximum) {
  fixture f = setup();
  uint64_t old = 0, pages = 0;
  OK(wt_memory_grow(f.store, &f.mem, 2, &old));
  cr_assert_eq(old, 1);
  OK(wt_memory_pages(f.store, &f.mem, &pages));
  cr_assert_eq(pages, 3);
  wt_val_t res;
  OK(wt_instance_call(f.store, &f.inst, "size", NULL, 0, &res, 1));
  cr_assert_eq(res.of.i32, 3);
  wt_error_t *err = wt_memory_grow(f.store, &f.mem, 1, &old);
  cr_assert_not_null(err, "grew past the maximum of 3 pages");
  wt_error_delete(err);
  OK(wt_memory_pages(f.store, &f.mem, &pages));
  cr_assert_eq(pages, 3);
  /* The newly grown bytes are usable and zeroed. */
  uint8_t b = 1;
  OK(wt_memory_read(f.store, &f.mem, 3 * 65536 - 1, &b, 1));
  cr_assert_eq(b, 0);
  teardown(&f);
}

Test(memory, misuse_is_reported) {
  fixture f = setup();
  wt_memory_t m;
  EXPECT_ERROR(wt_instance_memory(f.store, &f.inst, "load", &m),
               WT_ERROR_MISUSE, "not a memory");
  EXPECT_ERROR(wt_instance_memory(f.store, &f.inst, "nope", &m),
               WT_ERROR_NOT_FOUND, "nope");
  EXPECT_ERROR(wt_memory_pages(f.store, NULL, NULL), WT_ERROR_MISUSE,
               "memory is NULL");
  uint64_t pages;
  EXPECT_ERROR(wt_memory_pages(NULL, &f.mem, &pages), WT_ERROR_MISUSE,
               "store is NULL");
  wt_store_t *other;
  OK(wt_store_new(f.engine, NULL, NULL, &other));
  EXPECT_ERROR(wt_memory_pages(other, &f.mem, &pages), WT_ERROR_MISUSE,
               "another store");
  size_t len = 99;
  cr_assert_null(wt_memory_data(other, &f.mem, &len));
  cr_assert_eq(len, 0);
  wt_store_delete(other);
  teardown(&f);
}

Test(memory, new_memory_and_its_type) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_memorytype_t mt = {.min = 2, .has_max = true, .max = 3,
                        .page_size_log2 = 16};
  wt_memory_t mem;
  OK(wt_memory_new(store, &mt, &mem));
  wt_memorytype_t back;
  OK(wt_memory_type(store, &mem, &back));
  cr_assert_eq(back.min, 2);
  cr_assert(back.has_max);
  cr_assert_eq(back.max, 3);
  cr_assert_not(back.is64);
  cr_assert_not(back.shared);
  wt_memorytype_t bad = {.min = 5, .has_max = true, .max = 1,
                         .page_size_log2 = 16};
  wt_error_delete(EXPECT_KIND(wt_memory_new(store, &bad, &mem),
                              WT_ERROR_MISUSE));
  wt_memorytype_t shared = {.min = 1, .has_max = true, .max = 1,
                            .shared = true, .page_size_log2 = 16};
  EXPECT_ERROR(wt_memory_new(store, &shared, &mem), WT_ERROR_MISUSE, "shared");
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(memory, memory64_access_and_growth) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(
      engine,
      "(module (memory (export \"m\") i64 1)"
      " (func (export \"load\") (param i64) (result i32)"
      "   (i32.load8_u (local.get 0)))"
      " (func (export \"grow\") (param i64) (result i64)"
      "   (memory.grow (local.get 0))))",
      &store);
  wt_memory_t m;
  OK(wt_instance_memory(store, &inst, "m", &m));
  wt_memorytype_t t;
  OK(wt_memory_type(store, &m, &t));
  cr_assert(t.is64);
  uint8_t b = 9;
  OK(wt_memory_write(store, &m, 65535, &b, 1));
  wt_val_t arg = i64v(65535), res;
  OK(wt_instance_call(store, &inst, "load", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, 9);
  arg = i64v(1);
  OK(wt_instance_call(store, &inst, "grow", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i64, 1);
  arg = i64v(1ll << 40); /* far past what can be had */
  OK(wt_instance_call(store, &inst, "grow", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i64, -1);
  arg = i64v(1ll << 33); /* out of bounds: a trap, not a crash */
  wt_error_t *err = EXPECT_KIND(
      wt_instance_call(store, &inst, "load", &arg, 1, &res, 1), WT_ERROR_TRAP);
  wt_trap_code_t code;
  cr_assert(wt_error_trap_code(err, &code));
  cr_assert_eq(code, WT_TRAP_MEMORY_OUT_OF_BOUNDS);
  wt_error_delete(err);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

static const char *shared_wat =
    "(module (import \"env\" \"mem\" (memory 1 4 shared))"
    " (func (export \"add\") (param i32 i32) (result i32)"
    "   (i32.atomic.rmw.add (local.get 0) (local.get 1)))"
    " (memory $own (export \"own\") 1 1 shared))";

Test(memory, shared_memory_import_export_and_access) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_wasm_threads(c, true));
  cr_assert(wt_config_wasm_shared_memory(c, true));
  wt_engine_t *engine = engine_from(c);
  wt_memorytype_t mt = {.min = 1, .has_max = true, .max = 4, .shared = true,
                        .page_size_log2 = 16};
  wt_shared_memory_t *shm;
  OK(wt_shared_memory_new(engine, &mt, &shm));
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_linker_t *linker;
  OK(wt_linker_new(engine, &linker));
  wt_extern_t item = {.kind = WT_EXTERN_SHARED_MEMORY, .of.shared_memory = shm};
  OK(wt_linker_define(linker, store, "env", "mem", &item));
  wt_module_t *m = compile(engine, shared_wat);
  wt_instance_t inst;
  OK(wt_linker_instantiate(linker, store, m, &inst));
  uint32_t v = 40;
  OK(wt_shared_memory_write(shm, 8, &v, 4));
  wt_val_t args[2] = {i32v(8), i32v(2)}, res;
  OK(wt_instance_call(store, &inst, "add", args, 2, &res, 1));
  cr_assert_eq(res.of.i32, 40); /* the old value */
  OK(wt_shared_memory_read(shm, 8, &v, 4));
  cr_assert_eq(v, 42);
  uint64_t pages, old;
  OK(wt_shared_memory_grow(shm, 1, &old));
  cr_assert_eq(old, 1);
  OK(wt_shared_memory_pages(shm, &pages));
  cr_assert_eq(pages, 2);
  EXPECT_ERROR(wt_shared_memory_read(shm, 2 * 65536, &v, 1), WT_ERROR_MISUSE,
               "out of bounds");
  wt_shared_memory_t *own;
  OK(wt_instance_shared_memory(store, &inst, "own", &own));
  wt_memorytype_t t;
  OK(wt_shared_memory_type(own, &t));
  cr_assert(t.shared);
  cr_assert_eq(t.max, 1);
  size_t len;
  cr_assert_not_null(wt_shared_memory_data(own, &len));
  cr_assert_eq(len, 65536);
  wt_shared_memory_delete(own); /* store-owned: ignored */
  wt_memory_t plain;
  EXPECT_ERROR(wt_instance_memory(store, &inst, "own", &plain),
               WT_ERROR_MISUSE, "not a memory");
  wt_shared_memory_delete(shm); /* the instance keeps its own reference */
  OK(wt_instance_call(store, &inst, "add", args, 2, &res, 1));
  cr_assert_eq(res.of.i32, 42);
  wt_module_delete(m);
  wt_linker_delete(linker);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(memory, shared_memory_needs_the_config) {
  wt_engine_t *engine = engine_from(NULL);
  wt_memorytype_t mt = {.min = 1, .has_max = true, .max = 1, .shared = true,
                        .page_size_log2 = 16};
  wt_shared_memory_t *shm = NULL;
  EXPECT_ERROR(wt_shared_memory_new(engine, &mt, &shm), WT_ERROR_WASMTIME,
               "shared memory");
  cr_assert_null(shm);
  mt.shared = false;
  EXPECT_ERROR(wt_shared_memory_new(engine, &mt, &shm), WT_ERROR_MISUSE,
               "must be shared");
  wt_engine_delete(engine);
}

Test(memory, limits_beyond_32_bits) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_memory_t mem;
  /* A 32-bit memory cannot have 2^32 pages or more: refused, not truncated. */
  wt_memorytype_t big = {.min = 1ull << 32, .page_size_log2 = 16};
  wt_error_delete(EXPECT_KIND(wt_memory_new(store, &big, &mem),
                              WT_ERROR_MISUSE));
  wt_memorytype_t bigmax = {.min = 1, .has_max = true, .max = 1ull << 32,
                            .page_size_log2 = 16};
  wt_error_delete(EXPECT_KIND(wt_memory_new(store, &bigmax, &mem),
                              WT_ERROR_MISUSE));
  /* A 64-bit memory keeps a maximum past 2^32 pages exactly. */
  wt_memorytype_t m64 = {.min = 1, .has_max = true, .max = (1ull << 40) + 3,
                         .is64 = true, .page_size_log2 = 16};
  OK(wt_memory_new(store, &m64, &mem));
  wt_memorytype_t back;
  OK(wt_memory_type(store, &mem, &back));
  cr_assert(back.is64);
  cr_assert_eq(back.max, (1ull << 40) + 3);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(memory, shared_memory_types_checked) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_wasm_threads(c, true));
  cr_assert(wt_config_wasm_shared_memory(c, true));
  cr_assert(wt_config_wasm_memory64(c, true));
  wt_engine_t *engine = engine_from(c);
  wt_shared_memory_t *m = NULL;
  /* A shared memory needs a maximum. */
  wt_memorytype_t nomax = {.min = 1, .shared = true, .page_size_log2 = 16};
  EXPECT_ERROR(wt_shared_memory_new(engine, &nomax, &m), WT_ERROR_MISUSE,
               "have a maximum");
  /* A 32-bit one cannot go past 65536 pages. */
  wt_memorytype_t big = {.min = 1, .has_max = true, .max = 70000,
                         .shared = true, .page_size_log2 = 16};
  wt_error_t *err = wt_shared_memory_new(engine, &big, &m);
  cr_assert_not_null(err, "a 32-bit memory of 70000 pages was accepted");
  wt_error_delete(err);
  /* A 64-bit one with both limits set works, and says so. */
  wt_memorytype_t m64 = {.min = 1, .has_max = true, .max = 2, .is64 = true,
                         .shared = true, .page_size_log2 = 16};
  OK(wt_shared_memory_new(engine, &m64, &m));
  wt_memorytype_t t;
  OK(wt_shared_memory_type(m, &t));
  cr_assert(t.is64);
  cr_assert(t.shared);
  cr_assert_eq(t.max, 2);
  wt_shared_memory_delete(m);
  cr_assert_null(m = NULL);
  wt_engine_delete(engine);
}

Test(memory, several_memories_exported_and_imported) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_memorytype_t t1 = {.min = 1, .has_max = true, .max = 3,
                        .page_size_log2 = 16};
  wt_memorytype_t t2 = {.min = 2, .has_max = true, .max = 4,
                        .page_size_log2 = 16};
  wt_extern_t imports[2] = {{.kind = WT_EXTERN_MEMORY},
                            {.kind = WT_EXTERN_MEMORY}};
  OK(wt_memory_new(store, &t1, &imports[0].of.memory));
  OK(wt_memory_new(store, &t2, &imports[1].of.memory));
  uint8_t b = 77;
  OK(wt_memory_write(store, &imports[1].of.memory, 100, &b, 1));
  wt_module_t *m = compile(
      engine, "(module (import \"a\" \"m0\" (memory 1 3))"
              " (import \"a\" \"m1\" (memory 2 4))"
              " (memory (export \"own\") 2 5)"
              " (func (export \"load1\") (param i32) (result i32)"
              "   (i32.load8_u 1 (local.get 0))))");
  cr_assert_eq(wt_module_export(m, 0)->type.of.memory.max, 5);
  cr_assert_eq(wt_module_import(m, 1)->type.of.memory.min, 2);
  wt_instance_t inst;
  OK(wt_instance_new(store, m, imports, 2, &inst));
  wt_val_t a = i32v(100), r;
  OK(wt_instance_call(store, &inst, "load1", &a, 1, &r, 1));
  cr_assert_eq(r.of.i32, 77, "memory index 1 is the second import");
  wt_module_delete(m);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(memory, four_gib_memories_are_addressable_to_the_last_byte) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_memorytype_t full = {.min = 65536, .page_size_log2 = 16};
  wt_memory_t m;
  OK(wt_memory_new(store, &full, &m));
  uint8_t b = 9, back = 0;
  uint64_t last = (1ull << 32) - 1;
  OK(wt_memory_write(store, &m, last, &b, 1));
  OK(wt_memory_read(store, &m, last, &back, 1));
  cr_assert_eq(back, 9);
  EXPECT_ERROR(wt_memory_read(store, &m, last, &back, 2), WT_ERROR_MISUSE,
               "out of bounds");
  /* A 64-bit memory may pass 65536 pages. */
  wt_memorytype_t big64 = {.min = 65537, .is64 = true, .page_size_log2 = 16};
  OK(wt_memory_new(store, &big64, &m));
  uint64_t pages;
  OK(wt_memory_pages(store, &m, &pages));
  cr_assert_eq(pages, 65537);
  OK(wt_memory_write(store, &m, (65537ull << 16) - 1, &b, 1));
  wt_store_delete(store);
  wt_engine_delete(engine);
}
