/// The memory store's sessions: their records side by side in one array, found through a
/// dictionary from id to position.
///
/// A dictionary of records would hold them inline, in a power-of-two table kept at most 75%
/// full: a million records would sit in 2,097,152 slots, each as large as a record. Side by
/// side, the records take a slot each, and the dictionary's slots hold only a 16-byte id and
/// a position. Removing a record moves the last one into its place, so the array has no
/// holes and positions stay below ``count``.
/// ```swift
/// var table = MemorySessionTable()
/// table.insert(record)
/// table.update(record.id) { $0.lastSeenAt = now }
/// let removed = table.remove(record.id)
/// ```
struct MemorySessionTable {
    private var records: [MemorySessionRecord] = []
    private var positions: [PackedSessionID: Int] = [:]

    var count: Int { records.count }

    subscript(id: PackedSessionID) -> MemorySessionRecord? {
        positions[id].map { records[$0] }
    }

    /// Adds a record; its id must not be in the table.
    mutating func insert(_ record: MemorySessionRecord) {
        precondition(positions[record.id] == nil, "a session id is in the table already")
        positions[record.id] = records.count
        records.append(record)
    }

    /// Changes the record `id` names in place; nothing when there is none.
    mutating func update(_ id: PackedSessionID, _ change: (inout MemorySessionRecord) -> Void) {
        guard let position = positions[id] else { return }
        change(&records[position])
    }

    /// Takes out the record `id` names, moving the last record into its place.
    mutating func remove(_ id: PackedSessionID) -> MemorySessionRecord? {
        guard let position = positions.removeValue(forKey: id) else { return nil }
        records.swapAt(position, records.count - 1)
        let removed = records.removeLast()
        if position < records.count {
            positions[records[position].id] = position
        }
        return removed
    }

    /// The ids of the records that satisfy `predicate`.
    func ids(where predicate: (MemorySessionRecord) -> Bool) -> [PackedSessionID] {
        records.compactMap { predicate($0) ? $0.id : nil }
    }
}
