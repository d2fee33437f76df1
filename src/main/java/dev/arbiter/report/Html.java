package dev.arbiter.report;

/** What every page of the report shares: escaping, and the head and foot of a page that links the site's assets. */
final class Html {
    private Html() {}

    /** Text made safe inside an element or a quoted attribute; a lone surrogate, which has no UTF-8 form, becomes U+FFFD. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    boolean paired = Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                            : Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
                    sb.append(Character.isSurrogate(c) && !paired ? '\uFFFD' : c);
                }
            }
        }
        return sb.toString();
    }

    /**
     * A page's opening up to its body. {@code root} is the relative path from the page to the site's root
     * ("" or "../../"); {@code math} adds KaTeX and the Markdown renderer, which only problem pages need.
     */
    static StringBuilder open(String title, String root, boolean math) {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(esc(title)).append("</title>")
                .append("<link rel=\"stylesheet\" href=\"").append(root).append("assets/site.css\">");
        if (math) {
            sb.append("<link rel=\"stylesheet\" href=\"").append(root).append("assets/katex/katex.css\">")
                    .append("<script defer src=\"").append(root).append("assets/katex/katex.min.js\"></script>")
                    .append("<script defer src=\"").append(root).append("assets/katex/auto-render.min.js\"></script>")
                    .append("<script defer src=\"").append(root).append("assets/marked.min.js\"></script>");
        }
        sb.append("<script defer src=\"").append(root).append("assets/site.js\"></script></head>\n<body>");
        return sb;
    }

    static String close(StringBuilder sb) {
        return sb.append("\n<footer>Written by Arbiter. Every figure links to the samples behind it.</footer></body></html>\n").toString();
    }

    /** A share as a percentage with one decimal, or a dash for a figure that is not a number. */
    static String pct(double share) {
        return Double.isNaN(share) ? "–" : String.format(java.util.Locale.ROOT, "%.1f", 100 * share);
    }
}
