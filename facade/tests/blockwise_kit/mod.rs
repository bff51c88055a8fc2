//! What the blockwise, map_blocks, einsum and bad-input-blockwise test files
//! share: the every-scheduler comparison, block helpers and NumPy's einsum by
//! brute force. (Each test binary uses a part.)
#![allow(dead_code)]

use ndarray::{ArrayD, Ix2, IxDyn};
use proptest::prelude::*;
use tessera::{Array, Block, Compute, KernelError};

use crate::common::schedulers;

/// `got` equals `want` on every scheduler; a graph with closure kernels may
/// instead be refused by the processes scheduler, with an error saying so.
pub fn check(got: &Array<f64>, want: &ArrayD<f64>) -> Result<(), TestCaseError> {
    compare(got, want, true)
}

/// `got` equals `want` on every scheduler, the processes one included.
pub fn check_travelling(got: &Array<f64>, want: &ArrayD<f64>) -> Result<(), TestCaseError> {
    compare(got, want, false)
}

fn compare(got: &Array<f64>, want: &ArrayD<f64>, closures: bool) -> Result<(), TestCaseError> {
    prop_assert_eq!(got.shape(), want.shape().to_vec());
    for s in schedulers() {
        match got.compute_with(&Compute::new().scheduler(s.as_ref())) {
            Err(e) if closures && s.name() == "processes" => {
                let e = e.to_string();
                prop_assert!(e.contains("cannot travel"), "{}", e);
            }
            result => prop_assert_eq!(&result.unwrap(), want, "{}", s.name()),
        }
    }
    Ok(())
}

/// A block's elements as an owned f64 array.
pub fn f64_block(b: &Block) -> Result<ArrayD<f64>, KernelError> {
    Ok(b.as_array::<f64>()?.to_owned())
}

/// A 2-d array as a matrix.
pub fn matrix(a: ArrayD<f64>) -> ndarray::Array2<f64> {
    a.into_dimensionality::<Ix2>().unwrap()
}

/// NumPy's einsum by brute force: every combination of index values.
pub fn naive_einsum(sub: &str, ops: &[&ArrayD<f64>]) -> ArrayD<f64> {
    let (ins, out) = match sub.split_once("->") {
        Some((i, o)) => (i, Some(o)),
        None => (sub, None),
    };
    let terms: Vec<Vec<char>> = ins.split(',').map(|t| t.chars().collect()).collect();
    let all: Vec<char> = terms.iter().flatten().copied().collect();
    let out: Vec<char> = match out {
        Some(o) => o.chars().collect(),
        None => {
            let mut once: Vec<char> = all
                .iter()
                .copied()
                .filter(|c| all.iter().filter(|d| *d == c).count() == 1)
                .collect();
            once.sort_unstable();
            once
        }
    };
    // Each letter's length: the longest of its axes (length 1 broadcasts, as in NumPy).
    let mut letters: Vec<char> = Vec::new();
    let mut lens: Vec<usize> = Vec::new();
    for (t, op) in terms.iter().zip(ops) {
        for (ax, &c) in t.iter().enumerate() {
            let n = op.shape()[ax];
            match letters.iter().position(|l| *l == c) {
                Some(p) if lens[p] == 1 => lens[p] = n,
                Some(_) => {}
                None => {
                    letters.push(c);
                    lens.push(n);
                }
            }
        }
    }
    let pos = |c: &char| letters.iter().position(|l| l == c).unwrap();
    let out_shape: Vec<usize> = out.iter().map(|c| lens[pos(c)]).collect();
    let mut result = ArrayD::<f64>::zeros(IxDyn(&out_shape));
    let total: usize = lens.iter().product();
    for flat in 0..total {
        let mut rest = flat;
        let mut at = vec![0; lens.len()];
        for k in (0..lens.len()).rev() {
            at[k] = rest % lens[k];
            rest /= lens[k];
        }
        let mut prod = 1.0;
        for (t, op) in terms.iter().zip(ops) {
            let idx: Vec<usize> = t
                .iter()
                .enumerate()
                .map(|(ax, c)| if op.shape()[ax] == 1 { 0 } else { at[pos(c)] })
                .collect();
            prod *= op[IxDyn(&idx)];
        }
        let oi: Vec<usize> = out.iter().map(|c| at[pos(c)]).collect();
        result[IxDyn(&oi)] += prod;
    }
    result
}
