package backuptool.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Prometheus text exposition format (version 0.0.4), as far as a file of gauges needs it:
 * reading a file line by line against the format's grammar, and writing families of samples.
 * Reading is strict: a line that does not follow the grammar is not guessed at, but reported, so
 * that the caller can drop it.
 */
public final class TextFormat {
  /** A decimal number as Go's ParseFloat reads it (hexadecimal and underscores left out). */
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");

  private TextFormat() {}

  /** What a file held: its samples in file order, and one problem per line that was not taken. */
  public record Parsed(List<Sample> samples, List<String> problems) {
    public Parsed {
      samples = List.copyOf(samples);
      problems = List.copyOf(problems);
    }
  }

  /** One family as written: HELP and TYPE lines, then its samples. */
  record Family(String name, String help, String type, List<Sample> samples) {
    Family {
      samples = List.copyOf(samples);
    }
  }

  /**
   * The samples of {@code text}; comments and blank lines are skipped, HELP and TYPE lines are
   * checked but not kept (the writer has its own), and any other line that does not parse, or
   * carries a timestamp, is a problem "line N: why".
   */
  public static Parsed parse(String text) {
    List<Sample> samples = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank()) {
        continue;
      }
      try {
        if (line.startsWith("#")) {
          checkComment(line);
        } else {
          samples.add(new LineReader(line).sample());
        }
      } catch (IllegalArgumentException e) {
        problems.add("line " + (i + 1) + ": " + e.getMessage());
      }
    }
    return new Parsed(samples, problems);
  }

  /** The text of {@code families}: each family's HELP and TYPE, then its samples, in order. */
  static String render(List<Family> families) {
    StringBuilder sb = new StringBuilder();
    for (Family f : families) {
      sb.append("# HELP ").append(f.name()).append(' ').append(escapeHelp(f.help())).append('\n');
      sb.append("# TYPE ").append(f.name()).append(' ').append(f.type()).append('\n');
      for (Sample s : f.samples()) {
        sb.append(line(s)).append('\n');
      }
    }
    return sb.toString();
  }

  /** One sample line: {@code name{label="value",...} value}. */
  static String line(Sample s) {
    StringBuilder sb = new StringBuilder(s.name());
    if (!s.labels().isEmpty()) {
      sb.append('{');
      String comma = "";
      for (Map.Entry<String, String> e : s.labels().entrySet()) {
        sb.append(comma).append(e.getKey()).append("=\"").append(escapeLabel(e.getValue()));
        sb.append('"');
        comma = ",";
      }
      sb.append('}');
    }
    return sb.append(' ').append(value(s.value())).toString();
  }

  /**
   * A value as the format writes it: whole numbers without a fraction (timestamps, counts, exit
   * codes), others in Java's shortest exact form, which Go's ParseFloat reads; NaN, +Inf, -Inf.
   */
  static String value(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 0x1p53) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  /** A label value: backslash, double quote and newline escaped, as the format requires. */
  static String escapeLabel(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /** A HELP text: backslash and newline escaped (a double quote needs none there). */
  static String escapeHelp(String help) {
    return help.replace("\\", "\\\\").replace("\n", "\\n");
  }

  /** "# HELP name text" and "# TYPE name type" must be well formed; other comments are free. */
  private static void checkComment(String line) {
    LineReader r = new LineReader(line);
    r.expect('#');
    r.blanks();
    String keyword = r.word();
    if (!keyword.equals("HELP") && !keyword.equals("TYPE")) {
      return; // a plain comment
    }
    r.requireBlank();
    String name = r.metricName();
    if (keyword.equals("TYPE")) {
      r.requireBlank();
      String type = r.word();
      if (!List.of("counter", "gauge", "histogram", "summary", "untyped").contains(type)) {
        throw new IllegalArgumentException("unknown type '" + type + "' of " + name);
      }
      r.blanks();
      r.end();
    } else if (!r.atEnd()) {
      r.requireBlank();
      r.help();
    }
  }

  /** Reads one line from left to right; every method throws when the grammar is not met. */
  private static final class LineReader {
    private final String line;
    private int pos;

    LineReader(String line) {
      this.line = line;
    }

    /** name [ "{" labels "}" ] value, with no timestamp. */
    Sample sample() {
      String name = metricName();
      Map<String, String> labels = new LinkedHashMap<>();
      int afterName = pos;
      blanks();
      if (peek() == '{') {
        pos++;
        labels(labels);
        requireBlank();
      } else if (pos == afterName) {
        throw new IllegalArgumentException(
            "expected a blank or '{' after " + name + " at column " + (pos + 1));
      }
      double value = number();
      blanks();
      if (!atEnd()) {
        if (Character.isDigit(peek()) || peek() == '-') {
          throw new IllegalArgumentException(
              "sample of " + name + " has a timestamp, which the textfile collector refuses");
        }
        throw new IllegalArgumentException("unexpected text after the value of " + name);
      }
      return new Sample(name, labels, value);
    }

    private void labels(Map<String, String> labels) {
      blanks();
      while (peek() != '}') {
        String label = labelName();
        blanks();
        expect('=');
        blanks();
        String value = quoted();
        if (labels.put(label, value) != null) {
          throw new IllegalArgumentException("label " + label + " given twice");
        }
        blanks();
        if (peek() == ',') {
          pos++;
          blanks();
        } else if (peek() != '}') {
          throw new IllegalArgumentException("expected ',' or '}' at column " + (pos + 1));
        }
      }
      pos++;
    }

    /** A label value in double quotes, with the three escapes of the format and no others. */
    private String quoted() {
      expect('"');
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (atEnd()) {
          throw new IllegalArgumentException("label value without its closing quote");
        }
        char c = line.charAt(pos++);
        if (c == '"') {
          return sb.toString();
        }
        if (c == '\\') {
          sb.append(escaped("\\\"n"));
        } else {
          sb.append(c);
        }
      }
    }

    /** The rest of a HELP line, unescaped: only \\ and \n are escapes there. */
    void help() {
      while (!atEnd()) {
        if (line.charAt(pos++) == '\\') {
          escaped("\\n");
        }
      }
    }

    private char escaped(String allowed) {
      if (atEnd() || allowed.indexOf(peek()) < 0) {
        throw new IllegalArgumentException("invalid escape sequence at column " + pos);
      }
      char c = line.charAt(pos++);
      return c == 'n' ? '\n' : c;
    }

    /** A Go float: decimal with optional fraction and exponent, or NaN and the infinities. */
    private double number() {
      int start = pos;
      while (!atEnd() && peek() != ' ' && peek() != '\t') {
        pos++;
      }
      String text = line.substring(start, pos);
      switch (text) {
        case "NaN" -> {
          return Double.NaN;
        }
        case "+Inf", "Inf" -> {
          return Double.POSITIVE_INFINITY;
        }
        case "-Inf" -> {
          return Double.NEGATIVE_INFINITY;
        }
        default -> {
          // a decimal number, checked below
        }
      }
      if (!DECIMAL.matcher(text).matches()) {
        throw new IllegalArgumentException("'" + text + "' is not a number");
      }
      return Double.parseDouble(text);
    }

    /** [a-zA-Z_:][a-zA-Z0-9_:]* */
    String metricName() {
      return name(true, "metric name");
    }

    /** [a-zA-Z_][a-zA-Z0-9_]* */
    private String labelName() {
      return name(false, "label name");
    }

    private String name(boolean colon, String what) {
      int start = pos;
      while (!atEnd() && nameChar(peek(), colon, pos > start)) {
        pos++;
      }
      if (pos == start) {
        throw new IllegalArgumentException("expected a " + what + " at column " + (pos + 1));
      }
      return line.substring(start, pos);
    }

    private static boolean nameChar(char c, boolean colon, boolean digitAllowed) {
      return (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || c == '_'
          || (colon && c == ':')
          || (digitAllowed && c >= '0' && c <= '9');
    }

    String word() {
      int start = pos;
      while (!atEnd() && peek() != ' ' && peek() != '\t') {
        pos++;
      }
      return line.substring(start, pos);
    }

    void expect(char c) {
      if (atEnd() || peek() != c) {
        throw new IllegalArgumentException(
            "expected '" + c + "' at column " + (pos + 1) + (atEnd() ? " (end of line)" : ""));
      }
      pos++;
    }

    void blanks() {
      while (!atEnd() && (peek() == ' ' || peek() == '\t')) {
        pos++;
      }
    }

    void requireBlank() {
      if (atEnd() || (peek() != ' ' && peek() != '\t')) {
        throw new IllegalArgumentException(
            "expected a blank at column " + (pos + 1) + (atEnd() ? " (end of line)" : ""));
      }
      blanks();
    }

    void end() {
      if (!atEnd()) {
        throw new IllegalArgumentException("unexpected text at column " + (pos + 1));
      }
    }

    boolean atEnd() {
      return pos >= line.length();
    }

    /** The next character, or NUL at the end of the line (which no rule accepts). */
    private char peek() {
      return atEnd() ? '\0' : line.charAt(pos);
    }
  }
}
