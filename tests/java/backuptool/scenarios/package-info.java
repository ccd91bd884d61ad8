/** Approval scenarios: the whole tool run in-process against the strict fake btrfs. */
package backuptool.scenarios;
