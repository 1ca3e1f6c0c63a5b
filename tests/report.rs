//! The report formats through the real binary: golden snapshots of every format on the seed
//! articles (`../shared/seeds`, skipped with a message when absent; `UPDATE_SNAPSHOTS=1` rewrites
//! them after a model change), the formats agreeing with each other, and hostile input in the HTML
//! report, checked in the raw page and, where `chromium` is on PATH, in the DOM a browser builds
//! from it (skipped with a message otherwise).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::cli::{fixtures, framemark, rel, root, snapshot, Run};

/// `../shared/seeds` as the binary is given it, or `None` after saying so.
fn seeds() -> Option<&'static str> {
    if root().join("../shared/seeds").is_dir() {
        Some("../shared/seeds")
    } else {
        eprintln!("skipping: ../shared/seeds not found");
        None
    }
}

fn seeds_run(format: &str) -> Option<Run> {
    let dir = seeds()?;
    let run = framemark(&["classify", "--format", format, dir], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Several documents, but stderr is not a terminal: no progress line.
    assert_eq!(run.stderr, "", "stderr stays silent");
    Some(run)
}

fn seed_count() -> usize {
    std::fs::read_dir(root().join("../shared/seeds")).map_or(0, |d| d.count())
}

#[test]
fn seeds_human() {
    let Some(run) = seeds_run("human") else { return };
    assert_eq!(run.stdout.lines().filter(|l| l.starts_with("../shared/seeds/")).count(), seed_count());
    snapshot("seeds_human", &run);
}

#[test]
fn seeds_jsonl() {
    let Some(run) = seeds_run("jsonl") else { return };
    for line in run.stdout.lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("each line is JSON");
    }
    snapshot("seeds_jsonl", &run);
}

#[test]
fn seeds_html() {
    let Some(run) = seeds_run("html") else { return };
    assert!(run.stdout.starts_with("<!DOCTYPE html>\n"));
    assert!(run.stdout.ends_with("</html>\n"));
    assert_eq!(run.stdout.matches("<section class=\"doc\"").count(), seed_count());
    for pattern in ["<script", "http://", "https://", "src=", "@import", "url("] {
        assert!(!run.stdout.contains(pattern), "self-contained: no {pattern}");
    }
    snapshot("seeds_html", &run);
}

#[test]
fn seeds_md() {
    let Some(run) = seeds_run("md") else { return };
    assert!(run.stdout.starts_with("# framemark report\n\n"));
    assert_eq!(run.stdout.lines().filter(|l| l.starts_with("## ")).count(), seed_count());
    snapshot("seeds_md", &run);
}

#[test]
fn seeds_csv() {
    let Some(run) = seeds_run("csv") else { return };
    let rows = parse_csv(&run.stdout);
    assert_eq!(
        rows[0].join(","),
        "doc,unit,start,end,paragraph,loaded,loaded_score,loaded_threshold,techniques,evidence,text,error,offsets,content,filler_kind,claim,claim_evidence"
    );
    assert!(rows.iter().all(|r| r.len() == 17), "every row has the 17 columns");
    snapshot("seeds_csv", &run);
}

/// The CSV rows and the JSONL records describe the same units, and the HTML page holds every
/// document's whole text.
#[test]
fn formats_agree() {
    let path = rel(&root().join("examples/harbor-bridge.txt"));
    let jsonl = framemark(&["classify", "--format", "jsonl", &path], b"");
    let csv = framemark(&["classify", "--format", "csv", &path], b"");
    let html = framemark(&["classify", "--format", "html", &path], b"");
    for run in [&jsonl, &csv, &html] {
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let records: Vec<serde_json::Value> = jsonl.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let rows = parse_csv(&csv.stdout);
    assert_eq!(rows.len(), records.len() + 1);
    for (row, r) in rows[1..].iter().zip(&records) {
        assert_eq!(row[0], r["doc"].as_str().unwrap());
        assert_eq!(row[1], r["unit"].to_string());
        assert_eq!(row[2], r["start"].to_string());
        assert_eq!(row[3], r["end"].to_string());
        assert_eq!(row[5], r["loaded"].to_string());
        assert_eq!(row[10], r["text"].as_str().unwrap());
        assert_eq!(row[12], r["offsets"].as_str().unwrap());
        assert_eq!(row[13], r["content"].as_str().unwrap_or(""));
        assert_eq!(row[14], r["filler_kind"].as_str().unwrap_or(""));
        let labels: Vec<&str> = r["techniques"].as_array().unwrap().iter().map(|t| t["label"].as_str().unwrap()).collect();
        let csv_labels: Vec<&str> = row[8].split(';').filter(|s| !s.is_empty()).map(|t| t.split(':').next().unwrap()).collect();
        assert_eq!(csv_labels, labels);
    }
    let text = std::fs::read_to_string(root().join("examples/harbor-bridge.txt")).unwrap();
    assert_eq!(text_block(&html.stdout), text, "the page shows the whole document, text between units included");
    assert_eq!(html.stdout.matches("<span class=\"u").count(), records.len(), "one span per unit");
}

/// Error records: a row with the `error` column in CSV, an error box in HTML, a quote in Markdown.
#[test]
fn errors_in_every_format() {
    let good = rel(&fixtures().join("short.txt"));
    for (format, want) in [
        ("csv", "no/such.txt,,,,,,,,,,,"),
        ("html", "<div class=\"error\" role=\"alert\"><strong>error:</strong> "),
        ("md", "## no/such.txt\n\n> **error:** "),
        ("human", "no/such.txt: error: "),
        ("jsonl", "{\"schema\":\"framemark/1\",\"doc\":\"no/such.txt\",\"error\":"),
    ] {
        let run = framemark(&["classify", "--format", format, "no/such.txt", &good], b"");
        assert_eq!(run.code, 2, "{format}: {}", run.stderr);
        assert!(run.stdout.contains(want), "{format}: {}", run.stdout);
        assert!(run.stdout.contains(&good), "{format}: the good document is still reported");
    }
}

const TAGS_THAT_MUST_NOT_EXIST: &[&str] = &["<script", "<img", "<svg", "<iframe", "<b>", "<!--", "<a href=\"javascript"];

/// The hostile fixture (and a hostile document id and error) render as text in the page source.
#[test]
fn hostile_input_is_escaped() {
    for (html, _) in hostile_pages() {
        for tag in TAGS_THAT_MUST_NOT_EXIST {
            assert!(!html.contains(tag), "{tag} in the page:\n{html}");
        }
        assert_eq!(html.matches("<style>").count(), 1, "only the report's own style");
        assert!(html.contains("<title>framemark report</title>"));
    }
}

/// The same pages loaded in headless Chromium: the DOM it builds holds no injected element, the
/// payloads' script did not run (it would have set the title to `pwned`), and the document text
/// reads back exactly. The page's Content-Security-Policy (no script at all) is taken out first,
/// so that escaping alone is what is tested.
#[test]
fn hostile_input_in_a_browser() {
    let Some(chromium) = chromium() else {
        eprintln!("skipping: chromium not on PATH (apt-get install -y chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let fixture = std::fs::read_to_string(fixtures().join("hostile.txt")).unwrap();
    for (i, (html, id)) in hostile_pages().into_iter().enumerate() {
        let csp = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n";
        assert!(html.contains(csp), "the page has its CSP");
        let page = dir.path().join(format!("hostile-{i}.html"));
        std::fs::write(&page, html.replace(csp, "")).unwrap();
        let dom = run_chromium(&chromium, dir.path(), &["--dump-dom", &file_url(&page)]);
        assert!(dom.contains("<title>framemark report</title>"), "title changed:\n{dom}");
        assert!(!dom.contains("pwned</title>"));
        for tag in TAGS_THAT_MUST_NOT_EXIST {
            assert!(!dom.contains(tag), "{tag} in the DOM:\n{dom}");
        }
        assert_eq!(dom.matches("<style").count(), 1, "only the report's own style");
        assert_eq!(dom.matches("<a ").count(), dom.matches("<a href=\"#d").count(), "links only to units");
        assert_eq!(text_block(&dom), fixture, "the text reads back as it was");
        assert!(dom.contains(&format!("<h2>{}</h2>", escape_text(&id))), "the id is text: {id}");
    }
}

/// The hostile pages with the document id each shows: the fixture file given next to a missing
/// path with markup in its name (an error box), and the fixture's text as a JSONL record on stdin
/// whose id is markup.
fn hostile_pages() -> Vec<(String, String)> {
    let fixture = rel(&fixtures().join("hostile.txt"));
    let evil_path = "\"><img src=x onerror=\"document.title='pwned'\">.txt";
    let run = framemark(&["classify", "--format", "html", &fixture, evil_path], b"");
    assert_eq!(run.code, 2, "the missing path is an error: {}", run.stderr);
    assert!(run.stdout.contains("<div class=\"error\""), "{}", run.stdout);
    let first = (run.stdout, fixture);

    let id = "<svg onload=document.title='pwned'>";
    let text = std::fs::read_to_string(fixtures().join("hostile.txt")).unwrap();
    let record = serde_json::json!({"id": id, "text": text}).to_string() + "\n";
    let run = framemark(&["classify", "--input", "jsonl", "--format", "html", "-"], record.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    vec![first, (run.stdout, id.to_string())]
}

/// The document text of the first `<div class="text">` of a page: tags removed, entities decoded.
fn text_block(html: &str) -> String {
    let start = html.find("<div class=\"text\">").expect("a text block") + "<div class=\"text\">".len();
    let end = start + html[start..].find("</div>").expect("the end of the text block");
    let mut text = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// Text as Chromium serializes a text node (`&`, `<`, `>` and no-break space escaped).
fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A minimal RFC 4180 reader for checking the CSV report: quoted fields, doubled quotes, CRLF.
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = s.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => {
                assert!(c != '\n' && c != '"', "bare {c:?} outside quotes");
                field.push(c);
            }
        }
    }
    assert!(field.is_empty() && row.is_empty() && !quoted, "every row ends in CRLF");
    rows
}

#[test]
fn csv_reader_self_check() {
    let rows = parse_csv("a,\"b,\"\"c\"\"\nd\",\r\n,x\r\n");
    assert_eq!(rows, [vec!["a", "b,\"c\"\nd", ""], vec!["", "x"]]);
}

/// `chromium` on PATH, if any.
pub fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join("chromium")).find(|p| p.is_file())
}

pub fn file_url(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap().display())
}

/// Runs headless Chromium with `args` (a profile in `tmp`, nothing fetched), returning its stdout;
/// killed after two minutes so a hung browser fails the test instead of hanging it.
pub fn run_chromium(chromium: &Path, tmp: &Path, args: &[&str]) -> String {
    let profile = tmp.join("chromium-profile");
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        stdout.read_to_string(&mut out).map(|_| out)
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium failed: {status}");
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish in 2 minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader.join().unwrap().expect("chromium output is UTF-8")
}
