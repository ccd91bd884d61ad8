/** Reads backup_config.toml into records that cannot be invalid, reporting every error at once. */
package backuptool.config;
