package dev.arbiter.verify.math;

import dev.arbiter.verify.math.Expr.Add;
import dev.arbiter.verify.math.Expr.Chain;
import dev.arbiter.verify.math.Expr.Fn;
import dev.arbiter.verify.math.Expr.Interval;
import dev.arbiter.verify.math.Expr.Matrix;
import dev.arbiter.verify.math.Expr.Mul;
import dev.arbiter.verify.math.Expr.Percent;
import dev.arbiter.verify.math.Expr.Pow;
import dev.arbiter.verify.math.Expr.Rel;
import dev.arbiter.verify.math.Expr.SetOf;
import dev.arbiter.verify.math.Expr.SetOp;
import dev.arbiter.verify.math.Expr.Sym;
import dev.arbiter.verify.math.Expr.Tuple;
import java.util.List;
import java.util.Map;

/** Substitutes symbol names throughout an expression (the non-strict mode's renaming). */
final class Rename {
    private Rename() {}

    static Expr apply(Expr e, Map<String, String> map) {
        return switch (e) {
            case Sym s -> map.containsKey(s.name()) ? new Sym(map.get(s.name())) : s;
            case Add a -> new Add(all(a.terms(), map));
            case Mul m -> new Mul(all(m.factors(), map));
            case Pow p -> new Pow(apply(p.base(), map), apply(p.exp(), map));
            case Fn f -> new Fn(f.name(), all(f.args(), map));
            case Percent p -> new Percent(apply(p.of(), map));
            case Rel r -> new Rel(r.op(), apply(r.lhs(), map), apply(r.rhs(), map));
            case Chain c -> new Chain(c.links().stream().map(l -> (Rel) apply(l, map)).toList());
            case SetOf s -> new SetOf(all(s.elems(), map), s.alternatives());
            case Tuple t -> new Tuple(all(t.elems(), map), t.parens());
            case Interval i -> new Interval(apply(i.lo(), map), apply(i.hi(), map), i.loOpen(), i.hiOpen());
            case SetOp s -> new SetOp(s.op(), all(s.args(), map));
            case Matrix m -> new Matrix(m.rows().stream().map(r -> all(r, map)).toList());
            default -> e;
        };
    }

    private static List<Expr> all(List<Expr> xs, Map<String, String> map) {
        return xs.stream().map(x -> apply(x, map)).toList();
    }
}
