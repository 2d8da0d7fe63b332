// The console's three columns are three components inside <kefu-admin>; the
// layout still follows the console's own width (a container query on
// <kefu-admin> that reaches into the inner shadow roots), and a site's theme
// properties still reach the innermost parts.
import { expect, it } from 'vitest';
import { newContext, watchErrors } from './browser.js';
import { useSidecarAndBrowser } from './rig.js';
import { agentMessage, console_, conversationEntry, openConsole, openWidget, TIMEOUT, visitorSends } from './chat-pages.js';

const rig = useSidecarAndBrowser();

it('on a narrow console shows the list or the conversation, with a way back', async () => {
  const agent = await (await newContext(rig.browser, { viewport: { width: 600, height: 700 } })).newPage();
  const visitor = await (await newContext(rig.browser)).newPage();
  const errors = watchErrors(agent);
  await openConsole(agent, rig.sidecar.url, await rig.sidecar.agentToken(1, 'Alice'));
  // Nothing open: the list takes the whole width (no empty column beside it).
  const widths = await Promise.all(['kefu-admin', 'kefu-inbox-list'].map((sel) => (sel === 'kefu-admin' ? agent.locator(sel) : console_(agent, sel)).evaluate((el) => el.getBoundingClientRect().width)));
  expect(widths[0] - widths[1]).toBeLessThan(4);
  await openWidget(visitor, `${rig.sidecar.url}/demo`);
  await visitorSends(visitor, 'asking from a phone-sized console');
  await conversationEntry(agent, 'asking from a phone-sized console').click();
  await agentMessage(agent, 'asking from a phone-sized console').waitFor({ timeout: TIMEOUT });
  expect(await console_(agent, 'kefu-inbox-list').isVisible()).toBe(false);
  expect(await console_(agent, 'kefu-visitor-details').isVisible()).toBe(false);
  await console_(agent, 'button.back').click();
  await conversationEntry(agent, 'asking from a phone-sized console').waitFor({ timeout: TIMEOUT });
  expect(await console_(agent, 'form.composer').isVisible()).toBe(false);
  expect(errors).toEqual([]);
});

it('lets a site\'s --kefu-accent reach the reply button inside <kefu-conversation>', async () => {
  const agent = await (await newContext(rig.browser)).newPage();
  await openConsole(agent, rig.sidecar.url, await rig.sidecar.agentToken(1, 'Alice'));
  await agent.addStyleTag({ content: 'kefu-admin { --kefu-accent: rgb(124, 58, 237) }' });
  const visitor = await (await newContext(rig.browser)).newPage();
  await openWidget(visitor, `${rig.sidecar.url}/demo`);
  await visitorSends(visitor, 'what colour is the send button?');
  await conversationEntry(agent, 'what colour is the send button?').click();
  const send = console_(agent, 'form.composer button.send');
  await send.waitFor({ timeout: TIMEOUT });
  expect(await send.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(124, 58, 237)');
});

it('on a wide console shows no empty details column, then the details with the page as one short line', async () => {
  const agent = await (await newContext(rig.browser, { viewport: { width: 1280, height: 800 } })).newPage();
  await openConsole(agent, rig.sidecar.url, await rig.sidecar.agentToken(1, 'Alice'));
  expect(await console_(agent, 'kefu-visitor-details').isVisible()).toBe(false);
  const visitor = await (await newContext(rig.browser)).newPage();
  await openWidget(visitor, `${rig.sidecar.url}/demo?from=a-campaign-with-a-rather-long-name-that-goes-on-and-on-and-on`);
  await visitorSends(visitor, 'which page am I on?');
  await conversationEntry(agent, 'which page am I on?').click();
  const link = console_(agent, 'kefu-visitor-details a.url').first();
  await link.waitFor({ timeout: TIMEOUT });
  // Without the scheme, the whole address in the link and its tooltip, on one line.
  const text = (await link.textContent()) ?? '';
  expect(text.startsWith('127.0.0.1:')).toBe(true);
  expect(await link.getAttribute('title')).toBe(`${rig.sidecar.url}/demo?from=a-campaign-with-a-rather-long-name-that-goes-on-and-on-and-on`);
  const box = await link.evaluate((el) => ({ lines: Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)), cut: el.scrollWidth > el.clientWidth }));
  expect(box).toEqual({ lines: 1, cut: true });
  // The visitor's id comes last, after what an agent reads first.
  expect(await console_(agent, 'kefu-visitor-details dt').first().textContent()).toBe('Name');
  expect(await console_(agent, 'kefu-visitor-details dt').last().textContent()).toBe('Visitor');
});

it('follows the system into dark mode, and a site can force either theme', async () => {
  const agent = await (await newContext(rig.browser)).newPage();
  await openConsole(agent, rig.sidecar.url, await rig.sidecar.agentToken(1, 'Alice'));
  const colours = () =>
    Promise.all([
      agent.locator('kefu-admin').evaluate((el) => getComputedStyle(el).backgroundColor),
      console_(agent, 'kefu-inbox-list .list').evaluate((el) => getComputedStyle(el).color),
    ]);
  const light = ['rgb(255, 255, 255)', 'rgb(15, 23, 42)'];
  const dark = ['rgb(15, 23, 42)', 'rgb(226, 232, 240)'];
  await agent.emulateMedia({ colorScheme: 'light' });
  expect(await colours()).toEqual(light);
  await agent.emulateMedia({ colorScheme: 'dark' });
  expect(await colours()).toEqual(dark);
  const admin = agent.locator('kefu-admin');
  await admin.evaluate((el) => el.setAttribute('theme', 'light'));
  expect(await colours()).toEqual(light);
  await agent.emulateMedia({ colorScheme: 'light' });
  await admin.evaluate((el) => el.setAttribute('theme', 'dark'));
  expect(await colours()).toEqual(dark);
  // A site's own colour still wins over the theme.
  await agent.addStyleTag({ content: 'kefu-admin { --kefu-background: rgb(1, 2, 3) }' });
  expect((await colours())[0]).toBe('rgb(1, 2, 3)');
});

it('says who is signed in, and signing out of the standalone console forgets the token', async () => {
  const agent = await (await newContext(rig.browser)).newPage();
  await openConsole(agent, rig.sidecar.url, await rig.sidecar.agentToken(1, 'Alice'));
  expect(await console_(agent, 'header .me').textContent()).toBe('Alice');
  await console_(agent, 'header .sign-out').click();
  await agent.locator('#signin').waitFor({ timeout: TIMEOUT });
  expect(await agent.locator('kefu-admin').count()).toBe(0);
  expect(await agent.evaluate(() => sessionStorage.length)).toBe(0);
  // Opened again without a token, the console asks for one.
  await agent.reload();
  await agent.locator('#signin').waitFor({ timeout: TIMEOUT });
});

it('fits a 360 px phone: nothing wider than the screen, list and conversation as two screens', async () => {
  const agent = await (await newContext(rig.browser, { viewport: { width: 360, height: 740 } })).newPage();
  await openConsole(agent, rig.sidecar.url, await rig.sidecar.agentToken(1, 'Alice'));
  const visitor = await (await newContext(rig.browser)).newPage();
  await openWidget(visitor, `${rig.sidecar.url}/demo`);
  await visitorSends(visitor, 'hello from a small screen');
  /** Elements of the console, through every shadow root, that reach past the right edge. */
  const overflowing = () =>
    agent.evaluate(() => {
      const out: string[] = [];
      const walk = (root: Document | ShadowRoot) => {
        for (const el of root.querySelectorAll('*')) {
          const r = el.getBoundingClientRect();
          if (r.width > 0 && r.height > 0 && r.right > window.innerWidth + 0.5 && getComputedStyle(el).visibility !== 'hidden') out.push(`${el.tagName.toLowerCase()}.${el.className}`);
          if (el.shadowRoot) walk(el.shadowRoot);
        }
      };
      walk(document);
      return { out, scroll: document.documentElement.scrollWidth };
    });
  await conversationEntry(agent, 'hello from a small screen').waitFor({ timeout: TIMEOUT });
  expect(await overflowing()).toEqual({ out: [], scroll: 360 });
  await conversationEntry(agent, 'hello from a small screen').click();
  await agentMessage(agent, 'hello from a small screen').waitFor({ timeout: TIMEOUT });
  expect(await overflowing()).toEqual({ out: [], scroll: 360 });
  expect(await console_(agent, 'form.composer button.send').isVisible()).toBe(true);
});
