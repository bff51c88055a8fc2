//! TEMPORARY stand-ins for chunk-core geometry being written in parallel; removed at merge.
#![allow(missing_docs)]

use tessera_chunk_core::{Chunks, DType, Error, Result, Shape};

pub fn broadcast_shapes(shapes: &[&[usize]]) -> Result<Shape> {
    let ndim = shapes.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut out = vec![1usize; ndim];
    for s in shapes {
        for (k, &d) in s.iter().enumerate() {
            let o = &mut out[ndim - s.len() + k];
            if *o == 1 {
                *o = d;
            } else if d != 1 && d != *o {
                return Err(Error::NotBroadcastable {
                    left: out.clone(),
                    right: s.to_vec(),
                });
            }
        }
    }
    Ok(out)
}

pub fn unify_chunks(ops: &[&Chunks]) -> Result<Chunks> {
    let shapes: Vec<Shape> = ops.iter().map(|c| c.shape()).collect();
    let refs: Vec<&[usize]> = shapes.iter().map(|s| s.as_slice()).collect();
    let shape = broadcast_shapes(&refs)?;
    let ndim = shape.len();
    let mut axes = Vec::new();
    for ax in 0..ndim {
        let mut bounds = std::collections::BTreeSet::new();
        for c in ops {
            let k = ax as isize - (ndim - c.ndim()) as isize;
            if k < 0 {
                continue;
            }
            let k = k as usize;
            if c.shape()[k] != shape[ax] {
                continue;
            }
            for o in c.offsets(k) {
                bounds.insert(o);
            }
        }
        bounds.insert(0);
        bounds.insert(shape[ax]);
        let b: Vec<usize> = bounds.into_iter().collect();
        let mut lens: Vec<usize> = b.windows(2).map(|w| w[1] - w[0]).collect();
        if lens.is_empty() {
            lens.push(0);
        }
        axes.push(lens);
    }
    Chunks::new(axes)
}

pub fn sum_dtype(d: DType) -> DType {
    match d.kind() {
        'b' | 'i' => DType::I64,
        'u' => DType::U64,
        _ => d,
    }
}

pub fn result_type(a: DType, b: DType) -> DType {
    if a == b {
        a
    } else {
        DType::F64
    }
}

pub fn normalize_axes(axes: Option<&[i64]>, ndim: usize) -> Result<Vec<usize>> {
    let Some(axes) = axes else {
        return Ok((0..ndim).collect());
    };
    let mut out = Vec::new();
    for &a in axes {
        let n = if a < 0 { a + ndim as i64 } else { a };
        if n < 0 || n >= ndim as i64 {
            return Err(Error::AxisOutOfBounds { axis: a, ndim });
        }
        let n = n as usize;
        if out.contains(&n) {
            return Err(Error::RepeatedAxis { axis: n });
        }
        out.push(n);
    }
    out.sort_unstable();
    Ok(out)
}
