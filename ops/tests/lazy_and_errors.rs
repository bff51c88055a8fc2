//! Layers stay symbolic (a 10^8-chunk array costs nothing until computed) and
//! bad input gives errors that say what was wrong.

use tessera_chunk_core::{s, Chunks, DType, IndexItem};
use tessera_graph::TaskGraph;
use tessera_ops::{
    creation, elementwise, join, reduction, reshape, slicing, BinaryOp, Error, ReduceOp,
    ReduceOptions, Scalar, UnaryOp,
};
use tessera_schedulers::{RunOptions, Scheduler, Synchronous};

fn ones(shape: &[usize], chunk: &[usize]) -> tessera_ops::Expr {
    creation::full(
        Chunks::regular(shape, chunk).unwrap(),
        DType::F64,
        Scalar::Int(1),
        "ones_like",
    )
    .unwrap()
}

#[test]
fn a_hundred_million_chunks_cost_nothing_until_one_is_computed() {
    let x = ones(&[1_000_000, 1_000_000], &[100, 100]);
    assert_eq!(x.chunks().num_blocks(), 100_000_000);
    let y = elementwise::binary_scalar(BinaryOp::Mul, &x, Scalar::Float(3.0), false).unwrap();
    let one = slicing::getitem(&y, &s![500_000..500_100, 7..107]).unwrap();
    let total = reduction::reduce(&one, ReduceOp::Sum, &ReduceOptions::default()).unwrap();
    let g = TaskGraph::from_layer(total.layer()).unwrap();
    // One source block, its product, the slice (two source blocks on axis 1), the reduction.
    assert!(g.len() < 20, "{} tasks materialised", g.len());
    let out = Synchronous.run(&g, &RunOptions::default()).unwrap();
    assert_eq!(out[0].as_array::<f64>().unwrap().sum(), 3.0 * 100.0 * 100.0);
}

#[test]
fn bad_input_is_an_error_with_a_message() {
    let x = ones(&[4, 6], &[2, 3]);
    let y = ones(&[5], &[5]);
    let msg = |e: Error| e.to_string();
    let e = msg(elementwise::binary(BinaryOp::Add, &x, &y).unwrap_err());
    assert!(e.contains("[4, 6]") && e.contains("[5]"), "{e}");
    let e = msg(reduction::reduce(
        &x,
        ReduceOp::Sum,
        &ReduceOptions {
            axes: Some(vec![2]),
            ..Default::default()
        },
    )
    .unwrap_err());
    assert!(e.contains("axis 2"), "{e}");
    let e = msg(slicing::getitem(&x, &s![4]).unwrap_err());
    assert!(e.contains("index 4") && e.contains("length 4"), "{e}");
    let e = msg(slicing::getitem(&x, &s![0, 0, 0]).unwrap_err());
    assert!(e.contains("too many indices"), "{e}");
    assert!(slicing::getitem(&x, &[IndexItem::Ellipsis, IndexItem::Ellipsis]).is_err());
    assert!(slicing::getitem(&x, &s![IndexItem::step(.., 0)]).is_err());
    let e = msg(reshape::transpose(&x, Some(&[0, 0])).unwrap_err());
    assert!(e.contains("repeated") || e.contains("axis"), "{e}");
    let e = msg(reduction::reduce(
        &x,
        ReduceOp::Sum,
        &ReduceOptions {
            split_every: Some(1),
            ..Default::default()
        },
    )
    .unwrap_err());
    assert!(e.contains("split_every"), "{e}");
    let empty = ones(&[0, 3], &[1, 3]);
    let e = msg(reduction::reduce(&empty, ReduceOp::Min, &ReduceOptions::default()).unwrap_err());
    assert!(e.contains("zero-size"), "{e}");
    let e = msg(join::concatenate(&[], Some(0)).unwrap_err());
    assert!(e.contains("at least one"), "{e}");
    let e = msg(join::concatenate(&[x.clone(), ones(&[4, 5], &[2, 5])], Some(0)).unwrap_err());
    assert!(e.contains("[4, 6]") || e.contains("shape"), "{e}");
    let b = creation::full(
        Chunks::regular(&[3], &[3]).unwrap(),
        DType::Bool,
        Scalar::Bool(true),
        "ones_like",
    )
    .unwrap();
    let e = msg(elementwise::unary(UnaryOp::Sqrt, &b).unwrap_err());
    assert!(e.contains("bool"), "{e}");
    assert!(creation::full(
        Chunks::regular(&[3], &[3]).unwrap(),
        DType::Object,
        Scalar::Int(0),
        "zeros_like"
    )
    .is_err());
    let c = creation::full(
        Chunks::regular(&[3], &[3]).unwrap(),
        DType::Complex128,
        Scalar::Int(0),
        "zeros_like",
    )
    .unwrap();
    // Complex arithmetic and sums are defined; order is not.
    assert!(elementwise::binary(BinaryOp::Add, &c, &c).is_ok());
    let e = msg(elementwise::binary(BinaryOp::Maximum, &c, &c).unwrap_err());
    assert!(e.contains("complex128"), "{e}");
    assert!(reduction::reduce(&c, ReduceOp::Sum, &ReduceOptions::default()).is_ok());
    let e = msg(reduction::reduce(&c, ReduceOp::Max, &ReduceOptions::default()).unwrap_err());
    assert!(e.contains("complex128"), "{e}");
}

#[test]
fn slicing_and_joining_compute_like_ndarray() {
    let data = ndarray::Array2::from_shape_fn((7, 5), |(i, j)| (i * 10 + j) as f64).into_dyn();
    let x = tessera_ops::from_array::from_array(
        data.clone(),
        Chunks::regular(&[7, 5], &[3, 2]).unwrap(),
    )
    .unwrap();
    let run = |e: &tessera_ops::Expr| {
        let g = TaskGraph::from_layer(e.layer()).unwrap();
        let blocks = Synchronous.run(&g, &RunOptions::default()).unwrap();
        // Reassemble on the grid.
        let mut out = ndarray::ArrayD::<f64>::zeros(e.shape());
        for (idx, b) in e.chunks().blocks().zip(blocks) {
            let r = e.chunks().block_range(&idx).unwrap();
            let info: Vec<ndarray::SliceInfoElem> = r
                .iter()
                .map(|r| ndarray::Slice::from(r.start as isize..r.end as isize).into())
                .collect();
            out.slice_mut(info.as_slice())
                .assign(b.as_array::<f64>().unwrap());
        }
        out
    };
    let sl = slicing::getitem(&x, &s![IndexItem::step(.., -2), 1..4]).unwrap();
    assert_eq!(
        run(&sl),
        data.slice(ndarray::s![..;-2, 1..4]).into_dyn().to_owned()
    );
    let cat = join::concatenate(&[x.clone(), x.clone()], Some(1)).unwrap();
    assert_eq!(
        run(&cat),
        ndarray::concatenate(ndarray::Axis(1), &[data.view(), data.view()]).unwrap()
    );
    let st = join::stack(&[x.clone(), x.clone()], 0).unwrap();
    assert_eq!(
        run(&st),
        ndarray::stack(ndarray::Axis(0), &[data.view(), data.view()]).unwrap()
    );
    let flat = join::ravel(&x).unwrap();
    assert_eq!(
        run(&flat).into_raw_vec_and_offset().0,
        data.iter().copied().collect::<Vec<_>>()
    );
}
