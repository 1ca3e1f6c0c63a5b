//! Command-line interface: clap-derived arguments and one file per subcommand. Wiring only; the work
//! happens in the library.

mod classify;
mod eval;
mod serve;
#[cfg(feature = "torch")]
mod train;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use framemark::labels::LabelSet;
use framemark::model::BackendKind;
use framemark::pipeline::Classifier;

/// Tags every sentence of news text for loaded framing (the 23 SemEval-2023 persuasion techniques,
/// each with the words that carry it) and writes a report.
///
/// Exit codes: 0 success; 1 when a --fail-on condition is met; 2 on an error (bad arguments, an
/// unreadable model, or an input that could not be processed — the other inputs are still reported).
#[derive(Debug, Parser)]
#[command(name = "framemark", version, about, long_about)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Classify documents and write a report (human by default, or JSON Lines).
    Classify(classify::ClassifyArgs),
    /// Score the model on a named evaluation set read from the data root.
    Eval(eval::EvalArgs),
    /// Serve the classifier over HTTP: POST /v1/classify answers with the records of `classify
    /// --format jsonl`; GET /healthz; GET /openapi.json.
    Serve(serve::ServeArgs),
    /// Fine-tune a model (needs a build with `--features torch`; see scripts/setup-torch.sh).
    #[cfg(feature = "torch")]
    Train(train::TrainArgs),
}

/// Options shared by every command that loads a model.
#[derive(Debug, clap::Args)]
struct ModelArgs {
    /// Model directory (config.json, tokenizer.json, model.safetensors, framemark.json,
    /// thresholds.toml). Default: $FRAMEMARK_MODEL, else models/framemark-minilm in the current
    /// directory or next to the installed binary's repository.
    #[arg(long, value_name = "DIR")]
    model: Option<PathBuf>,
    /// Label schema directory (labels/*.toml). Default: the schema built into the binary.
    #[arg(long, value_name = "DIR")]
    labels: Option<PathBuf>,
    /// Inference backend: candle (pure Rust, default) or torch (needs `--features torch`).
    #[arg(long, value_enum, default_value_t = Backend::Candle)]
    backend: Backend,
    /// Override a decision threshold: `loaded=0.6`, `evidence=0.4` or `<Technique>=0.5`. Repeatable.
    #[arg(long = "threshold", value_name = "LABEL=VALUE")]
    thresholds: Vec<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Backend {
    Candle,
    Torch,
}

const DEFAULT_MODEL: &str = "models/framemark-minilm";

impl ModelArgs {
    fn model_dir(&self) -> PathBuf {
        if let Some(m) = &self.model {
            return m.clone();
        }
        if let Some(m) = std::env::var_os("FRAMEMARK_MODEL") {
            return PathBuf::from(m);
        }
        let here = PathBuf::from(DEFAULT_MODEL);
        if here.is_dir() {
            return here;
        }
        // target/<profile>/framemark → the repository root two levels up.
        std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent()?.parent()?.parent().map(|root| root.join(DEFAULT_MODEL)))
            .filter(|p| p.is_dir())
            .unwrap_or(here)
    }

    fn labels(&self) -> Result<LabelSet> {
        match &self.labels {
            Some(dir) => LabelSet::load(dir).with_context(|| format!("loading labels from {}", dir.display())),
            None => Ok(LabelSet::embedded()),
        }
    }

    fn classifier(&self) -> Result<Classifier> {
        let dir = self.model_dir();
        let kind = match self.backend {
            Backend::Candle => BackendKind::Candle,
            Backend::Torch => BackendKind::Torch,
        };
        let labels = self.labels()?;
        let mut clf = Classifier::load(&dir, kind, &labels).with_context(|| format!("loading model {}", dir.display()))?;
        for t in &self.thresholds {
            let (label, value) = t.split_once('=').with_context(|| format!("--threshold {t:?}: expected LABEL=VALUE"))?;
            let value: f32 = value.parse().with_context(|| format!("--threshold {t:?}: {value:?} is not a number"))?;
            let known = label == "loaded" || label == "evidence" || clf.dir.spec.techniques().iter().any(|n| n == label);
            anyhow::ensure!(known, "--threshold {t:?}: unknown label {label:?}");
            clf.thresholds.set(label, value)?;
        }
        Ok(clf)
    }
}

/// Runs the command line; `Err` maps to exit code 2.
pub fn run() -> Result<ExitCode> {
    let args = Args::parse();
    match args.command {
        Command::Classify(a) => classify::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Serve(a) => serve::run(a),
        #[cfg(feature = "torch")]
        Command::Train(a) => train::run(a),
    }
}

/// The data root: `--data`, else $FRAMEMARK_DATA, else ../shared/data.
fn data_root(arg: &Option<PathBuf>) -> PathBuf {
    arg.clone().unwrap_or_else(framemark::data::default_root)
}

fn check_dir(p: &Path, what: &str) -> Result<()> {
    anyhow::ensure!(p.is_dir(), "{what} {} not found (use --data to point elsewhere)", p.display());
    Ok(())
}
