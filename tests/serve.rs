//! `framemark serve` over real loopback HTTP: the real binary listens on 127.0.0.1 with port 0, says
//! `listening on ADDR` as its first stderr line, and is spoken to in raw HTTP/1.1 over
//! `std::net::TcpStream` (no client crate). Its answers are compared with the CLI's
//! `classify --input jsonl --format jsonl` for the same documents in the same test run (the model
//! changes, so no score is written down here). Every wait is bounded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::cli::framemark;

/// Longest wait for the server to load its model and listen.
const START_TIMEOUT: Duration = Duration::from_secs(180);
/// Longest wait for one HTTP exchange (the socket's read and write timeouts).
const IO_TIMEOUT: Duration = Duration::from_secs(120);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A running `framemark serve`, killed when dropped.
struct Served {
    child: Child,
    addr: SocketAddr,
    /// The stderr lines after `listening on`.
    stderr: Receiver<String>,
}

impl Served {
    fn start(extra: &[&str]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_framemark"))
            .args(["serve", "--bind", "127.0.0.1:0"])
            .args(extra)
            .current_dir(root())
            .env_remove("FRAMEMARK_MODEL")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("framemark serve starts");
        let (tx, rx) = mpsc::channel();
        let stderr = child.stderr.take().expect("stderr");
        // Keeps reading so the pipe never fills.
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = rx.recv_timeout(START_TIMEOUT);
        let addr = match &first {
            Ok(line) => line.strip_prefix("listening on ").and_then(|a| a.parse::<SocketAddr>().ok()),
            Err(_) => None,
        };
        let Some(addr) = addr else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("expected `listening on ADDR` first on stderr, got {first:?}");
        };
        assert!(addr.ip().is_loopback(), "{addr}");
        Served { child, addr, stderr: rx }
    }

    fn get(&self, path: &str) -> Answer {
        request(self.addr, "GET", path, None, b"")
    }

    fn post(&self, body: &Value) -> Answer {
        request(self.addr, "POST", "/v1/classify", Some("application/json"), body.to_string().as_bytes())
    }

    /// Waits for the process to exit, at most `limit`.
    fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Answer {
    status: u16,
    head: String,
    body: Value,
}

impl Answer {
    fn error(&self) -> &str {
        self.body["error"].as_str().unwrap_or_else(|| panic!("no JSON error body: {} {}", self.head, self.body))
    }

    fn records(&self) -> Vec<Value> {
        assert_eq!(self.status, 200, "{} {}", self.head, self.body);
        self.body["records"].as_array().unwrap_or_else(|| panic!("no records: {}", self.body)).clone()
    }
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, IO_TIMEOUT).expect("connects");
    stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    stream
}

fn head(method: &str, path: &str, content_type: Option<&str>, len: usize) -> String {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    if let Some(ct) = content_type {
        head += &format!("Content-Type: {ct}\r\n");
    }
    if method == "POST" {
        head += &format!("Content-Length: {len}\r\n");
    }
    head + "\r\n"
}

/// Reads an answer to the end (the server closes: `Connection: close`); its body must be JSON.
fn read_answer(mut stream: TcpStream) -> Answer {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("reads the answer");
    let raw = String::from_utf8(raw).expect("UTF-8 answer");
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no header end in {raw:?}"));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("status line {head:?}"));
    assert!(head.to_ascii_lowercase().contains("content-type: application/json"), "{head}");
    let body = serde_json::from_str(body).unwrap_or_else(|e| panic!("body is not JSON ({e}): {body:?}"));
    Answer { status, head: head.to_string(), body }
}

fn request(addr: SocketAddr, method: &str, path: &str, content_type: Option<&str>, body: &[u8]) -> Answer {
    let mut stream = connect(addr);
    let mut bytes = head(method, path, content_type, body.len()).into_bytes();
    bytes.extend_from_slice(body);
    stream.write_all(&bytes).expect("sends the request");
    read_answer(stream)
}

/// The CLI's records for `docs` (`(id, text)`), classified in one run.
fn cli_records(docs: &[(&str, &str)]) -> Vec<Value> {
    let input: String = docs.iter().map(|(id, text)| json!({"id": id, "text": text}).to_string() + "\n").collect();
    let run = framemark(&["classify", "--input", "jsonl", "--format", "jsonl", "-"], input.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout.lines().map(|l| serde_json::from_str(l).expect("CLI line is JSON")).collect()
}

/// Documents of several shapes: a multi-paragraph article, a short fixture, single sentences, an
/// accented one.
fn documents() -> Vec<(String, String)> {
    let read = |p: &str| std::fs::read_to_string(root().join(p)).unwrap();
    vec![
        ("harbor".into(), read("examples/harbor-bridge.txt")),
        ("short".into(), read("tests/fixtures/short.txt")),
        ("chaos".into(), "They unleashed a wave of chaos on our streets.".into()),
        ("noon".into(), "The meeting starts at noon.\n\nIt ends at two.".into()),
        ("élus".into(), "Les élus « déchaînés » ont voté la loi. Quelle honte !".into()),
    ]
}

#[test]
fn healthz_and_openapi() {
    let served = Served::start(&[]);
    let health = served.get("/healthz");
    assert_eq!(health.status, 200, "{}", health.body);
    assert_eq!(health.body["status"], "ok");
    assert_eq!(health.body["schema"], framemark::SCHEMA);
    let cli = cli_records(&[("x", "One sentence.")]);
    assert_eq!(health.body["model"], cli[0]["model"], "healthz names the model the CLI uses");

    let api = served.get("/openapi.json");
    assert_eq!(api.status, 200);
    assert!(api.body["openapi"].as_str().is_some_and(|v| v.starts_with("3.0.")), "{}", api.body["openapi"]);
    let paths = api.body["paths"].as_object().expect("paths");
    for path in ["/v1/classify", "/healthz", "/openapi.json"] {
        assert!(paths.contains_key(path), "{path} not in {:?}", paths.keys().collect::<Vec<_>>());
    }
}

/// One document, and a batch, answer exactly the records the CLI writes for them.
#[test]
fn answers_equal_the_cli() {
    let served = Served::start(&[]);
    let docs = documents();
    for (id, text) in &docs {
        let got = served.post(&json!({"id": id, "text": text})).records();
        let want = cli_records(&[(id, text)]);
        assert!(!want.is_empty());
        assert_eq!(got, want, "document {id}");
    }
    // A batch: the CLI classifies up to 16 documents of a run together, as the server does a request.
    let pairs: Vec<(&str, &str)> = docs.iter().map(|(i, t)| (i.as_str(), t.as_str())).collect();
    let batch: Vec<Value> = pairs.iter().map(|(id, text)| json!({"id": id, "text": text})).collect();
    let got = served.post(&json!({ "documents": batch })).records();
    assert_eq!(got, cli_records(&pairs));
    // Ids: numbers become strings; a missing id is the position in the request.
    let got = served.post(&json!({"documents": [{"id": 7, "text": "One."}, {"text": "Two."}]})).records();
    let ids: Vec<&str> = got.iter().map(|r| r["doc"].as_str().unwrap()).collect();
    assert_eq!(ids, ["7", "1"]);
}

/// A document given as `"html"` answers the records `classify --input html` writes for the page.
#[test]
fn html_documents_equal_the_cli() {
    let served = Served::start(&[]);
    let page = std::fs::read_to_string(root().join("tests/fixtures/article.html")).unwrap();
    let got = served.post(&json!({"id": "page", "html": page})).records();
    let run = framemark(&["classify", "--input", "html", "--format", "jsonl", "-"], page.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut want: Vec<Value> = run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    for r in &mut want {
        r["doc"] = "page".into();
    }
    assert!(!want.is_empty() && want.iter().all(|r| r["offsets"] == "html-text"));
    assert_eq!(got, want);
}

/// 200 requests from 10 client threads, several documents: every answer is the CLI's answer for
/// its document, while the server runs at most 2 inferences at a time and queues the rest.
#[test]
fn concurrent_requests_equal_the_cli() {
    const REQUESTS: usize = 200;
    const CLIENTS: usize = 10;
    let served = Served::start(&["--max-concurrency", "2"]);
    let docs = documents();
    // Each document alone, as each request holds one.
    let want: Vec<Vec<Value>> = docs.iter().map(|(id, text)| cli_records(&[(id, text)])).collect();

    let start = Instant::now();
    let addr = served.addr;
    let answers: Vec<(usize, Answer)> = thread::scope(|s| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let docs = &docs;
                s.spawn(move || {
                    (c..REQUESTS)
                        .step_by(CLIENTS)
                        .map(|i| {
                            let (id, text) = &docs[i % docs.len()];
                            let body = json!({"id": id, "text": text}).to_string();
                            (i, request(addr, "POST", "/v1/classify", Some("application/json"), body.as_bytes()))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("client thread")).collect()
    });
    let elapsed = start.elapsed();
    eprintln!("serve: {REQUESTS} requests from {CLIENTS} clients in {:.2?}", elapsed);

    assert_eq!(answers.len(), REQUESTS);
    for (i, answer) in &answers {
        assert_eq!(answer.records(), want[i % docs.len()], "request {i} ({})", docs[i % docs.len()].0);
    }
    assert_eq!(served.get("/healthz").status, 200);
}

#[test]
fn bad_requests_get_json_errors() {
    let served = Served::start(&["--max-documents", "3"]);
    let post = |ct: Option<&str>, body: &[u8]| request(served.addr, "POST", "/v1/classify", ct, body);
    let json_ct = Some("application/json");

    let cases: Vec<(&str, Answer, u16, &str)> = vec![
        ("malformed JSON", post(json_ct, b"{\"id\": \"a\", \"text\": "), 400, "malformed JSON"),
        ("not JSON at all", post(json_ct, b"hello"), 400, "malformed JSON"),
        ("empty body", post(json_ct, b""), 400, "malformed JSON"),
        ("empty text", served.post(&json!({"id": "a", "text": ""})), 422, "empty text"),
        ("blank text", served.post(&json!({"id": "a", "text": " \n\t "})), 422, "empty text"),
        ("missing text", served.post(&json!({"id": "a"})), 422, "missing \"text\""),
        ("text not a string", served.post(&json!({"id": "a", "text": 5})), 422, "must be a string"),
        ("not an object", served.post(&json!(["a"])), 422, "expected a JSON object"),
        (
            "a bad document in a batch",
            served.post(&json!({"documents": [{"text": "Fine."}, {"id": "b", "text": ""}]})),
            422,
            "documents[1]",
        ),
        (
            "too many documents",
            served.post(&json!({"documents": [{"text": "a"}, {"text": "b"}, {"text": "c"}, {"text": "d"}]})),
            413,
            "--max-documents 3",
        ),
        ("text/plain", post(Some("text/plain"), b"{\"text\": \"Hello.\"}"), 415, "application/json"),
        ("no content type", post(None, b"{\"text\": \"Hello.\"}"), 415, "application/json"),
        ("unknown route", served.get("/v2/classify"), 404, "no route"),
        ("wrong method", served.get("/v1/classify"), 405, "method not allowed"),
    ];
    for (what, answer, status, needle) in &cases {
        assert_eq!(answer.status, *status, "{what}: {} {}", answer.head, answer.body);
        assert!(answer.error().contains(needle), "{what}: {:?} lacks {needle:?}", answer.error());
    }
    let (_, wrong_method, ..) = cases.iter().find(|c| c.0 == "wrong method").unwrap();
    assert!(wrong_method.head.to_ascii_lowercase().contains("allow: post"), "{}", wrong_method.head);

    // Over the 2 MiB default: refused, and the server goes on.
    let big = json!({"id": "big", "text": "word ".repeat(600_000)}).to_string();
    assert!(big.len() > 2 * 1024 * 1024);
    let answer = post(json_ct, big.as_bytes());
    assert_eq!(answer.status, 413, "{}", answer.body);
    assert!(answer.error().contains("--max-body-bytes"), "{}", answer.error());
    assert_eq!(served.get("/healthz").status, 200);
    assert_eq!(served.post(&json!({"text": "Still here."})).records().len(), 1);
}

/// A request past `--request-timeout` is answered 503; the server goes on.
#[test]
fn slow_requests_time_out() {
    let served = Served::start(&["--request-timeout", "1"]);
    // Thousands of units: far more than a second of inference on any CPU.
    let text = std::fs::read_to_string(root().join("examples/harbor-bridge.txt")).unwrap().repeat(200);
    let start = Instant::now();
    let answer = served.post(&json!({"id": "long", "text": text}));
    assert_eq!(answer.status, 503, "{}", answer.body);
    assert!(answer.error().contains("timed out"), "{}", answer.error());
    assert!(start.elapsed() < Duration::from_secs(30), "answered after {:?}", start.elapsed());
    assert_eq!(served.get("/healthz").status, 200);
}

/// SIGTERM while a request is in flight: that request is still answered in full, then the process
/// exits 0 and the port is closed.
#[cfg(unix)]
#[test]
fn sigterm_finishes_requests_in_flight() {
    let mut served = Served::start(&[]);
    let text = std::fs::read_to_string(root().join("examples/harbor-bridge.txt")).unwrap();
    let body = json!({"id": "harbor", "text": text}).to_string().into_bytes();
    let want = cli_records(&[("harbor", &text)]);

    // Headers and half the body: the request is in flight, waiting for the rest.
    let mut stream = connect(served.addr);
    stream.write_all(head("POST", "/v1/classify", Some("application/json"), body.len()).as_bytes()).unwrap();
    let (first, rest) = body.split_at(body.len() / 2);
    stream.write_all(first).unwrap();
    stream.flush().unwrap();
    thread::sleep(Duration::from_millis(500));

    let pid = served.child.id().to_string();
    let kill = Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
    assert!(kill.success());
    let line = served.stderr.recv_timeout(Duration::from_secs(30)).expect("a line on stderr after SIGTERM");
    assert!(line.contains("shutting down"), "{line}");
    assert!(served.child.try_wait().unwrap().is_none(), "exited with a request in flight");

    stream.write_all(rest).unwrap();
    let answer = read_answer(stream);
    assert_eq!(answer.records(), want);

    let status = served.wait_exit(Duration::from_secs(60)).expect("exits after SIGTERM");
    assert!(status.success(), "{status:?}");
    assert!(TcpStream::connect_timeout(&served.addr, Duration::from_secs(5)).is_err(), "still listening");
}
