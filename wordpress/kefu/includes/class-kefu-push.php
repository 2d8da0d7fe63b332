<?php
/**
 * Web Push for agents in wp-admin: the console's service worker and web app
 * manifest, served from the plugin under the wp-admin path (docs/push.md).
 *
 * @package Kefu
 */

defined( 'ABSPATH' ) || exit;

/**
 * Serves the service worker the sidecar builds (assets/console-sw.js) from
 * admin-ajax.php, so that its scope is wp-admin, where the 'Live Chat' page
 * is; a plugin file under wp-content could only control wp-content. Serves
 * the manifest that makes the page an installable app (phones: the home
 * screen, which iOS requires for Web Push), links it from the page, and
 * gives `<kefu-admin>` the worker's address.
 */
class Kefu_Push {

	/**
	 * The admin-ajax action of the service worker.
	 */
	const WORKER_ACTION = 'kefu_console_sw';

	/**
	 * The admin-ajax action of the web app manifest.
	 */
	const MANIFEST_ACTION = 'kefu_console_manifest';

	/**
	 * The console's colour, as the sidecar's own manifest has it.
	 */
	const THEME_COLOR = '#2563eb';

	/**
	 * Hooks.
	 */
	public static function init() {
		// Also for visitors not logged in: a browser checks a worker for updates, and
		// fetches a manifest, without the site's cookies; neither file holds anything private.
		add_action( 'wp_ajax_' . self::WORKER_ACTION, array( __CLASS__, 'serve_worker' ) );
		add_action( 'wp_ajax_nopriv_' . self::WORKER_ACTION, array( __CLASS__, 'serve_worker' ) );
		add_action( 'wp_ajax_' . self::MANIFEST_ACTION, array( __CLASS__, 'serve_manifest' ) );
		add_action( 'wp_ajax_nopriv_' . self::MANIFEST_ACTION, array( __CLASS__, 'serve_manifest' ) );
		add_action( 'admin_head', array( __CLASS__, 'app_links' ) );
		add_filter( 'kefu_admin_attributes', array( __CLASS__, 'attributes' ) );
	}

	/**
	 * Whether the plugin holds the built worker: the release zip does, a source checkout does not.
	 *
	 * @return bool
	 */
	public static function available() {
		return is_readable( KEFU_PLUGIN_DIR . 'assets/console-sw.js' );
	}

	/**
	 * The 'Live Chat' page, which a notification opens.
	 *
	 * @return string
	 */
	public static function console_url() {
		return admin_url( 'admin.php?page=' . Kefu_Admin::PAGE );
	}

	/**
	 * The worker's address. Its parameters tell it the page to open and its icon.
	 *
	 * @return string
	 */
	public static function worker_url() {
		return add_query_arg(
			array(
				'action'  => self::WORKER_ACTION,
				'console' => rawurlencode( self::console_url() ),
				'icon'    => rawurlencode( plugins_url( 'assets/console-icon-192.png', KEFU_PLUGIN_FILE ) ),
			),
			admin_url( 'admin-ajax.php' )
		);
	}

	/**
	 * The path of wp-admin, the worker's scope.
	 *
	 * @return string
	 */
	public static function scope() {
		return (string) wp_parse_url( admin_url( '/' ), PHP_URL_PATH );
	}

	/**
	 * Prints the worker and ends the request.
	 */
	public static function serve_worker() {
		if ( ! self::available() ) {
			status_header( 404 );
			exit;
		}
		header( 'Content-Type: text/javascript; charset=utf-8' );
		// Its default scope is admin-ajax.php's folder already; this says so to browsers that ask.
		header( 'Service-Worker-Allowed: ' . self::scope() );
		header( 'Cache-Control: no-cache' );
		header( 'X-Content-Type-Options: nosniff' );
		readfile( KEFU_PLUGIN_DIR . 'assets/console-sw.js' ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_readfile -- the plugin's own built file, sent as it is.
		exit;
	}

	/**
	 * Prints the web app manifest and ends the request.
	 */
	public static function serve_manifest() {
		$icon = plugins_url( 'assets/console-icon-%d.png', KEFU_PLUGIN_FILE );
		header( 'Content-Type: application/manifest+json; charset=utf-8' );
		header( 'X-Content-Type-Options: nosniff' );
		echo wp_json_encode(
			array(
				'id'               => self::console_url(),
				'name'             => wp_specialchars_decode( get_bloginfo( 'name' ), ENT_QUOTES ) . ' · ' . __( 'Live Chat', 'kefu' ),
				'short_name'       => __( 'Live Chat', 'kefu' ),
				'start_url'        => self::console_url(),
				'scope'            => self::scope(),
				'display'          => 'standalone',
				'background_color' => '#ffffff',
				'theme_color'      => self::THEME_COLOR,
				'icons'            => array(
					array(
						'src'     => sprintf( $icon, 192 ),
						'sizes'   => '192x192',
						'type'    => 'image/png',
						'purpose' => 'any',
					),
					array(
						'src'     => sprintf( $icon, 512 ),
						'sizes'   => '512x512',
						'type'    => 'image/png',
						'purpose' => 'any',
					),
					array(
						'src'     => sprintf( $icon, 512 ),
						'sizes'   => '512x512',
						'type'    => 'image/png',
						'purpose' => 'maskable',
					),
				),
			),
			JSON_UNESCAPED_SLASHES
		);
		exit;
	}

	/**
	 * Links the manifest, the theme colour and the home-screen icon from the 'Live Chat' page.
	 */
	public static function app_links() {
		$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
		if ( ! $screen || 'toplevel_page_' . Kefu_Admin::PAGE !== $screen->id || ! current_user_can( Kefu::CAPABILITY ) || ! self::available() ) {
			return;
		}
		printf( '<link rel="manifest" href="%s">' . "\n", esc_url( add_query_arg( 'action', self::MANIFEST_ACTION, admin_url( 'admin-ajax.php' ) ) ) );
		printf( '<meta name="theme-color" content="%s">' . "\n", esc_attr( self::THEME_COLOR ) );
		printf( '<link rel="apple-touch-icon" href="%s">' . "\n", esc_url( plugins_url( 'assets/console-icon-192.png', KEFU_PLUGIN_FILE ) ) );
	}

	/**
	 * Gives `<kefu-admin>` the worker, which shows the console's Push tool.
	 *
	 * @param array $attrs The element's attributes.
	 * @return array
	 */
	public static function attributes( $attrs ) {
		if ( self::available() ) {
			$attrs['push-worker'] = self::worker_url();
		}
		return $attrs;
	}
}
