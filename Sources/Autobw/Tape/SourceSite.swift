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

/// A creation site as ops receive it: a pointer to the static `#fileID` text and the line, 16 bytes, turned into
/// a `SourceSite` only when someone looks. (A `StaticString` would take 24 and more per tape entry.)
struct CallSite: @unchecked Sendable {
    /// The UTF-8 bytes of a `#fileID` literal: static data, alive for the whole process.
    let file: UnsafePointer<UInt8>
    let fileLength: UInt32
    let line: UInt32

    init(_ file: StaticString, _ line: UInt) {
        // `#fileID` literals are always stored as UTF-8 text, never as a single scalar.
        self.file = file.hasPointerRepresentation ? file.utf8Start : CallSite.unknownFile.utf8Start
        fileLength = UInt32(truncatingIfNeeded: file.hasPointerRepresentation ? file.utf8CodeUnitCount : 0)
        self.line = UInt32(truncatingIfNeeded: line)
    }

    private static let unknownFile: StaticString = "?"

    /// True for a call made by the engine itself (its `#fileID` starts with `Autobw/`): the user's site is the
    /// module call around it, not this line.
    var isInsideEngine: Bool {
        let prefix: StaticString = "Autobw/"
        guard Int(fileLength) > prefix.utf8CodeUnitCount else { return false }
        let expected = prefix.utf8Start
        for i in 0..<prefix.utf8CodeUnitCount where file[i] != expected[i] { return false }
        return true
    }

    var site: SourceSite {
        SourceSite(
            file: String(decoding: UnsafeBufferPointer(start: file, count: Int(fileLength)), as: UTF8.self),
            line: Int(line))
    }
}
