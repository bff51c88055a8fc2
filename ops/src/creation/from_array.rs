//! `from_array`: an in-memory ndarray cut into chunks; each task slices its block.

use std::ops::Range;
use std::sync::Arc;

use ndarray::{ArcArray, IxDyn, Slice, SliceInfoElem};
use tessera_chunk_core::{Block, Chunks, Element};
use tessera_graph::{BlockTasks, Kernel, KernelError, LayerRef, Params};

use crate::error::{Error, Result};
use crate::expr::Expr;

/// One block of a shared in-memory array.
#[derive(Debug)]
struct Literal<T: Element> {
    data: ArcArray<T, IxDyn>,
    region: Vec<Range<usize>>,
}

impl<T: Element> Literal<T> {
    fn block(&self) -> Block {
        let info: Vec<SliceInfoElem> = self
            .region
            .iter()
            .map(|r| SliceInfoElem::from(Slice::from(r.start as isize..r.end as isize)))
            .collect();
        Block::from_array(self.data.slice(info.as_slice()).to_owned())
    }
}

impl<T: Element> Kernel for Literal<T> {
    fn id(&self) -> &str {
        <LiteralBlock as crate::kernel::KernelId>::ID
    }
    fn params(&self) -> Params {
        Params::Block(self.block())
    }
    fn run(&self, _inputs: &[Block]) -> Result<Block, KernelError> {
        Ok(self.block())
    }
    fn is_cheap(&self) -> bool {
        true
    }
}

/// A literal block, as rebuilt on the far side of a process boundary.
#[derive(Debug)]
pub struct LiteralBlock(pub Block);

crate::kernel::kernel_id!(LiteralBlock, "tessera.literal");

impl Kernel for LiteralBlock {
    crate::kernel::json_kernel!(id_only);
    fn params(&self) -> Params {
        Params::Block(self.0.clone())
    }
    fn run(&self, _inputs: &[Block]) -> Result<Block, KernelError> {
        Ok(self.0.clone())
    }
    fn is_cheap(&self) -> bool {
        true
    }
}

#[derive(Debug)]
struct LiteralTasks<T: Element> {
    data: ArcArray<T, IxDyn>,
    chunks: Chunks,
}

impl<T: Element> BlockTasks for LiteralTasks<T> {
    fn block_task(&self, _inputs: &[LayerRef], index: &[usize]) -> crate::kernel::BlockTask {
        let region = self.chunks.block_range(index)?;
        Ok((
            Arc::new(Literal {
                data: self.data.clone(),
                region,
            }),
            Vec::new(),
        ))
    }
    crate::kernel::as_any!();
}

/// A chunked array over `data` (shared, not copied) with the given chunks.
pub fn from_array<T: Element>(data: impl Into<ArcArray<T, IxDyn>>, chunks: Chunks) -> Result<Expr> {
    let data = data.into();
    if chunks.shape() != data.shape() {
        return Err(Error::InvalidArgument {
            op: "from_array".into(),
            reason: format!(
                "chunks tile shape {:?}, but the data has shape {:?}",
                chunks.shape(),
                data.shape()
            ),
        });
    }
    let tasks = LiteralTasks {
        data,
        chunks: chunks.clone(),
    };
    Ok(crate::creation::fill::creation_layer(
        "array",
        chunks,
        T::DTYPE,
        Arc::new(tasks),
    ))
}
