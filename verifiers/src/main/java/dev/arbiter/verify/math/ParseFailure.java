package dev.arbiter.verify.math;

/** The text is not an answer this parser understands; the caller falls back to string equality. */
final class ParseFailure extends RuntimeException {
    ParseFailure(String why) {
        super(why, null, false, false);
    }
}
