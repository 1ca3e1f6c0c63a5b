//! The label schema against the SemEval-2023 Task 3 training labels: every technique name the
//! organisers' annotators used must be a technique of `framemark/1`, on disk and embedded.

use std::path::Path;

use framemark::labels::LabelSet;

#[test]
fn every_semeval_2023_train_technique_is_in_the_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("../shared/data/semeval2023-task3-en/train-labels-subtask-3.txt");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!(
            "skipped: {} is absent (needs ../shared next to the crate)",
            path.display()
        );
        return;
    };
    let set = LabelSet::load(&root.join("labels")).expect("labels/ loads");
    assert_eq!(set, LabelSet::embedded(), "embedded schema is stale");
    let known: Vec<&str> = set.techniques().iter().map(|l| l.id.as_str()).collect();

    let mut used = std::collections::BTreeSet::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let columns: Vec<&str> = line.split('\t').collect();
        assert!(
            columns.len() >= 2,
            "{}:{}: expected `article<TAB>paragraph<TAB>techniques`",
            path.display(),
            n + 1
        );
        let techniques = columns.get(2).copied().unwrap_or("");
        for name in techniques
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            assert!(
                known.contains(&name),
                "{}:{}: `{name}` is not a framemark/1 technique",
                path.display(),
                n + 1
            );
            used.insert(name.to_owned());
        }
    }
    // The train split uses 19 of the 23 techniques; fewer means the file was not parsed as expected.
    assert!(
        used.len() >= 19,
        "only {} technique names found in {}",
        used.len(),
        path.display()
    );
}
