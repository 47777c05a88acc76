import Autobw
import Testing
@testable import AutobwTrainer

/// Reopening past steps from snapshots: each reopened step is the step as it ran, bit for bit, and the run goes on
/// as if it had never travelled.
@Suite struct TimeTravelTests {
    /// What a step showed when it first ran: its loss, every entry's report, every parameter's gradient.
    struct Seen: Equatable {
        var loss: Float
        var entries: [EntryGradientReport]
        var gradients: [[Float]]
    }

    static func configuration(_ preset: Preset) -> TrainingConfiguration {
        var configuration = TrainingSessionTests.configuration(preset)
        configuration.clip = 0  // the gradients compared are the replay's own, before any clipping
        return configuration
    }

    static func gradients(_ session: TrainingSession) -> [[Float]] {
        session.namedParameters.map { $0.parameter.grad?.scalars ?? [] }
    }

    /// Trains `steps` steps keeping snapshots every `interval`, recording what each step showed.
    static func train(_ preset: Preset, steps: Int, interval: Int) throws -> (TrainingSession, [Seen]) {
        let session = try TrainingSession(configuration(preset))
        try session.keepSnapshots(interval: interval)
        var seen = [Seen]()
        for _ in 0..<steps {
            let metrics = try session.step()
            seen.append(Seen(loss: metrics.loss, entries: metrics.entries, gradients: gradients(session)))
        }
        return (session, seen)
    }

    @Test(arguments: [Preset.rnnSine, .mlp, .charLSTM, .coinFlip])
    func aReopenedStepIsTheStepAsItRanBitForBit(_ preset: Preset) throws {
        let (session, seen) = try Self.train(preset, steps: 30, interval: 8)
        #expect(session.reopenableSteps == 0..<30)
        for step in [0, 7, 8, 13, 29] {
            let open = try session.reopen(step: step)
            #expect(open.step == step && session.isVisitingThePast)
            try open.runToEnd()
            let again = Seen(loss: open.loss, entries: open.reports, gradients: Self.gradients(session))
            #expect(again == seen[step], "\(preset) step \(step)")
            try session.returnToPresent()
            #expect(session.nextStep == 30 && !session.isVisitingThePast)
        }
    }

    @Test(arguments: [Preset.rnnSine, .charLSTM])
    func aRunThatTravelledEndsExactlyAsOneThatDidNot(_ preset: Preset) throws {
        let (travelled, _) = try Self.train(preset, steps: 20, interval: 6)
        _ = try travelled.reopen(step: 9)
        try travelled.returnToPresent()
        let open = try travelled.reopen(step: 17)
        _ = try open.next()
        try travelled.returnToPresent()
        for _ in 0..<10 { _ = try travelled.step() }

        let straight = try TrainingSession(Self.configuration(preset))
        for _ in 0..<30 { _ = try straight.step() }
        #expect(TrainingSessionTests.parameterValues(travelled) == TrainingSessionTests.parameterValues(straight))
        #expect(try travelled.step().loss == straight.step().loss)
    }

    @Test func stepsOutOfReachAreRefusedNamingTheReachableOnes() throws {
        let (session, _) = try Self.train(.mlp, steps: 10, interval: 4)
        #expect(throws: TrainerError.self) { try session.reopen(step: 10) }
        let plain = try TrainingSession(Self.configuration(.mlp))
        _ = try plain.step()
        #expect(plain.reopenableSteps.isEmpty)
        #expect(throws: TrainerError.self) { try plain.reopen(step: 0) }
    }

    @Test func aModelTooLargeForTheBudgetReachesFewerStepsBackNotMoreMemory() throws {
        let session = try TrainingSession(Self.configuration(.mlp))
        try session.keepSnapshots(interval: 5, reach: 100, budget: 1)
        for _ in 0..<50 { _ = try session.step() }
        // Two snapshots at least, whatever the budget (at 45 and at 50): the steps since the one before the last.
        #expect(session.reopenableSteps == 45..<50)
    }

    @Test func theRingKeepsWhatReachesTheLastStepsAndNoMore() throws {
        let session = try TrainingSession(Self.configuration(.mlp))
        try session.keepSnapshots(interval: 5, reach: 20)
        for _ in 0..<100 { _ = try session.step() }
        // 20 steps back need the snapshots at 80, 85, 90 and 95 (and the one at 100, for the steps to come).
        #expect(session.reopenableSteps == 80..<100)
        let bytes = session.snapshotBytes
        for _ in 0..<3 { _ = try session.step() }
        #expect(session.reopenableSteps == 80..<103 && session.snapshotBytes == bytes)
    }
}
