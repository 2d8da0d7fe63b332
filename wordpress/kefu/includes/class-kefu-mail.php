<?php
/**
 * Mail from the sidecar, sent through the site's own wp_mail (docs/email.md, "WordPress").
 *
 * @package Kefu
 */

defined( 'ABSPATH' ) || exit;

/**
 * Serves `kefu/v1/mail`: the sidecar POSTs each mail of its outbox here, signed
 * with the shared secret, and the plugin hands it to wp_mail, so the site's SMTP
 * plugin, From address and mail filters apply. The sidecar never reads the
 * site's mail settings.
 *
 * The request carries `X-Kefu-Timestamp` (Unix seconds) and `X-Kefu-Signature`,
 * the hex HMAC-SHA256 of "kefu-mail.v1\n<timestamp>\n<body>" with KEFU_SECRET
 * (sidecar/mail/wordpress-mailer.ts). A timestamp more than 5 minutes off is
 * refused; a replay within them sends nothing, since a message id is sent once
 * a day.
 */
class Kefu_Mail {

	/**
	 * Signatures older (or newer) than this are refused, in seconds.
	 */
	const MAX_SKEW = 5 * MINUTE_IN_SECONDS;

	/**
	 * How long a sent message id is remembered, in seconds.
	 */
	const REMEMBER = DAY_IN_SECONDS;

	/**
	 * At most this many recipients: the sidecar's list of agents fits in 2,000 characters.
	 */
	const MAX_RECIPIENTS = 100;

	/**
	 * The text part of the mail being sent, for phpmailer_init.
	 *
	 * @var string|null
	 */
	private static $alt_body = null;

	/**
	 * The Message-ID of the mail being sent, for phpmailer_init.
	 *
	 * @var string
	 */
	private static $message_id = '';

	/**
	 * Hooks.
	 */
	public static function init() {
		add_action( 'rest_api_init', array( __CLASS__, 'register_route' ) );
	}

	/**
	 * Registers `kefu/v1/mail`.
	 */
	public static function register_route() {
		register_rest_route(
			'kefu/v1',
			'/mail',
			array(
				'methods'             => 'POST',
				'callback'            => array( __CLASS__, 'rest_send' ),
				'permission_callback' => array( __CLASS__, 'rest_permission' ),
			)
		);
	}

	/**
	 * Only the sidecar, which knows the secret, may send: the signature over the
	 * timestamp and the raw body must match, the timestamp be within 5 minutes.
	 * The errors are for the sidecar, which reads only the status: not translated.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return true|WP_Error
	 */
	public static function rest_permission( $request ) {
		$secret = Kefu::secret();
		if ( '' === $secret ) {
			return new WP_Error( 'kefu_no_secret', 'Kefu has no shared secret.', array( 'status' => 500 ) );
		}
		$timestamp = (string) $request->get_header( 'x_kefu_timestamp' );
		$signature = (string) $request->get_header( 'x_kefu_signature' );
		if ( ! preg_match( '/^\d{1,12}$/', $timestamp ) || ! preg_match( '/^[0-9a-f]{64}$/', $signature ) ) {
			return new WP_Error( 'kefu_unsigned', 'Not signed.', array( 'status' => 401 ) );
		}
		if ( abs( time() - (int) $timestamp ) > self::MAX_SKEW ) {
			return new WP_Error( 'kefu_stale', 'The signature is too old (or the clocks disagree).', array( 'status' => 401 ) );
		}
		$expected = hash_hmac( 'sha256', "kefu-mail.v1\n" . $timestamp . "\n" . $request->get_body(), $secret );
		if ( ! hash_equals( $expected, $signature ) ) {
			return new WP_Error( 'kefu_bad_signature', 'Bad signature.', array( 'status' => 401 ) );
		}
		return true;
	}

	/**
	 * Sends the mail with wp_mail, once per message id and day.
	 *
	 * @param WP_REST_Request $request The request, signed.
	 * @return WP_REST_Response|WP_Error
	 */
	public static function rest_send( $request ) {
		$mail = self::read_mail( json_decode( $request->get_body(), true ) );
		if ( is_wp_error( $mail ) ) {
			return $mail;
		}
		$key = 'kefu_mail_' . md5( $mail['messageId'] );
		if ( get_transient( $key ) ) {
			return new WP_REST_Response( array( 'sent' => false ), 200 );
		}
		$headers = array(
			'Content-Type: text/html; charset=UTF-8',
			'Content-Language: ' . $mail['lang'],
			'Auto-Submitted: auto-generated',
		);
		self::$alt_body   = $mail['text'];
		self::$message_id = $mail['messageId'];
		add_action( 'phpmailer_init', array( __CLASS__, 'phpmailer_init' ) );
		try {
			$sent = wp_mail( $mail['to'], $mail['subject'], $mail['html'], $headers );
		} finally {
			remove_action( 'phpmailer_init', array( __CLASS__, 'phpmailer_init' ) );
			self::$alt_body   = null;
			self::$message_id = '';
			// wp_mail clears the body and recipients of its shared PHPMailer for the next mail, not the Message-ID.
			global $phpmailer;
			if ( $phpmailer instanceof PHPMailer\PHPMailer\PHPMailer ) {
				$phpmailer->MessageID = ''; // phpcs:ignore WordPress.NamingConventions.ValidVariableName.UsedPropertyNotSnakeCase -- PHPMailer's property.
			}
		}
		if ( ! $sent ) {
			// 503: the sidecar tries again later (the site's mail server may be away).
			return new WP_Error( 'kefu_mail_failed', 'wp_mail did not send the mail.', array( 'status' => 503 ) );
		}
		set_transient( $key, 1, self::REMEMBER );
		return new WP_REST_Response( array( 'sent' => true ), 200 );
	}

	/**
	 * Gives this one mail its text part and Message-ID. Hooked only while it is sent.
	 *
	 * @param PHPMailer\PHPMailer\PHPMailer $phpmailer WordPress's mailer.
	 */
	public static function phpmailer_init( $phpmailer ) {
		// phpcs:disable WordPress.NamingConventions.ValidVariableName.UsedPropertyNotSnakeCase -- PHPMailer's properties.
		if ( null !== self::$alt_body ) {
			$phpmailer->AltBody = self::$alt_body;
		}
		if ( '' !== self::$message_id ) {
			$phpmailer->MessageID = self::$message_id;
		}
		// phpcs:enable
	}

	/**
	 * The mail in the body, checked: `to` (addresses), `subject`, `text`, `html`,
	 * `messageId` (`<…@…>`), `lang` (`en` or `zh-CN`).
	 *
	 * @param mixed $body The decoded JSON body.
	 * @return array|WP_Error
	 */
	private static function read_mail( $body ) {
		$invalid = new WP_Error( 'kefu_bad_mail', 'Not a mail Kefu sends.', array( 'status' => 400 ) );
		if ( ! is_array( $body ) || ! isset( $body['to'], $body['subject'], $body['text'], $body['html'], $body['messageId'], $body['lang'] ) ) {
			return $invalid;
		}
		$to = $body['to'];
		if ( ! is_array( $to ) || ! $to || count( $to ) > self::MAX_RECIPIENTS ) {
			return $invalid;
		}
		foreach ( $to as $address ) {
			if ( ! is_string( $address ) || ! is_email( $address ) ) {
				return $invalid;
			}
		}
		foreach ( array( 'subject', 'text', 'html', 'messageId', 'lang' ) as $field ) {
			if ( ! is_string( $body[ $field ] ) ) {
				return $invalid;
			}
		}
		if ( preg_match( '/[\r\n]/', $body['subject'] ) || ! preg_match( '/^<[^<>\s@]+@[^<>\s@]+>$/', $body['messageId'] ) || ! in_array( $body['lang'], array( 'en', 'zh-CN' ), true ) ) {
			return $invalid;
		}
		return array(
			'to'        => array_values( $to ),
			'subject'   => $body['subject'],
			'text'      => $body['text'],
			'html'      => $body['html'],
			'messageId' => $body['messageId'],
			'lang'      => $body['lang'],
		);
	}
}
