//! What users look at while and after computing: a progress bar, a profiler
//! with an HTML report, graph pictures (DOT, SVG, interactive HTML), and the
//! HTML repr with Dask's chunk-grid picture (also for evcxr Jupyter).

mod html;
mod html_repr;
mod profile_html;
mod profiler;
#[cfg(feature = "progress")]
mod progress;
mod resources;
mod svg;
mod visualize;

use std::path::Path;

use crate::Compute;
use ndarray::ArrayD;
use tessera_chunk_core::Element;

use crate::error::{Error, Result};
use crate::Array;

pub use html::escape;
pub use html_repr::{repr_html, repr_page, SVG_SIZE};
pub use profile_html::profile_html;
pub use profiler::{Profile, ProfileSummary, Profiler, TaskRecord, TimeShare};
#[cfg(feature = "progress")]
pub use progress::{Draw, ProgressBar};
pub use resources::ResourceSample;
pub use svg::chunks_svg;
pub use tessera_graph::{ColorBy, GraphView, ViewNode};
pub use visualize::{graph_html, graph_view, run_dot, visualize, VisualizeOptions};

fn write_file(path: &Path, text: &str, what: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| {
        Error::Diagnostics(format!(
            "cannot write the {what} to {}: {e}",
            path.display()
        ))
    })
}

impl Profile {
    /// The self-contained HTML report (timeline per worker, CPU and memory, time tables).
    pub fn html(&self, title: &str) -> String {
        profile_html(self, title)
    }

    /// Write the HTML report to `path`.
    pub fn to_html(&self, path: impl AsRef<Path>) -> Result<()> {
        write_file(
            path.as_ref(),
            &self.html("tessera profile"),
            "profile report",
        )
    }
}

impl<T: Element> Array<T> {
    /// Dask's `_repr_html_`: the summary table beside the chunk-grid picture.
    ///
    /// ```
    /// let x = tessera::ones::<f64>([1000, 1000], 100);
    /// let html = x.to_html();
    /// assert!(html.contains("7.63 MiB") && html.contains("100 chunks in 1 graph layer"));
    /// # Ok::<(), tessera::Error>(())
    /// ```
    pub fn to_html(&self) -> String {
        match self.expr() {
            Ok(x) => repr_html(x),
            // A failed array shows its error, as its text repr does.
            Err(_) => format!("<pre>{}</pre>", html::escape(&self.to_string())),
        }
    }

    /// The chunk-grid picture alone, about `size` pixels across (Dask's `to_svg`);
    /// an error for 0-d arrays and arrays with an empty axis.
    pub fn to_svg(&self, size: usize) -> Result<String> {
        chunks_svg(self.chunks(), size).ok_or_else(|| {
            Error::Diagnostics(format!(
                "cannot draw an array of shape {:?}: a chunk picture needs at least one axis and no empty axis",
                self.shape()
            ))
        })
    }

    /// The display hook of the evcxr Jupyter kernel: shows the HTML repr in a notebook.
    pub fn evcxr_display(&self) {
        // evcxr reads rich output from stdout between these markers.
        println!(
            "EVCXR_BEGIN_CONTENT text/html\n{}\nEVCXR_END_CONTENT",
            self.to_html()
        );
    }

    /// Write the task graph (or, with options, the layer graph) to `path`:
    /// `.dot` text, `.svg` through Graphviz, or an interactive `.html` page.
    pub fn visualize(&self, path: impl AsRef<Path>) -> Result<()> {
        visualize(self.expr()?, path.as_ref(), &VisualizeOptions::default())
    }

    /// [`Array::visualize`] with options (layer view, colouring, unoptimised graph, `dot` program).
    pub fn visualize_with(&self, path: impl AsRef<Path>, options: &VisualizeOptions) -> Result<()> {
        visualize(self.expr()?, path.as_ref(), options)
    }

    /// Compute with `options` and profile it: per-task timings and resource
    /// samples beside the result (the profile needs the graph before the
    /// run, so it is its own call rather than a callback).
    pub fn compute_profiled(&self, options: &Compute<'_>) -> Result<(ArrayD<T>, Profile)> {
        let profiler = Profiler::new(&self.task_graph()?);
        let value = self.compute_with(&options.clone().callback(&profiler))?;
        Ok((value, profiler.finish()))
    }
}
