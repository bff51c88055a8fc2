//! Blocks as they travel: inline in a message, or through a shared-memory file.

use std::io;
use std::path::PathBuf;

use tessera_chunk_core::Block;

use super::Payload;

/// Blocks above this many encoded bytes go through shared memory, not the pipe.
pub(crate) const SHM_THRESHOLD: usize = 64 * 1024;

/// The directory for shared-memory files: `/dev/shm` when present.
pub(crate) fn shm_dir() -> PathBuf {
    let shm = PathBuf::from("/dev/shm");
    if shm.is_dir() {
        shm
    } else {
        std::env::temp_dir()
    }
}

/// Encode a block as a payload: inline when small, else into a new
/// shared-memory file, written from the block's memory (no encoded copy;
/// plain writes rather than a mapping, so the file's pages are not counted
/// again in this process's resident set).
pub(crate) fn to_payload(block: &Block, name: &str) -> io::Result<Payload> {
    if 6 + 8 * block.shape().len() + block.nbytes() <= SHM_THRESHOLD {
        return Ok(Payload::Inline(block.encode()));
    }
    let path = shm_dir().join(name);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    if let Err(e) = block.write_to(&mut file) {
        let _ = std::fs::remove_file(&path);
        return Err(e);
    }
    Ok(Payload::Shm(path))
}

/// Decode a payload into a block (a file's data read straight into the block).
pub(crate) fn from_payload(p: &Payload) -> io::Result<Block> {
    let to_io = |e: tessera_chunk_core::Error| io::Error::new(io::ErrorKind::InvalidData, e);
    match p {
        Payload::Inline(b) => Block::decode(b).map_err(to_io),
        Payload::Shm(path) => {
            let mut file = std::fs::File::open(path)?;
            let len = file.metadata()?.len();
            Block::read_from(&mut file, len).map_err(to_io)
        }
    }
}

/// Remove a payload's shared-memory file, if it has one.
pub(crate) fn discard(p: &Payload) {
    if let Payload::Shm(path) = p {
        let _ = std::fs::remove_file(path);
    }
}
