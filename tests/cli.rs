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
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), text.lines().collect());
    if w.len() != g.len() || w.iter().zip(&g).any(|(a, b)| !same_up_to_rounding(a, b)) {
        let first = w.iter().zip(&g).position(|(a, b)| !same_up_to_rounding(a, b)).unwrap_or(w.len().min(g.len()));
        panic!(
            "snapshot {name} differs at line {}:\n  want: {:?}\n  got:  {:?}\n(UPDATE_SNAPSHOTS=1 rewrites it)",
            first + 1,
            w.get(first),
            g.get(first)
        );
    }
}

/// Two snapshot lines are the same when they differ at most in the last printed digit of decimal
/// numbers: candle's threaded kernels may sum in another order from run to run, and a probability
/// that lies on a rounding boundary (0.39445) then prints either way.
fn same_up_to_rounding(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let number = regex::Regex::new(r"\d+\.\d+").unwrap();
    if number.replace_all(a, "#") != number.replace_all(b, "#") {
        return false;
    }
    let close = number.find_iter(a).zip(number.find_iter(b)).all(|(x, y)| {
        let decimals = x.as_str().len() - x.as_str().find('.').unwrap() - 1;
        let (x, y): (f64, f64) = (x.as_str().parse().unwrap(), y.as_str().parse().unwrap());
        (x - y).abs() <= 1.5 * 10f64.powi(-(decimals as i32))
    });
    close
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

/// HTML input compares each unit with `filler_html_kept` when trafilatura keeps its line, else with
/// `filler_html`; plain text with `filler`. Each record names the threshold it was compared with.
#[test]
fn html_units_use_the_html_filler_thresholds() {
    let path = rel(&fixtures().join("article.html"));
    let over = ["--threshold", "filler=0.5", "--threshold", "filler_html=0.0", "--threshold", "filler_html_kept=1.0"];
    let run = framemark(&[&["classify", "--format", "jsonl"][..], &over, &[path.as_str()]].concat(), b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = records(&run);
    let threshold = |text: &str| page.iter().find(|r| r["text"] == text).map(|r| (r["content_threshold"].as_f64().unwrap(), r["content"].clone()));
    // trafilatura keeps the article body and leaves the menu out.
    let body = "The Lakeside council voted on Tuesday to let the ferry operator double its fares from March.";
    assert_eq!(threshold(body), Some((1.0, "article".into())), "{}", run.stdout);
    assert_eq!(threshold("Home"), Some((0.0, "filler".into())), "{}", run.stdout);
    let plain = framemark(&[&["classify", "--format", "jsonl"][..], &over, &["examples/harbor-bridge.txt"]].concat(), b"");
    assert!(records(&plain).iter().all(|r| r["content_threshold"].as_f64() == Some(0.5)), "{}", plain.stdout);
}

/// The JSONL records of a run, parsed.
fn records(run: &Run) -> Vec<serde_json::Value> {
    run.stdout.lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect()
}

/// A `.html` file is read as a page without being told: its units are the visible text (menu,
/// headline, the three sentences, footer), the script's text is nowhere, and every offset indexes
/// the text `html::extract` gives, which each record names with `"offsets":"html-text"`.
#[test]
fn html_file_is_detected_and_offsets_index_the_extracted_text() {
    let path = rel(&fixtures().join("article.html"));
    let html = std::fs::read_to_string(fixtures().join("article.html")).unwrap();
    let extracted = framemark::text::html::extract(&html).text;
    let run = framemark(&["classify", "--format", "jsonl", &path], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("SCRIPT-TEXT-MUST-NOT-APPEAR") && !extracted.contains("SCRIPT-TEXT"));
    assert!(!run.stdout.contains("courierTracker") && !run.stdout.contains("font-family"), "{}", run.stdout);
    let records = records(&run);
    let texts: Vec<&str> = records.iter().map(|r| r["text"].as_str().unwrap()).collect();
    for want in [
        "Home",
        "Ferry fares to double as council blames “reckless” operator",
        "The Lakeside council voted on Tuesday to let the ferry operator double its fares from March.",
        "Councillor Ada Brenn called the operator’s bookkeeping a disgrace that would ruin every family on the island.",
        "Commuters at the pier café said they had not been told.",
        "© 2031 Lakeside Courier.",
    ] {
        assert!(texts.contains(&want), "no unit {want:?} in {texts:?}");
    }
    for r in &records {
        assert_eq!(r["doc"], path.as_str());
        assert_eq!(r["offsets"], "html-text", "{r}");
        let (start, end) = (r["start"].as_u64().unwrap() as usize, r["end"].as_u64().unwrap() as usize);
        let slice: String = extracted.chars().skip(start).take(end - start).collect();
        assert_eq!(slice, r["text"].as_str().unwrap(), "offsets {start}..{end} index the extracted text");
        for t in r["techniques"].as_array().unwrap() {
            for span in t["evidence"].as_array().unwrap() {
                let (a, b) = (span[0].as_u64().unwrap() as usize, span[1].as_u64().unwrap() as usize);
                assert!(start <= a && a < b && b <= end, "evidence {a}..{b} outside unit {start}..{end}");
            }
        }
    }

    // The CSV report names the same text; the HTML report shows it, not the page's markup.
    let csv = framemark(&["classify", "--format", "csv", &path], b"");
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let rows: Vec<&str> = csv.stdout.lines().collect();
    assert!(rows[0].ends_with(",error,offsets,content,filler_kind,claim,claim_evidence"), "{}", rows[0]);
    assert_eq!(rows.len(), records.len() + 1);
    assert!(rows[1..].iter().all(|r| r.contains(",html-text,")), "{}", csv.stdout);
    let page = framemark(&["classify", "--format", "html", &path], b"");
    assert_eq!(page.code, 0, "{}", page.stderr);
    assert!(!page.stdout.contains("SCRIPT-TEXT") && !page.stdout.contains("&lt;p&gt;"), "{}", page.stdout);
}

/// `--input html` reads stdin as a page, with the records a file gives; a plain text file keeps
/// `"offsets":"input"`.
#[test]
fn input_html_on_stdin() {
    let path = rel(&fixtures().join("article.html"));
    let bytes = std::fs::read(fixtures().join("article.html")).unwrap();
    let from_stdin = framemark(&["classify", "--input", "html", "--format", "jsonl", "-"], &bytes);
    assert_eq!(from_stdin.code, 0, "{}", from_stdin.stderr);
    let from_file = framemark(&["classify", "--format", "jsonl", &path], b"");
    let mut want = records(&from_file);
    for r in &mut want {
        r["doc"] = "<stdin>".into();
    }
    assert!(!want.is_empty());
    assert_eq!(records(&from_stdin), want);

    // Without --input html, stdin is text: the markup is the document.
    let as_text = framemark(&["classify", "--format", "jsonl", "-"], &bytes);
    assert_eq!(as_text.code, 0, "{}", as_text.stderr);
    assert!(records(&as_text).iter().all(|r| r["offsets"] == "input"));
    assert!(as_text.stdout.contains("SCRIPT-TEXT-MUST-NOT-APPEAR"), "the text reading sees the script source");
}

/// HTML in directories, JSONL `"html"` records, and bad pages: a page that is not UTF-8 is read as
/// Windows-1252, one without visible text is `empty input` like an empty text file.
#[test]
fn html_inputs_in_directories_records_and_failures() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name);
    std::fs::copy(fixtures().join("article.html"), p("a.HTM")).unwrap();
    std::fs::write(p("b.txt"), "The meeting starts at noon.").unwrap();
    std::fs::write(p("c.html"), b"<p>The caf\xe9 opens at \x93noon\x94.</p>").unwrap();
    let invisible = "<html><head><title>Nothing</title></head><body><script>x()</script></body></html>";
    std::fs::write(p("d.html"), invisible).unwrap();
    let run = framemark(&["classify", "--format", "jsonl", &dir.path().display().to_string()], b"");
    assert_eq!(run.code, 2, "{}", run.stderr);
    let in_dir = records(&run);
    let offsets = |name: &str| -> Vec<&str> {
        let doc = p(name).display().to_string();
        in_dir
            .iter()
            .filter(|r| r["doc"] == doc.as_str() && r.get("unit").is_some())
            .map(|r| r["offsets"].as_str().unwrap())
            .collect()
    };
    assert!(offsets("a.HTM").len() > 5 && offsets("a.HTM").iter().all(|o| *o == "html-text"));
    assert_eq!(offsets("b.txt"), ["input"]);
    assert_eq!(offsets("c.html"), ["html-text"]);
    assert!(run.stdout.contains("\"text\":\"The café opens at “noon”.\""), "{}", run.stdout);
    let doc = p("d.html").display().to_string();
    let error = serde_json::json!({"schema": framemark::SCHEMA, "doc": doc, "error": "empty input"});
    assert!(in_dir.contains(&error), "{}", run.stdout);
    assert!(run.stderr.contains(&format!("{doc}: empty input")), "{}", run.stderr);

    let input = concat!(
        "{\"id\": \"page\", \"html\": \"<nav><a href=/>Home</a></nav><p>They unleashed chaos.</p><script>bad()</script>\"}\n",
        "{\"id\": \"plain\", \"text\": \"They unleashed chaos.\"}\n",
    );
    let run = framemark(&["classify", "--input", "jsonl", "--format", "jsonl", "-"], input.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let got: Vec<(String, String, u64)> = records(&run)
        .iter()
        .map(|r| {
            let s = |key: &str| r[key].as_str().unwrap().to_string();
            (s("doc"), s("offsets"), r["start"].as_u64().unwrap())
        })
        .collect();
    let want = [("page", "html-text", 0), ("page", "html-text", 5), ("plain", "input", 0)];
    assert_eq!(got, want.map(|(d, o, s)| (d.to_string(), o.to_string(), s)));
}

/// `--strip-filler` writes the article alone: the example's related-posts teaser goes, its headline
/// and last body sentence stay, and nothing is written that the input lacks.
#[test]
fn strip_filler_keeps_the_article() {
    let example = root().join("examples/harbor-bridge.txt");
    let input = std::fs::read_to_string(&example).unwrap();
    let run = framemark(&["classify", "--strip-filler", &rel(&example)], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.stdout;
    assert!(out.starts_with("City Council Approves Harbor Bridge Repairs"), "{out}");
    assert!(out.contains("last 18 months, the city engineer's office said."), "{out}");
    // The newsletter lines before them are still kept by 0.3.0 (P(filler) 0.15 and 0.13, threshold
    // 0.25): issue 4 stays open on promo lines at the end of short pages.
    for gone in ["Related Posts", "Five Things You Didn't Know"] {
        assert!(!out.contains(gone), "{gone:?} is filler: {out}");
    }
    for line in out.lines().filter(|l| !l.is_empty()) {
        assert!(input.contains(line), "{line:?} is not in the input");
    }
    // JSON Lines: one {"id","text"} object per document, the same text.
    let run = framemark(&["classify", "--strip-filler", "--format", "jsonl", &rel(&example)], b"");
    let v: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(v["id"], rel(&example));
    assert_eq!(v["text"].as_str().unwrap().trim_end(), out.trim_end());
    // A format that cannot carry plain text is a usage error.
    assert_eq!(framemark(&["classify", "--strip-filler", "--format", "csv", &rel(&example)], b"").code, 2);
}

#[test]
fn snapshot_lines_differ_only_in_the_last_digit() {
    assert!(same_up_to_rounding(r#""loaded_score":0.3944,"x""#, r#""loaded_score":0.3945,"x""#));
    assert!(same_up_to_rounding("loaded 0.39, threshold", "loaded 0.40, threshold"));
    assert!(!same_up_to_rounding("loaded 0.39, threshold", "loaded 0.41, threshold"));
    assert!(!same_up_to_rounding(r#""loaded":true,"s":0.5"#, r#""loaded":false,"s":0.5"#));
    assert!(!same_up_to_rounding("unit 3 0.5", "unit 4 0.5"));
}
