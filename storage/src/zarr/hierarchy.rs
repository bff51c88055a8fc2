//! The Zarr hierarchy on disk: array paths, node kinds, listing, and parent groups.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::errors::io;
use super::options::ZarrFormat;
use crate::error::{Error, Result};

/// The v3 metadata file of every node.
pub(crate) const ZARR_JSON: &str = "zarr.json";
/// The v2 metadata file of an array.
pub(crate) const ZARRAY: &str = ".zarray";
/// The v2 metadata file of a group.
pub(crate) const ZGROUP: &str = ".zgroup";

/// A node found on disk, with its metadata document.
#[derive(Debug)]
pub(crate) enum Node {
    /// An array, in either format.
    Array(Value),
    /// A group, in either format.
    Group,
}

/// A checked array path: names joined by `/`, no leading slash; `""` is the store root.
pub(crate) fn normalize(path: &str) -> Result<String> {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    if trimmed.is_empty() {
        return Ok(String::new());
    }
    let bad = |reason: &str| Error::InvalidPath {
        path: path.to_string(),
        reason: reason.to_string(),
    };
    for name in trimmed.split('/') {
        match name {
            "" => {
                return Err(bad(
                    "it has an empty name; separate names by single '/', as in \"group/sub/array\"",
                ))
            }
            "." | ".." => {
                return Err(bad(
                    "'.' and '..' are not node names; give the full path from the store root",
                ))
            }
            n if n.starts_with("__") => {
                return Err(bad("names starting with '__' are reserved by Zarr"))
            }
            n if n.contains('\\') => return Err(bad("'\\' is not allowed in a node name")),
            _ => {}
        }
    }
    Ok(trimmed.to_string())
}

/// The zarrs node path (`/` + path) of a normalised path.
pub(crate) fn node_path(path: &str) -> String {
    format!("/{path}")
}

/// The directory of a node.
pub(crate) fn node_dir(root: &Path, path: &str) -> PathBuf {
    if path.is_empty() {
        root.to_path_buf()
    } else {
        root.join(path)
    }
}

/// Remove the files of the array at `path`: its directory, or, for the root
/// array, everything in the root directory (an array node has no children).
pub(crate) fn remove_array(root: &Path, path: &str) -> Result<()> {
    let dir = node_dir(root, path);
    if !path.is_empty() {
        return fs::remove_dir_all(&dir).map_err(|e| io("remove", &dir, &e));
    }
    for entry in fs::read_dir(&dir).map_err(|e| io("list", &dir, &e))? {
        let entry = entry.map_err(|e| io("list", &dir, &e))?.path();
        let removed = if entry.is_dir() {
            fs::remove_dir_all(&entry)
        } else {
            fs::remove_file(&entry)
        };
        removed.map_err(|e| io("remove", &entry, &e))?;
    }
    Ok(())
}

/// The node at `path`, if any: `zarr.json` (v3) wins over `.zarray` / `.zgroup` (v2).
pub(crate) fn read_node(root: &Path, path: &str) -> Result<Option<Node>> {
    let dir = node_dir(root, path);
    if let Some(doc) = read_json(&dir.join(ZARR_JSON), path)? {
        return Ok(Some(match doc.get("node_type").and_then(Value::as_str) {
            Some("array") => Node::Array(doc),
            _ => Node::Group,
        }));
    }
    if let Some(doc) = read_json(&dir.join(ZARRAY), path)? {
        return Ok(Some(Node::Array(doc)));
    }
    Ok(dir.join(ZGROUP).is_file().then_some(Node::Group))
}

fn read_json(file: &Path, path: &str) -> Result<Option<Value>> {
    let bytes = match fs::read(file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) if file.is_dir() => return Err(io("read", file, &e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => return Ok(None),
        Err(e) => return Err(io("read", file, &e)),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| Error::Backend {
            path: path.to_string(),
            reason: format!("{} is not valid JSON: {e}", file.display()),
        })
}

/// The data type named in an array's metadata document (v3 `data_type`, v2 `dtype`).
pub(crate) fn dtype_name(doc: &Value) -> String {
    let raw = doc.get("data_type").or_else(|| doc.get("dtype"));
    match raw {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) => o
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| Value::Object(o.clone()).to_string(), str::to_string),
        Some(other) => other.to_string(),
        None => "(none given)".to_string(),
    }
}

/// Every array below `root`, sorted; arrays are not searched for nested nodes.
pub(crate) fn list_arrays(root: &Path) -> Result<Vec<String>> {
    let mut found = Vec::new();
    walk(root, "", &mut found)?;
    found.sort();
    Ok(found)
}

fn walk(root: &Path, path: &str, found: &mut Vec<String>) -> Result<()> {
    if let Some(Node::Array(_)) = read_node(root, path)? {
        found.push(path.to_string());
        return Ok(());
    }
    let dir = node_dir(root, path);
    let entries = fs::read_dir(&dir).map_err(|e| io("list", &dir, &e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io("list", &dir, &e))?;
        // Symlinks are not followed, so a link cycle cannot make the walk endless.
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        if is_dir {
            let child = if path.is_empty() {
                name
            } else {
                format!("{path}/{name}")
            };
            walk(root, &child, found)?;
        }
    }
    Ok(())
}

/// Write group metadata for every missing ancestor of `path` (the root included).
/// An ancestor that is an array is an error: arrays hold no nodes.
pub(crate) fn ensure_parents(root: &Path, path: &str, format: ZarrFormat) -> Result<()> {
    let names: Vec<&str> = if path.is_empty() {
        Vec::new()
    } else {
        path.split('/').collect()
    };
    for depth in 0..names.len() {
        let ancestor = names[..depth].join("/");
        match read_node(root, &ancestor)? {
            Some(Node::Group) => {}
            Some(Node::Array(_)) => {
                return Err(Error::InvalidPath {
                    path: path.to_string(),
                    reason: format!(
                        "{ancestor:?} is an array, and arrays cannot hold other nodes; put both in a group"
                    ),
                })
            }
            None => write_group(root, &ancestor, format)?,
        }
    }
    Ok(())
}

/// Write the metadata of an empty group at `path`.
pub(crate) fn write_group(root: &Path, path: &str, format: ZarrFormat) -> Result<()> {
    let dir = node_dir(root, path);
    fs::create_dir_all(&dir).map_err(|e| io("create directory", &dir, &e))?;
    let (file, doc) = match format {
        ZarrFormat::V3 => (
            ZARR_JSON,
            json!({"zarr_format": 3, "node_type": "group", "attributes": {}}),
        ),
        ZarrFormat::V2 => (ZGROUP, json!({"zarr_format": 2})),
    };
    let file = dir.join(file);
    let text = serde_json::to_vec_pretty(&doc).map_err(|e| Error::Backend {
        path: path.to_string(),
        reason: e.to_string(),
    })?;
    fs::write(&file, text).map_err(|e| io("write", &file, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised_or_refused() {
        assert_eq!(normalize("/a/b").unwrap(), "a/b");
        assert_eq!(normalize("a").unwrap(), "a");
        assert_eq!(normalize("").unwrap(), "");
        for bad in ["a//b", "a/", "../x", "a/./b", "__x", "a\\b"] {
            assert!(
                matches!(normalize(bad), Err(Error::InvalidPath { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn dtype_names_from_both_formats() {
        assert_eq!(dtype_name(&json!({"data_type": "float16"})), "float16");
        assert_eq!(
            dtype_name(&json!({"data_type": {"name": "numpy.datetime64"}})),
            "numpy.datetime64"
        );
        assert_eq!(dtype_name(&json!({"dtype": "<M8[ns]"})), "<M8[ns]");
    }
}
