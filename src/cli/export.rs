//! `framemark export --to label-studio|doccano FILES...`: classify documents and write them as
//! pre-annotated tasks for review in an annotation tool (formats in framemark::export).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::ValueEnum;

use super::classify::classify_inputs;
use super::{technique_names, InputArgs, ModelArgs};
use framemark::export::{doccano, label_studio};
use framemark::report::Outcome;

/// Arguments of `framemark export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The annotation tool: `label-studio` (a JSON array of tasks with predictions) or `doccano`
    /// (JSONL, one document per line with its spans).
    #[arg(long, value_enum)]
    to: Tool,
    /// Write the export to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Also write a Label Studio labeling config (XML) with every technique to FILE; paste it into
    /// the project's settings before importing the tasks.
    #[arg(long, value_name = "FILE")]
    label_config: Option<PathBuf>,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    model: ModelArgs,
}

/// An annotation tool.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum Tool {
    LabelStudio,
    Doccano,
}

pub fn run(args: ExportArgs) -> Result<ExitCode> {
    anyhow::ensure!(
        args.label_config.is_none() || matches!(args.to, Tool::LabelStudio),
        "--label-config is for --to label-studio"
    );
    if let Some(path) = &args.label_config {
        let labels = args.model.labels()?;
        std::fs::write(path, label_studio::label_config(&technique_names(&labels)))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let clf = args.model.classifier()?;
    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(BufWriter::new(File::create(path).with_context(|| format!("creating {}", path.display()))?)),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut tasks = label_studio::TaskWriter::new();
    if let Tool::LabelStudio = args.to {
        tasks.begin(&mut out)?;
    }
    let mut failed = 0usize;
    classify_inputs(&clf, &args.input, |outcomes| {
        for outcome in &outcomes {
            match outcome {
                Outcome::Error(e) => {
                    failed += 1;
                    eprintln!("framemark: {}: {}", e.doc, e.error);
                }
                Outcome::Doc(doc) => match args.to {
                    Tool::LabelStudio => tasks.task(&mut out, doc)?,
                    Tool::Doccano => doccano::write_doc(&mut out, doc)?,
                },
            }
        }
        out.flush()?;
        Ok(())
    })?;
    if let Tool::LabelStudio = args.to {
        tasks.finish(&mut out)?;
    }
    out.flush()?;
    Ok(if failed > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}
