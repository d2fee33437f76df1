package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.testing.Shared;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("data")
@Tag("slow")
class RewardCliTest {
    @Test
    void benchRewardPrintsARowPerBatchAndConcurrencyWithEveryRequestAnswered() {
        CliTest.Result r = CliTest.run("bench", "reward", "--kinds", "math", "--concurrency", "1,4", "--batches", "1,16", "--seconds", "0.5",
                "--warmup-seconds", "0.2", "--data-dir", Shared.datasets().toString(), "--offline");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> rows = Arrays.stream(r.out().split("\n")).filter(l -> l.startsWith("math ")).toList();
        // 2 batches x 2 concurrencies on /v1/score, and the single-item /get_reward row.
        assertThat(rows).hasSize(5);
        for (String row : rows) {
            String[] f = row.trim().split("\\s+");
            assertThat(Long.parseLong(f[5])).as(row).isPositive();
            assertThat(Double.parseDouble(f[6])).as(row).isPositive();
            assertThat(f[9]).as("no non-200 answers: " + row).isEqualTo("0");
            String[] correct = f[10].split("/");
            // Half the items are built right; a few "wrong" pairings share the same answer.
            assertThat(Integer.parseInt(correct[0])).as(row).isGreaterThanOrEqualTo(Integer.parseInt(correct[1]));
            assertThat(Integer.parseInt(correct[0])).as(row).isLessThan(Integer.parseInt(correct[1]) * 21 / 20 + 2);
        }
    }

    @Test
    void rewardServerRefusesBadSettingsWithUsageErrors() {
        CliTest.Result bad = CliTest.run("reward-server", "--shaping", "bonus=1", "--sandbox", "off");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown shaping field 'bonus'");
        CliTest.Result nan = CliTest.run("reward-server", "--shaping", "correct=high", "--sandbox", "off");
        assertThat(nan.code()).isEqualTo(2);
        assertThat(nan.err()).contains("needs a number");
        CliTest.Result port = CliTest.run("reward-server", "--port", "70000", "--sandbox", "off");
        assertThat(port.code()).isEqualTo(2);
        assertThat(port.err()).contains("port must be 0..65535");
        CliTest.Result help = CliTest.run("reward-server", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("/get_reward").contains("/run_code").contains("/v1/score").contains("exploration_weight");
    }
}
