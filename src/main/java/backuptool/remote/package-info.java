/**
 * Remote sides over OpenSSH: ssh:// locations, the quoting of remote command lines, the remote
 * command vocabulary (which the restricted key's filter script mirrors) and the ssh client's
 * argument list; not yet wired into the configuration, scanner, planner or executor.
 */
package backuptool.remote;
