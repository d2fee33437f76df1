package dev.arbiter.reward;

import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.verify.code.CodeGrader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ground truth looked up by problem text, for trainers that send no labels (OpenRLHF before
 * 2025-02-20 sends only {@code query}, as RLSP's server expects). The key is the problem with
 * everything but letters and digits removed, lower-cased, so template whitespace does not matter.
 * A query is matched by its last user turn, with a leading "Problem:" dropped, and otherwise by the
 * longest problem text it contains.
 */
public final class AnswerIndex {
    private final Map<String, RewardItem.Target> byKey = new HashMap<>();

    public AnswerIndex(List<Problem> problems, int codeTimeoutS) {
        for (Problem p : problems) {
            RewardItem.Target t = switch (p.gold()) {
                case MathAnswer a -> new RewardItem.MathTarget(a.answer());
                case CodeTests c -> new RewardItem.CodeTarget(c, CodeGrader.graderFor(p.benchmark()), codeTimeoutS);
                default -> null;
            };
            String k = key(p.prompt());
            if (t != null && !k.isEmpty()) {
                byKey.putIfAbsent(k, t);
            }
        }
    }

    public int size() {
        return byKey.size();
    }

    /** The ground truth for the problem inside {@code promptOrQuery}, or null when none is known. */
    public RewardItem.Target find(String promptOrQuery) {
        String user = ChatText.userTurn(promptOrQuery);
        if (user != null) {
            String u = user.startsWith("Problem:") ? user.substring("Problem:".length()) : user;
            RewardItem.Target t = byKey.get(key(u));
            if (t != null) {
                return t;
            }
        }
        String all = key(promptOrQuery);
        RewardItem.Target best = null;
        int bestLen = 0;
        for (Map.Entry<String, RewardItem.Target> e : byKey.entrySet()) {
            if (e.getKey().length() > bestLen && e.getKey().length() >= 16 && all.contains(e.getKey())) {
                best = e.getValue();
                bestLen = e.getKey().length();
            }
        }
        return best;
    }

    static String key(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().filter(Character::isLetterOrDigit).map(Character::toLowerCase).forEach(b::appendCodePoint);
        return b.toString();
    }
}
