import Foundation

// loupe-bench: speed measurements (never assertions). Each prints its figures and, where a peer
// exists, the peer's figure measured in the same run.
//
//   swift run -c release loupe-bench <name> [options]
//
// Peer figures come from `benchmarks/peer.py`, run with the Python named by LOUPE_PEER_PYTHON
// (default /tmp/peer/bin/python when it exists), e.g. a venv with torch + captum.

let benchmarks: [(name: String, summary: String, run: ([String]) throws -> Void)] = [
    ("gemm", "SGEMM GFLOP/s at 128³, 512³, 1024³ (numpy in the same run)", { _ in runGEMMBenchmark() }),
    ("train-step", "transformer-classifier Adam step, vocab 16000, E=128, 2 layers, batch 32×24 (PyTorch peer)",
     { try runTrainStepBenchmark($0) }),
    ("ig", "integrated gradients, 50 steps, 20 tokens, transformer-classifier (Captum peer)", { try runIGBenchmark($0) }),
    ("ig-breakdown", "where IG's time goes: forward, tape, input gradient, single ops of one layer",
     { try runIGBreakdownBenchmark($0) }),
    ("gauss-legendre", "seconds to build the Gauss–Legendre rule of 1e3…1e6 points [N…]", { try runQuadratureBenchmark($0) }),
    ("render", "30-token heatmap render time", { _ in runRenderBenchmark() }),
    ("train-sst2", "train bag|transformer on SST-2, dev accuracy [--epochs N --lr X --out DIR]", { try runSST2TrainingBenchmark($0) }),
    ("train-waimai", "train bag|transformer on waimai_10k, 20% held-out accuracy", { try runWaimaiTrainingBenchmark($0) }),
    ("train-speed", "trainer tokens/s, SST-2 batches, benchmark transformer, split (PyTorch peer)", { try runTrainingSpeedBenchmark($0) }),
    ("train-text-vae", "GRU sentence VAE on the default corpus: recon, KL, active units", { try runTextVAETraining($0) }),
    ("pretrained", "real models: minilm | smollm2 load, RSS, tokens/s; tokenize MB/s (transformers / tokenizers peer)",
     { try runPretrainedBenchmark($0) }),
    ("llm", "SmolLM2 attribution: ig [--peer] (IG 50 steps vs Captum) | converge (|δ|, adaptive steps) | explain | faithfulness",
     { try runLLMBenchmark($0) }),
    ("llm-ig", "= llm ig: IG 50 steps on SmolLM2's chat prompt [--batch N] [--repeats R] [--peer] (Captum peer)",
     { try runLLMBenchmark(["ig"] + $0) }),
    ("panel-cache", "stored-weight products (Q4_1, Q8_0, Q6_K, Q4_K, F16) decoded per call vs panels kept, SmolLM2 shapes",
     { try runPanelCacheBenchmark($0) }),
    ("llm-generate", "SmolLM2 Q4_1 greedy generation: prefill and decode tokens/s, step breakdown, bandwidth floor "
     + "[--no-peer] [--tokens N] (transformers + llama.cpp peers)", { try runGenerationBenchmark($0) }),
    ("patch", "activation patching: resid+attn+mlp sweep on SmolLM2, 1 and 2 threads (PyTorch peer)",
     { try runPatchingBenchmark($0) }),
    ("encoder-ig", "IG 50 steps on MiniLM + classification head, 30-token SST-2 sentences [--model DIR] [--no-peer] (Captum peer)",
     { try runEncoderIGBenchmark($0) }),
    ("finetune", "fine-tune all-MiniLM-L6-v2 on SST-2: tokens/s, dev accuracy [--steps N | --full] [--out DIR] (PyTorch peer --peer)",
     { try runFineTuneBenchmark($0) }),
    ("disentangle", "β-TCVAE vs VAE on 64×64 dSprites-like sprites: MIG per factor [--epochs N --beta B --positions N]",
     { try runDisentanglementBenchmark($0) }),
    ("train-mnist-vae", "image VAE 784-400-20 on MNIST [--png: docs/images/mnist-reconstructions.png]", { try runMNISTVAETraining($0) }),
]

let arguments = Array(CommandLine.arguments.dropFirst())
let chosen = arguments.first ?? "help"
if chosen == "all" {
    for b in benchmarks {
        print("== \(b.name)")
        try b.run([])
    }
} else if let b = benchmarks.first(where: { $0.name == chosen }) {
    do { try b.run(Array(arguments.dropFirst())) } catch {
        FileHandle.standardError.write(Data("loupe-bench \(chosen): \(error)\n".utf8))
        exit(1)
    }
} else {
    print("usage: loupe-bench <benchmark> [options]\n")
    for b in benchmarks { print("  \(b.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(b.summary)") }
    print("  all          every benchmark above")
    exit(chosen == "help" || chosen == "--help" ? 0 : 2)
}
