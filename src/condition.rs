//! `--fail-on` conditions: small expressions over one document's report that make a pipeline step
//! fail (exit code 1) when a document crosses a line, as `grep -q` or a linter's exit code do.
//!
//! # Grammar
//!
//! ```text
//! condition := NAME OP VALUE          (spaces around the parts are allowed)
//! NAME      := loaded                 share of the document's units that are loaded, 0..1
//!            | loaded_units           number of loaded units
//!            | <Technique>            number of units carrying it, e.g. Guilt_by_Association
//!            | attributed | vague | unattributed
//!                                     number of units with that claim label (needs a model with
//!                                     the claim head)
//!            | filler                 number of filler units (needs the content head)
//! OP        := >= | > | <= | < | ==
//! VALUE     := a number; for `loaded` within 0..1, or a percentage (`30%`); for the counts a
//!              whole number
//! ```
//!
//! Technique names are those of the label schema (`labels/techniques.toml`), matched exactly. A
//! claim or filler condition with a model that lacks that head is a usage error (see
//! [`Condition::needs_head`]), never a silent 0. Any other name is refused with the list of names
//! that work.
//! A document without units has a loaded share of 0.

use std::fmt;

use crate::error::{Error, Result};
use crate::report::DocReport;

/// The claim labels a condition can count.
const CLAIM_LABELS: &[&str] = &["attributed", "vague", "unattributed"];

/// What a condition measures in a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Metric {
    /// Share of units that are loaded, 0..1.
    LoadedShare,
    /// Number of loaded units.
    LoadedUnits,
    /// Number of units carrying this technique.
    Technique(String),
    /// Number of units with this claim label.
    Claim(String),
    /// Number of filler units.
    Filler,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `>=`
    Ge,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `<`
    Lt,
    /// `==`
    Eq,
}

impl Op {
    /// Operators in the order the parser tries them (two-character ones first).
    const ALL: [(&'static str, Op); 5] = [(">=", Op::Ge), ("<=", Op::Le), ("==", Op::Eq), (">", Op::Gt), ("<", Op::Lt)];

    fn holds(self, x: f64, value: f64) -> bool {
        match self {
            Op::Ge => x >= value,
            Op::Gt => x > value,
            Op::Le => x <= value,
            Op::Lt => x < value,
            Op::Eq => x == value,
        }
    }

    fn symbol(self) -> &'static str {
        Op::ALL.iter().find(|(_, op)| *op == self).map_or("?", |(s, _)| s)
    }
}

/// One parsed `--fail-on` condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// What is measured.
    pub metric: Metric,
    /// How it is compared.
    pub op: Op,
    /// What it is compared with (a share 0..1 for [`Metric::LoadedShare`], a count otherwise).
    pub value: f64,
}

impl Condition {
    /// Parses `NAME OP VALUE` (see the module docs); `techniques` are the technique names that
    /// may be used. Errors are [`Error::Usage`] saying what is wrong.
    pub fn parse(expr: &str, techniques: &[&str]) -> Result<Condition> {
        let usage = |why: String| Error::Usage(format!("{why} (expected NAME OP VALUE, e.g. 'loaded>=0.3' or 'Doubt>=1'; quote it in a shell, where > redirects)"));
        let at = expr.find(['<', '>', '=', '!']).ok_or_else(|| usage(format!("no comparison in {expr:?}")))?;
        let name = expr[..at].trim();
        let rest = &expr[at..];
        let (op, value) = Op::ALL
            .iter()
            .find_map(|(symbol, op)| rest.strip_prefix(symbol).map(|v| (*op, v.trim())))
            .ok_or_else(|| usage(format!("unknown operator in {expr:?}: use >=, >, <=, < or ==")))?;
        if name.is_empty() {
            return Err(usage(format!("no name before {:?}", op.symbol())));
        }
        let metric = match name {
            "loaded" => Metric::LoadedShare,
            "loaded_units" => Metric::LoadedUnits,
            "filler" => Metric::Filler,
            c if CLAIM_LABELS.contains(&c) => Metric::Claim(c.to_string()),
            t if techniques.contains(&t) => Metric::Technique(t.to_string()),
            n => {
                let hint = techniques
                    .iter()
                    .find(|t| t.eq_ignore_ascii_case(n))
                    .map_or_else(String::new, |t| format!("; did you mean {t}?"));
                return Err(Error::Usage(format!(
                    "unknown name {n:?}: use loaded (share of units loaded), loaded_units, attributed, vague, unattributed, filler, or a technique name such as Loaded_Language{hint}"
                )));
            }
        };
        if value.is_empty() {
            return Err(usage(format!("no value after {:?}", op.symbol())));
        }
        let value = match metric {
            Metric::LoadedShare => {
                let (number, scale) = match value.strip_suffix('%') {
                    Some(number) => (number.trim(), 100.0),
                    None => (value, 1.0),
                };
                let share = number.parse::<f64>().map(|x| x / scale).ok().filter(|x| (0.0..=1.0).contains(x));
                share.ok_or_else(|| usage(format!("loaded is a share: {value:?} is not a number within 0..1 (or 0%..100%)")))?
            }
            Metric::LoadedUnits | Metric::Technique(_) | Metric::Claim(_) | Metric::Filler => {
                let count = value.parse::<u32>().map_err(|_| usage(format!("{name} counts units: {value:?} is not a whole number")))?;
                f64::from(count)
            }
        };
        Ok(Condition { metric, op, value })
    }

    /// The measured value of the metric in `doc`.
    pub fn measure(&self, doc: &DocReport) -> f64 {
        match &self.metric {
            Metric::LoadedShare => doc.loaded_share(),
            Metric::LoadedUnits => doc.loaded_units() as f64,
            Metric::Technique(t) => doc.units_with(t) as f64,
            Metric::Claim(c) => doc.units.iter().filter(|u| u.claim.as_deref() == Some(c.as_str())).count() as f64,
            Metric::Filler => doc.units.iter().filter(|u| u.is_filler()).count() as f64,
        }
    }

    /// The head beyond the framing heads that the condition needs: `"claim"` or `"content"`.
    pub fn needs_head(&self) -> Option<&'static str> {
        match &self.metric {
            Metric::Claim(_) => Some("claim"),
            Metric::Filler => Some("content"),
            _ => None,
        }
    }

    /// The name the condition measures: `loaded`, `loaded_units`, a technique, a claim label or `filler`.
    pub fn name(&self) -> &str {
        match &self.metric {
            Metric::LoadedShare => "loaded",
            Metric::LoadedUnits => "loaded_units",
            Metric::Technique(t) | Metric::Claim(t) => t,
            Metric::Filler => "filler",
        }
    }

    /// A measured value as a message shows it: `loaded is 0.6092`, `Doubt is 2`.
    pub fn describe(&self, measured: f64) -> String {
        format!("{} is {}", self.name(), (measured * 1e4).round() / 1e4)
    }

    /// The measured value when the condition holds for `doc`, `None` when it does not.
    pub fn check(&self, doc: &DocReport) -> Option<f64> {
        let x = self.measure(doc);
        self.op.holds(x, self.value).then_some(x)
    }
}

impl fmt::Display for Condition {
    /// The canonical form, e.g. `loaded>=0.3`, `Doubt>=1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{}", self.name(), self.op.symbol(), self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{TechniqueHit, UnitRecord};

    const TECHNIQUES: &[&str] = &["Guilt_by_Association", "Loaded_Language", "Doubt"];

    fn parse(expr: &str) -> Result<Condition> {
        Condition::parse(expr, TECHNIQUES)
    }

    fn cond(metric: Metric, op: Op, value: f64) -> Condition {
        Condition { metric, op, value }
    }

    #[test]
    fn parse_table() {
        let tech = |t: &str| Metric::Technique(t.to_string());
        let cases: Vec<(&str, Condition)> = vec![
            ("loaded>=0.3", cond(Metric::LoadedShare, Op::Ge, 0.3)),
            (" loaded >= 0.3 ", cond(Metric::LoadedShare, Op::Ge, 0.3)),
            ("loaded>30%", cond(Metric::LoadedShare, Op::Gt, 0.3)),
            ("loaded<=1", cond(Metric::LoadedShare, Op::Le, 1.0)),
            ("loaded==0", cond(Metric::LoadedShare, Op::Eq, 0.0)),
            ("loaded_units>=5", cond(Metric::LoadedUnits, Op::Ge, 5.0)),
            ("loaded_units<2", cond(Metric::LoadedUnits, Op::Lt, 2.0)),
            ("Guilt_by_Association>=1", cond(tech("Guilt_by_Association"), Op::Ge, 1.0)),
            ("Doubt > 0", cond(tech("Doubt"), Op::Gt, 0.0)),
            ("unattributed>=5", cond(Metric::Claim("unattributed".into()), Op::Ge, 5.0)),
            ("vague>0", cond(Metric::Claim("vague".into()), Op::Gt, 0.0)),
            ("filler==0", cond(Metric::Filler, Op::Eq, 0.0)),
        ];
        for (expr, want) in cases {
            assert_eq!(parse(expr).unwrap(), want, "{expr}");
        }
    }

    #[test]
    fn parse_errors_say_what_is_wrong() {
        let cases = [
            ("loaded", "no comparison"),
            ("loaded=0.3", "unknown operator"),
            ("loaded=>0.3", "unknown operator"),
            ("loaded!=0.3", "unknown operator"),
            (">=0.3", "no name"),
            ("loaded>=", "no value"),
            ("loaded>=abc", "not a number within 0..1"),
            ("loaded>=1.5", "not a number within 0..1"),
            ("loaded>=150%", "not a number within 0..1"),
            ("loaded_units>=2.5", "not a whole number"),
            ("Doubt>=-1", "not a whole number"),
            ("Vague>=1", "unknown name \"Vague\""),
            ("filler>=0.5", "not a whole number"),
            ("Frobnication>=1", "unknown name \"Frobnication\""),
            ("loaded_language>=1", "did you mean Loaded_Language?"),
        ];
        for (expr, want) in cases {
            let err = parse(expr).expect_err(expr).to_string();
            assert!(err.contains(want), "{expr}: {err}");
        }
        assert!(parse("loaded").unwrap_err().to_string().contains("quote it in a shell"));
    }

    fn doc(techniques_per_unit: &[&[&str]]) -> DocReport {
        let units = techniques_per_unit
            .iter()
            .enumerate()
            .map(|(i, ts)| UnitRecord {
                schema: "framemark/1".into(),
                model: "m".into(),
                doc: "d".into(),
                unit: i,
                start: i * 2,
                end: i * 2 + 1,
                offsets: crate::text::Offsets::Input,
                text: "x".into(),
                paragraph: 0,
                loaded: !ts.is_empty(),
                loaded_score: if ts.is_empty() { 0.1 } else { 0.9 },
                loaded_threshold: 0.5,
                techniques: ts
                    .iter()
                    .map(|t| TechniqueHit { label: t.to_string(), score: 0.9, threshold: 0.5, evidence: vec![] })
                    .collect(),
                content: None,
                content_score: None,
                content_threshold: None,
                filler_kind: None,
                claim: None,
                claim_score: None,
                claim_evidence: None,
            })
            .collect();
        DocReport { doc: "d".into(), units, text: None }
    }

    #[test]
    fn check_table() {
        // 10 units, 3 loaded; Doubt in 2 units, Guilt_by_Association in 1.
        let d = doc(&[&["Doubt"], &["Doubt", "Loaded_Language"], &["Guilt_by_Association"], &[], &[], &[], &[], &[], &[], &[]]);
        let cases: &[(&str, Option<f64>)] = &[
            ("loaded>=0.3", Some(0.3)),
            ("loaded>0.3", None),
            ("loaded>=30%", Some(0.3)),
            ("loaded<0.5", Some(0.3)),
            ("loaded_units>=3", Some(3.0)),
            ("loaded_units>=4", None),
            ("loaded_units==3", Some(3.0)),
            ("Doubt>=2", Some(2.0)),
            ("Doubt>=3", None),
            ("Guilt_by_Association>=1", Some(1.0)),
            ("Loaded_Language>1", None),
        ];
        for &(expr, want) in cases {
            assert_eq!(parse(expr).unwrap().check(&d), want, "{expr}");
        }
        let empty = doc(&[]);
        assert_eq!(parse("loaded>=0").unwrap().check(&empty), Some(0.0));
        assert_eq!(parse("loaded>0").unwrap().check(&empty), None);
    }

    #[test]
    fn claim_and_filler_conditions_count_units() {
        let mut d = doc(&[&[], &[], &[], &[]]);
        for (u, (content, claim)) in d.units.iter_mut().zip([
            ("article", Some("unattributed")),
            ("article", Some("unattributed")),
            ("article", Some("attributed")),
            ("filler", None),
        ]) {
            u.content = Some(content.into());
            u.claim = claim.map(String::from);
        }
        let cases: &[(&str, Option<f64>)] = &[
            ("unattributed>=2", Some(2.0)),
            ("unattributed>2", None),
            ("attributed==1", Some(1.0)),
            ("vague>0", None),
            ("filler>=1", Some(1.0)),
        ];
        for &(expr, want) in cases {
            assert_eq!(parse(expr).unwrap().check(&d), want, "{expr}");
        }
        assert_eq!(parse("vague>0").unwrap().needs_head(), Some("claim"));
        assert_eq!(parse("filler>0").unwrap().needs_head(), Some("content"));
        assert_eq!(parse("Doubt>0").unwrap().needs_head(), None);
    }

    #[test]
    fn display_is_the_canonical_expression() {
        for (expr, shown) in [("loaded >= 30%", "loaded>=0.3"), ("Doubt>1", "Doubt>1"), ("loaded_units==0", "loaded_units==0")] {
            assert_eq!(parse(expr).unwrap().to_string(), shown);
        }
        assert_eq!(parse("loaded>0").unwrap().describe(2.0 / 3.0), "loaded is 0.6667");
        assert_eq!(parse("Doubt>0").unwrap().describe(2.0), "Doubt is 2");
    }
}
