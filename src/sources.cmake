# The C sources of libwt, relative to the top of the source tree. The top-level
# CMakeLists.txt includes this file; add new files of src/ here.
set(WT_SOURCES
  src/config.c src/engine.c src/error.c src/func.c src/global.c src/instance.c
  src/kinds.c src/linker.c src/memory.c src/module.c src/ref.c src/retire.c
  src/shared_memory.c src/sig.c src/store.c src/str.c src/table.c src/tag.c
  src/types.c src/val.c src/wasi.c)
