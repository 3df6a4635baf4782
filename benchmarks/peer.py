"""PyTorch / Captum peer measurements for `loupe-bench` (never part of tests or CI).

Usage: python peer.py train-step | ig [--weights DIR --ids FILE] | gemm | sst2-tokens --batches FILE [--vocab N]
Prints one JSON object per line with the measured figure, so loupe-bench can show it next to
its own figure from the same run. Install the peer in a venv outside the repo:
    python3 -m venv /tmp/peer && /tmp/peer/bin/pip install torch captum safetensors
"""
import json
import sys
import time

import torch
import torch.nn as nn

torch.manual_seed(0)


class TransformerClassifier(nn.Module):
    """The reference `transformer-classifier` architecture (post-LN, ReLU, masked mean pooling)."""

    def __init__(self, vocab=16000, dim=128, layers=2, heads=4, ffn=256, max_len=64, classes=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim, padding_idx=0)
        self.position = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, heads, ffn, dropout=0.0, activation="relu",
                                           batch_first=True, norm_first=False)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.output = nn.Linear(dim, classes)

    def forward_from_embeddings(self, emb, ids):
        pad = ids == 0
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        h = self.encoder(emb + self.position(pos), src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1)
        return self.output(pooled)

    def forward(self, ids):
        return self.forward_from_embeddings(self.embedding(ids), ids)


def train_step(batch=32, length=24, steps=60, warmup=10):
    model = TransformerClassifier()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    ids = torch.randint(4, 16000, (batch, length))
    labels = torch.randint(0, 2, (batch,))
    loss_fn = nn.CrossEntropyLoss()
    for i in range(warmup + steps):
        if i == warmup:
            start = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(model(ids), labels)
        loss.backward()
        opt.step()
    ms = (time.perf_counter() - start) / steps * 1000
    print(json.dumps({"benchmark": "train-step", "peer": f"torch {torch.__version__}",
                      "threads": torch.get_num_threads(), "ms_per_step": ms,
                      "tokens_per_second": batch * length / ms * 1000}))


def load_weights(model, folder):
    """Loads a Loupe checkpoint folder (config.json + model.safetensors, PyTorch state_dict names)."""
    from safetensors.torch import load_file
    state = load_file(f"{folder}/model.safetensors")
    model.load_state_dict(state, strict=True)
    return model


def integrated_gradients(length=20, steps=50, repeats=30, dev_batch=16):
    """Captum LayerIntegratedGradients on the embedding layer, 50 Gauss-Legendre steps, baseline [PAD].
    With --weights DIR --ids FILE: Loupe's exported weights and token ids (the 20-token sentence, and
    SST-2 dev sentences for a batched sentences/s figure); returns the per-token scores for a parity check."""
    from captum.attr import LayerIntegratedGradients
    model = TransformerClassifier().eval()
    if "--weights" in sys.argv:
        load_weights(model, sys.argv[sys.argv.index("--weights") + 1])
    single, dev = torch.randint(4, 16000, (length,)).tolist(), []
    if "--ids" in sys.argv:
        with open(sys.argv[sys.argv.index("--ids") + 1]) as f:
            data = json.load(f)
        single, dev = data["single"], data.get("dev", [])
    lig = LayerIntegratedGradients(lambda x: model(x), model.embedding)
    ids = torch.tensor([single])

    def run(batch, internal=None):
        return lig.attribute(batch, baselines=torch.zeros_like(batch), target=0, n_steps=steps,
                             method="gausslegendre", internal_batch_size=internal, return_convergence_delta=True)

    for _ in range(3):
        run(ids)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        attributions, _ = run(ids)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    result = {"benchmark": "ig", "peer": f"captum {__import__('captum').__version__} (torch {torch.__version__})",
              "threads": torch.get_num_threads(), "ms_per_sentence": times[len(times) // 2],
              "fastest_ms": times[0], "scores": attributions.sum(-1)[0].tolist()}
    if dev:
        start = time.perf_counter()
        for b in range(0, len(dev), dev_batch):
            rows = dev[b:b + dev_batch]
            width = max(len(r) for r in rows)
            batch = torch.tensor([r + [0] * (width - len(r)) for r in rows])
            run(batch, internal=256)
        result["dev_sentences_per_second"] = len(dev) / (time.perf_counter() - start)
        result["dev_batch"] = dev_batch
    print(json.dumps(result))


def sst2_tokens(warmup=10):
    """Adam training over the exact padded SST-2 batches `loupe-bench train-speed` used (a JSON file
    {"batches": [[[ids]]], "labels": [[int]]}); tokens/s counts real (non-[PAD]) tokens, as Loupe does."""
    path = sys.argv[sys.argv.index("--batches") + 1]
    with open(path) as f:
        data = json.load(f)
    batches = [torch.tensor(b, dtype=torch.long) for b in data["batches"]]
    labels = [torch.tensor(l, dtype=torch.long) for l in data["labels"]]
    vocab = int(sys.argv[sys.argv.index("--vocab") + 1]) if "--vocab" in sys.argv else 16000
    model = TransformerClassifier(vocab=vocab)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    forward = backward = step = 0.0
    tokens = 0
    for i, (ids, y) in enumerate(zip(batches, labels)):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(model(ids), y)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        opt.step()
        t3 = time.perf_counter()
        if i >= warmup:
            forward += t1 - t0
            backward += t2 - t1
            step += t3 - t2
            tokens += int((ids != 0).sum())
    total = forward + backward + step
    timed = max(1, len(batches) - warmup)
    print(json.dumps({"benchmark": "sst2-tokens", "peer": f"torch {torch.__version__}",
                      "threads": torch.get_num_threads(), "steps": timed, "ms_per_step": total / timed * 1000,
                      "tokens_per_second": tokens / total, "forward_percent": 100 * forward / total,
                      "backward_percent": 100 * backward / total, "optimizer_percent": 100 * step / total}))


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "train-step"
    with torch.no_grad() if False else torch.enable_grad():
        {"train-step": train_step, "ig": integrated_gradients, "sst2-tokens": sst2_tokens}[what]()
