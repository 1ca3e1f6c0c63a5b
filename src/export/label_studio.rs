//! [Label Studio](https://labelstud.io) tasks with framemark's predictions, and the import of a
//! reviewed Label Studio JSON export.
//!
//! # Export
//!
//! A JSON array with one task per document (the format of Label Studio's "Import" with
//! pre-annotations):
//!
//! ```text
//! [{"data": {"text": "<document text>", "doc": "a.txt"},
//!   "predictions": [{"model_version": "framemark-minilm@0.1.0", "score": 0.91,
//!     "result": [{"id": "u3-t0-e0", "from_name": "technique", "to_name": "text", "type": "labels",
//!                 "value": {"start": 131, "end": 140, "text": "unleashed", "labels": ["Loaded_Language"]},
//!                 "score": 0.88}, ...]}]}]
//! ```
//!
//! One result per evidence span per technique (so a span carrying two techniques is two regions);
//! its `score` is the technique's probability. The prediction's `score` is the document's highest
//! unit `loaded_score` (Label Studio sorts tasks by it, most loaded first). Region ids are `u<unit>-
//! t<technique index in the unit>-e<span index>`. The project's labeling config must name the
//! control `technique` and the text `text`; [`label_config`] writes one with every technique
//! (`framemark export --to label-studio --label-config FILE`).
//!
//! # Import
//!
//! Reads Label Studio's **JSON** export (an array of tasks; JSON-MIN and CSV exports do not carry
//! offsets per region and are refused). For each task the spans come from its reviewed annotation
//! when it has one (the last annotation not cancelled, i.e. skipped, in `annotations`), else from
//! its last prediction, else there are none. Results of `type` `labels` give spans (`value.start`,
//! `value.end`, one span per name in `value.labels`); other result types (choices, text areas,
//! relations) carry no span and are passed over. When a region has `value.text`, it must match the
//! task text at its offsets (compared with runs of whitespace collapsed, since Label Studio may
//! collapse them) — otherwise the offsets were not counted in characters and the import fails.
//! The document id is `data.doc`, else the task `id`, else `task N` (1-based).

use std::io::{self, Read, Write};

use serde::Serialize;
use serde_json::Value;

use super::{checked_spans, slice_chars, text_of, Span, SpanDoc};
use crate::error::{Error, Result};
use crate::report::DocReport;

/// The labeling config's `Labels` control name.
pub const FROM_NAME: &str = "technique";
/// The labeling config's `Text` object name.
pub const TO_NAME: &str = "text";

#[derive(Serialize)]
struct Task<'a> {
    data: TaskData<'a>,
    predictions: [Prediction<'a>; 1],
}

#[derive(Serialize)]
struct TaskData<'a> {
    text: &'a str,
    doc: &'a str,
}

#[derive(Serialize)]
struct Prediction<'a> {
    model_version: String,
    score: f64,
    result: Vec<Region<'a>>,
}

#[derive(Serialize)]
struct Region<'a> {
    id: String,
    from_name: &'static str,
    to_name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    value: RegionValue<'a>,
    score: f64,
}

#[derive(Serialize)]
struct RegionValue<'a> {
    start: usize,
    end: usize,
    text: String,
    labels: [&'a str; 1],
}

fn round4(x: f32) -> f64 {
    let x = f64::from(x);
    if x.is_finite() {
        (x * 1e4).round() / 1e4
    } else {
        0.0
    }
}

/// Streams a JSON array of tasks: `begin`, a `task` per document, `finish`.
#[derive(Debug, Default)]
pub struct TaskWriter {
    tasks: usize,
}

impl TaskWriter {
    /// A writer with no task written yet.
    pub fn new() -> Self {
        TaskWriter::default()
    }

    /// Opens the array.
    pub fn begin(&mut self, w: &mut impl Write) -> io::Result<()> {
        w.write_all(b"[")
    }

    /// Writes the task of one document (an [`Error::Input`] when the report has no text).
    pub fn task(&mut self, w: &mut impl Write, doc: &DocReport) -> Result<()> {
        let mut bytes = if self.tasks == 0 { b"\n".to_vec() } else { b",\n".to_vec() };
        bytes.extend(serde_json::to_vec(&task(doc)?)?);
        w.write_all(&bytes)?;
        self.tasks += 1;
        Ok(())
    }

    /// Closes the array.
    pub fn finish(&mut self, w: &mut impl Write) -> io::Result<()> {
        w.write_all(b"\n]\n")
    }
}

fn task(doc: &DocReport) -> Result<Task<'_>> {
    let text = text_of(doc)?;
    let mut result = Vec::new();
    for u in &doc.units {
        for (ti, t) in u.techniques.iter().enumerate() {
            for (ei, &[start, end]) in t.evidence.iter().enumerate() {
                if start >= end {
                    continue;
                }
                result.push(Region {
                    id: format!("u{}-t{ti}-e{ei}", u.unit),
                    from_name: FROM_NAME,
                    to_name: TO_NAME,
                    kind: "labels",
                    value: RegionValue { start, end, text: slice_chars(text, start, end), labels: [&t.label] },
                    score: round4(t.score),
                });
            }
        }
    }
    let score = doc.units.iter().map(|u| u.loaded_score).fold(0.0f32, f32::max);
    Ok(Task {
        data: TaskData { text, doc: &doc.doc },
        predictions: [Prediction { model_version: doc.models().join(", "), score: round4(score), result }],
    })
}

/// Writes the tasks of `docs` as one JSON array.
pub fn write_tasks(w: &mut impl Write, docs: &[DocReport]) -> Result<()> {
    let mut tw = TaskWriter::new();
    tw.begin(w)?;
    for doc in docs {
        tw.task(w, doc)?;
    }
    tw.finish(w)?;
    Ok(())
}

/// A Label Studio labeling config for the exported tasks: a `Labels` control named [`FROM_NAME`]
/// with one label per technique, over a `Text` named [`TO_NAME`] showing `$text`.
pub fn label_config(techniques: &[&str]) -> String {
    let mut xml = String::from("<View>\n  <Header value=\"$doc\"/>\n");
    xml.push_str(&format!("  <Labels name=\"{FROM_NAME}\" toName=\"{TO_NAME}\" showInline=\"true\">\n"));
    for t in techniques {
        xml.push_str(&format!("    <Label value=\"{}\"/>\n", crate::report::html::escape(t)));
    }
    xml.push_str(&format!("  </Labels>\n  <Text name=\"{TO_NAME}\" value=\"$text\" granularity=\"word\"/>\n</View>\n"));
    xml
}

/// Reads a Label Studio JSON export into span records (see the module docs); `techniques` are the
/// names a label may have.
pub fn read_tasks(r: impl Read, techniques: &[&str]) -> Result<Vec<SpanDoc>> {
    let value: Value = serde_json::from_reader(r)?;
    let Value::Array(tasks) = value else {
        return Err(Error::Input {
            origin: "input".into(),
            reason: "expected a JSON array of tasks (Label Studio's JSON export; JSON-MIN and CSV are not supported)"
                .into(),
        });
    };
    tasks.iter().enumerate().map(|(i, task)| read_task(i + 1, task, techniques)).collect()
}

fn read_task(n: usize, task: &Value, techniques: &[&str]) -> Result<SpanDoc> {
    let mut origin = format!("task {n}");
    let fail = |origin: &str, reason: String| Error::Input { origin: origin.to_string(), reason };
    let data = task
        .get("data")
        .and_then(Value::as_object)
        .ok_or_else(|| fail(&origin, "no \"data\" object (not Label Studio's JSON export?)".into()))?;
    let text = data
        .get("text")
        .and_then(Value::as_str)
        .ok_or_else(|| fail(&origin, "no \"data.text\" string".into()))?;
    let id = match (data.get("doc"), task.get("id")) {
        (Some(Value::String(doc)), _) => doc.clone(),
        (_, Some(Value::Number(id))) => id.to_string(),
        (_, Some(Value::String(id))) => id.clone(),
        _ => origin.clone(),
    };
    if id != origin {
        origin = format!("task {n} ({id})");
    }
    let cancelled = |a: &&Value| a.get("was_cancelled").and_then(Value::as_bool).unwrap_or(false);
    let annotation = task.get("annotations").and_then(Value::as_array).and_then(|a| a.iter().rev().find(|a| !cancelled(a)));
    let prediction = task.get("predictions").and_then(Value::as_array).and_then(|p| p.last());
    let results = match annotation.or(prediction) {
        None => Vec::new(),
        Some(chosen) => match chosen.get("result") {
            Some(Value::Array(results)) => results.clone(),
            None | Some(Value::Null) => Vec::new(),
            Some(_) => return Err(fail(&origin, "\"result\" is not an array".into())),
        },
    };
    let mut spans = Vec::new();
    for (k, result) in results.iter().enumerate() {
        let at = format!("{origin}, result {}", k + 1);
        let value = result.get("value");
        let kind = result.get("type").and_then(Value::as_str);
        let has_labels = value.and_then(|v| v.get("labels")).is_some();
        if !(kind == Some("labels") || (kind.is_none() && has_labels)) {
            continue;
        }
        let value = value.ok_or_else(|| fail(&at, "a labels result without \"value\"".into()))?;
        let offset = |key: &str| -> Result<usize> {
            match value.get(key) {
                Some(Value::Number(n)) => n
                    .as_u64()
                    .map(|n| n as usize)
                    .ok_or_else(|| fail(&at, format!("value.{key} {n} is not a character offset"))),
                _ => Err(fail(&at, format!("value.{key} is not a character offset (only Text regions are supported)"))),
            }
        };
        let (start, end) = (offset("start")?, offset("end")?);
        if let Some(shown) = value.get("text").and_then(Value::as_str) {
            let at_offsets = slice_chars(text, start, end);
            if collapse(shown) != collapse(&at_offsets) {
                return Err(fail(
                    &at,
                    format!("value.text {shown:?} is not the text at {start}..{end} ({at_offsets:?}): offsets not in characters?"),
                ));
            }
        }
        let labels = value
            .get("labels")
            .and_then(Value::as_array)
            .ok_or_else(|| fail(&at, "value.labels is not an array".into()))?;
        for label in labels {
            let label = label
                .as_str()
                .ok_or_else(|| fail(&at, format!("label {label} is not a name (label ids are not supported)")))?;
            spans.push(Span { start, end, label: label.to_string() });
        }
    }
    let spans = checked_spans(&origin, text, spans, techniques)?;
    Ok(SpanDoc { id, text: text.to_string(), spans })
}

/// Whitespace runs collapsed to one space, ends trimmed.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::doc_spans;
    use crate::export::testing::{reports, TECHNIQUES};

    fn export(docs: &[DocReport]) -> String {
        let mut out = Vec::new();
        write_tasks(&mut out, docs).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn import(json: &str) -> Result<Vec<SpanDoc>> {
        read_tasks(json.as_bytes(), TECHNIQUES)
    }

    #[test]
    fn round_trip_gives_back_the_same_spans_and_labels() {
        let reports = reports();
        let json = export(&reports);
        let back = import(&json).unwrap();
        assert_eq!(back.len(), reports.len());
        for (doc, got) in reports.iter().zip(&back) {
            assert_eq!(got.id, doc.doc);
            assert_eq!(Some(got.text.as_str()), doc.text.as_deref());
            assert_eq!(got.spans, doc_spans(doc));
        }
        assert!(!back[0].spans.is_empty());
    }

    #[test]
    fn task_shape() {
        let json = export(&reports()[..1]);
        let tasks: Value = serde_json::from_str(&json).unwrap();
        let task = &tasks[0];
        assert_eq!(task["data"]["doc"], "a.txt");
        let prediction = &task["predictions"][0];
        assert_eq!(prediction["model_version"], "fm-test@1");
        assert_eq!(prediction["score"], 0.9);
        let first = &prediction["result"][0];
        assert_eq!(
            first,
            &serde_json::json!({"id": "u0-t0-e0", "from_name": "technique", "to_name": "text", "type": "labels",
                "value": {"start": 8, "end": 17, "text": "déchaînés", "labels": ["Loaded_Language"]}, "score": 0.8})
        );
        assert_eq!(prediction["result"].as_array().unwrap().len(), 5);
        assert!(json.starts_with("[\n{") && json.ends_with("}\n]\n"));
        assert_eq!(export(&[]), "[\n]\n");
        assert!(serde_json::from_str::<Value>(&export(&[])).unwrap().as_array().unwrap().is_empty());
    }

    #[test]
    fn reviewed_annotations_win_over_predictions() {
        let task = |annotations: Value| {
            serde_json::json!([{
                "id": 17,
                "data": {"text": "They unleashed chaos."},
                "annotations": annotations,
                "predictions": [{"result": [{"type": "labels", "from_name": "technique", "to_name": "text",
                    "value": {"start": 5, "end": 14, "labels": ["Doubt"]}}]}]
            }])
            .to_string()
        };
        let region = |s: usize, e: usize, label: &str| {
            serde_json::json!({"type": "labels", "value": {"start": s, "end": e, "text": "x", "labels": [label]}})
        };
        let cases: Vec<(Value, Vec<(usize, usize, &str)>)> = vec![
            // No annotation: the prediction.
            (serde_json::json!([]), vec![(5, 14, "Doubt")]),
            // The reviewer's regions, last annotation first; cancelled ones do not count.
            (
                serde_json::json!([
                    {"result": [{"type": "labels", "value": {"start": 0, "end": 4, "labels": ["Doubt"]}}]},
                    {"result": [
                        {"type": "labels", "value": {"start": 5, "end": 14, "text": "unleashed", "labels": ["Loaded_Language", "Doubt"]}},
                        {"type": "choices", "value": {"choices": ["ok"]}},
                        {"type": "relation", "from_id": "a", "to_id": "b"}
                    ]},
                    {"was_cancelled": true, "result": []}
                ]),
                vec![(5, 14, "Doubt"), (5, 14, "Loaded_Language")],
            ),
            // A reviewed annotation with no regions: a reviewed negative.
            (serde_json::json!([{"result": []}]), vec![]),
            // Only cancelled: back to the prediction.
            (serde_json::json!([{"was_cancelled": true, "result": [region(0, 4, "Doubt")]}]), vec![(5, 14, "Doubt")]),
        ];
        for (annotations, want) in cases {
            let got = import(&task(annotations.clone())).unwrap();
            assert_eq!(got[0].id, "17");
            let spans: Vec<(usize, usize, &str)> = got[0].spans.iter().map(|s| (s.start, s.end, s.label.as_str())).collect();
            assert_eq!(spans, want, "{annotations}");
        }
    }

    #[test]
    fn import_errors_name_the_record() {
        let text = "They unleashed chaos.";
        let with = |value: Value| {
            serde_json::json!([
                {"data": {"text": "fine", "doc": "ok.txt"}},
                {"data": {"text": text, "doc": "b.txt"}, "annotations": [{"result": [{"type": "labels", "value": value}]}]}
            ])
            .to_string()
        };
        let cases = [
            (serde_json::json!({"start": 5, "end": 14, "labels": ["Propaganda"]}), "task 2 (b.txt): unknown label \"Propaganda\""),
            (serde_json::json!({"start": 5, "end": 14, "labels": [3]}), "task 2 (b.txt), result 1: label 3 is not a name"),
            (serde_json::json!({"start": 5, "end": 99, "labels": ["Doubt"]}), "task 2 (b.txt): span 5..99 (Doubt) is not within the text"),
            (serde_json::json!({"start": "/p[1]", "end": 14, "labels": ["Doubt"]}), "result 1: value.start is not a character offset"),
            (serde_json::json!({"start": 6, "end": 15, "text": "unleashed", "labels": ["Doubt"]}), "offsets not in characters?"),
            (serde_json::json!({"start": 5, "end": 14, "labels": "Doubt"}), "value.labels is not an array"),
        ];
        for (value, want) in cases {
            let err = import(&with(value.clone())).unwrap_err().to_string();
            assert!(err.contains(want), "{value}: {err}");
        }
        for (json, want) in [
            ("{\"text\": \"x\"}", "expected a JSON array of tasks"),
            ("[{\"text\": \"x\"}]", "task 1: no \"data\" object"),
            ("[{\"data\": {\"txt\": \"x\"}}]", "task 1: no \"data.text\" string"),
            ("[{\"data\": {\"text\": \"x\"}}", "json:"),
        ] {
            let err = import(json).unwrap_err().to_string();
            assert!(err.contains(want), "{json}: {err}");
        }
        // Whitespace collapsed by Label Studio in value.text is not a mismatch.
        let json = serde_json::json!([{"data": {"text": "a  b c"}, "annotations": [{"result": [
            {"type": "labels", "value": {"start": 0, "end": 4, "text": "a b", "labels": ["Doubt"]}}]}]}]);
        assert_eq!(import(&json.to_string()).unwrap()[0].spans.len(), 1);
    }

    #[test]
    fn config_lists_every_technique() {
        let xml = label_config(TECHNIQUES);
        assert!(xml.contains("<Labels name=\"technique\" toName=\"text\""));
        assert!(xml.contains("<Text name=\"text\" value=\"$text\""));
        for t in TECHNIQUES {
            assert!(xml.contains(&format!("<Label value=\"{t}\"/>")));
        }
    }

    #[test]
    fn a_report_without_text_cannot_be_exported() {
        let mut doc = reports().remove(0);
        doc.text = None;
        let err = write_tasks(&mut Vec::new(), &[doc]).unwrap_err().to_string();
        assert!(err.contains("a.txt: the report does not carry the document text"), "{err}");
    }
}
