/** Runs a plan through the btrfs port: the one place where planned operations happen. */
package backuptool.exec;
