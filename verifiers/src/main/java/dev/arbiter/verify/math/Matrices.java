package dev.arbiter.verify.math;

import dev.arbiter.verify.math.Expr.Add;
import dev.arbiter.verify.math.Expr.Matrix;
import dev.arbiter.verify.math.Expr.Mul;
import java.util.ArrayList;
import java.util.List;

/** Matrix sums and products written in an answer, evaluated entry by entry. */
final class Matrices {
    private Matrices() {}

    /** The matrix an expression denotes, or the expression unchanged when it is not matrix arithmetic. */
    static Expr evaluate(Expr e) {
        if (e instanceof Add a && a.terms().stream().anyMatch(t -> evaluate(t) instanceof Matrix)) {
            Matrix acc = null;
            for (Expr t : a.terms()) {
                if (!(evaluate(t) instanceof Matrix m)) {
                    return e;
                }
                if (acc == null) {
                    acc = m;
                } else if (acc.height() != m.height() || acc.width() != m.width()) {
                    return e;
                } else {
                    List<List<Expr>> rows = new ArrayList<>();
                    for (int i = 0; i < m.height(); i++) {
                        List<Expr> row = new ArrayList<>();
                        for (int j = 0; j < m.width(); j++) {
                            row.add(new Add(List.of(acc.rows().get(i).get(j), m.rows().get(i).get(j))));
                        }
                        rows.add(row);
                    }
                    acc = new Matrix(rows);
                }
            }
            return acc;
        }
        if (e instanceof Mul mul && mul.factors().stream().anyMatch(t -> evaluate(t) instanceof Matrix)) {
            Expr acc = null;
            for (Expr f : mul.factors()) {
                Expr v = evaluate(f);
                if (acc == null) {
                    acc = v;
                } else if (acc instanceof Matrix a && v instanceof Matrix b) {
                    if (a.width() != b.height()) {
                        return e;
                    }
                    List<List<Expr>> rows = new ArrayList<>();
                    for (int i = 0; i < a.height(); i++) {
                        List<Expr> row = new ArrayList<>();
                        for (int j = 0; j < b.width(); j++) {
                            List<Expr> terms = new ArrayList<>();
                            for (int k = 0; k < a.width(); k++) {
                                terms.add(new Mul(List.of(a.rows().get(i).get(k), b.rows().get(k).get(j))));
                            }
                            row.add(new Add(terms));
                        }
                        rows.add(row);
                    }
                    acc = new Matrix(rows);
                } else if (acc instanceof Matrix a) {
                    acc = scale(a, v);
                } else if (v instanceof Matrix b) {
                    acc = scale(b, acc);
                } else {
                    acc = new Mul(List.of(acc, v));
                }
            }
            return acc;
        }
        return e;
    }

    private static Matrix scale(Matrix m, Expr k) {
        List<List<Expr>> rows = new ArrayList<>();
        for (List<Expr> r : m.rows()) {
            rows.add(r.stream().map(x -> (Expr) new Mul(List.of(k, x))).toList());
        }
        return new Matrix(rows);
    }
}
