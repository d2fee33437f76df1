package dev.arbiter.benchmark;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * A benchmark's manifest, read from {@code benchmarks/NAME.json}: where its data comes from, under
 * what licence, and what the files must hash to and hold. Sources are alternatives tried in order
 * (for LiveCodeBench: the official release files, else a public-tests-only window).
 */
record Manifest(
        String name,
        String title,
        Kind kind,
        String description,
        String license,
        Integer records,
        @JsonProperty("subset_of") String subsetOf,
        Subset subset,
        JsonNode selection,
        List<Source> sources,
        Choices choices) {

    /** A manifest of a benchmark that is not multiple choice. */
    Manifest(String name, String title, Kind kind, String description, String license, Integer records, String subsetOf,
            Subset subset, JsonNode selection, List<Source> sources) {
        this(name, title, kind, description, license, records, subsetOf, subset, selection, sources, null);
    }

    Manifest {
        Objects.requireNonNull(name, "manifest name");
        Objects.requireNonNull(kind, "manifest " + name + " kind");
        sources = sources == null ? List.of() : List.copyOf(sources);
        if (sources.isEmpty() == (subsetOf == null)) {
            throw new IllegalArgumentException("manifest " + name + " needs either sources or subset_of");
        }
    }

    /** One way to obtain the data, in one published format. */
    record Source(
            String id,
            String format,
            String origin,
            String coverage,
            JsonNode covers,
            Integer records,
            List<DataFile> files) {
        Source {
            Objects.requireNonNull(id, "source id");
            Objects.requireNonNull(format, "source format");
            files = List.copyOf(Objects.requireNonNull(files, "source files"));
        }
    }

    /**
     * A data file, at {@code path} relative to a data folder laid out like {@code shared/datasets}.
     * A null sha256 means the bytes are not pinned and only the record count is checked.
     */
    record DataFile(String role, String path, String sha256, Integer records, Hub hub) {
        DataFile {
            Objects.requireNonNull(path, "file path");
        }
    }

    /** Where the same data lives on the Hugging Face hub; its bytes may differ from the local copy. */
    record Hub(String repo, String revision, String path, String sha256) {
        Hub {
            Objects.requireNonNull(repo, "hub repo");
            Objects.requireNonNull(path, "hub path");
            revision = revision == null ? "main" : revision;
        }
    }

    /**
     * How a multiple-choice benchmark's options are laid out: shuffled per problem with this seed
     * (see {@link MultipleChoice#shuffled}), so that the right option is not always first.
     */
    record Choices(@JsonProperty("shuffle_seed") String shuffleSeed) {
        Choices {
            Objects.requireNonNull(shuffleSeed, "choices shuffle_seed");
        }
    }

    /** Whether no file of any source is byte-pinned by the manifest: such data is pinned by its first fetch. */
    boolean unpinned() {
        return !sources.isEmpty() && sources.stream().flatMap(s -> s.files().stream())
                .noneMatch(f -> f.sha256() != null || (f.hub() != null && f.hub().sha256() != null));
    }

    /** A seeded, pinned sample of another benchmark. */
    record Subset(String method, String seed, int size, @JsonProperty("ids_sha256") String idsSha256) {}
}
