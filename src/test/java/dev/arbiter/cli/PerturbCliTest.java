package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import dev.arbiter.train.data.ThoughtBlock;
import dev.arbiter.train.data.Traces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `arbiter perturb` through the CLI: audited records, byte-identical reruns, clear errors. */
class PerturbCliTest {
    @TempDir
    Path dir;

    private Path shareGpt(int count) throws IOException {
        List<String> lines = new ArrayList<>();
        List<String> ms = Traces.skyT1(count, 3);
        for (int i = 0; i < ms.size(); i++) {
            ObjectNode n = Json.mapper().createObjectNode().put("id", "r" + i).put("source", "omni_math");
            var conv = n.putArray("conversations");
            conv.addObject().put("from", "human").put("value", "Problem " + i);
            conv.addObject().put("from", "gpt").put("value", ms.get(i));
            lines.add(Json.line(n));
        }
        return Files.write(dir.resolve("sharegpt.jsonl"), lines);
    }

    private static CliTest.Result perturb(Path in, Path out, String... args) {
        List<String> all = new ArrayList<>(List.of("perturb", "--in", in.toString(), "--out", out.toString()));
        all.addAll(List.of(args));
        return CliTest.run(all.toArray(String[]::new));
    }

    @Test
    void everyKindWritesAuditedRecordsAndRerunsAreByteIdentical() throws Exception {
        Path in = shareGpt(20);
        List<JsonNode> inputs = new ArrayList<>();
        for (String l : Files.readAllLines(in)) {
            inputs.add(Json.mapper().readTree(l));
        }
        String[][] runs = {{"digits", "0.2"}, {"keywords", "0.5"}, {"delete", "0.33"}, {"insert", "0.67"}, {"shuffle", "1.0"}, {"wrong-answer", null}};
        for (String[] k : runs) {
            Path a = dir.resolve(k[0] + "-a.jsonl");
            Path b = dir.resolve(k[0] + "-b.jsonl");
            Path c = dir.resolve(k[0] + "-c.jsonl");
            String[] f = k[1] == null ? new String[0] : new String[] {"--fraction", k[1]};
            CliTest.Result ra = perturb(in, a, concat(f, "--kind", k[0], "--seed", "5"));
            assertThat(ra.code()).as(ra.err()).isZero();
            System.out.println("perturb " + k[0] + ": " + ra.out().lines().findFirst().orElse(""));
            assertThat(ra.out()).contains("perturbed 20 records (" + k[0]);
            assertThat(perturb(in, b, concat(f, "--kind", k[0], "--seed", "5")).code()).isZero();
            assertThat(perturb(in, c, concat(f, "--kind", k[0], "--seed", "6")).code()).isZero();
            assertThat(Files.readAllBytes(b)).as(k[0]).isEqualTo(Files.readAllBytes(a));
            assertThat(Files.readAllBytes(c)).as(k[0]).isNotEqualTo(Files.readAllBytes(a));

            List<String> out = Files.readAllLines(a);
            assertThat(out).hasSize(20);
            long changed = 0;
            long total = 0;
            for (int i = 0; i < out.size(); i++) {
                JsonNode o = Json.mapper().readTree(out.get(i));
                JsonNode p = o.get("perturbation");
                assertThat(p.get("kind").asText()).isEqualTo(k[0]);
                assertThat(p.get("fraction").asDouble()).isEqualTo(k[1] == null ? 1.0 : Double.parseDouble(k[1]));
                assertThat(p.get("seed").asLong()).isEqualTo(5);
                assertThat(p.get("record").asInt()).isEqualTo(i);
                assertThat(p.get("indices")).hasSize(p.get("changed").asInt());
                changed += p.get("changed").asLong();
                total += p.get("total").asLong();
                // Everything but the assistant message is as it was.
                ObjectNode rest = o.deepCopy();
                rest.remove("perturbation");
                ((ObjectNode) rest.at("/conversations/1")).remove("value");
                ObjectNode orig = inputs.get(i).deepCopy();
                ((ObjectNode) orig.at("/conversations/1")).remove("value");
                assertThat(rest).isEqualTo(orig);
                if (!k[0].equals("wrong-answer")) {
                    String before = inputs.get(i).at("/conversations/1/value").asText();
                    String after = o.at("/conversations/1/value").asText();
                    ThoughtBlock tb = ThoughtBlock.find(before);
                    assertThat(after).startsWith(tb.before()).endsWith(tb.after());
                }
            }
            assertThat(ra.out()).contains("changed " + changed + " of " + total);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void badInputIsAClearMessageWithoutAStackTrace() throws Exception {
        Path in = shareGpt(3);
        Path out = dir.resolve("o.jsonl");
        List<CliTest.Result> all = new ArrayList<>();
        CliTest.Result noFraction = perturb(in, out, "--kind", "digits");
        assertThat(noFraction.code()).isEqualTo(2);
        assertThat(noFraction.err()).contains("needs --fraction");
        CliTest.Result zero = perturb(in, out, "--kind", "digits", "--fraction", "0");
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err()).contains("(0, 1]");
        CliTest.Result big = perturb(in, out, "--kind", "shuffle", "--fraction", "1.5");
        assertThat(big.code()).isEqualTo(2);
        CliTest.Result wrongHalf = perturb(in, out, "--kind", "wrong-answer", "--fraction", "0.5");
        assertThat(wrongHalf.code()).isEqualTo(2);
        CliTest.Result kind = perturb(in, out, "--kind", "scramble", "--fraction", "0.5");
        assertThat(kind.code()).isEqualTo(2);
        assertThat(kind.err()).contains("unknown kind 'scramble'");
        CliTest.Result same = perturb(in, in, "--kind", "digits", "--fraction", "0.5");
        assertThat(same.code()).isEqualTo(2);
        all.addAll(List.of(noFraction, zero, big, wrongHalf, kind, same));

        Path missing = dir.resolve("missing.jsonl");
        CliTest.Result notThere = perturb(missing, out, "--kind", "digits", "--fraction", "0.5");
        assertThat(notThere.code()).isEqualTo(1);
        assertThat(notThere.err()).contains(missing + ": file not found");

        Path bad = Files.write(dir.resolve("bad.jsonl"), List.of(Files.readAllLines(in).getFirst(), "{\"instruction\": \"x\", \"output\": \"y\"}"));
        CliTest.Result notShareGpt = perturb(bad, out, "--kind", "digits", "--fraction", "0.5");
        assertThat(notShareGpt.code()).isEqualTo(1);
        assertThat(notShareGpt.err()).contains(bad + ":2: not a ShareGPT record");

        Path noJson = Files.write(dir.resolve("nojson.jsonl"), List.of("{oops"));
        CliTest.Result broken = perturb(noJson, out, "--kind", "digits", "--fraction", "0.5");
        assertThat(broken.err()).contains(noJson + ":1: not valid JSON");

        Path one = Files.write(dir.resolve("one.jsonl"), List.of(Files.readAllLines(in).getFirst()));
        CliTest.Result lonely = perturb(one, out, "--kind", "insert", "--fraction", "0.5");
        assertThat(lonely.code()).isEqualTo(1);
        assertThat(lonely.err()).contains("insert draws steps from other records");

        CliTest.Result twice = perturb(in, out, "--kind", "digits", "--fraction", "0.5");
        assertThat(twice.code()).isZero();
        CliTest.Result again = perturb(out, dir.resolve("o2.jsonl"), "--kind", "digits", "--fraction", "0.5");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("already perturbed");

        all.addAll(List.of(notThere, notShareGpt, broken, lonely, again));
        for (CliTest.Result r : all) {
            assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
        }
    }
}
