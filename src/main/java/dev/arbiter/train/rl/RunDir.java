package dev.arbiter.train.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.inference.engine.Safetensors;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A training run's folder:
 * <pre>
 *   run.json                       what the run computes (a resumed run must match it)
 *   metrics.csv                    one row per step, flushed as it is written
 *   checkpoints/step-000040/       a model folder that arbiter serve and eval load, plus
 *   checkpoints/step-000040/trainer/  optimizer moments, reference weights and state.json
 *   latest                         the name of the newest complete checkpoint
 * </pre>
 * A checkpoint is written under a temporary name and renamed into place, and {@code latest} is
 * replaced atomically after it, so a run killed at any moment resumes from a whole checkpoint.
 */
public final class RunDir {
    private final Path dir;

    public RunDir(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path metrics() {
        return dir.resolve("metrics.csv");
    }

    public Path checkpoint(int step) {
        return dir.resolve("checkpoints").resolve(String.format("step-%06d", step));
    }

    /** The newest complete checkpoint, if any. */
    public Optional<Path> latest() {
        Path p = dir.resolve("latest");
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        try {
            Path c = dir.resolve("checkpoints").resolve(Files.readString(p).strip());
            return Files.isDirectory(c) ? Optional.of(c) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** What was saved with a checkpoint, read back. */
    public record Saved(Path modelDir, int step, JsonNode state, Map<String, Safetensors.Tensor> optimizer, Map<String, Safetensors.Tensor> reference) {}

    public Saved read(Path checkpoint) {
        try {
            JsonNode state = Json.mapper().readTree(checkpoint.resolve("trainer/state.json").toFile());
            Path ref = checkpoint.resolve("trainer/reference.safetensors");
            return new Saved(checkpoint, state.path("step").asInt(), state, readAll(checkpoint.resolve("trainer/optimizer.safetensors")),
                    Files.isRegularFile(ref) ? readAll(ref) : Map.of());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the checkpoint " + checkpoint + ": " + e.getMessage());
        }
    }

    /** Writes a checkpoint atomically, then points {@code latest} at it and drops older ones beyond {@code keep}. */
    public void save(int step, PolicyModel policy, Map<String, Safetensors.Tensor> optimizer, Map<String, Safetensors.Tensor> reference,
            ObjectNode state, int keep) {
        Path target = checkpoint(step);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            dev.arbiter.OutputFiles.deleteTree(tmp);
            policy.save(tmp, Safetensors.DType.F32);
            Files.createDirectories(tmp.resolve("trainer"));
            Safetensors.write(tmp.resolve("trainer/optimizer.safetensors"), optimizer, Safetensors.DType.F32);
            if (!reference.isEmpty()) {
                Safetensors.write(tmp.resolve("trainer/reference.safetensors"), reference, Safetensors.DType.F32);
            }
            Files.writeString(tmp.resolve("trainer/state.json"), Json.pretty(state));
            dev.arbiter.OutputFiles.deleteTree(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            Path latestTmp = dir.resolve("latest.tmp");
            Files.writeString(latestTmp, target.getFileName().toString() + "\n");
            Files.move(latestTmp, dir.resolve("latest"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            List<Path> all = new ArrayList<>();
            try (Stream<Path> s = Files.list(dir.resolve("checkpoints"))) {
                s.filter(p -> p.getFileName().toString().matches("step-\\d{6}")).sorted().forEach(all::add);
            }
            for (int i = 0; i < all.size() - keep; i++) {
                dev.arbiter.OutputFiles.deleteTree(all.get(i));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the checkpoint " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Keeps the header and the rows of steps up to {@code step} (none for -1): later rows belong to
     * work the resumed run redoes.
     */
    public void truncateMetrics(int step) {
        Path m = metrics();
        if (!Files.isRegularFile(m)) {
            return;
        }
        try {
            List<String> keep = new ArrayList<>();
            for (String l : Files.readAllLines(m, StandardCharsets.UTF_8)) {
                if (keep.isEmpty()) {
                    keep.add(l);
                    continue;
                }
                int comma = l.indexOf(',');
                if (comma > 0 && l.substring(0, comma).matches("\\d+") && Integer.parseInt(l.substring(0, comma)) <= step) {
                    keep.add(l);
                }
            }
            Path tmp = m.resolveSibling("metrics.csv.tmp");
            Files.write(tmp, keep, StandardCharsets.UTF_8);
            Files.move(tmp, m, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("cannot rewrite " + m + ": " + e.getMessage(), e);
        }
    }

    static Map<String, Safetensors.Tensor> readAll(Path file) {
        Safetensors.Header h = Safetensors.header(file);
        Map<String, Safetensors.Tensor> out = new LinkedHashMap<>();
        for (Safetensors.Entry e : h.entries().values()) {
            ByteBuffer b = ByteBuffer.allocateDirect(Math.toIntExact(e.elements() * 4)).order(ByteOrder.nativeOrder());
            Safetensors.read(h, e, Safetensors.DType.F32, b);
            float[] v = new float[Math.toIntExact(e.elements())];
            b.rewind();
            b.asFloatBuffer().get(v);
            out.put(e.name(), new Safetensors.Tensor(e.shape(), v));
        }
        return out;
    }
}
