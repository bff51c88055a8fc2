//! Graph pictures: a task graph or a layer graph as nodes and edges, written
//! as Graphviz DOT. The facade draws the same [`GraphView`] as an interactive
//! HTML page, so both pictures always show the same graph.

use std::collections::HashMap;
use std::fmt::Write;

use serde::Serialize;

use crate::graph::layers;
use crate::layer::LayerRef;
use crate::order::order;
use crate::task_graph::TaskGraph;

/// One node of a [`GraphView`]: a task, or a layer in the layer view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ViewNode {
    /// A unique id (the task key, or the layer name).
    pub id: String,
    /// What is shown on the node.
    pub label: String,
    /// The layer the node belongs to (nodes are coloured by it).
    pub group: String,
    /// The static order priority (lower runs first); `None` in the layer view.
    pub priority: Option<u32>,
    /// A longer description (kernel, chunks), shown on hover.
    pub detail: String,
}

/// A graph ready to draw: nodes and `(from, to)` edges by node position.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GraphView {
    /// The nodes, inputs before the nodes that read them.
    pub nodes: Vec<ViewNode>,
    /// One edge per dependency, from the input to its reader.
    pub edges: Vec<(usize, usize)>,
}

/// How DOT nodes are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorBy {
    /// One colour per layer.
    #[default]
    Layer,
    /// A gradient over the static order: what runs first is darkest.
    Order,
}

/// The label of a layer name: `"sum-aggregate-4"` → `"sum-aggregate"`.
pub fn layer_label(name: &str) -> &str {
    match name.rsplit_once('-') {
        Some((label, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => label,
        _ => name,
    }
}

impl GraphView {
    /// One node per task and one edge per dependency, with the order priorities.
    pub fn tasks(graph: &TaskGraph) -> Self {
        let priority = order(graph);
        let nodes = graph
            .tasks
            .iter()
            .zip(&priority)
            .map(|(t, &p)| ViewNode {
                id: t.key.to_string(),
                // The colour names the layer; the label says which block.
                label: tessera_chunk_core::py_tuple(&t.key.index),
                group: layer_label(&t.key.layer).to_string(),
                priority: Some(p),
                detail: format!("{}: kernel {}, order {p}", t.key, t.kernel.id()),
            })
            .collect();
        let edges = graph
            .deps
            .iter()
            .enumerate()
            .flat_map(|(i, deps)| deps.iter().map(move |&d| (d, i)))
            .collect();
        GraphView { nodes, edges }
    }

    /// The high-level graph: one node per layer reachable from `root`, one
    /// edge per layer input (Dask's `visualize` of `x.dask` layers).
    pub fn layers(root: &LayerRef) -> Self {
        let all = layers(std::slice::from_ref(root));
        let position: HashMap<&str, usize> = all
            .iter()
            .enumerate()
            .map(|(i, l)| (&**l.name(), i))
            .collect();
        let nodes = all
            .iter()
            .map(|l| {
                let chunks = l.chunks();
                ViewNode {
                    id: l.name().to_string(),
                    label: format!("{}\n{} chunks", l.label(), chunks.num_blocks()),
                    group: l.label().to_string(),
                    priority: None,
                    detail: format!(
                        "{:?} layer {}, {} {}, chunks {}",
                        l.kind(),
                        l.name(),
                        chunks.num_blocks(),
                        if chunks.num_blocks() == 1 {
                            "block"
                        } else {
                            "blocks"
                        },
                        chunks
                    ),
                }
            })
            .collect();
        let edges = all
            .iter()
            .enumerate()
            .flat_map(|(i, l)| {
                let position = &position;
                l.inputs()
                    .iter()
                    .filter_map(move |input| position.get(&**input.name()).map(|&d| (d, i)))
            })
            .collect();
        GraphView { nodes, edges }
    }

    /// The distinct groups in order of first appearance (the colour legend).
    pub fn groups(&self) -> Vec<&str> {
        let mut seen = Vec::new();
        for n in &self.nodes {
            if !seen.contains(&n.group.as_str()) {
                seen.push(n.group.as_str());
            }
        }
        seen
    }

    /// Graphviz DOT text: inputs at the bottom, as Dask draws task graphs.
    pub fn to_dot(&self, color_by: ColorBy) -> String {
        let groups = self.groups();
        let max_priority = self
            .nodes
            .iter()
            .filter_map(|n| n.priority)
            .max()
            .unwrap_or(0);
        let mut out = String::from(
            "digraph tessera {\n  rankdir=BT;\n  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n  edge [color=\"#555555\"];\n",
        );
        for (i, n) in self.nodes.iter().enumerate() {
            let color = match (color_by, n.priority) {
                (ColorBy::Order, Some(p)) => order_color(p, max_priority),
                _ => palette(groups.iter().position(|g| *g == n.group).unwrap_or(0)).to_string(),
            };
            // A static picture has no legend: task nodes name their layer.
            let label = match n.priority {
                Some(_) => format!("{}\n{}", n.group, n.label),
                None => n.label.clone(),
            };
            let _ = writeln!(
                out,
                "  n{i} [label=\"{}\", tooltip=\"{}\", fillcolor=\"{color}\"];",
                dot_escape(&label),
                dot_escape(&n.detail)
            );
        }
        for (from, to) in &self.edges {
            let _ = writeln!(out, "  n{from} -> n{to};");
        }
        out.push_str("}\n");
        out
    }
}

/// A colour for group `i`: a qualitative palette (Tableau 10), then repeated.
pub fn palette(i: usize) -> &'static str {
    const COLORS: [&str; 10] = [
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
        "#9c755f", "#bab0ac",
    ];
    COLORS[i % COLORS.len()]
}

/// A blue gradient over the order: priority 0 darkest, the last lightest.
pub fn order_color(priority: u32, max: u32) -> String {
    let t = if max == 0 {
        0.0
    } else {
        f64::from(priority) / f64::from(max)
    };
    let lerp = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        lerp(8.0, 222.0),
        lerp(48.0, 235.0),
        lerp(107.0, 247.0)
    )
}

/// Escape text for a double-quoted DOT string (newlines become line breaks).
fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_drop_the_numeric_suffix_only() {
        assert_eq!(layer_label("sum-aggregate-4"), "sum-aggregate");
        assert_eq!(layer_label("ones_like-12"), "ones_like");
        assert_eq!(layer_label("rechunk-merge"), "rechunk-merge");
        assert_eq!(layer_label("plain"), "plain");
    }

    #[test]
    fn order_colors_run_from_dark_to_light() {
        assert_eq!(order_color(0, 10), "#08306b");
        assert_eq!(order_color(10, 10), "#deebf7");
        assert_eq!(order_color(0, 0), "#08306b");
    }

    #[test]
    fn dot_strings_are_escaped() {
        assert_eq!(dot_escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
