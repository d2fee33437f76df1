package dev.arbiter.verify.math;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumSet;
import java.util.Set;

/** TEMPORARY placeholder until the CLI branch's ConfigJson lands. */
public final class ConfigJson {
    private ConfigJson() {}

    public static MathConfig read(JsonNode c, MathConfig base) {
        MathConfig cfg = base;
        if (c == null || c.isNull()) {
            return cfg;
        }
        if (c.has("gold_extraction")) {
            cfg = cfg.withTargets(targets(c.get("gold_extraction")), targets(c.get("pred_extraction")));
        }
        if (c.hasNonNull("latex_boxed_match_priority")) {
            cfg = cfg.withBoxedPriority(c.get("latex_boxed_match_priority").asInt());
        }
        if (c.has("float_rounding")) {
            cfg = cfg.withFloatRounding(c.get("float_rounding").asInt());
        }
        if (c.has("strict")) {
            cfg = cfg.withStrict(c.get("strict").asBoolean());
        }
        if (c.has("allow_set_relation_comp")) {
            cfg = cfg.withAllowSetRelation(c.get("allow_set_relation_comp").asBoolean());
        }
        return cfg;
    }

    private static Set<MathConfig.Target> targets(JsonNode n) {
        Set<MathConfig.Target> s = EnumSet.noneOf(MathConfig.Target.class);
        if (n == null) {
            return EnumSet.allOf(MathConfig.Target.class);
        }
        n.forEach(x -> s.add(MathConfig.Target.valueOf(x.asText().toUpperCase())));
        return s;
    }
}
