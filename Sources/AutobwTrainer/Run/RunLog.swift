import Autobw
import Foundation

/// A run log: what `autobw watch` shows, written by any training loop (this project's `SummaryWriter`).
///
/// JSON Lines in the format `autobw-log-1` (README, "Run logs"; `docs/run-log.schema.json`): a header line
/// naming the run, then lines of one step each with scalars by name (`loss`, a learning rate, anything),
/// optionally each parameter's gradient norm (`grad_norms`), each tape entry's (`entry_norms`) and the step's
/// whole tape (`tape`, a tape dump). `autobw train --metrics` writes the same format. Every line is appended
/// whole with one write, so a reader never sees half of one.
///
/// Keep your own loop and replace `tape.backward(from: loss)` with `log.backward(step:tape:loss:)`: the
/// gradients accumulate as `backward` would leave them, and the step's figures are logged.
public final class RunLog {
    /// The format's name and version, in every header.
    public static let format = "autobw-log-1"

    private let writer: MetricsWriter
    /// The run's name, as the header states it.
    public let name: String

    /// A new log at `path` (replacing a file there), its header naming the run `name` (and, when known, the
    /// step it stops after and other details, such as `"seed": "3"`).
    /// - Throws: `TrainerError.unwritableOutput` when the file cannot be created.
    public convenience init(path: String, name: String, steps: Int? = nil, details: [String: String] = [:]) throws {
        try self.init(writer: MetricsWriter(path: path), name: name, header: Self.header(name: name, steps: steps, details: details))
    }

    init(writer: MetricsWriter, name: String, header: String) throws {
        self.writer = writer
        self.name = name
        try writer.write(header)
    }

    deinit { writer.close() }

    /// The header line: the format, autobw's version, the run's name, the last step and `details`.
    static func header(name: String, steps: Int?, details: [String: String], numbers: [String: Int] = [:]) -> String {
        var fields = ["\"autobw\":\(json(AutobwVersion.current))", "\"format\":\(json(format))", "\"preset\":\(json(name))"]
        if let steps { fields.append("\"steps\":\(steps)") }
        for (key, value) in numbers.sorted(by: { $0.key < $1.key }) { fields.append("\(json(key)):\(value)") }
        for (key, value) in details.sorted(by: { $0.key < $1.key }) { fields.append("\(json(key)):\(json(value))") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// Logs step `step`: `scalars` in the order given (non-finite values as `"nan"`, `"inf"`, `"-inf"`), and
    /// optionally each parameter's gradient norm, each entry's (nil where an entry received none) and the tape.
    /// - Throws: `TrainerError.unwritableOutput` when the write fails.
    public func log(
        step: Int, scalars: KeyValuePairs<String, Double>, parameterNorms: [ParameterNorm] = [], entryNorms: [Float?]? = nil,
        tape: TapeDump? = nil
    ) throws {
        try log(step: step, scalars: scalars.map { ($0.key, Self.number($0.value)) }, parameterNorms: parameterNorms,
                entryNorms: entryNorms, tape: tape)
    }

    /// `log` with scalars already written as JSON numbers (the driver keeps its fields' text exactly).
    func log(step: Int, scalars: [(String, String)], parameterNorms: [ParameterNorm], entryNorms: [Float?]?, tape: TapeDump?) throws {
        var fields = ["\"step\":\(step)"] + scalars.map { "\(Self.json($0.0)):\($0.1)" }
        if !parameterNorms.isEmpty {
            let pairs = parameterNorms.map { "\(Self.json($0.name)):\(Self.number($0.norm))" }
            fields.append("\"grad_norms\":{" + pairs.joined(separator: ",") + "}")
        }
        if let entryNorms {
            fields.append("\"entry_norms\":[" + entryNorms.map { $0.map(Self.number) ?? "null" }.joined(separator: ",") + "]")
        }
        if let tape { fields.append("\"tape\":" + String(decoding: try tape.encoded(), as: UTF8.self)) }
        try writer.write("{" + fields.joined(separator: ",") + "}")
    }

    /// Replays `tape` from `loss` in place of `tape.backward(from: loss)` (the gradients accumulate exactly as
    /// backward's; the replay is stepped, so it costs a little more) and logs the step: its loss and `scalars`,
    /// each parameter's gradient norm (in `model`'s order when given, else in the order the forward pass first
    /// used them), each entry's incoming gradient norm, and with `logsTape` the whole tape for `autobw watch`'s
    /// tape panel and debugger.
    /// - Throws: the replay's errors, or `TrainerError.unwritableOutput`.
    public func backward(
        step: Int, tape: Tape, loss: Tensor, model: Module? = nil, scalars: KeyValuePairs<String, Double> = [:],
        logsTape: Bool = false
    ) throws {
        let replay = try tape.replay(from: loss)
        var gradients = TapeDump.GradientStatistics()
        while let replayed = try replay.step() { gradients.note(replayed) }
        let value = try loss.item()
        let dump = TapeDump.stepped(replay, gradients: gradients, name: name, step: step, loss: value)
        let entryNorms = dump.entries.map { $0.outputGradients?.first?.norm }
        let used = dump.entries.flatMap(\.entry.inputSources).compactMap { source -> String? in
            if case .parameter(let name) = source { return name } else { return nil }
        }
        var order = model?.namedParameters().map(\.name) ?? []
        for name in used where !order.contains(name) { order.append(name) }
        let final = Dictionary(gradients.parameters.map { ($0.name, $0.statistics.norm) }) { $1 }
        try log(
            step: step, scalars: [("loss", Self.number(value))] + scalars.map { ($0.key, Self.number($0.value)) },
            parameterNorms: order.compactMap { name in final[name].map { ParameterNorm(name: name, norm: $0) } },
            entryNorms: entryNorms, tape: logsTape ? dump : nil)
    }

    /// A JSON number, or the strings `"nan"`, `"inf"`, `"-inf"` (JSON has no non-finite numbers).
    static func number(_ value: Double) -> String {
        if value.isNaN { return "\"nan\"" }
        if value.isInfinite { return value > 0 ? "\"inf\"" : "\"-inf\"" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// A Float as the shortest JSON number that reads back as it, or a non-finite value's string.
    static func number(_ value: Float) -> String {
        value.isFinite ? (value == value.rounded() && abs(value) < 1e7 ? String(Int(value)) : String(value)) : number(Double(value))
    }

    /// `text` as a JSON string literal.
    static func json(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [])) ?? Data("[\"\"]".utf8)
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }
}
