/// What a table's label column asks a model to learn, as `--task` names it. Without one the reader decides from
/// the labels (see `NumericCSV`) and asks for it when whole numbers could be either.
public enum LearningTask: String, CaseIterable, Sendable {
    /// Each distinct label is a class: softmax cross-entropy, accuracy.
    case classification
    /// The label is a number to predict: mean squared error on the standardised target, R².
    case regression
}
