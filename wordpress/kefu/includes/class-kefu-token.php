<?php
/**
 * Agent and identity tokens: signing, and the REST routes that mint fresh ones.
 *
 * @package Kefu
 */

defined( 'ABSPATH' ) || exit;

/**
 * Signs the HS256 tokens the sidecar accepts: agent tokens for users who answer
 * chats, and identity tokens that vouch for a logged-in visitor. Serves
 * `kefu/v1/agent-token` so that the open 'Live Chat' page renews its token, and
 * `kefu/v1/identity-token` for a widget whose page outlived its identity token.
 *
 * Agent tokens are short: the console renews them every few minutes, and a user
 * who logs out, loses the capability or is deleted gets no new one, so their
 * console stops within one lifetime.
 */
class Kefu_Token {

	/**
	 * Default agent token lifetime in seconds.
	 */
	const TTL = 10 * MINUTE_IN_SECONDS;

	/**
	 * Shortest agent token lifetime the filter may set.
	 */
	const MIN_TTL = 15;

	/**
	 * Longest lifetime the wire protocol allows.
	 */
	const MAX_TTL = 12 * HOUR_IN_SECONDS;

	/**
	 * Identity token lifetime: it is checked once, when the chat starts.
	 */
	const IDENTITY_TTL = 10 * MINUTE_IN_SECONDS;

	/**
	 * Hooks.
	 */
	public static function init() {
		add_action( 'rest_api_init', array( __CLASS__, 'register_route' ) );
	}

	/**
	 * Registers `kefu/v1/agent-token`. Cookie authentication: the request
	 * needs the `wp_rest` nonce (X-WP-Nonce), without which WordPress treats
	 * it as anonymous.
	 */
	public static function register_route() {
		// POST only: a credential is never minted by a request a link or an image can make.
		register_rest_route(
			'kefu/v1',
			'/agent-token',
			array(
				'methods'             => 'POST',
				'callback'            => array( __CLASS__, 'rest_mint' ),
				'permission_callback' => array( __CLASS__, 'rest_permission' ),
			)
		);
		register_rest_route(
			'kefu/v1',
			'/identity-token',
			array(
				'methods'             => 'POST',
				'callback'            => array( __CLASS__, 'rest_identity' ),
				'permission_callback' => 'is_user_logged_in',
			)
		);
	}

	/**
	 * Answers `{token, expiresAt}` vouching for the current user.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public static function rest_identity() {
		return self::answer( self::identity( wp_get_current_user() ) );
	}

	/**
	 * Only users who answer chats get a token.
	 *
	 * @return bool
	 */
	public static function rest_permission() {
		return current_user_can( Kefu::CAPABILITY );
	}

	/**
	 * Answers `{token, expiresAt}` for the current user.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public static function rest_mint() {
		return self::answer( self::mint( wp_get_current_user() ) );
	}

	/**
	 * A REST answer for a minted token. Only logged-in users get one, and
	 * WordPress sends no-cache headers for them.
	 *
	 * @param array|WP_Error $minted What mint() or identity() returned.
	 * @return WP_REST_Response|WP_Error
	 */
	private static function answer( $minted ) {
		if ( is_wp_error( $minted ) ) {
			return $minted;
		}
		return new WP_REST_Response(
			array(
				'token'     => $minted['token'],
				'expiresAt' => gmdate( 'Y-m-d\TH:i:s\Z', $minted['expires'] ),
			)
		);
	}

	/**
	 * Signs an identity token for a logged-in user: `typ` "identity", `sub`
	 * "user:<id>", `name`, `email`, `site`, `iat`, `exp`. The sidecar marks the
	 * visitor's conversation verified from it and keeps one conversation per user.
	 *
	 * @param WP_User  $user User the token speaks for.
	 * @param int|null $now  Issue time (Unix seconds); now when null.
	 * @return array|WP_Error `token` and `expires` (Unix seconds).
	 */
	public static function identity( $user, $now = null ) {
		return self::sign_for(
			$user,
			array(
				'sub'   => 'user:' . ( $user instanceof WP_User ? $user->ID : 0 ),
				'typ'   => 'identity',
				'email' => $user instanceof WP_User ? $user->user_email : '',
			),
			self::IDENTITY_TTL,
			$now
		);
	}

	/**
	 * Signs an agent token for a user: `sub` "agent:<id>", `typ` "agent",
	 * `name` (display name), `site` (blog id), `iat`, `exp`, `manage` (true)
	 * for users who may manage the site's options, and `avatar` (the user's
	 * picture for the chat widget) when avatar_url() finds one.
	 *
	 * @param WP_User  $user User the token speaks for.
	 * @param int|null $now  Issue time (Unix seconds); now when null.
	 * @return array|WP_Error `token` and `expires` (Unix seconds).
	 */
	public static function mint( $user, $now = null ) {
		/**
		 * Filters the agent token's lifetime in seconds (15 s to 12 hours; 10
		 * minutes by default). A user who loses access keeps a console that
		 * works until the token expires.
		 *
		 * @param int     $ttl  Lifetime in seconds.
		 * @param WP_User $user The agent.
		 */
		$ttl    = (int) apply_filters( 'kefu_agent_token_ttl', self::TTL, $user );
		$claims = array(
			'sub' => 'agent:' . ( $user instanceof WP_User ? $user->ID : 0 ),
			'typ' => 'agent',
		);
		// Site managers edit the team's shared canned replies; every agent uses them.
		if ( $user instanceof WP_User && user_can( $user, 'manage_options' ) ) {
			$claims['manage'] = true;
		}
		$avatar = $user instanceof WP_User ? self::avatar_url( $user ) : '';
		if ( '' !== $avatar ) {
			$claims['avatar'] = $avatar;
		}
		return self::sign_for(
			$user,
			$claims,
			max( self::MIN_TTL, min( self::MAX_TTL, $ttl ) ),
			$now
		);
	}

	/**
	 * The user's avatar as the chat widget shows it beside their replies and in
	 * its header. Visitors' browsers load it on every page with the chat, so it
	 * is https, or http only while the site itself is http (no mixed content);
	 * none when the site turned avatars off. The sidecar checks it again.
	 *
	 * @param WP_User $user The agent.
	 * @return string The URL, or '' for none.
	 */
	private static function avatar_url( $user ) {
		if ( ! get_option( 'show_avatars' ) ) {
			return '';
		}
		$url = get_avatar_url( $user->ID, array( 'size' => 96 ) );
		// The sidecar ignores longer claims.
		if ( ! is_string( $url ) || '' === $url || strlen( $url ) > 512 ) {
			return '';
		}
		$scheme = wp_parse_url( $url, PHP_URL_SCHEME );
		$https  = 'https' === $scheme;
		$http   = 'http' === $scheme && 'http' === wp_parse_url( home_url(), PHP_URL_SCHEME );
		return $https || $http ? $url : '';
	}

	/**
	 * Signs a token speaking for a user: the given claims plus `name`, `site`
	 * (on a network, another site's sidecar refuses it: KEFU_SITE_ID), `iat`
	 * and `exp`.
	 *
	 * @param WP_User  $user   User the token speaks for.
	 * @param array    $claims `sub`, `typ` and any others.
	 * @param int      $ttl    Lifetime in seconds.
	 * @param int|null $now    Issue time (Unix seconds); now when null.
	 * @return array|WP_Error `token` and `expires` (Unix seconds).
	 */
	private static function sign_for( $user, array $claims, $ttl, $now ) {
		$secret = Kefu::secret();
		if ( '' === $secret ) {
			return new WP_Error( 'kefu_no_secret', __( 'Kefu has no shared secret. Define KEFU_SECRET in wp-config.php.', 'kefu' ), array( 'status' => 500 ) );
		}
		if ( ! $user instanceof WP_User || ! $user->exists() ) {
			return new WP_Error( 'kefu_no_user', __( 'No user to sign a token for.', 'kefu' ), array( 'status' => 401 ) );
		}
		$now    = null === $now ? time() : (int) $now;
		$claims = array_merge(
			$claims,
			array(
				'name' => '' !== $user->display_name ? $user->display_name : $user->user_login,
				'site' => get_current_blog_id(),
				'iat'  => $now,
				'exp'  => $now + (int) $ttl,
			)
		);
		return array(
			'token'   => self::sign( $claims, $secret ),
			'expires' => $claims['exp'],
		);
	}

	/**
	 * Encodes and signs a JWT with HS256.
	 *
	 * @param array  $claims Claims.
	 * @param string $secret HMAC key.
	 * @return string
	 */
	public static function sign( array $claims, $secret ) {
		$header  = self::base64url(
			wp_json_encode(
				array(
					'alg' => 'HS256',
					'typ' => 'JWT',
				)
			)
		);
		$payload = self::base64url( wp_json_encode( $claims, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES ) );
		$input   = $header . '.' . $payload;
		return $input . '.' . self::base64url( hash_hmac( 'sha256', $input, $secret, true ) );
	}

	/**
	 * Base64url without padding (RFC 7515, section 2).
	 *
	 * @param string $data Bytes.
	 * @return string
	 */
	private static function base64url( $data ) {
		// phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- JWT encoding.
		return rtrim( strtr( base64_encode( $data ), '+/', '-_' ), '=' );
	}
}
