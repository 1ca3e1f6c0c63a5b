//! The visible text of an HTML page, one block per line, as a scraper gives it (the form of the seed
//! files in `../shared/seeds`): what the filler tagger reads when its input is HTML.
//!
//! The page is parsed with html5ever (through `scraper`), the WHATWG HTML5 parser browsers use, so
//! malformed markup is repaired the way a browser repairs it instead of failing. The tree is then
//! walked once, in document order:
//!
//! - every block-level element (`p`, `div`, `h1`–`h6`, `li`, `tr`, each `td`/`th` cell, `blockquote`,
//!   `pre`, `article`, `section`, `header`, `footer`, `nav`, `aside`, `main`, `figure`, `figcaption`,
//!   `dd`, `dt`, `form`, `table`, `ul`, `ol`, … see [`BLOCK_TAGS`]) starts and ends a line, and so
//!   does `<br>`; text inside a block that surrounds other blocks becomes lines of its own, so
//!   nested blocks never repeat text;
//! - inline text is joined with whitespace collapsed to one space (`&nbsp;` included) and trimmed;
//!   inside `<pre>` each source line break is a line break;
//! - empty lines are dropped; entities are decoded by the parser;
//! - `head` (so `title`), `script`, `style`, `noscript`, `template`, `svg`, `math`, `iframe`, and
//!   elements with the `hidden` attribute or an inline `display:none` are skipped with everything
//!   inside them.
//!
//! Each line is a [`Block`] with char offsets (Unicode scalar values, end exclusive) into
//! [`Extracted::text`] and a little layout a classifier can use: the innermost block element, the page
//! landmarks around it, and how much of it is link text (boilerplate detectors since Kohlschütter et
//! al., WSDM 2010, lean on link density).

use ego_tree::iter::Edge;
use scraper::node::Element;
use scraper::{Html, Node};

/// Elements that start and end a line. `body` and `html` are here so that text outside any other
/// block still gets a block tag.
pub const BLOCK_TAGS: &[&str] = &[
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "dir", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "frameset", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "html", "legend", "li", "listing", "main", "menu", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "xmp",
];

/// Elements whose content is never visible text.
const DROPPED_TAGS: &[&str] =
    &["head", "title", "script", "style", "noscript", "template", "svg", "math", "iframe", "object"];

/// The page landmarks a block sits inside, at any depth.
///
/// Besides the HTML5 elements and their ARIA roles, `id`/`class` names count, because pages written
/// before HTML5 (all of L3S-GN1, 2008) mark their menus and footers only that way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Landmarks {
    /// Inside `<nav>`, `role="navigation"`, or an element whose id or class names a menu: a word
    /// starting or ending in `nav` (`topnav`, `navbar`), containing `menu`, or `breadcrumb`.
    pub nav: bool,
    /// Inside `<header>` or `role="banner"`. An article's own `<header>` counts too.
    pub header: bool,
    /// Inside `<footer>`, `role="contentinfo"`, or an element whose id or class has a word with `footer`.
    pub footer: bool,
    /// Inside `<aside>`, `role="complementary"`, or an element whose id or class has a word with `sidebar`.
    pub aside: bool,
    /// Inside `<article>`, `<main>`, `role="main"`/`"article"`, `itemprop="articleBody"`, or an element
    /// whose id or class has the word `article`, `story`, `entry` or a word with `articlebody`/`storybody`
    /// (where CMSs put the body).
    pub main: bool,
    /// Inside an element whose id or class names page furniture: a word with `comment`, `related`,
    /// `share`, `social`, `promo`, `sponsor`, `newsletter`, `subscribe`, `advert`, `widget`, `cookie`,
    /// `popular`, `trending`, `recommend`, `outbrain`, `taboola`, or the word `ad`/`ads` (the names
    /// boilerplate removers such as trafilatura and readability look for).
    pub furniture: bool,
}

/// One line of extracted text and its layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Start offset in chars into [`Extracted::text`], inclusive.
    pub start: usize,
    /// End offset in chars, exclusive: `text.chars().skip(start).take(end - start)` is the line.
    pub end: usize,
    /// The innermost block element open at the line's first char (`p`, `li`, `td`, `h2`...; `body` for
    /// loose text).
    pub tag: &'static str,
    /// Landmarks around the line's first char.
    pub landmarks: Landmarks,
    /// Share of the line's non-whitespace chars that sit inside an `<a>`, from 0 to 1.
    pub link_share: f32,
    /// How much of the line the main-text extractor keeps ([`main_text`], trafilatura), from 0 to 1
    /// ([`Kept::share`]).
    pub kept: f32,
}

/// The visible text of a page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    /// The lines joined by `\n`; no line is empty and none contains `\n`.
    pub text: String,
    /// One block per line, in order.
    pub blocks: Vec<Block>,
}

impl Extracted {
    /// Each block with its text.
    pub fn lines(&self) -> impl Iterator<Item = (&Block, &str)> {
        // Lines never contain '\n', so the split gives exactly one piece per block (none when empty).
        self.blocks.iter().zip(self.text.split('\n'))
    }
}

/// The visible text of `html`, one block per line. Never fails: html5ever repairs any input.
pub fn extract(html: &str) -> Extracted {
    extract_marked(html, |_| Mark::<()>::Plain).0
}

/// What a caller's marker says about an element, for [`extract_marked`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark<T> {
    /// Nothing: the element's text keeps the mark of its nearest marked ancestor.
    Plain,
    /// The element's text carries this mark (the innermost marked element wins).
    Label(T),
    /// Skip the element and everything inside it.
    Drop,
}

/// [`extract`], also returning for every char of the text the mark of the element its text node sits
/// in (`None` for unmarked text and for the spaces and line breaks the extraction adds). Datasets whose
/// annotations are markup (L3S-GN1's `x-nc-selN` spans) use it to carry labels onto the lines.
pub(crate) fn extract_marked<T: Copy>(
    html: &str,
    mark: impl Fn(&Element) -> Mark<T>,
) -> (Extracted, Vec<Option<T>>) {
    let doc = Html::parse_document(html);
    let mut out = Builder::default();
    // Open elements that matter, innermost last: block tags, landmarks, marks, link and pre depth.
    let mut blocks: Vec<&'static str> = Vec::new();
    let mut landmarks: Vec<Landmarks> = Vec::new();
    let mut marks: Vec<Option<T>> = Vec::new();
    let (mut links, mut pres) = (0usize, 0usize);
    let mut skipping: Option<ego_tree::NodeId> = None;
    // Element nesting depth (of the elements not skipped), and its maximum.
    let (mut depth, mut max_depth) = (0usize, 0usize);
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => {
                        let here = Here {
                            tag: blocks.last().copied().unwrap_or("body"),
                            landmarks: landmarks.iter().fold(Landmarks::default(), merge),
                            mark: marks.iter().rev().find_map(|m| *m),
                            link: links > 0,
                        };
                        out.push_text(t, pres > 0, &here);
                    }
                    Node::Element(e) => {
                        let m = mark(e);
                        if matches!(m, Mark::Drop) || is_dropped(e) {
                            skipping = Some(node.id());
                            continue;
                        }
                        let name = e.name();
                        if name == "br" {
                            out.end_line();
                        }
                        if let Some(tag) = block_tag(name) {
                            out.end_line();
                            blocks.push(tag);
                        }
                        depth += 1;
                        max_depth = max_depth.max(depth);
                        landmarks.push(landmarks_of(e));
                        marks.push(if let Mark::Label(l) = m { Some(l) } else { None });
                        links += usize::from(name == "a");
                        pres += usize::from(name == "pre");
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                    continue;
                }
                let Node::Element(e) = node.value() else { continue };
                if skipping.is_some() {
                    continue;
                }
                let name = e.name();
                if block_tag(name).is_some() {
                    out.end_line();
                    blocks.pop();
                }
                depth -= 1;
                landmarks.pop();
                marks.pop();
                links -= usize::from(name == "a");
                pres -= usize::from(name == "pre");
            }
        }
    }
    out.end_line();
    let mut x = Extracted { text: out.text, blocks: out.blocks };
    // What an established extractor keeps is one more thing the filler tagger weighs: trafilatura
    // scores 0.958 on the Zyte benchmark from the whole DOM, which a line classifier cannot see.
    // trafilatura walks the tree recursively: past this depth (no real page nests so deep) it is
    // not asked, and every line gets 0.
    let main = Kept::new(&if max_depth <= MAX_EXTRACTOR_DEPTH { main_text(html) } else { String::new() });
    let kept: Vec<f32> = x.lines().map(|(_, line)| main.share(line)).collect();
    for (b, k) in x.blocks.iter_mut().zip(kept) {
        b.kept = k;
    }
    (x, out.marks)
}

/// The main text of `html` by trafilatura (the Rust port of go-trafilatura), with fallback extraction
/// on, as the Zyte benchmark runs go-trafilatura. Empty when it finds no main text (it reports that as
/// an error) or panics on a page (a third-party parser must not take a whole batch down).
/// It runs on a thread of its own with a large stack, as its tree walks are recursive.
pub fn main_text(html: &str) -> String {
    let html = html.to_string();
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let opts = trafilatura::Options::default().with_fallback(true);
            trafilatura::extract(&html, &opts).map(|r| r.content_text).unwrap_or_default()
        })
        .ok()
        .and_then(|t| t.join().ok())
        .unwrap_or_default()
}

/// Pages nested deeper than this (elements) are not given to trafilatura ([`main_text`]).
const MAX_EXTRACTOR_DEPTH: usize = 400;

/// Lower-case words (letters and digits) of `t`.
fn words(t: &str) -> Vec<String> {
    t.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// An extractor's output, ready to look lines up in.
pub struct Kept {
    /// Its words, lower case, joined by single spaces, with a space at each end.
    joined: String,
    /// Its pairs of consecutive words.
    pairs: std::collections::HashSet<(String, String)>,
}

impl Kept {
    /// Indexes `main`, an extractor's output.
    pub fn new(main: &str) -> Self {
        let w = words(main);
        let pairs = w.windows(2).map(|p| (p[0].clone(), p[1].clone())).collect();
        Kept { joined: format!(" {} ", w.join(" ")), pairs }
    }

    /// How much of `line` the extractor kept: 1 when its words occur there in a row, else the share of
    /// its word pairs found there (0 for a one-word line that is not there). Extractors re-wrap and
    /// trim lines, so words are compared, not chars.
    pub fn share(&self, line: &str) -> f32 {
        let lw = words(line);
        if lw.is_empty() || self.pairs.is_empty() && self.joined.trim().is_empty() {
            return 0.0;
        }
        if self.joined.contains(&format!(" {} ", lw.join(" "))) {
            return 1.0;
        }
        if lw.len() < 2 {
            return 0.0;
        }
        let found = lw.windows(2).filter(|p| self.pairs.contains(&(p[0].clone(), p[1].clone()))).count();
        found as f32 / (lw.len() - 1) as f32
    }
}

/// Where a text node sits.
struct Here<T> {
    tag: &'static str,
    landmarks: Landmarks,
    mark: Option<T>,
    link: bool,
}

/// Accumulates the output one line at a time.
struct Builder<T> {
    text: String,
    chars: usize,
    marks: Vec<Option<T>>,
    blocks: Vec<Block>,
    /// The line being built, its marks, and its layout (taken at its first char).
    line: String,
    line_marks: Vec<Option<T>>,
    line_block: Option<Block>,
    /// Non-whitespace chars of the line, and those inside `<a>`.
    solid: usize,
    linked: usize,
    /// Whitespace was seen since the last char: a space goes before the next one.
    space: bool,
}

impl<T> Default for Builder<T> {
    fn default() -> Self {
        Builder {
            text: String::new(),
            chars: 0,
            marks: Vec::new(),
            blocks: Vec::new(),
            line: String::new(),
            line_marks: Vec::new(),
            line_block: None,
            solid: 0,
            linked: 0,
            space: false,
        }
    }
}

impl<T: Copy> Builder<T> {
    fn push_text(&mut self, text: &str, pre: bool, here: &Here<T>) {
        for c in text.chars() {
            if pre && c == '\n' {
                self.end_line();
            } else if c.is_whitespace() {
                self.space = !self.line.is_empty();
            } else {
                if self.space {
                    self.line.push(' ');
                    self.line_marks.push(None);
                    self.space = false;
                }
                if self.line_block.is_none() {
                    self.line_block = Some(Block {
                        start: 0,
                        end: 0,
                        tag: here.tag,
                        landmarks: here.landmarks,
                        link_share: 0.0,
                        kept: 0.0,
                    });
                }
                self.line.push(c);
                self.line_marks.push(here.mark);
                self.solid += 1;
                self.linked += usize::from(here.link);
            }
        }
    }

    /// Ends the current line; an empty one leaves no trace.
    fn end_line(&mut self) {
        self.space = false;
        let Some(mut block) = self.line_block.take() else { return };
        if !self.text.is_empty() {
            self.text.push('\n');
            self.marks.push(None);
            self.chars += 1;
        }
        block.start = self.chars;
        self.chars += self.line_marks.len();
        block.end = self.chars;
        block.link_share = self.linked as f32 / self.solid.max(1) as f32;
        self.text.push_str(&self.line);
        self.marks.append(&mut self.line_marks);
        self.blocks.push(block);
        self.line.clear();
        self.solid = 0;
        self.linked = 0;
    }
}

fn block_tag(name: &str) -> Option<&'static str> {
    BLOCK_TAGS.iter().copied().find(|t| *t == name)
}

fn is_dropped(e: &Element) -> bool {
    if DROPPED_TAGS.contains(&e.name()) || e.attr("hidden").is_some() {
        return true;
    }
    e.attr("style").is_some_and(|s| {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        s.split(';').any(|decl| decl.starts_with("display:none"))
    })
}

fn merge(a: Landmarks, b: &Landmarks) -> Landmarks {
    Landmarks {
        nav: a.nav || b.nav,
        header: a.header || b.header,
        footer: a.footer || b.footer,
        aside: a.aside || b.aside,
        main: a.main || b.main,
        furniture: a.furniture || b.furniture,
    }
}

/// Parts of id/class words that name page furniture ([`Landmarks::furniture`]).
const FURNITURE_WORDS: &[&str] = &[
    "comment", "related", "share", "social", "promo", "sponsor", "newsletter", "subscribe", "advert", "widget", "cookie",
    "popular", "trending", "recommend", "outbrain", "taboola",
];

/// The landmarks one element opens.
fn landmarks_of(e: &Element) -> Landmarks {
    let role = e.attr("role").unwrap_or_default();
    let words: Vec<String> = [e.attr("id").unwrap_or_default(), e.attr("class").unwrap_or_default()]
        .iter()
        .flat_map(|v| v.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let named = |f: &dyn Fn(&str) -> bool| words.iter().any(|w| f(w));
    Landmarks {
        nav: e.name() == "nav"
            || role == "navigation"
            || named(&|w| w.starts_with("nav") || w.ends_with("nav") || w.contains("menu") || w.contains("breadcrumb")),
        header: e.name() == "header" || role == "banner",
        footer: e.name() == "footer" || role == "contentinfo" || named(&|w| w.contains("footer")),
        aside: e.name() == "aside" || role == "complementary" || named(&|w| w.contains("sidebar")),
        main: matches!(e.name(), "article" | "main")
            || matches!(role, "main" | "article")
            || e.attr("itemprop").is_some_and(|p| p.eq_ignore_ascii_case("articlebody"))
            || named(&|w| matches!(w, "article" | "story" | "entry") || w.contains("articlebody") || w.contains("storybody")),
        furniture: named(&|w| {
            matches!(w, "ad" | "ads")
                || FURNITURE_WORDS.iter().any(|f| w.contains(f))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(html: &str) -> Vec<String> {
        let x = extract(html);
        x.lines().map(|(_, t)| t.to_string()).collect()
    }

    /// Every block's offsets select exactly its line, and lines are joined by single `\n`s.
    fn check_offsets(x: &Extracted) {
        let pieces: Vec<&str> = if x.text.is_empty() { vec![] } else { x.text.split('\n').collect() };
        assert_eq!(pieces.len(), x.blocks.len());
        for (b, piece) in x.blocks.iter().zip(pieces) {
            let by_offsets: String = x.text.chars().skip(b.start).take(b.end - b.start).collect();
            assert_eq!(by_offsets, piece);
            assert!(!piece.is_empty() && piece.trim() == piece);
        }
    }

    #[test]
    fn blocks_become_lines_with_exact_char_offsets() {
        let x = extract(
            "<html><head><title>Not me</title></head><body><h1>Café  crème</h1>\
             <p>First <b>bold</b>\n   para&nbsp;&amp; more.</p><ul><li>one</li><li>two</li></ul></body></html>",
        );
        assert_eq!(x.text, "Café crème\nFirst bold para & more.\none\ntwo");
        check_offsets(&x);
        let tags: Vec<&str> = x.blocks.iter().map(|b| b.tag).collect();
        assert_eq!(tags, ["h1", "p", "li", "li"]);
        assert_eq!((x.blocks[1].start, x.blocks[1].end), (11, 34));
        assert_eq!((x.blocks[3].start, x.blocks[3].end), (39, 42));
    }

    #[test]
    fn scripts_styles_and_hidden_elements_are_dropped() {
        let got = lines(
            "<body><script>var x = 'no';</script><style>p{}</style><noscript>Enable JS</noscript>\
             <p>kept</p><div hidden>secret</div><div style=\"color:red; DISPLAY : none\">gone</div>\
             <template><p>tpl</p></template><svg><text>svg</text></svg><p>also kept</p></body>",
        );
        assert_eq!(got, ["kept", "also kept"]);
    }

    #[test]
    fn nested_blocks_do_not_repeat_text() {
        let got = lines("<div>intro <div><p>inner</p> tail</div> outro</div>");
        assert_eq!(got, ["intro", "inner", "tail", "outro"]);
    }

    #[test]
    fn br_cells_and_pre_break_lines() {
        assert_eq!(lines("<p>a<br>b<br/><br>c</p>"), ["a", "b", "c"]);
        assert_eq!(lines("<table><tr><td>x</td><th>y</th></tr><tr><td>z</td></tr></table>"), ["x", "y", "z"]);
        assert_eq!(lines("<pre>line one\n  line   two\n\nend</pre>"), ["line one", "line two", "end"]);
        assert_eq!(lines("<p>in<span>line</span> <a href=#>link</a></p>"), ["inline link"]);
    }

    #[test]
    fn kept_share_compares_words() {
        let k = Kept::new("The bridge stays shut.\n\nEngineers found  corrosion in two cables, the county said.");
        assert_eq!(k.share("Engineers found corrosion in two cables"), 1.0);
        assert_eq!(k.share("the BRIDGE stays"), 1.0, "case and punctuation do not count");
        assert_eq!(k.share("Home"), 0.0);
        assert_eq!(k.share("bridge"), 1.0);
        assert_eq!(k.share("brid"), 0.0, "whole words only");
        assert!((k.share("Engineers found rust in two cables") - 3.0 / 5.0).abs() < 1e-6);
        assert_eq!(Kept::new("").share("The bridge stays shut."), 0.0);
    }

    #[test]
    fn lines_carry_what_trafilatura_keeps() {
        let body = "<p>The county confirmed on Tuesday that the harbor bridge will stay closed until spring, \
                    after engineers found corrosion in two of its main cables during a routine inspection.</p>"
            .repeat(4);
        let x = extract(&format!(
            "<html><body><nav><ul><li><a href=/>Home</a></li><li><a href=/w>World news</a></li></ul></nav>\
             <article><h1>Bridge stays shut</h1>{body}</article><footer>Copyright 2025 Example Media</footer></body></html>"
        ));
        let kept: Vec<(&str, f32)> = x.lines().map(|(b, t)| (t, b.kept)).collect();
        assert!(kept.iter().any(|&(t, k)| t.starts_with("The county confirmed") && k == 1.0), "{kept:?}");
        assert!(kept.iter().all(|&(t, k)| !(t == "World news" || t.starts_with("Copyright")) || k == 0.0), "{kept:?}");
    }

    #[test]
    fn layout_records_landmarks_and_link_share() {
        let x = extract(
            "<body><div id=\"TopNav\"><a href=/>Home</a></div><header><h1>Title</h1></header>\
             <p>Read <a href=#>more</a></p><div class=\"site-footer\">(c) 2024</div><aside>Side</aside></body>",
        );
        check_offsets(&x);
        let b = &x.blocks;
        assert!(b[0].landmarks.nav && b[0].link_share == 1.0);
        assert!(b[1].landmarks.header && !b[1].landmarks.nav);
        assert_eq!(b[2].link_share, 4.0 / 8.0);
        assert!(b[3].landmarks.footer);
        assert!(b[4].landmarks.aside);
        assert!(!extract("<div class=\"unavailable canvas\">x</div>").blocks[0].landmarks.nav);
        let x = extract(
            "<article><p>Body.</p><div class=\"related-posts\"><p>Teaser</p></div></article>\
             <div id=\"disqus_comments\">Nice</div><div class=\"ad\">Buy</div><div class=\"shadow\">x</div>",
        );
        let b = &x.blocks;
        assert!(b[0].landmarks.main && !b[0].landmarks.furniture);
        assert!(b[1].landmarks.main && b[1].landmarks.furniture);
        assert!(b[2].landmarks.furniture && !b[2].landmarks.main);
        assert!(b[3].landmarks.furniture);
        assert!(!b[4].landmarks.furniture, "'shadow' is no ad");
    }

    #[test]
    fn malformed_html_does_not_panic() {
        for html in [
            "",
            "<",
            "<p>unclosed <b>bold <i>both</p> after",
            "</div></div><p>x",
            "<table><td>cell<p>para</table>trailing",
            "<html><body><body><p>twice</body></html></html>",
            "<a href='x'>open link<p>para in link",
            "<!-- comment <p>not text</p> --><p>text</p>",
            "<scr<script>ipt>alert(1)</script><p>ok",
            "\u{0}\u{feff}<p>\u{0}nul</p>",
        ] {
            check_offsets(&extract(html));
        }
        let deep = "<div>".repeat(20_000) + "deep";
        assert_eq!(extract(&deep).text, "deep");
    }

    #[test]
    fn marks_follow_the_innermost_marked_element() {
        let (x, marks) = extract_marked(
            "<p><span class=m1>ab <span class=m2>cd</span></span> ef</p><p class=gone>dropped</p>",
            |e| match e.attr("class") {
                Some("m1") => Mark::Label(1),
                Some("m2") => Mark::Label(2),
                Some("gone") => Mark::Drop,
                _ => Mark::Plain,
            },
        );
        assert_eq!(x.text, "ab cd ef");
        assert_eq!(marks.len(), x.text.chars().count());
        assert_eq!(marks, [Some(1), Some(1), None, Some(2), Some(2), None, None, None]);
    }

    #[test]
    fn seed_like_page_reads_like_a_seed() {
        let got = lines(
            "<body><nav><ul><li><a href=/>Home</a></li><li><a href=/w>World</a></li></ul></nav>\
             <article><h1>Bridge stays shut</h1><p class=byline>By Ann Lee<br>May 26, 2025</p>\
             <p>The county said the bridge will stay closed.</p></article><footer>© 2025 Example</footer></body>",
        );
        assert_eq!(
            got,
            [
                "Home",
                "World",
                "Bridge stays shut",
                "By Ann Lee",
                "May 26, 2025",
                "The county said the bridge will stay closed.",
                "© 2025 Example"
            ]
        );
    }
}
