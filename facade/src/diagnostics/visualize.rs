//! `visualize`: an array's task graph (or its layer graph) as Graphviz DOT,
//! as SVG through the `dot` program, or as an interactive, self-contained
//! HTML page drawn by the vendored cytoscape.js.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use tessera_graph::{order_color, palette, ColorBy, GraphView, TaskGraph};
use tessera_ops::Expr;

use super::html::{escape, page};
use crate::error::{Error, Result};

/// cytoscape.js 3.34.4 (MIT, see `facade/assets/cytoscape-LICENSE`), inlined
/// so the page opens without a network.
const CYTOSCAPE_JS: &str = include_str!("../../assets/cytoscape.min.js");

/// What `visualize` draws and how.
#[derive(Debug, Clone, PartialEq)]
pub struct VisualizeOptions {
    /// Draw the high-level graph (one node per layer) instead of the tasks.
    pub layers: bool,
    /// Colour DOT nodes by layer or by order priority (the HTML view can switch).
    pub color: ColorBy,
    /// Draw the graph `compute` runs (after fusion and pushdown) instead of
    /// one task per block per layer (Dask's `optimize_graph`, off by default as there).
    pub optimize: bool,
    /// The Graphviz program making SVG (`"dot"` on `PATH`).
    pub dot_command: String,
    /// The most tasks a task view may draw: a larger picture is unreadable
    /// and costly to build, so it is refused with an error naming the layer view.
    pub max_tasks: usize,
}

impl Default for VisualizeOptions {
    fn default() -> Self {
        VisualizeOptions {
            layers: false,
            color: ColorBy::Layer,
            optimize: false,
            dot_command: "dot".into(),
            max_tasks: 50_000,
        }
    }
}

/// The output formats, chosen by the file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Dot,
    Svg,
    Html,
}

fn format_of(path: &Path) -> Result<Format> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("dot" | "gv") => Ok(Format::Dot),
        Some("svg") => Ok(Format::Svg),
        Some("html" | "htm") => Ok(Format::Html),
        _ => Err(Error::Diagnostics(format!(
            "cannot tell the picture format from {:?}: name the file .dot (Graphviz text), .svg (drawn by Graphviz) or .html (interactive view)",
            path.display().to_string()
        ))),
    }
}

/// The graph `visualize` draws for `expr`.
pub fn graph_view(expr: &Expr, options: &VisualizeOptions) -> Result<GraphView> {
    if options.layers {
        return Ok(GraphView::layers(expr.layer()));
    }
    // One task per block per layer: known before anything is materialised.
    let tasks: usize = tessera_graph::layers(std::slice::from_ref(expr.layer()))
        .iter()
        .map(|l| l.chunks().num_blocks())
        .sum();
    if tasks > options.max_tasks {
        return Err(Error::Diagnostics(format!(
            "the task graph has {tasks} tasks, more than the {} a picture may show: draw the layer graph (VisualizeOptions {{ layers: true, .. }}), rechunk to fewer chunks, or raise max_tasks",
            options.max_tasks
        )));
    }
    let graph = if options.optimize {
        let optimized = tessera_graph::passes::optimize(expr.layer())?;
        tessera_graph::inline_sources(TaskGraph::from_layer(&optimized)?)?
    } else {
        TaskGraph::from_layer(expr.layer())?
    };
    Ok(GraphView::tasks(&graph))
}

/// Write the graph of `expr` to `path` in the format its extension names.
pub fn visualize(expr: &Expr, path: &Path, options: &VisualizeOptions) -> Result<()> {
    let format = format_of(path)?;
    let view = graph_view(expr, options)?;
    let text = match format {
        Format::Dot => view.to_dot(options.color),
        Format::Svg => run_dot(&options.dot_command, &view.to_dot(options.color))?,
        Format::Html => graph_html(&view, &crate::repr::repr(expr)),
    };
    std::fs::write(path, text).map_err(|e| {
        Error::Diagnostics(format!(
            "cannot write the graph picture to {}: {e}",
            path.display()
        ))
    })
}

/// SVG of a DOT graph, drawn by Graphviz's `dot_command`.
pub fn run_dot(dot_command: &str, dot: &str) -> Result<String> {
    let mut child = Command::new(dot_command)
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            Error::Diagnostics(if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "SVG output needs Graphviz, but {dot_command:?} was not found on PATH: install Graphviz (Debian: apt-get install graphviz), or write .dot or .html instead"
                )
            } else {
                format!("cannot run Graphviz {dot_command:?}: {e}")
            })
        })?;
    // Write on another thread: a large graph would fill the pipes both ways.
    let mut stdin = child.stdin.take();
    let input = dot.to_string();
    let writer = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(input.as_bytes());
        }
    });
    let output = child
        .wait_with_output()
        .map_err(|e| Error::Diagnostics(format!("Graphviz {dot_command:?} failed: {e}")))?;
    let _ = writer.join();
    if !output.status.success() {
        return Err(Error::Diagnostics(format!(
            "Graphviz {dot_command:?} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| Error::Diagnostics(format!("Graphviz {dot_command:?} wrote non-UTF-8 SVG")))
}

/// Node positions of a layered drawing, inputs at the bottom as in the DOT
/// picture: a node sits one level above its highest input; within a level
/// nodes are ordered by the mean position of their inputs (fewer crossings),
/// and a level wider than the page wraps into a band of rows.
fn layered_positions(view: &GraphView) -> Vec<(f64, f64)> {
    let n = view.nodes.len();
    let mut inputs: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(from, to) in &view.edges {
        inputs[to].push(from);
    }
    // Nodes come inputs first, so one pass finds every level.
    let mut level = vec![0usize; n];
    for i in 0..n {
        level[i] = inputs[i]
            .iter()
            .filter(|&&d| d < i)
            .map(|&d| level[d] + 1)
            .max()
            .unwrap_or(0);
    }
    let levels = level.iter().copied().max().map_or(0, |m| m + 1);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); levels];
    for i in 0..n {
        rows[level[i]].push(i);
    }
    // About twice as wide as tall overall, whatever the graph's shape.
    let cols = ((n as f64).sqrt() * 2.0).ceil().max(8.0) as usize;
    let (dx, row_gap, band_gap) = (60.0, 40.0, 60.0);
    let mut x = vec![0.0f64; n];
    let mut sub_row = vec![0usize; n];
    for row in &mut rows {
        let key = |i: usize| -> f64 {
            let ins = &inputs[i];
            if ins.is_empty() {
                i as f64
            } else {
                ins.iter().map(|&d| x[d]).sum::<f64>() / ins.len() as f64
            }
        };
        let mut keyed: Vec<(f64, usize)> = row.iter().map(|&i| (key(i), i)).collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let left = (cols - keyed.len().min(cols)) as f64 * dx / 2.0;
        for (pos, &(_, i)) in keyed.iter().enumerate() {
            x[i] = left + (pos % cols) as f64 * dx;
            sub_row[i] = pos / cols;
        }
        *row = keyed.into_iter().map(|(_, i)| i).collect();
    }
    // Bands from the top: the last level first.
    let mut band_top = vec![0.0f64; levels];
    let mut y = 0.0;
    for l in (0..levels).rev() {
        band_top[l] = y;
        y += rows[l].len().div_ceil(cols) as f64 * row_gap + band_gap;
    }
    (0..n)
        .map(|i| (x[i], band_top[level[i]] + sub_row[i] as f64 * row_gap))
        .collect()
}

/// The interactive page: the graph as cytoscape elements, coloured by layer
/// or, when the view has them, by order priority (a switch on the page).
pub fn graph_html(view: &GraphView, title: &str) -> String {
    let groups = view.groups();
    let max_priority = view
        .nodes
        .iter()
        .filter_map(|n| n.priority)
        .max()
        .unwrap_or(0);
    let positions = layered_positions(view);
    let nodes = view.nodes.iter().enumerate().map(|(i, n)| {
        let layer_color = palette(groups.iter().position(|g| *g == n.group).unwrap_or(0));
        let (x, y) = positions[i];
        serde_json::json!({ "position": { "x": x, "y": y }, "data": {
            "id": format!("n{i}"),
            "label": n.label,
            "group": n.group,
            "detail": n.detail,
            "priority": n.priority,
            "layerColor": layer_color,
            // Boxes sized to their text (cytoscape does not size nodes to labels).
            "w": 14 + 6 * n.label.lines().map(|l| l.chars().count()).max().unwrap_or(1),
            "h": 8 + 12 * n.label.lines().count().max(1),
            "orderColor": n.priority.map_or_else(|| layer_color.to_string(), |p| order_color(p, max_priority)),
        }})
    });
    let edges = view.edges.iter().map(|(from, to)| {
        serde_json::json!({ "data": { "source": format!("n{from}"), "target": format!("n{to}") } })
    });
    let elements = serde_json::Value::Array(nodes.chain(edges).collect());
    // "</" inside a script would end it early.
    let elements = elements.to_string().replace("</", "<\\/");
    let legend: String = groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            format!(
                "<span><i style=\"background:{}\"></i>{}</span>",
                palette(i),
                escape(g)
            )
        })
        .collect();
    let has_order = view.nodes.iter().any(|n| n.priority.is_some());
    let switch = if has_order {
        "<label>colour by <select id=\"color\"><option value=\"layerColor\">layer</option><option value=\"orderColor\">order priority (dark runs first)</option></select></label>"
    } else {
        ""
    };
    let body = format!(
        r#"<header><b>{}</b> &#183; {} nodes, {} edges &#183; {switch}</header>
<div class="legend">{legend}</div>
<div id="info">Click a node for details; scroll to zoom, drag to pan.</div>
<div id="cy"></div>
<script>{CYTOSCAPE_JS}</script>
<script>
var cy = cytoscape({{
  container: document.getElementById('cy'),
  elements: {elements},
  wheelSensitivity: 0.3,
  style: [
    {{ selector: 'node', style: {{ 'background-color': 'data(layerColor)', 'label': 'data(label)', 'font-size': 9, 'text-wrap': 'wrap', 'text-valign': 'center', 'color': '#111', 'text-outline-color': '#fff', 'text-outline-width': 1, 'shape': 'round-rectangle', 'width': 'data(w)', 'height': 'data(h)', 'min-zoomed-font-size': 5 }} }},
    {{ selector: 'edge', style: {{ 'width': 1, 'line-color': '#999', 'target-arrow-color': '#999', 'target-arrow-shape': 'triangle', 'arrow-scale': 0.6, 'curve-style': 'bezier' }} }},
    {{ selector: 'node:selected', style: {{ 'border-width': 3, 'border-color': '#000' }} }}
  ],
  layout: {{ name: 'preset', fit: true, padding: 20 }}
}});
cy.on('tap', 'node', function (e) {{
  var d = e.target.data();
  document.getElementById('info').textContent = d.label + ' \u2014 ' + d.detail + ' \u2014 ' + e.target.indegree() + ' inputs, ' + e.target.outdegree() + ' readers';
}});
var sel = document.getElementById('color');
function recolor() {{ cy.style().selector('node').style('background-color', 'data(' + sel.value + ')').update(); }}
if (sel) {{
  sel.addEventListener('change', recolor);
  // graph.html#order opens coloured by order priority.
  if (location.hash === '#order') {{ sel.value = 'orderColor'; recolor(); }}
}}
</script>"#,
        escape(title),
        view.nodes.len(),
        view.edges.len(),
    );
    page(
        title,
        "html, body { height: 100%; margin: 0; font-family: sans-serif; font-size: 14px; }
header, .legend, #info { padding: 4px 10px; }
.legend span { display: inline-block; margin-right: 1em; }
.legend i { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.3em; vertical-align: middle; }
#info { color: #444; }
#cy { position: absolute; top: 90px; bottom: 0; left: 0; right: 0; border-top: 1px solid #ccc; }",
        &body,
    )
}
