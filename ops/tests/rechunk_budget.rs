//! Rechunking within a memory budget: every stage's tasks fit a quarter of
//! it, a budget that Dask's plan already fits keeps Dask's plan, and one it
//! does not cuts each old block once into the pieces the new blocks merge.

use tessera_chunk_core::{plan_rechunk, Chunks, DType};
use tessera_graph::LayerRef;
use tessera_ops::rechunk::{rechunk_footprint, rechunk_within};
use tessera_ops::Scalar;

/// The chunkings from the source up to `top`, following first inputs.
fn stages(top: &LayerRef) -> Vec<Chunks> {
    let mut out = vec![top.chunks().clone()];
    let mut layer = top.clone();
    while let Some(input) = layer.inputs().first().cloned() {
        out.push(input.chunks().clone());
        layer = input;
    }
    out.reverse();
    out
}

fn rows_and_columns() -> (Chunks, Chunks) {
    let shape = [16384usize, 32768];
    (
        Chunks::regular(&shape, &[64, 32768]).unwrap(),
        Chunks::regular(&shape, &[16384, 128]).unwrap(),
    )
}

#[test]
fn rows_to_columns_fit_the_budget() {
    let (rows, cols) = rows_and_columns();
    let x = tessera_ops::creation::full(rows.clone(), DType::F64, Scalar::Float(0.0), "zeros_like")
        .unwrap();
    let direct = rechunk_footprint(&rows, &cols, 8).unwrap();
    assert!(
        direct > 4 << 30,
        "a direct rechunk reads every row block: {direct}"
    );
    // Dask's own plan has tasks of 160 MiB: too big for a quarter of 512 MiB.
    let dask = plan_rechunk(&rows, &cols, 8, None, None).unwrap();
    let mut from = rows.clone();
    let mut widest = 0;
    for stage in &dask {
        widest = widest.max(rechunk_footprint(&from, stage, 8).unwrap());
        from = stage.clone();
    }
    assert!(widest > (512 << 20) / 4, "{widest}");
    for limit in [512u64 << 20, 1 << 30, 2 << 30] {
        let y = rechunk_within(&x, cols.clone(), Some(limit)).unwrap();
        let chain = stages(y.layer());
        assert_eq!(chain.first(), Some(&rows));
        assert_eq!(chain.last(), Some(&cols));
        // Cut and merge: each row block is read once (its pieces share
        // its rows), each column block made once (its pieces share its columns).
        assert_eq!(chain.len(), 3, "one intermediate stage for {limit}");
        assert_eq!(chain[1].axis(0), rows.axis(0));
        assert_eq!(chain[1].axis(1), cols.axis(1));
        for pair in chain.windows(2) {
            let f = rechunk_footprint(&pair[0], &pair[1], 8).unwrap();
            assert!(
                f <= limit / 4,
                "a stage needs {f} under a budget of {limit}"
            );
        }
    }
}

#[test]
fn a_roomy_budget_keeps_dasks_plan() {
    let (rows, cols) = rows_and_columns();
    let x = tessera_ops::creation::full(rows.clone(), DType::F64, Scalar::Float(0.0), "zeros_like")
        .unwrap();
    let dask = plan_rechunk(&rows, &cols, 8, None, None).unwrap();
    let y = rechunk_within(&x, cols.clone(), Some(1 << 50)).unwrap();
    assert_eq!(stages(y.layer())[1..].to_vec(), dask);
    let z = rechunk_within(&x, cols, None).unwrap();
    assert_eq!(stages(z.layer())[1..].to_vec(), dask);
}

#[test]
fn blocks_too_big_to_merge_are_cut_first() {
    // 4 GiB in row blocks of 128 MiB to columns of 64 MiB: any merge plan
    // reads 4 row blocks at once (640 MiB), more than a 512 MiB budget.
    let shape = [16384usize, 32768];
    let rows = Chunks::regular(&shape, &[512, 32768]).unwrap();
    let cols = Chunks::regular(&shape, &[16384, 512]).unwrap();
    let limit = 512u64 << 20;
    let x = tessera_ops::creation::full(rows.clone(), DType::F64, Scalar::Float(0.0), "zeros_like")
        .unwrap();
    let chain = stages(
        rechunk_within(&x, cols.clone(), Some(limit))
            .unwrap()
            .layer(),
    );
    assert_eq!(chain.last(), Some(&cols));
    // The first stage cuts each row block into pieces without merging any.
    assert_eq!(chain[1].axis(0), rows.axis(0));
    assert!(chain[1].axis(1).len() > 1);
    for pair in chain.windows(2) {
        let f = rechunk_footprint(&pair[0], &pair[1], 8).unwrap();
        assert!(
            f <= limit * 5 / 8,
            "a stage needs {f} under a budget of {limit}"
        );
    }
}
