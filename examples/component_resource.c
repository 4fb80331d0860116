/* component_resource: a resource the host defines, which a component makes,
 * uses through borrows and drops. Build and run: ./build.sh */
#include <stdio.h>
#include <stdlib.h>
#include <wt.h>

/* Imports the resource host#counter with make(start) and bump(borrow);
 * exports run(), which makes a counter at 10, bumps it three times, drops
 * it and returns the last count. */
static const char *wat =
    "(component\n"
    "  (import \"host\" (instance $h\n"
    "    (export \"counter\" (type $c (sub resource)))\n"
    "    (export \"make\" (func (param \"start\" u32) (result (own $c))))\n"
    "    (export \"bump\" (func (param \"c\" (borrow $c)) (result u32)))))\n"
    "  (alias export $h \"counter\" (type $counter))\n"
    "  (core func $make (canon lower (func $h \"make\")))\n"
    "  (core func $bump (canon lower (func $h \"bump\")))\n"
    "  (core func $drop (canon resource.drop $counter))\n"
    "  (core instance $host (export \"make\" (func $make))\n"
    "    (export \"bump\" (func $bump)) (export \"drop\" (func $drop)))\n"
    "  (core module $m\n"
    "    (import \"host\" \"make\" (func $make (param i32) (result i32)))\n"
    "    (import \"host\" \"bump\" (func $bump (param i32) (result i32)))\n"
    "    (import \"host\" \"drop\" (func $drop (param i32)))\n"
    "    (func (export \"run\") (result i32) (local $c i32) (local $n i32)\n"
    "      (local.set $c (call $make (i32.const 10)))\n"
    "      (drop (call $bump (local.get $c)))\n"
    "      (drop (call $bump (local.get $c)))\n"
    "      (local.set $n (call $bump (local.get $c)))\n"
    "      (call $drop (local.get $c))\n"
    "      (local.get $n)))\n"
    "  (core instance $i (instantiate $m (with \"host\" (instance $host))))\n"
    "  (func (export \"run\") (result u32) (canon lift (core func $i \"run\"))))";

static wt_resource_type_t *counter_type;

static void counter_free(void *env, void *rep) {
  printf("counter dropped at %u\n", *(unsigned *)rep);
  free(rep);
}

static wt_error_t *make(void *env, wt_store_t *store, const wt_cval_t *args,
                        size_t nargs, wt_cval_t *results, size_t nresults,
                        wt_arena_t *arena) {
  unsigned *count = malloc(sizeof *count);
  if (!count)
    return wt_error_new("out of memory");
  *count = args[0].of.u32;
  printf("counter made at %u\n", *count);
  wt_error_t *err = wt_resource_new(store, counter_type, count, &results[0]);
  if (err)
    free(count);
  return err;
}

static wt_error_t *bump(void *env, wt_store_t *store, const wt_cval_t *args,
                        size_t nargs, wt_cval_t *results, size_t nresults,
                        wt_arena_t *arena) {
  unsigned *count;
  wt_error_t *err =
      wt_resource_rep(store, &args[0], counter_type, (void **)&count);
  if (err)
    return err;
  results[0] = (wt_cval_t){WT_CVAL_U32, .of.u32 = ++*count};
  return NULL;
}

int main(void) {
  wt_engine_t *engine = NULL;
  wt_store_t *store = NULL;
  wt_component_linker_t *linker = NULL;
  wt_component_t *component = NULL;
  wt_component_instance_t instance;
  wt_cval_t result;
  wt_error_t *err;
  if ((err = wt_engine_new(NULL, &engine)) ||
      (err = wt_store_new(engine, NULL, NULL, &store)) ||
      (err = wt_resource_type_new("counter", counter_free, NULL, NULL,
                                  &counter_type)) ||
      (err = wt_component_linker_new(engine, &linker)) ||
      (err = wt_component_linker_define_resource(linker, "host", "counter",
                                                 counter_type)) ||
      (err = wt_component_linker_define_func(linker, "host", "make", make,
                                             NULL, NULL)) ||
      (err = wt_component_linker_define_func(linker, "host", "bump", bump,
                                             NULL, NULL)) ||
      (err = wt_component_new_wat(engine, wat, &component)) ||
      (err = wt_component_linker_instantiate(linker, store, component,
                                             &instance)) ||
      (err = wt_component_instance_call(store, &instance, "run", NULL, 0,
                                        &result, 1, NULL)))
    fprintf(stderr, "error (%s): %s\n", wt_error_kind_name(wt_error_kind(err)),
            wt_error_message(err));
  else
    printf("run() = %u\n", result.of.u32);
  wt_component_delete(component);
  wt_component_linker_delete(linker);
  wt_resource_type_delete(counter_type);
  wt_store_delete(store);
  wt_engine_delete(engine);
  wt_error_delete(err);
  return err ? 1 : 0;
}
