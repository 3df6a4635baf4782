#!/usr/bin/env python3
"""Corpus-scale `loupe explain` under an existing engine: Spark's RDD.pipe and GNU parallel.

Runs the release `loupe explain -` over the SST-2 train sentences three ways and checks that
they agree line for line:

  1. one process:      loupe explain - ... < sentences.txt > single.jsonl
  2. Spark local[2]:   sc.textFile(sentences.txt, P).pipe("loupe explain - ...").saveAsTextFile(spark/)
                       (the model folder shipped with sc.addFile, its path from SparkFiles)
  3. GNU parallel:     parallel --pipe -k -N K -j 2 loupe explain - ... < sentences.txt > parallel.jsonl

The union of the Spark partitions (part-00000, part-00001, ... in order) and the parallel output
must equal the single run: the same number of records, each with the same input text, tokens,
prediction and error, and every number within 1e-6 (timings left out). Throughput (sentences/s,
wall seconds), the peak RSS of one loupe process, the model load time, the CPU (lscpu) and the
machine load (load averages before and after each run) go to summary.json and stdout.

Never run by tests or CI. Needs `pyspark` (PyPI) and Java 17 for Spark, GNU parallel for (3):

    python3 -m venv /tmp/spark && /tmp/spark/bin/pip install pyspark
    swift build -c release --product loupe
    nice -n 10 /tmp/spark/bin/python benchmarks/spark_explain.py --limit 2000
    nice -n 10 /tmp/spark/bin/python benchmarks/spark_explain.py            # all 67,349

See docs/scale-out.md for the cluster version of the same pattern.
"""

import argparse
import json
import math
import os
import resource
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOLERANCE = 1e-6


def parse_arguments():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--loupe", default=str(ROOT / ".build/release/loupe"), help="the loupe binary (release build)")
    p.add_argument("--model", help="checkpoint folder (default: the bundled default classifier of the release build)")
    p.add_argument("--data", default=str(ROOT.parent / "shared/data/sst2/train.tsv"), help="SST-2 train.tsv")
    p.add_argument("--limit", type=int, default=0, help="first N sentences only (0: all)")
    p.add_argument("--out", default="/tmp/loupe-spark-explain", help="work folder (emptied first)")
    p.add_argument("--methods", default="integrated-gradients", help="loupe --methods")
    p.add_argument("--workers", type=int, default=2, help="Spark local[N] and parallel -j N")
    p.add_argument("--partitions", type=int, default=8, help="Spark partitions (textFile minPartitions)")
    p.add_argument("--chunks-per-worker", type=int, default=4, help="GNU parallel: blocks of -N lines per worker")
    p.add_argument("--threads", default="1",
                   help="LOUPE_THREADS of each Spark / parallel process")
    p.add_argument("--single-threads", default="",
                   help="LOUPE_THREADS of the single run (default: unset, every core)")
    p.add_argument("--skip", action="append", default=[], choices=["single", "spark", "parallel"],
                   help="leave a run out (repeatable); the comparison then uses what ran")
    return p.parse_args()


def default_model(loupe: Path) -> Path:
    """The default classifier folder inside the build's resource bundle."""
    for candidate in sorted(loupe.resolve().parent.glob("Loupe_LoupeDefaults.resources/**/default-model")):
        if (candidate / "config.json").exists():
            return candidate
    sys.exit(f"no default-model folder next to {loupe}; pass --model")


def read_sentences(path: Path, limit: int):
    """The `sentence` column of a TSV with a header."""
    with open(path, encoding="utf-8", newline="\n") as f:
        header = f.readline().rstrip("\n").split("\t")
        column = header.index("sentence")
        sentences = [line.rstrip("\n").split("\t")[column] for line in f]
    return sentences[:limit] if limit else sentences


def cpu_name() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
        name = fields.get("Model name", "").strip()
        return f"{name}, {fields.get('CPU(s)', '?').strip()} CPUs (family {fields.get('CPU family', '?').strip()} " \
               f"model {fields.get('Model', '?').strip()})"
    except OSError:
        return "unknown"


def loads() -> list:
    return [round(x, 2) for x in os.getloadavg()]


def loupe_command(args, model: str) -> list:
    return [args.loupe, "explain", "-", "--model", model, "--methods", args.methods, "--allow-bad-lines", "--quiet"]


def model_load_seconds(args, model: str) -> float:
    """`model loaded in X s` of a one-line --verbose run."""
    cmd = [args.loupe, "explain", "-", "--model", model, "--methods", args.methods, "--verbose"]
    r = subprocess.run(cmd, input=b"a good film\n", capture_output=True)
    for line in r.stderr.decode().splitlines():
        if line.startswith("model loaded in "):
            return float(line.split()[3])
    raise RuntimeError(f"no load time in: {r.stderr.decode()}")


def run_single(args, model: str, sentences_file: Path, out: Path) -> dict:
    """One process over every line; its peak RSS from wait4."""
    before = loads()
    start = time.perf_counter()
    with open(sentences_file, "rb") as fin, open(out, "wb") as fout:
        env = {**os.environ, "LOUPE_THREADS": args.single_threads} if args.single_threads else None
        proc = subprocess.Popen(loupe_command(args, model), stdin=fin, stdout=fout, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"single run exited with {code}")
    return {"wall_s": wall, "peak_rss_mb": usage.ru_maxrss / 1024, "cpu_s": usage.ru_utime + usage.ru_stime,
            "load_before": before, "load_after": loads(), "threads": args.single_threads or "all cores (default)"}


def run_spark(args, model: str, sentences_file: Path, out_dir: Path) -> dict:
    from pyspark import SparkFiles
    from pyspark.sql import SparkSession

    before = loads()
    t0 = time.perf_counter()
    spark = (SparkSession.builder.master(f"local[{args.workers}]").appName("loupe-explain")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").getOrCreate())
    sc = spark.sparkContext
    sc.setLogLevel("ERROR")
    # Ship the model folder as a cluster job would; each task reads it from SparkFiles.
    sc.addFile(model, recursive=True)
    shipped = SparkFiles.get(Path(model).name)   # local mode: the driver's copy is the executors' copy
    startup = time.perf_counter() - t0

    command = " ".join(shlex.quote(part) for part in loupe_command(args, shipped))
    lines = sc.textFile(sentences_file.as_uri(), minPartitions=args.partitions)
    sizes = lines.mapPartitionsWithIndex(lambda i, it: [(i, sum(1 for _ in it))]).collect()
    t1 = time.perf_counter()
    # PySpark's pipe starts the command with exactly `env` (nothing inherited): LOUPE_THREADS only.
    lines.pipe(command, env={"LOUPE_THREADS": args.threads}, checkCode=True).saveAsTextFile(out_dir.as_uri())
    wall = time.perf_counter() - t1
    spark.stop()
    return {"wall_s": wall, "startup_s": startup, "partitions": len(sizes),
            "partition_sizes": [n for _, n in sorted(sizes)], "threads": args.threads,
            "load_before": before, "load_after": loads(), "command": command}


def run_parallel(args, model: str, sentences_file: Path, out: Path, count: int) -> dict:
    per_block = max(1, math.ceil(count / (args.workers * args.chunks_per_worker)))
    cmd = ["parallel", "--pipe", "-k", "-N", str(per_block), "-j", str(args.workers)] + \
          [shlex.quote(part) for part in loupe_command(args, model)]
    before = loads()
    start = time.perf_counter()
    with open(sentences_file, "rb") as fin, open(out, "wb") as fout:
        subprocess.run(cmd, stdin=fin, stdout=fout, check=True, env={**os.environ, "LOUPE_THREADS": args.threads})
    wall = time.perf_counter() - start
    return {"wall_s": wall, "lines_per_process": per_block, "threads": args.threads,
            "load_before": before, "load_after": loads(), "command": " ".join(cmd)}


def records(files):
    """The lines of `files` in order, one record each (split on '\\n' only, as the pipe does)."""
    for path in files:
        with open(path, encoding="utf-8", newline="\n") as f:
            for line in f:
                yield line.rstrip("\n")


def comparable(record: dict):
    """The record without what may differ between runs — timings (`seconds`) and the model's
    path (Spark reads its shipped copy) — as (structure without numbers, its numbers in order)."""
    numbers = []

    def strip(value):
        if isinstance(value, bool) or value is None or isinstance(value, str):
            return value
        if isinstance(value, (int, float)):
            numbers.append(float(value))
            return "#"
        if isinstance(value, list):
            return [strip(v) for v in value]
        return {k: strip(v) for k, v in value.items() if k != "seconds"}

    record = dict(record)
    if isinstance(record.get("model"), dict):
        record["model"] = {k: v for k, v in record["model"].items() if k != "path"}
    return strip(record), numbers


def compare(reference_files, other_files, name: str) -> dict:
    """Record for record: the same structure and strings, every number within TOLERANCE."""
    worst, count = 0.0, 0
    sentinel = object()
    from itertools import zip_longest
    for i, (a, b) in enumerate(zip_longest(records(reference_files), records(other_files), fillvalue=sentinel)):
        if a is sentinel or b is sentinel:
            return {"equal": False, "why": f"{name}: the record counts differ (from record {i + 1} on)"}
        (sa, na), (sb, nb) = comparable(json.loads(a)), comparable(json.loads(b))
        if sa != sb or len(na) != len(nb):
            return {"equal": False, "why": f"{name}: record {i + 1} differs beyond numbers"}
        for x, y in zip(na, nb):
            d = abs(x - y)
            worst = max(worst, d)
            if not d <= TOLERANCE:
                return {"equal": False, "why": f"{name}: record {i + 1}: {x} vs {y}"}
        count += 1
    return {"equal": True, "records": count, "max_abs_difference": worst}


def main():
    args = parse_arguments()
    args.loupe = str(Path(args.loupe).resolve())
    model = str(Path(args.model).resolve() if args.model else default_model(Path(args.loupe)))
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)

    sentences = read_sentences(Path(args.data), args.limit)
    sentences_file = out / "sentences.txt"
    sentences_file.write_text("".join(s + "\n" for s in sentences), encoding="utf-8")
    n = len(sentences)
    summary = {"sentences": n, "data": str(Path(args.data).resolve()), "model": model, "methods": args.methods,
               "cpu": cpu_name(), "nproc": os.cpu_count(), "loupe": args.loupe,
               "model_load_s": model_load_seconds(args, model), "runs": {}}
    print(f"{n} sentences, model {model}, {summary['cpu']}, load {loads()}", flush=True)

    outputs = {}
    if "single" not in args.skip:
        summary["runs"]["single"] = run_single(args, model, sentences_file, out / "single.jsonl")
        outputs["single"] = [out / "single.jsonl"]
    if "spark" not in args.skip:
        summary["runs"]["spark"] = run_spark(args, model, sentences_file, out / "spark")
        parts = sorted((out / "spark").glob("part-*"))
        outputs["spark"] = parts
        summary["runs"]["spark"]["part_records"] = [sum(1 for _ in records([p])) for p in parts]
    if "parallel" not in args.skip:
        if shutil.which("parallel"):
            summary["runs"]["parallel"] = run_parallel(args, model, sentences_file, out / "parallel.jsonl", n)
            outputs["parallel"] = [out / "parallel.jsonl"]
        else:
            print("GNU parallel not found: skipped", flush=True)

    for name, run in summary["runs"].items():
        run["sentences_per_s"] = n / run["wall_s"]
        run["records"] = sum(1 for _ in records(outputs[name]))
        run["error_records"] = sum(1 for line in records(outputs[name]) if line.startswith('{"error"'))
    if "spark" in summary["runs"]:
        spark = summary["runs"]["spark"]
        spark["partitions_keep_their_sizes"] = spark["part_records"] == spark["partition_sizes"]
    reference_name = next(iter(outputs), None)
    if reference_name:
        texts = (json.loads(line).get("input", {}).get("text") for line in records(outputs[reference_name]))
        summary["reference"] = reference_name
        summary["reference_texts_match_input"] = summary["runs"][reference_name]["records"] == n and \
            all(t is None or t == s for t, s in zip(texts, sentences))
        summary["comparison"] = {name: compare(outputs[reference_name], files, name)
                                 for name, files in outputs.items() if name != reference_name}
    summary["peak_rss_note"] = "ru_maxrss of the single loupe process (wait4)"
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")

    print(f"\n{'run':10} {'wall s':>9} {'sentences/s':>12}  load before → after")
    for name, run in summary["runs"].items():
        print(f"{name:10} {run['wall_s']:9.1f} {run['sentences_per_s']:12.1f}  {run['load_before']} → {run['load_after']}")
    print(json.dumps({k: summary[k] for k in ("comparison", "reference_texts_match_input", "model_load_s") if k in summary}))
    if "single" in summary["runs"]:
        print(f"peak RSS of one loupe process: {summary['runs']['single']['peak_rss_mb']:.1f} MB")
    if "spark" in summary["runs"]:
        s = summary["runs"]["spark"]
        print(f"spark: {s['partitions']} partitions {s['partition_sizes']}, session start {s['startup_s']:.1f} s, "
              f"partitions keep their sizes: {s['partitions_keep_their_sizes']}")
    print(f"summary: {out / 'summary.json'}")
    ok = summary.get("reference_texts_match_input", True) and all(c["equal"] for c in summary.get("comparison", {}).values())
    if "spark" in summary["runs"]:
        ok = ok and summary["runs"]["spark"]["partitions_keep_their_sizes"]
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
