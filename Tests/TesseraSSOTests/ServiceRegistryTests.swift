import Testing
import TesseraSSO

@Suite struct ServiceRegistryTests {
    let registry = ServiceRegistry([
        try! CASService(id: "shop", serviceURL: "https://shop.example/app", singleLogout: true),
        try! CASService(id: "admin", serviceURL: "https://shop.example/app/admin/", singleLogout: false),
        try! CASService(id: "wiki", serviceURL: "http://wiki.example:8080", singleLogout: false),
    ])

    @Test(arguments: [
        ("https://shop.example/app", "shop"),
        ("https://shop.example/app/", "shop"),
        ("https://shop.example/app/cart?next=%2Fhome&x=1", "shop"),
        ("https://shop.example:443/app/cart", "shop"),
        ("https://SHOP.example/app", "shop"),
        ("https://shop.example/app/admin/users", "admin"),
        ("http://wiki.example:8080/", "wiki"),
        ("http://wiki.example:8080", "wiki"),
        ("http://wiki.example:8080/page/one", "wiki"),
    ])
    func registeredURLsMatchTheirService(_ url: String, _ id: String) {
        #expect(registry.match(url)?.service.id == id)
        #expect(registry.match(url)?.url.text == url)
    }

    @Test(arguments: [
        "https://shop.example@evil.example/app",
        "https://evil.example@shop.example/app",
        "https://user:pw@shop.example/app",
        "https://shop.example.evil.example/app",
        "https://evilshop.example/app",
        "https://shop.example/apple",
        "https://shop.example/ap",
        "HTTPS://shop.example/app",
        "Https://shop.example/app",
        "http://shop.example/app",
        "https://shop.example:8443/app",
        "https://shop.example/app%2f..%2fadmin",
        "https://shop.example/app%2F..%2F..%2Fevil",
        "https://shop.example/app/%2e%2e/other",
        "https://shop.example/app/..;/other",
        "https://shop.example/app;jsessionid=1",
        "https://shop.example/app/../other",
        "https://shop.example/app/./x",
        "https://shop.example\\@evil.example/app",
        "https://shop.example/app\\..\\other",
        "https://shop.example/app/%5c..%5cother",
        "//evil.example/app",
        "https://shop.example//evil.example/app",
        "https://shop.example/app#@evil.example",
        "javascript:alert(1)//shop.example/app",
        "https://shop.example/app/x y",
        "https://shop.example/app/\u{0}",
        "https://shöp.example/app",
        "https://shop.example:0/app",
        "https://shop.example:99999/app",
        "https://shop.example:/app",
        "https:/shop.example/app",
        "",
    ])
    func hostileURLsMatchNothing(_ url: String) {
        #expect(registry.match(url) == nil)
    }

    @Test func registrationRefusesQueriesAndNonsense() {
        #expect(throws: CASServiceError.self) { try CASService(id: "a", serviceURL: "https://shop.example/app?x=1", singleLogout: false) }
        #expect(throws: CASServiceError.self) { try CASService(id: "a", serviceURL: "ftp://shop.example/app", singleLogout: false) }
        #expect(throws: CASServiceError.self) { try CASService(id: "a b", serviceURL: "https://shop.example/app", singleLogout: false) }
    }
}
