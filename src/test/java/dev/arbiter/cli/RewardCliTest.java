package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.reward.RewardScorer;
import dev.arbiter.reward.RewardServer;
import dev.arbiter.testing.Shared;
import dev.arbiter.verify.math.MathVerifier;
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
        assertThat(r.out()).contains("COLD/S").contains("WARM/S");
        for (String row : rows) {
            // KIND ENDPOINT BATCH CONC | COLD/S P50 P99 | WARM/S P50 P99 | REWARDS NON200 COLD-CORRECT WARM-CORRECT
            String[] f = row.trim().split("\\s+");
            assertThat(Double.parseDouble(f[5])).as(row).isPositive();
            assertThat(Double.parseDouble(f[9])).as(row).isPositive();
            assertThat(Long.parseLong(f[13])).as(row).isPositive();
            assertThat(f[14]).as("no non-200 answers: " + row).isEqualTo("0");
            for (String cell : List.of(f[15], f[16])) {
                String[] correct = cell.split("/");
                // Every item built right comes out right; a few built wrong share the right answer. Each row starts with right items.
                assertThat(Integer.parseInt(correct[1])).as(row).isPositive();
                assertThat(Integer.parseInt(correct[0])).as(row).isGreaterThanOrEqualTo(Integer.parseInt(correct[1]));
            }
        }
    }

    @Test
    void benchRewardSpawnsTwoReplicasAndPrintsEachRowBesideTheFirstServerAlone() {
        CliTest.Result r = CliTest.run("bench", "reward", "--spawn-servers", "2", "--concurrency", "2", "--batches", "1,8", "--seconds", "0.5",
                "--warmup-seconds", "0.2", "--data-dir", Shared.datasets().toString(), "--offline");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 reward-server processes started here: http://127.0.0.1:");
        List<String[]> rows = Arrays.stream(r.out().split("\n")).map(l -> l.trim().split("\\s+")).filter(f -> f.length == 19 && f[0].matches("\\d+"))
                .toList();
        // SERVERS BATCH CONC | COLD/S P50 P99 | WARM/S P50 P99 | C-GAIN W-GAIN | REWARDS NON200 C-CORRECT W-CORRECT; one server, then two.
        assertThat(rows.stream().map(f -> f[0] + "x" + f[1]).toList()).containsExactly("1x1", "2x1", "1x8", "2x8");
        for (String[] f : rows) {
            String row = String.join(" ", f);
            assertThat(Double.parseDouble(f[4])).as(row).isPositive();
            assertThat(Double.parseDouble(f[8])).as(row).isPositive();
            assertThat(f[16]).as("every batch answered 200: " + row).isEqualTo("0");
            for (String cell : List.of(f[17], f[18])) {
                String[] correct = cell.split("/");
                assertThat(Integer.parseInt(correct[0])).as(row).isGreaterThanOrEqualTo(Integer.parseInt(correct[1]));
            }
        }
        assertThat(rows.get(0)[12]).as("the first server against itself").isEqualTo("1.00");
    }

    @Test
    void benchRewardRefusesReplicaSettingsThatCannotWork() {
        CliTest.Result both = CliTest.run("bench", "reward", "--spawn-servers", "2", "--servers", "http://127.0.0.1:9");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("either --servers or --spawn-servers");
        CliTest.Result tls = CliTest.run("bench", "reward", "--servers", "https://reward.example:443");
        assertThat(tls.code()).isEqualTo(2);
        assertThat(tls.err()).contains("--servers takes http://HOST:PORT URLs");
        CliTest.Result code = CliTest.run("bench", "reward", "--servers", "http://127.0.0.1:9", "--kinds", "math,code");
        assertThat(code.code()).isEqualTo(2);
        assertThat(code.err()).contains("math items only");
    }

    @Test
    void benchRewardStopsWithTheServersOwnWordsWhenAReplicaRefuses() throws Exception {
        RewardServer.Config c = RewardServer.Config.local(0);
        c = new RewardServer.Config(c.host(), 0, "s3cret", c.maxBodyBytes(), c.bodyBudgetBytes(), c.queueItems(), c.defaults(), 5, c.unseparated());
        try (MathVerifier verifier = new MathVerifier();
                RewardServer guarded = new RewardServer(c, new RewardScorer(verifier, null, null), null, null)) {
            CliTest.Result r = CliTest.run("bench", "reward", "--servers", guarded.uri().toString(), "--batches", "2", "--concurrency", "1",
                    "--seconds", "0.2", "--warmup-seconds", "0.2", "--data-dir", Shared.datasets().toString(), "--offline");
            assertThat(r.code()).as(r.err()).isEqualTo(1);
            assertThat(r.err().strip()).startsWith("arbiter: the reward server at " + guarded.uri() + "/get_reward answered 401:")
                    .contains("Authorization: Bearer");
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
