/// A place in the template, 1-based.
struct TemplateLocation: Equatable {
    var line: Int
    var column: Int
}

/// An expression of the template, with where it starts.
struct TemplateExpression {
    indirect enum Kind {
        case literal(TemplateValue)
        case name(String)
        case list([TemplateExpression])
        case tuple([TemplateExpression])
        case dict([(TemplateExpression, TemplateExpression)])
        case attribute(TemplateExpression, String)
        case item(TemplateExpression, TemplateExpression)
        case slice(TemplateExpression, TemplateExpression?, TemplateExpression?, TemplateExpression?)
        case call(TemplateExpression, TemplateCallArguments)
        case filter(TemplateExpression, String, TemplateCallArguments)
        case test(TemplateExpression, String, TemplateCallArguments, negated: Bool)
        case negate(TemplateExpression)
        case plus(TemplateExpression)
        case not(TemplateExpression)
        case and(TemplateExpression, TemplateExpression)
        case or(TemplateExpression, TemplateExpression)
        case binary(String, TemplateExpression, TemplateExpression)
        case compare(TemplateExpression, [(String, TemplateExpression)])
        case conditional(test: TemplateExpression, then: TemplateExpression, otherwise: TemplateExpression?)
    }

    var kind: Kind
    var location: TemplateLocation
}

/// The arguments written in a call: positional then keyword.
struct TemplateCallArguments {
    var positional: [TemplateExpression] = []
    var keywords: [(String, TemplateExpression)] = []
}

/// What `{% set %}` and `{% for %}` assign to.
enum TemplateTarget {
    case name(String)
    case tuple([String])
    /// `ns.attribute` of a namespace.
    case attribute(String, String)
}

/// A statement of the template.
indirect enum TemplateNode {
    case text(String)
    case output(TemplateExpression)
    case conditional([(TemplateExpression, [TemplateNode])], otherwise: [TemplateNode])
    case loop(TemplateLoop)
    case set(TemplateTarget, TemplateExpression, TemplateLocation)
    case setBlock(TemplateTarget, [TemplateNode], filters: [(String, TemplateCallArguments, TemplateLocation)], TemplateLocation)
    case macro(TemplateMacro)
    case filterBlock([(String, TemplateCallArguments, TemplateLocation)], [TemplateNode])
    case breakLoop
    case continueLoop
}

/// `{% for target in iterable if condition %}body{% else %}otherwise{% endfor %}`.
struct TemplateLoop {
    var target: TemplateTarget
    var iterable: TemplateExpression
    var condition: TemplateExpression?
    var body: [TemplateNode]
    var otherwise: [TemplateNode]
    var location: TemplateLocation
}

/// `{% macro name(a, b=default) %}body{% endmacro %}`.
struct TemplateMacro {
    var name: String
    var parameters: [(String, TemplateExpression?)]
    var body: [TemplateNode]
}
