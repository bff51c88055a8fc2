//! `EinsumBlock`: NumPy's `einsum` on one block of each operand (Dask's
//! `chunk_einsum`), with `extra` trailing length-1 axes appended for the
//! contracted indices a tree sum then removes.
//!
//! Each operand first loses its repeated indices (diagonal) and the indices
//! only it has and the output lacks (summed); then operands are folded in
//! pairs as batched matrix products through [`MatElement::matmul`], so float
//! blocks run on GEMM rather than a loop over every index combination.

use ndarray::{Array3, ArrayD, Axis, IxDyn};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::{Block, DType};
use tessera_graph::{Kernel, KernelError};

use crate::elementwise::kernels::cast_block;
use crate::linalg::tensordot_kernel::MatElement;
use crate::numeric::Numeric;

/// One block of an `einsum`: `inputs[k]` names the axes of operand `k`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EinsumBlock {
    /// One subscript string per operand.
    pub inputs: Vec<String>,
    /// The output subscripts.
    pub output: String,
    /// Length-1 axes appended to the result (one per contracted index).
    pub extra: usize,
    /// The dtype the blocks are cast to and multiplied in.
    pub work: DType,
    /// The dtype of the result block.
    pub out: DType,
}

/// An operand with one letter per axis.
struct Term<T> {
    data: ArrayD<T>,
    letters: Vec<char>,
}

fn bad(msg: String) -> KernelError {
    KernelError::new(format!("einsum block: {msg}"))
}

/// The diagonal over repeated letters, so each letter names one axis.
fn diagonal<T: Numeric>(t: Term<T>) -> Term<T> {
    let mut unique: Vec<char> = Vec::new();
    for &c in &t.letters {
        if !unique.contains(&c) {
            unique.push(c);
        }
    }
    if unique.len() == t.letters.len() {
        return t;
    }
    let shape: Vec<usize> = unique
        .iter()
        .map(|c| {
            let ax = t.letters.iter().position(|l| l == c).unwrap_or(0);
            // Equal lengths are checked before the graph is built; the
            // shortest keeps a malformed block in bounds.
            t.letters
                .iter()
                .zip(t.data.shape())
                .filter(|(l, _)| *l == c)
                .map(|(_, &n)| n)
                .min()
                .unwrap_or(t.data.shape()[ax])
        })
        .collect();
    let pos: Vec<usize> = t
        .letters
        .iter()
        .map(|c| unique.iter().position(|u| u == c).unwrap_or(0))
        .collect();
    let data = ArrayD::from_shape_fn(IxDyn(&shape), |idx| {
        let full: Vec<usize> = pos.iter().map(|&p| idx[p]).collect();
        t.data[IxDyn(&full)]
    });
    Term {
        data,
        letters: unique,
    }
}

/// Sum away the axes whose letters are not in `keep`.
fn sum_unneeded<T: Numeric>(mut t: Term<T>, keep: &[char]) -> Term<T> {
    for ax in (0..t.letters.len()).rev() {
        if !keep.contains(&t.letters[ax]) {
            t.data = t.data.fold_axis(Axis(ax), T::ZERO, |&a, &b| a + b);
            t.letters.remove(ax);
        }
    }
    t
}

/// `data` with axes in the order of `want` (letters), as a standard-layout array.
fn arrange<T: Numeric>(t: &Term<T>, want: &[char]) -> ArrayD<T> {
    let perm: Vec<usize> = want
        .iter()
        .map(|c| t.letters.iter().position(|l| l == c).unwrap_or(0))
        .collect();
    t.data
        .view()
        .permuted_axes(perm)
        .as_standard_layout()
        .into_owned()
}

/// Stretch length-1 axes of shared letters to the other term's length (NumPy's einsum broadcasting).
fn broadcast_shared<T: Numeric>(a: Term<T>, b: Term<T>, shared: &[char]) -> (Term<T>, Term<T>) {
    let target = |t: &Term<T>, other: &Term<T>| -> Vec<usize> {
        t.letters
            .iter()
            .zip(t.data.shape())
            .map(|(c, &n)| {
                let m = other
                    .letters
                    .iter()
                    .position(|l| l == c)
                    .filter(|_| shared.contains(c))
                    .map_or(n, |p| other.data.shape()[p]);
                if n == 1 {
                    m
                } else {
                    n
                }
            })
            .collect()
    };
    let stretch = |t: Term<T>, shape: Vec<usize>| -> Term<T> {
        if t.data.shape() == shape.as_slice() {
            return t;
        }
        match t.data.broadcast(IxDyn(&shape)) {
            Some(v) => Term {
                data: v.to_owned(),
                letters: t.letters,
            },
            None => t,
        }
    };
    let (sa, sb) = (target(&a, &b), target(&b, &a));
    (stretch(a, sa), stretch(b, sb))
}

/// The product of two terms, keeping the letters in `keep` (batch axes,
/// then the free axes of `a`, then those of `b`).
fn pair<T: Numeric + MatElement>(
    a: Term<T>,
    b: Term<T>,
    keep: &[char],
) -> Result<Term<T>, KernelError> {
    let a = sum_unneeded(a, &[keep, &b.letters].concat());
    let b = sum_unneeded(b, &[keep, &a.letters].concat());
    let shared: Vec<char> = a
        .letters
        .iter()
        .copied()
        .filter(|c| b.letters.contains(c))
        .collect();
    let (a, b) = broadcast_shared(a, b, &shared);
    let batch: Vec<char> = shared
        .iter()
        .copied()
        .filter(|c| keep.contains(c))
        .collect();
    let contr: Vec<char> = shared
        .iter()
        .copied()
        .filter(|c| !keep.contains(c))
        .collect();
    let free_a: Vec<char> = a
        .letters
        .iter()
        .copied()
        .filter(|c| !shared.contains(c))
        .collect();
    let free_b: Vec<char> = b
        .letters
        .iter()
        .copied()
        .filter(|c| !shared.contains(c))
        .collect();
    let len = |t: &Term<T>, c: &char| {
        t.letters
            .iter()
            .position(|l| l == c)
            .map_or(1, |p| t.data.shape()[p])
    };
    if let Some(c) = shared.iter().find(|c| len(&a, c) != len(&b, c)) {
        return Err(bad(format!(
            "index {c:?} has lengths {} and {} in two blocks",
            len(&a, c),
            len(&b, c)
        )));
    }
    let size = |t: &Term<T>, cs: &[char]| cs.iter().map(|c| len(t, c)).product::<usize>();
    let (nb, m, k, n) = (
        size(&a, &batch),
        size(&a, &free_a),
        size(&a, &contr),
        size(&b, &free_b),
    );
    let a3 = arrange(&a, &[&batch[..], &free_a, &contr].concat())
        .into_shape_with_order((nb, m, k))
        .map_err(|e| bad(e.to_string()))?;
    let b3 = arrange(&b, &[&batch[..], &contr, &free_b].concat())
        .into_shape_with_order((nb, k, n))
        .map_err(|e| bad(e.to_string()))?;
    let mut c = Array3::<T>::from_elem((nb, m, n), T::ZERO);
    for ((mut out, x), y) in c.outer_iter_mut().zip(a3.outer_iter()).zip(b3.outer_iter()) {
        out.assign(&T::matmul(x, y));
    }
    let letters: Vec<char> = [&batch[..], &free_a, &free_b].concat();
    let shape: Vec<usize> = batch
        .iter()
        .map(|ch| len(&a, ch))
        .chain(free_a.iter().map(|ch| len(&a, ch)))
        .chain(free_b.iter().map(|ch| len(&b, ch)))
        .collect();
    let data = c
        .into_shape_with_order(IxDyn(&shape))
        .map_err(|e| bad(e.to_string()))?;
    Ok(Term { data, letters })
}

/// NumPy's `einsum(inputs -> output)` over plain arrays.
pub fn einsum_arrays<T: Numeric + MatElement>(
    operands: Vec<ArrayD<T>>,
    inputs: &[Vec<char>],
    output: &[char],
) -> Result<ArrayD<T>, KernelError> {
    if operands.len() != inputs.len() || operands.is_empty() {
        return Err(bad(format!(
            "{} blocks for {} subscripts",
            operands.len(),
            inputs.len()
        )));
    }
    let mut terms = Vec::with_capacity(operands.len());
    for (data, letters) in operands.into_iter().zip(inputs) {
        if data.ndim() != letters.len() {
            return Err(bad(format!(
                "a block of shape {:?} for subscripts {:?}",
                data.shape(),
                letters.iter().collect::<String>()
            )));
        }
        terms.push(diagonal(Term {
            data,
            letters: letters.clone(),
        }));
    }
    let mut rest = terms.into_iter();
    let Some(first) = rest.next() else {
        return Err(bad("no operands".into()));
    };
    let later: Vec<Term<T>> = rest.collect();
    let mut acc = first;
    for (k, t) in later.into_iter().enumerate() {
        let mut keep: Vec<char> = output.to_vec();
        for l in inputs.iter().skip(k + 2) {
            keep.extend(l.iter().copied());
        }
        acc = pair(acc, t, &keep)?;
    }
    let acc = sum_unneeded(acc, output);
    if let Some(c) = output.iter().find(|c| !acc.letters.contains(c)) {
        return Err(bad(format!("output index {c:?} is in no operand")));
    }
    Ok(arrange(&acc, output))
}

impl EinsumBlock {
    fn typed<T: Numeric + MatElement>(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let operands = inputs
            .iter()
            .map(|b| Ok(b.as_array::<T>()?.to_owned()))
            .collect::<Result<Vec<_>, KernelError>>()?;
        let terms: Vec<Vec<char>> = self.inputs.iter().map(|s| s.chars().collect()).collect();
        let out: Vec<char> = self.output.chars().collect();
        let r = einsum_arrays(operands, &terms, &out)?;
        let mut shape = r.shape().to_vec();
        shape.extend(std::iter::repeat_n(1, self.extra));
        let r = r
            .into_shape_with_order(IxDyn(&shape))
            .map_err(|e| bad(e.to_string()))?;
        Ok(Block::from_array(r))
    }
}

crate::kernel::kernel_id!(EinsumBlock, "tessera.einsum");

impl Kernel for EinsumBlock {
    crate::kernel::json_kernel!();
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        if inputs.len() != self.inputs.len() {
            return Err(crate::kernel::arity(
                self.id(),
                self.inputs.len(),
                inputs.len(),
            ));
        }
        let inputs = inputs
            .iter()
            .map(|b| cast_block(b, self.work))
            .collect::<Result<Vec<_>, _>>()?;
        let r = match self.work {
            DType::F64 => self.typed::<f64>(&inputs),
            DType::F32 => self.typed::<f32>(&inputs),
            DType::I64 => self.typed::<i64>(&inputs),
            DType::U64 => self.typed::<u64>(&inputs),
            other => Err(bad(format!(
                "products run in float64, float32, int64 or uint64, not {other}"
            ))),
        }?;
        cast_block(&r, self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};

    fn run(sub_in: &[&str], out: &str, ops: Vec<ArrayD<f64>>) -> ArrayD<f64> {
        let terms: Vec<Vec<char>> = sub_in.iter().map(|s| s.chars().collect()).collect();
        einsum_arrays(ops, &terms, &out.chars().collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn matmul_trace_diagonal_and_batches() {
        let a = array![[1.0, 2.0], [3.0, 4.0]].into_dyn();
        let b = array![[5.0, 6.0], [7.0, 8.0]].into_dyn();
        let want: Array2<f64> = array![[19.0, 22.0], [43.0, 50.0]];
        assert_eq!(
            run(&["ij", "jk"], "ik", vec![a.clone(), b.clone()]),
            want.into_dyn()
        );
        assert_eq!(run(&["ii"], "", vec![a.clone()]).sum(), 5.0);
        assert_eq!(
            run(&["ii"], "i", vec![a.clone()]),
            array![1.0, 4.0].into_dyn()
        );
        assert_eq!(run(&["ij"], "ji", vec![a.clone()]), a.t().into_owned());
        let ab = ndarray::stack(Axis(0), &[a.view(), b.view()])
            .unwrap()
            .into_dyn();
        let got = run(&["bij", "bjk"], "bik", vec![ab.clone(), ab.clone()]);
        assert_eq!(got.index_axis(Axis(0), 1), b.dot_2d(&b));
        // Three operands, an index only one has, and an outer product.
        let v = array![1.0, 2.0].into_dyn();
        let got = run(
            &["i", "ij", "jk"],
            "k",
            vec![v.clone(), a.clone(), b.clone()],
        );
        let want = array![1.0, 2.0]
            .dot(&array![[1.0, 2.0], [3.0, 4.0]])
            .dot(&array![[5.0, 6.0], [7.0, 8.0]]);
        assert_eq!(got, want.into_dyn());
        assert_eq!(
            run(&["i", "j"], "ij", vec![v.clone(), v.clone()]),
            array![[1.0, 2.0], [2.0, 4.0]].into_dyn()
        );
    }

    #[test]
    fn length_one_axes_broadcast_like_numpy() {
        let one = ArrayD::from_elem(IxDyn(&[1]), 2.0);
        let three = array![1.0, 2.0, 3.0].into_dyn();
        assert_eq!(
            run(&["i", "i"], "", vec![one.clone(), three.clone()]).sum(),
            12.0
        );
        assert_eq!(
            run(&["i", "i"], "i", vec![three.clone(), one]),
            array![2.0, 4.0, 6.0].into_dyn()
        );
        let col = ArrayD::<f64>::ones(IxDyn(&[2, 1]));
        let m = ArrayD::<f64>::ones(IxDyn(&[3, 4]));
        assert_eq!(
            run(&["ij", "jk"], "ik", vec![col, m]),
            ArrayD::from_elem(IxDyn(&[2, 4]), 3.0)
        );
    }

    trait Dot2 {
        fn dot_2d(&self, o: &ArrayD<f64>) -> ArrayD<f64>;
    }
    impl Dot2 for ArrayD<f64> {
        fn dot_2d(&self, o: &ArrayD<f64>) -> ArrayD<f64> {
            let a = self.view().into_dimensionality::<ndarray::Ix2>().unwrap();
            let b = o.view().into_dimensionality::<ndarray::Ix2>().unwrap();
            a.dot(&b).into_dyn()
        }
    }

    #[test]
    fn kernel_appends_contracted_axes_and_checks_inputs() {
        let k = EinsumBlock {
            inputs: vec!["ij".into(), "jk".into()],
            output: "ik".into(),
            extra: 1,
            work: DType::F64,
            out: DType::F64,
        };
        let a = Block::from_array(ArrayD::<f64>::ones(IxDyn(&[2, 3])));
        let b = Block::from_array(ArrayD::<f64>::ones(IxDyn(&[3, 4])));
        let out = k.run(&[a.clone(), b.clone()]).unwrap();
        assert_eq!(out.shape(), &[2, 4, 1]);
        assert_eq!(out.as_array::<f64>().unwrap()[[1, 3, 0]], 3.0);
        assert!(k.run(std::slice::from_ref(&a)).is_err());
        assert!(k
            .run(&[b.clone(), a.clone()])
            .unwrap_err()
            .message
            .contains("lengths"));
        // Other dtypes are cast to the work dtype; the result to the output dtype.
        let c = Block::from_array(ArrayD::<i32>::ones(IxDyn(&[3, 4])));
        let k32 = EinsumBlock {
            out: DType::I32,
            ..k.clone()
        };
        let out = k32.run(&[a, c]).unwrap();
        assert_eq!(out.dtype(), DType::I32);
        assert_eq!(out.as_array::<i32>().unwrap()[[0, 0, 0]], 3);
        let bad = EinsumBlock {
            work: DType::I8,
            ..k
        };
        assert!(bad
            .run(&[b.clone(), b])
            .unwrap_err()
            .message
            .contains("int8"));
    }
}
