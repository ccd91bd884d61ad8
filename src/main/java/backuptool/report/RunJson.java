package backuptool.report;

import backuptool.exec.OperationResult;
import backuptool.exec.Outcome;
import backuptool.hosts.CommandLines;
import backuptool.model.SnapshotName;
import backuptool.plan.Batch;
import backuptool.plan.PairPlan;
import backuptool.plan.Plan;
import backuptool.plan.Step;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON renderer of a planned run: the plan's every step with its reason, and for operations the
 * exact command and what became of it. The text renderers render the same plan and outcome.
 */
public final class RunJson {
  /** The schema's version in docs/json.md; raised when a member changes meaning or goes away. */
  public static final int VERSION = 1;

  private RunJson() {}

  /** {@code dryRun}: why nothing was changed, when nothing was. */
  public static String render(
      Plan plan, Path configFile, Optional<String> dryRun, Outcome outcome) {
    return render(plan, configFile, dryRun, outcome, CommandLines.LOCAL);
  }

  /** {@link #render(Plan, Path, Optional, Outcome)} with the command lines {@code lines} shows. */
  public static String render(
      Plan plan, Path configFile, Optional<String> dryRun, Outcome outcome, CommandLines lines) {
    IdentityHashMap<Step.Operation, OperationResult> results = new IdentityHashMap<>();
    outcome.results().forEach(r -> results.put(r.operation(), r));
    List<Object> pairs = new ArrayList<>();
    for (PairPlan pair : plan.pairs()) {
      pairs.add(pair(pair, results, lines));
    }
    Json.Obj result =
        Json.object()
            .put("done", outcome.done())
            .put("failed", outcome.failed())
            .put("not_run", outcome.notRun())
            .put("bytes_sent", outcome.bytesSent())
            .put("failures", outcome.failures())
            .put("failed_pairs", outcome.failedPairs().stream().sorted().toList());
    return Json.write(
        Json.object()
            .put("version", VERSION)
            .put("command", plan.verb().flag())
            .put("config", configFile.toString())
            .put("time", SnapshotName.of(plan.now(), Optional.empty()).text())
            .put("dry_run", dryRun.isPresent())
            .put("dry_run_reason", dryRun)
            .put("pairs", pairs)
            .put("result", result));
  }

  private static Json.Obj pair(
      PairPlan pair, Map<Step.Operation, OperationResult> results, CommandLines lines) {
    IdentityHashMap<Step.Operation, String> commands = new IdentityHashMap<>();
    for (Batch batch : Batch.of(pair.operations())) {
      batch.operations().forEach(op -> commands.put(op, batch.command(lines)));
    }
    List<Object> steps = new ArrayList<>();
    for (Step step : pair.steps()) {
      steps.add(step(step, commands, results));
    }
    return Json.object()
        .put("name", pair.pair().name())
        .put("problems", pair.problems())
        .put("steps", steps);
  }

  private static Json.Obj step(
      Step step,
      Map<Step.Operation, String> commands,
      Map<Step.Operation, OperationResult> results) {
    return step.accept(
        new Step.Visitor<Json.Obj>() {
          @Override
          public Json.Obj operation(Step.Operation op) {
            OperationResult r = results.get(op);
            return Json.object()
                .put("kind", "operation")
                .put("action", op.word())
                .put("subject", op.subject())
                .put("reason", op.reason())
                .put("command", commands.get(op))
                .put("result", r == null ? null : result(r));
          }

          @Override
          public Json.Obj decision(Step.Decision d) {
            return Json.object()
                .put("kind", "decision")
                .put("action", d.word())
                .put("subject", d.subject())
                .put("reason", d.reason())
                .put("verbose_only", d.verboseOnly());
          }

          @Override
          public Json.Obj heading(Step.Heading h) {
            return Json.object().put("kind", "heading").put("text", h.text());
          }
        });
  }

  private static Json.Obj result(OperationResult r) {
    return Json.object()
        .put("status", r.status().name().toLowerCase(java.util.Locale.ROOT))
        .put("detail", r.detail().isEmpty() ? null : r.detail())
        .put("bytes", r.transfer().map(t -> (Object) t.bytes()))
        .put("seconds", r.transfer().map(t -> (Object) (t.elapsed().toMillis() / 1000.0)));
  }
}
