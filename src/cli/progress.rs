//! A progress line on stderr for runs over several documents: `framemark: 12 documents, 480
//! units (1 failed)`, redrawn in place with `\r`. Shown only when stderr is a terminal and only from
//! the second document on; silent otherwise, so logs and pipes never see it. The line is erased
//! before anything else is printed (reports on the same terminal, error messages) and at the end.

use std::io::Write;

use framemark::report::Outcome;

/// The progress line's state; `W` is stderr in the binary, a buffer in tests.
pub struct Progress<W: Write> {
    out: W,
    enabled: bool,
    docs: usize,
    units: usize,
    failed: usize,
    shown: bool,
}

impl<W: Write> Progress<W> {
    /// A progress line written to `out` when `enabled` (stderr is a terminal).
    pub fn new(out: W, enabled: bool) -> Self {
        Progress { out, enabled, docs: 0, units: 0, failed: 0, shown: false }
    }

    /// Counts a batch of outcomes and redraws the line.
    pub fn add(&mut self, outcomes: &[Outcome]) {
        for o in outcomes {
            match o {
                Outcome::Doc(d) => {
                    self.docs += 1;
                    self.units += d.units.len();
                }
                Outcome::Error(_) => self.failed += 1,
            }
        }
        if !self.enabled || self.docs + self.failed < 2 {
            return;
        }
        let failed = if self.failed > 0 { format!(" ({} failed)", self.failed) } else { String::new() };
        // Progress is best effort: a stderr that cannot be written to must not stop the run.
        let _ = write!(self.out, "\r\x1b[Kframemark: {} documents, {} units{failed}", self.docs, self.units);
        let _ = self.out.flush();
        self.shown = true;
    }

    /// Erases the line, if it is shown.
    pub fn clear(&mut self) {
        if self.shown {
            let _ = write!(self.out, "\r\x1b[K");
            let _ = self.out.flush();
            self.shown = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use framemark::report::{DocReport, ErrorRecord};

    fn doc(units: usize) -> Outcome {
        let u = framemark::report::UnitRecord {
            schema: "framemark/1".into(),
            model: "m".into(),
            doc: "d".into(),
            unit: 0,
            start: 0,
            end: 1,
            offsets: framemark::text::Offsets::Input,
            text: "x".into(),
            paragraph: 0,
            loaded: false,
            loaded_score: 0.1,
            loaded_threshold: 0.5,
            techniques: vec![],
            content: None,
            content_score: None,
            content_threshold: None,
            filler_kind: None,
            claim: None,
            claim_score: None,
            claim_evidence: None,
        };
        Outcome::Doc(DocReport { doc: "d".into(), units: vec![u; units], text: None })
    }

    fn failed() -> Outcome {
        Outcome::Error(ErrorRecord { schema: "framemark/1".into(), doc: "x".into(), error: "empty input".into() })
    }

    #[test]
    fn counts_from_the_second_document_and_clears() {
        let mut p = Progress::new(Vec::new(), true);
        p.add(&[doc(3)]);
        assert!(p.out.is_empty(), "one document: no progress line");
        p.add(&[doc(2), failed()]);
        p.clear();
        p.clear();
        let out = String::from_utf8(p.out).unwrap();
        assert_eq!(out, "\r\x1b[Kframemark: 2 documents, 5 units (1 failed)\r\x1b[K");
    }

    #[test]
    fn silent_when_not_a_terminal() {
        let mut p = Progress::new(Vec::new(), false);
        for _ in 0..5 {
            p.add(&[doc(1), doc(1)]);
        }
        p.clear();
        assert!(p.out.is_empty());
    }
}
