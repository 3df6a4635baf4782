import Foundation
import Loupe

/// A libFuzzer target for the `loupe.*.v1` JSON decoders, fed the same bytes each:
/// `loupe.attribution.v1` (``AttributionDocument``, also as JSON Lines), `loupe.generation.v1`,
/// `loupe.lens.v1`, `loupe.patching.v1`, `loupe.traversal.v1`, `loupe.interpolation.v1`,
/// `loupe.kl.v1`, `loupe.latent.v1` and `loupe.samples.v1`. A document that decodes must encode
/// again (compact and pretty) and decode to an equal document. Any bytes must give a document or a
/// thrown `DecodingError` / `AttributionError`, never a crash, a hang or a huge allocation.
///
/// - Fuzzing (`Fuzz/run.sh json 600`): built with `-sanitize=fuzzer,address -DLOUPE_FUZZ`,
///   libFuzzer's own `main` calls ``fuzzOne(_:_:)`` on every input it makes.
/// - Replaying (a plain `swift build`, `loupe-fuzz-json FILE…`): each file goes through the same
///   entry point, so a finding stays reproducible without the fuzzing toolchain.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Data(bytes: $0, count: size) } ?? Data()
    roundTrips(AttributionDocument.self, bytes)
    roundTrips(GenerationDocument.self, bytes)
    roundTrips(LensDocument.self, bytes)
    roundTrips(PatchingDocument.self, bytes)
    roundTrips(TraversalDocument.self, bytes)
    roundTrips(InterpolationResult.self, bytes)
    roundTrips(KLDocument.self, bytes)
    roundTrips(LatentDocument.self, bytes)
    roundTrips(SamplesDocument.self, bytes)
    if let text = String(data: bytes, encoding: .utf8) {
        do {
            let documents = try AttributionDocument.decodeLines(text)
            let lines = try documents.map { try $0.jsonLine() }.joined(separator: "\n")
            let again = try AttributionDocument.decodeLines(lines)
            precondition(again == documents, "attribution JSON Lines do not round-trip")
        } catch is AttributionError {
        } catch {
            preconditionFailure("AttributionDocument.decodeLines threw a \(type(of: error)), not an AttributionError: \(error)")
        }
    }
    return 0
}

/// Decodes `bytes` as `T`; a document must encode and decode back to itself.
func roundTrips<T: SchemaDocument & Equatable>(_: T.Type, _ bytes: Data) {
    let document: T
    do {
        document = try T.decode(bytes)
    } catch is DecodingError {
        return  // bad input, reported as such: what the decoder must do
    } catch is AttributionError {
        return  // another schema's document
    } catch {
        preconditionFailure("\(T.self).decode threw a \(type(of: error)), not a DecodingError: \(error)")
    }
    for pretty in [false, true] {
        do {
            let again = try T.decode(pretty ? try document.prettyJSON() : try document.compactJSON())
            precondition(again == document, "a \(T.schemaName) document does not round-trip (pretty: \(pretty))")
        } catch {
            preconditionFailure("a decoded \(T.schemaName) document does not encode and decode again: \(error)")
        }
    }
}

#if LOUPE_FUZZ
/// libFuzzer's driver (SwiftPM names the executable's entry point itself, so `main` is ours and
/// hands over to libFuzzer).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32
#endif

@main
enum FuzzJSONMain {
    static func main() {
        #if LOUPE_FUZZ
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, { fuzzOne($0, $1) }))
        #else
        replay(CommandLine.arguments.dropFirst())
        #endif
    }

    /// Runs each file through the fuzz target.
    static func replay(_ paths: ArraySlice<String>) {
        guard !paths.isEmpty else {
            FileHandle.standardError.write(Data("usage: loupe-fuzz-json FILE...  (replays inputs through the fuzz target)\n".utf8))
            exit(2)
        }
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("\(path): cannot be read\n".utf8))
                exit(2)
            }
            _ = data.withUnsafeBytes { fuzzOne($0.bindMemory(to: UInt8.self).baseAddress, data.count) }
            print("\(path): ok (\(data.count) bytes)")
        }
    }
}
