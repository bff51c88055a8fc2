//! `Scalar`: a single value of any dtype, for fills and scalar operands.

use serde::{Deserialize, Serialize};
use tessera_chunk_core::{DType, Element};

/// One value, kept exactly for its kind (integers do not pass through `f64`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Scalar {
    /// A boolean.
    Bool(bool),
    /// A signed integer.
    Int(i64),
    /// An unsigned integer.
    UInt(u64),
    /// A float (±inf and NaN travel as the strings `"inf"`, `"-inf"`,
    /// `"nan"`, `"-nan"`: JSON has no number for them).
    Float(#[serde(with = "json_float")] f64),
}

/// A float in JSON, non-finite values included (kernel parameters cross to
/// worker processes as JSON, where `inf` would otherwise become `null`).
mod json_float {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        match *v {
            v if v.is_finite() => s.serialize_f64(v),
            v if v.is_nan() => s.serialize_str(if v.is_sign_negative() { "-nan" } else { "nan" }),
            v if v > 0.0 => s.serialize_str("inf"),
            _ => s.serialize_str("-inf"),
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Repr {
        Number(f64),
        Text(String),
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        match Repr::deserialize(d)? {
            Repr::Number(v) => Ok(v),
            Repr::Text(t) => match t.as_str() {
                "inf" => Ok(f64::INFINITY),
                "-inf" => Ok(f64::NEG_INFINITY),
                "nan" => Ok(f64::NAN),
                "-nan" => Ok(-f64::NAN),
                other => Err(D::Error::custom(format!(
                    "a float scalar is a number, \"inf\", \"-inf\", \"nan\" or \"-nan\", not {other:?}"
                ))),
            },
        }
    }
}

impl Scalar {
    /// The value as element type `T`, with NumPy's casting.
    pub fn cast<T: Element>(self) -> T {
        match (self, T::DTYPE) {
            (Scalar::Int(v), DType::I64) => T::from_f64(0.0).add_i64(v),
            (Scalar::UInt(v), DType::U64) => T::from_f64(0.0).add_u64(v),
            (Scalar::Bool(b), _) => T::from_f64(f64::from(u8::from(b))),
            (Scalar::Int(v), _) => T::from_f64(v as f64),
            (Scalar::UInt(v), _) => T::from_f64(v as f64),
            (Scalar::Float(v), _) => T::from_f64(v),
        }
    }

    /// The scalar of a typed value.
    pub fn of<T: Element>(v: T) -> Scalar {
        match T::DTYPE.kind() {
            'b' => Scalar::Bool(v.to_f64() != 0.0),
            'f' | 'c' => Scalar::Float(v.to_f64()),
            _ => exact_int(v),
        }
    }
}

fn exact_int<T: Element>(v: T) -> Scalar {
    // Through the little-endian bytes, so 64-bit integers stay exact.
    let mut bytes = Vec::new();
    T::write_le(&[v], &mut bytes);
    let mut wide = [0u8; 8];
    let signed = T::DTYPE.kind() == 'i';
    let negative = signed && bytes.last().is_some_and(|b| b & 0x80 != 0);
    if negative {
        wide = [0xff; 8];
    }
    wide[..bytes.len()].copy_from_slice(&bytes);
    if signed {
        Scalar::Int(i64::from_le_bytes(wide))
    } else {
        Scalar::UInt(u64::from_le_bytes(wide))
    }
}

/// Exact 64-bit integer construction for the two 64-bit integer types.
trait ExactInt {
    fn add_i64(self, v: i64) -> Self;
    fn add_u64(self, v: u64) -> Self;
}

impl<T: Element> ExactInt for T {
    fn add_i64(self, v: i64) -> Self {
        T::read_le(&v.to_le_bytes())
            .first()
            .copied()
            .unwrap_or(self)
    }
    fn add_u64(self, v: u64) -> Self {
        T::read_le(&v.to_le_bytes())
            .first()
            .copied()
            .unwrap_or(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_floats_travel_as_json() {
        for v in [
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            -0.0,
            1.5,
        ] {
            let json = serde_json::to_string(&Scalar::Float(v)).unwrap();
            let Scalar::Float(back) = serde_json::from_str(&json).unwrap() else {
                panic!("{json} is not a float scalar");
            };
            assert!(
                back.to_bits() == v.to_bits()
                    || (back.is_nan()
                        && v.is_nan()
                        && back.is_sign_negative() == v.is_sign_negative()),
                "{v} became {back} through {json}"
            );
        }
    }

    #[test]
    fn integers_stay_exact() {
        assert_eq!(Scalar::Int(i64::MAX).cast::<i64>(), i64::MAX);
        assert_eq!(Scalar::UInt(u64::MAX).cast::<u64>(), u64::MAX);
        assert_eq!(Scalar::of(-5i8), Scalar::Int(-5));
        assert_eq!(Scalar::of(u64::MAX), Scalar::UInt(u64::MAX));
        assert_eq!(Scalar::Float(2.7).cast::<i32>(), 2);
        assert!(Scalar::Int(3).cast::<bool>());
    }
}
