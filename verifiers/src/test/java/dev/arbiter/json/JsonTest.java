package dev.arbiter.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JSON lines hold whatever a program printed and still encode to UTF-8. */
class JsonTest {
    private static final String HIGH = "\ud800";
    private static final String LOW = "\udc80";
    private static final String PAIR = "\ud83d\ude00"; // 😀

    /** Encodes as a strict writer does (Files.newBufferedWriter): throws on anything unmappable. */
    private static byte[] strictUtf8(String s) throws CharacterCodingException {
        ByteBuffer b = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(s));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static void roundTrips(String text) throws Exception {
        String line = Json.line(Map.of("stdout", text, "k" + text, 1));
        byte[] bytes = strictUtf8(line);
        assertThat(line).doesNotContain("\n");
        JsonNode back = Json.mapper().readTree(bytes);
        assertThat(back.get("stdout").asText()).isEqualTo(text);
        assertThat(back.get("k" + text).asInt()).isEqualTo(1);
        // Pretty output goes through the same escaping.
        assertThat(Json.mapper().readTree(strictUtf8(Json.pretty(Map.of("stdout", text)))).get("stdout").asText()).isEqualTo(text);
    }

    @Test
    void aLoneHighSurrogateIsEscapedAndReadsBack() throws Exception {
        roundTrips(HIGH + " 3");
        roundTrips("ends with " + HIGH);
        assertThat(Json.line(Map.of("s", "x" + HIGH))).isEqualTo("{\"s\":\"x\\uD800\"}");
    }

    @Test
    void aLoneLowSurrogateIsEscapedAndReadsBack() throws Exception {
        roundTrips(LOW + " 3");
        assertThat(Json.line(Map.of("s", LOW + " 3"))).isEqualTo("{\"s\":\"\\uDC80 3\"}");
    }

    @Test
    void aValidPairStaysAsItIs() throws Exception {
        roundTrips(PAIR);
        assertThat(Json.line(Map.of("s", PAIR))).isEqualTo("{\"s\":\"" + PAIR + "\"}");
        assertThat(strictUtf8(Json.line(Map.of("s", PAIR)))).containsSequence(0xF0, 0x9F, 0x98, 0x80);
    }

    @Test
    void mixedLoneAndPairedSurrogates() throws Exception {
        // low before high is two lone ones; a high followed by a pair keeps the pair whole
        String mixed = LOW + HIGH + " é " + PAIR + HIGH + PAIR + " " + LOW + LOW + "\\u0041 \"q\" " + HIGH;
        roundTrips(mixed);
        String line = Json.line(Map.of("s", mixed));
        assertThat(line).contains("\\uDC80\\uD800 é " + PAIR + "\\uD800" + PAIR + " \\uDC80\\uDC80");
        assertThat(line.chars().filter(c -> Character.isSurrogate((char) c)).count()).isEqualTo(4); // the two pairs, raw
    }

    @Test
    void textWithoutSurrogatesIsUntouched() {
        String plain = "{\"a\":\"b é ü 中\"}";
        assertThat(Json.escapeLoneSurrogates(plain)).isSameAs(plain);
    }
}
