/// One copy of each distinct string that many of the memory store's sessions hold (device
/// types, device names, user agents), kept while any session holds it.
///
/// A node sees a few hundred user agents, not one per session, yet each session decoded
/// its own copy from its request: a 70–130-byte heap allocation. Interned, a session holds a
/// 4-byte handle instead. Each string counts its holders and leaves the table with the last
/// one, so strings that only one session ever had (a device name someone typed) do not
/// pile up over the life of the process.
///
/// Strings are equal here when their UTF-8 bytes are, not by Swift's `==`, which holds
/// canonically equivalent texts equal ("é" as one scalar or as "e" and a combining accent):
/// a session gets back exactly the bytes it was created with, as from Redis.
/// ```swift
/// var strings = InternedStrings()
/// let agent = strings.retain(userAgent)   // one handle for every string of these bytes
/// strings[agent]                           // the one shared copy
/// strings.release(agent)                   // once for every retain
/// ```
struct InternedStrings {
    /// Where a string sits in the table; valid until its holders have all released it.
    struct Handle: Hashable {
        fileprivate let slot: UInt32
    }

    private struct Entry {
        var string: String
        var holders: Int
    }

    /// A string compared and hashed by its UTF-8 bytes.
    private struct Bytes: Hashable {
        var string: String

        static func == (lhs: Bytes, rhs: Bytes) -> Bool {
            lhs.string.utf8.elementsEqual(rhs.string.utf8)
        }

        func hash(into hasher: inout Hasher) {
            var string = string
            string.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    private var slots: [Bytes: UInt32] = [:]
    private var entries: [Entry] = []
    /// Slots of released strings, reused before the table grows.
    private var vacant: [UInt32] = []

    /// How many distinct strings are held.
    var count: Int { slots.count }

    /// The handle of `string`, counting one more holder of it.
    mutating func retain(_ string: String) -> Handle {
        if let slot = slots[Bytes(string: string)] {
            entries[Int(slot)].holders += 1
            return Handle(slot: slot)
        }
        let entry = Entry(string: string, holders: 1)
        let slot: UInt32
        if let reused = vacant.popLast() {
            slot = reused
            entries[Int(slot)] = entry
        } else {
            slot = UInt32(entries.count)
            entries.append(entry)
        }
        slots[Bytes(string: string)] = slot
        return Handle(slot: slot)
    }

    /// Counts one holder fewer; the string leaves the table with its last holder.
    mutating func release(_ handle: Handle) {
        let slot = Int(handle.slot)
        entries[slot].holders -= 1
        guard entries[slot].holders == 0 else { return }
        slots[Bytes(string: entries[slot].string)] = nil
        entries[slot].string = ""
        vacant.append(handle.slot)
    }

    subscript(handle: Handle) -> String {
        entries[Int(handle.slot)].string
    }
}
