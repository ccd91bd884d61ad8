/** The node-exporter metrics file's content, decided from a run's values and the file before it. */
package backuptool.metrics;
