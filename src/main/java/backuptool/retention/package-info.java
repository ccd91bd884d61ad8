/** Retention: a pure function from snapshots, a policy and now to keep or delete, with reasons. */
package backuptool.retention;
