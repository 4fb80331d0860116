/* Value and extern kinds: their names, and the kind of a Wasmtime value
 * type. */
#include "internal.h"

/* ---- names ---- */

const char *wt_valkind_name(wt_valkind_t kind) {
  switch (kind) {
  case WT_VAL_I32:
    return "i32";
  case WT_VAL_I64:
    return "i64";
  case WT_VAL_F32:
    return "f32";
  case WT_VAL_F64:
    return "f64";
  case WT_VAL_V128:
    return "v128";
  case WT_VAL_FUNCREF:
    return "funcref";
  case WT_VAL_EXTERNREF:
    return "externref";
  case WT_VAL_ANYREF:
    return "anyref";
  case WT_VAL_EXNREF:
    return "exnref";
  }
  return "?";
}

const char *wt_externkind_name(wt_externkind_t kind) {
  switch (kind) {
  case WT_EXTERN_FUNC:
    return "func";
  case WT_EXTERN_GLOBAL:
    return "global";
  case WT_EXTERN_TABLE:
    return "table";
  case WT_EXTERN_MEMORY:
    return "memory";
  case WT_EXTERN_SHARED_MEMORY:
    return "shared memory";
  case WT_EXTERN_TAG:
    return "tag";
  }
  return "?";
}

/* ---- from Wasmtime's value types ---- */

/* Maps a Wasmtime value type to a wt kind; `plain` is cleared for reference
 * types wt cannot check by kind alone (non-nullable or concrete types). */
bool wt__kind_of(const wasm_valtype_t *vt, wt_valkind_t *kind, bool *plain) {
  wasmtime_valtype_t t;
  wasmtime_valtype_new(vt, &t);
  bool ok = true;
  switch (t.kind) {
  case WASMTIME_VALTYPE_KIND_I32:
    *kind = WT_VAL_I32;
    break;
  case WASMTIME_VALTYPE_KIND_I64:
    *kind = WT_VAL_I64;
    break;
  case WASMTIME_VALTYPE_KIND_F32:
    *kind = WT_VAL_F32;
    break;
  case WASMTIME_VALTYPE_KIND_F64:
    *kind = WT_VAL_F64;
    break;
  case WASMTIME_VALTYPE_KIND_V128:
    *kind = WT_VAL_V128;
    break;
  case WASMTIME_VALTYPE_KIND_REF:
    switch (t.reftype.heaptype.kind) {
    case WASMTIME_HEAPTYPE_KIND_FUNC:
    case WASMTIME_HEAPTYPE_KIND_CONCRETE_FUNC:
    case WASMTIME_HEAPTYPE_KIND_NOFUNC:
      *kind = WT_VAL_FUNCREF;
      break;
    case WASMTIME_HEAPTYPE_KIND_EXTERN:
    case WASMTIME_HEAPTYPE_KIND_NOEXTERN:
      *kind = WT_VAL_EXTERNREF;
      break;
    case WASMTIME_HEAPTYPE_KIND_EXN:
    case WASMTIME_HEAPTYPE_KIND_CONCRETE_EXN:
    case WASMTIME_HEAPTYPE_KIND_NOEXN:
      *kind = WT_VAL_EXNREF;
      break;
    default:
      *kind = WT_VAL_ANYREF;
      break;
    }
    if (!t.reftype.nullable ||
        !(t.reftype.heaptype.kind == WASMTIME_HEAPTYPE_KIND_FUNC ||
          t.reftype.heaptype.kind == WASMTIME_HEAPTYPE_KIND_EXTERN ||
          t.reftype.heaptype.kind == WASMTIME_HEAPTYPE_KIND_ANY ||
          t.reftype.heaptype.kind == WASMTIME_HEAPTYPE_KIND_EXN))
      *plain = false;
    break;
  default:
    ok = false;
  }
  wasmtime_valtype_delete(&t);
  return ok;
}
