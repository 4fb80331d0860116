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
  cr_assert(wt_config_set_wasm_threads(c, true));
  cr_assert(wt_config_set_wasm_shared_memory(c, true));
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
               "wt_shared_memory_new: ");
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
  cr_assert(wt_config_set_wasm_threads(c, true));
  cr_assert(wt_config_set_wasm_shared_memory(c, true));
  cr_assert(wt_config_set_wasm_memory64(c, true));
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

static wt_memory_t new_memory(wt_store_t *store, uint64_t min, bool has_max,
                              uint64_t max) {
  wt_memorytype_t mt = {.min = min, .has_max = has_max, .max = max,
                        .page_size_log2 = 16};
  wt_memory_t mem;
  OK(wt_memory_new(store, &mt, &mem));
  return mem;
}

static bool all_zero(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != 0)
      return false;
  return true;
}

Test(memory, new_memory_is_zero_filled_and_grows_by_one_and_by_zero) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_memory_t mem = new_memory(store, 1, false, 0);
  wt_memorytype_t t;
  OK(wt_memory_type(store, &mem, &t));
  cr_assert_eq(t.min, 1);
  cr_assert_not(t.has_max);
  cr_assert_not(t.is64);
  size_t len = 0;
  uint8_t *data = wt_memory_data(store, &mem, &len);
  cr_assert_not_null(data);
  cr_assert_eq(len, (size_t)1 << t.page_size_log2);
  cr_assert(all_zero(data, len));
  uint64_t old = 99, pages = 0;
  OK(wt_memory_grow(store, &mem, 1, &old));
  cr_assert_eq(old, 1);
  /* A zero grow succeeds and reports the current size as the old one. */
  OK(wt_memory_grow(store, &mem, 0, &old));
  cr_assert_eq(old, 2);
  OK(wt_memory_pages(store, &mem, &pages));
  cr_assert_eq(pages, 2);
  data = wt_memory_data(store, &mem, &len);
  cr_assert_eq(len, pages * 65536);
  cr_assert(all_zero(data, len));
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(memory, huge_grow_delta_fails_and_leaves_the_size) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_memory_t mem = new_memory(store, 1, false, 0);
  /* A negative delta converted to uint64_t must not wrap into a shrink. */
  uint64_t old = 0, pages = 0;
  EXPECT_ERROR(wt_memory_grow(store, &mem, (uint64_t)-1, &old),
               WT_ERROR_WASMTIME, "wt_memory_grow: ");
  OK(wt_memory_pages(store, &mem, &pages));
  cr_assert_eq(pages, 1);
  size_t len = 0;
  cr_assert_not_null(wt_memory_data(store, &mem, &len));
  cr_assert_eq(len, 65536);
  OK(wt_memory_grow(store, &mem, 1, &old));
  cr_assert_eq(old, 1);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(memory, new_memory_needs_a_type) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_memory_t mem;
  EXPECT_ERROR(wt_memory_new(store, NULL, &mem), WT_ERROR_MISUSE,
               "wt_memory_new: type or out is NULL");
  wt_memorytype_t mt = {.min = 1, .page_size_log2 = 16};
  EXPECT_ERROR(wt_memory_new(store, &mt, NULL), WT_ERROR_MISUSE,
               "wt_memory_new: type or out is NULL");
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(memory, host_writes_land_exactly_and_never_partially) {
  fixture f = setup();
  const uint8_t a[] = {1, 2}, b[] = {3, 4};
  OK(wt_memory_write(f.store, &f.mem, 200, a, sizeof a));
  OK(wt_memory_write(f.store, &f.mem, 202, b, sizeof b));
  size_t len = 0;
  const uint8_t *data = wt_memory_data(f.store, &f.mem, &len);
  cr_assert_eq(data[199], 0);
  cr_assert_eq(data[200], 1);
  cr_assert_eq(data[201], 2);
  cr_assert_eq(data[202], 3, "adjacent write clobbered");
  cr_assert_eq(data[203], 4);
  cr_assert_eq(data[204], 0);
  uint8_t back[6];
  OK(wt_memory_read(f.store, &f.mem, 199, back, sizeof back));
  const uint8_t want[] = {0, 1, 2, 3, 4, 0};
  cr_assert_arr_eq(back, want, sizeof want);
  /* A write straddling the end is refused whole: the last byte keeps its
   * value. */
  const uint8_t last = 0x5a, two[] = {0xee, 0xee};
  OK(wt_memory_write(f.store, &f.mem, len - 1, &last, 1));
  EXPECT_ERROR(wt_memory_write(f.store, &f.mem, len - 1, two, sizeof two),
               WT_ERROR_MISUSE, "wt_memory_write: 2 bytes at offset");
  data = wt_memory_data(f.store, &f.mem, &len);
  cr_assert_eq(data[len - 1], 0x5a);
  cr_assert_eq(data[len - 2], 0);
  /* Empty accesses are fine up to the end, and refused past it. */
  OK(wt_memory_write(f.store, &f.mem, len, two, 0));
  OK(wt_memory_write(f.store, &f.mem, 0, NULL, 0));
  OK(wt_memory_read(f.store, &f.mem, 0, back, 0));
  EXPECT_ERROR(wt_memory_write(f.store, &f.mem, len + 1, two, 0),
               WT_ERROR_MISUSE, "out of bounds");
  EXPECT_ERROR(wt_memory_read(f.store, &f.mem, len + 1, back, 0),
               WT_ERROR_MISUSE, "out of bounds");
  teardown(&f);
}

Test(memory, default_page_size_is_64_kib_on_type_and_memory) {
  fixture f = setup();
  wt_memorytype_t t;
  OK(wt_memory_type(f.store, &f.mem, &t));
  cr_assert_eq(t.page_size_log2, 16);
  uint64_t pages = 0;
  OK(wt_memory_pages(f.store, &f.mem, &pages));
  size_t len = 0;
  cr_assert_not_null(wt_memory_data(f.store, &f.mem, &len));
  cr_assert_eq(len / pages, (size_t)1 << t.page_size_log2);
  cr_assert_eq(len / pages, 65536);
  teardown(&f);
}

Test(memory, custom_page_size_of_one_byte) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_wasm_custom_page_sizes(c, true));
  wt_engine_t *engine = engine_from(c);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_memorytype_t mt = {.min = 3, .has_max = true, .max = 10,
                        .page_size_log2 = 0};
  wt_memory_t mem;
  OK(wt_memory_new(store, &mt, &mem));
  wt_memorytype_t t;
  OK(wt_memory_type(store, &mem, &t));
  cr_assert_eq(t.page_size_log2, 0);
  cr_assert_eq(t.min, 3);
  cr_assert_eq(t.max, 10);
  uint64_t pages = 0, old = 0;
  OK(wt_memory_pages(store, &mem, &pages));
  cr_assert_eq(pages, 3);
  size_t len = 0;
  cr_assert_not_null(wt_memory_data(store, &mem, &len));
  cr_assert_eq(len, 3, "pages are bytes");
  OK(wt_memory_grow(store, &mem, 1, &old));
  cr_assert_eq(old, 3);
  cr_assert_not_null(wt_memory_data(store, &mem, &len));
  cr_assert_eq(len, 4, "growing by one page adds one byte");
  uint8_t b = 0x42, back = 0;
  OK(wt_memory_write(store, &mem, 3, &b, 1));
  OK(wt_memory_read(store, &mem, 3, &back, 1));
  cr_assert_eq(back, 0x42);
  EXPECT_ERROR(wt_memory_write(store, &mem, 4, &b, 1), WT_ERROR_MISUSE,
               "out of bounds");
  wt_store_delete(store);
  wt_engine_delete(engine);
}

/* A zero-filled wt_memorytype_t has page_size_log2 0: without custom page
 * sizes on the engine that is refused, never silently 1-byte pages. */
Test(memory, page_size_other_than_64_kib_needs_custom_page_sizes) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_wasm_threads(c, true));
  cr_assert(wt_config_set_wasm_shared_memory(c, true));
  wt_engine_t *engine = engine_from(c);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_memory_t mem = {0};
  wt_memorytype_t zeroed = {.min = 1};
  EXPECT_ERROR(wt_memory_new(store, &zeroed, &mem), WT_ERROR_MISUSE,
               "wt_memory_new: page_size_log2 0 needs an engine with custom "
               "page sizes");
  wt_memorytype_t odd = {.min = 1, .page_size_log2 = 12};
  EXPECT_ERROR(wt_memory_new(store, &odd, &mem), WT_ERROR_MISUSE,
               "wt_memory_new: page_size_log2 12 needs");
  cr_assert_eq(mem.store_id_, 0, "a refused wt_memory_new wrote its out");
  wt_shared_memory_t *shared = NULL;
  wt_memorytype_t shared_zeroed = {.min = 1, .has_max = true, .max = 1,
                                   .shared = true};
  EXPECT_ERROR(wt_shared_memory_new(engine, &shared_zeroed, &shared),
               WT_ERROR_MISUSE,
               "wt_shared_memory_new: page_size_log2 0 needs an engine with "
               "custom page sizes");
  cr_assert_null(shared);
  /* With 64 KiB pages the same types are accepted. */
  zeroed.page_size_log2 = 16;
  OK(wt_memory_new(store, &zeroed, &mem));
  size_t len = 0;
  cr_assert_not_null(wt_memory_data(store, &mem, &len));
  cr_assert_eq(len, 65536);
  shared_zeroed.page_size_log2 = 16;
  OK(wt_shared_memory_new(engine, &shared_zeroed, &shared));
  wt_shared_memory_delete(shared);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

/* Wasmtime's reason for refusing a memory type comes with the function's
 * name. */
Test(memory, invalid_memory_types_are_misuse_naming_the_function) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_memory_t mem;
  wt_memorytype_t backwards = {.min = 5, .has_max = true, .max = 1,
                               .page_size_log2 = 16};
  EXPECT_ERROR(wt_memory_new(store, &backwards, &mem), WT_ERROR_MISUSE,
               "wt_memory_new: invalid memory type: ");
  wt_memorytype_t huge = {.min = 1ull << 32, .page_size_log2 = 16};
  EXPECT_ERROR(wt_memory_new(store, &huge, &mem), WT_ERROR_MISUSE,
               "wt_memory_new: invalid memory type: ");
  wt_store_delete(store);
  wt_engine_delete(engine);
}

static wt_engine_t *threads_engine(void) {
  wt_config_t *c = wt_config_new();
  cr_assert(wt_config_set_wasm_threads(c, true));
  cr_assert(wt_config_set_wasm_shared_memory(c, true));
  return engine_from(c);
}

Test(memory, new_shared_memory_is_zero_filled_and_refuses_a_huge_grow) {
  wt_engine_t *engine = threads_engine();
  wt_memorytype_t mt = {.min = 1, .has_max = true, .max = 2, .shared = true,
                        .page_size_log2 = 16};
  wt_shared_memory_t *shm;
  OK(wt_shared_memory_new(engine, &mt, &shm));
  wt_memorytype_t t;
  OK(wt_shared_memory_type(shm, &t));
  cr_assert(t.shared);
  cr_assert_eq(t.min, 1);
  cr_assert(t.has_max);
  cr_assert_eq(t.max, 2);
  cr_assert_not(t.is64);
  cr_assert_eq(t.page_size_log2, 16);
  size_t len = 0;
  uint8_t *data = wt_shared_memory_data(shm, &len);
  cr_assert_not_null(data);
  cr_assert_eq(len, 65536);
  cr_assert(all_zero(data, len));
  uint64_t old = 0, pages = 0;
  wt_error_delete(EXPECT_KIND(wt_shared_memory_grow(shm, (uint64_t)-1, &old),
                              WT_ERROR_WASMTIME));
  OK(wt_shared_memory_pages(shm, &pages));
  cr_assert_eq(pages, 1);
  cr_assert_not_null(wt_shared_memory_data(shm, &len));
  cr_assert_eq(len, 65536);
  wt_shared_memory_delete(shm);
  wt_engine_delete(engine);
}

Test(memory, shared_memory_grow_reports_old_size_and_stops_at_maximum) {
  wt_engine_t *engine = threads_engine();
  wt_memorytype_t mt = {.min = 1, .has_max = true, .max = 2, .shared = true,
                        .page_size_log2 = 16};
  wt_shared_memory_t *shm;
  OK(wt_shared_memory_new(engine, &mt, &shm));
  uint64_t old = 0, pages = 0;
  OK(wt_shared_memory_grow(shm, 1, &old));
  cr_assert_eq(old, 1);
  OK(wt_shared_memory_grow(shm, 0, &old));
  cr_assert_eq(old, 2);
  EXPECT_ERROR(wt_shared_memory_grow(shm, 1, &old), WT_ERROR_WASMTIME,
               "wt_shared_memory_grow: ");
  OK(wt_shared_memory_pages(shm, &pages));
  cr_assert_eq(pages, 2);
  size_t len = 0;
  uint8_t *data = wt_shared_memory_data(shm, &len);
  cr_assert_eq(len, 2 * 65536);
  cr_assert(all_zero(data, len));
  OK(wt_shared_memory_grow(shm, 0, &old));
  cr_assert_eq(old, 2);
  wt_shared_memory_delete(shm);
  wt_engine_delete(engine);
}

Test(memory, shared_memory_new_misuse) {
  wt_engine_t *engine = threads_engine();
  wt_memorytype_t mt = {.min = 1, .has_max = true, .max = 2, .shared = true,
                        .page_size_log2 = 16};
  wt_shared_memory_t *shm = NULL;
  EXPECT_ERROR(wt_shared_memory_new(NULL, &mt, &shm), WT_ERROR_MISUSE,
               "wt_shared_memory_new: engine is NULL or deleted");
  EXPECT_ERROR(wt_shared_memory_new(engine, NULL, &shm), WT_ERROR_MISUSE,
               "wt_shared_memory_new: type or out is NULL");
  EXPECT_ERROR(wt_shared_memory_new(engine, &mt, NULL), WT_ERROR_MISUSE,
               "wt_shared_memory_new: type or out is NULL");
  cr_assert_null(shm);
  wt_engine_delete(engine);
  EXPECT_ERROR(wt_shared_memory_new(engine, &mt, &shm), WT_ERROR_MISUSE,
               "wt_shared_memory_new: engine is NULL or deleted");
  cr_assert_null(shm);
}

static wt_trap_code_t trap_of(wt_error_t *err) {
  wt_error_t *e = EXPECT_KIND(err, WT_ERROR_TRAP);
  wt_trap_code_t code = 0;
  cr_assert(wt_error_trap_code(e, &code), "%s", wt_error_message(e));
  wt_error_delete(e);
  return code;
}

Test(memory, wasm_bounds_follow_growth) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(
      engine,
      "(module (memory (export \"mem\") 2 3)"
      " (func (export \"load\") (param i32) (result i32)"
      "   (i32.load8_u (local.get 0)))"
      " (func (export \"store\") (param i32 i32)"
      "   (i32.store8 (local.get 0) (local.get 1)))"
      " (data (i32.const 0x1000) \"\\01\\02\\03\\04\"))",
      &store);
  wt_memory_t mem;
  OK(wt_instance_memory(store, &inst, "mem", &mem));
  uint64_t pages = 0, old = 0;
  OK(wt_memory_pages(store, &mem, &pages));
  cr_assert_eq(pages, 2);
  size_t len = 0;
  const uint8_t *data = wt_memory_data(store, &mem, &len);
  cr_assert_eq(len, 0x20000);
  cr_assert_eq(data[0x1000], 1);
  cr_assert_eq(data[0x1003], 4);
  wt_val_t arg = i32v(0x1ffff), res;
  OK(wt_instance_call(store, &inst, "load", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, 0);
  arg = i32v(0x20000);
  cr_assert_eq(trap_of(wt_instance_call(store, &inst, "load", &arg, 1, &res, 1)),
               WT_TRAP_MEMORY_OUT_OF_BOUNDS);
  wt_val_t st[2] = {i32v(0x20000), i32v(9)};
  cr_assert_eq(trap_of(wt_instance_call(store, &inst, "store", st, 2, NULL, 0)),
               WT_TRAP_MEMORY_OUT_OF_BOUNDS);

  OK(wt_memory_grow(store, &mem, 1, &old));
  cr_assert_eq(old, 2);
  data = wt_memory_data(store, &mem, &len);
  cr_assert_eq(len, 0x30000);
  cr_assert(all_zero(data + 0x20000, 0x10000), "the new page is not zeroed");
  /* The old end is now inside, the new last byte is usable from wasm. */
  OK(wt_instance_call(store, &inst, "store", st, 2, NULL, 0));
  st[0] = i32v(0x2ffff);
  st[1] = i32v(0xcd);
  OK(wt_instance_call(store, &inst, "store", st, 2, NULL, 0));
  arg = i32v(0x2ffff);
  OK(wt_instance_call(store, &inst, "load", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, 0xcd);
  uint8_t b = 0;
  OK(wt_memory_read(store, &mem, 0x20000, &b, 1));
  cr_assert_eq(b, 9);
  arg = i32v(0x30000);
  cr_assert_eq(trap_of(wt_instance_call(store, &inst, "load", &arg, 1, &res, 1)),
               WT_TRAP_MEMORY_OUT_OF_BOUNDS);
  st[0] = i32v(0x30000);
  cr_assert_eq(trap_of(wt_instance_call(store, &inst, "store", st, 2, NULL, 0)),
               WT_TRAP_MEMORY_OUT_OF_BOUNDS);
  /* At the maximum: a grow by one fails, a grow by zero does not. */
  wt_error_delete(EXPECT_KIND(wt_memory_grow(store, &mem, 1, &old),
                              WT_ERROR_WASMTIME));
  OK(wt_memory_grow(store, &mem, 0, &old));
  cr_assert_eq(old, 3);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(memory, min_equal_max_memory_grows_only_by_zero) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_memory_t mem = new_memory(store, 5, true, 5);
  uint64_t old = 0, pages = 0;
  wt_error_delete(EXPECT_KIND(wt_memory_grow(store, &mem, 1, &old),
                              WT_ERROR_WASMTIME));
  OK(wt_memory_pages(store, &mem, &pages));
  cr_assert_eq(pages, 5);
  OK(wt_memory_grow(store, &mem, 0, &old));
  cr_assert_eq(old, 5);
  OK(wt_memory_pages(store, &mem, &pages));
  cr_assert_eq(pages, 5);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(memory, four_gib_memory_written_by_wasm_to_its_last_byte) {
  wt_engine_t *engine = engine_from(NULL);
  wt_module_t *m = compile(
      engine, "(module (memory (export \"mem\") 0x10000)"
              " (func $fill"
              "   (i32.store8 (i32.const 0xfffffffd) (i32.const 0xa1))"
              "   (i32.store8 (i32.const 0xfffffffe) (i32.const 0xb2))"
              "   (i32.store8 (i32.const 0xffffffff) (i32.const 0xc3)))"
              " (start $fill))");
  const wt_export_t *e = wt_module_export(m, 0);
  cr_assert_eq(e->type.kind, WT_EXTERN_MEMORY);
  cr_assert_eq(e->type.of.memory.min, 65536);
  cr_assert_not(e->type.of.memory.has_max);
  cr_assert_not(e->type.of.memory.is64);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_instance_t inst;
  OK(wt_instance_new(store, m, NULL, 0, &inst));
  wt_memory_t mem;
  OK(wt_instance_memory(store, &inst, "mem", &mem));
  wt_memorytype_t t;
  OK(wt_memory_type(store, &mem, &t));
  cr_assert_eq(t.min, e->type.of.memory.min);
  cr_assert_eq(t.has_max, e->type.of.memory.has_max);
  cr_assert_eq(t.is64, e->type.of.memory.is64);
  size_t len = 0;
  const uint8_t *data = wt_memory_data(store, &mem, &len);
  cr_assert_eq((uint64_t)len, 1ull << 32);
  cr_assert_eq(data[len - 3], 0xa1);
  cr_assert_eq(data[len - 2], 0xb2);
  cr_assert_eq(data[len - 1], 0xc3);
  uint8_t tail[3] = {0};
  OK(wt_memory_read(store, &mem, len - 3, tail, 3));
  const uint8_t want[] = {0xa1, 0xb2, 0xc3};
  cr_assert_arr_eq(tail, want, 3);
  uint16_t last16 = 0;
  OK(wt_memory_read(store, &mem, len - 2, &last16, 2));
  cr_assert_eq(last16, 0xc3b2, "little-endian pair at the end");
  EXPECT_ERROR(wt_memory_read(store, &mem, len - 1, &last16, 2),
               WT_ERROR_MISUSE, "out of bounds");
  wt_module_delete(m);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

Test(memory, memory64_past_four_gib_is_bounds_checked) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  wt_instance_t inst = instantiate(
      engine,
      "(module (memory (export \"m\") i64 65537)"
      " (func (export \"load\") (param i64) (result i32)"
      "   (i32.load8_u (local.get 0)))"
      " (func (export \"load16\") (param i64) (result i32)"
      "   (i32.load16_u (local.get 0))))",
      &store);
  wt_memory_t mem;
  OK(wt_instance_memory(store, &inst, "m", &mem));
  size_t len = 0;
  cr_assert_not_null(wt_memory_data(store, &mem, &len));
  uint64_t size = 65537ull << 16;
  cr_assert_eq((uint64_t)len, size);
  const uint8_t two[] = {0x11, 0x22};
  OK(wt_memory_write(store, &mem, size - 2, two, 2));
  uint8_t buf[2] = {0, 0};
  EXPECT_ERROR(wt_memory_read(store, &mem, size - 1, buf, 2), WT_ERROR_MISUSE,
               "out of bounds");
  cr_assert_eq(buf[0], 0, "a refused read copied bytes");
  EXPECT_ERROR(wt_memory_write(store, &mem, size - 1, two, 2),
               WT_ERROR_MISUSE, "out of bounds");
  EXPECT_ERROR(wt_memory_read(store, &mem, size, buf, 1), WT_ERROR_MISUSE,
               "out of bounds");
  EXPECT_ERROR(wt_memory_read(store, &mem, 1ull << 33, buf, 1),
               WT_ERROR_MISUSE, "out of bounds");
  OK(wt_memory_read(store, &mem, size - 1, buf, 1));
  cr_assert_eq(buf[0], 0x22);
  /* Wasm sees the same end, above the 32-bit range. */
  wt_val_t arg = i64v((int64_t)size - 1), res;
  OK(wt_instance_call(store, &inst, "load", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, 0x22);
  arg = i64v((int64_t)size - 2);
  OK(wt_instance_call(store, &inst, "load16", &arg, 1, &res, 1));
  cr_assert_eq(res.of.i32, 0x2211);
  arg = i64v((int64_t)size - 1);
  cr_assert_eq(
      trap_of(wt_instance_call(store, &inst, "load16", &arg, 1, &res, 1)),
      WT_TRAP_MEMORY_OUT_OF_BOUNDS);
  arg = i64v((int64_t)size);
  cr_assert_eq(trap_of(wt_instance_call(store, &inst, "load", &arg, 1, &res, 1)),
               WT_TRAP_MEMORY_OUT_OF_BOUNDS);
  wt_store_delete(store);
  wt_engine_delete(engine);
}

/* Little-endian encoding, as wasm lays values out in memory. */
static void put_le(uint8_t *out, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; i++)
    out[i] = (uint8_t)(v >> (8 * i));
}
static uint64_t get_le(const uint8_t *in, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++)
    v |= (uint64_t)in[i] << (8 * i);
  return v;
}

static const char *reader_wat =
    "(module (import \"\" \"mem\" (memory 1))"
    " (data (i32.const 0) \"Hello World\")"
    " (data (i32.const 20) \"\\01\\02\\00\\03\\00\\00\\00\")"
    " (func (export \"u8\") (param i32) (result i32)"
    "   (i32.load8_u (local.get 0)))"
    " (func (export \"s8\") (param i32) (result i32)"
    "   (i32.load8_s (local.get 0)))"
    " (func (export \"u16\") (param i32) (result i32)"
    "   (i32.load16_u (local.get 0)))"
    " (func (export \"s16\") (param i32) (result i32)"
    "   (i32.load16_s (local.get 0)))"
    " (func (export \"i32\") (param i32) (result i32)"
    "   (i32.load (local.get 0)))"
    " (func (export \"s32to64\") (param i32) (result i64)"
    "   (i64.load32_s (local.get 0)))"
    " (func (export \"u32to64\") (param i32) (result i64)"
    "   (i64.load32_u (local.get 0)))"
    " (func (export \"i64\") (param i32) (result i64)"
    "   (i64.load (local.get 0)))"
    " (func (export \"f32\") (param i32) (result f32)"
    "   (f32.load (local.get 0)))"
    " (func (export \"f64\") (param i32) (result f64)"
    "   (f64.load (local.get 0))))";

static wt_val_t load_at(wt_store_t *store, wt_instance_t *inst,
                        const char *fn, int32_t addr) {
  wt_val_t arg = i32v(addr), res;
  OK(wt_instance_call(store, inst, fn, &arg, 1, &res, 1));
  return res;
}

Test(memory, imported_host_memory_takes_data_and_host_values_of_every_width) {
  wt_engine_t *engine = engine_from(NULL);
  wt_store_t *store;
  OK(wt_store_new(engine, NULL, NULL, &store));
  wt_extern_t import = {.kind = WT_EXTERN_MEMORY};
  import.of.memory = new_memory(store, 1, false, 0);
  wt_memory_t *mem = &import.of.memory;
  wt_module_t *m = compile(engine, reader_wat);
  wt_instance_t inst;
  OK(wt_instance_new(store, m, &import, 1, &inst));

  /* The data segments were copied into the host's memory. */
  char hello[12] = {0};
  OK(wt_memory_read(store, mem, 0, hello, 11));
  cr_assert_str_eq(hello, "Hello World");
  uint8_t raw[8];
  OK(wt_memory_read(store, mem, 20, raw, 1));
  cr_assert_eq(raw[0], 1);
  OK(wt_memory_read(store, mem, 21, raw, 2));
  cr_assert_eq(get_le(raw, 2), 2);
  OK(wt_memory_read(store, mem, 23, raw, 4));
  cr_assert_eq(get_le(raw, 4), 3);

  /* Host writes at odd offsets, read back by wasm loads. */
  const char text[] = "WebAssembly";
  OK(wt_memory_write(store, mem, 0, text, sizeof text - 1));
  cr_assert_eq(load_at(store, &inst, "u8", 3).of.i32, 'A');

  put_le(raw, 0x85, 1);
  OK(wt_memory_write(store, mem, 20, raw, 1));
  cr_assert_eq(load_at(store, &inst, "u8", 20).of.i32, 0x85);
  cr_assert_eq(load_at(store, &inst, "s8", 20).of.i32, (int8_t)0x85);

  put_le(raw, 0xff85, 2);
  OK(wt_memory_write(store, mem, 21, raw, 2));
  cr_assert_eq(load_at(store, &inst, "u16", 21).of.i32, 0xff85);
  cr_assert_eq(load_at(store, &inst, "s16", 21).of.i32, (int16_t)0xff85);

  put_le(raw, 0x80000001u, 4);
  OK(wt_memory_write(store, mem, 23, raw, 4));
  cr_assert_eq(load_at(store, &inst, "i32", 23).of.i32, (int32_t)0x80000001u);
  cr_assert_eq(load_at(store, &inst, "s32to64", 23).of.i64,
               (int64_t)(int32_t)0x80000001u);
  cr_assert_eq(load_at(store, &inst, "u32to64", 23).of.i64, 0x80000001ll);

  const uint64_t wide = 0xfedcba9876543210ull;
  put_le(raw, wide, 8);
  OK(wt_memory_write(store, mem, 27, raw, 8));
  cr_assert_eq((uint64_t)load_at(store, &inst, "i64", 27).of.i64, wide);

  const float f = -15.25f;
  uint32_t fbits;
  memcpy(&fbits, &f, 4);
  put_le(raw, fbits, 4);
  OK(wt_memory_write(store, mem, 35, raw, 4));
  cr_assert_eq(load_at(store, &inst, "f32", 35).of.f32, f);

  const double d = 16.5e100;
  uint64_t dbits;
  memcpy(&dbits, &d, 8);
  put_le(raw, dbits, 8);
  OK(wt_memory_write(store, mem, 39, raw, 8));
  cr_assert_eq(load_at(store, &inst, "f64", 39).of.f64, d);

  /* Neighbours were not disturbed by the wider writes. */
  cr_assert_eq(load_at(store, &inst, "u8", 20).of.i32, 0x85);
  cr_assert_eq(load_at(store, &inst, "u16", 21).of.i32, 0xff85);
  wt_module_delete(m);
  wt_store_delete(store);
  wt_engine_delete(engine);
}
