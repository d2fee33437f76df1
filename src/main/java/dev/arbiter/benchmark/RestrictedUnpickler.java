package dev.arbiter.benchmark;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the data-only subset of Python's pickle format that LiveCodeBench's test archives use:
 * strings, dicts, lists, small ints, booleans and None. Every opcode that could name a class or call
 * a function (GLOBAL, REDUCE, BUILD, ...) is refused, so a hostile archive cannot do more than fail.
 */
final class RestrictedUnpickler {
    private static final Object MARK = new Object();

    private final ByteBuffer in;
    private final Deque<Object> stack = new ArrayDeque<>();
    private final List<Object> memo = new ArrayList<>();

    private RestrictedUnpickler(byte[] data) {
        this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Returns String, Map, List, Long, Boolean or null. */
    static Object load(byte[] data) {
        return new RestrictedUnpickler(data).run();
    }

    private Object run() {
        while (true) {
            if (!in.hasRemaining()) {
                throw new IllegalArgumentException("pickle ends without STOP");
            }
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> in.get(); // PROTO
                case 0x95 -> in.getLong(); // FRAME: a size hint only
                case '.' -> { // STOP
                    if (stack.size() != 1) {
                        throw new IllegalArgumentException("pickle stack holds " + stack.size() + " items at STOP");
                    }
                    return unwrap(stack.pop());
                }
                case '(' -> stack.push(MARK);
                case '}' -> stack.push(new LinkedHashMap<String, Object>());
                case ']' -> stack.push(new ArrayList<>());
                case 'N' -> stack.push(Null.INSTANCE);
                case 0x88 -> stack.push(Boolean.TRUE);
                case 0x89 -> stack.push(Boolean.FALSE);
                case 'K' -> stack.push((long) (in.get() & 0xff));
                case 'M' -> stack.push((long) (in.getShort() & 0xffff));
                case 'J' -> stack.push((long) in.getInt());
                case 0x8c -> stack.push(string(in.get() & 0xff)); // SHORT_BINUNICODE
                case 'X' -> stack.push(string(Integer.toUnsignedLong(in.getInt()))); // BINUNICODE
                case 0x8d -> stack.push(string(in.getLong())); // BINUNICODE8
                case 0x94 -> memo.add(peek()); // MEMOIZE
                case 'q' -> put(in.get() & 0xff); // BINPUT
                case 'r' -> put(Integer.toUnsignedLong(in.getInt())); // LONG_BINPUT
                case 'h' -> stack.push(get(in.get() & 0xff)); // BINGET
                case 'j' -> stack.push(get(Integer.toUnsignedLong(in.getInt()))); // LONG_BINGET
                case 's' -> { // SETITEM
                    Object value = pop();
                    Object key = pop();
                    dict(peek()).put(key(key), unwrap(value));
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popToMark();
                    if (items.size() % 2 != 0) {
                        throw new IllegalArgumentException("SETITEMS with an odd number of items");
                    }
                    Map<String, Object> d = dict(peek());
                    for (int i = 0; i < items.size(); i += 2) {
                        d.put(key(items.get(i)), unwrap(items.get(i + 1)));
                    }
                }
                case 'a' -> { // APPEND
                    Object value = pop();
                    list(peek()).add(unwrap(value));
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popToMark();
                    List<Object> l = list(peek());
                    items.forEach(v -> l.add(unwrap(v)));
                }
                default -> throw new IllegalArgumentException(String.format(
                        "pickle opcode 0x%02x at byte %d is not allowed (only plain data is accepted)", op, in.position() - 1));
            }
        }
    }

    private String string(long length) {
        if (length > in.remaining()) {
            throw new IllegalArgumentException("pickle string of " + length + " bytes runs past the end");
        }
        byte[] b = new byte[(int) length];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private void put(long index) {
        while (memo.size() <= index) {
            memo.add(null);
        }
        memo.set((int) index, peek());
    }

    private Object get(long index) {
        if (index >= memo.size() || memo.get((int) index) == null) {
            throw new IllegalArgumentException("pickle refers to memo slot " + index + " that was never set");
        }
        return memo.get((int) index);
    }

    private Object peek() {
        if (stack.isEmpty()) {
            throw new IllegalArgumentException("pickle stack underflow");
        }
        return stack.peek();
    }

    private Object pop() {
        Object o = peek();
        stack.pop();
        if (o == MARK) {
            throw new IllegalArgumentException("pickle popped a MARK as a value");
        }
        return o;
    }

    private List<Object> popToMark() {
        List<Object> items = new ArrayList<>();
        while (true) {
            if (stack.isEmpty()) {
                throw new IllegalArgumentException("pickle has no MARK to pop to");
            }
            Object o = stack.pop();
            if (o == MARK) {
                break;
            }
            items.add(0, o);
        }
        return items;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> dict(Object o) {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException("pickle SETITEM on a " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        if (o instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new IllegalArgumentException("pickle APPEND on a " + describe(o));
    }

    private static String key(Object o) {
        if (o instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("pickle dict key is a " + describe(o) + ", only strings are accepted");
    }

    private static Object unwrap(Object o) {
        return o == Null.INSTANCE ? null : o;
    }

    private static String describe(Object o) {
        return o == null || o == Null.INSTANCE ? "None" : o.getClass().getSimpleName();
    }

    /** Python None on the stack, since the stack cannot hold Java null. */
    private enum Null {
        INSTANCE
    }
}
