//! `mcast sweep`: one scenario parameter over a range of values × several seeds, on every core.
//!
//! Every run's scenario is made and validated before the first run starts, so a bad value fails
//! at once naming the field. Worker threads take runs in order from a shared counter; the main
//! thread prints each result as soon as every earlier one is printed, so the output is the same
//! whatever the number of threads and however they are scheduled.

use super::progress::Progress;
use super::{load, number, parse};
use mcast::engine;
use mcast::metrics::Report;
use mcast::scenario::param;
use mcast::scenario::{Limits, Scenario};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

pub const HELP: &str = "\
mcast sweep FILE --param PATH (--from A --to B --steps K | --values V1,V2,...)
                 [--seeds S] [--seed N] [--csv] [--jobs J] [--progress]

Runs the scenario in FILE once per value of one parameter and per seed, K x S runs in all, on
every core, and prints one line per run in a fixed order (values outer, seeds inner) whatever the
number of threads.

OPTIONS:
    --param PATH     the dotted path of a scenario field: network.loss, group.size,
                     protocol.ack_timeout_ms, workload.messages, faults[0].at_ms, ...
    --from A --to B --steps K
                     K evenly spaced values from A to B, both included (K = 1: just A)
    --values V1,...  the values themselves; each is read as JSON (0.1, 300, true), anything else
                     as a string (e.g. --param group.layout --values disk,ring)
    --seeds S        seeds per value: the scenario's seed, seed + 1, ..., seed + S - 1 (default 1)
    --seed N         replace the scenario's seed first
    --csv            CSV with a header instead of JSON lines
    --jobs J         threads (default: every core)
    --progress       a progress bar on stderr even when stderr is not a terminal

OUTPUT: each JSON line is {\"param\", \"value\", \"seed\", ...} followed by the fields of
`mcast run` (see `mcast run --help`) without per-message lists and series; CSV has the same
fields flattened with dots (latency_ms.p50), a header first, empty cells for null.

EXIT STATUS: 0 on success; 2 on bad input (a value out of range names the field, before any run).";

/// One run of the sweep.
struct Job {
    value: Value,
    scenario: Scenario,
}

/// Twelve significant digits: 0.1 + 0.2 steps print as 0.3, not 0.30000000000000004.
fn tidy(v: f64) -> f64 {
    format!("{v:.11e}").parse().unwrap_or(v)
}

/// The values to sweep, from the flags.
fn values(opts: &[(&str, &str)]) -> Result<Vec<Value>, String> {
    let get = |f: &str| opts.iter().rev().find(|o| o.0 == f).map(|o| o.1);
    let range = (get("--from"), get("--to"), get("--steps"));
    match (get("--values"), range) {
        (Some(list), (None, None, None)) => Ok(list
            .split(',')
            .map(|v| serde_json::from_str(v.trim()).unwrap_or_else(|_| Value::from(v.trim())))
            .collect()),
        (None, (Some(a), Some(b), Some(k))) => {
            let (a, b): (f64, f64) = (number("--from", a)?, number("--to", b)?);
            let k: u32 = number("--steps", k)?;
            if !a.is_finite() || !b.is_finite() {
                return Err("--from and --to must be finite numbers".into());
            }
            if k == 0 {
                return Err("--steps: must be at least 1".into());
            }
            let at = |i: u32| match i {
                0 => a,
                _ if i == k - 1 => b,
                _ => tidy(a + (b - a) * f64::from(i) / f64::from(k - 1)),
            };
            Ok((0..k).map(|i| param::number(at(i)).unwrap_or(Value::Null)).collect())
        }
        (Some(_), _) => Err("give either --values or --from/--to/--steps, not both".into()),
        (None, _) => Err("missing values: give --from A --to B --steps K, or --values V1,V2,...".into()),
    }
}

/// The report as one JSON object with `param`, `value` and `seed` first, lists left out.
fn json_line(path: &str, job: &Job, mut report: Report) -> Result<String, String> {
    report.message_completion_ms.per_message.clear();
    report.series = None;
    let body = serde_json::to_string(&report).map_err(|e| e.to_string())?;
    let (p, v, s) = (Value::from(path), &job.value, job.scenario.seed);
    Ok(format!("{{\"param\":{p},\"value\":{v},\"seed\":{s},{}", &body[1..]))
}

/// `v` flattened into `out` as `prefix.key` → scalar, lists left out.
fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, v, out);
            }
        }
        Value::Array(_) => {}
        scalar => out.push((prefix.to_string(), scalar.clone())),
    }
}

fn csv_cell(v: &Value) -> String {
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

/// The run's CSV fields: `param`, `value`, `seed`, then the report flattened (keys sorted).
fn csv_fields(path: &str, job: &Job, report: Report) -> Result<Vec<(String, Value)>, String> {
    let json = json_line(path, job, report)?;
    let v: Value = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    let mut fields = vec![
        ("param".to_string(), Value::from(path)),
        ("value".to_string(), job.value.clone()),
        ("seed".to_string(), Value::from(job.scenario.seed)),
    ];
    let mut rest = Vec::new();
    flatten("", &v, &mut rest);
    fields.extend(rest.into_iter().filter(|(k, _)| !matches!(k.as_str(), "param" | "value" | "seed")));
    Ok(fields)
}

/// `mcast sweep`.
pub fn cmd(args: &[String]) -> Result<(), String> {
    let (file, opts) = parse(
        args,
        &["--param", "--from", "--to", "--steps", "--values", "--seeds", "--seed", "--jobs"],
        &["--csv", "--progress"],
    )?;
    let mut base = load(file)?;
    let file = file.unwrap_or("-");
    let get = |f: &str| opts.iter().rev().find(|o| o.0 == f).map(|o| o.1);
    let path = get("--param").ok_or("missing --param PATH (e.g. --param network.loss)")?;
    if let Some(seed) = get("--seed") {
        base.seed = number("--seed", seed)?;
    }
    let seeds: u64 = get("--seeds").map_or(Ok(1), |v| number("--seeds", v))?;
    if seeds == 0 {
        return Err("--seeds: must be at least 1".into());
    }
    let threads = threads(get("--jobs"))?;
    let mut printer = Printer {
        file,
        path,
        csv: get("--csv").is_some(),
        header: None,
        progress: Progress::new(get("--progress").is_some()),
    };
    let runs = jobs(file, path, &base, values(&opts)?, seeds)?;
    run_all(&runs, threads, &mut printer)?;
    printer.progress.finish();
    Ok(())
}

/// The number of worker threads `--jobs` asks for, by default one per core.
fn threads(flag: Option<&str>) -> Result<usize, String> {
    let threads: usize = match flag {
        Some(v) => number("--jobs", v)?,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    if threads == 0 {
        return Err("--jobs: must be at least 1".into());
    }
    Ok(threads)
}

/// Every run's scenario, values outer and seeds inner, each made and validated before any run
/// starts; an error names the value.
fn jobs(file: &str, path: &str, base: &Scenario, values: Vec<Value>, seeds: u64) -> Result<Vec<Job>, String> {
    let mut runs = Vec::new();
    for value in values {
        let s = base.with_param(path, &value).map_err(|e| format!("{file}: --param {path} = {value}: {e}"))?;
        for i in 0..seeds {
            let mut s = s.clone();
            s.seed = s.seed.checked_add(i).ok_or("--seeds: the seeds run past 2^64")?;
            s.validate(&Limits::NATIVE).map_err(|e| format!("{file}: --param {path} = {value}: {e}"))?;
            runs.push(Job { value: value.clone(), scenario: s });
        }
    }
    Ok(runs)
}

/// Runs every job on `threads` worker threads and hands each result to `printer` in job order,
/// as soon as every earlier one is printed.
fn run_all(runs: &[Job], threads: usize, printer: &mut Printer) -> Result<(), String> {
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, Result<Report, String>)>();
    std::thread::scope(|scope| {
        for _ in 0..threads.min(runs.len()) {
            let (tx, next) = (tx.clone(), &next);
            scope.spawn(move || work(runs, next, tx));
        }
        drop(tx);
        // Returning drops `rx`: the workers then stop at their next send.
        let (mut pending, mut printed) = (BTreeMap::new(), 0);
        for (i, report) in rx {
            pending.insert(i, report);
            while let Some(report) = pending.remove(&printed) {
                printer.print(&runs[printed], report)?;
                printed += 1;
            }
            let total = runs.len();
            printer.progress.show(printed as f64 / total as f64, || format!("{printed} of {total} runs"));
        }
        Ok(())
    })
}

/// One worker: takes the next job from the shared counter, runs it and sends its report, until
/// no job is left or nobody listens.
fn work(runs: &[Job], next: &AtomicUsize, tx: mpsc::Sender<(usize, Result<Report, String>)>) {
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(job) = runs.get(i) else { break };
        let report = engine::build(&job.scenario).map_err(|e| e.to_string()).map(|mut sim| {
            sim.run_to_end();
            sim.report()
        });
        if tx.send((i, report)).is_err() {
            break;
        }
    }
}

/// Prints the runs' lines on stdout, JSON or CSV, and the progress bar on stderr.
struct Printer<'a> {
    file: &'a str,
    path: &'a str,
    csv: bool,
    /// The CSV columns, once the header is printed.
    header: Option<Vec<String>>,
    progress: Progress,
}

impl Printer<'_> {
    /// Prints `job`'s line, or fails naming its value if it could not run.
    fn print(&mut self, job: &Job, report: Result<Report, String>) -> Result<(), String> {
        let (file, path) = (self.file, self.path);
        let report = report.map_err(|e| format!("{file}: --param {path} = {}: {e}", job.value))?;
        let line = if self.csv { self.csv_line(job, report)? } else { json_line(path, job, report)? };
        self.progress.finish();
        super::print_line(&line)
    }

    /// `job`'s CSV row, after the header if this is the first.
    fn csv_line(&mut self, job: &Job, report: Report) -> Result<String, String> {
        let fields = csv_fields(self.path, job, report)?;
        let mut text = String::new();
        let names = self.header.get_or_insert_with(|| {
            let names: Vec<String> = fields.iter().map(|f| f.0.clone()).collect();
            text = names.join(",") + "\n";
            names
        });
        // Every report has the same fields; a missing one would be an empty cell.
        let map: BTreeMap<&str, &Value> = fields.iter().map(|(k, v)| (k.as_str(), v)).collect();
        let cells: Vec<String> =
            names.iter().map(|n| map.get(n.as_str()).map_or(String::new(), |v| csv_cell(v))).collect();
        Ok(text + &cells.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_include_both_ends_and_print_tidily() {
        let opts = [("--from", "0"), ("--to", "0.3"), ("--steps", "4")];
        let v: Vec<String> = values(&opts).unwrap().iter().map(Value::to_string).collect();
        assert_eq!(v, ["0", "0.1", "0.2", "0.3"]);
        let opts = [("--from", "100"), ("--to", "1000"), ("--steps", "4")];
        let v: Vec<String> = values(&opts).unwrap().iter().map(Value::to_string).collect();
        assert_eq!(v, ["100", "400", "700", "1000"]);
        let v = values(&[("--from", "5"), ("--to", "9"), ("--steps", "1")]).unwrap();
        assert_eq!(v, [Value::from(5u64)]);
        let v = values(&[("--values", "0.1, 7,true,ring")]).unwrap();
        assert_eq!(v, [Value::from(0.1), Value::from(7u64), Value::from(true), Value::from("ring")]);
    }

    #[test]
    fn bad_value_flags_are_refused() {
        for opts in [
            &[("--from", "0"), ("--to", "1")][..],
            &[("--from", "0"), ("--to", "1"), ("--steps", "0")],
            &[("--from", "0"), ("--to", "x"), ("--steps", "2")],
            &[("--from", "0"), ("--to", "inf"), ("--steps", "2")],
            &[("--values", "1"), ("--from", "0")],
            &[],
        ] {
            assert!(values(opts).is_err(), "{opts:?}");
        }
    }

    #[test]
    fn csv_cells_quote_what_needs_it() {
        assert_eq!(csv_cell(&Value::Null), "");
        assert_eq!(csv_cell(&Value::from(0.5)), "0.5");
        assert_eq!(csv_cell(&Value::from("a,b")), "\"a,b\"");
        assert_eq!(csv_cell(&Value::from("say \"hi\"")), "\"say \"\"hi\"\"\"");
    }
}
