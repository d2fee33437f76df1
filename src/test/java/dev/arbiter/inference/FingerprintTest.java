package dev.arbiter.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.inference.engine.Generator;
import dev.arbiter.inference.engine.LocalEngine;
import dev.arbiter.inference.engine.ModelConfig;
import dev.arbiter.inference.engine.Safetensors;
import dev.arbiter.inference.engine.TinyModel;
import dev.arbiter.inference.serve.OpenAiServer;
import dev.arbiter.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fingerprints of tiny random models served over real HTTP, and the tolerance rule that compares them. */
class FingerprintTest {
    @TempDir
    static Path dir;
    static LocalEngine engineA;
    static LocalEngine engineB;
    static OpenAiServer serverA;
    static OpenAiServer serverB;
    static OpenAiClient client;

    private static Path model(String name, long seed) {
        Path p = dir.resolve(name);
        TinyModel.write(p, new TinyModel.Spec(ModelConfig.Architecture.QWEN2, 64, 128, 2, 4, 2, 0, 200, true, 0.3, seed,
                Safetensors.DType.F32, 4096));
        return p;
    }

    @BeforeAll
    static void serve() throws Exception {
        engineA = LocalEngine.open(model("a", 11), "m", "cpu", null, new Generator.Limits(64, 4096));
        engineB = LocalEngine.open(model("b", 12), "m", "cpu", null, new Generator.Limits(64, 4096));
        serverA = new OpenAiServer(engineA, "127.0.0.1", 0);
        serverB = new OpenAiServer(engineB, "127.0.0.1", 0);
        client = new OpenAiClient(List.of(serverA.uri(), serverB.uri()), null, RetryPolicy.DEFAULT);
    }

    @AfterAll
    static void stop() {
        serverA.close();
        serverB.close();
        engineA.close();
        engineB.close();
    }

    private static Fingerprint take(OpenAiServer s, boolean chat) {
        return Fingerprint.take(client, s.uri(), "m", chat, Duration.ofSeconds(60));
    }

    @Test
    void theSameWeightsMatchOnBothRoutesAndOtherWeightsDoNot() {
        for (boolean chat : List.of(true, false)) {
            Fingerprint a = take(serverA, chat);
            assertThat(a.route()).isEqualTo(chat ? "chat" : "completions");
            assertThat(a.hasLogprobs()).isTrue();
            assertThat(a.probes()).hasSize(Fingerprint.PROMPTS.size());
            for (Fingerprint.Probe p : a.probes()) {
                assertThat(p.positions()).isNotEmpty().hasSizeLessThanOrEqualTo(Fingerprint.TOKENS);
                for (Fingerprint.Position x : p.positions()) {
                    // greedy: the pick is the most likely token, and its logprob is the top one
                    double best = x.top().values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
                    assertThat(x.logprob()).isEqualTo(best).isLessThanOrEqualTo(0);
                    // top tokens are keyed by their text, and byte pieces of one character all read U+FFFD
                    assertThat(x.top().size()).isBetween(1, Fingerprint.TOP + 1);
                }
            }
            Fingerprint again = take(serverA, chat);
            assertThat(again.compare(a).same()).as(again.compare(a).why()).isTrue();
            Fingerprint other = take(serverB, chat);
            Fingerprint.Match m = other.compare(a);
            System.out.println("other weights (" + a.route() + "): " + m.why());
            assertThat(m.same()).isFalse();
            assertThat(other.id()).isNotEqualTo(a.id());
            // by text alone too
            assertThat(textOnly(again).compare(textOnly(a)).same()).isTrue();
            assertThat(textOnly(other).compare(textOnly(a)).same()).as(textOnly(other).compare(textOnly(a)).why()).isFalse();
        }
    }

    @Test
    void noiseWithinTheToleranceIsTheSameModelAndBeyondItIsNot() {
        Fingerprint a = take(serverA, true);
        // what batch composition does to a bf16 engine: every logprob off by a little
        Fingerprint.Match small = jitter(a, 0.1, 1).compare(a);
        assertThat(small.same()).as(small.why()).isTrue();
        Fingerprint.Match large = jitter(a, 1.5, 1).compare(a);
        assertThat(large.same()).as(large.why()).isFalse();
        assertThat(large.why()).contains("logprob of");
        // a uniform shift within the per-token bound but beyond the mean bound
        Fingerprint.Match shifted = shift(a, 0.3).compare(a);
        assertThat(shifted.same()).isFalse();
        assertThat(shifted.why()).startsWith("mean logprob difference 0.300");
    }

    @Test
    void aNearTieFlippedLateIsAllowedAndAClearDivergenceIsNot() {
        Map<String, Double> tie = top(" blue", -0.70, " red", -0.72, " green", -3.0);
        Map<String, Double> tieFlipped = top(" red", -0.69, " blue", -0.73, " green", -3.0);
        Map<String, Double> clear = top(" blue", -0.1, " red", -2.9, " green", -3.0);
        Map<String, Double> clearOther = top(" red", -0.12, " blue", -2.8, " green", -3.0);
        Map<String, Double> the = top(" The", -0.2, " A", -2.0, " It", -2.5);
        List<Fingerprint.Position> head = List.of(new Fingerprint.Position(" The", -0.2, the));
        Fingerprint base = one(head, new Fingerprint.Position(" blue", -0.70, tie), new Fingerprint.Position(" sky", -0.3, the));
        // the two picks are a near tie on both sides: everything after may differ
        Fingerprint flipped = one(head, new Fingerprint.Position(" red", -0.69, tieFlipped), new Fingerprint.Position(" sea", -4.0, clear));
        assertThat(flipped.compare(base).same()).as(flipped.compare(base).why()).isTrue();
        // a pick the other side rates far below its own: different weights
        Fingerprint a = one(head, new Fingerprint.Position(" blue", -0.1, clear));
        Fingerprint b = one(head, new Fingerprint.Position(" red", -0.12, clearOther));
        assertThat(b.compare(a).same()).isFalse();
        assertThat(b.compare(a).why()).isEqualTo("probe 1, token 2: logprob of \" red\" is -0.120 vs -2.900");
    }

    @Test
    void byTextAloneEveryProbeMustMatch() {
        Fingerprint a = textOnly(take(serverA, true));
        assertThat(a.compare(textOnly(take(serverA, true))).same()).isTrue();
        // another model that happens to write the same on two probes (a short, common continuation) is not the same model
        List<Fingerprint.Probe> half = new ArrayList<>(a.probes());
        half.set(2, new Fingerprint.Probe(a.probes().get(2).text() + " 21", List.of()));
        half.set(3, new Fingerprint.Probe("Because", List.of()));
        Fingerprint.Match twoOfFour = new Fingerprint(a.route(), half).compare(a);
        assertThat(twoOfFour.same()).isFalse();
        assertThat(twoOfFour.why()).isEqualTo("probe 3 differs: 2 of 4 probe texts equal (no logprobs to compare)");
        half.set(2, a.probes().get(2));
        Fingerprint.Match threeOfFour = new Fingerprint(a.route(), half).compare(a);
        assertThat(threeOfFour.same()).isFalse();
        assertThat(threeOfFour.why()).isEqualTo("probe 4 differs: 3 of 4 probe texts equal (no logprobs to compare)");
        // one side without logprobs: compared by text
        assertThat(take(serverA, true).compare(a).same()).isTrue();
        assertThat(take(serverA, true).compare(a).why()).isEqualTo("4 of 4 probe texts equal (no logprobs to compare)");
    }

    @Test
    void aFingerprintSurvivesItsJsonForm() {
        Fingerprint a = take(serverA, false);
        Fingerprint back = Fingerprint.fromJson(Json.mapper().valueToTree(a.toJson()));
        assertThat(back).isEqualTo(a);
        assertThat(back.id()).isEqualTo(a.id()).matches("fp-[0-9a-f]{10}");
    }

    private static Map<String, Double> top(Object... tokenThenLogprob) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < tokenThenLogprob.length; i += 2) {
            m.put((String) tokenThenLogprob[i], (Double) tokenThenLogprob[i + 1]);
        }
        return m;
    }

    /** A fingerprint of one probe repeated for every prompt. */
    private static Fingerprint one(List<Fingerprint.Position> head, Fingerprint.Position... rest) {
        List<Fingerprint.Position> ps = new ArrayList<>(head);
        ps.addAll(List.of(rest));
        List<Fingerprint.Probe> probes = new ArrayList<>();
        for (int i = 0; i < Fingerprint.PROMPTS.size(); i++) {
            probes.add(new Fingerprint.Probe(String.join("", ps.stream().map(Fingerprint.Position::token).toList()), ps));
        }
        return new Fingerprint("chat", probes);
    }

    private static Fingerprint textOnly(Fingerprint f) {
        return new Fingerprint(f.route(), f.probes().stream().map(p -> new Fingerprint.Probe(p.text(), List.of())).toList());
    }

    /** Each logprob moved by a uniform draw in [-amount, amount]. */
    private static Fingerprint jitter(Fingerprint f, double amount, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return map(f, x -> x + (r.nextDouble() * 2 - 1) * amount);
    }

    private static Fingerprint shift(Fingerprint f, double by) {
        return map(f, x -> x - by);
    }

    private static Fingerprint map(Fingerprint f, java.util.function.DoubleUnaryOperator op) {
        List<Fingerprint.Probe> probes = new ArrayList<>();
        for (Fingerprint.Probe p : f.probes()) {
            List<Fingerprint.Position> ps = new ArrayList<>();
            for (Fingerprint.Position x : p.positions()) {
                Map<String, Double> top = new LinkedHashMap<>();
                x.top().forEach((k, v) -> top.put(k, op.applyAsDouble(v)));
                ps.add(new Fingerprint.Position(x.token(), top.get(x.token()), top));
            }
            probes.add(new Fingerprint.Probe(p.text(), ps));
        }
        return new Fingerprint(f.route(), probes);
    }
}
