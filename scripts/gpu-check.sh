#!/usr/bin/env bash
# The GPU check of docs/inference.md#gpu-check: engine parity in fp16 (and bf16 where the engine has it), bench
# generate on the 100M model, and a short eval against `arbiter serve` on the GPU, in one go, with the figures
# written to a summary file. It runs where no Java, no Maven and no network exist: --prepare builds here what it
# carries (a jlink-ed Java runtime, the application jar without the CPU libtorch, DJL's JNI), --run uses it there.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
limit=$((64 * 1024 * 1024))
djl_version=0.36.0
jni_jar_version=2.7.1-$djl_version
cpu_torch_version=2.7.1

usage() {
  cat <<'EOF'
usage: scripts/gpu-check.sh --prepare DIR [--jni FILE] [--xz LEVEL]
       scripts/gpu-check.sh --run DIR [--device cuda|cpu] [--out DIR]
       scripts/gpu-check.sh --dry-run [--out DIR]

  --prepare DIR  (here, with Temurin 25 and Maven) build the folder the GPU machine needs into DIR:
                 carry.tar.xz (a jlink-ed Java runtime, target/arbiter.jar without the CPU libtorch and
                 other platforms' natives, DJL's JNI) and MANIFEST. Prints its size with the repository's,
                 which together must stay under 64 MiB. DIR must be git-ignored (target/gpu-carry is).
  --jni FILE     a libdjl_torch.so built for the GPU machine's libtorch (DJL 0.36.0's pytorch-native
                 against that torch); without it the carry holds DJL's cu128 JNI from Maven Central, which
                 is built for libtorch 2.7.1 and is tried as is.
  --xz LEVEL     xz level of the archive (default 9; the dry run uses 0 for speed).
  --run DIR      (on the GPU machine) unpack DIR/carry.tar.xz, find python3's torch (or TORCH_LIB,
                 TORCH_VERSION, TORCH_FLAVOR), and run the steps on --device (default cuda).
                 GPU_CHECK_JNI=FILE: a libdjl_torch.so built on that machine against its torch, in
                 place of the carried one.
  --out DIR      where summary.txt and the logs go (default: $OUT when set, else target/gpu-check).
  --dry-run      prepare into target/gpu-dry and run the same steps on the CPU with small sizes, with
                 Maven's CPU libtorch in the role of the GPU machine's; exits non-zero on any failure.

On the device tool: carry ["target/gpu-carry"], command "bash scripts/gpu-check.sh --run target/gpu-carry".
EOF
}

die() {
  echo "gpu-check: $*" >&2
  exit 2
}

mode=
dir=
jni=
xz_level=9
device=
out=
while [ $# -gt 0 ]; do
  case "$1" in
    --prepare) mode=prepare; dir=${2:?--prepare needs a folder}; shift 2 ;;
    --run) mode=run; dir=${2:?--run needs the prepared folder}; shift 2 ;;
    --dry-run) mode=dry-run; shift ;;
    --jni) jni=${2:?--jni needs a file}; shift 2 ;;
    --xz) xz_level=${2:?--xz needs a level}; shift 2 ;;
    --device) device=${2:?--device needs cuda or cpu}; shift 2 ;;
    --out) out=${2:?--out needs a folder}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
[ -n "$mode" ] || { usage >&2; die "say --prepare DIR, --run DIR or --dry-run"; }

# ---------------------------------------------------------------------------------------------------------------
# prepare (here)

# The modules the engine commands reach: the Vector API, the server's HTTP, the client's, the store's JDBC,
# java.beans (java.desktop) for Jinjava's chat templates, Unsafe for the compressors.
modules=java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,java.scripting,java.sql,jdk.httpserver,jdk.incubator.vector,jdk.management,jdk.unsupported,jdk.zipfs,jdk.charsets

# What the thin jar leaves out: the CPU libtorch (the device has its own), other platforms' natives, and the
# libraries of commands the check never runs (Docker sandbox TLS, Parquet datasets, PostgreSQL, Symja's charts); eval's
# report draws its curves with JFreeChart, so that stays.
thin_out=('pytorch/*' 'native/lib/linux-aarch64/*' 'native/lib/osx-*' 'native/lib/win-*' 'jnilib/*.so' 'jnilib/*.dylib' 'jnilib/*.dll'
  'org/sqlite/native/FreeBSD/*' 'org/sqlite/native/Mac/*' 'org/sqlite/native/Windows/*' 'org/sqlite/native/Linux-Musl/*'
  'org/sqlite/native/Linux-Android/*' 'org/sqlite/native/Linux/[!x]*' 'org/sqlite/native/Linux/x86/*'
  'com/sun/jna/aix*' 'com/sun/jna/darwin*' 'com/sun/jna/dragonfly*' 'com/sun/jna/freebsd*' 'com/sun/jna/openbsd*' 'com/sun/jna/sunos*'
  'com/sun/jna/win32*' 'com/sun/jna/linux-[!x]*' 'com/sun/jna/linux-x86/*'
  'org/bouncycastle/*' 'org/apache/pdfbox/*' 'org/apache/fontbox/*' 'de/rototor/*' 'de/erichseifert/*' 'org/knowm/*'
  'shaded/parquet/*' 'org/apache/parquet/*' 'io/airlift/*' 'org/locationtech/*' 'org/postgresql/*')

repo_bytes() {
  # what the device tool sends besides the carry: tracked files and untracked ones git does not ignore
  (cd "$root" && { git ls-files -z; git ls-files -z -o --exclude-standard; } | xargs -0 -r stat -c %s -- 2>/dev/null | awk '{s += $1} END {print s + 0}')
}

prepare() {
  local dest=$1
  command -v python3 >/dev/null && command -v unzip >/dev/null && command -v xz >/dev/null \
    || die "--prepare needs python3, unzip and xz (apt-get install python3 unzip xz-utils)"
  export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
  [ -x "$JAVA_HOME/bin/jlink" ] || die "no jlink at $JAVA_HOME/bin/jlink: set JAVA_HOME to a Temurin 25 JDK"
  local m2=${MAVEN_REPO:-$HOME/.m2/repository}
  local jni_jar=$m2/ai/djl/pytorch/pytorch-jni/$jni_jar_version/pytorch-jni-$jni_jar_version.jar
  [ -f "$jni_jar" ] || die "no $jni_jar: build the project once (mvn -B package) so that Maven fetches it"
  if [ -n "$jni" ]; then
    [ -f "$jni" ] || die "--jni $jni: no such file"
  fi
  # the launcher builds target/arbiter.jar when it is missing or older than the sources
  "$root/arbiter" --version >/dev/null || die "target/arbiter.jar did not build (./arbiter --version)"
  mkdir -p "$dest"
  dest=$(cd "$dest" && pwd)
  if git -C "$root" rev-parse --git-dir >/dev/null 2>&1 && ! git -C "$root" check-ignore -q "$dest"; then
    echo "gpu-check: warning: $dest is not git-ignored, so a device call would send it twice (as a file of the tree and as carry)" >&2
  fi
  local stage=$dest/stage
  rm -rf "$stage" "$dest/carry.tar.xz" "$dest/MANIFEST"
  mkdir -p "$stage/app" "$stage/jni/device" "$stage/jni/cpu"

  echo "gpu-check: jlink $modules"
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --output "$stage/runtime" 2> >(grep -v 'incubator modules' >&2)

  echo "gpu-check: thin jar (target/arbiter.jar without the CPU libtorch and other platforms' natives)"
  # stored, not deflated: xz then compresses the classes together far better than one by one
  python3 - "$root/target/arbiter.jar" "$stage/app/arbiter.jar" "${thin_out[@]}" <<'PY'
import fnmatch, sys, zipfile
src, dst, patterns = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
    for info in zin.infolist():
        if not any(fnmatch.fnmatchcase(info.filename, p) for p in patterns):
            data = zin.read(info)
            info.compress_type = zipfile.ZIP_STORED
            zout.writestr(info, data)
PY
  unzip -q -j -o "$jni_jar" jnilib/linux-x86_64/cpu/libdjl_torch.so -d "$stage/jni/cpu"
  if [ -n "$jni" ]; then
    cp "$jni" "$stage/jni/device/libdjl_torch.so"
    echo "user-supplied $(basename "$jni") (sha256 $(sha256sum "$jni" | cut -c1-16))" > "$stage/jni/device/SOURCE"
  else
    unzip -q -j -o "$jni_jar" jnilib/linux-x86_64/cu128/libdjl_torch.so -d "$stage/jni/device"
    echo "DJL pytorch-jni $jni_jar_version cu128 from Maven Central, built for libtorch 2.7.1" > "$stage/jni/device/SOURCE"
  fi
  {
    echo "commit $(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "prepared $(date -u +%Y-%m-%dT%H:%M:%SZ) with $("$stage/runtime/bin/java" -version 2>&1 | head -n 1)"
    echo "modules $modules"
    echo "device JNI: $(cat "$stage/jni/device/SOURCE")"
  } > "$stage/MANIFEST"

  echo "gpu-check: xz -$xz_level"
  tar -C "$stage" -cf - . | xz -T0 "-$xz_level" > "$dest/carry.tar.xz"
  cp "$stage/MANIFEST" "$dest/MANIFEST"
  # only the archive travels: the folder is carried whole
  rm -rf "$stage"
  local carry repo
  carry=$(du -cb "$dest/carry.tar.xz" "$dest/MANIFEST" | tail -n 1 | cut -f1)
  repo=$(repo_bytes)
  printf 'gpu-check: %s holds %.1f MiB; with the repository (%.1f MiB) %.1f MiB of the 64 MiB a device call carries\n' \
    "$dest" "$(awk "BEGIN {print $carry / 1048576}")" "$(awk "BEGIN {print $repo / 1048576}")" "$(awk "BEGIN {print ($carry + $repo) / 1048576}")"
  if [ $((carry + repo)) -gt "$limit" ]; then
    if [ "$mode" = dry-run ]; then
      echo "gpu-check: (the dry run packs with xz -0 for speed; --prepare packs with -9 and enforces the limit)"
    else
      die "the carry and the repository are over 64 MiB together: drop modules or jar entries, or raise --xz"
    fi
  fi
}

# ---------------------------------------------------------------------------------------------------------------
# run (on the GPU machine; the dry run on the CPU)

passed=0
failed=0
serve_pid=
# a server left behind would outlive the check (and hold CI open)
trap '[ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true' EXIT
skipped=0
summary=

note() {
  echo "$*" | tee -a "$summary"
}

# step NAME COMMAND...: runs the command with its output in NAME.log, records ok or FAILED and the seconds taken
step() {
  local name=$1
  shift
  local t0=$SECONDS rc=0
  echo "gpu-check: $name ..." >&2
  "$@" > "$out/$name.log" 2>&1 || rc=$?
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1))
    note "[ok] $name ($((SECONDS - t0)) s)"
    return 0
  fi
  failed=$((failed + 1))
  note "[FAILED] $name (exit $rc after $((SECONDS - t0)) s); from $name.log (whole in logs.txt):"
  # the command's one-line error and, with ARBITER_DEBUG, the causes under it
  { grep -E '^(arbiter: |Caused by: )' "$out/$name.log" | head -n 8; tail -n 4 "$out/$name.log"; } | awk '!seen[$0]++' | cut -c1-400 \
    | sed 's/^/    /' | tee -a "$summary"
  return $rc
}

skip() {
  skipped=$((skipped + 1))
  note "[skipped] $1: $2"
}

unpack() {
  local archive=$1 into=$2
  rm -rf "$into" && mkdir -p "$into"
  if command -v xz >/dev/null; then
    tar -C "$into" -xJf "$archive"
  else
    python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$archive" "$into"
  fi
}

# Sets PYTORCH_LIBRARY_PATH, PYTORCH_VERSION, PYTORCH_FLAVOR and the JNI's place in DJL's cache for the machine's libtorch.
libtorch_for_device() {
  local work=$1 lib version flavor
  if [ -n "${TORCH_LIB:-}" ]; then
    lib=$TORCH_LIB
    version=${TORCH_VERSION:?TORCH_LIB needs TORCH_VERSION (e.g. 2.11.0)}
    flavor=${TORCH_FLAVOR:?TORCH_LIB needs TORCH_FLAVOR (cpu or cuNNN)}
  else
    local info
    info=$(python3 -c 'import os, torch; print(os.path.dirname(os.path.realpath(torch.__file__)), torch.__version__.split("+")[0], "cu" + torch.version.cuda.replace(".", "") if torch.version.cuda else "cpu")' 2>&1) \
      || die "no libtorch here: python3 cannot import torch ($(echo "$info" | tail -n 1)); set TORCH_LIB, TORCH_VERSION and TORCH_FLAVOR"
    read -r lib version flavor <<< "$info"
    lib=$lib/lib
  fi
  [ -f "$lib/libtorch.so" ] || die "no libtorch.so in $lib"
  export PYTORCH_LIBRARY_PATH=$lib PYTORCH_VERSION=$version PYTORCH_FLAVOR=$flavor
  # DJL loads every library in that folder; python's bindings and pip's test libraries are not libtorch's own
  export PYTORCH_LIBRARY_EXCLUSION=libtorch_python.so,libshm.so,libjitbackend_test.so,libtorchbind_test.so,libbackend_with_compiler.so,libaoti_custom_ops.so,libnnapi_backend.so
  # pip's CUDA libraries live beside torch in nvidia/*/lib; DJL finds the GPU count through libcudart by name
  local site nv cudart
  site=$(dirname "$(dirname "$lib")")
  nv=$(find "$site/nvidia" -maxdepth 3 -type d -name lib 2>/dev/null | tr '\n' ':' || true)
  export LD_LIBRARY_PATH=$lib:$nv${LD_LIBRARY_PATH:-}
  cudart=$(find "$site/nvidia" /usr/local/cuda/lib64 -maxdepth 3 -name 'libcudart.so*' 2>/dev/null | sort | tail -n 1 || true)
  mkdir -p "$work/cudart"
  if [ -n "$cudart" ]; then
    ln -sf "$cudart" "$work/cudart/libcudart.so"
  fi
}

run() {
  local carry=$1
  [ -f "$carry/carry.tar.xz" ] || die "no $carry/carry.tar.xz: run scripts/gpu-check.sh --prepare $carry here first and carry it"
  device=${device:-cuda}
  out=${out:-${OUT:-$root/target/gpu-check}}
  mkdir -p "$out"
  out=$(cd "$out" && pwd)
  summary=$out/summary.txt
  : > "$summary"
  local work=${GPU_CHECK_WORK:-/tmp/arbiter-gpu-check}
  unpack "$carry/carry.tar.xz" "$work"
  local java=$work/runtime/bin/java jar=$work/app/arbiter.jar
  "$java" -version > /dev/null 2>&1 || die "the carried Java runtime does not start here: $("$java" -version 2>&1 | tail -n 1)"

  local jni_dir
  if [ "$device" = cpu ] && [ -n "${DRY_LIBTORCH:-}" ]; then
    export PYTORCH_LIBRARY_PATH=$DRY_LIBTORCH PYTORCH_VERSION=$cpu_torch_version PYTORCH_FLAVOR=cpu
    mkdir -p "$work/cudart"
    jni_dir=$work/jni/cpu
  else
    libtorch_for_device "$work"
    jni_dir=$work/jni/device
    # a JNI built on this machine against its own torch (docs/inference.md#gpu-check) replaces the carried one
    if [ -n "${GPU_CHECK_JNI:-}" ]; then
      [ -f "$GPU_CHECK_JNI" ] || die "GPU_CHECK_JNI=$GPU_CHECK_JNI: no such file"
      cp "$GPU_CHECK_JNI" "$jni_dir/libdjl_torch.so"
      echo "built on this machine against libtorch $PYTORCH_VERSION ($GPU_CHECK_JNI, sha256 $(sha256sum "$GPU_CHECK_JNI" | cut -c1-16))" > "$jni_dir/SOURCE"
    fi
  fi
  export DJL_CACHE_DIR=$work/djl
  local cache=$DJL_CACHE_DIR/pytorch/$PYTORCH_VERSION-$PYTORCH_FLAVOR-linux-x86_64
  mkdir -p "$cache"
  cp "$jni_dir/libdjl_torch.so" "$cache/$djl_version-libdjl_torch.so"
  export ARBITER_OFFLINE=1 ARBITER_CACHE=$work/cache OMP_WAIT_POLICY=PASSIVE ARBITER_DEBUG=1
  local jopts=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:+UseParallelGC --add-modules jdk.incubator.vector
    "-Djna.library.path=$work/cudart")
  arb() { "$java" "${jopts[@]}" -jar "$jar" "$@"; }

  local gpu="none"
  if command -v nvidia-smi >/dev/null; then
    gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -n 1 || echo "nvidia-smi failed")
  fi
  note "arbiter gpu-check ($mode) on device $device, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  note "carry: $(head -n 1 "$work/MANIFEST"); $(grep '^prepared' "$work/MANIFEST" | cut -d' ' -f4-)"
  note "GPU: $gpu; libtorch $PYTORCH_VERSION ($PYTORCH_FLAVOR) from $PYTORCH_LIBRARY_PATH"
  if [ "$jni_dir" = "$work/jni/device" ]; then
    note "JNI: $(cat "$jni_dir/SOURCE")"
  else
    note "JNI: DJL pytorch-jni $jni_jar_version cpu from Maven Central"
  fi

  # fp32 beside fp16 on the GPU too: bf16 cannot run, and fp32 shows what half precision buys
  local precisions=(fp16 fp32)
  local size=full
  if [ "$mode" = dry-run ]; then
    precisions=(fp32 fp16)
    size=small
  fi
  local bf16_reason="the engine has no bf16 precision: DJL $djl_version's PyTorch JNI maps no bfloat16 type (a bf16 tensor aborts the JVM), so bf16 checkpoints are narrowed to fp16 or widened to fp32 on load"

  # 1. parity: the first step to touch the engine, so an engine that does not start stops the check here
  local engine_ok=1
  for p in "${precisions[@]}"; do
    if step "parity-$p" arb bench parity --device "$device" --precision "$p"; then
      grep '^parity ' "$out/parity-$p.log" | sed 's/^/    /' | tee -a "$summary"
    elif ! grep -q '^parity ' "$out/parity-$p.log"; then
      engine_ok=0
      note "    the engine did not run on $device with this libtorch and JNI; a JNI built for libtorch $PYTORCH_VERSION is needed: see docs/inference.md#gpu-check"
      break
    fi
  done
  skip parity-bf16 "$bf16_reason"

  local models=$work/models
  mkdir -p "$models"
  if [ $engine_ok = 0 ]; then
    skip "bench generate" "the engine did not start (above)"
    skip "serve + eval" "the engine did not start (above)"
  else
    # 2. bench generate: the 100M model on the device (a small one in the dry run)
    local model=$models/m100 bench_args=(--batch 1,8,32 --prompt-tokens 128 --decode-steps 64)
    if [ $size = small ]; then
      model=$models/tiny
      bench_args=(--batch 1,4 --prompt-tokens 16 --decode-steps 8)
      step "model-tiny" arb model tiny --out "$model" || true
    else
      step "model-m100" arb model tiny --preset m100 --out "$model" || true
    fi
    for p in "${precisions[@]}"; do
      if step "bench-generate-$p" arb bench generate --model "$model" --device "$device" --precision "$p" "${bench_args[@]}"; then
        grep -E '^(model |memory bandwidth \(|batch|[0-9]+ |decode at batch 1)' "$out/bench-generate-$p.log" | sed 's/^/    /' | tee -a "$summary"
      fi
    done
    skip "bench-generate-bf16" "$bf16_reason"

    # 3. a short eval against arbiter serve on the device
    serve_and_eval "$model" "$size"
  fi

  local total=$((passed + failed))
  if [ $failed -eq 0 ]; then
    note "gpu-check: all $total steps ok ($skipped skipped); summary in $summary"
  else
    note "gpu-check: $failed of $total steps FAILED ($skipped skipped); summary in $summary"
  fi
  cp "$work/MANIFEST" "$out/carry-manifest.txt"
  # the device tool brings back at most 8 files: the logs travel as one
  for f in "$out"/*.log; do
    [ -f "$f" ] || continue
    printf '\n==== %s\n' "$(basename "$f")"
    cat "$f"
  done > "$out/logs.txt"
  rm -f "$out"/*.log
  [ $failed -eq 0 ]
}

serve_and_eval() {
  local model=$1 size=$2 problems=20 n=2 max_tokens=64
  if [ "$size" = small ]; then
    problems=6
    max_tokens=16
  fi
  local jsonl=$work/problems.jsonl
  : > "$jsonl"
  for i in $(seq 0 $((problems - 1))); do
    printf '{"id":"q%d","prompt":"What is %d + %d?","answer":"%d"}\n' "$i" "$i" "$i" $((2 * i)) >> "$jsonl"
  done
  local precision=fp16
  [ "$device" = cpu ] && precision=fp32
  # port 0: the server takes a free port and names it in its first line
  arb serve --model "$model" --name gpu-check --device "$device" --precision "$precision" --port 0 > "$out/serve.log" 2>&1 &
  local pid=$! uri= t0=$SECONDS
  serve_pid=$pid
  while [ $((SECONDS - t0)) -lt 180 ] && kill -0 "$pid" 2>/dev/null; do
    uri=$(sed -n 's/^arbiter serve: gpu-check on \(http[^ ]*\) .*/\1/p' "$out/serve.log" | head -n 1)
    [ -n "$uri" ] && break
    sleep 1
  done
  if [ -z "$uri" ]; then
    failed=$((failed + 1))
    note "[FAILED] serve: no 'arbiter serve: ... on URL' line within 180 s; the end of serve.log:"
    tail -n 15 "$out/serve.log" | sed 's/^/    /' | tee -a "$summary"
    kill "$pid" 2>/dev/null || true
    return 0
  fi
  note "[ok] serve: $(grep '^arbiter serve:' "$out/serve.log" | head -n 1) ($((SECONDS - t0)) s to start)"
  passed=$((passed + 1))
  if step "eval" arb eval --jsonl "$jsonl" --endpoint "$uri" --model gpu-check --n "$n" --max-tokens "$max_tokens" --temperature 0.7 \
      --concurrency 16 --store "$work/store.db" --out "$work/eval"; then
    grep -E '^(\| jsonl:|requests [0-9]|jsonl:.*pass@1)' "$out/eval.log" | sed 's/^/    /' | tee -a "$summary"
    cp "$work/eval/summary.json" "$out/eval-summary.json" 2>/dev/null || true
  fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# ---------------------------------------------------------------------------------------------------------------

case "$mode" in
  prepare)
    prepare "$dir"
    ;;
  run)
    run "$dir"
    ;;
  dry-run)
    dry=$root/target/gpu-dry
    m2=${MAVEN_REPO:-$HOME/.m2/repository}
    native=$m2/ai/djl/pytorch/pytorch-native-cpu/$cpu_torch_version/pytorch-native-cpu-$cpu_torch_version-linux-x86_64.jar
    [ -f "$native" ] || die "no $native: build the project once (mvn -B package) so that Maven fetches it"
    # Maven's CPU libtorch plays the GPU machine's: a folder of libraries with the JNI placed beside it in DJL's cache
    if [ ! -f "$dry/libtorch/libtorch.so" ] || [ "$native" -nt "$dry/libtorch/libtorch.so" ]; then
      rm -rf "$dry/libtorch" && mkdir -p "$dry/libtorch"
      unzip -q -j -o "$native" 'pytorch/cpu/linux-x86_64/*' -d "$dry/libtorch"
    fi
    export DRY_LIBTORCH=$dry/libtorch
    xz_level=0
    prepare "$dry/carry"
    device=cpu
    out=${out:-$dry/out}
    GPU_CHECK_WORK=$dry/work run "$dry/carry"
    ;;
esac
