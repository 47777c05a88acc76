#if canImport(Glibc)
import Glibc
#endif
import Autobw
import Foundation

/// Reads a CSV file of numbers into a `LabeledTable`.
///
/// A first row with any non-numeric field is a header. The label is the last column unless `labelColumn` names
/// one (by header name, or by 1-based position). Labels that are all whole numbers `0...` mean classification
/// (classes `0..<max + 1`); any other label means regression. Fields may be quoted; blank lines are skipped.
/// Every problem is an error naming the file, line and column.
///
/// A small reader of its own rather than a CSV package: it parses numbers straight from the mapped bytes
/// (100 MB of numbers in a few seconds here) and adds no dependency to every build.
public enum NumericCSV {
    /// More classes than this are refused (the labels are probably regression targets or ids).
    public static let maximumClasses = 10_000

    /// The table in the CSV file at `path`.
    /// - Throws: `TrainerError.unreadableInput` or `.badData` naming the line and column.
    public static func read(path: String, labelColumn: String? = nil) throws -> LabeledTable {
        let data = try TrainerError.readInput(path)
        return try data.withUnsafeBytes { try parse(UnsafeRawBufferPointer($0), path: path, labelColumn: labelColumn) }
    }

    static func parse(_ bytes: UnsafeRawBufferPointer, path: String, labelColumn: String?) throws -> LabeledTable {
        func bad(_ detail: String) -> TrainerError { .badData(path: path, detail: detail) }
        var header: [String]?
        var columns = 0
        var values = [Float]()
        var lineNumber = 0, start = 0
        var fields = [Substring]()
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            lineNumber += 1
            var lineEnd = end
            if lineEnd > start && bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            defer { start = end + 1 }
            guard lineEnd > start else { continue }
            if columns > 0, try appendPlainRow(
                bytes, start..<lineEnd, columns: columns, into: &values, line: lineNumber, bad: bad)
            {
                continue
            }
            guard let line = String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<lineEnd]), as: UTF8.self)
            else { throw bad("line \(lineNumber) is not UTF-8 text") }
            if line.allSatisfy(\.isWhitespace) { continue }
            fields.removeAll(keepingCapacity: true)
            try split(line, into: &fields, line: lineNumber, bad: bad)
            if columns == 0 {
                columns = fields.count
                guard columns >= 2 else {
                    throw bad("line \(lineNumber) has \(columns) column; a table needs features and a label")
                }
                if fields.contains(where: { number($0) == nil }) {
                    header = fields.map { String($0).trimmingCharacters(in: .whitespaces) }
                    continue
                }
            }
            guard fields.count == columns else {
                throw bad("line \(lineNumber) has \(fields.count) fields, expected \(columns) (a ragged row)")
            }
            for (column, field) in fields.enumerated() {
                guard let value = number(field) else {
                    throw bad("line \(lineNumber), column \(column + 1): '\(field.prefix(40))' is not a number")
                }
                guard value.isFinite else {
                    throw bad("line \(lineNumber), column \(column + 1): \(field.trimmingCharacters(in: .whitespaces)) is not a finite number")
                }
                values.append(value)
            }
        }
        guard columns > 0 else { throw bad("the file is empty") }
        let rows = values.count / columns
        guard rows > 0 else { throw bad("there is a header but no data rows") }
        let names = header ?? (1...columns).map { "column \($0)" }
        let label = try labelIndex(labelColumn, names: names, hasHeader: header != nil, bad: bad)
        var features = [Float](), labels = [Float]()
        features.reserveCapacity(rows * (columns - 1))
        labels.reserveCapacity(rows)
        for row in 0..<rows {
            for column in 0..<columns {
                let value = values[row * columns + column]
                if column == label { labels.append(value) } else { features.append(value) }
            }
        }
        return LabeledTable(
            featureNames: names.enumerated().filter { $0.offset != label }.map(\.element), features: features,
            labels: labels, task: try task(of: labels, column: names[label], bad: bad))
    }

    /// The fast path for a data row without quotes: numbers parsed straight from the bytes. Returns false to
    /// leave the row to the general path (quotes, blank lines, anything unusual), which also words the errors.
    private static func appendPlainRow(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, columns: Int, into values: inout [Float], line: Int,
        bad: (String) -> TrainerError
    ) throws -> Bool {
        let mark = values.count
        var fieldStart = range.lowerBound, column = 0
        var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        for index in range.lowerBound...range.upperBound {
            let atEnd = index == range.upperBound
            let byte = atEnd ? UInt8(ascii: ",") : bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            guard byte == UInt8(ascii: ",") else { continue }
            var first = fieldStart, last = index
            while first < last && (bytes[first] == 0x20 || bytes[first] == 0x09) { first += 1 }
            while last > first && (bytes[last - 1] == 0x20 || bytes[last - 1] == 0x09) { last -= 1 }
            let length = last - first
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
            values.append(value)
            column += 1
            fieldStart = index + 1
            if atEnd {
                guard column == columns else { break }
                return true
            }
        }
        values.removeSubrange(mark...)
        return false
    }

    /// Fields separated by commas; a field in double quotes may hold commas and `""` for a quote.
    private static func split(
        _ line: String, into fields: inout [Substring], line number: Int, bad: (String) -> TrainerError
    ) throws {
        var rest = Substring(line)
        while true {
            let trimmed = rest.drop { $0 == " " || $0 == "\t" }
            if trimmed.first == "\"" {
                var text = "", index = trimmed.index(after: trimmed.startIndex), closed = false
                while index < trimmed.endIndex {
                    let character = trimmed[index]
                    index = trimmed.index(after: index)
                    if character == "\"" {
                        if index < trimmed.endIndex && trimmed[index] == "\"" {
                            text.append("\"")
                            index = trimmed.index(after: index)
                        } else {
                            closed = true
                            break
                        }
                    } else {
                        text.append(character)
                    }
                }
                guard closed else { throw bad("line \(number): a quoted field is not closed") }
                fields.append(Substring(text))
                rest = trimmed[index...].drop { $0 == " " || $0 == "\t" }
                guard let next = rest.first else { return }
                guard next == "," else { throw bad("line \(number): text after a quoted field") }
                rest = rest.dropFirst()
            } else if let comma = rest.firstIndex(of: ",") {
                fields.append(rest[..<comma])
                rest = rest[rest.index(after: comma)...]
            } else {
                fields.append(rest)
                return
            }
        }
    }

    /// The number in `field` (surrounding spaces allowed), or nil.
    static func number(_ field: Substring) -> Float? {
        let trimmed = field.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        return trimmed.withCString { pointer -> Float? in
            var end: UnsafeMutablePointer<CChar>?
            let value = strtof(pointer, &end)
            guard let end, end != UnsafeMutablePointer(mutating: pointer), end.pointee == 0 else { return nil }
            return value
        }
    }

    private static func labelIndex(
        _ requested: String?, names: [String], hasHeader: Bool, bad: (String) -> TrainerError
    ) throws -> Int {
        guard let requested else { return names.count - 1 }
        if hasHeader, let index = names.firstIndex(of: requested) { return index }
        if let position = Int(requested), (1...names.count).contains(position) { return position - 1 }
        throw bad("no label column '\(requested)' (columns: \(names.prefix(12).joined(separator: ", ")))")
    }

    private static func task(of labels: [Float], column: String, bad: (String) -> TrainerError) throws -> LabeledTable.Task {
        guard labels.allSatisfy({ $0 == $0.rounded() }) else { return .regression }
        if let negative = labels.first(where: { $0 < 0 }) {
            throw bad("label column '\(column)' has \(Int(negative)): class labels must be 0, 1, 2, ...")
        }
        let classes = Int(labels.max() ?? 0) + 1
        guard classes <= maximumClasses else {
            throw bad("label column '\(column)' has labels up to \(classes - 1), more than \(maximumClasses) classes;"
                + " for regression targets, use a column that is not all whole numbers")
        }
        guard classes >= 2 else { throw bad("label column '\(column)' holds a single class") }
        return .classification(classes: classes)
    }
}
