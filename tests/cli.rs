//! The real binary on fixtures: whole outputs compared with snapshots in `tests/snapshots/` (exit
//! code, stdout, stderr — the ruff CLI-test pattern). `UPDATE_SNAPSHOTS=1 cargo test --release`
//! rewrites them after an intended change (a new model changes scores); review the diff.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures() -> PathBuf {
    root().join("tests/fixtures")
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `framemark ARGS` in the repository root, with `stdin` fed in.
pub fn framemark(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_framemark"))
        .args(args)
        .current_dir(root())
        .env_remove("FRAMEMARK_MODEL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("framemark runs");
    {
        use std::io::Write;
        let mut sin = child.stdin.take().expect("stdin");
        // The binary may exit before reading everything (e.g. a usage error): ignore EPIPE.
        let _ = sin.write_all(stdin);
    }
    let out = child.wait_with_output().expect("framemark finishes");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Compares a run with `tests/snapshots/<name>.snap`, or writes it when UPDATE_SNAPSHOTS is set.
pub fn snapshot(name: &str, run: &Run) {
    let text = format!("exit code: {}\n----- stdout -----\n{}----- stderr -----\n{}", run.code, run.stdout, run.stderr);
    let path = root().join("tests/snapshots").join(format!("{name}.snap"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} missing: run with UPDATE_SNAPSHOTS=1 to create it", path.display()));
    if want != text {
        let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), text.lines().collect());
        let first = w.iter().zip(&g).position(|(a, b)| a != b).unwrap_or(w.len().min(g.len()));
        panic!(
            "snapshot {name} differs at line {}:\n  want: {:?}\n  got:  {:?}\n(UPDATE_SNAPSHOTS=1 rewrites it)",
            first + 1,
            w.get(first),
            g.get(first)
        );
    }
}

pub fn rel(p: &Path) -> String {
    p.strip_prefix(root()).unwrap_or(p).display().to_string()
}

#[test]
fn classify_example_human() {
    let run = framemark(&["classify", "examples/harbor-bridge.txt"], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    snapshot("classify_example_human", &run);
}

#[test]
fn classify_example_jsonl() {
    let run = framemark(&["classify", "--format", "jsonl", "examples/harbor-bridge.txt"], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    for line in run.stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        for key in ["schema", "model", "doc", "unit", "start", "end", "text", "loaded", "techniques"] {
            assert!(v.get(key).is_some(), "missing {key} in {line}");
        }
    }
    snapshot("classify_example_jsonl", &run);
}

#[test]
fn jsonl_offsets_index_the_input() {
    let text = std::fs::read_to_string(root().join("examples/harbor-bridge.txt")).unwrap();
    let chars: Vec<char> = text.chars().collect();
    let run = framemark(&["classify", "--format", "jsonl", "examples/harbor-bridge.txt"], b"");
    for line in run.stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let (s, e) = (v["start"].as_u64().unwrap() as usize, v["end"].as_u64().unwrap() as usize);
        assert_eq!(chars[s..e].iter().collect::<String>(), v["text"].as_str().unwrap());
        for t in v["techniques"].as_array().unwrap() {
            for span in t["evidence"].as_array().unwrap() {
                let (a, b) = (span[0].as_u64().unwrap() as usize, span[1].as_u64().unwrap() as usize);
                assert!(s <= a && a < b && b <= e, "evidence {a}..{b} outside unit {s}..{e}");
            }
        }
    }
}

#[test]
fn stdin_jsonl_records() {
    let input = b"{\"id\": \"a\", \"text\": \"They unleashed a wave of chaos on our streets.\"}\n{\"id\": 7, \"text\": \"The meeting starts at noon.\"}\n";
    let run = framemark(&["classify", "--input", "jsonl", "--format", "jsonl", "-"], input);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let docs: Vec<String> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["doc"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(docs, ["a", "7"]);
}

/// Every kind of bad input in one run: each gets an error record naming it, the good document is
/// still reported, and the exit code is 2.
#[test]
fn bad_inputs_are_reported_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name);
    std::fs::write(p("empty.txt"), "").unwrap();
    std::fs::write(p("binary.txt"), b"\x00\x01\x02ELF").unwrap();
    std::fs::write(p("latin1.txt"), b"caf\xe9 au lait").unwrap();
    std::fs::write(p("bad.jsonl"), "{\"id\":\"ok\",\"text\":\"Fine.\"}\n{not json\n").unwrap();
    std::fs::create_dir(p("nothing")).unwrap();
    std::fs::write(p("nothing/readme.bin"), "x").unwrap();
    std::fs::write(p("huge.txt"), "word ".repeat(1_100_000)).unwrap();
    let good = fixtures().join("short.txt");
    let missing = p("missing.txt");
    let args: Vec<String> = vec![
        "classify".into(),
        "--format".into(),
        "jsonl".into(),
        missing.display().to_string(),
        p("empty.txt").display().to_string(),
        p("binary.txt").display().to_string(),
        p("latin1.txt").display().to_string(),
        p("nothing").display().to_string(),
        p("huge.txt").display().to_string(),
        rel(&good),
    ];
    let run = framemark(&args.iter().map(String::as_str).collect::<Vec<_>>(), b"");
    assert_eq!(run.code, 2, "{}", run.stderr);
    let records: Vec<serde_json::Value> = run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let errors: Vec<(String, String)> = records
        .iter()
        .filter(|r| r.get("error").is_some())
        .map(|r| (r["doc"].as_str().unwrap().to_string(), r["error"].as_str().unwrap().to_string()))
        .collect();
    let find = |needle: &str| {
        errors.iter().find(|(d, _)| d.contains(needle)).unwrap_or_else(|| panic!("no error record for {needle}: {errors:?}"))
    };
    assert!(find("missing.txt").1.to_lowercase().contains("no such file"));
    assert!(find("empty.txt").1.contains("empty"));
    assert!(find("binary.txt").1.contains("binary"));
    assert!(find("latin1.txt").1.contains("UTF-8"));
    assert!(find("nothing").1.contains("no text files"));
    assert!(find("huge.txt").1.contains("--max-chars"));
    assert!(records.iter().any(|r| r["doc"] == rel(&good).as_str() && r.get("unit").is_some()), "good document reported");
    // stderr names each failure too
    for (doc, _) in &errors {
        assert!(run.stderr.contains(doc.as_str()), "stderr does not name {doc}");
    }

    let run = framemark(&["classify", "--input", "jsonl", "--format", "jsonl", &p("bad.jsonl").display().to_string()], b"");
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains("\"doc\":\"ok\""), "{}", run.stdout);
    assert!(run.stdout.contains("bad.jsonl:2"), "{}", run.stdout);
}

#[test]
fn usage_errors_exit_2() {
    for args in [vec!["classify"], vec!["eval", "no-such-set"], vec!["classify", "--threshold", "Nope=0.5", "x.txt"], vec!["frobnicate"]] {
        let run = framemark(&args, b"");
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(!run.stderr.is_empty());
    }
    let run = framemark(&["classify", "--model", "no/such/model", "examples/harbor-bridge.txt"], b"");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("framemark: loading model no/such/model"), "{}", run.stderr);
}

#[test]
fn threshold_override_changes_decisions() {
    let run = framemark(&["classify", "--format", "jsonl", "--threshold", "loaded=1.0", "examples/harbor-bridge.txt"], b"");
    assert_eq!(run.code, 0);
    assert!(run.stdout.lines().all(|l| l.contains("\"loaded\":false")));
    assert!(run.stdout.contains("\"loaded_threshold\":1.0"));
}
