//! Round trips through annotation tools: `framemark export` turns classified documents into
//! pre-annotated tasks for [Label Studio](label_studio) or [doccano](doccano), people review them
//! there, and `framemark import` reads the reviewed export back as training records.
//!
//! Both tools count span offsets as framemark does (characters, i.e. Unicode scalar values, end
//! exclusive), so spans travel unchanged. The functions here are pure: they read from `impl Read`
//! and write to `impl Write`, over [`DocReport`]s on the way out and [`SpanDoc`]s on the way back.
//!
//! # The imported training format
//!
//! `labels/authored/techniques.jsonl` is per sentence (`{"text", "techniques", "evidence"}`), but a
//! reviewed export is per document, and a reviewer may mark words anywhere in it. So `import`
//! writes one JSON object per line per document:
//!
//! ```text
//! {"id":"a.txt","text":"<the whole document>","spans":[{"start":131,"end":140,"label":"Loaded_Language"}]}
//! ```
//!
//! * `id`: the document id (the `doc` field the export wrote, else the tool's own task id, else the
//!   record's position);
//! * `text`: the document text exactly as in the tool;
//! * `spans`: the technique spans, `start`/`end` char offsets into `text` (end exclusive),
//!   `label` a technique **name** of the label schema, sorted by start, end, label, without
//!   duplicates. A document with no technique is kept, with `"spans":[]` (a reviewed negative).
//!
//! A label that is not a technique name of the schema, a numeric label id, or a span outside the
//! text is an error naming the record; nothing is written then, so a half-imported file never
//! replaces a good one.

pub mod doccano;
pub mod label_studio;

use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::report::DocReport;

/// A labelled span of a document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    /// Char offset of the first character, inclusive.
    pub start: usize,
    /// Char offset after the last character, exclusive.
    pub end: usize,
    /// Technique name, e.g. `Loaded_Language`.
    pub label: String,
}

/// One imported document: the document-level training record (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpanDoc {
    /// Document id.
    pub id: String,
    /// The document text the spans index.
    pub text: String,
    /// Technique spans, sorted and without duplicates.
    pub spans: Vec<Span>,
}

/// Every technique evidence span of a report, as [`Span`]s sorted and without duplicates: what an
/// export pre-annotates.
pub fn doc_spans(doc: &DocReport) -> Vec<Span> {
    let mut spans: Vec<Span> = doc
        .units
        .iter()
        .flat_map(|u| &u.techniques)
        .flat_map(|t| t.evidence.iter().map(|&[start, end]| Span { start, end, label: t.label.clone() }))
        .filter(|s| s.start < s.end)
        .collect();
    spans.sort();
    spans.dedup();
    spans
}

/// Writes the records as JSON Lines.
pub fn write_span_docs(w: &mut impl Write, docs: &[SpanDoc]) -> io::Result<()> {
    for doc in docs {
        let mut line = serde_json::to_vec(doc)?;
        line.push(b'\n');
        w.write_all(&line)?;
    }
    Ok(())
}

/// The document text of a report, which an export needs.
fn text_of(doc: &DocReport) -> Result<&str> {
    doc.text.as_deref().ok_or_else(|| Error::Input {
        origin: doc.doc.clone(),
        reason: "the report does not carry the document text, which an export needs".into(),
    })
}

/// Checks imported spans against the text and the technique names, then sorts and deduplicates
/// them. `origin` names the record in errors.
fn checked_spans(origin: &str, text: &str, mut spans: Vec<Span>, techniques: &[&str]) -> Result<Vec<Span>> {
    let len = text.chars().count();
    for s in &spans {
        if !techniques.contains(&s.label.as_str()) {
            return Err(Error::Input {
                origin: origin.to_string(),
                reason: format!("unknown label {:?}: not a technique name of {}", s.label, crate::SCHEMA),
            });
        }
        if !(s.start < s.end && s.end <= len) {
            return Err(Error::Input {
                origin: origin.to_string(),
                reason: format!(
                    "span {}..{} ({}) is not within the text ({len} characters) or is empty",
                    s.start, s.end, s.label
                ),
            });
        }
    }
    spans.sort();
    spans.dedup();
    Ok(spans)
}

/// `text[start..end]` in chars.
fn slice_chars(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end.saturating_sub(start)).collect()
}

#[cfg(test)]
pub(crate) mod testing {
    //! A report with evidence for the round-trip tests: several techniques, an overlap, a span
    //! shared by two techniques, and characters of more than one byte (and more than one UTF-16 unit).

    use crate::report::{DocReport, TechniqueHit, UnitRecord};

    pub const TECHNIQUES: &[&str] = &["Loaded_Language", "Name_Calling-Labeling", "Guilt_by_Association", "Doubt"];

    fn unit(doc: &str, i: usize, text: &str, start: usize, hits: &[(&str, &[[usize; 2]])]) -> UnitRecord {
        UnitRecord {
            schema: "framemark/1".into(),
            model: "fm-test@1".into(),
            doc: doc.into(),
            unit: i,
            start,
            end: start + text.chars().count(),
            offsets: crate::text::Offsets::Input,
            text: text.into(),
            paragraph: 0,
            loaded: !hits.is_empty(),
            loaded_score: if hits.is_empty() { 0.1 } else { 0.9 },
            loaded_threshold: 0.5,
            techniques: hits
                .iter()
                .map(|(l, ev)| TechniqueHit { label: l.to_string(), score: 0.8, threshold: 0.4, evidence: ev.to_vec() })
                .collect(),
            content: None,
            content_score: None,
            content_threshold: None,
            filler_kind: None,
            claim: None,
            claim_score: None,
            claim_evidence: None,
        }
    }

    /// Two documents: one with evidence, one without any.
    pub fn reports() -> Vec<DocReport> {
        // "🔥 Élus «déchaînés»." : 🔥 is 1 char (2 UTF-16 units, 4 bytes).
        let text = "🔥 Élus «déchaînés» partout.\n\nSoros-funded DA frees them, critics say.";
        let second = "Soros-funded DA frees them, critics say.";
        let start2 = text.chars().count() - second.chars().count();
        let a = DocReport {
            doc: "a.txt".into(),
            units: vec![
                unit(
                    "a.txt",
                    0,
                    "🔥 Élus «déchaînés» partout.",
                    0,
                    &[("Loaded_Language", &[[8, 17]]), ("Name_Calling-Labeling", &[[2, 6], [8, 17]])],
                ),
                unit(
                    "a.txt",
                    1,
                    second,
                    start2,
                    &[("Guilt_by_Association", &[[start2, start2 + 12]]), ("Loaded_Language", &[[start2 + 16, start2 + 21]])],
                ),
            ],
            text: Some(text.into()),
        };
        let b_text = "The meeting starts at noon.";
        let b = DocReport {
            doc: "b \"quoted\".txt".into(),
            units: vec![unit("b \"quoted\".txt", 0, b_text, 0, &[])],
            text: Some(b_text.into()),
        };
        vec![a, b]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_of_a_report_are_sorted_and_unique() {
        let reports = testing::reports();
        let spans = doc_spans(&reports[0]);
        let got: Vec<(usize, usize, &str)> = spans.iter().map(|s| (s.start, s.end, s.label.as_str())).collect();
        assert_eq!(
            got,
            [
                (2, 6, "Name_Calling-Labeling"),
                (8, 17, "Loaded_Language"),
                (8, 17, "Name_Calling-Labeling"),
                (29, 41, "Guilt_by_Association"),
                (45, 50, "Loaded_Language"),
            ]
        );
        let text = reports[0].text.as_deref().unwrap();
        assert_eq!(slice_chars(text, 8, 17), "déchaînés");
        assert_eq!(slice_chars(text, 29, 41), "Soros-funded");
        assert!(doc_spans(&reports[1]).is_empty());
    }

    #[test]
    fn checked_spans_table() {
        let text = "abc déf";
        let span = |s: usize, e: usize, l: &str| Span { start: s, end: e, label: l.into() };
        let ok = checked_spans("r1", text, vec![span(4, 7, "Doubt"), span(0, 3, "Doubt"), span(4, 7, "Doubt")], testing::TECHNIQUES);
        assert_eq!(ok.unwrap(), [span(0, 3, "Doubt"), span(4, 7, "Doubt")]);
        let cases = [
            (span(0, 3, "Propaganda"), "unknown label \"Propaganda\""),
            (span(0, 3, "doubt"), "unknown label \"doubt\""),
            (span(5, 8, "Doubt"), "not within the text (7 characters)"),
            (span(3, 3, "Doubt"), "or is empty"),
        ];
        for (s, want) in cases {
            let err = checked_spans("task 2 (x.txt)", text, vec![s], testing::TECHNIQUES).unwrap_err().to_string();
            assert!(err.starts_with("task 2 (x.txt): ") && err.contains(want), "{err}");
        }
    }

    #[test]
    fn span_docs_are_one_line_each() {
        let docs = vec![SpanDoc { id: "a".into(), text: "x\ny".into(), spans: vec![Span { start: 0, end: 1, label: "Doubt".into() }] }];
        let mut out = Vec::new();
        write_span_docs(&mut out, &docs).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"id\":\"a\",\"text\":\"x\\ny\",\"spans\":[{\"start\":0,\"end\":1,\"label\":\"Doubt\"}]}\n"
        );
    }
}
