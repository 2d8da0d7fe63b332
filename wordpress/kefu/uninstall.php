<?php
/**
 * Uninstall: removes the plugin's options, its scheduled job and the agent
 * capability, on every site of a network. Each site's chat history stays in
 * the database unless that site's owner ticked 'Delete chat history when the
 * plugin is uninstalled'.
 *
 * @package Kefu
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

require_once __DIR__ . '/includes/class-kefu-store.php';

/**
 * Cleans up the current site.
 */
function kefu_uninstall_site() {
	$settings = get_option( 'kefu_settings' );
	if ( is_array( $settings ) && ! empty( $settings['delete_data'] ) ) {
		Kefu_Store::drop_tables();
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
