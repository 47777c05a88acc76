/// How the replay computes an entry's input gradients.
///
/// Most recorded ops are elementwise with one input: their rule is a loop over the gradient's own elements. For
/// those the replay runs a plain function on the gradient's buffer, with no closure context, no
/// `BackwardContext` and no saved-value list to build and tear down: on a chain of small ops that bookkeeping
/// cost more than the arithmetic (callgrind, W3).
enum BackwardRule: Sendable {
    /// The general rule: any number of inputs and outputs, saved values, constants.
    case closure(Backward)
    /// The gradient passes to the one input unchanged (`x + c`).
    case identity
    /// The gradient of the one input is the incoming gradient rewritten in place by a pointwise function, which
    /// also gets `constant` (the op's scalar operand): kept here, the function captures nothing.
    case pointwise(PointwiseGradient, constant: Float)
}

/// Rewrites `count` gradient elements in place, reading the op's one saved value (or the gradient itself when it
/// saved nothing) and the op's constant. A C function pointer: a closure literal
/// that captures nothing converts to one, and calling it costs one indirect call.
typealias PointwiseGradient = @convention(c) (
    _ gradient: UnsafeMutablePointer<Float>, _ saved: UnsafePointer<Float>, _ count: Int, _ constant: Float
) -> Void

/// Writing pointwise gradient functions as one expression per element.
enum Pointwise {
    /// `gradient[i] = f(gradient[i], saved[i])` for every element.
    @inline(__always)
    static func update(
        _ gradient: UnsafeMutablePointer<Float>, _ saved: UnsafePointer<Float>, _ count: Int,
        _ f: (Float, Float) -> Float
    ) {
        for i in 0..<count { gradient[i] = f(gradient[i], saved[i]) }
    }

    /// `gradient[i] = -gradient[i]` for every element.
    @inline(__always)
    static func negate(_ gradient: UnsafeMutablePointer<Float>, _ count: Int) {
        for i in 0..<count { gradient[i] = -gradient[i] }
    }
}
