//! `classify --strip-filler`: the article text alone, for pipelines that only want the body.
//!
//! The document text with every filler unit cut out, keeping the article's own characters exactly
//! (spacing and line breaks included); lines that the cut leaves empty, or holding only bullet
//! marks and punctuation, are dropped, and runs of blank lines become one. Plain text writes each
//! document's article text followed by a blank line; JSON Lines writes `{"id": ..., "text": ...}`
//! per document. Errors write nothing here (the CLI reports them on stderr); a model without a
//! content head leaves the text whole.

use std::io::{self, Write};

use serde::Serialize;

use super::{DocReport, Outcome, Render};

/// The article text of one document.
pub fn article_text(doc: &DocReport) -> String {
    let Some(text) = &doc.text else {
        return doc.units.iter().filter(|u| !u.is_filler()).map(|u| u.text.as_str()).collect::<Vec<_>>().join("\n");
    };
    let mut cut = vec![false; text.chars().count()];
    for u in doc.units.iter().filter(|u| u.is_filler()) {
        for c in cut.iter_mut().take(u.end).skip(u.start) {
            *c = true;
        }
    }
    let kept: String = text.chars().zip(&cut).filter(|(_, &c)| !c).map(|(ch, _)| ch).collect();
    let mut out: Vec<&str> = Vec::new();
    for line in kept.lines() {
        let line = line.trim_end();
        let has_words = line.chars().any(char::is_alphanumeric);
        if !has_words {
            // A blank line stays a paragraph break; leftover bullets and punctuation go.
            if line.is_empty() && out.last().is_some_and(|l| !l.is_empty()) {
                out.push("");
            }
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// The `--strip-filler` output as a [`Render`] stream.
#[derive(Debug, Clone, Copy, Default)]
pub struct StripReport {
    /// JSON Lines (`{"id", "text"}` per document) instead of plain text.
    pub jsonl: bool,
}

#[derive(Serialize)]
struct Stripped<'a> {
    id: &'a str,
    text: &'a str,
}

impl Render for StripReport {
    fn outcome(&mut self, w: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
        let Outcome::Doc(doc) = outcome else { return Ok(()) };
        let text = article_text(doc);
        if self.jsonl {
            let mut line = serde_json::to_vec(&Stripped { id: &doc.doc, text: &text })?;
            line.push(b'\n');
            w.write_all(&line)
        } else {
            writeln!(w, "{text}\n")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::unit;

    #[test]
    fn cuts_filler_and_keeps_article_exactly() {
        let text = "Headline here\n\nFirst sentence.  Second one.\n\n• Related teaser\nShare this Post:\n\nLast line.";
        let mut units = vec![
            unit(0, 0, "Headline here", 0.1, vec![]),
            unit(1, 15, "First sentence.", 0.1, vec![]),
            unit(2, 32, "Second one.", 0.1, vec![]),
            unit(3, 47, "Related teaser", 0.1, vec![]),
            unit(4, 62, "Share this Post:", 0.1, vec![]),
            unit(5, 80, "Last line.", 0.1, vec![]),
        ];
        for u in &mut units {
            let filler = u.unit == 3 || u.unit == 4;
            u.content = Some(if filler { "filler" } else { "article" }.into());
            assert_eq!(text.chars().skip(u.start).take(u.end - u.start).collect::<String>(), u.text, "{}", u.unit);
        }
        let doc = DocReport { doc: "d".into(), units, text: Some(text.into()) };
        assert_eq!(article_text(&doc), "Headline here\n\nFirst sentence.  Second one.\n\nLast line.");
    }
}
