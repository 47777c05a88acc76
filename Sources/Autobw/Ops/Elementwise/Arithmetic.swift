/// Addition, subtraction, multiplication, division and negation, with broadcasting.
///
/// Each operator records one entry; its backward sums the gradient back down to each input's shape.
extension Tensor {
    /// Elementwise sum, broadcasting.
    public static func + (a: Tensor, b: Tensor) throws -> Tensor {
        try Elementwise.zip(a, b, op: "add", +).recorded(
            .add, inputs: Operands(a, b),
            backward: { [sa = a.shape, sb = b.shape] ctx in
                Operands(Elementwise.sum(ctx.grad, to: sa), Elementwise.sum(ctx.grad, to: sb))
            })
    }

    /// Elementwise difference, broadcasting.
    public static func - (a: Tensor, b: Tensor) throws -> Tensor {
        try Elementwise.zip(a, b, op: "sub", -).recorded(
            .sub, inputs: Operands(a, b),
            backward: { [sa = a.shape, sb = b.shape] ctx in
                Operands(Elementwise.sum(ctx.grad, to: sa), Elementwise.sum(Elementwise.map(ctx.grad) { -$0 }, to: sb))
            })
    }

    /// Elementwise product, broadcasting.
    public static func * (a: Tensor, b: Tensor) throws -> Tensor {
        try Elementwise.zip(a, b, op: "mul", *).recorded(
            .mul, inputs: Operands(a, b), saving: Operands(a, b),
            backward: { ctx in
                let (a, b) = (ctx.saved[0], ctx.saved[1])
                return Operands(
                    ctx.needsGradient(0) ? Elementwise.sum(try Elementwise.zip(ctx.grad, b, op: "mul", *), to: a.shape) : nil,
                    ctx.needsGradient(1) ? Elementwise.sum(try Elementwise.zip(ctx.grad, a, op: "mul", *), to: b.shape) : nil)
            })
    }

    /// Elementwise quotient, broadcasting.
    public static func / (a: Tensor, b: Tensor) throws -> Tensor {
        try Elementwise.zip(a, b, op: "div", /).recorded(
            .div, inputs: Operands(a, b), saving: Operands(a, b),
            backward: { ctx in
                let (a, b) = (ctx.saved[0], ctx.saved[1])
                let gradA = try Elementwise.zip(ctx.grad, b, op: "div", /)
                guard ctx.needsGradient(1) else { return Operands(Elementwise.sum(gradA, to: a.shape), nil) }
                // d(a/b)/db = -a/b^2 = -(g/b) * (a/b)
                let quotient = try Elementwise.zip(a, b, op: "div", /)
                let gradB = try Elementwise.zip(gradA, quotient, op: "div") { -$0 * $1 }
                return Operands(Elementwise.sum(gradA, to: a.shape), Elementwise.sum(gradB, to: b.shape))
            })
    }

    /// Elementwise negation.
    public static prefix func - (x: Tensor) throws -> Tensor {
        try Elementwise.map(x) { -$0 }.recorded(.neg, input: x, pointwise: { g, _, n, _ in Pointwise.negate(g, n) })
    }

    /// `x + c` for every element.
    public static func + (x: Tensor, c: Float) throws -> Tensor {
        try Elementwise.map(x) { $0 + c }.recordedPassingGradientThrough(.addScalar, input: x)
    }

    /// `c + x` for every element.
    public static func + (c: Float, x: Tensor) throws -> Tensor { try x + c }

    /// `x - c` for every element.
    public static func - (x: Tensor, c: Float) throws -> Tensor { try x + (-c) }

    /// `c - x` for every element.
    public static func - (c: Float, x: Tensor) throws -> Tensor {
        try Elementwise.map(x) { c - $0 }.recorded(.rsubScalar, input: x, pointwise: { g, _, n, _ in Pointwise.negate(g, n) })
    }

    /// `x * c` for every element.
    public static func * (x: Tensor, c: Float) throws -> Tensor {
        try Elementwise.map(x) { $0 * c }.recorded(
            .mulScalar, input: x, constant: c, pointwise: { g, _, n, c in for i in 0..<n { g[i] *= c } })
    }

    /// `c * x` for every element.
    public static func * (c: Float, x: Tensor) throws -> Tensor { try x * c }

    /// `x / c` for every element.
    public static func / (x: Tensor, c: Float) throws -> Tensor { try x * (1 / c) }
}
