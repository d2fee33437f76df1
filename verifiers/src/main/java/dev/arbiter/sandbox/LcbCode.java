package dev.arbiter.sandbox;

import com.fasterxml.jackson.annotation.JsonValue;

/** LiveCodeBench's per-test result values, with the value LCB itself records. */
public enum LcbCode {
    PASSED(true),
    /** Call-based wrong answer: LCB records False. */
    WRONG(false),
    /** Stdin wrong answer. */
    WRONG_ANSWER(-2),
    TIME_LIMIT(-3),
    /** Runtime or compile error. */
    RUNTIME_ERROR(-4),
    /** The whole generation ran past (timeout + 1) * tests + 5 seconds. */
    GLOBAL_TIMEOUT(-1),
    /** The test process died without a verdict. */
    RUNNER_ERROR(-5);

    private final Object lcbValue;

    LcbCode(Object lcbValue) {
        this.lcbValue = lcbValue;
    }

    @JsonValue
    public Object lcbValue() {
        return lcbValue;
    }

    /** LCB counts a test as passed when its value is > 0, which only True is. */
    public boolean passed() {
        return this == PASSED;
    }

    static LcbCode of(com.fasterxml.jackson.databind.JsonNode v) {
        if (v.isBoolean()) {
            return v.booleanValue() ? PASSED : WRONG;
        }
        return switch (v.asInt()) {
            case -1 -> GLOBAL_TIMEOUT;
            case -2 -> WRONG_ANSWER;
            case -3 -> TIME_LIMIT;
            case -4 -> RUNTIME_ERROR;
            case -5 -> RUNNER_ERROR;
            default -> throw new IllegalArgumentException("unknown LCB result " + v);
        };
    }
}
