import LoupeTensor

/// A single-layer, batch-first gated recurrent unit with PyTorch's `nn.GRU` layout and gate order
/// (r, z, n): `weight_ih_l0` `[3H, in]`, `weight_hh_l0` `[3H, H]`, `bias_ih_l0`, `bias_hh_l0` `[3H]`.
///
/// `r = σ(W_ir x + b_ir + W_hr h + b_hr)`, `z = σ(W_iz x + b_iz + W_hz h + b_hz)`,
/// `n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))`, `h' = (1 − z) ⊙ n + z ⊙ h`.
///
/// The input projection of every step is one matrix product; the recurrence is one fused op
/// (``LoupeTensor/Tensor/gruRecurrence(hiddenWeight:hiddenBias:initialState:lengths:)``).
public final class GRU: Module {
    public let path: String
    public let weightIH: Parameter
    public let weightHH: Parameter
    public let biasIH: Parameter
    public let biasHH: Parameter

    /// Initialised like PyTorch: every weight and bias uniform in ±1/√hidden.
    public init(inputSize: Int, hiddenSize: Int, path: String, generator: inout RandomGenerator) {
        self.path = path
        let bound = 1 / Float(hiddenSize).squareRoot()
        func uniform(_ shape: [Int]) -> Tensor {
            .randomUniform(shape, lower: -bound, upper: bound, using: &generator)
        }
        weightIH = Parameter(name: joinPath(path, "weight_ih_l0"), value: uniform([3 * hiddenSize, inputSize]))
        weightHH = Parameter(name: joinPath(path, "weight_hh_l0"), value: uniform([3 * hiddenSize, hiddenSize]))
        biasIH = Parameter(name: joinPath(path, "bias_ih_l0"), value: uniform([3 * hiddenSize]))
        biasHH = Parameter(name: joinPath(path, "bias_hh_l0"), value: uniform([3 * hiddenSize]))
    }

    public var ownParameters: [Parameter] { [weightIH, weightHH, biasIH, biasHH] }
    public var inputSize: Int { weightIH.value.shape[1] }
    public var hiddenSize: Int { weightHH.value.shape[1] }

    /// Runs the GRU over `x` `[B, T, in]`.
    ///
    /// - Parameters:
    ///   - initialState: `h₀` `[B, H]`; zeros when `nil`.
    ///   - lengths: the real length of each sequence in a padded batch. Past its length a
    ///     sequence's state is carried over unchanged (PyTorch's packed sequences would output
    ///     zeros there), so `last` is each sequence's state at its own last real step.
    /// - Returns: `outputs` `[B, T, H]` (the state after each step; this is what hooks see) and
    ///   `last` `[B, H]`, taken from the (possibly hooked) outputs.
    public func callAsFunction(_ x: Tensor, initialState: Tensor? = nil,
                               lengths: [Int]? = nil) -> (outputs: Tensor, last: Tensor) {
        precondition(x.rank == 3 && x.shape[2] == inputSize, "\(path): GRU input must be [B, T, \(inputSize)], got \(x.shape)")
        let (b, t) = (x.shape[0], x.shape[1])
        let h0 = initialState ?? Tensor.zeros([b, hiddenSize])
        let projections = x.linear(weight: weightIH.tensor, bias: biasIH.tensor)
        let states = projections.gruRecurrence(hiddenWeight: weightHH.tensor, hiddenBias: biasHH.tensor,
                                               initialState: h0, lengths: lengths)
        let outputs = hooked(states)
        guard t > 0 else { return (outputs, h0) }
        let last = outputs.sliced(alongAxis: 1, (t - 1)..<t).reshaped([b, hiddenSize])
        return (outputs, last)
    }
}
