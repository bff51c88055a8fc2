//! The chunk-grid picture of Dask's HTML repr (`dask/array/svg.py`), drawn
//! the same way: one grid line per chunk boundary (thinned to `size / 6`
//! lines), axis lengths scaled so extreme ratios stay visible, 1-D as a
//! strip, 2-D as a grid, 3-D as a cube, more dimensions as cubes side by side.

use std::f64::consts::E;

use tessera_chunk_core::Chunks;

const TEXT_STYLE: &str = r#"font-size="1.0rem" font-weight="100" text-anchor="middle""#;

/// The SVG of `chunks`, about `size` pixels across; `None` for 0-d arrays
/// and arrays with an empty axis, which Dask does not draw either.
pub fn chunks_svg(chunks: &Chunks, size: usize) -> Option<String> {
    let axes: Vec<Vec<usize>> = chunks.axes().to_vec();
    let shape: Vec<usize> = axes.iter().map(|a| a.iter().sum()).collect();
    if axes.is_empty() || shape.contains(&0) {
        return None;
    }
    Some(svg(&axes, size as f64, None, (0.0, 0.0)))
}

fn svg(axes: &[Vec<usize>], size: f64, sizes: Option<&[f64]>, offset: (f64, f64)) -> String {
    match axes.len() {
        1 => svg_2d(&[vec![1], axes[0].clone()], size, None, offset, (0.0, 0.0)),
        2 => svg_2d(axes, size, sizes, offset, (0.0, 0.0)),
        3 => svg_3d(axes, size, sizes, offset),
        _ => svg_nd(axes, size),
    }
}

fn shape_of(axes: &[Vec<usize>]) -> Vec<usize> {
    axes.iter().map(|a| a.iter().sum()).collect()
}

/// Pixel lengths per axis: ratios up to e are kept, larger ones compressed
/// logarithmically and capped near 100 (Dask's `ratio_response`).
fn draw_sizes(shape: &[usize], size: f64) -> Vec<f64> {
    let largest = shape.iter().copied().max().unwrap_or(1) as f64;
    shape
        .iter()
        .map(|&d| {
            let ratio = largest / (d as f64).max(0.1);
            let response = if ratio < E {
                ratio
            } else if ratio <= 100.0 {
                (ratio + 12.4).ln()
            } else {
                (100.0f64 + 12.4).ln()
            };
            size / response
        })
        .collect()
}

/// Chunk boundaries of each axis in pixels.
fn grid_points(axes: &[Vec<usize>], sizes: &[f64]) -> Vec<Vec<f64>> {
    axes.iter()
        .zip(sizes)
        .map(|(chunks, &size)| {
            let mut cum = vec![0.0];
            let mut total = 0usize;
            for &c in chunks {
                total += c;
                cum.push(total as f64);
            }
            let last = total.max(1) as f64;
            cum.iter().map(|v| v * size / last).collect()
        })
        .collect()
}

/// At most `max_n` of the lines from (x1, y1) to (x2, y2), evenly picked; the outer two thick.
fn svg_lines(x1: &[f64], y1: &[f64], x2: &[f64], y2: &[f64], max_n: usize) -> Vec<String> {
    let n = x1.len();
    let indices: Vec<usize> = if n > max_n && max_n > 1 {
        // numpy's linspace(0, n - 1, max_n, dtype=int): truncated.
        (0..max_n)
            .map(|k| ((k as f64) * (n - 1) as f64 / (max_n - 1) as f64) as usize)
            .collect()
    } else {
        (0..n).collect()
    };
    let count = indices.len();
    indices
        .iter()
        .enumerate()
        .map(|(pos, &i)| {
            let style = if pos == 0 || pos + 1 == count {
                r#" style="stroke-width:2""#
            } else {
                ""
            };
            format!(
                r#"  <line x1="{}" y1="{}" x2="{}" y2="{}"{style} />"#,
                x1[i] as i64, y1[i] as i64, x2[i] as i64, y2[i] as i64
            )
        })
        .collect()
}

/// A grid's lines and the bounds of its horizontal lines.
struct Grid {
    lines: Vec<String>,
    min_x: f64,
    max_x: f64,
    min_y: f64,
    max_y: f64,
}

fn fmax(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

fn fmin(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::INFINITY, f64::min)
}

/// Lines of a grid with boundaries `x` and `y`, moved by `offset` and sheared by `skew`.
fn svg_grid(x: &[f64], y: &[f64], offset: (f64, f64), skew: (f64, f64), size: f64) -> Grid {
    let x_last = x.last().copied().unwrap_or(0.0);
    let y_last = y.last().copied().unwrap_or(0.0);
    // Horizontal lines.
    let mut hx1: Vec<f64> = y.iter().map(|_| offset.0).collect();
    let hy1: Vec<f64> = y.iter().map(|v| v + offset.1).collect();
    let mut hx2: Vec<f64> = y.iter().map(|_| x_last + offset.0).collect();
    let mut hy2 = hy1.clone();
    if skew.0 != 0.0 {
        let m = fmax(x) * skew.0;
        hy2.iter_mut().for_each(|v| *v += m);
    }
    if skew.1 != 0.0 {
        for (i, v) in y.iter().enumerate() {
            hx1[i] += skew.1 * v;
            hx2[i] += skew.1 * v;
        }
    }
    let min_x = fmin(&hx1).min(fmin(&hx2));
    let min_y = fmin(&hy1).min(fmin(&hy2));
    let max_x = fmax(&hx1).max(fmax(&hx2));
    let max_y = fmax(&hy1).max(fmax(&hy2));
    let max_n = (size as usize) / 6;
    let mut lines = vec![String::new(), "  <!-- Horizontal lines -->".to_string()];
    lines.extend(svg_lines(&hx1, &hy1, &hx2, &hy2, max_n));

    // Vertical lines.
    let vx1: Vec<f64> = x.iter().map(|v| v + offset.0).collect();
    let mut vy1: Vec<f64> = x.iter().map(|_| offset.1).collect();
    let mut vx2 = vx1.clone();
    let mut vy2: Vec<f64> = x.iter().map(|_| y_last + offset.1).collect();
    if skew.0 != 0.0 {
        for (i, v) in x.iter().enumerate() {
            vy1[i] += skew.0 * v;
            vy2[i] += skew.0 * v;
        }
    }
    if skew.1 != 0.0 {
        let m = skew.1 * fmax(y);
        vx2.iter_mut().for_each(|v| *v += m);
    }
    lines.push(String::new());
    lines.push("  <!-- Vertical lines -->".to_string());
    lines.extend(svg_lines(&vx1, &vy1, &vx2, &vy2, max_n));

    // Light when every chunk line is drawn, dark when lines were thinned out.
    let color = if x.len() < max_n && y.len() < max_n {
        "ECB172"
    } else {
        "8B4903"
    };
    let last = vx1.len() - 1;
    lines.push(String::new());
    lines.push("  <!-- Colored Rectangle -->".to_string());
    lines.push(format!(
        r#"  <polygon points="{},{} {},{} {},{} {},{}" style="fill:#{color}A0;stroke-width:0"/>"#,
        py(vx1[0]),
        py(vy1[0]),
        py(vx1[last]),
        py(vy1[last]),
        py(vx2[last]),
        py(vy2[last]),
        py(vx2[0]),
        py(vy2[0])
    ));
    Grid {
        lines,
        min_x,
        max_x,
        min_y,
        max_y,
    }
}

/// A float as Python's `str` writes it (`60.0`, `38.596863036086`), as Dask's text does.
fn py(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e16 {
        format!("{v:.1}")
    } else {
        format!("{v}")
    }
}

fn header(width: f64, height: f64) -> String {
    format!(
        "<svg width=\"{}\" height=\"{}\" style=\"stroke:rgb(0,0,0);stroke-width:1\" >\n",
        width as i64, height as i64
    )
}

fn svg_2d(
    axes: &[Vec<usize>],
    size: f64,
    sizes: Option<&[f64]>,
    offset: (f64, f64),
    skew: (f64, f64),
) -> String {
    let shape = shape_of(axes);
    let sizes = sizes.map_or_else(|| draw_sizes(&shape, size), <[f64]>::to_vec);
    let points = grid_points(axes, &sizes);
    let (y, x) = (&points[0], &points[1]);
    let g = svg_grid(x, y, offset, skew, size);
    let rotate = if shape[0] >= 100 { -90 } else { 0 };
    let mut lines = g.lines;
    lines.push(String::new());
    lines.push("  <!-- Text -->".to_string());
    lines.push(format!(
        "  <text x=\"{}\" y=\"{}\" {TEXT_STYLE} >{}</text>",
        py(g.max_x / 2.0),
        py(g.max_y + 20.0),
        shape[1]
    ));
    let (tx, ty) = (py(g.max_x + 20.0), py(g.max_y / 2.0));
    lines.push(format!(
        "  <text x=\"{tx}\" y=\"{ty}\" {TEXT_STYLE} transform=\"rotate({rotate},{tx},{ty})\">{}</text>",
        shape[0]
    ));
    header(g.max_x + 50.0, g.max_y + 50.0) + &lines.join("\n") + "\n</svg>"
}

fn svg_3d(axes: &[Vec<usize>], size: f64, sizes: Option<&[f64]>, offset: (f64, f64)) -> String {
    let shape = shape_of(axes);
    let sizes = sizes.map_or_else(|| draw_sizes(&shape, size), <[f64]>::to_vec);
    let points = grid_points(axes, &sizes);
    let (x, y, z) = (&points[0], &points[1], &points[2]);
    let (ox, oy) = offset;
    // Axis 0 runs into the page, drawn foreshortened at 45 degrees.
    let x_depth: Vec<f64> = x.iter().map(|v| v / 1.7).collect();
    let xy = svg_grid(&x_depth, y, (ox + 10.0, oy), (1.0, 0.0), size);
    let zx = svg_grid(z, &x_depth, (ox + 10.0, oy), (0.0, 1.0), size);
    let max_x = zx.max_y;
    let zy = svg_grid(z, y, (ox + max_x + 10.0, oy + max_x), (0.0, 0.0), size);
    let rotate = if shape[1] >= 100 { -90 } else { 0 };
    let mut lines = xy.lines;
    lines.extend(zx.lines);
    lines.extend(zy.lines.iter().cloned());
    lines.push(String::new());
    lines.push("  <!-- Text -->".to_string());
    lines.push(format!(
        "  <text x=\"{}\" y=\"{}\" {TEXT_STYLE} >{}</text>",
        py((zy.min_x + zy.max_x) / 2.0),
        py(zy.max_y + 20.0),
        shape[2]
    ));
    let (tx, ty) = (py(zy.max_x + 20.0), py((zy.min_y + zy.max_y) / 2.0));
    lines.push(format!(
        "  <text x=\"{tx}\" y=\"{ty}\" {TEXT_STYLE} transform=\"rotate({rotate},{tx},{ty})\">{}</text>",
        shape[1]
    ));
    let (tx, ty) = (
        py((xy.min_x + xy.max_x) / 2.0 - 10.0),
        py(xy.max_y - (xy.max_x - xy.min_x) / 2.0 + 20.0),
    );
    lines.push(format!(
        "  <text x=\"{tx}\" y=\"{ty}\" {TEXT_STYLE} transform=\"rotate(45,{tx},{ty})\">{}</text>",
        shape[0]
    ));
    header(zy.max_x + 50.0, zy.max_y + 50.0) + &lines.join("\n") + "\n</svg>"
}

/// More than three axes: groups of (up to) three drawn left to right.
fn svg_nd(axes: &[Vec<usize>], size: f64) -> String {
    let mut axes = axes.to_vec();
    if axes.len() % 3 == 1 {
        axes.insert(0, vec![1]);
    }
    let sizes = draw_sizes(&shape_of(&axes), size);
    let mut rest: &[Vec<usize>] = &axes;
    let mut rest_sizes: &[f64] = &sizes;
    let (mut out, mut left, mut total_height) = (Vec::new(), 0.0f64, 0.0f64);
    while !rest.is_empty() {
        let n = if rest.len().is_multiple_of(3) {
            3
        } else {
            rest.len() % 3
        };
        // Dask draws the parts at svg()'s default size (200), whatever `size` was.
        let part = svg(&rest[..n], 200.0, Some(&rest_sizes[..n]), (left, 0.0));
        rest = &rest[n..];
        rest_sizes = &rest_sizes[n..];
        let (width, height) = header_size(&part);
        total_height = total_height.max(height);
        left += width + 10.0;
        let body: Vec<&str> = part.lines().collect();
        out.push(body[1..body.len().saturating_sub(1)].join("\n"));
    }
    header(left, total_height) + &out.join("\n\n") + "\n</svg>"
}

/// The width and height written in an SVG header by [`header`].
fn header_size(svg: &str) -> (f64, f64) {
    let attr = |name: &str| -> f64 {
        svg.split_once(&format!("{name}=\""))
            .and_then(|(_, rest)| rest.split_once('"'))
            .and_then(|(v, _)| v.parse().ok())
            .unwrap_or(0.0)
    };
    (attr("width"), attr("height"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_compress_large_ratios_like_dask() {
        // draw_sizes((10, 1000), 120) in Dask: ratio 100 -> log(112.4).
        let s = draw_sizes(&[10, 1000], 120.0);
        assert!((s[0] - 120.0 / 112.4f64.ln()).abs() < 1e-9);
        assert_eq!(s[1], 120.0);
        // Ratios under e are kept exactly.
        assert_eq!(draw_sizes(&[50, 100], 120.0), vec![60.0, 120.0]);
    }

    #[test]
    fn many_lines_are_thinned_to_size_over_six() {
        let xs: Vec<f64> = (0..100).map(f64::from).collect();
        let lines = svg_lines(&xs, &xs, &xs, &xs, 20);
        assert_eq!(lines.len(), 20);
        assert!(lines[0].contains("stroke-width:2"));
        assert!(lines[19].contains(r#"x1="99""#));
    }
}
