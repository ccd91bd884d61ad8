package backuptool;

import org.approvaltests.reporters.JunitReporter;

/** ApprovalTests settings: approved files live under tests/approved; a mismatch fails the test. */
public class PackageSettings {
  public static String ApprovalBaseDirectory = "../approved";
  public static JunitReporter UseReporter = JunitReporter.INSTANCE;
}
