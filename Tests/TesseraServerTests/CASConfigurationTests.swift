import Foundation
import Testing
import TesseraServer
import TesseraSSO

@Suite struct CASConfigurationTests {
    @Test func servicesAreReadFromTheConfigFile() throws {
        let file = #"{"idle-timeout": "15m", "cas": {"services": [{"id": "shop", "serviceUrl": "https://shop.example/app", "singleLogout": true}, {"id": "wiki", "serviceUrl": "http://wiki.example:8080/"}]}}"#
        let services = try TesseraConfiguration.casServices(fromConfigFile: Data(file.utf8))
        #expect(services.map(\.id) == ["shop", "wiki"])
        #expect(services.map(\.singleLogout) == [true, false])
        #expect(services.first?.base.origin == "https://shop.example:443")
        #expect(try TesseraConfiguration.casServices(fromConfigFile: Data(#"{"port": 9000}"#.utf8)).isEmpty)
    }

    @Test(arguments: [
        #"{"cas": {"services": [{"id": "a", "serviceUrl": "https://a.example"}, {"id": "a", "serviceUrl": "https://b.example"}]}}"#,
        #"{"cas": {"services": [{"id": "a", "serviceUrl": "https://a.example/?next=1"}]}}"#,
        #"{"cas": {"services": [{"id": "a", "serviceUrl": "javascript:alert(1)"}]}}"#,
        #"{"cas": {"services": [{"id": "a"}]}}"#,
        #"{"cas": {"services": {"id": "a", "serviceUrl": "https://a.example"}}}"#,
    ])
    func unusableServicesStopTheStart(_ file: String) {
        #expect(throws: ConfigurationError.self) { try TesseraConfiguration.casServices(fromConfigFile: Data(file.utf8)) }
    }

    @Test func theConfigFileWithServicesStillGivesItsOtherSettings() async throws {
        let path = NSTemporaryDirectory() + "tessera-cas-config-\(UUID().uuidString).json"
        try Data(#"{"cas-ticket-lifetime": "30s", "cas": {"services": [{"id": "shop", "serviceUrl": "https://shop.example/app"}]}}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try await TesseraConfiguration.load(commandLine: [:], environment: ["TESSERA_CONFIG": path])
        #expect(configuration.casTicketLifetime == .seconds(30))
        #expect(configuration.casServices.map(\.id) == ["shop"])
        #expect(configuration.casLogoutPolicy == LogoutRetryPolicy())
    }
}
