import Foundation
import LoupeRender

/// A libFuzzer target for Loupe's PNG decoder (`PNGDecoder.decode`: the signature and header
/// checks, libpng's simplified reader, the chunk walk and the `tEXt` / `iTXt` entries). An image
/// that decodes must encode again (`PNGEncoder.encode`) and decode to the same pixels and text. Any
/// bytes must give an image or a thrown `RenderError`, never a crash, a hang or an allocation the
/// header merely claims (a 16384 × 16384 image in 100 bytes).
///
/// - Fuzzing (`Fuzz/run.sh png 600`): built with `-sanitize=fuzzer,address -DLOUPE_FUZZ`,
///   libFuzzer's own `main` calls ``fuzzOne(_:_:)`` on every input it makes.
/// - Replaying (a plain `swift build`, `loupe-fuzz-png FILE…`): each file goes through the same
///   entry point, so a finding stays reproducible without the fuzzing toolchain.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        let decoded = try PNGDecoder.decode(bytes)
        let canvas = decoded.canvas
        precondition(canvas.width > 0 && canvas.height > 0, "decoded an empty \(canvas.width)×\(canvas.height) image")
        // What was read must write and read back: the pixels always, the text when its keys are valid.
        var text = decoded.text
        let encoded: [UInt8]
        do {
            encoded = try PNGEncoder.encode(canvas, text: text)
        } catch RenderError.invalidArgument {
            text = []
            encoded = try PNGEncoder.encode(canvas)
        }
        let again = try PNGDecoder.decode(encoded)
        precondition(again.canvas == canvas, "a decoded PNG does not round-trip its pixels")
        precondition(again.text == text, "a decoded PNG does not round-trip its text: \(text) became \(again.text)")
    } catch is RenderError {
        // Bad input, reported as such: what the reader must do.
    } catch {
        preconditionFailure("PNGDecoder.decode threw a \(type(of: error)), not a RenderError: \(error)")
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
enum FuzzPNGMain {
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
            FileHandle.standardError.write(Data("usage: loupe-fuzz-png FILE...  (replays inputs through the fuzz target)\n".utf8))
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
