//! Reading inputs: files, directories, stdin, in plain-text, HTML or JSON Lines format, into
//! [`Document`]s.
//!
//! Every input becomes a [`Loaded`] entry, in order: a document, or why it could not be read. Nothing
//! is dropped, so a batch goes on past a bad file or record and the report says what happened
//! (`../shared/HOUSE-STYLE.md`, "Errors"). [`read_inputs`] is lazy: it reads one file at a time and
//! streams JSONL one line at a time, so memory is bounded by the largest document, not the batch.
//!
//! * `-` is stdin: the whole of it is one document (id [`STDIN_ID`]) in [`InputFormat::Text`] and
//!   [`InputFormat::Html`], or a stream of records in [`InputFormat::Jsonl`].
//! * A file is read in the format asked for, except that in text format (the default) a file ending
//!   in [`HTML_EXTENSIONS`] is read as HTML. In text and HTML format the whole file is one document
//!   whose id is the path as given. A leading UTF-8 BOM is removed: unit offsets index the text
//!   without it.
//! * HTML ([`html_document`]): the document text is the page's visible text, one block per line, as
//!   [`html::extract`] gives it, and unit offsets index that text, not the markup
//!   ([`Offsets::HtmlText`](crate::text::Offsets::HtmlText)). A page is decoded as UTF-8, or as Windows-1252 when it is not valid
//!   UTF-8 and does not declare UTF-8 ([`decode_html`]): a web page is never refused for its bytes.
//! * A directory is walked recursively in path order, skipping hidden entries (names starting with
//!   `.`) and symbolic links to directories (so a walk cannot loop). It takes files ending in
//!   [`TEXT_EXTENSIONS`], read as text, files ending in [`HTML_EXTENSIONS`], read as HTML, and in
//!   JSONL format also files ending in [`JSONL_EXTENSIONS`], read as JSONL. The ids of the documents
//!   found are the directory as given joined with their relative path.
//! * JSON Lines: one record `{"id": "..." | 123, "text": "..."}` per non-blank line; other fields are
//!   ignored. A record may give `"html"` (a page) instead of `"text"`: its visible text is then the
//!   document text, as for an HTML file. A record without an id gets `path:LINE` (1-based) as id; a
//!   failed record is reported with origin `path:LINE`.

use std::collections::VecDeque;
use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde_json::Value;

use super::segment::is_space;
use super::{html, Document};
use crate::error::{Error, Result};

/// The path that means stdin.
pub const STDIN_PATH: &str = "-";

/// The id (and failure origin) of a document read from stdin; JSONL records from stdin without an id
/// get `<stdin>:LINE`.
pub const STDIN_ID: &str = "<stdin>";

/// Extensions (compared case-insensitively) of the files a directory walk reads as text.
pub const TEXT_EXTENSIONS: &[&str] = &["txt", "md", "text"];

/// Extensions of the files a directory walk reads as JSONL, in [`InputFormat::Jsonl`] only.
pub const JSONL_EXTENSIONS: &[&str] = &["jsonl", "json"];

/// Extensions of the files read as HTML: in a directory walk, and when named in text format.
pub const HTML_EXTENSIONS: &[&str] = &["html", "htm"];

const BOM: &[u8] = b"\xef\xbb\xbf";

/// How input files are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// A file is one document; one ending in [`HTML_EXTENSIONS`] is read as HTML.
    Text,
    /// A file is one HTML page; its visible text is the document.
    Html,
    /// A file holds one JSON record `{"id", "text"}` (or `{"id", "html"}`) per line.
    Jsonl,
}

impl InputFormat {
    /// The name used on the command line: `text`, `html` or `jsonl`.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Text => "text",
            InputFormat::Html => "html",
            InputFormat::Jsonl => "jsonl",
        }
    }

    /// The format a path's extension suggests: JSONL for [`JSONL_EXTENSIONS`], HTML for
    /// [`HTML_EXTENSIONS`], text otherwise.
    pub fn for_path(path: &Path) -> InputFormat {
        if has_extension(path, JSONL_EXTENSIONS) {
            InputFormat::Jsonl
        } else if has_extension(path, HTML_EXTENSIONS) {
            InputFormat::Html
        } else {
            InputFormat::Text
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for InputFormat {
    type Err = Error;

    /// Parses `text`, `html` or `jsonl` (case-insensitive).
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "text" => Ok(InputFormat::Text),
            "html" => Ok(InputFormat::Html),
            "jsonl" => Ok(InputFormat::Jsonl),
            _ => Err(Error::Usage(format!("unknown input format {s:?}: expected text, html or jsonl"))),
        }
    }
}

/// One input as read: a document, or why it could not be read (reported, never dropped).
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded {
    /// A document ready to segment.
    Doc(Document),
    /// An input that could not be used.
    Failed {
        /// Where it came from: the path as given, `path:LINE` for a JSONL record, or [`STDIN_ID`].
        origin: String,
        /// Why, e.g. `empty input`, `binary input`, `not valid UTF-8 at byte 17`.
        reason: String,
    },
}

impl Loaded {
    /// A [`Loaded::Failed`].
    pub fn failed(origin: impl Into<String>, reason: impl Into<String>) -> Self {
        Loaded::Failed { origin: origin.into(), reason: reason.into() }
    }

    /// The document id, or the origin of a failure: what a report names the entry by.
    pub fn origin(&self) -> &str {
        match self {
            Loaded::Doc(doc) => &doc.id,
            Loaded::Failed { origin, .. } => origin,
        }
    }

    /// The document, or the failure as an [`Error::Input`].
    pub fn into_result(self) -> Result<Document> {
        match self {
            Loaded::Doc(doc) => Ok(doc),
            Loaded::Failed { origin, reason } => Err(Error::Input { origin, reason }),
        }
    }
}

/// Reads `paths` (files, directories, `-` for stdin) in `format`, lazily, in order: see the module
/// docs. Failures are entries of the iteration, so this never fails as a whole.
pub fn read_inputs(paths: &[PathBuf], format: InputFormat) -> Inputs {
    Inputs { format, queue: paths.iter().cloned().map(Pending::Given).collect(), records: None }
}

/// The iterator of [`read_inputs`].
pub struct Inputs {
    format: InputFormat,
    queue: VecDeque<Pending>,
    records: Option<JsonlRecords<Box<dyn BufRead + Send>>>,
}

enum Pending {
    /// A path the caller named.
    Given(PathBuf),
    /// A file found in a directory, with the format its extension asks for.
    Found(PathBuf, InputFormat),
    /// An entry of a directory walk that could not be read.
    Failed(Loaded),
}

impl Iterator for Inputs {
    type Item = Loaded;

    fn next(&mut self) -> Option<Loaded> {
        loop {
            if let Some(records) = &mut self.records {
                if let Some(loaded) = records.next() {
                    return Some(loaded);
                }
                self.records = None;
            }
            match self.queue.pop_front()? {
                Pending::Failed(loaded) => return Some(loaded),
                Pending::Found(path, format) => {
                    if let Some(loaded) = self.open(&path, format) {
                        return Some(loaded);
                    }
                }
                Pending::Given(path) if path.as_os_str() == STDIN_PATH => match self.format {
                    InputFormat::Text | InputFormat::Html => return Some(read_stdin_whole(self.format)),
                    InputFormat::Jsonl => {
                        let reader: Box<dyn BufRead + Send> = Box::new(BufReader::new(io::stdin()));
                        self.records = Some(jsonl_records(reader, STDIN_ID));
                    }
                },
                Pending::Given(path) => match fs::metadata(&path) {
                    Err(err) => return Some(Loaded::failed(path.display().to_string(), err.to_string())),
                    Ok(meta) if meta.is_dir() => {
                        let found = walk(&path, self.format);
                        if found.is_empty() {
                            return Some(Loaded::failed(path.display().to_string(), "no text files in directory"));
                        }
                        for pending in found.into_iter().rev() {
                            self.queue.push_front(pending);
                        }
                    }
                    Ok(_) => {
                        let format = if self.format == InputFormat::Text && has_extension(&path, HTML_EXTENSIONS) {
                            InputFormat::Html
                        } else {
                            self.format
                        };
                        if let Some(loaded) = self.open(&path, format) {
                            return Some(loaded);
                        }
                    }
                },
            }
        }
    }
}

impl Inputs {
    /// Reads a text or HTML file whole, or starts streaming a JSONL file (`None`: records come next).
    fn open(&mut self, path: &Path, format: InputFormat) -> Option<Loaded> {
        let origin = path.display().to_string();
        match format {
            InputFormat::Text | InputFormat::Html => Some(match fs::read(path) {
                Ok(bytes) => whole_document(format, origin, bytes),
                Err(err) => Loaded::failed(origin, err.to_string()),
            }),
            InputFormat::Jsonl => match File::open(path) {
                Ok(file) => {
                    let reader: Box<dyn BufRead + Send> = Box::new(BufReader::new(file));
                    self.records = Some(jsonl_records(reader, &origin));
                    None
                }
                Err(err) => Some(Loaded::failed(origin, err.to_string())),
            },
        }
    }
}

fn read_stdin_whole(format: InputFormat) -> Loaded {
    let mut bytes = Vec::new();
    match io::stdin().lock().read_to_end(&mut bytes) {
        Ok(_) => whole_document(format, STDIN_ID.to_string(), bytes),
        Err(err) => Loaded::failed(STDIN_ID, err.to_string()),
    }
}

/// A whole input as one document: HTML in [`InputFormat::Html`], text otherwise.
fn whole_document(format: InputFormat, id: String, bytes: Vec<u8>) -> Loaded {
    match format {
        InputFormat::Html => html_document(id, bytes),
        InputFormat::Text | InputFormat::Jsonl => text_document(id, bytes),
    }
}

/// The files under `dir` that a walk in `format` takes, sorted by path, with unreadable
/// subdirectories as failures in their place.
fn walk(dir: &Path, format: InputFormat) -> Vec<Pending> {
    let mut found = Vec::new();
    walk_into(dir, format, &mut found);
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found.into_iter().map(|(_, pending)| pending).collect()
}

fn walk_into(dir: &Path, format: InputFormat, found: &mut Vec<(PathBuf, Pending)>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            found
                .push((dir.to_path_buf(), Pending::Failed(Loaded::failed(dir.display().to_string(), err.to_string()))));
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                found.push((
                    dir.to_path_buf(),
                    Pending::Failed(Loaded::failed(dir.display().to_string(), err.to_string())),
                ));
                continue;
            }
        };
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let is_dir = match entry.file_type() {
            Ok(kind) if kind.is_symlink() => {
                if fs::metadata(&path).is_ok_and(|meta| meta.is_dir()) {
                    continue;
                }
                false
            }
            Ok(kind) => kind.is_dir(),
            // Unknown kind: let reading it report what is wrong.
            Err(_) => false,
        };
        if is_dir {
            walk_into(&path, format, found);
        } else if has_extension(&path, TEXT_EXTENSIONS) {
            found.push((path.clone(), Pending::Found(path, InputFormat::Text)));
        } else if has_extension(&path, HTML_EXTENSIONS) {
            found.push((path.clone(), Pending::Found(path, InputFormat::Html)));
        } else if format == InputFormat::Jsonl && has_extension(&path, JSONL_EXTENSIONS) {
            found.push((path.clone(), Pending::Found(path, InputFormat::Jsonl)));
        }
    }
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| extensions.iter().any(|want| ext.eq_ignore_ascii_case(want)))
}

/// A text-format document from raw bytes: fails on NUL bytes (`binary input`), invalid UTF-8 (`not
/// valid UTF-8 at byte N`, N counting from the first byte given) and blank text (`empty input`).
/// A leading BOM is removed.
pub fn text_document(id: impl Into<String>, bytes: Vec<u8>) -> Loaded {
    let id = id.into();
    if bytes.contains(&0) {
        return Loaded::failed(id, "binary input");
    }
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => return Loaded::failed(id, format!("not valid UTF-8 at byte {}", err.utf8_error().valid_up_to())),
    };
    if text.as_bytes().starts_with(BOM) {
        text.drain(..BOM.len());
    }
    if text.chars().all(is_space) {
        return Loaded::failed(id, "empty input");
    }
    Loaded::Doc(Document::plain(id, text))
}

/// An HTML document from raw bytes: the page's visible text ([`html::extract`]) is the document
/// text, with [`Offsets::HtmlText`](crate::text::Offsets::HtmlText). Fails on NUL bytes (`binary input`) and on a page without
/// visible text (`empty input`, as for a blank text file); any other bytes are decoded by
/// [`decode_html`], never refused.
pub fn html_document(id: impl Into<String>, bytes: Vec<u8>) -> Loaded {
    let id = id.into();
    if bytes.contains(&0) {
        return Loaded::failed(id, "binary input");
    }
    let page = html::extract(&decode_html(bytes));
    if page.text.chars().all(is_space) {
        return Loaded::failed(id, "empty input");
    }
    Loaded::Doc(Document::from_html(id, page))
}

/// The characters of an HTML page's bytes, without a leading BOM. Valid UTF-8 is read as UTF-8.
/// Otherwise a page that says it is UTF-8 (a UTF-8 BOM, or `charset=utf-8` in its first 1024 bytes,
/// where a `<meta>` must put it) is read as UTF-8 with each invalid sequence replaced by U+FFFD, and
/// any other page as Windows-1252: the WHATWG Encoding Standard's fallback for pages without a
/// usable declaration, and what browsers use for pages labelled ISO-8859-1 or US-ASCII. Pages in
/// other legacy encodings (Shift_JIS, KOI8-R...) come out as Windows-1252 mojibake, not as an error.
pub fn decode_html(bytes: Vec<u8>) -> String {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let bytes = err.into_bytes();
            if bytes.starts_with(BOM) || declares_utf8(&bytes) {
                String::from_utf8_lossy(&bytes).into_owned()
            } else {
                bytes.iter().map(|&b| windows_1252(b)).collect()
            }
        }
    };
    match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    }
}

/// Whether the first `charset=` in the first 1024 bytes of a page names UTF-8 (`utf-8` or `utf8`,
/// case-insensitive, quoted or not).
fn declares_utf8(bytes: &[u8]) -> bool {
    let head = bytes[..bytes.len().min(1024)].to_ascii_lowercase();
    let mut rest = &head[..];
    while let Some(at) = rest.windows(7).position(|w| w == b"charset") {
        rest = &rest[at + 7..];
        if let Some(value) = rest.trim_ascii_start().strip_prefix(b"=") {
            let value = value.trim_ascii_start();
            let value = value.strip_prefix(b"\"").or_else(|| value.strip_prefix(b"'")).unwrap_or(value);
            return value.starts_with(b"utf-8") || value.starts_with(b"utf8");
        }
    }
    false
}

/// Windows-1252 bytes 0x80 to 0x9F, as the WHATWG Encoding Standard maps them (its five unassigned
/// bytes map to the C1 control of the same number); every other byte is the code point of its value.
const WINDOWS_1252_80_9F: [char; 32] = [
    '\u{20ac}', '\u{81}', '\u{201a}', '\u{192}', '\u{201e}', '\u{2026}', '\u{2020}', '\u{2021}', '\u{2c6}', '\u{2030}',
    '\u{160}', '\u{2039}', '\u{152}', '\u{8d}', '\u{17d}', '\u{8f}', '\u{90}', '\u{2018}', '\u{2019}', '\u{201c}',
    '\u{201d}', '\u{2022}', '\u{2013}', '\u{2014}', '\u{2dc}', '\u{2122}', '\u{161}', '\u{203a}', '\u{153}', '\u{9d}',
    '\u{17e}', '\u{178}',
];

fn windows_1252(b: u8) -> char {
    match b {
        0x80..=0x9f => WINDOWS_1252_80_9F[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Streams the JSONL records of `reader` one line at a time (memory bounded by the longest line).
/// `origin` names the source in ids and failures (`origin:LINE`). Blank lines are skipped; a source
/// with no records at all yields one failure, `empty input`; a read error ends the stream with a
/// failure.
pub fn jsonl_records<R: BufRead>(reader: R, origin: &str) -> JsonlRecords<R> {
    JsonlRecords { reader, origin: origin.to_owned(), line: 0, offset: 0, buf: Vec::new(), yielded: false, done: false }
}

/// The iterator of [`jsonl_records`].
pub struct JsonlRecords<R> {
    reader: R,
    origin: String,
    /// Lines read so far.
    line: usize,
    /// Byte offset of the next line.
    offset: usize,
    buf: Vec<u8>,
    yielded: bool,
    done: bool,
}

impl<R: BufRead> Iterator for JsonlRecords<R> {
    type Item = Loaded;

    fn next(&mut self) -> Option<Loaded> {
        while !self.done {
            self.buf.clear();
            let read = match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(read) => read,
                Err(err) => {
                    self.done = true;
                    self.yielded = true;
                    return Some(Loaded::failed(format!("{}:{}", self.origin, self.line + 1), err.to_string()));
                }
            };
            if read == 0 {
                self.done = true;
                if !self.yielded {
                    self.yielded = true;
                    return Some(Loaded::failed(self.origin.clone(), "empty input"));
                }
                return None;
            }
            self.line += 1;
            let line_offset = self.offset;
            self.offset += read;
            let skip = if self.line == 1 && self.buf.starts_with(BOM) { BOM.len() } else { 0 };
            let at = format!("{}:{}", self.origin, self.line);
            let line = match std::str::from_utf8(&self.buf[skip..]) {
                Ok(line) => line,
                Err(err) => {
                    self.yielded = true;
                    let byte = line_offset + skip + err.valid_up_to();
                    return Some(Loaded::failed(at, format!("not valid UTF-8 at byte {byte}")));
                }
            };
            if line.chars().all(is_space) {
                continue;
            }
            self.yielded = true;
            return Some(parse_record(line.trim_end_matches(['\n', '\r']), at));
        }
        None
    }
}

/// One JSONL record; `at` is its `origin:LINE`, used as origin of a failure and as id when the
/// record has none.
fn parse_record(line: &str, at: String) -> Loaded {
    let record = match serde_json::from_str::<Value>(line) {
        Ok(record) => record,
        Err(err) => return Loaded::failed(at, format!("malformed JSON: {err}")),
    };
    match record_document(record, &at) {
        Ok(doc) => Loaded::Doc(doc),
        Err(reason) => Loaded::failed(at, reason),
    }
}

/// Checks one parsed `{"id": "..." | 123, "text": "..."}` record and makes it a [`Document`]; other
/// fields are ignored. A record may give `"html"`, a page, instead of `"text"`: the document is then
/// its visible text ([`html::extract`], [`Offsets::HtmlText`](crate::text::Offsets::HtmlText)). `default_id` is the id of a record
/// without one. The `Err` is why the record cannot be used: not an object, an id that is neither
/// string nor number, both `text` and `html`, neither, a non-string one, or blank text (for `html`,
/// no visible text). JSONL inputs and the HTTP API (`serve`) share these rules.
pub fn record_document(record: Value, default_id: &str) -> std::result::Result<Document, String> {
    let Value::Object(mut record) = record else {
        return Err("record is not a JSON object".into());
    };
    let id = match record.get("id") {
        None | Some(Value::Null) => default_id.to_string(),
        Some(Value::String(id)) => id.clone(),
        Some(Value::Number(id)) => id.to_string(),
        Some(_) => return Err("\"id\" must be a string or a number".into()),
    };
    let text = record.remove("text").filter(|v| !v.is_null());
    let page = record.remove("html").filter(|v| !v.is_null());
    let doc = match (text, page) {
        (Some(Value::String(text)), None) => Document::plain(id, text),
        (None, Some(Value::String(page))) => Document::from_html(id, html::extract(&page)),
        (Some(_), Some(_)) => return Err(format!("record {id:?}: give either \"text\" or \"html\", not both")),
        (None, None) => return Err(format!("record {id:?}: missing \"text\"")),
        (Some(_), None) => return Err(format!("record {id:?}: \"text\" must be a string")),
        (None, Some(_)) => return Err(format!("record {id:?}: \"html\" must be a string")),
    };
    if doc.text.chars().all(is_space) {
        return Err(format!("record {:?}: empty text", doc.id));
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Offsets;
    use std::io::Cursor;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, bytes).unwrap();
        path
    }

    fn read_all(paths: &[PathBuf], format: InputFormat) -> Vec<Loaded> {
        untag(read_inputs(paths, format).collect())
    }

    /// Checks that every HTML document carries the markup features of each of its lines (and a
    /// text document none), then drops them, so that documents compare by id, text and offsets.
    fn untag(loaded: Vec<Loaded>) -> Vec<Loaded> {
        loaded
            .into_iter()
            .map(|l| match l {
                Loaded::Doc(mut d) => {
                    match (&d.offsets, &d.dom) {
                        (Offsets::HtmlText, Some(dom)) => assert_eq!(dom.len(), d.text.split('\n').count(), "{}", d.id),
                        (Offsets::Input, None) => {}
                        other => panic!("{}: offsets and markup features disagree: {other:?}", d.id),
                    }
                    d.dom = None;
                    Loaded::Doc(d)
                }
                failed => failed,
            })
            .collect()
    }

    fn doc(id: &str, text: &str) -> Loaded {
        Loaded::Doc(Document::plain(id, text))
    }

    fn failure(loaded: &Loaded) -> (&str, &str) {
        match loaded {
            Loaded::Failed { origin, reason } => (origin, reason),
            Loaded::Doc(doc) => panic!("expected a failure, got document {:?}", doc.id),
        }
    }

    #[test]
    fn text_files_table() {
        let dir = tempfile::tempdir().unwrap();
        let cases: &[(&str, &[u8], Result<&str, &str>)] = &[
            ("plain.txt", b"Hello world.\n", Ok("Hello world.\n")),
            ("bom.txt", b"\xef\xbb\xbfTitle\r\nBody.", Ok("Title\r\nBody.")),
            ("empty.txt", b"", Err("empty input")),
            ("blank.txt", b" \r\n\t\n", Err("empty input")),
            ("bom-only.txt", b"\xef\xbb\xbf\n", Err("empty input")),
            ("latin1.txt", b"caf\xe9 au lait", Err("not valid UTF-8 at byte 3")),
            ("bom-latin1.txt", b"\xef\xbb\xbfcaf\xe9", Err("not valid UTF-8 at byte 6")),
            ("binary.txt", b"PK\x03\x04\x00\x00", Err("binary input")),
            (
                "no-extension",
                "Any name works when named: “quotes” 😀".as_bytes(),
                Ok("Any name works when named: “quotes” 😀"),
            ),
        ];
        for (name, bytes, want) in cases {
            let path = write(dir.path(), name, bytes);
            let id = path.display().to_string();
            let got = read_all(&[path], InputFormat::Text);
            let want = match want {
                Ok(text) => doc(&id, text),
                Err(reason) => Loaded::failed(&id, *reason),
            };
            assert_eq!(got, [want], "reading {name}");
        }
    }

    #[test]
    fn missing_path_is_reported_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.txt");
        let got = read_all(std::slice::from_ref(&missing), InputFormat::Text);
        let (origin, reason) = failure(&got[0]);
        assert_eq!(origin, missing.display().to_string());
        if cfg!(unix) {
            assert!(reason.contains("No such file or directory"), "{reason}");
        }
        let err = got[0].clone().into_result().unwrap_err().to_string();
        assert!(err.starts_with(&format!("{}: ", missing.display())), "{err}");
    }

    #[test]
    fn directories_are_walked_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "b.txt", b"B.");
        write(root, "a/z.md", b"AZ.");
        write(root, "a/b.TEXT", b"AB.");
        write(root, "c.jsonl", b"{\"id\": 1, \"text\": \"C.\"}\n");
        write(root, "notes.pdf", b"%PDF");
        write(root, ".hidden.txt", b"hidden");
        write(root, ".git/x.txt", b"hidden");
        write(root, "d.txt", b"");
        let id = |name: &str| root.join(name).display().to_string();

        let got = read_all(&[root.to_path_buf()], InputFormat::Text);
        assert_eq!(
            got,
            [
                doc(&id("a/b.TEXT"), "AB."),
                doc(&id("a/z.md"), "AZ."),
                doc(&id("b.txt"), "B."),
                Loaded::failed(id("d.txt"), "empty input")
            ]
        );

        let got = read_all(&[root.to_path_buf()], InputFormat::Jsonl);
        let ids: Vec<&str> = got.iter().map(Loaded::origin).collect();
        assert_eq!(ids, [id("a/b.TEXT"), id("a/z.md"), id("b.txt"), "1".to_string(), id("d.txt")]);
    }

    #[cfg(unix)]
    #[test]
    fn directory_symlinks_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "sub/a.txt", b"A.");
        std::os::unix::fs::symlink(dir.path(), dir.path().join("sub/loop")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("sub/a.txt"), dir.path().join("link.txt")).unwrap();
        let got = read_all(&[dir.path().to_path_buf()], InputFormat::Text);
        let ids: Vec<&str> = got.iter().map(Loaded::origin).collect();
        let id = |name: &str| dir.path().join(name).display().to_string();
        assert_eq!(ids, [id("link.txt"), id("sub/a.txt")]);
    }

    #[test]
    fn directory_without_text_files_is_one_failure() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "data.csv", b"a,b");
        write(dir.path(), "records.jsonl", b"{\"text\": \"x\"}");
        let got = read_all(&[dir.path().to_path_buf()], InputFormat::Text);
        assert_eq!(got, [Loaded::failed(dir.path().display().to_string(), "no text files in directory")]);
    }

    #[test]
    fn inputs_keep_their_order() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(dir.path(), "a.txt", b"A.");
        let b = write(dir.path(), "b.txt", b"B.");
        let missing = dir.path().join("missing.txt");
        let got = read_all(&[b.clone(), missing.clone(), a.clone()], InputFormat::Text);
        let ids: Vec<&str> = got.iter().map(Loaded::origin).collect();
        assert_eq!(ids, [b.display().to_string(), missing.display().to_string(), a.display().to_string()]);
    }

    #[test]
    fn jsonl_records_table() {
        let input = concat!(
            "{\"id\": \"a\", \"text\": \"First.\", \"extra\": true}\n",
            "\n",
            "{\"id\": 7, \"text\": \"Seventh.\"}\r\n",
            "{\"text\": \"No id.\"}\n",
            "{\"id\": \"b\", \"text\": \"\"}\n",
            "{\"id\": \"c\", \"text\": 5}\n",
            "{\"id\": \"d\"}\n",
            "{\"id\": [1], \"text\": \"x\"}\n",
            "[1, 2]\n",
            "{\"id\": \"e\", \"text\": \"unterminated\n",
            "   \t\n",
            "{\"id\": null, \"text\": \"Null id. 😀\"}",
        );
        let got: Vec<Loaded> = jsonl_records(Cursor::new(input), "in.jsonl").collect();
        let want = [
            doc("a", "First."),
            doc("7", "Seventh."),
            doc("in.jsonl:4", "No id."),
            Loaded::failed("in.jsonl:5", "record \"b\": empty text"),
            Loaded::failed("in.jsonl:6", "record \"c\": \"text\" must be a string"),
            Loaded::failed("in.jsonl:7", "record \"d\": missing \"text\""),
            Loaded::failed("in.jsonl:8", "\"id\" must be a string or a number"),
            Loaded::failed("in.jsonl:9", "record is not a JSON object"),
        ];
        assert_eq!(got[..8], want);
        let (origin, reason) = failure(&got[8]);
        assert_eq!(origin, "in.jsonl:10");
        assert!(reason.starts_with("malformed JSON: EOF while parsing a string"), "{reason}");
        assert_eq!(got[9], doc("in.jsonl:12", "Null id. 😀"));
        assert_eq!(got.len(), 10);
    }

    #[test]
    fn jsonl_bytes_table() {
        type Case<'a> = (&'a [u8], &'a [(&'a str, &'a str)]);
        let cases: &[Case] = &[
            (b"", &[("x.jsonl", "empty input")]),
            (b"\n  \n", &[("x.jsonl", "empty input")]),
            (b"\xef\xbb\xbf{\"id\": \"a\", \"text\": \"A\"}\n", &[]),
            (
                b"{\"text\": \"A\"}\n{\"text\": \"caf\xe9\"}\n{\"text\": \"B\"}",
                &[("x.jsonl:2", "not valid UTF-8 at byte 27")],
            ),
        ];
        for (bytes, want_failures) in cases {
            let got: Vec<Loaded> = jsonl_records(Cursor::new(*bytes), "x.jsonl").collect();
            let failures: Vec<(&str, &str)> =
                got.iter().filter(|l| matches!(l, Loaded::Failed { .. })).map(failure).collect();
            assert_eq!(failures, *want_failures, "reading {:?}", String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn jsonl_files_stream_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let one = write(dir.path(), "one.jsonl", b"{\"id\": \"1\", \"text\": \"One.\"}\n{\"text\": \"Two.\"}\n");
        let empty = write(dir.path(), "empty.jsonl", b"");
        let got = read_all(&[one.clone(), empty.clone()], InputFormat::Jsonl);
        assert_eq!(
            got,
            [
                doc("1", "One."),
                doc(&format!("{}:2", one.display()), "Two."),
                Loaded::failed(empty.display().to_string(), "empty input"),
            ]
        );
    }

    #[test]
    fn huge_single_lines() {
        let text = "Word and more words. ".repeat(250_000);
        assert!(text.len() >= 5_000_000);
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "huge.txt", text.as_bytes());
        let got = read_all(&[path], InputFormat::Text);
        assert!(matches!(&got[..], [Loaded::Doc(d)] if d.text == text));

        let record = serde_json::json!({"id": "huge", "text": text}).to_string() + "\n";
        let got: Vec<Loaded> = jsonl_records(Cursor::new(record.repeat(2)), "huge.jsonl").collect();
        assert_eq!(got.len(), 2);
        assert!(got.iter().all(|l| matches!(l, Loaded::Doc(d) if d.text == text)));
    }

    #[test]
    fn format_names_parse() {
        assert_eq!("text".parse::<InputFormat>().unwrap(), InputFormat::Text);
        assert_eq!("JSONL".parse::<InputFormat>().unwrap(), InputFormat::Jsonl);
        assert!("csv".parse::<InputFormat>().is_err());
        assert_eq!(InputFormat::for_path(Path::new("a/b.JSONL")), InputFormat::Jsonl);
        assert_eq!(InputFormat::for_path(Path::new("a/b.md")), InputFormat::Text);
        assert_eq!("Html".parse::<InputFormat>().unwrap(), InputFormat::Html);
        assert_eq!(InputFormat::for_path(Path::new("a/b.HTM")), InputFormat::Html);
    }

    fn page(id: &str, text: &str) -> Loaded {
        Loaded::Doc(Document { id: id.into(), text: text.into(), offsets: Offsets::HtmlText, dom: None })
    }

    #[test]
    fn html_files_table() {
        let dir = tempfile::tempdir().unwrap();
        let cases: &[(&str, &[u8], Result<&str, &str>)] = &[
            ("plain.html", b"<h1>Title</h1><script>no()</script><p>Body &amp; more.</p>", Ok("Title\nBody & more.")),
            ("bom.html", b"\xef\xbb\xbf<p>caf\xc3\xa9</p>", Ok("caf\u{e9}")),
            // Not UTF-8 and no declaration: Windows-1252, 0x93/0x94 are curly quotes there.
            ("cp1252.html", b"<p>caf\xe9 \x93quoted\x94 \x80 5</p>", Ok("caf\u{e9} \u{201c}quoted\u{201d} \u{20ac} 5")),
            ("label.html", b"<meta charset=\"ISO-8859-1\"><p>na\xefve</p>", Ok("na\u{ef}ve")),
            // Declared UTF-8 with a stray byte: UTF-8, the byte replaced, the rest intact.
            (
                "declared.html",
                b"<meta charset='UTF-8'><p>\xc3\xa9t\xe9 \xe2\x80\x94 ok</p>",
                Ok("\u{e9}t\u{fffd} \u{2014} ok"),
            ),
            (
                "http-equiv.html",
                b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset = utf8\"><p>\xff</p>",
                Ok("\u{fffd}"),
            ),
            ("bom-bad.html", b"\xef\xbb\xbf<p>a\xffb</p>", Ok("a\u{fffd}b")),
            ("empty.html", b"", Err("empty input")),
            (
                "invisible.html",
                b"<html><head><title>Only a title</title></head><body><script>x()</script></body></html>",
                Err("empty input"),
            ),
            ("hidden.htm", b"<div hidden>secret</div><p style=\"display:none\">gone</p>", Err("empty input")),
            ("nul.html", b"<p>a\x00b</p>", Err("binary input")),
        ];
        for (name, bytes, want) in cases {
            let path = write(dir.path(), name, bytes);
            let id = path.display().to_string();
            let got = read_all(&[path], InputFormat::Html);
            let want = match want {
                Ok(text) => page(&id, text),
                Err(reason) => Loaded::failed(&id, *reason),
            };
            assert_eq!(got, [want], "reading {name}");
        }
    }

    #[test]
    fn windows_1252_covers_every_byte() {
        let all: Vec<u8> = (0..=255).collect();
        let text: Vec<char> = decode_html(all).chars().collect();
        assert_eq!(text.len(), 256, "one char per byte");
        let picks = (text[0x41], text[0x80], text[0x81], text[0x9f], text[0xa0], text[0xff]);
        assert_eq!(picks, ('A', '€', '\u{81}', 'Ÿ', '\u{a0}', 'ÿ'));
        assert_eq!(text[0x8a..=0x8c].iter().collect::<String>(), "Š‹Œ");
    }

    #[test]
    fn html_is_detected_by_name_in_text_format_only() {
        let dir = tempfile::tempdir().unwrap();
        let named = write(dir.path(), "Page.HTM", b"<p>Hi.</p>");
        let id = named.display().to_string();
        assert_eq!(read_all(std::slice::from_ref(&named), InputFormat::Text), [page(&id, "Hi.")]);
        assert_eq!(read_all(std::slice::from_ref(&named), InputFormat::Html), [page(&id, "Hi.")]);
        // Asked for JSONL, a named file is JSONL whatever its name.
        let got = read_all(std::slice::from_ref(&named), InputFormat::Jsonl);
        assert!(matches!(&got[..], [Loaded::Failed { reason, .. }] if reason.starts_with("malformed JSON")), "{got:?}");
        // `--input html` reads any named file as a page.
        let txt = write(dir.path(), "markup.txt", b"<p>Tagged <b>text</b>.</p>");
        let id = txt.display().to_string();
        assert_eq!(read_all(std::slice::from_ref(&txt), InputFormat::Html), [page(&id, "Tagged text.")]);
        assert_eq!(read_all(&[txt], InputFormat::Text), [doc(&id, "<p>Tagged <b>text</b>.</p>")]);
    }

    #[test]
    fn directories_read_html_files_as_html() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "a.txt", b"<p>A.</p>");
        write(root, "b.html", b"<p>B.</p>");
        write(root, "sub/c.HTM", b"<nav>Menu</nav><p>C.</p>");
        write(root, "d.xhtml", b"<p>D.</p>");
        write(root, "e.jsonl", b"{\"id\": \"e\", \"html\": \"<p>E.</p>\"}\n");
        let id = |name: &str| root.join(name).display().to_string();
        let want = [doc(&id("a.txt"), "<p>A.</p>"), page(&id("b.html"), "B."), page(&id("sub/c.HTM"), "Menu\nC.")];
        for format in [InputFormat::Text, InputFormat::Html] {
            assert_eq!(read_all(&[root.to_path_buf()], format), want, "{format}");
        }
        let got = read_all(&[root.to_path_buf()], InputFormat::Jsonl);
        assert_eq!(got, [want[0].clone(), want[1].clone(), page("e", "E."), want[2].clone()]);
    }

    #[test]
    fn jsonl_html_records() {
        let input = concat!(
            "{\"id\": \"p\", \"html\": \"<nav>Home</nav><p>One &amp; two.</p><script>x()</script>\"}\n",
            "{\"id\": \"t\", \"text\": \"<p>Kept as text.</p>\", \"html\": null}\n",
            "{\"id\": \"both\", \"text\": \"x\", \"html\": \"<p>y</p>\"}\n",
            "{\"id\": \"n\", \"html\": 5}\n",
            "{\"id\": \"s\", \"html\": \"<script>only()</script>\"}\n",
        );
        let got: Vec<Loaded> = untag(jsonl_records(Cursor::new(input), "in.jsonl").collect());
        assert_eq!(
            got,
            [
                page("p", "Home\nOne & two."),
                doc("t", "<p>Kept as text.</p>"),
                Loaded::failed("in.jsonl:3", "record \"both\": give either \"text\" or \"html\", not both"),
                Loaded::failed("in.jsonl:4", "record \"n\": \"html\" must be a string"),
                Loaded::failed("in.jsonl:5", "record \"s\": empty text"),
            ]
        );
    }
}
