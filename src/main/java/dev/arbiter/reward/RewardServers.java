package dev.arbiter.reward;

import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.sandbox.SandboxException;
import dev.arbiter.verify.math.MathConfig;
import dev.arbiter.verify.math.MathVerifier;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Puts a reward server together: the math verifier, the code sandbox when there is one, and the answers for label-less requests. */
public final class RewardServers {
    private RewardServers() {}

    /** Whether code items get a sandbox: when Docker is reachable, always (failing without it), or never. */
    public enum SandboxMode { AUTO, ON, OFF }

    /** A server and what it owns; closing it drains the requests in flight, then stops the verifier and the sandbox. */
    public record Running(RewardServer server, String sandboxNote, MathVerifier verifier, Sandbox sandbox) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            verifier.close();
            if (sandbox != null) {
                sandbox.close();
            }
        }
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

    /** Starts the sandbox as {@code mode} says, then the verifier and the server; a port in use is a {@link java.net.BindException}. */
    public static Running start(RewardServer.Config config, MathConfig.Extraction extraction, SandboxMode mode, SandboxConfig sandboxConfig,
                                AnswerIndex index) throws IOException {
        Sandbox sandbox = null;
        String note;
        if (mode == SandboxMode.OFF) {
            note = "off (--sandbox off)";
        } else {
            try {
                sandbox = Sandbox.start(sandboxConfig);
                note = sandboxConfig.containers() + " containers of " + sandboxConfig.image();
            } catch (SandboxException e) {
                if (mode == SandboxMode.ON) {
                    throw e;
                }
                note = "unavailable, requests holding code get 503: " + e.getMessage();
            }
        }
        MathVerifier verifier = new MathVerifier(MathConfig.defaults().withExtraction(extraction));
        verifier.warmUp();
        String why = sandbox == null ? "no code sandbox on this server (" + note + ")" : null;
        try {
            return new Running(new RewardServer(config, new RewardScorer(verifier, sandbox, why), sandbox, index, why), note, verifier, sandbox);
        } catch (IOException | RuntimeException e) {
            verifier.close();
            if (sandbox != null) {
                sandbox.close();
            }
            throw e;
        }
    }
}
