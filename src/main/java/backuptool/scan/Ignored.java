package backuptool.scan;

/**
 * An entry of a snapshot or backup directory that is neither a snapshot nor a backup, and so is
 * left alone; {@code incomplete} marks what an interrupted receive leaves behind.
 */
public record Ignored(String name, String why, boolean incomplete) {}
