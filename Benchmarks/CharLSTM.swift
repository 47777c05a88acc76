import Autobw

/// W2: char-rnn's model (vocabulary 65 one-hot, 2 x LSTM 128, 50 steps of 50 sequences, cross-entropy at every
/// step, SGD 2e-3) on fixed random characters. The one-hot input is given as token ids: the first layer's
/// input product is then a row gather, the same value with no GEMM.
struct CharLSTMWorkload: Workload {
    let lstm: LSTM
    let head: Linear
    let optimizer: SGD
    let tokens: [[Int]]
    let targets: [Int]

    init() throws {
        var generator = SeededGenerator(seed: 0)
        lstm = try LSTM(inputSize: 65, hiddenSize: 128, layerCount: 2, initializer: .uniform(0.08), generator: &generator)
        head = try Linear(128, 65, initializer: .uniform(0.08), generator: &generator)
        optimizer = SGD(lstm.namedParameters() + head.namedParameters(), learningRate: 2e-3)
        tokens = (0..<50).map { _ in (0..<50).map { _ in Int(generator.next() % 65) } }
        targets = (0..<(50 * 50)).map { _ in Int(generator.next() % 65) }
    }

    func step(observer: ReplayObserver?) throws {
        optimizer.zeroGrad()
        let tape = Tape()
        let loss = try tape.record {
            let (hiddens, _) = try lstm(tokens: tokens)
            return try head(try hiddens.reshaped([-1, 128])).softmaxCrossEntropy(targets: targets)
        }
        try tape.backward(from: loss, observer: observer)
        optimizer.step()
    }

    func extraResults(msPerStep: Double) throws -> [String: Double] { [:] }
}
