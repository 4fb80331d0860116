# The API reference, built by Doxygen from the public headers (docs/Doxyfile):
#   cmake --build build --target docs      (build/docs/html/index.html)
# and the ctest test `doxygen`, which fails when Doxygen prints any warning.
# Both need the doxygen program (Debian package doxygen); without it neither
# exists. Included from the top-level CMakeLists.txt.
find_program(WT_DOXYGEN doxygen)
if(WT_DOXYGEN)
  set(wt_doxygen_script "${PROJECT_SOURCE_DIR}/docs/doxygen.sh")
  set(wt_doxyfile "${PROJECT_SOURCE_DIR}/docs/Doxyfile")
  # A parent project may have its own `docs`.
  if(PROJECT_IS_TOP_LEVEL)
    set(wt_docs_target docs)
  else()
    set(wt_docs_target wt_docs)
  endif()
  add_custom_target(${wt_docs_target}
    COMMAND sh "${wt_doxygen_script}" "${WT_DOXYGEN}" "${wt_doxyfile}"
      "${PROJECT_SOURCE_DIR}" "${PROJECT_BINARY_DIR}/docs" "${PROJECT_VERSION}"
    COMMENT "Doxygen: the API reference in ${PROJECT_BINARY_DIR}/docs/html"
    VERBATIM)
  if(WT_BUILD_TESTS)
    add_test(NAME doxygen COMMAND sh "${wt_doxygen_script}" --check
      "${WT_DOXYGEN}" "${wt_doxyfile}" "${PROJECT_SOURCE_DIR}"
      "${PROJECT_BINARY_DIR}/docs-check" "${PROJECT_VERSION}")
    set_tests_properties(doxygen PROPERTIES TIMEOUT 300)
  endif()
endif()
