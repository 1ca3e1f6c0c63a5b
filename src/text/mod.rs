//! Reading inputs and cutting them into units (sentences, headings, bylines, list items...) with
//! exact character offsets, as `../shared/LABELING-GUIDE.md` ("Units") defines them.
//!
//! [`input`] turns paths, directories and stdin (plain text or JSON Lines) into [`Document`]s, reporting
//! what it could not read as [`Loaded::Failed`]; [`segment()`] turns a document's text into [`Unit`]s.

pub mod html;
pub mod input;
pub mod segment;

pub use input::{
    jsonl_records, read_inputs, record_document, text_document, InputFormat, Inputs, JsonlRecords, Loaded, STDIN_ID,
    STDIN_PATH,
};
pub use segment::segment;

/// One input document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The record id (JSONL `id`) or the file path as given.
    pub id: String,
    /// The exact input text; unit offsets index into it.
    pub text: String,
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
