//! `mcast sweep`: one scenario parameter over a range of values × several seeds, on every core,
//! or spread over many machines.
//!
//! Run `i` is value `i / S` at seed `i % S` past its own (S seeds per value), made from those two
//! numbers when a worker takes it: nothing is made ahead, and memory does not grow with the
//! number of runs. Every value is set and validated before the first run, so a bad one fails at
//! once naming the field. Worker threads take runs in order from a shared counter; the main
//! thread prints each result as soon as every earlier one is printed, so the output is the same
//! whatever the number of threads and however they are scheduled ([`pool`]). `--jobs-list` prints
//! a command per run instead ([`jobs`]), and `--run-index I` runs run I alone.

#[path = "sweep_jobs.rs"]
mod jobs;
#[path = "sweep_lines.rs"]
mod lines;
#[path = "sweep_pool.rs"]
mod pool;

use super::progress::Progress;
use super::{load, number, parse};
use lines::Lines;
use mcast::engine;
use mcast::metrics::Report;
use mcast::scenario::param;
use mcast::scenario::{Limits, Scenario, MAX_SEED};
use serde_json::Value;
use std::time::{Duration, Instant};

pub const HELP: &str = "\
mcast sweep FILE --param PATH (--from A --to B --steps K | --values V1,V2,...)
                 [--seeds S] [--seed N] [--csv] [--jobs J] [--progress]
                 [--jobs-list | --run-index I]

Runs the scenario in FILE once per value of one parameter and per seed, K x S runs in all, on
every core, and prints one line per run in a fixed order (values outer, seeds inner) whatever the
number of threads. Runs are made as they start: memory does not grow with their number.

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
    --jobs-list      run nothing: print one shell command per run, in order, each printing that
                     run's line alone; run them anywhere (GNU parallel -k, a Slurm job array) and
                     their outputs, concatenated in order, are this sweep's output
    --run-index I    run only run I (0 to K x S - 1) and print its line as the sweep would (with
                     --csv, the header only for run 0)

LIMITS: at most 10000000 runs (K x S) in one sweep, and 1000000 entries in a --values list;
a larger count is refused before anything runs: split the sweep.

OUTPUT: each JSON line is {\"param\", \"value\", \"seed\", ...} followed by the fields of
`mcast run` (see `mcast run --help`) without per-message lists and series; CSV has the same
fields flattened with dots (latency_ms.p50), a header first, empty cells for null.

EXIT STATUS: 0 on success; 2 on bad input (a value out of range names the field, before any run).";

/// The most runs one sweep makes (values × seeds), so also the most steps and seeds: a count
/// past it is refused before anything is made. A larger sweep is split into several.
pub const MAX_RUNS: u64 = 10_000_000;
/// The most entries a `--values` list holds (it is kept in memory; a range is not).
pub const MAX_VALUES: usize = 1_000_000;

/// What a refused count says to do instead.
const SPLIT: &str = "split it into smaller sweeps, and spread a large one over machines with --jobs-list";

/// Twelve significant digits: 0.1 + 0.2 steps print as 0.3, not 0.30000000000000004.
fn tidy(v: f64) -> f64 {
    format!("{v:.11e}").parse().unwrap_or(v)
}

/// The values to sweep, each made when it is needed.
enum Values<'a> {
    /// `--values`: the entries as given (trimmed), each read as JSON, anything else as a string.
    List(Vec<&'a str>),
    /// `--from A --to B --steps K`, and the three flags' text as given.
    Range { a: f64, b: f64, steps: u64, text: [&'a str; 3] },
}

impl<'a> Values<'a> {
    /// The values the flags give.
    fn from_flags(opts: &[(&str, &'a str)]) -> Result<Self, String> {
        let get = |f: &str| opts.iter().rev().find(|o| o.0 == f).map(|o| o.1);
        let range = (get("--from"), get("--to"), get("--steps"));
        match (get("--values"), range) {
            (Some(list), (None, None, None)) => {
                let n = list.split(',').count();
                if n > MAX_VALUES {
                    return Err(format!("--values: {n} values, at most {MAX_VALUES} in one list: {SPLIT}"));
                }
                Ok(Values::List(list.split(',').map(str::trim).collect()))
            }
            (None, (Some(from), Some(to), Some(k))) => {
                let (a, b): (f64, f64) = (number("--from", from)?, number("--to", to)?);
                let steps: u64 = number("--steps", k)?;
                if !a.is_finite() || !b.is_finite() {
                    return Err("--from and --to must be finite numbers".into());
                }
                if steps == 0 {
                    return Err("--steps: must be at least 1".into());
                }
                Ok(Values::Range { a, b, steps, text: [from, to, k] })
            }
            (Some(_), _) => Err("give either --values or --from/--to/--steps, not both".into()),
            (None, _) => Err("missing values: give --from A --to B --steps K, or --values V1,V2,...".into()),
        }
    }

    fn len(&self) -> u64 {
        match self {
            Values::List(list) => list.len() as u64,
            Values::Range { steps, .. } => *steps,
        }
    }

    /// Value `k` (below [`Values::len`]; null past it).
    fn get(&self, k: u64) -> Value {
        match *self {
            Values::List(ref list) => {
                let Some(&v) = list.get(k as usize) else { return Value::Null };
                serde_json::from_str(v).unwrap_or_else(|_| Value::from(v))
            }
            Values::Range { a, b, steps, .. } => {
                let x = match k {
                    0 => a,
                    _ if k == steps - 1 => b,
                    _ => tidy(a + (b - a) * k as f64 / (steps - 1) as f64),
                };
                param::number(x).unwrap_or(Value::Null)
            }
        }
    }

    /// The flags of a sweep whose run `j` of value `k` is run `j` of value `k` here, and the
    /// number of value `k` in it: a range as given; a list cut to its first entry and entry `k`,
    /// so a command stays short however long the list (the first run stays first, for the CSV
    /// header and columns).
    fn flags_for(&self, k: u64) -> (Vec<String>, u64) {
        match self {
            // A list holds at least one value (`split` yields one), and `k` is below its length.
            Values::List(list) => {
                let (first, value) = (list.first().copied().unwrap_or_default(), list.get(k as usize));
                match value {
                    Some(&v) if k != 0 => (vec!["--values".into(), format!("{first},{v}")], 1),
                    _ => (vec!["--values".into(), first.into()], 0),
                }
            }
            Values::Range { text: [a, b, k_], .. } => {
                let flags = ["--from", a, "--to", b, "--steps", k_];
                (flags.iter().map(|f| f.to_string()).collect(), k)
            }
        }
    }
}

/// The sweep the flags define: run `i` is value `i / seeds` at its seed + `i % seeds`, values
/// outer and seeds inner. Nothing is made for a run before it runs.
struct Sweep<'a> {
    file: &'a str,
    path: &'a str,
    base: Scenario,
    /// `--seed` as given.
    seed_flag: Option<&'a str>,
    values: Values<'a>,
    seeds: u64,
    csv: bool,
}

/// One finished run: its value, its seed and its report, or the error naming them.
struct Ran {
    value: Value,
    seed: u64,
    report: Result<Report, String>,
}

/// A worker's scenario for one value, kept for the runs of the next seeds.
struct Cached {
    k: u64,
    value: Value,
    first_seed: u64,
    scenario: Scenario,
}

impl Sweep<'_> {
    /// The number of runs, or the error for a count past [`MAX_RUNS`].
    fn runs(&self) -> Result<u64, String> {
        let (n, s) = (self.values.len(), self.seeds);
        let runs = u128::from(n) * u128::from(s);
        if runs > u128::from(MAX_RUNS) {
            let values = match self.values {
                Values::List(_) => format!("--values ({n} value{})", if n == 1 { "" } else { "s" }),
                Values::Range { .. } => format!("--steps {n}"),
            };
            return Err(format!("{values} x --seeds {s} = {runs} runs, at most {MAX_RUNS} in one sweep: {SPLIT}"));
        }
        Ok(runs as u64)
    }

    /// The error for `value`.
    fn bad(&self, value: &Value, e: impl std::fmt::Display) -> String {
        format!("{}: --param {} = {value}: {e}", self.file, self.path)
    }

    /// Value `k` and its scenario at its first seed, set and validated, or the error naming the
    /// value.
    fn scenario(&self, k: u64) -> Result<(Value, Scenario), String> {
        let value = self.values.get(k);
        let s = self.base.with_param(self.path, &value).map_err(|e| self.bad(&value, e))?;
        Ok((value, s))
    }

    /// Checks value `k` before any run: set and validated at its first seed, and its last seed
    /// in range (a check that depends on the seed itself, such as the churn drawn from it, is
    /// made when that run is built).
    fn check(&self, k: u64) -> Result<(), String> {
        let (value, mut s) = self.scenario(k)?;
        if s.seed.saturating_add(self.seeds - 1) > MAX_SEED {
            // The first seed past the limit: the same error as a scenario file with that seed.
            s.seed = MAX_SEED + 1;
            s.validate(&Limits::NATIVE).map_err(|e| self.bad(&value, e))?;
        }
        Ok(())
    }

    /// Checks every value in order on `threads` threads; the first bad one is the error. A
    /// progress bar shows if it takes more than a second (a range of millions of values).
    fn check_all(&self, threads: usize, progress: &mut Progress) -> Result<(), String> {
        let (n, start) = (self.values.len(), Instant::now());
        pool::in_order(
            n,
            threads,
            |k, _: &mut ()| self.check(k),
            |k, checked| {
                checked?;
                if start.elapsed() > Duration::from_secs(1) {
                    let done = k + 1;
                    progress.show(done as f64 / n as f64, || format!("{done} of {n} values checked"));
                }
                Ok(())
            },
        )?;
        progress.finish();
        Ok(())
    }

    /// Run `i`'s value, seed and scenario, made in `cache` unless it holds run `i`'s value.
    fn prepare<'c>(&self, i: u64, cache: &'c mut Option<Cached>) -> Result<&'c mut Cached, String> {
        let k = i / self.seeds;
        if cache.as_ref().is_none_or(|c| c.k != k) {
            let (value, scenario) = self.scenario(k)?;
            *cache = Some(Cached { k, value, first_seed: scenario.seed, scenario });
        }
        let c = cache.as_mut().expect("made above");
        c.scenario.seed = c.first_seed.saturating_add(i % self.seeds);
        Ok(c)
    }

    /// Runs run `i` to its end (with `progress` if given), its scenario made in `cache`.
    fn run(&self, i: u64, cache: &mut Option<Cached>, progress: Option<&mut Progress>) -> Ran {
        let c = match self.prepare(i, cache) {
            Ok(c) => c,
            Err(e) => return Ran { value: self.values.get(i / self.seeds), seed: 0, report: Err(e) },
        };
        let (value, seed) = (c.value.clone(), c.scenario.seed);
        let report = engine::build(&c.scenario).map(|mut sim| {
            match progress {
                Some(p) => super::run_with_progress(&mut *sim, p),
                None => sim.run_to_end(),
            }
            let mut report = sim.report();
            // Left out of the line anyway: dropped here, not kept while the report waits.
            report.message_completion_ms.per_message = Vec::new();
            report.series = None;
            report
        });
        let report = report.map_err(|e| format!("{}: --param {} = {value}, seed {seed}: {e}", self.file, self.path));
        Ran { value, seed, report }
    }

    /// The CSV columns of the first run, from its simulation built but not run (a report has
    /// the same fields before and after its run).
    fn first_columns(&self) -> Result<Vec<String>, String> {
        self.check(0)?;
        let (value, s) = self.scenario(0)?;
        let sim = engine::build(&s)
            .map_err(|e| format!("{}: --param {} = {value}, seed {}: {e}", self.file, self.path, s.seed))?;
        lines::csv_columns(self.path, &value, s.seed, sim.report())
    }

    /// The arguments of `mcast sweep` that print run `i`'s line alone, exactly as this sweep
    /// prints it.
    fn run_args(&self, i: u64) -> Vec<String> {
        let (k, j) = (i / self.seeds, i % self.seeds);
        let mut args: Vec<String> = ["sweep", self.file, "--param", self.path].map(String::from).into();
        let (flags, k_there) = self.values.flags_for(k);
        args.extend(flags);
        if self.seeds > 1 {
            args.extend(["--seeds".into(), self.seeds.to_string()]);
        }
        if let Some(seed) = self.seed_flag {
            args.extend(["--seed".into(), seed.into()]);
        }
        if self.csv {
            args.push("--csv".into());
        }
        args.extend(["--run-index".into(), (k_there * self.seeds + j).to_string()]);
        args
    }
}

/// `mcast sweep`.
pub fn cmd(args: &[String]) -> Result<(), String> {
    let (file, opts) = parse(
        args,
        &["--param", "--from", "--to", "--steps", "--values", "--seeds", "--seed", "--jobs", "--run-index"],
        &["--csv", "--progress", "--jobs-list"],
    )?;
    let get = |f: &str| opts.iter().rev().find(|o| o.0 == f).map(|o| o.1);
    let (jobs_list, run_index) = (get("--jobs-list").is_some(), get("--run-index"));
    if jobs_list && run_index.is_some() {
        return Err("give --jobs-list (print a command per run) or --run-index (run one), not both".into());
    }
    if jobs_list && file == Some("-") {
        return Err("--jobs-list: each command reads the scenario from FILE: give a file, not `-`".into());
    }
    let mut base = load(file)?;
    let path = get("--param").ok_or("missing --param PATH (e.g. --param network.loss)")?;
    if let Some(seed) = get("--seed") {
        base.seed = number("--seed", seed)?;
    }
    let seeds: u64 = get("--seeds").map_or(Ok(1), |v| number("--seeds", v))?;
    if seeds == 0 {
        return Err("--seeds: must be at least 1".into());
    }
    let threads = threads(get("--jobs"))?;
    let sweep = Sweep {
        file: file.unwrap_or("-"),
        path,
        base,
        seed_flag: get("--seed"),
        values: Values::from_flags(&opts)?,
        seeds,
        csv: get("--csv").is_some(),
    };
    let runs = sweep.runs()?;
    let mut progress = Progress::new(get("--progress").is_some());
    if let Some(i) = run_index {
        return run_one(&sweep, runs, number("--run-index", i)?, &mut progress);
    }
    sweep.check_all(threads, &mut progress)?;
    if jobs_list {
        let program = std::env::args_os().next().and_then(|p| p.into_string().ok()).unwrap_or_else(|| "mcast".into());
        return jobs::print(&program, runs, |i| sweep.run_args(i));
    }
    run_all(&sweep, runs, threads, &mut progress)?;
    progress.finish();
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

/// Runs every run on `threads` worker threads and prints each line in run order, as soon as
/// every earlier one is printed.
fn run_all(sweep: &Sweep, runs: u64, threads: usize, progress: &mut Progress) -> Result<(), String> {
    let mut lines = Lines::new(sweep.path, sweep.csv);
    let run = |i, cache: &mut Option<Cached>| sweep.run(i, cache, None);
    pool::in_order(runs, threads, run, |i, ran| {
        let line = lines.line(&ran.value, ran.seed, ran.report?)?;
        progress.finish();
        super::print_line(&line)?;
        let done = i + 1;
        progress.show(done as f64 / runs as f64, || format!("{done} of {runs} runs"));
        Ok(())
    })
}

/// `--run-index I`: checks the value run `i` needs, runs it alone and prints its line, as the
/// whole sweep would print it (with `--csv`, the header only for run 0, and the columns of run
/// 0 for the others).
fn run_one(sweep: &Sweep, runs: u64, i: u64, progress: &mut Progress) -> Result<(), String> {
    if i >= runs {
        return Err(format!("--run-index: the sweep has {runs} runs, 0 to {}, got {i}", runs - 1));
    }
    sweep.check(i / sweep.seeds)?;
    let mut lines = match sweep.csv && i > 0 {
        true => Lines::csv_in(sweep.path, sweep.first_columns()?),
        false => Lines::new(sweep.path, sweep.csv),
    };
    let ran = sweep.run(i, &mut None, Some(progress));
    let line = lines.line(&ran.value, ran.seed, ran.report?)?;
    progress.finish();
    super::print_line(&line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(opts: &[(&str, &'static str)]) -> Result<Vec<Value>, String> {
        let v = Values::from_flags(opts)?;
        Ok((0..v.len()).map(|k| v.get(k)).collect())
    }

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
    fn a_huge_range_costs_nothing_until_its_values_are_asked_for() {
        let v = Values::from_flags(&[("--from", "0"), ("--to", "1"), ("--steps", "18446744073709551615")]).unwrap();
        assert_eq!(v.len(), u64::MAX);
        assert_eq!(v.get(u64::MAX - 1), Value::from(1u64));
        let list = vec!["1"; MAX_VALUES + 1].join(",");
        let e = Values::from_flags(&[("--values", list.leak())]).err().unwrap();
        assert!(e.starts_with("--values: 1000001 values, at most 1000000 in one list: "), "{e}");
        assert!(e.contains("--jobs-list"), "{e}");
    }

    #[test]
    fn a_command_names_the_first_value_and_its_own() {
        let list = Values::from_flags(&[("--values", " 10, 20,30 ")]).unwrap();
        assert_eq!(list.flags_for(0), (vec!["--values".to_string(), "10".to_string()], 0));
        assert_eq!(list.flags_for(2), (vec!["--values".to_string(), "10,30".to_string()], 1));
        let range = Values::from_flags(&[("--from", "0"), ("--to", "1e-1"), ("--steps", "7")]).unwrap();
        let flags = ["--from", "0", "--to", "1e-1", "--steps", "7"].map(String::from).to_vec();
        assert_eq!(range.flags_for(5), (flags, 5));
    }
}
