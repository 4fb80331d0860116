/* externref: host data travelling through wasm globals, tables and calls. */
#include <stdio.h>
#include <wt.h>

static const char *wat =
    "(module\n"
    "  (table (export \"table\") 2 externref)\n"
    "  (global (export \"global\") (mut externref) (ref.null extern))\n"
    "  (func (export \"id\") (param externref) (result externref)\n"
    "    (local.get 0)))";

static void release(void *data) { printf("released \"%s\"\n", (char *)data); }

static wt_error_t *show(wt_store_t *store, const char *where,
                        const wt_val_t *v) {
  void *data = NULL;
  wt_error_t *err = wt_externref_data(store, v, &data);
  if (!err)
    printf("%s: \"%s\"\n", where, data ? (char *)data : "(null)");
  return err;
}

int main(void) {
  wt_engine_t *engine = NULL;
  wt_store_t *store = NULL;
  wt_linker_t *linker = NULL;
  wt_module_t *module = NULL;
  wt_instance_t inst;
  wt_table_t table;
  wt_global_t global;
  wt_val_t ref, v;
  wt_error_t *err;
  if (!(err = wt_engine_new(NULL, &engine)) &&
      !(err = wt_store_new(engine, NULL, NULL, &store)) &&
      !(err = wt_linker_new(engine, &linker)) &&
      !(err = wt_module_new_wat(engine, wat, &module)) &&
      !(err = wt_linker_instantiate(linker, store, module, &inst)) &&
      !(err = wt_instance_table(store, &inst, "table", &table)) &&
      !(err = wt_instance_global(store, &inst, "global", &global)) &&
      !(err = wt_externref_new(store, "Hello, World!", release, &ref))) {
    if (!(err = show(store, "created", &ref)) &&
        !(err = wt_table_set(store, &table, 1, &ref)) &&
        !(err = wt_table_get(store, &table, 1, &v)) &&
        !(err = show(store, "table[1]", &v)) &&
        !(err = wt_global_set(store, &global, &ref)) &&
        !(err = wt_global_get(store, &global, &v)) &&
        !(err = show(store, "global", &v)) &&
        !(err = wt_instance_call(store, &inst, "id", &ref, 1, &v, 1)))
      err = show(store, "id(ref)", &v);
  }
  if (err)
    fprintf(stderr, "error: %s\n", wt_error_message(err));
  wt_module_delete(module);
  wt_linker_delete(linker);
  wt_store_delete(store); /* the last holder: the finalizer runs here */
  wt_engine_delete(engine);
  wt_error_delete(err);
  return err ? 1 : 0;
}
