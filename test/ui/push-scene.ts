// The pictures of docs/push.md: the console's Push tool, turned on, light and
// dark (`npm run screenshots`, scripts/screenshots.ts). The browser's push
// service is stood in for as in test/ui/push.test.ts; the rest is real.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startSidecar } from '../helpers/sidecar.js';
import { startPushService } from '../helpers/push-service.js';
import { call } from '../helpers/api.js';
import { launchBrowser } from './browser.js';
import { console_, openConsole, TIMEOUT } from './chat-pages.js';
import { fakePushManager } from './fake-push-manager.js';
import { earlierVisitors } from './screenshot-scene.js';

export const PUSH_SHOTS = {
  light: { file: 'push-console.png', width: 1200, height: 640 },
  dark: { file: 'push-console-dark.png', width: 1200, height: 640 },
} as const;

export async function takePushScreenshots(outDir: string, publicDir: string): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const svc = await startPushService();
  const [sidecar, browser] = await Promise.all([startSidecar({ publicDir, env: { KEFU_PUSH_ALLOW_HTTP_ENDPOINTS: '1' } }), launchBrowser()]);
  const paths: string[] = [];
  try {
    const token = await sidecar.agentToken(1, 'Alice');
    // An agent online, so the visitors get the chat and not the leave-a-message form.
    await call(sidecar.url, '/api/agent/presence', { token, body: { status: 'online' } });
    await earlierVisitors(browser, sidecar.url);
    for (const [scheme, shot] of Object.entries(PUSH_SHOTS) as Array<[keyof typeof PUSH_SHOTS, (typeof PUSH_SHOTS)[keyof typeof PUSH_SHOTS]]>) {
      const context = await browser.newContext({ locale: 'en-US', viewport: { width: shot.width, height: shot.height }, colorScheme: scheme, permissions: ['notifications'] });
      await context.addInitScript(fakePushManager, svc.device(`shot-${scheme}`).subscription);
      const page = await context.newPage();
      await page.emulateMedia({ reducedMotion: 'reduce' });
      await openConsole(page, sidecar.url, token);
      await console_(page, 'button.conv').first().waitFor({ timeout: TIMEOUT });
      await console_(page, '[data-tool=push]').click();
      await console_(page, 'kefu-push-settings .state[data-state=off]').waitFor({ timeout: TIMEOUT });
      await console_(page, 'kefu-push-settings [data-push=on]').click();
      await console_(page, 'kefu-push-settings .state[data-state=on]').waitFor({ timeout: TIMEOUT });
      // The button has the focus after the click; its ring is not what the picture is about.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      const path = resolve(outDir, shot.file);
      await page.screenshot({ path });
      paths.push(path);
      await context.close();
    }
  } finally {
    await browser.close();
    await sidecar.stop();
    await svc.close();
  }
  return paths;
}
