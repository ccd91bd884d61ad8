package backuptool.journal;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The receive journal in memory, for tests against the fake btrfs. */
public final class MemoryReceiveJournal implements ReceiveJournal {
  private final Map<Path, Set<String>> unfinished = new HashMap<>();

  @Override
  public Set<String> unfinished(Path targetDir) {
    return Set.copyOf(unfinished.getOrDefault(targetDir, Set.of()));
  }

  @Override
  public void started(Path targetDir, String name) {
    unfinished.computeIfAbsent(targetDir, d -> new TreeSet<>()).add(name);
  }

  /** It keeps nothing in the directories it speaks for. */
  @Override
  public boolean isOwnFile(String name) {
    return false;
  }

  @Override
  public void finished(Path targetDir, String name) {
    unfinished.getOrDefault(targetDir, new TreeSet<>()).remove(name);
  }
}
