/**
 * @file wt.h
 * @brief wt: a safe, short and fast C API over the Wasmtime WebAssembly
 * runtime. The one header a program includes.
 *
 * This header and the headers it includes are the whole public API:
 * anything not declared in them is internal and may change. They are, in
 * reading order:
 *
 *  - <wt/version.h>: wt's version and the pinned Wasmtime release;
 *  - <wt/core.h>: the stable core: errors, config, engine, values, types,
 *    store, module, linker, instance, host functions and calls, global,
 *    memory, shared memory, table, tag, GC references;
 *  - <wt/gc.h>: GC objects and exceptions: struct and array types,
 *    structs, arrays, what an anyref holds, exceptions thrown and caught
 *    across the host boundary;
 *  - <wt/component.h>: the component model: components, component
 *    linkers with host functions, modules and resources, instances, WIT
 *    values and calls, resources;
 *  - <wt/component_type.h>: the types of components, their imports and
 *    exports and WIT values, written as WIT;
 *  - <wt/wasi.h>: WASI, preview 1 for modules and preview 2 and wasi:http
 *    for components, from one configuration;
 *  - <wt/tuning.h>: ADVANCED: compiler, memory and allocator knobs and the
 *    raw fast paths, stable only within a minor version.
 *
 * Each header's sections follow the source files of src/, one concept a
 * section; docs/design.md maps them.
 *
 * @section conventions Conventions
 *
 * These hold for every declaration unless its own comment says otherwise.
 *
 *  - Errors. Fallible functions return `wt_error_t *`: NULL on success,
 *    otherwise an error that the caller owns and frees with
 *    wt_error_delete(). The compiler warns when such a result is dropped.
 *    Each function's `Fails:` line lists the kinds it returns; any of them
 *    may also return WT_ERROR_WASMTIME with "out of memory" when an
 *    allocation fails. Out parameters are written only on success: when a
 *    call fails, every one of them keeps what it held before the call.
 *  - Finalizers. A function that takes a `finalizer` with the caller's data
 *    (`data` or `env`) takes charge of that data in every case. When the
 *    call succeeds, the finalizer runs exactly once with it, later, as the
 *    function's comment says (when the store, the definition or the
 *    reference is dropped, or the data is replaced). When the call fails,
 *    whatever the reason, the finalizer runs at once with the data, before
 *    the call returns. The caller never frees the data itself. A NULL
 *    finalizer is never called.
 *  - Misuse (a NULL argument, a deleted object, an object of another store
 *    or engine, a value of the wrong type, a wrong count, an out-of-range
 *    index) returns an error of kind WT_ERROR_MISUSE whose message names
 *    the function and what was wrong. wt never lets such a call reach
 *    Wasmtime, where it could abort the process. Functions that cannot
 *    return an error answer misuse with the neutral value their comment
 *    gives (NULL, 0, false) or ignore it.
 *  - Strings are NUL-terminated UTF-8 and are copied: wt never keeps a
 *    pointer to memory the caller passed in.
 *  - Ownership. Objects returned through `T **out` (config, engine, store,
 *    module, linker, instance pre, shared memory, WASI config, error) are
 *    the caller's, freed with the matching `wt_T_delete`, which accepts
 *    NULL. Items of a store (wt_func_t, wt_instance_t, wt_memory_t, ...)
 *    are small handles that the store owns: they need no freeing and are
 *    valid as long as their store lives. Using one with another store, or
 *    after its store was deleted, is detected and reported as misuse.
 *  - Threads. Engines, modules, instance pres and shared memories may be
 *    used from any thread at once; a store, and everything in it, from one
 *    thread at a time; configs, linkers and WASI configs from one thread at
 *    a time.
 *  - Names. Functions are `wt_<object>_<verb>` (wt_store_new,
 *    wt_memory_grow). A setter is `wt_<object>_set_<property>` and its
 *    getter is `wt_<object>_<property>`, without `get` (wt_store_set_fuel,
 *    wt_store_fuel). Types are `wt_<object>_t`. A family of constants is an
 *    enum `wt_<family>_t` whose members are `WT_<FAMILY>_<NAME>`, where the
 *    family drops a trailing "kind" or "code": WT_VAL_I32 (wt_valkind_t),
 *    WT_EXTERN_FUNC (wt_externkind_t), WT_ERROR_TRAP (wt_error_kind_t),
 *    WT_TRAP_UNREACHABLE (wt_trap_code_t), WT_OPT_LEVEL_SPEED
 *    (wt_opt_level_t). Private fields end in `_`.
 *
 * wt is GNU C (C11 with GNU extensions) on Linux.
 */
#ifndef WT_H
#define WT_H

#include "wt/version.h"
#include "wt/core.h"
#include "wt/gc.h"
#include "wt/component.h"
#include "wt/component_type.h"
#include "wt/wasi.h"
#include "wt/tuning.h"

#endif /* WT_H */
