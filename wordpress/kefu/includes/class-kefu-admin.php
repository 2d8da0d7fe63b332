<?php
/**
 * The 'Live Chat' page in the back office.
 *
 * @package Kefu
 */

defined( 'ABSPATH' ) || exit;

/**
 * A top-level 'Live Chat' menu page that hosts `<kefu-admin>` for users who
 * answer chats, with the count of unread visitor messages on the menu item.
 */
class Kefu_Admin {

	/**
	 * Menu slug of the page.
	 */
	const PAGE = 'kefu';

	/**
	 * Hooks.
	 */
	public static function init() {
		add_action( 'admin_menu', array( __CLASS__, 'add_menu' ) );
		add_action( 'admin_enqueue_scripts', array( __CLASS__, 'enqueue' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( KEFU_PLUGIN_FILE ), array( __CLASS__, 'action_links' ) );
	}

	/**
	 * Adds the menu item, with a bubble when visitors wait for an answer.
	 */
	public static function add_menu() {
		$title = __( 'Live Chat', 'kefu' );
		$menu  = $title;
		if ( current_user_can( Kefu::CAPABILITY ) ) {
			$unread = Kefu_Store::unread_count();
			if ( $unread > 0 ) {
				$menu .= sprintf(
					' <span class="awaiting-mod count-%1$d"><span class="pending-count" aria-hidden="true">%2$s</span><span class="screen-reader-text">%3$s</span></span>',
					$unread,
					esc_html( number_format_i18n( $unread ) ),
					/* translators: %s: number of unread chat messages. */
					esc_html( sprintf( _n( '%s unread message', '%s unread messages', $unread, 'kefu' ), number_format_i18n( $unread ) ) )
				);
			}
		}
		add_menu_page( $title, $menu, Kefu::CAPABILITY, self::PAGE, array( __CLASS__, 'render' ), 'dashicons-format-chat', 26 );
	}

	/**
	 * Loads the agent panel on the 'Live Chat' page only.
	 *
	 * @param string $hook_suffix The current admin page.
	 */
	public static function enqueue( $hook_suffix ) {
		if ( 'toplevel_page_' . self::PAGE !== $hook_suffix || ! current_user_can( Kefu::CAPABILITY ) ) {
			return;
		}
		// Only the plugin's own shipped bundle: render() explains when it is missing.
		if ( ! Kefu::has_bundle( 'admin' ) ) {
			return;
		}
		Kefu::enqueue_module( 'kefu-admin', Kefu::script_url( 'admin' ), Kefu::script_version( 'admin' ) );
		wp_register_style( 'kefu-admin', false, array(), KEFU_VERSION );
		wp_enqueue_style( 'kefu-admin' );
		wp_add_inline_style(
			'kefu-admin',
			'.kefu-live-chat kefu-admin{display:block;height:calc(100vh - 140px);min-height:420px;margin-top:12px;background:#fff;border:1px solid #c3c4c7}'
		);
	}

	/**
	 * Renders the page: `<kefu-admin>` with a freshly signed token and the
	 * route that renews it.
	 */
	public static function render() {
		if ( ! current_user_can( Kefu::CAPABILITY ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to answer chats.', 'kefu' ), 403 );
		}

		echo '<div class="wrap kefu-live-chat">';
		echo '<h1>' . esc_html__( 'Live Chat', 'kefu' ) . '</h1>';

		if ( '' === Kefu::secret_from_config() && current_user_can( 'manage_options' ) ) {
			Kefu_Settings::secret_notice();
		}

		if ( ! Kefu::has_bundle( 'admin' ) ) {
			echo '<div class="notice notice-error kefu-bundle-notice"><p><strong>' . esc_html__( 'The Live Chat console is not built.', 'kefu' ) . '</strong> ';
			echo esc_html__( 'This copy of the plugin has no assets/admin.js: it was taken from the source code. Install the release zip (kefu-wordpress.zip), or run "npm run build" in the Kefu source and copy dist/kefu-wordpress.zip\'s files here.', 'kefu' ) . '</p></div></div>';
			return;
		}

		// Without this the page is an empty box while the sidecar is down. The
		// element is printed all the same: it connects once the sidecar answers.
		$health = Kefu_Settings::health();
		if ( ! $health['ok'] ) {
			$place = __( 'Settings', 'kefu' ) . ' → ' . __( 'Kefu Live Chat', 'kefu' );
			if ( current_user_can( 'manage_options' ) ) {
				$place = sprintf( '<a href="%1$s">%2$s</a>', esc_url( admin_url( 'options-general.php?page=' . Kefu_Settings::PAGE ) ), esc_html( $place ) );
				/* translators: %s: 'Settings → Kefu Live Chat', a link to the settings page. */
				$todo = esc_html__( 'Start the chat server (the Kefu sidecar); this page connects by itself once it answers. If it is running, check the sidecar URL in %s.', 'kefu' );
			} else {
				$place = esc_html( $place );
				/* translators: %s: 'Settings → Kefu Live Chat'. */
				$todo = esc_html__( 'Start the chat server (the Kefu sidecar); this page connects by itself once it answers. If it is running, ask an administrator to check the sidecar URL in %s.', 'kefu' );
			}
			echo '<div class="notice notice-error kefu-health-notice"><p><strong>' . esc_html( $health['message'] ) . '</strong></p>';
			echo '<p>' . sprintf( $todo, $place ) . '</p></div>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- both parts escaped above.
		}

		$minted = Kefu_Token::mint( wp_get_current_user() );
		if ( is_wp_error( $minted ) ) {
			echo '<div class="notice notice-error"><p>' . esc_html( $minted->get_error_message() ) . '</p></div></div>';
			return;
		}

		$attrs = array(
			'token'        => $minted['token'],
			'token-url'    => rest_url( 'kefu/v1/agent-token' ),
			'nonce'        => wp_create_nonce( 'wp_rest' ),
			'server'       => Kefu::server_base(),
			'lang'         => Kefu::language_for_locale( get_user_locale() ),
			// wp-admin has no dark mode of its own: the console matches it.
			'theme'        => 'light',
			'sign-out-url' => wp_logout_url(),
		);
		/**
		 * Filters the console element's attributes (class-kefu-push.php adds its service worker).
		 *
		 * @param array $attrs Attribute name => value.
		 */
		$attrs = apply_filters( 'kefu_admin_attributes', $attrs );
		echo Kefu_Embed::element( 'kefu-admin', $attrs ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in element().
		echo '<noscript><p>' . esc_html__( 'Live Chat needs JavaScript.', 'kefu' ) . '</p></noscript>';
		echo '</div>';
	}

	/**
	 * Adds 'Settings' and 'Live Chat' links on the Plugins screen.
	 *
	 * @param string[] $links Action links.
	 * @return string[]
	 */
	public static function action_links( $links ) {
		if ( current_user_can( 'manage_options' ) ) {
			array_unshift(
				$links,
				sprintf( '<a href="%s">%s</a>', esc_url( admin_url( 'options-general.php?page=' . Kefu_Settings::PAGE ) ), esc_html__( 'Settings', 'kefu' ) )
			);
		}
		return $links;
	}
}
