package backuptool.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Which receives this tool started into a target directory and did not see finish. A receive that a
 * kill, crash or power loss interrupts leaves a writable subvolume without received uuid; only one
 * named here may the tool remove, because only then can it show it created it.
 */
public interface ReceiveJournal {

  /** The names of receives started into {@code targetDir} and not finished. */
  Set<String> unfinished(Path targetDir) throws IOException;

  /** Records, durably, before the receive starts, that {@code name} is being received. */
  void started(Path targetDir, String name) throws IOException;

  /**
   * True if {@code name}, an entry of a target directory, is one of the journal's own files, which
   * scanning leaves out of the directory's entries.
   */
  boolean isOwnFile(String name);

  /** Forgets {@code name}: it was received completely, or its partial subvolume is gone. */
  void finished(Path targetDir, String name) throws IOException;
}
