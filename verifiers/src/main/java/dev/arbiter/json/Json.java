package dev.arbiter.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.EnumFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.UncheckedIOException;

/** The one configured Jackson mapper: lower-case enums, ISO dates, unknown fields tolerated on read. */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(EnumFeature.WRITE_ENUMS_TO_LOWERCASE)
            .build();

    private Json() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * One compact line of JSON, for JSON Lines output. It always encodes to UTF-8: a lone UTF-16
     * surrogate (what <code>print("&#92;udc80")</code> writes, say) is written as a <code>&#92;uXXXX</code> escape,
     * which reads back as the same lone surrogate; valid pairs stay as they are.
     */
    public static String line(Object value) {
        try {
            return escapeLoneSurrogates(MAPPER.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code json} with every lone surrogate replaced by its <code>&#92;uXXXX</code> escape. Jackson writes
     * surrogates raw into a String, and only inside string literals, so the escape is valid JSON
     * there; a strict UTF-8 encoder would otherwise fail on it.
     */
    static String escapeLoneSurrogates(String json) {
        int n = json.length();
        int i = 0;
        while (i < n && !Character.isSurrogate(json.charAt(i))) {
            i++;
        }
        if (i == n) {
            return json;
        }
        StringBuilder b = new StringBuilder(n + 16).append(json, 0, i);
        for (; i < n; i++) {
            char c = json.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(json.charAt(i + 1))) {
                b.append(c).append(json.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                b.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** Indented JSON; lone surrogates escaped as in {@link #line}. */
    public static String pretty(Object value) {
        try {
            return escapeLoneSurrogates(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
