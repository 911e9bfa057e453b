/**
 * parseIni: the shared config file grammar of Python's configparser (RawConfigParser) and
 * botocore's raw_config_parse, spelled out case by case from their documentation.
 * test/vectors/cli-botocore.test.ts compares the parser with botocore itself on generated files.
 */
import { describe, expect, test } from 'vitest';
import { IniError, parseIni, type IniSections } from '../../../src/cli/ini.js';

/** The sections as plain objects, sub-sections as nested objects. */
const plain = (sections: IniSections) =>
  Object.fromEntries(
    [...sections].map(([name, keys]) => [
      name,
      Object.fromEntries(
        [...keys].map(([key, value]) => [key, typeof value === 'string' ? value : Object.fromEntries(value)]),
      ),
    ]),
  );

describe('parseIni', () => {
  test('sections, keys with = or :, comments and blank lines', () => {
    const text = [
      '# a comment',
      '; another',
      '[default]',
      'region = eu-west-1',
      'output: json',
      '',
      '   # an indented comment',
      '[profile work]',
      'Region=ap-south-1',
      'aws_access_key_id = AKID = with equals',
    ].join('\n');
    expect(plain(parseIni(text))).toEqual({
      default: { region: 'eu-west-1', output: 'json' },
      'profile work': { region: 'ap-south-1', aws_access_key_id: 'AKID = with equals' },
    });
  });

  test('an inline comment stays in the value, as the AWS CLI keeps it', () => {
    expect(plain(parseIni('[default]\nregion = us-east-1 # Virginia\n'))).toEqual({
      default: { region: 'us-east-1 # Virginia' },
    });
  });

  test('indented lines after `key =` form a sub-section that owns them', () => {
    const text =
      '[default]\nregion = eu-west-1\ns3 =\n  addressing_style = path\n  region = ap-south-1\nendpoint_url = http://x\n';
    expect(plain(parseIni(text))).toEqual({
      default: {
        region: 'eu-west-1',
        s3: { addressing_style: 'path', region: 'ap-south-1' },
        endpoint_url: 'http://x',
      },
    });
  });

  test('sub-section keys keep their case; blank and comment lines inside are skipped', () => {
    const text = '[default]\ns3 =\n\n  Addressing_Style = path\n  # note\n\n  use_accelerate_endpoint = true\n';
    expect(plain(parseIni(text))).toEqual({
      default: { s3: { Addressing_Style: 'path', use_accelerate_endpoint: 'true' } },
    });
  });

  test('an indented line after a value on the same line continues it as text', () => {
    expect(plain(parseIni('[default]\nnote = one\n  two\n'))).toEqual({ default: { note: 'one\ntwo' } });
  });

  test('an indented first key after a header is a key, and later keys at that indent are keys too', () => {
    expect(plain(parseIni('[default]\n  region = a\n  output = b\n'))).toEqual({
      default: { region: 'a', output: 'b' },
    });
  });

  test('CRLF and CR line ends, a BOM, no final newline', () => {
    expect(plain(parseIni('\uFEFF[a]\r\nk = 1\rj = 2'))).toEqual({ a: { k: '1', j: '2' } });
  });

  test('the header is the text between the first [ and the last ], kept as written', () => {
    expect([...parseIni('[ profile x ]\n[profile "a b"] trailing\n[a]b]\n').keys()]).toEqual([
      ' profile x ',
      'profile "a b"',
      'a]b',
    ]);
  });

  test('[DEFAULT] gives its keys to every section', () => {
    expect(plain(parseIni('[DEFAULT]\nregion = x\n[a]\n[b]\nregion = y\n'))).toEqual({
      a: { region: 'x' },
      b: { region: 'y' },
    });
  });

  const errors: Array<[string, string, RegExp]> = [
    ['a key before any section', 'region = x\n', /^line 1: a key before any \[section\]$/],
    ['a repeated section', '[a]\n[b]\n[a]\n', /^line 3: section \[a\] appears twice$/],
    ['a repeated key, in any case', '[a]\nk = 1\nK = 2\n', /^line 3: key k appears twice in \[a\]$/],
    ['a line that is not key = value', '[a]\nk = 1\njust words\n', /^line 3: /],
    ['an empty key', '[a]\n= value\n', /^line 2: /],
    ['a sub-section line without =', '[a]\ns3 =\n  addressing_style path\n', /^line 2: .*not "key = value"/],
  ];
  test.each(errors)('refuses %s, naming the line', (_, text, message) => {
    expect(() => parseIni(text)).toThrow(IniError);
    expect(() => parseIni(text)).toThrow(message);
  });

  test('the error for a bad line never repeats its text, which may hold a secret', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
    expect(() => parseIni(`[a]\n${secret}\n`)).toThrow(/^line 2: neither/);
    try {
      parseIni(`[a]\n${secret}\n`);
    } catch (error) {
      expect(String(error)).not.toContain(secret);
    }
  });
});
