extension TemplateParser {
    func node(_ kind: TemplateExpression.Kind, _ at: TemplateLocation) -> TemplateExpression {
        TemplateExpression(kind: kind, location: at)
    }

    /// Jinja2's `parse_tuple`: one expression, or a comma-separated tuple (a list here).
    mutating func parseTuple(conditional: Bool = true, explicitParentheses: Bool = false) throws -> TemplateExpression {
        let start = location
        var items: [TemplateExpression] = []
        var sawComma = false
        while true {
            if !items.isEmpty {
                guard skipOp(",") else { break }
                sawComma = true
            }
            if isTupleEnd(explicitParentheses: explicitParentheses) { break }
            items.append(conditional ? try parseExpression() : try parseOr())
        }
        if !sawComma {
            if let only = items.first { return only }
            if explicitParentheses { return node(.tuple([]), start) }
            throw error("Expected an expression, got \(TemplateParser.describe(current.kind))")
        }
        return node(.tuple(items), start)
    }

    private func isTupleEnd(explicitParentheses: Bool) -> Bool {
        switch current.kind {
        case .variableEnd, .blockEnd, .end: return true
        case .op(")"): return explicitParentheses
        case .name("in"), .name("recursive"), .name("if"): return !explicitParentheses
        default: return false
        }
    }

    mutating func parseExpression() throws -> TemplateExpression {
        let start = location
        var expression = try parseOr()
        while skipName("if") {
            let test = try parseOr()
            var otherwise: TemplateExpression?
            if skipName("else") { otherwise = try parseExpression() }
            expression = node(.conditional(test: test, then: expression, otherwise: otherwise), start)
        }
        return expression
    }

    mutating func parseOr() throws -> TemplateExpression {
        let start = location
        try enterNesting()
        defer { depth -= 1 }
        var left = try parseAnd()
        while skipName("or") { left = node(.or(left, try parseAnd()), start) }
        return left
    }

    mutating func parseAnd() throws -> TemplateExpression {
        let start = location
        var left = try parseNot()
        while skipName("and") { left = node(.and(left, try parseNot()), start) }
        return left
    }

    mutating func parseNot() throws -> TemplateExpression {
        let start = location
        if skipName("not") {
            try enterNesting()
            defer { depth -= 1 }
            return node(.not(try parseNot()), start)
        }
        return try parseCompare()
    }

    mutating func parseCompare() throws -> TemplateExpression {
        let start = location
        let left = try parseMath1()
        var operations: [(String, TemplateExpression)] = []
        while true {
            if case let .op(op) = current.kind, ["==", "!=", "<", ">", "<=", ">="].contains(op) {
                advance()
                operations.append((op, try parseMath1()))
            } else if skipName("in") {
                operations.append(("in", try parseMath1()))
            } else if isName("not"), peek().kind == .name("in") {
                advance(); advance()
                operations.append(("notin", try parseMath1()))
            } else {
                break
            }
        }
        return operations.isEmpty ? left : node(.compare(left, operations), start)
    }

    mutating func parseMath1() throws -> TemplateExpression {
        let start = location
        var left = try parseConcat()
        while case let .op(op) = current.kind, op == "+" || op == "-" {
            advance()
            left = node(.binary(op, left, try parseConcat()), start)
        }
        return left
    }

    mutating func parseConcat() throws -> TemplateExpression {
        let start = location
        var left = try parseMath2()
        while skipOp("~") { left = node(.binary("~", left, try parseMath2()), start) }
        return left
    }

    mutating func parseMath2() throws -> TemplateExpression {
        let start = location
        var left = try parsePow()
        while case let .op(op) = current.kind, ["*", "/", "//", "%"].contains(op) {
            advance()
            left = node(.binary(op, left, try parsePow()), start)
        }
        return left
    }

    mutating func parsePow() throws -> TemplateExpression {
        let start = location
        var left = try parseUnary()
        while skipOp("**") { left = node(.binary("**", left, try parseUnary()), start) }
        return left
    }

    mutating func parseUnary(withFilter: Bool = true) throws -> TemplateExpression {
        let start = location
        var expression: TemplateExpression
        if isOp("-") || isOp("+") {
            let negative = isOp("-")
            advance()
            try enterNesting()
            let inner = try parseUnary(withFilter: false)
            depth -= 1
            expression = node(negative ? .negate(inner) : .plus(inner), start)
        } else {
            expression = try parsePrimary()
        }
        expression = try parsePostfix(expression)
        if withFilter { expression = try parseFilterExpression(expression) }
        return expression
    }

    mutating func parsePrimary() throws -> TemplateExpression {
        let start = location
        switch current.kind {
        case let .name(name):
            advance()
            switch name {
            case "true", "True": return node(.literal(.bool(true)), start)
            case "false", "False": return node(.literal(.bool(false)), start)
            case "none", "None": return node(.literal(.none), start)
            default: return node(.name(name), start)
            }
        case var .string(text):
            advance()
            while case let .string(more) = current.kind { text += more; advance() }
            return node(.literal(.string(text)), start)
        case let .integer(v):
            advance()
            return node(.literal(.int(v)), start)
        case let .float(v):
            advance()
            return node(.literal(.double(v)), start)
        case .op("("):
            advance()
            let inner = try parseTuple(explicitParentheses: true)
            try expect(.op(")"))
            return inner
        case .op("["):
            advance()
            var items: [TemplateExpression] = []
            while !isOp("]") {
                if !items.isEmpty { try expect(.op(",")) }
                if isOp("]") { break }
                items.append(try parseExpression())
            }
            try expect(.op("]"))
            return node(.list(items), start)
        case .op("{"):
            advance()
            var pairs: [(TemplateExpression, TemplateExpression)] = []
            while !isOp("}") {
                if !pairs.isEmpty { try expect(.op(",")) }
                if isOp("}") { break }
                let key = try parseExpression()
                try expect(.op(":"))
                pairs.append((key, try parseExpression()))
            }
            try expect(.op("}"))
            return node(.dict(pairs), start)
        case .end:
            throw error("unexpected end of template")
        default:
            throw error("unexpected \(TemplateParser.describe(current.kind))")
        }
    }

    mutating func parsePostfix(_ base: TemplateExpression) throws -> TemplateExpression {
        var expression = base
        while true {
            let start = base.location
            if isOp(".") {
                advance()
                switch current.kind {
                case let .name(name):
                    advance()
                    expression = node(.attribute(expression, name), start)
                case let .integer(v):
                    advance()
                    expression = node(.item(expression, node(.literal(.int(v)), start)), start)
                default:
                    throw error("expected name or number")
                }
            } else if isOp("[") {
                advance()
                expression = try parseSubscript(expression, start)
                try expect(.op("]"))
            } else if isOp("(") {
                expression = node(.call(expression, try parseCallArguments()), start)
            } else {
                return expression
            }
        }
    }

    private mutating func parseSubscript(_ base: TemplateExpression, _ start: TemplateLocation) throws -> TemplateExpression {
        var parts: [TemplateExpression?] = []
        var current: TemplateExpression?
        var isSlice = false
        while true {
            if isOp(":") {
                advance()
                isSlice = true
                parts.append(current)
                current = nil
                if parts.count > 2 { throw error("invalid slice") }
                continue
            }
            if isOp("]") { break }
            if current != nil { throw error("expected ']'") }
            current = try parseExpression()
        }
        if !isSlice {
            guard let index = current else { throw error("expected a subscript") }
            return node(.item(base, index), start)
        }
        parts.append(current)
        while parts.count < 3 { parts.append(nil) }
        return node(.slice(base, parts[0], parts[1], parts[2]), start)
    }

    mutating func parseCallArguments() throws -> TemplateCallArguments {
        try expect(.op("("))
        var arguments = TemplateCallArguments()
        while !isOp(")") {
            if !arguments.positional.isEmpty || !arguments.keywords.isEmpty { try expect(.op(",")) }
            if isOp(")") { break }
            if isOp("*") || isOp("**") { throw error("*args and **kwargs in calls are not supported", kind: .unsupported) }
            if case let .name(name) = current.kind, peek().kind == .op("=") {
                advance(); advance()
                arguments.keywords.append((name, try parseExpression()))
            } else {
                if !arguments.keywords.isEmpty { throw error("positional argument follows keyword argument") }
                arguments.positional.append(try parseExpression())
            }
        }
        try expect(.op(")"))
        return arguments
    }

    mutating func parseDottedName() throws -> String {
        var name = try expectName()
        while isOp("."), case .name = peek().kind {
            advance()
            name += "." + (try expectName())
        }
        return name
    }

    func checkFilter(_ name: String) throws {
        if !TemplateFilters.names.contains(name) {
            throw error("No filter named '\(name)'.", kind: .unknownFilter)
        }
    }

    mutating func parseFilterExpression(_ base: TemplateExpression) throws -> TemplateExpression {
        var expression = base
        while true {
            let start = location
            if skipOp("|") {
                let name = try parseDottedName()
                index -= 1
                try checkFilter(name)
                advance()
                let arguments = isOp("(") ? try parseCallArguments() : TemplateCallArguments()
                expression = node(.filter(expression, name, arguments), start)
            } else if skipName("is") {
                let negated = skipName("not")
                let name = try parseDottedName()
                if !TemplateTests.names.contains(name) {
                    index -= 1
                    throw error("No test named '\(name)'.", kind: .unknownTest)
                }
                var arguments = TemplateCallArguments()
                if isOp("(") {
                    arguments = try parseCallArguments()
                } else if startsSingleTestArgument() {
                    let argument = try parsePostfix(try parsePrimary())
                    arguments.positional = [argument]
                }
                expression = node(.test(expression, name, arguments, negated: negated), start)
            } else if isOp("(") {
                expression = node(.call(expression, try parseCallArguments()), start)
            } else {
                return expression
            }
        }
    }

    private func startsSingleTestArgument() -> Bool {
        switch current.kind {
        case .name("else"), .name("or"), .name("and"): return false
        case .name, .string, .integer, .float, .op("["), .op("{"): return true
        default: return false
        }
    }
}
