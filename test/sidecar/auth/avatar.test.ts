// The agent token's `avatar` claim: only an address the widget may put in an
// <img> on any site survives reading the token; anything else is dropped and the
// token still works. The picture rides along in stream tickets.
import { describe, expect, it } from 'vitest';
import { AVATAR_MAX_CHARS, avatarUrl } from '../../../sidecar/auth/avatar-url.js';
import { Tokens } from '../../../sidecar/auth/tokens.js';

const SECRET = 'avatar-test-secret-0123456789abcdef';

describe('avatarUrl', () => {
  it('takes https addresses, normalised', () => {
    expect(avatarUrl('https://secure.gravatar.com/avatar/abc?s=96&d=mm&r=g')).toBe('https://secure.gravatar.com/avatar/abc?s=96&d=mm&r=g');
    expect(avatarUrl('HTTPS://Example.TEST/a"b<c>.png')).toBe('https://example.test/a%22b%3Cc%3E.png');
    expect(avatarUrl('https://例子.测试/头像.png')).toBe('https://xn--fsqu00a.xn--0zwm56d/%E5%A4%B4%E5%83%8F.png');
  });

  it('takes plain http only from this machine (tests serve their own pictures)', () => {
    expect(avatarUrl('http://127.0.0.1:8080/a.png')).toBe('http://127.0.0.1:8080/a.png');
    expect(avatarUrl('http://localhost/a.png')).toBe('http://localhost/a.png');
    expect(avatarUrl('http://0.gravatar.com/avatar/abc')).toBeUndefined();
    expect(avatarUrl('http://127.0.0.1.example.test/a.png')).toBeUndefined();
  });

  it.each([
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:image/svg+xml,<svg onload=alert(1)>'],
    ['a relative path', '/wp-content/uploads/me.png'],
    ['protocol-relative', '//cdn.example.test/me.png'],
    ['ftp:', 'ftp://example.test/me.png'],
    ['credentials in it', 'https://user:pass@example.test/me.png'],
    ['an outer space', ' https://example.test/me.png'],
    ['a newline inside', 'https://example.test/me\n.png'],
    ['a space inside', 'https://example.test/my face.png'],
    ['not a string', 42],
    ['empty', ''],
  ])('drops %s', (_what, value) => {
    expect(avatarUrl(value)).toBeUndefined();
  });

  it(`drops anything over ${AVATAR_MAX_CHARS} characters, before or after normalising`, () => {
    const base = 'https://example.test/';
    expect(avatarUrl(base + 'a'.repeat(AVATAR_MAX_CHARS - base.length))).toHaveLength(AVATAR_MAX_CHARS);
    expect(avatarUrl(base + 'a'.repeat(AVATAR_MAX_CHARS - base.length + 1))).toBeUndefined();
    // 200 characters that each become 9 once percent-encoded.
    expect(avatarUrl(base + '头'.repeat(200))).toBeUndefined();
  });
});

describe('the avatar claim of an agent token', () => {
  const tokens = new Tokens(SECRET);
  const read = async (avatar?: string) => {
    const who = await tokens.identify(`Bearer ${await tokens.agentToken('agent:5', 'Mei', 600, false, avatar)}`);
    return who.kind === 'agent' ? who.agent : null;
  };

  it('gives the agent its picture, and nothing when the claim is bad or absent', async () => {
    expect(await read('https://cdn.example.test/mei.png')).toEqual({ id: 'agent:5', name: 'Mei', avatar: 'https://cdn.example.test/mei.png' });
    expect(await read('javascript:alert(1)')).toEqual({ id: 'agent:5', name: 'Mei' });
    expect(await read('https://cdn.example.test/' + 'x'.repeat(600))).toEqual({ id: 'agent:5', name: 'Mei' });
    expect(await read()).toEqual({ id: 'agent:5', name: 'Mei' });
  });

  it('carries the picture through a stream ticket, even beside the longest name', async () => {
    const avatar = 'https://cdn.example.test/' + 'x'.repeat(AVATAR_MAX_CHARS - 25);
    const agent = { id: 'agent:5', name: '梅'.repeat(191), avatar };
    const ticket = await tokens.ticket({ kind: 'agent', agent, until: Date.now() + 600_000 });
    const back = await tokens.readTicket(ticket);
    expect(back.who).toMatchObject({ kind: 'agent', agent });
  });
});
