//! Rechunking (`x.rechunk(spec)`), planned in stages that fit a memory limit.

use tessera_chunk_core::{ChunkSpec, Element};
use tessera_ops::rechunk;

use crate::array::Array;
use crate::error::Result;

impl<T: Element> Array<T> {
    /// Rechunk (`x.rechunk(spec)`), with Dask's rules for `"auto"`, `-1` and
    /// axis maps, in stages whose tasks fit the configured memory limit.
    pub fn rechunk(&self, spec: impl Into<ChunkSpec>) -> Result<Array<T>> {
        self.rechunk_within(spec, crate::config::get()?.memory_limit)
    }

    /// Rechunk in stages planned for `memory_limit` (the budget a later
    /// [`Array::compute_within`] keeps) instead of the configured one: when
    /// Dask's plan needs more than a quarter of it, each old chunk is cut
    /// once and the pieces merged (`None`: Dask's plan).
    pub fn rechunk_within(
        &self,
        spec: impl Into<ChunkSpec>,
        memory_limit: Option<u64>,
    ) -> Result<Array<T>> {
        let new =
            crate::chunking::rechunk_target(self.chunks(), spec.into(), T::DTYPE, None, false)?;
        Array::from_expr(rechunk::rechunk_within(self.expr(), new, memory_limit)?)
    }
}
