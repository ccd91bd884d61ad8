/** The command line: arguments and configuration in, a plan printed and run, an exit code out. */
package backuptool.cli;
