package backuptool.model;

import java.nio.file.Path;

/**
 * The machine that a side of a pair is on: this one ({@link #LOCAL}), or another that the tool
 * reaches over ssh (implemented where ssh is known, in {@code backuptool.remote}). Implementations
 * are values: two equal hosts are reached in the same way, over the same connection.
 */
public interface Host {
  /** The machine the tool runs on. */
  Host LOCAL = new Local();

  boolean isLocal();

  /** {@code path} on this host as a user writes it: the path itself, or an ssh:// URL. */
  String show(Path path);

  /**
   * Which machine this is, whoever logs in and however: two locations are one directory when their
   * hosts' machines and their paths are equal.
   */
  String machine();

  /** This machine. */
  final class Local implements Host {
    private Local() {}

    @Override
    public boolean isLocal() {
      return true;
    }

    @Override
    public String show(Path path) {
      return path.toString();
    }

    @Override
    public String machine() {
      return "";
    }

    @Override
    public String toString() {
      return "this machine";
    }
  }
}
