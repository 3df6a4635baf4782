"""Second set of PyTorch + Captum parity fixtures, on checkpoints that are not in ../shared.

A peer script: never run by tests or CI. It builds three small classifiers whose configurations
differ from the shared reference checkpoints, gives them non-trivial weights (scaled init, then a
short run of Adam on random labels), and writes each one in the interchange layout of
../shared/reference/README.md together with an `expected.json` of the same structure as the
reference `transformer-classifier/expected.json`:

    python benchmarks/parity/make_parity_fixtures.py \
        --out Tests/LoupeAttributionTests/Fixtures/parity

With `--check-reference ../shared/reference` it instead recomputes the reference
`expected.json` of the two shared classifiers with this script's code and prints the largest
difference, which shows that the conventions below are the reference ones.

Conventions (those of ../shared/reference/README.md):
- target = the predicted class; every score is for the logit of the target;
- token scores are attributions of the token-embedding layer (`embedding`, before the position
  vectors are added) summed over the embedding dimension, or its L2 norm over that dimension;
- integrated gradients: Captum `LayerIntegratedGradients` on `embedding`, baseline = [PAD] ids
  (the zero embedding), 50 steps, `gausslegendre` and `riemann_trapezoid`; the pooling and
  attention masks come from the real input (passed as an extra forward argument), so F(baseline)
  = `baseline_logit` is the model on zero embeddings with the real mask;
- gradient and input x gradient: Captum `LayerGradientXActivation` on `embedding`, without and
  with multiplication by the embedding;
- leave-one-out: Captum `FeatureAblation` over the token ids, one token per feature, replaced by
  the [PAD] id, so the mask comes from the ablated ids (the token is masked out). The mean over no
  remaining token is the zero vector (this only happens for one-token sentences).

Requires torch, captum, safetensors, numpy. Everything is seeded, and the run is deterministic on
CPU (two runs write byte-identical files); the versions used are printed.
"""
import argparse
import json
import os
import random
import sys

import numpy as np
import torch
import torch.nn as nn
from captum.attr import FeatureAblation, LayerGradientXActivation, LayerIntegratedGradients
from safetensors.torch import load_file, save_file

SPECIAL = ["[PAD]", "[UNK]", "[BOS]", "[EOS]"]
PAD_ID = 0

# Lower-case words and CJK characters (each one token), in a fixed order: a model with vocab
# size V uses SPECIAL + the first V - 4 of them.
WORDS = (
    "the a an this that these those it its they them we you i he she his her our their "
    "book novel poem song album show series episode chapter page writer singer band painter "
    "voice melody rhythm ending opening character dialogue tone pace style cover "
    "good bad great awful fine poor lovely ugly bright dark calm tense funny sad warm cold "
    "clever dull fresh stale rich thin sharp vague gentle harsh strong weak brave silly "
    "very quite rather too so not never always often barely truly almost "
    "is was are were be been seems felt feels looks made makes gave gives kept "
    "and but or yet with without about from into over under after before during "
    "love hate enjoy miss want need like dislike recommend avoid "
    "好 坏 书 歌 美 丑 冷 热 快 慢 新 旧 爱 恨 很 不 也 都"
).split()

LABELS3 = ["negative", "neutral", "positive"]
LABELS4 = ["sad", "angry", "calm", "happy"]

# The fixtures: name -> config (interchange keys), training and sentence settings.
MODELS = {
    # Pre-LN, exact GELU, three layers, head size 10 (not a multiple of 8), three classes.
    "transformer-prenorm-gelu": {
        "config": {
            "architecture": "transformer-classifier", "vocab_size": 140, "embed_dim": 30,
            "num_heads": 3, "num_layers": 3, "ffn_dim": 44, "max_len": 50,
            "activation": "gelu", "norm": "pre", "layer_norm_eps": 1e-06,
            "pooling": "masked-mean", "labels": LABELS3, "num_classes": 3, "pad_id": 0,
        },
        "seed": 101,
        "attention_scale": 2.0, "lr": 3e-3, "train_steps": 80,
        "lengths": [1, 2, 3, 4, 6, 7, 9, 12, 15, 19, 24, 30, 36, 45],
    },
    # Post-LN, ReLU, one wide layer (head size 24), max_len 48 with a 44-token sentence.
    "transformer-postnorm-wide": {
        "config": {
            "architecture": "transformer-classifier", "vocab_size": 120, "embed_dim": 48,
            "num_heads": 2, "num_layers": 1, "ffn_dim": 72, "max_len": 48,
            "activation": "relu", "norm": "post", "layer_norm_eps": 1e-05,
            "pooling": "masked-mean", "labels": LABELS4, "num_classes": 4, "pad_id": 0,
        },
        "seed": 202,
        "attention_scale": 3.0, "lr": 5e-3, "train_steps": 120,
        "lengths": [1, 2, 3, 5, 8, 10, 13, 17, 22, 28, 33, 38, 41, 44],
    },
    # Bag of embeddings with three classes and a small hidden layer.
    "bag-of-embeddings-3class": {
        "config": {
            "architecture": "bag-of-embeddings", "vocab_size": 97, "embed_dim": 20,
            "hidden_dim": 24, "labels": LABELS3, "num_classes": 3, "pad_id": 0,
        },
        "seed": 303, "lr": 5e-3, "train_steps": 120,
        "lengths": [1, 2, 3, 4, 5, 7, 9, 11, 14, 18, 23, 29, 35, 42],
    },
}

IG_STEPS = 50
TRAIN_SENTENCES = 192


def masked_mean(h, keep):
    """Mean of h [B, T, E] over the positions where keep [B, T] is true; zero where none is."""
    h = torch.where(keep.unsqueeze(-1), h, torch.zeros_like(h))
    count = keep.sum(dim=1, keepdim=True).clamp(min=1).to(h.dtype)
    return h.sum(dim=1) / count


class BagOfEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embedding = nn.Embedding(c["vocab_size"], c["embed_dim"], padding_idx=c["pad_id"])
        self.hidden = nn.Linear(c["embed_dim"], c["hidden_dim"])
        self.output = nn.Linear(c["hidden_dim"], c["num_classes"])
        self.pad_id = c["pad_id"]

    def forward(self, ids, keep=None):
        if keep is None:
            keep = ids != self.pad_id
        return self.output(torch.relu(self.hidden(masked_mean(self.embedding(ids), keep))))


class TransformerClassifier(nn.Module):
    def __init__(self, c):
        super().__init__()
        e = c["embed_dim"]
        self.embedding = nn.Embedding(c["vocab_size"], e, padding_idx=c["pad_id"])
        self.position = nn.Embedding(c["max_len"], e)
        layer = nn.TransformerEncoderLayer(
            e, c["num_heads"], c["ffn_dim"], dropout=0.0, activation=c["activation"],
            layer_norm_eps=c["layer_norm_eps"], batch_first=True, norm_first=(c["norm"] == "pre"))
        self.encoder = nn.TransformerEncoder(layer, c["num_layers"], enable_nested_tensor=False)
        self.output = nn.Linear(e, c["num_classes"])
        self.pad_id = c["pad_id"]

    def forward(self, ids, keep=None):
        if keep is None:
            keep = ids != self.pad_id
        x = self.embedding(ids)  # the attributed layer: positions are added after it
        x = x + self.position(torch.arange(ids.shape[1], device=ids.device)).unsqueeze(0)
        h = self.encoder(x, src_key_padding_mask=~keep)
        return self.output(masked_mean(h, keep))


def build(config):
    if config["architecture"] == "bag-of-embeddings":
        return BagOfEmbeddings(config)
    return TransformerClassifier(config)


def vocabulary(size):
    tokens = SPECIAL + WORDS[: size - len(SPECIAL)]
    assert len(tokens) == size and len(set(tokens)) == size, (size, len(WORDS))
    return tokens


def random_ids(rng, length, vocab_size):
    return [rng.randrange(len(SPECIAL), vocab_size) for _ in range(length)]


def padded(rows):
    width = max(len(r) for r in rows)
    return torch.tensor([r + [PAD_ID] * (width - len(r)) for r in rows], dtype=torch.long)


def make_weights(spec):
    """Scaled PyTorch init, then a short Adam run on random labels, so that logits differ clearly
    between sentences and attention is far from uniform."""
    c = spec["config"]
    torch.manual_seed(spec["seed"])
    rng = random.Random(spec["seed"])
    model = build(c)
    with torch.no_grad():
        if isinstance(model, TransformerClassifier):
            model.position.weight.mul_(0.5)
            for layer in model.encoder.layers:
                layer.self_attn.in_proj_weight.mul_(spec["attention_scale"])
                layer.self_attn.in_proj_bias.normal_(0, 0.2)
                layer.self_attn.out_proj.bias.normal_(0, 0.2)
        else:
            model.hidden.weight.mul_(2.0)
            model.output.weight.mul_(2.0)
    sentences = [random_ids(rng, rng.randint(1, c.get("max_len", 48)), c["vocab_size"])
                 for _ in range(TRAIN_SENTENCES)]
    labels = torch.tensor([rng.randrange(c["num_classes"]) for _ in sentences])
    optimizer = torch.optim.Adam(model.parameters(), lr=spec["lr"])
    model.train()
    for step in range(spec["train_steps"]):
        batch = [(step * 32 + k) % TRAIN_SENTENCES for k in range(32)]
        logits = model(padded([sentences[i] for i in batch]))
        loss = nn.functional.cross_entropy(logits, labels[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        model.embedding.weight[PAD_ID].zero_()  # Adam keeps it zero already; make it explicit
    return model


def per_token(a):
    """[1, T, E] attribution -> (sums over E, L2 norms over E) as Python floats."""
    a = a.detach()[0].double()
    return [float(v) for v in a.sum(dim=-1)], [float(v) for v in a.norm(dim=-1)]


def floats(t):
    return [float(v) for v in t.detach().reshape(-1)]


def attribute(model, ids, tokens):
    """One expected.json case for `ids` (a list of ints)."""
    x = torch.tensor([ids], dtype=torch.long)
    keep = x != PAD_ID
    baseline = torch.full_like(x, PAD_ID)
    with torch.no_grad():
        logits = model(x, keep)[0]
        target = int(logits.argmax())
        baseline_logit = float(model(baseline, keep)[0, target])
    case = {
        "sentence": " ".join(tokens[i] for i in ids),
        "token_ids": list(ids),
        "logits": floats(logits),
        "probabilities": floats(torch.softmax(logits, dim=-1)),
        "target": target,
        "baseline_logit": baseline_logit,
    }
    lig = LayerIntegratedGradients(model, model.embedding)
    for method in ("gausslegendre", "riemann_trapezoid"):
        a, delta = lig.attribute(x, baselines=baseline, target=target, additional_forward_args=(keep,),
                                 n_steps=IG_STEPS, method=method, return_convergence_delta=True)
        sums, norms = per_token(a)
        case[f"integrated_gradients_{method}_{IG_STEPS}"] = {
            "per_token": sums, "per_token_l2": norms, "convergence_delta": float(delta.reshape(-1)[0]),
        }
    ixg = LayerGradientXActivation(model, model.embedding, multiply_by_inputs=True)
    case["input_x_gradient"] = {
        "per_token": per_token(ixg.attribute(x, target=target, additional_forward_args=(keep,)))[0]}
    grad = LayerGradientXActivation(model, model.embedding, multiply_by_inputs=False)
    sums, norms = per_token(grad.attribute(x, target=target, additional_forward_args=(keep,)))
    case["gradient"] = {"per_token_sum": sums, "per_token_l2": norms}
    # No extra argument: the mask comes from the ablated ids.
    ablation = FeatureAblation(model)
    loo = ablation.attribute(x, baselines=PAD_ID, target=target,
                             feature_mask=torch.arange(len(ids)).unsqueeze(0))
    case["leave_one_out"] = {"per_token": floats(loo)}
    return case


def sentences_for(spec):
    c = spec["config"]
    rng = random.Random(spec["seed"] * 7 + 1)
    cases = [random_ids(rng, n, c["vocab_size"]) for n in spec["lengths"]]
    # A sentence that repeats one token several times (identical embeddings, different positions).
    w = rng.randrange(len(SPECIAL), c["vocab_size"])
    cases.append([w, rng.randrange(len(SPECIAL), c["vocab_size"]), w, w, rng.randrange(len(SPECIAL), c["vocab_size"]), w])
    return cases


def conditioning(model, config, cases, tokens):
    """The float32 rounding in the fixture numbers: every case recomputed with a float64 copy of
    the model, and the largest difference per method, scaled as the Swift test scales its
    tolerance (divided by max(1, largest expected magnitude) of each compared array)."""
    model64 = build(config).double()
    model64.load_state_dict({k: v.double() for k, v in model.state_dict().items()})
    model64.eval()
    worst = {}
    for case in cases:
        exact = attribute(model64, case["token_ids"], tokens)
        for key, value in case.items():
            if key in ("sentence", "token_ids", "target"):
                continue
            for array_a, array_b in arrays(value, exact[key]):
                scale = max([1.0] + [abs(v) for v in array_a])
                error = max(abs(a - b) for a, b in zip(array_a, array_b)) / scale
                worst[key] = max(worst.get(key, 0.0), error)
    return worst


def arrays(a, b):
    """Pairs of number arrays (a scalar is a one-element array) at the same place in a and b."""
    if isinstance(a, dict):
        return [p for k in a for p in arrays(a[k], b[k])]
    if isinstance(a, list):
        return [(a, b)]
    return [([a], [b])]


def attention_summary(model, cases):
    """Mean over heads/queries of the largest attention weight, on the real keys (1/T = uniform)."""
    if not isinstance(model, TransformerClassifier):
        return None
    values = []
    for case in cases:
        ids = case["token_ids"]
        if len(ids) < 4:
            continue
        x = torch.tensor([ids])
        h = model.embedding(x) + model.position(torch.arange(len(ids))).unsqueeze(0)
        layer = model.encoder.layers[0]
        q = layer.norm1(h) if layer.norm_first else h
        with torch.no_grad():
            _, w = layer.self_attn(q, q, q, need_weights=True, average_attn_weights=False)
        values.append((float(w.max(dim=-1).values.mean()), 1 / len(ids)))
    return values


def write_fixture(name, spec, out):
    c = spec["config"]
    model = make_weights(spec)
    tokens = vocabulary(c["vocab_size"])
    cases = [attribute(model, ids, tokens) for ids in sentences_for(spec)]

    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(c, f, indent=2, sort_keys=True)
        f.write("\n")
    state = {k: v.detach().contiguous().float() for k, v in model.state_dict().items()}
    # No __metadata__: safetensors writes it in hash order, which would make the file differ
    # between runs. The versions are printed by main (and recorded in the fixtures' README).
    save_file(state, os.path.join(folder, "model.safetensors"))
    os.chmod(os.path.join(folder, "model.safetensors"), 0o644)
    with open(os.path.join(folder, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(tokens) + "\n")
    document = {"cases": cases}
    with open(os.path.join(folder, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(document, f, indent=1)
        f.write("\n")

    targets = [case["target"] for case in cases]
    spread = max(max(case["logits"]) - min(case["logits"]) for case in cases)
    print(f"{name}: {len(cases)} cases, lengths {[len(k['token_ids']) for k in cases]}")
    print(f"  targets {targets} (classes hit: {sorted(set(targets))}), largest logit spread {spread:.3f}")
    print(f"  max |IG delta| gl {max(abs(k['integrated_gradients_gausslegendre_50']['convergence_delta']) for k in cases):.2e}"
          f", trapezoid {max(abs(k['integrated_gradients_riemann_trapezoid_50']['convergence_delta']) for k in cases):.2e}")
    noise = conditioning(model, c, cases, tokens)
    print("  float32 vs float64, scaled like the test's tolerance: "
          + ", ".join(f"{k} {v:.1e}" for k, v in noise.items()))
    # A fixture whose own float32 rounding used more than a tenth of the test's tolerance, or
    # that never predicts some class, is not worth committing: change the seed or the weights.
    assert max(noise.values()) < 1e-5, f"{name}: float32 noise {max(noise.values()):.1e}"
    assert sorted(set(targets)) == list(range(c["num_classes"])), f"{name}: classes hit {sorted(set(targets))}"
    attention = attention_summary(model, cases)
    if attention:
        print("  layer-0 attention, mean max weight vs uniform: "
              + ", ".join(f"{m:.2f}/{u:.2f}" for m, u in attention))


def check_reference(folder):
    """Recompute the shared classifiers' expected.json with this script's code; print max diffs."""
    for name in ("bag-of-embeddings", "transformer-classifier"):
        d = os.path.join(folder, name)
        with open(os.path.join(d, "config.json")) as f:
            c = json.load(f)
        c.setdefault("activation", "relu")
        c.setdefault("norm", "post")
        c.setdefault("layer_norm_eps", 1e-5)
        c.setdefault("num_classes", len(c["labels"]))
        model = build(c)
        model.load_state_dict(load_file(os.path.join(d, "model.safetensors")))
        model.eval()
        with open(os.path.join(d, "vocab.txt"), encoding="utf-8") as f:
            tokens = f.read().split("\n")
        with open(os.path.join(d, "expected.json")) as f:
            expected = json.load(f)["cases"]
        worst = {}
        for e in expected:
            mine = attribute(model, e["token_ids"], tokens)
            assert set(mine) == set(e), (sorted(mine), sorted(e))
            for key, value in e.items():
                if key in ("sentence", "token_ids"):
                    assert mine[key] == value, (key, mine[key], value)
                    continue
                for a, b in arrays(mine[key], value):
                    assert len(a) == len(b), key
                    worst[key] = max([worst.get(key, 0.0)] + [abs(x - y) for x, y in zip(a, b)])
        print(name, json.dumps({k: float(f"{v:.3g}") for k, v in worst.items()}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="Tests/LoupeAttributionTests/Fixtures/parity")
    parser.add_argument("--check-reference", metavar="DIR",
                        help="recompute ../shared/reference's classifier results instead of writing fixtures")
    args = parser.parse_args()

    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    torch.backends.mha.set_fastpath_enabled(False)
    torch.set_default_dtype(torch.float32)

    if args.check_reference:
        check_reference(args.check_reference)
        return
    import captum
    import safetensors
    versions = {"python": sys.version.split()[0], "torch": torch.__version__, "captum": captum.__version__,
                "safetensors": safetensors.__version__, "numpy": np.__version__}
    print(json.dumps(versions))
    for name, spec in MODELS.items():
        write_fixture(name, spec, args.out)


if __name__ == "__main__":
    main()
