//! `tessera._tessera`: the Rust extension module of the `tessera` Python
//! package, a thin skin over the facade's [`tessera::DynArray`]. Each
//! Python call turns its arguments into the facade's (dtypes, chunk specs,
//! axes, index items), calls the facade, and turns errors into Python
//! exceptions; the Python package (`python/tessera/`) re-exports it.

mod array;
mod array_api;
mod convert;
mod errors;
mod functions;
mod index;
mod running;
mod user_functions;

use pyo3::prelude::*;

/// The extension module: the `Array` class and the functions that make,
/// compute and store arrays.
#[pymodule]
fn _tessera(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<array::Array>()?;
    functions::register(m)?;
    array_api::register(m)?;
    user_functions::register(m)?;
    Ok(())
}
