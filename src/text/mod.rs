//! Reading inputs and cutting them into units (sentences, headings, bylines, list items...) with
//! exact character offsets, as `../shared/LABELING-GUIDE.md` ("Units") defines them.
//!
//! [`input`] turns paths, directories and stdin (plain text, HTML or JSON Lines) into [`Document`]s,
//! reporting what it could not read as [`Loaded::Failed`]; [`segment()`] turns a document's text into
//! [`Unit`]s. An HTML input's text is the visible text [`html::extract`] finds, and its [`Offsets`] say so.

pub mod html;
pub mod input;
pub mod layout;
pub mod segment;

pub use input::{
    html_document, jsonl_records, read_inputs, record_document, text_document, InputFormat, Inputs, JsonlRecords,
    Loaded, STDIN_ID, STDIN_PATH,
};
pub use segment::segment;

use serde::{Deserialize, Serialize};

/// One input document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The record id (JSONL `id`) or the file path as given.
    pub id: String,
    /// The text that is segmented and that unit offsets index: the exact input text, or for an HTML
    /// input the visible text extracted from it.
    pub text: String,
    /// Which of the two [`Document::text`] is; unit records carry it as `offsets`.
    pub offsets: Offsets,
    /// For an HTML input, what the markup says about each line of [`Document::text`] (one per line:
    /// [`layout::dom_features`]); `None` for plain text.
    pub dom: Option<Vec<layout::Dom>>,
}

impl Document {
    /// A plain-text document.
    pub fn plain(id: impl Into<String>, text: impl Into<String>) -> Self {
        Document { id: id.into(), text: text.into(), offsets: Offsets::Input, dom: None }
    }

    /// An HTML page's document: its visible text and the markup features of each line.
    pub fn from_html(id: impl Into<String>, x: html::Extracted) -> Self {
        let dom = x.blocks.iter().map(layout::dom_features).collect();
        Document { id: id.into(), text: x.text, offsets: Offsets::HtmlText, dom: Some(dom) }
    }

    /// The markup features of each unit's line (`None` for plain text).
    pub fn unit_dom(&self, units: &[Unit]) -> Option<Vec<layout::Dom>> {
        let dom = self.dom.as_ref()?;
        Some(units.iter().map(|u| dom.get(u.line).copied().unwrap_or_default()).collect())
    }
}

/// The text a document's unit offsets index, named in every unit record (`"offsets"` in the JSONL
/// and CSV reports) so that a reader knows what to slice with `start`/`end`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Offsets {
    /// `input`: the input text itself (a text file without its byte order mark, a JSONL record's
    /// `"text"`, an HTTP request's `"text"`).
    #[default]
    Input,
    /// `html-text`: the visible text of an HTML input, one block per line, as [`html::extract`] gives
    /// it (a `.html`/`.htm` file, `--input html`, a JSONL record's or HTTP request's `"html"`). Offsets
    /// do not index the markup.
    HtmlText,
}

impl Offsets {
    /// The name on the wire: `input` or `html-text`.
    pub fn name(self) -> &'static str {
        match self {
            Offsets::Input => "input",
            Offsets::HtmlText => "html-text",
        }
    }
}

/// A unit: one sentence, or one non-sentence line (heading, byline, date, list item, teaser).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Position of the unit in its document, from 0.
    pub index: usize,
    /// Start offset in Unicode scalar values (chars) into [`Document::text`], inclusive.
    pub start: usize,
    /// End offset in chars, exclusive: `text.chars().skip(start).take(end - start)` is the unit.
    pub end: usize,
    /// The unit's text (bullet marks and `**` excluded).
    pub text: String,
    /// Paragraph number (blocks separated by blank lines), from 0.
    pub paragraph: usize,
    /// Line number of the unit's first char, from 0.
    pub line: usize,
    /// True when the unit is a whole line that is not a sentence inside running text: a heading, a
    /// byline, a date, a list item, a short teaser line.
    pub is_line: bool,
}
