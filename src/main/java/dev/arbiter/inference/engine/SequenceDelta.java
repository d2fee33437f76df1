package dev.arbiter.inference.engine;

import java.util.List;

/**
 * What one decode step added to a streamed sequence: the token, the text that is now safe to show
 * (never part of a multi-byte character still incomplete, never text a stop string may yet cut; it
 * may be empty, and held-back text arrives with a later delta), and the token's logprobs when asked
 * for (else none). A sequence's delta texts concatenate to its final {@link SequenceResult#text()}.
 */
public record SequenceDelta(int token, String text, List<SequenceResult.TokenLogprobs> logprobs) {
    public SequenceDelta {
        logprobs = List.copyOf(logprobs);
    }

    /** Receives a sequence's deltas on the engine thread, in order, before its future completes; it must not block. */
    @FunctionalInterface
    public interface Listener {
        void onDelta(SequenceDelta delta);
    }
}
