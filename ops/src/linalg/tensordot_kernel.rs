//! `TensordotBlock`: the product of one block of each operand over their
//! contracted axes, with those axes kept at length 1 (Dask's `_tensordot`), so
//! a tree sum over the contracted-block axes finishes the contraction.
//!
//! Floats go through ndarray's `dot` (matrixmultiply's packed, vectorised
//! GEMM, complex too); 64-bit integers through an exact loop that wraps on overflow as
//! NumPy does.

use ndarray::{Array2, ArrayD, ArrayView2, ArrayViewD, IxDyn, Order, Zip};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{Block, DType, Element};
use tessera_graph::{Kernel, KernelError};

/// The element types a block product runs in (operands are cast to these first).
pub trait MatElement: Element {
    /// `a @ b` for two matrices.
    fn matmul(a: ArrayView2<'_, Self>, b: ArrayView2<'_, Self>) -> Array2<Self>;
}

impl MatElement for f64 {
    fn matmul(a: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>) -> Array2<f64> {
        single_threaded_blas();
        a.dot(&b)
    }
}

impl MatElement for f32 {
    fn matmul(a: ArrayView2<'_, f32>, b: ArrayView2<'_, f32>) -> Array2<f32> {
        single_threaded_blas();
        a.dot(&b)
    }
}

/// Complex products go through ndarray's `dot` too (matrixmultiply's
/// complex GEMM).
macro_rules! complex_matmul {
    ($t:ty) => {
        impl MatElement for tessera_chunk_core::num_complex::Complex<$t> {
            fn matmul(a: ArrayView2<'_, Self>, b: ArrayView2<'_, Self>) -> Array2<Self> {
                a.dot(&b)
            }
        }
    };
}

complex_matmul!(f32);
complex_matmul!(f64);

/// tessera's schedulers run one block product per worker; OpenBLAS threads
/// on top of them oversubscribe the cores (measured: up to 2x slower on W6
/// under load). Unless the user chose a count with `OPENBLAS_NUM_THREADS`,
/// BLAS runs single-threaded.
#[cfg(feature = "blas")]
fn single_threaded_blas() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("OPENBLAS_NUM_THREADS").is_none() {
            extern "C" {
                fn openblas_set_num_threads(n: std::os::raw::c_int);
            }
            // SAFETY: OpenBLAS's own setter, taking a plain int; the library is linked by blas-src.
            unsafe { openblas_set_num_threads(1) }
        }
    });
}

/// Without BLAS, products run on matrixmultiply, single-threaded per task.
#[cfg(not(feature = "blas"))]
fn single_threaded_blas() {}

/// Integer matrix product with wrapping arithmetic, row by row (`c[i, :] += a[i, p] * b[p, :]`).
macro_rules! int_matmul {
    ($t:ty) => {
        impl MatElement for $t {
            fn matmul(a: ArrayView2<'_, $t>, b: ArrayView2<'_, $t>) -> Array2<$t> {
                let (m, k) = a.dim();
                let mut c = Array2::<$t>::zeros((m, b.ncols()));
                for i in 0..m {
                    let mut row = c.row_mut(i);
                    for p in 0..k {
                        let aip = a[[i, p]];
                        Zip::from(&mut row)
                            .and(b.row(p))
                            .for_each(|c, &bv| *c = c.wrapping_add(aip.wrapping_mul(bv)));
                    }
                }
                c
            }
        }
    };
}

int_matmul!(i64);
int_matmul!(u64);

/// The contraction of `a` and `b` over `left`/`right` axes, contracted axes
/// of `a` kept at length 1 in place, then the free axes of `b`.
pub fn contract<T: MatElement>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    left: &[usize],
    right: &[usize],
) -> Result<ArrayD<T>, KernelError> {
    let bad = || {
        KernelError::new(format!(
            "blocks of shapes {:?} and {:?} cannot be contracted over axes {left:?} and {right:?}",
            a.shape(),
            b.shape()
        ))
    };
    if left.len() != right.len()
        || left.iter().any(|&l| l >= a.ndim())
        || right.iter().any(|&r| r >= b.ndim())
        || left
            .iter()
            .zip(right)
            .any(|(&l, &r)| a.shape()[l] != b.shape()[r])
    {
        return Err(bad());
    }
    let free_a: Vec<usize> = (0..a.ndim()).filter(|ax| !left.contains(ax)).collect();
    let free_b: Vec<usize> = (0..b.ndim()).filter(|ax| !right.contains(ax)).collect();
    let size = |x: &ArrayViewD<'_, T>, axes: &[usize]| -> usize {
        axes.iter().map(|&ax| x.shape()[ax]).product()
    };
    let (m, k, n) = (size(&a, &free_a), size(&a, left), size(&b, &free_b));
    let perm_a: Vec<usize> = free_a.iter().chain(left).copied().collect();
    let perm_b: Vec<usize> = right.iter().chain(&free_b).copied().collect();
    // Views when the axes already lie as a matrix (any strides: GEMM takes
    // them), a copy otherwise.
    let pa = a.view().permuted_axes(perm_a);
    let pb = b.view().permuted_axes(perm_b);
    let a2 = pa.to_shape(((m, k), Order::RowMajor)).map_err(|_| bad())?;
    let b2 = pb.to_shape(((k, n), Order::RowMajor)).map_err(|_| bad())?;
    let c = T::matmul(a2.view(), b2.view());
    let mut shape: Vec<usize> = a.shape().to_vec();
    for &l in left {
        shape[l] = 1;
    }
    shape.extend(free_b.iter().map(|&ax| b.shape()[ax]));
    let c = if c.is_standard_layout() {
        c
    } else {
        c.as_standard_layout().into_owned()
    };
    c.into_shape_with_order(IxDyn(&shape)).map_err(|_| bad())
}

/// One block product of a contraction (`tensordot`, `dot`, `matmul`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TensordotBlock {
    /// Contracted axes of the left operand.
    pub left: Vec<usize>,
    /// The matching contracted axes of the right operand.
    pub right: Vec<usize>,
}

impl TensordotBlock {
    fn typed<T: MatElement>(&self, a: &Block, b: &Block) -> Result<Block, KernelError> {
        let (a, b) = (a.as_array::<T>()?, b.as_array::<T>()?);
        Ok(Block::from_array(contract(
            a.view(),
            b.view(),
            &self.left,
            &self.right,
        )?))
    }
}

crate::kernel::kernel_id!(TensordotBlock, "tessera.tensordot");

impl Kernel for TensordotBlock {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a, b] = crate::kernel::exactly(self.id(), inputs)?;
        match (a, b) {
            (Block::F64(_), Block::F64(_)) => self.typed::<f64>(a, b),
            (Block::F32(_), Block::F32(_)) => self.typed::<f32>(a, b),
            (Block::F16(_), Block::F16(_)) => {
                // In float32, rounded once to float16 (NumPy's float16 matmul).
                let wide = |x: &Block| crate::elementwise::kernels::cast_block(x, DType::F32);
                let product = self.typed::<f32>(&wide(a)?, &wide(b)?)?;
                crate::elementwise::kernels::cast_block(&product, DType::F16)
            }
            (Block::I64(_), Block::I64(_)) => self.typed::<i64>(a, b),
            (Block::U64(_), Block::U64(_)) => self.typed::<u64>(a, b),
            (Block::Complex128(_), Block::Complex128(_)) => {
                self.typed::<tessera_chunk_core::num_complex::Complex<f64>>(a, b)
            }
            (Block::Complex64(_), Block::Complex64(_)) => {
                self.typed::<tessera_chunk_core::num_complex::Complex<f32>>(a, b)
            }
            _ => Err(KernelError::new(format!(
                "block products take two blocks of one of float64, float32, float16, int64, uint64, complex128 or complex64, got {} and {}",
                a.dtype(),
                b.dtype()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array3};

    #[test]
    fn matrix_blocks_keep_the_contracted_axis_at_length_one() {
        let a = array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]].into_dyn();
        let b = array![[1.0, 0.0, 2.0], [0.0, 1.0, 3.0]].into_dyn();
        let k = TensordotBlock {
            left: vec![1],
            right: vec![0],
        };
        let out = k
            .run(&[Block::from_array(a.clone()), Block::from_array(b.clone())])
            .unwrap();
        let want = a
            .into_dimensionality::<ndarray::Ix2>()
            .unwrap()
            .dot(&b.into_dimensionality::<ndarray::Ix2>().unwrap());
        assert_eq!(out.shape(), &[3, 1, 3]);
        let got = out.as_array::<f64>().unwrap().clone();
        assert_eq!(got.into_shape_with_order((3, 3)).unwrap(), want);
    }

    #[test]
    fn integers_wrap_like_numpy() {
        let a = array![[i64::MAX, 1]].into_dyn();
        let b = array![[2], [3]].into_dyn();
        let c = contract(a.view(), b.view(), &[1], &[0]).unwrap();
        assert_eq!(c.iter().copied().collect::<Vec<_>>(), vec![1i64]);
    }

    #[test]
    fn non_matrix_axes_are_permuted_first() {
        let a = Array3::from_shape_fn((2, 3, 4), |(i, j, k)| (i * 12 + j * 4 + k) as f64);
        let b = Array3::from_shape_fn((4, 2, 5), |(i, j, k)| (i * 10 + j * 5 + k) as f64 - 7.0);
        // Contract a's axes (0, 2) with b's (1, 0).
        let c = contract(a.view().into_dyn(), b.view().into_dyn(), &[0, 2], &[1, 0]).unwrap();
        assert_eq!(c.shape(), &[1, 3, 1, 5]);
        for j in 0..3 {
            for n in 0..5 {
                let mut want = 0.0;
                for i in 0..2 {
                    for k in 0..4 {
                        want += a[[i, j, k]] * b[[k, i, n]];
                    }
                }
                assert_eq!(c[[0, j, 0, n]], want);
            }
        }
    }

    #[test]
    fn mismatched_blocks_are_an_error() {
        let k = TensordotBlock {
            left: vec![1],
            right: vec![0],
        };
        let a = Block::from_array(ArrayD::<f64>::zeros(IxDyn(&[2, 3])));
        let b = Block::from_array(ArrayD::<f64>::zeros(IxDyn(&[4, 2])));
        assert!(k.run(&[a.clone(), b]).is_err());
        let c = Block::from_array(ArrayD::<i32>::zeros(IxDyn(&[3, 2])));
        assert!(k.run(&[a, c]).unwrap_err().message.contains("int32"));
    }
}
