//! framemark as a pipeline step, through the real binary: `--fail-on` exit codes, `--threshold`
//! overrides, JSONL streamed from stdin to stdout record by record, and the Label Studio / doccano
//! export → import round trip. The conditions are chosen to hold or fail whatever the model
//! scores (`loaded>=0` always holds; `--threshold loaded=0` makes every unit loaded), so these
//! tests survive retraining.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::cli::{fixtures, framemark, rel, root};

fn example() -> String {
    rel(&root().join("examples/harbor-bridge.txt"))
}

#[test]
fn fail_on_exit_codes() {
    let ex = example();
    let short = rel(&fixtures().join("short.txt"));
    // (arguments after `classify --format jsonl`, expected exit code)
    let cases: &[(&[&str], i32)] = &[
        (&[], 0),
        (&["--fail-on", "loaded>=0"], 1),
        (&["--fail-on", "loaded>1"], 0),
        (&["--fail-on", "loaded_units>=0"], 1),
        (&["--fail-on", "loaded_units>=100000"], 0),
        (&["--fail-on", "Guilt_by_Association>=0"], 1),
        (&["--fail-on", "Guilt_by_Association>100000"], 0),
        // Any condition met fails the run.
        (&["--fail-on", "loaded_units>=100000", "--fail-on", "loaded<=1"], 1),
        // Every unit loaded / none loaded, whatever the model says (filler=1: no unit is filler,
        // which is never loaded).
        (&["--threshold", "loaded=0", "--threshold", "filler=1", "--fail-on", "loaded>=1"], 1),
        (&["--threshold", "loaded=0", "--threshold", "filler=1", "--fail-on", "loaded==100%"], 1),
        (&["--threshold", "loaded=1", "--fail-on", "loaded_units>=1"], 0),
        (&["--threshold", "loaded=1", "--fail-on", "loaded>0"], 0),
        (&["--threshold", "loaded=0", "--threshold", "filler=1", "--threshold", "Doubt=0", "--fail-on", "Doubt>=3"], 1),
    ];
    for (extra, want) in cases {
        let mut args = vec!["classify", "--format", "jsonl"];
        args.extend_from_slice(extra);
        args.extend([ex.as_str(), short.as_str()]);
        let run = framemark(&args, b"");
        assert_eq!(run.code, *want, "{extra:?}: {}", run.stderr);
        assert!(!run.stdout.is_empty(), "the report is still written");
        if *want == 1 {
            assert!(run.stderr.contains(&format!("framemark: {ex}: --fail-on ")), "{extra:?}: {}", run.stderr);
            assert!(run.stderr.contains(" met ("), "{}", run.stderr);
        } else {
            assert_eq!(run.stderr, "", "{extra:?}");
        }
    }
}

#[test]
fn an_error_wins_over_fail_on() {
    let run = framemark(&["classify", "--fail-on", "loaded>=0", &example(), "no/such.txt"], b"");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--fail-on loaded>=0 met"), "{}", run.stderr);
    assert!(run.stderr.contains("no/such.txt"), "{}", run.stderr);
}

#[test]
fn fail_on_parse_errors_exit_2() {
    let cases = [
        ("loaded=0.3", "unknown operator"),
        ("loaded", "no comparison"),
        ("loaded>=2", "not a number within 0..1"),
        ("loaded_units>=x", "not a whole number"),
        ("unattributed>=2.5", "not a whole number"),
        ("Nope>=1", "unknown name \"Nope\""),
        ("guilt_by_association>=1", "did you mean Guilt_by_Association?"),
    ];
    for (expr, want) in cases {
        // The model is not even loaded: a bad expression is refused first.
        let run = framemark(&["classify", "--model", "no/such/model", "--fail-on", expr, "x.txt"], b"");
        assert_eq!(run.code, 2, "{expr}");
        assert!(run.stderr.starts_with(&format!("framemark: --fail-on {expr:?}\n")), "{expr}: {}", run.stderr);
        assert!(run.stderr.contains(want), "{expr}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
}

#[test]
fn help_documents_the_grammar_and_exit_codes() {
    let run = framemark(&["classify", "--help"], b"");
    assert_eq!(run.code, 0);
    for want in ["FAIL-ON CONDITIONS:", "loaded_units", "<Technique>", ">=  >  <=  <  ==", "EXIT STATUS:", "an error wins over 1"] {
        assert!(run.stdout.contains(want), "classify --help lacks {want:?}");
    }
    assert!(!run.stdout.contains("\\\n"), "no stray line-continuation backslash");
    let run = framemark(&["--help"], b"");
    assert!(run.stdout.contains("EXIT STATUS:") && run.stdout.contains("export") && run.stdout.contains("import"));
}

#[test]
fn threshold_overrides() {
    let ex = example();
    // Every unit loaded (none filler), and every loaded unit carries Doubt at threshold 0.
    let args = ["classify", "--format", "jsonl", "--threshold", "loaded=0", "--threshold", "filler=1", "--threshold", "Doubt=0", &ex];
    let run = framemark(&args, b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    for line in run.stdout.lines() {
        let r: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(r["loaded"], true);
        assert_eq!(r["loaded_threshold"], 0.0);
        let doubt = r["techniques"].as_array().unwrap().iter().find(|t| t["label"] == "Doubt").expect("Doubt at threshold 0");
        assert_eq!(doubt["threshold"], 0.0);
    }
    for (arg, want) in [
        ("loaded=1.5", "must be within 0..1"),
        ("loaded", "expected LABEL=VALUE"),
        ("loaded=high", "is not a number"),
        ("Nope=0.5", "unknown label"),
    ] {
        let run = framemark(&["classify", "--threshold", arg, &ex], b"");
        assert_eq!(run.code, 2, "{arg}");
        assert!(run.stderr.contains(want), "{arg}: {}", run.stderr);
    }
}

/// With `--input jsonl -`, a document's records come out before stdin is closed: the test writes
/// one record, reads its line, writes the next, reads that, and only then closes stdin.
#[test]
fn jsonl_streams_record_by_record() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_framemark"))
        .args(["classify", "--input", "jsonl", "--format", "jsonl", "-"])
        .current_dir(root())
        .env_remove("FRAMEMARK_MODEL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("framemark runs");
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut next_line = |what: &str| -> serde_json::Value {
        match rx.recv_timeout(Duration::from_secs(180)) {
            Ok(line) => serde_json::from_str(&line).unwrap(),
            Err(_) => {
                let _ = child.kill();
                panic!("no output for {what} within 3 minutes while stdin stayed open: not streaming");
            }
        }
    };
    for (id, text) in [("first", "They unleashed chaos on our streets."), ("second", "The meeting starts at noon.")] {
        let record = serde_json::json!({"id": id, "text": text}).to_string() + "\n";
        stdin.write_all(record.as_bytes()).unwrap();
        stdin.flush().unwrap();
        let line = next_line(id);
        assert_eq!(line["doc"], id);
        assert_eq!(line["unit"], 0);
    }
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success());
    assert!(rx.recv_timeout(Duration::from_secs(5)).is_err(), "one unit per record, nothing more");
}

/// `export` then `import` gives back exactly the evidence spans and labels the JSONL report has,
/// for both tools.
#[test]
fn export_import_round_trip() {
    let ex = example();
    let dir = tempfile::tempdir().unwrap();
    let jsonl = framemark(&["classify", "--format", "jsonl", &ex], b"");
    assert_eq!(jsonl.code, 0);
    let mut want: Vec<(u64, u64, String)> = Vec::new();
    for line in jsonl.stdout.lines() {
        let r: serde_json::Value = serde_json::from_str(line).unwrap();
        for t in r["techniques"].as_array().unwrap() {
            for span in t["evidence"].as_array().unwrap() {
                want.push((span[0].as_u64().unwrap(), span[1].as_u64().unwrap(), t["label"].as_str().unwrap().to_string()));
            }
        }
    }
    want.sort();
    want.dedup();
    assert!(!want.is_empty(), "the example has evidence");
    let text = std::fs::read_to_string(root().join("examples/harbor-bridge.txt")).unwrap();

    for tool in ["label-studio", "doccano"] {
        let exported = dir.path().join(format!("{tool}.export"));
        let exported = exported.to_str().unwrap();
        let run = framemark(&["export", "--to", tool, "--out", exported, &ex], b"");
        assert_eq!(run.code, 0, "{tool}: {}", run.stderr);
        let imported = dir.path().join(format!("{tool}.train.jsonl"));
        let run = framemark(&["import", "--from", tool, exported, "--out", imported.to_str().unwrap()], b"");
        assert_eq!(run.code, 0, "{tool}: {}", run.stderr);
        assert!(run.stderr.contains(&format!("imported 1 document, {} spans", want.len())), "{}", run.stderr);
        let records = std::fs::read_to_string(&imported).unwrap();
        assert_eq!(records.lines().count(), 1);
        let r: serde_json::Value = serde_json::from_str(records.trim_end()).unwrap();
        let mut keys: Vec<&String> = r.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["id", "spans", "text"]);
        assert_eq!(r["id"], ex.as_str());
        assert_eq!(r["text"], text.as_str());
        let got: Vec<(u64, u64, String)> = r["spans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap(), s["label"].as_str().unwrap().to_string()))
            .collect();
        assert_eq!(got, want, "{tool}");
    }

    // The same through stdout/stdin.
    let run = framemark(&["export", "--to", "doccano", &ex], b"");
    let back = framemark(&["import", "--from", "doccano", "-"], run.stdout.as_bytes());
    assert_eq!(back.code, 0, "{}", back.stderr);
    assert_eq!(back.stdout.lines().count(), 1);
}

#[test]
fn label_studio_config_and_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.xml");
    let run = framemark(&["export", "--to", "label-studio", "--label-config", config.to_str().unwrap(), &example()], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let tasks: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(tasks.as_array().unwrap().len(), 1);
    assert_eq!(tasks[0]["data"]["doc"], example().as_str());
    assert_eq!(tasks[0]["predictions"][0]["model_version"].as_str().unwrap().split('@').count(), 2);
    let xml = std::fs::read_to_string(config).unwrap();
    assert_eq!(xml.matches("<Label value=").count(), 23);

    let run = framemark(&["export", "--to", "doccano", "--label-config", "x.xml", &example()], b"");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--label-config is for --to label-studio"));
}

#[test]
fn import_refuses_unknown_labels_naming_the_record() {
    let doccano = "{\"text\": \"Fine.\", \"label\": []}\n{\"text\": \"They unleashed chaos.\", \"label\": [[5, 14, \"Spin\"]], \"doc\": \"b.txt\"}\n";
    let run = framemark(&["import", "--from", "doccano", "-"], doccano.as_bytes());
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("importing -") && run.stderr.contains("line 2 (b.txt): unknown label \"Spin\""), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "nothing is written");

    let ids = "{\"text\": \"They unleashed chaos.\", \"label\": [[5, 14, 3]]}\n";
    let run = framemark(&["import", "--from", "doccano", "-"], ids.as_bytes());
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("label 3 is a label id, not a name"), "{}", run.stderr);

    let ls = r#"[{"data": {"text": "They unleashed chaos.", "doc": "c.txt"}, "annotations": [{"result": [{"type": "labels", "value": {"start": 5, "end": 14, "labels": ["Loaded Language"]}}]}]}]"#;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("train.jsonl");
    let run = framemark(&["import", "--from", "label-studio", "-", "--out", out.to_str().unwrap()], ls.as_bytes());
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("task 1 (c.txt): unknown label \"Loaded Language\""), "{}", run.stderr);
    assert!(!out.exists(), "no half-written output");
}
