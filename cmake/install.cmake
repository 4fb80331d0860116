# Installs the headers, both libraries (libwasmtime.a beside the static one),
# the CMake package (find_package(wt): wt::wt and wt::wt_static) and the
# pkg-config files (wt for the shared library, wt-static for the static one).
# Included from the top-level CMakeLists.txt.
include(CMakePackageConfigHelpers)

set(wt_cmake_dir "${CMAKE_INSTALL_LIBDIR}/cmake/wt")
set(wt_pkgconfig_dir "${CMAKE_INSTALL_LIBDIR}/pkgconfig")

install(FILES include/wt.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/wt DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h")
install(TARGETS wt_static wt_shared EXPORT wtTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES "${wasmtime_lib}" DESTINATION ${wt_wasmtime_install_dir})

# ---- CMake package ----------------------------------------------------------
install(EXPORT wtTargets NAMESPACE wt:: FILE wtTargets.cmake
  DESTINATION ${wt_cmake_dir})
configure_package_config_file(cmake/wtConfig.cmake.in
  "${CMAKE_CURRENT_BINARY_DIR}/wtConfig.cmake"
  INSTALL_DESTINATION ${wt_cmake_dir})
# 0.x: a new minor version may break the API, so only the same minor matches.
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/wtConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/wtConfig.cmake"
  "${CMAKE_CURRENT_BINARY_DIR}/wtConfigVersion.cmake"
  DESTINATION ${wt_cmake_dir})

# ---- pkg-config ---------------------------------------------------------------
# The .pc files find the prefix from their own place (${pcfiledir}), so an
# installed tree can move and DESTDIR staging works. The way up from
# <libdir>/pkgconfig to the prefix has as many ".." as that path has parts:
# three for lib/x86_64-linux-gnu/pkgconfig. An absolute libdir or includedir
# is written as it is (such a tree cannot move).
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(WT_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(WT_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  # A made-up root: only the relative way from one place to the other counts.
  set(root "/wt-prefix")
  get_filename_component(pcdir "${root}/${wt_pkgconfig_dir}" ABSOLUTE)
  file(RELATIVE_PATH up "${pcdir}" "${root}")
  string(REGEX REPLACE "/$" "" up "${up}")
  if(up STREQUAL "")
    set(up ".")
  endif()
  set(WT_PC_PREFIX "\${pcfiledir}/${up}")
  set(WT_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(WT_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(WT_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
set(WT_PC_SYSTEM_LIBS "-lpthread")
foreach(lib ${CMAKE_DL_LIBS} m)
  string(APPEND WT_PC_SYSTEM_LIBS " -l${lib}")
endforeach()
foreach(pc wt wt-static)
  configure_file(cmake/${pc}.pc.in ${pc}.pc @ONLY)
  install(FILES "${CMAKE_CURRENT_BINARY_DIR}/${pc}.pc"
    DESTINATION ${wt_pkgconfig_dir})
endforeach()
