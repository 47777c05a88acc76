#if canImport(Glibc)
import Glibc
#endif
import Autobw
import Foundation

/// Reads a CSV file of numeric features and a label into a `LabeledTable`.
///
/// The separator is whichever of comma, semicolon and tab the first line holds most of (outside quotes); a first
/// line with none of them but several words separates fields by runs of spaces (UCI's `housing.data`). When the
/// first line ends with a separator, so may every line (spreadsheet exports): that empty last field is no
/// column. The first line is a header when some column holds text there and a number on the next line. The
/// label is the column `labelColumn` names (by header name, or by 1-based position), else the one headed
/// `label`, `target` or `class`, else the last. Labels may be text (`setosa`, `M`): each distinct text is a
/// class, in sorted order. Whole-number labels with few distinct values for the rows (see
/// `CSVTableBuilder.table(task:)`) are classes too (sorted: `-1, 1` are classes 0 and 1); fractions are a regression
/// target; other whole numbers are ambiguous and need `task`. Fields may be quoted; blank lines are skipped. Every
/// problem is an error naming the file, line and column.
///
/// A small reader of its own rather than a CSV package: it parses numbers straight from the mapped bytes
/// (100 MB of numbers in a few seconds here) and adds no dependency to every build.
public enum NumericCSV {
    /// At most this many classes: more distinct labels are ids, names or a regression target, not classes.
    public static let maximumClasses = 1_000

    /// The table in the CSV file at `path`: UTF-8, or UTF-16 with a byte-order mark; plain or gzip-compressed.
    /// - Throws: `TrainerError.unreadableInput`, or `.badData` naming the line and column (or corrupt gzip data).
    public static func read(path: String, labelColumn: String? = nil, task: LearningTask? = nil) throws -> LabeledTable {
        var data = try TrainerError.readInput(path)
        if Gzip.isCompressed(data) { data = try Gzip.decompress(data, path: path) }
        // Excel's "Unicode Text" export: UTF-16 with a byte-order mark (and tabs between fields). Binary data
        // after two bytes that look like a mark decodes too, but not to text with digits and no NUL: it is left
        // to the UTF-8 reader, which names it.
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]), let text = String(data: data, encoding: .utf16),
            !text.unicodeScalars.contains("\u{0}"), text.unicodeScalars.contains(where: { ("0"..."9").contains($0) })
        {
            data = Data(text.utf8)
        }
        // Classic Mac OS line endings (a lone CR, as old Excel for Mac saves CSV): one line each, as LF would be.
        if !data.contains(UInt8(ascii: "\n")), data.contains(UInt8(ascii: "\r")) {
            data = Data(data.map { $0 == UInt8(ascii: "\r") ? UInt8(ascii: "\n") : $0 })
        }
        return try data.withUnsafeBytes {
            try parse(UnsafeRawBufferPointer($0), path: path, labelColumn: labelColumn, task: task)
        }
    }

    static func parse(
        _ file: UnsafeRawBufferPointer, path: String, labelColumn: String?, task: LearningTask? = nil
    ) throws -> LabeledTable {
        func bad(_ detail: String) -> TrainerError { .badData(path: path, detail: detail) }
        // Excel's "CSV UTF-8" starts with a byte-order mark, which would otherwise open the first column's name.
        let bytes = file.starts(with: [0xEF, 0xBB, 0xBF]) ? UnsafeRawBufferPointer(rebasing: file[3...]) : file
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
            if separator.endsLines { lineEnd = Separator.droppingTrailingSeparator(bytes, start..<lineEnd, separator.byte) }
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
                        + " (separated by commas, semicolons, tabs or spaces)")
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
        return try reader.table(task: task)
    }

    /// Fields separated by `separator`; a field in double quotes may hold separators and `""` for a quote. With
    /// a space as the separator, runs of spaces and tabs separate fields (and quotes are not special).
    static func split(
        _ line: String, separator: Character, into fields: inout [Substring], line number: Int,
        bad: (String) -> TrainerError
    ) throws {
        if separator == " " {
            fields.append(contentsOf: line.split(whereSeparator: { $0 == " " || $0 == "\t" }))
            return
        }
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
/// outside quotes, so European CSV exports and TSV files read as they are; without any, runs of spaces when the
/// line has several words, else a comma.
struct Separator {
    let byte: UInt8
    /// Whether the first line ends with the separator, so that every line may (an empty last field is no column).
    var endsLines = false
    var character: Character { Character(Unicode.Scalar(byte)) }
    /// Semicolons separate fields where a comma is the decimal mark.
    var usesDecimalComma: Bool { byte == UInt8(ascii: ";") }

    static func detect(in bytes: UnsafeRawBufferPointer) -> Separator {
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]
        var counts = [0, 0, 0], quoted = false
        var line = 0..<0, start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") || index == bytes.count - 1 {
            let end = byte == UInt8(ascii: "\n") ? index : index + 1
            if bytes[start..<end].contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != UInt8(ascii: "\r") }) {
                line = start..<end
                break
            }
            start = index + 1
        }
        for byte in bytes[line] {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if !quoted, let index = candidates.firstIndex(of: byte) { counts[index] += 1 }
        }
        let best = counts.indices.max { counts[$0] < counts[$1] } ?? 0
        if counts[best] > 0 {
            var separator = Separator(byte: candidates[best])
            let trimmed = trimmingSpaces(bytes, line)
            separator.endsLines = !trimmed.isEmpty && bytes[trimmed.upperBound - 1] == separator.byte
            return separator
        }
        let words = bytes[trimmingSpaces(bytes, line)].split(whereSeparator: { $0 == 0x20 || $0 == 0x09 }).count
        return Separator(byte: words > 1 ? 0x20 : candidates[0])
    }

    /// `range` without spaces, tabs and carriage returns at either end.
    static func trimmingSpaces(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Range<Int> {
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == UInt8(ascii: "\r") }
        var (lower, upper) = (range.lowerBound, range.upperBound)
        while lower < upper && isSpace(bytes[lower]) { lower += 1 }
        while upper > lower && isSpace(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// The end of the line `range` without one separator `byte` at its end (spaces around it dropped too).
    static func droppingTrailingSeparator(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ byte: UInt8) -> Int {
        let trimmed = trimmingSpaces(bytes, range)
        guard !trimmed.isEmpty, bytes[trimmed.upperBound - 1] == byte else { return range.upperBound }
        return trimmed.upperBound - 1
    }
}
