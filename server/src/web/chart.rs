//! The overview's numbers: record counts and activations and trials per day,
//! drawn as an SVG bar chart on the server (no script, no external asset).

use maud::{html, Markup};

use crate::error::ApiResult;
use crate::params;
use crate::store::Tx;

/// Days the chart covers (ending today, UTC).
pub const DAYS: i64 = 30;

/// Records created per day over the last [`DAYS`] days (index 0: the oldest
/// day), from `table`'s indexed `created_at`.
pub fn per_day(tx: &mut dyn Tx, table: &str, now: i64) -> ApiResult<Vec<i64>> {
    let today = now.div_euclid(86_400) * 86_400;
    let start = today - (DAYS - 1) * 86_400;
    let mut out = vec![0i64; DAYS as usize];
    // `table` is one of two literals (never input).
    let sql = format!(
        "SELECT (created_at - ?1) / 86400, COUNT(*) FROM {table} WHERE created_at >= ?1 GROUP BY 1"
    );
    for (d, n) in tx.query_all(&sql, params![start], |r| Ok((r.int(0)?, r.int(1)?)))? {
        if let Some(slot) = usize::try_from(d).ok().and_then(|d| out.get_mut(d)) {
            *slot = n;
        }
    }
    Ok(out)
}

/// Rows in `table` (a literal).
pub fn count(tx: &mut dyn Tx, table: &str) -> ApiResult<i64> {
    tx.count(&format!("SELECT COUNT(*) FROM {table}"), &[])
}

/// A grouped bar chart of two daily series (activations, trials), with a
/// legend, a y scale and the first and last dates; `first_day` is the unix
/// time of the oldest day.
pub fn svg(activations: &[i64], trials: &[i64], first_day: i64) -> Markup {
    let (w, h, left, bottom, top) = (640.0_f64, 220.0_f64, 36.0, 24.0, 12.0);
    let max = activations
        .iter()
        .chain(trials)
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let n = activations.len().max(1) as f64;
    let slot = (w - left - 8.0) / n;
    let bar = (slot / 2.0 - 1.0).max(1.0);
    let plot_h = h - bottom - top;
    let y = |v: i64| top + plot_h - (v as f64 / max as f64) * plot_h;
    let last_day = first_day + (activations.len() as i64 - 1).max(0) * 86_400;
    let total_a: i64 = activations.iter().sum();
    let total_t: i64 = trials.iter().sum();
    html! {
        svg.chart viewBox={"0 0 " (w) " " (h)} role="img"
            aria-label={"Activations and trials per day: " (total_a) " activations, " (total_t) " trials in " (activations.len()) " days"} {
            line x1=(left) y1=(top + plot_h) x2=(w - 4.0) y2=(top + plot_h) stroke="#98a2b3" stroke-width="1" {}
            line x1=(left) y1=(top) x2=(left) y2=(top + plot_h) stroke="#98a2b3" stroke-width="1" {}
            text x=(left - 4.0) y=(top + 4.0) text-anchor="end" font-size="10" fill="#475467" { (max) }
            text x=(left - 4.0) y=(top + plot_h) text-anchor="end" font-size="10" fill="#475467" { "0" }
            @for (i, (a, t)) in activations.iter().zip(trials).enumerate() {
                @let x = left + 2.0 + i as f64 * slot;
                rect x=(format!("{x:.1}")) y=(format!("{:.1}", y(*a))) width=(format!("{bar:.1}")) height=(format!("{:.1}", top + plot_h - y(*a))) fill="#2563eb" {
                    title { (super::day(first_day + i as i64 * 86_400)) ": " (a) " activations" }
                }
                rect x=(format!("{:.1}", x + bar + 1.0)) y=(format!("{:.1}", y(*t))) width=(format!("{bar:.1}")) height=(format!("{:.1}", top + plot_h - y(*t))) fill="#f59e0b" {
                    title { (super::day(first_day + i as i64 * 86_400)) ": " (t) " trials" }
                }
            }
            text x=(left) y=(h - 6.0) font-size="10" fill="#475467" { (super::day(first_day)) }
            text x=(w - 4.0) y=(h - 6.0) text-anchor="end" font-size="10" fill="#475467" { (super::day(last_day)) }
            rect x=(w - 200.0) y="2" width="10" height="10" fill="#2563eb" {}
            text x=(w - 186.0) y="11" font-size="10" fill="#101828" { "activations" }
            rect x=(w - 110.0) y="2" width="10" height="10" fill="#f59e0b" {}
            text x=(w - 96.0) y="11" font-size="10" fill="#101828" { "trials" }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_day() {
        let s = svg(&[0, 4, 2], &[1, 0, 0], 0).into_string();
        assert!(s.starts_with("<svg"));
        // The largest value (4) fills the plot: from y=12 to y=196.
        assert!(s.contains(r#"y="12.0" width="#), "{s}");
        assert!(s.contains("1970-01-02: 4 activations"));
        assert!(s.contains("6 activations, 1 trials in 3 days"));
    }
}
