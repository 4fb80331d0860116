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

// ---------------------------------------------------------------------------
// Component calls and host functions on wt's own value representation.
//
// The C API converts every component value twice on each call: from its C
// struct into a Rust `Val` on the way in and back on the way out, after wt
// has built that C struct from its own `wt_cval_t`. The functions below
// read `wt_cval_t`s directly (wt checks them against the function's type
// before calling, and these functions check the kinds once more, so a
// mismatch is an error and never a misread), build the `Val`s Wasmtime's
// dynamic API takes, and write the results straight into wt's arena. A
// function whose parameters and result fit one of a few typed shapes built
// from byte lists (`list<u8>`) goes through Wasmtime's typed API instead,
// which copies the bytes as one span instead of one `Val` per byte.
// ---------------------------------------------------------------------------

use std::cell::Cell;
use std::ffi::c_void;
use std::sync::{Mutex, OnceLock};
use wasmtime_c_api::wasmtime::component::types::ComponentFunc;
use wasmtime_c_api::wasmtime::component::{
    ComponentNamedList, Func, Lift, LinkerInstance, Lower, ResourceAny, Type, TypedFunc, Val,
};
use wasmtime_c_api::wasmtime::{bail, Result as WtResult, StoreContextMut};

// `wasmtime_component_resource_any_t` is `#[repr(C)] struct { resource:
// ResourceAny }`, so (as above) a pointer to one is a pointer to a
// `ResourceAny`, and a boxed `ResourceAny` is a boxed
// `wasmtime_component_resource_any_t`.
const _: () = assert!(
    size_of::<wasmtime_component_resource_any_t>() == size_of::<ResourceAny>()
);
const _: () = assert!(
    align_of::<wasmtime_component_resource_any_t>() == align_of::<ResourceAny>()
);
// `wasmtime_component_linker_instance_t` is `#[repr(transparent)]` over a
// `LinkerInstance<WasmtimeStoreData>`.
const _: () = assert!(
    size_of::<wasmtime_component_linker_instance_t<'static>>()
        == size_of::<LinkerInstance<'static, WasmtimeStoreData>>()
);

/// wt's `wt_cvalkind_t` (include/wt/component.h).
mod kind {
    pub const BOOL: u32 = 1;
    pub const S8: u32 = 2;
    pub const U8: u32 = 3;
    pub const S16: u32 = 4;
    pub const U16: u32 = 5;
    pub const S32: u32 = 6;
    pub const U32: u32 = 7;
    pub const S64: u32 = 8;
    pub const U64: u32 = 9;
    pub const F32: u32 = 10;
    pub const F64: u32 = 11;
    pub const CHAR: u32 = 12;
    pub const STRING: u32 = 13;
    pub const LIST: u32 = 14;
    pub const BYTES: u32 = 15;
    pub const RECORD: u32 = 16;
    pub const TUPLE: u32 = 17;
    pub const ENUM: u32 = 18;
    pub const OPTION: u32 = 19;
    pub const RESULT: u32 = 20;
    pub const VARIANT: u32 = 21;
    pub const FLAGS: u32 = 22;
    pub const OWN: u32 = 23;
    pub const BORROW: u32 = 24;
    pub const MAP: u32 = 25;
}

/// `wt_bytes_t` and `wt_cvals_t`: a pointer and a length.
#[repr(C)]
#[derive(Clone, Copy)]
struct WtSpan {
    data: *const u8,
    len: usize,
}

/// `wt_ccase_t`.
#[repr(C)]
#[derive(Clone, Copy)]
struct WtCase {
    index: u32,
    payload: *const WtCval,
}

/// The union of `wt_cval_t`.
#[repr(C)]
#[derive(Clone, Copy)]
union WtOf {
    boolean: bool,
    s8: i8,
    u8_: u8,
    s16: i16,
    u16_: u16,
    s32: i32,
    u32_: u32,
    s64: i64,
    u64_: u64,
    f32_: f32,
    f64_: f64,
    span: WtSpan,
    case: WtCase,
    words: [u64; 2],
}

/// `wt_cval_t`: a kind and 16 bytes.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct WtCval {
    kind: u32,
    of: WtOf,
}
const _: () = assert!(size_of::<WtCval>() == 24 && align_of::<WtCval>() == 8);

/// What a conversion needs from wt (src/component_val.c fills it in):
/// memory for results (`alloc` gives `size` bytes of `arena`, not zeroed,
/// aligned for any type, or NULL when out of memory), and for arguments
/// the resources wt lowered while checking them, in the order a
/// depth-first walk of the values meets them. wt leaves the UTF-8 check of
/// argument strings to these functions: `bad_utf8` tells it one failed
/// (before anything was called), so that it can name the place.
#[repr(C)]
pub struct WtNio {
    arena: *mut c_void,
    alloc: Option<unsafe extern "C" fn(*mut c_void, usize) -> *mut c_void>,
    res: *const *const wasmtime_component_resource_any_t,
    nres: usize,
    used: usize,
    bad_utf8: bool,
}

impl WtNio {
    unsafe fn take(&mut self, size: usize) -> WtResult<*mut u8> {
        let alloc = match self.alloc {
            Some(f) => f,
            None => bail!("no arena for the result"),
        };
        let p = alloc(self.arena, size).cast::<u8>();
        if p.is_null() {
            bail!("out of memory");
        }
        Ok(p)
    }

    unsafe fn next_resource(&mut self) -> WtResult<ResourceAny> {
        if self.used >= self.nres || self.res.is_null() {
            bail!("wt gave fewer resources than the values hold");
        }
        let any = *self.res.add(self.used);
        self.used += 1;
        // See the layout reasoning above.
        Ok(*any.cast::<ResourceAny>())
    }
}

/// The WIT name of a type's kind, for error messages.
fn type_name(ty: &Type) -> &'static str {
    match ty {
        Type::Bool => "bool",
        Type::S8 => "s8",
        Type::U8 => "u8",
        Type::S16 => "s16",
        Type::U16 => "u16",
        Type::S32 => "s32",
        Type::U32 => "u32",
        Type::S64 => "s64",
        Type::U64 => "u64",
        Type::Float32 => "f32",
        Type::Float64 => "f64",
        Type::Char => "char",
        Type::String => "string",
        Type::List(_) => "list",
        Type::Map(_) => "map",
        Type::Record(_) => "record",
        Type::Tuple(_) => "tuple",
        Type::Variant(_) => "variant",
        Type::Enum(_) => "enum",
        Type::Option(_) => "option",
        Type::Result(_) => "result",
        Type::Flags(_) => "flags",
        Type::Own(_) => "own",
        Type::Borrow(_) => "borrow",
        Type::Future(_) => "future",
        Type::Stream(_) => "stream",
        Type::ErrorContext => "error-context",
        Type::FixedLengthList(_) => "fixed-length list",
    }
}

fn wrong_kind(got: u32, ty: &Type) -> Error {
    format_err!("a value of wt kind {got} for a {}", type_name(ty))
}

unsafe fn span_bytes<'a>(s: WtSpan) -> &'a [u8] {
    if s.len == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(s.data, s.len)
    }
}

unsafe fn span_items<'a>(s: WtSpan) -> &'a [WtCval] {
    if s.len == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(s.data.cast::<WtCval>(), s.len)
    }
}

unsafe fn payload_to(
    p: *const WtCval,
    ty: Option<Type>,
    io: &mut WtNio,
) -> WtResult<Option<Box<Val>>> {
    match (ty, p.is_null()) {
        (None, true) => Ok(None),
        (Some(t), false) => Ok(Some(Box::new(to_val(&*p, &t, io)?))),
        (None, false) => bail!("a payload for a case without one"),
        (Some(_), true) => bail!("no payload for a case with one"),
    }
}

/// The `Val` of the wt value `v` of type `ty`.
unsafe fn to_val(v: &WtCval, ty: &Type, io: &mut WtNio) -> WtResult<Val> {
    let o = &v.of;
    let want = |k: u32| -> WtResult<()> {
        if v.kind == k {
            Ok(())
        } else {
            Err(wrong_kind(v.kind, ty))
        }
    };
    Ok(match ty {
        Type::Bool => {
            want(kind::BOOL)?;
            Val::Bool(o.boolean)
        }
        Type::S8 => {
            want(kind::S8)?;
            Val::S8(o.s8)
        }
        Type::U8 => {
            want(kind::U8)?;
            Val::U8(o.u8_)
        }
        Type::S16 => {
            want(kind::S16)?;
            Val::S16(o.s16)
        }
        Type::U16 => {
            want(kind::U16)?;
            Val::U16(o.u16_)
        }
        Type::S32 => {
            want(kind::S32)?;
            Val::S32(o.s32)
        }
        Type::U32 => {
            want(kind::U32)?;
            Val::U32(o.u32_)
        }
        Type::S64 => {
            want(kind::S64)?;
            Val::S64(o.s64)
        }
        Type::U64 => {
            want(kind::U64)?;
            Val::U64(o.u64_)
        }
        Type::Float32 => {
            want(kind::F32)?;
            Val::Float32(o.f32_)
        }
        Type::Float64 => {
            want(kind::F64)?;
            Val::Float64(o.f64_)
        }
        Type::Char => {
            want(kind::CHAR)?;
            match char::from_u32(o.u32_) {
                Some(c) => Val::Char(c),
                None => bail!("char {:#x} is not a Unicode scalar value", o.u32_),
            }
        }
        Type::String => {
            want(kind::STRING)?;
            match std::str::from_utf8(span_bytes(o.span)) {
                Ok(s) => Val::String(s.to_owned()),
                Err(_) => {
                    io.bad_utf8 = true;
                    bail!("a string that is not UTF-8")
                }
            }
        }
        Type::List(l) => {
            let elem = l.ty();
            if matches!(elem, Type::U8) {
                want(kind::BYTES)?;
                Val::List(span_bytes(o.span).iter().map(|b| Val::U8(*b)).collect())
            } else {
                want(kind::LIST)?;
                let mut out = Vec::with_capacity(o.span.len);
                for item in span_items(o.span) {
                    out.push(to_val(item, &elem, io)?);
                }
                Val::List(out)
            }
        }
        Type::Record(r) => {
            want(kind::RECORD)?;
            let items = span_items(o.span);
            if items.len() != r.fields().len() {
                bail!("a record of {} fields for {}", items.len(), r.fields().len());
            }
            let mut out = Vec::with_capacity(items.len());
            for (field, item) in r.fields().zip(items) {
                out.push((field.name.to_string(), to_val(item, &field.ty, io)?));
            }
            Val::Record(out)
        }
        Type::Tuple(t) => {
            want(kind::TUPLE)?;
            let items = span_items(o.span);
            if items.len() != t.types().len() {
                bail!("a tuple of {} items for {}", items.len(), t.types().len());
            }
            let mut out = Vec::with_capacity(items.len());
            for (ty, item) in t.types().zip(items) {
                out.push(to_val(item, &ty, io)?);
            }
            Val::Tuple(out)
        }
        Type::Variant(t) => {
            want(kind::VARIANT)?;
            let case = match t.cases().nth(o.case.index as usize) {
                Some(c) => c,
                None => bail!("variant case {} is unknown", o.case.index),
            };
            let payload = payload_to(o.case.payload, case.ty, io)?;
            Val::Variant(case.name.to_string(), payload)
        }
        Type::Enum(e) => {
            want(kind::ENUM)?;
            match e.names().nth(o.case.index as usize) {
                Some(name) => Val::Enum(name.to_string()),
                None => bail!("enum case {} is unknown", o.case.index),
            }
        }
        Type::Option(t) => {
            want(kind::OPTION)?;
            match o.case.index {
                0 => Val::Option(payload_to(o.case.payload, None, io)?),
                1 => Val::Option(payload_to(o.case.payload, Some(t.ty()), io)?),
                i => bail!("option case {i} is unknown"),
            }
        }
        Type::Result(t) => {
            want(kind::RESULT)?;
            match o.case.index {
                0 => Val::Result(Ok(payload_to(o.case.payload, t.ok(), io)?)),
                1 => Val::Result(Err(payload_to(o.case.payload, t.err(), io)?)),
                i => bail!("result case {i} is unknown"),
            }
        }
        Type::Flags(f) => {
            want(kind::FLAGS)?;
            let bits = o.u32_;
            let mut names = Vec::new();
            for (i, name) in f.names().enumerate() {
                if i < 32 && bits >> i & 1 == 1 {
                    names.push(name.to_string());
                }
            }
            Val::Flags(names)
        }
        Type::Own(_) => {
            want(kind::OWN)?;
            Val::Resource(io.next_resource()?)
        }
        Type::Borrow(_) => {
            want(kind::BORROW)?;
            Val::Resource(io.next_resource()?)
        }
        Type::Map(m) => {
            want(kind::MAP)?;
            let items = span_items(o.span);
            if items.len() % 2 != 0 {
                bail!("a map of an odd number of items");
            }
            let (kt, vt) = (m.key(), m.value());
            let mut out = Vec::with_capacity(items.len() / 2);
            for pair in items.chunks_exact(2) {
                let k = to_val(&pair[0], &kt, io)?;
                out.push((k, to_val(&pair[1], &vt, io)?));
            }
            Val::Map(out)
        }
        other => bail!("wt does not support values of type {}", type_name(other)),
    })
}

fn wrong_val(val: &Val, ty: &Type) -> Error {
    format_err!("Wasmtime gave a {:?} for a value of type {}", std::mem::discriminant(val), type_name(ty))
}

/// A copy of `bytes` in the arena, followed by a NUL byte.
unsafe fn copy_bytes(bytes: &[u8], io: &mut WtNio) -> WtResult<WtSpan> {
    let p = io.take(bytes.len() + 1)?;
    ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
    *p.add(bytes.len()) = 0;
    Ok(WtSpan { data: p, len: bytes.len() })
}

unsafe fn items_new(n: usize, io: &mut WtNio) -> WtResult<*mut WtCval> {
    match n.checked_mul(size_of::<WtCval>()) {
        Some(size) => Ok(io.take(size)?.cast::<WtCval>()),
        None => bail!("out of memory"),
    }
}

unsafe fn payload_from(
    val: &Option<Box<Val>>,
    ty: Option<Type>,
    io: &mut WtNio,
) -> WtResult<*const WtCval> {
    match (val, ty) {
        (None, _) => Ok(ptr::null()),
        (Some(v), Some(t)) => {
            let p = items_new(1, io)?;
            from_val(v, &t, &mut *p, io)?;
            Ok(p)
        }
        (Some(_), None) => bail!("Wasmtime gave a payload for a case without one"),
    }
}

/// Writes the `Val` `val` of type `ty` into `out` as a wt value, copying
/// everything it holds into the arena. A resource is written as its kind
/// with a boxed `wasmtime_component_resource_any_t` in its first word,
/// which wt turns into a handle of its resource table (and frees).
unsafe fn from_val(val: &Val, ty: &Type, out: &mut WtCval, io: &mut WtNio) -> WtResult<()> {
    out.of = WtOf { words: [0, 0] };
    let (k, of) = match (ty, val) {
        (Type::Bool, Val::Bool(b)) => (kind::BOOL, WtOf { boolean: *b }),
        (Type::S8, Val::S8(x)) => (kind::S8, WtOf { s8: *x }),
        (Type::U8, Val::U8(x)) => (kind::U8, WtOf { u8_: *x }),
        (Type::S16, Val::S16(x)) => (kind::S16, WtOf { s16: *x }),
        (Type::U16, Val::U16(x)) => (kind::U16, WtOf { u16_: *x }),
        (Type::S32, Val::S32(x)) => (kind::S32, WtOf { s32: *x }),
        (Type::U32, Val::U32(x)) => (kind::U32, WtOf { u32_: *x }),
        (Type::S64, Val::S64(x)) => (kind::S64, WtOf { s64: *x }),
        (Type::U64, Val::U64(x)) => (kind::U64, WtOf { u64_: *x }),
        (Type::Float32, Val::Float32(x)) => (kind::F32, WtOf { f32_: *x }),
        (Type::Float64, Val::Float64(x)) => (kind::F64, WtOf { f64_: *x }),
        (Type::Char, Val::Char(c)) => (kind::CHAR, WtOf { u32_: *c as u32 }),
        (Type::String, Val::String(s)) => (kind::STRING, WtOf { span: copy_bytes(s.as_bytes(), io)? }),
        (Type::List(l), Val::List(items)) => {
            let elem = l.ty();
            if matches!(elem, Type::U8) {
                let p = io.take(items.len() + 1)?;
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Val::U8(b) => *p.add(i) = *b,
                        other => return Err(wrong_val(other, &elem)),
                    }
                }
                *p.add(items.len()) = 0;
                (kind::BYTES, WtOf { span: WtSpan { data: p, len: items.len() } })
            } else {
                let p = items_new(items.len(), io)?;
                for (i, item) in items.iter().enumerate() {
                    from_val(item, &elem, &mut *p.add(i), io)?;
                }
                (kind::LIST, WtOf { span: WtSpan { data: p.cast(), len: items.len() } })
            }
        }
        (Type::Record(r), Val::Record(fields)) => {
            if fields.len() != r.fields().len() {
                return Err(wrong_val(val, ty));
            }
            let p = items_new(fields.len(), io)?;
            for (i, (field, (_, v))) in r.fields().zip(fields).enumerate() {
                from_val(v, &field.ty, &mut *p.add(i), io)?;
            }
            (kind::RECORD, WtOf { span: WtSpan { data: p.cast(), len: fields.len() } })
        }
        (Type::Tuple(t), Val::Tuple(items)) => {
            if items.len() != t.types().len() {
                return Err(wrong_val(val, ty));
            }
            let p = items_new(items.len(), io)?;
            for (i, (ty, v)) in t.types().zip(items).enumerate() {
                from_val(v, &ty, &mut *p.add(i), io)?;
            }
            (kind::TUPLE, WtOf { span: WtSpan { data: p.cast(), len: items.len() } })
        }
        (Type::Variant(t), Val::Variant(name, payload)) => {
            let (index, case) = match t.cases().enumerate().find(|(_, c)| c.name == name) {
                Some(found) => found,
                None => return Err(wrong_val(val, ty)),
            };
            let payload = payload_from(payload, case.ty, io)?;
            (kind::VARIANT, WtOf { case: WtCase { index: index as u32, payload } })
        }
        (Type::Enum(e), Val::Enum(name)) => match e.names().position(|n| n == name) {
            Some(index) => (kind::ENUM, WtOf { case: WtCase { index: index as u32, payload: ptr::null() } }),
            None => return Err(wrong_val(val, ty)),
        },
        (Type::Option(t), Val::Option(v)) => {
            let index = if v.is_some() { 1 } else { 0 };
            let payload = payload_from(v, Some(t.ty()), io)?;
            (kind::OPTION, WtOf { case: WtCase { index, payload } })
        }
        (Type::Result(t), Val::Result(r)) => {
            let (index, payload) = match r {
                Ok(v) => (0, payload_from(v, t.ok(), io)?),
                Err(v) => (1, payload_from(v, t.err(), io)?),
            };
            (kind::RESULT, WtOf { case: WtCase { index, payload } })
        }
        (Type::Flags(f), Val::Flags(names)) => {
            let mut bits = 0u32;
            for name in names {
                match f.names().position(|n| n == name) {
                    Some(i) if i < 32 => bits |= 1 << i,
                    _ => return Err(wrong_val(val, ty)),
                }
            }
            (kind::FLAGS, WtOf { u32_: bits })
        }
        (Type::Own(_) | Type::Borrow(_), Val::Resource(r)) => {
            let k = if matches!(ty, Type::Own(_)) { kind::OWN } else { kind::BORROW };
            let boxed = Box::into_raw(Box::new(*r)) as usize as u64;
            (k, WtOf { words: [boxed, 0] })
        }
        (Type::Map(m), Val::Map(pairs)) => {
            let (kt, vt) = (m.key(), m.value());
            let p = items_new(2 * pairs.len(), io)?;
            for (i, (k, v)) in pairs.iter().enumerate() {
                from_val(k, &kt, &mut *p.add(2 * i), io)?;
                from_val(v, &vt, &mut *p.add(2 * i + 1), io)?;
            }
            (kind::MAP, WtOf { span: WtSpan { data: p.cast(), len: 2 * pairs.len() } })
        }
        _ => return Err(wrong_val(val, ty)),
    };
    out.kind = k;
    out.of = of;
    Ok(())
}

/// A component function's type as the calls below use it, read once (wt
/// keeps it with its shape of the function).
pub struct WtFuncType {
    params: Vec<Type>,
    results: Vec<Type>,
    typed: Typed,
}

/// The typed shapes: a function of one parameter or none whose parameter
/// or result is a byte list or a string, the other a byte list, a string,
/// a number, a bool or nothing, is called through Wasmtime's typed API,
/// which copies byte lists and strings as one span each (no `Val` per
/// byte, no `String` per argument).
#[derive(Clone, Copy)]
enum Typed {
    No,
    One(Arg, Ret),
}

#[derive(Clone, Copy, PartialEq)]
enum Arg {
    Unit,
    U32,
    U64,
    Str,
    Bytes,
}

#[derive(Clone, Copy, PartialEq)]
enum Ret {
    Unit,
    Bool,
    U32,
    S32,
    U64,
    S64,
    Str,
    Bytes,
}

fn is_bytes(ty: &Type) -> bool {
    matches!(ty, Type::List(l) if matches!(l.ty(), Type::U8))
}

fn typed_of(params: &[Type], results: &[Type]) -> Typed {
    let ret = match results {
        [] => Ret::Unit,
        [Type::Bool] => Ret::Bool,
        [Type::U32] => Ret::U32,
        [Type::S32] => Ret::S32,
        [Type::U64] => Ret::U64,
        [Type::S64] => Ret::S64,
        [Type::String] => Ret::Str,
        [t] if is_bytes(t) => Ret::Bytes,
        _ => return Typed::No,
    };
    let arg = match params {
        [] => Arg::Unit,
        [Type::U32] => Arg::U32,
        [Type::U64] => Arg::U64,
        [Type::String] => Arg::Str,
        [t] if is_bytes(t) => Arg::Bytes,
        _ => return Typed::No,
    };
    let spans = matches!(arg, Arg::Str | Arg::Bytes) || matches!(ret, Ret::Str | Ret::Bytes);
    if spans {
        Typed::One(arg, ret)
    } else {
        Typed::No
    }
}

/// Expands `$go::<P, R>($args)` for the parameters and results of a typed
/// shape.
macro_rules! by_ret {
    ($ret:expr, $P:ty, $go:ident, $($a:expr),*) => {
        match $ret {
            Ret::Unit => $go::<$P, ()>($($a),*),
            Ret::Bool => $go::<$P, (bool,)>($($a),*),
            Ret::U32 => $go::<$P, (u32,)>($($a),*),
            Ret::S32 => $go::<$P, (i32,)>($($a),*),
            Ret::U64 => $go::<$P, (u64,)>($($a),*),
            Ret::S64 => $go::<$P, (i64,)>($($a),*),
            Ret::Str => $go::<$P, (String,)>($($a),*),
            Ret::Bytes => $go::<$P, (Vec<u8>,)>($($a),*),
        }
    };
}
macro_rules! by_shape {
    ($arg:expr, $ret:expr, $go:ident, $($a:expr),*) => {
        match $arg {
            Arg::Unit => by_ret!($ret, (), $go, $($a),*),
            Arg::U32 => by_ret!($ret, (u32,), $go, $($a),*),
            Arg::U64 => by_ret!($ret, (u64,), $go, $($a),*),
            Arg::Str => by_ret!($ret, (&str,), $go, $($a),*),
            Arg::Bytes => by_ret!($ret, (&[u8],), $go, $($a),*),
        }
    };
}

/// Whether Wasmtime's typecheck agrees that `func` has the typed shape.
fn typed_ok<P, R>(func: &Func, cx: &WasmtimeStoreContextMut<'_>) -> bool
where
    P: ComponentNamedList + Lower,
    R: ComponentNamedList + Lift,
{
    func.typed::<P, R>(cx).is_ok()
}

/// Reads the type of `func` for wt_native_cfunc_call; NULL when the
/// function is not the store's. Freed with wt_native_cfunc_type_delete.
///
/// # Safety
///
/// `func` is a function of the store of `cx`.
#[no_mangle]
pub unsafe extern "C" fn wt_native_cfunc_type_new(
    func: &Func,
    cx: WasmtimeStoreContextMut<'_>,
) -> *mut WtFuncType {
    let ty: ComponentFunc = func.ty(&cx);
    let params: Vec<Type> = ty.params().map(|(_, t)| t).collect();
    let results: Vec<Type> = ty.results().collect();
    let mut typed = typed_of(&params, &results);
    if let Typed::One(arg, ret) = typed {
        if !by_shape!(arg, ret, typed_ok, func, &cx) {
            typed = Typed::No;
        }
    }
    Box::into_raw(Box::new(WtFuncType { params, results, typed }))
}

/// Frees what wt_native_cfunc_type_new made; NULL is ignored.
///
/// # Safety
///
/// `ty` is NULL or from wt_native_cfunc_type_new, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn wt_native_cfunc_type_delete(ty: *mut WtFuncType) {
    if !ty.is_null() {
        drop(Box::from_raw(ty));
    }
}

thread_local! {
    /// Vectors of `Val`s kept between calls so that a call does not
    /// allocate them; a nested call (a host function calling into wasm)
    /// finds the cell empty and uses a new vector.
    static VALS: Cell<Vec<Val>> = const { Cell::new(Vec::new()) };
}

/// What a typed call's argument and result are in wt's representation.
trait FromWt<'a>: Sized {
    unsafe fn from_wt(v: &'a WtCval, io: &mut WtNio) -> WtResult<Self>;
}
trait ToWt {
    unsafe fn to_wt(&self, out: &mut WtCval, io: &mut WtNio) -> WtResult<()>;
}

impl<'a> FromWt<'a> for &'a [u8] {
    unsafe fn from_wt(v: &'a WtCval, _io: &mut WtNio) -> WtResult<Self> {
        if v.kind != kind::BYTES {
            bail!("a value of wt kind {} for a list<u8>", v.kind);
        }
        Ok(span_bytes(v.of.span))
    }
}
impl<'a> FromWt<'a> for &'a str {
    unsafe fn from_wt(v: &'a WtCval, io: &mut WtNio) -> WtResult<Self> {
        if v.kind != kind::STRING {
            bail!("a value of wt kind {} for a string", v.kind);
        }
        match std::str::from_utf8(span_bytes(v.of.span)) {
            Ok(s) => Ok(s),
            Err(_) => {
                io.bad_utf8 = true;
                bail!("a string that is not UTF-8")
            }
        }
    }
}
macro_rules! wt_scalar {
    ($t:ty, $k:expr, $field:ident) => {
        impl<'a> FromWt<'a> for $t {
            unsafe fn from_wt(v: &'a WtCval, _io: &mut WtNio) -> WtResult<Self> {
                if v.kind != $k {
                    bail!("a value of wt kind {} for a {}", v.kind, stringify!($t));
                }
                Ok(v.of.$field)
            }
        }
        impl ToWt for $t {
            unsafe fn to_wt(&self, out: &mut WtCval, _io: &mut WtNio) -> WtResult<()> {
                out.of = WtOf { words: [0, 0] };
                out.kind = $k;
                out.of.$field = *self;
                Ok(())
            }
        }
    };
}
wt_scalar!(bool, kind::BOOL, boolean);
wt_scalar!(u32, kind::U32, u32_);
wt_scalar!(i32, kind::S32, s32);
wt_scalar!(u64, kind::U64, u64_);
wt_scalar!(i64, kind::S64, s64);
impl ToWt for Vec<u8> {
    unsafe fn to_wt(&self, out: &mut WtCval, io: &mut WtNio) -> WtResult<()> {
        out.of = WtOf { span: copy_bytes(self, io)? };
        out.kind = kind::BYTES;
        Ok(())
    }
}
impl ToWt for String {
    unsafe fn to_wt(&self, out: &mut WtCval, io: &mut WtNio) -> WtResult<()> {
        out.of = WtOf { span: copy_bytes(self.as_bytes(), io)? };
        out.kind = kind::STRING;
        Ok(())
    }
}

/// A typed call's parameters read from wt values, and its results written
/// as wt values.
trait Args<'a>: ComponentNamedList + Lower + Sized {
    unsafe fn read(args: &'a [WtCval], io: &mut WtNio) -> WtResult<Self>;
}
trait Rets: ComponentNamedList + Lift {
    unsafe fn write(&self, out: Option<&mut WtCval>, io: &mut WtNio) -> WtResult<()>;
}

impl<'a> Args<'a> for () {
    unsafe fn read(args: &'a [WtCval], _io: &mut WtNio) -> WtResult<Self> {
        if !args.is_empty() {
            bail!("{} arguments for a function of none", args.len());
        }
        Ok(())
    }
}
impl<'a, A: FromWt<'a> + Lower> Args<'a> for (A,) {
    unsafe fn read(args: &'a [WtCval], io: &mut WtNio) -> WtResult<Self> {
        match args {
            [a] => Ok((A::from_wt(a, io)?,)),
            _ => bail!("{} arguments for a function of one parameter", args.len()),
        }
    }
}
impl Rets for () {
    unsafe fn write(&self, _out: Option<&mut WtCval>, _io: &mut WtNio) -> WtResult<()> {
        Ok(())
    }
}
impl<R: ToWt + Lift> Rets for (R,) {
    unsafe fn write(&self, out: Option<&mut WtCval>, io: &mut WtNio) -> WtResult<()> {
        match out {
            Some(out) => self.0.to_wt(out, io),
            None => bail!("no place for the result"),
        }
    }
}

struct TypedCall<'a, 'b, 'c> {
    func: &'a Func,
    cx: &'a mut WasmtimeStoreContextMut<'b>,
    args: &'c [WtCval],
    out: Option<&'a mut WtCval>,
    io: &'a mut WtNio,
}

unsafe fn typed_call<'c, P: Args<'c>, R: Rets + 'static>(t: TypedCall<'_, '_, 'c>) -> WtResult<()> {
    let params = P::read(t.args, t.io)?;
    // The shape was typechecked when the type was read (typed_ok).
    let f = TypedFunc::<P, R>::new_unchecked(*t.func);
    let r = f.call(&mut *t.cx, params)?;
    r.write(t.out, t.io)
}

unsafe fn call_typed(
    func: &Func,
    cx: &mut WasmtimeStoreContextMut<'_>,
    arg: Arg,
    ret: Ret,
    args: &[WtCval],
    out: Option<&mut WtCval>,
    io: &mut WtNio,
) -> WtResult<()> {
    let t = TypedCall { func, cx, args, out, io };
    by_shape!(arg, ret, typed_call, t)
}

unsafe fn call_dynamic(
    func: &Func,
    cx: &mut WasmtimeStoreContextMut<'_>,
    ty: &WtFuncType,
    args: &[WtCval],
    results: &mut [WtCval],
    io: &mut WtNio,
) -> WtResult<()> {
    if args.len() != ty.params.len() || results.len() != ty.results.len() {
        bail!(
            "{} arguments and {} results for a function of {} and {}",
            args.len(),
            results.len(),
            ty.params.len(),
            ty.results.len()
        );
    }
    let n = args.len() + results.len();
    if n <= SMALL_VALS {
        let mut vals = SmallVals::new();
        return call_vals(func, cx, ty, args, results, io, &mut vals, n);
    }
    let mut vals = VALS.with(|c| c.take());
    vals.clear();
    let done = call_vals(func, cx, ty, args, results, io, &mut vals, n);
    vals.clear();
    VALS.with(|c| c.set(vals));
    done
}

/// Where a call's `Val`s go: a vector kept between calls, or for a few
/// values, the stack.
trait ValStore {
    fn push(&mut self, v: Val);
    fn vals(&mut self) -> &mut [Val];
}
impl ValStore for Vec<Val> {
    fn push(&mut self, v: Val) {
        Vec::push(self, v)
    }
    fn vals(&mut self) -> &mut [Val] {
        self
    }
}

const SMALL_VALS: usize = 6;

/// Up to SMALL_VALS values on the stack, dropped with it.
struct SmallVals {
    buf: [std::mem::MaybeUninit<Val>; SMALL_VALS],
    len: usize,
}
impl SmallVals {
    fn new() -> Self {
        SmallVals { buf: [const { std::mem::MaybeUninit::uninit() }; SMALL_VALS], len: 0 }
    }
}
impl ValStore for SmallVals {
    fn push(&mut self, v: Val) {
        assert!(self.len < SMALL_VALS);
        self.buf[self.len].write(v);
        self.len += 1;
    }
    fn vals(&mut self) -> &mut [Val] {
        // The first `len` are initialized.
        unsafe { std::slice::from_raw_parts_mut(self.buf.as_mut_ptr().cast::<Val>(), self.len) }
    }
}
impl Drop for SmallVals {
    fn drop(&mut self) {
        unsafe { ptr::drop_in_place(self.vals()) }
    }
}

#[allow(clippy::too_many_arguments)]
unsafe fn call_vals<S: ValStore>(
    func: &Func,
    cx: &mut WasmtimeStoreContextMut<'_>,
    ty: &WtFuncType,
    args: &[WtCval],
    results: &mut [WtCval],
    io: &mut WtNio,
    vals: &mut S,
    n: usize,
) -> WtResult<()> {
    for (a, t) in args.iter().zip(&ty.params) {
        vals.push(to_val(a, t, io)?);
    }
    for _ in args.len()..n {
        vals.push(Val::Bool(false));
    }
    let (params, rets) = vals.vals().split_at_mut(args.len());
    func.call(&mut *cx, params, rets)?;
    for ((r, t), out) in rets.iter().zip(&ty.results).zip(results.iter_mut()) {
        from_val(r, t, out, io)?;
    }
    Ok(())
}

/// Calls the component function `func` of the store of `cx` with `nargs`
/// wt values at `args` and writes its `nresults` results at `results`,
/// everything they point at in `io`'s arena; `ty` is the function's type
/// from wt_native_cfunc_type_new. Returns NULL, or the error (a trap, or a
/// value that does not fit the type) for wasmtime_error_delete.
///
/// # Safety
///
/// `func` is a function of the store of `cx` and `ty` its type; `args` and
/// `results` are valid for `nargs` and `nresults` values, every pointer in
/// the arguments valid for what its length says; `io` is valid, its
/// resources live and as many as the arguments hold.
#[no_mangle]
pub unsafe extern "C" fn wt_native_cfunc_call(
    func: &Func,
    mut cx: WasmtimeStoreContextMut<'_>,
    ty: *const WtFuncType,
    args: *const WtCval,
    nargs: usize,
    results: *mut WtCval,
    nresults: usize,
    io: *mut WtNio,
) -> *mut wasmtime_error_t {
    if ty.is_null() || io.is_null() || (args.is_null() && nargs > 0) || (results.is_null() && nresults > 0) {
        return error_box(format_err!("wt_native_cfunc_call: NULL argument"));
    }
    let ty = &*ty;
    let io = &mut *io;
    let args: &[WtCval] = if nargs == 0 { &[] } else { std::slice::from_raw_parts(args, nargs) };
    let results: &mut [WtCval] = if nresults == 0 {
        &mut []
    } else {
        std::slice::from_raw_parts_mut(results, nresults)
    };
    let done = match ty.typed {
        Typed::No => call_dynamic(func, &mut cx, ty, args, results, io),
        typed => {
            if results.len() != ty.results.len() {
                Err(format_err!("{} results for a function of {}", results.len(), ty.results.len()))
            } else {
                match typed {
                    Typed::One(arg, ret) => call_typed(func, &mut cx, arg, ret, args, results.first_mut(), io),
                    Typed::No => unreachable!(),
                }
            }
        }
    };
    match done {
        Ok(()) => ptr::null_mut(),
        Err(e) => error_box(e),
    }
}

// ---- host functions ----

/// What wt gives for a host function (src/component_val.c).
#[repr(C)]
#[allow(improper_ctypes_definitions)]
pub struct WtHostFns {
    /// Makes wt's shape of the function type `ty` (which it takes), or
    /// returns NULL and sets `*err`.
    shape_new: unsafe extern "C" fn(
        data: *mut c_void,
        ty: *mut wasmtime_component_func_type_t,
        err: *mut *mut wasmtime_error_t,
    ) -> *mut c_void,
    shape_delete: unsafe extern "C" fn(shape: *mut c_void),
    /// Runs the host function for one call from wasm.
    call: for<'a> unsafe extern "C" fn(
        data: *mut c_void,
        cx: WasmtimeStoreContextMut<'a>,
        shape: *mut c_void,
        call: *mut WtHostCall,
    ) -> *mut wasmtime_error_t,
}

/// One call of a host function, for wt's side of it: `lift` writes the
/// arguments as wt values (in `io`'s arena) at `out`, `lower` reads the
/// wt results (with the resources wt lowered, in `io`) into Wasmtime's.
#[repr(C)]
pub struct WtHostCall {
    nargs: usize,
    nresults: usize,
    lift: unsafe extern "C" fn(call: *mut WtHostCall, io: *mut WtNio, out: *mut WtCval) -> *mut wasmtime_error_t,
    lower: unsafe extern "C" fn(call: *mut WtHostCall, io: *mut WtNio, res: *const WtCval) -> *mut wasmtime_error_t,
    state: *mut c_void,
}

struct HostState<'a> {
    entry: &'a HostEntry,
    args: &'a [Val],
    rets: &'a mut [Val],
}

unsafe extern "C" fn host_lift(call: *mut WtHostCall, io: *mut WtNio, out: *mut WtCval) -> *mut wasmtime_error_t {
    let st = &*(*call).state.cast::<HostState<'_>>();
    let io = &mut *io;
    for (i, (v, t)) in st.args.iter().zip(&st.entry.params).enumerate() {
        if let Err(e) = from_val(v, t, &mut *out.add(i), io) {
            return error_box(e);
        }
    }
    ptr::null_mut()
}

unsafe extern "C" fn host_lower(call: *mut WtHostCall, io: *mut WtNio, res: *const WtCval) -> *mut wasmtime_error_t {
    let st = &mut *(*call).state.cast::<HostState<'_>>();
    let io = &mut *io;
    for (i, (slot, t)) in st.rets.iter_mut().zip(&st.entry.results).enumerate() {
        match to_val(&*res.add(i), t, io) {
            Ok(v) => *slot = v,
            Err(e) => return error_box(e),
        }
    }
    ptr::null_mut()
}

/// A function type a host function was called with, and wt's shape of it.
struct HostEntry {
    names: Vec<String>,
    params: Vec<Type>,
    results: Vec<Type>,
    shape: *mut c_void,
}

impl HostEntry {
    /// Whether `ty` is the type this entry was made for (checked on every
    /// call, in one pass over the parameters and one over the results).
    fn matches(&self, ty: &ComponentFunc) -> bool {
        let params = ty.params();
        if params.len() != self.params.len() {
            return false;
        }
        for ((n, t), (name, p)) in params.zip(self.names.iter().zip(&self.params)) {
            if n != name.as_str() || t != *p {
                return false;
            }
        }
        let results = ty.results();
        if results.len() != self.results.len() {
            return false;
        }
        for (t, r) in results.zip(&self.results) {
            if t != *r {
                return false;
            }
        }
        true
    }
}

/// The C side of a host function, with the types it was called with (a
/// host function serves every component whose import it satisfies, each
/// with its own type).
struct HostFunc {
    data: *mut c_void,
    finalizer: Option<extern "C" fn(*mut c_void)>,
    fns: &'static WtHostFns,
    entries: [OnceLock<HostEntry>; 8],
    adding: Mutex<()>,
}

// The data pointer is wt's, which serves calls from any thread.
unsafe impl Send for HostFunc {}
unsafe impl Sync for HostFunc {}

impl Drop for HostFunc {
    fn drop(&mut self) {
        for e in &mut self.entries {
            if let Some(e) = e.take() {
                unsafe { (self.fns.shape_delete)(e.shape) };
            }
        }
        if let Some(f) = self.finalizer {
            f(self.data);
        }
    }
}

impl HostFunc {
    fn entry_new(&self, ty: &ComponentFunc) -> WtResult<HostEntry> {
        let boxed = Box::into_raw(Box::new(wasmtime_component_func_type_t::from(ty.clone())));
        let mut err: *mut wasmtime_error_t = ptr::null_mut();
        let shape = unsafe { (self.fns.shape_new)(self.data, boxed, &mut err) };
        if shape.is_null() {
            if err.is_null() {
                bail!("out of memory");
            }
            // See the layout reasoning above: the error is an `Error`.
            return Err(*unsafe { Box::from_raw(err.cast::<Error>()) });
        }
        Ok(HostEntry {
            names: ty.params().map(|(n, _)| n.to_string()).collect(),
            params: ty.params().map(|(_, t)| t).collect(),
            results: ty.results().collect(),
            shape,
        })
    }

    fn call(
        &self,
        cx: StoreContextMut<'_, WasmtimeStoreData>,
        ty: ComponentFunc,
        args: &[Val],
        rets: &mut [Val],
    ) -> WtResult<()> {
        let mut fresh: Option<HostEntry> = None;
        let mut entry: Option<&HostEntry> = None;
        for slot in &self.entries {
            match slot.get() {
                Some(e) if e.matches(&ty) => {
                    entry = Some(e);
                    break;
                }
                Some(_) => continue,
                None => break,
            }
        }
        if entry.is_none() {
            let _guard = self.adding.lock().unwrap_or_else(|p| p.into_inner());
            let e = self.entry_new(&ty)?;
            // Kept when a slot is free; otherwise made for this call only.
            match self.entries.iter().find(|s| s.get().is_none()) {
                Some(slot) => {
                    let _ = slot.set(e);
                    entry = self.entries.iter().filter_map(|s| s.get()).find(|e| e.matches(&ty));
                }
                None => fresh = Some(e),
            }
        }
        let entry: &HostEntry = match (entry, &fresh) {
            (Some(e), _) => e,
            (None, Some(e)) => e,
            (None, None) => bail!("wt lost the type of a host function"),
        };
        let mut state = HostState { entry, args, rets };
        let mut call = WtHostCall {
            nargs: args.len(),
            nresults: state.rets.len(),
            lift: host_lift,
            lower: host_lower,
            state: (&mut state as *mut HostState<'_>).cast(),
        };
        let err = unsafe { (self.fns.call)(self.data, cx, entry.shape, &mut call) };
        if let Some(e) = fresh {
            unsafe { (self.fns.shape_delete)(e.shape) };
        }
        if err.is_null() {
            Ok(())
        } else {
            // See the layout reasoning above: the error is an `Error`.
            Err(*unsafe { Box::from_raw(err.cast::<Error>()) })
        }
    }
}

/// Defines the host function `name` in `li`, as
/// wasmtime_component_linker_instance_add_func does, but with wt's values:
/// `fns->call` runs each call, converting the arguments and results
/// through the functions in the `WtHostCall` it gets. The context pointer
/// it gets is a `wasmtime_context_t *`. `finalizer(data)` runs when the
/// definition goes (or at once when this fails).
///
/// # Safety
///
/// `li` is a live linker instance; `name` is valid for `name_len` bytes;
/// `fns` lives as long as the program; `data` is valid for `fns` from any
/// thread.
#[no_mangle]
pub unsafe extern "C" fn wt_native_clinker_add_func(
    li: *mut wasmtime_component_linker_instance_t<'_>,
    name: *const u8,
    name_len: usize,
    fns: *const WtHostFns,
    data: *mut c_void,
    finalizer: Option<extern "C" fn(*mut c_void)>,
) -> *mut wasmtime_error_t {
    let host = HostFunc {
        data,
        finalizer,
        fns: &*fns,
        entries: Default::default(),
        adding: Mutex::new(()),
    };
    if li.is_null() || (name.is_null() && name_len > 0) {
        return error_box(format_err!("wt_native_clinker_add_func: NULL argument"));
    }
    let name = if name_len == 0 { &[][..] } else { std::slice::from_raw_parts(name, name_len) };
    let name = match std::str::from_utf8(name) {
        Ok(n) => n,
        Err(_) => return error_box(format_err!("wt_native_clinker_add_func: name is not UTF-8")),
    };
    // `wasmtime_component_linker_instance_t` is a transparent wrapper.
    let li = &mut *li.cast::<LinkerInstance<'_, WasmtimeStoreData>>();
    match li.func_new(name, move |cx, ty, args, rets| host.call(cx, ty, args, rets)) {
        Ok(()) => ptr::null_mut(),
        Err(e) => error_box(e),
    }
}
