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
 * input; WordPress 6.1 has no identifier placeholder for them.
 *
 * phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared
 * phpcs:disable WordPress.DB.DirectDatabaseQuery
 */
class Kefu_Store {

	/**
	 * Answers to table-existence checks during this request.
	 *
	 * @var array
	 */
	private static $exists = array();

	/**
	 * The messages table: `<prefix>kefu_msg`, or KEFU_MSG_TABLE from
	 * wp-config.php when the sidecar adopts an existing table.
	 *
	 * @return string
	 */
	public static function msg_table() {
		global $wpdb;
		$table = defined( 'KEFU_MSG_TABLE' ) && is_string( KEFU_MSG_TABLE ) && '' !== KEFU_MSG_TABLE
			? KEFU_MSG_TABLE
			: $wpdb->base_prefix . 'kefu_msg';
		return (string) apply_filters( 'kefu_msg_table', $table );
	}

	/**
	 * The visitors table.
	 *
	 * @return string
	 */
	public static function visitor_table() {
		global $wpdb;
		return (string) apply_filters( 'kefu_visitor_table', $wpdb->base_prefix . 'kefu_visitor' );
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
			$found                  = $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( $table ) ) );
			self::$exists[ $table ] = ( $found === $table );
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
		return (int) $wpdb->get_var(
			$wpdb->prepare( "SELECT COUNT(*) FROM `{$table}` WHERE rec = %s AND isread = %d", 'admin', 0 )
		);
	}

	/**
	 * Visitors who gave an email address.
	 *
	 * @param string $email Email address.
	 * @return array Rows as associative arrays.
	 */
	public static function visitors_by_email( $email ) {
		global $wpdb;
		$table = self::visitor_table();
		if ( '' === $email || ! self::table_exists( $table ) ) {
			return array();
		}
		return $wpdb->get_results(
			$wpdb->prepare( "SELECT * FROM `{$table}` WHERE email = %s ORDER BY first_seen_at", $email ),
			ARRAY_A
		);
	}

	/**
	 * A page of the messages sent by or to the given visitors, oldest first.
	 *
	 * @param string[] $visitor_ids Visitor ids.
	 * @param int      $limit       Page size.
	 * @param int      $offset      Rows to skip.
	 * @return array Rows as associative arrays.
	 */
	public static function messages_of( array $visitor_ids, $limit, $offset ) {
		global $wpdb;
		$table = self::msg_table();
		if ( empty( $visitor_ids ) || ! self::table_exists( $table ) ) {
			return array();
		}
		$in   = implode( ',', array_fill( 0, count( $visitor_ids ), '%s' ) );
		$args = array_merge( $visitor_ids, $visitor_ids, array( (int) $limit, (int) $offset ) );
		return $wpdb->get_results(
			$wpdb->prepare( "SELECT * FROM `{$table}` WHERE pos IN ($in) OR rec IN ($in) ORDER BY mid LIMIT %d OFFSET %d", $args ),
			ARRAY_A
		);
	}

	/**
	 * Deletes up to $limit messages sent by or to the given visitors.
	 *
	 * @param string[] $visitor_ids Visitor ids.
	 * @param int      $limit       Most rows to delete.
	 * @return int Rows deleted.
	 */
	public static function delete_messages_of( array $visitor_ids, $limit ) {
		global $wpdb;
		$table = self::msg_table();
		if ( empty( $visitor_ids ) || ! self::table_exists( $table ) ) {
			return 0;
		}
		$in   = implode( ',', array_fill( 0, count( $visitor_ids ), '%s' ) );
		$args = array_merge( $visitor_ids, $visitor_ids, array( (int) $limit ) );
		return (int) $wpdb->query(
			$wpdb->prepare( "DELETE FROM `{$table}` WHERE pos IN ($in) OR rec IN ($in) LIMIT %d", $args )
		);
	}

	/**
	 * Deletes visitor records.
	 *
	 * @param string[] $visitor_ids Visitor ids.
	 * @return int Rows deleted.
	 */
	public static function delete_visitors( array $visitor_ids ) {
		global $wpdb;
		$table = self::visitor_table();
		if ( empty( $visitor_ids ) || ! self::table_exists( $table ) ) {
			return 0;
		}
		$in = implode( ',', array_fill( 0, count( $visitor_ids ), '%s' ) );
		return (int) $wpdb->query( $wpdb->prepare( "DELETE FROM `{$table}` WHERE id IN ($in)", $visitor_ids ) );
	}

	/**
	 * Drops every chat table: those named `<prefix>kefu_…`, and an adopted
	 * messages table is left alone since other software owns it.
	 *
	 * @return string[] Tables dropped.
	 */
	public static function drop_tables() {
		global $wpdb;
		$tables = $wpdb->get_col( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( $wpdb->base_prefix . 'kefu_' ) . '%' ) );
		foreach ( $tables as $table ) {
			$wpdb->query( "DROP TABLE IF EXISTS `{$table}`" );
		}
		self::$exists = array();
		return $tables;
	}
}
