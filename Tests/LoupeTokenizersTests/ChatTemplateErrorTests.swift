import Foundation
import Testing
@testable import LoupeTokenizers

/// Bad templates and failing renders throw ``ChatTemplateError`` naming the place, never trap.
@Suite struct ChatTemplateErrorTests {
    func parseError(_ source: String) throws -> ChatTemplateError {
        try #require(throws: ChatTemplateError.self) { try ChatTemplate(source) }
    }

    func renderError(_ source: String, _ context: [String: TemplateValue] = [:]) throws -> ChatTemplateError {
        let template = try ChatTemplate(source)
        return try #require(throws: ChatTemplateError.self) { try template.render(context: context) }
    }

    @Test func syntaxErrorNamesLineAndColumn() throws {
        let error = try parseError("line one\n{% if x %}\n  {{ 1 + }}\n{% endif %}")
        #expect(error.kind == .syntax)
        #expect(error.line == 3)
        #expect(error.column == 10)
    }

    @Test(arguments: [
        ("{% for x in xs %}never closed", 1),
        ("{% if %}{% endif %}", 1),
        ("a\n{{ 'unterminated }}", 2),
        ("{# comment", 1),
        ("{% endfor %}", 1),
        ("\n\n{% frobnicate %}", 3),
        ("{{ (1, 2 }}", 1),
        ("{{ x ]] }}", 1),
        ("{% set = 1 %}", 1),
        ("{% raw %}no end", 1),
        ("{{ 'a' @ 'b' }}", 1),
    ])
    func syntaxErrors(_ source: String, line: Int) throws {
        let error = try parseError(source)
        #expect(error.kind == .syntax, "\(error)")
        #expect(error.line == line, "\(error)")
    }

    @Test func unknownFilterIsNamedAtParse() throws {
        let error = try parseError("ok\n{{ messages | shout }}")
        #expect(error.kind == .unknownFilter)
        #expect(error.message == "No filter named 'shout'.")
        #expect(error.line == 2)
    }

    @Test func unknownTestIsNamedAtParse() throws {
        let error = try parseError("{% if x is shiny %}{% endif %}")
        #expect(error.kind == .unknownTest)
        #expect(error.message == "No test named 'shiny'.")
    }

    @Test func raiseExceptionGivesItsMessage() throws {
        let template = try ChatTemplate("{% for m in messages %}{% if m.role == 'critic' %}"
            + "{{ raise_exception('Role ' ~ m.role ~ ' is not supported') }}{% endif %}{% endfor %}")
        let messages = [ChatMessage(role: "user", content: "a"), ChatMessage(role: "critic", content: "b")]
        let error = try #require(throws: ChatTemplateError.self) {
            try template.render(messages: messages, addGenerationPrompt: false, bosToken: nil, eosToken: nil)
        }
        #expect(error.kind == .raised)
        #expect(error.message == "Role critic is not supported")
        #expect(error.description == "Role critic is not supported")
        #expect(error.line == 1)
    }

    @Test func undefinedAttributeNamesTheVariable() throws {
        let error = try renderError("{{ nothing.attr }}")
        #expect(error.kind == .undefined)
        #expect(error.message == "'nothing' is undefined")
        #expect(error.column == 4)
    }

    @Test(arguments: [
        "{{ 'a' + 1 }}", "{{ 1 // 0 }}", "{{ 5 % 0 }}", "{{ 1.0 / 0 }}", "{{ [] | tojson if x else x + 1 }}",
        "{{ x.y }}", "{{ (x | tojson) }}", "{{ 9223372036854775807 + 1 }}", "{{ 'x' * 100000000 }}",
        "{{ range(1000000) | length }}", "{% set xs = [] %}{{ xs.append(1) }}", "{{ {'a': 1}.update({}) }}",
        "{% set a, b = [1] %}", "{% set s = 'x' %}{% set s.attr = 1 %}", "{{ 1 < 'a' }}", "{{ 3 | round('x') }}",
        "{{ 'abc'[::0] }}", "{{ none() }}", "{{ 'x' | batch(2) }}", "{{ [1] | map('nofilter') | list }}",
        "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    ])
    func renderFailuresThrow(_ source: String) throws {
        let error = try renderError(source)
        #expect(error.kind != .raised)
        #expect(error.line == 1)
    }

    @Test func deepNestingIsRefusedNotACrash() throws {
        let deep = "{{ " + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000) + " }}"
        #expect(try parseError(deep).kind == .syntax)
        #expect(try parseError("{{ " + String(repeating: "- ", count: 5000) + "1 }}").kind == .syntax)
        #expect(try parseError("{{ " + String(repeating: "not ", count: 5000) + "1 }}").kind == .syntax)
        #expect(try parseError(String(repeating: "{% if x %}", count: 5000)).kind == .syntax)
        #expect(try ChatTemplate("{{ " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + " }}")
            .render(context: [:]).hasPrefix("[[[["))
    }

    @Test func unsupportedTagsAreReported() throws {
        #expect(try parseError("{% include 'x.j2' %}").kind == .unsupported)
        #expect(try parseError("{% for x in xs recursive %}{% endfor %}").kind == .unsupported)
    }

    @Test func badJSONNamesItsPlace() throws {
        let error = try #require(throws: ChatTemplateError.self) { try TemplateValue(jsonText: "{\n  \"a\": [1,,2]\n}") }
        #expect(error.kind == .syntax)
        #expect(error.line == 2)
    }
}
