//! Server-rendered SVG charts (no chart library, no script): a bar chart stacked by
//! series, each drawn inside a `<figure>` with its title and, behind it, the same
//! numbers as a table (screen readers, copy-paste, printing). Colours come from the
//! stylesheet's classes, so both themes apply; the geometry is plain arithmetic
//! tested below. The plot has no viewBox: bars are placed in percent across and
//! pixels up, so the axis text keeps its CSS size at any width (#20 item 8); x
//! labels are thinned so the longest fits, fewer on a phone (`x-wide` labels hide
//! in a narrow figure, the stylesheet's container query).

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

/// The chart's height in CSS pixels (its width is the card's).
const HEIGHT: f64 = 220.0;
/// Room above the plot (a stack's minimum heights may add a few pixels).
const TOP: f64 = 14.0;
/// Room below the plot for the x labels.
const BOTTOM: f64 = 28.0;
/// The y axis's own column, left of the plot, in CSS pixels.
const Y_AXIS: f64 = 48.0;
/// Bars get at least this many slots, so that a few jobs are not slabs.
const MIN_SLOTS: usize = 12;
/// The smallest height of a part worth a value: a 1-meeting job beside a
/// 300-meeting one stays visible (#20 item 8).
pub const MIN_PART: f64 = 3.0;
/// The plot's narrowest width where every wide label is written (a figure at
/// least 34rem wide, the stylesheet's container query), and the narrowest plot of
/// a phone; in CSS pixels.
const WIDE_PLOT: f64 = 470.0;
const NARROW_PLOT: f64 = 250.0;
/// An x label's width per character (12 px system font, digits and capitals)
/// plus the gap between two labels, in CSS pixels.
const CHAR_PX: f64 = 7.5;
const LABEL_GAP: f64 = 10.0;

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

/// A rectangle: x and width in percent of the plot's width, y and height in CSS
/// pixels (the plot is drawn without a viewBox, so its text is never scaled down).
pub type Rect = (f64, f64, f64, f64);

/// The slots the plot is divided in for `count` bars.
pub fn slots(count: usize) -> usize {
    count.max(MIN_SLOTS)
}

/// The rectangles of bar `index` of `count`, one per series, bottom up, on a y
/// axis topped at `top`; a part worth anything is at least [`MIN_PART`] high.
pub fn stack(index: usize, count: usize, values: &[f64], top: f64) -> Vec<Rect> {
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = 100.0 / slots(count) as f64;
    let bar_w = slot * 0.7;
    let x = slot * index as f64 + (slot - bar_w) / 2.0;
    let mut bottom = TOP + plot_h;
    values
        .iter()
        .map(|v| {
            let v = v.max(0.0);
            let h = match plot_h * v / top {
                _ if v == 0.0 => 0.0,
                h => h.max(MIN_PART),
            };
            bottom -= h;
            (x, bottom, bar_w, h)
        })
        .collect()
}

/// The x labels written: (index, whether a phone shows it too). Every `step`th
/// label, the step chosen so that the longest label fits between two written ones
/// on the narrowest plot of its kind; a phone's labels are a subset of a desktop's.
pub fn x_labels(labels: &[String]) -> Vec<(usize, bool)> {
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let needs = longest as f64 * CHAR_PX + LABEL_GAP;
    let slots = slots(labels.len()) as f64;
    let step = |plot: f64| ((needs * slots / plot).ceil() as usize).max(1);
    let wide = step(WIDE_PLOT);
    let narrow = step(NARROW_PLOT).div_ceil(wide) * wide;
    (0..labels.len())
        .step_by(wide)
        .map(|i| (i, i % narrow == 0))
        .collect()
}

fn r(v: f64) -> String {
    format!("{:.1}", v)
}

fn pct(v: f64) -> String {
    format!("{:.2}%", v)
}

/// The y axis: three values, in a column of its own (hidden from screen readers;
/// the table says the same).
fn y_axis(chart: &Chart, top: f64) -> Markup {
    let plot_h = HEIGHT - TOP - BOTTOM;
    html! {
        svg.chart-y xmlns="http://www.w3.org/2000/svg" width=(Y_AXIS) height=(HEIGHT) aria-hidden="true" focusable="false" {
            @for step in 0..=2 {
                @let y = TOP + plot_h - plot_h * step as f64 / 2.0;
                text.axis x=(Y_AXIS - 6.0) y=(r(y + 4.0)) text-anchor="end" { ((chart.format)(top * step as f64 / 2.0)) }
            }
        }
    }
}

/// The plot: grid lines, the stacked bars, the x labels; drawn in CSS pixels
/// across and percent along, so it stretches to its card and its text keeps its size.
fn plot(chart: &Chart, top: f64, title_id: &str) -> Markup {
    let count = chart.bars.len();
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = 100.0 / slots(count) as f64;
    let labels: Vec<String> = chart.bars.iter().map(|(l, _)| l.clone()).collect();
    html! {
        svg.chart-plot xmlns="http://www.w3.org/2000/svg" width="100%" height=(HEIGHT) role="img" aria-labelledby=(title_id) {
            title { (chart.title) }
            @for step in 0..=2 {
                @let y = TOP + plot_h - plot_h * step as f64 / 2.0;
                line.grid-line x1="0" x2="100%" y1=(r(y)) y2=(r(y)) {}
            }
            @for (i, (label, values)) in chart.bars.iter().enumerate() {
                @for (j, (x, y, w, h)) in stack(i, count, values, top).into_iter().enumerate() {
                    @if h > 0.0 {
                        rect class=(chart.series[j].class) x=(pct(x)) y=(r(y)) width=(pct(w)) height=(r(h)) {
                            title { (label) " — " (chart.series[j].label) ": " ((chart.format)(values[j])) }
                        }
                    }
                }
            }
            @for (i, narrow) in x_labels(&labels) {
                text class={ "axis x-label" @if !narrow { " x-wide" } } x=(pct(slot * (i as f64 + 0.5))) y=(r(HEIGHT - 8.0)) text-anchor="middle" { (labels[i]) }
            }
        }
    }
}

/// The chart as a figure: caption, the drawing, legend, the data table.
pub fn render(chart: &Chart) -> Markup {
    let totals: Vec<f64> = chart.bars.iter().map(|(_, v)| v.iter().sum()).collect();
    let top = nice_ceiling(totals.iter().copied().fold(0.0, f64::max));
    let title_id = format!("{}-title", chart.id);
    html! {
        figure.chart id=(chart.id) {
            figcaption id=(title_id) { (chart.title) }
            div.chart-body {
                (y_axis(chart, top))
                (plot(chart, top, &title_id))
            }
            @if chart.series.len() > 1 {
                ul.legend {
                    @for s in &chart.series { li { span class={ "swatch " (s.class) } {} (s.label) } }
                }
            }
            details.chart-data {
                summary { "Show the data" }
                div.table-wrap role="region" tabindex="0" aria-label={ (chart.title) ": the data" } {
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
                                    @for (s, v) in chart.series.iter().zip(values) { td.num data-label=(s.label) { ((chart.format)(*v)) } }
                                    @if let Some(total) = chart.total { td.num data-label=(total) { ((chart.format)(*sum)) } }
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
        let last = stack(29, 30, &[1.0], 10.0)[0];
        assert!(
            last.0 + last.2 <= 100.0,
            "the last bar ends inside the plot"
        );
    }

    #[test]
    fn a_one_meeting_part_beside_a_300_meeting_bar_stays_visible() {
        let top = nice_ceiling(301.0);
        let rects = stack(0, 2, &[300.0, 0.0, 0.0, 1.0], top);
        assert_eq!(rects[1].3, 0.0, "nothing is drawn for a zero");
        assert!(rects[3].3 >= MIN_PART, "{rects:?}");
        assert!(rects[3].1 >= 0.0, "inside the drawing");
        assert!(stack(1, 2, &[1.0], top)[0].3 >= MIN_PART);
    }

    #[test]
    fn long_series_label_every_nth_bar_and_a_phone_fewer() {
        let labels = |n: usize, text: &str| vec![text.to_string(); n];
        let all = |n: usize, text: &str| x_labels(&labels(n, text));
        assert_eq!(all(3, "#1").len(), 3, "a few short labels all show");
        let month = all(12, "Nov 2026");
        assert!(month.len() < 12 && month.len() >= 4, "{month:?}");
        let phone = |v: &[(usize, bool)]| v.iter().filter(|(_, n)| *n).count();
        assert!(phone(&month) < month.len(), "{month:?}");
        let days = all(30, "Nov 24");
        assert!(days.len() <= 8, "{days:?}");
        assert!(phone(&days) <= 4, "{days:?}");
        assert_eq!(all(0, ""), Vec::<(usize, bool)>::new());
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
        assert!(html
            .contains("<th scope=\"row\">#1</th><td class=\"num\" data-label=\"Created\">3</td>"));
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
            "<th scope=\"row\">#1</th><td class=\"num\" data-label=\"Answered\">7</td><td class=\"num\" data-label=\"429\">2</td><td class=\"num\" data-label=\"Requests\">9</td>"
        ));
        assert!(html.contains(
            "<td class=\"num\" data-label=\"429\">0</td><td class=\"num\" data-label=\"Requests\">4</td></tr>"
        ));
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
