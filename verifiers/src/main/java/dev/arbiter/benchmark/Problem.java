package dev.arbiter.benchmark;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/** One benchmark problem, whatever its source format. The id is unique within its benchmark. */
@JsonPropertyOrder({"id", "benchmark", "kind", "prompt", "gold", "metadata"})
public record Problem(String id, String benchmark, String prompt, Gold gold, Metadata metadata) {
    public Problem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(benchmark, "benchmark");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(gold, "gold");
        metadata = metadata == null ? Metadata.EMPTY : metadata;
        if (id.isBlank()) {
            throw new IllegalArgumentException("problem id is blank");
        }
        if (prompt.isBlank()) {
            throw new IllegalArgumentException("problem " + id + " has a blank prompt");
        }
    }

    @JsonProperty("kind")
    public Kind kind() {
        return gold.kind();
    }
}
