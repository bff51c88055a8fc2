//! The diagnostics on a small computation: HTML reprs, the graph views, the
//! profile and a progress bar.
//!
//! `cargo run --example diagnostics -- DIR` writes `repr-*.html`,
//! `graph.html`, `layers.html`, `graph.dot` (and `graph.svg` when Graphviz is
//! installed) and `profile.html` into DIR.

use std::path::PathBuf;

use tessera::diagnostics::{repr_page, ProgressBar, VisualizeOptions};
use tessera::{random, Compute, Threaded};

fn main() -> tessera::Result<()> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "diagnostics".into()),
    );
    std::fs::create_dir_all(&dir).map_err(|e| {
        tessera::Error::Diagnostics(format!("cannot create {}: {e}", dir.display()))
    })?;
    let write = |name: &str, text: String| -> tessera::Result<()> {
        std::fs::write(dir.join(name), text)
            .map_err(|e| tessera::Error::Diagnostics(format!("cannot write {name}: {e}")))
    };

    let a = tessera::ones::<f64>(10, 5);
    let b = random::normal(10.0, 0.1, [4000, 4000], [500, 500], 0);
    let c = random::random([200, 300, 400], [50, 100, 100], 0);
    for (name, html, title) in [
        ("1d", a.to_html(), a.to_string()),
        ("2d", b.to_html(), b.to_string()),
        ("3d", c.to_html(), c.to_string()),
    ] {
        write(&format!("repr-{name}.html"), repr_page(&title, &html))?;
    }

    // (b + b.T) rechunked and reduced: fusion, a rechunk and a tree reduction.
    let y = (&b + &b.t()).rechunk([1000, 250]);
    let total = y.sum();
    total.visualize(dir.join("graph.html"))?;
    total.visualize(dir.join("graph.dot"))?;
    let layers = VisualizeOptions {
        layers: true,
        ..VisualizeOptions::default()
    };
    total.visualize_with(dir.join("layers.html"), &layers)?;
    match total.visualize(dir.join("graph.svg")) {
        Ok(()) => {}
        Err(e) => eprintln!("{e}"),
    }

    let bar = ProgressBar::new("sum");
    let threads = Threaded::default();
    let value = total.compute_with(&Compute::new().scheduler(&threads).callback(&bar))?;
    println!("sum = {}", value.sum());
    let (_, profile) = total.compute_profiled(&Compute::new().scheduler(&threads))?;
    print!("{}", profile.summary());
    profile.to_html(dir.join("profile.html"))?;
    println!("wrote {}", dir.display());
    Ok(())
}
