package backuptool;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict check of the Prometheus text exposition format (0.0.4) and of what the node-exporter
 * textfile collector adds (no timestamps), written from the format's description and independent of
 * the tool's own reader and writer: regular expressions here, a character reader there.
 */
public final class PrometheusText {
  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final String LABEL_NAME = "[a-zA-Z_][a-zA-Z0-9_]*";

  /** Any character but backslash, double quote and newline, or one of the three escapes. */
  private static final String LABEL_VALUE = "(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*";

  private static final String LABEL = LABEL_NAME + "=\"" + LABEL_VALUE + "\"";
  private static final String FLOAT =
      "[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?Inf|NaN";
  private static final Pattern SAMPLE =
      Pattern.compile(
          "("
              + NAME
              + ")(\\{(?:"
              + LABEL
              + "(?:,"
              + LABEL
              + ")*,?)?\\})?[ \\t]+("
              + FLOAT
              + ")(?:[ \\t]+(-?[0-9]+))?[ \\t]*");
  private static final Pattern ONE_LABEL =
      Pattern.compile("(" + LABEL_NAME + ")=\"(" + LABEL_VALUE + ")\"");
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ")(?: (.*))?");
  private static final Pattern TYPE =
      Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");

  /** A comment line that is meant as HELP or TYPE, and must then follow their grammar. */
  private static final Pattern HELP_OR_TYPE = Pattern.compile("#[ \\t]+(HELP|TYPE)\\b.*");

  private PrometheusText() {}

  /** A series (name and labels) and its value, as the text said it. */
  public record Series(String name, Map<String, String> labels) {
    @Override
    public String toString() {
      return name + labels;
    }
  }

  /** A file that passed: every sample's value by series, and each family's TYPE. */
  public record Parsed(Map<Series, Double> values, Map<String, String> types) {
    /** The value of {@code name} with exactly these labels, given as name, value, name, ... */
    public Double value(String name, String... labels) {
      Map<String, String> l = new TreeMap<>();
      for (int i = 0; i < labels.length; i += 2) {
        l.put(labels[i], labels[i + 1]);
      }
      return values.get(new Series(name, l));
    }
  }

  /** Thrown with every rule that {@code text} breaks, one per line. */
  public static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Invalid(List<String> problems) {
      super(String.join("\n", problems));
    }
  }

  /**
   * The samples of {@code text}, which must follow the format and the textfile collector's rules.
   */
  public static Parsed parse(String text) {
    List<String> problems = new ArrayList<>();
    Map<Series, Double> values = new LinkedHashMap<>();
    Map<String, String> types = new HashMap<>();
    Set<String> helped = new HashSet<>();
    Set<String> sampled = new HashSet<>();
    Set<String> closed = new HashSet<>(); // families whose samples have ended
    String current = null;
    if (!text.isEmpty() && !text.endsWith("\n")) {
      problems.add("the last line does not end with a newline");
    }
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String at = "line " + (i + 1) + " '" + line + "': ";
      if (line.isEmpty() || (line.startsWith("#") && !HELP_OR_TYPE.matcher(line).matches())) {
        continue;
      }
      Matcher help = HELP.matcher(line);
      Matcher type = TYPE.matcher(line);
      if (help.matches()) {
        String family = help.group(1);
        if (!helped.add(family)) {
          problems.add(at + "a second HELP for " + family);
        }
        if (sampled.contains(family)) {
          problems.add(at + "HELP after samples of " + family);
        }
        String doc = help.group(2) == null ? "" : help.group(2);
        if (doc.replace("\\\\", "").replace("\\n", "").contains("\\")) {
          problems.add(at + "HELP text with an escape other than \\\\ and \\n");
        }
      } else if (type.matches()) {
        String family = type.group(1);
        if (types.put(family, type.group(2)) != null) {
          problems.add(at + "a second TYPE for " + family);
        }
        if (sampled.contains(family)) {
          problems.add(at + "TYPE after samples of " + family);
        }
      } else {
        Matcher m = SAMPLE.matcher(line);
        if (!m.matches()) {
          problems.add(at + "not a sample, HELP, TYPE or comment line");
          continue;
        }
        String name = m.group(1);
        if (m.group(4) != null) {
          problems.add(at + "a timestamp, which the textfile collector refuses");
        }
        if (!name.equals(current)) {
          if (current != null) {
            closed.add(current);
          }
          if (closed.contains(name)) {
            problems.add(at + "samples of " + name + " are not all together");
          }
          current = name;
        }
        sampled.add(name);
        Map<String, String> labels = new TreeMap<>();
        if (m.group(2) != null) {
          Matcher l = ONE_LABEL.matcher(m.group(2));
          while (l.find()) {
            if (l.group(1).startsWith("__")) {
              problems.add(at + "label " + l.group(1) + " is reserved");
            }
            if (labels.put(l.group(1), unescape(l.group(2))) != null) {
              problems.add(at + "label " + l.group(1) + " twice");
            }
          }
        }
        String v = m.group(3);
        double value =
            v.equals("NaN")
                ? Double.NaN
                : v.endsWith("Inf")
                    ? (v.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
                    : Double.parseDouble(v);
        if (values.put(new Series(name, labels), value) != null) {
          problems.add(at + "a second sample of the same series");
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new Invalid(problems);
    }
    return new Parsed(values, types);
  }

  private static String unescape(String escaped) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if (c == '\\') {
        char next = escaped.charAt(++i);
        sb.append(next == 'n' ? '\n' : next);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
