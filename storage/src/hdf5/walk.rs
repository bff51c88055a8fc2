//! Listing: every dataset reachable from the root group, by path.

use ::hdf5::{Group, LocationToken, LocationType};

use super::io::backend;
use crate::error::Result;

/// Paths of every dataset under `root` (no leading `/`), sorted. Soft links
/// to datasets are listed under their own path; dangling links are skipped;
/// a group reached twice (hard links, cycles) is walked once.
pub(super) fn list_datasets(root: &Group) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut seen = Vec::new();
    if let Ok(info) = root.loc_info() {
        seen.push((info.fileno, info.token));
    }
    visit(root, "", &mut out, &mut seen)?;
    out.sort();
    Ok(out)
}

fn visit(
    group: &Group,
    prefix: &str,
    out: &mut Vec<String>,
    seen: &mut Vec<(u64, LocationToken)>,
) -> Result<()> {
    let names = group.member_names().map_err(|e| backend(prefix, e))?;
    for name in names {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        // A link that resolves to nothing (dangling soft link, missing external file) is no array.
        let Ok(info) = group.loc_info_by_name(&name) else {
            continue;
        };
        match info.loc_type {
            LocationType::Dataset => out.push(path),
            LocationType::Group if !seen.contains(&(info.fileno, info.token)) => {
                seen.push((info.fileno, info.token));
                let sub = group.group(&name).map_err(|e| backend(&path, e))?;
                visit(&sub, &path, out, seen)?;
            }
            _ => {}
        }
    }
    Ok(())
}
