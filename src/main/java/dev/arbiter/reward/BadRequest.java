package dev.arbiter.reward;

/** A request the reward server refuses, with the HTTP status and the field at fault. */
final class BadRequest extends RuntimeException {
    final int status;
    final String field;

    BadRequest(int status, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
    }

    BadRequest(String message, String field) {
        this(400, message, field);
    }
}
