import LoupeTensor

/// What a hook does with a module's output.
public enum HookAction {
    /// Records the output (as a tape node, so gradients with respect to it can be taken).
    case capture(ActivationCapture)
    /// Replaces the output with the closure's result (e.g. interpolated embeddings for IG).
    case replace((Tensor) -> Tensor)
}

/// A hook bound to one module.
public struct Hook {
    public let module: Module
    public let action: HookAction

    /// Captures `module`'s output into `capture`.
    public static func capture(_ module: Module, into capture: ActivationCapture) -> Hook {
        Hook(module: module, action: .capture(capture))
    }

    /// Replaces `module`'s output with `transform(output)`.
    public static func replace(_ module: Module, with transform: @escaping (Tensor) -> Tensor) -> Hook {
        Hook(module: module, action: .replace(transform))
    }
}

/// Holds the activations a capture hook saw, in call order (a module called twice is captured
/// twice). Each captured tensor is on the tape: `gradient(of: y, withRespectTo: capture.last!)`
/// gives the gradient flowing into that activation.
public final class ActivationCapture {
    public private(set) var activations: [Tensor] = []
    public init() {}
    /// The most recent activation.
    public var last: Tensor? { activations.last }
    func append(_ t: Tensor) { activations.append(t) }
}

/// The hooks active on the current thread/task. Hooks are installed only for the duration of
/// ``withHooks(_:_:)`` and are removed when it returns or throws.
public enum HookRegistry {
    @TaskLocal static var active: [ObjectIdentifier: [HookAction]] = [:]

    /// True when any hook is installed in this scope.
    public static var isActive: Bool { !active.isEmpty }

    /// True when a hook is installed on `module` in this scope.
    public static func isHooked(_ module: Module) -> Bool {
        active[ObjectIdentifier(module)] != nil
    }

    static func intercept(_ module: Module, _ output: Tensor) -> Tensor {
        let table = active
        guard !table.isEmpty, let actions = table[ObjectIdentifier(module)] else { return output }
        var value = output
        for action in actions {
            switch action {
            case .replace(let transform):
                value = transform(value)
            case .capture(let box):
                value = value.markedForGradient()
                box.append(value)
            }
        }
        return value
    }
}

/// Runs `body` with `hooks` installed; they are removed when `body` returns or throws.
/// Hooks nest: an inner scope adds to the outer one's hooks.
public func withHooks<R>(_ hooks: [Hook], _ body: () throws -> R) rethrows -> R {
    var table = HookRegistry.active
    for hook in hooks { table[ObjectIdentifier(hook.module), default: []].append(hook.action) }
    return try HookRegistry.$active.withValue(table) { try body() }
}
