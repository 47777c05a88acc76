import Foundation
@testable import AutobwTUI
@testable import AutobwTrainer

/// Tape dumps as `autobw replay` reads them: read, stepped through, and drawn in the debugger as it would be.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTapeDump(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let path = FuzzInput.file(bytes, count)
    guard let dump = try? TapeDump.read(path) else { return 0 }
    let replay = DumpReplay(dump, path: path)
    var dashboard = Dashboard()
    dashboard.focus = .debugger
    _ = dashboard.render(replay.snapshot(), width: 120, height: 40)
    for command in [RunCommand.next, .next, .setBreakpoint(.normAbove(1)), .continueReplay, .continueReplay] {
        replay.send(command)
        _ = dashboard.render(replay.snapshot(), width: 80, height: 24)
    }
    for key in [Key.character("j"), .tab, .character("j"), .end, .left] {
        _ = dashboard.handle(key, replay.snapshot())
        _ = dashboard.render(replay.snapshot(), width: 200, height: 60)
    }
    return 0
}
