/** Scanning: what exists on each side of a pair, as values for the planners. */
package backuptool.scan;
