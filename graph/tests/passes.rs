//! Optimisation passes: graph text before and after (snapshots), and the
//! optimised graph computes the same values with fewer tasks.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

use ndarray::{ArrayD, IxDyn};
use tessera_chunk_core::{Block, Chunks, DType};
use tessera_graph::passes::{optimize, render, Pass};
use tessera_graph::{
    BlockMap, BlockTasks, Blockwise, GeneralLayer, Kernel, KernelError, KernelRef, Key, LayerKind,
    LayerRef, Params, TaskGraph,
};

/// Blocks of `value + linear block number`.
#[derive(Debug)]
struct Source(f64);

#[derive(Debug)]
struct Fill(f64);

impl Kernel for Fill {
    fn id(&self) -> &str {
        "test.fill"
    }
    fn params(&self) -> Params {
        Params::Json(self.0.to_string())
    }
    fn run(&self, _: &[Block]) -> Result<Block, KernelError> {
        Ok(Block::from_array(ArrayD::from_elem(IxDyn(&[2]), self.0)))
    }
}

impl BlockTasks for Source {
    fn block_task(
        &self,
        _: &[LayerRef],
        index: &[usize],
    ) -> tessera_graph::Result<(KernelRef, Vec<Key>)> {
        Ok((Arc::new(Fill(self.0 + index[0] as f64)), vec![]))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Elementwise f(x, y, ...) for tests.
#[derive(Debug)]
struct Map(&'static str);

impl Kernel for Map {
    fn id(&self) -> &str {
        self.0
    }
    fn params(&self) -> Params {
        Params::Json("null".into())
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let a: Vec<_> = inputs
            .iter()
            .map(|b| b.as_array::<f64>().map(|a| a.to_owned()))
            .collect::<Result<_, _>>()?;
        let out = match (self.0, a.as_slice()) {
            ("sin", [x]) => x.mapv(f64::sin),
            ("cos", [x]) => x.mapv(f64::cos),
            ("square", [x]) => x.mapv(|v| v * v),
            ("add", [x, y]) => x + y,
            ("minus_one", [x]) => x.mapv(|v| v - 1.0),
            _ => return Err(KernelError::new("bad test kernel use")),
        };
        Ok(Block::from_array(out))
    }
}

fn source(blocks: usize) -> LayerRef {
    let chunks = Chunks::regular(&[2 * blocks], &[2]).unwrap();
    Arc::new(GeneralLayer::new(
        "source",
        LayerKind::Creation,
        chunks,
        DType::F64,
        vec![],
        Arc::new(Source(0.5)),
    ))
}

fn map(label: &'static str, inputs: &[&LayerRef]) -> LayerRef {
    let chunks = inputs[0].chunks().clone();
    Arc::new(Blockwise::new(
        label,
        chunks,
        DType::F64,
        inputs.iter().map(|l| (*l).clone()).collect(),
        inputs.iter().map(|_| BlockMap::identity(1)).collect(),
        Arc::new(Map(label)),
    ))
}

/// Run a task graph in dependency order, single-threaded.
fn evaluate(g: &TaskGraph) -> Vec<Block> {
    let mut results: HashMap<usize, Block> = HashMap::new();
    for i in 0..g.len() {
        let inputs: Vec<Block> = g.deps[i].iter().map(|d| results[d].clone()).collect();
        results.insert(i, g.tasks[i].kernel.run(&inputs).unwrap());
    }
    g.outputs.iter().map(|o| results[o].clone()).collect()
}

/// sin(x)**2 + cos(x)**2 - 1 over 5 blocks.
fn trig_identity() -> LayerRef {
    let x = source(5);
    let s = map("sin", &[&x]);
    let c = map("cos", &[&x]);
    let s2 = map("square", &[&s]);
    let c2 = map("square", &[&c]);
    let sum = map("add", &[&s2, &c2]);
    map("minus_one", &[&sum])
}

#[test]
fn fusion_turns_an_elementwise_chain_into_one_layer() {
    let root = trig_identity();
    insta::assert_snapshot!("trig_before", render(&root));
    let fused = optimize(&root).unwrap();
    insta::assert_snapshot!("trig_after", render(&fused));
    assert_eq!(
        fused.name(),
        root.name(),
        "the root keeps its name so its keys stay valid"
    );
}

#[test]
fn fused_graph_computes_the_same_with_one_task_per_block() {
    let root = trig_identity();
    let plain = TaskGraph::from_layer(&root).unwrap();
    let fused = TaskGraph::from_layer(&optimize(&root).unwrap()).unwrap();
    assert_eq!(plain.len(), 5 * 7);
    // One source task and one fused task per block.
    assert_eq!(fused.len(), 5 * 2);
    let (a, b) = (evaluate(&plain), evaluate(&fused));
    assert_eq!(a, b);
    for block in b {
        assert!(block
            .as_array::<f64>()
            .unwrap()
            .iter()
            .all(|v| v.abs() < 1e-12));
    }
}

/// Passes a block through unchanged, as a non-blockwise reader.
#[derive(Debug)]
struct PassThrough;

#[derive(Debug)]
struct Identity;

impl Kernel for Identity {
    fn id(&self) -> &str {
        "test.identity"
    }
    fn params(&self) -> Params {
        Params::Json("null".into())
    }
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        inputs
            .first()
            .cloned()
            .ok_or_else(|| KernelError::new("no input"))
    }
}

impl BlockTasks for PassThrough {
    fn block_task(
        &self,
        inputs: &[LayerRef],
        index: &[usize],
    ) -> tessera_graph::Result<(KernelRef, Vec<Key>)> {
        Ok((
            Arc::new(Identity),
            vec![Key::new(inputs[0].name().clone(), index)],
        ))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[test]
fn intermediates_read_outside_the_group_are_kept() {
    // z = cos(x) is read by square (blockwise) and by a regrouping layer: it
    // must stay a layer of its own, while square fuses into the final add.
    let x = source(3);
    let z = map("cos", &[&x]);
    let a = map("square", &[&z]);
    let r: LayerRef = Arc::new(GeneralLayer::new(
        "regroup",
        LayerKind::Regroup,
        z.chunks().clone(),
        DType::F64,
        vec![z.clone()],
        Arc::new(PassThrough),
    ));
    let root = map("add", &[&a, &r]);
    let fused = optimize(&root).unwrap();
    insta::assert_snapshot!("shared_after", render(&fused));
    let (p, f) = (
        TaskGraph::from_layer(&root).unwrap(),
        TaskGraph::from_layer(&fused).unwrap(),
    );
    assert_eq!(f.len(), 3 * 4);
    assert_eq!(evaluate(&p), evaluate(&f));
}

#[test]
fn shared_sources_are_recomputed_per_reader() {
    // x feeds two layers: each gets its own copy, so no block of x is held
    // from its first reader until its second.
    let x = source(4);
    let a = map("sin", &[&x]);
    let r: LayerRef = Arc::new(GeneralLayer::new(
        "regroup",
        LayerKind::Regroup,
        x.chunks().clone(),
        DType::F64,
        vec![x.clone()],
        Arc::new(PassThrough),
    ));
    let root = map("add", &[&a, &r]);
    let copied = tessera_graph::passes::RecomputeCheapSources
        .run(root.clone())
        .unwrap();
    insta::assert_snapshot!("recompute_after", render(&copied));
    let (p, c) = (
        TaskGraph::from_layer(&root).unwrap(),
        TaskGraph::from_layer(&copied).unwrap(),
    );
    assert_eq!(c.len(), p.len() + 4, "one extra source task per block");
    assert_eq!(evaluate(&p), evaluate(&c));
    let (pp, pc) = (
        tessera_graph::peak_live(&p, &tessera_graph::order(&p)),
        tessera_graph::peak_live(&c, &tessera_graph::order(&c)),
    );
    assert!(
        pc <= pp,
        "recomputing must not raise the peak: {pc} vs {pp}"
    );
}
