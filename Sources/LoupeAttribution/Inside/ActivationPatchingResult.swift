/// The patched metrics of one site kind over every (layer, position) cell.
public struct PatchingGrid: Sendable, Equatable {
    /// The site kind restored.
    public var site: PatchingSite
    /// ROME's window: each cell restores this many consecutive layers around its layer (1: the
    /// layer alone).
    public var window: Int
    /// `metrics[layer][position]`: the metric with that cell restored.
    public var metrics: [[Double]]
    /// `recoveries[layer][position]`: `(M_patched − M_corrupt) / (M_clean − M_corrupt)`.
    public var recoveries: [[Double]]

    public init(site: PatchingSite, window: Int, metrics: [[Double]], recoveries: [[Double]]) {
        self.site = site
        self.window = window
        self.metrics = metrics
        self.recoveries = recoveries
    }

    public var layerCount: Int { metrics.count }
    public var positionCount: Int { metrics.first?.count ?? 0 }
}

/// The patched metrics of per-head patching of `blocks.N.attn.hook_z`.
public struct HeadPatchingGrid: Sendable, Equatable {
    public var mode: HeadPatchingMode
    /// `metrics[layer][head]` (``HeadPatchingMode/allPositions``) or
    /// `metrics[layer][head · T + position]` (``HeadPatchingMode/perPosition``).
    public var metrics: [[Double]]
    /// The recoveries, laid out as ``metrics``.
    public var recoveries: [[Double]]
    /// Heads per layer.
    public var headCount: Int
    /// Positions per head (1 for ``HeadPatchingMode/allPositions``).
    public var positionCount: Int

    public init(mode: HeadPatchingMode, metrics: [[Double]], recoveries: [[Double]], headCount: Int, positionCount: Int) {
        self.mode = mode
        self.metrics = metrics
        self.recoveries = recoveries
        self.headCount = headCount
        self.positionCount = positionCount
    }
}

/// Everything one activation-patching run measured.
public struct ActivationPatchingResult: Sendable, Equatable {
    public var metric: PatchingMetric
    public var cleanMetric: Double
    public var corruptedMetric: Double
    /// One grid per swept site kind, in the order asked.
    public var grids: [PatchingGrid]
    /// The per-head grid, when asked.
    public var heads: HeadPatchingGrid?
    /// Seconds spent: `clean_and_corrupt` (the unpatched runs), then one entry per grid
    /// (`resid`, `attn`, `mlp`, `heads`).
    public var timings: [String: Double]

    public init(metric: PatchingMetric, cleanMetric: Double, corruptedMetric: Double, grids: [PatchingGrid],
                heads: HeadPatchingGrid?, timings: [String: Double]) {
        self.metric = metric
        self.cleanMetric = cleanMetric
        self.corruptedMetric = corruptedMetric
        self.grids = grids
        self.heads = heads
        self.timings = timings
    }

    /// The grid of `site`, if swept.
    public func grid(_ site: PatchingSite) -> PatchingGrid? { grids.first { $0.site == site } }
}
