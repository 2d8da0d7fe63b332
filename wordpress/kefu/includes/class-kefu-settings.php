<?php
/**
 * Settings → Kefu Live Chat.
 *
 * @package Kefu
 */

defined( 'ABSPATH' ) || exit;

/**
 * The settings page, built on the Settings API: options.php checks the
 * `manage_options` capability and the form's nonce before anything is saved,
 * and sanitize() whitelists every value.
 */
class Kefu_Settings {

	/**
	 * Menu slug, also the settings group.
	 */
	const PAGE = 'kefu-settings';

	/**
	 * Hooks.
	 */
	public static function init() {
		add_action( 'admin_menu', array( __CLASS__, 'add_page' ) );
		add_action( 'admin_init', array( __CLASS__, 'register' ) );
	}

	/**
	 * Adds the page under Settings.
	 */
	public static function add_page() {
		add_options_page(
			__( 'Kefu Live Chat', 'kefu' ),
			__( 'Kefu Live Chat', 'kefu' ),
			'manage_options',
			self::PAGE,
			array( __CLASS__, 'render' )
		);
	}

	/**
	 * Registers the option, its sections and fields.
	 */
	public static function register() {
		register_setting(
			self::PAGE,
			Kefu::OPTION,
			array(
				'type'              => 'array',
				'sanitize_callback' => array( __CLASS__, 'sanitize' ),
				'default'           => Kefu::defaults(),
				'show_in_rest'      => false,
			)
		);

		add_settings_section( 'kefu_server', __( 'Chat server', 'kefu' ), '__return_false', self::PAGE );
		add_settings_field( 'server_url', __( 'Sidecar URL', 'kefu' ), array( __CLASS__, 'field_server_url' ), self::PAGE, 'kefu_server', array( 'label_for' => 'kefu-server-url' ) );
		add_settings_field( 'asset_source', __( 'Load the widget from', 'kefu' ), array( __CLASS__, 'field_asset_source' ), self::PAGE, 'kefu_server' );

		add_settings_section( 'kefu_widget', __( 'Chat widget', 'kefu' ), '__return_false', self::PAGE );
		add_settings_field(
			'title',
			__( 'Title', 'kefu' ),
			array( __CLASS__, 'field_text' ),
			self::PAGE,
			'kefu_widget',
			array(
				'key'       => 'title',
				'label_for' => 'kefu-title',
			)
		);
		add_settings_field(
			'greeting',
			__( 'Greeting', 'kefu' ),
			array( __CLASS__, 'field_text' ),
			self::PAGE,
			'kefu_widget',
			array(
				'key'         => 'greeting',
				'label_for'   => 'kefu-greeting',
				'description' => __( 'The first line visitors read when they open the chat. Leave empty for the widget\'s own.', 'kefu' ),
			)
		);
		add_settings_field( 'accent', __( 'Accent colour', 'kefu' ), array( __CLASS__, 'field_accent' ), self::PAGE, 'kefu_widget', array( 'label_for' => 'kefu-accent' ) );
		add_settings_field( 'theme', __( 'Theme', 'kefu' ), array( __CLASS__, 'field_theme' ), self::PAGE, 'kefu_widget', array( 'label_for' => 'kefu-theme' ) );
		add_settings_field( 'position', __( 'Position', 'kefu' ), array( __CLASS__, 'field_position' ), self::PAGE, 'kefu_widget', array( 'label_for' => 'kefu-position' ) );
		add_settings_field( 'language', __( 'Language', 'kefu' ), array( __CLASS__, 'field_language' ), self::PAGE, 'kefu_widget', array( 'label_for' => 'kefu-language' ) );
		add_settings_field(
			'reply_time',
			__( 'Reply time', 'kefu' ),
			array( __CLASS__, 'field_text' ),
			self::PAGE,
			'kefu_widget',
			array(
				'key'         => 'reply_time',
				'label_for'   => 'kefu-reply-time',
				'placeholder' => __( 'Empty: measured automatically', 'kefu' ),
				'description' => __( 'What the chat header says about how soon you answer, in your own words, e.g. "Usually replies within an hour". Leave empty to show the time your team actually takes, measured automatically.', 'kefu' ),
			)
		);
		add_settings_field( 'sound', __( 'Sound', 'kefu' ), array( __CLASS__, 'field_sound' ), self::PAGE, 'kefu_widget' );
		add_settings_field( 'prechat', __( 'Pre-chat form', 'kefu' ), array( __CLASS__, 'field_prechat' ), self::PAGE, 'kefu_widget' );

		add_settings_section( 'kefu_visibility', __( 'Where the widget shows', 'kefu' ), '__return_false', self::PAGE );
		add_settings_field( 'visibility', __( 'Show the widget', 'kefu' ), array( __CLASS__, 'field_visibility' ), self::PAGE, 'kefu_visibility' );

		add_settings_section( 'kefu_data', __( 'Privacy and chat history', 'kefu' ), '__return_false', self::PAGE );
		add_settings_field( 'consent', __( 'Consent', 'kefu' ), array( __CLASS__, 'field_consent' ), self::PAGE, 'kefu_data' );
		add_settings_field( 'retention_days', __( 'Keep conversations for', 'kefu' ), array( __CLASS__, 'field_retention' ), self::PAGE, 'kefu_data', array( 'label_for' => 'kefu-retention-days' ) );
		add_settings_field( 'delete_data', __( 'On uninstall', 'kefu' ), array( __CLASS__, 'field_delete_data' ), self::PAGE, 'kefu_data' );
	}

	/**
	 * Whitelists and cleans submitted settings; anything unknown falls back
	 * to the current value or the default.
	 *
	 * @param mixed $input Submitted value.
	 * @return array
	 */
	public static function sanitize( $input ) {
		$current = Kefu::settings();
		$input   = is_array( $input ) ? $input : array();
		$clean   = $current;

		$text   = function ( $key, $max ) use ( $input ) {
			$value = isset( $input[ $key ] ) ? sanitize_text_field( (string) $input[ $key ] ) : '';
			return function_exists( 'mb_substr' ) ? mb_substr( $value, 0, $max ) : substr( $value, 0, $max );
		};
		$choice = function ( $key, array $allowed, $fallback ) use ( $input ) {
			$value = isset( $input[ $key ] ) ? (string) $input[ $key ] : '';
			return in_array( $value, $allowed, true ) ? $value : $fallback;
		};

		$url = isset( $input['server_url'] ) ? trim( (string) $input['server_url'] ) : '';
		if ( '' === $url ) {
			$clean['server_url'] = '';
		} else {
			$url   = esc_url_raw( $url, array( 'http', 'https' ) );
			$parts = wp_parse_url( $url );
			if ( '' === $url || empty( $parts['host'] ) || isset( $parts['query'] ) || isset( $parts['fragment'] ) ) {
				add_settings_error( Kefu::OPTION, 'kefu_server_url', __( 'The sidecar URL must be a full http:// or https:// address. The previous one was kept.', 'kefu' ) );
			} elseif ( isset( $parts['user'] ) || isset( $parts['pass'] ) ) {
				// Every visitor's browser would receive them in the page.
				add_settings_error( Kefu::OPTION, 'kefu_server_url', __( 'The sidecar URL must not contain a user name or password: every visitor would see them. The previous one was kept.', 'kefu' ) );
			} elseif ( 'http' === strtolower( $parts['scheme'] ) && 'https' === wp_parse_url( home_url(), PHP_URL_SCHEME ) ) {
				add_settings_error( Kefu::OPTION, 'kefu_server_url', __( 'This site uses https://, so the sidecar URL must too: browsers block plain http:// requests from a secure page, and chats would cross the network unencrypted. The previous one was kept.', 'kefu' ) );
			} else {
				// Every sidecar route lives under /kefu: an origin alone means its /kefu.
				$url                 = untrailingslashit( $url );
				$clean['server_url'] = preg_match( '#/kefu$#', $url ) ? $url : $url . '/kefu';
			}
		}

		$defaults = Kefu::defaults();
		$accent   = isset( $input['accent'] ) ? sanitize_hex_color( (string) $input['accent'] ) : '';

		$clean['asset_source'] = $choice( 'asset_source', array( 'site', 'sidecar' ), $defaults['asset_source'] );
		$clean['title']        = $text( 'title', 80 );
		$clean['greeting']     = $text( 'greeting', 300 );
		$clean['accent']       = $accent ? $accent : $defaults['accent'];
		$clean['position']     = $choice( 'position', array( 'right', 'left' ), $defaults['position'] );
		$clean['language']     = $choice( 'language', array( 'auto', 'en', 'zh-CN' ), $defaults['language'] );
		$clean['prechat']      = ! empty( $input['prechat'] );
		$clean['theme']        = $choice( 'theme', array( 'auto', 'light', 'dark' ), $defaults['theme'] );
		$clean['reply_time']   = $text( 'reply_time', 120 );
		$clean['sound']        = ! empty( $input['sound'] );
		$clean['visibility']   = $choice( 'visibility', array( 'all', 'exclude', 'logged_in' ), $defaults['visibility'] );
		$clean['delete_data']  = ! empty( $input['delete_data'] );
		$clean['consent']      = ! empty( $input['consent'] );
		$clean['consent_text'] = $text( 'consent_text', 300 );

		// The form sends one checkbox per field; the options API may pass the
		// attribute's own 'name email'. Kept in that order, whatever was sent.
		$required = isset( $input['prechat_required'] ) ? $input['prechat_required'] : array();
		if ( is_string( $required ) ) {
			$required = preg_split( '/\s+/', $required );
		}
		$required                  = is_array( $required ) ? array_filter( $required, 'is_string' ) : array();
		$clean['prechat_required'] = implode( ' ', array_intersect( array( 'name', 'email' ), $required ) );

		$days = isset( $input['retention_days'] ) ? trim( (string) $input['retention_days'] ) : '0';
		if ( '' === $days ) {
			$days = '0';
		}
		if ( ! preg_match( '/^\d{1,5}$/', $days ) || (int) $days > 36500 ) {
			add_settings_error( Kefu::OPTION, 'kefu_retention_days', __( 'Keep conversations for: enter a whole number of days from 1 to 36500, or 0 to keep them. The previous value was kept.', 'kefu' ) );
		} else {
			$clean['retention_days'] = (int) $days;
		}

		$paths = isset( $input['exclude_paths'] ) ? preg_split( '/\R/', sanitize_textarea_field( (string) $input['exclude_paths'] ) ) : array();
		$kept  = array();
		foreach ( $paths as $path ) {
			$path = trim( $path );
			if ( '' !== $path ) {
				$kept[] = '/' === $path[0] ? $path : '/' . $path;
			}
		}
		$clean['exclude_paths'] = implode( "\n", array_slice( array_unique( $kept ), 0, 100 ) );

		return $clean;
	}

	/**
	 * Asks the sidecar's `/health` route whether it runs and reaches the
	 * database.
	 *
	 * @return array `ok` (bool) and a plain-language `message`.
	 */
	public static function health() {
		$url      = Kefu::server_url() . '/health';
		$response = wp_remote_get(
			$url,
			array(
				'timeout'     => 3,
				'redirection' => 0,
				'headers'     => array( 'Accept' => 'application/json' ),
			)
		);

		if ( is_wp_error( $response ) ) {
			return array(
				'ok'      => false,
				/* translators: 1: URL, 2: error message. */
				'message' => sprintf( __( 'Not reachable: the chat server at %1$s did not answer (%2$s). Visitors cannot chat until it runs.', 'kefu' ), $url, $response->get_error_message() ),
			);
		}

		$code = (int) wp_remote_retrieve_response_code( $response );
		$body = json_decode( wp_remote_retrieve_body( $response ), true );
		if ( 200 === $code && is_array( $body ) && ! empty( $body['ok'] ) ) {
			return array(
				'ok'      => true,
				/* translators: %s: URL. */
				'message' => sprintf( __( 'Reachable: the chat server at %s is running and its database answers.', 'kefu' ), $url ),
			);
		}
		if ( 503 === $code ) {
			return array(
				'ok'      => false,
				/* translators: %s: URL. */
				'message' => sprintf( __( 'The chat server at %s is running but cannot reach the database.', 'kefu' ), $url ),
			);
		}
		return array(
			'ok'      => false,
			/* translators: 1: URL, 2: HTTP status code. */
			'message' => sprintf( __( 'Not reachable: %1$s answered with HTTP status %2$d, not the chat server. Check the sidecar URL and the proxy.', 'kefu' ), $url, $code ),
		);
	}

	/**
	 * Tells the owner to copy the generated secret into wp-config.php.
	 */
	public static function secret_notice() {
		$secret = (string) get_option( Kefu::SECRET_OPTION, '' );
		if ( '' === $secret ) {
			// Activation makes it, unless wp-config.php defined KEFU_SECRET then.
			// Saved at once: a line that changed on every load could not be
			// copied, and tokens are signed with the saved one.
			$secret = bin2hex( random_bytes( 32 ) );
			if ( ! add_option( Kefu::SECRET_OPTION, $secret, '', false ) ) {
				update_option( Kefu::SECRET_OPTION, $secret, false );
			}
		}
		echo '<div class="notice notice-warning kefu-secret-notice"><p><strong>' . esc_html__( 'The chat server cannot check this site\'s agent tokens yet.', 'kefu' ) . '</strong> ';
		echo esc_html__( 'The shared secret is stored in the database, but the chat server reads only wp-config.php. Add this line to wp-config.php, above the line "That\'s all, stop editing!", then restart the chat server:', 'kefu' ) . '</p>';
		echo '<p><code>' . esc_html( "define( 'KEFU_SECRET', '" . $secret . "' );" ) . '</code></p></div>';
	}

	/**
	 * Renders the page.
	 */
	public static function render() {
		if ( ! current_user_can( 'manage_options' ) ) {
			return;
		}
		$health = self::health();
		?>
		<div class="wrap">
			<h1><?php echo esc_html( get_admin_page_title() ); ?></h1>
			<?php
			if ( '' === Kefu::secret_from_config() ) {
				self::secret_notice();
			}
			?>
			<p class="kefu-status">
				<span class="dashicons <?php echo esc_attr( $health['ok'] ? 'dashicons-yes-alt' : 'dashicons-warning' ); ?>" style="color:<?php echo esc_attr( $health['ok'] ? '#008a20' : '#d63638' ); ?>" aria-hidden="true"></span>
				<span id="kefu-status-text" data-ok="<?php echo esc_attr( $health['ok'] ? '1' : '0' ); ?>"><?php echo esc_html( $health['message'] ); ?></span>
			</p>
			<form action="options.php" method="post">
				<?php
				settings_fields( self::PAGE );
				do_settings_sections( self::PAGE );
				submit_button();
				?>
			</form>
		</div>
		<?php
	}

	/**
	 * Name attribute of a setting's input.
	 *
	 * @param string $key Setting.
	 * @return string
	 */
	private static function name( $key ) {
		return Kefu::OPTION . '[' . $key . ']';
	}

	/**
	 * Sidecar URL field.
	 */
	public static function field_server_url() {
		$default = Kefu::site_origin() . '/kefu';
		printf(
			'<input type="url" class="regular-text code" id="kefu-server-url" name="%1$s" value="%2$s" placeholder="%3$s" />',
			esc_attr( self::name( 'server_url' ) ),
			esc_attr( Kefu::get( 'server_url' ) ),
			esc_attr( $default )
		);
		echo '<p class="description">' . esc_html(
			sprintf(
				/* translators: %s: default URL. */
				__( 'Where browsers reach the chat server. Leave empty for %s, with your web server proxying /kefu to the sidecar (see the nginx and Apache examples in the documentation).', 'kefu' ),
				$default
			)
		) . '</p>';
	}

	/**
	 * Script source field.
	 */
	public static function field_asset_source() {
		$value   = Kefu::get( 'asset_source' );
		$choices = array(
			'site'    => __( 'This site (the copies shipped with the plugin)', 'kefu' ),
			'sidecar' => __( 'The sidecar (always the version the chat server runs)', 'kefu' ),
		);
		// The console is not offered: inside wp-admin only the plugin's own files run.
		echo '<fieldset>';
		foreach ( $choices as $key => $label ) {
			printf(
				'<label><input type="radio" name="%1$s" value="%2$s" %3$s /> %4$s</label><br />',
				esc_attr( self::name( 'asset_source' ) ),
				esc_attr( $key ),
				checked( $value, $key, false ),
				esc_html( $label )
			);
		}
		echo '</fieldset>';
		echo '<p class="description">' . esc_html__( 'The Live Chat console always runs the copy shipped with the plugin: inside the back office, only the plugin\'s own files run.', 'kefu' ) . '</p>';
	}

	/**
	 * A one-line text field.
	 *
	 * @param array $args `key` and `label_for`; optional `placeholder` and `description`.
	 */
	public static function field_text( $args ) {
		$key = $args['key'];
		printf(
			'<input type="text" class="regular-text" id="%1$s" name="%2$s" value="%3$s"%4$s />',
			esc_attr( $args['label_for'] ),
			esc_attr( self::name( $key ) ),
			esc_attr( Kefu::get( $key ) ),
			empty( $args['placeholder'] ) ? '' : ' placeholder="' . esc_attr( $args['placeholder'] ) . '"'
		);
		if ( ! empty( $args['description'] ) ) {
			echo '<p class="description">' . esc_html( $args['description'] ) . '</p>';
		}
	}

	/**
	 * Accent colour field.
	 */
	public static function field_accent() {
		printf(
			'<input type="color" id="kefu-accent" name="%1$s" value="%2$s" />',
			esc_attr( self::name( 'accent' ) ),
			esc_attr( Kefu::get( 'accent' ) )
		);
	}

	/**
	 * Theme field.
	 */
	public static function field_theme() {
		$value = Kefu::get( 'theme' );
		printf( '<select id="kefu-theme" name="%s">', esc_attr( self::name( 'theme' ) ) );
		foreach ( array(
			'auto'  => __( 'Follow the visitor\'s system setting', 'kefu' ),
			'light' => __( 'Light', 'kefu' ),
			'dark'  => __( 'Dark', 'kefu' ),
		) as $key => $label ) {
			printf( '<option value="%1$s" %2$s>%3$s</option>', esc_attr( $key ), selected( $value, $key, false ), esc_html( $label ) );
		}
		echo '</select>';
	}

	/**
	 * Position field.
	 */
	public static function field_position() {
		$value = Kefu::get( 'position' );
		printf( '<select id="kefu-position" name="%s">', esc_attr( self::name( 'position' ) ) );
		foreach ( array(
			'right' => __( 'Bottom right', 'kefu' ),
			'left'  => __( 'Bottom left', 'kefu' ),
		) as $key => $label ) {
			printf( '<option value="%1$s" %2$s>%3$s</option>', esc_attr( $key ), selected( $value, $key, false ), esc_html( $label ) );
		}
		echo '</select>';
	}

	/**
	 * Language field.
	 */
	public static function field_language() {
		$value = Kefu::get( 'language' );
		printf( '<select id="kefu-language" name="%s">', esc_attr( self::name( 'language' ) ) );
		foreach ( array(
			'auto'  => __( 'The site\'s language', 'kefu' ),
			'en'    => __( 'English', 'kefu' ),
			'zh-CN' => __( 'Simplified Chinese', 'kefu' ),
		) as $key => $label ) {
			printf( '<option value="%1$s" %2$s>%3$s</option>', esc_attr( $key ), selected( $value, $key, false ), esc_html( $label ) );
		}
		echo '</select>';
	}

	/**
	 * Pre-chat form field.
	 */
	public static function field_prechat() {
		$required = explode( ' ', (string) Kefu::get( 'prechat_required' ) );
		echo '<fieldset><legend class="screen-reader-text">' . esc_html__( 'Pre-chat form', 'kefu' ) . '</legend>';
		printf(
			'<label><input type="checkbox" id="kefu-prechat" name="%1$s" value="1" %2$s /> %3$s</label><br />',
			esc_attr( self::name( 'prechat' ) ),
			checked( (bool) Kefu::get( 'prechat' ), true, false ),
			esc_html__( 'Ask visitors who are not logged in for their name and email before the chat starts', 'kefu' )
		);
		foreach ( array(
			'name'  => __( 'Require name', 'kefu' ),
			'email' => __( 'Require email', 'kefu' ),
		) as $key => $label ) {
			printf(
				'<label><input type="checkbox" id="kefu-prechat-require-%1$s" name="%2$s[]" value="%1$s" %3$s /> %4$s</label><br />',
				esc_attr( $key ),
				esc_attr( self::name( 'prechat_required' ) ),
				checked( in_array( $key, $required, true ), true, false ),
				esc_html( $label )
			);
		}
		echo '</fieldset>';
		echo '<p class="description">' . esc_html__( 'A required field must be filled before the first message; the others may be left empty.', 'kefu' ) . '</p>';
	}

	/**
	 * Sound field.
	 */
	public static function field_sound() {
		printf(
			'<label><input type="checkbox" id="kefu-sound" name="%1$s" value="1" %2$s /> %3$s</label>',
			esc_attr( self::name( 'sound' ) ),
			checked( (bool) Kefu::get( 'sound' ), true, false ),
			esc_html__( 'Play a short chime when your team replies while the chat is closed', 'kefu' )
		);
	}

	/**
	 * Visibility fields.
	 */
	public static function field_visibility() {
		$value   = Kefu::get( 'visibility' );
		$choices = array(
			'all'       => __( 'On every page', 'kefu' ),
			'exclude'   => __( 'On every page except those listed below', 'kefu' ),
			'logged_in' => __( 'Only to logged-in users', 'kefu' ),
		);
		echo '<fieldset>';
		foreach ( $choices as $key => $label ) {
			printf(
				'<label><input type="radio" name="%1$s" value="%2$s" %3$s /> %4$s</label><br />',
				esc_attr( self::name( 'visibility' ) ),
				esc_attr( $key ),
				checked( $value, $key, false ),
				esc_html( $label )
			);
		}
		echo '</fieldset>';
		printf(
			'<p><label for="kefu-exclude-paths">%1$s</label></p><textarea id="kefu-exclude-paths" class="large-text code" rows="4" name="%2$s">%3$s</textarea>',
			esc_html__( 'Excluded paths, one per line (/checkout/ hides it on that page, /shop/* on every page under /shop/):', 'kefu' ),
			esc_attr( self::name( 'exclude_paths' ) ),
			esc_textarea( Kefu::get( 'exclude_paths' ) )
		);
	}

	/**
	 * Consent fields.
	 */
	public static function field_consent() {
		printf(
			'<label><input type="checkbox" id="kefu-consent" name="%1$s" value="1" %2$s /> %3$s</label>',
			esc_attr( self::name( 'consent' ) ),
			checked( (bool) Kefu::get( 'consent' ), true, false ),
			esc_html__( 'Ask visitors to tick a consent box before their first message', 'kefu' )
		);
		printf(
			'<p><label for="kefu-consent-text">%1$s</label></p><input type="text" class="large-text" id="kefu-consent-text" name="%2$s" value="%3$s" placeholder="%4$s" />',
			esc_html__( 'Consent text (the privacy policy page from Settings → Privacy is linked beside it):', 'kefu' ),
			esc_attr( self::name( 'consent_text' ) ),
			esc_attr( Kefu::get( 'consent_text' ) ),
			esc_attr__( 'I agree that this site stores my messages to answer me.', 'kefu' )
		);
		echo '<p class="description">' . esc_html__( 'The time of consent is stored with the conversation and included in personal data exports.', 'kefu' ) . '</p>';
	}

	/**
	 * Retention field.
	 */
	public static function field_retention() {
		printf(
			'<input type="number" min="0" max="36500" step="1" class="small-text" id="kefu-retention-days" name="%1$s" value="%2$d" /> %3$s',
			esc_attr( self::name( 'retention_days' ) ),
			(int) Kefu::get( 'retention_days' ),
			esc_html__( 'days', 'kefu' )
		);
		echo '<p class="description">' . esc_html__( 'Conversations quiet for longer are deleted once a day (messages, files, visitor records and read receipts). 0 keeps them for ever.', 'kefu' ) . '</p>';
	}

	/**
	 * Delete-on-uninstall field.
	 */
	public static function field_delete_data() {
		printf(
			'<label><input type="checkbox" id="kefu-delete-data" name="%1$s" value="1" %2$s /> %3$s</label>',
			esc_attr( self::name( 'delete_data' ) ),
			checked( (bool) Kefu::get( 'delete_data' ), true, false ),
			esc_html__( 'Delete chat history when the plugin is uninstalled', 'kefu' )
		);
		echo '<p class="description">' . esc_html__( 'Unticked, messages, visitor records and the files sent in chats stay after an uninstall. Ticked, the chat tables go, and the files with them: those in the database and those in the kefu-files folder of the uploads folder. Files the chat server keeps in an S3 bucket stay in the bucket: delete them there.', 'kefu' ) . '</p>';
	}
}
