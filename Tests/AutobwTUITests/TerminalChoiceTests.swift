import Testing
@testable import AutobwTUI

/// What the UI picks from the environment before drawing.
@Suite struct TerminalChoiceTests {
    @Test func aUTF8TerminalGetsBrailleCharts() {
        #expect(TerminalApp.chartGlyphs(environment: ["TERM": "xterm-256color", "LANG": "en_US.UTF-8"]) == .braille)
    }

    @Test func theLinuxConsoleAndVTTerminalsGetHalfBlocks() {
        #expect(TerminalApp.chartGlyphs(environment: ["TERM": "linux", "LANG": "C.UTF-8"]) == .blocks)
        #expect(TerminalApp.chartGlyphs(environment: ["TERM": "vt220"]) == .blocks)
    }

    @Test func AUTOBW_CHARTAsksForBlocks() {
        #expect(TerminalApp.chartGlyphs(environment: ["TERM": "xterm", "LANG": "C.UTF-8", "AUTOBW_CHART": "blocks"]) == .blocks)
    }
}
