/**
 * The AWS shared config and credentials files, read as the AWS CLI reads them: Python's
 * `configparser.RawConfigParser` followed by botocore's `raw_config_parse`.
 *
 * - `[section]` headers: the text between the first `[` and the last `]`, kept as written.
 * - `key = value` or `key: value`; keys are lower-cased, values trimmed. `#` and `;` start a
 *   comment line only at the start of a line (after spaces): `region = us-east-1 # x` keeps the
 *   comment in the value, as the AWS CLI does.
 * - A line indented deeper than the key before it continues that key's value. A value that
 *   starts on the next line (`s3 =` followed by indented `key = value` lines) is a sub-section:
 *   its lines belong to it, never to the profile.
 * - `[DEFAULT]`'s keys apply to every section. A repeated section or key in one file is an error,
 *   as are a key before any section and a line that is neither.
 *
 * @example
 * ```ts
 * const sections = parseIni('[default]\nregion = eu-west-1\ns3 =\n  addressing_style = path\n');
 * sections.get('default')?.get('region'); // 'eu-west-1'
 * sections.get('default')?.get('s3');     // Map { 'addressing_style' => 'path' }
 * ```
 * @module
 */

/** A value: a string, or a sub-section of keys (kept as written) to strings. */
export type IniValue = string | ReadonlyMap<string, string>;

/** Section name to key to value, in the file's order. */
export type IniSections = ReadonlyMap<string, ReadonlyMap<string, IniValue>>;

/** A file that the AWS CLI would refuse too; `line` is 1-based. */
export class IniError extends Error {
  override readonly name = 'IniError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

// Python's str.strip() and \S for the characters a config file holds (ASCII whitespace).
const strip = (text: string) => text.replace(/^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g, '');
const indentOf = (line: string) => /^[ \t\n\r\v\f]*/.exec(line)![0].length;

/** A value that begins with a line break is a sub-section of `key = value` lines. */
function subSection(value: string, line: number): ReadonlyMap<string, string> {
  const keys = new Map<string, string>();
  for (const raw of value.split('\n')) {
    const text = strip(raw);
    if (text === '') continue;
    const eq = text.indexOf('=');
    if (eq < 0) throw new IniError(line, `an indented line under this key is not "key = value"`);
    keys.set(strip(text.slice(0, eq)), strip(text.slice(eq + 1)));
  }
  return keys;
}

/**
 * Parses the text of an AWS config or credentials file, or throws {@link IniError}. Sub-sections
 * (`s3 =` followed by indented lines) become maps.
 *
 * @example
 * ```ts
 * parseIni('[profile work]\nregion: ap-south-1\n').get('profile work')?.get('region'); // 'ap-south-1'
 * parseIni('region = x\n'); // throws IniError: line 1: a key before any [section]
 * ```
 */
export function parseIni(text: string): IniSections {
  const sections = new Map<string, Map<string, string[]>>();
  const defaults = new Map<string, string[]>();
  const seen = new Set<string>();
  const keyLines = new Map<string[], number>();
  let section: Map<string, string[]> | undefined;
  let sectionName = '';
  let value: string[] | undefined; // the current key's value lines
  let indent = 0;
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  let badLine: number | undefined;
  lines.forEach((line, index) => {
    const number = index + 1;
    const content = strip(line);
    const isComment = content.startsWith('#') || content.startsWith(';');
    if (content === '' || isComment) {
      // A blank line may sit inside a multi-line value; a comment line never joins it.
      if (!isComment && value !== undefined) value.push('');
      return;
    }
    const lineIndent = indentOf(line);
    if (section !== undefined && value !== undefined && lineIndent > indent) {
      value.push(content);
      return;
    }
    indent = lineIndent;
    const header = /^\[(.+)\]/.exec(content);
    if (header) {
      sectionName = header[1]!;
      if (sectionName === 'DEFAULT') section = defaults;
      else {
        if (seen.has(sectionName)) throw new IniError(number, `section [${sectionName}] appears twice`);
        seen.add(sectionName);
        section = sections.get(sectionName) ?? new Map<string, string[]>();
        sections.set(sectionName, section);
      }
      value = undefined;
      return;
    }
    if (section === undefined) throw new IniError(number, 'a key before any [section]');
    // configparser reads on past a bad line and reports the first one at the end.
    const option = /^(.*?)[ \t\n\r\v\f]*([=:])[ \t\n\r\v\f]*(.*)$/.exec(content);
    if (option === null) {
      badLine ??= number; // the key before it keeps any deeper-indented lines that follow
      return;
    }
    if (option[1] === '') {
      badLine ??= number;
      value = undefined;
      return;
    }
    const key = option[1]!.replace(/[ \t\n\r\v\f]+$/, '').toLowerCase();
    if (seen.has(`${sectionName}\n${key}`)) throw new IniError(number, `key ${key} appears twice in [${sectionName}]`);
    seen.add(`${sectionName}\n${key}`);
    value = [strip(option[3]!)];
    keyLines.set(value, number);
    section.set(key, value);
  });
  if (badLine !== undefined) throw new IniError(badLine, 'neither [section], key = value, nor a comment');

  const join = (parts: string[]): IniValue => {
    const joined = parts.join('\n').replace(/[ \t\n\r\v\f]+$/, '');
    return joined.startsWith('\n') ? subSection(joined, keyLines.get(parts)!) : joined;
  };
  const result = new Map<string, Map<string, IniValue>>();
  for (const [name, keys] of sections) {
    const out = new Map<string, IniValue>();
    for (const [key, parts] of defaults) if (!keys.has(key)) out.set(key, join(parts));
    for (const [key, parts] of keys) out.set(key, join(parts));
    result.set(name, out);
  }
  return result;
}
