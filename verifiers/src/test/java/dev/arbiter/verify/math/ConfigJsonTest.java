package dev.arbiter.verify.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.json.Json;
import dev.arbiter.testing.Shared;
import dev.arbiter.verify.math.MathConfig.Percent;
import dev.arbiter.verify.math.MathConfig.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Per-case config objects: Math-Verify's corpus names and our own, onto a base config. */
@Tag("data")
class ConfigJsonTest {
    private static JsonNode json(String s) {
        try {
            return Json.mapper().readTree(s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static MathConfig read(String s) {
        return ConfigJson.read(json(s), MathConfig.defaults());
    }

    @Test
    void everyConfigOfTheConformanceCorpusReads() throws IOException {
        List<String> lines = Files.readAllLines(Shared.root().resolve("conformance/math-verify-cases.jsonl"));
        assertThat(lines).hasSizeGreaterThan(200);
        for (String line : lines) {
            JsonNode config = json(line).get("config");
            MathConfig c = ConfigJson.read(config, MathConfig.defaults());
            assertThat(c.floatRounding()).isEqualTo(config.get("float_rounding").asInt());
            assertThat(c.strict()).isEqualTo(config.get("strict").asBoolean());
            assertThat(c.allowSetRelation()).isEqualTo(config.get("allow_set_relation_comp").asBoolean());
            JsonNode priority = config.path("latex_boxed_match_priority");
            assertThat(c.boxedPriority()).isEqualTo(priority.isInt() ? priority.asInt() : MathConfig.defaults().boxedPriority());
        }
    }

    @Test
    void mathVerifyNamesMapOntoOurs() {
        MathConfig c = read("""
                {"call": "compare_strings", "gold_extraction": ["expr"], "pred_extraction": ["latex", "expr"],
                 "latex_boxed_match_priority": 50, "float_rounding": 3, "numeric_precision": 15, "strict": false,
                 "allow_set_relation_comp": true, "sympy_objects": true}""");
        assertThat(c.goldTargets()).containsExactly(Target.EXPR);
        assertThat(c.predTargets()).containsExactlyInAnyOrder(Target.LATEX, Target.EXPR);
        assertThat(c.boxedPriority()).isEqualTo(50);
        assertThat(c.floatRounding()).isEqualTo(3);
        assertThat(c.strict()).isFalse();
        assertThat(c.allowSetRelation()).isTrue();
    }

    @Test
    void ourNamesCoverEverySetting() {
        MathConfig c = read("""
                {"gold_targets": ["latex"], "pred_targets": ["EXPR"], "boxed_priority": 50, "float_rounding": 2,
                 "strict": false, "allow_set_relation": true, "percent": "lenient", "choices": ["A", "B", "C"],
                 "deadline_ms": 250, "extraction": "boxed", "approximate": true}""");
        assertThat(c).isEqualTo(new MathConfig(Set.of(Target.LATEX), Set.of(Target.EXPR), 50, 2, false, true, Percent.LENIENT,
                List.of("A", "B", "C"), Duration.ofMillis(250), MathConfig.Extraction.BOXED, true));
    }

    @Test
    void absentAndNullKeysKeepTheBase() {
        MathConfig base = MathConfig.defaults().withBoxedPriority(7).withChoices(List.of("A", "B")).withDeadline(Duration.ofSeconds(2));
        assertThat(ConfigJson.read(null, base)).isSameAs(base);
        assertThat(ConfigJson.read(json("null"), base)).isSameAs(base);
        assertThat(ConfigJson.read(json("{}"), base)).isEqualTo(base);
        MathConfig c = ConfigJson.read(json("{\"latex_boxed_match_priority\": null, \"float_rounding\": 4}"), base);
        assertThat(c).isEqualTo(base.withFloatRounding(4));
    }

    @Test
    void unknownKeysAreRejectedByNameAndMathVerifyOnlyKeysIgnored() {
        assertThat(read("{\"call\": \"sympy_expr_eq\", \"numeric_precision\": 15, \"sympy_objects\": true}"))
                .isEqualTo(MathConfig.defaults());
        assertThatThrownBy(() -> read("{\"float_rounding\": 6, \"temperature\": 0.7}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'temperature'");
    }

    @Test
    void badValuesNameTheirKey() {
        assertBad("{\"float_rounding\": \"6\"}", "float_rounding");
        assertBad("{\"float_rounding\": 6.5}", "float_rounding");
        assertBad("{\"float_rounding\": 99}", "float_rounding");
        assertBad("{\"boxed_priority\": -1}", "boxed_priority");
        assertBad("{\"gold_extraction\": [\"sympy\"]}", "gold_extraction");
        assertBad("{\"pred_targets\": []}", "pred_targets");
        assertBad("{\"pred_targets\": \"latex\"}", "pred_targets");
        assertBad("{\"strict\": \"yes\"}", "strict");
        assertBad("{\"percent\": \"half\"}", "percent");
        assertBad("{\"choices\": \"ABCD\"}", "choices");
        assertBad("{\"choices\": [1, 2]}", "choices");
        assertBad("{\"deadline_ms\": 0}", "deadline_ms");
        assertBad("{\"extraction\": \"strict\"}", "extraction");
        assertBad("{\"approximate\": 1}", "approximate");
        assertBad("{\"gold_extraction\": [\"latex\"], \"gold_targets\": [\"expr\"]}", "gold_targets");
        assertThatThrownBy(() -> read("[\"latex\"]")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON object");
    }

    private static void assertBad(String config, String key) {
        assertThatThrownBy(() -> read(config)).as(config).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(key + ":");
    }
}
