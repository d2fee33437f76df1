package dev.arbiter.benchmark;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

/**
 * Descriptive facts about a problem. Every field is optional; {@code extra} holds source-specific
 * facts (url, platform, question id) under stable keys.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Metadata(
        String subject,
        Integer level,
        String difficulty,
        @JsonProperty("contest_date") LocalDate contestDate,
        String source,
        Map<String, String> extra) {

    public static final Metadata EMPTY = new Metadata(null, null, null, null, null, Map.of());

    public Metadata {
        extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(extra));
    }
}
