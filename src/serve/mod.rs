//! The HTTP API (`framemark serve`): one loaded [`Classifier`] answering JSON requests over HTTP/1.1,
//! on [axum](https://docs.rs/axum) and tokio.
//!
//! # Endpoints
//!
//! * `POST /v1/classify` — body `{"id": "...", "text": "..."}` (one document) or
//!   `{"documents": [{"id", "text"}, ...]}`, with `Content-Type: application/json`. A document is
//!   checked by the rules of a JSONL input record ([`record_document`]): `id` a string or a number
//!   (optional; it defaults to the document's position in the request, from `"0"`), `text` a
//!   non-blank string, or instead `html`, a web page whose visible text is the document (its records
//!   say `"offsets": "html-text"`: offsets index that text, not the markup; `--max-chars` counts
//!   it). The answer is `{"records": [...]}`: the unit records of every document, in
//!   order, each exactly the object `classify --format jsonl` writes on a line (keys, key order and
//!   rounding come from [`jsonl::wire_unit`]). A document without units adds no records.
//! * `GET /healthz` — `{"status": "ok", "model": "<name@version>", "schema": "framemark/1"}`.
//! * `GET /openapi.json` — the OpenAPI 3.0 description of this API (`src/serve/openapi.json`).
//!
//! # Errors
//!
//! Every error answer has a JSON body `{"error": "why"}`: malformed JSON 400, an unknown route 404,
//! a wrong method 405, a body over [`Limits::max_body_bytes`], more documents than
//! [`Limits::max_documents`] or a document over [`Limits::max_chars`] 413, a content type other than
//! `application/json` 415, JSON of the wrong shape (not an object, no or blank `text`, ...) 422, a
//! request that took longer than [`Limits::request_timeout`] 503, and a model failure 500. A request
//! is valid as a whole or refused as a whole.
//!
//! # Concurrency
//!
//! The classifier is shared (`Arc`), and inference runs on tokio's blocking threads
//! (`spawn_blocking`) so the async threads keep accepting and parsing requests. A semaphore of
//! [`Limits::max_concurrency`] permits bounds the inferences running at once; other requests wait for
//! a permit in arrival order (tokio's semaphore is fair) until their timeout. A permit moves into the
//! blocking task, so an inference whose request timed out still counts until it finishes.
//!
//! An oversize body is read and thrown away up to [`DRAIN_FACTOR`] times the limit before the 413
//! goes out, so that a client still sending it sees the answer instead of a reset connection (hyper
//! only drains what is already buffered); larger bodies, and those announced with
//! `Expect: 100-continue`, are refused at once from their `Content-Length`.
//!
//! # Shutdown
//!
//! [`Server::run`] stops accepting when its shutdown future resolves ([`shutdown_signal`]: SIGINT or
//! SIGTERM), lets requests in flight finish (axum's graceful shutdown), and gives up waiting after the
//! request timeout plus [`SHUTDOWN_SLACK`].

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use http_body_util::BodyExt;
use serde::Serialize;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::error::{Error, Result};
use crate::pipeline::Classifier;
use crate::report::jsonl;
use crate::text::{record_document, Document};

/// The OpenAPI 3.0 description served at `GET /openapi.json`.
pub const OPENAPI: &str = include_str!("openapi.json");

/// How many times [`Limits::max_body_bytes`] an oversize body is read (and discarded) before the 413.
pub const DRAIN_FACTOR: usize = 4;

/// How long shutdown waits for requests in flight beyond [`Limits::request_timeout`].
pub const SHUTDOWN_SLACK: Duration = Duration::from_secs(5);

/// What the server accepts and how much work it takes on.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Inferences running at once (at least 1); further requests queue.
    pub max_concurrency: usize,
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Most documents in one request (at least 1).
    pub max_documents: usize,
    /// Longest document, in characters (as `classify --max-chars`).
    pub max_chars: usize,
    /// Longest a request may take, from its headers to its answer, queueing included.
    pub request_timeout: Duration,
}

/// A bound listener with its routes, ready to [`run`](Server::run).
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    router: Router,
    grace: Duration,
}

impl Server {
    /// Listens on `addr` (port 0 picks a free port: see [`Server::local_addr`]) with `classifier`.
    pub async fn bind(addr: SocketAddr, classifier: Classifier, limits: Limits) -> Result<Server> {
        let serve_err = |source| Error::Serve { addr: addr.to_string(), source };
        let listener = TcpListener::bind(addr).await.map_err(serve_err)?;
        let addr = listener.local_addr().map_err(serve_err)?;
        let grace = limits.request_timeout + SHUTDOWN_SLACK;
        Ok(Server { listener, addr, router: router(Arc::new(classifier), limits), grace })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until `shutdown` resolves, then finishes the requests in flight (waiting at most the
    /// request timeout plus [`SHUTDOWN_SLACK`]).
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<()> {
        let Server { listener, addr, router, grace } = self;
        let stopping = Arc::new(tokio::sync::Notify::new());
        let notify = stopping.clone();
        let serve = axum::serve(listener, router).with_graceful_shutdown(async move {
            shutdown.await;
            notify.notify_one();
        });
        let mut serve = std::pin::pin!(serve.into_future());
        let serve_err = |source| Error::Serve { addr: addr.to_string(), source };
        tokio::select! {
            done = &mut serve => return done.map_err(serve_err),
            () = stopping.notified() => {}
        }
        match tokio::time::timeout(grace, serve).await {
            Ok(done) => done.map_err(serve_err),
            // Requests still running past their own timeout: stop waiting for them.
            Err(_) => Ok(()),
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

struct App {
    classifier: Arc<Classifier>,
    model: String,
    permits: Arc<Semaphore>,
    limits: Limits,
}

/// The routes, with JSON error bodies and the request timeout around all of them.
pub fn router(classifier: Arc<Classifier>, limits: Limits) -> Router {
    let timeout = limits.request_timeout;
    let app = Arc::new(App {
        model: classifier.dir.spec.id(),
        classifier,
        permits: Arc::new(Semaphore::new(limits.max_concurrency.max(1))),
        limits,
    });
    Router::new()
        .route("/v1/classify", post(classify))
        .route("/healthz", get(healthz))
        .route("/openapi.json", get(openapi))
        .fallback(not_found)
        .with_state(app)
        .layer(middleware::map_response(json_errors))
        .layer(middleware::from_fn(move |req: Request, next: Next| async move {
            match tokio::time::timeout(timeout, next.run(req)).await {
                Ok(res) => res,
                Err(_) => ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("request timed out after {}s", timeout.as_secs_f64()),
                )
                .into_response(),
            }
        }))
}

/// An error answer: a status and `{"error": message}`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError { status, message: message.into() }
    }

    fn unprocessable(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    fn too_large(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, error_body(&self.message))
    }
}

/// `{"error": message}`.
fn error_body(message: &str) -> String {
    serde_json::json!({ "error": message }).to_string()
}

/// A JSON answer from serialised bytes.
fn json_response(status: StatusCode, body: impl Into<Body>) -> Response {
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body.into()).into_response()
}

async fn classify(State(app): State<Arc<App>>, req: Request) -> Response {
    match classify_request(&app, req).await {
        Ok(res) => res,
        Err(err) => err.into_response(),
    }
}

async fn classify_request(app: &App, req: Request) -> Result<Response, ApiError> {
    check_content_type(req.headers())?;
    let limit = app.limits.max_body_bytes;
    if let Some(len) = content_length(req.headers()) {
        if len > limit && (expects_continue(req.headers()) || len > limit.saturating_mul(DRAIN_FACTOR)) {
            return Err(body_too_large(limit));
        }
    }
    let body = read_body(req.into_body(), limit).await?;
    let value: Value = serde_json::from_slice(&body)
        .map_err(|err| ApiError::new(StatusCode::BAD_REQUEST, format!("malformed JSON: {err}")))?;
    drop(body);
    let docs = documents(value, &app.limits)?;

    let permit = app
        .permits
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "inference queue closed"))?;
    let classifier = app.classifier.clone();
    let answer = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let reports = classifier.classify(&docs)?;
        let records: Vec<_> = reports.iter().flat_map(|r| &r.units).map(jsonl::wire_unit).collect();
        let answer = serde_json::to_vec(&Records { records })?;
        Ok::<_, Error>(answer)
    })
    .await
    .map_err(|err| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("inference failed: {err}")))?
    .map_err(|err| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("inference failed: {err}")))?;
    Ok(json_response(StatusCode::OK, answer))
}

/// The answer of `POST /v1/classify`.
#[derive(Serialize)]
struct Records<T> {
    records: Vec<T>,
}

/// Accepts `application/json`, with parameters (`; charset=utf-8`) or not.
fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let given = headers.get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap_or("?"));
    let essence = given.map(|v| v.split(';').next().unwrap_or("").trim());
    match essence {
        Some(e) if e.eq_ignore_ascii_case("application/json") => Ok(()),
        _ => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("expected Content-Type: application/json, got {}", given.unwrap_or("none")),
        )),
    }
}

fn content_length(headers: &HeaderMap) -> Option<usize> {
    headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.trim().parse().ok()
}

fn expects_continue(headers: &HeaderMap) -> bool {
    headers.get(header::EXPECT).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"))
}

fn body_too_large(limit: usize) -> ApiError {
    ApiError::too_large(format!("request body over --max-body-bytes {limit}"))
}

/// Reads the body up to `limit` bytes. Past it, reads on and discards up to [`DRAIN_FACTOR`] times
/// the limit (see the module docs), then refuses.
async fn read_body(mut body: Body, limit: usize) -> Result<Vec<u8>, ApiError> {
    let mut buf = Vec::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame =
            frame.map_err(|err| ApiError::new(StatusCode::BAD_REQUEST, format!("reading the request body: {err}")))?;
        let Ok(data) = frame.into_data() else { continue };
        total = total.saturating_add(data.len());
        if total <= limit {
            buf.extend_from_slice(&data);
        } else if total > limit.saturating_mul(DRAIN_FACTOR) {
            break;
        } else {
            buf = Vec::new();
        }
    }
    if total > limit {
        return Err(body_too_large(limit));
    }
    Ok(buf)
}

/// The documents of a request body: one `{"id", "text"}` object, or `{"documents": [...]}`.
fn documents(body: Value, limits: &Limits) -> Result<Vec<Document>, ApiError> {
    let Value::Object(mut body) = body else {
        return Err(ApiError::unprocessable(
            "expected a JSON object: {\"id\", \"text\"} or {\"documents\": [{\"id\", \"text\"}, ...]}",
        ));
    };
    let docs = match body.remove("documents") {
        None => vec![record_document(Value::Object(body), "0").map_err(ApiError::unprocessable)?],
        Some(Value::Array(items)) => {
            if body.contains_key("text") || body.contains_key("html") {
                return Err(ApiError::unprocessable(
                    "give one document (\"text\" or \"html\") or \"documents\", not both",
                ));
            }
            if items.is_empty() {
                return Err(ApiError::unprocessable("\"documents\" is empty"));
            }
            if items.len() > limits.max_documents {
                return Err(ApiError::too_large(format!(
                    "{} documents, over --max-documents {}",
                    items.len(),
                    limits.max_documents
                )));
            }
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    record_document(item, &i.to_string())
                        .map_err(|reason| ApiError::unprocessable(format!("documents[{i}]: {reason}")))
                })
                .collect::<Result<_, _>>()?
        }
        Some(_) => return Err(ApiError::unprocessable("\"documents\" must be an array")),
    };
    for doc in &docs {
        // Cheap byte test first, as `classify` does: a char is at least one byte.
        if doc.text.len() > limits.max_chars {
            let n = doc.text.chars().count();
            if n > limits.max_chars {
                return Err(ApiError::too_large(format!(
                    "document {:?} has {n} characters, over --max-chars {}",
                    doc.id, limits.max_chars
                )));
            }
        }
    }
    Ok(docs)
}

/// The answer of `GET /healthz`.
#[derive(Serialize)]
struct Health<'a> {
    status: &'a str,
    model: &'a str,
    schema: &'a str,
}

async fn healthz(State(app): State<Arc<App>>) -> Response {
    match serde_json::to_vec(&Health { status: "ok", model: &app.model, schema: crate::SCHEMA }) {
        Ok(body) => json_response(StatusCode::OK, body),
        Err(err) => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response(),
    }
}

async fn openapi() -> Response {
    json_response(StatusCode::OK, OPENAPI)
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, format!("no route for {method} {}", uri.path()))
}

/// Gives the error answers axum makes itself (405 from method routing, which adds its `Allow`
/// header after this runs) the JSON body of ours.
async fn json_errors(res: Response) -> Response {
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let message = status.canonical_reason().unwrap_or("error").to_lowercase();
    let (mut parts, _) = res.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Response::from_parts(parts, Body::from(error_body(&message)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            max_concurrency: 2,
            max_body_bytes: 1000,
            max_documents: 3,
            max_chars: 20,
            request_timeout: Duration::from_secs(5),
        }
    }

    fn docs(body: &str) -> Result<Vec<(String, String)>, (u16, String)> {
        let value: Value = serde_json::from_str(body).unwrap();
        documents(value, &limits())
            .map(|docs| docs.into_iter().map(|d| (d.id, d.text)).collect())
            .map_err(|e| (e.status.as_u16(), e.message))
    }

    #[test]
    fn request_bodies() {
        let pair = |id: &str, text: &str| (id.to_string(), text.to_string());
        assert_eq!(docs(r#"{"id": "a", "text": "Hello."}"#), Ok(vec![pair("a", "Hello.")]));
        assert_eq!(docs(r#"{"id": 7, "text": "Hello.", "extra": 1}"#), Ok(vec![pair("7", "Hello.")]));
        assert_eq!(docs(r#"{"text": "Hello."}"#), Ok(vec![pair("0", "Hello.")]));
        assert_eq!(
            docs(r#"{"documents": [{"id": "a", "text": "One."}, {"text": "Two."}]}"#),
            Ok(vec![pair("a", "One."), pair("1", "Two.")])
        );
        // A page: its visible text is the document, and --max-chars counts that text, not the markup.
        assert_eq!(
            docs(r#"{"id": "p", "html": "<nav>Menu</nav><p>Hi &amp; bye.</p><script>var long = 12345678;</script>"}"#),
            Ok(vec![pair("p", "Menu\nHi & bye.")])
        );

        type Case = (&'static str, u16, &'static str);
        let refused: &[Case] = &[
            (r#"[{"text": "x"}]"#, 422, "expected a JSON object"),
            (r#"{"id": "a"}"#, 422, "missing \"text\""),
            (r#"{"id": "a", "text": null}"#, 422, "missing \"text\""),
            (r#"{"id": "a", "text": "  \n "}"#, 422, "empty text"),
            (r#"{"id": "a", "text": 3}"#, 422, "must be a string"),
            (r#"{"id": [1], "text": "x"}"#, 422, "\"id\" must be a string or a number"),
            (r#"{"documents": {"text": "x"}}"#, 422, "must be an array"),
            (r#"{"documents": []}"#, 422, "is empty"),
            (r#"{"documents": [{"text": "x"}], "text": "y"}"#, 422, "not both"),
            (r#"{"documents": [{"text": "x"}], "html": "<p>y</p>"}"#, 422, "not both"),
            (r#"{"id": "a", "text": "x", "html": "<p>y</p>"}"#, 422, "give either \"text\" or \"html\", not both"),
            (r#"{"id": "a", "html": "<script>x</script>"}"#, 422, "record \"a\": empty text"),
            (r#"{"id": "a", "html": 3}"#, 422, "\"html\" must be a string"),
            (r#"{"documents": [{"text": "x"}, {"text": ""}]}"#, 422, "documents[1]: record \"1\": empty text"),
            (r#"{"documents": [{"text": "x"}, "y"]}"#, 422, "documents[1]: record is not a JSON object"),
            (r#"{"documents": [{"text": "a"}, {"text": "b"}, {"text": "c"}, {"text": "d"}]}"#, 413, "4 documents"),
            (r#"{"text": "aaaaaaaaaaaaaaaaaaaaa"}"#, 413, "21 characters, over --max-chars 20"),
        ];
        for &(body, status, needle) in refused {
            match docs(body) {
                Err((got, message)) => {
                    assert_eq!(got, status, "{body}: {message}");
                    assert!(message.contains(needle), "{body}: {message:?} lacks {needle:?}");
                }
                Ok(got) => panic!("{body} accepted: {got:?}"),
            }
        }
        // Twenty characters of two bytes each: over the limit in bytes, not in characters.
        assert!(docs(&format!(r#"{{"text": "{}"}}"#, "é".repeat(20))).is_ok());
    }

    #[test]
    fn content_types() {
        let with = |v: Option<&str>| {
            let mut h = HeaderMap::new();
            if let Some(v) = v {
                h.insert(header::CONTENT_TYPE, HeaderValue::from_str(v).unwrap());
            }
            check_content_type(&h).map_err(|e| e.status.as_u16())
        };
        assert_eq!(with(Some("application/json")), Ok(()));
        assert_eq!(with(Some("Application/JSON; charset=utf-8")), Ok(()));
        assert_eq!(with(Some("text/plain")), Err(415));
        assert_eq!(with(Some("application/jsonl")), Err(415));
        assert_eq!(with(None), Err(415));
    }

    #[tokio::test]
    async fn oversize_bodies_are_drained_then_refused() {
        let read = |len: usize| read_body(Body::from(vec![b' '; len]), 1000);
        assert_eq!(read(1000).await.map(|b| b.len()), Ok(1000));
        assert_eq!(read(1001).await.map_err(|e| e.status), Err(StatusCode::PAYLOAD_TOO_LARGE));
        assert_eq!(read(10_000).await.map_err(|e| e.status), Err(StatusCode::PAYLOAD_TOO_LARGE));
    }

    #[test]
    fn openapi_lists_the_routes() {
        let doc: Value = serde_json::from_str(OPENAPI).expect("openapi.json parses");
        assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.0.")), "{}", doc["openapi"]);
        for (path, method) in [("/v1/classify", "post"), ("/healthz", "get"), ("/openapi.json", "get")] {
            assert!(doc["paths"][path][method].is_object(), "{method} {path} missing");
        }
        let codes: Vec<&str> =
            doc["paths"]["/v1/classify"]["post"]["responses"].as_object().unwrap().keys().map(String::as_str).collect();
        for code in ["200", "400", "413", "415", "422", "500", "503"] {
            assert!(codes.contains(&code), "no {code} in {codes:?}");
        }
        // Every `$ref` points into the document.
        fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
            match v {
                Value::Object(m) => {
                    if let Some(Value::String(r)) = m.get("$ref") {
                        out.push(r);
                    }
                    m.values().for_each(|v| refs(v, out));
                }
                Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(!found.is_empty());
        for r in found {
            let target = r.strip_prefix('#').and_then(|pointer| doc.pointer(pointer));
            assert!(target.is_some_and(Value::is_object), "dangling $ref {r}");
        }
    }
}
