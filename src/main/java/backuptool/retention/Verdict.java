package backuptool.retention;

import backuptool.model.Snapshot;

/** What retention decides for one snapshot, and why, in words for the plan. */
public record Verdict(Snapshot snapshot, boolean keep, String reason) {}
