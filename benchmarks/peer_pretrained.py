"""transformers / tokenizers peer figures for `loupe-bench pretrained` (never part of tests or CI).

Usage: python peer_pretrained.py minilm FOLDER | smollm2 GGUF_FILE | tokenize FOLDER_OR_GGUF TEXT_FILE
Prints one JSON object (the last line) with load seconds, resident memory and throughput measured the
same way loupe-bench measures Loupe's. Install: /tmp/peer/bin/pip install torch transformers tokenizers gguf accelerate
"""
import json
import os
import resource
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def rss_mb():
    """Peak resident set size of this process so far, MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def minilm(folder, batch=8, length=128, repeats=5):
    import torch
    from transformers import AutoModel
    before = current_rss_mb()
    t0 = time.perf_counter()
    model = AutoModel.from_pretrained(folder)
    load = time.perf_counter() - t0
    after = current_rss_mb()
    ids = torch.randint(1000, 20000, (batch, length))
    with torch.no_grad():
        model(input_ids=ids)
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            model(input_ids=ids)
            times.append(time.perf_counter() - t)
    best = min(times)
    return {"benchmark": "minilm", "peer": f"transformers + torch {torch.__version__}", "threads": torch.get_num_threads(),
            "load_seconds": load, "rss_before_load_mb": before, "rss_after_load_mb": after, "peak_rss_mb": rss_mb(),
            "forward_tokens_per_second": batch * length / best}


def smollm2(path, prompt_length=128, new_tokens=64):
    import torch
    from transformers import AutoModelForCausalLM
    folder, name = os.path.split(path)
    before = current_rss_mb()
    t0 = time.perf_counter()
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name)
    load = time.perf_counter() - t0
    after = current_rss_mb()
    ids = torch.randint(100, 40000, (1, prompt_length))
    with torch.no_grad():
        model(input_ids=ids)
        t = time.perf_counter()
        model(input_ids=ids)
        forward = time.perf_counter() - t
        t = time.perf_counter()
        out = model.generate(ids[:, :16], max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False)
        generate = time.perf_counter() - t
    generated = out.shape[1] - 16
    return {"benchmark": "smollm2", "peer": f"transformers + torch {torch.__version__}", "threads": torch.get_num_threads(),
            "load_seconds": load, "rss_before_load_mb": before, "rss_after_load_mb": after, "peak_rss_mb": rss_mb(),
            "prompt_tokens_per_second": prompt_length / forward, "generation_tokens_per_second": generated / generate}


def tokenize(source, text_file):
    from tokenizers import Tokenizer
    if source.endswith(".gguf"):
        from transformers import AutoTokenizer
        folder, name = os.path.split(source)
        tok = AutoTokenizer.from_pretrained(folder, gguf_file=name).backend_tokenizer
    else:
        tok = Tokenizer.from_file(os.path.join(source, "tokenizer.json"))
    lines = [l for l in open(text_file, encoding="utf-8").read().split("\n") if l]
    size = sum(len(l.encode("utf-8")) for l in lines)
    for l in lines[:100]:
        tok.encode(l)
    t = time.perf_counter()
    for l in lines:
        tok.encode(l)
    single = time.perf_counter() - t
    t = time.perf_counter()
    tok.encode_batch(lines)
    batch = time.perf_counter() - t
    return {"benchmark": "tokenize", "peer": "tokenizers (Rust)", "bytes": size,
            "megabytes_per_second": size / single / 1e6, "batch_megabytes_per_second": size / batch / 1e6}


if __name__ == "__main__":
    mode = sys.argv[1]
    result = {"minilm": lambda: minilm(sys.argv[2]), "smollm2": lambda: smollm2(sys.argv[2]),
              "tokenize": lambda: tokenize(sys.argv[2], sys.argv[3])}[mode]()
    print(json.dumps(result))
