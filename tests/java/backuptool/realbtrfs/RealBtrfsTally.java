package backuptool.realbtrfs;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestTag;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Counts the tests tagged "btrfs" and prints one line at the end of the run, so that the test
 * output (and CI's log) says how many tests ran on real btrfs and how many were skipped.
 */
public final class RealBtrfsTally implements TestExecutionListener {
  private static final TestTag BTRFS = TestTag.create("btrfs");
  private TestPlan plan;
  private int passed;
  private int failed;
  private int skipped;

  @Override
  public void testPlanExecutionStarted(TestPlan testPlan) {
    plan = testPlan;
  }

  @Override
  public void executionSkipped(TestIdentifier id, String reason) {
    if (tagged(id)) {
      skipped +=
          id.isTest()
              ? 1
              : (int) plan.getDescendants(id).stream().filter(TestIdentifier::isTest).count();
    }
  }

  @Override
  public void executionFinished(TestIdentifier id, TestExecutionResult result) {
    if (!id.isTest() && result.getStatus() == TestExecutionResult.Status.ABORTED && tagged(id)) {
      // A class whose @BeforeAll skipped: its tests are never reported one by one.
      skipped += (int) plan.getDescendants(id).stream().filter(TestIdentifier::isTest).count();
    }
    if (id.isTest() && tagged(id)) {
      switch (result.getStatus()) {
        case SUCCESSFUL -> passed++;
        case ABORTED -> skipped++;
        case FAILED -> failed++;
      }
    }
  }

  @Override
  public void testPlanExecutionFinished(TestPlan testPlan) {
    if (passed + failed + skipped > 0) {
      System.out.printf(
          "real btrfs: %d tests ran on loop-mounted btrfs (%d passed, %d failed), %d skipped%n",
          passed + failed, passed, failed, skipped);
    }
  }

  private boolean tagged(TestIdentifier id) {
    for (TestIdentifier at = id; at != null; at = plan.getParent(at).orElse(null)) {
      if (at.getTags().contains(BTRFS)) {
        return true;
      }
    }
    return false;
  }
}
