package backuptool.cli;

import backuptool.exec.Executor;
import backuptool.exec.OperationResult;
import java.io.PrintStream;

/**
 * The text renderer of results: one line per operation as it ends, "done", "FAILED" or "not run",
 * what it was, and a send's size and rate.
 */
final class ResultLines implements Executor.Listener {
  private final PrintStream out;

  ResultLines(PrintStream out) {
    this.out = out;
  }

  @Override
  public void finished(OperationResult result) {
    String word = result.status().word();
    out.println("  " + word + " ".repeat(Math.max(1, 8 - word.length())) + result.describe());
    out.flush();
  }
}
