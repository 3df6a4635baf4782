@testable import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing

/// Optimizer updates against `torch.optim` (PyTorch 2.x, float32): the same start value and the
/// same three gradients are fed to both, and the parameter is compared after every step.
@Suite("Optimizers")
struct OptimizerTests {
    static let start: [Float] = [0.5, -1.0, 2.0, 0.3, 0.1, -0.4]
    static let steps: [[Float]] = [[0.1, -0.2, 0.3, 0.0, 0.5, -0.1],
                                   [-0.3, 0.1, 0.2, 0.4, -0.2, 0.05],
                                   [0.05, 0.05, -0.5, 0.2, 0.3, 0.1]]

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let make: @Sendable ([Parameter]) -> Optimizer
        let expected: [[Float]]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "sgd", make: { SGD(parameters: $0, learningRate: 0.1) },
             expected: [[0.49, -0.98, 1.97, 0.3, 0.05, -0.39], [0.52, -0.99, 1.95, 0.26, 0.07, -0.395],
                        [0.515, -0.995, 2.0, 0.24, 0.04, -0.405]]),
        Case(name: "sgd momentum", make: { SGD(parameters: $0, learningRate: 0.1, momentum: 0.9) },
             expected: [[0.49, -0.98, 1.97, 0.3, 0.05, -0.39], [0.511, -0.972, 1.923, 0.26, 0.025, -0.386],
                        [0.5249, -0.9698, 1.9307, 0.204, -0.0275, -0.3924]]),
        Case(name: "sgd dampening", make: { SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, dampening: 0.1) },
             expected: [[0.49, -0.98, 1.97, 0.3, 0.05, -0.39], [0.508, -0.971, 1.925, 0.264, 0.023, -0.3855],
                        [0.5197, -0.9674, 1.9295, 0.2136, -0.0283, -0.39045]]),
        Case(name: "sgd nesterov", make: { SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, nesterov: true) },
             expected: [[0.481, -0.962, 1.943, 0.3, 0.005, -0.381], [0.5299, -0.9648, 1.8807, 0.224, 0.0025, -0.3824],
                        [0.53741, -0.96782, 1.93763, 0.1536, -0.07475, -0.39816]]),
        Case(name: "sgd nesterov decay",
             make: { SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.05) },
             expected: [[0.47625, -0.9525, 1.924, 0.29715, 0.00405, -0.3772],
                        [0.51860064, -0.94220126, 1.83532202, 0.21711209, 0.00110653, -0.37339661],
                        [0.51743263, -0.92876774, 1.8597343, 0.14235257, -0.07653489, -0.38262367]]),
        Case(name: "sgd decay", make: { SGD(parameters: $0, learningRate: 0.1, weightDecay: 0.05) },
             expected: [[0.4875, -0.975, 1.96, 0.2985, 0.0495, -0.388],
                        [0.51506251, -0.98012501, 1.93019998, 0.25700751, 0.0692525, -0.39106002],
                        [0.50748718, -0.98022437, 1.97054899, 0.23572247, 0.03890624, -0.39910471]]),
        Case(name: "adam", make: { Adam(parameters: $0, learningRate: 0.01) },
             expected: [[0.49, -0.99, 1.99, 0.3, 0.09, -0.39],
                        [0.49494192, -0.98733664, 1.98029649, 0.29255864, 0.08654395, -0.38733664],
                        [0.4977169, -0.98672277, 1.98109472, 0.28455624, 0.08109955, -0.39006361]]),
        Case(name: "adam L2",
             make: { Adam(parameters: $0, learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.1) },
             expected: [[0.49000007, -0.99000001, 1.99000001, 0.29000035, 0.09000002, -0.39000008],
                        [0.49351576, -0.98372507, 1.9801811, 0.28174484, 0.08686346, -0.3843354],
                        [0.49364108, -0.97810185, 1.97679174, 0.27314284, 0.08138294, -0.38344198]]),
        Case(name: "adamw", make: { AdamW(parameters: $0, learningRate: 0.01, weightDecay: 0.1) },
             expected: [[0.48950002, -0.98900002, 1.98800004, 0.29970002, 0.0899, -0.38960001],
                        [0.49395242, -0.98534769, 1.97630858, 0.29195896, 0.08635405, -0.38654703],
                        [0.49623346, -0.9837485, 1.97513056, 0.28366461, 0.08082329, -0.38888747]]),
        Case(name: "adamw default decay", make: { AdamW(parameters: $0, learningRate: 0.05) },
             expected: [[0.44974998, -0.94949996, 1.949, 0.29985002, 0.04995001, -0.34979999],
                        [0.47423458, -0.93570834, 1.89950788, 0.26249322, 0.03264474, -0.33630824],
                        [0.48787236, -0.93217099, 1.90254903, 0.2223499, 0.0054064, -0.3497749]]),
    ]

    @Test(arguments: cases)
    func matchesPyTorch(_ c: Case) {
        let p = Parameter(name: "w", value: Tensor(shape: [2, 3], scalars: Self.start))
        let optimizer = c.make([p])
        for (g, expected) in zip(Self.steps, c.expected) {
            p.gradient = Tensor(shape: [2, 3], scalars: g)
            optimizer.step()
            expectClose(p.value.scalars, expected, absolute: 2e-6, "\(c.name)")
        }
    }

    @Test(arguments: cases)
    func skipsFrozenAndGradientlessParameters(_ c: Case) {
        let frozen = Parameter(name: "frozen", value: Tensor(Self.start))
        frozen.requiresGradient = false
        frozen.gradient = Tensor(Self.steps[0])
        let idle = Parameter(name: "idle", value: Tensor(Self.start))
        let optimizer = c.make([frozen, idle])
        optimizer.step()
        #expect(frozen.value.scalars == Self.start)
        #expect(idle.value.scalars == Self.start)
    }

    @Test func duplicateParametersAreUpdatedOnce() {
        let p = Parameter(name: "w", value: Tensor([1, 2]))
        let sgd = SGD(parameters: [p, p], learningRate: 0.5)
        #expect(sgd.parameters.count == 1)
        p.gradient = Tensor([1, 1])
        sgd.step()
        #expect(p.value.scalars == [0.5, 1.5])
    }

    @Test func learningRateIsSettableAndZeroGradientsClears() {
        let p = Parameter(name: "w", value: Tensor([1, 2]))
        let adam: Optimizer = Adam(parameters: [p], learningRate: 0.1)
        adam.learningRate = 0
        p.gradient = Tensor([1, -1])
        p.sparseGradient = nil
        adam.step()
        #expect(p.value.scalars == [1, 2])
        adam.zeroGradients()
        #expect(p.gradient == nil && p.sparseGradient == nil)
    }

    // MARK: Gradient clipping

    @Test func clipGradientNormScalesLikeTorch() {
        let p = Parameter(name: "w", value: .zeros([2, 3]))
        p.gradient = Tensor(shape: [2, 3], scalars: [3, 4, 0, 0, 0, 12])
        let norm = clipGradientNorm([p], maxNorm: 2)
        expectClose(norm, 13)
        expectClose(p.gradient!.scalars, [0.4615384340286255, 0.615384578704834, 0, 0, 0, 1.846153736114502])
    }

    @Test func clipGradientNormLeavesSmallGradients() {
        let p = Parameter(name: "w", value: .zeros([2]))
        p.gradient = Tensor([0.3, 0.4])
        expectClose(clipGradientNorm([p], maxNorm: 1), 0.5)
        #expect(p.gradient!.scalars == [0.3, 0.4])
    }

    @Test func clipGradientNormCountsSparseRowsAndOverlaps() {
        // Table [3, 2]: dense gradient and sparse rows overlapping on row 1.
        let table = Parameter(name: "emb", value: .zeros([3, 2]))
        table.gradient = Tensor(shape: [3, 2], scalars: [1, 0, 1, 1, 0, 0])
        table.sparseGradient = SparseRowGradient(rows: [1, 2], values: [1, 1, 2, 0], width: 2)
        let other = Parameter(name: "b", value: .zeros([1]))
        other.gradient = Tensor([2])
        let frozen = Parameter(name: "frozen", value: .zeros([1]))
        frozen.requiresGradient = false
        frozen.gradient = Tensor([100])
        // Combined table gradient [1,0, 2,2, 2,0] → 1 + 8 + 4 = 13; plus 4 → √17.
        let norm = clipGradientNorm([table, other, frozen], maxNorm: 1)
        expectClose(norm, Float(17).squareRoot())
        let scale = 1 / (Float(17).squareRoot() + 1e-6)
        expectClose(table.denseGradient.scalars, [1, 0, 2, 2, 2, 0].map { $0 * scale })
        expectClose(other.gradient!.scalars, [2 * scale])
        #expect(frozen.gradient!.scalars == [100])
    }

    // MARK: Sparse (embedding) updates

    static let sparseMakers: [(String, @Sendable ([Parameter]) -> Optimizer)] = [
        ("sgd", { SGD(parameters: $0, learningRate: 0.1, weightDecay: 0.01) }),
        ("sgd momentum", { SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01) }),
        ("adam", { Adam(parameters: $0, learningRate: 0.01, weightDecay: 0.1) }),
        ("adamw", { AdamW(parameters: $0, learningRate: 0.01, weightDecay: 0.1) }),
    ]
    static var sparseMakerNames: [String] { sparseMakers.map(\.0) }
    static func maker(_ name: String) -> @Sendable ([Parameter]) -> Optimizer {
        sparseMakers.first { $0.0 == name }!.1
    }

    static func table() -> Tensor { testTensor([6, 3], seed: 21) }

    @Test(arguments: sparseMakerNames)
    func sparseStepTouchesOnlyUsedRows(_ name: String) {
        let p = Parameter(name: "emb", value: Self.table())
        let optimizer = Self.maker(name)([p])
        p.sparseGradient = SparseRowGradient(rows: [1, 4], values: [0.5, -0.2, 0.1, -0.3, 0.7, 0.05], width: 3)
        optimizer.step()
        let before = Self.table().scalars, after = p.value.scalars
        for row in [0, 2, 3, 5] {
            #expect(Array(after[(row * 3)..<(row * 3 + 3)]) == Array(before[(row * 3)..<(row * 3 + 3)]), "row \(row)")
        }
        for row in [1, 4] {
            #expect(Array(after[(row * 3)..<(row * 3 + 3)]) != Array(before[(row * 3)..<(row * 3 + 3)]), "row \(row)")
        }
        // Optimizer state of unused rows stays untouched.
        if let adam = optimizer as? Adam, let state = adam.moments(of: p) {
            #expect(state.steps == [0, 1, 0, 0, 1, 0])
            for row in [0, 2, 3, 5] {
                let untouched = state.m[(row * 3)..<(row * 3 + 3)].allSatisfy { $0 == 0 }
                    && state.v[(row * 3)..<(row * 3 + 3)].allSatisfy { $0 == 0 }
                #expect(untouched, "row \(row)")
            }
        }
        if let sgd = optimizer as? SGD, let state = sgd.momentumBuffer(of: p) {
            #expect(state.started == [false, true, false, false, true, false])
            for row in [0, 2, 3, 5] {
                let untouched = state.buffer[(row * 3)..<(row * 3 + 3)].allSatisfy { $0 == 0 }
                #expect(untouched, "row \(row)")
            }
        }
    }

    @Test(arguments: sparseMakerNames)
    func firstSparseStepMatchesDenseStepOnUsedRows(_ name: String) {
        let sparse = Parameter(name: "sparse", value: Self.table())
        let dense = Parameter(name: "dense", value: Self.table())
        sparse.sparseGradient = SparseRowGradient(rows: [0, 3, 5], values: testTensor([9], seed: 22).scalars, width: 3)
        dense.gradient = sparse.denseGradient
        Self.maker(name)([sparse]).step()
        Self.maker(name)([dense]).step()
        for row in [0, 3, 5] {
            expectClose(Array(sparse.value.scalars[(row * 3)..<(row * 3 + 3)]),
                        Array(dense.value.scalars[(row * 3)..<(row * 3 + 3)]), absolute: 0, "row \(row)")
        }
    }

    /// With per-row step counts, each row follows the dense trajectory of the steps it was used in.
    @Test(arguments: sparseMakerNames)
    func lazyRowsFollowTheirOwnTrajectory(_ name: String) {
        let p = Parameter(name: "emb", value: Self.table())
        let optimizer = Self.maker(name)([p])
        let schedule: [[Int]] = [[1, 2], [2, 4], [1, 2, 4]]
        for (s, rows) in schedule.enumerated() {
            let values = testTensor([rows.count * 3], seed: UInt64(30 + s)).scalars
            p.sparseGradient = SparseRowGradient(rows: rows, values: values, width: 3)
            optimizer.step()
        }
        for row in 0..<6 {
            // The same row as a lone dense parameter, stepped only when the row was used.
            let lone = Parameter(name: "row", value: Tensor(Array(Self.table().scalars[(row * 3)..<(row * 3 + 3)])))
            let reference = Self.maker(name)([lone])
            for (s, rows) in schedule.enumerated() {
                guard let at = rows.firstIndex(of: row) else { continue }
                let values = testTensor([rows.count * 3], seed: UInt64(30 + s)).scalars
                lone.gradient = Tensor(Array(values[(at * 3)..<(at * 3 + 3)]))
                reference.step()
            }
            expectClose(Array(p.value.scalars[(row * 3)..<(row * 3 + 3)]), lone.value.scalars, absolute: 1e-7,
                        "\(name) row \(row)")
        }
    }

    @Test(arguments: sparseMakerNames)
    func denseAndSparseGradientsAreSummed(_ name: String) {
        let mixed = Parameter(name: "mixed", value: Self.table())
        mixed.gradient = testTensor([6, 3], seed: 40)
        mixed.sparseGradient = SparseRowGradient(rows: [2], values: [1, -1, 0.5], width: 3)
        let reference = Parameter(name: "reference", value: Self.table())
        reference.gradient = mixed.denseGradient
        let a = Self.maker(name)([mixed]), b = Self.maker(name)([reference])
        for _ in 0..<2 { a.step(); b.step() }
        expectClose(mixed.value.scalars, reference.value.scalars, absolute: 0)
    }

    @Test(arguments: sparseMakerNames)
    func embeddingBackwardThenStep(_ name: String) throws {
        var rng = RandomGenerator(seed: 3)
        let embedding = Embedding(vocabularySize: 50, dimension: 4, path: "emb", generator: &rng)
        let before = embedding.weight.value.scalars
        let optimizer = Self.maker(name)(embedding.parameters)
        let out = embedding([7, 3, 7], shape: [3])
        try (out * testTensor([3, 4], seed: 5)).sum().backward()
        #expect(embedding.weight.gradient == nil)
        #expect(embedding.weight.sparseGradient?.rows == [3, 7])
        optimizer.step()
        for row in 0..<50 {
            let changed = embedding.weight.value.scalars[(row * 4)..<(row * 4 + 4)] != before[(row * 4)..<(row * 4 + 4)]
            #expect(changed == (row == 3 || row == 7), "row \(row)")
        }
    }

    @Test func sparseStepUpdatesInPlace() {
        let p = Parameter(name: "emb", value: testTensor([1000, 8], seed: 50))
        let adam = Adam(parameters: [p], learningRate: 0.1)
        let address = p.value.scalars.withUnsafeBufferPointer { $0.baseAddress }
        p.sparseGradient = SparseRowGradient(rows: [10], values: [Float](repeating: 1, count: 8), width: 8)
        adam.step()
        #expect(p.value.scalars.withUnsafeBufferPointer { $0.baseAddress } == address)
        expectClose(p.value[10, 0], testTensor([1000, 8], seed: 50)[10, 0] - 0.1, absolute: 1e-6)
    }

    // MARK: Convergence

    @Test(arguments: ["sgd", "sgd momentum", "sgd nesterov", "adam", "adamw"])
    func regressionLossFalls(_ name: String) throws {
        var rng = RandomGenerator(seed: 11)
        let layer = Linear(3, 1, path: "fc", generator: &rng)
        let x = testTensor([32, 3], seed: 12, range: -2...2)
        let y = x.matmul(Tensor(shape: [3, 1], scalars: [1, -2, 0.5])) + 0.3
        let optimizer: Optimizer
        switch name {
        case "sgd": optimizer = SGD(parameters: layer.parameters, learningRate: 0.05)
        case "sgd momentum": optimizer = SGD(parameters: layer.parameters, learningRate: 0.02, momentum: 0.9)
        case "sgd nesterov": optimizer = SGD(parameters: layer.parameters, learningRate: 0.02, momentum: 0.9, nesterov: true)
        case "adam": optimizer = Adam(parameters: layer.parameters, learningRate: 0.05)
        default: optimizer = AdamW(parameters: layer.parameters, learningRate: 0.05, weightDecay: 1e-4)
        }
        var losses: [Float] = []
        for _ in 0..<150 {
            optimizer.zeroGradients()
            let loss = meanSquaredError(layer(x), y)
            try loss.backward()
            optimizer.step()
            losses.append(loss.scalar)
        }
        #expect(losses[1] < losses[0])
        #expect(losses.last! < 0.01 * losses[0], "\(name): \(losses[0]) → \(losses.last!)")
    }
}
