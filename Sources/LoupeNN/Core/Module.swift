import LoupeTensor

/// A layer or model: owns named parameters and submodules, and passes its output through the
/// hook registry so that activations can be captured or replaced by name.
///
/// `path` is the module's dotted name inside its model, matching PyTorch's `named_modules()`
/// (e.g. `encoder.layers.0.self_attn`); parameter names are `path + "." + local name`, matching
/// `state_dict()` keys.
public protocol Module: AnyObject {
    /// Dotted name inside the model ("" for the root).
    var path: String { get }
    /// Direct submodules.
    var submodules: [Module] { get }
    /// Parameters owned directly by this module (not by submodules).
    var ownParameters: [Parameter] { get }
}

extension Module {
    public var submodules: [Module] { [] }
    public var ownParameters: [Parameter] { [] }

    /// Every parameter of this module and its submodules, depth first.
    public var parameters: [Parameter] {
        ownParameters + submodules.flatMap(\.parameters)
    }

    /// This module and all modules below it, depth first.
    public var allModules: [Module] { [self] + submodules.flatMap(\.allModules) }

    /// The module with the given dotted path, if any.
    public func module(named name: String) -> Module? {
        allModules.first { $0.path == name }
    }

    /// Names of every module below (and including) this one.
    public var modulePaths: [String] { allModules.map(\.path) }

    /// Parameters keyed by checkpoint name.
    public var namedParameters: [String: Parameter] {
        Dictionary(parameters.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Total number of scalar weights.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Routes a module's output through the active hooks (call at the end of `forward`).
    @inline(__always)
    public func hooked(_ output: Tensor) -> Tensor {
        HookRegistry.intercept(self, output)
    }

    /// Clears every parameter's gradient.
    public func zeroGradients() { parameters.forEach { $0.zeroGradient() } }
}

/// Joins a parent path and a child name with a dot.
public func joinPath(_ parent: String, _ child: String) -> String {
    parent.isEmpty ? child : parent + "." + child
}
