package dev.arbiter.train.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.json.Json;
import dev.arbiter.reward.ItemDefaults;
import dev.arbiter.reward.RewardItem;
import dev.arbiter.reward.RewardResult;
import dev.arbiter.reward.RewardScorer;
import dev.arbiter.reward.Shaping;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.verify.code.CodeGrader;
import dev.arbiter.verify.math.MathVerifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Where rollouts get their rewards: the verifiers (math, and code in the sandbox) and the shaping
 * terms in this process, or the reward service's {@code /v1/score} over HTTP. Either way the reward is the service's reward, so a
 * run trained against one scores the same against the other. A rollout that gets no reward because
 * the sandbox failed stops the step with {@link UnscoredException}; it never counts as a 0.
 */
public interface Rewards extends AutoCloseable {
    /** One scored response: the shaped reward and whether the verifier called it correct. */
    record Score(double reward, boolean correct) {}

    /** Scores {@code responses[i]} against {@code targets[i]}'s gold answer or tests. */
    List<Score> score(List<String> responses, List<PromptSet.Example> targets);

    /** What the run's log says about the source. */
    String describe();

    @Override
    void close();

    /** The math verifier here; code runs in a sandbox started on the first code item. */
    static Rewards inProcess(Shaping shaping) {
        return new InProcess(shaping);
    }

    static Rewards remote(URI url, String token, Shaping shaping) {
        return new Remote(url, token, shaping);
    }

    /** Tests in the service's {@code {"inputs", "outputs", "fn_name"}} form, each value LiveCodeBench's string as it is. */
    static ObjectNode testsJson(CodeTests tests) {
        ObjectNode o = Json.mapper().createObjectNode();
        ArrayNode in = o.putArray("inputs");
        ArrayNode out = o.putArray("outputs");
        tests.tests().forEach(t -> {
            in.add(t.input());
            out.add(t.output());
        });
        if (tests.fnName() != null) {
            o.put("fn_name", tests.fnName());
        }
        return o;
    }

    /** The shaping as the reward service's {@code options.shaping} object. */
    static ObjectNode shapingJson(Shaping s) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("correct", s.correct()).put("incorrect", s.incorrect()).put("format_penalty", s.formatPenalty())
                .put("exploration_weight", s.explorationWeight()).put("exploration_c", s.explorationC())
                .put("chars_per_token", s.charsPerToken()).put("garbage_penalty", s.garbagePenalty());
        return o;
    }

    /**
     * Thrown when an item has no reward because the sandbox could not grade it: training on a made-up
     * 0 would teach the policy that the answer was wrong, so the step fails with the sandbox's reason.
     */
    final class UnscoredException extends dev.arbiter.ArbiterException {
        UnscoredException(String message) {
            super(message);
        }
    }

    private static UnscoredException unscored(String id, int of, String reason) {
        return new UnscoredException("rollout " + id + " of " + of + " has no reward, the verifier could not judge it: " + reason
                + "; the step stops rather than train on a made-up 0");
    }

    /** The reward service's target for an example: code is graded by LiveCodeBench's rules, 6 s per test. */
    static RewardItem.Target target(PromptSet.Example e) {
        return e.code() ? new RewardItem.CodeTarget(e.tests(), CodeGrader.Kind.LIVECODEBENCH, 6) : new RewardItem.MathTarget(e.answer());
    }

    final class InProcess implements Rewards {
        private final Shaping shaping;
        private final MathVerifier verifier = new MathVerifier();
        private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        private final java.util.function.Supplier<Sandbox> sandboxes;
        private RewardScorer scorer = new RewardScorer(verifier, null, null);
        private Sandbox sandbox;

        InProcess(Shaping shaping) {
            this(shaping, () -> Sandbox.start(SandboxConfig.defaults()));
        }

        /** Starts the sandbox with {@code sandboxes} (tests hand it a broken one); it is closed with this. */
        InProcess(Shaping shaping, java.util.function.Supplier<Sandbox> sandboxes) {
            this.shaping = shaping;
            this.sandboxes = sandboxes;
        }

        private RewardScorer scorer(List<PromptSet.Example> targets) {
            if (sandbox == null && targets.stream().anyMatch(PromptSet.Example::code)) {
                sandbox = sandboxes.get();
                scorer = new RewardScorer(verifier, sandbox, null);
            }
            return scorer;
        }

        @Override
        public List<Score> score(List<String> responses, List<PromptSet.Example> targets) {
            RewardScorer sc = scorer(targets);
            long now = System.nanoTime();
            // math gets the reward service's default deadline; a batch of code items queues for the sandbox, so it gets minutes
            long mathDeadline = now + ItemDefaults.STANDARD.deadline().toNanos();
            long codeDeadline = now + Duration.ofMinutes(5).toNanos();
            List<Future<RewardResult>> futures = new ArrayList<>();
            for (int i = 0; i < responses.size(); i++) {
                PromptSet.Example t = targets.get(i);
                RewardItem item = new RewardItem(Integer.toString(i), responses.get(i), target(t), shaping, t.code() ? codeDeadline : mathDeadline);
                futures.add(pool.submit(() -> sc.score(item)));
            }
            List<Score> out = new ArrayList<>();
            for (Future<RewardResult> f : futures) {
                try {
                    RewardResult r = f.get();
                    if (!r.scored()) {
                        throw unscored(r.id(), targets.size(), r.reason());
                    }
                    out.add(new Score(r.reward(), r.acc()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while scoring", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("the verifier failed: " + e.getCause(), e.getCause());
                }
            }
            return out;
        }

        @Override
        public String describe() {
            return "verifiers in process";
        }

        @Override
        public void close() {
            pool.shutdownNow();
            if (sandbox != null) {
                sandbox.close();
            }
            verifier.close();
        }
    }

    final class Remote implements Rewards {
        private final URI url;
        private final String token;
        private final Shaping shaping;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        Remote(URI url, String token, Shaping shaping) {
            this.url = url.getPath().endsWith("/v1/score") ? url : url.resolve("/v1/score");
            this.token = token;
            this.shaping = shaping;
        }

        @Override
        public List<Score> score(List<String> responses, List<PromptSet.Example> targets) {
            ObjectNode body = Json.mapper().createObjectNode();
            body.putObject("options").set("shaping", shapingJson(shaping));
            ArrayNode items = body.putArray("items");
            for (int i = 0; i < responses.size(); i++) {
                PromptSet.Example t = targets.get(i);
                ObjectNode item = items.addObject().put("id", Integer.toString(i)).put("kind", t.code() ? "code" : "math")
                        .put("response", responses.get(i));
                if (t.code()) {
                    item.set("tests", testsJson(t.tests()));
                } else {
                    item.put("ground_truth", t.answer());
                }
            }
            HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(2)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.line(body)));
            if (token != null) {
                req.header("Authorization", "Bearer " + token);
            }
            String last = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                try {
                    HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
                    // Only a refusal with Retry-After may pass if asked again; the rest say why in their body.
                    if ((resp.statusCode() == 429 || resp.statusCode() == 503) && resp.headers().firstValue("Retry-After").isPresent()) {
                        last = "HTTP " + resp.statusCode() + ": " + resp.body().lines().findFirst().orElse("");
                        Thread.sleep(500L << attempt);
                        continue;
                    }
                    if (resp.statusCode() != 200) {
                        throw new IllegalStateException("the reward service at " + url + " answered HTTP " + resp.statusCode() + ": "
                                + resp.body().lines().findFirst().orElse(""));
                    }
                    JsonNode results = Json.mapper().readTree(resp.body()).path("results");
                    if (!results.isArray() || results.size() != responses.size()) {
                        throw new IllegalStateException("the reward service at " + url + " returned " + results.size() + " results for "
                                + responses.size() + " items");
                    }
                    List<Score> out = new ArrayList<>();
                    for (JsonNode r : results) {
                        if (!r.path("reward").isNumber()) {
                            throw unscored(r.path("id").asText(), responses.size(), r.path("reason").asText("the reward service gave no reason"));
                        }
                        out.add(new Score(r.path("reward").asDouble(), r.path("acc").asBoolean()));
                    }
                    return out;
                } catch (IOException e) {
                    last = e.getMessage();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for rewards", e);
                }
            }
            throw new IllegalStateException("the reward service at " + url + " did not answer: " + last);
        }

        @Override
        public String describe() {
            return "reward service " + url;
        }

        @Override
        public void close() {
            http.close();
        }
    }
}
