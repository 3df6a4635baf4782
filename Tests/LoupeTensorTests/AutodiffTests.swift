import LoupeTensor
import LoupeTestSupport
import Testing

@Suite("Autodiff")
struct AutodiffTests {
    @Test func elementwiseChain() {
        GradientChecker().check([testTensor([3, 4]), testTensor([4], seed: 2)]) { x in
            ((x[0] * x[1]).tanh() + x[0].sigmoid() - x[1]).exp()
        }
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
