//! Element types by name, with NumPy's names and sizes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The element type of an array, named as NumPy names it.
///
/// `Object` exists so that chunk logic can be checked against Dask for it;
/// arrays hold only the types with an [`Element`](crate::Element) impl.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DType {
    /// `bool`, one byte.
    Bool,
    /// `int8`.
    I8,
    /// `int16`.
    I16,
    /// `int32`.
    I32,
    /// `int64`.
    I64,
    /// `uint8`.
    U8,
    /// `uint16`.
    U16,
    /// `uint32`.
    U32,
    /// `uint64`.
    U64,
    /// `float16` (IEEE half precision: math runs in float32 and rounds, as NumPy's).
    F16,
    /// `float32`.
    F32,
    /// `float64`.
    F64,
    /// `complex64`.
    Complex64,
    /// `complex128`.
    Complex128,
    /// NumPy's `object` (chunk logic only: automatic chunking refuses it, as Dask does).
    Object,
}

impl DType {
    /// Every dtype, in NumPy's order of kinds.
    pub const ALL: [DType; 15] = [
        DType::Bool,
        DType::I8,
        DType::I16,
        DType::I32,
        DType::I64,
        DType::U8,
        DType::U16,
        DType::U32,
        DType::U64,
        DType::F16,
        DType::F32,
        DType::F64,
        DType::Complex64,
        DType::Complex128,
        DType::Object,
    ];

    /// Size of one element in bytes (`object` counts as a pointer, as in NumPy).
    pub const fn itemsize(self) -> usize {
        match self {
            DType::Bool | DType::I8 | DType::U8 => 1,
            DType::I16 | DType::U16 | DType::F16 => 2,
            DType::I32 | DType::U32 | DType::F32 => 4,
            DType::I64 | DType::U64 | DType::F64 | DType::Complex64 | DType::Object => 8,
            DType::Complex128 => 16,
        }
    }

    /// NumPy's name for the dtype (`"float64"`).
    pub const fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::I8 => "int8",
            DType::I16 => "int16",
            DType::I32 => "int32",
            DType::I64 => "int64",
            DType::U8 => "uint8",
            DType::U16 => "uint16",
            DType::U32 => "uint32",
            DType::U64 => "uint64",
            DType::F16 => "float16",
            DType::F32 => "float32",
            DType::F64 => "float64",
            DType::Complex64 => "complex64",
            DType::Complex128 => "complex128",
            DType::Object => "object",
        }
    }

    /// NumPy's kind: `b` bool, `i` signed, `u` unsigned, `f` float, `c` complex, `O` object.
    pub const fn kind(self) -> char {
        match self {
            DType::Bool => 'b',
            DType::I8 | DType::I16 | DType::I32 | DType::I64 => 'i',
            DType::U8 | DType::U16 | DType::U32 | DType::U64 => 'u',
            DType::F16 | DType::F32 | DType::F64 => 'f',
            DType::Complex64 | DType::Complex128 => 'c',
            DType::Object => 'O',
        }
    }

    /// Whether arrays of this dtype can be created (it has an `Element` type).
    pub const fn is_array_type(self) -> bool {
        !matches!(self, DType::Object)
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DType {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let found = match s {
            "bool" | "bool_" | "?" => Some(DType::Bool),
            "float" | "f8" => Some(DType::F64),
            "f4" => Some(DType::F32),
            "f2" | "<f2" | "half" | "e" => Some(DType::F16),
            "int" | "i8" => Some(DType::I64),
            "complex" | "c16" => Some(DType::Complex128),
            "c8" => Some(DType::Complex64),
            "O" => Some(DType::Object),
            _ => DType::ALL.into_iter().find(|d| d.name() == s),
        };
        found.ok_or_else(|| Error::UnknownDType {
            name: s.to_string(),
        })
    }
}

/// Run `$body` with type alias `$T` set to the Rust type of an array dtype;
/// `$other` binds the dtype when it has no element type (complex, object).
///
/// ```
/// use tessera_chunk_core::{with_dtype, DType, Element};
/// let size = with_dtype!(DType::I16, T => std::mem::size_of::<T>(), other => other.itemsize());
/// assert_eq!(size, 2);
/// ```
#[macro_export]
macro_rules! with_dtype {
    ($dtype:expr, $T:ident => $body:expr, $other:ident => $fallback:expr) => {
        match $dtype {
            $crate::DType::Bool => {
                type $T = bool;
                $body
            }
            $crate::DType::I8 => {
                type $T = i8;
                $body
            }
            $crate::DType::I16 => {
                type $T = i16;
                $body
            }
            $crate::DType::I32 => {
                type $T = i32;
                $body
            }
            $crate::DType::I64 => {
                type $T = i64;
                $body
            }
            $crate::DType::U8 => {
                type $T = u8;
                $body
            }
            $crate::DType::U16 => {
                type $T = u16;
                $body
            }
            $crate::DType::U32 => {
                type $T = u32;
                $body
            }
            $crate::DType::U64 => {
                type $T = u64;
                $body
            }
            $crate::DType::F16 => {
                type $T = $crate::half::f16;
                $body
            }
            $crate::DType::F32 => {
                type $T = f32;
                $body
            }
            $crate::DType::F64 => {
                type $T = f64;
                $body
            }
            $crate::DType::Complex64 => {
                type $T = $crate::num_complex::Complex<f32>;
                $body
            }
            $crate::DType::Complex128 => {
                type $T = $crate::num_complex::Complex<f64>;
                $body
            }
            $other => $fallback,
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for d in DType::ALL {
            assert_eq!(d.name().parse::<DType>().unwrap(), d);
        }
        assert!("float128".parse::<DType>().is_err());
    }

    #[test]
    fn sizes_match_numpy() {
        assert_eq!(DType::F64.itemsize(), 8);
        assert_eq!(DType::Complex128.itemsize(), 16);
        assert_eq!(DType::Bool.itemsize(), 1);
        assert_eq!(DType::F16.itemsize(), 2);
    }

    #[test]
    fn float16_parses_by_numpys_names() {
        for name in ["float16", "f2", "<f2", "half", "e"] {
            assert_eq!(name.parse::<DType>().unwrap(), DType::F16, "{name}");
        }
        assert_eq!(DType::F16.name(), "float16");
        assert_eq!(DType::F16.kind(), 'f');
        assert!(DType::F16.is_array_type());
        assert!(">f2".parse::<DType>().is_err());
        // NumPy's order of kinds: float16 comes right before float32.
        let at = |d| DType::ALL.iter().position(|&x| x == d);
        assert_eq!(at(DType::F16).map(|i| i + 1), at(DType::F32));
    }
}
