//! Rechunking (`x.rechunk(spec)`), planned in stages that fit a memory limit.

use tessera_chunk_core::{ChunkSpec, Element};
use tessera_ops::rechunk;

use crate::array::Array;

impl<T: Element> Array<T> {
    /// Rechunk (`x.rechunk(spec)`), with Dask's rules for `"auto"`, `-1` and
    /// axis maps, in stages whose tasks fit the configured memory limit.
    pub fn rechunk(&self, spec: impl Into<ChunkSpec>) -> Array<T> {
        match crate::config::get() {
            Ok(config) => self.rechunk_within(spec, config.memory_limit),
            Err(e) => Array::failed(e),
        }
    }

    /// Rechunk in stages planned for `memory_limit` (the budget a later
    /// compute keeps, [`crate::Compute::budget`]) instead of the configured
    /// one: when Dask's plan needs more than a quarter of it, each old chunk
    /// is cut once and the pieces merged (`None`: Dask's plan).
    pub fn rechunk_within(
        &self,
        spec: impl Into<ChunkSpec>,
        memory_limit: Option<u64>,
    ) -> Array<T> {
        let spec = spec.into();
        self.then("rechunk", |x| {
            let new = crate::chunking::rechunk_target(x.chunks(), spec, T::DTYPE, None, false)?;
            Ok(rechunk::rechunk_within(x, new, memory_limit)?)
        })
    }
}
