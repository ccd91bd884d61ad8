package backuptool.btrfs;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a child's output stream to its end on a thread of its own, so that no child blocks on a
 * full pipe, and counts the bytes as they come: what a child wrote on its outputs is part of its
 * kernel write count, and the send's count must leave it out.
 */
final class Drain {
  private final AtomicLong bytes = new AtomicLong();
  private final FutureTask<byte[]> task;

  private Drain(InputStream in) {
    task =
        new FutureTask<>(
            () -> {
              ByteArrayOutputStream all = new ByteArrayOutputStream();
              byte[] buffer = new byte[8192];
              try (in) {
                for (int n; (n = in.read(buffer)) != -1; ) {
                  all.write(buffer, 0, n);
                  bytes.addAndGet(n);
                }
              }
              return all.toByteArray();
            });
  }

  static Drain start(InputStream in) {
    Drain drain = new Drain(in);
    Thread t = new Thread(drain.task, "btrfs-output");
    t.setDaemon(true);
    t.start();
    return drain;
  }

  /** The bytes read so far; all of them once {@link #text} has returned. */
  long bytesSoFar() {
    return bytes.get();
  }

  /** The whole output as text; the process has exited, so this only waits for the last bytes. */
  String text() throws BtrfsException {
    try {
      return new String(task.get(), StandardCharsets.UTF_8);
    } catch (ExecutionException e) {
      throw new BtrfsException("cannot read btrfs output: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BtrfsException("interrupted while reading btrfs output", e);
    }
  }

  /** How many bytes the whole output had; waits for its end like {@link #text}. */
  long total() throws BtrfsException {
    text();
    return bytes.get();
  }
}
