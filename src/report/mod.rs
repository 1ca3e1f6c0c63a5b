//! Renderers: one per output format, each writing to `impl Write` (ruff printer.rs pattern). The CLI
//! chooses the writer; nothing here prints directly.
//!
//! The data they render is plain: a [`DocReport`] per input document (or an error record for an
//! input that could not be read), holding one [`UnitRecord`] per unit in input order.
//!
//! Formats: [`human`] (terminal), [`jsonl`] (the wire format), [`html`] (one self-contained page),
//! [`markdown`] and [`csv`]. Each has a [`Render`] implementation, so a caller streams a run through
//! one `begin`, an `outcome` per document as soon as it is done, and one `finish`.

pub mod csv;
pub mod html;
pub mod human;
pub mod jsonl;
pub mod markdown;
pub mod strip;

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};

pub use crate::text::Offsets;

/// One technique found in a unit, with the words that carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TechniqueHit {
    /// Technique name as in `labels/techniques.toml`, e.g. `Loaded_Language`.
    pub label: String,
    /// Probability from the model, 0..1.
    pub score: f32,
    /// The threshold this score was compared with.
    pub threshold: f32,
    /// Char spans `[start, end)` into the document text of the words carrying the technique.
    pub evidence: Vec<[usize; 2]>,
}

/// Everything framemark says about one unit. This is the JSONL wire record (see [`jsonl`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitRecord {
    /// Label schema id, [`crate::SCHEMA`].
    pub schema: String,
    /// Model name and version (`models/<name>/framemark.json`).
    pub model: String,
    /// Document id.
    pub doc: String,
    /// Unit index within the document, from 0.
    pub unit: usize,
    /// Char offset (Unicode scalar values) of the unit start, inclusive.
    pub start: usize,
    /// Char offset of the unit end, exclusive.
    pub end: usize,
    /// The text `start`, `end` and evidence spans index: the input text, or the visible text
    /// extracted from an HTML input. Absent in records written before it existed: `input`.
    #[serde(default)]
    pub offsets: Offsets,
    /// The unit text.
    pub text: String,
    /// Paragraph number within the document, from 0.
    pub paragraph: usize,
    /// True when the unit carries at least one technique.
    pub loaded: bool,
    /// Probability that the unit carries at least one technique.
    pub loaded_score: f32,
    /// Threshold applied to `loaded_score`.
    pub loaded_threshold: f32,
    /// Techniques over their thresholds, highest score first (empty when not loaded).
    pub techniques: Vec<TechniqueHit>,
    /// `article` or `filler`, from a model with a content head (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Probability that the unit is filler (with `content`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_score: Option<f32>,
    /// The threshold applied to `content_score` (plain text and HTML input may differ; with `content`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_threshold: Option<f32>,
    /// The filler kind of a filler unit: `related`, `promo`, `navigation` or `boilerplate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filler_kind: Option<String>,
    /// `attributed`, `vague`, `unattributed` or `none`, for article units, from a model with a
    /// claim head (absent otherwise, and for filler).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<String>,
    /// The probability behind `claim`: P(attributed), P(vague), P(claim), or 1 - P(claim) for `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_score: Option<f32>,
    /// The claim's evidence, document char spans `[start, end)`: the source of an attributed claim,
    /// the cue of a vague one (with `claim`; empty for the other labels).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_evidence: Option<Vec<[usize; 2]>>,
}

impl UnitRecord {
    /// True when a content head called the unit filler.
    pub fn is_filler(&self) -> bool {
        self.content.as_deref() == Some("filler")
    }
}

/// The result for one input document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocReport {
    /// Document id.
    pub doc: String,
    /// One record per unit, in input order.
    pub units: Vec<UnitRecord>,
    /// The whole document text the unit offsets index, when known (the pipeline always sets it).
    /// The HTML report renders it in full, text between units included, and the Label Studio and
    /// doccano exports need it; the other formats only use the units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl DocReport {
    /// Number of units carrying at least one technique.
    pub fn loaded_units(&self) -> usize {
        self.units.iter().filter(|u| u.loaded).count()
    }

    /// Number of the article's own units (all units, less those a content head called filler).
    pub fn article_units(&self) -> usize {
        self.units.iter().filter(|u| !u.is_filler()).count()
    }

    /// The unit count as reports show it: `87`, or `87 (article 63, filler 24)` when there is filler.
    pub fn units_summary(&self) -> String {
        let (all, article) = (self.units.len(), self.article_units());
        if all == article {
            all.to_string()
        } else {
            format!("{all} (article {article}, filler {})", all - article)
        }
    }

    /// The claim mix as reports show it, `None` when no unit has a claim decision: `30 of 50 article
    /// units: attributed 12 (40.0%), vague 3 (10.0%), unattributed 15 (50.0%)` (shares of the claims).
    pub fn claims_summary(&self) -> Option<String> {
        let decided = self.units.iter().filter(|u| u.claim.is_some()).count();
        if decided == 0 {
            return None;
        }
        let n = |label: &str| self.units.iter().filter(|u| u.claim.as_deref() == Some(label)).count();
        let (a, v, u) = (n("attributed"), n("vague"), n("unattributed"));
        let claims = a + v + u;
        Some(format!(
            "{claims} of {decided} article units: attributed {a} ({}), vague {v} ({}), unattributed {u} ({})",
            percent(a, claims),
            percent(v, claims),
            percent(u, claims)
        ))
    }

    /// The units whose claim is unattributed, in order: what a reader should check.
    pub fn unattributed_claims(&self) -> impl Iterator<Item = &UnitRecord> {
        self.units.iter().filter(|u| u.claim.as_deref() == Some("unattributed"))
    }

    /// Share of the article's units that are loaded, 0..1 (0 for a document without any); filler,
    /// which is never loaded, does not count.
    pub fn loaded_share(&self) -> f64 {
        match self.article_units() {
            0 => 0.0,
            n => self.loaded_units() as f64 / n as f64,
        }
    }

    /// Number of units carrying technique `label`.
    pub fn units_with(&self, label: &str) -> usize {
        self.units.iter().filter(|u| u.techniques.iter().any(|t| t.label == label)).count()
    }

    /// The models of the units, in order of first appearance (one, unless a run mixed them).
    pub fn models(&self) -> Vec<&str> {
        let mut models: Vec<&str> = Vec::new();
        for u in &self.units {
            if !models.contains(&u.model.as_str()) {
                models.push(&u.model);
            }
        }
        models
    }
}

/// An input that could not be processed: reported, never dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorRecord {
    /// Label schema id.
    pub schema: String,
    /// Document id or path (or `path:line` for a JSONL record).
    pub doc: String,
    /// Why it failed.
    pub error: String,
}

/// One entry of a run's output, in input order.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A classified document.
    Doc(DocReport),
    /// An input that could not be processed.
    Error(ErrorRecord),
}

/// A report format as a stream: [`Render::begin`] once, [`Render::outcome`] for each document or
/// error in input order (the caller flushes after each, so a long run shows results as they come),
/// [`Render::finish`] once. Formats with a header or footer (HTML, CSV) write them in `begin` and
/// `finish`; the others write nothing there.
pub trait Render {
    /// Writes what comes before the first outcome.
    fn begin(&mut self, _w: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    /// Writes one document's report or one error.
    fn outcome(&mut self, w: &mut dyn Write, outcome: &Outcome) -> io::Result<()>;

    /// Writes what comes after the last outcome.
    fn finish(&mut self, _w: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}

/// Techniques with the number of units carrying each, most units first, then by name.
pub fn rank_techniques(units: &[UnitRecord]) -> Vec<(&str, usize)> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for u in units {
        let mut labels: Vec<&str> = u.techniques.iter().map(|t| t.label.as_str()).collect();
        labels.sort_unstable();
        labels.dedup();
        for label in labels {
            *counts.entry(label).or_default() += 1;
        }
    }
    let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    ranked
}

/// The loaded units of `units`, highest `loaded_score` first (ties keep input order), at most `top`.
pub fn most_loaded(units: &[UnitRecord], top: usize) -> Vec<&UnitRecord> {
    let mut loaded: Vec<&UnitRecord> = units.iter().filter(|u| u.loaded).collect();
    loaded.sort_by(|a, b| b.loaded_score.total_cmp(&a.loaded_score));
    loaded.truncate(top);
    loaded
}

/// A run of unit characters that is evidence for the same set of techniques.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRun<'a> {
    /// Char offset into the unit text, inclusive.
    pub start: usize,
    /// Char offset into the unit text, exclusive.
    pub end: usize,
    /// The techniques whose evidence covers the run, in the unit's technique order.
    pub labels: Vec<&'a str>,
}

/// The evidence of a unit as maximal runs of characters covered by the same techniques, in order.
/// Evidence spans are document offsets; they are moved into the unit and clamped to it, and empty
/// spans are dropped. Overlapping spans of several techniques split into runs, so every character
/// knows every technique it is evidence for.
pub fn evidence_runs(unit: &UnitRecord) -> Vec<EvidenceRun<'_>> {
    let len = unit.text.chars().count();
    let mut cover: Vec<Vec<&str>> = vec![Vec::new(); len];
    for t in &unit.techniques {
        for &[s, e] in &t.evidence {
            let s = s.saturating_sub(unit.start).min(len);
            let e = e.saturating_sub(unit.start).min(len);
            for labels in &mut cover[s..e.max(s)] {
                if !labels.contains(&t.label.as_str()) {
                    labels.push(&t.label);
                }
            }
        }
    }
    let mut runs: Vec<EvidenceRun> = Vec::new();
    for (i, labels) in cover.into_iter().enumerate() {
        if labels.is_empty() {
            continue;
        }
        match runs.last_mut() {
            Some(run) if run.end == i && run.labels == labels => run.end = i + 1,
            _ => runs.push(EvidenceRun { start: i, end: i + 1, labels }),
        }
    }
    runs
}

/// Rounds to 4 decimals and prints them all (`0.9100`): the fixed form the text formats share.
pub(crate) fn score4(x: f32) -> String {
    if x.is_finite() {
        format!("{:.4}", (f64::from(x) * 1e4).round() / 1e4)
    } else {
        String::new()
    }
}

/// `n` of `total` as a percentage with one decimal, `0.0%` for an empty total.
pub(crate) fn percent(n: usize, total: usize) -> String {
    if total == 0 {
        return "0.0%".to_string();
    }
    format!("{:.1}%", 100.0 * n as f64 / total as f64)
}

#[cfg(test)]
pub(crate) mod testing {
    //! Records for the renderers' unit tests.

    use super::*;

    pub fn hit(label: &str, score: f32, evidence: &[[usize; 2]]) -> TechniqueHit {
        TechniqueHit { label: label.into(), score, threshold: 0.4, evidence: evidence.to_vec() }
    }

    pub fn unit(index: usize, start: usize, text: &str, score: f32, techniques: Vec<TechniqueHit>) -> UnitRecord {
        UnitRecord {
            schema: "framemark/1".into(),
            model: "fm-test-1".into(),
            doc: "d1".into(),
            unit: index,
            start,
            end: start + text.chars().count(),
            offsets: Offsets::Input,
            text: text.into(),
            paragraph: 0,
            loaded: !techniques.is_empty(),
            loaded_score: score,
            loaded_threshold: 0.5,
            techniques,
            content: None,
            content_score: None,
            content_threshold: None,
            filler_kind: None,
            claim: None,
            claim_score: None,
            claim_evidence: None,
        }
    }

    pub fn error(doc: &str, why: &str) -> ErrorRecord {
        ErrorRecord { schema: "framemark/1".into(), doc: doc.into(), error: why.into() }
    }

    /// Renders outcomes through `r` (begin, each outcome, finish) into a string.
    pub fn render(r: &mut dyn Render, outcomes: &[Outcome]) -> String {
        let mut out: Vec<u8> = Vec::new();
        r.begin(&mut out).unwrap();
        for o in outcomes {
            r.outcome(&mut out, o).unwrap();
        }
        r.finish(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{hit, unit};
    use super::*;

    #[test]
    fn evidence_runs_split_where_the_techniques_change() {
        // (unit start, unit text, techniques with document-offset evidence, runs as (start, end, labels))
        type Case<'a> = (usize, &'a str, Vec<TechniqueHit>, Vec<(usize, usize, Vec<&'a str>)>);
        let cases: Vec<Case> = vec![
            (0, "calm", vec![], vec![]),
            (10, "they unleashed chaos", vec![hit("A", 0.9, &[[15, 24]])], vec![(5, 14, vec!["A"])]),
            // Overlap: "worst of" is A and B, the rest one of them; chars, not bytes, count («).
            (
                0,
                "«the worst of the worst»",
                vec![hit("A", 0.9, &[[5, 13]]), hit("B", 0.8, &[[11, 23]])],
                vec![(5, 11, vec!["A"]), (11, 13, vec!["A", "B"]), (13, 23, vec!["B"])],
            ),
            // Touching spans of one technique join; out-of-unit and empty spans go.
            (20, "inside", vec![hit("A", 0.9, &[[20, 22], [22, 24], [30, 40], [25, 25], [0, 3]])], vec![(0, 4, vec!["A"])]),
            // A span running past the unit is clamped.
            (20, "inside", vec![hit("A", 0.9, &[[24, 99]])], vec![(4, 6, vec!["A"])]),
        ];
        for (start, text, techniques, want) in cases {
            let u = unit(0, start, text, 0.9, techniques);
            let got: Vec<(usize, usize, Vec<&str>)> =
                evidence_runs(&u).into_iter().map(|r| (r.start, r.end, r.labels)).collect();
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn doc_counts() {
        let doc = DocReport {
            doc: "d".into(),
            units: vec![
                unit(0, 0, "a", 0.9, vec![hit("A", 0.9, &[]), hit("B", 0.8, &[])]),
                unit(1, 2, "b", 0.1, vec![]),
                unit(2, 4, "c", 0.9, vec![hit("A", 0.9, &[])]),
                unit(3, 6, "d", 0.2, vec![]),
            ],
            text: None,
        };
        assert_eq!(doc.loaded_units(), 2);
        assert_eq!(doc.loaded_share(), 0.5);
        assert_eq!((doc.units_with("A"), doc.units_with("B"), doc.units_with("C")), (2, 1, 0));
        assert_eq!(doc.models(), ["fm-test-1"]);
        let empty = DocReport { doc: "e".into(), units: vec![], text: None };
        assert_eq!(empty.loaded_share(), 0.0);
        assert_eq!(rank_techniques(&doc.units), [("A", 2), ("B", 1)]);
        let top: Vec<usize> = most_loaded(&doc.units, 1).iter().map(|u| u.unit).collect();
        assert_eq!(top, [0]);
    }

    #[test]
    fn number_formats() {
        assert_eq!(score4(0.912_345), "0.9123");
        assert_eq!(score4(1.0), "1.0000");
        assert_eq!(score4(f32::NAN), "");
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(0, 0), "0.0%");
    }
}
