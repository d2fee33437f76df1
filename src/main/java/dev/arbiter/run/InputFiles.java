package dev.arbiter.run;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading a file the user named; a failure is an {@link RunException} with a one-line message fit for users. */
public final class InputFiles {
    private InputFiles() {}

    public static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw failure(p, e);
        }
    }

    private static RunException failure(Path p, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new RunException(p + ": file not found");
        }
        if (e instanceof MalformedInputException) {
            return new RunException(p + ": not valid UTF-8");
        }
        return new RunException(p + ": cannot read (" + e.getMessage() + ")");
    }

    /** A file read line by line, for inputs too big to hold in memory; the same errors as {@link #read}. */
    public static final class Lines implements AutoCloseable {
        private final Path path;
        private final BufferedReader reader;
        private int number;

        public Lines(Path path) {
            this.path = path;
            try {
                this.reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw failure(path, e);
            }
        }

        /** The next line without its terminator, or null at the end. */
        public String next() {
            try {
                String line = reader.readLine();
                if (line != null) {
                    number++;
                }
                return line;
            } catch (MalformedInputException e) {
                throw new RunException(path + ":" + (number + 1) + ": not valid UTF-8");
            } catch (IOException e) {
                throw failure(path, e);
            }
        }

        /** The number of the line {@link #next} returned last, from 1. */
        public int number() {
            return number;
        }

        @Override
        public void close() {
            try {
                reader.close();
            } catch (IOException e) {
                // Read-only: nothing was lost.
            }
        }
    }
}
