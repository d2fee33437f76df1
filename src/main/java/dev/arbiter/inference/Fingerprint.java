package dev.arbiter.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a served model writes greedily on a few fixed prompts: {@link #TOKENS} tokens each at
 * temperature 0, with each token's logprob and the {@link #TOP} most likely tokens' where the server
 * gives them. Two fingerprints are compared with a tolerance ({@link #compare}), since a serving
 * engine is not bit-reproducible across batch compositions; different weights still differ far
 * beyond it.
 *
 * @param route "chat" or "completions": the route the probes went to (a chat template changes what a model writes)
 * @param probes one per prompt of {@link #PROMPTS}; a position's top tokens include its own
 */
public record Fingerprint(String route, List<Probe> probes) {
    /** Fixed probe prompts: prose, code, a number sequence and a question, so most models commit to a token quickly. */
    public static final List<String> PROMPTS = List.of(
            "The capital of France is",
            "def fibonacci(n):",
            "1, 2, 3, 5, 8, 13,",
            "Why is the sky blue?");
    public static final int TOKENS = 8;
    public static final int TOP = 5;
    /** Largest difference in nats allowed between one token's two logprobs, and between a near tie's two picks. */
    public static final double TOKEN_TOLERANCE = 0.5;
    /** Largest mean difference in nats over every token compared. */
    public static final double MEAN_TOLERANCE = 0.1;

    /** One probe's text, and one entry per generated token when the server gave logprobs (else none). */
    public record Probe(String text, List<Position> positions) {}

    /** A generated token, its logprob, and the most likely tokens at its position with theirs. */
    public record Position(String token, double logprob, Map<String, Double> top) {}

    /** The outcome of a comparison, and in a few words why. */
    public record Match(boolean same, String why) {}

    public Fingerprint {
        probes = List.copyOf(probes);
    }

    /**
     * Probes {@code model} on one endpoint. A server that refuses logprobs is probed again without
     * them, and compared by text alone.
     *
     * @throws InferenceException when a probe gets no answer, with the server's own message
     */
    public static Fingerprint take(OpenAiClient client, URI endpoint, String model, boolean chat, Duration timeout) {
        List<Probe> probes = new ArrayList<>();
        boolean logprobs = true;
        for (String prompt : PROMPTS) {
            JsonNode reply;
            try {
                reply = client.post(endpoint, chat ? "/v1/chat/completions" : "/v1/completions", body(model, prompt, chat, logprobs), timeout);
            } catch (InferenceException e) {
                if (!logprobs || !e.permanent() || !e.reason().toLowerCase().contains("logprob")) {
                    throw e;
                }
                logprobs = false;
                reply = client.post(endpoint, chat ? "/v1/chat/completions" : "/v1/completions", body(model, prompt, chat, false), timeout);
            }
            probes.add(parse(reply, chat));
        }
        return new Fingerprint(route(chat), probes);
    }

    /** The route a chat or a raw model is probed on, as {@link #route()} names it. */
    public static String route(boolean chat) {
        return chat ? "chat" : "completions";
    }

    private static ObjectNode body(String model, String prompt, boolean chat, boolean logprobs) {
        ObjectNode n = Json.mapper().createObjectNode().put("model", model);
        if (chat) {
            n.putArray("messages").addObject().put("role", "user").put("content", prompt);
        } else {
            n.put("prompt", prompt);
        }
        n.put("max_tokens", TOKENS).put("temperature", 0.0).put("top_p", 1.0).put("seed", 0).put("n", 1);
        if (logprobs && chat) {
            n.put("logprobs", true).put("top_logprobs", TOP);
        } else if (logprobs) {
            n.put("logprobs", TOP);
        }
        return n;
    }

    /** A probe's reply in either route's OpenAI shape; a reasoning model's chat text may sit in reasoning_content. */
    static Probe parse(JsonNode reply, boolean chat) {
        JsonNode choice = reply.path("choices").path(0);
        String text;
        List<Position> positions = new ArrayList<>();
        JsonNode lp = choice.path("logprobs");
        if (chat) {
            JsonNode msg = choice.path("message");
            text = msg.path("content").isTextual() ? msg.path("content").asText() : msg.path("reasoning_content").asText("");
            for (JsonNode t : lp.path("content")) {
                Map<String, Double> top = new LinkedHashMap<>();
                for (JsonNode a : t.path("top_logprobs")) {
                    top.putIfAbsent(a.path("token").asText(), a.path("logprob").asDouble());
                }
                top.putIfAbsent(t.path("token").asText(), t.path("logprob").asDouble());
                positions.add(new Position(t.path("token").asText(), t.path("logprob").asDouble(), top));
            }
        } else {
            text = choice.path("text").asText("");
            JsonNode tokens = lp.path("tokens");
            for (int i = 0; i < tokens.size(); i++) {
                Map<String, Double> top = new LinkedHashMap<>();
                lp.path("top_logprobs").path(i).properties().forEach(e -> top.put(e.getKey(), e.getValue().asDouble()));
                top.putIfAbsent(tokens.get(i).asText(), lp.path("token_logprobs").path(i).asDouble());
                positions.add(new Position(tokens.get(i).asText(), lp.path("token_logprobs").path(i).asDouble(), top));
            }
        }
        return new Probe(text, positions);
    }

    /** A short name: "fp-" and the first 10 hex digits of the SHA-256 of the JSON form. */
    public String id() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(Json.line(toJson()).getBytes(StandardCharsets.UTF_8));
            return "fp-" + HexFormat.of().formatHex(d).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when every probe came with logprobs. */
    public boolean hasLogprobs() {
        return probes.stream().allMatch(p -> !p.positions().isEmpty());
    }

    /**
     * Whether two fingerprints come from the same weights. With logprobs on both sides, each probe is
     * walked token by token up to the first position where the greedy tokens differ, that position
     * included, and nothing after it (a near tie flipped by batch noise changes everything after):
     * at each position the two top lists must share at least half their tokens, every shared token's
     * two logprobs must be within {@link #TOKEN_TOLERANCE}, and where the picks differ each side's pick
     * must be within {@link #TOKEN_TOLERANCE} of the other side's top (a near tie). Over the whole
     * probe set the mean difference must be within {@link #MEAN_TOLERANCE}. Without logprobs on either
     * side, every probe's text must be equal: a restarted greedy model writes the same text (batch
     * noise shows in logprobs first), and text alone has no finer measure to allow a tolerance by.
     */
    public Match compare(Fingerprint other) {
        if (!route.equals(other.route) || probes.size() != other.probes.size()) {
            return new Match(false, "probed differently (" + route + " vs " + other.route + ")");
        }
        if (!hasLogprobs() || !other.hasLogprobs()) {
            int equal = 0;
            int firstDiffering = -1;
            for (int i = 0; i < probes.size(); i++) {
                boolean same = probes.get(i).text().equals(other.probes.get(i).text());
                equal += same ? 1 : 0;
                firstDiffering = same || firstDiffering >= 0 ? firstDiffering : i;
            }
            String counted = equal + " of " + probes.size() + " probe texts equal (no logprobs to compare)";
            return new Match(equal == probes.size(), firstDiffering < 0 ? counted : "probe " + (firstDiffering + 1) + " differs: " + counted);
        }
        double total = 0;
        int compared = 0;
        for (int p = 0; p < probes.size(); p++) {
            List<Position> a = probes.get(p).positions();
            List<Position> b = other.probes.get(p).positions();
            for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                Position x = a.get(i);
                Position y = b.get(i);
                int shared = 0;
                for (var e : x.top().entrySet()) {
                    Double theirs = y.top().get(e.getKey());
                    if (theirs == null) {
                        continue;
                    }
                    shared++;
                    double d = Math.abs(e.getValue() - theirs);
                    total += d;
                    compared++;
                    if (d > TOKEN_TOLERANCE) {
                        return new Match(false, String.format("probe %d, token %d: logprob of %s is %.3f vs %.3f", p + 1, i + 1,
                                quote(e.getKey()), e.getValue(), theirs));
                    }
                }
                if (2 * shared < Math.min(x.top().size(), y.top().size())) {
                    return new Match(false, String.format("probe %d, token %d: the top %d tokens share %d", p + 1, i + 1,
                            Math.min(x.top().size(), y.top().size()), shared));
                }
                if (!x.token().equals(y.token())) {
                    if (!nearTie(x, y) || !nearTie(y, x)) {
                        return new Match(false, String.format("probe %d diverges at token %d: %s vs %s", p + 1, i + 1,
                                quote(x.token()), quote(y.token())));
                    }
                    break;
                }
            }
        }
        double mean = compared == 0 ? 0 : total / compared;
        if (mean > MEAN_TOLERANCE) {
            return new Match(false, String.format("mean logprob difference %.3f over %d tokens", mean, compared));
        }
        return new Match(true, String.format("mean logprob difference %.4f over %d tokens", mean, compared));
    }

    private static String quote(String token) {
        return Json.line(Json.mapper().getNodeFactory().textNode(token));
    }

    /** True when {@code y}'s side rates {@code x}'s pick within the tolerance of its own top. */
    private static boolean nearTie(Position x, Position y) {
        Double there = y.top().get(x.token());
        double best = y.top().values().stream().mapToDouble(Double::doubleValue).max().orElse(y.logprob());
        return there != null && best - there <= TOKEN_TOLERANCE;
    }

    public JsonNode toJson() {
        ObjectNode o = Json.mapper().createObjectNode().put("route", route);
        ArrayNode ps = o.putArray("probes");
        for (Probe p : probes) {
            ObjectNode po = ps.addObject().put("text", p.text());
            ArrayNode pos = po.putArray("positions");
            for (Position x : p.positions()) {
                ObjectNode xo = pos.addObject().put("token", x.token()).put("logprob", x.logprob());
                ObjectNode top = xo.putObject("top");
                x.top().forEach(top::put);
            }
        }
        return o;
    }

    public static Fingerprint fromJson(JsonNode o) {
        List<Probe> probes = new ArrayList<>();
        for (JsonNode p : o.path("probes")) {
            List<Position> pos = new ArrayList<>();
            for (JsonNode x : p.path("positions")) {
                Map<String, Double> top = new LinkedHashMap<>();
                x.path("top").properties().forEach(e -> top.put(e.getKey(), e.getValue().asDouble()));
                pos.add(new Position(x.path("token").asText(), x.path("logprob").asDouble(), top));
            }
            probes.add(new Probe(p.path("text").asText(), pos));
        }
        return new Fingerprint(o.path("route").asText(), probes);
    }
}
