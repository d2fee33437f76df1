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
import dev.arbiter.verify.math.LatexLexer.Kind;
import dev.arbiter.verify.math.LatexLexer.Token;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A recursive-descent reader for the LaTeX and plain-text answers models write. It builds exact
 * {@link Expr} trees and fails (rather than guessing) on text it cannot read.
 */
final class LatexParser {
    static final int MAX_DEPTH = 200;

    private static final Set<String> FUNCTIONS = Set.of("sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos",
            "arctan", "sinh", "cosh", "tanh", "log", "ln", "lg", "exp", "det", "gcd", "lcm", "min", "max", "arg", "deg");
    private static final Map<String, String> RELATIONS = Map.ofEntries(
            Map.entry("=", "="), Map.entry("<", "<"), Map.entry(">", ">"), Map.entry("<=", "<="), Map.entry(">=", ">="),
            Map.entry("!=", "!="), Map.entry("le", "<="), Map.entry("leq", "<="), Map.entry("leqslant", "<="),
            Map.entry("ge", ">="), Map.entry("geq", ">="), Map.entry("geqslant", ">="), Map.entry("lt", "<"),
            Map.entry("gt", ">"), Map.entry("ne", "!="), Map.entry("neq", "!="), Map.entry("approx", "~"),
            Map.entry("sim", "~"), Map.entry("simeq", "~"), Map.entry("equiv", "="), Map.entry("in", "="),
            Map.entry("coloneqq", "="), Map.entry("doteq", "~"));
    private static final Set<String> GREEK = Set.of("alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta",
            "eta", "theta", "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon",
            "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Phi", "Psi",
            "Omega");

    /** \text{4 apples}: a number followed by words. */
    private static final java.util.regex.Pattern NUMBER_WITH_UNIT =
            java.util.regex.Pattern.compile("(-?\\d+(?:\\.\\d+)?)\\s*[a-zA-Z]{2,}[a-zA-Z ]*");

    private final List<Token> toks;
    private final Deadline deadline;
    private int pos;
    private int depth;
    private int absDepth;

    private LatexParser(List<Token> toks, Deadline deadline) {
        this.toks = toks;
        this.deadline = deadline;
    }

    /** Normalizes and parses one extracted answer. */
    static Expr parse(String answer, Deadline deadline) {
        String norm = LatexNormalizer.normalize(answer);
        if (norm.isEmpty()) {
            throw new ParseFailure("empty answer");
        }
        LatexParser p = new LatexParser(LatexLexer.lex(norm), deadline);
        Expr e = p.top();
        if (p.pos < p.toks.size()) {
            throw new ParseFailure("unexpected '" + p.toks.get(p.pos) + "'");
        }
        return e;
    }

    // ---- token helpers

    private Token peek() {
        return pos < toks.size() ? toks.get(pos) : LatexLexer.END;
    }

    private Token peek(int ahead) {
        return pos + ahead < toks.size() ? toks.get(pos + ahead) : LatexLexer.END;
    }

    private Token next() {
        Token t = peek();
        pos++;
        return t;
    }

    private boolean accept(String s) {
        if (peek().is(s)) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(String s) {
        if (!accept(s)) {
            throw new ParseFailure("expected '" + s + "' but found '" + peek() + "'");
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw new ParseFailure("answer nested too deeply");
        }
        if ((depth & 7) == 0) {
            deadline.check();
        }
    }

    // ---- lists: "a, b; c" at the top level

    private Expr top() {
        List<List<Expr>> groups = new ArrayList<>();
        List<Expr> group = new ArrayList<>();
        boolean semicolon = false;
        while (true) {
            if (peek().kind() == Kind.END) {
                break;
            }
            if (peek().is(",")) {
                pos++;
                continue;
            }
            if (peek().is(";")) {
                pos++;
                semicolon = true;
                if (!group.isEmpty()) {
                    groups.add(group);
                }
                group = new ArrayList<>();
                continue;
            }
            group.add(relation());
            if (!(peek().is(",") || peek().is(";") || peek().kind() == Kind.END)) {
                throw new ParseFailure("unexpected '" + peek() + "'");
            }
        }
        if (!group.isEmpty()) {
            groups.add(group);
        }
        if (groups.isEmpty()) {
            throw new ParseFailure("empty answer");
        }
        if (semicolon && groups.size() > 1) {
            List<Expr> items = new ArrayList<>();
            for (List<Expr> g : groups) {
                items.add(g.size() == 1 ? g.get(0) : new Tuple(g, false));
            }
            return new SetOf(items);
        }
        List<Expr> items = groups.get(0);
        if (items.size() == 1) {
            return items.get(0);
        }
        // "p = 5, q = 2, p = 7, q = 2": a name given again starts the next solution
        List<List<Expr>> solutions = solutions(items);
        if (solutions != null) {
            return new SetOf(solutions.stream().map(g -> (Expr) new Tuple(g, false)).toList());
        }
        // "a = 4, -8, -10": one name given several values
        if (items.get(0) instanceof Rel r && r.op().equals("=")
                && items.subList(1, items.size()).stream().noneMatch(e -> e instanceof Rel || e instanceof Chain)) {
            List<Expr> values = new ArrayList<>();
            values.add(r.rhs());
            values.addAll(items.subList(1, items.size()));
            return new Rel("=", r.lhs(), new SetOf(values));
        }
        return new SetOf(items);
    }

    private static List<List<Expr>> solutions(List<Expr> items) {
        if (items.size() < 4) {
            return null;
        }
        List<List<Expr>> groups = new ArrayList<>();
        List<Expr> cur = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Expr e : items) {
            if (!(e instanceof Rel r && r.op().equals("=") && r.lhs() instanceof Sym s)) {
                return null;
            }
            if (!names.add(s.name())) {
                groups.add(cur);
                cur = new ArrayList<>();
                names.clear();
                names.add(s.name());
            }
            cur.add(e);
        }
        groups.add(cur);
        if (groups.size() < 2 || groups.stream().anyMatch(g -> g.size() != groups.get(0).size())) {
            return null;
        }
        return groups;
    }

    /** Items inside brackets, separated by commas or semicolons. */
    private List<Expr> innerList(String close1, String close2) {
        List<Expr> items = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t.kind() == Kind.END) {
                throw new ParseFailure("unclosed bracket");
            }
            if (t.is(close1) || t.is(close2)) {
                return items;
            }
            if (t.is(",") || t.is(";")) {
                pos++;
                continue;
            }
            items.add(relation());
        }
    }

    // ---- relations

    private String relOp() {
        Token t = peek();
        if (t.kind() == Kind.PUNCT || t.kind() == Kind.CMD) {
            String op = RELATIONS.get(t.text());
            if (op != null && !(t.kind() == Kind.PUNCT && t.text().equals("in"))) {
                return op;
            }
        }
        return null;
    }

    private Expr relation() {
        enter();
        try {
            Expr first = setExpr();
            String op = relOp();
            if (op == null) {
                return first;
            }
            List<Rel> links = new ArrayList<>();
            Expr lhs = first;
            while ((op = relOp()) != null) {
                pos++;
                Expr rhs = setExpr();
                links.add(new Rel(op, lhs, rhs));
                lhs = rhs;
            }
            return links.size() == 1 ? links.get(0) : new Chain(links);
        } finally {
            depth--;
        }
    }

    private Expr setExpr() {
        Expr left = additive();
        while (true) {
            String op = peek().is("cup") ? "union" : peek().is("cap") ? "intersect"
                    : peek().is("setminus") || peek().is("backslash") ? "minus" : null;
            if (op == null) {
                return left;
            }
            pos++;
            Expr right = additive();
            left = new SetOp(op, List.of(left, right));
        }
    }

    // ---- arithmetic

    private Expr additive() {
        enter();
        try {
            List<Expr> terms = new ArrayList<>();
            List<Boolean> plusMinus = new ArrayList<>();
            int sign = 1;
            boolean pm = false;
            if (accept("+")) {
                sign = 1;
            } else if (accept("-")) {
                sign = -1;
            } else if (accept("pm") || accept("mp")) {
                pm = true;
            }
            terms.add(sign < 0 ? Expr.neg(term()) : term());
            plusMinus.add(pm);
            while (true) {
                if (accept("+")) {
                    terms.add(term());
                    plusMinus.add(false);
                } else if (accept("-")) {
                    terms.add(Expr.neg(term()));
                    plusMinus.add(false);
                } else if (accept("pm") || accept("mp")) {
                    terms.add(term());
                    plusMinus.add(true);
                } else {
                    break;
                }
            }
            if (!plusMinus.contains(true)) {
                return terms.size() == 1 ? terms.get(0) : new Add(terms);
            }
            // a ± b is the set {a+b, a-b}
            List<List<Expr>> variants = new ArrayList<>();
            variants.add(new ArrayList<>());
            for (int i = 0; i < terms.size(); i++) {
                List<List<Expr>> nextVariants = new ArrayList<>();
                for (List<Expr> v : variants) {
                    List<Expr> a = new ArrayList<>(v);
                    a.add(terms.get(i));
                    nextVariants.add(a);
                    if (plusMinus.get(i)) {
                        List<Expr> b = new ArrayList<>(v);
                        b.add(Expr.neg(terms.get(i)));
                        nextVariants.add(b);
                    }
                }
                variants = nextVariants;
                if (variants.size() > 16) {
                    throw new ParseFailure("too many ± signs");
                }
            }
            List<Expr> elems = new ArrayList<>();
            for (List<Expr> v : variants) {
                elems.add(v.size() == 1 ? v.get(0) : new Add(v));
            }
            return new SetOf(elems);
        } finally {
            depth--;
        }
    }

    private boolean startsFactor(Token t) {
        return switch (t.kind()) {
            case NUM, LETTER -> true;
            case CMD -> !(RELATIONS.containsKey(t.text()) || t.text().equals("cup") || t.text().equals("cap")
                    || t.text().equals("setminus") || t.text().equals("backslash") || t.text().equals("pm")
                    || t.text().equals("mp") || t.text().equals("cdot") || t.text().equals("times") || t.text().equals("div")
                    || t.text().equals("end") || t.text().equals("rfloor") || t.text().equals("rceil")
                    || t.text().equals("right") || t.text().equals("mod") || t.text().equals("bmod") || t.text().equals("to"));
            case PUNCT -> t.text().equals("(") || t.text().equals("[") || t.text().equals("\\{") || t.text().equals("{")
                    || t.text().equals("|") && absDepth == 0 || t.text().equals("\\|");
            case END -> false;
        };
    }

    private Expr term() {
        enter();
        try {
            List<Expr> factors = new ArrayList<>();
            factors.add(unary());
            while (true) {
                Token t = peek();
                if (t.is("*") || t.is("cdot") || t.is("times") || t.is("ast")) {
                    pos++;
                    factors.add(unary());
                } else if (t.is("/") || t.is("div") || t.is(":")) {
                    pos++;
                    factors.add(new Pow(unary(), Expr.num(-1)));
                } else if (t.is("mod") || t.is("bmod")) {
                    pos++;
                    Expr m = unary();
                    Expr left = factors.size() == 1 ? factors.get(0) : new Mul(factors);
                    factors = new ArrayList<>(List.of(new Fn("mod", List.of(left, m))));
                } else if (startsFactor(t)) {
                    factors.add(postfix());
                } else {
                    break;
                }
            }
            return factors.size() == 1 ? factors.get(0) : new Mul(factors);
        } finally {
            depth--;
        }
    }

    private Expr unary() {
        enter();
        try {
            if (accept("-")) {
                return Expr.neg(unary());
            }
            if (accept("+")) {
                return unary();
            }
            return postfix();
        } finally {
            depth--;
        }
    }

    private Expr postfix() {
        Expr e = primary();
        while (true) {
            if (accept("!!")) {
                e = new Fn("factorial2", List.of(e));
            } else if (accept("!")) {
                e = new Fn("factorial", List.of(e));
            } else if (peek().is("^")) {
                pos++;
                e = new Pow(e, exponent());
            } else if (accept("\\%") || accept("%")) {
                e = new Percent(e);
            } else if (peek().is("'")) {
                pos++;
                e = new Fn("prime", List.of(e));
            } else {
                return e;
            }
        }
    }

    /** The argument of ^ or _: a braced group, or a single token (x^2, 10^-3 is tolerated as 10^{-3}). */
    private Expr exponent() {
        if (peek().is("{")) {
            return braced();
        }
        if (accept("-")) {
            return Expr.neg(single());
        }
        return single();
    }

    private Expr single() {
        Token t = peek();
        if (t.kind() == Kind.NUM) {
            pos++;
            // "^23" means ^{2}3 in LaTeX only for one digit; keep Math-Verify's reading of the whole number
            return number(t.text());
        }
        if (t.kind() == Kind.LETTER) {
            pos++;
            return new Sym(t.text().toLowerCase(Locale.ROOT));
        }
        return primary();
    }

    private Expr braced() {
        expect("{");
        Expr e = top(List.of("}"));
        expect("}");
        return e;
    }

    /** A group that may hold a comma list: {1,2} is a set, {x} is just x. */
    private Expr top(List<String> closers) {
        List<Expr> items = new ArrayList<>();
        while (!(peek().kind() == Kind.PUNCT && closers.contains(peek().text()))) {
            if (peek().kind() == Kind.END) {
                throw new ParseFailure("unclosed brace");
            }
            if (accept(",")) {
                continue;
            }
            items.add(relation());
        }
        if (items.isEmpty()) {
            throw new ParseFailure("empty group");
        }
        return items.size() == 1 ? items.get(0) : new SetOf(items);
    }

    private Expr number(String text) {
        if (text.endsWith(".") && peek().is("overline")) {
            pos++;
            String rep = rawGroup();
            if (!rep.matches("\\d{1,30}")) {
                throw new ParseFailure("bad repeating decimal");
            }
            return new Num(repeating(text.substring(0, text.length() - 1), "", rep), false);
        }
        if (text.contains(".") && peek().is("overline")) {
            pos++;
            String rep = rawGroup();
            if (!rep.matches("\\d{1,30}")) {
                throw new ParseFailure("bad repeating decimal");
            }
            int dot = text.indexOf('.');
            return new Num(repeating(text.substring(0, dot), text.substring(dot + 1), rep), false);
        }
        try {
            boolean decimal = text.contains(".");
            boolean plain = decimal && !text.contains("e") && !text.contains("E");
            return new Num(Rational.parseDecimal(text), decimal, plain ? text.length() - text.indexOf('.') - 1 : -1);
        } catch (NumberFormatException e) {
            throw new ParseFailure("bad number " + text);
        }
    }

    /** int.fixed(rep)(rep)... as an exact fraction. */
    private static Rational repeating(String intPart, String fixed, String rep) {
        Rational whole = Rational.parseDecimal(intPart.isEmpty() ? "0" : intPart);
        BigInteger tenF = BigInteger.TEN.pow(fixed.length());
        Rational fixedPart = fixed.isEmpty() ? Rational.ZERO : new Rational(new BigInteger(fixed), tenF);
        BigInteger nines = BigInteger.TEN.pow(rep.length()).subtract(BigInteger.ONE);
        Rational repPart = new Rational(new BigInteger(rep), nines.multiply(tenF));
        return whole.add(fixedPart).add(repPart);
    }

    /** The raw text of a braced group or of the next token, for names and subscripts. */
    private String rawGroup() {
        if (!peek().is("{")) {
            Token t = next();
            if (t.kind() == Kind.END) {
                throw new ParseFailure("missing argument");
            }
            return t.text();
        }
        pos++;
        StringBuilder sb = new StringBuilder();
        int level = 1;
        while (true) {
            Token t = next();
            if (t.kind() == Kind.END) {
                throw new ParseFailure("unclosed brace");
            }
            if (t.is("{")) {
                level++;
            } else if (t.is("}")) {
                if (--level == 0) {
                    return sb.toString();
                }
            }
            sb.append(t.kind() == Kind.CMD ? "\\" + t.text() : t.text());
        }
    }

    /** A brace group, or a single token as in \frac12 and \sqrt3. */
    private Expr argument() {
        if (peek().is("{")) {
            return braced();
        }
        Token t = peek();
        if (t.kind() == Kind.NUM) {
            pos++;
            // \frac12: only the first digit belongs to the numerator
            if (t.text().length() > 1 && t.text().chars().allMatch(Character::isDigit)) {
                toks.set(pos - 1, new Token(Kind.NUM, t.text().substring(1)));
                pos--;
                return number(t.text().substring(0, 1));
            }
            return number(t.text());
        }
        return single();
    }

    // ---- primaries

    private Expr primary() {
        enter();
        try {
            deadline.check();
            Token t = next();
            switch (t.kind()) {
                case NUM -> {
                    Expr n = number(t.text());
                    // base subscripts such as 204_5 are names, not arithmetic
                    if (peek().is("_")) {
                        pos++;
                        return new Sym(t.text() + "_" + rawGroup());
                    }
                    // a mixed number: 2\frac{1}{2} is 5/2
                    if (peek().is("frac") && n instanceof Num whole && whole.value().isInteger() && !whole.decimal()) {
                        int save = pos;
                        pos++;
                        Expr a = argument();
                        Expr b = argument();
                        if (a instanceof Num na && b instanceof Num nb && na.value().signum() > 0 && nb.value().signum() > 0
                                && na.value().compareTo(nb.value()) < 0) {
                            Rational frac = na.value().divide(nb.value());
                            Rational v = whole.value().signum() < 0 ? whole.value().subtract(frac) : whole.value().add(frac);
                            return new Num(v, false);
                        }
                        pos = save;
                    }
                    return n;
                }
                case LETTER -> {
                    return letter(t.text());
                }
                case CMD -> {
                    return command(t.text());
                }
                case PUNCT -> {
                    return punct(t.text());
                }
                default -> throw new ParseFailure("unexpected end of answer");
            }
        } finally {
            depth--;
        }
    }

    /** A name with its subscript, if one follows: a_{37} is the name "a_37". */
    private String subscripted(String name) {
        if (!accept("_")) {
            return name;
        }
        return name + "_" + rawGroup().replace("{", "").replace("}", "").toLowerCase(Locale.ROOT);
    }

    private Expr letter(String l) {
        String name = subscripted(l.toLowerCase(Locale.ROOT));
        // f(x), g(2), P(x), W(n): a function of its arguments
        if (peek().is("(") && (Character.isUpperCase(l.charAt(0)) || "fgh".contains(l)) ) {
            pos++;
            List<Expr> args = innerList(")", ")");
            expect(")");
            return new Fn("f:" + name, args);
        }
        return new Sym(name);
    }

    private Expr punct(String p) {
        switch (p) {
            case "(", "[" -> {
                List<Expr> items = innerList(")", "]");
                String close = next().text();
                if (items.isEmpty()) {
                    throw new ParseFailure("empty brackets");
                }
                if (items.size() == 1) {
                    return items.get(0);
                }
                boolean loOpen = p.equals("(");
                boolean hiOpen = close.equals(")");
                if (items.size() == 2 && !(loOpen && hiOpen)) {
                    return new Interval(items.get(0), items.get(1), loOpen, hiOpen);
                }
                return new Tuple(items, loOpen && hiOpen);
            }
            case "\\{" -> {
                List<Expr> items = innerList("\\}", "\\}");
                expect("\\}");
                return new SetOf(items);
            }
            case "{" -> {
                List<Expr> items = innerList("}", "}");
                expect("}");
                if (items.size() == 1) {
                    return items.get(0);
                }
                return new SetOf(items);
            }
            case "|", "\\|" -> {
                absDepth++;
                Expr inner;
                try {
                    inner = additive();
                } finally {
                    absDepth--;
                }
                expect(p);
                return new Fn("abs", List.of(inner));
            }
            default -> throw new ParseFailure("unexpected '" + p + "'");
        }
    }

    private Expr command(String c) {
        switch (c) {
            case "frac", "over" -> {
                Expr a = argument();
                Expr b = argument();
                if (a instanceof Num na && b instanceof Num nb) {
                    if (nb.value().signum() == 0) {
                        return new Mul(List.of(a, new Pow(b, Expr.num(-1))));
                    }
                    return new Num(na.value().divide(nb.value()), na.decimal() || nb.decimal());
                }
                return new Mul(List.of(a, new Pow(b, Expr.num(-1))));
            }
            case "sqrt" -> {
                Expr index = Expr.num(2);
                if (accept("[")) {
                    index = relation();
                    expect("]");
                }
                Expr radicand = argument();
                return new Pow(radicand, new Pow(index, Expr.num(-1)));
            }
            case "binom", "choose" -> {
                return new Fn("binom", List.of(argument(), argument()));
            }
            case "pi" -> {
                return new Sym("pi");
            }
            case "infty", "infinity" -> {
                return new Sym("oo");
            }
            case "emptyset", "varnothing" -> {
                return new SetOf(List.of());
            }
            case "text", "textsc" -> {
                String raw = rawGroup().strip();
                String words = raw.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
                if (words.matches("\\(([a-z])\\)")) {
                    words = words.substring(1, 2);
                }
                if (words.matches("-?\\d+(\\.\\d+)?")) {
                    return number(words);
                }
                java.util.regex.Matcher unit = NUMBER_WITH_UNIT.matcher(raw);
                if (unit.matches()) {
                    return number(unit.group(1)); // \text{4 apples} (the group's spaces are gone)
                }
                return new Text(words);
            }
            case "boxed", "fbox", "overline", "underline", "mathbb", "mathcal", "hat", "vec", "bar", "widehat",
                    "overrightarrow", "mathscr", "mathfrak", "tilde", "widetilde", "dot", "ddot" -> {
                if (c.equals("mathbb")) {
                    String set = rawGroup();
                    return new Sym("set_" + set.toLowerCase(Locale.ROOT));
                }
                if (c.equals("boxed") || c.equals("fbox")) {
                    return braced();
                }
                String raw = rawGroup();
                return new Sym(raw.replaceAll("[\\s{}]", "").toLowerCase(Locale.ROOT));
            }
            case "sum", "prod", "lim", "int", "oint", "bigcup", "bigcap" -> {
                // kept whole and opaque: equal only to the same written form, but a derivation
                // "\sum_{k=1}^{n} k = 55" still yields its value
                String sub = "";
                String sup = "";
                if (accept("_")) {
                    sub = rawGroup();
                }
                if (accept("^")) {
                    sup = rawGroup();
                }
                if (sub.isEmpty() && accept("_")) {
                    sub = rawGroup();
                }
                return new Fn(c, List.of(new Text(sub.replace(" ", "")), new Text(sup.replace(" ", "")), term()));
            }
            case "lfloor" -> {
                Expr e = relation();
                expect("rfloor");
                return new Fn("floor", List.of(e));
            }
            case "lceil" -> {
                Expr e = relation();
                expect("rceil");
                return new Fn("ceil", List.of(e));
            }
            case "begin" -> {
                return environment();
            }
            default -> {
                if (FUNCTIONS.contains(c)) {
                    return function(c);
                }
                if (GREEK.contains(c)) {
                    return new Sym(subscripted(c.toLowerCase(Locale.ROOT).replace("var", "")));
                }
                if (c.equals("e")) {
                    return new Sym("e");
                }
                if (RELATIONS.containsKey(c) || c.equals("end") || c.equals("right")) {
                    throw new ParseFailure("unexpected \\" + c);
                }
                // an unknown command reads as a name, as Math-Verify's parser does
                return new Sym("\\" + c.toLowerCase(Locale.ROOT));
            }
        }
    }

    private Expr function(String name) {
        String f = switch (name) {
            case "ln" -> "log";
            case "lg" -> "log10";
            default -> name;
        };
        Expr base = null;
        if (f.equals("log") && peek().is("_")) {
            pos++;
            base = exponent();
        }
        Expr power = null;
        if (peek().is("^")) {
            pos++;
            power = exponent();
        }
        List<Expr> args;
        if (peek().is("(")) {
            pos++;
            args = innerList(")", ")");
            expect(")");
        } else if (peek().is("{")) {
            args = List.of(braced());
        } else {
            // \sin x, \log 8, \sin 2x: one factor, with following letters or numbers
            List<Expr> parts = new ArrayList<>();
            parts.add(postfix());
            while (peek().kind() == Kind.LETTER || peek().kind() == Kind.NUM) {
                parts.add(postfix());
            }
            args = List.of(parts.size() == 1 ? parts.get(0) : new Mul(parts));
        }
        if (args.isEmpty()) {
            throw new ParseFailure("function without argument");
        }
        Expr call;
        if (base != null) {
            call = new Mul(List.of(new Fn("log", args), new Pow(new Fn("log", List.of(base)), Expr.num(-1))));
        } else {
            call = new Fn(f, args);
        }
        if (power != null) {
            if (power instanceof Num n && n.value().equals(Rational.of(-1)) && Set.of("sin", "cos", "tan").contains(f)) {
                return new Fn("arc" + f, args);
            }
            return new Pow(call, power);
        }
        return call;
    }

    private Expr environment() {
        String env = rawGroup();
        if (!Set.of("pmatrix", "bmatrix", "matrix", "vmatrix", "Bmatrix", "smallmatrix", "array", "cases").contains(env)) {
            throw new ParseFailure("environment " + env);
        }
        if (env.equals("array") && peek().is("{")) {
            rawGroup(); // column spec
        }
        List<List<Expr>> rows = new ArrayList<>();
        List<Expr> row = new ArrayList<>();
        while (true) {
            if (peek().kind() == Kind.END) {
                throw new ParseFailure("unclosed " + env);
            }
            if (peek().is("end")) {
                pos++;
                rawGroup();
                break;
            }
            if (accept("&")) {
                continue;
            }
            if (accept("\\\\")) {
                if (!row.isEmpty()) {
                    rows.add(row);
                }
                row = new ArrayList<>();
                continue;
            }
            row.add(relation());
        }
        if (!row.isEmpty()) {
            rows.add(row);
        }
        if (rows.isEmpty() || rows.stream().anyMatch(r -> r.size() != rows.get(0).size())) {
            throw new ParseFailure("ragged matrix");
        }
        Matrix m = new Matrix(rows);
        if (env.equals("vmatrix")) {
            return new Fn("det", List.of(m));
        }
        return m;
    }
}
