//! Command-line interface: clap-derived arguments and one file per subcommand. Wiring only; the work
//! happens in the library.

mod classify;
mod eval;
mod serve;
mod export;
mod import;
mod progress;
mod tune;
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
#[command(name = "framemark", version, about, long_about, after_long_help = EXIT_STATUS)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

/// The exit codes, as `--help` shows them (ripgrep's EXIT STATUS section).
const EXIT_STATUS: &str = "\
EXIT STATUS:
  0  success: every input was processed (and no --fail-on condition was met)
  1  a --fail-on condition was met for at least one document (classify only)
  2  an error: bad arguments or --fail-on expression, a model that does not load, an input that
     could not be processed (the other inputs are still reported), an import with a bad record;
     an error wins over 1. A closed output pipe (framemark ... | head) exits 0.";

#[derive(Debug, Subcommand)]
enum Command {
    /// Classify documents and write a report: human (default), jsonl, html, md or csv.
    Classify(classify::ClassifyArgs),
    /// Classify documents and write them as pre-annotated tasks for Label Studio or doccano.
    Export(export::ExportArgs),
    /// Read a reviewed Label Studio or doccano export back as document-level training records.
    Import(import::ImportArgs),
    /// Score the model on a named evaluation set read from the data root.
    Eval(eval::EvalArgs),
    /// Choose the filler thresholds for HTML input (`filler_html`, `filler_html_kept`) on the HTML
    /// dev sets (L3S-GN1 dev, Dragnet dev); `--write` stores them in the model's thresholds.toml.
    TuneFiller(tune::TuneArgs),
    /// Serve the classifier over HTTP: POST /v1/classify answers with the records of `classify
    /// --format jsonl`; GET /healthz; GET /openapi.json.
    Serve(serve::ServeArgs),
    /// Fine-tune a model (needs a build with `--features torch`; see scripts/setup-torch.sh).
    #[cfg(feature = "torch")]
    Train(train::TrainArgs),
}

/// The documents to classify: shared by `classify` and `export`.
#[derive(Debug, clap::Args)]
struct InputArgs {
    /// Input files or directories; `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// How to read inputs: `text` (a file is a document; a file named *.html/*.htm is read as HTML),
    /// `html` (a file or stdin is a web page; its visible text is the document and unit offsets
    /// index that text) or `jsonl` (one {"id","text"} or {"id","html"} record per line; from `-`,
    /// records are classified and written as they arrive). In directories, files ending in
    /// .html/.htm are read as HTML and, with `jsonl`, .jsonl/.json as JSONL, whatever the format.
    #[arg(long, value_enum, default_value_t = Input::Text)]
    input: Input,
    /// Longest document processed, in characters; a longer one becomes an error record (raise the
    /// limit to process it: time grows with the number of sentences).
    #[arg(long, default_value_t = 1_000_000, value_name = "N")]
    max_chars: usize,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Input {
    Text,
    Html,
    Jsonl,
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
    /// Override a decision threshold: `loaded=0.6`, `evidence=0.4` or `<Technique>=0.5`, `filler=0.5`, `filler_html=0.5`, `filler_html_kept=0.9` (models with a content head; the last two for HTML input). Repeatable.
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
        load_labels(self.labels.as_deref())
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
            let known = label == "loaded"
                || label == "evidence"
                || (["filler", "filler_html", "filler_html_kept"].contains(&label) && !clf.dir.spec.content_labels.is_empty())
                || clf.dir.spec.techniques().iter().any(|n| n == label);
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
        Command::Export(a) => export::run(a),
        Command::Import(a) => import::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Serve(a) => serve::run(a),
        Command::TuneFiller(a) => tune::run(a),
        #[cfg(feature = "torch")]
        Command::Train(a) => train::run(a),
    }
}

/// The label schema in `dir`, or the one built into the binary.
fn load_labels(dir: Option<&Path>) -> Result<LabelSet> {
    match dir {
        Some(dir) => LabelSet::load(dir).with_context(|| format!("loading labels from {}", dir.display())),
        None => Ok(LabelSet::embedded()),
    }
}

/// The technique names of a label schema.
fn technique_names(labels: &LabelSet) -> Vec<&str> {
    labels.techniques().iter().map(|t| t.name.as_str()).collect()
}

/// The data root: `--data`, else $FRAMEMARK_DATA, else ../shared/data.
fn data_root(arg: &Option<PathBuf>) -> PathBuf {
    arg.clone().unwrap_or_else(framemark::data::default_root)
}

fn check_dir(p: &Path, what: &str) -> Result<()> {
    anyhow::ensure!(p.is_dir(), "{what} {} not found (use --data to point elsewhere)", p.display());
    Ok(())
}
