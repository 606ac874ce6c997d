//! `mcast`: the playground's engine on the command line.
//!
//! `mcast run FILE` runs a scenario and prints its metrics as one JSON object; `mcast sweep` runs
//! it over a range of one parameter and several seeds on every core; `mcast link FILE` prints its
//! share-link fragment; `mcast bench` measures the engine's speed and memory. Bad input exits
//! with status 2 and one line on stderr naming the field.
//!
//! Its arguments, files and flags are untrusted input: no index or string slice here can panic
//! (the lints below), and everything is read through `get`, iterators and patterns.

#![deny(clippy::indexing_slicing, clippy::string_slice)]

// The modules live in src/bin/mcast/ (beside this file cargo would take them for binaries).
#[path = "mcast/bench.rs"]
mod bench;
#[path = "mcast/docs.rs"]
mod docs;
#[path = "mcast/progress.rs"]
mod progress;
#[path = "mcast/sweep.rs"]
mod sweep;

use mcast::engine::{self, Simulation};
use mcast::scenario::{link, Limits, Scenario, ScenarioError};
use mcast::time::SimDuration;
use progress::Progress;
use std::process::ExitCode;

const USAGE: &str = "\
mcast: simulate reliable-multicast protocols

USAGE:
    mcast run FILE [--seed N] [--series MS] [--budget EVENTS] [--pretty | --csv] [--perfetto FILE] [--progress]
                                           run a scenario, print its metrics as JSON
    mcast sweep FILE --param PATH (--from A --to B --steps K | --values V,...) [--seeds S]
                [--csv] [--jobs J] [--jobs-list | --run-index I]
                                           one parameter over a range x seeds, on every core,
                                           or a shell command per run, for many machines
    mcast link FILE [--base URL]           print the scenario's share link
    mcast bench [--nodes LIST] [--messages M] [--loss P] [--repeat R] [--markdown]
                                           measure events per second and memory per node
    mcast docs [--check]                   rewrite (or check) the generated parts of the docs
    mcast help                             this text

Run `mcast run --help` for the metrics it prints, `mcast sweep --help`, `mcast bench --help`.";

const RUN_HELP: &str = "\
mcast run FILE [--seed N] [--series MS] [--budget EVENTS] [--pretty | --csv] [--perfetto FILE] [--progress]

Runs the scenario in FILE (JSON, see docs/scenario.md; `-` reads standard input) to its end
and prints one JSON object on stdout (docs/metrics.md has the definitions):

    trace_hash        16 hex digits; equal hashes mean identical runs
    delivered_ratio   deliveries / expected_deliveries, 0 to 1
    expected_deliveries  for each message, the receivers that were members when it was
                      sent (initial members, or joined strictly before) and are live
                      members at the end (not crashed, not left; paused counts)
    deliveries        first deliveries of messages to the receivers they are owed to
    duplicate_deliveries  deliveries of a message a node already had (a node restarted
                      after a crash may deliver again what it delivered before)
    latency_ms        {p50, p99, max, mean} from a message's send to each first delivery
    completion_ms     time of the last delivery
    message_completion_ms
                      {complete, incomplete, p50, p99, max, mean, per_message}: from a message's
                      send to its last first delivery, for messages every live receiver got;
                      per_message lists the first 1000 messages in id order, null if incomplete
    traffic           {payload_packets, payload_bytes, control_packets, control_bytes}
    duplicates_received  payload packets that reached a live node already holding the message
    rmr               relative message redundancy (Plumtree): payload packets received /
                      (n - 1) - 1 per message, n = its origin + the receivers that got it,
                      averaged over messages; 0 = one payload packet per receiver
    implosion         {packets, node, at_ms, bucket_ms}: the most packets that arrived at one
                      live node within one fixed 100 ms bucket
    link_stress       {copies, node, message}: the most copies of one message one node sent
                      back to back (its uplink's stress); centralized: n - 1
    sent_per_node     {mean, max, node}: packets sent per node, all kinds
    hops              {last, max, mean, unknown}: hop count of first deliveries (origin 0, its
                      receivers 1); last is the run's last first delivery
    broadcast         {reliability, reliability_min, last_delivery_hop, last_delivery_hop_max}
                      (Plumtree's measures): per message, the fraction of live receivers owed it
                      that delivered it, and the hop of its last first delivery; mean and extreme
    packets, bytes    counts by kind: data, ack, retransmit, join, leave (queue drops included)
    packets_lost      packets lost at random (global, per-node, per-link or burst loss)
    packets_dropped_uplink    dropped at the sender's full uplink queue (never left)
    packets_dropped_downlink  dropped at the receiver's full downlink queue
    packets_dropped_partition dropped by a partition between sender and receiver
    packets_to_crashed  packets that reached a crashed node
    packets_lost_in_crash  packets still in a sender's uplink when it crashed
    packets_to_paused packets that reached a paused node (dropped)
    packets_to_absent packets that reached a node that had left or not yet joined
    joins, leaves     nodes that joined and left during the run
    stopped           null, or why the run stopped before its end: \"event budget\" or
                      \"memory budget\" (exit status 3)
    stream            for a live stream only: packets, playout_delay_ms, receivers,
                      late and missing (totals), late_per_receiver and
                      missing_per_receiver {p50, p99, max}, receivers_complete_on_time;
                      a packet is late if delivered after send + playout delay, missing
                      if owed and never delivered
    events            events the kernel processed
    sim_time_ms, live_nodes, messages
    nodes             node ids in the run: the initial group and every joiner
    series            with --series: {bucket_ms, requested_bucket_ms, sent: {kind: [...]},
                      lost, arrivals, deliveries, duplicates}, one count per bucket
    membership        with membership.service \"swim\" only: crashes, detected,
                      known_to_all, first_detection_ms, first_suspicion_ms,
                      first_confirmation_ms, all_confirmed_ms (means from the crash),
                      suspicions, confirmations, false_suspicions, false_confirmations,
                      per_crash (docs/metrics.md#membership)
    attack            with the scenario's attackers only: attackers, from_ms,
                      withheld_packets (payload they kept), honest_live_nodes,
                      honest_delivered_ratio, honest_received_mean and _worst (per
                      message, the fraction of honest receivers that got it),
                      honest_latency_ms {p50, p99, max, mean} (docs/metrics.md#attack)

OPTIONS:
    --seed N       replace the scenario's seed
    --series MS    add time series in buckets of MS milliseconds (at most 10,000 buckets: a
                   narrower bucket is widened to a multiple of MS, and bucket_ms says so)
    --budget EVENTS  the events the run may take (default 300000000, about one to two minutes);
                   a scenario estimated past it is refused, a run past it stops cleanly
    --pretty       indent the JSON
    --perfetto FILE  also write the run's packets to FILE as a Chrome / Perfetto trace (JSON
                   Trace Event Format: a track per node, a slice per packet when it leaves,
                   flow arrows to its receiver, losses as instant events, microseconds of
                   simulated time; the first 200,000 packets; open it in ui.perfetto.dev)
    --csv          print CSV instead: a header naming the fields (nested ones joined with dots,
                   latency_ms.p50; the series and per-message list left out) and one row
    --progress     a progress bar on stderr even when stderr is not a terminal (it is drawn
                   anyway when stderr is a terminal; never on stdout)

EXIT STATUS: 0 on success; 2 on bad input, with one line on stderr naming the field; 3 when the
run stopped at its budget (the report's \"stopped\" says which, with the metrics so far); 141,
quietly, when the reader of stdout went away. See docs/budgets.md.";

/// The exit status when the reader of stdout has gone (`mcast run ... | head`): 128 + SIGPIPE,
/// what a shell reports for a program the closed pipe stopped.
const CLOSED_PIPE: u8 = 141;

/// Writes `text` and a newline to stdout; if the reader has gone, ends the process quietly with
/// [`CLOSED_PIPE`] (nothing more can be said to anyone).
pub(crate) fn print_line(text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(i32::from(CLOSED_PIPE)),
        Err(e) => Err(format!("stdout: {e}")),
    }
}

/// An error message on one line, whatever it echoes (a file name or flag with a newline in it).
fn one_line(msg: &str) -> String {
    msg.chars().flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] }).collect()
}

fn main() -> ExitCode {
    let args: Vec<String> = match std::env::args_os().skip(1).map(|a| a.into_string()).collect() {
        Ok(args) => args,
        Err(bad) => {
            eprintln!("mcast: an argument is not valid UTF-8: {}", one_line(&bad.to_string_lossy()));
            return ExitCode::from(2);
        }
    };
    if let Some(("docs", rest)) = args.split_first().map(|(c, rest)| (c.as_str(), rest)) {
        if !rest.iter().any(|a| a == "--help" || a == "-h") {
            return match docs::cmd(rest) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(1),
                Err(msg) => {
                    eprintln!("mcast: {}", one_line(&msg));
                    ExitCode::from(2)
                }
            };
        }
    }
    match run(&args) {
        Ok(status) => ExitCode::from(status),
        Err(msg) => {
            eprintln!("mcast: {}", one_line(&msg));
            ExitCode::from(2)
        }
    }
}

/// The exit status of a run the kernel stopped at its budget (its report says which).
const STOPPED: u8 = 3;

/// Runs a command; its exit status on success (0, or [`STOPPED`]).
fn run(args: &[String]) -> Result<u8, String> {
    let (cmd, rest) = args.split_first().ok_or("no command (try `mcast help`)")?;
    if rest.iter().any(|a| a == "--help" || a == "-h") || cmd == "help" || cmd == "--help" {
        let help = match cmd.as_str() {
            "run" => RUN_HELP,
            "sweep" => sweep::HELP,
            "bench" => bench::HELP,
            "docs" => docs::HELP,
            _ => {
                println!("{USAGE}\n\nPROTOCOLS (a scenario's `protocol.kind`; parameters in docs/protocols/KIND.md):");
                for f in mcast::protocols::FAMILIES {
                    println!("    {:<12} {}", f.kind(), f.title());
                }
                return Ok(0);
            }
        };
        println!("{help}");
        return Ok(0);
    }
    match cmd.as_str() {
        "run" => cmd_run(rest),
        "sweep" => sweep::cmd(rest).map(|()| 0),
        "link" => cmd_link(rest).map(|()| 0),
        "bench" => bench::cmd(rest).map(|()| 0),
        other => Err(format!("unknown command `{other}` (try `mcast help`)")),
    }
}

/// One positional argument and the `--flag value` pairs (a switch has an empty value).
type Parsed<'a> = (Option<&'a str>, Vec<(&'a str, &'a str)>);

/// Splits `args` into one positional argument and `--flag value` pairs.
fn parse<'a>(args: &'a [String], flags: &[&str], switches: &[&str]) -> Result<Parsed<'a>, String> {
    let (mut file, mut opts, mut it) = (None, Vec::new(), args.iter());
    while let Some(a) = it.next() {
        if switches.contains(&a.as_str()) {
            opts.push((a.as_str(), ""));
        } else if flags.contains(&a.as_str()) {
            let v = it.next().ok_or_else(|| format!("{a} needs a value"))?;
            opts.push((a.as_str(), v.as_str()));
        } else if a.starts_with("--") || file.is_some() {
            return Err(format!("unexpected argument `{a}`"));
        } else {
            file = Some(a.as_str());
        }
    }
    Ok((file, opts))
}

fn number<T: std::str::FromStr>(flag: &str, v: &str) -> Result<T, String> {
    v.parse().map_err(|_| format!("{flag}: not a valid number: `{v}`"))
}

fn load(file: Option<&str>) -> Result<Scenario, String> {
    load_with(file, &Limits::NATIVE)
}

/// Reads and validates the scenario in `file` (`-` for stdin) against `limits`.
fn load_with(file: Option<&str>, limits: &Limits) -> Result<Scenario, String> {
    let file = file.ok_or("missing scenario FILE")?;
    let text = if file == "-" {
        std::io::read_to_string(std::io::stdin()).map_err(|e| format!("stdin: {e}"))?
    } else {
        std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?
    };
    Scenario::from_json_with(&text, limits).map_err(|e: ScenarioError| format!("{file}: {e}"))
}

/// The native limits with the event budget `--budget` asks for (a number of events, `1e9` or
/// `1000000000`), if it asks.
fn limits_from(opts: &[(&str, &str)]) -> Result<Limits, String> {
    let Some((flag, v)) = opts.iter().find(|o| o.0 == "--budget") else { return Ok(Limits::NATIVE) };
    match v.parse::<f64>() {
        Ok(events) if events.is_finite() && (1.0..=1e15).contains(&events) => {
            Ok(Limits { max_events: events as u64, ..Limits::NATIVE })
        }
        _ => Err(format!("{flag}: must be a number of events from 1 to 1e15, got `{v}`")),
    }
}

/// How `mcast run` prints its report.
enum Format {
    /// One line of JSON.
    Json,
    /// Indented JSON.
    Pretty,
    /// A CSV header and one row (`mcast::export::report_csv`).
    Csv,
}

fn cmd_run(args: &[String]) -> Result<u8, String> {
    let (file, opts) =
        parse(args, &["--seed", "--series", "--budget", "--perfetto"], &["--pretty", "--csv", "--progress"])?;
    let limits = limits_from(&opts)?;
    let mut scenario = load_with(file, &limits)?;
    let (mut format, mut series, mut forced, mut perfetto) = (Format::Json, None, false, None);
    for (flag, v) in opts {
        match flag {
            "--budget" => {}
            "--seed" => scenario.seed = number(flag, v)?,
            "--series" => {
                let ms: f64 = number(flag, v)?;
                if !(0.001..=3_600_000.0).contains(&ms) {
                    return Err(format!("--series: must be a bucket width in ms from 0.001 to 3600000, got {v}"));
                }
                series = Some(SimDuration::from_ms_f64(ms));
            }
            "--pretty" => format = Format::Pretty,
            "--csv" => format = Format::Csv,
            "--perfetto" => perfetto = Some(v),
            _ => forced = true,
        }
    }
    let mut sim = engine::build_with(&scenario, &limits).map_err(|e| e.to_string())?;
    if let Some(bucket) = series {
        sim.record_series(bucket);
    }
    sim.set_packet_log(perfetto.is_some());
    run_with_progress(&mut *sim, &mut Progress::new(forced));
    if let Some(path) = perfetto {
        write_trace(path, &scenario, &*sim)?;
    }
    let report = sim.report();
    let text = match format {
        Format::Pretty => serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?,
        Format::Json => mcast::export::report_json(&report),
        Format::Csv => mcast::export::report_csv(&report).trim_end().to_string(),
    };
    print_line(&text)?;
    Ok(if sim.stopped().is_some() { STOPPED } else { 0 })
}

/// Writes the run's packet log to `path` as a Chrome / Perfetto trace (`mcast::export::perfetto`).
fn write_trace(path: &str, scenario: &Scenario, sim: &dyn Simulation) -> Result<(), String> {
    let name = if scenario.name.is_empty() { scenario.protocol.label() } else { scenario.name.as_str() };
    let info = mcast::export::perfetto::TraceInfo {
        name,
        nodes: sim.positions().len() as u32,
        overflow: sim.packet_log_overflow(),
    };
    let text = mcast::export::perfetto::trace(sim.packet_log(), &info);
    std::fs::write(path, text).map_err(|e| format!("--perfetto {path}: {e}"))
}

/// Runs `sim` to its end, in chunks of events with a progress bar if it is on: the same run as
/// `run_to_end`.
fn run_with_progress(sim: &mut dyn Simulation, progress: &mut Progress) {
    if !progress.is_on() {
        sim.run_to_end();
        return;
    }
    let end = sim.end().as_ms_f64();
    while !sim.is_done() {
        sim.run_steps(20_000);
        let now = sim.now().as_ms_f64();
        progress.show(now / end, || format!("{now:.1} of {end:.1} ms simulated, {} events", sim.counters().events));
    }
    progress.finish();
}

fn cmd_link(args: &[String]) -> Result<(), String> {
    let (file, opts) = parse(args, &["--base"], &[])?;
    let scenario = load(file)?;
    let base = opts.first().map_or("", |o| o.1);
    let fragment = link::encode_checked(&scenario).map_err(|e| format!("{}: {e}", file.unwrap_or("-")))?;
    print_line(&format!("{base}#{fragment}"))
}
