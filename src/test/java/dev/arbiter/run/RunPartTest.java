package dev.arbiter.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The slicing of a run's slots into shards, and how a shard is named on the command line and in a Kubernetes pod. */
class RunPartTest {
    private static List<String> problems(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add("p" + (i * 7919 % 1000)); // ids in no sorted order: the position in the list places a problem, not its id
        }
        return ids;
    }

    private static List<SampleSlot> all(List<String> ids, int n) {
        List<SampleSlot> slots = new ArrayList<>();
        ids.forEach(p -> {
            for (int i = 0; i < n; i++) {
                slots.add(new SampleSlot(p, i));
            }
        });
        return slots;
    }

    @Test
    void everySlotBelongsToExactlyOneShardForEveryCount() {
        for (int problems : List.of(1, 2, 13, 30)) {
            List<String> ids = problems(problems);
            for (int n : List.of(1, 4, 5, 64)) {
                List<SampleSlot> slots = all(ids, n);
                for (int count : List.of(1, 2, 3, 5, 7, 16)) {
                    Set<SampleSlot> seen = new HashSet<>();
                    int fewest = Integer.MAX_VALUE;
                    int most = 0;
                    for (int i = 0; i < count; i++) {
                        RunPart.Shard shard = new RunPart.Shard(i, count);
                        List<SampleSlot> mine = shard.slice(ids, slots);
                        for (SampleSlot s : mine) {
                            assertThat(seen.add(s)).as("%s taken twice among %d shards", s, count).isTrue();
                        }
                        assertThat(shard.size(problems, n)).isEqualTo(mine.size());
                        fewest = Math.min(fewest, mine.size());
                        most = Math.max(most, mine.size());
                    }
                    assertThat(seen).as("%d problems x %d among %d shards", problems, n, count).hasSize(slots.size());
                    // spread evenly: no shard holds a whole extra round of the others
                    assertThat(most - fewest).isLessThan(count);
                }
            }
        }
    }

    @Test
    void theSliceIsTheSameOnEveryCallAndKeepsItsSlotsWhenNGrows() {
        List<String> ids = problems(30);
        RunPart.Shard shard = new RunPart.Shard(2, 5);
        List<SampleSlot> atFour = shard.slice(ids, all(ids, 4));
        assertThat(new RunPart.Shard(2, 5).slice(List.copyOf(ids), all(ids, 4))).isEqualTo(atFour);
        List<SampleSlot> atEight = shard.slice(ids, all(ids, 8));
        assertThat(atEight).containsAll(atFour);
        assertThat(atEight.stream().filter(s -> s.sampleIndex() < 4).toList()).isEqualTo(atFour);
        // a slice of some slots (those still missing) is the same slots' slice of all
        List<SampleSlot> some = all(ids, 8).subList(17, 140);
        assertThat(shard.slice(ids, some)).isEqualTo(atEight.stream().filter(some::contains).toList());
    }

    @Test
    void eachProblemsSamplesAreSpreadOverTheShards() {
        List<String> ids = problems(3);
        for (int i = 0; i < 4; i++) {
            List<SampleSlot> mine = new RunPart.Shard(i, 4).slice(ids, all(ids, 8));
            assertThat(mine.stream().map(SampleSlot::problemId).distinct()).hasSize(3);
        }
    }

    @Test
    void iOverNParsesWithICountingFromZero() {
        assertThat(RunPart.Shard.parse("0/3")).isEqualTo(new RunPart.Shard(0, 3));
        assertThat(RunPart.Shard.parse(" 2/3 ")).isEqualTo(new RunPart.Shard(2, 3));
        assertThat(RunPart.Shard.parse("2/3").label()).isEqualTo("shard 2 of 3");
        assertThatThrownBy(() -> RunPart.Shard.parse("3/3")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--shard 3/3: I counts from 0, as Kubernetes' JOB_COMPLETION_INDEX does, so it must be below N: 0/3 to 2/3");
        assertThatThrownBy(() -> RunPart.Shard.parse("1/0")).hasMessage("--shard 1/0: N, the number of shards, must be at least 1");
        assertThatThrownBy(() -> RunPart.Shard.parse("-1/3")).hasMessage("--shard's I in '-1/3' is not a whole number of 0 or more");
        assertThatThrownBy(() -> RunPart.Shard.parse("x/3")).hasMessage("--shard's I in 'x/3' is not a whole number of 0 or more");
        assertThatThrownBy(() -> RunPart.Shard.parse("2")).hasMessage("--shard wants I/N (shard I of N, I counting from 0), got '2'");
        assertThatThrownBy(() -> RunPart.Shard.parse("1/2/3")).hasMessageStartingWith("--shard wants I/N");
    }

    @Test
    void aKubernetesPodTakesItsIndexFromTheEnvironment() {
        Map<String, String> pod = Map.of("JOB_COMPLETION_INDEX", "2", "ARBITER_SHARD_COUNT", "4");
        assertThat(RunPart.Shard.fromEnv(pod, null)).isEqualTo(new RunPart.Shard(2, 4));
        assertThat(RunPart.Shard.fromEnv(pod, 3)).isEqualTo(new RunPart.Shard(2, 3)); // --shard-count wins
        assertThat(RunPart.Gather.fromEnv(pod, null)).isEqualTo(new RunPart.Gather(4));
        assertThatThrownBy(() -> RunPart.Shard.fromEnv(Map.of("ARBITER_SHARD_COUNT", "4"), null))
                .hasMessage("--shard-from-env reads the shard's index from JOB_COMPLETION_INDEX, which is not set (Kubernetes sets it in each pod"
                        + " of an Indexed Job); outside one, pass --shard I/N");
        assertThatThrownBy(() -> RunPart.Shard.fromEnv(Map.of("JOB_COMPLETION_INDEX", "1"), null))
                .hasMessage("--shard-from-env needs the number of shards: pass --shard-count N or set ARBITER_SHARD_COUNT");
        assertThatThrownBy(() -> RunPart.Shard.fromEnv(Map.of("JOB_COMPLETION_INDEX", "one", "ARBITER_SHARD_COUNT", "4"), null))
                .hasMessage("JOB_COMPLETION_INDEX 'one' is not a whole number of 0 or more");
        assertThatThrownBy(() -> RunPart.Shard.fromEnv(Map.of("JOB_COMPLETION_INDEX", "1", "ARBITER_SHARD_COUNT", "0"), null))
                .hasMessage("ARBITER_SHARD_COUNT must be at least 1, got 0");
        assertThatThrownBy(() -> RunPart.Shard.fromEnv(pod, 2))
                .hasMessage("JOB_COMPLETION_INDEX is 2, not below the number of shards 2; give the Job as many completions as shards"
                        + " (completions: 2, completionMode: Indexed)");
        assertThatThrownBy(() -> RunPart.Gather.fromEnv(Map.of(), null))
                .hasMessage("--gather needs the number of shards: pass --shard-count N or set ARBITER_SHARD_COUNT");
        assertThatThrownBy(() -> RunPart.Gather.fromEnv(Map.of(), 0)).hasMessage("--shard-count must be at least 1, got 0");
    }
}
