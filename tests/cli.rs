//! The native CLI as a user runs it: the real `mcast` binary, its stdout, stderr and exit status.

use mcast::scenario::{link, Limits, Scenario};
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn scenario_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name)
}

fn mcast(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mcast")).args(args).output().expect("mcast runs")
}

fn mcast_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mcast"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mcast starts");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().expect("mcast runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).expect("UTF-8 output")
}

/// Writes `contents` to a file of its own under the test's scratch directory.
fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}

fn centralized_json() -> String {
    std::fs::read_to_string(scenario_path("centralized.json")).unwrap()
}

/// Runs `mcast run` on `args` and returns the one JSON object it prints.
#[track_caller]
fn run_ok(args: &[&str]) -> Value {
    let out = mcast(args);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "mcast {args:?}: stderr {stderr}");
    assert_eq!(stderr, "", "mcast {args:?} wrote to stderr");
    assert_eq!(stdout.lines().count(), 1, "mcast {args:?}: expected one line: {stdout}");
    let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("mcast {args:?}: {e}: {stdout}"));
    assert!(v.is_object(), "{v}");
    v
}

/// Asserts exit status 2, nothing on stdout, and exactly one line on stderr containing `field`.
#[track_caller]
fn fails_naming(out: &Output, field: &str) -> String {
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "stdout {stdout}, stderr {stderr}");
    assert_eq!(stdout, "", "nothing on stdout when failing");
    assert_eq!(stderr.lines().count(), 1, "stderr must be one line: {stderr:?}");
    assert!(stderr.ends_with('\n'), "{stderr:?}");
    assert!(stderr.contains(field), "stderr should name `{field}`: {stderr}");
    stderr
}

fn number(v: &Value, ptr: &str) -> f64 {
    v.pointer(ptr).and_then(Value::as_f64).unwrap_or_else(|| panic!("no number at {ptr} in {v}"))
}

fn count(v: &Value, ptr: &str) -> u64 {
    v.pointer(ptr).and_then(Value::as_u64).unwrap_or_else(|| panic!("no count at {ptr} in {v}"))
}

fn hash(v: &Value) -> String {
    v["trace_hash"].as_str().unwrap_or_else(|| panic!("no trace_hash in {v}")).to_string()
}

#[test]
fn run_prints_the_metrics_as_one_json_object() {
    let path = scenario_path("centralized.json");
    let v = run_ok(&["run", path.to_str().unwrap()]);
    let h = hash(&v);
    assert_eq!(h.len(), 16, "{h}");
    assert!(h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)), "{h}");
    let ratio = number(&v, "/delivered_ratio");
    assert!((0.0..=1.0).contains(&ratio), "{ratio}");
    let (p50, p99, max) = (number(&v, "/latency_ms/p50"), number(&v, "/latency_ms/p99"), number(&v, "/latency_ms/max"));
    assert!(0.0 < p50 && p50 <= p99 && p99 <= max, "{p50} {p99} {max}");
    let data = count(&v, "/packets/data");
    assert_eq!(data, 299, "300 nodes, one message: one copy per receiver");
    assert_eq!(count(&v, "/packets/ack"), 0, "unreliable: no ACKs");
    let lost = count(&v, "/packets_lost");
    assert!(lost > 0 && lost < data, "5 % loss: {lost}");
    assert!(count(&v, "/events") > 0);
    assert_eq!(count(&v, "/deliveries") + lost, data);
}

#[test]
fn cli_and_library_agree() {
    let path = scenario_path("centralized-acks.json");
    let v = run_ok(&["run", path.to_str().unwrap()]);
    let s = Scenario::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut sim = mcast::engine::build(&s).unwrap();
    sim.run_to_end();
    assert_eq!(v, serde_json::to_value(sim.report()).unwrap());
}

#[test]
fn run_help_documents_the_metrics() {
    for args in [&["run", "--help"][..], &["run", "-h"], &["run", "x.json", "--help"]] {
        let out = mcast(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let help = text(&out.stdout);
        for word in ["trace_hash", "delivered_ratio", "latency_ms", "packets_lost", "--seed"] {
            assert!(help.contains(word), "`mcast {args:?}` does not document {word}: {help}");
        }
    }
    let out = mcast(&["help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("mcast run"));
}

#[test]
fn seed_flag_replaces_the_seed() {
    let path = scenario_path("centralized.json");
    let p = path.to_str().unwrap();
    let base = hash(&run_ok(&["run", p]));
    // The file's own seed is 1: passing it changes nothing.
    assert_eq!(hash(&run_ok(&["run", p, "--seed", "1"])), base);
    let mut seen = vec![base.clone()];
    for seed in ["2", "3", "9007199254740991"] {
        let h = hash(&run_ok(&["run", p, "--seed", seed]));
        assert!(!seen.contains(&h), "--seed {seed} gave a hash already seen: {h}");
        seen.push(h);
    }
    // Flags may come first, and the same seed gives the same run.
    assert_eq!(hash(&run_ok(&["run", "--seed", "2", p])), seen[1]);
}

#[test]
fn bad_seed_flag_fails() {
    let path = scenario_path("centralized.json");
    let p = path.to_str().unwrap();
    fails_naming(&mcast(&["run", p, "--seed", "abc"]), "--seed");
    fails_naming(&mcast(&["run", p, "--seed", "-1"]), "--seed");
    fails_naming(&mcast(&["run", p, "--seed", "9007199254740992"]), "seed");
    fails_naming(&mcast(&["run", p, "--seed"]), "--seed");
}

#[test]
fn pretty_prints_the_same_object() {
    let path = scenario_path("centralized.json");
    let p = path.to_str().unwrap();
    let out = mcast(&["run", p, "--pretty"]);
    assert_eq!(out.status.code(), Some(0));
    let pretty = text(&out.stdout);
    assert!(pretty.lines().count() > 10, "{pretty}");
    assert_eq!(serde_json::from_str::<Value>(&pretty).unwrap(), run_ok(&["run", p]));
}

#[test]
fn negative_loss_exits_2_naming_the_field() {
    let path = temp_file("negative-loss.json", &centralized_json().replace("\"loss\": 0.05", "\"loss\": -0.5"));
    let err = fails_naming(&mcast(&["run", path.to_str().unwrap()]), "network.loss");
    assert!(err.contains("-0.5"), "{err}");
}

#[test]
fn other_bad_values_exit_2_naming_the_field() {
    for (from, to, field) in [
        ("\"size\": 300", "\"size\": 1", "group.size"),
        ("\"size\": 300", "\"size\": 2000000", "group.size"),
        ("\"sender\": 0", "\"sender\": 300", "group.sender"),
        ("\"version\": 1", "\"version\": 2", "version"),
        ("\"messages\": 1", "\"messages\": 0", "workload.messages"),
        ("\"latency_ms\": 5", "\"latency_ms\": -5", "network.latency_ms"),
        ("\"loss\": 0.05", "\"los\": 0.05", "network"),
        ("\"size\": 300", "\"size\": \"many\"", "group.size"),
    ] {
        let contents = centralized_json().replace(from, to);
        assert_ne!(contents, centralized_json(), "{from} not in the file");
        let path = temp_file(&format!("bad-{field}.json"), &contents);
        fails_naming(&mcast(&["run", path.to_str().unwrap()]), field);
    }
}

#[test]
fn bad_json_exits_2() {
    let good = centralized_json();
    let path = temp_file("truncated.json", &good[..good.len() / 3]);
    fails_naming(&mcast(&["run", path.to_str().unwrap()]), "line");
    let path = temp_file("not-json.json", "this is not a scenario");
    fails_naming(&mcast(&["run", path.to_str().unwrap()]), "scenario");
    let path = temp_file("empty.json", "");
    fails_naming(&mcast(&["run", path.to_str().unwrap()]), "scenario");
}

#[test]
fn missing_field_exits_2_naming_its_parent() {
    let path = temp_file("no-size.json", &centralized_json().replace("\"size\": 300, ", ""));
    let err = fails_naming(&mcast(&["run", path.to_str().unwrap()]), "group");
    assert!(err.contains("size"), "{err}");
    let path = temp_file("no-protocol-kind.json", &centralized_json().replace("\"kind\": \"centralized\", ", ""));
    fails_naming(&mcast(&["run", path.to_str().unwrap()]), "protocol");
}

#[test]
fn nonexistent_file_exits_2() {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("there-is-no-such-scenario.json");
    let err = fails_naming(&mcast(&["run", path.to_str().unwrap()]), "there-is-no-such-scenario.json");
    assert!(err.starts_with("mcast: "), "{err}");
    fails_naming(&mcast(&["run"]), "FILE");
}

#[test]
fn bad_usage_exits_2() {
    fails_naming(&mcast(&["frobnicate"]), "frobnicate");
    let path = scenario_path("centralized.json");
    let p = path.to_str().unwrap();
    fails_naming(&mcast(&["run", p, "--verbose"]), "--verbose");
    fails_naming(&mcast(&["run", p, p]), "unexpected");
    let out = mcast(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn stdin_dash_reads_the_scenario() {
    let path = scenario_path("centralized.json");
    let from_file = run_ok(&["run", path.to_str().unwrap()]);
    let out = mcast_stdin(&["run", "-"], &centralized_json());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap(), from_file);
    let out = mcast_stdin(&["run", "-"], "{\"version\": 1}");
    fails_naming(&out, "missing field `seed`");
}

#[test]
fn link_prints_a_decodable_share_link() {
    let path = scenario_path("centralized-acks.json");
    let p = path.to_str().unwrap();
    let out = mcast(&["link", p, "--base", "https://example.org/play/"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let line = text(&out.stdout);
    let line = line.trim_end();
    let fragment = line.strip_prefix("https://example.org/play/#").unwrap_or_else(|| panic!("{line}"));
    let decoded = link::decode(fragment, &Limits::BROWSER).unwrap();
    let original = Scenario::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(decoded, original);
    assert_eq!(fragment, link::encode(&original));
}
