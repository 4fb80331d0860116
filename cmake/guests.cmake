# Guest components for the tests: C compiled for wasm32-wasi with clang and
# wasi-libc (as tests/wasi/ is), against the bindings wit-bindgen generates
# from a WIT world, and made a component by `wasm-tools component new`,
# with one of Wasmtime's WASI preview 1 adapters when the program uses WASI.
# The three tools are installed by scripts/install-tools.sh (which
# install-deps.sh, and so ./build.sh, ./test.sh and .ci/run, call) into
# WT_GUEST_TOOLS_DIR, one directory per version. Included from
# tests/CMakeLists.txt.
#
# Without the tools the configure step stops, so that no test that needs a
# guest is silently missing: install them, or configure with -DWT_GUESTS=OFF
# to build without those tests.
#
#   wt_add_guest_component(NAME [WIT <dir> WORLD <world>] SOURCES <c files>
#                          [ADAPTER reactor|command])
#
# builds ${WT_GUEST_DIR}/NAME.wasm (target guest_NAME, part of `all` and of
# the target guest_components). With WIT, `wit-bindgen c <dir> --world
# <world>` writes <world>.h, <world>.c and <world>_component_type.o (the
# world's type, a custom section that `component new` reads) into
# ${WT_GUEST_DIR}/NAME/; the sources include <world>.h. Without ADAPTER
# or with ADAPTER reactor the program is a library (-mexec-model=reactor);
# with ADAPTER command it is a program with main(). Without ADAPTER the
# core module must import nothing from wasi_snapshot_preview1 (else
# `component new` fails); with one, the WASI functions the module imports
# become WASI 0.2 imports of the component (none, when it calls none).
option(WT_GUESTS "Build the guest components and the tests that load them"
  ON)
set(WT_GUEST_DIR "${CMAKE_CURRENT_BINARY_DIR}/guests")
set(WT_GUESTS_READY FALSE)
if(NOT WT_GUESTS)
  message(STATUS "wt: guest components off (WT_GUESTS=OFF)")
  return()
endif()

# The pinned versions: scripts/install-tools.sh and the adapters' manifest
# are where they are defined.
set(wt_tools_script "${PROJECT_SOURCE_DIR}/scripts/install-tools.sh")
set(wt_adapters_manifest "${PROJECT_SOURCE_DIR}/tests/guests/adapters/Cargo.toml")
file(STRINGS "${wt_tools_script}" wt_tool_lines
  REGEX "^(wasm_tools|wit_bindgen)_version=")
foreach(line IN LISTS wt_tool_lines)
  if(line MATCHES "^([a-z_]+)_version=([0-9.]+)$")
    set(wt_${CMAKE_MATCH_1}_version "${CMAKE_MATCH_2}")
  endif()
endforeach()
file(STRINGS "${wt_adapters_manifest}" wt_adapter_line
  REGEX "^wasi-preview1-component-adapter-provider = ")
string(REGEX REPLACE ".*\"=([0-9.]+)\".*" "\\1" wt_adapters_version
  "${wt_adapter_line}")
if(NOT wt_wasm_tools_version OR NOT wt_wit_bindgen_version
   OR NOT wt_adapters_version MATCHES "^[0-9.]+$")
  message(FATAL_ERROR "wt: no tool versions in ${wt_tools_script} or "
    "${wt_adapters_manifest}")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  "${wt_tools_script}" "${wt_adapters_manifest}")

# The cache scripts/install-tools.sh and native/build.sh use.
if(DEFINED ENV{WT_CACHE_DIR} AND NOT "$ENV{WT_CACHE_DIR}" STREQUAL "")
  set(wt_cache "$ENV{WT_CACHE_DIR}")
elseif(DEFINED ENV{XDG_CACHE_HOME} AND NOT "$ENV{XDG_CACHE_HOME}" STREQUAL "")
  set(wt_cache "$ENV{XDG_CACHE_HOME}/wt")
else()
  set(wt_cache "$ENV{HOME}/.cache/wt")
endif()
set(WT_GUEST_TOOLS_DIR "${wt_cache}/tools" CACHE PATH
  "Where scripts/install-tools.sh installs wasm-tools, wit-bindgen and the WASI adapters")

find_program(WT_WASM_TOOLS wasm-tools
  HINTS "${WT_GUEST_TOOLS_DIR}/wasm-tools-${wt_wasm_tools_version}/bin")
find_program(WT_WIT_BINDGEN wit-bindgen
  HINTS "${WT_GUEST_TOOLS_DIR}/wit-bindgen-cli-${wt_wit_bindgen_version}/bin")
find_file(WT_WASI_ADAPTER_REACTOR wasi_snapshot_preview1.reactor.wasm
  HINTS "${WT_GUEST_TOOLS_DIR}/wasi-adapters-${wt_adapters_version}"
  NO_DEFAULT_PATH)
find_file(WT_WASI_ADAPTER_COMMAND wasi_snapshot_preview1.command.wasm
  HINTS "${WT_GUEST_TOOLS_DIR}/wasi-adapters-${wt_adapters_version}"
  NO_DEFAULT_PATH)
find_program(WT_WASM_CLANG NAMES clang clang-14)

# A tool that is missing, or reports another version, is named in
# wt_guest_missing.
set(wt_guest_missing "")
function(wt_check_tool var prog want)
  if(NOT ${var})
    set(problem "${prog} ${want}")
  else()
    execute_process(COMMAND "${${var}}" --version OUTPUT_VARIABLE got
      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
    if(rc EQUAL 0 AND got MATCHES " ${want}$")
      return()
    endif()
    set(problem "${prog} ${want} (${${var}} reports \"${got}\")")
  endif()
  set(wt_guest_missing ${wt_guest_missing} "${problem}" PARENT_SCOPE)
endfunction()
wt_check_tool(WT_WASM_TOOLS wasm-tools "${wt_wasm_tools_version}")
wt_check_tool(WT_WIT_BINDGEN wit-bindgen "${wt_wit_bindgen_version}")
if(NOT WT_WASI_ADAPTER_REACTOR OR NOT WT_WASI_ADAPTER_COMMAND)
  list(APPEND wt_guest_missing "the WASI adapters ${wt_adapters_version}")
endif()
if(NOT WT_WASM_CLANG OR NOT EXISTS /usr/lib/wasm32-wasi/libc.a)
  list(APPEND wt_guest_missing "clang with wasi-libc (Debian: clang lld wasi-libc libclang-rt-14-dev-wasm32)")
endif()
if(wt_guest_missing)
  string(REPLACE ";" ", " wt_guest_missing "${wt_guest_missing}")
  message(FATAL_ERROR "wt: the tests' guest components cannot be built: "
    "missing ${wt_guest_missing} (looked in WT_GUEST_TOOLS_DIR="
    "${WT_GUEST_TOOLS_DIR}). Run `sh scripts/install-tools.sh` (./build.sh "
    "does, through scripts/install-deps.sh; the first time it compiles the "
    "tools with cargo, about 10 minutes), or configure with -DWT_GUESTS=OFF "
    "to build without the tests that need them.")
endif()
set(WT_GUESTS_READY TRUE)
# bench/ (configured after tests/) times calls of the bench guest.
set(WT_GUEST_BENCH "${WT_GUEST_DIR}/bench.wasm" CACHE INTERNAL
  "the bench guest component, for bench/")
message(STATUS "wt: guest components with wasm-tools ${wt_wasm_tools_version}, "
  "wit-bindgen ${wt_wit_bindgen_version}, WASI adapters ${wt_adapters_version}")

add_custom_target(guest_components ALL)

set(wt_guest_cflags -O2 -Wall -Wextra)
if(WT_WERROR)
  list(APPEND wt_guest_cflags -Werror)
endif()

function(wt_add_guest_component name)
  cmake_parse_arguments(PARSE_ARGV 1 g "" "WIT;WORLD;ADAPTER" "SOURCES")
  if(g_UNPARSED_ARGUMENTS OR NOT g_SOURCES)
    message(FATAL_ERROR "wt_add_guest_component(${name}): expected "
      "[WIT <dir> WORLD <world>] SOURCES <files> [ADAPTER reactor|command], "
      "got ${ARGN}")
  endif()
  if(g_WIT AND NOT g_WORLD OR g_WORLD AND NOT g_WIT)
    message(FATAL_ERROR "wt_add_guest_component(${name}): WIT and WORLD go together")
  endif()
  set(exec_model -mexec-model=reactor)
  set(adapt "")
  set(adapter_file "")
  if(g_ADAPTER STREQUAL "reactor")
    set(adapter_file "${WT_WASI_ADAPTER_REACTOR}")
  elseif(g_ADAPTER STREQUAL "command")
    set(adapter_file "${WT_WASI_ADAPTER_COMMAND}")
    set(exec_model "")
  elseif(g_ADAPTER)
    message(FATAL_ERROR "wt_add_guest_component(${name}): ADAPTER is "
      "reactor or command, not ${g_ADAPTER}")
  endif()
  if(adapter_file)
    set(adapt --adapt "wasi_snapshot_preview1=${adapter_file}")
  endif()

  set(dir "${WT_GUEST_DIR}/${name}")
  file(MAKE_DIRECTORY "${dir}")
  set(objects "")
  set(headers "")
  set(includes "")
  if(g_WIT)
    get_filename_component(wit "${g_WIT}" ABSOLUTE)
    file(GLOB wit_files CONFIGURE_DEPENDS "${wit}/*.wit" "${wit}/deps/*/*.wit")
    string(REPLACE "-" "_" stem "${g_WORLD}")
    set(header "${dir}/${stem}.h")
    set(glue "${dir}/${stem}.c")
    set(type_object "${dir}/${stem}_component_type.o")
    add_custom_command(OUTPUT "${header}" "${glue}" "${type_object}"
      COMMAND "${WT_WIT_BINDGEN}" c "${wit}" --world "${g_WORLD}"
        --out-dir "${dir}"
      DEPENDS ${wit_files} "${WT_WIT_BINDGEN}"
      COMMENT "wit-bindgen: ${g_WORLD} bindings for ${name}"
      VERBATIM)
    # The generated glue is not held to the warning flags.
    add_custom_command(OUTPUT "${dir}/${stem}.glue.o"
      COMMAND "${WT_WASM_CLANG}" --target=wasm32-wasi -O2 -c
        -o "${dir}/${stem}.glue.o" "${glue}"
      DEPENDS "${glue}" "${header}"
      COMMENT "wasm32-wasi: ${name} bindings"
      VERBATIM)
    list(APPEND objects "${dir}/${stem}.glue.o" "${type_object}")
    set(headers "${header}")
    set(includes "-I${dir}")
  endif()
  foreach(src IN LISTS g_SOURCES)
    get_filename_component(src "${src}" ABSOLUTE)
    get_filename_component(base "${src}" NAME_WE)
    set(obj "${dir}/${base}.o")
    add_custom_command(OUTPUT "${obj}"
      COMMAND "${WT_WASM_CLANG}" --target=wasm32-wasi ${wt_guest_cflags}
        ${includes} -c -o "${obj}" "${src}"
      DEPENDS "${src}" ${headers}
      COMMENT "wasm32-wasi: ${name}: ${base}.c"
      VERBATIM)
    list(APPEND objects "${obj}")
  endforeach()

  set(core "${dir}/${name}.core.wasm")
  set(out "${WT_GUEST_DIR}/${name}.wasm")
  add_custom_command(OUTPUT "${core}"
    COMMAND "${WT_WASM_CLANG}" --target=wasm32-wasi ${exec_model}
      -o "${core}" ${objects}
    DEPENDS ${objects}
    COMMENT "wasm32-wasi: ${name} core module"
    VERBATIM)
  add_custom_command(OUTPUT "${out}"
    COMMAND "${WT_WASM_TOOLS}" component new "${core}" ${adapt} -o "${out}"
    DEPENDS "${core}" ${adapter_file} "${WT_WASM_TOOLS}"
    COMMENT "wasm-tools: ${name}.wasm component"
    VERBATIM)
  add_custom_target(guest_${name} DEPENDS "${out}")
  add_dependencies(guest_components guest_${name})
endfunction()
