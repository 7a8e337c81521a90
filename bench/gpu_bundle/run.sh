#!/bin/sh
# Runs the seglab GPU benchmark from this unpacked bundle: no Node, no Deno, no network needed.
#   ./run.sh                 full size (U-Net 4×128², OCRNet-HRNet-W18 2×768² and 2×1024×512) on webgpu + PyTorch
#   ./run.sh --small         toy sizes (a software adapter finishes in about a minute)
#   PYTHON=/path/to/python3 ./run.sh   the Python with PyTorch (default: python3 on PATH)
# Writes result.json beside this script (also after every case, so a cut-short run keeps its figures).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
export DENO_DIR="$HERE/.deno_dir" DENO_NO_UPDATE_CHECK=1 NO_COLOR=1

# Vulkan's loader: the machine's when it has one, else Debian's copy from this bundle.
if ! /sbin/ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1 '; then
  echo "run.sh: no libvulkan.so.1 on this machine; using the bundled one" >&2
  export LD_LIBRARY_PATH="$HERE/vulkan${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
# NVIDIA's Vulkan driver: containers started without the "graphics" driver capability have the
# library (libGLX_nvidia.so.0) but no ICD file; write one pointing at it.
if [ -z "${VK_ICD_FILENAMES:-}" ] && ! ls /usr/share/vulkan/icd.d/nvidia* /etc/vulkan/icd.d/nvidia* >/dev/null 2>&1; then
  if /sbin/ldconfig -p 2>/dev/null | grep -q 'libGLX_nvidia\.so\.0 '; then
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"libGLX_nvidia.so.0","api_version":"1.3.0"}}\n' \
      > "$HERE/nvidia_icd.json"
    export VK_ICD_FILENAMES="$HERE/nvidia_icd.json"
    echo "run.sh: using NVIDIA's Vulkan driver through $HERE/nvidia_icd.json" >&2
  elif command -v nvidia-smi >/dev/null 2>&1; then
    echo "run.sh: warning: an NVIDIA GPU but no Vulkan driver (libGLX_nvidia.so.0); in a container, start it with" \
      "NVIDIA_DRIVER_CAPABILITIES=all (or compute,utility,graphics)" >&2
  fi
fi
PY="${PYTHON:-$(command -v python3 || echo /usr/bin/python3)}"
exec "$HERE/deno" run -A "$HERE/gpu.js" --backends webgpu --python "$PY" --deadline-s 240 \
  --out "$HERE/result.json" "$@"
