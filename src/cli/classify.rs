//! `framemark classify FILES...`: classify documents and write a report.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::ValueEnum;

use super::ModelArgs;
use framemark::pipeline::Classifier;
use framemark::report::{human, jsonl, ErrorRecord, Outcome};
use framemark::text::{read_inputs, InputFormat, Loaded};

/// Documents classified together, so that units of several documents fill the batches.
const DOCS_PER_CHUNK: usize = 16;

/// Arguments of `framemark classify`.
#[derive(Debug, clap::Args)]
pub struct ClassifyArgs {
    /// Input files or directories; `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// How to read inputs: `text` (a file is a document) or `jsonl` (one {"id","text"} record per
    /// line). Files ending in .jsonl/.json found in directories are read as JSONL either way.
    #[arg(long, value_enum, default_value_t = Input::Text)]
    input: Input,
    /// Output format: `human` (a report for people) or `jsonl` (one record per unit; see the
    /// report::jsonl module docs for the wire format).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Longest document processed, in characters; a longer one becomes an error record (raise the
    /// limit to process it: time grows with the number of sentences).
    #[arg(long, default_value_t = 1_000_000, value_name = "N")]
    max_chars: usize,
    /// Most loaded units shown per document in the human report.
    #[arg(long, default_value_t = 5)]
    top: usize,
    /// Colour evidence words in the human report: auto (when stdout is a terminal), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    #[command(flatten)]
    model: ModelArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Input {
    Text,
    Jsonl,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Jsonl,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

pub fn run(args: ClassifyArgs) -> Result<ExitCode> {
    let clf = args.model.classifier()?;
    let format = match args.input {
        Input::Text => InputFormat::Text,
        Input::Jsonl => InputFormat::Jsonl,
    };
    let stdout = std::io::stdout();
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => stdout.is_terminal(),
    };
    let opts = human::HumanOptions { top: args.top, color };
    let mut out = stdout.lock();
    let mut failed = 0usize;
    let mut chunk: Vec<Loaded> = Vec::with_capacity(DOCS_PER_CHUNK);
    let mut inputs = read_inputs(&args.paths, format).peekable();
    while let Some(item) = inputs.next() {
        chunk.push(item);
        if chunk.len() == DOCS_PER_CHUNK || inputs.peek().is_none() {
            for outcome in process(&clf, std::mem::take(&mut chunk), args.max_chars)? {
                if let Outcome::Error(e) = &outcome {
                    failed += 1;
                    eprintln!("framemark: {}: {}", e.doc, e.error);
                }
                match args.format {
                    Format::Human => human::write_outcome(&mut out, &outcome, &opts)?,
                    Format::Jsonl => jsonl::write_outcome(&mut out, &outcome)?,
                }
            }
            out.flush()?;
        }
    }
    Ok(if failed > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
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
