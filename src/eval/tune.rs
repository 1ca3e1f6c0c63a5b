//! Tunes the HTML filler thresholds (`filler_html`, `filler_html_kept` in `thresholds.toml`) on the
//! HTML dev sets: L3S-GN1 dev (line-level filler F1, as `eval l3s-dev`) and Dragnet dev (the Zyte
//! benchmark's extraction F1, as `eval dragnet-dev`). Held-out sets are never read.
//!
//! Why two thresholds: the content layer reads trafilatura's kept share as one feature among many,
//! and trusts it as much as its training pages taught it to; how far the layer may overrule
//! trafilatura on a page it has never seen is a decision, so it is set on dev like every other
//! threshold. Plain-text input keeps `filler`.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use super::{extraction_matches, l3s_counts, score_extraction, score_pages};
use crate::data::web::{l3s_dev_split, load_dragnet_test, load_l3s, zyte_summary, ShingleMatch};
use crate::decide::{Thresholds, KEPT};
use crate::error::{Error, Result};
use crate::pipeline::Classifier;

/// Dev scores under one pair of HTML thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HtmlDevScores {
    /// `filler_html` (units of lines trafilatura leaves out).
    pub filler_html: f32,
    /// `filler_html_kept` (units of lines trafilatura keeps).
    pub filler_html_kept: f32,
    /// L3S-GN1 dev line-level filler F1.
    pub l3s_dev: f64,
    /// Dragnet dev extraction F1.
    pub dragnet_dev: f64,
    /// Their mean: the objective.
    pub mean: f64,
}

/// What tuning found: the scores under the model's current thresholds and under the best pair.
#[derive(Debug, Clone, Serialize)]
pub struct HtmlTuning {
    pub model: String,
    pub l3s_dev_pages: usize,
    pub dragnet_dev_pages: usize,
    pub before: HtmlDevScores,
    pub best: HtmlDevScores,
}

/// Searches `filler_html` × `filler_html_kept` (a 0.05 grid, then 0.01 steps around its best) for
/// the best mean of the two dev F1s; ties go to the lower thresholds. `limit` keeps the first pages
/// of each set only (smoke runs).
pub fn tune_html_filler(root: &Path, clf: &Classifier, limit: Option<usize>) -> Result<HtmlTuning> {
    if clf.dir.spec.content_labels.is_empty() {
        return Err(Error::Usage(format!("model {} has no content (filler) head", clf.dir.spec.id())));
    }
    let mut l3s = l3s_dev_split(load_l3s(root)?.0).1;
    let mut dragnet = load_dragnet_test(root)?;
    if let Some(n) = limit {
        l3s.truncate(n);
        dragnet.truncate(n);
    }
    let l3s_scored = score_pages(clf, &l3s)?;
    let dragnet_scored = score_extraction(clf, &dragnet)?;
    // A page's match depends only on which of its units are filler: many threshold pairs give the
    // same decisions, so each page's match is computed once per distinct decision vector.
    let mut memo: HashMap<(usize, Vec<bool>), ShingleMatch> = HashMap::new();
    let mut evaluate = |th: &Thresholds| -> HtmlDevScores {
        let l3s_f1 = l3s_counts(clf, th, &l3s_scored).0.f1();
        let matches: Vec<ShingleMatch> = dragnet_scored
            .iter()
            .enumerate()
            .map(|(i, (_, s))| {
                let key: Vec<bool> = s.filler(clf, th).iter().map(Option::is_some).collect();
                *memo.entry((i, key)).or_insert_with(|| extraction_matches(clf, th, &dragnet[i..=i], &dragnet_scored[i..=i])[0])
            })
            .collect();
        let dragnet_f1 = zyte_summary(&matches).f1;
        HtmlDevScores {
            filler_html: th.filler_for(Some(0.0)),
            filler_html_kept: th.filler_for(Some(KEPT)),
            l3s_dev: l3s_f1,
            dragnet_dev: dragnet_f1,
            mean: (l3s_f1 + dragnet_f1) / 2.0,
        }
    };
    let before = evaluate(&clf.thresholds);
    let with = |a: f32, b: f32| Thresholds { filler_html: Some(a), filler_html_kept: Some(b), ..clf.thresholds.clone() };
    let mut best = before;
    let mut search = |grid: &[f32], kept_grid: &[f32], best: &mut HtmlDevScores| {
        for &a in grid {
            for &b in kept_grid {
                let s = evaluate(&with(a, b));
                if s.mean > best.mean {
                    *best = s;
                }
            }
        }
    };
    let coarse: Vec<f32> = (1..20).map(|k| k as f32 * 0.05).collect();
    search(&coarse, &coarse, &mut best);
    let around = |t: f32| -> Vec<f32> {
        (-4..=4).map(|d| ((t * 100.0).round() + d as f32) / 100.0).filter(|x| (0.01..=0.99).contains(x)).collect()
    };
    let (a, b) = (around(best.filler_html), around(best.filler_html_kept));
    search(&a, &b, &mut best);
    Ok(HtmlTuning { model: clf.dir.spec.id(), l3s_dev_pages: l3s.len(), dragnet_dev_pages: dragnet.len(), before, best })
}

impl HtmlTuning {
    /// The comment line `thresholds.toml` carries about the two thresholds (no newline).
    pub fn note(&self) -> String {
        format!(
            "# filler_html {:.2}, filler_html_kept {:.2} (HTML input; units of lines trafilatura leaves out / keeps): best mean ({:.4}) of L3S-GN1 dev line F1 ({:.4}) and Dragnet dev extraction F1 ({:.4}), {} and {} pages, by `framemark tune-filler` (with filler {:.2} for both: {:.4}, {:.4})",
            self.best.filler_html,
            self.best.filler_html_kept,
            self.best.mean,
            self.best.l3s_dev,
            self.best.dragnet_dev,
            self.l3s_dev_pages,
            self.dragnet_dev_pages,
            self.before.filler_html,
            self.before.l3s_dev,
            self.before.dragnet_dev,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::LabelSet;
    use crate::model::BackendKind;

    /// The scores tuning reports for its best pair (computed through its per-page memo) are what
    /// the evaluation gives with those thresholds set, and they are no worse than the model's own.
    #[test]
    fn tuned_scores_are_what_eval_gives() {
        let root = crate::data::default_root();
        if !root.join("l3s-gn1").is_dir() || !root.join("cleaneval-dragnet-merged").is_dir() {
            eprintln!("skipping: {} has no l3s-gn1 or cleaneval-dragnet-merged (../shared/data is absent)", root.display());
            return;
        }
        let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/framemark-minilm");
        let mut clf = Classifier::load(&model, BackendKind::Candle, &LabelSet::embedded()).unwrap();
        let t = tune_html_filler(&root, &clf, Some(3)).unwrap();
        assert!(t.best.mean >= t.before.mean, "{t:?}");
        assert!((0.01..=0.99).contains(&t.best.filler_html) && (0.01..=0.99).contains(&t.best.filler_html_kept), "{t:?}");
        clf.thresholds.filler_html = Some(t.best.filler_html);
        clf.thresholds.filler_html_kept = Some(t.best.filler_html_kept);
        let l3s: Vec<_> = l3s_dev_split(load_l3s(&root).unwrap().0).1.into_iter().take(3).collect();
        let dragnet: Vec<_> = load_dragnet_test(&root).unwrap().into_iter().take(3).collect();
        let l3s_f1 = l3s_counts(&clf, &clf.thresholds, &score_pages(&clf, &l3s).unwrap()).0.f1();
        let scored = score_extraction(&clf, &dragnet).unwrap();
        let dragnet_f1 = zyte_summary(&extraction_matches(&clf, &clf.thresholds, &dragnet, &scored)).f1;
        assert_eq!((l3s_f1, dragnet_f1), (t.best.l3s_dev, t.best.dragnet_dev));
    }
}
