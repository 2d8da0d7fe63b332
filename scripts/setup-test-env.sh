#!/usr/bin/env bash
# Prepares a fresh Debian machine for the test suite: the system packages the
# tests drive (MariaDB, headless Chromium, WordPress with PHP) and a running
# MariaDB on 127.0.0.1:3306. Safe to run again: it skips what is there.
set -euo pipefail

need=()
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -d /usr/share/wordpress ] || need+=(wordpress)
# Debian ships WordPress's themes apart; the plugin's end-to-end test renders
# its front page with the release's default theme.
[ -d /usr/share/wordpress/wp-content/themes/twentytwentythree ] || need+=(wordpress-theme-twentytwentythree)
for p in php-cli php-mysql php-xml php-mbstring php-curl php-intl; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
# Chinese glyphs for the zh-CN pictures `npm run screenshots` takes (the tests read text, not pixels).
[ -n "$(fc-list :lang=zh 2>/dev/null || true)" ] || need+=(fonts-noto-cjk)
# The 👍 and 👎 of the rating pictures (docs/ui.md, "Ratings").
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || need+=(fonts-noto-color-emoji)
command -v zip >/dev/null 2>&1 || need+=(zip)
command -v unzip >/dev/null 2>&1 || need+=(unzip)

if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# MariaDB: start it when nothing answers on 3306.
if ! mariadb -h127.0.0.1 -uroot -e 'SELECT 1' >/dev/null 2>&1; then
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  for _ in $(seq 1 60); do
    mariadb -h127.0.0.1 -uroot -e 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.5
  done
fi
mariadb -h127.0.0.1 -uroot -e 'CREATE DATABASE IF NOT EXISTS test CHARACTER SET utf8mb4' 
echo "test environment ready"
