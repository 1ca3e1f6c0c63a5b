//! The shipped model on real documents: the seed articles (`../shared/seeds`, skipped with a
//! message when absent) and, with `--features torch`, candle/torch parity.

use std::path::PathBuf;

use framemark::labels::LabelSet;
use framemark::model::BackendKind;
#[cfg(feature = "torch")]
use framemark::model::UnitInput;
use framemark::pipeline::Classifier;
use framemark::report::DocReport;
use framemark::text::{Document, Offsets};

fn model_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/framemark-minilm")
}

fn seeds() -> Option<Vec<Document>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipping: ../shared/seeds not found");
        return None;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    Some(
        paths
            .into_iter()
            .map(|p| Document {
                id: p.file_name().unwrap().to_string_lossy().into(),
                text: std::fs::read_to_string(&p).unwrap(),
                offsets: Offsets::Input,
                dom: None,
            })
            .collect(),
    )
}

fn classify(kind: BackendKind, docs: &[Document]) -> Vec<DocReport> {
    let clf = Classifier::load(&model_dir(), kind, &LabelSet::embedded()).expect("model loads");
    clf.classify(docs).expect("classifies")
}

/// The "Soros funded/backed/influenced" sentences are Guilt_by_Association, with the smear's words
/// (the name or its funded/backed/influenced link) as evidence.
#[test]
fn seeds_soros_smear_is_guilt_by_association() {
    let Some(docs) = seeds() else { return };
    let reports = classify(BackendKind::Candle, &docs);
    let mut seen = 0;
    for (doc, rep) in docs.iter().zip(&reports) {
        let chars: Vec<char> = doc.text.chars().collect();
        for u in rep.units.iter().filter(|u| {
            let t = u.text.to_lowercase();
            t.contains("soros") && (t.contains("funded") || t.contains("backed") || t.contains("influenced"))
        }) {
            seen += 1;
            let gba = u.techniques.iter().find(|t| t.label == "Guilt_by_Association");
            let gba = gba.unwrap_or_else(|| panic!("{} unit {}: no Guilt_by_Association in {:?}: {}", rep.doc, u.unit, u.techniques, u.text));
            let words: String = gba.evidence.iter().map(|&[s, e]| chars[s..e].iter().collect::<String>() + " ").collect();
            // The evidence must be the smear itself: "Soros" or its funded/backed/influenced link.
            let w = words.to_lowercase();
            assert!(
                ["soros", "funded", "backed", "influenced"].iter().any(|k| w.contains(k)),
                "{} unit {}: evidence {words:?}",
                rep.doc,
                u.unit
            );
        }
    }
    assert!(seen >= 2, "expected the Soros sentences in the seeds, saw {seen}");
}

/// The wire-style report (seed 003) is mostly unflagged.
#[test]
fn seeds_wire_report_is_mostly_unflagged() {
    let Some(docs) = seeds() else { return };
    let reports = classify(BackendKind::Candle, &docs);
    let wire = reports.iter().find(|r| r.doc.starts_with("003")).expect("seed 003");
    let loaded = wire.units.iter().filter(|u| u.loaded).count();
    let share = loaded as f64 / wire.units.len() as f64;
    let propaganda = reports.iter().find(|r| r.doc.starts_with("000")).expect("seed 000");
    let share_000 = propaganda.units.iter().filter(|u| u.loaded).count() as f64 / propaganda.units.len() as f64;
    eprintln!("loaded share: 003 {share:.2}, 000 {share_000:.2}");
    assert!(share < 0.25, "003 loaded share {share:.2}");
    assert!(share_000 > share, "000 ({share_000:.2}) should be more loaded than 003 ({share:.2})");
}

/// Filler on the seeds (LABELING-GUIDE.md family 1, issue 4): the page furniture the guide and the
/// issue name is filler, and the articles' headlines, bylines, bodies and own "Sources:" lists are
/// article. Units are found by their text, so the test reads as the criterion does.
#[test]
fn seeds_filler_is_the_page_furniture() {
    let Some(docs) = seeds() else { return };
    let reports = classify(BackendKind::Candle, &docs);
    let doc = |prefix: &str| reports.iter().find(|r| r.doc.starts_with(prefix)).unwrap_or_else(|| panic!("seed {prefix}"));
    let unit = |prefix: &str, starts: &str| {
        doc(prefix).units.iter().find(|u| u.text.starts_with(starts)).unwrap_or_else(|| panic!("{prefix}: no unit {starts:?}"))
    };
    let filler = [
        ("000", "Exposing Global Agendas."),
        ("000", "Defending National Sovereignty."),
        ("000", "Share this Post:"),
        ("000", "Trending Headlines"),
        ("000", "For many Kosovars"),
        ("000", "George Soros, a billionaire philanthropist"),
        ("000", "Send us a message."),
        ("000", "Get our stories delivered"),
        ("000", "We will never spam you."),
        ("000", "Search for Posts"),
        ("002", "Related Posts"),
        ("002", "This Is What Your Favorite Shade"),
        ("002", "Colors speak to us"),
        ("002", "Nobody Knew What This Strange Glass Dumbbell Was"),
        ("002", "If you’ve ever taken a carton of milk"),
        ("003", "\" Conservative News Daily does not always share"),
        // An ALL-CAPS teaser headline in the middle of 003's article (0.3.2 left it article).
        ("003", "DHS DENIES ICE CUT TRAINING"),
    ];
    let mut wrong = Vec::new();
    for (d, t) in filler {
        if !unit(d, t).is_filler() {
            wrong.push(format!("{d} {t:?} should be filler"));
        }
    }
    // Every teaser date of 000's "Trending Headlines" block is filler too.
    let trending = doc("000").units.iter().position(|u| u.text == "Trending Headlines").expect("block");
    for u in doc("000").units[trending..].iter().filter(|u| u.text.ends_with(", 2025")) {
        if !u.is_filler() {
            wrong.push(format!("000 teaser date {:?} (unit {}) should be filler", u.text, u.unit));
        }
    }
    let article = [
        ("000", "President Trump’s DHS Forges Powerful Partnerships"),
        ("000", "By Expel Soros"),
        ("000", "May 26, 2025"),
        ("000", "A Robust Framework for Cooperation"),
        ("000", "Overcoming Soros Backed Sanctuary City Resistance"),
        ("000", "In 2024, 287(g) partnerships identified"),
        ("001", "Law Enforcement Alliance with ICE"),
        ("001", "Sources:"),
        ("001", "rpwmedia.com"),
        ("002", "Massive Coalition"),
        ("002", "The program has blurred the line"),
        ("003", "ICE brings 1,000 police departments"),
        ("003", "“We encourage all state and local law enforcement agencies"),
        ("004", "Largest Immigration Crackdown"),
        ("004", "Police officers gathered near a crowd with flags."),
        ("004", "Sources:"),
        ("004", "DHS salary reimbursement and program details (Axios)"),
        ("004", "State partnerships and legal orders (AILA)"),
        ("004", "287(g) agreements data and analysis (Migration Policy Institute)"),
        ("004", "Federal training priorities and ICE hiring surge (GovExec)"),
        ("000", "Looking Ahead"),
    ];
    for (d, t) in article {
        if unit(d, t).is_filler() {
            wrong.push(format!("{d} {t:?} should be article"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Issue 3's seed checks: 003's DHS/ICE quotes and "according to" sentences are attributed with the
/// source among their evidence words; "many believe" is vague; 000's bare statistics are
/// unattributed; filler gets no claim. The shipped model has no claim head yet, so this runs on a
/// candidate model: `FRAMEMARK_CLAIMS_MODEL=runs/pipeline/claims/model cargo test --release --
/// --ignored seeds_claims`.
#[test]
#[ignore = "needs a model with the claim head in FRAMEMARK_CLAIMS_MODEL; the shipped model has none yet"]
fn seeds_claims() {
    let Some(docs) = seeds() else { return };
    let dir = PathBuf::from(std::env::var_os("FRAMEMARK_CLAIMS_MODEL").expect("FRAMEMARK_CLAIMS_MODEL: a model directory with the claim head"));
    let clf = Classifier::load(&dir, BackendKind::Candle, &LabelSet::embedded()).expect("model loads");
    let reports = clf.classify(&docs).expect("classifies");
    let doc = |prefix: &str| reports.iter().find(|r| r.doc.starts_with(prefix)).unwrap_or_else(|| panic!("seed {prefix}"));
    let unit = |prefix: &str, starts: &str| {
        doc(prefix).units.iter().find(|u| u.text.starts_with(starts)).unwrap_or_else(|| panic!("{prefix}: no unit {starts:?}"))
    };
    let evidence = |u: &framemark::report::UnitRecord| -> Vec<String> {
        let chars: Vec<char> = u.text.chars().collect();
        u.claim_evidence.iter().flatten().map(|&[a, b]| chars[a - u.start..b - u.start].iter().collect()).collect()
    };
    let mut wrong = Vec::new();
    let attributed = [
        ("003", "The DHS announced on Wednesday", "DHS"),
        ("003", "“ICE is not only supercharging", "Madison Sheahan"),
        ("003", "When Trump took office in 2017, 35 agreements", "America First Policy Institute"),
        ("003", "“We encourage all state and local", "Sheahan"),
        ("004", "According to DHS, 8,501 officers", "DHS"),
    ];
    for (d, t, source) in attributed {
        let u = unit(d, t);
        let ev = evidence(u);
        if u.claim.as_deref() != Some("attributed") || !ev.iter().any(|e| e.contains(source)) {
            wrong.push(format!("{d} {t:?}: {:?} with evidence {ev:?}, want attributed to {source:?}", u.claim));
        }
    }
    let expected = [
        ("001", "Following last week’s surge of 55 new police partners", "vague"),
        ("000", "In 2024, 287(g) partnerships identified over 70,000", "unattributed"),
        // Not yet: "65% of Americans polled" (000) comes out unattributed and "Social media posts
        // praise" (000) attributed; the guide makes both vague (issue 3 stays open on them).
    ];
    for (d, t, want) in expected {
        let u = unit(d, t);
        if u.claim.as_deref() != Some(want) {
            wrong.push(format!("{d} {t:?}: {:?}, want {want}", u.claim));
        }
    }
    for r in &reports {
        for u in r.units.iter().filter(|u| u.is_filler() && u.claim.is_some()) {
            wrong.push(format!("{} unit {} is filler with a claim", r.doc, u.unit));
        }
        assert!(r.units.iter().filter(|u| !u.is_filler()).all(|u| u.claim.is_some()), "{}: an article unit without a claim label", r.doc);
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A sentence sent alone (one JSONL record, one BABE sentence) has no page around it: the content
/// layer takes it for article. Every sentence of the bundled example, each as its own document.
#[test]
fn lone_sentences_are_article() {
    let text = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/harbor-bridge.txt")).unwrap();
    let docs: Vec<Document> = framemark::text::segment(&text)
        .into_iter()
        .filter(|u| u.text.split_whitespace().count() >= 6)
        .map(|u| Document { id: format!("u{}", u.index), text: u.text, offsets: Offsets::Input, dom: None })
        .collect();
    let reports = classify(BackendKind::Candle, &docs);
    let filler: Vec<&str> = reports.iter().flat_map(|r| &r.units).filter(|u| u.is_filler()).map(|u| u.text.as_str()).collect();
    assert!(docs.len() >= 8, "example too short: {} sentences", docs.len());
    assert!(filler.is_empty(), "lone sentences taken for filler: {filler:?}");
}

/// `eval authored-dev` on the shipped model: the held-back authored pages, units and whole pages.
/// With nothing taken for filler, exactly the pages without furniture (the hard negatives) are
/// entirely right.
#[test]
fn authored_dev_scores_units_and_whole_pages() {
    let (_, dev) = framemark::data::web::load_authored_split(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("labels/authored")).unwrap();
    let mut clf = Classifier::load(&model_dir(), BackendKind::Candle, &LabelSet::embedded()).unwrap();
    let pages_row = |r: &framemark::eval::EvalReport| r.labels.iter().find(|l| l.label == "pages entirely right").cloned().expect("a pages row");
    let r = framemark::eval::evaluate("authored-dev", std::path::Path::new("no-data-needed"), &clf).unwrap();
    let pages = pages_row(&r);
    assert_eq!(pages.support, dev.len());
    assert!(pages.predicted <= dev.len() && (pages.f1 - pages.predicted as f64 / dev.len() as f64).abs() < 1e-9);
    assert!(r.micro.f1 >= 0.95, "shipped model: authored dev filler F1 {:.4}", r.micro.f1);
    clf.thresholds.filler = 1.01;
    let none = framemark::eval::evaluate("authored-dev", std::path::Path::new("no-data-needed"), &clf).unwrap();
    let clean = dev.iter().filter(|p| p.lines.iter().all(|l| l.content == framemark::data::web::Content::Article)).count();
    assert!(clean > 0 && clean < dev.len(), "{clean} of {} dev pages have no furniture", dev.len());
    assert_eq!(pages_row(&none).predicted, clean);
    assert_eq!((none.micro.predicted, none.micro.support), (0, r.micro.support));
}

/// The bundled test page (`tests/fixtures/article.html`: a menu, an article, a footer) read as HTML.
fn html_fixture() -> Document {
    let html = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/article.html")).unwrap();
    Document::from_html("article.html", framemark::text::html::extract(&html))
}

/// From HTML the content layer reads the markup too (menus, footers, link share): on the test page
/// the menu and the footer are filler and the article (headline and its three sentences) is not,
/// and the page's content scores differ from those of the same text read as plain text.
#[test]
fn html_markup_reaches_the_content_layer() {
    let page = html_fixture();
    let plain = Document::plain("article.txt", page.text.clone());
    let reports = classify(BackendKind::Candle, &[page, plain]);
    let (html, text) = (&reports[0].units, &reports[1].units);
    let filler: Vec<&str> = html.iter().filter(|u| u.is_filler()).map(|u| u.text.as_str()).collect();
    for menu in ["Home", "Region", "Opinion", "© 2031 Lakeside Courier.", "Privacy"] {
        assert!(filler.contains(&menu), "{menu:?} is not filler; filler: {filler:?}");
    }
    let article: Vec<&str> = html.iter().filter(|u| !u.is_filler()).map(|u| u.text.as_str()).collect();
    assert_eq!(article.len(), 4, "headline and three sentences: {article:?}");
    assert!(article[0].starts_with("Ferry fares to double"), "{article:?}");
    let moved = html.iter().zip(text).map(|(a, b)| (a.content_score.unwrap() - b.content_score.unwrap()).abs()).fold(0.0f32, f32::max);
    assert!(moved > 0.01, "the markup changes no content score (max difference {moved})");
}

/// candle and rust-bert/tch load the same fp16 safetensors and agree on every seed unit and on the
/// HTML test page (markup features included).
#[cfg(feature = "torch")]
#[test]
fn candle_and_torch_agree() {
    let Some(docs) = seeds() else { return };
    let labels = LabelSet::embedded();
    let texts: Vec<Vec<String>> =
        docs.iter().map(|d| framemark::text::segment(&d.text).into_iter().map(|u| u.text).collect()).collect();
    let texts: Vec<Vec<&str>> = texts.iter().map(|d| d.iter().map(String::as_str).collect()).collect();
    // Each unit with its neighbours, so a model with context is compared on context too.
    let mut inputs: Vec<UnitInput> = texts.iter().flat_map(|d| UnitInput::in_document(d)).collect();
    // And a page read from HTML, so the markup features are compared too.
    let page = html_fixture();
    let units = framemark::text::segment(&page.text);
    let page_texts: Vec<&str> = units.iter().map(|u| u.text.as_str()).collect();
    let dom = page.unit_dom(&units);
    inputs.extend(UnitInput::in_page(&page_texts, dom.as_deref()));
    let a = Classifier::load(&model_dir(), BackendKind::Candle, &labels).unwrap().score(&inputs).unwrap();
    let b = Classifier::load(&model_dir(), BackendKind::Torch, &labels).unwrap().score(&inputs).unwrap();
    // Tolerance: both compute in f32 from the same fp16 weights; kernels differ in summation order.
    const TOL: f32 = 1e-4;
    let mut worst = 0.0f32;
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.token_offsets, y.token_offsets);
        for (p, q) in x.sentence.iter().zip(&y.sentence) {
            worst = worst.max((p - q).abs());
        }
        for (p, q) in x.tokens.iter().zip(y.tokens.iter()) {
            worst = worst.max((p - q).abs());
        }
        assert_eq!(x.content.len(), y.content.len());
        for (p, q) in x.content.iter().zip(&y.content) {
            worst = worst.max((p - q).abs());
        }
    }
    eprintln!("candle/torch max abs probability difference over {} units: {worst:.2e}", inputs.len());
    assert!(worst <= TOL, "max difference {worst} > {TOL}");
}

/// A tiny training run end to end: data → examples → steps → checkpoint → model dir → loads.
#[cfg(feature = "torch")]
#[test]
fn train_smoke() {
    let _turn = torch_turn();
    let Some(data) = shared_data() else { return };
    let out = tempfile::tempdir().unwrap();
    let cfg = smoke_config(data, out.path());
    let dir = framemark::train::train(&cfg, &LabelSet::embedded()).expect("training runs");
    let clf = Classifier::load(&dir, BackendKind::Candle, &LabelSet::embedded()).expect("trained model loads");
    let doc = Document { id: "x".into(), text: "They unleashed chaos.".into(), offsets: Offsets::Input, dom: None };
    let r = clf.classify(&[doc]).unwrap();
    assert_eq!(r[0].units.len(), 1);
    assert!(std::fs::read_to_string(out.path().join("train.log")).unwrap().contains("epoch 1 done"));
}

/// `train --from`: a content head trained on top of the shipped model leaves every framing output
/// exactly as it was (encoder and framing heads frozen), and the new model loads and decides filler.
#[cfg(feature = "torch")]
#[test]
fn content_head_smoke() {
    let _turn = torch_turn();
    let Some(data) = shared_data() else { return };
    let out = tempfile::tempdir().unwrap();
    let cfg = framemark::train::TrainConfig {
        epochs: 2,
        lr: 1e-3,
        context: 0,
        content_units: 60,
        limit: Some(6),
        babe: false,
        paragraphs: false,
        authored: None,
        content_rnn: 8,
        // Three layers trained, the two best on dev kept and averaged: both backends must read
        // and average them alike, and the third must not be saved.
        content_members: 2,
        content_candidates: 3,
        // The cosine schedule runs too (its last step must leave finite weights: parity below).
        layer_lr_decay: true,
        ..smoke_config(data, out.path())
    };
    let dir = framemark::train::train_content_head(&cfg, &model_dir(), &LabelSet::embedded()).expect("training runs");
    let log = std::fs::read_to_string(out.path().join("train.log")).unwrap();
    assert!(log.contains("layer 2 trained"), "third content layer not trained:\n{log}");
    assert!(log.contains("kept content layers"), "no layer chosen on dev:\n{log}");
    assert!(log.contains("authored dev pages all right: ") && log.contains("(pages all right: "), "no page-level dev count:\n{log}");
    let weights = std::fs::read(dir.join("model.safetensors")).unwrap();
    let n = u64::from_le_bytes(weights[..8].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&weights[8..8 + n]).unwrap();
    assert!(header.contains("\"heads.content_1.weight\"") && !header.contains("heads.content_2"), "saved layers: {header}");
    // The HTML thresholds are chosen for the new layer (tune-filler), not carried over.
    let th = framemark::decide::Thresholds::load(&dir.join("thresholds.toml")).unwrap();
    assert!(th.filler_html.is_some() && th.filler_html_kept.is_some(), "no HTML thresholds:\n{th:?}");
    assert!(log.contains("filler_html "), "tune-filler not logged:\n{log}");
    let labels = LabelSet::embedded();
    let texts = ["They unleashed chaos on our towns.", "Sign up for our newsletter.", "The bridge reopened on Monday."];
    let inputs = UnitInput::in_document(&texts);
    let new = Classifier::load(&dir, BackendKind::Candle, &labels).expect("trained model loads");
    let old = Classifier::load(&model_dir(), BackendKind::Candle, &labels).unwrap();
    assert_eq!(new.dir.spec.content_members, 2);
    let (a, b) = (new.score(&inputs).unwrap(), old.score(&inputs).unwrap());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.sentence, y.sentence, "framing scores changed");
        assert_eq!(x.tokens, y.tokens, "evidence scores changed");
        assert_eq!(x.content.len(), new.dir.spec.content_labels.len());
    }
    let r = new.classify(&[Document { id: "x".into(), text: texts.join("\n"), offsets: Offsets::Input, dom: None }]).unwrap();
    assert!(r[0].units.iter().all(|u| u.content.is_some()));
    // The GRU runs as plain loops in candle and as libtorch's GRU in torch: same numbers.
    let torch = Classifier::load(&dir, BackendKind::Torch, &labels).unwrap().score(&inputs).unwrap();
    for (x, y) in a.iter().zip(&torch) {
        for (p, q) in x.content.iter().zip(&y.content) {
            assert!((p - q).abs() <= 1e-4, "content: candle {p} vs torch {q}");
        }
    }
}

/// Each tensor's raw bytes of a safetensors file, by name.
#[cfg(feature = "torch")]
fn tensor_bytes(path: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let bytes = std::fs::read(path).unwrap();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
    let data = &bytes[8 + n..];
    header
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| *k != "__metadata__")
        .map(|(k, v)| {
            let o = &v["data_offsets"];
            let (a, b) = (o[0].as_u64().unwrap() as usize, o[1].as_u64().unwrap() as usize);
            (k.clone(), data[a..b].to_vec())
        })
        .collect()
}

/// `train --from --content-seed-offset` trains exactly the later layers of a longer ensemble run,
/// and `--content-layers-from` joins finished runs' layers into one model, unchanged.
#[cfg(feature = "torch")]
#[test]
fn content_layers_split_and_joined() {
    let _turn = torch_turn();
    let Some(data) = shared_data() else { return };
    let out = tempfile::tempdir().unwrap();
    let run = |name: &str, members: usize, offset: usize, from: Vec<PathBuf>| {
        let cfg = framemark::train::TrainConfig {
            epochs: 1,
            lr: 1e-3,
            context: 0,
            content_units: 40,
            limit: Some(4),
            babe: false,
            paragraphs: false,
            authored: None,
            content_rnn: 4,
            content_members: members,
            content_candidates: 0,
            content_seed_offset: offset,
            content_layers_from: from,
            ..smoke_config(data.clone(), &out.path().join(name))
        };
        let dir = framemark::train::train_content_head(&cfg, &model_dir(), &LabelSet::embedded()).expect("training runs");
        tensor_bytes(&dir.join("model.safetensors"))
    };
    let long = run("long", 2, 0, Vec::new());
    let second = run("second", 1, 1, Vec::new());
    let joined = run("joined", 3, 0, vec![out.path().join("long/model"), out.path().join("second/model")]);
    let layer = |w: &std::collections::BTreeMap<String, Vec<u8>>, head: &str| -> Vec<(String, Vec<u8>)> {
        w.iter()
            .filter(|(k, _)| k.starts_with(&format!("heads.{head}.")) || k.starts_with(&format!("heads.{head}_rnn.")))
            .map(|(k, v)| (k[format!("heads.{head}").len()..].to_string(), v.clone()))
            .collect()
    };
    assert!(!layer(&long, "content_1").is_empty());
    assert_ne!(layer(&long, "content"), layer(&long, "content_1"), "two seeds, one layer");
    assert_eq!(layer(&second, "content"), layer(&long, "content_1"), "the offset run trains the long run's second layer");
    assert_eq!(layer(&joined, "content"), layer(&long, "content"));
    assert_eq!(layer(&joined, "content_1"), layer(&long, "content_1"));
    assert_eq!(layer(&joined, "content_2"), layer(&second, "content"));
    let rest = |w: &std::collections::BTreeMap<String, Vec<u8>>| -> Vec<(String, Vec<u8>)> {
        w.iter().filter(|(k, _)| !k.starts_with("heads.content")).map(|(k, v)| (k.clone(), v.clone())).collect()
    };
    assert_eq!(rest(&joined), rest(&long));
}

/// `train --claims --from`: the claim layer trains on a frozen model, framing and content outputs
/// stay exactly as they were, the new model decides claims with evidence, and both backends agree
/// on the claim outputs (GRU included).
#[cfg(feature = "torch")]
#[test]
fn claim_head_smoke() {
    let _turn = torch_turn();
    let Some(data) = shared_data() else { return };
    let out = tempfile::tempdir().unwrap();
    let cfg = framemark::train::TrainConfig { epochs: 2, lr: 1e-3, limit: Some(6), ..smoke_config(data, out.path()) };
    let dir = framemark::train::train_claim_head(&cfg, &model_dir(), &LabelSet::embedded()).expect("training runs");
    let labels = LabelSet::embedded();
    let texts = ["The agency reported 412 new cases last month.", "Critics say the plan will fail.", "“It is working,” Mayor Ruth Alvarez said."];
    let inputs = UnitInput::in_document(&texts);
    let new = Classifier::load(&dir, BackendKind::Candle, &labels).expect("trained model loads");
    let old = Classifier::load(&model_dir(), BackendKind::Candle, &labels).unwrap();
    let (a, b) = (new.score(&inputs).unwrap(), old.score(&inputs).unwrap());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.sentence, y.sentence, "framing scores changed");
        assert_eq!(x.tokens, y.tokens, "evidence scores changed");
        assert_eq!(x.content, y.content, "content scores changed");
        assert_eq!(x.claim.len(), 3);
        assert_eq!(x.claim_tokens.ncols(), 2);
    }
    let r = new.classify(&[Document { id: "x".into(), text: texts.join("\n"), offsets: Offsets::Input, dom: None }]).unwrap();
    assert!(r[0].units.iter().all(|u| u.claim.is_some() || u.is_filler()));
    let torch = Classifier::load(&dir, BackendKind::Torch, &labels).unwrap().score(&inputs).unwrap();
    for (x, y) in a.iter().zip(&torch) {
        for (p, q) in x.claim.iter().chain(x.claim_tokens.iter()).zip(y.claim.iter().chain(y.claim_tokens.iter())) {
            assert!((p - q).abs() <= 1e-4, "claim: candle {p} vs torch {q}");
        }
    }
}

/// `train --blend-with`: a model blended with itself is the same model, whatever alpha; a blend
/// with another model is not.
#[cfg(feature = "torch")]
#[test]
fn blend_smoke() {
    let _turn = torch_turn();
    let Some(data) = shared_data() else { return };
    let labels = LabelSet::embedded();
    let texts = CLAIM_TEXTS;
    let inputs = UnitInput::in_document(&texts);
    let old = Classifier::load(&model_dir(), BackendKind::Candle, &labels).unwrap().score(&inputs).unwrap();
    let same = tempfile::tempdir().unwrap();
    let cfg = framemark::train::TrainConfig { limit: Some(6), ..smoke_config(data.clone(), same.path()) };
    let dir = framemark::train::blend(&cfg, &model_dir(), &model_dir(), 0.3, &labels).expect("blend runs");
    let new = Classifier::load(&dir, BackendKind::Candle, &labels).expect("blended model loads").score(&inputs).unwrap();
    for (x, y) in new.iter().zip(&old) {
        for (p, q) in x.sentence.iter().chain(&x.content).chain(&x.claim).zip(y.sentence.iter().chain(&y.content).chain(&y.claim)) {
            // fp16 storage: a blend of a weight with itself rounds back to the same half value.
            assert!((p - q).abs() <= 1e-3, "self-blend changed a probability: {p} vs {q}");
        }
    }
    // With a fresh joint smoke model (another encoder): the loaded probabilities move.
    let fresh = tempfile::tempdir().unwrap();
    let other = framemark::train::train(&smoke_config(data.clone(), fresh.path()), &labels).expect("training runs");
    let half = tempfile::tempdir().unwrap();
    let cfg = framemark::train::TrainConfig { limit: Some(6), ..smoke_config(data, half.path()) };
    let dir = framemark::train::blend(&cfg, &model_dir(), &other, 0.5, &labels).expect("blend runs");
    let mixed = Classifier::load(&dir, BackendKind::Candle, &labels).unwrap().score(&inputs).unwrap();
    assert!(mixed.iter().zip(&old).any(|(x, y)| (x.sentence[0] - y.sentence[0]).abs() > 1e-3), "a blend with another model changed nothing");
}

/// `train --init --distill`: a warm-started joint run keeps the init model's content layer and
/// filler threshold, and the distillation loss holds the framing probabilities closer to the init
/// model's than the same run without it.
#[cfg(feature = "torch")]
#[test]
fn warm_start_distill_smoke() {
    let _turn = torch_turn();
    let Some(data) = shared_data() else { return };
    let labels = LabelSet::embedded();
    let texts = CLAIM_TEXTS;
    let inputs = UnitInput::in_document(&texts);
    let old = Classifier::load(&model_dir(), BackendKind::Candle, &labels).unwrap();
    let old_scores = old.score(&inputs).unwrap();
    let run = |distill: f64| {
        let out = tempfile::tempdir().unwrap();
        let cfg = framemark::train::TrainConfig {
            init: Some(model_dir()),
            distill,
            claims: true,
            content_units: 0,
            context: 0,
            paragraphs: false,
            epochs: 2,
            batch_size: 4,
            lr: 5e-4,
            limit: Some(24),
            ..smoke_config(data.clone(), out.path())
        };
        let dir = framemark::train::train(&cfg, &labels).expect("training runs");
        let new = Classifier::load(&dir, BackendKind::Candle, &labels).expect("trained model loads");
        assert_eq!(new.dir.spec.content_rnn, old.dir.spec.content_rnn, "the content layer is kept");
        assert_eq!(new.thresholds.filler, old.thresholds.filler, "the filler threshold is kept");
        assert_eq!(new.dir.spec.claim_labels.len(), 3);
        let scores = new.score(&inputs).unwrap();
        scores.iter().zip(&old_scores).flat_map(|(x, y)| x.sentence.iter().zip(&y.sentence).map(|(p, q)| (p - q).abs())).sum::<f32>()
    };
    let (free, held) = (run(0.0), run(10.0));
    assert!(held < free, "distillation should hold framing closer to the init model: drift {held} with, {free} without");
}

/// libtorch's random seed and thread count are process-wide, and the test harness runs tests on
/// several threads: training tests take turns, so each run is the one its seed makes (two at once
/// drew from one generator and made `warm_start_distill_smoke` pass or fail by chance).
#[cfg(feature = "torch")]
fn torch_turn() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TURN.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `../shared/data` for the training smoke tests; `None` (with a message) where it is absent.
#[cfg(feature = "torch")]
fn shared_data() -> Option<PathBuf> {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if !data.is_dir() {
        eprintln!("skipping: ../shared/data not found");
        return None;
    }
    Some(data)
}

/// A loaded sentence, a vague claim and a plain fact, as one document.
#[cfg(feature = "torch")]
const CLAIM_TEXTS: [&str; 3] = ["They unleashed chaos on our towns.", "Critics say the plan will fail.", "The bridge reopened on Monday."];

/// A few-example training configuration for the smoke tests.
#[cfg(feature = "torch")]
fn smoke_config(data: PathBuf, out: &std::path::Path) -> framemark::train::TrainConfig {
    framemark::train::TrainConfig {
        data,
        base: model_dir(),
        base_name: "smoke".into(),
        init: None,
        distill: 0.0,
        out: out.to_path_buf(),
        name: "smoke".into(),
        version: "0".into(),
        epochs: 1,
        batch_size: 8,
        lr: 1e-5,
        token_weight: 0.5,
        seed: 1,
        max_len: 64,
        context: 8,
        content_units: 30,
        limit: Some(24),
        babe: true,
        paragraphs: true,
        authored: Some((PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("labels/authored/techniques.jsonl"), 1)),
        authored_pages: Some((PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("labels/authored"), 1)),
        authored_claims: Some((PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("labels/authored/claims-a.jsonl"), 1)),
        content_rnn: 0,
        content_members: 1,
        content_candidates: 1,
        layer_lr_decay: false,
        augment_pages: 0.0,
        furnish_ptc: false,
        content_seed_offset: 0,
        content_layers_from: Vec::new(),
        claim_rnn: 8,
        claim_sentences: 20,
        claims: true,
        threads: 2,
    }
}
