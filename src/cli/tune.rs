//! `framemark tune-filler`: chooses the HTML filler thresholds of a model on the HTML dev sets
//! (framemark::eval::tune) and, with `--write`, stores them in its thresholds.toml.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::{check_dir, data_root, ModelArgs};

/// Arguments of `framemark tune-filler`.
#[derive(Debug, clap::Args)]
pub struct TuneArgs {
    /// Data root holding the datasets. Default: $FRAMEMARK_DATA, else ../shared/data.
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Write `filler_html` and `filler_html_kept` into the model's thresholds.toml.
    #[arg(long)]
    write: bool,
    /// Print the result as one JSON object instead of lines.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    model: ModelArgs,
}

pub fn run(args: TuneArgs) -> Result<ExitCode> {
    let root = data_root(&args.data);
    check_dir(&root, "data root")?;
    let clf = args.model.classifier()?;
    let t = framemark::eval::tune::tune_html_filler(&root, &clf, None).context("tuning the HTML filler thresholds")?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &t)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{}: L3S-GN1 dev ({} pages, line F1) and Dragnet dev ({} pages, extraction F1)", t.model, t.l3s_dev_pages, t.dragnet_dev_pages)?;
        for (name, s) in [("current", t.before), ("best", t.best)] {
            writeln!(
                out,
                "{name:>8}: filler_html {:.2}, filler_html_kept {:.2}: L3S dev {:.4}, Dragnet dev {:.4}, mean {:.4}",
                s.filler_html, s.filler_html_kept, s.l3s_dev, s.dragnet_dev, s.mean
            )?;
        }
    }
    if args.write {
        let dir = args.model.model_dir();
        let path = dir.join("thresholds.toml");
        let old = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        // The thresholds as loaded, without --threshold overrides, plus the two new ones.
        let mut th = framemark::decide::Thresholds::load(&path)?;
        th.filler_html = Some(t.best.filler_html);
        th.filler_html_kept = Some(t.best.filler_html_kept);
        let header: String = old.lines().take_while(|l| l.starts_with('#')).filter(|l| !l.starts_with("# filler_html")).map(|l| format!("{l}\n")).collect();
        let note = t.note() + "\n";
        std::fs::write(&path, header + &note + &th.to_toml()).with_context(|| format!("writing {}", path.display()))?;
        writeln!(out, "written to {}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
