#!/usr/bin/env bash
# Build libdjl_torch.so (DJL 0.36.0 PyTorch JNI) with plain g++ against the torch that python3
# imports (e.g. pip torch 2.11 + CUDA 13). No cmake, no nvcc needed.
#
# Env overrides (all optional; used to test this script against Debian's libtorch 1.13 here):
#   PYTHON          python with torch (default python3)
#   TORCH_INCLUDES  space-separated include dirs (default: torch.utils.cpp_extension.include_paths())
#   TORCH_LIBDIR    dir with libtorch*.so / libc10*.so (default: <torch>/lib)
#   TORCH_ABI       0/1 for _GLIBCXX_USE_CXX11_ABI (default: torch._C._GLIBCXX_USE_CXX11_ABI)
#   TORCH_DEFINES   extra -D flags (e.g. "-DV1_13_X" for torch 1.13 headers)
#   JAVA_HOME       JDK for jni.h (default: derived from javac/java on PATH, then /usr/lib/jvm/*)
#   SRC_DIR         folder with the .cc/.h sources (default: <this dir>/native)
#   EXTRA_SRC_DIR   optional second folder of upstream DJL .cc files (e.g. a fuller copy); a file
#                   there replaces the same-named file in SRC_DIR
#   OUT_DIR         output dir (default: <this dir>/build)
#   JOBS            parallel compiles (default 16)
#   WITH_CUDA       1/0: define ARBITER_WITH_CUDA and link torch_cuda/c10_cuda (default: auto)
#   COMPILE_ONLY    1: compile objects, skip the link
set -u -o pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${PYTHON:-python3}"
SRC_DIR="${SRC_DIR:-$HERE/native}"
OUT_DIR="${OUT_DIR:-$HERE/build}"
JOBS="${JOBS:-16}"
CXX="${CXX:-g++}"

die() { echo "build-on-device: ERROR: $*" >&2; exit 1; }
info() { echo "build-on-device: $*" >&2; }

command -v "$CXX" >/dev/null 2>&1 || die "no C++ compiler '$CXX' on PATH"
[ -d "$SRC_DIR" ] || die "source dir $SRC_DIR missing"
[ -f "$SRC_DIR/ai_djl_pytorch_jni_PyTorchLibrary.h" ] || die "JNI header ai_djl_pytorch_jni_PyTorchLibrary.h missing in $SRC_DIR"

need_py=0
{ [ -z "${TORCH_INCLUDES:-}" ] || [ -z "${TORCH_LIBDIR:-}" ] || [ -z "${TORCH_ABI:-}" ]; } && need_py=1
if [ "$need_py" = 1 ]; then
  "$PYTHON" -c 'import torch' 2>/dev/null || die "'$PYTHON' cannot import torch (set PYTHON, or TORCH_INCLUDES/TORCH_LIBDIR/TORCH_ABI)"
  info "torch $("$PYTHON" -c 'import torch;print(torch.__version__, "cuda", torch.version.cuda)')"
fi
if [ -z "${TORCH_INCLUDES:-}" ]; then
  TORCH_INCLUDES="$("$PYTHON" -c 'from torch.utils.cpp_extension import include_paths as p;print(" ".join(p()))' 2>/dev/null)" \
    || TORCH_INCLUDES=""
  if [ -z "$TORCH_INCLUDES" ]; then
    TI="$("$PYTHON" -c 'import os,torch;print(os.path.join(os.path.dirname(torch.__file__),"include"))')" || die "cannot locate torch include dir"
    TORCH_INCLUDES="$TI $TI/torch/csrc/api/include"
  fi
fi
if [ -z "${TORCH_LIBDIR:-}" ]; then
  TORCH_LIBDIR="$("$PYTHON" -c 'import os,torch;print(os.path.join(os.path.dirname(torch.__file__),"lib"))')" || die "cannot locate torch lib dir"
fi
if [ -z "${TORCH_ABI:-}" ]; then
  TORCH_ABI="$("$PYTHON" -c 'import torch;print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')" || die "cannot read torch C++ ABI flag"
fi
[ -d "$TORCH_LIBDIR" ] || die "torch lib dir $TORCH_LIBDIR missing"

# CUDA: on when libc10_cuda is present (a CUDA build of torch), unless WITH_CUDA says otherwise.
if [ -z "${WITH_CUDA:-}" ]; then
  if ls "$TORCH_LIBDIR"/libc10_cuda.so* >/dev/null 2>&1; then WITH_CUDA=1; else WITH_CUDA=0; fi
fi
CUDA_INC=""
if [ "$WITH_CUDA" = 1 ]; then
  # c10/cuda headers include cuda_runtime_api.h: look for it (pip nvidia-* wheels, CUDA_HOME, /usr/local/cuda)
  for d in ${CUDA_HOME:-} /usr/local/cuda; do [ -f "$d/include/cuda_runtime_api.h" ] && CUDA_INC="$d/include" && break; done
  if [ -z "$CUDA_INC" ] && [ "$need_py" = 1 ]; then
    CUDA_INC="$("$PYTHON" - <<'EOF' 2>/dev/null
import glob, os, site, sys
roots = [p for p in site.getsitepackages() + [site.getusersitepackages()] if os.path.isdir(p)]
for r in roots:
    hits = glob.glob(os.path.join(r, "nvidia", "**", "cuda_runtime_api.h"), recursive=True)
    if hits:
        print(os.path.dirname(hits[0])); sys.exit(0)
EOF
)"
  fi
  if [ -z "$CUDA_INC" ]; then
    info "WARNING: torch has CUDA libs but no cuda_runtime_api.h found; building WITHOUT ARBITER_WITH_CUDA"
    info "         (torchCudaEmptyCache becomes a no-op, moduleRunMethod ignores separateCudaStream)"
    WITH_CUDA=0
  else
    info "CUDA headers: $CUDA_INC"
  fi
fi

# JNI headers
if [ -z "${JAVA_HOME:-}" ] || [ ! -f "$JAVA_HOME/include/jni.h" ]; then
  JAVA_HOME=""
  for c in javac java; do
    if command -v "$c" >/dev/null 2>&1; then
      cand="$(dirname "$(dirname "$(readlink -f "$(command -v "$c")")")")"
      [ -f "$cand/include/jni.h" ] && JAVA_HOME="$cand" && break
    fi
  done
  if [ -z "$JAVA_HOME" ]; then
    for cand in /usr/lib/jvm/*; do [ -f "$cand/include/jni.h" ] && JAVA_HOME="$cand" && break; done
  fi
fi
[ -n "$JAVA_HOME" ] && [ -f "$JAVA_HOME/include/jni.h" ] || die "no jni.h found: set JAVA_HOME to a JDK"
info "JNI headers: $JAVA_HOME/include"

# Source set: SRC_DIR/*.cc, with same-named files from EXTRA_SRC_DIR taking precedence.
WORK="$OUT_DIR/src"
rm -rf "$WORK" && mkdir -p "$WORK" "$OUT_DIR/obj" || die "cannot create $OUT_DIR"
cp -r "$SRC_DIR"/. "$WORK"/ || die "copy of $SRC_DIR failed"
if [ -n "${EXTRA_SRC_DIR:-}" ]; then
  [ -d "$EXTRA_SRC_DIR" ] || die "EXTRA_SRC_DIR $EXTRA_SRC_DIR missing"
  for f in "$EXTRA_SRC_DIR"/*.cc "$EXTRA_SRC_DIR"/*.h; do
    [ -f "$f" ] || continue
    b="$(basename "$f")"
    case "$b" in ai_djl_pytorch_jni_PyTorchLibrary.h|arbiter_*) continue ;; esac  # keep 0.36.0 header + ours
    cp "$f" "$WORK/$b"
  done
  if [ -f "$EXTRA_SRC_DIR/ai_djl_pytorch_jni_cache.cc" ]; then rm -f "$WORK/arbiter_jni_cache.cc"; fi
fi

# Natives defined by the non-arbiter sources -> skip our version of them.
SKIPS=()
for n in $(grep -ho 'Java_ai_djl_pytorch_jni_PyTorchLibrary_[A-Za-z0-9_]*' $(ls "$WORK"/*.cc | grep -v '/arbiter_missing_natives.cc$') 2>/dev/null | sort -u); do
  SKIPS+=("-DARBITER_SKIP_${n#Java_ai_djl_pytorch_jni_PyTorchLibrary_}")
done
info "${#SKIPS[@]} natives defined by upstream sources"

INC=(-I"$WORK" -I"$JAVA_HOME/include" -I"$JAVA_HOME/include/linux")
for d in $TORCH_INCLUDES; do INC+=(-isystem "$d"); done
[ -n "$CUDA_INC" ] && [ "$WITH_CUDA" = 1 ] && INC+=(-isystem "$CUDA_INC")
DEFS=(-D_GLIBCXX_USE_CXX11_ABI="$TORCH_ABI" ${TORCH_DEFINES:-})
[ "$WITH_CUDA" = 1 ] && DEFS+=(-DARBITER_WITH_CUDA)
CXXFLAGS=(-std=c++17 -O2 -fPIC -fvisibility=default -Wno-deprecated-declarations ${EXTRA_CXXFLAGS:-})

SRCS=("$WORK"/*.cc)
info "compiling ${#SRCS[@]} files with -j$JOBS (ABI=$TORCH_ABI, CUDA=$WITH_CUDA)"
export CXX
fail=0
printf '%s\n' "${SRCS[@]}" | xargs -P "$JOBS" -I{} sh -c '
  f="$1"; shift; o="'"$OUT_DIR"'/obj/$(basename "$f" .cc).o"
  if "$CXX" "$@" -c "$f" -o "$o" 2> "$o.log"; then echo "  ok   $(basename "$f")" >&2;
  else echo "  FAIL $(basename "$f") (log: $o.log)" >&2; head -40 "$o.log" >&2; exit 1; fi
' _ {} "${CXXFLAGS[@]}" "${DEFS[@]}" "${INC[@]}" "${SKIPS[@]}" || fail=1
[ "$fail" = 0 ] || die "compilation failed (see logs under $OUT_DIR/obj)"

[ "${COMPILE_ONLY:-0}" = 1 ] && { info "COMPILE_ONLY=1: objects in $OUT_DIR/obj"; exit 0; }

LIBS=(-ltorch -ltorch_cpu -lc10)
[ "$WITH_CUDA" = 1 ] && LIBS+=(-ltorch_cuda -lc10_cuda)
SO="$OUT_DIR/libdjl_torch.so"
"$CXX" -shared -o "$SO" "$OUT_DIR"/obj/*.o -L"$TORCH_LIBDIR" -Wl,--no-as-needed "${LIBS[@]}" -Wl,--as-needed \
  -Wl,-rpath,'$ORIGIN' -Wl,-rpath,"$TORCH_LIBDIR" || die "link failed"

# Every native the 0.36.0 Java declares must be exported.
missing=0
nm -D --defined-only "$SO" | awk '{print $NF}' | sort -u > "$OUT_DIR/exports.txt" || die "nm failed on $SO"
for n in $(grep -o 'Java_ai_djl_pytorch_jni_PyTorchLibrary_[A-Za-z0-9_]*' "$WORK/ai_djl_pytorch_jni_PyTorchLibrary.h" | sort -u); do
  grep -qx "$n" "$OUT_DIR/exports.txt" || { echo "  missing export: $n" >&2; missing=$((missing+1)); }
done
[ "$missing" = 0 ] || die "$missing natives declared by PyTorchLibrary.java are not exported by $SO"
info "all natives of ai_djl_pytorch_jni_PyTorchLibrary.h exported"
echo "$SO"
