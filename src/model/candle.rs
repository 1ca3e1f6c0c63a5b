//! The default backend: candle, pure Rust on the CPU. The encoder is candle-transformers' BERT
//! (`models/bert.rs`: Config + load + forward); the heads are two linear layers as described in
//! [`super`]. Weights may be fp16 on disk; they are computed in f32. The content GRU is small (one
//! document at a time, a few dozen hidden units) and runs as plain loops over its weights.

use candle_core::{DType, Device, Tensor, D};
use candle_nn::{Linear, Module, VarBuilder};
use candle_transformers::models::bert::{BertModel, Config};

use super::{content_member, Backend, Batch, DocOutputs, ModelDir, Outputs};
use crate::error::{Error, Result};

/// The candle model: BERT encoder plus the sentence and token heads.
pub struct CandleModel {
    bert: BertModel,
    sentence: Linear,
    token: Linear,
    /// The content layers ([`super::ModelSpec::content_members`]; none without a content head).
    content: Vec<DocHead>,
    claim: Option<DocHead>,
    claim_token: Option<Linear>,
    device: Device,
    /// Layout features the document heads read (the first that many of each unit's; a model from
    /// before the markup features reads the text ones only).
    layout_n: usize,
}

/// A document-level head: linear over each unit's features, next to the outputs at that unit of a
/// GRU run forwards (`<name>_rnn.fwd`) and one run backwards (`<name>_rnn.bwd`) over the document.
struct DocHead {
    linear: Linear,
    rnn: Option<[Gru; 2]>,
}

impl DocHead {
    /// `heads.<name>` and, with `rnn_hidden > 0`, `heads.<name>_rnn`.
    fn load(vb: &VarBuilder, name: &str, features: usize, rnn_hidden: usize, outputs: usize) -> Result<Self> {
        let linear = candle_nn::linear(features + 2 * rnn_hidden, outputs, vb.pp(format!("heads.{name}")))?;
        let rnn = if rnn_hidden == 0 {
            None
        } else {
            let vb = vb.pp(format!("heads.{name}_rnn"));
            Some([Gru::load(&vb.pp("fwd"), features, rnn_hidden)?, Gru::load(&vb.pp("bwd"), features, rnn_hidden)?])
        };
        Ok(DocHead { linear, rnn })
    }

    fn forward(&self, features: &ndarray::Array2<f32>, device: &Device) -> Result<ndarray::Array2<f32>> {
        let (n, width) = features.dim();
        let mut input = features.clone();
        if let Some([fwd, bwd]) = &self.rnn {
            let x: Vec<f32> = features.iter().copied().collect();
            let (f, r) = (fwd.run(&x, n, false), bwd.run(&x, n, true));
            let h = fwd.hidden;
            input = ndarray::Array2::from_shape_fn((n, width + 2 * h), |(i, j)| {
                if j < width {
                    features[[i, j]]
                } else if j < width + h {
                    f[i * h + j - width]
                } else {
                    r[i * h + j - width - h]
                }
            });
        }
        let cols = input.ncols();
        let x = Tensor::from_iter(input.iter().copied(), device)?.reshape((n, cols))?;
        to_array2(&candle_nn::ops::sigmoid(&self.linear.forward(&x)?)?)
    }
}

/// One direction of a GRU in PyTorch's layout: gates in the order reset, update, new;
/// `weight_ih` is `[3 * hidden, inputs]`, `weight_hh` `[3 * hidden, hidden]`, both row-major.
struct Gru {
    hidden: usize,
    inputs: usize,
    weight_ih: Vec<f32>,
    weight_hh: Vec<f32>,
    bias_ih: Vec<f32>,
    bias_hh: Vec<f32>,
}

impl Gru {
    fn load(vb: &VarBuilder, inputs: usize, hidden: usize) -> Result<Self> {
        let get = |name: &str, shape: &[usize]| -> Result<Vec<f32>> {
            Ok(vb.get(shape, &format!("{name}_l0"))?.flatten_all()?.to_vec1::<f32>()?)
        };
        Ok(Gru {
            hidden,
            inputs,
            weight_ih: get("weight_ih", &[3 * hidden, inputs])?,
            weight_hh: get("weight_hh", &[3 * hidden, hidden])?,
            bias_ih: get("bias_ih", &[3 * hidden])?,
            bias_hh: get("bias_hh", &[3 * hidden])?,
        })
    }

    /// Runs over the rows of `x` (`[n, inputs]`, row-major) in order, or backwards with `reverse`;
    /// returns the hidden state after each row, `[n, hidden]`, in row order.
    fn run(&self, x: &[f32], n: usize, reverse: bool) -> Vec<f32> {
        let h_n = self.hidden;
        let dot = |w: &[f32], v: &[f32]| w.iter().zip(v).map(|(a, b)| a * b).sum::<f32>();
        let sigmoid = |v: f32| 1.0 / (1.0 + (-v).exp());
        let mut out = vec![0.0; n * h_n];
        let mut h = vec![0.0f32; h_n];
        let order: Vec<usize> = if reverse { (0..n).rev().collect() } else { (0..n).collect() };
        for t in order {
            let xt = &x[t * self.inputs..(t + 1) * self.inputs];
            let gate = |g: usize, j: usize| {
                let row = g * h_n + j;
                let i = dot(&self.weight_ih[row * self.inputs..(row + 1) * self.inputs], xt) + self.bias_ih[row];
                let hh = dot(&self.weight_hh[row * h_n..(row + 1) * h_n], &h) + self.bias_hh[row];
                (i, hh)
            };
            let mut next = vec![0.0f32; h_n];
            for (j, v) in next.iter_mut().enumerate() {
                let (ir, hr) = gate(0, j);
                let (iz, hz) = gate(1, j);
                let (i_n, h_nn) = gate(2, j);
                let r = sigmoid(ir + hr);
                let z = sigmoid(iz + hz);
                let cand = (i_n + r * h_nn).tanh();
                *v = (1.0 - z) * cand + z * h[j];
            }
            h = next;
            out[t * h_n..(t + 1) * h_n].copy_from_slice(&h);
        }
        out
    }
}

impl CandleModel {
    /// Loads `config.json` and `model.safetensors` of a model directory.
    pub fn load(dir: &ModelDir) -> Result<Self> {
        let raw = std::fs::read_to_string(dir.config()).map_err(|e| Error::io(dir.config(), e))?;
        let config: Config = serde_json::from_str(&raw)
            .map_err(|e| Error::Model { path: dir.config(), reason: e.to_string() })?;
        let device = Device::Cpu;
        // SAFETY: the file is mapped read-only and not modified while the model lives.
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[dir.weights()], DType::F32, &device)? };
        let hidden = config.hidden_size;
        let bert = BertModel::load(vb.clone(), &config)?;
        let sentence = candle_nn::linear(hidden, dir.spec.sentence_labels.len(), vb.pp("heads.sentence"))?;
        let token = candle_nn::linear(hidden, dir.spec.token_labels.len(), vb.pp("heads.token"))?;
        let spec = &dir.spec;
        let features = hidden + spec.layout_features;
        let content = match spec.content_labels.len() {
            0 => Vec::new(),
            n => (0..spec.content_members)
                .map(|k| DocHead::load(&vb, &content_member(k), features, spec.content_rnn, n))
                .collect::<Result<_>>()?,
        };
        let (claim, claim_token) = match spec.claim_labels.len() {
            0 => (None, None),
            n => (
                Some(DocHead::load(&vb, "claim", features, spec.claim_rnn, n)?),
                Some(candle_nn::linear(hidden, spec.claim_token_labels.len(), vb.pp("heads.claim_token"))?),
            ),
        };
        Ok(CandleModel { bert, sentence, token, content, claim, claim_token, device, layout_n: spec.layout_features })
    }
}

impl Backend for CandleModel {
    fn forward(&self, batch: &Batch) -> Result<Outputs> {
        let (b, s) = batch.input_ids.dim();
        let ids = Tensor::from_iter(batch.input_ids.iter().copied(), &self.device)?.reshape((b, s))?;
        let mask = Tensor::from_iter(batch.attention_mask.iter().copied(), &self.device)?.reshape((b, s))?;
        let type_ids = Tensor::from_iter(batch.token_type_ids.iter().copied(), &self.device)?.reshape((b, s))?;
        let pool = Tensor::from_iter(batch.pool_mask().iter().copied(), &self.device)?.reshape((b, s))?;
        let hidden = self.bert.forward(&ids, &type_ids, Some(&mask))?;
        // Mean over the unit's real tokens, as sentence-transformers pools MiniLM; context is read
        // through attention only.
        let maskf = pool.to_dtype(DType::F32)?.unsqueeze(2)?;
        let pooled = hidden.broadcast_mul(&maskf)?.sum(1)?.broadcast_div(&maskf.sum(1)?)?;
        let sentence = candle_nn::ops::sigmoid(&self.sentence.forward(&pooled)?)?;
        let tokens = candle_nn::ops::sigmoid(&self.token.forward(&hidden)?)?;
        let unit_features = match !self.content.is_empty() || self.claim.is_some() {
            false => ndarray::Array2::zeros((b, 0)),
            true => {
                let layout = batch.layout.slice(ndarray::s![.., ..self.layout_n]);
                let layout = Tensor::from_iter(layout.iter().copied(), &self.device)?.reshape((b, self.layout_n))?;
                to_array2(&Tensor::cat(&[&pooled, &layout], 1)?)?
            }
        };
        let n_sent = sentence.dim(D::Minus1)?;
        let n_tok = tokens.dim(D::Minus1)?;
        let sentence = ndarray::Array2::from_shape_vec((b, n_sent), sentence.flatten_all()?.to_vec1::<f32>()?)
            .map_err(|e| Error::Model { path: "candle".into(), reason: e.to_string() })?;
        let tokens = ndarray::Array3::from_shape_vec((b, s, n_tok), tokens.flatten_all()?.to_vec1::<f32>()?)
            .map_err(|e| Error::Model { path: "candle".into(), reason: e.to_string() })?;
        let claim_tokens = match &self.claim_token {
            None => ndarray::Array3::zeros((b, s, 0)),
            Some(head) => {
                let p = candle_nn::ops::sigmoid(&head.forward(&hidden)?)?;
                let n = p.dim(D::Minus1)?;
                ndarray::Array3::from_shape_vec((b, s, n), p.flatten_all()?.to_vec1::<f32>()?)
                    .map_err(|e| Error::Model { path: "candle".into(), reason: e.to_string() })?
            }
        };
        Ok(Outputs { sentence, tokens, unit_features, claim_tokens })
    }

    fn document(&self, features: &ndarray::Array2<f32>) -> Result<DocOutputs> {
        let n = features.nrows();
        let run = |head: &Option<DocHead>| match head {
            None => Ok(ndarray::Array2::zeros((n, 0))),
            Some(h) => h.forward(features, &self.device),
        };
        let mut content = ndarray::Array2::zeros((n, 0));
        for (k, head) in self.content.iter().enumerate() {
            let p = head.forward(features, &self.device)?;
            content = if k == 0 { p } else { content + p };
        }
        // The layers' mean probability.
        content /= self.content.len().max(1) as f32;
        Ok(DocOutputs { content, claim: run(&self.claim)? })
    }
}

fn to_array2(t: &Tensor) -> Result<ndarray::Array2<f32>> {
    let (r, c) = t.dims2()?;
    ndarray::Array2::from_shape_vec((r, c), t.flatten_all()?.to_vec1::<f32>()?)
        .map_err(|e| Error::Model { path: "candle".into(), reason: e.to_string() })
}
