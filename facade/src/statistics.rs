//! The reduction family beyond sums and means: cumulative scans, arg
//! reductions, NaN-skipping reductions, counts, histograms, unique values, topk.

use tessera_chunk_core::Element;
use tessera_ops::{cumulative, CumOp, ReduceOp, ReduceOptions};

use crate::array::Array;
use crate::error::Result;

impl<T: Element> Array<T> {
    /// Cumulative sum along `axis`, or over the flattened array for `None`
    /// (`np.cumsum`); the result is in NumPy's sum dtype (`i64` for signed
    /// integers and bool, `u64` for unsigned, `T` for floats).
    ///
    /// ```
    /// let x = tessera::arange::<i32>(0.0, 5.0, 1.0, 2)?;
    /// let c = x.cumsum::<i64>(None)?;
    /// assert_eq!(c.compute()?.into_raw_vec_and_offset().0, vec![0, 1, 3, 6, 10]);
    /// # Ok::<(), tessera::Error>(())
    /// ```
    pub fn cumsum<U: Element>(&self, axis: Option<i64>) -> Result<Array<U>> {
        Array::from_expr(cumulative::cumulative(self.expr(), CumOp::Sum, axis)?)
    }

    /// Cumulative product along `axis`, or over the flattened array for `None` (`np.cumprod`).
    pub fn cumprod<U: Element>(&self, axis: Option<i64>) -> Result<Array<U>> {
        Array::from_expr(cumulative::cumulative(self.expr(), CumOp::Prod, axis)?)
    }

    fn nan_reduce<U: Element>(&self, op: ReduceOp, axis: Option<i64>, keepdims: bool) -> Result<Array<U>> {
        let opts = ReduceOptions {
            axes: axis.map(|a| vec![a]),
            keepdims,
            split_every: None,
        };
        self.reduction(op, &opts)
    }
}
