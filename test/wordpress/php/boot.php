<?php
/**
 * The start the command-line scripts here share (wp.php, network.php,
 * fixes.php), each run as
 *
 *   php SCRIPT SITE_DIR COMMAND [JSON]
 *
 * Reads the arguments into $kefu_site, $kefu_command and $kefu_args, loads
 * WordPress for the host of $kefu_args['home'] as wp-admin would (as the
 * installer for the command 'install'), and defines kefu_out(). Required
 * from the global scope, where WordPress expects to load.
 *
 * A script may set, before requiring this file:
 *
 *   $kefu_network = true   SERVER_NAME and SERVER_PORT 80 as well, which a
 *                          network's site lookup reads (network.php).
 *   $kefu_admin   = false  without wp-admin's upgrade, plugin and file
 *                          functions (fixes.php).
 */

if ( $argc < 3 ) {
	fwrite( STDERR, 'usage: php ' . basename( $argv[0] ) . " SITE_DIR COMMAND [JSON]\n" );
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
$_SERVER['HTTP_HOST'] = parse_url( $kefu_args['home'] ?? 'http://127.0.0.1', PHP_URL_HOST );
if ( ! empty( $kefu_network ) ) {
	$_SERVER['SERVER_NAME'] = $_SERVER['HTTP_HOST'];
	$_SERVER['SERVER_PORT'] = '80';
}
$_SERVER['REQUEST_URI'] = '/';

require $kefu_site . '/wp-load.php';
if ( $kefu_admin ?? true ) {
	require_once ABSPATH . 'wp-admin/includes/upgrade.php';
	require_once ABSPATH . 'wp-admin/includes/plugin.php';
	require_once ABSPATH . 'wp-admin/includes/file.php';
}

/**
 * Prints the result on a line of its own, the last of the output, and ends.
 *
 * @param mixed $value Result.
 */
function kefu_out( $value ) {
	echo "\n" . wp_json_encode( $value ) . "\n";
	exit( 0 );
}

/**
 * wp_install() with the administrator from the arguments (user, email,
 * password, displayName); returns the administrator's id.
 *
 * @param string $title Site title.
 * @param array  $args  Command arguments.
 * @return int
 */
function kefu_install( $title, $args ) {
	$result = wp_install( $title, $args['user'], $args['email'], false, '', wp_slash( $args['password'] ) );
	wp_update_user(
		array(
			'ID'           => $result['user_id'],
			'display_name' => $args['displayName'],
		)
	);
	return $result['user_id'];
}

/**
 * wp_insert_user() with the user from the arguments (user, password, email,
 * displayName, role) on the current site.
 *
 * @param array $args Command arguments.
 * @return int|WP_Error
 */
function kefu_insert_user( $args ) {
	return wp_insert_user(
		array(
			'user_login'   => $args['user'],
			'user_pass'    => $args['password'],
			'user_email'   => $args['email'],
			'display_name' => $args['displayName'],
			'role'         => $args['role'],
		)
	);
}
