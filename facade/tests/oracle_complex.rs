//! Oracle tests of complex arithmetic (`+ - * / **` between complex arrays,
//! and with real arrays promoted as NumPy 2 does): random shapes and
//! chunkings with zeros, infinities and NaN parts, against the same
//! operation on each element, on every scheduler.

use ndarray::ArrayD;
use proptest::prelude::*;
use tessera::chunk_core::num_complex::Complex;
use tessera::{Array, BinaryOp, Chunks, Compute};

mod common;

tessera::worker_test!();
use common::{schedulers, seeded, shape_and_chunks};

type C = Complex<f64>;

fn part(r: u64) -> f64 {
    match r % 9 {
        0 => 0.0,
        1 => -0.0,
        2 => f64::INFINITY,
        3 => f64::NAN,
        k => k as f64 / 2.0 - 2.0,
    }
}

fn complexes(shape: &[usize], seed: u64) -> ArrayD<C> {
    seeded(shape, seed, |r| Complex::new(part(r), part(r / 9)))
}

/// Bit-for-bit equal, NaNs equal whatever their payload.
fn same(a: C, b: C) -> bool {
    let eq = |x: f64, y: f64| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan());
    eq(a.re, b.re) && eq(a.im, b.im)
}

fn check(op: BinaryOp, f: fn(C, C) -> C, shape: &[usize], chunks: &[Vec<usize>], seed: u64) {
    let (a, b) = (complexes(shape, seed), complexes(shape, seed ^ 0x5eed));
    let cut = Chunks::new(chunks.to_vec()).unwrap();
    let (x, y) = (
        tessera::from_array(a.clone(), cut.clone()),
        tessera::from_array(b.clone(), cut),
    );
    let z: Array<C> = x.binary(op, &y);
    for s in schedulers() {
        let got = z
            .compute_with(&Compute::new().scheduler(s.as_ref()))
            .unwrap();
        for ((&p, &q), &g) in a.iter().zip(b.iter()).zip(got.iter()) {
            assert!(same(g, f(p, q)), "{op:?}: {p} {q} -> {g}, want {}", f(p, q));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn complex_arithmetic_matches_each_element(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
    ) {
        check(BinaryOp::Add, |p, q| p + q, &shape, &chunks, seed);
        check(BinaryOp::Sub, |p, q| p - q, &shape, &chunks, seed);
        check(BinaryOp::Mul, |p, q| p * q, &shape, &chunks, seed);
        check(BinaryOp::Div, |p, q| p / q, &shape, &chunks, seed);
        check(BinaryOp::Pow, |p, q| p.powc(q), &shape, &chunks, seed);
    }
}

#[test]
fn real_operands_promote_to_complex_as_numpy() {
    let z = tessera::from_array(
        ndarray::arr1(&[Complex::new(1.0f32, 2.0), Complex::new(-3.0, 0.5)]).into_dyn(),
        2,
    );
    let r = tessera::from_array(ndarray::arr1(&[2.0f64, 4.0]).into_dyn(), 2);
    // complex64 with float64 is complex128 (NumPy 2).
    let dz = tessera::DynArray::from(&z);
    let dr = tessera::DynArray::from(&r);
    let sum = dz.binary(BinaryOp::Mul, &dr).checked().unwrap();
    assert_eq!(sum.dtype(), tessera::DType::Complex128);
    let got = sum.typed::<C>().unwrap().compute().unwrap();
    assert_eq!(
        got.as_slice().unwrap(),
        &[Complex::new(2.0, 4.0), Complex::new(-12.0, 2.0)]
    );
}

#[test]
fn unordered_operations_on_complex_are_typed_errors() {
    let z = tessera::ones::<C>(4, 2);
    let e = z.binary::<C>(BinaryOp::Maximum, &z).check().unwrap_err();
    assert!(e.to_string().contains("complex"), "{e}");
    let e = z.binary::<bool>(BinaryOp::Lt, &z).check().unwrap_err();
    assert!(e.to_string().contains("complex"), "{e}");
}

#[test]
fn reciprocal_is_one_over_x_in_numpys_dtypes() {
    let f = tessera::from_array(
        ndarray::arr1(&[2.0f32, -0.0, 0.0, f32::INFINITY]).into_dyn(),
        2,
    );
    let got = f.reciprocal().compute().unwrap();
    assert_eq!(
        got.as_slice().unwrap(),
        &[0.5f32, f32::NEG_INFINITY, f32::INFINITY, 0.0]
    );
    let i = tessera::from_array(ndarray::arr1(&[4i16, -8]).into_dyn(), 1);
    let got: ndarray::ArrayD<f64> = i.reciprocal().compute().unwrap();
    assert_eq!(got.as_slice().unwrap(), &[0.25, -0.125]);
    let z = tessera::from_array(ndarray::arr1(&[Complex::new(0.0, 2.0)]).into_dyn(), 1);
    let got = z.reciprocal().compute().unwrap();
    assert_eq!(got.as_slice().unwrap(), &[Complex::new(0.0, -0.5)]);
}

#[test]
fn real_imag_conj_take_each_part_on_every_scheduler() {
    let d = complexes(&[5, 4], 7);
    let z = tessera::from_array(d.clone(), [2, 3]);
    let (re, im, cj) = (z.real(), z.imag(), z.conj());
    for s in schedulers() {
        let opts = Compute::new().scheduler(s.as_ref());
        let (re, im, cj) = tessera::compute_with((&re, &im, &cj), &opts).unwrap();
        for (((&v, &r), &i), &c) in d.iter().zip(&re).zip(&im).zip(&cj) {
            assert!(same(Complex::new(r, i), v));
            assert!(same(c, v.conj()));
        }
    }
    // complex64 parts are float32; real arrays are their own real part and conjugate.
    let z32 = tessera::ones::<Complex<f32>>(3, 2);
    assert_eq!(z32.real().dtype(), tessera::DType::F32);
    let x = tessera::from_array(ndarray::arr1(&[1.5f64, -0.0]).into_dyn(), 1);
    assert_eq!(x.real().compute().unwrap(), x.compute().unwrap());
    assert_eq!(x.conj().compute().unwrap(), x.compute().unwrap());
    assert_eq!(x.imag().compute().unwrap().as_slice().unwrap(), &[0.0, 0.0]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn complex_sums_and_products_match_a_direct_fold(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        pick in any::<usize>(),
    ) {
        let d = seeded(&shape, seed, |r| Complex::new((r % 7) as f64 - 3.0, (r / 7 % 5) as f64 / 4.0));
        let x = tessera::from_array(d.clone(), Chunks::new(chunks.clone()).unwrap());
        let close = |a: C, b: C| (a - b).norm() <= 1e-9 * (1.0 + b.norm());
        for s in schedulers() {
            let opts = Compute::new().scheduler(s.as_ref());
            let total = x.sum().compute_with(&opts).unwrap();
            let want: C = d.iter().fold(Complex::new(0.0, 0.0), |a, &v| a + v);
            prop_assert!(close(total.iter().next().copied().unwrap(), want));
            if !shape.is_empty() {
                let axis = pick % shape.len();
                let got = x.prod_with(axis as i64).compute_with(&opts).unwrap();
                let want = d.map_axis(ndarray::Axis(axis), |lane| {
                    lane.iter().fold(Complex::new(1.0, 0.0), |a, &v| a * v)
                });
                prop_assert_eq!(got.shape(), want.shape());
                for (g, w) in got.iter().zip(want.iter()) {
                    prop_assert!(close(*g, *w), "{} vs {}", g, w);
                }
            }
        }
    }
}

#[test]
fn complex_reductions_without_an_order_are_typed_errors() {
    let z = tessera::ones::<C>([4, 2], 2);
    let e = z.max().check().unwrap_err();
    assert!(e.to_string().contains("only sum and prod"), "{e}");
}

#[test]
fn complex_unary_math_matches_each_element_on_every_scheduler() {
    let d = complexes(&[6, 5], 11);
    let z = tessera::from_array(d.clone(), [4, 2]);
    type F = fn(C) -> C;
    let cases: [(&str, Array<C>, F); 8] = [
        ("sqrt", z.sqrt(), |v| v.sqrt()),
        ("exp", z.exp(), |v| v.exp()),
        ("log", z.log(), |v| v.ln()),
        ("sin", z.sin(), |v| v.sin()),
        ("tanh", z.tanh(), |v| v.tanh()),
        ("asin", z.asin(), |v| v.asin()),
        ("square", z.square(), |v| v * v),
        ("negative", z.negative(), |v| -v),
    ];
    for s in schedulers() {
        let opts = Compute::new().scheduler(s.as_ref());
        for (name, got, f) in &cases {
            let got = got.compute_with(&opts).unwrap();
            for (&v, &g) in d.iter().zip(got.iter()) {
                assert!(same(g, f(v)), "{name}({v}) = {g}, want {}", f(v));
            }
        }
        let modulus = z.abs().compute_with(&opts).unwrap();
        let nan = z.isnan().compute_with(&opts).unwrap();
        for ((&v, &m), &n) in d.iter().zip(&modulus).zip(&nan) {
            assert!(m.to_bits() == v.norm().to_bits() || (m.is_nan() && v.norm().is_nan()));
            assert_eq!(n, v.re.is_nan() || v.im.is_nan());
        }
    }
    // abs of complex64 is float32; ordering-based functions are typed errors.
    assert_eq!(
        tessera::ones::<Complex<f32>>(3, 2).abs().dtype(),
        tessera::DType::F32
    );
    let e = z.floor().check().unwrap_err();
    assert!(e.to_string().contains("complex"), "{e}");
}
