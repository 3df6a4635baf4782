import Foundation
import LoupeNN

/// A libFuzzer target for the safetensors reader (`SafeTensorsFile.parse`): any bytes must give a
/// file or a thrown `CheckpointError`, never a crash, a hang or a huge allocation.
///
/// - Fuzzing (`Fuzz/run.sh safetensors 600`): built with `-sanitize=fuzzer,address -DLOUPE_FUZZ`,
///   libFuzzer's own `main` calls ``fuzzOne(_:_:)`` on every input it makes.
/// - Replaying (a plain `swift build`, `loupe-fuzz-safetensors FILE…`): each file (a seed of
///   `Fuzz/corpus/safetensors`, or a crash libFuzzer saved) goes through the same entry point, so a
///   finding stays reproducible without the fuzzing toolchain.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Data(bytes: $0, count: size) } ?? Data()
    do {
        let file = try SafeTensorsFile.parse(bytes, fileName: "fuzz.safetensors")
        // What was read must serialize and read back to the same tensors.
        let again = try SafeTensorsFile.parse(try file.serialized(), fileName: "again.safetensors")
        precondition(Set(again.tensors.keys) == Set(file.tensors.keys), "a parsed file does not round-trip")
    } catch is CheckpointError {
        // Bad input, reported as such: what the reader must do.
    } catch {
        preconditionFailure("SafeTensorsFile.parse threw a \(type(of: error)), not a CheckpointError: \(error)")
    }
    return 0
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
enum FuzzSafeTensorsMain {
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
            FileHandle.standardError.write(Data("usage: loupe-fuzz-safetensors FILE...  (replays inputs through the fuzz target)\n".utf8))
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
