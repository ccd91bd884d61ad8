/** Which btrfs port and receive journal serve each host of a run, and how its commands read. */
package backuptool.hosts;
