package dev.arbiter.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ManifestsTest {
    @Test
    void everyManifestFileIsIndexedAndEveryIndexedOneLoads() throws IOException {
        List<String> files;
        try (Stream<Path> s = Files.list(Path.of("benchmarks"))) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        }
        List<Manifest> manifests = Catalog.load().all();
        assertThat(manifests).extracting(Manifest::name).containsExactlyInAnyOrderElementsOf(files);
        for (Manifest m : manifests) {
            assertThat(m.license()).as(m.name()).isNotBlank();
            assertThat(m.title()).as(m.name()).isNotBlank();
            for (Manifest.Source s : m.sources()) {
                Format.named(s.format());
                assertThat(s.origin()).as(m.name()).isNotBlank();
                for (Manifest.DataFile f : s.files()) {
                    assertThat(f.sha256() != null || f.records() != null).as(f.path() + " is checked somehow").isTrue();
                    if (f.sha256() != null) {
                        assertThat(f.sha256()).matches("[0-9a-f]{64}");
                    }
                }
            }
        }
    }

    @Test
    void theSeededPickChangesWithTheSeedAndIsStableUnderReordering() {
        List<Problem> parent = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            parent.add(new Problem(String.valueOf(i), "p", "problem " + i, new MathAnswer("1", null), null));
        }
        List<String> a = pick("seed-a", parent);
        List<String> b = pick("seed-b", parent);
        assertThat(a).hasSize(10).isNotEqualTo(b);
        List<Problem> reversed = new java.util.ArrayList<>(parent);
        java.util.Collections.reverse(reversed);
        assertThat(pick("seed-a", reversed)).containsExactlyInAnyOrderElementsOf(a);
    }

    private static List<String> pick(String seed, List<Problem> parent) {
        Manifest m = new Manifest("sub", "Sub", Kind.MATH, null, "x", null, "p",
                new Manifest.Subset("sha256-rank", seed, 10, null), null, List.of());
        return SeededSubset.pick(m, parent).stream().map(Problem::id).toList();
    }
}
