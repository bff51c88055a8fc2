//! The kit's kernels: small, named (so they travel to worker processes), and
//! rebuilt from `(id, params)` by [`rebuild`].

use std::sync::Arc;

use ndarray::{arr0, ArrayD};
use tessera_chunk_core::Block;
use tessera_graph::{Kernel, KernelError, KernelErrorKind, Params};

/// Test kernel: a constant scalar.
#[derive(Debug)]
pub(super) struct Const(pub(super) f64);

impl Kernel for Const {
    fn id(&self) -> &str {
        "test.const"
    }
    fn params(&self) -> Params {
        Params::Json(self.0.to_string())
    }
    fn run(&self, _: &[Block]) -> Result<Block, KernelError> {
        Ok(Block::from_array(arr0(self.0).into_dyn()))
    }
}

/// Test kernel: the sum of the scalar inputs.
#[derive(Debug)]
pub(super) struct Add;

impl Kernel for Add {
    fn id(&self) -> &str {
        "test.add"
    }
    fn params(&self) -> Params {
        Params::Json("null".into())
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let mut total = 0.0;
        for b in inputs {
            total += b.as_array::<f64>()?.sum();
        }
        Ok(Block::from_array(ArrayD::from_elem(vec![], total)))
    }
}

/// Test kernel: fails or panics on purpose.
#[derive(Debug)]
pub(super) struct Broken {
    pub(super) panic: bool,
}

impl Kernel for Broken {
    fn id(&self) -> &str {
        "test.broken"
    }
    fn params(&self) -> Params {
        Params::Json(self.panic.to_string())
    }
    fn run(&self, _: &[Block]) -> Result<Block, KernelError> {
        if self.panic {
            panic!("kernel exploded on purpose");
        }
        Err(KernelError::of(
            KernelErrorKind::Storage,
            "kernel refused on purpose",
        ))
    }
}

/// Test kernel: sleeps `ms` milliseconds, then returns 1.0 (for killing a worker mid-task).
#[derive(Debug)]
pub(super) struct Sleep(u64);

impl Kernel for Sleep {
    fn id(&self) -> &str {
        "test.sleep"
    }
    fn params(&self) -> Params {
        Params::Json(self.0.to_string())
    }
    fn run(&self, _: &[Block]) -> Result<Block, KernelError> {
        std::thread::sleep(std::time::Duration::from_millis(self.0));
        Ok(Block::from_array(arr0(1.0f64).into_dyn()))
    }
}

/// Test kernel: aborts the whole process (what a crash in native code does).
#[derive(Debug)]
pub(super) struct Abort;

impl Kernel for Abort {
    fn id(&self) -> &str {
        "test.abort"
    }
    fn params(&self) -> Params {
        Params::Json("null".into())
    }
    fn run(&self, _: &[Block]) -> Result<Block, KernelError> {
        std::process::abort()
    }
}

/// A kernel making a 1-d block of `len` copies of `value`.
pub fn fill_kernel(len: usize, value: f64) -> Arc<dyn Kernel> {
    Arc::new(Fill {
        len,
        value,
        cheap: false,
    })
}

/// A kernel summing all elements of its inputs into a scalar.
pub fn add_kernel() -> Arc<dyn Kernel> {
    Arc::new(Add)
}

/// A kernel sleeping `ms` milliseconds before returning 1.0.
pub fn sleep_kernel(ms: u64) -> Arc<dyn Kernel> {
    Arc::new(Sleep(ms))
}

/// A kernel that aborts the process running it.
pub fn abort_kernel() -> Arc<dyn Kernel> {
    Arc::new(Abort)
}

/// Rebuild the kit's kernels from `(id, params)`: what a worker process of a
/// scheduler test binary passes to `serve_if_worker`.
pub fn rebuild(id: &str, params: &Params) -> Result<Arc<dyn Kernel>, KernelError> {
    let Params::Json(json) = params else {
        return Err(KernelError::new(format!(
            "test kernel {id} needs JSON parameters"
        )));
    };
    let bad =
        |e: &dyn std::fmt::Display| KernelError::new(format!("{id}: bad parameters {json:?}: {e}"));
    Ok(match id {
        "test.const" => Arc::new(Const(json.parse().map_err(|e| bad(&e))?)),
        "test.add" => Arc::new(Add),
        "test.broken" => Arc::new(Broken {
            panic: json.parse().map_err(|e| bad(&e))?,
        }),
        "test.sleep" => Arc::new(Sleep(json.parse().map_err(|e| bad(&e))?)),
        "test.abort" => Arc::new(Abort),
        "test.centre" => Arc::new(Centre),
        "test.mean_all" => Arc::new(MeanAll),
        "test.sum_squares" => Arc::new(SumSquares),
        "test.fill" => {
            let mut it = json.split(' ');
            let len = it.next().unwrap_or("").parse().map_err(|e| bad(&e))?;
            let value = it.next().unwrap_or("").parse().map_err(|e| bad(&e))?;
            let cheap = it.next().unwrap_or("").parse().map_err(|e| bad(&e))?;
            Arc::new(Fill { len, value, cheap })
        }
        _ => return Err(KernelError::new(format!("no test kernel {id:?}"))),
    })
}

/// Test kernel: a block of `len` copies of `value`; `cheap` says whether a
/// memory-bound scheduler may drop and remake it.
#[derive(Debug)]
pub(super) struct Fill {
    pub(super) len: usize,
    pub(super) value: f64,
    pub(super) cheap: bool,
}

impl Kernel for Fill {
    fn id(&self) -> &str {
        "test.fill"
    }
    fn params(&self) -> Params {
        Params::Json(format!("{} {} {}", self.len, self.value, self.cheap))
    }
    fn run(&self, _: &[Block]) -> Result<Block, KernelError> {
        Ok(Block::from_array(ArrayD::from_elem(
            vec![self.len],
            self.value,
        )))
    }
    fn is_cheap(&self) -> bool {
        self.cheap
    }
}

/// Test kernel: the first input block minus the mean of the second (a 1-element block).
#[derive(Debug)]
pub(super) struct Centre;

impl Kernel for Centre {
    fn id(&self) -> &str {
        "test.centre"
    }
    fn params(&self) -> Params {
        Params::Json("null".into())
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [x, m] = inputs else {
            return Err(KernelError::new("centre takes a block and a mean"));
        };
        let m = m.as_array::<f64>()?.sum();
        Ok(Block::from_array(x.as_array::<f64>()?.mapv(|v| v - m)))
    }
}

/// Test kernel: the mean of all elements of all inputs, as a 1-element block.
#[derive(Debug)]
pub(super) struct MeanAll;

impl Kernel for MeanAll {
    fn id(&self) -> &str {
        "test.mean_all"
    }
    fn params(&self) -> Params {
        Params::Json("null".into())
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let (mut total, mut n) = (0.0, 0usize);
        for b in inputs {
            let a = b.as_array::<f64>()?;
            total += a.sum();
            n += a.len();
        }
        Ok(Block::from_array(ArrayD::from_elem(
            vec![1],
            total / n.max(1) as f64,
        )))
    }
}

/// Test kernel: sum of squares of all inputs, as a 1-element block.
#[derive(Debug)]
pub(super) struct SumSquares;

impl Kernel for SumSquares {
    fn id(&self) -> &str {
        "test.sum_squares"
    }
    fn params(&self) -> Params {
        Params::Json("null".into())
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let mut total = 0.0;
        for b in inputs {
            total += b.as_array::<f64>()?.mapv(|v| v * v).sum();
        }
        Ok(Block::from_array(ArrayD::from_elem(vec![1], total)))
    }
}
