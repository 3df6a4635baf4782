"""PyTorch peer of `loupe-bench finetune --peer` (never part of tests or CI).

Usage: python finetune_peer.py train --model MINILM_DIR --batches FILE --lr LR --warmup W --total-steps N
           [--threads 2] [--full-epoch]

Fine-tunes the same checkpoint as Loupe — transformers' BertForSequenceClassification on the
folder (pooler(CLS) -> classifier) — on exactly the padded batches Loupe used (a JSON file
{"batches": [[[ids]]], "labels": [[...]]} written by loupe-bench), with torch.optim.AdamW
(weight decay 0.01 on weights, 0 on biases and LayerNorm), a linear warm-up over W steps then a
linear decay to 0 at step N, gradient clipping at norm 1, and dropout off (Loupe fine-tunes
without dropout), on `--threads` CPU threads. Prints one JSON line: tokens/s counting real
(non-[PAD]) tokens, ms/step, and the forward / backward / optimizer split.
"""
import argparse
import json
import time

import torch
from transformers import AutoModelForSequenceClassification


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["train"])
    parser.add_argument("--model", required=True)
    parser.add_argument("--batches", required=True)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--warmup", type=int, default=0)
    parser.add_argument("--total-steps", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--untimed", type=int, default=3, help="first steps not timed (allocation warm-up)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    with open(args.batches) as f:
        data = json.load(f)
    model = AutoModelForSequenceClassification.from_pretrained(
        args.model, num_labels=2, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, classifier_dropout=0.0)
    model.train()
    decay = [p for n, p in model.named_parameters() if not (n.endswith(".bias") or "LayerNorm" in n)]
    exempt = [p for n, p in model.named_parameters() if n.endswith(".bias") or "LayerNorm" in n]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": exempt, "weight_decay": 0.0}],
                                  lr=args.lr)
    total = args.total_steps or len(data["batches"])

    def factor(step):
        if args.warmup > 0 and step < args.warmup:
            return (step + 1) / args.warmup
        return max(0.0, 1 - (step - args.warmup) / max(1, total - args.warmup))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
    forward = backward = stepping = 0.0
    tokens = timed = 0
    losses = []
    for i, (rows, labels) in enumerate(zip(data["batches"], data["labels"])):
        ids = torch.tensor(rows, dtype=torch.long)
        mask = (ids != 0).long()
        target = torch.tensor(labels, dtype=torch.long)
        t0 = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        out = model(input_ids=ids, attention_mask=mask, labels=target)
        t1 = time.perf_counter()
        out.loss.backward()
        t2 = time.perf_counter()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        t3 = time.perf_counter()
        losses.append(out.loss.item())
        if i >= args.untimed:
            forward += t1 - t0
            backward += t2 - t1
            stepping += t3 - t2
            tokens += int(mask.sum())
            timed += 1
    seconds = forward + backward + stepping
    print(json.dumps({"benchmark": "finetune", "peer": f"torch {torch.__version__}", "threads": torch.get_num_threads(),
                      "steps": timed, "ms_per_step": seconds / max(timed, 1) * 1000,
                      "tokens_per_second": tokens / seconds if seconds > 0 else 0.0,
                      "forward_percent": 100 * forward / seconds, "backward_percent": 100 * backward / seconds,
                      "optimizer_percent": 100 * stepping / seconds,
                      "first_loss": losses[0] if losses else None, "last_loss": losses[-1] if losses else None}))


if __name__ == "__main__":
    main()
