import Testing
@testable import TesseraStores

/// The memory store's shared strings: one copy per distinct string, kept while held.
@Suite struct InternedStringsTests {
    @Test func equalStringsShareOneHandleAndDistinctOnesDoNot() {
        var strings = InternedStrings()
        let agent = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
        let first = strings.retain(agent)
        let second = strings.retain(String(decoding: Array(agent.utf8), as: UTF8.self))
        let other = strings.retain("web")
        #expect(first == second)
        #expect(first != other)
        #expect(strings.count == 2)
        #expect(strings[first] == agent)
        #expect(strings[other] == "web")
    }

    @Test func aStringStaysWhileHeldAndLeavesWithItsLastHolder() {
        var strings = InternedStrings()
        let first = strings.retain("iPhone")
        let second = strings.retain("iPhone")
        strings.release(first)
        #expect(strings.count == 1)
        #expect(strings[second] == "iPhone")
        strings.release(second)
        #expect(strings.count == 0)
        // Retained again after it left, it is a new entry with one holder.
        let again = strings.retain("iPhone")
        strings.release(again)
        #expect(strings.count == 0)
    }

    @Test func aVacatedSlotHoldsTheNextNewString() {
        var strings = InternedStrings()
        let kept = strings.retain("kept")
        let gone = strings.retain("gone")
        strings.release(gone)
        let next = strings.retain("next")
        #expect(strings.count == 2)
        #expect(strings[kept] == "kept")
        #expect(strings[next] == "next")
        #expect(strings.retain("gone") != next)
    }

    @Test func canonicallyEquivalentStringsWithOtherBytesAreKeptApart() {
        var strings = InternedStrings()
        let composed = "Caf\u{E9}"
        let decomposed = "Cafe\u{301}"
        #expect(composed == decomposed)
        let a = strings.retain(composed)
        let b = strings.retain(decomposed)
        #expect(a != b)
        #expect(Array(strings[a].utf8) == Array(composed.utf8))
        #expect(Array(strings[b].utf8) == Array(decomposed.utf8))
    }
}
