//! [doccano](https://github.com/doccano/doccano) sequence-labeling JSONL with framemark's spans,
//! and the import of a doccano export.
//!
//! # Export
//!
//! One JSON object per line per document, the shape doccano's sequence-labeling import reads:
//!
//! ```text
//! {"text": "<document text>", "label": [[131, 140, "Loaded_Language"], ...], "doc": "a.txt"}
//! ```
//!
//! `label` holds every technique evidence span as `[start, end, name]`, sorted and without
//! duplicates; doccano keeps `doc` as document metadata.
//!
//! # Import
//!
//! Reads doccano's JSONL export, one document per non-blank line. Spans come from `label` (a list
//! of `[start, end, name]`, the sequence-labeling export) or, when there is no `label`, from
//! `entities` (a list of `{"start_offset", "end_offset", "label"}`, the export of projects with
//! relations). Labels must be technique **names**: a numeric label id, a label without offsets (a
//! text-classification export) or an unknown name is an error naming the line. The document id
//! is `doc` (top level, or under `meta`, where doccano versions put it), else doccano's `id`,
//! else `line N`.

use std::io::{BufRead, Write};

use serde::Serialize;
use serde_json::Value;

use super::{checked_spans, doc_spans, text_of, Span, SpanDoc};
use crate::error::{Error, Result};
use crate::report::DocReport;

#[derive(Serialize)]
struct Line<'a> {
    text: &'a str,
    label: Vec<(usize, usize, &'a str)>,
    doc: &'a str,
}

/// Writes the line of one document (an [`Error::Input`] when the report has no text).
pub fn write_doc(w: &mut impl Write, doc: &DocReport) -> Result<()> {
    let text = text_of(doc)?;
    let spans = doc_spans(doc);
    let line = Line { text, label: spans.iter().map(|s| (s.start, s.end, s.label.as_str())).collect(), doc: &doc.doc };
    let mut bytes = serde_json::to_vec(&line)?;
    bytes.push(b'\n');
    w.write_all(&bytes)?;
    Ok(())
}

/// Writes one line per document.
pub fn write_docs(w: &mut impl Write, docs: &[DocReport]) -> Result<()> {
    docs.iter().try_for_each(|doc| write_doc(w, doc))
}

/// Reads a doccano JSONL export into span records (see the module docs); `techniques` are the
/// names a label may have.
pub fn read_docs(r: impl BufRead, techniques: &[&str]) -> Result<Vec<SpanDoc>> {
    let mut docs = Vec::new();
    for (i, line) in r.lines().enumerate() {
        let line = line.map_err(|e| Error::Input { origin: format!("line {}", i + 1), reason: e.to_string() })?;
        if line.trim().is_empty() {
            continue;
        }
        docs.push(read_line(i + 1, &line, techniques)?);
    }
    Ok(docs)
}

fn read_line(n: usize, line: &str, techniques: &[&str]) -> Result<SpanDoc> {
    let mut origin = format!("line {n}");
    let fail = |origin: &str, reason: String| Error::Input { origin: origin.to_string(), reason };
    let record: Value = serde_json::from_str(line).map_err(|e| fail(&origin, format!("malformed JSON: {e}")))?;
    let text = record.get("text").and_then(Value::as_str).ok_or_else(|| fail(&origin, "no \"text\" string".into()))?;
    let id = match (record.get("doc"), record.get("meta").and_then(|m| m.get("doc")), record.get("id")) {
        (Some(Value::String(doc)), _, _) | (_, Some(Value::String(doc)), _) => doc.clone(),
        (_, _, Some(Value::Number(id))) => id.to_string(),
        (_, _, Some(Value::String(id))) => id.clone(),
        _ => origin.clone(),
    };
    if id != origin {
        origin = format!("line {n} ({id})");
    }
    let offset = |v: Option<&Value>, what: &str| -> Result<usize> {
        v.and_then(Value::as_u64).map(|x| x as usize).ok_or_else(|| fail(&origin, format!("{what} is not a character offset")))
    };
    let name = |v: Option<&Value>| -> Result<String> {
        match v {
            Some(Value::String(name)) => Ok(name.clone()),
            Some(Value::Number(id)) => Err(fail(
                &origin,
                format!("label {id} is a label id, not a name: export from doccano with label names"),
            )),
            other => Err(fail(&origin, format!("label {} is not a name", other.unwrap_or(&Value::Null)))),
        }
    };
    let mut spans = Vec::new();
    match (record.get("label"), record.get("entities")) {
        (Some(Value::Array(labels)), _) => {
            for label in labels {
                match label {
                    Value::Array(parts) if parts.len() == 3 => spans.push(Span {
                        start: offset(parts.first(), "a label's start")?,
                        end: offset(parts.get(1), "a label's end")?,
                        label: name(parts.get(2))?,
                    }),
                    Value::String(name) => {
                        return Err(fail(
                            &origin,
                            format!("label {name:?} has no offsets (a text-classification export?): expected [start, end, name]"),
                        ))
                    }
                    other => return Err(fail(&origin, format!("label {other} is not [start, end, name]"))),
                }
            }
        }
        (None | Some(Value::Null), Some(Value::Array(entities))) => {
            for e in entities {
                spans.push(Span {
                    start: offset(e.get("start_offset"), "an entity's start_offset")?,
                    end: offset(e.get("end_offset"), "an entity's end_offset")?,
                    label: name(e.get("label"))?,
                });
            }
        }
        (None | Some(Value::Null), None | Some(Value::Null)) => {}
        _ => return Err(fail(&origin, "\"label\" (or \"entities\") is not a list".into())),
    }
    let spans = checked_spans(&origin, text, spans, techniques)?;
    Ok(SpanDoc { id, text: text.to_string(), spans })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing::{reports, TECHNIQUES};

    fn import(jsonl: &str) -> Result<Vec<SpanDoc>> {
        read_docs(jsonl.as_bytes(), TECHNIQUES)
    }

    #[test]
    fn round_trip_gives_back_the_same_spans_and_labels() {
        let reports = reports();
        let mut out = Vec::new();
        write_docs(&mut out, &reports).unwrap();
        let jsonl = String::from_utf8(out).unwrap();
        assert_eq!(jsonl.lines().count(), 2);
        let back = import(&jsonl).unwrap();
        for (doc, got) in reports.iter().zip(&back) {
            assert_eq!(got.id, doc.doc);
            assert_eq!(Some(got.text.as_str()), doc.text.as_deref());
            assert_eq!(got.spans, doc_spans(doc));
        }
        assert_eq!(back.len(), 2);
        assert!(!back[0].spans.is_empty());
    }

    #[test]
    fn line_shape() {
        let mut out = Vec::new();
        write_doc(&mut out, &reports()[0]).unwrap();
        let line: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(line["doc"], "a.txt");
        assert_eq!(line["label"][0], serde_json::json!([2, 6, "Name_Calling-Labeling"]));
        assert_eq!(line["label"].as_array().unwrap().len(), 5);
        assert!(out.ends_with(b"}\n"));
    }

    #[test]
    fn ids_and_entity_exports() {
        let jsonl = concat!(
            "{\"id\": 4, \"text\": \"They unleashed chaos.\", \"entities\": [{\"id\": 1, \"label\": \"Loaded_Language\", \"start_offset\": 5, \"end_offset\": 14}], \"relations\": []}\n",
            "\n",
            "{\"text\": \"Calm.\", \"label\": [], \"meta\": {\"doc\": \"m.txt\"}}\n",
            "{\"text\": \"Calm.\"}\n",
        );
        let got = import(jsonl).unwrap();
        let ids: Vec<&str> = got.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["4", "m.txt", "line 4"]);
        assert_eq!(got[0].spans, [Span { start: 5, end: 14, label: "Loaded_Language".into() }]);
        assert!(got[1].spans.is_empty() && got[2].spans.is_empty());
    }

    #[test]
    fn import_errors_name_the_line() {
        let cases = [
            ("{\"text\": \"abc\", \"label\": [[0, 3, \"Spin\"]], \"doc\": \"x\"}", "line 2 (x): unknown label \"Spin\""),
            ("{\"text\": \"abc\", \"label\": [[0, 3, 7]]}", "line 2: label 7 is a label id, not a name"),
            ("{\"text\": \"abc\", \"label\": [\"Doubt\"]}", "label \"Doubt\" has no offsets"),
            ("{\"text\": \"abc\", \"label\": [[0, 9, \"Doubt\"]]}", "span 0..9 (Doubt) is not within the text"),
            ("{\"text\": \"abc\", \"label\": [[-1, 2, \"Doubt\"]]}", "a label's start is not a character offset"),
            ("{\"text\": \"abc\", \"label\": \"Doubt\"}", "is not a list"),
            ("{\"label\": []}", "line 2: no \"text\" string"),
            ("{not json", "line 2: malformed JSON"),
        ];
        for (line, want) in cases {
            let jsonl = format!("{{\"text\": \"fine\"}}\n{line}\n");
            let err = import(&jsonl).unwrap_err().to_string();
            assert!(err.contains(want), "{line}: {err}");
        }
    }
}
