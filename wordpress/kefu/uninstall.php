<?php
/**
 * Uninstall: removes the plugin's options and the agent capability. Chat
 * history stays in the database unless the owner ticked 'Delete chat history
 * when the plugin is uninstalled'.
 *
 * @package Kefu
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

require_once __DIR__ . '/includes/class-kefu-store.php';

$kefu_settings = get_option( 'kefu_settings' );
if ( is_array( $kefu_settings ) && ! empty( $kefu_settings['delete_data'] ) ) {
	Kefu_Store::drop_tables();
}

delete_option( 'kefu_settings' );
delete_option( 'kefu_secret' );
delete_option( 'kefu_version' );

foreach ( wp_roles()->role_objects as $kefu_role ) {
	$kefu_role->remove_cap( 'kefu_answer_chats' );
}
