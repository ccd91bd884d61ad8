/** Planners: pure functions from scans and now to a plan of operations, each with its reason. */
package backuptool.plan;
