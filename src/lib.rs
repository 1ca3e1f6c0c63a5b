//! framemark — tags every sentence of news text for loaded framing (the 23 SemEval-2023 persuasion
//! techniques, with evidence spans), claims and page filler, and writes a report.
//!
//! The modules follow the pipeline: [`text`] (inputs → units with char offsets) → [`model`] (encoder +
//! heads; the only place tensors exist) → [`decide`] (scores + thresholds → labels + evidence) →
//! [`report`] (renderers writing to `impl Write`); [`serve`] answers the same records over HTTP.
//! [`condition`] holds the `--fail-on` expressions over a report, [`export`] the Label Studio and
//! doccano round trip. [`data`], [`eval`] and `train` (feature `torch`) read the labeled corpora in
//! `../shared/data`.

pub mod condition;
pub mod data;
pub mod decide;
pub mod error;
pub mod eval;
pub mod export;
pub mod labels;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod serve;
pub mod text;
#[cfg(feature = "torch")]
pub mod train;

pub use error::{Error, Result};

/// The label schema id every output record carries.
pub const SCHEMA: &str = "framemark/1";
