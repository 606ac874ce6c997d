//! `mcast`: the playground's engine on the command line.
//!
//! `mcast run FILE` runs a scenario and prints its metrics as one JSON object; `mcast link FILE`
//! prints its share-link fragment; `mcast bench` measures the engine's speed. Bad input exits
//! with status 2 and one line on stderr naming the field.

use mcast::engine;
use mcast::protocols::centralized::CentralizedConfig;
use mcast::scenario::{link, ProtocolSpec, Scenario, ScenarioError};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
mcast: simulate reliable-multicast protocols

USAGE:
    mcast run FILE [--seed N] [--pretty]   run a scenario, print its metrics as JSON
    mcast link FILE [--base URL]           print the scenario's share link
    mcast bench [--nodes N] [--messages M] [--loss P]
                                           measure simulated events per second
    mcast help                             this text

Run `mcast run --help` for the metrics it prints.";

const RUN_HELP: &str = "\
mcast run FILE [--seed N] [--pretty]

Runs the scenario in FILE (JSON, see README.md \"Scenario format\"; `-` reads standard input)
to its end and prints one JSON object on stdout:

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
    stream            for a live stream only: packets, playout_delay_ms, receivers,
                      late and missing (totals), late_per_receiver and
                      missing_per_receiver {p50, p99, max}, receivers_complete_on_time;
                      a packet is late if delivered after send + playout delay, missing
                      if owed and never delivered
    events            events the kernel processed
    sim_time_ms, live_nodes, messages
    nodes             node ids in the run: the initial group and every joiner

OPTIONS:
    --seed N    replace the scenario's seed
    --pretty    indent the JSON

EXIT STATUS: 0 on success; 2 on bad input, with one line on stderr naming the field.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("mcast: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let (cmd, rest) = args.split_first().ok_or("no command (try `mcast help`)")?;
    if rest.iter().any(|a| a == "--help" || a == "-h") || cmd == "help" || cmd == "--help" {
        println!("{}", if cmd == "run" { RUN_HELP } else { USAGE });
        return Ok(());
    }
    match cmd.as_str() {
        "run" => cmd_run(rest),
        "link" => cmd_link(rest),
        "bench" => cmd_bench(rest),
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
    let file = file.ok_or("missing scenario FILE")?;
    let text = if file == "-" {
        std::io::read_to_string(std::io::stdin()).map_err(|e| format!("stdin: {e}"))?
    } else {
        std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?
    };
    Scenario::from_json(&text).map_err(|e: ScenarioError| format!("{file}: {e}"))
}

fn cmd_run(args: &[String]) -> Result<(), String> {
    let (file, opts) = parse(args, &["--seed"], &["--pretty"])?;
    let mut scenario = load(file)?;
    let mut pretty = false;
    for (flag, v) in opts {
        match flag {
            "--seed" => scenario.seed = number(flag, v)?,
            _ => pretty = true,
        }
    }
    let mut sim = engine::build(&scenario).map_err(|e| e.to_string())?;
    sim.run_to_end();
    let report = sim.report();
    let json = if pretty { serde_json::to_string_pretty(&report) } else { serde_json::to_string(&report) };
    println!("{}", json.map_err(|e| e.to_string())?);
    Ok(())
}

fn cmd_link(args: &[String]) -> Result<(), String> {
    let (file, opts) = parse(args, &["--base"], &[])?;
    let scenario = load(file)?;
    let base = opts.first().map_or("", |o| o.1);
    println!("{base}#{}", link::encode(&scenario));
    Ok(())
}

fn cmd_bench(args: &[String]) -> Result<(), String> {
    let (_, opts) = parse(args, &["--nodes", "--messages", "--loss"], &[])?;
    let mut s = Scenario::default_playground();
    s.name = "bench".into();
    s.group.size = 10_000;
    s.workload.messages = 20;
    s.workload.interval_ms = 50.0;
    s.network.loss = 0.05;
    s.network.uplink_bytes_per_sec = 0;
    s.duration_ms = 3_600_000.0;
    s.protocol = ProtocolSpec::Centralized(CentralizedConfig { reliable: true, ..CentralizedConfig::default() });
    for (flag, v) in opts {
        match flag {
            "--nodes" => s.group.size = number(flag, v)?,
            "--messages" => s.workload.messages = number(flag, v)?,
            _ => s.network.loss = number(flag, v)?,
        }
    }
    let mut best = f64::INFINITY;
    let mut report = None;
    for _ in 0..3 {
        let t0 = Instant::now();
        let mut sim = engine::build(&s).map_err(|e| e.to_string())?;
        sim.run_to_end();
        best = best.min(t0.elapsed().as_secs_f64());
        report = Some(sim.report());
    }
    let r = report.ok_or("no run")?;
    println!(
        "{{\"scenario\":\"centralized with ACKs\",\"nodes\":{},\"messages\":{},\"loss\":{},\"events\":{},\"seconds\":{:.4},\"events_per_sec\":{:.0},\"trace_hash\":\"{}\"}}",
        r.nodes,
        r.messages,
        s.network.loss,
        r.events,
        best,
        r.events as f64 / best,
        r.trace_hash
    );
    Ok(())
}
