/** What --status and --check report: each pair's sides and health, decided from scans and now. */
package backuptool.status;
