package dev.arbiter.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.json.Json;
import dev.arbiter.judge.Candidate;
import dev.arbiter.judge.Judgement;
import dev.arbiter.judge.LlmJudge;
import dev.arbiter.verify.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The judge cascade of `arbiter grade`: after the rules have graded, each math verdict line in --out whose outcome the rules
 * rejected ({@link JudgeCascade#asks}) gets a {@code judge} object beside its rule {@code outcome}, which stays as it is: the
 * judge's identity, its outcome ("correct", "wrong", or null when missing), its verdict line and reason. Rulings come from
 * and go to the store as eval's do, so a rerun asks only what has none.
 */
public final class GradeJudging {
    private GradeJudging() {}

    /** What the pass did, and pass@1 (the mean of each problem's share correct) by the rules and with the judge. */
    public record Result(String judge, long judged, long accepted, long rejected, long missing, Map<String, Long> missingCauses, long calls,
                         double rulePassAt1, double cascadePassAt1, int cascadeProblems, long failed) {
        /** One line for the grade summary. */
        public String line() {
            return String.format("judge cascade (%s): %d rule-rejected answers judged: %d accepted, %d rejected, %d missing; pass@1 %.4f by the"
                    + " rules, %.4f with the judge (over %d problems; a missing ruling is left out, never wrong); %d judge calls this run", judge,
                    judged, accepted, rejected, missing, rulePassAt1, cascadePassAt1, cascadeProblems, calls);
        }

        /** One line per cause of missing rulings, for stderr. */
        public List<String> warnings() {
            List<String> out = new ArrayList<>();
            missingCauses.forEach((why, n) -> out.add("judge missing for " + n + " rule-rejected answer" + (n == 1 ? "" : "s") + ": " + why));
            if (failed > 0) {
                out.add(failed + " judge request" + (failed == 1 ? "" : "s") + " failed past the retries; run the same command again to ask"
                        + " the judge only about those");
            }
            return out;
        }
    }

    /** Judges what the rules rejected in {@code plan.out()} and rewrites it with the rulings beside the rule verdicts. */
    public static Result judge(Grading.Plan plan, CompletionStore store, LlmJudge judge, int concurrency) throws IOException {
        Map<String, Problem> byId = new HashMap<>();
        plan.benchmark().problems().forEach(p -> byId.put(p.id(), p));
        List<String> lines = Files.readAllLines(plan.out(), StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        List<ObjectNode> verdicts = new ArrayList<>();
        for (String l : lines) {
            verdicts.add((ObjectNode) Json.mapper().readTree(l));
        }
        List<Integer> at = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        // line i is generation i's: Grading.plan refused an --out holding a line on another generation's problem
        for (int i = 0; i < verdicts.size(); i++) {
            Outcome rule = outcome(verdicts.get(i));
            if (rule != null && JudgeCascade.asks(rule)) {
                Grading.Generation g = plan.generations().get(i);
                at.add(i);
                problems.add(byId.get(g.problemId()));
                JsonNode read = verdicts.get(i).get("extracted");
                candidates.add(Candidate.of(rule, read == null || read.isNull() ? null : read.asText(), g.completion()));
            }
        }
        List<JudgeCascade.Ruling> rulings = JudgeCascade.ask(store, judge, problems, candidates, concurrency);
        long accepted = 0;
        long rejected = 0;
        Map<String, Long> causes = new TreeMap<>();
        Map<Integer, Judgement> byLine = new HashMap<>();
        for (int k = 0; k < at.size(); k++) {
            Judgement j = rulings.get(k).judgement();
            byLine.put(at.get(k), j);
            ObjectNode o = verdicts.get(at.get(k)).putObject("judge");
            o.put("by", judge.identity()).put("outcome", j.ruled() ? j.outcome().label() : null).put("verdict_line", j.verdictLine())
                    .put("reason", j.reason());
            if (j.accepted()) {
                accepted++;
            } else if (j.ruled()) {
                rejected++;
            } else {
                causes.merge(j.reason(), 1L, Long::sum);
            }
        }
        Path tmp = dev.arbiter.OutputFiles.tempBeside(plan.out());
        Files.write(tmp, verdicts.stream().map(Json::line).toList(), StandardCharsets.UTF_8);
        Files.move(tmp, plan.out(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        // pass@1 as grade's summary counts it: each problem's share of correct lines, over the problems with any
        Map<String, double[]> rule = new TreeMap<>();
        Map<String, double[]> cascade = new TreeMap<>();
        for (int i = 0; i < verdicts.size(); i++) {
            Outcome o = outcome(verdicts.get(i));
            if (o == null) {
                continue; // no verdict: missing for both
            }
            String pid = verdicts.get(i).path("problem_id").asText();
            tally(rule, pid, o.correct());
            Judgement j = byLine.get(i);
            if (j == null) {
                tally(cascade, pid, o.correct());
            } else if (j.ruled()) {
                tally(cascade, pid, j.accepted());
            }
        }
        return new Result(judge.identity(), at.size(), accepted, rejected, causes.values().stream().mapToLong(Long::longValue).sum(), causes,
                rulings.stream().filter(JudgeCascade.Ruling::asked).count(), mean(rule), mean(cascade), cascade.size(),
                rulings.stream().filter(r -> r.judgement().failed()).count());
    }

    /** A line's rule outcome, or null when it holds no verdict. */
    private static Outcome outcome(JsonNode line) {
        if (!line.path("outcome").isTextual()) {
            return null;
        }
        Outcome o = Outcome.parse(line.path("outcome").asText());
        return o.graded() ? o : null;
    }

    private static void tally(Map<String, double[]> m, String pid, boolean correct) {
        double[] c = m.computeIfAbsent(pid, k -> new double[2]);
        c[0] += correct ? 1 : 0;
        c[1]++;
    }

    private static double mean(Map<String, double[]> m) {
        return m.values().stream().mapToDouble(c -> c[0] / c[1]).average().orElse(Double.NaN);
    }
}
