//! Readers for the labeled corpora in `../shared/data` (see each folder's SOURCE.md). They are read
//! in place at train/eval time and never copied into the project.
//!
//! - PTC-2020 (SemEval-2020 Task 11): articles with one sentence per line and char-offset technique
//!   spans (14 classes). A line is propaganda when it overlaps a span (the NLP4IF-2019 SLC rule).
//! - SemEval-2023 Task 3 English subtask 3: 23 techniques per paragraph of the same articles
//!   (train = PTC train+dev, dev = PTC test). Paragraphs are aligned back to PTC lines.
//! - BABE (SG2): sentences labeled biased / non-biased; held-out links in `splits/`.
//! - Web pages for the `content` family (article vs filler): L3S-GN1, CleanEval + Dragnet, and the Zyte
//!   benchmark, in [`web`].
//! - The `claim` family: PolNeAR attributions (source/cue/content) with unit labels, and CheckThat!
//!   2024 check-worthy sentences, in [`claims`].

pub mod claims;
pub mod web;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Where the datasets live unless `--data` says otherwise: `$FRAMEMARK_DATA`, else `../shared/data`.
pub fn default_root() -> PathBuf {
    std::env::var_os("FRAMEMARK_DATA").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("../shared/data"))
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

fn bad(path: &Path, reason: impl Into<String>) -> Error {
    Error::Data { path: path.to_path_buf(), reason: reason.into() }
}

/// One line of a PTC article, with char offsets into the article.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Char offset of the first char.
    pub start: usize,
    /// Char offset after the last char.
    pub end: usize,
    /// The line text.
    pub text: String,
}

/// A PTC technique span (char offsets into the article, end exclusive).
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// PTC-2020 technique name, or `?` where the split has spans without techniques (test).
    pub technique: String,
    /// Start char.
    pub start: usize,
    /// End char (exclusive).
    pub end: usize,
}

/// A PTC article.
#[derive(Debug, Clone)]
pub struct Article {
    /// Article id (the number in `article<ID>.txt`).
    pub id: String,
    /// Its text.
    pub text: String,
    /// Every line, empty ones included (so line index = line number - 1).
    pub lines: Vec<Line>,
    /// Gold spans.
    pub spans: Vec<Span>,
}

impl Article {
    /// Whether line `i` overlaps any gold span (the SLC label).
    pub fn line_is_propaganda(&self, i: usize) -> bool {
        let l = &self.lines[i];
        self.spans.iter().any(|s| s.start < l.end && s.end > l.start)
    }
}

/// A PTC split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PtcSplit {
    /// 371 articles, spans with techniques.
    Train,
    /// 75 articles, spans with techniques (for tuning).
    Dev,
    /// 90 articles, spans without techniques: held out.
    Test,
}

fn lines_of(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    for l in text.split('\n') {
        let n = l.chars().count();
        lines.push(Line { start, end: start + n, text: l.to_string() });
        start += n + 1;
    }
    lines
}

/// Reads a PTC split from `root/ptc-semeval2020-task11/datasets`.
pub fn load_ptc(root: &Path, split: PtcSplit) -> Result<Vec<Article>> {
    let base = root.join("ptc-semeval2020-task11/datasets");
    let (dir, labels) = match split {
        PtcSplit::Train => ("train-articles", "train-task2-TC.labels"),
        PtcSplit::Dev => ("dev-articles", "dev-task-TC.labels"),
        PtcSplit::Test => ("test-articles", "test-task-TC-template.out"),
    };
    let mut spans: HashMap<String, Vec<Span>> = HashMap::new();
    let lpath = base.join(labels);
    for (n, row) in read(&lpath)?.lines().enumerate() {
        if row.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = row.split('\t').collect();
        let parse = |s: &str| s.trim().parse::<usize>().map_err(|_| bad(&lpath, format!("line {}: bad offset", n + 1)));
        if f.len() != 4 {
            return Err(bad(&lpath, format!("line {}: expected 4 tab-separated fields", n + 1)));
        }
        spans.entry(f[0].to_string()).or_default().push(Span {
            technique: f[1].to_string(),
            start: parse(f[2])?,
            end: parse(f[3])?,
        });
    }
    let adir = base.join(dir);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&adir)
        .map_err(|e| Error::io(&adir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    let mut out = Vec::with_capacity(paths.len());
    for p in paths {
        let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let id = stem.trim_start_matches("article").to_string();
        let text = read(&p)?;
        out.push(Article { lines: lines_of(&text), spans: spans.remove(&id).unwrap_or_default(), id, text });
    }
    if out.is_empty() {
        return Err(bad(&adir, "no articles"));
    }
    Ok(out)
}

/// A SemEval-2023 paragraph with its techniques, aligned to lines of its PTC article.
#[derive(Debug, Clone)]
pub struct Paragraph {
    /// Article id.
    pub article: String,
    /// Paragraph number as in the SemEval files.
    pub no: usize,
    /// Gold techniques (SemEval-2023 names); empty = none.
    pub labels: Vec<String>,
    /// Indices of the article lines the paragraph covers.
    pub lines: Vec<usize>,
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads SemEval-2023 subtask-3 paragraphs (`split` = "train" or "dev") and aligns each to the lines
/// of its article in `articles`. Paragraphs whose article is not given are skipped; so are the rare
/// ones whose text cannot be found in the article (the count is returned).
pub fn load_semeval(root: &Path, split: &str, articles: &[Article]) -> Result<(Vec<Paragraph>, usize)> {
    let base = root.join("semeval2023-task3-en");
    let tpath = base.join(format!("{split}-labels-subtask-3.template"));
    let lpath = base.join(format!("{split}-labels-subtask-3.txt"));
    let mut labels: HashMap<(String, usize), Vec<String>> = HashMap::new();
    for row in read(&lpath)?.lines() {
        let f: Vec<&str> = row.splitn(3, '\t').collect();
        if f.len() < 2 {
            continue;
        }
        let no = f[1].parse().map_err(|_| bad(&lpath, format!("bad paragraph number in {row:?}")))?;
        let l = f.get(2).map(|s| s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect());
        labels.insert((f[0].to_string(), no), l.unwrap_or_default());
    }
    let by_id: HashMap<&str, &Article> = articles.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut cursor: HashMap<String, usize> = HashMap::new();
    let (mut out, mut missed) = (Vec::new(), 0);
    for row in read(&tpath)?.lines() {
        let f: Vec<&str> = row.splitn(3, '\t').collect();
        if f.len() < 3 {
            continue;
        }
        let Some(article) = by_id.get(f[0]) else { continue };
        let no: usize = f[1].parse().map_err(|_| bad(&tpath, format!("bad paragraph number in {row:?}")))?;
        let para = norm(f[2]);
        let from = *cursor.get(f[0]).unwrap_or(&0);
        let first = (from..article.lines.len()).find(|&i| {
            let l = norm(&article.lines[i].text);
            !l.is_empty() && para.starts_with(&l[..l.floor_char_boundary(40)])
        });
        let Some(first) = first else {
            missed += 1;
            continue;
        };
        let mut lines = vec![first];
        let mut i = first + 1;
        while i < article.lines.len() {
            let l = norm(&article.lines[i].text);
            if l.is_empty() || !para.contains(&l) {
                break;
            }
            lines.push(i);
            i += 1;
        }
        cursor.insert(f[0].to_string(), i);
        let labels = labels.get(&(f[0].to_string(), no)).cloned().unwrap_or_default();
        out.push(Paragraph { article: f[0].to_string(), no, labels, lines });
    }
    Ok((out, missed))
}

/// A BABE sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct BabeSentence {
    /// The sentence.
    pub text: String,
    /// Source article link (the split key).
    pub link: String,
    /// Expert majority label: biased.
    pub biased: bool,
}

/// Splits `;`-separated CSV with `"` quoting (and `""` escapes) into rows of fields.
fn parse_csv(text: &str, sep: char) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == sep && !quoted => row.push(std::mem::take(&mut field)),
            '\n' if !quoted => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            '\r' if !quoted => {}
            c => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// Reads BABE SG2 and splits it by news link: (train, held-out test). "No agreement" rows are dropped.
pub fn load_babe(root: &Path) -> Result<(Vec<BabeSentence>, Vec<BabeSentence>)> {
    let path = root.join("babe-mbic/final_labels_SG2.csv");
    let text = read(&path)?;
    let split_path = root.join("splits/babe-sg2-test-links.txt");
    let test_links: HashSet<String> = read(&split_path)?.lines().map(|l| l.trim().to_string()).collect();
    let rows = parse_csv(text.trim_start_matches('\u{feff}'), ';');
    let header = rows.first().ok_or_else(|| bad(&path, "empty"))?;
    let col = |name: &str| header.iter().position(|h| h == name).ok_or_else(|| bad(&path, format!("no column {name}")));
    let (ct, cl, cb) = (col("text")?, col("news_link")?, col("label_bias")?);
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for r in rows.iter().skip(1) {
        let (Some(t), Some(l), Some(b)) = (r.get(ct), r.get(cl), r.get(cb)) else { continue };
        let biased = match b.as_str() {
            "Biased" => true,
            "Non-biased" => false,
            _ => continue,
        };
        let s = BabeSentence { text: t.clone(), link: l.clone(), biased };
        if test_links.contains(l.trim()) {
            test.push(s)
        } else {
            train.push(s)
        }
    }
    Ok((train, test))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_handles_quotes_and_separators() {
        let rows = parse_csv("a;b\n\"x;\"\"y\"\"\";2\r\n", ';');
        assert_eq!(rows, vec![vec!["a", "b"], vec!["x;\"y\"", "2"]]);
    }

    #[test]
    fn authored_spans_are_char_offsets() {
        let s: AuthoredSentence = serde_json::from_str(
            r#"{"text":"Café owners slam the Soros-funded DA","techniques":["Guilt_by_Association"],"evidence":{"Guilt_by_Association":["Soros-funded"]}}"#,
        )
        .unwrap();
        assert_eq!(s.spans(), vec![(21, 33, "Guilt_by_Association")]);
    }

    #[test]
    fn lines_have_char_offsets() {
        let l = lines_of("é1\n\nabc");
        assert_eq!((l[0].start, l[0].end), (0, 2));
        assert_eq!((l[2].start, l[2].end, l[2].text.as_str()), (4, 7, "abc"));
    }
}

/// A framemark-authored training sentence (`labels/authored/techniques.jsonl`): written for the
/// project, with its techniques and the exact words carrying each.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct AuthoredSentence {
    /// The sentence.
    pub text: String,
    /// Its techniques (empty = not loaded).
    pub techniques: Vec<String>,
    /// Per technique, substrings of `text` that carry it.
    #[serde(default)]
    pub evidence: HashMap<String, Vec<String>>,
}

impl AuthoredSentence {
    /// Char spans of every occurrence of each evidence string, per technique.
    pub fn spans(&self) -> Vec<(usize, usize, &str)> {
        let mut out = Vec::new();
        for (label, words) in &self.evidence {
            for w in words {
                for (byte, _) in self.text.match_indices(w.as_str()) {
                    let start = self.text[..byte].chars().count();
                    out.push((start, start + w.chars().count(), label.as_str()));
                }
            }
        }
        out.sort();
        out
    }
}

/// Reads authored sentences; a malformed line or evidence not found in its text is an error naming
/// the line.
pub fn load_authored(path: &Path) -> Result<Vec<AuthoredSentence>> {
    let mut out = Vec::new();
    for (n, line) in read(path)?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let s: AuthoredSentence =
            serde_json::from_str(line).map_err(|e| bad(path, format!("line {}: {e}", n + 1)))?;
        for (label, words) in &s.evidence {
            if let Some(w) = words.iter().find(|w| w.is_empty() || !s.text.contains(w.as_str())) {
                return Err(bad(path, format!("line {}: {label} evidence {w:?} is not in the text", n + 1)));
            }
        }
        out.push(s);
    }
    Ok(out)
}
