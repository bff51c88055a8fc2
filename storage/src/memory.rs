//! `MemoryStore`: arrays of chunks in RAM. Also the test double for the trait kit.

use std::collections::BTreeMap;
use std::sync::RwLock;

use tessera_chunk_core::Block;

use crate::error::{Error, Result};
use crate::traits::{ArrayMetadata, ChunkList, ChunkRead, ChunkWrite};

#[derive(Debug)]
struct StoredArray {
    meta: ArrayMetadata,
    chunks: BTreeMap<Vec<usize>, Block>,
}

/// A store in memory. Reading a chunk that was never written is an error
/// naming the chunk, so a half-written array is never read silently.
#[derive(Debug, Default)]
pub struct MemoryStore {
    arrays: RwLock<BTreeMap<String, StoredArray>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn no_such(&self, path: &str, arrays: &BTreeMap<String, StoredArray>) -> Error {
        Error::NoSuchArray {
            path: path.to_string(),
            store: "memory store".into(),
            existing: arrays.keys().cloned().collect(),
        }
    }
}

fn poisoned(path: &str) -> Error {
    Error::BadChunk {
        path: path.to_string(),
        index: Vec::new(),
        reason: "the store's lock was poisoned by a panic in another thread".into(),
    }
}

impl ChunkRead for MemoryStore {
    fn metadata(&self, path: &str) -> Result<ArrayMetadata> {
        let arrays = self.arrays.read().map_err(|_| poisoned(path))?;
        arrays
            .get(path)
            .map(|a| a.meta.clone())
            .ok_or_else(|| self.no_such(path, &arrays))
    }

    fn read_chunk(&self, path: &str, index: &[usize]) -> Result<Block> {
        let arrays = self.arrays.read().map_err(|_| poisoned(path))?;
        let array = arrays
            .get(path)
            .ok_or_else(|| self.no_such(path, &arrays))?;
        array.meta.chunks.check_block(index)?;
        array
            .chunks
            .get(index)
            .cloned()
            .ok_or_else(|| Error::BadChunk {
                path: path.to_string(),
                index: index.to_vec(),
                reason: "this chunk was never written".into(),
            })
    }
}

impl ChunkWrite for MemoryStore {
    fn create_array(&self, path: &str, meta: &ArrayMetadata) -> Result<()> {
        let mut arrays = self.arrays.write().map_err(|_| poisoned(path))?;
        if arrays.contains_key(path) {
            return Err(Error::AlreadyExists {
                path: path.to_string(),
            });
        }
        arrays.insert(
            path.to_string(),
            StoredArray {
                meta: meta.clone(),
                chunks: BTreeMap::new(),
            },
        );
        Ok(())
    }

    fn write_chunk(&self, path: &str, index: &[usize], block: &Block) -> Result<()> {
        let mut arrays = self.arrays.write().map_err(|_| poisoned(path))?;
        let Some(array) = arrays.get_mut(path) else {
            let err = self.no_such(path, &arrays);
            return Err(err);
        };
        array.meta.check_chunk(path, index, block)?;
        array.chunks.insert(index.to_vec(), block.clone());
        Ok(())
    }

    fn delete_array(&self, path: &str) -> Result<()> {
        let mut arrays = self.arrays.write().map_err(|_| poisoned(path))?;
        if arrays.remove(path).is_none() {
            return Err(self.no_such(path, &arrays));
        }
        Ok(())
    }
}

impl ChunkList for MemoryStore {
    fn list_arrays(&self) -> Result<Vec<String>> {
        let arrays = self.arrays.read().map_err(|_| poisoned("/"))?;
        Ok(arrays.keys().cloned().collect())
    }
}
