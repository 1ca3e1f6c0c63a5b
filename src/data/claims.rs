//! Readers for the corpora of the `claim` family (issue 3; `../shared/LABELING-GUIDE.md`, Family 2).
//! Held-out policy: `../shared/data/README.md`.
//!
//! - **PolNeAR** (Newell, Margolin & Ruths, LREC 2018; [`load_polnear`]): 1,008 US political news
//!   articles from the 2016 campaign with attribution relations (source, cue, content) in brat standoff.
//!   The corpus's own split folders are used: train 840 (months 1-10), dev 84 (month 11) and test 84
//!   (month 12). **The test split is held out**: evaluation only, never for training or for picking
//!   thresholds, checkpoints or hyper-parameters (tune on dev).
//!
//!   Format, as checked on every file here: `T<n><TAB><Type> <start> <end>[;<start> <end>...]<TAB><text>`
//!   with Type `Source`, `Cue`, `Content`, `Attribution`, `Attribution-no-source`, `Discuss` or
//!   `Discard`. Offsets are **char** offsets (Unicode scalar values, like Python `str` indexes), not
//!   bytes: `don’t like` at 224..234 is 10 chars (12 bytes). The text of a discontinuous span is its
//!   fragments joined by a space, and a span that crosses a line break of the article carries on
//!   over the next lines of the `.ann` file. Relations are brat *events*:
//!   `E<n><TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1`, whose trigger (`Attribution` or
//!   `Attribution-no-source`, a T span over the cue) names the kind and whose arguments name the
//!   roles; a second content is `Content2`. Arguments may come in any order and may point to T
//!   lines further down the file; one Source T can serve several events ("he said ... and added").
//!   An `Attribution-no-source` event has a cue and content but no source in the text ("it is
//!   believed that ..."). Events with a trigger and no argument (brat leftovers next to the full
//!   event on the same trigger) are skipped; `Discuss`/`Discard` spans and `#` notes are ignored.
//!   The loader checks that every T span's stored text equals the article text at its offsets and
//!   fails with [`Error::Data`] otherwise.
//!
//!   16 articles of train and 2 each of dev and test were annotated by several annotators (one
//!   `.ann` per annotator id); the loader reads one: the first annotator that `metadata.tsv` lists
//!   for the article ([`PolnearArticle::annotator`]). One train article has an empty `.ann` (no
//!   attributions). The texts are read as they are (two start with a byte order mark, which the
//!   offsets count).
//!
//! - **Unit labels from PolNeAR** ([`polnear_units`]): each unit of [`crate::text::segment`] gets an
//!   [`Attribution`] (see there for the rules: claim-sized contents only, half of the unit or the
//!   whole content, source + cue next to their content, a small list of vague sources) with the
//!   source and cue spans that support it. On dev that gives 62% sourced, 3% unsourced and 35% none
//!   of 3,347 units (train: 59%, 4%, 37% of 30,571): PolNeAR's political news is mostly reported
//!   speech. PolNeAR marks attribution, not check-worthiness: [`Attribution::None`] is either an
//!   unattributed claim or no claim at all; CheckThat! below supplies the claim/no-claim half.
//!
//! - **CLEF CheckThat! 2024 Task 1, English** ([`load_checkthat`]): sentences of US presidential
//!   debates (ClaimBuster) labelled `Yes`/`No` for "check-worthy factual claim". Splits train
//!   (22,501), dev (1,032) and dev-test (318). **dev-test is held out**: evaluation only. (The official
//!   test file has no labels and is not read.) Files are TSV with the header
//!   `Sentence_id<TAB>Text<TAB>class_label` (checked); a `Text` that contains `"` is CSV-quoted in the
//!   files (`"a ""K,"" a ""G"""`), and is unquoted here; any other `"` is literal.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::text::segment;

use super::{bad, read};

// ---------------------------------------------------------------------------------------------------
// PolNeAR

/// A PolNeAR split (the corpus's own folders `data/{train,dev,test}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolnearSplit {
    /// 840 articles, the first ten months of the campaign.
    Train,
    /// 84 articles, the 11th month: for tuning.
    Dev,
    /// 84 articles, the 12th month: held out, evaluation only.
    Test,
}

impl PolnearSplit {
    /// The folder and `metadata.tsv` compartment name.
    pub fn name(self) -> &'static str {
        match self {
            PolnearSplit::Train => "train",
            PolnearSplit::Dev => "dev",
            PolnearSplit::Test => "test",
        }
    }
}

/// One attribution relation (a brat event), with every span as char offsets into
/// [`PolnearArticle::text`] (end exclusive). A discontinuous span gives one entry per fragment;
/// each list is sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolnearAttribution {
    /// The brat event id (`E12`).
    pub id: String,
    /// The event is an `Attribution-no-source`: the text names no source for it.
    pub no_source: bool,
    /// Source span fragments (empty for an `Attribution-no-source`, but for one dev event).
    pub sources: Vec<(usize, usize)>,
    /// Cue span fragments.
    pub cues: Vec<(usize, usize)>,
    /// Content span fragments (`Content` and `Content2`).
    pub contents: Vec<(usize, usize)>,
}

/// A PolNeAR article with the attributions of one annotator.
#[derive(Debug, Clone)]
pub struct PolnearArticle {
    /// The file stem, e.g. `nyt_2016-04-18_for-news-outlets-feeling-the-squ`.
    pub id: String,
    /// Publisher code (`nyt`, `breitbart`, ...), from `metadata.tsv`.
    pub publisher: String,
    /// Publication date `YYYY-MM-DD`, from `metadata.tsv`.
    pub date: String,
    /// Headline, from `metadata.tsv`.
    pub title: String,
    /// The annotator whose `.ann` file was read.
    pub annotator: String,
    /// The article text, exactly as in the file.
    pub text: String,
    /// Its attributions, in file order.
    pub attributions: Vec<PolnearAttribution>,
}

struct Meta {
    compartment: String,
    annotators: Vec<String>,
    publisher: String,
    date: String,
    title: String,
}

fn read_metadata(path: &Path) -> Result<HashMap<String, Meta>> {
    let text = read(path)?;
    let mut rows = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = rows.next().ok_or_else(|| bad(path, "empty"))?;
    let header: Vec<&str> = header.trim_start_matches('\u{feff}').split('\t').map(str::trim).collect();
    let col = |name: &str| header.iter().position(|h| *h == name).ok_or_else(|| bad(path, format!("no column {name}")));
    let cols = [col("compartment")?, col("filename")?, col("annotators")?, col("publisher")?];
    let (date, title) = (col("publication_date")?, col("title")?);
    let mut out = HashMap::new();
    for (n, row) in rows {
        let f: Vec<&str> = row.trim_end_matches('\r').split('\t').collect();
        if f.len() != header.len() {
            return Err(bad(path, format!("line {}: {} fields, the header has {}", n + 1, f.len(), header.len())));
        }
        let [compartment, filename, annotators, publisher] = cols.map(|c| f[c].trim().to_string());
        let annotators = annotators.split('|').map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect();
        let meta = Meta { compartment, annotators, publisher, date: f[date].to_string(), title: f[title].to_string() };
        out.insert(filename, meta);
    }
    Ok(out)
}

fn files(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    paths.sort();
    Ok(paths)
}

fn stem(path: &Path) -> &str {
    path.file_stem().and_then(|s| s.to_str()).unwrap_or_default()
}

/// Reads a PolNeAR split from `root/polnear/data` (see the module docs). [`PolnearSplit::Test`] is
/// held out: evaluation only.
pub fn load_polnear(root: &Path, split: PolnearSplit) -> Result<Vec<PolnearArticle>> {
    let base = root.join("polnear/data");
    let meta = read_metadata(&base.join("metadata.tsv"))?;
    let dir = base.join(split.name());
    let (text_dir, ann_dir) = (dir.join("text"), dir.join("attributions"));

    // `<article>_<annotator>.ann`: annotator ids are hex and have no `_`.
    let mut anns: HashMap<String, Vec<(String, PathBuf)>> = HashMap::new();
    for p in files(&ann_dir, "ann")? {
        let Some((article, annotator)) = stem(&p).rsplit_once('_') else {
            return Err(bad(&p, "annotation file name is not <article>_<annotator>.ann"));
        };
        anns.entry(article.to_string()).or_default().push((annotator.to_string(), p.clone()));
    }

    let mut out = Vec::new();
    for p in files(&text_dir, "txt")? {
        let id = stem(&p).to_string();
        let m = meta.get(&id).ok_or_else(|| bad(&p, "article is not in metadata.tsv"))?;
        if m.compartment != split.name() {
            return Err(bad(&p, format!("metadata.tsv puts it in {}", m.compartment)));
        }
        let found = anns.get(&id).ok_or_else(|| bad(&ann_dir, format!("no annotation for {id}")))?;
        let (annotator, ann_path) =
            m.annotators.iter().find_map(|a| found.iter().find(|(x, _)| x == a)).unwrap_or(&found[0]).clone();
        let text = read(&p)?;
        let chars: Vec<char> = text.chars().collect();
        let attributions = parse_brat(&read(&ann_path)?, &chars).map_err(|reason| bad(&ann_path, reason))?;
        out.push(PolnearArticle {
            id,
            publisher: m.publisher.clone(),
            date: m.date.clone(),
            title: m.title.clone(),
            annotator,
            text,
            attributions,
        });
    }
    let listed = meta.values().filter(|m| m.compartment == split.name()).count();
    if out.is_empty() || out.len() != listed {
        return Err(bad(
            &text_dir,
            format!("{} articles, metadata.tsv lists {listed} for {}", out.len(), split.name()),
        ));
    }
    Ok(out)
}

/// A brat text-bound annotation: its fragments, stored text and line. (Its type is not needed: the
/// event's role says what it is; one event in the corpus has a `Cue` argument typed `Discuss`.)
struct BratSpan {
    frags: Vec<(usize, usize)>,
    text: String,
    line: usize,
}

/// Whether `line` starts a brat record (`T12<TAB>`, `E3<TAB>`, `#1<TAB>`...) rather than carrying on
/// the text of the span above it.
fn is_record(line: &str) -> bool {
    let Some(rest) = line.strip_prefix(['T', 'E', 'R', 'A', 'M', 'N', '#']) else { return false };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && rest[digits..].starts_with('\t')
}

fn parse_span(line: usize, rest: &str) -> std::result::Result<BratSpan, String> {
    let mut f = rest.splitn(2, '\t');
    let (head, text) = (f.next().unwrap_or_default(), f.next().unwrap_or_default());
    let (_kind, offsets) = head.split_once(' ').ok_or_else(|| format!("line {line}: no offsets"))?;
    let mut frags = Vec::new();
    for frag in offsets.split(';') {
        let n: Vec<usize> = frag
            .split_whitespace()
            .map(str::parse)
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| format!("line {line}: bad offsets {offsets:?}"))?;
        match n[..] {
            [s, e] if s <= e => frags.push((s, e)),
            _ => return Err(format!("line {line}: bad offsets {offsets:?}")),
        }
    }
    Ok(BratSpan { frags, text: text.to_string(), line })
}

/// Parses a PolNeAR `.ann` file against its article's chars; the error is a reason naming the line.
fn parse_brat(ann: &str, text: &[char]) -> std::result::Result<Vec<PolnearAttribution>, String> {
    let mut spans: HashMap<&str, BratSpan> = HashMap::new();
    let mut events: Vec<(usize, &str, &str)> = Vec::new();
    let mut last: Option<&str> = None;
    for (n, line) in ann.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !is_record(line) {
            match last.and_then(|id| spans.get_mut(id)) {
                Some(span) => {
                    span.text.push('\n');
                    span.text.push_str(line);
                }
                None if line.trim().is_empty() => {}
                None => return Err(format!("line {}: not a brat record: {line:?}", n + 1)),
            }
            continue;
        }
        last = None;
        let (id, rest) = line.split_once('\t').unwrap_or_default();
        match &id[..1] {
            "T" => {
                spans.insert(id, parse_span(n + 1, rest)?);
                last = Some(id);
            }
            "E" => events.push((n + 1, id, rest)),
            _ => {}
        }
    }

    for (id, span) in &spans {
        if let Some(&(_, e)) = span.frags.iter().find(|&&(_, e)| e > text.len()) {
            return Err(format!("line {}: {id} ends at {e}, after the text ({} chars)", span.line, text.len()));
        }
        let at: Vec<String> = span.frags.iter().map(|&(s, e)| text[s..e].iter().collect()).collect();
        let at = at.join(" ");
        if at.trim_end_matches('\n') != span.text.trim_end_matches('\n') {
            return Err(format!(
                "line {}: {id} text {:?} is not the text at its offsets, {at:?}",
                span.line, span.text
            ));
        }
    }

    let mut out = Vec::new();
    for (line, id, rest) in events {
        let mut args = rest.split_whitespace();
        let trigger = args.next().ok_or_else(|| format!("line {line}: {id} has no trigger"))?;
        let no_source = match trigger.split_once(':').map(|(kind, _)| kind) {
            Some("Attribution") => false,
            Some("Attribution-no-source") => true,
            _ => return Err(format!("line {line}: {id} is not an attribution: {trigger:?}")),
        };
        let mut a =
            PolnearAttribution { id: id.to_string(), no_source, sources: vec![], cues: vec![], contents: vec![] };
        let mut empty = true;
        for arg in args {
            let (role, t) = arg.split_once(':').ok_or_else(|| format!("line {line}: bad argument {arg:?}"))?;
            let span = spans.get(t).ok_or_else(|| format!("line {line}: {id} refers to {t}, which is not defined"))?;
            let list = match role.trim_end_matches(|c: char| c.is_ascii_digit()) {
                "Source" => &mut a.sources,
                "Cue" => &mut a.cues,
                "Content" => &mut a.contents,
                _ => return Err(format!("line {line}: {id} has an unknown role {role:?}")),
            };
            list.extend(&span.frags);
            empty = false;
        }
        if empty {
            continue;
        }
        for list in [&mut a.sources, &mut a.cues, &mut a.contents] {
            list.sort_unstable();
            list.dedup();
        }
        out.push(a);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------------
// Unit labels from PolNeAR

/// The attribution label of a unit, from PolNeAR's annotation (the guide's `attributed` / `vague`;
/// PolNeAR cannot tell an unattributed claim from no claim).
///
/// Only attributions whose content is claim-sized take part ([`is_claim_sized`]: at least
/// [`MIN_CONTENT_WORDS`] words, or quoted). Such an attribution is **unsourced** when it has no
/// Source (every `Attribution-no-source` event, and a few plain ones) or its Source is vague
/// ([`is_vague_source`]), and **sourced** otherwise. Pronoun sources ("he", "who") count as named:
/// they corefer with a named source. (One dev event is typed `Attribution-no-source` yet has a
/// Source argument; its source decides.) A unit *belongs to* an attribution when
///
/// 1. it carries the attribution's content: the content's non-space chars inside the unit are at
///    least half of the unit's non-space chars, or they are the whole content (a content shorter
///    than half the unit, entirely inside it: "Fowler said *he expects Clinton to fully recover*,
///    which ..."); a continuing quotation split over two sentences thus labels both; or
/// 2. it holds the attribution's Source and Cue (both overlap the unit) and the content overlaps the
///    unit or the unit just before or after it ("Trump told reporters:" before the quotation).
///
/// The unit is [`Attribution::Sourced`] when it belongs to a sourced attribution, else
/// [`Attribution::Unsourced`] when it belongs to an unsourced one, else [`Attribution::None`]: a
/// named source wins over a vague one in the same unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attribution {
    /// Belongs to an attribution with a named source (guide: `attributed`).
    Sourced,
    /// Belongs only to attributions without a source or with a vague one (guide: `vague`).
    Unsourced,
    /// Belongs to no attribution: the author's own statement, or no claim.
    None,
}

impl Attribution {
    /// `sourced`, `unsourced` or `none`.
    pub fn name(self) -> &'static str {
        match self {
            Attribution::Sourced => "sourced",
            Attribution::Unsourced => "unsourced",
            Attribution::None => "none",
        }
    }
}

/// A unit of a PolNeAR article with its attribution label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimUnit {
    /// Position of the unit in the article, from 0.
    pub index: usize,
    /// Start char offset into [`PolnearArticle::text`].
    pub start: usize,
    /// End char offset (exclusive).
    pub end: usize,
    /// The unit text.
    pub text: String,
    /// Paragraph number, from 0.
    pub paragraph: usize,
    /// The label.
    pub attribution: Attribution,
    /// Indices into [`PolnearArticle::attributions`] of the attributions that gave the label.
    pub attributions: Vec<usize>,
    /// Source fragments of those attributions that lie in this unit, in unit-relative char offsets
    /// (clipped to the unit); empty when the source is in another unit or there is none.
    pub source_spans: Vec<(usize, usize)>,
    /// Cue fragments of those attributions in this unit, unit-relative and clipped likewise.
    pub cue_spans: Vec<(usize, usize)>,
}

/// Head words of a vague source. A source is vague when one of its words is one of these and no
/// word names anyone: "critics", "experts", "some officials", "sources close to the campaign",
/// "people familiar with the matter", "polls", "analysts", "observers", "many", "others" are vague;
/// "State Department officials", "some Democrats", "Gallup polls" and pronouns ("he", "they") are
/// not (pronouns corefer with a named source in PolNeAR's news).
pub const VAGUE_SOURCES: &[&str] = &[
    "critics",
    "experts",
    "officials",
    "sources",
    "people",
    "polls",
    "analysts",
    "observers",
    "others",
    "some",
    "many",
];

/// Capitalised words that do not name anyone (sentence-initial determiners and modifiers).
const NOT_NAMES: &[&str] = &[
    "a",
    "an",
    "the",
    "some",
    "many",
    "most",
    "several",
    "few",
    "other",
    "unnamed",
    "anonymous",
    "senior",
    "top",
    "those",
    "these",
    "both",
    "all",
];

/// Whether a source text is vague: it contains a word of [`VAGUE_SOURCES`] and no capitalised word
/// other than those and a few determiners ("The", "Some", "Senior"...), which would be a name.
pub fn is_vague_source(source: &str) -> bool {
    let words = source.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')).filter(|w| !w.is_empty());
    let (mut vague, mut named) = (false, false);
    for w in words {
        let lower = w.to_lowercase();
        let is_vague = VAGUE_SOURCES.contains(&lower.as_str());
        vague |= is_vague;
        named |= w.chars().next().is_some_and(char::is_uppercase) && !is_vague && !NOT_NAMES.contains(&lower.as_str());
    }
    vague && !named
}

/// Contents shorter than this many words take no part in unit labels unless they are quoted.
pub const MIN_CONTENT_WORDS: usize = 4;

/// Whether an attribution's content (its fragments joined by a space) is a claim rather than the
/// object of an act or a stance: at least [`MIN_CONTENT_WORDS`] words, or a quotation (it holds `"`,
/// `“`, `”` or `''`). PolNeAR attributes beliefs, intentions and acts too, and short contents are
/// mostly their objects ("endorsed *Clinton*", "despise *Trump*", "declined *that assignment*") or
/// a relative pronoun standing for content elsewhere ("*what* she called"): the author's own report,
/// not a claim the source makes.
pub fn is_claim_sized(content: &str) -> bool {
    content.split_whitespace().count() >= MIN_CONTENT_WORDS
        || content.contains(['"', '“', '”'])
        || content.contains("''")
}

fn is_blank(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200b}' | '\u{2060}' | '\u{feff}')
}

/// Segments a PolNeAR article into units and labels each (see [`Attribution`] for the rules).
pub fn polnear_units(article: &PolnearArticle) -> Vec<ClaimUnit> {
    let chars: Vec<char> = article.text.chars().collect();
    let mut dense = vec![0usize; chars.len() + 1];
    for (i, &c) in chars.iter().enumerate() {
        dense[i + 1] = dense[i] + usize::from(!is_blank(c));
    }
    // Non-space chars of `spans` within `from..to`.
    let solid = |spans: &[(usize, usize)], from: usize, to: usize| -> usize {
        spans
            .iter()
            .map(|&(s, e)| {
                let (s, e) = (s.max(from).min(chars.len()), e.min(to).min(chars.len()));
                if s < e {
                    dense[e] - dense[s]
                } else {
                    0
                }
            })
            .sum()
    };
    let whole = chars.len();
    let text_of = |spans: &[(usize, usize)]| -> String {
        let parts: Vec<String> =
            spans.iter().map(|&(s, e)| chars[s.min(whole)..e.min(whole)].iter().collect()).collect();
        parts.join(" ")
    };
    // `None`: the attribution takes no part (its content is not claim-sized).
    let class: Vec<Option<Attribution>> = article
        .attributions
        .iter()
        .map(|a| {
            if !is_claim_sized(&text_of(&a.contents)) {
                None
            } else if a.sources.is_empty() || is_vague_source(&text_of(&a.sources)) {
                Some(Attribution::Unsourced)
            } else {
                Some(Attribution::Sourced)
            }
        })
        .collect();
    let content_total: Vec<usize> = article.attributions.iter().map(|a| solid(&a.contents, 0, whole)).collect();

    let units = segment(&article.text);
    let mut out = Vec::with_capacity(units.len());
    for (i, u) in units.iter().enumerate() {
        let size = solid(&[(u.start, u.end)], 0, whole);
        let near = |spans: &[(usize, usize)]| {
            [i.checked_sub(1), Some(i + 1)]
                .into_iter()
                .flatten()
                .filter_map(|j| units.get(j))
                .any(|v| solid(spans, v.start, v.end) > 0)
        };
        let mut hits: Vec<usize> = Vec::new();
        for (k, a) in article.attributions.iter().enumerate() {
            if class[k].is_none() {
                continue;
            }
            let here = solid(&a.contents, u.start, u.end);
            let carries = here > 0 && (2 * here >= size || here == content_total[k]);
            let holds = solid(&a.sources, u.start, u.end) > 0
                && solid(&a.cues, u.start, u.end) > 0
                && (here > 0 || near(&a.contents));
            if carries || holds {
                hits.push(k);
            }
        }
        let attribution = if hits.iter().any(|&k| class[k] == Some(Attribution::Sourced)) {
            Attribution::Sourced
        } else if hits.is_empty() {
            Attribution::None
        } else {
            Attribution::Unsourced
        };
        hits.retain(|&k| class[k] == Some(attribution));
        let (mut source_spans, mut cue_spans) = (Vec::new(), Vec::new());
        for &k in &hits {
            let a = &article.attributions[k];
            for (spans, into) in [(&a.sources, &mut source_spans), (&a.cues, &mut cue_spans)] {
                for &(s, e) in spans {
                    if s < u.end && e > u.start {
                        into.push((s.max(u.start) - u.start, e.min(u.end) - u.start));
                    }
                }
            }
        }
        for spans in [&mut source_spans, &mut cue_spans] {
            spans.sort_unstable();
            spans.dedup();
        }
        out.push(ClaimUnit {
            index: u.index,
            start: u.start,
            end: u.end,
            text: u.text.clone(),
            paragraph: u.paragraph,
            attribution,
            attributions: hits,
            source_spans,
            cue_spans,
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------------
// CheckThat! 2024 Task 1 (English)

/// A CheckThat! 2024 Task 1 English split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckthatSplit {
    /// 22,501 sentences (ClaimBuster groundtruth).
    Train,
    /// 1,032 sentences (ClaimBuster crowdsourced): for tuning.
    Dev,
    /// 318 sentences: held out, evaluation only.
    DevTest,
}

impl CheckthatSplit {
    /// The file name under `checkthat2024-task1-en`.
    pub fn file(self) -> &'static str {
        match self {
            CheckthatSplit::Train => "CT24_checkworthy_english_train.tsv",
            CheckthatSplit::Dev => "CT24_checkworthy_english_dev.tsv",
            CheckthatSplit::DevTest => "CT24_checkworthy_english_dev-test.tsv",
        }
    }
}

/// A CheckThat! sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckworthySentence {
    /// `Sentence_id`.
    pub id: String,
    /// `Text`, CSV quoting removed.
    pub text: String,
    /// `class_label` is `Yes`: a check-worthy factual claim.
    pub checkworthy: bool,
}

/// Reads a CheckThat! 2024 Task 1 English split from `root/checkthat2024-task1-en`.
/// [`CheckthatSplit::DevTest`] is held out: evaluation only.
pub fn load_checkthat(root: &Path, split: CheckthatSplit) -> Result<Vec<CheckworthySentence>> {
    let path = root.join("checkthat2024-task1-en").join(split.file());
    parse_checkthat(&read(&path)?, &path)
}

/// When `s` opens with a CSV-quoted field that closes right before a tab or the end of the line:
/// the field unquoted (`""` is `"`) and what follows the tab (`None` at the end). Otherwise `None`,
/// and the field is literal.
fn quoted_field(s: &str) -> Option<(String, Option<&str>)> {
    let body = s.strip_prefix('"')?;
    let mut field = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '"' {
            field.push(c);
            continue;
        }
        let after = &body[i + 1..];
        if after.starts_with('"') {
            field.push('"');
            chars.next();
        } else if after.is_empty() {
            return Some((field, None));
        } else {
            return after.strip_prefix('\t').map(|rest| (field, Some(rest)));
        }
    }
    None
}

/// Splits a TSV line: fields are separated by tabs; a field that is CSV-quoted as a whole is unquoted
/// (and may contain tabs); any other `"` is literal.
fn tsv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    loop {
        if let Some((field, after)) = quoted_field(rest) {
            out.push(field);
            match after {
                Some(r) => rest = r,
                None => return out,
            }
            continue;
        }
        match rest.split_once('\t') {
            Some((field, r)) => {
                out.push(field.to_string());
                rest = r;
            }
            None => {
                out.push(rest.to_string());
                return out;
            }
        }
    }
}

fn parse_checkthat(text: &str, path: &Path) -> Result<Vec<CheckworthySentence>> {
    let mut rows =
        text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).enumerate().filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = rows.next().ok_or_else(|| bad(path, "empty file"))?;
    let header = tsv_fields(header.trim_start_matches('\u{feff}'));
    let col = |name: &str| {
        header.iter().position(|h| h.trim() == name).ok_or_else(|| bad(path, format!("line 1: no column {name}")))
    };
    let (ci, ct, cl) = (col("Sentence_id")?, col("Text")?, col("class_label")?);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (n, row) in rows {
        let line = n + 1;
        let f = tsv_fields(row);
        if f.len() != header.len() {
            return Err(bad(path, format!("line {line}: {} tab-separated fields, expected {}", f.len(), header.len())));
        }
        let id = f[ci].trim().to_string();
        if id.is_empty() {
            return Err(bad(path, format!("line {line}: empty Sentence_id")));
        }
        if !seen.insert(id.clone()) {
            return Err(bad(path, format!("line {line}: Sentence_id {id} appears twice")));
        }
        let checkworthy = match f[cl].trim() {
            "Yes" => true,
            "No" => false,
            other => return Err(bad(path, format!("line {line}: class_label {other:?} is not Yes or No"))),
        };
        out.push(CheckworthySentence { id, text: f[ct].clone(), checkworthy });
    }
    Ok(out)
}

/// One unit of a framemark-authored claim document (`labels/authored/claims-*.jsonl`).
#[derive(Debug, Clone, PartialEq)]
pub struct AuthoredClaimUnit {
    pub text: String,
    /// `attributed`, `vague`, `unattributed` or `none` (LABELING-GUIDE.md, family 2).
    pub label: String,
    /// The source span of an attributed unit, unit-relative char offsets, when it is in the unit.
    pub source: Option<(usize, usize)>,
    /// The vague cue of a vague unit ("critics say"), unit-relative char offsets.
    pub cue: Option<(usize, usize)>,
}

/// A framemark-authored claim document: its units in reading order.
#[derive(Debug, Clone)]
pub struct AuthoredClaimDoc {
    pub id: String,
    pub units: Vec<AuthoredClaimUnit>,
}

/// Reads framemark-authored claim documents (JSON Lines, one document per line:
/// `{"id", "units": [{"t", "c", "src"?, "cue"?}]}`; `labels/authored/README.md`). A label outside
/// the four, or a `src`/`cue` that is not exactly once in its unit, is an [`Error::Data`] naming the
/// line.
pub fn load_authored_claims(path: &Path) -> Result<Vec<AuthoredClaimDoc>> {
    #[derive(serde::Deserialize)]
    struct Raw {
        id: String,
        units: Vec<RawUnit>,
    }
    #[derive(serde::Deserialize)]
    struct RawUnit {
        t: String,
        c: String,
        src: Option<String>,
        cue: Option<String>,
    }
    let mut docs = Vec::new();
    for (n, line) in read(path)?.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let at = |reason: String| bad(path, format!("line {}: {reason}", n + 1));
        let r: Raw = serde_json::from_str(line).map_err(|e| at(e.to_string()))?;
        let mut units = Vec::with_capacity(r.units.len());
        for u in r.units {
            if !["attributed", "vague", "unattributed", "none"].contains(&u.c.as_str()) {
                return Err(at(format!("{}: unknown claim label {:?}", r.id, u.c)));
            }
            // Unit-relative char offsets of a phrase that must occur exactly once.
            let span = |phrase: &Option<String>| -> Result<Option<(usize, usize)>> {
                let Some(p) = phrase else { return Ok(None) };
                let found: Vec<usize> = u.t.match_indices(p.as_str()).map(|(b, _)| b).collect();
                match found.as_slice() {
                    [b] if !p.is_empty() => {
                        let start = u.t[..*b].chars().count();
                        Ok(Some((start, start + p.chars().count())))
                    }
                    _ => Err(at(format!("{}: {p:?} is not exactly once in {:?}", r.id, u.t))),
                }
            };
            units.push(AuthoredClaimUnit { source: span(&u.src)?, cue: span(&u.cue)?, label: u.c, text: u.t });
        }
        docs.push(AuthoredClaimDoc { id: r.id, units });
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authored_claims_read_with_spans_and_fail_on_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("claims.jsonl");
        let good = r#"{"id": "x", "units": [{"t": "Émile Roux said the dam held.", "c": "attributed", "src": "Émile Roux"}, {"t": "Critics say it leaks.", "c": "vague", "cue": "Critics say"}, {"t": "Rain fell.", "c": "none"}]}"#;
        std::fs::write(&path, format!("{good}\n\n")).unwrap();
        let docs = load_authored_claims(&path).unwrap();
        assert_eq!(docs.len(), 1);
        let u = &docs[0].units;
        assert_eq!((u[0].source, u[0].cue), (Some((0, 10)), None), "char offsets, not bytes");
        assert_eq!((u[1].label.as_str(), u[1].cue), ("vague", Some((0, 11))));
        for bad_line in [
            r#"{"id": "y", "units": [{"t": "Rain fell.", "c": "loaded"}]}"#,
            r#"{"id": "y", "units": [{"t": "Rain fell.", "c": "vague", "cue": "critics say"}]}"#,
            r#"{"id": "y", "units": [{"t": "He said he said.", "c": "attributed", "src": "said"}]}"#,
        ] {
            std::fs::write(&path, format!("{good}\n{bad_line}\n")).unwrap();
            let e = load_authored_claims(&path).unwrap_err().to_string();
            assert!(e.contains("line 2"), "{e}");
        }
    }

    /// The committed authored claim documents read cleanly and hold all four labels.
    #[test]
    fn committed_authored_claims_read() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("labels/authored/claims-a.jsonl");
        let docs = load_authored_claims(&path).unwrap();
        assert!(docs.len() >= 30, "{} documents", docs.len());
        for label in ["attributed", "vague", "unattributed", "none"] {
            let n = docs.iter().flat_map(|d| &d.units).filter(|u| u.label == label).count();
            assert!(n >= 40, "{label}: {n} units");
        }
        let vague = docs.iter().flat_map(|d| &d.units).filter(|u| u.label == "vague");
        assert!(vague.clone().all(|u| u.cue.is_some()), "every vague unit names its cue");
    }

    /// Char offsets of the first `needle` in `text`.
    fn at(text: &str, needle: &str) -> (usize, usize) {
        let byte = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in {text:?}"));
        let start = text[..byte].chars().count();
        (start, start + needle.chars().count())
    }

    fn attribution(
        id: &str,
        no_source: bool,
        source: &[(usize, usize)],
        cue: &[(usize, usize)],
        content: &[(usize, usize)],
    ) -> PolnearAttribution {
        PolnearAttribution {
            id: id.into(),
            no_source,
            sources: source.to_vec(),
            cues: cue.to_vec(),
            contents: content.to_vec(),
        }
    }

    fn article(text: &str, attributions: Vec<PolnearAttribution>) -> PolnearArticle {
        PolnearArticle {
            id: "fixture".into(),
            publisher: String::new(),
            date: String::new(),
            title: String::new(),
            annotator: "0000".into(),
            text: text.into(),
            attributions,
        }
    }

    fn labels(units: &[ClaimUnit]) -> Vec<(&str, &str)> {
        units.iter().map(|u| (u.text.as_str(), u.attribution.name())).collect()
    }

    #[test]
    fn brat_offsets_are_chars_and_events_link_roles() {
        // "don’t" has a 3-byte apostrophe: byte offsets would be off by 2 after it.
        let text: Vec<char> = "They don’t like it, he said.\n\nMore text here.".chars().collect();
        let ann = "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n\
                   T1\tSource 20 22\the\n\
                   T2\tCue 23 27\tsaid\n\
                   T3\tContent 0 4;5 18\tThey don’t like it\n\
                   T4\tAttribution 23 27\tsaid\n\
                   T5\tCue 5 15\tdon’t like\n\
                   T6\tAttribution-no-source 5 15\tdon’t like\n\
                   T7\tContent 16 18\tit\n\
                   E2\tAttribution-no-source:T6 \n\
                   E3\tAttribution-no-source:T6 Cue:T5 Content:T7\n\
                   T8\tDiscuss 20 44\the said.\n\
                   \n\
                   More text here\n\
                   #1\tAnnotatorNotes T8\tcheck this\n";
        let a = parse_brat(ann, &text).unwrap();
        assert_eq!(a.len(), 2, "the argument-less E2 is skipped");
        assert_eq!(a[0], attribution("E1", false, &[(20, 22)], &[(23, 27)], &[(0, 4), (5, 18)]));
        assert_eq!(a[1], attribution("E3", true, &[], &[(5, 15)], &[(16, 18)]));
    }

    #[test]
    fn brat_second_content_and_errors() {
        let text: Vec<char> = "“Yes,” he said. “No.”".chars().collect();
        let ok = "T1\tSource 7 9\the\nT2\tCue 10 14\tsaid\nT3\tContent 1 4\tYes\nT4\tContent 17 19\tNo\n\
                  E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3 Content2:T4\n";
        assert_eq!(parse_brat(ok, &text).unwrap()[0].contents, vec![(1, 4), (17, 19)]);
        // Byte offsets ("”" is 3 bytes) do not match the stored text.
        let bytes = "T1\tSource 9 11\the\n";
        assert!(parse_brat(bytes, &text).unwrap_err().contains("line 1: T1 text"));
        let missing = "T1\tSource 7 9\the\nE1\tAttribution:T1 Source:T1 Cue:T9\n";
        assert!(parse_brat(missing, &text).unwrap_err().contains("T9, which is not defined"));
        let junk = "garbage\n";
        assert!(parse_brat(junk, &text).unwrap_err().starts_with("line 1: not a brat record"));
        let past = "T1\tSource 7 99\the\n";
        assert!(parse_brat(past, &text).unwrap_err().contains("after the text"));
    }

    #[test]
    fn vague_sources_are_unnamed_groups() {
        for s in [
            "critics",
            "Critics",
            "some experts",
            "Senior officials",
            "people familiar with the matter",
            "polls",
            "Many",
            "others",
            "sources close to the campaign",
        ] {
            assert!(is_vague_source(s), "{s}");
        }
        for s in [
            "he",
            "They",
            "Trump",
            "State Department officials",
            "some Democrats",
            "Gallup polls",
            "the poll",
            "Sen. Graham",
            "Trump’s aides",
        ] {
            assert!(!is_vague_source(s), "{s}");
        }
    }

    #[test]
    fn continuing_quotation_labels_both_sentences() {
        let text = "Trump said: “We will build the wall. Mexico will pay for it.”\n\nThe rally ended at nine.";
        let a = attribution(
            "E1",
            false,
            &[at(text, "Trump")],
            &[at(text, "said")],
            &[at(text, "We will build the wall. Mexico will pay for it.")],
        );
        let units = polnear_units(&article(text, vec![a]));
        assert_eq!(
            labels(&units),
            vec![
                ("Trump said: “We will build the wall.", "sourced"),
                ("Mexico will pay for it.”", "sourced"),
                ("The rally ended at nine.", "none"),
            ]
        );
        assert_eq!((units[0].source_spans.clone(), units[0].cue_spans.clone()), (vec![(0, 5)], vec![(6, 10)]));
        assert!(units[1].source_spans.is_empty() && units[1].cue_spans.is_empty(), "the source is in another unit");
        assert_eq!(units[1].attributions, vec![0]);
    }

    #[test]
    fn source_and_cue_before_the_quotation_label_their_unit() {
        let text = "The senator told reporters on Monday. The wall will never be built. Nobody asked.";
        let a = attribution(
            "E1",
            false,
            &[at(text, "The senator")],
            &[at(text, "told")],
            &[at(text, "The wall will never be built.")],
        );
        let units = polnear_units(&article(text, vec![a]));
        assert_eq!(labels(&units).iter().map(|l| l.1).collect::<Vec<_>>(), vec!["sourced", "sourced", "none"]);
        assert_eq!(units[0].source_spans, vec![(0, 11)]);
        assert_eq!(units[0].cue_spans, vec![(12, 16)]);
    }

    #[test]
    fn no_source_and_vague_source_are_unsourced() {
        let text = "It is widely believed that the vote was rigged. Critics say the plan will cost billions. He left.";
        let no_source =
            attribution("E1", true, &[], &[at(text, "is widely believed")], &[at(text, "that the vote was rigged")]);
        let vague = attribution(
            "E2",
            false,
            &[at(text, "Critics")],
            &[at(text, "say")],
            &[at(text, "the plan will cost billions")],
        );
        let units = polnear_units(&article(text, vec![no_source, vague]));
        assert_eq!(labels(&units).iter().map(|l| l.1).collect::<Vec<_>>(), vec!["unsourced", "unsourced", "none"]);
        assert!(units[0].source_spans.is_empty());
        assert_eq!(units[0].cue_spans, vec![(3, 21)]);
        assert_eq!((units[1].source_spans.clone(), units[1].cue_spans.clone()), (vec![(0, 7)], vec![(8, 11)]));
    }

    #[test]
    fn overlap_needs_half_the_unit_or_the_whole_content() {
        // Content that starts in the tail of a long authorial sentence: under half of it, not whole.
        let text = "The debate ran long and the moderators lost control of the stage, saying simply “enough. Stop the debate now,” Holt said.";
        let content = at(text, "enough. Stop the debate now,");
        let a = attribution("E1", false, &[at(text, "Holt")], &[at(text, "said")], &[content]);
        let units = polnear_units(&article(text, vec![a]));
        assert_eq!(labels(&units).iter().map(|l| l.1).collect::<Vec<_>>(), vec!["none", "sourced"]);
        // A claim-sized content wholly inside a unit counts although it is under half of it; the
        // source is in the unit before, which holds source and cue with the content next door.
        let text = "Clinton spoke on Monday. In a long speech at a packed rally in a gym in Ohio, the deal was a disaster for workers.";
        let a = attribution(
            "E1",
            false,
            &[at(text, "Clinton")],
            &[at(text, "spoke")],
            &[at(text, "the deal was a disaster")],
        );
        let units = polnear_units(&article(text, vec![a]));
        assert_eq!(labels(&units).iter().map(|l| l.1).collect::<Vec<_>>(), vec!["sourced", "sourced"]);
        assert!(units[1].source_spans.is_empty() && units[1].cue_spans.is_empty());
        // Contents under MIN_CONTENT_WORDS words that are not quoted take no part.
        let text = "Trump endorsed Clinton. Trump called it “sad.”";
        let endorsed = attribution("E1", false, &[(0, 5)], &[at(text, "endorsed")], &[at(text, "Clinton")]);
        let called = attribution("E2", false, &[(24, 29)], &[at(text, "called")], &[at(text, "it “sad.”")]);
        let units = polnear_units(&article(text, vec![endorsed, called]));
        assert_eq!(labels(&units).iter().map(|l| l.1).collect::<Vec<_>>(), vec!["none", "sourced"]);
        // A named source wins over a vague one in the same unit.
        let text = "Critics say the plan failed badly, but Obama said the plan worked well.";
        let vague =
            attribution("E1", false, &[at(text, "Critics")], &[at(text, "say")], &[at(text, "the plan failed badly")]);
        let named =
            attribution("E2", false, &[at(text, "Obama")], &[at(text, "said")], &[at(text, "the plan worked well")]);
        let u = &polnear_units(&article(text, vec![vague, named]))[0];
        assert_eq!(
            (u.attribution, u.attributions.clone(), u.source_spans.clone()),
            (Attribution::Sourced, vec![1], vec![at(text, "Obama")])
        );
    }

    #[test]
    fn checkthat_rows_are_unquoted_and_checked() {
        let p = Path::new("ct.tsv");
        let tsv = "\u{feff}Sentence_id\tText\tclass_label\r\n\
                   1\t\"I saw three letters, a \"\"K,\"\" a \"\"G.\"\"\"\tNo\r\n\
                   2\t\"Yes,\" he said, \"it is.\"\tYes\n\
                   3\t\"tab\tinside\"\tNo\n\n";
        let rows = parse_checkthat(tsv, p).unwrap();
        assert_eq!(rows[0].text, "I saw three letters, a \"K,\" a \"G.\"");
        assert_eq!((rows[1].text.as_str(), rows[1].checkworthy), ("\"Yes,\" he said, \"it is.\"", true));
        assert_eq!(rows[2].text, "tab\tinside");
        let err = |s: &str| parse_checkthat(s, p).unwrap_err().to_string();
        assert_eq!(
            err("Sentence_id\tText\tclass_label\n1\ta\tNo\n2\tb\n"),
            "data ct.tsv: line 3: 2 tab-separated fields, expected 3"
        );
        assert_eq!(
            err("Sentence_id\tText\tclass_label\n1\ta\tMaybe\n"),
            "data ct.tsv: line 2: class_label \"Maybe\" is not Yes or No"
        );
        assert_eq!(
            err("Sentence_id\tText\tclass_label\n1\ta\tNo\n1\tb\tYes\n"),
            "data ct.tsv: line 3: Sentence_id 1 appears twice"
        );
        assert_eq!(err("id\tText\tlabel\n"), "data ct.tsv: line 1: no column Sentence_id");
    }

    // --- over the real data (skipped when ../shared/data is absent) ---

    fn shared_root(dir: &str) -> Option<PathBuf> {
        let root = crate::data::default_root();
        if root.join(dir).is_dir() {
            Some(root)
        } else {
            eprintln!("skipping: {} has no {dir} (../shared/data is absent)", root.display());
            None
        }
    }

    fn distribution(articles: &[PolnearArticle]) -> [usize; 3] {
        let mut n = [0; 3];
        for a in articles {
            for u in polnear_units(a) {
                n[u.attribution as usize] += 1;
            }
        }
        n
    }

    #[test]
    fn polnear_splits_load_with_matching_spans() {
        let Some(root) = shared_root("polnear") else { return };
        // Loading checks every T span's text against the article text at its char offsets.
        let counts: Vec<(usize, usize, usize)> = [PolnearSplit::Train, PolnearSplit::Dev, PolnearSplit::Test]
            .map(|s| {
                let a = load_polnear(&root, s).unwrap();
                let events = a.iter().map(|a| a.attributions.len()).sum();
                let no_source = a.iter().flat_map(|a| &a.attributions).filter(|x| x.no_source).count();
                eprintln!(
                    "polnear {}: {} articles, {events} attributions, {no_source} without source",
                    s.name(),
                    a.len()
                );
                (a.len(), events, no_source)
            })
            .into();
        assert_eq!(counts.iter().map(|c| c.0).collect::<Vec<_>>(), vec![840, 84, 84]);
        assert!(counts.iter().all(|&(n, e, ns)| e > 15 * n && ns > 0 && ns < e / 5), "{counts:?}");

        // A real file with a multi-byte apostrophe before a span: char offsets, not bytes.
        let train = load_polnear(&root, PolnearSplit::Train).unwrap();
        let a = train.iter().find(|a| a.id == "breitbart_2015-11-11_the-ninth-circle-the-hellish-vie").unwrap();
        let slice = |(s, e): (usize, usize)| a.text.chars().skip(s).take(e - s).collect::<String>();
        let e2 = &a.attributions[1];
        assert_eq!(
            (slice(e2.sources[0]), slice(e2.cues[0]), slice(e2.contents[0])),
            ("you".into(), "don’t like".into(), "it".into())
        );
        // Discontinuous spans, and a span crossing a paragraph break, read back exactly.
        let a = train.iter().find(|a| a.id == "nyt_2016-04-18_for-news-outlets-feeling-the-squ").unwrap();
        let content = a.attributions.iter().find(|x| x.contents.contains(&(4984, 5422))).unwrap();
        assert!(content.contents.contains(&(4902, 4959)));
        let crossing: String = a.text.chars().skip(4984).take(5422 - 4984).collect();
        assert!(crossing.contains("\n\nHooking people on your news product"), "{crossing:?}");
    }

    #[test]
    fn polnear_unit_labels_are_plausible() {
        let Some(root) = shared_root("polnear") else { return };
        for split in [PolnearSplit::Dev, PolnearSplit::Train] {
            let articles = load_polnear(&root, split).unwrap();
            let [sourced, unsourced, none] = distribution(&articles);
            let total = (sourced + unsourced + none) as f64;
            eprintln!(
                "polnear {} units: {total} — sourced {sourced} ({:.1}%), unsourced {unsourced} ({:.1}%), none {none} ({:.1}%)",
                split.name(),
                100.0 * sourced as f64 / total,
                100.0 * unsourced as f64 / total,
                100.0 * none as f64 / total
            );
            assert!((0.3..0.75).contains(&(sourced as f64 / total)), "sourced share");
            assert!(unsourced > 0 && unsourced < sourced / 2 && none > 0);
            // Spans are unit-relative and inside the unit.
            for a in articles.iter().take(20) {
                for u in polnear_units(a) {
                    let n = u.end - u.start;
                    assert!(u.source_spans.iter().chain(&u.cue_spans).all(|&(s, e)| s < e && e <= n), "{u:?}");
                    assert_eq!(u.text, a.text.chars().skip(u.start).take(n).collect::<String>());
                }
            }
        }
    }

    #[test]
    fn checkthat_splits_have_the_official_counts() {
        let Some(root) = shared_root("checkthat2024-task1-en") else { return };
        for (split, rows, yes) in [
            (CheckthatSplit::Train, 22_501, 5_440),
            (CheckthatSplit::Dev, 1_032, 245),
            (CheckthatSplit::DevTest, 318, 74),
        ] {
            let s = load_checkthat(&root, split).unwrap();
            let y = s.iter().filter(|s| s.checkworthy).count();
            eprintln!(
                "checkthat {}: {} rows, {y} Yes ({:.1}%)",
                split.file(),
                s.len(),
                100.0 * y as f64 / s.len() as f64
            );
            assert_eq!((s.len(), y), (rows, yes));
            assert!(s.iter().all(|s| !s.text.is_empty()));
            // `""` is left only where the source itself has it: train row 37802 ends `job.\""`.
            let doubled: Vec<&str> = s.iter().filter(|s| s.text.contains("\"\"")).map(|s| s.id.as_str()).collect();
            assert!(doubled.is_empty() || doubled == ["37802"], "CSV quoting left in {doubled:?}");
        }
        let train = load_checkthat(&root, CheckthatSplit::Train).unwrap();
        let s = train.iter().find(|s| s.id == "4211").unwrap();
        assert_eq!(s.text, "I looked into Mr. Putin's eyes, and I saw three letters, a \"K,\" a \"G,\" and a \"B.\"");
    }
}
