// The original autobw's first example: a graph decided by a coin flip while it runs.
//
//     out = linear(x1) + x2 * sigmoid(x3)      (tails)
//     out = linear(x1) + x2 * x3               (heads)
//
// Nothing is declared up front: the tape records whichever branch ran, and the replay differentiates it.
// Each flip's gradients are compared with the hand-derived ones; then the linear layer is trained to bring
// `out` to a target while every step flips its own coin.
import Autobw
import Foundation

// This example takes no arguments: it is the seed's example as it was, not a tool.
if CommandLine.arguments.count > 1 {
    FileHandle.standardError.write(Data("usage: coin-flip (no arguments; `autobw train --preset coin-flip` takes options)\n".utf8))
    exit(64)
}

var generator = SeededGenerator(seed: 2026)
let linear: Linear, x1: Tensor, x2: Tensor, x3: Tensor
do {
    linear = try Linear(4, 3, generator: &generator)
    x1 = try Tensor.uniform([1, 4], low: -1, high: 1, using: &generator)
    x2 = try Tensor.uniform([1, 3], low: -1, high: 1, using: &generator)
    x3 = try Tensor.uniform([1, 3], low: -1, high: 1, using: &generator)
} catch {
    print("error: \(error)")
    exit(1)
}

func maxDifference(_ a: Tensor?, _ b: [Float]) -> Float {
    zip(a?.scalars ?? [], b).map { abs($0 - $1) }.max() ?? .infinity
}

var worst: Float = 0
do {
    for flip in 1...4 {
        let heads = generator.nextUnit() < 0.5
        let tape = Tape()
        let (v1, v2, v3) = (tape.watch(x1), tape.watch(x2), tape.watch(x3))
        let out = try tape.record {
            let gate = heads ? v3 : try v3.sigmoid()
            return try (linear(v1) + v2 * gate).sum()
        }
        print("flip \(flip): \(heads ? "heads: x2 * x3" : "tails: x2 * sigmoid(x3)"), \(tape.count) ops recorded")
        for parameter in linear.parameters { parameter.zeroGrad() }
        try tape.backward(from: out)

        // Hand-derived: d/dx2 = gate, d/dx3 = x2 (heads) or x2 * s(1 - s) (tails), d/dx1 = row sums of W.
        let s = x3.scalars.map { 1 / (1 + Foundation.exp(-$0)) }
        let gate = heads ? x3.scalars : s
        let dx3 = heads ? x2.scalars : zip(x2.scalars, s).map { $0 * $1 * (1 - $1) }
        let w = linear.weight.value.scalars
        let dx1 = (0..<4).map { i in (0..<3).reduce(Float(0)) { $0 + w[i * 3 + $1] } }
        let dW = x1.scalars.flatMap { x in [x, x, x] }
        let checks = [
            ("x1", maxDifference(try tape.gradient(of: v1), dx1)),
            ("x2", maxDifference(try tape.gradient(of: v2), gate)),
            ("x3", maxDifference(try tape.gradient(of: v3), dx3)),
            ("W", maxDifference(linear.weight.grad, dW)),
            ("b", maxDifference(linear.bias?.grad, [1, 1, 1])),
        ]
        for (name, difference) in checks {
            print("  d out / d \(name): max difference from hand-derived \(difference)")
            worst = max(worst, difference)
        }
    }
} catch {
    print("error: \(error)")
    exit(1)
}
print(worst < 1e-5 ? "all gradients match" : "MISMATCH: \(worst)")
guard worst < 1e-5 else { exit(1) }

// Training through a graph that changes from step to step: the optimizer sees only the recorded branch.
let optimizer = SGD(linear.namedParameters(), learningRate: 0.1)
var losses = [Float]()
do {
    let target = try Tensor.uniform([1, 3], low: -1, high: 1, using: &generator)
    for step in 0..<60 {
        let heads = generator.nextUnit() < 0.5
        optimizer.zeroGrad()
        let tape = Tape()
        let loss = try tape.record {
            let gate = heads ? x3 : try x3.sigmoid()
            return try (linear(x1) + x2 * gate).meanSquaredError(target)
        }
        try tape.backward(from: loss)
        optimizer.step()
        losses.append(try loss.item())
        if step % 10 == 0 { print("step \(step) (\(heads ? "heads" : "tails"))  loss \(losses[step])") }
    }
} catch {
    print("error: \(error)")
    exit(1)
}
print("final loss: \(losses.last ?? .nan) (start \(losses.first ?? .nan))")
