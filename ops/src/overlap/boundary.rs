//! What lies beyond an array's edges (`Boundary`), and the error both the
//! overlap layers and their plan give for bad depths and boundaries.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::scalar::Scalar;

/// What lies beyond the array's edges along an axis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Boundary {
    /// The edge mirrored, edge element included (NumPy's pad mode `symmetric`; Dask's `reflect`).
    Reflect,
    /// The other end of the axis (wrap-around).
    Periodic,
    /// The edge element repeated.
    Nearest,
    /// Nothing: blocks at the edge do not grow outwards.
    None,
    /// A constant value (cast to the array's dtype).
    Constant(Scalar),
}

impl Boundary {
    /// A constant boundary of `value`.
    pub fn constant<T: tessera_chunk_core::Element>(value: T) -> Self {
        Boundary::Constant(Scalar::of(value))
    }
}

/// An `InvalidArgument` naming the overlap operation.
pub(crate) fn invalid(op: &str, reason: String) -> Error {
    Error::InvalidArgument {
        op: op.into(),
        reason,
    }
}
