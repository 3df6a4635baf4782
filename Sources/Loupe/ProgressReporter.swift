import Foundation
import LoupeNN

/// Training feedback on a terminal: a live progress bar (epoch, step/total, loss, rate, ETA),
/// plain log lines when the output is not a terminal (CI logs, files), or nothing when quiet.
///
/// Hand one to a trainer as its ``TrainingObserver`` (`options.observer = ProgressReporter()`);
/// it can also be driven directly with ``beginEpoch(_:of:)``, ``step(epoch:epochs:step:steps:loss:examplesDone:unit:)``,
/// ``endEpoch(_:)`` and ``message(_:)``.
public final class ProgressReporter: @unchecked Sendable {
    /// How progress is shown.
    public enum Style: Sendable {
        /// The bar on a terminal, lines otherwise.
        case automatic
        /// A live bar redrawn in place.
        case bar
        /// About ten lines per epoch plus the epoch summaries.
        case lines
        /// Nothing.
        case quiet
    }

    private let style: Style
    private let handle: FileHandle
    private let isTerminal: Bool
    /// Guards the drawing state below (``TrainingObserver`` is `Sendable`).
    private let lock = NSLock()
    private var lastDraw: UInt64 = 0
    private var epochStart: UInt64 = 0
    private var lastLineStep = -1

    /// - Parameters:
    ///   - style: `.automatic` chooses the bar on a terminal and lines otherwise.
    ///   - fileDescriptor: where to write (standard error by default, so stdout stays clean).
    public init(style: Style = .automatic, fileDescriptor: Int32 = STDERR_FILENO) {
        self.style = style
        self.handle = FileHandle(fileDescriptor: fileDescriptor, closeOnDealloc: false)
        self.isTerminal = isatty(fileDescriptor) != 0
    }

    private var effective: Style {
        if style == .automatic { return isTerminal ? .bar : .lines }
        return style
    }

    private func write(_ s: String) { handle.write(Data(s.utf8)) }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Marks the start of an epoch.
    public func beginEpoch(_ epoch: Int, of epochs: Int) {
        lock.withLock {
            epochStart = Self.now()
            lastDraw = 0
            lastLineStep = -1
        }
    }

    /// Reports progress inside an epoch; cheap to call every step (redraws at most 10 times a second).
    public func step(epoch: Int, epochs: Int, step: Int, steps: Int, loss: Double, examplesDone: Int, unit: String = "ex") {
        lock.withLock {
            let now = Self.now()
            let elapsed = Double(now - epochStart) / 1e9
            let rate = elapsed > 0 ? Double(examplesDone) / elapsed : 0
            let remaining = step > 0 ? elapsed / Double(step) * Double(steps - step) : 0
            switch effective {
            case .quiet, .automatic:
                return
            case .bar:
                guard now - lastDraw > 100_000_000 || step == steps else { return }
                lastDraw = now
                let width = 24
                let filled = steps > 0 ? Int(Double(width) * Double(step) / Double(steps)) : width
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                write(String(format: "\r\u{1B}[2Kepoch %d/%d %@ %d/%d  loss %.4f  %.0f %@/s  ETA %@",
                             epoch, epochs, bar, step, steps, loss, rate, unit, Self.clock(remaining)))
            case .lines:
                // About ten lines per epoch.
                let every = Swift.max(1, steps / 10)
                guard step == steps || step / every != lastLineStep / every else { return }
                lastLineStep = step
                write(String(format: "epoch %d/%d step %d/%d loss %.4f %.0f %@/s ETA %@\n",
                             epoch, epochs, step, steps, loss, rate, unit, Self.clock(remaining)))
            }
        }
    }

    /// Ends an epoch with a summary line (always printed unless quiet).
    public func endEpoch(_ summary: String) {
        switch effective {
        case .quiet: return
        case .bar: write("\r\u{1B}[2K" + summary + "\n")
        default: write(summary + "\n")
        }
    }

    /// A free-form message line.
    public func message(_ text: String) {
        if effective != .quiet { write(text + "\n") }
    }

    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
