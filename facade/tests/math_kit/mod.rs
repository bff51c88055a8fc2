//! What the elementwise-math oracle files (oracle_math_unary,
//! oracle_math_binary, oracle_math_special) share: seeded data of every
//! dtype rich in NaN, ±inf, -0.0, MIN and MAX; NumPy's documented formulas as
//! plain element functions (through i128 for integers, so they do not share
//! the kernels' code); and the harness that runs an operation on random
//! shapes and chunkings on every scheduler and compares bit for bit.
#![allow(dead_code)]

use ndarray::{ArrayD, IxDyn, Zip};
use tessera::{Array, Chunks, Compute, Element, Rhs};

use crate::common::{schedulers, split};

/// An element type the kit makes values of and compares.
pub trait Sample: Element {
    /// A value from random bits, often a special one.
    fn sample(r: u64) -> Self;
    /// Equal as NumPy's exact answers are: bit for bit (-0.0 is not 0.0), any NaN equal to any NaN.
    fn same(a: Self, b: Self) -> bool {
        a == b
    }
}

macro_rules! float_sample {
    ($t:ty) => {
        impl Sample for $t {
            fn sample(r: u64) -> Self {
                let specials = [
                    <$t>::NAN,
                    <$t>::INFINITY,
                    <$t>::NEG_INFINITY,
                    0.0,
                    -0.0,
                    0.5,
                    -0.5,
                    2.5,
                    -1.0,
                    1.0,
                    <$t>::MAX,
                    <$t>::MIN_POSITIVE / 4.0,
                ];
                match (r % 24) as usize {
                    i if i < specials.len() => specials[i],
                    // Values in [-3, 3): the domains of asin, acosh, atanh and their edges.
                    _ => ((r >> 8) % 6000) as $t / 1000.0 - 3.0,
                }
            }
            fn same(a: Self, b: Self) -> bool {
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
            }
        }
    };
}

float_sample!(f64);
float_sample!(f32);

impl Sample for bool {
    fn sample(r: u64) -> Self {
        r & 1 == 1
    }
}

/// Integer types through i128, for oracles that share nothing with the kernels.
pub trait IntSample: Sample + Ord {
    /// The bit width.
    const BITS: u32;
    /// The value, exactly.
    fn wide(self) -> i128;
    /// `v` wrapped to this type (two's complement truncation, as NumPy's overflow).
    fn wrap(v: i128) -> Self;
}

macro_rules! int_sample {
    ($($t:ty),*) => {$(
        impl Sample for $t {
            fn sample(r: u64) -> Self {
                match r % 10 {
                    0 => <$t>::MIN,
                    1 => <$t>::MAX,
                    2 => 0,
                    // Small values, negative ones too (they wrap for unsigned types).
                    3..=6 => (((r >> 8) % 21) as $t).wrapping_sub(5),
                    // Shift counts around the bit width.
                    _ => ((r >> 8) % 70) as $t,
                }
            }
        }
        impl IntSample for $t {
            const BITS: u32 = <$t>::BITS;
            fn wide(self) -> i128 {
                self as i128
            }
            fn wrap(v: i128) -> Self {
                v as $t
            }
        }
    )*};
}

int_sample!(i8, i16, i32, i64, u8, u16, u32, u64);

/// Seeded values of `T` in `shape`.
pub fn data<T: Sample>(shape: &[usize], seed: u64) -> ArrayD<T> {
    let mut state = seed | 1;
    ArrayD::from_shape_fn(IxDyn(shape), |_| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        T::sample(state)
    })
}

/// `d` as a tessera array cut into `chunks`.
pub fn lazy<T: Element>(d: &ArrayD<T>, chunks: &[Vec<usize>]) -> Array<T> {
    tessera::from_array(d.clone(), Chunks::new(chunks.to_vec()).unwrap())
}

/// `x` computed on every scheduler equals `want` element for element by `same`.
pub fn agrees<U: Element>(x: &Array<U>, want: &ArrayD<U>, same: impl Fn(U, U) -> bool, what: &str) {
    for s in schedulers() {
        let got = x
            .compute_with(&Compute::new().scheduler(s.as_ref()))
            .unwrap_or_else(|e| panic!("{what} ({}): {e}", s.name()));
        assert_eq!(got.shape(), want.shape(), "{what} ({})", s.name());
        for (g, w) in got.iter().zip(want.iter()) {
            assert!(
                same(*g, *w),
                "{what} ({}, {}): got {g:?} want {w:?}\ngot  {got:?}\nwant {want:?}",
                s.name(),
                U::DTYPE
            );
        }
    }
}

/// A random case: shape, chunks and seed.
pub type Case<'a> = (&'a [usize], &'a [Vec<usize>], u64);

/// `op` of random `T` data against `oracle` applied to each element.
pub fn unary_case<T: Sample, U: Sample>(
    (shape, chunks, seed): Case<'_>,
    op: impl Fn(&Array<T>) -> Array<U>,
    oracle: impl Fn(T) -> U,
) {
    let d = data::<T>(shape, seed);
    let want = d.mapv(&oracle);
    let what = format!("{} of {shape:?} in {chunks:?}", T::DTYPE);
    agrees(&op(&lazy(&d, chunks)), &want, U::same, &what);
}

/// The right operand's shape: `pick` drops leading axes and sets some to
/// length 1, so it broadcasts against `shape`; its own chunks from `seed`.
pub fn broadcast_operand(shape: &[usize], pick: u64) -> (Vec<usize>, Vec<Vec<usize>>) {
    let drop = (pick as usize) % (shape.len() + 1);
    let b: Vec<usize> = shape[drop..]
        .iter()
        .enumerate()
        .map(|(k, &d)| if (pick >> (8 + k)) & 1 == 1 { 1 } else { d })
        .collect();
    let cuts = [1 + (pick >> 20) as usize % 3, 1 + (pick >> 24) as usize % 4];
    let chunks = b.iter().map(|&d| split(d, &cuts)).collect();
    (b, chunks)
}

/// `op(a, b)` of random `T` data against `oracle` on each pair, `b` an
/// array that broadcasts (odd `pick`) or a scalar (even `pick`); `prep`
/// shapes `b`'s values (exponents kept non-negative, say).
pub fn binary_case<T: Sample, U: Sample>(
    (shape, chunks, seed): Case<'_>,
    pick: u64,
    op: impl for<'a> Fn(&Array<T>, Rhs<'a, T>) -> Array<U>,
    prep: impl Fn(T) -> T,
    oracle: impl Fn(T, T) -> U,
) {
    let d = data::<T>(shape, seed);
    let a = lazy(&d, chunks);
    if pick.is_multiple_of(2) {
        let s = prep(T::sample(pick >> 1));
        let want = d.mapv(|x| oracle(x, s));
        let what = format!("{} of {shape:?} in {chunks:?} and scalar {s:?}", T::DTYPE);
        agrees(&op(&a, Rhs::Scalar(s)), &want, U::same, &what);
        return;
    }
    let (b_shape, b_chunks) = broadcast_operand(shape, pick);
    let e = data::<T>(&b_shape, seed ^ pick).mapv(&prep);
    let eb = e.broadcast(IxDyn(shape)).unwrap();
    let want = Zip::from(&d).and(&eb).map_collect(|&x, &y| oracle(x, y));
    let what = format!(
        "{} of {shape:?} in {chunks:?} and {b_shape:?} in {b_chunks:?}",
        T::DTYPE
    );
    agrees(
        &op(&a, Rhs::Array(&lazy(&e, &b_chunks))),
        &want,
        U::same,
        &what,
    );
}

/// NumPy's float formulas, written from their documentation (and CPython's
/// `float_divmod`), as methods of f32 and f64.
pub trait FloatOracle: Sample + Copy {
    /// `np.sign`.
    fn np_sign(self) -> Self;
    /// `np.maximum`.
    fn np_max(self, y: Self) -> Self;
    /// `np.minimum`.
    fn np_min(self, y: Self) -> Self;
    /// `np.logaddexp`.
    fn np_logaddexp(self, y: Self) -> Self;
    /// `floor_divide` (Python's divmod with the Array API's special cases for infinities).
    fn np_floordiv(self, y: Self) -> Self;
    /// `np.remainder`.
    fn np_rem(self, y: Self) -> Self;
    /// `np.nextafter`, from `next_up` / `next_down`.
    fn np_nextafter(self, y: Self) -> Self;
}

macro_rules! float_oracle {
    ($t:ty) => {
        impl FloatOracle for $t {
            fn np_sign(self) -> Self {
                if self.is_nan() {
                    self
                } else if self > 0.0 {
                    1.0
                } else if self < 0.0 {
                    -1.0
                } else {
                    0.0
                }
            }
            fn np_max(self, y: Self) -> Self {
                if self.is_nan() || y.is_nan() {
                    <$t>::NAN
                } else {
                    self.max(y)
                }
            }
            fn np_min(self, y: Self) -> Self {
                if self.is_nan() || y.is_nan() {
                    <$t>::NAN
                } else {
                    self.min(y)
                }
            }
            fn np_logaddexp(self, y: Self) -> Self {
                if self == y {
                    return self + std::f64::consts::LN_2 as $t;
                }
                let d = self - y;
                if d > 0.0 {
                    self + (-d).exp().ln_1p()
                } else if d <= 0.0 {
                    y + d.exp().ln_1p()
                } else {
                    d
                }
            }
            fn np_floordiv(self, y: Self) -> Self {
                // The Array API's special cases, written from its list, where
                // they differ from Python's divmod (which gives NaN and -1).
                if self.is_infinite() && y.is_finite() && y != 0.0 {
                    return self / y;
                }
                if self.is_finite() && self != 0.0 && y.is_infinite() {
                    return if (self < 0.0) == (y < 0.0) { 0.0 } else { -0.0 };
                }
                py_divmod(self, y).0
            }
            fn np_rem(self, y: Self) -> Self {
                py_divmod(self, y).1
            }
            fn np_nextafter(self, y: Self) -> Self {
                if self.is_nan() || y.is_nan() {
                    <$t>::NAN
                } else if self == y {
                    y
                } else if y > self {
                    self.next_up()
                } else {
                    self.next_down()
                }
            }
        }
    };
}

float_oracle!(f64);
float_oracle!(f32);

/// CPython's `float_divmod`; a zero divisor gives NumPy's `(a / b, fmod(a, b))`.
fn py_divmod<T>(a: T, b: T) -> (T, T)
where
    T: Copy
        + PartialOrd
        + std::ops::Rem<Output = T>
        + std::ops::Sub<Output = T>
        + std::ops::Add<Output = T>
        + std::ops::Div<Output = T>
        + FloatLike,
{
    let zero = T::from_f64(0.0);
    let one = T::from_f64(1.0);
    let mut m = a % b;
    if b == zero {
        return (a / b, m);
    }
    let mut div = (a - m) / b;
    if m != zero {
        if (b < zero) != (m < zero) {
            m = m + b;
            div = div - one;
        }
    } else {
        m = zero.copysign_(b);
    }
    let floordiv = if div != zero {
        let f = div.floor_();
        if div - f > T::from_f64(0.5) {
            f + one
        } else {
            f
        }
    } else {
        zero.copysign_(a / b)
    };
    (floordiv, m)
}

/// The two float methods `py_divmod` needs, for f32 and f64.
pub trait FloatLike: Element {
    /// `copysign`.
    fn copysign_(self, y: Self) -> Self;
    /// `floor`.
    fn floor_(self) -> Self;
}

impl FloatLike for f64 {
    fn copysign_(self, y: Self) -> Self {
        self.copysign(y)
    }
    fn floor_(self) -> Self {
        self.floor()
    }
}

impl FloatLike for f32 {
    fn copysign_(self, y: Self) -> Self {
        self.copysign(y)
    }
    fn floor_(self) -> Self {
        self.floor()
    }
}

/// NumPy's integer arithmetic, through i128.
pub trait IntOracle: IntSample {
    /// `-x`, wrapping.
    fn np_neg(self) -> Self {
        Self::wrap(-self.wide())
    }
    /// `abs(x)`, wrapping.
    fn np_abs(self) -> Self {
        Self::wrap(self.wide().abs())
    }
    /// `x * x`, wrapping.
    fn np_square(self) -> Self {
        Self::wrap(self.wide().wrapping_mul(self.wide()))
    }
    /// -1, 0, 1.
    fn np_sign(self) -> Self {
        Self::wrap(self.wide().signum())
    }
    /// `x // y`: toward -inf, 0 for a zero divisor, wrapping (`MIN // -1`).
    fn np_floordiv(self, y: Self) -> Self {
        match y.wide() {
            0 => Self::wrap(0),
            b => Self::wrap(floor_quotient(self.wide(), b)),
        }
    }
    /// `x % y` with the sign of `y`, 0 for a zero divisor.
    fn np_rem(self, y: Self) -> Self {
        let (a, b) = (self.wide(), y.wide());
        match b {
            0 => Self::wrap(0),
            _ => Self::wrap(a - b * floor_quotient(a, b)),
        }
    }
    /// `x << y`: 0 past the width or for a negative count.
    fn np_shl(self, y: Self) -> Self {
        let n = y.wide();
        if (0..i128::from(Self::BITS)).contains(&n) {
            Self::wrap(self.wide() << n)
        } else {
            Self::wrap(0)
        }
    }
    /// `x >> y`: the sign fill past the width or for a negative count.
    fn np_shr(self, y: Self) -> Self {
        let n = y.wide();
        if (0..i128::from(Self::BITS)).contains(&n) {
            Self::wrap(self.wide() >> n)
        } else {
            Self::wrap(if self.wide() < 0 { -1 } else { 0 })
        }
    }
    /// `x ** y` for `y >= 0`, wrapping at every step.
    fn np_pow(self, y: Self) -> Self {
        let mut out: i128 = 1;
        for _ in 0..y.wide() {
            out = Self::wrap(out.wrapping_mul(self.wide())).wide();
        }
        Self::wrap(out)
    }
}

/// `floor(a / b)` exactly.
fn floor_quotient(a: i128, b: i128) -> i128 {
    let q = a / b;
    if q * b != a && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

impl<T: IntSample> IntOracle for T {}

/// Truth value of an element (NaN is true, as in NumPy).
pub fn truthy<T: Element>(x: T) -> bool {
    x != T::default()
}
