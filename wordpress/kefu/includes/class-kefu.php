<?php
/**
 * Settings, the shared secret, activation and script loading.
 *
 * @package Kefu
 */

defined( 'ABSPATH' ) || exit;

/**
 * The plugin's core: what every other class asks about the configuration.
 */
class Kefu {

	/**
	 * Option holding the settings array.
	 */
	const OPTION = 'kefu_settings';

	/**
	 * Option holding the generated secret when wp-config.php defines none.
	 */
	const SECRET_OPTION = 'kefu_secret';

	/**
	 * Capability that lets a user answer chats in 'Live Chat'.
	 */
	const CAPABILITY = 'kefu_answer_chats';

	/**
	 * Roles granted the capability on activation.
	 */
	const AGENT_ROLES = array( 'administrator', 'editor' );

	/**
	 * Script handles printed as ES modules.
	 */
	const MODULE_HANDLES = array( 'kefu-widget', 'kefu-admin' );

	/**
	 * Hooks shared by the front end and the back office.
	 */
	public static function init() {
		add_action( 'init', array( __CLASS__, 'load_textdomain' ) );
		add_filter( 'script_loader_tag', array( __CLASS__, 'module_script_tag' ), 10, 2 );
	}

	/**
	 * Loads the plugin's translations.
	 */
	public static function load_textdomain() {
		load_plugin_textdomain( 'kefu', false, dirname( plugin_basename( KEFU_PLUGIN_FILE ) ) . '/languages' );
	}

	/**
	 * Activation: grants the agent capability, creates the secret when
	 * wp-config.php has none, and stores default settings.
	 */
	public static function activate() {
		foreach ( self::AGENT_ROLES as $role_name ) {
			$role = get_role( $role_name );
			if ( $role ) {
				$role->add_cap( self::CAPABILITY );
			}
		}

		if ( ! self::secret_from_config() && ! get_option( self::SECRET_OPTION ) ) {
			// Hex only, so that it can be pasted into wp-config.php as it is.
			add_option( self::SECRET_OPTION, bin2hex( random_bytes( 32 ) ), '', false );
		}

		add_option( self::OPTION, self::defaults() );
		update_option( 'kefu_version', KEFU_VERSION );
	}

	/**
	 * Default settings.
	 *
	 * @return array
	 */
	public static function defaults() {
		return array(
			'server_url'    => '',
			'asset_source'  => 'site',
			'accent'        => '#2563eb',
			'position'      => 'right',
			'title'         => '',
			'greeting'      => '',
			'language'      => 'auto',
			'prechat'       => false,
			'visibility'    => 'all',
			'exclude_paths' => '',
			'delete_data'   => false,
		);
	}

	/**
	 * The current settings, completed with defaults.
	 *
	 * @return array
	 */
	public static function settings() {
		$saved = get_option( self::OPTION, array() );
		return array_merge( self::defaults(), is_array( $saved ) ? $saved : array() );
	}

	/**
	 * One setting.
	 *
	 * @param string $key Setting name.
	 * @return mixed
	 */
	public static function get( $key ) {
		$settings = self::settings();
		return isset( $settings[ $key ] ) ? $settings[ $key ] : null;
	}

	/**
	 * The sidecar's public URL, ending in its `/kefu` path and without a
	 * trailing slash. Defaults to `/kefu` on the site's own origin, where a
	 * reverse proxy hands it to the sidecar.
	 *
	 * @return string
	 */
	public static function server_url() {
		$url = (string) self::get( 'server_url' );
		if ( '' === $url ) {
			$url = self::site_origin() . '/kefu';
		}
		return untrailingslashit( $url );
	}

	/**
	 * The value of the components' `server` attribute: the sidecar's URL
	 * without the `/kefu` every route starts with.
	 *
	 * @return string
	 */
	public static function server_base() {
		return preg_replace( '#/kefu$#', '', self::server_url() );
	}

	/**
	 * Scheme, host and port of the site's home URL.
	 *
	 * @return string
	 */
	public static function site_origin() {
		$parts  = wp_parse_url( home_url() );
		$origin = ( isset( $parts['scheme'] ) ? $parts['scheme'] : 'https' ) . '://' . ( isset( $parts['host'] ) ? $parts['host'] : '' );
		if ( isset( $parts['port'] ) ) {
			$origin .= ':' . $parts['port'];
		}
		return $origin;
	}

	/**
	 * URL of a component bundle ('widget' or 'admin'). The copy shipped in
	 * the plugin's assets folder is used unless the owner chose the sidecar,
	 * or the copy is missing (a plugin folder taken straight from source).
	 *
	 * @param string $bundle Bundle name.
	 * @return string
	 */
	public static function script_url( $bundle ) {
		$file = 'assets/' . $bundle . '.js';
		if ( 'sidecar' !== self::get( 'asset_source' ) && file_exists( KEFU_PLUGIN_DIR . $file ) ) {
			return plugins_url( $file, KEFU_PLUGIN_FILE );
		}
		return self::server_url() . '/' . $bundle . '.js';
	}

	/**
	 * Version string for a bundle's URL, so that browsers fetch a new copy
	 * after an update.
	 *
	 * @param string $bundle Bundle name.
	 * @return string
	 */
	public static function script_version( $bundle ) {
		$path = KEFU_PLUGIN_DIR . 'assets/' . $bundle . '.js';
		if ( 'sidecar' !== self::get( 'asset_source' ) && file_exists( $path ) ) {
			return KEFU_VERSION . '.' . filemtime( $path );
		}
		return KEFU_VERSION;
	}

	/**
	 * Prints the component bundles as ES modules: WordPress 6.1 has no
	 * module API of its own.
	 *
	 * @param string $tag    The script tag.
	 * @param string $handle The script handle.
	 * @return string
	 */
	public static function module_script_tag( $tag, $handle ) {
		if ( ! in_array( $handle, self::MODULE_HANDLES, true ) ) {
			return $tag;
		}
		$tag = preg_replace( '/\stype=([\'"])text\/javascript\1/', '', $tag );
		return preg_replace( '/<script\b/', '<script type="module"', $tag, 1 );
	}

	/**
	 * The widget's language: the owner's choice, or the site's.
	 *
	 * @return string 'en' or 'zh-CN'.
	 */
	public static function widget_language() {
		$language = self::get( 'language' );
		return 'auto' === $language ? self::language_for_locale( determine_locale() ) : $language;
	}

	/**
	 * Maps a WordPress locale to a language the components speak.
	 *
	 * @param string $locale Locale, e.g. 'zh_CN'.
	 * @return string 'en' or 'zh-CN'.
	 */
	public static function language_for_locale( $locale ) {
		return 0 === strpos( (string) $locale, 'zh' ) ? 'zh-CN' : 'en';
	}

	/**
	 * The secret from wp-config.php's KEFU_SECRET constant, or ''.
	 *
	 * @return string
	 */
	public static function secret_from_config() {
		if ( defined( 'KEFU_SECRET' ) && is_string( KEFU_SECRET ) && '' !== KEFU_SECRET ) {
			return KEFU_SECRET;
		}
		return '';
	}

	/**
	 * The shared secret that signs agent tokens: the KEFU_SECRET constant
	 * when defined, else the one generated on activation. The sidecar reads
	 * only wp-config.php, so the generated one works only once it is copied
	 * there; the settings page says so.
	 *
	 * @return string
	 */
	public static function secret() {
		$secret = self::secret_from_config();
		if ( '' === $secret ) {
			$secret = (string) get_option( self::SECRET_OPTION, '' );
		}
		return $secret;
	}
}
