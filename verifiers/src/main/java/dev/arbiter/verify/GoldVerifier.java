package dev.arbiter.verify;

import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.MathAnswer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/** Math and code behind one seam: each check goes to the verifier its gold needs. */
public final class GoldVerifier implements Verifier {
    private final MathAnswerVerifier math;
    private final CodeTestVerifier code;

    public GoldVerifier(MathAnswerVerifier math, CodeTestVerifier code) {
        this.math = math;
        this.code = code;
    }

    @Override
    public Verdict verify(Check check) {
        return switch (check.gold()) {
            case MathAnswer a -> math.verify(check);
            case CodeTests t -> code.verify(check);
        };
    }

    @Override
    public int parallelism() {
        return math.parallelism() + code.parallelism();
    }

    /** Math on the cores and code in the sandbox at the same time, each at its own parallelism. */
    @Override
    public List<Verdict> verifyAll(List<Check> checks, BiConsumer<Integer, Verdict> each) {
        List<Integer> mathAt = new ArrayList<>();
        List<Integer> codeAt = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            (checks.get(i).gold() instanceof CodeTests ? codeAt : mathAt).add(i);
        }
        CompletableFuture<List<Verdict>> codeDone = CompletableFuture.supplyAsync(
                () -> code.verifyAll(codeAt.stream().map(checks::get).toList(), (i, v) -> each.accept(codeAt.get(i), v)),
                r -> Thread.ofVirtual().start(r));
        List<Verdict> mathVerdicts = math.verifyAll(mathAt.stream().map(checks::get).toList(), (i, v) -> each.accept(mathAt.get(i), v));
        List<Verdict> codeVerdicts = codeDone.join();
        Verdict[] out = new Verdict[checks.size()];
        for (int i = 0; i < mathAt.size(); i++) {
            out[mathAt.get(i)] = mathVerdicts.get(i);
        }
        for (int i = 0; i < codeAt.size(); i++) {
            out[codeAt.get(i)] = codeVerdicts.get(i);
        }
        return List.of(out);
    }
}
