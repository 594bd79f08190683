//! Server-rendered SVG charts (no chart library, no script): a bar chart stacked by
//! series, each drawn inside a `<figure>` with its title and, behind it, the same
//! numbers as a table (screen readers, copy-paste, printing). Colours come from the
//! stylesheet's classes, so both themes apply; the geometry is plain arithmetic
//! tested below.

use gong_timeline_domain::RecordStatus;
use maud::{html, Markup};

/// One series (a colour and a legend entry): its CSS class and label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Series {
    /// Class in the stylesheet (`created`, `failed`, `bar`, …).
    pub class: &'static str,
    /// Legend and table header.
    pub label: &'static str,
}

/// A bar chart: one bar per label, stacked by series.
#[derive(Debug, Clone)]
pub struct Chart {
    /// `id` of the figure (tests and links find it by this).
    pub id: String,
    /// Title (the figure's caption and the SVG's accessible name).
    pub title: String,
    /// Name of the first table column (what a bar is: "Job", "Month").
    pub label_header: &'static str,
    /// The series, bottom to top.
    pub series: Vec<Series>,
    /// (label, one value per series).
    pub bars: Vec<(String, Vec<f64>)>,
    /// The header of a last table column holding each bar's total (the height of
    /// its stack), when the parts alone do not say it.
    pub total: Option<&'static str>,
    /// How a value reads (axis and table).
    pub format: fn(f64) -> String,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 28.0;
/// The widest bar (a few jobs should not look like slabs).
const MAX_BAR: f64 = 56.0;
/// At most this many x labels are written (the others stay in the table).
const MAX_X_LABELS: usize = 8;

/// The smallest 1-2-5 × 10ⁿ at or above `v` (the top of the y axis); 1 for 0.
pub fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|c| *c >= v - 1e-9)
        .unwrap_or(10.0 * magnitude)
}

/// A rectangle: x, y, width, height (SVG user units).
pub type Rect = (f64, f64, f64, f64);

/// The rectangles of bar `index` of `count`, one per series, bottom up, on a y
/// axis topped at `top`.
pub fn stack(index: usize, count: usize, values: &[f64], top: f64) -> Vec<Rect> {
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = plot_w / count.max(1) as f64;
    let bar_w = (slot * 0.7).clamp(1.0, MAX_BAR);
    let x = LEFT + slot * index as f64 + (slot - bar_w) / 2.0;
    let mut base = 0.0;
    values
        .iter()
        .map(|v| {
            let v = v.max(0.0);
            let h = plot_h * v / top;
            let y = TOP + plot_h - plot_h * (base + v) / top;
            base += v;
            (x, y, bar_w, h)
        })
        .collect()
}

/// Indexes of the bars whose label is written on the x axis.
pub fn x_label_indexes(count: usize) -> Vec<usize> {
    if count <= MAX_X_LABELS {
        return (0..count).collect();
    }
    let step = count.div_ceil(MAX_X_LABELS);
    (0..count).step_by(step).collect()
}

fn r(v: f64) -> String {
    format!("{:.1}", v)
}

/// The chart as a figure: caption, SVG, legend, the data table.
pub fn render(chart: &Chart) -> Markup {
    let totals: Vec<f64> = chart.bars.iter().map(|(_, v)| v.iter().sum()).collect();
    let top = nice_ceiling(totals.iter().copied().fold(0.0, f64::max));
    let count = chart.bars.len();
    let plot_h = HEIGHT - TOP - BOTTOM;
    let title_id = format!("{}-title", chart.id);
    let slot = (WIDTH - LEFT - RIGHT) / count.max(1) as f64;
    html! {
        figure.chart id=(chart.id) {
            figcaption id=(title_id) { (chart.title) }
            svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img" aria-labelledby=(title_id) {
                title { (chart.title) }
                @for step in 0..=2 {
                    @let value = top * step as f64 / 2.0;
                    @let y = TOP + plot_h - plot_h * step as f64 / 2.0;
                    line.grid-line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(r(y)) y2=(r(y)) {}
                    text.axis x=(LEFT - 6.0) y=(r(y + 4.0)) text-anchor="end" { ((chart.format)(value)) }
                }
                @for (i, (label, values)) in chart.bars.iter().enumerate() {
                    @for (j, (x, y, w, h)) in stack(i, count, values, top).into_iter().enumerate() {
                        @if h > 0.0 {
                            rect class=(chart.series[j].class) x=(r(x)) y=(r(y)) width=(r(w)) height=(r(h)) {
                                title { (label) " — " (chart.series[j].label) ": " ((chart.format)(values[j])) }
                            }
                        }
                    }
                }
                @for i in x_label_indexes(count) {
                    text.axis x=(r(LEFT + slot * (i as f64 + 0.5))) y=(r(HEIGHT - 8.0)) text-anchor="middle" { (chart.bars[i].0) }
                }
            }
            @if chart.series.len() > 1 {
                ul.legend {
                    @for s in &chart.series { li { span class={ "swatch " (s.class) } {} (s.label) } }
                }
            }
            details.chart-data {
                summary { "Show the data" }
                div.table-wrap {
                    table.chart-table {
                        caption.muted.small { (chart.title) }
                        thead { tr {
                            th scope="col" { (chart.label_header) }
                            @for s in &chart.series { th.num scope="col" { (s.label) } }
                            @if let Some(total) = chart.total { th.num scope="col" { (total) } }
                        } }
                        tbody {
                            @for ((label, values), sum) in chart.bars.iter().zip(&totals) {
                                tr {
                                    th scope="row" { (label) }
                                    @for v in values { td.num { ((chart.format)(*v)) } }
                                    @if chart.total.is_some() { td.num { ((chart.format)(*sum)) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Counts as integers (an axis midpoint may be a half).
pub fn count(v: f64) -> String {
    if v.fract().abs() > 1e-9 {
        format!("{v:.1}")
    } else {
        format!("{}", v.round() as i64)
    }
}

/// Seconds as `45s`, `12m`, `1.5h`.
pub fn seconds(v: f64) -> String {
    match v {
        v if v < 10.0 && v.fract() != 0.0 => {
            let text = format!("{v:.2}");
            format!("{}s", text.trim_end_matches('0').trim_end_matches('.'))
        }
        v if v < 60.0 => format!("{}s", v.round() as i64),
        v if v < 3600.0 => format!("{}m", (v / 60.0).round() as i64),
        v => format!("{:.1}h", v / 3600.0),
    }
}

/// The series of meetings with a record status: the stylesheet's class of that
/// status, and the status as the domain spells it.
pub fn outcome(status: RecordStatus) -> Series {
    let class = match status {
        RecordStatus::Created => "created",
        RecordStatus::Updated => "updated",
        RecordStatus::Skipped => "skipped",
        RecordStatus::Failed => "failed",
        RecordStatus::Removed => "removed",
    };
    Series {
        class,
        label: status.as_str(),
    }
}

/// The outcomes of meetings in a job, bottom up, in [`RecordStatus::ALL`]'s order.
pub fn outcomes() -> Vec<Series> {
    RecordStatus::ALL.iter().copied().map(outcome).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_tops_at_a_round_number() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(1.0), 1.0);
        assert_eq!(nice_ceiling(3.0), 5.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(12.0), 20.0);
        assert_eq!(nice_ceiling(250.0), 500.0);
        assert_eq!(nice_ceiling(0.3), 0.5);
    }

    #[test]
    fn stacks_sit_on_each_other_inside_the_plot() {
        let rects = stack(0, 2, &[2.0, 3.0], 10.0);
        let plot_h = HEIGHT - TOP - BOTTOM;
        let (x0, y0, _, h0) = rects[0];
        let (x1, y1, _, h1) = rects[1];
        assert_eq!(x0, x1);
        assert!((h0 - plot_h * 0.2).abs() < 1e-9 && (h1 - plot_h * 0.3).abs() < 1e-9);
        assert!(
            (y0 + h0 - (TOP + plot_h)).abs() < 1e-9,
            "the first sits on the axis"
        );
        assert!((y1 + h1 - y0).abs() < 1e-9, "the second sits on the first");
        let second_bar = stack(1, 2, &[1.0], 10.0)[0];
        assert!(second_bar.0 > x0 + rects[0].2, "bars do not overlap");
        assert!(second_bar.0 + second_bar.2 <= WIDTH - RIGHT);
    }

    #[test]
    fn long_series_label_every_nth_bar() {
        assert_eq!(x_label_indexes(3), vec![0, 1, 2]);
        assert_eq!(x_label_indexes(30).len(), 8);
        assert_eq!(x_label_indexes(0), Vec::<usize>::new());
    }

    #[test]
    fn the_figure_has_a_title_and_a_table() {
        let chart = Chart {
            id: "c".into(),
            title: "Meetings per job".into(),
            label_header: "Job",
            series: outcomes(),
            bars: vec![("#1".into(), vec![3.0, 1.0, 0.0, 2.0, 0.0])],
            total: None,
            format: count,
        };
        let html = render(&chart).into_string();
        assert!(html.contains("<figcaption id=\"c-title\">Meetings per job</figcaption>"));
        assert!(html.contains("role=\"img\"") && html.contains("aria-labelledby=\"c-title\""));
        assert!(html.contains("<th scope=\"row\">#1</th><td class=\"num\">3</td>"));
        assert_eq!(html.matches("<rect").count(), 3, "a zero adds no rectangle");
        assert!(!html.contains("style="));
        assert!(html.contains("<th class=\"num\" scope=\"col\">Skipped</th>"));
        assert_eq!(
            html.matches("<th class=\"num\"").count(),
            5,
            "one column per outcome, no total column"
        );
    }

    #[test]
    fn a_total_column_sums_each_bar() {
        let chart = Chart {
            id: "g".into(),
            title: "Requests".into(),
            label_header: "Job",
            series: vec![
                Series {
                    class: "bar",
                    label: "Answered",
                },
                Series {
                    class: "alt",
                    label: "429",
                },
            ],
            bars: vec![("#1".into(), vec![7.0, 2.0]), ("#2".into(), vec![4.0, 0.0])],
            total: Some("Requests"),
            format: count,
        };
        let html = render(&chart).into_string();
        assert!(html.contains("<th class=\"num\" scope=\"col\">Requests</th></tr>"));
        assert!(html.contains(
            "<th scope=\"row\">#1</th><td class=\"num\">7</td><td class=\"num\">2</td><td class=\"num\">9</td>"
        ));
        assert!(html.contains("<td class=\"num\">0</td><td class=\"num\">4</td></tr>"));
    }

    #[test]
    fn outcomes_are_the_record_statuses_as_the_domain_spells_them() {
        let labels: Vec<&str> = outcomes().iter().map(|s| s.label).collect();
        let spelled: Vec<&str> = RecordStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(labels, spelled);
        let classes: Vec<&str> = outcomes().iter().map(|s| s.class).collect();
        assert_eq!(
            classes,
            ["created", "updated", "skipped", "failed", "removed"]
        );
    }

    #[test]
    fn values_read_as_people_say_them() {
        assert_eq!(seconds(42.0), "42s");
        assert_eq!(seconds(0.5), "0.5s");
        assert_eq!(seconds(0.25), "0.25s");
        assert_eq!(seconds(0.0), "0s");
        assert_eq!(seconds(600.0), "10m");
        assert_eq!(seconds(5400.0), "1.5h");
        assert_eq!(count(3.0), "3");
        assert_eq!(count(2.5), "2.5");
    }
}
