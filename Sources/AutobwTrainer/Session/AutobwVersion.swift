/// The version of autobw: what `autobw --version` prints, metrics headers record, and releases are tagged with.
public enum AutobwVersion {
    /// `major.minor.patch`.
    public static let current = "0.2.0"
}
