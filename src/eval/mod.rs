//! Evaluation on named sets read from the data root (`../shared/data` or `--data`), with the measures
//! the literature uses for each:
//!
//! - `ptc-test` (held out): PTC-2020 test articles, one unit per non-empty line; a line is
//!   propaganda when it overlaps a gold span. Binary P/R/F1 of `loaded` — the NLP4IF-2019 SLC measure.
//! - `ptc-dev`: the same on the 75 PTC dev articles (the tuning set; not held out).
//! - `semeval23-dev` (held out): SemEval-2023 Task 3 subtask 3 English dev (= PTC test articles), 23
//!   techniques per paragraph; a paragraph carries the union of its lines' techniques. Micro and
//!   macro F1 over the 23 labels, per-label scores.
//! - `babe-test` (held out): BABE SG2 sentences of the held-out links; `loaded` vs gold biased;
//!   macro-F1 over the two classes.
//! - `l3s-test` (held out): L3S-GN1 pages of the held-out hosts as scraped text (one block per
//!   line); a line is predicted filler when most of its units' chars are; P/R/F1 of `filler` over
//!   lines (the headline measure, also in `micro`), then per filler kind over lines whose gold and
//!   predicted labels are compared as the kind (article counts as no kind).
//! - `l3s-dev`: the same on every tenth L3S-GN1 train page (the filler tuning set; not held out).
//! - `zyte` (held out): the Zyte/Scrapinghub article-extraction benchmark from HTML: the article
//!   units of each page, joined, against the gold body with the benchmark's own shingle measure;
//!   next to trafilatura (Rust port) and keeping every line, run on the same pages.
//! - `dragnet-dev`: the same measure on the 414 Dragnet test pages (not read by training): the
//!   dev set for what `zyte` measures.
//! - `claims-dev`, `polnear-dev`, `polnear-test` (held out), `checkthat-dev`, `checkthat-devtest`
//!   (held out): the claim family, see [`claims`].

pub mod claims;
pub mod tune;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::data::{load_babe, load_ptc, load_semeval, Article, PtcSplit};
use crate::error::{Error, Result};
use crate::data::web::{
    l3s_dev_split, load_authored_split, load_dragnet_test, load_l3s, load_zyte, trafilatura_text, zyte_match, zyte_summary, Content, ShingleMatch, WebPage,
    ZytePage,
};
use crate::decide::{decide_content, ContentDecision, Thresholds};
use crate::text::layout::trafilatura_kept;
use crate::model::UnitInput;
use crate::text::{html, segment};
use crate::pipeline::Classifier;

/// The named evaluation sets.
pub const SETS: &[&str] = &[
    "ptc-test",
    "ptc-dev",
    "semeval23-dev",
    "babe-test",
    "l3s-test",
    "l3s-dev",
    "zyte",
    "dragnet-dev",
    "authored-dev",
    "claims-dev",
    "polnear-dev",
    "polnear-test",
    "checkthat-dev",
    "checkthat-devtest",
];

/// True/false positive counts for one label.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// True positives.
    pub tp: usize,
    /// False positives.
    pub fp: usize,
    /// False negatives.
    pub fn_: usize,
}

impl Counts {
    /// Adds one prediction/gold pair.
    pub fn add(&mut self, predicted: bool, gold: bool) {
        match (predicted, gold) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            (false, false) => {}
        }
    }
    /// Precision (0 when nothing predicted).
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// Recall (0 when no gold).
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    /// F1 (0 when precision + recall is 0).
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Scores for one label.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LabelScore {
    /// Label name (or `micro`).
    pub label: String,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
    /// Gold positives.
    pub support: usize,
    /// Predicted positives.
    pub predicted: usize,
}

impl LabelScore {
    fn new(label: &str, c: &Counts) -> Self {
        LabelScore {
            label: label.to_string(),
            precision: c.precision(),
            recall: c.recall(),
            f1: c.f1(),
            support: c.tp + c.fn_,
            predicted: c.tp + c.fp,
        }
    }
}

/// The result of evaluating one set.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EvalReport {
    /// Set name.
    pub set: String,
    /// Model id.
    pub model: String,
    /// What is measured and how.
    pub measure: String,
    /// Evaluated units (lines, paragraphs or sentences).
    pub units: usize,
    /// Per-label scores.
    pub labels: Vec<LabelScore>,
    /// Micro-averaged scores over `labels`.
    pub micro: LabelScore,
    /// Macro-averaged F1 over `labels`.
    pub macro_f1: f64,
}

impl EvalReport {
    fn new(set: &str, model: &str, measure: &str, units: usize, counts: &[(String, Counts)]) -> Self {
        let mut total = Counts::default();
        for (_, c) in counts {
            total.tp += c.tp;
            total.fp += c.fp;
            total.fn_ += c.fn_;
        }
        let labels: Vec<LabelScore> = counts.iter().map(|(l, c)| LabelScore::new(l, c)).collect();
        let macro_f1 = labels.iter().map(|l| l.f1).sum::<f64>() / labels.len().max(1) as f64;
        EvalReport {
            set: set.into(),
            model: model.into(),
            measure: measure.into(),
            units,
            micro: LabelScore::new("micro", &total),
            labels,
            macro_f1,
        }
    }

    /// Writes the report as an aligned text table.
    pub fn write_table(&self, w: &mut impl Write) -> std::io::Result<()> {
        writeln!(w, "{} — {} ({} units)\n{}", self.set, self.model, self.units, self.measure)?;
        writeln!(w, "{:<36} {:>9} {:>9} {:>9} {:>8} {:>9}", "label", "precision", "recall", "f1", "support", "predicted")?;
        for l in self.labels.iter().chain(std::iter::once(&self.micro)) {
            writeln!(
                w,
                "{:<36} {:>9.4} {:>9.4} {:>9.4} {:>8} {:>9}",
                l.label, l.precision, l.recall, l.f1, l.support, l.predicted
            )?;
        }
        writeln!(w, "{:<36} {:>29.4}", "macro-F1", self.macro_f1)
    }
}

/// The non-empty lines of articles as (article index, line index).
pub fn article_lines(articles: &[Article]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (a, art) in articles.iter().enumerate() {
        for (i, l) in art.lines.iter().enumerate() {
            if !l.text.trim().is_empty() {
                out.push((a, i));
            }
        }
    }
    out
}

/// The units of [`article_lines`], each with its neighbouring lines in the same article as context.
pub fn line_inputs<'a>(articles: &'a [Article], lines: &[(usize, usize)]) -> Vec<UnitInput<'a>> {
    let mut out = Vec::with_capacity(lines.len());
    for run in lines.chunk_by(|x, y| x.0 == y.0) {
        let texts: Vec<&str> = run.iter().map(|&(a, i)| articles[a].lines[i].text.trim()).collect();
        out.extend(UnitInput::in_document(&texts));
    }
    out
}

/// Evaluates `set` (one of [`SETS`]) with `clf`, reading data under `root`.
pub fn evaluate(set: &str, root: &Path, clf: &Classifier) -> Result<EvalReport> {
    let model = clf.dir.spec.id();
    match set {
        "ptc-test" | "ptc-dev" => {
            let split = if set == "ptc-test" { PtcSplit::Test } else { PtcSplit::Dev };
            let articles = load_ptc(root, split)?;
            let lines = article_lines(&articles);
            let inputs = line_inputs(&articles, &lines);
            let scores = clf.score(&inputs)?;
            let mut c = Counts::default();
            for ((&(a, i), s), u) in lines.iter().zip(&scores).zip(&inputs) {
                // The unit's decision, as classify makes it: a unit taken for filler is never loaded.
                c.add(clf.decide(s, u.text, 0, None).loaded, articles[a].line_is_propaganda(i));
            }
            let measure = "sentence-level propaganda (NLP4IF-2019 SLC): a line is propaganda if it overlaps a gold span; binary P/R/F1 of `loaded`";
            Ok(EvalReport::new(set, &model, measure, lines.len(), &[("propaganda".into(), c)]))
        }
        "semeval23-dev" => {
            let articles = load_ptc(root, PtcSplit::Test)?;
            let (paras, _) = load_semeval(root, "dev", &articles)?;
            let by_id: BTreeMap<&str, usize> = articles.iter().enumerate().map(|(k, a)| (a.id.as_str(), k)).collect();
            // Every line in its article's context; a paragraph's units are its lines.
            let lines = article_lines(&articles);
            let inputs = line_inputs(&articles, &lines);
            let at: BTreeMap<(usize, usize), usize> = lines.iter().enumerate().map(|(k, &l)| (l, k)).collect();
            let mut units: Vec<(usize, UnitInput, usize)> = Vec::new(); // (paragraph, unit, start)
            for (p, para) in paras.iter().enumerate() {
                let a = by_id[para.article.as_str()];
                for &i in &para.lines {
                    let input = at.get(&(a, i)).map_or_else(|| UnitInput::alone(articles[a].lines[i].text.trim()), |&k| inputs[k]);
                    units.push((p, input, articles[a].lines[i].start));
                }
            }
            let scores = clf.score(&units.iter().map(|u| u.1).collect::<Vec<_>>())?;
            let mut predicted: Vec<Vec<String>> = vec![Vec::new(); paras.len()];
            for (u, s) in units.iter().zip(&scores) {
                for h in clf.decide(s, u.1.text, u.2, None).techniques {
                    predicted[u.0].push(h.label);
                }
            }
            let names = clf.dir.spec.techniques();
            let mut counts: Vec<(String, Counts)> = names.iter().map(|n| (n.clone(), Counts::default())).collect();
            for (para, pred) in paras.iter().zip(&predicted) {
                for (name, c) in counts.iter_mut() {
                    c.add(pred.contains(name), para.labels.contains(name));
                }
            }
            let measure = "SemEval-2023 Task 3 subtask 3 (EN dev): 23 techniques per paragraph, micro/macro F1";
            Ok(EvalReport::new(set, &model, measure, paras.len(), &counts))
        }
        "babe-test" => {
            let (_, test) = load_babe(root)?;
            // BABE sentences come without their articles.
            let inputs: Vec<UnitInput> = test.iter().map(|s| UnitInput::alone(&s.text)).collect();
            let scores = clf.score(&inputs)?;
            let (mut biased, mut neutral) = (Counts::default(), Counts::default());
            for (s, sc) in test.iter().zip(&scores) {
                let pred = clf.decide(sc, &s.text, 0, None).loaded;
                biased.add(pred, s.biased);
                neutral.add(!pred, !s.biased);
            }
            let measure = "BABE SG2 held-out links: `loaded` vs expert `Biased`; macro-F1 over biased / non-biased";
            Ok(EvalReport::new(set, &model, measure, test.len(), &[("biased".into(), biased), ("non-biased".into(), neutral)]))
        }
        "l3s-test" | "l3s-dev" => {
            require_content(clf)?;
            let (train, test) = load_l3s(root)?;
            let test = if set == "l3s-dev" { l3s_dev_split(train).1 } else { test };
            let kinds = clf.dir.spec.filler_kinds().to_vec();
            let scored = score_pages(clf, &test)?;
            let (filler, per_kind, n_lines) = l3s_counts(clf, &clf.thresholds, &scored);
            let mut counts = vec![("filler".to_string(), filler)];
            counts.extend(kinds.iter().cloned().zip(per_kind));
            let measure = if set == "l3s-dev" {
                "L3S-GN1 dev (every tenth train page, the filler tuning set), line level: P/R/F1 of `filler` (= micro row), then per filler kind"
            } else {
                "L3S-GN1 held-out hosts, line level: P/R/F1 of `filler` (= micro row), then per filler kind"
            };
            let mut r = EvalReport::new(set, &model, measure, n_lines, &counts);
            r.micro = LabelScore::new("filler (headline)", &filler);
            Ok(r)
        }
        "zyte" => {
            let measure = "Zyte article-extraction benchmark from HTML: 4-word shingle P/R/F1 of the article text against the gold body, \
                           mean P and R over pages, F1 of the means (the benchmark's evaluate.py); baselines on the same pages";
            extraction_report(set, clf, &load_zyte(root)?, measure)
        }
        "dragnet-dev" => {
            let measure = "Dragnet test pages (the extraction dev set; Zyte is held out) from HTML, the Zyte benchmark's measure: \
                           4-word shingle P/R/F1 of the article text against the gold main text, mean P and R over pages, F1 of the means; \
                           baselines on the same pages";
            extraction_report(set, clf, &load_dragnet_test(root)?, measure)
        }
        "authored-dev" => {
            require_content(clf)?;
            let dir = Path::new(AUTHORED_PAGES);
            if !dir.is_dir() {
                return Err(Error::Usage(format!("{AUTHORED_PAGES} not found: run `framemark eval authored-dev` from the project root")));
            }
            let (_, dev) = load_authored_split(dir)?;
            let scored = score_pages(clf, &dev)?;
            let a = authored_counts(clf, &clf.thresholds, &scored);
            let mut counts = vec![("filler".to_string(), a.filler)];
            counts.extend(clf.dir.spec.filler_kinds().iter().cloned().zip(a.per_kind));
            let measure = "framemark-authored dev pages (every fifth page of labels/authored/pages-*.jsonl; never trained on), plain text, \
                           unit level: P/R/F1 of `filler` (= micro row), then per filler kind; last row: pages with every unit right \
                           (f1 = their share, predicted = their number, support = pages)";
            let mut r = EvalReport::new(set, &clf.dir.spec.id(), measure, a.units, &counts);
            r.micro = LabelScore::new("filler (headline)", &a.filler);
            let share = ratio(a.pages_right, dev.len());
            r.labels.push(LabelScore {
                label: "pages entirely right".into(),
                precision: share,
                recall: share,
                f1: share,
                support: dev.len(),
                predicted: a.pages_right,
            });
            Ok(r)
        }
        "claims-dev" => claims::eval_claims_dev(root, clf),
        "polnear-dev" | "polnear-test" => claims::eval_polnear(set, root, clf),
        "checkthat-dev" | "checkthat-devtest" => claims::eval_checkthat(set, root, clf),
        other => Err(Error::Usage(format!("unknown eval set {other:?}; known: {}", SETS.join(", ")))),
    }
}

/// The units of one web page as the content layer scored them: content-head probabilities and,
/// from HTML, the share of each unit's line trafilatura keeps.
pub(crate) struct ScoredUnits {
    pub units: Vec<crate::text::Unit>,
    pub content: Vec<Vec<f32>>,
    pub kept: Vec<Option<f32>>,
}

impl ScoredUnits {
    /// Scores the units of one page (`dom`: its markup features, `None` for plain text).
    fn new(clf: &Classifier, units: Vec<crate::text::Unit>, dom: Option<&[crate::text::layout::Dom]>) -> Result<Self> {
        let texts: Vec<&str> = units.iter().map(|u| u.text.as_str()).collect();
        let inputs = UnitInput::in_page(&texts, dom);
        let kept = inputs.iter().map(|u| trafilatura_kept(&u.layout)).collect();
        let content = clf.score(&inputs)?.into_iter().map(|s| s.content).collect();
        Ok(ScoredUnits { units, content, kept })
    }

    /// Whether each unit is filler under `th`.
    fn filler(&self, clf: &Classifier, th: &Thresholds) -> Vec<Option<ContentDecision>> {
        self.content.iter().zip(&self.kept).map(|(c, &k)| decide_content(&clf.dir.spec, th, c, k).filter(|c| c.filler)).collect()
    }
}

/// L3S-GN1 pages from HTML (the layer reads their markup as it does for `--input html`), scored.
pub(crate) fn score_pages<'a>(clf: &Classifier, pages: &'a [WebPage]) -> Result<Vec<(&'a WebPage, ScoredUnits)>> {
    pages
        .iter()
        .map(|page| {
            let units = segment(&page.text);
            let dom = page.unit_dom(&units);
            Ok((page, ScoredUnits::new(clf, units, dom.as_deref())?))
        })
        .collect()
}

/// Line-level counts on scored L3S-GN1 pages under `th`: `filler`, per filler kind, and the number
/// of lines. A line is filler when most of its units' characters are.
pub(crate) fn l3s_counts(clf: &Classifier, th: &Thresholds, scored: &[(&WebPage, ScoredUnits)]) -> (Counts, Vec<Counts>, usize) {
    let kinds = clf.dir.spec.filler_kinds();
    let mut filler = Counts::default();
    let mut per_kind: Vec<Counts> = vec![Counts::default(); kinds.len()];
    let mut n_lines = 0;
    for (page, scored) in scored {
        // chars of each line's units: (filler chars, total chars, kind votes by chars)
        let mut lines: Vec<(usize, usize, Vec<usize>)> = vec![(0, 0, vec![0; kinds.len()]); page.lines.len()];
        for (u, c) in scored.units.iter().zip(scored.filler(clf, th)) {
            let Some(l) = page.lines.iter().position(|l| l.start <= u.start && u.start < l.end) else { continue };
            let len = u.end - u.start;
            lines[l].1 += len;
            if let Some(c) = c {
                lines[l].0 += len;
                if let Some(k) = c.kind.and_then(|k| kinds.iter().position(|x| *x == k)) {
                    lines[l].2[k] += len;
                }
            }
        }
        for (line, (f, total, votes)) in page.lines.iter().zip(lines) {
            n_lines += 1;
            // A line without units (only bullets or punctuation) is page furniture.
            let predicted = total == 0 || 2 * f >= total;
            let gold = matches!(line.content, Content::Filler(_));
            filler.add(predicted, gold);
            let pred_kind = (predicted && f > 0).then(|| (0..kinds.len()).max_by_key(|&k| votes[k])).flatten();
            let gold_kind = match line.content {
                Content::Filler(Some(k)) => kinds.iter().position(|x| x == k.name()),
                _ => None,
            };
            for (k, c) in per_kind.iter_mut().enumerate() {
                c.add(pred_kind == Some(k), gold_kind == Some(k));
            }
        }
    }
    (filler, per_kind, n_lines)
}

/// Where `train --from` and `eval authored-dev` find the authored pages (relative to the project root).
pub const AUTHORED_PAGES: &str = "labels/authored";

/// Unit-level counts on scored authored pages (every unit lies in one labelled line).
pub(crate) struct AuthoredCounts {
    pub filler: Counts,
    pub per_kind: Vec<Counts>,
    /// Pages whose every unit has the right filler/article decision.
    pub pages_right: usize,
    pub units: usize,
}

/// Counts of `authored-dev` under `th`. Whole pages matter as much as units here: a layer can lose
/// every closing furniture line of a short page and still score well on units.
pub(crate) fn authored_counts(clf: &Classifier, th: &Thresholds, scored: &[(&WebPage, ScoredUnits)]) -> AuthoredCounts {
    let kinds = clf.dir.spec.filler_kinds();
    let mut a = AuthoredCounts { filler: Counts::default(), per_kind: vec![Counts::default(); kinds.len()], pages_right: 0, units: 0 };
    for (page, scored) in scored {
        let mut right = true;
        for (u, c) in scored.units.iter().zip(scored.filler(clf, th)) {
            let Some(line) = page.lines.iter().find(|l| l.start <= u.start && u.start < l.end) else { continue };
            let gold = matches!(line.content, Content::Filler(_));
            a.units += 1;
            a.filler.add(c.is_some(), gold);
            right &= c.is_some() == gold;
            let gold_kind = match line.content {
                Content::Filler(Some(k)) => kinds.iter().position(|x| x == k.name()),
                _ => None,
            };
            let pred_kind = c.as_ref().and_then(|c| c.kind.as_ref()).and_then(|k| kinds.iter().position(|x| x == k));
            for (k, counts) in a.per_kind.iter_mut().enumerate() {
                counts.add(pred_kind == Some(k), gold_kind == Some(k));
            }
        }
        a.pages_right += usize::from(right);
    }
    a
}

/// Pages of an extraction set from HTML, scored, with the text of all their lines.
pub(crate) fn score_extraction(clf: &Classifier, pages: &[ZytePage]) -> Result<Vec<(String, ScoredUnits)>> {
    pages
        .iter()
        .map(|page| {
            let doc = crate::text::Document::from_html(&page.id, html::extract(&page.html));
            let units = segment(&doc.text);
            let dom = doc.unit_dom(&units);
            Ok((doc.text.clone(), ScoredUnits::new(clf, units, dom.as_deref())?))
        })
        .collect()
}

/// The benchmark's match of each page's article units under `th` against its gold body.
pub(crate) fn extraction_matches(clf: &Classifier, th: &Thresholds, pages: &[ZytePage], scored: &[(String, ScoredUnits)]) -> Vec<ShingleMatch> {
    pages
        .iter()
        .zip(scored)
        .map(|(page, (_, s))| {
            let article: Vec<&str> =
                s.units.iter().zip(s.filler(clf, th)).filter(|(_, c)| c.is_none()).map(|(u, _)| u.text.as_str()).collect();
            zyte_match(&article.join("\n"), &page.gold)
        })
        .collect()
}

/// The article units of each page's HTML, joined, against its gold body with the Zyte benchmark's
/// shingle measure; next to trafilatura (Rust port) and keeping every line, on the same pages.
fn extraction_report(set: &str, clf: &Classifier, pages: &[ZytePage], measure: &str) -> Result<EvalReport> {
    require_content(clf)?;
    let scored = score_extraction(clf, pages)?;
    let ours = extraction_matches(clf, &clf.thresholds, pages, &scored);
    let traf: Vec<ShingleMatch> = pages.iter().map(|p| zyte_match(&trafilatura_text(&p.html), &p.gold)).collect();
    let all: Vec<ShingleMatch> = pages.iter().zip(&scored).map(|(p, (text, _))| zyte_match(text, &p.gold)).collect();
    let row = |label: &str, m: &[ShingleMatch]| {
        let z = zyte_summary(m);
        LabelScore { label: label.into(), precision: z.precision, recall: z.recall, f1: z.f1, support: z.pages, predicted: z.pages }
    };
    let labels = vec![row("framemark", &ours), row("trafilatura (baseline)", &traf), row("every line (baseline)", &all)];
    Ok(EvalReport {
        set: set.into(),
        model: clf.dir.spec.id(),
        measure: measure.into(),
        units: pages.len(),
        micro: labels[0].clone(),
        macro_f1: labels[0].f1,
        labels,
    })
}

fn require_content(clf: &Classifier) -> Result<()> {
    if clf.dir.spec.content_labels.is_empty() {
        return Err(Error::Usage(format!("model {} has no content (filler) head", clf.dir.spec.id())));
    }
    Ok(())
}

/// The threshold in `candidates` that maximises F1 of `score >= t` against `gold` (ties: lower t).
pub fn best_threshold(scores: &[f32], gold: &[bool]) -> (f32, f64) {
    let mut best = (0.5, -1.0);
    for k in 1..100 {
        let t = k as f32 / 100.0;
        let mut c = Counts::default();
        for (&s, &g) in scores.iter().zip(gold) {
            c.add(s >= t, g);
        }
        if c.f1() > best.1 {
            best = (t, c.f1());
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_table() {
        // (pred, gold) pairs → (p, r, f1)
        let mut c = Counts::default();
        for (p, g) in [(true, true), (true, false), (false, true), (false, false), (true, true)] {
            c.add(p, g);
        }
        assert_eq!((c.tp, c.fp, c.fn_), (2, 1, 1));
        assert!((c.precision() - 2.0 / 3.0).abs() < 1e-9);
        assert!((c.f1() - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(Counts::default().f1(), 0.0);
    }

    #[test]
    fn best_threshold_separates() {
        let (t, f) = best_threshold(&[0.1, 0.2, 0.7, 0.9], &[false, false, true, true]);
        assert!(t > 0.2 && t <= 0.7, "{t}");
        assert_eq!(f, 1.0);
    }
}
