//! The CSV report: one row per unit, for spreadsheets and data frames. RFC 4180: comma-separated,
//! rows end in CRLF, a field containing a comma, a double quote, CR or LF is enclosed in double
//! quotes with its quotes doubled; the first row is the header. UTF-8, no byte order mark.
//!
//! # Columns
//!
//! Always these thirteen, in this order (new columns are only ever appended):
//!
//! | column | content |
//! |---|---|
//! | `doc` | document id |
//! | `unit` | unit index within the document, from 0 |
//! | `start` | char offset of the unit start, inclusive (as in the JSONL report) |
//! | `end` | char offset of the unit end, exclusive |
//! | `paragraph` | paragraph number within the document, from 0 |
//! | `loaded` | `true` or `false` |
//! | `loaded_score` | probability that the unit is loaded, 4 decimals |
//! | `loaded_threshold` | threshold applied to it, 4 decimals |
//! | `techniques` | `label:score` for each technique, highest score first, joined with `;` |
//! | `evidence` | `label@start-end` for each evidence span (document char offsets), joined with `;` |
//! | `text` | the unit text, exactly |
//! | `error` | empty for a unit; for an input that failed, why (its row has only `doc` and `error`) |
//! | `offsets` | the text `start`, `end` and `evidence` index: `input` (the input text) or `html-text` (the visible text of an HTML input), as in the JSONL report |
//! | `content` | `article` or `filler` (empty when the model has no content head) |
//! | `filler_kind` | for filler: `related`, `promo`, `navigation` or `boilerplate` |
//! | `claim` | `attributed`, `vague`, `unattributed` or `none` for article units (empty for filler and when the model has no claim head) |
//! | `claim_evidence` | `start-end` for each span of the claim's source (attributed) or cue (vague), document char offsets, joined with `;` |
//!
//! Example:
//!
//! ```text
//! doc,unit,start,end,paragraph,loaded,loaded_score,loaded_threshold,techniques,evidence,text,error,offsets,content,filler_kind,claim,claim_evidence
//! a.txt,3,120,159,1,true,0.9123,0.5000,Loaded_Language:0.8812;Doubt:0.4100,Loaded_Language@125-134,They unleashed chaos.,,input,article,,none,
//! b.txt,,,,,,,,,,,empty input,,,,,
//! ```
//!
//! The text is written as it is: a spreadsheet may read a cell starting with `=`, `+`, `-` or `@`
//! as a formula, so import the file with the columns typed as text when the input is untrusted.

use std::io::{self, Write};

use super::{score4, DocReport, ErrorRecord, Outcome, Render, UnitRecord};

/// The header row's column names, in order.
pub const COLUMNS: [&str; 17] = [
    "doc",
    "unit",
    "start",
    "end",
    "paragraph",
    "loaded",
    "loaded_score",
    "loaded_threshold",
    "techniques",
    "evidence",
    "text",
    "error",
    "offsets",
    "content",
    "filler_kind",
    "claim",
    "claim_evidence",
];

/// The CSV report as a [`Render`] stream: the header row in `begin`, rows per outcome.
#[derive(Debug, Clone, Copy, Default)]
pub struct CsvReport;

impl Render for CsvReport {
    fn begin(&mut self, w: &mut dyn Write) -> io::Result<()> {
        write_row(w, &COLUMNS.map(String::from))
    }

    fn outcome(&mut self, w: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
        match outcome {
            Outcome::Doc(doc) => write_doc(w, doc),
            Outcome::Error(e) => write_error(w, e),
        }
    }
}

/// One row per unit of `doc` (none for a document without units).
pub fn write_doc(w: &mut dyn Write, doc: &DocReport) -> io::Result<()> {
    for u in &doc.units {
        write_row(w, &unit_row(u))?;
    }
    Ok(())
}

/// The row of an input that failed.
pub fn write_error(w: &mut dyn Write, e: &ErrorRecord) -> io::Result<()> {
    let mut row: [String; 17] = Default::default();
    row[0] = e.doc.clone();
    row[11] = e.error.trim().to_string();
    write_row(w, &row)
}

fn unit_row(u: &UnitRecord) -> [String; 17] {
    let techniques: Vec<String> = u.techniques.iter().map(|t| format!("{}:{}", t.label, score4(t.score))).collect();
    let evidence: Vec<String> = u
        .techniques
        .iter()
        .flat_map(|t| t.evidence.iter().map(move |[s, e]| format!("{}@{s}-{e}", t.label)))
        .collect();
    [
        u.doc.clone(),
        u.unit.to_string(),
        u.start.to_string(),
        u.end.to_string(),
        u.paragraph.to_string(),
        u.loaded.to_string(),
        score4(u.loaded_score),
        score4(u.loaded_threshold),
        techniques.join(";"),
        evidence.join(";"),
        u.text.clone(),
        String::new(),
        u.offsets.name().to_string(),
        u.content.clone().unwrap_or_default(),
        u.filler_kind.clone().unwrap_or_default(),
        u.claim.clone().unwrap_or_default(),
        u.claim_evidence.iter().flatten().map(|[s, e]| format!("{s}-{e}")).collect::<Vec<_>>().join(";"),
    ]
}

/// Writes one record in a single write, so a closed pipe never leaves half a row behind.
fn write_row(w: &mut dyn Write, fields: &[String]) -> io::Result<()> {
    let mut line = String::new();
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        push_field(&mut line, field);
    }
    line.push_str("\r\n");
    w.write_all(line.as_bytes())
}

/// A field, quoted when it holds a comma, a quote, CR or LF (RFC 4180 §2.6–2.7).
fn push_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::{error, hit, render, unit};

    #[test]
    fn quoting_table() {
        let cases = [
            ("plain", "plain"),
            ("", ""),
            ("a,b", "\"a,b\""),
            ("say \"no\"", "\"say \"\"no\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            ("cr\rhere", "\"cr\rhere\""),
            ("  spaces kept ", "  spaces kept "),
            ("«réfugiés»;x", "«réfugiés»;x"),
        ];
        for (field, want) in cases {
            let mut out = String::new();
            push_field(&mut out, field);
            assert_eq!(out, want, "{field:?}");
        }
    }

    #[test]
    fn rows_in_column_order() {
        let doc = DocReport {
            doc: "a,1.txt".into(),
            units: vec![
                unit(0, 0, "Calm.", 0.1, vec![]),
                unit(
                    1,
                    6,
                    "They \"unleashed\" chaos, again.",
                    0.912_34,
                    vec![hit("Loaded_Language", 0.88, &[[12, 21]]), hit("Doubt", 0.41, &[[6, 10], [29, 34]])],
                ),
            ]
            .into_iter()
            .map(|u| UnitRecord { doc: "a,1.txt".into(), ..u })
            .collect(),
            text: None,
        };
        let out = render(&mut CsvReport, &[Outcome::Doc(doc), Outcome::Error(error("b.txt", "empty input\n"))]);
        let want = concat!(
            "doc,unit,start,end,paragraph,loaded,loaded_score,loaded_threshold,techniques,evidence,text,error,offsets,content,filler_kind,claim,claim_evidence\r\n",
            "\"a,1.txt\",0,0,5,0,false,0.1000,0.5000,,,Calm.,,input,,,,\r\n",
            "\"a,1.txt\",1,6,36,0,true,0.9123,0.5000,Loaded_Language:0.8800;Doubt:0.4100,",
            "Loaded_Language@12-21;Doubt@6-10;Doubt@29-34,\"They \"\"unleashed\"\" chaos, again.\",,input,,,,\r\n",
            "b.txt,,,,,,,,,,,empty input,,,,,\r\n",
        );
        assert_eq!(out, want);
    }

    #[test]
    fn header_alone_for_no_outcomes() {
        assert_eq!(render(&mut CsvReport, &[]).matches("\r\n").count(), 1);
    }
}
