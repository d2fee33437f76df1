package dev.arbiter.inference;

/**
 * A model's tokenizer, for counting and cutting text in tokens: thinking budgets are set in the
 * model's own tokens, so a budget of B means B tokens to the model, not B words.
 */
public interface TokenCodec {
    /** The text's token ids, without special tokens added. */
    int[] encode(String text);

    /** The text of these ids. */
    String decode(int[] ids);
}
