//! The typed surface of [`Array<T>`] on [`DynArray`], by dtype dispatch:
//! each method turns the array into `Array<T>` of its dtype, calls the typed
//! method of the same name and erases the result's type again, so result
//! dtypes are exactly the typed ones (NumPy's).
//!
//! A method added to `Array<T>` (in `elementwise.rs`, `reduce.rs`,
//! `reshape.rs`, `indexing.rs` …) reaches `DynArray`, and through it the
//! Python package, by one line in [`typed_methods!`] below.

use tessera_chunk_core::{with_dtype, ChunkSpec, DType, IndexItem};

use super::DynArray;
use crate::array::Array;
use crate::error::Error;
use crate::reduce_args::Reduce;

/// The error for a dtype no array holds (`object`).
pub(super) fn no_elements(dtype: DType) -> Error {
    tessera_ops::Error::UnsupportedDType {
        op: "array".into(),
        dtype,
        reason: "no array holds this dtype; use a numeric or bool dtype".into(),
    }
    .into()
}

/// Run `$body` with `$a` bound to `$self` as an `Array<T>` of its dtype,
/// and erase the type of the array `$body` gives (errors carried).
macro_rules! dispatch {
    ($self:expr, $a:ident => $body:expr) => {
        match $self.expr() {
            Err(e) => DynArray::failed(e),
            Ok(x) => with_dtype!(x.dtype(),
                T => match Array::<T>::from_expr(x.clone()) {
                    Ok($a) => DynArray::from($body),
                    Err(e) => DynArray::failed(e),
                },
                other => DynArray::failed(no_elements(other))),
        }
    };
}

/// One `DynArray` method per typed method, same name, same arguments,
/// returning a `DynArray`.
macro_rules! typed_methods {
    ($( $(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*); )*) => {
        impl DynArray {$(
            $(#[$doc])*
            pub fn $name(&self, $($arg: $ty),*) -> DynArray {
                dispatch!(self, a => a.$name($($arg),*))
            }
        )*}
    };
}

typed_methods! {
    // Elementwise math (`elementwise.rs`).
    /// Elementwise absolute value.
    abs();
    /// Elementwise square root (integers give float64).
    sqrt();
    /// Elementwise exponential.
    exp();
    /// Elementwise natural logarithm.
    log();
    /// Elementwise sine.
    sin();
    /// Elementwise cosine.
    cos();
    /// The real part (float of the same width for complex arrays).
    real();
    /// The imaginary part (zeros for real arrays).
    imag();
    /// The complex conjugate.
    conj();
    /// Elementwise `1 / x`.
    reciprocal();
    /// Swap the last two axes.
    matrix_transpose();

    // Reductions (`reduce.rs`), in NumPy's result dtypes.
    /// Sum over every axis.
    sum();
    /// Sum over the axes and with the options of `r`.
    sum_with(r: impl Into<Reduce>);
    /// Product over every axis.
    prod();
    /// Product over the axes of `r`.
    prod_with(r: impl Into<Reduce>);
    /// Mean over every axis.
    mean();
    /// Mean over the axes of `r`.
    mean_with(r: impl Into<Reduce>);
    /// Variance over every axis.
    var();
    /// Variance over the axes of `r` (with its `ddof`).
    var_with(r: impl Into<Reduce>);
    /// Standard deviation over every axis.
    std();
    /// Standard deviation over the axes of `r` (with its `ddof`).
    std_with(r: impl Into<Reduce>);
    /// Minimum over every axis.
    min();
    /// Minimum over the axes of `r`.
    min_with(r: impl Into<Reduce>);
    /// Maximum over every axis.
    max();
    /// Maximum over the axes of `r`.
    max_with(r: impl Into<Reduce>);
    /// Whether any element is non-zero.
    any();
    /// `any` over the axes of `r`.
    any_with(r: impl Into<Reduce>);
    /// Whether every element is non-zero.
    all();
    /// `all` over the axes of `r`.
    all_with(r: impl Into<Reduce>);
    /// Sum treating NaN as zero.
    nansum();
    /// `nansum` over the axes of `r`.
    nansum_with(r: impl Into<Reduce>);
    /// Product treating NaN as one.
    nanprod();
    /// `nanprod` over the axes of `r`.
    nanprod_with(r: impl Into<Reduce>);
    /// Minimum ignoring NaN.
    nanmin();
    /// `nanmin` over the axes of `r`.
    nanmin_with(r: impl Into<Reduce>);
    /// Maximum ignoring NaN.
    nanmax();
    /// `nanmax` over the axes of `r`.
    nanmax_with(r: impl Into<Reduce>);
    /// Mean of the non-NaN elements.
    nanmean();
    /// `nanmean` over the axes of `r`.
    nanmean_with(r: impl Into<Reduce>);
    /// Variance of the non-NaN elements.
    nanvar();
    /// `nanvar` over the axes of `r` (with its `ddof`).
    nanvar_with(r: impl Into<Reduce>);
    /// Standard deviation of the non-NaN elements.
    nanstd();
    /// `nanstd` over the axes of `r` (with its `ddof`).
    nanstd_with(r: impl Into<Reduce>);
    /// Number of non-zero elements.
    count_nonzero();
    /// Number of non-zero elements over the axes of `r`.
    count_nonzero_with(r: impl Into<Reduce>);
    /// Cumulative sum over the flattened array.
    cumsum();
    /// Cumulative sum along one axis (`..` flattens).
    cumsum_with(axis: impl Into<Reduce>);
    /// Cumulative product over the flattened array.
    cumprod();
    /// Cumulative product along one axis (`..` flattens).
    cumprod_with(axis: impl Into<Reduce>);
    /// Index of the minimum in the flattened array.
    argmin();
    /// Index of the minimum along one axis.
    argmin_with(r: impl Into<Reduce>);
    /// Index of the maximum in the flattened array.
    argmax();
    /// Index of the maximum along one axis.
    argmax_with(r: impl Into<Reduce>);
    /// The `k` largest (k > 0) or `-k` smallest elements along the last axis.
    topk(k: i64);
    /// [`Array::topk`] along one axis, with `split_every`.
    topk_with(k: i64, r: impl Into<Reduce>);

    // Reshaping (`reshape.rs`).
    /// A new shape with the same number of elements; one `-1` stands for the rest.
    reshape(shape: &[i64]);
    /// Flatten to 1-d in C order.
    ravel();
    /// Reverse the axes (`x.T`).
    t();
    /// Permute the axes.
    transpose(axes: &[i64]);
    /// Exchange two axes.
    swapaxes(a: i64, b: i64);
    /// Drop every axis of length 1.
    squeeze();
    /// Drop the given axes of length 1.
    squeeze_with(axes: impl Into<Reduce>);
    /// Insert axes of length 1.
    expand_dims(axes: impl Into<Reduce>);
    /// Move axes to new positions.
    moveaxis(source: impl Into<Reduce>, destination: impl Into<Reduce>);

    // Indexing (`indexing.rs`).
    /// Basic indexing, NumPy style.
    slice(index: &[IndexItem]);
    /// Elements at `indices` along `axis`.
    take(indices: &[i64], axis: i64);
    /// Elements where `mask` is true along `axis`.
    compress(mask: &[bool], axis: i64);
    /// The `n`-th discrete difference along `axis`.
    diff(n: usize, axis: i64);
    /// Roll elements by `shift` along the axes given (`..`: flattened).
    roll(shift: i64, axes: impl Into<Reduce>);
    /// Roll along several axes, one shift per axis.
    roll_each(shifts: &[i64], axes: impl Into<Reduce>);
    /// Reverse the order of elements along the axes given.
    flip(axes: impl Into<Reduce>);

    // Rechunking (`rechunk.rs`).
    /// Rechunk with Dask's rules, in stages that fit the configured memory limit.
    rechunk(spec: impl Into<ChunkSpec>);
    /// Rechunk in stages planned for `memory_limit`.
    rechunk_within(spec: impl Into<ChunkSpec>, memory_limit: Option<u64>);
}
