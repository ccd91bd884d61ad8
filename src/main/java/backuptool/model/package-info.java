/** Values that every layer shares: snapshot names, snapshots, backup pairs and their retention. */
package backuptool.model;
