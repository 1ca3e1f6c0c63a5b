//! Readers for the web-page corpora of the `content` family (article vs filler, issue 4), each turned
//! into the text a scraper gives ([`crate::text::html::extract`]: one block per line) with a label per
//! line. Held-out policy: `../shared/data/README.md`.
//!
//! - **L3S-GN1** (Kohlschütter et al., WSDM 2010; [`load_l3s`]): 621 news pages from 2008 whose text
//!   blocks are wrapped in `<span class="x-nc-selN">`. Each extracted line takes the class of most of
//!   its (non-space) chars, classes grouped first:
//!
//!   | class | meaning (L3S Readme) | line label |
//!   |---|---|---|
//!   | sel1, sel2, sel3 | headline, full text, supplemental (captions...) | article |
//!   | sel4 | related content | filler `related` |
//!   | sel5 | user comments | filler `promo` |
//!   | sel0, no span | not content | filler `navigation` inside a menu ([`Landmarks::nav`]), else `boilerplate` |
//!
//!   Ties go to article, then related, comments, not content. sel5 is `promo` because the guide files
//!   comment prompts there and the annotators wrapped the whole comment widget ("Post a comment",
//!   "Report this post" and the comments themselves) in it; [`WebLine::source`] keeps `comments`, so a
//!   trainer can leave those lines out of the kind head. SOURCE.md warns that some papers swap 4 and 5:
//!   checked here on a dozen pages, the Readme numbering holds (sel4 = "Related articles", "Local Top
//!   Stories", teaser headlines; sel5 = "Posted by: …", comment text, "Post a comment"). Elements the
//!   annotator marked `x-nc-invisible` are skipped. The conversion replaced curly quotes with `?`.
//!   Split: the pages named in `splits/l3s-gn1-test-files.txt` (122, by host) are the held-out test set.
//! - **CleanEval** (Baroni et al., LREC 2008) **and Dragnet** (Peters & Lecocq, WWW 2013;
//!   [`load_cleaneval_dragnet`]): page HTML and its gold main text; training only (Dragnet's official
//!   training ids, CleanEval dev + final). A line is article when it aligns with the gold text
//!   ([`align_to_gold`]), else filler of unknown kind. Dragnet's gold ends its article at a
//!   `!@#$%^&*()  COMMENTS` line: comments are filler. CleanEval's `URL:` line and `<p>`/`<h>`/`<l>`
//!   markers are stripped. Pages that are not UTF-8 (about 300) are read as Windows-1252.
//! - **Zyte / Scrapinghub article extraction benchmark** (Lopukhin et al. 2020; [`load_zyte`]): 181
//!   pages and their gold `articleBody`, evaluation only, scored with the benchmark's own measure
//!   ([`zyte_match`], [`zyte_summary`]).
//!
//! [`trafilatura_text`] is the side-by-side baseline: the main text the go-trafilatura port finds.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use crate::error::{Error, Result};
use crate::text::html::{self, Landmarks, Mark};

use super::{bad, read};

/// A filler kind, as `labels/content.toml` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FillerKind {
    /// Teasers for other articles.
    Related,
    /// Share, subscribe, contact, donate, comment prompts.
    Promo,
    /// Site menus and section headings.
    Navigation,
    /// Slogans, disclaimers, copyright and cookie notices.
    Boilerplate,
}

impl FillerKind {
    /// The label id in `labels/content.toml`.
    pub fn name(self) -> &'static str {
        match self {
            FillerKind::Related => "related",
            FillerKind::Promo => "promo",
            FillerKind::Navigation => "navigation",
            FillerKind::Boilerplate => "boilerplate",
        }
    }
}

/// The `content` label of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Content {
    /// Part of the article.
    Article,
    /// Added by the page; `None` when the dataset does not say which kind.
    Filler(Option<FillerKind>),
}

impl Content {
    /// `article`, the filler kind, or `filler` when the kind is unknown.
    pub fn name(self) -> &'static str {
        match self {
            Content::Article => "article",
            Content::Filler(Some(k)) => k.name(),
            Content::Filler(None) => "filler",
        }
    }
}

/// One extracted line of a page and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct WebLine {
    /// Start char offset into [`WebPage::text`].
    pub start: usize,
    /// End char offset, exclusive.
    pub end: usize,
    /// The line.
    pub text: String,
    /// Its label.
    pub content: Content,
    /// The dataset's own class behind the label: `headline`, `full text`, `supplemental`, `related`,
    /// `comments`, `not content`, `unlabelled` (L3S-GN1); `gold`, `not in gold` (CleanEval/Dragnet).
    pub source: &'static str,
    /// Innermost block element ([`html::Block::tag`]).
    pub tag: &'static str,
    /// Landmarks around it.
    pub landmarks: Landmarks,
    /// Share of its chars inside links.
    pub link_share: f32,
    /// How much of it trafilatura keeps ([`html::Block::kept`]).
    pub kept: f32,
}

/// A labeled page.
#[derive(Debug, Clone, PartialEq)]
pub struct WebPage {
    /// `l3s/<uuid>`, `dragnet/<id>`, `cleaneval-dev/<id>`, `cleaneval-final/<id>`.
    pub id: String,
    /// The page's URL where the dataset gives it.
    pub url: Option<String>,
    /// The extracted text: the lines joined by `\n`.
    pub text: String,
    /// Every line, in order.
    pub lines: Vec<WebLine>,
}

impl WebPage {
    /// The markup features of the line each unit starts in ([`crate::text::layout::dom_features`]);
    /// `None` for an authored page, which is plain text.
    pub fn unit_dom(&self, units: &[crate::text::Unit]) -> Option<Vec<crate::text::layout::Dom>> {
        if self.lines.iter().any(|l| l.source == "authored") {
            return None;
        }
        Some(
            units
                .iter()
                .map(|u| {
                    self.lines
                        .iter()
                        .find(|l| l.start <= u.start && u.start < l.end)
                        .map_or_else(|| crate::text::layout::line_dom("body", Landmarks::default(), 0.0, 0.0), |l| crate::text::layout::line_dom(l.tag, l.landmarks, l.link_share, l.kept))
                })
                .collect(),
        )
    }
}

fn page(id: String, url: Option<String>, x: html::Extracted, labels: Vec<(Content, &'static str)>) -> WebPage {
    let lines = x
        .lines()
        .zip(labels)
        .map(|((b, text), (content, source))| WebLine {
            start: b.start,
            end: b.end,
            text: text.to_string(),
            content,
            source,
            tag: b.tag,
            landmarks: b.landmarks,
            link_share: b.link_share,
            kept: b.kept,
        })
        .collect();
    WebPage { id, url, text: x.text, lines }
}

/// UTF-8, or Windows-1252 when the bytes are not UTF-8 (the usual encoding of 2000s pages that do not
/// say theirs; it never fails, as every byte maps to a char).
fn decode(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| e.into_bytes().iter().map(|&b| cp1252(b)).collect())
}

fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘', '’',
        '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

/// Files in `dir` ending in `.{ext}`, sorted.
fn files(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    paths.sort();
    Ok(paths)
}

fn stem(path: &Path) -> String {
    path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string()
}

// ---------------------------------------------------------------------------------------------------
// L3S-GN1

/// The L3S class groups, in tie-break order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum L3sGroup {
    Article,
    Related,
    Comments,
    NotContent,
}

/// Reads L3S-GN1 from `root/l3s-gn1` and splits it: (train, held-out test).
pub fn load_l3s(root: &Path) -> Result<(Vec<WebPage>, Vec<WebPage>)> {
    let base = root.join("l3s-gn1/L3S-GN1-20100130203947-00001");
    let map_path = base.join("url-mapping.txt");
    let mut urls = HashMap::new();
    for row in read(&map_path)?.lines() {
        if let Some((urn, url)) = row.split_once('\t') {
            let uuid = urn.trim().trim_start_matches("<urn:uuid:").trim_end_matches('>');
            urls.insert(uuid.to_string(), url.trim().to_string());
        }
    }
    let split_path = root.join("splits/l3s-gn1-test-files.txt");
    let mut test_files: HashSet<String> =
        read(&split_path)?.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
    let (mut train, mut test) = (Vec::new(), Vec::new());
    let dir = base.join("annotated");
    for path in files(&dir, "html")? {
        let html = read(&path)?;
        let uuid = stem(&path);
        let p = l3s_page(format!("l3s/{uuid}"), urls.get(&uuid).cloned(), &html);
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if test_files.remove(name) {
            test.push(p)
        } else {
            train.push(p)
        }
    }
    if train.is_empty() {
        return Err(bad(&dir, "no annotated pages"));
    }
    if let Some(missing) = test_files.iter().next() {
        return Err(bad(&split_path, format!("{missing} is not in {}", dir.display())));
    }
    Ok((train, test))
}

/// One annotated L3S page: its extracted lines labeled as the module docs say.
fn l3s_page(id: String, url: Option<String>, html: &str) -> WebPage {
    let (x, marks) = html::extract_marked(html, |e| {
        let mut class = Mark::Plain;
        for c in e.attr("class").unwrap_or_default().split_whitespace() {
            if c == "x-nc-invisible" {
                return Mark::Drop;
            }
            if let Some(n) = c.strip_prefix("x-nc-sel").and_then(|n| n.parse::<u8>().ok()).filter(|n| *n <= 5) {
                class = Mark::Label(n);
            }
        }
        class
    });
    let chars: Vec<char> = x.text.chars().collect();
    let labels = x
        .blocks
        .iter()
        .map(|b| {
            // Chars per class: sel0..sel5, then unlabelled.
            let mut n = [0usize; 7];
            for (c, m) in chars[b.start..b.end].iter().zip(&marks[b.start..b.end]) {
                if !c.is_whitespace() {
                    n[m.map_or(6, usize::from)] += 1;
                }
            }
            let groups = [
                (L3sGroup::Article, n[1] + n[2] + n[3]),
                (L3sGroup::Related, n[4]),
                (L3sGroup::Comments, n[5]),
                (L3sGroup::NotContent, n[0] + n[6]),
            ];
            // max_by_key keeps the last maximum: reverse so that ties go to the earlier group.
            let (group, _) = groups.iter().rev().max_by_key(|(_, c)| *c).copied().unwrap_or(groups[3]);
            match group {
                L3sGroup::Article => {
                    let best = [(n[2], "full text"), (n[1], "headline"), (n[3], "supplemental")];
                    let (_, source) = best.iter().rev().max_by_key(|(c, _)| *c).copied().unwrap_or(best[0]);
                    (Content::Article, source)
                }
                L3sGroup::Related => (Content::Filler(Some(FillerKind::Related)), "related"),
                L3sGroup::Comments => (Content::Filler(Some(FillerKind::Promo)), "comments"),
                L3sGroup::NotContent => {
                    let kind = if b.landmarks.nav { FillerKind::Navigation } else { FillerKind::Boilerplate };
                    (Content::Filler(Some(kind)), if n[0] >= n[6] { "not content" } else { "unlabelled" })
                }
            }
        })
        .collect();
    page(id, url, x, labels)
}

// ---------------------------------------------------------------------------------------------------
// CleanEval + Dragnet

/// Reads the training side of CleanEval + Dragnet from `root/cleaneval-dragnet-merged`: the Dragnet
/// pages in `dragnet_training.txt` (their test ids are left alone) and every CleanEval dev and final
/// page that has gold text (59 final pages have none).
pub fn load_cleaneval_dragnet(root: &Path) -> Result<Vec<WebPage>> {
    let base = root.join("cleaneval-dragnet-merged");
    let mut out = Vec::new();
    let dragnet = base.join("dragnet_data");
    let ids_path = dragnet.join("dragnet_training.txt");
    for id in read(&ids_path)?.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let html = decode(read_bytes(&dragnet.join(format!("input/{id}.html")))?);
        let gold = dragnet_gold(&decode(read_bytes(&dragnet.join(format!("GoldStandard/{id}.txt")))?));
        out.push(gold_page(format!("dragnet/{id}"), None, &html, &gold));
    }
    for set in ["cleaneval-dev", "cleaneval-final"] {
        let dir = base.join(set);
        for path in files(&dir.join("input"), "html")? {
            let id = stem(&path);
            let gold_path = dir.join(format!("GoldStandard/{id}.txt"));
            if !gold_path.exists() {
                continue;
            }
            let (url, gold) = cleaneval_gold(&decode(read_bytes(&gold_path)?));
            out.push(gold_page(format!("{set}/{id}"), url, &decode(read_bytes(&path)?), &gold));
        }
    }
    if out.is_empty() {
        return Err(bad(&base, "no pages"));
    }
    Ok(out)
}

/// The Dragnet test pages (`dragnet_test.txt`, 414 news and blog pages of 2012) as HTML with their
/// gold main text (comments cut): the dev set of the extraction measure (`eval dragnet-dev`), since
/// training reads only Dragnet's training ids and the Zyte benchmark is held out.
pub fn load_dragnet_test(root: &Path) -> Result<Vec<ZytePage>> {
    let dragnet = root.join("cleaneval-dragnet-merged/dragnet_data");
    let ids_path = dragnet.join("dragnet_test.txt");
    let mut out = Vec::new();
    for id in read(&ids_path)?.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let html = decode(read_bytes(&dragnet.join(format!("input/{id}.html")))?);
        let gold = dragnet_gold(&decode(read_bytes(&dragnet.join(format!("GoldStandard/{id}.txt")))?));
        out.push(ZytePage { id: format!("dragnet/{id}"), url: String::new(), html, gold });
    }
    if out.is_empty() {
        return Err(bad(&ids_path, "no pages"));
    }
    Ok(out)
}

fn gold_page(id: String, url: Option<String>, html: &str, gold: &str) -> WebPage {
    let x = html::extract(html);
    let lines: Vec<&str> = x.lines().map(|(_, t)| t).collect();
    let labels = align_to_gold(&lines, gold)
        .into_iter()
        .map(|a| if a { (Content::Article, "gold") } else { (Content::Filler(None), "not in gold") })
        .collect();
    page(id, url, x, labels)
}

/// Dragnet gold up to its comments separator (`!@#$%^&*()  COMMENTS`, typed by hand, so its
/// punctuation varies): a line that ends in `COMMENTS` after nothing but punctuation and spaces.
fn dragnet_gold(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some(head) = t.strip_suffix("COMMENTS") {
            if !head.is_empty() && !head.chars().any(char::is_alphanumeric) {
                break;
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// CleanEval gold without its `URL:` first line (returned) and `<p>`, `<h>`, `<l>` markers.
fn cleaneval_gold(text: &str) -> (Option<String>, String) {
    let mut url = None;
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            if let Some(u) = line.trim().strip_prefix("URL:") {
                url = Some(u.trim().to_string());
                continue;
            }
        }
        out.push_str(&MARKER.replace_all(line, " "));
        out.push('\n');
    }
    (url, out)
}

static MARKER: LazyLock<regex::Regex> = LazyLock::new(|| regex::Regex::new(r"(?i)<[phl]>").expect("valid regex"));

/// Lowercased words: runs of letters and digits; punctuation and spaces only separate.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// Which of a page's `lines` belong to the `gold` main text.
///
/// Both are normalised to lowercased words (punctuation stripped, whitespace collapsed). Then, in page
/// order:
/// - a line of 3 words or more is gold when at least half of its word trigrams occur in the gold
///   (trigrams keep local word order and survive the small edits annotators make). Each trigram
///   occurrence in the gold can back one page line only, the first after the previous gold line
///   preferred: a second copy of the headline ("4 thoughts on “<headline>”", "Related: <headline>")
///   finds its trigrams taken and is not gold;
/// - a line of 1 or 2 words is gold when those words occur, in order, in the stretch of gold between
///   the gold lines of 3+ words before and after it (so a heading between two paragraphs matches, while
///   a menu word such as "Home" matches only if the gold has it at that place);
/// - a line with no word is not gold.
pub fn align_to_gold(lines: &[&str], gold: &str) -> Vec<bool> {
    let g = words(gold);
    let mut at: HashMap<[&str; 3], Vec<usize>> = HashMap::new();
    for (i, w) in g.windows(3).enumerate() {
        at.entry([w[0].as_str(), w[1].as_str(), w[2].as_str()]).or_default().push(i);
    }
    let mut taken = vec![false; g.len()];
    let line_words: Vec<Vec<String>> = lines.iter().map(|l| words(l)).collect();
    // Where each gold line of 3+ words sits in the gold: (first word, after last word).
    let mut spans: Vec<Option<(usize, usize)>> = vec![None; lines.len()];
    let mut cursor = 0;
    for (i, w) in line_words.iter().enumerate() {
        if w.len() < 3 {
            continue;
        }
        let mut claimed = Vec::new();
        for t in w.windows(3) {
            let Some(pos) = at.get(&[t[0].as_str(), t[1].as_str(), t[2].as_str()]) else { continue };
            let mut free = pos.iter().copied().filter(|&p| !taken[p]);
            let first_free = free.clone().next();
            if let Some(p) = free.find(|&p| p >= cursor).or(first_free) {
                taken[p] = true;
                claimed.push(p);
            }
        }
        if claimed.len() * 2 >= w.len() - 2 {
            let lo = claimed.iter().copied().min().unwrap_or(0);
            let hi = claimed.iter().copied().max().unwrap_or(0) + 3;
            spans[i] = Some((lo, hi));
            cursor = hi;
        } else {
            for p in claimed {
                taken[p] = false;
            }
        }
    }
    (0..lines.len())
        .map(|i| match line_words[i].len() {
            0 => false,
            1 | 2 => {
                let before = spans[..i].iter().rev().find_map(|s| *s).map_or(0, |s| s.1);
                let after = spans[i + 1..].iter().find_map(|s| *s).map_or(g.len(), |s| s.0);
                let (lo, hi) = (before.min(after), before.max(after));
                g[lo..hi].windows(line_words[i].len()).any(|w| w == line_words[i].as_slice())
            }
            _ => spans[i].is_some(),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------------
// Zyte / Scrapinghub benchmark

/// A benchmark page.
#[derive(Debug, Clone, PartialEq)]
pub struct ZytePage {
    /// The sha256 file id.
    pub id: String,
    /// The page URL.
    pub url: String,
    /// The page HTML.
    pub html: String,
    /// The gold `articleBody`.
    pub gold: String,
}

#[derive(serde::Deserialize)]
struct GroundTruth {
    #[serde(rename = "articleBody", default)]
    article_body: String,
    #[serde(default)]
    url: String,
}

/// Reads the 181 benchmark pages from `root/scrapinghub-article-extraction-benchmark`, by id.
/// Evaluation only (held out).
pub fn load_zyte(root: &Path) -> Result<Vec<ZytePage>> {
    let base = root.join("scrapinghub-article-extraction-benchmark");
    let gt_path = base.join("ground-truth.json");
    let truth: BTreeMap<String, GroundTruth> =
        serde_json::from_str(&read(&gt_path)?).map_err(|e| bad(&gt_path, e.to_string()))?;
    let mut out = Vec::with_capacity(truth.len());
    for (id, t) in truth {
        let path = base.join(format!("html/{id}.html.gz"));
        let mut html = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?)
            .read_to_string(&mut html)
            .map_err(|e| bad(&path, format!("not gzip'd UTF-8: {e}")))?;
        out.push(ZytePage { id, url: t.url, html, gold: t.article_body });
    }
    if out.is_empty() {
        return Err(bad(&gt_path, "no pages"));
    }
    Ok(out)
}

/// One page's shingle match, as the benchmark counts it: true positives, false positives and false
/// negatives over 4-word shingles, divided by their sum so that every page weighs the same.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShingleMatch {
    /// Shingles in both (normalised).
    pub tp: f64,
    /// Shingles only in the extraction (normalised).
    pub fp: f64,
    /// Shingles only in the gold (normalised).
    pub fn_: f64,
    /// The word sequences are identical (the benchmark's "accuracy").
    pub exact: bool,
}

/// The benchmark's words: Python's `re.findall(r'\w+', text)`, case kept. Python's `\w` on `str` is
/// a letter (categories L*), a number (N*) or `_`, hence the class here.
static ZYTE_TOKEN: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"[\p{L}\p{N}_]+").expect("valid regex"));

fn zyte_tokens(text: &str) -> Vec<&str> {
    ZYTE_TOKEN.find_iter(text).map(|m| m.as_str()).collect()
}

/// Shingle counts of `text`: every run of 4 words; a text of 1 to 3 words is one shingle of them all.
fn shingles(text: &str) -> HashMap<Vec<&str>, usize> {
    let t = zyte_tokens(text);
    let mut out = HashMap::new();
    if t.len() < 4 {
        if !t.is_empty() {
            out.insert(t, 1);
        }
        return out;
    }
    for w in t.windows(4) {
        *out.entry(w.to_vec()).or_default() += 1;
    }
    out
}

/// Compares an extraction with the gold article body exactly as the benchmark does:
/// `string_shingle_matching` and `get_accuracy` in scrapinghub/article-extraction-benchmark
/// `evaluate.py` (commit 7d95432): multiset matching of 4-word shingles, counts normalised per page.
pub fn zyte_match(extracted: &str, gold: &str) -> ShingleMatch {
    let (t, p) = (shingles(gold), shingles(extracted));
    let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
    for key in t.keys().chain(p.keys().filter(|k| !t.contains_key(*k))) {
        let (tc, pc) = (*t.get(key).unwrap_or(&0) as f64, *p.get(key).unwrap_or(&0) as f64);
        tp += tc.min(pc);
        fp += (pc - tc).max(0.0);
        fn_ += (tc - pc).max(0.0);
    }
    let s = tp + fp + fn_;
    if s > 0.0 {
        (tp, fp, fn_) = (tp / s, fp / s, fn_ / s);
    }
    ShingleMatch { tp, fp, fn_, exact: zyte_tokens(extracted) == zyte_tokens(gold) }
}

impl ShingleMatch {
    /// `precision_score` of `evaluate.py`: 1 when nothing differs (even when both are empty).
    pub fn precision(&self) -> f64 {
        if self.fp == 0.0 && self.fn_ == 0.0 {
            1.0
        } else if self.tp == 0.0 && self.fp == 0.0 {
            0.0
        } else {
            self.tp / (self.tp + self.fp)
        }
    }

    /// `recall_score` of `evaluate.py`.
    pub fn recall(&self) -> f64 {
        if self.fp == 0.0 && self.fn_ == 0.0 {
            1.0
        } else if self.tp == 0.0 && self.fn_ == 0.0 {
            0.0
        } else {
            self.tp / (self.tp + self.fn_)
        }
    }
}

fn harmonic(p: f64, r: f64) -> f64 {
    if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    }
}

/// One page's (precision, recall, F1) under the benchmark's measure ([`zyte_match`]).
pub fn zyte_score(extracted: &str, gold: &str) -> (f64, f64, f64) {
    let m = zyte_match(extracted, gold);
    let (p, r) = (m.precision(), m.recall());
    (p, r, harmonic(p, r))
}

/// Corpus scores as the benchmark reports them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZyteSummary {
    /// Mean page precision over pages where something was extracted (tp + fp > 0).
    pub precision: f64,
    /// Mean page recall over pages with gold shingles (tp + fn > 0).
    pub recall: f64,
    /// Harmonic mean of those two means (not a mean of page F1s).
    pub f1: f64,
    /// Share of pages whose words equal the gold's exactly.
    pub accuracy: f64,
    /// Pages scored.
    pub pages: usize,
}

/// `metrics_from_tp_fp_fns` and the accuracy mean of `evaluate.py` (without its bootstrap deviations).
pub fn zyte_summary(pages: &[ShingleMatch]) -> ZyteSummary {
    let mean = |v: Vec<f64>| if v.is_empty() { 0.0 } else { v.iter().sum::<f64>() / v.len() as f64 };
    let precision = mean(pages.iter().filter(|m| m.tp + m.fp > 0.0).map(ShingleMatch::precision).collect());
    let recall = mean(pages.iter().filter(|m| m.tp + m.fn_ > 0.0).map(ShingleMatch::recall).collect());
    let accuracy = mean(pages.iter().map(|m| f64::from(u8::from(m.exact))).collect());
    ZyteSummary { precision, recall, f1: harmonic(precision, recall), accuracy, pages: pages.len() }
}

/// The main text of `html` by trafilatura (the Rust port of go-trafilatura), with fallback extraction
/// on, as the benchmark runs go-trafilatura. Empty when it finds no main text (it reports that as an
/// error; the benchmark scores such a page as an empty extraction).
pub fn trafilatura_text(html: &str) -> String {
    html::main_text(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(p: &WebPage) -> Vec<(&str, &str)> {
        p.lines.iter().map(|l| (l.text.as_str(), l.content.name())).collect()
    }

    #[test]
    fn l3s_lines_take_the_class_of_most_of_their_chars() {
        let html = r##"<html><head><style>.x-nc-sel1 { display:block }</style></head><body>
            <ul id="TopNav"><li><a href="/">Home</a></li></ul>
            <h1><span class="x-nc-sel1">Storm hits town</span></h1>
            <p><span class="x-nc-sel2">The storm hit the</span> <a href="#"><span class="x-nc-sel2">town</span></a>
               <span class="x-nc-sel0">[ad]</span><span class="x-nc-sel2"> on Monday.</span></p>
            <p><span class="x-nc-sel3">Photo: A. Lee</span></p>
            <div class="x-nc-invisible">hidden junk</div>
            <p><span class="x-nc-sel4">Related: Flood warning issued</span></p>
            <p><span class="x-nc-sel5">Posted by: Bob</span></p>
            <p><span class="x-nc-sel0">Copyright 2008</span></p>
            <p>Unwrapped text</p>
            <p><span class="x-nc-sel2">Tie</span> <span class="x-nc-sel4">tie</span></p>
            </body></html>"##;
        let p = l3s_page("l3s/x".into(), None, html);
        assert_eq!(
            labels(&p),
            [
                ("Home", "navigation"),
                ("Storm hits town", "article"),
                ("The storm hit the town [ad] on Monday.", "article"),
                ("Photo: A. Lee", "article"),
                ("Related: Flood warning issued", "related"),
                ("Posted by: Bob", "promo"),
                ("Copyright 2008", "boilerplate"),
                ("Unwrapped text", "boilerplate"),
                ("Tie tie", "article"),
            ]
        );
        let sources: Vec<&str> = p.lines.iter().map(|l| l.source).collect();
        assert_eq!(
            sources,
            [
                "unlabelled",
                "headline",
                "full text",
                "supplemental",
                "related",
                "comments",
                "not content",
                "unlabelled",
                "full text"
            ]
        );
        for l in &p.lines {
            assert_eq!(p.text.chars().skip(l.start).take(l.end - l.start).collect::<String>(), l.text);
        }
    }

    #[test]
    fn alignment_marks_gold_lines_and_leaves_furniture() {
        let gold = "Big Storm Hits Town\n\nThe storm hit the town on Monday, officials said.\nWeather\n\
                    Power was out for hours in the east of the town.";
        let lines = [
            "Home",
            "Weather",
            "Big storm hits town",
            "The storm hit the town on Monday — officials said!",
            "Share this",
            "Weather",
            "Power was out for hours in the east of town.",
            "Related: Storm season starts early this year",
            "Comments on Big Storm Hits Town",
            "Home",
            "»",
        ];
        assert_eq!(
            align_to_gold(&lines, gold),
            [false, false, true, true, false, true, true, false, false, false, false]
        );
        assert_eq!(align_to_gold(&["anything at all here"], ""), [false]);
    }

    #[test]
    fn alignment_needs_half_of_the_trigrams() {
        let gold = "one two three four five six";
        // Trigrams: "one two three" in gold, "two three nine" and "three nine ten" not: 1 of 3.
        assert_eq!(align_to_gold(&["one two three nine ten"], gold), [false]);
        // "one two three", "two three four" in gold, "three four ten" not: 2 of 3.
        assert_eq!(align_to_gold(&["one two three four ten"], gold), [true]);
    }

    #[test]
    fn gold_files_are_cleaned() {
        let (url, text) = cleaneval_gold("URL: http://a.example/x\n\n<p>First para\n<H> Heading\n<l>  * item\n");
        assert_eq!(url.as_deref(), Some("http://a.example/x"));
        assert_eq!(words(&text), ["first", "para", "heading", "item"]);
        let d = dragnet_gold("Body text.\nMore.\n!@ $%^&*()  COMMENTS\nnice post\n");
        assert_eq!(d, "Body text.\nMore.\n");
        assert_eq!(dragnet_gold("NO COMMENTS\nkept\n"), "NO COMMENTS\nkept\n");
    }

    #[test]
    fn non_utf8_is_read_as_windows_1252() {
        assert_eq!(decode(b"caf\xe9 \x93q\x94 \x80".to_vec()), "café “q” €");
        assert_eq!(decode("café".as_bytes().to_vec()), "café");
    }

    #[test]
    fn zyte_measure_matches_evaluate_py() {
        // 5 gold words = 2 shingles; 4 extracted = 1 shingle, shared: tp 1, fn 1 -> /2.
        let m = zyte_match("a b c d", "a b c d e");
        assert_eq!((m.tp, m.fp, m.fn_, m.exact), (0.5, 0.0, 0.5, false));
        assert_eq!(zyte_score("a b c d", "a b c d e"), (1.0, 0.5, 2.0 / 3.0));
        // Short texts are one shingle; case and punctuation: words are \w+ runs, case kept.
        assert_eq!(zyte_score("Hello, world!", "Hello world"), (1.0, 1.0, 1.0));
        assert_eq!(zyte_score("hello world", "Hello world").2, 0.0);
        assert!(zyte_match("Hello, world!", "Hello world").exact);
        // Repeated shingles count as a multiset: gold has "x y z w" twice, extraction once.
        let m = zyte_match("x y z w", "x y z w x y z w");
        let s = 1.0 + 4.0; // gold shingles: xyzw, yzwx, zwxy, wxyz, xyzw -> tp 1, fn 4
        assert_eq!((m.tp, m.fn_), (1.0 / s, 4.0 / s));
        // Both empty: nothing differs, precision_score and recall_score give 1.
        assert_eq!(zyte_score("", ""), (1.0, 1.0, 1.0));
        // Python's \w: letters and numbers of any script and '_', not combining marks.
        assert_eq!(zyte_tokens("naïve_x 2½ e\u{301}t"), ["naïve_x", "2½", "e", "t"]);
    }

    #[test]
    fn zyte_summary_means_pages_then_takes_the_harmonic_mean() {
        let pages = [
            zyte_match("a b c d", "a b c d e"), // p 1, r 0.5
            zyte_match("", "q r s t"),          // nothing extracted: out of the precision mean, recall 0
            zyte_match("q r s t", "q r s t"),   // p 1, r 1, exact
        ];
        let s = zyte_summary(&pages);
        assert_eq!((s.precision, s.recall, s.pages), (1.0, 0.5, 3));
        assert!((s.f1 - 2.0 / 3.0).abs() < 1e-12);
        assert!((s.accuracy - 1.0 / 3.0).abs() < 1e-12);
    }

    fn shared_root() -> Option<PathBuf> {
        let root = crate::data::default_root();
        if root.join("l3s-gn1").is_dir() {
            Some(root)
        } else {
            eprintln!("skipping: {} has no l3s-gn1 (../shared/data is absent)", root.display());
            None
        }
    }

    #[test]
    fn l3s_split_follows_the_test_list() {
        let Some(root) = shared_root() else { return };
        let (train, test) = load_l3s(&root).unwrap();
        assert_eq!((train.len(), test.len()), (499, 122));
        let filler = train.iter().flat_map(|p| &p.lines).filter(|l| l.content != Content::Article).count();
        assert!(filler > 0);
    }

    #[test]
    fn cleaneval_dragnet_reads_the_training_side() {
        let Some(root) = shared_root() else { return };
        let pages = load_cleaneval_dragnet(&root).unwrap();
        let dragnet = pages.iter().filter(|p| p.id.starts_with("dragnet/")).count();
        assert_eq!((dragnet, pages.len() - dragnet), (966, 739));
        let lines: Vec<&WebLine> = pages.iter().flat_map(|p| &p.lines).collect();
        let article = lines.iter().filter(|l| l.content == Content::Article).count();
        assert!((0.15..0.5).contains(&(article as f64 / lines.len() as f64)), "{article} of {}", lines.len());
    }

    #[test]
    fn zyte_pages_load_with_their_gold() {
        let Some(root) = shared_root() else { return };
        let pages = load_zyte(&root).unwrap();
        assert_eq!(pages.len(), 181);
        assert!(pages.iter().all(|p| !p.gold.is_empty() && p.html.contains("<")));
    }
}

/// Splits L3S-GN1 train pages into (train, dev): every tenth page in id order is dev. Training keeps
/// the dev pages back to tune the filler threshold; `framemark eval l3s-dev` scores them.
pub fn l3s_dev_split(mut pages: Vec<WebPage>) -> (Vec<WebPage>, Vec<WebPage>) {
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    let (dev, train): (Vec<_>, Vec<_>) = pages.into_iter().enumerate().partition(|(i, _)| i % 10 == 0);
    (train.into_iter().map(|(_, p)| p).collect(), dev.into_iter().map(|(_, p)| p).collect())
}

/// framemark-authored pages (`labels/authored/pages-*.jsonl`): invented pages written for the
/// project as a scraper's plain text, one block per line, every line labelled. They teach what the
/// web corpora have little of: teaser blocks with blurbs and dates, promo prompts, slogans and
/// disclaimers, and the article's own subheadings, bylines and "Sources:" lists.
///
/// Format: `{"id", "genre", "lines": [{"t": text, "c": article|related|promo|navigation|boilerplate}]}`;
/// `{"t": ""}` is a blank line. The page text is the lines joined by `\n`.
pub fn load_authored_pages(path: &Path) -> Result<Vec<WebPage>> {
    #[derive(serde::Deserialize)]
    struct Raw {
        id: String,
        lines: Vec<RawLine>,
    }
    #[derive(serde::Deserialize)]
    struct RawLine {
        t: String,
        c: Option<String>,
    }
    let raw = read(path)?;
    let mut pages = Vec::new();
    for (n, line) in raw.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let r: Raw = serde_json::from_str(line).map_err(|e| bad(path, format!("line {}: {e}", n + 1)))?;
        let (mut text, mut lines, mut pos) = (String::new(), Vec::new(), 0);
        for (k, l) in r.lines.iter().enumerate() {
            if k > 0 {
                text.push('\n');
                pos += 1;
            }
            let len = l.t.chars().count();
            text.push_str(&l.t);
            if !l.t.trim().is_empty() {
                let content = match l.c.as_deref() {
                    Some("article") => Content::Article,
                    Some("related") => Content::Filler(Some(FillerKind::Related)),
                    Some("promo") => Content::Filler(Some(FillerKind::Promo)),
                    Some("navigation") => Content::Filler(Some(FillerKind::Navigation)),
                    Some("boilerplate") => Content::Filler(Some(FillerKind::Boilerplate)),
                    other => return Err(bad(path, format!("line {}: page {}: bad label {other:?} for {:?}", n + 1, r.id, l.t))),
                };
                lines.push(WebLine {
                    start: pos,
                    end: pos + len,
                    text: l.t.clone(),
                    content,
                    source: "authored",
                    tag: "p",
                    landmarks: Landmarks::default(),
                    link_share: 0.0,
                    kept: 0.0,
                });
            }
            pos += len;
        }
        pages.push(WebPage { id: format!("authored/{}", r.id), url: None, text, lines });
    }
    Ok(pages)
}

/// All authored pages under `dir` (every `pages-*.jsonl`), split into (train, dev): in id order,
/// every fifth page is dev. `train --from` tunes on the dev pages; `framemark eval authored-dev`
/// scores them.
pub fn load_authored_split(dir: &Path) -> Result<(Vec<WebPage>, Vec<WebPage>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("pages-") && n.ends_with(".jsonl")))
        .collect();
    files.sort();
    let mut pages = Vec::new();
    for f in &files {
        pages.extend(load_authored_pages(f)?);
    }
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    let (dev, train): (Vec<_>, Vec<_>) = pages.into_iter().enumerate().partition(|(i, _)| i % 5 == 0);
    Ok((train.into_iter().map(|(_, p)| p).collect(), dev.into_iter().map(|(_, p)| p).collect()))
}

#[cfg(test)]
mod authored_tests {
    use super::*;

    #[test]
    fn authored_pages_keep_offsets_and_labels() {
        let dir = std::env::temp_dir().join(format!("fm-authored-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("pages.jsonl");
        std::fs::write(
            &p,
            r#"{"id":"x","genre":"test","lines":[{"t":"Héadline","c":"article"},{"t":""},{"t":"Related Posts","c":"related"}]}"#,
        )
        .unwrap();
        let pages = load_authored_pages(&p).unwrap();
        let page = &pages[0];
        assert_eq!(page.text, "Héadline\n\nRelated Posts");
        let chars: Vec<char> = page.text.chars().collect();
        for l in &page.lines {
            assert_eq!(chars[l.start..l.end].iter().collect::<String>(), l.text);
        }
        assert_eq!(page.lines[1].content, Content::Filler(Some(FillerKind::Related)));
        std::fs::write(&p, r#"{"id":"x","lines":[{"t":"a","c":"teaser"}]}"#).unwrap();
        let err = load_authored_pages(&p).unwrap_err().to_string();
        assert!(err.contains("line 1") && err.contains("teaser"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
