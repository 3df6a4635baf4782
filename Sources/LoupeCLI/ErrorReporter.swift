import ArgumentParser
import Foundation

/// Turns any error of parsing or running a command into one line on standard error and an exit
/// status (see ``CLIError``); help and version requests print their text and exit 0.
enum ErrorReporter {
    static func report(_ error: Error) -> Int32 {
        if let cli = error as? CLIError {
            Console.writeError("loupe: error: " + oneLine(cli.message))
            return cli.exitStatus
        }
        if let exitCode = error as? ExitCode { return exitCode.rawValue }
        let parserStatus = LoupeCommand.exitCode(for: error)
        if parserStatus == .success {
            // --help, help SUBCOMMAND, --version.
            print(LoupeCommand.fullMessage(for: error))
            return 0
        }
        if isParserError(error) {
            let message = oneLine(LoupeCommand.message(for: error))
            Console.writeError("loupe: error: \(message) (see 'loupe help')")
            return 2
        }
        let classified = CLIError.classify(error)
        Console.writeError("loupe: error: " + oneLine(classified.message))
        return classified.exitStatus
    }

    /// Whether ArgumentParser produced `error` (bad options, failed validation).
    static func isParserError(_ error: Error) -> Bool {
        if error is ValidationError { return true }
        let typeName = String(reflecting: type(of: error))
        return typeName.hasPrefix("ArgumentParser.")
    }
}
