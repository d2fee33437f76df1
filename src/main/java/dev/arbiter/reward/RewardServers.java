package dev.arbiter.reward;

import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.judge.LlmJudge;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.sandbox.SandboxException;
import dev.arbiter.verify.math.MathConfig;
import dev.arbiter.verify.math.MathVerifier;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Puts a reward server together: the math verifier, the code sandbox when there is one, and the answers for label-less requests. */
public final class RewardServers {
    private RewardServers() {}

    /** Whether code items get a sandbox: when Docker is reachable, always (failing without it), or never. */
    public enum SandboxMode {
        AUTO, ON, OFF;

        /** From its name on the command line: auto, on or off. */
        public static SandboxMode parse(String name) {
            return switch (name) {
                case "auto" -> AUTO;
                case "on" -> ON;
                case "off" -> OFF;
                default -> throw new IllegalArgumentException("--sandbox must be auto, on or off, got " + name);
            };
        }
    }

    /** A server and what it owns; closing it drains the requests in flight, then stops the verifier and the sandbox. */
    public record Running(RewardServer server, String sandboxNote, MathVerifier verifier, Sandbox sandbox) implements AutoCloseable {
        /** What the server tells its user on start: where it listens, its limits, its answers (from {@code answers}) and shaping. */
        public String banner(RewardServer.Config config, AnswerIndex index, List<String> answers) {
            StringBuilder b = new StringBuilder();
            b.append(String.format("arbiter reward-server: %s (POST /get_reward /run_code /v1/score; GET /health /health/live /health/ready /metrics)%n", server.uri()));
            b.append(String.format("  sandbox: %s%n  queue: %,d items; body limit %d MiB; item deadline %d ms; %s%n", sandboxNote, config.queueItems(),
                    config.maxBodyBytes() >> 20, config.defaults().deadline().toMillis(), config.token() == null ? "no token" : "bearer token required"));
            if (index != null) {
                b.append(String.format("  answers: %,d problems from %s for requests without labels%n", index.size(), String.join(", ", answers)));
            }
            b.append(String.format("  shaping: %s%n  unseparated queries: %s%n  Ctrl-C stops accepting and finishes the requests in flight%n",
                    config.defaults().shaping(), config.unseparated() == RewardServer.Unseparated.REFUSE ? "refused (400)" : "scored 0, flagged"));
            return b.toString();
        }

        @Override
        public void close() {
            server.close();
            verifier.close();
            if (sandbox != null) {
                sandbox.close();
            }
        }
    }

    /**
     * A running sandbox's readiness: one of its Docker daemons answers and holds the image (the pool runs on
     * those that do), checked at most once per {@code interval}.
     */
    static Readiness sandboxReadiness(SandboxConfig sandboxConfig, Duration interval) {
        return new SandboxReadiness(() -> Sandbox.unavailable(sandboxConfig), interval);
    }

    /** The problems of the named benchmarks, as ground truth for requests without labels; null for none. */
    public static AnswerIndex answers(Benchmarks benchmarks, List<String> names, int codeTimeoutS) {
        if (names.isEmpty()) {
            return null;
        }
        List<Problem> problems = new ArrayList<>();
        for (String b : names) {
            problems.addAll(benchmarks.load(b, Selection.DEFAULT).problems());
        }
        return new AnswerIndex(problems, codeTimeoutS);
    }

    /** How often a running sandbox's Docker daemon is checked for {@code /health/ready}. */
    static final Duration SANDBOX_CHECK = Duration.ofSeconds(5);

    /**
     * Starts the sandbox as {@code mode} says, then the verifier and the server; a port in use is a {@link java.net.BindException}.
     * Code scoring is configured unless the mode is off: the server is then ready only while its sandbox runs, and a sandbox
     * that could not start (auto mode) keeps it unready, with Docker's reason.
     */
    public static Running start(RewardServer.Config config, MathConfig.Extraction extraction, SandboxMode mode, SandboxConfig sandboxConfig,
                                AnswerIndex index) throws IOException {
        return start(config, extraction, mode, sandboxConfig, index, null);
    }

    /** The same, with an LLM judge for the math answers the rules reject (null: none); see {@link RewardScorer#withJudge}. */
    public static Running start(RewardServer.Config config, MathConfig.Extraction extraction, SandboxMode mode, SandboxConfig sandboxConfig,
                                AnswerIndex index, LlmJudge.Settings judge) throws IOException {
        Sandbox sandbox = null;
        String note;
        Readiness readiness = Readiness.ALWAYS;
        if (mode == SandboxMode.OFF) {
            note = "off (--sandbox off)";
        } else {
            try {
                sandbox = Sandbox.start(sandboxConfig);
                note = sandboxConfig.totalContainers() + " containers of " + sandboxConfig.image()
                        + (sandboxConfig.hosts().size() > 1 ? " on " + sandboxConfig.hosts().size() + " Docker hosts" : "");
                readiness = sandboxReadiness(sandboxConfig, SANDBOX_CHECK);
            } catch (SandboxException e) {
                if (mode == SandboxMode.ON) {
                    throw e;
                }
                note = "unavailable, requests holding code get 503: " + e.getMessage();
                readiness = Readiness.never("sandbox unavailable: " + e.getMessage());
            }
        }
        MathVerifier verifier = new MathVerifier(MathConfig.defaults().withExtraction(extraction));
        verifier.warmUp();
        String why = sandbox == null ? "no code sandbox on this server (" + note + ")" : null;
        try {
            RewardScorer scorer = new RewardScorer(verifier, sandbox, why);
            if (judge != null) {
                scorer = scorer.withJudge(new LlmJudge(judge));
                note = note + "\n  judge: math answers the rules reject or cannot read go to " + judge.identity() + " at " + judge.endpoint();
            }
            return new Running(new RewardServer(config, scorer, sandbox, index, why, readiness), note, verifier, sandbox);
        } catch (IOException | RuntimeException e) {
            verifier.close();
            if (sandbox != null) {
                sandbox.close();
            }
            throw e;
        }
    }
}
