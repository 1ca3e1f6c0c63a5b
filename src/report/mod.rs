//! Renderers: one per output format, each writing to `impl Write` (ruff printer.rs pattern). The CLI
//! chooses the writer; nothing here prints directly.
//!
//! The data they render is plain: a [`DocReport`] per input document (or an error record for an
//! input that could not be read), holding one [`UnitRecord`] per unit in input order.

pub mod human;
pub mod jsonl;

use serde::{Deserialize, Serialize};

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
}

/// The result for one input document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocReport {
    /// Document id.
    pub doc: String,
    /// One record per unit, in input order.
    pub units: Vec<UnitRecord>,
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
    Doc(DocReport),
    Error(ErrorRecord),
}
