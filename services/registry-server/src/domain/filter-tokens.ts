import { MlflowError } from '@payments-mlops/contracts';

/*
 * The lexer of MLflow's search filter language, a small subset of SQL:
 *   metrics.auc > 0.9 AND params.lr = '0.1' AND tags.`mlflow.runName` LIKE '%x%'
 *   attributes.run_id IN ('a1', 'b2') AND created >= 1700000000000
 */

export type Operator = '=' | '!=' | '<>' | '>' | '>=' | '<' | '<=';
export type Keyword = 'AND' | 'OR' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT';

export type Token =
  /**
   * `prefix.key` or a bare `key`; a bare word splits at its first dot (`params.a.b` is key `a.b`).
   * `quote` is how the key was written: bare, in backticks, or in double quotes.
   */
  | { kind: 'identifier'; text: string; prefix: string | undefined; key: string; quote: 'none' | 'backtick' | 'double'; position: number }
  | { kind: 'string'; value: string; position: number }
  | { kind: 'number'; text: string; value: number; position: number }
  | { kind: 'operator'; text: Operator; position: number }
  | { kind: 'keyword'; text: Keyword; position: number }
  | { kind: 'punctuation'; text: '(' | ')' | ','; position: number };

const KEYWORDS: ReadonlySet<string> = new Set<Keyword>(['AND', 'OR', 'LIKE', 'ILIKE', 'IN', 'NOT']);
const WORD_CHAR = /[A-Za-z0-9_.]/;
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?![A-Za-z_])/;
const TWO_CHAR_OPERATORS: ReadonlySet<string> = new Set(['!=', '<>', '>=', '<=']);

export function invalidFilter(message: string): MlflowError {
  return MlflowError.invalidParameter(message);
}

/** Splits a filter into tokens; a quoted key written right after `prefix.` joins that identifier. */
export function tokenizeFilter(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < filter.length) {
    const char = filter.charAt(i);
    const start = i;
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === "'") {
      const { text, end } = readQuoted(filter, i);
      tokens.push({ kind: 'string', value: text, position: start });
      i = end;
    } else if (char === '`' || char === '"') {
      const { text, end } = readQuoted(filter, i);
      const quote = char === '`' ? 'backtick' : 'double';
      const previous = tokens.at(-1);
      if (previous?.kind === 'identifier' && previous.quote === 'none' && previous.key === '' && previous.position + previous.text.length === start) {
        tokens[tokens.length - 1] = { ...previous, text: filter.slice(previous.position, end), key: text, quote };
      } else {
        tokens.push({ kind: 'identifier', text: filter.slice(start, end), prefix: undefined, key: text, quote, position: start });
      }
      i = end;
    } else if (/[-.\d]/.test(char) && NUMBER.test(filter.slice(i)) && !(char === '.' && followsWord(filter, i))) {
      const text = NUMBER.exec(filter.slice(i))?.[0] ?? '';
      tokens.push({ kind: 'number', text, value: Number(text), position: start });
      i += text.length;
    } else if ('=!<>'.includes(char)) {
      const two = filter.slice(i, i + 2);
      const text = TWO_CHAR_OPERATORS.has(two) ? two : char;
      if (text === '!') throw invalidFilter(`Invalid character '!' at position ${start} in filter '${filter}'`);
      tokens.push({ kind: 'operator', text: text as Operator, position: start });
      i += text.length;
    } else if (char === '(' || char === ')' || char === ',') {
      tokens.push({ kind: 'punctuation', text: char, position: start });
      i += 1;
    } else if (WORD_CHAR.test(char)) {
      let end = i;
      while (end < filter.length && WORD_CHAR.test(filter.charAt(end))) end += 1;
      const text = filter.slice(i, end);
      const upper = text.toUpperCase();
      if (KEYWORDS.has(upper)) tokens.push({ kind: 'keyword', text: upper as Keyword, position: start });
      else {
        const dot = text.indexOf('.');
        const [prefix, key] = dot === -1 ? [undefined, text] : [text.slice(0, dot), text.slice(dot + 1)];
        tokens.push({ kind: 'identifier', text, prefix, key, quote: 'none', position: start });
      }
      i = end;
    } else {
      throw invalidFilter(`Invalid character '${char}' at position ${start} in filter '${filter}'`);
    }
  }
  return tokens;
}

function followsWord(filter: string, i: number): boolean {
  return i > 0 && /[A-Za-z0-9_]/.test(filter.charAt(i - 1));
}

/** Reads a quoted run starting at `start`; a doubled quote inside stands for one quote, as in SQL. */
function readQuoted(filter: string, start: number): { text: string; end: number } {
  const quote = filter.charAt(start);
  let text = '';
  let i = start + 1;
  while (i < filter.length) {
    const char = filter.charAt(i);
    if (char === quote) {
      if (filter.charAt(i + 1) !== quote) return { text, end: i + 1 };
      text += quote;
      i += 2;
    } else {
      text += char;
      i += 1;
    }
  }
  throw invalidFilter(`Unterminated ${quote} quote at position ${start} in filter '${filter}'`);
}
