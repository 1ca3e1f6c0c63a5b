//! `framemark classify FILES...`: classify documents and write a report; `--fail-on` turns the
//! report into a pipeline gate (exit code 1).
//!
//! Inputs are read on a thread of their own and classified in small batches of whatever has
//! arrived (at most [`DOCS_PER_CHUNK`] documents), and each batch's output is flushed at once: a
//! JSONL stream on stdin gets each document's records back as soon as it is classified, while a
//! directory still fills whole batches.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::mpsc;

use anyhow::{Context, Result};
use clap::ValueEnum;

use super::progress::Progress;
use super::{technique_names, Input, InputArgs, ModelArgs};
use framemark::condition::Condition;
use framemark::pipeline::Classifier;
use framemark::report::csv::CsvReport;
use framemark::report::html::{HtmlOptions, HtmlReport};
use framemark::report::human::{HumanOptions, HumanReport};
use framemark::report::jsonl::JsonlReport;
use framemark::report::markdown::MarkdownReport;
use framemark::report::strip::StripReport;
use framemark::report::{ErrorRecord, Outcome, Render};
use framemark::text::{read_inputs, InputFormat, Loaded};

/// Most documents classified together, so that units of many documents are sorted by length into
/// full batches (a stream on stdin still gets each record back at once: a batch takes only what has
/// arrived).
const DOCS_PER_CHUNK: usize = 256;

/// `--fail-on` grammar, shown by `framemark classify --help`.
const FAIL_ON_HELP: &str = "\
FAIL-ON CONDITIONS:
  --fail-on EXPR makes the run exit 1 when EXPR holds for any document. EXPR is NAME OP VALUE:
    NAME   loaded        share of the document's article units that are loaded, 0..1 (or 30%); filler excluded
           loaded_units  number of loaded units
           <Technique>   number of units carrying that technique, e.g. Guilt_by_Association
           attributed | vague | unattributed
                         number of units with that claim label (a model with the claim head)
           filler        number of filler units (a model with the content head)
    OP     >=  >  <=  <  ==
  Repeat --fail-on to add conditions; any one met fails the run, and stderr names the document and
  the condition. Quote the expression in a shell, where > redirects:
    framemark classify --fail-on 'loaded>=0.3' --fail-on 'Guilt_by_Association>=1' article.txt
  An unknown name or a malformed expression is an error (exit 2) before anything is classified.

EXIT STATUS:
  0  success: every input was processed and no --fail-on condition was met
  1  a --fail-on condition was met for at least one document
  2  an error: bad arguments or --fail-on expression, a model that does not load, or an input that
     could not be processed (the other inputs are still reported); an error wins over 1.
     A closed output pipe (framemark ... | head) exits 0.";

/// Arguments of `framemark classify`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = FAIL_ON_HELP)]
pub struct ClassifyArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output format: `human` (a report for people), `jsonl` (one record per unit; wire format in
    /// the report::jsonl module docs), `html` (one self-contained page), `md` (Markdown), `csv`
    /// (one row per unit; columns in the report::csv module docs).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit with code 1 when a condition holds for any document, e.g. 'loaded>=0.3' or
    /// 'Guilt_by_Association>=1' (grammar below). Repeatable.
    #[arg(long = "fail-on", value_name = "EXPR")]
    fail_on: Vec<String>,
    /// Write only the article text of each document, filler cut out (needs a model with a content
    /// head): plain text, each document followed by a blank line; with `--format jsonl`, one
    /// `{"id", "text"}` object per document.
    #[arg(long)]
    strip_filler: bool,
    /// Most loaded units shown per document in the human, HTML and Markdown reports.
    #[arg(long, default_value_t = 5)]
    top: usize,
    /// Colour evidence words in the human report: auto (when stdout is a terminal), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    #[command(flatten)]
    model: ModelArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Jsonl,
    Html,
    #[value(name = "md", alias = "markdown")]
    Markdown,
    Csv,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

pub fn run(args: ClassifyArgs) -> Result<ExitCode> {
    let labels = args.model.labels()?;
    let techniques = technique_names(&labels);
    let conditions = args
        .fail_on
        .iter()
        .map(|expr| Condition::parse(expr, &techniques).with_context(|| format!("--fail-on {expr:?}")))
        .collect::<Result<Vec<_>>>()?;
    let clf = args.model.classifier()?;
    for c in &conditions {
        let missing = match c.needs_head() {
            Some("claim") => clf.dir.spec.claim_labels.is_empty(),
            Some("content") => clf.dir.spec.content_labels.is_empty(),
            _ => false,
        };
        if missing {
            anyhow::bail!("--fail-on {c}: model {} has no {} head", clf.dir.spec.id(), c.needs_head().unwrap_or_default());
        }
    }
    if args.strip_filler && clf.dir.spec.content_labels.is_empty() {
        anyhow::bail!("--strip-filler needs a model with a content (filler) head; {} has none", clf.dir.spec.id());
    }
    if args.strip_filler && !matches!(args.format, Format::Human | Format::Jsonl) {
        anyhow::bail!("--strip-filler writes plain text or, with --format jsonl, JSON Lines");
    }
    let stdout = std::io::stdout();
    let mut renderer: Box<dyn Render> = match args.format {
        _ if args.strip_filler => Box::new(StripReport { jsonl: matches!(args.format, Format::Jsonl) }),
        Format::Human => {
            let color = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => stdout.is_terminal(),
            };
            Box::new(HumanReport { opts: HumanOptions { top: args.top, color } })
        }
        Format::Jsonl => Box::new(JsonlReport),
        Format::Html => Box::new(HtmlReport::new(HtmlOptions::from_labels(&labels, args.top))),
        Format::Markdown => Box::new(MarkdownReport { top: args.top }),
        Format::Csv => Box::new(CsvReport),
    };
    let mut out = stdout.lock();
    let mut progress = Progress::new(std::io::stderr(), std::io::stderr().is_terminal());
    let (mut failed, mut flagged) = (0usize, 0usize);
    renderer.begin(&mut out)?;
    out.flush()?;
    classify_inputs(&clf, &args.input, |outcomes| {
        progress.clear();
        for outcome in &outcomes {
            match outcome {
                Outcome::Error(e) => {
                    failed += 1;
                    eprintln!("framemark: {}: {}", e.doc, e.error);
                }
                Outcome::Doc(doc) => {
                    for c in &conditions {
                        if let Some(x) = c.check(doc) {
                            flagged += 1;
                            eprintln!("framemark: {}: --fail-on {c} met ({})", doc.doc, c.describe(x));
                        }
                    }
                }
            }
            renderer.outcome(&mut out, outcome)?;
        }
        out.flush()?;
        progress.add(&outcomes);
        Ok(())
    })?;
    progress.clear();
    renderer.finish(&mut out)?;
    out.flush()?;
    Ok(if failed > 0 {
        ExitCode::from(2)
    } else if flagged > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Reads and classifies the inputs, handing `emit` the outcomes of each batch in input order.
///
/// A thread reads the inputs into a bounded channel; each batch takes the first input waiting (or
/// waits for one) plus whatever else has already arrived, up to [`DOCS_PER_CHUNK`]. So a stream
/// on stdin is answered record by record while a slow producer writes, and a directory still
/// makes full batches. Stops at the first error `emit` returns (a closed pipe, say).
pub(super) fn classify_inputs(
    clf: &Classifier,
    input: &InputArgs,
    mut emit: impl FnMut(Vec<Outcome>) -> Result<()>,
) -> Result<()> {
    let format = match input.input {
        Input::Text => InputFormat::Text,
        Input::Html => InputFormat::Html,
        Input::Jsonl => InputFormat::Jsonl,
    };
    let (tx, rx) = mpsc::sync_channel::<Loaded>(DOCS_PER_CHUNK);
    let paths = input.paths.clone();
    // Not joined on an early return: it may be blocked reading stdin, and ends with the process.
    let reader = std::thread::spawn(move || {
        for item in read_inputs(&paths, format) {
            if tx.send(item).is_err() {
                break;
            }
        }
    });
    while let Ok(first) = rx.recv() {
        let mut chunk = vec![first];
        while chunk.len() < DOCS_PER_CHUNK {
            match rx.try_recv() {
                Ok(item) => chunk.push(item),
                Err(_) => break,
            }
        }
        emit(process(clf, chunk, input.max_chars)?)?;
    }
    reader.join().map_err(|_| anyhow::anyhow!("the input reader failed"))?;
    Ok(())
}

/// Classifies a chunk of inputs; failed inputs become error records in their place.
fn process(clf: &Classifier, chunk: Vec<Loaded>, max_chars: usize) -> Result<Vec<Outcome>> {
    let chunk: Vec<Loaded> = chunk
        .into_iter()
        .map(|l| match l {
            Loaded::Doc(d) if d.text.len() > max_chars && d.text.chars().count() > max_chars => {
                let n = d.text.chars().count();
                Loaded::failed(d.id, format!("document has {n} characters, over --max-chars {max_chars}"))
            }
            other => other,
        })
        .collect();
    let docs: Vec<_> = chunk.iter().filter_map(|l| if let Loaded::Doc(d) = l { Some(d.clone()) } else { None }).collect();
    let mut reports = clf.classify(&docs)?.into_iter();
    Ok(chunk
        .into_iter()
        .map(|l| match l {
            Loaded::Doc(_) => Outcome::Doc(reports.next().expect("one report per document")),
            Loaded::Failed { origin, reason } => {
                Outcome::Error(ErrorRecord { schema: framemark::SCHEMA.to_string(), doc: origin, error: reason })
            }
        })
        .collect())
}
