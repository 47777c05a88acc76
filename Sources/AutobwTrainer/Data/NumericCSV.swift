#if canImport(Glibc)
import Glibc
#endif
import Autobw
import Foundation

/// Reads a CSV file of numeric features and a label into a `LabeledTable`.
///
/// The separator is whichever of comma, semicolon and tab the first line holds most of (outside quotes). The
/// first line is a header when some column holds text there and a number on the next line. The label is the
/// column `labelColumn` names (by header name, or by 1-based position), else the one headed `label`, `target`
/// or `class`, else the last. Labels may be text (`setosa`, `M`): each distinct text is a class, in sorted
/// order. Whole-number labels with few distinct values (at most 20, or one per two rows, and never more than
/// `maximumClasses`) are classes too (sorted: `-1, 1` are classes 0 and 1); anything else is a regression
/// target. Fields may be quoted; blank lines are skipped. Every problem is an error naming the file, line and
/// column.
///
/// A small reader of its own rather than a CSV package: it parses numbers straight from the mapped bytes
/// (100 MB of numbers in a few seconds here) and adds no dependency to every build.
public enum NumericCSV {
    /// More distinct whole-number labels than this mean a regression target (prices, counts, ids), not classes.
    public static let maximumClasses = 1_000

    /// The table in the CSV file at `path`, plain or gzip-compressed.
    /// - Throws: `TrainerError.unreadableInput`, or `.badData` naming the line and column (or corrupt gzip data).
    public static func read(path: String, labelColumn: String? = nil) throws -> LabeledTable {
        var data = try TrainerError.readInput(path)
        if Gzip.isCompressed(data) { data = try Gzip.decompress(data, path: path) }
        return try data.withUnsafeBytes { try parse(UnsafeRawBufferPointer($0), path: path, labelColumn: labelColumn) }
    }

    static func parse(_ bytes: UnsafeRawBufferPointer, path: String, labelColumn: String?) throws -> LabeledTable {
        func bad(_ detail: String) -> TrainerError { .badData(path: path, detail: detail) }
        let separator = Separator.detect(in: bytes)
        var reader = CSVTableBuilder(separator: separator, bad: bad)
        // The first line waits for the second: only together do they tell a header from data.
        var firstLine: (number: Int, fields: [String])?
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
            if try reader.appendPlainRow(bytes, start..<lineEnd, line: lineNumber) { continue }
            guard let line = String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<lineEnd]), as: UTF8.self)
            else {
                throw bad("line \(lineNumber) is not UTF-8 text"
                    + (lineNumber == 1 ? " (a binary file? the mlp preset reads CSV text or MNIST's IDX files)" : ""))
            }
            if line.allSatisfy(\.isWhitespace) { continue }
            fields.removeAll(keepingCapacity: true)
            try split(line, separator: separator.character, into: &fields, line: lineNumber, bad: bad)
            guard let first = firstLine else {
                guard fields.count >= 2 else {
                    throw bad("line \(lineNumber) has \(fields.count) column; a table needs features and a label"
                        + " (separated by commas, semicolons or tabs)")
                }
                firstLine = (lineNumber, fields.map { $0.trimmingCharacters(in: .whitespaces) })
                continue
            }
            if reader.label == nil {
                guard fields.count == first.fields.count else {
                    throw bad("line \(lineNumber) has \(fields.count) fields, expected \(first.fields.count) (a ragged row)")
                }
                let decimalComma = separator.usesDecimalComma
                let isHeader = zip(first.fields, fields).contains {
                    number(Substring($0), decimalComma: decimalComma) == nil && number($1, decimalComma: decimalComma) != nil
                }
                try reader.begin(header: isHeader ? first.fields : nil, columns: first.fields.count, labelColumn: labelColumn)
                if !isHeader { try reader.append(first.fields.map { Substring($0) }, line: first.number) }
            }
            try reader.append(fields, line: lineNumber)
        }
        guard let first = firstLine else { throw bad("the file is empty") }
        if reader.label == nil {
            // A single line: data if it is all numbers, else a header over nothing.
            guard first.fields.allSatisfy({ number(Substring($0), decimalComma: separator.usesDecimalComma) != nil })
            else { throw bad("there is a header but no data rows") }
            try reader.begin(header: nil, columns: first.fields.count, labelColumn: labelColumn)
            try reader.append(first.fields.map { Substring($0) }, line: first.number)
        }
        return try reader.table()
    }

    /// Fields separated by `separator`; a field in double quotes may hold separators and `""` for a quote.
    static func split(
        _ line: String, separator: Character, into fields: inout [Substring], line number: Int,
        bad: (String) -> TrainerError
    ) throws {
        // Spaces around a quoted field are padding; so are tabs, unless they separate the fields.
        let isPadding = { (character: Character) in character == " " || (character == "\t" && separator != "\t") }
        var rest = Substring(line)
        while true {
            let trimmed = rest.drop(while: isPadding)
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
                rest = trimmed[index...].drop(while: isPadding)
                guard let next = rest.first else { return }
                guard next == separator else { throw bad("line \(number): text after a quoted field") }
                rest = rest.dropFirst()
            } else if let end = rest.firstIndex(of: separator) {
                fields.append(rest[..<end])
                rest = rest[rest.index(after: end)...]
            } else {
                fields.append(rest)
                return
            }
        }
    }

    /// The number in `field` (surrounding spaces allowed), or nil.
    /// With `decimalComma` (a semicolon-separated file, as European spreadsheets write them), `7,4` is 7.4.
    static func number(_ field: Substring, decimalComma: Bool = false) -> Float? {
        var trimmed = field.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        if decimalComma, !trimmed.contains("."), trimmed.filter({ $0 == "," }).count == 1 {
            trimmed = trimmed.replacingOccurrences(of: ",", with: ".")
        }
        return trimmed.withCString { pointer -> Float? in
            var end: UnsafeMutablePointer<CChar>?
            let value = strtof(pointer, &end)
            guard let end, end != UnsafeMutablePointer(mutating: pointer), end.pointee == 0 else { return nil }
            return value
        }
    }
}

/// The character between fields: whichever of comma, semicolon and tab the first non-blank line holds most of
/// outside quotes (a comma when it holds none), so European CSV exports and TSV files read as they are.
struct Separator {
    let byte: UInt8
    var character: Character { Character(Unicode.Scalar(byte)) }
    /// Semicolons separate fields where a comma is the decimal mark.
    var usesDecimalComma: Bool { byte == UInt8(ascii: ";") }

    static func detect(in bytes: UnsafeRawBufferPointer) -> Separator {
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]
        var counts = [0, 0, 0], quoted = false, sawText = false
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if sawText { break }
                continue
            }
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if byte != 0x20 && byte != UInt8(ascii: "\r") { sawText = true }
            if !quoted, let index = candidates.firstIndex(of: byte) { counts[index] += 1 }
        }
        let best = counts.indices.max { counts[$0] < counts[$1] } ?? 0
        return Separator(byte: counts[best] > 0 ? candidates[best] : candidates[0])
    }
}
