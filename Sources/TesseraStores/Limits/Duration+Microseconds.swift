extension Duration {
    /// Whole microseconds, the unit the rate limit stores count in (Lua's doubles hold them
    /// exactly, where nanoseconds since 1970 would not fit).
    var wholeMicroseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
