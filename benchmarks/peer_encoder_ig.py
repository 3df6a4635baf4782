"""Captum peer for `loupe-bench encoder-ig` (never part of tests or CI).

Loads a Hugging Face sequence-classification folder (BertForSequenceClassification; the benchmark
saves MiniLM with its head there) and runs Captum's LayerIntegratedGradients on the word embeddings
for each given sentence: Gauss-Legendre, 50 steps, baseline [CLS] [PAD] ... [SEP] (positions and
token types untouched, as in Captum's BERT tutorial and Loupe's `pad` baseline), the given target's
logit, `internal_batch_size` = --batch (default 50: all steps in one pass). Prints one JSON line:
best and median ms per sentence over --repeats passes, peak RSS, the target logits, per-token
scores of the last pass.

Usage: /tmp/peer/bin/python benchmarks/peer_encoder_ig.py ig --model DIR --ids FILE [--repeats R] [--batch B]
  FILE: {"ids": [[...], ...], "targets": [...], "specials": [cls, sep], "pad": id}
"""
import json
import os
import resource
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
THREADS = int(os.environ.get("PEER_THREADS", "2"))


def arg(name, default=None):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def main():
    import torch
    from captum.attr import LayerIntegratedGradients
    from transformers import AutoModelForSequenceClassification
    import captum

    torch.set_num_threads(THREADS)
    with open(arg("--ids")) as f:
        spec = json.load(f)
    repeats, batch = int(arg("--repeats", "3")), int(arg("--batch", "50"))
    model = AutoModelForSequenceClassification.from_pretrained(arg("--model"), dtype=torch.float32).eval()
    pad = spec["pad"]

    def forward(input_ids, attention_mask):
        return model(input_ids=input_ids, attention_mask=attention_mask).logits

    lig = LayerIntegratedGradients(forward, model.base_model.embeddings.word_embeddings)

    def one(ids, target):
        x = torch.tensor([ids])
        ref = torch.tensor([[ids[0]] + [pad] * (len(ids) - 2) + [ids[-1]]])
        mask = torch.ones_like(x)
        attributions = lig.attribute(x, baselines=ref, additional_forward_args=(mask,), target=target,
                                     n_steps=50, method="gausslegendre", internal_batch_size=batch)
        return attributions.sum(-1)[0].tolist()

    with torch.no_grad():
        logits = [forward(torch.tensor([ids]), torch.ones(1, len(ids), dtype=torch.long))[0, t].item()
                  for ids, t in zip(spec["ids"], spec["targets"])]
    one(spec["ids"][0], spec["targets"][0])  # warm-up
    passes, scores = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        scores = [one(ids, target) for ids, target in zip(spec["ids"], spec["targets"])]
        passes.append((time.perf_counter() - start) / len(spec["ids"]) * 1000)
    passes.sort()
    print(json.dumps({"peer": f"captum {captum.__version__} + torch {torch.__version__}", "threads": THREADS,
                      "ms_per_sentence": passes[0], "median_ms": passes[len(passes) // 2],
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "logits": logits, "scores": scores}))


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] != "ig":
        sys.exit(__doc__)
    main()
