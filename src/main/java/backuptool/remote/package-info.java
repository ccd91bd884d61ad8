/**
 * Sides of pairs on other machines, over OpenSSH: ssh:// locations and hosts, the one quoting of
 * remote command lines, the remote command vocabulary (which the restricted key's filter script
 * mirrors), the ssh client's argument list, one master connection per host and run, and the btrfs
 * port of another machine.
 */
package backuptool.remote;
