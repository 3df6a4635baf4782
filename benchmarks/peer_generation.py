"""Generation-speed peers for `loupe-bench llm-generate` (never part of tests or CI).

The workload of the speed issue: SmolLM2-135M-Instruct (Q4_1 GGUF), the chat-formatted prompt
"我今天过得很好。Is this sentence positive or negative? Answer with one word." (add_generation_prompt,
57 tokens), greedy decoding of 64 new tokens (end-of-sequence ignored), 2 threads.

  transformers  the GGUF dequantized to float32 by transformers, torch.set_num_threads(THREADS);
                prefill = one forward pass over the prompt (best of 3), decode = generate() of 64
                tokens with the KV cache, minus one prefill, over 63 tokens.
  llama.cpp     llama-cpp-python on the same GGUF file, n_threads = n_threads_batch = THREADS, greedy
                (top_k = 1); prompt-eval and eval tokens/s from llama.cpp's own timings (best of 3).

Each peer runs in its own child process; prints one JSON line per peer.

Usage: /tmp/peer/bin/python benchmarks/peer_generation.py GGUF_FILE [PROMPT_IDS_JSON] [--only transformers|llama.cpp]
  PROMPT_IDS_JSON: the prompt's token ids (Loupe's tokenization), so that every engine reads the same ids.
Install: /tmp/peer/bin/pip install torch transformers gguf llama-cpp-python
"""
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
PROMPT = "我今天过得很好。Is this sentence positive or negative? Answer with one word."
THREADS = int(os.environ.get("PEER_THREADS", "2"))
NEW_TOKENS = int(os.environ.get("PEER_NEW_TOKENS", "64"))
REPEATS = 3


def prompt_ids(path, given):
    if given:
        return json.loads(given)
    from transformers import AutoTokenizer
    folder, name = os.path.split(path)
    tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    text = tok.apply_chat_template([{"role": "user", "content": PROMPT}], add_generation_prompt=True, tokenize=False)
    return tok(text, add_special_tokens=False)["input_ids"]


def transformers_peer(path, ids):
    import torch
    from transformers import AutoModelForCausalLM
    torch.set_num_threads(THREADS)
    folder, name = os.path.split(path)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32).eval()
    x = torch.tensor([ids])
    with torch.no_grad():
        model(input_ids=x)
        prefill = []
        for _ in range(REPEATS):
            t = time.perf_counter()
            model(input_ids=x)
            prefill.append(time.perf_counter() - t)
        totals, out = [], None
        for _ in range(REPEATS):
            t = time.perf_counter()
            out = model.generate(x, max_new_tokens=NEW_TOKENS, min_new_tokens=NEW_TOKENS, do_sample=False,
                                 pad_token_id=0)
            totals.append(time.perf_counter() - t)
    p = min(prefill)
    decode = min(totals) - p
    return {"peer": "transformers", "version": f"transformers + torch {torch.__version__}", "threads": torch.get_num_threads(),
            "prompt_tokens": len(ids), "new_tokens": NEW_TOKENS,
            "prefill_tokens_per_second": len(ids) / p, "decode_tokens_per_second": (NEW_TOKENS - 1) / decode,
            "end_to_end_seconds": min(totals), "ids": out[0, len(ids):].tolist()}


def llama_cpp_peer(path, ids):
    import llama_cpp
    from llama_cpp import Llama
    llm = Llama(model_path=path, n_threads=THREADS, n_threads_batch=THREADS, n_ctx=512, n_batch=512,
                verbose=False, logits_all=False)
    best = None
    generated = []
    for _ in range(REPEATS):
        llm.reset()
        generated = []
        t0 = time.perf_counter()
        first = None
        for token in llm.generate(ids, top_k=1, top_p=1.0, min_p=0.0, temp=0.0, repeat_penalty=1.0, reset=True):
            if first is None:
                first = time.perf_counter()
            generated.append(int(token))
            if len(generated) >= NEW_TOKENS:
                break
        end = time.perf_counter()
        timings = llama_cpp.llama_perf_context(llm.ctx)
        prompt_eval = timings.n_p_eval / (timings.t_p_eval_ms / 1e3) if timings.t_p_eval_ms > 0 else float("nan")
        evals = timings.n_eval / (timings.t_eval_ms / 1e3) if timings.t_eval_ms > 0 else float("nan")
        run = {"prefill_tokens_per_second": prompt_eval, "decode_tokens_per_second": evals,
               "clock_prefill_tokens_per_second": len(ids) / (first - t0),
               "clock_decode_tokens_per_second": (len(generated) - 1) / (end - first),
               "end_to_end_seconds": end - t0, "n_p_eval": timings.n_p_eval, "n_eval": timings.n_eval}
        llama_cpp.llama_perf_context_reset(llm.ctx)
        if best is None or run["end_to_end_seconds"] < best["end_to_end_seconds"]:
            best = run
    best.update({"peer": "llama.cpp", "version": f"llama-cpp-python {llama_cpp.__version__}", "threads": THREADS,
                 "prompt_tokens": len(ids), "new_tokens": NEW_TOKENS, "ids": generated})
    return best


PEERS = {"transformers": transformers_peer, "llama.cpp": llama_cpp_peer}

if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--child":
        name, path, given = args[1], args[2], args[3] if len(args) > 3 else ""
        print(json.dumps(PEERS[name](path, prompt_ids(path, given))))
        sys.exit(0)
    only = None
    if "--only" in args:
        i = args.index("--only")
        only = args[i + 1]
        args = args[:i] + args[i + 2:]
    path = args[0]
    given = args[1] if len(args) > 1 else ""
    for name in PEERS:
        if only and name != only:
            continue
        child = subprocess.run([sys.executable, __file__, "--child", name, path, given], capture_output=True, text=True)
        line = child.stdout.strip().split("\n")[-1] if child.stdout.strip() else ""
        if child.returncode != 0 or not line.startswith("{"):
            print(json.dumps({"peer": name, "error": (child.stderr.strip().split("\n") or ["failed"])[-1]}))
        else:
            print(line)
        sys.stdout.flush()
