import Foundation
import LoupeDefaults
import LoupeNN
import LoupeTensor
import Testing

@Suite("Procedural shapes")
struct ShapesTests {
    let generator = ShapesGenerator(imageSize: 16, scaleCount: 3, rotationCount: 8, positionCount: 5)

    @Test func samplesAreDeterministic() {
        let a = generator.randomSamples(count: 12, seed: 42)
        let b = generator.randomSamples(count: 12, seed: 42)
        let c = generator.randomSamples(count: 12, seed: 43)
        #expect(a.images == b.images && a.factorIndices == b.factorIndices)
        #expect(a.factorIndices != c.factorIndices)
        for (f, i) in zip(a.factors, a.factorIndices) { #expect(f == generator.factors(at: i)) }
        #expect(a.images.allSatisfy { $0.width == 16 && $0.mass > 0 })
    }

    @Test func fullGridEnumeratesEveryCombination() {
        let small = ShapesGenerator(imageSize: 8, scaleCount: 2, rotationCount: 2, positionCount: 2)
        let grid = small.fullGrid()
        #expect(small.gridCount == 4 * 2 * 2 * 2 * 2 && grid.count == small.gridCount)
        #expect(Set(grid.factorIndices).count == grid.count)
        #expect(grid.factorIndices[1] == ShapeFactorIndices(shape: 0, scale: 0, rotation: 0, x: 0, y: 1))
        #expect(grid.imageDataSet.labels?.last == 3)
    }

    @Test(arguments: ShapeKind.allCases)
    func xAndYShiftMoveTheCentroid(shape: ShapeKind) throws {
        let left = generator.render(ShapeFactors(shape: shape, scale: 1, rotation: 0, x: 0, y: 0.5))
        let right = generator.render(ShapeFactors(shape: shape, scale: 1, rotation: 0, x: 1, y: 0.5))
        let top = generator.render(ShapeFactors(shape: shape, scale: 1, rotation: 0, x: 0.5, y: 0))
        let bottom = generator.render(ShapeFactors(shape: shape, scale: 1, rotation: 0, x: 0.5, y: 1))
        let (l, r) = (try #require(left.centroid), try #require(right.centroid))
        let (t, b) = (try #require(top.centroid), try #require(bottom.centroid))
        #expect(r.x - l.x > 4, "\(left.asciiArt())\n\n\(right.asciiArt())")
        #expect(abs(r.y - l.y) < 0.5)
        #expect(b.y - t.y > 4)
        // The sprite stays inside the image: nothing is lost at the edges.
        #expect(abs(left.mass - right.mass) < 1.5 && abs(top.mass - bottom.mass) < 1.5)
    }

    @Test func scaleRotationAndShapeChangeTheImage() {
        let big = ShapesGenerator(imageSize: 32)
        func render(_ shape: ShapeKind, scale: Float = 1, rotation: Float = 0) -> GrayImage {
            big.render(ShapeFactors(shape: shape, scale: scale, rotation: rotation, x: 0.5, y: 0.5))
        }
        for shape in ShapeKind.allCases {
            #expect(render(shape).mass > 3 * render(shape, scale: 0.5).mass * 0.9, "\(shape)")
        }
        // An ellipse lying down is wider than tall; rotated a quarter turn it is taller than wide.
        func extent(_ image: GrayImage) -> (w: Int, h: Int) {
            let xs = (0..<image.width).filter { x in (0..<image.height).contains { image[x, $0] > 0.5 } }
            let ys = (0..<image.height).filter { y in (0..<image.width).contains { image[$0, y] > 0.5 } }
            return (xs.count, ys.count)
        }
        let flat = extent(render(.ellipse)), upright = extent(render(.ellipse, rotation: .pi / 2))
        #expect(flat.w > flat.h && upright.h > upright.w)
        // A triangle pointing up has 5/9 of its area below its centre, pointing down 4/9.
        func massBelowCentre(_ image: GrayImage) -> Float {
            (16..<32).reduce(0) { sum, y in sum + (0..<32).reduce(0) { $0 + image[$1, y] } } / image.mass
        }
        #expect(abs(massBelowCentre(render(.triangle)) - 5 / 9) < 0.05)
        #expect(abs(massBelowCentre(render(.triangle, rotation: .pi)) - 4 / 9) < 0.05)
        let shapes = ShapeKind.allCases.map { render($0) }
        #expect(Set(shapes.map(\.pixels)).count == shapes.count)
    }

    @Test func binaryImagesHoldZerosAndOnes() {
        let binary = ShapesGenerator(imageSize: 16, binary: true).randomSamples(count: 5, seed: 1)
        #expect(binary.images.allSatisfy { $0.pixels.allSatisfy { $0 == 0 || $0 == 1 } })
        let gray = ShapesGenerator(imageSize: 16).randomSamples(count: 5, seed: 1)
        #expect(gray.images.contains { $0.pixels.contains { $0 > 0 && $0 < 1 } })
    }
}
