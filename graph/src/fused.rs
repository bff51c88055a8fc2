//! `Fused`: several blockwise kernels run as one task, in the order of their dependencies.

use serde::{Deserialize, Serialize};
use tessera_chunk_core::Block;

use crate::kernel::{Kernel, KernelError, KernelRef, Params};

/// Where a fused step takes an argument from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Arg {
    /// The task's `k`-th input block.
    Input(usize),
    /// The result of an earlier step.
    Step(usize),
}

/// One step of a fused task.
#[derive(Debug, Clone)]
pub struct Step {
    /// The kernel.
    pub kernel: KernelRef,
    /// Its arguments.
    pub args: Vec<Arg>,
    /// A short name for views (the layer label it came from).
    pub label: String,
}

/// A chain of blockwise kernels; the last step's result is the output.
#[derive(Debug, Clone)]
pub struct Fused {
    /// The steps, each after the steps it reads.
    pub steps: Vec<Step>,
}

#[derive(Serialize)]
struct StepParams<'a> {
    id: &'a str,
    params: String,
    args: &'a [Arg],
}

impl Kernel for Fused {
    fn id(&self) -> &str {
        "tessera.fused"
    }
    fn params(&self) -> Params {
        let mut steps = Vec::with_capacity(self.steps.len());
        for s in &self.steps {
            match s.kernel.params() {
                Params::Json(p) => steps.push(StepParams {
                    id: s.kernel.id(),
                    params: p,
                    args: &s.args,
                }),
                _ => return Params::InProcessOnly,
            }
        }
        serde_json::to_string(&steps).map_or(Params::InProcessOnly, Params::Json)
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let mut results: Vec<Block> = Vec::with_capacity(self.steps.len());
        for step in &self.steps {
            let args = step
                .args
                .iter()
                .map(|a| match *a {
                    Arg::Input(k) => inputs.get(k).cloned(),
                    Arg::Step(j) => results.get(j).cloned(),
                })
                .collect::<Option<Vec<Block>>>()
                .ok_or_else(|| {
                    KernelError::new("a fused step reads an argument that does not exist")
                })?;
            results.push(step.kernel.run(&args)?);
        }
        results
            .pop()
            .ok_or_else(|| KernelError::new("a fused kernel with no steps"))
    }
    fn is_cheap(&self) -> bool {
        self.steps.iter().all(|s| s.kernel.is_cheap())
    }
}
