import Foundation

/// A path in the temporary folder that no other test uses: `autobw-<name>-<UUID><suffix>`. Nothing is created.
public func temporaryPath(_ name: String, _ suffix: String = "") -> String {
    NSTemporaryDirectory() + "autobw-\(name)-\(UUID().uuidString)\(suffix)"
}

/// A new, empty folder in the temporary folder that no other test uses.
public func temporaryFolder(_ name: String) -> String {
    let path = temporaryPath(name)
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Whether `actual` agrees with `expected` within `tolerance`, relative to `expected`'s magnitude (floor 1); NaN
/// agrees only with NaN.
public func agrees(_ actual: Float, _ expected: Float, tolerance: Float) -> Bool {
    expected.isNaN ? actual.isNaN : actual == expected || abs(actual - expected) <= tolerance * max(1, abs(expected))
}
