import HTTPTypes
import Testing

@testable import TesseraServer

/// The rules the pages stand on: where `next` may lead, which language a request gets,
/// and that templates escape what they show.
@Suite struct PageRulesTests {
    @Test(arguments: [
        "//evil.example", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "evil.example", "",
        "/%2F%2Fevil.example", "/%2f/evil.example", "/%5Cevil.example", "%2F%2Fevil.example", "/%252F%252Fevil.example",
        "/\t/evil.example", " /account", "/acc\u{0}ount", "/caf\u{E9}", "/%zz",
    ])
    func nextRefusesAnythingThatCouldLeaveTheSite(_ raw: String) {
        #expect(LocalPath(raw) == nil)
    }

    @Test(arguments: ["/account", "/account?tab=devices", "/cas/login?service=https%3A%2F%2Fshop.example%2Fapp", "/"])
    func nextKeepsLocalPaths(_ raw: String) {
        #expect(LocalPath(raw)?.text == raw)
    }

    @Test func languageFollowsQueryThenCookieThenAcceptLanguage() {
        #expect(PageLanguage.fromAcceptLanguage("zh-CN,zh;q=0.9,en;q=0.8") == .chinese)
        #expect(PageLanguage.fromAcceptLanguage("en-US,zh;q=0.5") == .english)
        #expect(PageLanguage.fromAcceptLanguage("fr-FR, zh-Hans;q=0.4") == .chinese)
        #expect(PageLanguage.fromAcceptLanguage("zh-TW, fr") == .english)
        #expect(PageLanguage.fromAcceptLanguage("zh;q=0, en;q=0.1") == .english)
        let headers: HTTPFields = [.acceptLanguage: "en", .cookie: "a=b; tessera_lang=zh-Hans"]
        #expect(PageLanguage.choose(query: nil, headers: headers) == .chinese)
        #expect(PageLanguage.choose(query: "en", headers: headers) == .english)
        #expect(PageLanguage.choose(query: "xx", headers: [:]) == .english)
    }

    @Test func everyEnglishStringHasAChineseOne() {
        let missing = Set(PageStrings.english.keys).subtracting(PageStrings.chinese.keys).subtracting(["site", "account_none"])
        #expect(missing.isEmpty, "untranslated: \(missing.sorted())")
    }

    @Test func templatesEscapeWhatTheyShow() {
        let html = PageTemplates.render("register", ["t": PageStrings.table(.english), "username": "<script>x</script>\"", "csrf": "c"])
        #expect(html.contains("&lt;script&gt;x&lt;/script&gt;&quot;"))
        #expect(!html.contains("<script>x"))
    }
}
