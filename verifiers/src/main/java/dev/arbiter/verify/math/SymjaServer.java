package dev.arbiter.verify.math;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apfloat.Apcomplex;
import org.apfloat.ApcomplexMath;
import org.apfloat.Apfloat;
import org.matheclipse.core.basic.Config;
import org.matheclipse.core.eval.EvalEngine;
import org.matheclipse.core.eval.ExprEvaluator;
import org.matheclipse.core.eval.exception.TimeoutException;
import org.matheclipse.core.expression.F;
import org.matheclipse.core.expression.S;
import org.matheclipse.core.interfaces.IAST;
import org.matheclipse.core.interfaces.IASTAppendable;
import org.matheclipse.core.interfaces.IExpr;
import org.matheclipse.core.interfaces.INumber;
import org.matheclipse.core.interfaces.ISymbol;

/**
 * The CAS child process behind {@link SymjaPool}. Protocol, one line each way, UTF-8:
 *
 * <pre>
 *   request:  id TAB budgetMillis TAB positiveSymbols TAB expression
 *   reply:    id TAB (ZERO|NONZERO|UNKNOWN|TIMEOUT|ERROR) TAB detail
 * </pre>
 *
 * It prints {@value #READY} once Symja is loaded, answers requests in order, and exits when stdin
 * closes. Nothing else reaches stdout: Symja's own printing is sent to stderr.
 *
 * <p>The question is "is this expression identically zero for real values of its symbols?"; the
 * symbols named in the request's comma-separated list are positive reals (the gold needs that).
 * ZERO needs a symbolic proof (the expression evaluates, or some transformation of it simplifies,
 * to exactly 0) that a high-precision numeric check at sample points does not contradict.
 * NONZERO needs an exact nonzero value, or a value at some sample point that two working
 * precisions agree on and that stands clear of rounding noise. Anything else is UNKNOWN.
 */
final class SymjaServer {
    static final String READY = "SYMJA-READY";
    /** A detail starting with this tells the pool to discard the child. */
    static final String FATAL = "fatal:";

    static final int MAX_INPUT_CHARS = 20_000;
    private static final long MAX_INPUT_LEAVES = 5_000;

    /** Exact positive sample values; distinct per point and variable, spread below and above 1. */
    private static final String[] SAMPLES = {
        "7/10", "13/9", "29/11", "5/17", "31/7", "23/29", "37/13", "3/19", "41/23", "11/31", "47/17", "19/43"
    };
    private static final int POINTS = 3;

    private final ExprEvaluator evaluator;
    private final EvalEngine engine;
    private final ScheduledExecutorService watchdog;
    private final Object stopLock = new Object();
    private long generation;

    record Reply(String answer, String detail) {}

    SymjaServer() {
        configureLimits();
        evaluator = new ExprEvaluator(false, (short) 0);
        engine = evaluator.getEvalEngine();
        engine.setQuietMode(true);
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "symja-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    /** Global limits: make hostile sizes fail fast instead of running until the pool kills us. */
    static void configureLimits() {
        Config.JAS_NO_THREADS = true; // otherwise a non-daemon JAS pool keeps the JVM alive
        Config.FILESYSTEM_ENABLED = false;
        Config.MAX_BIT_LENGTH = 200_000; // ~60k decimal digits; 2006! needs ~19k bits
        Config.MAX_AST_SIZE = 20_000;
        Config.MAX_POLYNOMIAL_DEGREE = 500;
        Config.MAX_LOOP_COUNT = 10_000;
        Config.MAX_MATRIX_DIMENSION_SIZE = 50;
        Config.MAX_PRECISION_APFLOAT = 1_000;
        Config.MAX_OUTPUT_SIZE = 100_000;
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        SymjaServer server = new SymjaServer();
        server.exitWithParent();
        if (args.length > 0 && args[0].equals("--train")) {
            server.train();
            System.exit(0);
        }
        // Touch the parse, evaluate and sampling paths once, so the first real request is not the slow one.
        server.handle("Sqrt[8]-2*Sqrt[2]", Set.of(), 2_000);
        out.print(READY + "\n");
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] parts = line.split("\t", 4);
            String id = parts[0];
            Reply r;
            boolean fatal = false;
            if (parts.length != 4) {
                r = new Reply("ERROR", "malformed request");
            } else {
                long budget;
                try {
                    budget = Long.parseLong(parts[1]);
                } catch (NumberFormatException e) {
                    budget = 1_000;
                }
                r = server.handle(parts[3], Set.copyOf(Arrays.asList(parts[2].split(","))), budget);
                fatal = r.detail().startsWith(FATAL);
            }
            out.print(id + "\t" + r.answer() + "\t" + clean(r.detail()) + "\n");
            out.flush();
            if (fatal) {
                System.exit(3);
            }
        }
        System.exit(0); // Symja or its libraries may leave non-daemon threads behind
    }

    /** A busy child reads no stdin, so it also polls its parent: a stuck request must not outlive the pool. */
    private void exitWithParent() {
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        if (parent == null) {
            return;
        }
        long parentPid = parent.pid();
        watchdog.scheduleWithFixedDelay(() -> {
            // Reparenting shows at once; a killed parent can stay "alive" as a zombie for a while.
            long now = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
            if (now != parentPid || !parent.isAlive()) {
                Runtime.getRuntime().halt(0);
            }
        }, 500, 500, TimeUnit.MILLISECONDS);
    }

    private static String clean(String s) {
        String t = s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
        return t.length() > 300 ? t.substring(0, 300) : t;
    }

    /** Runs a representative mix once, so that a class-data archive recorded from it covers what requests load. */
    void train() {
        String[] corpus = {
            "Sqrt[8]-2*Sqrt[2]", "1/2^99-1/2^98", "Pi-314159/100000", "Tan[y]^2+1-Sec[y]^2",
            "(x^2-1)/(x-1)-(x+1)", "2*Sin[b]*Cos[a]-(Sin[a+b]-Sin[a-b])", "E^(I*Pi)+1", "Log[8]/Log[2]-3",
            "1/(3*(x^(1/3))^2) - 1/(3*x^(2/3))", "x-y", "Sin[x]-x", "Sqrt[x^2]-x", "Log[x*y]-Log[x]-Log[y]",
            "Binomial[10,3]-120", "Exp[2*Log[x]]-x^2", "ArcTan[1]-Pi/4", "Abs[-3]-3", "Sin[2*x]-2*Sin[x]*Cos[x]",
        };
        for (String s : corpus) {
            handle(s, Set.of(), 5_000);
            handle(s, Set.of("x", "y"), 5_000);
        }
    }

    /** Decides one expression within {@code budgetMillis}, the symbols in {@code positive} positive; never throws. */
    Reply handle(String text, Set<String> positive, long budgetMillis) {
        long gen;
        synchronized (stopLock) {
            gen = ++generation;
            EvalEngine.setReset(engine);
            engine.setStopRequested(false);
        }
        engine.setQuietMode(true);
        engine.setRecursionLimit(256);
        engine.setIterationLimit(100_000);
        ScheduledFuture<?> stop = watchdog.schedule(() -> {
            synchronized (stopLock) {
                if (generation == gen) {
                    engine.setStopRequested(true);
                }
            }
        }, Math.max(1, budgetMillis), TimeUnit.MILLISECONDS);
        try {
            return decide(text, positive);
        } catch (TimeoutException e) {
            return new Reply("TIMEOUT", "time budget spent");
        } catch (StackOverflowError e) {
            return new Reply("ERROR", "stack overflow");
        } catch (OutOfMemoryError e) {
            return new Reply("ERROR", FATAL + " out of memory");
        } catch (RuntimeException e) {
            return new Reply("ERROR", e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            stop.cancel(false);
            synchronized (stopLock) {
                generation++;
                engine.setStopRequested(false);
            }
        }
    }

    private Reply decide(String text, Set<String> positiveNames) {
        if (text.length() > MAX_INPUT_CHARS) {
            return new Reply("ERROR", "input too long");
        }
        IExpr parsed;
        try {
            parsed = evaluator.parse(text);
        } catch (RuntimeException e) {
            return new Reply("ERROR", "syntax: " + e.getMessage());
        }
        if (parsed == null) {
            return new Reply("ERROR", "syntax");
        }
        if (parsed.leafCount() > MAX_INPUT_LEAVES) {
            return new Reply("ERROR", "input too large");
        }
        Set<ISymbol> vars = new LinkedHashSet<>();
        String bad = vet(parsed, vars);
        if (bad != null) {
            return new Reply("ERROR", "unsupported: " + bad);
        }
        Set<ISymbol> positive = new LinkedHashSet<>();
        for (ISymbol v : vars) {
            if (positiveNames.contains(v.getSymbolName())) {
                positive.add(v);
            }
        }
        if (!parsed.isFree(IExpr::isInexactNumber, true)) {
            // Rounded decimals make "identically zero" a tolerance question, which the verifier owns.
            return new Reply("UNKNOWN", "inexact number in input");
        }

        IExpr value = eval(parsed);
        if (value == null) {
            return new Reply("ERROR", "evaluation failed");
        }
        if (!value.isFree(SymjaServer::isSingular, true)) {
            return new Reply("UNKNOWN", "infinite or indeterminate: " + value);
        }
        if (value.isNumber() && value.isExactNumber() && !value.isZero()) {
            return new Reply("NONZERO", "exact value");
        }

        // Substituting numbers would also hit bound variables (Sum[i, {i, 1, n}]): sample the
        // evaluated form then, which no longer has them.
        IExpr sampled = parsed;
        if (!parsed.isFree(SymjaServer::isScoping, true)) {
            sampled = value.isFree(SymjaServer::isScoping, true) ? value : null;
        }
        List<Probe> probes = sampled == null ? List.of(Probe.NA) : probe(sampled, vars);
        Probe nonzero = probes.stream().filter(p -> p == Probe.NONZERO).findFirst().orElse(null);
        if (nonzero != null) {
            return value.isZero()
                    ? new Reply("UNKNOWN", "evaluates to 0 but a sample point says otherwise")
                    : new Reply("NONZERO", "nonzero at a sample point");
        }

        String proof = value.isZero() ? "evaluation" : null;
        if (proof == null) {
            for (Step step : steps(vars, positive, powerExpandExact(value, positive, vars))) {
                IExpr r = eval(step.apply(value));
                if (r == null) {
                    continue;
                }
                if (r.isZero()) {
                    proof = step.name();
                    break;
                }
                if (r.isNumber() && r.isExactNumber()) {
                    return probes.contains(Probe.ZERO)
                            ? new Reply("UNKNOWN", step.name() + " gives " + r + " but samples are ~0")
                            : new Reply("NONZERO", step.name() + " gives the constant " + r);
                }
            }
        }
        boolean numericZero = !probes.isEmpty() && probes.stream().allMatch(p -> p == Probe.ZERO);
        boolean noNumbers = probes.stream().allMatch(p -> p == Probe.NA);
        if (proof == null) {
            return new Reply("UNKNOWN", numericZero ? "numerically zero, no symbolic proof" : "no proof");
        }
        if (probes.contains(Probe.UNRESOLVED)) {
            return new Reply("UNKNOWN", proof + " gives 0 but a sample point is not clearly 0");
        }
        if (noNumbers && !(proof.equals("evaluation") || proof.equals("Together"))) {
            // Without a numeric cross-check only trust plain algebra.
            return new Reply("UNKNOWN", proof + " gives 0, no numeric confirmation");
        }
        return new Reply("ZERO", proof);
    }

    /** Evaluates with the engine's limits; null when Symja gave up (held, aborted, failed). */
    private IExpr eval(IExpr expr) {
        IExpr r;
        try {
            r = engine.evaluate(expr);
        } catch (TimeoutException e) {
            throw e;
        } catch (RuntimeException e) {
            return null;
        }
        if (r == null || r == S.$Aborted || r == S.$Failed || r == S.Null) {
            return null;
        }
        if (r.isHoldOrHoldFormOrDefer() || !r.isFree(h -> h == S.$Aborted || h == S.$Failed, true)) {
            return null;
        }
        if (!r.isFree(IExpr::isInexactNumber, true)) {
            return null; // the input is exact, so a float means a numeric shortcut was taken: no proof
        }
        return r;
    }

    private record Step(String name, java.util.function.Function<IExpr, IExpr> wrap) {
        IExpr apply(IExpr e) {
            return wrap.apply(e);
        }
    }

    /** Cheapest first; the watchdog stops whatever is running when the budget is spent. */
    private static List<Step> steps(Set<ISymbol> vars, Set<ISymbol> positive, boolean powerExpand) {
        List<Step> steps = new ArrayList<>();
        steps.add(new Step("Together", F::Together));
        steps.add(new Step("Simplify", F::Simplify));
        if (!vars.isEmpty()) {
            IASTAppendable facts = F.ast(S.And, vars.size());
            for (ISymbol v : vars) {
                facts.append(positive.contains(v) ? F.Greater(v, F.C0) : F.Element(v, S.Reals));
            }
            IExpr assumption = vars.size() == 1 ? facts.arg1() : facts;
            steps.add(new Step(positive.isEmpty() ? "Simplify with real symbols" : "Simplify with real and positive symbols",
                    e -> F.Simplify(e, F.Rule(S.Assumptions, assumption))));
        }
        if (powerExpand) {
            steps.add(new Step("PowerExpand on positive bases", e -> F.Simplify(F.PowerExpand(e))));
        }
        steps.add(new Step("FullSimplify", F::FullSimplify));
        return steps;
    }

    private static final Set<ISymbol> POSITIVE_CONSTANTS =
            Set.of(S.Pi, S.E, S.Degree, S.GoldenRatio, S.EulerGamma, S.Catalan, S.Glaisher, S.Khinchin);

    /**
     * PowerExpand rewrites (ab)^c, (a^b)^c, Log[ab] and Log[a^b] as if every base were positive.
     * That is exact here only when each base of a non-integer power and each Log argument is a
     * product of powers of positive things with real exponents, which this checks: symbols count
     * as positive only when listed in {@code positive}, and every symbol is real.
     */
    static boolean powerExpandExact(IExpr e, Set<ISymbol> positive, Set<ISymbol> vars) {
        if (!e.isAST()) {
            return true;
        }
        IAST ast = (IAST) e;
        if (ast.isPower() && !ast.arg2().isInteger()
                && !(positiveMonomial(ast.arg1(), positive, vars) && real(ast.arg2(), positive, vars))) {
            return false;
        }
        if (ast.head() == S.Log) {
            for (int i = 1; i < ast.size(); i++) {
                if (!positiveMonomial(ast.get(i), positive, vars)) {
                    return false;
                }
            }
        }
        for (int i = 1; i < ast.size(); i++) {
            if (!powerExpandExact(ast.get(i), positive, vars)) {
                return false;
            }
        }
        return true;
    }

    private static boolean positiveMonomial(IExpr e, Set<ISymbol> positive, Set<ISymbol> vars) {
        if (e.isRational()) {
            return e.isPositive();
        }
        if (e.isSymbol()) {
            return positive.contains(e) || POSITIVE_CONSTANTS.contains(e);
        }
        if (e.isTimes()) {
            return ((IAST) e).forAll(a -> positiveMonomial(a, positive, vars));
        }
        if (e.isPower()) {
            return positiveMonomial(e.base(), positive, vars) && real(e.exponent(), positive, vars);
        }
        return false;
    }

    private static boolean real(IExpr e, Set<ISymbol> positive, Set<ISymbol> vars) {
        if (e.isRational()) {
            return true;
        }
        if (e.isSymbol()) {
            return vars.contains(e) || POSITIVE_CONSTANTS.contains(e);
        }
        if (e.isPlus() || e.isTimes()) {
            return ((IAST) e).forAll(a -> real(a, positive, vars));
        }
        if (e.isPower()) {
            return positiveMonomial(e.base(), positive, vars) && real(e.exponent(), positive, vars);
        }
        return false;
    }

    private static boolean isScoping(IExpr e) {
        return e == S.Sum || e == S.Product || e == S.D;
    }

    private static boolean isSingular(IExpr e) {
        return e.isIndeterminate() || e.isComplexInfinity() || e.isDirectedInfinity() || e == S.Infinity
                || e == S.ComplexInfinity || e == S.Indeterminate;
    }

    // ---- input vetting ----------------------------------------------------------------------

    /** Built-in heads a math answer may use: pure functions with no side effects. */
    private static final Set<ISymbol> ALLOWED_HEADS = Set.of(
            S.Plus, S.Times, S.Power, S.Sqrt, S.Surd, S.CubeRoot, S.Exp, S.Log, S.Log2, S.Log10,
            S.Sin, S.Cos, S.Tan, S.Cot, S.Sec, S.Csc, S.ArcSin, S.ArcCos, S.ArcTan, S.ArcCot, S.ArcSec, S.ArcCsc,
            S.Sinh, S.Cosh, S.Tanh, S.Coth, S.Sech, S.Csch,
            S.ArcSinh, S.ArcCosh, S.ArcTanh, S.ArcCoth, S.ArcSech, S.ArcCsch,
            S.Abs, S.Sign, S.Floor, S.Ceiling, S.Round, S.IntegerPart, S.FractionalPart, S.Mod, S.Quotient,
            S.Factorial, S.Factorial2, S.Binomial, S.Multinomial, S.Gamma, S.Beta, S.Pochhammer,
            S.Zeta, S.PolyGamma, S.Erf, S.Erfc, S.GCD, S.LCM, S.Max, S.Min, S.Re, S.Im, S.Conjugate, S.Arg,
            S.Rational, S.Complex, S.Fibonacci, S.LucasL, S.Sum, S.Product, S.List, S.Subtract, S.Divide,
            S.Minus, S.DirectedInfinity, S.FactorInteger, S.PrimeQ, S.Divisors, S.EulerPhi, S.PowerMod,
            S.Expand, S.ExpandAll, S.Together, S.Factor, S.Simplify, S.FullSimplify, S.D);

    /** Built-in symbols that may appear as values. */
    private static final Set<ISymbol> ALLOWED_ATOMS = Set.of(
            S.Pi, S.E, S.I, S.Degree, S.GoldenRatio, S.EulerGamma, S.Catalan, S.Glaisher, S.Khinchin,
            S.Infinity, S.ComplexInfinity, S.Indeterminate);

    /** Collects the variables; returns the name of the first disallowed built-in, or null. */
    private static String vet(IExpr e, Set<ISymbol> vars) {
        Map<IExpr, Boolean> seen = new IdentityHashMap<>();
        return vet(e, vars, seen, 0);
    }

    private static String vet(IExpr e, Set<ISymbol> vars, Map<IExpr, Boolean> seen, int depth) {
        if (depth > 200) {
            return "nesting deeper than 200";
        }
        if (e.isAST()) {
            IAST ast = (IAST) e;
            IExpr head = ast.head();
            if (head.isBuiltInSymbol()) {
                if (!ALLOWED_HEADS.contains(head)) {
                    return head.toString();
                }
            } else if (!head.isSymbol()) {
                return "compound head " + head;
            }
            if (seen.put(e, Boolean.TRUE) != null) {
                return null;
            }
            for (int i = 1; i < ast.size(); i++) {
                String bad = vet(ast.get(i), vars, seen, depth + 1);
                if (bad != null) {
                    return bad;
                }
            }
            return null;
        }
        if (e.isSymbol()) {
            if (e.isBuiltInSymbol()) {
                return ALLOWED_ATOMS.contains(e) ? null : e.toString();
            }
            vars.add((ISymbol) e);
            return null;
        }
        if (e.isNumber()) {
            return null;
        }
        return "atom " + e.getClass().getSimpleName();
    }

    // ---- numeric cross-check ------------------------------------------------------------------

    enum Probe {
        /** The value at the point is 0 to well within the working precision. */
        ZERO,
        /** The value at the point is resolved and nonzero. */
        NONZERO,
        /** A number, but neither of the above: noise or lost precision. */
        UNRESOLVED,
        /** No number came out (undefined function, singular point, failure). */
        NA
    }

    /**
     * Evaluates the unevaluated input numerically at sample points, so that the check does not
     * share the symbolic path it is meant to check.
     */
    private List<Probe> probe(IExpr parsed, Set<ISymbol> vars) {
        int points = vars.isEmpty() ? 1 : POINTS;
        List<Probe> out = new ArrayList<>(points);
        List<ISymbol> order = new ArrayList<>(vars);
        for (int p = 0; p < points; p++) {
            Map<IExpr, IExpr> at = new IdentityHashMap<>();
            for (int i = 0; i < order.size(); i++) {
                at.put(order.get(i), evaluator.parse(SAMPLES[(p * 5 + i * 7) % SAMPLES.length]));
            }
            IExpr point = at.isEmpty() ? parsed : substitute(parsed, at);
            out.add(probeAt(point));
        }
        return out;
    }

    /**
     * Working precisions, tried in turn while the answer is unresolved: {low digits, high digits,
     * NONZERO when |v| exceeds scale * 10^-a, ZERO when |v| is below scale * 10^-b}. The first
     * settles nearly everything; the second catches near misses such as e^(pi sqrt 163) against
     * an integer (relative gap 10^-30).
     */
    private static final int[][] PRECISIONS = {{30, 60, 18, 40}, {60, 120, 45, 100}};

    private Probe probeAt(IExpr point) {
        Apfloat[] scale = new Apfloat[1];
        Probe p = Probe.UNRESOLVED;
        for (int[] level : PRECISIONS) {
            p = probeAt(point, level, scale);
            if (p != Probe.UNRESOLVED) {
                break;
            }
        }
        return p;
    }

    private Probe probeAt(IExpr point, int[] level, Apfloat[] scaleMemo) {
        IExpr lo = numeric(point, level[0]);
        IExpr hi = numeric(point, level[1]);
        if (lo == null || hi == null) {
            return Probe.NA;
        }
        if (hi.isExactNumber() && lo.isExactNumber()) {
            return hi.isZero() ? Probe.ZERO : Probe.NONZERO;
        }
        if (!isArbitrary(lo) || !isArbitrary(hi)) {
            return Probe.NA; // a machine double slipped in: its noise would look the same at both precisions
        }
        Apcomplex h = ((INumber) hi).apcomplexValue();
        Apfloat abs = ApcomplexMath.abs(h);
        if (abs.signum() == 0) {
            return Probe.ZERO;
        }
        if (scaleMemo[0] == null) {
            // The same tree with every sum made a sum of magnitudes: cancellation shows as |v| << scale.
            IExpr scaleExpr = numeric(magnitudes(point), 30);
            if (scaleExpr == null) {
                return Probe.NA;
            }
            Apfloat scale = ApcomplexMath.abs(((INumber) scaleExpr).apcomplexValue());
            scaleMemo[0] = scale.signum() == 0 ? new Apfloat(1, 30) : scale;
        }
        Apfloat scale = scaleMemo[0];
        if (abs.compareTo(scale.multiply(new Apfloat("1e-" + level[3], 30))) <= 0) {
            return Probe.ZERO;
        }
        Apcomplex l = ((INumber) lo).apcomplexValue();
        boolean agree = ApcomplexMath.abs(h.subtract(l)).compareTo(abs.multiply(new Apfloat("1e-12", 30))) <= 0;
        boolean clear = abs.compareTo(scale.multiply(new Apfloat("1e-" + level[2], 30))) > 0;
        return agree && clear ? Probe.NONZERO : Probe.UNRESOLVED;
    }

    private static boolean isArbitrary(IExpr n) {
        return n.isExactNumber() || n instanceof org.matheclipse.core.expression.ApfloatNum
                || n instanceof org.matheclipse.core.expression.ApcomplexNum;
    }

    /** Numeric evaluation of an unevaluated tree at a fixed precision; null on failure. */
    private IExpr numeric(IExpr expr, long digits) {
        boolean mode = engine.isNumericMode();
        long precision = engine.getNumericPrecision();
        int figures = engine.getSignificantFigures();
        try {
            engine.setNumericMode(true, digits, (int) digits);
            IExpr r = engine.evalWithoutNumericReset(expr);
            return r != null && r.isNumber() && !isSingular(r) ? r : null;
        } catch (TimeoutException e) {
            throw e;
        } catch (RuntimeException e) {
            return null;
        } finally {
            engine.setNumericMode(mode, precision, figures);
        }
    }

    private static IExpr substitute(IExpr e, Map<IExpr, IExpr> at) {
        if (e.isSymbol()) {
            IExpr v = at.get(e);
            return v == null ? e : v;
        }
        if (!e.isAST()) {
            return e;
        }
        IAST ast = (IAST) e;
        IASTAppendable copy = F.ast(ast.head(), ast.argSize());
        for (int i = 1; i < ast.size(); i++) {
            copy.append(substitute(ast.get(i), at));
        }
        return copy;
    }

    private static IExpr magnitudes(IExpr e) {
        if (!e.isAST()) {
            return e;
        }
        IAST ast = (IAST) e;
        boolean plus = ast.head() == S.Plus || ast.head() == S.Subtract;
        IASTAppendable copy = F.ast(plus ? S.Plus : ast.head(), ast.argSize());
        for (int i = 1; i < ast.size(); i++) {
            IExpr arg = magnitudes(ast.get(i));
            copy.append(plus ? F.Abs(arg) : arg);
        }
        return copy;
    }
}
