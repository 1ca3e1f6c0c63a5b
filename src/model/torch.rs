//! The rust-bert/tch backend (feature `torch`): the same encoder and heads as [`super::candle`], on
//! libtorch. It serves GPU inference and it is what training runs on (libtorch's kernels are about
//! 3.6x faster than candle's here, and candle's `layer_norm` has no backward pass).
//!
//! Variable names match the safetensors layout exactly (rust-bert's BERT uses the Hugging Face
//! names; heads live under `heads.*`), so one file serves both backends.

use std::path::Path;

use ndarray::{Array2, Array3};
use rust_bert::bert::{BertConfig, BertEmbeddings, BertModel};
use tch::{nn, nn::Module, nn::OptimizerConfig, nn::RNN, Device, Kind, Reduction, Tensor};

use super::{content_member, Backend, Batch, DocOutputs, ModelDir, ModelSpec, Outputs};
use crate::error::{Error, Result};

/// Encoder + heads on libtorch.
pub struct TorchModel {
    vs: nn::VarStore,
    bert: BertModel<BertEmbeddings>,
    sentence: nn::Linear,
    token: nn::Linear,
    /// The content layers ([`ModelSpec::content_members`]; none without a content head).
    content: Vec<DocHead>,
    claim: Option<DocHead>,
    claim_token: Option<nn::Linear>,
    dropout: f64,
    device: Device,
    /// How many content layers the var store was built with (see [`Self::keep_content_layers`]).
    content_built: usize,
    /// Layout features the document heads read ([`ModelSpec::layout_features`]: the first that many
    /// of each unit's).
    layout_n: usize,
}

/// A document-level head (see candle.rs): linear over each unit's features, next to the outputs of
/// a GRU run forwards and one run backwards over the document's units, when it has them. The two
/// directions are separate unidirectional GRUs (`<name>_rnn.fwd`, `<name>_rnn.bwd`) so that a
/// padded batch of documents can run the backward one over each document reversed: padding then
/// always comes after a document's last unit and never reaches its outputs.
struct DocHead {
    linear: nn::Linear,
    rnn: Option<[nn::GRU; 2]>,
    /// `heads.<name>`: the prefix of its variables.
    name: String,
}

impl DocHead {
    fn new(heads: &nn::Path, name: &str, features: i64, rnn_hidden: i64, outputs: i64) -> Self {
        let linear = nn::linear(heads / name, features + 2 * rnn_hidden, outputs, Default::default());
        let rnn = (rnn_hidden > 0).then(|| {
            let c = || nn::RNNConfig { batch_first: true, ..Default::default() };
            let path = heads / format!("{name}_rnn");
            [nn::gru(&path / "fwd", features, rnn_hidden, c()), nn::gru(&path / "bwd", features, rnn_hidden, c())]
        });
        DocHead { linear, rnn, name: format!("heads.{name}") }
    }

    /// Whether the variable `var` belongs to the head named `name` (`heads.<name>`).
    fn owns(name: &str, var: &str) -> bool {
        var.strip_prefix(name).is_some_and(|rest| rest.starts_with('.') || rest.starts_with("_rnn."))
    }

    /// Logits `[units, outputs]` of one document's unit features `x`, in order.
    fn forward(&self, x: &Tensor) -> Tensor {
        self.forward_batch(&[x]).pop().expect("one document in, one out")
    }

    /// [`Self::forward`] for several documents at once (one padded batch through each GRU).
    fn forward_batch(&self, docs: &[&Tensor]) -> Vec<Tensor> {
        let Some([fwd, bwd]) = &self.rnn else {
            return docs.iter().map(|x| self.linear.forward(x)).collect();
        };
        let lens: Vec<i64> = docs.iter().map(|x| x.size()[0]).collect();
        let longest = lens.iter().copied().max().unwrap_or(0);
        let pad = |x: &Tensor| {
            let n = x.size()[0];
            if n == longest {
                x.shallow_clone()
            } else {
                Tensor::cat(&[x, &x.new_zeros([longest - n, x.size()[1]], (x.kind(), x.device()))], 0)
            }
        };
        let forward_in = Tensor::stack(&docs.iter().map(|x| pad(x)).collect::<Vec<_>>(), 0);
        let backward_in = Tensor::stack(&docs.iter().map(|x| pad(&x.flip([0]))).collect::<Vec<_>>(), 0);
        let (f, _) = fwd.seq(&forward_in);
        let (b, _) = bwd.seq(&backward_in);
        docs.iter()
            .zip(&lens)
            .enumerate()
            .map(|(i, (x, &n))| {
                let f = f.get(i as i64).narrow(0, 0, n);
                let b = b.get(i as i64).narrow(0, 0, n).flip([0]);
                self.linear.forward(&Tensor::cat(&[*x, &f, &b], 1))
            })
            .collect()
    }
}

/// Which document-level head a training call is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocHeadKind {
    /// `heads.content` (+ `heads.content_rnn`).
    Content,
    /// `heads.claim` (+ `heads.claim_rnn`).
    Claim,
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
        let features = hidden + spec.layout_features as i64;
        let content = match spec.content_labels.len() as i64 {
            0 => Vec::new(),
            n => (0..spec.content_members)
                .map(|k| DocHead::new(&heads, &content_member(k), features, spec.content_rnn as i64, n))
                .collect(),
        };
        let claim = (!spec.claim_labels.is_empty())
            .then(|| DocHead::new(&heads, "claim", features, spec.claim_rnn as i64, spec.claim_labels.len() as i64));
        let claim_token = (!spec.claim_labels.is_empty())
            .then(|| nn::linear(&heads / "claim_token", hidden, spec.claim_token_labels.len() as i64, Default::default()));
        TorchModel {
            vs,
            bert,
            sentence,
            token,
            content_built: content.len(),
            content,
            claim,
            claim_token,
            dropout: config.hidden_dropout_prob,
            device,
            layout_n: spec.layout_features,
        }
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
        let model = Self::build(&config, spec, device);
        let weights = base.join("model.safetensors");
        let mut vars = model.vs.variables();
        // Encoder weights only: heads always start fresh (a framemark model used as a base may have
        // heads of other shapes).
        for (name, t) in Tensor::read_safetensors(&weights)? {
            if name.starts_with("heads.") {
                continue;
            }
            if let Some(mut v) = vars.remove(&name) {
                tch::no_grad(|| v.f_copy_(&t.to_kind(Kind::Float).to_device(device)))?;
            }
        }
        if let Some(m) = vars.keys().find(|m| !m.starts_with("heads.")) {
            return Err(Error::Model { path: base.into(), reason: format!("base weights lack {m}") });
        }
        Ok(model)
    }

    /// A model for `train --init`: the encoder from the framemark model in `dir`, and each head weight
    /// of the same name and shape there too (a framing model's heads); the rest (new heads, or heads
    /// of another shape) start from `seed`. Continuing from a trained model keeps what it learned
    /// while new tasks join, where starting again from the base dilutes it.
    pub fn warm_start(dir: &ModelDir, spec: &ModelSpec, device: Device, seed: u64) -> Result<Self> {
        tch::manual_seed(seed as i64);
        let config = read_config(&dir.config())?;
        let model = Self::build(&config, spec, device);
        let mut vars = model.vs.variables();
        for (name, t) in Tensor::read_safetensors(dir.weights())? {
            let Some(mut v) = vars.remove(&name) else { continue };
            if v.size() == t.size() {
                tch::no_grad(|| v.f_copy_(&t.to_kind(Kind::Float).to_device(device)))?;
            } else if !name.starts_with("heads.") {
                return Err(Error::Model { path: dir.weights(), reason: format!("{name} has another shape") });
            }
        }
        if let Some(m) = vars.keys().find(|m| !m.starts_with("heads.")) {
            return Err(Error::Model { path: dir.weights(), reason: format!("the model lacks {m}") });
        }
        Ok(model)
    }

    /// A model for `train --from`: every weight of the framemark model in `dir` except those of the
    /// head being trained anew (names starting with `fresh`, e.g. `heads.content`; it may have
    /// another shape), which start from `seed`.
    pub fn from_model_except(dir: &ModelDir, spec: &ModelSpec, device: Device, seed: u64, fresh: &str) -> Result<Self> {
        tch::manual_seed(seed as i64);
        let config = read_config(&dir.config())?;
        let model = Self::build(&config, spec, device);
        let mut vars = model.vs.variables();
        for (name, t) in Tensor::read_safetensors(dir.weights())? {
            if name.starts_with(fresh) {
                continue;
            }
            let mut v = vars.remove(&name).ok_or_else(|| Error::Model { path: dir.weights(), reason: format!("unexpected weight {name}") })?;
            tch::no_grad(|| v.f_copy_(&t.to_kind(Kind::Float).to_device(device)))?;
        }
        if let Some(m) = vars.keys().find(|m| !m.starts_with(fresh)) {
            return Err(Error::Model { path: dir.weights(), reason: format!("the model lacks {m}") });
        }
        Ok(model)
    }

    /// Mixes in another model's weights (`path`, safetensors): every variable of the same name and
    /// shape, except those whose names start with one of `skip`, becomes `alpha * own + (1 - alpha) *
    /// other`. Returns how many were mixed. Two fine-tunes of the same base interpolate well (the
    /// "model soup" / WiSE-FT observation), which trades one's gains against the other's.
    pub fn blend(&mut self, path: &Path, alpha: f64, skip: &[&str]) -> Result<usize> {
        let mut vars = self.vs.variables();
        let mut n = 0;
        for (name, t) in Tensor::read_safetensors(path)? {
            if skip.iter().any(|s| name.starts_with(s)) {
                continue;
            }
            let Some(v) = vars.get_mut(&name) else { continue };
            if v.size() != t.size() {
                continue;
            }
            let other = t.to_kind(Kind::Float).to_device(self.device);
            tch::no_grad(|| {
                let mixed = &*v * alpha + other * (1.0 - alpha);
                v.f_copy_(&mixed)
            })?;
            n += 1;
        }
        Ok(n)
    }

    /// Sets content layer `k` to layer `j` of the finished model `src`, which must hold the same
    /// weights as this model outside its content layers (trained `--from` the same model), or
    /// its layers would read other unit features than they were trained on.
    pub fn load_content_layer(&mut self, k: usize, src: &ModelDir, j: usize) -> Result<()> {
        let bad = |reason: String| Error::Model { path: src.weights(), reason };
        let dst = self.content.get(k).ok_or_else(|| bad(format!("this model has no content layer {k}")))?.name.clone();
        let from = format!("heads.{}", content_member(j));
        let vars = self.vs.variables();
        let mut copied = 0;
        for (name, t) in Tensor::read_safetensors(src.weights())? {
            let t = t.to_kind(Kind::Float).to_device(self.device);
            if DocHead::owns(&from, &name) {
                let target = format!("{dst}{}", &name[from.len()..]);
                let mut v = vars.get(&target).ok_or_else(|| bad(format!("no variable {target} here")))?.shallow_clone();
                if v.size() != t.size() {
                    return Err(bad(format!("{name} has another shape than {target}")));
                }
                tch::no_grad(|| v.f_copy_(&t))?;
                copied += 1;
            } else if !name.starts_with("heads.content") {
                let same = vars.get(&name).is_some_and(|v| v.size() == t.size() && v.equal(&t));
                if !same {
                    return Err(bad(format!("{name} differs from this model's: not trained from the same model")));
                }
            }
        }
        if copied == 0 {
            return Err(bad(format!("no content layer {j}")));
        }
        Ok(())
    }

    /// Writes every variable as fp16 safetensors (but those of content layers dropped by
    /// [`Self::keep_content_layers`], which the var store still holds).
    pub fn save(&self, path: &Path) -> Result<()> {
        let dropped: Vec<String> = (self.content.len()..self.content_built).map(|k| format!("heads.{}", content_member(k))).collect();
        let mut vars: Vec<(String, Tensor)> = self
            .vs
            .variables()
            .into_iter()
            .filter(|(k, _)| !dropped.iter().any(|d| DocHead::owns(d, k)))
            .map(|(k, v)| (k, v.to_kind(Kind::Half)))
            .collect();
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

    /// Every logit joint training has targets for. Content and claim logits are `[batch, 0]` (claim
    /// tokens `[batch, seq, 0]`) when the model lacks that head.
    fn logits(&self, batch: &Batch, train: bool) -> Result<Logits> {
        let (hidden, pooled) = self.encode(batch, train)?;
        let pooled = pooled.dropout(self.dropout, train);
        let hidden = hidden.dropout(self.dropout, train);
        let (b, seq) = (batch.layout.nrows() as i64, hidden.size()[1]);
        let features = Tensor::cat(&[&pooled, &self.layout(batch)], 1);
        // Joint training sees units, not documents: only document heads without a GRU train here.
        let unit_head = |head: Option<&DocHead>| match head {
            Some(head) if head.rnn.is_none() => head.forward(&features),
            _ => Tensor::zeros([b, 0], (Kind::Float, self.device)),
        };
        let claim_tokens = match &self.claim_token {
            Some(head) => head.forward(&hidden),
            None => Tensor::zeros([b, seq, 0], (Kind::Float, self.device)),
        };
        Ok(Logits {
            sentence: self.sentence.forward(&pooled),
            tokens: self.token.forward(&hidden),
            // Joint training builds a single content layer.
            content: unit_head(self.content.first()),
            claim: unit_head(self.claim.as_ref()),
            claim_tokens,
        })
    }

}

impl TorchModel {
    /// What the document-level heads read for each unit of a batch: the pooled unit and its layout
    /// features, `[batch, hidden + LAYOUT_FEATURES]` (inference mode, no gradient).
    pub fn content_inputs(&self, batch: &Batch) -> Result<Tensor> {
        let (_, pooled) = tch::no_grad(|| self.encode(batch, false))?;
        Ok(Tensor::cat(&[&pooled, &self.layout(batch)], 1))
    }

    /// Unit features (as [`Self::content_inputs`]) and every token's hidden state `[batch, seq,
    /// hidden]`, for training the claim heads on a frozen encoder.
    pub fn claim_inputs(&self, batch: &Batch) -> Result<(Tensor, Tensor)> {
        let (hidden, pooled) = tch::no_grad(|| self.encode(batch, false))?;
        Ok((Tensor::cat(&[&pooled, &self.layout(batch)], 1), hidden))
    }

    /// A document made of units of other documents: `parts` are (content features of a document,
    /// rows of [`Self::content_inputs`], and the units taken from it, in order). Their encoder
    /// part is reused as it is (a unit is encoded alone, so it does not depend on the other
    /// units); `layout` (`[units, LAYOUT_FEATURES]`, computed for the new document) replaces their
    /// layout part.
    pub fn compose(&self, parts: &[(&Tensor, &[usize])], layout: &Array2<f32>) -> Tensor {
        let encoder: Vec<Tensor> = parts
            .iter()
            .map(|(x, rows)| {
                let idx = Tensor::from_slice(&rows.iter().map(|&r| r as i64).collect::<Vec<_>>()).to_device(x.device());
                x.index_select(0, &idx).narrow(1, 0, x.size()[1] - self.layout_n as i64)
            })
            .collect();
        let layout = from_array2(&layout.slice(ndarray::s![.., ..self.layout_n]).to_owned(), self.device);
        Tensor::cat(&[Tensor::cat(&encoder, 0), layout], 1)
    }

    /// Trains the content layer (GRU and head) alone on fixed inputs: `docs` holds each document's
    /// content features (rows of [`Self::content_inputs`], in unit order) with its targets and mask
    /// (`[units, content_labels]`, masked BCE). The encoder and the framing heads are frozen, so every
    /// framing output stays exactly as it was. AdamW, one step per batch of `docs_per_step`
    /// documents of similar length, `epochs` passes; returns the mean loss of each pass.
    /// `hide_last = Some((n, p))` zeroes the last `n` features of a document (all its units) with
    /// probability `p`, drawn anew each pass (the content layer's markup features). `member` picks
    /// the content layer ([`ModelSpec::content_members`]; 0 for the claim layer).
    #[allow(clippy::too_many_arguments)]
    pub fn fit_document_head(
        &mut self,
        which: DocHeadKind,
        member: usize,
        docs: &[(Tensor, Array2<f32>, Array2<f32>)],
        epochs: usize,
        docs_per_step: usize,
        lr: f64,
        seed: u64,
        hide_last: Option<(i64, f64)>,
        decay: bool,
    ) -> Result<Vec<f64>> {
        let head = match which {
            DocHeadKind::Content => self.content.get(member),
            DocHeadKind::Claim => self.claim.as_ref().filter(|_| member == 0),
        }
        .ok_or_else(|| Error::Model { path: "torch".into(), reason: format!("the model has no {which:?} head") })?;
        tch::manual_seed(seed as i64);
        self.vs.freeze();
        let (own, rnn) = (format!("{}.", head.name), format!("{}_rnn.", head.name));
        let mut vars: Vec<Tensor> =
            self.vs.variables().into_iter().filter(|(k, _)| k.starts_with(&own) || k.starts_with(&rnn)).map(|(_, v)| v).collect();
        for v in &mut vars {
            let _ = v.requires_grad_(true);
        }
        // Frozen variables have no gradient, and the optimizer skips them.
        let mut opt = nn::AdamW::default().build(&self.vs, lr)?;
        let targets: Vec<(Tensor, Tensor)> =
            docs.iter().map(|(_, y, m)| (from_array2(y, self.device), from_array2(m, self.device))).collect();
        // A GRU over one document is a long chain of tiny ops: with more than one thread, libtorch
        // spends most of the time synchronising them.
        let threads = tch::get_num_threads();
        tch::set_num_threads(1);
        // Documents of similar length go in one padded batch (fewer, larger GRU steps); the batches
        // are fixed and their order is shuffled every pass.
        let mut by_len: Vec<usize> = (0..docs.len()).collect();
        by_len.sort_by_key(|&d| docs[d].0.size()[0]);
        let groups: Vec<&[usize]> = by_len.chunks(docs_per_step.max(1)).collect();
        let mut losses = Vec::with_capacity(epochs);
        let total_steps = (epochs * groups.len()).max(1);
        let mut step = 0;
        for _ in 0..epochs {
            let perm = Vec::<i64>::try_from(Tensor::randperm(groups.len() as i64, (Kind::Int64, Device::Cpu)))?;
            let (mut sum, mut n) = (0.0, 0);
            for &g in &perm {
                // With `decay` the rate falls along a half cosine to 0 by the last step, so the
                // layer ends at a settled point instead of wherever the noise of a constant rate
                // leaves it (a constant rate's final weights vary a lot from seed to seed).
                if decay {
                    let t = step as f64 / total_steps as f64;
                    opt.set_lr(lr * 0.5 * (1.0 + (std::f64::consts::PI * t).cos()));
                }
                step += 1;
                let group = groups[g as usize];
                let xs: Vec<Tensor> = group
                    .iter()
                    .map(|&d| {
                        let x = docs[d].0.dropout(0.1, true);
                        match hide_last {
                            // Zero the last `n` features of the whole document with probability `p`.
                            Some((n, p)) if Tensor::rand([1], (Kind::Float, Device::Cpu)).double_value(&[0]) < p => {
                                let cols = x.size()[1];
                                let keep = Tensor::cat(
                                    &[Tensor::ones([cols - n], (Kind::Float, x.device())), Tensor::zeros([n], (Kind::Float, x.device()))],
                                    0,
                                );
                                x * keep
                            }
                            _ => x,
                        }
                    })
                    .collect();
                let logits = Tensor::cat(&head.forward_batch(&xs.iter().collect::<Vec<_>>()), 0);
                let y = Tensor::cat(&group.iter().map(|&d| targets[d].0.shallow_clone()).collect::<Vec<_>>(), 0);
                let m = Tensor::cat(&group.iter().map(|&d| targets[d].1.shallow_clone()).collect::<Vec<_>>(), 0);
                let loss = masked_bce(&logits, &y, &m);
                opt.backward_step_clip_norm(&loss, 1.0);
                sum += loss.double_value(&[]);
                n += 1;
            }
            losses.push(sum / n.max(1) as f64);
        }
        tch::set_num_threads(threads);
        self.vs.unfreeze();
        Ok(losses)
    }
}

impl TorchModel {
    /// Trains the claim token head alone on fixed token hidden states `x` (`[tokens, hidden]`)
    /// against `targets` (`[tokens, 2]`: source, cue); everything else frozen. AdamW, shuffled
    /// minibatches of `batch_size` tokens, `epochs` passes; returns the mean loss of each pass.
    pub fn fit_claim_tokens(&mut self, x: &Tensor, targets: &Array2<f32>, epochs: usize, batch_size: i64, lr: f64, seed: u64) -> Result<Vec<f64>> {
        let head = self.claim_token.as_ref().ok_or_else(|| Error::Model { path: "torch".into(), reason: "the model has no claim head".into() })?;
        tch::manual_seed(seed as i64);
        self.vs.freeze();
        let mut vars = vec![head.ws.shallow_clone()];
        vars.extend(head.bs.as_ref().map(Tensor::shallow_clone));
        for v in &mut vars {
            let _ = v.requires_grad_(true);
        }
        let mut opt = nn::AdamW::default().build(&self.vs, lr)?;
        let y = from_array2(targets, self.device);
        let rows = x.size()[0];
        let mut losses = Vec::with_capacity(epochs);
        for _ in 0..epochs {
            let perm = Tensor::randperm(rows, (Kind::Int64, self.device));
            let (mut sum, mut n, mut start) = (0.0, 0, 0);
            while start < rows {
                let idx = perm.narrow(0, start, batch_size.min(rows - start));
                let logits = head.forward(&x.index_select(0, &idx));
                let loss = logits.binary_cross_entropy_with_logits::<Tensor>(&y.index_select(0, &idx), None, None, Reduction::Mean);
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

impl TorchModel {
    /// The batch's layout features this model's document heads read.
    fn layout(&self, batch: &Batch) -> Tensor {
        from_array2(&batch.layout.slice(ndarray::s![.., ..self.layout_n]).to_owned(), self.device)
    }
}

impl TorchModel {
    /// P(each content label) of one content layer alone, for a document's unit features (rows of
    /// [`Backend::forward`]'s `unit_features`), so that training can score each layer on dev.
    pub fn content_layer(&self, k: usize, features: &Array2<f32>) -> Result<Array2<f32>> {
        let head = self.content.get(k).ok_or_else(|| Error::Model { path: "torch".into(), reason: format!("no content layer {k}") })?;
        let x = from_array2(features, self.device);
        to_array2(&tch::no_grad(|| head.forward(&x)).sigmoid())
    }

    /// Keeps the content layers `keep` (indices into the current ones), in that order, as layers
    /// 0, 1, ...: their weights are copied into the first slots and the rest are dropped (and not
    /// saved).
    pub fn keep_content_layers(&mut self, keep: &[usize]) -> Result<()> {
        let n = self.content.len();
        if keep.is_empty() || keep.iter().any(|&k| k >= n) {
            return Err(Error::Model { path: "torch".into(), reason: format!("cannot keep content layers {keep:?} of {n}") });
        }
        let vars = self.vs.variables();
        // Copies first, so that a slot overwritten early is still read as it was.
        let mut moves = Vec::new();
        for (to, &from) in keep.iter().enumerate() {
            let (src, dst) = (&self.content[from].name, &self.content[to].name);
            for (name, v) in &vars {
                if DocHead::owns(src, name) {
                    let target = format!("{dst}{}", &name[src.len()..]);
                    let t = vars.get(&target).ok_or_else(|| Error::Model { path: "torch".into(), reason: format!("no variable {target}") })?;
                    moves.push((t.shallow_clone(), v.detach().copy()));
                }
            }
        }
        tch::no_grad(|| {
            for (mut t, v) in moves {
                t.copy_(&v);
            }
        });
        self.content.truncate(keep.len());
        Ok(())
    }
}

impl Backend for TorchModel {
    fn forward(&self, batch: &Batch) -> Result<Outputs> {
        let (sentence, tokens, features) = tch::no_grad(|| -> Result<_> {
            let (hidden, pooled) = self.encode(batch, false)?;
            let b = batch.layout.nrows() as i64;
            let features = match !self.content.is_empty() || self.claim.is_some() {
                false => Tensor::zeros([b, 0], (Kind::Float, self.device)),
                true => Tensor::cat(&[&pooled, &self.layout(batch)], 1),
            };
            let claim_tokens = match &self.claim_token {
                None => Tensor::zeros([b, hidden.size()[1], 0], (Kind::Float, self.device)),
                Some(head) => head.forward(&hidden).sigmoid(),
            };
            Ok((self.sentence.forward(&pooled), self.token.forward(&hidden), (features, claim_tokens)))
        })?;
        Ok(Outputs {
            sentence: to_array2(&sentence.sigmoid())?,
            tokens: to_array3(&tokens.sigmoid())?,
            unit_features: to_array2(&features.0)?,
            claim_tokens: to_array3(&features.1)?,
        })
    }

    fn document(&self, features: &Array2<f32>) -> Result<DocOutputs> {
        let x = from_array2(features, self.device);
        let n = features.nrows() as i64;
        let run = |head: &Option<DocHead>| match head {
            None => Ok(Array2::zeros((n as usize, 0))),
            Some(h) => to_array2(&tch::no_grad(|| h.forward(&x)).sigmoid()),
        };
        let content = match self.content.len() {
            0 => Array2::zeros((n as usize, 0)),
            // The layers' mean probability.
            k => to_array2(&tch::no_grad(|| {
                self.content.iter().map(|h| h.forward(&x).sigmoid()).reduce(|a, b| a + b).expect("k > 0") / k as f64
            }))?,
        };
        Ok(DocOutputs { content, claim: run(&self.claim)? })
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
    /// `[batch, claim_labels]` 0/1 (`[batch, 0]` for a model without a claim head).
    pub claim: Array2<f32>,
    /// `[batch, claim_labels]` 1 where known.
    pub claim_mask: Array2<f32>,
    /// `[batch, seq, claim_token_labels]` 0/1.
    pub claim_tokens: Array3<f32>,
    /// `[batch, seq, claim_token_labels]` 1 where known (and the token is real).
    pub claim_token_mask: Array3<f32>,
}

/// The logits of one training batch (see [`TorchModel::logits`]).
struct Logits {
    sentence: Tensor,
    tokens: Tensor,
    content: Tensor,
    claim: Tensor,
    claim_tokens: Tensor,
}

/// AdamW over all weights, one step per batch.
pub struct Trainer {
    /// The model being trained.
    pub model: TorchModel,
    opt: nn::Optimizer,
    /// Weight of the token (evidence) loss relative to the sentence loss.
    pub token_weight: f64,
    /// A frozen model whose framing probabilities the trained model is held to, and the weight of
    /// that loss (learning without forgetting: claim examples carry no framing labels, so without it
    /// nothing stops the encoder from drifting away from what the framing heads read).
    pub teacher: Option<(TorchModel, f64)>,
}

fn masked_bce(logits: &Tensor, target: &Tensor, mask: &Tensor) -> Tensor {
    let l = logits.binary_cross_entropy_with_logits::<Tensor>(target, None, None, Reduction::None);
    (l * mask).sum(Kind::Float) / mask.sum(Kind::Float).clamp_min(1.0)
}

impl Trainer {
    /// An AdamW trainer (weight decay 0.01) at learning rate `lr`.
    pub fn new(model: TorchModel, lr: f64, token_weight: f64) -> Result<Self> {
        let opt = nn::AdamW::default().build(&model.vs, lr)?;
        Ok(Trainer { model, opt, token_weight, teacher: None })
    }

    /// One optimisation step at learning rate `lr`; returns the sentence, token, content and claim
    /// (unit + weighted source/cue token) losses.
    pub fn step(&mut self, batch: &Batch, targets: &Targets, lr: f64) -> Result<[f32; 4]> {
        let d = self.model.device;
        let l = self.model.logits(batch, true)?;
        let ls = masked_bce(&l.sentence, &from_array2(&targets.sentence, d), &from_array2(&targets.sentence_mask, d));
        let lt = masked_bce(&l.tokens, &from_array3(&targets.tokens, d), &from_array3(&targets.token_mask, d));
        let zero = || Tensor::zeros([], (Kind::Float, d));
        let lc = if targets.content.ncols() > 0 {
            masked_bce(&l.content, &from_array2(&targets.content, d), &from_array2(&targets.content_mask, d))
        } else {
            zero()
        };
        let lcl = if targets.claim.ncols() > 0 {
            masked_bce(&l.claim, &from_array2(&targets.claim, d), &from_array2(&targets.claim_mask, d))
                + masked_bce(&l.claim_tokens, &from_array3(&targets.claim_tokens, d), &from_array3(&targets.claim_token_mask, d))
                    * self.token_weight
        } else {
            zero()
        };
        let mut loss = &ls + &lt * self.token_weight + &lc + &lcl;
        if let Some((teacher, weight)) = &self.teacher {
            let t = tch::no_grad(|| teacher.logits(batch, false))?;
            let ones = Tensor::ones_like(&l.sentence);
            // Real tokens of every channel (padding excluded).
            let real = from_array2(&batch.attention_mask.mapv(|m| m as f32), d).unsqueeze(-1).expand_as(&l.tokens);
            let ld = masked_bce(&l.sentence, &t.sentence.sigmoid(), &ones)
                + masked_bce(&l.tokens, &t.tokens.sigmoid(), &real) * self.token_weight;
            loss = loss + ld * *weight;
        }
        self.opt.set_lr(lr);
        self.opt.backward_step_clip_norm(&loss, 1.0);
        Ok([ls, lt, lc, lcl].map(|x| x.double_value(&[]) as f32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Tokenizer, UnitInput};
    use crate::text::layout::{layout_features, LAYOUT_FEATURES};

    /// A document put together from the features of others (`train --augment-pages`,
    /// `--furnish-ptc`) is what the model computes for that document itself.
    #[test]
    fn compose_is_the_document_itself() {
        let dir = ModelDir::open(&Path::new(env!("CARGO_MANIFEST_DIR")).join("models/framemark-minilm")).unwrap();
        assert_eq!(dir.spec.context, 0, "variants assume units encoded alone");
        let model = TorchModel::load(&dir, Device::Cpu).unwrap();
        let tokenizer = Tokenizer::load(&dir.tokenizer(), dir.spec.max_len, dir.spec.context).unwrap();
        let features = |texts: &[&str]| {
            let encoded: Vec<_> = UnitInput::in_page(texts, None).iter().map(|u| tokenizer.encode(u).unwrap()).collect();
            model.content_inputs(&Batch::new(&encoded.iter().collect::<Vec<_>>())).unwrap()
        };
        let page = ["Bridge Reopens", "By Ana Ruiz", "The bridge reopened on Monday after two years of work.", "Share this article:"];
        let other = ["They unleashed chaos on our towns.", "Related Posts", "Sign up for our newsletter."];
        // Units 0, 2, 3 of the page, then units 2, 1 of the other document.
        let (rows, more) = ([0, 2, 3], [2, 1]);
        let new: Vec<&str> = rows.iter().map(|&i| page[i]).chain(more.iter().map(|&i| other[i])).collect();
        let layout = layout_features(&new);
        let layout = Array2::from_shape_fn((new.len(), LAYOUT_FEATURES), |(i, k)| layout[i][k]);
        let composed = model.compose(&[(&features(&page), &rows), (&features(&other), &more)], &layout);
        let direct = features(&new);
        assert_eq!(composed.size(), direct.size());
        let worst = (composed - direct).abs().max().double_value(&[]);
        assert!(worst < 1e-4, "composed document differs from the document itself by {worst}");
    }
}
