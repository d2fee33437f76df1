package dev.arbiter.perf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RewardThroughputTest {
    @Test
    void coldItemsRepeatNoPairAndOnlyTheFirstRoundIsRight() {
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            rows.add(new String[] {"solution " + i + ": $\\boxed{" + i + "}$", Integer.toString(i)});
        }
        List<List<String>> pairs = new ArrayList<>();
        int right = 0;
        for (long k = 0; k < 49; k++) {
            RewardThroughput.Item it = RewardThroughput.coldItem(rows, k);
            pairs.add(List.of(it.response(), it.groundTruth()));
            assertThat(it.right()).as("item %d", k).isEqualTo(it.response().startsWith("solution " + it.groundTruth() + ":"));
            right += it.right() ? 1 : 0;
            assertThat(it.right()).isEqualTo(k < 7);
        }
        assertThat(pairs).doesNotHaveDuplicates();
        assertThat(right).isEqualTo(7);
    }
}
