//! The model: one shared encoder (a BERT, all-MiniLM-L6-v2 as the base) with one head per output, so a
//! single forward pass scores every label of a unit. This module is the only place tensors exist;
//! what crosses its boundary is plain Rust and `ndarray` (TEI backends/candle/src/lib.rs pattern).
//!
//! Heads, all read from `models/<name>/model.safetensors` next to the BERT weights:
//! - `heads.sentence` — linear over the mean-pooled unit (sentence-transformers pooling): one sigmoid
//!   per `sentence_labels` entry (`loaded`, then the 23 techniques).
//! - `heads.token` — linear over every token's hidden state: one sigmoid per `token_labels` entry
//!   (`any`, then the 23 techniques); it gives the evidence spans.
//! - `heads.content` (optional) — one sigmoid per `content_labels` entry (`filler`, then the kinds).
//!   It reads each unit's content features (the pooled unit concatenated with its layout features,
//!   [`crate::text::layout`]). With `content_rnn > 0` two GRUs (`heads.content_rnn.fwd` and `.bwd`,
//!   PyTorch's layout) first read the features of the document's units forwards and backwards, and the head reads
//!   the unit's features next to the GRU's output at that unit: a teaser headline looks like a
//!   headline, and only what comes before and after it tells them apart. With `content_members = k
//!   > 1` there are k such layers (`heads.content`, `heads.content_1`, ...) and their probabilities
//!   are averaged.
//! - `heads.claim` (optional) — one sigmoid per `claim_labels` entry (`claim`, `attributed`,
//!   `vague`), read the same way as the content head (its own GRU `heads.claim_rnn` with
//!   `claim_rnn > 0`): "He added that ..." and a quotation whose speaker comes in the next sentence
//!   are attributed only in their document.
//! - `heads.claim_token` (optional) — linear over every token's hidden state: one sigmoid per
//!   `claim_token_labels` entry (`source`, `cue`); it gives the source span of an attributed unit
//!   and the cue of a vague one.
//!
//! Backends: [`candle`] (default, pure Rust) and `torch` (rust-bert/tch, feature `torch`, also used
//! for training). Both load the same safetensors and are kept in agreement by a parity test.

pub mod candle;
#[cfg(feature = "torch")]
pub mod torch;

use std::path::{Path, PathBuf};

use ndarray::{Array2, Array3};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::text::layout::{layout_features, with_dom, Dom, LAYOUT_FEATURES, TEXT_FEATURES};

/// `framemark.json` in a model directory: what the heads mean and how inputs are cut.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ModelSpec {
    /// Model name, e.g. `framemark-minilm`.
    pub name: String,
    /// Model version; `name@version` goes into every output record.
    pub version: String,
    /// Label schema id the heads were trained for.
    pub schema: String,
    /// Where the encoder weights started from.
    pub base: String,
    /// Longest unit in tokens (with [CLS]/[SEP]); longer units are truncated.
    pub max_len: usize,
    /// Sentence-head outputs, in order: `loaded`, then the technique names.
    pub sentence_labels: Vec<String>,
    /// Token-head outputs, in order: `any`, then the technique names.
    pub token_labels: Vec<String>,
    /// Per token label: whether training had span supervision for it. Evidence for a technique whose
    /// channel had none comes from the `any` channel.
    pub token_supervised: Vec<bool>,
    /// Tokens of the neighbouring units the model reads on each side of a unit (0: the unit alone).
    /// Context goes in as segment B and is neither pooled nor given token outputs.
    #[serde(default)]
    pub context: usize,
    /// Content-head outputs, in order: `filler`, then the filler kinds. Empty: the model has no
    /// content head (every unit is article).
    #[serde(default)]
    pub content_labels: Vec<String>,
    /// Hidden size (per direction) of the GRU that reads a document's units before the content head;
    /// 0: the content head reads each unit alone.
    #[serde(default)]
    pub content_rnn: usize,
    /// Content layers (GRU and head), each trained from its own seed, whose probabilities are
    /// averaged: one layer's decisions on rare page shapes (an in-body teaser headline, a slogan)
    /// swing a lot with its seed. Layer 0 is `heads.content`, layer k `heads.content_k`
    /// ([`content_member`]). Models before 0.3.3 have one.
    #[serde(default = "one")]
    pub content_members: usize,
    /// Layout features per unit the document-level heads were trained with (models before 0.3.0: 8).
    #[serde(default = "eight")]
    pub layout_features: usize,
    /// Claim-head outputs, in order: `claim` (a checkable factual claim), `attributed` (its source
    /// is named), `vague` (its source is vague). Empty: the model has no claim head.
    #[serde(default)]
    pub claim_labels: Vec<String>,
    /// Claim token-head outputs: `source`, `cue`.
    #[serde(default)]
    pub claim_token_labels: Vec<String>,
    /// Hidden size (per direction) of the GRU that reads a document's units before the claim head.
    #[serde(default)]
    pub claim_rnn: usize,
}

fn eight() -> usize {
    8
}

fn one() -> usize {
    1
}

/// The head name of content layer `k` (see [`ModelSpec::content_members`]).
pub fn content_member(k: usize) -> String {
    match k {
        0 => "content".to_string(),
        k => format!("content_{k}"),
    }
}

impl ModelSpec {
    /// `name@version`, as written in output records.
    pub fn id(&self) -> String {
        format!("{}@{}", self.name, self.version)
    }

    /// The technique names (sentence labels after `loaded`).
    pub fn techniques(&self) -> &[String] {
        &self.sentence_labels[1..]
    }

    /// The filler kinds (content labels after `filler`); empty without a content head.
    pub fn filler_kinds(&self) -> &[String] {
        self.content_labels.get(1..).unwrap_or(&[])
    }

    /// Errors when the model's document-level heads read another number of layout features than
    /// this build computes (checked when a backend loads the model for inference; `train --from`
    /// replaces those heads and may start from such a model).
    pub fn check_layout(&self, path: &Path) -> Result<()> {
        let document_heads = !self.content_labels.is_empty() || !self.claim_labels.is_empty();
        // Older models read a prefix of today's features: the text features alone (0.3.0), or all
        // but the trafilatura share (0.3.1).
        if document_heads && ![TEXT_FEATURES, LAYOUT_FEATURES - 1, LAYOUT_FEATURES].contains(&self.layout_features) {
            return Err(Error::Model {
                path: path.to_path_buf(),
                reason: format!(
                    "framemark.json: the model's content/claim heads read {} layout features, this build computes {LAYOUT_FEATURES} (or the first {TEXT_FEATURES} or {} for older models); use the model that ships with this version",
                    self.layout_features,
                    LAYOUT_FEATURES - 1
                ),
            });
        }
        Ok(())
    }

    fn check(&self, path: &Path) -> Result<()> {
        let bad = |reason: String| Err(Error::Model { path: path.to_path_buf(), reason });
        if self.sentence_labels.first().map(String::as_str) != Some("loaded") {
            return bad("framemark.json: sentence_labels must start with \"loaded\"".into());
        }
        if self.token_labels.first().map(String::as_str) != Some("any") {
            return bad("framemark.json: token_labels must start with \"any\"".into());
        }
        if self.token_labels[1..] != self.sentence_labels[1..] {
            return bad("framemark.json: token_labels[1..] must equal sentence_labels[1..]".into());
        }
        if self.token_supervised.len() != self.token_labels.len() {
            return bad("framemark.json: token_supervised must have one entry per token label".into());
        }
        if !self.content_labels.is_empty() && self.content_labels[0] != "filler" {
            return bad("framemark.json: content_labels must start with \"filler\"".into());
        }
        if self.content_members == 0 {
            return bad("framemark.json: content_members must be at least 1".into());
        }
        if !self.claim_labels.is_empty() && self.claim_labels != ["claim", "attributed", "vague"] {
            return bad("framemark.json: claim_labels must be [\"claim\", \"attributed\", \"vague\"]".into());
        }
        if !self.claim_labels.is_empty() && self.claim_token_labels != ["source", "cue"] {
            return bad("framemark.json: claim_token_labels must be [\"source\", \"cue\"]".into());
        }
        Ok(())
    }
}

/// The files of a model directory (`models/<name>/`).
#[derive(Debug, Clone)]
pub struct ModelDir {
    /// The directory.
    pub path: PathBuf,
    /// Its `framemark.json`.
    pub spec: ModelSpec,
}

impl ModelDir {
    /// Reads `framemark.json` and checks that the other files exist.
    pub fn open(path: &Path) -> Result<Self> {
        let spec_path = path.join("framemark.json");
        let raw = std::fs::read_to_string(&spec_path).map_err(|e| Error::io(&spec_path, e))?;
        let spec: ModelSpec = serde_json::from_str(&raw).map_err(|e| Error::Model {
            path: spec_path.clone(),
            reason: e.to_string(),
        })?;
        spec.check(&spec_path)?;
        let dir = ModelDir { path: path.to_path_buf(), spec };
        for f in [dir.config(), dir.tokenizer(), dir.weights()] {
            if !f.is_file() {
                return Err(Error::Model { path: f, reason: "missing".into() });
            }
        }
        Ok(dir)
    }

    /// The BERT `config.json`.
    pub fn config(&self) -> PathBuf {
        self.path.join("config.json")
    }
    /// The `tokenizer.json` shared by both backends.
    pub fn tokenizer(&self) -> PathBuf {
        self.path.join("tokenizer.json")
    }
    /// The weights, `model.safetensors` (fp16 for shipped models).
    pub fn weights(&self) -> PathBuf {
        self.path.join("model.safetensors")
    }
    /// The decision thresholds chosen on dev data.
    pub fn thresholds(&self) -> PathBuf {
        self.path.join("thresholds.toml")
    }
}

/// A unit to score, with the units next to it in its document (which a model with context reads)
/// and its layout features (which the content head reads).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitInput<'a> {
    /// The unit text.
    pub text: &'a str,
    /// The unit before it in the same document.
    pub before: Option<&'a str>,
    /// The unit after it in the same document.
    pub after: Option<&'a str>,
    /// Where the unit sits in its document and its shape ([`layout_features`]).
    pub layout: [f32; LAYOUT_FEATURES],
    /// True for the first unit of a document: the content layer reads the units from one `first` to
    /// the next as one document, in order.
    pub first: bool,
}

impl<'a> UnitInput<'a> {
    /// A unit with no document around it (a lone sentence).
    pub fn alone(text: &'a str) -> Self {
        UnitInput { text, before: None, after: None, layout: layout_features(&[text])[0], first: true }
    }

    /// The units of one document, in order, each with its neighbours and layout.
    pub fn in_document(texts: &[&'a str]) -> Vec<Self> {
        Self::in_page(texts, None)
    }

    /// [`UnitInput::in_document`] with the markup features of each unit's line when the document is
    /// an HTML page (`dom`: one per unit, see [`crate::text::Document::unit_dom`]).
    pub fn in_page(texts: &[&'a str], dom: Option<&[Dom]>) -> Vec<Self> {
        with_dom(texts, dom)
            .into_iter()
            .enumerate()
            .map(|(i, layout)| UnitInput {
                text: texts[i],
                before: i.checked_sub(1).map(|j| texts[j]),
                after: texts.get(i + 1).copied(),
                layout,
                first: i == 0,
            })
            .collect()
    }
}

/// A unit's tokens: ids and each token's char span within the unit text.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    /// Token ids: `[CLS] unit [SEP]`, then for a model with context `before [SEP] after [SEP]`.
    pub ids: Vec<u32>,
    /// Segment of each token: 0 for the unit, 1 for its context.
    pub type_ids: Vec<u32>,
    /// Char span `[start, end)` of each token within the unit text; `(0, 0)` for special and
    /// context tokens.
    pub offsets: Vec<(usize, usize)>,
    /// The unit's layout features.
    pub layout: [f32; LAYOUT_FEATURES],
}

/// The `tokenizers` tokenizer of a model directory, configured for units (and their context).
pub struct Tokenizer {
    inner: tokenizers::Tokenizer,
    context: usize,
    sep: u32,
}

impl Tokenizer {
    /// Loads `tokenizer.json` and sets truncation to `max_len`, no padding (batches pad themselves).
    /// `context` is [`ModelSpec::context`].
    pub fn load(path: &Path, max_len: usize, context: usize) -> Result<Self> {
        let mut inner = tokenizers::Tokenizer::from_file(path)
            .map_err(|e| Error::Tokenizer(format!("{}: {e}", path.display())))?;
        inner.with_padding(None);
        inner
            .with_truncation(Some(tokenizers::TruncationParams {
                max_length: max_len,
                ..Default::default()
            }))
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        let sep = inner
            .token_to_id("[SEP]")
            .ok_or_else(|| Error::Tokenizer(format!("{}: no [SEP] token", path.display())))?;
        Ok(Tokenizer { inner, context, sep })
    }

    /// Tokenizes one unit and, for a model with context, the tail of the unit before it and the
    /// head of the unit after it.
    pub fn encode(&self, unit: &UnitInput) -> Result<Encoded> {
        let mut enc = self.encode_unit(unit.text)?;
        enc.layout = unit.layout;
        if self.context == 0 {
            return Ok(enc);
        }
        let plain = |t: Option<&str>| -> Result<Vec<u32>> {
            match t {
                None => Ok(Vec::new()),
                Some(t) => Ok(self.inner.encode(t, false).map_err(|e| Error::Tokenizer(e.to_string()))?.get_ids().to_vec()),
            }
        };
        let before = plain(unit.before)?;
        let after = plain(unit.after)?;
        let tail = &before[before.len().saturating_sub(self.context)..];
        let head = &after[..after.len().min(self.context)];
        for &id in tail.iter().chain([&self.sep]).chain(head).chain([&self.sep]) {
            enc.ids.push(id);
            enc.type_ids.push(1);
            enc.offsets.push((0, 0));
        }
        Ok(enc)
    }

    fn encode_unit(&self, text: &str) -> Result<Encoded> {
        let enc = self
            .inner
            .encode_char_offsets(text, true)
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        let specials = enc.get_special_tokens_mask();
        let offsets: Vec<(usize, usize)> = enc
            .get_offsets()
            .iter()
            .zip(specials)
            .map(|(&o, &s)| if s == 1 { (0, 0) } else { o })
            .collect();
        Ok(Encoded { ids: enc.get_ids().to_vec(), type_ids: vec![0; offsets.len()], offsets, layout: [0.0; LAYOUT_FEATURES] })
    }
}

/// A padded batch of units, ready for a backend.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// `[batch, seq]` token ids, 0-padded.
    pub input_ids: Array2<u32>,
    /// `[batch, seq]` 1 for real tokens, 0 for padding.
    pub attention_mask: Array2<u32>,
    /// `[batch, seq]` 0 for the unit's tokens, 1 for its context (and 0 for padding). The sentence
    /// head pools over real tokens with type 0 only.
    pub token_type_ids: Array2<u32>,
    /// `[batch, LAYOUT_FEATURES]` layout features, read by the content head.
    pub layout: Array2<f32>,
}

impl Batch {
    /// Pads `encs` to the longest of them.
    pub fn new(encs: &[&Encoded]) -> Batch {
        let seq = encs.iter().map(|e| e.ids.len()).max().unwrap_or(0);
        let mut input_ids = Array2::zeros((encs.len(), seq));
        let mut attention_mask = Array2::zeros((encs.len(), seq));
        let mut token_type_ids = Array2::zeros((encs.len(), seq));
        let mut layout = Array2::zeros((encs.len(), LAYOUT_FEATURES));
        for (i, e) in encs.iter().enumerate() {
            for (j, (&id, &ty)) in e.ids.iter().zip(&e.type_ids).enumerate() {
                input_ids[[i, j]] = id;
                attention_mask[[i, j]] = 1;
                token_type_ids[[i, j]] = ty;
            }
            for (k, &x) in e.layout.iter().enumerate() {
                layout[[i, k]] = x;
            }
        }
        Batch { input_ids, attention_mask, token_type_ids, layout }
    }

    /// `[batch, seq]` 1 for the tokens the sentence head pools: real tokens of the unit itself.
    pub fn pool_mask(&self) -> Array2<u32> {
        let mut m = self.attention_mask.clone();
        m.zip_mut_with(&self.token_type_ids, |a, &t| *a *= 1 - t.min(1));
        m
    }
}

/// What a backend returns for a batch: probabilities, not logits.
#[derive(Debug, Clone, PartialEq)]
pub struct Outputs {
    /// `[batch, sentence_labels]`.
    pub sentence: Array2<f32>,
    /// `[batch, seq, token_labels]`.
    pub tokens: Array3<f32>,
    /// `[batch, hidden + LAYOUT_FEATURES]` what the document-level heads (content, claim) read of
    /// each unit (no columns in a model without them).
    pub unit_features: Array2<f32>,
    /// `[batch, seq, claim_token_labels]` (no channels without a claim head).
    pub claim_tokens: Array3<f32>,
}

/// What a backend returns for one document: probabilities, one row per unit.
#[derive(Debug, Clone, PartialEq)]
pub struct DocOutputs {
    /// `[units, content_labels]`.
    pub content: Array2<f32>,
    /// `[units, claim_labels]`.
    pub claim: Array2<f32>,
}

/// An encoder + heads that can score a batch.
pub trait Backend {
    /// Runs the model on one batch.
    fn forward(&self, batch: &Batch) -> Result<Outputs>;

    /// The document-level heads on one document's units, in order, from their `unit_features`
    /// rows (no columns for a head the model lacks).
    fn document(&self, features: &Array2<f32>) -> Result<DocOutputs>;
}

/// Which backend to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// candle, pure Rust, CPU.
    Candle,
    /// rust-bert/tch (feature `torch`): CPU, or CUDA when libtorch has it.
    Torch,
}

/// Loads the chosen backend for a model directory. It can be shared between threads (the HTTP server
/// runs several batches at once).
pub fn load_backend(dir: &ModelDir, kind: BackendKind) -> Result<Box<dyn Backend + Send + Sync>> {
    dir.spec.check_layout(&dir.path.join("framemark.json"))?;
    match kind {
        BackendKind::Candle => Ok(Box::new(candle::CandleModel::load(dir)?)),
        #[cfg(feature = "torch")]
        BackendKind::Torch => Ok(Box::new(OneAtATime(std::sync::Mutex::new(torch::TorchModel::load(
            dir,
            ::tch::Device::cuda_if_available(),
        )?)))),
        #[cfg(not(feature = "torch"))]
        BackendKind::Torch => Err(Error::Usage(
            "the torch backend needs a build with `--features torch` (see scripts/setup-torch.sh)".into(),
        )),
    }
}

/// A backend that is `Send` but not `Sync` (tch tensors are not), shared by running one batch at a
/// time; libtorch parallelises within a batch.
#[cfg(feature = "torch")]
struct OneAtATime<B>(std::sync::Mutex<B>);

#[cfg(feature = "torch")]
impl<B: Backend + Send> Backend for OneAtATime<B> {
    fn forward(&self, batch: &Batch) -> Result<Outputs> {
        // `forward` does not mutate the model, so a panic in another batch leaves nothing half-done.
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).forward(batch)
    }

    fn document(&self, features: &Array2<f32>) -> Result<DocOutputs> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).document(features)
    }
}

/// One unit's scores, cut out of its batch.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitScores {
    /// Sentence-head probabilities, one per `sentence_labels`.
    pub sentence: Vec<f32>,
    /// Char span of each real (non-special) token within the unit text.
    pub token_offsets: Vec<(usize, usize)>,
    /// `[tokens, token_labels]` probabilities for those tokens.
    pub tokens: Array2<f32>,
    /// Content-head probabilities, one per `content_labels` (empty without a content head).
    pub content: Vec<f32>,
    /// Claim-head probabilities, one per `claim_labels` (empty without a claim head).
    pub claim: Vec<f32>,
    /// `[tokens, claim_token_labels]` probabilities for the same tokens as `tokens`.
    pub claim_tokens: Array2<f32>,
}

/// Scores many units: sorted by token length and packed into batches of `batch_size` so padding
/// stays small, then returned in the input order. The content layer then reads each document's units
/// (see [`UnitInput::first`]) in order.
pub fn score(
    backend: &dyn Backend,
    tokenizer: &Tokenizer,
    units: &[UnitInput],
    batch_size: usize,
) -> Result<Vec<UnitScores>> {
    let encs = units.iter().map(|u| tokenizer.encode(u)).collect::<Result<Vec<_>>>()?;
    let mut order: Vec<usize> = (0..encs.len()).collect();
    order.sort_by_key(|&i| encs[i].ids.len());
    let mut out: Vec<Option<UnitScores>> = vec![None; encs.len()];
    let mut features: Vec<Vec<f32>> = vec![Vec::new(); encs.len()];
    for chunk in order.chunks(batch_size.max(1)) {
        let batch_encs: Vec<&Encoded> = chunk.iter().map(|&i| &encs[i]).collect();
        let outputs = backend.forward(&Batch::new(&batch_encs))?;
        for (row, &i) in chunk.iter().enumerate() {
            let enc = &encs[i];
            let real: Vec<usize> = (0..enc.ids.len()).filter(|&j| enc.offsets[j] != (0, 0)).collect();
            let n_labels = outputs.tokens.shape()[2];
            let mut tokens = Array2::zeros((real.len(), n_labels));
            let mut claim_tokens = Array2::zeros((real.len(), outputs.claim_tokens.shape()[2]));
            for (k, &j) in real.iter().enumerate() {
                tokens.row_mut(k).assign(&outputs.tokens.slice(ndarray::s![row, j, ..]));
                claim_tokens.row_mut(k).assign(&outputs.claim_tokens.slice(ndarray::s![row, j, ..]));
            }
            out[i] = Some(UnitScores {
                sentence: outputs.sentence.row(row).to_vec(),
                token_offsets: real.iter().map(|&j| enc.offsets[j]).collect(),
                tokens,
                content: Vec::new(),
                claim: Vec::new(),
                claim_tokens,
            });
            features[i] = outputs.unit_features.row(row).to_vec();
        }
    }
    let mut out: Vec<UnitScores> = out.into_iter().map(|s| s.expect("every unit is in exactly one batch")).collect();
    let width = features.first().map_or(0, Vec::len);
    if width > 0 {
        let mut start = 0;
        while start < units.len() {
            let end = (start + 1..units.len()).find(|&i| units[i].first).unwrap_or(units.len());
            let rows: Vec<f32> = features[start..end].iter().flatten().copied().collect();
            let doc = Array2::from_shape_vec((end - start, width), rows)
                .map_err(|e| Error::Model { path: "content".into(), reason: e.to_string() })?;
            let probs = backend.document(&doc)?;
            for (k, s) in out[start..end].iter_mut().enumerate() {
                s.content = probs.content.row(k).to_vec();
                s.claim = probs.claim.row(k).to_vec();
            }
            start = end;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Models read a prefix of the layout features this build computes: 0.3.0 the text features
    /// alone, 0.3.1 all but trafilatura's share; any other count is refused with a clear error.
    #[test]
    fn older_layouts_load_and_others_are_refused() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/framemark-minilm/framemark.json");
        let mut spec: ModelSpec = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for n in [TEXT_FEATURES, LAYOUT_FEATURES - 1, LAYOUT_FEATURES] {
            spec.layout_features = n;
            assert!(spec.check_layout(&path).is_ok(), "{n} features");
        }
        spec.layout_features = TEXT_FEATURES + 1;
        let err = spec.check_layout(&path).unwrap_err().to_string();
        assert!(err.contains("layout features"), "{err}");
    }
}
