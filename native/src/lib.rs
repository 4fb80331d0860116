//! Re-exports every `extern "C"` symbol of Wasmtime's C API so that the
//! static and shared libraries built from this crate carry them, and adds
//! what wt needs that the C API lacks: an engine constructor that reports a
//! rejected configuration instead of aborting, a component compiler that
//! reports a panic inside Wasmtime (an assertion of its validator) as an
//! error instead of aborting, the trap code of an error (the C API
//! gives it for `wasm_trap_t` only, while component calls report traps as
//! `wasmtime_error_t`), and a switch that lets a WASI configuration create
//! TCP and UDP sockets (the C API's `wasi_config_inherit_network` opens the
//! address check only, and Wasmtime 48 refuses sockets unless allowed).
pub use wasmtime_c_api::*;

use std::any::Any;
use std::mem::{align_of, size_of};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

// The C API crate re-exports the `wasmtime` crate it is built on, so these
// are necessarily the very types `wasm_config_t` and `wasm_engine_t` wrap.
use wasmtime_c_api::wasmtime::component::Component;
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_c_api::wasmtime::{format_err, Config, Engine, Error, Trap};

// `wasm_config_t` is `#[repr(C)] struct { config: Config }` and
// `wasm_engine_t` is `#[repr(C)] struct { engine: Engine }`. Their fields are
// private to the C API crate, but a `repr(C)` struct with a single field
// places that field at offset 0, has the field's alignment, and has the
// field's size (the size rounded up to the alignment, which a Rust type's
// size already is). A `wasm_config_t` therefore is, byte for byte, a
// `Config`, and a `wasm_engine_t` an `Engine`: a `Box` of one may be turned
// into a `Box` of the other, since the allocation's layout (size and
// alignment) is the same for both types and the bytes hold a valid value of
// either. The assertions below hold that at compile time; should a future
// version add a field, the build fails here instead of misreading memory.
const _: () = assert!(size_of::<wasm_config_t>() == size_of::<Config>());
const _: () = assert!(align_of::<wasm_config_t>() == align_of::<Config>());
const _: () = assert!(size_of::<wasm_engine_t>() == size_of::<Engine>());
const _: () = assert!(align_of::<wasm_engine_t>() == align_of::<Engine>());
// `wasmtime_component_t` is `#[repr(transparent)] struct { component:
// Component }`, so a boxed `Component` is a `wasmtime_component_t` too.
const _: () = assert!(size_of::<wasmtime_component_t>() == size_of::<Component>());
const _: () = assert!(align_of::<wasmtime_component_t>() == align_of::<Component>());
// `wasi_config_t` is `#[repr(C)] struct { builder: WasiCtxBuilder }`.
const _: () = assert!(size_of::<wasi_config_t>() == size_of::<WasiCtxBuilder>());
const _: () = assert!(align_of::<wasi_config_t>() == align_of::<WasiCtxBuilder>());
// `wasmtime_error_t` is `#[repr(C)] struct { error: Error }` in the same way.
const _: () = assert!(size_of::<wasmtime_error_t>() == size_of::<Error>());
const _: () = assert!(align_of::<wasmtime_error_t>() == align_of::<Error>());

/// The text of a panic's payload (`panic!` gives a `&str` or a `String`).
fn panic_text(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "a panic without a message"
    }
}

fn error_box(error: Error) -> *mut wasmtime_error_t {
    Box::into_raw(Box::new(wasmtime_error_t::from(error)))
}

/// Builds an engine from `config`, which it takes ownership of (as
/// `wasm_engine_new_with_config` does) whatever the outcome. On success
/// stores the engine in `*out` and returns NULL; otherwise leaves `*out`
/// untouched and returns Wasmtime's error, or an error carrying the message
/// of a panic inside `Engine::new`. The caller deletes a returned error
/// with `wasmtime_error_delete` and the engine with `wasm_engine_delete`.
///
/// # Safety
///
/// `config` is NULL or a `wasm_config_t` from `wasm_config_new` not yet
/// given away; `out` is NULL or valid for a write of one pointer.
#[no_mangle]
pub unsafe extern "C" fn wt_native_engine_new(
    config: *mut wasm_config_t,
    out: *mut *mut wasm_engine_t,
) -> *mut wasmtime_error_t {
    if config.is_null() {
        return error_box(format_err!("wt_native_engine_new: config is NULL"));
    }
    // See the layout reasoning above: the allocation holds a `Config`.
    let config: Box<Config> = Box::from_raw(config.cast::<Config>());
    if out.is_null() {
        return error_box(format_err!("wt_native_engine_new: out is NULL"));
    }
    // `config` is owned by the closure and dropped while unwinding, and
    // nothing else is observed afterwards, so unwind safety is not at stake.
    let built = catch_unwind(AssertUnwindSafe(move || Engine::new(&config)));
    match built {
        Ok(Ok(engine)) => {
            // And the other way round: a boxed `Engine` is a `wasm_engine_t`.
            let engine = Box::into_raw(Box::new(engine)).cast::<wasm_engine_t>();
            ptr::write(out, engine);
            ptr::null_mut()
        }
        Ok(Err(error)) => error_box(error),
        Err(payload) => error_box(format_err!(
            "Wasmtime panicked while creating the engine: {}",
            panic_text(&*payload)
        )),
    }
}

/// Writes the trap code of `err` to `*code` and returns true when the error
/// is a wasm trap, with the numbering of `wasmtime_trap_code_t` (the C API's
/// `wasmtime_trap_code` gives `Trap as u8` too); returns false otherwise
/// and for NULL arguments.
///
/// # Safety
///
/// `err` is NULL or a live `wasmtime_error_t`; `code` is NULL or valid for
/// a write of one byte.
#[no_mangle]
pub unsafe extern "C" fn wt_native_error_trap_code(
    err: *const wasmtime_error_t,
    code: *mut u8,
) -> bool {
    if err.is_null() || code.is_null() {
        return false;
    }
    // See the layout reasoning above: the error is, byte for byte, an `Error`.
    let error = &*err.cast::<Error>();
    match error.downcast_ref::<Trap>() {
        Some(trap) => {
            *code = *trap as u8;
            true
        }
        None => false,
    }
}

/// Compiles the component binary of `len` bytes at `buf` with `engine`, as
/// `wasmtime_component_new` does, but a panic inside Wasmtime (a deeply
/// nested component type trips an assertion of the validator) comes back as
/// an error instead of aborting the process. On success stores the
/// component in `*out` (freed with `wasmtime_component_delete`) and returns
/// NULL; otherwise returns the error and leaves `*out` as it was.
///
/// # Safety
///
/// `engine` is a live `wasm_engine_t`; `buf` is valid for reads of `len`
/// bytes (or `len` is 0); `out` is valid for a write of one pointer.
#[no_mangle]
pub unsafe extern "C" fn wt_native_component_new(
    engine: *const wasm_engine_t,
    buf: *const u8,
    len: usize,
    out: *mut *mut wasmtime_component_t,
) -> *mut wasmtime_error_t {
    if engine.is_null() || out.is_null() || (buf.is_null() && len > 0) {
        return error_box(format_err!("wt_native_component_new: NULL argument"));
    }
    // See the layout reasoning above: a `wasm_engine_t` is an `Engine`.
    let engine = &*engine.cast::<Engine>();
    let bytes: &[u8] = if len == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(buf, len)
    };
    // Nothing compiled so far is observed after a panic.
    let built = catch_unwind(AssertUnwindSafe(|| Component::from_binary(engine, bytes)));
    match built {
        Ok(Ok(component)) => {
            let component = Box::into_raw(Box::new(component)).cast::<wasmtime_component_t>();
            ptr::write(out, component);
            ptr::null_mut()
        }
        Ok(Err(error)) => error_box(error),
        Err(payload) => error_box(format_err!(
            "Wasmtime panicked while compiling the component: {}",
            panic_text(&*payload)
        )),
    }
}

/// Lets the WASI configuration `config` create TCP and UDP sockets (which
/// still go only where its address check allows: `wasi_config_inherit_network`
/// opens it to every address). NULL is ignored.
///
/// # Safety
///
/// `config` is NULL or a live `wasi_config_t` not yet given away.
#[no_mangle]
pub unsafe extern "C" fn wt_native_wasi_config_allow_sockets(config: *mut wasi_config_t) {
    if config.is_null() {
        return;
    }
    // See the layout reasoning above: the config is a `WasiCtxBuilder`.
    let builder = &mut *config.cast::<WasiCtxBuilder>();
    builder.allow_tcp(true);
    builder.allow_udp(true);
}
