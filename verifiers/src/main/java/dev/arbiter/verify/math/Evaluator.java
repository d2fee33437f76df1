package dev.arbiter.verify.math;

import dev.arbiter.verify.math.Expr.Add;
import dev.arbiter.verify.math.Expr.Chain;
import dev.arbiter.verify.math.Expr.Fn;
import dev.arbiter.verify.math.Expr.Interval;
import dev.arbiter.verify.math.Expr.Matrix;
import dev.arbiter.verify.math.Expr.Mul;
import dev.arbiter.verify.math.Expr.Num;
import dev.arbiter.verify.math.Expr.Percent;
import dev.arbiter.verify.math.Expr.Pow;
import dev.arbiter.verify.math.Expr.Rel;
import dev.arbiter.verify.math.Expr.SetOf;
import dev.arbiter.verify.math.Expr.SetOp;
import dev.arbiter.verify.math.Expr.Sym;
import dev.arbiter.verify.math.Expr.Text;
import dev.arbiter.verify.math.Expr.Tuple;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Exact and numeric values of expressions, their free symbols, canonical forms and Symja text. */
final class Evaluator {
    private Evaluator() {}

    static final Set<String> CONSTANTS = Set.of("pi", "e", "oo");
    private static final int MAX_FACTORIAL = 3000;

    // ---- exact rationals

    /** The exact rational value, or null when the expression is not a rational number (or too large). */
    static Rational exact(Expr e) {
        try {
            return exactOrThrow(e);
        } catch (NotExact | ArithmeticException | Rational.TooLarge x) {
            return null;
        }
    }

    private static final class NotExact extends RuntimeException {
        NotExact() {
            super(null, null, false, false);
        }
    }

    private static Rational exactOrThrow(Expr e) {
        Deadline.checkCurrent(); // big rationals make each step costly: a sum of many can outlast a deadline
        return switch (e) {
            case Num n -> n.value();
            case Add a -> {
                Rational s = Rational.ZERO;
                for (Expr t : a.terms()) {
                    s = s.add(exactOrThrow(t));
                }
                yield s;
            }
            case Mul m -> {
                Rational p = Rational.ONE;
                for (Expr f : m.factors()) {
                    p = p.multiply(exactOrThrow(f));
                }
                yield p;
            }
            case Pow p -> pow(exactOrThrow(p.base()), exactOrThrow(p.exp()));
            case Percent pc -> exactOrThrow(pc.of()).multiply(Rational.HUNDREDTH);
            case Fn f -> exactFn(f);
            default -> throw new NotExact();
        };
    }

    private static Rational pow(Rational b, Rational x) {
        if (x.isInteger()) {
            if (x.num().bitLength() > 31) {
                if (b.equals(Rational.ONE)) {
                    return b;
                }
                if (b.equals(Rational.ONE.negate())) {
                    return x.num().testBit(0) ? b : Rational.ONE;
                }
                throw new NotExact();
            }
            return b.pow(x.num().intValueExact());
        }
        // rational exponent: exact only for perfect powers, e.g. 8^(2/3) = 4
        if (x.den().bitLength() > 10 || x.num().bitLength() > 20 || b.signum() < 0) {
            throw new NotExact();
        }
        int q = x.den().intValueExact();
        BigInteger rn = root(b.num(), q);
        BigInteger rd = root(b.den(), q);
        if (rn == null || rd == null) {
            throw new NotExact();
        }
        return new Rational(rn, rd).pow(x.num().intValueExact());
    }

    private static BigInteger root(BigInteger v, int q) {
        if (v.signum() == 0) {
            return v;
        }
        if (q == 2) {
            BigInteger r = v.sqrt();
            return r.multiply(r).equals(v) ? r : null;
        }
        if (v.bitLength() > 4000) {
            return null;
        }
        double guess = Math.pow(v.doubleValue(), 1.0 / q);
        if (!Double.isFinite(guess)) {
            return null;
        }
        BigInteger r = BigInteger.valueOf(Math.round(guess));
        for (int d = -1; d <= 1; d++) {
            BigInteger c = r.add(BigInteger.valueOf(d));
            if (c.signum() >= 0 && c.pow(q).equals(v)) {
                return c;
            }
        }
        return null;
    }

    private static Rational exactFn(Fn f) {
        List<Rational> a = new ArrayList<>();
        for (Expr x : f.args()) {
            a.add(exactOrThrow(x));
        }
        return switch (f.name()) {
            case "abs" -> one(a).abs();
            case "factorial" -> {
                Rational n = one(a);
                if (!n.isInteger() || n.signum() < 0 || n.num().bitLength() > 31 || n.num().intValue() > MAX_FACTORIAL) {
                    throw new NotExact();
                }
                BigInteger r = BigInteger.ONE;
                for (int i = 2; i <= n.num().intValue(); i++) {
                    r = r.multiply(BigInteger.valueOf(i));
                }
                yield Rational.of(r);
            }
            case "binom" -> {
                if (a.size() != 2 || !a.get(0).isInteger() || !a.get(1).isInteger() || a.get(1).signum() < 0
                        || a.get(1).num().bitLength() > 20 || a.get(0).num().bitLength() > 200) {
                    throw new NotExact();
                }
                BigInteger n = a.get(0).num();
                int k = a.get(1).num().intValue();
                if (n.signum() >= 0 && n.compareTo(BigInteger.valueOf(k)) >= 0) {
                    k = Math.min(k, n.subtract(BigInteger.valueOf(k)).min(BigInteger.valueOf(Integer.MAX_VALUE)).intValue());
                }
                // the result has about k·log2(n) bits: refuse what the size guard would refuse anyway
                if (k > MAX_FACTORIAL || (long) k * n.bitLength() > Rational.MAX_BITS) {
                    throw new NotExact();
                }
                BigInteger r = BigInteger.ONE;
                for (int i = 0; i < k; i++) {
                    r = r.multiply(n.subtract(BigInteger.valueOf(i))).divide(BigInteger.valueOf(i + 1));
                }
                yield Rational.of(r);
            }
            case "floor" -> Rational.of(floor(one(a)));
            case "ceil" -> Rational.of(floor(one(a).negate()).negate());
            case "gcd", "lcm" -> {
                if (a.isEmpty() || a.stream().anyMatch(r -> !r.isInteger())) {
                    throw new NotExact();
                }
                BigInteger r = a.get(0).num().abs();
                for (int i = 1; i < a.size(); i++) {
                    BigInteger x = a.get(i).num().abs();
                    r = f.name().equals("gcd") ? r.gcd(x) : r.multiply(x).divide(r.gcd(x).max(BigInteger.ONE));
                }
                yield Rational.of(r);
            }
            case "min" -> a.stream().min(Rational::compareTo).orElseThrow(NotExact::new);
            case "max" -> a.stream().max(Rational::compareTo).orElseThrow(NotExact::new);
            case "mod" -> {
                if (a.size() != 2 || !a.get(0).isInteger() || !a.get(1).isInteger() || a.get(1).signum() == 0) {
                    throw new NotExact();
                }
                yield Rational.of(a.get(0).num().mod(a.get(1).num().abs()));
            }
            default -> throw new NotExact();
        };
    }

    private static Rational one(List<Rational> a) {
        if (a.size() != 1) {
            throw new NotExact();
        }
        return a.get(0);
    }

    private static BigInteger floor(Rational r) {
        BigInteger[] qr = r.num().divideAndRemainder(r.den());
        return qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
    }

    // ---- numeric values

    /** A double value with free symbols taken from {@code env}; NaN when undefined or unknown. */
    static double numeric(Expr e, Map<String, Double> env) {
        return switch (e) {
            case Num n -> n.value().toDouble();
            case Sym s -> switch (s.name()) {
                case "pi" -> Math.PI;
                case "e" -> env.getOrDefault("e", Math.E);
                case "oo" -> Double.POSITIVE_INFINITY;
                default -> env.getOrDefault(s.name(), Double.NaN);
            };
            case Add a -> {
                double s = 0;
                for (Expr t : a.terms()) {
                    s += numeric(t, env);
                }
                yield s;
            }
            case Mul m -> {
                double p = 1;
                for (Expr f : m.factors()) {
                    p *= numeric(f, env);
                }
                yield p;
            }
            case Pow p -> {
                double b = numeric(p.base(), env);
                double x = numeric(p.exp(), env);
                Rational xr = exact(p.exp());
                // odd roots of negatives are real: (-8)^(1/3) = -2
                if (b < 0 && xr != null && !xr.isInteger() && xr.den().testBit(0)) {
                    double r = Math.pow(-b, x);
                    yield xr.num().testBit(0) ? -r : r;
                }
                yield Math.pow(b, x);
            }
            case Percent pc -> numeric(pc.of(), env) / 100;
            case Fn f -> numericFn(f, env);
            default -> Double.NaN;
        };
    }

    private static double numericFn(Fn f, Map<String, Double> env) {
        if (f.args().isEmpty()) {
            return Double.NaN;
        }
        double x = numeric(f.args().get(0), env);
        return switch (f.name()) {
            case "sin" -> Math.sin(x);
            case "cos" -> Math.cos(x);
            case "tan" -> Math.tan(x);
            case "sec" -> 1 / Math.cos(x);
            case "csc" -> 1 / Math.sin(x);
            case "cot" -> 1 / Math.tan(x);
            case "arcsin" -> Math.asin(x);
            case "arccos" -> Math.acos(x);
            case "arctan" -> Math.atan(x);
            case "sinh" -> Math.sinh(x);
            case "cosh" -> Math.cosh(x);
            case "tanh" -> Math.tanh(x);
            case "log" -> Math.log(x);
            case "log10" -> Math.log10(x);
            case "exp" -> Math.exp(x);
            case "abs" -> Math.abs(x);
            case "floor" -> Math.floor(x);
            case "ceil" -> Math.ceil(x);
            case "factorial" -> x >= 0 && x == Math.rint(x) && x <= 170 ? factorial((int) x) : Double.NaN;
            default -> {
                Rational r = exact(f);
                if (r != null) {
                    yield r.toDouble();
                }
                if (f.name().startsWith("f:")) {
                    // an unknown function: a fixed smooth function of its arguments, so f(x) = f(x) numerically
                    double h = (f.name().hashCode() % 1000) / 1000.0;
                    double s = 0;
                    for (Expr a : f.args()) {
                        s = s * 1.37 + numeric(a, env);
                    }
                    yield Math.sin(1.3 * s + h) + 2 + h;
                }
                yield Double.NaN;
            }
        };
    }

    private static double factorial(int n) {
        double r = 1;
        for (int i = 2; i <= n; i++) {
            r *= i;
        }
        return r;
    }

    // ---- structure

    static Set<String> freeSymbols(Expr e) {
        Set<String> out = new TreeSet<>();
        collect(e, out);
        return out;
    }

    private static void collect(Expr e, Set<String> out) {
        switch (e) {
            case Sym s -> {
                if (!CONSTANTS.contains(s.name())) {
                    out.add(s.name());
                }
            }
            case Add a -> a.terms().forEach(t -> collect(t, out));
            case Mul m -> m.factors().forEach(t -> collect(t, out));
            case Pow p -> {
                collect(p.base(), out);
                collect(p.exp(), out);
            }
            case Fn f -> f.args().forEach(t -> collect(t, out));
            case Percent p -> collect(p.of(), out);
            case Rel r -> {
                collect(r.lhs(), out);
                collect(r.rhs(), out);
            }
            case Chain c -> c.links().forEach(t -> collect(t, out));
            case SetOf s -> s.elems().forEach(t -> collect(t, out));
            case Tuple t -> t.elems().forEach(x -> collect(x, out));
            case Interval i -> {
                collect(i.lo(), out);
                collect(i.hi(), out);
            }
            case SetOp s -> s.args().forEach(t -> collect(t, out));
            case Matrix m -> m.rows().forEach(r -> r.forEach(x -> collect(x, out)));
            default -> {}
        }
    }

    static boolean hasDecimal(Expr e) {
        return switch (e) {
            case Num n -> n.decimal();
            case Add a -> a.terms().stream().anyMatch(Evaluator::hasDecimal);
            case Mul m -> m.factors().stream().anyMatch(Evaluator::hasDecimal);
            case Pow p -> hasDecimal(p.base()) || hasDecimal(p.exp());
            case Fn f -> f.args().stream().anyMatch(Evaluator::hasDecimal);
            case Percent p -> hasDecimal(p.of());
            default -> false;
        };
    }

    /**
     * The decimal places a plain written decimal has (2 for 1.41; 3 for 14.1%, a fraction), or -1
     * when the expression is not one.
     */
    static int writtenPlaces(Expr e) {
        return switch (e) {
            case Num n -> n.decimal() ? n.places() : -1;
            case Percent p -> writtenPlaces(p.of()) < 0 ? -1 : writtenPlaces(p.of()) + 2;
            default -> -1;
        };
    }

    /** The significant digits of a plain written decimal (3 for 1.41 and 0.0141, 2 for 1.0), or -1. */
    static int writtenDigits(Expr e) {
        int places = writtenPlaces(e);
        Rational v = places < 0 ? null : exact(e);
        return v == null ? -1 : v.abs().round(places).unscaledValue().toString().length();
    }

    /** Whether some constant part of the expression is a real number that is not rational: pi, sqrt 2, log 3. */
    static boolean hasIrrationalConstant(Expr e) {
        if (freeSymbols(e).isEmpty()) {
            return exact(e) == null && Double.isFinite(numeric(e, Map.of()));
        }
        return switch (e) {
            case Add a -> a.terms().stream().anyMatch(Evaluator::hasIrrationalConstant);
            case Mul m -> m.factors().stream().anyMatch(Evaluator::hasIrrationalConstant);
            case Pow p -> hasIrrationalConstant(p.base()) || hasIrrationalConstant(p.exp());
            case Fn f -> f.args().stream().anyMatch(Evaluator::hasIrrationalConstant);
            case Percent p -> hasIrrationalConstant(p.of());
            default -> false;
        };
    }

    static boolean hasPercent(Expr e) {
        return switch (e) {
            case Percent p -> true;
            case Add a -> a.terms().stream().anyMatch(Evaluator::hasPercent);
            case Mul m -> m.factors().stream().anyMatch(Evaluator::hasPercent);
            default -> false;
        };
    }

    static Expr withoutPercent(Expr e) {
        return switch (e) {
            case Percent p -> p.of();
            case Add a -> new Add(a.terms().stream().map(Evaluator::withoutPercent).toList());
            case Mul m -> new Mul(m.factors().stream().map(Evaluator::withoutPercent).toList());
            default -> e;
        };
    }

    /** A form where sums and products are sorted, so a+b and b+a print the same. */
    static String canonical(Expr e) {
        return switch (e) {
            case Add a -> "+(" + String.join(",", sorted(a.terms())) + ")";
            case Mul m -> "*(" + String.join(",", sorted(m.factors())) + ")";
            case Pow p -> "^(" + canonical(p.base()) + "," + canonical(p.exp()) + ")";
            case Fn f -> f.name() + "(" + String.join(",", f.args().stream().map(Evaluator::canonical).toList()) + ")";
            case Percent p -> "%(" + canonical(p.of()) + ")";
            case Rel r -> "rel" + r.op() + "(" + canonical(r.lhs()) + "," + canonical(r.rhs()) + ")";
            case Chain c -> "chain(" + String.join(",", c.links().stream().map(Evaluator::canonical).toList()) + ")";
            case SetOf s -> "set(" + String.join(",", sorted(s.elems())) + ")";
            case Tuple t -> "tuple(" + String.join(",", t.elems().stream().map(Evaluator::canonical).toList()) + ")";
            case Interval i -> (i.loOpen() ? "(" : "[") + canonical(i.lo()) + "," + canonical(i.hi()) + (i.hiOpen() ? ")" : "]");
            case SetOp s -> s.op() + "(" + String.join(",", sorted(s.args())) + ")";
            case Matrix m -> "M(" + String.join(";", m.rows().stream()
                    .map(r -> String.join(",", r.stream().map(Evaluator::canonical).toList())).toList()) + ")";
            case Text t -> "'" + t.s() + "'";
            default -> e.toString();
        };
    }

    private static List<String> sorted(List<Expr> xs) {
        List<String> out = new ArrayList<>();
        for (Expr x : xs) {
            out.add(canonical(x));
        }
        out.sort(null);
        return out;
    }

    // ---- Symja input

    /** Symja input text, or null when the expression holds something Symja should not see (sets, text). */
    static String symja(Expr e, Map<String, String> names) {
        try {
            StringBuilder sb = new StringBuilder();
            symja(e, names, sb);
            return sb.length() > 4000 ? null : sb.toString();
        } catch (NotExact x) {
            return null;
        }
    }

    private static void symja(Expr e, Map<String, String> names, StringBuilder sb) {
        switch (e) {
            case Num n -> sb.append('(').append(n.value()).append(')');
            case Sym s -> sb.append(switch (s.name()) {
                case "pi" -> "Pi";
                case "e" -> "E";
                case "oo" -> "Infinity";
                default -> names.computeIfAbsent(s.name(), k -> "v" + (names.size() + 1));
            });
            case Add a -> join(a.terms(), "+", names, sb);
            case Mul m -> join(m.factors(), "*", names, sb);
            case Pow p -> {
                sb.append("((");
                symja(p.base(), names, sb);
                sb.append(")^(");
                symja(p.exp(), names, sb);
                sb.append("))");
            }
            case Percent p -> {
                sb.append("((");
                symja(p.of(), names, sb);
                sb.append(")/100)");
            }
            case Fn f -> {
                String head = switch (f.name()) {
                    case "sin" -> "Sin";
                    case "cos" -> "Cos";
                    case "tan" -> "Tan";
                    case "sec" -> "Sec";
                    case "csc" -> "Csc";
                    case "cot" -> "Cot";
                    case "arcsin" -> "ArcSin";
                    case "arccos" -> "ArcCos";
                    case "arctan" -> "ArcTan";
                    case "sinh" -> "Sinh";
                    case "cosh" -> "Cosh";
                    case "tanh" -> "Tanh";
                    case "log" -> "Log";
                    case "exp" -> "Exp";
                    case "abs" -> "Abs";
                    case "factorial" -> "Factorial";
                    case "binom" -> "Binomial";
                    case "floor" -> "Floor";
                    case "ceil" -> "Ceiling";
                    default -> f.name().startsWith("f:") ? names.computeIfAbsent(f.name(), k -> "fn" + (names.size() + 1)) : null;
                };
                if (f.name().equals("log10")) {
                    sb.append("Log[10,");
                    symja(f.args().get(0), names, sb);
                    sb.append(']');
                    return;
                }
                if (head == null) {
                    throw new NotExact();
                }
                sb.append(head).append('[');
                for (int i = 0; i < f.args().size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    symja(f.args().get(i), names, sb);
                }
                sb.append(']');
            }
            default -> throw new NotExact();
        }
    }

    private static void join(List<Expr> xs, String op, Map<String, String> names, StringBuilder sb) {
        sb.append('(');
        for (int i = 0; i < xs.size(); i++) {
            if (i > 0) {
                sb.append(op);
            }
            symja(xs.get(i), names, sb);
        }
        sb.append(')');
    }

    /** How many sample points the numeric checks use. */
    static final int SAMPLE_POINTS = 6;

    /**
     * Deterministic sample points for free symbols, irrational-looking and distinct per trial. No sign
     * is assumed: trials 0 to 2 are positive and below 1.65, trial 3 negative, and trials 4 and 5 mix
     * signs with magnitudes above 2, so that |x| is not x and sqrt((x+2)^2) is not x+2.
     */
    static Map<String, Double> samplePoint(Set<String> symbols, int trial) {
        Map<String, Double> env = new HashMap<>();
        int k = 0;
        for (String s : symbols) {
            double u = frac(0.6180339887 * (k + 1) * (trial + 3) + 0.318 * trial + (s.hashCode() & 0xff) / 977.0);
            double v = switch (trial) {
                case 0, 1, 2 -> 0.35 + 1.3 * u;
                case 3 -> -(0.35 + 1.3 * u);
                default -> (k + trial) % 2 == 0 ? -(2.2 + 2.6 * u) : 2.2 + 2.6 * u;
            };
            env.put(s, v);
            k++;
        }
        return env;
    }

    /**
     * The gold's symbols that it needs positive: where it is defined at the first sample point but
     * not with that symbol's sign flipped (sqrt(x), log x). Only these may be taken as positive.
     */
    static Set<String> positiveIn(Expr gold, Set<String> symbols) {
        Set<String> out = new TreeSet<>();
        Map<String, Double> at = samplePoint(symbols, 0);
        if (!Double.isFinite(numeric(gold, at))) {
            return out;
        }
        for (String s : freeSymbols(gold)) {
            Map<String, Double> flipped = new HashMap<>(at);
            flipped.put(s, -at.get(s));
            if (!Double.isFinite(numeric(gold, flipped))) {
                out.add(s);
            }
        }
        return out;
    }

    private static double frac(double x) {
        return x - Math.floor(x);
    }
}
