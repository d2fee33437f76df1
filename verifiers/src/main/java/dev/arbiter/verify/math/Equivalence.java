package dev.arbiter.verify.math;

import dev.arbiter.verify.math.Expr.Add;
import dev.arbiter.verify.math.Expr.Chain;
import dev.arbiter.verify.math.Expr.Fn;
import dev.arbiter.verify.math.Expr.Interval;
import dev.arbiter.verify.math.Expr.Matrix;
import dev.arbiter.verify.math.Expr.Mul;
import dev.arbiter.verify.math.Expr.Num;
import dev.arbiter.verify.math.Expr.Pow;
import dev.arbiter.verify.math.Expr.Rel;
import dev.arbiter.verify.math.Expr.SetOf;
import dev.arbiter.verify.math.Expr.SetOp;
import dev.arbiter.verify.math.Expr.Sym;
import dev.arbiter.verify.math.Expr.Text;
import dev.arbiter.verify.math.Expr.Tuple;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides whether a predicted answer equals the gold one. Not symmetric: the gold decides how an
 * assignment is read and whether a relation may match a set. The order: assignments, relation
 * versus set, structure, relations, sets and tuples, matrices, words, then values (exact
 * rationals, decimals at the configured places, then the CAS and a numeric check). Symbols are
 * real with no sign, save those the gold itself needs positive (sqrt(x), log x). A decimal equals
 * an irrational only when the gold is that decimal, written to at least three significant digits
 * (1.41 for sqrt 2, at its own places), unless the config asks to approximate.
 */
final class Equivalence {
    /** The significant digits a decimal gold needs to stand for an irrational at its own places. */
    private static final int ROUNDED_DIGITS = 3;

    private final MathConfig cfg;
    private final Deadline deadline;
    private final SymjaPool cas;
    private String reason = "not equal";

    Equivalence(MathConfig cfg, Deadline deadline, SymjaPool cas) {
        this.cfg = cfg;
        this.deadline = deadline;
        this.cas = cas;
    }

    String reason() {
        return reason;
    }

    boolean equal(Expr gold, Expr pred) {
        if (!cfg.strict()) {
            pred = renameSymbols(pred, gold);
        }
        return eq(gold, pred);
    }

    private boolean yes(String why) {
        reason = why;
        return true;
    }

    private boolean no(String why) {
        reason = why;
        return false;
    }

    boolean eq(Expr g, Expr p) {
        deadline.check();
        g = assignment(g);
        p = assignment(p);
        // the gold decides how an assignment is read
        // as Math-Verify: a predicted equation's last right side is its answer when the gold is a value
        if (isEquation(p) && !isEquation(g) && !(g instanceof Chain)) {
            return eq(g, ((Rel) p).rhs());
        }
        if (isEquation(g) && nameLike(((Rel) g).lhs()) && !isEquation(p)) {
            return eq(((Rel) g).rhs(), p);
        }
        // a relation equals the set it describes; the reverse only when allowed (reward hacking)
        if (isRelation(g) && isSetLike(p)) {
            Expr s = asSet(g);
            return s != null ? eq(s, p) : no("relation vs set");
        }
        if (cfg.allowSetRelation() && isSetLike(g) && isRelation(p)) {
            Expr s = asSet(p);
            return s != null ? eq(g, s) : no("set vs relation");
        }
        if (Evaluator.canonical(g).equals(Evaluator.canonical(p))) {
            return yes("same expression");
        }
        if (isRelation(g) || isRelation(p)) {
            return isRelation(g) && isRelation(p) ? relations(g, p) : no("relation vs value");
        }
        // one answer given twice, e.g. \boxed{15\frac{39}{40}} or \boxed{\frac{639}{40}}
        final Expr gold = g;
        if (p instanceof SetOf ps && !isCollection(g) && flatten(ps).size() > 1
                && flatten(ps).stream().allMatch(x -> eqQuiet(gold, x))) {
            return yes("every listed form equals the gold");
        }
        if (isCollection(g) || isCollection(p)) {
            return collections(g, p);
        }
        Expr gm = Matrices.evaluate(g);
        Expr pm = Matrices.evaluate(p);
        if (gm instanceof Matrix || pm instanceof Matrix) {
            if (gm instanceof Matrix a2 && pm instanceof Matrix b && a2.height() == b.height() && a2.width() == b.width()) {
                for (int i = 0; i < a2.height(); i++) {
                    for (int j = 0; j < a2.width(); j++) {
                        if (!eq(a2.rows().get(i).get(j), b.rows().get(i).get(j))) {
                            return no("matrix entries differ");
                        }
                    }
                }
                return yes("matrix entries equal");
            }
            return no("matrix shapes differ");
        }
        if (g instanceof Text || p instanceof Text) {
            return words(g, p);
        }
        return values(g, p);
    }

    // ---- assignments

    /** x = 5+5+1 = 7 = 11 reads as x = 11; x ≈ 11 as x = 11. */
    private static Expr assignment(Expr e) {
        if (e instanceof Rel r && r.op().equals("~")) {
            return new Rel("=", r.lhs(), r.rhs());
        }
        if (e instanceof Chain c && c.links().stream().allMatch(l -> l.op().equals("=") || l.op().equals("~"))) {
            Rel lastEq = null;
            for (Rel l : c.links()) {
                if (l.op().equals("=")) {
                    lastEq = l;
                } else {
                    break;
                }
            }
            Expr rhs = lastEq != null ? lastEq.rhs() : c.links().get(c.links().size() - 1).rhs();
            Expr lhs = c.links().get(0).lhs();
            if (!nameLike(lhs)) {
                for (Rel l : c.links()) {
                    if (nameLike(l.lhs()) && l.op().equals("=")) {
                        lhs = l.lhs();
                    }
                    if (l == lastEq) {
                        break;
                    }
                }
            }
            return new Rel("=", lhs, rhs);
        }
        return e;
    }

    private static boolean isEquation(Expr e) {
        return e instanceof Rel r && r.op().equals("=");
    }

    private static boolean isRelation(Expr e) {
        return e instanceof Rel || e instanceof Chain;
    }

    /** A name being given a value: x, a_3, f(x), (p,q), |AB|, A:B, NO/BO; never a sum or a number. */
    static boolean nameLike(Expr e) {
        return switch (e) {
            case Sym s -> !Evaluator.CONSTANTS.contains(s.name());
            case Fn f -> f.name().startsWith("f:") || f.args().stream().allMatch(Equivalence::nameLike);
            case Tuple t -> t.elems().stream().allMatch(Equivalence::nameLike);
            case Mul m -> m.factors().stream().allMatch(Equivalence::nameLike);
            case Pow p -> nameLike(p.base()) && p.exp() instanceof Num;
            default -> false;
        };
    }

    // ---- relations

    private boolean relations(Expr g, Expr p) {
        if (g instanceof Rel a && p instanceof Rel b) {
            return relation(a, b) ? yes("same relation") : no("relations differ");
        }
        if (g instanceof Chain a && p instanceof Chain b && a.links().size() == b.links().size()) {
            for (int i = 0; i < a.links().size(); i++) {
                if (!relation(a.links().get(i), b.links().get(i))) {
                    Expr sa = asSet(a);
                    Expr sb = asSet(b);
                    return sa != null && sb != null ? eq(sa, sb) : no("relations differ");
                }
            }
            return yes("same relations");
        }
        Expr sa = asSet(g);
        Expr sb = asSet(p);
        return sa != null && sb != null ? eq(sa, sb) : no("relations differ");
    }

    /** a op b as (d op' 0) with op' in {=, !=, <, <=}. */
    private record Normal(String op, Expr d) {}

    private static Normal normal(Rel r) {
        return switch (r.op()) {
            case ">" -> new Normal("<", minus(r.rhs(), r.lhs()));
            case ">=" -> new Normal("<=", minus(r.rhs(), r.lhs()));
            default -> new Normal(r.op().equals("~") ? "=" : r.op(), minus(r.lhs(), r.rhs()));
        };
    }

    private static Expr minus(Expr a, Expr b) {
        return new Add(List.of(a, Expr.neg(b)));
    }

    private boolean relation(Rel a, Rel b) {
        Normal na = normal(a);
        Normal nb = normal(b);
        if (!na.op().equals(nb.op())) {
            return false;
        }
        if (eqQuiet(a.lhs(), b.lhs()) && eqQuiet(a.rhs(), b.rhs()) && a.op().equals(b.op())) {
            return true;
        }
        boolean inequality = na.op().equals("<") || na.op().equals("<=");
        return proportional(na.d(), nb.d(), inequality);
    }

    private boolean eqQuiet(Expr a, Expr b) {
        String saved = reason;
        boolean r = eq(a, b);
        reason = saved;
        return r;
    }

    /** d1 = c·d2 for a constant c (positive for inequalities): the same equation or inequality. */
    private boolean proportional(Expr d1, Expr d2, boolean positive) {
        Set<String> syms = Evaluator.freeSymbols(new Add(List.of(d1, d2)));
        Double ratio = null;
        for (int t = 0; t < Evaluator.SAMPLE_POINTS; t++) {
            Map<String, Double> env = Evaluator.samplePoint(syms, t);
            double x = Evaluator.numeric(d1, env);
            double y = Evaluator.numeric(d2, env);
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                if (Double.isFinite(x)) {
                    return false; // the prediction is undefined where the gold is not
                }
                continue;
            }
            if (Math.abs(y) < 1e-12) {
                if (Math.abs(x) > 1e-12) {
                    return false;
                }
                continue;
            }
            double r = x / y;
            if (ratio == null) {
                ratio = r;
            } else if (Math.abs(r - ratio) > 1e-9 * Math.max(1, Math.abs(ratio))) {
                return false;
            }
        }
        if (ratio == null || Math.abs(ratio) < 1e-12 || positive && ratio < 0) {
            return false;
        }
        Rational c = approximate(ratio);
        if (c == null) {
            return false;
        }
        Expr diff = minus(d1, new Mul(List.of(new Num(c, false), d2)));
        CasAnswer a = casZero(diff, Evaluator.positiveIn(d1, syms), false);
        return a != CasAnswer.NONZERO;
    }

    private static Rational approximate(double x) {
        for (int den = 1; den <= 10_000; den++) {
            double n = Math.rint(x * den);
            if (Math.abs(n / den - x) < 1e-9 * Math.max(1, Math.abs(x))) {
                return new Rational(java.math.BigInteger.valueOf((long) n), java.math.BigInteger.valueOf(den));
            }
        }
        return null;
    }

    // ---- relation as a set

    private static boolean isSetLike(Expr e) {
        return e instanceof Interval || e instanceof SetOp || e instanceof SetOf
                || e instanceof Tuple t && t.parens() && t.elems().size() == 2;
    }

    /** The solution set of a one-variable relation such as x < 3, 1 < x <= 2 or 1 <= |z| <= 3/2. */
    static Expr asSet(Expr e) {
        Expr inf = new Sym("oo");
        Expr ninf = Expr.neg(inf);
        if (e instanceof Rel r) {
            if (r.op().equals("=") && isSetLike(r.rhs())) {
                return r.rhs();
            }
            boolean lConst = Evaluator.freeSymbols(r.lhs()).isEmpty();
            boolean rConst = Evaluator.freeSymbols(r.rhs()).isEmpty();
            if (lConst == rConst) {
                return null;
            }
            String op = lConst ? flip(r.op()) : r.op();
            Expr v = lConst ? r.rhs() : r.lhs();
            Expr c = lConst ? r.lhs() : r.rhs();
            Expr base = switch (op) {
                case "<" -> new Interval(ninf, c, true, true);
                case "<=" -> new Interval(ninf, c, true, false);
                case ">" -> new Interval(c, inf, true, true);
                case ">=" -> new Interval(c, inf, false, true);
                case "=" -> new SetOf(List.of(c));
                default -> null;
            };
            return base == null ? null : v instanceof Fn f && f.name().equals("abs") ? absSet(op, null, c, false, false) : base;
        }
        if (e instanceof Chain ch && ch.links().size() == 2) {
            Rel a = ch.links().get(0);
            Rel b = ch.links().get(1);
            boolean up = Set.of("<", "<=").contains(a.op()) && Set.of("<", "<=").contains(b.op());
            boolean down = Set.of(">", ">=").contains(a.op()) && Set.of(">", ">=").contains(b.op());
            if (!(up || down) || !Evaluator.freeSymbols(a.lhs()).isEmpty() || !Evaluator.freeSymbols(b.rhs()).isEmpty()) {
                return null;
            }
            Expr lo = up ? a.lhs() : b.rhs();
            Expr hi = up ? b.rhs() : a.lhs();
            boolean loOpen = (up ? a.op() : b.op()).length() == 1;
            boolean hiOpen = (up ? b.op() : a.op()).length() == 1;
            if (a.rhs() instanceof Fn f && f.name().equals("abs")) {
                return absSet("between", lo, hi, loOpen, hiOpen);
            }
            return new Interval(lo, hi, loOpen, hiOpen);
        }
        return null;
    }

    private static Expr absSet(String op, Expr lo, Expr hi, boolean loOpen, boolean hiOpen) {
        return switch (op) {
            case "<" -> new Interval(Expr.neg(hi), hi, true, true);
            case "<=" -> new Interval(Expr.neg(hi), hi, false, false);
            case "between" -> new SetOp("union", List.of(new Interval(Expr.neg(hi), Expr.neg(lo), hiOpen, loOpen),
                    new Interval(lo, hi, loOpen, hiOpen)));
            default -> null;
        };
    }

    private static String flip(String op) {
        return switch (op) {
            case "<" -> ">";
            case "<=" -> ">=";
            case ">" -> "<";
            case ">=" -> "<=";
            default -> op;
        };
    }

    // ---- sets, tuples, intervals

    private static boolean isCollection(Expr e) {
        return e instanceof SetOf || e instanceof Tuple || e instanceof Interval || e instanceof SetOp;
    }

    private static List<Expr> flatten(SetOf s) {
        List<Expr> out = new ArrayList<>();
        for (Expr x : s.elems()) {
            if (x instanceof SetOf inner) {
                out.addAll(flatten(inner));
            } else {
                out.add(x);
            }
        }
        return out;
    }

    private boolean collections(Expr g, Expr p) {
        if (g instanceof SetOp || p instanceof SetOp) {
            List<Expr> a = unionParts(g);
            List<Expr> b = unionParts(p);
            if (a == null || b == null) {
                return no("set operations differ");
            }
            return matchUnordered(a, b) ? yes("same union") : no("unions differ");
        }
        if (g instanceof Interval a && p instanceof Interval b) {
            return a.loOpen() == b.loOpen() && a.hiOpen() == b.hiOpen() && eq(a.lo(), b.lo()) && eq(a.hi(), b.hi())
                    ? yes("same interval") : no("intervals differ");
        }
        if (g instanceof Interval a && p instanceof Tuple t && t.parens() && t.elems().size() == 2) {
            return a.loOpen() && a.hiOpen() && eq(a.lo(), t.elems().get(0)) && eq(a.hi(), t.elems().get(1))
                    ? yes("same open interval") : no("intervals differ");
        }
        if (p instanceof Interval a && g instanceof Tuple t && t.parens() && t.elems().size() == 2) {
            return a.loOpen() && a.hiOpen() && eq(t.elems().get(0), a.lo()) && eq(t.elems().get(1), a.hi())
                    ? yes("same open interval") : no("intervals differ");
        }
        if (g instanceof Tuple a && p instanceof Tuple b) {
            return ordered(a.elems(), b.elems()) ? yes("same tuple") : no("tuples differ");
        }
        // "3 or 5" names two answers, not the pair (3, 5)
        if (g instanceof Tuple && p instanceof SetOf b && b.alternatives()
                || g instanceof SetOf a && a.alternatives() && p instanceof Tuple) {
            return no("answers joined by or/and are not a tuple");
        }
        if (g instanceof Tuple a && p instanceof SetOf b) {
            return ordered(a.elems(), flatten(b)) ? yes("tuple matches the set in written order") : no("tuple vs set");
        }
        if (g instanceof SetOf a && p instanceof Tuple b) {
            return ordered(flatten(a), b.elems()) ? yes("set matches the tuple in written order") : no("set vs tuple");
        }
        if (g instanceof SetOf a && p instanceof SetOf b) {
            return matchUnordered(flatten(a), flatten(b)) ? yes("same set") : no("sets differ");
        }
        return no("collection vs value");
    }

    private List<Expr> unionParts(Expr e) {
        List<Expr> out = new ArrayList<>();
        if (e instanceof SetOp s) {
            if (!s.op().equals("union")) {
                return null;
            }
            for (Expr a : s.args()) {
                List<Expr> sub = unionParts(a);
                if (sub == null) {
                    return null;
                }
                out.addAll(sub);
            }
            return out;
        }
        if (e instanceof SetOf s) {
            out.addAll(flatten(s).stream().map(x -> (Expr) new SetOf(List.of(x))).toList());
            return out;
        }
        if (e instanceof Interval || e instanceof Tuple t && t.parens() && t.elems().size() == 2) {
            out.add(e instanceof Tuple t2 ? new Interval(t2.elems().get(0), t2.elems().get(1), true, true) : e);
            return out;
        }
        return null;
    }

    private boolean ordered(List<Expr> a, List<Expr> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!eq(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private boolean matchUnordered(List<Expr> a, List<Expr> b) {
        List<Expr> left = dedupe(a);
        List<Expr> right = dedupe(b);
        if (left.size() != right.size()) {
            return false;
        }
        boolean[] used = new boolean[right.size()];
        outer:
        for (Expr x : left) {
            for (int j = 0; j < right.size(); j++) {
                if (!used[j] && eqQuiet(x, right.get(j))) {
                    used[j] = true;
                    continue outer;
                }
            }
            return false;
        }
        return true;
    }

    private static List<Expr> dedupe(List<Expr> xs) {
        Map<String, Expr> seen = new LinkedHashMap<>();
        for (Expr x : xs) {
            seen.putIfAbsent(Evaluator.canonical(x), x);
        }
        return new ArrayList<>(seen.values());
    }

    // ---- words and names

    private boolean words(Expr g, Expr p) {
        String a = letters(g);
        String b = letters(p);
        if (a != null && b != null && a.equals(b)) {
            return yes("same words");
        }
        return no("words differ");
    }

    /** The letters of a word-like answer, sorted: a product of single letters reads as a word. */
    private static String letters(Expr e) {
        return switch (e) {
            case Text t -> sortedLetters(t.s());
            case Sym s -> s.name();
            case Mul m -> {
                StringBuilder sb = new StringBuilder();
                for (Expr f : m.factors()) {
                    if (!(f instanceof Sym s) || s.name().length() != 1) {
                        yield null;
                    }
                    sb.append(s.name());
                }
                yield sortedLetters(sb.toString());
            }
            default -> null;
        };
    }

    private static String sortedLetters(String s) {
        char[] c = s.toCharArray();
        java.util.Arrays.sort(c);
        return new String(c);
    }

    // ---- values

    private boolean values(Expr g, Expr p) {
        if (cfg.percent() == MathConfig.Percent.LENIENT && (Evaluator.hasPercent(g) || Evaluator.hasPercent(p))) {
            if (valuesStrict(Evaluator.withoutPercent(g), Evaluator.withoutPercent(p))
                    || valuesStrict(g, p)) {
                return true;
            }
        }
        return valuesStrict(g, p);
    }

    private boolean valuesStrict(Expr g, Expr p) {
        Set<String> syms = Evaluator.freeSymbols(new Add(List.of(g, p)));
        Set<String> positive = syms.isEmpty() ? Set.of() : Evaluator.positiveIn(g, syms);
        if (syms.contains("i")) {
            // i may be the imaginary unit ((1+i)^2 = 2i); only Symja can say, else i is a variable
            CasAnswer c = casZero(minus(g, p), positive, true);
            if (c == CasAnswer.ZERO) {
                return yes("symja (i as the imaginary unit)");
            }
        }
        boolean goldDecimal = Evaluator.hasDecimal(g);
        boolean decimal = goldDecimal || Evaluator.hasDecimal(p);
        // an irrational gold written exactly: the prediction's decimals are exact numbers, not roundings
        boolean exactDecimals = decimal && !goldDecimal && !cfg.approximate()
                && (syms.isEmpty() ? Evaluator.exact(g) == null : Evaluator.hasIrrationalConstant(g));
        if (syms.isEmpty()) {
            Rational a = Evaluator.exact(g);
            Rational b = Evaluator.exact(p);
            if (a != null && b != null) {
                if (decimal) {
                    return rounded(a.round(cfg.floatRounding()), b.round(cfg.floatRounding()), a.toDouble(), b.toDouble())
                            ? yes("equal at " + cfg.floatRounding() + " decimal places")
                            : no("differ at " + cfg.floatRounding() + " decimal places");
                }
                return a.compareTo(b) == 0 ? yes("exact rational") : no("different rationals");
            }
            if (exactDecimals && b != null) {
                return no("a decimal is not the irrational gold");
            }
            double x = Evaluator.numeric(g, Map.of());
            double y = Evaluator.numeric(p, Map.of());
            if (decimal && !exactDecimals && Double.isFinite(x) && Double.isFinite(y)) {
                // a gold written as a decimal says how precise an exact irrational answer must be, but only
                // when it is clearly a rounding (1.41, 3.14); 0.5 or 3.0 is compared at float_rounding places
                int goldPlaces = Evaluator.writtenPlaces(g);
                boolean goldRounds = !cfg.approximate() && b == null && goldPlaces >= 0
                        && Evaluator.writtenDigits(g) >= ROUNDED_DIGITS;
                int places = goldRounds ? Math.min(goldPlaces, cfg.floatRounding()) : cfg.floatRounding();
                BigDecimal rx = BigDecimal.valueOf(x).setScale(places, java.math.RoundingMode.HALF_EVEN);
                BigDecimal ry = BigDecimal.valueOf(y).setScale(places, java.math.RoundingMode.HALF_EVEN);
                return rounded(rx, ry, x, y, places) ? yes("equal at " + places + " decimal places")
                        : no("differ at " + places + " decimal places");
            }
            if (Double.isFinite(x) && Double.isFinite(y)) {
                if (!close(x, y, 1e-9)) {
                    return no("different values");
                }
            } else {
                // beyond double range or undefined: only the CAS may call them equal
                if (Double.isNaN(x) || Double.isNaN(y)) {
                    return no("undefined value");
                }
                return casZero(minus(g, p), positive, false) == CasAnswer.ZERO ? yes("symja") : no("cannot compare numerically");
            }
        } else {
            // reject quickly when sample points disagree; negative values count wherever the gold is defined
            boolean rounding = decimal && !exactDecimals;
            int agree = 0;
            for (int t = 0; t < Evaluator.SAMPLE_POINTS; t++) {
                Map<String, Double> env = Evaluator.samplePoint(syms, t);
                double x = Evaluator.numeric(g, env);
                if (!Double.isFinite(x)) {
                    continue; // outside the gold's domain
                }
                double y = Evaluator.numeric(p, env);
                if (Double.isNaN(y)) {
                    return no("undefined where the gold is defined");
                }
                if (Double.isFinite(y)) {
                    if (!close(x, y, rounding ? Math.pow(10, -cfg.floatRounding()) : 1e-9)) {
                        return no("differ at a sample point");
                    }
                    agree++;
                }
            }
            if (agree < 2) {
                return no("cannot evaluate at enough sample points");
            }
        }
        if (decimal && !exactDecimals) {
            return yes("numeric (decimals)");
        }
        CasAnswer a = casZero(minus(g, p), positive, false);
        return switch (a) {
            case ZERO -> yes("symja");
            case NONZERO -> no("symja: difference is not zero");
            // the numeric check already agreed: relative 1e-9 at the value, or at every sample point; a
            // written decimal agrees that closely with an irrational gold without being it
            default -> exactDecimals ? no("a decimal is not the irrational gold (symja " + name(a) + ")")
                    : yes("numeric (symja " + name(a) + ")");
        };
    }

    private static String name(CasAnswer a) {
        return a.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Equal after rounding, except that values below the rounding unit are compared relatively. */
    private boolean rounded(BigDecimal ra, BigDecimal rb, double a, double b) {
        return rounded(ra, rb, a, b, cfg.floatRounding());
    }

    private static boolean rounded(BigDecimal ra, BigDecimal rb, double a, double b, int places) {
        if (ra.compareTo(rb) != 0) {
            return false;
        }
        double unit = Math.pow(10, -places);
        if (Math.abs(a) < unit && Math.abs(b) < unit && a != b) {
            return close(a, b, 1e-3);
        }
        return true;
    }

    private static boolean close(double x, double y, double rel) {
        if (x == y) {
            return true;
        }
        return Math.abs(x - y) <= rel * Math.max(Math.abs(x), Math.abs(y));
    }

    /** Asks Symja whether {@code diff} is zero, every symbol real and those in {@code positive} positive. */
    private CasAnswer casZero(Expr diff, Set<String> positive, boolean imaginaryUnit) {
        Map<String, String> names = new HashMap<>();
        if (imaginaryUnit) {
            names.put("i", "I");
        }
        String text = Evaluator.symja(diff, names);
        if (text == null) {
            return CasAnswer.UNAVAILABLE;
        }
        Set<String> positiveNames = new TreeSet<>();
        for (String s : positive) {
            if (names.containsKey(s) && !(imaginaryUnit && s.equals("i"))) {
                positiveNames.add(names.get(s));
            }
        }
        deadline.check();
        // leave a fifth of the time for the numeric verdict should Symja not answer in time
        long now = System.nanoTime();
        long casDeadline = now + (deadline.atNanos() - now) * 4 / 5;
        return cas.isZero(text, positiveNames, casDeadline);
    }

    // ---- non-strict mode

    /** Renames the prediction's free symbols to the gold's, in sorted order, when their counts match. */
    private static Expr renameSymbols(Expr pred, Expr gold) {
        List<String> ps = new ArrayList<>(Evaluator.freeSymbols(pred));
        List<String> gs = new ArrayList<>(Evaluator.freeSymbols(gold));
        if (ps.size() != gs.size() || ps.equals(gs)) {
            return pred;
        }
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < ps.size(); i++) {
            map.put(ps.get(i), gs.get(i));
        }
        return Rename.apply(pred, map);
    }
}
