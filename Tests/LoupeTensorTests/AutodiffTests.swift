import Foundation
@testable import LoupeTensor
import LoupeTestSupport
import Testing

@Suite("Autodiff")
struct AutodiffTests {
    @Test func elementwiseChain() {
        GradientChecker().check([testTensor([3, 4]), testTensor([4], seed: 2)]) { x in
            ((x[0] * x[1]).tanh() + x[0].sigmoid() - x[1]).exp()
        }
    }

    /// The backward pass keeps only the wanted gradients: every intermediate one is dropped once
    /// used (a pass would otherwise hold a gradient for every node of the graph), while a shared
    /// node still receives the sum over all its consumers and the wanted ones are right.
    @Test func backwardKeepsOnlyTheWantedGradients() throws {
        let x = testTensor([3, 4]).requiringGradient(), w = testTensor([4], seed: 2).requiringGradient()
        let h = (x * w).tanh()                     // used twice below
        let y = ((h * h).sum() + h.exp().sum()) * 0.5
        let wanted: Set<ObjectIdentifier> = [ObjectIdentifier(x.node!), ObjectIdentifier(w.node!)]
        let grads = TapeEngine.propagate(root: y.node!, seed: Tensor(1)) { wanted.contains(ObjectIdentifier($0)) }
        #expect(Set(grads.keys) == wanted)
        let numeric = try gradients(of: y, withRespectTo: [x, w])
        // d/dh of ½(h² + eʰ) = h + eʰ/2, then through tanh and the product.
        let dh = zip(h.scalars, h.scalars.map { Float(Foundation.exp(Double($0))) }).map { $0 + $1 / 2 }
        let dpre = zip(dh, h.scalars).map { $0 * (1 - $1 * $1) }
        let dx = (0..<12).map { dpre[$0] * w.scalars[$0 % 4] }
        expectClose(numeric[0].scalars, dx, absolute: 1e-5, relative: 1e-5)
        expectClose(grads[ObjectIdentifier(x.node!)]!.scalars, dx, absolute: 1e-5, relative: 1e-5)
    }

    @Test func nonScalarNeedsSeed() {
        let x = testTensor([2, 2]).requiringGradient()
        #expect(throws: TensorError.nonScalarOutput([2, 2])) { try gradient(of: x * 2, withRespectTo: x) }
    }

    @Test func secondUseOfGraphGivesSameGradient() throws {
        let x = testTensor([5]).requiringGradient()
        let y = (x * x).sum()
        let g1 = try gradient(of: y, withRespectTo: x)
        let g2 = try gradient(of: y, withRespectTo: x)
        #expect(g1.scalars == g2.scalars)
        expectClose(g1.scalars, x.scalars.map { 2 * $0 })
    }

    @Test func backwardAccumulatesIntoParameters() throws {
        let p = Parameter(name: "w", value: Tensor([1, 2, 3]))
        let loss = (p.tensor * p.tensor).sum()
        try loss.backward()
        try loss.backward()
        expectClose(p.gradient!.scalars, [4, 8, 12])
        p.zeroGradient()
        #expect(p.gradient == nil)
    }
}
