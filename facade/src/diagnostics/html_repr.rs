//! Dask's `_repr_html_`: the summary table (the same figures as the text
//! [`Summary`](crate::Summary)) beside the SVG chunk-grid picture.

use tessera_ops::Expr;

use super::html::escape;
use super::svg::chunks_svg;
use crate::repr::Summary;

/// The picture's rough size in pixels (Dask's `array.svg.size` default).
pub const SVG_SIZE: usize = 120;

/// The HTML fragment: a two-column table, figures left, chunk picture right.
pub fn repr_html(expr: &Expr) -> String {
    let s = Summary::of(expr);
    let grid = chunks_svg(expr.chunks(), SVG_SIZE).unwrap_or_default();
    let cell = |text: &str| format!("<td> {} </td>", escape(text));
    format!(
        r#"<table>
    <tr>
        <td>
            <table style="border-collapse: collapse;">
                <thead>
                    <tr>
                        <td> </td>
                        <th> Array </th>
                        <th> Chunk </th>
                    </tr>
                </thead>
                <tbody>
                    <tr>
                        <th> Bytes </th>
                        {}
                        {}
                    </tr>
                    <tr>
                        <th> Shape </th>
                        {}
                        {}
                    </tr>
                    <tr>
                        <th> Dask graph </th>
                        <td colspan="2"> {} </td>
                    </tr>
                    <tr>
                        <th> Data type </th>
                        <td colspan="2"> {} ndarray </td>
                    </tr>
                </tbody>
            </table>
        </td>
        <td>
        {grid}
        </td>
    </tr>
</table>"#,
        cell(&s.nbytes),
        cell(&s.chunk_nbytes),
        cell(&s.shape),
        cell(&s.chunksize),
        escape(&s.count_text),
        escape(&s.dtype),
    )
}

/// A whole page around an array's HTML repr, titled with its one-line repr.
pub fn repr_page(title: &str, fragment: &str) -> String {
    super::html::page(
        title,
        "body { font-family: sans-serif; margin: 2em; } th { text-align: left; } td, th { padding: 0.2em 0.8em; border-bottom: 1px solid #ddd; }",
        &format!("<h3>{}</h3>\n{fragment}", escape(title)),
    )
}
