package dev.arbiter.judge;

import dev.arbiter.verify.Outcome;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads a judge's reply strictly: its last non-blank line must be the one word CORRECT or INCORRECT (in any case, with at
 * most markdown emphasis, a "Verdict:" label or a full stop around it). Anything else is no verdict, with the line quoted.
 */
public final class JudgeReply {
    private static final Pattern DECORATION = Pattern.compile("^[*_`\\s]+|[*_`.\\s]+$");
    private static final Pattern LABEL = Pattern.compile("^(?:final\\s+)?(?:verdict|answer)\\s*:\\s*", Pattern.CASE_INSENSITIVE);

    private JudgeReply() {}

    public static Judgement parse(String reply) {
        List<String> lines = (reply == null ? "" : reply).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty()) {
            return new Judgement(null, null, "unparseable judge reply: it is empty", false);
        }
        String last = lines.getLast();
        String word = DECORATION.matcher(LABEL.matcher(DECORATION.matcher(last).replaceAll("")).replaceFirst("")).replaceAll("")
                .toUpperCase(Locale.ROOT);
        Outcome o = switch (word) {
            case "CORRECT" -> Outcome.CORRECT;
            case "INCORRECT" -> Outcome.WRONG;
            default -> null;
        };
        if (o == null) {
            return new Judgement(null, abbreviate(last, 200), "unparseable judge reply: its last line is not CORRECT or INCORRECT: '"
                    + abbreviate(last, 120) + "'", false);
        }
        String reason = String.join(" ", lines.subList(0, lines.size() - 1)).replaceAll("(?s)<think>.*?</think>", "").strip();
        return new Judgement(o, last, reason.isEmpty() ? "(the judge gave no reason)" : abbreviate(reason, 500), false);
    }

    static String abbreviate(String s, int max) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > max ? one.substring(0, max) + "…" : one;
    }
}
