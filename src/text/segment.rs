//! Segmentation: cutting a document into [`Unit`]s with exact character offsets.
//!
//! The unit definition is `../shared/LABELING-GUIDE.md` ("Units"): a unit is a sentence, and a line that
//! is not a sentence (heading, date, byline, list item, teaser, "Share this Post:") is its own unit.
//! Scraped news text puts one block per line, so every non-blank line is a block and units never cross
//! a line break (hence never a paragraph boundary either). Inside a line, sentences are found with a
//! rule-based splitter in the spirit of Punkt/pySBD rules, without their statistics:
//!
//! * a sentence ends after a run of `.` `!` `?` `…` and any closing quotes/brackets (`”` `"` `’` `'`
//!   `)` `]` `»`, and markdown `**`), when whitespace follows and the next sentence starts with an
//!   uppercase or uncased letter, a digit, an opening quote/bracket or `*`; CJK `。！？` end a
//!   sentence even without whitespace;
//! * a single `.` does not end a sentence after a title or other abbreviation (`Mr.`, `Gov.`, `Jan.`,
//!   `e.g.`, `No. 5`), nor after list numbering at the start of a line (`1.`); after an abbreviation
//!   that can also end a sentence (`U.S.`, `Inc.`, `a.m.`, `etc.`, single initials like `J.`), it does
//!   only when the next word is a common sentence opener (`The`, `He`, `But`, ...);
//! * decimals (`3.5`), domains (`yahoo.com`) and in-word marks (`Put!n`) never split: no whitespace.
//!
//! Bullet marks at the start of a line (`•`, `◦`, `▪`, `●`, ..., and `-`, `*`, `+`, `–` followed by
//! whitespace) and markdown emphasis runs (`**`, `***`) at either end of a unit are not part of the unit,
//! and neither is surrounding whitespace. Line breaks are those of Python's `str.splitlines` (`\n`,
//! `\r\n`, a lone `\r`, `\u{2028}`, ...), so a unit never contains `\r` or `\n`.
//!
//! Offsets count Unicode scalar values (chars, as Python `str` indexes), end exclusive, into the exact
//! text given: `text.chars().skip(u.start).take(u.end - u.start)` is always `u.text`. Everything is one
//! linear pass: look-behind and look-ahead around a full stop are bounded, so a multi-megabyte line
//! segments in milliseconds.

use super::Unit;

/// A line holding exactly one unit is flagged [`Unit::is_line`] when it is shorter than this (in
/// whitespace-separated words) even though it ends like a sentence: a caption or teaser.
const SHORT_LINE_WORDS: usize = 12;

/// How far back a full stop looks for the word it ends; longer tokens are never abbreviations.
const MAX_ABBREVIATION_CHARS: usize = 32;

/// How far ahead the next word is read to decide whether it opens a sentence.
const MAX_OPENER_CHARS: usize = 16;

/// Abbreviations after which a full stop never ends a sentence (compared lowercased, without the
/// final dot): titles, months, and Latin/reference abbreviations that are always followed by more.
const NEVER_FINAL: &[&str] = &[
    "mr", "mrs", "ms", "messrs", "mme", "mlle", "dr", "prof", "rev", "hon", "pres", "gov", "govs", "sen", "sens",
    "rep", "reps", "gen", "lt", "col", "capt", "cpt", "cmdr", "cdr", "sgt", "maj", "adm", "gens", "supt", "insp",
    "det", "atty", "sec", "st", "mt", "ft", "fr", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "vs", "v", "e.g", "i.e", "cf", "viz", "approx", "ca", "fig", "figs", "vol", "pp", "dept",
    "est",
];

/// Abbreviations that only precede a number (`No. 5`, `Art. 3`); elsewhere they are words ("No.").
const BEFORE_NUMBER: &[&str] = &["no", "nos", "art", "p"];

/// Abbreviations that often end a sentence too: a full stop after them ends one only when the next
/// word is in [`SENTENCE_OPENERS`]. Initialisms (`U.S.`, `a.m.`, `J.`) are detected by shape.
const MAY_BE_FINAL: &[&str] =
    &["inc", "corp", "ltd", "co", "llc", "plc", "jr", "sr", "etc", "al", "ave", "blvd", "rd", "ph.d"];

/// Words that start sentences and rarely follow an abbreviation inside one. Prepositions and
/// conjunctions are left out: title-case headlines put them after `U.S.` ("Judge Orders U.S. To Delay").
#[rustfmt::skip]
const SENTENCE_OPENERS: &[&str] = &[
    "A", "According", "After", "Also", "Although", "An", "Before", "Both", "But", "Despite", "Each", "He", "Her",
    "His", "How", "However", "I", "If", "It", "Its", "Many", "Meanwhile", "Most", "My", "Now", "Our", "She", "Since",
    "Some", "Still", "That", "The", "Their", "Then", "There", "These", "They", "This", "Those", "Though", "We",
    "What", "When", "While", "Who", "Why", "Yet", "You", "Your",
];

/// Cuts `text` into units (see the module docs). Empty or whitespace-only text gives no units.
pub fn segment(text: &str) -> Vec<Unit> {
    let chars: Vec<char> = text.chars().collect();
    let mut units = Vec::new();
    let mut paragraph = 0;
    let mut seen_content = false;
    let mut blank_before = false;
    let mut spans = Vec::new();

    for (line, (line_start, line_end)) in lines(&chars).enumerate() {
        let (mut cs, mut ce) = trim(&chars, line_start, line_end);
        if cs == ce {
            blank_before |= seen_content;
            continue;
        }
        if blank_before {
            paragraph += 1;
            blank_before = false;
        }
        seen_content = true;

        // Repeated marks too: nested bullets ("• - item") and separators ("* * *") leave nothing.
        let bulleted = bullet_len(&chars, cs, ce) > 0;
        while cs < ce && bullet_len(&chars, cs, ce) > 0 {
            cs += bullet_len(&chars, cs, ce);
            (cs, ce) = trim(&chars, cs, ce);
        }

        spans.clear();
        split_sentences(&chars, cs, ce, &mut spans);
        let spans_in_line: Vec<(usize, usize)> = spans.iter().filter_map(|&(s, e)| strip_unit(&chars, s, e)).collect();
        let whole_line = spans_in_line.len() == 1;
        for (start, end) in spans_in_line {
            let is_line = whole_line && (bulleted || !looks_like_prose(&chars[start..end]));
            units.push(Unit {
                index: units.len(),
                start,
                end,
                text: chars[start..end].iter().collect(),
                paragraph,
                line,
                is_line,
            });
        }
    }
    units
}

/// The lines of `chars` as `(start, end)` char ranges without their line break, numbered like Python's
/// `str.splitlines` (`\r\n` is one break).
fn lines(chars: &[char]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= chars.len() {
            return None;
        }
        let start = pos;
        while pos < chars.len() && !is_line_break(chars[pos]) {
            pos += 1;
        }
        let end = pos;
        if pos < chars.len() {
            pos += if chars[pos] == '\r' && chars.get(pos + 1) == Some(&'\n') { 2 } else { 1 };
        }
        Some((start, end))
    })
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{1c}' | '\u{1d}' | '\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Whitespace for trimming and for "whitespace follows": Unicode whitespace plus the invisible
/// zero-width space, word joiner and BOM that scraped pages are full of.
pub(super) fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200b}' | '\u{2060}' | '\u{feff}')
}

fn trim(chars: &[char], mut start: usize, mut end: usize) -> (usize, usize) {
    while start < end && is_space(chars[start]) {
        start += 1;
    }
    while end > start && is_space(chars[end - 1]) {
        end -= 1;
    }
    (start, end)
}

/// Length of the bullet mark at `start` (0 when there is none). Marks that are also ordinary
/// characters (`-`, `*`, `+`, `–`) count only when whitespace or the end of the line follows.
fn bullet_len(chars: &[char], start: usize, end: usize) -> usize {
    match chars[start] {
        '•' | '◦' | '▪' | '▫' | '●' | '○' | '■' | '□' | '‣' | '∙' | '·' | '►' | '▸' | '➢' | '➤' => {
            1
        }
        '-' | '*' | '+' | '–' if start + 1 == end || is_space(chars[start + 1]) => 1,
        _ => 0,
    }
}

/// Trims whitespace and markdown emphasis runs (two or more `*`) from both ends of `start..end`;
/// `None` when nothing is left.
fn strip_unit(chars: &[char], start: usize, end: usize) -> Option<(usize, usize)> {
    let (mut s, mut e) = trim(chars, start, end);
    loop {
        let lead = chars[s..e].iter().take_while(|&&c| c == '*').count();
        let trail = chars[s..e].iter().rev().take_while(|&&c| c == '*').count();
        if lead < 2 && trail < 2 {
            break;
        }
        if lead >= 2 {
            s += lead;
        }
        if trail >= 2 && e - trail >= s {
            e -= trail;
        }
        (s, e) = trim(chars, s, e.max(s));
    }
    (s < e).then_some((s, e))
}

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '‽' | '。' | '！' | '？')
}

fn is_closer(c: char) -> bool {
    matches!(c, '”' | '"' | '’' | '\'' | ')' | ']' | '}' | '»' | '›' | '*')
}

fn is_opener(c: char) -> bool {
    matches!(c, '“' | '"' | '‘' | '\'' | '(' | '[' | '{' | '«' | '‹' | '„' | '‚' | '¿' | '¡' | '*')
}

/// Whether `c` can be the first char of a sentence: not a lowercase letter, not punctuation that
/// continues one.
fn starts_sentence(c: char) -> bool {
    c.is_uppercase() || c.is_numeric() || is_opener(c) || (c.is_alphabetic() && !c.is_lowercase())
}

/// Pushes the sentence spans of the line content `start..end` (trimmed, bullet removed) onto `out`.
/// Spans are contiguous and cover the content; [`strip_unit`] trims them afterwards.
fn split_sentences(chars: &[char], start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let mut sentence = start;
    let mut i = start;
    while i < end {
        if !is_terminal(chars[i]) {
            i += 1;
            continue;
        }
        let run_start = i;
        let mut j = i;
        while j < end && is_terminal(chars[j]) {
            j += 1;
        }
        let run_end = j;
        while j < end && is_closer(chars[j]) {
            j += 1;
        }
        if j >= end {
            break;
        }
        let ideographic = chars[run_start..run_end].iter().all(|c| matches!(c, '。' | '！' | '？'));
        let boundary = if ideographic {
            true
        } else if !is_space(chars[j]) {
            false
        } else {
            let mut k = j;
            while k < end && is_space(chars[k]) {
                k += 1;
            }
            k < end && starts_sentence(chars[k]) && !abbreviation_continues(chars, start, run_start, run_end, k, end)
        };
        if boundary {
            out.push((sentence, j));
            sentence = j;
        }
        i = j;
    }
    out.push((sentence, end));
}

/// Whether the terminal run `run_start..run_end` is a single full stop ending an abbreviation (or list
/// numbering) that the sentence continues after. `line_start` is where the line content begins and
/// `next` the first char after the whitespace that follows.
fn abbreviation_continues(
    chars: &[char],
    line_start: usize,
    run_start: usize,
    run_end: usize,
    next: usize,
    end: usize,
) -> bool {
    if run_end - run_start != 1 || chars[run_start] != '.' {
        return false;
    }
    let mut token_start = run_start;
    while token_start > line_start
        && !is_space(chars[token_start - 1])
        && run_start - token_start < MAX_ABBREVIATION_CHARS
    {
        token_start -= 1;
    }
    if token_start > line_start && !is_space(chars[token_start - 1]) {
        return false;
    }
    let mut word_start = token_start;
    while word_start < run_start && is_opener(chars[word_start]) {
        word_start += 1;
    }
    let word = &chars[word_start..run_start];
    if word.is_empty() {
        return false;
    }
    if token_start == line_start && is_list_number(word) {
        return true;
    }
    let lower: String = word.iter().flat_map(|c| c.to_lowercase()).collect();
    if BEFORE_NUMBER.contains(&lower.as_str()) {
        return chars[next].is_ascii_digit();
    }
    if NEVER_FINAL.contains(&lower.as_str()) {
        return true;
    }
    if MAY_BE_FINAL.contains(&lower.as_str()) || is_initialism(word) {
        let single_letter = word.len() == 1;
        return !next_word_opens_sentence(chars, next, end, single_letter);
    }
    false
}

/// `1`, `12`, `a`, `B`, `iv`: numbering of a list item written at the start of a line.
fn is_list_number(word: &[char]) -> bool {
    (word.len() <= 3 && word.iter().all(|c| c.is_ascii_digit()))
        || (word.len() == 1 && word[0].is_alphabetic())
        || (word.len() <= 4 && word.iter().all(|c| matches!(c, 'i' | 'v' | 'x' | 'I' | 'V' | 'X')))
}

/// Single letters joined by dots, before the final one: `J`, `U.S`, `a.m`, `D.C`.
fn is_initialism(word: &[char]) -> bool {
    word.split(|&c| c == '.').all(|part| part.len() == 1 && part[0].is_alphabetic())
}

/// Whether the word at `pos` (after any opening quotes) is a common sentence opener. After a single
/// initial (`J. A. Smith`), one-letter openers (`A`, `I`) do not count.
fn next_word_opens_sentence(chars: &[char], mut pos: usize, end: usize, single_letter: bool) -> bool {
    while pos < end && is_opener(chars[pos]) {
        pos += 1;
    }
    let word_end = (pos..end.min(pos + MAX_OPENER_CHARS + 1))
        .find(|&p| !chars[p].is_alphabetic())
        .unwrap_or(end.min(pos + MAX_OPENER_CHARS + 1));
    if word_end - pos > MAX_OPENER_CHARS || (word_end < end && chars[word_end].is_alphabetic()) {
        return false;
    }
    let word: String = chars[pos..word_end].iter().collect();
    (!single_letter || word.chars().count() > 1) && SENTENCE_OPENERS.contains(&word.as_str())
}

/// Whether a whole-line unit reads as running prose rather than a heading, byline, date or teaser: it
/// ends like a sentence, not cut off with an ellipsis as teasers are, and is not short.
fn looks_like_prose(unit: &[char]) -> bool {
    let mut tail = unit.iter().rev().skip_while(|&&c| is_closer(c));
    let ends_like_sentence = match (tail.next(), tail.next()) {
        (Some('…'), _) | (Some('.'), Some('.')) => false,
        (Some(&c), _) => is_terminal(c),
        (None, _) => false,
    };
    let words = unit.split(|&c| is_space(c)).filter(|w| !w.is_empty()).count();
    ends_like_sentence && words >= SHORT_LINE_WORDS
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The unit texts of `text`, after checking the offset invariant on every unit.
    fn texts(text: &str) -> Vec<String> {
        let units = segment(text);
        for (i, u) in units.iter().enumerate() {
            assert_eq!(u.index, i);
            let slice: String = text.chars().skip(u.start).take(u.end - u.start).collect();
            assert_eq!(slice, u.text, "offsets of unit {i} in {text:?}");
        }
        units.into_iter().map(|u| u.text).collect()
    }

    #[test]
    fn sentence_splitting_table() {
        let cases: &[(&str, &[&str])] = &[
            ("One. Two! Three? Four", &["One.", "Two!", "Three?", "Four"]),
            ("Mr. Smith met Dr. Jones. They talked.", &["Mr. Smith met Dr. Jones.", "They talked."]),
            (
                "Gov. Ron DeSantis (R-FL) spoke. Sen. Rubio did too.",
                &["Gov. Ron DeSantis (R-FL) spoke.", "Sen. Rubio did too."],
            ),
            ("It fell 3.5 percent. Then it rose.", &["It fell 3.5 percent.", "Then it rose."]),
            ("He lives in the U.S. and works.", &["He lives in the U.S. and works."]),
            ("He lives in the U.S. The end.", &["He lives in the U.S.", "The end."]),
            ("Judge Orders U.S. To Delay Deporting", &["Judge Orders U.S. To Delay Deporting"]),
            ("Seven U.S. Cities Are Targets", &["Seven U.S. Cities Are Targets"]),
            ("George W. Bush left. J. A. Smith came.", &["George W. Bush left.", "J. A. Smith came."]),
            ("On Jan. 5 it began. It ended Feb. 3.", &["On Jan. 5 it began.", "It ended Feb. 3."]),
            ("Use tools, e.g. Hammers. And i.e. Nails.", &["Use tools, e.g. Hammers.", "And i.e. Nails."]),
            ("Read No. 5 today. No. It is late.", &["Read No. 5 today.", "No.", "It is late."]),
            ("At 9 a.m. The bus came. Acme Inc. Said so.", &["At 9 a.m.", "The bus came.", "Acme Inc. Said so."]),
            ("Cats, dogs, etc. The rest.", &["Cats, dogs, etc.", "The rest."]),
            (
                "Washington, D.C., said no. Washington, D.C.’s police",
                &["Washington, D.C., said no.", "Washington, D.C.’s police"],
            ),
            ("He said “Stop.” Then he left.", &["He said “Stop.”", "Then he left."]),
            ("He said \"Stop.\" Then he left.", &["He said \"Stop.\"", "Then he left."]),
            ("It was (mostly) done.) Next one.", &["It was (mostly) done.)", "Next one."]),
            ("“Why?” he asked. “Because.”", &["“Why?” he asked.", "“Because.”"]),
            ("Wait... What? Really?! Yes.", &["Wait...", "What?", "Really?!", "Yes."]),
            ("So … and then… The end", &["So … and then…", "The end"]),
            ("He said... and then left.", &["He said... and then left."]),
            ("It opted in. the rest stayed.", &["It opted in. the rest stayed."]),
            ("In 2024. 287 agreements followed.", &["In 2024.", "287 agreements followed."]),
            ("Put!n’s pr!me nuc!ear targets", &["Put!n’s pr!me nuc!ear targets"]),
            ("rpwmedia.comthecapitolist.comyahoo.com", &["rpwmedia.comthecapitolist.comyahoo.com"]),
            ("1. First item here", &["1. First item here"]),
            ("Tell me. (Quietly) now.", &["Tell me.", "(Quietly) now."]),
            ("中文句子。第二句。", &["中文句子。", "第二句。"]),
        ];
        for (text, want) in cases {
            assert_eq!(texts(text), *want, "segmenting {text:?}");
        }
    }

    #[test]
    fn lines_and_markup_table() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("   \n\t\r\n  ", &[]),
            (
                "Headline Without Punctuation\nBody sentence. Second.",
                &["Headline Without Punctuation", "Body sentence.", "Second."],
            ),
            ("By Expel Soros\nMay 26, 2025\n", &["By Expel Soros", "May 26, 2025"]),
            ("  • First item.\n  • Second item", &["First item.", "Second item"]),
            (
                "* star item\n- dash item\n+ plus item\n– en dash item",
                &["star item", "dash item", "plus item", "en dash item"],
            ),
            ("-5 degrees today\n*footnote", &["-5 degrees today", "*footnote"]),
            ("**Bold Headline**\nText.", &["Bold Headline", "Text."]),
            ("**Bold lead.** Rest follows.", &["Bold lead.", "Rest follows."]),
            ("**Bold lead:** rest follows.", &["Bold lead:** rest follows."]),
            ("• **Bold item**", &["Bold item"]),
            ("**\n•\n-\n***\n* * *\n- - -", &[]),
            ("• – nested item", &["nested item"]),
            ("Line one.\r\nLine two.\r\n\r\nLine three.", &["Line one.", "Line two.", "Line three."]),
            ("Old mac.\rLine two.", &["Old mac.", "Line two."]),
            ("Share this Post:\nSources:", &["Share this Post:", "Sources:"]),
            ("\u{feff}\u{200b}Hidden marks.\u{a0}", &["Hidden marks."]),
        ];
        for (text, want) in cases {
            assert_eq!(texts(text), *want, "segmenting {text:?}");
        }
    }

    #[test]
    fn multibyte_offsets_count_chars() {
        let text = "😀 Emoji first. “Curly” next.\n\nÉté 👍🏽 là.";
        let units = segment(text);
        let spans: Vec<(usize, usize, &str)> = units.iter().map(|u| (u.start, u.end, u.text.as_str())).collect();
        assert_eq!(spans, [(0, 14, "😀 Emoji first."), (15, 28, "“Curly” next."), (30, 40, "Été 👍🏽 là.")]);
        assert_eq!(units[2].paragraph, 1);
        assert_eq!(units[2].line, 2);
    }

    #[test]
    fn paragraphs_lines_and_line_flags() {
        let text = "Big Headline\n\nBy Expel Soros\nMay 26, 2025\n\n\n\
                    A long sentence that goes on and on with enough words to be running prose here. Another one.\n\
                    This single line is a full sentence with more than twelve words in it, surely.\n\
                    A short caption line.\n\
                    A teaser of some article that goes on for more than twelve words and then stops...\n\
                    \t• A bulleted item that is long enough to be prose, with many many words.\n";
        let units = segment(text);
        let got: Vec<(&str, usize, usize, bool)> =
            units.iter().map(|u| (&u.text[..u.text.len().min(12)], u.paragraph, u.line, u.is_line)).collect();
        assert_eq!(
            got,
            [
                ("Big Headline", 0, 0, true),
                ("By Expel Sor", 1, 2, true),
                ("May 26, 2025", 1, 3, true),
                ("A long sente", 2, 6, false),
                ("Another one.", 2, 6, false),
                ("This single ", 2, 7, false),
                ("A short capt", 2, 8, true),
                ("A teaser of ", 2, 9, true),
                ("A bulleted i", 2, 10, true),
            ]
        );
    }

    #[test]
    fn crlf_units_never_hold_carriage_returns() {
        let text = "Title\r\n\r\nFirst. Second.\r\nThird\r\n";
        let units = segment(text);
        assert!(units.iter().all(|u| !u.text.contains('\r') && !u.text.contains('\n')));
        let lines: Vec<(usize, usize)> = units.iter().map(|u| (u.line, u.paragraph)).collect();
        assert_eq!(lines, [(0, 0), (2, 1), (2, 1), (3, 1)]);
    }

    #[test]
    fn huge_single_line_is_linear() {
        let sentence = "Mr. Smith paid $3.5 in the U.S. and left... “Why?” he asked. ";
        let mut text = sentence.repeat(5_000_000 / sentence.len());
        text.push_str(&"a.".repeat(200_000));
        text.push_str(&"x".repeat(200_000));
        let started = std::time::Instant::now();
        let units = segment(&text);
        assert!(units.len() > 80_000);
        // Generous for slow CI; quadratic behaviour would take minutes.
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "took {:?}", started.elapsed());
    }
}
