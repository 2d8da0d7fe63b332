<?php
/**
 * Router for PHP's built-in server: existing files and directories are
 * served as they are, every other path goes to WordPress's index.php (pretty
 * permalinks and /wp-json/).
 */

$kefu_root = rtrim( $_SERVER['DOCUMENT_ROOT'], '/' );
$kefu_path = urldecode( (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) );

if ( '/' !== $kefu_path && is_file( $kefu_root . $kefu_path ) ) {
	return false;
}
if ( is_dir( $kefu_root . $kefu_path ) && is_file( rtrim( $kefu_root . $kefu_path, '/' ) . '/index.php' ) ) {
	return false;
}

$_SERVER['SCRIPT_NAME']     = '/index.php';
$_SERVER['PHP_SELF']        = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $kefu_root . '/index.php';
chdir( $kefu_root );
require $kefu_root . '/index.php';
