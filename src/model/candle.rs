//! The default backend: candle, pure Rust on the CPU. The encoder is candle-transformers' BERT
//! (`models/bert.rs`: Config + load + forward); the heads are two linear layers as described in
//! [`super`]. Weights may be fp16 on disk; they are computed in f32.

use candle_core::{DType, Device, Tensor, D};
use candle_nn::{Linear, Module, VarBuilder};
use candle_transformers::models::bert::{BertModel, Config};

use super::{Backend, Batch, ModelDir, Outputs};
use crate::error::{Error, Result};
use crate::text::layout::LAYOUT_FEATURES;

/// The candle model: BERT encoder plus the sentence and token heads.
pub struct CandleModel {
    bert: BertModel,
    sentence: Linear,
    token: Linear,
    content: Option<Linear>,
    device: Device,
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
        let n_content = dir.spec.content_labels.len();
        let content = if n_content == 0 {
            None
        } else {
            Some(candle_nn::linear(hidden + LAYOUT_FEATURES, n_content, vb.pp("heads.content"))?)
        };
        Ok(CandleModel { bert, sentence, token, content, device })
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
        let content = match &self.content {
            None => ndarray::Array2::zeros((b, 0)),
            Some(head) => {
                let layout = Tensor::from_iter(batch.layout.iter().copied(), &self.device)?.reshape((b, LAYOUT_FEATURES))?;
                let p = candle_nn::ops::sigmoid(&head.forward(&Tensor::cat(&[&pooled, &layout], 1)?)?)?;
                let n = p.dim(D::Minus1)?;
                ndarray::Array2::from_shape_vec((b, n), p.flatten_all()?.to_vec1::<f32>()?)
                    .map_err(|e| Error::Model { path: "candle".into(), reason: e.to_string() })?
            }
        };
        let n_sent = sentence.dim(D::Minus1)?;
        let n_tok = tokens.dim(D::Minus1)?;
        let sentence = ndarray::Array2::from_shape_vec((b, n_sent), sentence.flatten_all()?.to_vec1::<f32>()?)
            .map_err(|e| Error::Model { path: "candle".into(), reason: e.to_string() })?;
        let tokens = ndarray::Array3::from_shape_vec((b, s, n_tok), tokens.flatten_all()?.to_vec1::<f32>()?)
            .map_err(|e| Error::Model { path: "candle".into(), reason: e.to_string() })?;
        Ok(Outputs { sentence, tokens, content })
    }
}
