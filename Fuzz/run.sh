#!/bin/sh
# Runs a libFuzzer target for SECONDS (default 600) from its committed seed corpus and reports the
# executions, coverage and any crash. Findings go to Fuzz/findings/<target>/ (crash-*, leak-*, oom-*,
# timeout-*); replay one with `swift run loupe-fuzz-<target> FILE` and turn it into a unit test.
# Usage: Fuzz/run.sh safetensors [SECONDS]      (from the package root; Linux, Swift 6.3 toolchain)
set -eu
target=${1:?usage: Fuzz/run.sh TARGET [SECONDS]}
seconds=${2:-600}
product="loupe-fuzz-$target"
build=.build-fuzz
swift build --build-path "$build" --product "$product" -c debug \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DLOUPE_FUZZ
binary="$build/debug/$product"
corpus="Fuzz/corpus/$target"
work="$build/corpus-$target"          # libFuzzer adds inputs here; the committed seeds stay as they are
findings="Fuzz/findings/$target"
mkdir -p "$work" "$findings"
log="$build/$target.log"
status=0
"$binary" "$work" "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 \
    -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1 || status=$?
grep -E "^stat::(number_of_executed_units|new_units_added|peak_rss_mb)|cov: [0-9]+" "$log" | tail -4
if [ "$status" -ne 0 ]; then
    echo "$target: libFuzzer stopped with status $status; findings in $findings (log: $log)"
    exit "$status"
fi
echo "$target: no crash in $seconds s (log: $log)"
