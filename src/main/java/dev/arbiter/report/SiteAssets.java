package dev.arbiter.report;

import dev.arbiter.run.RunException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The site's scripts and styles, copied from the class path into SITE/assets: the site's own, and KaTeX and
 * marked from their WebJars. Nothing is fetched when a page is viewed. KaTeX's fonts are inlined into its
 * stylesheet as data URLs because browsers refuse fonts loaded from file:// pages.
 */
final class SiteAssets {
    static final String KATEX = "META-INF/resources/webjars/katex/0.16.4/dist/";
    static final String MARKED = "META-INF/resources/webjars/marked/4.3.0/marked.min.js";
    private static final Pattern FONT = Pattern.compile("url\\(fonts/([\\w-]+)\\.woff2\\) format\\(\"woff2\"\\)(,url\\(fonts/[\\w-]+\\.woff\\) "
            + "format\\(\"woff\"\\))?(,url\\(fonts/[\\w-]+\\.ttf\\) format\\(\"truetype\"\\))?");

    private SiteAssets() {}

    static void write(Path site) throws IOException {
        Path assets = site.resolve("assets");
        Path katex = assets.resolve("katex");
        Files.createDirectories(katex);
        copy("dev/arbiter/report/site.css", assets.resolve("site.css"));
        copy("dev/arbiter/report/site.js", assets.resolve("site.js"));
        copy(MARKED, assets.resolve("marked.min.js"));
        copy(KATEX + "katex.min.js", katex.resolve("katex.min.js"));
        copy(KATEX + "contrib/auto-render.min.js", katex.resolve("auto-render.min.js"));
        Files.writeString(katex.resolve("katex.css"), inlineFonts(new String(read(KATEX + "katex.min.css"), StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8);
    }

    /** KaTeX's stylesheet with each font's woff2 file in place of its three file references. */
    static String inlineFonts(String css) {
        Matcher m = FONT.matcher(css);
        StringBuilder out = new StringBuilder(css.length() * 12);
        int fonts = 0;
        while (m.find()) {
            String data = Base64.getEncoder().encodeToString(read(KATEX + "fonts/" + m.group(1) + ".woff2"));
            m.appendReplacement(out, Matcher.quoteReplacement("url(data:font/woff2;base64," + data + ") format(\"woff2\")"));
            fonts++;
        }
        m.appendTail(out);
        if (fonts == 0 || out.indexOf("url(fonts/") >= 0) {
            throw new IllegalStateException("KaTeX's stylesheet refers to its fonts in a form this build does not know");
        }
        return out.toString();
    }

    private static void copy(String resource, Path to) throws IOException {
        Files.write(to, read(resource));
    }

    private static byte[] read(String resource) {
        try (InputStream in = SiteAssets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new RunException("this build lacks " + resource + " (a broken jar?)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new RunException("cannot read " + resource + " from this build: " + e.getMessage());
        }
    }
}
