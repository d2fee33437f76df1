package dev.arbiter.inference.engine;

import java.util.Arrays;

/**
 * Budget forcing on the end-of-thinking marker: once {@code maxThinking} tokens have been thought, the
 * marker is forced; a marker the model writes before {@code minThinking} tokens is replaced by
 * {@code continuation} (s1's "Wait"), at most {@code maxExtensions} times. The marker's tokens are
 * matched as a sequence.
 */
public final class ThinkingBudget implements DecodeHook {
    private final int[] marker;
    private final int[] continuation;
    private final int minThinking;
    private final int maxThinking;
    private final int maxExtensions;
    private int extensions;
    private boolean forced;
    private boolean done;

    public ThinkingBudget(int[] marker, int[] continuation, int minThinking, int maxThinking) {
        this(marker, continuation, minThinking, maxThinking, Integer.MAX_VALUE);
    }

    public ThinkingBudget(int[] marker, int[] continuation, int minThinking, int maxThinking, int maxExtensions) {
        if (marker.length == 0) {
            throw new IllegalArgumentException("the end-of-thinking marker encodes to no tokens");
        }
        if (minThinking < 0 || maxThinking < minThinking) {
            throw new IllegalArgumentException("thinking budget needs 0 <= min <= max");
        }
        this.marker = marker.clone();
        this.continuation = continuation.clone();
        this.minThinking = minThinking;
        this.maxThinking = maxThinking;
        if (maxExtensions < 0) {
            throw new IllegalArgumentException("extensions must be >= 0");
        }
        this.maxExtensions = maxExtensions;
    }

    /** How many times the continuation replaced the marker. */
    public int extensions() {
        return extensions;
    }

    /** Whether the maximum, not the model, ended the thinking. */
    public boolean forced() {
        return forced;
    }

    public boolean thinkingEnded() {
        return done;
    }

    @Override
    public int[] onSampled(int[] generated, int count, int sampled) {
        if (done) {
            return new int[] {sampled};
        }
        boolean completesMarker = sampled == marker[marker.length - 1] && endsWith(generated, count, marker, marker.length - 1);
        if (completesMarker) {
            if (count + 1 - marker.length < minThinking && continuation.length > 0 && extensions < maxExtensions) {
                extensions++;
                return continuation.clone();
            }
            done = true;
            return new int[] {sampled};
        }
        if (count + marker.length >= maxThinking) {
            done = true;
            forced = true;
            return marker.clone();
        }
        return new int[] {sampled};
    }

    private static boolean endsWith(int[] a, int count, int[] m, int n) {
        if (count < n) {
            return false;
        }
        return Arrays.equals(a, count - n, count, m, 0, n);
    }
}
