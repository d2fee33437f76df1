package dev.arbiter.verify.math;

import java.util.ArrayList;
import java.util.List;

/** Splits normalized LaTeX into tokens: numbers, single letters, commands and punctuation. */
final class LatexLexer {
    private LatexLexer() {}

    enum Kind { NUM, LETTER, CMD, PUNCT, END }

    record Token(Kind kind, String text) {
        boolean is(String s) {
            return (kind == Kind.PUNCT || kind == Kind.CMD) && text.equals(s);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    static final Token END = new Token(Kind.END, "");
    static final int MAX_TOKENS = 5_000;

    static List<Token> lex(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (out.size() > MAX_TOKENS) {
                throw new ParseFailure("answer has too many tokens");
            }
            if (c >= '0' && c <= '9' || c == '.' && i + 1 < n && Character.isDigit(s.charAt(i + 1))) {
                int j = i;
                while (j < n && Character.isDigit(s.charAt(j))) {
                    j++;
                }
                if (j < n && s.charAt(j) == '.' && j + 1 < n && Character.isDigit(s.charAt(j + 1))) {
                    j++;
                    while (j < n && Character.isDigit(s.charAt(j))) {
                        j++;
                    }
                } else if (j < n && s.charAt(j) == '.' && j + 1 < n && s.startsWith("\\overline", j + 1)) {
                    j++; // "0.\overline{3}": the point belongs to the number
                }
                // scientific notation 1.5e3 / 2E-4 (not followed by a letter, so 2e is 2·e)
                if (j < n && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
                    int k = j + 1;
                    if (k < n && (s.charAt(k) == '-' || s.charAt(k) == '+')) {
                        k++;
                    }
                    int digits = k;
                    while (k < n && Character.isDigit(s.charAt(k))) {
                        k++;
                    }
                    if (k > digits && (k >= n || !Character.isLetter(s.charAt(k))) && k - digits <= 4) {
                        j = k;
                    }
                }
                out.add(new Token(Kind.NUM, s.substring(i, j)));
                i = j;
                continue;
            }
            if (c == '\\') {
                int j = i + 1;
                if (j < n && Character.isLetter(s.charAt(j))) {
                    while (j < n && Character.isLetter(s.charAt(j))) {
                        j++;
                    }
                    out.add(new Token(Kind.CMD, s.substring(i + 1, j)));
                } else if (j < n) {
                    j++;
                    String sym = s.substring(i, j);
                    out.add(new Token(Kind.PUNCT, sym)); // \{ \} \| \\ \%
                } else {
                    break;
                }
                i = j;
                continue;
            }
            if (Character.isLetter(c)) {
                out.add(new Token(Kind.LETTER, String.valueOf(c)));
                i++;
                continue;
            }
            if (i + 1 < n) {
                String two = s.substring(i, i + 2);
                boolean factorialThenEquals = two.equals("!=") && !out.isEmpty()
                        && (out.get(out.size() - 1).kind() == Kind.NUM || out.get(out.size() - 1).text().equals(")"));
                if (factorialThenEquals) {
                    out.add(new Token(Kind.PUNCT, "!"));
                    i++;
                    continue;
                }
                if (two.equals("<=") || two.equals(">=") || two.equals("!=") || two.equals("!!") || two.equals("**")
                        || two.equals("=<") || two.equals("=>")) {
                    out.add(new Token(Kind.PUNCT, two.equals("**") ? "^" : two.equals("=<") ? "<=" : two.equals("=>") ? ">=" : two));
                    i += 2;
                    continue;
                }
            }
            out.add(new Token(Kind.PUNCT, String.valueOf(c)));
            i++;
        }
        return out;
    }
}
