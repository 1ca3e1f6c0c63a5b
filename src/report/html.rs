//! The HTML report: one self-contained page for reading a run in a browser. Inline CSS only, no
//! script, nothing fetched (a Content-Security-Policy of `default-src 'none'` says so to the
//! browser too), so the file can be mailed, archived or opened offline.
//!
//! # Layout
//!
//! * A header with the legend: the colour of each technique category (the 6 SemEval-2023
//!   categories of `labels/techniques.toml`), what an evidence mark looks like, and how to read the
//!   page.
//! * One `<section>` per input, in input order. For a document: its id, a summary (model, units,
//!   loaded share, the loaded threshold), a bar chart of the techniques ranked by the units carrying
//!   them (CSS bars, widths relative to the most frequent technique), the most loaded units (links
//!   to them in the text), and then **the whole document text**: text between units is kept as it is
//!   (line breaks and spacing preserved), and each unit is a `<span>` whose `title` (the hover text)
//!   gives its loaded score and threshold and its techniques with their scores. A loaded unit is
//!   shaded in the colour of the category of its most probable technique (the loaded-framing family;
//!   the claim and filler families will get their own marks when the records carry them), and the
//!   words carrying techniques are `<mark>`ed with the techniques they carry as their title.
//!   For an input that failed: its id and the error in an error box.
//! * A footer with the number of documents and errors.
//!
//! Units and evidence are placed by their char offsets into the document text
//! ([`DocReport::text`]); a report without the text renders the units alone, a paragraph break
//! between paragraphs.
//!
//! # Safety
//!
//! Everything that comes from the input or the records (text, ids, errors, labels, model names) is
//! HTML-escaped (`&`, `<`, `>`, `"`, `'`), including inside attributes, so any text renders as text:
//! an article containing `<script>`, `"><img onerror=...>` or `javascript:` shows those characters
//! and nothing else. Other control characters than tab and line breaks become U+FFFD. Element ids
//! and inline styles are built from numbers only.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{evidence_runs, most_loaded, percent, rank_techniques, DocReport, ErrorRecord, Outcome, Render, UnitRecord};
use crate::labels::LabelSet;

/// The page title (also what a test checks a hostile input did not change).
pub const TITLE: &str = "framemark report";

/// Background colours of the technique categories, in category order; a schema with more
/// categories reuses them.
const CATEGORY_COLOURS: &[&str] = &["#f9c9c9", "#fde7a6", "#dccff5", "#c8e2fa", "#c9ecd6", "#fbd5b5"];

/// The shade of a technique whose category the options do not know.
const UNKNOWN_COLOUR: &str = "#dddddd";

/// How the HTML report is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlOptions {
    /// How many of the most loaded units to list per document (0 hides the list).
    pub top: usize,
    /// Technique categories in legend order.
    pub categories: Vec<String>,
    /// The category of each technique.
    pub technique_category: BTreeMap<String, String>,
}

impl HtmlOptions {
    /// Options with the categories of the schema's techniques.
    pub fn from_labels(labels: &LabelSet, top: usize) -> Self {
        let categories = labels.categories().iter().map(|c| c.name.clone()).collect();
        let technique_category = labels
            .techniques()
            .into_iter()
            .filter_map(|t| Some((t.name.clone(), t.category.clone()?)))
            .collect();
        HtmlOptions { top, categories, technique_category }
    }

    /// The CSS class of a technique's category: `cat-N`, or `cat-x` when unknown.
    fn class_of(&self, technique: &str) -> String {
        self.technique_category
            .get(technique)
            .and_then(|c| self.categories.iter().position(|name| name == c))
            .map_or_else(|| "cat-x".to_string(), |i| format!("cat-{i}"))
    }
}

/// The HTML report as a [`Render`] stream: the page head and legend in `begin`, a section per
/// outcome, the footer in `finish`.
#[derive(Debug, Clone)]
pub struct HtmlReport {
    opts: HtmlOptions,
    docs: usize,
    errors: usize,
}

impl HtmlReport {
    /// A report rendered with `opts`.
    pub fn new(opts: HtmlOptions) -> Self {
        HtmlReport { opts, docs: 0, errors: 0 }
    }
}

impl Render for HtmlReport {
    fn begin(&mut self, w: &mut dyn Write) -> io::Result<()> {
        write_head(w, &self.opts)
    }

    fn outcome(&mut self, w: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
        // Section ids count every input, so they are stable whatever failed.
        let n = self.docs + self.errors;
        match outcome {
            Outcome::Doc(doc) => {
                self.docs += 1;
                write_doc(w, doc, n, &self.opts)
            }
            Outcome::Error(e) => {
                self.errors += 1;
                write_error(w, e, n)
            }
        }
    }

    fn finish(&mut self, w: &mut dyn Write) -> io::Result<()> {
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        writeln!(w, "</main>")?;
        writeln!(
            w,
            "<footer>{}, {} · framemark</footer>",
            plural(self.docs, "document", "documents"),
            plural(self.errors, "error", "errors")
        )?;
        writeln!(w, "</body>\n</html>")
    }
}

fn write_head(w: &mut dyn Write, opts: &HtmlOptions) -> io::Result<()> {
    let mut css = String::from(CSS);
    for (i, _) in opts.categories.iter().enumerate() {
        let colour = CATEGORY_COLOURS[i % CATEGORY_COLOURS.len()];
        css.push_str(&format!(".cat-{i}{{--c:{colour}}}\n"));
    }
    css.push_str(&format!(".cat-x{{--c:{UNKNOWN_COLOUR}}}\n"));
    write!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"generator\" content=\"framemark\">\n<title>{TITLE}</title>\n<style>\n{css}</style>\n</head>\n<body>\n"
    )?;
    writeln!(w, "<header>\n<h1>{TITLE}</h1>")?;
    writeln!(
        w,
        "<p class=\"how\">Each sentence (unit) of a document is a span: hover it for its loaded score and \
         techniques. Loaded units are shaded by the category of their most probable technique; the words that \
         carry a technique are marked (hover them for which).</p>"
    )?;
    writeln!(w, "<ul class=\"legend\" aria-label=\"legend\">")?;
    for (i, name) in opts.categories.iter().enumerate() {
        writeln!(w, "<li><span class=\"swatch cat-{i}\"></span>{}</li>", escape(name))?;
    }
    writeln!(w, "<li><span class=\"swatch cat-x\"></span>other technique</li>")?;
    writeln!(w, "<li><span class=\"swatch plain\"></span>not loaded</li>")?;
    writeln!(w, "<li><mark>evidence</mark> words carrying a technique</li>")?;
    writeln!(w, "</ul>\n</header>\n<main>")
}

/// One document's section: summary, chart, most loaded units, the text.
fn write_doc(w: &mut dyn Write, doc: &DocReport, n: usize, opts: &HtmlOptions) -> io::Result<()> {
    let total = doc.article_units();
    let loaded = doc.loaded_units();
    writeln!(w, "<section class=\"doc\" id=\"d{n}\">")?;
    writeln!(w, "<h2>{}</h2>", escape(&doc.doc))?;
    writeln!(w, "<div class=\"summary\">\n<dl>")?;
    let models = doc.models();
    if !models.is_empty() {
        writeln!(w, "<dt>model</dt><dd>{}</dd>", escape(&models.join(", ")))?;
    }
    writeln!(w, "<dt>units</dt><dd>{}</dd>", doc.units_summary())?;
    writeln!(w, "<dt>loaded</dt><dd>{loaded} ({})</dd>", percent(loaded, total))?;
    if let Some(u) = doc.units.first() {
        writeln!(w, "<dt>loaded threshold</dt><dd>{:.2}</dd>", u.loaded_threshold)?;
    }
    if let Some(claims) = doc.claims_summary() {
        writeln!(w, "<dt>claims</dt><dd>{}</dd>", escape(&claims))?;
    }
    writeln!(w, "</dl>")?;
    let unattributed: Vec<&UnitRecord> = doc.unattributed_claims().collect();
    if !unattributed.is_empty() {
        writeln!(w, "<details class=\"claims\"><summary>Unattributed claims ({})</summary>\n<ul>", unattributed.len())?;
        for u in unattributed {
            writeln!(w, "<li>unit {}: {}</li>", u.unit, escape(u.text.trim()))?;
        }
        writeln!(w, "</ul>\n</details>")?;
    }

    let ranked = rank_techniques(&doc.units);
    if ranked.is_empty() {
        writeln!(w, "<p class=\"none\">No techniques found.</p>")?;
    } else {
        let max = ranked.first().map_or(1, |r| r.1).max(1);
        writeln!(w, "<figure class=\"chart\">\n<figcaption>Techniques by units carrying them</figcaption>\n<table>")?;
        for (name, count) in &ranked {
            let width = 100.0 * *count as f64 / max as f64;
            writeln!(
                w,
                "<tr><th scope=\"row\">{}</th><td class=\"bar\"><span class=\"{}\" style=\"width:{width:.1}%\"></span></td>\
                 <td class=\"num\">{count}</td><td class=\"num\">{}</td></tr>",
                escape(name),
                opts.class_of(name),
                percent(*count, total)
            )?;
        }
        writeln!(w, "</table>\n</figure>")?;
    }

    let top = most_loaded(&doc.units, opts.top);
    if !top.is_empty() {
        writeln!(w, "<div class=\"top\">\n<h3>Most loaded units ({} of {loaded})</h3>\n<ol>", top.len())?;
        for u in top {
            let techniques: Vec<String> =
                u.techniques.iter().map(|t| format!("{} {:.2}", escape(&t.label), t.score)).collect();
            writeln!(
                w,
                "<li><a href=\"#d{n}-u{}\">unit {}</a> loaded {:.2}: {}</li>",
                u.unit,
                u.unit,
                u.loaded_score,
                techniques.join(", ")
            )?;
        }
        writeln!(w, "</ol>\n</div>")?;
    }
    writeln!(w, "</div>")?;

    writeln!(w, "<div class=\"text\">{}</div>", document_html(doc, n, opts))?;
    writeln!(w, "</section>")
}

fn write_error(w: &mut dyn Write, e: &ErrorRecord, n: usize) -> io::Result<()> {
    writeln!(
        w,
        "<section class=\"doc failed\" id=\"d{n}\">\n<h2>{}</h2>\n<div class=\"error\" role=\"alert\"><strong>error:</strong> {}</div>\n</section>",
        escape(&e.doc),
        escape(e.error.trim())
    )
}

/// The document text with every unit wrapped in a span and its evidence marked.
fn document_html(doc: &DocReport, n: usize, opts: &HtmlOptions) -> String {
    let mut out = String::new();
    match &doc.text {
        Some(text) => {
            let chars: Vec<char> = text.chars().collect();
            let mut pos = 0;
            for u in &doc.units {
                // Units are in order and disjoint; a record that says otherwise still renders every unit.
                let start = u.start.clamp(pos, chars.len());
                push_escaped(&mut out, chars[pos..start].iter().copied());
                push_unit(&mut out, u, n, opts);
                pos = u.end.clamp(start, chars.len());
            }
            push_escaped(&mut out, chars[pos..].iter().copied());
        }
        None => {
            for (i, u) in doc.units.iter().enumerate() {
                if i > 0 {
                    out.push_str(if doc.units[i - 1].paragraph == u.paragraph { " " } else { "\n\n" });
                }
                push_unit(&mut out, u, n, opts);
            }
        }
    }
    out
}

fn push_unit(out: &mut String, u: &UnitRecord, n: usize, opts: &HtmlOptions) {
    let mut title = format!("unit {} · loaded {:.2} (threshold {:.2})", u.unit, u.loaded_score, u.loaded_threshold);
    for t in &u.techniques {
        title.push_str(&format!("\n{} {:.2}", t.label, t.score));
    }
    let class = match u.techniques.first() {
        Some(top) if u.loaded => format!("u loaded {}", opts.class_of(&top.label)),
        _ => "u".to_string(),
    };
    out.push_str(&format!("<span class=\"{class}\" id=\"d{n}-u{}\" title=\"", u.unit));
    push_attr(out, title.chars());
    out.push_str("\">");
    let chars: Vec<char> = u.text.chars().collect();
    let mut pos = 0;
    for run in evidence_runs(u) {
        push_escaped(out, chars[pos..run.start].iter().copied());
        out.push_str("<mark title=\"");
        push_attr(out, run.labels.join(", ").chars());
        out.push_str("\">");
        push_escaped(out, chars[run.start..run.end].iter().copied());
        out.push_str("</mark>");
        pos = run.end;
    }
    push_escaped(out, chars[pos..].iter().copied());
    out.push_str("</span>");
}

/// `s` escaped for HTML text and attribute values; line breaks become `&#10;`, so the value stays
/// on one line of the page source.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_attr(&mut out, s.chars());
    out
}

/// Escapes an attribute value (or any text that should stay on one source line).
fn push_attr(out: &mut String, chars: impl Iterator<Item = char>) {
    for c in chars {
        if c == '\n' {
            out.push_str("&#10;");
        } else {
            push_char(out, c);
        }
    }
}

/// Escapes document text, line breaks kept as they are (the text block preserves them).
fn push_escaped(out: &mut String, chars: impl Iterator<Item = char>) {
    for c in chars {
        push_char(out, c);
    }
}

fn push_char(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        '\n' | '\t' | '\r' => out.push(c),
        c if c.is_control() => out.push('\u{fffd}'),
        c => out.push(c),
    }
}

const CSS: &str = "\
:root{--ink:#1d1d1f;--muted:#666;--line:#ddd}
*{box-sizing:border-box}
body{margin:0;font:16px/1.55 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--ink);background:#f6f6f4}
header,main,footer{max-width:60rem;margin:0 auto;padding:0 1.25rem}
header{padding-top:1.25rem}
h1{font-size:1.6rem;margin:.2rem 0}
h2{font-size:1.15rem;margin:0 0 .6rem;overflow-wrap:anywhere}
h3{font-size:1rem;margin:.8rem 0 .3rem}
.how{color:var(--muted);margin:.3rem 0}
.legend{list-style:none;padding:0;margin:.5rem 0 1rem;display:flex;flex-wrap:wrap;gap:.35rem 1.1rem;font-size:.9rem}
.legend li{display:flex;align-items:center;gap:.35rem}
.swatch{display:inline-block;width:1.1rem;height:.9rem;border-radius:3px;background:var(--c);border:1px solid rgba(0,0,0,.15)}
.swatch.plain{background:#fff}
.doc{background:#fff;border:1px solid var(--line);border-radius:8px;padding:1rem 1.25rem;margin:0 0 1.25rem}
.summary dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:0 0 .6rem}
.summary dt{color:var(--muted)}
.summary dd{margin:0}
.chart{margin:.4rem 0}
.chart figcaption{font-weight:600;margin-bottom:.2rem}
.chart table{border-collapse:collapse;width:100%;font-size:.88rem}
.chart th{text-align:left;font-weight:normal;white-space:nowrap;padding:.05rem .8rem .05rem 0;width:1%}
.chart td{padding:.05rem 0}
.chart .bar{width:100%}
.chart .bar span{display:block;height:.8rem;border-radius:2px;background:var(--c);border:1px solid rgba(0,0,0,.2);min-width:2px}
.chart .num{text-align:right;white-space:nowrap;padding-left:.7rem;font-variant-numeric:tabular-nums}
.top ol{margin:.2rem 0;padding-left:1.5rem;font-size:.9rem}
.none{color:var(--muted)}
.text{white-space:pre-wrap;overflow-wrap:anywhere;border-top:1px solid var(--line);margin-top:.8rem;padding-top:.8rem;font-family:Georgia,'Times New Roman',serif;font-size:1.02rem}
.u{border-radius:3px}
.u:hover{outline:1px dotted #888}
.u.loaded{background:var(--c)}
mark{background:none;color:inherit;font-weight:700;text-decoration:underline 2px #b3261e;text-underline-offset:2px}
.u:target{outline:2px solid #b3261e}
.error{background:#fdecea;border:1px solid #e0a09a;color:#7a1c14;border-radius:6px;padding:.6rem .8rem;overflow-wrap:anywhere;white-space:pre-wrap}
footer{color:var(--muted);font-size:.85rem;padding-bottom:1.5rem}
";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::{error, hit, render, unit};

    fn opts() -> HtmlOptions {
        HtmlOptions {
            top: 5,
            categories: vec!["Attack".into(), "Wording".into()],
            technique_category: [("Name_Calling-Labeling", "Attack"), ("Loaded_Language", "Wording")]
                .into_iter()
                .map(|(t, c)| (t.to_string(), c.to_string()))
                .collect(),
        }
    }

    fn page(outcomes: &[Outcome]) -> String {
        render(&mut HtmlReport::new(opts()), outcomes)
    }

    #[test]
    fn escape_table() {
        let cases = [
            ("plain", "plain"),
            ("a & b", "a &amp; b"),
            ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
            ("\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
            ("it's", "it&#39;s"),
            ("&amp;", "&amp;amp;"),
            ("two\nlines\tand\u{7}bell", "two&#10;lines\tand\u{fffd}bell"),
            ("«réfugiés» 🔥", "«réfugiés» 🔥"),
        ];
        for (input, want) in cases {
            assert_eq!(escape(input), want, "{input:?}");
        }
    }

    #[test]
    fn whole_text_with_units_and_marks() {
        let text = "Title\n\nThey «unleashed» <chaos>. Calm here.\n";
        let doc = DocReport {
            doc: "a<b>.txt".into(),
            units: vec![
                unit(0, 0, "Title", 0.1, vec![]),
                unit(
                    1,
                    7,
                    "They «unleashed» <chaos>.",
                    0.9,
                    vec![hit("Loaded_Language", 0.8, &[[13, 22]]), hit("Name_Calling-Labeling", 0.6, &[[18, 31]])],
                ),
                unit(2, 33, "Calm here.", 0.2, vec![]),
            ],
            text: Some(text.into()),
        };
        let out = page(&[Outcome::Doc(doc)]);
        let want_text = concat!(
            "<div class=\"text\">",
            "<span class=\"u\" id=\"d0-u0\" title=\"unit 0 · loaded 0.10 (threshold 0.50)\">Title</span>\n\n",
            "<span class=\"u loaded cat-1\" id=\"d0-u1\" title=\"unit 1 · loaded 0.90 (threshold 0.50)&#10;",
            "Loaded_Language 0.80&#10;Name_Calling-Labeling 0.60\">They «",
            "<mark title=\"Loaded_Language\">unlea</mark>",
            "<mark title=\"Loaded_Language, Name_Calling-Labeling\">shed</mark>",
            "<mark title=\"Name_Calling-Labeling\">» &lt;chaos&gt;</mark>.</span> ",
            "<span class=\"u\" id=\"d0-u2\" title=\"unit 2 · loaded 0.20 (threshold 0.50)\">Calm here.</span>\n",
            "</div>"
        );
        assert!(out.contains(want_text), "{out}");
        assert!(out.contains("<h2>a&lt;b&gt;.txt</h2>"));
        assert!(out.contains("<dt>loaded</dt><dd>1 (33.3%)</dd>"));
        assert!(out.contains("<th scope=\"row\">Loaded_Language</th><td class=\"bar\"><span class=\"cat-1\" style=\"width:100.0%\">"));
        assert!(out.contains("<li><a href=\"#d0-u1\">unit 1</a> loaded 0.90: Loaded_Language 0.80, Name_Calling-Labeling 0.60</li>"));
        assert!(out.starts_with("<!DOCTYPE html>\n"));
        assert!(out.ends_with("</html>\n"));
        assert!(out.contains("<footer>1 document, 0 errors · framemark</footer>"));
        assert!(!out.contains("<script"), "no script at all");
    }

    #[test]
    fn units_alone_without_text() {
        let doc = DocReport {
            doc: "d".into(),
            units: vec![
                unit(0, 0, "One.", 0.1, vec![]),
                unit(1, 5, "Two.", 0.1, vec![]),
                UnitRecord { paragraph: 1, ..unit(2, 11, "Three.", 0.1, vec![]) },
            ],
            text: None,
        };
        let out = page(&[Outcome::Doc(doc)]);
        assert!(out.contains(">One.</span> <span"), "{out}");
        assert!(out.contains(">Two.</span>\n\n<span"), "{out}");
    }

    #[test]
    fn sections_per_input_and_error_boxes() {
        let doc = |id: &str| DocReport { doc: id.into(), units: vec![unit(0, 0, "x", 0.1, vec![])], text: Some("x".into()) };
        let out = page(&[
            Outcome::Doc(doc("a")),
            Outcome::Error(error("<img src=x onerror=alert(1)>", "no such file\n")),
            Outcome::Doc(doc("b")),
        ]);
        assert_eq!(out.matches("<section class=\"doc\"").count(), 2);
        assert!(out.contains("<section class=\"doc failed\" id=\"d1\">\n<h2>&lt;img src=x onerror=alert(1)&gt;</h2>\n<div class=\"error\" role=\"alert\"><strong>error:</strong> no such file</div>"), "{out}");
        assert!(out.contains("id=\"d2\""));
        assert!(out.contains("<footer>2 documents, 1 error · framemark</footer>"));
        assert!(out.contains("No techniques found."));
    }

    #[test]
    fn legend_names_every_category_with_its_colour() {
        let out = page(&[]);
        assert!(out.contains("<li><span class=\"swatch cat-0\"></span>Attack</li>"));
        assert!(out.contains("<li><span class=\"swatch cat-1\"></span>Wording</li>"));
        assert!(out.contains(".cat-0{--c:#f9c9c9}") && out.contains(".cat-x{--c:#dddddd}"));
        assert_eq!(HtmlOptions::from_labels(&LabelSet::embedded(), 5).categories.len(), 6);
        let from = HtmlOptions::from_labels(&LabelSet::embedded(), 5);
        assert_eq!(from.class_of("Loaded_Language"), "cat-5");
        assert_eq!(from.class_of("Nope"), "cat-x");
    }
}
