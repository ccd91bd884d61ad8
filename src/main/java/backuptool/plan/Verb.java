package backuptool.plan;

/** The three things backup-tool does. */
public enum Verb {
  SNAPSHOT("--snapshot", "snapshot"),
  BACKUP("--backup", "back up"),
  PURGE("--purge", "purge");

  private final String flag;
  private final String action;

  Verb(String flag, String action) {
    this.flag = flag;
    this.action = action;
  }

  public String flag() {
    return flag;
  }

  /** The verb in a sentence: "cannot back up pair root". */
  public String action() {
    return action;
  }
}
