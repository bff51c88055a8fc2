//! `ChunkSpec`: chunks as a user writes them — everything Dask's
//! `normalize_chunks` accepts, including the invalid forms it rejects (so they
//! can be rejected with a message rather than be unrepresentable).

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer};
use serde::Deserialize;

use crate::chunks::Chunks;
use crate::error::{Error, Result};

/// One axis' chunking as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AxisSpec {
    /// A chunk length; `-1` means the whole axis (Dask's `-1`).
    Size(i64),
    /// The whole axis (Python's `None`).
    Full,
    /// Chosen automatically (`"auto"`).
    Auto,
    /// Automatic, with this byte limit (`"100MiB"`).
    Bytes(String),
    /// Explicit chunk lengths along the axis.
    Explicit(Vec<i64>),
}

/// Chunks as a user writes them.
///
/// ```
/// use tessera_chunk_core::{chunks, normalize_chunks, ChunkSpec, DType};
/// let shape = [1000, 1000, 1000];
/// let auto = normalize_chunks(&ChunkSpec::auto(), Some(&shape), None, Some(DType::F64), None).unwrap();
/// assert_eq!(auto.chunksize(), vec![255, 255, 255]);
/// let spec = chunks! {0 => -1, 1 => 100, 2 => auto};
/// assert_eq!(spec.to_string(), "{0: -1, 1: 100, 2: 'auto'}");
/// let fixed: ChunkSpec = [100, 100, 100].into();
/// let parsed: ChunkSpec = "(100, 100, 100)".parse().unwrap();
/// assert_eq!(fixed, parsed);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ChunkSpec {
    /// Python `None` as the whole specification (Dask rejects it).
    Missing,
    /// One item for every axis: an int, `-1`, `"auto"` or a byte string.
    Uniform(AxisSpec),
    /// One item per axis (a tuple or list).
    PerAxis(Vec<AxisSpec>),
    /// Items by axis number (negative numbers allowed); other axes are whole.
    Map(Vec<(i64, AxisSpec)>),
}

impl ChunkSpec {
    /// `"auto"`: chunks of about the configured byte limit.
    pub fn auto() -> Self {
        ChunkSpec::Uniform(AxisSpec::Auto)
    }

    /// Explicit chunks per axis.
    pub fn explicit(axes: Vec<Vec<usize>>) -> Self {
        ChunkSpec::PerAxis(
            axes.into_iter()
                .map(|a| AxisSpec::Explicit(a.into_iter().map(|v| v as i64).collect()))
                .collect(),
        )
    }
}

impl From<usize> for ChunkSpec {
    fn from(n: usize) -> Self {
        ChunkSpec::Uniform(AxisSpec::Size(n as i64))
    }
}

impl From<i64> for ChunkSpec {
    fn from(n: i64) -> Self {
        ChunkSpec::Uniform(AxisSpec::Size(n))
    }
}

impl From<i32> for ChunkSpec {
    fn from(n: i32) -> Self {
        ChunkSpec::Uniform(AxisSpec::Size(i64::from(n)))
    }
}

impl<const N: usize> From<[usize; N]> for ChunkSpec {
    fn from(a: [usize; N]) -> Self {
        ChunkSpec::PerAxis(a.iter().map(|&n| AxisSpec::Size(n as i64)).collect())
    }
}

impl From<Vec<usize>> for ChunkSpec {
    fn from(a: Vec<usize>) -> Self {
        ChunkSpec::PerAxis(a.into_iter().map(|n| AxisSpec::Size(n as i64)).collect())
    }
}

impl From<&[usize]> for ChunkSpec {
    fn from(a: &[usize]) -> Self {
        a.to_vec().into()
    }
}

impl From<Chunks> for ChunkSpec {
    fn from(c: Chunks) -> Self {
        ChunkSpec::explicit(c.into_inner())
    }
}

impl From<&Chunks> for ChunkSpec {
    fn from(c: &Chunks) -> Self {
        ChunkSpec::explicit(c.axes().to_vec())
    }
}

impl From<&str> for ChunkSpec {
    /// `"auto"` or a byte size such as `"100MiB"`; other text is kept and
    /// rejected by `normalize_chunks` with a message. Use `parse` for tuples and maps.
    fn from(s: &str) -> Self {
        if s == "auto" {
            ChunkSpec::auto()
        } else {
            ChunkSpec::Uniform(AxisSpec::Bytes(s.to_string()))
        }
    }
}

/// Build a per-axis map spec: `chunks! {0 => -1, 1 => 100, 2 => auto}`.
/// Values are integers (`-1` for the whole axis), `auto`, `full` (Python's
/// `None`) or byte strings.
#[macro_export]
macro_rules! chunks {
    (@acc [$($done:tt)*]) => { $crate::ChunkSpec::Map(vec![$($done)*]) };
    (@acc [$($done:tt)*] $axis:expr => auto $(, $($rest:tt)*)?) => {
        $crate::chunks!(@acc [$($done)* ($axis, $crate::AxisSpec::Auto),] $($($rest)*)?)
    };
    (@acc [$($done:tt)*] $axis:expr => full $(, $($rest:tt)*)?) => {
        $crate::chunks!(@acc [$($done)* ($axis, $crate::AxisSpec::Full),] $($($rest)*)?)
    };
    (@acc [$($done:tt)*] $axis:expr => $v:expr $(, $($rest:tt)*)?) => {
        $crate::chunks!(@acc [$($done)* ($axis, $crate::AxisSpec::from($v)),] $($($rest)*)?)
    };
    ($($t:tt)*) => { $crate::chunks!(@acc [] $($t)*) };
}

impl From<i64> for AxisSpec {
    fn from(n: i64) -> Self {
        AxisSpec::Size(n)
    }
}

impl From<i32> for AxisSpec {
    fn from(n: i32) -> Self {
        AxisSpec::Size(i64::from(n))
    }
}

impl From<&str> for AxisSpec {
    fn from(s: &str) -> Self {
        if s == "auto" {
            AxisSpec::Auto
        } else {
            AxisSpec::Bytes(s.to_string())
        }
    }
}

impl fmt::Display for AxisSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AxisSpec::Size(n) => write!(f, "{n}"),
            AxisSpec::Full => f.write_str("None"),
            AxisSpec::Auto => f.write_str("'auto'"),
            AxisSpec::Bytes(s) => write!(f, "'{s}'"),
            AxisSpec::Explicit(v) => f.write_str(&crate::py_tuple(v)),
        }
    }
}

impl fmt::Display for ChunkSpec {
    /// Python notation: `'auto'`, `(100, 100)`, `{0: -1, 2: 'auto'}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChunkSpec::Missing => f.write_str("None"),
            ChunkSpec::Uniform(a) => write!(f, "{a}"),
            ChunkSpec::PerAxis(items) => {
                let parts: Vec<String> = items.iter().map(ToString::to_string).collect();
                f.write_str(&crate::py_tuple(&parts))
            }
            ChunkSpec::Map(items) => {
                let parts: Vec<String> = items.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                write!(f, "{{{}}}", parts.join(", "))
            }
        }
    }
}

/// Parsed JSON-like values, the common ground of the text and serde forms.
enum Value {
    Null,
    Int(i64),
    Str(String),
    List(Vec<Value>),
    Map(Vec<(i64, Value)>),
}

fn axis_from(v: Value, spec: &str) -> Result<AxisSpec> {
    let bad = |reason: &str| Error::InvalidChunkSpec {
        spec: spec.to_string(),
        reason: reason.to_string(),
    };
    Ok(match v {
        Value::Null => AxisSpec::Full,
        Value::Int(n) => AxisSpec::Size(n),
        Value::Str(s) => AxisSpec::from(s.as_str()),
        Value::List(items) => AxisSpec::Explicit(
            items
                .into_iter()
                .map(|i| match i {
                    Value::Int(n) => Ok(n),
                    _ => Err(bad("explicit chunk lengths must be integers")),
                })
                .collect::<Result<_>>()?,
        ),
        Value::Map(_) => return Err(bad("an axis cannot be given a map")),
    })
}

fn spec_from(v: Value, text: &str) -> Result<ChunkSpec> {
    Ok(match v {
        Value::Null => ChunkSpec::Missing,
        Value::Int(n) => ChunkSpec::Uniform(AxisSpec::Size(n)),
        Value::Str(s) => ChunkSpec::Uniform(AxisSpec::from(s.as_str())),
        Value::List(items) => ChunkSpec::PerAxis(
            items
                .into_iter()
                .map(|i| axis_from(i, text))
                .collect::<Result<_>>()?,
        ),
        Value::Map(items) => ChunkSpec::Map(
            items
                .into_iter()
                .map(|(k, i)| Ok((k, axis_from(i, text)?)))
                .collect::<Result<_>>()?,
        ),
    })
}

/// A tiny parser for Python literals: ints, None, quoted or bare words, tuples/lists, dicts.
struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.pos < self.s.len() && self.s[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.pos).copied()
    }

    fn value(&mut self) -> Option<Value> {
        match self.peek()? {
            b'(' | b'[' => {
                let close = if self.s[self.pos] == b'(' { b')' } else { b']' };
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    if self.peek()? == close {
                        self.pos += 1;
                        return Some(Value::List(items));
                    }
                    items.push(self.value()?);
                    match self.peek()? {
                        b',' => self.pos += 1,
                        c if c == close => {}
                        _ => return None,
                    }
                }
            }
            b'{' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    if self.peek()? == b'}' {
                        self.pos += 1;
                        return Some(Value::Map(items));
                    }
                    let Value::Int(k) = self.value()? else {
                        return None;
                    };
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.pos += 1;
                    items.push((k, self.value()?));
                    match self.peek()? {
                        b',' => self.pos += 1,
                        b'}' => {}
                        _ => return None,
                    }
                }
            }
            q @ (b'\'' | b'"') => {
                self.pos += 1;
                let start = self.pos;
                while self.pos < self.s.len() && self.s[self.pos] != q {
                    self.pos += 1;
                }
                let text = std::str::from_utf8(self.s.get(start..self.pos)?)
                    .ok()?
                    .to_string();
                self.pos += 1;
                Some(Value::Str(text))
            }
            _ => {
                let start = self.pos;
                while self.pos < self.s.len() && !b",:)]} ".contains(&self.s[self.pos]) {
                    self.pos += 1;
                }
                let word = std::str::from_utf8(&self.s[start..self.pos]).ok()?;
                if word.is_empty() {
                    return None;
                }
                Some(match word {
                    "None" | "null" => Value::Null,
                    w => w
                        .parse::<i64>()
                        .map_or_else(|_| Value::Str(w.to_string()), Value::Int),
                })
            }
        }
    }
}

impl FromStr for ChunkSpec {
    type Err = Error;

    /// Python-like text: `auto`, `100MiB`, `1000`, `(1000, 100)`,
    /// `((5, 5), (3, 3, 1))`, `{0: -1, 1: 100, 2: auto}`.
    fn from_str(text: &str) -> Result<Self> {
        let mut p = Parser {
            s: text.as_bytes(),
            pos: 0,
        };
        let v = p.value();
        p.ws();
        match v {
            Some(v) if p.pos == text.len() => spec_from(v, text),
            _ => Err(Error::InvalidChunkSpec {
                spec: text.to_string(),
                reason: "write an int, auto, a byte size like 100MiB, a tuple like (100, 100) or a map like {0: -1, 1: auto}".into(),
            }),
        }
    }
}

fn from_json(v: serde_json_like::Json) -> Result<Value, String> {
    use serde_json_like::Json;
    Ok(match v {
        Json::Null => Value::Null,
        Json::Int(n) => Value::Int(n),
        Json::Str(s) => Value::Str(s),
        Json::List(items) => {
            Value::List(items.into_iter().map(from_json).collect::<Result<_, _>>()?)
        }
        Json::Map(items) => Value::Map(
            items
                .into_iter()
                .map(|(k, v)| {
                    let k: i64 = k
                        .parse()
                        .map_err(|_| format!("axis key {k:?} is not an integer"))?;
                    Ok((k, from_json(v)?))
                })
                .collect::<Result<_, String>>()?,
        ),
    })
}

/// The JSON shapes a chunk spec can take, deserialised without serde_json.
mod serde_json_like {
    use serde::Deserialize;

    /// A JSON value restricted to what chunk specs use.
    #[derive(Deserialize)]
    #[serde(untagged)]
    pub enum Json {
        /// `null`.
        Null,
        /// An integer.
        Int(i64),
        /// A string.
        Str(String),
        /// A list.
        List(Vec<Json>),
        /// An object with axis-number keys.
        Map(std::collections::BTreeMap<String, Json>),
    }
}

impl<'de> Deserialize<'de> for ChunkSpec {
    /// The fixtures' JSON encoding: ints, `null`, strings, lists, objects keyed by axis number.
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let json = serde_json_like::Json::deserialize(d)?;
        let v = from_json(json).map_err(de::Error::custom)?;
        spec_from(v, "<json>").map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms_parse() {
        assert_eq!("auto".parse::<ChunkSpec>().unwrap(), ChunkSpec::auto());
        assert_eq!("'auto'".parse::<ChunkSpec>().unwrap(), ChunkSpec::auto());
        assert_eq!(
            "100".parse::<ChunkSpec>().unwrap(),
            ChunkSpec::from(100usize)
        );
        assert_eq!(
            "{0: -1, 1: 100, 2: auto}".parse::<ChunkSpec>().unwrap(),
            chunks! {0 => -1, 1 => 100, 2 => auto}
        );
        assert_eq!(
            "((5, 5), (3, 3, 1))".parse::<ChunkSpec>().unwrap(),
            ChunkSpec::explicit(vec![vec![5, 5], vec![3, 3, 1]])
        );
        assert_eq!(
            "(None, 10)".parse::<ChunkSpec>().unwrap(),
            ChunkSpec::PerAxis(vec![AxisSpec::Full, AxisSpec::Size(10)])
        );
        assert!("(1, 2".parse::<ChunkSpec>().is_err());
        assert!("{a: 1}".parse::<ChunkSpec>().is_err());
    }

    #[test]
    fn display_is_python_like() {
        assert_eq!(ChunkSpec::from([10usize, 20]).to_string(), "(10, 20)");
        assert_eq!(ChunkSpec::from("64MiB").to_string(), "'64MiB'");
        assert_eq!(chunks! {1 => full}.to_string(), "{1: None}");
    }
}
