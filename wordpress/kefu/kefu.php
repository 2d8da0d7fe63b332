<?php
/**
 * Plugin Name:       Kefu Live Chat
 * Description:       Self-hosted live customer-service chat: a chat widget for visitors and a live inbox for your team, served by the Kefu sidecar next to your site.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      7.4
 * Author:            Kefu
 * License:           MIT
 * License URI:       https://opensource.org/licenses/MIT
 * Text Domain:       kefu
 * Domain Path:       /languages
 *
 * @package Kefu
 */

defined( 'ABSPATH' ) || exit;

define( 'KEFU_VERSION', '0.1.0' );
define( 'KEFU_PLUGIN_FILE', __FILE__ );
define( 'KEFU_PLUGIN_DIR', plugin_dir_path( __FILE__ ) );

require_once KEFU_PLUGIN_DIR . 'includes/class-kefu.php';
require_once KEFU_PLUGIN_DIR . 'includes/class-kefu-store.php';
require_once KEFU_PLUGIN_DIR . 'includes/class-kefu-token.php';
require_once KEFU_PLUGIN_DIR . 'includes/class-kefu-embed.php';
require_once KEFU_PLUGIN_DIR . 'includes/class-kefu-privacy.php';
require_once KEFU_PLUGIN_DIR . 'includes/class-kefu-retention.php';
require_once KEFU_PLUGIN_DIR . 'includes/class-kefu-mail.php';

register_activation_hook( __FILE__, array( 'Kefu', 'activate' ) );
register_deactivation_hook( __FILE__, array( 'Kefu_Retention', 'unschedule' ) );

add_action( 'plugins_loaded', array( 'Kefu', 'init' ) );
add_action( 'plugins_loaded', array( 'Kefu_Token', 'init' ) );
add_action( 'plugins_loaded', array( 'Kefu_Embed', 'init' ) );
add_action( 'plugins_loaded', array( 'Kefu_Privacy', 'init' ) );
add_action( 'plugins_loaded', array( 'Kefu_Retention', 'init' ) );
add_action( 'plugins_loaded', array( 'Kefu_Mail', 'init' ) );

if ( is_admin() ) {
	require_once KEFU_PLUGIN_DIR . 'includes/class-kefu-admin.php';
	require_once KEFU_PLUGIN_DIR . 'includes/class-kefu-settings.php';
	require_once KEFU_PLUGIN_DIR . 'includes/class-kefu-push.php';
	add_action( 'plugins_loaded', array( 'Kefu_Admin', 'init' ) );
	add_action( 'plugins_loaded', array( 'Kefu_Settings', 'init' ) );
	add_action( 'plugins_loaded', array( 'Kefu_Push', 'init' ) );
}
