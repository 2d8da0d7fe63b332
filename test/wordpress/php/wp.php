<?php
/**
 * Drives a test site from the command line, the way wp-cli would:
 *
 *   php wp.php SITE_DIR COMMAND [JSON]
 *
 * Prints one line of JSON with the result.
 */

require __DIR__ . '/boot.php';

switch ( $kefu_command ) {
	case 'install':
		$id = kefu_install( 'Kefu Test Site', $kefu_args );
		global $wp_rewrite;
		$wp_rewrite->set_permalink_structure( '/%postname%/' );
		flush_rewrite_rules();
		kefu_out( array( 'userId' => $id ) );
		break;

	case 'add-user':
		$id = kefu_insert_user( $kefu_args );
		kefu_out( is_wp_error( $id ) ? array( 'error' => $id->get_error_message() ) : array( 'userId' => $id ) );
		break;

	case 'state':
		$roles = array();
		foreach ( wp_roles()->role_objects as $name => $role ) {
			$roles[ $name ] = $role->has_cap( 'kefu_answer_chats' );
		}
		kefu_out(
			array(
				'active'   => is_plugin_active( 'kefu/kefu.php' ),
				'files'    => is_file( WP_PLUGIN_DIR . '/kefu/kefu.php' ),
				'settings' => get_option( 'kefu_settings', null ),
				'secret'   => get_option( 'kefu_secret', null ),
				'version'  => get_option( 'kefu_version', null ),
				'caps'     => $roles,
				'uploads'  => wp_upload_dir( null, false )['basedir'],
			)
		);
		break;

	case 'export':
	case 'erase':
		$list = 'export' === $kefu_command
			? apply_filters( 'wp_privacy_personal_data_exporters', array() )
			: apply_filters( 'wp_privacy_personal_data_erasers', array() );
		if ( ! isset( $list['kefu'] ) ) {
			kefu_out( array( 'error' => 'not registered' ) );
		}
		$pages = array();
		for ( $page = 1; $page < 50; $page++ ) {
			$answer  = call_user_func( $list['kefu']['callback'], $kefu_args['email'], $page );
			$pages[] = $answer;
			if ( ! empty( $answer['done'] ) ) {
				break;
			}
		}
		kefu_out( $pages );
		break;

	case 'user-locale':
		update_user_meta( (int) $kefu_args['userId'], 'locale', (string) $kefu_args['locale'] );
		kefu_out( array( 'ok' => true ) );
		break;

	case 'set-option':
		$settings                        = get_option( 'kefu_settings', array() );
		$settings[ $kefu_args['key'] ]   = $kefu_args['value'];
		update_option( 'kefu_settings', $settings );
		kefu_out( get_option( 'kefu_settings' ) );
		break;

	case 'activate':
		$result = activate_plugin( 'kefu/kefu.php' );
		kefu_out( is_wp_error( $result ) ? array( 'error' => $result->get_error_message() ) : array( 'ok' => true ) );
		break;

	case 'uninstall':
		// What WordPress does on 'Delete' after 'Deactivate', minus removing the files.
		deactivate_plugins( 'kefu/kefu.php', true );
		uninstall_plugin( 'kefu/kefu.php' );
		kefu_out( array( 'ok' => true ) );
		break;

	case 'delete':
		// The Plugins screen's 'Delete': runs uninstall.php, then removes the files.
		deactivate_plugins( 'kefu/kefu.php', true );
		$result = delete_plugins( array( 'kefu/kefu.php' ) );
		kefu_out( is_wp_error( $result ) ? array( 'error' => $result->get_error_message() ) : array( 'ok' => (bool) $result ) );
		break;

	case 'set-role':
		$user = get_user_by( 'id', (int) $kefu_args['userId'] );
		$user->set_role( (string) $kefu_args['role'] );
		kefu_out( array( 'ok' => true ) );
		break;

	case 'retention':
		$result = Kefu_Retention::run( isset( $kefu_args['now'] ) ? (int) $kefu_args['now'] : null );
		kefu_out( is_wp_error( $result ) ? array( 'error' => $result->get_error_message() ) : $result );
		break;

	case 'cron':
		kefu_out( array( 'next' => wp_next_scheduled( 'kefu_retention' ) ) );
		break;

	case 'tables':
		kefu_out(
			array(
				'tables' => Kefu_Store::tables(),
				'exists' => Kefu_Store::table_exists( (string) $kefu_args['table'] ),
			)
		);
		break;

	case 'sanitize':
		// The settings form's check, as on a site whose address is $kefu_args['siteHome'].
		add_filter(
			'home_url',
			function () use ( $kefu_args ) {
				return $kefu_args['siteHome'];
			}
		);
		$clean = Kefu_Settings::sanitize( $kefu_args['input'] );
		kefu_out(
			array(
				'clean'  => $clean,
				'errors' => wp_list_pluck( get_settings_errors( 'kefu_settings' ), 'message' ),
			)
		);
		break;

	case 'agent-token':
		// Kefu_Token::mint for a user, as on a site at $kefu_args['siteHome'] whose
		// avatar for the user is $kefu_args['avatar'], with avatars shown or not.
		if ( isset( $kefu_args['siteHome'] ) ) {
			add_filter(
				'home_url',
				function () use ( $kefu_args ) {
					return $kefu_args['siteHome'];
				}
			);
		}
		if ( array_key_exists( 'avatar', $kefu_args ) ) {
			add_filter(
				'get_avatar_url',
				function () use ( $kefu_args ) {
					return $kefu_args['avatar'];
				}
			);
		}
		if ( isset( $kefu_args['showAvatars'] ) && ! $kefu_args['showAvatars'] ) {
			add_filter(
				'pre_option_show_avatars',
				function () {
					return '0';
				}
			);
		}
		$minted = Kefu_Token::mint( get_user_by( 'id', (int) $kefu_args['userId'] ) );
		kefu_out( is_wp_error( $minted ) ? array( 'error' => $minted->get_error_message() ) : $minted );
		break;

	default:
		fwrite( STDERR, "unknown command $kefu_command\n" );
		exit( 2 );
}
