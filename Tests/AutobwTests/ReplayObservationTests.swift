import Synchronization
import Testing
@testable import Autobw

/// What a debugger front end reads from the replay: entries for the replay's whole life, a peek, where each
/// input came from, creation sites, forward times, and an observer on the one backward implementation.
@Suite struct ReplayObservationTests {
    /// `tanh(x W + b)` summed, with named parameters, recorded inside a scope.
    final class Net: Module, @unchecked Sendable {
        let weight = Parameter(Tensor([0.5, -0.25, 0.75, 1.0]).reshapedUntracked([2, 2]))
        let bias = Parameter(Tensor([0.1, -0.2]))
    }

    static func record(_ net: Net, on tape: Tape, x: Tensor) throws -> Tensor {
        try tape.record { try net.scoped { try (x.matmul(net.weight.value) + net.bias.value).tanh().sum() } }
    }

    @Test func steppingGivesTheSameGradientsAsRunningToTheEnd() throws {
        let x = Tensor([1, 2, -1, 0.5]).reshapedUntracked([2, 2])
        let run = Net(), stepped = Net()
        let tape = Tape()
        try tape.backward(from: try Self.record(run, on: tape, x: x))
        let second = Tape()
        let replay = try second.replay(from: try Self.record(stepped, on: second, x: x))
        while try replay.step() != nil {}
        #expect(run.weight.grad?.scalars == stepped.weight.grad?.scalars)
        #expect(run.bias.grad?.scalars == stepped.bias.grad?.scalars)
    }

    @Test func aStepsReportIsWhatTheObserverReportsOfTheSameEntry() throws {
        // One definition of an entry's norms, whether the debugger steps or training observes.
        let x = Tensor([1, 2, -1, 0.5]).reshapedUntracked([2, 2])
        var observed = [EntryGradientReport]()
        let tape = Tape()
        try tape.backward(from: try Self.record(Net(), on: tape, x: x)) { observed.append($0) }
        let second = Tape()
        let replay = try second.replay(from: try Self.record(Net(), on: second, x: x))
        var stepped = [EntryGradientReport]()
        while let step = try replay.step() { stepped.append(step.report) }
        #expect(stepped.count == 4 && stepped == observed)
        #expect(stepped.contains { $0.sent.count == 2 })  // the product and the sum send to two inputs
    }

    @Test func theReplayKeepsItsEntriesAndPeeksWithoutMoving() throws {
        let tape = Tape()
        let loss = try Self.record(Net(), on: tape, x: Tensor([1, 2, 3, 4]).reshapedUntracked([2, 2]))
        let replay = try tape.replay(from: loss)
        #expect(tape.entries.isEmpty)
        #expect(replay.entries.map(\.op) == [.matmul, .add, .tanh, .sum])
        #expect(replay.peek()?.op == .sum && replay.peek()?.op == .sum)
        try replay.step()
        #expect(replay.peek()?.op == .tanh)
        try replay.runToEnd()
        #expect(replay.peek() == nil && replay.entries.count == 4)
        #expect(replay.entry(at: 0)?.savedShapes == [[2, 2], [2, 2]])
    }

    @Test func eachInputSaysWhereItCameFrom() throws {
        let net = Net()
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2, 3, 4]).reshapedUntracked([2, 2]), name: "x")
        let loss = try Self.record(net, on: tape, x: x)
        _ = net.namedParameters()
        let replay = try tape.replay(from: loss)
        #expect(replay.entry(at: 0)?.inputSources == [.watched(name: "x"), .parameter(name: "weight")])
        #expect(replay.entry(at: 1)?.inputSources == [.entry(index: 0, output: 0), .parameter(name: "bias")])
        #expect(replay.entry(at: 3)?.inputSources == [.entry(index: 2, output: 0)])
        let constant = Tape()
        let y = try constant.record { try (constant.watch(Tensor([1])) * Tensor([2])).sum() }
        #expect(try constant.replay(from: y).entry(at: 0)?.inputSources.last == .constant)
    }

    @Test func aStepReportsTheParametersItTouchedByName() throws {
        let net = Net()
        _ = net.namedParameters()
        let tape = Tape()
        let replay = try tape.replay(from: try Self.record(net, on: tape, x: Tensor([1, 2, 3, 4]).reshapedUntracked([2, 2])))
        var touched = [[String]]()
        while let step = try replay.step() { touched.append(step.parameterGradients.map(\.name)) }
        #expect(touched == [[], [], ["bias"], ["weight"]])
        #expect(Set(replay.parameterGradients().map(\.name)) == ["weight", "bias"])
    }

    @Test func aReplayStepCrossesIntoAMutexAndAnotherTask() async throws {
        let tape = Tape()
        let replay = try tape.replay(from: try Self.record(Net(), on: tape, x: Tensor([1, 2, 3, 4]).reshapedUntracked([2, 2])))
        let latest = Mutex<ReplayStep?>(nil)
        let step = try replay.step()
        latest.withLock { $0 = step }
        let op = await Task.detached { latest.withLock { $0?.entry.op } }.value
        #expect(op == .sum)
    }

    @Test func theObserverSeesEveryReplayedEntryWithStatistics() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([1, -2, 3]))
        let loss = try tape.record { try (x * 2).sum() }
        var reports = [EntryGradientReport]()
        try tape.backward(from: loss, observer: { reports.append($0) })
        #expect(reports.map(\.op) == [.sum, .mulScalar])
        #expect(reports[0].incoming[0].norm == 1)
        #expect(reports[1].incoming[0].norm == Float(3).squareRoot())
        #expect(reports[1].sent[0]?.norm == 2 * Float(3).squareRoot())
        #expect(try tape.gradient(of: x)?.scalars == [2, 2, 2])
    }

    @Test func anObservedFanOutReportsTheSummedGradient() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2]))
        let loss = try tape.record { () throws -> Tensor in
            let y = try x * 3            // entry 0
            return try (y + y * 2).sum() // entries 1 (y * 2), 2 (add), 3 (sum)
        }
        var incoming = [Int: Float]()
        try tape.backward(from: loss, observer: { incoming[$0.entryIndex] = $0.incoming[0].norm })
        // y receives 1 from the add and 2 through y * 2: 3 per element, not the first contribution alone.
        #expect(incoming[0] == 3 * Float(2).squareRoot())
        #expect(incoming[1] == Float(2).squareRoot())
    }

    @Test func aGradientSummaryCountsNonFiniteElements() throws {
        let summary = GradientSummary(of: Tensor([3, .nan, 4, -.infinity]))
        #expect(summary.norm.isNaN && summary.nanCount == 1 && summary.negativeInfinityCount == 1 && !summary.isFinite)
        #expect(GradientSummary(of: Tensor([3, 4, .infinity])).norm == .infinity)
        #expect(GradientSummary(of: Tensor([3, 4])) == GradientSummary(
            count: 2, norm: 5, nanCount: 0, positiveInfinityCount: 0, negativeInfinityCount: 0))
    }

    @Test func entriesCarryTheCallersSourceLine() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2]))
        let line = #line + 1
        _ = try tape.record { try x.tanh().sum() }
        let sites = tape.entries.map(\.site)
        #expect(sites == [SourceSite(file: "AutobwTests/ReplayObservationTests.swift", line: line), sites[0]])
    }

    @Test func operatorsOutsideAModuleShowTheRecordCallSite() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2]))
        let recordLine = #line + 1
        _ = try tape.record {
            try (x * x).tanh().sum()
        }
        // `*` cannot take a call site of its own; `tanh` and `sum` have theirs (the line inside the block).
        #expect(tape.entries.map(\.site?.line) == [recordLine, recordLine + 1, recordLine + 1])
    }

    @Test func opsInsideAModuleShowTheModuleCallSite() throws {
        var g = SeededGenerator(seed: 1)
        let layer = try Linear(2, 2, generator: &g)
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2]).reshapedUntracked([1, 2]))
        let line = #line + 1
        _ = try tape.record { try layer(x) }
        #expect(tape.entries.map(\.site?.line) == [line, line])
        #expect(tape.entries.map(\.scope) == ["linear", "linear"])
    }

    @Test func forwardTimesAreMeasuredOnlyWhenAsked() throws {
        let timed = Tape(options: .timesForward), plain = Tape()
        for tape in [timed, plain] {
            let x = tape.watch(Tensor([1, 2]))
            _ = try tape.record { try x.exp().sum() }
        }
        #expect(timed.entries.allSatisfy { $0.forwardNanoseconds != nil })
        #expect(plain.entries.allSatisfy { $0.forwardNanoseconds == nil })
    }

    @Test func everyBuiltInOpNameIsSnakeCaseAndUnique() throws {
        let names = OpName.builtIn.map(\.rawValue)
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.first?.isLowercase == true && $0.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" } })
    }
}
