package dev.arbiter.run;

import dev.arbiter.benchmark.Problem;
import dev.arbiter.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What a run's summary records beside its generation spec so that anyone can run it again: the settings that change what
 * the model writes or how it is graded that the spec does not hold, the problems' digest, and the command line itself.
 *
 * @param preset          the preset the run was made under (see {@link Preset}), or null
 * @param overridden      the preset's flags the user gave other values (flag and value), empty without a preset
 * @param endpoint        how the model was asked: "chat" (/v1/chat/completions), "completions" (/v1/completions, --raw), or "in-process"
 * @param codeTemplate    the prompt template of code benchmarks (the spec holds the math one)
 * @param topK            top-k as sampled: eval never sends one, so the server's default applies
 * @param release         LiveCodeBench's release tag, or null for the manifest's
 * @param from            the first contest date, or null
 * @param to              the last contest date, or null
 * @param limit           the --limit that cut each benchmark, or null
 * @param data            each benchmark's problems and their digest
 * @param rerun           the command line that makes this run again (its store redacted)
 */
public record RunSettings(String preset, List<String> overridden, String endpoint, String codeTemplate, String topK, String release, String from,
                          String to, Integer limit, List<Data> data, List<String> rerun) {
    public static final String TOP_K_NOT_SENT = "not sent (the server's default)";

    public RunSettings {
        overridden = overridden == null ? List.of() : List.copyOf(overridden);
        data = data == null ? List.of() : List.copyOf(data);
        rerun = rerun == null ? List.of() : List.copyOf(rerun);
    }

    /** One benchmark's problems as the run asked them: how many, and the SHA-256 of their ids, prompts and golds. */
    public record Data(String benchmark, int problems, String problemsSha256) {}

    /** The settings of a run of {@code plans} made with {@code s}, under {@code preset} (or null) with {@code uses} of it. */
    static RunSettings of(Evaluation.Settings s, List<EvalPlan> plans, boolean served, String preset, List<Preset.Use> uses) {
        List<Data> data = plans.stream().map(p -> new Data(p.benchmark(), p.problems().size(), digest(p.problems()))).toList();
        List<String> overridden = uses.stream().filter(Preset.Use::overridden).map(u -> u.setting().flag() + " " + u.winning()).toList();
        return new RunSettings(preset, overridden, !served ? "in-process" : s.raw() ? "completions" : "chat", s.codeTemplate(), TOP_K_NOT_SENT,
                s.selection().release(), s.selection().from() == null ? null : s.selection().from().toString(),
                s.selection().to() == null ? null : s.selection().to().toString(), s.limit(), data, command(s));
    }

    /** The rerun command as one line a shell takes back, each word quoted as it needs. */
    public String rerunLine() {
        return String.join(" ", rerun.stream().map(Preset::quoted).toList());
    }

    /** The eval command line for {@code s}: every flag that changes output, with its value, and the store; not where the report goes. */
    static List<String> command(Evaluation.Settings s) {
        List<String> a = new ArrayList<>(List.of("arbiter", "eval"));
        s.benchmarks().forEach(b -> add(a, "--benchmark", b));
        s.jsonl().forEach(j -> add(a, "--jsonl", j.toString()));
        if (s.selection().release() != null) {
            add(a, "--release", s.selection().release());
        }
        if (s.selection().from() != null) {
            add(a, "--from", s.selection().from().toString());
        }
        if (s.selection().to() != null) {
            add(a, "--to", s.selection().to().toString());
        }
        s.endpoints().forEach(e -> add(a, "--endpoint", e.toString()));
        add(a, "--model", s.model());
        if (s.modelRevision() != null) {
            add(a, "--model-revision", s.modelRevision());
        }
        if (s.device() != null && s.endpoints().isEmpty()) {
            add(a, "--device", s.device());
        }
        add(a, "--n", Integer.toString(s.n()));
        add(a, "--max-tokens", Integer.toString(s.maxTokens()));
        add(a, "--temperature", num(s.temperature()));
        add(a, "--top-p", num(s.topP()));
        add(a, "--seed", Long.toString(s.seed()));
        if (s.raw()) {
            a.add("--raw");
        }
        add(a, "--template", s.template());
        add(a, "--code-template", s.codeTemplate());
        s.stop().forEach(x -> add(a, "--stop", x));
        add(a, "--k", String.join(",", s.ks().stream().map(String::valueOf).toList()));
        if (s.limit() != null) {
            add(a, "--limit", Integer.toString(s.limit()));
        }
        add(a, "--extraction", s.extraction().name().toLowerCase());
        if (s.excludeTruncated()) {
            a.add("--exclude-truncated");
        }
        add(a, "--strategy", s.strategy().cliName());
        add(a, "--store", CompletionStore.redacted(s.store()));
        return a;
    }

    private static void add(List<String> a, String flag, String value) {
        a.add(flag);
        a.add(value);
    }

    /** A number as the command line takes it: 0.6, not 0.6000000000000001; 1 for 1.0. */
    static String num(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    /** SHA-256 over each problem's JSON line (id, benchmark, kind, prompt, gold, metadata), in the run's order. */
    static String digest(List<Problem> problems) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Problem p : problems) {
                md.update(Json.line(Json.mapper().valueToTree(p)).getBytes(StandardCharsets.UTF_8));
                md.update((byte) '\n');
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
