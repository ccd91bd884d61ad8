package backuptool.metrics;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One line of the text format: a metric {@code name}, its {@code labels} (sorted by name, so that
 * two samples of the same series are equal), and its value. No timestamp: the node-exporter
 * textfile collector refuses samples that carry one.
 */
public record Sample(String name, Map<String, String> labels, double value) {
  public Sample {
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
  }

  /** The series this sample belongs to: its name and labels, without the value. */
  Series series() {
    return new Series(name, labels);
  }

  /** A metric name and its labels: what a file may hold only one sample of. */
  record Series(String name, Map<String, String> labels) {}
}
