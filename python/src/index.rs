//! Python indexing keys (`x[::2, 5:-5]`, `x[None, ...]`, `x[3]`,
//! `x[:, [0, 2]]`) as the facade's index items.

use pyo3::exceptions::{PyIndexError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyEllipsis, PyList, PySlice, PyTuple};
use tessera::{DynArray, IndexItem};

/// One item of a key: a basic index, or integer positions along an axis
/// (a list or 1-d NumPy array of ints), or a boolean mask along an axis.
enum Item {
    Basic(IndexItem),
    Take(Vec<i64>),
    Mask(Vec<bool>),
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
    if obj.hasattr("__index__")? && !obj.is_instance_of::<pyo3::types::PyBool>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Item::Basic(IndexItem::Int(i)));
        }
    }
    if obj.is_instance_of::<PyList>() || obj.hasattr("__array__")? {
        let np = obj.py().import("numpy")?;
        let a = np.getattr("asarray")?.call1((obj,))?;
        let ndim: usize = a.getattr("ndim")?.extract()?;
        let kind: String = a.getattr("dtype")?.getattr("kind")?.extract()?;
        if ndim == 1 && kind == "b" {
            return Ok(Item::Mask(a.call_method0("tolist")?.extract()?));
        }
        if ndim == 1 && (kind == "i" || kind == "u") {
            return Ok(Item::Take(a.call_method0("tolist")?.extract()?));
        }
        if ndim == 1 && a.getattr("size")?.extract::<usize>()? == 0 {
            return Ok(Item::Take(vec![]));
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
            adv @ (Item::Take(_) | Item::Mask(_)) => {
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
                advanced = Some((adv, out_axis));
                basic.push(IndexItem::slice(None, None, None));
            }
        }
    }
    let y = x.slice(&basic);
    Ok(match advanced {
        None => y,
        Some((Item::Take(idx), axis)) => y.take(&idx, axis as i64),
        Some((Item::Mask(mask), axis)) => y.compress(&mask, axis as i64),
        Some((Item::Basic(_), _)) => y,
    })
}
