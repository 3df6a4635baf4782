/// Builds the statement tree of a template from its tokens, following Jinja2's grammar
/// (jinja2/parser.py): `for`, `if`/`elif`/`else`, `set` (plain, block and namespace attribute),
/// `macro`, `filter`, `break`/`continue` (the loopcontrols extension transformers enables) and
/// transformers' `{% generation %}`.
struct TemplateParser {
    var tokens: [TemplateToken]
    var index = 0
    /// Current nesting of expressions and blocks, capped so that a hostile template cannot exhaust the stack.
    var depth = 0
    static let maximumDepth = 96

    init(_ tokens: [TemplateToken]) { self.tokens = tokens }

    static func parse(_ source: String) throws -> [TemplateNode] {
        var parser = TemplateParser(try TemplateLexer.tokenize(source))
        let (nodes, end) = try parser.parseNodes(until: [])
        if let end { throw parser.error("Encountered unknown tag '\(end)'.") }
        return nodes
    }

    // MARK: tokens

    var current: TemplateToken { tokens[min(index, tokens.count - 1)] }
    var location: TemplateLocation { TemplateLocation(line: current.line, column: current.column) }

    func peek(_ offset: Int = 1) -> TemplateToken { tokens[min(index + offset, tokens.count - 1)] }

    mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    func error(_ message: String, kind: ChatTemplateError.Kind = .syntax) -> ChatTemplateError {
        ChatTemplateError(kind: kind, message: message, line: current.line, column: current.column)
    }

    static func describe(_ kind: TemplateToken.Kind) -> String {
        switch kind {
        case .data: "template data"
        case .variableBegin: "begin of print statement"
        case .variableEnd: "end of print statement"
        case .blockBegin: "begin of statement block"
        case .blockEnd: "end of statement block"
        case let .name(n): "'\(n)'"
        case let .string(s): "string \(PythonString.repr(s))"
        case let .integer(v): "integer \(v)"
        case let .float(v): "float \(v)"
        case let .op(o): "'\(o)'"
        case .end: "end of template"
        }
    }

    func isOp(_ op: String) -> Bool { current.kind == .op(op) }
    func isName(_ name: String) -> Bool { current.kind == .name(name) }

    mutating func skipOp(_ op: String) -> Bool {
        if isOp(op) { advance(); return true }
        return false
    }

    mutating func skipName(_ name: String) -> Bool {
        if isName(name) { advance(); return true }
        return false
    }

    mutating func expect(_ kind: TemplateToken.Kind) throws {
        guard current.kind == kind else {
            if current.kind == .end { throw error("unexpected end of template, expected \(TemplateParser.describe(kind))") }
            throw error("expected token \(TemplateParser.describe(kind)), got \(TemplateParser.describe(current.kind))")
        }
        advance()
    }

    mutating func expectName() throws -> String {
        guard case let .name(name) = current.kind else {
            throw error("expected a name, got \(TemplateParser.describe(current.kind))")
        }
        advance()
        return name
    }

    // MARK: statements

    /// Nodes up to `{% name` for a name in `ends` (consumed, returned), or to the end of the template.
    mutating func enterNesting() throws {
        depth += 1
        if depth > TemplateParser.maximumDepth {
            throw error("the template nests deeper than \(TemplateParser.maximumDepth) levels")
        }
    }

    mutating func parseNodes(until ends: Set<String>) throws -> ([TemplateNode], String?) {
        try enterNesting()
        defer { depth -= 1 }
        var nodes: [TemplateNode] = []
        while true {
            switch current.kind {
            case let .data(text):
                nodes.append(.text(text))
                advance()
            case .variableBegin:
                advance()
                let expression = try parseTuple()
                try expect(.variableEnd)
                nodes.append(.output(expression))
            case .blockBegin:
                advance()
                guard case let .name(tag) = current.kind else {
                    throw error("tag name expected")
                }
                if ends.contains(tag) {
                    advance()
                    return (nodes, tag)
                }
                nodes.append(try parseStatement(tag))
            case .end:
                if !ends.isEmpty {
                    let wanted = ends.sorted().map { "'\($0)'" }.joined(separator: " or ")
                    throw error("Unexpected end of template. Jinja was looking for the following tags: \(wanted).")
                }
                return (nodes, nil)
            default:
                throw error("unexpected \(TemplateParser.describe(current.kind))")
            }
        }
    }

    mutating func parseStatement(_ tag: String) throws -> TemplateNode {
        let start = location
        advance()
        switch tag {
        case "for": return try parseFor(start)
        case "if": return try parseIf()
        case "set": return try parseSet(start)
        case "macro": return try parseMacro()
        case "filter":
            let filters = try parseFilterChain()
            try expect(.blockEnd)
            let (body, _) = try parseNodes(until: ["endfilter"])
            try expect(.blockEnd)
            return .filterBlock(filters, body)
        case "generation":
            try expect(.blockEnd)
            let (body, _) = try parseNodes(until: ["endgeneration"])
            try expect(.blockEnd)
            return .filterBlock([], body)
        case "break":
            try expect(.blockEnd)
            return .breakLoop
        case "continue":
            try expect(.blockEnd)
            return .continueLoop
        case "call", "include", "import", "from", "extends", "block", "with", "autoescape", "do":
            index -= 1
            throw error("the '\(tag)' tag is not supported by this chat-template interpreter", kind: .unsupported)
        default:
            index -= 1
            throw error("Encountered unknown tag '\(tag)'.")
        }
    }

    mutating func parseFor(_ start: TemplateLocation) throws -> TemplateNode {
        let target = try parseAssignTarget(allowNamespace: false)
        guard skipName("in") else { throw error("expected 'in', got \(TemplateParser.describe(current.kind))") }
        let iterable = try parseTuple(conditional: false)
        var condition: TemplateExpression?
        if skipName("if") { condition = try parseExpression() }
        if isName("recursive") { throw error("recursive loops are not supported", kind: .unsupported) }
        try expect(.blockEnd)
        var (body, end) = try parseNodes(until: ["endfor", "else"])
        var otherwise: [TemplateNode] = []
        if end == "else" {
            try expect(.blockEnd)
            (otherwise, end) = try parseNodes(until: ["endfor"])
        }
        try expect(.blockEnd)
        return .loop(TemplateLoop(target: target, iterable: iterable, condition: condition, body: body,
                                  otherwise: otherwise, location: start))
    }

    mutating func parseIf() throws -> TemplateNode {
        var branches: [(TemplateExpression, [TemplateNode])] = []
        var otherwise: [TemplateNode] = []
        var test = try parseTuple(conditional: false)
        while true {
            try expect(.blockEnd)
            let (body, end) = try parseNodes(until: ["elif", "else", "endif"])
            branches.append((test, body))
            if end == "elif" {
                test = try parseTuple(conditional: false)
                continue
            }
            if end == "else" {
                try expect(.blockEnd)
                (otherwise, _) = try parseNodes(until: ["endif"])
            }
            try expect(.blockEnd)
            return .conditional(branches, otherwise: otherwise)
        }
    }

    mutating func parseSet(_ start: TemplateLocation) throws -> TemplateNode {
        let target = try parseAssignTarget(allowNamespace: true)
        if skipOp("=") {
            let value = try parseTuple()
            try expect(.blockEnd)
            return .set(target, value, start)
        }
        let filters = try parseFilterChain()
        try expect(.blockEnd)
        let (body, _) = try parseNodes(until: ["endset"])
        try expect(.blockEnd)
        return .setBlock(target, body, filters: filters, start)
    }

    mutating func parseAssignTarget(allowNamespace: Bool) throws -> TemplateTarget {
        if allowNamespace, case let .name(base) = current.kind, peek().kind == .op(".") {
            advance(); advance()
            return .attribute(base, try expectName())
        }
        let parenthesised = skipOp("(")
        var names = [try expectName()]
        var isTuple = parenthesised
        while skipOp(",") {
            isTuple = true
            if case .name = current.kind { names.append(try expectName()) } else { break }
        }
        if parenthesised { try expect(.op(")")) }
        for name in names where ["true", "false", "none", "True", "False", "None"].contains(name) {
            throw error("Can't assign to constant '\(name)'")
        }
        return isTuple ? .tuple(names) : .name(names[0])
    }

    mutating func parseMacro() throws -> TemplateNode {
        let name = try expectName()
        try expect(.op("("))
        var parameters: [(String, TemplateExpression?)] = []
        while !isOp(")") {
            if !parameters.isEmpty { try expect(.op(",")) }
            if isOp(")") { break }
            let parameter = try expectName()
            var value: TemplateExpression?
            if skipOp("=") { value = try parseExpression() } else if parameters.last?.1 != nil {
                throw error("non-default argument follows default argument")
            }
            parameters.append((parameter, value))
        }
        try expect(.op(")"))
        try expect(.blockEnd)
        let (body, _) = try parseNodes(until: ["endmacro"])
        if case .name = current.kind { advance() }
        try expect(.blockEnd)
        return .macro(TemplateMacro(name: name, parameters: parameters, body: body))
    }

    /// `name(args) | name2 ...` after `{% filter` or `{% set x |`.
    mutating func parseFilterChain() throws -> [(String, TemplateCallArguments, TemplateLocation)] {
        var filters: [(String, TemplateCallArguments, TemplateLocation)] = []
        if isOp("|") { advance() } else if case .name = current.kind {} else { return filters }
        repeat {
            let at = location
            let name = try parseDottedName()
            try checkFilter(name)
            let arguments = isOp("(") ? try parseCallArguments() : TemplateCallArguments()
            filters.append((name, arguments, at))
        } while skipOp("|")
        return filters
    }
}
