//! `overlap`, `trim_internal` and `map_overlap` against plain ndarray
//! (padding by the boundary rule and slicing by hand) on random shapes,
//! chunkings, depths and boundaries, on every scheduler; closures and
//! registered kernels; bad input. Dask's own answers on random cases are the
//! fixtures `fixtures/overlap.json` (`cargo xtask fixtures fixtures`).

use std::sync::Arc;

use ndarray::{ArrayD, ArrayViewD, Dimension, Ix2, IxDyn};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use tessera::{Array, Boundary, Chunks, Compute};
use tessera_chunk_core::Block;
use tessera_graph::{Kernel, KernelError, KernelRef, Params};
use tessera_ops::overlap::ensure_minimum_chunksize;

mod common;

tessera::worker_test!();
use common::{schedulers, split};

fn arange(shape: &[usize]) -> ArrayD<f64> {
    let n: usize = shape.iter().product();
    ArrayD::from_shape_vec(IxDyn(shape), (0..n).map(|v| v as f64).collect()).unwrap()
}

/// Where position `p` (possibly outside `0..n`) reads from, by the boundary rule; `None` is the constant.
fn source(p: i64, n: usize, b: Boundary) -> Option<usize> {
    let n = n as i64;
    let s = if (0..n).contains(&p) {
        p
    } else {
        match b {
            Boundary::Reflect if p < 0 => -p - 1,
            Boundary::Reflect => 2 * n - p - 1,
            Boundary::Periodic => p.rem_euclid(n),
            Boundary::Nearest => p.clamp(0, n - 1),
            _ => return None,
        }
    };
    Some(s as usize)
}

/// The value at padded coordinates `c`: the array's, or the constant of the last constant axis outside.
fn padded(x: &ArrayD<f64>, c: &[i64], boundary: &[Boundary]) -> f64 {
    let mut idx = Vec::with_capacity(c.len());
    let mut constant = None;
    for (ax, &p) in c.iter().enumerate() {
        match source(p, x.shape()[ax], boundary[ax]) {
            Some(s) => idx.push(s),
            None => {
                if let Boundary::Constant(s) = boundary[ax] {
                    constant = Some(s.cast::<f64>());
                }
                idx.push(0);
            }
        }
    }
    constant.unwrap_or_else(|| x[IxDyn(&idx)])
}

/// The overlapped array by hand: per axis, the original coordinate of every
/// output position (blocks grown by Dask's rule), then a gather through the boundary.
fn oracle_overlap(
    x: &ArrayD<f64>,
    chunks: &[Vec<usize>],
    depth: &[usize],
    boundary: &[Boundary],
) -> ArrayD<f64> {
    let coords: Vec<Vec<i64>> = chunks
        .iter()
        .enumerate()
        .map(|(ax, c)| {
            let (d, last) = (depth[ax] as i64, c.len() - 1);
            let mut out = Vec::new();
            let mut start = 0i64;
            for (j, &len) in c.iter().enumerate() {
                let end = start + len as i64;
                let (lo, hi) = match boundary[ax] {
                    Boundary::None if last == 0 => (start, end),
                    Boundary::None => (
                        if j == 0 { start } else { start - d },
                        if j == last { end } else { end + d },
                    ),
                    _ => (start - d, end + d),
                };
                out.extend(lo..hi);
                start = end;
            }
            out
        })
        .collect();
    let shape: Vec<usize> = coords.iter().map(Vec::len).collect();
    ArrayD::from_shape_fn(IxDyn(&shape), |idx| {
        let c: Vec<i64> = (0..idx.ndim()).map(|ax| coords[ax][idx[ax]]).collect();
        padded(x, &c, boundary)
    })
}

/// The test stencil: the sum over a box of radius `depth` for elements at
/// least `depth` from the block's edges on every axis; others are copied.
fn box_sum(b: ArrayViewD<'_, f64>, depth: &[usize]) -> ArrayD<f64> {
    let shape = b.shape().to_vec();
    ArrayD::from_shape_fn(IxDyn(&shape), |idx| {
        let inside =
            (0..shape.len()).all(|ax| idx[ax] >= depth[ax] && idx[ax] + depth[ax] < shape[ax]);
        if !inside {
            return b[idx.slice()];
        }
        let widths: Vec<usize> = depth.iter().map(|d| 2 * d + 1).collect();
        let mut total = 0.0;
        for off in tessera_chunk_core::BlockIndices::new(widths) {
            let at: Vec<usize> = (0..shape.len())
                .map(|ax| idx[ax] + off[ax] - depth[ax])
                .collect();
            total += b[IxDyn(&at)];
        }
        total
    })
}

/// `map_overlap(box_sum)` by hand: interior elements (all but those within
/// `depth` of an edge along a `none` axis) sum the padded box.
fn oracle_box(x: &ArrayD<f64>, depth: &[usize], boundary: &[Boundary]) -> ArrayD<f64> {
    ArrayD::from_shape_fn(x.raw_dim(), |idx| {
        let nd = idx.ndim();
        let interior = (0..nd).all(|ax| {
            boundary[ax] != Boundary::None
                || (idx[ax] >= depth[ax] && idx[ax] + depth[ax] < x.shape()[ax])
        });
        if !interior {
            return x[idx.slice()];
        }
        let widths: Vec<usize> = depth.iter().map(|d| 2 * d + 1).collect();
        tessera_chunk_core::BlockIndices::new(widths)
            .map(|off| {
                let c: Vec<i64> = (0..nd)
                    .map(|ax| idx[ax] as i64 + off[ax] as i64 - depth[ax] as i64)
                    .collect();
                padded(x, &c, boundary)
            })
            .sum()
    })
}

fn boundary_of(pick: u8) -> Boundary {
    match pick % 5 {
        0 => Boundary::Reflect,
        1 => Boundary::Periodic,
        2 => Boundary::Nearest,
        3 => Boundary::None,
        _ => Boundary::constant(-2.5f64),
    }
}

/// Shape (1-6 per axis, 1-3 axes), chunking, depth (0-2) and boundary per axis.
type Case = (Vec<usize>, Vec<Vec<usize>>, Vec<usize>, Vec<Boundary>);

fn case() -> impl Strategy<Value = Case> {
    prop::collection::vec((1usize..7, 0usize..3, any::<u8>()), 1..4).prop_flat_map(|axes| {
        let chunking: Vec<_> = axes
            .iter()
            .map(|&(d, _, _)| prop::collection::vec(1usize..4, d).prop_map(move |c| split(d, &c)))
            .collect();
        let shape: Vec<usize> = axes.iter().map(|a| a.0).collect();
        let depth: Vec<usize> = axes.iter().map(|a| a.1.min(a.0)).collect();
        let boundary: Vec<Boundary> = axes.iter().map(|a| boundary_of(a.2)).collect();
        (Just(shape), chunking, Just(depth), Just(boundary))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn overlap_trim_and_map_overlap_match_ndarray((shape, chunks, depth, boundary) in case()) {
        let d = arange(&shape);
        let x = tessera::from_array(d.clone(), Chunks::new(chunks.clone()).unwrap());
        let g = x.overlap(depth.clone(), boundary.clone());
        // Axes are first rechunked so no chunk is smaller than the depth (Dask's rule).
        let rechunked: Vec<Vec<usize>> = chunks.iter().zip(&depth).map(|(c, &dp)| ensure_minimum_chunksize(dp, c).unwrap()).collect();
        let want = oracle_overlap(&d, &rechunked, &depth, &boundary);
        let back = g.trim_internal(depth.clone(), boundary.clone());
        prop_assert_eq!(back.chunks().axes(), rechunked.as_slice());
        let dp = depth.clone();
        let mapped = x.map_overlap(depth.clone(), boundary.clone(), move |b| box_sum(b, &dp));
        prop_assert_eq!(mapped.chunks().axes(), rechunked.as_slice());
        let want_box = oracle_box(&d, &depth, &boundary);
        for s in schedulers() {
            prop_assert_eq!(&g.compute_with(&Compute::new().scheduler(s.as_ref())).unwrap(), &want, "{}", s.name());
            prop_assert_eq!(&back.compute_with(&Compute::new().scheduler(s.as_ref())).unwrap(), &d);
            let got = mapped.compute_with(&Compute::new().scheduler(s.as_ref()));
            if s.name() == "processes" {
                // The closure cannot travel: an error naming the op, before any work.
                let e = got.unwrap_err().to_string();
                prop_assert!(e.contains("map_overlap") && e.contains("cannot travel"), "{}", e);
            } else {
                prop_assert_eq!(&got.unwrap(), &want_box, "{}", s.name());
            }
        }
    }
}

/// W8's kernel: a 3x3 mean of the interior, border cells copied.
fn mean3x3(b: ArrayViewD<'_, f64>) -> ArrayD<f64> {
    let mut out = b.to_owned();
    let (r, c) = (b.shape()[0], b.shape()[1]);
    for i in 1..r.saturating_sub(1) {
        for j in 1..c.saturating_sub(1) {
            let mut s = 0.0;
            for di in 0..3 {
                for dj in 0..3 {
                    s += b[[i + di - 1, j + dj - 1]];
                }
            }
            out[[i, j]] = s / 9.0;
        }
    }
    out
}

#[test]
fn a_reflected_mean_filter_is_the_filter_of_the_symmetric_padded_array() {
    let x = tessera::random::random([37, 23], [10, 7], 42);
    let y = x.map_overlap(1, Boundary::Reflect, mean3x3);
    assert_eq!(y.chunks(), x.chunks());
    let d = x.compute().unwrap();
    let whole = tessera::from_array(d.clone(), Chunks::single(&[37, 23]));
    let padded = whole.overlap(1, Boundary::Reflect).compute().unwrap();
    let filtered = mean3x3(padded.view());
    let want = filtered
        .slice(ndarray::s![1..38, 1..24])
        .into_dyn()
        .to_owned();
    let got = y.compute().unwrap();
    assert!(got
        .iter()
        .zip(want.iter())
        .all(|(a, b)| (a - b).abs() < 1e-12));
}

/// A named, serialisable stencil kernel, as a plugin or worker process would rebuild it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct BoxSum {
    depth: Vec<usize>,
}

impl Kernel for BoxSum {
    fn id(&self) -> &str {
        "test.box_sum"
    }
    fn params(&self) -> Params {
        Params::Json(serde_json::to_string(self).unwrap())
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [b] = inputs else {
            return Err(KernelError::new("box_sum takes one block"));
        };
        Ok(Block::from_array(box_sum(
            b.as_array::<f64>()?.view(),
            &self.depth,
        )))
    }
}

#[test]
fn a_registered_kernel_travels_and_matches_the_closure() {
    tessera_ops::registry::register_kernel::<BoxSum>("test.box_sum");
    let d = arange(&[9, 8]);
    let x = tessera::from_array(d.clone(), Chunks::regular(&[9, 8], &[4, 3]).unwrap());
    let kernel: KernelRef = Arc::new(BoxSum { depth: vec![1, 2] });
    let boundary = vec![Boundary::Periodic, Boundary::constant(1.0f64)];
    let y: Array<f64> = x.map_overlap_kernel([1, 2], boundary.clone(), kernel);
    let want = oracle_box(&d, &[1, 2], &boundary);
    assert_eq!(y.compute().unwrap(), want);
    // Every task's kernel survives (id, params) and back.
    let g = y.task_graph().unwrap();
    let (direct, travelled) = common::run_travelled(&g);
    assert_eq!(direct, travelled);
}

#[test]
fn dask_docstring_example() {
    // dask.array.overlap.overlap's docstring: depth {0: 2, 1: 1}, boundary {0: 100, 1: 'reflect'}.
    let d = ArrayD::from_shape_vec(IxDyn(&[8, 8]), (0..64i64).collect()).unwrap();
    let x = tessera::from_array(d, Chunks::regular(&[8, 8], &[4, 4]).unwrap());
    let g = x.overlap([2, 1], vec![Boundary::constant(100i64), Boundary::Reflect]);
    assert_eq!(g.chunks().axes(), &[vec![8, 8], vec![6, 6]]);
    let got = g.compute().unwrap().into_dimensionality::<Ix2>().unwrap();
    assert_eq!(got.row(0).to_vec(), vec![100; 12]);
    assert_eq!(
        got.row(2).to_vec(),
        vec![0, 0, 1, 2, 3, 4, 3, 4, 5, 6, 7, 7]
    );
    assert_eq!(
        got.row(8).to_vec(),
        vec![16, 16, 17, 18, 19, 20, 19, 20, 21, 22, 23, 23]
    );
    assert_eq!(got.row(15).to_vec(), vec![100; 12]);
}

#[test]
fn small_chunks_are_rechunked_as_dask_does() {
    let x = tessera::ones::<f64>([23], Chunks::new(vec![vec![20, 1, 1, 1]]).unwrap());
    let g = x.overlap(2, Boundary::None);
    // Dask: ensure_minimum_chunksize(2, (20, 1, 1, 1)) == (19, 2, 2), then inner edges grow.
    assert_eq!(g.chunks().axes(), &[vec![21, 6, 4]]);
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let x = tessera::ones::<f64>([6, 4], 2);
    let msg = x
        .overlap(5, Boundary::Reflect)
        .check()
        .unwrap_err()
        .root()
        .to_string();
    assert!(msg.contains("depth 5") && msg.contains("length 4"), "{msg}");
    let msg = x
        .overlap(vec![1, 1, 1], Boundary::Reflect)
        .check()
        .unwrap_err()
        .root()
        .to_string();
    assert!(msg.contains("3 depths") && msg.contains("2-d"), "{msg}");
    let msg = x
        .overlap(1, vec![Boundary::Reflect])
        .check()
        .unwrap_err()
        .root()
        .to_string();
    assert!(msg.contains("1 boundaries"), "{msg}");
    let msg = x
        .trim_internal(2, Boundary::Reflect)
        .check()
        .unwrap_err()
        .root()
        .to_string();
    assert!(msg.contains("fewer than"), "{msg}");
    // A function that changes the block's shape fails at compute time, with an error.
    let bad = x.map_overlap(1, Boundary::Nearest, |b| {
        b.slice(ndarray::s![.., 0]).to_owned().into_dyn()
    });
    // Building it is fine: the shape is only known when the function runs.
    assert!(bad.check().is_ok());
    let msg = bad.compute().unwrap_err().to_string();
    assert!(msg.contains("must keep the shape"), "{msg}");
}

#[test]
fn zero_depth_is_map_blocks() {
    let x = tessera::ones::<f64>([6, 4], 2);
    let y = x.map_overlap(0, Boundary::Reflect, |b| b.mapv(|v| v * 2.0));
    assert_eq!(y.num_layers(), 2);
    assert_eq!(y.sum().compute_scalar().unwrap(), 48.0);
}
