package dev.arbiter.verify;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.arbiter.testing.MainClassesOnly;
import dev.arbiter.verify.code.CodeGrader;
import org.junit.jupiter.api.Tag;

/**
 * Grading has one vocabulary and one seam: no second verdict enum anywhere in the product, and no
 * grading of code or math against a gold outside {@code dev.arbiter.verify}.
 */
@Tag("slow")
@AnalyzeClasses(packages = "dev.arbiter", importOptions = MainClassesOnly.class)
class OneSeamArchTest {

    /** An enum that names a correct verdict among several outcomes is a verdict vocabulary. */
    @ArchTest
    static final ArchRule oneOutcomeVocabulary = classes().that().areEnums().should(new ArchCondition<JavaClass>("not be a second verdict vocabulary") {
        @Override
        public void check(JavaClass c, ConditionEvents events) {
            boolean vocabulary = c.getEnumConstants().size() >= 3 && c.getEnumConstants().stream().anyMatch(k -> k.name().equals("CORRECT"));
            if (vocabulary && !c.isEquivalentTo(Outcome.class)) {
                events.add(SimpleConditionEvent.violated(c, c.getName() + " names verdicts; use " + Outcome.class.getName()));
            }
        }
    });

    /** Code is graded only behind the seam, so every caller reads its verdict the same way. */
    @ArchTest
    static final ArchRule codeIsGradedOnlyBehindTheSeam = noClasses().that().resideOutsideOfPackages("dev.arbiter.verify..")
            .should().callMethodWhere(com.tngtech.archunit.base.DescribedPredicate.describe("CodeGrader.grade",
                    call -> call.getTarget().getOwner().isEquivalentTo(CodeGrader.class) && call.getTarget().getName().equals("grade")));
}
