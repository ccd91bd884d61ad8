package backuptool.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A small JSON writer: objects keep the order their members were put in, and the text is indented
 * two spaces per level so that people and diffs can read it. Values are strings, numbers, booleans,
 * null (also an empty Optional), lists and objects. Written by hand: a library would cost more
 * start-up time than these lines (see docs/json.md).
 */
final class Json {
  private Json() {}

  /** A JSON object under construction. */
  static final class Obj {
    private final Map<String, Object> members = new LinkedHashMap<>();

    Obj put(String name, Object value) {
      if (members.put(name, value) != null) {
        throw new IllegalArgumentException("member " + name + " put twice");
      }
      return this;
    }
  }

  static Obj object() {
    return new Obj();
  }

  /** The document's text, ending with a newline. */
  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out, "");
    return out.append('\n').toString();
  }

  private static void write(Object value, StringBuilder out, String indent) {
    if (value instanceof Optional<?> o) {
      write(o.orElse(null), out, indent);
    } else if (value instanceof OptionalLong o) {
      write(o.isPresent() ? (Object) o.getAsLong() : null, out, indent);
    } else if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      string(s, out);
    } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      out.append(value);
    } else if (value instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        throw new IllegalArgumentException("not a JSON number: " + d);
      }
      out.append(d);
    } else if (value instanceof Obj o) {
      members(o.members.entrySet().stream().map(e -> (Object) e).toList(), '{', '}', out, indent);
    } else if (value instanceof List<?> l) {
      members(new ArrayList<>(l), '[', ']', out, indent);
    } else {
      throw new IllegalArgumentException("no JSON form for " + value.getClass());
    }
  }

  private static void members(
      List<Object> items, char open, char close, StringBuilder out, String indent) {
    if (items.isEmpty()) {
      out.append(open).append(close);
      return;
    }
    String inner = indent + "  ";
    out.append(open);
    String separator = "\n";
    for (Object item : items) {
      out.append(separator).append(inner);
      if (item instanceof Map.Entry<?, ?> e) {
        string((String) e.getKey(), out);
        out.append(": ");
        write(e.getValue(), out, inner);
      } else {
        write(item, out, inner);
      }
      separator = ",\n";
    }
    out.append('\n').append(indent).append(close);
  }

  /**
   * A JSON string: quotes, backslashes and every control character escaped, and the line and
   * paragraph separators too (JSON allows them raw, JavaScript did not). A lone surrogate, which no
   * file name can decode to but a Java string can hold, is escaped rather than written as invalid
   * UTF-8.
   */
  static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          boolean paired =
              Character.isHighSurrogate(c)
                  ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                  : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
          boolean loneSurrogate = Character.isSurrogate(c) && !paired;
          if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || loneSurrogate) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
