import ArgumentParser
import AutobwTrainer
import Foundation

/// `autobw sample`: text from a trained char-lstm checkpoint.
struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write text sampled from a char-lstm checkpoint.")

    @Option(help: "A checkpoint written by `autobw train --preset char-lstm --checkpoint`.")
    var checkpoint: String

    @Option(parsing: .unconditional, help: "Characters to sample.")
    var length = 500

    @Option(parsing: .unconditional, help: "1 samples the model's own distribution; lower is more conservative.")
    var temperature: Float = 1

    @Option(parsing: .unconditional, help: "Text to start from (its characters must occur in the training text).")
    var prime = ""

    @Option(parsing: .unconditional, help: "Seed for the draws.", transform: Train.seed)
    var seed: UInt64 = 1

    func run() throws {
        do {
            print(try TextSampler.sample(checkpoint: checkpoint, length: length, temperature: temperature, prime: prime, seed: seed))
        } catch let error as TrainerError {
            FileHandle.standardError.write(Data("autobw: \(error)\n".utf8))
            throw ExitCode(error.exitCode)
        }
    }
}
