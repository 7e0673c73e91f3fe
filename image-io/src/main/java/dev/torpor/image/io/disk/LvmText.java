package dev.torpor.image.io.disk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parser of LVM2's metadata text ({@code name { key = value ... }}, values are numbers, strings or lists) into
 * nested maps: sections are {@code Map}s, lists are {@code List}s, numbers {@code Long}s and strings {@code String}s.
 * Depth and size are capped; a syntax error names its character offset in the text.
 */
final class LvmText {
    static final int MAX_DEPTH = 32;
    static final int MAX_ITEMS = 200_000;
    private final String text;
    private int at;
    private int items;

    /** A syntax error at character {@code offset} of the text. */
    static final class SyntaxException extends Exception {
        final int offset;

        SyntaxException(int offset, String message) {
            super(message);
            this.offset = offset;
        }
    }

    private LvmText(String text) {
        this.text = text;
    }

    static Map<String, Object> parse(String text) throws SyntaxException {
        LvmText p = new LvmText(text);
        Map<String, Object> top = p.items(0, true);
        return top;
    }

    private Map<String, Object> items(int depth, boolean top) throws SyntaxException {
        if (depth > MAX_DEPTH) {
            throw new SyntaxException(at, "sections nested deeper than " + MAX_DEPTH);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        while (true) {
            skipSpace();
            if (at >= text.length() || text.charAt(at) == '\0') {
                if (!top) {
                    throw new SyntaxException(at, "the text ends inside a section");
                }
                return m;
            }
            if (text.charAt(at) == '}') {
                if (top) {
                    throw new SyntaxException(at, "'}' with no section open");
                }
                at++;
                return m;
            }
            String key = identifier();
            skipSpace();
            if (++items > MAX_ITEMS) {
                throw new SyntaxException(at, "more than " + MAX_ITEMS + " items");
            }
            if (peek() == '{') {
                at++;
                m.put(key, items(depth + 1, false));
            } else if (peek() == '=') {
                at++;
                m.put(key, value(depth));
            } else {
                throw new SyntaxException(at, "'=' or '{' expected after '" + key + "'");
            }
        }
    }

    private Object value(int depth) throws SyntaxException {
        skipSpace();
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (c == '[') {
            if (depth < 0) {
                throw new SyntaxException(at, "a list inside a list");
            }
            at++;
            List<Object> list = new ArrayList<>();
            while (true) {
                skipSpace();
                if (peek() == ']') {
                    at++;
                    return list;
                }
                if (++items > MAX_ITEMS) {
                    throw new SyntaxException(at, "more than " + MAX_ITEMS + " items");
                }
                Object v = value(-1); // inside a list: no list may open

                list.add(v);
                skipSpace();
                if (peek() == ',') {
                    at++;
                } else if (peek() != ']') {
                    throw new SyntaxException(at, "',' or ']' expected in a list");
                }
            }
        }
        int start = at;
        if (c == '-' || c == '+') {
            at++;
        }
        while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '.')) {
            at++;
        }
        String num = text.substring(start, at);
        try {
            return Long.parseLong(num.startsWith("+") ? num.substring(1) : num);
        } catch (NumberFormatException e) {
            if (num.matches("[-+]?\\d+\\.\\d*")) {
                return num; // a float (LVM writes none that matter here)
            }
            throw new SyntaxException(start, "a number, a string or a list expected");
        }
    }

    private String string() throws SyntaxException {
        int start = at++;
        StringBuilder s = new StringBuilder();
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == '"') {
                return s.toString();
            }
            if (c == '\\' && at < text.length()) {
                c = text.charAt(at++);
            }
            s.append(c);
        }
        throw new SyntaxException(start, "a string that does not end");
    }

    private String identifier() throws SyntaxException {
        int start = at;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-' || c == '+') {
                at++;
            } else {
                break;
            }
        }
        if (at == start) {
            throw new SyntaxException(at, "a name expected");
        }
        return text.substring(start, at);
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private void skipSpace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '#') {
                while (at < text.length() && text.charAt(at) != '\n') {
                    at++;
                }
            } else if (Character.isWhitespace(c)) {
                at++;
            } else {
                return;
            }
        }
    }
}
