/// Variables of one scope. Jinja2 gives each loop iteration and each macro call a scope of its own,
/// so `{% set %}` inside them is not seen outside; `if` blocks share their enclosing scope.
final class TemplateScope {
    var variables: [String: TemplateValue] = [:]
    let parent: TemplateScope?

    init(parent: TemplateScope?) { self.parent = parent }

    func lookup(_ name: String) -> TemplateValue? {
        var scope: TemplateScope? = self
        while let current = scope {
            if let value = current.variables[name] { return value }
            scope = current.parent
        }
        return nil
    }
}

/// Renders a parsed template: a tree walk over ``TemplateNode`` with Jinja2's scoping.
final class TemplateInterpreter {
    enum Flow { case normal, breakLoop, continueLoop }

    let root: TemplateScope
    var output = ""
    var macroDepth = 0
    static let maximumMacroDepth = 64
    /// Longest string or list one operation may build (guards `'x' * n`).
    static let maximumLength = 50_000_000

    init(globals: [String: TemplateValue]) {
        let base = TemplateScope(parent: nil)
        base.variables = globals
        root = TemplateScope(parent: base)
    }

    func render(_ nodes: [TemplateNode]) throws -> String {
        output = ""
        _ = try execute(nodes, in: root)
        return output
    }

    func failure(_ error: TemplateRuntimeFailure, at location: TemplateLocation) -> ChatTemplateError {
        ChatTemplateError(kind: error.kind, message: error.message, line: location.line, column: location.column)
    }

    func execute(_ nodes: [TemplateNode], in scope: TemplateScope) throws -> Flow {
        for node in nodes {
            switch node {
            case let .text(text):
                output += text
            case let .output(expression):
                output += try evaluate(expression, in: scope).renderedString
            case let .conditional(branches, otherwise):
                var taken = false
                for (test, body) in branches where try evaluate(test, in: scope).isTruthy {
                    taken = true
                    let flow = try execute(body, in: scope)
                    if flow != .normal { return flow }
                    break
                }
                if !taken {
                    let flow = try execute(otherwise, in: scope)
                    if flow != .normal { return flow }
                }
            case let .loop(loop):
                try run(loop, in: scope)
            case let .set(target, expression, location):
                let value = try evaluate(expression, in: scope)
                do { try assign(value, to: target, in: scope) } catch let error as TemplateRuntimeFailure {
                    throw failure(error, at: location)
                }
            case let .setBlock(target, body, filters, location):
                var value = TemplateValue.string(try capture(body, in: scope))
                do {
                    for (name, arguments, at) in filters {
                        value = try applyFilter(name, to: value, arguments, at: at, in: scope)
                    }
                    try assign(value, to: target, in: scope)
                } catch let error as TemplateRuntimeFailure {
                    throw failure(error, at: location)
                }
            case let .macro(macro):
                scope.variables[macro.name] = .function(makeMacro(macro))
            case let .filterBlock(filters, body):
                if filters.isEmpty {
                    let flow = try execute(body, in: scope)
                    if flow != .normal { return flow }
                } else {
                    var value = TemplateValue.string(try capture(body, in: scope))
                    for (name, arguments, at) in filters {
                        value = try applyFilter(name, to: value, arguments, at: at, in: scope)
                    }
                    output += value.renderedString
                }
            case .breakLoop:
                return .breakLoop
            case .continueLoop:
                return .continueLoop
            }
        }
        return .normal
    }

    /// The text `nodes` print, without adding it to the output.
    func capture(_ nodes: [TemplateNode], in scope: TemplateScope) throws -> String {
        let saved = output
        output = ""
        defer { output = saved }
        _ = try execute(nodes, in: scope)
        return output
    }

    func assign(_ value: TemplateValue, to target: TemplateTarget, in scope: TemplateScope) throws {
        switch target {
        case let .name(name):
            scope.variables[name] = value
        case let .tuple(names):
            let items = try value.iterated()
            guard items.count == names.count else {
                throw TemplateRuntimeFailure.type(items.count < names.count
                    ? "not enough values to unpack (expected \(names.count), got \(items.count))"
                    : "too many values to unpack (expected \(names.count))")
            }
            for (name, item) in zip(names, items) { scope.variables[name] = item }
        case let .attribute(base, attribute):
            guard case let .namespace(namespace)? = scope.lookup(base) else {
                throw TemplateRuntimeFailure.type("cannot assign attribute on non-namespace object")
            }
            if attribute.hasPrefix("_") {
                throw TemplateRuntimeFailure.security(
                    "Chat templates cannot store underscore-prefixed attributes on a namespace, but got '\(attribute)'. Please rename the attribute.")
            }
            namespace.attributes[attribute] = value
        }
    }

    func run(_ loop: TemplateLoop, in scope: TemplateScope) throws {
        let all: [TemplateValue]
        do { all = try evaluate(loop.iterable, in: scope).iterated() } catch let error as TemplateRuntimeFailure {
            throw failure(error, at: loop.location)
        }
        var items = all
        if let condition = loop.condition {
            items = []
            for item in all {
                let iteration = TemplateScope(parent: scope)
                do { try assign(item, to: loop.target, in: iteration) } catch let error as TemplateRuntimeFailure {
                    throw failure(error, at: loop.location)
                }
                if try evaluate(condition, in: iteration).isTruthy { items.append(item) }
            }
        }
        if items.isEmpty {
            _ = try execute(loop.otherwise, in: TemplateScope(parent: scope))
            return
        }
        let length = items.count
        for (index, item) in items.enumerated() {
            let iteration = TemplateScope(parent: scope)
            do { try assign(item, to: loop.target, in: iteration) } catch let error as TemplateRuntimeFailure {
                throw failure(error, at: loop.location)
            }
            var info: TemplateDictionary = [
                "index": .int(index + 1), "index0": .int(index),
                "revindex": .int(length - index), "revindex0": .int(length - index - 1),
                "first": .bool(index == 0), "last": .bool(index == length - 1),
                "length": .int(length), "depth": .int(1), "depth0": .int(0),
                "previtem": index > 0 ? items[index - 1] : .undefined,
                "nextitem": index + 1 < length ? items[index + 1] : .undefined,
            ]
            info["cycle"] = .function(TemplateFunction("loop.cycle") { arguments in
                guard !arguments.positional.isEmpty else { throw TemplateRuntimeFailure.type("no items for cycling given") }
                return arguments.positional[index % arguments.positional.count]
            })
            iteration.variables["loop"] = .dict(info)
            if try execute(loop.body, in: iteration) == .breakLoop { break }
        }
    }

    func makeMacro(_ macro: TemplateMacro) -> TemplateFunction {
        TemplateFunction(macro.name) { [unowned self] arguments in
            if self.macroDepth >= TemplateInterpreter.maximumMacroDepth {
                throw TemplateRuntimeFailure.type("macro '\(macro.name)' nests deeper than \(TemplateInterpreter.maximumMacroDepth) calls")
            }
            self.macroDepth += 1
            defer { self.macroDepth -= 1 }
            let scope = TemplateScope(parent: self.root)
            var keywords = arguments.keywords
            for (i, (name, defaultValue)) in macro.parameters.enumerated() {
                if let k = keywords.firstIndex(where: { $0.0 == name }) {
                    scope.variables[name] = keywords[k].1
                    keywords.remove(at: k)
                } else if i < arguments.positional.count {
                    scope.variables[name] = arguments.positional[i]
                } else if let defaultValue {
                    scope.variables[name] = try self.evaluate(defaultValue, in: scope)
                } else {
                    scope.variables[name] = .undefined
                }
            }
            scope.variables["varargs"] = .list(Array(arguments.positional.dropFirst(macro.parameters.count)))
            scope.variables["kwargs"] = .dict(TemplateDictionary(keywords))
            return .string(try self.capture(macro.body, in: scope))
        }
    }
}
