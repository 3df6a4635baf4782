"""PyTorch peer of `loupe-bench patch smollm2` (never part of tests or CI).

The same activation-patching sweep as Loupe's: SmolLM2-135M-Instruct loaded from its GGUF file by
transformers (dequantized to float32), clean and corrupted prompts of equal length, the logit
difference logit(target) - logit(foil) at the last position, and for each of resid_pre (the block's
input), attn (the attention module's output) and mlp (the MLP's output) the corrupted run repeated with
the clean value restored at every (layer, position). Two schedules are timed:
  one-at-a-time  one forward pass per cell (what TransformerLens' patching helpers do);
  batched        one forward pass per (site, layer) of T sequences, row p restored at position p.

Usage: python peer_patching.py GGUF_FILE THREADS [CLEAN CORRUPT TARGET FOIL]
(PEER_ONE_AT_A_TIME=0 skips the slow one-at-a-time schedule.)
Prints one JSON object (the last line): seconds per schedule, M_clean, M_corrupt and the recoveries
[site][layer][position] (for the comparison with Loupe's).
"""
import json
import os
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main():
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    path, threads = sys.argv[1], int(sys.argv[2])
    clean, corrupt, target, foil = (sys.argv[3:7] if len(sys.argv) >= 7 else
                                    ["The Eiffel Tower is in the city of", "The Colosseum is in the city of", " Paris", " Rome"])
    torch.set_num_threads(threads)
    folder, name = os.path.split(path)
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32).eval()
    clean_ids = tokenizer(clean, add_special_tokens=True)["input_ids"]
    corrupt_ids = tokenizer(corrupt, add_special_tokens=True)["input_ids"]
    assert len(clean_ids) == len(corrupt_ids), (len(clean_ids), len(corrupt_ids))
    t_id = tokenizer(target, add_special_tokens=False)["input_ids"][0]
    f_id = tokenizer(foil, add_special_tokens=False)["input_ids"][0]
    layers = model.model.layers
    n_layers, t = len(layers), len(clean_ids)

    def module(kind, layer):
        return {"resid": layers[layer], "attn": layers[layer].self_attn, "mlp": layers[layer].mlp}[kind]

    def metric(logits):
        last = logits[:, -1]
        return (last[:, t_id] - last[:, f_id]).tolist()

    # The clean activations.
    cache = {}
    handles = []
    for layer in range(n_layers):
        for kind in ["resid", "attn", "mlp"]:
            if kind == "resid":
                def hook(m, args, kwargs, key=(kind, layer)):
                    hidden = args[0] if args else kwargs["hidden_states"]
                    cache[key] = hidden.detach().clone()
                handles.append(module(kind, layer).register_forward_pre_hook(hook, with_kwargs=True))
            else:
                def hook(m, args, output, key=(kind, layer)):
                    cache[key] = (output[0] if isinstance(output, tuple) else output).detach().clone()
                handles.append(module(kind, layer).register_forward_hook(hook))
    with torch.no_grad():
        m_clean = metric(model(input_ids=torch.tensor([clean_ids])).logits)[0]
    for h in handles:
        h.remove()
    with torch.no_grad():
        m_corrupt = metric(model(input_ids=torch.tensor([corrupt_ids])).logits)[0]

    def patched(kind, layer, positions):
        """Metrics of len(positions) corrupted rows, row i restored at positions[i]."""
        clean_value = cache[(kind, layer)]

        def restore(value):
            value = value.clone()
            for row, p in enumerate(positions):
                value[row, p] = clean_value[0, p]
            return value

        if kind == "resid":
            def hook(m, args, kwargs):
                if args:
                    return (restore(args[0]),) + tuple(args[1:]), kwargs
                kwargs = dict(kwargs)
                kwargs["hidden_states"] = restore(kwargs["hidden_states"])
                return args, kwargs
            handle = module(kind, layer).register_forward_pre_hook(hook, with_kwargs=True)
        else:
            def hook(m, args, output):
                if isinstance(output, tuple):
                    return (restore(output[0]),) + tuple(output[1:])
                return restore(output)
            handle = module(kind, layer).register_forward_hook(hook)
        try:
            with torch.no_grad():
                ids = torch.tensor([corrupt_ids] * len(positions))
                return metric(model(input_ids=ids).logits)
        finally:
            handle.remove()

    result = {"benchmark": "patch", "peer": f"transformers + torch {torch.__version__}", "threads": threads,
              "tokens": t, "layers": n_layers, "clean_metric": m_clean, "corrupt_metric": m_corrupt}
    start = time.perf_counter()
    recoveries = {}
    for kind in ["resid", "attn", "mlp"]:
        recoveries[kind] = [[(m - m_corrupt) / (m_clean - m_corrupt) for m in patched(kind, layer, list(range(t)))]
                            for layer in range(n_layers)]
    result["batched_seconds"] = time.perf_counter() - start
    if os.environ.get("PEER_ONE_AT_A_TIME", "1") != "0":
        start = time.perf_counter()
        single = {}
        for kind in ["resid", "attn", "mlp"]:
            single[kind] = [[(patched(kind, layer, [p])[0] - m_corrupt) / (m_clean - m_corrupt) for p in range(t)]
                            for layer in range(n_layers)]
        result["one_at_a_time_seconds"] = time.perf_counter() - start
        result["batched_vs_one_at_a_time_max_abs"] = max(abs(a - b) for k in recoveries for ra, rb in zip(recoveries[k], single[k])
                                                        for a, b in zip(ra, rb))
    result["recoveries"] = recoveries
    print(json.dumps(result))


if __name__ == "__main__":
    main()
