<?php
/**
 * Router for PHP's built-in server in front of a subdirectory multisite
 * network: the rules of core's multisite .htaccess.
 *
 *   /<site>/wp-admin            301 to /<site>/wp-admin/
 *   existing file or directory  served as it is
 *   /<site>/wp-(admin|content|includes)/…  the file at the root
 *   /<site>/….php               the script at the root
 *   anything else               index.php (pretty permalinks, /wp-json/)
 *
 * REQUEST_URI keeps the site's path, which is how WordPress tells the sites
 * apart; SCRIPT_NAME and PHP_SELF name the root script, as after Apache's
 * rewrite.
 */

$kefu_root = rtrim( $_SERVER['DOCUMENT_ROOT'], '/' );
$kefu_path = urldecode( (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) );

if ( false !== strpos( $kefu_path, '..' ) ) {
	http_response_code( 400 );
	return true;
}

if ( preg_match( '#^/[_0-9a-zA-Z-]+/wp-admin$#', $kefu_path ) ) {
	$kefu_query = parse_url( $_SERVER['REQUEST_URI'], PHP_URL_QUERY );
	header( 'Location: ' . $kefu_path . '/' . ( $kefu_query ? '?' . $kefu_query : '' ), true, 301 );
	return true;
}

if ( '/' !== $kefu_path && is_file( $kefu_root . $kefu_path ) ) {
	return false;
}
if ( is_dir( $kefu_root . $kefu_path ) && is_file( rtrim( $kefu_root . $kefu_path, '/' ) . '/index.php' ) ) {
	return false;
}

$kefu_target = null;
$kefu_script = null;
if ( preg_match( '#^/[_0-9a-zA-Z-]+(/wp-(?:admin|content|includes)(?:/.*)?)$#', $kefu_path, $kefu_m ) ) {
	$kefu_target = $kefu_m[1];
} elseif ( preg_match( '#^/[_0-9a-zA-Z-]+(/[^/].*\.php)$#', $kefu_path, $kefu_m ) ) {
	$kefu_target = $kefu_m[1];
}

if ( null !== $kefu_target ) {
	$kefu_file = $kefu_root . $kefu_target;
	if ( is_dir( $kefu_file ) && is_file( rtrim( $kefu_file, '/' ) . '/index.php' ) ) {
		$kefu_script = rtrim( $kefu_target, '/' ) . '/index.php';
	} elseif ( is_file( $kefu_file ) && '.php' === substr( $kefu_file, -4 ) ) {
		$kefu_script = $kefu_target;
	} elseif ( is_file( $kefu_file ) ) {
		$kefu_types = array(
			'css'   => 'text/css; charset=UTF-8',
			'js'    => 'text/javascript; charset=UTF-8',
			'mjs'   => 'text/javascript; charset=UTF-8',
			'json'  => 'application/json',
			'map'   => 'application/json',
			'svg'   => 'image/svg+xml',
			'png'   => 'image/png',
			'gif'   => 'image/gif',
			'jpg'   => 'image/jpeg',
			'jpeg'  => 'image/jpeg',
			'webp'  => 'image/webp',
			'ico'   => 'image/x-icon',
			'woff'  => 'font/woff',
			'woff2' => 'font/woff2',
			'ttf'   => 'font/ttf',
			'eot'   => 'application/vnd.ms-fontobject',
			'txt'   => 'text/plain; charset=UTF-8',
			'html'  => 'text/html; charset=UTF-8',
		);
		$kefu_ext = strtolower( pathinfo( $kefu_file, PATHINFO_EXTENSION ) );
		header( 'Content-Type: ' . ( $kefu_types[ $kefu_ext ] ?? 'application/octet-stream' ) );
		header( 'Content-Length: ' . filesize( $kefu_file ) );
		if ( 'HEAD' !== $_SERVER['REQUEST_METHOD'] ) {
			readfile( $kefu_file );
		}
		return true;
	}
}

// Scripts run in the global scope, as WordPress expects.
$kefu_script                = $kefu_script ?? '/index.php';
$_SERVER['SCRIPT_NAME']     = $kefu_script;
$_SERVER['PHP_SELF']        = $kefu_script;
$_SERVER['SCRIPT_FILENAME'] = $kefu_root . $kefu_script;
chdir( dirname( $kefu_root . $kefu_script ) );
require $kefu_root . $kefu_script;
