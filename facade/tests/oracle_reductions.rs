//! The reduction family's graphs and small cases (cumulative, arg, nan,
//! count, histogram, unique, topk): Dask's layers and chunks, fusion of
//! elementwise chains into the chunk steps, every kernel travelling to another
//! process, and NumPy's answers on small inputs. The random oracle tests are
//! in oracle_scans, oracle_nan and oracle_counts; bad input in
//! bad_input_reductions.

use ndarray::{ArrayD, IxDyn};

mod common;
mod reductions_kit;

tessera::worker_test!();
use reductions_kit::{close, floats, lazy};

fn layer_labels(a: &tessera_ops::Expr) -> Vec<String> {
    let mut labels: Vec<String> = tessera_graph::layers(std::slice::from_ref(a.layer()))
        .iter()
        .map(|l| l.label().to_string())
        .collect();
    labels.sort();
    labels
}

#[test]
fn graphs_have_dasks_layers_and_chunks() {
    // The shapes of `dask.array` 2026.8 for the same calls.
    let y = tessera::ones::<f64>([10, 7, 9], [3, 2, 4]);
    let a = y.argmin();
    assert_eq!(a.num_layers(), 4);
    assert_eq!(
        layer_labels(a.expr().unwrap()),
        [
            "arg-reduce",
            "arg_agg-aggregate",
            "arg_combine-partial",
            "ones_like"
        ]
    );
    let a1 = y.argmax_with(1);
    assert_eq!(a1.chunks().axes(), &[vec![3, 3, 3, 1], vec![4, 4, 1]]);
    assert_eq!(a1.num_layers(), 3);
    let t = y.topk_with(2, 1);
    assert_eq!(
        t.chunks().axes(),
        &[vec![3, 3, 3, 1], vec![2], vec![4, 4, 1]]
    );
    assert_eq!(
        layer_labels(t.expr().unwrap()),
        ["ones_like", "topk", "topk_aggregate-aggregate"]
    );
    let t1 = tessera::ones::<f64>(20, 3).topk_with(2, 0);
    assert_eq!(t1.num_layers(), 4);
    // Dask's defaults: the last axis; split_every makes a deeper tree.
    assert_eq!(y.topk(2).chunks(), y.topk_with(2, -1).chunks());
    let deep =
        tessera::arange::<f64>(0.0, 20.0, 1.0, 3).topk_with(2, tessera::axis(0).split_every(2));
    assert!(deep.num_layers() > t1.num_layers(), "{}", deep.num_layers());
    let top: Vec<f64> = deep.compute().unwrap().iter().copied().collect();
    assert_eq!(top, [19.0, 18.0]);
    let (h, edges) = y.histogram(5, (0.0, 2.0));
    assert_eq!(h.chunks().axes(), &[vec![5]]);
    assert_eq!(h.num_layers(), 6);
    assert_eq!(
        edges.to_vec(),
        vec![0.0, 0.4, 0.8, 1.2000000000000002, 1.6, 2.0]
    );
    let c = tessera::ones::<f64>([4, 6], [2, 3]);
    assert_eq!(c.cumsum_with(1).num_layers(), 3);
    let flat = c.cumsum();
    assert_eq!(flat.chunks().axes(), &[vec![4; 6]]);
    assert_eq!(flat.num_layers(), 6);
    let n = y.nanmin_with(1);
    assert_eq!(
        layer_labels(n.expr().unwrap()),
        ["_nanmin_skip-aggregate", "nanmin_skip", "ones_like"]
    );
    assert_eq!(y.count_nonzero().num_layers(), 6);
}

#[test]
fn elementwise_chains_fuse_into_the_chunk_steps() {
    let x = tessera::ones::<f64>([8, 6], [2, 3]);
    let doubled = &x * 2.0;
    // Blocks: 4 x 2 = 8. Unfused: ones, mul, scan, carry.
    let c = doubled.cumsum_with(0);
    assert_eq!(c.raw_task_graph().unwrap().len(), 32);
    assert_eq!(
        c.task_graph().unwrap().len(),
        16,
        "ones and mul fuse into the scan"
    );
    let t = doubled.topk_with(-3, 0);
    // topk over 4 blocks along axis 0: chunk (fused with ones and mul) and aggregate.
    assert_eq!(t.task_graph().unwrap().len(), 8 + 2);
    assert_eq!(t.compute().unwrap(), ArrayD::from_elem(IxDyn(&[3, 6]), 2.0));
    let s = doubled.nansum();
    assert!(s.task_graph().unwrap().len() < s.raw_task_graph().unwrap().len());
    assert_eq!(s.compute_scalar().unwrap(), 96.0);
}

/// Every task of the unoptimised graphs (one kernel each: fused chains of
/// inlined `from_array` literals are in-process only) survives (id, params) and back.
#[test]
fn every_kernel_travels() {
    let d = floats(&[7, 5], 3, 4);
    let x = lazy(&d, &[vec![3, 3, 1], vec![2, 3]]);
    let (h, _) = x.histogram(4, (-5.0, 5.0));
    let graphs = vec![
        x.cumsum().raw_task_graph().unwrap(),
        x.cumprod_with(1).raw_task_graph().unwrap(),
        x.argmax().raw_task_graph().unwrap(),
        x.argmin_with(0).raw_task_graph().unwrap(),
        x.nanvar_with(tessera::axis(1).ddof(1))
            .raw_task_graph()
            .unwrap(),
        x.nanmax().raw_task_graph().unwrap(),
        x.count_nonzero_with(0).raw_task_graph().unwrap(),
        x.topk_with(2, 0).raw_task_graph().unwrap(),
        h.raw_task_graph().unwrap(),
        tessera_graph::TaskGraph::from_layer(
            tessera_ops::unique::unique(x.expr().unwrap())
                .unwrap()
                .layer(),
        )
        .unwrap(),
    ];
    for g in graphs {
        let (a, b) = common::run_travelled(&g);
        assert_eq!(a.len(), b.len());
        for (p, q) in a.iter().zip(&b) {
            let (p, q) = (
                p.as_array::<f64>().map(|v| v.to_owned()),
                q.as_array::<f64>().map(|v| v.to_owned()),
            );
            match (p, q) {
                (Ok(p), Ok(q)) => assert!(close(&p, &q)),
                (Err(_), Err(_)) => {}
                _ => panic!("a travelled kernel changed the result dtype"),
            }
        }
    }
}

#[test]
fn small_cases_give_numpys_answers() {
    let v = |s: &[f64]| tessera::from_array(ndarray::arr1(s).into_dyn(), 2);
    assert_eq!(
        v(&[1.0, f64::NAN, 0.0, f64::NAN])
            .argmin()
            .compute_scalar()
            .unwrap(),
        1
    );
    assert_eq!(
        v(&[1.0, f64::NAN, 5.0]).argmax().compute_scalar().unwrap(),
        1
    );
    assert_eq!(
        v(&[3.0, 1.0, 2.0, 1.0, 0.5])
            .argmin()
            .compute_scalar()
            .unwrap(),
        4
    );
    assert!(v(&[f64::NAN, f64::NAN, f64::NAN])
        .nanmax()
        .compute_scalar()
        .unwrap()
        .is_nan());
    assert!(v(&[f64::NAN, f64::NAN])
        .nanmean()
        .compute_scalar()
        .unwrap()
        .is_nan());
    assert_eq!(
        v(&[f64::NAN, 2.0, 4.0]).nanmean().compute_scalar().unwrap(),
        3.0
    );
    assert_eq!(
        v(&[f64::NAN, 2.0, 4.0]).nansum().compute_scalar().unwrap(),
        6.0
    );
    let ints = tessera::from_array(ndarray::arr1(&[3i32, -1, 4, 1, -5]).into_dyn(), 2);
    // Scans of i32 are in NumPy's i64.
    let scanned: ArrayD<i64> = ints.cumsum().compute().unwrap();
    assert_eq!(scanned.into_raw_vec_and_offset().0, vec![3, 2, 6, 7, 2]);
    assert_eq!(
        ints.topk_with(2, 0)
            .compute()
            .unwrap()
            .into_raw_vec_and_offset()
            .0,
        vec![4, 3]
    );
    assert_eq!(
        ints.topk_with(-2, 0)
            .compute()
            .unwrap()
            .into_raw_vec_and_offset()
            .0,
        vec![-5, -1]
    );
    assert_eq!(ints.unique().unwrap().to_vec(), vec![-5, -1, 1, 3, 4]);
    let (h, e) = v(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, f64::NAN, 7.0]).histogram(3, (0.0, 5.0));
    assert_eq!(
        h.compute().unwrap().into_raw_vec_and_offset().0,
        vec![2, 2, 2]
    );
    assert_eq!(e.to_vec(), vec![0.0, 5.0 / 3.0, 10.0 / 3.0, 5.0]);
    let flags = tessera::from_array(ndarray::arr1(&[true, false, true]).into_dyn(), 2);
    assert_eq!(flags.count_nonzero().compute_scalar().unwrap(), 2);
    // Scans of bool are in NumPy's i64.
    let counted: ArrayD<i64> = flags.cumsum().compute().unwrap();
    assert_eq!(counted.into_raw_vec_and_offset().0, vec![1, 1, 2]);
    assert_eq!(flags.argmax().compute_scalar().unwrap(), 0);
}
