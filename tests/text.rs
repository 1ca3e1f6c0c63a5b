//! Segmentation on real text: the seed pages and the PTC (SemEval-2020 task 11) articles in
//! `../shared`. Every unit must slice back out of its document by char offsets, and the seeds' bylines,
//! dates, headings and bullets must come out as the labeling guide's units.

use std::fs;
use std::path::{Path, PathBuf};

use framemark::text::{segment, Unit};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared");
const SEED_000: &str = "000_37f2d2b6838b29be.txt";

/// `../shared`, or `None` (after saying so) where this checkout has none.
fn shared() -> Option<&'static Path> {
    let shared = Path::new(SHARED);
    if shared.is_dir() {
        Some(shared)
    } else {
        eprintln!("skipping: ../shared not found");
        None
    }
}

/// The `.txt` files of `dir`, sorted; none when it does not exist.
fn txt_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("listing a shared directory").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    files.sort();
    files
}

fn starts_with_mark(s: &str) -> bool {
    s.starts_with(['•', '◦', '▪', '●', '‣', '∙', '·'])
        || ["- ", "* ", "+ ", "– ", "**"].iter().any(|mark| s.starts_with(mark))
}

/// Checks the unit invariants of `units`, cut from `text` (`name` for messages).
fn check_units(name: &str, text: &str, units: &[Unit]) {
    let chars: Vec<char> = text.chars().collect();
    let mut previous_end = 0;
    for (i, unit) in units.iter().enumerate() {
        let at = format!("{name} unit {i} {:?}", unit.text);
        assert_eq!(unit.index, i, "{at}");
        assert!(unit.start < unit.end && unit.end <= chars.len(), "{at}: bad span {}..{}", unit.start, unit.end);
        assert!(unit.start >= previous_end, "{at}: overlaps or precedes the previous unit");
        let slice: String = chars[unit.start..unit.end].iter().collect();
        assert_eq!(slice, unit.text, "{at}: text is not text[start..end]");
        assert!(!unit.text.contains(['\n', '\r']), "{at}: holds a line break");
        assert_eq!(unit.text.trim(), unit.text, "{at}: not trimmed");
        assert!(!starts_with_mark(&unit.text), "{at}: starts with a bullet mark or **");
        assert!(!unit.text.ends_with("**"), "{at}: ends with **");
        let line = chars[..unit.start].iter().filter(|&&c| c == '\n').count();
        assert_eq!(unit.line, line, "{at}: line number");
        if i > 0 {
            assert!(unit.paragraph >= units[i - 1].paragraph && unit.line >= units[i - 1].line, "{at}: order");
        }
        previous_end = unit.end;
    }
}

#[test]
fn units_slice_back_out_of_seeds_and_ptc_articles() {
    let Some(shared) = shared() else { return };
    let datasets = shared.join("data/ptc-semeval2020-task11/datasets");
    let mut files = txt_files(&shared.join("seeds"));
    for split in ["train", "dev", "test"] {
        files.extend(txt_files(&datasets.join(format!("{split}-articles"))));
    }
    assert!(!files.is_empty(), "no seeds or PTC articles under {}", shared.display());
    let mut total = 0;
    for path in &files {
        let text = fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let units = segment(&text);
        check_units(&path.display().to_string(), &text, &units);
        if !text.trim().is_empty() {
            assert!(!units.is_empty(), "{}: no units", path.display());
        }
        total += units.len();
    }
    eprintln!("{} files, {total} units", files.len());
}

/// The units of a seed page.
fn seed_units(shared: &Path, name: &str) -> Vec<Unit> {
    let path = shared.join("seeds").join(name);
    let text = fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    segment(&text)
}

/// The unit whose text is exactly `text`, from any seed.
fn find<'a>(units: &'a [Unit], text: &str) -> &'a Unit {
    units.iter().find(|u| u.text == text).unwrap_or_else(|| {
        let near: Vec<&str> =
            units.iter().map(|u| u.text.as_str()).filter(|t| t.starts_with(&text[..text.len().min(20)])).collect();
        panic!("no unit {text:?}; units starting alike: {near:?}")
    })
}

#[test]
fn seeds_cut_into_the_guides_units() {
    let Some(shared) = shared() else { return };
    let seeds = txt_files(&shared.join("seeds"));
    let units: Vec<Unit> = seeds
        .iter()
        .flat_map(|path| seed_units(shared, &path.file_name().unwrap_or_default().to_string_lossy()))
        .collect();

    // Lines that are not sentences are their own units, flagged as lines.
    for line in [
        "By Expel Soros",
        "May 26, 2025",
        "A Robust Framework for Cooperation",
        "Law Enforcement Alliance with ICE Surges Under Trump Administration",
        "Story Snapshot",
        "Sources:",
        "The Trump administration’s DHS has expanded 287(g) agreements to over 900 local police agencies, a 609% increase since January.",
        "Doomsday map ‘leaked’: These 7 U.S. cities are Put!n’s pr!me nuc!ear targets",
    ] {
        assert!(find(&units, line).is_line, "{line:?} should be flagged is_line");
    }

    // Sentences: abbreviations, initials and quotes handled.
    for sentence in [
        "Immigration enforcement in the U.S. changed drastically during the Trump administration.",
        "The agreements were popular during former President George W. Bush’s administration.",
        "Gov. Ron DeSantis (R-FL) has encouraged local and state law enforcement to get deputized so they can pass along suspected illegal immigrants encountered at traffic stops to federal authorities.",
        "“There are many documented problems with 287(g) agreements.",
        "They are an expensive use of taxpayer money,” AIC wrote in the report.",
        "“ICE also provides insufficient supervision of local law enforcement agencies.",
        "But most egregiously, they have resulted in the widespread racial profiling of brown and black communities.”",
        "The American Immigration Council, an organization in Washington, D.C., that advocates immigrants regardless of legal status, said in a recent report that two Justice Department investigations found a “pattern and practice of constitutional violations” against Latinos.",
        "Recent executive orders have further extended federal authority, including direct federal control over Washington, D.C.’s police department for immigration enforcement purposes.",
    ] {
        assert!(!find(&units, sentence).is_line, "{sentence:?} is running prose");
    }

    let first = seed_units(shared, SEED_000);
    let byline = find(&first, "By Expel Soros");
    let date = find(&first, "May 26, 2025");
    assert_eq!((byline.paragraph, date.paragraph), (3, 3), "byline and date share a paragraph");
    assert_eq!(date.line, byline.line + 1);
}
