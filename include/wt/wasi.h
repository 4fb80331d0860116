/**
 * @file wt/wasi.h
 * @brief WASI (src/wasi.c): what a program sees of the world, for core
 * modules (preview 1) and for components (preview 2), from one wt_wasi_t.
 *
 * Include <wt.h>, not this file.
 */
#ifndef WT_WASI_H
#define WT_WASI_H

#include "component.h"
#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================== */
/* WASI (src/wasi.c)                                                         */
/* ======================================================================== */

/**
 * A WASI configuration. Like wt_config_t it is a set of recorded settings,
 * read (not kept) by wt_store_set_wasi(), so one may serve many stores.
 * Setters return true when the setting is accepted and false for a rejected
 * one (a NULL config, NULL or non-UTF-8 strings, a preopen that is not a
 * directory), which wt_store_set_wasi() then reports. By default a program
 * gets no arguments, no environment, empty stdin, discarded stdout and
 * stderr, and no files. Owned by the caller; freed with wt_wasi_delete().
 * Use it from one thread at a time.
 */
typedef struct wt_wasi wt_wasi_t;

/** An output stream of a WASI program. */
typedef enum wt_wasi_stream {
  WT_WASI_STREAM_STDOUT = 1, /**< standard output */
  WT_WASI_STREAM_STDERR = 2, /**< standard error */
} wt_wasi_stream_t;

/** A new, empty WASI configuration; NULL only when out of memory. */
WT_API wt_wasi_t *wt_wasi_new(void);
/** Frees the configuration. NULL and a deleted one are ignored. Stores
 * given a context from it are unaffected. */
WT_API void wt_wasi_delete(wt_wasi_t *wasi);
/** The first rejected setting's message, or NULL. Owned by the config.
 * "not a live wt_wasi_t" for a NULL or deleted one. */
WT_API const char *wt_wasi_rejected(const wt_wasi_t *wasi);
/** Sets the arguments, copied (argv[0] is, by convention, the program's
 * name). */
WT_API bool wt_wasi_set_args(wt_wasi_t *wasi, size_t argc,
                             const char *const *argv);
/** Passes the host process's own arguments through, instead of
 * wt_wasi_set_args(). */
WT_API bool wt_wasi_inherit_args(wt_wasi_t *wasi);
/** Adds one environment variable, copied. */
WT_API bool wt_wasi_add_env(wt_wasi_t *wasi, const char *name,
                            const char *value);
/** Passes the host process's environment through (before any
 * wt_wasi_add_env()). */
WT_API bool wt_wasi_inherit_env(wt_wasi_t *wasi);
/** The program's stdin reads these bytes (copied). */
WT_API bool wt_wasi_set_stdin_bytes(wt_wasi_t *wasi, const void *bytes,
                                    size_t len);
/** The program's stdin reads this file (opened by wt_store_set_wasi()). */
WT_API bool wt_wasi_set_stdin_file(wt_wasi_t *wasi, const char *path);
/** The program's stdin, stdout and stderr are the host's. */
WT_API bool wt_wasi_inherit_stdio(wt_wasi_t *wasi);
/** The stream goes to the host's own stdout or stderr. */
WT_API bool wt_wasi_set_output_inherit(wt_wasi_t *wasi,
                                       wt_wasi_stream_t stream);
/** The stream is written to this file (created or truncated by
 * wt_store_set_wasi()). */
WT_API bool wt_wasi_set_output_file(wt_wasi_t *wasi, wt_wasi_stream_t stream,
                                    const char *path);
/** The stream is captured in memory; read it with wt_store_wasi_output(). */
WT_API bool wt_wasi_set_output_capture(wt_wasi_t *wasi,
                                       wt_wasi_stream_t stream);
/**
 * Lets the program see the host directory `host_dir` as `guest_dir`, read
 * only or, when `writable`, read and write. Paths outside the preopened
 * directories cannot be reached.
 */
WT_API bool wt_wasi_add_preopen(wt_wasi_t *wasi, const char *host_dir,
                                const char *guest_dir, bool writable);

/**
 * Lets the program use the host's network through wasi:sockets (preview 2
 * components only; preview 1 has no sockets): it may create TCP and UDP
 * sockets and connect or bind them to any address the host can reach. Off
 * by default, when creating a socket fails with access-denied. Name lookup
 * does not depend on it: wt_wasi_allow_ip_name_lookup() alone decides it.
 * Returns false for a NULL or deleted configuration.
 */
WT_API bool wt_wasi_inherit_network(wt_wasi_t *wasi);
/**
 * Whether wasi:sockets/ip-name-lookup may resolve names through the host's
 * resolver, with or without wt_wasi_inherit_network() (off by default:
 * lookups fail with permanent-resolver-failure). Returns false for a NULL
 * or deleted configuration.
 */
WT_API bool wt_wasi_allow_ip_name_lookup(wt_wasi_t *wasi, bool allow);

/**
 * Gives the store a WASI context built from `wasi`. Replaces any earlier
 * one, and empties captured output.
 * Ownership: `wasi` is borrowed (read, not kept).
 * Fails: WT_ERROR_MISUSE for a bad store, a NULL or deleted config, or a
 * setting it rejected; WT_ERROR_IO when a file cannot be opened.
 */
WT_API WT_NODISCARD wt_error_t *wt_store_set_wasi(wt_store_t *store,
                                                  const wt_wasi_t *wasi);
/**
 * Bytes the program wrote to a captured stream so far. The pointer is owned
 * by the store and valid until the next call into wasm or
 * wt_store_set_wasi(). NULL with *len 0 when the stream is not captured or
 * on misuse.
 */
WT_API const uint8_t *wt_store_wasi_output(wt_store_t *store,
                                           wt_wasi_stream_t stream,
                                           size_t *len);
/**
 * Defines the WASI preview 1 functions ("wasi_snapshot_preview1"). A store
 * used with this linker without wt_store_set_wasi() gets an empty context.
 * Fails: WT_ERROR_MISUSE for a NULL or deleted linker; WT_ERROR_LINK when
 * the names are already defined and shadowing is off.
 */
WT_API WT_NODISCARD wt_error_t *wt_linker_define_wasi(wt_linker_t *linker);
/**
 * Runs a WASI command: instantiates `module` through `linker` in `store`
 * (which needs wt_store_set_wasi()) and calls its `_start`. Returning from
 * `_start` or calling proc_exit(0) is success (NULL). The instance stays
 * callable afterwards.
 * Fails: WT_ERROR_EXIT carrying n (wt_error_exit_status()) for proc_exit(n)
 * with n != 0; WT_ERROR_TRAP for a trap; as wt_linker_instantiate() and
 * wt_instance_func() otherwise. Other calls (wt_func_call(),
 * wt_instance_call()) report every proc_exit, proc_exit(0) included, as
 * WT_ERROR_EXIT with its status: the call did not return.
 */
WT_API WT_NODISCARD wt_error_t *wt_wasi_run(const wt_linker_t *linker,
                                            wt_store_t *store,
                                            const wt_module_t *module);

/**
 * Defines the WASI preview 2 interfaces (wasi:cli, wasi:clocks,
 * wasi:filesystem, wasi:io, wasi:random, wasi:sockets, at version 0.2.x,
 * matched by semver) for components. The same wt_wasi_t settings as for
 * preview 1 apply, through wt_store_set_wasi(); a store instantiated with
 * this linker without wt_store_set_wasi() gets an empty context (no
 * arguments, environment, files or network; stdin empty, outputs
 * discarded).
 * Fails: WT_ERROR_MISUSE for a NULL or deleted linker; WT_ERROR_LINK when
 * the names are already defined and shadowing is off.
 */
WT_API WT_NODISCARD wt_error_t *
wt_component_linker_define_wasi(wt_component_linker_t *linker);
/**
 * Defines wasi:http for components: the interfaces `wasi:http/types` and
 * `wasi:http/outgoing-handler` at version 0.2.x (matched by semver), so a
 * component can send HTTP requests. `wasi:http/incoming-handler` (serving
 * requests) is not defined: wt has no HTTP server.
 *
 * wasi:http reaches the network, so a store instantiates through this
 * linker only when its WASI settings allow the network
 * (wt_store_set_wasi() with wt_wasi_inherit_network()); otherwise
 * wt_component_linker_instantiate() fails with WT_ERROR_MISUSE before
 * anything runs. The first such instantiation gives the store its HTTP
 * context, with the WASI context, so no wasi:http call finds its store
 * without one (Wasmtime would abort the process). The store keeps the HTTP
 * context: a later wt_store_set_wasi() replaces the WASI context (and with
 * it the requests and responses a component holds, which live in its
 * resource table) but does not take HTTP away.
 *
 * What a guest can reach: a component instantiated through the linker in
 * such a store may send HTTP and HTTPS requests to any host and port the
 * machine can reach: loopback, the local network and the internet.
 * Requests are sent by Wasmtime's default client (its
 * `default_send_request`), which opens its own TCP connection to the
 * request's authority and resolves host names through the host's resolver,
 * whatever wt_wasi_allow_ip_name_lookup() says (that switch is for
 * wasi:sockets). Only these limits apply: the schemes http and https (https when the guest
 * sets no scheme), certificates checked against the Mozilla root
 * certificates compiled into Wasmtime (not the system's store), the
 * headers Wasmtime forbids a guest to set (`host`, which it sets from the
 * authority, `connection`, `keep-alive`, `proxy-authenticate`,
 * `proxy-authorization`, `proxy-connection`, `transfer-encoding`,
 * `upgrade`, `http2-settings`), and timeouts of 600 s for connecting, the
 * first byte and between bytes unless the guest asks for shorter ones. A
 * request that fails (refused, unreachable, timed out, a protocol error)
 * is an error-code the guest receives, not a wt error: the store stays
 * usable. Define wasi:http only for components trusted with the network.
 *
 * While a guest waits for a response (blocking on a pollable) it is in
 * Wasmtime's host code, which epoch deadlines, and so
 * wt_store_set_timeout(), do not interrupt: the deadline takes effect
 * when the wait ends and wasm runs again.
 *
 * Ownership: `linker` is borrowed; the definitions live as long as it
 * does.
 * Fails: WT_ERROR_MISUSE for a NULL or deleted linker, or a linker
 * without wt_component_linker_define_wasi() (wasi:http's types are built
 * on wasi:io's streams and pollables); (later, at instantiation)
 * WT_ERROR_MISUSE for a store whose WASI settings do not allow the
 * network; WT_ERROR_LINK when the names are
 * already defined and shadowing is off.
 * Threads: the linker from one thread at a time; requests run on
 * Wasmtime's own I/O threads while the calling thread waits in the
 * guest's poll.
 */
WT_API WT_NODISCARD wt_error_t *
wt_component_linker_define_wasi_http(wt_component_linker_t *linker);
/**
 * Runs a `wasi:cli/run` component: instantiates `component` through
 * `linker` (with wt_component_linker_define_wasi()) in `store` and calls
 * `run` of its export `wasi:cli/run@0.2.x`. `run` returning ok, or the
 * program exiting with status 0, is success (NULL).
 * Fails: WT_ERROR_EXIT with status 1 when `run` returns err or the program
 * exits with a failure (WASI 0.2's exit carries only ok or err, so an
 * adapted preview 1 program's proc_exit(3) reads as 1); WT_ERROR_TRAP for a
 * trap; WT_ERROR_NOT_FOUND when the component exports no
 * `wasi:cli/run@0.2.x`; as wt_component_linker_instantiate() otherwise.
 */
WT_API WT_NODISCARD wt_error_t *
wt_wasi_run_component(const wt_component_linker_t *linker, wt_store_t *store,
                      const wt_component_t *component);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WT_WASI_H */
