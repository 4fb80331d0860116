/* Arbitrary text as WAT: compile (and validate) it. wt must never crash, and
 * a module that compiles must also validate. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  wt_engine_t *engine = fuzz_engine();
  char *text = malloc(size + 1);
  if (!text)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  wt_module_t *module = NULL;
  wt_error_t *err = wt_module_new_wat(engine, text, &module);
  if (!err) {
    MUST(wt_module_validate(engine, (const uint8_t *)text, strlen(text)));
    for (size_t i = 0; i < wt_module_import_count(module); i++) {
      char buf[256];
      wt_externtype_text(&wt_module_import(module, i)->type, buf, sizeof buf);
    }
    wt_module_delete(module);
  }
  check_error(err);
  free(text);
  return 0;
}
