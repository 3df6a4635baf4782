import Foundation
import LoupeDefaults
import LoupeNN
import Testing

@Suite("Procedural shapes: dSprites-like")
struct DSpritesGeneratorTests {
    @Test func factorGridMatchesDSprites() {
        let generator = ShapesGenerator.dSpritesLike()
        #expect(generator.imageSize == 64)
        #expect(generator.shapes == [.square, .ellipse, .heart])
        #expect(generator.factorSizes == [3, 6, 40, 32, 32] && generator.gridCount == 737_280)
        #expect(generator.scales.first == 0.5 && generator.scales.last == 1)
        #expect(generator.rotations.first == 0 && generator.rotations.allSatisfy { $0 >= 0 && $0 < 2 * .pi })
        #expect(generator.xPositions.first == 0 && generator.xPositions.last == 1 && generator.yPositions == generator.xPositions)
        #expect(ShapesGenerator.factorNames == ["shape", "scale", "rotation", "x", "y"])
    }

    @Test func samplesStayInRangeAndAreDeterministic() {
        let generator = ShapesGenerator.dSpritesLike(scaleCount: 3, rotationCount: 4, positionCount: 8)
        let a = generator.randomSamples(count: 24, seed: 5), b = generator.randomSamples(count: 24, seed: 5)
        #expect(a.images == b.images && a.factorRows == b.factorRows)
        #expect(a.factorRows != generator.randomSamples(count: 24, seed: 6).factorRows)
        for row in a.factorRows {
            #expect(zip(row, generator.factorSizes).allSatisfy { $0 >= 0 && $0 < $1 }, "\(row)")
        }
        // Every factor column takes more than one value in 24 draws, and the images are 64 × 64.
        #expect((0..<5).allSatisfy { f in Set(a.factorRows.map { $0[f] }).count > 1 })
        #expect(a.pixelRows.allSatisfy { $0.count == 64 * 64 })
        // The sprite is inside the frame: the outermost rows and columns are empty.
        for image in a.images {
            let border = (0..<64).flatMap { [image[$0, 0], image[$0, 63], image[0, $0], image[63, $0]] }
            #expect(border.allSatisfy { $0 == 0 } && image.mass > 10)
        }
    }

    @Test func scaleSetsTheAreaAsInDSprites() {
        // A scale-1 square covers (2 · 0.8 · 0.12 · 64)² ≈ 151 pixels; scale 0.5 a quarter of that.
        let generator = ShapesGenerator.dSpritesLike()
        let big = generator.render(ShapeFactors(shape: .square, scale: 1, rotation: 0, x: 0.5, y: 0.5))
        let small = generator.render(ShapeFactors(shape: .square, scale: 0.5, rotation: 0, x: 0.5, y: 0.5))
        #expect(abs(big.mass - 151) < 12, "mass \(big.mass)")
        #expect(abs(small.mass / big.mass - 0.25) < 0.04, "\(small.mass) / \(big.mass)")
    }
}
