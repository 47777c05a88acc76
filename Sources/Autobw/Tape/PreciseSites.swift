import Runtime

/// Precise creation sites (`TapeOptions.recordsCallStacks`): a call stack captured per entry, and the first of
/// its frames that lies outside the engine, symbolicated from the binary's debug information when someone looks.
/// Operators (`h * gain`), which cannot take `#fileID`, then name the user's own line too. It costs a stack
/// capture per recorded op (README, "Creation sites", gives the figure); symbolication runs once per distinct stack.
enum PreciseSites {
    /// The loaded images, captured once (capturing them with every stack would cost a hundred times more).
    private static let images = Locked<ImageMap?>(nil)
    /// Sites already resolved, by the stack's program counters.
    private static let resolved = Locked<[[Backtrace.Address]: SourceSite]>([:])
    /// The engine's own source folder (`…/Sources/Autobw/`), whose frames are skipped.
    private static let engineFolder: String = {
        let here = "\(#filePath)"
        guard let range = here.range(of: "/Sources/Autobw/", options: .backwards) else { return "/Sources/Autobw/" }
        return String(here[..<range.upperBound])
    }()

    /// The calling thread's stack, or nil when it cannot be captured.
    static func capture() -> Backtrace? {
        let map = images.withLock { images in
            if images == nil { images = ImageMap.capture() }
            return images
        }
        return try? Backtrace.capture(algorithm: .fast, limit: 64, images: map)
    }

    /// The first frame of `stack` outside the engine that has a source location, as `folder/File.swift:line`.
    static func site(of stack: Backtrace) -> SourceSite? {
        let key = stack.frames.map(\.adjustedProgramCounter)
        if let known = resolved.withLock({ $0[key] }) { return known }
        guard let symbolicated = stack.symbolicated() else { return nil }
        for frame in symbolicated.frames {
            guard let location = frame.symbol?.sourceLocation, !location.path.hasPrefix(engineFolder),
                location.line > 0
            else { continue }
            let components = location.path.split(separator: "/").suffix(2)
            let site = SourceSite(file: components.joined(separator: "/"), line: location.line)
            resolved.withLock { $0[key] = site }
            return site
        }
        return nil
    }
}
