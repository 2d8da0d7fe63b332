<?php
/**
 * Drives a test site from the command line, the way wp-cli would:
 *
 *   php wp.php SITE_DIR COMMAND [JSON]
 *
 * Prints one line of JSON with the result.
 */

if ( $argc < 3 ) {
	fwrite( STDERR, "usage: php wp.php SITE_DIR COMMAND [JSON]\n" );
	exit( 2 );
}

$kefu_site    = rtrim( $argv[1], '/' );
$kefu_command = $argv[2];
$kefu_args    = isset( $argv[3] ) ? json_decode( $argv[3], true ) : array();

if ( 'install' === $kefu_command ) {
	define( 'WP_INSTALLING', true );
} else {
	define( 'WP_ADMIN', true );
}
$_SERVER['HTTP_HOST']   = parse_url( $kefu_args['home'] ?? 'http://127.0.0.1', PHP_URL_HOST );
$_SERVER['REQUEST_URI'] = '/';

require $kefu_site . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/file.php';

/**
 * Prints the result and ends.
 *
 * @param mixed $value Result.
 */
function kefu_out( $value ) {
	echo wp_json_encode( $value ) . "\n";
	exit( 0 );
}

switch ( $kefu_command ) {
	case 'install':
		$result = wp_install( 'Kefu Test Site', $kefu_args['user'], $kefu_args['email'], false, '', wp_slash( $kefu_args['password'] ) );
		global $wp_rewrite;
		$wp_rewrite->set_permalink_structure( '/%postname%/' );
		flush_rewrite_rules();
		wp_update_user(
			array(
				'ID'           => $result['user_id'],
				'display_name' => $kefu_args['displayName'],
			)
		);
		kefu_out( array( 'userId' => $result['user_id'] ) );
		break;

	case 'add-user':
		$id = wp_insert_user(
			array(
				'user_login'   => $kefu_args['user'],
				'user_pass'    => $kefu_args['password'],
				'user_email'   => $kefu_args['email'],
				'display_name' => $kefu_args['displayName'],
				'role'         => $kefu_args['role'],
			)
		);
		kefu_out( is_wp_error( $id ) ? array( 'error' => $id->get_error_message() ) : array( 'userId' => $id ) );
		break;

	case 'state':
		$roles = array();
		foreach ( wp_roles()->role_objects as $name => $role ) {
			$roles[ $name ] = $role->has_cap( 'kefu_answer_chats' );
		}
		kefu_out(
			array(
				'active'   => is_plugin_active( 'kefu/kefu.php' ),
				'files'    => is_file( WP_PLUGIN_DIR . '/kefu/kefu.php' ),
				'settings' => get_option( 'kefu_settings', null ),
				'secret'   => get_option( 'kefu_secret', null ),
				'version'  => get_option( 'kefu_version', null ),
				'caps'     => $roles,
			)
		);
		break;

	case 'export':
	case 'erase':
		$list = 'export' === $kefu_command
			? apply_filters( 'wp_privacy_personal_data_exporters', array() )
			: apply_filters( 'wp_privacy_personal_data_erasers', array() );
		if ( ! isset( $list['kefu'] ) ) {
			kefu_out( array( 'error' => 'not registered' ) );
		}
		$pages = array();
		for ( $page = 1; $page < 50; $page++ ) {
			$answer  = call_user_func( $list['kefu']['callback'], $kefu_args['email'], $page );
			$pages[] = $answer;
			if ( ! empty( $answer['done'] ) ) {
				break;
			}
		}
		kefu_out( $pages );
		break;

	case 'user-locale':
		update_user_meta( (int) $kefu_args['userId'], 'locale', (string) $kefu_args['locale'] );
		kefu_out( array( 'ok' => true ) );
		break;

	case 'set-option':
		$settings                        = get_option( 'kefu_settings', array() );
		$settings[ $kefu_args['key'] ]   = $kefu_args['value'];
		update_option( 'kefu_settings', $settings );
		kefu_out( get_option( 'kefu_settings' ) );
		break;

	case 'activate':
		$result = activate_plugin( 'kefu/kefu.php' );
		kefu_out( is_wp_error( $result ) ? array( 'error' => $result->get_error_message() ) : array( 'ok' => true ) );
		break;

	case 'uninstall':
		// What WordPress does on 'Delete' after 'Deactivate', minus removing the files.
		deactivate_plugins( 'kefu/kefu.php', true );
		uninstall_plugin( 'kefu/kefu.php' );
		kefu_out( array( 'ok' => true ) );
		break;

	case 'delete':
		// The Plugins screen's 'Delete': runs uninstall.php, then removes the files.
		deactivate_plugins( 'kefu/kefu.php', true );
		$result = delete_plugins( array( 'kefu/kefu.php' ) );
		kefu_out( is_wp_error( $result ) ? array( 'error' => $result->get_error_message() ) : array( 'ok' => (bool) $result ) );
		break;

	default:
		fwrite( STDERR, "unknown command $kefu_command\n" );
		exit( 2 );
}
