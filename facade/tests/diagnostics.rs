//! Diagnostics: the HTML repr (well-formed, the summary's figures, Dask's
//! chunk pictures from `fixtures/svg.json`), the profiler (one record per
//! task, sane times, on every scheduler), graph pictures (one DOT node per
//! task, one edge per dependency; SVG through Graphviz; the HTML view).
//! The progress bar's counts are in `diagnostics_progress.rs`.

use std::collections::HashSet;
use std::path::Path;

use proptest::prelude::*;
use serde_json::Value;
use tessera::diagnostics::{graph_html, repr_html, ColorBy, GraphView, Profiler, VisualizeOptions};
use tessera::{Array, ChunkSpec, Chunks, Compute, DynArray, ReduceOp, Scheduler};

mod common;

tessera::worker_test!();
use common::{schedulers, split};

// ---------------------------------------------------------------------------
// A small well-formedness check: every element closed in order, attributes
// quoted, script and style bodies skipped. Returns the number of elements.

const VOID: [&str; 6] = ["meta", "br", "hr", "img", "input", "link"];

fn well_formed(html: &str) -> Result<usize, String> {
    let b = html.as_bytes();
    let (mut i, mut count) = (0usize, 0usize);
    let mut stack: Vec<String> = Vec::new();
    let find = |from: usize, pat: &str| html[from..].find(pat).map(|p| from + p);
    while let Some(lt) = find(i, "<") {
        if html[lt..].starts_with("<!--") {
            i = find(lt, "-->").ok_or("unclosed comment")? + 3;
            continue;
        }
        if html[lt..].starts_with("<!") {
            i = find(lt, ">").ok_or("unclosed declaration")? + 1;
            continue;
        }
        if html[lt..].starts_with("</") {
            let gt = find(lt, ">").ok_or("unclosed end tag")?;
            let name = html[lt + 2..gt].trim();
            match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("</{name}> at byte {lt} closes {other:?}")),
            }
            i = gt + 1;
            continue;
        }
        // A start tag: name, then attributes until `>` or `/>`.
        let mut j = lt + 1;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-' || b[j] == b':') {
            j += 1;
        }
        let name = html[lt + 1..j].to_ascii_lowercase();
        if name.is_empty() {
            return Err(format!("a bare '<' at byte {lt}"));
        }
        let self_closing = loop {
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            match b.get(j) {
                None => return Err(format!("<{name} at byte {lt} never ends")),
                Some(b'>') => break false,
                Some(b'/') if b.get(j + 1) == Some(&b'>') => {
                    j += 1;
                    break true;
                }
                Some(_) => {
                    let start = j;
                    while j < b.len() && !b" =/>".contains(&b[j]) && !b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if j == start {
                        return Err(format!("bad attribute in <{name} at byte {lt}"));
                    }
                    if b.get(j) == Some(&b'=') {
                        let q = *b.get(j + 1).ok_or("attribute value missing")?;
                        if q != b'"' && q != b'\'' {
                            return Err(format!(
                                "unquoted attribute value in <{name} at byte {lt}"
                            ));
                        }
                        let close = html[j + 2..]
                            .find(q as char)
                            .ok_or(format!("unclosed attribute value in <{name}"))?;
                        j = j + 2 + close + 1;
                    }
                }
            }
        };
        count += 1;
        i = j + 1;
        if self_closing || VOID.contains(&name.as_str()) {
            continue;
        }
        if name == "script" || name == "style" {
            // Raw text: the body runs to the matching end tag.
            i = find(i, &format!("</{name}>")).ok_or(format!("unclosed <{name}>"))?
                + name.len()
                + 3;
            continue;
        }
        stack.push(name);
    }
    match stack.last() {
        Some(open) => Err(format!("<{open}> is never closed")),
        None => Ok(count),
    }
}

#[test]
fn the_checker_rejects_broken_html() {
    assert_eq!(well_formed("<p><b>x</b></p>"), Ok(2));
    assert!(well_formed("<p><b>x</p></b>").is_err());
    assert!(well_formed("<p>").is_err());
    assert!(well_formed("<td colspan=2>x</td>").is_err());
    assert_eq!(
        well_formed("<script>if (a < b) {}</script><br><svg><line /></svg>"),
        Ok(4)
    );
}

/// The cells of the row headed `header` in an HTML table.
fn row(html: &str, header: &str) -> Vec<String> {
    let start = html
        .find(&format!("<th> {header} </th>"))
        .unwrap_or_else(|| panic!("no row {header:?}"));
    let end = start + html[start..].find("</tr>").unwrap();
    html[start..end]
        .split("<td")
        .skip(1)
        .map(|cell| {
            let body = &cell[cell.find('>').unwrap() + 1..];
            body[..body.find("</td>").unwrap()].trim().to_string()
        })
        .collect()
}

fn py_tuple(v: &Value) -> String {
    let items: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.to_string())
        .collect();
    tessera::chunk_core::py_tuple(&items)
}

// ---------------------------------------------------------------------------
// HTML repr

/// Build a `repr.json` case's array as `cargo xtask fixtures` does.
fn repr_case(input: &Value) -> DynArray {
    let shape: Vec<usize> = serde_json::from_value(input["shape"].clone()).unwrap();
    let chunks: ChunkSpec = serde_json::from_value(input["chunks"].clone()).unwrap();
    let dtype: tessera::DType = input["dtype"].as_str().unwrap().parse().unwrap();
    let mut x: DynArray = match input["kind"].as_str().unwrap() {
        "ones" => {
            tessera::with_dtype!(dtype, T => DynArray::from(tessera::ones::<T>(shape, chunks)),
            other => panic!("dtype {other}"))
        }
        "zeros" => {
            tessera::with_dtype!(dtype, T => DynArray::from(tessera::zeros::<T>(shape, chunks)),
            other => panic!("dtype {other}"))
        }
        "random" => DynArray::from(tessera::random::random(shape, chunks, 0)),
        "normal" => DynArray::from(tessera::random::normal(10.0, 0.1, shape, chunks, 0)),
        other => panic!("kind {other}"),
    };
    for op in input["ops"].as_array().unwrap() {
        let op = op.as_str().unwrap();
        let (name, arg) = op.split_once(':').map_or((op, None), |(n, a)| (n, Some(a)));
        x = match (name, arg) {
            ("sum", None) => x.reduction(ReduceOp::Sum, ..).checked().unwrap(),
            ("sum", Some(a)) => x
                .reduction(ReduceOp::Sum, a.parse::<i64>().unwrap())
                .checked()
                .unwrap(),
            ("transpose", None) => x.t().checked().unwrap(),
            ("add_self", None) => x.binary(tessera::BinaryOp::Add, &x).checked().unwrap(),
            ("rechunk", Some(s)) => {
                let v: Value = serde_json::from_str(s).unwrap();
                x.rechunk(serde_json::from_value::<ChunkSpec>(v).unwrap())
                    .checked()
                    .unwrap()
            }
            other => panic!("op {other:?}"),
        };
    }
    x
}

#[test]
fn html_repr_shows_the_figures_of_every_repr_fixture() {
    let text = std::fs::read_to_string("../../shared/fixtures/repr.json")
        .or_else(|_| std::fs::read_to_string("/work/shared/fixtures/repr.json"))
        .expect("repr.json fixtures");
    let fixtures: Value = serde_json::from_str(&text).unwrap();
    let cases = fixtures["cases"].as_array().unwrap();
    assert!(cases.len() >= 20);
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let want = &case["output"];
        let x = repr_case(&case["input"]);
        let html = repr_html(x.expr().unwrap());
        well_formed(&html).unwrap_or_else(|e| panic!("{id}: {e}\n{html}"));
        // The same figures as Dask's table, and as tessera's text summary.
        let s = x.summary();
        assert_eq!(
            row(&html, "Bytes"),
            [&want["nbytes"], &want["chunk_nbytes"]].map(|v| v.as_str().unwrap().to_string()),
            "{id}"
        );
        assert_eq!(
            row(&html, "Bytes"),
            [s.nbytes.clone(), s.chunk_nbytes.clone()],
            "{id}"
        );
        assert_eq!(
            row(&html, "Shape"),
            [py_tuple(&want["shape"]), py_tuple(&want["chunksize"])],
            "{id}"
        );
        assert_eq!(
            row(&html, "Dask graph"),
            [want["count_text"].as_str().unwrap()],
            "{id}"
        );
        assert_eq!(
            row(&html, "Dask graph"),
            std::slice::from_ref(&s.count_text),
            "{id}"
        );
        assert_eq!(
            row(&html, "Data type"),
            [format!("{} ndarray", want["dtype"].as_str().unwrap())],
            "{id}"
        );
        // A picture exactly when Dask draws one: some axis, none empty.
        let shape = x.shape();
        let drawable = !shape.is_empty() && !shape.contains(&0);
        assert_eq!(html.contains("<svg"), drawable, "{id}");
    }
}

#[test]
fn html_repr_of_the_seed_arrays_matches_their_text_table() {
    let seeds: Vec<(DynArray, &str, &str)> = vec![
        (
            DynArray::from(tessera::ones::<f64>(10, 5)),
            "80 B",
            "2 chunks in 1 graph layer",
        ),
        (
            DynArray::from(tessera::random::normal(
                10.0,
                0.1,
                [30000, 30000],
                [3000, 3000],
                42,
            )),
            "6.71 GiB",
            "100 chunks in 1 graph layer",
        ),
        (
            DynArray::from(tessera::random::random([1000, 1000, 1000], "auto", 0)),
            "7.45 GiB",
            "64 chunks in 1 graph layer",
        ),
    ];
    for (x, bytes, count) in seeds {
        let html = repr_html(x.expr().unwrap());
        assert_eq!(row(&html, "Bytes")[0], bytes);
        assert_eq!(row(&html, "Dask graph"), [count]);
        assert!(html.contains(&x.summary().chunk_nbytes));
    }
    let r = tessera::random::random([1000, 1000, 1000], "auto", 0)
        .rechunk(tessera::chunks! {0 => -1, 1 => 100, 2 => auto});
    let html = r.to_html();
    assert_eq!(
        row(&html, "Shape"),
        ["(1000, 1000, 1000)", "(1000, 100, 167)"]
    );
    assert_eq!(row(&html, "Dask graph"), ["60 chunks in 2 graph layers"]);
    assert_eq!(row(&html, "Bytes"), ["7.45 GiB", "127.41 MiB"]);
}

#[test]
fn pictures_are_refused_for_0d_and_empty_arrays() {
    let empty = tessera::zeros::<f64>([0, 10], 5);
    let err = empty.to_svg(120).unwrap_err().to_string();
    assert!(
        err.contains("[0, 10]") && err.contains("no empty axis"),
        "{err}"
    );
    let scalar = tessera::ones::<f64>(10, 5).sum();
    assert!(scalar.to_svg(120).is_err());
    // The repr still shows the table.
    let html = scalar.to_html();
    assert_eq!(row(&html, "Dask graph"), [scalar.summary().count_text]);
    assert_eq!(row(&html, "Shape"), ["()", "()"]);
    assert!(!scalar.to_html().contains("<svg"));
}

// ---------------------------------------------------------------------------
// Profiler

fn check_profile(x: &Array<f64>, scheduler: &dyn Scheduler, workers: usize) {
    let graph = x.task_graph().unwrap();
    let want = x
        .compute_with(&Compute::new().scheduler(&tessera::Synchronous))
        .unwrap();
    let (got, profile) = x
        .compute_profiled(&Compute::new().scheduler(scheduler))
        .unwrap();
    assert_eq!(got, want);
    // One record per task, every task once.
    assert_eq!(profile.tasks.len(), graph.len());
    let keys: HashSet<_> = profile.tasks.iter().map(|t| t.key.clone()).collect();
    let graph_keys: HashSet<_> = graph.tasks.iter().map(|t| t.key.clone()).collect();
    assert_eq!(keys, graph_keys);
    for t in &profile.tasks {
        assert!(
            t.start <= t.end && t.end <= profile.wall,
            "{t:?} wall {:?}",
            profile.wall
        );
        assert!(t.worker < workers);
        assert_eq!(t.kernel, graph.tasks[t.index].kernel.id());
        let block_shape: usize = x
            .chunks()
            .block_shape(&t.key.index)
            .map_or(0, |s| s.iter().product());
        if t.key.layer == graph.tasks[graph.outputs[0]].key.layer {
            assert_eq!(t.bytes_out, 8 * block_shape as u64);
        }
    }
    // A task starts after its inputs finished.
    let by_index: std::collections::HashMap<usize, _> =
        profile.tasks.iter().map(|t| (t.index, t)).collect();
    for (i, deps) in graph.deps.iter().enumerate() {
        for d in deps {
            assert!(by_index[d].end <= by_index[&i].start);
        }
    }
    let s = profile.summary();
    let busy: std::time::Duration = profile.tasks.iter().map(|t| t.duration()).sum();
    assert_eq!(s.tasks, graph.len());
    assert_eq!(
        s.by_kernel.iter().map(|k| k.tasks).sum::<usize>(),
        graph.len()
    );
    assert_eq!(
        s.by_layer
            .iter()
            .map(|k| k.total)
            .sum::<std::time::Duration>(),
        busy
    );
    assert!(s.workers >= 1 && s.workers <= workers);
    assert!(s.critical_path <= profile.wall);
    assert!(s.critical_path >= profile.tasks.iter().map(|t| t.duration()).max().unwrap());
    assert!(!s.critical_path_keys.is_empty());
    assert!(s.idle + busy >= profile.wall * s.workers as u32 - std::time::Duration::from_micros(1));
    let html = profile.html("test profile");
    well_formed(&html).unwrap();
    assert_eq!(html.matches("<rect ").count(), graph.len());
    assert!(html.contains(&format!("worker {}", profile.tasks[0].worker)));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn profiles_record_every_task_on_every_scheduler(
        shape in proptest::collection::vec(1usize..40, 1..3),
        cuts in proptest::collection::vec(1usize..15, 1..4),
    ) {
        let chunks: Vec<Vec<usize>> = shape.iter().map(|&d| split(d, &cuts)).collect();
        let x = tessera::random::random(shape.clone(), ChunkSpec::from(Chunks::new(chunks).unwrap()), 3);
        let y = &x + &x.t().t();
        let s = y.sum_with(0);
        for (sched, workers) in schedulers().iter().zip([1, 3]) {
            check_profile(&s, sched.as_ref(), workers);
        }
    }
}

#[test]
#[cfg(target_os = "linux")]
fn resources_are_sampled_during_a_long_computation() {
    let x = tessera::random::random([2000, 2000], 250, 1);
    let s = x.std();
    let graph = s.task_graph().unwrap();
    let profiler = Profiler::with_interval(&graph, std::time::Duration::from_millis(2));
    let threads = tessera::Threaded::new(2);
    s.compute_with(&Compute::new().scheduler(&threads).callback(&profiler))
        .unwrap();
    let profile = profiler.finish();
    assert!(
        !profile.samples.is_empty(),
        "no samples in {:?}",
        profile.wall
    );
    for w in profile.samples.windows(2) {
        assert!(w[0].time <= w[1].time);
    }
    for sample in &profile.samples {
        assert!(sample.rss_bytes > 1 << 20, "{sample:?}");
        assert!(sample.cpu_percent >= 0.0 && sample.cpu_percent < 100.0 * 64.0);
    }
    assert!(profile.summary().peak_rss.is_some());
    let html = profile.html("resources");
    assert!(html.contains("<polyline"));
    well_formed(&html).unwrap();
}

// ---------------------------------------------------------------------------
// Graph pictures

fn dot_counts(dot: &str) -> (usize, usize) {
    let nodes = dot
        .lines()
        .filter(|l| l.trim_start().starts_with('n') && l.contains("[label="))
        .count();
    let edges = dot.lines().filter(|l| l.contains(" -> ")).count();
    (nodes, edges)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn dot_has_a_node_per_task_and_an_edge_per_dependency(
        shape in proptest::collection::vec(1usize..30, 1..4),
        cuts in proptest::collection::vec(1usize..10, 1..4),
        rechunk in 1usize..12,
    ) {
        let chunks: Vec<Vec<usize>> = shape.iter().map(|&d| split(d, &cuts)).collect();
        let x = tessera::ones::<f64>(shape.clone(), ChunkSpec::from(Chunks::new(chunks).unwrap()));
        let y = x.rechunk(rechunk).sum_with(0);
        for graph in [y.task_graph().unwrap(), y.raw_task_graph().unwrap()] {
            let view = GraphView::tasks(&graph);
            let edges: usize = graph.deps.iter().map(Vec::len).sum();
            for color in [ColorBy::Layer, ColorBy::Order] {
                prop_assert_eq!(dot_counts(&view.to_dot(color)), (graph.len(), edges));
            }
            let html = graph_html(&view, "t");
            prop_assert!(well_formed(&html).is_ok());
            prop_assert_eq!(html.matches("\"source\":").count(), edges);
        }
        let layers = GraphView::layers(y.expr().unwrap().layer());
        prop_assert_eq!(layers.nodes.len(), y.num_layers());
    }
}

#[test]
fn visualize_writes_dot_html_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let x = tessera::ones::<f64>([6, 6], 3);
    let y = x.binary::<f64>(tessera::BinaryOp::Add, &x.t()).sum();
    // By default the graph as built, one task per block per layer (Dask's default).
    let graph = y.raw_task_graph().unwrap();
    let edges: usize = graph.deps.iter().map(Vec::len).sum();

    y.visualize(dir.path().join("g.dot")).unwrap();
    let dot = std::fs::read_to_string(dir.path().join("g.dot")).unwrap();
    assert_eq!(dot_counts(&dot), (graph.len(), edges));

    // Optimised: the tasks compute runs.
    let optimized = y.task_graph().unwrap();
    assert!(optimized.len() < graph.len());
    let options = VisualizeOptions {
        optimize: true,
        ..VisualizeOptions::default()
    };
    y.visualize_with(dir.path().join("o.dot"), &options)
        .unwrap();
    let dot = std::fs::read_to_string(dir.path().join("o.dot")).unwrap();
    let optimized_edges: usize = optimized.deps.iter().map(Vec::len).sum();
    assert_eq!(dot_counts(&dot), (optimized.len(), optimized_edges));

    let layers = VisualizeOptions {
        layers: true,
        ..VisualizeOptions::default()
    };
    y.visualize_with(dir.path().join("layers.dot"), &layers)
        .unwrap();
    let dot = std::fs::read_to_string(dir.path().join("layers.dot")).unwrap();
    assert_eq!(dot_counts(&dot).0, y.num_layers());
    assert!(dot.contains("sum-aggregate"));

    y.visualize(dir.path().join("g.html")).unwrap();
    let html = std::fs::read_to_string(dir.path().join("g.html")).unwrap();
    well_formed(&html).unwrap();
    assert!(html.contains("cytoscape") && !html.contains("src=\"http"));
    assert!(html.contains(&format!("{} nodes, {edges} edges", graph.len())));

    // SVG needs Graphviz: CI installs it (storage/tests/interop/setup-system.sh),
    // so there (CI set) a missing `dot` fails instead of skipping the check.
    let has_dot = std::process::Command::new("dot").arg("-V").output().is_ok();
    assert!(
        has_dot || std::env::var_os("CI").is_none(),
        "Graphviz `dot` is missing in CI: setup-system.sh should have installed it"
    );
    if has_dot {
        y.visualize(dir.path().join("g.svg")).unwrap();
        let svg = std::fs::read_to_string(dir.path().join("g.svg")).unwrap();
        assert_eq!(svg.matches("class=\"node\"").count(), graph.len());
        assert_eq!(svg.matches("class=\"edge\"").count(), edges);
    } else {
        eprintln!("SKIPPED: Graphviz `dot` not installed, the SVG output was not checked");
    }
}

#[test]
fn svg_without_graphviz_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let x = tessera::ones::<f64>(4, 2);
    let options = VisualizeOptions {
        dot_command: "tessera-no-such-dot".into(),
        ..VisualizeOptions::default()
    };
    let err = x
        .visualize_with(dir.path().join("g.svg"), &options)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("Graphviz") && err.contains("not found") && err.contains(".dot or .html"),
        "{err}"
    );
    assert!(!dir.path().join("g.svg").exists());
}

#[test]
fn huge_task_graphs_are_refused_with_the_way_out() {
    // 61,528,336 chunks: never materialised, refused at once.
    let x = tessera::ones::<f64>([1_000_000, 1_000_000, 1000], "auto");
    let err = x.visualize("huge.dot").unwrap_err().to_string();
    assert!(
        err.contains("61528336 tasks") && err.contains("layers: true"),
        "{err}"
    );
    assert!(!Path::new("huge.dot").exists());
    // The layer view of the same array is one node.
    let dir = tempfile::tempdir().unwrap();
    let layers = VisualizeOptions {
        layers: true,
        ..VisualizeOptions::default()
    };
    x.visualize_with(dir.path().join("l.dot"), &layers).unwrap();
    let dot = std::fs::read_to_string(dir.path().join("l.dot")).unwrap();
    assert_eq!(dot_counts(&dot), (1, 0));
}

#[test]
fn visualize_names_a_bad_extension_or_path() {
    let x = tessera::ones::<f64>(4, 2);
    let err = x.visualize("graph.png").unwrap_err().to_string();
    assert!(
        err.contains("graph.png") && err.contains(".dot") && err.contains(".html"),
        "{err}"
    );
    let err = x
        .visualize("/nonexistent-dir/graph.dot")
        .unwrap_err()
        .to_string();
    assert!(err.contains("/nonexistent-dir/graph.dot"), "{err}");
}
