package dev.arbiter;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.arbiter.testing.MainClassesOnly;
import java.util.Set;

/**
 * The packages' layers, lowest first: json; the verifier core (sandbox, verify and its subpackages,
 * and benchmark's gold types), which a trainer can take without the rest; benchmark and inference;
 * the LLM judge, a served model asked about answers (so above inference); run; scaling and reward; report, which draws scaling's curves; train; the demo and the perf workloads, which only the command line uses;
 * and the command line on top, which nothing depends on.
 */
@AnalyzeClasses(packages = "dev.arbiter", importOptions = MainClassesOnly.class)
class LayeringArchTest {
    /** The benchmark types a verdict is checked against (and Problem's Metadata); they travel with the verifiers. */
    static final Set<String> GOLD = Set.of("Gold", "MathAnswer", "CodeTests", "TestCase", "Kind", "Problem", "Metadata");

    private static boolean gold(JavaClass c) {
        JavaClass top = c.getBaseComponentType();
        while (top.getEnclosingClass().isPresent()) {
            top = top.getEnclosingClass().get();
        }
        return top.getPackageName().equals("dev.arbiter.benchmark") && GOLD.contains(top.getSimpleName());
    }

    private static boolean in(JavaClass c, String... packages) {
        String name = c.getBaseComponentType().getPackageName();
        for (String p : packages) {
            if (name.equals(p) || name.startsWith(p + ".")) {
                return true;
            }
        }
        return false;
    }

    @ArchTest
    static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Json").definedBy("dev.arbiter.json..")
            .layer("Verifiers").definedBy(DescribedPredicate.describe("the verifier core and the gold types",
                    c -> in(c, "dev.arbiter.sandbox", "dev.arbiter.verify") || gold(c)))
            .layer("Benchmark").definedBy(DescribedPredicate.describe("benchmark data but the gold types",
                    c -> in(c, "dev.arbiter.benchmark") && !gold(c)))
            .layer("Inference").definedBy("dev.arbiter.inference..")
            .layer("Judge").definedBy("dev.arbiter.judge..")
            .layer("Run").definedBy("dev.arbiter.run..")
            .layer("Report").definedBy("dev.arbiter.report..")
            .layer("Scaling").definedBy("dev.arbiter.scaling..")
            .layer("Reward").definedBy("dev.arbiter.reward..")
            .layer("Train").definedBy("dev.arbiter.train..")
            .layer("Demo").definedBy("dev.arbiter.demo..")
            .layer("Perf").definedBy("dev.arbiter.perf..")
            .layer("Cli").definedBy("dev.arbiter.cli..")
            .whereLayer("Json").mayNotAccessAnyLayer()
            .whereLayer("Verifiers").mayOnlyAccessLayers("Json")
            .whereLayer("Benchmark").mayOnlyAccessLayers("Json", "Verifiers")
            .whereLayer("Inference").mayOnlyAccessLayers("Json")
            .whereLayer("Judge").mayOnlyAccessLayers("Json", "Verifiers", "Inference")
            .whereLayer("Run").mayOnlyAccessLayers("Json", "Verifiers", "Benchmark", "Inference", "Judge")
            .whereLayer("Report").mayOnlyAccessLayers("Json", "Verifiers", "Benchmark", "Run", "Scaling", "Judge")
            .whereLayer("Scaling").mayOnlyAccessLayers("Json", "Verifiers", "Benchmark", "Inference", "Run", "Judge")
            .whereLayer("Reward").mayOnlyAccessLayers("Json", "Verifiers", "Benchmark", "Judge")
            .whereLayer("Train").mayOnlyAccessLayers("Json", "Verifiers", "Benchmark", "Inference", "Run", "Scaling", "Reward", "Judge")
            .whereLayer("Demo").mayOnlyBeAccessedByLayers("Cli")
            .whereLayer("Perf").mayOnlyBeAccessedByLayers("Cli")
            .whereLayer("Cli").mayNotBeAccessedByAnyLayer();
}
