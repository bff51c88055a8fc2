//! Array API functions made of tessera's own operations: `vecdot` (a
//! product and a sum) and `cumulative_sum` / `cumulative_prod` (a scan with
//! an optional leading identity, as array-api-compat gives Dask: a
//! one-element chunk concatenated in front).

use tessera_chunk_core::{normalize_axis, Chunks, DType, Element};
use tessera_ops::{
    creation, cumulative, elementwise, join, reduction, BinaryOp, CumOp, Expr, ReduceOptions,
    Scalar,
};

use crate::array::Array;
use crate::error::Result;

impl<T: Element> Array<T> {
    /// The dot product of vectors along `axis` (Array API `vecdot`:
    /// `sum(conj(self) * other)`, so complex vectors are conjugated first). The two arrays
    /// broadcast on the other axes; `axis` counts in the broadcast shape and
    /// must have the same length in both.
    ///
    /// ```
    /// let a = tessera::arange::<f64>(0.0, 6.0, 1.0, 2).reshape(&[2, 3]);
    /// let b = tessera::ones::<f64>(3, 2);
    /// assert_eq!(a.vecdot(&b, -1).compute().unwrap().into_raw_vec_and_offset().0, vec![3.0, 12.0]);
    /// ```
    pub fn vecdot(&self, other: &Array<T>, axis: i64) -> Array<T> {
        self.then2(other, "vecdot", |a, b| vecdot(a, b, axis))
    }

    /// Running sum along `axis` (Array API `cumulative_sum`), in NumPy's sum
    /// dtype; `include_initial` puts a zero first, so the axis grows by one.
    /// `axis` may be `None` only for a 1-d array.
    ///
    /// ```
    /// let x = tessera::arange::<i32>(1.0, 4.0, 1.0, 2);
    /// let y = x.cumulative_sum(None, true);
    /// assert_eq!(y.compute().unwrap().into_raw_vec_and_offset().0, vec![0i64, 1, 3, 6]);
    /// ```
    pub fn cumulative_sum(&self, axis: Option<i64>, include_initial: bool) -> Array<T::Sum> {
        self.cumulative_as::<T::Sum>(CumOp::Sum, axis, include_initial)
    }

    /// Running product along `axis` (Array API `cumulative_prod`); `include_initial` puts a one first.
    pub fn cumulative_prod(&self, axis: Option<i64>, include_initial: bool) -> Array<T::Sum> {
        self.cumulative_as::<T::Sum>(CumOp::Prod, axis, include_initial)
    }

    /// `cumulative_sum` / `cumulative_prod` computed in dtype `U` (the Array
    /// API's `dtype=` argument): the array is cast to `U` first.
    pub fn cumulative_as<U: Element>(
        &self,
        op: CumOp,
        axis: Option<i64>,
        include_initial: bool,
    ) -> Array<U> {
        let label = match op {
            CumOp::Sum => "cumulative_sum",
            CumOp::Prod => "cumulative_prod",
        };
        self.then(label, |x| {
            Ok(scan_with_initial(
                x,
                op,
                axis,
                include_initial,
                U::DTYPE,
                label,
            )?)
        })
    }
}

fn vecdot(a: &Expr, b: &Expr, axis: i64) -> Result<Expr> {
    let shape = tessera_chunk_core::broadcast_shapes(&[&a.shape(), &b.shape()])?;
    let ax = normalize_axis(axis, shape.len())?;
    // The contracted axis must have the same length in both, a missing
    // leading axis counting as 1 (the Array API's reference pads the shapes
    // so): no stretching of a length-1 axis there.
    let len_of = |x: &Expr| {
        (ax + x.ndim())
            .checked_sub(shape.len())
            .map_or(1, |k| x.shape()[k])
    };
    if len_of(a) != len_of(b) {
        return Err(tessera_ops::Error::InvalidArgument {
            op: "vecdot".into(),
            reason: format!(
                "axis {axis} has length {} in the first array (shape {:?}) and {} in the second (shape {:?}); they must be equal",
                len_of(a),
                a.shape(),
                len_of(b),
                b.shape()
            ),
        }
        .into());
    }
    // The standard's vecdot conjugates the first operand (x1ᴴ x2).
    let a = match a.dtype().kind() {
        'c' => elementwise::complex_part(elementwise::kernels::Part::Conj, a)?,
        _ => a.clone(),
    };
    let product = elementwise::binary(BinaryOp::Mul, &a, b)?;
    let opts = ReduceOptions {
        axes: Some(vec![ax as i64]),
        keepdims: false,
        split_every: None,
    };
    let sum = reduction::reduce(&product, tessera_ops::ReduceOp::Sum, &opts)?;
    Ok(elementwise::astype(&sum, a.dtype())?)
}

fn scan_with_initial(
    x: &Expr,
    op: CumOp,
    axis: Option<i64>,
    include_initial: bool,
    dtype: DType,
    label: &str,
) -> std::result::Result<Expr, tessera_ops::Error> {
    let axis = match axis {
        Some(a) => normalize_axis(a, x.ndim())?,
        None if x.ndim() == 1 => 0,
        None => {
            return Err(tessera_ops::Error::InvalidArgument {
                op: label.into(),
                reason: format!(
                "the array has {} dimensions; give an axis (it may be omitted only for 1-d arrays)",
                x.ndim()
            ),
            })
        }
    };
    let cast = elementwise::astype(x, dtype)?;
    let scanned = cumulative::cumulative(&cast, op, Some(axis as i64))?;
    // The scan of an integer type is computed in its sum dtype; cast back to the one asked for.
    let scanned = elementwise::astype(&scanned, dtype)?;
    if !include_initial {
        return Ok(scanned);
    }
    let mut axes = scanned.chunks().axes().to_vec();
    axes[axis] = vec![1];
    let (identity, name) = match op {
        CumOp::Sum => (Scalar::Int(0), "zeros_like"),
        CumOp::Prod => (Scalar::Int(1), "ones_like"),
    };
    let first = creation::full(Chunks::new(axes)?, dtype, identity, name)?;
    if scanned.shape()[axis] == 0 {
        // An empty axis scans to nothing: the identity alone is the answer
        // (and tessera keeps no empty block beside a full one).
        return Ok(first);
    }
    join::concatenate(&[first, scanned], Some(axis as i64))
}
