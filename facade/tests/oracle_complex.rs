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
    assert!(e.to_string().contains("not ordered"), "{e}");
}

/// NumPy's complex `log1p`: `log|1 + z| + i arg(1 + z)`.
fn log1p(v: C) -> C {
    let w = Complex::new(v.re + 1.0, v.im);
    Complex::new(w.re.hypot(w.im).ln(), w.im.atan2(w.re))
}

/// NumPy's complex `expm1`, written with `cos(b) - 1 = -2 sin²(b/2)`.
fn expm1(v: C) -> C {
    let h = (v.im / 2.0).sin();
    Complex::new(
        v.re.exp_m1() * v.im.cos() - 2.0 * h * h,
        v.re.exp() * v.im.sin(),
    )
}

/// The Array API's complex `sign`: `z / |z|`, 0 at 0, NaN for a NaN part,
/// the direction of the infinite parts when `|z|` is infinite.
fn sign(v: C) -> C {
    if v.re.is_nan() || v.im.is_nan() {
        return Complex::new(f64::NAN, f64::NAN);
    }
    if v.re == 0.0 && v.im == 0.0 {
        return Complex::new(0.0, 0.0);
    }
    let unit = |x: f64| if x.is_infinite() { x.signum() } else { 0.0 };
    if v.re.is_infinite() || v.im.is_infinite() {
        let (r, i) = (unit(v.re), unit(v.im));
        return Complex::new(r / r.hypot(i), i / r.hypot(i));
    }
    v / v.norm()
}

#[test]
fn complex_sign_is_a_unit_vector_and_log1p_keeps_small_values() {
    let z = tessera::from_array(
        ndarray::arr1(&[
            Complex::new(3.0, -4.0),
            Complex::new(-0.0, 0.0),
            Complex::new(f64::INFINITY, 1.0),
            Complex::new(1e-20, 1e-20),
            Complex::new(f64::MAX, f64::MAX),
        ])
        .into_dyn(),
        2,
    );
    let s = z.sign().compute().unwrap();
    assert_eq!(s[[0]], Complex::new(0.6, -0.8));
    assert_eq!(s[[1]], Complex::new(0.0, 0.0));
    assert_eq!(s[[2]], Complex::new(1.0, 0.0));
    // |z| overflows float64 here; the sign is still the unit diagonal.
    assert!((s[[4]] - Complex::new(0.5f64.sqrt(), 0.5f64.sqrt())).norm() < 1e-15);
    let l = z.log1p().compute().unwrap();
    // log1p(1e-20 + 1e-20i): NumPy's form keeps the imaginary part (1e-20) exactly.
    assert!((l[[3]].im - 1e-20).abs() < 1e-30, "{}", l[[3]]);
    let e = z.expm1().compute().unwrap();
    assert!((e[[3]].re - 1e-20).abs() < 1e-30, "{}", e[[3]]);
}

#[test]
fn complex_unary_math_matches_each_element_on_every_scheduler() {
    let d = complexes(&[6, 5], 11);
    let z = tessera::from_array(d.clone(), [4, 2]);
    type F = fn(C) -> C;
    let cases: [(&str, Array<C>, F); 13] = [
        ("sqrt", z.sqrt(), |v| v.sqrt()),
        ("exp", z.exp(), |v| v.exp()),
        ("log", z.log(), |v| v.ln()),
        ("sin", z.sin(), |v| v.sin()),
        ("tanh", z.tanh(), |v| v.tanh()),
        ("asin", z.asin(), |v| v.asin()),
        ("square", z.square(), |v| v * v),
        ("negative", z.negative(), |v| -v),
        ("log2", z.log2(), |v| v.ln() / std::f64::consts::LN_2),
        ("log10", z.log10(), |v| v.ln() / std::f64::consts::LN_10),
        ("log1p", z.log1p(), log1p),
        ("expm1", z.expm1(), expm1),
        ("sign", z.sign(), sign),
    ];
    // Where a part is infinite or NaN, sqrt, tanh and expm1 follow the
    // standard's special cases (ops' unit tests list them), not the formulas.
    let special = ["sqrt", "tanh", "expm1"];
    for s in schedulers() {
        let opts = Compute::new().scheduler(s.as_ref());
        for (name, got, f) in &cases {
            let got = got.compute_with(&opts).unwrap();
            for (&v, &g) in d.iter().zip(got.iter()) {
                let finite = v.re.is_finite() && v.im.is_finite();
                if special.contains(name) && !finite {
                    continue;
                }
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn complex_mean_var_std_match_numpys_definitions(
        (shape, chunks) in shape_and_chunks(),
        seed in any::<u64>(),
        pick in any::<usize>(),
        ddof in 0u32..2,
    ) {
        let d = seeded(&shape, seed, |r| Complex::new((r % 7) as f64 - 3.0, (r / 7 % 5) as f64 / 4.0));
        let x = tessera::from_array(d.clone(), Chunks::new(chunks.clone()).unwrap());
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * (1.0 + b.abs()) || (a.is_nan() && b.is_nan());
        // NumPy: mean = sum / n; var = sum |z - mean|² / (n - ddof); std = sqrt(var).
        let stats = |lane: Vec<C>| {
            let n = lane.len() as f64;
            let mean = lane.iter().fold(Complex::new(0.0, 0.0), |a, &v| a + v) / n;
            let ss: f64 = lane.iter().map(|&v| (v - mean).norm_sqr()).sum();
            let var = ss / (n - ddof as f64).max(0.0);
            (mean, var, var.sqrt())
        };
        let axis = if shape.is_empty() { None } else { Some(pick % shape.len()) };
        let r = match axis {
            Some(ax) => tessera::axis(ax as i64).ddof(ddof),
            None => tessera::axes(Vec::<i64>::new()).ddof(ddof),
        };
        let (mean, var, std) = (x.mean_with(r.clone()), x.var_with(r.clone()), x.std_with(r));
        prop_assert_eq!(var.dtype(), tessera::DType::F64);
        for s in schedulers() {
            let opts = Compute::new().scheduler(s.as_ref());
            let (m, v, sd) = tessera::compute_with((&mean, &var, &std), &opts).unwrap();
            let want: Vec<(C, f64, f64)> = match axis {
                Some(ax) => d.lanes(ndarray::Axis(ax)).into_iter().map(|l| stats(l.to_vec())).collect(),
                None => d.iter().map(|&v| stats(vec![v])).collect(),
            };
            prop_assert_eq!(m.len(), want.len());
            for (((g, gv), gs), (wm, wv, ws)) in m.iter().zip(&v).zip(&sd).zip(&want) {
                prop_assert!(close(g.re, wm.re) && close(g.im, wm.im), "mean {} vs {}", g, wm);
                prop_assert!(close(*gv, *wv), "var {} vs {}", gv, wv);
                prop_assert!(close(*gs, *ws), "std {} vs {}", gs, ws);
            }
        }
    }
}

#[test]
fn complex64_variance_is_float32() {
    let z = tessera::ones::<Complex<f32>>([3, 2], 2);
    assert_eq!(z.var().dtype(), tessera::DType::F32);
    assert_eq!(
        z.std().compute().unwrap().iter().next().copied(),
        Some(0.0f32)
    );
    assert_eq!(z.mean().dtype(), tessera::DType::Complex64);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn complex_matmul_and_vecdot_match_direct_sums(
        m in 0usize..6, k in 0usize..6, n in 0usize..6,
        cm in 1usize..4, ck in 1usize..4, cn in 1usize..4,
        seed in any::<u64>(),
    ) {
        let val = |r: u64| Complex::new((r % 7) as f64 - 3.0, (r / 7 % 5) as f64 - 2.0);
        let a = seeded(&[m, k], seed, val);
        let b = seeded(&[k, n], seed ^ 1, val);
        let x = tessera::from_array(a.clone(), [cm, ck]);
        let y = tessera::from_array(b.clone(), [ck, cn]);
        let prod = x.matmul(&y);
        // vecdot over the rows of a with the columns of b, transposed: conj(a) · b.
        let bt = tessera::from_array(b.t().to_owned().into_dyn(), [cn, ck]);
        let dots = if m == n { Some(x.vecdot(&bt, -1)) } else { None };
        for s in schedulers() {
            let opts = Compute::new().scheduler(s.as_ref());
            let got = prod.compute_with(&opts).unwrap();
            prop_assert_eq!(got.shape(), &[m, n]);
            for i in 0..m {
                for j in 0..n {
                    let want = (0..k).fold(Complex::new(0.0, 0.0), |acc, p| acc + a[[i, p]] * b[[p, j]]);
                    // Small integers: every sum is exact whatever the order.
                    prop_assert_eq!(got[[i, j]], want);
                }
            }
            if let Some(d) = &dots {
                let got = d.compute_with(&opts).unwrap();
                for i in 0..m {
                    let want = (0..k).fold(Complex::new(0.0, 0.0), |acc, p| acc + a[[i, p]].conj() * b[[p, i]]);
                    prop_assert_eq!(got[[i]], want);
                }
            }
        }
    }
}

#[test]
fn broadcast_arrays_and_meshgrid_keep_each_dtype() {
    let z = tessera::DynArray::from(tessera::from_array(
        ndarray::arr1(&[Complex::new(1.0, -1.0), Complex::new(2.0, 0.5)]).into_dyn(),
        1,
    ));
    let i = tessera::DynArray::from(tessera::arange::<i16>(0.0, 3.0, 1.0, 2).reshape(&[3, 1]));
    let out = tessera::DynArray::broadcast_arrays(&[&z, &i]);
    assert_eq!(out[0].shape(), vec![3, 2]);
    assert_eq!(out[0].dtype(), tessera::DType::Complex128);
    assert_eq!(out[1].dtype(), tessera::DType::I16);
    let zz = out[0].typed::<C>().unwrap().compute().unwrap();
    let ii = out[1].typed::<i16>().unwrap().compute().unwrap();
    assert_eq!(zz[[2, 1]], Complex::new(2.0, 0.5));
    assert_eq!(ii[[2, 1]], 2);
    let x = tessera::DynArray::from(tessera::arange::<f32>(0.0, 3.0, 1.0, 2));
    let g = tessera::DynArray::meshgrid(&[&x, &z], tessera::Indexing::Ij);
    assert_eq!(
        (g[0].shape(), g[0].dtype()),
        (vec![3, 2], tessera::DType::F32)
    );
    assert_eq!(
        (g[1].shape(), g[1].dtype()),
        (vec![3, 2], tessera::DType::Complex128)
    );
    // A shape that does not broadcast is an error in every output, at check time.
    let bad = tessera::DynArray::from(tessera::ones::<f64>(5, 2));
    let out = tessera::DynArray::broadcast_arrays(&[&z, &bad]);
    assert!(out.iter().all(|a| a.check().is_err()));
}
