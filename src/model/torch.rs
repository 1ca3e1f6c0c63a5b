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
use crate::text::layout::LAYOUT_FEATURES;

/// Encoder + heads on libtorch.
pub struct TorchModel {
    vs: nn::VarStore,
    bert: BertModel<BertEmbeddings>,
    sentence: nn::Linear,
    token: nn::Linear,
    content: Option<nn::Linear>,
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
        let content = (!spec.content_labels.is_empty()).then(|| {
            let inputs = hidden + LAYOUT_FEATURES as i64;
            nn::linear(&heads / "content", inputs, spec.content_labels.len() as i64, Default::default())
        });
        TorchModel { vs, bert, sentence, token, content, dropout: config.hidden_dropout_prob, device }
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

    /// Token hidden states and the pooled unit (before dropout).
    fn encode(&self, batch: &Batch, train: bool) -> Result<(Tensor, Tensor)> {
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
        Ok((hidden, pooled))
    }

    /// Sentence, token and content logits (content: `[batch, 0]` without a content head).
    fn logits(&self, batch: &Batch, train: bool) -> Result<(Tensor, Tensor, Tensor)> {
        let (hidden, pooled) = self.encode(batch, train)?;
        let pooled = pooled.dropout(self.dropout, train);
        let hidden = hidden.dropout(self.dropout, train);
        let b = batch.layout.nrows() as i64;
        let content = match &self.content {
            None => Tensor::zeros([b, 0], (Kind::Float, self.device)),
            Some(head) => {
                let layout = from_array2(&batch.layout, self.device);
                head.forward(&Tensor::cat(&[&pooled, &layout], 1))
            }
        };
        Ok((self.sentence.forward(&pooled), self.token.forward(&hidden), content))
    }
}

impl TorchModel {
    /// What the content head reads for each unit of a batch: the pooled unit and its layout
    /// features, `[batch, hidden + LAYOUT_FEATURES]` (inference mode, no gradient).
    pub fn content_inputs(&self, batch: &Batch) -> Result<Tensor> {
        let (_, pooled) = tch::no_grad(|| self.encode(batch, false))?;
        Ok(Tensor::cat(&[&pooled, &from_array2(&batch.layout, self.device)], 1))
    }

    /// Trains the content head alone on fixed inputs `x` (rows of [`Self::content_inputs`]) with
    /// masked BCE against `targets`/`mask` (`[rows, content_labels]`): the encoder and the framing
    /// heads are frozen, so every framing output stays exactly as it was. AdamW, shuffled
    /// minibatches of `batch_size` rows, `epochs` passes; returns the mean loss of each pass.
    #[allow(clippy::too_many_arguments)]
    pub fn fit_content_head(
        &mut self,
        x: &Tensor,
        targets: &Array2<f32>,
        mask: &Array2<f32>,
        epochs: usize,
        batch_size: i64,
        lr: f64,
        seed: u64,
    ) -> Result<Vec<f64>> {
        let head = self.content.as_ref().ok_or_else(|| Error::Model {
            path: "torch".into(),
            reason: "the model has no content head".into(),
        })?;
        tch::manual_seed(seed as i64);
        self.vs.freeze();
        let mut head_vars = vec![head.ws.shallow_clone()];
        head_vars.extend(head.bs.as_ref().map(Tensor::shallow_clone));
        for v in &mut head_vars {
            let _ = v.requires_grad_(true);
        }
        // Frozen variables have no gradient, and the optimizer skips them.
        let mut opt = nn::AdamW::default().build(&self.vs, lr)?;
        let (y, m) = (from_array2(targets, self.device), from_array2(mask, self.device));
        let rows = x.size()[0];
        let mut losses = Vec::with_capacity(epochs);
        for _ in 0..epochs {
            let perm = Tensor::randperm(rows, (Kind::Int64, self.device));
            let (mut sum, mut n) = (0.0, 0);
            let mut start = 0;
            while start < rows {
                let idx = perm.narrow(0, start, batch_size.min(rows - start));
                let logits = head.forward(&x.index_select(0, &idx));
                let loss = masked_bce(&logits, &y.index_select(0, &idx), &m.index_select(0, &idx));
                opt.backward_step(&loss);
                sum += loss.double_value(&[]);
                n += 1;
                start += batch_size;
            }
            losses.push(sum / n.max(1) as f64);
        }
        self.vs.unfreeze();
        Ok(losses)
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
        let (sentence, tokens, content) = tch::no_grad(|| self.logits(batch, false))?;
        Ok(Outputs {
            sentence: to_array2(&sentence.sigmoid())?,
            tokens: to_array3(&tokens.sigmoid())?,
            content: to_array2(&content.sigmoid())?,
        })
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
    /// `[batch, content_labels]` 0/1.
    pub content: Array2<f32>,
    /// `[batch, content_labels]` 1 where known.
    pub content_mask: Array2<f32>,
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

    /// One optimisation step at learning rate `lr`; returns the sentence, token and content losses.
    pub fn step(&mut self, batch: &Batch, targets: &Targets, lr: f64) -> Result<[f32; 3]> {
        let d = self.model.device;
        let (sent, tok, content) = self.model.logits(batch, true)?;
        let ls = masked_bce(&sent, &from_array2(&targets.sentence, d), &from_array2(&targets.sentence_mask, d));
        let lt = masked_bce(&tok, &from_array3(&targets.tokens, d), &from_array3(&targets.token_mask, d));
        let lc = if targets.content.ncols() > 0 {
            masked_bce(&content, &from_array2(&targets.content, d), &from_array2(&targets.content_mask, d))
        } else {
            Tensor::zeros([], (Kind::Float, d))
        };
        let loss = &ls + &lt * self.token_weight + &lc;
        self.opt.set_lr(lr);
        self.opt.backward_step_clip_norm(&loss, 1.0);
        Ok([ls.double_value(&[]) as f32, lt.double_value(&[]) as f32, lc.double_value(&[]) as f32])
    }
}
