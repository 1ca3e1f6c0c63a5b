#!/usr/bin/env bash
# Trains the shipped model (models/framemark-minilm) from the base encoder, with fixed seeds,
# reading the data in place from ../shared/data (or $FRAMEMARK_DATA). About 2 hours on 2 CPU cores.
#
#   1. framing:  the framing-only fine-tune (0.1.0's recipe, the `train` defaults)          ~15 min
#   2. joint:    encoder + framing heads + unit-level claim heads, on PTC/BABE/authored and
#                PolNeAR train units and CheckThat! train sentences (`train --claims`)       ~55 min
#   3. blend:    encoder and framing heads = ALPHA * joint + (1 - ALPHA) * framing; thresholds
#                tuned anew on dev (ALPHA chosen on dev; see the model card)                  ~5 min
#   4. content:  the content (filler) layer on the frozen blend (`train --from`)             ~20 min
#   5. claims:   the claim layer with its document GRU on the frozen result (`--claims --from`) ~10 min
#
# Usage: bash scripts/train-model.sh [RUNS_DIR]   (default runs/pipeline); the model ends up in
# RUNS_DIR/claims/model. Needs `bash scripts/setup-torch.sh` and a `--features torch` build.
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-runs/pipeline}"
alpha="${ALPHA:-0.7}"
version="${VERSION:-0.4.0}"
base="${FRAMEMARK_TORCH:-$HOME/.cache/framemark/libtorch}/base/all-MiniLM-L6-v2"
fm=./target/release/framemark
common=(--base "$base" --version "$version")

[ -x "$fm" ] || { echo "build first: cargo build --release --features torch" >&2; exit 2; }
[ -f "$base/model.safetensors" ] || { echo "no base encoder at $base: run bash scripts/setup-torch.sh" >&2; exit 2; }

"$fm" train --base "$base" --seed 13 --out "$runs/framing" --version 0.1.0
"$fm" train "${common[@]}" --out "$runs/joint" --claims --epochs 2 --seed 13
"$fm" train "${common[@]}" --out "$runs/blend" --from "$runs/joint/model" \
    --blend-with "$runs/framing/model" --blend-alpha "$alpha" --seed 13
# Seed 7 here: of the two seeds tried for this layer (13, 7), 7 scored higher on the dev objective.
"$fm" train "${common[@]}" --out "$runs/content" --from "$runs/blend/model" \
    --content-units 30000 --epochs 80 --lr 2e-3 --authored-pages-repeat 10 --seed 7
"$fm" train "${common[@]}" --out "$runs/claims" --from "$runs/content/model" \
    --claims --epochs 20 --lr 2e-3 --seed 13 --authored-claims none   # the candidate predates claims-a.jsonl
echo "model: $runs/claims/model"
