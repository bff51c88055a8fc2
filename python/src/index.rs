//! Python indexing keys (`x[::2, 5:-5]`, `x[None, ...]`, `x[3]`,
//! `x[:, [0, 2]]`) as the facade's index items.

use pyo3::exceptions::{PyIndexError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyEllipsis, PyList, PySlice, PyTuple};
use tessera::{DynArray, IndexItem};

/// One item of a key: a basic index, or integer positions along an axis
/// (a list or NumPy/tessera array of ints, of any dimensions), a boolean
/// mask along an axis, or a 0-d bool.
enum Item {
    Basic(IndexItem),
    /// Positions along the axis, and the shape the index array had (its
    /// axes replace the indexed one, as NumPy's for an n-d index array).
    Take(Vec<i64>, Vec<usize>),
    Mask(Vec<bool>),
    /// A 0-d bool (`x[True]`): a new axis of length 1, or 0 when false.
    Scalar(bool),
}

fn item(obj: &Bound<'_, PyAny>) -> PyResult<Item> {
    if obj.is_none() {
        return Ok(Item::Basic(IndexItem::NewAxis));
    }
    if obj.is_instance_of::<PyEllipsis>() {
        return Ok(Item::Basic(IndexItem::Ellipsis));
    }
    if let Ok(s) = obj.cast::<PySlice>() {
        let part = |name: &str| -> PyResult<Option<i64>> {
            let v = s.getattr(name)?;
            if v.is_none() {
                Ok(None)
            } else {
                v.extract::<i64>()
                    .map(Some)
                    .map_err(|_| PyTypeError::new_err("slice indices must be integers or None"))
            }
        };
        return Ok(Item::Basic(IndexItem::slice(
            part("start")?,
            part("stop")?,
            part("step")?,
        )));
    }
    // Arrays of one or more dimensions are index arrays even with one
    // element (they have `__index__` too).
    let is_array = obj.hasattr("ndim")? && obj.getattr("ndim")?.extract::<usize>().unwrap_or(0) > 0;
    if !is_array && obj.hasattr("__index__")? && !obj.is_instance_of::<pyo3::types::PyBool>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Item::Basic(IndexItem::Int(i)));
        }
    }
    if obj.is_instance_of::<PyList>() || obj.hasattr("__array__")? {
        let np = obj.py().import("numpy")?;
        let a = np.getattr("asarray")?.call1((obj,))?;
        let ndim: usize = a.getattr("ndim")?.extract()?;
        let kind: String = a.getattr("dtype")?.getattr("kind")?.extract()?;
        let shape: Vec<usize> = a.getattr("shape")?.extract()?;
        if ndim == 0 && kind == "b" {
            return Ok(Item::Scalar(a.call_method0("item")?.extract()?));
        }
        if ndim == 1 && kind == "b" {
            return Ok(Item::Mask(a.call_method0("tolist")?.extract()?));
        }
        if ndim >= 1 && (kind == "i" || kind == "u") {
            let flat = a.call_method1("reshape", (-1,))?;
            return Ok(Item::Take(flat.call_method0("tolist")?.extract()?, shape));
        }
        if ndim >= 1 && a.getattr("size")?.extract::<usize>()? == 0 {
            return Ok(Item::Take(vec![], shape));
        }
    }
    Err(PyIndexError::new_err(format!(
        "only integers, slices (`:`), ellipsis (`...`), None (`np.newaxis`) and one 1-d list or array of integers or bools are valid indices; got {}",
        obj.repr()?
    )))
}

/// `x[key]`: basic items in one step; a single integer list or boolean
/// mask is taken along its axis after the basic items are applied.
pub fn getitem(x: &DynArray, key: &Bound<'_, PyAny>) -> PyResult<DynArray> {
    let items: Vec<Item> = match key.cast::<PyTuple>() {
        Ok(t) => t.iter().map(|o| item(&o)).collect::<PyResult<_>>()?,
        Err(_) => vec![item(key)?],
    };
    let mut basic = Vec::with_capacity(items.len());
    let mut advanced = None;
    // The axis of the result an advanced item lands on: count the basic
    // items before it that keep or add an axis.
    let mut out_axis = 0usize;
    let mut after_ellipsis = false;
    for it in items {
        match it {
            Item::Basic(b) => {
                match b {
                    IndexItem::Int(_) => {}
                    IndexItem::Ellipsis => after_ellipsis = true,
                    _ => {
                        if advanced.is_none() {
                            out_axis += 1;
                        }
                    }
                }
                basic.push(b);
            }
            adv @ (Item::Take(..) | Item::Mask(_) | Item::Scalar(_)) => {
                if advanced.is_some() {
                    return Err(PyIndexError::new_err(
                        "tessera takes one list or array index per indexing; index one axis at a time",
                    ));
                }
                if after_ellipsis {
                    return Err(PyIndexError::new_err(
                        "a list or array index after `...` is not supported; write the axes out with `:`",
                    ));
                }
                // A 0-d bool adds its axis; the others index an existing one.
                basic.push(match adv {
                    Item::Scalar(_) => IndexItem::NewAxis,
                    _ => IndexItem::slice(None, None, None),
                });
                advanced = Some((adv, out_axis));
            }
        }
    }
    let y = x.slice(&basic);
    Ok(match advanced {
        None => y,
        Some((Item::Take(idx, shape), axis)) => {
            let taken = y.take(&idx, axis as i64);
            if shape.len() == 1 {
                taken
            } else {
                // An n-d index array: its axes replace the indexed one.
                let mut out: Vec<usize> = taken.shape().to_vec();
                out.splice(axis..=axis, shape);
                let out: Vec<i64> = out.iter().map(|&n| n as i64).collect();
                taken.reshape(&out)
            }
        }
        Some((Item::Mask(mask), axis)) => y.compress(&mask, axis as i64),
        Some((Item::Scalar(keep), axis)) => y.compress(&[keep], axis as i64),
        Some((Item::Basic(_), _)) => y,
    })
}
