/// Limits on gradients before an optimizer step.
public enum GradientClipping {
    /// Clamps every gradient element to `-limit...limit` (char-rnn's `grad_clip`, 5 by default).
    public static func clampElements(of parameters: NamedParameters, to limit: Float) {
        for (_, parameter) in parameters {
            parameter.modifyGradient { g, count in
                for i in 0..<count { g[i] = min(max(g[i], -limit), limit) }
            }
        }
    }

    /// The Euclidean norm of all gradients together.
    public static func globalNorm(of parameters: NamedParameters) -> Float {
        var total: Double = 0
        for (_, parameter) in parameters {
            guard let gradient = parameter.grad else { continue }
            for i in 0..<gradient.count { total += Double(gradient.pointer[i]) * Double(gradient.pointer[i]) }
        }
        return Float(total.squareRoot())
    }

    /// Scales all gradients together so their global norm is at most `maxNorm`; returns the norm before.
    /// - Throws: `TensorError.nonFiniteGradientNorm` naming the first parameter whose gradient holds a NaN or
    ///   an infinity; the gradients are left as they are, so the caller can skip the step or stop.
    @discardableResult
    public static func clipGlobalNorm(of parameters: NamedParameters, to maxNorm: Float) throws -> Float {
        let norm = globalNorm(of: parameters)
        guard norm.isFinite else {
            let culprit = parameters.first { $0.parameter.grad.map { !$0.statistics().isFinite } ?? false }
            throw TensorError.nonFiniteGradientNorm(parameter: culprit?.name)
        }
        guard norm > maxNorm else { return norm }
        let scale = maxNorm / norm
        for (_, parameter) in parameters {
            parameter.modifyGradient { g, count in
                for i in 0..<count { g[i] *= scale }
            }
        }
        return norm
    }
}
