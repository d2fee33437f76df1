package dev.arbiter.run;

/** An input the user gave (a file, a line of it, an output file to resume) cannot be used; the message says why, fit to print as it is. */
public class InputException extends dev.arbiter.ArbiterException {
    public InputException(String message) {
        super(message);
    }
}
