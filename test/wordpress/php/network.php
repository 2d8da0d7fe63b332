<?php
/**
 * Drives the multisite test network from the command line, the way wp-cli
 * would (test/wordpress/multisite-rig.ts):
 *
 *   php network.php SITE_DIR COMMAND [JSON]
 *
 * Prints one line of JSON with the result (the last line of the output).
 * Every command runs on the main site (Host 127.0.0.1, path /) unless it
 * switches to the site given as `site`.
 */

$kefu_network = true;
require __DIR__ . '/boot.php';

/**
 * The error of a WP_Error as a result, or null.
 *
 * @param mixed $value A result that may be a WP_Error.
 * @return array|null
 */
function kefu_error( $value ) {
	return is_wp_error( $value ) ? array( 'error' => $value->get_error_code() . ': ' . $value->get_error_message() ) : null;
}

/**
 * Switches to the site given as `site` (multisite only).
 *
 * @param array $args Command arguments.
 */
function kefu_switch( $args ) {
	if ( isset( $args['site'] ) && is_multisite() ) {
		switch_to_blog( (int) $args['site'] );
	}
}

switch ( $kefu_command ) {
	case 'install':
		// A single site first, as the Network Setup screen expects.
		$id = kefu_install( 'Kefu Network', $kefu_args );
		update_option( 'siteurl', $kefu_args['home'] );
		update_option( 'home', $kefu_args['home'] );
		kefu_out( array( 'userId' => $id ) );
		break;

	case 'network':
		// What wp-admin/network.php does on submit, minus the form.
		global $wpdb;
		foreach ( $wpdb->tables( 'ms_global' ) as $table => $prefixed_table ) {
			$wpdb->$table = $prefixed_table;
		}
		install_network();
		$result = populate_network( 1, $kefu_args['domain'], $kefu_args['email'], 'Kefu Network', '/', false );
		kefu_out( kefu_error( $result ) ?? array( 'ok' => true ) );
		break;

	case 'create-site':
		$id = wpmu_create_blog( get_network()->domain, '/' . $kefu_args['slug'] . '/', $kefu_args['title'], (int) $kefu_args['adminId'], array( 'public' => 1 ), get_current_network_id() );
		kefu_out( kefu_error( $id ) ?? array( 'id' => (int) $id ) );
		break;

	case 'sites':
		$sites = array();
		foreach ( get_sites( array( 'number' => 100 ) ) as $site ) {
			$sites[] = array(
				'id'     => (int) $site->blog_id,
				'path'   => $site->path,
				'url'    => get_home_url( (int) $site->blog_id ),
				'prefix' => $GLOBALS['wpdb']->get_blog_prefix( (int) $site->blog_id ),
			);
		}
		kefu_out(
			array(
				'multisite'   => is_multisite(),
				'subdomain'   => is_subdomain_install(),
				'superAdmins' => get_super_admins(),
				'sites'       => $sites,
			)
		);
		break;

	case 'add-user':
		// Created on the given site with the given role there, and no role anywhere else.
		kefu_switch( $kefu_args );
		$id = kefu_insert_user( $kefu_args );
		if ( ! is_wp_error( $id ) && is_multisite() ) {
			update_user_meta( $id, 'primary_blog', get_current_blog_id() );
		}
		kefu_out( kefu_error( $id ) ?? array( 'userId' => $id ) );
		break;

	case 'network-activate':
		$result = activate_plugin( 'kefu/kefu.php', '', true );
		kefu_out( kefu_error( $result ) ?? array( 'ok' => true ) );
		break;

	case 'state':
		kefu_switch( $kefu_args );
		$roles = array();
		foreach ( wp_roles()->role_objects as $name => $role ) {
			$roles[ $name ] = $role->has_cap( 'kefu_answer_chats' );
		}
		kefu_out(
			array(
				'site'          => get_current_blog_id(),
				'networkActive' => is_plugin_active_for_network( 'kefu/kefu.php' ),
				'files'         => is_file( WP_PLUGIN_DIR . '/kefu/kefu.php' ),
				'settings'      => get_option( 'kefu_settings', null ),
				'version'       => get_option( 'kefu_version', null ),
				'secret'        => get_option( 'kefu_secret', null ),
				'caps'          => $roles,
				'uploads'       => wp_upload_dir( null, false )['basedir'],
			)
		);
		break;

	case 'set-option':
		kefu_switch( $kefu_args );
		$settings                      = get_option( 'kefu_settings', array() );
		$settings[ $kefu_args['key'] ] = $kefu_args['value'];
		update_option( 'kefu_settings', $settings );
		kefu_out( get_option( 'kefu_settings' ) );
		break;

	case 'uninstall':
		// What WordPress does on the network Plugins screen's 'Network Deactivate'
		// then 'Delete', minus removing the files.
		deactivate_plugins( 'kefu/kefu.php', true, true );
		if ( is_plugin_active_for_network( 'kefu/kefu.php' ) ) {
			kefu_out( array( 'error' => 'still network-active after deactivation' ) );
		}
		uninstall_plugin( 'kefu/kefu.php' );
		kefu_out( array( 'ok' => true ) );
		break;

	default:
		fwrite( STDERR, "unknown command $kefu_command\n" );
		exit( 2 );
}
