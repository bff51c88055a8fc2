//! `Fused`: several blockwise kernels run as one task, in the order of their dependencies.

use serde::{Deserialize, Serialize};
use tessera_chunk_core::Block;

use crate::kernel::{Kernel, KernelError, KernelRef, Params, RowTiling};

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

/// Elements per row tile: a tile of every live step of a chain fits in L2.
const TILE_ELEMS: usize = 16 * 1024;

/// Run `steps` with `kernels` (the steps' own, or their row-tile versions):
/// each result is handed to its last reader, so in-place kernels reuse it.
fn run_steps(
    steps: &[Step],
    kernels: &[&dyn Kernel],
    inputs: Vec<Block>,
) -> Result<Block, KernelError> {
    let mut inputs: Vec<Option<Block>> = inputs.into_iter().map(Some).collect();
    let mut results: Vec<Option<Block>> = Vec::with_capacity(steps.len());
    // Where each input and step result is read for the last time.
    let mut last_input = vec![usize::MAX; inputs.len()];
    let mut last_step = vec![usize::MAX; steps.len()];
    for (i, step) in steps.iter().enumerate() {
        for a in &step.args {
            match *a {
                Arg::Input(k) if k < last_input.len() => last_input[k] = i,
                Arg::Step(j) if j < last_step.len() => last_step[j] = i,
                _ => {}
            }
        }
    }
    let missing = || KernelError::new("a fused step reads an argument that does not exist");
    for (i, (step, kernel)) in steps.iter().zip(kernels).enumerate() {
        let mut args = Vec::with_capacity(step.args.len());
        for (pos, a) in step.args.iter().enumerate() {
            // Taken at its last read (unless read twice by this step), else shared.
            let (slot, last) = match *a {
                Arg::Input(k) => (inputs.get_mut(k), last_input.get(k)),
                Arg::Step(j) => (results.get_mut(j), last_step.get(j)),
            };
            let slot = slot.ok_or_else(missing)?;
            let take = last == Some(&i) && !step.args[pos + 1..].contains(a);
            let block = if take { slot.take() } else { slot.clone() };
            args.push(block.ok_or_else(missing)?);
        }
        results.push(Some(kernel.run_owned(args)?));
    }
    results
        .pop()
        .flatten()
        .ok_or_else(|| KernelError::new("a fused kernel with no steps"))
}

/// How a fused chain ending in a reduction is cut into row tiles.
struct TilePlan {
    rows: usize,
    tile: usize,
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

impl Fused {
    /// Row tiles for a chain of sources and pointwise steps over one shape
    /// ending in a reduction, when the blocks are larger than one tile.
    fn tile_plan(&self, inputs: &[Block]) -> Option<TilePlan> {
        let (last, body) = self.steps.split_last()?;
        if last.kernel.row_tiling() != RowTiling::Reduce {
            return None;
        }
        let mut shapes: Vec<Vec<usize>> = inputs.iter().map(|b| b.shape().to_vec()).collect();
        for step in body {
            match step.kernel.row_tiling() {
                RowTiling::Pointwise => {}
                RowTiling::Source(shape) => shapes.push(shape),
                _ => return None,
            }
        }
        let shape = shapes.first()?;
        if shapes.iter().any(|s| s != shape) {
            return None;
        }
        let (&rows, rest) = shape.split_first()?;
        let tile = (TILE_ELEMS / rest.iter().product::<usize>().max(1)).max(1);
        (tile < rows).then_some(TilePlan { rows, tile })
    }

    /// Run the chain tile by tile and merge the reductions of the tiles.
    fn run_tiled(&self, inputs: Vec<Block>, plan: TilePlan) -> Result<Block, KernelError> {
        let (last, body) = self
            .steps
            .split_last()
            .ok_or_else(|| KernelError::new("a fused kernel with no steps"))?;
        let mut parts = Vec::with_capacity(plan.rows.div_ceil(plan.tile));
        for start in (0..plan.rows).step_by(plan.tile) {
            let len = plan.tile.min(plan.rows - start);
            let tile_inputs = inputs
                .iter()
                .map(|b| b.slice_rows(start, len))
                .collect::<Result<Vec<_>, _>>()?;
            let sources: Vec<Option<KernelRef>> = body
                .iter()
                .map(|s| match s.kernel.row_tiling() {
                    RowTiling::Source(_) => s.kernel.rows(start, len),
                    _ => None,
                })
                .collect();
            let mut kernels: Vec<&dyn Kernel> = body
                .iter()
                .zip(&sources)
                .map(|(s, t)| t.as_deref().unwrap_or(s.kernel.as_ref()))
                .collect();
            kernels.push(last.kernel.as_ref());
            parts.push(run_steps(&self.steps, &kernels, tile_inputs)?);
        }
        last.kernel.merge_rows(parts)
    }
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
        self.run_owned(inputs.to_vec())
    }
    fn run_owned(&self, inputs: Vec<Block>) -> Result<Block, KernelError> {
        if let Some(plan) = self.tile_plan(&inputs) {
            return self.run_tiled(inputs, plan);
        }
        let kernels: Vec<&dyn Kernel> = self.steps.iter().map(|s| s.kernel.as_ref()).collect();
        run_steps(&self.steps, &kernels, inputs)
    }
    fn fused_steps(&self) -> Option<&[Step]> {
        Some(&self.steps)
    }
    fn output_scale(&self) -> u64 {
        self.steps.last().map_or(1, |s| s.kernel.output_scale())
    }
    fn is_cheap(&self) -> bool {
        self.steps.iter().all(|s| s.kernel.is_cheap())
    }
    fn reads_parts(&self) -> bool {
        self.steps.iter().any(|s| s.kernel.reads_parts())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use ndarray::{ArrayD, IxDyn};

    use super::*;

    /// Rows `start..start + rows` of a `(n, cols)` array whose elements are their flat index.
    #[derive(Debug)]
    struct Iota {
        start: usize,
        rows: usize,
        cols: usize,
        tiles: Arc<AtomicUsize>,
    }

    impl Kernel for Iota {
        fn id(&self) -> &str {
            "test.iota"
        }
        fn params(&self) -> Params {
            Params::InProcessOnly
        }
        fn run(&self, _inputs: &[Block]) -> Result<Block, KernelError> {
            let a = ArrayD::from_shape_fn(IxDyn(&[self.rows, self.cols]), |ix| {
                ((self.start + ix[0]) * self.cols + ix[1]) as f64
            });
            Ok(Block::from_array(a))
        }
        fn row_tiling(&self) -> RowTiling {
            RowTiling::Source(vec![self.rows, self.cols])
        }
        fn rows(&self, start: usize, len: usize) -> Option<KernelRef> {
            self.tiles.fetch_add(1, Ordering::Relaxed);
            Some(Arc::new(Iota {
                start: self.start + start,
                rows: len,
                tiles: self.tiles.clone(),
                ..*self
            }))
        }
    }

    /// The sum of every element, as a `(1, 1)` block.
    #[derive(Debug)]
    struct Total;

    impl Kernel for Total {
        fn id(&self) -> &str {
            "test.total"
        }
        fn params(&self) -> Params {
            Params::InProcessOnly
        }
        fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
            let s: f64 = inputs[0].as_array::<f64>()?.sum();
            Ok(Block::from_array(ArrayD::from_elem(IxDyn(&[1, 1]), s)))
        }
        fn row_tiling(&self) -> RowTiling {
            RowTiling::Reduce
        }
        fn merge_rows(&self, parts: Vec<Block>) -> Result<Block, KernelError> {
            let mut s = 0.0;
            for p in &parts {
                s += p.as_array::<f64>()?.sum();
            }
            Ok(Block::from_array(ArrayD::from_elem(IxDyn(&[1, 1]), s)))
        }
    }

    fn chain(rows: usize, cols: usize, tiles: &Arc<AtomicUsize>) -> Fused {
        let step = |kernel: KernelRef, args: Vec<Arg>| Step {
            kernel,
            args,
            label: String::new(),
        };
        let iota = Iota {
            start: 0,
            rows,
            cols,
            tiles: tiles.clone(),
        };
        Fused {
            steps: vec![
                step(Arc::new(iota), vec![]),
                step(Arc::new(Total), vec![Arg::Step(0)]),
            ],
        }
    }

    #[test]
    fn a_chain_ending_in_a_reduction_runs_in_row_tiles_with_the_same_result() {
        let tiles = Arc::new(AtomicUsize::new(0));
        let (rows, cols) = (1000, 100);
        let out = chain(rows, cols, &tiles).run(&[]).unwrap();
        let n = (rows * cols) as f64;
        assert_eq!(out.as_array::<f64>().unwrap().sum(), n * (n - 1.0) / 2.0);
        // 16 Ki elements per tile: 163 rows of 100, so 7 tiles.
        assert_eq!(tiles.load(Ordering::Relaxed), 7);
    }

    #[test]
    fn small_blocks_run_whole() {
        let tiles = Arc::new(AtomicUsize::new(0));
        let out = chain(10, 10, &tiles).run(&[]).unwrap();
        assert_eq!(out.as_array::<f64>().unwrap().sum(), 4950.0);
        assert_eq!(tiles.load(Ordering::Relaxed), 0);
    }
}
