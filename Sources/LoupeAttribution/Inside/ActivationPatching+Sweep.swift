import Foundation
import LoupeNN

extension ActivationPatching {
    /// The layers a cell at `layer` restores with ROME's window of `window` layers:
    /// `layer − ⌊k/2⌋ ..< layer + ⌈k/2⌉`, clipped to the model (empty for a layer outside the
    /// model or a window below 1).
    public func windowLayers(around layer: Int, window: Int) -> Range<Int> {
        let lower = Swift.max(0, layer - Swift.max(0, window) / 2)
        let upper = Swift.min(model.layerCount, layer + (Swift.max(0, window) + 1) / 2)
        return lower < upper ? lower..<upper : lower..<lower
    }

    /// Restores the clean value of `site` at each (layer, position) in turn — with `window`
    /// consecutive layers around the layer (ROME's window, meant for attention and MLP outputs) —
    /// and records the patched metric and its recovery.
    /// - Throws: ``ActivationPatchingError/invalidPatch(_:)`` for a window below 1.
    public func sweep(_ site: PatchingSite, window: Int = 1) throws -> PatchingGrid {
        guard window >= 1 else { throw ActivationPatchingError.invalidPatch("window \(window) (must be ≥ 1)") }
        let (layers, t, samples) = (model.layerCount, length, corruptedEmbeddings.count)
        var rows: [PatchRow] = []
        rows.reserveCapacity(layers * t * samples)
        for layer in 0..<layers {
            let restored = windowLayers(around: layer, window: window)
            for position in 0..<t {
                let patches = restored.map { ActivationPatch(site: site.siteName(layer: $0), positions: [position]) }
                for sample in 0..<samples { rows.append(PatchRow(sample: sample, patches: patches)) }
            }
        }
        let flat = averaged(try evaluate(rows), samples: samples)
        let metrics = (0..<layers).map { Array(flat[($0 * t)..<(($0 + 1) * t)]) }
        return PatchingGrid(site: site, window: window, metrics: metrics, recoveries: metrics.map { $0.map(recovery(of:)) })
    }

    /// Restores one head's columns of `blocks.N.attn.hook_z` (its context before the output
    /// projection) at every position, or at one position at a time, for every layer and head.
    public func sweepHeads(_ mode: HeadPatchingMode = .allPositions) throws -> HeadPatchingGrid {
        let (layers, heads, d, t, samples) = (model.layerCount, model.headCount, model.headDimension, length,
                                              corruptedEmbeddings.count)
        let positions: [[Int]?] = mode == .allPositions ? [nil] : (0..<t).map { [$0] }
        var rows: [PatchRow] = []
        for layer in 0..<layers {
            for head in 0..<heads {
                for p in positions {
                    let patch = ActivationPatch(site: .attentionContext(layer), positions: p, columns: (head * d)..<((head + 1) * d))
                    for sample in 0..<samples { rows.append(PatchRow(sample: sample, patches: [patch])) }
                }
            }
        }
        let flat = averaged(try evaluate(rows), samples: samples)
        let width = heads * positions.count
        let metrics = (0..<layers).map { Array(flat[($0 * width)..<(($0 + 1) * width)]) }
        return HeadPatchingGrid(mode: mode, metrics: metrics, recoveries: metrics.map { $0.map(recovery(of:)) },
                                headCount: heads, positionCount: positions.count)
    }

    /// The sweeps of `sites` (and of heads when `heads` is given), timed.
    /// - Parameter window: ROME's window for attention and MLP outputs (the residual stream is
    ///   always restored one layer at a time: it already carries every earlier layer).
    /// - Throws: ``ActivationPatchingError/invalidPatch(_:)`` for a window below 1 or nothing to
    ///   sweep (no site and no heads).
    public func run(sites: [PatchingSite], heads: HeadPatchingMode? = nil, window: Int = 1) throws -> ActivationPatchingResult {
        guard window >= 1 else { throw ActivationPatchingError.invalidPatch("window \(window) (must be ≥ 1)") }
        guard !sites.isEmpty || heads != nil else { throw ActivationPatchingError.invalidPatch("no site to sweep (give a site or heads)") }
        var timings: [String: Double] = ["clean_and_corrupt": setupSeconds]
        var grids: [PatchingGrid] = []
        for site in sites {
            let start = Date()
            grids.append(try sweep(site, window: site == .residual ? 1 : window))
            timings[site.rawValue] = Date().timeIntervalSince(start)
        }
        var headGrid: HeadPatchingGrid?
        if let heads {
            let start = Date()
            headGrid = try sweepHeads(heads)
            timings["heads"] = Date().timeIntervalSince(start)
        }
        return ActivationPatchingResult(metric: metric, cleanMetric: cleanMetric, corruptedMetric: corruptedMetric,
                                        grids: grids, heads: headGrid, timings: timings)
    }

    /// Means of consecutive groups of `samples` values.
    func averaged(_ values: [Double], samples: Int) -> [Double] {
        guard samples > 1 else { return values }
        return stride(from: 0, to: values.count, by: samples).map { i in
            values[i..<(i + samples)].reduce(0, +) / Double(samples)
        }
    }
}
