//! Layout features of a unit within its document: where it sits, how long it is, whether it reads
//! like a sentence, whether it repeats. Page furniture is told apart by place and shape as much as by
//! wording (a teaser headline reads like a headline), so the content head gets these next to the
//! encoder's view of the unit. The first [`TEXT_FEATURES`] come from the unit texts alone, so plain
//! text and HTML input get them alike; the last [`DOM_FEATURES`] are what an HTML page adds about the
//! line a unit sits in (its element, landmarks, link share: [`dom_features`]), all 0 for plain text.

use super::html::{Block, Landmarks};

/// Layout features read from the unit texts.
pub const TEXT_FEATURES: usize = 9;
/// Layout features read from an HTML page's markup (0 for plain text).
pub const DOM_FEATURES: usize = 12;
/// Number of layout features per unit.
pub const LAYOUT_FEATURES: usize = TEXT_FEATURES + DOM_FEATURES;

/// What the markup says about one line of an HTML page.
pub type Dom = [f32; DOM_FEATURES];

/// The markup features of one extracted line, in order: 0 the input was HTML (always 1 here), 1
/// share of its chars in links, landmarks 2 nav, 3 header, 4 footer, 5 aside, 6 main (article body),
/// 7 furniture by id/class name, and its element: 8 a heading, 9 `p`, 10 a list item (`li`/`dd`/`dt`);
/// 11 how much of the line trafilatura's main text keeps ([`Block::kept`]).
/// Link density and these landmarks are what DOM-based extractors (Kohlschütter et al. 2010,
/// trafilatura, readability) decide by; a plain-text scrape has lost them. Feature 11 came last (model
/// 0.3.2), so a model that reads the first 11 still runs on these.
pub fn dom_features(block: &Block) -> Dom {
    line_dom(block.tag, block.landmarks, block.link_share, block.kept)
}

/// [`dom_features`] from a line's element, landmarks, link share and kept share.
pub fn line_dom(tag: &str, l: Landmarks, link_share: f32, kept: f32) -> Dom {
    let b = |x: bool| f32::from(u8::from(x));
    [
        1.0,
        link_share.clamp(0.0, 1.0),
        b(l.nav),
        b(l.header),
        b(l.footer),
        b(l.aside),
        b(l.main),
        b(l.furniture),
        b(matches!(tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")),
        b(tag == "p"),
        b(matches!(tag, "li" | "dd" | "dt")),
        kept.clamp(0.0, 1.0),
    ]
}

/// For a unit of an HTML page, the share of its line that trafilatura keeps (markup feature 11);
/// `None` for plain text (markup feature 0 is 0).
pub fn trafilatura_kept(layout: &[f32; LAYOUT_FEATURES]) -> Option<f32> {
    (layout[TEXT_FEATURES] == 1.0).then_some(layout[TEXT_FEATURES + 11])
}

/// Words are counted up to this many (then the feature saturates at 1).
const MAX_WORDS: f32 = 40.0;
/// Distances from the start and the end of the document saturate at this many units.
const MAX_DISTANCE: f32 = 50.0;

fn words(t: &str) -> f32 {
    (t.split_whitespace().count() as f32).min(MAX_WORDS) / MAX_WORDS
}

fn upper_share(t: &str) -> f32 {
    let (upper, letters) = t.chars().filter(|c| c.is_alphabetic()).fold((0, 0), |(u, l), c| (u + usize::from(c.is_uppercase()), l + 1));
    if letters == 0 { 0.0 } else { upper as f32 / letters as f32 }
}

fn sentence_end(t: &str) -> bool {
    let t = t.trim_end_matches(['"', '\'', '”', '’', ')', ']', '*']);
    t.ends_with(['.', '!', '?', '…', ':'])
}

/// Features of each unit of one document, in order:
/// 0 relative position (0 first, 1 last), 1 distance from the start, 2 distance to the end,
/// 3 length in words, 4 ends like a sentence, 5 the same text occurs elsewhere in the document,
/// 6 length of the unit before, 7 length of the unit after (0 when there is none), 8 share of its
/// letters in upper case (the encoder is uncased, and ALL-CAPS link lines are page furniture more
/// often than prose). All in [0, 1].
/// The DOM part is 0 (plain text); [`with_dom`] fills it in for an HTML page.
pub fn layout_features(texts: &[&str]) -> Vec<[f32; LAYOUT_FEATURES]> {
    let n = texts.len();
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for t in texts {
        *counts.entry(t.trim()).or_default() += 1;
    }
    (0..n)
        .map(|i| {
            let t = texts[i];
            let mut f = [0.0; LAYOUT_FEATURES];
            f[..TEXT_FEATURES].copy_from_slice(&[
                if n > 1 { i as f32 / (n - 1) as f32 } else { 0.0 },
                (i as f32).min(MAX_DISTANCE) / MAX_DISTANCE,
                ((n - 1 - i) as f32).min(MAX_DISTANCE) / MAX_DISTANCE,
                words(t),
                f32::from(u8::from(sentence_end(t))),
                f32::from(u8::from(counts[t.trim()] > 1)),
                i.checked_sub(1).map_or(0.0, |j| words(texts[j])),
                texts.get(i + 1).map_or(0.0, |u| words(u)),
                upper_share(t),
            ]);
            f
        })
        .collect()
}

/// [`layout_features`] of a document's units, with the markup features of each unit's line where
/// `dom` gives them (one per unit; `None` for plain text).
pub fn with_dom(texts: &[&str], dom: Option<&[Dom]>) -> Vec<[f32; LAYOUT_FEATURES]> {
    let mut out = layout_features(texts);
    if let Some(dom) = dom {
        for (f, d) in out.iter_mut().zip(dom) {
            f[TEXT_FEATURES..].copy_from_slice(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_by_position_and_shape() {
        let f = layout_features(&["Related Posts", "A full sentence ends here.", "Related Posts"]);
        assert_eq!(f.len(), 3);
        assert_eq!((f[0][0], f[1][0], f[2][0]), (0.0, 0.5, 1.0));
        assert_eq!((f[0][4], f[1][4]), (0.0, 1.0));
        assert_eq!((f[0][5], f[1][5], f[2][5]), (1.0, 0.0, 1.0));
        assert_eq!(f[0][6], 0.0);
        assert!((f[1][6] - 2.0 / 40.0).abs() < 1e-6);
        assert_eq!(f[2][7], 0.0);
        assert!(f.iter().flatten().all(|&x| (0.0..=1.0).contains(&x)));
        let caps = layout_features(&["READ MORE: SENATE ACTS", "Read more"]);
        assert_eq!(caps[0][8], 1.0);
        assert!((caps[1][8] - 1.0 / 8.0).abs() < 1e-6);
        let alone = layout_features(&["One."]);
        assert_eq!(alone[0][0], 0.0);
        assert!(alone[0][TEXT_FEATURES..].iter().all(|&x| x == 0.0), "plain text has no markup features");
    }

    #[test]
    fn markup_features_of_html_lines() {
        let x = super::super::html::extract("<nav><ul><li><a href=/>Home</a></li></ul></nav><article><h1>Title</h1><p>Body.</p></article>");
        let dom: Vec<Dom> = x.blocks.iter().map(dom_features).collect();
        // The last feature, trafilatura's share, is tested with the extraction (html.rs).
        assert_eq!(dom[0][..11], [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
        assert_eq!(dom[1][..11], [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0]);
        assert_eq!(dom[2][..11], [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0]);
        let f = with_dom(&["Home", "Title", "Body."], Some(&dom));
        assert_eq!(f.iter().map(trafilatura_kept).collect::<Vec<_>>(), dom.iter().map(|d| Some(d[11])).collect::<Vec<_>>());
        assert_eq!(trafilatura_kept(&layout_features(&["Body."])[0]), None, "plain text");
        assert_eq!(f[0][..TEXT_FEATURES], layout_features(&["Home", "Title", "Body."])[0][..TEXT_FEATURES]);
        assert_eq!(f[2][TEXT_FEATURES..], dom[2]);
        assert!(f.iter().flatten().all(|&x| (0.0..=1.0).contains(&x)));
    }
}
