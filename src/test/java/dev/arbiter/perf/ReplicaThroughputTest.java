package dev.arbiter.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.json.Json;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaThroughputTest {
    static List<String[]> rows(int n) {
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new String[] {"solution " + i + ": $\\boxed{" + i + "}$", Integer.toString(i)});
        }
        return rows;
    }

    @Test
    void itemsRepeatNoPairAndOneInEachRunOfNIsRight() {
        List<String[]> rows = rows(7);
        List<List<String>> pairs = new ArrayList<>();
        for (long k = 0; k < 49; k++) {
            RewardThroughput.Item it = ReplicaThroughput.item(rows, k);
            pairs.add(List.of(it.response(), it.groundTruth()));
            assertThat(it.right()).as("item %d", k).isEqualTo(it.response().startsWith("solution " + it.groundTruth() + ":"));
        }
        assertThat(pairs).doesNotHaveDuplicates();
        for (int run = 0; run < 7; run++) {
            assertThat(pairs.subList(run * 7, run * 7 + 7).stream().filter(p -> p.get(0).startsWith("solution " + p.get(1) + ":")).count())
                    .as("run %d", run).isEqualTo(1);
        }
    }

    @Test
    void aBatchIsCutAsOpenRlhfCutsItAndTheFirstSliceTurnsFromBatchToBatch() throws Exception {
        List<String[]> rows = rows(7);
        // 5 items over 2 servers: slices of 3 and 2, in order; batch 1 gives its first slice to server 1.
        ReplicaThroughput.Shot even = ReplicaThroughput.shot(rows, 2, 0, 10, 5);
        ReplicaThroughput.Shot odd = ReplicaThroughput.shot(rows, 2, 1, 10, 5);
        assertThat(Json.mapper().readTree(even.slices()[0]).get("query")).hasSize(3);
        assertThat(Json.mapper().readTree(even.slices()[1]).get("query")).hasSize(2);
        assertThat(odd.slices()[1]).isEqualTo(even.slices()[0]);
        assertThat(odd.slices()[0]).isEqualTo(even.slices()[1]);
        JsonNode first = Json.mapper().readTree(even.slices()[0]);
        JsonNode second = Json.mapper().readTree(even.slices()[1]);
        List<String> labels = new ArrayList<>();
        first.get("labels").forEach(l -> labels.add(l.asText()));
        second.get("labels").forEach(l -> labels.add(l.asText()));
        List<String> expected = new ArrayList<>();
        for (long k = 10; k < 15; k++) {
            expected.add(ReplicaThroughput.item(rows, k).groundTruth());
        }
        assertThat(labels).isEqualTo(expected);
        // One item over three servers: one slice, no empty ones sent.
        ReplicaThroughput.Shot one = ReplicaThroughput.shot(rows, 3, 2, 0, 1);
        assertThat(one.slices()[2]).isNotNull();
        assertThat(one.slices()[0]).isNull();
        assertThat(one.slices()[1]).isNull();
    }

    @Test
    void serversAreHttpUrlsWithOrWithoutTheirGetRewardPath() {
        assertThat(ReplicaThroughput.Server.of(URI.create("http://10.0.0.5:8080")).toString()).isEqualTo("http://10.0.0.5:8080/get_reward");
        assertThat(ReplicaThroughput.Server.of(URI.create("http://rm/get_reward")).toString()).isEqualTo("http://rm:80/get_reward");
        assertThat(ReplicaThroughput.Server.of(URI.create("http://gw:9000/reward/")).path()).isEqualTo("/reward/get_reward");
        assertThatThrownBy(() -> ReplicaThroughput.requireHttp(List.of(URI.create("https://rm:443")))).hasMessageContaining("http://HOST:PORT");
    }
}
