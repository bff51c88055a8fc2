//! `Block`: one chunk of data, type-erased over the element types, cheap to
//! clone (the data is shared), with a raw-byte encoding for moving between processes.

use ndarray::{ArcArray, ArrayD, IxDyn};

use crate::dtype::DType;
use crate::element::Element;
use crate::error::{Error, Result};

/// A chunk of array data of any supported dtype. Cloning shares the buffer.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// `bool` data.
    Bool(ArcArray<bool, IxDyn>),
    /// `int8` data.
    I8(ArcArray<i8, IxDyn>),
    /// `int16` data.
    I16(ArcArray<i16, IxDyn>),
    /// `int32` data.
    I32(ArcArray<i32, IxDyn>),
    /// `int64` data.
    I64(ArcArray<i64, IxDyn>),
    /// `uint8` data.
    U8(ArcArray<u8, IxDyn>),
    /// `uint16` data.
    U16(ArcArray<u16, IxDyn>),
    /// `uint32` data.
    U32(ArcArray<u32, IxDyn>),
    /// `uint64` data.
    U64(ArcArray<u64, IxDyn>),
    /// `float16` data.
    F16(ArcArray<half::f16, IxDyn>),
    /// `float32` data.
    F32(ArcArray<f32, IxDyn>),
    /// `float64` data.
    F64(ArcArray<f64, IxDyn>),
    /// `complex64` data.
    Complex64(ArcArray<num_complex::Complex<f32>, IxDyn>),
    /// `complex128` data.
    Complex128(ArcArray<num_complex::Complex<f64>, IxDyn>),
}

/// Run `$body` with `$a` bound to the typed array inside a block, whatever its dtype.
///
/// ```
/// use tessera_chunk_core::{with_block, Block};
/// let b = Block::from_array(ndarray::arr1(&[1.0f64, 2.0]).into_dyn());
/// let n = with_block!(&b, a => a.len());
/// assert_eq!(n, 2);
/// ```
#[macro_export]
macro_rules! with_block {
    ($block:expr, $a:ident => $body:expr) => {
        $crate::match_real_block!($block, $a => $body;
            $crate::Block::Complex64($a) => $body,
            $crate::Block::Complex128($a) => $body,
        )
    };
}

/// Like [`with_block!`] for the real (ordered) dtypes; complex blocks go to `$fallback`.
#[macro_export]
macro_rules! with_real_block {
    ($block:expr, $a:ident => $body:expr, complex => $fallback:expr) => {
        $crate::match_real_block!($block, $a => $body;
            $crate::Block::Complex64(_) | $crate::Block::Complex128(_) => $fallback,
        )
    };
}

/// The `match` behind [`with_block!`] and [`with_real_block!`]: one arm per
/// real dtype running `$body`, then the complex arms the caller gives.
#[doc(hidden)]
#[macro_export]
macro_rules! match_real_block {
    ($block:expr, $a:ident => $body:expr; $($complex:tt)*) => {
        match $block {
            $crate::Block::Bool($a) => $body,
            $crate::Block::I8($a) => $body,
            $crate::Block::I16($a) => $body,
            $crate::Block::I32($a) => $body,
            $crate::Block::I64($a) => $body,
            $crate::Block::U8($a) => $body,
            $crate::Block::U16($a) => $body,
            $crate::Block::U32($a) => $body,
            $crate::Block::U64($a) => $body,
            $crate::Block::F16($a) => $body,
            $crate::Block::F32($a) => $body,
            $crate::Block::F64($a) => $body,
            $($complex)*
        }
    };
}

/// Magic bytes at the start of an encoded block ("TeSsera Block", version 1).
const MAGIC: &[u8; 4] = b"TSB1";

impl Block {
    /// Wrap a typed array (owned or shared).
    pub fn from_array<T: Element>(array: impl Into<ArcArray<T, IxDyn>>) -> Block {
        T::into_block(array.into())
    }

    /// Take the typed array out; an error if the dtype differs.
    pub fn into_array<T: Element>(self) -> Result<ArcArray<T, IxDyn>> {
        T::from_block(self)
    }

    /// Borrow the typed array; an error if the dtype differs.
    pub fn as_array<T: Element>(&self) -> Result<&ArcArray<T, IxDyn>> {
        T::block_ref(self)
    }

    /// The element type.
    pub fn dtype(&self) -> DType {
        match self {
            Block::Bool(_) => DType::Bool,
            Block::I8(_) => DType::I8,
            Block::I16(_) => DType::I16,
            Block::I32(_) => DType::I32,
            Block::I64(_) => DType::I64,
            Block::U8(_) => DType::U8,
            Block::U16(_) => DType::U16,
            Block::U32(_) => DType::U32,
            Block::U64(_) => DType::U64,
            Block::F16(_) => DType::F16,
            Block::F32(_) => DType::F32,
            Block::F64(_) => DType::F64,
            Block::Complex64(_) => DType::Complex64,
            Block::Complex128(_) => DType::Complex128,
        }
    }

    /// The shape of the chunk.
    pub fn shape(&self) -> &[usize] {
        with_block!(self, a => a.shape())
    }

    /// Rows `start..start + len` of the first axis, sharing this block's data.
    pub fn slice_rows(&self, start: usize, len: usize) -> crate::Result<Block> {
        let rows = self.shape().first().copied().unwrap_or(0);
        if self.shape().is_empty() || start + len > rows {
            return Err(crate::Error::Unsupported {
                op: format!("taking rows {start}..{}", start + len),
                reason: format!("the block has shape {:?}", self.shape()),
            });
        }
        Ok(with_block!(self, a => Block::from_array(
            a.clone().slice_move(ndarray::s![start..start + len, ..]).into_dyn()
        )))
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        with_block!(self, a => a.len())
    }

    /// Whether the chunk holds no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of element data (not counting the header).
    pub fn nbytes(&self) -> usize {
        self.len() * self.dtype().itemsize()
    }

    /// Encode as bytes: `TSB1`, dtype code, ndim, shape as u64 LE, then the data
    /// little-endian in C order.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.header(self.nbytes());
        with_block!(self, a => encode_data(a, &mut out));
        out
    }

    /// The encoding's header, with room for `data` more bytes.
    fn header(&self, data: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(6 + 8 * self.shape().len() + data);
        out.extend_from_slice(MAGIC);
        out.push(dtype_code(self.dtype()));
        out.push(self.shape().len() as u8);
        for &d in self.shape() {
            out.extend_from_slice(&(d as u64).to_le_bytes());
        }
        out
    }

    /// Write [`Block::encode`]'s bytes to `w` without building them first:
    /// a contiguous block of integers or floats goes out from its own memory.
    pub fn write_to(&self, w: &mut impl std::io::Write) -> std::io::Result<()> {
        w.write_all(&self.header(0))?;
        with_block!(self, a => write_data(a, w))
    }

    /// Read a block written by [`Block::write_to`] (or [`Block::encode`])
    /// from `r`, which holds `len` bytes (a file's length), its data straight
    /// into the new block's memory; malformed or truncated input is an error,
    /// never a panic (nor an allocation the bytes cannot fill).
    pub fn read_from(r: &mut impl std::io::Read, len: u64) -> Result<Block> {
        let failed = |e: std::io::Error| Error::BlockDecode {
            reason: format!("reading the block failed: {e}"),
        };
        let mut head = [0u8; 6];
        r.read_exact(&mut head).map_err(failed)?;
        if &head[..4] != MAGIC {
            return Err(Error::BlockDecode {
                reason: "missing the TSB1 header".into(),
            });
        }
        let mut shape_bytes = vec![0u8; 8 * usize::from(head[5])];
        r.read_exact(&mut shape_bytes).map_err(failed)?;
        let mut header = head.to_vec();
        header.extend_from_slice(&shape_bytes);
        // The header alone decodes to the (checked) dtype and shape of an empty payload.
        let (dtype, shape, expected) = parse_header(&header)?;
        let found = len.saturating_sub(header.len() as u64);
        if found != expected as u64 {
            return Err(Error::BlockDecode {
                reason: format!(
                    "shape {shape:?} of {dtype} needs {expected} data bytes, found {found}"
                ),
            });
        }
        Ok(match dtype {
            DType::Bool => read_data::<bool>(&shape, expected, r)?,
            DType::I8 => read_data::<i8>(&shape, expected, r)?,
            DType::I16 => read_data::<i16>(&shape, expected, r)?,
            DType::I32 => read_data::<i32>(&shape, expected, r)?,
            DType::I64 => read_data::<i64>(&shape, expected, r)?,
            DType::U8 => read_data::<u8>(&shape, expected, r)?,
            DType::U16 => read_data::<u16>(&shape, expected, r)?,
            DType::U32 => read_data::<u32>(&shape, expected, r)?,
            DType::U64 => read_data::<u64>(&shape, expected, r)?,
            DType::F16 => read_data::<half::f16>(&shape, expected, r)?,
            DType::F32 => read_data::<f32>(&shape, expected, r)?,
            DType::F64 => read_data::<f64>(&shape, expected, r)?,
            DType::Complex64 => read_data::<num_complex::Complex<f32>>(&shape, expected, r)?,
            DType::Complex128 => read_data::<num_complex::Complex<f64>>(&shape, expected, r)?,
            other => {
                return Err(Error::UnsupportedDType {
                    dtype: other,
                    reason: "blocks hold only bool, integer, float and complex data".into(),
                })
            }
        })
    }

    /// Decode bytes written by [`Block::encode`]; malformed input is an error, never a panic.
    pub fn decode(bytes: &[u8]) -> Result<Block> {
        let (dtype, shape, expected) = parse_header(bytes)?;
        let data = &bytes[6 + 8 * shape.len()..];
        if data.len() != expected {
            return Err(Error::BlockDecode {
                reason: format!(
                    "shape {shape:?} of {dtype} needs {expected} data bytes, found {}",
                    data.len()
                ),
            });
        }
        Ok(match dtype {
            DType::Bool => decode_data::<bool>(&shape, data)?,
            DType::I8 => decode_data::<i8>(&shape, data)?,
            DType::I16 => decode_data::<i16>(&shape, data)?,
            DType::I32 => decode_data::<i32>(&shape, data)?,
            DType::I64 => decode_data::<i64>(&shape, data)?,
            DType::U8 => decode_data::<u8>(&shape, data)?,
            DType::U16 => decode_data::<u16>(&shape, data)?,
            DType::U32 => decode_data::<u32>(&shape, data)?,
            DType::U64 => decode_data::<u64>(&shape, data)?,
            DType::F16 => decode_data::<half::f16>(&shape, data)?,
            DType::F32 => decode_data::<f32>(&shape, data)?,
            DType::F64 => decode_data::<f64>(&shape, data)?,
            DType::Complex64 => decode_data::<num_complex::Complex<f32>>(&shape, data)?,
            DType::Complex128 => decode_data::<num_complex::Complex<f64>>(&shape, data)?,
            other => {
                return Err(Error::UnsupportedDType {
                    dtype: other,
                    reason: "blocks hold only bool, integer, float and complex data".into(),
                })
            }
        })
    }
}

fn encode_data<T: Element>(a: &ArcArray<T, IxDyn>, out: &mut Vec<u8>) {
    match a.as_slice() {
        Some(s) => T::write_le(s, out),
        None => {
            let owned: Vec<T> = a.iter().copied().collect();
            T::write_le(&owned, out);
        }
    }
}

/// The dtype, shape and data length named by the header at the start of `bytes`.
fn parse_header(bytes: &[u8]) -> Result<(DType, Vec<usize>, usize)> {
    let bad = |reason: &str| Error::BlockDecode {
        reason: reason.to_string(),
    };
    if bytes.len() < 6 || &bytes[..4] != MAGIC {
        return Err(bad("missing the TSB1 header"));
    }
    let dtype = dtype_from_code(bytes[4]).ok_or_else(|| bad("unknown dtype code"))?;
    let ndim = usize::from(bytes[5]);
    let data_start = 6 + 8 * ndim;
    if bytes.len() < data_start {
        return Err(bad("truncated shape"));
    }
    let shape = bytes[6..data_start]
        .chunks_exact(8)
        .map(|c| {
            let mut a = [0u8; 8];
            a.copy_from_slice(c);
            usize::try_from(u64::from_le_bytes(a)).map_err(|_| bad("axis length too large"))
        })
        .collect::<Result<Vec<usize>>>()?;
    let expected = shape
        .iter()
        .try_fold(dtype.itemsize(), |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| bad("shape overflows"))?;
    Ok((dtype, shape, expected))
}

fn write_data<T: Element>(
    a: &ArcArray<T, IxDyn>,
    w: &mut impl std::io::Write,
) -> std::io::Result<()> {
    if let Some(bytes) = a.as_slice().and_then(T::le_bytes) {
        return w.write_all(bytes);
    }
    let mut out = Vec::new();
    encode_data(a, &mut out);
    w.write_all(&out)
}

fn read_data<T: Element>(
    shape: &[usize],
    bytes: usize,
    r: &mut impl std::io::Read,
) -> Result<Block> {
    let truncated = |e: std::io::Error| Error::BlockDecode {
        reason: format!("shape {shape:?} needs {bytes} data bytes: {e}"),
    };
    let len: usize = shape.iter().product();
    let mut values = vec![T::default(); len];
    match T::le_bytes_mut(&mut values) {
        Some(raw) => r.read_exact(raw).map_err(truncated)?,
        None => {
            let mut raw = vec![0u8; bytes];
            r.read_exact(&mut raw).map_err(truncated)?;
            values = T::read_le(&raw);
        }
    }
    let array = ArrayD::from_shape_vec(IxDyn(shape), values).map_err(|e| Error::BlockDecode {
        reason: e.to_string(),
    })?;
    Ok(Block::from_array(array))
}

fn decode_data<T: Element>(shape: &[usize], data: &[u8]) -> Result<Block> {
    let values = T::read_le(data);
    let array = ArrayD::from_shape_vec(IxDyn(shape), values).map_err(|e| Error::BlockDecode {
        reason: e.to_string(),
    })?;
    Ok(Block::from_array(array))
}

/// The dtype of each code of the encoding (the code is the position). Fixed
/// once given: `float16` came later and took the next free code, so blocks
/// encoded before it decode the same (unlike [`DType::ALL`]'s order of kinds).
const CODES: [DType; 15] = [
    DType::Bool,
    DType::I8,
    DType::I16,
    DType::I32,
    DType::I64,
    DType::U8,
    DType::U16,
    DType::U32,
    DType::U64,
    DType::F32,
    DType::F64,
    DType::Complex64,
    DType::Complex128,
    DType::Object,
    DType::F16,
];

fn dtype_code(d: DType) -> u8 {
    CODES
        .iter()
        .position(|&x| x == d)
        .unwrap_or(u8::MAX as usize) as u8
}

fn dtype_from_code(c: u8) -> Option<DType> {
    CODES.get(usize::from(c)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::ArrayD;
    use proptest::prelude::*;

    #[test]
    fn clone_shares_data() {
        let b = Block::from_array(ArrayD::<f64>::zeros(IxDyn(&[1000])));
        let c = b.clone();
        let pa = b.as_array::<f64>().unwrap().as_ptr();
        let pc = c.as_array::<f64>().unwrap().as_ptr();
        assert_eq!(pa, pc);
        assert!(c.as_array::<i32>().is_err());
    }

    #[test]
    fn decode_rejects_garbage() {
        assert!(Block::decode(b"").is_err());
        assert!(Block::decode(b"XXXX\0\0").is_err());
        let mut good = Block::from_array(ndarray::arr2(&[[1i32, 2], [3, 4]]).into_dyn()).encode();
        good.pop();
        assert!(matches!(
            Block::decode(&good),
            Err(Error::BlockDecode { .. })
        ));
        let mut bad_dtype = Block::from_array(ndarray::arr0(1u8).into_dyn()).encode();
        bad_dtype[4] = 200;
        assert!(Block::decode(&bad_dtype).is_err());
    }

    #[test]
    fn non_contiguous_round_trip() {
        let a = ndarray::Array2::from_shape_fn((3, 4), |(i, j)| (i * 10 + j) as i64);
        let t = a.t().to_owned().into_dyn();
        let b = Block::from_array(a.t().into_owned().into_dyn());
        assert_eq!(Block::decode(&b.encode()).unwrap(), Block::from_array(t));
    }

    #[test]
    fn complex_round_trip() {
        use num_complex::Complex;
        let a = ndarray::arr1(&[Complex::new(1.5f64, -2.0), Complex::new(0.0, 3.25)]).into_dyn();
        let b = Block::from_array(a);
        assert_eq!(b.dtype(), DType::Complex128);
        assert_eq!(b.nbytes(), 32);
        assert_eq!(Block::decode(&b.encode()).unwrap(), b);
        let c = Block::from_array(ndarray::arr1(&[Complex::new(1.0f32, 2.0)]).into_dyn());
        assert_eq!(Block::decode(&c.encode()).unwrap(), c);
    }

    /// `write_to` writes exactly `encode`'s bytes and `read_from` reads them back.
    fn streams_like_encode(b: &Block) {
        let mut written = Vec::new();
        b.write_to(&mut written).unwrap();
        assert_eq!(written, b.encode());
        let back = Block::read_from(&mut written.as_slice(), written.len() as u64).unwrap();
        assert_eq!(&back, b);
    }

    #[test]
    fn streams_every_dtype_and_layout() {
        use num_complex::Complex;
        let a = ndarray::Array2::from_shape_fn((3, 4), |(i, j)| (i * 10 + j) as i64);
        streams_like_encode(&Block::from_array(a.clone().into_dyn()));
        streams_like_encode(&Block::from_array(a.t().into_owned().into_dyn()));
        streams_like_encode(&Block::from_array(a.mapv(|v| v as f32).into_dyn()));
        streams_like_encode(&Block::from_array(a.mapv(|v| v % 2 == 0).into_dyn()));
        streams_like_encode(&Block::from_array(a.mapv(|v| v as u8).into_dyn()));
        streams_like_encode(&Block::from_array(
            a.mapv(|v| Complex::new(v as f64, -1.0)).into_dyn(),
        ));
        streams_like_encode(&Block::from_array(ArrayD::<f64>::zeros(IxDyn(&[0, 3]))));
        streams_like_encode(&Block::from_array(ndarray::arr0(2.5f64).into_dyn()));
    }

    #[test]
    fn float16_round_trips_bit_for_bit() {
        use half::f16;
        let values = [
            f16::NAN,
            -f16::NAN,
            f16::INFINITY,
            f16::NEG_INFINITY,
            f16::NEG_ZERO,
            f16::from_bits(1),
            f16::MAX,
            f16::from_f32(-1.5),
        ];
        let a = ndarray::Array2::from_shape_fn((2, 4), |(i, j)| values[i * 4 + j]);
        for layout in [a.clone(), a.t().to_owned()] {
            let b = Block::from_array(layout.clone().into_dyn());
            assert_eq!((b.dtype(), b.nbytes()), (DType::F16, 16));
            let mut written = Vec::new();
            b.write_to(&mut written).unwrap();
            assert_eq!(written, b.encode());
            for back in [
                Block::decode(&written).unwrap(),
                Block::read_from(&mut written.as_slice(), written.len() as u64).unwrap(),
            ] {
                let back = back.into_array::<f16>().unwrap();
                assert_eq!(back.shape(), layout.shape());
                let bits = |x: &f16| x.to_bits();
                assert!(back.iter().map(bits).eq(layout.iter().map(bits)));
            }
        }
    }

    #[test]
    fn dtype_codes_stay_fixed() {
        // Codes of the dtypes before float16 are those of earlier encodings.
        assert_eq!(dtype_code(DType::F32), 9);
        assert_eq!(dtype_code(DType::Complex128), 12);
        assert_eq!(dtype_code(DType::F16), 14);
        for d in DType::ALL {
            assert_eq!(dtype_from_code(dtype_code(d)), Some(d));
        }
    }

    #[test]
    fn read_from_rejects_short_long_and_garbage_input() {
        let bytes = Block::from_array(ndarray::arr1(&[1.0f64, 2.0, 3.0]).into_dyn()).encode();
        let n = bytes.len() as u64;
        let short = &bytes[..bytes.len() - 1];
        for (input, len) in [
            (short, n - 1),
            (short, n),
            (&bytes[..], n + 8),
            (&b"XXXX\0\0"[..], 6),
        ] {
            let err = Block::read_from(&mut &input[..], len).unwrap_err();
            assert!(matches!(err, Error::BlockDecode { .. }), "{err:?}");
        }
        // A header claiming a huge shape is refused before anything is allocated.
        let mut huge = Block::from_array(ndarray::arr1(&[1u8]).into_dyn()).encode();
        huge[6..14].copy_from_slice(&(1u64 << 60).to_le_bytes());
        assert!(Block::read_from(&mut &huge[..], huge.len() as u64).is_err());
    }

    proptest! {
        #[test]
        fn round_trip_f64(shape in prop::collection::vec(0usize..5, 0..4), seed in any::<u64>()) {
            let n: usize = shape.iter().product();
            let v: Vec<f64> = (0..n).map(|i| (i as f64) * (seed as f64).sin()).collect();
            let b = Block::from_array(ArrayD::from_shape_vec(IxDyn(&shape), v).unwrap());
            prop_assert_eq!(Block::decode(&b.encode()).unwrap(), b);
        }

        #[test]
        fn round_trip_bool_and_u16(shape in prop::collection::vec(0usize..5, 0..4)) {
            let n: usize = shape.iter().product();
            let bools = Block::from_array(ArrayD::from_shape_vec(IxDyn(&shape), (0..n).map(|i| i % 3 == 0).collect()).unwrap());
            prop_assert_eq!(Block::decode(&bools.encode()).unwrap(), bools);
            let ints = Block::from_array(ArrayD::from_shape_vec(IxDyn(&shape), (0..n).map(|i| i as u16 * 7).collect()).unwrap());
            prop_assert_eq!(Block::decode(&ints.encode()).unwrap(), ints);
        }
    }
}
