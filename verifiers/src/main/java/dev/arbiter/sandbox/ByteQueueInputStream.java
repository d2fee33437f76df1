package dev.arbiter.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The container's stdin as Docker's attach pump reads it: blocks until a writer offers bytes.
 * Unlike PipedInputStream it does not fail when a writing thread ends, which virtual threads do
 * after every request.
 */
final class ByteQueueInputStream extends InputStream {
    private static final byte[] EOF = new byte[0];
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private byte[] current;
    private int pos;
    private volatile boolean closed;

    void offer(byte[] bytes) throws IOException {
        if (closed) {
            throw new IOException("sandbox stdin is closed");
        }
        queue.add(bytes.clone());
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        try {
            while (current == null || pos >= current.length) {
                if (current == EOF) {
                    return -1;
                }
                byte[] next = queue.poll(1, TimeUnit.SECONDS);
                if (next != null) {
                    current = next;
                    pos = 0;
                } else if (closed && queue.isEmpty()) {
                    return -1;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public void close() {
        closed = true;
        queue.add(EOF);
    }
}
