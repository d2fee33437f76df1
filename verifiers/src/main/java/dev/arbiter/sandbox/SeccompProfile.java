package dev.arbiter.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Our seccomp profile (sandbox/seccomp.json, packed into the jar), which Docker applies to every
 * sandbox container: the system calls a job never needs, io_uring and namespaces among them, are
 * refused. Docker takes the profile's text inline.
 */
final class SeccompProfile {
    private static final String RESOURCE = "/dev/arbiter/sandbox/seccomp.json";
    private static volatile String json;

    private SeccompProfile() {}

    static String json() {
        String j = json;
        if (j == null) {
            try (InputStream in = SeccompProfile.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new SandboxException("the sandbox's seccomp profile " + RESOURCE + " is missing from the build");
                }
                j = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            json = j;
        }
        return j;
    }
}
