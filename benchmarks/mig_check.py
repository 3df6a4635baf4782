"""Independent MIG computation (numpy + scikit-learn) for Loupe's `MutualInformationGap`.

Benchmark/fixture script only (never run by tests). MIG of Chen, Li, Grosse & Duvenaud (NeurIPS 2018)
with the estimator most later work uses (posterior means, each latent cut into 20 equal-width bins
between its minimum and maximum, plug-in mutual information in nats, normalised by the factor's
entropy, gap between the two most informative latents, mean over factors that vary). The bins come
from numpy's histogram edges and `np.digitize`, the information from
`sklearn.metrics.mutual_info_score`: none of Loupe's code.

    python mig_check.py codes.json            # a file written by `loupe-bench disentangle --codes PATH`
    python mig_check.py --make-fixture OUT    # writes the committed test fixture (seeded synthetic codes)

Both inputs are `{"codes": [[float]], "factors": [[int]], "factor_names": [str], "bins": int}`;
`codes.json` also carries Loupe's own `mig` and per-factor `gaps`, which are compared.
"""
import json
import sys

import numpy as np
from sklearn.metrics import mutual_info_score


def discretize(column, bins):
    edges = np.histogram(column, bins)[1]
    # digitize against the inner edges: bin i holds edges[i] <= v < edges[i+1]; the maximum is in the last bin.
    return np.digitize(column, edges[1:-1])


def mig(codes, factors, bins=20):
    codes = np.asarray(codes, dtype=np.float64)
    factors = np.asarray(factors)
    binned = [discretize(codes[:, j], bins) for j in range(codes.shape[1])]
    per_factor = []
    for k in range(factors.shape[1]):
        v = factors[:, k]
        entropy = mutual_info_score(v, v)
        info = np.array([mutual_info_score(b, v) for b in binned])
        order = np.argsort(-info, kind="stable")
        second = info[order[1]] if len(info) > 1 else 0.0
        gap = (info[order[0]] - second) / entropy if entropy > 1e-12 else None
        per_factor.append({"entropy": float(entropy), "mutual_information": info.tolist(),
                           "top_dimension": int(order[0]), "gap": gap})
    gaps = [f["gap"] for f in per_factor if f["gap"] is not None]
    return float(np.mean(gaps)), per_factor


def make_fixture(path):
    """Seeded synthetic codes: three factors (4, 6 and 12 values) partly entangled over five latents."""
    rng = np.random.default_rng(14)
    n = 1000
    f = np.stack([rng.integers(0, 4, n), rng.integers(0, 6, n), rng.integers(0, 12, n)], axis=1)
    noise = rng.normal(size=(n, 5))
    codes = np.stack([
        0.8 * f[:, 1] + 0.5 * noise[:, 0],                       # factor 1, noisy
        np.tanh(f[:, 2] / 4.0 - 1.5) + 0.3 * f[:, 1] + 0.1 * noise[:, 1],  # factor 2, mixed with 1
        0.2 * f[:, 2] + 0.4 * f[:, 0] + 0.3 * noise[:, 2],       # factors 2 and 0
        noise[:, 3] ** 3,                                         # heavy-tailed noise
        -f[:, 0] + 0.05 * f[:, 2] + 0.2 * noise[:, 4],           # factor 0
    ], axis=1).astype(np.float32)
    codes = [[float(np.float32(x)) for x in row] for row in codes]   # exact float32 values
    value, per_factor = mig(codes, f, 20)
    names = ["a", "b", "c"]
    with open(path, "w") as out:
        json.dump({"source": "benchmarks/mig_check.py --make-fixture (numpy %s, scikit-learn mutual_info_score)" % np.__version__,
                   "bins": 20, "factor_names": names, "codes": codes, "factors": f.tolist(),
                   "expected": {"mig": value, "factors": per_factor}}, out, separators=(",", ":"))
    print("wrote %s: MIG %.6f" % (path, value))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--make-fixture":
        make_fixture(sys.argv[2])
        return
    with open(sys.argv[1]) as f:
        doc = json.load(f)
    value, per_factor = mig(doc["codes"], doc["factors"], doc.get("bins", 20))
    names = doc.get("factor_names") or ["factor%d" % k for k in range(len(per_factor))]
    print("python MIG %.6f   loupe MIG %s" % (value, doc.get("mig")))
    for name, f, loupe in zip(names, per_factor, doc.get("gaps", [None] * len(per_factor))):
        print("  %-8s gap python %s  loupe %s  (top z%d)" % (name, f["gap"], loupe, f["top_dimension"]))


if __name__ == "__main__":
    main()
