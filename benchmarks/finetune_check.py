"""Checks a folder saved by `loupe train --init` (or `loupe-bench finetune --out`) with transformers
(never part of tests or CI).

Usage: python finetune_check.py FOLDER [--logits FILE] [--dev sst2/dev.tsv --limit N]

Loads FOLDER with AutoTokenizer and AutoModelForSequenceClassification.from_pretrained (it must
load with no missing or unexpected weights), and
- with --logits FILE (JSON {"texts": [...], "logits": [[...]]}, as `loupe-bench finetune-check`
  or any Loupe run writes them): prints the largest absolute difference between Loupe's logits
  and transformers' on the same texts;
- with --dev FILE: the accuracy of the folder on the first N rows of an SST-2 style TSV.
Prints one JSON line.
"""
import argparse
import csv
import json

import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--logits")
    parser.add_argument("--dev")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(2)
    tokenizer = AutoTokenizer.from_pretrained(args.folder)
    model, info = AutoModelForSequenceClassification.from_pretrained(args.folder, output_loading_info=True)
    model.eval()
    missing = [k for k in info["missing_keys"] if not k.endswith("position_ids")]
    result = {"architecture": model.config.architectures, "id2label": model.config.id2label,
              "missing_keys": sorted(missing), "unexpected_keys": sorted(info["unexpected_keys"])}
    if args.logits:
        with open(args.logits) as f:
            reference = json.load(f)
        worst = 0.0
        ids_equal = True
        for i, text in enumerate(reference["texts"]):
            encoded = tokenizer(text, return_tensors="pt", truncation=True, max_length=128)
            if "ids" in reference:
                ids_equal &= encoded["input_ids"][0].tolist() == reference["ids"][i]
            with torch.no_grad():
                logits = model(**encoded).logits[0]
            worst = max(worst, float((logits - torch.tensor(reference["logits"][i])).abs().max()))
        result.update({"texts": len(reference["texts"]), "max_abs_logit_difference": worst, "token_ids_equal": ids_equal})
    if args.dev:
        with open(args.dev) as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        if args.limit:
            rows = rows[:args.limit]
        correct = 0
        for start in range(0, len(rows), 64):
            chunk = rows[start:start + 64]
            encoded = tokenizer([r["sentence"] for r in chunk], return_tensors="pt", padding=True, truncation=True,
                                max_length=128)
            with torch.no_grad():
                predicted = model(**encoded).logits.argmax(-1).tolist()
            correct += sum(int(p == int(r["label"])) for p, r in zip(predicted, chunk))
        result.update({"dev_examples": len(rows), "dev_accuracy": correct / len(rows)})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
