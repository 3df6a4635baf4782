import Foundation
@testable import LoupeDefaults
import LoupeNN
import LoupeTensor
import Testing

@Suite("Default models: bundled MNIST image VAE")
struct BundledImageVAETests {
    func bundled() throws -> (ImageVAE, ImageVAEBaseCodes) {
        let folder = try #require(DefaultModels.bundledFolder(for: .imageVAE), "the build ships Resources/default-image-vae")
        guard case .imageVAE(let vae) = try ModelFactory.load(from: folder).model else {
            throw CheckpointError(.invalidArgument, file: "default-image-vae", "is not an image-vae")
        }
        let codes = try #require(try DefaultModels.imageVAEBaseCodes(latentDimension: vae.latentDimension))
        return (vae, codes)
    }

    @Test func loadsAsA28By28VAEWithBaseCodes() throws {
        let (vae, codes) = try bundled()
        #expect(vae.config.width == 28 && vae.config.height == 28 && vae.latentDimension == 16)
        #expect(Set(codes.codes.compactMap(\.label)) == Set(0..<10))
        #expect(codes.baseCode.label == 5)
        // The stored code of a digit decodes to a digit-like picture: some ink, mostly background.
        let image = vae.decode(Tensor(shape: [1, 16], scalars: codes.baseCode.mu)).scalars
        let ink = image.reduce(0, +)
        #expect(ink > 40 && ink < 300, "ink \(ink)")
        let size = try FileManager.default.contentsOfDirectory(atPath: DefaultModels.bundledFolder(for: .imageVAE)!.path)
            .reduce(0) { total, name in
                let path = DefaultModels.bundledFolder(for: .imageVAE)!.appendingPathComponent(name).path
                return total + ((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
            }
        #expect(size < 4_000_000)
    }

    @Test func traversalOfTheStoredCodeChangesAlongARow() throws {
        let (vae, codes) = try bundled()
        // The dimension with the largest mean KL over the stored codes.
        let kl = (0..<16).map { d in
            codes.codes.reduce(0.0) { total, code in
                let (m, lv) = (Double(code.mu[d]), Double(code.logVariance[d]))
                return total + 0.5 * (m * m + Foundation.exp(lv) - 1 - lv)
            }
        }
        let top = kl.indices.max { kl[$0] < kl[$1] }!
        let grid = vae.traversal(base: codes.baseCode.mu, values: [-3, -1.5, 0, 1.5, 3])
        let row = (0..<5).map { c in Array(grid.scalars[((top * 5 + c) * 784)..<((top * 5 + c + 1) * 784)]) }
        for c in 1..<5 {
            let change = zip(row[c], row[c - 1]).reduce(Float(0)) { $0 + abs($1.0 - $1.1) } / 784
            #expect(change > 0.01, "column \(c) of z\(top): mean pixel change \(change)")
        }
        let ends = zip(row[0], row[4]).reduce(Float(0)) { $0 + abs($1.0 - $1.1) } / 784
        #expect(ends > 0.05, "z\(top) from −3 to +3 changes the image by \(ends) per pixel")
    }

    @Test func badBaseCodesThrowOneLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-codes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = ImageVAEBaseCodes(source: "test", base: 1, codes: [
            .init(index: 0, label: 1, mu: [0, 1], logVariance: [-1, -2]),
            .init(index: 7, label: nil, mu: [0.5, -1], logVariance: [0, 0]),
        ])
        try good.write(to: folder)
        #expect(try ImageVAEBaseCodes.read(from: folder, latentDimension: 2) == good)
        #expect(throws: CheckpointError.self) { try ImageVAEBaseCodes.read(from: folder, latentDimension: 3) }
        var wrongBase = good
        wrongBase.base = 2
        try wrongBase.write(to: folder)
        do {
            _ = try ImageVAEBaseCodes.read(from: folder, latentDimension: 2)
            Issue.record("a base outside the codes was accepted")
        } catch {
            #expect("\(error)".contains(ImageVAEBaseCodes.fileName) && !"\(error)".contains("\n"))
        }
        try Data("{not json".utf8).write(to: folder.appendingPathComponent(ImageVAEBaseCodes.fileName))
        #expect(throws: CheckpointError.self) { try ImageVAEBaseCodes.read(from: folder, latentDimension: 2) }
    }
}
