//! The Array API's data type functions: `can_cast`, `result_type`, `finfo`,
//! `iinfo`, `isdtype`. Promotion is chunk-core's (`result_type`, NumPy 2's
//! rules); nothing here keeps a second table.

use tessera_chunk_core::{DType, Element};

use crate::error::Result;

fn invalid(op: &str, reason: String) -> crate::Error {
    tessera_ops::Error::InvalidArgument {
        op: op.into(),
        reason,
    }
    .into()
}

/// Whether `from` casts to `to` without changing kind or losing values,
/// by the promotion rules (`np.can_cast(from, to)`): `to` is what the two promote to.
///
/// ```
/// use tessera::{can_cast, DType};
/// assert!(can_cast(DType::I8, DType::I16));
/// assert!(!can_cast(DType::I64, DType::I32));
/// assert!(can_cast(DType::Bool, DType::F32));
/// assert!(!can_cast(DType::F64, DType::I64));
/// ```
pub fn can_cast(from: DType, to: DType) -> bool {
    from == to || tessera_chunk_core::result_type(from, to) == to
}

/// The dtype the given dtypes promote to together (`np.result_type`): at
/// least one is needed, and `object` promotes with nothing.
///
/// ```
/// use tessera::{result_type, DType};
/// assert_eq!(result_type(&[DType::I8, DType::U8]).unwrap(), DType::I16);
/// assert_eq!(result_type(&[DType::I32, DType::F32, DType::Bool]).unwrap(), DType::F64);
/// assert!(result_type(&[]).is_err());
/// ```
pub fn result_type(dtypes: &[DType]) -> Result<DType> {
    let (&first, rest) = dtypes
        .split_first()
        .ok_or_else(|| invalid("result_type", "give at least one dtype".into()))?;
    let out = rest
        .iter()
        .fold(first, |acc, &d| tessera_chunk_core::result_type(acc, d));
    if out == DType::Object && dtypes.iter().any(|d| *d != DType::Object) {
        return Err(invalid(
            "result_type",
            format!("dtypes {dtypes:?} do not promote together; use bool, integer, float or complex dtypes"),
        ));
    }
    Ok(out)
}

/// Machine limits of a floating-point dtype (`finfo`). For a complex dtype
/// they are those of its real and imaginary parts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FInfo {
    /// Bits of one value.
    pub bits: u32,
    /// The difference between 1.0 and the next larger value.
    pub eps: f64,
    /// The largest finite value.
    pub max: f64,
    /// The smallest (most negative) finite value.
    pub min: f64,
    /// The smallest positive normal value.
    pub smallest_normal: f64,
    /// The real floating-point dtype these limits describe.
    pub dtype: DType,
}

/// Machine limits of an integer dtype (`iinfo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IInfo {
    /// Bits of one value.
    pub bits: u32,
    /// The largest value.
    pub max: i128,
    /// The smallest value.
    pub min: i128,
    /// The dtype.
    pub dtype: DType,
}

/// Limits of `f16`/`f32`/`f64` (and, through their parts, `complex64`/`complex128`).
///
/// ```
/// use tessera::{finfo, DType};
/// let f = finfo(DType::F32).unwrap();
/// assert_eq!((f.bits, f.eps), (32, f32::EPSILON as f64));
/// let h = finfo(DType::F16).unwrap();
/// assert_eq!((h.bits, h.eps, h.max), (16, 0.0009765625, 65504.0));
/// assert!(finfo(DType::I32).is_err());
/// ```
pub fn finfo(dtype: DType) -> Result<FInfo> {
    match dtype {
        DType::F16 => Ok(FInfo {
            bits: 16,
            eps: f64::from(half::f16::EPSILON),
            max: f64::from(half::f16::MAX),
            min: f64::from(half::f16::MIN),
            smallest_normal: f64::from(half::f16::MIN_POSITIVE),
            dtype: DType::F16,
        }),
        DType::F32 | DType::Complex64 => Ok(FInfo {
            bits: 32,
            eps: f64::from(f32::EPSILON),
            max: f64::from(f32::MAX),
            min: f64::from(f32::MIN),
            smallest_normal: f64::from(f32::MIN_POSITIVE),
            dtype: DType::F32,
        }),
        DType::F64 | DType::Complex128 => Ok(FInfo {
            bits: 64,
            eps: f64::EPSILON,
            max: f64::MAX,
            min: f64::MIN,
            smallest_normal: f64::MIN_POSITIVE,
            dtype: DType::F64,
        }),
        other => Err(invalid(
            "finfo",
            format!("{other} is not a floating-point dtype; use iinfo for integers"),
        )),
    }
}

/// [`finfo`] of an element type: `finfo_of::<f32>()`.
pub fn finfo_of<T: Element>() -> Result<FInfo> {
    finfo(T::DTYPE)
}

/// Limits of an integer dtype.
///
/// ```
/// use tessera::{iinfo, DType};
/// assert_eq!(iinfo(DType::U8).unwrap().max, 255);
/// assert_eq!(iinfo(DType::I64).unwrap().min, i64::MIN as i128);
/// assert!(iinfo(DType::F64).is_err());
/// ```
pub fn iinfo(dtype: DType) -> Result<IInfo> {
    let (min, max) = match dtype {
        DType::I8 => (i8::MIN as i128, i8::MAX as i128),
        DType::I16 => (i16::MIN as i128, i16::MAX as i128),
        DType::I32 => (i32::MIN as i128, i32::MAX as i128),
        DType::I64 => (i64::MIN as i128, i64::MAX as i128),
        DType::U8 => (0, u8::MAX as i128),
        DType::U16 => (0, u16::MAX as i128),
        DType::U32 => (0, u32::MAX as i128),
        DType::U64 => (0, u64::MAX as i128),
        other => {
            return Err(invalid(
                "iinfo",
                format!("{other} is not an integer dtype; use finfo for floats"),
            ))
        }
    };
    Ok(IInfo {
        bits: dtype.itemsize() as u32 * 8,
        max,
        min,
        dtype,
    })
}

/// Whether `dtype` is of `kind`: one of the Array API's kind names
/// (`"bool"`, `"signed integer"`, `"unsigned integer"`, `"integral"`,
/// `"real floating"`, `"complex floating"`, `"numeric"`) or a dtype name
/// (`"float32"`), which matches that dtype only.
///
/// ```
/// use tessera::{isdtype, DType};
/// assert!(isdtype(DType::U16, "integral").unwrap());
/// assert!(!isdtype(DType::Bool, "numeric").unwrap());
/// assert!(isdtype(DType::F32, "float32").unwrap());
/// assert!(isdtype(DType::F32, "floats").is_err());
/// ```
pub fn isdtype(dtype: DType, kind: &str) -> Result<bool> {
    let k = dtype.kind();
    Ok(match kind {
        "bool" => k == 'b',
        "signed integer" => k == 'i',
        "unsigned integer" => k == 'u',
        "integral" => matches!(k, 'i' | 'u'),
        "real floating" => k == 'f',
        "complex floating" => k == 'c',
        "numeric" => matches!(k, 'i' | 'u' | 'f' | 'c'),
        other => match other.parse::<DType>() {
            Ok(d) => d == dtype,
            Err(_) => {
                return Err(invalid(
                    "isdtype",
                    format!("unknown kind {other:?}; use \"bool\", \"signed integer\", \"unsigned integer\", \"integral\", \"real floating\", \"complex floating\", \"numeric\" or a dtype name"),
                ))
            }
        },
    })
}

/// [`isdtype`] against several kinds: true when any matches (the Array API's tuple of kinds).
pub fn isdtype_any(dtype: DType, kinds: &[&str]) -> Result<bool> {
    for kind in kinds {
        if isdtype(dtype, kind)? {
            return Ok(true);
        }
    }
    Ok(false)
}
