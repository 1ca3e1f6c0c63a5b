//! `framemark eval SET...`: scores the model on named sets (framemark::eval::SETS).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::{check_dir, data_root, ModelArgs};

/// Arguments of `framemark eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// Sets to evaluate (framemark::eval::SETS), e.g. ptc-test, ptc-dev, semeval23-dev, babe-test, l3s-test, l3s-dev, zyte,
    /// dragnet-dev, authored-dev, claims-dev (held-out sets are for
    /// reporting only).
    #[arg(required = true, value_name = "SET")]
    sets: Vec<String>,
    /// Data root holding the datasets. Default: $FRAMEMARK_DATA, else ../shared/data.
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Write JSON (one object per set, one per line) instead of tables.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    model: ModelArgs,
}

pub fn run(args: EvalArgs) -> Result<ExitCode> {
    for s in &args.sets {
        anyhow::ensure!(framemark::eval::SETS.contains(&s.as_str()), "unknown eval set {s:?}; known: {}", framemark::eval::SETS.join(", "));
    }
    let root = data_root(&args.data);
    check_dir(&root, "data root")?;
    let clf = args.model.classifier()?;
    let mut out = std::io::stdout().lock();
    for set in &args.sets {
        let report = framemark::eval::evaluate(set, &root, &clf).with_context(|| format!("evaluating {set}"))?;
        if args.json {
            serde_json::to_writer(&mut out, &report)?;
            writeln!(out)?;
        } else {
            report.write_table(&mut out)?;
            writeln!(out)?;
        }
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}
