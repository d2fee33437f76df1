package dev.arbiter.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.arbiter.testing.MainClassesOnly;

/**
 * Commands parse options and compose packages; what two commands share lives in cli.options or in a
 * package, never in one command that another reaches into (its fields, methods, constants or nested
 * types). A command group naming its subcommands in its annotation, as Main does, only registers them.
 */
@AnalyzeClasses(packages = "dev.arbiter.cli", importOptions = MainClassesOnly.class)
class ThinCommandsArchTest {
    private static JavaClass top(JavaClass c) {
        JavaClass t = c;
        while (t.getEnclosingClass().isPresent()) {
            t = t.getEnclosingClass().get();
        }
        return t;
    }

    private static boolean otherCommand(JavaClass self, JavaClass target) {
        JavaClass t = top(target.getBaseComponentType());
        return t.getPackageName().startsWith("dev.arbiter.cli") && t.getSimpleName().endsWith("Command") && !t.equals(top(self));
    }

    @ArchTest
    static final ArchRule noCommandReachesIntoAnother = classes().that().resideInAPackage("dev.arbiter.cli..")
            .and().resideOutsideOfPackage("dev.arbiter.cli.options..")
            .and().doNotHaveFullyQualifiedName(Main.class.getName())
            .should(new ArchCondition<JavaClass>("use nothing of another command") {
                @Override
                public void check(JavaClass c, ConditionEvents events) {
                    for (JavaAccess<?> a : c.getAccessesFromSelf()) {
                        if (otherCommand(c, a.getTargetOwner())) {
                            events.add(SimpleConditionEvent.violated(a, a.getDescription()));
                        }
                    }
                    for (JavaField f : c.getFields()) {
                        if (otherCommand(c, f.getRawType())) {
                            events.add(SimpleConditionEvent.violated(f, f.getFullName() + " is of another command's type " + f.getRawType().getName()));
                        }
                    }
                    for (JavaMethod m : c.getMethods()) {
                        m.getRawParameterTypes().stream().filter(t -> otherCommand(c, t)).forEach(t -> events.add(
                                SimpleConditionEvent.violated(m, m.getFullName() + " takes another command's type " + t.getName())));
                        if (otherCommand(c, m.getRawReturnType())) {
                            events.add(SimpleConditionEvent.violated(m, m.getFullName() + " returns another command's type " + m.getRawReturnType().getName()));
                        }
                    }
                    c.getRawSuperclass().filter(s -> otherCommand(c, s)).ifPresent(s -> events.add(
                            SimpleConditionEvent.violated(c, c.getName() + " extends another command, " + s.getName())));
                }
            });
}
