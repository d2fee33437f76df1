package dev.arbiter.cli;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading a file the user named, with one-line errors instead of stack traces. */
final class InputFiles {
    private InputFiles() {}

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new Errors.UserError(p + ": file not found");
        } catch (MalformedInputException e) {
            throw new Errors.UserError(p + ": not valid UTF-8");
        } catch (IOException e) {
            throw new Errors.UserError(p + ": cannot read (" + e.getMessage() + ")");
        }
    }
}
