package dev.arbiter.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.inference.Fingerprint;
import dev.arbiter.inference.Generation;
import dev.arbiter.inference.GenerationRequest;
import dev.arbiter.inference.InferenceException;
import dev.arbiter.inference.OpenAiClient;
import dev.arbiter.json.Json;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What `arbiter eval` and `arbiter scale` check on their endpoints before they ask for a single sample: that each serves
 * --model (GET /v1/models), that --max-tokens and the longest prompt fit the served context, and
 * that the model is the one whose samples the store holds under that name. The last is settled by a
 * {@link Fingerprint}, compared with the one recorded when the name was first seen; the identity it
 * settles on enters the store key (of samples and of strategy calls alike), so another model served
 * under the same name never reuses samples. A --model-revision names one model too: a model whose
 * fingerprint differs from the one recorded for that revision is refused, as under a bare name.
 */
public final class EvalPreflight {
    private EvalPreflight() {}

    /**
     * What the run knows of the served model: the identity for the store key, what to put in its config, and the
     * max tokens to ask for (the one given, or a default lowered to fit the served context).
     */
    public record Served(String identity, ObjectNode info, int maxTokens) {}

    /** A GET /v1/models needs no long wait: a server that is up answers it at once. */
    private static final Duration MODELS_TIMEOUT = Duration.ofSeconds(30);

    /**
     * @param command the command's name, for the lines it writes ("eval", "scale")
     * @param revision the user's --model-revision, or null
     * @param record whether a model seen for the first time is recorded (not in a dry run)
     * @throws RunException with one line naming the cause and the fix
     */
    public static Served check(String command, OpenAiClient client, String model, String revision, boolean chat, int maxTokens, List<EvalPlan> plans,
                        CompletionStore store, boolean record, Duration timeout, PrintWriter err) {
        return check(command, client, model, revision, chat, maxTokens, false, plans, store, record, timeout, err);
    }

    /**
     * As above; with {@code fitMaxTokens} (the user left --max-tokens at its default) a max tokens that does not fit
     * the served context after the longest prompt is lowered to what does, and said on {@code err}, instead of refused.
     */
    public static Served check(String command, OpenAiClient client, String model, String revision, boolean chat, int maxTokens, boolean fitMaxTokens,
                               List<EvalPlan> plans, CompletionStore store, boolean record, Duration timeout, PrintWriter err) {
        ObjectNode info = Json.mapper().createObjectNode();
        ObjectNode perEndpoint = info.putObject("endpoints");
        Integer context = null;
        URI contextFrom = null;
        for (URI ep : client.endpoints()) {
            Optional<List<OpenAiClient.ServedModel>> listed;
            try {
                listed = client.models(ep, MODELS_TIMEOUT);
            } catch (InferenceException e) {
                throw refusal(e, e.kind() == InferenceException.Kind.UNREACHABLE ? "start the server there, or correct --endpoint" : null);
            }
            ObjectNode o = perEndpoint.putObject(ep.toString());
            if (listed.isEmpty()) {
                err.println("arbiter " + command + ": note: " + ep + " has no GET /v1/models, so the model name and the context are not checked before sampling");
                continue;
            }
            OpenAiClient.ServedModel m = listed.get().stream().filter(x -> x.id().equals(model)).findFirst().orElseThrow(() ->
                    new RunException(ep + " serves no model '" + model + "' (GET /v1/models lists: "
                            + String.join(", ", listed.get().stream().map(OpenAiClient.ServedModel::id).toList()) + "); "
                            + (listed.get().size() == 1 ? "pass --model " + listed.get().getFirst().id() : "pass one of them as --model")));
            o.put("root", m.root());
            if (m.maxModelLen() != null) {
                o.put("max_model_len", m.maxModelLen());
                if (context == null || m.maxModelLen() < context) {
                    context = m.maxModelLen();
                    contextFrom = ep;
                }
            }
        }
        if (context != null) {
            maxTokens = checkContext(command, command.equals("eval") ? "--max-tokens" : "the largest of --budgets", client, model, chat, maxTokens,
                    fitMaxTokens, plans, context, contextFrom, timeout, err);
        }

        List<Fingerprint> prints = new ArrayList<>();
        for (URI ep : client.endpoints()) {
            Fingerprint f;
            try {
                f = Fingerprint.take(client, ep, model, chat, timeout);
            } catch (InferenceException e) {
                throw refusal(e, null);
            }
            Fingerprint.Match m = f.compare(prints.isEmpty() ? f : prints.getFirst());
            if (!m.same()) {
                throw new RunException("the endpoints serve different models as '" + model + "': " + client.endpoints().getFirst() + " has fingerprint "
                        + prints.getFirst().id() + ", " + ep + " has " + f.id() + " (" + m.why() + "); serve one model on all of them");
            }
            prints.add(f);
            ((ObjectNode) perEndpoint.get(ep.toString())).put("fingerprint", f.id()).put("fingerprint_logprobs", f.hasLogprobs());
        }
        Fingerprint now = prints.getFirst();
        URI ep = client.endpoints().getFirst();
        String rev = revision == null ? "" : revision;
        CompletionStore.RecordedModel mine = new CompletionStore.RecordedModel(now.id(), Json.line(now.toJson()),
                Json.line(perEndpoint.path(ep.toString())), ep.toString(), null);
        Optional<CompletionStore.RecordedModel> before = store.recordedModel(model, rev, now.route());
        String known = now.id();
        String how;
        if (before.isEmpty() && !record) {
            how = "first seen under this name";
        } else {
            CompletionStore.RecordedModel k = before.isPresent() ? before.get() : store.recordModel(model, rev, now.route(), mine);
            known = k.fingerprintId();
            Fingerprint.Match m = now.compare(fingerprint(k));
            if (before.isEmpty() && known.equals(now.id())) {
                how = "first seen under this name; recorded";
            } else if (m.same()) {
                how = "matches " + known + " recorded " + k.createdAt() + ": " + m.why();
            } else if (revision != null) {
                throw new RunException("'" + model + "' at " + ep + " is not the model recorded for revision " + revision + ": fingerprint "
                        + now.id() + " now, " + known + " recorded " + k.createdAt() + " (" + m.why() + "); pass a new --model-revision for this model");
            } else {
                throw new RunException("'" + model + "' at " + ep + " is not the model whose samples the store holds under that name: fingerprint "
                        + now.id() + " now, " + known + " recorded " + k.createdAt() + " (" + m.why()
                        + "); serve that model again, or pass --model-revision NAME to sample this one under its own key");
            }
        }
        String identity = revision != null ? "revision " + revision : "fingerprint " + known;
        info.put("identity", identity).put("fingerprint", now.id()).put("fingerprint_check", how);
        ObjectNode first = (ObjectNode) perEndpoint.get(ep.toString());
        err.println("arbiter " + command + ": '" + model + "' at " + ep + (first.has("max_model_len") ? ": context " + first.path("max_model_len").asInt()
                + " tokens" : "") + (first.hasNonNull("root") ? ", root " + first.path("root").asText() : "") + "; fingerprint " + now.id()
                + (revision != null ? ", revision " + revision : "") + " (" + how + ")");
        err.flush();
        return new Served(identity, info, maxTokens);
    }

    /**
     * What a run that requests nothing (gathering the shards of a run) knows of the served model: the identity
     * its shards settled on, from the fingerprint recorded under the name (or the revision), without a probe.
     *
     * @throws RunException when the store has no fingerprint under that name: no shard has started against it
     */
    public static Served recorded(String command, String model, String revision, boolean chat, int maxTokens, CompletionStore store, PrintWriter err) {
        String rev = revision == null ? "" : revision;
        CompletionStore.RecordedModel k = store.recordedModel(model, rev, Fingerprint.route(chat)).orElseThrow(() -> new RunException(
                "the store holds no fingerprint of '" + model + "'" + (revision == null ? "" : " at revision " + revision) + " on its "
                        + Fingerprint.route(chat) + " route, so no shard of this run has sampled into it: run the shards first, with the same"
                        + " --store, --model and --raw as here"));
        String identity = revision != null ? "revision " + revision : "fingerprint " + k.fingerprintId();
        ObjectNode info = Json.mapper().createObjectNode().put("identity", identity).put("fingerprint", k.fingerprintId())
                .put("fingerprint_check", "recorded " + k.createdAt() + "; read from the store, the model was not asked");
        err.println("arbiter " + command + ": '" + model + "': fingerprint " + k.fingerprintId() + (revision != null ? ", revision " + revision : "")
                + " as the store recorded it " + k.createdAt() + "; nothing is requested");
        err.flush();
        return new Served(identity, info, maxTokens);
    }

    /**
     * Fails before sampling when the completion cannot fit: --max-tokens at or past the context, or the
     * longest prompt plus --max-tokens over it. The longest is the one of most tokens, as the server's
     * /tokenize counts every prompt; a server without /tokenize measures the longest in UTF-8 bytes
     * with a 1-token request (there a prompt of rare letters can need more tokens than a longer one,
     * and is refused when sampled). With {@code fit}, a max tokens over what the longest prompt leaves
     * is lowered to that instead, and said.
     *
     * @param flag how the user sets {@code maxTokens} ("--max-tokens")
     * @return the max tokens to ask for
     */
    private static int checkContext(String command, String flag, OpenAiClient client, String model, boolean chat, int maxTokens, boolean fit,
                                    List<EvalPlan> plans, int context, URI from, Duration timeout, PrintWriter err) {
        String where = "'" + model + "''s context of " + context + " tokens (max_model_len, GET " + from + "/v1/models)";
        List<Asked> prompts = new ArrayList<>();
        for (EvalPlan p : plans) {
            for (Problem q : p.problems()) {
                prompts.add(new Asked(p.benchmark() + " " + q.id(), p.prompt(q)));
            }
        }
        prompts.sort(Comparator.comparingInt((Asked a) -> a.prompt().getBytes(StandardCharsets.UTF_8).length).reversed());
        Asked longest = prompts.getFirst();
        int promptTokens;
        try {
            OptionalInt counted = client.promptTokens(from, model, longest.prompt(), chat, timeout);
            if (counted.isPresent()) {
                Counted most = mostTokens(client, from, model, chat, prompts, counted.getAsInt(), timeout);
                longest = most.prompt();
                promptTokens = most.tokens();
            } else {
                Generation g = client.generate(new GenerationRequest(model, longest.prompt(), chat, 1, 0.0, 1.0, 0, List.of(), timeout));
                promptTokens = g.promptTokens();
            }
        } catch (InferenceException e) {
            if (maxTokens >= context && !fit) {
                throw new RunException(flag + " " + maxTokens + " leaves no room for a prompt in " + where + "; lower " + flag + " below "
                        + context + " minus the longest prompt's tokens");
            }
            boolean alone = e.permanent() && fix(e.status(), e.reason()).startsWith("lower --max-tokens");
            throw refusal(new InferenceException("the longest prompt (" + longest.name() + ") failed: " + e.getMessage(), e, e.kind(), e.status(),
                    e.reason()), alone ? "the prompt alone does not fit the served context: shorten it, or serve the model with a longer context" : null);
        }
        String name = longest.name();
        if ((long) promptTokens + maxTokens > context && fit && promptTokens < context) {
            int room = context - promptTokens;
            err.println("arbiter " + command + ": " + flag + " " + maxTokens + " (the default) does not fit " + where + " after the longest prompt ("
                    + name + ", " + promptTokens + " tokens): asking for " + room + " tokens per sample; pass " + flag + " to choose");
            err.flush();
            return room;
        }
        if ((long) promptTokens + maxTokens > context) {
            throw new RunException((maxTokens >= context ? flag + " " + maxTokens + " leaves no room for a prompt in " + where
                    : "the longest prompt (" + name + ", " + promptTokens + " tokens) plus " + flag + " " + maxTokens + " is over " + where)
                    + (promptTokens < context ? "; lower " + flag + " to " + (context - promptTokens) + " or less" : "; shorten the prompt"));
        }
        return maxTokens;
    }

    /** A prompt the run will ask, and what names it in a message: the benchmark and the problem's id. */
    private record Asked(String name, String prompt) {}

    private record Counted(Asked prompt, int tokens) {}

    /** Requests at a time while counting every prompt's tokens. */
    private static final int COUNTING = 8;

    /**
     * The prompt of most tokens, each counted by {@code from}'s /tokenize a few at a time, the first
     * already counted as {@code first}; the first of them on a tie. A failure to count one is that
     * prompt's, and stops the count.
     */
    private static Counted mostTokens(OpenAiClient client, URI from, String model, boolean chat, List<Asked> prompts, int first, Duration timeout) {
        int[] tokens = new int[prompts.size()];
        tokens[0] = first;
        AtomicInteger next = new AtomicInteger(1);
        List<Future<?>> workers = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < Math.min(COUNTING, prompts.size() - 1); w++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < prompts.size(); i = next.getAndIncrement()) {
                        Asked a = prompts.get(i);
                        try {
                            tokens[i] = client.promptTokens(from, model, a.prompt(), chat, timeout).orElseThrow(() ->
                                    new InferenceException(from + "/tokenize counted the longest prompt in bytes but refused this one"));
                        } catch (InferenceException e) {
                            next.set(prompts.size()); // the others stop at their next prompt
                            throw refusal(new InferenceException("counting the tokens of " + a.name() + " (POST " + from + "/tokenize) failed: "
                                    + e.getMessage(), e, e.kind(), e.status(), e.reason()), null);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    next.set(prompts.size());
                    if (e.getCause() instanceof RunException re) {
                        throw re;
                    }
                    throw new IllegalStateException("counting the prompts' tokens failed", e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RunException("interrupted while counting the prompts' tokens");
                }
            }
        }
        int best = 0;
        for (int i = 1; i < tokens.length; i++) {
            if (tokens[i] > tokens[best]) {
                best = i;
            }
        }
        return new Counted(prompts.get(best), tokens[best]);
    }

    private static Fingerprint fingerprint(CompletionStore.RecordedModel m) {
        try {
            return Fingerprint.fromJson(Json.mapper().readTree(m.fingerprint()));
        } catch (java.io.IOException e) {
            throw new RunException("the store's record of this model's fingerprint is not JSON: " + e.getMessage());
        }
    }

    /** A failed request as one line: what failed with the server's own message, whether it is permanent, and the fix. */
    private static RunException refusal(InferenceException e, String fix) {
        String f = fix != null ? fix : e.permanent() ? fix(e.status(), e.reason()) : null;
        return new RunException(e.getMessage() + (e.permanent() ? " (permanent)" : "") + (f == null ? "" : "; " + f));
    }

    /** What to change after a refusal, from the status and the server's own message. */
    public static String fix(int status, String message) {
        String m = message == null ? "" : message.toLowerCase();
        if (status == 401 || status == 403) {
            return "set ARBITER_API_KEY (or OPENAI_API_KEY) to a key the server accepts";
        }
        if (m.contains("context") || m.contains("max_model_len") || m.contains("maximum") && m.contains("length")) {
            return "lower --max-tokens so that prompt and completion fit the served context";
        }
        if (status == 404 || m.contains("model") && (m.contains("not exist") || m.contains("not found") || m.contains("model_not_found"))) {
            return "pass --model as the server names it (GET /v1/models lists them)";
        }
        return "change what the server refused (its message is above); the same request fails the same way";
    }
}
