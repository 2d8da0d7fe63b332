<?php
/**
 * Read and erase access to the chat tables the sidecar keeps in the site's
 * database.
 *
 * @package Kefu
 */

defined( 'ABSPATH' ) || exit;

/**
 * The chat tables, seen from WordPress. The sidecar creates them when it
 * first starts, so every method copes with their absence.
 *
 * Table names are built from the database prefix and fixed names, never from
 * input; WordPress 6.1 has no identifier placeholder for them, hence the
 * per-line ignores of the interpolation sniff below. The tables are the
 * sidecar's, not WordPress's: no object cache sits in front of them.
 */
class Kefu_Store {

	/**
	 * Answers to table-existence checks during this request.
	 *
	 * @var array
	 */
	private static $exists = array();

	/**
	 * The chat tables' prefix for the current site. The sidecar computes the
	 * same from the same wp-config.php: the KEFU_TABLE_PREFIX constant, else
	 * `$table_prefix`, then WordPress's `<blog id>_` for a network's other sites
	 * (the sidecar's KEFU_SITE_ID).
	 *
	 * @return string
	 */
	public static function prefix() {
		global $wpdb;
		$prefix = defined( 'KEFU_TABLE_PREFIX' ) && is_string( KEFU_TABLE_PREFIX ) ? KEFU_TABLE_PREFIX : $wpdb->base_prefix;
		$site   = get_current_blog_id();
		if ( is_multisite() && $site > 1 ) {
			$prefix .= $site . '_';
		}
		return $prefix;
	}

	/**
	 * The messages table: `<prefix>kefu_msg`, or on the main site the
	 * KEFU_MSG_TABLE constant when the sidecar adopts an existing table.
	 *
	 * @return string
	 */
	public static function msg_table() {
		$adopted = defined( 'KEFU_MSG_TABLE' ) && is_string( KEFU_MSG_TABLE ) && '' !== KEFU_MSG_TABLE && is_main_site();
		$table   = $adopted ? KEFU_MSG_TABLE : self::prefix() . 'kefu_msg';
		return (string) apply_filters( 'kefu_msg_table', $table );
	}

	/**
	 * The visitors table.
	 *
	 * @return string
	 */
	public static function visitor_table() {
		return (string) apply_filters( 'kefu_visitor_table', self::prefix() . 'kefu_visitor' );
	}

	/**
	 * The attachments table: what each file sent in a chat is (name, type,
	 * size, conversation, message) and which store holds its bytes.
	 *
	 * @return string
	 */
	public static function attachment_table() {
		return self::prefix() . 'kefu_attachment';
	}

	/**
	 * The bytes of the files whose store is the database ('db'), in rows of
	 * 256 KiB keyed by the attachment's id (`blob_key`).
	 *
	 * @return string
	 */
	public static function attachment_chunk_table() {
		return self::prefix() . 'kefu_attachment_chunk';
	}

	/**
	 * Every table the sidecar writes for the current site, the messages table
	 * first.
	 *
	 * @return string[]
	 */
	public static function tables() {
		$prefix = self::prefix();
		return array( self::msg_table(), self::visitor_table(), $prefix . 'kefu_event', $prefix . 'kefu_agent', $prefix . 'kefu_ticket', $prefix . 'kefu_note', $prefix . 'kefu_block', $prefix . 'kefu_canned', self::attachment_table(), self::attachment_chunk_table(), $prefix . 'kefu_rating', $prefix . 'kefu_mail', $prefix . 'kefu_setting', $prefix . 'kefu_push_subscription', $prefix . 'kefu_push_sent' );
	}

	/**
	 * Whether a table exists.
	 *
	 * @param string $table Table name.
	 * @return bool
	 */
	public static function table_exists( $table ) {
		global $wpdb;
		if ( ! isset( self::$exists[ $table ] ) ) {
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- a schema check, not data.
			$found = $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( $table ) ) );
			// MySQL on Windows and macOS, or with lower_case_table_names, answers in lower case.
			self::$exists[ $table ] = is_string( $found ) && 0 === strcasecmp( $found, $table );
		}
		return self::$exists[ $table ];
	}

	/**
	 * Visitor messages waiting in the agents' shared inbox.
	 *
	 * @return int
	 */
	public static function unread_count() {
		global $wpdb;
		$table = self::msg_table();
		if ( ! self::table_exists( $table ) ) {
			return 0;
		}
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- table name built above; live count.
		return (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM `{$table}` WHERE rec = %s AND isread = %d", 'admin', 0 ) );
	}

	/**
	 * The visitor records of a person: the conversation the site verified for
	 * the user with this email address (identity tokens), and every record where
	 * a visitor typed this address (unverified, but theirs to erase).
	 *
	 * @param string $email Email address.
	 * @return array|WP_Error Rows as associative arrays, each with `verified`.
	 */
	public static function visitors_of( $email ) {
		global $wpdb;
		$table = self::visitor_table();
		if ( '' === $email ) {
			return array();
		}
		if ( ! self::table_exists( $table ) ) {
			return self::missing( $table );
		}
		$user = get_user_by( 'email', $email );
		$ref  = $user ? 'user:' . $user->ID : '';
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- table name built above; privacy tools read live data.
		$rows = $wpdb->get_results( $wpdb->prepare( "SELECT * FROM `{$table}` WHERE email = %s OR ( user_ref IS NOT NULL AND user_ref = %s ) ORDER BY first_seen_at", $email, $ref ), ARRAY_A );
		if ( '' !== $wpdb->last_error ) {
			return self::failed( $table );
		}
		foreach ( $rows as &$row ) {
			$row['verified'] = ! empty( $row['user_ref'] );
		}
		return $rows;
	}

	/**
	 * A page of the messages sent by or to the given visitors, oldest first.
	 *
	 * @param string[] $visitor_ids Visitor ids.
	 * @param int      $limit       Page size.
	 * @param int      $offset      Rows to skip.
	 * @return array|WP_Error Rows as associative arrays.
	 */
	public static function messages_of( array $visitor_ids, $limit, $offset ) {
		global $wpdb;
		$table = self::msg_table();
		if ( empty( $visitor_ids ) ) {
			return array();
		}
		if ( ! self::table_exists( $table ) ) {
			return self::missing( $table );
		}
		$in   = implode( ',', array_fill( 0, count( $visitor_ids ), '%s' ) );
		$args = array_merge( $visitor_ids, $visitor_ids, array( (int) $limit, (int) $offset ) );
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQLPlaceholders.ReplacementsWrongNumber, WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- table name and placeholders built above; $args holds one value per placeholder ($in twice, then limit and offset).
		$rows = $wpdb->get_results( $wpdb->prepare( "SELECT * FROM `{$table}` WHERE pos IN ($in) OR rec IN ($in) ORDER BY mid LIMIT %d OFFSET %d", $args ), ARRAY_A );
		return '' === $wpdb->last_error ? $rows : self::failed( $table );
	}

	/**
	 * Deletes up to $limit messages sent by or to the given visitors.
	 *
	 * @param string[] $visitor_ids Visitor ids.
	 * @param int      $limit       Most rows to delete.
	 * @return int|WP_Error Rows deleted.
	 */
	public static function delete_messages_of( array $visitor_ids, $limit ) {
		return self::delete_where( self::msg_table(), 'pos IN (%s) OR rec IN (%s)', $visitor_ids, 2, $limit );
	}

	/**
	 * Deletes what else the sidecar keeps about the given visitors: typing and
	 * read events, agents' internal notes, blocks and the visitor's ratings.
	 *
	 * @param string[] $visitor_ids Visitor ids.
	 * @param int      $limit       Most rows to delete from each table.
	 * @return int|WP_Error Rows deleted.
	 */
	public static function delete_related_of( array $visitor_ids, $limit ) {
		$deleted = 0;
		foreach ( array( 'kefu_event', 'kefu_note', 'kefu_block', 'kefu_rating' ) as $name ) {
			$table = self::prefix() . $name;
			// Tables of later versions may not exist yet where an older sidecar runs.
			if ( ! self::table_exists( $table ) ) {
				continue;
			}
			$gone = self::delete_where( $table, 'visitor_id IN (%s)', $visitor_ids, 1, $limit );
			if ( is_wp_error( $gone ) ) {
				return $gone;
			}
			$deleted += $gone;
		}
		return $deleted;
	}

	/**
	 * A page of the files sent in, or uploaded to, the given visitors'
	 * conversations, oldest first, each with `sent_at`, the time of the message
	 * it was sent with (null while unsent). None where the sidecar predates
	 * files and has no attachments table.
	 *
	 * @param string[] $visitor_ids Visitor ids.
	 * @param int      $limit       Page size.
	 * @param int      $offset      Rows to skip.
	 * @return array|WP_Error Rows as associative arrays.
	 */
	public static function files_of( array $visitor_ids, $limit, $offset ) {
		global $wpdb;
		$files    = self::attachment_table();
		$messages = self::msg_table();
		if ( empty( $visitor_ids ) || ! self::table_exists( $files ) ) {
			return array();
		}
		if ( ! self::table_exists( $messages ) ) {
			return self::missing( $messages );
		}
		$in   = implode( ',', array_fill( 0, count( $visitor_ids ), '%s' ) );
		$args = array_merge( $visitor_ids, array( (int) $limit, (int) $offset ) );
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQLPlaceholders.ReplacementsWrongNumber, WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- table names and placeholders built above; $args holds one value per placeholder (the ids, then limit and offset).
		$rows = $wpdb->get_results( $wpdb->prepare( "SELECT a.id, a.visitor_id, a.owner, a.name, a.type, a.size, a.status, a.created_at, a.mid, m.created_at AS sent_at FROM `{$files}` a LEFT JOIN `{$messages}` m ON m.mid = a.mid WHERE a.visitor_id IN ($in) ORDER BY a.created_at, a.id LIMIT %d OFFSET %d", $args ), ARRAY_A );
		return '' === $wpdb->last_error ? $rows : self::failed( $files );
	}

	/**
	 * Deletes up to $limit of the given visitors' files whose bytes are in the
	 * database: their chunks first, then their records, so that a failure half
	 * way never leaves bytes without the record that leads to them.
	 *
	 * Only finished files in the database store are deleted here. Bytes in an
	 * S3 bucket or a folder are beyond WordPress's reach, and the sidecar finds
	 * them only through their records: those stay, and the sidecar's sweep
	 * removes bytes and record within about a minute once the message or the
	 * visitor record is gone. An upload still arriving stays too: the sidecar
	 * is writing its chunks, and would go on writing after a delete here, with
	 * no record left to find them by (see files_left_of()).
	 *
	 * @param string[] $visitor_ids Visitor ids.
	 * @param int      $limit       Most files.
	 * @return int|WP_Error Files deleted.
	 */
	public static function delete_files_of( array $visitor_ids, $limit ) {
		global $wpdb;
		$files  = self::attachment_table();
		$chunks = self::attachment_chunk_table();
		// A sidecar older than files has no such table, and nothing to delete.
		if ( empty( $visitor_ids ) || ! self::table_exists( $files ) ) {
			return 0;
		}
		$in   = implode( ',', array_fill( 0, count( $visitor_ids ), '%s' ) );
		$args = array_merge( $visitor_ids, array( 'db', 'ready', (int) $limit ) );
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQLPlaceholders.ReplacementsWrongNumber, WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- table name and placeholders built above; $args holds one value per placeholder (the ids, store, status, limit).
		$ids = $wpdb->get_col( $wpdb->prepare( "SELECT id FROM `{$files}` WHERE visitor_id IN ($in) AND store = %s AND status = %s LIMIT %d", $args ) );
		if ( '' !== $wpdb->last_error ) {
			return self::failed( $files );
		}
		if ( ! $ids ) {
			return 0;
		}
		if ( self::table_exists( $chunks ) ) {
			// A few hundred chunks per statement: a large file never holds one long delete.
			do {
				$gone = self::delete_where( $chunks, 'blob_key IN (%s)', $ids, 1, 200 );
				if ( is_wp_error( $gone ) ) {
					return $gone;
				}
			} while ( $gone >= 200 );
		}
		return self::delete_where( $files, 'id IN (%s)', $ids, 1, count( $ids ) );
	}

	/**
	 * How many of the given visitors' files delete_files_of() leaves to the
	 * sidecar's sweep: bytes outside the database, and uploads still arriving.
	 *
	 * @param string[] $visitor_ids Visitor ids.
	 * @return int|WP_Error Files.
	 */
	public static function files_left_of( array $visitor_ids ) {
		global $wpdb;
		$files = self::attachment_table();
		if ( empty( $visitor_ids ) || ! self::table_exists( $files ) ) {
			return 0;
		}
		$in   = implode( ',', array_fill( 0, count( $visitor_ids ), '%s' ) );
		$args = array_merge( $visitor_ids, array( 'db', 'ready' ) );
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQLPlaceholders.ReplacementsWrongNumber, WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- table name and placeholders built above; $args holds one value per placeholder (the ids, store, status).
		$count = $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM `{$files}` WHERE visitor_id IN ($in) AND NOT ( store = %s AND status = %s )", $args ) );
		return '' === $wpdb->last_error ? (int) $count : self::failed( $files );
	}

	/**
	 * Deletes visitor records.
	 *
	 * @param string[] $visitor_ids Visitor ids.
	 * @return int|WP_Error Rows deleted.
	 */
	public static function delete_visitors( array $visitor_ids ) {
		return self::delete_where( self::visitor_table(), 'id IN (%s)', $visitor_ids, 1, count( $visitor_ids ) );
	}

	/**
	 * `DELETE … WHERE <condition> LIMIT n` with the ids as placeholders.
	 *
	 * @param string   $table     Table.
	 * @param string   $condition Condition, `%s` where the id list goes.
	 * @param string[] $ids       Ids.
	 * @param int      $times     How often the list appears in the condition.
	 * @param int      $limit     Most rows to delete.
	 * @return int|WP_Error Rows deleted.
	 */
	private static function delete_where( $table, $condition, array $ids, $times, $limit ) {
		global $wpdb;
		if ( empty( $ids ) ) {
			return 0;
		}
		if ( ! self::table_exists( $table ) ) {
			return self::missing( $table );
		}
		$in    = implode( ',', array_fill( 0, count( $ids ), '%s' ) );
		$where = str_replace( '%s', $in, $condition );
		$args  = array_merge( array_merge( ...array_fill( 0, $times, array_values( $ids ) ) ), array( (int) $limit ) );
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- table name and placeholders built here, values prepared.
		$deleted = $wpdb->query( $wpdb->prepare( "DELETE FROM `{$table}` WHERE {$where} LIMIT %d", $args ) );
		return false === $deleted ? self::failed( $table ) : (int) $deleted;
	}

	/**
	 * Up to $limit visitors whose conversation has been quiet since before
	 * $cutoff: neither seen nor written to since.
	 *
	 * @param string $cutoff UTC time, 'Y-m-d H:i:s'.
	 * @param int    $limit  Most visitors.
	 * @return string[]|WP_Error Visitor ids.
	 */
	public static function quiet_visitors( $cutoff, $limit ) {
		global $wpdb;
		$visitors = self::visitor_table();
		$messages = self::msg_table();
		foreach ( array( $visitors, $messages ) as $table ) {
			if ( ! self::table_exists( $table ) ) {
				return self::missing( $table );
			}
		}
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- table names built above.
		$ids = $wpdb->get_col( $wpdb->prepare( "SELECT v.id FROM `{$visitors}` v LEFT JOIN `{$messages}` m ON m.mid = v.last_mid WHERE v.last_seen_at < %s AND ( m.mid IS NULL OR m.created_at IS NULL OR m.created_at < %s ) ORDER BY v.last_seen_at LIMIT %d", $cutoff, $cutoff, (int) $limit ) );
		return '' === $wpdb->last_error ? $ids : self::failed( $visitors );
	}

	/**
	 * The error for a chat table that is not there.
	 *
	 * @param string $table Table.
	 * @return WP_Error
	 */
	private static function missing( $table ) {
		/* translators: %s: database table name. */
		return new WP_Error( 'kefu_no_table', sprintf( __( 'The chat table %s does not exist in this database. Check that the chat server and this site use the same database and table names (KEFU_TABLE_PREFIX, KEFU_MSG_TABLE in wp-config.php).', 'kefu' ), $table ) );
	}

	/**
	 * The error for a query the database refused.
	 *
	 * @param string $table Table.
	 * @return WP_Error
	 */
	private static function failed( $table ) {
		global $wpdb;
		/* translators: 1: database table name, 2: database error. */
		return new WP_Error( 'kefu_db_error', sprintf( __( 'The database refused a query on the chat table %1$s: %2$s', 'kefu' ), $table, $wpdb->last_error ) );
	}

	/**
	 * Drops the current site's chat tables, those named `<prefix>kefu_…`; an
	 * adopted messages table is left alone since other software owns it.
	 *
	 * @return string[] Tables dropped.
	 */
	public static function drop_tables() {
		global $wpdb;
		// By name pattern, so that tables later versions add go too; another site's
		// (`<prefix><id>_kefu_…`) never match the current site's `<prefix>kefu_`.
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- a schema listing.
		$dropped = $wpdb->get_col( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( self::prefix() . 'kefu_' ) . '%' ) );
		foreach ( $dropped as $table ) {
			// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching, WordPress.DB.DirectDatabaseQuery.SchemaChange -- uninstall, on the owner's request; the name comes from SHOW TABLES.
			$wpdb->query( "DROP TABLE IF EXISTS `{$table}`" );
		}
		self::$exists = array();
		return $dropped;
	}
}
