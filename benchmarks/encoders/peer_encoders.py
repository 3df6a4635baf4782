"""transformers peer for benchmarks/encoders/main.swift: from_pretrained time, peak RSS and forward
tokens/s of a BertModel folder, with the same ids. Never run by tests or CI.
    HF_HUB_OFFLINE=1 /tmp/peer/bin/python benchmarks/encoders/peer_encoders.py <folder> [batch] [length] [repeats]
"""
import json
import resource
import sys
import time


def rss_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


folder = sys.argv[1]
batch, length, repeats = (int(a) for a in (sys.argv[2:5] + ["8", "128", "5"][len(sys.argv[2:5]):]))
t = time.perf_counter()
import torch  # noqa: E402  (import time reported separately)
from transformers import BertModel  # noqa: E402
imported = time.perf_counter() - t
before = rss_kb("VmRSS")
t = time.perf_counter()
model = BertModel.from_pretrained(folder)
model.eval()
load = time.perf_counter() - t
after = rss_kb("VmHWM")
state = 12345
rows = []
vocab = model.config.vocab_size
for _ in range(batch):
    row = [101]
    for _ in range(length - 2):
        state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        row.append(1000 + (state >> 33) % (vocab - 1000))
    rows.append(row + [102])
ids = torch.tensor(rows)
mask = torch.ones_like(ids)
with torch.no_grad():
    model(input_ids=ids, attention_mask=mask)
    t = time.perf_counter()
    for _ in range(repeats):
        model(input_ids=ids, attention_mask=mask)
    forward = time.perf_counter() - t
print(json.dumps({"import_seconds": imported, "from_pretrained_seconds": load, "rss_before_load_kb": before,
                  "peak_rss_after_load_kb": after, "peak_rss_kb": rss_kb("VmHWM"), "threads": torch.get_num_threads(),
                  "forward_tokens_per_second": batch * length * repeats / forward, "batch": batch, "length": length,
                  "repeats": repeats, "torch": torch.__version__}, sort_keys=True))
