/** Renderers of plans, outcomes and status as JSON documents, from the same values as the text. */
package backuptool.report;
