<?php
/**
 * Retention: conversations older than the owner's limit are deleted daily.
 *
 * @package Kefu
 */

defined( 'ABSPATH' ) || exit;

/**
 * The daily WP-Cron job behind the setting "Delete conversations older than N
 * days" (off by default). A conversation is old when it has been quiet that
 * long: no message and no visit. Its messages, the files whose bytes are in
 * the database, typing and read events, the agents' notes and blocks, and the
 * visitor record go, in batches, so that a large backlog never holds a lock or
 * a PHP request for long; what is left waits for the next run. Files kept
 * elsewhere (an S3 bucket, a folder) keep their records for the sidecar's
 * sweep, which alone reaches their bytes and deletes both within about a
 * minute of the visitor record (see Kefu_Store::delete_files_of()).
 */
class Kefu_Retention {

	/**
	 * The WP-Cron hook.
	 */
	const HOOK = 'kefu_retention';

	/**
	 * Conversations per batch, and rows per DELETE.
	 */
	const BATCH = 200;

	/**
	 * Seconds one run may spend before leaving the rest for the next.
	 */
	const TIME_BUDGET = 20;

	/**
	 * Hooks.
	 */
	public static function init() {
		add_action( self::HOOK, array( __CLASS__, 'run' ) );
		add_action( 'update_option_' . Kefu::OPTION, array( __CLASS__, 'schedule' ) );
	}

	/**
	 * Schedules the daily run when a limit is set, and removes it otherwise.
	 */
	public static function schedule() {
		$on   = (int) Kefu::get( 'retention_days' ) > 0;
		$next = wp_next_scheduled( self::HOOK );
		if ( $on && ! $next ) {
			wp_schedule_event( time() + HOUR_IN_SECONDS, 'daily', self::HOOK );
		} elseif ( ! $on && $next ) {
			wp_clear_scheduled_hook( self::HOOK );
		}
	}

	/**
	 * Removes the daily run (deactivation).
	 */
	public static function unschedule() {
		wp_clear_scheduled_hook( self::HOOK );
	}

	/**
	 * Deletes the conversations quiet for longer than the limit.
	 *
	 * @param int|null $now Current time (Unix seconds); now when null.
	 * @return array|WP_Error `conversations`, `messages` and `files` deleted,
	 *                        and `done` (false when the time budget ran out
	 *                        first).
	 */
	public static function run( $now = null ) {
		$days = (int) Kefu::get( 'retention_days' );
		$done = array(
			'conversations' => 0,
			'messages'      => 0,
			'files'         => 0,
			'done'          => true,
		);
		if ( $days <= 0 ) {
			return $done;
		}
		$now    = null === $now ? time() : (int) $now;
		$cutoff = gmdate( 'Y-m-d H:i:s', $now - $days * DAY_IN_SECONDS );
		$start  = microtime( true );
		while ( true ) {
			if ( microtime( true ) - $start > self::TIME_BUDGET ) {
				$done['done'] = false;
				break;
			}
			$ids = Kefu_Store::quiet_visitors( $cutoff, self::BATCH );
			if ( is_wp_error( $ids ) ) {
				return self::failed( $ids );
			}
			if ( ! $ids ) {
				break;
			}
			do {
				$deleted = Kefu_Store::delete_messages_of( $ids, self::BATCH * 10 );
				if ( is_wp_error( $deleted ) ) {
					return self::failed( $deleted );
				}
				$done['messages'] += $deleted;
			} while ( $deleted >= self::BATCH * 10 );
			do {
				$files = Kefu_Store::delete_files_of( $ids, self::BATCH );
				if ( is_wp_error( $files ) ) {
					return self::failed( $files );
				}
				$done['files'] += $files;
			} while ( $files >= self::BATCH );
			$events = Kefu_Store::delete_related_of( $ids, 100000 );
			$gone   = is_wp_error( $events ) ? $events : Kefu_Store::delete_visitors( $ids );
			if ( is_wp_error( $gone ) ) {
				return self::failed( $gone );
			}
			$done['conversations'] += $gone;
		}
		return $done;
	}

	/**
	 * Logs a failed run where the owner's error log shows it, and returns the error.
	 *
	 * @param WP_Error $error What went wrong.
	 * @return WP_Error
	 */
	private static function failed( WP_Error $error ) {
		// phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- a cron job has no screen; the log is where an operator looks.
		error_log( 'Kefu retention: ' . $error->get_error_message() );
		return $error;
	}
}
