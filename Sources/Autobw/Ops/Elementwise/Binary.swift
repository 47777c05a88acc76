import Foundation

/// Elementwise functions of two tensors, broadcasting with NumPy's rules; each gradient is summed back to its
/// input's shape.
extension Tensor {
    /// The larger of `a` and `b` at each position; where they tie the gradient is split evenly, as in PyTorch.
    public static func maximum(_ a: Tensor, _ b: Tensor, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try binary(
            .maximum, a, b, file, line, { Swift.max($0, $1) },
            { a, b, _ in a > b ? 1 : a == b ? 0.5 : 0 }, { a, b, _ in b > a ? 1 : a == b ? 0.5 : 0 })
    }

    /// The smaller of `a` and `b` at each position; ties split the gradient evenly.
    public static func minimum(_ a: Tensor, _ b: Tensor, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try binary(
            .minimum, a, b, file, line, { Swift.min($0, $1) },
            { a, b, _ in a < b ? 1 : a == b ? 0.5 : 0 }, { a, b, _ in b < a ? 1 : a == b ? 0.5 : 0 })
    }

    /// `self ^ exponent` elementwise; the exponent's gradient is `y log(x)` where `x > 0` and 0 elsewhere.
    public func pow(_ exponent: Tensor, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try Tensor.binary(
            .powTensor, self, exponent, file, line, { Foundation.pow($0, $1) },
            { x, p, _ in p * Foundation.pow(x, p - 1) }, { x, _, y in x > 0 ? y * Foundation.log(x) : 0 })
    }

    /// `a` where `condition` is non-zero, `b` elsewhere; the gradient goes to whichever was chosen. The
    /// condition is a constant.
    public static func `where`(
        _ condition: Tensor, _ a: Tensor, _ b: Tensor, file: StaticString = #fileID, line: UInt = #line
    ) throws -> Tensor {
        let shape = try Shape.broadcast(try Shape.broadcast(condition.shape, a.shape, op: "where"), b.shape, op: "where")
        let mask = Elementwise.expand(condition.detached(), to: shape)
        let (ea, eb) = (Elementwise.expand(a.detached(), to: shape), Elementwise.expand(b.detached(), to: shape))
        let out = Tensor.uninitialized(shape)
        for i in 0..<out.count { out.pointer[i] = mask.pointer[i] != 0 ? ea.pointer[i] : eb.pointer[i] }
        return try out.recorded(
            .where, at: CallSite(file, line), inputs: Operands(a, b), saving: Operands(mask),
            backward: { [sa = a.shape, sb = b.shape] ctx in
                let (mask, g) = (ctx.saved[0], ctx.grad)
                return Operands(
                    Elementwise.sum(Elementwise.zipSame(g, mask) { $1 != 0 ? $0 : 0 }, to: sa),
                    Elementwise.sum(Elementwise.zipSame(g, mask) { $1 != 0 ? 0 : $0 }, to: sb))
            })
    }

    /// `c / x` for every element.
    public static func / (c: Float, x: Tensor) throws -> Tensor {
        try x.elementwise(.rdivScalar, #fileID, #line, { c / $0 }, { x, y in -y / x })
    }

    /// `f(a, b)` with broadcasting; the backward multiplies the gradient by `da(a, b, y)` and `db(a, b, y)` at
    /// each output position and sums back to each input's shape.
    static func binary(
        _ op: OpName, _ a: Tensor, _ b: Tensor, _ file: StaticString, _ line: UInt, _ f: (Float, Float) -> Float,
        _ da: @escaping @Sendable (Float, Float, Float) -> Float, _ db: @escaping @Sendable (Float, Float, Float) -> Float
    ) throws -> Tensor {
        let y = try Elementwise.zip(a, b, op: op.rawValue, f)
        return try y.recorded(
            op, at: CallSite(file, line), inputs: Operands(a, b), saving: Operands([a, b, y]),
            backward: { ctx in
                let (a, b, y, g) = (ctx.saved[0], ctx.saved[1], ctx.saved[2], ctx.grad)
                let ea = Elementwise.expand(a, to: y.shape), eb = Elementwise.expand(b, to: y.shape)
                func gradient(_ derivative: (Float, Float, Float) -> Float, to shape: [Int]) -> Tensor {
                    let out = Tensor.uninitialized(y.shape)
                    for i in 0..<out.count {
                        out.pointer[i] = g.pointer[i] * derivative(ea.pointer[i], eb.pointer[i], y.pointer[i])
                    }
                    return Elementwise.sum(out, to: shape)
                }
                return Operands(
                    ctx.needsGradient(0) ? gradient(da, to: a.shape) : nil,
                    ctx.needsGradient(1) ? gradient(db, to: b.shape) : nil)
            })
    }
}
