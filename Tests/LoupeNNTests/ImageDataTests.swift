import Foundation
import LoupeNN
import Testing

@Suite("IDX files and gzip")
struct IDXTests {
    let folder: URL
    init() throws { folder = try makeDataFixtureFolder() }

    /// Three 2×3 images with distinct pixels and their labels.
    static let images = IDXArray(uint8: (0..<18).map { UInt8($0 * 15) }, dimensions: [3, 2, 3])
    static let labels = IDXArray(uint8: [7, 0, 9], dimensions: [3])

    func write(_ data: Data, _ name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    @Test(arguments: [false, true])
    func roundTrip(compressed: Bool) throws {
        let suffix = compressed ? ".gz" : ""
        let imagesURL = folder.appendingPathComponent("images-idx3-ubyte" + suffix)
        let labelsURL = folder.appendingPathComponent("labels-idx1-ubyte" + suffix)
        try Self.images.write(to: imagesURL, compressed: compressed)
        try Self.labels.write(to: labelsURL, compressed: compressed)
        #expect(Gzip.isGzip(try Data(contentsOf: imagesURL)) == compressed)
        #expect(try IDXArray.read(from: imagesURL) == Self.images)
        #expect(Self.images.magic == 0x0000_0803 && Self.labels.magic == 0x0000_0801)

        let set = try ImageDataSet.readIDX(images: imagesURL, labels: labelsURL)
        #expect(set.count == 3 && set.width == 3 && set.height == 2)
        #expect(set.labels == [7, 0, 9])
        #expect(set.images[1].pixels == (6..<12).map { Float($0 * 15) / 255 })
        #expect(set.images[0][2, 1] == Float(5 * 15) / 255)
        #expect(set.tensor().shape == [3, 6])
        let first = try ImageDataSet.readIDX(images: imagesURL, labels: labelsURL, limit: 2)
        #expect(first.count == 2 && first.labels == [7, 0])
    }

    @Test func gzipNameDoesNotMatter() throws {
        // A raw file named .gz and a gzip file without the suffix both read.
        let raw = try write(Self.labels.encoded(), "raw.gz")
        let packed = try write(try Gzip.compress(Self.labels.encoded()), "packed-idx1-ubyte")
        #expect(try IDXArray.read(from: raw) == Self.labels)
        #expect(try IDXArray.read(from: packed) == Self.labels)
    }

    @Test func gzipRoundTripAndConcatenatedMembers() throws {
        let a = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let b = Data("second member".utf8)
        #expect(try Gzip.decompress(try Gzip.compress(a)) == a)
        #expect(try Gzip.decompress(try Gzip.compress(a) + (try Gzip.compress(b, level: 9))) == a + b)
        #expect(try Gzip.decompress(try Gzip.compress(Data())) == Data())
    }

    @Test func truncatedAndCorruptGzip() throws {
        let packed = try Gzip.compress(Self.images.encoded())
        let truncated = try write(packed.prefix(packed.count - 10), "cut-idx3-ubyte.gz")
        let error = capturedDataSetError { _ = try IDXArray.read(from: truncated) }
        #expect(error?.kind == .truncated)
        #expect(error?.file == "cut-idx3-ubyte.gz")
        var bytes = [UInt8](packed)
        for i in 12..<bytes.count - 8 { bytes[i] ^= 0x5A }
        let corrupt = try write(Data(bytes), "corrupt.gz")
        #expect(capturedDataSetError { _ = try IDXArray.read(from: corrupt) }?.kind == .corruptCompressedData)
    }

    static let badFiles: [(String, [UInt8], DataSetError.Kind)] = [
        ("short", [0, 0, 8], .truncated),
        ("not-idx", Array("PNG\r\n".utf8), .badMagic),
        ("unknown-type", [0, 0, 0x07, 1, 0, 0, 0, 1, 5], .badMagic),
        ("header-cut", [0, 0, 8, 3, 0, 0, 0, 2, 0, 0], .truncated),
        ("data-cut", [0, 0, 8, 1, 0, 0, 0, 4, 1, 2, 3], .truncated),
        ("extra-bytes", [0, 0, 8, 1, 0, 0, 0, 2, 1, 2, 3], .dimensionMismatch),
    ]

    @Test(arguments: badFiles)
    func validationErrorsNameTheFile(name: String, bytes: [UInt8], kind: DataSetError.Kind) throws {
        let url = try write(Data(bytes), name)
        let error = capturedDataSetError { _ = try IDXArray.read(from: url) }
        #expect(error?.kind == kind)
        #expect(error?.description.hasPrefix(name + ": ") == true, "\(String(describing: error))")
    }

    @Test func imageAndLabelFilesAreChecked() throws {
        let imagesURL = folder.appendingPathComponent("imgs")
        let labelsURL = folder.appendingPathComponent("lbls")
        try Self.images.write(to: imagesURL)
        // Labels given as images: wrong magic for a label file.
        let error = capturedDataSetError { _ = try ImageDataSet.readIDX(images: imagesURL, labels: imagesURL) }
        #expect(error?.kind == .badMagic)
        #expect(error?.message.contains("0x00000801") == true)
        // Labels given as images.
        try Self.labels.write(to: labelsURL)
        #expect(capturedDataSetError { _ = try ImageDataSet.readIDX(images: labelsURL) }?.message.contains("0x00000803") == true)
        // Count mismatch.
        try IDXArray(uint8: [1, 2], dimensions: [2]).write(to: labelsURL)
        let mismatch = capturedDataSetError { _ = try ImageDataSet.readIDX(images: imagesURL, labels: labelsURL) }
        #expect(mismatch?.kind == .dimensionMismatch)
        #expect(mismatch?.description == "lbls: 2 labels for the 3 images in imgs")
    }

    @Test func otherElementTypes() {
        var payload: [UInt8] = []
        for v: Float in [1.5, -2] { payload += withUnsafeBytes(of: v.bitPattern.bigEndian) { Array($0) } }
        #expect(IDXArray(dataType: .float32, dimensions: [2], payload: payload).floatValues() == [1.5, -2])
        #expect(IDXArray(dataType: .int16, dimensions: [2], payload: [0xFF, 0xFE, 0x01, 0x00]).floatValues() == [-2, 256])
    }

    static let mnistImages = URL(fileURLWithPath: "/work/shared/data/mnist/t10k-images-idx3-ubyte.gz")
    static let mnistLabels = URL(fileURLWithPath: "/work/shared/data/mnist/t10k-labels-idx1-ubyte.gz")

    @Test(.enabled(if: FileManager.default.fileExists(atPath: mnistImages.path), "MNIST not present (../shared/data/mnist)"))
    func realMNIST() throws {
        let set = try ImageDataSet.readIDX(images: Self.mnistImages, labels: Self.mnistLabels)
        #expect(set.count == 10_000 && set.width == 28 && set.height == 28)
        #expect(Set(set.labels ?? []) == Set(0...9))
        let mean = set.images.prefix(100).map(\.mass).reduce(0, +) / (100 * 784)
        #expect(mean > 0.08 && mean < 0.2)
        let small = ImageDataSet(width: 28, height: 28, images: Array(set.images.prefix(20))).downsampled(width: 10, height: 10)
        #expect(small.images.allSatisfy { $0.width == 10 && $0.pixels.allSatisfy { (0...1).contains($0) } })
    }
}

@Suite("Grayscale images")
struct GrayImageTests {
    @Test func areaAverageDownsampling() {
        let image = GrayImage(width: 4, height: 4, pixels: [1, 1, 0, 0,
                                                            1, 1, 0, 0,
                                                            0, 0, 0, 1,
                                                            0, 0, 1, 1])
        let small = image.downsampled(width: 2, height: 2)
        #expect(small.pixels == [1, 0, 0, 0.75])
    }

    @Test(arguments: [(28, 10), (28, 8), (16, 5), (3, 7)])
    func downsamplingKeepsTheMean(from size: Int, to target: Int) {
        let pixels = (0..<(size * size)).map { Float(($0 * 37) % 101) / 100 }
        let image = GrayImage(width: size, height: size, pixels: pixels)
        let small = image.downsampled(width: target, height: target)
        let before = image.mass / Float(size * size), after = small.mass / Float(target * target)
        #expect(abs(before - after) < 1e-4)
        #expect(small.pixels.allSatisfy { $0 >= 0 && $0 <= 1.0001 })
    }

    @Test func binarizeAndCentroid() {
        let image = GrayImage(width: 3, height: 1, pixels: [0.2, 0.5, 0.9])
        #expect(image.binarized().pixels == [0, 1, 1])
        #expect(image.binarized(threshold: 0.95).centroid == nil)
        let c = image.binarized().centroid
        #expect(c?.x == 2 && c?.y == 0.5)
    }
}

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
