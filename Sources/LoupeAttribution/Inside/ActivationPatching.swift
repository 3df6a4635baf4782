import Foundation
import LoupeNN
import LoupeTensor

/// Activation patching (causal tracing) over a ``LoupeNN/ResidualStreamModel``: run the model on a
/// clean and a corrupted input, then rerun the corrupted input restoring the clean value of one
/// activation at a time, and measure how much of the clean behaviour comes back.
///
/// Meng, Bau, Andonian & Belinkov, "Locating and Editing Factual Associations in GPT" (ROME,
/// NeurIPS 2022) restore hidden states, attention and MLP outputs at each (layer, position) of a
/// noise-corrupted run; Heimersheim & Nanda, "How to use and interpret activation patching"
/// (2024) recommend a clean/corrupted prompt pair and the logit difference. Both are here:
/// ``PatchingCorruption/prompt(_:)`` or ``PatchingCorruption/noise(_:)``, and any
/// ``PatchingMetric``. The recovery of a patched run is
/// `(M_patched − M_corrupt) / (M_clean − M_corrupt)`: 0 = nothing restored, 1 = fully restored.
///
/// Creating the value runs the clean and corrupted passes (their metrics are ``cleanMetric``
/// and ``corruptedMetric``); ``sweep(_:window:)``, ``sweepHeads(_:)`` and ``metric(patching:)``
/// run patched passes. Patched runs are independent, so they are evaluated as batches of up to
/// ``maximumBatchRows`` sequences — row `b` restored at its own cell — with the KV-free full
/// forward; the result equals running them one at a time.
public struct ActivationPatching {
    /// The model.
    public let model: any ResidualStreamModel
    /// The clean prompt's token ids.
    public let clean: [Int]
    /// How the corrupted run differs.
    public let corruption: PatchingCorruption
    /// What is measured.
    public let metric: PatchingMetric
    /// The largest batch of patched sequences run at once (≥ 1; 1 = one at a time).
    public var maximumBatchRows: Int

    /// The metric of the clean run.
    public let cleanMetric: Double
    /// The metric of the corrupted run (averaged over noise samples).
    public private(set) var corruptedMetric: Double
    /// The noise's standard deviation (noise corruption only).
    public let noiseStandardDeviation: Float?
    /// Seconds the clean and corrupted runs took.
    public private(set) var setupSeconds: Double = 0

    /// Clean activations `[1, T, W]` of every site a sweep restores.
    let cleanActivations: [ActivationSiteName: Tensor]
    /// Per noise sample (one for a prompt pair), the corrupted token embeddings `[1, T, E]`.
    let corruptedEmbeddings: [Tensor]
    /// The ids the corrupted runs' masks come from.
    let corruptedIDs: [Int]
    /// Site name → the module to hook.
    let modules: [ActivationSiteName: Module]
    /// Patchable site name → its block.
    let siteLayers: [ActivationSiteName: Int]

    /// Number of positions.
    public var length: Int { clean.count }

    /// Runs the clean and corrupted passes.
    /// - Parameter maximumBatchRows: `nil`: as many rows as keep one batch's logits near 32 M
    ///   floats (at most 64).
    /// - Throws: ``ActivationPatchingError`` for prompts of different lengths, identical prompts,
    ///   ids outside the vocabulary, bad noise settings, metric tokens outside the vocabulary, or
    ///   clean and corrupted metrics that are equal (nothing to recover).
    public init(model: any ResidualStreamModel, clean: [Int], corruption: PatchingCorruption,
                metric: PatchingMetric, maximumBatchRows: Int? = nil) throws {
        let started = Date()
        try Self.validate(model: model, clean: clean, corruption: corruption, metric: metric)
        if let maximumBatchRows, maximumBatchRows < 1 {
            throw ActivationPatchingError.invalidPatch("maximum batch rows \(maximumBatchRows) (must be ≥ 1)")
        }
        self.model = model
        self.clean = clean
        self.corruption = corruption
        self.metric = metric
        let t = clean.count
        self.maximumBatchRows = maximumBatchRows
            ?? Swift.max(1, Swift.min(64, (32 << 20) / Swift.max(1, t * model.vocabularySize)))

        var modules: [ActivationSiteName: Module] = [:]
        for site in model.activationSites { modules[site.name] = site.module }
        var wanted: [ActivationSiteName] = []
        var siteLayers: [ActivationSiteName: Int] = [:]
        for layer in 0..<model.layerCount {
            let names = PatchingSite.allCases.map { $0.siteName(layer: layer) } + [.attentionContext(layer), .residualPost(layer)]
            wanted += names
            for name in names { siteLayers[name] = layer }
        }
        self.siteLayers = siteLayers
        for name in wanted where modules[name] == nil {
            throw ActivationPatchingError.invalidPatch("the model has no site '\(name.rawValue)'")
        }
        self.modules = modules

        // The clean run, capturing every site a patch can restore.
        var captures: [ActivationSiteName: ActivationCapture] = [:]
        let hooks: [Hook] = wanted.map { name in
            let capture = ActivationCapture()
            captures[name] = capture
            return .capture(modules[name]!, into: capture)
        }
        let cleanLogits = withHooks(hooks) { withoutGradients { model.logits(tokenIDs: [clean]) } }
        var activations: [ActivationSiteName: Tensor] = [:]
        for (name, capture) in captures { activations[name] = capture.last!.detached }
        cleanActivations = activations
        cleanMetric = Self.lastPositionMetric(metric, logits: cleanLogits, row: 0)

        // The corrupted inputs.
        switch corruption {
        case .prompt(let ids):
            corruptedIDs = ids
            corruptedEmbeddings = [withoutGradients { model.embeddings(tokenIDs: [ids]) }]
            noiseStandardDeviation = nil
        case .noise(let noise):
            corruptedIDs = clean
            let sigma = noise.standardDeviation ?? EmbeddingNoise.defaultScale * Self.embeddingStandardDeviation(of: model)
            noiseStandardDeviation = sigma
            let base = withoutGradients { model.embeddings(tokenIDs: [clean]) }
            corruptedEmbeddings = Self.noised(base, positions: noise.positions, sigma: sigma,
                                              samples: noise.samples, seed: noise.seed)
        }
        corruptedMetric = 0
        let corrupted = try evaluate(corruptedEmbeddings.indices.map { PatchRow(sample: $0, patches: []) })
        corruptedMetric = corrupted.reduce(0, +) / Double(corrupted.count)
        guard Swift.abs(cleanMetric - corruptedMetric) > 1e-6 * Swift.max(1, Swift.abs(cleanMetric)) else {
            throw ActivationPatchingError.nothingToRecover(clean: cleanMetric, corrupted: corruptedMetric)
        }
        setupSeconds = Date().timeIntervalSince(started)
    }

    /// `(m − M_corrupt) / (M_clean − M_corrupt)`.
    public func recovery(of patchedMetric: Double) -> Double {
        (patchedMetric - corruptedMetric) / (cleanMetric - corruptedMetric)
    }

    /// The metric of the corrupted run with `patches` restored to their clean values (averaged
    /// over noise samples).
    /// - Throws: ``ActivationPatchingError/invalidPatch(_:)`` for an unknown site, a position
    ///   outside the prompt, columns outside the site's width, or an empty list of positions or
    ///   columns.
    public func metric(patching patches: [ActivationPatch]) throws -> Double {
        try validate(patches)
        let values = try evaluate(corruptedEmbeddings.indices.map { PatchRow(sample: $0, patches: patches) })
        return values.reduce(0, +) / Double(values.count)
    }

    func validate(_ patches: [ActivationPatch]) throws {
        for patch in patches {
            guard let value = cleanActivations[patch.site] else {
                throw ActivationPatchingError.invalidPatch("site '\(patch.site.rawValue)' cannot be patched; patchable: "
                    + "blocks.N.{hook_resid_pre, hook_attn_out, hook_mlp_out, attn.hook_z, hook_resid_post}")
            }
            if patch.positions?.isEmpty == true || patch.columns?.isEmpty == true {
                throw ActivationPatchingError.invalidPatch("a patch of \(patch.site.rawValue) restores nothing (no positions or no columns; "
                                                           + "nil means all)")
            }
            if let positions = patch.positions, let bad = positions.first(where: { $0 < 0 || $0 >= length }) {
                throw ActivationPatchingError.invalidPatch("position \(bad) outside the prompt (0..<\(length))")
            }
            let width = value.shape[2]
            if let columns = patch.columns, columns.lowerBound < 0 || columns.upperBound > width {
                throw ActivationPatchingError.invalidPatch("columns \(columns) outside \(patch.site.rawValue)'s width \(width)")
            }
        }
    }
}
