import LoupeTensor

/// Inverted dropout, PyTorch's `nn.Dropout(p)`: while training, each element is zeroed with
/// probability `probability` and the survivors are scaled by `1/(1 − p)`; in evaluation (the
/// default) it is the identity. The mask comes from the module's own seeded generator, so a run is
/// reproducible from its seed.
public final class Dropout: Module {
    public let path: String
    public let probability: Float
    /// Whether masks are applied (PyTorch's `module.training`).
    public var isTraining: Bool = false
    /// The generator drawing the masks.
    public var generator: RandomGenerator

    public init(probability: Float, path: String, seed: UInt64 = 0) {
        precondition(probability >= 0 && probability < 1, "dropout probability \(probability) outside [0, 1)")
        self.path = path
        self.probability = probability
        self.generator = RandomGenerator(seed: seed)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        guard isTraining, probability > 0 else { return hooked(x) }
        let keep = 1 - probability
        let scale = 1 / keep
        var mask = [Float](repeating: 0, count: x.count)
        for i in 0..<mask.count where generator.nextUniform() < keep { mask[i] = scale }
        return hooked(x * Tensor(shape: x.shape, scalars: mask))
    }
}
