//! Training (feature `torch`): multi-task fine-tuning of the encoder and heads with masked losses,
//! a fixed seed, per-epoch checkpoints, a log, checkpoint selection and thresholds on dev data only.
//!
//! Data (LABELING-GUIDE.md, family 3), all read from the data root:
//! - PTC-2020 train lines. `loaded` = the line overlaps a gold span (the SLC rule). Token targets:
//!   the `any` channel from every span; technique channels from spans whose PTC class maps to one
//!   2023 technique (labels/techniques.toml `ptc`). The merged PTC classes (`ptc_ambiguous`) are
//!   resolved by the paragraph's 2023 labels when exactly one candidate is there, else masked.
//! - SemEval-2023 train paragraph labels of the same (PTC train) articles give the 23 sentence
//!   targets: a technique absent from the paragraph is negative for its lines; a present one is
//!   positive for a one-line paragraph or for a line whose PTC span maps to it, else unknown (masked).
//!   SemEval-2023 train also holds the PTC dev articles: they are left out, since PTC dev is the
//!   tuning set. The SemEval-2023 dev (= PTC test) articles are never read here.
//! - BABE SG2 minus its held-out links (optional): `loaded` only (biased / not).
//! - framemark-authored sentences (`labels/authored/techniques.jsonl`, optional): written for the
//!   project to cover techniques the corpora barely have (Guilt_by_Association above all), with
//!   hard negatives; all 23 sentence targets and the evidence spans of each listed technique.
//!
//! Dev (tuning, checkpoint choice): PTC dev lines (SLC) and their SemEval-2023 paragraph labels.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use ndarray::{Array2, Array3};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::data::web::{
    l3s_dev_split, load_authored_split, load_cleaneval_dragnet, load_dragnet_test, load_l3s, zyte_match, zyte_summary, Content, FillerKind, WebPage,
};
use crate::data::{load_babe, load_ptc, load_semeval, Article, PtcSplit};
use crate::decide::{ClaimThresholds, Thresholds};
use crate::error::{Error, Result};
use crate::eval::{article_lines, best_threshold, Counts};
use crate::labels::LabelSet;
use crate::model::torch::{DocHeadKind, Targets, TorchModel, Trainer};
use crate::model::{score, Backend, Batch, Encoded, ModelSpec, Tokenizer, UnitInput, UnitScores};
use crate::text::layout::{layout_features, with_dom, Dom, DOM_FEATURES, LAYOUT_FEATURES};
use crate::text::{html, segment};

/// Everything a training run needs; `framemark train --help` documents each.
#[derive(Debug, Clone)]
pub struct TrainConfig {
    /// Data root (`../shared/data`).
    pub data: PathBuf,
    /// Base model directory: `config.json`, `model.safetensors`, `tokenizer.json`.
    pub base: PathBuf,
    /// What the base is, for framemark.json and the model card.
    pub base_name: String,
    /// Warm start: the encoder and every head of the same name and shape start from this framemark
    /// model instead of `base` (whose config and tokenizer it must share).
    pub init: Option<PathBuf>,
    /// With `init`: weight of the loss that keeps framing outputs close to the `init` model's.
    pub distill: f64,
    /// Run directory: `train.log`, `checkpoints/`, and the finished model in `model/`.
    pub out: PathBuf,
    /// Model name written into framemark.json.
    pub name: String,
    /// Model version written into framemark.json.
    pub version: String,
    /// Passes over the training data.
    pub epochs: usize,
    /// Units per step.
    pub batch_size: usize,
    /// Peak learning rate (linear warm-up over 6% of steps, then linear decay).
    pub lr: f64,
    /// Weight of the token (evidence) loss.
    pub token_weight: f64,
    /// Seed for head initialisation, dropout and shuffling.
    pub seed: u64,
    /// Longest unit in tokens.
    pub max_len: usize,
    /// Tokens of each neighbouring unit the model reads as context (0: units alone).
    pub context: usize,
    /// Units of web pages (L3S-GN1 train and CleanEval/Dragnet) to train the content head on;
    /// 0 trains no content head.
    pub content_units: usize,
    /// Use only the first N training and dev examples (smoke runs).
    pub limit: Option<usize>,
    /// Add BABE train sentences as `loaded` examples.
    pub babe: bool,
    /// Add multi-line SemEval-2023 train paragraphs as whole units.
    pub paragraphs: bool,
    /// framemark-authored sentences to add, and how many times each is repeated.
    pub authored: Option<(PathBuf, usize)>,
    /// Directory of framemark-authored pages (`pages-*.jsonl`) for the content layer, and how many
    /// times each training page is repeated.
    pub authored_pages: Option<(PathBuf, usize)>,
    /// framemark-authored claim documents (`claims-*.jsonl`) for the claim layer (`--claims --from`),
    /// and how many times each is repeated.
    pub authored_claims: Option<(PathBuf, usize)>,
    /// Hidden size per direction of the content layer's GRU (`train --from` only); 0: no GRU.
    pub content_rnn: usize,
    /// Content layers trained from seeds `seed`, `seed + 1`, ... and averaged (`train --from`).
    pub content_members: usize,
    /// Content layers trained (from seeds `seed`, `seed + 1`, ...) before the `content_members`
    /// best on dev are kept; at least `content_members`.
    pub content_candidates: usize,
    /// The document layers' (content, claim) learning rate falls along a half cosine from `lr` to
    /// 0 over the training instead of staying at `lr`.
    pub layer_lr_decay: bool,
    /// Each repeat of an authored page after the first is a variant of it in which every unit is
    /// left out with this probability (`train --from`; 0: exact copies, as up to 0.3.2).
    pub augment_pages: f64,
    /// PTC train articles also appear inside the page furniture of an authored training page, and
    /// the furniture that PTC's own scrapes kept ("Subscribe Today!", "Article posted with
    /// permission from ...") is left out of the loss (`train --from`; off up to 0.3.2).
    pub furnish_ptc: bool,
    /// The content layers of this run are those `seed + offset`, `seed + offset + 1`, ... of a run
    /// with `offset` more layers (same data, same initial weights), so one long ensemble run can be
    /// split over parallel processes (`train --from`; 0 as up to 0.3.2).
    pub content_seed_offset: usize,
    /// Content layers taken from these finished runs' models (all trained `--from` the same model)
    /// instead of trained, in order: the processes of a split run joined into one ensemble, whose dev
    /// selection and thresholds then follow as for a trained one (`train --from`).
    pub content_layers_from: Vec<PathBuf>,
    /// Hidden size per direction of the claim layer's GRU (`train --claims`); 0: no GRU.
    pub claim_rnn: usize,
    /// CheckThat! train sentences for the claim layer (`train --claims`).
    pub claim_sentences: usize,
    /// Joint training (no `--from`): also train the claim heads (unit-level, no GRU) and the encoder
    /// on PolNeAR train units and CheckThat! train sentences.
    pub claims: bool,
    /// libtorch intra-op threads.
    pub threads: i32,
}

/// One training unit with its (masked) targets.
#[derive(Debug, Clone)]
struct Example {
    text: String,
    /// The units before and after it in its document, when it has one.
    before: Option<String>,
    after: Option<String>,
    /// Its layout features in its document.
    layout: [f32; LAYOUT_FEATURES],
    /// Content-head targets (`filler`, then the kinds) and where they are known; empty for units
    /// that are not from web pages (article text: `filler` 0, kinds unknown).
    content: Vec<f32>,
    content_mask: Vec<f32>,
    sentence: Vec<f32>,
    sentence_mask: Vec<f32>,
    /// (start, end, token channel) char spans within `text`.
    spans: Vec<(usize, usize, usize)>,
    /// Per token channel: whether token targets are known for this unit.
    channel_mask: Vec<f32>,
    /// Claim-layer targets (joint `train --claims`); unknown for framing and web units.
    claim: ClaimTarget,
}

/// A unit's claim-layer targets: `claim`, `attributed`, `vague` with their masks, and source/cue
/// token spans (channel 0 source, 1 cue) when `tokens_known`.
#[derive(Debug, Clone, Default)]
struct ClaimTarget {
    y: [f32; 3],
    mask: [f32; 3],
    spans: Vec<(usize, usize, usize)>,
    tokens_known: bool,
}

/// How each PTC-2020 class maps into the 23 techniques.
struct PtcMap {
    /// Class → candidate technique indices (one = unambiguous).
    targets: HashMap<String, Vec<usize>>,
}

impl PtcMap {
    fn new(labels: &LabelSet, techniques: &[String]) -> Self {
        let ptc_classes = [
            "Appeal_to_Authority", "Appeal_to_fear-prejudice", "Bandwagon,Reductio_ad_hitlerum",
            "Black-and-White_Fallacy", "Causal_Oversimplification", "Doubt", "Exaggeration,Minimisation",
            "Flag-Waving", "Loaded_Language", "Name_Calling,Labeling", "Repetition", "Slogans",
            "Thought-terminating_Cliches", "Whataboutism,Straw_Men,Red_Herring",
        ];
        let mut targets = HashMap::new();
        for c in ptc_classes {
            if let Some(names) = labels.ptc_to_2023(c) {
                let idx = names.iter().filter_map(|n| techniques.iter().position(|t| t == n)).collect();
                targets.insert(c.to_string(), idx);
            }
        }
        PtcMap { targets }
    }
}

/// Builds examples from PTC lines + SemEval-2023 paragraph labels of the same articles.
fn ptc_examples(articles: &[Article], paras: &[crate::data::Paragraph], techniques: &[String], map: &PtcMap) -> Vec<Example> {
    let n = techniques.len();
    // representable channels: the technique can get span targets from some PTC class
    let mut representable = vec![false; n + 1];
    representable[0] = true;
    for idx in map.targets.values() {
        for &t in idx {
            representable[t + 1] = true;
        }
    }
    let mut para_of: HashMap<(&str, usize), (&[String], usize)> = HashMap::new();
    for p in paras {
        for &l in &p.lines {
            para_of.insert((p.article.as_str(), l), (&p.labels, p.lines.len()));
        }
    }
    let mut out = Vec::new();
    for art in articles {
        let nonempty: Vec<usize> = (0..art.lines.len()).filter(|&i| !art.lines[i].text.trim().is_empty()).collect();
        let layout = layout_features(&nonempty.iter().map(|&i| art.lines[i].text.trim()).collect::<Vec<_>>());
        for (k, &i) in nonempty.iter().enumerate() {
            let line = &art.lines[i];
            let trimmed = line.text.trim();
            let neighbour = |j: Option<usize>| j.and_then(|j| nonempty.get(j)).map(|&l| art.lines[l].text.trim().to_string());
            let lead = line.text.chars().take_while(|c| c.is_whitespace()).count();
            let (start, len) = (line.start + lead, trimmed.chars().count());
            let para = para_of.get(&(art.id.as_str(), i)).copied();
            let mut sentence = vec![0.0; n + 1];
            let mut sentence_mask = vec![0.0; n + 1];
            sentence[0] = if art.line_is_propaganda(i) { 1.0 } else { 0.0 };
            sentence_mask[0] = 1.0;
            let mut channel_mask: Vec<f32> = representable.iter().map(|&r| if r { 1.0 } else { 0.0 }).collect();
            let mut spans = Vec::new();
            let mut span_techniques: HashSet<usize> = HashSet::new();
            for s in art.spans.iter().filter(|s| s.start < start + len && s.end > start) {
                let (a, b) = (s.start.max(start) - start, s.end.min(start + len) - start);
                spans.push((a, b, 0));
                let Some(cands) = map.targets.get(&s.technique) else { continue };
                let resolved: Vec<usize> = if cands.len() == 1 {
                    cands.clone()
                } else {
                    let in_para: Vec<usize> = cands
                        .iter()
                        .copied()
                        .filter(|&t| para.is_some_and(|(l, _)| l.contains(&techniques[t])))
                        .collect();
                    if in_para.len() == 1 {
                        in_para
                    } else {
                        for &t in cands {
                            channel_mask[t + 1] = 0.0;
                        }
                        Vec::new()
                    }
                };
                for t in resolved {
                    spans.push((a, b, t + 1));
                    span_techniques.insert(t);
                }
            }
            for (t, name) in techniques.iter().enumerate() {
                let (target, known) = match para {
                    Some((labels, _)) if !labels.contains(name) => (0.0, true),
                    Some((_, 1)) => (1.0, true),
                    _ if span_techniques.contains(&t) => (1.0, true),
                    _ => (0.0, false),
                };
                sentence[t + 1] = target;
                sentence_mask[t + 1] = if known { 1.0 } else { 0.0 };
            }
            out.push(Example {
                text: trimmed.to_string(),
                before: neighbour(k.checked_sub(1)),
                after: neighbour(Some(k + 1)),
                layout: layout[k],
                content: Vec::new(),
                content_mask: Vec::new(),
                sentence,
                sentence_mask,
                spans,
                channel_mask,
                claim: ClaimTarget::default(),
            });
        }
    }
    out
}

/// Multi-line SemEval-2023 paragraphs as whole units: their 23 labels are complete at this level,
/// where their lines' labels are partly unknown. Sentence targets only (no token supervision).
fn paragraph_examples(articles: &[Article], paras: &[crate::data::Paragraph], techniques: &[String]) -> Vec<Example> {
    let by_id: HashMap<&str, &Article> = articles.iter().map(|a| (a.id.as_str(), a)).collect();
    let n = techniques.len();
    paras
        .iter()
        .filter(|p| p.lines.len() > 1)
        .map(|p| {
            let art = by_id[p.article.as_str()];
            let text = p.lines.iter().map(|&i| art.lines[i].text.trim()).collect::<Vec<_>>().join(" ");
            let mut sentence = vec![0.0; n + 1];
            sentence[0] = if p.lines.iter().any(|&i| art.line_is_propaganda(i)) { 1.0 } else { 0.0 };
            for (t, name) in techniques.iter().enumerate() {
                sentence[t + 1] = if p.labels.contains(name) { 1.0 } else { 0.0 };
            }
            Example {
                layout: layout_features(&[text.as_str()])[0],
                text,
                before: None,
                after: None,
                content: Vec::new(),
                content_mask: Vec::new(),
                sentence,
                sentence_mask: vec![1.0; n + 1],
                spans: Vec::new(),
                channel_mask: vec![0.0; n + 1],
                claim: ClaimTarget::default(),
            }
        })
        .collect()
}

/// An authored sentence: every sentence target is known, and so is every token channel.
fn authored_example(a: &crate::data::AuthoredSentence, techniques: &[String]) -> Result<Example> {
    let n = techniques.len();
    let index = |name: &str| {
        techniques.iter().position(|t| t == name).ok_or_else(|| Error::Usage(format!("authored data: unknown technique {name:?}")))
    };
    let mut sentence = vec![0.0; n + 1];
    sentence[0] = if a.techniques.is_empty() { 0.0 } else { 1.0 };
    for t in &a.techniques {
        sentence[index(t)? + 1] = 1.0;
    }
    let mut spans = Vec::new();
    for (start, end, label) in a.spans() {
        spans.push((start, end, 0));
        spans.push((start, end, index(label)? + 1));
    }
    Ok(Example {
        text: a.text.clone(),
        before: None,
        after: None,
        layout: layout_features(&[&a.text])[0],
        content: Vec::new(),
        content_mask: Vec::new(),
        sentence,
        sentence_mask: vec![1.0; n + 1],
        spans,
        channel_mask: vec![1.0; n + 1],
        claim: ClaimTarget::default(),
    })
}

/// The units of labelled web pages as content-head examples: a unit takes its line's label (units
/// never cross lines). Kinds are known for L3S-GN1 filler except user comments (the guide has no
/// kind for comment text); CleanEval/Dragnet filler has no kind. Framing targets are unknown.
fn web_examples(pages: &[WebPage], kinds: &[String], n_sentence: usize, n_token: usize) -> Vec<Example> {
    let mut out = Vec::new();
    for page in pages {
        let units = segment(&page.text);
        let texts: Vec<&str> = units.iter().map(|u| u.text.as_str()).collect();
        let layout = layout_features(&texts);
        for (k, u) in units.iter().enumerate() {
            let Some(line) = page.lines.iter().find(|l| l.start <= u.start && u.start < l.end) else { continue };
            let mut content = vec![0.0; kinds.len() + 1];
            let mut content_mask = vec![0.0; kinds.len() + 1];
            content_mask[0] = 1.0;
            if let Content::Filler(kind) = line.content {
                content[0] = 1.0;
                let by_default = matches!(line.source, "not content" | "unlabelled") && kind == Some(FillerKind::Boilerplate);
                if let Some(kind) = kind.filter(|_| line.source != "comments" && !by_default) {
                    for (j, name) in kinds.iter().enumerate() {
                        content[j + 1] = if name == kind.name() { 1.0 } else { 0.0 };
                        content_mask[j + 1] = 1.0;
                    }
                }
            }
            out.push(Example {
                text: u.text.clone(),
                before: k.checked_sub(1).map(|j| texts[j].to_string()),
                after: texts.get(k + 1).map(|t| t.to_string()),
                layout: layout[k],
                content,
                content_mask,
                sentence: vec![0.0; n_sentence],
                sentence_mask: vec![0.0; n_sentence],
                spans: Vec::new(),
                channel_mask: vec![0.0; n_token],
                claim: ClaimTarget::default(),
            });
        }
    }
    out
}

/// Joint claim training data: PolNeAR train units read in their articles (`attributed` / `vague`
/// targets, source and cue token spans; `claim` unknown) and CheckThat! train sentences, each alone
/// (`claim` = check-worthy; the others unknown). Framing and content targets are unknown.
fn claim_examples(cfg: &TrainConfig, rng: &mut ChaCha8Rng, n_sentence: usize, n_token: usize) -> Result<(Vec<Example>, Vec<Example>)> {
    use crate::data::claims::{load_checkthat, load_polnear, polnear_units, Attribution, CheckthatSplit, PolnearSplit};
    let flag = |b: bool| f32::from(u8::from(b));
    let blank = |text: &str, before: Option<&str>, after: Option<&str>, layout, claim| Example {
        text: text.to_string(),
        before: before.map(str::to_string),
        after: after.map(str::to_string),
        layout,
        content: Vec::new(),
        content_mask: Vec::new(),
        sentence: vec![0.0; n_sentence],
        sentence_mask: vec![0.0; n_sentence],
        spans: Vec::new(),
        channel_mask: vec![0.0; n_token],
        claim,
    };
    let mut polnear = Vec::new();
    for a in load_polnear(&cfg.data, PolnearSplit::Train)? {
        let units = polnear_units(&a);
        let texts: Vec<&str> = units.iter().map(|u| u.text.as_str()).collect();
        let layout = layout_features(&texts);
        for (k, u) in units.iter().enumerate() {
            let mut spans: Vec<(usize, usize, usize)> = u.source_spans.iter().map(|&(s, e)| (s, e, 0)).collect();
            spans.extend(u.cue_spans.iter().map(|&(s, e)| (s, e, 1)));
            let claim = ClaimTarget {
                y: [0.0, flag(u.attribution == Attribution::Sourced), flag(u.attribution == Attribution::Unsourced)],
                mask: [0.0, 1.0, 1.0],
                spans,
                tokens_known: true,
            };
            polnear.push(blank(&u.text, k.checked_sub(1).map(|j| texts[j]), texts.get(k + 1).copied(), layout[k], claim));
        }
    }
    let mut ct = load_checkthat(&cfg.data, CheckthatSplit::Train)?;
    ct.shuffle(rng);
    let checkthat = ct
        .iter()
        .take(cfg.claim_sentences)
        .map(|s| {
            let claim = ClaimTarget { y: [flag(s.checkworthy), 0.0, 0.0], mask: [1.0, 0.0, 0.0], ..Default::default() };
            blank(&s.text, None, None, layout_features(&[s.text.as_str()])[0], claim)
        })
        .collect();
    Ok((polnear, checkthat))
}

/// Claim dev sets scored every epoch of joint claim training: PolNeAR dev units in their articles
/// (gold: sourced) and CheckThat! dev sentences (gold: check-worthy).
struct ClaimDev {
    polnear: Vec<(Vec<String>, Vec<bool>)>,
    checkthat: Vec<(String, bool)>,
}

impl ClaimDev {
    fn load(cfg: &TrainConfig) -> Result<Self> {
        use crate::data::claims::{load_checkthat, load_polnear, polnear_units, Attribution, CheckthatSplit, PolnearSplit};
        let mut articles = load_polnear(&cfg.data, PolnearSplit::Dev)?;
        let mut ct = load_checkthat(&cfg.data, CheckthatSplit::Dev)?;
        if let Some(n) = cfg.limit {
            articles.truncate(n.div_ceil(20));
            ct.truncate(n);
        }
        let polnear = articles
            .iter()
            .map(|a| polnear_units(a).into_iter().map(|u| (u.text, u.attribution == Attribution::Sourced)).unzip())
            .collect();
        Ok(ClaimDev { polnear, checkthat: ct.into_iter().map(|s| (s.text, s.checkworthy)).collect() })
    }

    /// (PolNeAR dev attributed unit F1, CheckThat! dev claim F1), each at its best threshold.
    fn f1(&self, model: &TorchModel, tokenizer: &Tokenizer) -> Result<(f64, f64)> {
        let mut inputs: Vec<UnitInput> = Vec::new();
        let mut gold = Vec::new();
        for (texts, g) in &self.polnear {
            inputs.extend(UnitInput::in_document(&texts.iter().map(String::as_str).collect::<Vec<_>>()));
            gold.extend_from_slice(g);
        }
        let att: Vec<f32> = score(model, tokenizer, &inputs, 64)?.iter().map(|s| s.claim[1]).collect();
        let inputs: Vec<UnitInput> = self.checkthat.iter().flat_map(|(t, _)| UnitInput::in_document(&[t.as_str()])).collect();
        let cw: Vec<f32> = score(model, tokenizer, &inputs, 64)?.iter().map(|s| s.claim[0]).collect();
        let cw_gold: Vec<bool> = self.checkthat.iter().map(|(_, g)| *g).collect();
        Ok((best_threshold(&att, &gold).1, best_threshold(&cw, &cw_gold).1))
    }
}

struct Prepared {
    enc: Encoded,
    example: Example,
}

fn targets(batch: &[&Prepared], n_sent: usize, n_tok: usize, n_content: usize, n_claim: usize) -> Targets {
    let seq = batch.iter().map(|p| p.enc.ids.len()).max().unwrap_or(0);
    let b = batch.len();
    let mut t = Targets {
        sentence: Array2::zeros((b, n_sent)),
        sentence_mask: Array2::zeros((b, n_sent)),
        tokens: Array3::zeros((b, seq, n_tok)),
        token_mask: Array3::zeros((b, seq, n_tok)),
        content: Array2::zeros((b, n_content)),
        content_mask: Array2::zeros((b, n_content)),
        claim: Array2::zeros((b, n_claim)),
        claim_mask: Array2::zeros((b, n_claim)),
        claim_tokens: Array3::zeros((b, seq, if n_claim > 0 { 2 } else { 0 })),
        claim_token_mask: Array3::zeros((b, seq, if n_claim > 0 { 2 } else { 0 })),
    };
    for (i, p) in batch.iter().enumerate() {
        for k in 0..n_content {
            t.content[[i, k]] = p.example.content.get(k).copied().unwrap_or(0.0);
            t.content_mask[[i, k]] = p.example.content_mask.get(k).copied().unwrap_or(if k == 0 { 1.0 } else { 0.0 });
        }
        for k in 0..n_sent {
            t.sentence[[i, k]] = p.example.sentence[k];
            t.sentence_mask[[i, k]] = p.example.sentence_mask[k];
        }
        let claim = &p.example.claim;
        for k in 0..n_claim {
            t.claim[[i, k]] = claim.y[k];
            t.claim_mask[[i, k]] = claim.mask[k];
        }
        for (j, &(s, e)) in p.enc.offsets.iter().enumerate() {
            if (s, e) == (0, 0) {
                continue;
            }
            if n_claim > 0 && claim.tokens_known {
                for c in 0..2 {
                    t.claim_token_mask[[i, j, c]] = 1.0;
                }
                for &(a, b2, c) in &claim.spans {
                    if s < b2 && e > a {
                        t.claim_tokens[[i, j, c]] = 1.0;
                    }
                }
            }
            for c in 0..n_tok {
                t.token_mask[[i, j, c]] = p.example.channel_mask[c];
            }
            for &(a, b2, c) in &p.example.spans {
                if s < b2 && e > a {
                    t.tokens[[i, j, c]] = 1.0;
                }
            }
        }
    }
    t
}

/// The dev set: PTC dev lines with SLC gold and their paragraphs' 2023 labels.
struct Dev {
    texts: Vec<String>,
    /// The neighbouring lines of each text in its article, and its layout features there.
    context: Vec<(Option<String>, Option<String>, [f32; LAYOUT_FEATURES])>,
    loaded_gold: Vec<bool>,
    /// (paragraph labels, indices into `texts`)
    paragraphs: Vec<(Vec<String>, Vec<usize>)>,
    /// Gold `any` token labels per text, from span overlap, filled after tokenising.
    spans: Vec<Vec<(usize, usize)>>,
}

fn build_dev(articles: &[Article], paras: &[crate::data::Paragraph], limit: Option<usize>) -> Dev {
    let lines = article_lines(articles);
    let lines = &lines[..limit.unwrap_or(lines.len()).min(lines.len())];
    let mut index: HashMap<(usize, usize), usize> = HashMap::new();
    let mut dev = Dev { texts: Vec::new(), context: Vec::new(), loaded_gold: Vec::new(), paragraphs: Vec::new(), spans: Vec::new() };
    for input in crate::eval::line_inputs(articles, lines) {
        dev.context.push((input.before.map(str::to_string), input.after.map(str::to_string), input.layout));
    }
    for &(a, i) in lines {
        let art = &articles[a];
        let line = &art.lines[i];
        let lead = line.text.chars().take_while(|c| c.is_whitespace()).count();
        let trimmed = line.text.trim();
        let (start, len) = (line.start + lead, trimmed.chars().count());
        index.insert((a, i), dev.texts.len());
        dev.texts.push(trimmed.to_string());
        dev.loaded_gold.push(art.line_is_propaganda(i));
        dev.spans.push(
            art.spans
                .iter()
                .filter(|s| s.start < start + len && s.end > start)
                .map(|s| (s.start.max(start) - start, s.end.min(start + len) - start))
                .collect(),
        );
    }
    let art_idx: HashMap<&str, usize> = articles.iter().enumerate().map(|(k, a)| (a.id.as_str(), k)).collect();
    for p in paras {
        let a = art_idx[p.article.as_str()];
        let members: Vec<usize> = p.lines.iter().filter_map(|&l| index.get(&(a, l)).copied()).collect();
        if !members.is_empty() {
            dev.paragraphs.push((p.labels.clone(), members));
        }
    }
    dev
}

impl Dev {
    fn inputs(&self) -> Vec<UnitInput<'_>> {
        self.texts
            .iter()
            .zip(&self.context)
            .map(|(t, (b, a, layout))| UnitInput { text: t, before: b.as_deref(), after: a.as_deref(), layout: *layout, first: b.is_none() })
            .collect()
    }
}

/// Scores of the dev set and what they give: SLC F1 at the best threshold, and tuned thresholds.
struct DevResult {
    slc_f1: f64,
    thresholds: Thresholds,
    paragraph_micro_f1: f64,
}

/// Tunes every threshold on dev scores (never on held-out data).
fn tune(dev: &Dev, scores: &[UnitScores], techniques: &[String]) -> DevResult {
    let loaded: Vec<f32> = scores.iter().map(|s| s.sentence[0]).collect();
    let (t_loaded, slc_f1) = best_threshold(&loaded, &dev.loaded_gold);
    // Paragraph score of a technique: its best probability over the paragraph's loaded lines, since
    // only loaded units carry techniques.
    let para_score = |t: usize, members: &[usize]| {
        members.iter().filter(|&&m| loaded[m] >= t_loaded).map(|&m| scores[m].sentence[t + 1]).fold(0.0f32, f32::max)
    };
    let (mut all_s, mut all_g) = (Vec::new(), Vec::new());
    let mut per: Vec<(Vec<f32>, Vec<bool>)> = Vec::new();
    for (t, name) in techniques.iter().enumerate() {
        let s: Vec<f32> = dev.paragraphs.iter().map(|(_, m)| para_score(t, m)).collect();
        let g: Vec<bool> = dev.paragraphs.iter().map(|(l, _)| l.contains(name)).collect();
        all_s.extend_from_slice(&s);
        all_g.extend_from_slice(&g);
        per.push((s, g));
    }
    let (t_default, _) = best_threshold(&all_s, &all_g);
    let mut techniques_th = std::collections::BTreeMap::new();
    let mut total = Counts::default();
    for (t, name) in techniques.iter().enumerate() {
        let (s, g) = &per[t];
        // Fewer than 10 dev positives is too few to tune a label of its own.
        let th = if g.iter().filter(|&&x| x).count() >= 10 {
            let (th, _) = best_threshold(s, g);
            techniques_th.insert(name.clone(), th);
            th
        } else {
            t_default
        };
        for (&x, &y) in s.iter().zip(g) {
            total.add(x >= th, y);
        }
    }
    // Evidence threshold: token-level F1 of the `any` channel against gold span tokens.
    let (mut tok_s, mut tok_g) = (Vec::new(), Vec::new());
    for (sc, spans) in scores.iter().zip(&dev.spans) {
        for (k, &(a, b)) in sc.token_offsets.iter().enumerate() {
            tok_s.push(sc.tokens[[k, 0]]);
            tok_g.push(spans.iter().any(|&(s, e)| a < e && b > s));
        }
    }
    let (t_evidence, _) = best_threshold(&tok_s, &tok_g);
    DevResult {
        slc_f1,
        paragraph_micro_f1: total.f1(),
        thresholds: Thresholds {
            loaded: t_loaded,
            evidence: t_evidence,
            techniques: techniques_th,
            technique_default: t_default,
            filler: 0.5,
            filler_html: None,
            filler_html_kept: None,
            claim: None,
        },
    }
}

fn example_input(e: &Example) -> UnitInput<'_> {
    UnitInput { text: &e.text, before: e.before.as_deref(), after: e.after.as_deref(), layout: e.layout, first: e.before.is_none() }
}

/// The filler threshold that maximises unit-level filler F1 on the content dev units, and that F1.
fn tune_filler(dev: &[Example], scores: &[UnitScores]) -> (f32, f64) {
    let s: Vec<f32> = scores.iter().map(|x| x.content[0]).collect();
    let g: Vec<bool> = dev.iter().map(|e| e.content[0] == 1.0).collect();
    best_threshold(&s, &g)
}

struct Log {
    file: std::fs::File,
}

impl Log {
    fn line(&mut self, msg: &str) {
        eprintln!("{msg}");
        // The log is a convenience copy of stderr; a failed write must not stop training.
        let _ = writeln!(self.file, "{msg}");
    }
}

/// Runs training; returns the finished model directory (`<out>/model`).
pub fn train(cfg: &TrainConfig, labels: &LabelSet) -> Result<PathBuf> {
    tch::set_num_threads(cfg.threads);
    std::fs::create_dir_all(cfg.out.join("checkpoints")).map_err(|e| Error::io(&cfg.out, e))?;
    let log_path = cfg.out.join("train.log");
    let mut log = Log { file: std::fs::File::create(&log_path).map_err(|e| Error::io(&log_path, e))? };
    log.line(&format!("framemark train: {cfg:?}"));

    let techniques: Vec<String> = labels.techniques().iter().map(|l| l.name.clone()).collect();
    let map = PtcMap::new(labels, &techniques);
    let train_articles = load_ptc(&cfg.data, PtcSplit::Train)?;
    let dev_articles = load_ptc(&cfg.data, PtcSplit::Dev)?;
    let (train_paras, missed_t) = load_semeval(&cfg.data, "train", &train_articles)?;
    let (dev_paras, missed_d) = load_semeval(&cfg.data, "train", &dev_articles)?;
    log.line(&format!(
        "PTC train {} articles, dev {}; SemEval-2023 paragraphs aligned: train {} (missed {missed_t}), dev {} (missed {missed_d})",
        train_articles.len(),
        dev_articles.len(),
        train_paras.len(),
        dev_paras.len()
    ));
    let mut examples = ptc_examples(&train_articles, &train_paras, &techniques, &map);
    let n_ptc = examples.len();
    if cfg.babe {
        let (babe, _held_out) = load_babe(&cfg.data)?;
        for s in babe {
            let mut sentence_mask = vec![0.0; techniques.len() + 1];
            sentence_mask[0] = 1.0;
            let mut sentence = vec![0.0; techniques.len() + 1];
            sentence[0] = if s.biased { 1.0 } else { 0.0 };
            examples.push(Example {
                layout: layout_features(&[s.text.as_str()])[0],
                text: s.text,
                before: None,
                after: None,
                content: Vec::new(),
                content_mask: Vec::new(),
                sentence,
                sentence_mask,
                spans: Vec::new(),
                channel_mask: vec![0.0; techniques.len() + 1],
                claim: ClaimTarget::default(),
            });
        }
    }
    let n_babe = examples.len() - n_ptc;
    if cfg.paragraphs {
        let p = paragraph_examples(&train_articles, &train_paras, &techniques);
        log.line(&format!("paragraphs: {} multi-line SemEval-2023 train paragraphs", p.len()));
        examples.extend(p);
    }
    if let Some((path, repeat)) = &cfg.authored {
        let authored = crate::data::load_authored(path)?;
        for _ in 0..*repeat {
            examples.extend(authored.iter().map(|a| authored_example(a, &techniques)).collect::<Result<Vec<_>>>()?);
        }
        log.line(&format!("authored: {} sentences x{repeat} from {}", authored.len(), path.display()));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    // Content head: units of L3S-GN1 train pages (every tenth page, by id, is kept back as its dev
    // set; the L3S test pages are never read here) and of CleanEval/Dragnet pages, sampled.
    let kinds: Vec<String> = match labels.family("content") {
        Some(f) => f.children("filler").iter().map(|l| l.id.clone()).collect(),
        None => Vec::new(),
    };
    let (n_sentence, n_token) = (techniques.len() + 1, techniques.len() + 1);
    let mut content_dev: Vec<Example> = Vec::new();
    if cfg.content_units > 0 {
        let (train_pages, dev_pages) = l3s_dev_split(load_l3s(&cfg.data)?.0);
        let mut l3s_units = web_examples(&train_pages, &kinds, n_sentence, n_token);
        let mut other = web_examples(&load_cleaneval_dragnet(&cfg.data)?, &kinds, n_sentence, n_token);
        content_dev = web_examples(&dev_pages, &kinds, n_sentence, n_token);
        l3s_units.shuffle(&mut rng);
        other.shuffle(&mut rng);
        // Two thirds from L3S-GN1 (news, with filler kinds), a third from CleanEval/Dragnet.
        let n_l3s = (cfg.content_units * 2 / 3).min(l3s_units.len());
        let n_other = (cfg.content_units - n_l3s).min(other.len());
        log.line(&format!(
            "content: {n_l3s} of {} L3S-GN1 train units ({} pages), {n_other} of {} CleanEval/Dragnet units; dev {} units ({} pages)",
            l3s_units.len(),
            train_pages.len(),
            other.len(),
            content_dev.len(),
            dev_pages.len()
        ));
        examples.extend(l3s_units.into_iter().take(n_l3s));
        examples.extend(other.into_iter().take(n_other));
    }
    let claim_dev = if cfg.claims {
        let (polnear, checkthat) = claim_examples(cfg, &mut rng, n_sentence, n_token)?;
        log.line(&format!(
            "claims: {} PolNeAR train units ({} sourced, {} unsourced), {} CheckThat! train sentences",
            polnear.len(),
            polnear.iter().filter(|e| e.claim.y[1] == 1.0).count(),
            polnear.iter().filter(|e| e.claim.y[2] == 1.0).count(),
            checkthat.len()
        ));
        examples.extend(polnear);
        examples.extend(checkthat);
        Some(ClaimDev::load(cfg)?)
    } else {
        None
    };
    log.line(&format!("examples: {} in all: {n_ptc} PTC lines, {n_babe} BABE sentences", examples.len()));
    if let Some(n) = cfg.limit {
        examples.shuffle(&mut rng);
        examples.truncate(n);
        content_dev.truncate(n);
    }

    // Channels with enough span supervision get their own evidence at inference.
    let mut channel_spans = vec![0usize; techniques.len() + 1];
    for e in &examples {
        for &(_, _, c) in &e.spans {
            channel_spans[c] += 1;
        }
    }
    let token_supervised: Vec<bool> = channel_spans.iter().map(|&n| n >= 30).collect();
    let mut sentence_labels = vec!["loaded".to_string()];
    sentence_labels.extend(techniques.iter().cloned());
    let mut token_labels = vec!["any".to_string()];
    token_labels.extend(techniques.iter().cloned());
    let mut spec = ModelSpec {
        name: cfg.name.clone(),
        version: cfg.version.clone(),
        schema: crate::SCHEMA.to_string(),
        base: cfg.base_name.clone(),
        max_len: cfg.max_len,
        sentence_labels,
        token_labels,
        token_supervised,
        context: cfg.context,
        content_labels: if cfg.content_units > 0 {
            std::iter::once("filler".to_string()).chain(kinds.iter().cloned()).collect()
        } else {
            Vec::new()
        },
        // Joint training sees units, not documents: its content and claim heads read each unit alone.
        content_rnn: 0,
        content_members: 1,
        claim_labels: if cfg.claims { ["claim", "attributed", "vague"].map(String::from).to_vec() } else { Vec::new() },
        claim_token_labels: if cfg.claims { ["source", "cue"].map(String::from).to_vec() } else { Vec::new() },
        claim_rnn: 0,
        layout_features: LAYOUT_FEATURES,
    };

    // A warm start keeps the init model's document-level content layer (a GRU over a document's
    // units, which batches of units cannot train) and its filler threshold: the run adds claim
    // heads without losing filler. It reads the encoder, so the log's dev scores check it still fits.
    let mut kept_filler = None;
    if let (Some(dir), 0) = (&cfg.init, cfg.content_units) {
        let init = crate::model::ModelDir::open(dir)?;
        if init.spec.content_rnn > 0 {
            spec.content_labels = init.spec.content_labels.clone();
            spec.content_rnn = init.spec.content_rnn;
            spec.content_members = init.spec.content_members;
            kept_filler = Some(Thresholds::load(&init.thresholds())?.filler);
        }
    }
    let tokenizer = Tokenizer::load(&cfg.base.join("tokenizer.json"), cfg.max_len, cfg.context)?;
    let prepared: Vec<Prepared> = examples
        .into_iter()
        .map(|e| Ok(Prepared { enc: tokenizer.encode(&example_input(&e))?, example: e }))
        .collect::<Result<_>>()?;
    let dev = build_dev(&dev_articles, &dev_paras, cfg.limit);

    let device = tch::Device::cuda_if_available();
    let model = match &cfg.init {
        Some(dir) => TorchModel::warm_start(&crate::model::ModelDir::open(dir)?, &spec, device, cfg.seed)?,
        None => TorchModel::from_base(&cfg.base, &spec, device, cfg.seed)?,
    };
    let mut trainer = Trainer::new(model, cfg.lr, cfg.token_weight)?;
    if let (Some(dir), true) = (&cfg.init, cfg.distill > 0.0) {
        trainer.teacher = Some((TorchModel::load(&crate::model::ModelDir::open(dir)?, device)?, cfg.distill));
        log.line(&format!("distillation: framing outputs held to {} (weight {})", dir.display(), cfg.distill));
    }

    // Length-bucketed batches (little padding), shuffled in order each epoch.
    let mut order: Vec<usize> = (0..prepared.len()).collect();
    order.sort_by_key(|&i| prepared[i].enc.ids.len());
    let mut batches: Vec<Vec<usize>> = order.chunks(cfg.batch_size.max(1)).map(|c| c.to_vec()).collect();
    let total_steps = (batches.len() * cfg.epochs).max(1);
    let warmup = (total_steps as f64 * 0.06).ceil().max(1.0);
    // A content layer with a GRU is not trained on units (it is kept from --init).
    let n_content = if spec.content_rnn > 0 { 0 } else { spec.content_labels.len() };
    let (n_sent, n_tok, n_claim) = (spec.sentence_labels.len(), spec.token_labels.len(), spec.claim_labels.len());
    let content_inputs: Vec<UnitInput> = content_dev.iter().map(example_input).collect();
    let mut step = 0usize;
    let mut best: Option<(f64, usize)> = None;
    let started = Instant::now();
    for epoch in 1..=cfg.epochs {
        batches.shuffle(&mut rng);
        let (mut sum, mut n) = ([0.0f64; 4], 0usize);
        for b in &batches {
            let items: Vec<&Prepared> = b.iter().map(|&i| &prepared[i]).collect();
            let encs: Vec<&Encoded> = items.iter().map(|p| &p.enc).collect();
            let lr = if (step as f64) < warmup {
                cfg.lr * (step as f64 + 1.0) / warmup
            } else {
                cfg.lr * ((total_steps - step) as f64 / (total_steps as f64 - warmup)).max(0.0)
            };
            let losses = trainer.step(&Batch::new(&encs), &targets(&items, n_sent, n_tok, n_content, n_claim), lr)?;
            for (s, l) in sum.iter_mut().zip(losses) {
                *s += l as f64;
            }
            n += 1;
            step += 1;
            if step % 50 == 0 {
                log.line(&format!(
                    "epoch {epoch} step {step}/{total_steps} lr {lr:.2e} loss sentence {:.4} token {:.4} content {:.4} claim {:.4} ({:.0}s)",
                    sum[0] / n as f64,
                    sum[1] / n as f64,
                    sum[2] / n as f64,
                    sum[3] / n as f64,
                    started.elapsed().as_secs_f64()
                ));
                (sum, n) = ([0.0; 4], 0);
            }
        }
        let ckpt = cfg.out.join(format!("checkpoints/epoch-{epoch}.safetensors"));
        trainer.model.save(&ckpt)?;
        let scores = score(&trainer.model, &tokenizer, &dev.inputs(), 64)?;
        let r = tune(&dev, &scores, &techniques);
        let filler = if n_content > 0 {
            let (t, f) = tune_filler(&content_dev, &score(&trainer.model, &tokenizer, &content_inputs, 64)?);
            format!(", dev filler F1 {f:.4} (threshold {t:.2})")
        } else {
            String::new()
        };
        // With claims, the checkpoint is chosen on the sum of the three dev F1s.
        let (claims, objective) = match &claim_dev {
            Some(d) => {
                let (att, cw) = d.f1(&trainer.model, &tokenizer)?;
                (format!(", PolNeAR dev attributed F1 {att:.4}, CheckThat! dev claim F1 {cw:.4}"), r.slc_f1 + att + cw)
            }
            None => (String::new(), r.slc_f1),
        };
        log.line(&format!(
            "epoch {epoch} done ({:.0}s): dev SLC F1 {:.4} (loaded threshold {:.2}), dev paragraph micro-F1 {:.4}{filler}{claims}; saved {}",
            started.elapsed().as_secs_f64(),
            r.slc_f1,
            r.thresholds.loaded,
            r.paragraph_micro_f1,
            ckpt.display()
        ));
        if best.is_none_or(|(f, _)| objective > f) {
            best = Some((objective, epoch));
        }
    }
    let (_, best_epoch) = best.ok_or_else(|| Error::Usage("no epochs run".into()))?;
    log.line(&format!("best epoch on dev: {best_epoch}"));

    // Write the finished model directory from the best checkpoint, thresholds tuned on dev with it.
    let model_dir = cfg.out.join("model");
    std::fs::create_dir_all(&model_dir).map_err(|e| Error::io(&model_dir, e))?;
    let copy = |from: &Path, to: &Path| std::fs::copy(from, to).map(|_| ()).map_err(|e| Error::io(from, e));
    copy(&cfg.out.join(format!("checkpoints/epoch-{best_epoch}.safetensors")), &model_dir.join("model.safetensors"))?;
    copy(&cfg.base.join("config.json"), &model_dir.join("config.json"))?;
    copy(&cfg.base.join("tokenizer.json"), &model_dir.join("tokenizer.json"))?;
    let spec_path = model_dir.join("framemark.json");
    std::fs::write(&spec_path, serde_json::to_string_pretty(&spec)? + "\n").map_err(|e| Error::io(&spec_path, e))?;
    let final_model = TorchModel::load(&crate::model::ModelDir::open(&model_dir)?, device)?;
    let scores = score(&final_model, &tokenizer, &dev.inputs(), 64)?;
    let mut r = tune(&dev, &scores, &techniques);
    let th_path = model_dir.join("thresholds.toml");
    let mut header = format!(
        "# Chosen on PTC dev (SLC F1 {:.4}) and its SemEval-2023 paragraph labels (micro-F1 {:.4}), epoch {best_epoch}.\n",
        r.slc_f1, r.paragraph_micro_f1
    );
    if n_content > 0 {
        let (t, f) = tune_filler(&content_dev, &score(&final_model, &tokenizer, &content_inputs, 64)?);
        r.thresholds.filler = t;
        header += &format!("# filler: on {} units of held-back L3S-GN1 train pages (unit F1 {f:.4}).\n", content_dev.len());
    }
    if let (Some(f), Some(dir)) = (kept_filler, &cfg.init) {
        r.thresholds.filler = f;
        header += &format!("# filler: the content layer and its threshold are {}'s.\n", dir.display());
    }
    if n_claim > 0 {
        let chosen = tune_claims(cfg, &final_model, &tokenizer, &mut r.thresholds, &mut log)?;
        header += &format!("# claim: {chosen}.\n");
    }
    std::fs::write(&th_path, header + &r.thresholds.to_toml()).map_err(|e| Error::io(&th_path, e))?;
    log.line(&format!("model written to {}", model_dir.display()));
    Ok(model_dir)
}

/// A hash of the weights file's bytes: two models with the same name, version and file size (two
/// runs of one recipe) must not share cached encodings.
fn weights_digest(from: &crate::model::ModelDir) -> Result<u64> {
    use std::hash::{Hash, Hasher};
    let bytes = std::fs::read(from.weights()).map_err(|e| Error::io(from.weights(), e))?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    Ok(h.finish())
}

/// The frozen model's unit features (`[units, features]` per document, in order) for documents
/// given as their unit texts: from `<out>/../feature-cache/<key>.safetensors` when an earlier run
/// computed them for the same model and texts, else computed and cached.
fn cached_unit_features(
    cfg: &TrainConfig,
    from: &crate::model::ModelDir,
    model: &TorchModel,
    tokenizer: &Tokenizer,
    docs: &[Vec<UnitInput>],
) -> Result<Vec<tch::Tensor>> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (from.spec.id(), weights_digest(from)?, cfg.max_len, docs.len()).hash(&mut h);
    // The features end in the layout features: a change in how those are computed is a new key.
    for d in docs {
        d.len().hash(&mut h);
        for u in d {
            (u.text, u.before, u.after, u.first).hash(&mut h);
            for f in u.layout {
                f.to_bits().hash(&mut h);
            }
        }
    }
    let dir = cfg.out.parent().unwrap_or(Path::new(".")).join("feature-cache");
    let path = dir.join(format!("{:016x}.safetensors", h.finish()));
    if let Ok(named) = tch::Tensor::read_safetensors(&path) {
        let mut by_name: HashMap<String, tch::Tensor> = named.into_iter().collect();
        let loaded: Option<Vec<tch::Tensor>> = (0..docs.len()).map(|i| by_name.remove(&format!("d{i}"))).collect();
        if let Some(v) = loaded {
            return Ok(v);
        }
    }
    let flat: Vec<(usize, Encoded)> = docs
        .iter()
        .enumerate()
        .flat_map(|(d, units)| units.iter().map(move |u| (d, u)))
        .map(|(d, u)| tokenizer.encode(u).map(|e| (d, e)))
        .collect::<Result<_>>()?;
    let mut order: Vec<usize> = (0..flat.len()).collect();
    order.sort_by_key(|&i| flat[i].1.ids.len());
    let mut rows: Vec<Option<tch::Tensor>> = (0..flat.len()).map(|_| None).collect();
    for chunk in order.chunks(64) {
        let batch = Batch::new(&chunk.iter().map(|&i| &flat[i].1).collect::<Vec<_>>());
        let x = model.content_inputs(&batch)?;
        for (k, &i) in chunk.iter().enumerate() {
            rows[i] = Some(x.get(k as i64));
        }
    }
    let mut out = Vec::with_capacity(docs.len());
    let mut at = 0;
    for units in docs {
        let n = units.len();
        let doc_rows: Vec<tch::Tensor> = rows[at..at + n].iter().map(|r| r.as_ref().expect("encoded").shallow_clone()).collect();
        out.push(if n == 0 { tch::Tensor::zeros([0, 0], (tch::Kind::Float, tch::Device::Cpu)) } else { tch::Tensor::stack(&doc_rows, 0) });
        at += n;
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let named: Vec<(String, tch::Tensor)> = out.iter().enumerate().map(|(i, t)| (format!("d{i}"), t.shallow_clone())).collect();
    tch::Tensor::write_safetensors(&named, &path)?;
    Ok(out)
}

/// How often a page's markup features are hidden from the content layer in training (per document
/// and pass): the same pages then teach it plain-text scrapes too. `FRAMEMARK_MARKUP_DROPOUT`
/// overrides it for experiments.
static MARKUP_DROPOUT: std::sync::LazyLock<f64> =
    std::sync::LazyLock::new(|| std::env::var("FRAMEMARK_MARKUP_DROPOUT").ok().and_then(|v| v.parse().ok()).unwrap_or(0.5));

/// Web units per lone-sentence document in the content layer's training data (`FRAMEMARK_LONE_PER_WEB`
/// overrides it for experiments).
static LONE_PER_WEB: std::sync::LazyLock<usize> =
    std::sync::LazyLock::new(|| std::env::var("FRAMEMARK_LONE_PER_WEB").ok().and_then(|v| v.parse().ok()).unwrap_or(10));

/// One document for the content layer: its units in order, with content targets and masks
/// (`filler`, then the kinds; a mask of 0 means unknown).
struct ContentDoc {
    texts: Vec<String>,
    targets: Vec<Vec<f32>>,
    masks: Vec<Vec<f32>>,
    /// Times it is seen per pass (the few authored pages count more).
    repeat: usize,
    /// The markup features of each unit's line when the document is an HTML page.
    dom: Option<Vec<Dom>>,
    origin: Origin,
}

/// Where a content document comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// A labelled web page (L3S-GN1, CleanEval/Dragnet) or an authored dev page.
    Web,
    /// A PTC train article, all article.
    Ptc,
    /// A lone sentence, article.
    Lone,
    /// An authored training page.
    Authored,
}

impl ContentDoc {
    fn inputs(&self) -> Vec<UnitInput<'_>> {
        UnitInput::in_page(&self.texts.iter().map(String::as_str).collect::<Vec<_>>(), self.dom.as_deref())
    }
}

/// A labelled page as a content document: each unit takes the label of the line it starts in (units
/// outside every labelled line are masked). Kinds are known where the dataset gives them, except on
/// L3S-GN1 comments (filler without a kind of ours) and on L3S-GN1 "not content" lines outside menus:
/// they are `boilerplate` only by default (ads, sidebars, footers, teasers and prompts alike), so the
/// kind head learns boilerplate from the authored pages instead.
fn web_doc(page: &WebPage, kinds: &[String]) -> ContentDoc {
    let units = segment(&page.text);
    let mut doc =
        ContentDoc { texts: Vec::new(), targets: Vec::new(), masks: Vec::new(), repeat: 1, dom: page.unit_dom(&units), origin: Origin::Web };
    for u in &units {
        let mut target = vec![0.0; kinds.len() + 1];
        let mut mask = vec![0.0; kinds.len() + 1];
        if let Some(line) = page.lines.iter().find(|l| l.start <= u.start && u.start < l.end) {
            mask[0] = 1.0;
            if let Content::Filler(kind) = line.content {
                target[0] = 1.0;
                let by_default = matches!(line.source, "not content" | "unlabelled") && kind == Some(FillerKind::Boilerplate);
                if let Some(kind) = kind.filter(|_| line.source != "comments" && !by_default) {
                    for (j, name) in kinds.iter().enumerate() {
                        target[j + 1] = if name == kind.name() { 1.0 } else { 0.0 };
                        mask[j + 1] = 1.0;
                    }
                }
            }
        }
        doc.texts.push(u.text.clone());
        doc.targets.push(target);
        doc.masks.push(mask);
    }
    doc
}

/// A news article with no page around it (PTC), or a lone sentence: every unit is article. With
/// `skip_furniture`, units that look like page furniture are left out of the loss: PTC's scrapes
/// kept some ("Subscribe Today!", "Article posted with permission from ..."), which the guide
/// calls filler, and as article they teach that a propaganda page has no furniture.
fn article_doc(text: &str, kinds: &[String], origin: Origin, skip_furniture: bool) -> ContentDoc {
    let texts: Vec<String> = segment(text).into_iter().map(|u| u.text).collect();
    let masks = texts
        .iter()
        .map(|t| {
            let mut mask = vec![0.0; kinds.len() + 1];
            mask[0] = if skip_furniture && looks_like_furniture(t) { 0.0 } else { 1.0 };
            mask
        })
        .collect();
    ContentDoc { targets: vec![vec![0.0; kinds.len() + 1]; texts.len()], masks, texts, repeat: 1, dom: None, origin }
}

/// Promo and boilerplate cues of the guide's filler (share, subscribe, newsletter, donate prompts;
/// reprint and copyright notices), for leaving such units of all-article documents out of the
/// loss. Over-matching costs only a few article units' loss; it never labels anything filler.
fn looks_like_furniture(t: &str) -> bool {
    static CUES: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)\bsubscribe|\bsign(ing)? up\b|\bnewsletter|\bclick (here|below)\b|\bshare (this|on)\b|\bfollow (us|me)\b|with permission|all rights reserved|©|\bcopyright\b|\bdistributed by\b|\bdonat(e|ion)|\bread more\b|^\(?related\b|^watch:|^trending:|contributed to this report|originally (published|appeared)|\bpodcast\b|\bpatreon\b|\bemail (us|him|her)\b",
        )
        .expect("valid furniture cues")
    });
    CUES.is_match(t)
}

/// The units of a page before its first article unit and after its last one (masthead and
/// menus; closing prompts and teasers). Empty when the page has no article unit.
fn furniture_ends(doc: &ContentDoc) -> (Vec<usize>, Vec<usize>) {
    let article = |i: &usize| doc.masks[*i][0] == 1.0 && doc.targets[*i][0] == 0.0;
    let n = doc.texts.len();
    match ((0..n).find(article), (0..n).rev().find(article)) {
        (Some(first), Some(last)) => ((0..first).collect(), (last + 1..n).collect()),
        _ => (Vec::new(), Vec::new()),
    }
}

/// Unit-level filler F1 of `docs` (known units only) at `threshold`, from content probabilities.
/// A `[units, features]` tensor as an array (`path` names the run in an error).
fn tensor_rows(x: &tch::Tensor, path: &Path) -> Result<Array2<f32>> {
    let (n, d) = (x.size()[0] as usize, x.size()[1] as usize);
    let rows: Vec<f32> = Vec::<f32>::try_from(x.flatten(0, -1))?;
    Array2::from_shape_vec((n, d), rows).map_err(|e| Error::Model { path: path.to_path_buf(), reason: e.to_string() })
}

/// How many of `docs` have every labelled unit decided right at `threshold`: a page-level view next
/// to the unit F1, which barely moves when a layer misses the few closing lines of a short page.
/// The units a variant of a page keeps (in order): each is left out with probability `p`. A
/// variant keeps at least one article unit (else the whole page), so it is still a page with an
/// article in it. Authored pages repeat many times a pass, and exact copies let the layer learn
/// each page by heart; variants move the furniture against the article (a closing prompt right
/// after the last paragraph, a teaser without its heading, a shorter page), which is what unseen
/// scrapes do.
fn variant_rows(filler: &[bool], p: f64, rng: &mut impl rand::Rng) -> Vec<usize> {
    let rows: Vec<usize> = (0..filler.len()).filter(|_| !rng.gen_bool(p)).collect();
    if rows.iter().any(|&i| !filler[i]) {
        rows
    } else {
        (0..filler.len()).collect()
    }
}

fn pages_all_right(docs: &[ContentDoc], p_filler: &[Vec<f32>], threshold: f32) -> usize {
    docs.iter()
        .zip(p_filler)
        .filter(|(d, ps)| d.targets.iter().zip(&d.masks).zip(ps.iter()).all(|((t, m), p)| m[0] == 0.0 || (*p >= threshold) == (t[0] == 1.0)))
        .count()
}

fn filler_f1(docs: &[ContentDoc], p_filler: &[Vec<f32>], threshold: f32) -> f64 {
    let mut c = Counts::default();
    for (d, ps) in docs.iter().zip(p_filler) {
        for ((t, m), p) in d.targets.iter().zip(&d.masks).zip(ps) {
            if m[0] > 0.0 {
                c.add(*p >= threshold, t[0] == 1.0);
            }
        }
    }
    c.f1()
}

/// Adds a content (filler) layer to an existing framemark model (`from`) without touching anything
/// else: the encoder and the framing heads are frozen, so every framing score of the new model is
/// exactly the old one's. The layer reads what the encoder already computes for each unit plus its
/// layout features; with `cfg.content_rnn > 0` a bidirectional GRU reads them over the whole
/// document first. It trains on whole documents:
/// - L3S-GN1 train pages (every tenth page, by id, kept back as dev; the test pages are never read)
///   and CleanEval/Dragnet pages, together about `cfg.content_units` units;
/// - PTC train articles as all-article documents (about a quarter as many units), and lone BABE
///   train sentences and PTC train lines as one-unit article documents (one per 10 web units);
/// - the authored pages (`labels/authored/pages-*.jsonl`, every fifth page kept back as dev),
///   repeated `cfg.authored_pages.1` times, since they are few and carry most of the teaser, promo
///   and slogan examples.
pub fn train_content_head(cfg: &TrainConfig, from: &Path, labels: &LabelSet) -> Result<PathBuf> {
    tch::set_num_threads(cfg.threads);
    std::fs::create_dir_all(&cfg.out).map_err(|e| Error::io(&cfg.out, e))?;
    let log_path = cfg.out.join("train.log");
    let mut log = Log { file: std::fs::File::create(&log_path).map_err(|e| Error::io(&log_path, e))? };
    log.line(&format!("framemark train --from {}: {cfg:?}", from.display()));
    let from_dir = crate::model::ModelDir::open(from)?;
    let kinds: Vec<String> = match labels.family("content") {
        Some(f) => f.children("filler").iter().map(|l| l.id.clone()).collect(),
        None => return Err(Error::Labels("the label schema has no content family".into())),
    };
    let mut spec = from_dir.spec.clone();
    spec.name = cfg.name.clone();
    spec.version = cfg.version.clone();
    spec.content_labels = std::iter::once("filler".to_string()).chain(kinds.iter().cloned()).collect();
    spec.content_rnn = cfg.content_rnn;
    // Every candidate layer is built and trained; the spec is cut to the kept ones after dev. With
    // an offset the layers before it are built too (the initial weights are drawn in order), and
    // only the later ones trained and kept.
    let sources: Vec<crate::model::ModelDir> =
        cfg.content_layers_from.iter().map(|d| crate::model::ModelDir::open(d)).collect::<Result<_>>()?;
    let joined: usize = sources.iter().map(|d| d.spec.content_members).sum();
    let trained = match joined {
        0 => cfg.content_candidates.max(cfg.content_members),
        n => n,
    };
    let offset = if sources.is_empty() { cfg.content_seed_offset } else { 0 };
    spec.content_members = offset + trained;
    spec.layout_features = LAYOUT_FEATURES;

    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let (train_pages, dev_pages) = l3s_dev_split(load_l3s(&cfg.data)?.0);
    let mut docs: Vec<ContentDoc> = Vec::new();
    let units = |docs: &[ContentDoc]| docs.iter().map(|d| d.texts.len()).sum::<usize>();
    let web_budget = cfg.content_units;
    let mut l3s: Vec<ContentDoc> = train_pages.iter().map(|p| web_doc(p, &kinds)).collect();
    l3s.shuffle(&mut rng);
    let mut other_pages = load_cleaneval_dragnet(&cfg.data)?;
    other_pages.shuffle(&mut rng);
    // L3S-GN1 pages up to two thirds of the web budget, CleanEval/Dragnet pages for the rest.
    let mut n_web = 0;
    for d in l3s {
        if n_web >= web_budget * 2 / 3 {
            break;
        }
        n_web += d.texts.len();
        docs.push(d);
    }
    let n_l3s_docs = docs.len();
    for p in &other_pages {
        if n_web >= web_budget {
            break;
        }
        let d = web_doc(p, &kinds);
        n_web += d.texts.len();
        docs.push(d);
    }
    let n_web_docs = docs.len();
    let mut articles = load_ptc(&cfg.data, PtcSplit::Train)?;
    articles.shuffle(&mut rng);
    let mut n_ptc = 0;
    for a in &articles {
        if n_ptc >= web_budget / 4 {
            break;
        }
        let d = article_doc(&a.text, &kinds, Origin::Ptc, cfg.furnish_ptc);
        n_ptc += d.texts.len();
        docs.push(d);
    }
    let n_ptc_docs = docs.len() - n_web_docs;
    // Lone sentences as documents of one unit (a JSONL record, a BABE sentence): no page around
    // them, so article. Without them the layer never sees a one-unit document and takes many for
    // filler. BABE train sentences (its held-out links are never read here) and PTC train lines.
    let (babe_train, _) = load_babe(&cfg.data)?;
    let mut lone: Vec<String> = babe_train.into_iter().map(|s| s.text).collect();
    lone.extend(articles.iter().flat_map(|a| a.lines.iter().map(|l| l.text.trim().to_string())).filter(|t| !t.is_empty()));
    lone.shuffle(&mut rng);
    // 0.3.0's recipe: one per 10 web units (one per 30 and per 60 were tried; see the model card).
    let n_lone = (web_budget / *LONE_PER_WEB).min(lone.len());
    for t in lone.iter().take(n_lone) {
        docs.push(article_doc(t, &kinds, Origin::Lone, cfg.furnish_ptc));
    }
    let mut dev_authored: Vec<ContentDoc> = Vec::new();
    let mut n_authored = 0;
    if let Some((dir, repeat)) = &cfg.authored_pages {
        let (train, dev) = load_authored_split(dir)?;
        dev_authored.extend(dev.iter().map(|p| web_doc(p, &kinds)));
        n_authored = train.len();
        docs.extend(train.iter().map(|p| ContentDoc { repeat: *repeat, origin: Origin::Authored, ..web_doc(p, &kinds) }));
    }
    let mut dev_l3s: Vec<ContentDoc> = dev_pages.iter().map(|p| web_doc(p, &kinds)).collect();
    if let Some(n) = cfg.limit {
        docs.shuffle(&mut rng);
        docs.truncate(n);
        dev_l3s.truncate(n.div_ceil(20));
        dev_authored.truncate(n.div_ceil(20));
    }
    log.line(&format!(
        "content layer: {n_l3s_docs} L3S-GN1 train pages and {} CleanEval/Dragnet pages ({n_web} units), \
         {n_ptc_docs} PTC articles ({n_ptc} units), {n_lone} lone sentences, {n_authored} authored pages x{}; {} distinct documents, {} units; \
         dev: {} held-back L3S-GN1 pages ({} units), {} authored pages ({} units)",
        n_web_docs - n_l3s_docs,
        cfg.authored_pages.as_ref().map_or(0, |a| a.1),
        docs.len(),
        units(&docs),
        dev_l3s.len(),
        units(&dev_l3s),
        dev_authored.len(),
        units(&dev_authored),
    ));

    let device = tch::Device::cuda_if_available();
    let mut model = TorchModel::from_model_except(&from_dir, &spec, device, cfg.seed, "heads.content")?;
    let tokenizer = Tokenizer::load(&from_dir.tokenizer(), spec.max_len, spec.context)?;
    // Encoder outputs once, for every unit of every document (length-sorted batches), then cut back
    // into documents. They depend only on the frozen model and the texts, so they are cached next to
    // the run directory (a rerun with other layer settings skips the encoder).
    let started = Instant::now();
    let n_content = spec.content_labels.len();
    let inputs: Vec<Vec<UnitInput>> = docs.iter().map(ContentDoc::inputs).collect();
    let features = cached_unit_features(cfg, &from_dir, &model, &tokenizer, &inputs)?;
    let mut train_docs = Vec::with_capacity(docs.len());
    if cfg.augment_pages > 0.0 && spec.context > 0 {
        // A variant reuses each unit's encoder features, which hold only when a unit is encoded alone.
        return Err(Error::Usage("--augment-pages needs a model that encodes each unit alone (context 0)".into()));
    }
    // Its own stream, so that the variants do not change any other draw of the run.
    let mut variant_rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0x5eed_0a06);
    let mut n_variants = 0;
    for (doc, x) in docs.iter().zip(&features) {
        let x = x.shallow_clone();
        let n = doc.texts.len();
        if n == 0 {
            continue;
        }
        let y = Array2::from_shape_fn((n, n_content), |(i, k)| doc.targets[i][k]);
        let m = Array2::from_shape_fn((n, n_content), |(i, k)| doc.masks[i][k]);
        for _ in 1..doc.repeat {
            if cfg.augment_pages > 0.0 {
                let filler: Vec<bool> = doc.targets.iter().map(|t| t[0] == 1.0).collect();
                let rows = variant_rows(&filler, cfg.augment_pages, &mut variant_rng);
                let texts: Vec<&str> = rows.iter().map(|&i| doc.texts[i].as_str()).collect();
                let dom: Option<Vec<Dom>> = doc.dom.as_ref().map(|d| rows.iter().map(|&i| d[i]).collect());
                let layout = with_dom(&texts, dom.as_deref());
                let layout = Array2::from_shape_fn((rows.len(), LAYOUT_FEATURES), |(i, k)| layout[i][k]);
                let pick = |a: &Array2<f32>| a.select(ndarray::Axis(0), &rows);
                train_docs.push((model.compose(&[(&x, &rows)], &layout), pick(&y), pick(&m)));
                n_variants += 1;
            } else {
                train_docs.push((x.shallow_clone(), y.clone(), m.clone()));
            }
        }
        train_docs.push((x, y, m));
    }
    // A propaganda site's page is its article inside the site's furniture (seeds 000 and 002),
    // while every PTC article comes without it: each PTC article is also put inside the masthead
    // and closing furniture of a random authored training page, so that loaded prose does not
    // come to mean "no furniture here".
    let mut n_furnished = 0;
    if cfg.furnish_ptc {
        let pages: Vec<usize> = (0..docs.len())
            .filter(|&i| docs[i].origin == Origin::Authored && !furniture_ends(&docs[i]).1.is_empty())
            .collect();
        for (d, doc) in docs.iter().enumerate().filter(|(_, d)| d.origin == Origin::Ptc && !d.texts.is_empty()) {
            let Some(&p) = pages.choose(&mut variant_rng) else { break };
            let (lead, tail) = furniture_ends(&docs[p]);
            let body: Vec<usize> = (0..doc.texts.len()).collect();
            let parts = [(p, &lead), (d, &body), (p, &tail)];
            let texts: Vec<&str> = parts.iter().flat_map(|(k, rows)| rows.iter().map(|&i| docs[*k].texts[i].as_str())).collect();
            let layout = layout_features(&texts);
            let layout = Array2::from_shape_fn((texts.len(), LAYOUT_FEATURES), |(i, k)| layout[i][k]);
            // Targets or masks (`of`) of the units taken, in order.
            let rows_of = |of: fn(&ContentDoc) -> &Vec<Vec<f32>>| {
                let mut cells = Vec::with_capacity(texts.len() * n_content);
                for (k, rows) in &parts {
                    for &i in rows.iter() {
                        cells.extend_from_slice(&of(&docs[*k])[i][..n_content]);
                    }
                }
                Array2::from_shape_vec((texts.len(), n_content), cells).expect("one row per unit")
            };
            let x = model.compose(&parts.map(|(k, rows)| (&features[k], rows.as_slice())), &layout);
            train_docs.push((x, rows_of(|c| &c.targets), rows_of(|c| &c.masks)));
            n_furnished += 1;
        }
    }
    log.line(&format!(
        "unit features of {} documents ({:.0}s){}{}",
        train_docs.len(),
        started.elapsed().as_secs_f64(),
        if n_variants > 0 { format!("; {n_variants} of them variants of authored pages (each unit left out with p {})", cfg.augment_pages) } else { String::new() },
        if n_furnished > 0 { format!("; {n_furnished} of them PTC articles inside an authored page's furniture") } else { String::new() }
    ));
    // Half the time a page's markup features are hidden (each document, each pass), so the layer
    // learns pages both as HTML and as the plain-text scrape they also arrive as.
    let hide = Some((DOM_FEATURES as i64, *MARKUP_DROPOUT));
    // Each layer of an ensemble starts from its own initial weights and draws its own batch order
    // and dropout (seed + k); the first is what a single-layer run with this seed trains.
    if !sources.is_empty() {
        let mut k = 0;
        for src in &sources {
            if src.spec.content_rnn != spec.content_rnn || src.spec.layout_features != spec.layout_features {
                return Err(Error::Usage(format!("{}: its content layers have another shape", src.path.display())));
            }
            for j in 0..src.spec.content_members {
                model.load_content_layer(k, src, j)?;
                k += 1;
            }
        }
        log.line(&format!(
            "content layers taken from {}",
            sources.iter().map(|d| format!("{} ({})", d.path.display(), d.spec.content_members)).collect::<Vec<_>>().join(", ")
        ));
    }
    for k in (offset..spec.content_members).filter(|_| sources.is_empty()) {
        let started = Instant::now();
        let seed = cfg.seed + k as u64;
        let losses = model.fit_document_head(DocHeadKind::Content, k, &train_docs, cfg.epochs, 8, cfg.lr, seed, hide, cfg.layer_lr_decay)?;
        let layer = if spec.content_members > 1 { format!("layer {k} ") } else { String::new() };
        for (epoch, l) in losses.iter().enumerate() {
            log.line(&format!("{layer}epoch {} content loss {l:.4}", epoch + 1));
        }
        log.line(&format!("{layer}trained ({:.0}s)", started.elapsed().as_secs_f64()));
    }
    if offset > 0 {
        model.keep_content_layers(&(offset..spec.content_members).collect::<Vec<_>>())?;
        spec.content_members -= offset;
        log.line(&format!("kept the trained layers (seeds {}..={})", cfg.seed + offset as u64, cfg.seed + (offset + trained) as u64 - 1));
    }


    // Dev: the content layers read the frozen unit features, so those are computed (or read from
    // the cache) once and each layer, or the mean of the kept ones, runs on them.
    let features = |docs: &[Vec<UnitInput>]| -> Result<Vec<Array2<f32>>> {
        cached_unit_features(cfg, &from_dir, &model, &tokenizer, docs)?.iter().map(|x| tensor_rows(x, &cfg.out)).collect()
    };
    let dev_x = |docs: &[ContentDoc]| features(&docs.iter().map(ContentDoc::inputs).collect::<Vec<_>>());
    let (l3s_x, authored_x) = (dev_x(&dev_l3s)?, dev_x(&dev_authored)?);
    // The extraction dev set (`eval dragnet-dev`: Dragnet test pages from HTML, never trained on):
    // the Zyte benchmark's shingle F1 of the units kept at each threshold.
    let mut dragnet_pages = load_dragnet_test(&cfg.data)?;
    if let Some(n) = cfg.limit {
        dragnet_pages.truncate(n.div_ceil(20));
    }
    // From HTML, as `eval dragnet-dev` reads them: with their markup features.
    let dragnet: Vec<(Vec<String>, Option<Vec<Dom>>, String)> = dragnet_pages
        .into_iter()
        .map(|p| {
            let doc = crate::text::Document::from_html(&p.id, html::extract(&p.html));
            let units = segment(&doc.text);
            let dom = doc.unit_dom(&units);
            (units.into_iter().map(|u| u.text).collect(), dom, p.gold)
        })
        .collect();
    let dragnet_x = features(
        &dragnet.iter().map(|(t, dom, _)| UnitInput::in_page(&t.iter().map(String::as_str).collect::<Vec<_>>(), dom.as_deref())).collect::<Vec<_>>(),
    )?;
    // P(filler) of each unit of each document: of layer `k` alone, or (None) of the model.
    let filler_p = |model: &TorchModel, xs: &[Array2<f32>], k: Option<usize>| -> Result<Vec<Vec<f32>>> {
        xs.iter()
            .map(|x| {
                if x.nrows() == 0 {
                    return Ok(Vec::new());
                }
                let p = match k {
                    Some(k) => model.content_layer(k, x)?,
                    None => model.document(x)?.content,
                };
                Ok(p.column(0).to_vec())
            })
            .collect()
    };
    let extraction_f1 = |p: &[Vec<f32>], t: f32| {
        let pages: Vec<_> = dragnet
            .iter()
            .zip(p)
            .map(|((texts, _, gold), p)| {
                let kept: Vec<&str> = texts.iter().zip(p).filter(|(_, &p)| p < t).map(|(x, _)| x.as_str()).collect();
                zyte_match(&kept.join("\n"), gold)
            })
            .collect();
        zyte_summary(&pages).f1
    };
    // P(filler) on the three dev sets, of layer `k` alone or (None) of the model.
    struct DevP {
        l3s: Vec<Vec<f32>>,
        dragnet: Vec<Vec<f32>>,
        authored: Vec<Vec<f32>>,
    }
    let dev_p = |model: &TorchModel, k: Option<usize>| -> Result<DevP> {
        Ok(DevP { l3s: filler_p(model, &l3s_x, k)?, dragnet: filler_p(model, &dragnet_x, k)?, authored: filler_p(model, &authored_x, k)? })
    };
    // The filler F1s on the three dev sets at threshold `t` (their mean is the objective: the mean,
    // so that the few authored pages count as much as the many L3S ones).
    let dev_f1s = |p: &DevP, t: f32| -> Vec<f64> {
        let mut parts = vec![filler_f1(&dev_l3s, &p.l3s, t), extraction_f1(&p.dragnet, t)];
        if !dev_authored.is_empty() {
            parts.push(filler_f1(&dev_authored, &p.authored, t));
        }
        parts
    };
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;

    // One layer's decisions on rare page shapes swing with its seed (see the model card), so
    // more layers may be trained than kept: the kept ones are those with the best dev objective,
    // each at its own best threshold.
    if spec.content_members > cfg.content_members {
        let mut ranked = Vec::new();
        for k in 0..spec.content_members {
            let p = dev_p(&model, Some(k))?;
            let (mut best, mut best_t, mut best_parts) = (f64::MIN, 1.0, Vec::new());
            for i in 1..100 {
                let t = i as f32 / 100.0;
                let parts = dev_f1s(&p, t);
                if mean(&parts) > best {
                    (best, best_t, best_parts) = (mean(&parts), t, parts);
                }
            }
            let shown: Vec<String> = best_parts.iter().map(|f| format!("{f:.4}")).collect();
            log.line(&format!(
                "layer {k}: dev mean {best:.4} at threshold {best_t:.2} (L3S dev, Dragnet dev{}: {}); authored dev pages all right: {}/{}",
                if dev_authored.is_empty() { "" } else { ", authored dev" },
                shown.join(", "),
                pages_all_right(&dev_authored, &p.authored, best_t),
                dev_authored.len()
            ));
            ranked.push((best, k));
        }
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let keep: Vec<usize> = ranked.iter().take(cfg.content_members).map(|&(_, k)| k).collect();
        model.keep_content_layers(&keep)?;
        spec.content_members = keep.len();
        log.line(&format!("kept content layers {keep:?} (seeds {:?})", keep.iter().map(|&k| cfg.seed + k as u64).collect::<Vec<_>>()));
    }

    let model_dir = write_model_dir(&cfg.out, &model, &from_dir, &spec)?;
    let mut th = Thresholds::load(&from_dir.thresholds())?;
    // The HTML thresholds belong to the old layer; `framemark tune-filler` sets them for this one.
    (th.filler_html, th.filler_html_kept) = (None, None);
    // A unit taken for filler loses its framing labels, so the threshold is also held to the
    // framing dev set: among thresholds that cost PTC dev SLC F1 (article text only) at most
    // `MAX_FRAMING_DROP`, the one with the best mean of the filler F1s on L3S dev and authored dev
    // (the mean, so that the few authored pages count as much as the many L3S ones).
    const MAX_FRAMING_DROP: f64 = 0.01;
    let dev_articles = load_ptc(&cfg.data, PtcSplit::Dev)?;
    let lines = article_lines(&dev_articles);
    let lines = &lines[..cfg.limit.unwrap_or(lines.len()).min(lines.len())];
    let ptc_scores = score(&model, &tokenizer, &crate::eval::line_inputs(&dev_articles, lines), 64)?;
    let slc = |filler_t: f32| {
        let mut c = Counts::default();
        for (&(a, i), s) in lines.iter().zip(&ptc_scores) {
            c.add(s.sentence[0] >= th.loaded && s.content[0] < filler_t, dev_articles[a].line_is_propaganda(i));
        }
        c.f1()
    };
    let slc_before = slc(f32::INFINITY);
    let p = dev_p(&model, None)?;
    let objective = |t: f32| mean(&dev_f1s(&p, t));
    let (mut t, mut f) = (1.0f32, 0.0f64);
    for k in 1..100 {
        let cand = k as f32 / 100.0;
        if slc_before - slc(cand) > MAX_FRAMING_DROP {
            continue;
        }
        let o = objective(cand);
        if o > f {
            (t, f) = (cand, o);
        }
    }
    log.line(&format!(
        "filler threshold {t:.2}: unit F1 L3S dev {:.4}, authored dev {:.4} (pages all right: {}/{}), Dragnet dev extraction F1 {:.4} (every line {:.4}); PTC dev SLC F1 {slc_before:.4} -> {:.4}",
        filler_f1(&dev_l3s, &p.l3s, t),
        filler_f1(&dev_authored, &p.authored, t),
        pages_all_right(&dev_authored, &p.authored, t),
        dev_authored.len(),
        extraction_f1(&p.dragnet, t),
        extraction_f1(&p.dragnet, f32::INFINITY),
        slc(t)
    ));
    th.filler = t;
    let old = std::fs::read_to_string(from_dir.thresholds()).map_err(|e| Error::io(from_dir.thresholds(), e))?;
    let header: String = old.lines().take_while(|l| l.starts_with('#')).filter(|l| !l.starts_with("# filler")).map(|l| format!("{l}\n")).collect();
    let header = header
        + &format!(
            "# filler: best mean ({f:.4}) of the unit F1s of held-back L3S-GN1 train pages ({} units) and held-back authored pages ({} units) and of the extraction F1 of {} Dragnet test pages, that costs PTC dev SLC F1 at most {MAX_FRAMING_DROP}; framing as in {}.\n",
            units(&dev_l3s),
            units(&dev_authored),
            dragnet.len(),
            from_dir.spec.id()
        );
    let th_path = model_dir.join("thresholds.toml");
    std::fs::write(&th_path, header.clone() + &th.to_toml()).map_err(|e| Error::io(&th_path, e))?;
    // HTML input: `filler_html` and `filler_html_kept`, as `framemark tune-filler --write` sets them,
    // from the written model through the default (candle) backend.
    let clf = crate::pipeline::Classifier::load(&model_dir, crate::model::BackendKind::Candle, labels)?;
    let t = crate::eval::tune::tune_html_filler(&cfg.data, &clf, cfg.limit.map(|n| n.div_ceil(20)))?;
    (th.filler_html, th.filler_html_kept) = (Some(t.best.filler_html), Some(t.best.filler_html_kept));
    let note = t.note();
    log.line(&note[2..]);
    std::fs::write(&th_path, header + &note + "\n" + &th.to_toml()).map_err(|e| Error::io(&th_path, e))?;
    log.line(&format!("model written to {}", model_dir.display()));
    Ok(model_dir)
}

/// Blends a jointly trained model (`trained`) with another fine-tune of the same base (`other`,
/// e.g. the framing-only model): encoder and framing heads become `alpha * trained + (1 - alpha) *
/// other`; the claim and content heads stay `trained`'s. Thresholds are tuned anew on the dev sets
/// (PTC dev; claims-dev), and the log gives every dev score, so `alpha` is chosen on dev alone.
pub fn blend(cfg: &TrainConfig, trained: &Path, other: &Path, alpha: f64, labels: &LabelSet) -> Result<PathBuf> {
    tch::set_num_threads(cfg.threads);
    std::fs::create_dir_all(&cfg.out).map_err(|e| Error::io(&cfg.out, e))?;
    let log_path = cfg.out.join("train.log");
    let mut log = Log { file: std::fs::File::create(&log_path).map_err(|e| Error::io(&log_path, e))? };
    log.line(&format!("framemark train --from {} --blend-with {} --blend-alpha {alpha}", trained.display(), other.display()));
    let trained_dir = crate::model::ModelDir::open(trained)?;
    let other_dir = crate::model::ModelDir::open(other)?;
    let mut spec = trained_dir.spec.clone();
    spec.name = cfg.name.clone();
    spec.version = cfg.version.clone();
    let mut model = TorchModel::load(&trained_dir, tch::Device::cuda_if_available())?;
    let n = model.blend(&other_dir.weights(), alpha, &["heads.content", "heads.claim"])?;
    log.line(&format!("blended {n} weights"));
    let model_dir = write_model_dir(&cfg.out, &model, &trained_dir, &spec)?;
    let model = TorchModel::load(&crate::model::ModelDir::open(&model_dir)?, tch::Device::cuda_if_available())?;
    let tokenizer = Tokenizer::load(&trained_dir.tokenizer(), spec.max_len, spec.context)?;

    let techniques: Vec<String> = labels.techniques().iter().map(|l| l.name.clone()).collect();
    let dev_articles = load_ptc(&cfg.data, PtcSplit::Dev)?;
    let (dev_paras, _) = load_semeval(&cfg.data, "train", &dev_articles)?;
    let dev = build_dev(&dev_articles, &dev_paras, cfg.limit);
    let mut r = tune(&dev, &score(&model, &tokenizer, &dev.inputs(), 64)?, &techniques);
    r.thresholds.filler = Thresholds::load(&trained_dir.thresholds())?.filler;
    let mut header = format!(
        "# Blend {alpha:.2} x {} + {:.2} x {}: chosen on PTC dev (SLC F1 {:.4}) and its SemEval-2023 paragraph labels (micro-F1 {:.4}).\n",
        trained_dir.spec.id(),
        1.0 - alpha,
        other_dir.spec.id(),
        r.slc_f1,
        r.paragraph_micro_f1
    );
    let mut claims = String::new();
    if !spec.claim_labels.is_empty() {
        let (att, cw) = ClaimDev::load(cfg)?.f1(&model, &tokenizer)?;
        let chosen = tune_claims(cfg, &model, &tokenizer, &mut r.thresholds, &mut log)?;
        header += &format!("# claim: {chosen}.\n");
        claims = format!(", PolNeAR dev attributed F1 {att:.4} and CheckThat! dev claim F1 {cw:.4} at their best thresholds; claim thresholds: {chosen}");
    }
    log.line(&format!(
        "blend {alpha}: dev SLC F1 {:.4} (loaded threshold {:.2}), dev paragraph micro-F1 {:.4}{claims}",
        r.slc_f1, r.thresholds.loaded, r.paragraph_micro_f1
    ));
    let th_path = model_dir.join("thresholds.toml");
    std::fs::write(&th_path, header + &r.thresholds.to_toml()).map_err(|e| Error::io(&th_path, e))?;
    log.line(&format!("model written to {}", model_dir.display()));
    Ok(model_dir)
}

/// Writes `<out>/model/` for a layer trained on top of `from`: the weights, `from`'s config and
/// tokenizer, and `spec` (thresholds are the caller's).
fn write_model_dir(out: &Path, model: &TorchModel, from: &crate::model::ModelDir, spec: &ModelSpec) -> Result<PathBuf> {
    let model_dir = out.join("model");
    std::fs::create_dir_all(&model_dir).map_err(|e| Error::io(&model_dir, e))?;
    model.save(&model_dir.join("model.safetensors"))?;
    let copy = |src: &Path, to: &Path| std::fs::copy(src, to).map(|_| ()).map_err(|e| Error::io(src, e));
    copy(&from.config(), &model_dir.join("config.json"))?;
    copy(&from.tokenizer(), &model_dir.join("tokenizer.json"))?;
    let spec_path = model_dir.join("framemark.json");
    std::fs::write(&spec_path, serde_json::to_string_pretty(spec)? + "\n").map_err(|e| Error::io(&spec_path, e))?;
    Ok(model_dir)
}

/// Claim training documents: unit texts, targets `[claim, attributed, vague]`, their masks, and
/// per unit its (source, cue) spans where token targets are known.
type ClaimDoc = (Vec<String>, Vec<[f32; 3]>, Vec<[f32; 3]>, Option<Vec<(Vec<(usize, usize)>, Vec<(usize, usize)>)>>);

/// The frozen model's encodings for claim training: each document's unit features, and the hidden
/// states of every real token of the units with known spans (`[tokens, hidden]`) with their
/// (source, cue) targets. Cached like [`cached_unit_features`].
fn cached_claim_encodings(
    cfg: &TrainConfig,
    from: &crate::model::ModelDir,
    model: &TorchModel,
    tokenizer: &Tokenizer,
    docs: &[ClaimDoc],
) -> Result<(Vec<tch::Tensor>, tch::Tensor, Array2<f32>)> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let spans: Vec<&Option<_>> = docs.iter().map(|d| &d.3).collect();
    let texts: Vec<&Vec<String>> = docs.iter().map(|d| &d.0).collect();
    ("claims", from.spec.id(), weights_digest(from)?, cfg.max_len, &texts, &spans).hash(&mut h);
    for d in &texts {
        for f in layout_features(&d.iter().map(String::as_str).collect::<Vec<_>>()).iter().flatten() {
            f.to_bits().hash(&mut h);
        }
    }
    let dir = cfg.out.parent().unwrap_or(Path::new(".")).join("feature-cache");
    let path = dir.join(format!("{:016x}.safetensors", h.finish()));
    if let Ok(named) = tch::Tensor::read_safetensors(&path) {
        let mut by_name: HashMap<String, tch::Tensor> = named.into_iter().collect();
        let loaded: Option<Vec<tch::Tensor>> = (0..docs.len()).map(|i| by_name.remove(&format!("d{i}"))).collect();
        if let (Some(v), Some(x), Some(y)) = (loaded, by_name.remove("tok_x"), by_name.remove("tok_y")) {
            let n = y.size()[0] as usize;
            let y: Vec<f32> = Vec::<f32>::try_from(y.flatten(0, -1))?;
            let y = Array2::from_shape_vec((n, 2), y).map_err(|e| Error::Model { path: path.clone(), reason: e.to_string() })?;
            return Ok((v, x, y));
        }
    }
    let device = tch::Device::Cpu;
    let flat: Vec<(usize, usize, Encoded)> = docs
        .iter()
        .enumerate()
        .flat_map(|(d, doc)| {
            let texts: Vec<&str> = doc.0.iter().map(String::as_str).collect();
            UnitInput::in_document(&texts).into_iter().enumerate().map(move |(k, u)| (d, k, u)).collect::<Vec<_>>()
        })
        .map(|(d, k, u)| tokenizer.encode(&u).map(|e| (d, k, e)))
        .collect::<Result<_>>()?;
    let mut order: Vec<usize> = (0..flat.len()).collect();
    order.sort_by_key(|&i| flat[i].2.ids.len());
    let mut rows: Vec<Option<tch::Tensor>> = (0..flat.len()).map(|_| None).collect();
    let (mut tok_x, mut tok_y): (Vec<tch::Tensor>, Vec<f32>) = (Vec::new(), Vec::new());
    for chunk in order.chunks(64) {
        let batch = Batch::new(&chunk.iter().map(|&i| &flat[i].2).collect::<Vec<_>>());
        let (x, hidden) = model.claim_inputs(&batch)?;
        let (x, hidden) = (x.to_device(device), hidden.to_device(device));
        for (k, &i) in chunk.iter().enumerate() {
            rows[i] = Some(x.get(k as i64));
            let (d, u, enc) = &flat[i];
            let Some(spans) = &docs[*d].3 else { continue };
            let (source, cue) = &spans[*u];
            let real: Vec<i64> = (0..enc.ids.len()).filter(|&j| enc.offsets[j] != (0, 0)).map(|j| j as i64).collect();
            if real.is_empty() {
                continue;
            }
            tok_x.push(hidden.get(k as i64).index_select(0, &tch::Tensor::from_slice(&real)));
            for &j in &real {
                let (s, e) = enc.offsets[j as usize];
                let hit = |spans: &[(usize, usize)]| f32::from(u8::from(spans.iter().any(|&(a, b)| s < b && a < e)));
                tok_y.push(hit(source));
                tok_y.push(hit(cue));
            }
        }
    }
    let mut out = Vec::with_capacity(docs.len());
    let mut at = 0;
    for doc in docs {
        let n = doc.0.len();
        let doc_rows: Vec<tch::Tensor> = rows[at..at + n].iter().map(|r| r.as_ref().expect("encoded").shallow_clone()).collect();
        out.push(if n == 0 { tch::Tensor::zeros([0, 0], (tch::Kind::Float, device)) } else { tch::Tensor::stack(&doc_rows, 0) });
        at += n;
    }
    let tok_x = tch::Tensor::cat(&tok_x, 0);
    let n_tok = tok_y.len() / 2;
    let y_tensor = tch::Tensor::from_slice(&tok_y).view([n_tok as i64, 2]);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let mut named: Vec<(String, tch::Tensor)> = out.iter().enumerate().map(|(i, t)| (format!("d{i}"), t.shallow_clone())).collect();
    named.push(("tok_x".into(), tok_x.shallow_clone()));
    named.push(("tok_y".into(), y_tensor));
    tch::Tensor::write_safetensors(&named, &path)?;
    let tok_y = Array2::from_shape_vec((n_tok, 2), tok_y).map_err(|e| Error::Model { path: path.clone(), reason: e.to_string() })?;
    Ok((out, tok_x, tok_y))
}

/// Adds the claim layer to an existing framemark model (`from`) without touching anything else: the
/// encoder, the framing heads and the content layer are frozen, so their outputs stay exactly the
/// old model's. Trained on frozen encoder outputs:
/// - the claim head (with `cfg.claim_rnn > 0`, a bidirectional GRU over the document's units first,
///   so a unit sees its neighbours: "He added that ...", a quotation whose speaker follows) on
///   PolNeAR train articles (`attributed` = the unit belongs to a sourced attribution, `vague` = to
///   an unsourced or vaguely sourced one; `claim` unknown) and CheckThat! train sentences, each
///   alone (`claim` = check-worthy; the others unknown);
/// - the token head (`source`, `cue`) on the tokens of the PolNeAR train units.
///
/// Thresholds: the best macro-F1 over the four labels on the hand-labeled claims-dev set (the issue's
/// tuning set), on a 0.05 grid; the log also gives the PolNeAR dev unit F1 of P(attributed).
pub fn train_claim_head(cfg: &TrainConfig, from: &Path, _labels: &LabelSet) -> Result<PathBuf> {
    use crate::data::claims::{load_checkthat, load_polnear, polnear_units, Attribution, CheckthatSplit, PolnearSplit};
    tch::set_num_threads(cfg.threads);
    std::fs::create_dir_all(&cfg.out).map_err(|e| Error::io(&cfg.out, e))?;
    let log_path = cfg.out.join("train.log");
    let mut log = Log { file: std::fs::File::create(&log_path).map_err(|e| Error::io(&log_path, e))? };
    log.line(&format!("framemark train --claims --from {}: {cfg:?}", from.display()));
    let from_dir = crate::model::ModelDir::open(from)?;
    let mut spec = from_dir.spec.clone();
    spec.name = cfg.name.clone();
    spec.version = cfg.version.clone();
    spec.claim_labels = ["claim", "attributed", "vague"].map(String::from).to_vec();
    spec.claim_token_labels = ["source", "cue"].map(String::from).to_vec();
    spec.claim_rnn = cfg.claim_rnn;
    spec.layout_features = LAYOUT_FEATURES;

    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let mut docs: Vec<ClaimDoc> = Vec::new();
    let mut articles = load_polnear(&cfg.data, PolnearSplit::Train)?;
    articles.shuffle(&mut rng);
    let (mut n_units, mut n_sourced, mut n_unsourced) = (0, 0, 0);
    for a in &articles {
        let units = polnear_units(a);
        let mut doc = (Vec::new(), Vec::new(), Vec::new(), Some(Vec::new()));
        for u in units {
            let (att, vague) = (u.attribution == Attribution::Sourced, u.attribution == Attribution::Unsourced);
            n_sourced += usize::from(att);
            n_unsourced += usize::from(vague);
            doc.0.push(u.text.clone());
            doc.1.push([0.0, f32::from(u8::from(att)), f32::from(u8::from(vague))]);
            doc.2.push([0.0, 1.0, 1.0]);
            doc.3.as_mut().expect("set above").push((u.source_spans.clone(), u.cue_spans.clone()));
        }
        n_units += doc.0.len();
        docs.push(doc);
    }
    let n_polnear = docs.len();
    let mut ct = load_checkthat(&cfg.data, CheckthatSplit::Train)?;
    ct.shuffle(&mut rng);
    let n_ct = cfg.claim_sentences.min(ct.len());
    for s in ct.iter().take(n_ct) {
        docs.push((vec![s.text.clone()], vec![[f32::from(u8::from(s.checkworthy)), 0.0, 0.0]], vec![[1.0, 0.0, 0.0]], None));
    }
    // Authored documents carry all four labels (the only gold for vague and unattributed beyond
    // PolNeAR's few unsourced units), so every claim channel is supervised on them.
    let mut n_authored = 0;
    if let Some((path, repeat)) = &cfg.authored_claims {
        let authored = crate::data::claims::load_authored_claims(path)?;
        for _ in 0..*repeat {
            for d in &authored {
                let y = d.units.iter().map(|u| match u.label.as_str() {
                    "attributed" => [1.0, 1.0, 0.0],
                    "vague" => [1.0, 0.0, 1.0],
                    "unattributed" => [1.0, 0.0, 0.0],
                    _ => [0.0, 0.0, 0.0],
                });
                let spans = d.units.iter().map(|u| (u.source.into_iter().collect(), u.cue.into_iter().collect())).collect();
                docs.push((d.units.iter().map(|u| u.text.clone()).collect(), y.collect(), vec![[1.0; 3]; d.units.len()], Some(spans)));
            }
        }
        n_authored = authored.len();
        log.line(&format!("authored: {n_authored} claim documents x{repeat} from {}", path.display()));
    }
    if let Some(n) = cfg.limit {
        docs.shuffle(&mut rng);
        docs.truncate(n);
    }
    log.line(&format!(
        "claim layer: {n_polnear} PolNeAR train articles ({n_units} units: {n_sourced} sourced, {n_unsourced} unsourced), \
         {n_ct} CheckThat! train sentences, {n_authored} authored documents; {} documents",
        docs.len()
    ));

    let device = tch::Device::cuda_if_available();
    let mut model = TorchModel::from_model_except(&from_dir, &spec, device, cfg.seed, "heads.claim")?;
    let tokenizer = Tokenizer::load(&from_dir.tokenizer(), spec.max_len, spec.context)?;
    let started = Instant::now();
    let (features, tok_x, tok_y) = cached_claim_encodings(cfg, &from_dir, &model, &tokenizer, &docs)?;
    let mut train_docs = Vec::with_capacity(docs.len());
    for (doc, x) in docs.iter().zip(features) {
        let n = doc.0.len();
        if n == 0 {
            continue;
        }
        let y = Array2::from_shape_fn((n, 3), |(i, k)| doc.1[i][k]);
        let m = Array2::from_shape_fn((n, 3), |(i, k)| doc.2[i][k]);
        train_docs.push((x, y, m));
    }
    let n_tok = tok_y.nrows();
    log.line(&format!("encoded {} documents, {n_tok} PolNeAR tokens ({:.0}s)", train_docs.len(), started.elapsed().as_secs_f64()));
    let losses = model.fit_document_head(DocHeadKind::Claim, 0, &train_docs, cfg.epochs, 8, cfg.lr, cfg.seed, None, cfg.layer_lr_decay)?;
    for (epoch, l) in losses.iter().enumerate() {
        log.line(&format!("epoch {} claim loss {l:.4}", epoch + 1));
    }
    let tok_losses = model.fit_claim_tokens(&tok_x, &tok_y, cfg.epochs.div_ceil(4), 1024, cfg.lr, cfg.seed)?;
    for (epoch, l) in tok_losses.iter().enumerate() {
        log.line(&format!("epoch {} claim token loss {l:.4}", epoch + 1));
    }

    let model_dir = write_model_dir(&cfg.out, &model, &from_dir, &spec)?;

    // Thresholds, on dev sets only.
    let mut th = Thresholds::load(&from_dir.thresholds())?;
    let chosen = tune_claims(cfg, &model, &tokenizer, &mut th, &mut log)?;
    let old = std::fs::read_to_string(from_dir.thresholds()).map_err(|e| Error::io(from_dir.thresholds(), e))?;
    let header: String = old.lines().take_while(|l| l.starts_with('#')).filter(|l| !l.starts_with("# claim")).map(|l| format!("{l}\n")).collect();
    let header = header
        + &format!(
            "# claim: {}; framing and filler as in {}.\n",
            chosen,
            from_dir.spec.id()
        );
    let th_path = model_dir.join("thresholds.toml");
    std::fs::write(&th_path, header + &th.to_toml()).map_err(|e| Error::io(&th_path, e))?;
    log.line(&format!("model written to {}", model_dir.display()));
    Ok(model_dir)
}

/// Sets the claim thresholds of `th` for `model` on the three claim dev sets (claims-dev, the issue's
/// tuning set; PolNeAR dev; CheckThat! dev), deciding as `decide_claim` and the evals do; returns
/// how they were chosen, with the three dev scores, for the thresholds file.
fn tune_claims(cfg: &TrainConfig, model: &TorchModel, tokenizer: &Tokenizer, th: &mut Thresholds, log: &mut Log) -> Result<String> {
    use crate::data::claims::{load_checkthat, load_polnear, polnear_units, Attribution, CheckthatSplit, PolnearSplit};
    use crate::eval::claims::{dev_counts, dev_row_scores, load_dev_docs};
    let take = |n: usize| cfg.limit.map_or(n, |l| l.div_ceil(20)).min(n);
    // PolNeAR dev units in their articles: (P(claim), P(attributed), filler?, sourced?).
    let dev = load_polnear(&cfg.data, PolnearSplit::Dev)?;
    let mut polnear: Vec<(f32, f32, bool, bool)> = Vec::new();
    for a in &dev[..take(dev.len())] {
        let units = polnear_units(a);
        let texts: Vec<&str> = units.iter().map(|u| u.text.as_str()).collect();
        for (u, s) in units.iter().zip(score(model, tokenizer, &UnitInput::in_document(&texts), 64)?) {
            let filler = s.content.first().is_some_and(|&p| p >= th.filler);
            polnear.push((s.claim[0], s.claim[1], filler, u.attribution == Attribution::Sourced));
        }
    }
    // CheckThat! dev sentences alone: (P(claim), check-worthy?).
    let ct = load_checkthat(&cfg.data, CheckthatSplit::Dev)?;
    let ct = &ct[..take(ct.len())];
    let inputs: Vec<UnitInput> = ct.iter().map(|s| UnitInput::alone(&s.text)).collect();
    let checkthat: Vec<(f32, bool)> = score(model, tokenizer, &inputs, 64)?.iter().zip(ct).map(|(s, c)| (s.claim[0], c.checkworthy)).collect();
    let fixture_docs = load_dev_docs(&cfg.data)?;
    let fixture_docs = &fixture_docs[..take(fixture_docs.len())];
    let rows = dev_row_scores(fixture_docs, &|inputs| score(model, tokenizer, inputs, 64))?;
    let macro_f1 = |th: &Thresholds| {
        let (c, _) = dev_counts(&rows, th);
        c.iter().map(Counts::f1).sum::<f64>() / 4.0
    };
    // As `eval polnear-*` and `eval checkthat-*` decide (decide::decide_claim).
    let polnear_f1 = |t: f32, a: f32| {
        let mut c = Counts::default();
        for &(pc, pa, filler, sourced) in &polnear {
            c.add(!filler && pc >= t && pa >= a, sourced);
        }
        c.f1()
    };
    let checkthat_f1 = |t: f32| {
        let mut c = Counts::default();
        for &(p, g) in &checkthat {
            c.add(p >= t, g);
        }
        c.f1()
    };
    // The issue says to tune on the hand-labeled dev set, which follows the guide: the best claims-dev
    // 4-class macro-F1 on a 0.05 grid. PolNeAR's notion of attributed is wider (quoted opinions too)
    // and CheckThat! asks for check-worthiness, not checkability, so they are reported, not tuned on.
    let grid: Vec<f32> = (1..20).map(|k| k as f32 / 20.0).collect();
    let mut best = (0.5f32, 0.5f32, 0.5f32, -1.0f64);
    for &c in &grid {
        for &a in &grid {
            for &v in &grid {
                let mut t = th.clone();
                t.claim = Some(ClaimThresholds { claim: c, attributed: a, vague: v });
                let m = macro_f1(&t);
                if m > best.3 {
                    best = (c, a, v, m);
                }
            }
        }
    }
    th.claim = Some(ClaimThresholds { claim: best.0, attributed: best.1, vague: best.2 });
    let chosen = format!(
        "the best claims-dev 4-class macro-F1 ({:.4}); at them PolNeAR dev attributed F1 {:.4}, CheckThat! dev F1 {:.4}",
        best.3,
        polnear_f1(best.0, best.1),
        checkthat_f1(best.0)
    );
    log.line(&format!("claim thresholds: claim {:.2}, attributed {:.2}, vague {:.2}: {chosen}", best.0, best.1, best.2));
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page counts only when every labelled unit is right; unlabelled (masked) units do not count.
    #[test]
    fn page_variants_leave_units_out_and_keep_an_article_unit() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let filler = [false, false, false, true, true, true, true, true];
        let (mut shorter, mut total) = (0, 0);
        for _ in 0..200 {
            let rows = variant_rows(&filler, 0.3, &mut rng);
            assert!(rows.windows(2).all(|w| w[0] < w[1]), "in page order: {rows:?}");
            assert!(rows.iter().any(|&i| !filler[i]), "an article unit stays: {rows:?}");
            shorter += usize::from(rows.len() < filler.len());
            total += rows.len();
        }
        assert!(shorter > 150, "most variants leave something out ({shorter}/200)");
        // About 70% of the units stay.
        assert!((1000..1240).contains(&total), "{total} of 1600 units kept");
        // p = 0 gives the page itself; all-filler pages stay whole.
        assert_eq!(variant_rows(&filler, 0.0, &mut rng), (0..8).collect::<Vec<_>>());
        assert_eq!(variant_rows(&[true, true], 0.99, &mut rng), vec![0, 1]);
    }

    #[test]
    fn furniture_cues_and_ends() {
        for t in ["Subscribe Today!", "Article posted with permission from The Washington Standard", "©2018 Los Angeles Times", "Sign up for more newsletters here", "READ MORE:", "(RELATED: Senate acts)"] {
            assert!(looks_like_furniture(t), "{t}");
        }
        for t in ["The senator said the bill would pass.", "They unleashed chaos on hardworking taxpayers.", "Critics say the plan was steered to insiders."] {
            assert!(!looks_like_furniture(t), "{t}");
        }
        let masked = article_doc("Subscribe Today!\n\nThe senator said the bill would pass.", &[], Origin::Ptc, true);
        assert_eq!(masked.masks, vec![vec![0.0], vec![1.0]]);
        let kept = article_doc("Subscribe Today!", &[], Origin::Ptc, false);
        assert_eq!(kept.masks, vec![vec![1.0]]);
        // masthead | article, article | prompt, teaser (a masked unit is neither)
        let page = ContentDoc {
            texts: vec![String::new(); 6],
            targets: [1.0, 0.0, 0.0, 1.0, 1.0, 0.0].iter().map(|&f| vec![f]).collect(),
            masks: [1.0, 1.0, 1.0, 1.0, 1.0, 0.0].iter().map(|&m| vec![m]).collect(),
            repeat: 1,
            dom: None,
            origin: Origin::Authored,
        };
        assert_eq!(furniture_ends(&page), (vec![0], vec![3, 4, 5]));
        let all_filler = ContentDoc { targets: vec![vec![1.0]; 6], ..page };
        assert_eq!(furniture_ends(&all_filler), (vec![], vec![]));
    }

    #[test]
    fn pages_all_right_counts_whole_pages() {
        let doc = |filler: &[f32], mask: &[f32]| ContentDoc {
            texts: filler.iter().map(|_| String::new()).collect(),
            targets: filler.iter().map(|&f| vec![f]).collect(),
            masks: mask.iter().map(|&m| vec![m]).collect(),
            repeat: 1,
            dom: None,
            origin: Origin::Web,
        };
        let docs = [doc(&[0.0, 1.0], &[1.0, 1.0]), doc(&[0.0, 1.0], &[1.0, 1.0]), doc(&[0.0, 1.0], &[1.0, 0.0])];
        let p = [vec![0.1, 0.9], vec![0.1, 0.4], vec![0.1, 0.2]];
        // Page 2 misses its filler line at 0.5; page 3's miss is on a masked unit.
        assert_eq!(pages_all_right(&docs, &p, 0.5), 2);
        assert_eq!(pages_all_right(&docs, &p, 0.3), 3);
        assert_eq!(pages_all_right(&docs, &p, 0.95), 1);
    }
}
