package dev.arbiter.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import dev.arbiter.json.Json;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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

    /**
     * Writes {@code image} from {@code host} to {@code file}, whole or not at all: the tarball is
     * checked to name the image with the id the daemon gives it before it takes the file's name.
     * Returns its size in bytes.
     */
    public static long save(DockerHost host, String image, Path file) {
        DockerClient docker = host.connect(null);
        Path part = null;
        try {
            String id = Sandbox.checkImage(docker, image, host);
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            part = Files.createTempFile(parent, "." + file.getFileName(), ".part");
            try (InputStream in = docker.saveImageCmd(image).exec()) {
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException | RuntimeException e) {
                throw new SandboxException("Docker at " + host + " could not write " + image + ": " + Sandbox.reason(e), e);
            }
            String written = imageIdIn(part, image);
            if (!id.equals(written)) {
                throw new SandboxException("the tarball Docker at " + host + " wrote does not hold " + image + " (" + id + ") whole"
                        + (written == null ? "" : "; it holds " + written) + "; nothing was written to " + file);
            }
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return Files.size(file);
        } catch (IOException e) {
            throw new SandboxException("could not write " + file + ": " + Sandbox.reason(e), e);
        } finally {
            deleteQuietly(part);
            DockerHost.closeQuietly(docker);
        }
    }

    /**
     * Loads the tarball into each host and checks that each then holds the tarball's build of
     * {@code image} (Docker reports a failed load inside a successful answer, and an older build
     * may already carry the name). A host that fails does not stop the others: each gets its own line.
     */
    public static List<Loaded> load(Path file, String image, List<DockerHost> hosts) {
        if (!Files.isRegularFile(file)) {
            throw new SandboxException("no image tarball at " + file + "; write one with `arbiter sandbox image --save FILE`");
        }
        String id;
        try {
            id = imageIdIn(file, image);
        } catch (IOException e) {
            throw new SandboxException("could not read " + file + ": " + Sandbox.reason(e), e);
        }
        if (id == null) {
            throw new SandboxException(file + " is not a tarball of " + image + " (no manifest.json naming it); write one with"
                    + " `arbiter sandbox image --save FILE`");
        }
        List<Loaded> out = new ArrayList<>();
        for (DockerHost host : hosts) {
            out.add(new Loaded(host.uri(), loadOne(file, image, id, host)));
        }
        return out;
    }

    private static String loadOne(Path file, String image, String id, DockerHost host) {
        DockerClient docker;
        try {
            docker = host.connect(null);
        } catch (SandboxException e) {
            return e.getMessage();
        }
        try (InputStream in = Files.newInputStream(file)) {
            docker.loadImageCmd(in).exec();
            String there = Sandbox.checkImage(docker, image, host);
            return there.equals(id) ? null : "loaded " + file + ", but " + image + " on " + host + " is " + there
                    + ", not the tarball's " + id + " (the daemon did not take the tarball)";
        } catch (SandboxException e) {
            return "loaded " + file + ", but " + e.getMessage();
        } catch (IOException | RuntimeException e) {
            return "could not load " + file + " into " + host + ": " + Sandbox.reason(e);
        } finally {
            DockerHost.closeQuietly(docker);
        }
    }

    /**
     * The id of {@code image} in a tarball as `docker save` writes it: the config blob named by the
     * manifest.json entry whose RepoTags hold the image; null when there is none.
     */
    static String imageIdIn(Path tar, String image) throws IOException {
        JsonNode manifest = null;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tar))) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = field(header, 0, 100);
                long size;
                try {
                    size = Long.parseLong(field(header, 124, 12).strip(), 8);
                } catch (NumberFormatException e) {
                    return null;
                }
                if (name.equals("manifest.json") && size < (1 << 24)) {
                    manifest = Json.mapper().readTree(in.readNBytes((int) size));
                    break;
                }
                in.skipNBytes((size + 511) / 512 * 512);
            }
        } catch (java.io.EOFException e) {
            return null;
        }
        if (manifest == null) {
            return null;
        }
        String tag = image.contains(":") ? image : image + ":latest";
        for (JsonNode entry : manifest) {
            for (JsonNode t : entry.path("RepoTags")) {
                if (t.asText().equals(tag)) {
                    String config = entry.path("Config").asText();
                    String hex = config.substring(config.lastIndexOf('/') + 1).replaceFirst("\\.json$", "");
                    return "sha256:" + hex;
                }
            }
        }
        return null;
    }

    private static String field(byte[] header, int from, int length) {
        int end = from;
        while (end < from + length && header[end] != 0) {
            end++;
        }
        return new String(header, from, end - from, StandardCharsets.US_ASCII);
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // A temporary file beside the target; the next save writes another.
            }
        }
    }
}
