import Testing
import TesseraSSO

@Suite struct ServiceTicketTests {
    @Test func ticketsAreSTAndThirtyTwoBase62Characters() {
        var seen = Set<String>()
        for _ in 0..<200 {
            let ticket = ServiceTicket.issue().text
            #expect(ticket.wholeMatch(of: /ST-[0-9A-Za-z]{32}/) != nil, "\(ticket)")
            seen.insert(ticket)
        }
        #expect(seen.count == 200)
    }

    @Test func onlyWellFormedTicketsParse() {
        let ticket = ServiceTicket.issue().text
        #expect(ServiceTicket(ticket) != nil)
        #expect(ServiceTicket("PT-" + ticket.dropFirst(3)) == nil)
        #expect(ServiceTicket(ticket + "a") == nil)
        #expect(ServiceTicket(String(ticket.dropLast()) + "-") == nil)
        #expect(ServiceTicket("") == nil)
    }

    @Test func theStorageKeyIsNotTheTicket() {
        let ticket = ServiceTicket.issue()
        #expect(!ticket.storageKey.contains(ticket.text.dropFirst(3)))
        #expect(ticket.storageKey == ServiceTicket(ticket.text)?.storageKey)
        #expect(ticket.storageKey != ServiceTicket.issue().storageKey)
    }
}
