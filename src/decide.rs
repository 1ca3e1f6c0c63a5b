//! Decisions: model probabilities + thresholds → labels + evidence spans. Pure functions over plain
//! data (TEI core/src/infer.rs keeps inference and decision apart the same way); the thresholds are
//! data, read from `thresholds.toml` next to the weights, chosen on dev sets by `framemark train`.
//!
//! Rules (LABELING-GUIDE.md: "a unit is loaded when it carries at least one technique"):
//! - with a content head, a unit is filler when P(filler) ≥ the `filler` threshold, and its kind is
//!   the most probable filler kind; filler gets no techniques and is never loaded (LABELING-GUIDE.md,
//!   family 1);
//! - a unit is loaded when P(loaded) ≥ the `loaded` threshold;
//! - a loaded unit carries every technique whose probability reaches its threshold, and at least its
//!   most probable technique; a unit that is not loaded carries none;
//! - with a claim head, an article unit's claim is `none` when P(claim) is under its threshold (the
//!   guide's attributed is "a checkable factual claim AND its source is named": a quoted opinion with
//!   its speaker is `none`), else `attributed` when P(attributed) reaches its threshold, else `vague`
//!   when P(vague) reaches its threshold, else `unattributed`;
//!   filler gets no claim. The evidence of an attributed claim is its source span (the `source`
//!   token channel), of a vague claim its cue (the `source` and `cue` channels: "critics say");
//! - a technique's evidence is the run(s) of tokens whose span probability reaches `evidence`
//!   (its own token channel if it had span supervision, else the `any` channel), widened to whole
//!   words; when no token reaches it, the single most probable token's word.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{ModelSpec, UnitScores};
use crate::report::TechniqueHit;

/// Decision thresholds (`thresholds.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Threshold on P(loaded).
    pub loaded: f32,
    /// Token probability at which a token counts as evidence.
    pub evidence: f32,
    /// Threshold on each technique's probability; techniques not listed use `technique_default`.
    pub techniques: BTreeMap<String, f32>,
    /// Threshold for techniques without a tuned one (too rare in dev data to tune).
    pub technique_default: f32,
    /// Threshold on P(filler) (models with a content head).
    #[serde(default = "half")]
    pub filler: f32,
    /// Threshold on P(filler) for the units of an HTML page whose line trafilatura leaves out
    /// (keeps less than [`KEPT`] of); `filler` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filler_html: Option<f32>,
    /// Threshold on P(filler) for the units of an HTML page whose line trafilatura keeps (at least
    /// [`KEPT`] of it); `filler` when absent. The content layer reads trafilatura's share as a
    /// feature, but on unseen sites trafilatura's own decision is the steadier one, so these two
    /// thresholds (chosen on the HTML dev sets) set how far the layer may overrule it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filler_html_kept: Option<f32>,
    /// Thresholds on P(claim), P(attributed) and P(vague) (models with a claim head; 0.5 each when
    /// absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<ClaimThresholds>,
}

/// Claim-head thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimThresholds {
    /// On P(claim): a checkable factual claim.
    pub claim: f32,
    /// On P(attributed).
    pub attributed: f32,
    /// On P(vague).
    pub vague: f32,
}

impl Default for ClaimThresholds {
    fn default() -> Self {
        ClaimThresholds { claim: 0.5, attributed: 0.5, vague: 0.5 }
    }
}

fn half() -> f32 {
    0.5
}

/// A line of an HTML page counts as kept by trafilatura when at least this share of it is in
/// trafilatura's main text (`filler_html_kept` applies to its units).
pub const KEPT: f32 = 0.5;

impl Thresholds {
    /// Reads `thresholds.toml`.
    pub fn load(path: &Path) -> Result<Self> {
        let raw = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        toml::from_str(&raw).map_err(|e| Error::Model { path: path.into(), reason: e.to_string() })
    }

    /// The TOML text, values rounded to 4 decimals (f32 → TOML's f64 would print 0.4399999976).
    pub fn to_toml(&self) -> String {
        let r = |x: f32| ((x as f64) * 1e4).round() / 1e4;
        let mut s = format!(
            "loaded = {}\nevidence = {}\ntechnique_default = {}\nfiller = {}\n\n[techniques]\n",
            r(self.loaded),
            r(self.evidence),
            r(self.technique_default),
            r(self.filler)
        );
        // Top-level keys go before the first table.
        if let Some(t) = self.filler_html {
            s = s.replace("\n\n[techniques]\n", &format!("\nfiller_html = {}\n\n[techniques]\n", r(t)));
        }
        if let Some(t) = self.filler_html_kept {
            s = s.replace("\n\n[techniques]\n", &format!("\nfiller_html_kept = {}\n\n[techniques]\n", r(t)));
        }
        for (name, v) in &self.techniques {
            s += &format!("{name} = {}\n", r(*v));
        }
        if let Some(c) = &self.claim {
            s += &format!("\n[claim]\nclaim = {}\nattributed = {}\nvague = {}\n", r(c.claim), r(c.attributed), r(c.vague));
        }
        s
    }

    /// The filler threshold of a unit: `kept` is, for a unit of an HTML page, the share of its line
    /// trafilatura keeps; `None` for plain text.
    pub fn filler_for(&self, kept: Option<f32>) -> f32 {
        match kept {
            None => self.filler,
            Some(k) if k >= KEPT => self.filler_html_kept.unwrap_or(self.filler),
            Some(_) => self.filler_html.unwrap_or(self.filler),
        }
    }

    /// The threshold of one technique.
    pub fn technique(&self, name: &str) -> f32 {
        self.techniques.get(name).copied().unwrap_or(self.technique_default)
    }

    /// Applies `LABEL=VALUE` overrides (`loaded`, `evidence` or a technique name).
    pub fn set(&mut self, label: &str, value: f32) -> Result<()> {
        if !(0.0..=1.0).contains(&value) {
            return Err(Error::Usage(format!("threshold for {label} must be within 0..1, got {value}")));
        }
        match label {
            "loaded" => self.loaded = value,
            "evidence" => self.evidence = value,
            "filler" => self.filler = value,
            "filler_html" => self.filler_html = Some(value),
            "filler_html_kept" => self.filler_html_kept = Some(value),
            "claim" => self.claim.get_or_insert_default().claim = value,
            "attributed" => self.claim.get_or_insert_default().attributed = value,
            "vague" => self.claim.get_or_insert_default().vague = value,
            t => {
                self.techniques.insert(t.to_string(), value);
            }
        }
        Ok(())
    }
}

/// What was decided for one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The unit carries at least one technique.
    pub loaded: bool,
    /// P(loaded).
    pub loaded_score: f32,
    /// Techniques, highest score first, with evidence in document char offsets.
    pub techniques: Vec<TechniqueHit>,
    /// The content decision; `None` when the model has no content head.
    pub content: Option<ContentDecision>,
    /// The claim decision; `None` for filler and when the model has no claim head.
    pub claim: Option<ClaimDecision>,
}

/// How an article unit's claim is sourced, for models with a claim head.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimDecision {
    /// `attributed`, `vague`, `unattributed` or `none`.
    pub label: &'static str,
    /// The probability behind the label: P(attributed), P(vague), P(claim), or 1 - P(claim) for `none`.
    pub score: f32,
    /// Source span(s) (attributed) or cue span(s) (vague), document char offsets; empty otherwise.
    pub evidence: Vec<[usize; 2]>,
}

/// Article or filler, for models with a content head.
#[derive(Debug, Clone, PartialEq)]
pub struct ContentDecision {
    /// The unit is page furniture, not the article.
    pub filler: bool,
    /// P(filler).
    pub score: f32,
    /// The threshold `score` was compared with ([`Thresholds::filler_for`]).
    pub threshold: f32,
    /// The most probable filler kind, for filler units.
    pub kind: Option<String>,
}

/// The content decision for one unit's content-head probabilities; `kept` as in
/// [`Thresholds::filler_for`].
pub fn decide_content(spec: &ModelSpec, th: &Thresholds, content: &[f32], kept: Option<f32>) -> Option<ContentDecision> {
    let (&score, kinds) = content.split_first()?;
    let threshold = th.filler_for(kept);
    let filler = score >= threshold;
    let kind = kinds
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .filter(|_| filler)
        .map(|(k, _)| spec.filler_kinds()[k].clone());
    Some(ContentDecision { filler, score, threshold, kind })
}

/// The claim decision for one article unit's scores (`None` without a claim head).
pub fn decide_claim(th: &Thresholds, scores: &UnitScores, unit_text: &str, unit_start: usize) -> Option<ClaimDecision> {
    let &[claim, attributed, vague] = scores.claim.as_slice() else { return None };
    let t = th.claim.clone().unwrap_or_default();
    // Every claim label needs a claim first (LABELING-GUIDE.md: attributed is "a checkable factual
    // claim AND its source is named", so a quoted opinion with its speaker is `none`); then how it is
    // sourced. PolNeAR marks every sourced attribution, opinions too: `eval polnear-*` measures that
    // wider notion, and tuning follows the guide (claims-dev), not PolNeAR.
    let (label, score) = if claim < t.claim {
        ("none", 1.0 - claim)
    } else if attributed >= t.attributed {
        ("attributed", attributed)
    } else if vague >= t.vague {
        ("vague", vague)
    } else {
        ("unattributed", claim)
    };
    let channel = |c: usize| scores.claim_tokens.column(c).to_vec();
    let probs: Vec<f32> = match label {
        "attributed" => channel(0),
        // The vague cue is the vague source and its verb together: "critics say".
        "vague" => channel(0).iter().zip(channel(1)).map(|(a, b)| a.max(b)).collect(),
        _ => Vec::new(),
    };
    let evidence = evidence_spans(&probs, &scores.token_offsets, unit_text, th.evidence)
        .into_iter()
        .map(|(s, e)| [s + unit_start, e + unit_start])
        .collect();
    Some(ClaimDecision { label, score, evidence })
}

/// Decides one unit. `unit_text` is the unit, `unit_start` its char offset in the document (evidence
/// spans are returned in document offsets); `kept` as in [`Thresholds::filler_for`].
pub fn decide(spec: &ModelSpec, th: &Thresholds, scores: &UnitScores, unit_text: &str, unit_start: usize, kept: Option<f32>) -> Decision {
    let content = decide_content(spec, th, &scores.content, kept);
    let loaded_score = scores.sentence[0];
    let loaded = loaded_score >= th.loaded && !content.as_ref().is_some_and(|c| c.filler);
    let mut techniques = Vec::new();
    if loaded {
        let mut ranked: Vec<(usize, f32)> = scores.sentence[1..].iter().copied().enumerate().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (rank, &(t, score)) in ranked.iter().enumerate() {
            let threshold = th.technique(&spec.techniques()[t]);
            // rank 0 is kept below its threshold too: a loaded unit carries at least one technique.
            if score >= threshold || rank == 0 {
                techniques.push(hit(spec, th, scores, unit_text, unit_start, t, score, threshold));
            }
        }
    }
    let filler = content.as_ref().is_some_and(|c| c.filler);
    let claim = if filler { None } else { decide_claim(th, scores, unit_text, unit_start) };
    Decision { loaded, loaded_score, techniques, content, claim }
}

#[allow(clippy::too_many_arguments)]
fn hit(
    spec: &ModelSpec,
    th: &Thresholds,
    scores: &UnitScores,
    unit_text: &str,
    unit_start: usize,
    t: usize,
    score: f32,
    threshold: f32,
) -> TechniqueHit {
    let channel = if spec.token_supervised[t + 1] { t + 1 } else { 0 };
    let probs: Vec<f32> = scores.tokens.column(channel).to_vec();
    let spans = evidence_spans(&probs, &scores.token_offsets, unit_text, th.evidence);
    TechniqueHit {
        label: spec.techniques()[t].clone(),
        score,
        threshold,
        evidence: spans.into_iter().map(|(s, e)| [s + unit_start, e + unit_start]).collect(),
    }
}

/// Char spans (within the unit) of the tokens at or over `threshold`, merged across whitespace and
/// widened to whole words; the best token's word when none reaches it.
pub fn evidence_spans(probs: &[f32], offsets: &[(usize, usize)], text: &str, threshold: f32) -> Vec<(usize, usize)> {
    if probs.is_empty() {
        return Vec::new();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut picked: Vec<usize> = (0..probs.len()).filter(|&i| probs[i] >= threshold).collect();
    if picked.is_empty() {
        let best = (0..probs.len()).max_by(|&a, &b| probs[a].total_cmp(&probs[b])).unwrap_or(0);
        picked.push(best);
    }
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for i in picked {
        let (mut s, mut e) = offsets[i];
        while s > 0 && chars[s - 1].is_alphanumeric() {
            s -= 1;
        }
        while e < chars.len() && chars[e].is_alphanumeric() {
            e += 1;
        }
        match spans.last_mut() {
            Some(last) if chars[last.1.min(s)..s].iter().all(|c| c.is_whitespace()) && s >= last.1 => last.1 = e,
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => spans.push((s, e)),
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn spec() -> ModelSpec {
        ModelSpec {
            name: "t".into(),
            version: "0".into(),
            schema: crate::SCHEMA.into(),
            base: "b".into(),
            max_len: 16,
            sentence_labels: vec!["loaded".into(), "Loaded_Language".into(), "Doubt".into()],
            token_labels: vec!["any".into(), "Loaded_Language".into(), "Doubt".into()],
            token_supervised: vec![true, true, false],
            context: 0,
            content_labels: vec![],
            content_rnn: 0,
            content_members: 1,
            claim_labels: vec![],
            claim_token_labels: vec![],
            claim_rnn: 0,
            layout_features: 9,
        }
    }

    fn th() -> Thresholds {
        Thresholds {
            loaded: 0.5,
            evidence: 0.5,
            techniques: BTreeMap::from([("Doubt".into(), 0.3)]),
            technique_default: 0.4,
            filler: 0.5,
            filler_html: None,
            filler_html_kept: None,
            claim: None,
        }
    }

    /// Every claim label needs P(claim) (a quoted opinion is `none`); evidence is the source channel for attributed, source and cue together for vague;
    /// filler gets no claim.
    #[test]
    fn claim_table() {
        let mut sp = spec();
        sp.content_labels = ["filler", "related", "promo", "navigation", "boilerplate"].map(String::from).to_vec();
        sp.claim_labels = ["claim", "attributed", "vague"].map(String::from).to_vec();
        sp.claim_token_labels = ["source", "cue"].map(String::from).to_vec();
        let mut sc = scores(vec![0.1, 0.1, 0.1], [[0.1, 0.1, 0.1]; 3]);
        sc.content = vec![0.1, 0.0, 0.0, 0.0, 0.0];
        // tokens They / unleashed / chaos: source on "They", cue on "unleashed".
        sc.claim_tokens = Array2::from_shape_vec((3, 2), vec![0.9, 0.1, 0.1, 0.8, 0.1, 0.1]).unwrap();
        let th = th();
        let mut label = |claim: [f32; 3], filler: f32| {
            sc.claim = claim.to_vec();
            sc.content[0] = filler;
            let d = decide(&sp, &th, &sc, "They unleashed chaos", 100, None);
            d.claim.map(|c| (c.label, c.evidence))
        };
        assert_eq!(label([0.2, 0.9, 0.9], 0.1), Some(("none", vec![])), "a quoted opinion is no claim");
        assert_eq!(label([0.2, 0.2, 0.9], 0.1), Some(("none", vec![])));
        assert_eq!(label([0.8, 0.9, 0.9], 0.1), Some(("attributed", vec![[100, 104]])));
        assert_eq!(label([0.8, 0.2, 0.9], 0.1), Some(("vague", vec![[100, 114]])));
        assert_eq!(label([0.8, 0.2, 0.2], 0.1), Some(("unattributed", vec![])));
        assert_eq!(label([0.8, 0.9, 0.9], 0.9), None, "filler gets no claim");
    }

    // "They unleashed chaos": tokens They / unleashed / chaos.
    fn scores(sentence: Vec<f32>, tok: [[f32; 3]; 3]) -> UnitScores {
        UnitScores {
            sentence,
            token_offsets: vec![(0, 4), (5, 14), (15, 20)],
            tokens: Array2::from_shape_vec((3, 3), tok.concat()).unwrap(),
            content: vec![],
            claim: vec![],
            claim_tokens: Array2::zeros((3, 0)),
        }
    }

    #[test]
    fn content_table() {
        let mut sp = spec();
        sp.content_labels = ["filler", "related", "promo", "navigation", "boilerplate"].map(String::from).to_vec();
        let tok = [[0.9, 0.9, 0.1]; 3];
        // (content probs, filler?, kind, loaded?)
        let table: Vec<(Vec<f32>, bool, Option<&str>, bool)> = vec![
            (vec![0.2, 0.9, 0.1, 0.1, 0.1], false, None, true),
            (vec![0.6, 0.1, 0.7, 0.1, 0.1], true, Some("promo"), false),
            (vec![0.5, 0.1, 0.1, 0.1, 0.3], true, Some("boilerplate"), false),
        ];
        for (content, filler, kind, loaded) in table {
            let mut sc = scores(vec![0.9, 0.9, 0.9], tok);
            sc.content = content.clone();
            let d = decide(&sp, &th(), &sc, "They unleashed chaos", 0, None);
            let c = d.content.expect("content head");
            assert_eq!((c.filler, c.kind.as_deref(), d.loaded), (filler, kind, loaded), "{content:?}");
            assert_eq!(d.techniques.is_empty(), filler, "filler gets no techniques");
        }
        // no content head: no content decision
        assert!(decide(&spec(), &th(), &scores(vec![0.9, 0.9, 0.9], tok), "They unleashed chaos", 0, None).content.is_none());
    }

    #[test]
    fn thresholds_toml_round_trips() {
        let t = th();
        let text = t.to_toml();
        assert!(text.contains("Doubt = 0.3\n"), "{text}");
        assert!(!text.contains("filler_html"), "absent HTML thresholds are not written:\n{text}");
        assert_eq!(toml::from_str::<Thresholds>(&text).unwrap(), t);
        let html = Thresholds { filler_html: Some(0.61), filler_html_kept: Some(0.97), ..th() };
        assert_eq!(toml::from_str::<Thresholds>(&html.to_toml()).unwrap(), html);
    }

    /// Plain text uses `filler`; an HTML unit uses `filler_html_kept` when trafilatura keeps at least
    /// half of its line, else `filler_html`; either falls back to `filler` when absent.
    #[test]
    fn filler_threshold_by_input() {
        let mut sp = spec();
        sp.content_labels = ["filler", "related", "promo", "navigation", "boilerplate"].map(String::from).to_vec();
        let th = Thresholds { filler_html: Some(0.3), filler_html_kept: Some(0.9), ..th() };
        let content = [0.6, 0.1, 0.1, 0.1, 0.1];
        let cases = [(None, true, 0.5), (Some(0.0), true, 0.3), (Some(0.49), true, 0.3), (Some(0.5), false, 0.9), (Some(1.0), false, 0.9)];
        for (kept, filler, threshold) in cases {
            let c = decide_content(&sp, &th, &content, kept).unwrap();
            assert_eq!((c.filler, c.threshold), (filler, threshold), "kept {kept:?}");
        }
        assert_eq!(decide_content(&sp, &self::th(), &content, Some(1.0)).unwrap().threshold, 0.5, "falls back to filler");
    }

    #[test]
    fn decision_table() {
        let text = "They unleashed chaos";
        let tok = [[0.1, 0.1, 0.1], [0.9, 0.8, 0.1], [0.6, 0.3, 0.1]];
        // (sentence probs, expected loaded, expected techniques)
        let table: Vec<(Vec<f32>, bool, Vec<&str>)> = vec![
            (vec![0.2, 0.9, 0.9], false, vec![]),
            (vec![0.7, 0.9, 0.1], true, vec!["Loaded_Language"]),
            (vec![0.7, 0.9, 0.35], true, vec!["Loaded_Language", "Doubt"]),
            // loaded but no technique over threshold: the best one is kept
            (vec![0.7, 0.2, 0.1], true, vec!["Loaded_Language"]),
        ];
        for (sent, loaded, want) in table {
            let d = decide(&spec(), &th(), &scores(sent.clone(), tok), text, 100, None);
            assert_eq!(d.loaded, loaded, "{sent:?}");
            let got: Vec<&str> = d.techniques.iter().map(|h| h.label.as_str()).collect();
            assert_eq!(got, want, "{sent:?}");
        }
    }

    #[test]
    fn evidence_uses_own_channel_or_any() {
        let text = "They unleashed chaos";
        let tok = [[0.1, 0.1, 0.1], [0.9, 0.8, 0.1], [0.6, 0.3, 0.1]];
        let d = decide(&spec(), &th(), &scores(vec![0.7, 0.9, 0.35], tok), text, 100, None);
        // Loaded_Language has its own channel: "unleashed" only.
        assert_eq!(d.techniques[0].evidence, vec![[105, 114]]);
        // Doubt had no span supervision: the `any` channel gives "unleashed chaos".
        assert_eq!(d.techniques[1].evidence, vec![[105, 120]]);
    }

    #[test]
    fn evidence_widens_to_words_and_falls_back_to_best_token() {
        // word pieces "un" "##leashed"
        let offs = [(0, 2), (2, 9)];
        assert_eq!(evidence_spans(&[0.9, 0.2], &offs, "unleashed", 0.5), vec![(0, 9)]);
        assert_eq!(evidence_spans(&[0.1, 0.2], &offs, "unleashed", 0.5), vec![(0, 9)]);
        assert_eq!(evidence_spans(&[], &[], "", 0.5), Vec::<(usize, usize)>::new());
        // two separate runs stay separate
        let offs = [(0, 1), (2, 3), (4, 5)];
        assert_eq!(evidence_spans(&[0.9, 0.1, 0.9], &offs, "a b c", 0.5), vec![(0, 1), (4, 5)]);
    }
}
