//! A run's results as files: the report as JSON (exactly what `mcast run` prints) and as CSV (a
//! header and one row, nested fields joined with dots), its time series as JSON and CSV (one row
//! per bucket), and a comparison of several protocols on one scenario as JSON and CSV (one row
//! per protocol). The CLI and the page both write these, so a file saved from the page equals
//! the CLI's for the same scenario. [`perfetto`] writes the run's packet log as a trace.

pub mod perfetto;

use crate::metrics::{Report, Series};
use serde::Serialize;
use serde_json::Value;

/// The longest list of scalars [`flatten`] spreads over columns (`prefix.0`, `prefix.1`, ...):
/// fixed-size tables such as the delivery histogram; longer lists are per-message or per-node.
pub const SHORT_LIST: usize = 16;

/// `v` flattened into `out` as `prefix.key` → scalar; a short list of scalars as `prefix.i`,
/// longer lists left out.
pub fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, v, out);
            }
        }
        Value::Array(items) if items.len() <= SHORT_LIST && items.iter().all(|i| !i.is_array() && !i.is_object()) => {
            for (i, item) in items.iter().enumerate() {
                out.push((format!("{prefix}.{i}"), item.clone()));
            }
        }
        Value::Array(_) => {}
        scalar => out.push((prefix.to_string(), scalar.clone())),
    }
}

/// One CSV cell: empty for null, quoted if it holds a comma, a quote or a line break.
pub fn csv_cell(v: &Value) -> String {
    let s = match v {
        Value::Null => return String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// The report as one line of JSON: what `mcast run` prints.
pub fn report_json(report: &Report) -> String {
    serde_json::to_string(report).unwrap_or_default()
}

/// The report as CSV: a header naming the flattened fields (`latency_ms.p50`; the series and
/// other long lists left out), then one row of their values.
pub fn report_csv(report: &Report) -> String {
    let mut fields = Vec::new();
    flatten("", &to_value(report), &mut fields);
    let fields: Vec<_> = fields.into_iter().filter(|(k, _)| !k.starts_with("series.")).collect();
    let header: Vec<&str> = fields.iter().map(|f| f.0.as_str()).collect();
    let row: Vec<String> = fields.iter().map(|f| csv_cell(&f.1)).collect();
    format!("{}\n{}\n", header.join(","), row.join(","))
}

/// The time series as JSON: the report's `series` object.
pub fn series_json(series: &Series) -> String {
    serde_json::to_string(series).unwrap_or_default()
}

/// The time series as CSV: one row per bucket, `start_ms`, then `sent.KIND` for each kind,
/// `lost`, `arrivals`, `deliveries` and `duplicates`.
pub fn series_csv(series: &Series) -> String {
    let mut header = vec!["start_ms".to_string()];
    header.extend(series.sent.keys().map(|k| format!("sent.{k}")));
    header.extend(["lost", "arrivals", "deliveries", "duplicates"].map(String::from));
    let mut text = header.join(",") + "\n";
    let at = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0).to_string();
    for i in 0..series.deliveries.len() {
        let mut row = vec![format!("{}", i as f64 * series.bucket_ms)];
        row.extend(series.sent.values().map(|v| at(v, i)));
        row.extend([&series.lost, &series.arrivals, &series.deliveries, &series.duplicates].map(|v| at(v, i)));
        text += &(row.join(",") + "\n");
    }
    text
}

/// One protocol of a comparison: its label, and its report or why it was refused.
#[derive(Clone, Debug, Serialize)]
pub struct Compared {
    /// The protocol as the page labels it (`SRM (native multicast)`).
    pub protocol: String,
    /// Why the scenario under this protocol was refused, in one line; null if it ran.
    pub refused: Option<String>,
    /// Its report (series and per-message lists left out), once it ran.
    pub report: Option<Report>,
}

impl Compared {
    /// A protocol's entry; the report's series and per-message list are dropped (the comparison
    /// is one row per protocol).
    pub fn new(protocol: &str, result: Result<Report, String>) -> Compared {
        match result {
            Ok(mut r) => {
                r.series = None;
                r.message_completion_ms.per_message.clear();
                Compared { protocol: protocol.to_string(), refused: None, report: Some(r) }
            }
            Err(e) => Compared { protocol: protocol.to_string(), refused: Some(e), report: None },
        }
    }
}

/// A comparison as JSON: `{"protocols": [{"protocol", "refused", "report"}, ...]}`.
pub fn comparison_json(entries: &[Compared]) -> String {
    serde_json::json!({ "protocols": entries }).to_string()
}

/// A comparison as CSV: `protocol`, `refused`, then the report's flattened fields (those of the
/// first protocol that ran), one row per protocol; a refused one has empty report cells.
pub fn comparison_csv(entries: &[Compared]) -> String {
    let rows: Vec<Vec<(String, Value)>> = entries
        .iter()
        .map(|e| {
            let mut f = Vec::new();
            if let Some(r) = &e.report {
                flatten("", &to_value(r), &mut f);
            }
            f
        })
        .collect();
    let columns: Vec<String> =
        rows.iter().find(|r| !r.is_empty()).map_or_else(Vec::new, |r| r.iter().map(|f| f.0.clone()).collect());
    let mut text =
        std::iter::once("protocol,refused".to_string()).chain(columns.iter().cloned()).collect::<Vec<_>>().join(",")
            + "\n";
    for (e, fields) in entries.iter().zip(&rows) {
        let mut row = vec![csv_cell(&Value::from(e.protocol.as_str())), csv_cell(&to_value(&e.refused))];
        row.extend(columns.iter().map(|c| fields.iter().find(|f| &f.0 == c).map_or(String::new(), |f| csv_cell(&f.1))));
        text += &(row.join(",") + "\n");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn report() -> Report {
        let mut s = Scenario::default_playground();
        s.group.size = 20;
        let mut sim = crate::engine::build(&s).unwrap();
        sim.record_series(crate::time::SimDuration::from_ms(1));
        sim.run_to_end();
        sim.report()
    }

    #[test]
    fn csv_cells_quote_what_needs_it() {
        assert_eq!(csv_cell(&Value::Null), "");
        assert_eq!(csv_cell(&Value::from(0.5)), "0.5");
        assert_eq!(csv_cell(&Value::from("a,b")), "\"a,b\"");
        assert_eq!(csv_cell(&Value::from("say \"hi\"")), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn flattening_joins_keys_with_dots_spreads_short_lists_and_drops_long_ones() {
        let long: Vec<u32> = (0..=SHORT_LIST as u32).collect();
        let v = serde_json::json!({"a": 1, "b": {"c": null, "d": [1, 2], "l": long, "o": [{"x": 1}]}, "e": "x"});
        let mut out = Vec::new();
        flatten("", &v, &mut out);
        let keys: Vec<&str> = out.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(keys, ["a", "b.c", "b.d.0", "b.d.1", "e"]);
    }

    #[test]
    fn the_report_csv_has_one_row_as_wide_as_its_header_with_the_json_values() {
        let r = report();
        let csv = report_csv(&r);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 2);
        let (head, row): (Vec<&str>, Vec<&str>) = (lines[0].split(',').collect(), lines[1].split(',').collect());
        assert_eq!(head.len(), row.len());
        let at = |k: &str| row[head.iter().position(|h| *h == k).unwrap()];
        assert_eq!(at("trace_hash"), r.trace_hash);
        assert_eq!(at("deliveries"), r.deliveries.to_string());
        assert!(!head.iter().any(|h| h.starts_with("series")));
        let json: Value = serde_json::from_str(&report_json(&r)).unwrap();
        assert_eq!(json["deliveries"], r.deliveries);
    }

    #[test]
    fn the_series_csv_has_a_row_per_bucket_summing_to_the_deliveries() {
        let r = report();
        let series = r.series.as_ref().unwrap();
        let csv = series_csv(series);
        let head: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
        let col = head.iter().position(|h| *h == "deliveries").unwrap();
        let rows: Vec<Vec<&str>> = csv.lines().skip(1).map(|l| l.split(',').collect()).collect();
        assert_eq!(rows.len(), series.deliveries.len());
        assert_eq!(rows.iter().map(|r| r[col].parse::<u64>().unwrap()).sum::<u64>(), r.deliveries);
    }

    #[test]
    fn a_comparison_has_a_row_per_protocol_and_a_refused_one_says_why() {
        let entries = [Compared::new("centralized", Ok(report())), Compared::new("SRM", Err("too big, say".into()))];
        let csv = comparison_csv(&entries);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[2].starts_with("SRM,\"too big, say\","));
        let json: Value = serde_json::from_str(&comparison_json(&entries)).unwrap();
        assert_eq!(json["protocols"][1]["refused"], "too big, say");
        assert!(json["protocols"][0]["report"]["series"].is_null());
    }
}
