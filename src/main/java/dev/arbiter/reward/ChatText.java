package dev.arbiter.reward;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the model's response inside what a trainer sends: OpenRLHF's {@code query} is the templated
 * prompt plus the response, decoded with special tokens kept, sometimes with left padding. The
 * response is what follows the prompt when the prompt is given and found; else what follows the last
 * assistant header of a known chat template; pad and end-of-turn tokens are then removed. Else the
 * response cannot be told apart from the prompt, and grading the whole text would pay for an answer
 * that the prompt holds.
 */
public final class ChatText {
    /** The chat templates whose assistant header {@link #response} knows, as error messages name them. */
    public static final String KNOWN_TEMPLATES = "ChatML (Qwen), Llama 3, DeepSeek-R1, Gemma, Mistral";

    /** Assistant-turn openers of the {@link #KNOWN_TEMPLATES}, in that order. */
    private static final List<String> ASSISTANT_HEADERS = List.of(
            "<|im_start|>assistant\n", "<|start_header_id|>assistant<|end_header_id|>\n\n", "<|start_header_id|>assistant<|end_header_id|>",
            "<｜Assistant｜>", "<start_of_turn>model\n", "[/INST]");

    /** Special tokens of the same templates, with a generic {@code <|...|>} form for the rest. */
    private static final Pattern SPECIAL = Pattern.compile(
            "<\\|[a-z_]{1,40}(?:\\|[a-z_]{1,20})?\\|>|<｜[^｜<>]{1,40}｜>|</s>|<s>|<pad>|<unk>|<end_of_turn>|<start_of_turn>");

    private ChatText() {}

    /**
     * The response part of {@code query}; {@code prompt} may be null. Null when neither the prompt
     * nor a known template's assistant header is in the query.
     */
    public static String response(String query, String prompt) {
        String q = query == null ? "" : query;
        String body = null;
        if (prompt != null && !prompt.isEmpty()) {
            int at = q.indexOf(prompt);
            if (at >= 0) {
                body = q.substring(at + prompt.length());
            } else {
                // The trainer may have stripped the template's tokens from one and not the other.
                String bare = stripSpecial(prompt);
                String qb = stripSpecial(q);
                int at2 = bare.isEmpty() ? -1 : qb.indexOf(bare);
                if (at2 >= 0) {
                    return qb.substring(at2 + bare.length()).strip();
                }
            }
        }
        if (body == null) {
            int best = -1;
            int len = 0;
            for (String h : ASSISTANT_HEADERS) {
                int at = q.lastIndexOf(h);
                if (at > best) {
                    best = at;
                    len = h.length();
                }
            }
            if (best < 0) {
                return null;
            }
            body = q.substring(best + len);
        }
        return stripSpecial(body).strip();
    }

    /** {@code text} without chat special tokens. */
    public static String stripSpecial(String text) {
        Matcher m = SPECIAL.matcher(text);
        return m.find() ? m.replaceAll("") : text;
    }

    /** The last user turn of a templated prompt, without tokens; null when no template is recognized. */
    public static String userTurn(String text) {
        String[][] frames = {
            {"<|im_start|>user\n", "<|im_end|>"},
            {"<|start_header_id|>user<|end_header_id|>", "<|eot_id|>"},
            {"<｜User｜>", "<｜Assistant｜>"},
            {"<start_of_turn>user\n", "<end_of_turn>"},
            {"[INST]", "[/INST]"}};
        for (String[] f : frames) {
            int at = text.lastIndexOf(f[0]);
            if (at >= 0) {
                int from = at + f[0].length();
                int end = text.indexOf(f[1], from);
                return stripSpecial(end < 0 ? text.substring(from) : text.substring(from, end)).strip();
            }
        }
        return null;
    }
}
