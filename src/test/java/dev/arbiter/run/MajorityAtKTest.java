package dev.arbiter.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MajorityAtKTest {
    private static double maj(int[] sizes, boolean[] correct, int none, int k) {
        return MajorityAtK.expected(sizes, correct, none, k);
    }

    @Test
    void handComputedValues() {
        // A (correct) x2, B x1. One vote: A with probability 2/3.
        assertThat(maj(new int[] {2, 1}, new boolean[] {true, false}, 0, 1)).isCloseTo(2 / 3.0, within(1e-12));
        // All three vote: A wins 2-1.
        assertThat(maj(new int[] {2, 1}, new boolean[] {true, false}, 0, 3)).isCloseTo(1.0, within(1e-12));
        // Two of three vote: {A,A} wins; {A,B} twice is a 1-1 tie worth 1/2 each: (1 + 2 * 0.5) / 3.
        assertThat(maj(new int[] {2, 1}, new boolean[] {true, false}, 0, 2)).isCloseTo(2 / 3.0, within(1e-12));
    }

    @Test
    void aTieIsHalfCredit() {
        assertThat(maj(new int[] {1, 1}, new boolean[] {true, false}, 0, 2)).isCloseTo(0.5, within(1e-12));
        // A three-way tie: a third.
        assertThat(maj(new int[] {2, 2, 2}, new boolean[] {false, true, false}, 0, 6)).isCloseTo(1 / 3.0, within(1e-12));
    }

    @Test
    void samplesWithoutAnAnswerDoNotVote() {
        // A correct and one sample with no answer. One vote: half the time nobody votes (wrong).
        assertThat(maj(new int[] {1}, new boolean[] {true}, 1, 1)).isCloseTo(0.5, within(1e-12));
        // Both drawn: A is the only vote, and wins.
        assertThat(maj(new int[] {1}, new boolean[] {true}, 1, 2)).isCloseTo(1.0, within(1e-12));
        // No answers at all.
        assertThat(maj(new int[] {}, new boolean[] {}, 4, 2)).isEqualTo(0.0);
    }

    @Test
    void agreesWithVotingInEverySubset() {
        Random r = new Random(11);
        for (int trial = 0; trial < 300; trial++) {
            int clusters = r.nextInt(4);
            int[] sizes = new int[clusters];
            boolean[] correct = new boolean[clusters];
            for (int i = 0; i < clusters; i++) {
                sizes[i] = 1 + r.nextInt(3);
                correct[i] = r.nextInt(3) == 0;
            }
            int none = r.nextInt(3);
            int n = none + java.util.Arrays.stream(sizes).sum();
            if (n == 0) {
                continue;
            }
            int k = 1 + r.nextInt(n);
            assertThat(maj(sizes, correct, none, k)).as("sizes=%s none=%d k=%d", java.util.Arrays.toString(sizes), none, k)
                    .isCloseTo(bruteForce(sizes, correct, none, k), within(1e-9));
        }
    }

    /** Lays the samples out (cluster id per sample, -1 for none) and votes in every k-subset. */
    private static double bruteForce(int[] sizes, boolean[] correct, int none, int k) {
        int n = none;
        for (int m : sizes) {
            n += m;
        }
        int[] of = new int[n];
        int pos = 0;
        for (int c = 0; c < sizes.length; c++) {
            for (int j = 0; j < sizes[c]; j++) {
                of[pos++] = c;
            }
        }
        while (pos < n) {
            of[pos++] = -1;
        }
        double credit = 0;
        int subsets = 0;
        for (int mask = 0; mask < 1 << n; mask++) {
            if (Integer.bitCount(mask) != k) {
                continue;
            }
            subsets++;
            int[] votes = new int[sizes.length];
            for (int i = 0; i < n; i++) {
                if ((mask >> i & 1) == 1 && of[i] >= 0) {
                    votes[of[i]]++;
                }
            }
            int best = java.util.Arrays.stream(votes).max().orElse(0);
            if (best == 0) {
                continue;
            }
            int leaders = 0;
            int rightLeaders = 0;
            for (int c = 0; c < votes.length; c++) {
                if (votes[c] == best) {
                    leaders++;
                    if (correct[c]) {
                        rightLeaders++;
                    }
                }
            }
            credit += (double) rightLeaders / leaders;
        }
        return credit / subsets;
    }
}
