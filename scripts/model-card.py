#!/usr/bin/env python3
"""Writes models/<name>/MODEL_CARD.md from the model directory, its training log and the JSON of
`framemark eval --json` (so every number in the card is one that was measured).

Usage: python3 scripts/model-card.py MODEL_DIR TRAIN_LOG EVAL_JSONL > MODEL_DIR/MODEL_CARD.md
"""
import json
import re
import sys

model_dir, log_path, eval_path = sys.argv[1:4]
spec = json.load(open(f"{model_dir}/framemark.json"))
log = open(log_path, encoding="utf-8").read()
evals = {r["set"]: r for r in map(json.loads, open(eval_path, encoding="utf-8")) if r}
cfg = re.search(r"framemark train: (TrainConfig .*)", log).group(1)
epochs = re.findall(r"epoch (\d+) done .*?dev SLC F1 ([\d.]+).*?micro-F1 ([\d.]+)", log)
best = re.search(r"best epoch on dev SLC F1: (\d+)", log).group(1)
counts = re.search(r"examples: (.*)", log).group(1)
authored = re.search(r"^authored: (.*)", log, re.M)


def f(x):
    return f"{x:.4f}"


def row(r):
    m = r["micro"]
    return f"| `{r['set']}` | {r['units']} | {f(m['precision'])} | {f(m['recall'])} | {f(m['f1'])} | {f(r['macro_f1'])} |"


out = []
w = out.append
w(f"# {spec['name']} {spec['version']}")
w("")
w("framemark's model: one encoder, two heads, one forward pass per unit (sentence).")
w("")
w(f"- **Base**: {spec['base']}. Architecture BERT, 6 layers, 384 hidden, 22.7 M parameters.")
w(f"- **Heads**: `heads.sentence` (mean-pooled; sigmoid per label: `loaded` + the 23 SemEval-2023 techniques) and")
w(f"  `heads.token` (per token: `any` + the 23 techniques; the evidence spans). Label schema `{spec['schema']}`.")
w(f"- **Inputs**: one unit, at most {spec['max_len']} tokens (`tokenizer.json`, lower-cased WordPiece).")
w("- **Weights**: `model.safetensors`, fp16 (computed in f32 by both backends: candle and rust-bert/tch).")
w("- **Decisions**: `thresholds.toml`, every threshold chosen on PTC dev (the tuning set), never on held-out data.")
w("")
w("## Training data")
w("")
w("| data | use | licence |")
w("|---|---|---|")
w("| PTC-2020 / SemEval-2020 Task 11 train (371 articles) | lines: `loaded` = overlaps a gold span; token spans of the 14 classes mapped to 2023 names | research use (organisers' distribution) |")
w("| SemEval-2023 Task 3 EN subtask 3 train, PTC-train articles only | the 23 technique targets per line (from paragraph labels) | research use |")
w("| BABE SG2 minus the held-out links | `loaded` (biased / non-biased) | AGPL-3.0 repository |")
w("| framemark-authored sentences (`labels/authored/`) | all 23 targets + evidence; Guilt_by_Association and hard negatives | CC0-1.0 |")
w("")
w(f"Examples: {counts}" + (f"; authored {authored.group(1)}" if authored else "") + ".")
w("PTC dev (75 articles) and their SemEval-2023 paragraph labels are the dev set: checkpoint choice and thresholds.")
w("The PTC test articles (= SemEval-2023 dev) and the BABE held-out links are never read by training.")
w("")
w("Reproduce (after `bash scripts/setup-torch.sh` and a `--features torch` build):")
w("")
w("```sh")
w("./target/release/framemark train --base ~/.cache/framemark/libtorch/base/all-MiniLM-L6-v2 \\")
w("    --out runs/framemark-minilm --seed 13   # defaults = this recipe")
w("```")
w("")
w(f"Logged configuration: `{cfg}`")
w("")
w("| epoch | dev SLC F1 | dev paragraph micro-F1 |")
w("|---|---|---|")
for e, slc, para in epochs:
    w(f"| {e}{' (shipped)' if e == best else ''} | {slc} | {para} |")
w("")
w("## Scores")
w("")
w("Measured with `framemark eval ptc-dev ptc-test semeval23-dev babe-test --json` (candle backend).")
w("`ptc-dev` is the tuning set; the others are held out and reported as they came out.")
w("")
w("| set | units | precision | recall | F1 (micro) | macro-F1 |")
w("|---|---|---|---|---|---|")
for name in ["ptc-dev", "ptc-test", "semeval23-dev", "babe-test"]:
    if name in evals:
        w(row(evals[name]))
w("")
w("- `ptc-dev`, `ptc-test`: sentence-level propaganda (NLP4IF-2019 SLC): a line is positive when it overlaps a gold span.")
w("- `semeval23-dev`: 23 techniques per paragraph (a paragraph carries the union of its lines' techniques).")
w("- `babe-test`: `loaded` against the expert `Biased` label; macro-F1 over the two classes.")
if "semeval23-dev" in evals:
    w("")
    w("Per technique on `semeval23-dev`:")
    w("")
    w("| technique | precision | recall | F1 | support |")
    w("|---|---|---|---|---|")
    for l in evals["semeval23-dev"]["labels"]:
        w(f"| {l['label']} | {f(l['precision'])} | {f(l['recall'])} | {f(l['f1'])} | {l['support']} |")
w("")
w("## Limits")
w("")
w("- English news only. Trained on 2017–2019 articles (PTC) plus BABE sentences; other genres and periods shift scores.")
w("- Rare techniques (Guilt_by_Association, Straw_Man, Whataboutism, Appeal_to_Time ...) have little public data;")
w("  their thresholds fall back to one shared value, and their evidence comes from the `any` channel when")
w("  training had too few spans for their own token channel (`token_supervised` in framemark.json).")
w("- The licences of PTC and SemEval-2023 are research-only: this model is for research use.")
print("\n".join(out))
