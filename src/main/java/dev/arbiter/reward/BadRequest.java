package dev.arbiter.reward;

/**
 * A request the reward server refuses, with the HTTP status and the field at fault. {@code retryLater}
 * says whether the same request may succeed shortly (a full queue, a failing sandbox): it is answered
 * with Retry-After. A refusal that stands as long as the server runs (no sandbox at all) has none.
 */
final class BadRequest extends RuntimeException {
    final int status;
    final String field;
    final boolean retryLater;

    BadRequest(int status, String message, String field, boolean retryLater) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
        this.retryLater = retryLater;
    }

    BadRequest(int status, String message, String field) {
        this(status, message, field, status == 429 || status == 503);
    }

    BadRequest(String message, String field) {
        this(400, message, field);
    }
}
