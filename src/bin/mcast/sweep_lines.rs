//! A sweep's output: one JSON line per run, or CSV with a header and one row per run.
//!
//! A line is the run's report with `param`, `value` and `seed` first and the per-message list
//! and series left out. CSV flattens nested fields with dots (`latency_ms.p50`) and takes its
//! columns from the sweep's first run, so a row printed alone (`--run-index`) has the same
//! columns as in the whole sweep.

use mcast::export::{csv_cell, flatten};
use mcast::metrics::Report;
use serde_json::Value;
use std::collections::BTreeMap;

/// The report as one JSON object with `param`, `value` and `seed` first, lists left out.
pub fn json_line(path: &str, value: &Value, seed: u64, mut report: Report) -> Result<String, String> {
    report.message_completion_ms.per_message.clear();
    report.series = None;
    let body = serde_json::to_string(&report).map_err(|e| e.to_string())?;
    let fields = body.strip_prefix('{').ok_or("a report that is not a JSON object")?;
    let p = Value::from(path);
    Ok(format!("{{\"param\":{p},\"value\":{value},\"seed\":{seed},{fields}"))
}

/// The run's CSV fields: `param`, `value`, `seed`, then the report flattened (keys sorted).
fn csv_fields(path: &str, value: &Value, seed: u64, report: Report) -> Result<Vec<(String, Value)>, String> {
    let json = json_line(path, value, seed, report)?;
    let v: Value = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    let mut fields = vec![
        ("param".to_string(), Value::from(path)),
        ("value".to_string(), value.clone()),
        ("seed".to_string(), Value::from(seed)),
    ];
    let mut rest = Vec::new();
    flatten("", &v, &mut rest);
    fields.extend(rest.into_iter().filter(|(k, _)| !matches!(k.as_str(), "param" | "value" | "seed")));
    Ok(fields)
}

/// The CSV columns a report makes: its field names, in order.
pub fn csv_columns(path: &str, value: &Value, seed: u64, report: Report) -> Result<Vec<String>, String> {
    Ok(csv_fields(path, value, seed, report)?.into_iter().map(|f| f.0).collect())
}

/// Turns the runs' reports into their lines, JSON or CSV.
pub struct Lines<'a> {
    path: &'a str,
    csv: bool,
    /// The CSV columns, once known: from the first row, or given.
    columns: Option<Vec<String>>,
}

impl<'a> Lines<'a> {
    /// Lines for the runs of a sweep of `path`, from its first run on: with `csv`, the header
    /// comes before the first row and names its fields.
    pub fn new(path: &'a str, csv: bool) -> Self {
        Lines { path, csv, columns: None }
    }

    /// CSV rows in the given `columns` (those of the sweep's first run), no header: for a run
    /// printed alone that is not the first.
    pub fn csv_in(path: &'a str, columns: Vec<String>) -> Self {
        Lines { path, csv: true, columns: Some(columns) }
    }

    /// The run's line: a JSON object, or a CSV row after the header if it is the first.
    pub fn line(&mut self, value: &Value, seed: u64, report: Report) -> Result<String, String> {
        if !self.csv {
            return json_line(self.path, value, seed, report);
        }
        let fields = csv_fields(self.path, value, seed, report)?;
        let mut text = String::new();
        let names = self.columns.get_or_insert_with(|| {
            let names: Vec<String> = fields.iter().map(|f| f.0.clone()).collect();
            text = names.join(",") + "\n";
            names
        });
        // A field the first run did not have is left out; one it had and this run lacks is an
        // empty cell.
        let map: BTreeMap<&str, &Value> = fields.iter().map(|(k, v)| (k.as_str(), v)).collect();
        let cells: Vec<String> =
            names.iter().map(|n| map.get(n.as_str()).map_or(String::new(), |v| csv_cell(v))).collect();
        Ok(text + &cells.join(","))
    }
}
