//! Bad input to the Array API shape, indexing, scan and dtype functions:
//! each case gives a typed error saying what was wrong, carried by the array
//! (or returned), never a panic. One test per case.

use tessera::{Array, DType, Element, Indexing};

fn built<T: Element>(x: &Array<T>) -> String {
    match x.check() {
        Ok(()) => panic!("expected an error, got {x}"),
        Err(e) => e.to_string(),
    }
}

fn m23() -> Array<f64> {
    tessera::ones::<f64>([2, 3], 2)
}

#[test]
fn eye_with_chunk_length_zero() {
    let e = built(&tessera::eye::<f64>(4, None, 0, 0usize));
    assert!(e.contains("chunk length 0"), "{e}");
}

#[test]
fn eye_too_large_to_address() {
    let e = built(&tessera::eye::<f64>(usize::MAX / 2, None, 0, 1000));
    assert!(e.starts_with("eye"), "{e}");
}

#[test]
fn tril_of_a_vector() {
    let e = built(&tessera::ones::<f64>(4, 2).tril(0));
    assert!(e.contains("tril needs at least 2"), "{e}");
}

#[test]
fn triu_of_a_scalar() {
    let e = built(&tessera::ones::<f64>((), "auto").triu(1));
    assert!(e.contains("triu needs at least 2"), "{e}");
}

#[test]
fn broadcast_to_fewer_axes() {
    let e = built(&m23().broadcast_to([3]));
    assert!(
        e.contains("cannot broadcast shape [2, 3] to shape [3]"),
        "{e}"
    );
}

#[test]
fn broadcast_to_a_different_length() {
    let e = built(&m23().broadcast_to([2, 4]));
    assert!(e.contains("must be 1 or the target's length"), "{e}");
}

#[test]
fn broadcast_arrays_that_do_not_broadcast() {
    let (a, b) = (m23(), tessera::ones::<f64>(4, 2));
    let out = tessera::broadcast_arrays(&[&a, &b]);
    assert_eq!(out.len(), 2);
    for x in &out {
        let e = built(x);
        assert!(e.contains("cannot be broadcast together"), "{e}");
    }
}

#[test]
fn meshgrid_of_a_failed_array() {
    let bad = m23().broadcast_to([7]);
    let good = tessera::ones::<f64>(3, 2);
    let out = tessera::meshgrid(&[&good, &bad], Indexing::Ij);
    assert_eq!(out.len(), 2);
    assert!(out.iter().all(|g| g.check().is_err()));
}

#[test]
fn repeat_axis_out_of_range() {
    let e = built(&m23().repeat(2, Some(2)));
    assert!(e.contains("axis 2"), "{e}");
}

#[test]
fn repeat_count_overflows() {
    let e = built(&m23().repeat(usize::MAX, Some(0)));
    assert!(e.contains("overflow"), "{e}");
}

#[test]
fn repeat_counts_of_the_wrong_length() {
    let e = built(&m23().repeat_counts(&[1, 2], Some(1)));
    assert!(e.contains("2 counts for an axis of length 3"), "{e}");
}

#[test]
fn tile_too_many_copies() {
    let e = built(&m23().tile(&[usize::MAX, 2]));
    assert!(e.contains("copies"), "{e}");
}

#[test]
fn tile_zero_rep_overflows() {
    let e = built(&m23().tile(&[0, usize::MAX]));
    assert!(e.contains("overflow"), "{e}");
}

#[test]
fn unstack_axis_out_of_range() {
    let parts = m23().unstack(-3);
    assert_eq!(parts.len(), 1);
    let e = built(&parts[0]);
    assert!(e.contains("axis -3"), "{e}");
}

#[test]
fn matrix_transpose_of_a_vector() {
    let e = built(&tessera::ones::<f64>(3, 2).matrix_transpose());
    assert!(e.contains("needs at least 2"), "{e}");
}

#[test]
fn vecdot_lengths_differ_on_the_axis() {
    let e = built(&m23().vecdot(&tessera::ones::<f64>([2, 1], 1), -1));
    assert!(e.contains("must be equal"), "{e}");
}

#[test]
fn vecdot_axis_out_of_range() {
    let e = built(&m23().vecdot(&m23(), 2));
    assert!(e.contains("axis 2"), "{e}");
}

#[test]
fn take_along_axis_with_fewer_index_axes() {
    let i = tessera::zeros::<i64>(2, 2);
    let e = built(&m23().take_along_axis(&i, 0));
    assert!(e.contains("same number of dimensions"), "{e}");
}

#[test]
fn take_along_axis_with_float_indices() {
    let e = built(&m23().take_along_axis(&m23(), 1));
    assert!(e.contains("indices must be integers"), "{e}");
}

#[test]
fn take_along_axis_indices_that_do_not_broadcast() {
    let i = tessera::zeros::<i64>([3, 1], 2);
    let e = built(&m23().take_along_axis(&i, 1));
    assert!(e.contains("must match or be 1"), "{e}");
}

#[test]
fn cumulative_sum_without_axis_of_a_matrix() {
    let e = built(&m23().cumulative_sum(None, false));
    assert!(e.contains("give an axis"), "{e}");
}

#[test]
fn cumulative_prod_axis_out_of_range() {
    let e = built(&m23().cumulative_prod(Some(-3), true));
    assert!(e.contains("axis -3"), "{e}");
}

#[test]
fn finfo_of_an_integer_dtype() {
    let e = tessera::finfo(DType::I32).unwrap_err().to_string();
    assert!(e.contains("not a floating-point dtype"), "{e}");
}

#[test]
fn iinfo_of_a_float_dtype() {
    let e = tessera::iinfo(DType::F64).unwrap_err().to_string();
    assert!(e.contains("not an integer dtype"), "{e}");
}

#[test]
fn isdtype_of_an_unknown_kind() {
    let e = tessera::isdtype(DType::F64, "floaty")
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown kind \"floaty\""), "{e}");
}

#[test]
fn result_type_of_nothing() {
    let e = tessera::result_type(&[]).unwrap_err().to_string();
    assert!(e.contains("at least one dtype"), "{e}");
}
