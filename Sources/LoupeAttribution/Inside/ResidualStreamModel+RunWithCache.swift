import LoupeNN
import LoupeTensor

extension ResidualStreamModel {
    /// Runs `tokenIDs` once, without a gradient tape, capturing the activation of every site in
    /// `sites` (default: every site the model has) — TransformerLens' `run_with_cache`.
    ///
    /// - Parameters:
    ///   - tokenIDs: one sequence of token ids.
    ///   - sites: the sites to keep; `nil` keeps all of ``LoupeNN/TokenModel/activationSites``.
    /// - Throws: ``LoupeNN/ModelInputError`` for an empty sequence, an id outside the
    ///   vocabulary, a sequence longer than the model accepts, or a site the model does not have
    ///   (the error lists the available ones).
    public func runWithCache(tokenIDs: [Int], sites: [ActivationSiteName]? = nil) throws -> ActivationCache {
        try validate(tokenIDs: [tokenIDs])
        let all = activationSites
        let chosen: [ActivationSite]
        if let sites {
            chosen = try sites.map { name in
                guard let site = all.first(where: { $0.name == name }) else {
                    throw ModelInputError.unknownSite(name.rawValue, available: all.map(\.name.rawValue))
                }
                return site
            }
        } else {
            chosen = all
        }
        // Several names may share a module only if a model says so; each name gets its own capture.
        var captures: [(ActivationSiteName, ActivationCapture)] = []
        var hooks: [Hook] = []
        var seen = Set<ActivationSiteName>()
        for site in chosen where seen.insert(site.name).inserted {
            let capture = ActivationCapture()
            captures.append((site.name, capture))
            hooks.append(.capture(site.module, into: capture))
        }
        let logits = withHooks(hooks) { withoutGradients { self.logits(tokenIDs: [tokenIDs]) } }
        let t = tokenIDs.count
        var values: [ActivationSiteName: Tensor] = [:]
        var names: [ActivationSiteName] = []
        for (name, capture) in captures {
            guard let value = capture.last else { continue }   // a site this forward pass did not reach
            var tensor = value.detached
            // A `[T, E]` activation (learned position embeddings) gets the batch axis.
            if tensor.rank == 2 && tensor.shape[0] == t { tensor = tensor.reshaped([1] + tensor.shape) }
            values[name] = tensor
            names.append(name)
        }
        // Forward order, as the model lists its sites.
        let order = Dictionary(all.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        names.sort { (order[$0] ?? .max) < (order[$1] ?? .max) }
        return ActivationCache(tokenIDs: tokenIDs, logits: logits.detached, siteNames: names,
                               available: all.map(\.name), values: values)
    }
}
