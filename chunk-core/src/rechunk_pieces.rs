//! Rechunk pieces: which pieces of which old blocks make each new block
//! (Dask's `old_to_new`), and how many tasks a direct rechunk needs.

use std::ops::Range;

use crate::chunks::{BlockIndices, Chunks};
use crate::error::{Error, Result};

/// A piece of one old chunk along one axis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxisPiece {
    /// Index of the old chunk along the axis.
    pub old: usize,
    /// The range inside that old chunk.
    pub range: Range<usize>,
}

/// A piece of one old block that goes into a new block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RechunkPiece {
    /// The old block's index.
    pub old_block: Vec<usize>,
    /// The region of the old block to take.
    pub from: Vec<Range<usize>>,
    /// Where it goes in the new block.
    pub to: Vec<Range<usize>>,
}

pub(crate) fn same_shape(old: &Chunks, new: &Chunks) -> Result<()> {
    if old.shape() != new.shape() {
        return Err(Error::ShapeMismatch {
            left: old.shape(),
            right: new.shape(),
            reason: "old and new chunks must tile the same shape".into(),
        });
    }
    Ok(())
}

/// The pieces of old chunks that make new chunk `j` of one axis.
fn axis_pieces(old: &[usize], new: &[usize], j: usize) -> Vec<AxisPiece> {
    let start: usize = new[..j].iter().sum();
    let end = start + new[j];
    let mut out = Vec::new();
    let mut o_start = 0;
    for (i, &len) in old.iter().enumerate() {
        let o_end = o_start + len;
        let (lo, hi) = (start.max(o_start), end.min(o_end));
        if lo < hi {
            out.push(AxisPiece {
                old: i,
                range: lo - o_start..hi - o_start,
            });
        }
        o_start = o_end;
    }
    if out.is_empty() {
        // An empty new chunk takes an empty range of the last old chunk that
        // does not start after it (Dask's `_intersect_1d` does the same).
        let starts: Vec<usize> = old
            .iter()
            .scan(0, |acc, &l| {
                let s = *acc;
                *acc += l;
                Some(s)
            })
            .collect();
        let i = starts.iter().rposition(|&s| s <= start).unwrap_or(0);
        let local = start - old[..i].iter().sum::<usize>();
        let local = local.min(old.get(i).copied().unwrap_or(0));
        out.push(AxisPiece {
            old: i,
            range: local..local,
        });
    }
    out
}

/// Per axis, per new chunk: the pieces of old chunks it is made of (Dask's `old_to_new`).
pub fn old_to_new(old: &Chunks, new: &Chunks) -> Result<Vec<Vec<Vec<AxisPiece>>>> {
    same_shape(old, new)?;
    Ok((0..old.ndim())
        .map(|ax| {
            (0..new.axis(ax).len())
                .map(|j| axis_pieces(old.axis(ax), new.axis(ax), j))
                .collect()
        })
        .collect())
}

/// The pieces of old blocks that make new block `new_block`, with where each goes.
pub fn rechunk_pieces(
    old: &Chunks,
    new: &Chunks,
    new_block: &[usize],
) -> Result<Vec<RechunkPiece>> {
    same_shape(old, new)?;
    new.check_block(new_block)?;
    let per_axis: Vec<Vec<AxisPiece>> = new_block
        .iter()
        .enumerate()
        .map(|(ax, &j)| axis_pieces(old.axis(ax), new.axis(ax), j))
        .collect();
    let mut out = Vec::new();
    for combo in BlockIndices::new(per_axis.iter().map(Vec::len).collect()) {
        let mut piece = RechunkPiece {
            old_block: Vec::new(),
            from: Vec::new(),
            to: Vec::new(),
        };
        for (ax, &k) in combo.iter().enumerate() {
            let p = &per_axis[ax][k];
            // Offset of this piece inside the new chunk: the pieces before it.
            let before: usize = per_axis[ax][..k].iter().map(|q| q.range.len()).sum();
            piece.old_block.push(p.old);
            piece.from.push(p.range.clone());
            piece.to.push(before..before + p.range.len());
        }
        out.push(piece);
    }
    Ok(out)
}

/// Tasks a direct rechunk needs: one per (old block, new block) intersection.
pub fn rechunk_task_count(old: &Chunks, new: &Chunks) -> Result<usize> {
    Ok(old_to_new(old, new)?
        .iter()
        .map(|axis| axis.iter().map(Vec::len).sum::<usize>())
        .product())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_of_a_simple_rechunk() {
        let old = Chunks::new(vec![vec![5, 5]]).unwrap();
        let new = Chunks::new(vec![vec![3, 3, 3, 1]]).unwrap();
        let p = old_to_new(&old, &new).unwrap();
        assert_eq!(
            p[0][1],
            vec![
                AxisPiece {
                    old: 0,
                    range: 3..5
                },
                AxisPiece {
                    old: 1,
                    range: 0..1
                }
            ]
        );
        assert_eq!(rechunk_task_count(&old, &new).unwrap(), 5);
        let pieces = rechunk_pieces(&old, &new, &[1]).unwrap();
        assert_eq!(
            pieces[1],
            RechunkPiece {
                old_block: vec![1],
                from: std::iter::once(0..1).collect(),
                to: std::iter::once(2..3).collect()
            }
        );
    }
}
