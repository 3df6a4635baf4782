#!/usr/bin/env python3
"""Writes the hand-made seeds of the fuzz targets into Fuzz/corpus/<target>/ (run from the package
root: `/tmp/peer/bin/python Fuzz/make-seeds.py [TARGET...]`). Seeds are small on purpose: a few
well-formed inputs that reach deep into each reader, and hostile ones (claims of 2^62 elements,
lengths past the end, overflows) that must be refused before anything is allocated. Only the
standard library is used; the outputs are committed, so the fuzzers and the replay tests never
run this script. Files named `found-*` are fuzzer findings, committed as libFuzzer saved them."""
import gzip
import json
import os
import struct
import sys
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    folder = os.path.join(ROOT, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- gguf (ggml docs/gguf.md, v3)

U8, I8, U16, I16, U32, I32, F32, BOOL, STR, ARR, U64, I64, F64 = range(13)
GGML = {"F32": 0, "F16": 1, "Q4_0": 2, "Q4_1": 3, "Q8_0": 8, "Q4_K": 12, "Q5_K": 13, "Q6_K": 14, "BF16": 30}
BLOCK = {"F32": (1, 4), "F16": (1, 2), "BF16": (1, 2), "Q4_0": (32, 18), "Q4_1": (32, 20), "Q8_0": (32, 34),
         "Q4_K": (256, 144), "Q5_K": (256, 176), "Q6_K": (256, 210)}


def gstr(s):
    b = s.encode("utf-8") if isinstance(s, str) else s
    return struct.pack("<Q", len(b)) + b


def gval(t, v):
    fmt = {U8: "<B", I8: "<b", U16: "<H", I16: "<h", U32: "<I", I32: "<i", F32: "<f", BOOL: "<B",
           U64: "<Q", I64: "<q", F64: "<d"}
    if t == STR:
        return gstr(v)
    if t == ARR:
        et, items = v
        return struct.pack("<IQ", et, len(items)) + b"".join(gval(et, x) for x in items)
    return struct.pack(fmt[t], v)


def gguf(kvs, tensors=(), alignment=32, version=3):
    """kvs: [(key, type, value)]; tensors: [(name, dims fastest-first, type name, data bytes)]."""
    out = b"GGUF" + struct.pack("<IQQ", version, len(tensors), len(kvs))
    for key, t, v in kvs:
        out += gstr(key) + struct.pack("<I", t) + gval(t, v)
    offset, blobs = 0, b""
    for name, dims, tname, data in tensors:
        out += gstr(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        out += struct.pack("<IQ", GGML[tname], offset)
        pad = (-len(data)) % alignment
        blobs += data + b"\0" * pad
        offset += len(data) + pad
    out += b"\0" * ((-len(out)) % alignment)
    return out + blobs


def tensor_bytes(tname, count, seed=1):
    block, size = BLOCK[tname]
    n = count // block * size
    # Deterministic bytes with small f16 scales where the block starts with one.
    raw = bytearray((seed * 37 + i * 11) % 251 for i in range(n))
    if tname in ("Q4_0", "Q4_1", "Q8_0", "Q4_K", "Q5_K", "Q6_K"):
        for b in range(n // size):
            at = b * size + (size - 2 if tname == "Q6_K" else 0)
            raw[at:at + 2] = struct.pack("<e", 0.01)
    if tname == "F32":
        raw = bytearray(struct.pack("<%df" % count, *[((i * 7) % 13 - 6) / 10 for i in range(count)]))
    if tname == "F16":
        raw = bytearray(struct.pack("<%de" % count, *[((i * 7) % 13 - 6) / 10 for i in range(count)]))
    return bytes(raw)


def gguf_seeds():
    t = "gguf"
    write(t, "empty-v3.gguf", gguf([]))
    write(t, "empty-v2.gguf", gguf([], version=2))
    scalars = [("u8", U8, 7), ("i8", I8, -7), ("u16", U16, 700), ("i16", I16, -700), ("u32", U32, 70000),
               ("i32", I32, -70000), ("f32", F32, 0.5), ("bool", BOOL, 1), ("str", STR, "naïve ✓"),
               ("u64", U64, 2**40), ("i64", I64, -2**40), ("f64", F64, 1e-300),
               ("arr.u32", ARR, (U32, [1, 2, 3])), ("arr.str", ARR, (STR, ["a", "", "ü"])),
               ("arr.nested", ARR, (ARR, [(F32, [1.0, 2.0]), (STR, ["x"])])), ("general.alignment", U32, 64)]
    write(t, "every-value-type.gguf", gguf(scalars, alignment=64))
    tensors = []
    for i, (tname, (block, _)) in enumerate(BLOCK.items()):
        cols = max(block, 32)
        tensors.append(("t.%s" % tname.lower(), [cols, 2], tname, tensor_bytes(tname, cols * 2, i)))
    tensors.append(("t.rank3", [32, 2, 2], "Q8_0", tensor_bytes("Q8_0", 128, 9)))
    tensors.append(("t.vector", [32], "Q4_0", tensor_bytes("Q4_0", 32, 10)))
    write(t, "every-tensor-type.gguf", gguf([("general.architecture", STR, "none")], tensors))
    # A tiny LLaMA: 1 layer, hidden 32, 2 heads of 16, FFN 32, a 12-token SentencePiece vocabulary.
    h, ffn, vocab = 32, 32, ["<unk>", "<s>", "</s>", "▁", "a", "b", "▁a", "▁b", "ab", "<0x41>", "h", "i"]
    kvs = [("general.architecture", STR, "llama"), ("llama.block_count", U32, 1), ("llama.embedding_length", U32, h),
           ("llama.attention.head_count", U32, 2), ("llama.attention.head_count_kv", U32, 1),
           ("llama.feed_forward_length", U32, ffn), ("llama.context_length", U32, 64),
           ("llama.attention.layer_norm_rms_epsilon", F32, 1e-5), ("llama.rope.freq_base", F32, 10000.0),
           ("tokenizer.ggml.model", STR, "llama"), ("tokenizer.ggml.tokens", ARR, (STR, vocab)),
           ("tokenizer.ggml.scores", ARR, (F32, [0.0] * 3 + [-float(i) for i in range(len(vocab) - 3)])),
           ("tokenizer.ggml.token_type", ARR, (I32, [2, 3, 3] + [1] * 6 + [6] + [1, 1])),
           ("tokenizer.ggml.bos_token_id", U32, 1), ("tokenizer.ggml.eos_token_id", U32, 2),
           ("tokenizer.ggml.unknown_token_id", U32, 0)]
    ts = [("token_embd.weight", [h, len(vocab)], "F32", tensor_bytes("F32", h * len(vocab))),
          ("output_norm.weight", [h], "F32", tensor_bytes("F32", h)),
          ("blk.0.attn_norm.weight", [h], "F32", tensor_bytes("F32", h)),
          ("blk.0.ffn_norm.weight", [h], "F32", tensor_bytes("F32", h)),
          ("blk.0.attn_q.weight", [h, h], "Q8_0", tensor_bytes("Q8_0", h * h, 2)),
          ("blk.0.attn_k.weight", [h, 16], "Q4_0", tensor_bytes("Q4_0", h * 16, 3)),
          ("blk.0.attn_v.weight", [h, 16], "Q4_1", tensor_bytes("Q4_1", h * 16, 4)),
          ("blk.0.attn_output.weight", [h, h], "F16", tensor_bytes("F16", h * h)),
          ("blk.0.ffn_gate.weight", [h, ffn], "Q8_0", tensor_bytes("Q8_0", h * ffn, 5)),
          ("blk.0.ffn_up.weight", [h, ffn], "BF16", tensor_bytes("BF16", h * ffn, 6)),
          ("blk.0.ffn_down.weight", [ffn, h], "Q8_0", tensor_bytes("Q8_0", h * ffn, 7))]
    write(t, "tiny-llama.gguf", gguf(kvs, ts))
    gpt2 = [("tokenizer.ggml.model", STR, "gpt2"), ("tokenizer.ggml.pre", STR, "smollm"),
            ("tokenizer.ggml.tokens", ARR, (STR, ["h", "e", "l", "o", "Ġ", "he", "ll", "hell", "hello", "<|endoftext|>"])),
            ("tokenizer.ggml.merges", ARR, (STR, ["h e", "l l", "he ll", "hell o"])),
            ("tokenizer.ggml.token_type", ARR, (I32, [1] * 9 + [3])), ("tokenizer.ggml.eos_token_id", U32, 9)]
    write(t, "gpt2-tokenizer.gguf", gguf(gpt2))
    # Hostile headers: each must be refused before anything is allocated.
    head = b"GGUF" + struct.pack("<I", 3)
    write(t, "claims-2-62-tensors.gguf", head + struct.pack("<QQ", 2**62, 0))
    write(t, "claims-2-62-metadata.gguf", head + struct.pack("<QQ", 0, 2**62))
    write(t, "string-of-2-62-bytes.gguf", head + struct.pack("<QQ", 0, 1) + gstr("k") + struct.pack("<IQ", STR, 2**62) + b"abc")
    write(t, "array-of-2-62-strings.gguf", head + struct.pack("<QQ", 0, 1) + gstr("k") + struct.pack("<IIQ", ARR, STR, 2**62) + b"\0" * 16)
    write(t, "array-of-2-62-u64.gguf", head + struct.pack("<QQ", 0, 1) + gstr("k") + struct.pack("<IIQ", ARR, U64, 2**62) + b"\0" * 16)
    nested = struct.pack("<IQ", ARR, 1) * 12 + struct.pack("<IQ", U8, 0)
    write(t, "arrays-nested-12-deep.gguf", head + struct.pack("<QQ", 0, 1) + gstr("k") + struct.pack("<I", ARR) + nested)
    info = lambda dims, typ=0, off=0: gstr("w") + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims) + struct.pack("<IQ", typ, off)
    write(t, "tensor-of-2-62-elements.gguf", head + struct.pack("<QQ", 1, 0) + info([2**31, 2**31]) + b"\0" * 64)
    write(t, "tensor-dims-overflow.gguf", head + struct.pack("<QQ", 1, 0) + info([2**62, 2**62, 4]) + b"\0" * 64)
    write(t, "tensor-bytes-overflow.gguf", head + struct.pack("<QQ", 1, 0) + info([2**61], 0) + b"\0" * 64)
    write(t, "tensor-offset-past-end.gguf", head + struct.pack("<QQ", 1, 0) + info([32], 0, 2**63 - 32) + b"\0" * 64)
    write(t, "tensor-unknown-type.gguf", head + struct.pack("<QQ", 1, 0) + info([32], 77) + b"\0" * 160)
    write(t, "truncated-tiny-llama.gguf", gguf(kvs, ts)[:700])



# ---------------------------------------------------------------- tokenizer (tokenizer.json, vocab.txt, vocab.json + merges.txt)

def added(i, content, special=True):
    return {"id": i, "content": content, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": not special, "special": special}


def tokenizer_seeds():
    t = "tokenizer"
    dump = lambda d: json.dumps(d, ensure_ascii=False, separators=(",", ":"))
    wp_vocab = {w: i for i, w in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", ",", "!",
                                              "na", "##ive", "caf", "##e", "日", "本", "##s", "two", "space", "and", "lines"])}
    write(t, "wordpiece.json", dump({
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(0, "[PAD]"), added(1, "[UNK]"), added(2, "[CLS]"), added(3, "[SEP]"), added(4, "[MASK]")],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True, "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                      {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                           "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
                           "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                                              "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": wp_vocab}}))
    bl = ["<|endoftext|>", "H", "e", "l", "o", ",", "Ġ", "w", "r", "d", "!", "He", "ll", "Hell", "Hello", "Ġw", "or", "Ġwor", "ld", "Ġworld"]
    write(t, "bytelevel-bpe.json", dump({
        "added_tokens": [added(0, "<|endoftext|>")], "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None, "end_of_word_suffix": None,
                  "fuse_unk": False, "byte_fallback": False, "ignore_merges": False, "vocab": {w: i for i, w in enumerate(bl)},
                  "merges": [["H", "e"], ["l", "l"], ["He", "ll"], ["Hell", "o"], ["Ġ", "w"], ["o", "r"], ["Ġw", "or"], ["l", "d"], ["Ġwor", "ld"]]}}))
    sp = ["<unk>", "<s>", "</s>", "▁", "a", "b", "▁a", "▁b", "ab"] + ["<0x%02X>" % b for b in range(0x41, 0x44)]
    write(t, "sentencepiece-bpe.json", dump({
        "added_tokens": [added(0, "<unk>"), added(1, "<s>"), added(2, "</s>")], "normalizer": None,
        "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": False},
        "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                           "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
                           "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
        "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"},
                                                     {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None, "end_of_word_suffix": None,
                  "fuse_unk": True, "byte_fallback": True, "ignore_merges": False, "vocab": {w: i for i, w in enumerate(sp)},
                  "merges": ["▁ a", "▁ b", "a b"]}}))
    write(t, "unigram.json", dump({
        "added_tokens": [added(0, "<unk>"), added(1, "</s>")],
        "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFKC"}, {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
                                                           {"type": "Lowercase"}, {"type": "StripAccents"}, {"type": "Prepend", "prepend": "▁"},
                                                           {"type": "Strip", "left": True, "right": True}]},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, {"type": "Punctuation", "behavior": "Isolated"},
                                                                {"type": "Digits", "individual_digits": True},
                                                                {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True}]},
        "post_processor": {"type": "TemplateProcessing", "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                           "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
                           "special_tokens": {"</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}}},
        "decoder": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True},
        "model": {"type": "Unigram", "unk_id": 0, "byte_fallback": False,
                  "vocab": [["<unk>", 0.0], ["</s>", 0.0], ["▁", -1.0], ["▁hello", -2.0], ["▁world", -2.5], ["h", -3.0], ["e", -3.0],
                            ["l", -3.0], ["o", -3.0], [",", -4.0], ["!", -4.0], ["日本", -5.0]]}}))
    write(t, "split-regex.json", dump({
        "added_tokens": [added(0, "[UNK]")],
        "normalizer": {"type": "NFD"},
        "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(\\p{L}+|\\p{N}+|[^\\s\\p{L}\\p{N}]+)"}, "behavior": "Isolated", "invert": False},
        "post_processor": {"type": "BertProcessing", "sep": ["[UNK]", 0], "cls": ["[UNK]", 0]},
        "decoder": {"type": "BPEDecoder", "suffix": "</w>"},
        "model": {"type": "WordPiece", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "unk_token": "[UNK]", "vocab": {"[UNK]": 0, "hello": 1, "world": 2, ",": 3, "!": 4}}}))
    write(t, "roberta-processing.json", dump({
        "added_tokens": [added(0, "<s>"), added(1, "</s>")],
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", 1], "cls": ["<s>", 0], "trim_offsets": True, "add_prefix_space": False},
        "model": {"type": "WordPiece", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "unk_token": "<s>", "vocab": {"<s>": 0, "</s>": 1, "Hello": 2}}}))
    write(t, "vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nworld\n##s\n,\n!\n")
    write(t, "gpt2-vocab-and-merges.bin", dump({"H": 0, "e": 1, "l": 2, "o": 3, "He": 4, "ll": 5, "Hell": 6, "Hello": 7, "<|endoftext|>": 8})
          + "\0#version: 0.2\nH e\nl l\nHe ll\nHell o\n")
    # Hostile: deep nesting, an id of 2^62, a regex that backtracks, a huge Strip count, a bad merge.
    write(t, "arrays-nested-2000-deep.json", "[" * 2000 + "]" * 2000)
    write(t, "objects-nested-600-deep.json", "{\"model\":" * 600 + "null" + "}" * 600)
    write(t, "id-2-62.json", dump({"added_tokens": [added(2**62, "[BIG]")],
                                   "model": {"type": "WordPiece", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "unk_token": "[UNK]", "vocab": {"[UNK]": 0, "x": 2**62}}}))
    write(t, "unigram-unk-2-62.json", dump({"model": {"type": "Unigram", "unk_id": 2**62, "vocab": [["a", 0.0]]}}))
    write(t, "regex-backtracks.json", dump({"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(a*)*b|(\\s+\\s+)+$"}, "behavior": "Removed", "invert": True},
                                            "model": {"type": "WordPiece", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "unk_token": "[UNK]", "vocab": {"[UNK]": 0}}}))
    write(t, "strip-2-62.json", dump({"decoder": {"type": "Strip", "content": " ", "start": 2**62, "stop": 2**62},
                                      "model": {"type": "WordPiece", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "unk_token": "[UNK]", "vocab": {"[UNK]": 0}}}))
    write(t, "template-unknown-token.json", dump({"post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "[X]", "type_id": 0}}],
                                                                     "pair": [], "special_tokens": {"[X]": {"id": "[X]", "ids": [2**40, -1], "tokens": ["[X]"]}}},
                                                  "model": {"type": "WordPiece", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "unk_token": "[UNK]", "vocab": {"[UNK]": 0}}}))
    write(t, "bpe-merge-of-unknown-tokens.json", dump({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a b", "x"]}}))
    write(t, "not-utf8.bin", b"\xff\xfe[PAD]\n\xc3\x28\n")



# ---------------------------------------------------------------- config (config.json of HF encoders/decoders and Loupe checkpoints)

def config_seeds():
    t = "config"
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # Our own fixtures and bundled configs, copied as they are.
    for folder, name in [("Tests/LoupePretrainedTests/Fixtures/decoders/gpt2", "hf-gpt2"),
                         ("Tests/LoupePretrainedTests/Fixtures/decoders/llama_gqa", "hf-llama-gqa"),
                         ("Tests/LoupePretrainedTests/Fixtures/decoders/llama_tied_llama3", "hf-llama3-rope"),
                         ("Tests/LoupePretrainedTests/Fixtures/decoders/qwen2", "hf-qwen2"),
                         ("Tests/LoupePretrainedTests/Fixtures/encoders/bert_cls", "hf-bert"),
                         ("Tests/LoupePretrainedTests/Fixtures/encoders/distilbert_cls", "hf-distilbert"),
                         ("Tests/LoupePretrainedTests/Fixtures/encoders/roberta_cls", "hf-roberta"),
                         ("Tests/LoupePretrainedTests/Fixtures/encoders/xlmr_cls", "hf-xlmr"),
                         ("Tests/LoupeNNTests/Fixtures/reference/bag-of-embeddings", "loupe-bag-of-embeddings"),
                         ("Tests/LoupeNNTests/Fixtures/reference/transformer-classifier", "loupe-transformer-classifier"),
                         ("Tests/LoupeNNTests/Fixtures/reference/text-vae", "loupe-text-vae"),
                         ("Tests/LoupeNNTests/Fixtures/reference/image-vae", "loupe-image-vae")]:
        with open(os.path.join(here, folder, "config.json"), "rb") as f:
            write(t, name + ".json", f.read())
    dump = lambda d: json.dumps(d, separators=(",", ":"))
    # Hostile: sizes past any machine, products that overflow, non-integral and negative counts.
    write(t, "llama-2-62-everything.json", dump({"model_type": "llama", "vocab_size": 2**62, "hidden_size": 2**62,
                                                 "num_hidden_layers": 2**62, "num_attention_heads": 2**31, "head_dim": 2**40,
                                                 "num_key_value_heads": 2**31, "intermediate_size": 2**62,
                                                 "max_position_embeddings": 2**62, "rms_norm_eps": 1e-6}))
    write(t, "gpt2-heads-overflow.json", dump({"model_type": "gpt2", "n_embd": 64, "n_head": 2**62, "n_layer": 1, "vocab_size": 10}))
    write(t, "bert-1e300.json", dump({"architectures": ["BertForSequenceClassification"], "vocab_size": 1e300, "hidden_size": 32,
                                      "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 37,
                                      "max_position_embeddings": 512, "id2label": {"0": "a", "99999999999": "b"}}))
    write(t, "bert-negative.json", dump({"architectures": ["BertModel"], "vocab_size": -5, "hidden_size": 32.5,
                                         "num_hidden_layers": 0, "num_attention_heads": 0}))
    write(t, "loupe-transformer-2-62.json", dump({"architecture": "transformer-classifier", "vocab_size": 2**62, "embed_dim": 2**62,
                                                  "num_heads": 2**31, "num_layers": 2**40, "ffn_dim": 2**62, "max_len": 2**62,
                                                  "labels": ["a", "b"], "pad_id": 2**62 - 1, "dropout": 1e308}))
    write(t, "loupe-bag-1e400.json", '{"architecture":"bag-of-embeddings","vocab_size":1e400,"embed_dim":-0,"hidden_dim":9007199254740993,"labels":["a"]}')
    write(t, "llama-rope-scaling-odd.json", dump({"model_type": "llama", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1,
                                                  "num_attention_heads": 2, "intermediate_size": 8, "rms_norm_eps": 1e-6,
                                                  "rope_scaling": {"rope_type": "llama3", "factor": 0, "low_freq_factor": 4, "high_freq_factor": 1,
                                                                   "original_max_position_embeddings": 0}}))
    # Found after the first run (by reading the code the fuzzer pointed at): both trapped.
    write(t, "llama-heads-times-head-dim-overflows.json", '{"model_type":"llama","vocab_size":10,"hidden_size":8,"num_hidden_layers":1,'
          '"num_attention_heads":4294967296,"num_key_value_heads":1,"head_dim":4294967296,"intermediate_size":8,"rms_norm_eps":1e-6}')
    write(t, "llama-partial-rotary-1e300.json", '{"model_type":"llama","vocab_size":10,"hidden_size":8,"num_hidden_layers":1,'
          '"num_attention_heads":2,"intermediate_size":8,"rms_norm_eps":1e-6,"partial_rotary_factor":1e300}')
    write(t, "duplicate-keys.json", '{"architecture":"bag-of-embeddings","architecture":"image-vae","vocab_size":4}')
    write(t, "nested-3000-deep.json", '{"a":' * 3000 + "1" + "}" * 3000)
    write(t, "escapes.json", '{"architecture":"\\ud800\\u0000\\"","model_type":"\\u006c\\u006c\\u0061\\u006d\\u0061"}')



# ---------------------------------------------------------------- corpus (TSV, CSV, JSON Lines, label files, IDX)

def idx(type_code, dims, payload):
    return bytes([0, 0, type_code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + payload


def corpus_seeds():
    t = "corpus"
    write(t, "sst2-like.tsv", "sentence\tlabel\nit 's a charming journey . \t1\nthe plot is thin \t0\n\n  \nbad row without a tab\n")
    write(t, "names.tsv", "id\tsentence\tlabel\r\n1\tgreat\tpositive\r\n2\tawful\tnegative\r\n3\tmeh\tneutral\r\n")
    write(t, "waimai-like.csv", 'label,review,text\n1,"好吃，送得快",ok\n0,"太慢了 ""再也不点""",bad\n1,"multi\nline, with comma",x\n')
    write(t, "semicolon.csv", 'review;label\n"a;b";1\nplain;0\n"unterminated;1\n')
    write(t, "bad-quotes.csv", 'text,label\n"a"b,1\n"",0\nx,"1\n')
    write(t, "rationales.jsonl", '{"text": "a fine film", "label": "positive", "rationale": [1], "rationale_spans": [[2, 6]]}\n'
          '{"text": "dull", "label": 0}\n\n{"text": "naïve 🙂", "label": "1", "rationale_spans": [[0, 7]]}\n')
    write(t, "bad-rows.jsonl", '[1,2]\n{"text": 3, "label": 1}\n{"text": "x"}\n{"text": "y", "label": true}\n'
          '{"text": "z", "label": 1, "rationale_spans": [[5, 1]]}\n{"text": "w", "label": 1, "rationale": [-1]}\n{bad json\n')
    write(t, "lines.txt", "first review\n\n  second review  \r\nthird\n")
    write(t, "bom-and-invalid-utf8.tsv", b"\xef\xbb\xbfsentence\tlabel\nok\t1\n\xff\xfe\t0\n")
    # Found by the fuzzer: texts of white space that `.whitespaces` does not trim (\v, U+2028, U+0085).
    write(t, "blank-vertical-tab.txt", "good\n\x0b\n\u2028\n\u0085 \n")
    write(t, "blank-vertical-tab.tsv", "sentence\tlabel\n\x0b\t1\nfine\t0\n")
    # Hostile: label indices past any class count, 2^62 IDX dimensions, a gzip bomb's header.
    write(t, "label-2-62.tsv", "sentence\tlabel\na\t4611686018427387904\nb\t0\n")
    write(t, "label-1e9.jsonl", '{"text": "a", "label": 1000000000}\n')
    write(t, "idx-images.idx", idx(0x08, [2, 2, 3], bytes(range(12))))
    write(t, "idx-floats.idx", idx(0x0D, [2], struct.pack(">ff", 0.5, -1.0)))
    write(t, "idx-2-62.idx", idx(0x08, [2**31 - 1, 2**31 - 1, 2**31 - 1], b"\0" * 16))
    write(t, "idx-overflow.idx", idx(0x0E, [2**32 - 1] * 4, b""))
    write(t, "idx-images.idx.gz", gzip.compress(idx(0x08, [1, 2, 2], bytes(4)), mtime=0))
    write(t, "gzip-truncated.gz", gzip.compress(idx(0x08, [1, 4, 4], bytes(16)), mtime=0)[:20])



# ---------------------------------------------------------------- png (PNG spec, ISO/IEC 15948)

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width, height, depth, color, rows, extra=b"", interlace=0, idat=None):
    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, interlace))
    data = idat if idat is not None else zlib.compress(b"".join(b"\0" + r for r in rows))
    return b"\x89PNG\r\n\x1a\n" + ihdr + extra + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def png_seeds():
    t = "png"
    write(t, "gray-1bit.png", png(8, 2, 1, 0, [b"\xaa", b"\x55"]))
    write(t, "gray-8bit-gamma.png", png(3, 2, 8, 0, [b"\x00\x80\xff", b"\x10\x20\x30"], extra=chunk(b"gAMA", struct.pack(">I", 100000))))
    write(t, "rgb-8bit.png", png(2, 2, 8, 2, [b"\xff\x00\x00\x00\xff\x00", b"\x00\x00\xff\xff\xff\xff"]))
    write(t, "rgba-16bit.png", png(1, 2, 16, 6, [b"\x12\x34\x56\x78\x9a\xbc\xde\xf0", b"\x00\x00\x00\x00\x00\x00\x00\x00"]))
    write(t, "gray-alpha.png", png(2, 1, 8, 4, [b"\x40\x80\xc0\x00"]))
    write(t, "palette-trns.png", png(4, 1, 2, 3, [b"\x1b"], extra=chunk(b"PLTE", b"\xff\x00\x00\x00\xff\x00\x00\x00\xff\xff\xff\xff")
                                     + chunk(b"tRNS", b"\x00\x80")))
    write(t, "interlaced.png", png(3, 3, 8, 0, [], interlace=1, idat=zlib.compress(b"\0\x01" + b"\0\x02" + b"\0\x03" + b"\0\x04\x05" + b"\0\x06" + b"\0\x07\x08\x09")))
    text = chunk(b"tEXt", b"loupe.schema\0loupe.traversal.v1") + chunk(b"iTXt", "Comment\0\0\0en\0Kommentar\0naïve ✓".encode())
    text += chunk(b"zTXt", b"Title\0\0" + zlib.compress(b"compressed")) + chunk(b"iTXt", b"Bad\0\x01\0\0\0" + zlib.compress(b"x"))
    write(t, "text-chunks.png", png(1, 1, 8, 6, [b"\x01\x02\x03\x04"], extra=text))
    write(t, "bad-crc.png", png(1, 1, 8, 0, [b"\x00"])[:-5] + b"\x00\x00\x00\x00\x00")
    # Hostile: headers claiming far more pixels than the data can hold, a truncated stream.
    write(t, "claims-16384x16384.png", png(16384, 16384, 8, 6, [], idat=zlib.compress(b"\0" * 64)))
    write(t, "claims-2-31-wide.png", png(2**31 - 1, 1, 1, 0, [], idat=zlib.compress(b"\0")))
    write(t, "truncated-idat.png", png(64, 64, 8, 2, [bytes(192)] * 64)[:80])
    write(t, "signature-only.png", b"\x89PNG\r\n\x1a\n")



# ---------------------------------------------------------------- json (loupe.*.v1 documents)

# Documents `loupe` writes itself (needs a plain `swift build`; run from the package root):
LOUPE_DOCUMENTS = [
    ("attribution.json", ["explain", "--methods", "ig,leave-one-out", "--steps", "4", "--json", "{out}", "not good at all"]),
    ("generation.json", ["generate", "--model", "{llm}", "--max-new-tokens", "2", "--json", "{out}", "the film is"]),
    ("lens.json", ["lens", "--model", "{llm}", "--json", "{out}", "the film"]),
    ("patching.json", ["patch", "--model", "{llm}", "--clean", "the film was good", "--noise-text", "film", "--noise-samples", "2",
                       "--target", " good", "--foil", " bad", "--json", "{out}"]),
    ("traversal.json", ["traverse", "--dims", "0", "--values", "-1,1,2", "--json", "{out}"]),
    ("kl.json", ["kl", "--json", "{out}", "not good"]),
    ("samples.json", ["sample", "-n", "2", "--seed", "1", "--json"]),   # to standard output
]


def json_seeds():
    t = "json"
    import subprocess
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    loupe = os.path.join(here, ".build", "debug", "loupe")
    llm = os.path.join(here, "Tests", "LoupeCLITests", "Fixtures", "pretrained", "tiny-llama-chat.gguf")
    if os.path.exists(loupe):
        for name, args in LOUPE_DOCUMENTS:
            out = os.path.join(ROOT, t, name)
            os.makedirs(os.path.dirname(out), exist_ok=True)
            args = [a.replace("{out}", out).replace("{llm}", llm) for a in args]
            run = subprocess.run([loupe] + args, cwd=here, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if "{out}" not in " ".join(LOUPE_DOCUMENTS[[n for n, _ in LOUPE_DOCUMENTS].index(name)][1]):
                write(t, name, run.stdout)
            if run.returncode != 0:
                print("loupe %s failed: %s" % (" ".join(args), run.stderr.decode()[-400:]), file=sys.stderr)
    else:
        print("no .build/debug/loupe: the documents loupe writes are not regenerated", file=sys.stderr)
    dump = lambda d: json.dumps(d, ensure_ascii=False, indent=1, sort_keys=True)
    model = {"architecture": "text-vae", "latent_dim": 2, "path": "bundled"}
    write(t, "latent.json", dump({"schema": "loupe.latent.v1", "model": model, "example_count": 2, "example_labels": ["a", "b"],
                                  "mu": [[0.5, -1.0], [0.25, 2.0]], "logvar": [[-1.0, 0.0], [-2.0, 0.5]],
                                  "kl_per_dimension": [0.3, 1.2], "activity": [0.1, 2.0], "active_threshold": 0.01,
                                  "active": [True, True], "active_count": 2, "ranking": [1, 0]}))
    write(t, "interpolation.json", dump({"schema": "loupe.interpolation.v1", "model": {"architecture": "image-vae", "latent_dim": 2},
                                         "start": [0.0, 1.0], "end": [1.0, 0.0], "alphas": [0.0, 1.0], "latents": [[0.0, 1.0], [1.0, 0.0]],
                                         "cells": [{"width": 2, "height": 1, "pixels": [0.0, 1.0]}, {"text": "the film", "token_ids": [4, 5]}],
                                         "decoding": {"strategy": "beam-search", "beam_width": 3, "max_length": 12}}))
    # Hostile: a wrong schema, numbers past Float and Int, deep nesting, a truncated document, JSON Lines.
    write(t, "wrong-schema.json", '{"schema": "loupe.latent.v2", "model": {"architecture": "x", "latent_dim": 1}}')
    write(t, "float-overflow.json", dump({"schema": "loupe.interpolation.v1", "model": {"architecture": "x", "latent_dim": 1},
                                          "start": [1e39], "end": [-1e39], "alphas": [1e308], "latents": [[3.5e38]], "cells": []}))
    write(t, "int-overflow.json", '{"schema":"loupe.samples.v1","model":{"architecture":"x","latent_dim":9223372036854775808},'
          '"seed":18446744073709551616,"temperature":1,"samples":[]}')
    write(t, "nested-5000-deep.json", '{"schema":' + "[" * 5000 + "]" * 5000 + "}")
    write(t, "unpaired-surrogate.json", '{"schema":"loupe.samples.v1","model":{"architecture":"\\ud800","latent_dim":1},'
          '"seed":1,"temperature":0.5,"samples":[{"z":[0],"cell":{"text":"\\udfff\\u0000","token_ids":[-1]}}]}')
    write(t, "cell-neither.json", dump({"schema": "loupe.interpolation.v1", "model": {"architecture": "x", "latent_dim": 1},
                                        "start": [0], "end": [1], "alphas": [0], "latents": [[0]], "cells": [{}]}))
    attribution = os.path.join(ROOT, t, "attribution.json")
    if os.path.exists(attribution):
        with open(attribution) as f:
            line = json.dumps(json.load(f), separators=(",", ":"))
        write(t, "attributions.jsonl", line + "\n\n" + line + "\n")


# ---------------------------------------------------------------- main

TARGETS = {"gguf": gguf_seeds, "tokenizer": tokenizer_seeds, "config": config_seeds, "corpus": corpus_seeds, "png": png_seeds, "json": json_seeds}

if __name__ == "__main__":
    for name in sys.argv[1:] or TARGETS:
        TARGETS[name]()
