//! The reduction family beyond sums and means: cumulative scans, arg
//! reductions, NaN-skipping reductions, counts, histograms, unique values, topk.

use tessera_chunk_core::Element;
use tessera_ops::{arg_reduction, cumulative, reduction, ArgOp, CumOp, ReduceOp, ReduceOptions};

use crate::array::Array;
use crate::error::Result;

fn one_axis(axis: Option<i64>, keepdims: bool) -> ReduceOptions {
    ReduceOptions {
        axes: axis.map(|a| vec![a]),
        keepdims,
        split_every: None,
    }
}

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

    /// Index of the minimum along `axis` (`None`: into the flattened array),
    /// the first one on ties; a NaN counts as the minimum, as in NumPy.
    ///
    /// ```
    /// let x = tessera::from_array(ndarray::arr1(&[3.0, 1.0, 2.0, 1.0]).into_dyn(), 2)?;
    /// assert_eq!(x.argmin(None)?.compute_scalar()?, 1);
    /// # Ok::<(), tessera::Error>(())
    /// ```
    pub fn argmin(&self, axis: Option<i64>) -> Result<Array<i64>> {
        self.arg_reduction(ArgOp::Min, axis, false)
    }

    /// Index of the maximum along `axis` (`None`: into the flattened array).
    pub fn argmax(&self, axis: Option<i64>) -> Result<Array<i64>> {
        self.arg_reduction(ArgOp::Max, axis, false)
    }

    /// `argmin`/`argmax` with `keepdims`.
    pub fn arg_reduction(&self, op: ArgOp, axis: Option<i64>, keepdims: bool) -> Result<Array<i64>> {
        Array::from_expr(arg_reduction::arg_reduce(self.expr(), op, axis, keepdims, None)?)
    }

    /// Number of non-zero elements along `axis` (`None`: all), as `np.count_nonzero`.
    pub fn count_nonzero(&self, axis: Option<i64>) -> Result<Array<i64>> {
        Array::from_expr(reduction::count_nonzero(self.expr(), &one_axis(axis, false))?)
    }

    fn nan_reduce<U: Element>(&self, op: ReduceOp, axis: Option<i64>) -> Result<Array<U>> {
        self.reduction(op, &one_axis(axis, false))
    }

    /// Sum along `axis` (`None`: all) treating NaN as zero, in NumPy's sum dtype.
    pub fn nansum<U: Element>(&self, axis: Option<i64>) -> Result<Array<U>> {
        self.nan_reduce(ReduceOp::NanSum, axis)
    }

    /// Product along `axis` (`None`: all) treating NaN as one, in NumPy's sum dtype.
    pub fn nanprod<U: Element>(&self, axis: Option<i64>) -> Result<Array<U>> {
        self.nan_reduce(ReduceOp::NanProd, axis)
    }

    /// Minimum along `axis` (`None`: all) ignoring NaN; NaN where a slice is all NaN.
    pub fn nanmin(&self, axis: Option<i64>) -> Result<Array<T>> {
        self.nan_reduce(ReduceOp::NanMin, axis)
    }

    /// Maximum along `axis` (`None`: all) ignoring NaN; NaN where a slice is all NaN.
    pub fn nanmax(&self, axis: Option<i64>) -> Result<Array<T>> {
        self.nan_reduce(ReduceOp::NanMax, axis)
    }

    /// Mean of the non-NaN elements along `axis` (`None`: all); NaN where there are none.
    pub fn nanmean(&self, axis: Option<i64>) -> Result<Array<f64>> {
        self.nan_reduce(ReduceOp::NanMean, axis)
    }

    /// Variance of the non-NaN elements with `ddof`; NaN where fewer than `ddof + 1`.
    pub fn nanvar(&self, axis: Option<i64>, ddof: u32) -> Result<Array<f64>> {
        self.nan_reduce(ReduceOp::NanVar { ddof }, axis)
    }

    /// Standard deviation of the non-NaN elements with `ddof`.
    pub fn nanstd(&self, axis: Option<i64>, ddof: u32) -> Result<Array<f64>> {
        self.nan_reduce(ReduceOp::NanStd { ddof }, axis)
    }
}
