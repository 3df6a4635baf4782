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

