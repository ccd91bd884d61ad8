package backuptool.metrics;

import java.util.OptionalLong;

/**
 * What one run did for one pair: the exit code the run would have had for this pair alone, the
 * bytes its sends moved (backups only), and the pair's state after the run as far as it knows.
 */
public record PairRun(String pair, int exitCode, OptionalLong sentBytes, PairState state) {}
