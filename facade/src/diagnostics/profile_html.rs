//! The profile as a self-contained HTML page: a task timeline per worker,
//! CPU and memory over time, and the summary tables — drawn as inline SVG,
//! so the page needs no script and no network.

use std::fmt::Write;
use std::time::Duration;

use tessera_chunk_core::format_bytes;
use tessera_graph::palette;

use super::html::{escape, page};
use super::profiler::{Profile, TimeShare};

const WIDTH: f64 = 1000.0;
const LEFT: f64 = 90.0;
const ROW: f64 = 22.0;
const CHART: f64 = 140.0;

const STYLE: &str = "body { font-family: sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
table { border-collapse: collapse; } td, th { padding: 0.2em 0.8em; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; }
svg text { font-size: 11px; fill: #333; }
.legend span { display: inline-block; margin-right: 1em; }
.legend i { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.3em; vertical-align: middle; }";

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The report page of `profile`, titled `title`.
pub fn profile_html(profile: &Profile, title: &str) -> String {
    let summary = profile.summary();
    let layers: Vec<&str> = summary.by_layer.iter().map(|s| s.name.as_str()).collect();
    let mut body = format!("<h1>{}</h1>\n", escape(title));
    let _ = writeln!(
        body,
        "<p>{} tasks on {} workers in {:.2} ms &#183; critical path {:.2} ms ({} tasks) &#183; idle worker time {:.2} ms{}</p>",
        summary.tasks,
        summary.workers,
        ms(summary.wall),
        ms(summary.critical_path),
        summary.critical_path_keys.len(),
        ms(summary.idle),
        summary
            .peak_rss
            .map(|b| format!(" &#183; peak memory {}", format_bytes(b)))
            .unwrap_or_default()
    );
    body.push_str("<h2>Tasks per worker</h2>\n<div class=\"legend\">");
    for (i, layer) in layers.iter().enumerate() {
        let _ = write!(
            body,
            "<span><i style=\"background:{}\"></i>{}</span>",
            palette(i),
            escape(layer)
        );
    }
    body.push_str("</div>\n");
    body.push_str(&timeline(profile, &layers));
    body.push_str("<h2>CPU and memory</h2>\n");
    body.push_str(&resources(profile));
    body.push_str("<h2>Time per layer</h2>\n");
    body.push_str(&share_table(&summary.by_layer, "layer"));
    body.push_str("<h2>Time per kernel</h2>\n");
    body.push_str(&share_table(&summary.by_kernel, "kernel"));
    page(title, STYLE, &body)
}

/// x position of a time on the shared time axis.
fn x_of(t: Duration, wall: Duration) -> f64 {
    let wall = ms(wall).max(1e-6);
    LEFT + (ms(t) / wall).min(1.0) * (WIDTH - LEFT - 10.0)
}

/// A time axis under a chart at `y`: five ticks in milliseconds.
fn time_axis(out: &mut String, y: f64, wall: Duration) {
    let _ = writeln!(
        out,
        "<line x1=\"{LEFT}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#999\" />",
        WIDTH - 10.0
    );
    for k in 0..=4 {
        let t = wall.mul_f64(f64::from(k) / 4.0);
        let x = x_of(t, wall);
        let _ = writeln!(
            out,
            "<line x1=\"{x:.1}\" y1=\"{y}\" x2=\"{x:.1}\" y2=\"{}\" stroke=\"#999\" /><text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{:.1} ms</text>",
            y + 4.0,
            y + 16.0,
            ms(t)
        );
    }
}

fn timeline(profile: &Profile, layers: &[&str]) -> String {
    let mut workers: Vec<usize> = profile.tasks.iter().map(|t| t.worker).collect();
    workers.sort_unstable();
    workers.dedup();
    let height = ROW * workers.len().max(1) as f64 + 30.0;
    let mut out = format!(
        "<svg width=\"{WIDTH}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">\n"
    );
    for (row, w) in workers.iter().enumerate() {
        let y = row as f64 * ROW;
        let _ = writeln!(
            out,
            "<text x=\"4\" y=\"{:.1}\">worker {w}</text>",
            y + ROW * 0.65
        );
        for t in profile.tasks.iter().filter(|t| t.worker == *w) {
            let x0 = x_of(t.start, profile.wall);
            // Every task stays visible, however short.
            let width = (x_of(t.end, profile.wall) - x0).max(1.0);
            let color = palette(layers.iter().position(|l| *l == t.layer).unwrap_or(0));
            let _ = writeln!(
                out,
                "<rect x=\"{x0:.2}\" y=\"{:.1}\" width=\"{width:.2}\" height=\"{:.1}\" fill=\"{color}\" stroke=\"#fff\" stroke-width=\"0.5\"><title>{} &#183; {} &#183; {:.3} ms &#183; {} out</title></rect>",
                y + 2.0,
                ROW - 4.0,
                escape(&t.key.to_string()),
                escape(&t.kernel),
                ms(t.duration()),
                format_bytes(t.bytes_out)
            );
        }
    }
    time_axis(&mut out, height - 26.0, profile.wall);
    out.push_str("</svg>\n");
    out
}

/// Two line charts on the timeline's time axis: CPU % and resident memory.
fn resources(profile: &Profile) -> String {
    if profile.samples.is_empty() {
        return "<p>No resource samples (the computation was shorter than one sampling interval, or /proc is missing).</p>\n".into();
    }
    let wall = profile.wall.max(
        profile
            .samples
            .iter()
            .map(|s| s.time)
            .max()
            .unwrap_or_default(),
    );
    let times: Vec<Duration> = profile.samples.iter().map(|s| s.time).collect();
    let cpu: Vec<f64> = profile.samples.iter().map(|s| s.cpu_percent).collect();
    let rss: Vec<f64> = profile.samples.iter().map(|s| s.rss_bytes as f64).collect();
    let mut out = String::new();
    line_chart(&mut out, "CPU", "#e15759", &times, &cpu, wall, |v| {
        format!("{v:.0} %")
    });
    line_chart(&mut out, "memory", "#4e79a7", &times, &rss, wall, |v| {
        format_bytes(v as u64)
    });
    out
}

/// One line chart of `values` at `times`, scaled to its maximum.
fn line_chart(
    out: &mut String,
    name: &str,
    color: &str,
    times: &[Duration],
    values: &[f64],
    wall: Duration,
    label: fn(f64) -> String,
) {
    let top = values.iter().copied().fold(0.0f64, f64::max).max(1.0);
    let _ = writeln!(
        out,
        "<svg width=\"{WIDTH}\" height=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
        CHART + 30.0
    );
    let points: Vec<String> = times
        .iter()
        .zip(values)
        .map(|(&t, &v)| {
            format!(
                "{:.1},{:.1}",
                x_of(t, wall),
                4.0 + (CHART - 4.0) * (1.0 - v / top)
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "<text x=\"4\" y=\"14\">{name}</text><text x=\"4\" y=\"30\">max {}</text>\n<line x1=\"{LEFT}\" y1=\"4\" x2=\"{}\" y2=\"4\" stroke=\"#eee\" />\n<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\" />",
        escape(&label(top)),
        WIDTH - 10.0,
        points.join(" ")
    );
    time_axis(out, CHART, wall);
    out.push_str("</svg>\n");
}

fn share_table(shares: &[TimeShare], what: &str) -> String {
    let total: f64 = shares.iter().map(|s| ms(s.total)).sum::<f64>().max(1e-9);
    let mut out = format!(
        "<table>\n<thead><tr><th>{what}</th><th>tasks</th><th>time (ms)</th><th>share</th></tr></thead>\n<tbody>\n"
    );
    for s in shares {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{:.3}</td><td>{:.1} %</td></tr>",
            escape(&s.name),
            s.tasks,
            ms(s.total),
            100.0 * ms(s.total) / total
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}
