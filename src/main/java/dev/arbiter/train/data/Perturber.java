package dev.arbiter.train.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.BiPredicate;

/**
 * The Sky-T1 structure and content perturbations (Li et al. 2025, §4) of one assistant message. All
 * but {@link Kind#WRONG_ANSWER} edit the {@link ThoughtBlock thought} only; every byte outside the
 * changed units stays as it was.
 *
 * <p>Exact shares: each kind changes exactly {@code k = round(F·N)} of the N units (rounding half up),
 * so that the share an ablation trains on is the one it names and can be checked from the output. The
 * paper's digit corruption instead replaced each digit with probability p by a uniform digit, which
 * leaves about a tenth of the drawn digits as they were; ours replaces exactly k digits, each by a
 * different digit.
 *
 * <p>Reproducible: record i draws from its own {@link SplittableRandom} seeded from (seed, i), so the
 * output depends only on the input, kind, fraction and seed, not on threads or on other records.
 */
public final class Perturber {
    /** What is perturbed; {@code unit} names what N counts. */
    public enum Kind {
        DIGITS("digits", "digits"),
        KEYWORDS("keywords", "sentences"),
        DELETE("delete", "steps"),
        INSERT("insert", "steps"),
        SHUFFLE("shuffle", "steps"),
        WRONG_ANSWER("wrong-answer", "answer_digits");

        public final String cliName;
        public final String unit;

        Kind(String cliName, String unit) {
            this.cliName = cliName;
            this.unit = unit;
        }

        public static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.cliName.equals(s.toLowerCase(Locale.ROOT)) || k.name().equalsIgnoreCase(s)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown kind '" + s + "'; one of digits, keywords, delete, insert, shuffle, wrong-answer");
        }

        /**
         * The share of units to change: {@code given}, or 1 for wrong-answer, which takes no other.
         *
         * @throws IllegalArgumentException for none where one is needed, or one outside (0, 1]
         */
        public double fraction(Double given) {
            if (given == null && this != WRONG_ANSWER) {
                throw new IllegalArgumentException("--kind " + cliName + " needs --fraction F in (0, 1]");
            }
            double f = given == null ? 1.0 : given;
            if (!(f > 0 && f <= 1)) {
                throw new IllegalArgumentException("--fraction must be in (0, 1], got " + f);
            }
            if (this == WRONG_ANSWER && f != 1.0) {
                throw new IllegalArgumentException("wrong-answer changes the whole final answer: leave out --fraction or give 1");
            }
            return f;
        }
    }

    /** A step put in by {@link Kind#INSERT}: record {@code record}'s thought step {@code step}. */
    public record Donor(int record, int step) {}

    /**
     * What one record's perturbation changed. {@code indices} are 0-based positions among the record's
     * N units (digits of the thought, keyword sentences, steps, or digits of the final boxed answer).
     * For shuffle, {@code movedFrom.get(j)} is the original position of the step now at
     * {@code indices.get(j)}; for insert, {@code donors.get(j)} is the step now at {@code indices.get(j)}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Audit(String kind, double fraction, long seed, int record, String thought, String unit, int total, int changed,
                        List<Integer> indices, @JsonProperty("moved_from") List<Integer> movedFrom, List<Donor> donors, String note) {}

    /** The perturbed message and its audit. */
    public record Result(String message, Audit audit) {}

    private final Kind kind;
    private final double fraction;
    private final long seed;
    private final List<List<String>> donorCores;
    private final List<Integer> donorRecords = new ArrayList<>();
    private final BiPredicate<String, String> sameAnswer;

    /**
     * @param messages every record's assistant message, by record index; insert draws its steps from them
     * @param sameAnswer for wrong-answer: whether two boxed answers are equal (the math verifier), so that
     *     a change that keeps the value (1/2 to 2/4) is drawn again; may be null for other kinds
     */
    public Perturber(Kind kind, double fraction, long seed, List<String> messages, BiPredicate<String, String> sameAnswer) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("the fraction must be in (0, 1], got " + fraction);
        }
        if (kind == Kind.WRONG_ANSWER && fraction != 1.0) {
            throw new IllegalArgumentException("wrong-answer changes the whole final answer; its fraction is 1");
        }
        this.kind = kind;
        this.fraction = fraction;
        this.seed = seed;
        this.sameAnswer = sameAnswer;
        List<List<String>> cores = new ArrayList<>();
        if (kind == Kind.INSERT) {
            for (String m : messages) {
                cores.add(steps(ThoughtBlock.find(m).thought()).stream().map(s -> StepSplitter.Parts.of(s).core()).toList());
            }
        }
        this.donorCores = cores;
        for (int r = 0; r < cores.size(); r++) {
            if (!cores.get(r).isEmpty()) {
                donorRecords.add(r);
            }
        }
    }

    /** The number of units to change out of {@code n}: round(F·n), half up. */
    public static int share(double fraction, int n) {
        return (int) Math.min(n, Math.round(fraction * n));
    }

    /** Record {@code index}'s own random stream. */
    static SplittableRandom rng(long seed, int index) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
    }

    public Result apply(int index, String message) {
        SplittableRandom rng = rng(seed, index);
        ThoughtBlock tb = ThoughtBlock.find(message);
        return switch (kind) {
            case DIGITS -> digits(index, tb, rng);
            case KEYWORDS -> keywords(index, tb, rng);
            case DELETE, INSERT, SHUFFLE -> stepwise(index, tb, rng);
            case WRONG_ANSWER -> wrongAnswer(index, tb, rng);
        };
    }

    private Audit audit(int index, ThoughtBlock tb, int total, int changed, List<Integer> indices, List<Integer> movedFrom, List<Donor> donors,
                        String note) {
        return new Audit(kind.cliName, fraction, seed, index, tb.where(), kind.unit, total, changed, indices, movedFrom, donors, note);
    }

    /** k distinct positions out of n, drawn uniformly, in increasing order. */
    static List<Integer> choose(int n, int k, SplittableRandom rng) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] chosen = Arrays.copyOf(all, k);
        Arrays.sort(chosen);
        return Arrays.stream(chosen).boxed().toList();
    }

    private static List<String> steps(String thought) {
        return thought.isBlank() ? List.of() : StepSplitter.split(thought);
    }

    private Result digits(int index, ThoughtBlock tb, SplittableRandom rng) {
        char[] t = tb.thought().toCharArray();
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < t.length; i++) {
            if (t[i] >= '0' && t[i] <= '9') {
                at.add(i);
            }
        }
        List<Integer> chosen = choose(at.size(), share(fraction, at.size()), rng);
        for (int c : chosen) {
            int pos = at.get(c);
            t[pos] = (char) ('0' + (t[pos] - '0' + 1 + rng.nextInt(9)) % 10);
        }
        return new Result(tb.with(new String(t)), audit(index, tb, at.size(), chosen.size(), chosen, null, null, null));
    }

    private Result keywords(int index, ThoughtBlock tb, SplittableRandom rng) {
        String t = tb.thought();
        List<KeywordSentences.Span> spans = KeywordSentences.find(t);
        List<Integer> chosen = choose(spans.size(), share(fraction, spans.size()), rng);
        StringBuilder sb = new StringBuilder();
        int from = 0;
        for (int c : chosen) {
            KeywordSentences.Span s = spans.get(c);
            sb.append(t, from, s.start());
            from = s.end();
        }
        sb.append(t, from, t.length());
        return new Result(tb.with(sb.toString()), audit(index, tb, spans.size(), chosen.size(), chosen, null, null,
                spans.isEmpty() ? "no keyword sentence in the thought" : null));
    }

    private Result stepwise(int index, ThoughtBlock tb, SplittableRandom rng) {
        List<String> steps = steps(tb.thought());
        int n = steps.size();
        List<Integer> chosen = choose(n, share(fraction, n), rng);
        List<StepSplitter.Parts> parts = new ArrayList<>(steps.stream().map(StepSplitter.Parts::of).toList());
        List<Integer> movedFrom = null;
        List<Donor> donors = null;
        String note = n == 0 ? "no steps in the thought" : null;
        int changed = chosen.size();
        StringBuilder out = new StringBuilder();
        switch (kind) {
            case DELETE -> {
                for (int i = 0; i < n; i++) {
                    if (!chosen.contains(i)) {
                        out.append(steps.get(i));
                    }
                }
            }
            case INSERT -> {
                donors = new ArrayList<>();
                for (int c : chosen) {
                    Donor d = donor(index, parts.get(c).core(), rng);
                    if (d == null) {
                        note = "no other record has a step that differs from this one";
                        donors = null;
                        changed = 0;
                        break;
                    }
                    donors.add(d);
                    parts.set(c, parts.get(c).withCore(donorCores.get(d.record()).get(d.step())));
                }
                if (changed == 0) {
                    parts = steps.stream().map(StepSplitter.Parts::of).toList();
                }
                parts.forEach(p -> out.append(p.text()));
            }
            case SHUFFLE -> {
                if (chosen.size() < 2) {
                    note = n == 0 ? note : "fewer than 2 steps chosen: nothing can move";
                    changed = 0;
                } else {
                    movedFrom = derangement(chosen, parts, rng);
                    List<StepSplitter.Parts> before = List.copyOf(parts);
                    for (int j = 0; j < chosen.size(); j++) {
                        parts.set(chosen.get(j), before.get(chosen.get(j)).withCore(before.get(movedFrom.get(j)).core()));
                    }
                    int same = 0;
                    for (int j = 0; j < chosen.size(); j++) {
                        same += before.get(chosen.get(j)).core().equals(before.get(movedFrom.get(j)).core()) ? 1 : 0;
                    }
                    if (same > 0) {
                        note = same + " moved steps landed where an identical step stood";
                    }
                }
                parts.forEach(p -> out.append(p.text()));
            }
            default -> throw new IllegalStateException(kind.name());
        }
        return new Result(tb.with(out.toString()), audit(index, tb, n, changed, changed == 0 ? List.of() : chosen, movedFrom, donors, note));
    }

    /**
     * A permutation of the chosen positions in which every one moves (a derangement), drawn uniformly by
     * rejection; among them, one where no step lands on an identical step's place when one is found soon.
     * Returns, for each chosen position in order, the position whose step moves there.
     */
    private static List<Integer> derangement(List<Integer> chosen, List<StepSplitter.Parts> parts, SplittableRandom rng) {
        int k = chosen.size();
        int[] p = new int[k];
        int[] fallback = null;
        for (int attempt = 0; attempt < 1000; attempt++) {
            for (int i = 0; i < k; i++) {
                p[i] = i;
            }
            for (int i = k - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
            boolean moved = true;
            boolean differs = true;
            for (int i = 0; i < k && moved; i++) {
                moved = p[i] != i;
                differs &= !parts.get(chosen.get(i)).core().equals(parts.get(chosen.get(p[i])).core());
            }
            if (moved && differs) {
                fallback = p;
                break;
            }
            if (moved && fallback == null) {
                fallback = p.clone();
            }
        }
        int[] f = fallback;
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            out.add(chosen.get(f[i]));
        }
        return out;
    }

    /** A step of another record that differs from {@code core}, or null when none is found. */
    private Donor donor(int index, String core, SplittableRandom rng) {
        if (donorRecords.isEmpty() || donorRecords.size() == 1 && donorRecords.getFirst() == index) {
            return null;
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            int r = donorRecords.get(rng.nextInt(donorRecords.size()));
            if (r == index) {
                continue;
            }
            int s = rng.nextInt(donorCores.get(r).size());
            if (!donorCores.get(r).get(s).equals(core)) {
                return new Donor(r, s);
            }
        }
        return null;
    }

    private Result wrongAnswer(int index, ThoughtBlock tb, SplittableRandom rng) {
        String after = tb.after();
        int box = after.lastIndexOf("\\boxed{");
        if (box < 0) {
            return new Result(tb.with(tb.thought()), audit(index, tb, 0, 0, List.of(), null, null, "no \\boxed{} in the solution part"));
        }
        int open = box + "\\boxed{".length();
        int close = closingBrace(after, open);
        if (close < 0) {
            return new Result(tb.with(tb.thought()), audit(index, tb, 0, 0, List.of(), null, null, "the last \\boxed{ is not closed"));
        }
        String content = after.substring(open, close);
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < content.length(); i++) {
            if (content.charAt(i) >= '0' && content.charAt(i) <= '9') {
                at.add(i);
            }
        }
        if (at.isEmpty()) {
            return new Result(tb.with(tb.thought()), audit(index, tb, 0, 0, List.of(), null, null, "no digit in the final \\boxed{} answer"));
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < at.size(); i++) {
            all.add(i);
        }
        for (int attempt = 0; attempt < 50; attempt++) {
            char[] c = content.toCharArray();
            for (int pos : at) {
                c[pos] = (char) ('0' + (c[pos] - '0' + 1 + rng.nextInt(9)) % 10);
            }
            String changed = new String(c);
            if (sameAnswer == null || !sameAnswer.test(content, changed)) {
                String newAfter = after.substring(0, open) + changed + after.substring(close);
                return new Result(tb.before() + tb.thought() + newAfter, audit(index, tb, at.size(), at.size(), all, null, null, null));
            }
        }
        return new Result(tb.with(tb.thought()), audit(index, tb, at.size(), 0, List.of(), null, null,
                "every changed answer drawn was equal to the original"));
    }

    /** The index of the brace that closes the one opened just before {@code from}, or -1. */
    static int closingBrace(String s, int from) {
        int depth = 1;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                i++; // an escaped brace does not count
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
