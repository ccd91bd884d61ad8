package backuptool.plan;

import backuptool.hosts.CommandLines;
import backuptool.model.SnapshotName;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Renders a plan for people: one line per operation or decision, each with its reason. */
public final class PlanRenderer {
  private static final int WORD_WIDTH = 7;

  private PlanRenderer() {}

  /**
   * The plan as text, its first line naming the configuration file it was made from; {@code
   * verbose} adds ignored entries and the exact btrfs command lines.
   */
  public static String render(Plan plan, Path configFile, boolean verbose) {
    return render(plan, configFile, verbose, CommandLines.LOCAL);
  }

  /** {@link #render(Plan, Path, boolean)} with the command lines that {@code lines} shows. */
  public static String render(Plan plan, Path configFile, boolean verbose, CommandLines lines) {
    StringBuilder out = new StringBuilder();
    int pairs = plan.pairs().size();
    out.append("Plan for ").append(plan.verb().flag()).append(" of ").append(plural(pairs, "pair"));
    out.append(" from ").append(configFile);
    out.append(", at ")
        .append(SnapshotName.of(plan.now(), java.util.Optional.empty()).text())
        .append(":\n");
    for (PairPlan pair : plan.pairs()) {
      out.append("pair ").append(pair.pair().name()).append(header(plan.verb(), pair)).append('\n');
      for (String problem : pair.problems()) {
        line(out, "  ", "error", "", "cannot " + plan.verb().action() + " this pair: " + problem);
      }
      Map<Step.Operation, String> commandAfter =
          verbose ? commandsAfterLastOfBatch(pair, lines) : Map.of();
      Lines rendered = new Lines(out, verbose, commandAfter);
      for (Step step : pair.steps()) {
        step.accept(rendered);
      }
    }
    int ops = plan.operationCount();
    out.append(ops == 0 ? "No operations." : plural(ops, "operation") + ".");
    long failed = plan.pairs().stream().filter(p -> !p.problems().isEmpty()).count();
    if (failed > 0) {
      out.append(" ")
          .append(plural((int) failed, "pair"))
          .append(" cannot be done, see the errors above.");
    }
    return out.append('\n').toString();
  }

  /**
   * Renders a pair's steps: headings flush, the lines under a heading indented below it; with -v,
   * the verbose-only decisions and each batch's command under its last operation.
   */
  private static final class Lines implements Step.Visitor<Void> {
    private final StringBuilder out;
    private final boolean verbose;
    private final Map<Step.Operation, String> commandAfter;
    private String indent = "  ";

    Lines(StringBuilder out, boolean verbose, Map<Step.Operation, String> commandAfter) {
      this.out = out;
      this.verbose = verbose;
      this.commandAfter = commandAfter;
    }

    @Override
    public Void heading(Step.Heading h) {
      out.append("  ").append(h.text()).append('\n');
      indent = "    ";
      return null;
    }

    @Override
    public Void decision(Step.Decision d) {
      if (verbose || !d.verboseOnly()) {
        line(out, indent, d.word(), d.subject(), d.reason());
      }
      return null;
    }

    @Override
    public Void operation(Step.Operation op) {
      line(out, indent, op.word(), op.subject(), op.reason());
      String command = commandAfter.get(op);
      if (command != null) {
        // A command that runs as several (a long remote batch) shows one line each.
        String prefix = indent + " ".repeat(WORD_WIDTH + 1) + "$ ";
        out.append(prefix).append(command.replace("\n", "\n" + prefix));
        out.append('\n');
      }
      return null;
    }
  }

  /** A batch's command is shown once, under its last operation. */
  private static Map<Step.Operation, String> commandsAfterLastOfBatch(
      PairPlan pair, CommandLines lines) {
    IdentityHashMap<Step.Operation, String> after = new IdentityHashMap<>();
    for (Batch batch : Batch.of(pair.operations())) {
      List<Step.Operation> ops = batch.operations();
      after.put(ops.get(ops.size() - 1), batch.command(lines));
    }
    return after;
  }

  private static String header(Verb verb, PairPlan plan) {
    var pair = plan.pair();
    return switch (verb) {
      case SNAPSHOT -> ": " + pair.volumeLocation() + " -> " + pair.sourceLocation();
      case BACKUP -> ": " + pair.sourceLocation() + " -> " + pair.targetLocation();
      case PURGE -> ""; // a purge works on both sides, each under its own heading
    };
  }

  private static void line(
      StringBuilder out, String indent, String word, String subject, String reason) {
    out.append(indent).append(word);
    out.append(" ".repeat(Math.max(1, WORD_WIDTH + 1 - word.length())));
    out.append(subject.isEmpty() ? reason : subject + ": " + reason).append('\n');
  }

  static String plural(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
