//! Bad input to the reduction family (scans, arg reductions, nan reductions,
//! counts, topk, histogram, unique) is a typed error that says what was
//! wrong, carried by the array and reported by `check()`, never a panic.

use ndarray::{ArrayD, IxDyn};
use tessera::chunk_core::num_complex::Complex;
use tessera::{Array, Chunks, Element};

mod common;
mod reductions_kit;

tessera::worker_test!();
use reductions_kit::{floats, lazy};

/// The message of the typed error under the build context of `x`'s failure
/// (the context names the operation and shapes; this says what was wrong).
fn msg<T: Element>(x: &Array<T>) -> String {
    x.check().unwrap_err().root().to_string()
}

#[test]
fn bad_input_is_a_typed_error_that_says_what_was_wrong() {
    let x = lazy(&floats(&[4, 3], 1, 0), &[vec![2, 2], vec![3]]);
    assert!(msg(&x.cumsum_with(2)).contains("axis 2"));
    assert!(msg(&x.cumprod_with(-3)).contains("axis -3"));
    assert!(msg(&x.argmin_with(5)).contains("axis 5"));
    assert!(msg(&x.nanmean_with(2)).contains("axis"));
    assert!(msg(&x.count_nonzero_with(-4)).contains("axis"));
    assert!(msg(&x.topk_with(2, 3)).contains("axis 3"));
    let m = msg(&x.topk_with(0, 0));
    assert!(m.contains("k must be non-zero"), "{m}");
    let m = msg(&x.topk_with(-5, 0));
    assert!(m.contains("|k| = 5") && m.contains("length 4"), "{m}");
    let hist = |bins, range| {
        let (h, edges) = x.histogram(bins, range);
        // A refused histogram has no edges to go with its failed counts.
        assert!(edges.is_empty(), "{edges}");
        msg(&h)
    };
    assert!(hist(0, (0.0, 1.0)).contains("bins must be at least 1"));
    assert!(hist(3, (2.0, 1.0)).contains("max must be larger than min"));
    assert!(hist(3, (f64::NAN, 1.0)).contains("finite"));
    assert!(hist(3, (0.0, f64::INFINITY)).contains("finite"));
    let empty = lazy(
        &ArrayD::<f64>::zeros(IxDyn(&[3, 0])),
        &[vec![2, 1], vec![0]],
    );
    let m = msg(&empty.argmax_with(1));
    assert!(
        m.contains("attempt to get argmax of an empty sequence"),
        "{m}"
    );
    assert!(msg(&empty.argmin()).contains("empty sequence"));
    assert_eq!(empty.argmin_with(0).compute().unwrap().shape(), &[0]);
    assert!(msg(&empty.nanmin_with(1)).contains("zero-size"));
    let z = tessera::from_array(ArrayD::from_elem(IxDyn(&[]), 1.0f64), Chunks::scalar());
    assert!(msg(&z.cumsum()).contains("0-d"));
    let c = tessera::from_array(ArrayD::from_elem(IxDyn(&[4]), Complex::new(1.0f64, 2.0)), 2);
    for m in [
        msg(&c.argmin()),
        msg(&c.topk_with(1, 0)),
        msg(&c.cumsum()),
        msg(&c.histogram(2, (0.0, 1.0)).0),
        msg(&c.count_nonzero()),
        c.unique().unwrap_err().root().to_string(),
    ] {
        assert!(m.contains("complex"), "{m}");
    }
    // A result read as the wrong element type is a dtype error, not a panic.
    let scan = x.cumsum();
    let m = Array::<i64>::from_expr(scan.expr().unwrap().clone())
        .map(|a| a.to_string())
        .unwrap_err()
        .to_string();
    assert!(m.contains("float64"), "{m}");
}
