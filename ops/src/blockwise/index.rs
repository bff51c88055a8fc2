//! Blockwise with index notation, Dask's `blockwise(func, out_ind, *args_and_inds,
//! new_axes=, adjust_chunks=, concatenate=)`: each input axis is named by an
//! index; output block `(i, k)` of `"ik"` from `(a, "ij"), (b, "jk")` reads
//! the blocks of `a` and `b` whose `i` and `k` match it. Indices of no output
//! axis are contracted: the kernel gets every block along them, concatenated
//! into one (`concatenate`) or one after another.
//!
//! Inputs sharing an index are unified first (Dask's `unify_chunks`: the
//! common refinement of their chunks; a length-1 axis broadcasts). Without
//! contracted blocks to gather the layer is a plain [`Blockwise`] (fusable);
//! otherwise one gather layer, as Dask's, whose task reads all blocks along
//! the contracted indices and, with `concatenate`, runs a [`Fused`] task:
//! an [`Assemble`] step per input, then the kernel.

use std::fmt;
use std::sync::Arc;

use tessera_chunk_core::{unify_chunks, Chunks, DType};
use tessera_graph::{
    Arg, BlockMap, BlockTasks, Blockwise, Fused, GeneralLayer, KernelRef, Key, LayerKind, LayerRef,
    Result as GraphResult, Step,
};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::rechunk::assemble_kernel::{Assemble, Piece};
use crate::rechunk::layers::rechunk_to;

/// How the kernel changes the chunk lengths along an output index (Dask's `adjust_chunks`).
#[derive(Clone)]
pub enum AdjustChunks {
    /// Every block along the index has this length.
    Each(usize),
    /// The length of each block along the index (as many as there are blocks).
    Blocks(Vec<usize>),
    /// The new length as a function of the old one.
    Map(Arc<dyn Fn(usize) -> usize + Send + Sync>),
}

impl fmt::Debug for AdjustChunks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AdjustChunks::Each(n) => write!(f, "Each({n})"),
            AdjustChunks::Blocks(b) => write!(f, "Blocks({b:?})"),
            AdjustChunks::Map(_) => f.write_str("Map(..)"),
        }
    }
}

/// Options of [`blockwise`] beyond the indices.
#[derive(Debug, Clone)]
pub struct BlockwiseOptions {
    /// Output indices that no input has, with their chunks (`vec![5]`: one chunk of 5).
    pub new_axes: Vec<(char, Vec<usize>)>,
    /// Output chunk lengths the kernel produces, per output index.
    pub adjust_chunks: Vec<(char, AdjustChunks)>,
    /// Concatenate the blocks along contracted indices into one block (the
    /// default here, as in Dask's `map_blocks`; Dask's `blockwise` defaults
    /// to lists of blocks); otherwise the kernel gets them one by one.
    pub concatenate: bool,
}

impl Default for BlockwiseOptions {
    fn default() -> Self {
        BlockwiseOptions {
            new_axes: Vec::new(),
            adjust_chunks: Vec::new(),
            concatenate: true,
        }
    }
}

/// An index name inside this module: a letter's code point, or one of map_blocks' numbers.
pub(crate) type Ind = u32;

/// A blockwise in terms of index ids, shared by [`blockwise`] and `map_blocks`.
pub(crate) struct Spec<'a> {
    pub op: &'a str,
    pub out: Vec<Ind>,
    pub inputs: Vec<(Expr, Vec<Ind>)>,
    pub new_axes: Vec<(Ind, Vec<usize>)>,
    pub adjust: Vec<(Ind, AdjustChunks)>,
    pub concatenate: bool,
    /// How to name an index in messages (empty: the index has no name users know).
    pub show: fn(Ind) -> String,
}

fn invalid(op: &str, reason: String) -> Error {
    Error::InvalidArgument {
        op: op.into(),
        reason,
    }
}

/// `'c'` for letters.
pub(crate) fn show_letter(i: Ind) -> String {
    char::from_u32(i).map_or_else(|| format!("#{i}"), |c| format!("{c:?}"))
}

fn letters(s: &str) -> Vec<Ind> {
    s.chars().map(|c| c as Ind).collect()
}

/// Apply `kernel` blockwise with index notation: output indices `out` (one
/// letter per output axis), each input with one letter per axis. The result
/// has dtype `dtype` and Dask's chunks.
pub fn blockwise(
    kernel: KernelRef,
    out: &str,
    inputs: &[(&Expr, &str)],
    dtype: DType,
    opts: &BlockwiseOptions,
    label: &str,
) -> Result<Expr> {
    let spec = Spec {
        op: "blockwise",
        out: letters(out),
        inputs: inputs
            .iter()
            .map(|(x, ind)| ((*x).clone(), letters(ind)))
            .collect(),
        new_axes: opts
            .new_axes
            .iter()
            .map(|(c, ch)| (*c as Ind, ch.clone()))
            .collect(),
        adjust: opts
            .adjust_chunks
            .iter()
            .map(|(c, a)| (*c as Ind, a.clone()))
            .collect(),
        concatenate: opts.concatenate,
        show: show_letter,
    };
    build(&spec, kernel, dtype, label)
}

/// Where an index occurs: input, axis, length of that axis.
struct Seen {
    input: usize,
    axis: usize,
    len: usize,
}

fn check_indices(s: &Spec<'_>) -> Result<()> {
    let show = s.show;
    let join = |ind: &[Ind]| ind.iter().map(|&i| show(i)).collect::<Vec<_>>().join(" ");
    if let Some((k, _)) = s
        .out
        .iter()
        .enumerate()
        .find(|(k, i)| s.out[..*k].contains(i))
    {
        return Err(invalid(
            s.op,
            format!(
                "index {} appears twice in the output index [{}]; each output axis needs its own index",
                show(s.out[k]),
                join(&s.out)
            ),
        ));
    }
    for (n, (x, ind)) in s.inputs.iter().enumerate() {
        if ind.len() != x.ndim() {
            return Err(invalid(
                s.op,
                format!(
                    "input {n} has {} dimensions (shape {:?}) but its index [{}] names {}; give one index per axis",
                    x.ndim(),
                    x.shape(),
                    join(ind),
                    ind.len()
                ),
            ));
        }
    }
    let in_inputs = |i: Ind| s.inputs.iter().any(|(_, ind)| ind.contains(&i));
    for (k, (i, chunks)) in s.new_axes.iter().enumerate() {
        if !s.out.contains(i) {
            return Err(invalid(
                s.op,
                format!(
                    "new axis {} is not in the output index [{}]",
                    show(*i),
                    join(&s.out)
                ),
            ));
        }
        if in_inputs(*i) || s.new_axes[..k].iter().any(|(j, _)| j == i) {
            return Err(invalid(
                s.op,
                format!(
                    "new axis {} is already an index of an input or given twice; a new axis needs an index of its own",
                    show(*i)
                ),
            ));
        }
        if chunks.is_empty() {
            return Err(invalid(
                s.op,
                format!(
                    "new axis {} has no chunks; give its chunk lengths, e.g. [5]",
                    show(*i)
                ),
            ));
        }
    }
    if let Some(&i) = s
        .out
        .iter()
        .find(|&&i| !in_inputs(i) && !s.new_axes.iter().any(|(j, _)| *j == i))
    {
        return Err(invalid(
            s.op,
            format!(
                "unknown index {} in the output index [{}]: no input has it; name it in an input's index or give it as a new axis",
                show(i),
                join(&s.out)
            ),
        ));
    }
    if let Some((i, _)) = s.adjust.iter().find(|(i, _)| !s.out.contains(i)) {
        return Err(invalid(
            s.op,
            format!(
                "adjust_chunks names index {}, which is not in the output index [{}]",
                show(*i),
                join(&s.out)
            ),
        ));
    }
    for (n, (_, ind)) in s.inputs.iter().enumerate() {
        if let Some((k, _)) = ind
            .iter()
            .enumerate()
            .find(|(k, i)| ind[..*k].contains(i) && !s.out.contains(i))
        {
            return Err(invalid(
                s.op,
                format!(
                    "index {} is repeated in input {n} and contracted; a repeated index must be an output index",
                    show(ind[k])
                ),
            ));
        }
    }
    Ok(())
}

/// The unified chunks of index `i` over all its occurrences (lengths must agree or be 1).
fn unified(s: &Spec<'_>, i: Ind) -> Result<Vec<usize>> {
    let seen: Vec<Seen> = s
        .inputs
        .iter()
        .enumerate()
        .flat_map(|(input, (x, ind))| {
            let shape = x.shape();
            ind.iter()
                .enumerate()
                .filter(move |(_, &j)| j == i)
                .map(move |(axis, _)| Seen {
                    input,
                    axis,
                    len: shape[axis],
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let a = seen.iter().find(|o| o.len != 1);
    if let Some((a, b)) = a.and_then(|a| {
        seen.iter()
            .find(|o| o.len != 1 && o.len != a.len)
            .map(|b| (a, b))
    }) {
        return Err(invalid(
            s.op,
            format!(
                "index {} has length {} in input {} (axis {}) but {} in input {} (axis {}); axes sharing an index must have equal lengths (or length 1 to broadcast)",
                (s.show)(i),
                a.len,
                a.input,
                a.axis,
                b.len,
                b.input,
                b.axis
            ),
        ));
    }
    let per_axis = seen
        .iter()
        .map(|o| Chunks::new(vec![s.inputs[o.input].0.chunks().axis(o.axis).to_vec()]))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let refs: Vec<&Chunks> = per_axis.iter().collect();
    Ok(unify_chunks(&refs)?.axis(0).to_vec())
}

/// Build the layer(s) of a blockwise.
pub(crate) fn build(s: &Spec<'_>, kernel: KernelRef, dtype: DType, label: &str) -> Result<Expr> {
    check_indices(s)?;
    let mut all: Vec<Ind> = Vec::new();
    for (_, ind) in &s.inputs {
        for &i in ind {
            if !all.contains(&i) {
                all.push(i);
            }
        }
    }
    let chunks_of: Vec<(Ind, Vec<usize>)> = all
        .iter()
        .map(|&i| Ok((i, unified(s, i)?)))
        .collect::<Result<_>>()?;
    let lookup = |i: Ind| -> &[usize] {
        chunks_of
            .iter()
            .find(|(j, _)| *j == i)
            .map_or(&[][..], |(_, c)| c.as_slice())
    };
    let contracted = |i: Ind| !s.out.contains(&i);
    // Each input on the unified chunks.
    let mut inputs = Vec::with_capacity(s.inputs.len());
    for (x, ind) in &s.inputs {
        let shape = x.shape();
        let axes: Vec<Vec<usize>> = ind
            .iter()
            .enumerate()
            .map(|(ax, &i)| {
                if shape[ax] == 1 {
                    x.chunks().axis(ax).to_vec()
                } else {
                    lookup(i).to_vec()
                }
            })
            .collect();
        let target = Chunks::new(axes)?;
        let x = if &target == x.chunks() {
            x.clone()
        } else {
            rechunk_to(x, target)?
        };
        inputs.push((x, ind.clone()));
    }
    let mut out_axes: Vec<Vec<usize>> = s
        .out
        .iter()
        .map(|&i| {
            s.new_axes
                .iter()
                .find(|(j, _)| *j == i)
                .map_or_else(|| lookup(i).to_vec(), |(_, c)| c.clone())
        })
        .collect();
    for (i, adjust) in &s.adjust {
        let pos = s.out.iter().position(|j| j == i).unwrap_or(0);
        let axis = &mut out_axes[pos];
        *axis = match adjust {
            AdjustChunks::Each(n) => vec![*n; axis.len()],
            AdjustChunks::Map(f) => axis.iter().map(|&c| f(c)).collect(),
            AdjustChunks::Blocks(b) => {
                if b.len() != axis.len() {
                    return Err(invalid(
                        s.op,
                        format!(
                            "dimension {pos}{} has {} blocks, adjust_chunks specified with {} blocks",
                            match (s.show)(*i) {
                                name if name.is_empty() => String::new(),
                                name => format!(" (index {name})"),
                            },
                            axis.len(),
                            b.len()
                        ),
                    ));
                }
                b.clone()
            }
        };
    }
    let out_chunks = Chunks::new(out_axes)?;
    let sources: Vec<Vec<Source>> = inputs
        .iter()
        .map(|(x, ind)| {
            ind.iter()
                .enumerate()
                .map(|(ax, i)| match s.out.iter().position(|j| j == i) {
                    _ if x.chunks().axis(ax).len() == 1 => Source::First,
                    Some(pos) => Source::Out(pos),
                    None => Source::Contracted(*i),
                })
                .collect()
        })
        .collect();
    let layers: Vec<LayerRef> = inputs.iter().map(|(x, _)| x.layer().clone()).collect();
    let gathers = sources
        .iter()
        .any(|src| src.iter().any(|a| matches!(a, Source::Contracted(_))));
    if !gathers {
        let maps = sources
            .iter()
            .map(|src| BlockMap {
                axes: src
                    .iter()
                    .map(|a| match a {
                        Source::Out(pos) => Some(*pos),
                        _ => None,
                    })
                    .collect(),
            })
            .collect();
        return Ok(Expr::new(Blockwise::new(
            label, out_chunks, dtype, layers, maps, kernel,
        )));
    }
    let grids: Vec<(Ind, usize)> = all
        .iter()
        .filter(|&&i| contracted(i))
        .map(|&i| (i, lookup(i).len()))
        .collect();
    Ok(Expr::new(GeneralLayer::new(
        label,
        LayerKind::Other,
        out_chunks,
        dtype,
        layers,
        Arc::new(GatherTasks {
            kernel,
            sources,
            grids,
            concatenate: s.concatenate.then(|| {
                inputs
                    .iter()
                    .map(|(x, _)| (x.chunks().clone(), x.dtype()))
                    .collect()
            }),
        }),
    )))
}

/// Where the block index of one input axis comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    /// The output block index along this output axis.
    Out(usize),
    /// Block 0 (a single-block axis: broadcast or concatenated).
    First,
    /// Every block along this contracted index, one after another.
    Contracted(Ind),
}

/// Tasks of a blockwise with contracted blocks: each output block reads, per
/// input, every block along the input's contracted indices (C order over
/// those indices, in the order they first occur in the input's index); with
/// concatenation the task joins them before the kernel runs.
#[derive(Debug)]
struct GatherTasks {
    kernel: KernelRef,
    sources: Vec<Vec<Source>>,
    /// Blocks along each contracted index.
    grids: Vec<(Ind, usize)>,
    /// With concatenation: each input's chunks and dtype, to assemble its blocks.
    concatenate: Option<Vec<(Chunks, DType)>>,
}

impl GatherTasks {
    fn input_keys(&self, name: &Arc<str>, src: &[Source], out: &[usize], keys: &mut Vec<Key>) {
        let mut order: Vec<Ind> = Vec::new();
        for a in src {
            if let Source::Contracted(i) = a {
                if !order.contains(i) {
                    order.push(*i);
                }
            }
        }
        let sizes: Vec<usize> = order
            .iter()
            .map(|i| {
                self.grids
                    .iter()
                    .find(|(j, _)| j == i)
                    .map_or(1, |(_, n)| *n)
            })
            .collect();
        let total: usize = sizes.iter().product();
        for flat in 0..total {
            // The C-order position `flat` as one block number per contracted index.
            let mut rest = flat;
            let mut at = vec![0; sizes.len()];
            for (k, &n) in sizes.iter().enumerate().rev() {
                at[k] = rest % n;
                rest /= n;
            }
            let index: Vec<usize> = src
                .iter()
                .map(|a| match a {
                    Source::Out(pos) => out.get(*pos).copied().unwrap_or(0),
                    Source::First => 0,
                    Source::Contracted(i) => order.iter().position(|j| j == i).map_or(0, |k| at[k]),
                })
                .collect();
            keys.push(Key::new(name.clone(), index));
        }
    }
}

/// The step joining the blocks at `keys` of an input with `chunks` into one block.
fn assemble_step(chunks: &Chunks, dtype: DType, keys: &[Key], first: usize) -> GraphResult<Step> {
    let mut lo: Vec<usize> = vec![usize::MAX; chunks.ndim()];
    let mut hi: Vec<usize> = vec![0; chunks.ndim()];
    let mut ranges = Vec::with_capacity(keys.len());
    for k in keys {
        let r = chunks.block_range(&k.index)?;
        for (ax, r) in r.iter().enumerate() {
            lo[ax] = lo[ax].min(r.start);
            hi[ax] = hi[ax].max(r.end);
        }
        ranges.push(r);
    }
    let pieces = ranges
        .iter()
        .map(|r| Piece {
            from: r.iter().map(|r| 0..r.len()).collect(),
            to: r
                .iter()
                .zip(&lo)
                .map(|(r, &l)| r.start - l..r.end - l)
                .collect(),
        })
        .collect();
    let shape = lo
        .iter()
        .zip(&hi)
        .map(|(&l, &h)| h.saturating_sub(l))
        .collect();
    Ok(Step {
        kernel: Arc::new(Assemble {
            shape,
            dtype,
            pieces,
        }),
        args: (first..first + keys.len()).map(Arg::Input).collect(),
        label: "concatenate".into(),
    })
}

impl BlockTasks for GatherTasks {
    fn block_task(&self, inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let mut per_input: Vec<Vec<Key>> = Vec::with_capacity(self.sources.len());
        for (k, src) in self.sources.iter().enumerate() {
            let name = tessera_graph::input_name(inputs, k)?;
            let mut keys = Vec::new();
            self.input_keys(&name, src, index, &mut keys);
            per_input.push(keys);
        }
        let Some(layouts) = &self.concatenate else {
            return Ok((self.kernel.clone(), per_input.concat()));
        };
        // Dask's concatenate=True: the blocks of each input are joined in the task.
        let mut steps = Vec::new();
        let mut args = Vec::with_capacity(per_input.len());
        let mut first = 0;
        for (keys, (chunks, dtype)) in per_input.iter().zip(layouts) {
            if keys.len() == 1 {
                args.push(Arg::Input(first));
            } else {
                steps.push(assemble_step(chunks, *dtype, keys, first)?);
                args.push(Arg::Step(steps.len() - 1));
            }
            first += keys.len();
        }
        let deps = per_input.concat();
        if steps.is_empty() {
            return Ok((self.kernel.clone(), deps));
        }
        steps.push(Step {
            kernel: self.kernel.clone(),
            args,
            label: "blockwise".into(),
        });
        Ok((Arc::new(Fused { steps }), deps))
    }
    crate::kernel::as_any!();
}
