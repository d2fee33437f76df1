import dev.arbiter.verify.*;
import dev.arbiter.verify.math.MathVerifier;

public class VerifyOne {
    public static void main(String[] args) {
        try (var symja = new MathVerifier()) {
            Verdict v = new MathAnswerVerifier(symja).verify(Check.math("q1", args[0], args[1]));
            System.out.println(v.outcome().label() + " (" + v.answer() + "): " + v.reason());
        }
    }
}
