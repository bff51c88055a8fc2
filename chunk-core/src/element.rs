//! The sealed `Element` trait: the Rust types an array can hold, tied to their `DType`.

use std::fmt::Debug;

use ndarray::{ArcArray, IxDyn};
use num_complex::Complex;

use crate::block::Block;
use crate::dtype::DType;
use crate::error::{Error, Result};

mod sealed {
    /// Prevents impls outside this crate.
    pub trait Sealed {}
}

/// A type an array can hold. Sealed: only the types listed in [`DType`]'s
/// array types implement it, so every element type works everywhere.
pub trait Element:
    sealed::Sealed + Copy + Send + Sync + Debug + PartialEq + Default + 'static
{
    /// The dtype of this Rust type.
    const DTYPE: DType;
    /// NumPy's dtype for a sum or product of these values: `i64` for bool and
    /// signed integers, `u64` for unsigned ones, the type itself otherwise
    /// (agrees with [`crate::sum_dtype`]).
    type Sum: Element;
    /// NumPy's dtype for a mean, a true division or float math of these
    /// values: `f16`, `f32` and the complex types stay as they are,
    /// everything else is `f64`.
    type Float: Element;
    /// The dtype of its real and imaginary parts (`real(x)`): the float of
    /// the same width for complex types, itself for the others.
    type Real: Element;
    /// Wrap an array of this type in a type-erased block.
    fn into_block(array: ArcArray<Self, IxDyn>) -> Block;
    /// Borrow the array inside a block of this type.
    fn block_ref(block: &Block) -> Result<&ArcArray<Self, IxDyn>>;
    /// Take the array out of a block of this type.
    fn from_block(block: Block) -> Result<ArcArray<Self, IxDyn>>;
    /// Append the little-endian bytes of `values`.
    fn write_le(values: &[Self], out: &mut Vec<u8>);
    /// Read values from little-endian bytes (length a multiple of the item size).
    fn read_le(bytes: &[u8]) -> Vec<Self>;
    /// The values' memory as bytes, when that already is their little-endian
    /// encoding (integers and floats on little-endian machines): written as is.
    fn le_bytes(values: &[Self]) -> Option<&[u8]> {
        let _ = values;
        None
    }
    /// The same, writable: little-endian bytes read into it become the values.
    fn le_bytes_mut(values: &mut [Self]) -> Option<&mut [u8]> {
        let _ = values;
        None
    }
    /// Convert to `f64` (bool: 0 or 1), as NumPy's `astype(float64)`.
    fn to_f64(self) -> f64;
    /// Convert from `f64` as NumPy's `astype` does (truncating toward zero for integers).
    fn from_f64(v: f64) -> Self;
    /// As a complex number (real types have no imaginary part).
    fn to_complex(self) -> Complex<f64> {
        Complex::new(self.to_f64(), 0.0)
    }
    /// From a complex number (real types keep the real part, as NumPy's `astype`).
    fn from_complex(v: Complex<f64>) -> Self {
        Self::from_f64(v.re)
    }
}

/// The three `Element` methods that move arrays in and out of their `Block` variant.
macro_rules! block_access {
    ($variant:ident) => {
        fn into_block(array: ArcArray<Self, IxDyn>) -> Block {
            Block::$variant(array)
        }
        fn block_ref(block: &Block) -> Result<&ArcArray<Self, IxDyn>> {
            match block {
                Block::$variant(a) => Ok(a),
                other => Err(Error::DTypeMismatch {
                    expected: DType::$variant,
                    found: other.dtype(),
                }),
            }
        }
        fn from_block(block: Block) -> Result<ArcArray<Self, IxDyn>> {
            match block {
                Block::$variant(a) => Ok(a),
                other => Err(Error::DTypeMismatch {
                    expected: DType::$variant,
                    found: other.dtype(),
                }),
            }
        }
    };
}

macro_rules! numeric_element {
    ($t:ty, $variant:ident, $sum:ty, $float:ty) => {
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: DType = DType::$variant;
            type Sum = $sum;
            type Float = $float;
            type Real = Self;
            block_access!($variant);
            fn write_le(values: &[Self], out: &mut Vec<u8>) {
                out.reserve(std::mem::size_of_val(values));
                for v in values {
                    out.extend_from_slice(&v.to_le_bytes());
                }
            }
            fn le_bytes(values: &[Self]) -> Option<&[u8]> {
                cfg!(target_endian = "little").then(|| bytemuck::cast_slice(values))
            }
            fn le_bytes_mut(values: &mut [Self]) -> Option<&mut [u8]> {
                if cfg!(target_endian = "little") {
                    Some(bytemuck::cast_slice_mut(values))
                } else {
                    None
                }
            }
            fn read_le(bytes: &[u8]) -> Vec<Self> {
                bytes
                    .chunks_exact(std::mem::size_of::<$t>())
                    .map(|c| {
                        let mut a = [0u8; std::mem::size_of::<$t>()];
                        a.copy_from_slice(c);
                        <$t>::from_le_bytes(a)
                    })
                    .collect()
            }
            #[allow(clippy::cast_lossless)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            fn from_f64(v: f64) -> Self {
                v as $t
            }
        }
    };
}

numeric_element!(i8, I8, i64, f64);
numeric_element!(i16, I16, i64, f64);
numeric_element!(i32, I32, i64, f64);
numeric_element!(i64, I64, i64, f64);
numeric_element!(u8, U8, u64, f64);
numeric_element!(u16, U16, u64, f64);
numeric_element!(u32, U32, u64, f64);
numeric_element!(u64, U64, u64, f64);
numeric_element!(f32, F32, f32, f32);
numeric_element!(f64, F64, f64, f64);

impl sealed::Sealed for half::f16 {}
/// NumPy's `float16`: sums accumulate in `float32` ([`Element::Sum`] stays
/// `f16`, the dtype of the result), float math stays `float16`.
impl Element for half::f16 {
    const DTYPE: DType = DType::F16;
    type Sum = Self;
    type Float = Self;
    type Real = Self;
    block_access!(F16);
    fn write_le(values: &[Self], out: &mut Vec<u8>) {
        out.reserve(std::mem::size_of_val(values));
        for v in values {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    fn le_bytes(values: &[Self]) -> Option<&[u8]> {
        cfg!(target_endian = "little").then(|| bytemuck::cast_slice(values))
    }
    fn le_bytes_mut(values: &mut [Self]) -> Option<&mut [u8]> {
        if cfg!(target_endian = "little") {
            Some(bytemuck::cast_slice_mut(values))
        } else {
            None
        }
    }
    fn read_le(bytes: &[u8]) -> Vec<Self> {
        bytes
            .chunks_exact(2)
            .map(|c| half::f16::from_le_bytes([c[0], c[1]]))
            .collect()
    }
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    /// Rounds to nearest, ties to even, in one step (no double rounding
    /// through `f32`); beyond ±65504 (by half an ulp) gives ±inf, NaN stays NaN.
    fn from_f64(v: f64) -> Self {
        half::f16::from_bits(f64_to_f16_bits(v))
    }
}

/// The bits of the `float16` nearest to `x`, ties to even, rounded once from
/// all 53 bits of `x`, as NumPy's `npy_double_to_half`. (`half`'s own
/// `f16::from_f64` drops the low 32 bits of the significand before rounding,
/// so a value a hair above a tie rounds as the tie.) NaN keeps the top bits
/// of its payload, as NumPy's.
fn f64_to_f16_bits(x: f64) -> u16 {
    let bits = x.to_bits();
    let sign = ((bits >> 48) & 0x8000) as u16;
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let man = bits & ((1u64 << 52) - 1);
    if exp == 0x7ff {
        return if man == 0 {
            sign | 0x7c00
        } else {
            sign | 0x7c00 | ((man >> 42) as u16).max(1)
        };
    }
    let e = exp - 1023;
    if e >= 16 {
        return sign | 0x7c00;
    }
    if e < -25 {
        // Below 2^-25, half the smallest subnormal (f64 subnormals included).
        return sign;
    }
    let sig = man | (1u64 << 52);
    // Normal results keep 11 significant bits; subnormal ones count units of 2^-24.
    let shift = if e >= -14 { 42 } else { (28 - e) as u32 };
    let mut q = sig >> shift;
    let rest = sig & ((1u64 << shift) - 1);
    let half = 1u64 << (shift - 1);
    if rest > half || (rest == half && q & 1 == 1) {
        q += 1;
    }
    if e < -14 {
        // 1024 units (a carry) is the smallest normal, 0x0400, as it should be.
        return sign | q as u16;
    }
    let (q, e) = if q == 2048 { (1024, e + 1) } else { (q, e) };
    if e > 15 {
        return sign | 0x7c00;
    }
    sign | (((e + 15) as u16) << 10) | (q as u16 - 1024)
}

impl sealed::Sealed for bool {}
impl Element for bool {
    const DTYPE: DType = DType::Bool;
    type Sum = i64;
    type Float = f64;
    type Real = Self;
    block_access!(Bool);
    fn write_le(values: &[Self], out: &mut Vec<u8>) {
        out.extend(values.iter().map(|&b| u8::from(b)));
    }
    fn read_le(bytes: &[u8]) -> Vec<Self> {
        bytes.iter().map(|&b| b != 0).collect()
    }
    fn to_f64(self) -> f64 {
        f64::from(u8::from(self))
    }
    fn from_f64(v: f64) -> Self {
        v != 0.0
    }
}

macro_rules! complex_element {
    ($t:ty, $variant:ident) => {
        impl sealed::Sealed for Complex<$t> {}
        impl Element for Complex<$t> {
            const DTYPE: DType = DType::$variant;
            type Sum = Self;
            type Float = Self;
            type Real = $t;
            block_access!($variant);
            fn write_le(values: &[Self], out: &mut Vec<u8>) {
                out.reserve(std::mem::size_of_val(values));
                for v in values {
                    out.extend_from_slice(&v.re.to_le_bytes());
                    out.extend_from_slice(&v.im.to_le_bytes());
                }
            }
            fn read_le(bytes: &[u8]) -> Vec<Self> {
                let parts = <$t>::read_le(bytes);
                parts
                    .chunks_exact(2)
                    .map(|p| Complex::new(p[0], p[1]))
                    .collect()
            }
            fn to_f64(self) -> f64 {
                f64::from(self.re)
            }
            fn from_f64(v: f64) -> Self {
                Complex::new(v as $t, 0.0)
            }
            fn to_complex(self) -> Complex<f64> {
                Complex::new(f64::from(self.re), f64::from(self.im))
            }
            fn from_complex(v: Complex<f64>) -> Self {
                Complex::new(v.re as $t, v.im as $t)
            }
        }
    };
}

complex_element!(f32, Complex64);
complex_element!(f64, Complex128);

#[cfg(test)]
mod float16_rounding {
    use super::*;
    use half::f16;

    fn round(x: f64) -> u16 {
        <f16 as Element>::from_f64(x).to_bits()
    }

    #[test]
    fn every_float16_and_every_tie_rounds_to_nearest_even() {
        for b in 0..0x7c00u16 {
            let v = f64::from(f16::from_bits(b));
            assert_eq!(round(v), b, "{v}");
            assert_eq!(round(-v), b | 0x8000, "{v}");
            if b == 0x7bff {
                continue;
            }
            let next = f64::from(f16::from_bits(b + 1));
            let tie = (v + next) / 2.0;
            let even = if b & 1 == 0 { b } else { b + 1 };
            assert_eq!(round(tie), even, "tie {tie}");
            // A hair off the tie, in the low bits `half` drops, decides it.
            let hair = tie * 2f64.powi(-40);
            assert_eq!(round(tie + hair), b + 1, "{tie} + hair");
            assert_eq!(round(tie - hair), b, "{tie} - hair");
        }
    }

    /// Float math runs in f32 and rounds with `half`'s `f16::from_f32`
    /// (tessera-ops): that one rounds from all the bits.
    #[test]
    fn f32_ties_and_near_ties_round_to_nearest_even_through_half() {
        for b in 0..0x7bffu16 {
            let v = f16::from_bits(b).to_f32();
            let tie = (v + f16::from_bits(b + 1).to_f32()) / 2.0;
            let even = if b & 1 == 0 { b } else { b + 1 };
            assert_eq!(f16::from_f32(tie).to_bits(), even, "tie {tie}");
            let hair = tie * 2f32.powi(-20);
            assert_eq!(f16::from_f32(tie + hair).to_bits(), b + 1, "{tie} + hair");
            assert_eq!(f16::from_f32(tie - hair).to_bits(), b, "{tie} - hair");
        }
    }

    #[test]
    fn overflow_underflow_and_nan() {
        assert_eq!(round(65519.999), 0x7bff);
        assert_eq!(round(65520.0), 0x7c00);
        assert_eq!(round(-1e300), 0xfc00);
        assert_eq!(round(f64::INFINITY), 0x7c00);
        assert_eq!(round(2f64.powi(-25)), 0);
        assert_eq!(round(2f64.powi(-25) * (1.0 + f64::EPSILON)), 1);
        assert_eq!(round(-5e-324), 0x8000);
        assert_eq!(round(-0.0), 0x8000);
        assert_eq!(round(2f64.powi(-14) - 2f64.powi(-26)), 0x0400);
        assert_eq!(round(f64::NAN), 0x7e00);
        assert!(<f16 as Element>::from_f64(-f64::NAN).is_nan());
        // A NaN whose payload sits in the low bits stays NaN (not infinity).
        assert!(<f16 as Element>::from_f64(f64::from_bits(0x7ff0_0000_0000_0001)).is_nan());
    }
}

#[cfg(test)]
mod result_types {
    use super::*;

    fn check<T: Element>() {
        assert_eq!(
            <T::Sum as Element>::DTYPE,
            crate::sum_dtype(T::DTYPE),
            "{}",
            T::DTYPE
        );
        let float = match T::DTYPE {
            DType::F16 | DType::F32 | DType::Complex64 | DType::Complex128 => T::DTYPE,
            _ => DType::F64,
        };
        assert_eq!(<T::Float as Element>::DTYPE, float, "{}", T::DTYPE);
    }

    #[test]
    fn sums_and_means_take_numpys_dtypes() {
        check::<bool>();
        check::<i8>();
        check::<i16>();
        check::<i32>();
        check::<i64>();
        check::<u8>();
        check::<u16>();
        check::<u32>();
        check::<u64>();
        check::<half::f16>();
        check::<f32>();
        check::<f64>();
        check::<Complex<f32>>();
        check::<Complex<f64>>();
    }
}
