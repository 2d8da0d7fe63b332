<?php
/**
 * Agent tokens: signing, and the REST route that mints a fresh one.
 *
 * @package Kefu
 */

defined( 'ABSPATH' ) || exit;

/**
 * Signs the HS256 tokens the sidecar accepts from agents, and serves
 * `kefu/v1/agent-token` so that the open 'Live Chat' page can renew its token.
 */
class Kefu_Token {

	/**
	 * Default token lifetime in seconds.
	 */
	const TTL = 8 * HOUR_IN_SECONDS;

	/**
	 * Longest lifetime the wire protocol allows.
	 */
	const MAX_TTL = 12 * HOUR_IN_SECONDS;

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
		register_rest_route(
			'kefu/v1',
			'/agent-token',
			array(
				'methods'             => array( 'GET', 'POST' ),
				'callback'            => array( __CLASS__, 'rest_mint' ),
				'permission_callback' => array( __CLASS__, 'rest_permission' ),
			)
		);
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
		$minted = self::mint( wp_get_current_user() );
		if ( is_wp_error( $minted ) ) {
			return $minted;
		}
		// Only logged-in users get here, and WordPress sends no-cache headers for them.
		return new WP_REST_Response(
			array(
				'token'     => $minted['token'],
				'expiresAt' => gmdate( 'Y-m-d\TH:i:s\Z', $minted['expires'] ),
			)
		);
	}

	/**
	 * Signs an agent token for a user: `sub` "agent:<id>", `typ` "agent",
	 * `name` (display name), `iat`, `exp`.
	 *
	 * @param WP_User  $user User the token speaks for.
	 * @param int|null $now  Issue time (Unix seconds); now when null.
	 * @return array|WP_Error `token` and `expires` (Unix seconds).
	 */
	public static function mint( $user, $now = null ) {
		$secret = Kefu::secret();
		if ( '' === $secret ) {
			return new WP_Error( 'kefu_no_secret', __( 'Kefu has no shared secret. Define KEFU_SECRET in wp-config.php.', 'kefu' ), array( 'status' => 500 ) );
		}
		if ( ! $user instanceof WP_User || ! $user->exists() ) {
			return new WP_Error( 'kefu_no_user', __( 'No user to sign a token for.', 'kefu' ), array( 'status' => 401 ) );
		}

		$now = null === $now ? time() : (int) $now;
		/**
		 * Filters the agent token's lifetime in seconds (at most 12 hours).
		 *
		 * @param int     $ttl  Lifetime in seconds.
		 * @param WP_User $user The agent.
		 */
		$ttl = (int) apply_filters( 'kefu_agent_token_ttl', self::TTL, $user );
		$ttl = max( 60, min( self::MAX_TTL, $ttl ) );

		$claims = array(
			'sub'  => 'agent:' . $user->ID,
			'typ'  => 'agent',
			'name' => '' !== $user->display_name ? $user->display_name : $user->user_login,
			'iat'  => $now,
			'exp'  => $now + $ttl,
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
		$header  = self::base64url( wp_json_encode( array( 'alg' => 'HS256', 'typ' => 'JWT' ) ) );
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
