import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Interrupts (SIGINT, Ctrl-C) and termination requests (SIGTERM) for long runs that must not
/// leave half-written files behind.
///
/// Once ``install()`` has run, a signal no longer kills the process on the spot. What happens
/// depends on what the process is doing:
///
/// - Inside ``deferringExit(_:)`` (every ``AtomicFile`` write and checkpoint commit runs in one),
///   the exit waits until the section ends, so a file is either complete or untouched.
/// - While a loop has declared itself ``Mode/cooperative`` (a stream of input lines, a training
///   run), the signal is only recorded: the loop polls ``stopRequested`` between units of work,
///   finishes or drops the current one, flushes and exits with ``exitStatus``. A second signal
///   exits at once (still waiting for a running ``deferringExit(_:)`` section).
/// - Otherwise the process exits at once with status 128 + signal (130 for SIGINT, 143 for
///   SIGTERM), removing the temporary files registered with ``registerTemporary(_:)``.
public enum ProcessSignals {
    /// How the process reacts to the first signal.
    public enum Mode: Sendable {
        /// Exit at once (after any running ``ProcessSignals/deferringExit(_:)`` section).
        case immediate
        /// Record it; the running loop polls ``ProcessSignals/stopRequested`` and stops itself.
        case cooperative
    }

    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var installed = false
        var mode = Mode.immediate
        var received: Int32?
        var count = 0
        var deferDepth = 0
        var exitPending = false
        var temporaries: [Int: String] = [:]
        var nextToken = 0
        var sources: [DispatchSourceSignal] = []
    }

    private static let state = State()

    /// Replaces the default action of SIGINT and SIGTERM by the handling described above. Safe to
    /// call more than once.
    public static func install() {
        state.lock.lock()
        defer { state.lock.unlock() }
        guard !state.installed else { return }
        state.installed = true
        let queue = DispatchQueue(label: "loupe.signals")
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { received(number) }
            source.resume()
            state.sources.append(source)
        }
    }

    /// The signal received so far (the first one), or nil.
    public static var receivedSignal: Int32? {
        state.lock.lock()
        defer { state.lock.unlock() }
        return state.received
    }

    /// True once a signal has arrived: a cooperative loop should stop after its current unit.
    public static var stopRequested: Bool { receivedSignal != nil }

    /// The exit status for the signal received: 128 + its number (130 SIGINT, 143 SIGTERM), or nil.
    public static var exitStatus: Int32? { receivedSignal.map { 128 + $0 } }

    /// A name for the signal received (`SIGINT`, `SIGTERM`), for messages.
    public static func name(of signal: Int32) -> String {
        switch signal {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        default: return "signal \(signal)"
        }
    }

    /// Runs `body` with the first signal recorded rather than acted on (see ``Mode/cooperative``);
    /// the previous mode is restored afterwards.
    public static func cooperating<T>(_ body: () throws -> T) rethrows -> T {
        state.lock.lock()
        let previous = state.mode
        state.mode = .cooperative
        state.lock.unlock()
        defer {
            state.lock.lock()
            state.mode = previous
            state.lock.unlock()
        }
        return try body()
    }

    /// Runs `body` to its end even when a signal arrives meanwhile (writing and renaming a file);
    /// a signal that asked for an exit during it exits when it returns.
    public static func deferringExit<T>(_ body: () throws -> T) rethrows -> T {
        state.lock.lock()
        state.deferDepth += 1
        state.lock.unlock()
        defer {
            state.lock.lock()
            state.deferDepth -= 1
            let exitNow = state.deferDepth == 0 && state.exitPending
            state.lock.unlock()
            if exitNow { terminate() }
        }
        return try body()
    }

    /// Registers a temporary file to delete should the process exit on a signal; returns a token
    /// for ``unregisterTemporary(_:)``.
    public static func registerTemporary(_ path: String) -> Int {
        state.lock.lock()
        defer { state.lock.unlock() }
        state.nextToken += 1
        state.temporaries[state.nextToken] = path
        return state.nextToken
    }

    /// Forgets a temporary file registered with ``registerTemporary(_:)`` (it was renamed or removed).
    public static func unregisterTemporary(_ token: Int) {
        state.lock.lock()
        state.temporaries[token] = nil
        state.lock.unlock()
    }

    /// Simulates the arrival of `signal` (tests, and commands that stop themselves).
    public static func simulate(_ signal: Int32) { received(signal) }

    /// Forgets a received signal (tests).
    public static func reset() {
        state.lock.lock()
        state.received = nil
        state.count = 0
        state.exitPending = false
        state.lock.unlock()
    }

    private static func received(_ number: Int32) {
        state.lock.lock()
        if state.received == nil { state.received = number }
        state.count += 1
        let exits = state.mode == .immediate || state.count > 1
        if exits { state.exitPending = true }
        let exitNow = exits && state.deferDepth == 0
        state.lock.unlock()
        if exitNow { terminate() }
    }

    /// Removes the registered temporary files and exits with 128 + the signal.
    private static func terminate() -> Never {
        state.lock.lock()
        let paths = Array(state.temporaries.values)
        let status = 128 + (state.received ?? SIGTERM)
        state.lock.unlock()
        // Temporary files and folders (a checkpoint being built); the dispatch queue, not a signal handler, runs this.
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
        fflush(stdout)
        let message = "loupe: interrupted (\(name(of: status - 128)))\n"
        _ = message.withCString { fputs($0, stderr) }
        fflush(stderr)
        _exit(status)
    }
}
