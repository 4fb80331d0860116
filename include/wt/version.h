/**
 * @file wt/version.h
 * @brief wt's version and the Wasmtime release it is built against.
 *
 * This file is the one place these versions are defined: the build reads
 * them from here (CMake's project version and the pinned Wasmtime release
 * both come from these lines).
 */
#ifndef WT_VERSION_H
#define WT_VERSION_H

/** wt's major version: changes that break the API or ABI. */
#define WT_VERSION_MAJOR 0
/** wt's minor version: additions. */
#define WT_VERSION_MINOR 1
/** wt's patch version: fixes. */
#define WT_VERSION_PATCH 0
/** wt's version as text, "MAJOR.MINOR.PATCH". */
#define WT_VERSION_STRING "0.1.0"
/**
 * wt's version as one number for `#if` checks: MAJOR * 10000 + MINOR * 100 +
 * PATCH, so 0.1.0 is 100 and 1.2.3 is 10203.
 */
#define WT_VERSION_NUMBER                                                      \
  (WT_VERSION_MAJOR * 10000 + WT_VERSION_MINOR * 100 + WT_VERSION_PATCH)

/** The Wasmtime release wt is built against; the build refuses any other. */
#define WT_WASMTIME_VERSION "48.0.8"

#endif /* WT_VERSION_H */
