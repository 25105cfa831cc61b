import Foundation
import Testing
@testable import TesseraServer

@Suite struct JSONWriterTests {
    @Test func datesAreRFC3339InUTCAgreeingWithFoundation() {
        let formatter = ISO8601DateFormatter()
        var generator = SystemRandomNumberGenerator()
        let samples = [0, 951_782_400, 4_102_444_800, 1_700_000_000.999, -86_400] + (0..<500).map { _ in
            Double(Int64.random(in: 0...8_000_000_000, using: &generator))
        }
        for seconds in samples {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(RFC3339.format(date) == formatter.string(from: date), "\(seconds)")
        }
    }

    @Test func stringsAreEscapedIntoValidJSON() throws {
        let nasty = "quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7} del \u{7F} 汉字 😀"
        var json = JSONWriter()
        json.object { json in
            json.field("text") { $0.string(nasty) }
            json.field("none") { $0.string(nil) }
            json.field("list") { $0.strings(["a", "b"]) }
            json.field("flag") { $0.bool(false) }
        }
        try StrictJSON.validate(json.bytes)
        let decoded = try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: Any]
        #expect(decoded?["text"] as? String == nasty)
        #expect(decoded?["none"] is NSNull)
        #expect(decoded?["list"] as? [String] == ["a", "b"])
        #expect(decoded?["flag"] as? Bool == false)
    }
}
