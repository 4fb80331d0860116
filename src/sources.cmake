# The C sources of libwt, relative to the top of the source tree. The top-level
# CMakeLists.txt includes this file; add new files of src/ here.
# They are listed in the order of the header's sections (include/wt/core.h,
# then gc.h, then wasi.h; tuning.h's sections belong to config.c and
# func.c), followed by the internal helpers that have no section.
set(WT_SOURCES
  src/error.c src/config.c src/engine.c
  src/val.c src/kinds.c
  src/types.c src/sig.c
  src/store.c src/module.c src/linker.c src/instance.c src/func.c
  src/global.c src/memory.c src/shared_memory.c src/table.c src/tag.c
  src/ref.c
  src/gc.c src/exn.c
  src/wasi.c src/component.c src/component_linker.c src/component_val.c
  src/component_resource.c
  src/component_type.c
  src/bytes.c src/str.c src/retire.c src/stack.c)
