//! Every public entry point refuses bad input with an `Error` whose message
//! says what was wrong — never a panic.

use tessera::{chunks, random, s, Array, ChunkSpec, Compute, Element, IndexItem, ReduceOp};

fn msg<T: std::fmt::Debug>(r: tessera::Result<T>) -> String {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.to_string(),
    }
}

/// The message of the error building `x` met: building gives an array, and
/// `check()` returns the error it carries.
fn built<T: Element>(x: Array<T>) -> String {
    msg(x.check())
}

#[test]
fn creation_rejects_bad_chunks_and_parameters() {
    let e = built(tessera::ones::<f64>([10, 10], [3]));
    assert!(e.contains("dimensions"), "{e}");
    let e = built(tessera::ones::<f64>(
        [10],
        ChunkSpec::explicit(vec![vec![3, 3]]),
    ));
    assert!(e.contains("sum to 6") && e.contains("length 10"), "{e}");
    let e = built(tessera::zeros::<f64>([10], "12 parsecs"));
    assert!(e.contains("parsecs"), "{e}");
    let e = built(tessera::ones::<f64>([10], 0usize));
    assert!(e.contains("chunk length 0"), "{e}");
    let e = built(tessera::ones::<f64>([10], -5i64));
    assert!(e.contains("-5"), "{e}");
    let e = built(random::normal(0.0, -1.0, [4], 2, 0));
    assert!(e.contains("scale"), "{e}");
    let e = built(random::integers(5, 5, [4], 2, 0));
    assert!(e.contains("high"), "{e}");
    let e = built(tessera::arange::<f64>(0.0, 1.0, 0.0, 1));
    assert!(e.contains("step"), "{e}");
    let data = ndarray::Array2::<f64>::zeros((4, 4)).into_dyn();
    let e = built(tessera::from_array(
        data,
        ChunkSpec::explicit(vec![vec![2, 2], vec![3]]),
    ));
    assert!(e.contains("sum to 3"), "{e}");
}

#[test]
fn operations_reject_bad_shapes_axes_and_indices() {
    let x = tessera::ones::<f64>([4, 6], [2, 3]);
    let y = tessera::ones::<f64>([5], 5);
    let e = built(&x + &y);
    assert!(e.contains("broadcast"), "{e}");
    let e = built(x.mean_with(2));
    assert!(e.contains("axis 2"), "{e}");
    let e = built(x.slice(&s![4]));
    assert!(e.contains("index 4"), "{e}");
    let e = built(x.slice(&s![IndexItem::step(.., 0)]));
    assert!(e.contains("step"), "{e}");
    let e = built(x.transpose(&[0, 0]));
    assert!(e.contains("repeated"), "{e}");
    let e = built(x.reshape(&[5, 5]));
    assert!(e.contains("24 elements"), "{e}");
    let e = built(x.rechunk(chunks! {5 => 2}));
    assert!(e.contains("axis 5"), "{e}");
    let e = built(x.rechunk(ChunkSpec::explicit(vec![vec![4], vec![5]])));
    assert!(e.contains("sum to 5"), "{e}");
    let e = built(tessera::concatenate(
        &[&x, &tessera::ones::<f64>([4, 5], 2)],
        0,
    ));
    assert!(e.contains("shape") || e.contains("[4, 5]"), "{e}");
    let e = built(tessera::concatenate::<f64>(&[], 0));
    assert!(e.contains("at least one"), "{e}");
    let e = msg(x.compute_scalar());
    assert!(e.contains("0-d"), "{e}");
    // A reduction asked for a result dtype that is not the op's.
    let e = built(x.reduction::<f32>(ReduceOp::Sum, ..));
    assert!(e.contains("float64") && e.contains("float32"), "{e}");
    let empty = tessera::ones::<f64>([0, 3], 1);
    let e = built(empty.max());
    assert!(e.contains("zero-size"), "{e}");
}

#[test]
fn kernel_panics_and_errors_name_the_task() {
    let x = tessera::ones::<f64>([4], 2);
    let y = x.map_blocks(|b| {
        if b.len() == 2 {
            panic!("user kernel exploded");
        }
        b.to_owned()
    });
    for s in [
        &tessera::Synchronous as &dyn tessera::Scheduler,
        &tessera::Threaded::new(2),
    ] {
        let e = msg(y.compute_with(&Compute::new().scheduler(s)));
        assert!(
            e.contains("panicked")
                && e.contains("user kernel exploded")
                && e.contains("map_blocks"),
            "{e}"
        );
    }
    let z = x.map_blocks(|b| ndarray::ArrayD::<f64>::zeros(vec![b.len() + 1]));
    let e = msg(z.compute());
    assert!(e.contains("returned shape"), "{e}");
}

#[test]
fn std_of_normal_keeps_its_digits() {
    // normal(10, 0.1): a sum-of-squares variance loses digits to the mean;
    // Chan's merge keeps the spread exact to 1e-6 against the same values in plain ndarray.
    let x = random::normal(10.0, 0.1, [2000, 2000], [300, 700], 3);
    let got = x.std().compute_scalar().unwrap();
    let data = x.compute().unwrap();
    let mean = data.mean().unwrap_or(f64::NAN);
    let want = (data.mapv(|v| (v - mean) * (v - mean)).sum() / data.len() as f64).sqrt();
    assert!((got - want).abs() < 1e-9, "{got} vs {want}");
    assert!((got - 0.1).abs() < 1e-3, "{got}");
}
