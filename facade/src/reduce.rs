//! Reductions (`x.sum()`, `x.mean()` … in Dask's tree of layers), cumulative
//! scans, arg reductions, NaN-skipping reductions, counts, histograms, unique
//! values, topk.

use ndarray::Array1;
use tessera_chunk_core::Element;
use tessera_graph::TaskGraph;
use tessera_ops::{
    arg_reduction, cumulative, histogram, reduction, topk, unique, ArgOp, CumOp, ReduceOp,
    ReduceOptions,
};
use tessera_schedulers::{RunOptions, Scheduler};

use crate::array::Array;
use crate::config;
use crate::error::{Error, Result};

fn one_axis(axis: Option<i64>, keepdims: bool) -> ReduceOptions {
    ReduceOptions {
        axes: axis.map(|a| vec![a]),
        keepdims,
        split_every: None,
    }
}

impl<T: Element> Array<T> {
    /// Sum of all elements, in NumPy's sum dtype (`i64` for integers, `u64` for unsigned, `T` for floats).
    pub fn sum<U: Element>(&self) -> Result<Array<U>> {
        self.reduce_to(ReduceOp::Sum, None)
    }

    /// Any reduction over chosen axes with options (negative axes count from the end).
    pub fn reduction<U: Element>(&self, op: ReduceOp, opts: &ReduceOptions) -> Result<Array<U>> {
        Array::from_expr(reduction::reduce(self.expr(), op, opts)?)
    }

    fn reduce_to<U: Element>(&self, op: ReduceOp, axes: Option<Vec<i64>>) -> Result<Array<U>> {
        let opts = ReduceOptions {
            axes,
            keepdims: false,
            split_every: None,
        };
        self.reduction(op, &opts)
    }

    /// Mean of all elements (float64; float32 stays float32 — use `mean_f32` for that).
    pub fn mean(&self) -> Result<Array<f64>> {
        self.reduce_to(ReduceOp::Mean, None)
    }

    /// Mean along one axis (negative counts from the end).
    pub fn mean_axis(&self, axis: i64) -> Result<Array<f64>> {
        self.reduce_to(ReduceOp::Mean, Some(vec![axis]))
    }

    /// Variance of all elements with `ddof` delta degrees of freedom.
    pub fn var(&self, ddof: u32) -> Result<Array<f64>> {
        self.reduce_to(ReduceOp::Var { ddof }, None)
    }

    /// Standard deviation of all elements with `ddof` delta degrees of freedom.
    pub fn std(&self, ddof: u32) -> Result<Array<f64>> {
        self.reduce_to(ReduceOp::Std { ddof }, None)
    }

    /// Sum along one axis, in NumPy's sum dtype.
    pub fn sum_axis<U: Element>(&self, axis: i64) -> Result<Array<U>> {
        self.reduce_to(ReduceOp::Sum, Some(vec![axis]))
    }

    /// Minimum of all elements.
    pub fn min(&self) -> Result<Array<T>> {
        self.reduce_to(ReduceOp::Min, None)
    }

    /// Maximum of all elements.
    pub fn max(&self) -> Result<Array<T>> {
        self.reduce_to(ReduceOp::Max, None)
    }

    /// Whether any element is non-zero.
    pub fn any(&self) -> Result<Array<bool>> {
        self.reduce_to(ReduceOp::Any, None)
    }

    /// Whether every element is non-zero.
    pub fn all(&self) -> Result<Array<bool>> {
        self.reduce_to(ReduceOp::All, None)
    }

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
    pub fn arg_reduction(
        &self,
        op: ArgOp,
        axis: Option<i64>,
        keepdims: bool,
    ) -> Result<Array<i64>> {
        Array::from_expr(arg_reduction::arg_reduce(
            self.expr(),
            op,
            axis,
            keepdims,
            None,
        )?)
    }

    /// Number of non-zero elements along `axis` (`None`: all), as `np.count_nonzero`.
    pub fn count_nonzero(&self, axis: Option<i64>) -> Result<Array<i64>> {
        Array::from_expr(reduction::count_nonzero(
            self.expr(),
            &one_axis(axis, false),
        )?)
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

    /// Variance of the non-NaN elements with `ddof`; NaN where there are fewer
    /// than `ddof` of them, as Dask's `nanvar` (NumPy also gives NaN, not
    /// infinity, where there are exactly `ddof`).
    pub fn nanvar(&self, axis: Option<i64>, ddof: u32) -> Result<Array<f64>> {
        self.nan_reduce(ReduceOp::NanVar { ddof }, axis)
    }

    /// Standard deviation of the non-NaN elements with `ddof`.
    pub fn nanstd(&self, axis: Option<i64>, ddof: u32) -> Result<Array<f64>> {
        self.nan_reduce(ReduceOp::NanStd { ddof }, axis)
    }

    /// Counts in `bins` equal bins over `range = (lo, hi)`, as
    /// `da.histogram(x, bins=bins, range=range)`: a lazy `i64` array of one
    /// chunk (per-block counts summed), and the `bins + 1` edges
    /// (`np.linspace(lo, hi, bins + 1)`). Bins are half-open but the last,
    /// which includes `hi`; NaN and values outside the range are not counted.
    /// With `lo == hi`, elements are counted over `[lo - 0.5, hi + 0.5]` (NumPy's
    /// rule) while the returned edges all equal `lo`, as Dask returns them.
    ///
    /// ```
    /// let x = tessera::from_array(ndarray::arr1(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]).into_dyn(), 4)?;
    /// let (counts, edges) = x.histogram(3, (0.0, 5.0))?;
    /// assert_eq!(counts.compute()?.into_raw_vec_and_offset().0, vec![2, 2, 2]);
    /// assert_eq!(edges.len(), 4);
    /// # Ok::<(), tessera::Error>(())
    /// ```
    pub fn histogram(&self, bins: usize, range: (f64, f64)) -> Result<(Array<i64>, Array1<f64>)> {
        let (counts, edges) = histogram::histogram(self.expr(), bins, range)?;
        Ok((Array::from_expr(counts)?, Array1::from(edges)))
    }

    /// The `k` largest elements along `axis` in descending order (k > 0), or
    /// the `-k` smallest in ascending order (k < 0), as `da.topk(x, k, axis)`;
    /// the axis becomes one chunk of length |k|.
    pub fn topk(&self, k: i64, axis: i64) -> Result<Array<T>> {
        Array::from_expr(topk::topk(self.expr(), k, axis, None)?)
    }

    /// The sorted distinct values (one NaN if any), computed now with the
    /// configured scheduler. The output length depends on the data, so unlike
    /// other operations this cannot stay lazy with known chunks (Dask returns
    /// unknown chunks there); it suits results that fit in memory.
    pub fn unique(&self) -> Result<Array1<T>> {
        let scheduler = config::get()?.scheduler()?;
        self.unique_with(scheduler.as_ref())
    }

    /// [`Array::unique`] on a given scheduler.
    pub fn unique_with(&self, scheduler: &dyn Scheduler) -> Result<Array1<T>> {
        let expr = unique::unique(self.expr())?;
        let optimized = tessera_graph::passes::optimize(expr.layer())?;
        let graph = tessera_graph::inline_sources(TaskGraph::from_layer(&optimized)?)?;
        let blocks = scheduler.run(&graph, &RunOptions::default())?;
        let [block] = blocks.as_slice() else {
            return Err(Error::Ops(tessera_ops::Error::InvalidArgument {
                op: "unique".into(),
                reason: format!("expected one block of unique values, got {}", blocks.len()),
            }));
        };
        let values = block.as_array::<T>()?;
        Ok(values.iter().copied().collect())
    }
}
