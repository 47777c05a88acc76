import CAssets

/// Text linked into autobw, so that no run needs a download.
public enum EmbeddedCorpus {
    /// tinyshakespeare (char-rnn's corpus, 1.1 MB of public-domain text), gzip-compressed: what `autobw` trains
    /// on when given no data. The bytes live in the binary's read-only data for the life of the process.
    public static var tinyShakespeareGzip: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: autobw_tinyshakespeare_gz_ptr(), count: Int(autobw_tinyshakespeare_gz_size))
    }

    /// A short original prose text (4.8 KB) written for this project and released with it under its licence: a
    /// small corpus for tests and examples that need one in a hurry.
    public static let text = """
    THE LEDGER OF THE RIVER

    I.
    The river kept a ledger of everything it carried. Each morning it wrote down the stones it had turned, the
    leaves it had lifted, the small fish it had sent downstream, and each evening it read the ledger backward,
    from the last line to the first, asking of every entry: how much of the sea is owed to you?

    The miller laughed at this. "A river does not keep books," he said. "It runs downhill, and that is all."
    But the miller's daughter sat by the weir and listened, and she heard the river reading. It read slowly,
    line by line, and at every line it paused, as if weighing something, and then it passed what it had weighed
    to the line before.

    "What are you weighing?" she asked.
    "Blame," said the river, "and credit. The sea is salt and the sea is wide, and I want to know which of my
    stones made it so. I cannot ask the sea; the sea only tells me how far it is from what it ought to be.
    So I begin with that distance and hand it back, line by line, to every stone that had a part in it."

    II.
    She wrote it down in her own book, because she thought it was a good rule.
    A thing that was used twice must hear of it twice, and add what it hears.
    A thing that was not used hears nothing, and is not blamed.
    A thing that was changed after it was written must say so, or the reading is a lie.
    A page that was read once is finished; to read it again you must ask to keep it.
    And no one may tear out a line while the river is reading, for the river trusts its pages.

    The miller read her book and said it was a fine list of chores. Then he went to grind the corn, and the
    wheel turned, and the water fell, and the river went on keeping its ledger as rivers do.

    III.
    In the spring the river flooded. It carried more than it could count: fences and nests, a cart wheel, a
    lantern, a letter that no one had finished reading. The ledger grew long, so long that the evening was not
    enough to read it back, and the river read late into the night.

    The daughter sat up with it. "Read slower," she said, "and tell me what each line gives and what it gets.
    If a line gives too much, I will mark it. If a line gives nothing at all, I will mark that too. If a line
    gives a number that is not a number, we will stop there and look, before the whole book is spoiled."

    So they read together, one line at a time. The cart wheel had given a great deal; the lantern had given
    almost nothing; the letter had given a number that was not a number, and they stopped, and looked, and found
    that the ink had run. She copied the letter again in a clear hand, and the reading went on.

    IV.
    By summer the river ran clear and low. It had learned, over many readings, which stones to turn and which
    to leave, and the sea was a little nearer to what it ought to be. The miller noticed that the wheel turned
    more evenly. He did not say so, but he came down to the weir one evening and sat beside his daughter and
    listened to the river read.

    "It is slow," he said at last.
    "It is careful," she said. "Slow is what careful looks like from the outside."
    "Could it not read faster?"
    "It could read two lines at once, where the lines do not touch. It could fold a whole afternoon of small
    entries into one. It could stop copying the same stone into every page and simply point at it. But it must
    never skip a line that mattered, and it must never read a line twice by accident."

    The miller thought about that for a long time. Then he went home and oiled the wheel, which was the kind of
    thing he understood, and the wheel turned faster, and the river did not mind.

    V.
    Years later, when the daughter kept the mill, travellers would ask her about the little book by the weir.
    She would open it to the first page and show them the rules, and then she would turn to the back, where
    she had drawn the river's last reading of the season: a long line falling from left to right, jagged at
    first, then smoother, then nearly flat, as the distance to the sea grew small.

    "That is what learning looks like," she would say, "from the outside. From the inside it is only reading
    backward, one line at a time, and handing on what you were handed, a little changed."

    And the travellers would nod, and some of them understood, and some of them went home and kept ledgers of
    their own, and read them backward in the evenings, and were surprised at what they owed.
    """
}
