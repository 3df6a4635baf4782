import LoupeTensor

/// Optimizer state as named tensors, for `training-state.safetensors`.
///
/// Keys are the parameter's checkpoint name plus a suffix, after PyTorch's optimizer state:
///
/// | optimizer | key | shape | meaning |
/// |---|---|---|---|
/// | Adam, AdamW | `<param>.exp_avg` | the parameter's | first moment `m` |
/// | Adam, AdamW | `<param>.exp_avg_sq` | the parameter's | second moment `v` |
/// | Adam, AdamW | `<param>.step` | `[rows]` | per-row step counts (exact up to 2²⁴ steps) |
/// | SGD | `<param>.momentum_buffer` | the parameter's | momentum buffer |
/// | SGD | `<param>.momentum_started` | `[rows]` | 1 where the row's buffer has started |
///
/// Parameters that have not been stepped yet have no entries. Hyper-parameters (learning rate,
/// betas, decay) are not stored: they come from the training options.
enum OptimizerStateIO {
    /// The state of `optimizer` by key (empty for a kind it does not know).
    static func export(_ optimizer: Optimizer) -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        if let engine = adamEngine(of: optimizer) {
            for p in engine.parameters {
                guard let s = engine.states[ObjectIdentifier(p)] else { continue }
                tensors[p.name + ".exp_avg"] = Tensor(shape: p.value.shape, scalars: s.m)
                tensors[p.name + ".exp_avg_sq"] = Tensor(shape: p.value.shape, scalars: s.v)
                tensors[p.name + ".step"] = Tensor(s.steps.map(Float.init))
            }
        } else if let sgd = optimizer as? SGD {
            for p in sgd.parameters {
                guard let s = sgd.states[ObjectIdentifier(p)] else { continue }
                tensors[p.name + ".momentum_buffer"] = Tensor(shape: p.value.shape, scalars: s.buffer)
                tensors[p.name + ".momentum_started"] = Tensor(s.started.map { $0 ? 1 : 0 })
            }
        }
        return tensors
    }

    /// Replaces the state of `optimizer` by `tensors` (as written by ``export(_:)``). Throws a
    /// ``CheckpointError`` naming `file` for a missing, extra or mis-shaped entry.
    static func restore(_ tensors: [String: Tensor], into optimizer: Optimizer, file: String) throws {
        var used = Set<String>()
        func take(_ key: String, count: Int) throws -> [Float]? {
            guard let t = tensors[key] else { return nil }
            guard t.count == count else {
                throw CheckpointError(.shapeMismatch, file: file, key: key,
                                      "holds \(t.count) values, expected \(count)")
            }
            used.insert(key)
            return t.scalars
        }
        if let engine = adamEngine(of: optimizer) {
            engine.states = [:]
            for p in engine.parameters {
                let layout = RowLayout(p.value)
                let m = try take(p.name + ".exp_avg", count: p.value.count)
                let v = try take(p.name + ".exp_avg_sq", count: p.value.count)
                let steps = try take(p.name + ".step", count: layout.rows)
                guard let m, let v, let steps else {
                    if m != nil || v != nil || steps != nil {
                        throw CheckpointError(.missingTensors, file: file, key: p.name,
                                              "needs exp_avg, exp_avg_sq and step together")
                    }
                    continue
                }
                let s = AdamEngine.State(count: p.value.count, rows: layout.rows)
                s.m = m
                s.v = v
                s.steps = steps.map { Int($0) }
                engine.states[ObjectIdentifier(p)] = s
            }
        } else if let sgd = optimizer as? SGD {
            sgd.states = [:]
            for p in sgd.parameters {
                let layout = RowLayout(p.value)
                let buffer = try take(p.name + ".momentum_buffer", count: p.value.count)
                let started = try take(p.name + ".momentum_started", count: layout.rows)
                guard let buffer, let started else {
                    if buffer != nil || started != nil {
                        throw CheckpointError(.missingTensors, file: file, key: p.name,
                                              "needs momentum_buffer and momentum_started together")
                    }
                    continue
                }
                let s = SGD.State(count: p.value.count, rows: layout.rows)
                s.buffer = buffer
                s.started = started.map { $0 != 0 }
                sgd.states[ObjectIdentifier(p)] = s
            }
        }
        let extra = tensors.keys.filter { !used.contains($0) }.sorted()
        if !extra.isEmpty {
            throw CheckpointError(.unexpectedTensors, file: file,
                                  "optimizer state for no parameter of the model: \(extra.prefix(5).joined(separator: ", "))")
        }
    }

    private static func adamEngine(of optimizer: Optimizer) -> AdamEngine? {
        if let adam = optimizer as? Adam { return adam.engine }
        if let adamW = optimizer as? AdamW { return adamW.engine }
        return nil
    }
}
