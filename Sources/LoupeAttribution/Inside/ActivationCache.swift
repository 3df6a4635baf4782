import LoupeNN
import LoupeTensor

/// The activations of one forward pass, by site name — TransformerLens' `ActivationCache`, what
/// ``LoupeNN/ResidualStreamModel/runWithCache(tokenIDs:sites:)`` returns.
///
/// Every tensor is detached (no tape) and has a batch axis of 1: the residual stream and the
/// sub-layer outputs are `[1, T, E]` (`hook_pos_embed` too, broadcast over the batch), attention
/// patterns `[1, heads, T, T]`, contexts `hook_z` `[1, T, heads · d]`.
public struct ActivationCache {
    /// The token ids that were run.
    public let tokenIDs: [Int]
    /// The model's next-token logits `[1, T, V]`.
    public let logits: Tensor
    /// The captured sites, in forward order.
    public let siteNames: [ActivationSiteName]
    /// The sites the model has (captured or not), in forward order — what an unknown name is told.
    public let availableSiteNames: [ActivationSiteName]
    private let values: [ActivationSiteName: Tensor]

    init(tokenIDs: [Int], logits: Tensor, siteNames: [ActivationSiteName], available: [ActivationSiteName],
         values: [ActivationSiteName: Tensor]) {
        self.tokenIDs = tokenIDs
        self.logits = logits
        self.siteNames = siteNames
        self.availableSiteNames = available
        self.values = values
    }

    /// Number of positions.
    public var sequenceLength: Int { tokenIDs.count }

    /// The activation at `name`, or nil when it was not captured.
    public subscript(name: ActivationSiteName) -> Tensor? { values[name] }

    /// True when `name` was captured.
    public func contains(_ name: ActivationSiteName) -> Bool { values[name] != nil }

    /// The activation at `name`.
    /// - Throws: ``LoupeNN/ModelInputError/unknownSite(_:available:)`` listing the captured sites
    ///   when `name` was not captured (the model has no such site, or it was left out).
    public func activation(_ name: ActivationSiteName) throws -> Tensor {
        guard let value = values[name] else {
            throw ModelInputError.unknownSite(name.rawValue, available: siteNames.map(\.rawValue))
        }
        return value
    }
}
