#!/bin/sh
# Runs a libFuzzer target for SECONDS (default 600) from its committed seed corpus and reports the
# executions, coverage and any crash. Findings go to Fuzz/findings/<target>/ (crash-*, leak-*, oom-*,
# timeout-*); replay one with `swift run loupe-fuzz-<target> FILE` and turn it into a unit test.
# Usage: Fuzz/run.sh TARGET [SECONDS]   (from the package root; Linux, Swift 6.3 toolchain)
#        Fuzz/run.sh all [SECONDS]      (every target in turn, SECONDS each; one summary line each)
# Targets: safetensors gguf tokenizer config corpus png json
# Each run ends with one summary line:
#   TARGET: SECONDS s, EXECS execs (EXEC/S/s), cov EDGES, ft FEATURES, NEW new units, peak RSS MB MB: RESULT
set -eu
targets="safetensors gguf tokenizer config corpus png json"
target=${1:?usage: Fuzz/run.sh TARGET|all [SECONDS]  (targets: $targets)}
seconds=${2:-600}
if [ "$target" = all ]; then
    status=0
    for t in $targets; do "$0" "$t" "$seconds" || status=$?; done
    exit "$status"
fi
case " $targets " in *" $target "*) ;; *) echo "unknown target '$target' (targets: $targets)" >&2; exit 2 ;; esac
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
# Known leaks outside Loupe (see the file); every other leak stops the run.
LSAN_OPTIONS="suppressions=$(pwd)/Fuzz/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}" \
"$binary" "$work" "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 \
    -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1 || status=$?
stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
coverage=$(grep -E "cov: [0-9]+" "$log" | tail -1 | sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+).*/cov \1, ft \2/')
if [ "$status" -ne 0 ]; then
    artifact=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$log" | tail -1)
    result="libFuzzer stopped with status $status (${artifact:-see the log}; log: $log)"
else
    result="no crash, leak, timeout or out-of-memory (log: $log)"
fi
echo "$target: $seconds s, $(stat number_of_executed_units) execs ($(stat average_exec_per_sec)/s), ${coverage:-cov ?}," \
     "$(stat new_units_added) new units, peak RSS $(stat peak_rss_mb) MB: $result"
exit "$status"
