/// Where in the source a tape entry was created: the caller's `#fileID` and `#line`.
public struct SourceSite: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `Module/File.swift`, as `#fileID` spells it.
    public let file: String
    /// The line in that file.
    public let line: Int

    /// The site `file:line`.
    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    /// `File.swift:12`.
    public var description: String { "\(file):\(line)" }
}

/// A creation site as ops receive it: two words, turned into a `SourceSite` only when someone looks.
struct CallSite: Sendable {
    let file: StaticString
    let line: UInt

    init(_ file: StaticString, _ line: UInt) {
        self.file = file
        self.line = line
    }

    /// True for a call made by the engine itself (its `#fileID` starts with `Autobw/`): the user's site is the
    /// module call around it, not this line.
    var isInsideEngine: Bool {
        let prefix: StaticString = "Autobw/"
        guard file.hasPointerRepresentation, file.utf8CodeUnitCount > prefix.utf8CodeUnitCount else { return false }
        let a = file.utf8Start, b = prefix.utf8Start
        for i in 0..<prefix.utf8CodeUnitCount where a[i] != b[i] { return false }
        return true
    }

    var site: SourceSite { SourceSite(file: file.description, line: Int(line)) }
}
