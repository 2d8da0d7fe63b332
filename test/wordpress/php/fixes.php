<?php
/**
 * Calls the plugin's functions inside a test site, for checks that need a
 * WordPress set up in a way the site is not (another home URL, a newer
 * script API):
 *
 *   php fixes.php SITE_DIR COMMAND [JSON]
 *
 * Prints one line of JSON with the result. Loads WordPress the way wp.php does.
 */

$kefu_admin = false;
require __DIR__ . '/boot.php';

switch ( $kefu_command ) {
	case 'paths':
		// The site as if installed at `homeUrl` (e.g. http://host/blog).
		$kefu_home = untrailingslashit( $kefu_args['homeUrl'] );
		add_filter(
			'home_url',
			function ( $url, $path ) use ( $kefu_home ) {
				return $kefu_home . ( is_string( $path ) && '' !== $path ? '/' . ltrim( $path, '/' ) : '' );
			},
			10,
			2
		);
		$kefu_results = array();
		foreach ( $kefu_args['cases'] as $kefu_case ) {
			$_SERVER['REQUEST_URI'] = $kefu_case['uri'];
			$kefu_path              = Kefu_Embed::request_path();
			$kefu_results[]         = array(
				'uri'   => $kefu_case['uri'],
				'path'  => $kefu_path,
				'match' => Kefu_Embed::path_matches( $kefu_path, $kefu_case['patterns'] ),
			);
		}
		kefu_out( array( 'home' => home_url(), 'results' => $kefu_results ) );
		break;

	case 'modules':
		// WordPress 6.5+ prints ES modules itself; on an older one, a stand-in
		// that records what it is asked for.
		$kefu_stub = ! function_exists( 'wp_enqueue_script_module' );
		if ( $kefu_stub ) {
			$GLOBALS['kefu_module_calls'] = array();
			/**
			 * Stand-in for WordPress 6.5's wp_enqueue_script_module().
			 *
			 * @param string $id      Module id.
			 * @param string $src     URL.
			 * @param array  $deps    Dependencies.
			 * @param mixed  $version Version.
			 */
			function wp_enqueue_script_module( $id, $src = '', $deps = array(), $version = false ) {
				$GLOBALS['kefu_module_calls'][] = array(
					'id'      => $id,
					'src'     => $src,
					'version' => $version,
				);
			}
		}
		wp_set_current_user( (int) $kefu_args['userId'] );
		Kefu::enqueue_module( 'kefu-widget', Kefu::script_url( 'widget' ), Kefu::script_version( 'widget' ) );
		Kefu_Admin::enqueue( 'toplevel_page_' . Kefu_Admin::PAGE );
		ob_start();
		Kefu_Embed::print_element();
		$kefu_element = ob_get_clean();
		kefu_out(
			array(
				'stub'      => $kefu_stub,
				'calls'     => $kefu_stub ? $GLOBALS['kefu_module_calls'] : null,
				'classic'   => array(
					'kefu-widget' => wp_script_is( 'kefu-widget', 'enqueued' ),
					'kefu-admin'  => wp_script_is( 'kefu-admin', 'enqueued' ),
				),
				'widgetUrl' => Kefu::script_url( 'widget' ),
				'adminUrl'  => Kefu::script_url( 'admin' ),
				'element'   => trim( $kefu_element ),
			)
		);
		break;

	default:
		fwrite( STDERR, "unknown command $kefu_command\n" );
		exit( 2 );
}
