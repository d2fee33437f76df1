package dev.arbiter.inference.engine;

/**
 * What a decoder forward needs from a left-padded batch of token rows: the ids, each token's rotary
 * position (its column less the row's padding), and the additive attention mask. Row r's first
 * {@code pads[r]} columns are padding that nothing attends to; a padding column attends to itself
 * only, so its softmax stays finite.
 *
 * @param mask [rows, t, start + t] of 0 or −∞, or null when not asked for
 */
public record PaddedInputs(long[] ids, float[] positions, float[] mask) {
    /**
     * @param tokens [rows][t], every row the same length
     * @param start the columns already in the cache before these
     */
    public static PaddedInputs of(int[][] tokens, int[] pads, int start, boolean withMask) {
        int b = tokens.length;
        int t = tokens[0].length;
        int total = start + t;
        long[] ids = new long[b * t];
        float[] pos = new float[b * t];
        float[] mask = withMask ? new float[b * t * total] : null;
        for (int r = 0; r < b; r++) {
            if (tokens[r].length != t) {
                throw new IllegalArgumentException("rows must be the same length");
            }
            for (int i = 0; i < t; i++) {
                int col = start + i;
                ids[r * t + i] = tokens[r][i];
                pos[r * t + i] = Math.max(0, col - pads[r]);
                if (withMask) {
                    int base = (r * t + i) * total;
                    for (int c = 0; c < total; c++) {
                        boolean visible = c == col || (c >= pads[r] && c <= col);
                        mask[base + c] = visible ? 0f : Float.NEGATIVE_INFINITY;
                    }
                }
            }
        }
        return new PaddedInputs(ids, pos, mask);
    }
}
