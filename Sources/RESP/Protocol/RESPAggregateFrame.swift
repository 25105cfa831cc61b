/// An aggregate whose header has been read but whose elements are still arriving.
struct RESPAggregateFrame {
    enum Kind {
        case array, map, set, push, attribute
    }

    let kind: Kind
    /// Elements still to come; maps and attributes count keys and values separately.
    private(set) var remaining: Int
    private var elements: [RESPValue] = []

    init(kind: Kind, count: Int) {
        self.kind = kind
        self.remaining = count
    }

    var isComplete: Bool { self.remaining == 0 }

    mutating func append(_ element: RESPValue) {
        self.elements.append(element)
        self.remaining -= 1
    }

    /// The finished value; `nil` for an attribute, which describes the next value and is dropped.
    var value: RESPValue? {
        switch self.kind {
        case .array: .array(self.elements)
        case .set: .set(self.elements)
        case .push: .push(self.elements)
        case .attribute: nil
        case .map:
            .map(stride(from: 0, to: self.elements.count, by: 2).map { (self.elements[$0], self.elements[$0 + 1]) })
        }
    }
}

extension RESPAggregateFrame.Kind {
    init?(type: UInt8) {
        switch type {
        case UInt8(ascii: "*"): self = .array
        case UInt8(ascii: "%"): self = .map
        case UInt8(ascii: "~"): self = .set
        case UInt8(ascii: ">"): self = .push
        case UInt8(ascii: "|"): self = .attribute
        default: return nil
        }
    }
}
