//! The user surface as a Dask user reads it: expressions without a `?`
//! between operators (errors carried to the first `Result`), one axis
//! convention, NumPy's result dtypes, scalars on either side of every
//! operator, comparisons and logical operators, one compute with options,
//! and several arrays computed in one pass.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ndarray::{ArrayD, Axis, IxDyn};
use tessera::{axes, axis, ddof, Array, Callbacks, Compute, Error, Key, Threaded};

mod common;
use common::{chunked, schedulers, small_ints};

tessera::worker_test!();

fn data() -> ArrayD<f64> {
    small_ints(&[6, 5, 4], 11)
}

#[test]
fn building_never_asks_for_a_result_and_the_first_error_surfaces_at_compute() {
    let x = tessera::ones::<f64>([10, 5], 5);
    let y = tessera::ones::<f64>(3, 3);
    // Shapes (10, 5) and (3,) do not broadcast: still an array, carrying why.
    let bad = (&x + &y) * 2.0 - 1.0;
    let summed = bad.sum_with(0);
    for err in [
        bad.check().unwrap_err(),
        summed.check().unwrap_err(),
        summed.compute().unwrap_err(),
    ] {
        // The operation that failed and its operands, not the ones built on it.
        assert!(
            err.to_string()
                .starts_with("add of arrays of shapes (10, 5) and (3,):"),
            "{err}"
        );
        assert!(
            matches!(err.root(), Error::Chunk(_)),
            "the typed chunk error underneath: {err:?}"
        );
    }
    assert!(summed
        .to_string()
        .starts_with("tessera.Array<error: add of"));
    assert!(summed.summary().count_text.starts_with("error: add of"));
    // Metadata of a failed array answers without panicking.
    assert_eq!((summed.npartitions(), summed.nbytes()), (0, 0));
    // An axis out of range names the reduction and the operand.
    let err = x.mean_with(2).check().unwrap_err();
    assert!(
        err.to_string()
            .starts_with("mean of an array of shape (10, 5)"),
        "{err}"
    );
    // A good expression checks clean.
    assert!((&x + 1.0).mean_with(0).check().is_ok());
}

#[test]
fn one_axis_convention_for_every_reduction() {
    let d = data();
    let x = chunked(&d, &[vec![2, 4], vec![5], vec![1, 3]]);
    let mean_all = x.mean().compute_scalar().unwrap();
    assert!((mean_all - d.mean().unwrap()).abs() < 1e-12);
    assert_eq!(
        x.mean_with(0).compute().unwrap(),
        d.mean_axis(Axis(0)).unwrap()
    );
    assert_eq!(
        x.mean_with(-1).compute().unwrap(),
        d.mean_axis(Axis(2)).unwrap()
    );
    assert_eq!(x.sum_with(..).compute_scalar().unwrap(), d.sum());
    let kept = x.sum_with(axes([0, 2]).keepdims()).compute().unwrap();
    let expected = d
        .sum_axis(Axis(2))
        .sum_axis(Axis(0))
        .into_shape_with_order(IxDyn(&[1, 5, 1]))
        .unwrap();
    assert_eq!(kept, expected);
    let std1 = x.std_with(ddof(1)).compute_scalar().unwrap();
    assert!((std1 - d.std(1.0)).abs() < 1e-12, "{std1}");
    let var_axis = x
        .var_with(axis(1).ddof(1).split_every(2))
        .compute()
        .unwrap();
    let expected = d.var_axis(Axis(1), 1.0);
    assert!(var_axis
        .iter()
        .zip(expected.iter())
        .all(|(a, b)| (a - b).abs() < 1e-12));
    assert_eq!(x.max_with([0, 1]).compute().unwrap().shape(), &[4]);
}

#[test]
fn result_dtypes_are_numpys() {
    // float32 stays float32 through mean, var and std.
    let f = tessera::ones::<f32>([4, 4], 2);
    let m: Array<f32> = f.mean();
    let s: Array<f32> = f.std_with(ddof(1));
    assert_eq!(m.compute_scalar().unwrap(), 1.0f32);
    assert_eq!(s.compute_scalar().unwrap(), 0.0f32);
    // Small integers sum as int64 / uint64; true division of integers is float64.
    let i = tessera::ones::<i8>(300, 100);
    let total: Array<i64> = i.sum();
    assert_eq!(total.compute_scalar().unwrap(), 300);
    let u = tessera::full::<u8>(300, 200u8, 100);
    let utotal: Array<u64> = u.sum();
    assert_eq!(utotal.compute_scalar().unwrap(), 60_000);
    let a = tessera::arange::<i32>(0.0, 10.0, 1.0, 5);
    let half: Array<f64> = &a / 2;
    assert_eq!(half.compute().unwrap()[[3]], 1.5);
    let mean: Array<f64> = a.mean();
    assert_eq!(mean.compute_scalar().unwrap(), 4.5);
}

#[test]
fn scalars_stand_on_either_side_of_every_operator() {
    let d = data();
    let x = chunked(&d, &[vec![3, 3], vec![2, 3], vec![4]]);
    let cases: Vec<(Array<f64>, ArrayD<f64>)> = vec![
        (2.0 - &x, d.mapv(|v| 2.0 - v)),
        (1.0 / &(&x + 20.0), d.mapv(|v| 1.0 / (v + 20.0))),
        (3.0 * &x, d.mapv(|v| 3.0 * v)),
        (1.5 + &x, d.mapv(|v| 1.5 + v)),
        (&x - 2.0, d.mapv(|v| v - 2.0)),
        (-&x, d.mapv(|v| -v)),
    ];
    for (got, expected) in cases {
        assert_eq!(got.compute().unwrap(), expected);
    }
}

#[test]
fn comparisons_and_logical_operators() {
    let d = data();
    let x = chunked(&d, &[vec![3, 3], vec![5], vec![2, 2]]);
    let pos = x.gt(0.0);
    let small = x.le(2.0);
    let both = &pos & &small;
    let either = &pos | &small;
    let one = &pos ^ &small;
    let not = !&pos;
    let expect = |f: &dyn Fn(f64) -> bool| d.mapv(f);
    assert_eq!(both.compute().unwrap(), expect(&|v| v > 0.0 && v <= 2.0));
    assert_eq!(either.compute().unwrap(), expect(&|v| v > 0.0 || v <= 2.0));
    assert_eq!(one.compute().unwrap(), expect(&|v| (v > 0.0) != (v <= 2.0)));
    assert_eq!(not.compute().unwrap(), expect(&|v| v <= 0.0));
    assert_eq!(x.ge(1.0).compute().unwrap(), expect(&|v| v >= 1.0));
    assert_eq!(x.lt(-1.0).compute().unwrap(), expect(&|v| v < -1.0));
    assert_eq!(x.eq(0.0).compute().unwrap(), expect(&|v| v == 0.0));
    assert_eq!(x.ne(0.0).compute().unwrap(), expect(&|v| v != 0.0));
    let y = chunked(&d.mapv(|v| v * 0.5), &[vec![6], vec![5], vec![4]]);
    assert_eq!(
        x.gt(&y).compute().unwrap(),
        ndarray::Zip::from(&d).map_collect(|&v| v > v * 0.5)
    );
}

/// Counts the tasks started per layer label (the part of a key's layer
/// name before its last `-N`).
#[derive(Default)]
struct TaskCounts(Mutex<HashMap<String, usize>>);

impl Callbacks for TaskCounts {
    fn on_task_start(&self, key: &Key, _worker: usize) {
        let label = key
            .layer
            .rsplit_once('-')
            .map_or(key.layer.to_string(), |(l, _)| l.to_string());
        *self.0.lock().unwrap().entry(label).or_default() += 1;
    }
}

impl TaskCounts {
    /// How many tasks read a Zarr chunk.
    fn zarr_reads(&self) -> usize {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|(label, _)| label.contains("zarr"))
            .map(|(_, n)| n)
            .sum()
    }
}

#[test]
fn several_arrays_in_one_pass_read_each_chunk_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.zarr");
    let d = small_ints(&[40, 30], 5);
    chunked(&d, &[vec![10; 4], vec![15, 15]])
        .to_zarr(&path, "")
        .unwrap();
    let a = tessera::from_zarr::<f64>(&path, "").unwrap();
    let anomaly_std = (&a - &a.mean_with(0)).std_with(0);
    let mean = a.mean();
    for scheduler in schedulers() {
        let counts = TaskCounts::default();
        let opts = Compute::new()
            .scheduler(scheduler.as_ref())
            .callback(&counts);
        let (s, m) = tessera::compute_with((&anomaly_std, &mean), &opts).unwrap();
        let reads = counts.zarr_reads();
        assert_eq!(
            reads,
            8,
            "{}: each of the 8 chunks read once",
            scheduler.name()
        );
        assert!((m.sum() - d.mean().unwrap()).abs() < 1e-12);
        let expected = d.std_axis(Axis(0), 0.0);
        assert!(s
            .iter()
            .zip(expected.iter())
            .all(|(a, b)| (a - b).abs() < 1e-9));
    }
    // The same array twice, and a slice of arrays of one type.
    let (m1, m2) = tessera::compute((&mean, &mean)).unwrap();
    assert_eq!(m1, m2);
    let both = tessera::compute(vec![&mean, &a.max()]).unwrap();
    assert_eq!(both[1].sum(), d.iter().cloned().fold(f64::MIN, f64::max));
    // Persisting several at once keeps each one's blocks (one graph, shared reads once).
    let counts = TaskCounts::default();
    let opts = Compute::new().callback(&counts);
    let (ps, pm) = tessera::persist_with((&anomaly_std, &mean), &opts).unwrap();
    let reads = counts.zarr_reads();
    assert_eq!(reads, 8, "persist reads each chunk once");
    assert_eq!((ps.num_layers(), pm.num_layers()), (1, 1));
    assert!((pm.compute_scalar().unwrap() - d.mean().unwrap()).abs() < 1e-12);
    assert_eq!(ps.shape(), vec![30]);
    // An error in any of them is the error of the compute.
    let bad = &a + &tessera::ones::<f64>(7, 7);
    assert!(tessera::compute((&mean, &bad)).is_err());
}

#[test]
fn one_compute_takes_the_scheduler_budget_and_callbacks_as_options() {
    let x = tessera::random::random([200, 200], [50, 50], 3);
    let y = (&x * 2.0).sum();
    let plain = y.compute_scalar().unwrap();
    let threads = Threaded::new(2);
    let counts = Arc::new(TaskCounts::default());
    let opts = Compute::new()
        .scheduler(&threads)
        .budget(tessera::MemoryBudget::new(4 << 20))
        .callback(counts.as_ref());
    let got = y.compute_with(&opts).unwrap();
    assert!((got.sum() - plain).abs() < 1e-9);
    assert!(
        !counts.0.lock().unwrap().is_empty(),
        "callbacks saw the tasks"
    );
    let too_small = Compute::new().budget(tessera::MemoryBudget::new(64));
    assert!(y.compute_with(&too_small).is_err());
    // persist computes once; what is built on it starts from its blocks.
    let p = (&x + 1.0).persist().unwrap();
    assert_eq!(p.num_layers(), 1);
    assert!((p.sum().compute_scalar().unwrap() - (plain / 2.0 + 40_000.0)).abs() < 1e-6);
}
