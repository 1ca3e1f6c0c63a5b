//! The library's one error type (TEI core/src/lib.rs pattern): every failure a caller can act on,
//! with `#[from]` conversions for the libraries underneath.

use std::path::PathBuf;

/// Anything the framemark library can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// An input document could not be used (empty, binary, not UTF-8, malformed record...).
    #[error("{origin}: {reason}")]
    Input { origin: String, reason: String },
    /// The label schema in `labels/` is malformed or disagrees with the model.
    #[error("label schema: {0}")]
    Labels(String),
    /// The model directory is incomplete or inconsistent.
    #[error("model {path}: {reason}")]
    Model { path: PathBuf, reason: String },
    /// A dataset under `../shared/data` (or `--data`) is missing or malformed.
    #[error("data {path}: {reason}")]
    Data { path: PathBuf, reason: String },
    /// The tokenizer failed.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// The candle backend failed.
    #[error("candle: {0}")]
    Candle(#[from] candle_core::Error),
    /// The tch backend failed.
    #[cfg(feature = "torch")]
    #[error("torch: {0}")]
    Torch(#[from] tch::TchError),
    /// JSON (de)serialisation failed.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    /// Writing a report failed.
    #[error("write: {0}")]
    Write(#[from] std::io::Error),
    /// The HTTP server could not listen on its address, or failed while serving.
    #[error("serve on {addr}: {source}")]
    Serve {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    /// A command-line or config value is not valid.
    #[error("{0}")]
    Usage(String),
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}
