//! What a Zarr directory holds, read from its metadata JSON (`zarr.json` for
//! v3, `.zarray` / `.zgroup` for v2): the node kind, the format and the codecs.
//! The driver reads these files too but keeps its reader private; the CLI
//! needs only these few facts, so it reads them itself.

use std::path::Path;

use serde_json::Value;

use crate::error::{CliError, Result};

/// A node of a Zarr hierarchy and its format version (2 or 3).
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// An array, with its metadata document.
    Array {
        /// 2 or 3.
        format: u64,
        /// The parsed `zarr.json` or `.zarray`.
        doc: Value,
    },
    /// A group.
    Group {
        /// 2 or 3.
        format: u64,
    },
}

/// The node in directory `dir`, if it is one: `zarr.json` wins over `.zarray` / `.zgroup`, as in the driver.
pub fn read_node(dir: &Path) -> Result<Option<Node>> {
    if let Some(doc) = read_json(&dir.join("zarr.json"))? {
        let format = doc.get("zarr_format").and_then(Value::as_u64).unwrap_or(3);
        return Ok(Some(match doc.get("node_type").and_then(Value::as_str) {
            Some("array") => Node::Array { format, doc },
            _ => Node::Group { format },
        }));
    }
    if let Some(doc) = read_json(&dir.join(".zarray"))? {
        return Ok(Some(Node::Array { format: 2, doc }));
    }
    Ok(dir
        .join(".zgroup")
        .is_file()
        .then_some(Node::Group { format: 2 }))
}

/// A JSON file's document, `None` when the file does not exist.
fn read_json(file: &Path) -> Result<Option<Value>> {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(None)
        }
        Err(e) => {
            return Err(CliError::Input(format!(
                "cannot read {}: {e}",
                file.display()
            )))
        }
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| CliError::Input(format!("{} is not valid JSON: {e}", file.display())))
}

/// The store facts of an array's metadata, as `(label, value)` rows:
/// the codec chain (v3) or compressor and filters (v2), and the fill value.
pub fn array_facts(format: u64, doc: &Value) -> Vec<(&'static str, String)> {
    let mut rows = Vec::new();
    if format == 2 {
        rows.push(("compressor", describe_or_none(doc.get("compressor"))));
        rows.push(("filters", describe_or_none(doc.get("filters"))));
        if let Some(order) = doc.get("order").and_then(Value::as_str) {
            rows.push(("order", order.to_string()));
        }
    } else {
        rows.push(("codecs", describe_or_none(doc.get("codecs"))));
    }
    rows.push(("fill value", describe_or_none(doc.get("fill_value"))));
    rows
}

/// A metadata value in short text; `none` for null or missing.
fn describe_or_none(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "none".into(),
        Some(Value::Array(items)) if items.is_empty() => "none".into(),
        Some(v) => describe(v),
    }
}

/// Codecs as `name(key=value, …)` (v3 `name`/`configuration`, v2 `id` plus
/// keys), lists joined by `, ` and nested codecs (sharding) in brackets.
fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(describe).collect::<Vec<_>>().join(", "),
        Value::Object(o) => {
            let (name, params): (Option<&str>, Vec<(&String, &Value)>) =
                if let Some(name) = o.get("name").and_then(Value::as_str) {
                    let params = match o.get("configuration") {
                        Some(Value::Object(c)) => c.iter().collect(),
                        _ => Vec::new(),
                    };
                    (Some(name), params)
                } else if let Some(id) = o.get("id").and_then(Value::as_str) {
                    (Some(id), o.iter().filter(|(k, _)| *k != "id").collect())
                } else {
                    (None, o.iter().collect())
                };
            let params: Vec<String> = params
                .into_iter()
                .map(|(k, v)| match v {
                    Value::Array(items) if items.iter().any(Value::is_object) => {
                        format!("{k}=[{}]", describe(v))
                    }
                    Value::String(s) => format!("{k}={s}"),
                    other => format!("{k}={other}"),
                })
                .collect();
            match name {
                Some(n) if params.is_empty() => n.to_string(),
                Some(n) => format!("{n}({})", params.join(", ")),
                None => format!("{{{}}}", params.join(", ")),
            }
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // Keys are written in sorted order: serde_json keeps insertion order or
    // sorts, depending on features other crates turn on.
    #[test]
    fn v3_codec_chains_read_as_text() {
        let doc = json!({"codecs": [
            {"name": "bytes", "configuration": {"endian": "little"}},
            {"name": "zstd", "configuration": {"checksum": false, "level": 0}}
        ], "fill_value": 0.0});
        assert_eq!(
            array_facts(3, &doc),
            vec![
                (
                    "codecs",
                    "bytes(endian=little), zstd(checksum=false, level=0)".to_string()
                ),
                ("fill value", "0.0".to_string())
            ]
        );
    }

    #[test]
    fn nested_sharding_codecs_are_bracketed() {
        let v = json!({"name": "sharding_indexed", "configuration": {
            "chunk_shape": [2, 2],
            "codecs": [{"name": "bytes"}]
        }});
        assert_eq!(
            describe(&v),
            "sharding_indexed(chunk_shape=[2,2], codecs=[bytes])"
        );
    }

    #[test]
    fn v2_compressor_and_filters() {
        let doc = json!({"compressor": {"clevel": 5, "cname": "lz4", "id": "blosc"},
                         "filters": null, "order": "C", "fill_value": null});
        let facts = array_facts(2, &doc);
        assert_eq!(
            facts[0],
            ("compressor", "blosc(clevel=5, cname=lz4)".to_string())
        );
        assert_eq!(facts[1], ("filters", "none".to_string()));
        assert_eq!(facts[2], ("order", "C".to_string()));
        assert_eq!(facts[3], ("fill value", "none".to_string()));
    }
}
