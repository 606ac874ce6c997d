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
        for word in [
            "trace_hash",
            "delivered_ratio",
            "latency_ms",
            "packets_lost",
            "--seed",
            "message_completion_ms",
            "traffic",
            "duplicates_received",
            "rmr",
            "implosion",
            "link_stress",
            "sent_per_node",
            "hops",
            "--series",
            "--progress",
        ] {
            assert!(help.contains(word), "`mcast {args:?}` does not document {word}: {help}");
        }
    }
    let out = mcast(&["help"]);
    assert_eq!(out.status.code(), Some(0));
    for word in ["mcast run", "mcast sweep", "mcast bench"] {
        assert!(text(&out.stdout).contains(word), "`mcast help` does not mention {word}");
    }
    let sweep_flags = ["--param", "--from", "--values", "--seeds", "--csv", "--jobs", "--progress"];
    let sweep_flags = [&sweep_flags[..], &["--jobs-list", "--run-index"]].concat();
    for (cmd, words) in
        [("sweep", &sweep_flags[..]), ("bench", &["--nodes", "--messages", "--repeat", "--markdown", "bytes_per_node"])]
    {
        let out = mcast(&[cmd, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{cmd}");
        let help = text(&out.stdout);
        for word in words {
            assert!(help.contains(word), "`mcast {cmd} --help` does not document {word}: {help}");
        }
    }
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
        ("\"version\": 2", "\"version\": 3", "version"),
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

// ---------------------------------------------------------------------------------------------
// run --series, --progress
// ---------------------------------------------------------------------------------------------

#[test]
fn series_adds_counts_per_bucket_and_nothing_else() {
    let path = scenario_path("centralized-acks.json");
    let p = path.to_str().unwrap();
    let plain = run_ok(&["run", p]);
    assert!(plain.get("series").is_none(), "no series unless asked: {plain}");
    let mut v = run_ok(&["run", p, "--series", "25"]);
    let series = v.as_object_mut().unwrap().remove("series").expect("series");
    assert_eq!(v, plain, "--series changes nothing but the series");
    assert_eq!(number(&series, "/bucket_ms"), 25.0);
    let sum = |ptr: &str| -> u64 {
        series
            .pointer(ptr)
            .and_then(Value::as_array)
            .unwrap_or_else(|| panic!("{ptr}"))
            .iter()
            .map(|x| x.as_u64().unwrap())
            .sum()
    };
    for kind in ["data", "ack", "retransmit"] {
        assert_eq!(sum(&format!("/sent/{kind}")), count(&plain, &format!("/packets/{kind}")), "{kind}");
    }
    assert_eq!(sum("/lost"), count(&plain, "/packets_lost"));
    assert_eq!(sum("/duplicates"), count(&plain, "/duplicates_received"));
    // Deliveries include receivers that crashed later; the report counts the living.
    assert!(sum("/deliveries") >= count(&plain, "/deliveries"));
    for bad in ["0", "-1", "abc", "nan", "1e9"] {
        fails_naming(&mcast(&["run", p, "--series", bad]), "--series");
    }
}

#[test]
fn progress_bar_goes_to_stderr_only() {
    let path = scenario_path("centralized-acks.json");
    let p = path.to_str().unwrap();
    let plain = run_ok(&["run", p]);
    let out = mcast(&["run", p, "--progress"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap(), plain, "stdout unchanged");
    let err = text(&out.stderr);
    assert!(err.contains('%') && err.contains("ms simulated"), "a bar on stderr: {err:?}");
    // The bar is erased at the end: the last thing written returns to the start of the line.
    assert!(err.ends_with('\r'), "{err:?}");
}

// ---------------------------------------------------------------------------------------------
// sweep
// ---------------------------------------------------------------------------------------------

fn sweep(args: &[&str]) -> (String, String, Option<i32>) {
    let path = scenario_path("centralized.json");
    let mut all = vec!["sweep", path.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = mcast(&all);
    (text(&out.stdout), text(&out.stderr), out.status.code())
}

#[test]
fn sweep_prints_k_times_s_lines_in_order_whatever_the_threads() {
    let args = ["--param", "network.loss", "--from", "0", "--to", "0.3", "--steps", "4", "--seeds", "3"];
    let (one, err, code) = sweep(&[&args[..], &["--jobs", "1"]].concat());
    assert_eq!((code, err.as_str()), (Some(0), ""), "{err}");
    let lines: Vec<Value> = one.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 12, "{one}");
    for (i, v) in lines.iter().enumerate() {
        let (value, seed) = (i / 3, i % 3);
        assert_eq!(v["param"], "network.loss");
        assert!((number(v, "/value") - [0.0, 0.1, 0.2, 0.3][value]).abs() < 1e-12, "line {i}: {v}");
        assert_eq!(count(v, "/seed"), 1 + seed as u64, "line {i}: the file's seed is 1");
        assert!(v.pointer("/message_completion_ms/per_message").is_none(), "no lists in a sweep: {v}");
        if value == 0 {
            assert_eq!(count(v, "/packets_lost"), 0, "{v}");
        }
    }
    // The first keys are param, value, seed.
    assert!(one.starts_with("{\"param\":\"network.loss\",\"value\":0,\"seed\":1,\"trace_hash\":"), "{one}");
    for jobs in ["2", "5"] {
        let (many, _, code) = sweep(&[&args[..], &["--jobs", jobs]].concat());
        assert_eq!(code, Some(0));
        assert_eq!(many, one, "--jobs {jobs} vs --jobs 1");
    }
    // Each line is the run `mcast run` makes of the same scenario.
    let base = Scenario::from_json(&centralized_json()).unwrap();
    let mut s = base.with_param("network.loss", &serde_json::json!(0.2)).unwrap();
    s.seed = 2;
    let mut sim = mcast::engine::build(&s).unwrap();
    sim.run_to_end();
    let mut want = serde_json::to_value(sim.report()).unwrap();
    want["message_completion_ms"].as_object_mut().unwrap().remove("per_message");
    let mut got = lines[7].clone();
    for k in ["param", "value", "seed"] {
        got.as_object_mut().unwrap().remove(k);
    }
    assert_eq!(got, want);
}

#[test]
fn sweep_csv_has_a_header_and_one_row_per_run() {
    let (csv, err, code) = sweep(&["--param", "group.size", "--values", "10,20", "--seeds", "2", "--csv"]);
    assert_eq!((code, err.as_str()), (Some(0), ""), "{err}");
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 1 + 4, "{csv}");
    let header = &rows[0];
    assert_eq!(&header[..4], ["param", "value", "seed", "broadcast.last_delivery_hop"], "{csv}");
    for col in [
        "trace_hash",
        "latency_ms.p50",
        "rmr",
        "implosion.packets",
        "hops.last",
        "traffic.payload_packets",
        "bytes.ack",
    ] {
        assert!(header.contains(&col), "no column {col}: {csv}");
    }
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    for (i, row) in rows[1..].iter().enumerate() {
        assert_eq!(row.len(), header.len(), "row {i}: {csv}");
        assert_eq!((row[0], row[1], row[2]), ("group.size", ["10", "10", "20", "20"][i], ["1", "2", "1", "2"][i]));
        assert_eq!(row[col("nodes")], row[1], "{csv}");
    }
    let (again, _, _) = sweep(&["--param", "group.size", "--values", "10,20", "--seeds", "2", "--csv", "--jobs", "1"]);
    assert_eq!(again, csv);
}

#[test]
fn sweep_refuses_bad_parameters_naming_the_field() {
    for (args, field) in [
        (&["--param", "group.sise", "--values", "10"][..], "group.sise"),
        (&["--param", "nework.loss", "--values", "0.1"], "nework"),
        (&["--param", "network.loss", "--from", "0", "--to", "2", "--steps", "3"], "network.loss"),
        (&["--param", "group.size", "--values", "10.5"], "group.size"),
        (&["--param", "group.size", "--values", "1"], "group.size"),
        (&["--param", "network.loss", "--from", "0", "--to", "1"], "--steps"),
        (&["--param", "network.loss", "--from", "0", "--to", "1", "--steps", "0"], "--steps"),
        (&["--param", "network.loss", "--values", "0.1", "--seeds", "0"], "--seeds"),
        (&["--param", "network.loss", "--values", "0.1", "--jobs", "0"], "--jobs"),
        (&["--param", "network.loss", "--values", "0.1", "--seed", "9007199254740991", "--seeds", "2"], "seed"),
        (&["--values", "0.1"], "--param"),
    ] {
        let (stdout, stderr, code) = sweep(args);
        assert_eq!(code, Some(2), "{args:?}: {stdout} {stderr}");
        assert_eq!(stdout, "", "{args:?}: nothing runs before every value is checked");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(field), "{args:?}: stderr should name `{field}`: {stderr}");
    }
}

/// The commands `mcast sweep FILE ARGS --jobs-list` prints, one per line.
#[track_caller]
fn jobs_list(file: &str, args: &[&str]) -> Vec<String> {
    let out = mcast(&[&["sweep", file][..], args, &["--jobs-list"]].concat());
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "", "{args:?}");
    text(&out.stdout).lines().map(String::from).collect()
}

/// Runs each command with `sh -c`, in order, and concatenates what they print.
#[track_caller]
fn run_each(commands: &[String]) -> String {
    let mut all = String::new();
    for c in commands {
        let out = Command::new("sh").arg("-c").arg(c).output().expect("sh runs");
        assert_eq!(out.status.code(), Some(0), "{c}: {}", text(&out.stderr));
        assert_eq!(text(&out.stderr), "", "{c}");
        let line = text(&out.stdout);
        assert!(line.ends_with('\n') && !line.is_empty(), "{c}: {line:?}");
        all += &line;
    }
    all
}

#[test]
fn a_jobs_list_run_anywhere_concatenates_into_the_sweep() {
    // A file name a shell would split, expand or end a quote in.
    let file = temp_file("it's a \"sweep\" of $HOME *.json", &centralized_json());
    let file = file.to_str().unwrap();
    for args in [
        &["--param", "group.size", "--values", "10, 20,35", "--seeds", "2", "--seed", "7"][..],
        &["--param", "group.size", "--values", "10,20,35", "--seeds", "2", "--seed", "7", "--csv"],
        &["--param", "network.loss", "--from", "0", "--to", "0.2", "--steps", "3", "--seeds", "2"],
        &["--param", "network.loss", "--from", "0", "--to", "0.2", "--steps", "3", "--seeds", "2", "--csv"],
        &["--param", "group.layout", "--values", "disk,\"ring\"", "--csv"],
    ] {
        let out = mcast(&[&["sweep", file][..], args].concat());
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out.stderr));
        let one_machine = text(&out.stdout);
        let commands = jobs_list(file, args);
        let runs = one_machine.lines().count() - usize::from(args.contains(&"--csv"));
        assert_eq!(commands.len(), runs, "{args:?}: one command per run: {commands:#?}");
        assert_eq!(run_each(&commands), one_machine, "{args:?}: {commands:#?}");
        if args[3] == "10, 20,35" {
            // The sixth run: the third value's second seed. A command names the first value and
            // its own, so it stays short however long the list.
            let quoted = format!("'{}'", file.replace('\'', r"'\''"));
            let bin = env!("CARGO_BIN_EXE_mcast");
            let want =
                format!("{bin} sweep {quoted} --param group.size --values 10,35 --seeds 2 --seed 7 --run-index 3");
            assert_eq!(commands[5], want);
        }
    }
}

#[test]
fn a_run_index_prints_that_run_of_the_sweep_alone() {
    let args = ["--param", "network.loss", "--from", "0", "--to", "0.3", "--steps", "4", "--seeds", "3"];
    for csv in [false, true] {
        let args = [&args[..], if csv { &["--csv"][..] } else { &[] }].concat();
        let (whole, _, _) = sweep(&args);
        let lines: Vec<&str> = whole.lines().collect();
        for i in [0, 1, 7, 11] {
            let (one, err, code) = sweep(&[&args[..], &["--run-index", &i.to_string()]].concat());
            assert_eq!((code, err.as_str()), (Some(0), ""), "run {i}: {err}");
            let want = match (csv, i) {
                (true, 0) => format!("{}\n{}\n", lines[0], lines[1]),
                (true, _) => format!("{}\n", lines[i + 1]),
                (false, _) => format!("{}\n", lines[i]),
            };
            assert_eq!(one, want, "run {i}, csv {csv}");
        }
        let (out, err, code) = sweep(&[&args[..], &["--run-index", "12"]].concat());
        assert_eq!((code, out.as_str()), (Some(2), ""));
        assert!(err.contains("--run-index") && err.contains("12 runs"), "{err}");
    }
}

#[test]
fn a_jobs_list_needs_a_file_and_no_run_index() {
    let (out, err, code) = sweep(&["--param", "seed", "--values", "1", "--jobs-list", "--run-index", "0"]);
    assert_eq!((code, out.as_str(), err.lines().count()), (Some(2), "", 1), "{err}");
    assert!(err.contains("--jobs-list") && err.contains("--run-index"), "{err}");
    // Refused before standard input is read.
    let out = mcast(&["sweep", "-", "--param", "seed", "--values", "1", "--jobs-list"]);
    let err = fails_naming(&out, "--jobs-list");
    assert!(err.contains("FILE"), "{err}");
    // A line break cannot stay in a list of one command per line.
    let (out, err, code) = sweep(&["--param", "name", "--values", "a\nb", "--jobs-list"]);
    assert_eq!((code, out.as_str(), err.lines().count()), (Some(2), "", 1), "{err}");
    assert!(err.contains("line break"), "{err}");
}

#[test]
fn absurd_counts_are_refused_up_front_naming_the_flag() {
    for (args, flag, count) in [
        (
            &["--param", "network.loss", "--from", "0", "--to", "1", "--steps", "4294967295"][..],
            "--steps",
            "4294967295",
        ),
        (&["--param", "network.loss", "--values", "0.1", "--seeds", "1000000000"], "--seeds", "1000000000"),
        (&["--param", "network.loss", "--values", "0,0.1", "--seeds", "5000001"], "--seeds", "10000002"),
        (
            &["--param", "network.loss", "--from", "0", "--to", "1", "--steps", "18446744073709551615", "--seeds", "2"],
            "--steps",
            "36893488147419103230",
        ),
    ] {
        for extra in [&[][..], &["--jobs-list"], &["--run-index", "0"]] {
            let (out, err, code) = sweep(&[args, extra].concat());
            assert_eq!((code, out.as_str(), err.lines().count()), (Some(2), "", 1), "{args:?} {extra:?}: {err}");
            for word in [flag, count, "10000000", "--jobs-list"] {
                assert!(err.contains(word), "{args:?}: should say {word}: {err}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// bench
// ---------------------------------------------------------------------------------------------

#[test]
fn bench_reports_each_size_smallest_first() {
    let out = mcast(&["bench", "--nodes", "2k,1000", "--messages", "2", "--repeat", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines: Vec<Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    for (v, n) in lines.iter().zip([1000u64, 2000]) {
        assert_eq!((count(v, "/nodes"), count(v, "/messages")), (n, 2), "{v}");
        assert!(count(v, "/events") > 4 * n, "data and ACKs for two messages: {v}");
        assert!(number(v, "/events_per_sec") > 0.0, "{v}");
        if cfg!(target_os = "linux") {
            assert!(number(v, "/bytes_per_node") > 0.0, "{v}");
            assert!(count(v, "/peak_rss_bytes") > 0, "{v}");
        }
    }
    let out = mcast(&["bench", "--nodes", "1000", "--messages", "1", "--repeat", "1", "--markdown"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert_eq!(table.lines().count(), 3, "{table}");
    assert!(table.starts_with("| nodes |") && table.contains("| 1,000 | 1 |"), "{table}");
    fails_naming(&mcast(&["bench", "--nodes", "1"]), "group.size");
    fails_naming(&mcast(&["bench", "--nodes", "lots"]), "--nodes");
    fails_naming(&mcast(&["bench", "--repeat", "0"]), "--repeat");
    fails_naming(&mcast(&["bench", "--protocol", "nope"]), "protocol.kind");
    fails_naming(&mcast(&["bench", "--protocol", r#"{"kind":"srm","c1":"x"}"#]), "protocol.c1");
    fails_naming(&mcast(&["bench", "--jitter-ms", "-1"]), "jitter");
    let out = mcast(&["bench", "--nodes", "300", "--protocol", "srm", "--messages", "1", "--repeat", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(r#""scenario":"SRM""#), "{}", text(&out.stdout));
}

#[test]
fn a_reader_that_goes_away_ends_the_run_quietly() {
    // `mcast run ... | head -c 10`: the reader has gone before the report is written. Its end of
    // the pipe is closed before mcast starts, so the write fails whatever the scheduling (a pipe
    // closed after the spawn would race a fast run whose report fits the pipe's buffer).
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_mcast"))
        .args(["run", scenario_path("live-stream.json").to_str().unwrap(), "--pretty"])
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .expect("mcast runs");
    assert_eq!(out.status.code(), Some(141), "stderr: {}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "a closed pipe is not an error to report: {}", text(&out.stderr));
}

#[test]
fn an_error_echoing_a_newline_stays_on_one_line() {
    let out = mcast(&["run", "no\nsuch.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(err.starts_with("mcast: no\\nsuch.json: "), "{err:?}");
}

#[test]
fn a_sweep_whose_reader_goes_away_ends_quietly_too() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mcast"))
        .args(["sweep", scenario_path("centralized.json").to_str().unwrap(), "--param", "seed", "--from", "1"])
        .args(["--to", "40", "--steps", "40", "--jobs", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mcast starts");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("mcast runs");
    assert_eq!(out.status.code(), Some(141), "stderr: {}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn a_run_past_its_event_budget_stops_cleanly_with_status_3() {
    // ACK implosion costs three times its estimate (6,192 events; it takes 19,256): a budget in
    // between accepts it, and the kernel stops it there.
    let file = scenario_path("ack-implosion.json");
    let out = mcast(&["run", file.to_str().unwrap(), "--budget", "10000"]);
    assert_eq!(out.status.code(), Some(3), "stderr: {}", text(&out.stderr));
    let report: Value = serde_json::from_str(&text(&out.stdout)).expect("the report so far");
    assert_eq!(report["stopped"], "event budget");
    assert_eq!(report["events"], 10000);
    // Below the estimate it is refused up front, naming what drives it.
    let refused = mcast(&["run", file.to_str().unwrap(), "--budget", "1000"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("expected to take"), "{}", text(&refused.stderr));
    let whole = mcast(&["run", scenario_path("srm.json").to_str().unwrap()]);
    assert_eq!(whole.status.code(), Some(0));
    let report: Value = serde_json::from_str(&text(&whole.stdout)).unwrap();
    assert_eq!(report["stopped"], Value::Null, "a run that ends says null");
    let bad = mcast(&["run", scenario_path("srm.json").to_str().unwrap(), "--budget", "many"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("--budget: must be a number of events"), "{}", text(&bad.stderr));
}

#[test]
fn an_argument_that_is_not_utf8_is_refused_in_one_line() {
    use std::os::unix::ffi::OsStrExt;
    let bad = std::ffi::OsStr::from_bytes(b"run\xff.json");
    let out = Command::new(env!("CARGO_BIN_EXE_mcast")).arg("run").arg(bad).output().expect("mcast runs");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).starts_with("mcast: an argument is not valid UTF-8: run"), "{}", text(&out.stderr));
}

#[test]
fn a_link_the_page_could_not_read_is_refused_pointing_to_the_file() {
    // 300,000 explicit positions make about 12 MB of JSON: no browser address holds its link.
    let golden = |i: u32, k: f64| (f64::from(i) * k).fract();
    let positions: Vec<[f64; 2]> =
        (0..300_000).map(|i| [golden(i, 0.618_033_988_749_894_9), golden(i, 0.754_877_666_246_692_8)]).collect();
    let doc = serde_json::json!({"version": 2, "seed": 1, "group": {"size": 300_000, "positions": positions},
        "protocol": {"kind": "centralized"}});
    let path = temp_file("big-link.json", &doc.to_string());
    let out = mcast(&["link", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("share link: the scenario's JSON is") && err.contains("share the file instead"), "{err}");
    assert!(out.stdout.is_empty());
}
