//! A counter-based random generator: the value of element `g` of an array
//! depends only on the seed and `g`, so the same seed gives the same array
//! whatever the chunking, the scheduler, or the order blocks run in.
//!
//! Each element owns a stream of 64-bit words `word(key, g, j)`, a SplitMix64
//! style mix of the seed, the element's flat index and the draw number.
//! Normals come from a 256-layer ziggurat (Marsaglia & Tsang), which uses one
//! word for ~99% of draws.

use std::sync::OnceLock;

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// Stafford's "mix13" finaliser (as in SplitMix64): a bijection with full avalanche.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The per-seed key of the element streams.
#[inline]
pub fn key_of(seed: u64) -> u64 {
    mix(seed ^ 0x5EED_5EED_5EED_5EED)
}

/// The stream of one element.
pub struct ElementStream {
    base: u64,
    draw: u64,
}

impl ElementStream {
    /// The stream of element `g` under `seed`.
    #[inline]
    pub fn new(seed: u64, g: u64) -> Self {
        Self::with_key(key_of(seed), g)
    }

    /// The stream of element `g` under a key from [`key_of`] (hoisted out of loops).
    #[inline]
    pub fn with_key(key: u64, g: u64) -> Self {
        // Two rounds of mixing (key, then element) decorrelate neighbouring elements and seeds.
        ElementStream {
            base: mix(key ^ g.wrapping_mul(GOLDEN)),
            draw: 0,
        }
    }

    /// The stream whose first word is `word` (from [`words_row`]).
    #[inline]
    pub fn from_word(word: u64) -> Self {
        ElementStream {
            base: word,
            draw: 0,
        }
    }

    /// The next 64 random bits. The first draw is the element's own hash
    /// (one mix per uniform value); later draws re-mix it with a counter.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.draw += 1;
        if self.draw == 1 {
            return self.base;
        }
        mix(self.base.wrapping_add(self.draw.wrapping_mul(GOLDEN)))
    }

    /// A uniform float in `[0, 1)` with 53 random bits.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A standard normal deviate (ziggurat).
    #[inline]
    pub fn normal(&mut self) -> f64 {
        let t = tables();
        loop {
            let bits = self.next_u64();
            let i = (bits & 0xff) as usize;
            // Symmetric uniform in [-1, 1) from the high 53 bits.
            let u = 2.0 * ((bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)) - 1.0;
            let x = u * t.x[i];
            if x.abs() < t.x[i + 1] {
                return x;
            }
            if i == 0 {
                return self.tail(u < 0.0);
            }
            let y = t.f[i + 1] + (t.f[i] - t.f[i + 1]) * self.uniform();
            if y < (-0.5 * x * x).exp() {
                return x;
            }
        }
    }

    /// A draw from the normal tail beyond `R` (Marsaglia's method).
    fn tail(&mut self, negative: bool) -> f64 {
        loop {
            let x = -(1.0 - self.uniform()).ln() / ZIG_R;
            let y = -(1.0 - self.uniform()).ln();
            if 2.0 * y >= x * x {
                return if negative { -(ZIG_R + x) } else { ZIG_R + x };
            }
        }
    }

    /// A uniform integer in `[0, n)` without modulo bias (Lemire's method), `n > 0`.
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            let low = m as u64;
            if low >= n.wrapping_neg() % n {
                return (m >> 64) as u64;
            }
        }
    }
}

/// Compile `$body` once for the machine's baseline and once each for AVX2 and
/// AVX-512, and pick at run time: the counter hash is 64-bit multiplies,
/// which only AVX-512DQ does in vector registers (about 7x faster measured).
macro_rules! multiversion {
    ($(#[$m:meta])* pub fn $name:ident($($a:ident: $t:ty),*) $body:block) => {
        $(#[$m])*
        pub fn $name($($a: $t),*) {
            #[inline(always)]
            fn generic($($a: $t),*) $body
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2")]
                fn avx512($($a: $t),*) {
                    generic($($a),*)
                }
                #[target_feature(enable = "avx2")]
                fn avx2($($a: $t),*) {
                    generic($($a),*)
                }
                if std::arch::is_x86_feature_detected!("avx512dq")
                    && std::arch::is_x86_feature_detected!("avx512vl")
                {
                    // SAFETY: the CPU has the features `avx512` is compiled for.
                    return unsafe { avx512($($a),*) };
                }
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: as above, for AVX2.
                    return unsafe { avx2($($a),*) };
                }
            }
            generic($($a),*)
        }
    };
}

multiversion! {
    /// The first words of the streams of elements `g, g + step, …` (one per
    /// slot of `out`), as [`ElementStream::with_key`] makes them.
    pub fn words_row(key: u64, g: u64, step: u64, out: &mut [u64]) {
        for (k, o) in out.iter_mut().enumerate() {
            let e = g.wrapping_add((k as u64).wrapping_mul(step));
            *o = mix(key ^ e.wrapping_mul(GOLDEN));
        }
    }
}

multiversion! {
    /// `low + span * u` for the uniform draws `u` of elements `g, g + step, …`,
    /// equal to [`ElementStream::uniform`] of each element's stream.
    pub fn uniform_row(key: u64, g: u64, step: u64, low: f64, span: f64, out: &mut [f64]) {
        for (k, o) in out.iter_mut().enumerate() {
            let e = g.wrapping_add((k as u64).wrapping_mul(step));
            let w = mix(key ^ e.wrapping_mul(GOLDEN));
            *o = low + span * ((w >> 11) as f64 * (1.0 / (1u64 << 53) as f64));
        }
    }
}

multiversion! {
    /// `loc + scale * z` for the standard normal draws `z` of elements `g,
    /// g + step, …`, equal to [`ElementStream::normal`] of each element's
    /// stream. The ziggurat's one-word fast path (~99% of draws) runs as a
    /// vector loop; the rest finish one by one.
    pub fn normal_row(key: u64, g: u64, step: u64, loc: f64, scale: f64, out: &mut [f64]) {
        let t = tables();
        let mut words = vec![0u64; out.len()];
        for (k, w) in words.iter_mut().enumerate() {
            let e = g.wrapping_add((k as u64).wrapping_mul(step));
            *w = mix(key ^ e.wrapping_mul(GOLDEN));
        }
        let mut slow = false;
        for (o, &bits) in out.iter_mut().zip(&words) {
            let i = (bits & 0xff) as usize;
            let u = 2.0 * ((bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)) - 1.0;
            let x = u * t.x[i];
            let fast = x.abs() < t.x[i + 1];
            slow |= !fast;
            // NaN marks a draw for the slow path (loc and scale are finite).
            *o = if fast { loc + scale * x } else { f64::NAN };
        }
        if slow {
            for (o, &bits) in out.iter_mut().zip(&words) {
                if o.is_nan() {
                    *o = loc + scale * ElementStream::from_word(bits).normal();
                }
            }
        }
    }
}

/// Rightmost layer edge of the 256-layer normal ziggurat.
const ZIG_R: f64 = 3.654_152_885_361_009;
/// Area of each layer.
const ZIG_V: f64 = 0.004_928_673_233_99;

struct Tables {
    x: [f64; 257],
    f: [f64; 257],
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let pdf = |x: f64| (-0.5 * x * x).exp();
        let mut x = [0.0; 257];
        let mut f = [0.0; 257];
        // x[0] is the width of the base strip as a rectangle of area V.
        x[0] = ZIG_V / pdf(ZIG_R);
        x[1] = ZIG_R;
        for i in 1..255 {
            let y = pdf(x[i]) + ZIG_V / x[i];
            x[i + 1] = if y >= 1.0 {
                0.0
            } else {
                (-2.0 * y.ln()).sqrt()
            };
        }
        x[256] = 0.0;
        x[255] = x[255].max(0.0);
        for i in 0..257 {
            f[i] = pdf(x[i]);
        }
        Tables { x, f }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moments(v: &[f64]) -> (f64, f64) {
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
        (mean, var)
    }

    #[test]
    fn normals_have_the_right_moments_and_tails() {
        let n = 2_000_000u64;
        let v: Vec<f64> = (0..n).map(|g| ElementStream::new(42, g).normal()).collect();
        let (mean, var) = moments(&v);
        // Standard errors: 1/sqrt(n) ≈ 7e-4 for the mean, sqrt(2/n) ≈ 1e-3 for the variance.
        assert!(mean.abs() < 4e-3, "mean {mean}");
        assert!((var - 1.0).abs() < 5e-3, "var {var}");
        let beyond2 = v.iter().filter(|x| x.abs() > 2.0).count() as f64 / n as f64;
        assert!((beyond2 - 0.0455).abs() < 2e-3, "P(|x|>2) = {beyond2}");
        let beyond4 = v.iter().filter(|x| x.abs() > 4.0).count() as f64 / n as f64;
        assert!((beyond4 - 6.33e-5).abs() < 3e-5, "P(|x|>4) = {beyond4}");
    }

    #[test]
    fn uniforms_are_uniform_and_streams_differ() {
        let v: Vec<f64> = (0..1_000_000u64)
            .map(|g| ElementStream::new(7, g).uniform())
            .collect();
        let (mean, var) = moments(&v);
        assert!((mean - 0.5).abs() < 2e-3);
        assert!((var - 1.0 / 12.0).abs() < 2e-3);
        assert!(v.iter().all(|&x| (0.0..1.0).contains(&x)));
        assert_ne!(
            ElementStream::new(1, 5).next_u64(),
            ElementStream::new(2, 5).next_u64()
        );
        assert_ne!(
            ElementStream::new(1, 5).next_u64(),
            ElementStream::new(1, 6).next_u64()
        );
    }

    #[test]
    fn bulk_rows_equal_element_streams() {
        let key = key_of(11);
        for step in [1u64, 3, 1000, (-7i64) as u64] {
            let g = 1_000_003u64;
            let mut words = vec![0u64; 37];
            words_row(key, g, step, &mut words);
            let mut unif = vec![0.0; 37];
            uniform_row(key, g, step, -2.0, 4.0, &mut unif);
            let mut norm = vec![0.0; 37];
            normal_row(key, g, step, 1.0, 3.0, &mut norm);
            for k in 0..37u64 {
                let e = g.wrapping_add(k.wrapping_mul(step));
                let mut s = ElementStream::with_key(key, e);
                assert_eq!(words[k as usize], s.next_u64());
                let u = -2.0 + 4.0 * ElementStream::with_key(key, e).uniform();
                assert_eq!(unif[k as usize].to_bits(), u.to_bits());
                let z = 1.0 + 3.0 * ElementStream::with_key(key, e).normal();
                assert_eq!(norm[k as usize].to_bits(), z.to_bits());
            }
        }
    }

    #[test]
    fn bounded_integers_cover_the_range() {
        let mut counts = [0usize; 6];
        for g in 0..60_000u64 {
            counts[ElementStream::new(3, g).below(6) as usize] += 1;
        }
        assert!(
            counts.iter().all(|&c| (9_400..10_600).contains(&c)),
            "{counts:?}"
        );
    }
}
