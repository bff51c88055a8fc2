//! Byte counts as Dask prints them (`dask.utils.format_bytes`).

/// Format a byte count exactly as Dask does: `80 B`, `68.66 MiB`, `6.71 GiB`.
///
/// A unit is used once the count reaches 0.9 of it, with two decimals rounded
/// from the exact binary value, ties to even (Python's `f"{x:.2f}"`).
///
/// ```
/// use tessera_chunk_core::format_bytes;
/// assert_eq!(format_bytes(80), "80 B");
/// assert_eq!(format_bytes(72_000_000), "68.66 MiB");
/// assert_eq!(format_bytes(7_200_000_000), "6.71 GiB");
/// ```
pub fn format_bytes(n: u64) -> String {
    const UNITS: [(&str, u64); 5] = [
        ("Pi", 1 << 50),
        ("Ti", 1 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("ki", 1 << 10),
    ];
    for (prefix, k) in UNITS {
        // Dask compares in floating point; so do we, to agree at the edges.
        if n as f64 >= k as f64 * 0.9 {
            return format!("{} {prefix}B", hundredths(n, k));
        }
    }
    format!("{n} B")
}

/// `n / k` with two decimals, rounded from the exact quotient with ties to
/// even, which is what Python's `f"{n / k:.2f}"` gives for a power-of-two `k`
/// (the quotient is exact in binary, so its decimal expansion is too).
fn hundredths(n: u64, k: u64) -> String {
    let num = u128::from(n) * 100;
    let k = u128::from(k);
    let (mut q, r) = (num / k, num % k);
    if 2 * r > k || (2 * r == k && q % 2 == 1) {
        q += 1;
    }
    format!("{}.{:02}", q / 100, q % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_figures() {
        assert_eq!(format_bytes(0), "0 B");
        assert_eq!(format_bytes(40), "40 B");
        assert_eq!(format_bytes(8 * 30_000 * 30_000), "6.71 GiB");
        assert_eq!(format_bytes(8 * 3000 * 3000), "68.66 MiB");
        assert_eq!(format_bytes(8 * 255 * 255 * 255), "126.51 MiB");
        assert_eq!(format_bytes(8 * 1000 * 100 * 167), "127.41 MiB");
        assert_eq!(format_bytes(8 * 30_000), "234.38 kiB");
        assert_eq!(format_bytes(8_000_000_000), "7.45 GiB");
    }

    #[test]
    fn thresholds_and_ties() {
        assert_eq!(format_bytes(921), "921 B");
        assert_eq!(format_bytes(922), "0.90 kiB");
        // 1152 B = 1.125 kiB exactly: Python rounds the tie to even.
        assert_eq!(format_bytes(1152), "1.12 kiB");
        assert_eq!(format_bytes(1 << 60), "1024.00 PiB");
    }
}
