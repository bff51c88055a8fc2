//! Array paths: `"g/sub/data"` relative to the file's root group.

use crate::error::{Error, Result};

/// The path without a leading `/`, checked to be a plain `a/b/c` node path.
pub(super) fn normalize(path: &str) -> Result<String> {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    let bad = |reason: &str| Error::InvalidPath {
        path: path.to_string(),
        reason: reason.to_string(),
    };
    if trimmed.is_empty() {
        return Err(bad(
            "the path is empty; name a dataset such as \"data\" or \"group/data\"",
        ));
    }
    if trimmed
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Err(bad(
            "a path is names joined by single '/', without empty, '.' or '..' parts",
        ));
    }
    Ok(trimmed.to_string())
}

/// Split a normalized path into its parent groups and the last name.
pub(super) fn split(path: &str) -> (Vec<&str>, &str) {
    let mut parts: Vec<&str> = path.split('/').collect();
    let name = parts.pop().unwrap_or(path);
    (parts, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_checked_and_split() {
        assert_eq!(normalize("/g/x").unwrap(), "g/x");
        assert!(normalize("").is_err());
        assert!(normalize("/").is_err());
        assert!(normalize("a//b").is_err());
        assert!(normalize("a/../b").is_err());
        assert_eq!(split("g/sub/x"), (vec!["g", "sub"], "x"));
        assert_eq!(split("x"), (vec![], "x"));
    }
}
