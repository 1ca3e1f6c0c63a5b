//! The Markdown report (CommonMark with GitHub tables), for pasting into an issue, a wiki or a pull
//! request. It has the human report's sections:
//!
//! ```text
//! # framemark report
//!
//! ## a1.txt
//!
//! | model | units | loaded | loaded threshold |
//! |---|---:|---:|---:|
//! | fm-base-1 | 42 | 7 (16.7%) | 0.50 |
//!
//! ### Techniques
//!
//! | technique | units | share |
//! |---|---:|---:|
//! | Loaded_Language | 5 | 11.9% |
//!
//! ### Most loaded units
//!
//! - **unit 3**: loaded 0.91 (threshold 0.50); Loaded_Language 0.88, Name_Calling-Labeling 0.61
//!
//!   > They **unleashed** **criminal illegal aliens** on our towns.
//! ```
//!
//! An input that failed is its heading and `> **error:** reason`.
//!
//! Text from the input (unit text, ids, errors) is escaped so that it renders as itself: the
//! characters CommonMark or GitHub give meaning to (`\` `` ` `` `*` `[` `]` `<` `>` `|` `#` `~` `&`
//! `$`, `_` at a word boundary, and a line-initial `-` `+` `=` or list number) get a backslash, and
//! line breaks and other control characters become spaces. Evidence words are **bold**, spans that
//! overlap or touch merged into one.

use std::io::{self, Write};

use super::{evidence_runs, most_loaded, percent, rank_techniques, DocReport, ErrorRecord, Outcome, Render, UnitRecord};

/// The Markdown report as a [`Render`] stream: a title in `begin`, a section per outcome.
#[derive(Debug, Clone)]
pub struct MarkdownReport {
    /// How many of the most loaded units to show per document (0 hides the section).
    pub top: usize,
}

impl Render for MarkdownReport {
    fn begin(&mut self, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "# framemark report\n")
    }

    fn outcome(&mut self, w: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
        match outcome {
            Outcome::Doc(doc) => write_doc(w, doc, self.top),
            Outcome::Error(e) => write_error(w, e),
        }
    }
}

/// One document's section, ending with a blank line.
pub fn write_doc(w: &mut dyn Write, doc: &DocReport, top: usize) -> io::Result<()> {
    let total = doc.article_units();
    let loaded = doc.loaded_units();
    writeln!(w, "## {}\n", escape(&doc.doc))?;
    writeln!(w, "| model | units | loaded | loaded threshold |")?;
    writeln!(w, "|---|---:|---:|---:|")?;
    let threshold = doc.units.first().map_or(String::new(), |u| format!("{:.2}", u.loaded_threshold));
    writeln!(
        w,
        "| {} | {} | {loaded} ({}) | {threshold} |\n",
        escape(&doc.models().join(", ")),
        doc.units_summary(),
        percent(loaded, total)
    )?;
    if let Some(claims) = doc.claims_summary() {
        writeln!(w, "**Claims:** {}\n", escape(&claims))?;
        let unattributed: Vec<&UnitRecord> = doc.unattributed_claims().collect();
        if !unattributed.is_empty() {
            writeln!(w, "### Unattributed claims\n")?;
            for u in unattributed {
                writeln!(w, "- **unit {}**: {}", u.unit, escape(u.text.trim()))?;
            }
            writeln!(w)?;
        }
    }

    let ranked = rank_techniques(&doc.units);
    if ranked.is_empty() {
        writeln!(w, "No techniques found.\n")?;
        return Ok(());
    }
    writeln!(w, "### Techniques\n")?;
    writeln!(w, "| technique | units | share |")?;
    writeln!(w, "|---|---:|---:|")?;
    for (name, n) in &ranked {
        writeln!(w, "| {} | {n} | {} |", escape(name), percent(*n, total))?;
    }
    writeln!(w)?;

    let shown = most_loaded(&doc.units, top);
    if !shown.is_empty() {
        writeln!(w, "### Most loaded units ({} of {loaded})\n", shown.len())?;
        for u in shown {
            write_unit(w, u)?;
        }
    }
    Ok(())
}

/// `## doc` and the error as a quote.
pub fn write_error(w: &mut dyn Write, e: &ErrorRecord) -> io::Result<()> {
    writeln!(w, "## {}\n\n> **error:** {}\n", escape(&e.doc), escape(e.error.trim()))
}

fn write_unit(w: &mut dyn Write, u: &UnitRecord) -> io::Result<()> {
    let techniques: Vec<String> = u.techniques.iter().map(|t| format!("{} {:.2}", escape(&t.label), t.score)).collect();
    writeln!(
        w,
        "- **unit {}**: loaded {:.2} (threshold {:.2}); {}\n",
        u.unit,
        u.loaded_score,
        u.loaded_threshold,
        techniques.join(", ")
    )?;
    writeln!(w, "  > {}\n", bold_evidence(u))
}

/// The unit text, escaped, with its evidence in `**bold**` (overlapping or touching runs merged).
fn bold_evidence(u: &UnitRecord) -> String {
    let chars: Vec<char> = u.text.chars().collect();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for run in evidence_runs(u) {
        match spans.last_mut() {
            Some(last) if last.1 == run.start => last.1 = run.end,
            _ => spans.push((run.start, run.end)),
        }
    }
    let mut out = String::new();
    let mut pos = 0;
    let piece = |from: usize, to: usize| -> String { chars[from..to].iter().collect() };
    for (s, e) in spans {
        // Emphasis must not start or end inside whitespace, or CommonMark does not see it.
        let inner = piece(s, e);
        let lead = inner.len() - inner.trim_start().len();
        let trimmed = inner.trim();
        out.push_str(&escape_at(&piece(pos, s), pos == 0));
        if trimmed.is_empty() {
            out.push_str(&escape_at(&inner, false));
        } else {
            out.push_str(&inner[..lead]);
            out.push_str("**");
            out.push_str(&escape_at(trimmed, pos == 0 && s == 0 && lead == 0));
            out.push_str("**");
            out.push_str(&inner[lead + trimmed.len()..]);
        }
        pos = e;
    }
    out.push_str(&escape_at(&piece(pos, chars.len()), pos == 0));
    out
}

/// `s` escaped as Markdown text that starts a line.
pub fn escape(s: &str) -> String {
    escape_at(s, true)
}

/// `s` escaped as Markdown text; `line_start` when it begins a line (block markers matter there).
fn escape_at(s: &str, line_start: bool) -> String {
    let chars: Vec<char> = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let mut out = String::with_capacity(s.len() + 8);
    // A line-initial list number ("1." or "1)") becomes "1\." so it stays text.
    let digits = if line_start { chars.iter().take_while(|c| c.is_ascii_digit()).count() } else { 0 };
    for (i, &c) in chars.iter().enumerate() {
        let word = |j: Option<usize>| j.and_then(|j| chars.get(j)).is_some_and(|c| c.is_alphanumeric());
        let escape = match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' | '$' => true,
            // Intraword underscores are literal in CommonMark (Loaded_Language stays readable).
            '_' => !(word(i.checked_sub(1)) && word(Some(i + 1))),
            '-' | '+' | '=' => line_start && i == 0,
            '.' | ')' => digits > 0 && i == digits && i < 10,
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::{error, hit, render, unit};

    #[test]
    fn escape_table() {
        let cases = [
            ("plain text", "plain text"),
            ("Loaded_Language", "Loaded_Language"),
            ("_starts and ends_", "\\_starts and ends\\_"),
            ("**bold** `code` [link](x) <b>", "\\*\\*bold\\*\\* \\`code\\` \\[link\\](x) \\<b\\>"),
            ("a | b # c ~d~ &amp; $5", "a \\| b \\# c \\~d\\~ \\&amp; \\$5"),
            ("- not a list", "\\- not a list"),
            ("1. not a list", "1\\. not a list"),
            ("2024) neither", "2024\\) neither"),
            ("U.S.-backed 3.5", "U.S.-backed 3.5"),
            ("back\\slash", "back\\\\slash"),
            ("line\nbreak", "line break"),
        ];
        for (input, want) in cases {
            assert_eq!(escape(input), want, "{input:?}");
        }
    }

    #[test]
    fn evidence_in_bold() {
        let cases: Vec<(UnitRecord, &str)> = vec![
            (unit(0, 10, "They unleashed chaos.", 0.9, vec![hit("L", 0.9, &[[15, 24]])]), "They **unleashed** chaos."),
            // Overlapping and touching spans of two techniques make one bold run.
            (
                unit(0, 0, "the worst of the worst", 0.9, vec![hit("A", 0.9, &[[4, 12]]), hit("B", 0.9, &[[10, 22]])]),
                "the **worst of the worst**",
            ),
            // Bold never opens on a space; markup inside evidence is escaped; a unit-initial span too.
            (unit(0, 0, "* so <b>bad</b>", 0.9, vec![hit("L", 0.9, &[[0, 1], [4, 15]])]), "**\\*** so **\\<b\\>bad\\</b\\>**"),
            (unit(0, 0, "1. ok", 0.9, vec![hit("L", 0.9, &[[3, 5]])]), "1\\. **ok**"),
        ];
        for (u, want) in cases {
            assert_eq!(bold_evidence(&u), want, "{:?}", u.text);
        }
    }

    #[test]
    fn document_section() {
        let doc = DocReport {
            doc: "a_1|x.txt".into(),
            units: vec![
                unit(0, 0, "Headline", 0.1, vec![]),
                unit(1, 9, "They unleashed chaos.", 0.91, vec![hit("Loaded_Language", 0.88, &[[14, 23]])]),
            ],
            text: None,
        };
        let out = render(
            &mut MarkdownReport { top: 5 },
            &[Outcome::Doc(doc), Outcome::Error(error("b.txt", "empty input"))],
        );
        let want = "\
# framemark report

## a_1\\|x.txt

| model | units | loaded | loaded threshold |
|---|---:|---:|---:|
| fm-test-1 | 2 | 1 (50.0%) | 0.50 |

### Techniques

| technique | units | share |
|---|---:|---:|
| Loaded_Language | 1 | 50.0% |

### Most loaded units (1 of 1)

- **unit 1**: loaded 0.91 (threshold 0.50); Loaded_Language 0.88

  > They **unleashed** chaos.

## b.txt

> **error:** empty input

";
        assert_eq!(out, want);
    }

    #[test]
    fn nothing_loaded() {
        let doc = DocReport { doc: "q".into(), units: vec![unit(0, 0, "Calm.", 0.1, vec![])], text: None };
        let out = render(&mut MarkdownReport { top: 5 }, &[Outcome::Doc(doc)]);
        assert!(out.ends_with("| fm-test-1 | 1 | 0 (0.0%) | 0.50 |\n\nNo techniques found.\n\n"), "{out}");
    }
}
