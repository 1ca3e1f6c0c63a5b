#!/usr/bin/env bash
# Throughput of framemark's two backends and of the Python reference (sentence-transformers encoding
# the same base model, all-MiniLM-L6-v2) on the same sentences, measured side by side in one run and
# reported as ratios (this machine is shared and noisy: absolute times mean little).
#
# Sentences: the non-empty lines of the PTC-2020 dev articles (../shared/data), first $BENCH_N (2000).
# Each contender runs $BENCH_ROUNDS (3) times, interleaved; the best time of each is kept.
# Needs: scripts/setup-torch.sh done (libtorch + base encoder); creates a Python venv for the
# reference in ~/.cache/framemark/bench-venv on first use. Threads: 2 everywhere.
#
# Usage: bash scripts/bench.sh            (prints a table; also writes runs/bench.json)
set -euo pipefail
cd "$(dirname "$0")/.."

n="${BENCH_N:-2000}"
rounds="${BENCH_ROUNDS:-3}"
data="${FRAMEMARK_DATA:-../shared/data}"
[ -d "$data/ptc-semeval2020-task11" ] || { echo "bench: $data/ptc-semeval2020-task11 not found" >&2; exit 2; }

bash scripts/setup-torch.sh >/dev/null
eval "$(bash scripts/setup-torch.sh --env)"
base="$LIBTORCH/base/all-MiniLM-L6-v2"

venv="$HOME/.cache/framemark/bench-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sentence_transformers' 2>/dev/null; then
  echo "bench: creating the Python reference venv (torch 2.4.1 CPU use, sentence-transformers 3.0.1)..." >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --no-deps torch==2.4.1
  "$venv/bin/pip" install -q sentence-transformers==3.0.1 transformers==4.44.2 \
    sympy networkx jinja2 fsspec filelock typing-extensions "numpy<2"
fi

cargo build --release --features torch -q
mkdir -p runs/bench
python3 - "$data" "$n" > runs/bench/sentences.jsonl <<'PY'
import json, os, sys
root, n = sys.argv[1], int(sys.argv[2])
d = os.path.join(root, "ptc-semeval2020-task11/datasets/dev-articles")
out = []
for f in sorted(os.listdir(d)):
    for line in open(os.path.join(d, f), encoding="utf-8"):
        # Lines with a word only: framemark rejects records whose text is all spaces (Rust's idea of
        # whitespace differs from Python's in a few control characters).
        if any(c.isalnum() for c in line):
            out.append(line.strip())
for i, s in enumerate(out[:n]):
    print(json.dumps({"id": str(i), "text": s}))
PY

cat > runs/bench/reference.py <<'PY'
import json, sys, time
import torch
torch.set_num_threads(2)
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(sys.argv[1], device="cpu")
texts = [json.loads(l)["text"] for l in open(sys.argv[2], encoding="utf-8")]
t = time.perf_counter()
model.encode(texts, batch_size=32)
print(time.perf_counter() - t)
PY

# Times one framemark backend on the sentences (model load included: ~0.1 s for candle).
rust_time() {
  local start end
  start=$(date +%s.%N)
  ./target/release/framemark classify --input jsonl --format jsonl --backend "$1" runs/bench/sentences.jsonl >/dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

declare -A best
for r in $(seq "$rounds"); do
  for who in candle torch python; do
    if [ "$who" = python ]; then
      t=$(HF_HUB_OFFLINE=1 "$venv/bin/python" runs/bench/reference.py "$base" runs/bench/sentences.jsonl)
    else
      t=$(rust_time "$who")
    fi
    echo "round $r $who ${t}s" >&2
    if [ -z "${best[$who]:-}" ] || (( $(echo "$t < ${best[$who]}" | bc -l) )); then best[$who]=$t; fi
  done
done

python3 - "$n" "${best[candle]}" "${best[torch]}" "${best[python]}" <<'PY' | tee runs/bench.json
import json, sys
n = int(sys.argv[1]); c, t, p = map(float, sys.argv[2:5])
r = {"sentences": n, "threads": 2,
     "sentences_per_second": {"candle": n / c, "torch": n / t, "python_sentence_transformers": n / p},
     "ratios": {"candle_vs_python": p / c, "torch_vs_python": p / t, "torch_vs_candle": c / t}}
print(json.dumps(r, indent=2))
PY
