package dev.arbiter.sandbox;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The sandbox image as a tarball, for Docker hosts that cannot reach a registry: written from one
 * daemon as {@code docker save} does, loaded into others as {@code docker load} does.
 */
public final class SandboxImage {
    private SandboxImage() {
    }

    /** What loading gave on one host: null {@code failure} when it worked. */
    public record Loaded(String host, String failure) {
    }

    /** Writes {@code image} from {@code host} to {@code file}, whole or not at all; returns its size in bytes. */
    public static long save(DockerHost host, String image, Path file) {
        DockerClient docker = host.connect(null);
        try {
            Sandbox.checkImage(docker, image, host);
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path part = Files.createTempFile(parent, "." + file.getFileName(), ".part");
            try (InputStream in = docker.saveImageCmd(image).exec()) {
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(part);
            }
            return Files.size(file);
        } catch (IOException e) {
            throw new SandboxException("could not write the image " + image + " to " + file + ": " + Sandbox.reason(e), e);
        } finally {
            DockerHost.closeQuietly(docker);
        }
    }

    /**
     * Loads the tarball into each host and checks {@code image} is there afterwards. A host that
     * fails does not stop the others: each gets its own line.
     */
    public static List<Loaded> load(Path file, String image, List<DockerHost> hosts) {
        if (!Files.isRegularFile(file)) {
            throw new SandboxException("no image tarball at " + file + "; write one with `arbiter sandbox image --save FILE`");
        }
        List<Loaded> out = new ArrayList<>();
        for (DockerHost host : hosts) {
            out.add(new Loaded(host.uri(), loadOne(file, image, host)));
        }
        return out;
    }

    private static String loadOne(Path file, String image, DockerHost host) {
        DockerClient docker;
        try {
            docker = host.connect(null);
        } catch (SandboxException e) {
            return e.getMessage();
        }
        try (InputStream in = Files.newInputStream(file)) {
            docker.loadImageCmd(in).exec();
            Sandbox.checkImage(docker, image, host);
            return null;
        } catch (SandboxException e) {
            return "loaded " + file + ", but " + e.getMessage();
        } catch (IOException | RuntimeException e) {
            return "could not load " + file + " into " + host + ": " + Sandbox.reason(e);
        } finally {
            DockerHost.closeQuietly(docker);
        }
    }
}
