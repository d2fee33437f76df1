package dev.arbiter.verify.code;

import java.math.BigDecimal;

/**
 * CodeContests' output checker: split both outputs on whitespace, compare token by token ignoring
 * case, and accept numbers that differ by at most 1e-5 absolute.
 */
public final class TolerantChecker {
    private static final BigDecimal TOLERANCE = new BigDecimal("1e-5");

    private TolerantChecker() {}

    public static boolean matches(String actual, String expected) {
        String[] a = tokens(actual);
        String[] b = tokens(expected);
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i].equalsIgnoreCase(b[i])) {
                continue;
            }
            BigDecimal x = number(a[i]);
            BigDecimal y = number(b[i]);
            if (x == null || y == null || x.subtract(y).abs().compareTo(TOLERANCE) > 0) {
                return false;
            }
        }
        return true;
    }

    private static String[] tokens(String s) {
        String t = s.strip();
        return t.isEmpty() ? new String[0] : t.split("[ \\n\\t\\r\\u000B\\f]+");
    }

    private static BigDecimal number(String token) {
        try {
            return new BigDecimal(token);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
