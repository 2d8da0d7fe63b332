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
		// A site added to a network where the plugin is network-active is set up like the others.
		add_action( 'wp_initialize_site', array( __CLASS__, 'initialize_site' ), 200 );
		add_filter( 'script_loader_tag', array( __CLASS__, 'module_script_tag' ), 10, 2 );
	}

	/**
	 * Loads the plugin's translations.
	 */
	public static function load_textdomain() {
		load_plugin_textdomain( 'kefu', false, dirname( plugin_basename( KEFU_PLUGIN_FILE ) ) . '/languages' );
	}

	/**
	 * Activation. Network-wide on a multisite network, every site is set up;
	 * each keeps its own settings, agents, secret notice and chat tables.
	 *
	 * @param bool $network_wide Whether the plugin is activated for the whole network.
	 */
	public static function activate( $network_wide = false ) {
		if ( ! is_multisite() || ! $network_wide ) {
			self::activate_site();
			return;
		}
		foreach ( get_sites(
			array(
				'fields' => 'ids',
				'number' => 0,
			)
		) as $site_id ) {
			switch_to_blog( $site_id );
			self::activate_site();
			restore_current_blog();
		}
	}

	/**
	 * Sets up a site created while the plugin is network-active.
	 *
	 * @param WP_Site $site The new site.
	 */
	public static function initialize_site( $site ) {
		if ( ! function_exists( 'is_plugin_active_for_network' ) ) {
			require_once ABSPATH . 'wp-admin/includes/plugin.php';
		}
		if ( ! is_plugin_active_for_network( plugin_basename( KEFU_PLUGIN_FILE ) ) ) {
			return;
		}
		switch_to_blog( $site->blog_id );
		self::activate_site();
		restore_current_blog();
	}

	/**
	 * Sets up the current site: grants the agent capability, creates the
	 * secret when wp-config.php has none, stores default settings and
	 * schedules the retention job.
	 */
	public static function activate_site() {
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
		Kefu_Retention::schedule();
	}

	/**
	 * Default settings.
	 *
	 * @return array
	 */
	public static function defaults() {
		return array(
			'server_url'       => '',
			'asset_source'     => 'site',
			'accent'           => '#2563eb',
			'position'         => 'right',
			'title'            => '',
			'greeting'         => '',
			'language'         => 'auto',
			'prechat'          => false,
			// '', 'name', 'email' or 'name email', as the widget's attribute.
			'prechat_required' => '',
			'theme'            => 'auto',
			// Empty: the widget shows the team's measured median.
			'reply_time'       => '',
			'sound'            => false,
			'visibility'       => 'all',
			'exclude_paths'    => '',
			'delete_data'      => false,
			// Privacy: off by default; the owner decides.
			'consent'          => false,
			'consent_text'     => '',
			'retention_days'   => 0,
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
			$url = self::default_server_url();
		}
		return untrailingslashit( $url );
	}

	/**
	 * Where the sidecar is when the owner did not say: `/kefu` on the site's
	 * origin; for a network's other sites, under the site's own path (each site
	 * has its own sidecar, see docs/wordpress.md, 'Multisite').
	 *
	 * @return string
	 */
	public static function default_server_url() {
		if ( is_multisite() && ! is_main_site() ) {
			return untrailingslashit( home_url( '/kefu' ) );
		}
		return self::site_origin() . '/kefu';
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
	 * Whether the plugin folder holds a built bundle ('widget' or 'admin'):
	 * the release zip ships them, a source checkout has none until it is built.
	 *
	 * @param string $bundle Bundle name.
	 * @return bool
	 */
	public static function has_bundle( $bundle ) {
		return file_exists( KEFU_PLUGIN_DIR . 'assets/' . $bundle . '.js' );
	}

	/**
	 * URL of a component bundle ('widget' or 'admin'), or '' when there is
	 * none to load. The console runs inside wp-admin next to a REST nonce, so
	 * only the plugin's own shipped copy may run there, never a file from the
	 * sidecar's origin. The widget uses the shipped copy too unless the owner
	 * chose the sidecar, or the copy is missing.
	 *
	 * @param string $bundle Bundle name.
	 * @return string
	 */
	public static function script_url( $bundle ) {
		$file = 'assets/' . $bundle . '.js';
		if ( 'admin' === $bundle ) {
			return self::has_bundle( $bundle ) ? plugins_url( $file, KEFU_PLUGIN_FILE ) : '';
		}
		if ( 'sidecar' !== self::get( 'asset_source' ) && self::has_bundle( $bundle ) ) {
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
		if ( ( 'admin' === $bundle || 'sidecar' !== self::get( 'asset_source' ) ) && file_exists( $path ) ) {
			return KEFU_VERSION . '.' . filemtime( $path );
		}
		return KEFU_VERSION;
	}

	/**
	 * Bundles enqueued through WordPress's script module API, which has no
	 * public way to ask whether a module is enqueued.
	 *
	 * @var array Handle => true.
	 */
	private static $script_modules = array();

	/**
	 * Enqueues a component bundle as an ES module: through WordPress's own
	 * script module API where it exists (6.5+), else as a script that
	 * module_script_tag() prints with type="module".
	 *
	 * @param string $handle  Handle, one of MODULE_HANDLES.
	 * @param string $src     URL of the bundle.
	 * @param string $version Version added to the URL.
	 */
	public static function enqueue_module( $handle, $src, $version ) {
		if ( function_exists( 'wp_enqueue_script_module' ) ) {
			wp_enqueue_script_module( $handle, $src, array(), $version );
			self::$script_modules[ $handle ] = true;
			return;
		}
		wp_enqueue_script( $handle, $src, array(), $version, true );
	}

	/**
	 * Whether enqueue_module() enqueued a bundle (and, on the fallback
	 * path, nothing dequeued it since).
	 *
	 * @param string $handle Handle.
	 * @return bool
	 */
	public static function module_enqueued( $handle ) {
		return isset( self::$script_modules[ $handle ] ) || wp_script_is( $handle, 'enqueued' );
	}

	/**
	 * Prints the component bundles as ES modules where WordPress has no
	 * module API of its own (before 6.5; see enqueue_module()).
	 *
	 * @param string $tag    The script tag.
	 * @param string $handle The script handle.
	 * @return string
	 */
	public static function module_script_tag( $tag, $handle ) {
		if ( ! in_array( $handle, self::MODULE_HANDLES, true ) ) {
			return $tag;
		}
		// $tag also holds the handle's inline scripts (wp_add_inline_script()),
		// which must stay classic: the bundle is the tag with the handle's id.
		$id = preg_quote( $handle . '-js', '/' );
		return (string) preg_replace_callback(
			'/<script\b[^>]*\sid=([\'"])' . $id . '\1[^>]*>/',
			function ( $matches ) {
				$open = preg_replace( '/\stype=([\'"])text\/javascript\1/', '', $matches[0] );
				if ( preg_match( '/\stype=([\'"])module\1/', $open ) ) {
					return $open;
				}
				return preg_replace( '/^<script\b/', '<script type="module"', $open );
			},
			$tag,
			1
		);
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
