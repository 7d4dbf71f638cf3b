import {
  DEFAULT_CA_URL,
  DEFAULT_LOG_URL,
  parseCommand,
  parseCount,
  resolveInstance,
} from './options';

describe(resolveInstance.name, () => {
  const env = {
    SIGNET_CA_URL: 'https://ca.example.com/',
    SIGNET_LOG_URL: 'https://log.example.com',
  };

  it('prefers --ca-url/--log-url, then SIGNET_CA_URL/SIGNET_LOG_URL, then the local defaults', () => {
    expect(
      resolveInstance(
        {
          'ca-url': 'http://10.0.0.1:5555',
          'log-url': 'http://10.0.0.1:3000',
          'insecure-http': true,
        },
        env,
      ),
    ).toEqual({
      caUrl: 'http://10.0.0.1:5555',
      logUrl: 'http://10.0.0.1:3000',
    });
    expect(resolveInstance({}, env)).toEqual({
      caUrl: 'https://ca.example.com',
      logUrl: 'https://log.example.com',
    });
    expect(resolveInstance({}, { SIGNET_CA_URL: '' })).toEqual({
      caUrl: DEFAULT_CA_URL,
      logUrl: DEFAULT_LOG_URL,
    });
    expect([DEFAULT_CA_URL, DEFAULT_LOG_URL]).toEqual([
      'http://127.0.0.1:5555',
      'http://127.0.0.1:3000',
    ]);
  });

  it('refuses a URL that is not absolute http(s) (exit 64)', () => {
    expect(() => resolveInstance({ 'ca-url': 'ca.example.com' }, {})).toThrow(
      expect.objectContaining({
        exitCode: 64,
        message: '--ca-url "ca.example.com" is not an absolute URL',
      }),
    );
    expect(() => resolveInstance({}, { SIGNET_LOG_URL: 'ftp://log' })).toThrow(
      '--log-url must be an http or https URL, got "ftp://log"',
    );
  });

  // Security review M9: plain http to any host let an on-path attacker serve the trusted root.
  it('refuses plain http to a host that is not loopback without --insecure-http (exit 64)', () => {
    expect(() => resolveInstance({ 'ca-url': 'http://ca.example.com' }, {})).toThrow(
      expect.objectContaining({
        exitCode: 64,
        message:
          '--ca-url http://ca.example.com is plain http to a host that is not loopback; use https, or pass --insecure-http',
      }),
    );
    expect(() => resolveInstance({}, { SIGNET_LOG_URL: 'http://10.0.0.1:3000' })).toThrow(
      '--log-url http://10.0.0.1:3000 is plain http to a host that is not loopback; use https, or pass --insecure-http',
    );
    for (const url of ['http://127.0.0.1:5555', 'http://localhost:5555', 'http://[::1]:5555']) {
      expect(resolveInstance({ 'ca-url': url }, {}).caUrl).toBe(url);
    }
  });
});

describe(parseCommand.name, () => {
  const options = { help: { type: 'boolean' }, bundle: { type: 'string' } } as const;

  it('returns values and positionals', () => {
    const { values, positionals, help } = parseCommand(['a.txt', '--bundle', 'b.json'], options, [
      'FILE',
    ]);
    expect(values.bundle).toBe('b.json');
    expect(positionals).toEqual(['a.txt']);
    expect(help).toBe(false);
  });

  it('names missing and unexpected positionals (exit 64)', () => {
    expect(() => parseCommand([], options, ['FILE'])).toThrow(
      expect.objectContaining({ exitCode: 64, message: 'missing FILE' }),
    );
    expect(() => parseCommand(['a', 'b'], options, ['FILE'])).toThrow('unexpected argument "b"');
  });

  it('lets --help through without positionals', () => {
    expect(parseCommand(['--help'], options, ['FILE']).help).toBe(true);
  });

  it('rejects unknown options and missing option values (node:util parseArgs errors)', () => {
    expect(() => parseCommand(['a', '--nope'], options, ['FILE'])).toThrow(
      expect.objectContaining({ code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' }),
    );
    expect(() => parseCommand(['a', '--bundle'], options, ['FILE'])).toThrow(
      expect.objectContaining({ code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' }),
    );
  });
});

describe(parseCount.name, () => {
  it('parses canonical decimals as bigint within bounds', () => {
    expect(parseCount('--first-size', '12', 1n)).toBe(12n);
    expect(parseCount('--log-index', '0')).toBe(0n);
    expect(parseCount('--log-index', '9223372036854775807')).toBe(2n ** 63n - 1n);
    for (const bad of ['-1', '01', '1.5', 'x', '', '9223372036854775808']) {
      expect(() => parseCount('--log-index', bad)).toThrow(
        expect.objectContaining({ exitCode: 64 }),
      );
    }
    expect(() => parseCount('--first-size', '0', 1n)).toThrow(
      '--first-size must be an integer of at least 1, got "0"',
    );
  });
});
