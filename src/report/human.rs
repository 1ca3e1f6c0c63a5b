//! The default report, for a media analyst reading a terminal: per document a header, the unit
//! counts, the techniques ranked by how many units carry them, and the most loaded units with the
//! words that carry their techniques highlighted (the sections the labeling guide's "The report"
//! asks for, as far as the records carry them).
//!
//! ```text
//! a1 (model fm-base-1)
//! units: 42, loaded: 7 (16.7%)
//!
//! Techniques by units carrying them:
//!   Loaded_Language        5   11.9%
//!   Name_Calling-Labeling  2    4.8%
//!
//! Most loaded units (2 of 7):
//!   unit 3  loaded 0.91, threshold 0.50
//!     Loaded_Language 0.88, Name_Calling-Labeling 0.61
//!     They [[unleashed]] [[criminal illegal aliens]] on our towns.
//!
//!   unit 9  loaded 0.84, threshold 0.50
//!     ...
//! ```
//!
//! Each document block ends with a blank line; an input that failed is one line,
//! `doc: error: reason`. Lines are never wrapped (the terminal does that) and never end in spaces.
//! Control characters in the input text are shown as spaces (line breaks, tabs) or escaped, so the
//! input cannot drive the terminal.

use std::io::{self, Write};

use super::{percent, rank_techniques, DocReport, ErrorRecord, Outcome, Render, UnitRecord};

const BOLD: &str = "\x1b[1m";
const BOLD_RED: &str = "\x1b[1;31m";
const RESET: &str = "\x1b[0m";

/// How the human report is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HumanOptions {
    /// How many of the most loaded units to show per document (default 5; 0 hides the section).
    pub top: usize,
    /// ANSI styling: evidence in bold red, document ids in bold. Without it evidence is wrapped in
    /// `[[ ]]`. The CLI decides (on when writing to a terminal).
    pub color: bool,
}

impl Default for HumanOptions {
    fn default() -> Self {
        HumanOptions { top: 5, color: false }
    }
}

/// Writes the report block of one document, ending with a blank line.
pub fn write_doc(w: &mut impl Write, doc: &DocReport, opts: &HumanOptions) -> io::Result<()> {
    write_header(w, doc, opts)?;
    let total = doc.units.len();
    let mut loaded: Vec<&UnitRecord> = doc.units.iter().filter(|u| u.loaded).collect();
    if total == 0 {
        writeln!(w, "units: 0")?;
        writeln!(w, "No units.")?;
        return writeln!(w);
    }
    let filler = doc.units.iter().filter(|u| u.is_filler()).count();
    let has_content = doc.units.iter().any(|u| u.content.is_some());
    // With a content head, shares are of the article's own units: filler is not the article.
    let total = total - filler;
    if has_content {
        writeln!(
            w,
            "units: {} (article {total}, filler {filler}), loaded: {} ({} of article units)",
            doc.units.len(),
            loaded.len(),
            percent(loaded.len(), total)
        )?;
    } else {
        writeln!(w, "units: {total}, loaded: {} ({})", loaded.len(), percent(loaded.len(), total))?;
    }
    if filler > 0 {
        write_filler(w, &doc.units)?;
    }
    if doc.units.iter().any(|u| u.claim.is_some()) {
        write_claims(w, &doc.units, opts)?;
    }
    if loaded.is_empty() {
        writeln!(w, "No loaded units.")?;
        return writeln!(w);
    }

    let ranked = rank_techniques(&doc.units);
    if !ranked.is_empty() {
        writeln!(w)?;
        writeln!(w, "Techniques by units carrying them:")?;
        let name_width = ranked.iter().map(|(name, _)| name.chars().count()).max().unwrap_or(0);
        let count_width = ranked.iter().map(|(_, n)| n.to_string().len()).max().unwrap_or(1);
        for (name, n) in &ranked {
            let name = clean(name);
            writeln!(w, "  {name:<name_width$}  {n:>count_width$}  {:>6}", percent(*n, total))?;
        }
    }

    if opts.top > 0 {
        // Highest score first; ties keep input order (the sort is stable).
        loaded.sort_by(|a, b| b.loaded_score.total_cmp(&a.loaded_score));
        let shown = &loaded[..opts.top.min(loaded.len())];
        writeln!(w)?;
        writeln!(w, "Most loaded units ({} of {}):", shown.len(), loaded.len())?;
        for (i, unit) in shown.iter().enumerate() {
            if i > 0 {
                writeln!(w)?;
            }
            write_unit(w, unit, opts)?;
        }
    }
    writeln!(w)
}

/// The filler, collapsed: one line per run of consecutive filler units of one kind, with its first
/// unit's text cut short, so the report reads as the article.
fn write_filler(w: &mut impl Write, units: &[UnitRecord]) -> io::Result<()> {
    const SHOWN_CHARS: usize = 60;
    writeln!(w)?;
    writeln!(w, "Filler (page furniture, collapsed):")?;
    let mut i = 0;
    while i < units.len() {
        if !units[i].is_filler() {
            i += 1;
            continue;
        }
        let kind = units[i].filler_kind.as_deref().unwrap_or("filler");
        let mut j = i + 1;
        while j < units.len() && units[j].is_filler() && units[j].filler_kind.as_deref().unwrap_or("filler") == kind {
            j += 1;
        }
        let first = clean(&units[i].text);
        let cut: String = first.chars().take(SHOWN_CHARS).collect();
        let more = if cut.len() < first.len() { "…" } else { "" };
        let span = if j - i == 1 { format!("unit {}", units[i].unit) } else { format!("units {}-{}", units[i].unit, units[j - 1].unit) };
        writeln!(w, "  {span}  {}  \"{cut}{more}\"", clean(kind))?;
        i = j;
    }
    Ok(())
}

/// The claim mix (shares of the units that make a claim) and the claims a reader should check:
/// every unattributed one, and the vague ones with their cue marked.
fn write_claims(w: &mut impl Write, units: &[UnitRecord], opts: &HumanOptions) -> io::Result<()> {
    let with = |label: &str| units.iter().filter(|u| u.claim.as_deref() == Some(label)).collect::<Vec<_>>();
    let (attributed, vague, unattributed) = (with("attributed"), with("vague"), with("unattributed"));
    let claims = attributed.len() + vague.len() + unattributed.len();
    writeln!(w)?;
    writeln!(
        w,
        "Claims: {claims} of {} article units; attributed {} ({}), vague {} ({}), unattributed {} ({})",
        units.iter().filter(|u| u.claim.is_some()).count(),
        attributed.len(),
        percent(attributed.len(), claims),
        vague.len(),
        percent(vague.len(), claims),
        unattributed.len(),
        percent(unattributed.len(), claims)
    )?;
    let (open, close) = if opts.color { (BOLD_RED, RESET) } else { ("[[", "]]") };
    for (title, list) in [("Unattributed claims (no source; check these):", &unattributed), ("Vague claims (cue marked):", &vague)] {
        if list.is_empty() {
            continue;
        }
        writeln!(w, "{title}")?;
        for u in list.iter() {
            let spans = u.claim_evidence.iter().flatten().copied();
            writeln!(w, "  unit {}  {}", u.unit, highlight(&u.text, u.start, spans, open, close))?;
        }
    }
    Ok(())
}

/// Writes one line: `doc: error: reason`.
pub fn write_error(w: &mut impl Write, e: &ErrorRecord, opts: &HumanOptions) -> io::Result<()> {
    let (on, off) = if opts.color { (BOLD_RED, RESET) } else { ("", "") };
    writeln!(w, "{}: {on}error:{off} {}", clean(&e.doc), clean(e.error.trim()))
}

/// Writes one outcome: a document block or an error line.
pub fn write_outcome(w: &mut impl Write, outcome: &Outcome, opts: &HumanOptions) -> io::Result<()> {
    match outcome {
        Outcome::Doc(doc) => write_doc(w, doc, opts),
        Outcome::Error(e) => write_error(w, e, opts),
    }
}

/// The human report as a [`Render`] stream: no header or footer.
#[derive(Debug, Clone, Default)]
pub struct HumanReport {
    /// How documents are rendered.
    pub opts: HumanOptions,
}

impl Render for HumanReport {
    fn outcome(&mut self, mut w: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
        write_outcome(&mut w, outcome, &self.opts)
    }
}

/// `doc (model m)`; the models of all units, in case a run mixed them.
fn write_header(w: &mut impl Write, doc: &DocReport, opts: &HumanOptions) -> io::Result<()> {
    let models = doc.models();
    let (on, off) = if opts.color { (BOLD, RESET) } else { ("", "") };
    let id = clean(&doc.doc);
    if models.is_empty() {
        writeln!(w, "{on}{id}{off}")
    } else {
        writeln!(w, "{on}{id}{off} (model {})", clean(&models.join(", ")))
    }
}

fn write_unit(w: &mut impl Write, unit: &UnitRecord, opts: &HumanOptions) -> io::Result<()> {
    writeln!(w, "  unit {}  loaded {:.2}, threshold {:.2}", unit.unit, unit.loaded_score, unit.loaded_threshold)?;
    if !unit.techniques.is_empty() {
        let hits: Vec<String> = unit.techniques.iter().map(|t| format!("{} {:.2}", clean(&t.label), t.score)).collect();
        writeln!(w, "    {}", hits.join(", "))?;
    }
    let spans = unit.techniques.iter().flat_map(|t| t.evidence.iter().copied());
    let (open, close) = if opts.color { (BOLD_RED, RESET) } else { ("[[", "]]") };
    writeln!(w, "    {}", highlight(&unit.text, unit.start, spans, open, close))
}

/// The unit text on one line with the evidence spans wrapped in `open`/`close`.
///
/// Spans are document char offsets; `unit_start` moves them into the unit. They are clamped to the
/// unit, and spans that overlap or touch (from different techniques, say) are merged into one
/// highlight. Leading and trailing whitespace is dropped.
fn highlight(
    text: &str,
    unit_start: usize,
    spans: impl Iterator<Item = [usize; 2]>,
    open: &str,
    close: &str,
) -> String {
    let chars: Vec<char> = text.chars().collect();
    let lo = chars.iter().position(|c| !c.is_whitespace()).unwrap_or(chars.len());
    let hi = chars.iter().rposition(|c| !c.is_whitespace()).map_or(lo, |i| i + 1);

    let mut local: Vec<(usize, usize)> = spans
        .map(|[s, e]| (s.saturating_sub(unit_start).clamp(lo, hi), e.saturating_sub(unit_start).clamp(lo, hi)))
        .filter(|(s, e)| s < e)
        .collect();
    local.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(local.len());
    for (s, e) in local {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }

    let mut out = String::with_capacity(text.len() + merged.len() * (open.len() + close.len()));
    let mut spans = merged.into_iter().peekable();
    for (i, &c) in chars.iter().enumerate().take(hi).skip(lo) {
        if spans.peek().is_some_and(|&(s, _)| s == i) {
            out.push_str(open);
        }
        push_clean(&mut out, c);
        if spans.peek().is_some_and(|&(_, e)| e == i + 1) {
            out.push_str(close);
            spans.next();
        }
    }
    out
}

/// `s` made safe for one terminal line.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_clean(&mut out, c);
    }
    out
}

fn push_clean(out: &mut String, c: char) {
    match c {
        '\n' | '\r' | '\t' => out.push(' '),
        c if c.is_control() => out.extend(c.escape_unicode()),
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::{hit, unit};

    fn render(doc: &DocReport, opts: &HumanOptions) -> String {
        let mut out = Vec::new();
        write_doc(&mut out, doc, opts).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn assert_clean_lines(out: &str) {
        for line in out.lines() {
            assert_eq!(line, line.trim_end(), "trailing space in {out}");
        }
        assert!(out.ends_with("\n\n"), "a block ends with a blank line: {out:?}");
    }

    #[test]
    fn highlight_cases() {
        // (text, unit start, spans in document offsets, expected)
        let cases: &[(&str, usize, &[[usize; 2]], &str)] = &[
            ("no evidence here", 0, &[], "no evidence here"),
            ("they unleashed chaos", 100, &[[105, 114]], "they [[unleashed]] chaos"),
            // Offsets are chars: «, é, ï and the emoji are one char each but several bytes.
            ("Les «réfugiés» déchaînés 🔥 ici", 10, &[[15, 23], [25, 36]], "Les «[[réfugiés]]» [[déchaînés 🔥]] ici"),
            // Overlapping spans from two techniques become one highlight, as do touching ones.
            ("the worst of the worst", 0, &[[4, 12], [10, 22]], "the [[worst of the worst]]"),
            ("abcdef", 0, &[[0, 2], [2, 4]], "[[abcd]]ef"),
            ("abcdef", 0, &[[1, 2], [0, 5]], "[[abcde]]f"),
            // Clamped to the unit; spans wholly outside or empty are dropped.
            ("inside", 20, &[[15, 22], [24, 40], [0, 5], [23, 23]], "[[in]]si[[de]]"),
            // Out of order input; whitespace around the unit is dropped and line breaks flattened.
            ("  crack\ndown now \n", 0, &[[8, 12], [2, 7]], "[[crack]] [[down]] now"),
            // Control characters cannot reach the terminal.
            ("bad\u{1b}[2Jtext", 0, &[], "bad\\u{1b}[2Jtext"),
        ];
        for &(text, start, spans, want) in cases {
            let got = highlight(text, start, spans.iter().copied(), "[[", "]]");
            assert_eq!(got, want, "text {text:?} spans {spans:?}");
        }
        assert_eq!(highlight("é bad", 0, [[2, 5]].into_iter(), BOLD_RED, RESET), "é \x1b[1;31mbad\x1b[0m");
    }

    #[test]
    fn full_report_lines() {
        let doc = DocReport {
            doc: "a1".into(),
            units: vec![
                unit(0, 0, "Headline here", 0.10, vec![]),
                unit(
                    1,
                    14,
                    "Élus «déchaînés» partout.",
                    0.91,
                    vec![
                        hit("Loaded_Language", 0.88, &[[20, 29]]),
                        hit("Name_Calling-Labeling", 0.61, &[[14, 18], [19, 29]]),
                    ],
                ),
                unit(2, 40, "A calm line.", 0.20, vec![]),
                unit(3, 53, "Criminals everywhere.", 0.73, vec![hit("Loaded_Language", 0.70, &[[53, 62]])]),
            ],
            text: None,
        };
        let out = render(&doc, &HumanOptions::default());
        let want = "\
a1 (model fm-test-1)
units: 4, loaded: 2 (50.0%)

Techniques by units carrying them:
  Loaded_Language        2   50.0%
  Name_Calling-Labeling  1   25.0%

Most loaded units (2 of 2):
  unit 1  loaded 0.91, threshold 0.50
    Loaded_Language 0.88, Name_Calling-Labeling 0.61
    [[Élus]] [[«déchaînés]]» partout.

  unit 3  loaded 0.73, threshold 0.50
    Loaded_Language 0.70
    [[Criminals]] everywhere.

";
        assert_eq!(out, want);
        assert_clean_lines(&out);
    }

    #[test]
    fn most_loaded_ranking_and_top() {
        let lang = |ev| vec![hit("Loaded_Language", 0.9, &[ev])];
        let units = vec![
            unit(0, 0, "aaa", 0.60, lang([0, 1])),
            unit(1, 4, "bbb", 0.95, lang([4, 5])),
            unit(2, 8, "ccc", 0.40, vec![]),
            unit(3, 12, "ddd", 0.80, lang([12, 13])),
            unit(4, 16, "eee", 0.80, lang([16, 17])),
        ];
        let doc = DocReport { doc: "r".into(), units, text: None };
        // (top, units shown in order)
        let cases: &[(usize, &[usize])] = &[(5, &[1, 3, 4, 0]), (2, &[1, 3]), (1, &[1]), (0, &[])];
        for &(top, want) in cases {
            let out = render(&doc, &HumanOptions { top, color: false });
            let shown: Vec<usize> = out
                .lines()
                .filter_map(|l| l.strip_prefix("  unit "))
                .map(|l| l.split(' ').next().unwrap().parse().unwrap())
                .collect();
            assert_eq!(shown, want, "top {top}:\n{out}");
            assert_eq!(out.contains("Most loaded units"), top > 0);
            assert_clean_lines(&out);
        }
        let out = render(&doc, &HumanOptions { top: 2, color: false });
        assert!(out.contains("\nMost loaded units (2 of 4):\n"), "{out}");
    }

    #[test]
    fn techniques_ranked_by_units_then_name() {
        let units = vec![
            unit(0, 0, "a", 0.9, vec![hit("Doubt", 0.9, &[]), hit("Slogans", 0.8, &[])]),
            unit(1, 2, "b", 0.9, vec![hit("Slogans", 0.9, &[]), hit("Slogans", 0.5, &[])]),
            unit(2, 4, "c", 0.9, vec![hit("Flag_Waving", 0.9, &[]), hit("Doubt", 0.7, &[])]),
            unit(3, 6, "d", 0.9, vec![hit("Repetition", 0.9, &[])]),
        ];
        let ranked = rank_techniques(&units);
        assert_eq!(ranked, vec![("Doubt", 2), ("Slogans", 2), ("Flag_Waving", 1), ("Repetition", 1)]);
    }

    #[test]
    fn nothing_loaded_or_no_units() {
        let cases: &[(Vec<UnitRecord>, &str)] = &[
            (
                vec![unit(0, 0, "Calm.", 0.1, vec![]), unit(1, 6, "Quiet.", 0.2, vec![])],
                "quiet (model fm-test-1)\nunits: 2, loaded: 0 (0.0%)\nNo loaded units.\n\n",
            ),
            (vec![], "quiet\nunits: 0\nNo units.\n\n"),
        ];
        for (units, want) in cases {
            let doc = DocReport { doc: "quiet".into(), units: units.clone(), text: None };
            let out = render(&doc, &HumanOptions::default());
            assert_eq!(&out, want);
        }
    }

    #[test]
    fn color_marks_evidence_with_ansi() {
        let doc = DocReport {
            doc: "c".into(),
            units: vec![unit(0, 0, "so «bad» ok", 0.9, vec![hit("Loaded_Language", 0.9, &[[4, 7]])])],
            text: None,
        };
        let out = render(&doc, &HumanOptions { top: 5, color: true });
        assert!(out.starts_with("\x1b[1mc\x1b[0m (model fm-test-1)\n"), "{out:?}");
        assert!(out.contains("    so «\x1b[1;31mbad\x1b[0m» ok\n"), "{out:?}");
        assert!(!out.contains("[["));
    }

    #[test]
    fn error_line() {
        let e = ErrorRecord {
            schema: "framemark/1".into(),
            doc: "in.jsonl:7".into(),
            error: "missing field `text`\n".into(),
        };
        let mut out = Vec::new();
        write_outcome(&mut out, &Outcome::Error(e.clone()), &HumanOptions::default()).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "in.jsonl:7: error: missing field `text`\n");
        let mut out = Vec::new();
        write_error(&mut out, &e, &HumanOptions { top: 5, color: true }).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "in.jsonl:7: \x1b[1;31merror:\x1b[0m missing field `text`\n");
    }
}
