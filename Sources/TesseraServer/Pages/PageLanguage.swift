import Foundation
import HTTPTypes
import Hummingbird

/// The language of the pages and of the API's error messages: English or Simplified
/// Chinese. Chosen by the `lang` query parameter, then the `tessera_lang` cookie the
/// language switch sets, then `Accept-Language`; English when nothing matches.
///
/// ```swift
/// let language = PageLanguage(request)
/// let title = PageStrings.table(language)["login.title"]
/// ```
enum PageLanguage: String, Sendable, CaseIterable {
    case english = "en"
    case chinese = "zh-Hans"

    static let cookieName = "tessera_lang"

    init(_ request: Request) {
        self = Self.choose(query: request.uri.queryParameters.get("lang"), headers: request.headers)
    }

    static func choose(query: String?, headers: HTTPFields) -> PageLanguage {
        if let query, let chosen = PageLanguage(tag: query) { return chosen }
        if let cookie = CookieValue.named(cookieName, in: headers), let chosen = PageLanguage(tag: cookie) { return chosen }
        return fromAcceptLanguage(headers[.acceptLanguage] ?? "")
    }

    /// `zh`, `zh-CN`, `zh-Hans`, `zh-SG` read as Simplified Chinese; any `en` as English.
    init?(tag: String) {
        let lowered = tag.trimmingCharacters(in: .whitespaces).lowercased()
        if lowered == "en" || lowered.hasPrefix("en-") {
            self = .english
        } else if lowered == "zh" || lowered.hasPrefix("zh-hans") || lowered == "zh-cn" || lowered == "zh-sg" {
            self = .chinese
        } else {
            return nil
        }
    }

    /// The supported language with the highest quality; ties keep the header's order.
    static func fromAcceptLanguage(_ header: String) -> PageLanguage {
        var best: (language: PageLanguage, quality: Double)?
        for entry in header.split(separator: ",").prefix(20) {
            let parts = entry.split(separator: ";")
            guard let tag = parts.first, let language = PageLanguage(tag: String(tag)) else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix("q="), let value = Double(pair.dropFirst(2)) { quality = value }
            }
            if quality > 0, quality > (best?.quality ?? 0) { best = (language, quality) }
        }
        return best?.language ?? .english
    }

    /// The other language, which the switch on every page offers.
    var other: PageLanguage { self == .english ? .chinese : .english }
}

/// One cookie's value from the `Cookie` headers.
enum CookieValue {
    static func named(_ name: String, in headers: HTTPFields) -> String? {
        for header in headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " }
                guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals] == name else { continue }
                return String(trimmed[trimmed.index(after: equals)...])
            }
        }
        return nil
    }
}
