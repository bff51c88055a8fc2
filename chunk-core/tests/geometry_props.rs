//! Properties of the slicing, unification and flattening geometry, checked
//! against brute-force models written with plain index arithmetic.

use ndarray::{ArrayD, IxDyn, SliceInfoElem};
use proptest::prelude::*;
use tessera_chunk_core::{
    elementwise_plan, flatten_plan, slice_plan, unify_chunks, Chunks, Error, IndexItem,
};

/// Chunk lengths for one axis of length `dim`, cut at random places.
fn arb_axis(dim: usize) -> BoxedStrategy<Vec<usize>> {
    if dim == 0 {
        return Just(vec![0]).boxed();
    }
    prop::collection::vec(any::<bool>(), dim - 1)
        .prop_map(move |cuts| {
            let mut out = vec![1];
            for cut in cuts {
                if cut {
                    out.push(1);
                } else if let Some(last) = out.last_mut() {
                    *last += 1;
                }
            }
            out
        })
        .boxed()
}

fn arb_chunks(max_ndim: usize, max_dim: usize) -> impl Strategy<Value = Chunks> {
    prop::collection::vec(0..=max_dim, 0..=max_ndim)
        .prop_flat_map(|shape| shape.into_iter().map(arb_axis).collect::<Vec<_>>())
        .prop_map(|axes| Chunks::new(axes).unwrap())
}

fn arb_item() -> impl Strategy<Value = IndexItem> {
    let bound = prop::option::of(-15i64..15);
    let step = prop::option::of(prop_oneof![-5i64..=-1, 1i64..=5]);
    prop_oneof![
        4 => (bound.clone(), bound, step).prop_map(|(a, b, k)| IndexItem::slice(a, b, k)),
        2 => (-12i64..12).prop_map(IndexItem::int),
        1 => Just(IndexItem::NewAxis),
        1 => Just(IndexItem::Ellipsis),
    ]
}

/// Python's `range(len)[start:stop:step]`, by walking positions one by one.
fn py_picks(start: Option<i64>, stop: Option<i64>, step: Option<i64>, len: usize) -> Vec<usize> {
    let n = len as i64;
    let step = step.unwrap_or(1);
    let mut out = Vec::new();
    if step > 0 {
        let norm = |v: Option<i64>, d: i64| match v {
            None => d,
            Some(v) if v < 0 => (v + n).max(0),
            Some(v) => v.min(n),
        };
        let (mut i, end) = (norm(start, 0), norm(stop, n));
        while i < end {
            out.push(i as usize);
            i += step;
        }
    } else {
        let norm = |v: Option<i64>, d: i64| match v {
            None => d,
            Some(v) if v < 0 => (v + n).max(-1),
            Some(v) => v.min(n - 1),
        };
        let (mut i, end) = (norm(start, n - 1), norm(stop, -1));
        while i > end {
            out.push(i as usize);
            i += step;
        }
    }
    out
}

/// NumPy's `x[index]` on `x = arange(size).reshape(shape)`, or None when NumPy raises.
fn numpy_model(shape: &[usize], index: &[IndexItem]) -> Option<ArrayD<i64>> {
    if index.iter().filter(|i| **i == IndexItem::Ellipsis).count() > 1 {
        return None;
    }
    let given = index
        .iter()
        .filter(|i| !matches!(i, IndexItem::NewAxis | IndexItem::Ellipsis))
        .count();
    if given > shape.len() {
        return None;
    }
    let mut items = Vec::new();
    for item in index {
        if *item == IndexItem::Ellipsis {
            items.extend(std::iter::repeat_n(IndexItem::full(), shape.len() - given));
        } else {
            items.push(*item);
        }
    }
    if !index.contains(&IndexItem::Ellipsis) {
        items.extend(std::iter::repeat_n(IndexItem::full(), shape.len() - given));
    }
    // Per output axis: the input axis and its picks (None for a new axis); ints fix a coordinate.
    let mut fixed = vec![0usize; shape.len()];
    let mut out_axes: Vec<Option<(usize, Vec<usize>)>> = Vec::new();
    let mut axis = 0;
    for item in items {
        match item {
            IndexItem::NewAxis => out_axes.push(None),
            IndexItem::Int(i) => {
                let n = shape[axis] as i64;
                let p = if i < 0 { i + n } else { i };
                if p < 0 || p >= n {
                    return None;
                }
                fixed[axis] = p as usize;
                axis += 1;
            }
            IndexItem::Slice { start, stop, step } => {
                out_axes.push(Some((axis, py_picks(start, stop, step, shape[axis]))));
                axis += 1;
            }
            IndexItem::Ellipsis => return None,
        }
    }
    let out_shape: Vec<usize> = out_axes
        .iter()
        .map(|a| a.as_ref().map_or(1, |(_, p)| p.len()))
        .collect();
    Some(ArrayD::from_shape_fn(IxDyn(&out_shape), |out| {
        let mut coord = fixed.clone();
        for (k, a) in out_axes.iter().enumerate() {
            if let Some((axis, picks)) = a {
                coord[*axis] = picks[out[k]];
            }
        }
        coord
            .iter()
            .zip(shape)
            .fold(0i64, |acc, (&c, &d)| acc * d as i64 + c as i64)
    }))
}

fn ranges_to_elems(ranges: &[std::ops::Range<usize>]) -> Vec<SliceInfoElem> {
    ranges
        .iter()
        .map(|r| SliceInfoElem::Slice {
            start: r.start as isize,
            end: Some(r.end as isize),
            step: 1,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn slices_pick_what_numpy_picks(
        chunks in arb_chunks(2, 9),
        index in prop::collection::vec(arb_item(), 0..4),
    ) {
        let shape = chunks.shape();
        let expected = numpy_model(&shape, &index);
        let plan = slice_plan(&chunks, &index);
        let (expected, plan) = match (expected, plan) {
            (None, Err(_)) => return Ok(()),
            (Some(e), Ok(p)) => (e, p),
            (e, p) => return Err(TestCaseError::fail(format!("model {e:?} vs plan {p:?}"))),
        };
        let out_shape = plan.shape();
        prop_assert_eq!(&out_shape[..], expected.shape());
        for (axis, c) in plan.chunks().axes().iter().enumerate() {
            prop_assert_eq!(c.iter().sum::<usize>(), out_shape[axis]);
        }
        let input = ArrayD::from_shape_fn(IxDyn(&shape), |ix| {
            (0..shape.len()).fold(0i64, |acc, i| acc * shape[i] as i64 + ix[i] as i64)
        });
        let mut blocks = 0;
        for (out_block, sel) in plan.blocks() {
            blocks += 1;
            let in_ranges = chunks.block_range(&sel.input_block).unwrap();
            let in_block = input.slice(ranges_to_elems(&in_ranges).as_slice());
            let got = in_block.slice(sel.elems.as_slice());
            let out_ranges = plan.chunks().block_range(&out_block).unwrap();
            let want = expected.slice(ranges_to_elems(&out_ranges).as_slice());
            prop_assert_eq!(got, want, "block {:?} from {:?}", out_block, sel);
            // The per-axis selections say the same as the ndarray elements.
            for (axis, s) in sel.selection.iter().enumerate() {
                let len = in_ranges[axis].len();
                prop_assert!(s.positions().all(|p| p < len));
            }
        }
        prop_assert_eq!(blocks, plan.chunks().num_blocks());
    }

    #[test]
    fn zero_steps_are_refused(chunks in arb_chunks(2, 6), start in prop::option::of(-8i64..8)) {
        let idx = [IndexItem::slice(start, None, Some(0))];
        if chunks.ndim() > 0 {
            prop_assert_eq!(slice_plan(&chunks, &idx).unwrap_err(), Error::ZeroStep);
        }
    }

    #[test]
    fn unified_chunks_refine_every_operand(
        out in arb_chunks(3, 7),
        picks in prop::collection::vec((0usize..=3, prop::collection::vec(any::<bool>(), 3)), 1..4),
        seed in prop::collection::vec(prop::collection::vec(any::<bool>(), 8), 12),
    ) {
        // Operands: trailing axes of `out`'s shape, some broadcast to length 1,
        // each chunked its own way.
        let shape = out.shape();
        let mut operands = Vec::new();
        for (k, (nd, ones)) in picks.iter().enumerate() {
            let nd = (*nd).min(shape.len());
            let axes = (0..nd).map(|i| {
                let dim = if ones[i % 3] { 1 } else { shape[shape.len() - nd + i] };
                let cuts = &seed[(k * 3 + i) % seed.len()];
                let mut c = vec![1];
                for j in 1..dim {
                    if cuts[j % cuts.len()] { c.push(1) } else if let Some(l) = c.last_mut() { *l += 1 }
                }
                if dim == 0 { vec![0] } else { c }
            }).collect();
            operands.push(Chunks::new(axes).unwrap());
        }
        let refs: Vec<&Chunks> = operands.iter().collect();
        let unified = unify_chunks(&refs).unwrap();
        let plan = elementwise_plan(&refs).unwrap();
        prop_assert_eq!(plan.chunks(), &unified);
        let ushape = unified.shape();
        for (k, op) in operands.iter().enumerate() {
            let skip = ushape.len() - op.ndim();
            for i in 0..op.ndim() {
                if op.shape()[i] != ushape[skip + i] { continue; }
                let ub = unified.offsets(skip + i);
                for b in op.offsets(i) {
                    prop_assert!(ub.contains(&b), "operand {} axis {} boundary {} missing", k, i, b);
                }
            }
            for out_block in unified.blocks() {
                let ob = plan.operand_block(k, &out_block).unwrap();
                let out_ranges = unified.block_range(&out_block).unwrap();
                let in_ranges = op.block_range(&ob.block).unwrap();
                for i in 0..op.ndim() {
                    if op.shape()[i] == ushape[skip + i] {
                        prop_assert_eq!(in_ranges[i].start + ob.ranges[i].start, out_ranges[skip + i].start);
                        prop_assert_eq!(ob.ranges[i].len(), out_ranges[skip + i].len());
                    } else {
                        prop_assert_eq!(ob.ranges[i].clone(), 0..1);
                    }
                }
            }
        }
    }

    #[test]
    fn flattening_pairs_blocks_one_to_one(chunks in arb_chunks(4, 6)) {
        match flatten_plan(&chunks) {
            Err(_) => prop_assert!(chunks.size().unwrap() == 0 && chunks.num_blocks() > 1),
            Ok(p) => {
                prop_assert_eq!(p.input.shape(), chunks.shape());
                prop_assert_eq!(p.output.shape(), vec![chunks.size().unwrap().max(usize::from(chunks.ndim() == 0))]);
                if chunks.ndim() > 0 && chunks.size().unwrap() > 0 {
                    // Input block k, read in C order, must be exactly output block k.
                    let shape = chunks.shape();
                    let starts = p.output.offsets(0);
                    prop_assert_eq!(p.input.num_blocks(), p.output.num_blocks());
                    for (k, b) in p.input.blocks().enumerate() {
                        let mut linear = vec![0usize];
                        for (r, &d) in p.input.block_range(&b).unwrap().iter().zip(&shape) {
                            linear = linear.iter().flat_map(|&l| r.clone().map(move |i| l * d + i)).collect();
                        }
                        let want: Vec<usize> = (starts[k]..starts[k + 1]).collect();
                        prop_assert_eq!(linear, want, "block {:?}", b);
                    }
                }
            }
        }
    }
}
