package dev.arbiter.inference.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a GPT-2 / Qwen-style byte-level BPE tokenizer.json: the 256 byte symbols, merges learned from
 * a small built-in text, then special tokens. Tiny test models use it so that the real Hugging Face
 * tokenizer code path runs.
 */
public final class ByteLevelBpe {
    private ByteLevelBpe() {}

    static final String CORPUS = """
            The answer is 42. Let us think step by step. First, we compute the sum of the first ten integers,
            which is 55. Then we multiply by 2 to get 110. Therefore the final answer is \\boxed{110}.
            Wait, let me check that again. The problem asks for the remainder when 2024 is divided by 7.
            Since 7 times 289 is 2023, the remainder is 1. So the answer is \\boxed{1}.
            def solve():
                n = int(input())
                print(n * (n + 1) // 2)
            if __name__ == "__main__":
                solve()
            Consider the triangle with sides 3, 4 and 5. It is a right triangle because 9 + 16 = 25.
            The probability that a fair coin lands heads twice in a row is 1/4. Hmm, but maybe there is
            another way to see this. Let x be the number of apples; then 3x + 2 = 17 gives x = 5.
            """;

    /** The byte-to-character map of byte-level BPE: printable bytes stand for themselves, others move above 255. */
    static char[] byteChars() {
        char[] map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char) b : (char) next++;
        }
        return map;
    }

    /**
     * @param merges how many merges to learn (fewer if the text runs out of pairs)
     * @param specials special tokens, given ids after the merged symbols
     */
    public static ObjectNode build(int merges, List<String> specials) {
        char[] map = byteChars();
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(map[b]), b);
        }
        // words as the pre-tokenizer roughly splits them: a leading space stays with the word
        List<List<String>> words = new ArrayList<>();
        for (String w : CORPUS.split("(?=[ \\n])")) {
            List<String> syms = new ArrayList<>();
            for (byte x : w.getBytes(StandardCharsets.UTF_8)) {
                syms.add(String.valueOf(map[x & 0xff]));
            }
            words.add(syms);
        }
        List<String> mergeList = new ArrayList<>();
        for (int m = 0; m < merges; m++) {
            Map<String, Integer> counts = new HashMap<>();
            String best = null;
            int bestCount = 1;
            for (List<String> w : words) {
                for (int i = 0; i + 1 < w.size(); i++) {
                    String pair = w.get(i) + " " + w.get(i + 1);
                    int c = counts.merge(pair, 1, Integer::sum);
                    if (c > bestCount || (c == bestCount && best != null && pair.compareTo(best) < 0)) {
                        bestCount = c;
                        best = pair;
                    }
                }
            }
            if (best == null) {
                break;
            }
            String[] ab = best.split(" ", 2);
            String merged = ab[0] + ab[1];
            mergeList.add(best);
            vocab.putIfAbsent(merged, vocab.size());
            for (List<String> w : words) {
                for (int i = 0; i + 1 < w.size(); i++) {
                    if (w.get(i).equals(ab[0]) && w.get(i + 1).equals(ab[1])) {
                        w.set(i, merged);
                        w.remove(i + 1);
                    }
                }
            }
        }
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("version", "1.0").putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        int id = vocab.size();
        for (String s : specials) {
            added.addObject().put("id", id++).put("content", s).put("single_word", false).put("lstrip", false).put("rstrip", false)
                    .put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", true);
        root.putObject("post_processor").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", false).put("use_regex", true);
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", false);
        ObjectNode v = model.putObject("vocab");
        vocab.forEach(v::put);
        ArrayNode ml = model.putArray("merges");
        mergeList.forEach(ml::add);
        return root;
    }

    /** Ids the built tokenizer gives its special tokens, in order. */
    public static int firstSpecialId(ObjectNode tokenizerJson) {
        return tokenizerJson.path("added_tokens").path(0).path("id").asInt();
    }
}
