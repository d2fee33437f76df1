package dev.arbiter.scaling;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Fills {name} placeholders in one pass, so text put in (a problem, a model's thinking) is never searched again. */
final class Templates {
    private static final Pattern SLOT = Pattern.compile("\\{([a-z_]+)\\}");

    private Templates() {}

    static String fill(String template, Map<String, String> values) {
        Matcher m = SLOT.matcher(template);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            m.appendReplacement(b, Matcher.quoteReplacement(v != null ? v : m.group()));
        }
        m.appendTail(b);
        return b.toString();
    }
}
