#!/usr/bin/env bash
# One GPU check for lstmcorr: build, no-GPU/GPU plugin test, parity suites for cuda:0 (cuDNN path,
# fused path, deterministic mode) and opencl:0 (NVIDIA's OpenCL), lstmcorr-bench, then a table.
#
#   benchmarks/gpu-check.sh --prepare   on a build machine: copy into .carry/ what a bare GPU
#                                       machine may lack (OpenCL ICD loader, CLBlast, CMocka and
#                                       their headers). .carry/ is git-ignored: carry it.
#   benchmarks/gpu-check.sh             on the GPU machine (nvcc + cmake there), under 8 minutes
#   benchmarks/gpu-check.sh --dry-run   everything possible without a GPU (build, CPU parity)
#
# Options: --build-dir DIR (default build-gpu), --jobs N (default nproc), --out DIR (default $OUT
# or DIR/gpu-check). Each step is time-limited and the whole run keeps to GPU_CHECK_BUDGET_S
# (default 450 s); a failing step is reported and the rest still run.
# Exit status: 0 when every step that ran passed.
set -u

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=run
build_dir=build-gpu
jobs=$(nproc 2>/dev/null || echo 2)
out_dir=${OUT:-}
while [ $# -gt 0 ]; do
    case "$1" in
    --prepare) mode=prepare ;;
    --dry-run) mode=dry ;;
    --build-dir) build_dir=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --out) out_dir=$2; shift ;;
    -h | --help) sed -n "2,15p" "$0"; exit 0 ;;
    *) echo "gpu-check: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
cd "$root" || exit 2
case "$build_dir" in /*) ;; *) build_dir=$root/$build_dir ;; esac
carry=$root/.carry

# ---- --prepare: collect the libraries a bare machine may lack -------------------------------------
first_existing() { for f in "$@"; do [ -e "$f" ] && { echo "$f"; return 0; }; done; return 1; }
library_path() { ldconfig -p 2>/dev/null | awk -v n="$1" '$1 == n { print $NF; exit }'; }

if [ "$mode" = prepare ]; then
    mkdir -p "$carry/lib" "$carry/include/CL"
    for lib in libOpenCL.so.1 libclblast.so.1 libcmocka.so.0; do
        src=$(library_path "$lib")
        if [ -z "$src" ]; then echo "gpu-check: $lib not found here" >&2; continue; fi
        cp -L "$src" "$carry/lib/$lib"  # real files: links may not survive the trip
        cp -L "$src" "$carry/lib/${lib%.so.*}.so"
    done
    inc=$(first_existing /usr/include/CL/cl.h /usr/local/include/CL/cl.h) &&
        cp -L "$(dirname "$inc")"/*.h "$carry/include/CL/"
    for h in clblast_c.h clblast.h clblast_half.h cmocka.h; do
        src=$(first_existing "/usr/include/$h" "/usr/local/include/$h") && cp -L "$src" "$carry/include/"
    done
    du -sh "$carry"
    echo "gpu-check: prepared $carry; carry it: run(carry=[\".carry\"], command=\"benchmarks/gpu-check.sh\")"
    exit 0
fi

[ -n "$out_dir" ] || out_dir=$build_dir/gpu-check
mkdir -p "$out_dir"
summary=$out_dir/summary.tsv
: >"$summary"
failures=0
t_start=$(date +%s)

# step NAME SECONDS COMMAND...: run with a time limit (capped by what is left of the whole run's
# budget), log to $out_dir/NAME.log, note the result.
budget=${GPU_CHECK_BUDGET_S:-450}
step() {
    local name=$1 limit=$2; shift 2
    local t0 rc left
    t0=$(date +%s)
    left=$(( t_start + budget - t0 ))
    if [ "$left" -lt 5 ]; then skip_step "$name" "out of time (budget ${budget}s)"; return; fi
    [ "$limit" -gt "$left" ] && limit=$left
    timeout --kill-after=10 "$limit" "$@" >"$out_dir/$name.log" 2>&1
    rc=$?
    local dt=$(( $(date +%s) - t0 )) result=ok
    case $rc in 0) ;; 124 | 137) result="timeout (${limit}s)" ;; *) result="FAILED rc=$rc" ;; esac
    [ "$result" = ok ] || failures=$((failures + 1))
    printf '%s\t%s\t%ss\t%s\n' "$name" "$result" "$dt" "$(tail -n 1 "$out_dir/$name.log" | cut -c1-90)" >>"$summary"
    echo "gpu-check: $name: $result (${dt}s)"
}
skip_step() { printf '%s\tskipped\t0s\t%s\n' "$1" "$2" >>"$summary"; echo "gpu-check: $1: skipped ($2)"; }

# ---- environment: carried libraries, cuDNN, NVIDIA's OpenCL ICD -----------------------------------
if [ -d "$carry/lib" ]; then
    export LD_LIBRARY_PATH=$carry/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    export CMAKE_PREFIX_PATH=$carry${CMAKE_PREFIX_PATH:+:$CMAKE_PREFIX_PATH}
fi
[ -d /usr/local/cuda/bin ] && export PATH=/usr/local/cuda/bin:$PATH
cuda_lib=$(first_existing /usr/local/cuda/lib64 /usr/local/cuda/lib) &&
    export LD_LIBRARY_PATH=$cuda_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
# Without a system cuDNN, the PyTorch image's pip wheel (nvidia-cudnn-cu13) has headers and libs.
if [ ! -e /usr/local/cuda/include/cudnn.h ] && [ ! -e /usr/include/cudnn.h ] && [ -z "${CUDNN_ROOT:-}" ]; then
    wheel=$(python3 -c 'import nvidia.cudnn, os; print(os.path.dirname(nvidia.cudnn.__file__))' 2>/dev/null)
    [ -n "$wheel" ] && [ -e "$wheel/include/cudnn.h" ] && export CUDNN_ROOT=$wheel
fi
[ -n "${CUDNN_ROOT:-}" ] && export LD_LIBRARY_PATH=$CUDNN_ROOT/lib:$LD_LIBRARY_PATH
if [ "$mode" = run ] && [ ! -e /etc/OpenCL/vendors/nvidia.icd ] && [ -z "${OCL_ICD_VENDORS:-}" ]; then
    icd=$(library_path libnvidia-opencl.so.1)
    [ -n "$icd" ] || icd=$(first_existing /usr/local/nvidia/lib64/libnvidia-opencl.so.1 \
        /usr/lib/x86_64-linux-gnu/libnvidia-opencl.so.1 /usr/lib64/libnvidia-opencl.so.1)
    if [ -n "$icd" ]; then
        mkdir -p "$build_dir/icd" && echo "$icd" >"$build_dir/icd/nvidia.icd"
        export OCL_ICD_VENDORS=$build_dir/icd
    fi
fi
{
    echo "date: $(date -u +%FT%TZ)  mode: $mode  commit: $(git rev-parse --short=12 HEAD 2>/dev/null || echo none)"
    command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
    command -v nvcc >/dev/null && nvcc --version | tail -n 2
    echo "CUDNN_ROOT=${CUDNN_ROOT:-} OCL_ICD_VENDORS=${OCL_ICD_VENDORS:-}"
} >"$out_dir/environment.txt" 2>&1

# ---- build ---------------------------------------------------------------------------------------
# The GPU machine builds for its own chip only (fast); the dry run keeps the default list.
cuda_arch=()
[ "$mode" = run ] && cuda_arch=(-DCMAKE_CUDA_ARCHITECTURES=90)
cmocka_args=()
[ -e "$carry/include/cmocka.h" ] && ! [ -e /usr/include/cmocka.h ] &&
    cmocka_args=(-DCMOCKA_LIBRARY="$carry/lib/libcmocka.so" -DCMOCKA_INCLUDE_DIR="$carry/include")
step configure 60 cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release "${cuda_arch[@]}" "${cmocka_args[@]}"
step build 240 cmake --build "$build_dir" -j "$jobs"
bin=$build_dir/bin

# ---- tests ---------------------------------------------------------------------------------------
# run_if NAME SECONDS [VAR=VALUE...] BINARY ARGS...: skip when the binary was not built.
run_if() {
    local name=$1 limit=$2; shift 2
    local envs=()
    while [ $# -gt 0 ] && [[ $1 == *=* ]]; do envs+=("$1"); shift; done
    if [ -x "$1" ]; then step "$name" "$limit" env "${envs[@]}" "$@"; else skip_step "$name" "$(basename "$1") not built"; fi
}
run_if cuda-plugin 30 "$bin/test_cuda_nogpu"
if [ "$mode" = run ]; then
    run_if parity-cuda 60 LSTMCORR_PARITY_DEVICES=cuda:0 "$bin/test_parity"
    run_if parity-cuda-fused 45 LSTMCORR_PARITY_DEVICES=cuda:0 LSTMCORR_CUDA_LSTM=fused "$bin/test_parity"
    run_if parity-cuda-deterministic 45 LSTMCORR_PARITY_DEVICES=cuda:0 LSTMCORR_DETERMINISTIC=1 "$bin/test_parity"
    run_if parity-opencl 60 LSTMCORR_PARITY_DEVICES=opencl:0 "$bin/test_parity"
    devices=cuda:0,opencl:0,cpu:0
else
    run_if parity-cpu 60 LSTMCORR_PARITY_DEVICES=cpu:0 "$bin/test_parity"
    devices=cpu:0
fi

# ---- benchmark -----------------------------------------------------------------------------------
bench=$bin/lstmcorr-bench
if [ -x "$bench" ]; then
    # shellcheck disable=SC2016 # $1.. expand in the inner shell
    step bench 120 sh -c '"$1" --device "$2" -o jsonl >"$3"' sh "$bench" "$devices" "$out_dir/bench.jsonl"
else
    skip_step bench "lstmcorr-bench not built"
fi

# ---- table (last) --------------------------------------------------------------------------------
echo
echo "== lstmcorr gpu-check ($mode, $(( $(date +%s) - t_start ))s; logs in $out_dir) =="
head -n 3 "$out_dir/environment.txt" | sed 's/^/  /'
printf '%-28s %-18s %-6s %s\n' step result time "last line"
while IFS=$'\t' read -r name result dt last; do
    printf '%-28s %-18s %-6s %s\n' "$name" "$result" "$dt" "$last"
done <"$summary"
if [ -s "$out_dir/bench.jsonl" ] && command -v python3 >/dev/null; then
    python3 - "$out_dir/bench.jsonl" <<'PY'
import json, sys
rows = []
for line in open(sys.argv[1]):
    try:
        rows.append(json.loads(line))
    except ValueError:
        pass
def pick(r, *keys):
    for k in keys:
        if k in r and not isinstance(r[k], (dict, list)):
            return str(r[k])
    return "-"
print("\n%-28s %-10s %-12s %-12s %s" % ("workload", "device", "median", "rate", "unit"))
for r in rows:
    print("%-28s %-10s %-12s %-12s %s" % (pick(r, "workload", "name", "op")[:28], pick(r, "device"),
          pick(r, "median_ms", "median_s", "median"), pick(r, "gflops", "gbps", "rate", "throughput"),
          pick(r, "unit", "rate_unit")))
PY
fi
[ "$failures" -eq 0 ]
