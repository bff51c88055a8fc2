//! Rechunk planning properties: pieces tile every new block exactly once, and
//! every stage of a plan tiles the same shape, ending at the target.

use proptest::prelude::*;
use tessera_chunk_core::{plan_rechunk, rechunk_pieces, Chunks};

fn split(d: usize, cuts: &[usize]) -> Vec<usize> {
    if d == 0 {
        return vec![0];
    }
    let (mut out, mut left) = (Vec::new(), d);
    for &c in cuts.iter().cycle() {
        if left == 0 {
            break;
        }
        out.push(c.min(left));
        left -= c.min(left);
    }
    out
}

fn two_chunkings() -> impl Strategy<Value = (Chunks, Chunks)> {
    prop::collection::vec(0usize..9, 0..5).prop_flat_map(|shape| {
        let per_axis = |shape: &Vec<usize>| -> Vec<_> {
            shape
                .iter()
                .map(|&d| {
                    prop::collection::vec(1usize..5, d.max(1)).prop_map(move |c| split(d, &c))
                })
                .collect()
        };
        (per_axis(&shape), per_axis(&shape))
            .prop_map(|(a, b)| (Chunks::new(a).unwrap(), Chunks::new(b).unwrap()))
    })
}

proptest! {
    #[test]
    fn pieces_cover_every_element_once((old, new) in two_chunkings()) {
        let shape = old.shape();
        let size: usize = shape.iter().product();
        let mut seen = vec![0u32; size];
        for block in new.blocks() {
            let range = new.block_range(&block).unwrap();
            let bshape = new.block_shape(&block).unwrap();
            let mut inside = vec![0u32; bshape.iter().product()];
            for p in rechunk_pieces(&old, &new, &block).unwrap() {
                let old_shape = old.block_shape(&p.old_block).unwrap();
                let old_range = old.block_range(&p.old_block).unwrap();
                for ax in 0..shape.len() {
                    prop_assert!(p.from[ax].end <= old_shape[ax]);
                    prop_assert_eq!(p.from[ax].len(), p.to[ax].len());
                    // The piece is the same elements seen from both blocks.
                    prop_assert_eq!(old_range[ax].start + p.from[ax].start, range[ax].start + p.to[ax].start);
                }
                // Mark the piece's elements within the new block and the array.
                let mut pts = vec![vec![]];
                for r in &p.to {
                    pts = pts.into_iter().flat_map(|q: Vec<usize>| r.clone().map(move |i| { let mut q = q.clone(); q.push(i); q })).collect();
                }
                for q in pts {
                    let local = q.iter().zip(&bshape).fold(0, |a, (&i, &d)| a * d + i);
                    inside[local] += 1;
                    let global = q.iter().zip(&range).zip(&shape).fold(0, |a, ((&i, r), &d)| a * d + r.start + i);
                    seen[global] += 1;
                }
            }
            prop_assert!(inside.iter().all(|&c| c == 1));
        }
        prop_assert!(seen.iter().all(|&c| c == 1));
    }

    #[test]
    fn plans_end_at_the_target((old, new) in two_chunkings(), itemsize in 1usize..9, limit in prop::option::of(1u64..4096)) {
        let plan = plan_rechunk(&old, &new, itemsize, None, limit).unwrap();
        prop_assert_eq!(plan.last(), Some(&new));
        for stage in &plan {
            prop_assert_eq!(stage.shape(), old.shape());
        }
    }
}
