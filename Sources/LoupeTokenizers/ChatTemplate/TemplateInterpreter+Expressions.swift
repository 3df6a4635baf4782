import Foundation

extension TemplateInterpreter {
    /// The value of `expression`; a failure inside is reported at the expression's place.
    func evaluate(_ expression: TemplateExpression, in scope: TemplateScope) throws -> TemplateValue {
        do {
            return try evaluateKind(expression, in: scope)
        } catch let error as TemplateRuntimeFailure {
            throw failure(error, at: expression.location)
        }
    }

    func evaluateArguments(_ arguments: TemplateCallArguments, in scope: TemplateScope) throws -> TemplateArguments {
        TemplateArguments(try arguments.positional.map { try evaluate($0, in: scope) },
                          keywords: try arguments.keywords.map { ($0.0, try evaluate($0.1, in: scope)) })
    }

    /// A short text for an expression in `'x' is undefined` messages.
    static func describe(_ expression: TemplateExpression) -> String? {
        switch expression.kind {
        case let .name(name): return name
        case let .attribute(base, name): return describe(base).map { "\($0).\(name)" }
        case let .item(base, index):
            guard let b = describe(base), case let .literal(v) = index.kind else { return nil }
            return "\(b)[\(v.pythonRepr)]"
        default: return nil
        }
    }

    static func undefinedFailure(_ expression: TemplateExpression) -> TemplateRuntimeFailure {
        .undefined(describe(expression).map { "'\($0)' is undefined" } ?? "value is undefined")
    }

    private func evaluateKind(_ expression: TemplateExpression, in scope: TemplateScope) throws -> TemplateValue {
        switch expression.kind {
        case let .literal(value):
            return value
        case let .name(name):
            return scope.lookup(name) ?? .undefined
        case let .list(items):
            return .list(try items.map { try evaluate($0, in: scope) })
        case let .tuple(items):
            return .tuple(try items.map { try evaluate($0, in: scope) })
        case let .dict(pairs):
            var d = TemplateDictionary()
            for (k, v) in pairs {
                let key = try evaluate(k, in: scope)
                guard case let .string(name) = key else {
                    throw TemplateRuntimeFailure.unsupported("dictionary keys must be strings here, not \(key.pythonTypeName)")
                }
                d[name] = try evaluate(v, in: scope)
            }
            return .dict(d)
        case let .attribute(base, name):
            let value = try evaluate(base, in: scope)
            if case .undefined = value { throw TemplateInterpreter.undefinedFailure(base) }
            return TemplateMethods.attribute(of: value, name)
        case let .item(base, index):
            let value = try evaluate(base, in: scope)
            if case .undefined = value { throw TemplateInterpreter.undefinedFailure(base) }
            return try TemplateMethods.item(of: value, try evaluate(index, in: scope))
        case let .slice(base, lower, upper, step):
            let value = try evaluate(base, in: scope)
            if case .undefined = value { throw TemplateInterpreter.undefinedFailure(base) }
            func bound(_ e: TemplateExpression?) throws -> Int? {
                guard let e else { return nil }
                let v = try evaluate(e, in: scope)
                if case .none = v { return nil }
                guard case let .int(i)? = v.numeric else {
                    throw TemplateRuntimeFailure.type("slice indices must be integers or None")
                }
                return i
            }
            return try TemplateMethods.slice(value, try bound(lower), try bound(upper), try bound(step))
        case let .call(callee, arguments):
            let function = try evaluate(callee, in: scope)
            let values = try evaluateArguments(arguments, in: scope)
            switch function {
            case let .function(f): return try f.body(values)
            case .undefined: throw TemplateInterpreter.undefinedFailure(callee)
            default: throw TemplateRuntimeFailure.type("'\(function.pythonTypeName)' object is not callable")
            }
        case let .filter(base, name, arguments):
            return try applyFilter(name, to: try evaluate(base, in: scope), arguments, at: expression.location, in: scope)
        case let .test(base, name, arguments, negated):
            let value = try evaluate(base, in: scope)
            let result = try TemplateTests.run(name, value, try evaluateArguments(arguments, in: scope), interpreter: self)
            return .bool(result != negated)
        case let .negate(inner):
            let value = try evaluate(inner, in: scope)
            switch value.numeric {
            case let .int(v)?:
                guard v != Int.min else { throw TemplateRuntimeFailure.type("integer overflow") }
                return .int(-v)
            case let .double(v)?: return .double(-v)
            case nil:
                if case .undefined = value { throw TemplateInterpreter.undefinedFailure(inner) }
                throw TemplateRuntimeFailure.type("bad operand type for unary -: '\(value.pythonTypeName)'")
            }
        case let .plus(inner):
            let value = try evaluate(inner, in: scope)
            switch value.numeric {
            case let .int(v)?: return .int(v)
            case let .double(v)?: return .double(v)
            case nil: throw TemplateRuntimeFailure.type("bad operand type for unary +: '\(value.pythonTypeName)'")
            }
        case let .not(inner):
            return .bool(!(try evaluate(inner, in: scope).isTruthy))
        case let .and(left, right):
            let l = try evaluate(left, in: scope)
            return l.isTruthy ? try evaluate(right, in: scope) : l
        case let .or(left, right):
            let l = try evaluate(left, in: scope)
            return l.isTruthy ? l : try evaluate(right, in: scope)
        case let .binary(op, left, right):
            let l = try evaluate(left, in: scope), r = try evaluate(right, in: scope)
            if op == "~" { return .string(l.renderedString + r.renderedString) }
            if case .undefined = l { throw TemplateInterpreter.undefinedFailure(left) }
            if case .undefined = r { throw TemplateInterpreter.undefinedFailure(right) }
            return try TemplateOperators.binary(op, l, r)
        case let .compare(first, operations):
            var left = try evaluate(first, in: scope)
            for (op, rightExpression) in operations {
                let right = try evaluate(rightExpression, in: scope)
                let holds: Bool
                switch op {
                case "==": holds = left == right
                case "!=": holds = left != right
                case "<": holds = try TemplateValue.lessThan(left, right)
                case ">": holds = try TemplateValue.lessThan(right, left)
                case "<=": holds = try !TemplateValue.lessThan(right, left)
                case ">=": holds = try !TemplateValue.lessThan(left, right)
                case "in": holds = try TemplateValue.contains(right, left)
                default: holds = try !TemplateValue.contains(right, left)
                }
                if !holds { return .bool(false) }
                left = right
            }
            return .bool(true)
        case let .conditional(test, then, otherwise):
            if try evaluate(test, in: scope).isTruthy { return try evaluate(then, in: scope) }
            return try otherwise.map { try evaluate($0, in: scope) } ?? .undefined
        }
    }

    func applyFilter(_ name: String, to value: TemplateValue, _ arguments: TemplateCallArguments,
                     at location: TemplateLocation, in scope: TemplateScope) throws -> TemplateValue {
        let values = try evaluateArguments(arguments, in: scope)
        do {
            return try TemplateFilters.apply(name, value, values, interpreter: self)
        } catch let error as TemplateRuntimeFailure {
            throw failure(error, at: location)
        }
    }
}

/// Python's arithmetic operators on template values.
enum TemplateOperators {
    static func binary(_ op: String, _ l: TemplateValue, _ r: TemplateValue) throws -> TemplateValue {
        switch (op, l, r) {
        case let ("+", .string(a), .string(b)): return .string(a + b)
        case let ("+", .list(a), .list(b)): return .list(a + b)
        case let ("+", .tuple(a), .tuple(b)): return .tuple(a + b)
        default: break
        }
        if op == "*" {
            if case let .string(s) = l, case let .int(n)? = r.numeric { return try repeatString(s, n) }
            if case let .string(s) = r, case let .int(n)? = l.numeric { return try repeatString(s, n) }
            if case let .list(items) = l, case let .int(n)? = r.numeric { return try repeatList(items, n) }
            if case let .list(items) = r, case let .int(n)? = l.numeric { return try repeatList(items, n) }
            if case let .tuple(items) = l, case let .int(n)? = r.numeric, case let .list(x) = try repeatList(items, n) { return .tuple(x) }
            if case let .tuple(items) = r, case let .int(n)? = l.numeric, case let .list(x) = try repeatList(items, n) { return .tuple(x) }
        }
        guard let a = l.numeric, let b = r.numeric else {
            if op == "%", case .string = l {
                throw TemplateRuntimeFailure.unsupported("printf-style string formatting with % is not supported")
            }
            throw TemplateRuntimeFailure.type(
                "unsupported operand type(s) for \(op): '\(l.pythonTypeName)' and '\(r.pythonTypeName)'")
        }
        if case let .int(x) = a, case let .int(y) = b { return try integer(op, x, y) }
        let x = a.asDouble, y = b.asDouble
        switch op {
        case "+": return .double(x + y)
        case "-": return .double(x - y)
        case "*": return .double(x * y)
        case "/":
            guard y != 0 else { throw TemplateRuntimeFailure.type("float division by zero") }
            return .double(x / y)
        case "//":
            guard y != 0 else { throw TemplateRuntimeFailure.type("float floor division by zero") }
            return .double((x / y).rounded(.down))
        case "%":
            guard y != 0 else { throw TemplateRuntimeFailure.type("float modulo") }
            let m = fmod(x, y)
            return .double(m != 0 && (m < 0) != (y < 0) ? m + y : m)
        default: return .double(pow(x, y))
        }
    }

    private static func repeatString(_ s: String, _ n: Int) throws -> TemplateValue {
        .string(String(repeating: s, count: try repeatCount(n, s.unicodeScalars.count)))
    }

    private static func repeatList(_ items: [TemplateValue], _ n: Int) throws -> TemplateValue {
        .list(Array([[TemplateValue]](repeating: items, count: try repeatCount(n, items.count)).joined()))
    }

    private static func repeatCount(_ n: Int, _ unit: Int) throws -> Int {
        let count = max(0, n)
        if unit > 0, count > TemplateInterpreter.maximumLength / unit {
            throw TemplateRuntimeFailure.type("repetition result too long")
        }
        return count
    }

    private static func integer(_ op: String, _ x: Int, _ y: Int) throws -> TemplateValue {
        func checked(_ r: (partialValue: Int, overflow: Bool)) throws -> TemplateValue {
            if r.overflow { throw TemplateRuntimeFailure.type("integer overflow") }
            return .int(r.partialValue)
        }
        switch op {
        case "+": return try checked(x.addingReportingOverflow(y))
        case "-": return try checked(x.subtractingReportingOverflow(y))
        case "*": return try checked(x.multipliedReportingOverflow(by: y))
        case "/":
            guard y != 0 else { throw TemplateRuntimeFailure.type("division by zero") }
            return .double(Double(x) / Double(y))
        case "//", "%":
            guard y != 0 else { throw TemplateRuntimeFailure.type("integer division or modulo by zero") }
            if x == Int.min, y == -1 { throw TemplateRuntimeFailure.type("integer overflow") }
            var q = x / y, m = x % y
            if m != 0, (m < 0) != (y < 0) { q -= 1; m += y }
            return .int(op == "//" ? q : m)
        default:
            if y < 0 { return .double(pow(Double(x), Double(y))) }
            var result = 1, base = x, e = y
            while e > 0 {
                if e & 1 == 1 { result = try checkedInt(result.multipliedReportingOverflow(by: base)) }
                e >>= 1
                if e > 0 { base = try checkedInt(base.multipliedReportingOverflow(by: base)) }
            }
            return .int(result)
        }
    }

    private static func checkedInt(_ r: (partialValue: Int, overflow: Bool)) throws -> Int {
        if r.overflow { throw TemplateRuntimeFailure.type("integer overflow") }
        return r.partialValue
    }
}

extension TemplateValue {
    var isString: Bool {
        if case .string = self { return true }
        return false
    }
}
