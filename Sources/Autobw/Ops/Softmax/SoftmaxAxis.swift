/// Softmax and log-softmax along any axis: the axis moved last, the row-wise kernel, and moved back (three
/// entries on the tape; the last axis needs only the one).
extension Tensor {
    /// `exp(x) / sum(exp(x))` along `axis`.
    public func softmax(axis: Int, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try alongLastAxis(axis, op: "softmax", file, line) { try $0.softmax(file: file, line: line) }
    }

    /// `x - log(sum(exp(x)))` along `axis`.
    public func logSoftmax(axis: Int, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try alongLastAxis(axis, op: "logSoftmax", file, line) { try $0.logSoftmax(file: file, line: line) }
    }

    private func alongLastAxis(
        _ axis: Int, op: String, _ file: StaticString, _ line: UInt, _ body: (Tensor) throws -> Tensor
    ) throws -> Tensor {
        let at = try Shape.axis(axis, rank: rank, op: op)
        if at == rank - 1 { return try body(self) }
        return try body(try transposed(at, rank - 1, file: file, line: line)).transposed(at, rank - 1, file: file, line: line)
    }
}
