package dev.arbiter.benchmark;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * A math gold answer. {@code solution} is the reference worked solution where the source has one
 * (MATH-500, Omni-MATH, AIME 2024), else null. {@code choices} holds option letters for benchmarks
 * that declare multiple choice, else it is empty.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record MathAnswer(String answer, String solution, List<String> choices) implements Gold {
    public MathAnswer {
        Objects.requireNonNull(answer, "answer");
        if (answer.isBlank()) {
            throw new IllegalArgumentException("gold answer is blank");
        }
        choices = choices == null ? List.of() : List.copyOf(choices);
    }

    public MathAnswer(String answer, String solution) {
        this(answer, solution, List.of());
    }

    @Override
    public Kind kind() {
        return Kind.MATH;
    }
}
