//! The dashboard page as HTML: plain markup with an inline style sheet and inline SVG charts, so
//! it needs no script, no build step and nothing fetched after it. Every text from the read
//! models is escaped; amounts are shown in the currency's major unit.

use std::fmt::Write;

use super::Dashboard;
use crate::kpis::compute::Point;

/// `text` with the characters HTML gives a meaning to escaped.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// `minor` units as an amount with `digits` decimals and thousands separators (`-1,234.50`).
#[must_use]
pub fn amount(minor: i64, digits: u8) -> String {
    let scale = 10_u64.pow(u32::from(digits));
    let magnitude = minor.unsigned_abs();
    let (whole, fraction) = (magnitude / scale, magnitude % scale);
    let digits_of_whole = whole.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits_of_whole.chars().enumerate() {
        if index > 0 && (digits_of_whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if minor < 0 { "-" } else { "" };
    if digits == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction:0width$}", width = usize::from(digits))
    }
}

/// A quantity in thousandths, without trailing zeros (`12.5`).
fn quantity(milli: i64) -> String {
    let text = amount(milli, 3);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The whole page.
#[must_use]
pub fn page(dashboard: &Dashboard) -> String {
    let mut html = String::new();
    let tenant = escape(dashboard.tenant.as_str());
    let currency = escape(&dashboard.currency);
    let _ = write!(
        html,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Prism — {tenant}</title>\
         <style>{STYLE}</style></head><body><header><h1>{tenant}</h1>\
         <p>{currency} · {from} to {to} · as of {generated}</p></header>",
        from = dashboard.from,
        to = dashboard.to,
        generated = dashboard.generated_at.format("%Y-%m-%d %H:%M UTC"),
    );
    html.push_str("<section id=\"kpis\"><h2>This month</h2><div class=\"tiles\">");
    for tile in &dashboard.tiles {
        let _ = write!(
            html,
            "<div class=\"tile\" data-kpi=\"{name}\"><span class=\"label\">{label}</span><span class=\"value\">{value}</span></div>",
            name = tile.kpi,
            label = escape(tile.label),
            value = escape(&tile.value),
        );
    }
    html.push_str("</div></section><section id=\"charts\">");
    chart(&mut html, "Revenue per month", &dashboard.revenue, dashboard.digits, Shape::Bars);
    chart(&mut html, "Cash position at month end", &dashboard.cash, dashboard.digits, Shape::Line);
    html.push_str("</section>");
    trial_balance(&mut html, dashboard);
    stock(&mut html, dashboard);
    pipeline(&mut html, dashboard);
    html.push_str("</body></html>");
    html
}

/// How a series is drawn.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Bars,
    Line,
}

/// Width and height of a chart's drawing, in SVG units.
const CHART_SIZE: (i64, i64) = (600, 200);

/// An SVG chart of the points' integer values, labelled with each bucket's month.
fn chart(html: &mut String, title: &str, points: &[Point], digits: u8, shape: Shape) {
    let values: Vec<i64> =
        points.iter().map(|point| point.value.as_ref().and_then(serde_json::Number::as_i64).unwrap_or(0)).collect();
    let (width, height) = CHART_SIZE;
    let top = values.iter().copied().max().unwrap_or(0).max(1);
    let bottom = values.iter().copied().min().unwrap_or(0).min(0);
    let span = top - bottom;
    let y = |value: i64| height - (value - bottom) * height / span;
    let step = width / i64::try_from(values.len().max(1)).unwrap_or(1);
    let _ = write!(
        html,
        "<figure class=\"chart\"><figcaption>{title}</figcaption>\
         <svg viewBox=\"0 -10 {width} {full}\" role=\"img\" aria-label=\"{title}\">\
         <line class=\"axis\" x1=\"0\" x2=\"{width}\" y1=\"{zero}\" y2=\"{zero}\"/>",
        full = height + 40,
        zero = y(0),
    );
    let mut line = Vec::new();
    for (index, (point, value)) in points.iter().zip(&values).enumerate() {
        let x = i64::try_from(index).unwrap_or(0) * step;
        let label = point.start.format("%b");
        if shape == Shape::Bars {
            let (bar_top, bar_bottom) = (y(*value).min(y(0)), y(*value).max(y(0)));
            let _ = write!(
                html,
                "<rect x=\"{}\" y=\"{bar_top}\" width=\"{}\" height=\"{}\"><title>{}</title></rect>",
                x + step / 8,
                step * 3 / 4,
                (bar_bottom - bar_top).max(1),
                amount(*value, digits),
            );
        } else {
            line.push(format!("{},{}", x + step / 2, y(*value)));
        }
        let _ = write!(html, "<text x=\"{}\" y=\"{}\">{label}</text>", x + step / 2, height + 25);
    }
    if shape == Shape::Line {
        let _ = write!(html, "<polyline points=\"{}\"/>", line.join(" "));
    }
    let last = values.last().copied().unwrap_or(0);
    let _ = write!(html, "</svg><p class=\"last\">{}</p></figure>", amount(last, digits));
}

/// The trial balance table.
fn trial_balance(html: &mut String, dashboard: &Dashboard) {
    html.push_str(
        "<section id=\"trial-balance\"><h2>Trial balance</h2><table><thead><tr><th>Account</th><th>Name</th>\
         <th class=\"number\">Debit</th><th class=\"number\">Credit</th></tr></thead><tbody>",
    );
    let (mut debits, mut credits) = (0_i64, 0_i64);
    for line in &dashboard.trial_balance {
        let (debit, credit) =
            if line.net_debit_minor >= 0 { (line.net_debit_minor, 0) } else { (0, -line.net_debit_minor) };
        debits = debits.saturating_add(debit);
        credits = credits.saturating_add(credit);
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td class=\"number\">{}</td><td class=\"number\">{}</td></tr>",
            escape(&line.code),
            escape(line.name.as_deref().unwrap_or("")),
            amount(debit, dashboard.digits),
            amount(credit, dashboard.digits),
        );
    }
    let _ = write!(
        html,
        "</tbody><tfoot><tr><th colspan=\"2\">Total</th><th class=\"number\">{}</th><th class=\"number\">{}</th></tr></tfoot></table></section>",
        amount(debits, dashboard.digits),
        amount(credits, dashboard.digits),
    );
}

/// The stock levels table.
fn stock(html: &mut String, dashboard: &Dashboard) {
    html.push_str(
        "<section id=\"stock\"><h2>Stock</h2><table><thead><tr><th>Item</th><th>Location</th>\
         <th class=\"number\">On hand</th><th class=\"number\">Available</th><th class=\"number\">Value</th></tr></thead><tbody>",
    );
    for level in &dashboard.stock {
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td class=\"number\">{}</td><td class=\"number\">{}</td><td class=\"number\">{}</td></tr>",
            escape(&level.sku),
            escape(&level.location),
            quantity(level.on_hand_milli),
            quantity(level.available_milli),
            amount(level.value_minor, dashboard.digits),
        );
    }
    html.push_str("</tbody></table></section>");
}

/// The order pipeline: sales orders by status.
fn pipeline(html: &mut String, dashboard: &Dashboard) {
    html.push_str(
        "<section id=\"pipeline\"><h2>Sales orders</h2><table><thead><tr><th>Status</th>\
         <th class=\"number\">Orders</th><th class=\"number\">Total</th></tr></thead><tbody>",
    );
    for stage in &dashboard.pipeline {
        let _ = write!(
            html,
            "<tr data-status=\"{status}\"><td>{status}</td><td class=\"number\">{}</td><td class=\"number\">{}</td></tr>",
            stage.orders,
            amount(stage.total_minor, dashboard.digits),
            status = escape(&stage.status),
        );
    }
    html.push_str("</tbody></table></section>");
}

/// The page's look: readable without anything but this.
const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:24px;color:#1d2433;background:#f6f7fb}\
h1{margin:0}header p{color:#5b6478;margin:4px 0 16px}h2{font-size:18px;margin:24px 0 8px}\
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:12px}\
.tile{background:#fff;border-radius:8px;padding:12px;box-shadow:0 1px 2px #0002}\
.tile .label{display:block;color:#5b6478;font-size:13px}.tile .value{display:block;font-size:22px;font-weight:600}\
#charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:16px}\
.chart{background:#fff;border-radius:8px;padding:12px;margin:0;box-shadow:0 1px 2px #0002}\
.chart svg{width:100%;height:auto}.chart rect{fill:#3b6fd8}.chart polyline{fill:none;stroke:#1a9e6b;stroke-width:3}\
.chart .axis{stroke:#9aa3b5}.chart text{font-size:12px;text-anchor:middle;fill:#5b6478}.chart .last{margin:4px 0 0;font-weight:600}\
table{border-collapse:collapse;background:#fff;min-width:480px}th,td{padding:4px 10px;border-bottom:1px solid #e3e6ee;text-align:left}\
.number{text-align:right;font-variant-numeric:tabular-nums}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_and_carry_the_currencys_decimals() {
        assert_eq!(amount(123_456_789, 2), "1,234,567.89");
        assert_eq!(amount(-5, 2), "-0.05");
        assert_eq!(amount(1_000, 0), "1,000");
        assert_eq!(quantity(12_500), "12.5");
        assert_eq!(quantity(3_000), "3");
    }

    #[test]
    fn text_from_the_read_models_cannot_become_markup() {
        assert_eq!(escape("<b>\"A&B\"</b>"), "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;");
    }
}
