<?php
/**
 * WordPress's personal data tools for chat messages.
 *
 * @package Kefu
 */

defined( 'ABSPATH' ) || exit;

/**
 * Registers a personal data exporter and eraser for the chats of visitors
 * who gave an email address, and suggests text for the privacy policy.
 */
class Kefu_Privacy {

	/**
	 * Messages per exporter or eraser page.
	 */
	const PAGE_SIZE = 500;

	/**
	 * Hooks.
	 */
	public static function init() {
		add_filter( 'wp_privacy_personal_data_exporters', array( __CLASS__, 'register_exporter' ) );
		add_filter( 'wp_privacy_personal_data_erasers', array( __CLASS__, 'register_eraser' ) );
		add_action( 'admin_init', array( __CLASS__, 'add_policy_content' ) );
	}

	/**
	 * Adds the exporter.
	 *
	 * @param array $exporters Exporters.
	 * @return array
	 */
	public static function register_exporter( $exporters ) {
		$exporters['kefu'] = array(
			'exporter_friendly_name' => __( 'Live chat messages', 'kefu' ),
			'callback'               => array( __CLASS__, 'export' ),
		);
		return $exporters;
	}

	/**
	 * Adds the eraser.
	 *
	 * @param array $erasers Erasers.
	 * @return array
	 */
	public static function register_eraser( $erasers ) {
		$erasers['kefu'] = array(
			'eraser_friendly_name' => __( 'Live chat messages', 'kefu' ),
			'callback'             => array( __CLASS__, 'erase' ),
		);
		return $erasers;
	}

	/**
	 * Exports the visitor records with this email address, then their
	 * messages, a page at a time.
	 *
	 * @param string $email_address Email address.
	 * @param int    $page          Page, from 1.
	 * @return array
	 */
	public static function export( $email_address, $page = 1 ) {
		$page     = max( 1, (int) $page );
		$visitors = Kefu_Store::visitors_by_email( (string) $email_address );
		$ids      = wp_list_pluck( $visitors, 'id' );
		$items    = array();

		if ( 1 === $page ) {
			foreach ( $visitors as $visitor ) {
				$items[] = array(
					'group_id'          => 'kefu-visitors',
					'group_label'       => __( 'Live chat visitor records', 'kefu' ),
					'group_description' => __( 'What the live chat stored about you as a visitor.', 'kefu' ),
					'item_id'           => 'kefu-visitor-' . $visitor['id'],
					'data'              => self::pairs(
						array(
							__( 'Visitor id', 'kefu' )  => $visitor['id'],
							__( 'Name', 'kefu' )        => isset( $visitor['name'] ) ? $visitor['name'] : '',
							__( 'Email', 'kefu' )       => isset( $visitor['email'] ) ? $visitor['email'] : '',
							__( 'Page', 'kefu' )        => isset( $visitor['page'] ) ? $visitor['page'] : '',
							__( 'Referrer', 'kefu' )    => isset( $visitor['referrer'] ) ? $visitor['referrer'] : '',
							__( 'First seen', 'kefu' )  => isset( $visitor['first_seen_at'] ) ? $visitor['first_seen_at'] : '',
							__( 'Last seen', 'kefu' )   => isset( $visitor['last_seen_at'] ) ? $visitor['last_seen_at'] : '',
						)
					),
				);
			}
		}

		$messages = Kefu_Store::messages_of( $ids, self::PAGE_SIZE, ( $page - 1 ) * self::PAGE_SIZE );
		foreach ( $messages as $message ) {
			$from_visitor = in_array( $message['pos'], $ids, true );
			$items[]      = array(
				'group_id'          => 'kefu-messages',
				'group_label'       => __( 'Live chat messages', 'kefu' ),
				'group_description' => __( 'Messages you sent in the live chat and the answers you received.', 'kefu' ),
				'item_id'           => 'kefu-msg-' . $message['mid'],
				'data'              => self::pairs(
					array(
						__( 'Sent', 'kefu' )    => isset( $message['created_at'] ) ? $message['created_at'] : '',
						__( 'From', 'kefu' )    => $from_visitor ? __( 'You', 'kefu' ) : __( 'Support team', 'kefu' ),
						__( 'Message', 'kefu' ) => $message['content'],
					)
				),
			);
		}

		return array(
			'data' => $items,
			'done' => count( $messages ) < self::PAGE_SIZE,
		);
	}

	/**
	 * Erases the messages of the visitors with this email address, a page
	 * at a time, then the visitor records themselves.
	 *
	 * @param string $email_address Email address.
	 * @param int    $page          Page, from 1 (each call deletes the next rows).
	 * @return array
	 */
	public static function erase( $email_address, $page = 1 ) {
		$ids     = wp_list_pluck( Kefu_Store::visitors_by_email( (string) $email_address ), 'id' );
		$deleted = Kefu_Store::delete_messages_of( $ids, self::PAGE_SIZE );
		$done    = $deleted < self::PAGE_SIZE;
		if ( $done ) {
			$deleted += Kefu_Store::delete_visitors( $ids );
		}
		return array(
			'items_removed'  => $deleted > 0,
			'items_retained' => false,
			'messages'       => array(),
			'done'           => $done,
		);
	}

	/**
	 * Suggests a paragraph for the site's privacy policy.
	 */
	public static function add_policy_content() {
		if ( ! function_exists( 'wp_add_privacy_policy_content' ) ) {
			return;
		}
		$content = '<p class="privacy-policy-tutorial">' . esc_html__( 'Suggested text for the live chat on this site:', 'kefu' ) . '</p>'
			. '<p><strong class="privacy-policy-tutorial">' . esc_html__( 'Suggested text:', 'kefu' ) . ' </strong>'
			. esc_html__( 'When you use the live chat, we store the messages you send and receive, the page you wrote from, the page that brought you here, and the time of each visit. If you are logged in, or enter them in the chat, we also store your name and email address so that our team knows who they are talking to. Chats are kept on our own server and are not shared with third parties. You can ask us for an export of your chats, or for their deletion.', 'kefu' )
			. '</p>';
		wp_add_privacy_policy_content( __( 'Kefu Live Chat', 'kefu' ), wp_kses_post( $content ) );
	}

	/**
	 * Exporter name/value pairs, leaving out empty values.
	 *
	 * @param array $values Label => value.
	 * @return array
	 */
	private static function pairs( array $values ) {
		$pairs = array();
		foreach ( $values as $name => $value ) {
			if ( null !== $value && '' !== (string) $value ) {
				$pairs[] = array(
					'name'  => $name,
					'value' => (string) $value,
				);
			}
		}
		return $pairs;
	}
}
