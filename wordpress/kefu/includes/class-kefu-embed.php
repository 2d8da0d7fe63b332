<?php
/**
 * The visitor widget on the site's pages.
 *
 * @package Kefu
 */

defined( 'ABSPATH' ) || exit;

/**
 * Loads the widget bundle and prints `<kefu-chat>` on the pages the owner
 * chose.
 */
class Kefu_Embed {

	/**
	 * Hooks.
	 */
	public static function init() {
		add_action( 'wp_enqueue_scripts', array( __CLASS__, 'enqueue' ) );
		add_action( 'wp_footer', array( __CLASS__, 'print_element' ) );
	}

	/**
	 * Whether the widget belongs on the current page.
	 *
	 * @return bool
	 */
	public static function should_show() {
		if ( is_admin() || is_feed() || is_embed() || is_robots() || is_trackback() ) {
			return false;
		}

		$settings = Kefu::settings();
		switch ( $settings['visibility'] ) {
			case 'logged_in':
				$show = is_user_logged_in();
				break;
			case 'exclude':
				$show = ! self::path_matches( self::request_path(), $settings['exclude_paths'] );
				break;
			default:
				$show = true;
		}

		/**
		 * Filters whether the chat widget is shown on the current page.
		 *
		 * @param bool $show Whether to show it.
		 */
		return (bool) apply_filters( 'kefu_show_widget', $show );
	}

	/**
	 * The current request's path, percent-decoded and relative to the home
	 * URL's path: on a site at http://example.com/blog, /blog/shop/x is
	 * /shop/x, the way the owner sees it in the site's links.
	 *
	 * @return string
	 */
	public static function request_path() {
		$uri  = isset( $_SERVER['REQUEST_URI'] ) ? esc_url_raw( wp_unslash( $_SERVER['REQUEST_URI'] ) ) : '/';
		$path = wp_parse_url( $uri, PHP_URL_PATH );
		$path = is_string( $path ) && '' !== $path ? rawurldecode( $path ) : '/';

		$home = wp_parse_url( home_url(), PHP_URL_PATH );
		$home = is_string( $home ) ? untrailingslashit( rawurldecode( $home ) ) : '';
		// Only a whole leading segment is the site's folder: not /blogger for /blog.
		if ( '' !== $home && 0 === strpos( $path . '/', $home . '/' ) ) {
			$path = substr( $path, strlen( $home ) );
		}
		return '' === $path ? '/' : $path;
	}

	/**
	 * Whether a path matches one of the patterns, one per line. A pattern
	 * ending in `*` matches every path that starts with the rest; any other
	 * matches that path exactly, with or without a trailing slash. Case does
	 * not matter, and /café/ and /caf%C3%A9/ are the same pattern.
	 *
	 * @param string $path     Request path, decoded (see request_path()).
	 * @param string $patterns Patterns, one per line.
	 * @return bool
	 */
	public static function path_matches( $path, $patterns ) {
		$lower = function ( $text ) {
			return function_exists( 'mb_strtolower' ) ? mb_strtolower( $text, 'UTF-8' ) : strtolower( $text );
		};
		$path  = $lower( (string) $path );
		foreach ( preg_split( '/\R/', (string) $patterns ) as $pattern ) {
			$pattern = $lower( rawurldecode( trim( $pattern ) ) );
			if ( '' === $pattern ) {
				continue;
			}
			if ( '*' === substr( $pattern, -1 ) ) {
				if ( 0 === strpos( $path, substr( $pattern, 0, -1 ) ) ) {
					return true;
				}
			} elseif ( untrailingslashit( $pattern ) === untrailingslashit( $path ) ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Enqueues the widget bundle.
	 */
	public static function enqueue() {
		if ( ! self::should_show() ) {
			return;
		}
		Kefu::enqueue_module( 'kefu-widget', Kefu::script_url( 'widget' ), Kefu::script_version( 'widget' ) );
	}

	/**
	 * The `<kefu-chat>` attributes for the current visitor.
	 *
	 * @return array Attribute name => value; true for a boolean attribute.
	 */
	public static function attributes() {
		$settings = Kefu::settings();
		$attrs    = array(
			'server'           => Kefu::server_base(),
			'accent'           => $settings['accent'],
			'position'         => $settings['position'],
			'heading'          => $settings['title'],
			'greeting'         => $settings['greeting'],
			'lang'             => Kefu::widget_language(),
			'prechat'          => (bool) $settings['prechat'],
			// Left out when empty or when there is no form to require fields of.
			'prechat-required' => $settings['prechat'] ? (string) $settings['prechat_required'] : '',
			// 'auto' is the widget's default: no attribute.
			'theme'            => in_array( $settings['theme'], array( 'light', 'dark' ), true ) ? $settings['theme'] : '',
			'reply-time'       => (string) $settings['reply_time'],
			'sound'            => (bool) $settings['sound'],
		);

		// A logged-in user is vouched for with a signed identity token, never with
		// plain name and email attributes that anyone could write into a page.
		$user = wp_get_current_user();
		if ( $user->exists() ) {
			$identity = Kefu_Token::identity( $user );
			if ( ! is_wp_error( $identity ) ) {
				$attrs['identity']       = $identity['token'];
				$attrs['identity-url']   = rest_url( 'kefu/v1/identity-token' );
				$attrs['identity-nonce'] = wp_create_nonce( 'wp_rest' );
			}
		}

		if ( $settings['consent'] ) {
			$attrs['consent']     = '' !== $settings['consent_text'] ? $settings['consent_text'] : __( 'I agree that this site stores my messages to answer me.', 'kefu' );
			$attrs['privacy-url'] = get_privacy_policy_url();
		}

		/**
		 * Filters the attributes of the `<kefu-chat>` element.
		 *
		 * @param array $attrs Attribute name => value; true for a boolean attribute.
		 */
		return (array) apply_filters( 'kefu_widget_attributes', $attrs );
	}

	/**
	 * Prints `<kefu-chat>` where the bundle was enqueued.
	 */
	public static function print_element() {
		if ( ! Kefu::module_enqueued( 'kefu-widget' ) ) {
			return;
		}
		echo "\n" . self::element( 'kefu-chat', self::attributes() ) . "\n"; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in element().
	}

	/**
	 * An empty custom element with escaped attributes. Empty strings and
	 * false leave an attribute out; true writes it bare.
	 *
	 * @param string $tag   Element name.
	 * @param array  $attrs Attribute name => value.
	 * @return string
	 */
	public static function element( $tag, array $attrs ) {
		$html = '<' . tag_escape( $tag );
		foreach ( $attrs as $name => $value ) {
			if ( false === $value || null === $value || '' === $value ) {
				continue;
			}
			$name = preg_replace( '/[^a-z0-9\-]/', '', strtolower( (string) $name ) );
			if ( true === $value ) {
				$html .= ' ' . $name;
			} else {
				$html .= ' ' . $name . '="' . esc_attr( (string) $value ) . '"';
			}
		}
		return $html . '></' . tag_escape( $tag ) . '>';
	}
}
