import Testing
@testable import Autobw

/// Every op, given odd arguments (empty and rank-0 tensors, out-of-range axes and indices, negative and absurd
/// sizes), throws a `TensorError` or returns a value whose replay also throws or finishes: never a trap. A trap
/// would end this whole test process, so one that passes has met every case below.
@Suite struct OddArgumentsTests {
    /// How many odd calls returned a value and how many threw; anything else is recorded as an issue.
    struct Outcomes {
        var returned = 0, threw = 0

        /// Records `body` on a fresh tape (it watches what it needs) and replays whatever it returns.
        mutating func attempt(_ name: String, _ body: (Tape) throws -> Tensor) {
            let tape = Tape()
            do {
                let y = try tape.record { try body(tape) }
                returned += 1
                if y.isRecorded { _ = try? tape.backward(from: y, seed: try Tensor(repeating: 1, shape: y.shape)) }
            } catch is TensorError {
                threw += 1
            } catch {
                Issue.record("\(name) threw \(error), not a TensorError")
            }
        }
    }

    static let shapes: [[Int]] = [[], [0], [1], [3], [0, 4], [2, 0], [2, 3], [1, 1, 1], [2, 0, 3], [2, 3, 4]]
    static let sizes = [-(1 << 62), -3, -1, 0, 1, 2, 3, 7, 1 << 40, Int.max]
    static let axes = [Int.min, -5, -1, 0, 1, 2, 4, Int.max]

    /// Unary ops and ops with integer arguments, each applied to a tensor of `shape`.
    static func ops() -> [(String, (Tensor) throws -> Tensor)] {
        var ops: [(String, (Tensor) throws -> Tensor)] = [
            ("sum", { try $0.sum() }), ("mean", { try $0.mean() }), ("max", { try $0.max() }),
            ("softmax", { try $0.softmax() }), ("logSoftmax", { try $0.logSoftmax() }), ("transposed", { try $0.transposed() }),
            ("matmul self", { try $0.matmul($0) }), ("matmul T", { try $0.matmul($0, transposeOther: true) }),
            ("squeezed", { try $0.squeezed() }), ("flattened", { try $0.flattened() }),
            ("mse", { try $0.meanSquaredError($0) }), ("huber", { try $0.huberLoss($0) }),
            ("bce", { try $0.binaryCrossEntropyWithLogits(targets: $0) }),
            ("stack", { try Tensor.stack([$0, $0]) }), ("where", { try Tensor.where($0, $0, $0) }),
        ]
        for n in sizes {
            ops += [
                ("reshaped \(n)", { try $0.reshaped([n, -1]) }), ("expanded \(n)", { try $0.expanded(to: [n, 3]) }),
                ("repeated \(n)", { try $0.repeated([n]) }), ("gather \(n)", { try $0.gather(rows: [n]) }),
                ("softmaxCE \(n)", { try $0.softmaxCrossEntropy(targets: [n, 0]) }),
                ("crossEntropy \(n)", { try $0.crossEntropy(targets: [n], weights: [1], labelSmoothing: 0.1, ignoredIndex: n) }),
                ("nll \(n)", { try $0.negativeLogLikelihood(targets: [n, 1]) }),
                ("unfolded1d \(n)", { try $0.unfolded1d(kernelSize: n, stride: n, padding: n) }),
                ("oneHot \(n)", { _ in try Tensor.oneHot([n], depth: n) }),
            ]
            for axis in axes {
                ops += [
                    ("narrow \(axis) \(n)", { try $0.narrow(axis: axis, start: n, length: n) }),
                    ("split \(axis) \(n)", { try Tensor.concatenate(try $0.split(axis: axis, sizes: [n, 1]), axis: axis) }),
                    ("chunked \(axis) \(n)", { try Tensor.stack(try $0.chunked(n, axis: axis)) }),
                    ("padded \(axis) \(n)", { try $0.padded(axis: axis, before: n, after: 1) }),
                    ("indexSelect \(axis) \(n)", { try $0.indexSelect(axis: axis, indices: [n, 0]) }),
                    ("gathered \(axis) \(n)", { try $0.gathered(axis: axis, indices: [n], indexShape: [1]) }),
                ]
            }
        }
        for axis in axes {
            ops += [
                ("sum axis \(axis)", { try $0.sum(axis: axis) }), ("mean axis \(axis)", { try $0.mean(axis: axis) }),
                ("max axis \(axis)", { try $0.max(axis: axis) }), ("min axis \(axis)", { try $0.min(axis: axis) }),
                ("argmax \(axis)", { try $0.argmax(axis: axis) }), ("logSumExp \(axis)", { try $0.logSumExp(axis: axis) }),
                ("prod \(axis)", { try $0.prod(axis: axis) }), ("variance \(axis)", { try $0.variance(axis: axis) }),
                ("norm \(axis)", { try $0.norm(axis: axis) }), ("softmax axis \(axis)", { try $0.softmax(axis: axis) }),
                ("unsqueezed \(axis)", { try $0.unsqueezed(at: axis) }), ("squeezed \(axis)", { try $0.squeezed(axis: axis) }),
                ("transposed \(axis)", { try $0.transposed(axis, 0) }), ("permuted \(axis)", { try $0.permuted([axis, 0]) }),
                ("flattened \(axis)", { try $0.flattened(from: axis, to: 0) }),
                ("concatenate \(axis)", { try Tensor.concatenate([$0, $0], axis: axis) }),
                ("stack \(axis)", { try Tensor.stack([$0], axis: axis) }),
            ]
        }
        return ops
    }

    @Test func noOpTrapsOnOddArguments() throws {
        var outcomes = Outcomes()
        for shape in Self.shapes {
            let count = try Tensor.elementCount(of: shape)
            let value = try Tensor(shape: shape, scalars: (0..<count).map { Float($0) - 1.5 })
            for (name, op) in Self.ops() { outcomes.attempt("\(name) on \(shape)") { try op($0.watch(value)) } }
        }
        #expect(outcomes.returned > 500 && outcomes.threw > 1000, "\(outcomes)")
    }

    @Test func noBinaryOpTrapsOnMismatchedShapes() throws {
        let ops: [(String, (Tensor, Tensor) throws -> Tensor)] = [
            ("add", { try $0 + $1 }), ("mul", { try $0 * $1 }), ("div", { try $0 / $1 }), ("sub", { try $0 - $1 }),
            ("maximum", { try Tensor.maximum($0, $1) }), ("where", { try Tensor.where($0, $1, $0) }),
            ("matmul", { try $0.matmul($1) }), ("matmul TT", { try $0.matmul($1, transposeSelf: true, transposeOther: true) }),
            ("matmul T", { try $0.matmul($1, transposeSelf: true) }), ("mse", { try $0.meanSquaredError($1) }),
            ("concatenate", { try Tensor.concatenate([$0, $1], axis: 0) }), ("stack", { try Tensor.stack([$0, $1]) }),
            ("bce", { try $0.binaryCrossEntropyWithLogits(targets: $1) }),
        ]
        var outcomes = Outcomes()
        for a in Self.shapes {
            for b in Self.shapes {
                let x = try Tensor(repeating: 0.5, shape: a), y = try Tensor(repeating: -2, shape: b)
                for (name, op) in ops { outcomes.attempt("\(name) on \(a), \(b)") { try op($0.watch(x), $0.watch(y)) } }
            }
        }
        #expect(outcomes.returned > 300 && outcomes.threw > 300, "\(outcomes)")
    }

    @Test func noModuleTrapsOnOddInputs() throws {
        var g = SeededGenerator(seed: 3)
        let layers: [(String, any Layer)] = [
            ("linear", try Linear(3, 2, generator: &g)), ("batchnorm", try BatchNorm1d(features: 3)),
            ("layernorm", try LayerNorm(size: 3)), ("dropout", try Dropout(rate: 0.5)),
            ("conv1d", try Conv1d(inChannels: 3, outChannels: 2, kernelSize: 2, generator: &g)),
        ]
        let lstmCell = try LSTMCell(inputSize: 3, hiddenSize: 2, generator: &g)
        let lstm = try LSTM(inputSize: 3, hiddenSize: 2, layerCount: 2, generator: &g)
        let gru = try GRU(inputSize: 3, hiddenSize: 2, generator: &g)
        let rnn = try RNNCell(inputSize: 3, hiddenSize: 2, generator: &g)
        let embedding = try Embedding(count: 4, dimension: 3, generator: &g)
        var outcomes = Outcomes()
        for shape in Self.shapes {
            let x = try Tensor(repeating: 0.25, shape: shape)
            for (name, layer) in layers { outcomes.attempt("\(name) \(shape)") { _ in try layer.forward(x) } }
            outcomes.attempt("lstm cell \(shape)") { _ in try lstmCell(x, state: LSTMState(hidden: x, cell: x)).hidden }
            outcomes.attempt("lstm \(shape)") { _ in try lstm(x).hiddens }
            outcomes.attempt("gru \(shape)") { _ in try gru(x).hiddens }
            outcomes.attempt("rnn \(shape)") { _ in try rnn(x, x) }
        }
        for tokens in [[], [[]], [[0, 1], [2]], [[-1]], [[4]], [[Int.max, Int.min]], [[0, 1], [2, 3]]] as [[[Int]]] {
            outcomes.attempt("lstm tokens \(tokens)") { _ in try lstm(tokens: tokens).hiddens }
        }
        for ids in [[], [-1], [4], [Int.max], [0, 3]] as [[Int]] { outcomes.attempt("embedding \(ids)") { _ in try embedding(ids) } }
        #expect(outcomes.returned > 10 && outcomes.threw > 30, "\(outcomes)")
    }
}
