//! No two source files of tessera-ops import each other, directly or around
//! a loop: each family imports the shared files and other families' files,
//! never back. Reads `src/` as text: a `crate::…`/`super::…` path (or, in a
//! `mod.rs`/`lib.rs`, a child module in a `use`) is an edge to the file that
//! defines the longest module prefix of that path.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a file below `src` (`reduce/arg.rs` → `[reduce, arg]`).
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The file defining the longest prefix of `path` that is a module.
fn file_of(modules: &BTreeMap<Vec<String>, String>, path: &[String]) -> Option<String> {
    (0..=path.len())
        .rev()
        .find_map(|n| modules.get(&path[..n]).cloned())
}

/// The code of a file without comments and without its `#[cfg(test)]` tail.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path that starts at `crate::`, `super::` or `self::`, with `{…}`
/// groups of `use` items expanded (one level is all the crate uses).
fn paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for start in ["crate::", "super::", "self::"] {
        for (i, _) in code.match_indices(start) {
            if code[..i]
                .chars()
                .last()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
            {
                continue;
            }
            let rest = &code[i..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len());
            let head: Vec<String> = rest[..end]
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            if rest[end..].starts_with('!') {
                // `#[macro_export]` puts a macro at the crate root whatever
                // file defines it: no edge to `lib.rs`.
                continue;
            }
            if rest[end..].starts_with('{') {
                let group = &rest[end + 1..rest[end..].find('}').map_or(rest.len(), |j| end + j)];
                for item in group.split(',') {
                    let mut p = head.clone();
                    p.extend(
                        item.trim()
                            .split("::")
                            .map(|s| s.split_whitespace().next().unwrap_or("").to_string())
                            .filter(|s| !s.is_empty()),
                    );
                    out.push(p);
                }
            } else {
                out.push(head);
            }
        }
    }
    out
}

#[test]
fn no_two_ops_files_import_each_other_around_a_loop() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let rel = |p: &Path| p.strip_prefix(&src).unwrap().to_path_buf();
    let modules: BTreeMap<Vec<String>, String> = files
        .iter()
        .map(|p| (module_of(&rel(p)), rel(p).display().to_string()))
        .collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in &files {
        let name = rel(p).display().to_string();
        let me = module_of(&rel(p));
        let is_hub = name.ends_with("mod.rs") || name == "lib.rs";
        let text = code(&fs::read_to_string(p).unwrap());
        let mut targets = Vec::new();
        for path in paths(&text) {
            let absolute = match path.first().map(String::as_str) {
                Some("crate") => path[1..].to_vec(),
                Some("self") => [me.clone(), path[1..].to_vec()].concat(),
                Some("super") => [&me[..me.len().saturating_sub(1)], &path[1..]].concat(),
                _ => continue,
            };
            targets.push(absolute);
        }
        // A hub's `pub use child::…` reaches into the child's file.
        if is_hub {
            for line in text.lines() {
                let line = line.trim();
                if let Some(rest) = line
                    .strip_prefix("pub use ")
                    .or_else(|| line.strip_prefix("use "))
                {
                    let first = rest.split("::").next().unwrap_or("").trim();
                    let child = [me.clone(), vec![first.to_string()]].concat();
                    if modules.contains_key(&child) {
                        targets.push(child);
                    }
                }
            }
        }
        for t in targets {
            if let Some(f) = file_of(&modules, &t) {
                if f != name {
                    edges.entry(name.clone()).or_default().insert(f);
                }
            }
        }
    }
    // Depth-first search for a back edge; report the loop it closes.
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        loops: &mut Vec<String>,
    ) {
        if let Some(i) = stack.iter().position(|s| s == n) {
            loops.push(format!("{} -> {n}", stack[i..].join(" -> ")));
            return;
        }
        if done.contains(n) {
            return;
        }
        stack.push(n.to_string());
        for m in edges.get(n).into_iter().flatten() {
            visit(m, edges, stack, done, loops);
        }
        stack.pop();
        done.insert(n.to_string());
    }
    let mut loops = Vec::new();
    let mut done = BTreeSet::new();
    for n in modules.values() {
        visit(n, &edges, &mut Vec::new(), &mut done, &mut loops);
    }
    assert!(
        edges.values().map(BTreeSet::len).sum::<usize>() > 50,
        "the scan found too few imports to mean anything: {edges:?}"
    );
    assert!(
        loops.is_empty(),
        "ops files import each other around a loop:\n{}",
        loops.join("\n")
    );
}
