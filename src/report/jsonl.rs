//! The JSON Lines report: the machine-readable wire format, one JSON object per line (the format and
//! the way it is documented follow ripgrep's `crates/printer/src/json.rs`).
//!
//! # Records
//!
//! Output is a sequence of lines in input order, each a complete JSON object of one of two kinds,
//! told apart by their keys:
//!
//! * a **unit record** for every unit of every document, in unit order;
//! * an **error record** for an input that could not be processed (it is reported, never dropped).
//!
//! A document without units writes no lines. Every record carries `schema`, the label schema id
//! ([`crate::SCHEMA`]); a reader should check it before trusting the meaning of the labels.
//!
//! ## Unit record
//!
//! The fields of [`UnitRecord`], always in this order:
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `schema` | string | label schema id, e.g. `framemark/1` |
//! | `model` | string | model name and version |
//! | `doc` | string | document id |
//! | `unit` | integer | unit index within the document, from 0 |
//! | `start` | integer | char offset of the unit start, inclusive |
//! | `end` | integer | char offset of the unit end, exclusive |
//! | `offsets` | string | the text `start`, `end` and evidence index: `input` or `html-text` (below) |
//! | `text` | string | the unit text |
//! | `paragraph` | integer | paragraph number within the document, from 0 |
//! | `loaded` | bool | the unit carries at least one technique |
//! | `loaded_score` | number | probability that the unit is loaded |
//! | `loaded_threshold` | number | threshold applied to `loaded_score` |
//! | `techniques` | array | techniques over their thresholds, highest score first |
//! | `content` | string | `article` or `filler` (only from a model with a content head) |
//! | `content_score` | number | probability that the unit is filler (with `content`) |
//! | `content_threshold` | number | threshold applied to `content_score` (with `content`; HTML input may use its own, see `thresholds.toml`) |
//! | `filler_kind` | string | for filler units: `related`, `promo`, `navigation` or `boilerplate` |
//! | `claim` | string | for article units of a model with a claim head: `attributed`, `vague`, `unattributed` or `none` |
//! | `claim_score` | number | the probability behind `claim`: P(attributed), P(vague), P(claim), or 1 − P(claim) for `none` |
//! | `claim_evidence` | array | `[start, end]` char spans in the document: the source of an attributed claim, the cue of a vague one (empty otherwise) |
//!
//! Each element of `techniques` is an object with, in order, `label` (technique name as in
//! `labels/techniques.toml`), `score`, `threshold` and `evidence`: the spans of the words carrying
//! the technique, as `[[start, end], ...]`.
//!
//! **Offsets** (`start`, `end` and evidence) count characters, that is Unicode scalar values as
//! Python's `str` indexes them (not bytes, not UTF-16 units), with `end` exclusive, into the
//! document text: `doc_text[start:end]` in Python is the unit text. Evidence spans are document
//! offsets too, so a span's position inside the unit is `span - start`. Which text is the document
//! text, `offsets` says:
//!
//! * `input`: the input exactly as given (a text file without its UTF-8 byte order mark, a JSONL
//!   record's or an HTTP request's `"text"`);
//! * `html-text`: for an HTML input (a `.html`/`.htm` file, `--input html`, a record's `"html"`),
//!   the page's visible text as [`crate::text::html::extract`] gives it: one block (paragraph,
//!   heading, list item, cell...) per line, lines joined by `\n`, whitespace collapsed, entities
//!   decoded, scripts, styles and hidden elements left out. Offsets never index the markup. The
//!   HTML report and the Label Studio and doccano exports carry this text whole. It has no blank
//!   lines, so every unit of an HTML input is in `paragraph` 0.
//!
//! A record without `offsets` (written before the key existed) means `input`.
//!
//! **Scores and thresholds** are rounded to 4 decimals, so output is stable and diffable across
//! backends whose floating point differs in the last bits. A value that is not finite is written as
//! `null`.
//!
//! Example (one line, wrapped here for reading):
//!
//! ```text
//! {"schema":"framemark/1","model":"fm-base-1","doc":"a1","unit":3,"start":120,"end":159,
//!  "offsets":"input","text":"They unleashed criminal illegal aliens.","paragraph":1,"loaded":true,
//!  "loaded_score":0.9123,"loaded_threshold":0.5,"techniques":[{"label":"Loaded_Language",
//!  "score":0.8812,"threshold":0.4,"evidence":[[125,134]]}]}
//! ```
//!
//! ## Error record
//!
//! The fields of [`ErrorRecord`], in this order: `schema`, `doc` (document id or path, or
//! `path:line` for a JSONL input record) and `error` (why it failed):
//!
//! ```text
//! {"schema":"framemark/1","doc":"inputs.jsonl:7","error":"missing field `text`"}
//! ```

use std::io::{self, Write};

use serde::{Serialize, Serializer};

use super::{DocReport, ErrorRecord, Offsets, Outcome, Render, TechniqueHit, UnitRecord};

/// Writes one unit record per line for every unit of `doc`, in input order.
pub fn write_doc(w: &mut impl Write, doc: &DocReport) -> io::Result<()> {
    for unit in &doc.units {
        write_line(w, &WireUnit::from(unit))?;
    }
    Ok(())
}

/// Writes one error record line.
pub fn write_error(w: &mut impl Write, e: &ErrorRecord) -> io::Result<()> {
    write_line(w, e)
}

/// Writes the lines of one outcome: the document's unit records, or its error record.
pub fn write_outcome(w: &mut impl Write, outcome: &Outcome) -> io::Result<()> {
    match outcome {
        Outcome::Doc(doc) => write_doc(w, doc),
        Outcome::Error(e) => write_error(w, e),
    }
}

/// One unit record in its wire form, to embed in another JSON document (the `records` of the HTTP
/// API, `crate::serve`): the same keys in the same order and the same rounding as a line of
/// [`write_doc`].
pub fn wire_unit(unit: &UnitRecord) -> impl Serialize + '_ {
    WireUnit::from(unit)
}

/// The JSON Lines report as a [`Render`] stream: no header or footer.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonlReport;

impl Render for JsonlReport {
    fn outcome(&mut self, mut w: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
        write_outcome(&mut w, outcome)
    }
}

/// Serialises a whole line first so that each record reaches `w` in one write: a failure mid-record
/// (a closed pipe) does not leave half a JSON object behind a previous complete line.
fn write_line(w: &mut impl Write, record: &impl Serialize) -> io::Result<()> {
    let mut line = serde_json::to_vec(record)?;
    line.push(b'\n');
    w.write_all(&line)
}

/// [`UnitRecord`] as it goes on the wire: the same keys in the same order, scores rounded.
#[derive(Serialize)]
struct WireUnit<'a> {
    schema: &'a str,
    model: &'a str,
    doc: &'a str,
    unit: usize,
    start: usize,
    end: usize,
    offsets: Offsets,
    text: &'a str,
    paragraph: usize,
    loaded: bool,
    #[serde(serialize_with = "rounded")]
    loaded_score: f32,
    #[serde(serialize_with = "rounded")]
    loaded_threshold: f32,
    techniques: Vec<WireTechnique<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "rounded_opt")]
    content_score: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "rounded_opt")]
    content_threshold: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filler_kind: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    claim: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "rounded_opt")]
    claim_score: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    claim_evidence: Option<&'a [[usize; 2]]>,
}

/// [`TechniqueHit`] as it goes on the wire.
#[derive(Serialize)]
struct WireTechnique<'a> {
    label: &'a str,
    #[serde(serialize_with = "rounded")]
    score: f32,
    #[serde(serialize_with = "rounded")]
    threshold: f32,
    evidence: &'a [[usize; 2]],
}

impl<'a> From<&'a UnitRecord> for WireUnit<'a> {
    fn from(u: &'a UnitRecord) -> Self {
        // Destructured so that a field added to `UnitRecord` fails to compile here until the wire
        // format has it too.
        let UnitRecord {
            schema,
            model,
            doc,
            unit,
            start,
            end,
            offsets,
            text,
            paragraph,
            loaded,
            loaded_score,
            loaded_threshold,
            techniques,
            content,
            content_score,
            content_threshold,
            filler_kind,
            claim,
            claim_score,
            claim_evidence,
        } = u;
        WireUnit {
            schema,
            model,
            doc,
            unit: *unit,
            start: *start,
            end: *end,
            offsets: *offsets,
            text,
            paragraph: *paragraph,
            loaded: *loaded,
            loaded_score: *loaded_score,
            loaded_threshold: *loaded_threshold,
            techniques: techniques.iter().map(WireTechnique::from).collect(),
            content: content.as_deref(),
            content_score: *content_score,
            content_threshold: *content_threshold,
            filler_kind: filler_kind.as_deref(),
            claim: claim.as_deref(),
            claim_score: *claim_score,
            claim_evidence: claim_evidence.as_deref(),
        }
    }
}

impl<'a> From<&'a TechniqueHit> for WireTechnique<'a> {
    fn from(t: &'a TechniqueHit) -> Self {
        let TechniqueHit { label, score, threshold, evidence } = t;
        WireTechnique { label, score: *score, threshold: *threshold, evidence }
    }
}

/// Rounds to 4 decimals in `f64`, where the decimal is then printed in its shortest form (`0.1235`,
/// not the `f32` widening `0.12349999696016312`).
fn rounded<S: Serializer>(x: &f32, s: S) -> Result<S::Ok, S::Error> {
    let x = f64::from(*x);
    if x.is_finite() {
        s.serialize_f64((x * 1e4).round() / 1e4)
    } else {
        s.serialize_none()
    }
}

#[allow(clippy::ref_option)] // serde's `serialize_with` passes `&Option<f32>`
fn rounded_opt<S: Serializer>(x: &Option<f32>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(x) => rounded(x, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit() -> UnitRecord {
        UnitRecord {
            schema: "framemark/1".into(),
            model: "fm-test-1".into(),
            doc: "d1".into(),
            unit: 2,
            start: 10,
            end: 30,
            offsets: Offsets::HtmlText,
            text: "Élus «déchaînés» ici.".into(),
            paragraph: 1,
            loaded: true,
            loaded_score: 0.912_345_6,
            loaded_threshold: 0.5,
            techniques: vec![TechniqueHit {
                label: "Loaded_Language".into(),
                score: 0.123_45,
                threshold: 0.35,
                evidence: vec![[15, 24], [26, 29]],
            }],
            content: None,
            content_score: None,
            content_threshold: None,
            filler_kind: None,
            claim: None,
            claim_score: None,
            claim_evidence: None,
        }
    }

    fn lines(out: &[u8]) -> Vec<&str> {
        let s = std::str::from_utf8(out).unwrap();
        assert!(s.ends_with('\n'), "every record ends its line: {s:?}");
        s.lines().collect()
    }

    /// Byte positions of `"key":` in `line`, failing when a key is missing.
    fn key_positions(line: &str, keys: &[&str]) -> Vec<usize> {
        keys.iter().map(|k| line.find(&format!("\"{k}\":")).unwrap_or_else(|| panic!("no key {k} in {line}"))).collect()
    }

    fn assert_in_order(line: &str, keys: &[&str]) {
        let pos = key_positions(line, keys);
        assert!(pos.windows(2).all(|p| p[0] < p[1]), "keys out of order {keys:?} in {line}");
    }

    #[test]
    fn unit_record_round_trips_with_keys_in_declared_order() {
        let u = unit();
        let mut out = Vec::new();
        write_doc(&mut out, &DocReport { doc: "d1".into(), units: vec![u.clone()], text: None }).unwrap();
        let lines = lines(&out);
        assert_eq!(lines.len(), 1);
        let line = lines[0];
        assert_in_order(
            line,
            &[
                "schema",
                "model",
                "doc",
                "unit",
                "start",
                "end",
                "offsets",
                "text",
                "paragraph",
                "loaded",
                "loaded_score",
                "loaded_threshold",
                "techniques",
                "label",
                "score",
                "threshold",
                "evidence",
            ],
        );
        assert!(line.contains(r#""evidence":[[15,24],[26,29]]"#), "{line}");
        assert!(line.contains(r#""text":"Élus «déchaînés» ici.""#), "{line}");
        assert!(line.contains(r#""end":30,"offsets":"html-text","text""#), "{line}");

        let back: UnitRecord = serde_json::from_str(line).unwrap();
        let expected = UnitRecord {
            loaded_score: 0.9123,
            techniques: vec![TechniqueHit { score: 0.1235, ..u.techniques[0].clone() }],
            ..u
        };
        assert_eq!(back, expected);
    }

    #[test]
    fn wire_keys_match_the_record_type() {
        // The mirror must never drift from `UnitRecord`'s own serde shape, which readers deserialize.
        let u = unit();
        let plain = serde_json::to_value(&u).unwrap();
        let wire = serde_json::to_value(WireUnit::from(&u)).unwrap();
        let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&plain), keys(&wire));
        let hit = |v: &serde_json::Value| keys(&v["techniques"][0]);
        assert_eq!(hit(&plain), hit(&wire));
    }

    #[test]
    fn scores_are_rounded_to_four_decimals() {
        let cases: &[(f32, &str)] = &[
            (0.5, "0.5"),
            (0.123_45, "0.1235"),
            (0.999_96, "1.0"),
            (0.000_04, "0.0"),
            (1.0 / 3.0, "0.3333"),
            (f32::NAN, "null"),
        ];
        for &(x, want) in cases {
            let got =
                serde_json::to_string(&WireTechnique { label: "L", score: x, threshold: 0.5, evidence: &[] }).unwrap();
            assert!(got.contains(&format!(r#""score":{want},"#)), "{x} -> {got}");
        }
    }

    #[test]
    fn one_line_per_unit_in_input_order() {
        let mut a = unit();
        a.unit = 0;
        let mut b = unit();
        b.unit = 1;
        b.loaded = false;
        b.techniques.clear();
        let mut out = Vec::new();
        write_outcome(&mut out, &Outcome::Doc(DocReport { doc: "d1".into(), units: vec![a, b], text: None })).unwrap();
        let lines = lines(&out);
        assert_eq!(lines.len(), 2);
        assert!(lines[0].contains(r#""unit":0,"#));
        assert!(lines[1].contains(r#""unit":1,"#) && lines[1].ends_with(r#""techniques":[]}"#), "{}", lines[1]);

        let mut out = Vec::new();
        write_doc(&mut out, &DocReport { doc: "empty".into(), units: vec![], text: None }).unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn error_record_shape() {
        let e = ErrorRecord {
            schema: "framemark/1".into(),
            doc: "in.jsonl:7".into(),
            error: "missing field `text`\nat \"line\" 7".into(),
        };
        let mut out = Vec::new();
        write_outcome(&mut out, &Outcome::Error(e.clone())).unwrap();
        let lines = lines(&out);
        assert_eq!(lines.len(), 1, "a newline in the reason stays escaped");
        assert_eq!(
            lines[0],
            r#"{"schema":"framemark/1","doc":"in.jsonl:7","error":"missing field `text`\nat \"line\" 7"}"#
        );
        let back: ErrorRecord = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(back, e);
    }
}
