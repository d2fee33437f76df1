package dev.arbiter.verify.math;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/** An exact rational in lowest terms with a positive denominator. */
record Rational(BigInteger num, BigInteger den) implements Comparable<Rational> {
    static final Rational ZERO = new Rational(BigInteger.ZERO, BigInteger.ONE);
    static final Rational ONE = new Rational(BigInteger.ONE, BigInteger.ONE);
    static final Rational HUNDREDTH = new Rational(BigInteger.ONE, BigInteger.valueOf(100));
    /** Beyond this many bits a value is treated as not exactly computable (hostile input guard). */
    static final int MAX_BITS = 1 << 16;

    Rational {
        if (den.signum() == 0) {
            throw new ArithmeticException("zero denominator");
        }
        if (den.signum() < 0) {
            num = num.negate();
            den = den.negate();
        }
        BigInteger g = num.gcd(den);
        if (!g.equals(BigInteger.ONE) && g.signum() != 0) {
            num = num.divide(g);
            den = den.divide(g);
        }
        if (num.signum() == 0) {
            den = BigInteger.ONE;
        }
        if (num.bitLength() > MAX_BITS || den.bitLength() > MAX_BITS) {
            throw new TooLarge();
        }
    }

    static Rational of(long n) {
        return new Rational(BigInteger.valueOf(n), BigInteger.ONE);
    }

    static Rational of(BigInteger n) {
        return new Rational(n, BigInteger.ONE);
    }

    /** Parses a plain decimal such as "-12.50" or "1e-3" exactly. */
    static Rational parseDecimal(String s) {
        BigDecimal d = new BigDecimal(s);
        if (Math.abs((long) d.scale()) > 4000) {
            throw new TooLarge();
        }
        if (d.scale() <= 0) {
            return of(d.toBigIntegerExact());
        }
        return new Rational(d.unscaledValue(), BigInteger.TEN.pow(d.scale()));
    }

    boolean isInteger() {
        return den.equals(BigInteger.ONE);
    }

    int signum() {
        return num.signum();
    }

    Rational add(Rational o) {
        return new Rational(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den));
    }

    Rational subtract(Rational o) {
        return add(o.negate());
    }

    Rational multiply(Rational o) {
        return new Rational(num.multiply(o.num), den.multiply(o.den));
    }

    Rational divide(Rational o) {
        return new Rational(num.multiply(o.den), den.multiply(o.num));
    }

    Rational negate() {
        return new Rational(num.negate(), den);
    }

    Rational abs() {
        return signum() < 0 ? negate() : this;
    }

    /** this^e for an integer exponent, refusing results beyond {@link #MAX_BITS}. */
    Rational pow(int e) {
        if (e == 0) {
            return ONE;
        }
        if (e < 0) {
            return ONE.divide(pow(-e));
        }
        long bits = (long) Math.max(num.bitLength(), den.bitLength()) * e;
        if (bits > MAX_BITS) {
            throw new TooLarge();
        }
        return new Rational(num.pow(e), den.pow(e));
    }

    double toDouble() {
        if (num.bitLength() < 1000 && den.bitLength() < 1000) {
            return num.doubleValue() / den.doubleValue();
        }
        return new BigDecimal(num).divide(new BigDecimal(den), MathContext.DECIMAL64).doubleValue();
    }

    /** Rounded half-even to the given decimal places, as Math-Verify's float rule does. */
    BigDecimal round(int places) {
        return new BigDecimal(num).divide(new BigDecimal(den), places, RoundingMode.HALF_EVEN);
    }

    @Override
    public int compareTo(Rational o) {
        return num.multiply(o.den).compareTo(o.num.multiply(den));
    }

    @Override
    public String toString() {
        return isInteger() ? num.toString() : num + "/" + den;
    }

    /** Thrown when exact arithmetic would exceed the size guard. */
    static final class TooLarge extends RuntimeException {
        TooLarge() {
            super("value too large for exact arithmetic", null, false, false);
        }
    }
}
