//! The label schema `framemark/1`: what every label means, loaded from `labels/*.toml` and checked
//! against a model's `id2label` lists.
//!
//! The schema encodes `../shared/LABELING-GUIDE.md` (the binding contract) as data:
//! `labels/schema.toml` names the schema (`id`, semver `version`) and lists the three families and
//! their files; each family file (`content.toml`, `claim.toml`, `techniques.toml`) holds one
//! `[[label]]` table per label with `id`, `name`, `family`, `definition`, `includes`, `excludes` and
//! `example`. Filler kinds carry `parent = "filler"`; techniques carry their `category` (declared by
//! `[[category]]` tables in the same file) and the PTC-2020 names that map to them (`ptc`, and
//! `ptc_ambiguous` for PTC's merged classes, whose spans need the SemEval-2023 annotations to
//! resolve). The technique names and their order are those of the SemEval-2023 Task 3 scorer list
//! `techniques_subtask3.txt`.
//!
//! A model is never relabelled silently: [`LabelSet::check_model`] demands the model's label list
//! for a family to be the schema's, in the schema's order (the check rust-bert's label mapping
//! leaves to the caller). [`LabelSet::embedded`] is the same schema compiled into the binary, so
//! framemark runs outside the repository.

use std::collections::{HashMap, HashSet};
use std::fmt::Display;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The families of `framemark/1`, in the order records carry them.
pub const FAMILIES: [&str; 3] = ["content", "claim", "technique"];

/// Name of the family holding the persuasion techniques.
pub const TECHNIQUE_FAMILY: &str = "technique";

/// The schema files compiled into the binary, by their name in `labels/`.
const EMBEDDED: [(&str, &str); 4] = [
    ("schema.toml", include_str!("../labels/schema.toml")),
    ("content.toml", include_str!("../labels/content.toml")),
    ("claim.toml", include_str!("../labels/claim.toml")),
    ("techniques.toml", include_str!("../labels/techniques.toml")),
];

/// The whole label schema: its id and version and its families, as loaded and checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelSet {
    /// Schema id, always [`crate::SCHEMA`] (`framemark/<major>`).
    pub id: String,
    /// Semver version; its major number is the one in `id`.
    pub version: String,
    /// What the schema labels, in a few sentences.
    pub description: String,
    /// The families in `schema.toml` order.
    pub families: Vec<Family>,
}

/// One family of labels (`content`, `claim` or `technique`), from one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Family {
    /// Family name, as in [`FAMILIES`].
    pub name: String,
    /// The file it was read from, relative to the schema directory.
    pub file: String,
    /// What the family labels and which units it applies to.
    pub description: String,
    /// True when a unit may carry several labels of the family (techniques), false when exactly one.
    pub multi_label: bool,
    /// The categories its labels fall into (the 6 technique categories; empty for other families).
    pub categories: Vec<Category>,
    /// The labels in file order, which is the order a model's `id2label` must have.
    pub labels: Vec<Label>,
}

/// A group of labels within a family, e.g. the technique category "Attack on reputation".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Category name as the guide writes it.
    pub name: String,
    /// What the labels in the category have in common.
    pub definition: String,
}

/// One label and what it means (a `[[label]]` table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Label {
    /// Stable identifier, equal to `name`; what outputs and models use.
    pub id: String,
    /// Display name, equal to `id` (for techniques, the SemEval-2023 name).
    pub name: String,
    /// The family the label belongs to.
    pub family: String,
    /// What the label means, in 1-3 sentences.
    pub definition: String,
    /// Concrete cases the label covers.
    pub includes: Vec<String>,
    /// Concrete look-alikes it does not cover, with the label they get instead.
    pub excludes: Vec<String>,
    /// One sentence carrying the label.
    pub example: String,
    /// For a sub-label, the label it refines (filler kinds: `filler`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// For a technique, its category (one of its family's [`Category`] names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// PTC-2020 names (and single EMNLP'19 PTC names) that map to this label alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ptc: Vec<String>,
    /// PTC names whose spans may be this label or another: the label is one candidate among
    /// several, and resolving a span needs the SemEval-2023 annotation of the same text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ptc_ambiguous: Vec<String>,
}

/// `schema.toml` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemaFile {
    id: String,
    version: String,
    description: String,
    family: Vec<FamilyEntry>,
}

/// A `[[family]]` table of `schema.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FamilyEntry {
    name: String,
    file: String,
}

/// A family file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FamilyFile {
    family: String,
    description: String,
    multi_label: bool,
    #[serde(default)]
    category: Vec<Category>,
    label: Vec<Label>,
}

/// An [`Error::Labels`] naming `file` and the problem.
fn bad(file: &str, problem: impl Display) -> Error {
    Error::Labels(format!("{file}: {problem}"))
}

/// Parses TOML, turning an error into one line `file:line: message`.
fn parse_toml<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T> {
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        let message = e.message().trim();
        match line {
            Some(line) => Error::Labels(format!("{file}:{line}: {message}")),
            None => bad(file, message),
        }
    })
}

/// The major number of a `MAJOR.MINOR.PATCH` version, `None` when it is not one.
fn semver_major(version: &str) -> Option<u64> {
    let parts: Vec<&str> = version.split('.').collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    parts[0].parse().ok()
}

impl LabelSet {
    /// Reads `schema.toml` and the family files it lists from `dir` (the repository's `labels/`)
    /// and checks them (see the module docs); every error names the file and the problem.
    pub fn load(dir: &Path) -> Result<LabelSet> {
        let show = |file: &str| dir.join(file).display().to_string();
        Self::parse(
            &|file| {
                std::fs::read_to_string(dir.join(file))
                    .map_err(|e| bad(&show(file), format_args!("cannot read: {e}")))
            },
            &show,
        )
    }

    /// The schema compiled into the binary from `labels/` (equal to [`LabelSet::load`] of that
    /// directory; a unit test keeps them in step).
    pub fn embedded() -> LabelSet {
        let read = |file: &str| {
            EMBEDDED
                .iter()
                .find(|(name, _)| *name == file)
                .map(|(_, text)| (*text).to_owned())
                .ok_or_else(|| {
                    bad(
                        &format!("labels/{file}"),
                        "not among the embedded schema files",
                    )
                })
        };
        Self::parse(&read, &|file| format!("labels/{file} (embedded)"))
            .expect("the embedded label schema is valid (checked by the labels unit tests)")
    }

    /// Loads through `read` (file name → text) and names files with `show` in errors.
    fn parse(
        read: &dyn Fn(&str) -> Result<String>,
        show: &dyn Fn(&str) -> String,
    ) -> Result<LabelSet> {
        let schema_name = show("schema.toml");
        let schema: SchemaFile = parse_toml(&schema_name, &read("schema.toml")?)?;
        if schema.id != crate::SCHEMA {
            return Err(bad(
                &schema_name,
                format_args!(
                    "schema id `{}` is not `{}` (major version mismatch: this build reads {})",
                    schema.id,
                    crate::SCHEMA,
                    crate::SCHEMA
                ),
            ));
        }
        let id_major = crate::SCHEMA
            .rsplit('/')
            .next()
            .and_then(|m| m.parse::<u64>().ok());
        match semver_major(&schema.version) {
            None => {
                return Err(bad(
                    &schema_name,
                    format_args!("version `{}` is not MAJOR.MINOR.PATCH", schema.version),
                ))
            }
            Some(major) if Some(major) != id_major => return Err(bad(
                &schema_name,
                format_args!(
                    "version `{}` has major {major}, but the id is `{}` (major version mismatch)",
                    schema.version, schema.id
                ),
            )),
            Some(_) => {}
        }
        if schema.description.trim().is_empty() {
            return Err(bad(&schema_name, "empty description"));
        }

        let mut families = Vec::with_capacity(schema.family.len());
        for entry in &schema.family {
            if !FAMILIES.contains(&entry.name.as_str()) {
                return Err(bad(
                    &schema_name,
                    format_args!(
                        "unknown family `{}` (framemark/1 has {})",
                        entry.name,
                        FAMILIES.join(", ")
                    ),
                ));
            }
            if families.iter().any(|f: &Family| f.name == entry.name) {
                return Err(bad(
                    &schema_name,
                    format_args!("family `{}` listed twice", entry.name),
                ));
            }
            let file_name = show(&entry.file);
            let text = read(&entry.file).map_err(|e| match e {
                Error::Labels(m) => Error::Labels(format!(
                    "{m} (listed for family `{}` in {schema_name})",
                    entry.name
                )),
                other => other,
            })?;
            let file: FamilyFile = parse_toml(&file_name, &text)?;
            families.push(check_family(&file_name, entry, file)?);
        }
        for name in FAMILIES {
            if !families.iter().any(|f| f.name == name) {
                return Err(bad(
                    &schema_name,
                    format_args!("family `{name}` is missing"),
                ));
            }
        }

        let set = LabelSet {
            id: schema.id,
            version: schema.version,
            description: schema.description,
            families,
        };
        set.check_across_families(show)?;
        Ok(set)
    }

    /// Checks that need every family: ids unique across the schema (so an id alone names a
    /// label) and a consistent PTC mapping.
    fn check_across_families(&self, show: &dyn Fn(&str) -> String) -> Result<()> {
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for family in &self.families {
            for label in &family.labels {
                if let Some(first) = seen.insert(&label.id, &family.file) {
                    let place = if first == family.file {
                        "earlier in this file".to_owned()
                    } else {
                        format!("in {}", show(first))
                    };
                    return Err(bad(
                        &show(&family.file),
                        format_args!("duplicate id `{}` (already defined {place})", label.id),
                    ));
                }
            }
        }

        let mut single: HashMap<&str, &str> = HashMap::new();
        let mut ambiguous: HashMap<&str, Vec<&str>> = HashMap::new();
        for family in &self.families {
            let file = show(&family.file);
            for label in &family.labels {
                for name in &label.ptc {
                    if let Some(other) = single.insert(name, &label.id) {
                        return Err(bad(
                            &file,
                            format_args!(
                                "PTC name `{name}` maps to both `{other}` and `{}`; a name that can mean several \
                                 labels belongs in `ptc_ambiguous` of each",
                                label.id
                            ),
                        ));
                    }
                }
                for name in &label.ptc_ambiguous {
                    ambiguous.entry(name).or_default().push(&label.id);
                }
                for name in label.ptc.iter().chain(&label.ptc_ambiguous) {
                    if name.trim().is_empty() {
                        return Err(bad(
                            &file,
                            format_args!("label `{}`: empty PTC name", label.id),
                        ));
                    }
                }
            }
        }
        for (name, candidates) in &ambiguous {
            if let Some(target) = single.get(name) {
                return Err(bad(
                    &show("techniques.toml"),
                    format_args!(
                        "PTC name `{name}` is both in `ptc` of `{target}` and in `ptc_ambiguous`"
                    ),
                ));
            }
            if candidates.len() < 2 {
                return Err(bad(
                    &show("techniques.toml"),
                    format_args!(
                        "PTC name `{name}` is ambiguous for `{}` only; a single target belongs in `ptc`",
                        candidates[0]
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The family called `name`, if the schema has it.
    pub fn family(&self, name: &str) -> Option<&Family> {
        self.families.iter().find(|f| f.name == name)
    }

    /// The label with this id, in whichever family.
    pub fn label(&self, id: &str) -> Option<&Label> {
        self.families
            .iter()
            .flat_map(|f| &f.labels)
            .find(|l| l.id == id)
    }

    /// The 23 techniques in file order (the `techniques_subtask3.txt` order).
    pub fn techniques(&self) -> Vec<&Label> {
        self.family(TECHNIQUE_FAMILY)
            .map(|f| f.labels.iter().collect())
            .unwrap_or_default()
    }

    /// The 6 technique categories in file order.
    pub fn categories(&self) -> &[Category] {
        self.family(TECHNIQUE_FAMILY)
            .map(|f| f.categories.as_slice())
            .unwrap_or_default()
    }

    /// The SemEval-2023 technique(s) a PTC name maps to: one name for a direct mapping, the
    /// candidates (file order) for a merged PTC class such as `Whataboutism,Straw_Men,Red_Herring`,
    /// `None` for a name the schema does not know. Names are matched exactly.
    pub fn ptc_to_2023(&self, ptc_name: &str) -> Option<Vec<&str>> {
        let techniques = self.techniques();
        if let Some(label) = techniques
            .iter()
            .find(|l| l.ptc.iter().any(|n| n == ptc_name))
        {
            return Some(vec![label.id.as_str()]);
        }
        let candidates: Vec<&str> = techniques
            .iter()
            .filter(|l| l.ptc_ambiguous.iter().any(|n| n == ptc_name))
            .map(|l| l.id.as_str())
            .collect();
        (!candidates.is_empty()).then_some(candidates)
    }

    /// Checks a model's label list (its `id2label` for `family`, by index) against the schema: it
    /// must be exactly the family's label ids in file order. Any difference is an
    /// [`Error::Labels`] naming the first mismatching index, the expected and the found label;
    /// the model's outputs are never relabelled to fit.
    pub fn check_model(&self, family: &str, model_labels: &[String]) -> Result<()> {
        let fam = self.family(family).ok_or_else(|| {
            Error::Labels(format!(
                "model labels: unknown family `{family}` ({} has {})",
                self.id,
                FAMILIES.join(", ")
            ))
        })?;
        let expected: Vec<&str> = fam.labels.iter().map(|l| l.id.as_str()).collect();
        let len = expected.len().max(model_labels.len());
        for index in 0..len {
            let want = expected.get(index).copied();
            let got = model_labels.get(index).map(String::as_str);
            if want == got {
                continue;
            }
            let want = want.map_or_else(
                || format!("nothing (the schema has {} labels)", expected.len()),
                |w| format!("`{w}`"),
            );
            let got = got.map_or_else(
                || format!("nothing (the model has {} labels)", model_labels.len()),
                |g| format!("`{g}`"),
            );
            return Err(Error::Labels(format!(
                "model labels for family `{family}` disagree with {} ({}) at index {index}: expected {want}, found \
                 {got}; a model must list the family's labels in the schema's order",
                self.id, fam.file
            )));
        }
        Ok(())
    }
}

impl Family {
    /// The label with this id in the family.
    pub fn label(&self, id: &str) -> Option<&Label> {
        self.labels.iter().find(|l| l.id == id)
    }

    /// The label ids in file order.
    pub fn ids(&self) -> Vec<&str> {
        self.labels.iter().map(|l| l.id.as_str()).collect()
    }

    /// The labels refining `parent` in file order (the filler kinds for `filler`).
    pub fn children(&self, parent: &str) -> Vec<&Label> {
        self.labels
            .iter()
            .filter(|l| l.parent.as_deref() == Some(parent))
            .collect()
    }
}

/// Checks one family file against its `schema.toml` entry and turns it into a [`Family`].
fn check_family(file_name: &str, entry: &FamilyEntry, file: FamilyFile) -> Result<Family> {
    let fail = |problem: String| Err(bad(file_name, problem));
    if file.family != entry.name {
        return fail(format!(
            "declares family `{}`, but schema.toml lists this file for family `{}`",
            file.family, entry.name
        ));
    }
    if file.description.trim().is_empty() {
        return fail("empty description".into());
    }
    if file.label.is_empty() {
        return fail("no labels".into());
    }
    let mut category_names = HashSet::new();
    for category in &file.category {
        if category.name.trim().is_empty() || category.definition.trim().is_empty() {
            return fail(format!(
                "category `{}`: empty name or definition",
                category.name
            ));
        }
        if !category_names.insert(category.name.as_str()) {
            return fail(format!("category `{}` declared twice", category.name));
        }
    }

    for (index, label) in file.label.iter().enumerate() {
        let what = if label.id.is_empty() {
            format!("label #{}", index + 1)
        } else {
            format!("label `{}`", label.id)
        };
        let texts = [
            ("id", &label.id),
            ("name", &label.name),
            ("definition", &label.definition),
            ("example", &label.example),
        ];
        for (field, text) in texts {
            if text.trim().is_empty() {
                return fail(format!("{what}: empty {field}"));
            }
        }
        if label.id != label.name {
            return fail(format!(
                "{what}: id and name differ (`{}` vs `{}`)",
                label.id, label.name
            ));
        }
        if label.family != file.family {
            let known = FAMILIES.contains(&label.family.as_str());
            return fail(format!(
                "{what}: {} `{}` in the file of family `{}`",
                if known { "family" } else { "unknown family" },
                label.family,
                file.family
            ));
        }
        for (field, items) in [("includes", &label.includes), ("excludes", &label.excludes)] {
            if items.iter().any(|item| item.trim().is_empty()) {
                return fail(format!("{what}: empty entry in {field}"));
            }
        }
        match (&label.category, file.category.is_empty()) {
            (None, false) => return fail(format!("{what}: missing category")),
            (Some(c), true) => {
                return fail(format!(
                    "{what}: category `{c}`, but family `{}` has no categories",
                    file.family
                ))
            }
            (Some(c), false) if !category_names.contains(c.as_str()) => {
                let known: Vec<&str> = file.category.iter().map(|c| c.name.as_str()).collect();
                return fail(format!(
                    "{what}: unknown category `{c}` (known: {})",
                    known.join(", ")
                ));
            }
            _ => {}
        }
        if let Some(parent) = &label.parent {
            let ok = file
                .label
                .iter()
                .any(|p| &p.id == parent && p.parent.is_none() && p.id != label.id);
            if !ok {
                return fail(format!(
                    "{what}: parent `{parent}` is not a top-level label of this family"
                ));
            }
        }
    }

    Ok(Family {
        name: file.family,
        file: entry.file.clone(),
        description: file.description,
        multi_label: file.multi_label,
        categories: file.category,
        labels: file.label,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// The scorer's list, for when `../shared` is absent.
    const TECHNIQUES_SUBTASK3: [&str; 23] = [
        "Appeal_to_Authority",
        "Appeal_to_Popularity",
        "Appeal_to_Values",
        "Appeal_to_Fear-Prejudice",
        "Flag_Waving",
        "Causal_Oversimplification",
        "False_Dilemma-No_Choice",
        "Consequential_Oversimplification",
        "Straw_Man",
        "Red_Herring",
        "Whataboutism",
        "Slogans",
        "Appeal_to_Time",
        "Conversation_Killer",
        "Loaded_Language",
        "Repetition",
        "Exaggeration-Minimisation",
        "Obfuscation-Vagueness-Confusion",
        "Name_Calling-Labeling",
        "Doubt",
        "Guilt_by_Association",
        "Appeal_to_Hypocrisy",
        "Questioning_the_Reputation",
    ];

    /// The 14 SemEval-2020 Task 11 classes (PTC SOURCE.md "Labels").
    const PTC_2020: [&str; 14] = [
        "Appeal_to_Authority",
        "Appeal_to_fear-prejudice",
        "Bandwagon,Reductio_ad_hitlerum",
        "Black-and-White_Fallacy",
        "Causal_Oversimplification",
        "Doubt",
        "Exaggeration,Minimisation",
        "Flag-Waving",
        "Loaded_Language",
        "Name_Calling,Labeling",
        "Repetition",
        "Slogans",
        "Thought-terminating_Cliches",
        "Whataboutism,Straw_Men,Red_Herring",
    ];

    fn labels_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("labels")
    }

    fn shared(rel: &str) -> Option<String> {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../shared")
                .join(rel),
        )
        .ok()
    }

    fn disk() -> LabelSet {
        LabelSet::load(&labels_dir()).expect("labels/ loads")
    }

    fn message(err: Error) -> String {
        match err {
            Error::Labels(m) => m,
            other => panic!("expected Error::Labels, got {other:?}"),
        }
    }

    #[test]
    fn embedded_equals_on_disk() {
        let set = disk();
        assert_eq!(set.id, "framemark/1");
        assert_eq!(set.id, crate::SCHEMA);
        assert_eq!(set.version, "1.0.0");
        assert_eq!(LabelSet::embedded(), set);
        let names: Vec<&str> = set.families.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, FAMILIES);
    }

    #[test]
    fn content_and_claim_families() {
        let set = disk();
        let content = set.family("content").unwrap();
        assert_eq!(
            content.ids(),
            [
                "article",
                "filler",
                "related",
                "promo",
                "navigation",
                "boilerplate"
            ]
        );
        let kinds: Vec<&str> = content
            .children("filler")
            .iter()
            .map(|l| l.id.as_str())
            .collect();
        assert_eq!(kinds, ["related", "promo", "navigation", "boilerplate"]);
        assert!(!content.multi_label);
        assert_eq!(
            set.family("claim").unwrap().ids(),
            ["attributed", "vague", "unattributed", "none"]
        );
        assert!(set.family(TECHNIQUE_FAMILY).unwrap().multi_label);
        assert!(set.family("frames").is_none());
        for label in set.families.iter().flat_map(|f| &f.labels) {
            assert!(
                !label.includes.is_empty() && !label.excludes.is_empty(),
                "{}",
                label.id
            );
        }
    }

    #[test]
    fn techniques_have_the_semeval_2023_names_in_scorer_order() {
        let set = disk();
        let names: Vec<&str> = set.techniques().iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, TECHNIQUES_SUBTASK3);
        match shared("data/semeval2023-task3-en/techniques_subtask3.txt") {
            Some(text) => {
                let official: Vec<&str> = text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect();
                assert_eq!(names, official);
            }
            None => eprintln!(
                "../shared absent: compared with the built-in copy of techniques_subtask3.txt only"
            ),
        }
    }

    #[test]
    fn six_categories_as_in_the_guide() {
        let set = disk();
        let guide: [(&str, &[&str]); 6] = [
            (
                "Attack on reputation",
                &[
                    "Name_Calling-Labeling",
                    "Guilt_by_Association",
                    "Doubt",
                    "Appeal_to_Hypocrisy",
                    "Questioning_the_Reputation",
                ],
            ),
            (
                "Justification",
                &[
                    "Flag_Waving",
                    "Appeal_to_Authority",
                    "Appeal_to_Popularity",
                    "Appeal_to_Values",
                    "Appeal_to_Fear-Prejudice",
                ],
            ),
            ("Distraction", &["Straw_Man", "Red_Herring", "Whataboutism"]),
            (
                "Simplification",
                &[
                    "Causal_Oversimplification",
                    "False_Dilemma-No_Choice",
                    "Consequential_Oversimplification",
                ],
            ),
            (
                "Call",
                &["Slogans", "Conversation_Killer", "Appeal_to_Time"],
            ),
            (
                "Manipulative wording",
                &[
                    "Loaded_Language",
                    "Obfuscation-Vagueness-Confusion",
                    "Exaggeration-Minimisation",
                    "Repetition",
                ],
            ),
        ];
        let names: Vec<&str> = set.categories().iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, guide.map(|(c, _)| c));
        for (category, members) in guide {
            let mut found: Vec<&str> = set
                .techniques()
                .iter()
                .filter(|l| l.category.as_deref() == Some(category))
                .map(|l| l.id.as_str())
                .collect();
            let mut want = members.to_vec();
            found.sort_unstable();
            want.sort_unstable();
            assert_eq!(found, want, "{category}");
        }
    }

    #[test]
    fn ptc_mapping_covers_every_ptc_class() {
        let set = disk();
        let mut names: Vec<String> = PTC_2020.iter().map(|s| s.to_string()).collect();
        for file in [
            "propaganda-techniques-names-semeval2020task11.txt",
            "propaganda-techniques-names.txt",
        ] {
            match shared(&format!("data/ptc-semeval2020-task11/tools/data/{file}")) {
                Some(text) => names.extend(
                    text.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(String::from),
                ),
                None => eprintln!("../shared absent: {file} not checked"),
            }
        }
        for name in &names {
            let targets = set
                .ptc_to_2023(name)
                .unwrap_or_else(|| panic!("PTC `{name}` is not mapped"));
            for target in targets {
                assert!(
                    set.label(target)
                        .is_some_and(|l| l.family == TECHNIQUE_FAMILY),
                    "{name} -> {target}"
                );
            }
        }
        let table: [(&str, &[&str]); 9] = [
            ("Black-and-White_Fallacy", &["False_Dilemma-No_Choice"]),
            ("Thought-terminating_Cliches", &["Conversation_Killer"]),
            ("Name_Calling,Labeling", &["Name_Calling-Labeling"]),
            ("Exaggeration,Minimisation", &["Exaggeration-Minimisation"]),
            ("Appeal_to_fear-prejudice", &["Appeal_to_Fear-Prejudice"]),
            ("Flag-Waving", &["Flag_Waving"]),
            ("Bandwagon", &["Appeal_to_Popularity"]),
            ("Reductio_ad_hitlerum", &["Guilt_by_Association"]),
            (
                "Bandwagon,Reductio_ad_hitlerum",
                &["Appeal_to_Popularity", "Guilt_by_Association"],
            ),
        ];
        for (name, want) in table {
            assert_eq!(set.ptc_to_2023(name).unwrap(), want, "{name}");
        }
        assert_eq!(
            set.ptc_to_2023("Whataboutism,Straw_Men,Red_Herring")
                .unwrap(),
            [
                "Straw_Man",
                "Red_Herring",
                "Whataboutism",
                "Appeal_to_Hypocrisy"
            ]
        );
        for same in [
            "Loaded_Language",
            "Repetition",
            "Doubt",
            "Slogans",
            "Appeal_to_Authority",
            "Causal_Oversimplification",
        ] {
            assert_eq!(set.ptc_to_2023(same).unwrap(), [same]);
        }
        assert_eq!(set.ptc_to_2023("loaded_language"), None);
        assert_eq!(set.ptc_to_2023("Appeal_to_Time"), None);
    }

    #[test]
    fn check_model_accepts_only_the_schema_order() {
        let set = disk();
        let claim = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        set.check_model(
            "claim",
            &claim(&["attributed", "vague", "unattributed", "none"]),
        )
        .unwrap();
        let techniques: Vec<String> = TECHNIQUES_SUBTASK3.iter().map(|s| s.to_string()).collect();
        set.check_model(TECHNIQUE_FAMILY, &techniques).unwrap();

        let cases: [(&str, &[&str], &str); 6] = [
            (
                "reorder",
                &["vague", "attributed", "unattributed", "none"],
                "index 0: expected `attributed`, found `vague`",
            ),
            (
                "rename",
                &["attributed", "vague", "unsourced", "none"],
                "index 2: expected `unattributed`, found `unsourced`",
            ),
            (
                "missing",
                &["attributed", "vague", "unattributed"],
                "index 3: expected `none`, found nothing (the model has 3",
            ),
            (
                "extra",
                &["attributed", "vague", "unattributed", "none", "other"],
                "index 4: expected nothing (the schema has 4",
            ),
            (
                "case",
                &["Attributed", "vague", "unattributed", "none"],
                "index 0: expected `attributed`, found `Attributed`",
            ),
            (
                "empty",
                &[],
                "index 0: expected `attributed`, found nothing",
            ),
        ];
        for (what, ids, want) in cases {
            let got = message(set.check_model("claim", &claim(ids)).unwrap_err());
            assert!(got.contains(want), "{what}: {got}");
            assert!(got.contains("family `claim`"), "{what}: {got}");
        }
        let got = message(set.check_model("frames", &[]).unwrap_err());
        assert!(got.contains("unknown family `frames`"), "{got}");
    }

    /// Copies `labels/` into a temporary directory, with `from` replaced by `to` in `file`.
    fn broken(file: &str, from: &str, to: &str) -> (tempfile::TempDir, Result<LabelSet>) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in EMBEDDED {
            let text = if name == file {
                assert!(text.contains(from), "{file} has no `{from}`");
                text.replacen(from, to, 1)
            } else {
                text.to_owned()
            };
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let result = LabelSet::load(dir.path());
        (dir, result)
    }

    #[test]
    fn malformed_schemas_are_errors_naming_the_file() {
        let cases: [(&str, &str, &str, &str); 17] = [
            (
                "claim.toml",
                "id = \"vague\"",
                "id = \"vague",
                "claim.toml:",
            ),
            (
                "claim.toml",
                "definition = \"A factual claim tied only",
                "defn = \"A factual claim tied only",
                "unknown field `defn`",
            ),
            (
                "claim.toml",
                "example = \"Insiders say",
                "# example = \"Insiders say",
                "missing field `example`",
            ),
            (
                "claim.toml",
                "definition = \"No checkable factual claim.\"",
                "definition = \"  \"",
                "label `none`: empty definition",
            ),
            (
                "claim.toml",
                "id = \"none\"\nname = \"none\"",
                "id = \"vague\"\nname = \"vague\"",
                "duplicate id `vague`",
            ),
            (
                "content.toml",
                "id = \"boilerplate\"\nname = \"boilerplate\"",
                "id = \"none\"\nname = \"none\"",
                "duplicate id `none`",
            ),
            (
                "claim.toml",
                "family = \"claim\"\ndefinition = \"No",
                "family = \"frames\"\ndefinition = \"No",
                "unknown family `frames`",
            ),
            (
                "schema.toml",
                "name = \"claim\"",
                "name = \"frames\"",
                "unknown family `frames`",
            ),
            (
                "schema.toml",
                "file = \"claim.toml\"",
                "file = \"claims.toml\"",
                "claims.toml: cannot read",
            ),
            (
                "techniques.toml",
                "category = \"Call\"",
                "category = \"Calls\"",
                "unknown category `Calls`",
            ),
            (
                "techniques.toml",
                "category = \"Justification\"\ndefinition",
                "category = \"Justification\"\ncategory_x = 1\ndefinition",
                "techniques.toml:",
            ),
            (
                "schema.toml",
                "id = \"framemark/1\"",
                "id = \"framemark/2\"",
                "major version mismatch",
            ),
            (
                "schema.toml",
                "version = \"1.0.0\"",
                "version = \"2.0.0\"",
                "major version mismatch",
            ),
            (
                "schema.toml",
                "version = \"1.0.0\"",
                "version = \"1.0\"",
                "not MAJOR.MINOR.PATCH",
            ),
            (
                "content.toml",
                "parent = \"filler\"\ndefinition",
                "parent = \"article-ish\"\ndefinition",
                "parent `article-ish`",
            ),
            (
                "techniques.toml",
                "ptc = [\"Doubt\"]",
                "ptc = [\"Slogans\"]",
                "PTC name `Slogans` maps to both",
            ),
            (
                "claim.toml",
                "id = \"none\"\nname = \"none\"",
                "id = \"none\"\nname = \"nothing\"",
                "id and name differ",
            ),
        ];
        for (file, from, to, want) in cases {
            let (_dir, result) = broken(file, from, to);
            let Err(err) = result else {
                panic!("{file}: `{from}` -> `{to}` still loads")
            };
            let got = message(err);
            assert!(got.contains(file), "error does not name {file}: {got}");
            assert!(got.contains(want), "expected `{want}` in: {got}");
        }
    }

    #[test]
    fn toml_syntax_errors_carry_a_line_number() {
        let (_dir, result) = broken("claim.toml", "multi_label = false", "multi_label = ");
        let got = message(result.unwrap_err());
        assert!(got.contains("claim.toml:7:"), "{got}");
    }
}
