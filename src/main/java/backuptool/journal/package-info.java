/** The durable record of receives in progress, by which the tool knows its own leftovers. */
package backuptool.journal;
