//! Reductions (`x.sum()`, `x.mean_with(0)` … in Dask's tree of layers),
//! cumulative scans, arg reductions, NaN-skipping reductions, counts,
//! histograms, topk (the set functions, `unique*`, are in `set.rs`).
//!
//! Every reduction has two forms: `x.op()` over all axes, and
//! `x.op_with(r)` where `r` is anything that becomes a [`Reduce`]: an axis
//! (`0`, `-1`), several (`[0, 2]`), `..` for all, or a builder with options
//! (`axes([0, 2]).keepdims()`, `ddof(1)`, `axis(1).split_every(4)`).
//! Result dtypes are NumPy's: sums of integers in `i64`/`u64` (`T::Sum`),
//! means, variances and standard deviations of `f32` in `f32`, of `f16` in
//! `f16` and of everything else in `f64` (`T::Float`); complex means stay
//! complex, their variances and standard deviations are real. Sums and
//! products of `f16` accumulate in `f32` and round to `f16` once, at the end
//! (NumPy's pairwise sum does so along a contiguous axis); means and
//! moments of `f16` compute in `f64` and round once.

use ndarray::Array1;
use tessera_chunk_core::Element;
use tessera_ops::{arg_reduction, cumulative, histogram, reduction, topk, ArgOp, CumOp, ReduceOp};

use crate::array::Array;
use crate::error::{Error, Result};
use crate::reduce_args::Reduce;

/// `$name()` over all axes and `$with(r)` over the axes and options of `r`,
/// for each reduction, giving dtype `$out`.
macro_rules! reductions {
    ($($(#[$doc:meta])* $name:ident, $with:ident, $label:literal, $out:ty, |$r:ident| $op:expr;)*) => {$(
        $(#[$doc])*
        pub fn $name(&self) -> Array<$out> {
            self.$with(..)
        }

        $(#[$doc])*
        /// Over the axes and with the options of `r` (see [`Reduce`]).
        pub fn $with(&self, r: impl Into<Reduce>) -> Array<$out> {
            let $r = r.into();
            self.reduced($label, $op, &$r)
        }
    )*};
}

impl<T: Element> Array<T> {
    /// Any reduction op over the axes and with the options of `r`, giving
    /// dtype `U` (the named methods below fix `U` to NumPy's dtype).
    pub fn reduction<U: Element>(&self, op: ReduceOp, r: impl Into<Reduce>) -> Array<U> {
        self.reduced(op_label(op), op, &r.into())
    }

    fn reduced<U: Element>(&self, label: &str, op: ReduceOp, r: &Reduce) -> Array<U> {
        let opts = r.options();
        self.then(label, |x| Ok(reduction::reduce(x, op, &opts)?))
    }

    reductions! {
        /// Sum (`x.sum()`), in NumPy's sum dtype.
        sum, sum_with, "sum", T::Sum, |r| ReduceOp::Sum;
        /// Product (`x.prod()`), in NumPy's sum dtype.
        prod, prod_with, "prod", T::Sum, |r| ReduceOp::Prod;
        /// Mean (`x.mean()`): `f32` and `f16` stay as they are, everything else is `f64`.
        mean, mean_with, "mean", T::Float, |r| ReduceOp::Mean;
        /// Variance (`x.var()`), with `ddof` from [`Reduce::ddof`] (default 0);
        /// of complex arrays real (the mean of `|z - mean|²`), as NumPy's.
        var, var_with, "var", <T::Float as Element>::Real, |r| ReduceOp::Var { ddof: r.ddof };
        /// Standard deviation (`x.std()`), with `ddof` from [`Reduce::ddof`] (default 0).
        std, std_with, "std", <T::Float as Element>::Real, |r| ReduceOp::Std { ddof: r.ddof };
        /// Minimum (`x.min()`).
        min, min_with, "min", T, |r| ReduceOp::Min;
        /// Maximum (`x.max()`).
        max, max_with, "max", T, |r| ReduceOp::Max;
        /// Whether any element is non-zero (`x.any()`).
        any, any_with, "any", bool, |r| ReduceOp::Any;
        /// Whether every element is non-zero (`x.all()`).
        all, all_with, "all", bool, |r| ReduceOp::All;
        /// Sum treating NaN as zero (`da.nansum`), in NumPy's sum dtype.
        nansum, nansum_with, "nansum", T::Sum, |r| ReduceOp::NanSum;
        /// Product treating NaN as one (`da.nanprod`), in NumPy's sum dtype.
        nanprod, nanprod_with, "nanprod", T::Sum, |r| ReduceOp::NanProd;
        /// Minimum ignoring NaN (`da.nanmin`); NaN where a slice is all NaN.
        nanmin, nanmin_with, "nanmin", T, |r| ReduceOp::NanMin;
        /// Maximum ignoring NaN (`da.nanmax`); NaN where a slice is all NaN.
        nanmax, nanmax_with, "nanmax", T, |r| ReduceOp::NanMax;
        /// Mean of the non-NaN elements (`da.nanmean`); NaN where there are none.
        nanmean, nanmean_with, "nanmean", T::Float, |r| ReduceOp::NanMean;
        /// Variance of the non-NaN elements (`da.nanvar`); NaN where there
        /// are fewer than `ddof` of them, as Dask (NumPy also gives NaN, not
        /// infinity, where there are exactly `ddof`).
        nanvar, nanvar_with, "nanvar", T::Float, |r| ReduceOp::NanVar { ddof: r.ddof };
        /// Standard deviation of the non-NaN elements (`da.nanstd`).
        nanstd, nanstd_with, "nanstd", T::Float, |r| ReduceOp::NanStd { ddof: r.ddof };
    }

    /// Number of non-zero elements (`da.count_nonzero`).
    pub fn count_nonzero(&self) -> Array<i64> {
        self.count_nonzero_with(..)
    }

    /// Number of non-zero elements over the axes of `r`.
    pub fn count_nonzero_with(&self, r: impl Into<Reduce>) -> Array<i64> {
        let opts = r.into().options();
        self.then("count_nonzero", |x| Ok(reduction::count_nonzero(x, &opts)?))
    }

    /// Cumulative sum over the flattened array (`np.cumsum(x)`), in NumPy's
    /// sum dtype (`i64` for signed integers and bool, `u64` for unsigned).
    ///
    /// ```
    /// let x = tessera::arange::<i32>(0.0, 5.0, 1.0, 2);
    /// assert_eq!(x.cumsum().compute()?.into_raw_vec_and_offset().0, vec![0, 1, 3, 6, 10]);
    /// # Ok::<(), tessera::Error>(())
    /// ```
    pub fn cumsum(&self) -> Array<T::Sum> {
        self.cumsum_with(..)
    }

    /// Cumulative sum along one axis (`x.cumsum(axis=0)`; `..` flattens).
    pub fn cumsum_with(&self, axis: impl Into<Reduce>) -> Array<T::Sum> {
        self.cumulative("cumsum", CumOp::Sum, axis.into())
    }

    /// Cumulative product over the flattened array (`np.cumprod(x)`).
    pub fn cumprod(&self) -> Array<T::Sum> {
        self.cumprod_with(..)
    }

    /// Cumulative product along one axis (`..` flattens).
    pub fn cumprod_with(&self, axis: impl Into<Reduce>) -> Array<T::Sum> {
        self.cumulative("cumprod", CumOp::Prod, axis.into())
    }

    fn cumulative<U: Element>(&self, label: &str, op: CumOp, r: Reduce) -> Array<U> {
        self.then(label, |x| {
            let axis = one_axis(label, &r)?;
            Ok(cumulative::cumulative(x, op, axis)?)
        })
    }

    /// Index of the minimum in the flattened array (`x.argmin()`), the first
    /// on ties; a NaN counts as the minimum, as in NumPy.
    ///
    /// ```
    /// let x = tessera::from_array(ndarray::arr1(&[3.0, 1.0, 2.0, 1.0]).into_dyn(), 2);
    /// assert_eq!(x.argmin().compute_scalar()?, 1);
    /// # Ok::<(), tessera::Error>(())
    /// ```
    pub fn argmin(&self) -> Array<i64> {
        self.argmin_with(..)
    }

    /// Index of the minimum along one axis (`axis(0).keepdims()` keeps it).
    pub fn argmin_with(&self, r: impl Into<Reduce>) -> Array<i64> {
        self.arg_reduced("argmin", ArgOp::Min, r.into())
    }

    /// Index of the maximum in the flattened array (`x.argmax()`).
    pub fn argmax(&self) -> Array<i64> {
        self.argmax_with(..)
    }

    /// Index of the maximum along one axis.
    pub fn argmax_with(&self, r: impl Into<Reduce>) -> Array<i64> {
        self.arg_reduced("argmax", ArgOp::Max, r.into())
    }

    fn arg_reduced(&self, label: &str, op: ArgOp, r: Reduce) -> Array<i64> {
        self.then(label, |x| {
            let axis = one_axis(label, &r)?;
            Ok(arg_reduction::arg_reduce(
                x,
                op,
                axis,
                r.keepdims,
                r.split_every,
            )?)
        })
    }

    /// Counts in `bins` equal bins over `range = (lo, hi)`, as
    /// `da.histogram(x, bins=bins, range=range)`: a lazy `i64` array of one
    /// chunk (per-block counts summed), and the `bins + 1` edges
    /// (`np.linspace(lo, hi, bins + 1)`). Bins are half-open but the last,
    /// which includes `hi`; NaN and values outside the range are not counted.
    /// With `lo == hi`, elements are counted over `[lo - 0.5, hi + 0.5]` (NumPy's
    /// rule) while the returned edges all equal `lo`, as Dask returns them.
    /// Bad bins or range leave the counts carrying the error and no edges.
    ///
    /// ```
    /// let x = tessera::from_array(ndarray::arr1(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]).into_dyn(), 4);
    /// let (counts, edges) = x.histogram(3, (0.0, 5.0));
    /// assert_eq!(counts.compute()?.into_raw_vec_and_offset().0, vec![2, 2, 2]);
    /// assert_eq!(edges.len(), 4);
    /// # Ok::<(), tessera::Error>(())
    /// ```
    pub fn histogram(&self, bins: usize, range: (f64, f64)) -> (Array<i64>, Array1<f64>) {
        let mut edges = Vec::new();
        let counts = self.then("histogram", |x| {
            let (counts, e) = histogram::histogram(x, bins, range)?;
            edges = e;
            Ok(counts)
        });
        (counts, Array1::from(edges))
    }

    /// The `k` largest elements along the last axis in descending order
    /// (k > 0), or the `-k` smallest in ascending order (k < 0), as
    /// `da.topk(x, k)`; the axis becomes one chunk of length |k|.
    pub fn topk(&self, k: i64) -> Array<T> {
        self.topk_with(k, -1)
    }

    /// [`Array::topk`] along one axis, with a tree reduction's `split_every`:
    /// `x.topk_with(5, 0)` is `da.topk(x, 5, axis=0)`,
    /// `x.topk_with(5, axis(0).split_every(4))` adds `split_every=4`.
    pub fn topk_with(&self, k: i64, r: impl Into<Reduce>) -> Array<T> {
        let r = r.into();
        self.then("topk", |x| {
            let axis = one_axis("topk", &r)?.unwrap_or(-1);
            Ok(topk::topk(x, k, axis, r.split_every)?)
        })
    }
}

/// The one axis of a scan or arg reduction (`None`: the flattened array);
/// several axes are an error naming the operation.
fn one_axis(op: &str, r: &Reduce) -> Result<Option<i64>> {
    match r.axes.as_deref() {
        None => Ok(None),
        Some([a]) => Ok(Some(*a)),
        Some(more) => Err(Error::Ops(tessera_ops::Error::InvalidArgument {
            op: op.into(),
            reason: format!("takes one axis or none (the flattened array), got {more:?}"),
        })),
    }
}

/// A reduction op's name as NumPy spells it.
pub(crate) fn op_label(op: ReduceOp) -> &'static str {
    match op {
        ReduceOp::Sum => "sum",
        ReduceOp::Prod => "prod",
        ReduceOp::Mean => "mean",
        ReduceOp::Var { .. } => "var",
        ReduceOp::Std { .. } => "std",
        ReduceOp::Min => "min",
        ReduceOp::Max => "max",
        ReduceOp::Any => "any",
        ReduceOp::All => "all",
        ReduceOp::NanSum => "nansum",
        ReduceOp::NanProd => "nanprod",
        ReduceOp::NanMin => "nanmin",
        ReduceOp::NanMax => "nanmax",
        ReduceOp::NanMean => "nanmean",
        ReduceOp::NanVar { .. } => "nanvar",
        ReduceOp::NanStd { .. } => "nanstd",
    }
}
