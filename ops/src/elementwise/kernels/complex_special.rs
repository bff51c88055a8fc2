//! The special cases of complex functions at infinities and NaN, as the
//! Array API standard lists them (C99/C11 Annex G): `num_complex`'s formulas
//! are right for finite inputs but give NaN where the standard gives an
//! infinity, a signed zero or a multiple of π. Each function takes the
//! finite path unchanged and otherwise answers from the standard's list,
//! written for the first quadrant and carried to the others by the
//! function's symmetry (conjugate, and odd or even).

macro_rules! complex_special {
    ($module:ident, $t:ident) => {
        /// The special cases for one float width.
        pub mod $module {
            use std::$t::consts::{FRAC_PI_2, FRAC_PI_4, PI};

            use tessera_chunk_core::num_complex::Complex;

            type C = Complex<$t>;
            const INF: $t = <$t>::INFINITY;
            const NAN: $t = <$t>::NAN;

            fn c(re: $t, im: $t) -> C {
                Complex::new(re, im)
            }

            fn finite(z: C) -> bool {
                z.re.is_finite() && z.im.is_finite()
            }

            /// `f(z)` from `f` on `(|re|, |im|)` for an odd function with
            /// conjugate symmetry (`f(-z) = -f(z)`, `f(conj z) = conj f(z)`).
            fn odd(z: C, f: impl Fn($t, $t) -> C) -> C {
                let mut w = f(z.re.abs(), z.im.abs());
                if z.im.is_sign_negative() {
                    w = w.conj();
                }
                if z.re.is_sign_negative() {
                    w = -w.conj();
                }
                w
            }

            /// The same for an even function with conjugate symmetry.
            fn even(z: C, f: impl Fn($t, $t) -> C) -> C {
                let w = f(z.re.abs(), z.im.abs());
                if z.re.is_sign_negative() != z.im.is_sign_negative() {
                    w.conj()
                } else {
                    w
                }
            }

            /// The same for a function with conjugate symmetry only.
            fn conjugate(z: C, f: impl Fn($t, $t) -> C) -> C {
                let w = f(z.re, z.im.abs());
                if z.im.is_sign_negative() {
                    w.conj()
                } else {
                    w
                }
            }

            /// `sqrt`: `+inf + inf j` on an infinite imaginary part, a branch of
            /// the infinite real part otherwise.
            pub fn sqrt(z: C) -> C {
                if finite(z) {
                    return z.sqrt();
                }
                conjugate(z, |x, y| {
                    if y.is_infinite() {
                        c(INF, INF)
                    } else if x == INF {
                        c(INF, if y.is_nan() { NAN } else { 0.0 })
                    } else if x == -INF {
                        if y.is_nan() {
                            c(NAN, INF)
                        } else {
                            c(0.0, INF)
                        }
                    } else {
                        c(NAN, NAN)
                    }
                })
            }

            /// `sinh` and `cosh` off the finite plane, in the first quadrant:
            /// they differ only on the imaginary axis (`at_zero`: sinh's
            /// `0 + NaN j`, cosh's `NaN + 0j`).
            fn hyperbolic(x: $t, y: $t, at_zero: C) -> C {
                if x == 0.0 {
                    at_zero
                } else if x.is_finite() {
                    c(NAN, NAN)
                } else if x == INF {
                    if y == 0.0 {
                        c(INF, 0.0)
                    } else if y.is_finite() {
                        c(INF * y.cos(), INF * y.sin())
                    } else {
                        c(INF, NAN)
                    }
                } else if y == 0.0 {
                    c(NAN, 0.0)
                } else {
                    c(NAN, NAN)
                }
            }

            /// `sinh` (odd).
            pub fn sinh(z: C) -> C {
                if finite(z) {
                    return z.sinh();
                }
                odd(z, |x, y| hyperbolic(x, y, c(0.0, NAN)))
            }

            /// `cosh` (even).
            pub fn cosh(z: C) -> C {
                if finite(z) {
                    return z.cosh();
                }
                even(z, |x, y| hyperbolic(x, y, c(NAN, 0.0)))
            }

            /// `tanh` (odd): 1 at a real +inf, `+0 + NaN j` on the imaginary axis.
            pub fn tanh(z: C) -> C {
                if finite(z) {
                    return z.tanh();
                }
                odd(z, |x, y| {
                    if x == INF {
                        // The standard's `1 + 0j` (C99 signs the zero by sin(2y)).
                        c(1.0, 0.0)
                    } else if x == 0.0 {
                        c(0.0, NAN)
                    } else if x.is_nan() && y == 0.0 {
                        c(NAN, 0.0)
                    } else {
                        c(NAN, NAN)
                    }
                })
            }

            /// `expm1`: `-1` at a real -inf, `inf` (with NaN or `cis(y)`) at +inf.
            pub fn expm1(z: C) -> C {
                let (x, y) = (z.re, z.im);
                if x == 0.0 && y == 0.0 {
                    return c(0.0, y); // the standard's `0 + 0j` for either zero
                }
                if finite(z) {
                    // cos(y) - 1 = -2 sin²(y/2), kept precise near zero (NumPy's form).
                    let h = (y / 2.0).sin();
                    return c(x.exp_m1() * y.cos() - 2.0 * h * h, x.exp() * y.sin());
                }
                if y == 0.0 && !x.is_nan() {
                    return c(x.exp_m1(), y);
                }
                if x.is_nan() {
                    return c(NAN, if y == 0.0 { y } else { NAN });
                }
                if x == -INF {
                    return if y.is_finite() {
                        c(-1.0, (0.0 as $t).copysign(y.sin()))
                    } else {
                        c(-1.0, 0.0)
                    };
                }
                if x == INF {
                    return if y.is_finite() {
                        c(INF * y.cos() - 1.0, INF * y.sin())
                    } else {
                        c(INF, NAN)
                    };
                }
                c(NAN, NAN)
            }

            /// `asinh` (odd).
            pub fn asinh(z: C) -> C {
                if finite(z) {
                    return z.asinh();
                }
                odd(z, |x, y| {
                    if x.is_nan() {
                        if y == 0.0 {
                            c(NAN, 0.0)
                        } else if y == INF {
                            c(INF, NAN)
                        } else {
                            c(NAN, NAN)
                        }
                    } else if x == INF {
                        if y.is_nan() {
                            c(INF, NAN)
                        } else if y == INF {
                            c(INF, FRAC_PI_4)
                        } else {
                            c(INF, 0.0)
                        }
                    } else if y == INF {
                        c(INF, FRAC_PI_2)
                    } else {
                        c(NAN, NAN)
                    }
                })
            }

            /// `atanh` (odd): `+inf` at 1, `+0 + π/2 j` towards infinity.
            pub fn atanh(z: C) -> C {
                if z.re.abs() == 1.0 && z.im == 0.0 {
                    return c(INF.copysign(z.re), z.im);
                }
                if finite(z) {
                    return z.atanh();
                }
                odd(z, |x, y| {
                    if y == INF {
                        c(0.0, FRAC_PI_2)
                    } else if x == INF {
                        c(0.0, if y.is_nan() { NAN } else { FRAC_PI_2 })
                    } else if x == 0.0 && y.is_nan() {
                        c(0.0, NAN)
                    } else {
                        c(NAN, NAN)
                    }
                })
            }

            /// `acosh` (conjugate symmetry only).
            pub fn acosh(z: C) -> C {
                if finite(z) {
                    return z.acosh();
                }
                conjugate(z, |x, y| {
                    if y == INF {
                        if x.is_finite() {
                            c(INF, FRAC_PI_2)
                        } else if x == INF {
                            c(INF, FRAC_PI_4)
                        } else if x == -INF {
                            c(INF, 3.0 * FRAC_PI_4)
                        } else {
                            c(INF, NAN)
                        }
                    } else if x.is_infinite() {
                        if y.is_nan() {
                            c(INF, NAN)
                        } else if x > 0.0 {
                            c(INF, 0.0)
                        } else {
                            c(INF, PI)
                        }
                    } else if x == 0.0 && y.is_nan() {
                        c(NAN, FRAC_PI_2)
                    } else {
                        c(NAN, NAN)
                    }
                })
            }

            /// `acos` (conjugate symmetry only).
            pub fn acos(z: C) -> C {
                if finite(z) {
                    return z.acos();
                }
                conjugate(z, |x, y| {
                    if y == INF {
                        if x.is_finite() {
                            c(FRAC_PI_2, -INF)
                        } else if x == INF {
                            c(FRAC_PI_4, -INF)
                        } else if x == -INF {
                            c(3.0 * FRAC_PI_4, -INF)
                        } else {
                            c(NAN, -INF)
                        }
                    } else if x.is_infinite() {
                        if y.is_nan() {
                            c(NAN, INF)
                        } else if x > 0.0 {
                            c(0.0, -INF)
                        } else {
                            c(PI, -INF)
                        }
                    } else if x == 0.0 && y.is_nan() {
                        c(FRAC_PI_2, NAN)
                    } else {
                        c(NAN, NAN)
                    }
                })
            }
        }
    };
}

complex_special!(f32s, f32);
complex_special!(f64s, f64);

#[cfg(test)]
mod tests {
    use super::f64s::*;
    use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, PI};
    use tessera_chunk_core::num_complex::Complex;

    const INF: f64 = f64::INFINITY;
    const NAN: f64 = f64::NAN;

    /// Equal parts, NaN equal to NaN, zeros compared with their signs.
    fn is(got: Complex<f64>, re: f64, im: f64) {
        let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
        assert!(
            same(got.re, re) && same(got.im, im),
            "{got} vs {re} + {im}j"
        );
    }

    /// Cases from the standard's lists (2024.12), one or two per rule, with
    /// the symmetric ones the rules imply.
    #[test]
    fn the_standards_special_cases() {
        let z = Complex::new;
        is(sqrt(z(1.0, INF)), INF, INF);
        is(sqrt(z(NAN, -INF)), INF, -INF);
        is(sqrt(z(INF, 2.0)), INF, 0.0);
        is(sqrt(z(-INF, 2.0)), 0.0, INF);
        is(sqrt(z(-INF, -2.0)), 0.0, -INF);
        is(sqrt(z(INF, NAN)), INF, NAN);
        is(sqrt(z(3.0, NAN)), NAN, NAN);
        is(sinh(z(0.0, INF)), 0.0, NAN);
        is(sinh(z(INF, 0.0)), INF, 0.0);
        is(sinh(z(-INF, -0.0)), -INF, -0.0);
        is(sinh(z(NAN, 0.0)), NAN, 0.0);
        is(sinh(z(2.0, INF)), NAN, NAN);
        is(cosh(z(0.0, INF)), NAN, 0.0);
        is(cosh(z(INF, 0.0)), INF, 0.0);
        is(cosh(z(-INF, 0.0)), INF, -0.0);
        is(cosh(z(INF, INF)), INF, NAN);
        is(tanh(z(INF, 1.0)), 1.0, 0.0);
        is(tanh(z(-INF, INF)), -1.0, 0.0);
        is(tanh(z(0.0, INF)), 0.0, NAN);
        is(tanh(z(NAN, 0.0)), NAN, 0.0);
        is(expm1(z(-INF, INF)), -1.0, 0.0);
        is(expm1(z(-0.0, 0.0)), 0.0, 0.0);
        is(expm1(z(INF, INF)), INF, NAN);
        is(expm1(z(INF, 0.0)), INF, 0.0);
        is(expm1(z(NAN, 0.0)), NAN, 0.0);
        is(expm1(z(3.0, INF)), NAN, NAN);
        is(asinh(z(1.0, INF)), INF, FRAC_PI_2);
        is(asinh(z(INF, INF)), INF, FRAC_PI_4);
        is(asinh(z(INF, 1.0)), INF, 0.0);
        is(asinh(z(NAN, 0.0)), NAN, 0.0);
        is(asinh(z(NAN, INF)), INF, NAN);
        is(atanh(z(1.0, 0.0)), INF, 0.0);
        is(atanh(z(-1.0, 0.0)), -INF, 0.0);
        is(atanh(z(1.0, INF)), 0.0, FRAC_PI_2);
        is(atanh(z(INF, 2.0)), 0.0, FRAC_PI_2);
        is(atanh(z(INF, NAN)), 0.0, NAN);
        is(atanh(z(0.0, NAN)), 0.0, NAN);
        is(atanh(z(NAN, INF)), 0.0, FRAC_PI_2);
        is(acosh(z(1.0, INF)), INF, FRAC_PI_2);
        is(acosh(z(-INF, 1.0)), INF, PI);
        is(acosh(z(INF, 1.0)), INF, 0.0);
        is(acosh(z(-INF, INF)), INF, 3.0 * FRAC_PI_4);
        is(acosh(z(INF, -INF)), INF, -FRAC_PI_4);
        is(acosh(z(0.0, NAN)), NAN, FRAC_PI_2);
        is(acosh(z(NAN, INF)), INF, NAN);
        is(acos(z(1.0, INF)), FRAC_PI_2, -INF);
        is(acos(z(-INF, 1.0)), PI, -INF);
        is(acos(z(INF, 1.0)), 0.0, -INF);
        is(acos(z(INF, INF)), FRAC_PI_4, -INF);
        is(acos(z(0.0, NAN)), FRAC_PI_2, NAN);
        is(acos(z(NAN, INF)), NAN, -INF);
        is(acos(z(1.0, -INF)), FRAC_PI_2, INF);
        // Finite inputs take num_complex's path unchanged.
        let w = z(0.3, -0.7);
        assert_eq!(sqrt(w), w.sqrt());
        assert_eq!(acos(w), w.acos());
    }
}
