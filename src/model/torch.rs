//! The rust-bert/tch backend (feature `torch`): the same encoder and heads as [`super::candle`], on
//! libtorch. It serves GPU inference and it is what training runs on (libtorch's kernels are about
//! 3.6x faster than candle's here, and candle's `layer_norm` has no backward pass).
//!
//! Variable names match the safetensors layout exactly (rust-bert's BERT uses the Hugging Face
//! names; heads live under `heads.*`), so one file serves both backends.

use std::path::Path;

use ndarray::{Array2, Array3};
use rust_bert::bert::{BertConfig, BertEmbeddings, BertModel};
use tch::{nn, nn::Module, nn::OptimizerConfig, Device, Kind, Reduction, Tensor};

use super::{Backend, Batch, ModelDir, ModelSpec, Outputs};
use crate::error::{Error, Result};

/// Encoder + heads on libtorch.
pub struct TorchModel {
    vs: nn::VarStore,
    bert: BertModel<BertEmbeddings>,
    sentence: nn::Linear,
    token: nn::Linear,
    dropout: f64,
    device: Device,
}

fn read_config(path: &Path) -> Result<BertConfig> {
    let raw = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_str(&raw).map_err(|e| Error::Model { path: path.into(), reason: e.to_string() })
}

impl TorchModel {
    fn build(config: &BertConfig, spec: &ModelSpec, device: Device) -> Self {
        let vs = nn::VarStore::new(device);
        let root = vs.root();
        let bert = BertModel::<BertEmbeddings>::new_with_optional_pooler(&root, config, false);
        let hidden = config.hidden_size;
        let heads = &root / "heads";
        let sentence = nn::linear(&heads / "sentence", hidden, spec.sentence_labels.len() as i64, Default::default());
        let token = nn::linear(&heads / "token", hidden, spec.token_labels.len() as i64, Default::default());
        TorchModel { vs, bert, sentence, token, dropout: config.hidden_dropout_prob, device }
    }

    /// Loads a complete framemark model directory.
    pub fn load(dir: &ModelDir, device: Device) -> Result<Self> {
        let config = read_config(&dir.config())?;
        let mut model = Self::build(&config, &dir.spec, device);
        model.vs.load(dir.weights())?;
        // Loading adopts the file's precision (fp16 for shipped models); compute in f32.
        model.vs.float();
        Ok(model)
    }

    /// A fresh model for training: encoder weights from a base model directory (its `config.json` and
    /// `model.safetensors`), heads initialised from `seed`.
    pub fn from_base(base: &Path, spec: &ModelSpec, device: Device, seed: u64) -> Result<Self> {
        tch::manual_seed(seed as i64);
        let config = read_config(&base.join("config.json"))?;
        let mut model = Self::build(&config, spec, device);
        let missing = model.vs.load_partial(base.join("model.safetensors"))?;
        model.vs.float();
        if let Some(m) = missing.iter().find(|m| !m.starts_with("heads.")) {
            return Err(Error::Model { path: base.into(), reason: format!("base weights lack {m}") });
        }
        Ok(model)
    }

    /// Writes every variable as fp16 safetensors.
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut vars: Vec<(String, Tensor)> =
            self.vs.variables().into_iter().map(|(k, v)| (k, v.to_kind(Kind::Half))).collect();
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        Tensor::write_safetensors(&vars, path)?;
        Ok(())
    }

    fn tensor(&self, a: &Array2<u32>) -> Tensor {
        let (b, s) = a.dim();
        let v: Vec<i64> = a.iter().map(|&x| x as i64).collect();
        Tensor::from_slice(&v).view([b as i64, s as i64]).to(self.device)
    }

    /// Sentence and token logits.
    fn logits(&self, batch: &Batch, train: bool) -> Result<(Tensor, Tensor)> {
        let ids = self.tensor(&batch.input_ids);
        let mask = self.tensor(&batch.attention_mask);
        let type_ids = self.tensor(&batch.token_type_ids);
        let out = self
            .bert
            .forward_t(Some(&ids), Some(&mask), Some(&type_ids), None, None, None, None, train)
            .map_err(|e| Error::Model { path: "torch".into(), reason: e.to_string() })?;
        let hidden = out.hidden_state;
        // Pool the unit's own tokens only (see candle.rs).
        let maskf = self.tensor(&batch.pool_mask()).to_kind(Kind::Float).unsqueeze(-1);
        let pooled = (&hidden * &maskf).sum_dim_intlist([1i64].as_slice(), false, Kind::Float)
            / maskf.sum_dim_intlist([1i64].as_slice(), false, Kind::Float);
        let pooled = pooled.dropout(self.dropout, train);
        let hidden = hidden.dropout(self.dropout, train);
        Ok((self.sentence.forward(&pooled), self.token.forward(&hidden)))
    }
}

fn to_array2(t: &Tensor) -> Result<Array2<f32>> {
    let t = t.to_device(Device::Cpu).to_kind(Kind::Float).contiguous();
    let shape = t.size();
    let v: Vec<f32> = Vec::<f32>::try_from(t.flatten(0, -1))?;
    Array2::from_shape_vec((shape[0] as usize, shape[1] as usize), v)
        .map_err(|e| Error::Model { path: "torch".into(), reason: e.to_string() })
}

fn to_array3(t: &Tensor) -> Result<Array3<f32>> {
    let t = t.to_device(Device::Cpu).to_kind(Kind::Float).contiguous();
    let shape = t.size();
    let v: Vec<f32> = Vec::<f32>::try_from(t.flatten(0, -1))?;
    Array3::from_shape_vec((shape[0] as usize, shape[1] as usize, shape[2] as usize), v)
        .map_err(|e| Error::Model { path: "torch".into(), reason: e.to_string() })
}

fn from_array2(a: &Array2<f32>, device: Device) -> Tensor {
    let (r, c) = a.dim();
    Tensor::from_slice(&a.iter().copied().collect::<Vec<_>>()).view([r as i64, c as i64]).to(device)
}

fn from_array3(a: &Array3<f32>, device: Device) -> Tensor {
    let (x, y, z) = a.dim();
    Tensor::from_slice(&a.iter().copied().collect::<Vec<_>>()).view([x as i64, y as i64, z as i64]).to(device)
}

impl Backend for TorchModel {
    fn forward(&self, batch: &Batch) -> Result<Outputs> {
        let (sentence, tokens) = tch::no_grad(|| self.logits(batch, false))?;
        Ok(Outputs { sentence: to_array2(&sentence.sigmoid())?, tokens: to_array3(&tokens.sigmoid())? })
    }
}

/// Training targets for one batch. A mask of 0 means "no label": that output gets no loss for that
/// example (multi-task with masked losses — an example only trains the heads it has labels for).
#[derive(Debug, Clone)]
pub struct Targets {
    /// `[batch, sentence_labels]` 0/1.
    pub sentence: Array2<f32>,
    /// `[batch, sentence_labels]` 1 where the target is known.
    pub sentence_mask: Array2<f32>,
    /// `[batch, seq, token_labels]` 0/1.
    pub tokens: Array3<f32>,
    /// `[batch, seq, token_labels]` 1 where known (and the token is real).
    pub token_mask: Array3<f32>,
}

/// AdamW over all weights, one step per batch.
pub struct Trainer {
    /// The model being trained.
    pub model: TorchModel,
    opt: nn::Optimizer,
    /// Weight of the token (evidence) loss relative to the sentence loss.
    pub token_weight: f64,
}

fn masked_bce(logits: &Tensor, target: &Tensor, mask: &Tensor) -> Tensor {
    let l = logits.binary_cross_entropy_with_logits::<Tensor>(target, None, None, Reduction::None);
    (l * mask).sum(Kind::Float) / mask.sum(Kind::Float).clamp_min(1.0)
}

impl Trainer {
    /// An AdamW trainer (weight decay 0.01) at learning rate `lr`.
    pub fn new(model: TorchModel, lr: f64, token_weight: f64) -> Result<Self> {
        let opt = nn::AdamW::default().build(&model.vs, lr)?;
        Ok(Trainer { model, opt, token_weight })
    }

    /// One optimisation step at learning rate `lr`; returns (sentence loss, token loss).
    pub fn step(&mut self, batch: &Batch, targets: &Targets, lr: f64) -> Result<(f32, f32)> {
        let d = self.model.device;
        let (sent, tok) = self.model.logits(batch, true)?;
        let ls = masked_bce(&sent, &from_array2(&targets.sentence, d), &from_array2(&targets.sentence_mask, d));
        let lt = masked_bce(&tok, &from_array3(&targets.tokens, d), &from_array3(&targets.token_mask, d));
        let loss = &ls + &lt * self.token_weight;
        self.opt.set_lr(lr);
        self.opt.backward_step_clip_norm(&loss, 1.0);
        Ok((ls.double_value(&[]) as f32, lt.double_value(&[]) as f32))
    }
}
