// What the agents' details column says about a visitor's browser, read from
// the User-Agent header of their session request. Only these three short
// strings are kept; the header itself is never stored.
import Bowser from 'bowser';

export type DeviceKind = 'desktop' | 'mobile' | 'tablet';

export interface UserAgentSummary {
  /** `Chrome 131`: the name and major version. */
  browser: string | null;
  /** `Windows 10`, `iOS 17.5`, `Android 14`. */
  os: string | null;
  device: DeviceKind | null;
}

const DEVICES: readonly string[] = ['desktop', 'mobile', 'tablet'];
/** Real User-Agents stay well under this; a longer header is cut before the parser's regular expressions see it. */
const MAX_INPUT = 512;
/** The columns' width. */
const MAX_FIELD = 64;

const short = (s: string): string | null => s.trim().slice(0, MAX_FIELD).trim() || null;

/** Nothing known (all null) for a missing, empty or unrecognised header. */
export function summariseUserAgent(header: string | undefined): UserAgentSummary {
  const ua = (header ?? '').slice(0, MAX_INPUT).trim();
  // Bowser throws on an empty string.
  if (!ua) return { browser: null, os: null, device: null };
  const { browser, os, platform } = Bowser.parse(ua);
  const major = browser.version?.split('.')[0];
  return {
    browser: browser.name ? short(major ? `${browser.name} ${major}` : browser.name) : null,
    os: os.name ? short(osLabel(os.name, os.version, os.versionName)) : null,
    device: DEVICES.includes(platform.type ?? '') ? (platform.type as DeviceKind) : null,
  };
}

function osLabel(name: string, version: string | undefined, versionName: string | undefined): string {
  // Windows gives "NT 10.0"; Bowser names it ("10", "7", "XP").
  if (name === 'Windows') return versionName ? `Windows ${versionName}` : name;
  // Every macOS since 11 reports itself as 10.15.7 (browsers froze the string), so the number says nothing.
  if (name === 'macOS') return name;
  const v = version?.split('.').slice(0, 2).join('.');
  return v ? `${name} ${v}` : name;
}
