import Foundation
import LoupeTensor

/// Same-sized grayscale images with optional integer labels (MNIST digits, generated shapes).
public struct ImageDataSet: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public var images: [GrayImage]
    /// One label per image, when the set has labels.
    public var labels: [Int]?

    /// A data set; every image must be `width × height`, and `labels` (when given) one per image.
    public init(width: Int, height: Int, images: [GrayImage], labels: [Int]? = nil) {
        precondition(images.allSatisfy { $0.width == width && $0.height == height }, "images must all be \(width)×\(height)")
        precondition(labels == nil || labels!.count == images.count, "\(labels!.count) labels for \(images.count) images")
        self.width = width
        self.height = height
        self.images = images
        self.labels = labels
    }

    /// Number of images.
    public var count: Int { images.count }

    /// Reads MNIST-style IDX files (raw or gzip): images `0x00000803` (count × rows × columns, unsigned
    /// bytes, scaled to [0, 1] by 1/255) and optionally labels `0x00000801` with the same count.
    /// - Parameter limit: read at most this many images (the first ones).
    public static func readIDX(images imagesURL: URL, labels labelsURL: URL? = nil, limit: Int? = nil) throws -> ImageDataSet {
        let imageFile = imagesURL.lastPathComponent
        let array = try IDXArray.read(from: imagesURL)
        guard array.dataType == .uint8, array.dimensions.count == 3 else {
            throw DataSetError(.badMagic, file: imageFile, "bad magic \(hex(array.magic)), expected 0x00000803 (unsigned bytes, 3 dimensions)")
        }
        let (total, rows, columns) = (array.dimensions[0], array.dimensions[1], array.dimensions[2])
        let n = Swift.min(total, limit ?? total)
        let size = rows * columns
        let bytes = array.payload
        var images: [GrayImage] = []
        images.reserveCapacity(n)
        for i in 0..<n {
            images.append(GrayImage(width: columns, height: rows,
                                    pixels: bytes[(i * size)..<((i + 1) * size)].map { Float($0) / 255 }))
        }
        var labels: [Int]?
        if let labelsURL {
            let labelFile = labelsURL.lastPathComponent
            let labelArray = try IDXArray.read(from: labelsURL)
            guard labelArray.dataType == .uint8, labelArray.dimensions.count == 1 else {
                throw DataSetError(.badMagic, file: labelFile, "bad magic \(hex(labelArray.magic)), expected 0x00000801 (unsigned bytes, 1 dimension)")
            }
            guard labelArray.dimensions[0] == total else {
                throw DataSetError(.dimensionMismatch, file: labelFile,
                                   "\(labelArray.dimensions[0]) labels for the \(total) images in \(imageFile)")
            }
            labels = labelArray.payload.prefix(n).map(Int.init)
        }
        return ImageDataSet(width: columns, height: rows, images: images, labels: labels)
    }

    /// Every image area-averaged to `newWidth × newHeight` (e.g. MNIST 28×28 → 10×10).
    public func downsampled(width newWidth: Int, height newHeight: Int) -> ImageDataSet {
        ImageDataSet(width: newWidth, height: newHeight,
                     images: images.map { $0.downsampled(width: newWidth, height: newHeight) }, labels: labels)
    }

    /// Every image thresholded to 0 / 1.
    public func binarized(threshold: Float = 0.5) -> ImageDataSet {
        ImageDataSet(width: width, height: height, images: images.map { $0.binarized(threshold: threshold) }, labels: labels)
    }

    /// The images at `indices` (all when nil) as a `[n, height × width]` tensor, one flattened image a row.
    public func tensor(indices: [Int]? = nil) -> Tensor {
        let chosen = indices ?? Array(0..<count)
        var scalars: [Float] = []
        scalars.reserveCapacity(chosen.count * width * height)
        for i in chosen { scalars += images[i].pixels }
        return Tensor(shape: [chosen.count, width * height], scalars: scalars)
    }

    /// Index batches of `size` in a seeded order (or in order without a seed); the last may be smaller.
    public func batchIndices(size: Int, shuffleSeed: UInt64? = nil) -> [[Int]] {
        precondition(size > 0, "batch size must be positive")
        let order = shuffleSeed.map { seededPermutation(count: count, seed: $0) } ?? Array(0..<count)
        return stride(from: 0, to: order.count, by: size).map { Array(order[$0..<Swift.min($0 + size, order.count)]) }
    }
}
