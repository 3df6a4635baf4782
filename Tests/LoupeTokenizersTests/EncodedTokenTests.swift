import Foundation
import Testing
@testable import LoupeTokenizers

@Suite struct EncodedTokenTests {
    @Test func roundTripsThroughJSON() throws {
        let token = EncodedToken(id: 7, text: "##ing", start: 3, end: 6, isSpecial: false)
        let data = try JSONEncoder().encode(token)
        #expect(try JSONDecoder().decode(EncodedToken.self, from: data) == token)
    }
}
