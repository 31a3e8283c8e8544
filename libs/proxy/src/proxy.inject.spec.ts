import { ChatMessage, injectContext, lastUserMessage, messageText } from './proxy.inject';
import { clientUpstreamAuthorization, readDirectives } from './proxy.headers';

const CONTEXT = '<memory>the dog is Biscuit</memory>';

describe('injectContext', () => {
  const chat: ChatMessage[] = [
    { role: 'user', content: 'Hello' },
    { role: 'assistant', content: 'Hi' },
    { role: 'user', content: 'Dog?' },
  ];

  it('system: a system message first, or appended to the leading one', () => {
    expect(injectContext(chat, CONTEXT, 'system')).toEqual([{ role: 'system', content: CONTEXT }, ...chat]);
    const withSystem = [{ role: 'developer', content: 'Be brief.' }, ...chat];
    expect(injectContext(withSystem, CONTEXT, 'system')[0]).toEqual({
      role: 'developer',
      content: `Be brief.\n\n${CONTEXT}`,
    });
  });

  it('first_user: before the first user text, as a part for array content', () => {
    expect(injectContext(chat, CONTEXT, 'first_user')[0]).toEqual({ role: 'user', content: `${CONTEXT}\n\nHello` });
    const parts = [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }];
    expect(injectContext(parts, CONTEXT, 'first_user')[0].content).toEqual([
      { type: 'text', text: CONTEXT },
      { type: 'image_url', image_url: { url: 'x' } },
    ]);
    expect(injectContext([{ role: 'system', content: 's' }], CONTEXT, 'first_user')[0]).toEqual({
      role: 'system',
      content: CONTEXT,
    });
  });

  it('before_last: a system message just before the last one', () => {
    const result = injectContext(chat, CONTEXT, 'before_last');
    expect(result.map((m) => m.role)).toEqual(['user', 'assistant', 'system', 'user']);
    expect(injectContext([chat[0]], CONTEXT, 'before_last').map((m) => m.role)).toEqual(['system', 'user']);
  });

  it('leaves the request its own messages unchanged, and other fields as they were', () => {
    const messages: ChatMessage[] = [{ role: 'user', content: 'x', name: 'ada' }];
    const copy = structuredClone(messages);
    const result = injectContext(messages, CONTEXT, 'first_user');
    expect(messages).toEqual(copy);
    expect(result[0].name).toBe('ada');
  });

  it('reads the query from the last user message, text parts only', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'old' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'a' },
          { type: 'image_url', image_url: {} },
          { type: 'text', text: 'b' },
        ],
      },
      { role: 'assistant', content: 'later' },
    ];
    expect(messageText(lastUserMessage(messages))).toBe('a\nb');
    expect(messageText(lastUserMessage([{ role: 'system', content: 's' }]))).toBe('');
  });
});

describe('the X-Engram-* headers', () => {
  it('reads them, with defaults', () => {
    expect(readDirectives({})).toEqual({
      tenant: undefined,
      namespace: undefined,
      user: undefined,
      session: undefined,
      skipMemory: false,
      skipExtract: false,
      tokenBudget: undefined,
      position: undefined,
    });
    expect(
      readDirectives({
        'x-engram-namespace': 'notes',
        'x-engram-user': 'ada@example.com',
        'x-engram-session': 's/1',
        'x-engram-skip-extract': 'TRUE',
        'x-engram-token-budget': '800',
        'x-engram-context-position': 'before_last',
      }),
    ).toMatchObject({
      namespace: 'notes',
      user: 'ada@example.com',
      session: 's/1',
      skipExtract: true,
      tokenBudget: 800,
      position: 'before_last',
    });
  });

  it.each([
    ['x-engram-token-budget', '63'],
    ['x-engram-token-budget', '1e3'],
    ['x-engram-token-budget', '200001'],
    ['x-engram-context-position', 'end'],
    ['x-engram-namespace', 'a b'],
    ['x-engram-user', 'x'.repeat(257)],
    ['x-engram-skip-memory', 'perhaps'],
  ])('refuses %s: %s', (header, value) => {
    expect(() => readDirectives({ [header]: value })).toThrow(
      expect.objectContaining({ code: 'invalid_engram_header' }),
    );
  });

  it('refuses a header sent twice', () => {
    expect(() => readDirectives({ 'x-engram-namespace': ['a', 'b'] })).toThrow(
      expect.objectContaining({ code: 'invalid_engram_header' }),
    );
  });
});

describe("the client's own upstream key", () => {
  const engram = `eng_${'a'.repeat(64)}`;
  it('is Authorization when Engram authenticated by another header, unless it is an Engram key', () => {
    expect(clientUpstreamAuthorization({ 'x-engram-key': engram, authorization: 'Bearer sk-1' })).toBe('Bearer sk-1');
    expect(clientUpstreamAuthorization({ 'x-api-key': engram, authorization: 'bearer sk-1' })).toBe('Bearer sk-1');
    expect(clientUpstreamAuthorization({ authorization: 'Bearer sk-1' })).toBeUndefined();
    expect(clientUpstreamAuthorization({ 'x-engram-key': engram, authorization: `Bearer ${engram}` })).toBeUndefined();
    expect(clientUpstreamAuthorization({ 'x-engram-key': engram, authorization: 'Basic abc' })).toBeUndefined();
    expect(clientUpstreamAuthorization({ 'x-engram-key': engram })).toBeUndefined();
  });
});
