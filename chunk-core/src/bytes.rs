//! Byte sizes written as text (`"100MiB"`, `"1GB"`, `"64 kB"`), parsed as `dask.utils.parse_bytes`.

use crate::error::{Error, Result};

/// Dask's default chunk-size limit for `"auto"` chunks (its `array.chunk-size`).
pub const DEFAULT_CHUNK_LIMIT: u64 = 128 * 1024 * 1024;

fn unit(suffix: &str) -> Option<f64> {
    let s = suffix.to_ascii_lowercase();
    let v: u64 = match s.as_str() {
        "" | "b" => 1,
        "kb" | "k" => 1_000,
        "mb" | "m" => 1_000_000,
        "gb" | "g" => 1_000_000_000,
        "tb" | "t" => 1_000_000_000_000,
        "pb" | "p" => 1_000_000_000_000_000,
        "kib" | "ki" => 1 << 10,
        "mib" | "mi" => 1 << 20,
        "gib" | "gi" => 1 << 30,
        "tib" | "ti" => 1 << 40,
        "pib" | "pi" => 1 << 50,
        _ => return None,
    };
    Some(v as f64)
}

/// Parse a byte size as Dask does: a number (`"1.5"`, `"1e6"`) then an optional
/// unit (`B`, `kB`, `MB`…, `KiB`, `MiB`…, or their first letters), any case,
/// spaces ignored; a bare unit means one of it. Fractions are truncated.
///
/// ```
/// use tessera_chunk_core::parse_bytes;
/// assert_eq!(parse_bytes("100MiB").unwrap(), 100 * 1024 * 1024);
/// assert_eq!(parse_bytes("1GB").unwrap(), 1_000_000_000);
/// assert_eq!(parse_bytes("5 kB").unwrap(), 5000);
/// assert!(parse_bytes("10 parsecs").is_err());
/// ```
pub fn parse_bytes(text: &str) -> Result<u64> {
    let bad = || Error::InvalidByteSize {
        text: text.to_string(),
    };
    let mut s: String = text.chars().filter(|c| *c != ' ').collect();
    if !s.chars().any(|c| c.is_ascii_digit()) {
        s.insert(0, '1');
    }
    // The unit is the trailing run of letters.
    let split = s
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let (prefix, suffix) = s.split_at(split);
    let n: f64 = prefix.parse().map_err(|_| bad())?;
    let multiplier = unit(suffix).ok_or_else(bad)?;
    let value = n * multiplier;
    if !value.is_finite() || value < 0.0 || value >= u64::MAX as f64 {
        return Err(bad());
    }
    Ok(value as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dask_examples() {
        assert_eq!(parse_bytes("100").unwrap(), 100);
        assert_eq!(parse_bytes("100 MB").unwrap(), 100_000_000);
        assert_eq!(parse_bytes("100M").unwrap(), 100_000_000);
        assert_eq!(parse_bytes("5kB").unwrap(), 5000);
        assert_eq!(parse_bytes("5.4 kB").unwrap(), 5400);
        assert_eq!(parse_bytes("1kiB").unwrap(), 1024);
        assert_eq!(parse_bytes("1e6").unwrap(), 1_000_000);
        assert_eq!(parse_bytes("1e6 kB").unwrap(), 1_000_000_000);
        assert_eq!(parse_bytes("MB").unwrap(), 1_000_000);
        assert_eq!(parse_bytes("64KiB").unwrap(), 65536);
        assert!(parse_bytes("5 foos").is_err());
        assert!(
            parse_bytes("").is_ok(),
            "Dask reads an empty string as 1 byte"
        );
        assert!(parse_bytes("-5MB").is_err());
    }
}
