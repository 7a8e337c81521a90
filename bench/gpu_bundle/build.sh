#!/usr/bin/env bash
# Builds the offline GPU benchmark bundle: out/gpu_bundle/seglab-gpu-bench.tar.xz (at most 64 MiB),
# which runs bench/gpu.ts on a Linux x86-64 machine with a GPU driver and (optionally) PyTorch, but
# with no Node, no Deno and no network. Inside:
#   deno                      the pinned Deno binary from node_modules (no download: `deno compile` would fetch one)
#   gpu.js                    `deno bundle` of bench/gpu.ts with every package it imports (tfjs, the webgpu backend)
#   gpu_torch.py, train_step_torch.py   the PyTorch twin (run with the machine's python3, CUDA when it has it)
#   vulkan/                   Debian's libvulkan1, libegl1, libglvnd0, unpacked: used only where the machine lacks them
#   run.sh                    sets up the environment and runs it; writes result.json beside itself
# Usage: bench/gpu_bundle/build.sh [--test]   (--test: unpack into a temp folder and run it in --small mode
#        with a clean environment — no node, no deno on PATH — as the acceptance check on a software adapter)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=out/gpu_bundle
NAME=seglab-gpu-bench
STAGE=$OUT/$NAME
rm -rf "$STAGE" "$OUT/$NAME.tar.xz"
mkdir -p "$STAGE/vulkan"

DENO_BIN=$(readlink -f node_modules/deno/deno 2>/dev/null || true)
[ -x "$DENO_BIN" ] || { echo "build.sh: node_modules/deno/deno not found; run npm install first" >&2; exit 1; }
cp "$DENO_BIN" "$STAGE/deno"

echo "build.sh: bundling bench/gpu.ts"
"$DENO_BIN" bundle --quiet --platform deno --external @resvg/resvg-js -o "$STAGE/gpu.js" bench/gpu.ts
cp bench/gpu_torch.py bench/train_step_torch.py "$STAGE/"
cp bench/gpu_bundle/run.sh "$STAGE/run.sh"
chmod +x "$STAGE/run.sh" "$STAGE/deno"
"$DENO_BIN" --version | head -1 > "$STAGE/VERSION"
git -C "$ROOT" rev-parse --short HEAD >> "$STAGE/VERSION" 2>/dev/null || true

echo "build.sh: Vulkan loader from Debian (libvulkan1, libegl1, libglvnd0)"
DEBS=$(mktemp -d)
trap 'rm -rf "$DEBS"' EXIT
if (cd "$DEBS" && apt-get download libvulkan1 libegl1 libglvnd0 >/dev/null 2>&1); then
  for d in "$DEBS"/*.deb; do dpkg-deb -x "$d" "$DEBS/x"; done
  cp -a "$DEBS"/x/usr/lib/x86_64-linux-gnu/lib*.so* "$STAGE/vulkan/"
elif dpkg -s libvulkan1 >/dev/null 2>&1; then
  # No network here: the installed package's files are the same.
  for f in $(dpkg -L libvulkan1 libegl1 libglvnd0 2>/dev/null | grep '/lib.*\.so'); do cp -a "$f" "$STAGE/vulkan/"; done
else
  echo "build.sh: warning: no libvulkan1 to include (apt-get download failed, not installed)" >&2
fi

echo "build.sh: compressing"
tar -C "$OUT" -cf - "$NAME" | xz -T0 -6 > "$OUT/$NAME.tar.xz"
SIZE=$(stat -c %s "$OUT/$NAME.tar.xz")
echo "build.sh: $OUT/$NAME.tar.xz: $((SIZE / 1024 / 1024)) MiB ($SIZE bytes)"
if [ "$SIZE" -gt $((64 * 1024 * 1024)) ]; then
  echo "build.sh: the archive is over 64 MiB" >&2
  exit 1
fi

if [ "${1:-}" = "--test" ]; then
  T=$(mktemp -d)
  echo "build.sh: testing in $T (clean PATH, --small)"
  START=$(date +%s)
  tar -C "$T" -xJf "$OUT/$NAME.tar.xz"
  env -i PATH=/usr/bin:/bin HOME="$T" "$T/$NAME/run.sh" --small --steps 1
  echo "build.sh: test took $(($(date +%s) - START)) s including unpacking"
  /usr/bin/python3 - "$T/$NAME/result.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["adapter"] and d["adapter"].get("description"), "no adapter in result.json"
for r in d["results"]:
    g = r["backends"]["webgpu"]
    assert isinstance(g.get("median_ms"), (int, float)) and g["loss"] == g["loss"], (r["case"]["name"], g)
print("build.sh: result.json OK:", d["adapter"]["description"], [(r["case"]["name"], r["backends"]["webgpu"]["median_ms"]) for r in d["results"]], "torch:", d["torch"].get("device"))
PY
  rm -rf "$T"
fi
