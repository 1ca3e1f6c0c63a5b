//! The whole chain for callers: a [`Classifier`] holds a loaded model, its tokenizer, thresholds and
//! label schema, and turns documents into [`DocReport`]s (segment → score → decide).

use std::path::Path;

use crate::decide::{decide, Decision, Thresholds};
use crate::error::Result;
use crate::labels::LabelSet;
use crate::model::{load_backend, score, Backend, BackendKind, ModelDir, Tokenizer, UnitInput, UnitScores};
use crate::report::{DocReport, UnitRecord};
use crate::text::layout::trafilatura_kept;
use crate::text::{segment, Document};

/// Units per forward pass. Units of many documents are packed together, sorted by length.
pub const BATCH_SIZE: usize = 32;

/// A loaded model ready to classify. It is `Send + Sync`: one instance serves concurrent callers
/// (the HTTP server shares it between its inference threads).
pub struct Classifier {
    /// The model directory (spec and paths).
    pub dir: ModelDir,
    /// Decision thresholds (from `thresholds.toml`, possibly overridden).
    pub thresholds: Thresholds,
    tokenizer: Tokenizer,
    backend: Box<dyn Backend + Send + Sync>,
}

impl Classifier {
    /// Loads `models/<name>` with the chosen backend, and checks the model's labels against `labels`.
    pub fn load(path: &Path, kind: BackendKind, labels: &LabelSet) -> Result<Self> {
        let dir = ModelDir::open(path)?;
        labels.check_model("technique", dir.spec.techniques())?;
        if !dir.spec.content_labels.is_empty() {
            // The content family lists `article` first; the head scores the rest.
            let ids: Vec<String> = std::iter::once("article".to_string()).chain(dir.spec.content_labels.iter().cloned()).collect();
            labels.check_model("content", &ids)?;
        }
        let thresholds = Thresholds::load(&dir.thresholds())?;
        let tokenizer = Tokenizer::load(&dir.tokenizer(), dir.spec.max_len, dir.spec.context)?;
        let backend = load_backend(&dir, kind)?;
        Ok(Classifier { dir, thresholds, tokenizer, backend })
    }

    /// Scores units (any number; batched internally), in input order.
    pub fn score(&self, units: &[UnitInput]) -> Result<Vec<UnitScores>> {
        score(self.backend.as_ref(), &self.tokenizer, units, BATCH_SIZE)
    }

    /// Decides one scored unit; `kept` as in [`crate::decide::Thresholds::filler_for`].
    pub fn decide(&self, scores: &UnitScores, text: &str, start: usize, kept: Option<f32>) -> Decision {
        decide(&self.dir.spec, &self.thresholds, scores, text, start, kept)
    }

    /// Classifies documents; their units are scored together so batches stay full.
    pub fn classify(&self, docs: &[Document]) -> Result<Vec<DocReport>> {
        let units: Vec<Vec<_>> = docs.iter().map(|d| segment(&d.text)).collect();
        let doms: Vec<_> = docs.iter().zip(&units).map(|(d, u)| d.unit_dom(u)).collect();
        let inputs: Vec<UnitInput> = units
            .iter()
            .zip(&doms)
            .flat_map(|(doc, dom)| UnitInput::in_page(&doc.iter().map(|u| u.text.as_str()).collect::<Vec<_>>(), dom.as_deref()))
            .collect();
        let mut scores = self.score(&inputs)?.into_iter().zip(inputs.iter().map(|u| trafilatura_kept(&u.layout)));
        let model = self.dir.spec.id();
        let mut out = Vec::with_capacity(docs.len());
        for (doc, units) in docs.iter().zip(&units) {
            let mut records = Vec::with_capacity(units.len());
            for u in units {
                let (s, kept) = scores.next().expect("one score per unit");
                let d = self.decide(&s, &u.text, u.start, kept);
                records.push(UnitRecord {
                    schema: crate::SCHEMA.to_string(),
                    model: model.clone(),
                    doc: doc.id.clone(),
                    unit: u.index,
                    start: u.start,
                    end: u.end,
                    offsets: doc.offsets,
                    text: u.text.clone(),
                    paragraph: u.paragraph,
                    loaded: d.loaded,
                    loaded_score: d.loaded_score,
                    loaded_threshold: self.thresholds.loaded,
                    techniques: d.techniques,
                    content: d.content.as_ref().map(|c| if c.filler { "filler" } else { "article" }.to_string()),
                    content_score: d.content.as_ref().map(|c| c.score),
                    content_threshold: d.content.as_ref().map(|c| c.threshold),
                    filler_kind: d.content.and_then(|c| c.kind),
                    claim: d.claim.as_ref().map(|c| c.label.to_string()),
                    claim_score: d.claim.as_ref().map(|c| c.score),
                    claim_evidence: d.claim.map(|c| c.evidence),
                });
            }
            out.push(DocReport { doc: doc.id.clone(), units: records, text: Some(doc.text.clone()) });
        }
        Ok(out)
    }
}
