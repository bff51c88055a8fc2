//! DESIGN's dependency rules as a test: each tessera crate may use only the
//! crates below it (chunk-core <- graph <- schedulers; chunk-core <- storage;
//! chunk-core, graph, storage <- ops; everything <- facade).

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

fn allowed(krate: &str) -> &'static [&'static str] {
    match krate {
        "tessera-chunk-core" => &[],
        "tessera-graph" => &["tessera-chunk-core"],
        "tessera-schedulers" => &["tessera-chunk-core", "tessera-graph"],
        "tessera-storage" => &["tessera-chunk-core"],
        "tessera-ops" => &["tessera-chunk-core", "tessera-graph", "tessera-storage"],
        "tessera" => &[
            "tessera-chunk-core",
            "tessera-graph",
            "tessera-schedulers",
            "tessera-storage",
            "tessera-ops",
        ],
        _ => &[
            "tessera",
            "tessera-chunk-core",
            "tessera-graph",
            "tessera-schedulers",
            "tessera-storage",
            "tessera-ops",
        ],
    }
}

#[test]
fn crates_depend_only_on_what_design_allows() {
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let mut checked = BTreeSet::new();
    for pkg in meta["packages"].as_array().expect("packages") {
        let name = pkg["name"].as_str().unwrap_or_default();
        for dep in pkg["dependencies"].as_array().into_iter().flatten() {
            let dep_name = dep["name"].as_str().unwrap_or_default();
            // Dev-dependencies (tests, benches) may reach further; the rules are about the libraries.
            let normal = dep["kind"].is_null();
            if dep_name.starts_with("tessera") && normal && dep_name != name {
                assert!(
                    allowed(name).contains(&dep_name),
                    "{name} must not depend on {dep_name} (DESIGN.md dependency rules)"
                );
            }
        }
        checked.insert(name.to_string());
    }
    assert!(
        checked.contains("tessera-chunk-core") && checked.contains("tessera"),
        "{checked:?}"
    );
}
