/// Jinja2's built-in tests (`x is defined`, `n is divisibleby 3`; jinja2/tests.py).
enum TemplateTests {
    static let names: Set<String> = [
        "boolean", "callable", "defined", "divisibleby", "eq", "equalto", "escaped", "even", "false", "filter",
        "float", "ge", "greaterthan", "gt", "in", "integer", "iterable", "le", "lessthan", "lower", "lt", "mapping",
        "ne", "none", "number", "odd", "sameas", "sequence", "string", "test", "true", "undefined", "upper",
        "==", "!=", "<", "<=", ">", ">=",
    ]

    static func run(_ name: String, _ value: TemplateValue, _ args: TemplateArguments,
                    interpreter: TemplateInterpreter) throws -> Bool {
        let other = args.value(0, "other") ?? .undefined
        switch name {
        case "boolean": if case .bool = value { return true }; return false
        case "callable": if case .function = value { return true }; return false
        case "defined": if case .undefined = value { return false }; return true
        case "undefined": if case .undefined = value { return true }; return false
        case "none": if case .none = value { return true }; return false
        case "true": return value == .bool(true) && value.isBoolean
        case "false": return value == .bool(false) && value.isBoolean
        case "integer": if case .int = value { return true }; return false
        case "float": if case .double = value { return true }; return false
        case "number": return value.numeric != nil
        case "string": return value.isString
        case "mapping": if case .dict = value { return true }; return false
        case "iterable":
            switch value {
            case .undefined, .string, .list, .tuple, .dict, .namespace: return true
            default: return false
            }
        case "sequence":
            switch value {
            case .undefined, .string, .list, .tuple, .dict: return true
            default: return false
            }
        case "even", "odd":
            guard case let .int(v)? = value.numeric else {
                throw TemplateRuntimeFailure.type("not all arguments converted during string formatting")
            }
            return (v % 2 == 0) == (name == "even")
        case "divisibleby":
            guard case let .int(v)? = value.numeric, case let .int(d)? = other.numeric else {
                throw TemplateRuntimeFailure.type("divisibleby needs integers")
            }
            guard d != 0 else { throw TemplateRuntimeFailure.type("integer division or modulo by zero") }
            return v % d == 0
        case "eq", "equalto", "==": return value == other
        case "ne", "!=": return value != other
        case "lt", "lessthan", "<": return try TemplateValue.lessThan(value, other)
        case "gt", "greaterthan", ">": return try TemplateValue.lessThan(other, value)
        case "le", "<=": return try !TemplateValue.lessThan(other, value)
        case "ge", ">=": return try !TemplateValue.lessThan(value, other)
        case "in": return try TemplateValue.contains(args.value(0, "seq") ?? .undefined, value)
        case "lower":
            let s = value.renderedString
            return s == s.lowercased()
        case "upper":
            let s = value.renderedString
            return s == s.uppercased()
        case "sameas":
            switch (value, other) {
            case (.none, .none), (.undefined, .undefined): return true
            case let (.bool(a), .bool(b)): return a == b
            case let (.namespace(a), .namespace(b)): return a === b
            case let (.function(a), .function(b)): return a === b
            default: return false
            }
        case "escaped": return false
        case "filter": return value.isString && TemplateFilters.names.contains(value.renderedString)
        case "test": return value.isString && names.contains(value.renderedString)
        default: throw TemplateRuntimeFailure.type("No test named '\(name)'.")
        }
    }
}

extension TemplateValue {
    var isBoolean: Bool {
        if case .bool = self { return true }
        return false
    }
}
