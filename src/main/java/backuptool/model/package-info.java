/**
 * Values that every layer shares: snapshot names, subvolumes, snapshots, backup pairs and their
 * retention. Depends on nothing else in the tool.
 */
package backuptool.model;
