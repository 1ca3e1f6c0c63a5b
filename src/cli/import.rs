//! `framemark import --from label-studio|doccano FILE`: read a reviewed export back as
//! document-level training records `{"id", "text", "spans"}` (format in framemark::export).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::export::Tool;
use super::{load_labels, technique_names};
use framemark::export::{doccano, label_studio, write_span_docs};

/// Arguments of `framemark import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The tool the file was exported from: `label-studio` (its JSON export) or `doccano` (its
    /// JSONL export).
    #[arg(long, value_enum)]
    from: Tool,
    /// The export to read; `-` reads standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Write the records to FILE instead of standard output. Nothing is written unless every
    /// record is valid.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Label schema directory (labels/*.toml) whose technique names the labels must be. Default:
    /// the schema built into the binary.
    #[arg(long, value_name = "DIR")]
    labels: Option<PathBuf>,
}

pub fn run(args: ImportArgs) -> Result<ExitCode> {
    let labels = load_labels(args.labels.as_deref())?;
    let techniques = technique_names(&labels);
    let name = args.file.display().to_string();
    let reader: Box<dyn Read> = if name == framemark::text::STDIN_PATH {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(File::open(&args.file).with_context(|| format!("opening {name}"))?)
    };
    let reader = BufReader::new(reader);
    let docs = match args.from {
        Tool::LabelStudio => label_studio::read_tasks(reader, &techniques),
        Tool::Doccano => doccano::read_docs(reader, &techniques),
    }
    .with_context(|| format!("importing {name}"))?;

    let mut buf = Vec::new();
    write_span_docs(&mut buf, &docs)?;
    match &args.out {
        Some(path) => std::fs::write(path, &buf).with_context(|| format!("writing {}", path.display()))?,
        None => std::io::Write::write_all(&mut std::io::stdout().lock(), &buf)?,
    }
    let spans: usize = docs.iter().map(|d| d.spans.len()).sum();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    eprintln!("framemark: imported {}, {} from {name}", plural(docs.len(), "document"), plural(spans, "span"));
    Ok(ExitCode::SUCCESS)
}
