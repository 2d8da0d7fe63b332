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
	 * Messages, and files, per exporter or eraser page.
	 */
	const PAGE_SIZE = 500;

	/**
	 * Files whose bytes the eraser deletes per page: up to 10 MiB each by default.
	 */
	const FILE_BATCH = 50;

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
	 * Exports the visitor records of this person (see Kefu_Store::visitors_of()),
	 * then their messages and the files of their conversations, a page of each
	 * at a time.
	 *
	 * @param string $email_address Email address.
	 * @param int    $page          Page, from 1.
	 * @return array|WP_Error
	 */
	public static function export( $email_address, $page = 1 ) {
		$page     = max( 1, (int) $page );
		$visitors = Kefu_Store::visitors_of( (string) $email_address );
		if ( is_wp_error( $visitors ) ) {
			return $visitors;
		}
		$ids   = wp_list_pluck( $visitors, 'id' );
		$items = array();

		if ( 1 === $page ) {
			foreach ( $visitors as $visitor ) {
				$items[] = array(
					'group_id'          => 'kefu-visitors',
					'group_label'       => __( 'Live chat visitor records', 'kefu' ),
					'group_description' => __( 'What the live chat stored about you as a visitor.', 'kefu' ),
					'item_id'           => 'kefu-visitor-' . $visitor['id'],
					'data'              => self::pairs(
						array(
							__( 'Visitor id', 'kefu' )    => $visitor['id'],
							__( 'Identity', 'kefu' )      => $visitor['verified'] ? __( 'Verified: your account on this site', 'kefu' ) : __( 'Unverified: typed in the chat', 'kefu' ),
							__( 'Name', 'kefu' )          => isset( $visitor['name'] ) ? $visitor['name'] : '',
							__( 'Email', 'kefu' )         => isset( $visitor['email'] ) ? $visitor['email'] : '',
							__( 'Page', 'kefu' )          => isset( $visitor['page'] ) ? $visitor['page'] : '',
							__( 'Referrer', 'kefu' )      => isset( $visitor['referrer'] ) ? $visitor['referrer'] : '',
							__( 'First seen', 'kefu' )    => isset( $visitor['first_seen_at'] ) ? $visitor['first_seen_at'] : '',
							__( 'Last seen', 'kefu' )     => isset( $visitor['last_seen_at'] ) ? $visitor['last_seen_at'] : '',
							__( 'Consent given', 'kefu' ) => isset( $visitor['consent_at'] ) ? $visitor['consent_at'] : '',
						)
					),
				);
			}
		}

		$messages = Kefu_Store::messages_of( $ids, self::PAGE_SIZE, ( $page - 1 ) * self::PAGE_SIZE );
		if ( is_wp_error( $messages ) ) {
			return $messages;
		}
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

		$files = Kefu_Store::files_of( $ids, self::PAGE_SIZE, ( $page - 1 ) * self::PAGE_SIZE );
		if ( is_wp_error( $files ) ) {
			return $files;
		}
		foreach ( $files as $file ) {
			$items[] = array(
				'group_id'          => 'kefu-files',
				'group_label'       => __( 'Chat files', 'kefu' ),
				'group_description' => __( 'Files you sent in the live chat and the files you received: what each one is. The files themselves are not part of this export.', 'kefu' ),
				'item_id'           => 'kefu-file-' . $file['id'],
				'data'              => self::pairs(
					array(
						__( 'File name', 'kefu' )  => $file['name'],
						__( 'Type', 'kefu' )       => $file['type'],
						__( 'Size', 'kefu' )       => size_format( (int) $file['size'] ),
						__( 'From', 'kefu' )       => in_array( $file['owner'], $ids, true ) ? __( 'You', 'kefu' ) : __( 'Support team', 'kefu' ),
						__( 'Sent', 'kefu' )       => isset( $file['sent_at'] ) ? $file['sent_at'] : '',
						__( 'Uploaded', 'kefu' )   => isset( $file['created_at'] ) ? $file['created_at'] : '',
						__( 'Visitor id', 'kefu' ) => $file['visitor_id'],
					)
				),
			);
		}

		return array(
			'data' => $items,
			'done' => count( $messages ) < self::PAGE_SIZE && count( $files ) < self::PAGE_SIZE,
		);
	}

	/**
	 * Erases this person's messages a page at a time, then the files of their
	 * conversations whose bytes are in the database, then their typing and
	 * read events, the agents' notes and blocks about them, and their visitor
	 * records. Files kept elsewhere (an S3 bucket, a folder) go with the
	 * messages and visitor records: the sidecar's sweep deletes their bytes,
	 * which WordPress cannot reach (see Kefu_Store::delete_files_of()), and the
	 * answer says how many it leaves to the sweep. What could not be erased is
	 * reported as retained, with the reason, never as success.
	 *
	 * @param string $email_address Email address.
	 * @param int    $page          Page, from 1 (each call deletes the next rows).
	 * @return array
	 */
	public static function erase( $email_address, $page = 1 ) { // phpcs:ignore Generic.CodeAnalysis.UnusedFunctionParameter.FoundAfterLastUsed -- eraser callback signature; each call deletes the next rows, so the page number is not needed.
		$visitors = Kefu_Store::visitors_of( (string) $email_address );
		if ( is_wp_error( $visitors ) ) {
			return self::not_erased( $visitors );
		}
		$ids     = wp_list_pluck( $visitors, 'id' );
		$deleted = Kefu_Store::delete_messages_of( $ids, self::PAGE_SIZE );
		if ( is_wp_error( $deleted ) ) {
			return self::not_erased( $deleted );
		}
		$done     = $deleted < self::PAGE_SIZE;
		$messages = array();
		if ( $done ) {
			$files = Kefu_Store::delete_files_of( $ids, self::FILE_BATCH );
			if ( is_wp_error( $files ) ) {
				return self::not_erased( $files );
			}
			if ( $files > 0 ) {
				$messages[] = sprintf(
					/* translators: %d: number of files. */
					_n( 'Erased %d live chat file.', 'Erased %d live chat files.', $files, 'kefu' ),
					$files
				);
			}
			$deleted += $files;
			$done     = $files < self::FILE_BATCH;
		}
		if ( $done && $ids ) {
			// Counted while the visitor records are there: once they are gone the sweep may start at any moment.
			$left   = Kefu_Store::files_left_of( $ids );
			$events = is_wp_error( $left ) ? $left : Kefu_Store::delete_related_of( $ids, 100000 );
			$gone   = is_wp_error( $events ) ? $events : Kefu_Store::delete_visitors( $ids );
			if ( is_wp_error( $gone ) ) {
				return self::not_erased( $gone );
			}
			$deleted   += $gone;
			$messages[] = sprintf(
				/* translators: %d: number of conversations. */
				_n( 'Erased %d live chat conversation.', 'Erased %d live chat conversations.', count( $ids ), 'kefu' ),
				count( $ids )
			);
			if ( $left > 0 ) {
				$messages[] = sprintf(
					/* translators: %d: number of files. */
					_n( 'The chat server deletes %d more file, kept outside the database or still uploading, within about a minute while it runs.', 'The chat server deletes %d more files, kept outside the database or still uploading, within about a minute while it runs.', $left, 'kefu' ),
					$left
				);
			}
		}
		return array(
			'items_removed'  => $deleted > 0,
			'items_retained' => false,
			'messages'       => $messages,
			'done'           => $done,
		);
	}

	/**
	 * An eraser answer for chats that could not be erased, saying why.
	 *
	 * @param WP_Error $error What went wrong.
	 * @return array
	 */
	private static function not_erased( WP_Error $error ) {
		return array(
			'items_removed'  => false,
			'items_retained' => true,
			/* translators: %s: the reason. */
			'messages'       => array( sprintf( __( 'Live chat messages could not be erased: %s', 'kefu' ), $error->get_error_message() ) ),
			'done'           => true,
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
			. esc_html__( 'When you use the live chat, we store the messages and files you send and receive, the page you wrote from, the page that brought you here, and the time of each visit. If you are logged in, or enter them in the chat, we also store your name and email address so that our team knows who they are talking to. Chats are kept on our own server and are not shared with third parties. You can ask us for an export of your chats, or for their deletion.', 'kefu' )
			. '</p>';
		$days    = (int) Kefu::get( 'retention_days' );
		if ( $days > 0 ) {
			$content .= '<p>' . esc_html(
				sprintf(
					/* translators: %d: number of days. */
					_n( 'Conversations are deleted %d day after their last message.', 'Conversations are deleted %d days after their last message.', $days, 'kefu' ),
					$days
				)
			) . '</p>';
		}
		if ( Kefu::get( 'consent' ) ) {
			$content .= '<p>' . esc_html__( 'Before your first message, the chat asks for your consent; we store the time you gave it with the conversation.', 'kefu' ) . '</p>';
		}
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
