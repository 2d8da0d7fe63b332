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
