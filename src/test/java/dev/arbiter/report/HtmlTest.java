package dev.arbiter.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HtmlTest {
    @Test
    void escapedTextAlwaysEncodesToUtf8() throws Exception {
        String pair = "\ud83d\ude00";
        String cut = pair.substring(1) + " <b> " + pair + " \ud800";
        String html = Html.esc(cut);
        assertThat(html).isEqualTo("\ufffd &lt;b&gt; " + pair + " \ufffd");
        StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(html)); // throws on a lone surrogate
    }
}
