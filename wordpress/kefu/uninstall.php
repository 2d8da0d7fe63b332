<?php
/**
 * Uninstall: removes the plugin's options, its scheduled job and the agent
 * capability, on every site of a network. Each site's chat history (its chat
 * tables, and the folder where the chat server keeps file bytes by default)
 * stays unless that site's owner ticked 'Delete chat history when the plugin
 * is uninstalled'.
 *
 * @package Kefu
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

require_once __DIR__ . '/includes/class-kefu-store.php';

/**
 * Deletes the current site's `<uploads>/kefu-files`, where the chat server
 * keeps file bytes when told to keep them in a folder (WordPress's default
 * for that folder), with everything in it: the files' sub-folders and the
 * files that keep web servers from listing or serving it.
 *
 * Only that exact folder: a link in it is removed, never followed, and a
 * `kefu-files` that is itself a link, to another disk say, is left alone with
 * what it leads to. The chat server writes the folder as the user PHP runs
 * as (the service runs as www-data), so PHP deletes it directly, without
 * asking for FTP credentials the way WP_Filesystem() may.
 *
 * @return bool Whether no such folder is left.
 */
function kefu_delete_files_folder() {
	$uploads = wp_upload_dir( null, false );
	if ( empty( $uploads['basedir'] ) ) {
		return true;
	}
	$folder = untrailingslashit( wp_normalize_path( $uploads['basedir'] ) ) . '/kefu-files';
	if ( is_link( $folder ) ) {
		return false;
	}
	if ( ! is_dir( $folder ) ) {
		return true;
	}
	require_once ABSPATH . 'wp-admin/includes/class-wp-filesystem-base.php';
	require_once ABSPATH . 'wp-admin/includes/class-wp-filesystem-direct.php';
	return kefu_delete_tree( new WP_Filesystem_Direct( null ), $folder );
}

/**
 * Deletes a folder and what it holds, depth first. Unlike
 * WP_Filesystem_Direct::delete( $dir, true ), which follows a link to a
 * folder and empties the folder it leads to, a link is deleted as a file.
 *
 * @param WP_Filesystem_Direct $fs  File system.
 * @param string               $dir A folder, not a link.
 * @return bool Whether it is gone.
 */
function kefu_delete_tree( WP_Filesystem_Direct $fs, $dir ) {
	$entries = scandir( $dir );
	if ( false === $entries ) {
		return false;
	}
	$ok = true;
	foreach ( array_diff( $entries, array( '.', '..' ) ) as $entry ) {
		$path = $dir . '/' . $entry;
		if ( is_dir( $path ) && ! is_link( $path ) ) {
			$ok = kefu_delete_tree( $fs, $path ) && $ok;
		} else {
			$ok = $fs->delete( $path, false, 'f' ) && $ok;
		}
	}
	return $fs->rmdir( $dir ) && $ok;
}

/**
 * Cleans up the current site.
 */
function kefu_uninstall_site() {
	$settings = get_option( 'kefu_settings' );
	if ( is_array( $settings ) && ! empty( $settings['delete_data'] ) ) {
		Kefu_Store::drop_tables();
		// Bytes in an S3 bucket are out of WordPress's reach: docs/wordpress.md, 'Uninstall'.
		if ( ! kefu_delete_files_folder() ) {
			// phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- uninstall has no screen to report on; the log is where an operator looks.
			error_log( 'Kefu uninstall: could not delete every file of the chat files folder (kefu-files in the uploads folder), or it is a link; delete it by hand.' );
		}
	}

	delete_option( 'kefu_settings' );
	delete_option( 'kefu_secret' );
	delete_option( 'kefu_version' );
	wp_clear_scheduled_hook( 'kefu_retention' );

	foreach ( wp_roles()->role_objects as $role ) {
		$role->remove_cap( 'kefu_answer_chats' );
	}
}

if ( is_multisite() ) {
	foreach ( get_sites(
		array(
			'fields' => 'ids',
			'number' => 0,
		)
	) as $kefu_site_id ) {
		switch_to_blog( $kefu_site_id );
		kefu_uninstall_site();
		restore_current_blog();
	}
} else {
	kefu_uninstall_site();
}
