import Autobw

/// What a debugger shows of one replayed entry: the entry, statistics and a few values of the gradient it
/// received, statistics of what it sent to each input, and the gradient accumulated so far in each parameter it
/// touched. Only statistics and a handful of values: it is kept for every entry of a replay.
public struct ReplayedEntry: Sendable, Equatable {
    /// The entry as recorded.
    public var entry: TapeEntryInfo
    /// Statistics of the gradient of each output.
    public var incoming: [TensorStatistics]
    /// The first few values of the first output's gradient (empty when not known, e.g. from a dump).
    public var incomingValues: [Float]
    /// Statistics of the gradient sent to each input; nil where none was sent.
    public var sent: [TensorStatistics?]
    /// Each parameter among the inputs, by name, with statistics of its gradient accumulated so far.
    public var parameters: [NamedStatistics]
    /// Histograms of the gradient of each output (empty when not known, e.g. from a dump).
    public var incomingHistograms: [ValueHistogram] = []
    /// Histograms of the gradient sent to each input; nil where none was sent (empty when not known).
    public var sentHistograms: [ValueHistogram?] = []

    /// An entry's view.
    public init(
        entry: TapeEntryInfo, incoming: [TensorStatistics], incomingValues: [Float], sent: [TensorStatistics?],
        parameters: [NamedStatistics]
    ) {
        self.entry = entry
        self.incoming = incoming
        self.incomingValues = incomingValues
        self.sent = sent
        self.parameters = parameters
    }

    /// Values of the incoming gradient a debugger keeps to scroll through.
    public static let valueSliceLength = 256

    /// The view of a live replay step: with `histograms`, those of each gradient received and sent, and the first
    /// `valueCount` values of the first output's gradient.
    /// - Parameter entry: the step's entry (`step.entry`), when the caller has its description already: building
    ///   one costs more than the rest of the view of a small entry.
    public init(_ step: ReplayStep, entry: TapeEntryInfo? = nil, valueCount: Int = valueSliceLength, histograms: Bool = true) {
        let incoming = step.incoming, sent = step.sent
        self.init(
            entry: entry ?? step.entry, incoming: incoming.map { $0.statistics() },
            incomingValues: incoming.first?.withUnsafeBufferPointer { Array($0.prefix(valueCount)) } ?? [],
            sent: sent.map { $0?.statistics() },
            parameters: step.parameterGradients.map { NamedStatistics(name: $0.name, statistics: $0.gradient.statistics()) })
        if histograms {
            incomingHistograms = incoming.map { $0.histogram() }
            sentHistograms = sent.map { $0?.histogram() }
        }
    }

    /// Whether every gradient received and sent is finite.
    public var isFinite: Bool { incoming.allSatisfy(\.isFinite) && sent.allSatisfy { $0?.isFinite ?? true } }
}

/// Statistics of a named tensor, such as a parameter's gradient.
public struct NamedStatistics: Sendable, Equatable, Codable {
    /// The name (`lstm.l1.wx`).
    public var name: String
    /// The statistics.
    public var statistics: TensorStatistics

    /// A named statistics value.
    public init(name: String, statistics: TensorStatistics) {
        self.name = name
        self.statistics = statistics
    }
}
