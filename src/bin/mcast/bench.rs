//! `mcast bench`: the engine's speed (events per second) and memory per node at several sizes.
//!
//! The workload is centralized multicast with ACKs at 5 % loss over an unlimited uplink: every
//! copy and every ACK is an event, so the run stresses the event queue and the kernel rather than
//! the protocol. Each size runs `--repeat` times and the fastest run counts.
//!
//! Memory is the peak resident set (`VmHWM` in `/proc/self/status`, Linux only) above the
//! resident set before the simulation was built, over the group size. The peak is per process,
//! so when several sizes are asked for, each runs in a child process of its own (the same binary
//! with `--in-process`); sizes that share a process (`--in-process` with a list) run smallest first
//! and each reports the process's peak so far.

use super::{number, parse};
use mcast::engine;
use mcast::protocols::centralized::CentralizedConfig;
use mcast::scenario::{ProtocolSpec, Scenario};
use mcast::text::thousands;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::process::Command;
use std::time::Instant;

pub const HELP: &str = "\
mcast bench [--nodes LIST] [--protocol SPEC] [--messages M] [--loss P] [--jitter-ms J]
            [--repeat R] [--markdown]

Measures simulated events per second and memory per node: by default centralized multicast with
ACKs, 5 % loss, unlimited uplink, for each group size in LIST (default 1k,10k,100k,1M; suffixes k
and M allowed), smallest first, each in a child process of its own so that its peak memory is its
own.

OPTIONS:
    --nodes LIST    group sizes, e.g. 1000,10k,1M
    --protocol SPEC the protocol: a kind with its default parameters (gossip), or a scenario's
                    protocol object ('{\"kind\":\"gossip\",\"fanout\":4}'); default centralized
                    with ACKs
    --messages M    messages per run (default 20, or 2 above 100,000 nodes)
    --loss P        loss probability (default 0.05)
    --jitter-ms J   a uniform extra delay in [0, J] ms per packet (default 2, the playground's),
                    on top of 5 ms plus 40 ms per unit of distance in the unit square
    --repeat R      runs per size; the fastest counts (default 3)
    --markdown      a Markdown table (for docs/benchmarks.md) instead of JSON lines
    --in-process    run every size in this process (peak memory is then process-wide)

OUTPUT: one JSON line per size: scenario, nodes, messages, loss, events, seconds,
events_per_sec, peak_rss_bytes and bytes_per_node (null where /proc is not available),
trace_hash.";

/// One size's measurement.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    scenario: String,
    nodes: u32,
    messages: u32,
    loss: f64,
    events: u64,
    seconds: f64,
    events_per_sec: f64,
    peak_rss_bytes: Option<u64>,
    bytes_per_node: Option<f64>,
    trace_hash: String,
}

/// A field of `/proc/self/status` in bytes (`VmRSS`, `VmHWM`), where there is one.
fn status_bytes(field: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let value = text.lines().find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))?;
    let kb: u64 = value.trim().strip_suffix("kB")?.trim().parse().ok()?;
    Some(kb * 1024)
}

/// `1000`, `10k` or `1M`.
fn size(v: &str) -> Result<u32, String> {
    let s = v.trim();
    let (digits, unit) = match (s.strip_suffix(['k', 'K']), s.strip_suffix('M')) {
        (Some(digits), _) => (digits, 1_000),
        (None, Some(digits)) => (digits, 1_000_000),
        (None, None) => (s, 1),
    };
    let n: u32 = number("--nodes", digits)?;
    n.checked_mul(unit).ok_or_else(|| format!("--nodes: too large: `{v}`"))
}

/// What a bench run is made of besides its size.
#[derive(Clone, Debug)]
struct Shape {
    protocol: ProtocolSpec,
    messages: Option<u32>,
    loss: f64,
    jitter_ms: Option<f64>,
}

/// The protocol `--protocol` names: a kind (its defaults) or a JSON protocol object, read as a
/// scenario's `protocol` so that a bad field is named as in a scenario file.
fn protocol(v: &str) -> Result<ProtocolSpec, String> {
    let value: Value = match v.trim_start().starts_with('{') {
        true => serde_json::from_str(v).map_err(|e| format!("--protocol: not JSON: {e}"))?,
        false => serde_json::json!({ "kind": v }),
    };
    let mut base = serde_json::to_value(Scenario::default_playground()).map_err(|e| e.to_string())?;
    if let Some(slot) = base.as_object_mut() {
        slot.insert("protocol".into(), value);
    }
    Scenario::from_json(&base.to_string()).map(|s| s.protocol).map_err(|e| format!("--protocol: {e}"))
}

fn scenario(nodes: u32, shape: &Shape) -> Scenario {
    let (messages, loss) = (shape.messages, shape.loss);
    let mut s = Scenario::default_playground();
    s.name = "bench".into();
    s.group.size = nodes;
    s.workload.messages = messages.unwrap_or(if nodes > 100_000 { 2 } else { 20 });
    s.workload.interval_ms = 50.0;
    s.network.loss = loss;
    s.network.uplink_bytes_per_sec = 0;
    if let Some(j) = shape.jitter_ms {
        s.network.jitter_ms = j;
    }
    s.duration_ms = 3_600_000.0;
    s.protocol = shape.protocol.clone();
    s
}

fn measure(s: &Scenario, repeat: u32) -> Result<Record, String> {
    let before = status_bytes("VmRSS");
    let mut best = f64::INFINITY;
    let mut report = None;
    for _ in 0..repeat {
        let t0 = Instant::now();
        let mut sim = engine::build(s).map_err(|e| e.to_string())?;
        sim.run_to_end();
        best = best.min(t0.elapsed().as_secs_f64());
        report = Some(sim.report());
    }
    let r = report.ok_or("--repeat: must be at least 1")?;
    let peak = status_bytes("VmHWM");
    Ok(Record {
        scenario: s.protocol.label().into(),
        nodes: r.nodes,
        messages: r.messages,
        loss: s.network.loss,
        events: r.events,
        seconds: best,
        events_per_sec: r.events as f64 / best,
        peak_rss_bytes: peak,
        bytes_per_node: peak.zip(before).map(|(p, b)| p.saturating_sub(b) as f64 / f64::from(r.nodes)),
        trace_hash: r.trace_hash,
    })
}

/// Runs one size in a child process of this binary and reads its JSON line.
fn in_child(nodes: u32, rest: &[String]) -> Result<Record, String> {
    let exe = std::env::current_exe().map_err(|e| format!("bench: cannot find this binary: {e}"))?;
    let out = Command::new(exe)
        .args(["bench", "--in-process", "--nodes", &nodes.to_string()])
        .args(rest)
        .output()
        .map_err(|e| format!("bench: cannot start a child process: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!("bench at {nodes} nodes failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    serde_json::from_str(text.trim()).map_err(|e| format!("bench at {nodes} nodes: unreadable output ({e}): {text}"))
}

fn markdown(records: &[Record]) -> String {
    let mut t = String::from(
        "| nodes | messages | events | seconds | events per second | peak memory (RSS) | memory per node |\n\
         |---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in records {
        let peak = r.peak_rss_bytes.map_or(String::new(), |b| format!("{:.1} MB", b as f64 / 1e6));
        let per_node = r.bytes_per_node.map_or(String::new(), |b| format!("{b:.0} B"));
        t.push_str(&format!(
            "| {} | {} | {} | {:.3} | {:.2} M | {peak} | {per_node} |\n",
            thousands(u64::from(r.nodes)),
            r.messages,
            thousands(r.events),
            r.seconds,
            r.events_per_sec / 1e6,
        ));
    }
    t
}

/// `mcast bench`.
pub fn cmd(args: &[String]) -> Result<(), String> {
    let valued = ["--nodes", "--protocol", "--messages", "--loss", "--jitter-ms", "--repeat"];
    let (file, opts) = parse(args, &valued, &["--markdown", "--in-process"])?;
    if let Some(f) = file {
        return Err(format!("unexpected argument `{f}`"));
    }
    let get = |f: &str| opts.iter().rev().find(|o| o.0 == f).map(|o| o.1);
    let mut sizes = get("--nodes").unwrap_or("1k,10k,100k,1M").split(',').map(size).collect::<Result<Vec<_>, _>>()?;
    sizes.sort_unstable();
    sizes.dedup();
    let messages: Option<u32> = get("--messages").map(|v| number("--messages", v)).transpose()?;
    let loss: f64 = get("--loss").map_or(Ok(0.05), |v| number("--loss", v))?;
    let jitter_ms: Option<f64> = get("--jitter-ms").map(|v| number("--jitter-ms", v)).transpose()?;
    let reliable = ProtocolSpec::Centralized(CentralizedConfig { reliable: true, ..CentralizedConfig::default() });
    let protocol = get("--protocol").map_or(Ok(reliable), protocol)?;
    let shape = Shape { protocol, messages, loss, jitter_ms };
    let repeat: u32 = get("--repeat").map_or(Ok(3), |v| number("--repeat", v))?;
    if repeat == 0 {
        return Err("--repeat: must be at least 1".into());
    }
    // Validate every size before the first (possibly long) run.
    let scenarios: Vec<Scenario> = sizes.iter().map(|&n| scenario(n, &shape)).collect();
    for s in &scenarios {
        s.validate(&mcast::scenario::Limits::NATIVE).map_err(|e| e.to_string())?;
    }
    let separate = sizes.len() > 1 && get("--in-process").is_none();
    let mut records = Vec::new();
    for s in &scenarios {
        let r = if separate {
            let spec = serde_json::to_string(&s.protocol).map_err(|e| e.to_string())?;
            let mut rest = vec!["--loss".to_string(), loss.to_string(), "--repeat".into(), repeat.to_string()];
            rest.extend(["--messages".to_string(), s.workload.messages.to_string(), "--protocol".into(), spec]);
            rest.extend(jitter_ms.into_iter().flat_map(|j| ["--jitter-ms".to_string(), j.to_string()]));
            in_child(s.group.size, &rest)?
        } else {
            measure(s, repeat)?
        };
        if get("--markdown").is_none() {
            println!("{}", serde_json::to_string(&r).map_err(|e| e.to_string())?);
        }
        records.push(r);
    }
    if get("--markdown").is_some() {
        print!("{}", markdown(&records));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_suffixes() {
        assert_eq!(size("1k"), Ok(1000));
        assert_eq!(size("10K"), Ok(10_000));
        assert_eq!(size("1M"), Ok(1_000_000));
        assert_eq!(size("2500"), Ok(2500));
        assert!(size("1G").is_err() && size("k").is_err() && size("5000M").is_err());
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(41_067), "41,067");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn proc_status_is_read_in_bytes() {
        let rss = status_bytes("VmRSS").expect("VmRSS on Linux");
        let hwm = status_bytes("VmHWM").expect("VmHWM on Linux");
        assert!(rss > 0 && hwm >= rss, "rss {rss}, hwm {hwm}");
        assert_eq!(status_bytes("VmNoSuchField"), None);
    }
}
