/// The panels of the screen, in Tab order.
public enum PanelID: String, Sendable, CaseIterable {
    /// The loss chart, the debugger, the tape list, the gradient bars, the text sample.
    case loss, debugger, tape, gradients, sample
}
