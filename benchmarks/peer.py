"""PyTorch / Captum peer measurements for `loupe-bench` (never part of tests or CI).

Usage: python peer.py train-step | ig [--weights DIR] | gemm
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


def integrated_gradients(length=20, steps=50, repeats=30):
    from captum.attr import LayerIntegratedGradients
    model = TransformerClassifier().eval()
    ids = torch.randint(4, 16000, (1, length))
    lig = LayerIntegratedGradients(lambda x: model(x), model.embedding)
    baseline = torch.zeros_like(ids)
    def run():
        return lig.attribute(ids, baselines=baseline, target=0, n_steps=steps, method="gausslegendre",
                             return_convergence_delta=True)
    for _ in range(3):
        run()
    start = time.perf_counter()
    for _ in range(repeats):
        run()
    ms = (time.perf_counter() - start) / repeats * 1000
    print(json.dumps({"benchmark": "ig", "peer": f"captum (torch {torch.__version__})", "ms_per_sentence": ms}))


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "train-step"
    with torch.no_grad() if False else torch.enable_grad():
        {"train-step": train_step, "ig": integrated_gradients}[what]()
