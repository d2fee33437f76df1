package dev.arbiter.inference.engine;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model folder's tokenizer.json (through DJL's Hugging Face tokenizers), its chat template from
 * tokenizer_config.json (rendered by Jinjava with Hugging Face's trim/lstrip settings), and the
 * token ids that end a sequence.
 */
public final class ModelTokenizer implements AutoCloseable {
    /** One chat message. */
    public record Message(String role, String content) {}

    private final HuggingFaceTokenizer tokenizer;
    private final String chatTemplate;
    /** Where the template came from, for its errors. */
    private final String templateSource;
    private final Map<String, Object> specials = new HashMap<>();
    private final Set<Integer> eos = new LinkedHashSet<>();
    private final int vocabSize;
    private final Jinjava jinja;

    private ModelTokenizer(Path dir, ModelConfig cfg, Path templateFile) {
        Path tokFile = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokFile)) {
            throw new ModelException(dir + " has no tokenizer.json");
        }
        try {
            JsonNode tok = Json.mapper().readTree(Files.readString(tokFile));
            vocabSize = vocabSize(tok);
            tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(tokFile).optAddSpecialTokens(false)
                    .optTruncation(false).optPadding(false).build();
            JsonNode tc = Json.mapper().createObjectNode();
            Path tcFile = dir.resolve("tokenizer_config.json");
            if (Files.isRegularFile(tcFile)) {
                tc = Json.mapper().readTree(Files.readString(tcFile));
            }
            if (templateFile != null) {
                chatTemplate = readTemplate(templateFile);
                templateSource = "the chat template " + templateFile;
            } else {
                chatTemplate = template(tc.path("chat_template"));
                templateSource = "the chat template of " + tcFile;
            }
            for (String name : List.of("bos_token", "eos_token", "pad_token", "unk_token")) {
                JsonNode v = tc.path(name);
                String s = v.isTextual() ? v.asText() : v.path("content").asText(null);
                specials.put(name, s == null ? "" : s);
            }
            eos.addAll(cfg.eosTokenIds());
            Path gen = dir.resolve("generation_config.json");
            if (Files.isRegularFile(gen)) {
                JsonNode e = Json.mapper().readTree(Files.readString(gen)).path("eos_token_id");
                if (e.isArray()) {
                    e.forEach(x -> eos.add(x.asInt()));
                } else if (e.isInt()) {
                    eos.add(e.asInt());
                }
            }
            String eosText = (String) specials.get("eos_token");
            if (!eosText.isEmpty()) {
                long[] ids = tokenizer.encode(eosText, false, false).getIds();
                if (ids.length == 1) {
                    eos.add((int) ids[0]);
                }
            }
        } catch (IOException e) {
            throw new ModelException(dir + ": cannot read the tokenizer: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof ModelException) {
                throw e;
            }
            throw new ModelException(tokFile + ": the tokenizer did not load: " + e.getMessage(), e);
        }
        // A message is data: with nested interpretation on, a problem holding "{{" was parsed as a template.
        JinjavaConfig jc = JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true).withNestedInterpretationEnabled(false).build();
        jinja = new Jinjava(jc);
        jinja.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception", ModelTokenizer.class,
                "raiseException", String.class));
    }

    public static ModelTokenizer load(Path dir, ModelConfig cfg) {
        return new ModelTokenizer(dir, cfg, null);
    }

    /**
     * As {@link #load(Path, ModelConfig)}, with the chat template read from {@code templateFile} instead of
     * tokenizer_config.json's. The template is rendered once on a user message here, so one that cannot render fails now,
     * naming the file, rather than on every chat request.
     */
    public static ModelTokenizer load(Path dir, ModelConfig cfg, Path templateFile) {
        ModelTokenizer t = new ModelTokenizer(dir, cfg, templateFile);
        try {
            t.applyChatTemplate(List.of(new Message("user", "Hello.")), true);
        } catch (ModelException e) {
            t.close();
            throw e;
        }
        return t;
    }

    private static String readTemplate(Path file) {
        try {
            String t = Files.readString(file);
            if (t.isBlank()) {
                throw new ModelException("the chat template " + file + " is empty");
            }
            return t;
        } catch (IOException e) {
            throw new ModelException("cannot read the chat template " + file + ": " + e.getMessage(), e);
        }
    }

    /** Called by templates as raise_exception(msg). */
    public static String raiseException(String message) {
        throw new ModelException("the chat template refused the messages: " + message);
    }

    private static String template(JsonNode t) {
        if (t.isTextual()) {
            return t.asText();
        }
        if (t.isArray()) {
            for (JsonNode x : t) {
                if (x.path("name").asText().equals("default")) {
                    return x.path("template").asText();
                }
            }
        }
        return null;
    }

    private static int vocabSize(JsonNode tok) {
        int max = -1;
        for (JsonNode v : tok.path("model").path("vocab")) {
            max = Math.max(max, v.asInt());
        }
        if (tok.path("model").path("vocab").isArray()) { // Unigram: [[piece, score], ...]
            max = Math.max(max, tok.path("model").path("vocab").size() - 1);
        }
        for (JsonNode a : tok.path("added_tokens")) {
            max = Math.max(max, a.path("id").asInt());
        }
        if (max < 0) {
            throw new ModelException("tokenizer.json has an empty vocabulary");
        }
        return max + 1;
    }

    /** Ids the tokenizer can produce; the model's larger padded vocabulary is never sampled beyond this. */
    public int vocabSize() {
        return vocabSize;
    }

    public Set<Integer> eosTokenIds() {
        return Set.copyOf(eos);
    }

    /** Renders the messages with the model's chat template, ending with the assistant's turn opened. */
    public String applyChatTemplate(List<Message> messages) {
        return applyChatTemplate(messages, true);
    }

    /** Renders the messages with the model's chat template; {@code addGenerationPrompt} opens the assistant's turn. */
    public String applyChatTemplate(List<Message> messages, boolean addGenerationPrompt) {
        if (chatTemplate == null) {
            throw new ModelException("this model has no chat_template in tokenizer_config.json; use a raw completion, or serve it with --chat-template FILE");
        }
        Map<String, Object> ctx = new HashMap<>(specials);
        ctx.put("messages", messages.stream().map(m -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("role", m.role());
            o.put("content", m.content());
            return o;
        }).toList());
        ctx.put("add_generation_prompt", addGenerationPrompt);
        RenderResult r = jinja.renderForResult(chatTemplate, ctx);
        for (TemplateError e : r.getErrors()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                Throwable cause = e.getException();
                while (cause != null) {
                    if (cause instanceof ModelException me) {
                        throw me;
                    }
                    cause = cause.getCause();
                }
                throw new ModelException(templateSource + " failed" + (e.getLineno() > 0 ? " at line " + e.getLineno() : "") + ": " + e.getMessage());
            }
        }
        return r.getOutput();
    }

    /** Token ids of {@code text}; special tokens spelled in the text map to their ids. */
    public int[] encode(String text, boolean addSpecialTokens) {
        long[] ids = tokenizer.encode(text, addSpecialTokens, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    /** The ids of {@code text} and each token as the vocabulary spells it (a byte-level BPE writes a leading space as Ġ). */
    public record Tokens(int[] ids, List<String> strings) {}

    public Tokens tokens(String text, boolean addSpecialTokens) {
        var e = tokenizer.encode(text, addSpecialTokens, false);
        long[] ids = e.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return new Tokens(out, List.of(e.getTokens()));
    }

    public String decode(int[] ids, int from, int to, boolean skipSpecial) {
        long[] l = new long[to - from];
        for (int i = from; i < to; i++) {
            l[i - from] = ids[i];
        }
        return tokenizer.decode(l, skipSpecial);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
