//! `tessera info`: an array's summary table and store facts, or a group's arrays.

use std::fmt::Write;
use std::path::Path;

use tessera::chunk_core::py_tuple;
use tessera::storage::{ChunkList, ChunkRead, ZarrStore};

use crate::args::InfoArgs;
use crate::error::Result;
use crate::metadata::{array_facts, read_node, Node};
use crate::source::{self, node_at};

/// Run `tessera info`.
pub fn run(args: &InfoArgs) -> Result<String> {
    if source::is_hdf5(&args.path) {
        return hdf5(&args.path, args.array.as_deref());
    }
    match (node_at(&args.path)?, &args.array) {
        (Node::Group { format }, None) => group(&args.path, format),
        (_, name) => array(&args.path, name.as_deref()),
    }
}

/// The facts and summary table of one array.
fn array(root: &Path, name: Option<&str>) -> Result<String> {
    let src = source::open(root, name)?;
    let mut out = String::new();
    let title = if src.name.is_empty() {
        root.display().to_string()
    } else {
        format!("{} array {:?}", root.display(), src.name)
    };
    if let Some(Node::Array { format, doc }) = read_node(&src.dir())? {
        let _ = writeln!(out, "{title}: Zarr v{format} array");
        for (label, value) in array_facts(format, &doc) {
            let _ = writeln!(out, "{label:<10} {value}");
        }
    } else {
        let _ = writeln!(out, "{title}: Zarr array");
    }
    let _ = writeln!(out);
    let _ = write!(out, "{}", src.array()?.summary());
    Ok(out)
}

/// An HDF5 dataset's summary table, or the file's datasets when it holds several.
fn hdf5(path: &Path, name: Option<&str>) -> Result<String> {
    match source::open(path, name) {
        Ok(src) => Ok(format!(
            "{} dataset {:?}: HDF5\n\n{}",
            path.display(),
            src.name,
            src.array()?.summary()
        )),
        #[cfg(feature = "hdf5")]
        Err(_) if name.is_none() => {
            let store = tessera::storage::Hdf5Store::open(path)?;
            let head = format!("{}: HDF5 file", path.display());
            table(&store, &head)
        }
        Err(e) => Err(e),
    }
}

/// The arrays of a group, one line each: path, shape, dtype, chunks.
fn group(root: &Path, format: u64) -> Result<String> {
    let store = ZarrStore::open(root)?;
    table(&store, &format!("{}: Zarr v{format} group", root.display()))
}

/// `head`, the array count, and one line per array of `store`: path, shape, dtype, chunks.
fn table<S: ChunkList + ChunkRead>(store: &S, head: &str) -> Result<String> {
    let names = store.list_arrays()?;
    let mut rows = vec![[
        "array".to_string(),
        "shape".to_string(),
        "dtype".to_string(),
        "chunks".to_string(),
    ]];
    for name in &names {
        rows.push(match store.metadata(name) {
            Ok(meta) => [
                name.clone(),
                py_tuple(&meta.chunks.shape()),
                meta.dtype.to_string(),
                py_tuple(&meta.chunks.chunksize()),
            ],
            Err(e) => [
                name.clone(),
                format!("(cannot open: {e})"),
                String::new(),
                String::new(),
            ],
        });
    }
    let mut out = format!(
        "{head}, {} array{}\n",
        names.len(),
        if names.len() == 1 { "" } else { "s" }
    );
    if names.is_empty() {
        return Ok(out);
    }
    let _ = writeln!(out);
    let width = |i: usize| rows.iter().map(|r| r[i].len()).max().unwrap_or(0);
    let (w0, w1, w2) = (width(0), width(1), width(2));
    for [a, b, c, d] in &rows {
        let _ = writeln!(out, "{a:<w0$}  {b:<w1$}  {c:<w2$}  {d}");
    }
    Ok(out)
}
