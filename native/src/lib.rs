//! Re-exports every `extern "C"` symbol of Wasmtime's C API so that the
//! static and shared libraries built from this crate carry them.
pub use wasmtime_c_api::*;
