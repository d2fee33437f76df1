package dev.arbiter.run;

import dev.arbiter.inference.InferenceException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples that could not be had, grouped by cause: the HTTP status (or the lack of an answer) and
 * the server's own message with its numbers blanked, so "prompt (41 tokens) ..." and "prompt (57
 * tokens) ..." are one cause. Each group keeps its first message as the server wrote it, a count and
 * one sample that failed so. Safe for use from many threads.
 */
public final class RequestFailures {
    /**
     * One cause. {@code cause} is "HTTP 400", "unreachable", "refused" (an in-process refusal),
     * "failed" (no answer past the retries), "store" or "not requested"; {@code status} the HTTP
     * status (0 when none); {@code permanent} when the same request fails again.
     */
    public record Group(String cause, int status, boolean permanent, String message, int count, String example) {
        /** The group in one line: count, cause, whether permanent, the server's message, one sample. */
        public String line() {
            return count + " x " + cause + (permanent ? " (permanent)" : "") + ": " + message + " (e.g. " + example + ")";
        }
    }

    private final Map<String, Group> groups = new LinkedHashMap<>();

    public void add(String slot, InferenceException e) {
        String cause = e.status() > 0 ? "HTTP " + e.status() : switch (e.kind()) {
            case UNREACHABLE -> "unreachable";
            case REFUSED -> "refused";
            case FAILED -> "failed";
        };
        add(cause, e.status(), e.permanent(), e.reason(), slot, 1);
    }

    public void add(String slot, StoreException e) {
        add("store", 0, false, e.getMessage(), slot, 1);
    }

    /** Slots not asked for at all, and why. */
    public void skipped(int count, String why, String firstSlot) {
        if (count > 0) {
            add("not requested", 0, false, why, firstSlot, count);
        }
    }

    private synchronized void add(String cause, int status, boolean permanent, String message, String slot, int count) {
        String key = cause + "|" + permanent + "|" + message.replaceAll("\\d+", "#");
        groups.merge(key, new Group(cause, status, permanent, message, count, slot),
                (a, b) -> new Group(a.cause(), a.status(), a.permanent(), a.message(), a.count() + b.count(), a.example()));
    }

    /** The groups, most samples first. */
    public synchronized List<Group> groups() {
        List<Group> out = new ArrayList<>(groups.values());
        out.sort(Comparator.comparingInt(Group::count).reversed());
        return List.copyOf(out);
    }
}
