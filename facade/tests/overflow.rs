//! Arrays too large to address: every call that would make one returns an
//! error naming the shape, never a panic or a wrapped size, in debug and
//! release alike (the checks use `checked_*` arithmetic, not overflow traps).

use proptest::prelude::*;
use tessera::chunk_core::{normalize_chunks, DType, Error as ChunkError, MAX_SIZE};
use tessera::{Array, ChunkSpec, Element};

const HUGE_2D: [usize; 2] = [u64::MAX as usize / 2, 4];
const HUGE_3D: [usize; 3] = [1 << 40, 1 << 40, 1 << 40];

/// Building `x` failed with tessera's size error (which `check` returns), and
/// the message names `shape`.
fn assert_names_shape<T: Element>(x: Array<T>, shape: &[usize]) {
    let err = x.check().expect_err("an array this large must be refused");
    let msg = err.to_string();
    assert!(
        msg.contains("is too large") && msg.contains(&format!("{shape:?}")),
        "error should name the shape {shape:?}: {msg}"
    );
}

#[test]
fn creation_of_a_huge_array_names_the_shape() {
    for shape in [&HUGE_2D[..], &HUGE_3D[..]] {
        for chunks in [ChunkSpec::from("auto"), ChunkSpec::from(1usize << 20)] {
            assert_names_shape(tessera::zeros::<f64>(shape, chunks.clone()), shape);
            assert_names_shape(tessera::ones::<u8>(shape, chunks.clone()), shape);
            assert_names_shape(tessera::full::<i32>(shape, 7, chunks.clone()), shape);
            assert_names_shape(tessera::empty::<f32>(shape, chunks.clone()), shape);
            assert_names_shape(tessera::random::random(shape, chunks.clone(), 0), shape);
            assert_names_shape(
                tessera::random::normal(0.0, 1.0, shape, chunks.clone(), 0),
                shape,
            );
            assert_names_shape(
                tessera::random::integers(0, 10, shape, chunks.clone(), 0),
                shape,
            );
        }
    }
}

#[test]
fn element_count_that_fits_but_bytes_that_do_not() {
    // 2^61 elements fit; as float64 they are 2^64 bytes, which does not.
    let shape = [1usize << 61];
    assert_names_shape(tessera::zeros::<f64>(shape, "auto"), &shape);
    let err = tessera::zeros::<f64>(shape, "auto")
        .check()
        .unwrap_err()
        .to_string();
    assert!(err.contains("byte size as float64"), "{err}");
}

#[test]
fn arange_and_linspace_too_long() {
    let len = usize::MAX;
    assert_names_shape(
        tessera::arange::<f64>(0.0, f64::INFINITY, 1.0, "auto"),
        &[len],
    );
    assert_names_shape(tessera::arange::<i64>(0.0, 1e30, 1.0, 1 << 20), &[len]);
    assert_names_shape(tessera::linspace::<f64>(0.0, 1.0, len, "auto"), &[len]);
}

#[test]
fn reshape_to_a_huge_shape_is_refused() {
    let x = tessera::zeros::<f64>([4, 4], 2);
    let err = x.reshape(&[1 << 40, 1 << 40, 1 << 40]).check().unwrap_err();
    assert!(err.to_string().contains("[4, 4]"), "{err}");
    // Lengths whose product overflows, on an array they cannot match anyway.
    let err = x.reshape(&[i64::MAX, i64::MAX, -1]).check().unwrap_err();
    assert!(err.to_string().contains("[4, 4]"), "{err}");
}

#[test]
fn broadcasting_to_a_huge_shape_names_it() {
    let col = tessera::zeros::<u8>([1 << 40, 1], [1 << 40, 1]);
    let row = tessera::zeros::<u8>([1, 1 << 40], [1, 1 << 40]);
    assert_names_shape(&col + &row, &[1 << 40, 1 << 40]);
}

#[test]
fn concatenating_past_the_limit_names_the_shape() {
    // Each is 2^62 one-byte elements (fits); together 2^63 (does not).
    let half = 1usize << 62;
    let a = tessera::zeros::<u8>(half, half);
    assert_eq!(a.nbytes(), half as u64);
    assert_names_shape(tessera::concatenate(&[&a, &a], 0), &[2 * half]);
    assert_names_shape(tessera::stack(&[&a, &a, &a], 0), &[3, half]);
}

#[test]
fn normalize_chunks_auto_on_a_huge_shape() {
    for shape in [&HUGE_2D[..], &HUGE_3D[..]] {
        for spec in [ChunkSpec::from("auto"), ChunkSpec::from(1usize)] {
            let err =
                normalize_chunks(&spec, Some(shape), None, Some(DType::F64), None).unwrap_err();
            assert!(
                matches!(&err, ChunkError::SizeOverflow { shape: s, .. } if s == shape),
                "{err}"
            );
        }
    }
}

#[test]
fn chunks_whose_sum_overflows_are_refused() {
    let big = usize::MAX / 2 + 1;
    let err = tessera::chunk_core::Chunks::new(vec![vec![big, big]]).unwrap_err();
    assert!(matches!(err, ChunkError::SizeOverflow { .. }), "{err}");
    assert!(err.to_string().contains("axis 0"), "{err}");
    // Explicit chunk lengths given to normalize_chunks, too.
    let spec = ChunkSpec::explicit(vec![vec![big, big]]);
    assert!(normalize_chunks(&spec, None, None, None, None).is_err());
}

#[test]
fn the_largest_sizes_that_fit_still_work() {
    // Lazy arrays of up to isize::MAX bytes can be described (not computed).
    let x: Array<u8> = tessera::zeros([MAX_SIZE as usize], 1usize << 62);
    assert_eq!(x.nbytes(), MAX_SIZE);
    let y = tessera::random::random([1 << 30, 1 << 29], 1 << 20, 7);
    assert_eq!(y.nbytes(), 8 << 59);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any shape whose float64 byte size passes isize::MAX is refused by
    /// every creation function, with the shape in the message.
    #[test]
    fn any_too_large_shape_is_refused(
        shape in prop::collection::vec(1usize << 8..usize::MAX / 2, 2..5),
        chunk in 1usize..1 << 20,
    ) {
        let bytes = shape
            .iter()
            .try_fold(8u128, |a, &d| a.checked_mul(d as u128))
            .unwrap_or(u128::MAX);
        prop_assume!(bytes > MAX_SIZE as u128);
        let s = format!("{shape:?}");
        for r in [
            tessera::zeros::<f64>(shape.clone(), chunk).check(),
            tessera::ones::<f64>(shape.clone(), "auto").check(),
            tessera::random::random(shape.clone(), chunk, 1).check(),
        ] {
            let msg = r.expect_err("too large").to_string();
            prop_assert!(msg.contains(&s), "{msg}");
        }
    }
}
