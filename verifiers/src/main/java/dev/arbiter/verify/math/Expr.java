package dev.arbiter.verify.math;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A parsed answer. Numbers stay exact; a written decimal remembers that it was written as one,
 * since Math-Verify's rounding rule applies only then. {@code toString} is a canonical form used
 * for structural equality.
 */
sealed interface Expr {

    /**
     * An exact number. {@code decimal}: written with a decimal point (the float rule applies);
     * {@code places}: the digits written after that point, or -1 when not known.
     */
    record Num(Rational value, boolean decimal, int places) implements Expr {
        Num(Rational value, boolean decimal) {
            this(value, decimal, -1);
        }

        @Override
        public String toString() {
            return value.toString();
        }
    }

    /** A variable or named constant; names are lowercased. {@code e}, {@code pi}, {@code i}, {@code oo}. */
    record Sym(String name) implements Expr {
        @Override
        public String toString() {
            return name;
        }
    }

    record Add(List<Expr> terms) implements Expr {
        @Override
        public String toString() {
            return "(" + terms.stream().map(Object::toString).collect(Collectors.joining("+")) + ")";
        }
    }

    record Mul(List<Expr> factors) implements Expr {
        @Override
        public String toString() {
            return "(" + factors.stream().map(Object::toString).collect(Collectors.joining("*")) + ")";
        }
    }

    record Pow(Expr base, Expr exp) implements Expr {
        @Override
        public String toString() {
            return "(" + base + ")^(" + exp + ")";
        }
    }

    /** A function: known ones (sin, log, factorial, abs, ...) or an unknown f(x). */
    record Fn(String name, List<Expr> args) implements Expr {
        @Override
        public String toString() {
            return name + "(" + args.stream().map(Object::toString).collect(Collectors.joining(",")) + ")";
        }
    }

    /** x% of something: value x/100, kept apart so the lenient percent policy can see it. */
    record Percent(Expr of) implements Expr {
        @Override
        public String toString() {
            return "(" + of + ")%";
        }
    }

    /** A relation; op is one of = != < <= > >= ~ (approximately). */
    record Rel(String op, Expr lhs, Expr rhs) implements Expr {
        @Override
        public String toString() {
            return lhs + op + rhs;
        }
    }

    /** A chain such as a < x < b, as its links. */
    record Chain(List<Rel> links) implements Expr {
        @Override
        public String toString() {
            return links.stream().map(Object::toString).collect(Collectors.joining(" & "));
        }
    }

    /**
     * A finite set, kept in written order (a gold tuple is compared against it in that order).
     * {@code alternatives}: separate answers the text joined by "or" / "and", which are no tuple.
     */
    record SetOf(List<Expr> elems, boolean alternatives) implements Expr {
        SetOf(List<Expr> elems) {
            this(elems, false);
        }

        @Override
        public String toString() {
            return "{" + elems.stream().map(Object::toString).collect(Collectors.joining(",")) + "}";
        }
    }

    /** An ordered tuple; {@code parens} when written (a,b), which may also mean an open interval. */
    record Tuple(List<Expr> elems, boolean parens) implements Expr {
        @Override
        public String toString() {
            return "(" + elems.stream().map(Object::toString).collect(Collectors.joining(",")) + ")";
        }
    }

    record Interval(Expr lo, Expr hi, boolean loOpen, boolean hiOpen) implements Expr {
        @Override
        public String toString() {
            return (loOpen ? "(" : "[") + lo + "," + hi + (hiOpen ? ")" : "]");
        }
    }

    /** Set algebra: op is union, intersect or minus. */
    record SetOp(String op, List<Expr> args) implements Expr {
        @Override
        public String toString() {
            return op + args;
        }
    }

    record Matrix(List<List<Expr>> rows) implements Expr {
        int height() {
            return rows.size();
        }

        int width() {
            return rows.isEmpty() ? 0 : rows.get(0).size();
        }

        @Override
        public String toString() {
            return "M" + rows;
        }
    }

    /** Words from \text{...}, lowercased with spaces removed. */
    record Text(String s) implements Expr {
        @Override
        public String toString() {
            return "'" + s + "'";
        }
    }

    static Expr num(long n) {
        return new Num(Rational.of(n), false);
    }

    static Expr neg(Expr e) {
        if (e instanceof Num n) {
            return new Num(n.value().negate(), n.decimal(), n.places());
        }
        return new Mul(List.of(num(-1), e));
    }
}
