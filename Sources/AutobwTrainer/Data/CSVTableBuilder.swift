#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Collects a CSV file's data rows, once the header question is settled, and turns them into a `LabeledTable`:
/// features as numbers, the label column as numbers or as class names.
struct CSVTableBuilder {
    let separator: Separator
    let bad: (String) -> TrainerError
    private(set) var label: Int?
    private var names: [String] = []
    private var columns = 0
    private var features: [Float] = []
    private var numericLabels: [Float] = []
    private var textLabels: [String] = []
    /// The first line whose label was a number, and the first whose label was text: both at once is an error.
    private var firstNumericLabelLine: Int?, firstTextLabelLine: Int?

    init(separator: Separator, bad: @escaping (String) -> TrainerError) {
        self.separator = separator
        self.bad = bad
    }

    /// Fixes the columns: their names (from `header`, or `column 1`, ...) and which one is the label.
    mutating func begin(header: [String]?, columns: Int, labelColumn: String?) throws {
        self.columns = columns
        names = header ?? (1...columns).map { "column \($0)" }
        label = try Self.labelIndex(labelColumn, names: names, hasHeader: header != nil, bad: bad)
    }

    /// Appends one data row of already split fields.
    mutating func append(_ fields: [Substring], line: Int) throws {
        guard let label else { return }
        guard fields.count == columns else {
            throw bad("line \(line) has \(fields.count) fields, expected \(columns) (a ragged row)")
        }
        for (column, field) in fields.enumerated() {
            let text = field.trimmingCharacters(in: .whitespaces)
            let value = NumericCSV.number(field, decimalComma: separator.usesDecimalComma)
            if column == label {
                try appendLabel(value, text: text, line: line)
                continue
            }
            guard let value else {
                let missing = text.isEmpty || ["na", "n/a", "nan", "?", "null", "none"].contains(text.lowercased())
                throw bad("line \(line), column \(column + 1): "
                    + (text.isEmpty ? "an empty field" : "'\(text.prefix(40))'")
                    + (missing ? " (a missing value): fill in or drop such rows" : " is not a number"))
            }
            guard value.isFinite else { throw bad("line \(line), column \(column + 1): \(text) is not a finite number") }
            features.append(value)
        }
    }

    private mutating func appendLabel(_ value: Float?, text: String, line: Int) throws {
        if let value, value.isFinite {
            firstNumericLabelLine = firstNumericLabelLine ?? line
            numericLabels.append(value)
        } else if value != nil {
            throw bad("line \(line), column \((label ?? 0) + 1): \(text) is not a finite number")
        } else {
            guard !text.isEmpty else { throw bad("line \(line), column \((label ?? 0) + 1): the label is empty") }
            firstTextLabelLine = firstTextLabelLine ?? line
            textLabels.append(text)
        }
        if let numeric = firstNumericLabelLine, let text = firstTextLabelLine {
            throw bad("label column '\(names[label ?? 0])' mixes numbers (line \(numeric)) and text (line \(text))")
        }
    }

    /// The fast path for a data row of plain numbers: parsed straight from the bytes. Returns false to leave the
    /// row to the general path (before the columns are fixed, quotes, text, anything unusual), which also words
    /// the errors. With spaces as the separator, a tab is a space and runs of them are one separator.
    mutating func appendPlainRow(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, line: Int) throws -> Bool {
        guard let label, firstTextLabelLine == nil else { return false }
        let mark = features.count
        var fieldStart = range.lowerBound, column = 0
        var labelValue: Float = 0
        var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        let collapsesRuns = separator.byte == 0x20
        for index in range.lowerBound...range.upperBound {
            let atEnd = index == range.upperBound
            let byte = atEnd || (collapsesRuns && bytes[index] == 0x09) ? separator.byte : bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            guard byte == separator.byte else { continue }
            var first = fieldStart, last = index
            while first < last && (bytes[first] == 0x20 || bytes[first] == 0x09) { first += 1 }
            while last > first && (bytes[last - 1] == 0x20 || bytes[last - 1] == 0x09) { last -= 1 }
            let length = last - first
            if collapsesRuns && length == 0 && !(atEnd && column < columns) {
                // Between two spaces of a run, or trailing spaces after a complete row.
                fieldStart = index + 1
                if atEnd { return finishPlainRow(column: column, label: labelValue, line: line, mark: mark) }
                continue
            }
            guard length > 0, length < MemoryLayout.size(ofValue: buffer), column < columns else { break }
            let parsed = withUnsafeMutableBytes(of: &buffer) { text -> Float? in
                guard let base = text.baseAddress?.assumingMemoryBound(to: CChar.self) else { return nil }
                for k in 0..<length { base[k] = CChar(bitPattern: bytes[first + k]) }
                base[length] = 0
                var end: UnsafeMutablePointer<CChar>?
                let value = strtof(base, &end)
                guard let end, end == base + length else { return nil }
                return value
            }
            guard let value = parsed, value.isFinite else { break }
            if column == label { labelValue = value } else { features.append(value) }
            column += 1
            fieldStart = index + 1
            if atEnd { return finishPlainRow(column: column, label: labelValue, line: line, mark: mark) }
        }
        features.removeSubrange(mark...)
        return false
    }

    /// Takes a fast-path row whose fields end at `column` when it has every column; else undoes its features
    /// (from `mark` on) and returns false.
    private mutating func finishPlainRow(column: Int, label: Float, line: Int, mark: Int) -> Bool {
        guard column == columns else {
            features.removeSubrange(mark...)
            return false
        }
        firstNumericLabelLine = firstNumericLabelLine ?? line
        numericLabels.append(label)
        return true
    }

    /// The table, as `task` asks or, when nil, with the task its labels imply: text labels are classes;
    /// whole numbers are classes when they are few for the rows (at most 20, and three rows or more each, or
    /// exactly `0..<k` or `1...k`); other numbers are a regression target; whole numbers in between are
    /// ambiguous, and so is a whole number too large to be a class: the error asks for `--task`.
    func table(task requested: LearningTask? = nil) throws -> LabeledTable {
        guard let label else { throw bad("there is a header but no data rows") }
        let column = names[label]
        let featureNames = names.enumerated().filter { $0.offset != label }.map(\.element)
        if !textLabels.isEmpty {
            if requested == .regression { throw bad("label column '\(column)' holds text, not a regression target") }
            let classes = Array(Set(textLabels)).sorted()
            try checkClassCount(classes.count, column: column)
            let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, Float($0)) })
            return LabeledTable(
                featureNames: featureNames, features: features, labels: textLabels.map { index[$0] ?? 0 },
                task: .classification(classes: classes.count), classNames: classes)
        }
        let regression = LabeledTable(featureNames: featureNames, features: features, labels: numericLabels, task: .regression)
        if requested == .regression { return regression }
        let distinct = Array(Set(numericLabels)).sorted()
        if let fraction = distinct.first(where: { $0 != $0.rounded() }) {
            guard requested == .classification else { return regression }
            throw bad("label column '\(column)' holds \(fraction), not a whole number: classes need whole numbers or text")
        }
        // Beyond 2^24 a Float no longer holds every whole number: such a label cannot name a class.
        if let tooLarge = distinct.first(where: { abs($0) > Self.largestClassLabel }) {
            throw bad("label column '\(column)' holds \(Self.describe(tooLarge)), a whole number beyond ±\(Int(Self.largestClassLabel)):"
                + " too large to name a class; if it is a regression target, pass --task regression")
        }
        let rows = numericLabels.count, count = distinct.count
        let fewForTheRows = count <= 2 || (count <= 20 && rows >= 3 * count)
        let isIndex = distinct.first == 0 || distinct.first == 1
        let consecutive = isIndex && distinct.last.map { Int($0) - Int(distinct[0]) + 1 == count } == true && rows >= 3 * count
        if requested == nil && !(fewForTheRows || consecutive) {
            throw bad("label column '\(column)' holds \(count) distinct whole numbers over \(rows) rows"
                + " (\(Self.describe(distinct[0])) to \(Self.describe(distinct[count - 1]))): class labels or a regression"
                + " target? Pass --task classification or --task regression")
        }
        try checkClassCount(count, column: column)
        let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, Float($0)) })
        return LabeledTable(
            featureNames: featureNames, features: features, labels: numericLabels.map { index[$0] ?? 0 },
            task: .classification(classes: count), classNames: distinct.map(Self.describe))
    }

    /// The largest whole-number label that can name a class: 2^24, below which a Float holds every integer.
    static let largestClassLabel: Float = 16_777_216

    /// A label as the file would write it: `7`, `-1`, `1e+19`.
    static func describe(_ value: Float) -> String {
        abs(value) <= largestClassLabel && value == value.rounded() ? String(Int(value)) : "\(value)"
    }

    private func checkClassCount(_ count: Int, column: String) throws {
        guard count >= 2 else { throw bad("label column '\(column)' holds a single class") }
        guard count <= NumericCSV.maximumClasses else {
            throw bad("label column '\(column)' has \(count) distinct labels, more than \(NumericCSV.maximumClasses)"
                + " classes; is it an id or a name? Choose the label with --label-column")
        }
    }

    /// Header names that mark the label column when `--label-column` is not given. Not `y`: in `x,y,colour` it
    /// is a coordinate.
    static let labelNames: Set<String> = ["label", "labels", "target", "class"]

    private static func labelIndex(
        _ requested: String?, names: [String], hasHeader: Bool, bad: (String) -> TrainerError
    ) throws -> Int {
        guard let requested else {
            // A header column that calls itself the label is it, wherever it stands (MNIST's CSV puts it first).
            let named = names.indices.filter { labelNames.contains(names[$0].lowercased()) }
            return hasHeader && named.count == 1 ? named[0] : names.count - 1
        }
        if hasHeader, let index = names.firstIndex(of: requested) { return index }
        if let position = Int(requested), (1...names.count).contains(position) { return position - 1 }
        throw bad("no label column '\(requested)' (columns: \(names.prefix(12).joined(separator: ", ")))")
    }
}
