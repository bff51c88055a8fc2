//! Every elementwise kernel beside a plain ndarray loop doing the same
//! thing to the same 1 Mi-element block (`tessera/<op>` and `ndarray/<op>`
//! in one group): issue 19 asks each kernel to stay within 2x of the loop.
//! `python3 bench/criterion_ratios.py elementwise` prints the ratios.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ndarray::{ArrayD, IxDyn, Zip};
use tessera_chunk_core::Block;
use tessera_graph::Kernel;
use tessera_ops::kernels::elementwise::{Binary, Unary};
use tessera_ops::{BinaryOp, UnaryOp};

const SIDE: usize = 1024;

/// Values in (0.05, 0.95): inside every function's domain (acosh gets 1 + x).
fn data(seed: u64) -> ArrayD<f64> {
    let mut s = seed;
    ArrayD::from_shape_simple_fn(IxDyn(&[SIDE, SIDE]), || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        0.05 + 0.9 * ((s >> 11) as f64 / (1u64 << 53) as f64)
    })
}

fn unary_loop(op: UnaryOp) -> Option<fn(f64) -> f64> {
    use UnaryOp::*;
    Some(match op {
        Neg => |x| -x,
        Abs => f64::abs,
        Sqrt => f64::sqrt,
        Exp => f64::exp,
        Log => f64::ln,
        Sin => f64::sin,
        Cos => f64::cos,
        Tan => f64::tan,
        Asin => f64::asin,
        Acos => f64::acos,
        Atan => f64::atan,
        Sinh => f64::sinh,
        Cosh => f64::cosh,
        Tanh => f64::tanh,
        Asinh => f64::asinh,
        Acosh => f64::acosh,
        Atanh => f64::atanh,
        Log1p => f64::ln_1p,
        Expm1 => f64::exp_m1,
        Log2 => f64::log2,
        Log10 => f64::log10,
        Floor => f64::floor,
        Ceil => f64::ceil,
        Round => f64::round_ties_even,
        Trunc => f64::trunc,
        Sign => f64::signum,
        Square => |x| x * x,
        Positive => |x| x,
        _ => return None,
    })
}

fn binary_loop(op: BinaryOp) -> Option<fn(f64, f64) -> f64> {
    use BinaryOp::*;
    Some(match op {
        Add => |a, b| a + b,
        Sub => |a, b| a - b,
        Mul => |a, b| a * b,
        Div => |a, b| a / b,
        Pow => f64::powf,
        Maximum => f64::max,
        Minimum => f64::min,
        FloorDivide => |a, b| (a / b).floor(),
        Remainder => f64::rem_euclid,
        Atan2 => f64::atan2,
        Hypot => f64::hypot,
        Copysign => f64::copysign,
        Logaddexp => |a, b| a.max(b) + (-(a - b).abs()).exp().ln_1p(),
        _ => return None,
    })
}

fn elementwise(c: &mut Criterion) {
    let (a, b) = (data(1), data(2));
    let (ba, bb) = (Block::from_array(a.clone()), Block::from_array(b.clone()));
    let mut g = c.benchmark_group("elementwise");
    g.throughput(Throughput::Elements((SIDE * SIDE) as u64));
    for &op in UnaryOp::ALL {
        let Some(f) = unary_loop(op) else { continue };
        let name = format!("{op:?}").to_lowercase();
        // acosh is defined from 1.
        let (x, bx) = if op == UnaryOp::Acosh {
            let shifted = a.mapv(|v| v + 1.0);
            (shifted.clone(), Block::from_array(shifted))
        } else {
            (a.clone(), ba.clone())
        };
        let kernel = Unary { op };
        g.bench_function(format!("tessera/{name}"), |bench| {
            bench.iter(|| kernel.run(std::slice::from_ref(&bx)).unwrap())
        });
        g.bench_function(format!("ndarray/{name}"), |bench| bench.iter(|| x.mapv(f)));
    }
    for &op in BinaryOp::ALL {
        let Some(f) = binary_loop(op) else { continue };
        let name = format!("{op:?}").to_lowercase();
        let kernel = Binary { op };
        let inputs = [ba.clone(), bb.clone()];
        g.bench_function(format!("tessera/{name}"), |bench| {
            bench.iter(|| kernel.run(&inputs).unwrap())
        });
        g.bench_function(format!("ndarray/{name}"), |bench| {
            bench.iter(|| Zip::from(&a).and(&b).map_collect(|&x, &y| f(x, y)))
        });
    }
    g.finish();
}

criterion_group!(benches, elementwise);
criterion_main!(benches);
