import Foundation
import LoupeNN
import LoupePretrained

/// A libFuzzer target for the `config.json` readers, fed the same bytes each: Hugging Face
/// encoders (`EncoderConfig.parse`), Hugging Face decoders
/// (`DecoderConfiguration(huggingFaceConfig:)`), and Loupe's own checkpoint config
/// (`CheckpointConfig.parse`, then each of the four architectures' `ArchitectureConfig`). A config
/// that reads must write and read back to an equal value. Any bytes must give a config or a thrown
/// `PretrainedError` / `CheckpointError`, never a crash (an overflow trap included), a hang or a
/// huge allocation.
///
/// - Fuzzing (`Fuzz/run.sh config 600`): built with `-sanitize=fuzzer,address -DLOUPE_FUZZ`,
///   libFuzzer's own `main` calls ``fuzzOne(_:_:)`` on every input it makes.
/// - Replaying (a plain `swift build`, `loupe-fuzz-config FILE…`): each file goes through the same
///   entry point, so a finding stays reproducible without the fuzzing toolchain.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Data(bytes: $0, count: size) } ?? Data()
    expectOnly(PretrainedError.self, "EncoderConfig.parse") {
        let config = try EncoderConfig.parse(bytes, fileName: "fuzz/config.json")
        _ = (config.headDimension, config.maximumSequenceLength, config.positionOffset)
    }
    expectOnly(PretrainedError.self, "DecoderConfiguration(huggingFaceConfig:)") {
        _ = try DecoderConfiguration(huggingFaceConfig: bytes, file: "fuzz/config.json")
    }
    expectOnly(CheckpointError.self, "CheckpointConfig.parse") {
        let config = try CheckpointConfig.parse(bytes, fileName: "fuzz/config.json")
        let again = try CheckpointConfig.parse(try config.serialized())
        precondition(again == config, "a checkpoint config does not round-trip: \(config) became \(again)")
        try roundTrips(BagOfEmbeddingsConfig.self, config)
        try roundTrips(TransformerClassifierConfig.self, config)
        try roundTrips(TextVAEConfig.self, config)
        try roundTrips(ImageVAEConfig.self, config)
    }
    return 0
}

/// Runs `body`, accepting a value or an error of type `E` only.
func expectOnly<E: Error>(_: E.Type, _ what: String, _ body: () throws -> Void) {
    do { try body() } catch is E {
        // Bad input, reported as such: what the reader must do.
    } catch {
        preconditionFailure("\(what) threw a \(type(of: error)), not a \(E.self): \(error)")
    }
}

/// Reads `config` as `T` (when its architecture is `T`'s) and checks that writing and reading
/// it again gives the same value.
func roundTrips<T: ArchitectureConfig>(_: T.Type, _ config: CheckpointConfig) throws {
    guard config.architecture == T.architecture else {
        precondition((try? T(config)) == nil, "\(T.self) read a config of architecture '\(config.architecture)'")
        return
    }
    let value = try T(config)
    let written = try value.checkpointConfig()
    let again = try T(try CheckpointConfig.parse(try written.serialized()))
    precondition(again == value, "\(T.self) does not round-trip: \(value) became \(again)")
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
enum FuzzConfigMain {
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
            FileHandle.standardError.write(Data("usage: loupe-fuzz-config FILE...  (replays inputs through the fuzz target)\n".utf8))
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
